/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-store"

#include "ts-backlog-store-private.h"

#include "ts-sync-error.h"

/*
 * What a person does to a backlog beyond sending edits, kept by the store
 * so that every window on the project reads one copy:
 *
 * - **Held deletes.** A delete from the backlog waits while it can be
 *   undone (the app's toast): the story is left out of the backlog model
 *   (ts_backlog_store_is_held()) and sent when the app says so.
 * - **Undo.** The person's last moves, state changes and deletes
 *   (TsUndoStack). A delete is undone only while held; once sent its entry
 *   is gone, so Ctrl+Z does not blame a story nobody touched.
 * - **Marks.** A story someone else changed is marked for MARK_MS, for the
 *   row's brief highlight.
 */

#define MARK_MS 1500

static gint64 *
id_dup (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

/* Held deletes */

/**
 * ts_backlog_store_hold_delete:
 *
 * Deletes @story_id from the person's point of view: the backlog model
 * leaves it out and Undo can bring it back, but nothing is sent until
 * ts_backlog_store_send_delete() (or the store closes).
 *
 * Returns: whether the story was there to delete
 */
gboolean
ts_backlog_store_hold_delete (TsBacklogStore *self,
                              gint64          story_id)
{
  GHashTable *held;
  TsUndoEntry entry = { TS_UNDO_DELETE, story_id, 0, 0, FALSE, 0 };

  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  held = ts_backlog_store_get_held_table (self);
  if (story_id <= 0 || ts_backlog_store_get_status (self) != TS_BACKLOG_STORE_READY ||
      ts_backlog_store_lookup (self, story_id) == NULL || g_hash_table_contains (held, &story_id))
    return FALSE;
  ts_backlog_store_keep_held (self, story_id);
  g_hash_table_add (held, id_dup (story_id));
  ts_undo_stack_push (ts_backlog_store_get_undo_stack (self), &entry);
  ts_backlog_store_emit_held_changed (self, story_id);
  return TRUE;
}

gboolean
ts_backlog_store_is_held (TsBacklogStore *self,
                          gint64          story_id)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  return g_hash_table_contains (ts_backlog_store_get_held_table (self), &story_id);
}

guint
ts_backlog_store_get_n_held (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), 0);

  return g_hash_table_size (ts_backlog_store_get_held_table (self));
}

/**
 * ts_backlog_store_send_delete:
 *
 * Sends a held delete: it can no longer be undone.
 *
 * Returns: whether @story_id was held
 */
gboolean
ts_backlog_store_send_delete (TsBacklogStore *self,
                              gint64          story_id)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  if (!g_hash_table_remove (ts_backlog_store_get_held_table (self), &story_id))
    return FALSE;
  ts_undo_stack_forget_delete (ts_backlog_store_get_undo_stack (self), story_id);
  ts_backlog_store_delete_story (self, story_id);
  /* Only now: the delete's own edit is in the outbox, so a crash in
   * between sends it once rather than not at all. */
  ts_backlog_store_release_held (self, story_id);
  ts_backlog_store_emit_held_changed (self, story_id);
  return TRUE;
}

/**
 * ts_backlog_store_keep_story:
 *
 * Takes a held delete back (its toast's Undo).
 *
 * Returns: whether @story_id was held
 */
gboolean
ts_backlog_store_keep_story (TsBacklogStore *self,
                             gint64          story_id)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  if (!g_hash_table_remove (ts_backlog_store_get_held_table (self), &story_id))
    return FALSE;
  ts_undo_stack_forget_delete (ts_backlog_store_get_undo_stack (self), story_id);
  ts_backlog_store_release_held (self, story_id);
  ts_backlog_store_emit_held_changed (self, story_id);
  return TRUE;
}

/**
 * ts_backlog_store_send_held_deletes:
 *
 * Sends every held delete (the window is closing or hidden, where nobody
 * can undo).
 *
 * Returns: (transfer full) (element-type gint64): the ids sent
 */
GArray *
ts_backlog_store_send_held_deletes (TsBacklogStore *self)
{
  GHashTableIter iter;
  gpointer key;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), ids);

  g_hash_table_iter_init (&iter, ts_backlog_store_get_held_table (self));
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);
  for (guint i = 0; i < ids->len; i++)
    ts_backlog_store_send_delete (self, g_array_index (ids, gint64, i));
  return ids;
}

