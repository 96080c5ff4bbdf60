/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-realtime-client"

/* The Pusher Channels (protocol 7) client of the sync engine. It asks the
 * API where to connect, keeps one WebSocket open for as long as it runs,
 * authorizes private and presence channels through the REST API and hands
 * out their events.
 *
 * One connection at a time is an "attempt": the GET of the connection
 * parameters when they are not known, the WebSocket handshake, and the
 * connection itself. Everything started for an attempt (requests, the
 * WebSocket, channel authorizations) shares one cancellable, so ending an
 * attempt ends all of it, and a late answer can never reach a newer
 * connection. Each failure is sorted into one of doc/api.md's classes, which
 * decides the wait before the next attempt; nothing ever stops retrying
 * but ts_realtime_client_stop().
 *
 * Timers: one "liveness" timer (the handshake deadline while connecting,
 * then the activity check and the pong deadline), and the retry timer.
 * Frames only record when they arrived. */

#include "ts-realtime-client.h"

#include <string.h>

#include "ts-json.h"

#define DEFAULT_MIN_BACKOFF_MS 1000
#define DEFAULT_MAX_BACKOFF_MS 60000
/* doc/api.md: wrong parameters back off up to 5 minutes, five times the
 * network limit; tests that shorten one shorten both. */
#define PARAMETERS_BACKOFF_FACTOR 5
/* Pusher's recommended client defaults. */
#define DEFAULT_ACTIVITY_TIMEOUT_MS 120000
#define DEFAULT_PONG_TIMEOUT_MS 30000

#define PING_MESSAGE "{\"event\":\"pusher:ping\",\"data\":{}}"
#define PONG_MESSAGE "{\"event\":\"pusher:pong\",\"data\":{}}"

/* What a failure means for the next attempt (doc/api.md, Client reconnection). */
typedef enum {
  FAILURE_RETRY,       /* 4200–4299, a missed pong: again at once */
  FAILURE_NETWORK,     /* 4100–4199, the network, the handshake: back off */
  FAILURE_PARAMETERS,  /* 4000–4099, 4300+: read the parameters again, back off longer */
} Failure;

typedef enum {
  CHANNEL_IDLE,         /* remembered, waiting for a connection */
  CHANNEL_AUTHORIZING,  /* asking the REST API for a signature */
  CHANNEL_PENDING,      /* pusher:subscribe sent */
  CHANNEL_SUBSCRIBED,
  CHANNEL_REFUSED,      /* tried again on the next connection */
} ChannelState;

typedef struct {
  char *name;
  ChannelState state;
  /* The authorization request whose answer counts; any other is stale. */
  guint serial;
  GPtrArray *members;  /* TsRealtimeMember*, presence channels only */
} Channel;

typedef struct {
  TsRealtimeClient *self;  /* not a reference: the request is cancelled in dispose */
  char *channel;
  guint serial;
} AuthRequest;

struct _TsRealtimeClient
{
  GObject parent_instance;

  TsApiClient *api;
  GNetworkMonitor *monitor;
  gboolean monitor_is_system_default;
  GCancellable *cancellable;  /* the client's own lifetime */
  GDBusConnection *system_bus;
  guint sleep_subscription;
  gulong network_changed_id;
  gulong token_notify_id;

  gboolean running;
  TsRealtimeState state;
  char *socket_id;
  TsRealtimeInfo *info;   /* NULL: read GET /realtime before the next attempt */
  GHashTable *channels;   /* name → Channel* */
  guint next_serial;

  /* The current attempt. */
  GCancellable *attempt;
  SoupWebsocketConnection *connection;
  gboolean established;
  gint pusher_error_code;  /* from the last pusher:error, -1 for none */
  gint64 last_received;    /* monotonic µs */
  gint64 ping_sent_at;     /* monotonic µs, 0 when no ping is out */
  guint activity_ms;       /* for this connection */
  guint liveness_id;

  guint retry_id;
  guint failures;          /* in a row, for the backoff */
  guint min_backoff_ms;
  guint max_backoff_ms;
  guint activity_limit_ms;
  guint pong_timeout_ms;
};

