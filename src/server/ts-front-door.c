/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* accept4() */
#define G_LOG_DOMAIN "ts-front-door"

#include "ts-front-door.h"
#include "ts-front-door-private.h"
#include "ts-http-guard.h"
#include "ts-json.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* libsoup's own limit on a request head: a longer one goes to libsoup,
 * which refuses it. */
#define MAX_HEAD (64 * 1024)
#define MAX_EVENTS 256
/* Accepted per wakeup, so that reading the accepted ones keeps up. */
#define ACCEPT_BATCH 256
/* Out of descriptors: accepts wait this long rather than spin. */
#define ACCEPT_PAUSE_US (100 * 1000)
#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* The largest call body the door reads itself; a larger one (within the
 * path's limit) goes to libsoup. A channel authorization's form is about
 * 100 bytes. */
#define CALL_MAX_BODY (8 * 1024)

typedef enum {
  VISITOR_HEAD,     /* its next request head not complete yet */
  VISITOR_LINGER,   /* refused: the answer goes out, the rest is dropped */
  VISITOR_CALLING,  /* a call the server's thread answers */
  VISITOR_WRITING,  /* a call's answer going out */
} VisitorState;

/* A connection the door holds. */
typedef struct {
  int fd;
  VisitorState state;
  gint64 deadline;
  /* Lingering or writing a call's answer: the answer and how much of it
   * went out, and how much input was dropped since. */
  char *answer;
  gsize answer_size;
  gsize answer_sent;
  gsize dropped;
  /* Reading a call's body: how much of the request was here last time. */
  gsize peeked;
  /* Whether the door answered a call on it. */
  gboolean answered;
  /* Whether EPOLLOUT is watched: while an answer waits for room. */
  gboolean watching_out;
  GQueue *queue;  /* the one it is in, of its deadline */
  GList link;
} Visitor;

struct _TsFrontDoor {
  GSocket *listener;
  SoupServer *server;
  TsHttpGuard *guard;
  GMainContext *server_context;
  char *request_prefix;  /* "GET <prefix>" */
  TsFrontDoorPolicy policy;
  TsFrontDoorUpgradeFunc upgrade_func;
  gpointer user_data;

  int epoll_fd;
  int wake_fd;
  GThread *thread;
  int stopping;  /* atomic */

  /* Connections the guard refused, for the door's thread to linger on. */
  GMutex refused_lock;
  GQueue refused;

  /* Calls and their answers (see TsFrontDoorCall). */
  TsFrontDoorMailbox *mailbox;
  GPtrArray *call_lines;  /* "<method> <path> HTTP/1.1", by call */
  GArray *call_max_bodies;  /* gsize, by call */
  char *server_header;

  /* The door's thread's own: */
  GQueue visitors;   /* reading first heads, in the order accepted: of their deadlines */
  GQueue kept;       /* kept alive after a call's answer, or writing it: idle deadlines */
  GQueue bodies;     /* a call's body on its way: body deadlines */
  GQueue calling;    /* waiting for a call's answer: no deadline */
  GQueue lingerers;  /* in the order refused: of their deadlines */
  gint64 date_second;
  char *date;        /* the Date of answers in date_second */
  char *buffer;      /* MAX_HEAD bytes, for peeks and dropped input */
  gint64 accepts_paused_until;
  gboolean out_of_descriptors;
};

static void
visitor_free (Visitor *visitor)
{
  close (visitor->fd);
  g_free (visitor->answer);
  g_free (visitor);
}

/* Handing a connection to libsoup, on the SoupServer's thread. */

typedef struct {
  TsHttpGuard *guard;
  int fd;
} Handoff;

static void
handoff_free (gpointer data)
{
  Handoff *handoff = data;

  if (handoff->fd >= 0)
    close (handoff->fd);
  g_object_unref (handoff->guard);
  g_free (handoff);
}

