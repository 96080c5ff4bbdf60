/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Every test vector of doc/planning.md, each as its own test. Stories are
 * titled by what they are ("3" a 3-point feature, "c" an unestimated
 * chore, "s2" a started 2-point feature, "r" a release), so an iteration's
 * contents read as the vector writes them. */

#include "ts-core.h"

#include <string.h>

#include "backlog.h"

static void
test_v1_no_history (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 10);
  plan = backlog_plan (backlog);

  g_assert_cmpfloat (ts_plan_get_velocity (plan), ==, 10.0);
  g_assert_cmpint (ts_plan_get_velocity_shown (plan), ==, 10);
  g_assert_cmpuint (ts_plan_get_n_done (plan), ==, 0);
}

/* Builds the history of a velocity row: one done iteration per number, with
 * that many points accepted in it, and today in the iteration after. */
static Backlog *
backlog_with_history (const guint *accepted,
                      guint        n_done,
                      guint        strategy)
{
  Backlog *backlog = backlog_new_default ();

  ts_project_set_velocity_strategy (backlog->project, strategy);
  for (guint i = 0; i < n_done; i++)
    backlog_accept_points (backlog, i + 1, accepted[i]);
  backlog_set_today_in_iteration (backlog, n_done + 1);
  return backlog;
}

static void
assert_velocity (const guint *accepted,
                 guint        n_done,
                 guint        strategy,
                 double       expected,
                 int          expected_shown)
{
  g_autoptr(Backlog) backlog = backlog_with_history (accepted, n_done, strategy);
  g_autoptr(TsPlan) plan = backlog_plan (backlog);

  g_assert_cmpuint (ts_plan_get_current_iteration (plan), ==, n_done + 1);
  g_assert_cmpuint (ts_plan_get_n_done (plan), ==, n_done);
  g_assert_cmpfloat_with_epsilon (ts_plan_get_velocity (plan), expected, 1e-9);
  g_assert_cmpint (ts_plan_get_velocity_shown (plan), ==, expected_shown);
}

static void
test_v2_mean_of_three (void)
{
  const guint done[] = { 10, 5, 15 };

  assert_velocity (done, G_N_ELEMENTS (done), 3, 10.0, 10);
}

static void
test_v3_strategy_two (void)
{
  const guint done[] = { 5, 11 };

  assert_velocity (done, G_N_ELEMENTS (done), 2, 8.0, 8);
}

static void
test_v4_last_three_only (void)
{
  const guint done[] = { 1, 2, 3, 4, 5 };

  assert_velocity (done, G_N_ELEMENTS (done), 3, 4.0, 4);
}

static void
test_v5_fewer_than_strategy (void)
{
  const guint done[] = { 3, 1 };

  assert_velocity (done, G_N_ELEMENTS (done), 3, 2.0, 2);
}

static void
test_v6_fraction_kept (void)
{
  const guint done[] = { 3, 2, 2 };

  assert_velocity (done, G_N_ELEMENTS (done), 3, 7.0 / 3.0, 2);
}

static void
test_v7_zero_history (void)
{
  const guint done[] = { 0, 0, 0 };

  assert_velocity (done, G_N_ELEMENTS (done), 3, 10.0, 10);
}

static void
test_v8_team_strength (void)
{
  const guint done[] = { 10, 6, 10 };
  g_autoptr(Backlog) backlog = backlog_with_history (done, G_N_ELEMENTS (done), 3);
  g_autoptr(TsPlan) plan = NULL;

  backlog_set_team_strength (backlog, 2, 0.6);
  plan = backlog_plan (backlog);

  g_assert_cmpfloat_with_epsilon (ts_plan_get_velocity (plan), 10.0, 1e-9);
  g_assert_cmpint (ts_plan_get_velocity_shown (plan), ==, 10);
}

static void
test_v9_unpointed_bug (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  TsStory *bug;

  bug = backlog_add (backlog, TS_STORY_TYPE_BUG, 3, TS_STORY_STATE_ACCEPTED);
  backlog_set_accepted_in (backlog, bug, 1);
  backlog_set_today_in_iteration (backlog, 2);
  plan = backlog_plan (backlog);

  g_assert_cmpuint (ts_plan_get_done (plan, 0)->points, ==, 0);
  g_assert_cmpfloat (ts_plan_get_velocity (plan), ==, 10.0);
}

