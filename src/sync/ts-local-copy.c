/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-local-copy"

/*
 * TsLocalCopy: an account's copy of the projects it opened, so that the
 * app opens at once and without the network (src/DESIGN.md, *Local copy*).
 *
 * One SQLite file per account in $XDG_CACHE_HOME/truestory/, named by a
 * hash of the server URL and the user id; the file also records that
 * identity and the server's Pusher key, and a copy that does not match
 * them, of another schema or unreadable is discarded, never trusted. The
 * connection belongs to one worker thread: the main thread queues writes
 * (copies of its objects) and loads, and the worker gathers the writes into
 * one transaction committed at most COMMIT_EVERY_MS after its first, so the
 * window never waits for the disk and a version applied is on disk within
 * a second.
 */

#include "ts-local-copy.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "ts-json.h"

/* Bumped whenever the tables change: an older copy is discarded and the
 * projects are read from the server again. */
#define SCHEMA_VERSION 1
#define COMMIT_EVERY_MS 200

typedef enum {
  OP_REPLACE,
  OP_APPLY,
  OP_MEMBERS,
  OP_DROP,
  OP_KEY,
  OP_LOAD,
  OP_LIST,
  OP_SYNC,
  OP_DELETE,
  OP_QUIT,
} OpKind;

typedef struct {
  OpKind kind;
  gint64 project_id;
  gint64 version;
  TsProject *project;       /* nullable */
  GPtrArray *stories;       /* TsStory, owned copies */
  GArray *deleted;          /* story ids */
  GPtrArray *members;       /* TsUser */
  char *key;
  GTask *task;              /* OP_LOAD */
  gboolean *done;           /* OP_SYNC, OP_DELETE: set under the lock */
} Op;

struct _TsLocalCopy
{
  GObject parent_instance;

  char *path;
  char *server_url;
  gint64 user_id;
  GAsyncQueue *queue;
  GThread *worker;
  GMutex lock;
  GCond cond;

  /* The worker's alone. */
  sqlite3 *db;
  gboolean in_transaction;
  gint64 transaction_started;
};

G_DEFINE_FINAL_TYPE (TsLocalCopy, ts_local_copy, G_TYPE_OBJECT)

void
ts_local_project_free (TsLocalProject *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->project);
  g_clear_pointer (&self->stories, g_ptr_array_unref);
  g_clear_pointer (&self->members, g_ptr_array_unref);
  g_free (self);
}

static void
op_free (Op *op)
{
  g_clear_object (&op->project);
  g_clear_pointer (&op->stories, g_ptr_array_unref);
  g_clear_pointer (&op->deleted, g_array_unref);
  g_clear_pointer (&op->members, g_ptr_array_unref);
  g_free (op->key);
  g_clear_object (&op->task);
  g_free (op);
}

static Op *
op_new (OpKind kind,
        gint64 project_id)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->project_id = project_id;
  return op;
}

/* SQL */

static gboolean
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_debug ("Local copy: “%s” failed: %s", sql, message);
  sqlite3_free (message);
  return FALSE;
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      g_debug ("Local copy: cannot prepare “%s”: %s", sql, sqlite3_errmsg (db));
      return NULL;
    }
  return statement;
}

static char *
read_meta (sqlite3    *db,
           const char *key)
{
  sqlite3_stmt *statement = prepare (db, "SELECT value FROM meta WHERE key = ?1");
  char *value = NULL;

  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
  return value;
}

static gboolean
write_meta (sqlite3    *db,
            const char *key,
            const char *value)
{
  sqlite3_stmt *statement = prepare (db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
  gboolean ok;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, value, -1, SQLITE_STATIC);
  ok = sqlite3_step (statement) == SQLITE_DONE;
  sqlite3_finalize (statement);
  return ok;
}

/* Files */

/**
 * ts_local_copy_delete_file:
 * @path: a copy's database file
 *
 * Removes the file and its journal, WAL and shared-memory files.
 *
 * Returns: whether nothing of it is left
 */
gboolean
ts_local_copy_delete_file (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (name) != 0 && errno != ENOENT)
        ok = FALSE;
    }
  return ok;
}

/* The file is made 0600 before SQLite opens it: SQLite gives its -wal and
 * -shm files the database's own mode, so none of them is ever readable by
 * others, whatever the umask. */
