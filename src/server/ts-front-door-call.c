/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-front-door"

/* The requests the front door reads whole and has the server answer
 * without libsoup (ts-front-door.h, TsFrontDoorCall): which heads it takes,
 * and the answer's bytes, as libsoup would write them. No I/O, so that
 * tests/fuzz/fuzz-front-door.c can check the reading against libsoup's. */

#include "ts-front-door.h"
#include "ts-front-door-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* What the door learnt from a call's head. */
typedef struct {
  guint n_host;
  guint n_length;
  guint64 length;
  guint n_authorization;
  const char *authorization;
} CallHead;

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Visible ASCII, spaces and tabs only, every line ended by CR LF: what
 * libsoup reads byte for byte as the door does. A bare LF, another control
 * character or a byte over 0x7f is libsoup's to read. */
static gboolean
head_is_simple (const char *head,
                gsize       size)
{
  for (gsize i = 0; i < size; i++)
    {
      guchar c = head[i];

      if (c == '\r' && i + 1 < size && head[i + 1] == '\n')
        i++;
      else if ((c < 0x20 && c != '\t') || c >= 0x7f)
        return FALSE;
    }
  return TRUE;
}

/* A Host libsoup makes a URI of: a name or an IPv4 address, and a port
 * of up to five digits no higher than 65535. Anything else (IPv6, empty,
 * odd characters) is libsoup's to judge. */
static gboolean
host_is_simple (const char *value)
{
  const char *colon = strchr (value, ':');
  gsize name_length = colon != NULL ? (gsize) (colon - value) : strlen (value);
  guint64 port;

  if (name_length == 0)
    return FALSE;
  for (gsize i = 0; i < name_length; i++)
    if (!g_ascii_isalnum (value[i]) && value[i] != '.' && value[i] != '-')
      return FALSE;
  if (colon == NULL)
    return TRUE;
  return colon[1] != '\0' && strlen (colon + 1) <= 5 && g_ascii_isdigit (colon[1]) &&
         g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL);
}

/* Whether every item of the list @value is `keep-alive`: the default of
 * HTTP/1.1, which the door keeps. `close` and anything else are libsoup's. */
static gboolean
connection_is_keep_alive (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (g_ascii_strcasecmp (g_strstrip (parts[i]), "keep-alive") != 0)
      return FALSE;
  return TRUE;
}

/* One header line (NUL-terminated, without its CR LF). */
static gboolean
call_take_header (CallHead *head,
                  char     *line)
{
  char *colon = strchr (line, ':');
  char *value;

  /* A folded line, an empty name or one that is not a token. */
  if (colon == NULL || colon == line)
    return FALSE;
  for (const char *c = line; c < colon; c++)
    if (!is_token_char (*c))
      return FALSE;
  *colon = '\0';
  value = g_strstrip (colon + 1);

  if (g_ascii_strcasecmp (line, "Host") == 0)
    {
      head->n_host++;
      return host_is_simple (value);
    }
  if (g_ascii_strcasecmp (line, "Content-Length") == 0)
    {
      head->n_length++;
      return *value != '\0' && strlen (value) <= 9 && g_ascii_isdigit (*value) &&
             g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &head->length, NULL);
    }
  if (g_ascii_strcasecmp (line, "Authorization") == 0)
    {
      head->n_authorization++;
      head->authorization = value;
      return TRUE;
    }
  if (g_ascii_strcasecmp (line, "Connection") == 0)
    return connection_is_keep_alive (value);
  /* Framing, expectations and upgrades are libsoup's. */
  return g_ascii_strcasecmp (line, "Transfer-Encoding") != 0 &&
         g_ascii_strcasecmp (line, "Expect") != 0 &&
         g_ascii_strcasecmp (line, "Upgrade") != 0;
}

/* The route's reading of the header (ts-server.c, bearer_token()). */
static char *
bearer_token (const char *authorization)
{
  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;
  return g_strstrip (g_strdup (authorization + 7));
}

/**
 * ts_front_door_peek_call:
 * @request_line: `<method> <path> HTTP/1.1`, the call's request line
 * @peeked: what a connection sent, still unread on it, from a request's
 *   start
 * @size: how many bytes
 * @max_body: the largest body the door reads itself
 * @out_size: (out): with %TS_FRONT_DOOR_CALL_TAKE, the request's size,
 *   head and body
 * @out_token: (out) (transfer full) (nullable): with
 *   %TS_FRONT_DOOR_CALL_TAKE, the bearer token, as the route reads it
 * @out_body: (out) (transfer full): with %TS_FRONT_DOOR_CALL_TAKE, the
 *   body
 *
 * Whether the request at the start of @peeked is one the door takes: an
 * HTTP/1.1 request with exactly @request_line, one plain Host, at most
 * one Content-Length, of at most @max_body, at most one Authorization, no
 * Transfer-Encoding, Expect or Upgrade, no Connection but `keep-alive`,
 * in visible ASCII with CR LF line ends. Anything else is left to libsoup,
 * which answers it as it always did.
 */
