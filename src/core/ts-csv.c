/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-csv"

#include "ts-csv.h"

#include <string.h>

#include "ts-core-error.h"

void
ts_csv_reader_init (TsCsvReader *reader,
                    const char  *data,
                    gsize        length)
{
  reader->data = data;
  reader->length = length;
  reader->offset = 0;
  reader->line = 1;
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    reader->offset = 3;
}

/* Ends the cell in @cell and adds it to @record. */
static void
end_cell (GPtrArray *record,
          GString   *cell)
{
  g_ptr_array_add (record, g_strndup (cell->str, cell->len));
  g_string_truncate (cell, 0);
}

/**
 * ts_csv_read_record:
 * @out_line: (out): the line the record starts on
 *
 * Reads the next record. A quoted cell that never ends, or a quote inside
 * an unquoted cell, is TS_CORE_ERROR_MALFORMED naming the line; a NUL
 * byte too, as no text holds one.
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the record's
 *   cells, or %NULL at the end of the data (error unset) or on an error
 */
GPtrArray *
ts_csv_read_record (TsCsvReader  *reader,
                    guint        *out_line,
                    GError      **error)
{
  g_autoptr(GPtrArray) record = NULL;
  g_autoptr(GString) cell = NULL;
  const char *data = reader->data;
  gsize end = reader->length;
  gsize i = reader->offset;
  gboolean quoted = FALSE, was_quoted = FALSE;
  guint quote_line = 0;

  *out_line = reader->line;
  if (i >= end)
    return NULL;

  record = g_ptr_array_new_with_free_func (g_free);
  cell = g_string_sized_new (64);
  while (i < end)
    {
      char c = data[i];

      if (c == '\0')
        {
          g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_MALFORMED,
                       "line %u: a NUL byte: this is not a text file", reader->line);
          return NULL;
        }
      if (quoted)
        {
          if (c == '"' && i + 1 < end && data[i + 1] == '"')
            {
              g_string_append_c (cell, '"');
              i += 2;
              continue;
            }
          if (c == '"')
            quoted = FALSE;
          else
            {
              if (c == '\n')
                reader->line++;
              g_string_append_c (cell, c);
            }
          i++;
          continue;
        }

      if (c == ',')
        {
          end_cell (record, cell);
          was_quoted = FALSE;
          i++;
        }
      else if (c == '\r' && i + 1 < end && data[i + 1] == '\n')
        {
          i += 2;
          reader->line++;
          break;
        }
      else if (c == '\n')
        {
          i++;
          reader->line++;
          break;
        }
      else if (c == '"' && cell->len == 0 && !was_quoted)
        {
          quoted = was_quoted = TRUE;
          quote_line = reader->line;
          i++;
        }
      else if (c == '"' || was_quoted)
        {
          g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_MALFORMED,
                       "line %u: a quote out of place", reader->line);
          return NULL;
        }
      else
        {
          g_string_append_c (cell, c);
          i++;
        }
    }
  if (quoted)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_MALFORMED,
                   "line %u: a quoted cell that never ends", quote_line);
      *out_line = quote_line;
      return NULL;
    }
  end_cell (record, cell);
  reader->offset = i;
  return g_steal_pointer (&record);
}

/**
 * ts_csv_append_cell:
 * @first: whether it starts its record (no comma before it)
 *
 * Appends @cell, quoted when it holds a comma, a quote, a line break or
 * leading or trailing space.
 */
void
ts_csv_append_cell (GString    *out,
                    const char *cell,
                    gboolean    first)
{
  if (!first)
    g_string_append_c (out, ',');
  if (cell == NULL || cell[0] == '\0')
    return;
  if (strpbrk (cell, ",\"\r\n") == NULL && !g_ascii_isspace (cell[0]) &&
      !g_ascii_isspace (cell[strlen (cell) - 1]))
    {
      g_string_append (out, cell);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = cell; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}
