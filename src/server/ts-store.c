/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

#include "ts-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

/**
 * TsStore:
 *
 * The server's database: SQLite in WAL mode with foreign keys on and
 * durable commits, migrated by `PRAGMA user_version`. Used from the main
 * thread only, so a handler's read-check-write runs without interleaving.
 *
 * Every change to a project happens inside one transaction with the
 * project's version increment and its change record (the event's name and
 * data), so `changes?since=` replays exactly what was published after the
 * commit.
 */

G_DEFINE_FINAL_TYPE (TsStore, ts_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (ts-store-error-quark, ts_store_error)

/* Each entry migrates from user_version i to i + 1. */
static const char * const migrations[] = {
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  name TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  created_at TEXT NOT NULL"
  ");"
  "CREATE TABLE tokens ("
  "  hash TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at TEXT NOT NULL"
  ");"
  "CREATE TABLE projects ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  name TEXT NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  start_date TEXT NOT NULL,"
  "  iteration_length INTEGER NOT NULL,"
  "  velocity_strategy INTEGER NOT NULL,"
  "  initial_velocity INTEGER NOT NULL,"
  "  point_scale TEXT NOT NULL,"
  "  bugs_and_chores_are_pointed INTEGER NOT NULL,"
  "  time_zone TEXT NOT NULL,"
  "  created_at TEXT NOT NULL"
  ");"
  "CREATE TABLE memberships ("
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (project_id, user_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX memberships_by_user ON memberships (user_id);"
  "CREATE TABLE iterations ("
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  number INTEGER NOT NULL,"
  "  team_strength REAL NOT NULL,"
  "  length INTEGER,"
  "  PRIMARY KEY (project_id, number)"
  ") WITHOUT ROWID;"
  /* Each *_v column holds the project version that last changed that
   * field, for the field-by-field merge of concurrent edits. */
  /* A story is its resource JSON (what GET answers, made once per change)
   * and the columns queries need. Each *_v column holds the project
   * version that last changed that field, for the field-by-field merge of
   * concurrent edits. AUTOINCREMENT: an id is never given twice, so a
   * client holding a deleted story's id can never mistake a new one for
   * it. */
  "CREATE TABLE stories ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  position TEXT NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'unscheduled',"
  "  estimate INTEGER,"
  "  version INTEGER NOT NULL,"
  "  json TEXT NOT NULL,"
  "  title_v INTEGER NOT NULL, description_v INTEGER NOT NULL,"
  "  type_v INTEGER NOT NULL, estimate_v INTEGER NOT NULL,"
  "  state_v INTEGER NOT NULL, labels_v INTEGER NOT NULL,"
  "  owner_ids_v INTEGER NOT NULL, requester_id_v INTEGER NOT NULL,"
  "  deadline_v INTEGER NOT NULL"
  ");"
  "CREATE UNIQUE INDEX stories_by_position ON stories (project_id, position);"
  "CREATE TABLE comments ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,"
  "  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  text TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  version INTEGER NOT NULL"
  ");"
  "CREATE INDEX comments_by_story ON comments (story_id);"
  "CREATE INDEX comments_by_project ON comments (project_id);"
  "CREATE TABLE changes ("
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  version INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  data TEXT NOT NULL,"
  "  PRIMARY KEY (project_id, version)"
  ") WITHOUT ROWID;"
  "CREATE TABLE idempotency ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  key TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user_id, key)"
  ") WITHOUT ROWID;"
  "CREATE INDEX idempotency_by_age ON idempotency (created_at);",

  /* 2: sessions end. A token's last use, in Unix seconds, recorded at
   * most once a day; tokens made before count as used now, so an upgrade
   * signs nobody out. */
  "ALTER TABLE tokens ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;"
  "UPDATE tokens SET last_used_at = CAST(strftime('%s', 'now') AS INTEGER);"
  "CREATE INDEX tokens_by_last_use ON tokens (last_used_at);",
};

static void
ts_store_finalize (GObject *object)
{
  TsStore *self = (TsStore *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);

  G_OBJECT_CLASS (ts_store_parent_class)->finalize (object);
}

static void
ts_store_class_init (TsStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_store_finalize;
}

static void
ts_store_init (TsStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) sqlite3_finalize);
}

