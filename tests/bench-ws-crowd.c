/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "bench-ws-crowd.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "bench-http.h"
#include "ts-json.h"
#include "ts-pusher.h"

/* The hub's messages are a few hundred bytes; anything near this is a
 * broken length, not a message. */
#define MAX_MESSAGE_SIZE (1 << 20)
/* Events handled per main-loop iteration, so that the deadlines and the
 * progress lines still run in a storm. */
#define EVENTS_PER_DISPATCH 256
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#define OPCODE_CONTINUATION 0x0
#define OPCODE_TEXT 0x1
#define OPCODE_BINARY 0x2
#define OPCODE_CLOSE 0x8
#define OPCODE_PING 0x9
#define OPCODE_PONG 0xa

/* A socket in the crowd's epoll set. Its id and generation are the
 * event's data: a socket closed while a batch of events is handled
 * leaves stale events behind, and a reconnecting client may get a new
 * socket in the same batch, so each close starts a new generation. */
typedef struct {
  WsCrowd *crowd;
  int fd;
  guint32 id;
  guint32 generation;
  gboolean connected;
  gboolean want_out;
  GByteArray *in;
  GByteArray *out;
} Conn;

typedef enum {
  CLIENT_NEW,
  CLIENT_CONNECTING,   /* TCP connect, then the upgrade */
  CLIENT_HANDSHAKE,    /* upgraded, waiting for pusher:connection_established */
  CLIENT_ESTABLISHED,  /* idle, or waiting for its turn to authorize */
  CLIENT_AUTHORIZING,
  CLIENT_SUBSCRIBING,
  CLIENT_SUBSCRIBED,
  CLIENT_FAILED,
} ClientState;

typedef struct {
  Conn conn;
  guint index;
  ClientState state;
  guint attempts;
  gboolean upgraded;
  gboolean close_sent;
  char accept[29];        /* the Sec-WebSocket-Accept that the upgrade must carry */
  GByteArray *fragments;  /* a fragmented message, until its last frame */
  char socket_id[TS_PUSHER_SOCKET_ID_SIZE];
  gint64 established_at;
  gint64 subscribed_at;
  /* The armed round's event, kept to be checked after the round, and when
   * it arrived: 0 until it does. */
  GByteArray *event;
  gint64 event_at;
} Client;

typedef enum {
  AUTH_CLOSED,
  AUTH_WARMING,  /* its first request, which opens the connection */
  AUTH_IDLE,
  AUTH_BUSY,
} AuthState;

typedef struct {
  Conn conn;
  AuthState state;
  guint answers;  /* on this connection */
  Client *client;
  gint64 sent_at;
} AuthConn;

struct _WsCrowd {
  char *name;
  WsCrowdMode mode;
  struct sockaddr_in address;
  char *upgrade_head;  /* the upgrade request up to the key's value */
  char *auth_head;     /* the auth request up to the Content-Length value */
  char *health_request;
  char *channel;
  char *channel_escaped;
  char *app_key;
  char *app_secret;

  int epoll_fd;
  guint source_id;
  Client *clients;
  guint n;
  guint window;
  guint next;
  gint64 started_at;
  gboolean closing;
  char *mark;  /* while a round is armed */

  AuthConn *auths;
  guint n_auths;
  GPtrArray *idle_auths;
  GQueue auth_queue;
  GArray *auth_ms;

  WsCrowdCounts counts;
  GString *errors;
  guint n_errors;
};

static void crowd_error (WsCrowd    *crowd,
                         const char *format,
                         ...) G_GNUC_PRINTF (2, 3);

/* Keeps the first few errors for the report, and counts all. */
static void
crowd_error (WsCrowd    *crowd,
             const char *format,
             ...)
{
  va_list args;

  if (crowd->n_errors++ >= 5)
    return;
  va_start (args, format);
  g_string_append (crowd->errors, "\n      ");
  g_string_append_vprintf (crowd->errors, format, args);
  va_end (args);
}

/* Sockets. */

static Conn *
crowd_conn (WsCrowd *crowd,
            guint32  id)
{
  return id < crowd->n ? &crowd->clients[id].conn : &crowd->auths[id - crowd->n].conn;
}

/* Edge-triggered: bench_socket_read() reads until a short read, which on a
 * stream socket means it took everything there was, and conn_flush()
 * until EAGAIN. Level-triggered, epoll polled every socket a second time
 * after its message was read, only to find nothing: 0.7 us of the
 * reader's 4.4 us per message in a fan-out to 10,000 (issue 20,
 * bench-send-floor --edge). */
#define CONN_EVENTS (EPOLLIN | EPOLLET)

static void
conn_watch (Conn *conn,
            int   op)
{
  struct epoll_event event = {
    .events = CONN_EVENTS | (conn->want_out ? EPOLLOUT : 0),
    .data.u64 = (guint64) conn->generation << 32 | conn->id,
  };

  /* Only a bug makes this fail once the socket is in the set. */
  if (epoll_ctl (conn->crowd->epoll_fd, op, conn->fd, &event) != 0)
    g_error ("epoll_ctl: %s", g_strerror (errno));
}

/* The clients come from SOURCE_ADDRESSES loopback addresses, as a real
 * crowd comes from many hosts. From one address, the clients' connect()
 * would have to step past every port whose connection to the server's
 * address is still in TIME_WAIT: on loopback the server's side of the
 * connections a restart just closed sits in the same table, and the
 * kernel reuses such a port only a second later. After the idle phase
 * that doubled the clients' CPU in the storm (10,000 ports of 28,000
 * taken), a cost of sharing one host with the server, not of the
 * server. The port is still the kernel's choice, at connect(). */
#define SOURCE_ADDRESSES 64

