/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

#include "ts-json-private.h"

#include <string.h>

#include "ts-core-error.h"

/* The members doc/api.md says the server owns: a request may carry them (a
 * client may send back an object it read) and they are ignored whatever
 * their type. */
static const char * const server_owned[] = {
  "id",
  "project_id",
  "position",
  "version",
  "created_at",
  "updated_at",
  "accepted_at",
  "author_id",
  /* A story's tasks change through their own endpoints. */
  "tasks",
};

/**
 * ts_json_parse_object:
 * @data: the bytes of a request or response body
 * @length: their length, or -1 when @data is nul-terminated
 * @error: return location for a #GError
 *
 * Parses a body that must be one JSON object (RFC 8259, strictly: see
 * ts-json-parser.c): anything else is TS_CORE_ERROR_MALFORMED. A string
 * holding `\u0000` is TS_CORE_ERROR_INVALID naming its member, because no
 * field of the API may hold a NUL.
 *
 * Returns: (transfer full) (nullable): the object
 */
JsonObject *
ts_json_parse_object (const char  *data,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL)
    data = "";
  if (length < 0)
    length = strlen (data);

  root = ts_json_parse (data, length, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_MALFORMED,
                           "the body must be a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/**
 * ts_json_to_string:
 * @node: a JSON node
 *
 * Every string is escaped whatever it holds (ts-json-writer.c), so the
 * text is JSON for any reader, JavaScript's included.
 *
 * Returns: (transfer full): @node as compact JSON text, as the API sends it
 */
char *
ts_json_to_string (JsonNode *node)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (256);
  ts_json_append_node (out, node);
  return g_string_free (out, FALSE);
}

/**
 * ts_error_to_json:
 * @code: an doc/api.md error code (`invalid`)
 * @message: the message for people
 *
 * Returns: (transfer full): `{"error": {"code", "message"}}`
 */
JsonNode *
ts_error_to_json (const char *code,
                  const char *message)
{
  JsonObject *object;
  JsonObject *inner;

  g_return_val_if_fail (code != NULL, NULL);

  inner = json_object_new ();
  json_object_set_string_member (inner, "code", code);
  json_object_set_string_member (inner, "message", message != NULL ? message : "");
  object = json_object_new ();
  json_object_set_object_member (object, "error", inner);

  return ts_json_node_take_object (object);
}

/* A member name or value quoted in a message: it came from a client, so it
 * is made valid UTF-8 and cut short. */
static char *
dup_for_message (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *start = NULL;

  if (g_utf8_strlen (valid, -1) <= 64)
    return g_steal_pointer (&valid);
  start = g_utf8_substring (valid, 0, 64);
  return g_strconcat (start, "…", NULL);
}

static gboolean
is_server_owned (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (server_owned); i++)
    if (strcmp (server_owned[i], name) == 0)
      return TRUE;
  return FALSE;
}

/**
 * ts_json_collect_members:
 * @object: a request body
 * @members: the members the request may carry
 * @n_members: how many
 * @slots: (array): where to put each member's node, by its slot; the
 *   caller sets them to %NULL first
 *
 * Walks the members of a request once, sorting them into @slots. A member
 * that is neither in @members nor owned by the server is an error, so a
 * client's typo (`titel`) is refused instead of being lost.
 */
gboolean
ts_json_collect_members (JsonObject          *object,
                         const TsJsonMember  *members,
                         guint                n_members,
                         JsonNode           **slots,
                         GError             **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      gboolean known = FALSE;

      for (guint i = 0; i < n_members; i++)
        {
          if (strcmp (members[i].name, name) == 0)
            {
              if (members[i].slot != TS_JSON_IGNORED)
                slots[members[i].slot] = node;
              known = TRUE;
              break;
            }
        }

      if (!known && !is_server_owned (name))
        {
          g_autofree char *quoted = dup_for_message (name);

          g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                       "unknown member “%s”", quoted);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * ts_json_collect_known:
 * @object: a resource
 * @members: the members the reader wants
 * @n_members: how many
 * @slots: (array): where to put each member's node, by its slot; the
 *   caller sets them to %NULL first
 *
 * Like ts_json_collect_members(), for resources: members the reader does
 * not know are ignored. One walk over the object's members touches far
 * less memory than a hash look-up per member, which is most of the cost
 * of reading a long list.
 */
void
ts_json_collect_known (JsonObject          *object,
                       const TsJsonMember  *members,
                       guint                n_members,
                       JsonNode           **slots)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      for (guint i = 0; i < n_members; i++)
        {
          /* The first letter rules out most names without a call. */
          if (members[i].name[0] == name[0] && strcmp (members[i].name, name) == 0)
            {
              slots[members[i].slot] = node;
              break;
            }
        }
    }
}

/**
 * ts_json_set_type_error:
 * @name: the member
 * @what: what it must be, with its article ("a string")
 * @nullable: whether null would do too
 */