G_DEFINE_FINAL_TYPE (TsRealtimeClient, ts_realtime_client, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TsRealtimeState, ts_realtime_state,
  G_DEFINE_ENUM_VALUE (TS_REALTIME_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (TS_REALTIME_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (TS_REALTIME_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (TS_REALTIME_STATE_UNAVAILABLE, "unavailable"))

enum {
  PROP_0,
  PROP_API,
  PROP_NETWORK_MONITOR,
  PROP_STATE,
  PROP_SOCKET_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_EVENT,
  SIGNAL_SUBSCRIBED,
  SIGNAL_SUBSCRIPTION_ERROR,
  SIGNAL_MEMBERS_CHANGED,
  SIGNAL_UNAUTHORIZED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_now (TsRealtimeClient *self);
static void fail        (TsRealtimeClient *self,
                         Failure           failure,
                         const char       *why);

/* TsRealtimeMember */

static TsRealtimeMember *
member_new (const char *user_id,
            const char *name)
{
  TsRealtimeMember *member = g_new0 (TsRealtimeMember, 1);

  member->user_id = g_strdup (user_id);
  member->name = g_strdup (name);
  return member;
}

TsRealtimeMember *
ts_realtime_member_copy (const TsRealtimeMember *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return member_new (self->user_id, self->name);
}

void
ts_realtime_member_free (TsRealtimeMember *self)
{
  if (self == NULL)
    return;
  g_free (self->user_id);
  g_free (self->name);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (TsRealtimeMember, ts_realtime_member,
                     ts_realtime_member_copy, ts_realtime_member_free)

/* Channels */

static gboolean
needs_auth (const char *name)
{
  return g_str_has_prefix (name, "private-") || g_str_has_prefix (name, "presence-");
}

static gboolean
is_presence (const char *name)
{
  return g_str_has_prefix (name, "presence-");
}

static void
channel_free (Channel *channel)
{
  g_free (channel->name);
  g_clear_pointer (&channel->members, g_ptr_array_unref);
  g_free (channel);
}

static void
auth_request_free (AuthRequest *request)
{
  g_free (request->channel);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AuthRequest, auth_request_free)

/* State and socket id */

static void
set_state (TsRealtimeClient *self,
           TsRealtimeState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* The API client carries the socket id too, so that our own changes do
 * not come back to us as events. */
static void
set_socket_id (TsRealtimeClient *self,
               const char       *socket_id)
{
  if (g_strcmp0 (self->socket_id, socket_id) == 0)
    return;
  g_free (self->socket_id);
  self->socket_id = g_strdup (socket_id);
  ts_api_client_set_socket_id (self->api, socket_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOCKET_ID]);
}

/* Sending */

static void
send_text (TsRealtimeClient *self,
           const char       *text)
{
  if (self->connection != NULL &&
      soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->connection, text);
}

static void
send_event (TsRealtimeClient *self,
            const char       *event,
            JsonObject       *data)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) message = json_object_new ();
  g_autofree char *text = NULL;

  json_object_set_string_member (message, "event", event);
  json_object_set_object_member (message, "data", json_object_ref (data));
  json_node_set_object (node, message);
  text = ts_json_to_string (node);
  send_text (self, text);
}

static void
send_subscribe (TsRealtimeClient *self,
                Channel          *channel,
                const char       *auth,
                const char       *channel_data)
{
  g_autoptr(JsonObject) data = json_object_new ();

  json_object_set_string_member (data, "channel", channel->name);
  /* pusher-js sends an empty auth for public channels; servers expect it. */
  json_object_set_string_member (data, "auth", auth != NULL ? auth : "");
  if (channel_data != NULL)
    json_object_set_string_member (data, "channel_data", channel_data);
  send_event (self, "pusher:subscribe", data);
  channel->state = CHANNEL_PENDING;
}

static void
send_unsubscribe (TsRealtimeClient *self,
                  const char       *name)
{
  g_autoptr(JsonObject) data = json_object_new ();

  json_object_set_string_member (data, "channel", name);
  send_event (self, "pusher:unsubscribe", data);
}

/* Liveness: one timer, re-armed only when it fires. */

static gboolean liveness_cb (gpointer user_data);

static void
arm_liveness (TsRealtimeClient *self,
              guint             ms)
{
  g_clear_handle_id (&self->liveness_id, g_source_remove);
  self->liveness_id = g_timeout_add (ms, liveness_cb, self);
}

static void
send_ping (TsRealtimeClient *self)
{
  send_text (self, PING_MESSAGE);
  self->ping_sent_at = g_get_monotonic_time ();
  arm_liveness (self, self->pong_timeout_ms);
}

static gboolean
liveness_cb (gpointer user_data)
{
  TsRealtimeClient *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 idle_ms;

  self->liveness_id = 0;

  if (!self->established)
    {
      fail (self, FAILURE_NETWORK, "no connection within the handshake deadline");
      return G_SOURCE_REMOVE;
    }

  /* Any frame after the ping proves the connection alive, as in pusher-js;
   * a connection silent since is dead, and a new one is made at once. */
  if (self->ping_sent_at != 0)
    {
      if (self->last_received < self->ping_sent_at)
        {
          fail (self, FAILURE_RETRY, "no pong within the pong timeout");
          return G_SOURCE_REMOVE;
        }
      self->ping_sent_at = 0;
    }

  idle_ms = (now - self->last_received) / 1000;
  if (idle_ms >= self->activity_ms)
    send_ping (self);
  else
    arm_liveness (self, self->activity_ms - (guint) idle_ms);
  return G_SOURCE_REMOVE;
}

/* Ending a connection */

static void
drop_closed_connection (SoupWebsocketConnection *connection,
                        gpointer                 user_data)
{
  g_object_unref (connection);
}

static gboolean
unref_idle_cb (gpointer user_data)
{
  g_object_unref (user_data);
  return G_SOURCE_REMOVE;
}

/* Hands @connection over to its closing handshake, which drops the last
 * reference when it ends. The unref of a closed one waits for an idle,
 * since this may run inside its own "closed" signal. */
static void
close_connection (TsRealtimeClient        *self,
                  SoupWebsocketConnection *connection)
{
  g_signal_handlers_disconnect_by_data (connection, self);
  switch (soup_websocket_connection_get_state (connection))
    {
    case SOUP_WEBSOCKET_STATE_OPEN:
      g_signal_connect (connection, "closed", G_CALLBACK (drop_closed_connection), NULL);
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      break;
    case SOUP_WEBSOCKET_STATE_CLOSING:
      g_signal_connect (connection, "closed", G_CALLBACK (drop_closed_connection), NULL);
      break;
    case SOUP_WEBSOCKET_STATE_CLOSED:
    default:
      g_idle_add (unref_idle_cb, connection);
      break;
    }
}

/* Ends the current attempt, whatever it had reached, without telling
 * anyone: callers set the state and the socket id. */
static void
end_attempt (TsRealtimeClient *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->attempt != NULL)
    {
      g_cancellable_cancel (self->attempt);
      g_clear_object (&self->attempt);
    }
  g_clear_handle_id (&self->liveness_id, g_source_remove);
  if (self->connection != NULL)
    close_connection (self, g_steal_pointer (&self->connection));
  self->established = FALSE;
  self->ping_sent_at = 0;
  self->pusher_error_code = -1;

  /* Presence members stay as last known until the next subscription
   * replaces them; the state tells that they may be stale. */
  g_hash_table_iter_init (&iter, self->channels);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Channel *) value)->state = CHANNEL_IDLE;
}

/* Backoff */

/* The wait before the next attempt: doubling per failure from the
 * minimum to the limit, drawn from the upper half of that so that
 * clients that lost a server together do not come back together. */
