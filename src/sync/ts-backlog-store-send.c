/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-store"

/*
 * The backlog store's edits on their way (src/DESIGN.md, *Backlog store*):
 * each sent with its base version or Idempotency-Key, sent again after a
 * network failure, and its answer taken (queued by the version it made),
 * refused (rolled back, kept for Retry) or a conflict.
 */

#include "ts-backlog-store-private.h"

/* The answer to an edit's request comes back with the store and the edit. */
typedef struct {
  TsBacklogStore *store;
  TsLocalEdit *edit;
} EditRequest;

static EditRequest *
edit_request_new (TsBacklogStore *self,
                  TsLocalEdit      *edit)
{
  EditRequest *request = g_new (EditRequest, 1);

  request->store = g_object_ref (self);
  request->edit = ts_local_edit_ref (edit);
  return request;
}

static void
edit_request_free (EditRequest *request)
{
  g_object_unref (request->store);
  ts_local_edit_unref (request->edit);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditRequest, edit_request_free)

static void send_held_edits (TsBacklogStore *self,
                             gint64          story_id);

/* Edits */

static TsSyncOperation
operation_of (TsLocalEdit *edit)
{
  switch (edit->kind)
    {
    case TS_EDIT_CREATE:
      return TS_SYNC_OPERATION_CREATE;
    case TS_EDIT_UPDATE:
      return TS_SYNC_OPERATION_UPDATE;
    case TS_EDIT_MOVE:
      return TS_SYNC_OPERATION_MOVE;
    case TS_EDIT_TASK:
      return TS_SYNC_OPERATION_UPDATE;
    case TS_EDIT_DELETE:
    default:
      return TS_SYNC_OPERATION_DELETE;
    }
}

/* The edit is rolled back and reported as a code, the field the server
 * named, the operation and the story's title; it is kept for Retry. */
static void
fail_edit (TsBacklogStore *self,
           TsLocalEdit      *edit,
           const GError   *error)
{
  TsStory *shown = ts_id_table_lookup (self->by_id, edit->story_id);
  const char *title = shown != NULL ? ts_story_get_title (shown)
                      : edit->values != NULL ? ts_story_get_title (edit->values)
                      : NULL;
  g_autoptr(GError) failure = NULL;
  gint64 story_id = edit->story_id;

  if (error->domain == TS_SYNC_ERROR)
    failure = g_error_copy (error);
  else
    failure = g_error_new_literal (TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL, error->message);
  ts_sync_error_set_operation (failure, operation_of (edit));
  ts_sync_error_set_subject (failure, title);
  g_message ("Story %" G_GINT64_FORMAT ": the server refused a change: %s", story_id,
             failure->message);

  edit->done = TRUE;
  ts_store_offline_forget (self->offline, edit);
  g_hash_table_replace (self->failed, g_memdup2 (&story_id, sizeof story_id),
                        ts_local_edit_ref (edit));
  g_ptr_array_remove (self->edits, edit);
  ts_backlog_store_refresh_story (self, story_id);
  ts_backlog_store_schedule_flush (self, TRUE);
  ts_backlog_store_notify_pending (self);
  ts_backlog_store_emit_edit_failed (self, story_id, failure);
}

/* The server took @edit; @change is its answer, applied in version order. */
static void
settle_edit (TsBacklogStore *self,
             TsLocalEdit      *edit,
             TsChange       *change)
{
  edit->settled_version = change->version;
  /* Taken: the history has it now, whatever happens to this process. */
  ts_store_offline_forget (self->offline, edit);
  ts_backlog_store_enqueue (self, change, TRUE);
  ts_backlog_store_schedule_flush (self, TRUE);
}

static TsChange *
story_change (TsEventKind  kind,
              TsStory     *story)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsChange *change = ts_change_new (kind, ts_story_get_version (story), 0, now);

  change->id = ts_story_get_id (story);
  change->story = g_object_ref (story);
  return change;
}

/* Whether an answer still matters: not after a close, nor for an edit
 * that a deletion made moot. */
static gboolean
edit_answer_matters (EditRequest  *request,
                     const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  return request->store->status == TS_BACKLOG_STORE_READY && !request->edit->done;
}

/* A change that could not reach the server is kept (still shown) and sent
 * again: after a growing delay, and at once when the realtime socket is
 * back. A retried create carries the same Idempotency-Key, so a create
 * whose answer was lost is not made twice. A 5xx is such a case too: the
 * 502 of a proxy whose server died with the request (or that has none
 * up) says as little about the change as a reset connection, and the
 * server's own 500 is a failure of the server's, not of the change. */
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 30000