static gboolean
create_private_file (const char *path)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    return FALSE;
  fchmod (fd, 0600);
  close (fd);
  return TRUE;
}

static const char *schema_sql =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE projects (id INTEGER PRIMARY KEY, version INTEGER NOT NULL,"
  "  json TEXT NOT NULL, members TEXT);"
  "CREATE TABLE stories (project_id INTEGER NOT NULL, id INTEGER NOT NULL,"
  "  position TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (project_id, id)) WITHOUT ROWID;";

/* Whether the open file is a copy of this schema and this account; a new
 * file gets the schema and the identity. */
static gboolean
check_or_init (TsLocalCopy *self,
               const char **why)
{
  sqlite3_stmt *statement;
  int user_version = -1;
  g_autofree char *url = NULL;
  g_autofree char *user = NULL;
  g_autofree char *user_text = g_strdup_printf ("%" G_GINT64_FORMAT, self->user_id);

  statement = prepare (self->db, "PRAGMA user_version");
  if (statement == NULL || sqlite3_step (statement) != SQLITE_ROW)
    {
      sqlite3_finalize (statement);
      *why = "not a database";
      return FALSE;
    }
  user_version = sqlite3_column_int (statement, 0);
  sqlite3_finalize (statement);

  if (user_version == 0)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);

      *why = "cannot be created";
      return exec (self->db, "BEGIN") && exec (self->db, schema_sql) &&
             write_meta (self->db, "server_url", self->server_url) &&
             write_meta (self->db, "user_id", user_text) &&
             exec (self->db, set_version) && exec (self->db, "COMMIT");
    }
  if (user_version != SCHEMA_VERSION)
    {
      *why = "of another schema version";
      return FALSE;
    }
  /* No quick_check: it reads the whole file, hundreds of milliseconds for
   * a large copy at every launch. Damage past the header shows as an
   * error when a project is read, which drops that project's rows. */
  url = read_meta (self->db, "server_url");
  user = read_meta (self->db, "user_id");
  if (g_strcmp0 (url, self->server_url) != 0 || g_strcmp0 (user, user_text) != 0)
    {
      *why = "of another account";
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_file (TsLocalCopy *self,
           const char **why)
{
  g_autofree char *dir = g_path_get_dirname (self->path);

  *why = "cannot be opened";
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_chmod (dir, 0700) != 0 ||
      !create_private_file (self->path))
    return FALSE;
  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_busy_timeout (self->db, 2000);
  /* A cache: losing the last second to a power cut costs a catch-up. */
  if (!exec (self->db, "PRAGMA journal_mode = WAL") ||
      !exec (self->db, "PRAGMA synchronous = NORMAL"))
    {
      *why = "not a database";
      return FALSE;
    }
  return check_or_init (self, why);
}

/* Opens the copy, or discards what is there and starts an empty one. */
static void
open_copy (TsLocalCopy *self)
{
  const char *why = NULL;

  if (open_file (self, &why))
    return;
  g_debug ("Local copy %s is %s: discarded", self->path, why);
  g_clear_pointer (&self->db, sqlite3_close);
  ts_local_copy_delete_file (self->path);
  if (!open_file (self, &why))
    {
      g_debug ("Local copy %s %s: working without one", self->path, why);
      g_clear_pointer (&self->db, sqlite3_close);
    }
}

/* A file found damaged while in use is discarded whole and started again
 * empty: no part of it can be trusted, and every write would fail. */
static gboolean
discard_if_damaged (TsLocalCopy *self)
{
  int code = self->db != NULL ? sqlite3_errcode (self->db) : SQLITE_OK;

  if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB)
    return FALSE;
  g_debug ("Local copy %s is damaged: discarded", self->path);
  self->in_transaction = FALSE;
  g_clear_pointer (&self->db, sqlite3_close);
  ts_local_copy_delete_file (self->path);
  open_copy (self);
  return TRUE;
}

/* The worker's writes */

static void
commit (TsLocalCopy *self)
{
  if (!self->in_transaction)
    return;
  self->in_transaction = FALSE;
  if (!exec (self->db, "COMMIT"))
    exec (self->db, "ROLLBACK");
}

