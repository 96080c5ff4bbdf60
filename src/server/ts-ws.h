/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The hub's WebSocket connections, server side (RFC 6455), on their bare
 * descriptors after libsoup has answered the upgrade.
 *
 * A TsWsLoop watches all the connections of one thread through one epoll
 * descriptor, which is the only source it adds to that thread's main
 * context. GLib's main loop walks every source of a context on every
 * iteration; with a source per connection (as SoupWebsocketConnection
 * has) thousands of sockets made each wakeup cost thousands of steps,
 * which is what made a reconnect storm slow. Here a wakeup costs what is
 * ready.
 *
 * Connections belong to their loop, which frees them after their `closed`
 * callback has run: a connection pointer stays valid until then, and its
 * owner must forget it in that callback. Everything runs on the loop's
 * thread. No extensions are negotiated (no compression).
 */

typedef struct _TsWsLoop TsWsLoop;
typedef struct _TsWsConn TsWsConn;

/* A whole message: @data is not NUL-terminated and only valid during the
 * call. */
typedef void (*TsWsMessageFunc) (TsWsConn   *conn,
                                 gboolean    is_text,
                                 const char *data,
                                 gsize       size,
                                 gpointer    user_data);

/* The connection is gone (its descriptor closed); @code is the close code
 * received or sent, 1006 when the peer vanished without one. */
typedef void (*TsWsClosedFunc)  (TsWsConn   *conn,
                                 gushort     code,
                                 gpointer    user_data);

TsWsLoop *ts_ws_loop_new          (GMainContext    *context);
guint     ts_ws_loop_get_size     (TsWsLoop        *loop);
gboolean  ts_ws_loop_drain        (TsWsLoop        *loop,
                                   gint64           deadline);
void      ts_ws_loop_free         (TsWsLoop        *loop);

TsWsConn *ts_ws_conn_new          (TsWsLoop        *loop,
                                   int              fd,
                                   const char      *received,
                                   gsize            received_size,
                                   gsize            max_message_size,
                                   TsWsMessageFunc  message_func,
                                   TsWsClosedFunc   closed_func,
                                   gpointer         user_data);
gboolean  ts_ws_conn_is_open      (TsWsConn        *conn);
void      ts_ws_conn_send_text    (TsWsConn        *conn,
                                   const char      *text,
                                   gsize            size);
GBytes   *ts_ws_text_frame_new    (const char      *text,
                                   gsize            size);
void      ts_ws_conn_send_frame   (TsWsConn        *conn,
                                   GBytes          *frame);
void      ts_ws_conn_close        (TsWsConn        *conn,
                                   gushort          code,
                                   const char      *reason);
void      ts_ws_conn_detach       (TsWsConn        *conn);

G_END_DECLS
