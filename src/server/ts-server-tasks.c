/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* The routes of a story's tasks (doc/api.md, Tasks). Every change answers
 * the whole story, which carries the new version and every task, as its
 * stories-update event does. */

#include "ts-server-private.h"

#include "ts-store.h"

#define PROJECT_ID(request) ((request)->ids[0])
#define STORY_ID(request) ((request)->ids[1])
#define TASK_ID(request) ((request)->ids[2])

static void
finish_task_change (TsRequest *request,
                    TsChange  *change,
                    GError    *error,
                    guint      status)
{
  g_autoptr(JsonNode) answer = NULL;

  if (change == NULL)
    {
      ts_request_fail_change (request, error);
      return;
    }
  answer = ts_story_to_json (change->story);
  ts_request_finish_change (request, status, answer, PROJECT_ID (request), change);
}

/* Reads the body as a task request of @kind, or answers the error. */
static gboolean
read_task_request (TsRequest         *request,
                   TsTaskRequestKind  kind,
                   TsTaskRequest     *out_task_request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  if ((body = ts_request_body_object (request)) == NULL)
    return FALSE;
  if (!ts_task_request_from_json (body, kind, out_task_request, &error))
    {
      ts_request_respond_error (request, error);
      return FALSE;
    }
  return TRUE;
}

/* GET /projects/:id/stories/:sid/tasks */
void
ts_server_handle_tasks_list (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = ts_store_list_tasks (request->server->store, request->user_id,
                                                    PROJECT_ID (request), STORY_ID (request),
                                                    &error);
  g_autoptr(JsonNode) answer = NULL;

  if (tasks == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  answer = ts_tasks_to_json (tasks);
  ts_request_respond_json (request, SOUP_STATUS_OK, answer);
}

/* POST /projects/:id/stories/:sid/tasks: a create, so it honours
 * Idempotency-Key (a task added from the outbox twice is made once). */
void
ts_server_handle_tasks_add (TsRequest *request)
{
  TsTaskRequest add = { 0 };
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (ts_request_replay_idempotent (request) ||
      !read_task_request (request, TS_TASK_REQUEST_ADD, &add))
    return;
  if (ts_request_begin (request))
    {
      change = ts_store_add_task (request->server->store, request->user_id, PROJECT_ID (request),
                                  STORY_ID (request), &add, &error);
      finish_task_change (request, change, error, SOUP_STATUS_CREATED);
    }
  ts_task_request_clear (&add);
}

/* The 409 of a task edit: as a story's (doc/api.md, Concurrent edits),
 * with the task's fields at odds and its id. */
static void
respond_task_conflict (TsRequest     *request,
                       TsStory       *current,
                       GStrv          conflicts,
                       const GError  *error)
{
  g_autoptr(JsonNode) answer = ts_error_to_json ("conflict", error->message);
  JsonObject *object = json_node_get_object (answer);
  JsonArray *fields = json_array_new ();

  for (guint i = 0; conflicts[i] != NULL; i++)
    json_array_add_string_element (fields, conflicts[i]);
  json_object_set_member (object, "story", ts_story_to_json (current));
  json_object_set_array_member (object, "conflicts", fields);
  json_object_set_int_member (object, "task_id", TASK_ID (request));
  ts_request_respond_json (request, SOUP_STATUS_CONFLICT, answer);
}

/* PATCH /projects/:id/stories/:sid/tasks/:tid */
void
ts_server_handle_task_edit (TsRequest *request)
{
  TsStore *store = request->server->store;
  TsTaskRequest edit = { 0 };
  g_autoptr(TsChange) change = NULL;
  g_autoptr(TsStory) current = NULL;
  g_auto(GStrv) conflicts = NULL;
  GError *error = NULL;

  if (!read_task_request (request, TS_TASK_REQUEST_EDIT, &edit))
    return;
  if (ts_request_begin (request))
    {
      change = ts_store_edit_task (store, request->user_id, PROJECT_ID (request),
                                   STORY_ID (request), TASK_ID (request), &edit, &current,
                                   &conflicts, &error);
      if (change == NULL && g_error_matches (error, TS_STORE_ERROR, TS_STORE_ERROR_CONFLICT))
        {
          ts_store_rollback (store);
          respond_task_conflict (request, current, conflicts, error);
          g_error_free (error);
        }
      else
        finish_task_change (request, change, error, SOUP_STATUS_OK);
    }
  ts_task_request_clear (&edit);
}

/* POST /projects/:id/stories/:sid/tasks/:tid/move */
void
ts_server_handle_task_move (TsRequest *request)
{
  TsTaskRequest move = { 0 };
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (ts_request_replay_idempotent (request) ||
      !read_task_request (request, TS_TASK_REQUEST_MOVE, &move))
    return;
  if (ts_request_begin (request))
    {
      change = ts_store_move_task (request->server->store, request->user_id, PROJECT_ID (request),
                                   STORY_ID (request), TASK_ID (request), &move, &error);
      finish_task_change (request, change, error, SOUP_STATUS_OK);
    }
  ts_task_request_clear (&move);
}

/* DELETE /projects/:id/stories/:sid/tasks/:tid */
void
ts_server_handle_task_delete (TsRequest *request)
{
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (!ts_request_begin (request))
    return;
  change = ts_store_delete_task (request->server->store, request->user_id, PROJECT_ID (request),
                                 STORY_ID (request), TASK_ID (request), &error);
  finish_task_change (request, change, error, SOUP_STATUS_OK);
}
