/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ts-api-client.h"

G_BEGIN_DECLS

/**
 * TsRealtimeState:
 * @TS_REALTIME_STATE_OFFLINE: stopped, or the network monitor says there
 *   is no network; nothing is tried until it comes back
 * @TS_REALTIME_STATE_CONNECTING: a connection is being made
 * @TS_REALTIME_STATE_CONNECTED: `pusher:connection_established` arrived;
 *   the socket id is known
 * @TS_REALTIME_STATE_UNAVAILABLE: the last try failed and the next one
 *   waits for its backoff
 *
 * Where a #TsRealtimeClient is on its way to a connection.
 */
typedef enum {
  TS_REALTIME_STATE_OFFLINE,
  TS_REALTIME_STATE_CONNECTING,
  TS_REALTIME_STATE_CONNECTED,
  TS_REALTIME_STATE_UNAVAILABLE,
} TsRealtimeState;

#define TS_TYPE_REALTIME_STATE (ts_realtime_state_get_type ())

GType ts_realtime_state_get_type (void) G_GNUC_CONST;

/**
 * TsRealtimeMember:
 * @user_id: the member's user id, the decimal string Pusher uses
 * @name: (nullable): the name from the member's `user_info`
 *
 * Someone on a presence channel.
 */
typedef struct {
  char *user_id;
  char *name;
} TsRealtimeMember;

#define TS_TYPE_REALTIME_MEMBER (ts_realtime_member_get_type ())

GType             ts_realtime_member_get_type (void) G_GNUC_CONST;
TsRealtimeMember *ts_realtime_member_copy     (const TsRealtimeMember *self);
void              ts_realtime_member_free     (TsRealtimeMember       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsRealtimeMember, ts_realtime_member_free)

#define TS_TYPE_REALTIME_CLIENT (ts_realtime_client_get_type ())

G_DECLARE_FINAL_TYPE (TsRealtimeClient, ts_realtime_client, TS, REALTIME_CLIENT, GObject)

TsRealtimeClient *ts_realtime_client_new               (TsApiClient      *api);

void              ts_realtime_client_start             (TsRealtimeClient *self);
void              ts_realtime_client_stop              (TsRealtimeClient *self);
void              ts_realtime_client_reconnect_now     (TsRealtimeClient *self);

void              ts_realtime_client_subscribe         (TsRealtimeClient *self,
                                                        const char       *channel);
void              ts_realtime_client_unsubscribe       (TsRealtimeClient *self,
                                                        const char       *channel);
gboolean          ts_realtime_client_is_subscribed     (TsRealtimeClient *self,
                                                        const char       *channel);
GPtrArray        *ts_realtime_client_get_members       (TsRealtimeClient *self,
                                                        const char       *channel);

TsApiClient      *ts_realtime_client_get_api           (TsRealtimeClient *self);
TsRealtimeState   ts_realtime_client_get_state         (TsRealtimeClient *self);
const char       *ts_realtime_client_get_key           (TsRealtimeClient *self);
const char       *ts_realtime_client_get_socket_id     (TsRealtimeClient *self);

/* Knobs for tests; the defaults are doc/api.md's and Pusher's. */
void              ts_realtime_client_set_backoff_limits (TsRealtimeClient *self,
                                                         guint             min_ms,
                                                         guint             max_ms);
void              ts_realtime_client_set_timeouts      (TsRealtimeClient *self,
                                                        guint             activity_timeout_ms,
                                                        guint             pong_timeout_ms);

G_END_DECLS