static gboolean
handoff_cb (gpointer data)
{
  Handoff *handoff = data;

  ts_http_guard_adopt (handoff->guard, handoff->fd);
  handoff->fd = -1;
  return G_SOURCE_REMOVE;
}

/* Moves @visitor to the tail of @queue, with a deadline @timeout_ms from
 * now (0: none); everyone in a queue waits the same time, so its head
 * is always the first due. */
static void
visitor_enqueue (Visitor *visitor,
                 GQueue  *queue,
                 guint    timeout_ms)
{
  if (visitor->queue != NULL)
    g_queue_unlink (visitor->queue, &visitor->link);
  visitor->queue = queue;
  visitor->deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;
  g_queue_push_tail_link (queue, &visitor->link);
}

static void
visitor_leave (TsFrontDoor *door,
               Visitor     *visitor)
{
  epoll_ctl (door->epoll_fd, EPOLL_CTL_DEL, visitor->fd, NULL);
  g_queue_unlink (visitor->queue, &visitor->link);
  visitor->queue = NULL;
}

static void
visitor_drop (TsFrontDoor *door,
              Visitor     *visitor)
{
  visitor_leave (door, visitor);
  visitor_free (visitor);
}

static void
visitor_to_soup (TsFrontDoor *door,
                 Visitor     *visitor)
{
  Handoff *handoff = g_new0 (Handoff, 1);

  visitor_leave (door, visitor);
  handoff->guard = g_object_ref (door->guard);
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
  /* libsoup answers an expectation it does not know 417, and one it
   * knows with a 100 first (found by tests/fuzz/fuzz-front-door.c). */
  else if (g_ascii_strcasecmp (line, "Expect") == 0)
    return FALSE;
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
  if (recv (fd, door->buffer, head_size, 0) != (ssize_t) head_size ||
      send (fd, response, response_size, MSG_NOSIGNAL) != (ssize_t) response_size)
    {
      close (fd);
      return;
    }
  door->upgrade_func (fd, target, door->user_data);
}

/* Refusals: the answer, then a lingering close. */

static char *
size_text (gint64 bytes)
{
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT " MiB", bytes / (1024 * 1024));
  if (bytes >= 1024 && bytes % 1024 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT " KiB", bytes / 1024);
  return g_strdup_printf ("%" G_GINT64_FORMAT " bytes", bytes);
}

/**
 * ts_front_door_refusal_new:
 * @status: 413, or 404 for a body on a path nothing serves
 * @limit: the path's limit, for a 413
 *
 * Returns: (transfer full): the whole HTTP response refusing a request's
 *   body, in doc/api.md's error form, closing the connection
 */
char *
ts_front_door_refusal_new (guint  status,
                           gint64 limit)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *size = NULL;
  g_autofree char *message = NULL;

  if (status == SOUP_STATUS_NOT_FOUND)
    node = ts_error_to_json ("not_found", "there is no such resource");
  else if (limit == 0)
    node = ts_error_to_json ("too_large", "this resource takes no request body");
  else
    {
      size = size_text (limit);
      message = g_strdup_printf ("the request body is over %s", size);
      node = ts_error_to_json ("too_large", message);
    }
  body = ts_json_to_string (node);
  return g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %zu\r\n"
                          "Connection: close\r\n"
                          "\r\n"
                          "%s", status, soup_status_get_phrase (status), strlen (body), body);
}

typedef enum {
  ANSWER_SENT,
  ANSWER_BLOCKED,  /* the socket takes no more for now */
  ANSWER_FAILED,
} AnswerProgress;

/* Sends what is left of the visitor's answer, a refusal's or a call's,
 * until it is all out or the socket takes no more. */
