/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* accept4() */
#define G_LOG_DOMAIN "ts-front-door"

#include "ts-front-door.h"
#include "ts-front-door-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A WebSocket handshake is a few hundred bytes; a longer head is left to
 * libsoup, which has its own limits. */
#define MAX_HEAD 8192
#define MAX_EVENTS 256
/* Accepted per wakeup, so that reading the accepted ones keeps up. */
#define ACCEPT_BATCH 256
/* A client that has said nothing after this long goes to libsoup and its
 * timeouts: WebSocket clients send their handshake at once. */
#define QUIET_VISITOR_US (2 * G_USEC_PER_SEC)
/* Out of descriptors: accepts wait this long rather than spin. */
#define ACCEPT_PAUSE_US (100 * 1000)
#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* A connection accepted, its first request not yet seen. */
typedef struct {
  int fd;
  gint64 accepted_at;
  GList link;
} Visitor;

struct _TsFrontDoor {
  GSocket *listener;
  SoupServer *server;
  GMainContext *server_context;
  char *request_prefix;  /* "GET <prefix>" */
  TsFrontDoorUpgradeFunc upgrade_func;
  gpointer user_data;

  int epoll_fd;
  int wake_fd;
  GThread *thread;
  int stopping;  /* atomic */

  /* The door's thread's own: */
  GQueue visitors;  /* in the order accepted */
  gint64 accepts_paused_until;
};

/* Handing a connection to libsoup, on the SoupServer's thread. */

typedef struct {
  SoupServer *server;
  int fd;
} Handoff;

static void
handoff_free (gpointer data)
{
  Handoff *handoff = data;

  if (handoff->fd >= 0)
    close (handoff->fd);
  g_object_unref (handoff->server);
  g_free (handoff);
}

static gboolean
handoff_cb (gpointer data)
{
  Handoff *handoff = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (handoff->fd, &error);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;

  if (socket == NULL)
    {
      g_warning ("Cannot serve a connection: %s", error->message);
      return G_SOURCE_REMOVE;
    }
  handoff->fd = -1;
  connection = g_socket_connection_factory_create_connection (socket);
  local = g_socket_get_local_address (socket, NULL);
  remote = g_socket_get_remote_address (socket, NULL);
  /* Fails only for a peer already gone. */
  if (!soup_server_accept_iostream (handoff->server, G_IO_STREAM (connection), local, remote, &error))
    g_debug ("Cannot serve a connection: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
visitor_leave (TsFrontDoor *door,
               Visitor     *visitor)
{
  epoll_ctl (door->epoll_fd, EPOLL_CTL_DEL, visitor->fd, NULL);
  g_queue_unlink (&door->visitors, &visitor->link);
}

static void
visitor_drop (TsFrontDoor *door,
              Visitor     *visitor)
{
  visitor_leave (door, visitor);
  close (visitor->fd);
  g_free (visitor);
}

static void
visitor_to_soup (TsFrontDoor *door,
                 Visitor     *visitor)
{
  Handoff *handoff = g_new0 (Handoff, 1);

  visitor_leave (door, visitor);
  handoff->server = g_object_ref (door->server);
  handoff->fd = visitor->fd;
  g_free (visitor);
  g_main_context_invoke_full (door->server_context, G_PRIORITY_DEFAULT, handoff_cb, handoff,
                              handoff_free);
}

/* libsoup (3.2) keeps a connection alive after a response only while its
 * server has a listener of its own; the connections the door hands over
 * need one. It listens on this: an abstract Unix socket with a random
 * name that nobody is told. */
static gboolean
anchor_soup_server (SoupServer  *server,
                    GError     **error)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  g_autoptr(GSocket) anchor = NULL;
  socklen_t address_size;
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  /* sun_path[0] stays NUL: the abstract namespace, no file. */
  g_snprintf (address.sun_path + 1, sizeof address.sun_path - 1, "truestory-server-%08x%08x",
              g_random_int (), g_random_int ());
  address_size = offsetof (struct sockaddr_un, sun_path) + 1 + strlen (address.sun_path + 1);
  if (fd < 0 || bind (fd, (struct sockaddr *) &address, address_size) < 0 || listen (fd, 1) < 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot make the server's anchor socket: %s", g_strerror (saved));
      return FALSE;
    }
  anchor = g_socket_new_from_fd (fd, error);
  if (anchor == NULL)
    {
      close (fd);
      return FALSE;
    }
  return soup_server_listen_socket (server, anchor, 0, error);
}

/* The handshake. */

static gboolean
is_token (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("!#$%&'*+-.^_`|~", *c) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
is_token_list (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (!is_token (g_strstrip (parts[i])))
      return FALSE;
  return TRUE;
}

/* Whether @value, a list of tokens (RFC 9110 §5.6.1), holds @token. Any
 * other list is not the simple case: libsoup reads quoted strings in it,
 * commas and all, and the two would disagree (found by
 * tests/fuzz/fuzz-front-door.c). */
static gboolean
header_has_token (const char *value,
                  const char *token)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);
  gboolean found = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);

      if (!is_token (part))
        return FALSE;
      found |= g_ascii_strcasecmp (part, token) == 0;
    }
  return found;
}

