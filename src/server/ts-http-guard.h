/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "ts-front-door.h"

G_BEGIN_DECLS

/*
 * TsHttpGuard: the connections the front door hands to a SoupServer,
 * watched on the server's thread for as long as libsoup serves them.
 *
 * The door judges a connection's first request from its peeked head; the
 * guard judges every request libsoup reads, the first included, once its
 * head is read and before its body is: a body over its limit (or one on a
 * path nothing serves) makes the guard take the connection from libsoup
 * (soup_server_message_steal_connection()) and give its descriptor back
 * to the door, which answers 413 (or 404) and closes it lingering. libsoup
 * 3.2 would read the whole body before writing any answer. A chunked body
 * is cut off the same way once it passes its limit.
 *
 * It also keeps libsoup's connections from being held forever: one idle
 * after its last answer for the idle timeout, one whose answer makes no
 * progress for as long (a client that does not read), or one whose body
 * makes no progress for the body timeout, is shut down. libsoup 3.2 has
 * no timeouts of its own.
 */

/* Where a refused connection goes: @fd and @answer (a whole HTTP
 * response) are the callee's. */
typedef void (*TsHttpGuardRefuseFunc) (int       fd,
                                       char     *answer,
                                       gpointer  user_data);

#define TS_TYPE_HTTP_GUARD (ts_http_guard_get_type ())

G_DECLARE_FINAL_TYPE (TsHttpGuard, ts_http_guard, TS, HTTP_GUARD, GObject)

TsHttpGuard *ts_http_guard_new              (SoupServer              *server,
                                             const TsFrontDoorPolicy *policy);
void         ts_http_guard_set_refuse_func  (TsHttpGuard             *self,
                                             TsHttpGuardRefuseFunc    func,
                                             gpointer                 user_data);
void         ts_http_guard_adopt            (TsHttpGuard             *self,
                                             int                      fd);

G_END_DECLS
