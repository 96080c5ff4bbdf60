/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* Changes: the data of realtime events and the entries of the change
 * history (doc/api.md, *Realtime events*). */

#include "ts-json-private.h"

#include <string.h>

#include "ts-core-error.h"

/* Whether @change holds what its kind writes, so a writer never has to
 * make up a member. */
static gboolean
change_is_complete (TsChange *change)
{
  if (change->at == NULL || ts_event_kind_to_string (change->kind) == NULL)
    return FALSE;
  if (change->thin)
    return TRUE;

  switch (change->kind)
    {
    case TS_EVENT_STORIES_CREATE:
    case TS_EVENT_STORIES_UPDATE:
    case TS_EVENT_STORIES_MOVE:
      return TS_IS_STORY (change->story);
    case TS_EVENT_PROJECTS_UPDATE:
      return TS_IS_PROJECT (change->project);
    case TS_EVENT_ITERATIONS_UPDATE:
      return change->iteration != NULL;
    case TS_EVENT_COMMENTS_CREATE:
      return TS_IS_COMMENT (change->comment);
    case TS_EVENT_STORIES_DESTROY:
    case TS_EVENT_COMMENTS_DESTROY:
    case TS_EVENT_PROJECTS_DESTROY:
    case TS_EVENT_STORIES_IMPORT:
    default:
      return TRUE;
    }
}

