/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ts-day.h"
#include "ts-plan.h"
#include "ts-project.h"
#include "ts-story.h"

G_BEGIN_DECLS

/* The most recent done iterations a velocity chart shows: twelve bars
 * stay readable at 360 px; older ones are history the table keeps out
 * too, as the planner's window is at most four iterations long. */
#define TS_VELOCITY_MAX_BARS 12

/**
 * TsVelocityBar:
 * @number: the done iteration (1 is the first)
 * @start: its first day
 * @finish: its last day
 * @points: the points accepted in it
 * @team_strength: the fraction of the team at work in it
 * @weeks: its length in weeks
 * @overridden: whether the project overrides its team strength or length
 *
 * One done iteration in a velocity chart.
 */
typedef struct {
  guint number;
  TsDay start;
  TsDay finish;
  guint points;
  double team_strength;
  guint weeks;
  gboolean overridden;
} TsVelocityBar;

/**
 * TsVelocitySeries:
 * @bars: (array length=n_bars): the last done iterations, oldest first
 * @n_bars: how many (at most %TS_VELOCITY_MAX_BARS)
 * @velocity: the velocity the planner uses (a what-if one included)
 * @velocity_shown: @velocity as people see it, rounded down
 * @what_if: whether @velocity is a local what-if velocity
 * @most_points: the highest bar or velocity, for the scale
 */
typedef struct {
  TsVelocityBar *bars;
  guint n_bars;
  double velocity;
  int velocity_shown;
  gboolean what_if;
  guint most_points;
} TsVelocitySeries;

/**
 * TsBurnupDay:
 * @day: the day
 * @accepted: the points accepted in the iteration by the end of @day, or
 *   -1 for a day still to come
 */
typedef struct {
  TsDay day;
  int accepted;
} TsBurnupDay;

/**
 * TsBurnupSeries:
 * @iteration: the current iteration's number
 * @start: its first day
 * @finish: its last day
 * @today: the plan's day
 * @planned: the points planned into it (accepted ones included)
 * @days: (array length=n_days): each of its days, in order
 * @n_days: how many
 * @most_points: the highest of @planned and the accepted points
 */
typedef struct {
  guint iteration;
  TsDay start;
  TsDay finish;
  TsDay today;
  guint planned;
  TsBurnupDay *days;
  guint n_days;
  guint most_points;
} TsBurnupSeries;

/* Finds a story of the plan by its id; NULL when unknown. */
typedef TsStory *(*TsStoryLookupFunc) (gpointer user_data,
                                       gint64   story_id);

TsVelocitySeries *ts_velocity_series_new   (TsProject         *project,
                                            TsPlan            *plan);
void              ts_velocity_series_free  (TsVelocitySeries  *self);
gboolean          ts_velocity_series_equal (const TsVelocitySeries *a,
                                            const TsVelocitySeries *b);

TsBurnupSeries   *ts_burnup_series_new     (TsProject         *project,
                                            TsPlan            *plan,
                                            TsStoryLookupFunc  lookup,
                                            gpointer           user_data);
void              ts_burnup_series_free    (TsBurnupSeries    *self);
gboolean          ts_burnup_series_equal   (const TsBurnupSeries *a,
                                            const TsBurnupSeries *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsVelocitySeries, ts_velocity_series_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsBurnupSeries, ts_burnup_series_free)

G_END_DECLS