static guint
backoff_delay (TsRealtimeClient *self,
               Failure           failure)
{
  guint limit = self->max_backoff_ms;
  guint base = self->min_backoff_ms;
  guint low;

  if (failure == FAILURE_PARAMETERS)
    limit = MIN ((guint64) limit * PARAMETERS_BACKOFF_FACTOR, G_MAXINT);
  limit = MAX (limit, base);
  for (guint i = 0; i < self->failures && base < limit; i++)
    base = MIN ((guint64) base * 2, limit);
  self->failures++;

  low = MAX (self->min_backoff_ms, base / 2);
  if (low >= base)
    return base;
  return (guint) g_random_int_range ((gint32) low, (gint32) base + 1);
}

static gboolean
retry_cb (gpointer user_data)
{
  TsRealtimeClient *self = user_data;

  self->retry_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static const char *
failure_name (Failure failure)
{
  switch (failure)
    {
    case FAILURE_RETRY:
      return "retrying at once";
    case FAILURE_NETWORK:
      return "backing off";
    case FAILURE_PARAMETERS:
    default:
      return "reading the parameters again";
    }
}

/* Ends the attempt and schedules the next. */
static void
fail (TsRealtimeClient *self,
      Failure           failure,
      const char       *why)
{
  guint delay = 0;

  /* A server that closes every new connection at once with a 42xx code
   * must not make us spin. */
  if (failure == FAILURE_RETRY && !self->established)
    failure = FAILURE_NETWORK;

  g_object_freeze_notify (G_OBJECT (self));
  end_attempt (self);
  set_socket_id (self, NULL);
  if (failure == FAILURE_PARAMETERS)
    g_clear_pointer (&self->info, ts_realtime_info_free);
  if (failure != FAILURE_RETRY)
    delay = backoff_delay (self, failure);
  g_debug ("connection lost: %s; %s in %u ms", why, failure_name (failure), delay);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->running)
    {
      self->retry_id = g_timeout_add (delay, retry_cb, self);
      set_state (self, delay == 0 ? TS_REALTIME_STATE_CONNECTING : TS_REALTIME_STATE_UNAVAILABLE);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* doc/api.md's classes for a close code. A close without a Pusher code takes
 * the code of a pusher:error that came before it, as pusher-js does in
 * the handshake. */
static Failure
failure_for_close (gint code)
{
  if (code >= 4200 && code <= 4299)
    return FAILURE_RETRY;
  if ((code >= 4000 && code <= 4099) || code >= 4300)
    return FAILURE_PARAMETERS;
  return FAILURE_NETWORK;
}

/* Channel authorization */

static guint
status_for_error (const GError *error)
{
  if (error->domain != TS_SYNC_ERROR)
    return 0;
  switch (error->code)
    {
    case TS_SYNC_ERROR_UNAUTHORIZED:
      return 401;
    case TS_SYNC_ERROR_FORBIDDEN:
      return 403;
    case TS_SYNC_ERROR_NOT_FOUND:
      return 404;
    case TS_SYNC_ERROR_CONFLICT:
      return 409;
    case TS_SYNC_ERROR_GONE:
      return 410;
    case TS_SYNC_ERROR_INVALID:
      return 422;
    case TS_SYNC_ERROR_TOO_LARGE:
      return 413;
    default:
      return 0;
    }
}

/* Errors that say nothing about the channel: the API could not be asked. */
static gboolean
is_transient (const GError *error)
{
  return !g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED) &&
         status_for_error (error) == 0;
}

static void
authorize_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AuthRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *channel_data = NULL;
  g_autofree char *auth = NULL;
  TsRealtimeClient *self;
  Channel *channel;

  auth = ts_api_client_authorize_channel_finish (TS_API_CLIENT (source), result,
                                                 &channel_data, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = request->self;
  channel = g_hash_table_lookup (self->channels, request->channel);
  if (channel == NULL || channel->serial != request->serial || !self->established)
    return;

  if (error == NULL)
    {
      send_subscribe (self, channel, auth, channel_data);
      return;
    }

  /* The channel would stay unsubscribed with nobody to retry it: a new
   * connection authorizes every channel again, and catching up on
   * "subscribed" repairs what was missed meanwhile. */
  if (is_transient (error))
    {
      g_autofree char *why = g_strdup_printf ("cannot authorize %s: %s",
                                              channel->name, error->message);

      fail (self, FAILURE_NETWORK, why);
      return;
    }

  g_debug ("%s refused: %s", channel->name, error->message);
  channel->state = CHANNEL_REFUSED;
  g_signal_emit (self, signals[SIGNAL_SUBSCRIPTION_ERROR], 0,
                 request->channel, (int) status_for_error (error), error->message);
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED))
    g_signal_emit (self, signals[SIGNAL_UNAUTHORIZED], 0);
}

static void
channel_subscribe (TsRealtimeClient *self,
                   Channel          *channel)
{
  AuthRequest *request;

  channel->serial = ++self->next_serial;
  if (!needs_auth (channel->name))
    {
      send_subscribe (self, channel, NULL, NULL);
      return;
    }

  channel->state = CHANNEL_AUTHORIZING;
  request = g_new0 (AuthRequest, 1);
  request->self = self;
  request->channel = g_strdup (channel->name);
  request->serial = channel->serial;
  ts_api_client_authorize_channel_async (self->api, self->socket_id, channel->name,
                                         self->attempt, authorize_cb, request);
}

static void
subscribe_all (TsRealtimeClient *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->channels);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    channel_subscribe (self, value);
}

/* Frames */

/* `data` as the text the protocol meant: channel events carry a string,
 * which is handed out as it came; anything else is written back out. */
static char *
data_text (JsonObject *message)
{
  JsonNode *data = json_object_get_member (message, "data");

  if (data == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (data) && json_node_get_value_type (data) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (data));
  return ts_json_to_string (data);
}

/* The object inside `data`, double-encoded or not. */
static JsonObject *
data_object (JsonObject *message)
{
  JsonNode *data = json_object_get_member (message, "data");
  const char *text;

  if (data == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (data))
    return json_object_ref (json_node_get_object (data));
  if (!JSON_NODE_HOLDS_VALUE (data) || json_node_get_value_type (data) != G_TYPE_STRING)
    return NULL;
  text = json_node_get_string (data);
  return ts_json_parse_object (text, -1, NULL);
}

