/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-chart-series"

#include "ts-chart-series.h"

#include <math.h>
#include <string.h>

/*
 * The numbers behind the Reports view's charts, computed from the plan the
 * backlog shows and the stories it holds: no second count that could
 * drift from the planner's. The velocity bars are the planner's own
 * accepted points per done iteration (rule 5's input); the burn-up walks
 * the current iteration's stories and dates each acceptance in the
 * project's time zone, as the planner dates it.
 */

/* Velocity */

TsVelocitySeries *
ts_velocity_series_new (TsProject *project,
                        TsPlan    *plan)
{
  TsVelocitySeries *self = g_new0 (TsVelocitySeries, 1);
  guint n_done = ts_plan_get_n_done (plan);
  guint first = n_done > TS_VELOCITY_MAX_BARS ? n_done - TS_VELOCITY_MAX_BARS : 0;

  g_return_val_if_fail (TS_IS_PROJECT (project), self);

  self->n_bars = n_done - first;
  self->bars = g_new0 (TsVelocityBar, MAX (self->n_bars, 1));
  self->velocity = ts_plan_get_velocity (plan);
  self->velocity_shown = ts_plan_get_velocity_shown (plan);
  self->what_if = ts_plan_has_velocity_override (plan);
  self->most_points = (guint) ceil (self->velocity);

  for (guint i = 0; i < self->n_bars; i++)
    {
      const TsPlanIteration *done = ts_plan_get_done (plan, first + i);
      const TsIterationOverride *override = ts_project_get_override (project, done->number);
      TsVelocityBar *bar = &self->bars[i];

      bar->number = done->number;
      bar->start = done->start;
      bar->finish = done->finish;
      bar->points = done->points;
      bar->team_strength = done->team_strength;
      bar->weeks = done->weeks;
      /* An override that repeats the project's settings changes nothing
       * the chart would need to explain. */
      bar->overridden = override != NULL &&
                        (override->team_strength != 1.0 || override->length != 0);
      self->most_points = MAX (self->most_points, bar->points);
    }

  return self;
}

void
ts_velocity_series_free (TsVelocitySeries *self)
{
  if (self == NULL)
    return;
  g_free (self->bars);
  g_free (self);
}

gboolean
ts_velocity_series_equal (const TsVelocitySeries *a,
                          const TsVelocitySeries *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->n_bars == b->n_bars && a->velocity == b->velocity && a->what_if == b->what_if &&
         memcmp (a->bars, b->bars, a->n_bars * sizeof (TsVelocityBar)) == 0;
}

/* Burn-up */

/* The day a story counts as accepted on: the planner counts an
 * acceptance dated after the plan's day (a clock ahead) as today's. */
static TsDay
accepted_day (TsStory        *story,
              GTimeZone      *zone,
              TsBurnupSeries *self)
{
  GDateTime *accepted_at = ts_story_get_accepted_at (story);
  TsDay day = accepted_at != NULL ? ts_day_from_date_time (accepted_at, zone) : self->today;

  return CLAMP (day, self->start, MAX (self->start, MIN (self->today, self->finish)));
}

TsBurnupSeries *
ts_burnup_series_new (TsProject         *project,
                      TsPlan            *plan,
                      TsStoryLookupFunc  lookup,
                      gpointer           user_data)
{
  TsBurnupSeries *self = g_new0 (TsBurnupSeries, 1);
  const TsPlanIteration *current;
  gboolean pointed;
  GTimeZone *zone;
  g_autofree guint *accepted_on = NULL;
  guint total = 0;

  g_return_val_if_fail (TS_IS_PROJECT (project), self);
  g_return_val_if_fail (ts_plan_get_n_iterations (plan) > 0, self);

  current = ts_plan_get_iteration (plan, 0);
  pointed = ts_project_get_bugs_and_chores_are_pointed (project);
  zone = ts_project_get_zone (project);
  self->iteration = current->number;
  self->start = current->start;
  self->finish = current->finish;
  self->today = ts_plan_get_today (plan);
  self->planned = current->points;
  self->n_days = current->finish - current->start + 1;
  self->days = g_new0 (TsBurnupDay, self->n_days);
  accepted_on = g_new0 (guint, self->n_days);

  for (guint i = 0; i < current->n_stories; i++)
    {
      TsStory *story = lookup (user_data, current->story_ids[i]);

      if (story == NULL || ts_story_get_state (story) != TS_STORY_STATE_ACCEPTED)
        continue;
      accepted_on[accepted_day (story, zone, self) - self->start] +=
        ts_story_get_points (story, pointed);
    }

  for (guint i = 0; i < self->n_days; i++)
    {
      total += accepted_on[i];
      self->days[i].day = self->start + i;
      self->days[i].accepted = self->start + i <= self->today ? (int) total : -1;
    }
  self->most_points = MAX (self->planned, total);

  return self;
}

void
ts_burnup_series_free (TsBurnupSeries *self)
{
  if (self == NULL)
    return;
  g_free (self->days);
  g_free (self);
}

gboolean
ts_burnup_series_equal (const TsBurnupSeries *a,
                        const TsBurnupSeries *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->iteration == b->iteration && a->start == b->start && a->today == b->today &&
         a->planned == b->planned && a->n_days == b->n_days &&
         memcmp (a->days, b->days, a->n_days * sizeof (TsBurnupDay)) == 0;
}
