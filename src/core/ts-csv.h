/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 4180 comma-separated values, as spreadsheets and Pivotal Tracker
 * write them: cells quoted with `"` may hold commas, doubled quotes and
 * line breaks; records end with CRLF or LF; a UTF-8 byte-order mark at
 * the start is skipped. */

typedef struct {
  const char *data;
  gsize length;
  gsize offset;
  /* The line the next record starts on, counted from 1. */
  guint line;
} TsCsvReader;

void      ts_csv_reader_init   (TsCsvReader  *reader,
                                const char   *data,
                                gsize         length);
GPtrArray *ts_csv_read_record  (TsCsvReader  *reader,
                                guint        *out_line,
                                GError      **error);

void      ts_csv_append_cell   (GString      *out,
                                const char   *cell,
                                gboolean      first);

G_END_DECLS
