/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ts-change.h"
#include "ts-hub.h"
#include "ts-pusher-client.h"

G_BEGIN_DECLS

/*
 * TsPublisher: the queue between committed changes and the realtime
 * service. Events leave in commit order, after the REST answer, and a
 * failed publish is retried (with backoff) until it succeeds, so a change
 * is never dropped between the database and the subscribers.
 */

/**
 * TsPublishFunc:
 * @channel: the channel
 * @event: the event name
 * @data: the event's data, a JSON text
 * @exclude_socket_id: (nullable): the socket that caused it
 * @callback: call when done, with the outcome
 *
 * Sends one event; the publisher sends the next only after @callback.
 */
typedef void (*TsPublishDone) (gpointer  publisher,
                               GError   *error);
typedef void (*TsPublishFunc) (const char    *channel,
                               const char    *event,
                               const char    *data,
                               const char    *exclude_socket_id,
                               TsPublishDone  callback,
                               gpointer       callback_data,
                               gpointer       user_data);

typedef void (*TsPublishSentFunc) (gpointer data);

#define TS_TYPE_PUBLISHER (ts_publisher_get_type ())

G_DECLARE_FINAL_TYPE (TsPublisher, ts_publisher, TS, PUBLISHER, GObject)

TsPublisher *ts_publisher_new            (TsPublishFunc  func,
                                          gpointer       user_data,
                                          GDestroyNotify destroy);
TsPublisher *ts_publisher_new_for_hub     (TsHub         *hub);
TsPublisher *ts_publisher_new_for_service (TsPusherClient *client);
void         ts_publisher_publish_change (TsPublisher   *self,
                                          gint64         project_id,
                                          TsChange      *change,
                                          const char    *exclude_socket_id);
void         ts_publisher_publish        (TsPublisher   *self,
                                          const char    *channel,
                                          const char    *event,
                                          const char    *data,
                                          const char    *exclude_socket_id);
void         ts_publisher_publish_full   (TsPublisher   *self,
                                          const char    *channel,
                                          const char    *event,
                                          const char    *data,
                                          const char    *exclude_socket_id,
                                          TsPublishSentFunc sent_func,
                                          gpointer       sent_data,
                                          GDestroyNotify sent_destroy);
void         ts_publisher_publish_change_full (TsPublisher *self,
                                          gint64         project_id,
                                          TsChange      *change,
                                          const char    *exclude_socket_id,
                                          TsPublishSentFunc sent_func,
                                          gpointer       sent_data,
                                          GDestroyNotify sent_destroy);
guint        ts_publisher_get_n_pending  (TsPublisher   *self);
void         ts_publisher_set_backoff    (TsPublisher   *self,
                                          guint          first_ms,
                                          guint          max_ms);

G_END_DECLS
