/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Properties of the planner over random backlogs with fixed seeds: random
 * settings, overrides, states, types and estimates, and a few done
 * iterations of history. A failing seed is printed, so it can be replayed
 * by itself with --seed-only=N. */

#include "ts-core.h"

#include "backlog.h"

#define N_SEEDS 200
#define MAX_STORIES 300
#define EPSILON 1e-6

static int seed_only = -1;

typedef struct {
  Backlog *backlog;
  TsPlan *plan;
  GHashTable *priority;  /* story id → its index + 1 */
  GHashTable *by_id;     /* story id → TsStory */
  gboolean pointed;
  guint32 seed;
} Case;

static void
case_init (Case    *c,
           guint32  seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint n_stories = g_rand_int_range (rand, 0, MAX_STORIES + 1);

  c->seed = seed;
  c->backlog = backlog_new_random (rand, n_stories, TRUE);
  if (g_rand_int_range (rand, 0, 4) == 0)
    c->backlog->velocity_override = g_rand_double_range (rand, 0.5, 40.0);
  c->plan = backlog_plan (c->backlog);
  c->priority = g_hash_table_new (g_int64_hash, g_int64_equal);
  c->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < c->backlog->stories->len; i++)
    {
      TsStory *story = c->backlog->stories->pdata[i];
      gint64 *id = g_new (gint64, 1);

      *id = ts_story_get_id (story);
      g_hash_table_insert (c->priority, id, GUINT_TO_POINTER (i + 1));
      g_hash_table_insert (c->by_id, id, story);
    }
  c->pointed = ts_project_get_bugs_and_chores_are_pointed (c->backlog->project);
}

static void
case_clear (Case *c)
{
  g_hash_table_unref (c->by_id);
  /* The two tables share their keys; the first owns them. */
  g_hash_table_foreach (c->priority, (GHFunc) g_free, NULL);
  g_hash_table_unref (c->priority);
  ts_plan_unref (c->plan);
  backlog_free (c->backlog);
}

static TsStory *
story_of (Case   *c,
          gint64  id)
{
  TsStory *story = g_hash_table_lookup (c->by_id, &id);

  g_assert_nonnull (story);
  return story;
}

static guint
priority_of (Case   *c,
             gint64  id)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (c->priority, &id));

  g_assert_cmpuint (index, >, 0);
  return index - 1;
}

static gboolean
is_work_in_progress (TsStory *story)
{
  TsStoryState state = ts_story_get_state (story);

  return state != TS_STORY_STATE_UNSCHEDULED && state != TS_STORY_STATE_UNSTARTED;
}

/* Every story is in exactly one place: the Icebox holds the unscheduled
 * ones, done iterations only accepted ones, and every other story is
 * planned exactly once from the current iteration on. */
static void
check_each_story_once (Case *c)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  const gint64 *icebox;
  guint n_icebox;
  guint total = 0;

  icebox = ts_plan_get_icebox (c->plan, &n_icebox);
  for (guint i = 0; i < n_icebox; i++)
    {
      TsStory *story = story_of (c, icebox[i]);

      g_assert_cmpint (ts_story_get_state (story), ==, TS_STORY_STATE_UNSCHEDULED);
      g_assert_true (g_hash_table_add (seen, story));
    }
  total += n_icebox;

  for (guint d = 0; d < ts_plan_get_n_done (c->plan); d++)
    {
      const TsPlanIteration *done = ts_plan_get_done (c->plan, d);

      g_assert_cmpuint (done->number, ==, d + 1);
      for (guint i = 0; i < done->n_stories; i++)
        {
          TsStory *story = story_of (c, done->story_ids[i]);

          g_assert_cmpint (ts_story_get_state (story), ==, TS_STORY_STATE_ACCEPTED);
          g_assert_true (g_hash_table_add (seen, story));
        }
      total += done->n_stories;
    }

  for (guint k = 0; k < ts_plan_get_n_iterations (c->plan); k++)
    {
      const TsPlanIteration *iteration = ts_plan_get_iteration (c->plan, k);

      g_assert_cmpuint (iteration->number, ==, ts_plan_get_current_iteration (c->plan) + k);
      for (guint i = 0; i < iteration->n_stories; i++)
        {
          TsStory *story = story_of (c, iteration->story_ids[i]);

          g_assert_cmpint (ts_story_get_state (story), !=, TS_STORY_STATE_UNSCHEDULED);
          /* Work in progress is always in Current (rule 8). */
          if (is_work_in_progress (story))
            g_assert_cmpuint (k, ==, 0);
          g_assert_true (g_hash_table_add (seen, story));
        }
      total += iteration->n_stories;
    }

  g_assert_cmpuint (total, ==, c->backlog->stories->len);
  g_assert_cmpuint (g_hash_table_size (seen), ==, c->backlog->stories->len);
}

