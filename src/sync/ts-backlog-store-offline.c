/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-store"

/*
 * The backlog store's offline side (src/DESIGN.md, *Local copy* and
 * *Outbox*):
 *
 * - **The copy.** The stories each applied change touched are remembered
 *   (ts_store_offline_note()), and once the store's version has advanced
 *   their server state (never the pending edits laid over it) is handed to
 *   the local copy's worker with the new version: the main thread only
 *   copies objects, the worker writes the JSON.
 * - **The outbox.** An edit is written (and synced) before it is shown,
 *   and forgotten once the server answered it, took it or refused it. A
 *   held delete is written as undoable; on the next launch it is sent, as
 *   the toast that could have undone it is gone.
 */

#include "ts-backlog-store-private.h"

struct _TsStoreOffline
{
  TsLocalCopy *copy;          /* nullable */
  TsOutbox *outbox;           /* nullable */
  GHashTable *dirty;          /* story ids changed since the last write */
  gboolean project_dirty;
  gboolean all_dirty;         /* a new point scale re-mapped every estimate */
  GHashTable *held_rows;      /* story id → the outbox row of its held delete */
};

TsStoreOffline *
ts_store_offline_new (TsLocalCopy *copy,
                      TsOutbox    *outbox)
{
  TsStoreOffline *self = g_new0 (TsStoreOffline, 1);

  self->copy = copy != NULL ? g_object_ref (copy) : NULL;
  self->outbox = outbox != NULL ? g_object_ref (outbox) : NULL;
  self->dirty = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->held_rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return self;
}

void
ts_store_offline_free (TsStoreOffline *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->copy);
  g_clear_object (&self->outbox);
  g_hash_table_unref (self->dirty);
  g_hash_table_unref (self->held_rows);
  g_free (self);
}

TsLocalCopy *
ts_store_offline_get_copy (TsStoreOffline *self)
{
  return self != NULL ? self->copy : NULL;
}

TsOutbox *
ts_store_offline_get_outbox (TsStoreOffline *self)
{
  return self != NULL ? self->outbox : NULL;
}

/* The copy */

void
ts_store_offline_note (TsStoreOffline *self,
                       TsChange       *change)
{
  gint64 id = 0;

  if (self == NULL || self->copy == NULL)
    return;
  switch (change->kind)
    {
    case TS_EVENT_STORIES_CREATE:
    case TS_EVENT_STORIES_UPDATE:
    case TS_EVENT_STORIES_MOVE:
      id = ts_story_get_id (change->story);
      break;
    case TS_EVENT_STORIES_DESTROY:
      id = change->id;
      break;
    case TS_EVENT_PROJECTS_UPDATE:
      /* A new point scale maps every estimate in the same change. */
      self->all_dirty = TRUE;
      break;
    case TS_EVENT_ITERATIONS_UPDATE:
      self->project_dirty = TRUE;
      break;
    default:
      break;
    }
  if (id != 0)
    g_hash_table_add (self->dirty, g_memdup2 (&id, sizeof id));
}

void
ts_store_offline_replace (TsStoreOffline *self,
                          TsBacklogStore *store)
{
  g_autoptr(GPtrArray) stories = NULL;

  if (self == NULL || self->copy == NULL)
    return;
  g_hash_table_remove_all (self->dirty);
  self->project_dirty = self->all_dirty = FALSE;
  stories = ts_backlog_store_dup_server_stories (store);
  ts_local_copy_replace_project (self->copy, ts_backlog_store_get_project (store),
                                 (TsStory * const *) stories->pdata, stories->len,
                                 ts_backlog_store_get_version (store));
}

/* The stories the changes since the last write touched, as the server has
 * them now, and the store's version. */
void
ts_store_offline_commit (TsStoreOffline *self,
                         TsBacklogStore *store)
{
  g_autoptr(GPtrArray) stories = NULL;
  g_autoptr(GArray) deleted = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self == NULL || self->copy == NULL)
    return;
  if (self->all_dirty)
    {
      ts_store_offline_replace (self, store);
      return;
    }
  stories = g_ptr_array_new ();
  deleted = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      TsStory *story = ts_backlog_store_get_server_story (store, *(gint64 *) key);

      if (story != NULL)
        g_ptr_array_add (stories, story);
      else
        g_array_append_val (deleted, *(gint64 *) key);
    }
  /* The project record carries the version, so it is written every time. */
  ts_local_copy_apply (self->copy, ts_backlog_store_get_project_id (store),
                       ts_backlog_store_get_project (store), stories, deleted,
                       ts_backlog_store_get_version (store));
  g_hash_table_remove_all (self->dirty);
  self->project_dirty = FALSE;
}

void
ts_store_offline_put_members (TsStoreOffline *self,
                              TsBacklogStore *store)
{
  GHashTable *table;
  g_autoptr(GPtrArray) users = NULL;
  GHashTableIter iter;
  gpointer value;

  if (self == NULL || self->copy == NULL)
    return;
  table = ts_project_members_get_table (ts_backlog_store_get_members (store));
  users = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (users, g_object_ref (value));
  ts_local_copy_put_members (self->copy, ts_backlog_store_get_project_id (store), users);
}