static const char *
object_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
object_int (JsonObject *object,
            const char *member,
            gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

/* Pusher user ids are strings, but the protocol's own examples use
 * numbers. */
static char *
user_id_text (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static const char *
user_info_name (JsonNode *info)
{
  return info != NULL && JSON_NODE_HOLDS_OBJECT (info)
         ? object_string (json_node_get_object (info), "name") : NULL;
}

static void
handle_established (TsRealtimeClient *self,
                    JsonObject       *message)
{
  g_autoptr(JsonObject) data = data_object (message);
  const char *socket_id = object_string (data, "socket_id");
  gint64 activity = object_int (data, "activity_timeout", 0);

  if (socket_id == NULL || *socket_id == '\0')
    {
      fail (self, FAILURE_NETWORK, "connection_established without a socket_id");
      return;
    }

  /* pusher-js refuses a handshake without activity_timeout; a missing one
   * costs nothing here, so Pusher's default stands in. */
  self->activity_ms = self->activity_limit_ms;
  if (activity > 0 && activity * 1000 < self->activity_ms)
    self->activity_ms = (guint) activity * 1000;

  self->established = TRUE;
  self->failures = 0;
  arm_liveness (self, self->activity_ms);

  g_object_freeze_notify (G_OBJECT (self));
  set_socket_id (self, socket_id);
  set_state (self, TS_REALTIME_STATE_CONNECTED);
  g_object_thaw_notify (G_OBJECT (self));

  if (self->established)
    subscribe_all (self);
}

static void
handle_pusher_error (TsRealtimeClient *self,
                     JsonObject       *message)
{
  g_autoptr(JsonObject) data = data_object (message);
  const char *text = object_string (data, "message");
  gint64 code = object_int (data, "code", -1);

  /* Transient ones are expected; the others mean we sent something the
   * server refuses, or are misconfigured, which someone must look at. */
  if (code >= 4100 && code <= 4299)
    g_debug ("pusher:error %" G_GINT64_FORMAT ": %s", code, text != NULL ? text : "");
  else
    g_warning ("pusher:error %" G_GINT64_FORMAT ": %s", code, text != NULL ? text : "");
  if (code >= 4000 && code <= G_MAXUINT16)
    self->pusher_error_code = (gint) code;
}

static void
read_presence (Channel    *channel,
               JsonObject *message)
{
  g_autoptr(JsonObject) data = data_object (message);
  JsonObject *presence = NULL;
  JsonArray *ids = NULL;
  JsonObject *hash = NULL;
  JsonNode *node;

  if (data != NULL && (node = json_object_get_member (data, "presence")) != NULL &&
      JSON_NODE_HOLDS_OBJECT (node))
    presence = json_node_get_object (node);
  if (presence != NULL && (node = json_object_get_member (presence, "ids")) != NULL &&
      JSON_NODE_HOLDS_ARRAY (node))
    ids = json_node_get_array (node);
  if (presence != NULL && (node = json_object_get_member (presence, "hash")) != NULL &&
      JSON_NODE_HOLDS_OBJECT (node))
    hash = json_node_get_object (node);

  g_ptr_array_set_size (channel->members, 0);
  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      g_autofree char *user_id = user_id_text (json_array_get_element (ids, i));
      JsonNode *info;

      if (user_id == NULL)
        continue;
      info = hash != NULL ? json_object_get_member (hash, user_id) : NULL;
      g_ptr_array_add (channel->members, member_new (user_id, user_info_name (info)));
    }
}

static void
handle_subscription_succeeded (TsRealtimeClient *self,
                               Channel          *channel,
                               JsonObject       *message)
{
  g_autofree char *name = g_strdup (channel->name);

  channel->state = CHANNEL_SUBSCRIBED;
  if (channel->members != NULL)
    {
      read_presence (channel, message);
      g_signal_emit (self, signals[SIGNAL_MEMBERS_CHANGED], 0, name);
    }
  g_signal_emit (self, signals[SIGNAL_SUBSCRIBED], 0, name);
}

static void
handle_subscription_error (TsRealtimeClient *self,
                           Channel          *channel,
                           JsonObject       *message)
{
  g_autoptr(JsonObject) data = data_object (message);
  g_autofree char *name = g_strdup (channel->name);
  const char *text = object_string (data, "error");
  gint64 status = object_int (data, "status", 0);
  gboolean had_members = channel->members != NULL && channel->members->len > 0;

  g_debug ("%s refused by the server: %" G_GINT64_FORMAT " %s",
           name, status, text != NULL ? text : "");
  channel->state = CHANNEL_REFUSED;
  if (had_members)
    {
      g_ptr_array_set_size (channel->members, 0);
      g_signal_emit (self, signals[SIGNAL_MEMBERS_CHANGED], 0, name);
    }
  g_signal_emit (self, signals[SIGNAL_SUBSCRIPTION_ERROR], 0, name,
                 (int) CLAMP (status, G_MININT, G_MAXINT), text != NULL ? text : "");
}

static guint
find_member (Channel    *channel,
             const char *user_id)
{
  for (guint i = 0; i < channel->members->len; i++)
    {
      TsRealtimeMember *member = g_ptr_array_index (channel->members, i);

      if (g_str_equal (member->user_id, user_id))
        return i;
    }
  return G_MAXUINT;
}

static void
handle_member (TsRealtimeClient *self,
               Channel          *channel,
               JsonObject       *message,
               gboolean          added)
{
  g_autoptr(JsonObject) data = data_object (message);
  g_autofree char *user_id = NULL;
  g_autofree char *name = g_strdup (channel->name);
  guint index;

  if (channel->members == NULL || data == NULL ||
      (user_id = user_id_text (json_object_get_member (data, "user_id"))) == NULL)
    {
      g_debug ("a member event without a user on %s", name);
      return;
    }

  index = find_member (channel, user_id);
  if (added && index == G_MAXUINT)
    g_ptr_array_add (channel->members,
                     member_new (user_id, user_info_name (json_object_get_member (data, "user_info"))));
  else if (!added && index != G_MAXUINT)
    g_ptr_array_remove_index (channel->members, index);
  else
    return;
  g_signal_emit (self, signals[SIGNAL_MEMBERS_CHANGED], 0, name);
}

static void
handle_channel_message (TsRealtimeClient *self,
                        const char       *event,
                        const char       *name,
                        JsonObject       *message)
{
  Channel *channel = name != NULL ? g_hash_table_lookup (self->channels, name) : NULL;

  /* Frames for a channel given up meanwhile are late, not wrong. */
  if (channel == NULL)
    {
      g_debug ("%s for %s, which is not subscribed", event, name != NULL ? name : "no channel");
      return;
    }

  if (g_str_equal (event, "pusher_internal:subscription_succeeded"))
    handle_subscription_succeeded (self, channel, message);
  else if (g_str_equal (event, "pusher:subscription_error"))
    handle_subscription_error (self, channel, message);
  else if (g_str_equal (event, "pusher_internal:member_added"))
    handle_member (self, channel, message, TRUE);
  else if (g_str_equal (event, "pusher_internal:member_removed"))
    handle_member (self, channel, message, FALSE);
  else if (g_str_has_prefix (event, "pusher:") || g_str_has_prefix (event, "pusher_internal:"))
    g_debug ("%s on %s ignored", event, name);
  else if (channel->state == CHANNEL_SUBSCRIBED)
    {
      g_autofree char *data = data_text (message);
      g_autofree char *channel_name = g_strdup (name);

      g_signal_emit (self, signals[SIGNAL_EVENT], 0, channel_name, event, data);
    }
}

static void
handle_message (TsRealtimeClient *self,
                JsonObject       *message)
{
  const char *event = object_string (message, "event");

  if (event == NULL)
    {
      g_debug ("a frame without an event");
      return;
    }

  if (g_str_equal (event, "pusher:ping"))
    send_text (self, PONG_MESSAGE);
  else if (g_str_equal (event, "pusher:pong"))
    ; /* Its arrival is all that counts. */
  else if (g_str_equal (event, "pusher:error"))
    handle_pusher_error (self, message);
  else if (g_str_equal (event, "pusher:connection_established"))
    {
      if (!self->established)
        handle_established (self, message);
    }
  else if (self->established)
    handle_channel_message (self, event, object_string (message, "channel"), message);
}

static void
message_cb (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *bytes,
            gpointer                 user_data)
{
  g_autoptr(TsRealtimeClient) self = g_object_ref (user_data);
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *text;

  self->last_received = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("a binary frame, which Pusher does not send, ignored");
      return;
    }

  text = g_bytes_get_data (bytes, &size);
  message = ts_json_parse_object (text, (gssize) size, &error);
  if (message == NULL)
    {
      g_debug ("a frame that is not a JSON object: %s", error->message);
      return;
    }
  handle_message (self, message);
}

