/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The hub's WebSocket layer (ts-ws.c) on one end of a socket pair, with
 * the test playing the client on the other end: frames split anywhere,
 * bytes read before the connection was made, the closing handshake both
 * ways, a stop, a peer that does not read. What a real client sees
 * through the server is in test-front-door.c and test-hub.c.
 */

#include <glib-unix.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ts-ws.h"

#define MAX_MESSAGE (64 * 1024)
#define DEADLINE_MS 5000

typedef struct {
  GMainContext *context;
  TsWsLoop *loop;
  TsWsConn *conn;
  int peer;
  GPtrArray *messages;  /* char* */
  gboolean closed;
  gushort close_code;
} Fixture;

static void
on_message (TsWsConn   *conn,
            gboolean    is_text,
            const char *data,
            gsize       size,
            gpointer    user_data)
{
  Fixture *f = user_data;

  g_assert_true (is_text);
  g_ptr_array_add (f->messages, g_strndup (data, size));
}

static void
on_closed (TsWsConn *conn,
           gushort   code,
           gpointer  user_data)
{
  Fixture *f = user_data;

  f->closed = TRUE;
  f->close_code = code;
  f->conn = NULL;
}

static void
fixture_open (Fixture    *f,
              const char *received,
              gsize       received_size)
{
  struct timeval timeout = { DEADLINE_MS / 1000, 0 };
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), ==, 0);
  f->peer = fds[1];
  /* The peer blocks, with a deadline, as a simple client would. */
  g_unix_set_fd_nonblocking (f->peer, FALSE, NULL);
  setsockopt (f->peer, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  f->conn = ts_ws_conn_new (f->loop, fds[0], received, received_size, MAX_MESSAGE,
                            on_message, on_closed, f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->context = g_main_context_new ();
  f->loop = ts_ws_loop_new (f->context);
  f->messages = g_ptr_array_new_with_free_func (g_free);
  f->peer = -1;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ts_ws_loop_free (f->loop);
  if (f->peer >= 0)
    close (f->peer);
  g_ptr_array_unref (f->messages);
  g_main_context_unref (f->context);
}

static gboolean
deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

#define RUN_UNTIL(f, cond)                                                  \
  G_STMT_START {                                                            \
    gboolean expired_ = FALSE;                                              \
    GSource *deadline_ = g_timeout_source_new (DEADLINE_MS);                \
    g_source_set_callback (deadline_, deadline_cb, &expired_, NULL);        \
    g_source_attach (deadline_, (f)->context);                              \
    while (!(cond) && !expired_)                                            \
      g_main_context_iteration ((f)->context, TRUE);                        \
    g_source_destroy (deadline_);                                           \
    g_source_unref (deadline_);                                             \
    if (!(cond))                                                            \
      g_error ("timed out waiting for %s", #cond);                          \
  } G_STMT_END

/* Runs whatever is ready, without waiting. */
static void
run_ready (Fixture *f)
{
  while (g_main_context_iteration (f->context, FALSE))
    ;
}

/* A masked client frame. */
static GByteArray *
client_frame (guint8      first_byte,
              const void *payload,
              gsize       size)
{
  GByteArray *frame = g_byte_array_new ();
  guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  guint8 header[10];
  gsize header_size = 2;

  header[0] = first_byte;
  if (size < 126)
    header[1] = 0x80 | size;
  else if (size <= G_MAXUINT16)
    {
      header[1] = 0x80 | 126;
      header[2] = size >> 8;
      header[3] = size & 0xff;
      header_size = 4;
    }
  else
    {
      header[1] = 0x80 | 127;
      for (int i = 0; i < 8; i++)
        header[2 + i] = ((guint64) size >> (56 - 8 * i)) & 0xff;
      header_size = 10;
    }
  g_byte_array_append (frame, header, header_size);
  g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < size; i++)
    {
      guint8 byte = ((const guint8 *) payload)[i] ^ mask[i & 3];

      g_byte_array_append (frame, &byte, 1);
    }
  return frame;
}

static GByteArray *
text_frame (const char *text)
{
  return client_frame (0x81, text, strlen (text));
}

static void
peer_write (Fixture      *f,
            const guint8 *data,
            gsize         size)
{
  g_assert_cmpint (send (f->peer, data, size, MSG_NOSIGNAL), ==, (gssize) size);
}

static gboolean
peer_has_data (Fixture *f)
{
  struct pollfd pollfd = { .fd = f->peer, .events = POLLIN };

  return poll (&pollfd, 1, 0) == 1;
}

/* Reads one whole server frame: its first byte and payload. */
static guint8
peer_read_frame (Fixture     *f,
                 GByteArray **payload)
{
  guint8 header[10];
  guint64 length;

  g_assert_cmpint (recv (f->peer, header, 2, MSG_WAITALL), ==, 2);
  g_assert_false (header[1] & 0x80);  /* servers do not mask */
  length = header[1] & 0x7f;
  if (length == 126)
    {
      g_assert_cmpint (recv (f->peer, header + 2, 2, MSG_WAITALL), ==, 2);
      length = header[2] << 8 | header[3];
    }
  g_assert_cmpuint (length, <, 126 * 1024);
  *payload = g_byte_array_sized_new (length);
  g_byte_array_set_size (*payload, length);
  if (length > 0)
    g_assert_cmpint (recv (f->peer, (*payload)->data, length, MSG_WAITALL), ==, (gssize) length);
  return header[0];
}

static void
test_split_frames (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *long_text = g_strnfill (300, 'x');
  g_autoptr(GByteArray) first = text_frame ("{\"event\":\"one\"}");
  g_autoptr(GByteArray) second = text_frame (long_text);
  g_autoptr(GByteArray) all = g_byte_array_new ();

  fixture_open (f, NULL, 0);
  g_byte_array_append (all, first->data, first->len);
  g_byte_array_append (all, second->data, second->len);

  /* A byte at a time: nothing until a frame is whole, then exactly it. */
  for (guint i = 0; i < all->len; i++)
    {
      peer_write (f, all->data + i, 1);
      run_ready (f);
      g_assert_cmpuint (f->messages->len, ==, i + 1 < first->len ? 0 : i + 1 < all->len ? 1 : 2);
    }
  g_assert_cmpstr (g_ptr_array_index (f->messages, 0), ==, "{\"event\":\"one\"}");
  g_assert_cmpstr (g_ptr_array_index (f->messages, 1), ==, long_text);

  /* Two frames in one write. */
  peer_write (f, all->data, all->len);
  RUN_UNTIL (f, f->messages->len == 4);
  g_assert_false (f->closed);
}

static void
test_received_before (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GByteArray) frame = text_frame ("{\"event\":\"early\"}");

  /* Bytes read off the socket before the connection was made (libsoup's
   * buffer) come first, on the first dispatch, not from inside the call. */
  fixture_open (f, (const char *) frame->data, frame->len);
  g_assert_cmpuint (f->messages->len, ==, 0);
  RUN_UNTIL (f, f->messages->len == 1);
  g_assert_cmpstr (g_ptr_array_index (f->messages, 0), ==, "{\"event\":\"early\"}");
}

