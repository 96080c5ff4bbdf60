/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "backlog.h"

Backlog *
backlog_new_default (void)
{
  Backlog *backlog = g_new0 (Backlog, 1);

  backlog->project = ts_project_new ();
  ts_project_set_id (backlog->project, 1);
  ts_project_set_name (backlog->project, "Test vectors");
  ts_project_set_start_date (backlog->project, ts_day_from_ymd (2026, 1, 5));
  ts_project_set_iteration_length (backlog->project, 1);
  ts_project_set_velocity_strategy (backlog->project, 3);
  ts_project_set_initial_velocity (backlog->project, 10);
  backlog->stories = g_ptr_array_new_with_free_func (g_object_unref);
  backlog->today = ts_day_from_ymd (2026, 1, 7);
  backlog->next_id = 1;

  return backlog;
}

void
backlog_free (Backlog *backlog)
{
  g_object_unref (backlog->project);
  g_ptr_array_unref (backlog->stories);
  g_free (backlog);
}

static char *
title_for (TsStoryType  type,
           int          estimate,
           TsStoryState state)
{
  const char *prefix = state == TS_STORY_STATE_STARTED ? "s" :
                       state == TS_STORY_STATE_ACCEPTED ? "a" : "";
  g_autofree char *points = estimate == TS_ESTIMATE_NONE ? g_strdup ("") :
                            g_strdup_printf ("%d", estimate);

  switch (type)
    {
    case TS_STORY_TYPE_CHORE:
      return g_strdup_printf ("%sc%s", prefix, points);
    case TS_STORY_TYPE_BUG:
      return g_strdup_printf ("%sb%s", prefix, points);
    case TS_STORY_TYPE_RELEASE:
      return g_strdup_printf ("%sr", prefix);
    case TS_STORY_TYPE_FEATURE:
    default:
      return g_strdup_printf ("%s%s", prefix, points);
    }
}

/**
 * backlog_add:
 *
 * Appends a story at the lowest priority.
 *
 * Returns: (transfer none): the story
 */
TsStory *
backlog_add (Backlog      *backlog,
             TsStoryType   type,
             int           estimate,
             TsStoryState  state)
{
  TsStory *story = ts_story_new ();
  g_autofree char *title = title_for (type, estimate, state);

  ts_story_set_id (story, backlog->next_id++);
  ts_story_set_project_id (story, ts_project_get_id (backlog->project));
  ts_story_set_title (story, title);
  ts_story_set_story_type (story, type);
  ts_story_set_estimate (story, estimate);
  ts_story_set_state (story, state);
  g_ptr_array_add (backlog->stories, story);

  return story;
}

/* Adds stories written as the vectors write them: "2,s2,c,r". */
void
backlog_add_features (Backlog    *backlog,
                      const char *spec)
{
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = items[i];
      TsStoryState state = TS_STORY_STATE_UNSTARTED;

      if (*item == 's')
        {
          state = TS_STORY_STATE_STARTED;
          item++;
        }

      if (g_str_equal (item, "c"))
        backlog_add (backlog, TS_STORY_TYPE_CHORE, TS_ESTIMATE_NONE, state);
      else if (g_str_equal (item, "r"))
        backlog_add (backlog, TS_STORY_TYPE_RELEASE, TS_ESTIMATE_NONE, state);
      else
        backlog_add (backlog, TS_STORY_TYPE_FEATURE, atoi (item), state);
    }
}

void
backlog_remove (Backlog *backlog,
                TsStory *story)
{
  g_assert_true (g_ptr_array_remove (backlog->stories, story));
}

static TsDay
iteration_start (Backlog *backlog,
                 guint    iteration)
{
  return ts_project_get_start_date (backlog->project) +
         (iteration - 1) * 7 * ts_project_get_iteration_length (backlog->project);
}

/* Accepts stories worth @points in @iteration, in estimates of the
 * Fibonacci scale, the largest first. */
