/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "ts-hub.h"
#include "ts-publisher.h"
#include "ts-store.h"

G_BEGIN_DECLS

/* doc/api.md: request bodies are at most 1 MiB, unless an endpoint names a
 * larger limit of its own (ts_server_body_limit()). */
#define TS_SERVER_MAX_BODY (1024 * 1024)
/* A Tracker CSV import's own limit (doc/api.md). */
#define TS_SERVER_MAX_IMPORT_BODY (32 * 1024 * 1024)

/* The connection timeouts' defaults, in seconds. A connection's first
 * request head is never waited for longer than TS_SERVER_MAX_HEAD_TIMEOUT_S,
 * whatever is configured. */
#define TS_SERVER_HEAD_TIMEOUT_S 10
#define TS_SERVER_MAX_HEAD_TIMEOUT_S 30
#define TS_SERVER_IDLE_TIMEOUT_S 60
#define TS_SERVER_BODY_TIMEOUT_S 10

/**
 * TsServerTimeouts:
 * @head_s: a new connection with no complete request head this long after
 *   it was made is closed (at most TS_SERVER_MAX_HEAD_TIMEOUT_S)
 * @idle_s: a kept-alive connection with no complete request head this long
 *   after its last answer is closed
 * @body_s: a request body that makes no progress for this long is cut
 *   off, and its connection closed
 */
typedef struct {
  guint head_s;
  guint idle_s;
  guint body_s;
} TsServerTimeouts;

/**
 * TsRealtimeEndpoint:
 * @key: the Pusher app key clients connect with
 * @ws_host: (nullable): the host clients connect to; %NULL for the host
 *   the client reached the API on
 * @ws_port: the port, or 0 for the API's
 * @ws_path: a path prefix, "" for none
 * @tls: whether clients use `wss://`
 *
 * What `GET /api/v1/realtime` tells clients.
 */
typedef struct {
  char *key;
  char *ws_host;
  guint ws_port;
  char *ws_path;
  gboolean tls;
} TsRealtimeEndpoint;

#define TS_TYPE_SERVER (ts_server_get_type ())

G_DECLARE_FINAL_TYPE (TsServer, ts_server, TS, SERVER, GObject)

TsServer   *ts_server_new                  (TsStore            *store,
                                            TsHub              *hub,
                                            TsPublisher        *publisher);
void        ts_server_set_realtime         (TsServer           *self,
                                            const TsRealtimeEndpoint *endpoint,
                                            const char         *secret);
void        ts_server_set_timeouts         (TsServer           *self,
                                            const TsServerTimeouts *timeouts);
gboolean    ts_server_set_trusted_proxies  (TsServer           *self,
                                            const char * const *proxies,
                                            GError            **error);
SoupServer *ts_server_get_soup_server      (TsServer           *self);
gboolean    ts_server_listen               (TsServer           *self,
                                            GInetSocketAddress *address,
                                            GError            **error);
guint16     ts_server_get_port             (TsServer           *self);
void        ts_server_stop                 (TsServer           *self);

gint64      ts_server_body_limit           (const char         *method,
                                            const char         *path);

G_END_DECLS
