/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ts-plan.h"
#include "ts-planning-table.h"
#include "ts-project.h"
#include "ts-story.h"

G_BEGIN_DECLS

/* No local override: plan with the velocity from the project's history. */
#define TS_VELOCITY_NOT_OVERRIDDEN 0.0

/* The days a plan may start or be made for, and the least velocity it
 * may be made with: the bounds that keep a plan's size and cost in
 * proportion (see ts_planner_check_day()). */
#define TS_PLANNER_FIRST_YEAR 1970
#define TS_PLANNER_LAST_YEAR 2199
#define TS_PLANNER_MIN_VELOCITY 1.0

TsPlan  *ts_planner_plan                (TsProject       *project,
                                         TsStory * const *stories,
                                         guint            n_stories,
                                         TsDay            today,
                                         double           velocity_override);
TsPlan  *ts_planner_plan_table          (TsProject             *project,
                                         const TsPlanningTable *table,
                                         TsDay                  today,
                                         double                 velocity_override);

gboolean ts_planner_check_day           (const char      *field,
                                         TsDay            day,
                                         GError         **error);
gboolean ts_planner_check_velocity      (const char      *field,
                                         double           velocity,
                                         GError         **error);

G_END_DECLS