static void
begin (TsLocalCopy *self)
{
  if (self->in_transaction)
    return;
  self->in_transaction = exec (self->db, "BEGIN");
  self->transaction_started = g_get_monotonic_time ();
}

/* A write that fails undoes the whole batch: the copy stays at an older,
 * consistent version, and the next catch-up fills the rest. */
static void
abandon (TsLocalCopy *self)
{
  if (self->in_transaction)
    exec (self->db, "ROLLBACK");
  self->in_transaction = FALSE;
}

static gboolean
put_project (TsLocalCopy *self,
             TsProject   *project,
             gint64       project_id,
             gint64       version)
{
  sqlite3_stmt *statement;
  gboolean ok;

  if (project != NULL)
    {
      g_autoptr(JsonNode) node = ts_project_to_json (project);
      g_autofree char *json = ts_json_to_string (node);

      statement = prepare (self->db, "INSERT INTO projects (id, version, json) VALUES (?1, ?2, ?3) "
                                     "ON CONFLICT (id) DO UPDATE SET version = ?2, json = ?3");
      if (statement == NULL)
        return FALSE;
      sqlite3_bind_text (statement, 3, json, -1, SQLITE_TRANSIENT);
    }
  else
    {
      statement = prepare (self->db, "UPDATE projects SET version = ?2 WHERE id = ?1");
      if (statement == NULL)
        return FALSE;
    }
  sqlite3_bind_int64 (statement, 1, project_id);
  sqlite3_bind_int64 (statement, 2, version);
  ok = sqlite3_step (statement) == SQLITE_DONE;
  sqlite3_finalize (statement);
  return ok;
}

static gboolean
put_stories (TsLocalCopy *self,
             gint64       project_id,
             GPtrArray   *stories)
{
  sqlite3_stmt *statement;
  gboolean ok = TRUE;

  if (stories == NULL || stories->len == 0)
    return TRUE;
  statement = prepare (self->db, "INSERT OR REPLACE INTO stories (project_id, id, position, json) "
                                 "VALUES (?1, ?2, ?3, ?4)");
  if (statement == NULL)
    return FALSE;
  for (guint i = 0; ok && i < stories->len; i++)
    {
      TsStory *story = g_ptr_array_index (stories, i);
      g_autoptr(JsonNode) node = ts_story_to_json (story);
      g_autofree char *json = ts_json_to_string (node);

      sqlite3_bind_int64 (statement, 1, project_id);
      sqlite3_bind_int64 (statement, 2, ts_story_get_id (story));
      sqlite3_bind_text (statement, 3, ts_story_get_position (story), -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 4, json, -1, SQLITE_STATIC);
      ok = sqlite3_step (statement) == SQLITE_DONE;
      sqlite3_reset (statement);
    }
  sqlite3_finalize (statement);
  return ok;
}

static gboolean
delete_rows (TsLocalCopy *self,
             const char  *sql,
             gint64       project_id,
             gint64       id)
{
  sqlite3_stmt *statement = prepare (self->db, sql);
  gboolean ok;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, project_id);
  sqlite3_bind_int64 (statement, 2, id);
  ok = sqlite3_step (statement) == SQLITE_DONE;
  sqlite3_finalize (statement);
  return ok;
}

static gboolean
drop_project (TsLocalCopy *self,
              gint64       project_id)
{
  return delete_rows (self, "DELETE FROM stories WHERE project_id = ?1 AND ?2 = ?2", project_id, 0) &&
         delete_rows (self, "DELETE FROM projects WHERE id = ?1 AND ?2 = ?2", project_id, 0);
}

static gboolean
put_members (TsLocalCopy *self,
             gint64       project_id,
             GPtrArray   *users)
{
  g_autoptr(JsonNode) node = ts_members_to_json ((TsUser * const *) users->pdata, users->len);
  g_autofree char *json = ts_json_to_string (node);
  sqlite3_stmt *statement = prepare (self->db, "UPDATE projects SET members = ?2 WHERE id = ?1");
  gboolean ok;

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, project_id);
  sqlite3_bind_text (statement, 2, json, -1, SQLITE_STATIC);
  ok = sqlite3_step (statement) == SQLITE_DONE;
  sqlite3_finalize (statement);
  return ok;
}

/* The server this copy mirrors is known by its Pusher key too: a server
 * reinstalled at the same address has a new one, and its projects are
 * not the ones copied. */