void
backlog_accept_points (Backlog *backlog,
                       guint    iteration,
                       guint    points)
{
  static const int sizes[] = { 8, 5, 3, 2, 1 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      while (points >= (guint) sizes[i])
        {
          TsStory *story = backlog_add (backlog, TS_STORY_TYPE_FEATURE, sizes[i],
                                        TS_STORY_STATE_ACCEPTED);

          backlog_set_accepted_in (backlog, story, iteration);
          points -= sizes[i];
        }
    }
}

/* Accepted at noon UTC on the third day of @iteration. */
void
backlog_set_accepted_in (Backlog *backlog,
                         TsStory *story,
                         guint    iteration)
{
  GDate date;
  g_autoptr(GDateTime) accepted_at = NULL;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, iteration_start (backlog, iteration) + 2);
  accepted_at = g_date_time_new_utc (g_date_get_year (&date), g_date_get_month (&date),
                                     g_date_get_day (&date), 12, 0, 0);
  ts_story_set_accepted_at (story, accepted_at);
}

void
backlog_set_today_in_iteration (Backlog *backlog,
                                guint    iteration)
{
  backlog->today = iteration_start (backlog, iteration) + 2;
}

void
backlog_set_team_strength (Backlog *backlog,
                           guint    iteration,
                           double   team_strength)
{
  TsIterationOverride override = { iteration, team_strength, 0 };

  ts_project_set_override (backlog->project, &override);
}

TsPlan *
backlog_plan (Backlog *backlog)
{
  return ts_planner_plan (backlog->project,
                          (TsStory * const *) backlog->stories->pdata,
                          backlog->stories->len,
                          backlog->today,
                          backlog->velocity_override);
}

TsStory *
backlog_find (Backlog *backlog,
              gint64   story_id)
{
  for (guint i = 0; i < backlog->stories->len; i++)
    if (ts_story_get_id (backlog->stories->pdata[i]) == story_id)
      return backlog->stories->pdata[i];

  g_assert_not_reached ();
}

/* The titles of an iteration's stories, joined with commas. */
char *
backlog_dup_iteration_titles (Backlog *backlog,
                              TsPlan  *plan,
                              guint    index)
{
  const TsPlanIteration *iteration;
  GString *titles = g_string_new (NULL);

  g_assert_cmpuint (index, <, ts_plan_get_n_iterations (plan));
  iteration = ts_plan_get_iteration (plan, index);
  for (guint i = 0; i < iteration->n_stories; i++)
    g_string_append_printf (titles, i == 0 ? "%s" : ",%s",
                            ts_story_get_title (backlog_find (backlog, iteration->story_ids[i])));

  return g_string_free (titles, FALSE);
}

static int
random_estimate (GRand        *rand,
                 TsPointScale  scale)
{
  guint n_values;
  const int *values = ts_point_scale_get_values (scale, &n_values);

  return values[g_rand_int_range (rand, 0, n_values)];
}

static TsStoryType
random_type (GRand *rand)
{
  int roll = g_rand_int_range (rand, 0, 100);

  if (roll < 70)
    return TS_STORY_TYPE_FEATURE;
  if (roll < 85)
    return TS_STORY_TYPE_BUG;
  if (roll < 95)
    return TS_STORY_TYPE_CHORE;
  return TS_STORY_TYPE_RELEASE;
}

static TsStoryState
random_in_progress_state (GRand       *rand,
                          TsStoryType  type)
{
  static const TsStoryState feature_states[] = {
    TS_STORY_STATE_STARTED, TS_STORY_STATE_FINISHED,
    TS_STORY_STATE_DELIVERED, TS_STORY_STATE_REJECTED,
  };

  if (type == TS_STORY_TYPE_RELEASE)
    return TS_STORY_STATE_UNSTARTED;
  if (type == TS_STORY_TYPE_CHORE)
    return TS_STORY_STATE_STARTED;
  return feature_states[g_rand_int_range (rand, 0, G_N_ELEMENTS (feature_states))];
}

/* One story of a random backlog, with the given shares (in percent) of the
 * Icebox, accepted stories and work in progress; the rest is unstarted. */
