/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* Many rows in few statements, for an import: ids reserved in one query
 * and rows inserted hundreds to a statement. Row by row, 10,000 Tracker
 * stories with their tasks and comments were some 70,000 round trips to
 * PostgreSQL, 21 s on the test machine; in blocks they are a few dozen. */

#include "ts-store-bulk.h"

/* Rows per INSERT, and parameters: PostgreSQL takes at most 65,535. Blocks
 * of 500 rows took 3.6 s for 10,000 stories on PostgreSQL, of up to 2,000
 * about 1.7 s. */
#define MAX_ROWS 2000
#define MAX_PARAMS 30000

typedef enum {
  CELL_NULL,
  CELL_INT,
  CELL_TEXT,
} CellKind;

typedef struct {
  CellKind kind;
  gint64 number;
  char *text;
} Cell;

struct _TsBulkRows
{
  const char *insert;
  guint n_columns;
  GArray *cells;
};

static void
cell_clear (Cell *cell)
{
  g_free (cell->text);
}

TsBulkRows *
ts_bulk_rows_new (const char *insert,
                  guint       n_columns)
{
  TsBulkRows *rows = g_new0 (TsBulkRows, 1);

  rows->insert = insert;
  rows->n_columns = n_columns;
  rows->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  g_array_set_clear_func (rows->cells, (GDestroyNotify) cell_clear);
  return rows;
}

void
ts_bulk_rows_free (TsBulkRows *rows)
{
  g_array_unref (rows->cells);
  g_free (rows);
}

void
ts_bulk_rows_add_int (TsBulkRows *rows,
                      gint64      number)
{
  Cell cell = { CELL_INT, number, NULL };

  g_array_append_val (rows->cells, cell);
}

/* @text: (transfer full) (nullable): NULL is SQL NULL */
void
ts_bulk_rows_add_text_take (TsBulkRows *rows,
                            char       *text)
{
  Cell cell = { text != NULL ? CELL_TEXT : CELL_NULL, 0, text };

  g_array_append_val (rows->cells, cell);
}

void
ts_bulk_rows_add_null (TsBulkRows *rows)
{
  Cell cell = { CELL_NULL, 0, NULL };

  g_array_append_val (rows->cells, cell);
}

/* `INSERT … VALUES (?, …), …` for @n_rows rows, interned: the statement
 * cache is keyed by the text. */
static const char *
insert_sql (TsBulkRows *rows,
            guint       n_rows)
{
  g_autoptr(GString) sql = g_string_new (rows->insert);

  g_string_append (sql, " VALUES ");
  for (guint i = 0; i < n_rows; i++)
    {
      g_string_append (sql, i > 0 ? ",(" : "(");
      for (guint j = 0; j < rows->n_columns; j++)
        g_string_append (sql, j > 0 ? ",?" : "?");
      g_string_append_c (sql, ')');
    }
  return g_intern_string (sql->str);
}

/**
 * ts_bulk_rows_insert:
 *
 * Inserts the rows added, in blocks, inside the caller's transaction.
 */
gboolean
ts_bulk_rows_insert (TsStore     *store,
                     TsBulkRows  *rows,
                     GError     **error)
{
  guint n_rows = rows->cells->len / rows->n_columns;
  guint block = MIN (MAX_ROWS, MAX_PARAMS / rows->n_columns);

  g_return_val_if_fail (rows->cells->len % rows->n_columns == 0, FALSE);

  for (guint first = 0; first < n_rows; first += block)
    {
      guint n = MIN (block, n_rows - first);
      TsDbStatement *statement = ts_store_prepare (store, insert_sql (rows, n), error);

      if (statement == NULL)
        return FALSE;
      for (guint i = 0; i < n * rows->n_columns; i++)
        {
          Cell *cell = &g_array_index (rows->cells, Cell, first * rows->n_columns + i);

          if (cell->kind == CELL_INT)
            ts_db_bind_int64 (statement, i + 1, cell->number);
          else if (cell->kind == CELL_TEXT)
            ts_db_bind_text (statement, i + 1, cell->text);
          else
            ts_db_bind_null (statement, i + 1);
        }
      if (!ts_store_step_done (store, statement, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * ts_store_reserve_ids:
 * @table: `stories` or `tasks`, whose ids come from a sequence
 *
 * Reserves @n ids of @table, to insert rows with: on PostgreSQL from the
 * identity's sequence (other servers may take values between them), on
 * SQLite (inside the write transaction, where nobody else inserts) after
 * the largest ever given, which AUTOINCREMENT then moves past.
 *
 * Returns: (transfer full) (element-type gint64) (nullable): @n ids
 */
GArray *
ts_store_reserve_ids (TsStore     *store,
                      const char  *table,
                      guint        n,
                      GError     **error)
{
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  g_autofree char *sql = NULL;
  TsDbStatement *statement;
  gboolean postgresql = ts_store_is_postgresql (store);
  TsDbStep step;

  if (n == 0)
    return g_steal_pointer (&ids);
  sql = postgresql
    ? g_strdup_printf ("SELECT nextval(pg_get_serial_sequence('%s', 'id')) "
                       "FROM generate_series(1, ?)", table)
    : g_strdup_printf ("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '%s'), 0), "
                       "coalesce((SELECT max(id) FROM %s), 0))", table, table);
  statement = ts_store_prepare (store, g_intern_string (sql), error);
  if (statement == NULL)
    return NULL;
  if (postgresql)
    ts_db_bind_int64 (statement, 1, n);
  while ((step = ts_db_step (statement)) == TS_DB_ROW)
    {
      gint64 value = ts_db_column_int64 (statement, 0);

      if (postgresql)
        g_array_append_val (ids, value);
      else
        for (guint i = 1; i <= n; i++)
          g_array_append_val (ids, (gint64) { value + i });
    }
  ts_db_reset (statement);
  if (step != TS_DB_DONE || ids->len != n)
    {
      ts_store_set_db_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}
