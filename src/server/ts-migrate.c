/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-migrate"

#include "ts-migrate.h"

#include "ts-store-private.h"

/*
 * Moving a team from SQLite to PostgreSQL (`truestory-server migrate`):
 * every row of every table is copied as it is, ids, versions, per-field
 * versions, history and the hashes of tokens included, so that a token
 * made before works after, and an app that knew a project at version V
 * catches up with `changes?since=V` from the new database as from the old
 * (or reloads, 410, as it would have). The target is written in one
 * transaction that first locks its tables and checks they are empty, so a
 * failed copy, or a server started on it meanwhile, leaves it as it was.
 * The source is read in one read transaction, a snapshot.
 */

typedef enum {
  INTEGER = 'i',
  REAL = 'r',
  TEXT = 't',
} Kind;

typedef struct {
  const char *name;
  /* The columns, in both schemas, and their kinds, one letter each. */
  const char *columns;
  const char *kinds;
  const char *order;
  /* The target's extra columns and their values, or "". */
  const char *extra_columns;
  const char *extra_values;
  /* Its ids come from a sequence (AUTOINCREMENT, identity). */
  gboolean has_id;
} Table;

/* In an order foreign keys accept. */
static const Table tables[] = {
  { "settings", "key, value", "tt", "key", "", "", FALSE },
  { "users", "id, email, name, password_hash, created_at", "itttt", "id", "", "", TRUE },
  { "tokens", "hash, user_id, created_at, last_used_at", "titi", "hash", "", "", FALSE },
  { "projects", "id, name, version, start_date, iteration_length, velocity_strategy, "
                "initial_velocity, point_scale, bugs_and_chores_are_pointed, time_zone, "
                "created_at", "itititititt", "id", "", "", TRUE },
  { "memberships", "project_id, user_id", "ii", "project_id, user_id", "", "", FALSE },
  { "iterations", "project_id, number, team_strength, length", "iiri", "project_id, number",
    "", "", FALSE },
  { "stories", "id, project_id, position, state, estimate, version, json, title_v, "
               "description_v, type_v, estimate_v, state_v, labels_v, owner_ids_v, "
               "requester_id_v, deadline_v", "iittiitiiiiiiiii", "id", "", "", TRUE },
  { "comments", "id, project_id, story_id, author_id, text, created_at, version", "iiiitti",
    "id", "", "", TRUE },
  { "tasks", "id, project_id, story_id, position, text, done, version, text_v, done_v, "
             "position_v", "iiittiiiii", "id", "", "", TRUE },
  /* Imported stories' Tracker ids; admin_changes is SQLite's alone. */
  { "tracker_ids", "project_id, tracker_id, story_id", "iii", "project_id, tracker_id", "", "",
    FALSE },
  /* Every change copied was published by the old server: the new one's
   * publisher must not send the whole history again. */
  { "changes", "project_id, version, name, data", "iitt", "project_id, version",
    ", published", ", TRUE", FALSE },
  { "idempotency", "user_id, key, status, body, created_at", "ititi", "user_id, key", "", "",
    FALSE },
};

/* The settings each store makes for itself at open (its one-shot
 * repairs' marks) do not make a database "not empty". */
#define OWN_SETTINGS "key NOT LIKE 'repair.%'"

/* The statement cache is keyed by interned SQL. */
static const char *
intern_take (char *sql)
{
  const char *interned = g_intern_string (sql);

  g_free (sql);
  return interned;
}

static gint64
count_rows (TsStore    *store,
            const char *table,
            const char *where,
            GError    **error)
{
  const char *sql = intern_take (where != NULL
    ? g_strdup_printf ("SELECT count(*) FROM %s WHERE %s", table, where)
    : g_strdup_printf ("SELECT count(*) FROM %s", table));
  TsDbStatement *statement = ts_store_prepare (store, sql, error);
  gint64 count = -1;

  if (statement == NULL)
    return -1;
  if (ts_db_step (statement) == TS_DB_ROW)
    count = ts_db_column_int64 (statement, 0);
  else
    ts_store_set_db_error (store, error);
  ts_db_reset (statement);
  return count;
}