/* Undo */

/* Its neighbours in priority order now, to put it back there. */
static void
remember_place (TsBacklogStore *self,
                gint64          story_id,
                TsUndoEntry    *entry)
{
  GListModel *stories = ts_backlog_store_get_stories (self);
  TsStory *story = ts_backlog_store_lookup (self, story_id);
  guint n = g_list_model_get_n_items (stories);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TsStory) item = g_list_model_get_item (stories, i);

      if (item != story)
        continue;
      if (i > 0)
        {
          g_autoptr(TsStory) above = g_list_model_get_item (stories, i - 1);

          entry->after_id = ts_story_get_id (above);
        }
      if (i + 1 < n)
        {
          g_autoptr(TsStory) below = g_list_model_get_item (stories, i + 1);

          entry->before_id = ts_story_get_id (below);
        }
      return;
    }
}

/**
 * ts_backlog_store_change_state:
 *
 * Changes a story's state as a row's button or a key does: Undo can take
 * it back.
 */
void
ts_backlog_store_change_state (TsBacklogStore *self,
                               gint64          story_id,
                               TsStoryState    state)
{
  TsStory *story;
  g_autoptr(TsStory) values = NULL;
  TsUndoEntry entry = { TS_UNDO_STATE, story_id, 0, 0, TRUE, 0 };

  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  story = ts_backlog_store_lookup (self, story_id);
  if (story == NULL || story_id <= 0 || ts_story_get_state (story) == state)
    return;
  entry.state = ts_story_get_state (story);
  ts_undo_stack_push (ts_backlog_store_get_undo_stack (self), &entry);
  values = ts_story_copy (story);
  ts_story_set_state (values, state);
  ts_backlog_store_update_story (self, story_id, TS_STORY_FIELD_STATE, values);
}

/**
 * ts_backlog_store_drop_story:
 *
 * Moves a story as a drag and drop does: Undo can put it back between its
 * old neighbours, in its old state.
 */
void
ts_backlog_store_drop_story (TsBacklogStore      *self,
                             gint64               story_id,
                             const TsMoveRequest *move)
{
  TsStory *story;
  TsUndoEntry entry = { TS_UNDO_MOVE, story_id, 0, 0, FALSE, 0 };

  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail (move != NULL);

  story = ts_backlog_store_lookup (self, story_id);
  if (story == NULL || story_id <= 0)
    return;
  entry.state_changed = move->has_state;
  entry.state = ts_story_get_state (story);
  remember_place (self, story_id, &entry);
  ts_undo_stack_push (ts_backlog_store_get_undo_stack (self), &entry);
  ts_backlog_store_move_story (self, story_id, move);
}

static gboolean
other_story_there (TsBacklogStore *self,
                   gint64          id,
                   gint64          story_id)
{
  return id > 0 && id != story_id && ts_backlog_store_lookup (self, id) != NULL &&
         !ts_backlog_store_is_held (self, id);
}

static gboolean
undo_move (TsBacklogStore    *self,
           const TsUndoEntry *entry,
           TsStory           *story)
{
  TsMoveRequest move = { 0, };

  /* Next to the old neighbour above, else the one below, whichever is
   * still there. */
  if (other_story_there (self, entry->after_id, entry->story_id))
    move.after_id = entry->after_id;
  else if (other_story_there (self, entry->before_id, entry->story_id))
    move.before_id = entry->before_id;
  else
    return FALSE;
  if (entry->state_changed && entry->state != ts_story_get_state (story))
    {
      if (!ts_story_state_change_allowed (ts_story_get_story_type (story),
                                          ts_story_get_state (story), entry->state))
        return FALSE;
      move.has_state = TRUE;
      move.state = entry->state;
    }
  ts_backlog_store_move_story (self, entry->story_id, &move);
  return TRUE;
}

static gboolean
undo_state (TsBacklogStore    *self,
            const TsUndoEntry *entry,
            TsStory           *story)
{
  g_autoptr(TsStory) values = NULL;

  if (ts_story_get_state (story) == entry->state)
    return TRUE;
  if (!ts_story_state_change_allowed (ts_story_get_story_type (story), ts_story_get_state (story),
                                      entry->state))
    return FALSE;
  values = ts_story_copy (story);
  ts_story_set_state (values, entry->state);
  ts_backlog_store_update_story (self, entry->story_id, TS_STORY_FIELD_STATE, values);
  return TRUE;
}

