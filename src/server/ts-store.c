/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

#include "ts-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* The advisory lock that migrations hold on PostgreSQL: "TSMG". */
#define TS_STORE_MIGRATION_LOCK "1414745415"

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

  /* 3: emails are looked up as lower(email) = lower(?), the one form both
   * engines read alike (the column's NOCASE is SQLite's alone). */
  "CREATE INDEX IF NOT EXISTS users_by_lower_email ON users (lower(email));",

  /* 4: evictions from another process. An admin command (`member remove`,
   * `user remove`, `user password`) beside the serving server writes one
   * row per project and user whose sockets must leave its channels; the
   * server reads the new rows when PRAGMA data_version changes. PostgreSQL
   * has NOTIFY for this, so its schema has no such table. Rows are
   * forgotten a day later by the next writer. */
  "CREATE TABLE IF NOT EXISTS evictions ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  project_id INTEGER NOT NULL,"
  "  user_id INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  /* A removed user's comments keep their author's id, as stories keep a
   * removed member's as owner or requester: clients read an author as a
   * positive id, and ON DELETE SET NULL would have written 0 into every
   * answer (`user remove` is the first to delete users). SQLite changes a
   * foreign key only by making the table again; its AUTOINCREMENT counter
   * is carried over, so no comment id is ever given twice. */
  "CREATE TABLE comments_new ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,"
  "  author_id INTEGER,"
  "  text TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  version INTEGER NOT NULL"
  ");"
  "INSERT INTO comments_new (id, project_id, story_id, author_id, text, created_at, version) "
  "  SELECT id, project_id, story_id, author_id, text, created_at, version FROM comments;"
  "DELETE FROM sqlite_sequence WHERE name = 'comments_new';"
  "UPDATE sqlite_sequence SET name = 'comments_new' WHERE name = 'comments';"
  "DROP TABLE comments;"
  "ALTER TABLE comments_new RENAME TO comments;"
  "CREATE INDEX comments_by_story ON comments (story_id);"
  "CREATE INDEX comments_by_project ON comments (project_id);",

  /* Tasks: a story's checklist (src/DESIGN.md, Tasks). Each row keeps,
   * like a story, the project version that last changed each of its
   * fields, so two people ticking two tasks of one story both win. The
   * story's stored JSON carries its tasks too (what GET answers); stories
   * stored before gain `"tasks":[]`, so every answer has the member. */
  "CREATE TABLE IF NOT EXISTS tasks ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,"
  "  position TEXT NOT NULL,"
  "  text TEXT NOT NULL,"
  "  done INTEGER NOT NULL DEFAULT 0,"
  "  version INTEGER NOT NULL,"
  "  text_v INTEGER NOT NULL, done_v INTEGER NOT NULL, position_v INTEGER NOT NULL"
  ");"
  "CREATE UNIQUE INDEX IF NOT EXISTS tasks_by_position ON tasks (story_id, position);"
  "CREATE INDEX IF NOT EXISTS tasks_by_project ON tasks (project_id);"
  "UPDATE stories SET json = substr(json, 1, length(json) - 1) || ',\"tasks\":[]}' "
  "  WHERE json LIKE '%}' AND json NOT LIKE '%\"tasks\":%';",

  /* Tracker imports. The Tracker id of each imported story, so that
   * importing a file again makes nothing twice; and the changes an
   * import-tracker command beside the serving server committed, which
   * that server reads when PRAGMA data_version changes and publishes
   * (PostgreSQL publishes every change from the database already). */
  "CREATE TABLE IF NOT EXISTS tracker_ids ("
  "  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  tracker_id INTEGER NOT NULL,"
  "  story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (project_id, tracker_id)"
  ");"
  "CREATE INDEX IF NOT EXISTS tracker_ids_by_story ON tracker_ids (story_id);"
  "CREATE TABLE IF NOT EXISTS admin_changes ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  project_id INTEGER NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");",

  /* Idempotency-Keys in a rowid table: a kept answer (the story's JSON)
   * is appended after the last one, beside the batch's others, and only
   * a small entry goes into the key's index at its random place. Keyed by
   * the key, each answer went to a random page of its own (a WAL frame a
   * create, and page splits), and into the age index with the key again.
   * Rows are in creation order, so the day-old ones are pruned from the
   * start of the table (ts_store_remember_idempotent()) with no index on
   * their age. */
  "CREATE TABLE idempotency_rows ("
  "  id INTEGER PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  key TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "INSERT INTO idempotency_rows (user_id, key, status, body, created_at) "
  "  SELECT user_id, key, status, body, created_at FROM idempotency ORDER BY created_at;"
  "DROP TABLE idempotency;"
  "ALTER TABLE idempotency_rows RENAME TO idempotency;"
  "CREATE UNIQUE INDEX idempotency_by_key ON idempotency (user_id, key);",
};