/* Every table of the target is empty, but for the settings it made for
 * itself. Called with the tables locked. */
static gboolean
check_empty (TsStore  *target,
             GError  **error)
{
  g_autoptr(GString) held = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      const char *where = g_str_equal (tables[i].name, "settings") ? OWN_SETTINGS : NULL;
      gint64 count = count_rows (target, tables[i].name, where, error);

      if (count < 0)
        return FALSE;
      if (count > 0)
        g_string_append_printf (held, "%s%s %" G_GINT64_FORMAT, held->len > 0 ? ", " : "",
                                tables[i].name, count);
    }
  if (held->len == 0)
    return TRUE;
  g_set_error (error, TS_MIGRATE_ERROR, TS_MIGRATE_ERROR_NOT_EMPTY,
               "the target database is not empty (%s): migrate writes only into an empty "
               "database, so nothing was written", held->str);
  return FALSE;
}

static void
copy_value (TsDbStatement *from,
            TsDbStatement *to,
            int            column,
            Kind           kind)
{
  if (ts_db_column_is_null (from, column))
    ts_db_bind_null (to, column + 1);
  else if (kind == INTEGER)
    ts_db_bind_int64 (to, column + 1, ts_db_column_int64 (from, column));
  else if (kind == REAL)
    ts_db_bind_double (to, column + 1, ts_db_column_double (from, column));
  else
    ts_db_bind_text (to, column + 1, ts_db_column_text (from, column));
}

static char *
insert_sql (const Table *table)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO %s (%s%s) VALUES (", table->name, table->columns,
                          table->extra_columns);
  for (guint i = 0; table->kinds[i] != '\0'; i++)
    g_string_append (sql, i == 0 ? "?" : ", ?");
  g_string_append_printf (sql, "%s)", table->extra_values);
  return g_string_free (sql, FALSE);
}

static gint64
copy_table (TsStore      *source,
            TsStore      *target,
            const Table  *table,
            GError      **error)
{
  const char *select = intern_take (g_strdup_printf ("SELECT %s FROM %s ORDER BY %s",
                                                      table->columns, table->name, table->order));
  const char *insert_key = intern_take (insert_sql (table));
  TsDbStatement *from = ts_store_prepare (source, select, error);
  gint64 n_rows = 0;
  TsDbStep step;

  if (from == NULL)
    return -1;
  while ((step = ts_db_step (from)) == TS_DB_ROW)
    {
      TsDbStatement *to = ts_store_prepare (target, insert_key, error);

      if (to == NULL)
        break;
      for (int i = 0; table->kinds[i] != '\0'; i++)
        copy_value (from, to, i, (Kind) table->kinds[i]);
      if (!ts_store_step_done (target, to, error))
        break;
      n_rows++;
    }
  if (step == TS_DB_FAILED)
    ts_store_set_db_error (source, error);
  ts_db_reset (from);
  if (step != TS_DB_DONE)
    {
      g_prefix_error (error, "copying %s: ", table->name);
      return -1;
    }
  return n_rows;
}

/* The highest id SQLite ever gave in @table: AUTOINCREMENT never gives
 * one twice, deleted rows' included, and neither may the new database. */
static gint64
highest_id (TsStore     *source,
            const char  *table,
            GError     **error)
{
  const char *sql = intern_take (g_strdup_printf (
    "SELECT max(coalesce((SELECT max(id) FROM %s), 0), "
    "coalesce((SELECT seq FROM sqlite_sequence WHERE name = '%s'), 0))", table, table));
  TsDbStatement *statement;
  gint64 highest = -1;

  /* sqlite_sequence is made by the first AUTOINCREMENT insert. */
  if (count_rows (source, "sqlite_master", "name = 'sqlite_sequence'", error) == 0)
    sql = intern_take (g_strdup_printf ("SELECT coalesce(max(id), 0) FROM %s", table));
  if ((statement = ts_store_prepare (source, sql, error)) == NULL)
    return -1;
  if (ts_db_step (statement) == TS_DB_ROW)
    highest = ts_db_column_int64 (statement, 0);
  else
    ts_store_set_db_error (source, error);
  ts_db_reset (statement);
  return highest;
}