/* Priority order holds inside every iteration (rule 14) and, for unstarted
 * stories, across iterations (rule 9). */
static void
check_priority_order (Case *c)
{
  guint last_unstarted = 0;
  gboolean any_unstarted = FALSE;

  for (guint k = 0; k < ts_plan_get_n_iterations (c->plan); k++)
    {
      const TsPlanIteration *iteration = ts_plan_get_iteration (c->plan, k);

      for (guint i = 0; i < iteration->n_stories; i++)
        {
          guint priority = priority_of (c, iteration->story_ids[i]);

          if (i > 0)
            g_assert_cmpuint (priority_of (c, iteration->story_ids[i - 1]), <, priority);
          if (ts_story_get_state (story_of (c, iteration->story_ids[i])) == TS_STORY_STATE_UNSTARTED)
            {
              if (any_unstarted)
                g_assert_cmpuint (last_unstarted, <, priority);
              last_unstarted = priority;
              any_unstarted = TRUE;
            }
        }
    }

  for (guint d = 0; d < ts_plan_get_n_done (c->plan); d++)
    {
      const TsPlanIteration *done = ts_plan_get_done (c->plan, d);

      for (guint i = 1; i < done->n_stories; i++)
        g_assert_cmpuint (priority_of (c, done->story_ids[i - 1]), <,
                          priority_of (c, done->story_ids[i]));
    }
}

/* The first unstarted story in priority order, or NULL. */
static TsStory *
first_unstarted (Case *c)
{
  for (guint i = 0; i < c->backlog->stories->len; i++)
    if (ts_story_get_state (c->backlog->stories->pdata[i]) == TS_STORY_STATE_UNSTARTED)
      return c->backlog->stories->pdata[i];
  return NULL;
}

/* The points planned through the end of each iteration never exceed the
 * capacity through it, except by work in progress (rule 8) and the story
 * forced into an empty Current (rule 10); and every unstarted story sits in
 * the earliest iteration the walk allows. */
static void
check_capacity (Case *c)
{
  const TsPlanIteration *current = ts_plan_get_iteration (c->plan, 0);
  TsStory *forced = NULL;
  double work_in_progress = 0, forced_points = 0;
  double planned, capacity = 0, previous_capacity = 0;
  guint previous_unstarted_k = 0;

  for (guint i = 0; i < current->n_stories; i++)
    {
      TsStory *story = story_of (c, current->story_ids[i]);

      if (is_work_in_progress (story))
        work_in_progress += ts_story_get_points (story, c->pointed);
    }
  if (work_in_progress == 0 && first_unstarted (c) != NULL)
    {
      gboolean current_has_fixed = FALSE;

      for (guint i = 0; i < current->n_stories; i++)
        current_has_fixed |= is_work_in_progress (story_of (c, current->story_ids[i]));
      if (!current_has_fixed)
        {
          forced = first_unstarted (c);
          forced_points = ts_story_get_points (forced, c->pointed);
          g_assert_cmpuint (ts_plan_find_story (c->plan, ts_story_get_id (forced)), ==,
                            current->number);
        }
    }

  /* The walk counts all work in progress first, wherever it stands in
   * Current's priority order. */
  planned = work_in_progress;
  for (guint k = 0; k < ts_plan_get_n_iterations (c->plan); k++)
    {
      const TsPlanIteration *iteration = ts_plan_get_iteration (c->plan, k);
      double iteration_points = 0;

      g_assert_cmpfloat_with_epsilon (iteration->capacity,
                                      ts_plan_get_velocity (c->plan) * iteration->team_strength *
                                      iteration->weeks /
                                      ts_project_get_iteration_length (c->backlog->project),
                                      EPSILON);
      capacity += iteration->capacity;

      for (guint i = 0; i < iteration->n_stories; i++)
        {
          TsStory *story = story_of (c, iteration->story_ids[i]);
          double points = ts_story_get_points (story, c->pointed);

          iteration_points += points;
          if (ts_story_get_state (story) != TS_STORY_STATE_UNSTARTED)
            continue;
          planned += points;
          if (story == forced)
            continue;

          /* Rule 9: the story fits where it is… */
          g_assert_cmpfloat (planned, <=, capacity + EPSILON * MAX (1.0, capacity));
          /* …and would not have fitted one iteration earlier, unless the
           * story above it already holds it here. */
          if (k > 0 && k != previous_unstarted_k)
            g_assert_cmpfloat (planned, >, previous_capacity - EPSILON * MAX (1.0, capacity));
          previous_unstarted_k = k;
        }

      g_assert_cmpuint (iteration->points, ==, (guint) iteration_points);
      g_assert_cmpfloat (planned, <=,
                         MAX (capacity, work_in_progress + forced_points) + EPSILON * MAX (1.0, capacity));
      previous_capacity = capacity;
    }
}

