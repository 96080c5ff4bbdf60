/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * TsStoryList: a project's stories in priority order (ascending position,
 * doc/api.md *Ordering*), as a GListModel. Every change says exactly which
 * rows it touched, so a list view re-binds only those: an insert is
 * (i, 0, 1), a removal (i, 1, 0), and a move a removal and an insert, or
 * nothing when the story keeps its place.
 *
 * The list holds the very TsStory objects the backlog store updates in
 * place; a changed title is a property notification, not an
 * items-changed.
 *
 * Beside the stories it keeps their TsPlanningTable, row for row in the
 * same order, so that the store's plan after each change reads a compact
 * table instead of every story object (DESIGN.md, Planner). Inserts,
 * removals, moves and reloads keep it by themselves; whoever changes a
 * listed story's planning fields in place (type, estimate, state,
 * deadline, accepted_at) calls ts_story_list_refresh() after.
 */

#include "ts-story-list.h"

#include <string.h>

struct _TsStoryList
{
  GObject parent_instance;

  GPtrArray *items;
  TsPlanningTable *table;  /* row i is items[i]'s */
};

static void ts_story_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TsStoryList, ts_story_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ts_story_list_model_init))

static GType
ts_story_list_get_item_type (GListModel *model)
{
  return TS_TYPE_STORY;
}

static guint
ts_story_list_get_n_items (GListModel *model)
{
  return TS_STORY_LIST (model)->items->len;
}

static gpointer
ts_story_list_get_item (GListModel *model,
                        guint       position)
{
  TsStoryList *self = TS_STORY_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ts_story_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ts_story_list_get_item_type;
  iface->get_n_items = ts_story_list_get_n_items;
  iface->get_item = ts_story_list_get_item;
}

static void
ts_story_list_finalize (GObject *object)
{
  TsStoryList *self = TS_STORY_LIST (object);

  g_ptr_array_unref (self->items);
  ts_planning_table_free (self->table);

  G_OBJECT_CLASS (ts_story_list_parent_class)->finalize (object);
}

static void
ts_story_list_class_init (TsStoryListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_story_list_finalize;
}

static void
ts_story_list_init (TsStoryList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->table = ts_planning_table_new ();
}

TsStoryList *
ts_story_list_new (void)
{
  return g_object_new (TS_TYPE_STORY_LIST, NULL);
}

/**
 * ts_story_list_peek:
 *
 * The stories in priority order, for the planner, which reads them all.
 * Valid until the list next changes.
 */
TsStory * const *
ts_story_list_peek (TsStoryList *self,
                    guint       *n_stories)
{
  g_return_val_if_fail (TS_IS_STORY_LIST (self), NULL);

  *n_stories = self->items->len;
  return (TsStory * const *) self->items->pdata;
}

/* The order: position bytewise, then id, so that two stories that share a
 * position (only ever briefly, while a local move waits for the server)
 * still have one place each. */
static int
compare_key (const char *position_a,
             gint64      id_a,
             TsStory    *b)
{
  const char *position_b = ts_story_get_position (b);
  int order = strcmp (position_a != NULL ? position_a : "",
                      position_b != NULL ? position_b : "");

  if (order != 0)
    return order;
  return (id_a > ts_story_get_id (b)) - (id_a < ts_story_get_id (b));
}

static int
compare_stories (gconstpointer a,
                 gconstpointer b)
{
  TsStory *story_a = *(TsStory **) a;

  return compare_key (ts_story_get_position (story_a), ts_story_get_id (story_a),
                      *(TsStory **) b);
}

/* The index of the first item not before the key. */
static guint
lower_bound (TsStoryList *self,
             const char  *position,
             gint64       id)
{
  guint low = 0;
  guint high = self->items->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (compare_key (position, id, g_ptr_array_index (self->items, middle)) > 0)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

gboolean
ts_story_list_find (TsStoryList *self,
                    TsStory     *story,
                    guint       *out_index)
{
  guint index;

  g_return_val_if_fail (TS_IS_STORY_LIST (self), FALSE);

  index = lower_bound (self, ts_story_get_position (story), ts_story_get_id (story));
  if (index >= self->items->len || g_ptr_array_index (self->items, index) != story)
    return FALSE;
  if (out_index != NULL)
    *out_index = index;
  return TRUE;
}

/**
 * ts_story_list_insert:
 *
 * Adds @story at the place its position gives it.
 *
 * Returns: the index it went to
 */
guint
ts_story_list_insert (TsStoryList *self,
                      TsStory     *story)
{
  guint index;

  g_return_val_if_fail (TS_IS_STORY_LIST (self), 0);
  g_return_val_if_fail (TS_IS_STORY (story), 0);

  index = lower_bound (self, ts_story_get_position (story), ts_story_get_id (story));
  g_ptr_array_insert (self->items, index, g_object_ref (story));
  ts_planning_table_insert (self->table, index, story);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 0, 1);
  return index;
}

