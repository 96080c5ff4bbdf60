/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-tracker"

/* Reading Pivotal Tracker's stories CSV into rows: columns found by their
 * names in the header (never by position, as Tracker added and renamed
 * columns over the years), repeated columns collected in order, rows
 * shorter than the header completed with empty cells. */

#include "ts-tracker.h"

#include <stdio.h>
#include <string.h>

#include "ts-core-error.h"
#include "ts-csv.h"

static const struct {
  const char *name;
  int column;
} single_columns[] = {
  { "Id", TS_TRACKER_ID },
  { "Title", TS_TRACKER_TITLE },
  { "Story", TS_TRACKER_TITLE },
  { "Labels", TS_TRACKER_LABELS },
  { "Iteration", TS_TRACKER_ITERATION },
  { "Iteration Start", TS_TRACKER_ITERATION_START },
  { "Iteration End", TS_TRACKER_ITERATION_END },
  { "Type", TS_TRACKER_TYPE },
  { "Story Type", TS_TRACKER_TYPE },
  { "Estimate", TS_TRACKER_ESTIMATE },
  { "Priority", TS_TRACKER_PRIORITY },
  { "Current State", TS_TRACKER_CURRENT_STATE },
  { "Created at", TS_TRACKER_CREATED_AT },
  { "Accepted at", TS_TRACKER_ACCEPTED_AT },
  { "Deadline", TS_TRACKER_DEADLINE },
  { "Requested By", TS_TRACKER_REQUESTED_BY },
  { "Description", TS_TRACKER_DESCRIPTION },
  { "URL", TS_TRACKER_URL },
};

static const struct {
  const char *name;
  int list;
} list_columns[] = {
  { "Owned By", TS_TRACKER_OWNED_BY },
  { "Comment", TS_TRACKER_COMMENT },
  { "Note", TS_TRACKER_COMMENT },
  { "Task", TS_TRACKER_TASK },
  { "Task Status", TS_TRACKER_TASK_STATUS },
  { "Blocker", TS_TRACKER_BLOCKER },
  { "Blocker Status", TS_TRACKER_BLOCKER_STATUS },
  { "Pull Request", TS_TRACKER_PULL_REQUEST },
  { "Git Branch", TS_TRACKER_GIT_BRANCH },
};

/* What each column of the file is: a single column (>= 0), a repeated
 * one (-1 - list), or one this reader does not know (IGNORED). */
#define IGNORED G_MININT

static const char * const month_names[] = {
  "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};

void
ts_tracker_row_free (TsTrackerRow *row)
{
  for (guint i = 0; i < TS_TRACKER_N_COLUMNS; i++)
    g_free (row->cells[i]);
  for (guint i = 0; i < TS_TRACKER_N_LISTS; i++)
    g_clear_pointer (&row->lists[i], g_ptr_array_unref);
  g_free (row);
}

static int
column_kind (const char *header_cell)
{
  g_autofree char *name = g_strstrip (g_strdup (header_cell));

  for (guint i = 0; i < G_N_ELEMENTS (single_columns); i++)
    if (g_ascii_strcasecmp (name, single_columns[i].name) == 0)
      return single_columns[i].column;
  for (guint i = 0; i < G_N_ELEMENTS (list_columns); i++)
    if (g_ascii_strcasecmp (name, list_columns[i].name) == 0)
      return -1 - list_columns[i].list;
  return IGNORED;
}

/* The kinds of the header's columns; NULL when it is not Tracker's. */
static GArray *
read_header (GPtrArray  *header,
             GError    **error)
{
  g_autoptr(GArray) kinds = g_array_sized_new (FALSE, FALSE, sizeof (int), header->len);
  gboolean seen[TS_TRACKER_N_COLUMNS] = { FALSE, };

  for (guint i = 0; i < header->len; i++)
    {
      int kind;

      if (!g_utf8_validate (header->pdata[i], -1, NULL))
        {
          g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                               "line 1: the header is not UTF-8 text");
          return NULL;
        }
      kind = column_kind (header->pdata[i]);
      if (kind >= 0 && seen[kind])
        {
          g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                       "line 1: the column “%s” is there twice", (char *) header->pdata[i]);
          return NULL;
        }
      if (kind >= 0)
        seen[kind] = TRUE;
      g_array_append_val (kinds, kind);
    }
  if (!seen[TS_TRACKER_TITLE])
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "line 1: this is not a Pivotal Tracker CSV export: "
                           "its header has no “Title” (or “Story”) column");
      return NULL;
    }
  return g_steal_pointer (&kinds);
}