static void
test_close_from_here (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(GByteArray) answer = NULL;
  g_autoptr(GString) reason = g_string_new (NULL);
  guint8 close_answer[2] = { 4200 >> 8, 4200 & 0xff };
  guint8 eof;

  fixture_open (f, NULL, 0);
  /* A reason longer than a control frame allows is cut at a character. */
  for (guint i = 0; i < 100; i++)
    g_string_append (reason, "é");
  ts_ws_conn_close (f->conn, 4200, reason->str);
  g_assert_false (ts_ws_conn_is_open (f->conn));
  /* Nothing more goes out after the close frame. */
  ts_ws_conn_send_text (f->conn, "late", 4);

  g_assert_cmpuint (peer_read_frame (f, &payload), ==, 0x88);
  g_assert_cmpuint (payload->len, <=, 125);
  g_assert_cmpuint (payload->data[0] << 8 | payload->data[1], ==, 4200);
  g_assert_true (g_utf8_validate_len ((const char *) payload->data + 2, payload->len - 2, NULL));
  g_assert_false (f->closed);

  answer = client_frame (0x88, close_answer, 2);
  peer_write (f, answer->data, answer->len);
  RUN_UNTIL (f, f->closed);
  g_assert_cmpuint (f->close_code, ==, 4200);
  g_assert_cmpint (recv (f->peer, &eof, 1, 0), ==, 0);
}