static AnswerProgress
visitor_send_answer (Visitor *visitor)
{
  while (visitor->answer_sent < visitor->answer_size)
    {
      ssize_t n = send (visitor->fd, visitor->answer + visitor->answer_sent,
                        visitor->answer_size - visitor->answer_sent, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return ANSWER_BLOCKED;
      if (n < 0)
        return ANSWER_FAILED;
      visitor->answer_sent += n;
    }
  return ANSWER_SENT;
}

/* Sends what is left of the answer, half-closes once it is out, and drops
 * whatever the client still sends, until it closes or has sent too much. */
static void
lingerer_run (TsFrontDoor *door,
              Visitor     *visitor)
{
  gboolean was_pending = visitor->answer_sent < visitor->answer_size;

  switch (visitor_send_answer (visitor))
    {
    case ANSWER_FAILED:
      visitor_drop (door, visitor);
      return;
    case ANSWER_SENT:
      if (was_pending)
        shutdown (visitor->fd, SHUT_WR);
      break;
    case ANSWER_BLOCKED:
      break;
    }

  for (;;)
    {
      ssize_t n = recv (visitor->fd, door->buffer, MAX_HEAD, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      visitor->dropped += MAX (n, 0);
      if (n <= 0 || visitor->dropped >= TS_FRONT_DOOR_LINGER_BYTES)
        {
          visitor_drop (door, visitor);
          return;
        }
    }
}

/* Makes @visitor (not in any queue) a lingerer answering @answer. */
static void
lingerer_start (TsFrontDoor *door,
                Visitor     *visitor,
                char        *answer)
{
  visitor->state = VISITOR_LINGER;
  g_free (visitor->answer);
  visitor->answer = answer;
  visitor->answer_size = strlen (answer);
  visitor->answer_sent = 0;
  visitor_enqueue (visitor, &door->lingerers, TS_FRONT_DOOR_LINGER_MS);
  lingerer_run (door, visitor);
}

static void
visitor_refuse (TsFrontDoor *door,
                Visitor     *visitor,
                guint        status,
                gint64       limit)
{
  struct epoll_event event = {
    .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
    .data.ptr = visitor,
  };

  g_queue_unlink (visitor->queue, &visitor->link);
  visitor->queue = NULL;
  epoll_ctl (door->epoll_fd, EPOLL_CTL_MOD, visitor->fd, &event);
  lingerer_start (door, visitor, ts_front_door_refusal_new (status, limit));
}

/**
 * ts_front_door_refuse:
 * @fd: (transfer full): a connection whose request was refused
 * @answer: (transfer full): the whole HTTP response to send
 *
 * Sends @answer on @fd and closes it lingering, on the door's thread.
 * Thread-safe.
 */
void
ts_front_door_refuse (TsFrontDoor *door,
                      int          fd,
                      char        *answer)
{
  Visitor *visitor = g_new0 (Visitor, 1);
  guint64 one = 1;

  visitor->fd = fd;
  visitor->answer = answer;
  visitor->link.data = visitor;
  g_mutex_lock (&door->refused_lock);
  g_queue_push_tail_link (&door->refused, &visitor->link);
  g_mutex_unlock (&door->refused_lock);
  if (write (door->wake_fd, &one, sizeof one) != sizeof one)
    g_warning ("Cannot wake the front door: %s", g_strerror (errno));
}

static void
door_take_refused (TsFrontDoor *door)
{
  GQueue refused = G_QUEUE_INIT;
  GList *link;

  g_mutex_lock (&door->refused_lock);
  refused = door->refused;
  g_queue_init (&door->refused);
  g_mutex_unlock (&door->refused_lock);

  while ((link = g_queue_pop_head_link (&refused)) != NULL)
    {
      Visitor *visitor = link->data;
      char *answer = g_steal_pointer (&visitor->answer);
      struct epoll_event event = {
        .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
        .data.ptr = visitor,
      };

      epoll_ctl (door->epoll_fd, EPOLL_CTL_ADD, visitor->fd, &event);
      lingerer_start (door, visitor, answer);
    }
}

/* Calls: read here, answered on the server's thread, written here. */

static void visitor_read (TsFrontDoor *door,
                          Visitor     *visitor);

static void
visitor_watch_out (TsFrontDoor *door,
                   Visitor     *visitor,
                   gboolean     watch)
{
  struct epoll_event event = {
    .events = EPOLLIN | EPOLLRDHUP | EPOLLET | (watch ? EPOLLOUT : 0),
    .data.ptr = visitor,
  };

  if (visitor->watching_out == watch)
    return;
  visitor->watching_out = watch;
  epoll_ctl (door->epoll_fd, EPOLL_CTL_MOD, visitor->fd, &event);
}

/* Sends what is left of a call's answer; once it is all out, the
 * connection waits for its next request, which may be here already. The
 * guard's rules hold: a client that does not read its answer is closed
 * after the idle timeout, pushed back by each piece written. */
static void
visitor_write (TsFrontDoor *door,
               Visitor     *visitor)
{
  gsize sent_before = visitor->answer_sent;
  AnswerProgress progress = visitor_send_answer (visitor);

  if (progress == ANSWER_FAILED)
    {
      visitor_drop (door, visitor);
      return;
    }
  if (progress == ANSWER_BLOCKED)
    {
      if (visitor->answer_sent > sent_before)
        visitor_enqueue (visitor, &door->kept, door->policy.idle_timeout_ms);
      visitor_watch_out (door, visitor, TRUE);
      return;
    }

  g_clear_pointer (&visitor->answer, g_free);
  visitor->state = VISITOR_HEAD;
  visitor_watch_out (door, visitor, FALSE);
  visitor_enqueue (visitor, &door->kept, door->policy.idle_timeout_ms);
  visitor_read (door, visitor);
}

/* The Date header as libsoup writes it, made once a second. */
static const char *
door_date (TsFrontDoor *door)
{
  gint64 second = g_get_real_time () / G_USEC_PER_SEC;

  if (door->date == NULL || second != door->date_second)
    {
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (second);

      g_free (door->date);
      door->date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
      door->date_second = second;
    }
  return door->date;
}

static void
door_write_answer (TsFrontDoor     *door,
                   TsFrontDoorCall *call)
{
  Visitor *visitor = call->visitor;

  visitor->answer = ts_front_door_call_response_new (door->server_header, door_date (door),
                                                     call->status, call->headers,
                                                     call->content_type, call->answer_body,
                                                     call->answer_length, &visitor->answer_size);
  visitor->answer_sent = 0;
  visitor->answered = TRUE;
  visitor->state = VISITOR_WRITING;
  visitor_enqueue (visitor, &door->kept, door->policy.idle_timeout_ms);
  visitor_write (door, visitor);
}

/* Reads the call of @size bytes, all peeked already, and posts it. */
static void
visitor_call (TsFrontDoor *door,
              Visitor     *visitor,
              gsize        size,
              guint        index,
              char        *token,
              GBytes      *body)
{
  ssize_t n;

  do
    n = recv (visitor->fd, door->buffer, size, 0);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) size)
    {
      g_free (token);
      g_bytes_unref (body);
      visitor_drop (door, visitor);
      return;
    }
  visitor->state = VISITOR_CALLING;
  visitor->peeked = 0;
  visitor_enqueue (visitor, &door->calling, 0);
  ts_front_door_mailbox_post (door->mailbox, visitor, index, token, body);
}