static gboolean
conn_bind_source (int   fd,
                  guint id)
{
  struct sockaddr_in source = {
    .sin_family = AF_INET,
    .sin_addr.s_addr = htonl (INADDR_LOOPBACK + 1 + id % SOURCE_ADDRESSES),
  };
  int one = 1;

  return setsockopt (fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one) == 0 &&
         bind (fd, (struct sockaddr *) &source, sizeof source) == 0;
}

/* Starts a connection to the server; what is sent before it is made
 * waits in the output buffer. */
static gboolean
conn_open (Conn        *conn,
           const char **reason)
{
  struct epoll_event event = { .events = CONN_EVENTS | EPOLLOUT };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;

  if (fd < 0)
    {
      *reason = g_strerror (errno);
      return FALSE;
    }
  /* Every write here is a whole request or frame that waits for an
   * answer: Nagle's algorithm would only hold the next one back. */
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  event.data.u64 = (guint64) conn->generation << 32 | conn->id;
  if ((!conn_bind_source (fd, conn->id) ||
       (connect (fd, (struct sockaddr *) &conn->crowd->address, sizeof conn->crowd->address) != 0 &&
        errno != EINPROGRESS)) ||
      epoll_ctl (conn->crowd->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0)
    {
      *reason = g_strerror (errno);
      close (fd);
      return FALSE;
    }
  conn->fd = fd;
  conn->connected = FALSE;
  conn->want_out = TRUE;
  return TRUE;
}

/* Closing the descriptor also takes it out of the epoll set. */
static void
conn_close (Conn *conn)
{
  if (conn->fd < 0)
    return;
  close (conn->fd);
  conn->fd = -1;
  conn->generation++;
  if (conn->in != NULL)
    g_byte_array_set_size (conn->in, 0);
  if (conn->out != NULL)
    g_byte_array_set_size (conn->out, 0);
}

static gboolean
conn_is (Conn    *conn,
         guint32  generation)
{
  return conn->fd >= 0 && conn->generation == generation;
}

static gboolean
conn_send (Conn        *conn,
           const void  *data,
           gsize        size,
           const char **reason)
{
  gssize sent = 0;

  if (conn->connected && (conn->out == NULL || conn->out->len == 0))
    {
      sent = send (conn->fd, data, size, MSG_NOSIGNAL);
      if (sent < 0)
        {
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            {
              *reason = g_strerror (errno);
              return FALSE;
            }
          sent = 0;
        }
    }
  if ((gsize) sent < size)
    {
      if (conn->out == NULL)
        conn->out = g_byte_array_new ();
      g_byte_array_append (conn->out, (const guint8 *) data + sent, size - sent);
      if (!conn->want_out)
        {
          conn->want_out = TRUE;
          conn_watch (conn, EPOLL_CTL_MOD);
        }
    }
  return TRUE;
}

/* Finishes the connect and writes what waits; once all is out, the
 * socket is no longer watched for room. */
static gboolean
conn_flush (Conn        *conn,
            const char **reason)
{
  if (!bench_socket_flush (conn->fd, &conn->connected, conn->out, reason))
    return FALSE;
  if (conn->out != NULL && conn->out->len > 0)
    return TRUE;
  conn->want_out = FALSE;
  conn_watch (conn, EPOLL_CTL_MOD);
  return TRUE;
}

/* WebSocket clients. */

static void client_connect (Client *client);
static void auth_pump (WsCrowd *crowd);

static gboolean
client_is_done (Client *client)
{
  if (client->state == CLIENT_FAILED)
    return TRUE;
  return client->conn.crowd->mode == WS_CROWD_IDLE ? client->state == CLIENT_ESTABLISHED
                                                   : client->state == CLIENT_SUBSCRIBED;
}

/* Closes the socket, whatever it was doing. */
static void
client_drop (Client *client)
{
  WsCrowd *crowd = client->conn.crowd;

  if (client->conn.fd < 0)
    return;
  if (client->upgraded)
    crowd->counts.open--;
  else
    crowd->counts.connecting--;
  conn_close (&client->conn);
  g_clear_pointer (&client->fragments, g_byte_array_unref);
}

/* A frame as RFC 6455 wants it from a client: masked, with a fresh key. */
static gboolean
client_send_frame (Client      *client,
                   guint        opcode,
                   const void  *payload,
                   gsize        size,
                   const char **reason)
{
  g_autofree guint8 *frame = g_malloc (size + 14);
  const guint8 *data = payload;
  guint32 key = g_random_int ();
  const guint8 *mask;
  gsize head;

  frame[0] = 0x80 | opcode;
  if (size < 126)
    {
      frame[1] = 0x80 | size;
      head = 2;
    }
  else if (size <= 0xffff)
    {
      frame[1] = 0x80 | 126;
      frame[2] = size >> 8;
      frame[3] = size & 0xff;
      head = 4;
    }
  else
    {
      frame[1] = 0x80 | 127;
      for (guint i = 0; i < 8; i++)
        frame[2 + i] = ((guint64) size >> (56 - 8 * i)) & 0xff;
      head = 10;
    }
  memcpy (frame + head, &key, 4);
  mask = frame + head;
  head += 4;
  for (gsize i = 0; i < size; i++)
    frame[head + i] = data[i] ^ mask[i % 4];
  return conn_send (&client->conn, frame, head + size, reason);
}

static gboolean
client_send_close (Client *client,
                   guint   code)
{
  guint8 payload[2] = { code >> 8, code & 0xff };
  const char *reason;

  client->close_sent = TRUE;
  return client_send_frame (client, OPCODE_CLOSE, payload, sizeof payload, &reason);
}

static void
client_fail (Client     *client,
             const char *reason)
{
  WsCrowd *crowd = client->conn.crowd;

  if (client->state == CLIENT_FAILED)
    return;
  crowd_error (crowd, "client %u (%s): %s", client->index,
               client->socket_id[0] != '\0' ? client->socket_id : "no socket id", reason);
  /* A client that had made it is counted as done already. */
  if (!client_is_done (client))
    crowd->counts.done++;
  client->state = CLIENT_FAILED;
  crowd->counts.failed++;
  if (client->upgraded && client->conn.fd >= 0 && !client->close_sent)
    client_send_close (client, 1000);
  client_drop (client);
}

/* The socket went away before the upgrade: a client retries, as
 * pusher-js does; the retries are reported. */
static void
client_connect_failed (Client     *client,
                       const char *reason)
{
  WsCrowd *crowd = client->conn.crowd;

  client_drop (client);
  if (crowd->closing)
    return;
  if (client->attempts < MAX_CONNECT_ATTEMPTS)
    {
      crowd->counts.retries++;
      crowd_error (crowd, "client %u: connecting failed, retrying: %s", client->index, reason);
      client_connect (client);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("cannot connect: %s", reason);

      client_fail (client, text);
    }
}

static void
client_send_text (Client     *client,
                  const char *text)
{
  const char *reason;

  if (!client_send_frame (client, OPCODE_TEXT, text, strlen (text), &reason))
    {
      g_autofree char *message = g_strdup_printf ("sending: %s", reason);

      if (client->conn.crowd->closing)
        client_drop (client);
      else
        client_fail (client, message);
    }
}

static void
client_send_subscribe (Client     *client,
                       const char *auth)
{
  g_autofree char *text = g_strdup_printf ("{\"event\":\"pusher:subscribe\",\"data\":"
                                           "{\"channel\":\"%s\",\"auth\":\"%s\"}}",
                                           client->conn.crowd->channel, auth);

  client->state = CLIENT_SUBSCRIBING;
  client_send_text (client, text);
}

static void
client_subscribe (Client *client)
{
  WsCrowd *crowd = client->conn.crowd;

  switch (crowd->mode)
    {
    case WS_CROWD_IDLE:
      break;
    case WS_CROWD_REST_AUTH:
      /* The auth pool takes it when a connection is free. */
      g_queue_push_tail (&crowd->auth_queue, client);
      break;
    case WS_CROWD_LOCAL_AUTH:
      {
        g_autofree char *auth = ts_pusher_channel_auth (crowd->app_key, crowd->app_secret,
                                                        client->socket_id, crowd->channel, NULL);

        client_send_subscribe (client, auth);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
client_established (Client     *client,
                    JsonObject *frame)
{
  WsCrowd *crowd = client->conn.crowd;
  const char *data = json_object_get_string_member_with_default (frame, "data", NULL);
  g_autoptr(JsonObject) object = data != NULL ? ts_json_parse_object (data, -1, NULL) : NULL;
  const char *socket_id = object != NULL ?
    json_object_get_string_member_with_default (object, "socket_id", NULL) : NULL;

  if (client->state != CLIENT_HANDSHAKE)
    {
      client_fail (client, "a second pusher:connection_established");
      return;
    }
  if (!ts_pusher_socket_id_is_valid (socket_id) ||
      json_object_get_int_member_with_default (object, "activity_timeout", 0) <= 0)
    {
      client_fail (client, "pusher:connection_established without a valid socket_id and "
                           "activity_timeout");
      return;
    }

  g_strlcpy (client->socket_id, socket_id, sizeof client->socket_id);
  client->state = CLIENT_ESTABLISHED;
  client->established_at = g_get_monotonic_time ();
  crowd->counts.established++;
  if (crowd->mode == WS_CROWD_IDLE)
    crowd->counts.done++;
  client_subscribe (client);
}

static void
client_subscribed (Client     *client,
                   JsonObject *frame)
{
  WsCrowd *crowd = client->conn.crowd;

  if (client->state != CLIENT_SUBSCRIBING ||
      g_strcmp0 (json_object_get_string_member_with_default (frame, "channel", NULL),
                 crowd->channel) != 0)
    {
      client_fail (client, "an unexpected pusher_internal:subscription_succeeded");
      return;
    }
  client->state = CLIENT_SUBSCRIBED;
  client->subscribed_at = g_get_monotonic_time ();
  crowd->counts.subscribed++;
  crowd->counts.done++;
}

/* The round's event is only timed and kept here, and parsed after the
 * round: parsing it now would delay every client whose message is
 * handled after this one in the same batch. */
static void
client_take_event (Client     *client,
                   const char *text,
                   gsize       size)
{
  WsCrowd *crowd = client->conn.crowd;
  gint64 now = g_get_monotonic_time ();

  if (client->event_at != 0)
    {
      crowd->counts.duplicates++;
      crowd_error (crowd, "client %u got the round's event again: %.*s", client->index,
                   (int) MIN (size, 200), text);
      return;
    }
  client->event_at = now;
  if (client->event == NULL)
    client->event = g_byte_array_sized_new (size);
  g_byte_array_append (client->event, (const guint8 *) text, size);
  crowd->counts.round_events++;
}

static void
client_message (Client     *client,
                const char *text,
                gsize       size)
{
  WsCrowd *crowd = client->conn.crowd;
  g_autoptr(JsonObject) frame = NULL;
  const char *event;

  /* A scan for the mark is all an event costs while a round is armed. */
  if (crowd->mark != NULL && g_strstr_len (text, size, crowd->mark) != NULL)
    {
      client_take_event (client, text, size);
      return;
    }

  frame = ts_json_parse_object (text, size, NULL);
  event = frame != NULL ? json_object_get_string_member_with_default (frame, "event", NULL) : NULL;
  if (event == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("a frame that is not a Pusher message: %.*s",
                                                 (int) MIN (size, 200), text);

      client_fail (client, reason);
    }
  else if (g_str_equal (event, "pusher:connection_established"))
    client_established (client, frame);
  else if (g_str_equal (event, "pusher_internal:subscription_succeeded"))
    client_subscribed (client, frame);
  else if (g_str_equal (event, "pusher:ping"))
    client_send_text (client, "{\"event\":\"pusher:pong\",\"data\":{}}");
  else if (g_str_equal (event, "pusher:error") || g_str_equal (event, "pusher:subscription_error"))
    {
      g_autofree char *reason = g_strdup_printf ("%.*s", (int) MIN (size, 300), text);

      client_fail (client, reason);
    }
  else
    {
      crowd->counts.unexpected++;
      crowd_error (crowd, "client %u got an unexpected %.*s", client->index,
                   (int) MIN (size, 200), text);
    }
}

/* A close frame from the server: while the crowd is closing it ends the
 * connection, with its code counted; before, it is a failure. */
static void
client_take_close (Client     *client,
                   const char *payload,
                   gsize       size)
{
  WsCrowd *crowd = client->conn.crowd;
  guint code = size >= 2 ? (guint8) payload[0] << 8 | (guint8) payload[1] : 1005;

  if (client->close_sent)
    {
      /* The answer to ours: the closing handshake is over. */
      client_drop (client);
      return;
    }
  if (crowd->closing)
    {
      if (code == 4200)
        crowd->counts.closed_4200++;
      else
        {
          crowd->counts.closed_other++;
          crowd_error (crowd, "client %u: closed by the server with %u", client->index, code);
        }
      /* 1005 says no code came, and is never sent. */
      client_send_close (client, code == 1005 ? 1000 : code);
      client_drop (client);
    }
  else
    {
      g_autofree char *reason = g_strdup_printf ("closed by the server (%u %.*s)", code,
                                                 (int) (size > 2 ? size - 2 : 0), payload + 2);

      client_fail (client, reason);
    }
}

static void
client_protocol_error (Client     *client,
                       const char *reason)
{
  if (client->conn.crowd->closing)
    client_drop (client);
  else
    client_fail (client, reason);
}

static void
client_take_payload (Client     *client,
                     gboolean    fin,
                     guint       opcode,
                     const char *payload,
                     gsize       size)
{
  const char *reason;

  if (opcode >= OPCODE_CLOSE && (!fin || size > 125))
    {
      client_protocol_error (client, "a fragmented or long control frame");
      return;
    }
  switch (opcode)
    {
    case OPCODE_TEXT:
      if (client->fragments != NULL)
        client_protocol_error (client, "a text frame inside a fragmented message");
      else if (fin)
        client_message (client, payload, size);
      else
        {
          client->fragments = g_byte_array_new ();
          g_byte_array_append (client->fragments, (const guint8 *) payload, size);
        }
      break;
    case OPCODE_CONTINUATION:
      if (client->fragments == NULL)
        client_protocol_error (client, "a continuation frame outside a fragmented message");
      else if (client->fragments->len + size > MAX_MESSAGE_SIZE)
        client_protocol_error (client, "a fragmented message over 1 MiB");
      else
        {
          g_byte_array_append (client->fragments, (const guint8 *) payload, size);
          if (fin)
            {
              g_autoptr(GByteArray) message = g_steal_pointer (&client->fragments);

              client_message (client, (const char *) message->data, message->len);
            }
        }
      break;
    case OPCODE_BINARY:
      client_protocol_error (client, "the hub sent a binary frame");
      break;
    case OPCODE_CLOSE:
      client_take_close (client, payload, size);
      break;
    case OPCODE_PING:
      if (!client_send_frame (client, OPCODE_PONG, payload, size, &reason))
        client_protocol_error (client, reason);
      break;
    case OPCODE_PONG:
      break;
    default:
      client_protocol_error (client, "a frame with an unknown opcode");
      break;
    }
}

/* Takes one server frame off the input, when it is all there: unmasked,
 * with a 7, 16 or 64-bit length. FALSE when there is no whole frame or
 * the socket is gone. */
static gboolean
client_take_frame (Client *client)
{
  GByteArray *in = client->conn.in;
  const guint8 *p = in->data;
  guint32 generation = client->conn.generation;
  gsize head = 2;
  guint64 size;

  if (in->len < 2)
    return FALSE;
  if ((p[0] & 0x70) != 0 || (p[1] & 0x80) != 0)
    {
      client_protocol_error (client, "a server frame with reserved bits or a mask");
      return FALSE;
    }
  size = p[1] & 0x7f;
  if (size == 126)
    {
      head = 4;
      if (in->len < head)
        return FALSE;
      size = (guint64) p[2] << 8 | p[3];
    }
  else if (size == 127)
    {
      head = 10;
      if (in->len < head)
        return FALSE;
      size = 0;
      for (guint i = 2; i < 10; i++)
        size = size << 8 | p[i];
    }
  if (size > MAX_MESSAGE_SIZE)
    {
      client_protocol_error (client, "a server frame over 1 MiB");
      return FALSE;
    }
  if (in->len < head + size)
    return FALSE;

  client_take_payload (client, (p[0] & 0x80) != 0, p[0] & 0x0f, (const char *) p + head, size);
  if (!conn_is (&client->conn, generation))
    return FALSE;
  g_byte_array_remove_range (in, 0, head + size);
  return TRUE;
}

/* The answer to the upgrade: 101, and the accept value that proves the
 * server read this request's key. */
static gboolean
client_take_upgrade (Client *client)
{
  WsCrowd *crowd = client->conn.crowd;
  BenchHttpHead head = { 0 };
  gssize size = bench_http_head_parse (client->conn.in, &head);
  g_autofree char *problem = NULL;

  if (size == 0)
    return FALSE;
  if (size < 0)
    problem = g_strdup ("the answer to the upgrade has no end to its head");
  else if (head.status != 101)
    problem = g_strdup_printf ("the upgrade was answered “%s”", head.status_line);
  else if (g_ascii_strcasecmp (head.upgrade != NULL ? head.upgrade : "", "websocket") != 0 ||
           !bench_http_has_token (head.connection, "upgrade"))
    problem = g_strdup ("the 101 lacks Upgrade: websocket or Connection: Upgrade");
  else if (g_strcmp0 (head.accept, client->accept) != 0)
    problem = g_strdup_printf ("Sec-WebSocket-Accept is %s, not %s", head.accept, client->accept);
  else if (head.extensions != NULL)
    problem = g_strdup_printf ("the server chose extensions that were not offered: %s",
                               head.extensions);
  bench_http_head_clear (&head);
  if (problem != NULL)
    {
      client_connect_failed (client, problem);
      return FALSE;
    }

  g_byte_array_remove_range (client->conn.in, 0, size);
  client->upgraded = TRUE;
  client->state = CLIENT_HANDSHAKE;
  crowd->counts.connecting--;
  crowd->counts.open++;
  return TRUE;
}

static void
client_parse (Client *client)
{
  guint32 generation = client->conn.generation;

  if (!client->upgraded && !client_take_upgrade (client))
    return;
  while (conn_is (&client->conn, generation) && client->conn.in->len > 0 &&
         client_take_frame (client))
    ;
}

/* The socket ended or failed. */
static void
client_lost (Client     *client,
             const char *reason)
{
  WsCrowd *crowd = client->conn.crowd;

  if (!client->upgraded)
    client_connect_failed (client, reason);
  else if (crowd->closing)
    {
      if (!client->close_sent)
        {
          crowd->counts.closed_other++;
          crowd_error (crowd, "client %u: %s without a close frame", client->index, reason);
        }
      client_drop (client);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("%s without a close frame", reason);

      client_fail (client, text);
    }
}

static void
client_event (Client  *client,
              guint32  events)
{
  Conn *conn = &client->conn;
  guint32 generation = conn->generation;
  const char *reason = NULL;
  gboolean alive;

  if (conn->want_out && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0 &&
      !conn_flush (conn, &reason))
    {
      client_lost (client, reason);
      return;
    }
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) == 0 || !conn->connected)
    return;
  alive = bench_socket_read (conn->fd, &conn->in, &reason);
  if (conn->in != NULL && conn->in->len > 0)
    client_parse (client);
  if (!alive && conn_is (conn, generation))
    client_lost (client, reason);
}

static void
client_connect (Client *client)
{
  WsCrowd *crowd = client->conn.crowd;
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *key = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *request = NULL;
  guint8 nonce[16], digest[20];
  gsize digest_size = sizeof digest;
  const char *reason;

  for (guint i = 0; i < sizeof nonce; i++)
    nonce[i] = g_random_int_range (0, 256);
  key = g_base64_encode (nonce, sizeof nonce);
  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) WS_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_size);
  accept = g_base64_encode (digest, digest_size);
  g_strlcpy (client->accept, accept, sizeof client->accept);

  client->state = CLIENT_CONNECTING;
  client->attempts++;
  client->upgraded = FALSE;
  client->close_sent = FALSE;
  if (!conn_open (&client->conn, &reason))
    {
      client_connect_failed (client, reason);
      return;
    }
  crowd->counts.connecting++;
  request = g_strconcat (crowd->upgrade_head, key, "\r\n\r\n", NULL);
  conn_send (&client->conn, request, strlen (request), &reason);
}