void
ts_json_set_type_error (GError     **error,
                        const char  *name,
                        const char  *what,
                        gboolean     nullable)
{
  g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
               "“%s” must be %s%s", name, what, nullable ? " or null" : "");
}

/* Whether @node is a JSON value of @value_type: G_TYPE_INT64 for an
 * integer, G_TYPE_DOUBLE for a number with a fraction or exponent. */
gboolean
ts_json_holds (JsonNode *node,
               GType     value_type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == value_type;
}

/* Sets the error for a member that is missing and returns TRUE, or returns
 * FALSE when it is there. */
static gboolean
is_missing (JsonNode    *node,
            const char  *name,
            GError     **error)
{
  if (node != NULL)
    return FALSE;
  g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "“%s” is required", name);
  return TRUE;
}

gboolean
ts_json_read_id (JsonNode    *node,
                 const char  *name,
                 gboolean     nullable,
                 gint64      *inout,
                 GError     **error)
{
  gint64 value;

  if (is_missing (node, name, error))
    return FALSE;

  if (nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  /* json-glib reads an integer beyond 64 bits as a negative one, so the
   * sign test also refuses those. */
  if (!ts_json_holds (node, G_TYPE_INT64) || (value = json_node_get_int (node)) <= 0)
    {
      ts_json_set_type_error (error, name, "a positive integer", nullable);
      return FALSE;
    }

  *inout = value;
  return TRUE;
}

gboolean
ts_json_read_int (JsonNode    *node,
                  const char  *name,
                  gint64       min,
                  gint64       max,
                  gboolean     nullable,
                  gint64      *inout,
                  GError     **error)
{
  gint64 value;

  if (is_missing (node, name, error))
    return FALSE;

  if (nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!ts_json_holds (node, G_TYPE_INT64))
    {
      ts_json_set_type_error (error, name, "an integer", nullable);
      return FALSE;
    }

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      /* A bound as large as a C type is a limit of storage, not of the
       * API, so only the bound that was crossed is named. */
      if (max < G_MAXINT)
        g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                     "“%s” must be from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                     name, min, max);
      else if (value < min)
        g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                     "“%s” must be at least %" G_GINT64_FORMAT, name, min);
      else
        g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                     "“%s” must be at most %" G_GINT64_FORMAT, name, max);
      return FALSE;
    }

  *inout = value;
  return TRUE;
}