static void
test_close_from_peer (Fixture       *f,
                      gconstpointer  data)
{
  guint8 close_payload[] = { 1001 >> 8, 1001 & 0xff, 'b', 'y', 'e' };
  g_autoptr(GByteArray) frame = client_frame (0x88, close_payload, sizeof close_payload);
  g_autoptr(GByteArray) payload = NULL;
  guint8 eof;

  fixture_open (f, NULL, 0);
  peer_write (f, frame->data, frame->len);
  RUN_UNTIL (f, f->closed);
  g_assert_cmpuint (f->close_code, ==, 1001);
  /* The code echoed, then the server closes the TCP connection first. */
  g_assert_cmpuint (peer_read_frame (f, &payload), ==, 0x88);
  g_assert_cmpuint (payload->len, ==, 2);
  g_assert_cmpuint (payload->data[0] << 8 | payload->data[1], ==, 1001);
  g_assert_cmpint (recv (f->peer, &eof, 1, 0), ==, 0);
}

static void
test_peer_vanishes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GByteArray) half = text_frame ("{\"event\":\"cut short\"}");

  fixture_open (f, NULL, 0);
  peer_write (f, half->data, half->len / 2);
  close (f->peer);
  f->peer = -1;
  RUN_UNTIL (f, f->closed);
  g_assert_cmpuint (f->close_code, ==, 1006);
  g_assert_cmpuint (f->messages->len, ==, 0);
}

/* A stop: close and forget, then let the handshakes finish. */
static void
test_drain (Fixture       *f,
            gconstpointer  data)
{
  guint8 close_answer[2] = { 4200 >> 8, 4200 & 0xff };
  g_autoptr(GByteArray) answer = client_frame (0x88, close_answer, 2);
  g_autoptr(GByteArray) payload = NULL;
  guint8 eof;

  fixture_open (f, NULL, 0);
  ts_ws_conn_close (f->conn, 4200, "server stopping");
  ts_ws_conn_detach (f->conn);
  g_assert_cmpuint (peer_read_frame (f, &payload), ==, 0x88);
  peer_write (f, answer->data, answer->len);
  g_assert_true (ts_ws_loop_drain (f->loop, g_get_monotonic_time () + DEADLINE_MS * 1000));
  g_assert_cmpuint (ts_ws_loop_get_size (f->loop), ==, 0);
  g_assert_false (f->closed);  /* detached: no callback */
  g_assert_cmpint (recv (f->peer, &eof, 1, 0), ==, 0);
}