/* Starts handshakes while fewer than the window are in flight. */
static void
crowd_pump (WsCrowd *crowd)
{
  while (!crowd->closing && crowd->started_at != 0 && crowd->next < crowd->n &&
         crowd->counts.connecting < crowd->window)
    client_connect (&crowd->clients[crowd->next++]);
}

/* Auth requests: each on a keep-alive connection of its own, opened
 * before the clients start. */

static void
auth_fail_queued (WsCrowd    *crowd,
                  const char *reason)
{
  Client *client;

  while ((client = g_queue_pop_head (&crowd->auth_queue)) != NULL)
    client_fail (client, reason);
}

static void
auth_reopen (AuthConn *auth)
{
  WsCrowd *crowd = auth->conn.crowd;
  const char *reason;

  if (!conn_open (&auth->conn, &reason))
    {
      crowd_error (crowd, "opening auth connection %u again: %s", (guint) (auth - crowd->auths),
                   reason);
      return;
    }
  crowd->counts.auth_open++;
  crowd->counts.auth_reopened++;
  auth->answers = 0;
  auth->state = AUTH_IDLE;
  g_ptr_array_add (crowd->idle_auths, auth);
}

/* The connection ended or failed. A server may close a kept-alive
 * connection after an answer, even as the next request goes out on it:
 * as HTTP clients do, the connection is opened again and such a request
 * sent again on it, once. Any other loss of a request fails its client. */