void
ts_store_set_db_error (TsStore  *self,
                       GError  **error)
{
  g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
               "the database failed: %s", sqlite3_errmsg (self->db));
}

gboolean
ts_store_exec (TsStore     *self,
               const char  *sql,
               GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                   "the database failed: %s", message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/**
 * ts_store_prepare:
 * @sql: a static SQL text (it is the cache key)
 *
 * Returns: (transfer none): the statement, reset and unbound
 */
sqlite3_stmt *
ts_store_prepare (TsStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *statement = g_hash_table_lookup (self->statements, sql);

  if (statement != NULL)
    {
      sqlite3_reset (statement);
      sqlite3_clear_bindings (statement);
      return statement;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL) != SQLITE_OK)
    {
      ts_store_set_db_error (self, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, statement);
  return statement;
}

gboolean
ts_store_step_done (TsStore       *self,
                    sqlite3_stmt  *statement,
                    GError       **error)
{
  int status = sqlite3_step (statement);

  sqlite3_reset (statement);
  if (status != SQLITE_DONE && status != SQLITE_ROW)
    {
      ts_store_set_db_error (self, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (TsStore  *self,
         GError  **error)
{
  sqlite3_stmt *statement;
  int version;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &statement, NULL) != SQLITE_OK)
    {
      ts_store_set_db_error (self, error);
      return FALSE;
    }
  sqlite3_step (statement);
  version = sqlite3_column_int (statement, 0);
  sqlite3_finalize (statement);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                   "the database is from a newer truestory-server (schema %d; this one knows %u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (; version < (int) G_N_ELEMENTS (migrations); version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      g_info ("Migrating the database to schema %d", version + 1);
      if (!ts_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!ts_store_exec (self, migrations[version], error) ||
          !ts_store_exec (self, set_version, error))
        {
          ts_store_exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!ts_store_exec (self, "COMMIT", error))
        return FALSE;
    }
  return TRUE;
}

/* The database holds password hashes, tokens' hashes, the Pusher secret
 * and every project: only the server's user may read it. SQLite gives its
 * -wal and -shm the database file's mode, so the database is made 0600
 * before SQLite opens it, and files of an older run are made 0600 too. */
static gboolean
protect_files (const char  *path,
               GError     **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                   "cannot open the database %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  for (guint i = 1; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (path, suffixes[i], NULL);

      if (g_chmod (companion, 0600) != 0 && errno != ENOENT)
        {
          g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                       "cannot make %s private: %s", companion, g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * ts_store_open:
 * @path: the database file, made when missing (mode 0600, as are its
 *   -wal and -shm)
 * @history_limit: how many changes to keep per project
 *
 * Returns: (transfer full) (nullable): the store
 */
TsStore *
ts_store_open (const char  *path,
               guint        history_limit,
               GError     **error)
{
  g_autoptr(TsStore) self = g_object_new (TS_TYPE_STORE, NULL);

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (history_limit > 0, NULL);

  self->history_limit = history_limit;
  self->session_seconds = (gint64) TS_STORE_DEFAULT_SESSION_DAYS * 24 * 60 * 60;
  if (!protect_files (path, error))
    return NULL;
  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                   "cannot open the database %s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }

  /* WAL lets `user add` write while the server runs; FULL makes every
   * answered change survive a power cut, not only a crash; the busy
   * timeout covers that second writer. */
  sqlite3_busy_timeout (self->db, 5000);
  if (!ts_store_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !ts_store_exec (self, "PRAGMA synchronous = FULL", error) ||
      !ts_store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error) ||
      !ts_store_repair (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * ts_store_checkpoint:
 *
 * Folds the write-ahead log into the database, for a clean stop.
 */
void
ts_store_checkpoint (TsStore *self)
{
  g_return_if_fail (TS_IS_STORE (self));

  sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

gboolean
ts_store_begin (TsStore  *self,
                GError  **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!self->in_batch)
    {
      if (!ts_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      self->in_batch = TRUE;
    }
  if (!ts_store_exec (self, "SAVEPOINT change", error))
    return FALSE;
  self->in_transaction = TRUE;
  return TRUE;
}

gboolean
ts_store_end (TsStore  *self,
              GError  **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_transaction, FALSE);

  if (!ts_store_exec (self, "RELEASE change", error))
    {
      ts_store_rollback (self);
      return FALSE;
    }
  self->in_transaction = FALSE;
  return TRUE;
}

void
ts_store_rollback (TsStore *self)
{
  g_return_if_fail (TS_IS_STORE (self));

  if (!self->in_transaction)
    return;
  ts_store_exec (self, "ROLLBACK TO change", NULL);
  ts_store_exec (self, "RELEASE change", NULL);
  self->in_transaction = FALSE;
}

/**
 * ts_store_commit:
 *
 * Commits the batch. When that fails, every change of the batch is undone
 * and none may be acknowledged.
 */
gboolean
ts_store_commit (TsStore  *self,
                 GError  **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!self->in_batch)
    return TRUE;
  self->in_batch = FALSE;
  if (!ts_store_exec (self, "COMMIT", error))
    {
      ts_store_exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
ts_store_in_batch (TsStore *self)
{
  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  return self->in_batch;
}

char *
ts_store_dup_setting (TsStore    *self,
                      const char *key)
{
  sqlite3_stmt *statement = ts_store_prepare (self, "SELECT value FROM settings WHERE key = ?", NULL);
  char *value = NULL;

  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) == SQLITE_ROW)
    value = g_strdup (ts_store_column_text (statement, 0));
  sqlite3_reset (statement);
  return value;
}

gboolean
ts_store_set_setting (TsStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  sqlite3_stmt *statement =
    ts_store_prepare (self, "INSERT INTO settings (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, value, -1, SQLITE_STATIC);
  return ts_store_step_done (self, statement, error);
}

const char *
ts_store_column_text (sqlite3_stmt *statement,
                      int           column)
{
  return (const char *) sqlite3_column_text (statement, column);
}

GDateTime *
ts_store_column_time (sqlite3_stmt *statement,
                      int           column)
{
  return ts_timestamp_parse (ts_store_column_text (statement, column));
}

void
ts_store_bind_time (sqlite3_stmt *statement,
                    int           column,
                    GDateTime    *time)
{
  if (time == NULL)
    sqlite3_bind_null (statement, column);
  else
    sqlite3_bind_text (statement, column, ts_timestamp_to_string (time), -1, g_free);
}

gboolean
ts_store_check_member (TsStore  *self,
                       gint64    user_id,
                       gint64    project_id,
                       GError  **error)
{
  if (ts_store_is_member (self, user_id, project_id))
    return TRUE;

  g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
               "there is no project %" G_GINT64_FORMAT, project_id);
  return FALSE;
}

gboolean
ts_store_is_member (TsStore *self,
                    gint64   user_id,
                    gint64   project_id)
{
  sqlite3_stmt *statement =
    ts_store_prepare (self, "SELECT 1 FROM memberships WHERE project_id = ? AND user_id = ?", NULL);
  gboolean member;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, project_id);
  sqlite3_bind_int64 (statement, 2, user_id);
  member = sqlite3_step (statement) == SQLITE_ROW;
  sqlite3_reset (statement);
  return member;
}

/**
 * ts_store_next_version:
 *
 * Increments the project's version, inside the caller's transaction.
 *
 * Returns: the new version, or 0 on failure
 */
gint64
ts_store_next_version (TsStore  *self,
                       gint64    project_id,
                       GError  **error)
{
  sqlite3_stmt *statement =
    ts_store_prepare (self, "UPDATE projects SET version = version + 1 WHERE id = ? "
                            "RETURNING version", error);
  gint64 version = 0;

  g_assert (self->in_transaction);

  if (statement == NULL)
    return 0;
  sqlite3_bind_int64 (statement, 1, project_id);
  if (sqlite3_step (statement) == SQLITE_ROW)
    version = sqlite3_column_int64 (statement, 0);
  else
    ts_store_set_db_error (self, error);
  sqlite3_reset (statement);
  return version;
}

/**
 * ts_store_record_change:
 *
 * Writes the change record of @change (whose version is already the
 * project's new one) and forgets changes beyond the kept history.
 */
gboolean
ts_store_record_change (TsStore   *self,
                        gint64     project_id,
                        gint64     story_id,
                        TsChange  *change,
                        GError   **error)
{
  g_autoptr(JsonNode) node = ts_change_to_json (change, FALSE);
  sqlite3_stmt *statement;

  g_assert (self->in_transaction);

  statement = ts_store_prepare (self, "INSERT INTO changes (project_id, version, name, data) "
                                      "VALUES (?, ?, ?, ?)", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, project_id);
  sqlite3_bind_int64 (statement, 2, change->version);
  sqlite3_bind_text (statement, 3, ts_event_kind_to_string (change->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 4, ts_json_to_string (node), -1, g_free);
  if (!ts_store_step_done (self, statement, error))
    return FALSE;

  statement = ts_store_prepare (self, "DELETE FROM changes WHERE project_id = ? AND version <= ?",
                                error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, project_id);
  sqlite3_bind_int64 (statement, 2, change->version - self->history_limit);
  return ts_store_step_done (self, statement, error);
}

/**
 * ts_store_list_changes:
 * @since: the last version the client has
 * @limit: at most this many changes
 *
 * Returns: (transfer full) (element-type TsChange): the changes after
 *   @since, oldest first; TS_STORE_ERROR_GONE when some of them are no
 *   longer kept
 */
GPtrArray *
ts_store_list_changes (TsStore   *self,
                       gint64     user_id,
                       gint64     project_id,
                       gint64     since,
                       guint      limit,
                       gint64    *out_version,
                       gboolean  *out_more,
                       GError   **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_change_unref);
  g_autoptr(TsProject) project = NULL;
  sqlite3_stmt *statement;
  gint64 version, oldest = 0;
  int status;

  if (!ts_store_check_member (self, user_id, project_id, error) ||
      (project = ts_store_load_project (self, project_id, error)) == NULL)
    return NULL;
  version = ts_project_get_version (project);

  statement = ts_store_prepare (self, "SELECT min(version) FROM changes WHERE project_id = ?", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, project_id);
  if (sqlite3_step (statement) == SQLITE_ROW && sqlite3_column_type (statement, 0) != SQLITE_NULL)
    oldest = sqlite3_column_int64 (statement, 0);
  sqlite3_reset (statement);

  /* Versions before the oldest kept change are gone, unless nothing was
   * ever pruned (the project's history starts at version 1). */
  if (since < version && oldest > 1 && since < oldest - 1)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_GONE,
                   "changes after version %" G_GINT64_FORMAT " are no longer kept; "
                   "the oldest kept is %" G_GINT64_FORMAT, since, oldest);
      return NULL;
    }

  statement = ts_store_prepare (self, "SELECT name, data FROM changes "
                                      "WHERE project_id = ? AND version > ? "
                                      "ORDER BY version LIMIT ?", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, project_id);
  sqlite3_bind_int64 (statement, 2, since);
  sqlite3_bind_int64 (statement, 3, (gint64) limit + 1);
  while ((status = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *data = ts_store_column_text (statement, 1);
      g_autoptr(JsonObject) object = ts_json_parse_object (data, -1, error);
      TsChange *change;

      if (changes->len == limit)
        break;
      if (object == NULL ||
          (change = ts_change_from_json (object, ts_store_column_text (statement, 0), error)) == NULL)
        {
          sqlite3_reset (statement);
          g_prefix_error (error, "a stored change is damaged: ");
          return NULL;
        }
      g_ptr_array_add (changes, change);
    }
  if (status != SQLITE_ROW && status != SQLITE_DONE)
    ts_store_set_db_error (self, error);
  *out_more = status == SQLITE_ROW;
  sqlite3_reset (statement);
  if (status != SQLITE_ROW && status != SQLITE_DONE)
    return NULL;

  *out_version = version;
  return g_steal_pointer (&changes);
}