/* The same schema on PostgreSQL, versioned on its own (the
 * schema_version table) and written in one step: no PostgreSQL database
 * predates it. Text is COLLATE "C" throughout, so it compares byte by
 * byte as in SQLite (ordering keys rely on it) and lower() folds ASCII
 * only, as SQLite's NOCASE does. Identity ids, like AUTOINCREMENT, are
 * never given twice. */
static const char * const pg_migrations[] = {
  "CREATE TABLE settings ("
  "  key TEXT COLLATE \"C\" PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE users ("
  "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  email TEXT COLLATE \"C\" NOT NULL,"
  "  name TEXT COLLATE \"C\" NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  created_at TEXT NOT NULL"
  ");"
  "CREATE UNIQUE INDEX users_by_lower_email ON users (lower(email));"
  "CREATE TABLE tokens ("
  "  hash TEXT COLLATE \"C\" PRIMARY KEY,"
  "  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at TEXT NOT NULL,"
  "  last_used_at BIGINT NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX tokens_by_last_use ON tokens (last_used_at);"
  "CREATE INDEX tokens_by_user ON tokens (user_id);"
  "CREATE TABLE projects ("
  "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  name TEXT COLLATE \"C\" NOT NULL,"
  "  version BIGINT NOT NULL DEFAULT 0,"
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
  "  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (project_id, user_id)"
  ");"
  "CREATE INDEX memberships_by_user ON memberships (user_id);"
  "CREATE TABLE iterations ("
  "  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  number INTEGER NOT NULL,"
  "  team_strength DOUBLE PRECISION NOT NULL,"
  "  length INTEGER,"
  "  PRIMARY KEY (project_id, number)"
  ");"
  "CREATE TABLE stories ("
  "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  position TEXT COLLATE \"C\" NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'unscheduled',"
  "  estimate INTEGER,"
  "  version BIGINT NOT NULL,"
  "  json TEXT NOT NULL,"
  "  title_v BIGINT NOT NULL, description_v BIGINT NOT NULL,"
  "  type_v BIGINT NOT NULL, estimate_v BIGINT NOT NULL,"
  "  state_v BIGINT NOT NULL, labels_v BIGINT NOT NULL,"
  "  owner_ids_v BIGINT NOT NULL, requester_id_v BIGINT NOT NULL,"
  "  deadline_v BIGINT NOT NULL"
  ");"
  "CREATE UNIQUE INDEX stories_by_position ON stories (project_id, position);"
  "CREATE TABLE comments ("
  "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,"
  "  author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,"
  "  text TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  version BIGINT NOT NULL"
  ");"
  "CREATE INDEX comments_by_story ON comments (story_id);"
  "CREATE INDEX comments_by_project ON comments (project_id);"
  "CREATE TABLE changes ("
  "  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  version BIGINT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  data TEXT NOT NULL,"
  "  PRIMARY KEY (project_id, version)"
  ");"
  "CREATE TABLE idempotency ("
  "  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  key TEXT COLLATE \"C\" NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at BIGINT NOT NULL,"
  "  PRIMARY KEY (user_id, key)"
  ");"
  "CREATE INDEX idempotency_by_age ON idempotency (created_at);",

  /* 2: publishing from the database. A change record is published by the
   * one server holding the publisher lock, which marks it; the socket
   * that caused it is left out of its event. Existing records count as
   * published. */
  "ALTER TABLE changes ADD COLUMN published BOOLEAN NOT NULL DEFAULT TRUE;"
  "ALTER TABLE changes ALTER COLUMN published SET DEFAULT FALSE;"
  "ALTER TABLE changes ADD COLUMN socket_id TEXT;"
  "CREATE INDEX changes_unpublished ON changes (project_id, version) WHERE NOT published;",

  /* 3: a removed user's comments keep their author's id (see SQLite's
   * step 4). */
  "ALTER TABLE comments DROP CONSTRAINT IF EXISTS comments_author_id_fkey;",

  /* Tasks (see SQLite's step with the tasks table). */
  "CREATE TABLE IF NOT EXISTS tasks ("
  "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,"
  "  position TEXT COLLATE \"C\" NOT NULL,"
  "  text TEXT NOT NULL,"
  "  done INTEGER NOT NULL DEFAULT 0,"
  "  version BIGINT NOT NULL,"
  "  text_v BIGINT NOT NULL, done_v BIGINT NOT NULL, position_v BIGINT NOT NULL"
  ");"
  "CREATE UNIQUE INDEX IF NOT EXISTS tasks_by_position ON tasks (story_id, position);"
  "CREATE INDEX IF NOT EXISTS tasks_by_project ON tasks (project_id);"
  "UPDATE stories SET json = left(json, -1) || ',\"tasks\":[]}' "
  "  WHERE json LIKE '%}' AND json NOT LIKE '%\"tasks\":%';",

  /* The Tracker id of each imported story (see SQLite's step). */
  "CREATE TABLE IF NOT EXISTS tracker_ids ("
  "  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,"
  "  tracker_id BIGINT NOT NULL,"
  "  story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (project_id, tracker_id)"
  ");"
  "CREATE INDEX IF NOT EXISTS tracker_ids_by_story ON tracker_ids (story_id);",
};