static void
auth_lost (AuthConn   *auth,
           const char *reason)
{
  WsCrowd *crowd = auth->conn.crowd;
  gboolean unanswered = auth->conn.in == NULL || auth->conn.in->len == 0;
  gboolean kept_alive = auth->answers > 0;
  AuthState state = auth->state;
  Client *client = auth->client;

  if (auth->conn.fd < 0)
    return;
  conn_close (&auth->conn);
  crowd->counts.auth_open--;
  g_ptr_array_remove_fast (crowd->idle_auths, auth);
  auth->state = AUTH_CLOSED;
  auth->client = NULL;
  if (state == AUTH_BUSY)
    crowd->counts.auth_in_flight--;
  if (crowd->closing)
    return;

  if (state == AUTH_BUSY && unanswered && kept_alive)
    {
      if (client->state == CLIENT_AUTHORIZING)
        {
          client->state = CLIENT_ESTABLISHED;
          g_queue_push_head (&crowd->auth_queue, client);
        }
    }
  else if (state == AUTH_BUSY)
    {
      g_autofree char *text = g_strdup_printf ("POST /api/v1/realtime/auth: %s", reason);

      client_fail (client, text);
    }
  if (kept_alive && (state != AUTH_BUSY || unanswered))
    auth_reopen (auth);
  else
    crowd_error (crowd, "auth connection %u: %s", (guint) (auth - crowd->auths), reason);
  /* Nothing would take the waiting clients any more. */
  if (crowd->counts.auth_open == 0)
    auth_fail_queued (crowd, "no auth connection is left");
}

