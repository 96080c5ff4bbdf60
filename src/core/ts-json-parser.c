/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* A strict JSON parser (RFC 8259) that builds json-glib trees.
 *
 * json-glib 1.6's JsonParser is lenient where the API must not be (it
 * takes single quotes, comments, leading zeros and text after the value,
 * wraps integers beyond 64 bits to -1 and silently cuts a string at
 * `\u0000`), and it is slow: its scanner and the signal it emits for every
 * member cost twice what building the tree does, which puts a project of
 * 10,000 stories far beyond the time a client may take to open it. This
 * parser builds the same JsonNode tree in one pass over the text. */

#include "ts-json-private.h"

#include <errno.h>
#include <string.h>

#include "ts-core-error.h"

/* Deep enough for any body of the API, shallow enough that a hostile
 * `[[[[…` cannot exhaust the stack. */
#define MAX_DEPTH 64

/* Longer numbers are refused: no number of the API comes near. */
#define NUMBER_MAX_LENGTH 64

typedef struct {
  const char *start;
  const char *p;
  const char *end;
  guint depth;
  /* The member whose value is being read, for messages. */
  const char *member;
  /* Where a string with escapes, or a member name, is made NUL-terminated. */
  GString *buffer;
  GError *error;
} Parser;

/* Bytes that end the fast scan of a string: the closing quote, an escape,
 * and the control characters JSON forbids in strings. */
static const guint8 string_stop[256] = {
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
};

static void
fail_at (Parser     *parser,
         const char *where,
         const char *message)
{
  guint line = 1, column = 1;

  if (parser->error != NULL)
    return;

  for (const char *c = parser->start; c < where && c < parser->end; c++)
    {
      if (*c == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar) *c & 0xc0) != 0x80)
        {
          column++;
        }
    }

  g_set_error (&parser->error, TS_CORE_ERROR, TS_CORE_ERROR_MALFORMED,
               "the body is not JSON: line %u, column %u: %s", line, column, message);
}

static void
fail (Parser     *parser,
      const char *message)
{
  fail_at (parser, parser->p, parser->p < parser->end ? message : "the text ends too early");
}

