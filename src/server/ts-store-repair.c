/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* One-shot repairs of stored rows, run at every open after the migrations
 * and recorded in the settings table so that each runs once.
 *
 * `repair.control-characters`: before the codec wrote its own JSON,
 * json-glib 1.6 wrote U+001F raw, and nothing refused control characters
 * or time zones that were paths; rows holding them made every answer that
 * carried them invalid JSON, or a change history a client could not read.
 * The repair gives the text fields what the API now accepts: each control
 * character a field may not hold (U+0000–U+001F and U+007F; a description
 * or comment keeps tab, line feed and carriage return) becomes U+FFFD, the
 * replacement character, which says something was there and never leaves a
 * title empty; labels made equal by it are kept once; a time zone this
 * server does not know becomes `UTC`. It is not a schema change, so it is
 * not a migration: it only rewrites values, in one transaction. */

#include "ts-store-private.h"

#include <string.h>

#include "ts-json-private.h"

#define CONTROL_CHARACTERS_KEY "repair.control-characters"

/* U+FFFD in UTF-8. */
#define REPLACEMENT "\xef\xbf\xbd"

static gboolean
is_multiline_member (const char *name)
{
  return g_strcmp0 (name, "description") == 0 || g_strcmp0 (name, "text") == 0;
}

/* Returns @text with every control character a field may not hold
 * replaced, or %NULL when it holds none. */
static char *
repair_text (const char *text,
             gboolean    multiline)
{
  GString *out = NULL;
  const char *run = text;

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if ((c >= 0x20 && c != 0x7f) || (multiline && (c == '\t' || c == '\n' || c == '\r')))
        continue;
      if (out == NULL)
        out = g_string_new (NULL);
      g_string_append_len (out, run, p - run);
      g_string_append (out, REPLACEMENT);
      run = p + 1;
    }
  if (out == NULL)
    return NULL;
  g_string_append (out, run);
  return g_string_free (out, FALSE);
}

static void repair_object (JsonObject *object);

/* Repairs the strings of @node, the value of member @name. */
static void
repair_node (JsonNode   *node,
             const char *name)
{
  g_autofree char *repaired = NULL;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      repair_object (json_node_get_object (node));
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          repair_node (json_array_get_element (array, i), name);
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) != G_TYPE_STRING)
        break;
      if (g_strcmp0 (name, "time_zone") == 0)
        {
          if (!ts_time_zone_is_known (json_node_get_string (node)))
            json_node_set_string (node, "UTC");
          break;
        }
      repaired = repair_text (json_node_get_string (node), is_multiline_member (name));
      if (repaired != NULL)
        json_node_set_string (node, repaired);
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

/* A story's labels are each on it once (ts_check_story_labels()); two that
 * differed only in control characters are the same label now. */
static void
deduplicate_labels (JsonArray *labels)
{
  for (guint i = 1; i < json_array_get_length (labels); )
    {
      const char *label = json_array_get_string_element (labels, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < i && !seen; j++)
        seen = g_strcmp0 (label, json_array_get_string_element (labels, j)) == 0;
      if (seen)
        json_array_remove_element (labels, i);
      else
        i++;
    }
}

static void
repair_object (JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      repair_node (member, name);
      if (strcmp (name, "labels") == 0 && JSON_NODE_HOLDS_ARRAY (member))
        deduplicate_labels (json_node_get_array (member));
    }
}

/* Whether stored JSON @text may need the repair: a raw control byte, an
 * escape that may stand for one, or a time zone. Most rows have none, and
 * are not parsed. */
static gboolean
json_may_need_repair (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 || *p == 0x7f)
        return TRUE;
      if (*p == '\\' && p[1] != '"' && p[1] != '\\' && p[1] != '/')
        return TRUE;
      if (*p == '\\')
        p++;
    }
  return strstr (text, "\"time_zone\"") != NULL;
}

/* Returns stored JSON @text repaired, or %NULL when it needs nothing. Raw
 * control bytes (json-glib wrote U+001F raw, and only ever inside strings)
 * become U+FFFD first, so that the text is JSON again. */
static char *
repair_json (const char *text)
{
  g_autofree char *readable = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  char *repaired;

  if (!json_may_need_repair (text))
    return NULL;
  readable = repair_text (text, FALSE);
  object = ts_json_parse_object (readable != NULL ? readable : text, -1, &error);
  if (object == NULL)
    {
      g_warning ("A stored row is not JSON, even repaired: %s", error->message);
      return NULL;
    }
  repair_object (object);
  node = json_node_init_object (json_node_alloc (), object);
  repaired = ts_json_to_string (node);
  if (strcmp (repaired, text) == 0)
    g_clear_pointer (&repaired, g_free);
  return repaired;
}