static void
auth_answered (AuthConn   *auth,
               guint       status,
               const char *body,
               gsize       size)
{
  WsCrowd *crowd = auth->conn.crowd;
  Client *client = auth->client;
  g_autoptr(JsonObject) answer = NULL;
  const char *text;
  double ms;

  auth->answers++;
  if (auth->state == AUTH_WARMING)
    {
      if (status == 200)
        crowd->counts.auth_ready++;
      else
        crowd_error (crowd, "opening an auth connection: GET /api/v1/health answered %u", status);
      auth->state = AUTH_IDLE;
      g_ptr_array_add (crowd->idle_auths, auth);
      return;
    }

  ms = (g_get_monotonic_time () - auth->sent_at) / 1000.0;
  g_array_append_val (crowd->auth_ms, ms);
  auth->state = AUTH_IDLE;
  auth->client = NULL;
  crowd->counts.auth_in_flight--;
  g_ptr_array_add (crowd->idle_auths, auth);

  if (status != 200 ||
      (answer = ts_json_parse_object (body, size, NULL)) == NULL ||
      (text = json_object_get_string_member_with_default (answer, "auth", NULL)) == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("POST /api/v1/realtime/auth answered %u: %.*s",
                                                 status, (int) MIN (size, 300), body);

      client_fail (client, reason);
    }
  else if (client->state == CLIENT_AUTHORIZING && client->conn.fd >= 0)
    client_send_subscribe (client, text);
}

