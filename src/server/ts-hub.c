/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-hub"

#include "ts-hub.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ts-front-door.h"
#include "ts-json.h"
#include "ts-pusher.h"
#include "ts-ws.h"

/*
 * The hub's WebSockets are spread over a few shards, each a thread with its
 * own main context and one epoll descriptor for all its sockets (TsWsLoop,
 * ts-ws.c): a wakeup costs what is ready rather than what is open, and the
 * shards read and send in parallel.
 *
 * A connection reaches a shard by one of two doors. Normally the front
 * door (ts-front-door.c, ts_hub_listen()) answers the handshake on its own
 * thread and posts the descriptor (door_upgrade_cb()). A SoupServer that
 * listens itself (the in-process tests, or a handshake the door left to
 * libsoup) calls app_cb() on the main thread; the connection is stolen once
 * the 101 is written and its descriptor posted the same way. From then on
 * only that shard touches the socket and its subscriptions (TsHubSocket,
 * TsHubLocal).
 *
 * What the shards share is under the hub's lock and small: the registry of
 * sockets, for the REST side's authorizations and evictions, and for each
 * occupied channel its subscriber counts and presence members
 * (TsHubChannel), which the HTTP API answers from and which presence
 * events need whole. Whatever goes to a channel's subscribers is posted,
 * under the lock and with the next sequence number, to the queue of each
 * shard that has some: every shard's queue is in the order things
 * happened, and a socket that subscribed after something was posted skips
 * it, as it would have missed it on one thread.
 *
 * Idle connections must be cheap (10,000 of them on one process): a socket
 * is two small structs (TsHubSocket, TsWsConn), with no timer of its own.
 * One sweep per shard pings sockets that have been silent for the activity
 * timeout and closes those that did not answer.
 */

#define DEFAULT_ACTIVITY_TIMEOUT_MS (120 * 1000)
#define DEFAULT_PONG_TIMEOUT_MS (30 * 1000)
/* doc/pusher-protocol.md §6: 10 client events per second per connection. */
#define CLIENT_EVENTS_PER_SECOND 10.0
/* Large enough for a 10 KB event in its envelope, small enough that a
 * client cannot make the hub buffer much. ts-ws.c closes with 1009 above. */
#define MAX_FRAME_SIZE (64 * 1024)
/* At a stop, how long clients get to answer the closing handshake. */
#define STOP_DRAIN_US (2 * G_USEC_PER_SEC)
/* Channels one socket may hold: an app has a few (its projects, their
 * presence channels); thousands are an attack on the hub's memory. */
#define MAX_SOCKET_CHANNELS 100
/* The `pusher:error` code for a subscription over that limit: the 4300
 * range is Pusher's "other errors", which leave the connection open. */
#define ERROR_TOO_MANY_CHANNELS 4302
/* Shards: one per core, at least two, so that the paths between shards
 * are the ones always taken, even in tests. */
#define MIN_SHARDS 2
#define MAX_SHARDS 8

#define PING_MESSAGE "{\"event\":\"pusher:ping\",\"data\":{}}"
#define PONG_MESSAGE "{\"event\":\"pusher:pong\",\"data\":{}}"

typedef struct _TsHubShard TsHubShard;
typedef struct _TsHubLocal TsHubLocal;

typedef struct {
  TsHubShard *shard;
  TsWsConn *conn;
  /* Monotonic µs of the last frame received, and of our unanswered ping
   * (0 when none is pending). */
  gint64 last_seen;
  gint64 ping_sent;
  /* The client-event token bucket. */
  gint64 tokens_at;
  float tokens;
  gboolean closing;
  GPtrArray *channels;  /* (nullable): TsHubLocal*, borrowed */
  /* Under the hub's lock, since the REST side sets them: */
  GPtrArray *users;     /* (nullable): user ids it was authorized for */
  GPtrArray *revoked;   /* (nullable): channels it was evicted from */
  guint64 serial;       /* the order of connection, see shard_stop() */
  char id[TS_PUSHER_SOCKET_ID_SIZE];
} TsHubSocket;

typedef struct {
  TsHubSocket *socket;
  char *user_id;  /* (nullable): its presence user id */
  guint64 since;  /* the hub's sequence number when it subscribed */
  GList link;     /* in its TsHubLocal's order */
} TsHubSubscription;

/* A channel as one shard has it: its subscribers there. */
struct _TsHubLocal {
  char *name;
  TsPusherChannelType type;
  GHashTable *subscribers;  /* TsHubSocket* → TsHubSubscription* */
  /* The same subscriptions in the order they came, which is the order
   * events go out in: see local_deliver(). */
  GQueue order;
};

typedef struct {
  guint n_sockets;
  JsonNode *user_info;  /* (nullable) */
} TsHubMember;

/* A channel as the hub has it, under its lock. */
typedef struct {
  char *name;
  TsPusherChannelType type;
  guint n_subscribers;
  guint n_on_shard[MAX_SHARDS];
  /* (nullable): presence user id → TsHubMember* */
  GHashTable *members;
} TsHubChannel;

typedef enum {
  OP_ACCEPT,
  OP_SEND,
  OP_EVICT,
  OP_CLOSE_ALL,
  OP_SWEEP_UPDATE,
  OP_STOP,
} TsHubOpType;

typedef struct {
  GMutex mutex;
  GCond cond;
  guint pending;
} TsHubWait;

/* What the main thread (or another shard) asks of a shard. */
typedef struct {
  TsHubOpType type;
  /* OP_ACCEPT: the stolen connection's descriptor, what was read from it
   * past the handshake, and whether the handshake's query refused it. */
  int fd;
  GBytes *received;
  guint refuse_code;
  const char *refuse_message;
  /* OP_SEND and OP_EVICT */
  char *channel;
  GBytes *frame;    /* (nullable): OP_SEND's, framed once for every shard */
  char *except_id;  /* (nullable) */
  guint64 seq;
  char *user_id;
  /* OP_CLOSE_ALL */
  gushort code;
  char *reason;
  TsHubWait *wait;  /* (nullable): told when done */
} TsHubOp;

struct _TsHubShard {
  TsHub *hub;
  guint index;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;

  GMutex queue_lock;
  GQueue queue;        /* TsHubOp*, under queue_lock */
  gboolean scheduled;  /* under queue_lock */

  /* The shard thread's own. */
  GHashTable *sockets;   /* id (borrowed) → TsHubSocket* */
  GHashTable *channels;  /* name (borrowed) → TsHubLocal* */
  TsWsLoop *ws;          /* its WebSocket connections */
  GSource *sweep;
};

struct _TsHub
{
  GObject parent_instance;

  char *app_id;
  char *key;
  char *secret;
  TsHubShard shards[MAX_SHARDS];
  guint n_shards;
  int next_shard;  /* atomic */
  TsFrontDoor *door;  /* (nullable): when the hub listens itself */

  GMutex lock;
  /* Under lock: */
  GHashTable *sockets;   /* id (borrowed) → TsHubSocket* */
  GHashTable *channels;  /* name (borrowed) → TsHubChannel* */
  guint64 seq;
  guint64 n_connected;

  /* Atomic: set on the main thread, read by the shards. */
  guint activity_timeout_ms;
  guint pong_timeout_ms;
};

G_DEFINE_FINAL_TYPE (TsHub, ts_hub, G_TYPE_OBJECT)

static void socket_close (TsHubSocket *socket,
                          gushort      code,
                          const char  *reason);

/* Messages. */

static char *
message_new (const char *event,
             const char *channel,
             JsonNode   *data,
             const char *user_id)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "event", event);
  if (channel != NULL)
    json_object_set_string_member (object, "channel", channel);
  if (data != NULL)
    json_object_set_member (object, "data", json_node_copy (data));
  if (user_id != NULL)
    json_object_set_string_member (object, "user_id", user_id);
  json_node_set_object (root, object);

  return ts_json_to_string (root);
}

/* An event whose data is a string, as Pusher double-encodes it. */
static char *
message_new_string (const char *event,
                    const char *channel,
                    const char *data)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, data);
  return message_new (event, channel, node, NULL);
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return ts_json_to_string (node);
}

/* Sockets. */

static gboolean
socket_is_open (TsHubSocket *socket)
{
  return !socket->closing && ts_ws_conn_is_open (socket->conn);
}

static void
socket_send (TsHubSocket *socket,
             const char  *text)
{
  /* A socket may be closing while events are still published. */
  if (socket_is_open (socket))
    ts_ws_conn_send_text (socket->conn, text, strlen (text));
}

/* `pusher:error` without closing: pusher-js only reports it (§3, §8).
 * @code 0 writes `"code":null`, for errors the protocol has no code for. */
static void
socket_send_error (TsHubSocket *socket,
                   guint        code,
                   const char  *message)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_object_set_string_member (data, "message", message);
  if (code != 0)
    json_object_set_int_member (data, "code", code);
  else
    json_object_set_null_member (data, "code");
  json_node_set_object (node, data);
  text = message_new ("pusher:error", NULL, node, NULL);
  socket_send (socket, text);
}

/* The shape soketi sends and pusher-js hands to the channel's listeners
 * unchanged, the same shape pusher-js makes when an auth request fails. */
static void
socket_send_subscription_error (TsHubSocket *socket,
                                const char  *channel,
                                const char  *type,
                                const char  *message,
                                guint        status)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_object_set_string_member (data, "type", type);
  json_object_set_string_member (data, "error", message);
  json_object_set_int_member (data, "status", status);
  json_node_set_object (node, data);
  text = message_new ("pusher:subscription_error", channel, node, NULL);
  socket_send (socket, text);
}

