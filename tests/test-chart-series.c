/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The charts' series (issue 19): velocity bars are the points accepted
 * per done iteration, the last twelve, with the iterations whose team
 * strength or length is overridden marked and the planner's velocity
 * beside them; the burn-up counts the current iteration's accepted points
 * day by day, dated in the project's time zone, against the points
 * planned into it. */

#include <math.h>

#include "backlog.h"
#include "ts-chart-series.h"

/* 2026-01-05 is the first day of iteration 1 (backlog_new_default). */
static TsDay
iteration_start (guint number)
{
  return ts_day_from_ymd (2026, 1, 5) + 7 * (number - 1);
}

static TsStory *
lookup (gpointer user_data,
        gint64   story_id)
{
  return backlog_find (user_data, story_id);
}

static TsStory *
accept_at (Backlog    *backlog,
           int         points,
           const char *when)
{
  TsStory *story = backlog_add (backlog, TS_STORY_TYPE_FEATURE, points, TS_STORY_STATE_ACCEPTED);
  g_autoptr(GDateTime) accepted_at = ts_timestamp_parse (when);

  g_assert_nonnull (accepted_at);
  ts_story_set_accepted_at (story, accepted_at);
  return story;
}

static void
test_velocity_per_done_iteration (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(TsVelocitySeries) series = NULL;
  TsIterationOverride half = { 2, 0.5, 0 };
  TsIterationOverride as_usual = { 1, 1.0, 0 };
  TsIterationOverride longer = { 3, 1.0, 2 };

  accept_at (backlog, 3, "2026-01-06T09:00:00Z");
  accept_at (backlog, 2, "2026-01-11T22:00:00Z");
  accept_at (backlog, 5, "2026-01-14T12:00:00Z");
  accept_at (backlog, 8, "2026-01-20T12:00:00Z");
  backlog_add (backlog, TS_STORY_TYPE_FEATURE, 2, TS_STORY_STATE_STARTED);
  ts_project_set_override (backlog->project, &half);
  ts_project_set_override (backlog->project, &as_usual);
  ts_project_set_override (backlog->project, &longer);
  /* Iteration 3 is two weeks long: 19 Jan to 1 Feb; today is in 4. */
  backlog->today = ts_day_from_ymd (2026, 2, 4);
  plan = backlog_plan (backlog);
  series = ts_velocity_series_new (backlog->project, plan);

  g_assert_cmpuint (series->n_bars, ==, 3);
  g_assert_cmpuint (series->bars[0].number, ==, 1);
  g_assert_cmpuint (series->bars[0].points, ==, 5);
  g_assert_false (series->bars[0].overridden);
  g_assert_cmpuint (series->bars[1].number, ==, 2);
  g_assert_cmpuint (series->bars[1].points, ==, 5);
  g_assert_true (series->bars[1].overridden);
  g_assert_cmpfloat (series->bars[1].team_strength, ==, 0.5);
  g_assert_cmpuint (series->bars[2].number, ==, 3);
  g_assert_cmpuint (series->bars[2].points, ==, 8);
  g_assert_true (series->bars[2].overridden);
  g_assert_cmpuint (series->bars[2].weeks, ==, 2);
  g_assert_cmpuint (series->bars[2].start, ==, ts_day_from_ymd (2026, 1, 19));
  g_assert_cmpuint (series->bars[2].finish, ==, ts_day_from_ymd (2026, 2, 1));
  /* The line is the planner's velocity, whatever it is. */
  g_assert_cmpfloat (series->velocity, ==, ts_plan_get_velocity (plan));
  g_assert_cmpint (series->velocity_shown, ==, ts_plan_get_velocity_shown (plan));
  g_assert_false (series->what_if);
  g_assert_cmpuint (series->most_points, ==, MAX (8, (guint) ceil (series->velocity)));
}

static void
test_velocity_what_if_and_equal (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(TsPlan) what_if_plan = NULL;
  g_autoptr(TsVelocitySeries) series = NULL;
  g_autoptr(TsVelocitySeries) again = NULL;
  g_autoptr(TsVelocitySeries) what_if = NULL;

  accept_at (backlog, 3, "2026-01-06T09:00:00Z");
  backlog_set_today_in_iteration (backlog, 3);
  plan = backlog_plan (backlog);
  series = ts_velocity_series_new (backlog->project, plan);
  again = ts_velocity_series_new (backlog->project, plan);
  g_assert_true (ts_velocity_series_equal (series, again));

  backlog->velocity_override = 42.0;
  what_if_plan = backlog_plan (backlog);
  what_if = ts_velocity_series_new (backlog->project, what_if_plan);
  g_assert_true (what_if->what_if);
  g_assert_cmpfloat (what_if->velocity, ==, 42.0);
  g_assert_cmpuint (what_if->most_points, ==, 42);
  g_assert_false (ts_velocity_series_equal (series, what_if));
}

static void
test_velocity_last_twelve (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(TsVelocitySeries) series = NULL;

  for (guint number = 1; number <= 15; number++)
    backlog_accept_points (backlog, number, number);
  backlog_set_today_in_iteration (backlog, 16);
  plan = backlog_plan (backlog);
  series = ts_velocity_series_new (backlog->project, plan);

  g_assert_cmpuint (ts_plan_get_n_done (plan), ==, 15);
  g_assert_cmpuint (series->n_bars, ==, TS_VELOCITY_MAX_BARS);
  for (guint i = 0; i < series->n_bars; i++)
    {
      g_assert_cmpuint (series->bars[i].number, ==, 4 + i);
      g_assert_cmpuint (series->bars[i].points, ==, 4 + i);
    }
}

