/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-plan.h"

G_BEGIN_DECLS

/* How the planner fills a plan; nothing else builds one. The iterations'
 * id pointers point into the plan's own id array, so it is sized once and
 * never grows. */
struct _TsPlan
{
  TsDay today;
  double velocity;
  double calculated_velocity;
  gboolean velocity_overridden;
  guint current_iteration;

  /* The ids of every story: the done iterations', then the current and
   * future iterations', then the Icebox's, each in priority order. */
  gint64 *story_ids;
  guint n_stories;

  TsPlanIteration *done;
  guint n_done;
  TsPlanIteration *iterations;
  guint n_iterations;
  gint64 *icebox;
  guint n_icebox;
  TsReleaseProjection *releases;
  guint n_releases;
};

TsPlan *ts_plan_new (void);

G_END_DECLS
