/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-http-guard"

#include "ts-http-guard.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

/**
 * TsHttpGuard:
 *
 * See ts-http-guard.h. Each connection it adopts has a record, kept on
 * the GSocketAddress of its peer that it gives libsoup: libsoup 3.2 keeps
 * that object, and hands it back for each request
 * (soup_server_message_get_remote_address()), for exactly as long as it
 * keeps the connection, so the record goes when the connection does.
 *
 * Deadlines are kept in two queues, one per timeout, each in the order of
 * its deadlines (every entry of a queue waits the same time), with one
 * main-loop source set to the earliest: a source per connection would cost
 * GLib's main loop a walk over all of them on every wakeup.
 */

struct _TsHttpGuard
{
  GObject parent_instance;

  /* Weak: the server holds the guard's records, and so the guard. */
  SoupServer *server;

  TsFrontDoorPolicy policy;
  TsHttpGuardRefuseFunc refuse_func;
  gpointer refuse_data;

  GQueue waiting;  /* Conn*: waiting for a head, or writing an answer */
  GQueue reading;  /* Conn*: reading a body */
  GSource *sweep;
};

G_DEFINE_FINAL_TYPE (TsHttpGuard, ts_http_guard, G_TYPE_OBJECT)

typedef enum {
  CONN_WAITING,  /* for a request head */
  CONN_READING,  /* a request body */
  CONN_BUSY,     /* the server's turn: handling, answering */
  CONN_GONE,     /* refused, expired or upgraded */
} ConnState;

typedef struct {
  TsHttpGuard *guard;
  GSocket *socket;
  ConnState state;
  /* The body being read: its limit, and how much of it came so far. */
  gint64 limit;
  guint64 received;
  gint64 deadline;
  GQueue *queue;  /* (nullable): the one it waits in */
  GList link;
} Conn;

static GQuark
conn_quark (void)
{
  return g_quark_from_static_string ("ts-http-guard-conn");
}

static void
guard_reschedule (TsHttpGuard *self)
{
  Conn *waiting = g_queue_peek_head (&self->waiting);
  Conn *reading = g_queue_peek_head (&self->reading);
  gint64 next = G_MAXINT64;

  if (waiting != NULL)
    next = waiting->deadline;
  if (reading != NULL)
    next = MIN (next, reading->deadline);
  g_source_set_ready_time (self->sweep, next == G_MAXINT64 ? -1 : next);
}

static void
conn_unqueue (Conn *conn)
{
  if (conn->queue == NULL)
    return;
  g_queue_unlink (conn->queue, &conn->link);
  conn->queue = NULL;
  guard_reschedule (conn->guard);
}

static void
conn_queue (Conn     *conn,
            GQueue   *queue,
            guint     timeout_ms)
{
  if (conn->queue != NULL)
    g_queue_unlink (conn->queue, &conn->link);
  conn->deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  conn->queue = queue;
  g_queue_push_tail_link (queue, &conn->link);
  guard_reschedule (conn->guard);
}

static void
conn_free (gpointer data)
{
  Conn *conn = data;

  conn_unqueue (conn);
  g_object_unref (conn->socket);
  g_object_unref (conn->guard);
  g_free (conn);
}

static Conn *
conn_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_object_get_qdata (G_OBJECT (remote), conn_quark ()) : NULL;
}

static void
conn_wait (Conn *conn)
{
  conn->state = CONN_WAITING;
  if (!g_socket_is_closed (conn->socket))
    conn_queue (conn, &conn->guard->waiting, conn->guard->policy.idle_timeout_ms);
}

/* The server's turn. Its own time (a handler, a group commit) is short;
 * an answer the client does not read is not: the idle timeout applies,
 * from the last piece of the answer that went out. */
static void
conn_busy (Conn *conn)
{
  conn->state = CONN_BUSY;
  if (!g_socket_is_closed (conn->socket))
    conn_queue (conn, &conn->guard->waiting, conn->guard->policy.idle_timeout_ms);
}

/* Past its deadline: shutting the socket down ends libsoup's read, and
 * libsoup closes the connection as it would for a client that left. */
static void
conn_expire (Conn *conn)
{
  g_debug ("Closing a connection %s", conn->state == CONN_READING ? "whose body stalled" :
                                      conn->state == CONN_BUSY ? "that does not read its answer" :
                                      "left idle");
  conn_unqueue (conn);
  conn->state = CONN_GONE;
  if (!g_socket_is_closed (conn->socket))
    g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
}

