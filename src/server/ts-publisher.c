/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-publisher"

#include "ts-publisher.h"

#include "ts-json.h"

typedef struct {
  char *channel;
  char *event;
  char *data;
  char *exclude_socket_id;
  /* (nullable): told once the service has taken the event */
  TsPublishSentFunc sent_func;
  gpointer sent_data;
  GDestroyNotify sent_destroy;
} Event;

struct _TsPublisher
{
  GObject parent_instance;

  TsPublishFunc func;
  gpointer user_data;
  GDestroyNotify destroy;

  GQueue queue;
  gboolean sending;
  gboolean in_send_loop;
  guint retry_source;
  guint idle_source;
  guint first_backoff_ms;
  guint max_backoff_ms;
  guint backoff_ms;
};

G_DEFINE_FINAL_TYPE (TsPublisher, ts_publisher, G_TYPE_OBJECT)

static void send_next (TsPublisher *self);

static void
event_free (Event *event)
{
  g_free (event->channel);
  g_free (event->event);
  g_free (event->data);
  g_free (event->exclude_socket_id);
  if (event->sent_destroy != NULL)
    event->sent_destroy (event->sent_data);
  g_free (event);
}

static void
ts_publisher_finalize (GObject *object)
{
  TsPublisher *self = (TsPublisher *)object;

  if (self->queue.length > 0)
    g_warning ("%u events were never published: the server stopped before the "
               "realtime service took them", self->queue.length);
  g_queue_clear_full (&self->queue, (GDestroyNotify) event_free);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->destroy != NULL)
    self->destroy (self->user_data);

  G_OBJECT_CLASS (ts_publisher_parent_class)->finalize (object);
}

static void
ts_publisher_class_init (TsPublisherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_publisher_finalize;
}

static void
ts_publisher_init (TsPublisher *self)
{
  g_queue_init (&self->queue);
  self->first_backoff_ms = 100;
  self->max_backoff_ms = 30000;
}

/**
 * ts_publisher_new:
 * @func: sends one event: to the embedded hub, or to an external service
 *
 * Returns: (transfer full): a publisher
 */
TsPublisher *
ts_publisher_new (TsPublishFunc  func,
                  gpointer       user_data,
                  GDestroyNotify destroy)
{
  TsPublisher *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (TS_TYPE_PUBLISHER, NULL);
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  self->backoff_ms = self->first_backoff_ms;
  return self;
}

void
ts_publisher_set_backoff (TsPublisher *self,
                          guint        first_ms,
                          guint        max_ms)
{
  g_return_if_fail (TS_IS_PUBLISHER (self));
  g_return_if_fail (first_ms > 0 && max_ms >= first_ms);

  self->first_backoff_ms = self->backoff_ms = first_ms;
  self->max_backoff_ms = max_ms;
}

static gboolean
retry_cb (gpointer data)
{
  TsPublisher *self = data;

  self->retry_source = 0;
  send_next (self);
  return G_SOURCE_REMOVE;
}

static void
sent_cb (gpointer  publisher,
         GError   *error)
{
  TsPublisher *self = publisher;

  self->sending = FALSE;
  if (error != NULL)
    {
      g_message ("Publishing an event failed, retrying in %u ms: %s",
                 self->backoff_ms, error->message);
      self->retry_source = g_timeout_add (self->backoff_ms, retry_cb, self);
      self->backoff_ms = MIN (self->backoff_ms * 2, self->max_backoff_ms);
      g_object_unref (self);
      return;
    }

  self->backoff_ms = self->first_backoff_ms;
  {
    Event *sent = g_queue_pop_head (&self->queue);

    if (sent->sent_func != NULL)
      sent->sent_func (sent->sent_data);
    event_free (sent);
  }
  send_next (self);
  g_object_unref (self);
}

/* Sends events one at a time. A sink that answers at once (the embedded
 * hub) is looped over rather than recursed into, however long the queue. */
static void
send_next (TsPublisher *self)
{
  Event *event;

  if (self->in_send_loop)
    return;

  self->in_send_loop = TRUE;
  while ((event = g_queue_peek_head (&self->queue)) != NULL &&
         !self->sending && self->retry_source == 0)
    {
      /* The reference is the callback's: no publish outlives its publisher. */
      self->sending = TRUE;
      self->func (event->channel, event->event, event->data, event->exclude_socket_id,
                  sent_cb, g_object_ref (self), self->user_data);
    }
  self->in_send_loop = FALSE;
}

static gboolean
idle_send_cb (gpointer data)
{
  TsPublisher *self = data;

  self->idle_source = 0;
  send_next (self);
  return G_SOURCE_REMOVE;
}

/**
 * ts_publisher_publish:
 *
 * Queues an event. Sending starts from the main loop, so the REST answer
 * that caused it goes out first.
 */