typedef struct {
  const char *target;
  guint n_host;
  gboolean upgrade;
  gboolean connection;
  guint n_version;
  gboolean version_13;
  guint n_key;
  const char *key;
  gboolean has_body;
} Handshake;

static gboolean
handshake_take_header (Handshake *handshake,
                       char      *line)
{
  char *colon = strchr (line, ':');
  char *value;

  /* Folded lines, empty or spaced names: not the simple case. */
  if (colon == NULL || colon == line || g_ascii_isspace (line[0]) || g_ascii_isspace (colon[-1]))
    return FALSE;
  *colon = '\0';
  value = g_strstrip (colon + 1);

  if (g_ascii_strcasecmp (line, "Host") == 0)
    handshake->n_host++;
  /* libsoup joins repeated headers into one list: one that is not plain
   * makes the whole list libsoup's. */
  else if (g_ascii_strcasecmp (line, "Upgrade") == 0)
    {
      if (!is_token_list (value))
        return FALSE;
      handshake->upgrade |= header_has_token (value, "websocket");
    }
  else if (g_ascii_strcasecmp (line, "Connection") == 0)
    {
      if (!is_token_list (value))
        return FALSE;
      handshake->connection |= header_has_token (value, "upgrade");
    }
  else if (g_ascii_strcasecmp (line, "Sec-WebSocket-Version") == 0)
    {
      handshake->n_version++;
      handshake->version_13 = g_str_equal (value, "13");
    }
  else if (g_ascii_strcasecmp (line, "Sec-WebSocket-Key") == 0)
    {
      handshake->n_key++;
      handshake->key = value;
    }
  else if (g_ascii_strcasecmp (line, "Content-Length") == 0 ||
           g_ascii_strcasecmp (line, "Transfer-Encoding") == 0)
    handshake->has_body = TRUE;
  return TRUE;
}

static gboolean
key_is_valid (const char *key)
{
  guchar decoded[64];
  gint state = 0;
  guint save = 0;
  gsize length = strlen (key);

  if (length != 24)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '+' && key[i] != '/' && key[i] != '=')
      return FALSE;
  return g_base64_decode_step (key, length, decoded, &state, &save) == 16;
}

/* Whether @head (NUL-terminated, ending in the blank line) is a complete,
 * unremarkable WebSocket handshake under the prefix; fills @handshake,
 * whose strings point into @head. */