static void
add_random_story (Backlog *backlog,
                  GRand   *rand,
                  int      icebox_share,
                  int      accepted_share,
                  int      in_progress_share,
                  guint    n_done)
{
  TsPointScale scale = ts_project_get_point_scale (backlog->project);
  TsStoryType type = random_type (rand);
  int estimate = TS_ESTIMATE_NONE;
  int roll = g_rand_int_range (rand, 0, 1000);
  TsStoryState state;
  TsStory *story;

  if (type != TS_STORY_TYPE_RELEASE &&
      (type == TS_STORY_TYPE_FEATURE || g_rand_boolean (rand)) &&
      g_rand_int_range (rand, 0, 10) != 0)
    estimate = random_estimate (rand, scale);

  if (roll < icebox_share)
    state = TS_STORY_STATE_UNSCHEDULED;
  else if (roll < icebox_share + accepted_share)
    state = TS_STORY_STATE_ACCEPTED;
  else if (roll < icebox_share + accepted_share + in_progress_share)
    state = random_in_progress_state (rand, type);
  else
    state = TS_STORY_STATE_UNSTARTED;

  /* An unestimated feature cannot be started or accepted. */
  if (type == TS_STORY_TYPE_FEATURE && estimate == TS_ESTIMATE_NONE &&
      state != TS_STORY_STATE_UNSCHEDULED)
    state = TS_STORY_STATE_UNSTARTED;

  story = backlog_add (backlog, type, estimate, state);
  if (state == TS_STORY_STATE_ACCEPTED)
    backlog_set_accepted_in (backlog, story, g_rand_int_range (rand, 1, n_done + 2));
  if (type == TS_STORY_TYPE_RELEASE && g_rand_boolean (rand))
    ts_story_set_deadline (story, backlog->today + g_rand_int_range (rand, -30, 400));
}

static void
randomize_settings (Backlog *backlog,
                    GRand   *rand)
{
  static const double strengths[] = { 0.0, 0.25, 0.5, 0.6, 0.8, 1.0 };
  guint n_overrides = g_rand_int_range (rand, 0, 6);

  ts_project_set_iteration_length (backlog->project, g_rand_int_range (rand, 1, 5));
  ts_project_set_velocity_strategy (backlog->project, g_rand_int_range (rand, 1, 5));
  ts_project_set_initial_velocity (backlog->project, g_rand_int_range (rand, 1, 31));
  ts_project_set_point_scale (backlog->project, g_rand_int_range (rand, 0, 3));
  ts_project_set_bugs_and_chores_are_pointed (backlog->project, g_rand_boolean (rand));

  for (guint i = 0; i < n_overrides; i++)
    {
      TsIterationOverride override = {
        .number = g_rand_int_range (rand, 1, 25),
        .team_strength = strengths[g_rand_int_range (rand, 0, G_N_ELEMENTS (strengths))],
        .length = g_rand_int_range (rand, 0, 5),
      };

      ts_project_set_override (backlog->project, &override);
    }
}

/**
 * backlog_new_random:
 * @rand: the source of randomness (seeded by the caller)
 * @n_stories: how many stories
 * @vary_settings: whether to draw the project's settings and overrides too
 *
 * A backlog of every kind of story, with a few done iterations behind it.
 */
Backlog *
backlog_new_random (GRand    *rand,
                    guint     n_stories,
                    gboolean  vary_settings)
{
  Backlog *backlog = backlog_new_default ();
  guint n_done = g_rand_int_range (rand, 0, 8);

  if (vary_settings)
    randomize_settings (backlog, rand);
  backlog_set_today_in_iteration (backlog, n_done + 1);

  for (guint i = 0; i < n_stories; i++)
    add_random_story (backlog, rand, 200, 150, 100, n_done);

  return backlog;
}

/**
 * backlog_new_realistic:
 *
 * The benchmark's mix: a quarter in the Icebox, a tenth accepted over 50
 * done iterations, a twentieth in progress, the rest unstarted.
 */
Backlog *
backlog_new_realistic (guint32 seed,
                       guint   n_stories)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Backlog *backlog = backlog_new_default ();
  const guint n_done = 50;

  backlog_set_today_in_iteration (backlog, n_done + 1);
  for (guint i = 0; i < n_stories; i++)
    add_random_story (backlog, rand, 250, 100, 50, n_done - 1);

  return backlog;
}