/* The target's identity sequence gives ids past every one SQLite gave. */
static gboolean
advance_sequence (TsStore     *source,
                  TsStore     *target,
                  const char  *table,
                  GError     **error)
{
  gint64 highest = highest_id (source, table, error);
  TsDbStatement *statement;

  if (highest < 0)
    return FALSE;
  if (highest == 0)
    return TRUE;
  statement = ts_store_prepare (target, "SELECT setval(pg_get_serial_sequence(?, 'id'), ?)",
                                error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_text (statement, 1, table);
  ts_db_bind_int64 (statement, 2, highest);
  return ts_store_step_done (target, statement, error);
}

/* Counts every table on both sides: "users 12 → 12, …". */
static gboolean
check_counts (TsStore  *source,
              TsStore  *target,
              GString  *report,
              GError  **error)
{
  gboolean equal = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      gint64 before = count_rows (source, tables[i].name, NULL, error);
      gint64 after = before < 0 ? -1 : count_rows (target, tables[i].name, NULL, error);

      if (after < 0)
        return FALSE;
      g_string_append_printf (report, "%s%s %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT,
                              i > 0 ? ", " : "", tables[i].name, before, after);
      equal = equal && before == after;
    }
  if (!equal)
    g_set_error (error, TS_MIGRATE_ERROR, TS_MIGRATE_ERROR_COUNTS,
                 "the counts differ (%s), so nothing was written", report->str);
  return equal;
}

static gboolean
lock_target (TsStore  *target,
             GError  **error)
{
  /* EXCLUSIVE: servers on the target may read, none may write until the
   * copy is committed (or rolled back). */
  return ts_store_exec (target, "LOCK TABLE settings, users, tokens, projects, memberships, "
                                "iterations, stories, comments, tasks, tracker_ids, changes, idempotency "
                                "IN EXCLUSIVE MODE", error);
}

static gboolean
copy_all (TsStore  *source,
          TsStore  *target,
          GString  *report,
          GError  **error)
{
  if (!lock_target (target, error) || !check_empty (target, error))
    return FALSE;
  /* The target's own settings (its repairs' marks) give way to the
   * source's, which then count the same. */
  if (!ts_store_exec (target, "DELETE FROM settings", error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      if (copy_table (source, target, &tables[i], error) < 0)
        return FALSE;
      if (tables[i].has_id && !advance_sequence (source, target, tables[i].name, error))
        return FALSE;
    }
  return check_counts (source, target, report, error);
}

/**
 * ts_migrate_copy:
 * @source: an SQLite store, which nothing else serves (its data lock is
 *   held)
 * @target: a PostgreSQL store, migrated to the current schema
 * @report: where the counts are written, table by table
 *
 * Returns: whether everything was copied and committed; otherwise the
 *   target holds nothing of it
 */
gboolean
ts_migrate_copy (TsStore  *source,
                 TsStore  *target,
                 GString  *report,
                 GError  **error)
{
  gboolean copied;

  g_return_val_if_fail (TS_IS_STORE (source) && !ts_store_is_postgresql (source), FALSE);
  g_return_val_if_fail (TS_IS_STORE (target) && ts_store_is_postgresql (target), FALSE);

  if (!ts_store_exec (source, "BEGIN", error))
    return FALSE;
  if (!ts_store_exec (target, "BEGIN", error))
    {
      ts_store_exec (source, "ROLLBACK", NULL);
      return FALSE;
    }
  copied = copy_all (source, target, report, error);
  if (copied)
    copied = ts_store_exec (target, "COMMIT", error);
  else
    ts_store_exec (target, "ROLLBACK", NULL);
  ts_store_exec (source, "ROLLBACK", NULL);
  return copied;
}

G_DEFINE_QUARK (ts-migrate-error-quark, ts_migrate_error)
