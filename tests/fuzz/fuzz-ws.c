/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The hub's WebSocket frame parser (ts-ws.c), fed as a client feeds it:
 * a connection on one end of a socket pair, the input on the other.
 *
 * Input: one byte choosing how much of the rest counts as already read
 * with the handshake (ts_ws_conn_new's @received), one byte choosing the
 * size of the writes the rest arrives in (so that frames are cut at
 * every place), then the bytes. Each whole message is echoed back, one
 * in four closes the connection from our side, as the hub does. At the
 * end the peer hangs up and the connection must finish. */

#include "fuzz-common.h"
#include "ts-ws.h"

#include <sys/socket.h>
#include <unistd.h>

#define MAX_MESSAGE_SIZE 4096
/* Enough dispatches for every piece, and a bound on a connection that
 * would never finish (which is a finding: the check below fails). */
#define MAX_ITERATIONS 64

typedef struct {
  guint n_messages;
  gboolean closed;
  gushort code;
} Peer;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static void
on_message (TsWsConn   *conn,
            gboolean    is_text,
            const char *data,
            gsize       size,
            gpointer    user_data)
{
  Peer *peer = user_data;

  FUZZ_CHECK (!peer->closed);
  FUZZ_CHECK (size <= MAX_MESSAGE_SIZE);
  FUZZ_CHECK (!is_text || g_utf8_validate_len (data, size, NULL));
  peer->n_messages++;
  ts_ws_conn_send_text (conn, is_text ? data : "binary", is_text ? size : 6);
  if (peer->n_messages % 4 == 0)
    ts_ws_conn_close (conn, 4000 + peer->n_messages, "enough");
}

static void
on_closed (TsWsConn *conn,
           gushort   code,
           gpointer  user_data)
{
  Peer *peer = user_data;

  FUZZ_CHECK (!peer->closed);
  peer->closed = TRUE;
  peer->code = code;
}

/* What the connection sends is read and dropped, so that it never blocks. */
static void
drain (int fd)
{
  char buffer[16384];

  while (recv (fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0)
    ;
}

static void
run (GMainContext *context,
     TsWsLoop     *loop)
{
  for (int i = 0; i < 4; i++)
    g_main_context_iteration (context, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GMainContext) context = NULL;
  TsWsLoop *loop;
  Peer peer = { 0 };
  int fds[2];
  gsize received, piece;
  const guint8 *rest;
  gsize rest_size;

  if (size < 2)
    return 0;
  rest = data + 2;
  rest_size = size - 2;
  received = rest_size * data[0] / 255;
  piece = MAX (1, MAX (data[1], rest_size / MAX_ITERATIONS));

  FUZZ_CHECK (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
  context = g_main_context_new ();
  loop = ts_ws_loop_new (context);
  ts_ws_conn_new (loop, fds[0], (const char *) rest, received, MAX_MESSAGE_SIZE,
                  on_message, on_closed, &peer);
  run (context, loop);

  for (gsize at = received; at < rest_size && !peer.closed; at += piece)
    {
      gsize n = MIN (piece, rest_size - at);

      /* A connection that has failed may have shut its end already. */
      if (send (fds[1], rest + at, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t) n)
        break;
      run (context, loop);
      drain (fds[1]);
    }

  /* The peer goes: the connection must finish, whatever state it is in. */
  shutdown (fds[1], SHUT_WR);
  for (int i = 0; i < MAX_ITERATIONS && !peer.closed; i++)
    {
      run (context, loop);
      drain (fds[1]);
    }
  FUZZ_CHECK (peer.closed);
  FUZZ_CHECK (ts_ws_loop_get_size (loop) == 0);
  ts_ws_loop_free (loop);
  close (fds[1]);
  return 0;
}