static void
test_p1_cumulative_filling (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 8);
  backlog_add_features (backlog, "2,2,3,3,3,3");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "2,2,3");
  g_assert_cmpuint (ts_plan_get_iteration (plan, 0)->points, ==, 7);
  assert_iteration (backlog, plan, 1, "3,3,3");
  g_assert_cmpuint (ts_plan_get_iteration (plan, 1)->points, ==, 9);
  g_assert_cmpuint (ts_plan_get_n_iterations (plan), ==, 2);
}

static void
test_p2_no_skipping (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 5);
  backlog_add_features (backlog, "3,3,1");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "3");
  assert_iteration (backlog, plan, 1, "3,1");
}

static void
test_p3_unestimated_chores (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 4);
  backlog_add_features (backlog, "2,2,c,1,c");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "2,2,c");
  assert_iteration (backlog, plan, 1, "1,c");
}

static void
test_p4_gaps_after_work_in_progress (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 2);
  backlog_add_features (backlog, "s2,8,1");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "s2");
  assert_iteration (backlog, plan, 1, "");
  assert_iteration (backlog, plan, 2, "");
  assert_iteration (backlog, plan, 3, "");
  assert_iteration (backlog, plan, 4, "8");
  assert_iteration (backlog, plan, 5, "1");
  g_assert_cmpuint (ts_plan_get_n_iterations (plan), ==, 6);
}

static void
test_p5_big_story_forced_into_current (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 2);
  backlog_add_features (backlog, "8,1");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "8");
  assert_iteration (backlog, plan, 1, "");
  assert_iteration (backlog, plan, 2, "");
  assert_iteration (backlog, plan, 3, "");
  assert_iteration (backlog, plan, 4, "1");
  g_assert_cmpuint (ts_plan_get_n_iterations (plan), ==, 5);
}

static void
test_p6_priority_order_inside_current (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 6);
  backlog_add_features (backlog, "3,3,s2");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "3,s2");
  assert_iteration (backlog, plan, 1, "3");
}

static void
test_p7_icebox (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  TsStory *iced;
  const gint64 *icebox;
  guint n_icebox;

  backlog_add_features (backlog, "3");
  iced = backlog_add (backlog, TS_STORY_TYPE_FEATURE, 2, TS_STORY_STATE_UNSCHEDULED);
  plan = backlog_plan (backlog);

  g_assert_cmpuint (ts_plan_find_story (plan, ts_story_get_id (iced)), ==, 0);
  icebox = ts_plan_get_icebox (plan, &n_icebox);
  g_assert_cmpuint (n_icebox, ==, 1);
  g_assert_cmpint (icebox[0], ==, ts_story_get_id (iced));
  assert_iteration (backlog, plan, 0, "3");
}

static void
test_p8_team_strength_ahead (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 10);
  backlog_set_team_strength (backlog, 2, 0.5);
  backlog_add_features (backlog, "5,5,5,5,5");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "5,5");
  assert_iteration (backlog, plan, 1, "5");
  g_assert_cmpfloat_with_epsilon (ts_plan_get_iteration (plan, 1)->capacity, 5.0, 1e-9);
  g_assert_cmpfloat (ts_plan_get_iteration (plan, 1)->team_strength, ==, 0.5);
  assert_iteration (backlog, plan, 2, "5,5");
}

static void
test_p9_release_late (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(TsPlan) replan = NULL;
  const TsReleaseProjection *release;
  TsStory *first, *r;
  TsDay last_day_of_current;

  ts_project_set_initial_velocity (backlog->project, 5);
  first = backlog_add (backlog, TS_STORY_TYPE_FEATURE, 3, TS_STORY_STATE_UNSTARTED);
  backlog_add_features (backlog, "3");
  r = backlog_add (backlog, TS_STORY_TYPE_RELEASE, TS_ESTIMATE_NONE, TS_STORY_STATE_UNSTARTED);
  last_day_of_current = ts_day_from_ymd (2026, 1, 11);
  ts_story_set_deadline (r, last_day_of_current);

  plan = backlog_plan (backlog);
  assert_iteration (backlog, plan, 1, "3,r");
  g_assert_cmpuint (ts_plan_get_n_releases (plan), ==, 1);
  release = ts_plan_get_release (plan, 0);
  g_assert_cmpint (release->story_id, ==, ts_story_get_id (r));
  g_assert_cmpuint (release->iteration, ==, 2);
  g_assert_cmpuint (release->projected_date, ==, ts_day_from_ymd (2026, 1, 18));
  g_assert_true (release->late);

  backlog_remove (backlog, first);
  replan = backlog_plan (backlog);
  assert_iteration (backlog, replan, 0, "3,r");
  release = ts_plan_get_release (replan, 0);
  g_assert_cmpuint (release->iteration, ==, 1);
  g_assert_cmpuint (release->projected_date, ==, last_day_of_current);
  g_assert_false (release->late);
}