/* One answer at a time (bench_http_answer_parse()). */
static void
auth_parse (AuthConn *auth)
{
  GByteArray *in = auth->conn.in;
  BenchHttpAnswer answer;
  g_autofree char *problem = NULL;

  switch (bench_http_answer_parse (in, &answer, &problem))
    {
    case BENCH_HTTP_INCOMPLETE:
      return;
    case BENCH_HTTP_BROKEN:
      auth_lost (auth, problem);
      return;
    case BENCH_HTTP_COMPLETE:
      break;
    }
  auth_answered (auth, answer.status, (const char *) in->data + answer.body_at, answer.body_size);
  g_byte_array_set_size (in, 0);
  if (answer.close_after)
    auth_lost (auth, "Connection: close");
}

static void
auth_event (AuthConn *auth,
            guint32   events)
{
  Conn *conn = &auth->conn;
  guint32 generation = conn->generation;
  const char *reason = NULL;
  gboolean alive;

  if (conn->want_out && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0 &&
      !conn_flush (conn, &reason))
    {
      auth_lost (auth, reason);
      return;
    }
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) == 0 || !conn->connected)
    return;
  alive = bench_socket_read (conn->fd, &conn->in, &reason);
  if (conn->in != NULL && conn->in->len > 0)
    auth_parse (auth);
  if (!alive && conn_is (conn, generation))
    auth_lost (auth, reason);
}

static void
auth_pump (WsCrowd *crowd)
{
  Client *client;

  while (crowd->idle_auths->len > 0 && (client = g_queue_pop_head (&crowd->auth_queue)) != NULL)
    {
      AuthConn *auth;
      g_autofree char *socket_id = NULL;
      g_autofree char *body = NULL;
      g_autofree char *request = NULL;
      const char *reason;

      if (client->state != CLIENT_ESTABLISHED)
        continue;
      auth = g_ptr_array_steal_index_fast (crowd->idle_auths, crowd->idle_auths->len - 1);
      g_assert (auth->state == AUTH_IDLE);
      socket_id = g_uri_escape_string (client->socket_id, NULL, FALSE);
      body = g_strdup_printf ("socket_id=%s&channel_name=%s", socket_id, crowd->channel_escaped);
      request = g_strdup_printf ("%s%zu\r\n\r\n%s", crowd->auth_head, strlen (body), body);
      client->state = CLIENT_AUTHORIZING;
      auth->state = AUTH_BUSY;
      auth->client = client;
      auth->sent_at = g_get_monotonic_time ();
      crowd->counts.auth_in_flight++;
      if (!conn_send (&auth->conn, request, strlen (request), &reason))
        auth_lost (auth, reason);
    }
}

static void
auth_open (AuthConn *auth)
{
  WsCrowd *crowd = auth->conn.crowd;
  const char *reason;

  if (!conn_open (&auth->conn, &reason))
    {
      crowd_error (crowd, "opening auth connection %u: %s", (guint) (auth - crowd->auths), reason);
      return;
    }
  crowd->counts.auth_open++;
  auth->state = AUTH_WARMING;
  conn_send (&auth->conn, crowd->health_request, strlen (crowd->health_request), &reason);
}

/* The crowd. */

static gboolean
crowd_dispatch_cb (int          fd,
                   GIOCondition condition,
                   gpointer     data)
{
  WsCrowd *crowd = data;
  struct epoll_event events[EVENTS_PER_DISPATCH];
  int n = epoll_wait (crowd->epoll_fd, events, G_N_ELEMENTS (events), 0);

  for (int i = 0; i < n; i++)
    {
      guint64 tag = events[i].data.u64;
      guint32 id = tag & G_MAXUINT32;
      Conn *conn = crowd_conn (crowd, id);

      if (!conn_is (conn, tag >> 32))
        continue;
      if (id < crowd->n)
        client_event ((Client *) conn, events[i].events);
      else
        auth_event ((AuthConn *) conn, events[i].events);
    }
  crowd_pump (crowd);
  auth_pump (crowd);
  return G_SOURCE_CONTINUE;
}