gboolean
ts_story_list_remove (TsStoryList *self,
                      TsStory     *story)
{
  guint index;

  g_return_val_if_fail (TS_IS_STORY_LIST (self), FALSE);

  if (!ts_story_list_find (self, story, &index))
    return FALSE;
  g_ptr_array_remove_index (self->items, index);
  ts_planning_table_remove (self->table, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
  return TRUE;
}

/**
 * ts_story_list_reposition:
 *
 * Gives @story (which must be in the list) a new @position and moves it to
 * its new place. A story that stays between the same neighbours changes
 * no index, and nothing is announced but the property.
 */
void
ts_story_list_reposition (TsStoryList *self,
                          TsStory     *story,
                          const char  *position)
{
  guint from;
  guint to;

  g_return_if_fail (TS_IS_STORY_LIST (self));

  if (g_strcmp0 (ts_story_get_position (story), position) == 0)
    return;
  if (!ts_story_list_find (self, story, &from))
    {
      g_critical ("ts_story_list_reposition: story %" G_GINT64_FORMAT " is not in the list",
                  ts_story_get_id (story));
      return;
    }

  /* Its new index, counted without the story itself. */
  to = lower_bound (self, position, ts_story_get_id (story));
  if (to > from)
    to--;

  if (to == from)
    {
      ts_story_set_position (story, position);
      return;
    }

  g_object_ref (story);
  g_ptr_array_remove_index (self->items, from);
  ts_planning_table_remove (self->table, from);
  g_list_model_items_changed (G_LIST_MODEL (self), from, 1, 0);
  ts_story_set_position (story, position);
  g_ptr_array_insert (self->items, to, story);
  ts_planning_table_insert (self->table, to, story);
  g_list_model_items_changed (G_LIST_MODEL (self), to, 0, 1);
}

/**
 * ts_story_list_replace_all:
 * @stories: (transfer none): stories in priority order
 *
 * Replaces everything, as after a full reload.
 */
void
ts_story_list_replace_all (TsStoryList *self,
                           GPtrArray   *stories)
{
  guint removed;

  g_return_if_fail (TS_IS_STORY_LIST (self));

  removed = self->items->len;
  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; i < stories->len; i++)
    g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (stories, i)));
  /* The server sends them in order; sorting costs little and keeps the
   * binary searches right whatever came in. */
  g_ptr_array_sort (self->items, compare_stories);
  ts_planning_table_replace (self->table, (TsStory * const *) self->items->pdata,
                             self->items->len);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
}

/**
 * ts_story_list_refresh:
 * @story: a story in the list whose planning fields changed in place
 *
 * Reads @story's planning row again.
 */
void
ts_story_list_refresh (TsStoryList *self,
                       TsStory     *story)
{
  guint index;

  g_return_if_fail (TS_IS_STORY_LIST (self));

  if (!ts_story_list_find (self, story, &index))
    {
      g_critical ("ts_story_list_refresh: story %" G_GINT64_FORMAT " is not in the list",
                  ts_story_get_id (story));
      return;
    }
  ts_planning_table_update (self->table, index, story);
}

/**
 * ts_story_list_refresh_all:
 *
 * Reads every story's planning row again, after a change to many (a new
 * point scale maps every estimate).
 */
void
ts_story_list_refresh_all (TsStoryList *self)
{
  g_return_if_fail (TS_IS_STORY_LIST (self));

  ts_planning_table_replace (self->table, (TsStory * const *) self->items->pdata,
                             self->items->len);
}

/**
 * ts_story_list_peek_planning_table:
 *
 * The planning rows of the stories, in the list's order, for the planner.
 * Valid until the list next changes.
 */
const TsPlanningTable *
ts_story_list_peek_planning_table (TsStoryList *self)
{
  g_return_val_if_fail (TS_IS_STORY_LIST (self), NULL);

  return self->table;
}