static gboolean
sweep_cb (gpointer user_data)
{
  TsHttpGuard *self = user_data;
  gint64 now = g_get_monotonic_time ();
  Conn *first;

  while ((first = g_queue_peek_head (&self->waiting)) != NULL && now >= first->deadline)
    conn_expire (first);
  while ((first = g_queue_peek_head (&self->reading)) != NULL && now >= first->deadline)
    conn_expire (first);
  guard_reschedule (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
sweep_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs sweep_funcs = { NULL, NULL, sweep_dispatch, NULL, NULL, NULL };

/* Refusing a request: libsoup gives the connection up, and the door (or,
 * once it is gone, this) answers it. Nothing may use @conn afterwards:
 * libsoup may drop the connection, and with it the record. */
static void
send_and_close (int   fd,
                char *answer)
{
  /* No door to linger: the answer is sent as it can be. */
  if (send (fd, answer, strlen (answer), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    g_debug ("Cannot send a refusal: %s", g_strerror (errno));
  shutdown (fd, SHUT_WR);
  close (fd);
  g_free (answer);
}

static void
conn_refuse (Conn              *conn,
             SoupServerMessage *msg,
             guint              status,
             gint64             limit)
{
  TsHttpGuard *self = g_object_ref (conn->guard);
  g_autoptr(GIOStream) stream = NULL;
  int fd;

  conn_unqueue (conn);
  conn->state = CONN_GONE;
  fd = fcntl (g_socket_get_fd (conn->socket), F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    {
      /* Out of descriptors: no answer, only the end of the connection. */
      g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
      g_object_unref (self);
      return;
    }

  /* Stealing may drop libsoup's last reference on @msg. */
  g_object_ref (msg);
  stream = soup_server_message_steal_connection (msg);
  /* Closes libsoup's descriptor; the connection lives on in ours. */
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  g_object_unref (msg);

  if (self->refuse_func != NULL)
    self->refuse_func (fd, ts_front_door_refusal_new (status, limit), self->refuse_data);
  else
    send_and_close (fd, ts_front_door_refusal_new (status, limit));
  g_object_unref (self);
}

/* The request's head is read, its body not yet. */
static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  TsHttpGuard *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  Conn *conn = conn_for_message (msg);
  gint64 limit;

  if (conn == NULL || conn->state == CONN_GONE)
    return;
  conn_busy (conn);
  if (encoding != SOUP_ENCODING_CHUNKED &&
      (encoding != SOUP_ENCODING_CONTENT_LENGTH || soup_message_headers_get_content_length (headers) == 0))
    return;

  limit = self->policy.body_limit (soup_server_message_get_method (msg),
                                   g_uri_get_path (soup_server_message_get_uri (msg)));
  if (limit < 0)
    conn_refuse (conn, msg, SOUP_STATUS_NOT_FOUND, limit);
  else if ((encoding == SOUP_ENCODING_CHUNKED && limit == 0) ||
           (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
            soup_message_headers_get_content_length (headers) > limit))
    conn_refuse (conn, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, limit);
  else
    {
      conn->state = CONN_READING;
      conn->limit = limit;
      conn->received = 0;
      conn_queue (conn, &self->reading, self->policy.body_timeout_ms);
    }
}

/* A piece of the body: progress, unless it takes the body over its limit
 * (only a chunked one can). */
static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  TsHttpGuard *self = user_data;
  Conn *conn = conn_for_message (msg);

  if (conn == NULL || conn->state != CONN_READING)
    return;
  conn->received += g_bytes_get_size (chunk);
  if (conn->received > (guint64) conn->limit)
    conn_refuse (conn, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, conn->limit);
  else
    conn_queue (conn, &self->reading, self->policy.body_timeout_ms);
}

static void
got_body_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  Conn *conn = conn_for_message (msg);

  if (conn == NULL || conn->state != CONN_READING)
    return;
  conn_busy (conn);
}

/* A piece of the answer went out: progress. */
static void
wrote_cb (SoupServerMessage *msg,
          gpointer           user_data)
{
  Conn *conn = conn_for_message (msg);

  if (conn != NULL && conn->state == CONN_BUSY)
    conn_busy (conn);
}

/* A 101: libsoup hands the connection to the hub next, whose activity
 * timeout applies from now on. */
static void
wrote_informational_cb (SoupServerMessage *msg,
                        gpointer           user_data)
{
  Conn *conn = conn_for_message (msg);

  if (conn != NULL && soup_server_message_get_status (msg) == SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      conn_unqueue (conn);
      conn->state = CONN_GONE;
    }
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  TsHttpGuard *self = user_data;

  if (conn_for_message (msg) == NULL)
    return;
  /* Plain connections, not g_signal_connect_object(): the message holds
   * its connection's remote address, whose record (Conn) holds a
   * reference on the guard, so the guard outlives every message it
   * watches. g_signal_connect_object() kept a list of the closures of all
   * messages in flight on the guard and searched it at each message's end:
   * 8 % of the main thread's instructions per REST auth request. */
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), self);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self);
  g_signal_connect (msg, "got-body", G_CALLBACK (got_body_cb), self);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (wrote_cb), self);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote_cb), self);
  g_signal_connect (msg, "wrote-informational", G_CALLBACK (wrote_informational_cb), self);
}