/* Writes what a change of @change's kind carries beyond the header. */
static void
write_change_body (JsonObject *object,
                   TsChange   *change)
{
  JsonObject *iteration;

  switch (change->kind)
    {
    case TS_EVENT_STORIES_CREATE:
    case TS_EVENT_STORIES_UPDATE:
    case TS_EVENT_STORIES_MOVE:
      json_object_set_member (object, "story", ts_story_to_json (change->story));
      break;

    case TS_EVENT_PROJECTS_UPDATE:
      json_object_set_member (object, "project", ts_project_to_json (change->project));
      break;

    case TS_EVENT_ITERATIONS_UPDATE:
      /* Like every changed object, the iteration carries the version its
       * change produced (doc/api.md, *Conventions*). */
      iteration = json_object_new ();
      ts_json_set_override (iteration, change->iteration);
      json_object_set_int_member (iteration, "version", change->version);
      json_object_set_object_member (object, "iteration", iteration);
      break;

    case TS_EVENT_COMMENTS_CREATE:
      json_object_set_member (object, "comment", ts_comment_to_json (change->comment));
      break;

    case TS_EVENT_STORIES_DESTROY:
      json_object_set_int_member (object, "id", change->id);
      json_object_set_int_member (object, "story_id", change->id);
      json_object_set_string_member (object, "title", change->title != NULL ? change->title : "");
      break;

    case TS_EVENT_COMMENTS_DESTROY:
      json_object_set_int_member (object, "id", change->id);
      json_object_set_int_member (object, "story_id", change->story_id);
      json_object_set_string_member (object, "title", change->title != NULL ? change->title : "");
      break;

    case TS_EVENT_PROJECTS_DESTROY:
      json_object_set_int_member (object, "id", change->id);
      break;

    case TS_EVENT_STORIES_IMPORT:
      json_object_set_int_member (object, "count", change->count);
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * ts_change_to_json:
 * @change: a change
 * @with_name: whether to add the event's `name`, as the change history
 *   does
 *
 * Returns: (transfer full): the event's data object: `version`,
 *   `actor_id`, `at` and the changed object, or the thin form
 */
JsonNode *
ts_change_to_json (TsChange *change,
                   gboolean  with_name)
{
  JsonObject *object;

  g_return_val_if_fail (change != NULL, NULL);
  g_return_val_if_fail (change_is_complete (change), NULL);

  object = json_object_new ();
  if (with_name)
    json_object_set_string_member (object, "name", ts_event_kind_to_string (change->kind));
  json_object_set_int_member (object, "version", change->version);
  json_object_set_int_member (object, "actor_id", change->actor_id);
  ts_json_set_timestamp (object, "at", change->at);

  if (change->thin)
    {
      json_object_set_int_member (object, "id", change->id);
      json_object_set_boolean_member (object, "thin", TRUE);
    }
  else
    {
      write_change_body (object, change);
    }

  return ts_json_node_take_object (object);
}

/**
 * ts_change_to_string_with_story:
 * @change: a story's create, update or move, not thin
 * @story_text: @change's story as ts_json_to_string() writes it
 *
 * The text of ts_change_to_json (@change, %FALSE) made with the story's
 * text written already: the server writes a story's JSON into its row
 * and the change record holds the same object, so it is written once.
 * The header is written here as ts_json_to_string() writes it (a
 * timestamp needs no escape), and the story comes last.
 *
 * Returns: (transfer full): compact JSON text
 */
char *
ts_change_to_string_with_story (TsChange   *change,
                                const char *story_text)
{
  g_autofree char *at = NULL;
  GString *out;

  g_return_val_if_fail (change != NULL && !change->thin, NULL);
  g_return_val_if_fail (change->kind == TS_EVENT_STORIES_CREATE ||
                        change->kind == TS_EVENT_STORIES_UPDATE ||
                        change->kind == TS_EVENT_STORIES_MOVE, NULL);
  g_return_val_if_fail (change->at != NULL && story_text != NULL, NULL);

  at = ts_timestamp_to_string (change->at);
  out = g_string_sized_new (96 + strlen (story_text));
  g_string_append_printf (out, "{\"version\":%" G_GINT64_FORMAT ",\"actor_id\":%" G_GINT64_FORMAT
                          ",\"at\":\"%s\",\"story\":", change->version, change->actor_id, at);
  g_string_append (out, story_text);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/**
 * ts_change_to_event_data:
 * @change: a change
 *
 * The `data` of the change's realtime event. When the full form would be
 * over the realtime service's limit of %TS_EVENT_DATA_MAX_BYTES, the thin
 * form is sent instead and clients fetch the change.
 *
 * Returns: (transfer full): compact JSON text
 */
char *
ts_change_to_event_data (TsChange *change)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(TsChange) thin = NULL;
  g_autofree char *data = NULL;

  g_return_val_if_fail (change != NULL, NULL);

  node = ts_change_to_json (change, FALSE);
  g_return_val_if_fail (node != NULL, NULL);
  data = ts_json_to_string (node);
  if (strlen (data) <= TS_EVENT_DATA_MAX_BYTES)
    return g_steal_pointer (&data);

  thin = ts_change_new_thin (change);
  g_clear_pointer (&node, json_node_unref);
  node = ts_change_to_json (thin, FALSE);
  return ts_json_to_string (node);
}

/* Reads the object member @name of @object, naming it in any error of
 * @read_object. */
static gpointer
read_nested (JsonObject        *object,
             const char        *name,
             TsJsonItemReader   read_object,
             GError           **error)
{
  JsonObject *nested;
  gpointer item;

  if (!ts_json_read_object (json_object_get_member (object, name), name, &nested, error))
    return NULL;

  item = read_object (nested, error);
  if (item == NULL)
    g_prefix_error (error, "“%s”: ", name);
  return item;
}

static gboolean
read_iteration (JsonObject  *object,
                TsChange    *change,
                GError     **error)
{
  TsIterationOverride override;
  JsonObject *nested;

  if (!ts_json_read_object (json_object_get_member (object, "iteration"), "iteration",
                            &nested, error))
    return FALSE;
  if (!ts_iteration_override_from_json (nested, &override, error))
    {
      g_prefix_error (error, "“iteration”: ");
      return FALSE;
    }

  change->iteration = ts_iteration_override_copy (&override);
  change->id = override.number;
  return TRUE;
}

static gboolean
read_destroyed (JsonObject  *object,
                TsChange    *change,
                gboolean     with_story,
                GError     **error)
{
  const char *title;

  if (!ts_json_read_id (json_object_get_member (object, "id"), "id", FALSE, &change->id, error))
    return FALSE;
  if (!with_story)
    return TRUE;

  if (!ts_json_read_id (json_object_get_member (object, "story_id"), "story_id",
                        FALSE, &change->story_id, error) ||
      !ts_json_read_string (json_object_get_member (object, "title"), "title", &title, error))
    return FALSE;

  change->title = g_strdup (title);
  return TRUE;
}

/* Reads what a change of @change's kind carries beyond the header. */
static gboolean
read_change_body (JsonObject  *object,
                  TsChange    *change,
                  GError     **error)
{
  gint64 count = 0;

  switch (change->kind)
    {
    case TS_EVENT_STORIES_CREATE:
    case TS_EVENT_STORIES_UPDATE:
    case TS_EVENT_STORIES_MOVE:
      change->story = read_nested (object, "story", (TsJsonItemReader) ts_story_from_json, error);
      if (change->story == NULL)
        return FALSE;
      change->id = ts_story_get_id (change->story);
      return TRUE;

    case TS_EVENT_PROJECTS_UPDATE:
      change->project = read_nested (object, "project",
                                     (TsJsonItemReader) ts_project_from_json, error);
      if (change->project == NULL)
        return FALSE;
      change->id = ts_project_get_id (change->project);
      return TRUE;

    case TS_EVENT_ITERATIONS_UPDATE:
      return read_iteration (object, change, error);

    case TS_EVENT_COMMENTS_CREATE:
      change->comment = read_nested (object, "comment",
                                     (TsJsonItemReader) ts_comment_from_json, error);
      if (change->comment == NULL)
        return FALSE;
      change->id = ts_comment_get_id (change->comment);
      change->story_id = ts_comment_get_story_id (change->comment);
      return TRUE;

    case TS_EVENT_STORIES_DESTROY:
    case TS_EVENT_COMMENTS_DESTROY:
      return read_destroyed (object, change, TRUE, error);

    case TS_EVENT_PROJECTS_DESTROY:
      return read_destroyed (object, change, FALSE, error);

    case TS_EVENT_STORIES_IMPORT:
      if (!ts_json_read_int (json_object_get_member (object, "count"), "count",
                             0, G_MAXUINT, FALSE, &count, error))
        return FALSE;
      change->count = (guint) count;
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
read_event_kind (JsonObject   *object,
                 const char   *event_name,
                 TsEventKind  *out_kind,
                 GError      **error)
{
  int value;

  if (event_name == NULL)
    {
      if (!ts_json_read_enum (json_object_get_member (object, "name"), "name",
                              TS_TYPE_EVENT_KIND, &value, error))
        return FALSE;
      *out_kind = value;
      return TRUE;
    }

  if (!ts_event_kind_from_string (event_name, out_kind))
    {
      g_autofree char *valid = g_utf8_make_valid (event_name, -1);

      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” is not an event of a project", valid);
      return FALSE;
    }
  return TRUE;
}

/**
 * ts_change_from_json:
 * @object: an event's data, or an entry of the change history
 * @event_name: (nullable): the Pusher event's name; %NULL to read the
 *   entry's `name` instead
 *
 * Returns: (transfer full) (nullable): the change
 */
TsChange *
ts_change_from_json (JsonObject  *object,
                     const char  *event_name,
                     GError     **error)
{
  g_autoptr(TsChange) change = NULL;
  g_autoptr(GDateTime) at = NULL;
  gint64 version = 0, actor_id = 0;
  gboolean thin = FALSE;
  TsEventKind kind;
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_event_kind (object, event_name, &kind, error) ||
      !ts_json_read_int (json_object_get_member (object, "version"), "version",
                         0, G_MAXINT64, FALSE, &version, error) ||
      !ts_json_read_id (json_object_get_member (object, "actor_id"), "actor_id",
                        FALSE, &actor_id, error) ||
      !ts_json_read_timestamp (json_object_get_member (object, "at"), "at", FALSE, &at, error))
    return NULL;

  node = json_object_get_member (object, "thin");
  if (node != NULL && !ts_json_read_boolean (node, "thin", &thin, error))
    return NULL;

  change = ts_change_new (kind, version, actor_id, at);
  if (thin)
    {
      change->thin = TRUE;
      if (!ts_json_read_id (json_object_get_member (object, "id"), "id", FALSE, &change->id, error))
        return NULL;
    }
  else if (!read_change_body (object, change, error))
    {
      return NULL;
    }

  return g_steal_pointer (&change);
}

/**
 * ts_changes_to_json:
 * @version: the project's current version
 * @changes: (array length=n_changes): changes, oldest first
 * @more: whether further changes follow
 *
 * Returns: (transfer full): `{"version": N, "changes": […], "more": bool}`,
 *   each change with its `name`
 */
JsonNode *
ts_changes_to_json (gint64            version,
                    TsChange * const *changes,
                    guint             n_changes,
                    gboolean          more)
{
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (changes != NULL || n_changes == 0, NULL);

  array = json_array_sized_new (n_changes);
  for (guint i = 0; i < n_changes; i++)
    json_array_add_element (array, ts_change_to_json (changes[i], TRUE));

  object = json_object_new ();
  json_object_set_int_member (object, "version", version);
  json_object_set_array_member (object, "changes", array);
  json_object_set_boolean_member (object, "more", more);

  return ts_json_node_take_object (object);
}

static gpointer
read_named_change (JsonObject  *object,
                   GError     **error)
{
  return ts_change_from_json (object, NULL, error);
}

/**
 * ts_changes_from_json:
 * @object: the answer of `GET …/changes`
 * @out_version: (out) (optional): the project's current version
 * @out_more: (out) (optional): whether further changes follow
 *
 * Returns: (transfer full) (element-type TsChange) (nullable): the changes,
 *   oldest first
 */
GPtrArray *
ts_changes_from_json (JsonObject  *object,
                      gint64      *out_version,
                      gboolean    *out_more,
                      GError     **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  gint64 version = 0;
  gboolean more;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ts_json_read_int (json_object_get_member (object, "version"), "version",
                         0, G_MAXINT64, FALSE, &version, error) ||
      !ts_json_read_boolean (json_object_get_member (object, "more"), "more", &more, error))
    return NULL;

  changes = ts_json_read_list (object, "changes", read_named_change,
                               (GDestroyNotify) ts_change_unref, error);
  if (changes == NULL)
    return NULL;

  if (out_version != NULL)
    *out_version = version;
  if (out_more != NULL)
    *out_more = more;
  return g_steal_pointer (&changes);
}