static gboolean
strv_array_contains (GPtrArray  *array,
                     const char *s)
{
  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), s))
      return TRUE;
  return FALSE;
}

static void
strv_array_add (GPtrArray  **array,
                const char  *s)
{
  if (strv_array_contains (*array, s))
    return;
  if (*array == NULL)
    *array = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*array, g_strdup (s));
}

static void
strv_array_remove (GPtrArray  *array,
                   const char *s)
{
  if (array == NULL)
    return;
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), s))
      {
        g_ptr_array_remove_index_fast (array, i);
        return;
      }
}

/* The shards' queues. */

static void
op_free (TsHubOp *op)
{
  if (op->type == OP_ACCEPT && op->fd >= 0)
    close (op->fd);
  g_clear_pointer (&op->received, g_bytes_unref);
  g_free (op->channel);
  g_clear_pointer (&op->frame, g_bytes_unref);
  g_free (op->except_id);
  g_free (op->user_id);
  g_free (op->reason);
  g_free (op);
}

static void
wait_done (TsHubWait *wait)
{
  g_mutex_lock (&wait->mutex);
  wait->pending--;
  g_cond_broadcast (&wait->cond);
  g_mutex_unlock (&wait->mutex);
}

static gboolean shard_run_queue (gpointer user_data);

/* Ops posted to a shard run in the order posted, in one idle callback for
 * all those that came in the meantime, ahead of the sockets' input. */
static void
shard_post (TsHubShard *shard,
            TsHubOp    *op)
{
  g_mutex_lock (&shard->queue_lock);
  g_queue_push_tail (&shard->queue, op);
  if (!shard->scheduled)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      shard->scheduled = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT - 1);
      g_source_set_static_name (source, "TsHub shard queue");
      g_source_set_callback (source, shard_run_queue, shard, NULL);
      g_source_attach (source, shard->context);
    }
  g_mutex_unlock (&shard->queue_lock);
}

/* Channels. */

static void
member_free (gpointer data)
{
  TsHubMember *member = data;

  g_clear_pointer (&member->user_info, json_node_unref);
  g_free (member);
}

static void
channel_free (gpointer data)
{
  TsHubChannel *channel = data;

  g_clear_pointer (&channel->members, g_hash_table_unref);
  g_free (channel->name);
  g_free (channel);
}

static void
subscription_free (gpointer data)
{
  TsHubSubscription *subscription = data;

  g_free (subscription->user_id);
  g_free (subscription);
}

static void
local_free (gpointer data)
{
  TsHubLocal *local = data;

  g_hash_table_unref (local->subscribers);
  g_free (local->name);
  g_free (local);
}

/* Called with the hub's lock held. */
static TsHubChannel *
channel_ensure (TsHub               *self,
                const char          *name,
                TsPusherChannelType  type)
{
  TsHubChannel *channel = g_hash_table_lookup (self->channels, name);

  if (channel != NULL)
    return channel;

  channel = g_new0 (TsHubChannel, 1);
  channel->name = g_strdup (name);
  channel->type = type;
  if (type == TS_PUSHER_CHANNEL_PRESENCE)
    channel->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, member_free);
  g_hash_table_insert (self->channels, channel->name, channel);

  return channel;
}

static TsHubLocal *
local_ensure (TsHubShard          *shard,
              const char          *name,
              TsPusherChannelType  type)
{
  TsHubLocal *local = g_hash_table_lookup (shard->channels, name);

  if (local != NULL)
    return local;

  local = g_new0 (TsHubLocal, 1);
  local->name = g_strdup (name);
  local->type = type;
  local->subscribers = g_hash_table_new_full (NULL, NULL, NULL, subscription_free);
  g_hash_table_insert (shard->channels, local->name, local);

  return local;
}

/* Posts @text to every subscriber of @channel on every shard, but the
 * socket @except_id. Called with the hub's lock held, which orders the
 * shards' queues. */
static void
channel_post_locked (TsHub        *self,
                     TsHubChannel *channel,
                     const char   *text,
                     const char   *except_id)
{
  GBytes *shared = NULL;
  guint64 seq = ++self->seq;

  for (guint i = 0; i < self->n_shards; i++)
    {
      TsHubOp *op;

      if (channel->n_on_shard[i] == 0)
        continue;
      if (shared == NULL)
        shared = ts_ws_text_frame_new (text, strlen (text));
      op = g_new0 (TsHubOp, 1);
      op->type = OP_SEND;
      op->channel = g_strdup (channel->name);
      op->frame = g_bytes_ref (shared);
      op->except_id = g_strdup (except_id);
      op->seq = seq;
      shard_post (&self->shards[i], op);
    }
  g_clear_pointer (&shared, g_bytes_unref);
}

/* Sends what channel_post_locked() posted to this shard's subscribers. */
static void
local_deliver (TsHubShard *shard,
               TsHubOp    *op)
{
  TsHubLocal *local = g_hash_table_lookup (shard->channels, op->channel);

  if (local == NULL)
    return;

  /* In the order of subscription, which for a crowd that connected and
   * subscribed at once is the order its clients made their sockets: a
   * receiver holding many of them (a Node process of `ws` clients, the
   * benchmark's) then reads them in the order it laid them out in memory.
   * The hash table's order, effectively random, cost such a receiver
   * 1.4 times the CPU of soketi's fan-out of the same frames; in this
   * order 0.9-1.1 times (issue 20, tests/interop/bench-ws-receive.js). */
  for (GList *link = local->order.head; link != NULL; link = link->next)
    {
      TsHubSubscription *subscription = link->data;
      TsHubSocket *socket = subscription->socket;

      if (op->seq <= subscription->since)
        continue;
      if (op->except_id != NULL && g_str_equal (socket->id, op->except_id))
        continue;
      if (socket_is_open (socket))
        ts_ws_conn_send_frame (socket->conn, op->frame);
    }
}

/* Sends what was posted for this shard's subscribers before a frame is
 * answered, as one thread did: a client that has its answer may count on
 * the events relayed or published before it having gone out (the idle
 * callback alone does not ensure that: a shard woken by both runs them in
 * no set order). Only sends at the head of the queue are taken, so the
 * queue keeps its order and nothing here closes a socket. */
static void
shard_flush_sends (TsHubShard *shard)
{
  for (;;)
    {
      TsHubOp *op;

      g_mutex_lock (&shard->queue_lock);
      op = g_queue_peek_head (&shard->queue);
      if (op != NULL && op->type == OP_SEND)
        g_queue_pop_head (&shard->queue);
      else
        op = NULL;
      g_mutex_unlock (&shard->queue_lock);
      if (op == NULL)
        return;
      local_deliver (shard, op);
      op_free (op);
    }
}

/* Called with the hub's lock held. */
static char *
channel_presence_data (TsHubChannel *channel)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *presence = json_object_new ();
  JsonObject *hash = json_object_new ();
  JsonArray *ids = json_array_new ();
  GHashTableIter iter;
  gpointer user_id, value;

  /* Every member is in `hash`, with null when it has no user_info:
   * pusher-js walks `hash`, so a member missing there is invisible (§3). */
  g_hash_table_iter_init (&iter, channel->members);
  while (g_hash_table_iter_next (&iter, &user_id, &value))
    {
      TsHubMember *member = value;

      json_array_add_string_element (ids, user_id);
      if (member->user_info != NULL)
        json_object_set_member (hash, user_id, json_node_copy (member->user_info));
      else
        json_object_set_null_member (hash, user_id);
    }
  json_object_set_array_member (presence, "ids", ids);
  json_object_set_object_member (presence, "hash", hash);
  json_object_set_int_member (presence, "count", g_hash_table_size (channel->members));
  json_object_set_object_member (root, "presence", presence);

  return object_to_string (root);
}

/* Called with the hub's lock held. */
static void
channel_post_member_event (TsHub        *self,
                           TsHubChannel *channel,
                           const char   *event,
                           const char   *user_id,
                           JsonNode     *user_info)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autofree char *data_text = NULL;
  g_autofree char *text = NULL;

  json_object_set_string_member (data, "user_id", user_id);
  if (g_str_equal (event, "pusher_internal:member_added"))
    {
      if (user_info != NULL)
        json_object_set_member (data, "user_info", json_node_copy (user_info));
      else
        json_object_set_null_member (data, "user_info");
    }
  data_text = object_to_string (data);
  text = message_new_string (event, channel->name, data_text);
  channel_post_locked (self, channel, text, NULL);
}

/* Takes @socket off @local, tells the other members when the socket was
 * its user's last one on a presence channel, and forgets the channel when
 * nobody is left on it. */
static void
local_remove_socket (TsHubShard  *shard,
                     TsHubLocal  *local,
                     TsHubSocket *socket)
{
  TsHub *self = shard->hub;
  TsHubSubscription *subscription;
  TsHubChannel *channel;
  gpointer value = NULL;

  if (!g_hash_table_steal_extended (local->subscribers, socket, NULL, &value))
    return;
  subscription = value;
  g_queue_unlink (&local->order, &subscription->link);
  g_ptr_array_remove_fast (socket->channels, local);

  g_mutex_lock (&self->lock);
  channel = g_hash_table_lookup (self->channels, local->name);
  g_assert (channel != NULL);
  channel->n_subscribers--;
  channel->n_on_shard[shard->index]--;
  if (channel->members != NULL && subscription->user_id != NULL)
    {
      TsHubMember *member = g_hash_table_lookup (channel->members, subscription->user_id);

      g_assert (member != NULL);
      if (--member->n_sockets == 0)
        {
          g_hash_table_remove (channel->members, subscription->user_id);
          channel_post_member_event (self, channel, "pusher_internal:member_removed",
                                     subscription->user_id, NULL);
        }
    }
  if (channel->n_subscribers == 0)
    g_hash_table_remove (self->channels, channel->name);
  g_mutex_unlock (&self->lock);

  subscription_free (subscription);
  if (g_hash_table_size (local->subscribers) == 0)
    g_hash_table_remove (shard->channels, local->name);
}

