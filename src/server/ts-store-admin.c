/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* What the shell's admin commands change (ts-admin.c), each in one
 * transaction the caller brackets with ts_store_begin() and
 * ts_store_commit(), beside a running server on the same data; and the
 * evictions they announce to it. They change what the REST endpoints
 * change, the same way: membership is no project change (doc/api.md), so
 * no version moves and no event is published, and a member who leaves is
 * evicted from the project's channels at once. */

#include "ts-store-private.h"

/* An SQLite eviction row is kept this long (seconds), for a server that
 * polls every few hundred milliseconds: long enough for any. */
#define EVICTION_SECONDS (24 * 60 * 60)

/**
 * ts_store_announce_eviction:
 *
 * Tells the servers on this database, once the open change commits, to
 * evict @user_id's sockets from @project_id's channels. On PostgreSQL
 * with a NOTIFY (ts-evictions.c listens); on SQLite with a row in the
 * evictions table, which the serving server polls (another process, the
 * admin's, cannot reach its hub otherwise).
 */
gboolean
ts_store_announce_eviction (TsStore  *self,
                            gint64    project_id,
                            gint64    user_id,
                            GError  **error)
{
  TsDbStatement *statement;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  if (ts_store_is_postgresql (self))
    {
      statement = ts_store_prepare (self, "SELECT pg_notify('truestory_evictions', ?)", error);
      if (statement == NULL)
        return FALSE;
      ts_db_bind_text_take (statement, 1, g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                                           project_id, user_id));
      return ts_store_step_done (self, statement, error);
    }

  statement = ts_store_prepare (self, "DELETE FROM evictions WHERE created_at < ?", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, now - EVICTION_SECONDS);
  if (!ts_store_step_done (self, statement, error))
    return FALSE;
  statement = ts_store_prepare (self, "INSERT INTO evictions (project_id, user_id, created_at) "
                                      "VALUES (?, ?, ?)", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, user_id);
  ts_db_bind_int64 (statement, 3, now);
  return ts_store_step_done (self, statement, error);
}

/**
 * ts_store_get_data_version:
 *
 * Returns: SQLite's `PRAGMA data_version`, which changes whenever another
 *   connection commits: the cheap test before reading the evictions
 */
gint64
ts_store_get_data_version (TsStore *self)
{
  TsDbStatement *statement;
  gint64 version = -1;

  g_return_val_if_fail (TS_IS_STORE (self), -1);
  g_return_val_if_fail (!ts_store_is_postgresql (self), -1);

  statement = ts_store_prepare (self, "PRAGMA data_version", NULL);
  if (statement == NULL)
    return -1;
  if (ts_db_step (statement) == TS_DB_ROW)
    version = ts_db_column_int64 (statement, 0);
  ts_db_reset (statement);
  return version;
}

/**
 * ts_store_read_evictions:
 * @cursor: (inout): the last eviction read; 0 at first, which reads none
 *   but moves the cursor past every eviction already made
 * @out_evictions: (out) (transfer full) (element-type TsEviction): those
 *   after @cursor, oldest first
 */
gboolean
ts_store_read_evictions (TsStore   *self,
                         gint64    *cursor,
                         GArray   **out_evictions,
                         GError   **error)
{
  g_autoptr(GArray) evictions = g_array_new (FALSE, FALSE, sizeof (TsEviction));
  TsDbStatement *statement;
  gboolean first = *cursor == 0;
  TsDbStep step;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  statement = ts_store_prepare (self, "SELECT id, project_id, user_id FROM evictions "
                                      "WHERE id > ? ORDER BY id", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, *cursor);
  while ((step = ts_db_step (statement)) == TS_DB_ROW)
    {
      TsEviction eviction = {
        ts_db_column_int64 (statement, 1), ts_db_column_int64 (statement, 2)
      };

      *cursor = ts_db_column_int64 (statement, 0);
      if (!first)
        g_array_append_val (evictions, eviction);
    }
  if (step == TS_DB_FAILED)
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  /* A cursor of 0 would read everything again next time. */
  if (first && *cursor == 0)
    *cursor = -1;
  *out_evictions = g_steal_pointer (&evictions);
  return step == TS_DB_DONE;
}

