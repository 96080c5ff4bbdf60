/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-planner"

#include "ts-planner.h"

#include "ts-core-error.h"
#include "ts-plan-private.h"
#include "ts-planning-table-private.h"

#include <string.h>

/* Capacities are sums of products of doubles (0.6 × 10 …) compared with
 * whole points; this allowance keeps 6 points fitting a capacity that
 * arithmetic made 5.999999999. */
#define CAPACITY_EPSILON 1e-9

/* Where a story goes before the plan is laid out. */
#define IN_ICEBOX G_MAXUINT

/* One iteration of the project's calendar. */
typedef struct {
  TsDay start;
  guint weeks;
  double team_strength;
} CalendarEntry;

/* The project's iterations from number 1, extended on demand. Iteration k
 * is entries[k - 1]. Overrides are read with a cursor because iterations
 * are only ever added in increasing order. */
typedef struct {
  TsProject *project;
  TsDay start_date;
  const TsIterationOverride *overrides;
  guint n_overrides;
  guint next_override;
  GArray *entries;
} Calendar;

static void
calendar_init (Calendar  *calendar,
               TsProject *project,
               TsDay      start_date)
{
  calendar->project = project;
  calendar->start_date = start_date;
  calendar->overrides = ts_project_get_overrides (project, &calendar->n_overrides);
  calendar->next_override = 0;
  calendar->entries = g_array_sized_new (FALSE, FALSE, sizeof (CalendarEntry), 64);
}

static void
calendar_clear (Calendar *calendar)
{
  g_array_unref (calendar->entries);
}

static void
calendar_append (Calendar *calendar)
{
  guint number = calendar->entries->len + 1;
  CalendarEntry entry;

  if (calendar->entries->len == 0)
    {
      entry.start = calendar->start_date;
    }
  else
    {
      const CalendarEntry *last = &g_array_index (calendar->entries, CalendarEntry,
                                                  calendar->entries->len - 1);
      entry.start = last->start + 7 * last->weeks;
    }

  entry.weeks = ts_project_get_iteration_length (calendar->project);
  entry.team_strength = 1.0;

  while (calendar->next_override < calendar->n_overrides &&
         calendar->overrides[calendar->next_override].number < number)
    calendar->next_override++;
  if (calendar->next_override < calendar->n_overrides &&
      calendar->overrides[calendar->next_override].number == number)
    {
      const TsIterationOverride *override = &calendar->overrides[calendar->next_override];

      entry.team_strength = override->team_strength;
      if (override->length != 0)
        entry.weeks = override->length;
    }

  g_array_append_val (calendar->entries, entry);
}

static const CalendarEntry *
calendar_get (Calendar *calendar,
              guint     number)
{
  g_assert (number >= 1);

  while (calendar->entries->len < number)
    calendar_append (calendar);
  return &g_array_index (calendar->entries, CalendarEntry, number - 1);
}

static TsDay
calendar_finish (Calendar *calendar,
                 guint     number)
{
  const CalendarEntry *entry = calendar_get (calendar, number);

  return entry->start + 7 * entry->weeks - 1;
}

/* Rule 1: the iteration whose dates contain @day; iteration 1 for a day
 * before the start. */
static guint
calendar_find_current (Calendar *calendar,
                       TsDay     day)
{
  guint number = 1;

  while (calendar_finish (calendar, number) < day)
    number++;
  return number;
}

/* The iteration, at most @current, whose dates contain @day. Binary search
 * over iterations already laid out: accepted stories are many. */
static guint
calendar_find_up_to (Calendar *calendar,
                     TsDay     day,
                     guint     current)
{
  guint low = 1, high = current;

  if (day >= calendar_get (calendar, current)->start)
    return current;

  /* Invariant: the answer is in [low, high). */
  while (high - low > 1)
    {
      guint mid = low + (high - low) / 2;

      if (calendar_get (calendar, mid)->start <= day)
        low = mid;
      else
        high = mid;
    }
  return low;
}

/* Rule 7, before the velocity: the share of a whole iteration's velocity
 * that iteration @number can take. */
