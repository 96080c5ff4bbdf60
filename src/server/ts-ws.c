/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-ws"

#include "ts-ws.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/*
 * How a connection ends (RFC 6455 §7): whoever closes first sends a close
 * frame and the other answers with one; the server then closes the TCP
 * connection. A peer that never answers our close frame, or never takes
 * our output, is cut off after CLOSE_TIMEOUT_US. A broken frame fails the
 * connection at once with the matching code (1002, 1007, 1009).
 *
 * Callbacks only ever run from the loop's own dispatch, never from inside
 * ts_ws_conn_send_text() or ts_ws_conn_close(): a caller walking its
 * subscribers can send to all of them without one vanishing under it.
 * A send that fails marks the connection aborted, and the next dispatch
 * finishes it.
 */

#define READ_CHUNK (64 * 1024)
/* Per connection and wakeup, so that one busy peer cannot starve the
 * others; level-triggered epoll brings it back for the rest. */
#define READ_BUDGET (256 * 1024)
#define MAX_EVENTS 256
#define CLOSE_TIMEOUT_US (5 * G_USEC_PER_SEC)
/* A peer that does not read its events is cut off rather than buffered
 * for without end; it reconnects and catches up from the history. */
#define MAX_PENDING_OUTPUT (4 * 1024 * 1024)
#define MAX_CONTROL_PAYLOAD 125
#define MAX_CLOSE_REASON (MAX_CONTROL_PAYLOAD - 2)

enum {
  OPCODE_CONTINUATION = 0x0,
  OPCODE_TEXT = 0x1,
  OPCODE_BINARY = 0x2,
  OPCODE_CLOSE = 0x8,
  OPCODE_PING = 0x9,
  OPCODE_PONG = 0xA,
};

enum {
  CLOSE_NO_STATUS = 1005,
  CLOSE_ABNORMAL = 1006,
  CLOSE_PROTOCOL_ERROR = 1002,
  CLOSE_BAD_DATA = 1007,
  CLOSE_TOO_BIG = 1009,
  /* Pusher's "over capacity": reconnect after a moment. */
  CLOSE_OVER_CAPACITY = 4100,
};

typedef enum {
  CONN_OPEN,
  CONN_CLOSING,   /* our close frame went out; waiting for the peer's */
  CONN_FLUSHING,  /* the handshake is over; the output goes, then the descriptor */
  CONN_ABORTED,   /* a send failed; the next dispatch finishes it */
  CONN_CLOSED,
} ConnState;

struct _TsWsConn {
  TsWsLoop *loop;
  int fd;
  ConnState state;
  gushort close_code;
  gboolean watching_output;
  gsize max_message_size;
  GByteArray *input;    /* (nullable): the start of a frame not all received */
  GByteArray *message;  /* (nullable): a fragmented message so far */
  guint8 message_opcode;
  GByteArray *output;   /* (nullable): what the socket has not taken yet */
  gsize output_sent;
  gint64 close_deadline;
  GList link;           /* in loop->conns */
  GList closing_link;   /* in loop->closing, once closing */
  TsWsMessageFunc message_func;
  TsWsClosedFunc closed_func;
  gpointer user_data;
};

typedef struct {
  GSource base;
  TsWsLoop *loop;
} LoopSource;

struct _TsWsLoop {
  int epoll_fd;
  GSource *source;
  GQueue conns;      /* open and closing connections */
  GQueue closing;    /* by close deadline, which is the order they began closing */
  GPtrArray *unparsed;  /* new, with bytes read before they came here */
  GPtrArray *aborted;
  GPtrArray *dead;      /* closed, freed after the dispatch */
  guint8 scratch[READ_CHUNK];
};

static void conn_finish (TsWsConn *conn,
                         gushort   code);

/* Sending. */

static gsize
frame_header (guint8  header[10],
              guint8  opcode,
              gsize   size)
{
  header[0] = 0x80 | opcode;
  if (size < 126)
    {
      header[1] = size;
      return 2;
    }
  if (size <= G_MAXUINT16)
    {
      header[1] = 126;
      header[2] = size >> 8;
      header[3] = size & 0xff;
      return 4;
    }
  header[1] = 127;
  for (int i = 0; i < 8; i++)
    header[2 + i] = ((guint64) size >> (56 - 8 * i)) & 0xff;
  return 10;
}