static void
test_p10_current_iteration_dates (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  const TsPlanIteration *current;

  backlog->today = ts_day_from_ymd (2026, 1, 21);
  plan = backlog_plan (backlog);

  g_assert_cmpuint (ts_plan_get_current_iteration (plan), ==, 3);
  current = ts_plan_get_iteration (plan, 0);
  g_assert_cmpuint (current->number, ==, 3);
  g_assert_cmpuint (current->start, ==, ts_day_from_ymd (2026, 1, 19));
  g_assert_cmpuint (current->finish, ==, ts_day_from_ymd (2026, 1, 25));
  g_assert_cmpuint (ts_plan_get_n_done (plan), ==, 2);
}

static void
test_p11_zero_points_after_big_work_in_progress (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 2);
  backlog_add_features (backlog, "s5,c");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "s5");
  assert_iteration (backlog, plan, 1, "");
  assert_iteration (backlog, plan, 2, "c");
}

static void
test_p12_zero_points_after_forced_story (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  ts_project_set_initial_velocity (backlog->project, 2);
  backlog_add_features (backlog, "8,c");
  plan = backlog_plan (backlog);

  assert_iteration (backlog, plan, 0, "8");
  assert_iteration (backlog, plan, 1, "");
  assert_iteration (backlog, plan, 2, "");
  assert_iteration (backlog, plan, 3, "c");
}

static void
test_p13_time_zone (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(GDateTime) accepted_at = NULL;
  TsStory *story;

  g_assert_true (ts_project_set_time_zone (backlog->project, "America/Los_Angeles"));
  story = backlog_add (backlog, TS_STORY_TYPE_FEATURE, 3, TS_STORY_STATE_ACCEPTED);
  accepted_at = ts_timestamp_parse ("2026-01-12T05:00:00Z");
  ts_story_set_accepted_at (story, accepted_at);
  backlog->today = ts_day_from_ymd (2026, 1, 14);
  plan = backlog_plan (backlog);

  g_assert_cmpuint (ts_plan_get_current_iteration (plan), ==, 2);
  g_assert_cmpuint (ts_plan_find_story (plan, ts_story_get_id (story)), ==, 1);
  g_assert_cmpuint (ts_plan_get_done (plan, 0)->points, ==, 3);
  g_assert_cmpfloat (ts_plan_get_velocity (plan), ==, 3.0);
}

/* Beyond the vectors: rules whose corners the table does not reach. */

static void
test_velocity_override (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(TsPlan) same = NULL;

  ts_project_set_initial_velocity (backlog->project, 8);
  backlog_add_features (backlog, "2,2,3,3,3,3");
  backlog->velocity_override = 4.0;
  plan = backlog_plan (backlog);

  /* Rule 6: the override replaces the velocity for this plan only. */
  g_assert_true (ts_plan_has_velocity_override (plan));
  g_assert_cmpfloat (ts_plan_get_velocity (plan), ==, 4.0);
  g_assert_cmpfloat (ts_plan_get_calculated_velocity (plan), ==, 8.0);
  assert_iteration (backlog, plan, 0, "2,2");
  assert_iteration (backlog, plan, 1, "3");

  /* Setting it to the calculated value clears it. */
  backlog->velocity_override = 8.0;
  same = backlog_plan (backlog);
  g_assert_false (ts_plan_has_velocity_override (same));
  assert_iteration (backlog, same, 0, "2,2,3");
}

static void
test_zero_strength_in_window (void)
{
  const guint done[] = { 6, 0, 12 };
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    backlog_accept_points (backlog, i + 1, done[i]);
  backlog_set_team_strength (backlog, 2, 0.0);
  backlog_set_today_in_iteration (backlog, 4);
  plan = backlog_plan (backlog);

  /* Rule 5: iteration 2 stays in the window but not in the mean. */
  g_assert_cmpfloat_with_epsilon (ts_plan_get_velocity (plan), 9.0, 1e-9);
}