static void
closed_cb (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  TsRealtimeClient *self = user_data;
  gint code = soup_websocket_connection_get_close_code (connection);
  const char *reason = soup_websocket_connection_get_close_data (connection);
  g_autofree char *why = NULL;

  /* A close without a code of Pusher's own takes that of the pusher:error
   * that came before it, as pusher-js does in the handshake. */
  if (code < 4000 && self->pusher_error_code >= 4000)
    code = self->pusher_error_code;
  why = g_strdup_printf ("closed with code %d (%s)", code, reason != NULL ? reason : "");
  fail (self, failure_for_close (code), why);
}

static void
error_cb (SoupWebsocketConnection *connection,
          GError                  *error,
          gpointer                 user_data)
{
  /* "closed" follows and decides. */
  g_debug ("WebSocket error: %s", error->message);
}

/* Connecting */

static char *
socket_url (const TsRealtimeInfo *info)
{
  g_autofree char *key = g_uri_escape_string (info->key, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("%s/app/%s", info->ws_path, key);

  return g_uri_join (G_URI_FLAGS_ENCODED_PATH, info->tls ? "wss" : "ws", NULL,
                     info->ws_host, (int) info->ws_port, path,
                     "protocol=7&client=truestory", NULL);
}

static void
websocket_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TsRealtimeClient *self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (connection == NULL)
    {
      fail (self, FAILURE_NETWORK, error->message);
      return;
    }

  /* The handshake deadline armed by connect_now() keeps running until
   * connection_established. */
  self->connection = connection;
  self->last_received = g_get_monotonic_time ();
  g_signal_connect (connection, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (closed_cb), self);
  g_signal_connect (connection, "error", G_CALLBACK (error_cb), self);
}

static void
open_socket (TsRealtimeClient *self)
{
  g_autofree char *url = socket_url (self->info);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);

  if (msg == NULL)
    {
      g_autofree char *why = g_strdup_printf ("“%s” is not a URL", url);

      g_warning ("the realtime parameters make no URL: %s", url);
      fail (self, FAILURE_PARAMETERS, why);
      return;
    }
  g_debug ("connecting to %s", url);
  soup_session_websocket_connect_async (ts_api_client_get_session (self->api), msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, self->attempt, websocket_cb, self);
}

static Failure
failure_for_realtime_error (const GError *error)
{
  if (error->domain == TS_SYNC_ERROR &&
      (error->code == TS_SYNC_ERROR_NETWORK || error->code == TS_SYNC_ERROR_SERVER ||
       error->code == TS_SYNC_ERROR_RATE_LIMITED))
    return FAILURE_NETWORK;
  return FAILURE_PARAMETERS;
}