static void
loop_update_ready_time (TsWsLoop *loop)
{
  TsWsConn *first;

  if (loop->unparsed->len > 0 || loop->aborted->len > 0 || loop->dead->len > 0)
    g_source_set_ready_time (loop->source, 0);
  else if ((first = g_queue_peek_head (&loop->closing)) != NULL)
    g_source_set_ready_time (loop->source, first->close_deadline);
  else
    g_source_set_ready_time (loop->source, -1);
}

static void
conn_abort (TsWsConn *conn,
            gushort   code)
{
  conn->state = CONN_ABORTED;
  conn->close_code = code;
  g_ptr_array_add (conn->loop->aborted, conn);
  loop_update_ready_time (conn->loop);
}

static void
conn_watch_output (TsWsConn *conn,
                   gboolean  watch)
{
  struct epoll_event event = { .events = EPOLLIN | (watch ? EPOLLOUT : 0), .data.ptr = conn };

  if (conn->watching_output == watch)
    return;
  conn->watching_output = watch;
  if (epoll_ctl (conn->loop->epoll_fd, EPOLL_CTL_MOD, conn->fd, &event) < 0)
    g_warning ("epoll_ctl: %s", g_strerror (errno));
}

/* Writes what it can now and keeps the rest; FALSE when the connection
 * broke. */
static gboolean
conn_write (TsWsConn     *conn,
            struct iovec *iov,
            int           n_iov)
{
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = n_iov };
  int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
  gsize total = 0;
  ssize_t written;

  for (int i = 0; i < n_iov; i++)
    total += iov[i].iov_len;
  /* One buffer goes by send(): no msghdr to copy in, one span to copy
   * from (see ts_ws_text_frame_new()). */
  do
    written = n_iov == 1 ? send (conn->fd, iov[0].iov_base, iov[0].iov_len, flags)
                         : sendmsg (conn->fd, &msg, flags);
  while (written < 0 && errno == EINTR);
  if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    return FALSE;
  written = MAX (written, 0);
  if ((gsize) written == total)
    return TRUE;

  if (total - written > MAX_PENDING_OUTPUT)
    return FALSE;
  conn->output = g_byte_array_sized_new (total - written);
  for (int i = 0; i < n_iov; i++)
    {
      gsize skip = MIN ((gsize) written, iov[i].iov_len);

      g_byte_array_append (conn->output, (guint8 *) iov[i].iov_base + skip, iov[i].iov_len - skip);
      written -= skip;
    }
  conn->output_sent = 0;
  conn_watch_output (conn, TRUE);
  return TRUE;
}

/* Writes @iov, one or more whole frames, now, or behind what is already
 * waiting, in order. */
static void
conn_send_iov (TsWsConn     *conn,
               struct iovec *iov,
               int           n_iov)
{
  gsize total = 0;

  if (conn->output != NULL)
    {
      for (int i = 0; i < n_iov; i++)
        total += iov[i].iov_len;
      if (conn->output->len - conn->output_sent + total > MAX_PENDING_OUTPUT)
        {
          g_debug ("a peer is not reading; cutting it off");
          conn_abort (conn, CLOSE_OVER_CAPACITY);
          return;
        }
      for (int i = 0; i < n_iov; i++)
        g_byte_array_append (conn->output, iov[i].iov_base, iov[i].iov_len);
      return;
    }

  if (!conn_write (conn, iov, n_iov))
    conn_abort (conn, CLOSE_ABNORMAL);
}

static void
conn_send_frame (TsWsConn   *conn,
                 guint8      opcode,
                 const void *payload,
                 gsize       size)
{
  guint8 header[10];
  gsize header_size = frame_header (header, opcode, size);

  conn_send_iov (conn, (struct iovec[]) { { header, header_size }, { (void *) payload, size } }, 2);
}