static gboolean
set_key (TsLocalCopy *self,
         const char  *key)
{
  g_autofree char *known = read_meta (self->db, "realtime_key");

  if (g_strcmp0 (known, key) == 0)
    return TRUE;
  if (known != NULL)
    {
      g_debug ("Local copy %s: the server's key changed; its projects are discarded", self->path);
      if (!exec (self->db, "DELETE FROM stories") || !exec (self->db, "DELETE FROM projects"))
        return FALSE;
    }
  return write_meta (self->db, "realtime_key", key);
}

static gboolean
write_op (TsLocalCopy *self,
          Op          *op)
{
  switch (op->kind)
    {
    case OP_REPLACE:
      return drop_project (self, op->project_id) &&
             put_project (self, op->project, op->project_id, op->version) &&
             put_stories (self, op->project_id, op->stories);
    case OP_APPLY:
      for (guint i = 0; op->deleted != NULL && i < op->deleted->len; i++)
        if (!delete_rows (self, "DELETE FROM stories WHERE project_id = ?1 AND id = ?2",
                          op->project_id, g_array_index (op->deleted, gint64, i)))
          return FALSE;
      return put_stories (self, op->project_id, op->stories) &&
             put_project (self, op->project, op->project_id, op->version);
    case OP_MEMBERS:
      return put_members (self, op->project_id, op->members);
    case OP_DROP:
      return drop_project (self, op->project_id);
    case OP_KEY:
      return set_key (self, op->key);
    default:
      g_assert_not_reached ();
    }
}

/* The worker's reads */

/* Priority order, as the server lists them: by position, then id. */
static int
compare_priority (gconstpointer a,
                  gconstpointer b)
{
  TsStory *story_a = *(TsStory * const *) a;
  TsStory *story_b = *(TsStory * const *) b;
  int by_position = strcmp (ts_story_get_position (story_a), ts_story_get_position (story_b));
  gint64 id_a = ts_story_get_id (story_a);
  gint64 id_b = ts_story_get_id (story_b);

  if (by_position != 0)
    return by_position;
  return (id_a > id_b) - (id_a < id_b);
}

static TsLocalProject *
load_project (TsLocalCopy *self,
              gint64       project_id,
              GError     **error)
{
  g_autoptr(TsLocalProject) result = g_new0 (TsLocalProject, 1);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GString) list = NULL;
  int step;
  sqlite3_stmt *statement;
  const char *members;
  gint64 started = g_get_monotonic_time ();
  gint64 read;
  gint64 parsed;

  statement = prepare (self->db, "SELECT version, json, members FROM projects WHERE id = ?1");
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, project_id);
  step = sqlite3_step (statement);
  if (step != SQLITE_ROW)
    {
      sqlite3_finalize (statement);
      if (step != SQLITE_DONE)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "reading the project: %s",
                     sqlite3_errstr (step));
      return NULL;
    }
  result->version = sqlite3_column_int64 (statement, 0);
  object = ts_json_parse_object ((const char *) sqlite3_column_text (statement, 1), -1, error);
  result->project = object != NULL ? ts_project_from_json (object, error) : NULL;
  members = (const char *) sqlite3_column_text (statement, 2);
  if (result->project != NULL && members != NULL)
    {
      g_autoptr(JsonObject) users = ts_json_parse_object (members, -1, error);

      result->members = users != NULL ? ts_members_from_json (users, error) : NULL;
      if (result->members == NULL)
        g_clear_object (&result->project);
    }
  sqlite3_finalize (statement);
  if (result->project == NULL)
    return NULL;

  /* The rows joined as the list endpoint's answer, read by the core's
   * fast reader without a tree, rather than a parse and a tree a row. */
  /* In the table's own order, one pass, and sorted here on the worker. */
  statement = prepare (self->db, "SELECT json FROM stories WHERE project_id = ?1");
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, project_id);
  list = g_string_sized_new (1 << 20);
  g_string_append_printf (list, "{\"version\": %" G_GINT64_FORMAT ", \"stories\": [",
                          result->version);
  for (guint i = 0; (step = sqlite3_step (statement)) == SQLITE_ROW; i++)
    {
      if (i > 0)
        g_string_append_c (list, ',');
      g_string_append_len (list, (const char *) sqlite3_column_text (statement, 0),
                           sqlite3_column_bytes (statement, 0));
    }
  sqlite3_finalize (statement);
  /* A damaged file ends the rows early: never a partial backlog. */
  if (step != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "reading its stories: %s",
                   sqlite3_errstr (step));
      return NULL;
    }
  g_string_append (list, "]}");
  read = g_get_monotonic_time ();
  result->stories = ts_stories_from_json_data (list->str, (gssize) list->len, NULL, error);
  if (result->stories == NULL)
    return NULL;
  parsed = g_get_monotonic_time ();
  g_ptr_array_sort (result->stories, compare_priority);
  g_debug ("Project %" G_GINT64_FORMAT " read from the copy: %u stories, %.1f MB of JSON; "
           "reading %.1f ms, parsing %.1f, sorting %.1f", project_id, result->stories->len,
           list->len / 1048576.0, (read - started) / 1000.0, (parsed - read) / 1000.0,
           (g_get_monotonic_time () - parsed) / 1000.0);
  ts_project_set_version (result->project, result->version);
  return g_steal_pointer (&result);
}