/* A column and how its text is repaired. */
typedef enum {
  KIND_JSON,
  KIND_LINE,
  KIND_LINES,
  KIND_TIME_ZONE,
} Kind;

typedef struct {
  const char *select;  /* key columns…, the text last */
  const char *update;  /* SET text = ?1 WHERE the keys are ?2, ?3 */
  guint n_keys;
  Kind kind;
} Column;

static const Column columns[] = {
  { "SELECT id, json FROM stories", "UPDATE stories SET json = ?1 WHERE id = ?2", 1, KIND_JSON },
  { "SELECT project_id, version, data FROM changes",
    "UPDATE changes SET data = ?1 WHERE project_id = ?2 AND version = ?3", 2, KIND_JSON },
  { "SELECT user_id, key, body FROM idempotency",
    "UPDATE idempotency SET body = ?1 WHERE user_id = ?2 AND key = ?3", 2, KIND_JSON },
  { "SELECT id, text FROM comments", "UPDATE comments SET text = ?1 WHERE id = ?2", 1, KIND_LINES },
  { "SELECT id, name FROM projects", "UPDATE projects SET name = ?1 WHERE id = ?2", 1, KIND_LINE },
  { "SELECT id, time_zone FROM projects", "UPDATE projects SET time_zone = ?1 WHERE id = ?2", 1,
    KIND_TIME_ZONE },
  { "SELECT id, name FROM users", "UPDATE users SET name = ?1 WHERE id = ?2", 1, KIND_LINE },
};

static char *
repair_value (const char *text,
              Kind        kind)
{
  switch (kind)
    {
    case KIND_JSON:
      return repair_json (text);
    case KIND_LINE:
      return repair_text (text, FALSE);
    case KIND_LINES:
      return repair_text (text, TRUE);
    case KIND_TIME_ZONE:
      return ts_time_zone_is_known (text) ? NULL : g_strdup ("UTC");
    default:
      g_assert_not_reached ();
    }
}

/* Repairs every row of @column; adds how many changed to @n_repaired. */
static gboolean
repair_column (TsStore       *self,
               const Column  *column,
               guint         *n_repaired,
               GError       **error)
{
  TsDbStatement *select, *update;
  int status;

  if ((select = ts_store_prepare (self, column->select, error)) == NULL)
    return FALSE;
  /* PostgreSQL reads the whole result at the first step, so the select's
   * rows stay while the update runs. */
  while ((status = ts_db_step (select)) == TS_DB_ROW)
    {
      const char *text = ts_store_column_text (select, column->n_keys);
      g_autofree char *repaired = text != NULL ? repair_value (text, column->kind) : NULL;

      if (repaired == NULL)
        continue;
      if ((update = ts_store_prepare (self, column->update, error)) == NULL)
        break;
      ts_db_bind_text (update, 1, repaired);
      for (guint i = 0; i < column->n_keys; i++)
        ts_db_bind_text (update, i + 2, ts_store_column_text (select, i));
      if (!ts_store_step_done (self, update, error))
        break;
      (*n_repaired)++;
    }
  if (status == TS_DB_FAILED)
    ts_store_set_db_error (self, error);
  ts_db_reset (select);
  return status == TS_DB_DONE;
}

static gboolean
repair_control_characters (TsStore  *self,
                           GError  **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *done_at = ts_timestamp_to_string (now);
  guint n_repaired = 0;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (!repair_column (self, &columns[i], &n_repaired, error))
      return FALSE;
  if (n_repaired > 0)
    g_message ("Repaired %u stored values that held control characters or unknown time zones",
               n_repaired);
  return ts_store_set_setting (self, CONTROL_CHARACTERS_KEY, done_at, error);
}

/**
 * ts_store_repair:
 *
 * Runs the one-shot repairs this database has not had yet, each in its own
 * transaction. Called once the schema is migrated.
 */
gboolean
ts_store_repair (TsStore  *self,
                 GError  **error)
{
  g_autofree char *done = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  if (!ts_store_exec_begin (self, error))
    return FALSE;
  /* Read inside the transaction: `user add` may open the database at the
   * same moment, and only one of them must repair. */
  done = ts_store_dup_setting (self, CONTROL_CHARACTERS_KEY);
  if (done == NULL && !repair_control_characters (self, error))
    {
      ts_store_exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return ts_store_exec (self, "COMMIT", error);
}