/* Sends what waits; on the loop's dispatch only. */
static void
conn_flush (TsWsConn *conn)
{
  while (conn->output != NULL)
    {
      ssize_t written = send (conn->fd, conn->output->data + conn->output_sent,
                              conn->output->len - conn->output_sent, MSG_NOSIGNAL | MSG_DONTWAIT);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      if (written < 0)
        {
          conn_finish (conn, CLOSE_ABNORMAL);
          return;
        }
      conn->output_sent += written;
      if (conn->output_sent == conn->output->len)
        {
          g_clear_pointer (&conn->output, g_byte_array_unref);
          conn_watch_output (conn, FALSE);
        }
    }
  if (conn->state == CONN_FLUSHING)
    conn_finish (conn, conn->close_code);
}

static void
conn_start_deadline (TsWsConn *conn)
{
  TsWsLoop *loop = conn->loop;

  if (conn->closing_link.data != NULL)
    return;
  conn->close_deadline = g_get_monotonic_time () + CLOSE_TIMEOUT_US;
  conn->closing_link.data = conn;
  g_queue_push_tail_link (&loop->closing, &conn->closing_link);
  loop_update_ready_time (loop);
}

static void
conn_send_close (TsWsConn   *conn,
                 gushort     code,
                 const char *reason)
{
  guint8 payload[MAX_CONTROL_PAYLOAD];
  gsize reason_size = reason != NULL ? strlen (reason) : 0;

  /* Cut at a character boundary: the reason must stay valid UTF-8. */
  while (reason_size > MAX_CLOSE_REASON)
    reason_size = g_utf8_find_prev_char (reason, reason + reason_size) - reason;
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  if (reason_size > 0)
    memcpy (payload + 2, reason, reason_size);
  conn_send_frame (conn, OPCODE_CLOSE, payload, code == CLOSE_NO_STATUS ? 0 : 2 + reason_size);
}

/* Closes the descriptor once the close frame queued for it is out (or
 * the deadline has passed). On the loop's dispatch only. */
static void
conn_close_after_output (TsWsConn *conn,
                         gushort   code)
{
  if (conn->state == CONN_ABORTED || conn->state == CONN_CLOSED)
    return;
  conn->state = CONN_FLUSHING;
  conn->close_code = code;
  conn_start_deadline (conn);
  conn_flush (conn);
}

/* Fails the connection (§7.1.7): the close frame says why, and nothing the
 * peer sends after a broken frame is read. On the loop's dispatch only. */
static void
conn_fail (TsWsConn   *conn,
           gushort     code,
           const char *reason)
{
  g_debug ("failing a connection: %u %s", code, reason);
  if (conn->state == CONN_OPEN)
    conn_send_close (conn, code, reason);
  conn_close_after_output (conn, code);
}

/* Receiving. */

