/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TsDbDialect:
 * @TS_DB_SQLITE: an SQLite file
 * @TS_DB_POSTGRESQL: a PostgreSQL database, over libpq
 */
typedef enum {
  TS_DB_SQLITE,
  TS_DB_POSTGRESQL,
} TsDbDialect;

/**
 * TsDbStep:
 * @TS_DB_ROW: a row is there to read
 * @TS_DB_DONE: the statement ran to its end
 * @TS_DB_FAILED: it failed; ts_db_set_error() says why
 */
typedef enum {
  TS_DB_ROW,
  TS_DB_DONE,
  TS_DB_FAILED,
} TsDbStep;

#define TS_TYPE_DB (ts_db_get_type ())

G_DECLARE_FINAL_TYPE (TsDb, ts_db, TS, DB, GObject)

typedef struct _TsDbStatement TsDbStatement;

TsDb          *ts_db_open_sqlite      (const char     *path,
                                       GError        **error);
TsDb          *ts_db_open_postgresql  (const char     *url,
                                       GError        **error);
gboolean       ts_db_start_checkpointer (TsDb         *self,
                                         const char   *path,
                                         GError      **error);
void           ts_db_stop_checkpointer (TsDb          *self);
TsDbDialect    ts_db_get_dialect      (TsDb           *self);
guint          ts_db_get_generation   (TsDb           *self);
gboolean       ts_db_exec             (TsDb           *self,
                                       const char     *sql,
                                       GError        **error);
void           ts_db_set_error        (TsDb           *self,
                                       GError        **error);
gboolean       ts_db_failed_on_unique (TsDb           *self);

TsDbStatement *ts_db_prepare          (TsDb           *self,
                                       const char     *sql,
                                       GError        **error);
void           ts_db_bind_int64       (TsDbStatement  *statement,
                                       int             index,
                                       gint64          value);
void           ts_db_bind_double      (TsDbStatement  *statement,
                                       int             index,
                                       double          value);
void           ts_db_bind_text        (TsDbStatement  *statement,
                                       int             index,
                                       const char     *text);
void           ts_db_bind_text_take   (TsDbStatement  *statement,
                                       int             index,
                                       char           *text);
void           ts_db_bind_null        (TsDbStatement  *statement,
                                       int             index);
TsDbStep       ts_db_step             (TsDbStatement  *statement);
void           ts_db_reset            (TsDbStatement  *statement);
gboolean       ts_db_step_done        (TsDbStatement  *statement,
                                       GError        **error);
gint64         ts_db_changes          (TsDbStatement  *statement);
gboolean       ts_db_column_is_null   (TsDbStatement  *statement,
                                       int             column);
gint64         ts_db_column_int64     (TsDbStatement  *statement,
                                       int             column);
int            ts_db_column_int       (TsDbStatement  *statement,
                                       int             column);
double         ts_db_column_double    (TsDbStatement  *statement,
                                       int             column);
const char    *ts_db_column_text      (TsDbStatement  *statement,
                                       int             column);

G_END_DECLS
