/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "bench-http.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Answers. */

void
bench_http_head_clear (BenchHttpHead *head)
{
  g_free (head->status_line);
  g_free (head->upgrade);
  g_free (head->connection);
  g_free (head->accept);
  g_free (head->extensions);
  g_free (head->content_length);
  g_free (head->transfer_encoding);
}

/* Returns the head's size, 0 while it is incomplete, -1 when it is too
 * long. */
gssize
bench_http_head_parse (GByteArray    *in,
                       BenchHttpHead *head)
{
  const char *data = (const char *) in->data;
  const char *end = g_strstr_len (data, MIN (in->len, BENCH_HTTP_MAX_HEAD_SIZE), "\r\n\r\n");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  struct {
    const char *name;
    char **value;
  } wanted[] = {
    { "Upgrade", &head->upgrade },
    { "Connection", &head->connection },
    { "Sec-WebSocket-Accept", &head->accept },
    { "Sec-WebSocket-Extensions", &head->extensions },
    { "Content-Length", &head->content_length },
    { "Transfer-Encoding", &head->transfer_encoding },
  };

  if (end == NULL)
    return in->len >= BENCH_HTTP_MAX_HEAD_SIZE ? -1 : 0;
  text = g_strndup (data, end - data);
  lines = g_strsplit (text, "\r\n", -1);
  head->status_line = g_strdup (lines[0]);
  /* "HTTP/1.1 101 Switching Protocols"; a status of 0 says it is not one. */
  if (g_str_has_prefix (lines[0], "HTTP/1.1 ") && g_ascii_isdigit (lines[0][9]) &&
      g_ascii_isdigit (lines[0][10]) && g_ascii_isdigit (lines[0][11]) &&
      (lines[0][12] == ' ' || lines[0][12] == '\0'))
    head->status = (guint) g_ascii_strtoull (lines[0] + 9, NULL, 10);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      for (guint w = 0; w < G_N_ELEMENTS (wanted); w++)
        if (g_ascii_strcasecmp (lines[i], wanted[w].name) == 0 && *wanted[w].value == NULL)
          *wanted[w].value = g_strdup (g_strstrip (colon + 1));
    }
  return end + 4 - data;
}

/* Whether a comma-separated header value holds @token. */
gboolean
bench_http_has_token (const char *value,
                      const char *token)
{
  g_auto(GStrv) tokens = value != NULL ? g_strsplit (value, ",", -1) : NULL;

  for (guint i = 0; tokens != NULL && tokens[i] != NULL; i++)
    if (g_ascii_strcasecmp (g_strstrip (tokens[i]), token) == 0)
      return TRUE;
  return FALSE;
}

/* One answer at a time, with its Content-Length: the server sends no
 * other kind to these requests, and nothing follows an answer until the
 * next request. On BENCH_HTTP_BROKEN, @problem says why (free it). */
BenchHttpParse
bench_http_answer_parse (GByteArray      *in,
                         BenchHttpAnswer *answer,
                         char           **problem)
{
  BenchHttpHead head = { 0 };
  gssize size = bench_http_head_parse (in, &head);
  guint64 length = 0;
  BenchHttpParse result = BENCH_HTTP_COMPLETE;

  *problem = NULL;
  if (size == 0)
    return BENCH_HTTP_INCOMPLETE;
  if (size < 0)
    *problem = g_strdup ("an answer without an end to its head");
  else if (head.status == 0)
    *problem = g_strdup_printf ("an answer that is not HTTP/1.1: %s", head.status_line);
  else if (head.transfer_encoding != NULL || head.content_length == NULL ||
           !g_ascii_string_to_unsigned (head.content_length, 10, 0, BENCH_HTTP_MAX_BODY_SIZE,
                                        &length, NULL))
    *problem = g_strdup_printf ("an answer without a Content-Length (Transfer-Encoding %s)",
                                head.transfer_encoding != NULL ? head.transfer_encoding : "none");
  else if (in->len > size + length)
    *problem = g_strdup ("more than one answer to one request");
  else if (in->len < size + length)
    result = BENCH_HTTP_INCOMPLETE;
  answer->status = head.status;
  answer->body_at = MAX (size, 0);
  answer->body_size = length;
  answer->close_after = bench_http_has_token (head.connection, "close");
  bench_http_head_clear (&head);
  return *problem != NULL ? BENCH_HTTP_BROKEN : result;
}

/* The pool. Each connection carries one request at a time; a connection
 * the server closed while it was idle is opened again by the next
 * request, and one lost with a request on it fails that request. */

typedef struct {
  BenchHttpPool *pool;
  int fd;
  guint generation;  /* one more at each close */
  gpointer tag;  /* the descriptor in the pool's source */
  gboolean connected;
  gboolean busy;
  GByteArray *in;
  GByteArray *out;
  BenchHttpAnswered answered;
  gpointer data;
} PoolConn;