static void
assert_iterations_equal (const TsPlanIteration *a,
                         const TsPlanIteration *b)
{
  g_assert_cmpuint (a->number, ==, b->number);
  g_assert_cmpuint (a->start, ==, b->start);
  g_assert_cmpuint (a->finish, ==, b->finish);
  g_assert_cmpfloat (a->capacity, ==, b->capacity);
  g_assert_cmpuint (a->points, ==, b->points);
  g_assert_cmpuint (a->n_stories, ==, b->n_stories);
  for (guint i = 0; i < a->n_stories; i++)
    g_assert_cmpint (a->story_ids[i], ==, b->story_ids[i]);
}

static void
assert_plans_equal (TsPlan *a,
                    TsPlan *b)
{
  const gint64 *icebox_a, *icebox_b;
  guint n_icebox_a, n_icebox_b;

  g_assert_cmpfloat (ts_plan_get_velocity (a), ==, ts_plan_get_velocity (b));
  g_assert_cmpfloat (ts_plan_get_calculated_velocity (a), ==, ts_plan_get_calculated_velocity (b));
  g_assert_cmpuint (ts_plan_get_current_iteration (a), ==, ts_plan_get_current_iteration (b));
  g_assert_cmpuint (ts_plan_get_n_iterations (a), ==, ts_plan_get_n_iterations (b));
  g_assert_cmpuint (ts_plan_get_n_done (a), ==, ts_plan_get_n_done (b));
  for (guint k = 0; k < ts_plan_get_n_iterations (a); k++)
    assert_iterations_equal (ts_plan_get_iteration (a, k), ts_plan_get_iteration (b, k));
  for (guint d = 0; d < ts_plan_get_n_done (a); d++)
    assert_iterations_equal (ts_plan_get_done (a, d), ts_plan_get_done (b, d));

  icebox_a = ts_plan_get_icebox (a, &n_icebox_a);
  icebox_b = ts_plan_get_icebox (b, &n_icebox_b);
  g_assert_cmpuint (n_icebox_a, ==, n_icebox_b);
  for (guint i = 0; i < n_icebox_a; i++)
    g_assert_cmpint (icebox_a[i], ==, icebox_b[i]);

  g_assert_cmpuint (ts_plan_get_n_releases (a), ==, ts_plan_get_n_releases (b));
  for (guint r = 0; r < ts_plan_get_n_releases (a); r++)
    {
      const TsReleaseProjection *x = ts_plan_get_release (a, r);
      const TsReleaseProjection *y = ts_plan_get_release (b, r);

      g_assert_cmpint (x->story_id, ==, y->story_id);
      g_assert_cmpuint (x->iteration, ==, y->iteration);
      g_assert_cmpuint (x->projected_date, ==, y->projected_date);
      g_assert_cmpint (x->late, ==, y->late);
    }
}