static gboolean
close_code_is_valid (guint code)
{
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

static void
conn_on_close_frame (TsWsConn     *conn,
                     const guint8 *payload,
                     gsize         size)
{
  gushort code = CLOSE_NO_STATUS;

  if (size == 1)
    {
      conn_fail (conn, CLOSE_PROTOCOL_ERROR, "Close frame with a one-byte payload");
      return;
    }
  if (size >= 2)
    {
      code = payload[0] << 8 | payload[1];
      if (!close_code_is_valid (code))
        {
          conn_fail (conn, CLOSE_PROTOCOL_ERROR, "Invalid close code");
          return;
        }
      if (!g_utf8_validate_len ((const char *) payload + 2, size - 2, NULL))
        {
          conn_fail (conn, CLOSE_BAD_DATA, "Close reason is not UTF-8");
          return;
        }
    }

  if (conn->state == CONN_CLOSING)
    {
      /* The answer to ours: done. */
      conn_finish (conn, conn->close_code);
      return;
    }
  /* The peer's: echo its code, then close once that is out. */
  conn_send_close (conn, code, NULL);
  conn_close_after_output (conn, code);
}

static void
conn_deliver (TsWsConn     *conn,
              guint8        opcode,
              const guint8 *data,
              gsize         size)
{
  /* After our close frame, data is read but dropped (§5.5.1). */
  if (conn->state != CONN_OPEN)
    return;
  if (opcode == OPCODE_TEXT && !g_utf8_validate_len ((const char *) data, size, NULL))
    {
      conn_fail (conn, CLOSE_BAD_DATA, "Text message is not UTF-8");
      return;
    }
  if (conn->message_func != NULL)
    conn->message_func (conn, opcode == OPCODE_TEXT, (const char *) data, size, conn->user_data);
}

static void
conn_on_data_frame (TsWsConn     *conn,
                    gboolean      fin,
                    guint8        opcode,
                    const guint8 *payload,
                    gsize         size)
{
  g_autoptr(GByteArray) message = NULL;

  if (opcode == OPCODE_CONTINUATION && conn->message == NULL)
    {
      conn_fail (conn, CLOSE_PROTOCOL_ERROR, "Continuation frame without a message");
      return;
    }
  if (opcode != OPCODE_CONTINUATION && conn->message != NULL)
    {
      conn_fail (conn, CLOSE_PROTOCOL_ERROR, "New message inside a fragmented one");
      return;
    }

  if (opcode != OPCODE_CONTINUATION && fin)
    {
      conn_deliver (conn, opcode, payload, size);
      return;
    }

  if (opcode != OPCODE_CONTINUATION)
    {
      conn->message = g_byte_array_new ();
      conn->message_opcode = opcode;
    }
  if (conn->message->len + size > conn->max_message_size)
    {
      conn_fail (conn, CLOSE_TOO_BIG, "Message too big");
      return;
    }
  g_byte_array_append (conn->message, payload, size);
  if (!fin)
    return;
  message = g_steal_pointer (&conn->message);
  conn_deliver (conn, conn->message_opcode, message->data, message->len);
}

static void
conn_on_frame (TsWsConn     *conn,
               gboolean      fin,
               guint8        opcode,
               const guint8 *payload,
               gsize         size)
{
  switch (opcode)
    {
    case OPCODE_CLOSE:
      conn_on_close_frame (conn, payload, size);
      break;
    case OPCODE_PING:
      if (conn->state == CONN_OPEN)
        conn_send_frame (conn, OPCODE_PONG, payload, size);
      break;
    case OPCODE_PONG:
      break;
    default:
      conn_on_data_frame (conn, fin, opcode, payload, size);
      break;
    }
}

static gboolean
conn_is_reading (TsWsConn *conn)
{
  return conn->state == CONN_OPEN || conn->state == CONN_CLOSING;
}

/* Handles the whole frames at the start of @data, unmasking them in
 * place; returns how many bytes they took. */
static gsize
conn_parse (TsWsConn *conn,
            guint8   *data,
            gsize     size)
{
  gsize pos = 0;

  while (conn_is_reading (conn) && size - pos >= 2)
    {
      guint8 *frame = data + pos;
      gsize available = size - pos;
      gboolean fin = frame[0] & 0x80;
      guint8 opcode = frame[0] & 0x0f;
      guint64 length = frame[1] & 0x7f;
      gsize header = 2;
      guint8 *mask, *payload;

      if (frame[0] & 0x70)
        return conn_fail (conn, CLOSE_PROTOCOL_ERROR, "Reserved bits set"), pos;
      if (!(frame[1] & 0x80))
        return conn_fail (conn, CLOSE_PROTOCOL_ERROR, "Client frames must be masked"), pos;
      if ((opcode & 0x8) && (opcode > OPCODE_PONG || !fin || length > MAX_CONTROL_PAYLOAD))
        return conn_fail (conn, CLOSE_PROTOCOL_ERROR, "Invalid control frame"), pos;
      if (!(opcode & 0x8) && opcode > OPCODE_BINARY)
        return conn_fail (conn, CLOSE_PROTOCOL_ERROR, "Unknown opcode"), pos;

      if (length == 126)
        {
          if (available < 4)
            break;
          length = frame[2] << 8 | frame[3];
          header = 4;
        }
      else if (length == 127)
        {
          if (available < 10)
            break;
          length = 0;
          for (int i = 0; i < 8; i++)
            length = length << 8 | frame[2 + i];
          header = 10;
        }
      /* Refused before it is all read: a peer cannot make us buffer it. */
      if (length > conn->max_message_size)
        return conn_fail (conn, CLOSE_TOO_BIG, "Message too big"), pos;

      if (available < header + 4 + length)
        break;
      mask = frame + header;
      payload = mask + 4;
      for (gsize i = 0; i < length; i++)
        payload[i] ^= mask[i & 3];
      pos += header + 4 + length;
      conn_on_frame (conn, fin, opcode, payload, length);
    }
  return pos;
}

static void
conn_received (TsWsConn *conn,
               guint8   *data,
               gsize     size)
{
  gsize used;

  if (conn->input == NULL)
    {
      /* The usual case: whole frames, handled where they were read. */
      used = conn_parse (conn, data, size);
      if (used < size && conn_is_reading (conn))
        {
          conn->input = g_byte_array_sized_new (size - used);
          g_byte_array_append (conn->input, data + used, size - used);
        }
      return;
    }

  if (size > 0)
    g_byte_array_append (conn->input, data, size);
  used = conn_parse (conn, conn->input->data, conn->input->len);
  if (!conn_is_reading (conn))
    return;
  g_byte_array_remove_range (conn->input, 0, used);
  /* An idle connection keeps no buffer. */
  if (conn->input->len == 0)
    g_clear_pointer (&conn->input, g_byte_array_unref);
}

static void
conn_read (TsWsConn *conn)
{
  TsWsLoop *loop = conn->loop;
  gsize budget = READ_BUDGET;

  while (budget > 0 && conn->state != CONN_CLOSED && conn->state != CONN_ABORTED)
    {
      ssize_t n = recv (conn->fd, loop->scratch, sizeof loop->scratch, MSG_DONTWAIT);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      if (n <= 0)
        {
          /* The peer is gone; after a close handshake that is its code. */
          conn_finish (conn, conn->state == CONN_OPEN ? CLOSE_ABNORMAL : conn->close_code);
          return;
        }
      budget -= MIN (budget, (gsize) n);
      /* After the handshake, whatever else comes is not read. */
      if (conn_is_reading (conn))
        conn_received (conn, loop->scratch, n);
    }
}

/* Closes the descriptor and tells the owner; the struct goes after the
 * dispatch. */
static void
conn_finish (TsWsConn *conn,
             gushort   code)
{
  TsWsLoop *loop = conn->loop;

  if (conn->state == CONN_CLOSED)
    return;
  conn->state = CONN_CLOSED;
  g_queue_unlink (&loop->conns, &conn->link);
  g_ptr_array_remove_fast (loop->unparsed, conn);
  if (conn->closing_link.data != NULL)
    g_queue_unlink (&loop->closing, &conn->closing_link);
  epoll_ctl (loop->epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
  close (conn->fd);
  conn->fd = -1;
  g_ptr_array_add (loop->dead, conn);
  if (conn->closed_func != NULL)
    conn->closed_func (conn, code, conn->user_data);
}

static void
conn_free (TsWsConn *conn)
{
  g_clear_pointer (&conn->input, g_byte_array_unref);
  g_clear_pointer (&conn->message, g_byte_array_unref);
  g_clear_pointer (&conn->output, g_byte_array_unref);
  g_free (conn);
}

/* The loop. */

static void
loop_handle_events (TsWsLoop *loop,
                    int       timeout_ms)
{
  struct epoll_event events[MAX_EVENTS];
  int n;

  do
    n = epoll_wait (loop->epoll_fd, events, MAX_EVENTS, timeout_ms);
  while (n < 0 && errno == EINTR);

  for (int i = 0; i < n; i++)
    {
      TsWsConn *conn = events[i].data.ptr;

      /* A callback earlier in this batch may have finished it. */
      if ((events[i].events & EPOLLOUT) && conn->state != CONN_CLOSED && conn->state != CONN_ABORTED)
        conn_flush (conn);
      if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && conn->state != CONN_CLOSED)
        conn_read (conn);
    }
}

static void
loop_parse_unparsed (TsWsLoop *loop)
{
  for (guint i = 0; i < loop->unparsed->len; i++)
    {
      TsWsConn *conn = g_ptr_array_index (loop->unparsed, i);

      if (conn_is_reading (conn))
        conn_received (conn, NULL, 0);
    }
  g_ptr_array_set_size (loop->unparsed, 0);
}

static void
loop_finish_aborted_and_expired (TsWsLoop *loop)
{
  gint64 now = g_get_monotonic_time ();
  TsWsConn *first;

  for (guint i = 0; i < loop->aborted->len; i++)
    {
      TsWsConn *conn = g_ptr_array_index (loop->aborted, i);

      conn_finish (conn, conn->close_code);
    }
  g_ptr_array_set_size (loop->aborted, 0);

  while ((first = g_queue_peek_head (&loop->closing)) != NULL && first->close_deadline <= now)
    conn_finish (first, first->close_code);
}

static void
loop_reap (TsWsLoop *loop)
{
  /* Finishing may abort others (a closed socket's presence event sent
   * to a dead peer), so until nothing is left. */
  while (loop->aborted->len > 0 || loop->dead->len > 0)
    {
      loop_finish_aborted_and_expired (loop);
      for (guint i = 0; i < loop->dead->len; i++)
        conn_free (g_ptr_array_index (loop->dead, i));
      g_ptr_array_set_size (loop->dead, 0);
    }
  loop_update_ready_time (loop);
}

static gboolean
loop_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  TsWsLoop *loop = ((LoopSource *) source)->loop;

  loop_parse_unparsed (loop);
  loop_handle_events (loop, 0);
  loop_finish_aborted_and_expired (loop);
  loop_reap (loop);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs loop_source_funcs = {
  .dispatch = loop_source_dispatch,
};

/**
 * ts_ws_loop_new:
 * @context: the main context of the thread that will run the connections
 */
TsWsLoop *
ts_ws_loop_new (GMainContext *context)
{
  TsWsLoop *loop = g_new0 (TsWsLoop, 1);

  loop->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (loop->epoll_fd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));
  loop->unparsed = g_ptr_array_new ();
  loop->aborted = g_ptr_array_new ();
  loop->dead = g_ptr_array_new ();
  loop->source = g_source_new (&loop_source_funcs, sizeof (LoopSource));
  ((LoopSource *) loop->source)->loop = loop;
  g_source_set_static_name (loop->source, "TsWsLoop");
  g_source_add_unix_fd (loop->source, loop->epoll_fd, G_IO_IN);
  g_source_attach (loop->source, context);
  return loop;
}