static void
ts_store_finalize (GObject *object)
{
  TsStore *self = (TsStore *)object;

  g_clear_object (&self->db);
  g_free (self->socket_id);
  g_free (self->change_data);
  g_free (self->story_json);

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
}

void
ts_store_set_db_error (TsStore  *self,
                       GError  **error)
{
  ts_db_set_error (self->db, error);
}

gboolean
ts_store_exec (TsStore     *self,
               const char  *sql,
               GError     **error)
{
  return ts_db_exec (self->db, sql, error);
}

/* One statement that runs for every change (a savepoint, its release,
 * the commit): on SQLite it is prepared once and kept, where
 * sqlite3_exec() would parse it again each time. */
static gboolean
exec_kept (TsStore     *self,
           const char  *sql,
           GError     **error)
{
  TsDbStatement *statement;

  if (ts_store_is_postgresql (self))
    return ts_store_exec (self, sql, error);
  statement = ts_store_prepare (self, sql, error);
  return statement != NULL && ts_store_step_done (self, statement, error);
}

/**
 * ts_store_exec_begin:
 *
 * Begins a write transaction: SQLite takes its write lock at once (a
 * deferred one could fail to upgrade half-way), PostgreSQL locks rows as
 * they are written or selected FOR UPDATE.
 */
gboolean
ts_store_exec_begin (TsStore  *self,
                     GError  **error)
{
  return exec_kept (self, ts_store_is_postgresql (self) ? "BEGIN" : "BEGIN IMMEDIATE", error);
}

gboolean
ts_store_is_postgresql (TsStore *self)
{
  return ts_db_get_dialect (self->db) == TS_DB_POSTGRESQL;
}