void
ts_publisher_publish (TsPublisher *self,
                      const char  *channel,
                      const char  *event_name,
                      const char  *data,
                      const char  *exclude_socket_id)
{
  ts_publisher_publish_full (self, channel, event_name, data, exclude_socket_id, NULL, NULL,
                             NULL);
}

/**
 * ts_publisher_publish_full:
 * @sent_func: (nullable): called once the service has taken the event
 *
 * Queues an event, as ts_publisher_publish() does, and says when it is
 * out (a publisher from the database marks it published then).
 */
void
ts_publisher_publish_full (TsPublisher       *self,
                           const char        *channel,
                           const char        *event_name,
                           const char        *data,
                           const char        *exclude_socket_id,
                           TsPublishSentFunc  sent_func,
                           gpointer           sent_data,
                           GDestroyNotify     sent_destroy)
{
  Event *event;

  g_return_if_fail (TS_IS_PUBLISHER (self));

  event = g_new0 (Event, 1);
  event->channel = g_strdup (channel);
  event->event = g_strdup (event_name);
  event->data = g_strdup (data);
  event->exclude_socket_id = g_strdup (exclude_socket_id);
  event->sent_func = sent_func;
  event->sent_data = sent_data;
  event->sent_destroy = sent_destroy;
  g_queue_push_tail (&self->queue, event);

  if (self->idle_source == 0)
    self->idle_source = g_idle_add (idle_send_cb, self);
}

/**
 * ts_publisher_publish_change:
 *
 * Publishes a project's change on `private-project-<id>`, thin when its
 * data would pass the 10 KB limit.
 */
void
ts_publisher_publish_change (TsPublisher *self,
                             gint64       project_id,
                             TsChange    *change,
                             const char  *exclude_socket_id)
{
  ts_publisher_publish_change_full (self, project_id, change, exclude_socket_id, NULL, NULL,
                                    NULL);
}

void
ts_publisher_publish_change_full (TsPublisher       *self,
                                  gint64             project_id,
                                  TsChange          *change,
                                  const char        *exclude_socket_id,
                                  TsPublishSentFunc  sent_func,
                                  gpointer           sent_data,
                                  GDestroyNotify     sent_destroy)
{
  g_autofree char *channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);
  g_autofree char *data = ts_change_to_event_data (change);

  ts_publisher_publish_full (self, channel, ts_event_kind_to_string (change->kind), data,
                             exclude_socket_id, sent_func, sent_data, sent_destroy);
}

guint
ts_publisher_get_n_pending (TsPublisher *self)
{
  g_return_val_if_fail (TS_IS_PUBLISHER (self), 0);

  return self->queue.length;
}

static void
publish_to_hub (const char    *channel,
                const char    *event,
                const char    *data,
                const char    *exclude_socket_id,
                TsPublishDone  callback,
                gpointer       callback_data,
                gpointer       user_data)
{
  ts_hub_publish (user_data, channel, event, data, exclude_socket_id);
  callback (callback_data, NULL);
}

/**
 * ts_publisher_new_for_hub:
 *
 * Returns: (transfer full): a publisher to the embedded hub, which takes
 *   every event at once
 */
TsPublisher *
ts_publisher_new_for_hub (TsHub *hub)
{
  g_return_val_if_fail (TS_IS_HUB (hub), NULL);

  return ts_publisher_new (publish_to_hub, g_object_ref (hub), g_object_unref);
}

typedef struct {
  TsPublishDone callback;
  gpointer callback_data;
} Pending;

static void
triggered_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Pending *pending = data;
  g_autoptr(GError) error = NULL;

  ts_pusher_client_trigger_finish (TS_PUSHER_CLIENT (source), result, &error);
  pending->callback (pending->callback_data, error);
  g_free (pending);
}

static void
publish_to_service (const char    *channel,
                    const char    *event,
                    const char    *data,
                    const char    *exclude_socket_id,
                    TsPublishDone  callback,
                    gpointer       callback_data,
                    gpointer       user_data)
{
  Pending *pending = g_new (Pending, 1);

  pending->callback = callback;
  pending->callback_data = callback_data;
  ts_pusher_client_trigger_async (user_data, channel, event, data, exclude_socket_id,
                                  NULL, triggered_cb, pending);
}

/**
 * ts_publisher_new_for_service:
 * @client: the client of an external Pusher-compatible service
 *
 * Returns: (transfer full): a publisher through that service's HTTP API,
 *   retrying each event until the service takes it
 */
TsPublisher *
ts_publisher_new_for_service (TsPusherClient *client)
{
  g_return_val_if_fail (TS_IS_PUSHER_CLIENT (client), NULL);

  return ts_publisher_new (publish_to_service, g_object_ref (client), g_object_unref);
}
