/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* Tasks: the `tasks` member of a story, the list `GET …/tasks` answers,
 * and the bodies of a task's add, edit and move. */

#include "ts-json-private.h"

#include "ts-core-error.h"
#include "ts-workflow.h"

enum {
  TASK_SLOT_ID,
  TASK_SLOT_TEXT,
  TASK_SLOT_DONE,
  TASK_SLOT_POSITION,
  N_TASK_SLOTS
};

static const TsJsonMember task_resource_members[] = {
  { "id", TASK_SLOT_ID },
  { "text", TASK_SLOT_TEXT },
  { "done", TASK_SLOT_DONE },
  { "position", TASK_SLOT_POSITION },
};

/**
 * ts_task_to_json:
 *
 * Returns: (transfer full): `{"id", "text", "done", "position"}`
 */
JsonNode *
ts_task_to_json (const TsTask *task)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", task->id);
  json_object_set_string_member (object, "text", task->text);
  json_object_set_boolean_member (object, "done", task->done);
  json_object_set_string_member (object, "position", task->position);
  return ts_json_node_take_object (object);
}

static JsonArray *
tasks_to_array (GPtrArray *tasks)
{
  JsonArray *array = json_array_sized_new (tasks->len);

  for (guint i = 0; i < tasks->len; i++)
    json_array_add_element (array, ts_task_to_json (tasks->pdata[i]));
  return array;
}

/* Sets the story resource's `tasks`, always present: `[]` when none. */
void
ts_json_set_tasks (JsonObject *object,
                   GPtrArray  *tasks)
{
  json_object_set_array_member (object, "tasks", tasks_to_array (tasks));
}

static TsTask *
task_from_json (JsonObject  *object,
                GError     **error)
{
  JsonNode *slots[N_TASK_SLOTS] = { NULL };
  const char *text, *position;
  gint64 id = 0;
  gboolean done = FALSE;

  ts_json_collect_known (object, task_resource_members, N_TASK_SLOTS, slots);
  if (!ts_json_read_id (slots[TASK_SLOT_ID], "id", FALSE, &id, error) ||
      !ts_json_read_string (slots[TASK_SLOT_TEXT], "text", &text, error) ||
      !ts_json_read_boolean (slots[TASK_SLOT_DONE], "done", &done, error) ||
      !ts_json_read_string (slots[TASK_SLOT_POSITION], "position", &position, error))
    return NULL;
  return ts_task_new (id, text, done, position);
}

/* Reads a `tasks` array, in the order of their positions. */
static GPtrArray *
read_task_array (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(GPtrArray) tasks = NULL;
  JsonArray *array;
  guint length;

  if (!ts_json_read_array (node, "tasks", "an array of objects", &array, error))
    return NULL;
  length = json_array_get_length (array);
  tasks = g_ptr_array_new_full (length, (GDestroyNotify) ts_task_free);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      TsTask *task;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          ts_json_set_type_error (error, "tasks", "an array of objects", FALSE);
          return NULL;
        }
      if ((task = task_from_json (json_node_get_object (element), error)) == NULL)
        {
          g_prefix_error (error, "“tasks”[%u]: ", i);
          return NULL;
        }
      g_ptr_array_add (tasks, task);
    }
  ts_task_list_sort (tasks);
  return g_steal_pointer (&tasks);
}

/**
 * ts_json_read_story_tasks:
 * @node: (nullable): a story resource's `tasks` member
 *
 * A story from a server older than tasks has no `tasks`: that reads as no
 * tasks (src/DESIGN.md, Tasks), so such a server keeps working.
 */
gboolean
ts_json_read_story_tasks (JsonNode  *node,
                          TsStory   *story,
                          GError   **error)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (node == NULL)
    return TRUE;
  /* Most stories have none: nothing to make for them. */
  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 0)
    return TRUE;
  if ((tasks = read_task_array (node, error)) == NULL)
    return FALSE;
  if (tasks->len > 0)
    ts_story_set_tasks (story, tasks);
  return TRUE;
}

/**
 * ts_tasks_to_json:
 *
 * Returns: (transfer full): `{"tasks": […]}`, the answer of `GET …/tasks`
 */
JsonNode *
ts_tasks_to_json (GPtrArray *tasks)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (tasks != NULL, NULL);

  json_object_set_array_member (object, "tasks", tasks_to_array (tasks));
  return ts_json_node_take_object (object);
}

/**
 * ts_tasks_from_json:
 * @object: `{"tasks": […]}`
 *
 * Returns: (transfer full) (element-type TsTask) (nullable): the tasks in
 *   order
 */
GPtrArray *
ts_tasks_from_json (JsonObject  *object,
                    GError     **error)
{
  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_task_array (json_object_get_member (object, "tasks"), error);
}

enum {
  REQUEST_SLOT_TEXT,
  REQUEST_SLOT_DONE,
  REQUEST_SLOT_BEFORE_ID,
  REQUEST_SLOT_AFTER_ID,
  REQUEST_SLOT_BASE_VERSION,
  N_REQUEST_SLOTS
};

/* What each kind of request may carry: an add takes a place, an edit a
 * base version, a move only a place. */