/**
 * ts_store_prepare:
 * @sql: a static SQL text (it is the cache key)
 *
 * Returns: (transfer none): the statement, reset and unbound
 */
TsDbStatement *
ts_store_prepare (TsStore     *self,
                  const char  *sql,
                  GError     **error)
{
  return ts_db_prepare (self->db, sql, error);
}

/**
 * ts_store_step_lookup:
 *
 * Steps a lookup to its first row. A failed step (the database busy, an
 * I/O error) is TS_DB_FAILED with @error set (500, which clients retry):
 * read as "no row" it would answer 404, and the app closes a project it
 * is told is gone and drops its unsent edits.
 */
TsDbStep
ts_store_step_lookup (TsStore        *self,
                      TsDbStatement  *statement,
                      GError        **error)
{
  TsDbStep step = ts_db_step (statement);

  if (step == TS_DB_FAILED)
    ts_db_set_error (self->db, error);
  return step;
}

gboolean
ts_store_step_done (TsStore        *self,
                    TsDbStatement  *statement,
                    GError        **error)
{
  return ts_db_step_done (statement, error);
}

static gint64
schema_version (TsStore  *self,
                GError  **error)
{
  TsDbStatement *statement;
  gint64 version = -1;

  if (ts_store_is_postgresql (self))
    {
      if (!ts_store_exec (self, "CREATE TABLE IF NOT EXISTS schema_version ("
                                "  version BIGINT NOT NULL)", error))
        return -1;
      statement = ts_store_prepare (self, "SELECT coalesce(max(version), 0) FROM schema_version",
                                    error);
    }
  else
    statement = ts_store_prepare (self, "PRAGMA user_version", error);
  if (statement == NULL)
    return -1;
  if (ts_db_step (statement) == TS_DB_ROW)
    version = ts_db_column_int64 (statement, 0);
  else
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  return version;
}

static gboolean
set_schema_version (TsStore  *self,
                    gint64    version,
                    GError  **error)
{
  g_autofree char *sql = NULL;

  if (ts_store_is_postgresql (self))
    sql = g_strdup_printf ("DELETE FROM schema_version; "
                           "INSERT INTO schema_version (version) VALUES (%" G_GINT64_FORMAT ")",
                           version);
  else
    sql = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version);
  return ts_store_exec (self, sql, error);
}

/* Migrates in one transaction per step. On PostgreSQL the whole run holds
 * an advisory lock, so instances started together on an empty database
 * migrate it once: the others wait, then find it current. */
