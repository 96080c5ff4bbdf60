/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-store-private.h"

G_BEGIN_DECLS

/* Rows inserted in blocks (ts-store-bulk.c), for imports. */
typedef struct _TsBulkRows TsBulkRows;

TsBulkRows *ts_bulk_rows_new            (const char   *insert,
                                         guint         n_columns);
void        ts_bulk_rows_free           (TsBulkRows   *rows);
void        ts_bulk_rows_add_int        (TsBulkRows   *rows,
                                         gint64        number);
void        ts_bulk_rows_add_text_take  (TsBulkRows   *rows,
                                         char         *text);
void        ts_bulk_rows_add_null       (TsBulkRows   *rows);
gboolean    ts_bulk_rows_insert         (TsStore      *store,
                                         TsBulkRows   *rows,
                                         GError      **error);
GArray     *ts_store_reserve_ids        (TsStore      *store,
                                         const char   *table,
                                         guint         n,
                                         GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsBulkRows, ts_bulk_rows_free)

G_END_DECLS
