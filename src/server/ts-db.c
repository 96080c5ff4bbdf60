/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

#include "ts-db.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "ts-store.h"

/**
 * TsDb:
 *
 * The store's one connection to its database, SQLite or PostgreSQL, with
 * the few calls the store makes: prepare (cached by SQL text), bind, step,
 * read a column. The store's SQL is written once, with `?` or `?N`
 * placeholders; for PostgreSQL they become `$N` here, and everything else
 * the two engines read alike (`RETURNING`, `ON CONFLICT`, savepoints).
 * What differs (the schema, `BEGIN IMMEDIATE`) is chosen by the store from
 * ts_db_get_dialect().
 *
 * PostgreSQL results are read whole by the step that runs the statement,
 * as text, and then walked row by row like SQLite's.
 */

/* The protocol's limit on a statement's parameters (an import's block
 * inserts take thousands). */
#define MAX_PARAMS 65535

/* Every answered change must survive a crash of the database too, and
 * text goes both ways as UTF-8. */
#define SESSION_SETTINGS "SET synchronous_commit = on; SET client_encoding = 'UTF8'"

struct _TsDbStatement
{
  TsDb *db;
  sqlite3_stmt *sqlite;
  /* PostgreSQL: the prepared statement's name, its parameters as text and
   * the result of its last run, walked by row. */
  char *name;
  char *translated;
  /* The connection generation it is prepared on. */
  guint generation;
  int n_params;
  char **params;
  PGresult *result;
  /* Its SQL holds the test hook's text (TsDb's fail_sql). */
  gboolean fails;
  int row;
  gint64 changes;
};

struct _TsDb
{
  GObject parent_instance;

  TsDbDialect dialect;
  sqlite3 *sqlite;
  PGconn *pg;
  /* Prepared statements, by their SQL text. */
  GHashTable *statements;
  guint n_prepared;
  /* Made again after a lost connection this many times. */
  guint generation;
  /* PostgreSQL: a transaction was open at the last command. A connection
   * lost then is not made again until the transaction is ended (its
   * COMMIT or ROLLBACK fails): statements after a new connection would
   * run outside it, and its COMMIT would seem to succeed. */
  gboolean open_transaction;
  /* PostgreSQL: the last failure's message and SQLSTATE. */
  char *message;
  char sqlstate[6];
  /* SQLite: the WAL's checkpoints, on a connection and thread of their
   * own (ts_db_start_checkpointer()). */
  sqlite3 *checkpoint_sqlite;
  GThread *checkpointer;
  GMutex checkpoint_lock;
  GCond checkpoint_cond;
  gboolean checkpoint_wanted;
  gboolean checkpoint_stop;
  /* A test hook: every step of a statement whose SQL holds the text of
   * TRUESTORY_TEST_FAIL_SQL fails, as on a busy or broken database, so
   * the tests can check that such a failure is answered 500 and changes
   * nothing. */
  const char *fail_sql;
  gboolean failed_by_test;
};

G_DEFINE_FINAL_TYPE (TsDb, ts_db, G_TYPE_OBJECT)

static void
statement_clear_params (TsDbStatement *statement)
{
  for (int i = 0; statement->params != NULL && i < statement->n_params; i++)
    g_clear_pointer (&statement->params[i], g_free);
}

static void
statement_free (TsDbStatement *statement)
{
  if (statement->sqlite != NULL)
    sqlite3_finalize (statement->sqlite);
  g_clear_pointer (&statement->result, PQclear);
  statement_clear_params (statement);
  g_free (statement->params);
  g_free (statement->name);
  g_free (statement->translated);
  g_free (statement);
}

static void
ts_db_finalize (GObject *object)
{
  TsDb *self = (TsDb *)object;

  ts_db_stop_checkpointer (self);
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_cond);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->sqlite != NULL)
    sqlite3_close (self->sqlite);
  g_clear_pointer (&self->pg, PQfinish);
  g_free (self->message);

  G_OBJECT_CLASS (ts_db_parent_class)->finalize (object);
}

