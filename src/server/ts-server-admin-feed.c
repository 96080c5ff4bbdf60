/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* Publishing the changes an admin command made beside this server, on
 * SQLite (`import-tracker`; see ts-store-admin-changes.c). Every POLL_MS
 * the server asks PRAGMA data_version, which changes only when another
 * connection has committed, and only then reads the rows announced since
 * and publishes their recorded changes. Its own changes it publishes as it
 * commits them; one of them committed after the admin's may be published
 * first, and a client then fetches the change it missed (doc/api.md: a
 * client applies each version once and in order). */

#include "ts-server-private.h"

#define POLL_MS 200

static void
publish_admin_changes (TsServer *self)
{
  g_autoptr(GArray) changes = NULL;
  g_autoptr(GError) error = NULL;

  if (!ts_store_read_admin_changes (self->store, &self->admin_cursor, &changes, &error))
    {
      g_warning ("Cannot read the changes of admin commands: %s", error->message);
      /* Read again at the next poll. */
      self->admin_data_version = -1;
      return;
    }
  for (guint i = 0; i < changes->len; i++)
    {
      TsAdminChange *announced = &g_array_index (changes, TsAdminChange, i);
      g_autoptr(TsChange) change = NULL;

      change = ts_store_load_change (self->store, announced->project_id, announced->version, &error);
      if (change == NULL)
        {
          g_warning ("Cannot publish an admin command's change: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      ts_publisher_publish_change (self->publisher, announced->project_id, change, NULL);
    }
}

static gboolean
poll_cb (gpointer data)
{
  TsServer *self = data;
  gint64 version;

  /* Not inside an open batch: its own writes are not another's commit,
   * but a read there would see them. */
  if (ts_store_in_batch (self->store))
    return G_SOURCE_CONTINUE;
  version = ts_store_get_data_version (self->store);
  if (version != self->admin_data_version)
    {
      /* Taken before reading: a commit meanwhile changes it again. */
      self->admin_data_version = version;
      publish_admin_changes (self);
    }
  return G_SOURCE_CONTINUE;
}

void
ts_server_start_admin_feed (TsServer *self)
{
  self->admin_data_version = ts_store_get_data_version (self->store);
  /* A cursor of 0 moves past what was announced before this server. */
  self->admin_cursor = 0;
  publish_admin_changes (self);
  self->admin_feed_timer = g_timeout_add (POLL_MS, poll_cb, self);
}

void
ts_server_stop_admin_feed (TsServer *self)
{
  g_clear_handle_id (&self->admin_feed_timer, g_source_remove);
}
