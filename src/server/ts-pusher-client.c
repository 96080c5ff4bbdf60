/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-pusher-client"

#include "ts-pusher-client.h"

#include <libsoup/soup.h>
#include <string.h>

#include "ts-json.h"
#include "ts-pusher.h"

struct _TsPusherClient
{
  GObject parent_instance;

  SoupSession *session;
  char *scheme;
  char *host;
  guint port;
  char *base_path;  /* `/apps/<app_id>`, as written in the URL */
  char *app_id;
  char *key;
  char *secret;
};

G_DEFINE_FINAL_TYPE (TsPusherClient, ts_pusher_client, G_TYPE_OBJECT)

static void
ts_pusher_client_dispose (GObject *object)
{
  TsPusherClient *self = TS_PUSHER_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ts_pusher_client_parent_class)->dispose (object);
}

static void
ts_pusher_client_finalize (GObject *object)
{
  TsPusherClient *self = TS_PUSHER_CLIENT (object);

  g_free (self->scheme);
  g_free (self->host);
  g_free (self->base_path);
  g_free (self->app_id);
  g_free (self->key);
  g_free (self->secret);

  G_OBJECT_CLASS (ts_pusher_client_parent_class)->finalize (object);
}

static void
ts_pusher_client_class_init (TsPusherClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_pusher_client_dispose;
  object_class->finalize = ts_pusher_client_finalize;
}

static void
ts_pusher_client_init (TsPusherClient *self)
{
  /* A request that takes longer than this is reported as a failure, which
   * the caller retries; a stuck service must not hold changes forever. */
  self->session = soup_session_new_with_options ("timeout", 30,
                                                 "user-agent", "truestory-server",
                                                 NULL);
}

static gboolean
bad_url (GError     **error,
         const char  *why)
{
  g_set_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED,
               "The Pusher URL must look like http://KEY:SECRET@HOST:PORT/apps/APP_ID: %s", why);
  return FALSE;
}

/**
 * ts_pusher_client_new:
 * @url: `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID`, the form the
 *   Pusher libraries and soketi document as `PUSHER_URL`
 *
 * Returns: (transfer full) (nullable): the client, or %NULL with
 *   %TS_PUSHER_ERROR_MALFORMED when @url is not of that form
 */
