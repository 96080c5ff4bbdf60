/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * TsFrontDoor: the server's listening socket, served by a thread of its
 * own. It takes the WebSocket handshakes for one path prefix itself,
 * refuses bodies over their limit from the request's head, and hands
 * every other connection to the SoupServer.
 *
 * Why: SoupServer accepts and reads requests on the main thread, with a
 * main-loop source per connection, and GLib's main loop walks all of them
 * on every wakeup. In a reconnect storm (thousands of clients at once)
 * that walk was most of the server's time, and it grows with the square
 * of the crowd. The door peeks at each new connection's first bytes
 * (MSG_PEEK: nothing is consumed) until its request head is complete; a
 * well-formed `GET <prefix>…` WebSocket handshake is answered with the 101
 * here and the descriptor passed on. A head whose body is over its limit
 * is answered 413 (404 for a body on a path nothing serves) before any
 * body byte is read, followed by a lingering close. Anything else (REST,
 * the HTTP API, a malformed handshake) goes to the SoupServer as if it had
 * accepted it, watched there by a TsHttpGuard (ts-http-guard.h) for its
 * later requests, and answered exactly as before. A connection whose head
 * is not complete within the head timeout is closed.
 */

typedef struct _TsFrontDoor TsFrontDoor;

/* On the door's thread, once the 101 is written: @fd is the caller's,
 * @target the request's path and query. */
typedef void (*TsFrontDoorUpgradeFunc) (int         fd,
                                        const char *target,
                                        gpointer    user_data);

/**
 * TsBodyLimitFunc:
 * @method: the request's method
 * @path: the request's path, without its query
 *
 * How many body bytes a request may carry. Called on the door's thread
 * and on the SoupServer's, so it must be a pure function.
 *
 * Returns: the limit in bytes, or -1 when nothing serves @path (a body
 *   there is answered 404)
 */
typedef gint64 (*TsBodyLimitFunc) (const char *method,
                                   const char *path);

/**
 * TsFrontDoorCall:
 *
 * A request the door read whole, for the server's thread to answer with
 * ts_front_door_call_answer(): its bearer token and its body. See
 * TsFrontDoorPolicy's @call_func.
 */
typedef struct _TsFrontDoorCall TsFrontDoorCall;

/* On the SoupServer's thread, for each call: @call is the callee's until
 * it is given back to ts_front_door_call_answer(). */
typedef void (*TsFrontDoorCallFunc) (TsFrontDoorCall *call,
                                     gpointer         user_data);

/**
 * TsFrontDoorPolicy:
 * @body_limit: the body limits
 * @head_timeout_ms: a connection with no complete request head this long
 *   after it was made is closed
 * @idle_timeout_ms: a kept-alive connection with no complete request head
 *   this long after its last answer is closed
 * @body_timeout_ms: a request body that makes no progress for this long is
 *   cut off, and its connection closed
 * @calls: (nullable) (array zero-terminated=1): `<method> <path>` of the
 *   requests the door reads itself and has answered by @call_func, on
 *   connections it keeps alive itself as long as their requests are such
 *   calls: in their plain form (ts_front_door_peek_call()), without
 *   SoupServer's per-request machinery; any other form of them, and any
 *   other request, goes to libsoup as before, with the connection
 * @call_func: (nullable): answers the calls
 * @call_data: for @call_func
 *
 * What the door and its guard enforce. WebSockets are exempt from the
 * timeouts once upgraded: the hub has its own activity timeout.
 */
typedef struct {
  TsBodyLimitFunc body_limit;
  guint head_timeout_ms;
  guint idle_timeout_ms;
  guint body_timeout_ms;
  const char * const *calls;
  TsFrontDoorCallFunc call_func;
  gpointer call_data;
} TsFrontDoorPolicy;

/* After a refusal, what still arrives is read and dropped for this long or
 * this much (a lingering close, as nginx does), so that the client reads
 * the answer instead of a reset. */
#define TS_FRONT_DOOR_LINGER_MS 2000
#define TS_FRONT_DOOR_LINGER_BYTES (4 * 1024 * 1024)

TsFrontDoor *ts_front_door_new    (GSocket                  *listener,
                                   SoupServer               *server,
                                   const char               *prefix,
                                   const TsFrontDoorPolicy  *policy,
                                   TsFrontDoorUpgradeFunc    upgrade_func,
                                   gpointer                  user_data,
                                   GError                  **error);
void         ts_front_door_refuse (TsFrontDoor              *door,
                                   int                       fd,
                                   char                     *answer);
void         ts_front_door_free   (TsFrontDoor              *door);

guint        ts_front_door_call_get_index (TsFrontDoorCall   *call);
const char  *ts_front_door_call_get_token (TsFrontDoorCall   *call);
GBytes      *ts_front_door_call_get_body  (TsFrontDoorCall   *call);
void         ts_front_door_call_answer    (TsFrontDoorCall   *call,
                                           guint              status,
                                           GPtrArray         *headers,
                                           const char        *content_type,
                                           char              *body,
                                           gsize              length);

char        *ts_front_door_refusal_new (guint                status,
                                        gint64               limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsFrontDoor, ts_front_door_free)

G_END_DECLS