/* The connections not closed yet. */
guint
ts_ws_loop_get_size (TsWsLoop *loop)
{
  return loop->conns.length;
}

/* Runs the connections, outside any main loop, until every one has closed
 * or @deadline (monotonic µs) has passed; TRUE when all closed. For a stop:
 * close them all first, then let their closing handshakes finish here. */
gboolean
ts_ws_loop_drain (TsWsLoop *loop,
                  gint64    deadline)
{
  gint64 now;

  while (loop->conns.length > 0 && (now = g_get_monotonic_time ()) < deadline)
    {
      loop_handle_events (loop, (int) MAX (1, MIN (100, (deadline - now) / 1000)));
      loop_reap (loop);
    }
  return loop->conns.length == 0;
}

/* Closes what is left without a word to anyone, and frees the loop. */
void
ts_ws_loop_free (TsWsLoop *loop)
{
  TsWsConn *conn;

  loop_reap (loop);
  while ((conn = g_queue_peek_head (&loop->conns)) != NULL)
    {
      ts_ws_conn_detach (conn);
      conn_finish (conn, CLOSE_ABNORMAL);
    }
  loop_reap (loop);
  g_source_destroy (loop->source);
  g_source_unref (loop->source);
  close (loop->epoll_fd);
  g_ptr_array_unref (loop->unparsed);
  g_ptr_array_unref (loop->aborted);
  g_ptr_array_unref (loop->dead);
  g_free (loop);
}