/* A call's head is here, its body on its way: as the guard does, the body
 * has the body timeout, pushed back by each byte that comes. */
static void
visitor_wait_body (TsFrontDoor *door,
                   Visitor     *visitor,
                   gsize        peeked)
{
  if (visitor->queue == &door->bodies && peeked <= visitor->peeked)
    return;
  visitor->peeked = peeked;
  visitor_enqueue (visitor, &door->bodies, door->policy.body_timeout_ms);
}

/* The wake file: refusals from the guard, answers from the server. */
static void
door_take_mail (TsFrontDoor *door)
{
  GQueue answers = G_QUEUE_INIT;
  guint64 count;
  GList *link;

  if (read (door->wake_fd, &count, sizeof count) < 0 && errno != EAGAIN)
    g_warning ("Cannot read the front door's wakeups: %s", g_strerror (errno));
  door_take_refused (door);
  if (door->mailbox == NULL)
    return;
  ts_front_door_mailbox_take_answers (door->mailbox, &answers);
  while ((link = g_queue_pop_head_link (&answers)) != NULL)
    {
      door_write_answer (door, link->data);
      ts_front_door_call_free (link->data);
    }
}

/* A request head, judged before its body is read. */

/* The size of the head at the start of @data, up to and with its blank
 * line (CRLF or bare LF, as libsoup takes either); 0 while incomplete. */
