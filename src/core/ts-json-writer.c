/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* The JSON writer: compact RFC 8259 text from a json-glib tree.
 *
 * json-glib 1.6's generator escapes the control characters below U+001F
 * but writes U+001F itself raw (an off-by-one in its escaper), which is
 * not JSON: one such character in a title made every answer, stored row
 * and event that carried it unreadable. This writer escapes every string
 * whatever it holds: U+0000–U+001F (the short forms where JSON has them),
 * `"` and `\`, U+007F, and U+2028/U+2029, which JSON allows raw but
 * JavaScript before ES2019 does not in a string literal. Bytes that are
 * not UTF-8 cannot come from the parser; a tree made elsewhere that holds
 * them gets U+FFFD, so the output is always UTF-8. Numbers are written as
 * json-glib writes them, so nothing else in the output changes. */

#include "ts-json-private.h"

#include <math.h>
#include <string.h>

/* Bytes that end a run copied as it is: the control characters, `"`,
 * `\`, DEL, and 0xe2, the lead byte of U+2028 and U+2029. */
static const guint8 needs_care[256] = {
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* DEL */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xe2 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void
append_escaped_byte (GString *out,
                     guchar   c)
{
  static const char hex[] = "0123456789abcdef";

  switch (c)
    {
    case '"': g_string_append (out, "\\\""); return;
    case '\\': g_string_append (out, "\\\\"); return;
    case '\b': g_string_append (out, "\\b"); return;
    case '\f': g_string_append (out, "\\f"); return;
    case '\n': g_string_append (out, "\\n"); return;
    case '\r': g_string_append (out, "\\r"); return;
    case '\t': g_string_append (out, "\\t"); return;
    default:
      g_string_append (out, "\\u00");
      g_string_append_c (out, hex[c >> 4]);
      g_string_append_c (out, hex[c & 0xf]);
      return;
    }
}

/* Appends valid UTF-8 @text, escaped, without quotes. */
static void
append_escaped_valid (GString    *out,
                      const char *text,
                      gsize       length)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + length;

  while (p < end)
    {
      const guchar *run = p;

      while (p < end && !needs_care[*p])
        p++;
      g_string_append_len (out, (const char *) run, p - run);
      if (p >= end)
        break;

      if (*p != 0xe2)
        {
          append_escaped_byte (out, *p);
          p++;
        }
      else if (end - p >= 3 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
        {
          g_string_append (out, p[2] == 0xa8 ? "\\u2028" : "\\u2029");
          p += 3;
        }
      else
        {
          g_string_append_c (out, (char) *p);
          p++;
        }
    }
}

/**
 * ts_json_append_string:
 * @out: where to write
 * @text: a string
 *
 * Appends @text as a JSON string literal, quotes included, escaped so that
 * any JSON or JavaScript reader takes it.
 */
void
ts_json_append_string (GString    *out,
                       const char *text)
{
  gsize length;

  g_return_if_fail (out != NULL);

  if (text == NULL)
    text = "";
  length = strlen (text);
  g_string_append_c (out, '"');
  if (G_LIKELY (g_utf8_validate_len (text, length, NULL)))
    {
      append_escaped_valid (out, text, length);
    }
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, length);

      append_escaped_valid (out, valid, strlen (valid));
    }
  g_string_append_c (out, '"');
}

/* As json-glib writes doubles: 17 significant digits, and a fraction on
 * whole numbers so that a reader keeps them doubles. JSON has no infinity
 * or NaN; null is the one value that every reader takes in their place. */
static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  g_string_append (out, buffer);
  if (strpbrk (buffer, ".e") == NULL)
    g_string_append (out, ".0");
}

static void
append_value (GString  *out,
              JsonNode *node)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      append_double (out, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_STRING:
      ts_json_append_string (out, json_node_get_string (node));
      break;
    default:
      /* json-glib's values are the four above; anything else has no JSON. */
      g_string_append (out, "null");
      break;
    }
}

static void append_node (GString  *out,
                         JsonNode *node);

static void
append_object (GString    *out,
               JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      ts_json_append_string (out, name);
      g_string_append_c (out, ':');
      append_node (out, member);
    }
  g_string_append_c (out, '}');
}

static void
append_array (GString   *out,
              JsonArray *array)
{
  guint length = json_array_get_length (array);

  g_string_append_c (out, '[');
  for (guint i = 0; i < length; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_node (out, json_array_get_element (array, i));
    }
  g_string_append_c (out, ']');
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      append_object (out, json_node_get_object (node));
      break;
    case JSON_NODE_ARRAY:
      append_array (out, json_node_get_array (node));
      break;
    case JSON_NODE_VALUE:
      append_value (out, node);
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * ts_json_append_node:
 * @out: where to write
 * @node: a JSON node
 *
 * Appends @node as compact JSON text (see ts_json_to_string()).
 */
void
ts_json_append_node (GString  *out,
                     JsonNode *node)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (node != NULL);

  append_node (out, node);
}
