/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* Publishing from the database (PostgreSQL). Several servers share one
 * database, and the events of a project must reach the realtime service in
 * version order, whichever server made each change, and none may be lost
 * when a server dies. So a server does not publish what it commits: change
 * records are written unpublished, and the one server holding the
 * publisher lock (a session advisory lock, ts_store_hold_publisher_lock())
 * reads them in version order, queues them on its TsPublisher and, once
 * the service has taken each, marks them published. A server that dies
 * loses its connection and so the lock; another takes it over at its next
 * poll and sends what is not marked: every event is sent at least once and
 * in order (one sent but not yet marked is sent again; clients apply each
 * version once). Every server polls: after its own commits at once, and
 * every POLL_MS for the others' changes and a lock to take over. The
 * database work runs on the store thread. */

#include "ts-server-private.h"

#define POLL_MS 200
#define POLL_LIMIT 500

typedef struct {
  /* In: the versions sent since the last poll, to mark (project → version). */
  GHashTable *sent;
  /* Out. */
  gboolean publisher;
  GPtrArray *unpublished;
  GError *error;
} Poll;

typedef struct {
  TsServer *server;
  gint64 project_id;
  gint64 version;
} Sent;

static GHashTable *
new_version_table (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

/* Keeps the higher of @version and the table's for @project_id. */
static void
raise_version (GHashTable *table,
               gint64      project_id,
               gint64      version)
{
  gint64 *known = g_hash_table_lookup (table, &project_id);

  if (known != NULL)
    *known = MAX (*known, version);
  else
    g_hash_table_insert (table, g_memdup2 (&project_id, sizeof project_id),
                         g_memdup2 (&version, sizeof version));
}

/* On the store thread. */
static void
poll_run (TsServer *server,
          gpointer  data)
{
  Poll *poll = data;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, poll->sent);
  while (poll->error == NULL && g_hash_table_iter_next (&iter, &key, &value))
    ts_store_mark_published (server->store, *(gint64 *) key, *(gint64 *) value, &poll->error);
  if (poll->error == NULL)
    poll->publisher = ts_store_hold_publisher_lock (server->store, &poll->error);
  if (poll->error == NULL && poll->publisher)
    poll->unpublished = ts_store_list_unpublished (server->store, POLL_LIMIT, &poll->error);
}

static void
sent_cb (gpointer data)
{
  Sent *sent = data;

  if (sent->server->feed_sent == NULL)
    return;
  raise_version (sent->server->feed_sent, sent->project_id, sent->version);
  ts_server_kick_feed (sent->server);
}

static void
sent_free (gpointer data)
{
  Sent *sent = data;

  g_object_unref (sent->server);
  g_free (sent);
}

/* Back on the main thread: what is not queued yet goes to the publisher. */
static void
poll_done (TsServer *server,
           gpointer  data)
{
  Poll *poll = data;

  server->feed_busy = FALSE;
  /* Stopped meanwhile: what is unmarked is the next publisher's. */
  if (server->feed_sent == NULL)
    ;
  else if (poll->error != NULL)
    {
      g_warning ("Publishing from the database failed: %s", poll->error->message);
      /* The marks are made again at the next poll. */
      {
        GHashTableIter iter;
        gpointer key, value;

        g_hash_table_iter_init (&iter, poll->sent);
        while (g_hash_table_iter_next (&iter, &key, &value))
          raise_version (server->feed_sent, *(gint64 *) key, *(gint64 *) value);
      }
    }
  else if (!poll->publisher)
    g_hash_table_remove_all (server->feed_queued);

  for (guint i = 0; server->feed_queued != NULL && poll->unpublished != NULL &&
                  i < poll->unpublished->len; i++)
    {
      TsUnpublished *unpublished = poll->unpublished->pdata[i];
      gint64 *queued = g_hash_table_lookup (server->feed_queued, &unpublished->project_id);
      Sent *sent;

      if (queued != NULL && unpublished->change->version <= *queued)
        continue;
      raise_version (server->feed_queued, unpublished->project_id, unpublished->change->version);
      sent = g_new0 (Sent, 1);
      sent->server = g_object_ref (server);
      sent->project_id = unpublished->project_id;
      sent->version = unpublished->change->version;
      ts_publisher_publish_change_full (server->publisher, unpublished->project_id,
                                        unpublished->change, unpublished->socket_id,
                                        sent_cb, sent, sent_free);
    }

  g_hash_table_unref (poll->sent);
  g_clear_pointer (&poll->unpublished, g_ptr_array_unref);
  g_clear_error (&poll->error);
  g_free (poll);
  if (server->feed_again)
    ts_server_kick_feed (server);
}

/**
 * ts_server_kick_feed:
 *
 * Polls the database for changes to publish, now (or once the poll under
 * way is done).
 */
void
ts_server_kick_feed (TsServer *self)
{
  Poll *poll;

  if (self->feed_sent == NULL)
    return;
  if (self->feed_busy)
    {
      self->feed_again = TRUE;
      return;
    }
  self->feed_busy = TRUE;
  self->feed_again = FALSE;
  poll = g_new0 (Poll, 1);
  poll->sent = g_steal_pointer (&self->feed_sent);
  self->feed_sent = new_version_table ();
  ts_server_run_store_job (self, poll_run, poll_done, poll);
}

static gboolean
tick_cb (gpointer data)
{
  ts_server_kick_feed (data);
  return G_SOURCE_CONTINUE;
}

void
ts_server_start_feed (TsServer *self)
{
  self->feed_sent = new_version_table ();
  self->feed_queued = new_version_table ();
  self->feed_timer = g_timeout_add (POLL_MS, tick_cb, self);
  ts_server_kick_feed (self);
}

void
ts_server_stop_feed (TsServer *self)
{
  g_clear_handle_id (&self->feed_timer, g_source_remove);
  g_clear_pointer (&self->feed_sent, g_hash_table_unref);
  g_clear_pointer (&self->feed_queued, g_hash_table_unref);
}