static void
socket_leave_all (TsHubSocket *socket)
{
  while (socket->channels != NULL && socket->channels->len > 0)
    {
      TsHubLocal *local = g_ptr_array_index (socket->channels, socket->channels->len - 1);

      local_remove_socket (socket->shard, local, socket);
    }
}

static void
socket_free (TsHubSocket *socket)
{
  /* The connection belongs to the shard's loop, which frees it once it has
   * closed. */
  ts_ws_conn_detach (socket->conn);
  g_clear_pointer (&socket->channels, g_ptr_array_unref);
  g_clear_pointer (&socket->users, g_ptr_array_unref);
  g_clear_pointer (&socket->revoked, g_ptr_array_unref);
  g_free (socket);
}

/* The sweep. */

static gboolean
sweep_cb (gpointer user_data)
{
  TsHubShard *shard = user_data;
  TsHub *self = shard->hub;
  g_autoptr(GPtrArray) silent = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  gint64 activity = (gint64) g_atomic_int_get (&self->activity_timeout_ms) * 1000;
  gint64 pong = (gint64) g_atomic_int_get (&self->pong_timeout_ms) * 1000;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, shard->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TsHubSocket *socket = value;

      if (socket->closing)
        continue;
      if (socket->ping_sent == 0 && now - socket->last_seen >= activity)
        {
          socket->ping_sent = now;
          socket_send (socket, PING_MESSAGE);
        }
      else if (socket->ping_sent != 0 && now - socket->ping_sent >= pong)
        g_ptr_array_add (silent, socket);
    }

  /* Closed after the walk: closing a socket updates presence channels. */
  for (guint i = 0; i < silent->len; i++)
    socket_close (g_ptr_array_index (silent, i), 4201, "Pong reply not received");

  return G_SOURCE_CONTINUE;
}

static void
sweep_stop (TsHubShard *shard)
{
  if (shard->sweep == NULL)
    return;
  g_source_destroy (shard->sweep);
  g_clear_pointer (&shard->sweep, g_source_unref);
}

static void
sweep_update (TsHubShard *shard)
{
  TsHub *self = shard->hub;
  guint period;

  if (g_hash_table_size (shard->sockets) == 0)
    {
      sweep_stop (shard);
      return;
    }
  if (shard->sweep != NULL)
    return;

  /* A quarter of the shorter timeout, at most a second: a ping or a close
   * is at most that late, and a second's sweep over 10,000 sockets is
   * nothing. Whole seconds let GLib batch the wakeups with others. */
  period = MIN (g_atomic_int_get (&self->activity_timeout_ms),
                g_atomic_int_get (&self->pong_timeout_ms)) / 4;
  if (period >= 1000)
    shard->sweep = g_timeout_source_new_seconds (1);
  else
    shard->sweep = g_timeout_source_new (MAX (period, 10));
  g_source_set_static_name (shard->sweep, "TsHub sweep");
  g_source_set_callback (shard->sweep, sweep_cb, shard, NULL);
  g_source_attach (shard->sweep, shard->context);
}

static void
socket_close (TsHubSocket *socket,
              gushort      code,
              const char  *reason)
{
  if (socket->closing)
    return;

  /* Off every channel now, so that nothing more is published to it and
   * presence members see it go at once; the struct itself goes when
   * the shard's loop reports the connection closed. */
  socket->closing = TRUE;
  socket_leave_all (socket);
  ts_ws_conn_close (socket->conn, code, reason);
}

static void
on_closed (TsWsConn *conn,
           gushort   code,
           gpointer  user_data)
{
  TsHubSocket *socket = user_data;
  TsHubShard *shard = socket->shard;
  TsHub *self = shard->hub;

  g_debug ("socket %s closed (%u)", socket->id, code);
  socket->closing = TRUE;
  socket_leave_all (socket);
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->sockets, socket->id);
  g_mutex_unlock (&self->lock);
  g_hash_table_remove (shard->sockets, socket->id);
  socket_free (socket);
  sweep_update (shard);
}

/* Incoming frames. */

static gboolean
socket_take_token (TsHubSocket *socket)
{
  gint64 now = g_get_monotonic_time ();

  socket->tokens = MIN (CLIENT_EVENTS_PER_SECOND,
                        socket->tokens + (now - socket->tokens_at) * CLIENT_EVENTS_PER_SECOND / G_USEC_PER_SEC);
  socket->tokens_at = now;
  if (socket->tokens < 1.0)
    return FALSE;
  socket->tokens -= 1.0;
  return TRUE;
}

static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The `data` of a client→server system event is an object (§2); some
 * clients send it double-encoded like the server's, which costs nothing to
 * accept. */
static JsonObject *
frame_get_data_object (JsonObject *frame)
{
  JsonNode *node = json_object_get_member (frame, "data");

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return ts_json_parse_object (json_node_get_string (node), -1, NULL);
  return NULL;
}

static void
socket_subscribe (TsHubSocket *socket,
                  JsonObject  *data)
{
  TsHubShard *shard = socket->shard;
  TsHub *self = shard->hub;
  const char *name = object_get_string (data, "channel");
  const char *auth = object_get_string (data, "auth");
  const char *channel_data = object_get_string (data, "channel_data");
  TsPusherChannelType type;
  TsHubChannel *channel;
  TsHubLocal *local;
  g_autofree char *user_id = NULL;
  g_autoptr(JsonNode) user_info = NULL;
  g_autofree char *presence = NULL;
  g_autofree char *text = NULL;

  if (name == NULL)
    {
      socket_send_error (socket, 0, "pusher:subscribe needs data.channel, a string");
      return;
    }

  type = ts_pusher_channel_get_type (name);
  if (type == TS_PUSHER_CHANNEL_INVALID)
    {
      socket_send_subscription_error (socket, name, "InvalidChannel",
                                      "Channel names are 1 to 164 of A-Z a-z 0-9 _ - = @ , . ;",
                                      4009);
      return;
    }

  local = g_hash_table_lookup (shard->channels, name);
  if (socket->channels->len >= MAX_SOCKET_CHANNELS &&
      (local == NULL || !g_hash_table_contains (local->subscribers, socket)))
    {
      socket_send_error (socket, ERROR_TOO_MANY_CHANNELS,
                         "Subscription rejected: a connection holds at most 100 channels");
      return;
    }

  if (type != TS_PUSHER_CHANNEL_PUBLIC)
    {
      gboolean revoked;

      /* An evicted socket's old signature stays mathematically valid, so
       * the hub remembers the eviction until the REST side authorizes the
       * socket for the channel again. */
      g_mutex_lock (&self->lock);
      revoked = strv_array_contains (socket->revoked, name);
      g_mutex_unlock (&self->lock);
      if (revoked)
        {
          socket_send_subscription_error (socket, name, "AuthError",
                                          "This connection was removed from the channel", 403);
          return;
        }
      if (!ts_pusher_channel_auth_verify (self->key, self->secret, socket->id, name,
                                          type == TS_PUSHER_CHANNEL_PRESENCE ? channel_data : NULL,
                                          auth))
        {
          socket_send_subscription_error (socket, name, "AuthError", "Invalid signature", 401);
          return;
        }
    }

  if (type == TS_PUSHER_CHANNEL_PRESENCE)
    {
      g_autoptr(GError) error = NULL;

      if (!ts_pusher_parse_channel_data (channel_data, &user_id, &user_info, &error))
        {
          socket_send_subscription_error (socket, name, "AuthError", error->message, 400);
          return;
        }
    }

  g_mutex_lock (&self->lock);
  channel = g_hash_table_lookup (self->channels, name);
  if (local != NULL && g_hash_table_contains (local->subscribers, socket))
    {
      /* Subscribing twice changes nothing; the answer is sent again so a
       * client waiting for it is not left hanging. */
    }
  else
    {
      TsHubSubscription *subscription;

      if (type == TS_PUSHER_CHANNEL_PRESENCE)
        {
          TsHubMember *member;

          if (channel != NULL &&
              g_hash_table_size (channel->members) >= TS_PUSHER_PRESENCE_MEMBERS_MAX &&
              !g_hash_table_contains (channel->members, user_id))
            {
              g_mutex_unlock (&self->lock);
              socket_send_subscription_error (socket, name, "LimitReached",
                                              "A presence channel has at most 100 members", 4100);
              return;
            }

          channel = channel_ensure (self, name, type);
          member = g_hash_table_lookup (channel->members, user_id);
          if (member == NULL)
            {
              member = g_new0 (TsHubMember, 1);
              member->user_info = g_steal_pointer (&user_info);
              g_hash_table_insert (channel->members, g_strdup (user_id), member);
              /* Before the socket is counted, and so numbered, as its
               * subscription: the joiner is not told about itself. */
              channel_post_member_event (self, channel, "pusher_internal:member_added",
                                         user_id, member->user_info);
            }
          member->n_sockets++;
        }
      else
        channel = channel_ensure (self, name, type);

      channel->n_subscribers++;
      channel->n_on_shard[shard->index]++;
      subscription = g_new0 (TsHubSubscription, 1);
      subscription->socket = socket;
      subscription->user_id = g_steal_pointer (&user_id);
      subscription->since = self->seq;
      subscription->link.data = subscription;
      local = local_ensure (shard, name, type);
      g_hash_table_insert (local->subscribers, socket, subscription);
      g_queue_push_tail_link (&local->order, &subscription->link);
      g_ptr_array_add (socket->channels, local);
    }
  if (type == TS_PUSHER_CHANNEL_PRESENCE)
    presence = channel_presence_data (channel);
  g_mutex_unlock (&self->lock);

  text = message_new_string ("pusher_internal:subscription_succeeded", name,
                             presence != NULL ? presence : "{}");
  socket_send (socket, text);
}