static gboolean
migrate (TsStore  *self,
         GError  **error)
{
  gboolean postgresql = ts_store_is_postgresql (self);
  const char * const *steps = postgresql ? pg_migrations : migrations;
  gint64 n_steps = postgresql ? (gint64) G_N_ELEMENTS (pg_migrations) : (gint64) G_N_ELEMENTS (migrations);
  gint64 version;

  if (postgresql && !ts_store_exec (self, "SELECT pg_advisory_lock(" TS_STORE_MIGRATION_LOCK ")",
                                    error))
    return FALSE;
  version = schema_version (self, error);
  if (version >= 0 && version > n_steps)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                   "the database is from a newer truestory-server (schema %" G_GINT64_FORMAT
                   "; this one knows %" G_GINT64_FORMAT ")", version, n_steps);
      version = -1;
    }

  for (; version >= 0 && version < n_steps; version++)
    {
      g_info ("Migrating the database to schema %" G_GINT64_FORMAT, version + 1);
      if (!ts_store_exec_begin (self, error))
        version = -2;
      else if (!ts_store_exec (self, steps[version], error) ||
               !set_schema_version (self, version + 1, error))
        {
          ts_store_exec (self, "ROLLBACK", NULL);
          version = -2;
        }
      else if (!ts_store_exec (self, "COMMIT", error))
        version = -2;
    }

  if (postgresql)
    ts_store_exec (self, "SELECT pg_advisory_unlock(" TS_STORE_MIGRATION_LOCK ")", NULL);
  return version >= 0;
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
  if ((self->db = ts_db_open_sqlite (path, error)) == NULL)
    return NULL;

  /* WAL lets `user add` write while the server runs; FULL makes every
   * answered change survive a power cut, not only a crash. */
  if (!ts_store_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !ts_store_exec (self, "PRAGMA synchronous = FULL", error) ||
      !ts_store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error) ||
      !ts_store_repair (self, error) ||
      !ts_db_start_checkpointer (self->db, path, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * ts_store_open_url:
 * @url: a PostgreSQL connection URI (`postgresql://…`) or string
 * @history_limit: how many changes to keep per project
 *
 * Opens the store on a PostgreSQL database, migrating it when it is
 * older (under an advisory lock, so several servers may start at once).
 *
 * Returns: (transfer full) (nullable): the store
 */
TsStore *
ts_store_open_url (const char  *url,
                   guint        history_limit,
                   GError     **error)
{
  g_autoptr(TsStore) self = g_object_new (TS_TYPE_STORE, NULL);

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (history_limit > 0, NULL);

  self->history_limit = history_limit;
  self->session_seconds = (gint64) TS_STORE_DEFAULT_SESSION_DAYS * 24 * 60 * 60;
  if ((self->db = ts_db_open_postgresql (url, error)) == NULL ||
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

  if (!ts_store_is_postgresql (self))
    {
      ts_db_stop_checkpointer (self->db);
      ts_store_exec (self, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
    }
}

gboolean
ts_store_begin (TsStore  *self,
                GError  **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!self->in_batch)
    {
      if (!ts_store_exec_begin (self, error))
        return FALSE;
      self->in_batch = TRUE;
    }
  if (!exec_kept (self, "SAVEPOINT change", error))
    return FALSE;
  self->in_transaction = TRUE;
  g_clear_pointer (&self->socket_id, g_free);
  g_clear_pointer (&self->change_data, g_free);
  g_clear_pointer (&self->story_json, g_free);
  return TRUE;
}

gboolean
ts_store_end (TsStore  *self,
              GError  **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_transaction, FALSE);

  if (!exec_kept (self, "RELEASE change", error))
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
  exec_kept (self, "ROLLBACK TO change", NULL);
  exec_kept (self, "RELEASE change", NULL);
  self->in_transaction = FALSE;
  g_clear_pointer (&self->change_data, g_free);
  g_clear_pointer (&self->story_json, g_free);
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
  if (!exec_kept (self, "COMMIT", error))
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

/**
 * ts_store_get_batch_limit:
 * @limit: the most changes a batch may hold on SQLite
 *
 * On PostgreSQL every change is a transaction of its own: a batch would
 * hold the rows it locked (projects, keys) until its commit, so that the
 * batches of two servers could wait for each other, and PostgreSQL groups
 * the WAL flushes of concurrent commits itself.
 *
 * Returns: how many changes a batch may hold
 */
guint
ts_store_get_batch_limit (TsStore *self,
                          guint    limit)
{
  g_return_val_if_fail (TS_IS_STORE (self), 1);

  return ts_store_is_postgresql (self) ? 1 : limit;
}

char *
ts_store_dup_setting (TsStore    *self,
                      const char *key)
{
  TsDbStatement *statement = ts_store_prepare (self, "SELECT value FROM settings WHERE key = ?", NULL);
  char *value = NULL;

  if (statement == NULL)
    return NULL;
  ts_db_bind_text (statement, 1, key);
  if (ts_db_step (statement) == TS_DB_ROW)
    value = g_strdup (ts_store_column_text (statement, 0));
  ts_db_reset (statement);
  return value;
}

gboolean
ts_store_set_setting (TsStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  TsDbStatement *statement =
    ts_store_prepare (self, "INSERT INTO settings (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (statement == NULL)
    return FALSE;
  ts_db_bind_text (statement, 1, key);
  ts_db_bind_text (statement, 2, value);
  return ts_store_step_done (self, statement, error);
}

/**
 * ts_store_add_setting:
 *
 * Keeps @value under @key unless the key has a value already, which then
 * stays: servers starting together on one database may each make one, and
 * read back the one kept.
 */
gboolean
ts_store_add_setting (TsStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  TsDbStatement *statement =
    ts_store_prepare (self, "INSERT INTO settings (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO NOTHING", error);

  if (statement == NULL)
    return FALSE;
  ts_db_bind_text (statement, 1, key);
  ts_db_bind_text (statement, 2, value);
  return ts_store_step_done (self, statement, error);
}

const char *
ts_store_column_text (TsDbStatement *statement,
                      int           column)
{
  return ts_db_column_text (statement, column);
}

GDateTime *
ts_store_column_time (TsDbStatement *statement,
                      int           column)
{
  return ts_timestamp_parse (ts_store_column_text (statement, column));
}

void
ts_store_bind_time (TsDbStatement *statement,
                    int           column,
                    GDateTime    *time)
{
  if (time == NULL)
    ts_db_bind_null (statement, column);
  else
    ts_db_bind_text_take (statement, column, ts_timestamp_to_string (time));
}

/* Locks the project's row for the change's transaction: on PostgreSQL
 * the changes to one project, from any server, are made one after the
 * other, each reading what the one before committed. (SQLite's write
 * transaction already excludes every other writer.) */
static gboolean
lock_project (TsStore  *self,
              gint64    project_id,
              GError  **error)
{
  TsDbStatement *statement;

  if (!self->in_transaction || !ts_store_is_postgresql (self))
    return TRUE;
  statement = ts_store_prepare (self, "SELECT id FROM projects WHERE id = ? FOR UPDATE", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  return ts_store_step_done (self, statement, error);
}

gboolean
ts_store_check_member (TsStore  *self,
                       gint64    user_id,
                       gint64    project_id,
                       GError  **error)
{
  g_autoptr(GError) failure = NULL;

  if (!lock_project (self, project_id, error))
    return FALSE;
  if (ts_store_is_member (self, user_id, project_id, &failure))
    return TRUE;
  if (failure != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&failure));
      return FALSE;
    }

  g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
               "there is no project %" G_GINT64_FORMAT, project_id);
  return FALSE;
}

/**
 * ts_store_is_member:
 * @error: set when the database failed: then the answer is unknown,
 *   never "not a member" (a 404 makes the app drop its copy)
 *
 * Returns: %TRUE if the user is a member of the project
 */
gboolean
ts_store_is_member (TsStore  *self,
                    gint64    user_id,
                    gint64    project_id,
                    GError  **error)
{
  TsDbStatement *statement =
    ts_store_prepare (self, "SELECT 1 FROM memberships WHERE project_id = ? AND user_id = ?", error);
  gboolean member;

  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, user_id);
  member = ts_store_step_lookup (self, statement, error) == TS_DB_ROW;
  ts_db_reset (statement);
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
  TsDbStatement *statement =
    ts_store_prepare (self, "UPDATE projects SET version = version + 1 WHERE id = ? "
                            "RETURNING version", error);
  gint64 version = 0;

  g_assert (self->in_transaction);

  if (statement == NULL)
    return 0;
  ts_db_bind_int64 (statement, 1, project_id);
  if (ts_db_step (statement) == TS_DB_ROW)
    version = ts_db_column_int64 (statement, 0);
  else
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  return version;
}

