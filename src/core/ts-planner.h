/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ts-plan.h"
#include "ts-project.h"
#include "ts-story.h"

G_BEGIN_DECLS

/* No local override: plan with the velocity from the project's history. */
#define TS_VELOCITY_NOT_OVERRIDDEN 0.0

TsPlan *ts_planner_plan (TsProject       *project,
                         TsStory * const *stories,
                         guint            n_stories,
                         TsDay            today,
                         double           velocity_override);

G_END_DECLS