/* The project exists; on PostgreSQL its row is locked for the change, as
 * REST's changes lock it, so two removals cannot both leave it empty. */
static gboolean
lock_existing_project (TsStore  *self,
                       gint64    project_id,
                       GError  **error)
{
  TsDbStatement *statement;
  gboolean found;
  TsDbStep step;

  statement = ts_store_prepare (self, ts_store_is_postgresql (self)
                                      ? "SELECT id FROM projects WHERE id = ? FOR UPDATE"
                                      : "SELECT id FROM projects WHERE id = ?", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  step = ts_store_step_lookup (self, statement, error);
  found = step == TS_DB_ROW;
  ts_db_reset (statement);
  if (step == TS_DB_DONE)
    g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                 "there is no project %" G_GINT64_FORMAT, project_id);
  return found;
}

/* The projects @user_id is a member of, locked, by id. */
static GArray *
lock_projects_of (TsStore  *self,
                  gint64    user_id,
                  GError  **error)
{
  g_autoptr(GArray) projects = g_array_new (FALSE, FALSE, sizeof (gint64));
  TsDbStatement *statement;
  TsDbStep step;

  statement = ts_store_prepare (self, "SELECT project_id FROM memberships WHERE user_id = ? "
                                      "ORDER BY project_id", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, user_id);
  while ((step = ts_db_step (statement)) == TS_DB_ROW)
    {
      gint64 project_id = ts_db_column_int64 (statement, 0);

      g_array_append_val (projects, project_id);
    }
  if (step == TS_DB_FAILED)
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  if (step != TS_DB_DONE)
    return NULL;

  for (guint i = 0; i < projects->len; i++)
    if (!lock_existing_project (self, g_array_index (projects, gint64, i), error))
      return NULL;
  return g_steal_pointer (&projects);
}

static gint64
count_members (TsStore  *self,
               gint64    project_id,
               GError  **error)
{
  TsDbStatement *statement =
    ts_store_prepare (self, "SELECT count(*) FROM memberships WHERE project_id = ?", error);
  gint64 count = -1;

  if (statement == NULL)
    return -1;
  ts_db_bind_int64 (statement, 1, project_id);
  if (ts_db_step (statement) == TS_DB_ROW)
    count = ts_db_column_int64 (statement, 0);
  else
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  return count;
}

static gboolean
announce_evictions (TsStore  *self,
                    GArray   *projects,
                    gint64    user_id,
                    GError  **error)
{
  for (guint i = 0; i < projects->len; i++)
    if (!ts_store_announce_eviction (self, g_array_index (projects, gint64, i), user_id, error))
      return FALSE;
  return TRUE;
}

/**
 * ts_store_remove_user:
 *
 * Removes the user with @email: their sessions, memberships and kept
 * Idempotency-Key answers go with them, their comments stay without an
 * author, and their sockets leave every project's channels. A project
 * keeps at least one member, so a user who is some project's only member
 * is refused (TS_STORE_ERROR_FORBIDDEN, naming it) and nothing changes.
 *
 * Returns: (transfer full) (nullable): who was removed
 */
TsUser *
ts_store_remove_user (TsStore     *self,
                      const char  *email,
                      GError     **error)
{
  g_autoptr(TsUser) user = NULL;
  g_autoptr(GArray) projects = NULL;
  TsDbStatement *statement;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if ((user = ts_store_find_user (self, email, error)) == NULL ||
      (projects = lock_projects_of (self, ts_user_get_id (user), error)) == NULL)
    return NULL;
  for (guint i = 0; i < projects->len; i++)
    {
      gint64 project_id = g_array_index (projects, gint64, i);
      gint64 count = count_members (self, project_id, error);

      if (count < 0)
        return NULL;
      if (count == 1)
        {
          g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FORBIDDEN,
                       "%s is the only member of project %" G_GINT64_FORMAT ", which keeps at "
                       "least one: add someone to it (member add) or delete it first",
                       ts_user_get_email (user), project_id);
          return NULL;
        }
    }

  if (!announce_evictions (self, projects, ts_user_get_id (user), error))
    return NULL;
  statement = ts_store_prepare (self, "DELETE FROM users WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, ts_user_get_id (user));
  if (!ts_store_step_done (self, statement, error))
    return NULL;
  return g_steal_pointer (&user);
}

