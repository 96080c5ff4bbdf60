/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * TsFrontDoor: the server's listening socket, served by a thread of its
 * own. It takes the WebSocket handshakes for one path prefix itself and
 * hands every other connection to the SoupServer untouched.
 *
 * Why: SoupServer accepts and reads requests on the main thread, with a
 * main-loop source per connection, and GLib's main loop walks all of them
 * on every wakeup. In a reconnect storm (thousands of clients at once)
 * that walk was most of the server's time, and it grows with the square
 * of the crowd. The door peeks at each new connection's first bytes
 * (MSG_PEEK: nothing is consumed); a well-formed `GET <prefix>…` WebSocket
 * handshake is answered with the 101 here and the descriptor passed on,
 * anything else (REST, the HTTP API, a malformed handshake, a client that
 * sends nothing for a while) goes to the SoupServer as if it had accepted
 * it, and is answered there exactly as before.
 */

typedef struct _TsFrontDoor TsFrontDoor;

/* On the door's thread, once the 101 is written: @fd is the caller's,
 * @target the request's path and query. */
typedef void (*TsFrontDoorUpgradeFunc) (int         fd,
                                        const char *target,
                                        gpointer    user_data);

TsFrontDoor *ts_front_door_new  (GSocket                 *listener,
                                 SoupServer              *server,
                                 const char              *prefix,
                                 TsFrontDoorUpgradeFunc   upgrade_func,
                                 gpointer                 user_data,
                                 GError                 **error);
void         ts_front_door_free (TsFrontDoor             *door);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsFrontDoor, ts_front_door_free)

G_END_DECLS