/* The outbox */

/**
 * ts_store_offline_keep:
 *
 * Writes @edit to the outbox before it is shown. An outbox that cannot
 * write (a full disk) is said in the log, and the edit still goes: it is
 * only as durable as it was before there was an outbox.
 */
gboolean
ts_store_offline_keep (TsStoreOffline *self,
                       gint64          project_id,
                       TsLocalEdit    *edit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  if (self == NULL || self->outbox == NULL || edit->outbox_id != 0)
    return FALSE;
  json = ts_local_edit_to_json (edit, FALSE);
  edit->outbox_id = ts_outbox_add (self->outbox, project_id, json, &error);
  if (edit->outbox_id == 0)
    g_warning ("An edit of story %" G_GINT64_FORMAT " is not kept for the next launch: %s",
               edit->story_id, error->message);
  return edit->outbox_id != 0;
}

/* The server answered @edit (took it, or refused it), or it became moot:
 * it is not sent again. */
void
ts_store_offline_forget (TsStoreOffline *self,
                         TsLocalEdit    *edit)
{
  if (self == NULL || self->outbox == NULL || edit->outbox_id == 0)
    return;
  ts_outbox_remove (self->outbox, edit->outbox_id);
  edit->outbox_id = 0;
}

gboolean
ts_store_offline_hold (TsStoreOffline *self,
                       gint64          project_id,
                       gint64          story_id)
{
  g_autoptr(TsLocalEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 row;

  if (self == NULL || self->outbox == NULL)
    return FALSE;
  edit = ts_local_edit_new (TS_EDIT_DELETE, story_id);
  json = ts_local_edit_to_json (edit, TRUE);
  row = ts_outbox_add (self->outbox, project_id, json, &error);
  if (row == 0)
    {
      g_warning ("The held delete of story %" G_GINT64_FORMAT " is not kept: %s", story_id,
                 error->message);
      return FALSE;
    }
  g_hash_table_replace (self->held_rows, g_memdup2 (&story_id, sizeof story_id),
                        g_memdup2 (&row, sizeof row));
  return TRUE;
}

/* The held delete was sent (its own edit is in the outbox now) or kept. */
void
ts_store_offline_release (TsStoreOffline *self,
                          gint64          story_id)
{
  gint64 *row;

  if (self == NULL || self->outbox == NULL)
    return;
  row = g_hash_table_lookup (self->held_rows, &story_id);
  if (row == NULL)
    return;
  ts_outbox_remove (self->outbox, *row);
  g_hash_table_remove (self->held_rows, &story_id);
}

/**
 * ts_store_offline_restore:
 *
 * Reads back the project's edits from the outbox, oldest first. A held
 * delete is now a delete to send: the toast that could undo it is gone.
 * A row that is not an edit is dropped with a warning; it could never be
 * sent.
 *
 * Returns: (transfer container) (element-type TsLocalEdit): the edits
 */
GPtrArray *
ts_store_offline_restore (TsStoreOffline *self,
                          gint64          project_id,
                          TsPointScale    scale)
{
  GPtrArray *edits = g_ptr_array_new_with_free_func (ts_local_edit_unref);
  g_autoptr(GPtrArray) entries = NULL;

  if (self == NULL || self->outbox == NULL)
    return edits;
  entries = ts_outbox_list (self->outbox, project_id);
  for (guint i = 0; i < entries->len; i++)
    {
      TsOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) error = NULL;
      gboolean undoable = FALSE;
      TsLocalEdit *edit = ts_local_edit_from_json (entry->json, scale, &undoable, &error);

      if (edit == NULL)
        {
          g_warning ("Edit %" G_GINT64_FORMAT " of the outbox is dropped: %s", entry->id,
                     error->message);
          ts_outbox_remove (self->outbox, entry->id);
          continue;
        }
      if (undoable)
        {
          g_autofree char *json = ts_local_edit_to_json (edit, FALSE);

          if (!ts_outbox_replace (self->outbox, entry->id, json, &error))
            g_warning ("%s", error->message);
        }
      edit->outbox_id = entry->id;
      g_ptr_array_add (edits, edit);
    }
  return edits;
}

/**
 * ts_store_offline_drop_project:
 *
 * Forgets the copy and the waiting edits of a project the user can no
 * longer see.
 *
 * Returns: how many edits were dropped
 */
guint
ts_store_offline_drop_project (TsStoreOffline *self,
                               gint64          project_id)
{
  if (self == NULL)
    return 0;
  if (self->copy != NULL)
    ts_local_copy_drop_project (self->copy, project_id);
  g_hash_table_remove_all (self->held_rows);
  return self->outbox != NULL ? ts_outbox_drop_project (self->outbox, project_id) : 0;
}
