/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A Pusher protocol client for tests, on libsoup's WebSocket: connect,
 * read the frames the server sends in order, send frames. */

#include "ws-client.h"

#include "ts-json.h"

/* Waiting. */

gboolean
ws_deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}



static void
on_client_message (SoupWebsocketConnection *connection,
                   int                      type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  Client *client = user_data;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  JsonObject *object;

  /* The hub only ever sends JSON objects in text frames. */
  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  object = ts_json_parse_object (data, size, &error);
  g_assert_no_error (error);
  g_queue_push_tail (&client->messages, object);
}

static void
on_client_closed (SoupWebsocketConnection *connection,
                  gpointer                 user_data)
{
  Client *client = user_data;

  client->closed = TRUE;
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

Client *
client_connect_url (SoupSession *session,
                    const char  *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Client *client = g_new0 (Client, 1);

  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, connect_cb, &result);
  WAIT_UNTIL (result != NULL, TIMEOUT_MS);
  client->connection = soup_session_websocket_connect_finish (session, result, &error);
  g_assert_no_error (error);
  g_queue_init (&client->messages);
  g_signal_connect (client->connection, "message", G_CALLBACK (on_client_message), client);
  g_signal_connect (client->connection, "closed", G_CALLBACK (on_client_closed), client);

  return client;
}

/* Connects as pusher-js does and reads `pusher:connection_established`. */
Client *
client_open_pusher (SoupSession *session,
                    guint        port,
                    const char  *key)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/app/%s"
                                          "?protocol=7&client=js&version=8.6.0&flash=false",
                                          port, key);
  Client *client = client_connect_url (session, url);
  g_autoptr(JsonObject) established = client_expect (client, "pusher:connection_established");
  g_autoptr(JsonObject) data = message_data (established);

  client->socket_id = g_strdup (json_object_get_string_member (data, "socket_id"));
  return client;
}

JsonObject *
client_next (Client *client)
{
  WAIT_UNTIL (!g_queue_is_empty (&client->messages), TIMEOUT_MS);
  return g_queue_pop_head (&client->messages);
}

const char *
message_event (JsonObject *message)
{
  return json_object_get_string_member_with_default (message, "event", NULL);
}

/* The next message, which must be @event. */
JsonObject *
client_expect (Client     *client,
               const char *event)
{
  JsonObject *message = client_next (client);

  g_assert_cmpstr (message_event (message), ==, event);
  return message;
}

/* A double-encoded `data`, decoded. */
JsonObject *
message_data (JsonObject *message)
{
  JsonNode *data = json_object_get_member (message, "data");
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_nonnull (data);
  g_assert_true (JSON_NODE_HOLDS_VALUE (data));
  g_assert_cmpint (json_node_get_value_type (data), ==, G_TYPE_STRING);
  object = ts_json_parse_object (json_node_get_string (data), -1, &error);
  g_assert_no_error (error);
  return object;
}

void
client_send (Client     *client,
             const char *text)
{
  soup_websocket_connection_send_text (client->connection, text);
}

/* A barrier: once the pong is back, everything the hub meant to send this
 * socket before it is in the queue, and the queue must be empty. */
void
client_sync (Client *client)
{
  g_autoptr(JsonObject) pong = NULL;

  client_send (client, "{\"event\":\"pusher:ping\",\"data\":{}}");
  pong = client_next (client);
  g_assert_cmpstr (message_event (pong), ==, "pusher:pong");
  g_assert_true (g_queue_is_empty (&client->messages));
}

void
client_free (Client *client)
{
  g_signal_handlers_disconnect_by_data (client->connection, client);
  g_object_unref (client->connection);
  g_queue_clear_full (&client->messages, (GDestroyNotify) json_object_unref);
  g_free (client->socket_id);
  g_free (client);
}

void
client_close (Client *client)
{
  if (soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  WAIT_UNTIL (client->closed, TIMEOUT_MS);
  client_free (client);
}


char *
subscribe_message (const char *channel,
                   const char *auth,
                   const char *channel_data)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonObject) message = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (data, "channel", channel);
  json_object_set_string_member (data, "auth", auth != NULL ? auth : "");
  if (channel_data != NULL)
    json_object_set_string_member (data, "channel_data", channel_data);
  json_object_set_string_member (message, "event", "pusher:subscribe");
  json_object_set_object_member (message, "data", g_steal_pointer (&data));
  json_node_set_object (node, message);
  return ts_json_to_string (node);
}

/* Authorizes @client for @channel through @server's REST API, as pusher-js
 * does (presence channels with their channel data), and subscribes. */
void
client_subscribe_through (Client     *client,
                          TestServer *server,
                          const char *token,
                          const char *channel)
{
  g_autofree char *form = g_strdup_printf ("socket_id=%s&channel_name=%s", client->socket_id,
                                           channel);
  g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));
  g_autoptr(TestResponse) auth = test_request_full (server, "POST", "/api/v1/realtime/auth", token,
                                                    "application/x-www-form-urlencoded", body,
                                                    NULL);
  g_autofree char *message = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *object;

  assert_status (auth, 200);
  object = test_response_object (auth);
  message = subscribe_message (channel, json_object_get_string_member (object, "auth"),
                               json_object_get_string_member_with_default (object, "channel_data",
                                                                           NULL));
  client_send (client, message);
  answer = client_expect (client, "pusher_internal:subscription_succeeded");
  g_assert_cmpstr (json_object_get_string_member (answer, "channel"), ==, channel);
}