static gboolean
retry_cb (gpointer user_data)
{
  EditRequest *request = user_data;

  request->edit->retry_source = 0;
  if (request->store->status == TS_BACKLOG_STORE_READY && !request->edit->done)
    ts_backlog_store_send_edit (request->store, request->edit);
  return G_SOURCE_REMOVE;
}

static gboolean
retry_later (TsBacklogStore *self,
             TsLocalEdit      *edit,
             const GError   *error)
{
  guint delay;

  if (!g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NETWORK) &&
      !g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_SERVER))
    return FALSE;

  delay = MIN (RETRY_MAX_MS, RETRY_FIRST_MS << MIN (edit->attempts, 5));
  edit->attempts++;
  g_debug ("Sending a change to story %" G_GINT64_FORMAT " again in %u ms: %s",
           edit->story_id, delay, error->message);
  edit->retry_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay, retry_cb,
                                           edit_request_new (self, edit),
                                           (GDestroyNotify) edit_request_free);
  return TRUE;
}

void
ts_backlog_store_retry_waiting_edits (TsBacklogStore *self)
{
  for (guint i = 0; i < self->edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      if (edit->retry_source != 0)
        {
          g_clear_handle_id (&edit->retry_source, g_source_remove);
          ts_backlog_store_send_edit (self, edit);
        }
    }
}

void
ts_backlog_store_cancel_retries (TsBacklogStore *self)
{
  for (guint i = 0; i < self->edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      g_clear_handle_id (&edit->retry_source, g_source_remove);
    }
}

static void
story_answer_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(EditRequest) request = user_data;
  TsBacklogStore *self = request->store;
  TsLocalEdit *edit = request->edit;
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GError) error = NULL;
  TsEventKind kind = TS_EVENT_STORIES_MOVE;

  if (edit->kind == TS_EDIT_CREATE)
    {
      story = ts_api_client_create_story_finish (self->api, result, &error);
      kind = TS_EVENT_STORIES_CREATE;
    }
  else
    story = ts_api_client_move_story_finish (self->api, result, &error);

  if (!edit_answer_matters (request, error))
    return;
  if (story == NULL)
    {
      gint64 story_id = edit->story_id;

      if (!retry_later (self, edit, error))
        {
          fail_edit (self, edit, error);
          send_held_edits (self, story_id);
        }
      return;
    }

  {
    g_autoptr(TsChange) change = story_change (kind, story);

    settle_edit (self, edit, change);
    send_held_edits (self, edit->story_id);
  }
}

/* Own updates */

static void
remember_own_update (TsBacklogStore *self,
                     TsLocalEdit      *edit,
                     gint64          version)
{
  OwnUpdate own = { edit->story_id, edit->fields, edit->base_version, version };

  if (self->own_updates->len == OWN_UPDATES_KEPT)
    g_array_remove_index (self->own_updates, 0);
  g_array_append_val (self->own_updates, own);
}

/* The base version to send @edit with: raised past this client's own
 * answered updates of the same fields. An update the server took proves
 * that nobody else changed its fields between its base and its version
 * (that would have been a 409), so an edit of no other fields, based at
 * or after that base, cannot miss anyone's change by starting after it. */
static gint64
effective_base_version (TsBacklogStore *self,
                        TsLocalEdit      *edit)
{
  gint64 base = edit->base_version;
  gboolean raised = TRUE;

  while (raised)
    {
      raised = FALSE;
      for (guint i = 0; i < self->own_updates->len; i++)
        {
          OwnUpdate *own = &g_array_index (self->own_updates, OwnUpdate, i);

          if (own->story_id == edit->story_id && (edit->fields & ~own->fields) == 0 &&
              own->base_version <= base && base < own->version)
            {
              base = own->version;
              raised = TRUE;
            }
        }
    }
  return base;
}

/* Whether @edit waits for the answer to an earlier edit of its story:
 * - an update of the same fields, whose version becomes its base (see
 *   effective_base_version());
 * - any edit read back from the outbox: those were made in order and go
 *   in order, one answer at a time, or an update then a delete of one
 *   story could reach the server the other way round. */
