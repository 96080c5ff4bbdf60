/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The pure parts of the Pusher protocol (docs: doc/pusher-protocol.md): channel
 * names, channel and HTTP API signatures, presence channel data and socket
 * ids. No I/O and no state, so both the hub and the client of an external
 * service use them and the tests check them against the documented vectors.
 */

#define TS_PUSHER_ERROR (ts_pusher_error_quark ())

/**
 * TsPusherError:
 * @TS_PUSHER_ERROR_MALFORMED: a request, a frame or a URL is not what the
 *   protocol says (HTTP 400)
 * @TS_PUSHER_ERROR_UNAUTHORIZED: a signature, key, timestamp or body digest
 *   does not check out (HTTP 401)
 * @TS_PUSHER_ERROR_REFUSED: an external service refused a request for good:
 *   sending it again would not help (a 4xx answer)
 * @TS_PUSHER_ERROR_UNAVAILABLE: an external service could not take a
 *   request now (5xx, 408, 429, or an answer that is not HTTP at all):
 *   try again later
 *
 * The errors of the realtime side. Network failures of the external client
 * are reported in their own domains (G_IO_ERROR, G_RESOLVER_ERROR…), which
 * the caller treats like %TS_PUSHER_ERROR_UNAVAILABLE.
 */
typedef enum {
  TS_PUSHER_ERROR_MALFORMED,
  TS_PUSHER_ERROR_UNAUTHORIZED,
  TS_PUSHER_ERROR_REFUSED,
  TS_PUSHER_ERROR_UNAVAILABLE,
} TsPusherError;

GQuark ts_pusher_error_quark (void);

/* Limits of the protocol (doc/pusher-protocol.md §4, §10.4). */
#define TS_PUSHER_CHANNEL_NAME_MAX    164
#define TS_PUSHER_EVENT_NAME_MAX      200
#define TS_PUSHER_DATA_MAX            10240
#define TS_PUSHER_CHANNELS_MAX        100
#define TS_PUSHER_BATCH_MAX           10
#define TS_PUSHER_PRESENCE_MEMBERS_MAX 100
#define TS_PUSHER_USER_ID_MAX         128
#define TS_PUSHER_TIMESTAMP_WINDOW    600
/* "4294967295.4294967295" and its nul. */
#define TS_PUSHER_SOCKET_ID_SIZE      22

/**
 * TsPusherChannelType:
 * @TS_PUSHER_CHANNEL_INVALID: not a channel name a client may use
 * @TS_PUSHER_CHANNEL_PUBLIC: anyone may subscribe
 * @TS_PUSHER_CHANNEL_PRIVATE: `private-…` (and `private-encrypted-…`):
 *   subscribing takes a signature
 * @TS_PUSHER_CHANNEL_PRESENCE: `presence-…`: a signature over the member's
 *   channel data, and the hub keeps the member list
 */
typedef enum {
  TS_PUSHER_CHANNEL_INVALID,
  TS_PUSHER_CHANNEL_PUBLIC,
  TS_PUSHER_CHANNEL_PRIVATE,
  TS_PUSHER_CHANNEL_PRESENCE,
} TsPusherChannelType;

gboolean            ts_pusher_channel_name_is_valid (const char  *name);
TsPusherChannelType ts_pusher_channel_get_type      (const char  *name);

gboolean            ts_pusher_secure_equal          (const char  *a,
                                                     const char  *b);
char               *ts_pusher_hmac_hex              (const char  *secret,
                                                     const char  *data,
                                                     gssize       length);
char               *ts_pusher_md5_hex               (const char  *data,
                                                     gsize        length);

char               *ts_pusher_channel_auth          (const char  *key,
                                                     const char  *secret,
                                                     const char  *socket_id,
                                                     const char  *channel,
                                                     const char  *channel_data);
gboolean            ts_pusher_channel_auth_verify   (const char  *key,
                                                     const char  *secret,
                                                     const char  *socket_id,
                                                     const char  *channel,
                                                     const char  *channel_data,
                                                     const char  *auth);
char               *ts_pusher_user_auth             (const char  *key,
                                                     const char  *secret,
                                                     const char  *socket_id,
                                                     const char  *user_data);

gboolean            ts_pusher_parse_channel_data    (const char  *channel_data,
                                                     char       **out_user_id,
                                                     JsonNode   **out_user_info,
                                                     GError     **error);

void                ts_pusher_socket_id_generate    (char         out[TS_PUSHER_SOCKET_ID_SIZE]);
gboolean            ts_pusher_socket_id_is_valid    (const char  *socket_id);

/* The HTTP API's request signature (doc/pusher-protocol.md §10.2). */
GHashTable         *ts_pusher_query_parse           (const char  *query,
                                                     GError     **error);
char               *ts_pusher_http_string_to_sign   (const char  *method,
                                                     const char  *path,
                                                     GHashTable  *params);
char               *ts_pusher_http_sign_query       (const char  *key,
                                                     const char  *secret,
                                                     const char  *method,
                                                     const char  *path,
                                                     GHashTable  *params,
                                                     const char  *body,
                                                     gsize        body_length,
                                                     gint64       timestamp);
gboolean            ts_pusher_http_verify           (const char  *key,
                                                     const char  *secret,
                                                     const char  *method,
                                                     const char  *path,
                                                     GHashTable  *params,
                                                     const char  *body,
                                                     gsize        body_length,
                                                     gint64       now,
                                                     GError     **error);

G_END_DECLS