TsFrontDoorCallVerdict
ts_front_door_peek_call (const char  *request_line,
                         const char  *peeked,
                         gsize        size,
                         gsize        max_body,
                         gsize       *out_size,
                         char       **out_token,
                         GBytes     **out_body)
{
  gsize line_size = strlen (request_line);
  g_autofree char *head = NULL;
  CallHead call = { 0, };
  const char *end;
  char *line, *line_end;
  gsize head_size;

  if (memcmp (peeked, request_line, MIN (size, line_size)) != 0)
    return TS_FRONT_DOOR_CALL_NO;
  if (size < line_size + 2)
    return TS_FRONT_DOOR_CALL_PARTIAL;
  if (memcmp (peeked + line_size, "\r\n", 2) != 0)
    return TS_FRONT_DOOR_CALL_NO;
  end = g_strstr_len (peeked, size, "\r\n\r\n");
  if (end == NULL)
    return TS_FRONT_DOOR_CALL_PARTIAL;
  head_size = end + 4 - peeked;
  if (!head_is_simple (peeked, head_size))
    return TS_FRONT_DOOR_CALL_NO;

  head = g_strndup (peeked, head_size);
  for (line = head + line_size + 2; !g_str_has_prefix (line, "\r\n"); line = line_end + 2)
    {
      line_end = strstr (line, "\r\n");
      *line_end = '\0';
      if (!call_take_header (&call, line))
        return TS_FRONT_DOOR_CALL_NO;
    }
  /* No Content-Length is no body, to libsoup as well. */
  if (call.n_host != 1 || call.n_length > 1 || call.n_authorization > 1 ||
      call.length > max_body)
    return TS_FRONT_DOOR_CALL_NO;
  if (size - head_size < call.length)
    return TS_FRONT_DOOR_CALL_BODY;

  *out_size = head_size + call.length;
  *out_token = bearer_token (call.authorization);
  *out_body = g_bytes_new (peeked + head_size, call.length);
  return TS_FRONT_DOOR_CALL_TAKE;
}

/**
 * ts_front_door_call_response_new:
 * @server_header: the SoupServer's `Server` header
 * @date: the `Date` header, as libsoup writes it
 * @status: the answer's status
 * @headers: (nullable): more headers, name, value, name, value…
 * @content_type: the body's type
 * @body: the body, @length bytes
 * @out_size: (out): the answer's size
 *
 * Returns: (transfer full): the whole answer, in the bytes and header
 *   order SoupServer 3.2 writes for the same answer: `Server` and `Date`
 *   first, then the handler's headers, then the body's type and length
 */
char *
ts_front_door_call_response_new (const char      *server_header,
                                 const char      *date,
                                 guint            status,
                                 const GPtrArray *headers,
                                 const char      *content_type,
                                 const char      *body,
                                 gsize            length,
                                 gsize           *out_size)
{
  GString *answer = g_string_sized_new (256 + length);

  g_string_append_printf (answer, "HTTP/1.1 %u %s\r\nServer: %s\r\nDate: %s\r\n", status,
                          soup_status_get_phrase (status), server_header, date);
  for (guint i = 0; headers != NULL && i + 1 < headers->len; i += 2)
    g_string_append_printf (answer, "%s: %s\r\n", (const char *) headers->pdata[i],
                            (const char *) headers->pdata[i + 1]);
  g_string_append_printf (answer, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                          content_type, length);
  g_string_append_len (answer, body, length);
  *out_size = answer->len;
  return g_string_free (answer, FALSE);
}

/* The mailbox: calls go from the door's thread to the server's, where a
 * source runs them in the order they came; answers come back, and the
 * door's eventfd wakes its thread. Either side may outlive the other: the
 * door closes the mailbox, and answers given after that are dropped. */

struct _TsFrontDoorMailbox {
  gint ref_count;  /* atomic: the door, and each call */
  GMutex lock;
  gboolean closed;
  int wake_fd;
  GQueue calls;    /* for the server's thread */
  GQueue answers;  /* for the door's thread */
  GSource *source;
  TsFrontDoorCallFunc func;
  gpointer user_data;
};

static void
mailbox_unref (TsFrontDoorMailbox *mailbox)
{
  if (!g_atomic_int_dec_and_test (&mailbox->ref_count))
    return;
  g_mutex_clear (&mailbox->lock);
  g_source_unref (mailbox->source);
  g_free (mailbox);
}

void
ts_front_door_call_free (TsFrontDoorCall *call)
{
  g_free (call->token);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_clear_pointer (&call->headers, g_ptr_array_unref);
  g_free (call->content_type);
  g_free (call->answer_body);
  mailbox_unref (call->mailbox);
  g_free (call);
}