static gboolean
edit_must_wait (TsBacklogStore *self,
                TsLocalEdit      *edit)
{
  for (guint i = 0; i < self->edits->len; i++)
    {
      TsLocalEdit *earlier = g_ptr_array_index (self->edits, i);

      if (earlier == edit)
        return FALSE;
      if (earlier->story_id != edit->story_id || earlier->done || earlier->settled_version != 0)
        continue;
      if (earlier->restored)
        return TRUE;
      if (earlier->kind == TS_EDIT_UPDATE && edit->kind == TS_EDIT_UPDATE &&
          (earlier->fields & edit->fields))
        return TRUE;
      /* Changes of one task go one answer at a time, in order: sent
       * together, a tick then a reopen could land the other way round,
       * and a change of a task being added needs its real id. */
      if (earlier->kind == TS_EDIT_TASK && edit->kind == TS_EDIT_TASK &&
          earlier->local_task_id == edit->local_task_id)
        return TRUE;
    }
  return FALSE;
}

/* An edit of @story_id was answered: the ones it held go. */
static void
send_held_edits (TsBacklogStore *self,
                 gint64          story_id)
{
  for (guint i = 0; i < self->edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      if (edit->held && edit->story_id == story_id && !edit_must_wait (self, edit))
        {
          edit->held = FALSE;
          ts_backlog_store_send_edit (self, edit);
        }
    }
}

static void
emit_conflict (TsBacklogStore *self,
               TsLocalEdit      *edit,
               TsStory        *theirs,
               TsStoryFields   fields)
{
  TsStoryConflict conflict = { 0, };
  TsStory *server = ts_backlog_store_get_server_story (self, edit->story_id);

  conflict.story_id = edit->story_id;
  conflict.mine = ts_story_copy (server != NULL ? server : theirs);
  ts_story_apply (conflict.mine, edit->values, edit->fields);
  conflict.theirs = theirs;
  conflict.fields = fields;
  conflict.my_fields = edit->fields;

  ts_backlog_store_emit_conflict (self, &conflict);
  g_object_unref (conflict.mine);
}

static void
update_answer_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(EditRequest) request = user_data;
  TsBacklogStore *self = request->store;
  TsLocalEdit *edit = request->edit;
  g_autoptr(TsStory) story = NULL;
  g_autoptr(TsStory) theirs = NULL;
  g_autoptr(GError) error = NULL;
  TsStoryFields conflicts = TS_STORY_FIELD_NONE;

  story = ts_api_client_update_story_finish (self->api, result, &theirs, &conflicts, &error);
  if (!edit_answer_matters (request, error))
    return;

  if (story != NULL)
    {
      g_autoptr(TsChange) change = story_change (TS_EVENT_STORIES_UPDATE, story);

      remember_own_update (self, edit, ts_story_get_version (story));
      settle_edit (self, edit, change);
      send_held_edits (self, edit->story_id);
      return;
    }

  if (theirs != NULL && edit->restored &&
      ts_story_diff (theirs, edit->values, edit->fields) == TS_STORY_FIELD_NONE)
    {
      /* Sent before the app was stopped and taken then, its answer lost:
       * the story has these values already, so it is done, not a
       * conflict with itself. */
      g_autoptr(TsChange) change = story_change (TS_EVENT_STORIES_UPDATE, theirs);

      settle_edit (self, edit, change);
      send_held_edits (self, edit->story_id);
      return;
    }
  if (theirs != NULL)
    {
      /* Someone changed the same fields first: the story shows their
       * version (the catch-up brings it in order) and the app asks. */
      gint64 story_id = edit->story_id;

      emit_conflict (self, edit, theirs, conflicts);
      edit->done = TRUE;
      ts_store_offline_forget (self->offline, edit);
      g_ptr_array_remove (self->edits, edit);
      ts_backlog_store_refresh_story (self, story_id);
      ts_backlog_store_schedule_flush (self, TRUE);
      ts_backlog_store_notify_pending (self);
      ts_backlog_store_catch_up (self);
      send_held_edits (self, story_id);
      return;
    }
  if (!retry_later (self, edit, error))
    {
      gint64 story_id = edit->story_id;

      fail_edit (self, edit, error);
      send_held_edits (self, story_id);
    }
}