/**
 * ts_backlog_store_undo:
 * @out_story_id: (out) (optional): the story the undo was about
 *
 * Takes back the person's last move, state change or held delete.
 *
 * Returns: %TRUE when it was taken back; otherwise @error is
 *   %TS_SYNC_ERROR_NOTHING_TO_UNDO, or %TS_SYNC_ERROR_UNDO_STALE when the
 *   story was changed since in a way that cannot be taken back
 */
gboolean
ts_backlog_store_undo (TsBacklogStore  *self,
                       gint64          *out_story_id,
                       GError         **error)
{
  TsUndoEntry entry;
  TsStory *story;
  gboolean undone = FALSE;

  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (ts_backlog_store_get_status (self) != TS_BACKLOG_STORE_READY ||
      !ts_undo_stack_pop (ts_backlog_store_get_undo_stack (self), &entry))
    {
      g_set_error_literal (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOTHING_TO_UNDO,
                           "Nothing to undo");
      return FALSE;
    }
  if (out_story_id != NULL)
    *out_story_id = entry.story_id;

  story = ts_backlog_store_lookup (self, entry.story_id);
  if (entry.kind == TS_UNDO_DELETE)
    undone = ts_backlog_store_keep_story (self, entry.story_id);
  else if (story != NULL)
    undone = entry.kind == TS_UNDO_MOVE ? undo_move (self, &entry, story)
                                        : undo_state (self, &entry, story);
  if (!undone)
    {
      GError *stale = g_error_new (TS_SYNC_ERROR, TS_SYNC_ERROR_UNDO_STALE,
                                   "Story %" G_GINT64_FORMAT " changed since; it cannot be undone",
                                   entry.story_id);

      if (story != NULL)
        ts_sync_error_set_subject (stale, ts_story_get_title (story));
      g_propagate_error (error, stale);
      return FALSE;
    }
  return TRUE;
}

guint
ts_backlog_store_get_n_undo (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), 0);

  return ts_undo_stack_get_length (ts_backlog_store_get_undo_stack (self));
}

/* Marks */

typedef struct {
  TsBacklogStore *store;   /* not owned: the mark goes with it */
  gint64 story_id;
} Mark;

static gboolean
mark_done_cb (gpointer user_data)
{
  Mark *mark = user_data;
  TsBacklogStore *self = mark->store;

  g_hash_table_remove (ts_backlog_store_get_marks_table (self), &mark->story_id);
  ts_backlog_store_emit_mark_changed (self, mark->story_id, FALSE);
  return G_SOURCE_REMOVE;
}

/* Someone else changed @story_id: marked for MARK_MS (again, if it
 * was). */
void
ts_backlog_store_mark (TsBacklogStore *self,
                       gint64          story_id)
{
  GHashTable *marks = ts_backlog_store_get_marks_table (self);
  guint source = GPOINTER_TO_UINT (g_hash_table_lookup (marks, &story_id));
  Mark *mark;

  if (source != 0)
    g_source_remove (source);
  mark = g_new (Mark, 1);
  mark->store = self;
  mark->story_id = story_id;
  source = g_timeout_add_full (G_PRIORITY_DEFAULT, MARK_MS, mark_done_cb, mark, g_free);
  g_hash_table_replace (marks, id_dup (story_id), GUINT_TO_POINTER (source));
  ts_backlog_store_emit_mark_changed (self, story_id, TRUE);
}

void
ts_backlog_store_clear_marks (TsBacklogStore *self)
{
  GHashTable *marks = ts_backlog_store_get_marks_table (self);
  GHashTableIter iter;
  gpointer source;

  if (marks == NULL)
    return;
  g_hash_table_iter_init (&iter, marks);
  while (g_hash_table_iter_next (&iter, NULL, &source))
    g_source_remove (GPOINTER_TO_UINT (source));
  g_hash_table_remove_all (marks);
}

/**
 * ts_backlog_store_is_marked:
 *
 * Returns: whether someone else changed @story_id a moment ago
 */
gboolean
ts_backlog_store_is_marked (TsBacklogStore *self,
                            gint64          story_id)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  return g_hash_table_contains (ts_backlog_store_get_marks_table (self), &story_id);
}