/* On the server's thread: every call posted so far. */
static gboolean
mailbox_dispatch (GSource     *source,
                  GSourceFunc  callback,
                  gpointer     user_data)
{
  TsFrontDoorMailbox *mailbox = user_data;
  GQueue calls;
  GList *link;

  g_mutex_lock (&mailbox->lock);
  calls = mailbox->calls;
  g_queue_init (&mailbox->calls);
  g_source_set_ready_time (source, -1);
  g_mutex_unlock (&mailbox->lock);

  while ((link = g_queue_pop_head_link (&calls)) != NULL)
    mailbox->func (link->data, mailbox->user_data);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs mailbox_funcs = { NULL, NULL, mailbox_dispatch, NULL, NULL, NULL };

TsFrontDoorMailbox *
ts_front_door_mailbox_new (GMainContext        *context,
                           TsFrontDoorCallFunc  func,
                           gpointer             user_data,
                           int                  wake_fd)
{
  TsFrontDoorMailbox *mailbox = g_new0 (TsFrontDoorMailbox, 1);

  mailbox->ref_count = 1;
  g_mutex_init (&mailbox->lock);
  mailbox->wake_fd = wake_fd;
  mailbox->func = func;
  mailbox->user_data = user_data;
  /* One source for all calls, woken by its ready time: a source per call
   * would be walked by GLib's main loop on every wakeup. */
  mailbox->source = g_source_new (&mailbox_funcs, sizeof (GSource));
  g_source_set_callback (mailbox->source, NULL, mailbox, NULL);
  g_source_set_static_name (mailbox->source, "[truestory] front door calls");
  g_source_attach (mailbox->source, context);
  return mailbox;
}

/* On the door's thread. */
void
ts_front_door_mailbox_post (TsFrontDoorMailbox *mailbox,
                            gpointer            visitor,
                            guint               index,
                            char               *token,
                            GBytes             *body)
{
  TsFrontDoorCall *call = g_new0 (TsFrontDoorCall, 1);

  g_atomic_int_inc (&mailbox->ref_count);
  call->mailbox = mailbox;
  call->visitor = visitor;
  call->index = index;
  call->token = token;
  call->body = body;
  call->link.data = call;
  g_mutex_lock (&mailbox->lock);
  if (mailbox->calls.length == 0)
    g_source_set_ready_time (mailbox->source, 0);
  g_queue_push_tail_link (&mailbox->calls, &call->link);
  g_mutex_unlock (&mailbox->lock);
}

/* On the door's thread: moves the answered calls to @answers. */
void
ts_front_door_mailbox_take_answers (TsFrontDoorMailbox *mailbox,
                                    GQueue             *answers)
{
  g_mutex_lock (&mailbox->lock);
  *answers = mailbox->answers;
  g_queue_init (&mailbox->answers);
  g_mutex_unlock (&mailbox->lock);
}

/* On the server's thread, once the door's thread has ended: the calls not
 * run yet are dropped (their connections are closed with the door), and
 * so are the answers that come later. */
void
ts_front_door_mailbox_close (TsFrontDoorMailbox *mailbox)
{
  GList *link;

  g_source_destroy (mailbox->source);
  g_mutex_lock (&mailbox->lock);
  mailbox->closed = TRUE;
  g_mutex_unlock (&mailbox->lock);
  while ((link = g_queue_pop_head_link (&mailbox->calls)) != NULL)
    ts_front_door_call_free (link->data);
  while ((link = g_queue_pop_head_link (&mailbox->answers)) != NULL)
    ts_front_door_call_free (link->data);
  mailbox_unref (mailbox);
}

/* Which of the policy's calls it is. */
guint
ts_front_door_call_get_index (TsFrontDoorCall *call)
{
  return call->index;
}

const char *
ts_front_door_call_get_token (TsFrontDoorCall *call)
{
  return call->token;
}

GBytes *
ts_front_door_call_get_body (TsFrontDoorCall *call)
{
  return call->body;
}

/**
 * ts_front_door_call_answer:
 * @call: (transfer full): the call
 * @headers: (transfer full) (nullable): more headers, name, value…
 * @content_type: the body's type
 * @body: (transfer full): the body, @length bytes
 *
 * Gives @call back to the door, which writes the answer as SoupServer
 * would have, then reads the connection's next request. Thread-safe.
 */
void
ts_front_door_call_answer (TsFrontDoorCall *call,
                           guint            status,
                           GPtrArray       *headers,
                           const char      *content_type,
                           char            *body,
                           gsize            length)
{
  TsFrontDoorMailbox *mailbox = call->mailbox;
  guint64 one = 1;
  gboolean wake;

  call->status = status;
  call->headers = headers;
  call->content_type = g_strdup (content_type);
  call->answer_body = body;
  call->answer_length = length;
  g_mutex_lock (&mailbox->lock);
  if (mailbox->closed)
    {
      g_mutex_unlock (&mailbox->lock);
      ts_front_door_call_free (call);
      return;
    }
  wake = mailbox->answers.length == 0;
  g_queue_push_tail_link (&mailbox->answers, &call->link);
  if (wake && write (mailbox->wake_fd, &one, sizeof one) != sizeof one)
    g_warning ("Cannot wake the front door: %s", g_strerror (errno));
  g_mutex_unlock (&mailbox->lock);
}