static void
ts_db_class_init (TsDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_db_finalize;
}

static void
ts_db_init (TsDb *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) statement_free);
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_cond);
  self->fail_sql = g_getenv ("TRUESTORY_TEST_FAIL_SQL");
  if (self->fail_sql != NULL && *self->fail_sql == '\0')
    self->fail_sql = NULL;
}

TsDb *
ts_db_open_sqlite (const char  *path,
                   GError     **error)
{
  g_autoptr(TsDb) self = g_object_new (TS_TYPE_DB, NULL);

  self->dialect = TS_DB_SQLITE;
  if (sqlite3_open_v2 (path, &self->sqlite,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                   "cannot open the database %s: %s", path,
                   self->sqlite != NULL ? sqlite3_errmsg (self->sqlite) : "out of memory");
      return NULL;
    }
  /* The busy timeout covers a second writer (`user add`). */
  sqlite3_busy_timeout (self->sqlite, 5000);
  return g_steal_pointer (&self);
}

/* The checkpointer. SQLite folds the WAL back into the database after the
 * commit that takes it past 1,000 pages, inside that commit: on the
 * store thread, which every create waits for, a fold of 1,000 pages and
 * the database's fsync every couple of hundred creates. Here the commit
 * only wakes a thread that folds it on a connection of its own; a PASSIVE
 * checkpoint never blocks the writer, and SQLite restarts the WAL from
 * its start at the first write after a fold that took it all. Every
 * commit is as durable as before: the WAL is synced at each. */

#define CHECKPOINT_PAGES 1000

static int
wal_committed (void       *data,
               sqlite3    *sqlite,
               const char *name,
               int         n_pages)
{
  TsDb *self = data;

  if (n_pages >= CHECKPOINT_PAGES)
    {
      g_mutex_lock (&self->checkpoint_lock);
      self->checkpoint_wanted = TRUE;
      g_cond_signal (&self->checkpoint_cond);
      g_mutex_unlock (&self->checkpoint_lock);
    }
  return SQLITE_OK;
}

static gpointer
checkpointer_run (gpointer data)
{
  TsDb *self = data;

  g_mutex_lock (&self->checkpoint_lock);
  for (;;)
    {
      int status;

      while (!self->checkpoint_wanted && !self->checkpoint_stop)
        g_cond_wait (&self->checkpoint_cond, &self->checkpoint_lock);
      if (self->checkpoint_stop)
        break;
      self->checkpoint_wanted = FALSE;
      g_mutex_unlock (&self->checkpoint_lock);
      status = sqlite3_wal_checkpoint_v2 (self->checkpoint_sqlite, NULL,
                                          SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      /* Busy: another fold runs (`user add`'s), and the next commit
       * past the mark asks again. */
      if (status != SQLITE_OK && status != SQLITE_BUSY)
        g_warning ("folding the write-ahead log into the database: %s",
                   sqlite3_errmsg (self->checkpoint_sqlite));
      g_mutex_lock (&self->checkpoint_lock);
    }
  g_mutex_unlock (&self->checkpoint_lock);
  return NULL;
}

/**
 * ts_db_start_checkpointer:
 * @path: the database's file, which @self has open in WAL mode
 *
 * Moves the WAL's checkpoints off the thread that commits (SQLite only).
 */
gboolean
ts_db_start_checkpointer (TsDb        *self,
                          const char  *path,
                          GError     **error)
{
  g_return_val_if_fail (self->dialect == TS_DB_SQLITE, FALSE);
  g_return_val_if_fail (self->checkpointer == NULL, FALSE);

  if (sqlite3_open_v2 (path, &self->checkpoint_sqlite,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
      /* The fold syncs the database before the WAL is used again. */
      sqlite3_exec (self->checkpoint_sqlite, "PRAGMA synchronous = FULL", NULL, NULL,
                    NULL) != SQLITE_OK)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                   "cannot open the database %s again for its checkpoints: %s", path,
                   self->checkpoint_sqlite != NULL ? sqlite3_errmsg (self->checkpoint_sqlite)
                                                   : "out of memory");
      g_clear_pointer (&self->checkpoint_sqlite, sqlite3_close);
      return FALSE;
    }
  self->checkpoint_stop = FALSE;
  self->checkpointer = g_thread_new ("ts-checkpoint", checkpointer_run, self);
  /* The hook replaces SQLite's own checkpoints after commits. */
  sqlite3_wal_hook (self->sqlite, wal_committed, self);
  return TRUE;
}