static void
realtime_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TsRealtimeClient *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsRealtimeInfo) info = NULL;

  info = ts_api_client_get_realtime_finish (TS_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      g_autofree char *why = g_strdup_printf ("GET /api/v1/realtime: %s", error->message);
      g_autoptr(TsRealtimeClient) guard = g_object_ref (self);

      fail (self, failure_for_realtime_error (error), why);
      if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED))
        g_signal_emit (self, signals[SIGNAL_UNAUTHORIZED], 0);
      return;
    }
  if (g_strcmp0 (info->driver, "pusher") != 0)
    {
      g_autofree char *why = g_strdup_printf ("unknown realtime driver “%s”", info->driver);

      g_warning ("%s", why);
      fail (self, FAILURE_PARAMETERS, why);
      return;
    }

  ts_api_client_set_auth_endpoint (self->api, info->auth_endpoint);
  self->info = g_steal_pointer (&info);
  open_socket (self);
}

/* Starts an attempt now, ending any other. */
static void
connect_now (TsRealtimeClient *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_object_freeze_notify (G_OBJECT (self));
  end_attempt (self);
  set_socket_id (self, NULL);
  set_state (self, TS_REALTIME_STATE_CONNECTING);
  g_object_thaw_notify (G_OBJECT (self));

  self->attempt = g_cancellable_new ();
  /* The whole attempt, up to connection_established, has one deadline: a
   * server that takes the TCP connection and never answers (stopped, or
   * behind a broken proxy) must not hold us forever. */
  arm_liveness (self, self->pong_timeout_ms);
  if (self->info == NULL)
    ts_api_client_get_realtime_async (self->api, self->attempt, realtime_cb, self);
  else
    open_socket (self);
}

/* Going offline and back */

static void
go_offline (TsRealtimeClient *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_object_freeze_notify (G_OBJECT (self));
  end_attempt (self);
  set_socket_id (self, NULL);
  set_state (self, TS_REALTIME_STATE_OFFLINE);
  g_object_thaw_notify (G_OBJECT (self));
}

/* A server on this machine (the local backlog) is reachable whatever the
 * system's network monitor says: it reports no network on a machine
 * without a default route, which still has its loopback interface. A
 * monitor given at construction (tests) is taken at its word. */
static gboolean
server_is_on_this_machine (TsRealtimeClient *self)
{
  g_autoptr(GUri) uri = g_uri_parse (ts_api_client_get_base_url (self->api), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host == NULL || !self->monitor_is_system_default)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
network_is_available (TsRealtimeClient *self)
{
  return g_network_monitor_get_network_available (self->monitor) ||
         server_is_on_this_machine (self);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  TsRealtimeClient *self = user_data;

  if (!self->running)
    return;
  if (!available && !server_is_on_this_machine (self))
    {
      if (self->state != TS_REALTIME_STATE_OFFLINE)
        {
          g_debug ("the network is gone");
          go_offline (self);
        }
      return;
    }

  switch (self->state)
    {
    case TS_REALTIME_STATE_OFFLINE:
    case TS_REALTIME_STATE_UNAVAILABLE:
      g_debug ("the network is back: connecting now");
      self->failures = 0;
      connect_now (self);
      break;
    case TS_REALTIME_STATE_CONNECTED:
      /* "network-changed" also comes for a new route or interface, which
       * may or may not have broken the socket: a ping tells. */
      if (self->ping_sent_at == 0)
        send_ping (self);
      break;
    case TS_REALTIME_STATE_CONNECTING:
    default:
      break;
    }
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  TsRealtimeClient *self = user_data;
  gboolean sleeping;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &sleeping);
  if (sleeping)
    return;

  /* After a suspend the socket is almost surely dead, and waiting for the
   * activity timeout would leave the window stale for minutes. */
  g_debug ("the machine woke up: reconnecting");
  ts_realtime_client_reconnect_now (self);
}

static void
system_bus_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TsRealtimeClient *self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bus == NULL)
    {
      /* Containers and some test machines have no system bus. */
      g_debug ("no system bus, so no wake-up notice: %s", error->message);
      return;
    }

  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep_cb,
                                        self, NULL);
}

/* A new token after a 401 is the app having signed in again. */
static void
token_changed_cb (TsApiClient *api,
                  GParamSpec  *pspec,
                  gpointer     user_data)
{
  TsRealtimeClient *self = user_data;
  GHashTableIter iter;
  gpointer value;

  if (!self->running || ts_api_client_get_token (api) == NULL)
    return;
  if (self->state == TS_REALTIME_STATE_UNAVAILABLE)
    {
      connect_now (self);
      return;
    }
  if (!self->established)
    return;
  g_hash_table_iter_init (&iter, self->channels);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Channel *) value)->state == CHANNEL_REFUSED)
      channel_subscribe (self, value);
}

/* GObject */

static void
ts_realtime_client_constructed (GObject *object)
{
  TsRealtimeClient *self = TS_REALTIME_CLIENT (object);

  G_OBJECT_CLASS (ts_realtime_client_parent_class)->constructed (object);

  g_assert (self->api != NULL);
  if (self->monitor == NULL)
    {
      self->monitor = g_object_ref (g_network_monitor_get_default ());
      self->monitor_is_system_default = TRUE;
    }
}

static void
ts_realtime_client_dispose (GObject *object)
{
  TsRealtimeClient *self = TS_REALTIME_CLIENT (object);

  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  end_attempt (self);
  if (self->socket_id != NULL && self->api != NULL &&
      g_strcmp0 (ts_api_client_get_socket_id (self->api), self->socket_id) == 0)
    ts_api_client_set_socket_id (self->api, NULL);
  g_clear_pointer (&self->socket_id, g_free);

  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
  g_clear_signal_handler (&self->network_changed_id, self->monitor);
  g_clear_signal_handler (&self->token_notify_id, self->api);
  g_clear_object (&self->monitor);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (ts_realtime_client_parent_class)->dispose (object);
}

static void
ts_realtime_client_finalize (GObject *object)
{
  TsRealtimeClient *self = TS_REALTIME_CLIENT (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->info, ts_realtime_info_free);
  g_clear_pointer (&self->channels, g_hash_table_unref);

  G_OBJECT_CLASS (ts_realtime_client_parent_class)->finalize (object);
}