static void
test_velocity_scaled_by_length (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  TsIterationOverride two_weeks = { 1, 1.0, 2 };
  TsStory *story;

  /* Iteration 1 lasts two weeks and 12 points were accepted in it: a
   * one-week velocity of 6. Iteration 2 starts on 2026-01-19. */
  ts_project_set_override (backlog->project, &two_weeks);
  story = backlog_add (backlog, TS_STORY_TYPE_FEATURE, 8, TS_STORY_STATE_ACCEPTED);
  backlog_set_accepted_in (backlog, story, 1);
  story = backlog_add (backlog, TS_STORY_TYPE_FEATURE, 3, TS_STORY_STATE_ACCEPTED);
  backlog_set_accepted_in (backlog, story, 2);   /* 2026-01-14, still iteration 1 */
  story = backlog_add (backlog, TS_STORY_TYPE_FEATURE, 1, TS_STORY_STATE_ACCEPTED);
  backlog_set_accepted_in (backlog, story, 2);
  backlog->today = ts_day_from_ymd (2026, 1, 20);
  plan = backlog_plan (backlog);

  g_assert_cmpuint (ts_plan_get_current_iteration (plan), ==, 2);
  g_assert_cmpuint (ts_plan_get_iteration (plan, 0)->start, ==, ts_day_from_ymd (2026, 1, 19));
  g_assert_cmpuint (ts_plan_get_done (plan, 0)->finish, ==, ts_day_from_ymd (2026, 1, 18));
  g_assert_cmpuint (ts_plan_get_done (plan, 0)->points, ==, 12);
  g_assert_cmpfloat_with_epsilon (ts_plan_get_velocity (plan), 6.0, 1e-9);
}

static void
test_before_start_date (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(GDateTime) early = g_date_time_new_utc (2025, 12, 20, 9, 0, 0);
  TsStory *accepted;

  /* Rule 1 and 4: before the start, Current is iteration 1, and a story
   * accepted before the start belongs to iteration 1. */
  accepted = backlog_add (backlog, TS_STORY_TYPE_FEATURE, 2, TS_STORY_STATE_ACCEPTED);
  ts_story_set_accepted_at (accepted, early);
  backlog_add_features (backlog, "3");
  backlog->today = ts_day_from_ymd (2025, 12, 28);
  plan = backlog_plan (backlog);

  g_assert_cmpuint (ts_plan_get_current_iteration (plan), ==, 1);
  g_assert_cmpuint (ts_plan_get_n_done (plan), ==, 0);
  assert_iteration (backlog, plan, 0, "a2,3");
  g_assert_cmpuint (ts_plan_get_iteration (plan, 0)->points, ==, 5);
}

static void
test_empty_backlog (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) plan = backlog_plan (backlog);
  guint n_icebox;

  g_assert_cmpuint (ts_plan_get_n_iterations (plan), ==, 1);
  assert_iteration (backlog, plan, 0, "");
  g_assert_cmpfloat (ts_plan_get_iteration (plan, 0)->capacity, ==, 10.0);
  ts_plan_get_icebox (plan, &n_icebox);
  g_assert_cmpuint (n_icebox, ==, 0);
  g_assert_cmpuint (ts_plan_get_n_releases (plan), ==, 0);
}

/* The bounds of the planner's inputs: today and the start within
 * 1970-01-01 … 2199-12-31, a velocity override of at least 1. The checks
 * name the field; the planner clamps whatever passed them, so no input
 * makes a plan beyond the bounds. */