static gboolean
handshake_parse (char      *head,
                 Handshake *handshake)
{
  char *line_end = strstr (head, "\r\n");
  char *version;
  char *line;

  /* "GET /prefix… HTTP/1.1" */
  *line_end = '\0';
  version = strrchr (head, ' ');
  if (version == NULL || !g_str_equal (version, " HTTP/1.1"))
    return FALSE;
  *version = '\0';
  handshake->target = head + strlen ("GET ");
  /* Visible ASCII only (RFC 9112 §3.2): libsoup refuses a tab in the
   * request line, which the door took as part of the target (found by
   * tests/fuzz/fuzz-front-door.c). */
  for (const char *c = handshake->target; *c != '\0'; c++)
    if ((guchar) *c <= 0x20 || (guchar) *c >= 0x7f)
      return FALSE;

  for (line = line_end + 2; *line != '\0' && !g_str_has_prefix (line, "\r\n"); line = line_end + 2)
    {
      line_end = strstr (line, "\r\n");
      *line_end = '\0';
      if (!handshake_take_header (handshake, line))
        return FALSE;
    }

  return handshake->n_host == 1 && handshake->upgrade && handshake->connection &&
         handshake->n_version == 1 && handshake->version_13 && handshake->n_key == 1 &&
         key_is_valid (handshake->key) && !handshake->has_body;
}

static char *
accept_value (const char *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_size = sizeof digest;

  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) WEBSOCKET_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_size);
  return g_base64_encode (digest, digest_size);
}

/* Whether every line of @head ends in CR LF and no other control
 * character but a tab is in it. libsoup ends a line at a bare LF too, so
 * a head holding one would read differently to the two: the door could
 * take as a bodiless handshake what libsoup reads with a Content-Length
 * (found by tests/fuzz/fuzz-front-door.c). Such heads are libsoup's. */