/**
 * ts_store_reset_password:
 * @password_hash: the new password's, from ts_password_hash() (made
 *   before the transaction: it takes a while, and SQLite's write lock is
 *   held from the transaction's start)
 * @out_n_sessions: (out): how many sessions were ended
 *
 * Gives the user with @email a new password and ends every session they
 * had: their tokens answer 401 from the commit on, and their sockets
 * leave the channels of every project they are in (their apps ask for
 * the password when they next authorize).
 *
 * Returns: (transfer full) (nullable): the user
 */
TsUser *
ts_store_reset_password (TsStore     *self,
                         const char  *email,
                         const char  *password_hash,
                         gint64      *out_n_sessions,
                         GError     **error)
{
  g_autoptr(TsUser) user = NULL;
  g_autoptr(GArray) projects = NULL;
  TsDbStatement *statement;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if ((user = ts_store_find_user (self, email, error)) == NULL ||
      (projects = lock_projects_of (self, ts_user_get_id (user), error)) == NULL)
    return NULL;

  statement = ts_store_prepare (self, "UPDATE users SET password_hash = ? WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_text (statement, 1, password_hash);
  ts_db_bind_int64 (statement, 2, ts_user_get_id (user));
  if (!ts_store_step_done (self, statement, error))
    return NULL;
  statement = ts_store_prepare (self, "DELETE FROM tokens WHERE user_id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, ts_user_get_id (user));
  if (!ts_store_step_done (self, statement, error))
    return NULL;
  *out_n_sessions = ts_db_changes (statement);

  if (!announce_evictions (self, projects, ts_user_get_id (user), error))
    return NULL;
  return g_steal_pointer (&user);
}

/**
 * ts_store_admin_add_member:
 * @out_added: (out): %FALSE when they were a member already
 *
 * Returns: (transfer full) (nullable): the member; an unknown project or
 *   email is TS_STORE_ERROR_NOT_FOUND
 */
TsUser *
ts_store_admin_add_member (TsStore     *self,
                           gint64       project_id,
                           const char  *email,
                           gboolean    *out_added,
                           GError     **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!lock_existing_project (self, project_id, error))
    return NULL;
  return ts_store_add_member_to (self, project_id, email, out_added, error);
}

/**
 * ts_store_admin_remove_member:
 *
 * Removes the user with @email from the project, as REST's removal does:
 * at least one member stays (TS_STORE_ERROR_FORBIDDEN), and the member's
 * sockets leave the project's channels once this commits.
 *
 * Returns: (transfer full) (nullable): who was removed; an unknown
 *   project or email, or someone who is no member, is
 *   TS_STORE_ERROR_NOT_FOUND
 */
TsUser *
ts_store_admin_remove_member (TsStore     *self,
                              gint64       project_id,
                              const char  *email,
                              GError     **error)
{
  g_autoptr(TsUser) member = NULL;
  g_autoptr(GError) failure = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!lock_existing_project (self, project_id, error) ||
      (member = ts_store_find_user (self, email, error)) == NULL)
    return NULL;
  if (!ts_store_is_member (self, ts_user_get_id (member), project_id, &failure))
    {
      if (failure != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&failure));
          return NULL;
        }
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                   "%s is not a member of project %" G_GINT64_FORMAT,
                   ts_user_get_email (member), project_id);
      return NULL;
    }
  if (!ts_store_remove_member_from (self, project_id, ts_user_get_id (member), error) ||
      !ts_store_announce_eviction (self, project_id, ts_user_get_id (member), error))
    return NULL;
  return g_steal_pointer (&member);
}