/* The same input gives the same plan. */
static void
check_deterministic (Case *c)
{
  g_autoptr(TsPlan) again = backlog_plan (c->backlog);

  assert_plans_equal (again, c->plan);
}

/* Gives @story random planning fields, as an edit or an event would. */
static void
change_story_at_random (Case    *c,
                        GRand   *rand,
                        TsStory *story)
{
  static const int estimates[] = { TS_ESTIMATE_NONE, 0, 1, 2, 3, 5, 8 };
  TsDay today = c->backlog->today;

  ts_story_set_story_type (story, g_rand_int_range (rand, TS_STORY_TYPE_FEATURE,
                                                    TS_STORY_TYPE_RELEASE + 1));
  ts_story_set_state (story, g_rand_int_range (rand, TS_STORY_STATE_UNSCHEDULED,
                                               TS_STORY_STATE_ACCEPTED + 1));
  ts_story_set_estimate (story, estimates[g_rand_int_range (rand, 0, G_N_ELEMENTS (estimates))]);
  ts_story_set_deadline (story, g_rand_boolean (rand)
                                  ? today + g_rand_int_range (rand, -60, 120) : TS_DAY_NONE);
  if (g_rand_boolean (rand))
    {
      gint64 day = (gint64) today - TS_DAY_UNIX_EPOCH + g_rand_int_range (rand, -70, 3);
      g_autoptr(GDateTime) accepted_at =
        g_date_time_new_from_unix_utc (day * 86400 + g_rand_int_range (rand, 0, 86400));

      ts_story_set_accepted_at (story, accepted_at);
    }
  else
    {
      ts_story_set_accepted_at (story, NULL);
    }
}

/* A table kept through changes, as the backlog store keeps one, plans as
 * the objects do: its rows are inserted in a random order, then stories
 * change, move and go, the table told of each; the plan from it equals
 * ts_planner_plan() on the stories in their final order, and the table
 * equals one made from them. */
static void
check_kept_table (Case *c)
{
  /* Its own sequence, so that the case's seed replays it. */
  g_autoptr(GRand) rand = g_rand_new_with_seed (~c->seed);
  g_autoptr(TsPlanningTable) kept = ts_planning_table_new ();
  g_autoptr(TsPlanningTable) fresh = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) shuffled = g_ptr_array_new ();
  g_autoptr(TsPlan) from_table = NULL;
  g_autoptr(TsPlan) from_objects = NULL;
  GPtrArray *stories = c->backlog->stories;
  guint first_difference;

  /* In a random order, each at the place its priority gives it among
   * those already in. */
  g_ptr_array_extend (shuffled, stories, NULL, NULL);
  for (guint i = shuffled->len; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      gpointer swap = shuffled->pdata[i - 1];

      shuffled->pdata[i - 1] = shuffled->pdata[j];
      shuffled->pdata[j] = swap;
    }
  for (guint i = 0; i < shuffled->len; i++)
    {
      guint priority = priority_of (c, ts_story_get_id (shuffled->pdata[i]));
      guint index = 0;

      while (index < order->len &&
             priority_of (c, ts_story_get_id (order->pdata[index])) < priority)
        index++;
      g_ptr_array_insert (order, index, shuffled->pdata[i]);
      ts_planning_table_insert (kept, index, shuffled->pdata[i]);
    }

  for (guint step = 0; step < 2 * order->len; step++)
    {
      guint from = g_rand_int_range (rand, 0, order->len);
      TsStory *story = order->pdata[from];

      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
        case 1:
          change_story_at_random (c, rand, story);
          ts_planning_table_update (kept, from, story);
          break;
        case 2:
          {
            guint to = g_rand_int_range (rand, 0, order->len);

            /* As TsStoryList moves a story: out, then in at its new
             * place. */
            g_ptr_array_remove_index (order, from);
            ts_planning_table_remove (kept, from);
            g_ptr_array_insert (order, to, story);
            ts_planning_table_insert (kept, to, story);
          }
          break;
        default:
          g_ptr_array_remove_index (order, from);
          ts_planning_table_remove (kept, from);
          break;
        }
    }

  fresh = ts_planning_table_new_from_stories ((TsStory * const *) order->pdata, order->len);
  g_assert_cmpuint (ts_planning_table_get_n_rows (kept), ==, order->len);
  /* The first row that differs, if one does, names itself in the failure. */
  ts_planning_table_equal (kept, fresh, &first_difference);
  g_assert_cmpuint (first_difference, ==, order->len);
  g_assert_true (ts_planning_table_equal (kept, fresh, NULL));

  from_table = ts_planner_plan_table (c->backlog->project, kept, c->backlog->today,
                                      c->backlog->velocity_override);
  from_objects = ts_planner_plan (c->backlog->project, (TsStory * const *) order->pdata,
                                  order->len, c->backlog->today, c->backlog->velocity_override);
  assert_plans_equal (from_table, from_objects);
}