static double
calendar_capacity_share (Calendar *calendar,
                         guint     number)
{
  const CalendarEntry *entry = calendar_get (calendar, number);
  double iteration_length = ts_project_get_iteration_length (calendar->project);

  return entry->team_strength * entry->weeks / iteration_length;
}

/* Rule 5. @accepted_points[k - 1] holds the points accepted in done
 * iteration k. */
static double
calculate_velocity (TsProject   *project,
                    Calendar    *calendar,
                    const guint *accepted_points,
                    guint        n_done)
{
  guint strategy = ts_project_get_velocity_strategy (project);
  double iteration_length = ts_project_get_iteration_length (project);
  guint oldest = n_done > strategy ? n_done - strategy + 1 : 1;
  double sum = 0.0;
  guint counted = 0;
  double velocity;

  for (guint number = oldest; number <= n_done; number++)
    {
      const CalendarEntry *entry = calendar_get (calendar, number);

      /* A team that was not there stays in the window but says nothing
       * about its pace. */
      if (entry->team_strength <= 0.0)
        continue;
      sum += accepted_points[number - 1] / entry->team_strength *
             (iteration_length / entry->weeks);
      counted++;
    }

  if (counted == 0 || sum <= 0.0)
    velocity = ts_project_get_initial_velocity (project);
  else
    velocity = sum / counted;

  return MAX (velocity, 1.0);
}

/* An unstarted story's iteration before the walk places it. */
#define NOT_PLACED 0

/* What the first pass makes of a story's state: where it goes before the
 * walk. Current is 0, so that a state no rule names (none should reach
 * the planner) counts as work in progress, as the rules' "otherwise"
 * does. */
enum {
  CLASS_CURRENT,    /* started, finished, delivered, rejected (rule 8) */
  CLASS_ICEBOX,     /* unscheduled (rule 3) */
  CLASS_UNSTARTED,  /* for the walk (rules 9 to 12) */
  CLASS_ACCEPTED,   /* a done iteration or Current (rule 4) */
};

static const guint8 class_of_state[256] = {
  [TS_STORY_STATE_UNSCHEDULED] = CLASS_ICEBOX,
  [TS_STORY_STATE_UNSTARTED] = CLASS_UNSTARTED,
  [TS_STORY_STATE_ACCEPTED] = CLASS_ACCEPTED,
};

typedef struct {
  TsProject *project;
  const TsPlanningTable *table;
  guint n_stories;
  GTimeZone *zone;
  Calendar calendar;
  guint current;
  /* Rule 2 by story type: what an estimate counts (1 or 0). */
  guint points_per_estimate[256];
  /* Per story, in input order: its iteration's number, IN_ICEBOX, or
   * NOT_PLACED for an unstarted story until the walk. */
  guint *iterations;
  /* The unstarted stories in priority order, their points beside them,
   * for the walk; the accepted ones, for the search of their iteration;
   * the unstarted releases, for rule 13. Each a list of indices into the
   * table, so that the passes after the first read only their own. */
  guint *unstarted;
  guint *unstarted_points;
  guint n_unstarted;
  guint *accepted;
  guint n_accepted;
  guint *releases;
  guint n_releases;
  /* Per iteration k from 1 to Current, at k - 1: its start's UTC
   * midnight in Unix seconds. */
  gint64 *midnights;
  /* Per done iteration k, at k - 1: its accepted points. */
  guint *accepted_points;
  /* Per iteration k, at k - 1: how many stories it holds; grown as the
   * walk opens iterations. Counted while placing, so laying the plan out
   * is one pass. */
  GArray *counts;
  guint n_icebox;
  /* Per iteration from Current on, at k - current: its planned points. */
  GArray *planned_points;
  /* Work in progress (rule 8): its points and its stories. */
  guint64 work_in_progress;
  guint n_in_progress;
  guint last_iteration;
} Planner;

/* How far a moment's local day can be from its UTC day: GLib takes zone
 * offsets up to 24 hours either way; a day more is slack. */
#define ZONE_SLACK_SECONDS (48 * 60 * 60)