TsPusherClient *
ts_pusher_client_new (const char  *url,
                      GError     **error)
{
  g_autoptr(TsPusherClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme, *user, *password, *host, *path;
  g_autofree char *trimmed = NULL;
  int port;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH, &local_error);
  if (uri == NULL)
    {
      bad_url (error, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  user = g_uri_get_user (uri);
  password = g_uri_get_password (uri);
  host = g_uri_get_host (uri);
  path = g_uri_get_path (uri);
  port = g_uri_get_port (uri);

  if (!g_str_equal (scheme, "http") && !g_str_equal (scheme, "https"))
    {
      bad_url (error, "the scheme is not http or https");
      return NULL;
    }
  if (user == NULL || user[0] == '\0' || password == NULL || password[0] == '\0')
    {
      bad_url (error, "the key and the secret are missing");
      return NULL;
    }
  if (host == NULL || host[0] == '\0')
    {
      bad_url (error, "the host is missing");
      return NULL;
    }

  trimmed = g_strdup (path);
  if (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  if (!g_str_has_prefix (trimmed, "/apps/") || trimmed[strlen ("/apps/")] == '\0' ||
      strchr (trimmed + strlen ("/apps/"), '/') != NULL)
    {
      bad_url (error, "the path is not /apps/APP_ID");
      return NULL;
    }

  self = g_object_new (TS_TYPE_PUSHER_CLIENT, NULL);
  self->scheme = g_strdup (scheme);
  self->host = g_strdup (host);
  self->port = port > 0 ? (guint) port : g_str_equal (scheme, "https") ? 443 : 80;
  self->app_id = g_uri_unescape_string (trimmed + strlen ("/apps/"), NULL);
  self->base_path = g_steal_pointer (&trimmed);
  self->key = g_strdup (user);
  self->secret = g_strdup (password);
  if (self->app_id == NULL)
    {
      bad_url (error, "the app id is badly escaped");
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
ts_pusher_client_get_app_id (TsPusherClient *self)
{
  g_return_val_if_fail (TS_IS_PUSHER_CLIENT (self), NULL);

  return self->app_id;
}

const char *
ts_pusher_client_get_key (TsPusherClient *self)
{
  g_return_val_if_fail (TS_IS_PUSHER_CLIENT (self), NULL);

  return self->key;
}

/* The REST side signs channel authorizations for the external service with
 * it (ts_pusher_channel_auth()). */
const char *
ts_pusher_client_get_secret (TsPusherClient *self)
{
  g_return_val_if_fail (TS_IS_PUSHER_CLIENT (self), NULL);

  return self->secret;
}

const char *
ts_pusher_client_get_host (TsPusherClient *self)
{
  g_return_val_if_fail (TS_IS_PUSHER_CLIENT (self), NULL);

  return self->host;
}

guint
ts_pusher_client_get_port (TsPusherClient *self)
{
  g_return_val_if_fail (TS_IS_PUSHER_CLIENT (self), 0);

  return self->port;
}

gboolean
ts_pusher_client_get_tls (TsPusherClient *self)
{
  g_return_val_if_fail (TS_IS_PUSHER_CLIENT (self), FALSE);

  return g_str_equal (self->scheme, "https");
}

/* The one place an HTTP status becomes an error code. */
static GError *
error_for_status (guint       status,
                  GBytes     *body)
{
  g_autofree char *text = NULL;
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  TsPusherError code;

  if (status == SOUP_STATUS_REQUEST_TIMEOUT || status == 429 /* Too Many Requests */ ||
      status >= 500 || status < 100)
    code = TS_PUSHER_ERROR_UNAVAILABLE;
  else
    code = TS_PUSHER_ERROR_REFUSED;

  /* The body is the service's explanation: worth a line in the log, not
   * a whole page. */
  text = g_utf8_make_valid (data != NULL ? data : "", MIN (size, 200));
  return g_error_new (TS_PUSHER_ERROR, code, "The Pusher service answered %u %s: %s",
                      status, soup_status_get_phrase (status), text);
}

static void
trigger_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (msg);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error_for_status (status, body));
}

/**
 * ts_pusher_client_trigger_async:
 * @channel: the channel
 * @event: the event name
 * @data: the event's data, a string (normally JSON text), at most 10 KB
 * @exclude_socket_id: (nullable): a socket of the service not to send to
 *
 * `POST /apps/<app_id>/events` with the body the `pusher` library sends.
 */
void
ts_pusher_client_trigger_async (TsPusherClient      *self,
                                const char          *channel,
                                const char          *event,
                                const char          *data,
                                const char          *exclude_socket_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  JsonArray *channels;
  char *body;

  g_return_if_fail (TS_IS_PUSHER_CLIENT (self));
  g_return_if_fail (channel != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_pusher_client_trigger_async);

  json_object_set_string_member (object, "name", event);
  json_object_set_string_member (object, "data", data);
  channels = json_array_new ();
  json_array_add_string_element (channels, channel);
  json_object_set_array_member (object, "channels", channels);
  if (exclude_socket_id != NULL)
    json_object_set_string_member (object, "socket_id", exclude_socket_id);
  json_node_set_object (node, object);
  body = ts_json_to_string (node);
  bytes = g_bytes_new_take (body, strlen (body));

  path = g_strconcat (self->base_path, "/events", NULL);
  query = ts_pusher_http_sign_query (self->key, self->secret, "POST", path, NULL,
                                     body, strlen (body),
                                     g_get_real_time () / G_USEC_PER_SEC);
  uri = g_uri_build (G_URI_FLAGS_ENCODED, self->scheme, NULL, self->host, self->port,
                     path, query, NULL);
  msg = soup_message_new_from_uri ("POST", uri);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    trigger_cb, g_steal_pointer (&task));
}

/**
 * ts_pusher_client_trigger_finish:
 *
 * Returns: %TRUE when the service took the event. On failure the error is
 *   %TS_PUSHER_ERROR_REFUSED (a 4xx: the same request will fail again),
 *   %TS_PUSHER_ERROR_UNAVAILABLE (5xx, 408, 429), or the network's own
 *   error (G_IO_ERROR, G_RESOLVER_ERROR, G_TLS_ERROR…), both worth a retry.
 */
gboolean
ts_pusher_client_trigger_finish (TsPusherClient  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (TS_IS_PUSHER_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ts_pusher_client_trigger_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