static void
delete_answer_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(EditRequest) request = user_data;
  TsBacklogStore *self = request->store;
  TsLocalEdit *edit = request->edit;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(TsChange) change = NULL;
  gint64 version = 0;

  if (!ts_api_client_delete_story_finish (self->api, result, &version, &error))
    {
      if (!edit_answer_matters (request, error) || retry_later (self, edit, error))
        return;
      if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND))
        {
          /* Gone already (someone else, or a retry whose first answer was
           * lost): the history brings the deletion. */
          edit->done = TRUE;
          ts_store_offline_forget (self->offline, edit);
          ts_backlog_store_catch_up (self);
          send_held_edits (self, edit->story_id);
          return;
        }
      fail_edit (self, edit, error);
      send_held_edits (self, edit->story_id);
      return;
    }
  if (!edit_answer_matters (request, NULL))
    return;

  change = ts_change_new (TS_EVENT_STORIES_DESTROY, version, 0, now);
  change->id = edit->story_id;
  change->story_id = edit->story_id;
  settle_edit (self, edit, change);
  send_held_edits (self, edit->story_id);
}

/* The answer to a task change: the whole story at the version it made. A
 * task or story gone meanwhile (404) makes the change moot: the history
 * brings the deletion. */
static void
task_answer_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(EditRequest) request = user_data;
  TsBacklogStore *self = request->store;
  TsLocalEdit *edit = request->edit;
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GError) error = NULL;

  story = ts_api_client_change_task_finish (self->api, result, &error);
  if (!edit_answer_matters (request, error))
    return;
  if (story == NULL)
    {
      if (retry_later (self, edit, error))
        return;
      if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND))
        {
          edit->done = TRUE;
          ts_store_offline_forget (self->offline, edit);
          ts_backlog_store_catch_up (self);
        }
      else
        fail_edit (self, edit, error);
      send_held_edits (self, edit->story_id);
      return;
    }

  {
    g_autoptr(TsChange) change = story_change (TS_EVENT_STORIES_UPDATE, story);

    if (edit->task_op == TS_TASK_OP_ADD)
      ts_backlog_store_name_added_task (self, edit, story);
    settle_edit (self, edit, change);
    send_held_edits (self, edit->story_id);
  }
}

void
ts_backlog_store_send_edit (TsBacklogStore *self,
           TsLocalEdit      *edit)
{
  EditRequest *request;

  if (edit_must_wait (self, edit))
    {
      edit->held = TRUE;
      return;
    }
  if (edit->kind == TS_EDIT_TASK && edit->task_op != TS_TASK_OP_ADD && edit->task_id <= 0)
    {
      /* A change of a task whose add the server refused: nothing to change. */
      edit->done = TRUE;
      ts_store_offline_forget (self->offline, edit);
      ts_backlog_store_refresh_story (self, edit->story_id);
      ts_backlog_store_notify_pending (self);
      return;
    }
  request = edit_request_new (self, edit);
  switch (edit->kind)
    {
    case TS_EDIT_CREATE:
      {
        g_autoptr(TsStoryPatch) values = ts_story_patch_new ();

        values->fields = edit->fields;
        g_set_object (&values->values, edit->values);
        ts_api_client_create_story_async (self->api, self->project_id, values,
                                          edit->move.before_id != 0 || edit->move.after_id != 0
                                            ? &edit->move : NULL,
                                          edit->idempotency_key, self->cancellable,
                                          story_answer_cb, request);
      }
      break;
    case TS_EDIT_UPDATE:
      {
        g_autoptr(TsStoryPatch) patch = ts_story_patch_new ();

        patch->fields = edit->fields;
        g_set_object (&patch->values, edit->values);
        patch->has_base_version = TRUE;
        patch->base_version = effective_base_version (self, edit);
        ts_api_client_update_story_async (self->api, self->project_id, edit->story_id, patch,
                                          self->cancellable, update_answer_cb, request);
      }
      break;
    case TS_EDIT_MOVE:
      ts_api_client_move_story_async (self->api, self->project_id, edit->story_id, &edit->move,
                                      edit->idempotency_key,
                                      self->cancellable, story_answer_cb, request);
      break;
    case TS_EDIT_DELETE:
      ts_api_client_delete_story_async (self->api, self->project_id, edit->story_id,
                                        self->cancellable, delete_answer_cb, request);
      break;
    case TS_EDIT_TASK:
      ts_api_client_change_task_async (self->api, self->project_id, edit->story_id, edit->task_op,
                                       edit->task_id, &edit->task, edit->idempotency_key,
                                       self->cancellable, task_answer_cb, request);
      break;
    }
}