/* The plan runs from the current iteration to the last one holding a
 * story, the iterations touch, and velocity is at least 1. */
static void
check_shape (Case *c)
{
  guint n_iterations = ts_plan_get_n_iterations (c->plan);
  TsDay previous_finish = TS_DAY_NONE;

  g_assert_cmpuint (n_iterations, >=, 1);
  g_assert_cmpfloat (ts_plan_get_velocity (c->plan), >=, 1.0);
  if (n_iterations > 1)
    g_assert_cmpuint (ts_plan_get_iteration (c->plan, n_iterations - 1)->n_stories, >, 0);
  g_assert_cmpuint (ts_plan_get_n_done (c->plan) + 1, ==, ts_plan_get_current_iteration (c->plan));

  for (guint d = 0; d < ts_plan_get_n_done (c->plan); d++)
    {
      const TsPlanIteration *done = ts_plan_get_done (c->plan, d);

      if (previous_finish != TS_DAY_NONE)
        g_assert_cmpuint (done->start, ==, previous_finish + 1);
      previous_finish = done->finish;
    }
  for (guint k = 0; k < n_iterations; k++)
    {
      const TsPlanIteration *iteration = ts_plan_get_iteration (c->plan, k);

      if (previous_finish != TS_DAY_NONE)
        g_assert_cmpuint (iteration->start, ==, previous_finish + 1);
      g_assert_cmpuint (iteration->finish - iteration->start + 1, ==, 7 * iteration->weeks);
      previous_finish = iteration->finish;
    }

  g_assert_cmpuint (ts_plan_get_iteration (c->plan, 0)->start, <=, c->backlog->today);
  if (ts_project_get_start_date (c->backlog->project) <= c->backlog->today)
    g_assert_cmpuint (ts_plan_get_iteration (c->plan, 0)->finish, >=, c->backlog->today);
}

typedef void (*Check) (Case *c);

static void
run_check (gconstpointer data)
{
  Check check = (Check) data;

  for (guint32 seed = 1; seed <= N_SEEDS; seed++)
    {
      Case c;

      if (seed_only >= 0 && seed != (guint32) seed_only)
        continue;
      g_test_message ("seed %u", seed);
      case_init (&c, seed);
      check (&c);
      case_clear (&c);
    }
}

/* The iteration, as its plan shows it, that a story accepted on @day
 * belongs to: the done one whose dates hold it, the first for a day before
 * the start, Current for a day from Current's start on. */
static const gint64 *
expected_iteration_ids (TsPlan *plan,
                        TsDay   day,
                        guint  *n_ids)
{
  const TsPlanIteration *current = ts_plan_get_iteration (plan, 0);
  const TsPlanIteration *found = NULL;

  if (day >= current->start || ts_plan_get_n_done (plan) == 0)
    found = current;
  for (guint d = 0; found == NULL && d < ts_plan_get_n_done (plan); d++)
    {
      const TsPlanIteration *done = ts_plan_get_done (plan, d);

      if (d == 0 && day < done->start)
        found = done;
      else if (day >= done->start && day <= done->finish)
        found = done;
    }
  g_assert_nonnull (found);
  *n_ids = found->n_stories;
  return found->story_ids;
}