static void
test_velocity_no_history (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = backlog_plan (backlog);
  g_autoptr(TsVelocitySeries) series = ts_velocity_series_new (backlog->project, plan);

  g_assert_cmpuint (series->n_bars, ==, 0);
  g_assert_cmpfloat (series->velocity, ==, 10.0);
  g_assert_cmpuint (series->most_points, ==, 10);
}

/* Iteration 4 runs from Monday 26 January to Sunday 1 February; today is
 * Wednesday 28. */
static Backlog *
burnup_backlog (const char *zone)
{
  Backlog *backlog = backlog_new_default ();

  g_assert_true (ts_project_set_time_zone (backlog->project, zone));
  ts_project_set_initial_velocity (backlog->project, 20);
  backlog->today = ts_day_from_ymd (2026, 1, 28);
  /* Done before the iteration: not in its burn-up. */
  accept_at (backlog, 8, "2026-01-20T12:00:00Z");
  accept_at (backlog, 3, "2026-01-26T10:00:00Z");
  /* 23:30 in UTC is already the 28th in Berlin. */
  accept_at (backlog, 2, "2026-01-27T23:30:00Z");
  /* Stamped after the plan's day (a clock ahead): counted today. */
  accept_at (backlog, 1, "2026-01-30T08:00:00Z");
  backlog_add (backlog, TS_STORY_TYPE_FEATURE, 5, TS_STORY_STATE_STARTED);
  backlog_add (backlog, TS_STORY_TYPE_FEATURE, 2, TS_STORY_STATE_UNSTARTED);
  /* A chore counts no points unless the project points them. */
  backlog_add (backlog, TS_STORY_TYPE_CHORE, 3, TS_STORY_STATE_ACCEPTED);
  return backlog;
}

static void
assert_days (TsBurnupSeries *series,
             const int      *expected)
{
  g_assert_cmpuint (series->n_days, ==, 7);
  for (guint i = 0; i < series->n_days; i++)
    {
      g_assert_cmpuint (series->days[i].day, ==, iteration_start (4) + i);
      g_assert_cmpint (series->days[i].accepted, ==, expected[i]);
    }
}

static void
test_burnup_by_day_in_zone (void)
{
  static const int in_utc[] = { 3, 5, 6, -1, -1, -1, -1 };
  static const int in_berlin[] = { 3, 3, 6, -1, -1, -1, -1 };
  g_autoptr(Backlog) utc = burnup_backlog ("UTC");
  g_autoptr(Backlog) berlin = burnup_backlog ("Europe/Berlin");
  g_autoptr(TsPlan) utc_plan = backlog_plan (utc);
  g_autoptr(TsPlan) berlin_plan = backlog_plan (berlin);
  g_autoptr(TsBurnupSeries) utc_series = ts_burnup_series_new (utc->project, utc_plan, lookup, utc);
  g_autoptr(TsBurnupSeries) berlin_series = ts_burnup_series_new (berlin->project, berlin_plan,
                                                                  lookup, berlin);

  g_assert_cmpuint (utc_series->iteration, ==, 4);
  g_assert_cmpuint (utc_series->start, ==, iteration_start (4));
  g_assert_cmpuint (utc_series->finish, ==, iteration_start (4) + 6);
  g_assert_cmpuint (utc_series->today, ==, ts_day_from_ymd (2026, 1, 28));
  /* 3 + 2 + 1 accepted and 5 started: 11 planned; the unstarted 2 do
   * not fit the velocity of 8 points over three iterations. */
  g_assert_cmpuint (utc_series->planned, ==, 11);
  g_assert_cmpuint (utc_series->planned, ==, ts_plan_get_iteration (utc_plan, 0)->points);
  g_assert_cmpuint (utc_series->most_points, ==, 11);
  assert_days (utc_series, in_utc);
  assert_days (berlin_series, in_berlin);
  g_assert_false (ts_burnup_series_equal (utc_series, berlin_series));
}

static void
test_burnup_pointed_chores (void)
{
  static const int pointed[] = { 3, 5, 9, -1, -1, -1, -1 };
  g_autoptr(Backlog) backlog = burnup_backlog ("UTC");
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(TsBurnupSeries) series = NULL;

  ts_project_set_bugs_and_chores_are_pointed (backlog->project, TRUE);
  plan = backlog_plan (backlog);
  series = ts_burnup_series_new (backlog->project, plan, lookup, backlog);

  /* The chore has no accepted_at: it counts today, as the planner has it. */
  assert_days (series, pointed);
  g_assert_cmpuint (series->planned, ==, 14);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/chart-series/velocity-per-done-iteration",
                   test_velocity_per_done_iteration);
  g_test_add_func ("/core/chart-series/velocity-what-if", test_velocity_what_if_and_equal);
  g_test_add_func ("/core/chart-series/velocity-last-twelve", test_velocity_last_twelve);
  g_test_add_func ("/core/chart-series/velocity-no-history", test_velocity_no_history);
  g_test_add_func ("/core/chart-series/burnup-by-day-in-zone", test_burnup_by_day_in_zone);
  g_test_add_func ("/core/chart-series/burnup-pointed-chores", test_burnup_pointed_chores);

  return g_test_run ();
}