struct _BenchHttpPool {
  GSource *source;
  struct sockaddr_in address;
  PoolConn *conns;
  guint n;
  GPtrArray *idle;
};

static void
conn_close (PoolConn *conn)
{
  if (conn->fd < 0)
    return;
  g_source_remove_unix_fd (conn->pool->source, conn->tag);
  close (conn->fd);
  conn->fd = -1;
  conn->generation++;
  conn->tag = NULL;
  g_byte_array_set_size (conn->in, 0);
  g_byte_array_set_size (conn->out, 0);
}

static void
conn_answer (PoolConn   *conn,
             guint       status,
             const char *body,
             gsize       size)
{
  BenchHttpAnswered answered = conn->answered;
  gpointer data = conn->data;

  /* Idle before the callback, which may send the next request on it. */
  conn->busy = FALSE;
  conn->answered = NULL;
  conn->data = NULL;
  g_ptr_array_add (conn->pool->idle, conn);
  answered (status, body, size, data);
}

static void
conn_lost (PoolConn   *conn,
           const char *reason)
{
  conn_close (conn);
  if (conn->busy)
    conn_answer (conn, 0, reason, strlen (reason));
}

static gboolean
conn_open (PoolConn    *conn,
           const char **reason)
{
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;

  if (fd < 0)
    {
      *reason = g_strerror (errno);
      return FALSE;
    }
  /* Each write is a whole request that waits for its answer: Nagle's
   * algorithm would only hold the next one back. */
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &conn->pool->address, sizeof conn->pool->address) != 0 &&
      errno != EINPROGRESS)
    {
      *reason = g_strerror (errno);
      close (fd);
      return FALSE;
    }
  conn->fd = fd;
  conn->connected = FALSE;
  conn->tag = g_source_add_unix_fd (conn->pool->source, fd, G_IO_IN | G_IO_OUT);
  return TRUE;
}

/**
 * bench_socket_flush:
 * @connected: (inout): whether the non-blocking connect is over
 * @out: (nullable): what waits to be sent; what is sent leaves it
 *
 * The socket is writable, or its connect is over: finishes the connect
 * and sends what waits until the socket takes no more.
 *
 * Returns: FALSE on an error, with its @reason
 */
gboolean
bench_socket_flush (int          fd,
                    gboolean    *connected,
                    GByteArray  *out,
                    const char **reason)
{
  if (!*connected)
    {
      int error = 0;
      socklen_t size = sizeof error;

      if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0)
        error = errno;
      if (error != 0)
        {
          *reason = g_strerror (error);
          return FALSE;
        }
      *connected = TRUE;
    }
  while (out != NULL && out->len > 0)
    {
      gssize sent = send (fd, out->data, out->len, MSG_NOSIGNAL);

      if (sent < 0)
        {
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            return TRUE;
          if (errno == EINTR)
            continue;
          *reason = g_strerror (errno);
          return FALSE;
        }
      g_byte_array_remove_range (out, 0, sent);
    }
  return TRUE;
}

/* Finishes the connect and writes what waits; once all is out, only the
 * answer is waited for. */
static gboolean
conn_flush (PoolConn    *conn,
            const char **reason)
{
  if (!bench_socket_flush (conn->fd, &conn->connected, conn->out, reason))
    return FALSE;
  if (conn->out->len == 0)
    g_source_modify_unix_fd (conn->pool->source, conn->tag, G_IO_IN);
  return TRUE;
}

/**
 * bench_socket_read:
 * @in: (inout): the input buffer, made at the first bytes
 *
 * Reads what has arrived onto @in, until a short read says that was all
 * (edge-triggered watches say when there is more).
 *
 * Returns: FALSE at the end of the stream or on an error, with its
 *   @reason: the caller handles what was read before it first
 */
gboolean
bench_socket_read (int          fd,
                   GByteArray **in,
                   const char **reason)
{
  guint8 buffer[16384];

  for (;;)
    {
      gssize got = recv (fd, buffer, sizeof buffer, 0);

      if (got > 0)
        {
          if (*in == NULL)
            *in = g_byte_array_new ();
          g_byte_array_append (*in, buffer, got);
          if ((gsize) got < sizeof buffer)
            return TRUE;
        }
      else if (got == 0)
        {
          *reason = "the server closed the connection";
          return FALSE;
        }
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        return TRUE;
      else if (errno != EINTR)
        {
          *reason = g_strerror (errno);
          return FALSE;
        }
    }
}

