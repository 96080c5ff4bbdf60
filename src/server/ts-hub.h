/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "ts-front-door.h"

G_BEGIN_DECLS

/*
 * TsHub: the embedded realtime hub. It speaks Pusher Channels protocol 7
 * on `/app/<key>` (WebSocket) and the Pusher HTTP API on `/apps/<app_id>/…`,
 * so pusher-js and the Pusher server libraries work with it unchanged.
 *
 * The REST side uses it three ways: it signs channel authorizations for
 * members (ts_hub_authorize()), it publishes project events
 * (ts_hub_publish()), and it takes a removed member's sockets off a
 * project's channels (ts_hub_evict_user()).
 *
 * The WebSockets themselves are served by a few threads of the hub's own,
 * each with its own main context (see ts-hub.c); the functions here are
 * called from the thread of the SoupServer it is attached to.
 */

/* The largest body of the HTTP API: a batch of ten events of up to 10 KB
 * of data each, escaped, with their channels. */
#define TS_HUB_MAX_HTTP_BODY (256 * 1024)

#define TS_TYPE_HUB (ts_hub_get_type ())

G_DECLARE_FINAL_TYPE (TsHub, ts_hub, TS, HUB, GObject)

TsHub      *ts_hub_new                (const char  *app_id,
                                       const char  *key,
                                       const char  *secret);

const char *ts_hub_get_app_id         (TsHub       *self);
const char *ts_hub_get_key            (TsHub       *self);

void        ts_hub_attach             (TsHub       *self,
                                       SoupServer  *server);
gboolean    ts_hub_listen             (TsHub       *self,
                                       SoupServer  *server,
                                       GSocket     *listener,
                                       const TsFrontDoorPolicy *policy,
                                       GError     **error);
void        ts_hub_stop_listening     (TsHub       *self);

char       *ts_hub_authorize          (TsHub       *self,
                                       const char  *socket_id,
                                       const char  *channel,
                                       const char  *user_id,
                                       const char  *channel_data);

void        ts_hub_publish            (TsHub       *self,
                                       const char  *channel,
                                       const char  *event,
                                       const char  *data,
                                       const char  *exclude_socket_id);

void        ts_hub_evict_user         (TsHub       *self,
                                       const char  *channel,
                                       const char  *user_id);

void        ts_hub_close_all          (TsHub       *self,
                                       gushort      code,
                                       const char  *reason);

guint       ts_hub_get_n_connections  (TsHub       *self);

void        ts_hub_set_timeouts       (TsHub       *self,
                                       guint        activity_timeout_ms,
                                       guint        pong_timeout_ms);

G_END_DECLS