static void
test_drain_silent_peer (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GByteArray) payload = NULL;
  gint64 start;
  guint8 eof;

  fixture_open (f, NULL, 0);
  ts_ws_conn_close (f->conn, 4200, "server stopping");
  ts_ws_conn_detach (f->conn);
  start = g_get_monotonic_time ();
  g_assert_false (ts_ws_loop_drain (f->loop, start + 200 * 1000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (ts_ws_loop_get_size (f->loop), ==, 1);
  /* What the loop still has is cut off when it goes. */
  ts_ws_loop_free (f->loop);
  f->loop = ts_ws_loop_new (f->context);
  g_assert_cmpuint (peer_read_frame (f, &payload), ==, 0x88);
  g_assert_cmpint (recv (f->peer, &eof, 1, 0), ==, 0);
}

/* A peer that reads nothing is cut off rather than buffered for. */
static void
test_peer_not_reading (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *event = g_strnfill (10 * 1024, 'e');

  fixture_open (f, NULL, 0);
  for (guint i = 0; i < 1000 && f->conn != NULL && ts_ws_conn_is_open (f->conn); i++)
    ts_ws_conn_send_text (f->conn, event, strlen (event));
  /* Not from inside the send: the caller may be walking its subscribers. */
  g_assert_false (f->closed);
  RUN_UNTIL (f, f->closed);
  g_assert_cmpuint (f->close_code, ==, 4100);
}

/* A frame made once for a fan-out (ts_ws_text_frame_new()) arrives as
 * ts_ws_conn_send_text() would send it, in order with other messages,
 * also when it has to wait behind output the peer has not taken yet. */
static void
test_shared_frame (Fixture       *f,
                   gconstpointer  data)
{
  const char *small_text = "{\"event\":\"s\"}";
  g_autofree char *long_text = g_strnfill (300, 'l');
  g_autofree char *bulk = g_strnfill (10 * 1024, 'b');
  g_autoptr(GBytes) small = ts_ws_text_frame_new (small_text, strlen (small_text));
  g_autoptr(GBytes) large = ts_ws_text_frame_new (long_text, strlen (long_text));
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(GByteArray) received = g_byte_array_new ();
  gsize small_size, expected;
  const guint8 *small_data = g_bytes_get_data (small, &small_size);
  gint64 deadline;

  fixture_open (f, NULL, 0);
  ts_ws_conn_send_frame (f->conn, small);
  ts_ws_conn_send_text (f->conn, "between", 7);
  ts_ws_conn_send_frame (f->conn, large);
  g_assert_cmpuint (peer_read_frame (f, &payload), ==, 0x81);
  g_assert_cmpmem (payload->data, payload->len, small_text, strlen (small_text));
  g_clear_pointer (&payload, g_byte_array_unref);
  g_assert_cmpuint (peer_read_frame (f, &payload), ==, 0x81);
  g_assert_cmpmem (payload->data, payload->len, "between", 7);
  g_clear_pointer (&payload, g_byte_array_unref);
  g_assert_cmpuint (peer_read_frame (f, &payload), ==, 0x81);
  g_assert_cmpmem (payload->data, payload->len, long_text, strlen (long_text));

  /* More than the socket takes (a few hundred KiB), so that the frame
   * waits in the connection's output; the peer then reads everything,
   * with the loop flushing as it does. */
  for (guint i = 0; i < 64; i++)
    ts_ws_conn_send_text (f->conn, bulk, strlen (bulk));
  ts_ws_conn_send_frame (f->conn, small);
  expected = 64 * (4 + strlen (bulk)) + small_size;
  deadline = g_get_monotonic_time () + DEADLINE_MS * 1000;
  while (received->len < expected && g_get_monotonic_time () < deadline)
    {
      guint8 buffer[65536];
      gssize got = recv (f->peer, buffer, sizeof buffer, MSG_DONTWAIT);

      if (got > 0)
        g_byte_array_append (received, buffer, got);
      else
        g_main_context_iteration (f->context, FALSE);
    }
  g_assert_false (f->closed);
  g_assert_cmpuint (received->len, ==, expected);
  g_assert_cmpmem (received->data + expected - small_size, small_size, small_data, small_size);
}

static void
test_ping (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GByteArray) ping = client_frame (0x89, "are you there", 13);
  g_autoptr(GByteArray) payload = NULL;

  fixture_open (f, NULL, 0);
  peer_write (f, ping->data, ping->len);
  RUN_UNTIL (f, peer_has_data (f));
  g_assert_cmpuint (peer_read_frame (f, &payload), ==, 0x8A);
  g_assert_cmpmem (payload->data, payload->len, "are you there", 13);
  g_assert_cmpuint (f->messages->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/ws/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("split-frames", test_split_frames);
  ADD ("received-before", test_received_before);
  ADD ("close-from-here", test_close_from_here);
  ADD ("close-from-peer", test_close_from_peer);
  ADD ("peer-vanishes", test_peer_vanishes);
  ADD ("drain", test_drain);
  ADD ("drain-silent-peer", test_drain_silent_peer);
  ADD ("peer-not-reading", test_peer_not_reading);
  ADD ("shared-frame", test_shared_frame);
  ADD ("ping", test_ping);
#undef ADD

  return g_test_run ();
}
