/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* Changes made by an admin command beside the serving server, on SQLite
 * (`import-tracker`): the command writes a row in admin_changes in the
 * change's transaction, and the server, which learns of another
 * connection's commit from PRAGMA data_version, reads the new rows and
 * publishes their changes from the history. On PostgreSQL the publisher
 * reads every unpublished change from the database already. */

#include "ts-store-private.h"

/* Rows older than this are forgotten by the next writer. */
#define ADMIN_CHANGE_SECONDS (24 * 60 * 60)

gboolean
ts_store_announce_admin_change (TsStore  *self,
                                gint64    project_id,
                                gint64    version,
                                GError  **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  TsDbStatement *statement;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  if (ts_store_is_postgresql (self))
    return TRUE;
  statement = ts_store_prepare (self, "DELETE FROM admin_changes WHERE created_at < ?", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, now - ADMIN_CHANGE_SECONDS);
  if (!ts_store_step_done (self, statement, error))
    return FALSE;
  statement = ts_store_prepare (self, "INSERT INTO admin_changes (project_id, version, created_at) "
                                      "VALUES (?, ?, ?)", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, version);
  ts_db_bind_int64 (statement, 3, now);
  return ts_store_step_done (self, statement, error);
}

/**
 * ts_store_read_admin_changes:
 * @cursor: (inout): the last row read; 0 at first, which reads none but
 *   moves the cursor past every row already there
 * @out_changes: (out) (transfer full) (element-type TsAdminChange): the
 *   changes after @cursor, oldest first
 */
gboolean
ts_store_read_admin_changes (TsStore   *self,
                             gint64    *cursor,
                             GArray   **out_changes,
                             GError   **error)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (TsAdminChange));
  TsDbStatement *statement;
  gboolean first = *cursor == 0;
  TsDbStep step;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  statement = ts_store_prepare (self, "SELECT id, project_id, version FROM admin_changes "
                                      "WHERE id > ? ORDER BY id", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, *cursor);
  while ((step = ts_db_step (statement)) == TS_DB_ROW)
    {
      TsAdminChange change = { ts_db_column_int64 (statement, 1), ts_db_column_int64 (statement, 2) };

      *cursor = ts_db_column_int64 (statement, 0);
      if (!first)
        g_array_append_val (changes, change);
    }
  if (step == TS_DB_FAILED)
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  if (first && *cursor == 0)
    *cursor = -1;
  *out_changes = g_steal_pointer (&changes);
  return step == TS_DB_DONE;
}

/**
 * ts_store_load_change:
 *
 * Returns: (transfer full) (nullable): the recorded change of @version
 */
TsChange *
ts_store_load_change (TsStore  *self,
                      gint64    project_id,
                      gint64    version,
                      GError  **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *name = NULL;
  TsDbStatement *statement;
  TsChange *change = NULL;
  TsDbStep step;

  statement = ts_store_prepare (self, "SELECT name, data FROM changes "
                                      "WHERE project_id = ? AND version = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, version);
  step = ts_store_step_lookup (self, statement, error);
  if (step == TS_DB_ROW)
    {
      name = g_strdup (ts_store_column_text (statement, 0));
      object = ts_json_parse_object (ts_store_column_text (statement, 1), -1, error);
    }
  else if (step == TS_DB_DONE)
    g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                 "no change %" G_GINT64_FORMAT " of project %" G_GINT64_FORMAT " is kept",
                 version, project_id);
  ts_db_reset (statement);
  if (object != NULL)
    change = ts_change_from_json (object, name, error);
  return change;
}