static gboolean
head_is_plain (const char *head,
               gsize       size)
{
  for (gsize i = 0; i < size; i++)
    {
      guchar c = head[i];

      if (c == '\r' && i + 1 < size && head[i + 1] == '\n')
        i++;
      else if ((c < 0x20 && c != '\t') || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

/**
 * ts_front_door_peek:
 * @request_prefix: `GET <prefix>`
 * @peeked: the first bytes a new connection sent, still unread on it
 * @size: how many
 * @capacity: the most that can be peeked: a full buffer without a
 *   complete handshake is not one
 * @out_head_size: (out): with %TS_FRONT_DOOR_PEEK_UPGRADE, the size of
 *   the head, blank line included
 * @out_target: (out) (transfer full): with %TS_FRONT_DOOR_PEEK_UPGRADE,
 *   the request's path and query
 * @out_accept: (out) (transfer full): with %TS_FRONT_DOOR_PEEK_UPGRADE,
 *   the `Sec-WebSocket-Accept` to answer
 *
 * What the door does with a connection that has sent @peeked: no I/O, so
 * that it can be tested (and fuzzed) on bytes.
 */
TsFrontDoorPeek
ts_front_door_peek (const char *request_prefix,
                    const char *peeked,
                    gsize       size,
                    gsize       capacity,
                    gsize      *out_head_size,
                    char      **out_target,
                    char      **out_accept)
{
  gsize prefix_size = strlen (request_prefix);
  g_autofree char *head = NULL;
  Handshake handshake = { NULL, };
  const char *end;

  if (memcmp (peeked, request_prefix, MIN (size, prefix_size)) != 0)
    return TS_FRONT_DOOR_PEEK_SOUP;
  if (size < prefix_size)
    return TS_FRONT_DOOR_PEEK_WAIT;
  end = g_strstr_len (peeked, size, "\r\n\r\n");
  if (end == NULL)
    return size >= capacity ? TS_FRONT_DOOR_PEEK_SOUP : TS_FRONT_DOOR_PEEK_WAIT;

  *out_head_size = end + 4 - peeked;
  if (!head_is_plain (peeked, *out_head_size))
    return TS_FRONT_DOOR_PEEK_SOUP;
  head = g_strndup (peeked, *out_head_size);
  if (!handshake_parse (head, &handshake))
    return TS_FRONT_DOOR_PEEK_SOUP;
  *out_target = g_strdup (handshake.target);
  *out_accept = accept_value (handshake.key);
  return TS_FRONT_DOOR_PEEK_UPGRADE;
}

/* Answers the handshake of @head_size bytes, still unread on the socket,
 * and passes the connection on. */
static void
visitor_upgrade (TsFrontDoor *door,
                 Visitor     *visitor,
                 gsize        head_size,
                 const char  *target,
                 const char  *accept)
{
  g_autofree char *response = NULL;
  char discard[MAX_HEAD];
  gsize response_size;
  int fd = visitor->fd;

  response = g_strdup_printf ("HTTP/1.1 101 Switching Protocols\r\n"
                              "Upgrade: websocket\r\n"
                              "Connection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: %s\r\n"
                              "\r\n", accept);
  response_size = strlen (response);

  /* The head was peeked, so it is all there to be read; a fresh socket's
   * buffer takes the short answer whole. */
  visitor_leave (door, visitor);
  g_free (visitor);
  if (recv (fd, discard, head_size, 0) != (ssize_t) head_size ||
      send (fd, response, response_size, MSG_NOSIGNAL) != (ssize_t) response_size)
    {
      close (fd);
      return;
    }
  door->upgrade_func (fd, target, door->user_data);
}

static void
visitor_read (TsFrontDoor *door,
              Visitor     *visitor)
{
  char peeked[MAX_HEAD];
  g_autofree char *target = NULL;
  g_autofree char *accept = NULL;
  gsize head_size = 0;
  ssize_t n;

  do
    n = recv (visitor->fd, peeked, sizeof peeked, MSG_PEEK);
  while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return;
  if (n <= 0)
    {
      /* Gone before saying anything. */
      visitor_drop (door, visitor);
      return;
    }

  switch (ts_front_door_peek (door->request_prefix, peeked, n, sizeof peeked,
                              &head_size, &target, &accept))
    {
    case TS_FRONT_DOOR_PEEK_WAIT:
      break;
    case TS_FRONT_DOOR_PEEK_SOUP:
      visitor_to_soup (door, visitor);
      break;
    case TS_FRONT_DOOR_PEEK_UPGRADE:
      visitor_upgrade (door, visitor, head_size, target, accept);
      break;
    }
}

/* The thread. */

static void
door_watch_listener (TsFrontDoor *door,
                     gboolean     watch)
{
  struct epoll_event event = { .events = EPOLLIN, .data.ptr = door };

  epoll_ctl (door->epoll_fd, watch ? EPOLL_CTL_ADD : EPOLL_CTL_DEL,
             g_socket_get_fd (door->listener), &event);
}

static void
door_accept (TsFrontDoor *door)
{
  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      int fd = accept4 (g_socket_get_fd (door->listener), NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      int nodelay = 1;
      Visitor *visitor;
      /* Edge-triggered: a peek that finds a partial head waits for the
       * next bytes rather than being woken for the same ones again. */
      struct epoll_event event = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET };

      if (fd < 0 && (errno == EINTR || errno == ECONNABORTED))
        continue;
      if (fd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      if (fd < 0)
        {
          g_warning ("Cannot accept connections (%s); trying again shortly", g_strerror (errno));
          door_watch_listener (door, FALSE);
          door->accepts_paused_until = g_get_monotonic_time () + ACCEPT_PAUSE_US;
          return;
        }

      /* Answers and events are small writes that must go out at once:
       * with Nagle's algorithm, libsoup's body written after its headers
       * waited for the client's delayed ACK, 40 ms per request. */
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
      visitor = g_new0 (Visitor, 1);
      visitor->fd = fd;
      visitor->accepted_at = g_get_monotonic_time ();
      visitor->link.data = visitor;
      g_queue_push_tail_link (&door->visitors, &visitor->link);
      event.data.ptr = visitor;
      epoll_ctl (door->epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }
}

static void
door_tend (TsFrontDoor *door)
{
  gint64 now = g_get_monotonic_time ();
  Visitor *first;

  while ((first = g_queue_peek_head (&door->visitors)) != NULL &&
         now - first->accepted_at >= QUIET_VISITOR_US)
    visitor_to_soup (door, first);
  if (door->accepts_paused_until != 0 && now >= door->accepts_paused_until)
    {
      door->accepts_paused_until = 0;
      door_watch_listener (door, TRUE);
    }
}

static int
door_timeout_ms (TsFrontDoor *door)
{
  if (door->visitors.length > 0 || door->accepts_paused_until != 0)
    return 100;
  return -1;
}

static gpointer
door_thread (gpointer data)
{
  TsFrontDoor *door = data;
  struct epoll_event events[MAX_EVENTS];
  Visitor *visitor;

  while (!g_atomic_int_get (&door->stopping))
    {
      int n = epoll_wait (door->epoll_fd, events, MAX_EVENTS, door_timeout_ms (door));

      for (int i = 0; i < n; i++)
        {
          if (events[i].data.ptr == door)
            door_accept (door);
          else if (events[i].data.ptr != NULL)
            visitor_read (door, events[i].data.ptr);
        }
      door_tend (door);
    }

  while ((visitor = g_queue_peek_head (&door->visitors)) != NULL)
    visitor_drop (door, visitor);
  return NULL;
}

/**
 * ts_front_door_new:
 * @listener: a listening socket
 * @server: where every connection but the WebSocket handshakes goes, on
 *   the calling thread's main context
 * @prefix: the path the door takes WebSocket handshakes for, such as
 *   "/app/"
 * @upgrade_func: called on the door's thread with each upgraded connection
 */
TsFrontDoor *
ts_front_door_new (GSocket                 *listener,
                   SoupServer              *server,
                   const char              *prefix,
                   TsFrontDoorUpgradeFunc   upgrade_func,
                   gpointer                 user_data,
                   GError                 **error)
{
  g_autoptr(TsFrontDoor) door = g_new0 (TsFrontDoor, 1);
  struct epoll_event wake = { .events = EPOLLIN, .data.ptr = NULL };

  door->epoll_fd = -1;
  door->wake_fd = -1;
  door->listener = g_object_ref (listener);
  door->server = g_object_ref (server);
  door->server_context = g_main_context_ref_thread_default ();
  door->request_prefix = g_strconcat ("GET ", prefix, NULL);
  door->upgrade_func = upgrade_func;
  door->user_data = user_data;

  if (!anchor_soup_server (server, error))
    return NULL;

  door->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  door->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (door->epoll_fd < 0 || door->wake_fd < 0 ||
      epoll_ctl (door->epoll_fd, EPOLL_CTL_ADD, door->wake_fd, &wake) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot watch the listening socket: %s", g_strerror (saved));
      return NULL;
    }
  door_watch_listener (door, TRUE);
  door->thread = g_thread_new ("front-door", door_thread, door);
  return g_steal_pointer (&door);
}

/* Stops taking connections and closes the listening socket (its last
 * reference); connections already handed on are not affected. */
void
ts_front_door_free (TsFrontDoor *door)
{
  if (door->thread != NULL)
    {
      guint64 one = 1;

      g_atomic_int_set (&door->stopping, TRUE);
      if (write (door->wake_fd, &one, sizeof one) != sizeof one)
        g_warning ("Cannot wake the front door: %s", g_strerror (errno));
      g_thread_join (door->thread);
    }
  if (door->epoll_fd >= 0)
    close (door->epoll_fd);
  if (door->wake_fd >= 0)
    close (door->wake_fd);
  g_socket_close (door->listener, NULL);
  g_object_unref (door->listener);
  g_object_unref (door->server);
  g_main_context_unref (door->server_context);
  g_free (door->request_prefix);
  g_free (door);
}