static void
ts_realtime_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TsRealtimeClient *self = TS_REALTIME_CLIENT (object);

  switch (prop_id)
    {
    case PROP_API:
      g_value_set_object (value, self->api);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_SOCKET_ID:
      g_value_set_string (value, self->socket_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_realtime_client_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TsRealtimeClient *self = TS_REALTIME_CLIENT (object);

  switch (prop_id)
    {
    case PROP_API:
      self->api = g_value_dup_object (value);
      break;
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_realtime_client_class_init (TsRealtimeClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ts_realtime_client_constructed;
  object_class->dispose = ts_realtime_client_dispose;
  object_class->finalize = ts_realtime_client_finalize;
  object_class->get_property = ts_realtime_client_get_property;
  object_class->set_property = ts_realtime_client_set_property;

  /**
   * TsRealtimeClient:api:
   *
   * The REST client: it says where to connect, authorizes channels, and
   * its session carries the WebSocket.
   */
  properties[PROP_API] =
    g_param_spec_object ("api", NULL, NULL, TS_TYPE_API_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TsRealtimeClient:network-monitor:
   *
   * Tells when the network goes and comes back; the default monitor
   * unless one is given (tests give their own).
   */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TsRealtimeClient:state:
   *
   * Where the client is on its way to a connection.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TS_TYPE_REALTIME_STATE, TS_REALTIME_STATE_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TsRealtimeClient:socket-id:
   *
   * The socket id of the current connection, %NULL while not connected.
   * #TsApiClient:socket-id follows it.
   */
  properties[PROP_SOCKET_ID] =
    g_param_spec_string ("socket-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TsRealtimeClient::event:
   * @channel: the channel
   * @name: the event's name
   * @data: (nullable): its `data`, the JSON text as it came (a string on
   *   the wire is handed out as it is), %NULL when it had none
   *
   * An event on a subscribed channel; the protocol's own (`pusher:`,
   * `pusher_internal:`) are not.
   */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * TsRealtimeClient::subscribed:
   * @channel: the channel
   *
   * A subscription succeeded: after every connection, for every channel
   * again. Events from before it may have been missed, so this is when to
   * catch up (doc/api.md: "after every (re)connection … it checks the
   * project's version").
   */
  signals[SIGNAL_SUBSCRIBED] =
    g_signal_new ("subscribed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * TsRealtimeClient::subscription-error:
   * @channel: the channel
   * @status: the HTTP status of the refused authorization (401, 403, 404,
   *   …), or the `status` of the server's `pusher:subscription_error`
   * @message: why, for the log
   *
   * The channel was refused. It stays remembered and is tried again on
   * the next connection, or by subscribing again.
   */
  signals[SIGNAL_SUBSCRIPTION_ERROR] =
    g_signal_new ("subscription-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING);

  /**
   * TsRealtimeClient::members-changed:
   * @channel: a presence channel
   *
   * ts_realtime_client_get_members() has changed: the subscription
   * brought the whole list, or someone came or went.
   */
  signals[SIGNAL_MEMBERS_CHANGED] =
    g_signal_new ("members-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * TsRealtimeClient::unauthorized:
   *
   * The API refused the token (401) when asked where to connect or to
   * authorize a channel. The client cannot sign in by itself: it keeps
   * retrying with the long backoff, and connects at once when
   * #TsApiClient:token changes, which is what the app does after
   * signing in again.
   */
  signals[SIGNAL_UNAUTHORIZED] =
    g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ts_realtime_client_init (TsRealtimeClient *self)
{
  self->cancellable = g_cancellable_new ();
  self->channels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) channel_free);
  self->pusher_error_code = -1;
  self->min_backoff_ms = DEFAULT_MIN_BACKOFF_MS;
  self->max_backoff_ms = DEFAULT_MAX_BACKOFF_MS;
  self->activity_limit_ms = DEFAULT_ACTIVITY_TIMEOUT_MS;
  self->pong_timeout_ms = DEFAULT_PONG_TIMEOUT_MS;
}

/**
 * ts_realtime_client_new:
 * @api: the REST client, signed in or about to be
 *
 * Returns: (transfer full): a client that does nothing until started
 */
TsRealtimeClient *
ts_realtime_client_new (TsApiClient *api)
{
  g_return_val_if_fail (TS_IS_API_CLIENT (api), NULL);

  return g_object_new (TS_TYPE_REALTIME_CLIENT, "api", api, NULL);
}

/**
 * ts_realtime_client_start:
 *
 * Connects, and keeps connected until ts_realtime_client_stop(): through
 * server restarts, network losses and suspends. Channels subscribed
 * before are subscribed on every connection.
 */
void
ts_realtime_client_start (TsRealtimeClient *self)
{
  g_return_if_fail (TS_IS_REALTIME_CLIENT (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->failures = 0;

  if (self->network_changed_id == 0)
    {
      self->network_changed_id = g_signal_connect (self->monitor, "network-changed",
                                                   G_CALLBACK (network_changed_cb), self);
      self->token_notify_id = g_signal_connect (self->api, "notify::token",
                                                G_CALLBACK (token_changed_cb), self);
      g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, self);
    }

  if (network_is_available (self))
    connect_now (self);
  else
    go_offline (self);
}

/**
 * ts_realtime_client_stop:
 *
 * Closes the connection and tries no more. The channels stay remembered
 * for the next start.
 */
void
ts_realtime_client_stop (TsRealtimeClient *self)
{
  g_return_if_fail (TS_IS_REALTIME_CLIENT (self));

  self->running = FALSE;
  go_offline (self);
}

/**
 * ts_realtime_client_reconnect_now:
 *
 * Drops the connection, or the wait for the next attempt, and connects
 * at once with a fresh backoff: what the network's return and a wake from
 * suspend do. Nothing happens when the client is stopped.
 */
void
ts_realtime_client_reconnect_now (TsRealtimeClient *self)
{
  g_return_if_fail (TS_IS_REALTIME_CLIENT (self));

  if (!self->running)
    return;
  self->failures = 0;
  connect_now (self);
}

/**
 * ts_realtime_client_subscribe:
 * @channel: a channel name; `private-` and `presence-` ones are
 *   authorized through the REST API for each connection
 *
 * Subscribes now if connected, and after every connection from now on,
 * until ts_realtime_client_unsubscribe(). Subscribing again to a refused
 * channel tries it again.
 */
void
ts_realtime_client_subscribe (TsRealtimeClient *self,
                              const char       *channel)
{
  Channel *found;

  g_return_if_fail (TS_IS_REALTIME_CLIENT (self));
  g_return_if_fail (channel != NULL && *channel != '\0');

  found = g_hash_table_lookup (self->channels, channel);
  if (found == NULL)
    {
      found = g_new0 (Channel, 1);
      found->name = g_strdup (channel);
      if (is_presence (channel))
        found->members = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_realtime_member_free);
      g_hash_table_insert (self->channels, found->name, found);
    }
  else if (found->state != CHANNEL_REFUSED)
    return;

  if (self->established)
    channel_subscribe (self, found);
}

/**
 * ts_realtime_client_unsubscribe:
 *
 * Leaves @channel and forgets it.
 */
void
ts_realtime_client_unsubscribe (TsRealtimeClient *self,
                                const char       *channel)
{
  Channel *found;

  g_return_if_fail (TS_IS_REALTIME_CLIENT (self));
  g_return_if_fail (channel != NULL);

  found = g_hash_table_lookup (self->channels, channel);
  if (found == NULL)
    return;
  if (found->state == CHANNEL_PENDING || found->state == CHANNEL_SUBSCRIBED)
    send_unsubscribe (self, channel);
  g_hash_table_remove (self->channels, channel);
}

/**
 * ts_realtime_client_is_subscribed:
 *
 * Returns: whether @channel is subscribed on the current connection
 */
gboolean
ts_realtime_client_is_subscribed (TsRealtimeClient *self,
                                  const char       *channel)
{
  Channel *found;

  g_return_val_if_fail (TS_IS_REALTIME_CLIENT (self), FALSE);
  g_return_val_if_fail (channel != NULL, FALSE);

  found = g_hash_table_lookup (self->channels, channel);
  return found != NULL && found->state == CHANNEL_SUBSCRIBED;
}

/**
 * ts_realtime_client_get_members:
 * @channel: a subscribed presence channel
 *
 * The members as of the last "members-changed", in the order they came;
 * each user once, however many windows they have open. While the client
 * is not connected these are the last known ones.
 *
 * Returns: (transfer full) (element-type TsRealtimeMember): copies of the
 *   members, empty for a channel that is not a presence channel or not
 *   subscribed to
 */
GPtrArray *
ts_realtime_client_get_members (TsRealtimeClient *self,
                                const char       *channel)
{
  GPtrArray *members;
  Channel *found;

  g_return_val_if_fail (TS_IS_REALTIME_CLIENT (self), NULL);
  g_return_val_if_fail (channel != NULL, NULL);

  members = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_realtime_member_free);
  found = g_hash_table_lookup (self->channels, channel);
  for (guint i = 0; found != NULL && found->members != NULL && i < found->members->len; i++)
    g_ptr_array_add (members, ts_realtime_member_copy (g_ptr_array_index (found->members, i)));
  return members;
}

TsApiClient *
ts_realtime_client_get_api (TsRealtimeClient *self)
{
  g_return_val_if_fail (TS_IS_REALTIME_CLIENT (self), NULL);

  return self->api;
}

TsRealtimeState
ts_realtime_client_get_state (TsRealtimeClient *self)
{
  g_return_val_if_fail (TS_IS_REALTIME_CLIENT (self), TS_REALTIME_STATE_OFFLINE);

  return self->state;
}

/**
 * ts_realtime_client_get_key:
 *
 * Returns: (nullable): the server's Pusher key, once `GET /realtime` was
 *   read (the local copy knows its server by it)
 */
const char *
ts_realtime_client_get_key (TsRealtimeClient *self)
{
  g_return_val_if_fail (TS_IS_REALTIME_CLIENT (self), NULL);

  return self->info != NULL ? self->info->key : NULL;
}

const char *
ts_realtime_client_get_socket_id (TsRealtimeClient *self)
{
  g_return_val_if_fail (TS_IS_REALTIME_CLIENT (self), NULL);

  return self->socket_id;
}

/**
 * ts_realtime_client_set_backoff_limits:
 * @min_ms: the first wait after a failure (doc/api.md: 1 s)
 * @max_ms: the longest wait after network failures (60 s); after wrong
 *   parameters the limit is five times that (5 minutes)
 *
 * For tests, which cannot wait minutes. Applies from the next failure.
 */
void
ts_realtime_client_set_backoff_limits (TsRealtimeClient *self,
                                       guint             min_ms,
                                       guint             max_ms)
{
  g_return_if_fail (TS_IS_REALTIME_CLIENT (self));
  g_return_if_fail (min_ms > 0 && min_ms <= max_ms && max_ms <= G_MAXINT / PARAMETERS_BACKOFF_FACTOR);

  self->min_backoff_ms = min_ms;
  self->max_backoff_ms = max_ms;
}

/**
 * ts_realtime_client_set_timeouts:
 * @activity_timeout_ms: silence from the server after which the client
 *   pings, at most; the server's `activity_timeout` lowers it (120 s)
 * @pong_timeout_ms: how long a ping waits for an answer, and a
 *   connection attempt for `pusher:connection_established` (30 s)
 *
 * For tests. Applies from the next connection.
 */
void
ts_realtime_client_set_timeouts (TsRealtimeClient *self,
                                 guint             activity_timeout_ms,
                                 guint             pong_timeout_ms)
{
  g_return_if_fail (TS_IS_REALTIME_CLIENT (self));
  g_return_if_fail (activity_timeout_ms > 0 && pong_timeout_ms > 0);

  self->activity_limit_ms = activity_timeout_ms;
  self->pong_timeout_ms = pong_timeout_ms;
}