static const TsJsonMember add_members[] = {
  { "text", REQUEST_SLOT_TEXT },
  { "done", REQUEST_SLOT_DONE },
  { "before_id", REQUEST_SLOT_BEFORE_ID },
  { "after_id", REQUEST_SLOT_AFTER_ID },
};

static const TsJsonMember edit_members[] = {
  { "text", REQUEST_SLOT_TEXT },
  { "done", REQUEST_SLOT_DONE },
  { "base_version", REQUEST_SLOT_BASE_VERSION },
};

static const TsJsonMember move_members[] = {
  { "before_id", REQUEST_SLOT_BEFORE_ID },
  { "after_id", REQUEST_SLOT_AFTER_ID },
};

static gboolean
read_place (JsonNode      **slots,
            gboolean        required,
            TsTaskRequest  *request,
            GError        **error)
{
  JsonNode *before = slots[REQUEST_SLOT_BEFORE_ID];
  JsonNode *after = slots[REQUEST_SLOT_AFTER_ID];

  if ((before != NULL && after != NULL) || (required && before == NULL && after == NULL))
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           required ? "a move names exactly one of “before_id” and “after_id”"
                                    : "a task names at most one of “before_id” and “after_id”");
      return FALSE;
    }
  return (before == NULL || ts_json_read_id (before, "before_id", FALSE, &request->before_id, error)) &&
         (after == NULL || ts_json_read_id (after, "after_id", FALSE, &request->after_id, error));
}

/**
 * ts_task_request_from_json:
 * @object: the body of a task's add (`POST …/tasks`), edit (`PATCH
 *   …/tasks/:tid`) or move (`POST …/tasks/:tid/move`)
 * @out_request: (out caller-allocates): the request; clear it with
 *   ts_task_request_clear()
 *
 * Returns: %TRUE when the body is one of @kind: an add has a `text`, an
 *   edit changes `text` or `done`, a move names exactly one neighbour
 */
gboolean
ts_task_request_from_json (JsonObject         *object,
                           TsTaskRequestKind   kind,
                           TsTaskRequest      *out_request,
                           GError            **error)
{
  JsonNode *slots[N_REQUEST_SLOTS] = { NULL };
  TsTaskRequest request = { 0 };
  const TsJsonMember *members = kind == TS_TASK_REQUEST_ADD ? add_members
                                : kind == TS_TASK_REQUEST_EDIT ? edit_members : move_members;
  guint n_members = kind == TS_TASK_REQUEST_ADD ? G_N_ELEMENTS (add_members)
                    : kind == TS_TASK_REQUEST_EDIT ? G_N_ELEMENTS (edit_members)
                    : G_N_ELEMENTS (move_members);
  const char *text;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out_request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ts_json_collect_members (object, members, n_members, slots, error))
    return FALSE;

  if (kind == TS_TASK_REQUEST_ADD && slots[REQUEST_SLOT_TEXT] == NULL)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "“text” is required");
      return FALSE;
    }
  if (kind == TS_TASK_REQUEST_EDIT && slots[REQUEST_SLOT_TEXT] == NULL &&
      slots[REQUEST_SLOT_DONE] == NULL)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "nothing to change: the edit names neither “text” nor “done”");
      return FALSE;
    }
  if (slots[REQUEST_SLOT_TEXT] != NULL &&
      (!ts_json_read_string (slots[REQUEST_SLOT_TEXT], "text", &text, error) ||
       !ts_check_task_text (text, error)))
    return FALSE;
  if (slots[REQUEST_SLOT_DONE] != NULL)
    {
      if (!ts_json_read_boolean (slots[REQUEST_SLOT_DONE], "done", &request.done, error))
        return FALSE;
      request.has_done = TRUE;
    }
  if (slots[REQUEST_SLOT_BASE_VERSION] != NULL)
    {
      if (!ts_json_read_int (slots[REQUEST_SLOT_BASE_VERSION], "base_version", 0, G_MAXINT64,
                             FALSE, &request.base_version, error))
        return FALSE;
      request.has_base_version = TRUE;
    }
  if (kind != TS_TASK_REQUEST_EDIT &&
      !read_place (slots, kind == TS_TASK_REQUEST_MOVE, &request, error))
    return FALSE;

  if (slots[REQUEST_SLOT_TEXT] != NULL)
    request.text = g_strdup (text);
  *out_request = request;
  return TRUE;
}

/**
 * ts_task_request_to_json:
 *
 * Returns: (transfer full): the body of the request, with what it holds
 */
JsonNode *
ts_task_request_to_json (const TsTaskRequest *request)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (request != NULL, NULL);

  if (request->text != NULL)
    json_object_set_string_member (object, "text", request->text);
  if (request->has_done)
    json_object_set_boolean_member (object, "done", request->done);
  if (request->before_id > 0)
    json_object_set_int_member (object, "before_id", request->before_id);
  if (request->after_id > 0)
    json_object_set_int_member (object, "after_id", request->after_id);
  if (request->has_base_version)
    json_object_set_int_member (object, "base_version", request->base_version);
  return ts_json_node_take_object (object);
}

void
ts_task_request_clear (TsTaskRequest *request)
{
  g_clear_pointer (&request->text, g_free);
}
