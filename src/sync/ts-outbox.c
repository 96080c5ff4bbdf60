/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-outbox"

/*
 * TsOutbox: the edits of an account that the server has not answered yet,
 * kept on disk so that quitting, a crash or a reboot loses none
 * (src/DESIGN.md, *Outbox*).
 *
 * One SQLite file per account in $XDG_DATA_HOME/truestory/ (never the
 * cache, which may be emptied at any time). Each edit is one row, written
 * and synced to the disk (synchronous = FULL) before the store shows it as
 * pending; rows keep the order the edits were made in. The writes are
 * small and rare (a person's edits), so they are made on the calling
 * thread: an edit that says it is saved is.
 */

#include "ts-outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "ts-local-copy.h"

#define SCHEMA_VERSION 1

struct _TsOutbox
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (TsOutbox, ts_outbox, G_TYPE_OBJECT)

void
ts_outbox_entry_free (TsOutboxEntry *self)
{
  if (self == NULL)
    return;
  g_free (self->json);
  g_free (self);
}

static void
ts_outbox_finalize (GObject *object)
{
  TsOutbox *self = TS_OUTBOX (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->path);

  G_OBJECT_CLASS (ts_outbox_parent_class)->finalize (object);
}

static void
ts_outbox_class_init (TsOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_outbox_finalize;
}

static void
ts_outbox_init (TsOutbox *self)
{
}

static gboolean
set_sqlite_error (sqlite3     *db,
                  const char  *what,
                  GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Outbox: %s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : "cannot open");
  return FALSE;
}

static gboolean
exec (TsOutbox    *self,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  return set_sqlite_error (self->db, sql, error);
}

static sqlite3_stmt *
prepare (TsOutbox    *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *statement = NULL;

  /* Deleted at sign-out: nothing more is kept. */
  if (self->db == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "Outbox %s was deleted", self->path);
      return NULL;
    }
  if (sqlite3_prepare_v2 (self->db, sql, -1, &statement, NULL) != SQLITE_OK)
    set_sqlite_error (self->db, sql, error);
  return statement;
}

static gboolean
migrate (TsOutbox  *self,
         GError   **error)
{
  sqlite3_stmt *statement = prepare (self, "PRAGMA user_version", error);
  int version;

  if (statement == NULL)
    return FALSE;
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      sqlite3_finalize (statement);
      return set_sqlite_error (self->db, "reading its version", error);
    }
  version = sqlite3_column_int (statement, 0);
  sqlite3_finalize (statement);

  if (version == SCHEMA_VERSION)
    return TRUE;
  if (version != 0)
    {
      /* Unsent edits are never thrown away for being of a newer format:
       * an older program leaves them for the newer one. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Outbox %s is of schema %d, this program knows %d", self->path, version,
                   SCHEMA_VERSION);
      return FALSE;
    }
  return exec (self, "BEGIN;"
                     "CREATE TABLE edits (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                     "  project_id INTEGER NOT NULL, json TEXT NOT NULL);"
                     "CREATE INDEX edits_project ON edits (project_id, id);"
                     "PRAGMA user_version = 1;"
                     "COMMIT", error);
}

char *
ts_outbox_dup_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "truestory", NULL);
}

/**
 * ts_outbox_dup_path:
 *
 * Returns: the outbox file of @user_id at @server_url in @dir, named by the
 *   same hash as the account's local copy
 */
char *
ts_outbox_dup_path (const char *dir,
                    const char *server_url,
                    gint64      user_id)
{
  g_autofree char *copy = ts_local_copy_dup_path (dir, server_url, user_id);
  g_autofree char *base = g_path_get_basename (copy);

  /* "copy-<hash>.db" → "outbox-<hash>.db" */
  return g_strdup_printf ("%s/outbox-%s", dir, base + strlen ("copy-"));
}

/**
 * ts_outbox_new:
 * @path: the file (ts_outbox_dup_path())
 *
 * Opens the outbox, made 0600 in a 0700 folder. A file that cannot be read
 * is an error, never silently replaced: it may hold someone's edits.
 */
TsOutbox *
ts_outbox_new (const char  *path,
               GError     **error)
{
  g_autoptr(TsOutbox) self = g_object_new (TS_TYPE_OUTBOX, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_chmod (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot make %s: %s", dir,
                   g_strerror (saved));
      return NULL;
    }
  /* SQLite gives the -wal and -shm files the database's mode. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot open %s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  fchmod (fd, 0600);
  close (fd);

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self->db, path, error);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* An edit written is on the disk before it shows as pending. */
  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) || !migrate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
ts_outbox_get_path (TsOutbox *self)
{
  g_return_val_if_fail (TS_IS_OUTBOX (self), NULL);

  return self->path;
}

/**
 * ts_outbox_add:
 * @json: the edit, as the store writes it
 *
 * Returns: the edit's row, or 0 with @error set when it could not be kept
 */
gint64
ts_outbox_add (TsOutbox    *self,
               gint64       project_id,
               const char  *json,
               GError     **error)
{
  sqlite3_stmt *statement;
  gint64 id = 0;

  g_return_val_if_fail (TS_IS_OUTBOX (self), 0);
  g_return_val_if_fail (json != NULL, 0);

  statement = prepare (self, "INSERT INTO edits (project_id, json) VALUES (?1, ?2)", error);
  if (statement == NULL)
    return 0;
  sqlite3_bind_int64 (statement, 1, project_id);
  sqlite3_bind_text (statement, 2, json, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) == SQLITE_DONE)
    id = sqlite3_last_insert_rowid (self->db);
  else
    set_sqlite_error (self->db, "adding an edit", error);
  sqlite3_finalize (statement);
  return id;
}