static gint64
unix_midnight (TsDay day)
{
  return ((gint64) day - TS_DAY_UNIX_EPOCH) * 24 * 60 * 60;
}

/* The iteration, at most Current, a story accepted at @moment (Unix
 * seconds) falls in. Most moments lie well inside an iteration in UTC, so
 * far from its edges that no zone offset could move them out: those are
 * placed by comparing seconds with the iterations' UTC midnights. Only
 * moments within two days of an edge take the zone's offset, the exact
 * path. */
static guint
find_accepted_iteration (Planner *planner,
                         gint64   moment)
{
  const gint64 *midnights = planner->midnights;
  guint base = 0, n = planner->current;
  guint low;
  gint64 lower_edge, upper_edge;

  /* The last iteration up to Current whose UTC start is at or before the
   * moment (1 if none is). Written so that the compiler chooses without a
   * branch: which half holds the answer is a coin toss for the branch
   * predictor, and a wrong guess cost more than the comparison. */
  while (n > 1)
    {
      guint half = n / 2;

      base = midnights[base + half] <= moment ? base + half : base;
      n -= half;
    }
  low = base + 1;

  lower_edge = midnights[low - 1] + ZONE_SLACK_SECONDS;
  upper_edge = low < planner->current
    ? midnights[low] - ZONE_SLACK_SECONDS
    : G_MAXINT64;
  if (moment >= lower_edge && moment < upper_edge)
    return low;

  return calendar_find_up_to (&planner->calendar, ts_day_from_unix (moment, planner->zone),
                              planner->current);
}

/* Rule 2, as ts_story_get_points(): features count their estimate, bugs
 * and chores when the project says so, releases and stories without an
 * estimate 0. */
static inline guint
row_points (const Planner *planner,
            TsPlanningRow  row)
{
  guint counted = row.estimate != TS_ESTIMATE_NONE;

  return (guint) row.estimate * planner->points_per_estimate[row.story_type] * counted;
}

/* Rules 3 and 8, and the lists for the other rules: one pass over the
 * rows without a branch on the story, since states and types come in no
 * order the branch predictor could learn. Each list takes the index
 * whatever the story is, and grows only for the stories it wants. */
static void
sort_stories (Planner *planner)
{
  const TsPlanningRow *rows = planner->table->rows;
  guint n_unstarted = 0, n_accepted = 0, n_releases = 0, n_icebox = 0, n_in_progress = 0;
  guint64 work_in_progress = 0;
  const guint start_of_class[] = {
    [CLASS_CURRENT] = planner->current,
    [CLASS_ICEBOX] = IN_ICEBOX,
    [CLASS_UNSTARTED] = NOT_PLACED,
    [CLASS_ACCEPTED] = planner->current,
  };

  for (guint i = 0; i < planner->n_stories; i++)
    {
      TsPlanningRow row = rows[i];
      guint class = class_of_state[row.state];
      guint points = row_points (planner, row);
      gboolean unstarted = class == CLASS_UNSTARTED;
      gboolean in_progress = class == CLASS_CURRENT;

      planner->iterations[i] = start_of_class[class];
      planner->unstarted[n_unstarted] = i;
      planner->unstarted_points[n_unstarted] = points;
      n_unstarted += unstarted;
      planner->accepted[n_accepted] = i;
      n_accepted += class == CLASS_ACCEPTED;
      planner->releases[n_releases] = i;
      n_releases += unstarted && row.story_type == TS_STORY_TYPE_RELEASE;
      n_icebox += class == CLASS_ICEBOX;
      n_in_progress += in_progress;
      work_in_progress += in_progress ? points : 0;
    }

  planner->n_unstarted = n_unstarted;
  planner->n_accepted = n_accepted;
  planner->n_releases = n_releases;
  planner->n_icebox = n_icebox;
  planner->n_in_progress = n_in_progress;
  planner->work_in_progress = work_in_progress;
}

/* Rule 4: an accepted story goes to the done iteration it was accepted
 * in, or to Current. */
