/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-planning-table"

/*
 * TsPlanningTable: what the planner reads of each story of a backlog, in
 * priority order, kept beside the stories by whoever owns them and
 * updated on each change. A plan of 100,000 stories made from the story
 * objects spent half its time waiting for each object's first cache line
 * (they lie scattered over the heap); from the table it reads a few
 * compact arrays in order. An owner that plans once in a while (the
 * server's `GET …/plan`) builds one for the plan; the backlog store keeps
 * one through every change, since it plans after each.
 */

#include "ts-planning-table-private.h"

#include "ts-story-private.h"

#include <string.h>

TsPlanningTable *
ts_planning_table_new (void)
{
  return g_new0 (TsPlanningTable, 1);
}

void
ts_planning_table_free (TsPlanningTable *self)
{
  if (self == NULL)
    return;
  g_free (self->ids);
  g_free (self->rows);
  g_free (self->accepted_at);
  g_free (self->deadlines);
  g_free (self);
}

static void
reserve (TsPlanningTable *self,
         guint            n_rows)
{
  guint capacity;

  if (n_rows <= self->capacity)
    return;
  capacity = MAX (n_rows, MAX (64, self->capacity * 2));
  self->ids = g_renew (gint64, self->ids, capacity);
  self->rows = g_renew (TsPlanningRow, self->rows, capacity);
  self->accepted_at = g_renew (gint64, self->accepted_at, capacity);
  self->deadlines = g_renew (TsDay, self->deadlines, capacity);
  self->capacity = capacity;
}

/* Reads @story into row @index. */
static void
fill_row (TsPlanningTable *self,
          guint            index,
          const TsStory   *story)
{
  TsPlanningRow row = { 0 };

  /* A value beyond a byte (none of the enums') becomes 255, which the
   * planner takes as it took any unknown type or state: no points, work
   * in progress. */
  row.estimate = story->estimate;
  row.story_type = MIN ((guint) story->story_type, G_MAXUINT8);
  row.state = MIN ((guint) story->state, G_MAXUINT8);
  self->ids[index] = story->id;
  self->rows[index] = row;
  self->accepted_at[index] = story->accepted_at != NULL
    ? g_date_time_to_unix (story->accepted_at)
    : TS_PLANNING_NO_MOMENT;
  self->deadlines[index] = story->deadline;
}

/* Moves rows [@from, @from + @n) to start at @to, in every array. */
static void
shift_rows (TsPlanningTable *self,
            guint            from,
            guint            to,
            guint            n)
{
  memmove (self->ids + to, self->ids + from, n * sizeof (gint64));
  memmove (self->rows + to, self->rows + from, n * sizeof (TsPlanningRow));
  memmove (self->accepted_at + to, self->accepted_at + from, n * sizeof (gint64));
  memmove (self->deadlines + to, self->deadlines + from, n * sizeof (TsDay));
}

/* Stories ahead of the one being read are fetched early: 100,000 story
 * objects lie scattered over the heap, the loop does little with each,
 * and waiting for one object after another from memory was most of the
 * time of a pass over them. */
#define PREFETCH_DISTANCE 16

static inline void
prefetch_story (TsStory * const *stories,
                guint            n_stories,
                guint            i)
{
#if defined(__GNUC__)
  if (i < n_stories)
    __builtin_prefetch (stories[i]);
#endif
}

/**
 * ts_planning_table_new_from_stories:
 * @stories: (array length=n_stories): stories in priority order
 *
 * Returns: (transfer full): their table
 */
TsPlanningTable *
ts_planning_table_new_from_stories (TsStory * const *stories,
                                    guint            n_stories)
{
  TsPlanningTable *self = ts_planning_table_new ();

  ts_planning_table_replace (self, stories, n_stories);
  return self;
}

guint
ts_planning_table_get_n_rows (const TsPlanningTable *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_rows;
}

/**
 * ts_planning_table_insert:
 * @index: where @story now is in the owner's order (at most the number of
 *   rows)
 *
 * Adds @story's row at @index, after a story was added there.
 */
void
ts_planning_table_insert (TsPlanningTable *self,
                          guint            index,
                          TsStory         *story)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index <= self->n_rows);
  g_return_if_fail (TS_IS_STORY (story));

  reserve (self, self->n_rows + 1);
  shift_rows (self, index, index + 1, self->n_rows - index);
  fill_row (self, index, story);
  self->n_rows++;
}

void
ts_planning_table_remove (TsPlanningTable *self,
                          guint            index)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->n_rows);

  shift_rows (self, index + 1, index, self->n_rows - index - 1);
  self->n_rows--;
}

/**
 * ts_planning_table_update:
 * @index: @story's index in the owner's order
 *
 * Reads @story's row again, after it changed.
 */
void
ts_planning_table_update (TsPlanningTable *self,
                          guint            index,
                          TsStory         *story)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->n_rows);
  g_return_if_fail (TS_IS_STORY (story));

  fill_row (self, index, story);
}

/**
 * ts_planning_table_replace:
 * @stories: (array length=n_stories): stories in priority order
 *
 * Reads every row again, as after a reload.
 */
void
ts_planning_table_replace (TsPlanningTable *self,
                           TsStory * const *stories,
                           guint            n_stories)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (stories != NULL || n_stories == 0);

  reserve (self, n_stories);
  for (guint i = 0; i < n_stories; i++)
    {
      prefetch_story (stories, n_stories, i + PREFETCH_DISTANCE);
      fill_row (self, i, stories[i]);
    }
  self->n_rows = n_stories;
}

/**
 * ts_planning_table_equal:
 * @out_first_difference: (out) (optional): the first row that differs,
 *   or the shorter table's length
 *
 * For tests: whether two tables hold the same rows, in the same order.
 */
gboolean
ts_planning_table_equal (const TsPlanningTable *a,
                         const TsPlanningTable *b,
                         guint                 *out_first_difference)
{
  guint n = MIN (a->n_rows, b->n_rows);
  guint i;

  for (i = 0; i < n; i++)
    {
      if (a->ids[i] != b->ids[i] ||
          a->rows[i].estimate != b->rows[i].estimate ||
          a->rows[i].story_type != b->rows[i].story_type ||
          a->rows[i].state != b->rows[i].state ||
          a->accepted_at[i] != b->accepted_at[i] ||
          a->deadlines[i] != b->deadlines[i])
        break;
    }
  if (out_first_difference != NULL)
    *out_first_difference = i;
  return i == n && a->n_rows == b->n_rows;
}