static gsize
head_size (const char *data,
           gsize       size)
{
  for (gsize i = 0; i + 1 < size; i++)
    {
      if (data[i] != '\n')
        continue;
      if (data[i + 1] == '\n')
        return i + 2;
      if (data[i + 1] == '\r' && i + 2 < size && data[i + 2] == '\n')
        return i + 3;
    }
  return 0;
}

/* The path of a request target: origin form ("/a/b?q") or absolute form
 * ("http://host/a/b?q"). */
static char *
target_path (const char *target)
{
  const char *scheme_end = strstr (target, "://");
  gsize length;

  if (target[0] != '/' && scheme_end != NULL)
    {
      target = strchr (scheme_end + 3, '/');
      if (target == NULL)
        return g_strdup ("/");
    }
  length = strcspn (target, "?#");
  return g_strndup (target, length);
}

typedef struct {
  char *method;
  char *path;
  gboolean has_length;
  guint64 length;
  gboolean chunked;
  gboolean has_encoding;
  gboolean malformed;
} Head;

static void
head_clear (Head *head)
{
  g_free (head->method);
  g_free (head->path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Head, head_clear)

static void
head_take_framing (Head       *head,
                   const char *name,
                   char       *value)
{
  if (g_ascii_strcasecmp (name, "Content-Length") == 0)
    {
      guint64 length;

      /* Two different lengths, or a bad one, are libsoup's to refuse. */
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &length, NULL) ||
          (head->has_length && length != head->length))
        head->malformed = TRUE;
      head->has_length = TRUE;
      head->length = length;
    }
  else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
    {
      char *last = strrchr (value, ',');

      head->has_encoding = TRUE;
      head->chunked = g_ascii_strcasecmp (g_strstrip (last != NULL ? last + 1 : value),
                                          "chunked") == 0;
    }
}

/* Reads the request line and the framing headers of @text (the head,
 * NUL-terminated; changed in place). */
static void
head_parse (Head *head,
            char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_auto(GStrv) request = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    g_strchomp (lines[i]);
  request = g_strsplit (lines[0], " ", 3);
  if (g_strv_length (request) != 3)
    {
      head->malformed = TRUE;
      return;
    }
  head->method = g_strdup (request[0]);
  head->path = target_path (request[1]);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      head_take_framing (head, lines[i], g_strstrip (colon + 1));
    }
}

/* The refusal a head earns before its body is read (413, or 404 for a
 * body on a path nothing serves), or 0 when libsoup may read the body.
 * What cannot be judged here (a malformed head) is libsoup's to refuse,
 * and the guard judges every head libsoup reads as well. */
static guint
head_judge (TsFrontDoor *door,
            const char  *peeked,
            gsize        size,
            gint64      *out_limit)
{
  g_autofree char *text = g_strndup (peeked, size);
  g_auto(Head) head = { NULL, };
  gint64 limit;

  head_parse (&head, text);
  if (head.malformed || (!head.has_encoding && head.length == 0))
    return 0;
  limit = door->policy.body_limit (head.method, head.path);
  *out_limit = limit;
  if (limit < 0)
    return SOUP_STATUS_NOT_FOUND;
  if (head.has_encoding)
    return head.chunked && limit == 0 ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : 0;
  return head.length > (guint64) limit ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : 0;
}