static void
place_accepted_stories (Planner *planner)
{
  const TsPlanningTable *table = planner->table;
  guint *counts = &g_array_index (planner->counts, guint, 0);

  for (guint number = 1; number <= planner->current; number++)
    planner->midnights[number - 1] = unix_midnight (calendar_get (&planner->calendar, number)->start);

  for (guint a = 0; a < planner->n_accepted; a++)
    {
      guint i = planner->accepted[a];
      gint64 moment = table->accepted_at[i];
      guint points = row_points (planner, table->rows[i]);
      guint number = planner->current;

      /* A story accepted "in the future" (a plan for a past day, or a
       * clock ahead) counts as accepted now, in Current; so does one
       * without a moment. */
      if (moment != TS_PLANNING_NO_MOMENT)
        number = find_accepted_iteration (planner, moment);
      if (number < planner->current)
        {
          planner->iterations[i] = number;
          planner->accepted_points[number - 1] += points;
          counts[number - 1]++;
        }
      else
        {
          planner->work_in_progress += points;
          planner->n_in_progress++;
        }
    }
  counts[planner->current - 1] += planner->n_in_progress;
}

/* Rules 3, 4 and 8: everything but the unstarted stories. */
static void
place_fixed_stories (Planner *planner)
{
  sort_stories (planner);
  place_accepted_stories (planner);
}

static inline void
count_in (Planner *planner,
          guint    number,
          guint    n)
{
  if (planner->counts->len < number)
    g_array_set_size (planner->counts, MAX (number, planner->counts->len * 2));
  g_array_index (planner->counts, guint, number - 1) += n;
}

static inline void
add_planned_points (Planner *planner,
                    guint    number,
                    guint64  points)
{
  guint index = number - planner->current;

  if (planner->planned_points->len <= index)
    g_array_set_size (planner->planned_points, MAX (index + 1, planner->planned_points->len * 2));
  g_array_index (planner->planned_points, guint64, index) += points;
}

/* The most points the walk may have placed up to an iteration whose
 * capacities add up to @total_capacity. */
static inline double
capacity_limit (double total_capacity)
{
  return total_capacity + CAPACITY_EPSILON * MAX (1.0, total_capacity);
}

/* Rules 9 to 12: the cumulative walk over the unstarted stories. The
 * stories and points of the iteration being filled are summed in locals
 * and stored when the walk moves on: the iteration changes a few hundred
 * times in 100,000 stories. */
static void
place_unstarted_stories (Planner *planner,
                         double   velocity)
{
  double total_points = planner->work_in_progress;
  double total_capacity = velocity * calendar_capacity_share (&planner->calendar, planner->current);
  double limit = capacity_limit (total_capacity);
  guint number = planner->current;
  guint n_in_number = 0;
  guint64 points_in_number = planner->work_in_progress;
  guint first = 0;

  /* Rule 10: a Current left empty takes the first story whatever its
   * size; the walk goes on from there with its points counted. */
  if (planner->n_unstarted > 0 && planner->n_in_progress == 0)
    {
      guint points = planner->unstarted_points[0];

      total_points += points;
      planner->iterations[planner->unstarted[0]] = number;
      n_in_number++;
      points_in_number += points;
      first = 1;
    }

  for (guint u = first; u < planner->n_unstarted; u++)
    {
      guint points = planner->unstarted_points[u];

      total_points += points;
      if (G_UNLIKELY (total_points > limit))
        {
          add_planned_points (planner, number, points_in_number);
          count_in (planner, number, n_in_number);
          n_in_number = 0;
          points_in_number = 0;
          do
            {
              number++;
              total_capacity += velocity * calendar_capacity_share (&planner->calendar, number);
              limit = capacity_limit (total_capacity);
            }
          while (total_points > limit);
        }

      planner->iterations[planner->unstarted[u]] = number;
      n_in_number++;
      points_in_number += points;
    }

  add_planned_points (planner, number, points_in_number);
  count_in (planner, number, n_in_number);
  planner->last_iteration = number;
}