/**
 * ws_crowd_new:
 * @window: handshakes in flight at most
 * @auth_window: keep-alive connections for auth requests, for
 *   %WS_CROWD_REST_AUTH
 *
 * Makes @n clients, which do nothing until ws_crowd_begin().
 */
WsCrowd *
ws_crowd_new (const char          *name,
              const WsCrowdTarget *target,
              WsCrowdMode          mode,
              guint                n,
              guint                window,
              guint                auth_window)
{
  WsCrowd *crowd = g_new0 (WsCrowd, 1);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", target->port);

  g_return_val_if_fail (n > 0 && window > 0, NULL);
  g_return_val_if_fail (mode != WS_CROWD_REST_AUTH || auth_window > 0, NULL);

  crowd->name = g_strdup (name);
  crowd->mode = mode;
  crowd->address.sin_family = AF_INET;
  crowd->address.sin_port = g_htons (target->port);
  crowd->address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  crowd->upgrade_head = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                                         "Host: %s\r\n"
                                         "Upgrade: websocket\r\n"
                                         "Connection: Upgrade\r\n"
                                         "Sec-WebSocket-Version: 13\r\n"
                                         "Sec-WebSocket-Key: ", target->ws_target, host);
  crowd->auth_head = g_strdup_printf ("POST /api/v1/realtime/auth HTTP/1.1\r\n"
                                      "Host: %s\r\n"
                                      "Authorization: %s\r\n"
                                      "Content-Type: application/x-www-form-urlencoded\r\n"
                                      "Content-Length: ", host, target->authorization);
  crowd->health_request = g_strdup_printf ("GET /api/v1/health HTTP/1.1\r\nHost: %s\r\n\r\n", host);
  crowd->channel = g_strdup (target->channel);
  crowd->channel_escaped = g_uri_escape_string (target->channel, NULL, FALSE);
  crowd->app_key = g_strdup (target->app_key);
  crowd->app_secret = g_strdup (target->app_secret);

  crowd->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (crowd->epoll_fd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));
  crowd->source_id = g_unix_fd_add (crowd->epoll_fd, G_IO_IN, crowd_dispatch_cb, crowd);

  crowd->n = n;
  crowd->window = window;
  crowd->clients = g_new0 (Client, n);
  for (guint i = 0; i < n; i++)
    {
      crowd->clients[i].conn = (Conn) { .crowd = crowd, .fd = -1, .id = i };
      crowd->clients[i].index = i;
    }
  crowd->n_auths = mode == WS_CROWD_REST_AUTH ? auth_window : 0;
  crowd->auths = g_new0 (AuthConn, crowd->n_auths);
  for (guint i = 0; i < crowd->n_auths; i++)
    crowd->auths[i].conn = (Conn) { .crowd = crowd, .fd = -1, .id = n + i };
  crowd->idle_auths = g_ptr_array_new ();
  g_queue_init (&crowd->auth_queue);
  crowd->auth_ms = g_array_new (FALSE, FALSE, sizeof (double));
  crowd->errors = g_string_new (NULL);
  return crowd;
}

static void
conn_free (Conn *conn)
{
  conn_close (conn);
  if (conn->in != NULL)
    g_byte_array_unref (conn->in);
  if (conn->out != NULL)
    g_byte_array_unref (conn->out);
}

void
ws_crowd_free (WsCrowd *crowd)
{
  g_clear_handle_id (&crowd->source_id, g_source_remove);
  for (guint i = 0; i < crowd->n; i++)
    {
      conn_free (&crowd->clients[i].conn);
      g_clear_pointer (&crowd->clients[i].fragments, g_byte_array_unref);
      g_clear_pointer (&crowd->clients[i].event, g_byte_array_unref);
    }
  for (guint i = 0; i < crowd->n_auths; i++)
    conn_free (&crowd->auths[i].conn);
  close (crowd->epoll_fd);
  g_free (crowd->clients);
  g_free (crowd->auths);
  g_ptr_array_unref (crowd->idle_auths);
  g_queue_clear (&crowd->auth_queue);
  g_array_unref (crowd->auth_ms);
  g_string_free (crowd->errors, TRUE);
  g_free (crowd->name);
  g_free (crowd->upgrade_head);
  g_free (crowd->auth_head);
  g_free (crowd->health_request);
  g_free (crowd->channel);
  g_free (crowd->channel_escaped);
  g_free (crowd->app_key);
  g_free (crowd->app_secret);
  g_free (crowd->mark);
  g_free (crowd);
}

const char *
ws_crowd_get_name (WsCrowd *crowd)
{
  return crowd->name;
}

guint
ws_crowd_get_size (WsCrowd *crowd)
{
  return crowd->n;
}

const WsCrowdCounts *
ws_crowd_get_counts (WsCrowd *crowd)
{
  return &crowd->counts;
}

/* The first few errors, each on a line of its own. */
const char *
ws_crowd_get_errors (WsCrowd *crowd)
{
  return crowd->errors->str;
}

guint
ws_crowd_get_n_errors (WsCrowd *crowd)
{
  return crowd->n_errors;
}

gint64
ws_crowd_get_started_at (WsCrowd *crowd)
{
  return crowd->started_at;
}

static gboolean
expire_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*CrowdCondition) (WsCrowd *crowd);

/* Runs the default main context until @condition holds or @deadline (in
 * monotonic time) passes. */