static void
visitor_read (TsFrontDoor *door,
              Visitor     *visitor)
{
  char *peeked = door->buffer;
  g_autofree char *target = NULL;
  g_autofree char *accept = NULL;
  char *token = NULL;
  GBytes *body = NULL;
  gsize call_size = 0;
  gsize upgrade_size = 0;
  gsize size;
  gint64 limit = 0;
  guint status;
  ssize_t n;

  do
    n = recv (visitor->fd, peeked, MAX_HEAD, MSG_PEEK);
  while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return;
  if (n <= 0)
    {
      /* Gone before saying anything. */
      visitor_drop (door, visitor);
      return;
    }

  size = head_size (peeked, n);
  if (size == 0)
    {
      if (n == MAX_HEAD)
        visitor_to_soup (door, visitor);
      return;
    }
  /* The whole head is here: a handshake the door takes is answered now,
   * anything else is judged on its head and goes to libsoup. A handshake
   * after a call is libsoup's, as it was before the door answered calls:
   * its 101 is not the door's. */
  if (!visitor->answered &&
      ts_front_door_peek (door->request_prefix, peeked, size, size, &upgrade_size,
                          &target, &accept) == TS_FRONT_DOOR_PEEK_UPGRADE)
    {
      visitor_upgrade (door, visitor, upgrade_size, target, accept);
      return;
    }
  for (guint i = 0; door->mailbox != NULL && i < door->call_lines->len; i++)
    switch (ts_front_door_peek_call (door->call_lines->pdata[i], peeked, n,
                                     g_array_index (door->call_max_bodies, gsize, i), &call_size,
                                     &token, &body))
      {
      case TS_FRONT_DOOR_CALL_TAKE:
        visitor_call (door, visitor, call_size, i, token, body);
        return;
      case TS_FRONT_DOOR_CALL_BODY:
        visitor_wait_body (door, visitor, n);
        return;
      case TS_FRONT_DOOR_CALL_NO:
      case TS_FRONT_DOOR_CALL_PARTIAL:
      default:
        break;
      }

  status = head_judge (door, peeked, size, &limit);
  if (status != 0)
    visitor_refuse (door, visitor, status, limit);
  else
    visitor_to_soup (door, visitor);
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

/* Out of descriptors (or memory): the listener is not watched for a
 * moment, so that the door neither spins on it nor stops for good; the
 * connections it holds keep their deadlines, and free descriptors. */
static void
door_pause_accepts (TsFrontDoor *door,
                    int          error)
{
  if (!door->out_of_descriptors)
    g_warning ("Cannot accept connections (%s); trying again every %d ms",
               g_strerror (error), ACCEPT_PAUSE_US / 1000);
  door->out_of_descriptors = TRUE;
  door_watch_listener (door, FALSE);
  door->accepts_paused_until = g_get_monotonic_time () + ACCEPT_PAUSE_US;
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
          door_pause_accepts (door, errno);
          return;
        }
      if (door->out_of_descriptors)
        {
          g_message ("Accepting connections again");
          door->out_of_descriptors = FALSE;
        }

      /* Answers and events are small writes that must go out at once:
       * with Nagle's algorithm, libsoup's body written after its headers
       * waited for the client's delayed ACK, 40 ms per request. */
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
      visitor = g_new0 (Visitor, 1);
      visitor->fd = fd;
      visitor->state = VISITOR_HEAD;
      visitor->link.data = visitor;
      visitor_enqueue (visitor, &door->visitors, door->policy.head_timeout_ms);
      event.data.ptr = visitor;
      epoll_ctl (door->epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }
}

/* Closes the connections past their deadline: a head that did not come in
 * time, a linger that is over. */