static gboolean
ids_hold (const gint64 *ids,
          guint         n_ids,
          gint64        id)
{
  for (guint i = 0; i < n_ids; i++)
    if (ids[i] == id)
      return TRUE;
  return FALSE;
}

/* An accepted story lands in the iteration holding its day in the
 * project's zone, for moments on both sides of every iteration's edges
 * and zones from -12 to +14 hours, half-hour ones and DST: the planner
 * places most by UTC bounds and asks the zone only near an edge, and
 * both ways must agree with the day. */
static void
test_accepted_in_zones (void)
{
  static const char * const zones[] = {
    "UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago",
    "Asia/Kolkata", "Australia/Lord_Howe", "America/Sao_Paulo", "Europe/Dublin",
    "Etc/GMT-14", "Etc/GMT+12",
  };

  for (guint32 seed = 1; seed <= N_SEEDS; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(TsPlan) layout = NULL;
      g_autoptr(TsPlan) plan = NULL;
      Backlog *backlog = backlog_new_random (rand, g_rand_int_range (rand, 0, 20), TRUE);
      GTimeZone *zone;

      g_test_message ("seed %u", seed);
      g_assert_true (ts_project_set_time_zone (backlog->project,
                                               zones[seed % G_N_ELEMENTS (zones)]));
      zone = ts_project_get_zone (backlog->project);
      backlog_set_today_in_iteration (backlog, g_rand_int_range (rand, 1, 12));
      layout = backlog_plan (backlog);

      /* Around each done iteration's first midnight, in UTC and in the
       * zone, up to three days either way; and Current's. */
      for (guint d = 0; d <= ts_plan_get_n_done (layout); d++)
        {
          const TsPlanIteration *iteration = d < ts_plan_get_n_done (layout)
            ? ts_plan_get_done (layout, d) : ts_plan_get_iteration (layout, 0);
          gint64 midnight = ((gint64) iteration->start - TS_DAY_UNIX_EPOCH) * 86400;

          for (guint k = 0; k < 6; k++)
            {
              TsStory *story = backlog_add (backlog, TS_STORY_TYPE_FEATURE, 1,
                                            TS_STORY_STATE_ACCEPTED);
              g_autoptr(GDateTime) accepted_at = NULL;
              gint64 moment = midnight + g_rand_int_range (rand, -3 * 86400, 3 * 86400);

              accepted_at = g_date_time_new_from_unix_utc (moment);
              ts_story_set_accepted_at (story, accepted_at);
            }
        }

      plan = backlog_plan (backlog);
      for (guint i = 0; i < backlog->stories->len; i++)
        {
          TsStory *story = backlog->stories->pdata[i];
          GDateTime *accepted_at = ts_story_get_accepted_at (story);
          const gint64 *ids;
          guint n_ids;

          if (ts_story_get_state (story) != TS_STORY_STATE_ACCEPTED || accepted_at == NULL)
            continue;
          ids = expected_iteration_ids (plan, ts_day_from_date_time (accepted_at, zone), &n_ids);
          g_assert_true (ids_hold (ids, n_ids, ts_story_get_id (story)));
        }
      backlog_free (backlog);
    }
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "seed-only", 0, 0, G_OPTION_ARG_INT, &seed_only, "Run only this seed", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_parse (context, &argc, &argv, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/core/planner-properties/each-story-once",
                        check_each_story_once, (GTestDataFunc) run_check);
  g_test_add_data_func ("/core/planner-properties/priority-order",
                        check_priority_order, (GTestDataFunc) run_check);
  g_test_add_data_func ("/core/planner-properties/capacity",
                        check_capacity, (GTestDataFunc) run_check);
  g_test_add_data_func ("/core/planner-properties/deterministic",
                        check_deterministic, (GTestDataFunc) run_check);
  g_test_add_data_func ("/core/planner-properties/shape",
                        check_shape, (GTestDataFunc) run_check);
  g_test_add_data_func ("/core/planner-properties/kept-table",
                        check_kept_table, (GTestDataFunc) run_check);
  g_test_add_func ("/core/planner-properties/accepted-in-zones", test_accepted_in_zones);

  return g_test_run ();
}