/**
 * ts_db_stop_checkpointer:
 *
 * Gives the checkpoints back to the committing connection, after the one
 * that runs, if any; for a final fold, and before closing.
 */
void
ts_db_stop_checkpointer (TsDb *self)
{
  if (self->checkpointer == NULL)
    return;
  sqlite3_wal_autocheckpoint (self->sqlite, CHECKPOINT_PAGES);
  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_stop = TRUE;
  g_cond_signal (&self->checkpoint_cond);
  g_mutex_unlock (&self->checkpoint_lock);
  g_clear_pointer (&self->checkpointer, g_thread_join);
  g_clear_pointer (&self->checkpoint_sqlite, sqlite3_close);
}

/* PostgreSQL's notices (a savepoint that is already gone, say) are no
 * news to the server's log. */
static void
ignore_notice (void       *data,
               const char *message)
{
  g_debug ("%s", message);
}

TsDb *
ts_db_open_postgresql (const char  *url,
                       GError     **error)
{
  g_autoptr(TsDb) self = g_object_new (TS_TYPE_DB, NULL);

  self->dialect = TS_DB_POSTGRESQL;
  self->pg = PQconnectdb (url);
  if (PQstatus (self->pg) != CONNECTION_OK)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                   "cannot connect to the database: %s", PQerrorMessage (self->pg));
      g_strchomp ((*error)->message);
      return NULL;
    }
  PQsetNoticeProcessor (self->pg, ignore_notice, NULL);
  if (!ts_db_exec (self, SESSION_SETTINGS, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Session state (an advisory lock) lasts as long as one generation. */
guint
ts_db_get_generation (TsDb *self)
{
  return self->generation;
}

TsDbDialect
ts_db_get_dialect (TsDb *self)
{
  return self->dialect;
}

/* Keeps a failed PostgreSQL result's message and SQLSTATE; takes @result. */
static void
remember_failure (TsDb     *self,
                  PGresult *result)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  g_free (self->message);
  self->message = g_strchomp (g_strdup (result != NULL ? PQresultErrorMessage (result)
                                                       : PQerrorMessage (self->pg)));
  if (*self->message == '\0')
    {
      g_free (self->message);
      self->message = g_strchomp (g_strdup (PQerrorMessage (self->pg)));
    }
  g_strlcpy (self->sqlstate, state != NULL ? state : "", sizeof self->sqlstate);
  PQclear (result);
}

void
ts_db_set_error (TsDb    *self,
                 GError **error)
{
  g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED, "the database failed: %s",
               self->failed_by_test ? "TRUESTORY_TEST_FAIL_SQL"
               : self->dialect == TS_DB_SQLITE ? sqlite3_errmsg (self->sqlite) : self->message);
}

/**
 * ts_db_failed_on_unique:
 *
 * Returns: whether the last failure broke a unique constraint
 */
gboolean
ts_db_failed_on_unique (TsDb *self)
{
  if (self->dialect == TS_DB_SQLITE)
    return sqlite3_extended_errcode (self->sqlite) == SQLITE_CONSTRAINT_UNIQUE;
  return g_str_equal (self->sqlstate, "23505");
}