static gboolean
crowd_run_until (WsCrowd        *crowd,
                 CrowdCondition  condition,
                 gint64          deadline)
{
  gboolean expired = FALSE;
  guint id;

  if (condition (crowd))
    return TRUE;
  id = g_timeout_add (MAX (deadline - g_get_monotonic_time (), 0) / 1000, expire_cb, &expired);
  while (!condition (crowd) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return condition (crowd);
}

static gboolean
auth_settled (WsCrowd *crowd)
{
  return crowd->counts.auth_ready == crowd->n_auths || crowd->n_errors > 0;
}

/**
 * ws_crowd_open_auth:
 *
 * Opens the auth connections, each with a first request of its own
 * (GET /api/v1/health), and waits for their answers.
 *
 * Returns: whether every one answered 200 before @deadline
 */
gboolean
ws_crowd_open_auth (WsCrowd *crowd,
                    gint64   deadline)
{
  for (guint i = 0; i < crowd->n_auths; i++)
    auth_open (&crowd->auths[i]);
  crowd_run_until (crowd, auth_settled, deadline);
  return crowd->counts.auth_ready == crowd->n_auths && crowd->n_errors == 0;
}

void
ws_crowd_begin (WsCrowd *crowd)
{
  crowd->started_at = g_get_monotonic_time ();
  crowd_pump (crowd);
}

static gboolean
all_done (WsCrowd *crowd)
{
  return crowd->counts.done == crowd->n;
}

/* Returns: whether every client is done (see WsCrowdCounts) by @deadline. */
gboolean
ws_crowd_wait (WsCrowd *crowd,
               gint64   deadline)
{
  return crowd_run_until (crowd, all_done, deadline);
}

static gboolean
all_closed (WsCrowd *crowd)
{
  return crowd->counts.open == 0 && crowd->counts.connecting == 0 && crowd->counts.auth_open == 0;
}

/**
 * ws_crowd_expect_close:
 *
 * From now on the server may close the clients: its closes are counted
 * by code, not taken for failures, and no client connects any more.
 */
void
ws_crowd_expect_close (WsCrowd *crowd)
{
  crowd->closing = TRUE;
}

/**
 * ws_crowd_close:
 * @from_here: whether the clients close their WebSockets (and wait for
 *   the server's answers), or the server is closing them
 *
 * Gives up handshakes and auth requests in flight, and waits until every
 * socket is closed. As after ws_crowd_expect_close(), the server's closes
 * are counted by code.
 *
 * Returns: whether every socket was closed before @deadline
 */
gboolean
ws_crowd_close (WsCrowd  *crowd,
                gboolean  from_here,
                gint64    deadline)
{
  crowd->closing = TRUE;
  g_queue_clear (&crowd->auth_queue);
  for (guint i = 0; i < crowd->n_auths; i++)
    auth_lost (&crowd->auths[i], NULL);
  for (guint i = 0; i < crowd->n; i++)
    {
      Client *client = &crowd->clients[i];

      if (client->conn.fd < 0)
        continue;
      if (!client->upgraded)
        client_drop (client);
      else if (from_here && !client->close_sent && !client_send_close (client, 1000))
        client_drop (client);
    }
  return crowd_run_until (crowd, all_closed, deadline);
}

/**
 * ws_crowd_arm:
 * @mark: text that only the round's event holds, such as its event name
 *   as the hub writes it; copied
 *
 * Starts a fan-out round: until ws_crowd_disarm(), a message holding
 * @mark is the round's event, which each client should get once. It is
 * timed as it arrives and kept (see ws_crowd_get_event()), and counted in
 * round_events, or in duplicates when it comes again. Other messages are
 * handled as always.
 */
void
ws_crowd_arm (WsCrowd    *crowd,
              const char *mark)
{
  g_return_if_fail (mark != NULL && *mark != '\0');

  g_free (crowd->mark);
  crowd->mark = g_strdup (mark);
  crowd->counts.round_events = 0;
  for (guint i = 0; i < crowd->n; i++)
    {
      Client *client = &crowd->clients[i];

      client->event_at = 0;
      if (client->event != NULL)
        g_byte_array_set_size (client->event, 0);
    }
}

/* Ends the round: a message with the mark is an unexpected one again. */
void
ws_crowd_disarm (WsCrowd *crowd)
{
  g_clear_pointer (&crowd->mark, g_free);
}

/**
 * ws_crowd_get_event:
 * @arrived_at: (out): when it arrived, in monotonic time
 *
 * Returns: the last armed round's event as client @index got it, or
 *   %NULL when it did not
 */
const char *
ws_crowd_get_event (WsCrowd *crowd,
                    guint    index,
                    gsize   *size,
                    gint64  *arrived_at)
{
  Client *client;

  g_return_val_if_fail (index < crowd->n, NULL);

  client = &crowd->clients[index];
  if (client->event_at == 0)
    return NULL;
  *size = client->event->len;
  *arrived_at = client->event_at;
  return (const char *) client->event->data;
}

/**
 * ws_crowd_stage_ms:
 *
 * Returns: when each client that got there reached @stage, in ms after
 *   ws_crowd_begin()
 */
GArray *
ws_crowd_stage_ms (WsCrowd      *crowd,
                   WsCrowdStage  stage)
{
  GArray *ms = g_array_sized_new (FALSE, FALSE, sizeof (double), crowd->n);

  for (guint i = 0; i < crowd->n; i++)
    {
      Client *client = &crowd->clients[i];
      gint64 at = stage == WS_CROWD_ESTABLISHED ? client->established_at : client->subscribed_at;
      double value = (at - crowd->started_at) / 1000.0;

      if (at != 0)
        g_array_append_val (ms, value);
    }
  return ms;
}

/* Returns: the round trip of every auth request answered, in ms. */
GArray *
ws_crowd_auth_ms (WsCrowd *crowd)
{
  return g_array_ref (crowd->auth_ms);
}