static void
socket_unsubscribe (TsHubSocket *socket,
                    JsonObject  *data)
{
  const char *name = object_get_string (data, "channel");
  TsHubLocal *local;

  if (name == NULL)
    {
      socket_send_error (socket, 0, "pusher:unsubscribe needs data.channel, a string");
      return;
    }

  /* Leaving a channel one is not on is not an error: the client and the
   * hub may simply disagree after an eviction. */
  local = g_hash_table_lookup (socket->shard->channels, name);
  if (local != NULL)
    local_remove_socket (socket->shard, local, socket);
}

static void
socket_client_event (TsHubSocket *socket,
                     JsonObject  *frame,
                     const char  *event)
{
  TsHub *self = socket->shard->hub;
  const char *name = object_get_string (frame, "channel");
  JsonNode *data = json_object_get_member (frame, "data");
  TsHubLocal *local;
  TsHubSubscription *subscription;
  TsHubChannel *channel;
  g_autofree char *text = NULL;
  gsize size;

  /* Counted before anything else, so that refused events cost too. */
  if (!socket_take_token (socket))
    {
      socket_send_error (socket, 4301, "Client event rejected due to rate limit");
      return;
    }

  local = name != NULL ? g_hash_table_lookup (socket->shard->channels, name) : NULL;
  subscription = local != NULL ? g_hash_table_lookup (local->subscribers, socket) : NULL;
  if (subscription == NULL)
    {
      socket_send_error (socket, 0, "Client event rejected: not subscribed to the channel");
      return;
    }
  if (local->type == TS_PUSHER_CHANNEL_PUBLIC)
    {
      socket_send_error (socket, 0,
                         "Client event rejected: only supported on private and presence channels");
      return;
    }
  if (strlen (event) > TS_PUSHER_EVENT_NAME_MAX)
    {
      socket_send_error (socket, 0, "Client event rejected: the event name is over 200 characters");
      return;
    }

  if (data != NULL && JSON_NODE_HOLDS_VALUE (data) && json_node_get_value_type (data) == G_TYPE_STRING)
    size = strlen (json_node_get_string (data));
  else if (data != NULL)
    {
      g_autofree char *encoded = ts_json_to_string (data);

      size = strlen (encoded);
    }
  else
    size = 0;
  if (size > TS_PUSHER_DATA_MAX)
    {
      socket_send_error (socket, 0, "Client event rejected: data over 10 KB");
      return;
    }

  /* Relayed as received; on presence channels with the sender's id (§6). */
  text = message_new (event, name, data, subscription->user_id);
  g_mutex_lock (&self->lock);
  channel = g_hash_table_lookup (self->channels, name);
  g_assert (channel != NULL);
  channel_post_locked (self, channel, text, socket->id);
  g_mutex_unlock (&self->lock);
}

static void
on_message (TsWsConn   *conn,
            gboolean    is_text,
            const char *bytes,
            gsize       size,
            gpointer    user_data)
{
  TsHubSocket *socket = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) frame = NULL;
  g_autoptr(JsonObject) data = NULL;
  const char *event;

  shard_flush_sends (socket->shard);

  /* Any frame proves the peer alive (§7). */
  socket->last_seen = g_get_monotonic_time ();
  socket->ping_sent = 0;

  if (socket->closing)
    return;

  if (!is_text)
    {
      socket_send_error (socket, 0, "Binary frames are not supported: send JSON in text frames");
      return;
    }

  frame = ts_json_parse_object (bytes, size, &error);
  if (frame == NULL)
    {
      g_autofree char *text = g_strdup_printf ("Malformed message: %s", error->message);

      socket_send_error (socket, 0, text);
      return;
    }

  event = object_get_string (frame, "event");
  if (event == NULL)
    {
      socket_send_error (socket, 0, "Malformed message: “event” must be a string");
      return;
    }

  if (g_str_equal (event, "pusher:ping"))
    socket_send (socket, PONG_MESSAGE);
  else if (g_str_equal (event, "pusher:pong"))
    ; /* Seen above. */
  else if (g_str_equal (event, "pusher:subscribe") || g_str_equal (event, "pusher:unsubscribe"))
    {
      data = frame_get_data_object (frame);
      if (data == NULL)
        {
          g_autofree char *text = g_strdup_printf ("%s needs data, an object", event);

          socket_send_error (socket, 0, text);
        }
      else if (g_str_equal (event, "pusher:subscribe"))
        socket_subscribe (socket, data);
      else
        socket_unsubscribe (socket, data);
    }
  else if (g_str_has_prefix (event, "client-"))
    socket_client_event (socket, frame, event);
  else
    {
      g_autofree char *text = g_strdup_printf ("Unsupported event “%s”", event);

      socket_send_error (socket, 0, text);
    }
}

/* A connection to `/app/<key>`. */

static void
send_connection_established (TsHub       *self,
                             TsHubSocket *socket)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autofree char *data_text = NULL;
  g_autofree char *text = NULL;

  json_object_set_string_member (data, "socket_id", socket->id);
  /* pusher-js refuses a handshake without a positive activity_timeout. */
  json_object_set_int_member (data, "activity_timeout",
                              MAX (1, (g_atomic_int_get (&self->activity_timeout_ms) + 999) / 1000));
  data_text = object_to_string (data);
  text = message_new_string ("pusher:connection_established", NULL, data_text);
  socket_send (socket, text);
}

/* Refuses a connection the protocol's way: `pusher:error` first (pusher-js
 * maps a first frame that is an error through the close codes) and the
 * same code in the close frame. */
static void
socket_refuse (TsHubSocket *socket,
               guint        code,
               const char  *message)
{
  socket_send_error (socket, code, message);
  socket_close (socket, code, message);
}

/* On the shard's thread: from here on the shard's loop watches the
 * connection. */
static void
shard_accept (TsHubShard *shard,
              TsHubOp    *op)
{
  TsHub *self = shard->hub;
  TsHubSocket *socket;
  gsize received_size = 0;
  const char *received = op->received != NULL ? g_bytes_get_data (op->received, &received_size) : NULL;

  socket = g_new0 (TsHubSocket, 1);
  socket->shard = shard;
  socket->conn = ts_ws_conn_new (shard->ws, op->fd, received, received_size, MAX_FRAME_SIZE,
                                 on_message, on_closed, socket);
  op->fd = -1;
  socket->last_seen = g_get_monotonic_time ();
  socket->tokens_at = socket->last_seen;
  socket->tokens = CLIENT_EVENTS_PER_SECOND;
  socket->channels = g_ptr_array_new ();

  g_mutex_lock (&self->lock);
  socket->serial = self->n_connected++;
  do
    ts_pusher_socket_id_generate (socket->id);
  while (g_hash_table_contains (self->sockets, socket->id));
  g_hash_table_insert (self->sockets, socket->id, socket);
  g_mutex_unlock (&self->lock);
  g_hash_table_insert (shard->sockets, socket->id, socket);

  sweep_update (shard);

  if (op->refuse_code != 0)
    socket_refuse (socket, op->refuse_code, op->refuse_message);
  else
    send_connection_established (self, socket);
}

static int
compare_serials (gconstpointer a,
                 gconstpointer b)
{
  const TsHubSocket *x = *(TsHubSocket * const *) a;
  const TsHubSocket *y = *(TsHubSocket * const *) b;

  return (x->serial > y->serial) - (x->serial < y->serial);
}

static void
shard_evict (TsHubShard *shard,
             TsHubOp    *op)
{
  TsHub *self = shard->hub;
  TsHubLocal *local = g_hash_table_lookup (shard->channels, op->channel);
  g_autoptr(GPtrArray) evicted = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  if (local == NULL)
    return;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, local->subscribers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TsHubSocket *socket = key;
      TsHubSubscription *subscription = value;

      if (strv_array_contains (socket->users, op->user_id) ||
          g_strcmp0 (subscription->user_id, op->user_id) == 0)
        {
          strv_array_add (&socket->revoked, op->channel);
          g_ptr_array_add (evicted, socket);
        }
    }
  g_mutex_unlock (&self->lock);

  /* The last one taken off frees @local. */
  for (guint i = 0; i < evicted->len; i++)
    {
      TsHubSocket *socket = g_ptr_array_index (evicted, i);

      local_remove_socket (shard, local, socket);
      socket_send_subscription_error (socket, op->channel, "AuthError",
                                      "This connection was removed from the channel", 403);
    }
}

static void
shard_close_all (TsHubShard *shard,
                 gushort     code,
                 const char *reason)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, shard->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sockets, value);
  for (guint i = 0; i < sockets->len; i++)
    socket_close (g_ptr_array_index (sockets, i), code, reason);
}