static gboolean
release_task (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static GPtrArray *
list_projects (TsLocalCopy *self)
{
  GPtrArray *projects = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *statement;

  if (self->db == NULL || (statement = prepare (self->db, "SELECT json, version FROM projects")) == NULL)
    return projects;
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object =
        ts_json_parse_object ((const char *) sqlite3_column_text (statement, 0), -1, &error);
      TsProject *project = object != NULL ? ts_project_from_json (object, &error) : NULL;

      /* An unreadable one is dropped when it is opened (run_load()). */
      if (project == NULL)
        continue;
      ts_project_set_version (project, sqlite3_column_int64 (statement, 1));
      g_ptr_array_add (projects, project);
    }
  sqlite3_finalize (statement);
  return projects;
}

/* The task holds the copy: its last reference goes on the caller's
 * thread, never here, where finalizing would wait for itself (not
 * g_main_context_invoke(), which runs here when the context is free). */
static void
release_on_callers_thread (GTask *task)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  GMainContext *context = g_task_get_context (task);

  g_source_set_callback (source, release_task, task, NULL);
  g_source_attach (source, context);
}

static void
run_load (TsLocalCopy *self,
          Op          *op)
{
  g_autoptr(GError) error = NULL;
  TsLocalProject *result = NULL;

  if (self->db != NULL)
    result = load_project (self, op->project_id, &error);
  if (error != NULL)
    {
      /* One unreadable row makes the whole project suspect. */
      g_debug ("Local copy %s of project %" G_GINT64_FORMAT " is not readable, discarded: %s",
               self->path, op->project_id, error->message);
      if (!discard_if_damaged (self))
        drop_project (self, op->project_id);
    }
  g_task_return_pointer (op->task, result, (GDestroyNotify) ts_local_project_free);
  release_on_callers_thread (g_steal_pointer (&op->task));
}