static inline void
skip_whitespace (Parser *parser)
{
  const char *p = parser->p;

  while (p < parser->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  parser->p = p;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits of a `\u` escape at parser->p. */
static gboolean
read_hex4 (Parser   *parser,
           gunichar *out)
{
  gunichar value = 0;

  if (parser->end - parser->p < 4)
    {
      fail (parser, "a “\\u” escape needs four hex digits");
      return FALSE;
    }
  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_value (parser->p[i]);

      if (digit < 0)
        {
          fail (parser, "a “\\u” escape needs four hex digits");
          return FALSE;
        }
      value = value * 16 + digit;
    }

  parser->p += 4;
  *out = value;
  return TRUE;
}

/* Reads a `\u` escape, a surrogate pair included, after its `\u`. */
static gboolean
read_unicode_escape (Parser   *parser,
                     gunichar *out)
{
  gunichar high, low;

  if (!read_hex4 (parser, &high))
    return FALSE;

  if (high == 0)
    {
      /* No text of the API may hold a NUL, and a C string could not: it
       * is refused as a bad value, naming the member. */
      if (parser->error != NULL)
        return FALSE;
      if (parser->member != NULL)
        g_set_error (&parser->error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                     "“%s” holds “\\u0000”; no text may contain a NUL character",
                     parser->member);
      else
        g_set_error_literal (&parser->error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                             "a member name holds “\\u0000”; no text may contain a NUL character");
      return FALSE;
    }
  if (high >= 0xdc00 && high <= 0xdfff)
    {
      fail (parser, "a “\\u” escape is half of a surrogate pair");
      return FALSE;
    }
  if (high < 0xd800 || high > 0xdbff)
    {
      *out = high;
      return TRUE;
    }

  if (parser->end - parser->p < 2 || parser->p[0] != '\\' || parser->p[1] != 'u')
    {
      fail (parser, "a “\\u” escape is half of a surrogate pair");
      return FALSE;
    }
  parser->p += 2;
  if (!read_hex4 (parser, &low))
    return FALSE;
  if (low < 0xdc00 || low > 0xdfff)
    {
      fail (parser, "a “\\u” escape is half of a surrogate pair");
      return FALSE;
    }

  *out = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
  return TRUE;
}

static gboolean
read_escape (Parser  *parser,
             GString *buffer)
{
  gunichar c;

  if (parser->p >= parser->end)
    {
      fail_at (parser, parser->p, "a string is not closed");
      return FALSE;
    }

  switch (*parser->p++)
    {
    case '"': g_string_append_c (buffer, '"'); return TRUE;
    case '\\': g_string_append_c (buffer, '\\'); return TRUE;
    case '/': g_string_append_c (buffer, '/'); return TRUE;
    case 'b': g_string_append_c (buffer, '\b'); return TRUE;
    case 'f': g_string_append_c (buffer, '\f'); return TRUE;
    case 'n': g_string_append_c (buffer, '\n'); return TRUE;
    case 'r': g_string_append_c (buffer, '\r'); return TRUE;
    case 't': g_string_append_c (buffer, '\t'); return TRUE;
    case 'u':
      if (!read_unicode_escape (parser, &c))
        return FALSE;
      g_string_append_unichar (buffer, c);
      return TRUE;
    default:
      parser->p--;
      fail (parser, "a string has an unknown escape");
      return FALSE;
    }
}

/* Reads a string after its opening quote into parser->buffer, which then
 * holds it NUL-terminated until the next string is read. */
static gboolean
read_string (Parser *parser)
{
  GString *buffer = parser->buffer;

  g_string_truncate (buffer, 0);
  for (;;)
    {
      const char *p = parser->p;
      gsize had = buffer->len;

      while (p < parser->end && !string_stop[(guchar) *p])
        p++;
      /* As g_string_append_len(), without its checks for overlap. */
      g_string_set_size (buffer, had + (p - parser->p));
      memcpy (buffer->str + had, parser->p, p - parser->p);
      parser->p = p;

      if (p >= parser->end)
        {
          fail_at (parser, parser->p, "a string is not closed");
          return FALSE;
        }
      if (*p == '"')
        {
          parser->p++;
          return TRUE;
        }
      if (*p != '\\')
        {
          fail (parser, "a string holds a control character; escape it");
          return FALSE;
        }
      parser->p++;
      if (!read_escape (parser, buffer))
        return FALSE;
    }
}

static gboolean
skip_digits (Parser *parser)
{
  const char *p = parser->p;

  while (p < parser->end && g_ascii_isdigit (*p))
    p++;
  if (p == parser->p)
    {
      fail (parser, "a number needs a digit here");
      return FALSE;
    }
  parser->p = p;
  return TRUE;
}

/* Checks the number at parser->p and moves past it. *@small_integer
 * says whether it is an integer of at most 18 digits, which cannot
 * overflow 64 bits, and *@value is then its value. */
static gboolean
scan_number (Parser   *parser,
             gboolean *small_integer,
             gint64   *value)
{
  const char *start = parser->p;
  gboolean negative = FALSE, is_integer = TRUE;
  const char *digits;

  if (parser->p < parser->end && *parser->p == '-')
    {
      parser->p++;
      negative = TRUE;
    }
  digits = parser->p;
  if (parser->p < parser->end && *parser->p == '0')
    parser->p++;
  else if (!skip_digits (parser))
    return FALSE;

  if (parser->p < parser->end && *parser->p == '.')
    {
      parser->p++;
      is_integer = FALSE;
      if (!skip_digits (parser))
        return FALSE;
    }
  if (parser->p < parser->end && (*parser->p == 'e' || *parser->p == 'E'))
    {
      parser->p++;
      is_integer = FALSE;
      if (parser->p < parser->end && (*parser->p == '+' || *parser->p == '-'))
        parser->p++;
      if (!skip_digits (parser))
        return FALSE;
    }

  if (parser->p - start >= NUMBER_MAX_LENGTH)
    {
      fail_at (parser, start, "a number is too long");
      return FALSE;
    }

  *small_integer = is_integer && parser->p - digits <= 18;
  if (*small_integer)
    {
      gint64 sum = 0;

      for (const char *digit = digits; digit < parser->p; digit++)
        sum = sum * 10 + (*digit - '0');
      *value = negative ? -sum : sum;
    }
  return TRUE;
}

/* An integer is kept as one when it fits 64 bits; a fraction, an exponent
 * or a larger integer is a double, which the readers of ids and counts
 * then refuse by name. */
static JsonNode *
read_number (Parser *parser)
{
  const char *start = parser->p;
  gboolean small_integer;
  gint64 value = 0;
  char text[NUMBER_MAX_LENGTH];

  if (!scan_number (parser, &small_integer, &value))
    return NULL;
  if (small_integer)
    return json_node_init_int (json_node_alloc (), value);

  memcpy (text, start, parser->p - start);
  text[parser->p - start] = '\0';
  if (text[strspn (text, "-0123456789")] == '\0')
    {
      /* A longer integer: strtoll() sees an overflow. */
      errno = 0;
      value = g_ascii_strtoll (text, NULL, 10);
      if (errno == 0)
        return json_node_init_int (json_node_alloc (), value);
    }
  return json_node_init_double (json_node_alloc (), g_ascii_strtod (text, NULL));
}

static gboolean
read_literal (Parser     *parser,
              const char *literal,
              gsize       length)
{
  if ((gsize) (parser->end - parser->p) < length || memcmp (parser->p, literal, length) != 0)
    {
      fail (parser, "expected a value");
      return FALSE;
    }
  parser->p += length;
  return TRUE;
}

static JsonNode *read_value (Parser *parser);

static JsonNode *
read_object (Parser *parser)
{
  g_autoptr(JsonObject) object = json_object_new ();
  const char *outer_member = parser->member;

  parser->p++;
  skip_whitespace (parser);
  if (parser->p < parser->end && *parser->p == '}')
    {
      parser->p++;
      return json_node_init_object (json_node_alloc (), object);
    }

  for (;;)
    {
      /* Names are short: they are kept on the stack while their value is
       * read, as the value reuses parser->buffer. */
      char name_buffer[64];
      g_autofree char *long_name = NULL;
      const char *name_start;
      const char *name;
      JsonNode *value;
      guint size;

      skip_whitespace (parser);
      name_start = parser->p;
      if (parser->p >= parser->end || *parser->p != '"')
        {
          fail (parser, "expected a member name in double quotes");
          return NULL;
        }
      parser->p++;
      parser->member = NULL;
      if (!read_string (parser))
        return NULL;
      if (parser->buffer->len < sizeof name_buffer)
        name = memcpy (name_buffer, parser->buffer->str, parser->buffer->len + 1);
      else
        name = long_name = g_strndup (parser->buffer->str, parser->buffer->len);

      skip_whitespace (parser);
      if (parser->p >= parser->end || *parser->p != ':')
        {
          fail (parser, "expected “:” after a member name");
          return NULL;
        }
      parser->p++;

      parser->member = name;
      value = read_value (parser);
      if (value == NULL)
        return NULL;

      /* A repeated name would replace the first value, so the object
       * would not grow: what one reader of the body sees must be what
       * every reader sees. */
      size = json_object_get_size (object);
      json_object_set_member (object, name, value);
      if (json_object_get_size (object) == size)
        {
          g_autofree char *message = g_strdup_printf ("“%s” appears twice in one object", name);

          fail_at (parser, name_start, message);
          return NULL;
        }

      skip_whitespace (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          continue;
        }
      if (parser->p < parser->end && *parser->p == '}')
        {
          parser->p++;
          parser->member = outer_member;
          return json_node_init_object (json_node_alloc (), object);
        }
      fail (parser, "expected “,” or “}” after a member");
      return NULL;
    }
}

/* Reads the elements of an array, from one element's start, into @array,
 * up to the array's closing bracket (consumed). */
static gboolean
read_elements (Parser    *parser,
               JsonArray *array)
{
  for (;;)
    {
      JsonNode *element = read_value (parser);

      if (element == NULL)
        return FALSE;
      json_array_add_element (array, element);

      skip_whitespace (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          continue;
        }
      if (parser->p < parser->end && *parser->p == ']')
        {
          parser->p++;
          return TRUE;
        }
      fail (parser, "expected “,” or “]” after an element");
      return FALSE;
    }
}

static JsonNode *
read_array (Parser *parser)
{
  g_autoptr(JsonArray) array = json_array_new ();

  parser->p++;
  skip_whitespace (parser);
  if (parser->p < parser->end && *parser->p == ']')
    {
      parser->p++;
      return json_node_init_array (json_node_alloc (), array);
    }

  if (!read_elements (parser, array))
    return NULL;

  return json_node_init_array (json_node_alloc (), array);
}

static JsonNode *
read_value (Parser *parser)
{
  JsonNode *node = NULL;

  skip_whitespace (parser);
  if (parser->p >= parser->end)
    {
      fail (parser, "expected a value");
      return NULL;
    }

  switch (*parser->p)
    {
    case '{':
    case '[':
      if (parser->depth >= MAX_DEPTH)
        {
          fail (parser, "values are nested too deeply");
          return NULL;
        }
      parser->depth++;
      node = *parser->p == '{' ? read_object (parser) : read_array (parser);
      parser->depth--;
      return node;

    case '"':
      parser->p++;
      if (!read_string (parser))
        return NULL;
      return json_node_init_string (json_node_alloc (), parser->buffer->str);

    case 't':
      return read_literal (parser, "true", 4) ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;

    case 'f':
      return read_literal (parser, "false", 5) ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;

    case 'n':
      return read_literal (parser, "null", 4) ? json_node_init_null (json_node_alloc ()) : NULL;

    default:
      if (*parser->p == '-' || g_ascii_isdigit (*parser->p))
        return read_number (parser);
      fail (parser, "expected a value");
      return NULL;
    }
}

/* Whether 8 bytes are all ASCII and none is NUL. */
static inline gboolean
is_plain_ascii_word (const char *p)
{
  const guint64 high_bits = G_GUINT64_CONSTANT (0x8080808080808080);
  const guint64 low_bits = G_GUINT64_CONSTANT (0x0101010101010101);
  guint64 word;

  memcpy (&word, p, sizeof word);
  /* The second term has a high bit set where a byte is zero. */
  return ((word & high_bits) | ((word - low_bits) & ~word & high_bits)) == 0;
}

/* g_utf8_validate_len(), with ASCII taken eight bytes at a time: API
 * bodies are nearly all ASCII, and GLib's validator goes byte by byte.
 * A run of non-ASCII bytes is handed to GLib whole: it ends at an ASCII
 * byte, which no UTF-8 sequence spans, so the verdict and the place of
 * the first bad byte are GLib's. */
static gboolean
validate_utf8 (const char  *data,
               gsize        length,
               const char **invalid)
{
  const char *p = data, *end = data + length;

  while (p < end)
    {
      const char *run;

      while (end - p >= 8 && is_plain_ascii_word (p))
        p += 8;
      while (p < end && (guchar) *p < 0x80 && *p != '\0')
        p++;
      if (p >= end)
        break;
      if (*p == '\0')
        {
          *invalid = p;
          return FALSE;
        }

      run = p;
      while (p < end && (guchar) *p >= 0x80)
        p++;
      if (!g_utf8_validate_len (run, p - run, invalid))
        return FALSE;
    }
  return TRUE;
}

/* Starts reading @data: checks its encoding, once up front to keep it out
 * of the inner loops, and that it holds something. */
static gboolean
parser_begin (Parser     *parser,
              const char *data,
              gsize       length,
              GString    *buffer)
{
  const char *invalid;

  parser->start = parser->p = data;
  parser->end = data + length;
  parser->buffer = buffer;

  if (!validate_utf8 (data, length, &invalid))
    {
      fail_at (parser, invalid, *invalid == '\0' ? "the text holds a NUL byte"
                                                   : "the text is not UTF-8");
      return FALSE;
    }

  skip_whitespace (parser);
  if (parser->p >= parser->end)
    {
      g_set_error_literal (&parser->error, TS_CORE_ERROR, TS_CORE_ERROR_MALFORMED,
                           "the body is not JSON: it is empty");
      return FALSE;
    }
  return TRUE;
}

/* Ends reading: nothing may follow the value. */
static gboolean
parser_end (Parser *parser)
{
  skip_whitespace (parser);
  if (parser->p < parser->end)
    {
      fail (parser, "there is more after the value");
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
parse_text (Parser      *parser,
            const char  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (256);
  JsonNode *node = NULL;

  if (parser_begin (parser, data, length, buffer))
    {
      node = read_value (parser);
      if (node != NULL && !parser_end (parser))
        g_clear_pointer (&node, json_node_unref);
    }

  if (node == NULL)
    {
      g_assert (parser->error != NULL);
      g_propagate_error (error, parser->error);
    }
  return node;
}

/**
 * ts_json_parse:
 * @data: JSON text, not necessarily NUL-terminated
 * @length: its length in bytes
 *
 * Returns: (transfer full) (nullable): the value, or %NULL with
 *   TS_CORE_ERROR_MALFORMED (TS_CORE_ERROR_INVALID for `\u0000`)
 */
JsonNode *
ts_json_parse (const char  *data,
               gsize        length,
               GError     **error)
{
  Parser parser = { 0 };

  return parse_text (&parser, data, length, error);
}

/* Expects @c at the next non-blank character, and consumes it. */
static gboolean
expect (Parser     *parser,
        char        c,
        const char *message)
{
  skip_whitespace (parser);
  if (parser->p >= parser->end || *parser->p != c)
    {
      fail (parser, message);
      return FALSE;
    }
  parser->p++;
  return TRUE;
}

/* After a member or element: TRUE and *@more when a comma follows, TRUE
 * and not *@more at @close, which is consumed. */
static gboolean
next_or_close (Parser     *parser,
               char        close,
               gboolean   *more,
               const char *message)
{
  skip_whitespace (parser);
  if (parser->p < parser->end && *parser->p == ',')
    {
      parser->p++;
      *more = TRUE;
      return TRUE;
    }
  if (parser->p < parser->end && *parser->p == close)
    {
      parser->p++;
      *more = FALSE;
      return TRUE;
    }
  fail (parser, message);
  return FALSE;
}

/* Reads a string after its opening quote into @out when it holds no
 * escape and fits; else reads nothing and returns FALSE (without an
 * error) for read_string() to do it. Names are read this way: they are
 * short and plain, and copying them through parser->buffer cost more
 * than the rest of reading them. */
static gboolean
read_short_plain_string (Parser *parser,
                         char   *out,
                         gsize   size)
{
  const char *p = parser->p;
  const char *limit = parser->end - parser->p < (gssize) size ? parser->end : parser->p + size;

  while (p < limit && !string_stop[(guchar) *p])
    p++;
  if (p >= limit || *p != '"')
    return FALSE;

  memcpy (out, parser->p, p - parser->p);
  out[p - parser->p] = '\0';
  parser->p = p + 1;
  return TRUE;
}

/* Reads a member name and its colon. The name lands in @name (at most
 * @size bytes, longer names are cut, which only ever makes them unknown).
 * Returns where the name started, for messages, or NULL. */
static const char *
read_member_name (Parser *parser,
                  char   *name,
                  gsize   size)
{
  const char *name_start;

  skip_whitespace (parser);
  name_start = parser->p;
  if (parser->p >= parser->end || *parser->p != '"')
    {
      fail (parser, "expected a member name in double quotes");
      return NULL;
    }
  parser->p++;
  parser->member = NULL;
  if (!read_short_plain_string (parser, name, size))
    {
      if (parser->error != NULL || !read_string (parser))
        return NULL;
      g_strlcpy (name, parser->buffer->str, size);
    }
  if (!expect (parser, ':', "expected “:” after a member name"))
    return NULL;
  return name_start;
}

static int
find_member (const TsJsonMember *members,
             guint               n_members,
             const char         *name)
{
  /* Members are few and their names differ early: comparing the first
   * byte before the rest skips most calls. */
  for (guint i = 0; i < n_members; i++)
    if (members[i].name[0] == name[0] && strcmp (members[i].name, name) == 0)
      return (int) i;
  return -1;
}

/* Checks a value at parser->p that is not an array or an object, as
 * read_value() would read it (the same errors at the same places),
 * without making its node. */
static gboolean
skip_scalar (Parser *parser)
{
  gboolean small_integer;
  gint64 value;

  switch (*parser->p)
    {
    case '"':
      parser->p++;
      return read_string (parser);
    case 't':
      return read_literal (parser, "true", 4);
    case 'f':
      return read_literal (parser, "false", 5);
    case 'n':
      return read_literal (parser, "null", 4);
    default:
      if (*parser->p == '-' || g_ascii_isdigit (*parser->p))
        return scan_number (parser, &small_integer, &value);
      fail (parser, "expected a value");
      return FALSE;
    }
}

static gboolean skip_array (Parser *parser, gboolean *found_object);

/* One element of skip_array(). */
static gboolean
skip_element (Parser   *parser,
              gboolean *found_object)
{
  skip_whitespace (parser);
  if (parser->p >= parser->end)
    {
      fail (parser, "expected a value");
      return FALSE;
    }
  if (*parser->p == '{')
    {
      *found_object = TRUE;
      return TRUE;
    }
  if (*parser->p == '[')
    return skip_array (parser, found_object);
  return skip_scalar (parser);
}

/* Checks the array at parser->p as read_value() would read it, without
 * making nodes, and moves past it. An object inside stops it (checking
 * one takes its member names): TRUE with *@found_object, for the caller
 * to read the array from its start as nodes. */
static gboolean
skip_array (Parser   *parser,
            gboolean *found_object)
{
  gboolean checked = FALSE;

  if (parser->depth >= MAX_DEPTH)
    {
      fail (parser, "values are nested too deeply");
      return FALSE;
    }
  parser->depth++;
  parser->p++;
  skip_whitespace (parser);
  if (parser->p < parser->end && *parser->p == ']')
    {
      parser->p++;
      checked = TRUE;
    }
  while (!checked)
    {
      if (!skip_element (parser, found_object) || *found_object)
        break;
      skip_whitespace (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          continue;
        }
      if (parser->p < parser->end && *parser->p == ']')
        {
          parser->p++;
          checked = TRUE;
          break;
        }
      fail (parser, "expected “,” or “]” after an element");
      break;
    }
  parser->depth--;
  return checked || (*found_object && parser->error == NULL);
}

static inline gboolean
slot_is_filled (const TsJsonSlot *slot)
{
  return slot->kind != TS_JSON_SLOT_NODE || slot->node != NULL;
}

/* Reads a member's value into @slot: a plain string, a short integer,
 * null or an array without objects as its span of the text (checked as
 * read_value() checks it), anything else as a node. */
static gboolean
read_value_into_slot (Parser     *parser,
                      TsJsonSlot *slot)
{
  const char *start;
  gboolean small_integer = FALSE, found_object = FALSE;

  skip_whitespace (parser);
  start = parser->p;
  if (start < parser->end)
    {
      TsJsonSlotKind kind = TS_JSON_SLOT_NODE;
      const char *q;

      switch (*start)
        {
        case '"':
          for (q = start + 1; q < parser->end && !string_stop[(guchar) *q]; q++)
            ;
          if (q < parser->end && *q == '"')
            {
              parser->p = q + 1;
              kind = TS_JSON_SLOT_STRING;
            }
          break;
        case 'n':
          if (!read_literal (parser, "null", 4))
            return FALSE;
          kind = TS_JSON_SLOT_NULL;
          break;
        case '[':
          if (!skip_array (parser, &found_object))
            return FALSE;
          if (!found_object)
            kind = TS_JSON_SLOT_ARRAY;
          break;
        default:
          if (*start != '-' && !g_ascii_isdigit (*start))
            break;
          if (!scan_number (parser, &small_integer, &slot->integer))
            return FALSE;
          if (small_integer)
            kind = TS_JSON_SLOT_INTEGER;
          break;
        }
      if (kind != TS_JSON_SLOT_NODE)
        {
          slot->kind = kind;
          slot->text = start;
          slot->length = parser->p - start;
          return TRUE;
        }
      parser->p = start;
    }

  slot->node = read_value (parser);
  slot->owns_node = TRUE;
  return slot->node != NULL;
}

/* Reads one object member by member into @slots: a known member's value
 * lands in its slot, anything else is read and dropped. */
static gboolean
read_object_into_slots (Parser             *parser,
                        const TsJsonMember *members,
                        guint               n_members,
                        TsJsonSlots        *slots)
{
  gboolean more = TRUE;

  if (!expect (parser, '{', "expected an object"))
    return FALSE;
  skip_whitespace (parser);
  if (parser->p < parser->end && *parser->p == '}')
    {
      parser->p++;
      return TRUE;
    }

  while (more)
    {
      char name[64];
      const char *name_start = read_member_name (parser, name, sizeof name);
      int index;

      if (name_start == NULL)
        return FALSE;
      index = find_member (members, n_members, name);
      parser->member = index >= 0 ? members[index].name : NULL;
      if (index < 0 || members[index].slot == TS_JSON_IGNORED)
        {
          JsonNode *value = read_value (parser);

          if (value == NULL)
            return FALSE;
          json_node_unref (value);
        }
      else
        {
          TsJsonSlot *slot = &slots->slots[members[index].slot];
          TsJsonSlot value = { TS_JSON_SLOT_NODE, NULL, 0, 0, NULL, FALSE };

          if (!read_value_into_slot (parser, &value))
            return FALSE;
          if (slot_is_filled (slot))
            {
              g_autofree char *message = g_strdup_printf ("“%s” appears twice in one object", name);

              ts_json_slot_clear (&value);
              fail_at (parser, name_start, message);
              return FALSE;
            }
          *slot = value;
        }

      if (!next_or_close (parser, '}', &more, "expected “,” or “}” after a member"))
        return FALSE;
    }
  return TRUE;
}

/* Room for every plain string of an item of @length bytes: each copy
 * (its bytes and a NUL) is shorter than its text with the quotes, and
 * the room is doubled so that a string read twice still fits. */
static void
slots_reserve_strings (TsJsonSlots *slots,
                       gsize        length)
{
  length = 2 * length + 64;
  if (slots->strings_size >= length)
    return;
  g_free (slots->strings);
  slots->strings_size = MAX (length, 2 * slots->strings_size);
  slots->strings = g_malloc (slots->strings_size);
}

/* Reads the elements of the list, each an object, into @items. */
static gboolean
read_list_elements (Parser           *parser,
                    const TsJsonList *list,
                    GPtrArray        *items,
                    TsJsonSlots      *slots)
{
  gboolean more = TRUE;

  skip_whitespace (parser);
  if (parser->p >= parser->end || *parser->p != '[')
    {
      if (parser->p < parser->end)
        ts_json_set_type_error (&parser->error, list->name, "an array of objects", FALSE);
      else
        fail (parser, "expected a value");
      return FALSE;
    }
  parser->p++;
  skip_whitespace (parser);
  if (parser->p < parser->end && *parser->p == ']')
    {
      parser->p++;
      return TRUE;
    }

  while (more)
    {
      const char *item_start;
      gpointer item;

      skip_whitespace (parser);
      if (parser->p < parser->end && *parser->p != '{')
        {
          ts_json_set_type_error (&parser->error, list->name, "an array of objects", FALSE);
          return FALSE;
        }
      item_start = parser->p;
      parser->depth += 2;
      if (!read_object_into_slots (parser, list->members, list->n_members, slots))
        return FALSE;
      parser->depth -= 2;

      slots_reserve_strings (slots, parser->p - item_start);
      item = list->read_item (slots, &parser->error);
      ts_json_slots_reset (slots);
      if (item == NULL)
        {
          g_prefix_error (&parser->error, "“%s”[%u]: ", list->name, items->len);
          return FALSE;
        }
      g_ptr_array_add (items, item);

      if (!next_or_close (parser, ']', &more, "expected “,” or “]” after an element"))
        return FALSE;
    }
  return TRUE;
}

/* Reads the elements of the list, each an object, into @items. */
static gboolean
read_list_items (Parser             *parser,
                 const TsJsonList   *list,
                 GPtrArray          *items)
{
  TsJsonSlots slots = { 0 };
  gboolean read = FALSE;

  g_assert (list->n_slots <= TS_JSON_MAX_SLOTS);

  slots.n_slots = list->n_slots;
  read = read_list_elements (parser, list, items, &slots);
  ts_json_slots_clear (&slots);
  return read;
}

/* Reads `{"version": N, "<name>": […]}`, other members dropped. */
static GPtrArray *
read_list_object (Parser           *parser,
                  const TsJsonList *list,
                  gint64           *out_version)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) version = NULL;
  gboolean more = TRUE;

  if (!expect (parser, '{', "expected an object"))
    return NULL;
  skip_whitespace (parser);
  if (parser->p < parser->end && *parser->p == '}')
    {
      parser->p++;
      more = FALSE;
    }

  while (more)
    {
      char name[64];
      const char *name_start = read_member_name (parser, name, sizeof name);
      gboolean is_version, is_list;

      if (name_start == NULL)
        return NULL;
      is_version = strcmp (name, "version") == 0;
      is_list = strcmp (name, list->name) == 0;
      if ((is_version && version != NULL) || (is_list && items != NULL))
        {
          g_autofree char *message = g_strdup_printf ("“%s” appears twice in one object", name);

          fail_at (parser, name_start, message);
          return NULL;
        }

      if (is_list)
        {
          items = g_ptr_array_new_with_free_func (list->free_item);
          if (!read_list_items (parser, list, items))
            return NULL;
        }
      else
        {
          JsonNode *value;

          parser->member = is_version ? "version" : NULL;
          if ((value = read_value (parser)) == NULL)
            return NULL;
          if (is_version)
            version = value;
          else
            json_node_unref (value);
        }

      if (!next_or_close (parser, '}', &more, "expected “,” or “}” after a member"))
        return NULL;
    }

  if (!ts_json_read_int (version, "version", 0, G_MAXINT64, FALSE, out_version, &parser->error))
    return NULL;
  if (items == NULL)
    {
      g_set_error (&parser->error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” is missing", list->name);
      return NULL;
    }
  return g_steal_pointer (&items);
}

/**
 * ts_json_parse_list:
 * @data: JSON text, not necessarily NUL-terminated
 * @length: its length in bytes
 * @list: what the list holds and how to read an item
 * @out_version: (out): the version the list was read at
 *
 * Reads a long wrapped list, `{"version": N, "stories": […]}`, straight
 * from the text: each item's members go into slots and the item is made
 * from them at once, so no tree of the whole list is ever built. A
 * json-glib tree costs a hash table, a list and a copied name per member;
 * for a project of 10,000 stories, building and freeing it took three
 * times as long as reading the stories. Errors are those of
 * ts_json_parse() and of the item reader.
 *
 * Returns: (transfer full) (nullable): the items
 */
GPtrArray *
ts_json_parse_list (const char        *data,
                    gsize              length,
                    const TsJsonList  *list,
                    gint64            *out_version,
                    GError           **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (256);
  g_autoptr(GPtrArray) items = NULL;
  Parser parser = { 0 };
  gint64 version = 0;

  if (parser_begin (&parser, data, length, buffer) &&
      (items = read_list_object (&parser, list, &version)) != NULL &&
      parser_end (&parser))
    {
      *out_version = version;
      return g_steal_pointer (&items);
    }

  g_assert (parser.error != NULL);
  g_propagate_error (error, parser.error);
  return NULL;
}
