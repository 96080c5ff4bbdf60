/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-plan"

#include "ts-plan-private.h"

#include <math.h>

/**
 * TsPlan:
 *
 * A backlog planned into iterations (doc/planning.md): immutable once made, so
 * it can be shared between the store and the view and compared with the
 * next plan. Made by ts_planner_plan().
 *
 * A plan names stories by id and holds no reference to them: it stays
 * valid whatever happens to the stories, costs no reference counting on
 * 100,000 objects, and reads like doc/api.md's plan. Its users look the ids up
 * in their own store.
 */

G_DEFINE_BOXED_TYPE (TsPlan, ts_plan, ts_plan_ref, ts_plan_unref)

static void
ts_plan_clear (TsPlan *self)
{
  g_free (self->story_ids);
  g_free (self->done);
  g_free (self->iterations);
  g_free (self->releases);
}

TsPlan *
ts_plan_new (void)
{
  return g_atomic_rc_box_new0 (TsPlan);
}

TsPlan *
ts_plan_ref (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
ts_plan_unref (TsPlan *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) ts_plan_clear);
}

/**
 * ts_plan_get_today:
 *
 * Returns: the day the plan was made for
 */
TsDay
ts_plan_get_today (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, TS_DAY_NONE);

  return self->today;
}

/**
 * ts_plan_get_velocity:
 *
 * Returns: the velocity the plan was made with: the local override when
 *   there is one, else the calculated velocity
 */
double
ts_plan_get_velocity (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->velocity;
}

/**
 * ts_plan_get_velocity_shown:
 *
 * Returns: the velocity as people see it, rounded down (rule 5)
 */
int
ts_plan_get_velocity_shown (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  /* The tiny allowance keeps 2.9999999999 (from a division) showing as 3. */
  return (int) floor (self->velocity + 1e-9);
}

/**
 * ts_plan_get_calculated_velocity:
 *
 * Returns: the velocity from the project's history (rule 5), whether or
 *   not an override replaced it
 */
double
ts_plan_get_calculated_velocity (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->calculated_velocity;
}

gboolean
ts_plan_has_velocity_override (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->velocity_overridden;
}

guint
ts_plan_get_current_iteration (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->current_iteration;
}

/**
 * ts_plan_get_n_iterations:
 *
 * Returns: how many iterations run from the current one to the last that
 *   holds a story, empty ones included; at least 1
 */
guint
ts_plan_get_n_iterations (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_iterations;
}

/**
 * ts_plan_get_iteration:
 * @index: 0 for the current iteration, 1 for the next, …
 *
 * Returns: (transfer none): the iteration
 */
const TsPlanIteration *
ts_plan_get_iteration (TsPlan *self,
                       guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_iterations, NULL);

  return &self->iterations[index];
}

/**
 * ts_plan_get_n_done:
 *
 * Returns: how many iterations are done: every one before the current one
 */
guint
ts_plan_get_n_done (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_done;
}

/**
 * ts_plan_get_done:
 * @index: 0 for iteration 1, …
 *
 * Returns: (transfer none): the done iteration
 */
const TsPlanIteration *
ts_plan_get_done (TsPlan *self,
                  guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_done, NULL);

  return &self->done[index];
}

/**
 * ts_plan_get_icebox:
 * @n_stories: (out): how many
 *
 * Returns: (array length=n_stories) (transfer none): the ids of the
 *   Icebox's stories, in priority order
 */
const gint64 *
ts_plan_get_icebox (TsPlan *self,
                    guint  *n_stories)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_stories != NULL, NULL);

  *n_stories = self->n_icebox;
  return self->icebox;
}

guint
ts_plan_get_n_releases (TsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_releases;
}

/**
 * ts_plan_get_release:
 * @index: releases are in priority order
 *
 * Returns: (transfer none): the projection of a release that is planned
 */
const TsReleaseProjection *
ts_plan_get_release (TsPlan *self,
                     guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_releases, NULL);

  return &self->releases[index];
}

static gboolean
iteration_holds (const TsPlanIteration *iteration,
                 gint64                 story_id)
{
  for (guint i = 0; i < iteration->n_stories; i++)
    if (iteration->story_ids[i] == story_id)
      return TRUE;
  return FALSE;
}

/**
 * ts_plan_find_story:
 * @story_id: a story's id
 *
 * Where a story landed. A linear search: for tests and single look-ups,
 * not for every row of a view.
 *
 * Returns: the number of its iteration (done or planned), or 0 when it is
 *   in the Icebox or not in the plan
 */
guint
ts_plan_find_story (TsPlan *self,
                    gint64  story_id)
{
  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->n_done; i++)
    if (iteration_holds (&self->done[i], story_id))
      return self->done[i].number;
  for (guint i = 0; i < self->n_iterations; i++)
    if (iteration_holds (&self->iterations[i], story_id))
      return self->iterations[i].number;
  return 0;
}
