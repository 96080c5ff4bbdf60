/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-store"

/*
 * TsLocalEdit: one change of the backlog store's, and how it is written to
 * the outbox (a JSON object) and read back on the next launch.
 *
 * Everything needed to send it again is written: the kind, the story, the
 * fields and their values as the request's JSON (fields by name, so that a
 * new field in a later version cannot change the meaning of an old row;
 * read back as the server reads it, against the project's point scale),
 * the place, the base version and the Idempotency-Key. What only matters while running
 * (retries, the answer's version) is not.
 */

#include "ts-local-edit.h"

#include "ts-json.h"

static const char * const kind_names[] = { "create", "update", "move", "delete", "task" };
static const char * const task_op_names[] = { "add", "edit", "move", "delete" };

static void
ts_local_edit_free (gpointer data)
{
  TsLocalEdit *edit = data;

  g_clear_object (&edit->values);
  g_free (edit->position);
  g_free (edit->idempotency_key);
  ts_task_request_clear (&edit->task);
}

TsLocalEdit *
ts_local_edit_new (TsEditKind kind,
                   gint64     story_id)
{
  TsLocalEdit *edit = g_rc_box_new0 (TsLocalEdit);

  edit->kind = kind;
  edit->story_id = story_id;
  return edit;
}

TsLocalEdit *
ts_local_edit_ref (TsLocalEdit *edit)
{
  return g_rc_box_acquire (edit);
}

void
ts_local_edit_unref (gpointer edit)
{
  g_rc_box_release_full (edit, ts_local_edit_free);
}

/**
 * ts_local_edit_to_json:
 * @undoable: a held delete, not sent yet
 *
 * Returns: the edit as the outbox keeps it
 */
char *
ts_local_edit_to_json (TsLocalEdit *edit,
                       gboolean     undoable)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "kind", kind_names[edit->kind]);
  json_object_set_int_member (object, "story_id", edit->story_id);
  if (undoable)
    json_object_set_boolean_member (object, "undoable", TRUE);
  if (edit->values != NULL)
    {
      g_autoptr(TsStoryPatch) patch = ts_story_patch_new ();

      patch->fields = edit->fields;
      g_set_object (&patch->values, edit->values);
      json_object_set_member (object, "values", ts_story_patch_to_json (patch));
    }
  if (edit->position != NULL)
    json_object_set_string_member (object, "position", edit->position);
  if (edit->move.before_id != 0 || edit->move.after_id != 0 || edit->move.has_state)
    json_object_set_member (object, "move", ts_move_request_to_json (&edit->move));
  if (edit->base_version != 0)
    json_object_set_int_member (object, "base_version", edit->base_version);
  if (edit->idempotency_key != NULL)
    json_object_set_string_member (object, "idempotency_key", edit->idempotency_key);
  if (edit->kind == TS_EDIT_TASK)
    {
      json_object_set_string_member (object, "task_op", task_op_names[edit->task_op]);
      json_object_set_int_member (object, "task_id", edit->task_id);
      json_object_set_member (object, "task", ts_task_request_to_json (&edit->task));
    }
  json_node_set_object (node, object);
  return ts_json_to_string (node);
}

static gboolean
invalid (GError     **error,
         const char  *what)
{
  g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
               "An edit in the outbox has %s", what);
  return FALSE;
}

static gboolean
read_kind (JsonObject *object,
           TsEditKind *kind,
           GError    **error)
{
  const char *name = json_object_get_string_member_with_default (object, "kind", "");

  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (name, kind_names[i]))
      {
        *kind = i;
        return TRUE;
      }
  return invalid (error, "no known kind");
}