/**
 * ts_outbox_replace:
 *
 * Rewrites an edit in its place (a held delete that is now sent).
 */
gboolean
ts_outbox_replace (TsOutbox    *self,
                   gint64       id,
                   const char  *json,
                   GError     **error)
{
  sqlite3_stmt *statement;
  gboolean ok;

  g_return_val_if_fail (TS_IS_OUTBOX (self), FALSE);

  statement = prepare (self, "UPDATE edits SET json = ?2 WHERE id = ?1", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, id);
  sqlite3_bind_text (statement, 2, json, -1, SQLITE_STATIC);
  ok = sqlite3_step (statement) == SQLITE_DONE;
  if (!ok)
    set_sqlite_error (self->db, "rewriting an edit", error);
  sqlite3_finalize (statement);
  return ok;
}

/**
 * ts_outbox_remove:
 *
 * Forgets an edit the server answered (or that was given up).
 */
void
ts_outbox_remove (TsOutbox *self,
                  gint64    id)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *statement;

  g_return_if_fail (TS_IS_OUTBOX (self));

  statement = prepare (self, "DELETE FROM edits WHERE id = ?1", &error);
  if (statement != NULL)
    {
      sqlite3_bind_int64 (statement, 1, id);
      if (sqlite3_step (statement) != SQLITE_DONE)
        set_sqlite_error (self->db, "removing an edit", &error);
      sqlite3_finalize (statement);
    }
  /* Left behind, the edit is sent again on the next launch, where the
   * server's answer (idempotency, 404, an equal state) makes it a no-op. */
  if (error != NULL)
    g_warning ("%s", error->message);
}

/**
 * ts_outbox_list:
 * @project_id: a project, or 0 for all
 *
 * Returns: (transfer container): the waiting edits (TsOutboxEntry), oldest
 *   first
 */
GPtrArray *
ts_outbox_list (TsOutbox *self,
                gint64    project_id)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_outbox_entry_free);
  sqlite3_stmt *statement;

  g_return_val_if_fail (TS_IS_OUTBOX (self), entries);

  statement = prepare (self, "SELECT id, project_id, json FROM edits "
                             "WHERE ?1 = 0 OR project_id = ?1 ORDER BY id", NULL);
  if (statement == NULL)
    return entries;
  sqlite3_bind_int64 (statement, 1, project_id);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      TsOutboxEntry *entry = g_new0 (TsOutboxEntry, 1);

      entry->id = sqlite3_column_int64 (statement, 0);
      entry->project_id = sqlite3_column_int64 (statement, 1);
      entry->json = g_strdup ((const char *) sqlite3_column_text (statement, 2));
      g_ptr_array_add (entries, entry);
    }
  sqlite3_finalize (statement);
  return entries;
}

/**
 * ts_outbox_count:
 * @project_id: a project, or 0 for all
 */
guint
ts_outbox_count (TsOutbox *self,
                 gint64    project_id)
{
  sqlite3_stmt *statement;
  guint count = 0;

  g_return_val_if_fail (TS_IS_OUTBOX (self), 0);

  statement = prepare (self, "SELECT count(*) FROM edits WHERE ?1 = 0 OR project_id = ?1", NULL);
  if (statement == NULL)
    return 0;
  sqlite3_bind_int64 (statement, 1, project_id);
  if (sqlite3_step (statement) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  return count;
}

/**
 * ts_outbox_drop_project:
 *
 * Drops the edits of a project the user can no longer see.
 *
 * Returns: how many were dropped
 */
guint
ts_outbox_drop_project (TsOutbox *self,
                        gint64    project_id)
{
  sqlite3_stmt *statement;
  guint dropped = 0;

  g_return_val_if_fail (TS_IS_OUTBOX (self), 0);
  g_return_val_if_fail (project_id > 0, 0);

  statement = prepare (self, "DELETE FROM edits WHERE project_id = ?1", NULL);
  if (statement == NULL)
    return 0;
  sqlite3_bind_int64 (statement, 1, project_id);
  if (sqlite3_step (statement) == SQLITE_DONE)
    dropped = (guint) sqlite3_changes (self->db);
  sqlite3_finalize (statement);
  return dropped;
}

/**
 * ts_outbox_delete:
 *
 * Deletes the outbox's files (signing out, once the person agreed to lose
 * what waits): nothing is written after.
 */
void
ts_outbox_delete (TsOutbox *self)
{
  g_return_if_fail (TS_IS_OUTBOX (self));

  g_clear_pointer (&self->db, sqlite3_close);
  ts_local_copy_delete_file (self->path);
}