/* The hub is going: close every socket without telling anyone on its
 * channels, and free them all. */
static void
shard_stop (TsHubShard *shard)
{
  TsHub *self = shard->hub;
  g_autoptr(GPtrArray) sockets = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  sweep_stop (shard);

  /* Closed in the order they connected, oldest first. */
  g_hash_table_iter_init (&iter, shard->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sockets, value);
  g_ptr_array_sort (sockets, compare_serials);
  g_hash_table_steal_all (shard->sockets);
  g_hash_table_remove_all (shard->channels);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < sockets->len; i++)
    g_hash_table_remove (self->sockets, ((TsHubSocket *) g_ptr_array_index (sockets, i))->id);
  g_mutex_unlock (&self->lock);

  /* Without a hub nobody would serve these sockets: close them, and let
   * the shard's loop finish the closing handshakes without us
   * (shard_thread()). */
  for (guint i = 0; i < sockets->len; i++)
    {
      TsHubSocket *socket = g_ptr_array_index (sockets, i);

      socket->closing = TRUE;
      g_clear_pointer (&socket->channels, g_ptr_array_unref);
      ts_ws_conn_close (socket->conn, 4200, "server stopping");
      socket_free (socket);
    }

  g_main_loop_quit (shard->loop);
}

static gboolean
shard_run_queue (gpointer user_data)
{
  TsHubShard *shard = user_data;
  GQueue queue = G_QUEUE_INIT;
  TsHubOp *op;

  g_mutex_lock (&shard->queue_lock);
  queue = shard->queue;
  g_queue_init (&shard->queue);
  shard->scheduled = FALSE;
  g_mutex_unlock (&shard->queue_lock);

  while ((op = g_queue_pop_head (&queue)) != NULL)
    {
      switch (op->type)
        {
        case OP_ACCEPT:
          shard_accept (shard, op);
          break;
        case OP_SEND:
          local_deliver (shard, op);
          break;
        case OP_EVICT:
          shard_evict (shard, op);
          break;
        case OP_CLOSE_ALL:
          shard_close_all (shard, op->code, op->reason);
          break;
        case OP_SWEEP_UPDATE:
          sweep_stop (shard);
          sweep_update (shard);
          break;
        case OP_STOP:
          shard_stop (shard);
          break;
        default:
          g_assert_not_reached ();
        }
      if (op->wait != NULL)
        wait_done (op->wait);
      op_free (op);
    }

  return G_SOURCE_REMOVE;
}

static gpointer
shard_thread (gpointer data)
{
  TsHubShard *shard = data;

  g_main_context_push_thread_default (shard->context);
  g_main_loop_run (shard->loop);
  /* The closing handshakes started by shard_stop(): clients that answer
   * at once are let go cleanly, the others cut off. */
  ts_ws_loop_drain (shard->ws, g_get_monotonic_time () + STOP_DRAIN_US);
  g_clear_pointer (&shard->ws, ts_ws_loop_free);
  while (g_main_context_iteration (shard->context, FALSE))
    ;
  g_main_context_pop_thread_default (shard->context);

  return NULL;
}

/* The upgrade, on the main thread. */

/* Whatever the client sent after its handshake that libsoup has already
 * read: nothing, as RFC 6455 wants clients to wait for the 101, but what
 * a hasty client sent must not be lost. Bounded, so that a client
 * streaming into its socket cannot hold the main thread here. */
static GBytes *
read_pending (GIOStream *stream)
{
  GInputStream *input = g_io_stream_get_input_stream (stream);
  GByteArray *pending = g_byte_array_new ();
  guint8 buffer[4096];

  while (G_IS_POLLABLE_INPUT_STREAM (input) && pending->len < MAX_FRAME_SIZE)
    {
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input), buffer,
                                                           sizeof buffer, NULL, NULL);

      if (n <= 0)
        break;
      g_byte_array_append (pending, buffer, n);
    }
  return g_byte_array_free_to_bytes (pending);
}

/* The socket under a stolen stream, for a connection libsoup did not
 * accept itself (soup_server_accept_iostream(), the front door's): libsoup
 * 3.2 knows no GSocket for those, but the stream is, or wraps (its
 * "base-iostream"), the GSocketConnection the door made. */
static GSocket *
stream_get_socket (GIOStream *stream)
{
  g_autoptr(GIOStream) base = g_object_ref (stream);

  while (!G_IS_SOCKET_CONNECTION (base))
    {
      GIOStream *inner = NULL;

      if (g_object_class_find_property (G_OBJECT_GET_CLASS (base), "base-iostream") == NULL)
        return NULL;
      g_object_get (base, "base-iostream", &inner, NULL);
      if (inner == NULL)
        return NULL;
      g_object_unref (base);
      base = inner;
    }
  return g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)));
}

/* Why the handshake's URL refuses the connection, or 0. */
static guint
refuse_code (TsHub       *self,
             const char  *path,
             const char  *query,
             const char **message)
{
  g_autoptr(GHashTable) params = ts_pusher_query_parse (query, NULL);
  const char *protocol = params != NULL ? g_hash_table_lookup (params, "protocol") : NULL;
  guint64 version = 7;

  if (!g_str_has_prefix (path, "/app/") || !g_str_equal (path + strlen ("/app/"), self->key))
    {
      *message = "Application does not exist";
      return 4001;
    }
  /* pusher-js always sends protocol=7; a client that sends none gets the
   * current protocol rather than the deprecated protocol 1. */
  if (protocol != NULL && !g_ascii_string_to_unsigned (protocol, 10, 0, G_MAXUINT, &version, NULL))
    {
      *message = "Invalid version string format";
      return 4006;
    }
  if (version < 5 || version > 7)
    {
      *message = "Unsupported protocol version";
      return 4007;
    }
  return 0;
}

/* New connections go round the shards; from the main thread and the
 * front door's. */
static void
hub_post_accept (TsHub   *self,
                 TsHubOp *op)
{
  guint next = (guint) g_atomic_int_add (&self->next_shard, 1);

  shard_post (&self->shards[next % self->n_shards], op);
}

/* Once the 101 is out, the connection leaves libsoup: its descriptor goes
 * to the next shard, whose loop speaks WebSocket on it (ts-ws.c). */
static void
on_wrote_informational (SoupServerMessage *msg,
                        gpointer           user_data)
{
  TsHub *self = user_data;
  g_autoptr(GIOStream) stream = NULL;
  GSocket *gsocket;
  GUri *uri;
  TsHubOp *op;
  int fd;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;

  /* Stealing the connection may drop the server's last reference on @msg,
   * whose URI is read below; and its socket is only known before. */
  g_object_ref (msg);
  gsocket = soup_server_message_get_socket (msg);
  if (gsocket != NULL)
    g_object_ref (gsocket);
  stream = soup_server_message_steal_connection (msg);
  if (gsocket == NULL && stream != NULL)
    gsocket = stream_get_socket (stream);
  fd = gsocket != NULL ? fcntl (g_socket_get_fd (gsocket), F_DUPFD_CLOEXEC, 0) : -1;
  g_clear_object (&gsocket);
  if (stream == NULL || fd < 0)
    {
      g_warning ("Cannot take over an upgraded connection: %s",
                 stream == NULL ? "libsoup kept it" : "no descriptor");
      if (fd >= 0)
        close (fd);
      g_object_unref (msg);
      return;
    }

  op = g_new0 (TsHubOp, 1);
  op->type = OP_ACCEPT;
  op->fd = fd;
  op->received = read_pending (stream);
  uri = soup_server_message_get_uri (msg);
  op->refuse_code = refuse_code (self, g_uri_get_path (uri), g_uri_get_query (uri), &op->refuse_message);
  /* Closing the stolen stream closes libsoup's descriptor only; the
   * connection lives on in ours. */
  g_io_stream_close (stream, NULL, NULL);
  hub_post_accept (self, op);
  g_object_unref (msg);
}

/* On the front door's thread: a handshake it answered itself. */
static void
door_upgrade_cb (int         fd,
                 const char *target,
                 gpointer    user_data)
{
  TsHub *self = user_data;
  const char *query = strchr (target, '?');
  g_autofree char *path = g_strndup (target, query != NULL ? (gsize) (query - target) : strlen (target));
  TsHubOp *op = g_new0 (TsHubOp, 1);

  op->type = OP_ACCEPT;
  op->fd = fd;
  op->refuse_code = refuse_code (self, path, query != NULL ? query + 1 : NULL, &op->refuse_message);
  hub_post_accept (self, op);
}

static void
app_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  TsHub *self = user_data;

  /* Answers 400 (or 403) itself when the request is no WebSocket
   * handshake. No extension is offered: the hub's frames are small JSON,
   * and ts-ws.c speaks plain RFC 6455. */
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;
  g_signal_connect_data (msg, "wrote-informational", G_CALLBACK (on_wrote_informational),
                         g_object_ref (self), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
}

/* The HTTP API at `/apps/<app_id>/…`. */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  char *text = ts_json_to_string (node);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
}

static void
respond_object (SoupServerMessage *msg,
                JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  respond_json (msg, SOUP_STATUS_OK, node);
}

/* Errors in the API's own form (doc/api.md *Conventions*): the Pusher libraries
 * only read the status and show the body as text. */
static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  g_autoptr(JsonNode) node = NULL;
  const char *code;

  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST: code = "malformed"; break;
    case SOUP_STATUS_UNAUTHORIZED: code = "unauthorized"; break;
    case SOUP_STATUS_NOT_FOUND: code = "not_found"; break;
    case SOUP_STATUS_METHOD_NOT_ALLOWED: code = "malformed"; break;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE: code = "too_large"; break;
    default: code = "internal"; break;
    }

  node = ts_error_to_json (code, message);
  respond_json (msg, status, node);
}

