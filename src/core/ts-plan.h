/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ts-day.h"
#include "ts-story.h"

G_BEGIN_DECLS

/**
 * TsPlanIteration:
 * @number: the iteration's number (1 is the first)
 * @start: its first day
 * @finish: its last day
 * @weeks: its length in weeks
 * @team_strength: the fraction of the team at work
 * @capacity: the points it can take (doc/planning.md rule 7); 0 for a done
 *   iteration
 * @points: the points of its stories: planned points for the current and
 *   future iterations, accepted points for a done one
 * @n_stories: how many stories it holds
 * @story_ids: (array length=n_stories): the ids of its stories, in
 *   priority order
 *
 * One iteration of a plan. Owned by the plan.
 */
typedef struct {
  guint number;
  TsDay start;
  TsDay finish;
  guint weeks;
  double team_strength;
  double capacity;
  guint points;
  guint n_stories;
  const gint64 *story_ids;
} TsPlanIteration;

/**
 * TsReleaseProjection:
 * @story_id: the release's id
 * @iteration: the number of the iteration it lands in
 * @projected_date: the last day of that iteration
 * @late: whether its deadline is earlier than @projected_date
 */
typedef struct {
  gint64 story_id;
  guint iteration;
  TsDay projected_date;
  gboolean late;
} TsReleaseProjection;

typedef struct _TsPlan TsPlan;

#define TS_TYPE_PLAN (ts_plan_get_type ())

GType                      ts_plan_get_type                (void) G_GNUC_CONST;
TsPlan                    *ts_plan_ref                     (TsPlan  *self);
void                       ts_plan_unref                   (TsPlan  *self);

TsDay                      ts_plan_get_today               (TsPlan  *self);
double                     ts_plan_get_velocity            (TsPlan  *self);
int                        ts_plan_get_velocity_shown      (TsPlan  *self);
double                     ts_plan_get_calculated_velocity (TsPlan  *self);
gboolean                   ts_plan_has_velocity_override   (TsPlan  *self);
guint                      ts_plan_get_current_iteration   (TsPlan  *self);

guint                      ts_plan_get_n_iterations        (TsPlan  *self);
const TsPlanIteration     *ts_plan_get_iteration           (TsPlan  *self,
                                                            guint    index);
guint                      ts_plan_get_n_done              (TsPlan  *self);
const TsPlanIteration     *ts_plan_get_done                (TsPlan  *self,
                                                            guint    index);
const gint64              *ts_plan_get_icebox              (TsPlan  *self,
                                                            guint   *n_stories);
guint                      ts_plan_get_n_releases          (TsPlan  *self);
const TsReleaseProjection *ts_plan_get_release             (TsPlan  *self,
                                                            guint    index);

guint                      ts_plan_find_story              (TsPlan  *self,
                                                            gint64   story_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsPlan, ts_plan_unref)

G_END_DECLS