/* Answered (or given up): the connection waits for its next request. A
 * connection libsoup upgrades to a WebSocket is stolen before this, and
 * left alone from its 101 on: the hub times it. */
static void
request_done_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  Conn *conn = conn_for_message (msg);

  if (conn != NULL && conn->state != CONN_GONE)
    conn_wait (conn);
}

static void
ts_http_guard_finalize (GObject *object)
{
  TsHttpGuard *self = (TsHttpGuard *)object;

  g_clear_weak_pointer (&self->server);
  g_source_destroy (self->sweep);
  g_source_unref (self->sweep);

  G_OBJECT_CLASS (ts_http_guard_parent_class)->finalize (object);
}

static void
ts_http_guard_class_init (TsHttpGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ts_http_guard_finalize;
}

static void
ts_http_guard_init (TsHttpGuard *self)
{
  g_queue_init (&self->waiting);
  g_queue_init (&self->reading);
}

/**
 * ts_http_guard_new:
 * @server: the server whose connections it watches, served from the
 *   calling thread's main context
 * @policy: the limits and timeouts
 */
TsHttpGuard *
ts_http_guard_new (SoupServer              *server,
                   const TsFrontDoorPolicy *policy)
{
  TsHttpGuard *self;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (policy != NULL && policy->body_limit != NULL, NULL);

  self = g_object_new (TS_TYPE_HTTP_GUARD, NULL);
  self->policy = *policy;
  g_set_weak_pointer (&self->server, server);
  /* The source holds no reference: the guard destroys it first. */
  self->sweep = g_source_new (&sweep_funcs, sizeof (GSource));
  g_source_set_callback (self->sweep, sweep_cb, self, NULL);
  g_source_set_static_name (self->sweep, "[truestory] connection deadlines");
  g_source_attach (self->sweep, g_main_context_get_thread_default ());

  g_signal_connect_object (server, "request-started", G_CALLBACK (request_started_cb), self, 0);
  g_signal_connect_object (server, "request-finished", G_CALLBACK (request_done_cb), self, 0);
  g_signal_connect_object (server, "request-aborted", G_CALLBACK (request_done_cb), self, 0);
  return self;
}

/**
 * ts_http_guard_set_refuse_func:
 * @func: (nullable): where refused connections go; %NULL to answer them
 *   here and close them at once
 */
void
ts_http_guard_set_refuse_func (TsHttpGuard           *self,
                               TsHttpGuardRefuseFunc  func,
                               gpointer               user_data)
{
  g_return_if_fail (TS_IS_HTTP_GUARD (self));

  self->refuse_func = func;
  self->refuse_data = user_data;
}

/**
 * ts_http_guard_adopt:
 * @fd: (transfer full): a connected socket whose first request head has
 *   arrived
 *
 * Gives @fd to the server, as soup_server_accept_iostream(), watched.
 */
void
ts_http_guard_adopt (TsHttpGuard *self,
                     int          fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  Conn *conn;

  g_return_if_fail (TS_IS_HTTP_GUARD (self));

  socket = g_socket_new_from_fd (fd, &error);
  if (socket == NULL)
    {
      g_warning ("Cannot serve a connection: %s", error->message);
      close (fd);
      return;
    }
  local = g_socket_get_local_address (socket, NULL);
  remote = g_socket_get_remote_address (socket, NULL);
  /* Only a peer already gone has no address. */
  if (local == NULL || remote == NULL)
    return;

  connection = g_socket_connection_factory_create_connection (socket);
  conn = g_new0 (Conn, 1);
  conn->guard = g_object_ref (self);
  conn->socket = g_object_ref (socket);
  conn->link.data = conn;
  g_object_set_qdata_full (G_OBJECT (remote), conn_quark (), conn, conn_free);
  conn_wait (conn);

  if (self->server == NULL)
    return;
  /* Fails only for a peer already gone. */
  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote, &error))
    g_debug ("Cannot serve a connection: %s", error->message);
}