static void
note_transaction (TsDb *self)
{
  PGTransactionStatusType status = PQtransactionStatus (self->pg);

  self->open_transaction = status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

/* A broken PostgreSQL connection is made again between transactions; its
 * prepared statements went with it. */
static void
reconnect_when_broken (TsDb *self)
{
  if (self->pg == NULL || PQstatus (self->pg) == CONNECTION_OK || self->open_transaction)
    return;
  g_warning ("The connection to the database was lost; connecting again");
  PQreset (self->pg);
  self->generation++;
  if (PQstatus (self->pg) == CONNECTION_OK)
    PQclear (PQexec (self->pg, SESSION_SETTINGS));
}

gboolean
ts_db_exec (TsDb        *self,
            const char  *sql,
            GError     **error)
{
  /* Its failures are its own, never the test hook's. */
  self->failed_by_test = FALSE;
  if (self->dialect == TS_DB_SQLITE)
    {
      char *message = NULL;

      if (sqlite3_exec (self->sqlite, sql, NULL, NULL, &message) != SQLITE_OK)
        {
          g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                       "the database failed: %s", message);
          sqlite3_free (message);
          return FALSE;
        }
      return TRUE;
    }
  else
    {
      PGresult *result;
      gboolean ends = (g_str_has_prefix (sql, "COMMIT") || g_str_has_prefix (sql, "ROLLBACK")) &&
                      !g_str_has_prefix (sql, "ROLLBACK TO");

      reconnect_when_broken (self);
      result = PQexec (self->pg, sql);
      if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK &&
          PQstatus (self->pg) != CONNECTION_OK && !self->open_transaction && !ends)
        {
          /* Lost outside a transaction: nothing was done; again, anew. */
          PQclear (result);
          reconnect_when_broken (self);
          result = PQexec (self->pg, sql);
        }
      if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
        {
          remember_failure (self, result);
          ts_db_set_error (self, error);
          if (ends)
            self->open_transaction = FALSE;
          return FALSE;
        }
      PQclear (result);
      note_transaction (self);
      return TRUE;
    }
}

/**
 * ts_db_translate:
 * @sql: SQL with `?` and `?N` placeholders
 *
 * Returns: (transfer full): the same SQL with PostgreSQL's `$N`; quoted
 *   text and names are left alone
 */
static char *
ts_db_translate (const char *sql,
                 int        *out_n_params)
{
  GString *text = g_string_sized_new (strlen (sql) + 16);
  char quote = 0;
  int next = 0, highest = 0;

  for (const char *p = sql; *p != '\0'; p++)
    {
      if (quote != 0)
        {
          if (*p == quote)
            quote = 0;
          g_string_append_c (text, *p);
        }
      else if (*p == '\'' || *p == '"')
        {
          quote = *p;
          g_string_append_c (text, *p);
        }
      else if (*p == '?')
        {
          int number;

          if (g_ascii_isdigit (p[1]))
            {
              char *end;

              number = (int) strtol (p + 1, &end, 10);
              p = end - 1;
            }
          else
            number = ++next;
          highest = MAX (highest, number);
          g_string_append_printf (text, "$%d", number);
        }
      else
        g_string_append_c (text, *p);
    }
  *out_n_params = highest;
  return g_string_free (text, FALSE);
}

/* Prepares @statement on the current connection (again after a new
 * connection: prepared statements go with the old one). */
static gboolean
send_prepare (TsDbStatement *statement)
{
  TsDb *self = statement->db;
  PGresult *result = PQprepare (self->pg, statement->name, statement->translated, 0, NULL);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      remember_failure (self, result);
      return FALSE;
    }
  PQclear (result);
  statement->generation = self->generation;
  return TRUE;
}