static void
fill_iteration (Planner         *planner,
                TsPlanIteration *iteration,
                guint            number,
                double           velocity)
{
  const CalendarEntry *entry = calendar_get (&planner->calendar, number);

  iteration->number = number;
  iteration->start = entry->start;
  iteration->finish = entry->start + 7 * entry->weeks - 1;
  iteration->weeks = entry->weeks;
  iteration->team_strength = entry->team_strength;
  iteration->capacity = number >= planner->current
    ? velocity * calendar_capacity_share (&planner->calendar, number)
    : 0.0;
}

/* Lays the placed stories out in the plan: a stable counting sort by slot
 * (iterations 1 to last in order, then the Icebox) keeps priority order
 * inside each iteration (rule 14). The counts were taken while placing. */
static void
lay_out (Planner *planner,
         TsPlan  *plan,
         double   velocity)
{
  guint last = planner->last_iteration;
  g_autofree guint *offsets = g_new (guint, last + 1);
  guint *counts;
  guint running = 0;

  if (planner->counts->len < last)
    g_array_set_size (planner->counts, last);
  counts = &g_array_index (planner->counts, guint, 0);
  for (guint slot = 0; slot < last; slot++)
    {
      offsets[slot] = running;
      running += counts[slot];
    }
  offsets[last] = running;

  plan->n_stories = planner->n_stories;
  plan->story_ids = g_new (gint64, MAX (planner->n_stories, 1));
  {
    g_autofree guint *next = g_memdup2 (offsets, (last + 1) * sizeof (guint));

    for (guint i = 0; i < planner->n_stories; i++)
      {
        /* IN_ICEBOX - 1 is above every iteration: the Icebox's slot,
         * last, without a branch. */
        guint slot = MIN (planner->iterations[i] - 1, last);

        plan->story_ids[next[slot]++] = planner->table->ids[i];
      }
  }

  plan->icebox = plan->story_ids + offsets[last];
  plan->n_icebox = planner->n_icebox;

  plan->n_done = planner->current - 1;
  plan->done = g_new0 (TsPlanIteration, MAX (plan->n_done, 1));
  for (guint number = 1; number < planner->current; number++)
    {
      TsPlanIteration *iteration = &plan->done[number - 1];

      fill_iteration (planner, iteration, number, velocity);
      iteration->points = planner->accepted_points[number - 1];
      iteration->story_ids = plan->story_ids + offsets[number - 1];
      iteration->n_stories = counts[number - 1];
    }

  plan->n_iterations = last - planner->current + 1;
  plan->iterations = g_new0 (TsPlanIteration, plan->n_iterations);
  for (guint number = planner->current; number <= last; number++)
    {
      TsPlanIteration *iteration = &plan->iterations[number - planner->current];

      fill_iteration (planner, iteration, number, velocity);
      iteration->points = g_array_index (planner->planned_points, guint64,
                                         number - planner->current);
      iteration->story_ids = plan->story_ids + offsets[number - 1];
      iteration->n_stories = counts[number - 1];
    }
}

/* Rule 13. */
static void
project_releases (TsPlan  *plan,
                  Planner *planner)
{
  const TsPlanningTable *table = planner->table;

  plan->releases = g_new0 (TsReleaseProjection, MAX (planner->n_releases, 1));
  for (guint r = 0; r < planner->n_releases; r++)
    {
      guint index = planner->releases[r];
      TsDay deadline = table->deadlines[index];
      TsReleaseProjection *release = &plan->releases[plan->n_releases++];

      release->story_id = table->ids[index];
      release->iteration = planner->iterations[index];
      release->projected_date = calendar_finish (&planner->calendar, release->iteration);
      release->late = deadline != TS_DAY_NONE && deadline < release->projected_date;
    }
}

/* The planner's per-story work arrays, kept by each thread from one plan
 * to the next: a plan of 100,000 stories needs 2 MB of them, and made and
 * freed with every plan they went back to the system each time (glibc
 * trims the top of the heap past its threshold), so that the next plan
 * paid a page fault for every 4 KB it touched, a few hundred a plan. */
typedef struct {
  guint *data;
  gsize size;
} Scratch;

static void
scratch_free (gpointer data)
{
  Scratch *scratch = data;

  g_free (scratch->data);
  g_free (scratch);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);
static GPrivate table_key = G_PRIVATE_INIT ((GDestroyNotify) ts_planning_table_free);

