/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* What admin commands beside this server did, on SQLite: the members they
 * removed, whose sockets leave this server's hub (the evictions table,
 * ts-store-admin.c), and the changes they made (`import-tracker`; see
 * ts-store-admin-changes.c), which this server publishes. One watch does
 * both: every POLL_MS a job on the store thread asks PRAGMA data_version,
 * which changes only when another connection has committed, and only then
 * reads the rows announced since; the main thread then evicts and
 * publishes. The job commits the open batch before it runs (as every job
 * that is not a change does), so it never reads inside a batch, where this
 * server's own writes would show. Its own changes the server publishes
 * as it commits them; one of them committed after the admin's may be
 * published first, and a client then fetches the change it missed
 * (doc/api.md: a client applies each version once and in order). */

#include "ts-server-private.h"

#include "ts-evictions.h"

#define POLL_MS 200

typedef struct {
  /* (nullable): what was read, when anything was */
  GArray *evictions;
  GPtrArray *changes;
  GArray *project_ids;
} Look;

static void
look_free (Look *look)
{
  g_clear_pointer (&look->evictions, g_array_unref);
  g_clear_pointer (&look->changes, g_ptr_array_unref);
  g_clear_pointer (&look->project_ids, g_array_unref);
  g_free (look);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Look, look_free)

static gboolean
read_evictions (TsServer *self,
                Look     *look)
{
  g_autoptr(GError) error = NULL;

  if (!ts_store_read_evictions (self->store, &self->eviction_cursor, &look->evictions, &error))
    {
      g_warning ("Cannot read the evictions: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_admin_changes (TsServer *self,
                    Look     *look)
{
  g_autoptr(GArray) announced = NULL;
  g_autoptr(GError) error = NULL;

  if (!ts_store_read_admin_changes (self->store, &self->admin_cursor, &announced, &error))
    {
      g_warning ("Cannot read the changes of admin commands: %s", error->message);
      return FALSE;
    }
  look->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_change_unref);
  look->project_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < announced->len; i++)
    {
      TsAdminChange *one = &g_array_index (announced, TsAdminChange, i);
      TsChange *change = ts_store_load_change (self->store, one->project_id, one->version, &error);

      if (change == NULL)
        {
          g_warning ("Cannot publish an admin command's change: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      g_ptr_array_add (look->changes, change);
      g_array_append_val (look->project_ids, one->project_id);
    }
  return TRUE;
}

/* On the store thread, outside any batch. */
static void
look_run (TsServer *self,
          gpointer  data)
{
  Look *look = data;
  gint64 version;

  g_return_if_fail (!ts_store_in_batch (self->store));
  version = ts_store_get_data_version (self->store);
  if (version == self->watch_data_version)
    return;
  /* Taken before reading: a commit meanwhile changes it again. After a
   * failure the version is not taken, so the next look reads again. */
  if (read_evictions (self, look) & read_admin_changes (self, look))
    self->watch_data_version = version;
}

/* On the main thread: the sockets leave, the changes are published. */
static void
look_done (TsServer *self,
           gpointer  data)
{
  g_autoptr(Look) look = data;

  self->watch_busy = FALSE;
  for (guint i = 0; look->evictions != NULL && i < look->evictions->len; i++)
    {
      TsEviction *eviction = &g_array_index (look->evictions, TsEviction, i);

      ts_evictions_evict_member (self->hub, eviction->project_id, eviction->user_id);
    }
  for (guint i = 0; look->changes != NULL && i < look->changes->len; i++)
    ts_publisher_publish_change (self->publisher, g_array_index (look->project_ids, gint64, i),
                                 look->changes->pdata[i], NULL);
}

static void
look (TsServer *self)
{
  if (self->watch_busy || self->store_thread == NULL)
    return;
  self->watch_busy = TRUE;
  ts_server_run_store_job (self, look_run, look_done, g_new0 (Look, 1));
}

static gboolean
poll_cb (gpointer data)
{
  look (data);
  return G_SOURCE_CONTINUE;
}

/* The first look reads whatever is announced (its version is never the
 * one seen): the evictions before this server are for no socket of its,
 * and a cursor of 0 moves past the changes announced before it. */
void
ts_server_start_watch (TsServer *self)
{
  self->watch_data_version = -1;
  self->admin_cursor = 0;
  self->eviction_cursor = 0;
  look (self);
  self->watch_timer = g_timeout_add (POLL_MS, poll_cb, self);
}

void
ts_server_stop_watch (TsServer *self)
{
  g_clear_handle_id (&self->watch_timer, g_source_remove);
}