typedef struct {
  const char *name;
  const char *data;
  const char *socket_id;
  const char *info;
  GPtrArray *channels;  /* const char*, borrowed from the request */
} HubEvent;

static void
hub_event_clear (HubEvent *event)
{
  g_clear_pointer (&event->channels, g_ptr_array_unref);
}

/* Checks one event of `events` or `batch_events` and returns the HTTP
 * status of its first fault, or 200. */
static guint
read_event (JsonNode    *node,
            gboolean     in_batch,
            HubEvent    *out,
            char       **out_message)
{
  JsonObject *object;
  JsonNode *channels;
  const char *channel;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      *out_message = g_strdup ("an event must be a JSON object");
      return SOUP_STATUS_BAD_REQUEST;
    }
  object = json_node_get_object (node);

  out->name = object_get_string (object, "name");
  if (out->name == NULL || out->name[0] == '\0' || strlen (out->name) > TS_PUSHER_EVENT_NAME_MAX)
    {
      *out_message = g_strdup ("“name” must be a string of 1 to 200 bytes");
      return SOUP_STATUS_BAD_REQUEST;
    }

  out->data = object_get_string (object, "data");
  if (out->data == NULL)
    {
      *out_message = g_strdup ("“data” must be a string");
      return SOUP_STATUS_BAD_REQUEST;
    }
  if (strlen (out->data) > TS_PUSHER_DATA_MAX)
    {
      *out_message = g_strdup ("“data” is over 10 KB");
      return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    }

  out->channels = g_ptr_array_new ();
  channels = json_object_get_member (object, "channels");
  channel = object_get_string (object, "channel");
  if (channels != NULL && !in_batch && channel == NULL && JSON_NODE_HOLDS_ARRAY (channels))
    {
      JsonArray *array = json_node_get_array (channels);

      if (json_array_get_length (array) > TS_PUSHER_CHANNELS_MAX)
        {
          *out_message = g_strdup ("an event goes to at most 100 channels");
          return SOUP_STATUS_BAD_REQUEST;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              *out_message = g_strdup ("“channels” must hold strings");
              return SOUP_STATUS_BAD_REQUEST;
            }
          g_ptr_array_add (out->channels, (gpointer) json_node_get_string (element));
        }
    }
  else if (channels == NULL && channel != NULL)
    g_ptr_array_add (out->channels, (gpointer) channel);

  if (out->channels->len == 0)
    {
      *out_message = g_strdup (in_batch ? "each event needs “channel”, a string"
                                        : "an event needs “channels”, an array of names, or “channel”");
      return SOUP_STATUS_BAD_REQUEST;
    }
  for (guint i = 0; i < out->channels->len; i++)
    if (!ts_pusher_channel_name_is_valid (g_ptr_array_index (out->channels, i)))
      {
        *out_message = g_strdup_printf ("“%s” is not a valid channel name",
                                        (const char *) g_ptr_array_index (out->channels, i));
        return SOUP_STATUS_BAD_REQUEST;
      }

  if (json_object_has_member (object, "socket_id"))
    {
      out->socket_id = object_get_string (object, "socket_id");
      if (!ts_pusher_socket_id_is_valid (out->socket_id))
        {
          *out_message = g_strdup ("“socket_id” must look like 123.456");
          return SOUP_STATUS_BAD_REQUEST;
        }
    }

  if (json_object_has_member (object, "info"))
    {
      g_auto(GStrv) attributes = NULL;

      out->info = object_get_string (object, "info");
      if (out->info == NULL)
        {
          *out_message = g_strdup ("“info” must be a string");
          return SOUP_STATUS_BAD_REQUEST;
        }
      attributes = g_strsplit (out->info, ",", -1);
      for (guint i = 0; attributes[i] != NULL; i++)
        if (!g_str_equal (attributes[i], "user_count") &&
            !g_str_equal (attributes[i], "subscription_count"))
          {
            *out_message = g_strdup_printf ("unknown info attribute “%s”", attributes[i]);
            return SOUP_STATUS_BAD_REQUEST;
          }
    }

  return SOUP_STATUS_OK;
}

static void
channel_info_locked (TsHub      *self,
                     const char *name,
                     const char *info,
                     JsonObject *out)
{
  TsHubChannel *channel = g_hash_table_lookup (self->channels, name);
  g_auto(GStrv) attributes = g_strsplit (info != NULL ? info : "", ",", -1);

  for (guint i = 0; attributes[i] != NULL; i++)
    {
      if (g_str_equal (attributes[i], "user_count") &&
          ts_pusher_channel_get_type (name) == TS_PUSHER_CHANNEL_PRESENCE)
        json_object_set_int_member (out, "user_count",
                                    channel != NULL ? g_hash_table_size (channel->members) : 0);
      else if (g_str_equal (attributes[i], "subscription_count"))
        json_object_set_int_member (out, "subscription_count",
                                    channel != NULL ? channel->n_subscribers : 0);
    }
}

static void
channel_info (TsHub      *self,
              const char *name,
              const char *info,
              JsonObject *out)
{
  g_mutex_lock (&self->lock);
  channel_info_locked (self, name, info, out);
  g_mutex_unlock (&self->lock);
}

static void
publish_event (TsHub    *self,
               HubEvent *event)
{
  for (guint i = 0; i < event->channels->len; i++)
    ts_hub_publish (self, g_ptr_array_index (event->channels, i),
                    event->name, event->data, event->socket_id);
}

static JsonObject *
event_info (TsHub    *self,
            HubEvent *event)
{
  JsonObject *channels = json_object_new ();

  for (guint i = 0; i < event->channels->len; i++)
    {
      const char *name = g_ptr_array_index (event->channels, i);
      JsonObject *attributes = json_object_new ();

      channel_info (self, name, event->info, attributes);
      json_object_set_object_member (channels, name, attributes);
    }

  return channels;
}

static void
api_events (TsHub             *self,
            SoupServerMessage *msg,
            JsonObject        *body)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autofree char *message = NULL;
  HubEvent event = { 0 };
  guint status;

  json_node_set_object (node, body);
  status = read_event (node, FALSE, &event, &message);
  if (status != SOUP_STATUS_OK)
    {
      respond_error (msg, status, message);
      hub_event_clear (&event);
      return;
    }

  publish_event (self, &event);
  if (event.info != NULL)
    json_object_set_object_member (answer, "channels", event_info (self, &event));
  respond_object (msg, answer);
  hub_event_clear (&event);
}

static void
api_batch_events (TsHub             *self,
                  SoupServerMessage *msg,
                  JsonObject        *body)
{
  JsonNode *batch = json_object_get_member (body, "batch");
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autofree HubEvent *events = NULL;
  JsonArray *array;
  gboolean any_info = FALSE;
  guint n, status = SOUP_STATUS_OK;

  if (batch == NULL || !JSON_NODE_HOLDS_ARRAY (batch))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "“batch” must be an array of events");
      return;
    }
  array = json_node_get_array (batch);
  n = json_array_get_length (array);
  if (n > TS_PUSHER_BATCH_MAX)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "a batch holds at most 10 events");
      return;
    }

  /* Every event is checked before any is sent: a refused batch sends
   * nothing, so the caller can retry all of it. */
  events = g_new0 (HubEvent, MAX (n, 1));
  for (guint i = 0; i < n && status == SOUP_STATUS_OK; i++)
    {
      g_autofree char *message = NULL;

      status = read_event (json_array_get_element (array, i), TRUE, &events[i], &message);
      if (status != SOUP_STATUS_OK)
        {
          g_autofree char *text = g_strdup_printf ("batch[%u]: %s", i, message);

          respond_error (msg, status, text);
        }
      any_info |= events[i].info != NULL;
    }

  if (status == SOUP_STATUS_OK)
    {
      JsonArray *infos = json_array_new ();

      for (guint i = 0; i < n; i++)
        {
          publish_event (self, &events[i]);
          if (events[i].info != NULL)
            {
              JsonObject *attributes = json_object_new ();

              channel_info (self, g_ptr_array_index (events[i].channels, 0),
                            events[i].info, attributes);
              json_array_add_object_element (infos, attributes);
            }
          else
            json_array_add_object_element (infos, json_object_new ());
        }
      if (any_info)
        json_object_set_array_member (answer, "batch", infos);
      else
        json_array_unref (infos);
      respond_object (msg, answer);
    }

  for (guint i = 0; i < n; i++)
    hub_event_clear (&events[i]);
}

static void
api_channels (TsHub             *self,
              SoupServerMessage *msg,
              GHashTable        *params)
{
  const char *prefix = g_hash_table_lookup (params, "filter_by_prefix");
  const char *info = g_hash_table_lookup (params, "info");
  g_autoptr(JsonObject) answer = json_object_new ();
  JsonObject *channels = json_object_new ();
  GHashTableIter iter;
  gpointer name;

  if (info != NULL)
    {
      g_auto(GStrv) attributes = g_strsplit (info, ",", -1);

      for (guint i = 0; attributes[i] != NULL; i++)
        if (!g_str_equal (attributes[i], "user_count"))
          {
            respond_error (msg, SOUP_STATUS_BAD_REQUEST, "info may only be user_count here");
            json_object_unref (channels);
            return;
          }
      if (prefix == NULL || !g_str_has_prefix (prefix, "presence-"))
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                         "info=user_count needs filter_by_prefix=presence-");
          json_object_unref (channels);
          return;
        }
    }

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->channels);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      JsonObject *attributes;

      if (prefix != NULL && !g_str_has_prefix (name, prefix))
        continue;
      attributes = json_object_new ();
      channel_info_locked (self, name, info, attributes);
      json_object_set_object_member (channels, name, attributes);
    }
  g_mutex_unlock (&self->lock);
  json_object_set_object_member (answer, "channels", channels);
  respond_object (msg, answer);
}

