/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* Publishing from the database (PostgreSQL): change records are written
 * unpublished; the one server holding the publisher lock reads them in
 * version order, has them sent, and marks them. */

#include "ts-store-private.h"

/* The session advisory lock of the one publisher: "TSPB". */
#define PUBLISHER_LOCK "1414746178"

void
ts_unpublished_free (TsUnpublished *unpublished)
{
  g_clear_pointer (&unpublished->change, ts_change_unref);
  g_free (unpublished->socket_id);
  g_free (unpublished);
}

/**
 * ts_store_set_change_socket:
 * @socket_id: (nullable): the X-Socket-ID of the open change's request
 *
 * Its event will leave that socket out (doc/api.md). Set after
 * ts_store_begin(), for that change only.
 */
void
ts_store_set_change_socket (TsStore    *self,
                            const char *socket_id)
{
  g_return_if_fail (TS_IS_STORE (self));

  g_free (self->socket_id);
  self->socket_id = g_strdup (socket_id);
}

/**
 * ts_store_hold_publisher_lock:
 *
 * Takes the publisher lock when no other server's connection holds it. It
 * is a session lock: it goes with the connection, so when its holder dies
 * (or loses its connection) another server takes it over.
 *
 * Returns: whether this server is the publisher
 */
gboolean
ts_store_hold_publisher_lock (TsStore  *self,
                              GError  **error)
{
  TsDbStatement *statement;
  guint generation;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);
  g_return_val_if_fail (ts_store_is_postgresql (self), FALSE);

  generation = ts_db_get_generation (self->db);
  if (self->publisher_lock && self->publisher_generation == generation)
    return TRUE;
  statement = ts_store_prepare (self, "SELECT pg_try_advisory_lock(" PUBLISHER_LOCK ")", error);
  if (statement == NULL)
    return FALSE;
  if (ts_db_step (statement) != TS_DB_ROW)
    {
      ts_store_set_db_error (self, error);
      ts_db_reset (statement);
      return FALSE;
    }
  self->publisher_lock = g_strcmp0 (ts_store_column_text (statement, 0), "t") == 0;
  self->publisher_generation = ts_db_get_generation (self->db);
  ts_db_reset (statement);
  if (self->publisher_lock)
    g_message ("This server publishes the database's changes");
  return self->publisher_lock;
}

/**
 * ts_store_list_unpublished:
 *
 * Returns: (transfer full) (element-type TsUnpublished): the oldest
 *   unpublished changes, by project and version
 */
GPtrArray *
ts_store_list_unpublished (TsStore  *self,
                           guint     limit,
                           GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_unpublished_free);
  TsDbStatement *statement;
  TsDbStep step;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  statement = ts_store_prepare (self, "SELECT project_id, name, data, socket_id FROM changes "
                                      "WHERE NOT published ORDER BY project_id, version LIMIT ?",
                                error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, limit);
  while ((step = ts_db_step (statement)) == TS_DB_ROW)
    {
      g_autoptr(JsonObject) object = ts_json_parse_object (ts_store_column_text (statement, 2),
                                                           -1, error);
      TsUnpublished *unpublished;
      TsChange *change;

      if (object == NULL ||
          (change = ts_change_from_json (object, ts_store_column_text (statement, 1),
                                         error)) == NULL)
        {
          g_prefix_error (error, "a stored change is damaged: ");
          ts_db_reset (statement);
          return NULL;
        }
      unpublished = g_new0 (TsUnpublished, 1);
      unpublished->project_id = ts_db_column_int64 (statement, 0);
      unpublished->change = change;
      unpublished->socket_id = g_strdup (ts_store_column_text (statement, 3));
      g_ptr_array_add (list, unpublished);
    }
  if (step == TS_DB_FAILED)
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  return step == TS_DB_DONE ? g_steal_pointer (&list) : NULL;
}

/* Marks a project's changes up to @version published. */
gboolean
ts_store_mark_published (TsStore  *self,
                         gint64    project_id,
                         gint64    version,
                         GError  **error)
{
  TsDbStatement *statement;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  statement = ts_store_prepare (self, "UPDATE changes SET published = TRUE "
                                      "WHERE project_id = ? AND version <= ? AND NOT published",
                                error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, version);
  return ts_store_step_done (self, statement, error);
}