static gboolean
record_is_blank (GPtrArray *record)
{
  return record->len == 1 && ((char *) record->pdata[0])[0] == '\0';
}

static TsTrackerRow *
make_row (GPtrArray  *record,
          GArray     *kinds,
          guint       line,
          GError    **error)
{
  TsTrackerRow *row;

  if (record->len > kinds->len)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "line %u: %u cells, but the header names %u columns",
                   line, record->len, kinds->len);
      return NULL;
    }
  for (guint i = 0; i < record->len; i++)
    if (!g_utf8_validate (record->pdata[i], -1, NULL))
      {
        g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                     "line %u: cell %u is not UTF-8 text", line, i + 1);
        return NULL;
      }

  row = g_new0 (TsTrackerRow, 1);
  row->line = line;
  for (guint i = 0; i < TS_TRACKER_N_LISTS; i++)
    row->lists[i] = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < kinds->len; i++)
    {
      int kind = g_array_index (kinds, int, i);
      char *text = i < record->len ? g_steal_pointer (&record->pdata[i]) : g_strdup ("");

      if (kind == IGNORED)
        g_free (text);
      else if (kind >= 0)
        row->cells[kind] = text;
      else
        g_ptr_array_add (row->lists[-1 - kind], text);
    }
  for (guint i = 0; i < TS_TRACKER_N_COLUMNS; i++)
    if (row->cells[i] == NULL)
      row->cells[i] = g_strdup ("");
  return row;
}

/**
 * ts_tracker_read:
 * @out_line: (out): on an error, the line at fault
 *
 * Reads a Tracker CSV export: a header with a `Title` (or `Story`)
 * column, then a row per story or epic.
 *
 * Returns: (transfer full) (element-type TsTrackerRow) (nullable): its
 *   rows, in order
 */
GPtrArray *
ts_tracker_read (const char  *data,
                 gsize        length,
                 guint       *out_line,
                 GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_tracker_row_free);
  g_autoptr(GPtrArray) header = NULL;
  g_autoptr(GArray) kinds = NULL;
  GError *local_error = NULL;
  TsCsvReader reader;
  guint line = 1;

  ts_csv_reader_init (&reader, data, length);
  header = ts_csv_read_record (&reader, &line, &local_error);
  *out_line = line;
  if (header == NULL && local_error == NULL)
    g_set_error_literal (&local_error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                         "line 1: the file is empty");
  if (header == NULL || (kinds = read_header (header, &local_error)) == NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) record = ts_csv_read_record (&reader, &line, &local_error);
      TsTrackerRow *row;

      *out_line = line;
      if (record == NULL && local_error != NULL)
        {
          local_error->code = TS_CORE_ERROR_INVALID;
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (record == NULL)
        break;
      if (record_is_blank (record))
        continue;
      if ((row = make_row (record, kinds, line, error)) == NULL)
        return NULL;
      g_ptr_array_add (rows, row);
    }
  *out_line = 0;
  return g_steal_pointer (&rows);
}

/**
 * ts_tracker_parse_date:
 *
 * Reads a date as Tracker wrote it, `Nov 19, 2015` (and ISO `2015-11-19`).
 * A time after the date (`Nov 19, 2015 3:04 PM`) is ignored.
 */
gboolean
ts_tracker_parse_date (const char *text,
                       TsDay      *out_day)
{
  char month_text[4] = { 0, };
  int day = 0, year = 0, month = 0, consumed = 0;

  if (ts_day_parse (text, out_day))
    return TRUE;
  if (sscanf (text, "%3[A-Za-z]%*[A-Za-z.] %d, %d%n", month_text, &day, &year, &consumed) != 3 &&
      sscanf (text, "%3[A-Za-z] %d, %d%n", month_text, &day, &year, &consumed) != 3)
    return FALSE;
  if (text[consumed] != '\0' && text[consumed] != ' ')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (month_names); i++)
    if (g_ascii_strcasecmp (month_text, month_names[i]) == 0)
      month = (int) i + 1;
  if (month == 0 || year < 1 || year > 9999 || !g_date_valid_dmy (day, month, year))
    return FALSE;
  *out_day = ts_day_from_ymd (year, month, day);
  return TRUE;
}

/* Writes @day as Tracker did: `Nov 19, 2015`, in English whatever the
 * locale. */
void
ts_tracker_format_date (TsDay    day,
                        GString *out)
{
  static const char * const names[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  g_string_append_printf (out, "%s %u, %04u", names[g_date_get_month (&date) - 1],
                          (guint) g_date_get_day (&date), (guint) g_date_get_year (&date));
}