/**
 * ts_store_record_change:
 *
 * Writes the change record of @change (whose version is already the
 * project's new one) and forgets changes beyond the kept history.
 */
/* The record's data: a story's change takes the story's text its row was
 * just written with (write_story()), the same object, instead of writing
 * it again. */
static char *
change_data_text (TsStore  *self,
                  TsChange *change)
{
  g_autoptr(JsonNode) node = NULL;
  gboolean story_kind = change->kind == TS_EVENT_STORIES_CREATE ||
                        change->kind == TS_EVENT_STORIES_UPDATE ||
                        change->kind == TS_EVENT_STORIES_MOVE;

  if (story_kind && !change->thin && change->story != NULL && self->story_json != NULL &&
      self->story_json_id == ts_story_get_id (change->story) &&
      self->story_json_version == ts_story_get_version (change->story))
    return ts_change_to_string_with_story (change, self->story_json);
  node = ts_change_to_json (change, FALSE);
  return ts_json_to_string (node);
}

gboolean
ts_store_record_change (TsStore   *self,
                        gint64     project_id,
                        gint64     story_id,
                        TsChange  *change,
                        GError   **error)
{
  TsDbStatement *statement;

  g_assert (self->in_transaction);

  /* On PostgreSQL the record waits to be published from the database,
   * with the socket its event leaves out. */
  statement = ts_store_is_postgresql (self)
    ? ts_store_prepare (self, "INSERT INTO changes (project_id, version, name, data, socket_id) "
                              "VALUES (?, ?, ?, ?, ?)", error)
    : ts_store_prepare (self, "INSERT INTO changes (project_id, version, name, data) "
                              "VALUES (?, ?, ?, ?)", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, change->version);
  ts_db_bind_text (statement, 3, ts_event_kind_to_string (change->kind));
  g_free (self->change_data);
  self->change_data = change_data_text (self, change);
  self->change_data_project = project_id;
  self->change_data_version = change->version;
  ts_db_bind_text (statement, 4, self->change_data);
  if (ts_store_is_postgresql (self))
    ts_db_bind_text (statement, 5, self->socket_id);
  if (!ts_store_step_done (self, statement, error))
    return FALSE;

  statement = ts_store_prepare (self, "DELETE FROM changes WHERE project_id = ? AND version <= ?",
                                error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, change->version - self->history_limit);
  return ts_store_step_done (self, statement, error);
}