static TsDbStatement *
prepare_postgresql (TsDb        *self,
                    const char  *sql,
                    GError     **error)
{
  TsDbStatement *statement = g_new0 (TsDbStatement, 1);

  statement->translated = ts_db_translate (sql, &statement->n_params);
  g_assert (statement->n_params <= MAX_PARAMS);
  statement->params = g_new0 (char *, MAX (statement->n_params, 1));
  statement->db = self;
  statement->name = g_strdup_printf ("ts%u", ++self->n_prepared);
  if (!send_prepare (statement))
    {
      ts_db_set_error (self, error);
      statement_free (statement);
      return NULL;
    }
  return statement;
}

/**
 * ts_db_prepare:
 * @sql: a static or interned SQL text (it is the cache key)
 *
 * Returns: (transfer none): the statement, reset and unbound
 */
TsDbStatement *
ts_db_prepare (TsDb        *self,
               const char  *sql,
               GError     **error)
{
  TsDbStatement *statement = g_hash_table_lookup (self->statements, sql);

  if (statement != NULL)
    {
      ts_db_reset (statement);
      if (statement->sqlite != NULL)
        sqlite3_clear_bindings (statement->sqlite);
      statement_clear_params (statement);
      return statement;
    }

  if (self->dialect == TS_DB_POSTGRESQL)
    {
      reconnect_when_broken (self);
      statement = prepare_postgresql (self, sql, error);
      if (statement == NULL)
        return NULL;
    }
  else
    {
      statement = g_new0 (TsDbStatement, 1);
      statement->db = self;
      if (sqlite3_prepare_v3 (self->sqlite, sql, -1, SQLITE_PREPARE_PERSISTENT,
                              &statement->sqlite, NULL) != SQLITE_OK)
        {
          self->failed_by_test = FALSE;
          ts_db_set_error (self, error);
          statement_free (statement);
          return NULL;
        }
    }
  statement->fails = self->fail_sql != NULL && strstr (sql, self->fail_sql) != NULL;
  g_hash_table_insert (self->statements, (gpointer) sql, statement);
  return statement;
}

void
ts_db_bind_text_take (TsDbStatement *statement,
                      int            index,
                      char          *text)
{
  if (statement->sqlite != NULL)
    {
      sqlite3_bind_text (statement->sqlite, index, text, -1, g_free);
      return;
    }
  g_assert (index >= 1 && index <= statement->n_params);
  g_free (statement->params[index - 1]);
  statement->params[index - 1] = text;
}

void
ts_db_bind_text (TsDbStatement *statement,
                 int            index,
                 const char    *text)
{
  if (statement->sqlite != NULL)
    sqlite3_bind_text (statement->sqlite, index, text, -1, SQLITE_TRANSIENT);
  else
    ts_db_bind_text_take (statement, index, g_strdup (text));
}