/* What each kind cannot be sent without. */
static gboolean
complete (TsLocalEdit *edit,
          GError     **error)
{
  switch (edit->kind)
    {
    case TS_EDIT_CREATE:
      if (edit->values == NULL || edit->idempotency_key == NULL)
        return invalid (error, "a create without its story or key");
      return TRUE;
    case TS_EDIT_UPDATE:
      if (edit->values == NULL || edit->fields == TS_STORY_FIELD_NONE || edit->story_id <= 0)
        return invalid (error, "an update without its fields");
      return TRUE;
    case TS_EDIT_MOVE:
      if (edit->story_id <= 0 || (edit->move.before_id == 0 && edit->move.after_id == 0))
        return invalid (error, "a move without a neighbour");
      return TRUE;
    case TS_EDIT_TASK:
      if (edit->story_id <= 0 || (edit->task_op != TS_TASK_OP_ADD && edit->task_id == 0) ||
          (edit->task_op == TS_TASK_OP_ADD && edit->task.text == NULL))
        return invalid (error, "a task's change without its task");
      return TRUE;
    case TS_EDIT_DELETE:
    default:
      if (edit->story_id <= 0)
        return invalid (error, "a delete without its story");
      return TRUE;
    }
}

/**
 * ts_local_edit_from_json:
 * @scale: the project's point scale, which an estimate must be of
 * @undoable: (out): whether it is a held delete
 *
 * Returns: (transfer full): the edit, or %NULL when the row is not one
 */
static gboolean
read_values (JsonObject   *object,
             TsPointScale  scale,
             TsLocalEdit  *edit,
             GError      **error)
{
  g_autoptr(TsStoryPatch) patch = NULL;

  if (!json_object_has_member (object, "values"))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "values")))
    return invalid (error, "values that are not an object");
  patch = ts_story_patch_from_json (json_object_get_object_member (object, "values"), scale, error);
  if (patch == NULL)
    return FALSE;
  edit->fields = patch->fields;
  edit->values = g_steal_pointer (&patch->values);
  return TRUE;
}

/* A task's change: its op, its task and its request, read as the server
 * reads the request (an edit's, which takes anything a change sends;
 * places are checked by the server). */
static gboolean
read_task (JsonObject   *object,
           TsLocalEdit  *edit,
           GError      **error)
{
  const char *op = json_object_get_string_member_with_default (object, "task_op", "");
  g_autoptr(JsonObject) body = NULL;
  JsonNode *node = json_object_get_member (object, "task");
  gboolean found = FALSE;

  if (edit->kind != TS_EDIT_TASK)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (task_op_names); i++)
    if (g_str_equal (op, task_op_names[i]))
      {
        edit->task_op = i;
        found = TRUE;
      }
  if (!found || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "a task's change of no known kind");
  edit->task_id = json_object_get_int_member_with_default (object, "task_id", 0);
  edit->local_task_id = edit->task_id;
  body = json_object_ref (json_node_get_object (node));
  if (json_object_get_size (body) == 0)
    return TRUE;
  return ts_task_request_from_json (body, edit->task_op == TS_TASK_OP_ADD ? TS_TASK_REQUEST_ADD
                                          : edit->task_op == TS_TASK_OP_MOVE ? TS_TASK_REQUEST_MOVE
                                          : TS_TASK_REQUEST_EDIT, &edit->task, error);
}

TsLocalEdit *
ts_local_edit_from_json (const char    *json,
                         TsPointScale   scale,
                         gboolean      *undoable,
                         GError       **error)
{
  g_autoptr(JsonObject) object = ts_json_parse_object (json, -1, error);
  TsLocalEdit *edit;
  TsEditKind kind;

  if (object == NULL || !read_kind (object, &kind, error))
    return NULL;
  edit = ts_local_edit_new (kind, json_object_get_int_member_with_default (object, "story_id", 0));
  *undoable = json_object_get_boolean_member_with_default (object, "undoable", FALSE);
  edit->position = g_strdup (json_object_get_string_member_with_default (object, "position", NULL));
  edit->base_version = json_object_get_int_member_with_default (object, "base_version", 0);
  edit->idempotency_key =
    g_strdup (json_object_get_string_member_with_default (object, "idempotency_key", NULL));
  if (!read_values (object, scale, edit, error) ||
      !read_task (object, edit, error) ||
      (json_object_has_member (object, "move") &&
       (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "move")) ||
        !ts_move_request_from_json (json_object_get_object_member (object, "move"), &edit->move,
                                    error))) ||
      !complete (edit, error))
    {
      ts_local_edit_unref (edit);
      return NULL;
    }
  return edit;
}