static void
signal_done (TsLocalCopy *self,
             Op          *op)
{
  g_mutex_lock (&self->lock);
  *op->done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Runs one op; FALSE when the worker should end. */
static gboolean
run_op (TsLocalCopy *self,
        Op          *op)
{
  switch (op->kind)
    {
    case OP_LOAD:
      commit (self);
      run_load (self, op);
      return TRUE;
    case OP_LIST:
      commit (self);
      g_task_return_pointer (op->task, list_projects (self), (GDestroyNotify) g_ptr_array_unref);
      release_on_callers_thread (g_steal_pointer (&op->task));
      return TRUE;
    case OP_SYNC:
      commit (self);
      signal_done (self, op);
      return TRUE;
    case OP_DELETE:
      abandon (self);
      g_clear_pointer (&self->db, sqlite3_close);
      ts_local_copy_delete_file (self->path);
      signal_done (self, op);
      return TRUE;
    case OP_QUIT:
      commit (self);
      return FALSE;
    default:
      if (self->db == NULL)
        return TRUE;
      begin (self);
      if (!write_op (self, op))
        {
          g_debug ("Local copy %s: a write failed: %s", self->path, sqlite3_errmsg (self->db));
          if (!discard_if_damaged (self))
            abandon (self);
        }
      return TRUE;
    }
}

static gpointer
worker (gpointer data)
{
  TsLocalCopy *self = data;
  gboolean running = TRUE;

  open_copy (self);
  while (running)
    {
      Op *op;

      if (self->in_transaction)
        {
          gint64 left = self->transaction_started + COMMIT_EVERY_MS * 1000 - g_get_monotonic_time ();

          op = left > 0 ? g_async_queue_timeout_pop (self->queue, (guint64) left) : NULL;
          if (op == NULL)
            {
              commit (self);
              continue;
            }
        }
      else
        op = g_async_queue_pop (self->queue);
      running = run_op (self, op);
      op_free (op);
    }
  g_clear_pointer (&self->db, sqlite3_close);
  return NULL;
}

/* The object */

static void
push (TsLocalCopy *self,
      Op          *op)
{
  g_async_queue_push (self->queue, op);
}

static void
wait_for (TsLocalCopy *self,
          OpKind       kind)
{
  gboolean done = FALSE;
  Op *op = op_new (kind, 0);

  op->done = &done;
  push (self, op);
  g_mutex_lock (&self->lock);
  while (!done)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

static void
ts_local_copy_finalize (GObject *object)
{
  TsLocalCopy *self = TS_LOCAL_COPY (object);

  push (self, op_new (OP_QUIT, 0));
  g_thread_join (self->worker);
  g_async_queue_unref (self->queue);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->path);
  g_free (self->server_url);

  G_OBJECT_CLASS (ts_local_copy_parent_class)->finalize (object);
}

static void
ts_local_copy_class_init (TsLocalCopyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_local_copy_finalize;
}

static void
ts_local_copy_init (TsLocalCopy *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->queue = g_async_queue_new_full ((GDestroyNotify) op_free);
}

/**
 * ts_local_copy_dup_default_dir:
 *
 * Returns: `$XDG_CACHE_HOME/truestory`, where the copies live
 */
char *
ts_local_copy_dup_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "truestory", NULL);
}

/**
 * ts_local_copy_dup_path:
 *
 * Returns: the file of the copy of @user_id at @server_url in @dir: a hash,
 *   so that the name tells nothing of the account
 */
char *
ts_local_copy_dup_path (const char *dir,
                        const char *server_url,
                        gint64      user_id)
{
  g_autofree char *identity = g_strdup_printf ("%s\n%" G_GINT64_FORMAT, server_url, user_id);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, identity, -1);
  g_autofree char *name = g_strdup_printf ("copy-%.32s.db", hash);

  return g_build_filename (dir, name, NULL);
}

/**
 * ts_local_copy_new:
 * @dir: where the copies live (ts_local_copy_dup_default_dir())
 *
 * Opens the account's copy on a worker thread, or discards it and starts
 * an empty one when it is not a readable copy of this account.
 */
TsLocalCopy *
ts_local_copy_new (const char *dir,
                   const char *server_url,
                   gint64      user_id)
{
  TsLocalCopy *self;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (server_url != NULL, NULL);

  self = g_object_new (TS_TYPE_LOCAL_COPY, NULL);
  self->path = ts_local_copy_dup_path (dir, server_url, user_id);
  self->server_url = g_strdup (server_url);
  self->user_id = user_id;
  self->worker = g_thread_new ("ts-local-copy", worker, self);
  return self;
}

const char *
ts_local_copy_get_path (TsLocalCopy *self)
{
  g_return_val_if_fail (TS_IS_LOCAL_COPY (self), NULL);

  return self->path;
}

/**
 * ts_local_copy_set_realtime_key:
 * @key: the Pusher key of `GET /api/v1/realtime`
 *
 * Records the server's key; a copy made with another one is emptied.
 */
void
ts_local_copy_set_realtime_key (TsLocalCopy *self,
                                const char  *key)
{
  Op *op;

  g_return_if_fail (TS_IS_LOCAL_COPY (self));
  g_return_if_fail (key != NULL);

  op = op_new (OP_KEY, 0);
  op->key = g_strdup (key);
  push (self, op);
}

static GPtrArray *
copy_stories (TsStory * const *stories,
              guint            n_stories)
{
  GPtrArray *copies = g_ptr_array_new_full (n_stories, g_object_unref);

  for (guint i = 0; i < n_stories; i++)
    g_ptr_array_add (copies, ts_story_copy (stories[i]));
  return copies;
}

