/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * TsPusherClient: publishes to an external Pusher-compatible service
 * (Pusher Channels, soketi, Laravel Reverb, or another truestory-server's
 * hub) through its HTTP API, signed as the Pusher server libraries sign.
 *
 * It never retries by itself: a trigger either succeeds or fails with an
 * error that says whether trying again can help, and the caller, which
 * owns the queue of changes to publish, decides. Triggers run
 * concurrently; a caller that needs the service to see events in order
 * starts the next one from the previous one's callback.
 */

#define TS_TYPE_PUSHER_CLIENT (ts_pusher_client_get_type ())

G_DECLARE_FINAL_TYPE (TsPusherClient, ts_pusher_client, TS, PUSHER_CLIENT, GObject)

TsPusherClient *ts_pusher_client_new            (const char           *url,
                                                 GError              **error);

const char     *ts_pusher_client_get_app_id     (TsPusherClient       *self);
const char     *ts_pusher_client_get_key        (TsPusherClient       *self);
const char     *ts_pusher_client_get_secret     (TsPusherClient       *self);
const char     *ts_pusher_client_get_host       (TsPusherClient       *self);
guint           ts_pusher_client_get_port       (TsPusherClient       *self);
gboolean        ts_pusher_client_get_tls        (TsPusherClient       *self);

void            ts_pusher_client_trigger_async  (TsPusherClient       *self,
                                                 const char           *channel,
                                                 const char           *event,
                                                 const char           *data,
                                                 const char           *exclude_socket_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        ts_pusher_client_trigger_finish (TsPusherClient       *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