static void
conn_take_answer (PoolConn *conn)
{
  BenchHttpAnswer answer;
  g_autofree char *problem = NULL;
  g_autoptr(GByteArray) in = NULL;

  switch (bench_http_answer_parse (conn->in, &answer, &problem))
    {
    case BENCH_HTTP_INCOMPLETE:
      return;
    case BENCH_HTTP_BROKEN:
      conn_lost (conn, problem);
      return;
    case BENCH_HTTP_COMPLETE:
      break;
    }
  if (!conn->busy)
    {
      conn_lost (conn, "an answer to no request");
      return;
    }
  /* The buffer changes hands: the callback may send on this connection. */
  in = conn->in;
  conn->in = g_byte_array_new ();
  if (answer.close_after)
    conn_close (conn);
  conn_answer (conn, answer.status, (const char *) in->data + answer.body_at, answer.body_size);
}

static void
conn_event (PoolConn     *conn,
            GIOCondition  events)
{
  guint generation = conn->generation;
  const char *reason = NULL;
  gboolean alive;

  if (conn->out->len > 0 || !conn->connected)
    {
      if ((events & (G_IO_OUT | G_IO_ERR | G_IO_HUP)) != 0 && !conn_flush (conn, &reason))
        {
          conn_lost (conn, reason);
          return;
        }
    }
  if ((events & (G_IO_IN | G_IO_ERR | G_IO_HUP)) == 0 || !conn->connected)
    return;
  alive = bench_socket_read (conn->fd, &conn->in, &reason);
  if (conn->in->len > 0)
    conn_take_answer (conn);
  /* The answer's callback may have closed this socket and opened
   * another for the next request. */
  if (!alive && conn->fd >= 0 && conn->generation == generation)
    conn_lost (conn, reason);
}

static gboolean
pool_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     data)
{
  BenchHttpPool *pool = *(BenchHttpPool **) (source + 1);

  for (guint i = 0; i < pool->n; i++)
    {
      PoolConn *conn = &pool->conns[i];
      GIOCondition events;

      if (conn->fd < 0 || (events = g_source_query_unix_fd (source, conn->tag)) == 0)
        continue;
      conn_event (conn, events);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs pool_funcs = { .dispatch = pool_dispatch };

/* The connections open with their first request. */
BenchHttpPool *
bench_http_pool_new (guint16 port,
                     guint   n_connections)
{
  BenchHttpPool *pool = g_new0 (BenchHttpPool, 1);

  pool->source = g_source_new (&pool_funcs, sizeof (GSource) + sizeof (BenchHttpPool *));
  *(BenchHttpPool **) (pool->source + 1) = pool;
  g_source_attach (pool->source, NULL);
  pool->address.sin_family = AF_INET;
  pool->address.sin_port = g_htons (port);
  pool->address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  pool->n = n_connections;
  pool->conns = g_new0 (PoolConn, n_connections);
  pool->idle = g_ptr_array_sized_new (n_connections);
  for (guint i = n_connections; i-- > 0;)
    {
      PoolConn *conn = &pool->conns[i];

      conn->pool = pool;
      conn->fd = -1;
      conn->in = g_byte_array_new ();
      conn->out = g_byte_array_new ();
      g_ptr_array_add (pool->idle, conn);
    }
  return pool;
}

void
bench_http_pool_free (BenchHttpPool *pool)
{
  for (guint i = 0; i < pool->n; i++)
    {
      conn_close (&pool->conns[i]);
      g_byte_array_unref (pool->conns[i].in);
      g_byte_array_unref (pool->conns[i].out);
    }
  g_source_destroy (pool->source);
  g_source_unref (pool->source);
  g_ptr_array_unref (pool->idle);
  g_free (pool->conns);
  g_free (pool);
}

gboolean
bench_http_pool_has_idle (BenchHttpPool *pool)
{
  return pool->idle->len > 0;
}

/* Sends @request (a whole HTTP/1.1 request) on an idle connection:
 * @answered gets its answer, or the reason it has none. */
void
bench_http_pool_send (BenchHttpPool     *pool,
                      const char        *request,
                      gsize              size,
                      BenchHttpAnswered  answered,
                      gpointer           data)
{
  PoolConn *conn;
  const char *reason = NULL;
  gssize sent = 0;

  g_return_if_fail (pool->idle->len > 0);
  conn = g_ptr_array_steal_index_fast (pool->idle, pool->idle->len - 1);
  conn->busy = TRUE;
  conn->answered = answered;
  conn->data = data;
  if (conn->fd < 0 && !conn_open (conn, &reason))
    {
      conn_lost (conn, reason);
      return;
    }
  if (conn->connected)
    {
      sent = send (conn->fd, request, size, MSG_NOSIGNAL);
      if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        {
          conn_lost (conn, g_strerror (errno));
          return;
        }
      sent = MAX (sent, 0);
    }
  if ((gsize) sent < size)
    {
      g_byte_array_append (conn->out, (const guint8 *) request + sent, size - sent);
      g_source_modify_unix_fd (pool->source, conn->tag, G_IO_IN | G_IO_OUT);
    }
}