/**
 * ts_local_copy_replace_project:
 *
 * Replaces everything copied of the project with this state (a load).
 */
void
ts_local_copy_replace_project (TsLocalCopy     *self,
                               TsProject       *project,
                               TsStory * const *stories,
                               guint            n_stories,
                               gint64           version)
{
  Op *op;

  g_return_if_fail (TS_IS_LOCAL_COPY (self));
  g_return_if_fail (TS_IS_PROJECT (project));

  op = op_new (OP_REPLACE, ts_project_get_id (project));
  op->project = ts_project_copy (project);
  op->stories = copy_stories (stories, n_stories);
  op->version = version;
  push (self, op);
}

/**
 * ts_local_copy_apply:
 * @project: (nullable): the project record, when it changed
 * @stories: (nullable): stories changed, as the server has them
 * @deleted_ids: (nullable): stories gone
 *
 * Records the changes that brought the project to @version.
 */
void
ts_local_copy_apply (TsLocalCopy *self,
                     gint64       project_id,
                     TsProject   *project,
                     GPtrArray   *stories,
                     GArray      *deleted_ids,
                     gint64       version)
{
  Op *op;

  g_return_if_fail (TS_IS_LOCAL_COPY (self));

  op = op_new (OP_APPLY, project_id);
  op->project = project != NULL ? ts_project_copy (project) : NULL;
  if (stories != NULL)
    op->stories = copy_stories ((TsStory * const *) stories->pdata, stories->len);
  if (deleted_ids != NULL)
    op->deleted = g_array_ref (deleted_ids);
  op->version = version;
  push (self, op);
}

void
ts_local_copy_put_members (TsLocalCopy *self,
                           gint64       project_id,
                           GPtrArray   *users)
{
  Op *op;

  g_return_if_fail (TS_IS_LOCAL_COPY (self));
  g_return_if_fail (users != NULL);

  op = op_new (OP_MEMBERS, project_id);
  op->members = g_ptr_array_ref (users);
  push (self, op);
}

/**
 * ts_local_copy_drop_project:
 *
 * Forgets the project (deleted, or the user can no longer see it).
 */
void
ts_local_copy_drop_project (TsLocalCopy *self,
                            gint64       project_id)
{
  g_return_if_fail (TS_IS_LOCAL_COPY (self));

  push (self, op_new (OP_DROP, project_id));
}

/**
 * ts_local_copy_load_async:
 *
 * Reads the project's copy on the worker, after every write queued before.
 * The result is %NULL (without an error) when there is none, or when it
 * was not readable (then it is discarded).
 */
void
ts_local_copy_load_async (TsLocalCopy         *self,
                          gint64               project_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Op *op;

  g_return_if_fail (TS_IS_LOCAL_COPY (self));

  op = op_new (OP_LOAD, project_id);
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, ts_local_copy_load_async);
  push (self, op);
}

TsLocalProject *
ts_local_copy_load_finish (TsLocalCopy   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ts_local_copy_list_projects_async:
 *
 * Reads the projects copied (the sidebar, opened without the network).
 */
void
ts_local_copy_list_projects_async (TsLocalCopy         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Op *op;

  g_return_if_fail (TS_IS_LOCAL_COPY (self));

  op = op_new (OP_LIST, 0);
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, ts_local_copy_list_projects_async);
  push (self, op);
}

/**
 * ts_local_copy_list_projects_finish:
 *
 * Returns: (transfer container) (element-type TsProject): the projects
 */
GPtrArray *
ts_local_copy_list_projects_finish (TsLocalCopy   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ts_local_copy_sync:
 *
 * Waits until every write queued so far is committed (tests, and quitting).
 */
void
ts_local_copy_sync (TsLocalCopy *self)
{
  g_return_if_fail (TS_IS_LOCAL_COPY (self));

  wait_for (self, OP_SYNC);
}

/**
 * ts_local_copy_delete:
 *
 * Deletes the copy's files (signing out): nothing is written after.
 */
void
ts_local_copy_delete (TsLocalCopy *self)
{
  g_return_if_fail (TS_IS_LOCAL_COPY (self));

  wait_for (self, OP_DELETE);
}