/* Room for @size guints, this thread's until its next plan. */
static guint *
take_scratch (gsize size)
{
  Scratch *scratch = g_private_get (&scratch_key);

  if (scratch == NULL)
    {
      scratch = g_new0 (Scratch, 1);
      g_private_set (&scratch_key, scratch);
    }
  if (scratch->size < size)
    {
      g_free (scratch->data);
      scratch->data = g_new (guint, size);
      scratch->size = size;
    }
  return scratch->data;
}

static TsDay
first_day (void)
{
  return ts_day_from_ymd (TS_PLANNER_FIRST_YEAR, 1, 1);
}

static TsDay
last_day (void)
{
  return ts_day_from_ymd (TS_PLANNER_LAST_YEAR, 12, 31);
}

/**
 * ts_planner_check_day:
 * @field: the member or parameter named in the message (`today`,
 *   `start_date`)
 * @day: a day a plan starts or is made for
 *
 * A plan holds every iteration from the project's start to the last one
 * with a story, Done included, so a start and a today far apart made a
 * plan of hundreds of thousands of iterations (`today=9999-12-31`: 18 MB
 * and a second of CPU). Both are held to 1970-01-01 … 2199-12-31, which
 * bounds a plan to about 12,000 one-week iterations. The server refuses
 * other days and the app does not send them; the planner clamps them, so
 * that a value from elsewhere costs no more.
 *
 * Returns: %TRUE if @day is in range; else TS_CORE_ERROR_INVALID naming
 *   @field
 */
gboolean
ts_planner_check_day (const char  *field,
                      TsDay        day,
                      GError     **error)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (day >= first_day () && day <= last_day ())
    return TRUE;
  g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
               "“%s” must be a day from %d-01-01 to %d-12-31",
               field, TS_PLANNER_FIRST_YEAR, TS_PLANNER_LAST_YEAR);
  return FALSE;
}

/**
 * ts_planner_check_velocity:
 * @field: the member or parameter named in the message
 * @velocity: a local velocity (rule 6)
 *
 * A velocity just above 0 plans each point into an iteration of its own
 * (and more): an override is at least 1, as a calculated velocity is.
 *
 * Returns: %TRUE if @velocity is at least 1; else TS_CORE_ERROR_INVALID
 *   naming @field
 */
gboolean
ts_planner_check_velocity (const char  *field,
                           double       velocity,
                           GError     **error)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (velocity >= TS_PLANNER_MIN_VELOCITY)
    return TRUE;
  g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
               "“%s” must be at least %g", field, TS_PLANNER_MIN_VELOCITY);
  return FALSE;
}

/**
 * ts_planner_plan_table:
 * @project: the project: its planning settings and iteration overrides
 * @table: its stories' planning rows, in priority order
 * @today: the day to plan for, in the project's time zone (clamped to
 *   the years 1970 to 2199)
 * @velocity_override: a local velocity (rule 6, at least 1), or
 *   %TS_VELOCITY_NOT_OVERRIDDEN
 *
 * Plans a backlog into iterations by every rule of doc/planning.md. A pure
 * function: the same input gives the same plan on every client and on the
 * server, which is what keeps live updates from flickering. Linear in the
 * number of stories and iterations, and reads the table in order.
 *
 * Returns: (transfer full): the plan
 */