/**
 * ts_ws_conn_new:
 * @loop: the loop of the calling thread
 * @fd: (transfer full): the connected socket, once the 101 is written
 * @received: the bytes already read from it after the handshake
 * @max_message_size: larger messages (and frames) close it with 1009
 *
 * The connection reads from the next dispatch on. On a descriptor epoll
 * cannot watch it is finished at once (closed_func runs then).
 */
TsWsConn *
ts_ws_conn_new (TsWsLoop        *loop,
                int              fd,
                const char      *received,
                gsize            received_size,
                gsize            max_message_size,
                TsWsMessageFunc  message_func,
                TsWsClosedFunc   closed_func,
                gpointer         user_data)
{
  TsWsConn *conn = g_new0 (TsWsConn, 1);
  struct epoll_event event = { .events = EPOLLIN, .data.ptr = conn };

  conn->loop = loop;
  conn->fd = fd;
  conn->max_message_size = max_message_size;
  conn->message_func = message_func;
  conn->closed_func = closed_func;
  conn->user_data = user_data;
  conn->link.data = conn;
  g_queue_push_tail_link (&loop->conns, &conn->link);

  if (epoll_ctl (loop->epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0)
    {
      g_warning ("epoll_ctl: %s", g_strerror (errno));
      conn_abort (conn, CLOSE_ABNORMAL);
    }
  else if (received_size > 0)
    {
      conn->input = g_byte_array_sized_new (received_size);
      g_byte_array_append (conn->input, (const guint8 *) received, received_size);
      /* Parsed on the next dispatch, like anything read: epoll may never
       * report the socket again for bytes already taken off it. */
      g_ptr_array_add (loop->unparsed, conn);
      loop_update_ready_time (loop);
    }
  return conn;
}

gboolean
ts_ws_conn_is_open (TsWsConn *conn)
{
  return conn->state == CONN_OPEN;
}

/* Queues a text message; ignored unless the connection is open. */
void
ts_ws_conn_send_text (TsWsConn   *conn,
                      const char *text,
                      gsize       size)
{
  if (conn->state == CONN_OPEN)
    conn_send_frame (conn, OPCODE_TEXT, text, size);
}

/**
 * ts_ws_text_frame_new:
 *
 * Returns: (transfer full): @text as a whole WebSocket text frame, its
 *   header and its payload in one buffer, for ts_ws_conn_send_frame():
 *   a fan-out frames an event once, and each of its sends is one send()
 *   of one span.
 */
GBytes *
ts_ws_text_frame_new (const char *text,
                      gsize       size)
{
  guint8 header[10];
  gsize header_size = frame_header (header, OPCODE_TEXT, size);
  guint8 *frame = g_malloc (header_size + size);

  memcpy (frame, header, header_size);
  memcpy (frame + header_size, text, size);
  return g_bytes_new_take (frame, header_size + size);
}

/* Queues a frame made by ts_ws_text_frame_new(); ignored unless the
 * connection is open. */
void
ts_ws_conn_send_frame (TsWsConn *conn,
                       GBytes   *frame)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (frame, &size);

  if (conn->state == CONN_OPEN)
    conn_send_iov (conn, (struct iovec[]) { { (void *) data, size } }, 1);
}

/* Starts the closing handshake; the connection reports `closed` when the
 * peer has answered (or after a timeout). */
void
ts_ws_conn_close (TsWsConn   *conn,
                  gushort     code,
                  const char *reason)
{
  if (conn->state != CONN_OPEN)
    return;
  conn_send_close (conn, code, reason);
  if (conn->state != CONN_OPEN)
    return;
  conn->state = CONN_CLOSING;
  conn->close_code = code;
  conn_start_deadline (conn);
}

/* No more callbacks: for an owner that goes before its connection. */
void
ts_ws_conn_detach (TsWsConn *conn)
{
  conn->message_func = NULL;
  conn->closed_func = NULL;
  conn->user_data = NULL;
}