static void
door_tend (TsFrontDoor *door)
{
  gint64 now = g_get_monotonic_time ();
  Visitor *first;

  while ((first = g_queue_peek_head (&door->visitors)) != NULL && now >= first->deadline)
    visitor_drop (door, first);
  while ((first = g_queue_peek_head (&door->kept)) != NULL && now >= first->deadline)
    visitor_drop (door, first);
  while ((first = g_queue_peek_head (&door->bodies)) != NULL && now >= first->deadline)
    visitor_drop (door, first);
  while ((first = g_queue_peek_head (&door->lingerers)) != NULL && now >= first->deadline)
    visitor_drop (door, first);
  if (door->accepts_paused_until != 0 && now >= door->accepts_paused_until)
    {
      door->accepts_paused_until = 0;
      door_watch_listener (door, TRUE);
    }
}

/* Until the next deadline. */
static int
door_timeout_ms (TsFrontDoor *door)
{
  gint64 next = G_MAXINT64;
  Visitor *first;

  if ((first = g_queue_peek_head (&door->visitors)) != NULL)
    next = MIN (next, first->deadline);
  if ((first = g_queue_peek_head (&door->kept)) != NULL)
    next = MIN (next, first->deadline);
  if ((first = g_queue_peek_head (&door->bodies)) != NULL)
    next = MIN (next, first->deadline);
  if ((first = g_queue_peek_head (&door->lingerers)) != NULL)
    next = MIN (next, first->deadline);
  if (door->accepts_paused_until != 0)
    next = MIN (next, door->accepts_paused_until);
  if (next == G_MAXINT64)
    return -1;
  return CLAMP ((next - g_get_monotonic_time () + 999) / 1000, 0, G_MAXINT);
}

static gpointer
door_thread (gpointer data)
{
  TsFrontDoor *door = data;
  struct epoll_event events[MAX_EVENTS];
  Visitor *visitor;
  GList *link;

  while (!g_atomic_int_get (&door->stopping))
    {
      int n = epoll_wait (door->epoll_fd, events, MAX_EVENTS, door_timeout_ms (door));

      for (int i = 0; i < n; i++)
        {
          visitor = events[i].data.ptr;
          if (events[i].data.ptr == door)
            door_accept (door);
          else if (events[i].data.ptr == &door->wake_fd)
            door_take_mail (door);
          else if (visitor->state == VISITOR_HEAD)
            visitor_read (door, visitor);
          else if (visitor->state == VISITOR_WRITING)
            visitor_write (door, visitor);
          else if (visitor->state == VISITOR_LINGER)
            lingerer_run (door, visitor);
          /* A calling visitor is read again once its answer is out. */
        }
      door_tend (door);
    }

  while ((visitor = g_queue_peek_head (&door->visitors)) != NULL)
    visitor_drop (door, visitor);
  while ((visitor = g_queue_peek_head (&door->kept)) != NULL)
    visitor_drop (door, visitor);
  while ((visitor = g_queue_peek_head (&door->bodies)) != NULL)
    visitor_drop (door, visitor);
  while ((visitor = g_queue_peek_head (&door->calling)) != NULL)
    visitor_drop (door, visitor);
  while ((visitor = g_queue_peek_head (&door->lingerers)) != NULL)
    visitor_drop (door, visitor);
  while ((link = g_queue_pop_head_link (&door->refused)) != NULL)
    visitor_free (link->data);
  return NULL;
}

/* The guard's refusals, on the SoupServer's thread. */
static void
guard_refuse_cb (int       fd,
                 char     *answer,
                 gpointer  user_data)
{
  ts_front_door_refuse (user_data, fd, answer);
}