void
ts_db_bind_int64 (TsDbStatement *statement,
                  int            index,
                  gint64         value)
{
  if (statement->sqlite != NULL)
    sqlite3_bind_int64 (statement->sqlite, index, value);
  else
    ts_db_bind_text_take (statement, index, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

void
ts_db_bind_double (TsDbStatement *statement,
                   int            index,
                   double         value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (statement->sqlite != NULL)
    sqlite3_bind_double (statement->sqlite, index, value);
  else
    ts_db_bind_text (statement, index, g_ascii_dtostr (buffer, sizeof buffer, value));
}

void
ts_db_bind_null (TsDbStatement *statement,
                 int            index)
{
  if (statement->sqlite != NULL)
    sqlite3_bind_null (statement->sqlite, index);
  else
    ts_db_bind_text_take (statement, index, NULL);
}

/* Runs @statement once; a connection found lost outside a transaction
 * is made again and the statement run on it (nothing of it was done). */
static PGresult *
run_prepared (TsDbStatement *statement)
{
  TsDb *self = statement->db;

  for (guint attempt = 0; ; attempt++)
    {
      PGresult *result = NULL;
      ExecStatusType status;

      if (statement->generation == self->generation || send_prepare (statement))
        result = PQexecPrepared (self->pg, statement->name, statement->n_params,
                                 (const char * const *) statement->params, NULL, NULL, 0);
      status = result != NULL ? PQresultStatus (result) : PGRES_FATAL_ERROR;
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        return result;
      remember_failure (self, result);
      if (attempt > 0 || PQstatus (self->pg) == CONNECTION_OK || self->open_transaction)
        return NULL;
      reconnect_when_broken (self);
    }
}

static TsDbStep
step_postgresql (TsDbStatement *statement)
{
  TsDb *self = statement->db;

  if (statement->result == NULL)
    {
      PGresult *result = run_prepared (statement);

      if (result == NULL)
        return TS_DB_FAILED;
      statement->result = result;
      statement->row = -1;
      statement->changes = g_ascii_strtoll (PQcmdTuples (result), NULL, 10);
      note_transaction (self);
    }
  if (statement->row + 1 < PQntuples (statement->result))
    {
      statement->row++;
      return TS_DB_ROW;
    }
  return TS_DB_DONE;
}

TsDbStep
ts_db_step (TsDbStatement *statement)
{
  statement->db->failed_by_test = statement->fails;
  if (G_UNLIKELY (statement->fails))
    return TS_DB_FAILED;
  if (statement->sqlite != NULL)
    {
      int status = sqlite3_step (statement->sqlite);

      if (status == SQLITE_ROW)
        return TS_DB_ROW;
      if (status == SQLITE_DONE)
        {
          statement->changes = sqlite3_changes (statement->db->sqlite);
          return TS_DB_DONE;
        }
      return TS_DB_FAILED;
    }
  return step_postgresql (statement);
}

void
ts_db_reset (TsDbStatement *statement)
{
  if (statement->sqlite != NULL)
    sqlite3_reset (statement->sqlite);
  g_clear_pointer (&statement->result, PQclear);
}

/* Runs @statement to its end (or its first row) and resets it. */
gboolean
ts_db_step_done (TsDbStatement  *statement,
                 GError        **error)
{
  TsDbStep step = ts_db_step (statement);

  if (step == TS_DB_ROW && statement->sqlite != NULL)
    statement->changes = sqlite3_changes (statement->db->sqlite);
  if (step == TS_DB_FAILED)
    ts_db_set_error (statement->db, error);
  ts_db_reset (statement);
  return step != TS_DB_FAILED;
}

/**
 * ts_db_changes:
 *
 * Returns: how many rows the statement's last run inserted, changed or
 *   deleted
 */
gint64
ts_db_changes (TsDbStatement *statement)
{
  return statement->changes;
}

gboolean
ts_db_column_is_null (TsDbStatement *statement,
                      int            column)
{
  if (statement->sqlite != NULL)
    return sqlite3_column_type (statement->sqlite, column) == SQLITE_NULL;
  return PQgetisnull (statement->result, statement->row, column);
}

const char *
ts_db_column_text (TsDbStatement *statement,
                   int            column)
{
  if (statement->sqlite != NULL)
    return (const char *) sqlite3_column_text (statement->sqlite, column);
  if (PQgetisnull (statement->result, statement->row, column))
    return NULL;
  return PQgetvalue (statement->result, statement->row, column);
}

gint64
ts_db_column_int64 (TsDbStatement *statement,
                    int            column)
{
  const char *text;

  if (statement->sqlite != NULL)
    return sqlite3_column_int64 (statement->sqlite, column);
  text = ts_db_column_text (statement, column);
  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

int
ts_db_column_int (TsDbStatement *statement,
                  int            column)
{
  return (int) ts_db_column_int64 (statement, column);
}

double
ts_db_column_double (TsDbStatement *statement,
                     int            column)
{
  const char *text;

  if (statement->sqlite != NULL)
    return sqlite3_column_double (statement->sqlite, column);
  text = ts_db_column_text (statement, column);
  return text != NULL ? g_ascii_strtod (text, NULL) : 0;
}