static void
test_input_bounds (void)
{
  g_autoptr(Backlog) backlog = backlog_new_default ();
  g_autoptr(TsPlan) far = NULL;
  g_autoptr(TsPlan) last = NULL;
  g_autoptr(TsPlan) slow = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (ts_planner_check_day ("today", ts_day_from_ymd (1970, 1, 1), NULL));
  g_assert_true (ts_planner_check_day ("today", ts_day_from_ymd (2199, 12, 31), NULL));
  g_assert_false (ts_planner_check_day ("today", ts_day_from_ymd (1969, 12, 31), &error));
  g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“today”"));
  g_clear_error (&error);
  g_assert_false (ts_planner_check_day ("start_date", ts_day_from_ymd (2200, 1, 1), &error));
  g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“start_date”"));
  g_clear_error (&error);
  g_assert_false (ts_planner_check_day ("today", ts_day_from_ymd (9999, 12, 31), NULL));
  g_assert_true (ts_planner_check_velocity ("velocity", 1.0, NULL));
  g_assert_true (ts_planner_check_velocity ("velocity", 7.5, NULL));
  g_assert_false (ts_planner_check_velocity ("velocity", 0.999, &error));
  g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“velocity”"));
  g_assert_false (ts_planner_check_velocity ("velocity", 1e-9, NULL));
  g_assert_false (ts_planner_check_velocity ("velocity", -1.0, NULL));

  backlog_add_features (backlog, "3");
  backlog->today = ts_day_from_ymd (9999, 12, 31);
  far = backlog_plan (backlog);
  backlog->today = ts_day_from_ymd (2199, 12, 31);
  last = backlog_plan (backlog);
  g_assert_cmpuint (ts_plan_get_today (far), ==, ts_day_from_ymd (2199, 12, 31));
  g_assert_cmpuint (ts_plan_get_current_iteration (far), ==,
                    ts_plan_get_current_iteration (last));
  g_assert_cmpuint (ts_plan_get_n_done (far), <, 12000);

  backlog->today = ts_day_from_ymd (2026, 1, 7);
  backlog->velocity_override = 1e-6;
  slow = backlog_plan (backlog);
  g_assert_cmpfloat (ts_plan_get_velocity (slow), ==, 1.0);
  g_assert_cmpuint (ts_plan_get_n_iterations (slow), <=, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/planner/V1-no-history", test_v1_no_history);
  g_test_add_func ("/core/planner/V2-mean-of-three", test_v2_mean_of_three);
  g_test_add_func ("/core/planner/V3-strategy-two", test_v3_strategy_two);
  g_test_add_func ("/core/planner/V4-last-three-only", test_v4_last_three_only);
  g_test_add_func ("/core/planner/V5-fewer-than-strategy", test_v5_fewer_than_strategy);
  g_test_add_func ("/core/planner/V6-fraction-kept", test_v6_fraction_kept);
  g_test_add_func ("/core/planner/V7-zero-history", test_v7_zero_history);
  g_test_add_func ("/core/planner/V8-team-strength", test_v8_team_strength);
  g_test_add_func ("/core/planner/V9-unpointed-bug", test_v9_unpointed_bug);
  g_test_add_func ("/core/planner/P1-cumulative-filling", test_p1_cumulative_filling);
  g_test_add_func ("/core/planner/P2-no-skipping", test_p2_no_skipping);
  g_test_add_func ("/core/planner/P3-unestimated-chores", test_p3_unestimated_chores);
  g_test_add_func ("/core/planner/P4-gaps-after-work-in-progress", test_p4_gaps_after_work_in_progress);
  g_test_add_func ("/core/planner/P5-big-story-forced-into-current", test_p5_big_story_forced_into_current);
  g_test_add_func ("/core/planner/P6-priority-order-inside-current", test_p6_priority_order_inside_current);
  g_test_add_func ("/core/planner/P7-icebox", test_p7_icebox);
  g_test_add_func ("/core/planner/P8-team-strength-ahead", test_p8_team_strength_ahead);
  g_test_add_func ("/core/planner/P9-release-late", test_p9_release_late);
  g_test_add_func ("/core/planner/P10-current-iteration-dates", test_p10_current_iteration_dates);
  g_test_add_func ("/core/planner/P11-zero-points-after-big-work-in-progress",
                   test_p11_zero_points_after_big_work_in_progress);
  g_test_add_func ("/core/planner/P12-zero-points-after-forced-story",
                   test_p12_zero_points_after_forced_story);
  g_test_add_func ("/core/planner/P13-time-zone", test_p13_time_zone);

  g_test_add_func ("/core/planner/velocity-override", test_velocity_override);
  g_test_add_func ("/core/planner/zero-strength-in-window", test_zero_strength_in_window);
  g_test_add_func ("/core/planner/velocity-scaled-by-length", test_velocity_scaled_by_length);
  g_test_add_func ("/core/planner/before-start-date", test_before_start_date);
  g_test_add_func ("/core/planner/empty-backlog", test_empty_backlog);
  g_test_add_func ("/core/planner/input-bounds", test_input_bounds);

  return g_test_run ();
}