static void
api_channel (TsHub             *self,
             SoupServerMessage *msg,
             const char        *name,
             GHashTable        *params)
{
  const char *info = g_hash_table_lookup (params, "info");
  TsPusherChannelType type = ts_pusher_channel_get_type (name);
  g_autoptr(JsonObject) answer = json_object_new ();

  if (type == TS_PUSHER_CHANNEL_INVALID)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid channel name");
      return;
    }
  if (info != NULL)
    {
      g_auto(GStrv) attributes = g_strsplit (info, ",", -1);

      for (guint i = 0; attributes[i] != NULL; i++)
        if (!(g_str_equal (attributes[i], "user_count") && type == TS_PUSHER_CHANNEL_PRESENCE) &&
            !g_str_equal (attributes[i], "subscription_count"))
          {
            g_autofree char *text = g_strdup_printf ("info “%s” is not available for this channel",
                                                     attributes[i]);

            respond_error (msg, SOUP_STATUS_BAD_REQUEST, text);
            return;
          }
    }

  g_mutex_lock (&self->lock);
  json_object_set_boolean_member (answer, "occupied",
                                  g_hash_table_contains (self->channels, name));
  channel_info_locked (self, name, info, answer);
  g_mutex_unlock (&self->lock);
  respond_object (msg, answer);
}

static void
api_channel_users (TsHub             *self,
                   SoupServerMessage *msg,
                   const char        *name)
{
  g_autoptr(JsonObject) answer = json_object_new ();
  JsonArray *users = json_array_new ();
  TsHubChannel *channel;

  if (ts_pusher_channel_get_type (name) != TS_PUSHER_CHANNEL_PRESENCE)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "users are only listed for presence channels");
      json_array_unref (users);
      return;
    }

  g_mutex_lock (&self->lock);
  channel = g_hash_table_lookup (self->channels, name);
  if (channel != NULL)
    {
      GHashTableIter iter;
      gpointer user_id;

      g_hash_table_iter_init (&iter, channel->members);
      while (g_hash_table_iter_next (&iter, &user_id, NULL))
        {
          JsonObject *user = json_object_new ();

          json_object_set_string_member (user, "id", user_id);
          json_array_add_object_element (users, user);
        }
    }
  g_mutex_unlock (&self->lock);
  json_object_set_array_member (answer, "users", users);
  respond_object (msg, answer);
}

static void
http_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  TsHub *self = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *raw_path = g_uri_get_path (uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *rest = NULL;
  const char *after, *slash, *body_data;
  gsize body_size;
  gboolean is_get = g_str_equal (method, "GET");
  gboolean is_post = g_str_equal (method, "POST");

  after = g_str_has_prefix (raw_path, "/apps/") ? raw_path + strlen ("/apps/") : "";
  slash = strchr (after, '/');
  app_id = slash != NULL ? g_strndup (after, slash - after) : g_strdup (after);
  if (!g_str_equal (app_id, self->app_id))
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "unknown app");
      return;
    }
  rest = g_uri_unescape_string (slash != NULL ? slash + 1 : "", NULL);
  if (rest == NULL)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "bad path");
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  body_data = g_bytes_get_data (body, &body_size);
  if (body_size > TS_HUB_MAX_HTTP_BODY)
    {
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "the body is over 256 KiB");
      return;
    }

  params = ts_pusher_query_parse (g_uri_get_query (uri), &error);
  if (params == NULL)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  /* Signed before anything else is looked at, so an unsigned request
   * learns nothing, not even which paths exist. */
  if (!ts_pusher_http_verify (self->key, self->secret, method, raw_path, params,
                              body_data, body_size, g_get_real_time () / G_USEC_PER_SEC,
                              &error))
    {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, error->message);
      return;
    }

  if (g_str_equal (rest, "events") || g_str_equal (rest, "batch_events"))
    {
      g_autoptr(JsonObject) object = NULL;

      if (!is_post)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", "POST");
          respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use POST");
          return;
        }
      object = ts_json_parse_object (body_data, body_size, &error);
      if (object == NULL)
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }
      if (g_str_equal (rest, "events"))
        api_events (self, msg, object);
      else
        api_batch_events (self, msg, object);
    }
  else if (g_str_equal (rest, "channels") || g_str_has_prefix (rest, "channels/"))
    {
      const char *name = rest + strlen ("channels/");

      if (!is_get)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", "GET");
          respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use GET");
        }
      else if (g_str_equal (rest, "channels"))
        api_channels (self, msg, params);
      else if (g_str_has_suffix (name, "/users"))
        {
          g_autofree char *channel = g_strndup (name, strlen (name) - strlen ("/users"));

          api_channel_users (self, msg, channel);
        }
      else
        api_channel (self, msg, name, params);
    }
  else
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
}

/* The object. */

static void
ts_hub_dispose (GObject *object)
{
  TsHub *self = TS_HUB (object);

  g_clear_pointer (&self->door, ts_front_door_free);
  /* Each shard closes and frees its sockets on its own thread. */
  for (guint i = 0; i < self->n_shards; i++)
    {
      TsHubShard *shard = &self->shards[i];
      TsHubOp *op;

      if (shard->thread == NULL)
        continue;
      op = g_new0 (TsHubOp, 1);
      op->type = OP_STOP;
      shard_post (shard, op);
      g_thread_join (g_steal_pointer (&shard->thread));
    }
  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->sockets);
  g_hash_table_remove_all (self->channels);
  g_mutex_unlock (&self->lock);

  G_OBJECT_CLASS (ts_hub_parent_class)->dispose (object);
}

static void
ts_hub_finalize (GObject *object)
{
  TsHub *self = TS_HUB (object);

  for (guint i = 0; i < self->n_shards; i++)
    {
      TsHubShard *shard = &self->shards[i];

      g_queue_clear_full (&shard->queue, (GDestroyNotify) op_free);
      g_mutex_clear (&shard->queue_lock);
      g_hash_table_unref (shard->sockets);
      g_hash_table_unref (shard->channels);
      g_main_loop_unref (shard->loop);
      g_main_context_unref (shard->context);
    }
  g_hash_table_unref (self->sockets);
  g_hash_table_unref (self->channels);
  g_mutex_clear (&self->lock);
  g_free (self->app_id);
  g_free (self->key);
  g_free (self->secret);

  G_OBJECT_CLASS (ts_hub_parent_class)->finalize (object);
}

static void
ts_hub_class_init (TsHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_hub_dispose;
  object_class->finalize = ts_hub_finalize;
}

/* One shard per core by default; TRUESTORY_HUB_SHARDS sets the count, for
 * benchmarks. */
static guint
choose_n_shards (void)
{
  const char *env = g_getenv ("TRUESTORY_HUB_SHARDS");
  guint64 n;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, MAX_SHARDS, &n, NULL))
    return n;
  return CLAMP (g_get_num_processors (), MIN_SHARDS, MAX_SHARDS);
}

/* GLib makes the C locale of g_ascii_strtoull() and its kin on their
 * first call, under a process-wide once-lock; a thread that waits on that
 * lock comes back with errno EAGAIN, and g_ascii_string_to_unsigned()
 * then refuses a good number. The first calls in a fresh server were the
 * door's `protocol=7` and the REST side's path ids at once (three clients
 * coming back after a restart): one client was refused with 4006, or a
 * request with a spurious 404. Made here, before the hub's threads start,
 * no thread ever makes it again. */
static void
make_c_locale_before_threads (void)
{
  g_ascii_strtoull ("0", NULL, 10);
}

static void
ts_hub_init (TsHub *self)
{
  make_c_locale_before_threads ();
  g_mutex_init (&self->lock);
  self->sockets = g_hash_table_new (g_str_hash, g_str_equal);
  self->channels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, channel_free);
  self->activity_timeout_ms = DEFAULT_ACTIVITY_TIMEOUT_MS;
  self->pong_timeout_ms = DEFAULT_PONG_TIMEOUT_MS;

  self->n_shards = choose_n_shards ();
  for (guint i = 0; i < self->n_shards; i++)
    {
      TsHubShard *shard = &self->shards[i];
      g_autofree char *name = g_strdup_printf ("hub-shard-%u", i);

      shard->hub = self;
      shard->index = i;
      shard->context = g_main_context_new ();
      shard->loop = g_main_loop_new (shard->context, FALSE);
      shard->ws = ts_ws_loop_new (shard->context);
      g_mutex_init (&shard->queue_lock);
      g_queue_init (&shard->queue);
      shard->sockets = g_hash_table_new (g_str_hash, g_str_equal);
      shard->channels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, local_free);
      shard->thread = g_thread_new (name, shard_thread, shard);
    }
}

/**
 * ts_hub_new:
 * @app_id: the Pusher app id, the `<app_id>` of `/apps/<app_id>/…`
 * @key: the app key, the `<key>` of `/app/<key>` and of every signature
 * @secret: the app secret
 */
