/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-evictions"

#include "ts-evictions.h"

#include <errno.h>
#include <glib-unix.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

/**
 * TsEvictions:
 *
 * A thread of its own with a connection of its own that LISTENs for the
 * members removed through any server (ts_store_remove_member() NOTIFYs in
 * the change's transaction, so the notice comes with its commit) and
 * evicts their sockets from the project's channels in this server's hub.
 * A lost connection is made again every second; notices sent meanwhile
 * are lost, which a member's next channel authorization (refused by the
 * REST side) makes good.
 *
 * On SQLite one server serves a data directory, and evicts the members
 * removed through its REST API itself; the admin commands run beside it
 * (ts-store-admin.c) write rows in the evictions table, which the
 * server's watch reads (ts-server-admin-feed.c).
 */

#define RETRY_MS 1000

struct _TsEvictions
{
  TsHub *hub;
  /* PostgreSQL: the listening thread. */
  char *url;
  GThread *thread;
  /* Written to at the stop, to wake the thread. */
  int wake[2];
};

/**
 * ts_evictions_evict_member:
 *
 * The project's two channels in @hub lose the user's sockets.
 */
void
ts_evictions_evict_member (TsHub  *hub,
                           gint64  project_id,
                           gint64  user_id)
{
  g_autofree char *channel = NULL;
  g_autofree char *presence = NULL;
  g_autofree char *member = NULL;

  channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);
  presence = g_strdup_printf ("presence-project-%" G_GINT64_FORMAT, project_id);
  member = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  ts_hub_evict_user (hub, channel, member);
  ts_hub_evict_user (hub, presence, member);
}

/* "<project id> <user id>" */
static void
evict (TsEvictions *self,
       const char  *payload)
{
  gint64 project_id, user_id;

  if (sscanf (payload, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &project_id, &user_id) != 2)
    {
      g_warning ("An eviction notice that is not “project user”: %s", payload);
      return;
    }
  ts_evictions_evict_member (self->hub, project_id, user_id);
}

static PGconn *
connect_and_listen (TsEvictions *self)
{
  PGconn *connection = PQconnectdb (self->url);
  PGresult *result;

  if (PQstatus (connection) != CONNECTION_OK)
    {
      g_debug ("Cannot connect for evictions: %s", PQerrorMessage (connection));
      PQfinish (connection);
      return NULL;
    }
  result = PQexec (connection, "LISTEN " TS_EVICTIONS_CHANNEL);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      g_warning ("Cannot listen for evictions: %s", PQresultErrorMessage (result));
      PQclear (result);
      PQfinish (connection);
      return NULL;
    }
  PQclear (result);
  return connection;
}

/* Waits for the connection's socket (or RETRY_MS without one); FALSE when
 * woken to stop. */
static gboolean
wait_for_input (TsEvictions *self,
                PGconn      *connection)
{
  struct pollfd fds[2] = {
    { .fd = self->wake[0], .events = POLLIN },
    { .fd = connection != NULL ? PQsocket (connection) : -1, .events = POLLIN },
  };

  while (poll (fds, connection != NULL ? 2 : 1, connection != NULL ? -1 : RETRY_MS) < 0)
    if (errno != EINTR)
      return FALSE;
  return (fds[0].revents & POLLIN) == 0;
}

static gpointer
run (gpointer data)
{
  TsEvictions *self = data;
  PGconn *connection = connect_and_listen (self);

  while (wait_for_input (self, connection))
    {
      PGnotify *notice;

      if (connection == NULL)
        {
          connection = connect_and_listen (self);
          continue;
        }
      if (!PQconsumeInput (connection))
        {
          g_warning ("The connection for evictions was lost; connecting again: %s",
                     PQerrorMessage (connection));
          g_clear_pointer (&connection, PQfinish);
          continue;
        }
      while ((notice = PQnotifies (connection)) != NULL)
        {
          evict (self, notice->extra);
          PQfreemem (notice);
        }
    }
  g_clear_pointer (&connection, PQfinish);
  return NULL;
}

/**
 * ts_evictions_start:
 * @url: the PostgreSQL database
 * @hub: the embedded hub, whose sockets are evicted
 *
 * Returns: (transfer full): the listener, running
 */
TsEvictions *
ts_evictions_start (const char *url,
                    TsHub      *hub)
{
  TsEvictions *self = g_new0 (TsEvictions, 1);
  g_autoptr(GError) error = NULL;

  self->url = g_strdup (url);
  self->hub = g_object_ref (hub);
  if (!g_unix_open_pipe (self->wake, FD_CLOEXEC, &error))
    g_error ("cannot make a pipe: %s", error->message);
  self->thread = g_thread_new ("ts-evictions", run, self);
  return self;
}

void
ts_evictions_stop (TsEvictions *self)
{
  char byte = 0;

  if (self == NULL)
    return;
  while (write (self->wake[1], &byte, 1) < 0 && errno == EINTR)
    ;
  g_thread_join (self->thread);
  close (self->wake[0]);
  close (self->wake[1]);
  g_object_unref (self->hub);
  g_free (self->url);
  g_free (self);
}