/* A number from 0 to 1, written as an integer or not. */
gboolean
ts_json_read_fraction (JsonNode    *node,
                       const char  *name,
                       double      *out,
                       GError     **error)
{
  double value;

  if (is_missing (node, name, error))
    return FALSE;

  if (ts_json_holds (node, G_TYPE_DOUBLE))
    value = json_node_get_double (node);
  else if (ts_json_holds (node, G_TYPE_INT64))
    value = (double) json_node_get_int (node);
  else
    value = -1.0;

  if (!(value >= 0.0 && value <= 1.0))
    {
      ts_json_set_type_error (error, name, "a number from 0 to 1", FALSE);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

gboolean
ts_json_read_boolean (JsonNode    *node,
                      const char  *name,
                      gboolean    *out,
                      GError     **error)
{
  if (is_missing (node, name, error))
    return FALSE;

  if (!ts_json_holds (node, G_TYPE_BOOLEAN))
    {
      ts_json_set_type_error (error, name, "true or false", FALSE);
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
ts_json_read_string (JsonNode     *node,
                     const char   *name,
                     const char  **out,
                     GError      **error)
{
  const char *value;

  if (is_missing (node, name, error))
    return FALSE;

  if (!ts_json_holds (node, G_TYPE_STRING))
    {
      ts_json_set_type_error (error, name, "a string", FALSE);
      return FALSE;
    }

  value = json_node_get_string (node);
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” must be UTF-8 text", name);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

/* "feature, bug, chore, release": the nicks of an enum, for a message. */
static char *
dup_enum_nicks (GEnumClass *klass)
{
  GString *nicks = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (nicks, i == 0 ? "%s" : ", %s", klass->values[i].value_nick);
  return g_string_free (nicks, FALSE);
}

gboolean
ts_json_read_enum (JsonNode    *node,
                   const char  *name,
                   GType        enum_type,
                   int         *out,
                   GError     **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  const char *nick = NULL;
  GEnumValue *value;

  if (is_missing (node, name, error))
    return FALSE;

  if (ts_json_holds (node, G_TYPE_STRING))
    nick = json_node_get_string (node);

  value = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;
  if (value == NULL)
    {
      g_autofree char *nicks = dup_enum_nicks (klass);

      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” must be one of %s", name, nicks);
      return FALSE;
    }

  *out = value->value;
  return TRUE;
}

gboolean
ts_json_read_day (JsonNode    *node,
                  const char  *name,
                  gboolean     nullable,
                  TsDay       *inout,
                  GError     **error)
{
  TsDay day;

  if (is_missing (node, name, error))
    return FALSE;

  if (nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!ts_json_holds (node, G_TYPE_STRING) ||
      !ts_day_parse (json_node_get_string (node), &day))
    {
      ts_json_set_type_error (error, name, "a date (YYYY-MM-DD)", nullable);
      return FALSE;
    }

  *inout = day;
  return TRUE;
}

/**
 * ts_json_read_timestamp:
 * @out: (out) (transfer full): the moment in UTC, or %NULL for null
 */
gboolean
ts_json_read_timestamp (JsonNode    *node,
                        const char  *name,
                        gboolean     nullable,
                        GDateTime  **out,
                        GError     **error)
{
  GDateTime *date_time = NULL;

  if (is_missing (node, name, error))
    return FALSE;

  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }

  if (ts_json_holds (node, G_TYPE_STRING))
    date_time = ts_timestamp_parse (json_node_get_string (node));
  if (date_time == NULL)
    {
      ts_json_set_type_error (error, name, "an ISO 8601 timestamp with its zone", nullable);
      return FALSE;
    }

  *out = date_time;
  return TRUE;
}

/**
 * ts_json_read_object:
 * @out: (out) (transfer none): the object
 */
gboolean
ts_json_read_object (JsonNode     *node,
                     const char   *name,
                     JsonObject  **out,
                     GError      **error)
{
  if (is_missing (node, name, error))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ts_json_set_type_error (error, name, "an object", FALSE);
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

/**
 * ts_json_read_array:
 * @what: what it must be, for the message ("an array of strings")
 * @out: (out) (transfer none): the array
 */
gboolean
ts_json_read_array (JsonNode    *node,
                    const char  *name,
                    const char  *what,
                    JsonArray  **out,
                    GError     **error)
{
  if (is_missing (node, name, error))
    return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      ts_json_set_type_error (error, name, what, FALSE);
      return FALSE;
    }

  *out = json_node_get_array (node);
  return TRUE;
}

/**
 * ts_json_read_list:
 * @object: a wrapped list, `{"stories": […]}`
 * @name: the member holding the list
 * @read_item: reads one element
 * @free_item: frees what @read_item returns
 *
 * Returns: (transfer full) (nullable): the elements, owned by the array
 */
GPtrArray *
ts_json_read_list (JsonObject        *object,
                   const char        *name,
                   TsJsonItemReader   read_item,
                   GDestroyNotify     free_item,
                   GError           **error)
{
  g_autoptr(GPtrArray) items = NULL;
  JsonArray *array;
  guint length;

  if (!ts_json_read_array (json_object_get_member (object, name), name,
                           "an array of objects", &array, error))
    return NULL;

  length = json_array_get_length (array);
  items = g_ptr_array_new_full (length, free_item);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gpointer item;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          ts_json_set_type_error (error, name, "an array of objects", FALSE);
          return NULL;
        }
      item = read_item (json_node_get_object (element), error);
      if (item == NULL)
        {
          g_prefix_error (error, "“%s”[%u]: ", name, i);
          return NULL;
        }
      g_ptr_array_add (items, item);
    }

  return g_steal_pointer (&items);
}

/**
 * ts_json_node_take_object:
 * @object: (transfer full): an object
 *
 * Returns: (transfer full): a node holding @object
 */
JsonNode *
ts_json_node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

void
ts_json_set_id_or_null (JsonObject *object,
                        const char *name,
                        gint64      id)
{
  if (id > 0)
    json_object_set_int_member (object, name, id);
  else
    json_object_set_null_member (object, name);
}

void
ts_json_set_day (JsonObject *object,
                 const char *name,
                 TsDay       day)
{
  char text[TS_DAY_ISO_LENGTH];

  if (day == TS_DAY_NONE)
    {
      json_object_set_null_member (object, name);
      return;
    }

  ts_day_format (day, text);
  json_object_set_string_member (object, name, text);
}

void
ts_json_set_timestamp (JsonObject *object,
                       const char *name,
                       GDateTime  *date_time)
{
  g_autofree char *text = NULL;

  if (date_time == NULL)
    {
      json_object_set_null_member (object, name);
      return;
    }

  text = ts_timestamp_to_string (date_time);
  json_object_set_string_member (object, name, text);
}

/* The members of an override: a length of 0 (the project's) is null. */
void
ts_json_set_override (JsonObject                *object,
                      const TsIterationOverride *override)
{
  json_object_set_int_member (object, "number", override->number);
  json_object_set_double_member (object, "team_strength", override->team_strength);
  if (override->length != 0)
    json_object_set_int_member (object, "length", override->length);
  else
    json_object_set_null_member (object, "length");
}