TsPlan *
ts_planner_plan_table (TsProject             *project,
                       const TsPlanningTable *table,
                       TsDay                  today,
                       double                 velocity_override)
{
  Planner planner = { 0 };
  TsPlan *plan;
  TsDay start_date;
  double velocity;
  guint n_stories;

  g_return_val_if_fail (TS_IS_PROJECT (project), NULL);
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (g_date_valid_julian (today), NULL);
  g_return_val_if_fail (velocity_override >= 0.0, NULL);

  /* Out-of-range days and velocities are refused where they come in
   * (ts_planner_check_day()); clamped here, whatever passed them, so no
   * input makes a plan larger than the bounds allow. */
  today = CLAMP (today, first_day (), last_day ());
  if (velocity_override != TS_VELOCITY_NOT_OVERRIDDEN)
    velocity_override = MAX (velocity_override, TS_PLANNER_MIN_VELOCITY);

  /* A project always has a start date in practice; without one it starts
   * today rather than at the dawn of the calendar. */
  start_date = ts_project_get_start_date (project);
  if (start_date == TS_DAY_NONE)
    start_date = today;
  start_date = CLAMP (start_date, first_day (), last_day ());

  n_stories = table->n_rows;
  planner.project = project;
  planner.table = table;
  planner.n_stories = n_stories;
  planner.points_per_estimate[TS_STORY_TYPE_FEATURE] = 1;
  planner.points_per_estimate[TS_STORY_TYPE_BUG] =
    planner.points_per_estimate[TS_STORY_TYPE_CHORE] =
      ts_project_get_bugs_and_chores_are_pointed (project) ? 1 : 0;
  calendar_init (&planner.calendar, project, start_date);
  planner.current = calendar_find_current (&planner.calendar, today);
  planner.zone = ts_project_get_zone (project);
  {
    guint *scratch = take_scratch (5 * (gsize) MAX (n_stories, 1));

    planner.iterations = scratch;
    planner.unstarted = scratch + n_stories;
    planner.unstarted_points = scratch + 2 * n_stories;
    planner.accepted = scratch + 3 * n_stories;
    planner.releases = scratch + 4 * n_stories;
  }
  planner.midnights = g_new (gint64, planner.current);
  planner.accepted_points = g_new0 (guint, planner.current);
  planner.counts = g_array_sized_new (FALSE, TRUE, sizeof (guint), 2 * planner.current + 64);
  g_array_set_size (planner.counts, planner.current);
  planner.planned_points = g_array_sized_new (FALSE, TRUE, sizeof (guint64), 64);

  place_fixed_stories (&planner);

  plan = ts_plan_new ();
  plan->today = today;
  plan->current_iteration = planner.current;
  plan->calculated_velocity = calculate_velocity (project, &planner.calendar,
                                                  planner.accepted_points,
                                                  planner.current - 1);
  plan->velocity_overridden = velocity_override > 0.0 &&
                              velocity_override != plan->calculated_velocity;
  velocity = plan->velocity_overridden ? velocity_override : plan->calculated_velocity;
  plan->velocity = velocity;

  place_unstarted_stories (&planner, velocity);
  lay_out (&planner, plan, velocity);
  project_releases (plan, &planner);

  g_free (planner.midnights);
  g_free (planner.accepted_points);
  g_array_unref (planner.counts);
  g_array_unref (planner.planned_points);
  calendar_clear (&planner.calendar);

  return plan;
}

/**
 * ts_planner_plan:
 * @project: the project: its planning settings and iteration overrides
 * @stories: (array length=n_stories): its stories, in priority order
 * @n_stories: how many
 * @today: the day to plan for, as for ts_planner_plan_table()
 * @velocity_override: a local velocity, or %TS_VELOCITY_NOT_OVERRIDDEN
 *
 * Plans the stories as ts_planner_plan_table() plans their table, made
 * here: for callers that plan a set of stories once. An owner that plans
 * the same backlog after every change keeps the table instead.
 *
 * Returns: (transfer full): the plan
 */
TsPlan *
ts_planner_plan (TsProject       *project,
                 TsStory * const *stories,
                 guint            n_stories,
                 TsDay            today,
                 double           velocity_override)
{
  TsPlanningTable *table;

  g_return_val_if_fail (TS_IS_PROJECT (project), NULL);
  g_return_val_if_fail (stories != NULL || n_stories == 0, NULL);

  /* Each thread keeps the table it made last, for the same reason as
   * the scratch arrays: 2.8 MB for 100,000 stories, made afresh, cost a
   * page fault per 4 KB on every plan. */
  table = g_private_get (&table_key);
  if (table == NULL)
    {
      table = ts_planning_table_new ();
      g_private_set (&table_key, table);
    }
  ts_planning_table_replace (table, stories, n_stories);
  return ts_planner_plan_table (project, table, today, velocity_override);
}
