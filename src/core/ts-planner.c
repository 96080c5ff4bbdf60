/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-planner"

#include "ts-planner.h"

#include "ts-core-error.h"
#include "ts-plan-private.h"
#include "ts-story-private.h"

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

/* An unstarted release (rule 13), noted on the first pass so that the
 * projection does not go back to the stories. */
typedef struct {
  guint index;
  TsDay deadline;
} PlannedRelease;

typedef struct {
  TsProject *project;
  TsStory * const *stories;
  guint n_stories;
  gboolean pointed;
  GTimeZone *zone;
  Calendar calendar;
  guint current;
  /* Per story, in input order, in arrays of their own: read once from
   * the stories (100,000 GObjects are spread over memory, and every
   * further pass over them would be a pass of cache misses), then each
   * pass reads only what it needs: the walk 8 bytes a story, the layout
   * 12. Its iteration's number, IN_ICEBOX, or NOT_PLACED for an
   * unstarted story until the walk; its points (rule 2); its id. */
  guint *iterations;
  guint *points;
  gint64 *ids;
  /* Per done iteration k, at k - 1: its accepted points. */
  guint *accepted_points;
  /* Per iteration k, at k - 1: how many stories it holds; grown as the
   * walk opens iterations. Counted while placing, so laying the plan out
   * is one pass. */
  GArray *counts;
  guint n_icebox;
  /* Per iteration from Current on, at k - current: its planned points. */
  GArray *planned_points;
  GArray *releases;
  /* Work in progress (rule 8): its points and whether there is any. */
  guint64 work_in_progress;
  gboolean current_has_stories;
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

/* The iteration, at most Current, a story accepted at @accepted_at falls
 * in. Most moments lie well inside an iteration in UTC, so far from its
 * edges that no zone offset could move them out: those are placed by
 * comparing seconds with the iterations' UTC bounds. Only moments within
 * two days of an edge take the zone's offset, the exact path. */
static guint
find_accepted_iteration (Planner   *planner,
                         GDateTime *accepted_at)
{
  Calendar *calendar = &planner->calendar;
  const CalendarEntry *entries = (const CalendarEntry *) calendar->entries->data;
  gint64 moment = g_date_time_to_unix (accepted_at);
  guint low = 1, high = planner->current;
  gint64 lower_edge, upper_edge;

  g_assert (calendar->entries->len >= planner->current);

  /* The last iteration up to Current whose UTC start is at or before the
   * moment (1 if none is). Invariant: the answer is in [low, high]. */
  while (low < high)
    {
      guint mid = low + (high - low + 1) / 2;

      if (unix_midnight (entries[mid - 1].start) <= moment)
        low = mid;
      else
        high = mid - 1;
    }

  lower_edge = unix_midnight (entries[low - 1].start) + ZONE_SLACK_SECONDS;
  upper_edge = low < planner->current
    ? unix_midnight (entries[low].start) - ZONE_SLACK_SECONDS
    : G_MAXINT64;
  if (moment >= lower_edge && moment < upper_edge)
    return low;

  return calendar_find_up_to (calendar, ts_day_from_unix (moment, planner->zone),
                              planner->current);
}

/* Rule 2, as ts_story_get_points() without its checks: the planner's
 * inner loop. */
static inline guint
story_points (const TsStory *story,
              gboolean       pointed)
{
  if (story->estimate == TS_ESTIMATE_NONE)
    return 0;
  switch (story->story_type)
    {
    case TS_STORY_TYPE_FEATURE:
      return story->estimate;
    case TS_STORY_TYPE_BUG:
    case TS_STORY_TYPE_CHORE:
      return pointed ? story->estimate : 0;
    case TS_STORY_TYPE_RELEASE:
    default:
      return 0;
    }
}

/* Stories ahead of the one being read are fetched early: the loop does
 * little with each, and waiting for one object after another from memory
 * was most of a plan's time. */
#define PREFETCH_DISTANCE 16

static inline void
prefetch_story (Planner *planner,
                guint    i)
{
#if defined(__GNUC__)
  if (i + PREFETCH_DISTANCE < planner->n_stories)
    __builtin_prefetch (planner->stories[i + PREFETCH_DISTANCE]);
#endif
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

/* Rules 3, 4 and 8: everything but the unstarted stories. */
static void
place_fixed_stories (Planner *planner)
{
  for (guint i = 0; i < planner->n_stories; i++)
    {
      const TsStory *story = planner->stories[i];
      TsStoryState state = story->state;
      guint points = story_points (story, planner->pointed);
      guint *iteration = &planner->iterations[i];

      prefetch_story (planner, i);
      planner->ids[i] = story->id;
      planner->points[i] = points;

      switch (state)
        {
        case TS_STORY_STATE_UNSCHEDULED:
          *iteration = IN_ICEBOX;
          planner->n_icebox++;
          break;

        case TS_STORY_STATE_UNSTARTED:
          *iteration = NOT_PLACED;
          if (story->story_type == TS_STORY_TYPE_RELEASE)
            {
              PlannedRelease release = { i, story->deadline };

              g_array_append_val (planner->releases, release);
            }
          break;

        case TS_STORY_STATE_ACCEPTED:
          {
            guint number = planner->current;

            /* A story accepted "in the future" (a plan for a past day, or
             * a clock ahead) counts as accepted now, in Current. */
            if (story->accepted_at != NULL)
              number = find_accepted_iteration (planner, story->accepted_at);
            if (number < planner->current)
              {
                *iteration = number;
                planner->accepted_points[number - 1] += points;
                count_in (planner, number, 1);
                break;
              }
          }
          G_GNUC_FALLTHROUGH;

        case TS_STORY_STATE_STARTED:
        case TS_STORY_STATE_FINISHED:
        case TS_STORY_STATE_DELIVERED:
        case TS_STORY_STATE_REJECTED:
        default:
          *iteration = planner->current;
          planner->work_in_progress += points;
          planner->current_has_stories = TRUE;
          count_in (planner, planner->current, 1);
          break;
        }
    }
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
  gboolean first = TRUE;

  for (guint i = 0; i < planner->n_stories; i++)
    {
      guint points = planner->points[i];

      if (planner->iterations[i] != NOT_PLACED)
        continue;

      total_points += points;

      /* Rule 10: a Current left empty takes the first story whatever its
       * size; the walk goes on from there with its points counted. */
      if (total_points > limit && !(first && !planner->current_has_stories))
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

      first = FALSE;
      planner->iterations[i] = number;
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
  counts = (guint *) planner->counts->data;
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
        guint number = planner->iterations[i];
        guint slot = number == IN_ICEBOX ? last : number - 1;

        plan->story_ids[next[slot]++] = planner->ids[i];
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
  guint n_releases = planner->releases->len;

  plan->releases = g_new0 (TsReleaseProjection, MAX (n_releases, 1));
  for (guint r = 0; r < n_releases; r++)
    {
      const PlannedRelease *planned = &g_array_index (planner->releases, PlannedRelease, r);
      TsReleaseProjection *release = &plan->releases[plan->n_releases++];

      release->story_id = planner->ids[planned->index];
      release->iteration = planner->iterations[planned->index];
      release->projected_date = calendar_finish (&planner->calendar, release->iteration);
      release->late = planned->deadline != TS_DAY_NONE &&
                      planned->deadline < release->projected_date;
    }
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
 * ts_planner_plan:
 * @project: the project: its planning settings and iteration overrides
 * @stories: (array length=n_stories): its stories, in priority order
 * @n_stories: how many
 * @today: the day to plan for, in the project's time zone (clamped to
 *   the years 1970 to 2199)
 * @velocity_override: a local velocity (rule 6, at least 1), or
 *   %TS_VELOCITY_NOT_OVERRIDDEN
 *
 * Plans a backlog into iterations by every rule of doc/planning.md. A pure
 * function: the same input gives the same plan on every client and on the
 * server, which is what keeps live updates from flickering. Linear in the
 * number of stories and iterations.
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
  Planner planner = { 0 };
  TsPlan *plan;
  TsDay start_date;
  double velocity;

  g_return_val_if_fail (TS_IS_PROJECT (project), NULL);
  g_return_val_if_fail (stories != NULL || n_stories == 0, NULL);
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

  planner.project = project;
  planner.stories = stories;
  planner.n_stories = n_stories;
  planner.pointed = ts_project_get_bugs_and_chores_are_pointed (project);
  calendar_init (&planner.calendar, project, start_date);
  planner.current = calendar_find_current (&planner.calendar, today);
  planner.zone = ts_project_get_zone (project);
  planner.ids = g_new (gint64, MAX (n_stories, 1));
  planner.iterations = g_new (guint, MAX (n_stories, 1));
  planner.points = g_new (guint, MAX (n_stories, 1));
  planner.accepted_points = g_new0 (guint, planner.current);
  planner.counts = g_array_sized_new (FALSE, TRUE, sizeof (guint), 2 * planner.current + 64);
  g_array_set_size (planner.counts, planner.current);
  planner.planned_points = g_array_sized_new (FALSE, TRUE, sizeof (guint64), 64);
  planner.releases = g_array_new (FALSE, FALSE, sizeof (PlannedRelease));

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

  g_free (planner.ids);
  g_free (planner.iterations);
  g_free (planner.points);
  g_free (planner.accepted_points);
  g_array_unref (planner.counts);
  g_array_unref (planner.planned_points);
  g_array_unref (planner.releases);
  calendar_clear (&planner.calendar);

  return plan;
}