/**
 * ts_store_take_change_data:
 *
 * The change's record is its event's full data: written once, it is used
 * for both.
 *
 * Returns: (transfer full) (nullable): the data of the record the open or
 *   last change wrote for @version of @project_id, or %NULL when it wrote
 *   none
 */
char *
ts_store_take_change_data (TsStore *self,
                           gint64   project_id,
                           gint64   version)
{
  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (self->change_data == NULL || self->change_data_project != project_id ||
      self->change_data_version != version)
    return NULL;
  return g_steal_pointer (&self->change_data);
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
  TsDbStatement *statement;
  gint64 version, oldest = 0;
  int status;

  if (!ts_store_check_member (self, user_id, project_id, error) ||
      (project = ts_store_load_project (self, project_id, error)) == NULL)
    return NULL;
  version = ts_project_get_version (project);

  statement = ts_store_prepare (self, "SELECT min(version) FROM changes WHERE project_id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  if (ts_db_step (statement) == TS_DB_ROW && !ts_db_column_is_null (statement, 0))
    oldest = ts_db_column_int64 (statement, 0);
  ts_db_reset (statement);

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
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, since);
  ts_db_bind_int64 (statement, 3, (gint64) limit + 1);
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    {
      const char *data = ts_store_column_text (statement, 1);
      g_autoptr(JsonObject) object = ts_json_parse_object (data, -1, error);
      TsChange *change;

      if (changes->len == limit)
        break;
      if (object == NULL ||
          (change = ts_change_from_json (object, ts_store_column_text (statement, 0), error)) == NULL)
        {
          ts_db_reset (statement);
          g_prefix_error (error, "a stored change is damaged: ");
          return NULL;
        }
      g_ptr_array_add (changes, change);
    }
  if (status != TS_DB_ROW && status != TS_DB_DONE)
    ts_store_set_db_error (self, error);
  *out_more = status == TS_DB_ROW;
  ts_db_reset (statement);
  if (status != TS_DB_ROW && status != TS_DB_DONE)
    return NULL;

  *out_version = version;
  return g_steal_pointer (&changes);
}