TsHub *
ts_hub_new (const char *app_id,
            const char *key,
            const char *secret)
{
  TsHub *self;

  g_return_val_if_fail (app_id != NULL && app_id[0] != '\0', NULL);
  g_return_val_if_fail (key != NULL && key[0] != '\0', NULL);
  g_return_val_if_fail (secret != NULL && secret[0] != '\0', NULL);

  self = g_object_new (TS_TYPE_HUB, NULL);
  self->app_id = g_strdup (app_id);
  self->key = g_strdup (key);
  self->secret = g_strdup (secret);

  return self;
}

const char *
ts_hub_get_app_id (TsHub *self)
{
  g_return_val_if_fail (TS_IS_HUB (self), NULL);

  return self->app_id;
}

const char *
ts_hub_get_key (TsHub *self)
{
  g_return_val_if_fail (TS_IS_HUB (self), NULL);

  return self->key;
}

/**
 * ts_hub_attach:
 * @server: the server the REST side listens with
 *
 * Serves the WebSocket endpoint at `/app` and the HTTP API at `/apps` on
 * @server. The server's handlers hold a reference on the hub. The
 * WebSockets themselves are served from the hub's own threads.
 */
void
ts_hub_attach (TsHub      *self,
               SoupServer *server)
{
  g_return_if_fail (TS_IS_HUB (self));
  g_return_if_fail (SOUP_IS_SERVER (server));

  soup_server_add_handler (server, "/app", app_cb, g_object_ref (self), g_object_unref);
  soup_server_add_handler (server, "/apps", http_cb, g_object_ref (self), g_object_unref);
}

/**
 * ts_hub_listen:
 * @server: the server ts_hub_attach() attached the hub to
 * @listener: a listening socket, which the hub serves from now on
 *
 * @policy: the body limits and timeouts of every connection
 *
 * Serves @listener: WebSocket handshakes for `/app/` are answered on a
 * thread of the hub's own, bodies over their limit are refused there, and
 * every other connection goes to @server (see ts-front-door.h). In place of
 * soup_server_listen_socket().
 */
gboolean
ts_hub_listen (TsHub                   *self,
               SoupServer              *server,
               GSocket                 *listener,
               const TsFrontDoorPolicy *policy,
               GError                 **error)
{
  g_return_val_if_fail (TS_IS_HUB (self), FALSE);
  g_return_val_if_fail (self->door == NULL, FALSE);

  self->door = ts_front_door_new (listener, server, "/app/", policy, door_upgrade_cb, self, error);
  return self->door != NULL;
}

/**
 * ts_hub_stop_listening:
 *
 * Closes the socket ts_hub_listen() serves; connections already made stay.
 */
void
ts_hub_stop_listening (TsHub *self)
{
  g_return_if_fail (TS_IS_HUB (self));

  g_clear_pointer (&self->door, ts_front_door_free);
}

/**
 * ts_hub_authorize:
 * @socket_id: the socket the client says it has
 * @channel: a private or presence channel
 * @user_id: the member asking
 * @channel_data: (nullable): for a presence channel, the exact text the
 *   client will send back
 *
 * Signs a subscription, and remembers that the socket belongs to @user_id
 * so that ts_hub_evict_user() finds it. Authorizing a socket for a channel
 * it was evicted from lifts the eviction (the REST side has checked the
 * membership again).
 *
 * Returns: (transfer full) (nullable): the `auth` value, or %NULL when
 *   @socket_id or @channel is not valid
 */
char *
ts_hub_authorize (TsHub      *self,
                  const char *socket_id,
                  const char *channel,
                  const char *user_id,
                  const char *channel_data)
{
  TsHubSocket *socket;

  g_return_val_if_fail (TS_IS_HUB (self), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  if (!ts_pusher_socket_id_is_valid (socket_id) || !ts_pusher_channel_name_is_valid (channel))
    return NULL;

  /* Sockets of other hubs (or gone already) are not remembered, so a
   * client cannot grow the hub's memory with made-up socket ids. */
  g_mutex_lock (&self->lock);
  socket = g_hash_table_lookup (self->sockets, socket_id);
  if (socket != NULL)
    {
      strv_array_add (&socket->users, user_id);
      strv_array_remove (socket->revoked, channel);
    }
  g_mutex_unlock (&self->lock);

  return ts_pusher_channel_auth (self->key, self->secret, socket_id, channel,
                                 ts_pusher_channel_get_type (channel) == TS_PUSHER_CHANNEL_PRESENCE
                                 ? channel_data : NULL);
}

/**
 * ts_hub_publish:
 * @data: the event's data, a string (normally JSON text)
 * @exclude_socket_id: (nullable): the socket that made the change
 *
 * Sends an event to every subscriber of @channel but the excluded socket.
 * Events published in order reach each subscriber in that order: each
 * shard takes them in that order, and each socket has one outgoing queue.
 */
void
ts_hub_publish (TsHub      *self,
                const char *channel,
                const char *event,
                const char *data,
                const char *exclude_socket_id)
{
  TsHubChannel *found;
  g_autofree char *text = NULL;

  g_return_if_fail (TS_IS_HUB (self));
  g_return_if_fail (channel != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail (data != NULL);

  text = message_new_string (event, channel, data);
  g_mutex_lock (&self->lock);
  found = g_hash_table_lookup (self->channels, channel);
  if (found != NULL)
    channel_post_locked (self, found, text, exclude_socket_id);
  g_mutex_unlock (&self->lock);
}

/**
 * ts_hub_evict_user:
 *
 * Takes every socket of @user_id off @channel at once, and refuses their
 * subscriptions to it until ts_hub_authorize() signs for them again. Each
 * socket is told with `pusher:subscription_error` (status 403) on the
 * channel: pusher-js hands that to the channel's listeners, the same event
 * it raises when the auth endpoint refuses, so an app handles "you are no
 * longer a member" in one place.
 *
 * The refusal holds from the return; the sockets' shards take them off the
 * channel right after.
 */
void
ts_hub_evict_user (TsHub      *self,
                   const char *channel,
                   const char *user_id)
{
  TsHubChannel *found;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TS_IS_HUB (self));
  g_return_if_fail (channel != NULL);
  g_return_if_fail (user_id != NULL);

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TsHubSocket *socket = value;

      if (strv_array_contains (socket->users, user_id))
        strv_array_add (&socket->revoked, channel);
    }

  /* Sockets on the channel as @user_id's presence member are found by
   * their shards, which own the subscriptions. */
  found = g_hash_table_lookup (self->channels, channel);
  for (guint i = 0; found != NULL && i < self->n_shards; i++)
    {
      TsHubOp *op;

      if (found->n_on_shard[i] == 0)
        continue;
      op = g_new0 (TsHubOp, 1);
      op->type = OP_EVICT;
      op->channel = g_strdup (channel);
      op->user_id = g_strdup (user_id);
      shard_post (&self->shards[i], op);
    }
  g_mutex_unlock (&self->lock);
}

/**
 * ts_hub_close_all:
 * @code: the close code: 4200 tells Pusher clients to reconnect at once
 *
 * Closes every socket, for a graceful stop. Returns once every shard has
 * started the closing handshakes.
 */
void
ts_hub_close_all (TsHub      *self,
                  gushort     code,
                  const char *reason)
{
  TsHubWait wait;

  g_return_if_fail (TS_IS_HUB (self));

  g_mutex_init (&wait.mutex);
  g_cond_init (&wait.cond);
  wait.pending = 0;
  for (guint i = 0; i < self->n_shards; i++)
    {
      TsHubOp *op;

      /* A disposed hub has no shards running, and no sockets. */
      if (self->shards[i].thread == NULL)
        continue;
      g_mutex_lock (&wait.mutex);
      wait.pending++;
      g_mutex_unlock (&wait.mutex);
      op = g_new0 (TsHubOp, 1);
      op->type = OP_CLOSE_ALL;
      op->code = code;
      op->reason = g_strdup (reason);
      op->wait = &wait;
      shard_post (&self->shards[i], op);
    }
  g_mutex_lock (&wait.mutex);
  while (wait.pending > 0)
    g_cond_wait (&wait.cond, &wait.mutex);
  g_mutex_unlock (&wait.mutex);
  g_cond_clear (&wait.cond);
  g_mutex_clear (&wait.mutex);
}

guint
ts_hub_get_n_connections (TsHub *self)
{
  guint n;

  g_return_val_if_fail (TS_IS_HUB (self), 0);

  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->sockets);
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * ts_hub_set_timeouts:
 * @activity_timeout_ms: silence after which the hub pings a socket; also
 *   what the handshake advertises (in whole seconds, at least 1)
 * @pong_timeout_ms: how long the hub then waits before closing with 4201
 *
 * The protocol's defaults are 120 s and 30 s; tests make them short.
 * Sockets connected before the call keep the activity_timeout they were
 * told, but the hub applies the new timeouts to them too.
 */
void
ts_hub_set_timeouts (TsHub *self,
                     guint  activity_timeout_ms,
                     guint  pong_timeout_ms)
{
  g_return_if_fail (TS_IS_HUB (self));
  g_return_if_fail (activity_timeout_ms > 0);
  g_return_if_fail (pong_timeout_ms > 0);

  g_atomic_int_set (&self->activity_timeout_ms, activity_timeout_ms);
  g_atomic_int_set (&self->pong_timeout_ms, pong_timeout_ms);
  for (guint i = 0; i < self->n_shards; i++)
    {
      TsHubOp *op = g_new0 (TsHubOp, 1);

      op->type = OP_SWEEP_UPDATE;
      shard_post (&self->shards[i], op);
    }
}