static void
door_open_mailbox (TsFrontDoor *door)
{
  const TsFrontDoorPolicy *policy = &door->policy;

  door->call_lines = g_ptr_array_new_with_free_func (g_free);
  door->call_max_bodies = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (guint i = 0; policy->calls[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (policy->calls[i], " ", 2);
      gsize max_body = CLAMP (policy->body_limit (parts[0], parts[1]), 0, CALL_MAX_BODY);

      g_ptr_array_add (door->call_lines, g_strdup_printf ("%s HTTP/1.1", policy->calls[i]));
      g_array_append_val (door->call_max_bodies, max_body);
    }
  door->mailbox = ts_front_door_mailbox_new (door->server_context, policy->call_func,
                                             policy->call_data, door->wake_fd);
}

/**
 * ts_front_door_new:
 * @listener: a listening socket
 * @server: where every connection but the WebSocket handshakes goes, on
 *   the calling thread's main context
 * @prefix: the path the door takes WebSocket handshakes for, such as
 *   "/app/"
 * @policy: the limits and timeouts
 * @upgrade_func: called on the door's thread with each upgraded connection
 */
TsFrontDoor *
ts_front_door_new (GSocket                  *listener,
                   SoupServer               *server,
                   const char               *prefix,
                   const TsFrontDoorPolicy  *policy,
                   TsFrontDoorUpgradeFunc    upgrade_func,
                   gpointer                  user_data,
                   GError                  **error)
{
  g_autoptr(TsFrontDoor) door = g_new0 (TsFrontDoor, 1);
  struct epoll_event wake = { .events = EPOLLIN };

  g_return_val_if_fail (policy != NULL && policy->body_limit != NULL, NULL);

  door->epoll_fd = -1;
  door->wake_fd = -1;
  door->listener = g_object_ref (listener);
  door->server = g_object_ref (server);
  door->guard = ts_http_guard_new (server, policy);
  door->server_context = g_main_context_ref_thread_default ();
  door->request_prefix = g_strconcat ("GET ", prefix, NULL);
  door->policy = *policy;
  door->upgrade_func = upgrade_func;
  door->user_data = user_data;
  door->buffer = g_malloc (MAX_HEAD);
  g_object_get (server, "server-header", &door->server_header, NULL);
  g_mutex_init (&door->refused_lock);
  ts_http_guard_set_refuse_func (door->guard, guard_refuse_cb, door);

  if (!anchor_soup_server (server, error))
    return NULL;

  door->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  door->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  wake.data.ptr = &door->wake_fd;
  if (door->epoll_fd < 0 || door->wake_fd < 0 ||
      epoll_ctl (door->epoll_fd, EPOLL_CTL_ADD, door->wake_fd, &wake) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot watch the listening socket: %s", g_strerror (saved));
      return NULL;
    }
  if (policy->call_func != NULL)
    door_open_mailbox (door);
  door_watch_listener (door, TRUE);
  door->thread = g_thread_new ("front-door", door_thread, door);
  return g_steal_pointer (&door);
}

/* Stops taking connections and closes the listening socket (its last
 * reference); connections already handed on are not affected, but those
 * the door holds are closed. */
void
ts_front_door_free (TsFrontDoor *door)
{
  /* The guard refuses without lingering from now on. */
  ts_http_guard_set_refuse_func (door->guard, NULL, NULL);
  if (door->thread != NULL)
    {
      guint64 one = 1;

      g_atomic_int_set (&door->stopping, TRUE);
      if (write (door->wake_fd, &one, sizeof one) != sizeof one)
        g_warning ("Cannot wake the front door: %s", g_strerror (errno));
      g_thread_join (door->thread);
    }
  if (door->mailbox != NULL)
    ts_front_door_mailbox_close (door->mailbox);
  if (door->epoll_fd >= 0)
    close (door->epoll_fd);
  if (door->wake_fd >= 0)
    close (door->wake_fd);
  g_socket_close (door->listener, NULL);
  g_object_unref (door->listener);
  g_object_unref (door->server);
  g_object_unref (door->guard);
  g_main_context_unref (door->server_context);
  g_mutex_clear (&door->refused_lock);
  g_free (door->request_prefix);
  g_clear_pointer (&door->call_lines, g_ptr_array_unref);
  g_clear_pointer (&door->call_max_bodies, g_array_unref);
  g_free (door->server_header);
  g_free (door->date);
  g_free (door->buffer);
  g_free (door);
}
