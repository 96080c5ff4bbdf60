/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-api-client"

/* The client of doc/api.md's REST API. Every endpoint is the same exchange:
 * build a request (path, token, socket id, a body made by the core codec),
 * send it, read the whole answer, map an error status through
 * ts_sync_error_new_for_status(), and read a success with the codec. Only
 * that last step differs per endpoint, so each endpoint is an `_async`
 * that names its request and its reader, and a `_finish` that hands out
 * what the reader kept. */

#include "ts-api-client.h"

#include <string.h>

#define API_PREFIX "/api/v1"
/* libsoup names no PATCH method. */
#define METHOD_PATCH "PATCH"

struct _TsApiClient
{
  GObject parent_instance;

  char *base_url;
  SoupSession *session;
  char *token;
  char *socket_id;
  char *auth_endpoint;
};

G_DEFINE_FINAL_TYPE (TsApiClient, ts_api_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_SESSION,
  PROP_TOKEN,
  PROP_SOCKET_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_UNAUTHORIZED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* TsRealtimeInfo */

TsRealtimeInfo *
ts_realtime_info_copy (const TsRealtimeInfo *self)
{
  TsRealtimeInfo *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TsRealtimeInfo, 1);
  copy->driver = g_strdup (self->driver);
  copy->key = g_strdup (self->key);
  copy->ws_host = g_strdup (self->ws_host);
  copy->ws_port = self->ws_port;
  copy->ws_path = g_strdup (self->ws_path);
  copy->tls = self->tls;
  copy->auth_endpoint = g_strdup (self->auth_endpoint);
  return copy;
}

void
ts_realtime_info_free (TsRealtimeInfo *self)
{
  if (self == NULL)
    return;
  g_free (self->driver);
  g_free (self->key);
  g_free (self->ws_host);
  g_free (self->ws_path);
  g_free (self->auth_endpoint);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (TsRealtimeInfo, ts_realtime_info, ts_realtime_info_copy, ts_realtime_info_free)

/* What an exchange produced: the value a `_finish` hands out and the
 * numbers some answers carry beside it. One shape for every endpoint keeps
 * a single completion path. */
typedef struct {
  gpointer value;
  GDestroyNotify value_free;
  gint64 version;
  gboolean more;
  char *text;
  TsStoryFields conflicts;
  /* A refusal that carries data (the 409 of a patch): the error goes out
   * with the value instead of in its place. */
  GError *error;
} Reply;

static void
reply_free (Reply *reply)
{
  if (reply->value != NULL && reply->value_free != NULL)
    reply->value_free (reply->value);
  g_free (reply->text);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* Reads a success's body into @reply, or says why it is not what doc/api.md
 * says (in any domain: the caller makes it TS_SYNC_ERROR_PROTOCOL). */
typedef gboolean (*ParseFunc) (TsApiClient  *self,
                               Reply        *reply,
                               GBytes       *body,
                               GError      **error);

typedef struct {
  SoupMessage *msg;
  /* Copied from @msg, so that a worker thread reads no SoupMessage. */
  char *method;
  char *path;
  guint status;
  GBytes *body;
  ParseFunc parse;
  /* Reads the body of a 409 when the endpoint's refusal carries data. */
  ParseFunc parse_conflict;
  /* Whether @parse runs in a worker thread (it must not touch the client). */
  gboolean in_thread;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->msg);
  g_free (call->method);
  g_free (call->path);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call);
}

/* Answers. */

static gboolean
take_value (Reply          *reply,
            gpointer        value,
            GDestroyNotify  value_free)
{
  reply->value = value;
  reply->value_free = value_free;
  return value != NULL;
}

static JsonObject *
read_object (GBytes  *body,
             GError **error)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  return ts_json_parse_object (data != NULL ? data : "", size, error);
}

static JsonNode *
read_member (JsonObject  *object,
             const char  *name,
             GType        type,
             const char  *description,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gboolean good;

  if (node == NULL)
    good = FALSE;
  else if (type == JSON_TYPE_OBJECT)
    good = JSON_NODE_HOLDS_OBJECT (node);
  else if (type == JSON_TYPE_ARRAY)
    good = JSON_NODE_HOLDS_ARRAY (node);
  else
    good = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;

  if (!good)
    {
      g_set_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL, "“%s” must be %s",
                   name, description);
      return NULL;
    }
  return node;
}

static const char *
read_string (JsonObject  *object,
             const char  *name,
             GError     **error)
{
  JsonNode *node = read_member (object, name, G_TYPE_STRING, "a string", error);

  return node != NULL ? json_node_get_string (node) : NULL;
}

static gboolean
read_int (JsonObject  *object,
          const char  *name,
          gint64      *out_value,
          GError     **error)
{
  JsonNode *node = read_member (object, name, G_TYPE_INT64, "an integer", error);

  if (node == NULL)
    return FALSE;
  *out_value = json_node_get_int (node);
  return TRUE;
}

static JsonObject *
read_object_member (JsonObject  *object,
                    const char  *name,
                    GError     **error)
{
  JsonNode *node = read_member (object, name, JSON_TYPE_OBJECT, "an object", error);

  return node != NULL ? json_node_get_object (node) : NULL;
}

static gboolean
parse_user (TsApiClient  *self,
            Reply        *reply,
            GBytes       *body,
            GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL && take_value (reply, ts_user_from_json (object, error), g_object_unref);
}

/* `{"token", "user"}`: the client signs its later requests with the token. */
static gboolean
parse_session (TsApiClient  *self,
               Reply        *reply,
               GBytes       *body,
               GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);
  JsonObject *user;
  const char *token;

  if (object == NULL ||
      (token = read_string (object, "token", error)) == NULL ||
      (user = read_object_member (object, "user", error)) == NULL ||
      !take_value (reply, ts_user_from_json (user, error), g_object_unref))
    return FALSE;

  ts_api_client_set_token (self, token);
  return TRUE;
}

/* The answer of a sign-out is the user whose token it revoked. */
static gboolean
parse_signed_out (TsApiClient  *self,
                  Reply        *reply,
                  GBytes       *body,
                  GError      **error)
{
  if (!parse_user (self, reply, body, error))
    return FALSE;
  ts_api_client_set_token (self, NULL);
  return TRUE;
}

static gboolean
parse_realtime (TsApiClient  *self,
                Reply        *reply,
                GBytes       *body,
                GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);
  g_autoptr(TsRealtimeInfo) info = g_new0 (TsRealtimeInfo, 1);
  const char *strings[5] = { NULL };
  JsonNode *tls;
  gint64 port = 0;

  if (object == NULL ||
      (strings[0] = read_string (object, "driver", error)) == NULL ||
      (strings[1] = read_string (object, "key", error)) == NULL ||
      (strings[2] = read_string (object, "ws_host", error)) == NULL ||
      !read_int (object, "ws_port", &port, error) ||
      (strings[3] = read_string (object, "ws_path", error)) == NULL ||
      (tls = read_member (object, "tls", G_TYPE_BOOLEAN, "true or false", error)) == NULL ||
      (strings[4] = read_string (object, "auth_endpoint", error)) == NULL)
    return FALSE;
  if (port < 1 || port > G_MAXUINT16)
    {
      g_set_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL,
                   "“ws_port” must be a port, 1 to 65535");
      return FALSE;
    }

  info->driver = g_strdup (strings[0]);
  info->key = g_strdup (strings[1]);
  info->ws_host = g_strdup (strings[2]);
  info->ws_port = (guint) port;
  info->ws_path = g_strdup (strings[3]);
  info->tls = json_node_get_boolean (tls);
  info->auth_endpoint = g_strdup (strings[4]);
  return take_value (reply, g_steal_pointer (&info), (GDestroyNotify) ts_realtime_info_free);
}

/* `{"auth"}`, plus `"channel_data"` for a presence channel. */
static gboolean
parse_channel_auth (TsApiClient  *self,
                    Reply        *reply,
                    GBytes       *body,
                    GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);
  const char *auth;

  if (object == NULL || (auth = read_string (object, "auth", error)) == NULL)
    return FALSE;
  if (json_object_has_member (object, "channel_data"))
    {
      const char *channel_data = read_string (object, "channel_data", error);

      if (channel_data == NULL)
        return FALSE;
      reply->text = g_strdup (channel_data);
    }
  return take_value (reply, g_strdup (auth), g_free);
}

static gboolean
parse_projects (TsApiClient  *self,
                Reply        *reply,
                GBytes       *body,
                GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL &&
         take_value (reply, ts_projects_from_json (object, error), (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
parse_project (TsApiClient  *self,
               Reply        *reply,
               GBytes       *body,
               GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL && take_value (reply, ts_project_from_json (object, error), g_object_unref);
}

/* `{"id", "version"}`, the answer of every delete. */
static gboolean
parse_deleted (TsApiClient  *self,
               Reply        *reply,
               GBytes       *body,
               GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);
  gint64 id;

  return object != NULL &&
         read_int (object, "id", &id, error) &&
         read_int (object, "version", &reply->version, error);
}

/* An override with the project version its change produced. */
static gboolean
parse_iteration (TsApiClient  *self,
                 Reply        *reply,
                 GBytes       *body,
                 GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);
  TsIterationOverride override;

  if (object == NULL ||
      !ts_iteration_override_from_json (object, &override, error) ||
      !read_int (object, "version", &reply->version, error))
    return FALSE;
  return take_value (reply, ts_iteration_override_copy (&override),
                     (GDestroyNotify) ts_iteration_override_free);
}

static gboolean
parse_members (TsApiClient  *self,
               Reply        *reply,
               GBytes       *body,
               GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL &&
         take_value (reply, ts_members_from_json (object, error), (GDestroyNotify) g_ptr_array_unref);
}

/* Straight from the text, without a tree: a project may hold thousands of
 * stories (src/DESIGN.md, JSON). */
static gboolean
parse_stories (TsApiClient  *self,
               Reply        *reply,
               GBytes       *body,
               GError      **error)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  return take_value (reply,
                     ts_stories_from_json_data (data != NULL ? data : "", size, &reply->version, error),
                     (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
parse_story (TsApiClient  *self,
             Reply        *reply,
             GBytes       *body,
             GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL && take_value (reply, ts_story_from_json (object, error), g_object_unref);
}

/* The 409 of a patch: `{"error", "story", "conflicts": [names]}`. A field
 * name this client does not know (from a newer server) is left out, as the
 * resource readers leave out members they do not know. */
static gboolean
parse_conflict (TsApiClient  *self,
                Reply        *reply,
                GBytes       *body,
                GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);
  JsonObject *story;
  JsonNode *conflicts;
  JsonArray *names;

  if (object == NULL ||
      (story = read_object_member (object, "story", error)) == NULL ||
      (conflicts = read_member (object, "conflicts", JSON_TYPE_ARRAY, "an array of field names",
                                error)) == NULL ||
      !take_value (reply, ts_story_from_json (story, error), g_object_unref))
    return FALSE;

  names = json_node_get_array (conflicts);
  for (guint i = 0; i < json_array_get_length (names); i++)
    {
      JsonNode *name = json_array_get_element (names, i);
      TsStoryFields field;

      if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
        {
          g_set_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL,
                       "“conflicts”[%u] must be a field name", i);
          return FALSE;
        }
      if (ts_story_field_from_string (json_node_get_string (name), &field))
        reply->conflicts |= field;
    }
  return TRUE;
}

static gboolean
parse_comments (TsApiClient  *self,
                Reply        *reply,
                GBytes       *body,
                GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL &&
         take_value (reply, ts_comments_from_json (object, error), (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
parse_comment (TsApiClient  *self,
               Reply        *reply,
               GBytes       *body,
               GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL && take_value (reply, ts_comment_from_json (object, error), g_object_unref);
}

static gboolean
parse_changes (TsApiClient  *self,
               Reply        *reply,
               GBytes       *body,
               GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL &&
         take_value (reply, ts_changes_from_json (object, &reply->version, &reply->more, error),
                     (GDestroyNotify) g_ptr_array_unref);
}

/* The plan stays JSON: the app computes its own plan with the same planner
 * (src/DESIGN.md), so the served one is for comparison and for clients
 * that do not plan. */
static gboolean
parse_plan (TsApiClient  *self,
            Reply        *reply,
            GBytes       *body,
            GError      **error)
{
  return take_value (reply, read_object (body, error), (GDestroyNotify) json_object_unref);
}

/* The exchange. */

/* A request to `/api/v1` + the path, signed with the token. @body, which
 * the request takes, is sent as JSON. */
static SoupMessage *
new_message (TsApiClient *self,
             const char  *method,
             JsonNode    *body,
             const char  *path_format,
             ...) G_GNUC_PRINTF (4, 5);

static SoupMessage *new_message_for_url (TsApiClient *self,
                                         const char  *method,
                                         JsonNode    *body,
                                         const char  *url);

static SoupMessage *
new_message (TsApiClient *self,
             const char  *method,
             JsonNode    *body,
             const char  *path_format,
             ...)
{
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  SoupMessage *msg;
  va_list args;

  va_start (args, path_format);
  path = g_strdup_vprintf (path_format, args);
  va_end (args);

  url = g_strconcat (self->base_url, API_PREFIX, path, NULL);
  msg = new_message_for_url (self, method, body, url);
  /* The base URL was checked when the client was made, and paths are ours. */
  g_assert (msg != NULL);
  return msg;
}

/* The same, to any URL; NULL if it is not one. */
static SoupMessage *
new_message_for_url (TsApiClient *self,
                     const char  *method,
                     JsonNode    *body,
                     const char  *url)
{
  g_autoptr(JsonNode) owned_body = body;
  SoupMessageHeaders *headers;
  SoupMessage *msg;

  msg = soup_message_new (method, url);
  if (msg == NULL)
    return NULL;

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  /* Every request but a read may change something, and the socket must
   * not get the event of its own change (doc/api.md). */
  if (self->socket_id != NULL && strcmp (method, SOUP_METHOD_GET) != 0)
    soup_message_headers_replace (headers, "X-Socket-ID", self->socket_id);

  if (owned_body != NULL)
    {
      g_autofree char *text = ts_json_to_string (owned_body);
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return msg;
}

static void
set_idempotency_key (SoupMessage *msg,
                     const char  *idempotency_key)
{
  if (idempotency_key == NULL)
    return;
  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                "Idempotency-Key", idempotency_key);
  /* A keyed POST is safe to send again, so libsoup may send it on a kept
   * connection (it opens a new one for every other POST). */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
}

static GTask *
new_task (TsApiClient         *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_new0 (Call, 1), (GDestroyNotify) call_free);
  return task;
}

/* What a received answer means: a Reply, or an error in TS_SYNC_ERROR. */
static Reply *
read_answer (TsApiClient  *self,
             Call         *call,
             GError      **error)
{
  g_autoptr(Reply) reply = g_new0 (Reply, 1);
  g_autoptr(GError) parse_error = NULL;
  ParseFunc parse = call->parse;

  if (!SOUP_STATUS_IS_SUCCESSFUL (call->status))
    {
      reply->error = ts_sync_error_new_for_status (call->status, call->body);
      if (call->status != SOUP_STATUS_CONFLICT || call->parse_conflict == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&reply->error));
          return NULL;
        }
      parse = call->parse_conflict;
    }

  if (!parse (self, reply, call->body, &parse_error))
    {
      g_propagate_error (error, ts_sync_error_new_for_answer (parse_error, call->method, call->path));
      return NULL;
    }
  return g_steal_pointer (&reply);
}

static void
return_reply (GTask  *task,
              Reply  *reply,
              GError *error)
{
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) reply_free);
}

static void
read_in_thread (GTask        *inner,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  Reply *reply = read_answer (NULL, task_data, &error);

  return_reply (inner, reply, error);
}

static void
read_in_thread_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  Reply *reply = g_task_propagate_pointer (G_TASK (result), &error);

  return_reply (task, reply, error);
}

/* Reads the answer in a worker thread. The worker's task is a separate
 * one without a source object: a GTask run in a thread may be released
 * there after its callback, and the client (with its SoupSession, which
 * belongs to this thread) must never be finalized in a worker. */
static void
read_answer_in_thread (GTask *task)
{
  g_autoptr(GTask) inner = g_task_new (NULL, NULL, read_in_thread_cb, g_object_ref (task));

  /* The call stays alive: @task is held until read_in_thread_cb. */
  g_task_set_task_data (inner, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (inner, read_in_thread);
}

/* A 401 to the token still held (not to a sign-in, which carries none,
 * nor to a request sent before the token changed). */
static void
refused (TsApiClient *self,
         SoupMessage *msg)
{
  const char *sent = soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *held = self->token != NULL ? g_strconcat ("Bearer ", self->token, NULL) : NULL;

  if (sent != NULL && g_strcmp0 (sent, held) == 0)
    g_signal_emit (self, signals[SIGNAL_UNAUTHORIZED], 0);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  Reply *reply;

  call->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (call->body == NULL)
    {
      g_debug ("%s %s: %s", call->method, call->path, error->message);
      g_task_return_error (task, ts_sync_error_new_for_transport (error));
      return;
    }

  call->status = soup_message_get_status (call->msg);
  g_debug ("%s %s: %u", call->method, call->path, call->status);
  if (call->status == SOUP_STATUS_UNAUTHORIZED)
    refused (g_task_get_source_object (task), call->msg);
  /* 10,000 stories take tens of milliseconds to read even without a tree:
   * long enough to drop frames if the main thread did it. */
  if (call->in_thread && SOUP_STATUS_IS_SUCCESSFUL (call->status))
    {
      read_answer_in_thread (task);
      return;
    }
  reply = read_answer (g_task_get_source_object (task), call, &error);
  return_reply (task, reply, g_steal_pointer (&error));
}

/* Sends @msg (taking it) for @task, whose answer @parse reads. */
static void
send_message (GTask       *task,
              SoupMessage *msg,
              ParseFunc    parse)
{
  TsApiClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  call->msg = msg;
  call->method = g_strdup (soup_message_get_method (msg));
  call->path = g_strdup (g_uri_get_path (soup_message_get_uri (msg)));
  call->parse = parse;
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), send_cb, g_object_ref (task));
}

/* The common `_async`: a fresh task for @source_tag, and @msg sent. */
static void
start (TsApiClient         *self,
       SoupMessage         *msg,
       ParseFunc            parse,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag)
{
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data, source_tag);

  send_message (task, msg, parse);
}

static Reply *
finish_reply (TsApiClient   *self,
              GAsyncResult  *result,
              gpointer       source_tag,
              GError       **error)
{
  g_return_val_if_fail (TS_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The common `_finish`: the value the reader kept. */
static gpointer
finish_value (TsApiClient   *self,
              GAsyncResult  *result,
              gpointer       source_tag,
              GError       **error)
{
  g_autoptr(Reply) reply = finish_reply (self, result, source_tag, error);

  return reply != NULL ? g_steal_pointer (&reply->value) : NULL;
}

/* The `_finish` of a delete: whether it happened, and the version. */
static gboolean
finish_version (TsApiClient   *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                gint64        *out_version,
                GError       **error)
{
  g_autoptr(Reply) reply = finish_reply (self, result, source_tag, error);

  if (reply == NULL)
    return FALSE;
  if (out_version != NULL)
    *out_version = reply->version;
  return TRUE;
}

/* The object. */

/* g_set_str() arrived in GLib 2.76. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
ts_api_client_set_base_url (TsApiClient *self,
                            const char  *base_url)
{
  gsize length = base_url != NULL ? strlen (base_url) : 0;

  /* Paths start with a slash; a base URL ending in one would double it. */
  while (length > 0 && base_url[length - 1] == '/')
    length--;
  self->base_url = g_strndup (base_url != NULL ? base_url : "", length);
}

static void
ts_api_client_constructed (GObject *object)
{
  TsApiClient *self = TS_API_CLIENT (object);

  G_OBJECT_CLASS (ts_api_client_parent_class)->constructed (object);

  /* Without an injected session the client still works, on its own. */
  if (self->session == NULL)
    self->session = soup_session_new ();
}

static void
ts_api_client_finalize (GObject *object)
{
  TsApiClient *self = TS_API_CLIENT (object);

  g_clear_pointer (&self->base_url, g_free);
  g_clear_object (&self->session);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->socket_id, g_free);
  g_clear_pointer (&self->auth_endpoint, g_free);

  G_OBJECT_CLASS (ts_api_client_parent_class)->finalize (object);
}

static void
ts_api_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TsApiClient *self = TS_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_SOCKET_ID:
      g_value_set_string (value, self->socket_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_api_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TsApiClient *self = TS_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      ts_api_client_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_TOKEN:
      ts_api_client_set_token (self, g_value_get_string (value));
      break;
    case PROP_SOCKET_ID:
      ts_api_client_set_socket_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_api_client_class_init (TsApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ts_api_client_constructed;
  object_class->finalize = ts_api_client_finalize;
  object_class->get_property = ts_api_client_get_property;
  object_class->set_property = ts_api_client_set_property;

  /**
   * TsApiClient:base-url:
   *
   * Where the API is, `http://127.0.0.1:PORT`; requests go to
   * `<base-url>/api/v1/…`.
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TsApiClient:session:
   *
   * The session requests go through; it carries timeouts, proxies and
   * the connection pool, which the app shares with the realtime client.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TsApiClient:token:
   *
   * The bearer token sent with every request, set by signing in and
   * cleared by signing out.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TsApiClient:socket-id:
   *
   * The realtime socket of this client, sent as `X-Socket-ID` with every
   * change so that the socket does not get the change's event.
   */
  properties[PROP_SOCKET_ID] =
    g_param_spec_string ("socket-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TsApiClient::unauthorized:
   *
   * The server refused the token this client holds (a 401 to a request
   * that carried it): revoked, expired or signed out elsewhere. The
   * request itself fails with %TS_SYNC_ERROR_UNAUTHORIZED as well.
   */
  signals[SIGNAL_UNAUTHORIZED] =
    g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ts_api_client_init (TsApiClient *self)
{
}

/**
 * ts_api_client_new:
 * @base_url: the server, as `http://HOST:PORT` (a path prefix is kept)
 * @session: the session to send requests through
 *
 * Requests complete in the thread-default main context of the calls that
 * start them, which must be the one @session is used from.
 *
 * Returns: (transfer full): a client without a token
 */
TsApiClient *
ts_api_client_new (const char  *base_url,
                   SoupSession *session)
{
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (g_uri_is_valid (base_url, G_URI_FLAGS_NONE, NULL), NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  return g_object_new (TS_TYPE_API_CLIENT, "base-url", base_url, "session", session, NULL);
}

const char *
ts_api_client_get_base_url (TsApiClient *self)
{
  g_return_val_if_fail (TS_IS_API_CLIENT (self), NULL);

  return self->base_url;
}

SoupSession *
ts_api_client_get_session (TsApiClient *self)
{
  g_return_val_if_fail (TS_IS_API_CLIENT (self), NULL);

  return self->session;
}

const char *
ts_api_client_get_token (TsApiClient *self)
{
  g_return_val_if_fail (TS_IS_API_CLIENT (self), NULL);

  return self->token;
}

void
ts_api_client_set_token (TsApiClient *self,
                         const char  *token)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));

  if (replace_string (&self->token, token))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

const char *
ts_api_client_get_socket_id (TsApiClient *self)
{
  g_return_val_if_fail (TS_IS_API_CLIENT (self), NULL);

  return self->socket_id;
}

void
ts_api_client_set_socket_id (TsApiClient *self,
                             const char  *socket_id)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));

  if (replace_string (&self->socket_id, socket_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOCKET_ID]);
}

/* The endpoints. */

#define PROJECT_PATH "/projects/%" G_GINT64_FORMAT
#define STORY_PATH PROJECT_PATH "/stories/%" G_GINT64_FORMAT

static JsonNode *
take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/**
 * ts_api_client_sign_in_async:
 *
 * `POST /session`. On success the client keeps the new token in
 * #TsApiClient:token; a wrong email or password is
 * %TS_SYNC_ERROR_UNAUTHORIZED.
 */
void
ts_api_client_sign_in_async (TsApiClient         *self,
                             const char          *email,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JsonObject *body;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (email != NULL && password != NULL);

  body = json_object_new ();
  json_object_set_string_member (body, "email", email);
  json_object_set_string_member (body, "password", password);
  start (self, new_message (self, SOUP_METHOD_POST, take_object (body), "/session"),
         parse_session, cancellable, callback, user_data, ts_api_client_sign_in_async);
}

/**
 * ts_api_client_sign_in_finish:
 *
 * Returns: (transfer full): the signed-in user
 */
TsUser *
ts_api_client_sign_in_finish (TsApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_value (self, result, ts_api_client_sign_in_async, error);
}

/**
 * ts_api_client_sign_out_async:
 *
 * `DELETE /session`: revokes the token, which the client then forgets.
 */
void
ts_api_client_sign_out_async (TsApiClient         *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));

  start (self, new_message (self, SOUP_METHOD_DELETE, NULL, "/session"),
         parse_signed_out, cancellable, callback, user_data, ts_api_client_sign_out_async);
}

gboolean
ts_api_client_sign_out_finish (TsApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_version (self, result, ts_api_client_sign_out_async, NULL, error);
}

/* `GET /me`: the user of the token. */
void
ts_api_client_get_me_async (TsApiClient         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));

  start (self, new_message (self, SOUP_METHOD_GET, NULL, "/me"),
         parse_user, cancellable, callback, user_data, ts_api_client_get_me_async);
}

/**
 * ts_api_client_get_me_finish:
 *
 * Returns: (transfer full): the user
 */
TsUser *
ts_api_client_get_me_finish (TsApiClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_value (self, result, ts_api_client_get_me_async, error);
}

/* `GET /realtime`: where and how to connect. */
void
ts_api_client_get_realtime_async (TsApiClient         *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));

  start (self, new_message (self, SOUP_METHOD_GET, NULL, "/realtime"),
         parse_realtime, cancellable, callback, user_data, ts_api_client_get_realtime_async);
}

/**
 * ts_api_client_get_realtime_finish:
 *
 * Returns: (transfer full): the realtime service's whereabouts
 */
TsRealtimeInfo *
ts_api_client_get_realtime_finish (TsApiClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_value (self, result, ts_api_client_get_realtime_async, error);
}

/**
 * ts_api_client_authorize_channel_async:
 * @socket_id: the realtime socket that subscribes
 * @channel_name: `private-project-<id>` or `presence-project-<id>`
 *
 * `POST /realtime/auth` (or the auth endpoint `GET /realtime` named, see
 * ts_api_client_set_auth_endpoint()), with the form Pusher clients send; a
 * channel of a project the user is not a member of is
 * %TS_SYNC_ERROR_FORBIDDEN.
 */
void
ts_api_client_authorize_channel_async (TsApiClient         *self,
                                       const char          *socket_id,
                                       const char          *channel_name,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) form = NULL;
  char *text;
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (socket_id != NULL && channel_name != NULL);

  task = new_task (self, cancellable, callback, user_data, ts_api_client_authorize_channel_async);
  if (self->auth_endpoint != NULL)
    {
      /* doc/api.md: a path on the API's host, or an absolute URL. */
      g_autofree char *url = g_uri_resolve_relative (self->base_url, self->auth_endpoint,
                                                     G_URI_FLAGS_NONE, NULL);

      msg = url != NULL ? new_message_for_url (self, SOUP_METHOD_POST, NULL, url) : NULL;
      if (msg == NULL)
        {
          g_task_return_new_error (task, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL,
                                   "The auth endpoint “%s” is not a URL", self->auth_endpoint);
          return;
        }
    }
  else
    msg = new_message (self, SOUP_METHOD_POST, NULL, "/realtime/auth");
  text = soup_form_encode ("socket_id", socket_id, "channel_name", channel_name, NULL);
  form = g_bytes_new_take (text, strlen (text));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", form);
  send_message (task, msg, parse_channel_auth);
}

/**
 * ts_api_client_set_auth_endpoint:
 * @endpoint: (nullable): the `auth_endpoint` of `GET /realtime`: a path on
 *   the API's host or an absolute URL; %NULL for `/api/v1/realtime/auth`
 *
 * Where channel authorizations go; the realtime client sets it from each
 * `GET /realtime` it reads.
 */
void
ts_api_client_set_auth_endpoint (TsApiClient *self,
                                 const char  *endpoint)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));

  g_free (self->auth_endpoint);
  self->auth_endpoint = g_strdup (endpoint);
}

/**
 * ts_api_client_authorize_channel_finish:
 * @out_channel_data: (out) (optional) (nullable): the presence member's
 *   data, to send with the subscription; %NULL for a private channel
 *
 * Returns: (transfer full): the `auth` signature
 */
char *
ts_api_client_authorize_channel_finish (TsApiClient   *self,
                                        GAsyncResult  *result,
                                        char         **out_channel_data,
                                        GError       **error)
{
  g_autoptr(Reply) reply = finish_reply (self, result, ts_api_client_authorize_channel_async, error);

  if (out_channel_data != NULL)
    *out_channel_data = reply != NULL ? g_steal_pointer (&reply->text) : NULL;
  return reply != NULL ? g_steal_pointer (&reply->value) : NULL;
}

/* `GET /projects`: the user's projects. */
void
ts_api_client_list_projects_async (TsApiClient         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));

  start (self, new_message (self, SOUP_METHOD_GET, NULL, "/projects"),
         parse_projects, cancellable, callback, user_data, ts_api_client_list_projects_async);
}

/**
 * ts_api_client_list_projects_finish:
 *
 * Returns: (transfer full) (element-type TsProject): the projects
 */
GPtrArray *
ts_api_client_list_projects_finish (TsApiClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_value (self, result, ts_api_client_list_projects_async, error);
}

void
ts_api_client_get_project_async (TsApiClient         *self,
                                 gint64               project_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);

  start (self, new_message (self, SOUP_METHOD_GET, NULL, PROJECT_PATH, project_id),
         parse_project, cancellable, callback, user_data, ts_api_client_get_project_async);
}

/**
 * ts_api_client_get_project_finish:
 *
 * Returns: (transfer full): the project; a project the user is not a
 *   member of is %TS_SYNC_ERROR_NOT_FOUND
 */
TsProject *
ts_api_client_get_project_finish (TsApiClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_value (self, result, ts_api_client_get_project_async, error);
}

/**
 * ts_api_client_create_project_async:
 * @settings: the new project's settings, with at least a name
 * @idempotency_key: (nullable): makes a retry after a lost answer safe
 */
void
ts_api_client_create_project_async (TsApiClient         *self,
                                    TsProjectPatch      *settings,
                                    const char          *idempotency_key,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  SoupMessage *msg;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (settings != NULL && (settings->fields & TS_PROJECT_FIELD_NAME));

  msg = new_message (self, SOUP_METHOD_POST, ts_project_patch_to_json (settings), "/projects");
  set_idempotency_key (msg, idempotency_key);
  task = new_task (self, cancellable, callback, user_data, ts_api_client_create_project_async);
  send_message (task, msg, parse_project);
}

/**
 * ts_api_client_create_project_finish:
 *
 * Returns: (transfer full): the new project
 */
TsProject *
ts_api_client_create_project_finish (TsApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_value (self, result, ts_api_client_create_project_async, error);
}

void
ts_api_client_update_project_async (TsApiClient         *self,
                                    gint64               project_id,
                                    TsProjectPatch      *patch,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);
  g_return_if_fail (patch != NULL);

  start (self, new_message (self, METHOD_PATCH, ts_project_patch_to_json (patch),
                            PROJECT_PATH, project_id),
         parse_project, cancellable, callback, user_data, ts_api_client_update_project_async);
}

/**
 * ts_api_client_update_project_finish:
 *
 * Returns: (transfer full): the project as changed, with its new version
 */
TsProject *
ts_api_client_update_project_finish (TsApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_value (self, result, ts_api_client_update_project_async, error);
}

/* `DELETE /projects/:id`, with everything in it. */
void
ts_api_client_delete_project_async (TsApiClient         *self,
                                    gint64               project_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);

  start (self, new_message (self, SOUP_METHOD_DELETE, NULL, PROJECT_PATH, project_id),
         parse_deleted, cancellable, callback, user_data, ts_api_client_delete_project_async);
}

/**
 * ts_api_client_delete_project_finish:
 * @out_version: (out) (optional): the version of the deletion
 */
gboolean
ts_api_client_delete_project_finish (TsApiClient   *self,
                                     GAsyncResult  *result,
                                     gint64        *out_version,
                                     GError       **error)
{
  return finish_version (self, result, ts_api_client_delete_project_async, out_version, error);
}

/**
 * ts_api_client_set_iteration_async:
 * @override: the iteration's number, team strength and length (0 for the
 *   project's length)
 *
 * `PUT /projects/:id/iterations/:number`.
 */
void
ts_api_client_set_iteration_async (TsApiClient               *self,
                                   gint64                     project_id,
                                   const TsIterationOverride *override,
                                   GCancellable              *cancellable,
                                   GAsyncReadyCallback        callback,
                                   gpointer                   user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);
  g_return_if_fail (override != NULL && override->number > 0);

  start (self, new_message (self, SOUP_METHOD_PUT, ts_iteration_override_to_json (override),
                            PROJECT_PATH "/iterations/%u", project_id, override->number),
         parse_iteration, cancellable, callback, user_data, ts_api_client_set_iteration_async);
}

/**
 * ts_api_client_set_iteration_finish:
 * @out_version: (out) (optional): the version of the change
 *
 * Returns: (transfer full): the override as the server keeps it
 */
TsIterationOverride *
ts_api_client_set_iteration_finish (TsApiClient   *self,
                                    GAsyncResult  *result,
                                    gint64        *out_version,
                                    GError       **error)
{
  g_autoptr(Reply) reply = finish_reply (self, result, ts_api_client_set_iteration_async, error);

  if (reply != NULL && out_version != NULL)
    *out_version = reply->version;
  return reply != NULL ? g_steal_pointer (&reply->value) : NULL;
}

/* `DELETE /projects/:id/iterations/:number`: back to the project's
 * settings. */
void
ts_api_client_clear_iteration_async (TsApiClient         *self,
                                     gint64               project_id,
                                     guint                number,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && number > 0);

  start (self, new_message (self, SOUP_METHOD_DELETE, NULL, PROJECT_PATH "/iterations/%u",
                            project_id, number),
         parse_iteration, cancellable, callback, user_data, ts_api_client_clear_iteration_async);
}

/**
 * ts_api_client_clear_iteration_finish:
 * @out_version: (out) (optional): the version of the change
 *
 * Returns: (transfer full): the cleared override (team strength 1, length
 *   0)
 */
TsIterationOverride *
ts_api_client_clear_iteration_finish (TsApiClient   *self,
                                      GAsyncResult  *result,
                                      gint64        *out_version,
                                      GError       **error)
{
  g_autoptr(Reply) reply = finish_reply (self, result, ts_api_client_clear_iteration_async, error);

  if (reply != NULL && out_version != NULL)
    *out_version = reply->version;
  return reply != NULL ? g_steal_pointer (&reply->value) : NULL;
}

void
ts_api_client_list_members_async (TsApiClient         *self,
                                  gint64               project_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);

  start (self, new_message (self, SOUP_METHOD_GET, NULL, PROJECT_PATH "/members", project_id),
         parse_members, cancellable, callback, user_data, ts_api_client_list_members_async);
}

/**
 * ts_api_client_list_members_finish:
 *
 * Returns: (transfer full) (element-type TsUser): the members
 */
GPtrArray *
ts_api_client_list_members_finish (TsApiClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_value (self, result, ts_api_client_list_members_async, error);
}

/**
 * ts_api_client_add_member_async:
 * @email: the new member's email; an unknown one is
 *   %TS_SYNC_ERROR_NOT_FOUND, an existing member is no error
 */
void
ts_api_client_add_member_async (TsApiClient         *self,
                                gint64               project_id,
                                const char          *email,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  JsonObject *body;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);
  g_return_if_fail (email != NULL);

  body = json_object_new ();
  json_object_set_string_member (body, "email", email);
  start (self, new_message (self, SOUP_METHOD_POST, take_object (body), PROJECT_PATH "/members",
                            project_id),
         parse_user, cancellable, callback, user_data, ts_api_client_add_member_async);
}

/**
 * ts_api_client_add_member_finish:
 *
 * Returns: (transfer full): the member
 */
TsUser *
ts_api_client_add_member_finish (TsApiClient   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_value (self, result, ts_api_client_add_member_async, error);
}

void
ts_api_client_remove_member_async (TsApiClient         *self,
                                   gint64               project_id,
                                   gint64               user_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && user_id > 0);

  start (self, new_message (self, SOUP_METHOD_DELETE, NULL,
                            PROJECT_PATH "/members/%" G_GINT64_FORMAT, project_id, user_id),
         parse_deleted, cancellable, callback, user_data, ts_api_client_remove_member_async);
}

gboolean
ts_api_client_remove_member_finish (TsApiClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_version (self, result, ts_api_client_remove_member_async, NULL, error);
}

/* `GET /projects/:id/stories`: every story, in priority order, read in a
 * worker thread. */
void
ts_api_client_list_stories_async (TsApiClient         *self,
                                  gint64               project_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);

  task = new_task (self, cancellable, callback, user_data, ts_api_client_list_stories_async);
  call = g_task_get_task_data (task);
  call->in_thread = TRUE;
  send_message (task, new_message (self, SOUP_METHOD_GET, NULL, PROJECT_PATH "/stories", project_id),
                parse_stories);
}

/**
 * ts_api_client_list_stories_finish:
 * @out_version: (out) (optional): the project's version the list is of
 *
 * Returns: (transfer full) (element-type TsStory): the stories
 */
GPtrArray *
ts_api_client_list_stories_finish (TsApiClient   *self,
                                   GAsyncResult  *result,
                                   gint64        *out_version,
                                   GError       **error)
{
  g_autoptr(Reply) reply = finish_reply (self, result, ts_api_client_list_stories_async, error);

  if (reply != NULL && out_version != NULL)
    *out_version = reply->version;
  return reply != NULL ? g_steal_pointer (&reply->value) : NULL;
}

void
ts_api_client_get_story_async (TsApiClient         *self,
                               gint64               project_id,
                               gint64               story_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && story_id > 0);

  start (self, new_message (self, SOUP_METHOD_GET, NULL, STORY_PATH, project_id, story_id),
         parse_story, cancellable, callback, user_data, ts_api_client_get_story_async);
}

/**
 * ts_api_client_get_story_finish:
 *
 * Returns: (transfer full): the story
 */
TsStory *
ts_api_client_get_story_finish (TsApiClient   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_value (self, result, ts_api_client_get_story_async, error);
}

/* The body of a create: the story's fields, and the neighbour it goes
 * next to. A state in @placement is not sent: the new story's state is
 * one of its fields. */
static JsonNode *
story_create_body (TsStoryPatch        *values,
                   const TsMoveRequest *placement)
{
  JsonNode *node = ts_story_patch_to_json (values);
  g_autoptr(JsonNode) neighbour = NULL;
  JsonObject *object = json_node_get_object (node);
  JsonObject *neighbour_object;

  if (placement == NULL)
    return node;

  neighbour = ts_move_request_to_json (placement);
  neighbour_object = json_node_get_object (neighbour);
  if (json_object_has_member (neighbour_object, "before_id"))
    json_object_set_member (object, "before_id",
                            json_object_dup_member (neighbour_object, "before_id"));
  if (json_object_has_member (neighbour_object, "after_id"))
    json_object_set_member (object, "after_id",
                            json_object_dup_member (neighbour_object, "after_id"));
  return node;
}

/**
 * ts_api_client_create_story_async:
 * @values: the new story's fields (a patch without base version), with at
 *   least a title
 * @placement: (nullable): the story to put it above or below; without
 *   one, doc/api.md's placement applies
 * @idempotency_key: (nullable): a string unique to this create, such as
 *   g_uuid_string_random(); a retry with the same key gets the first
 *   answer and makes no second story
 */
void
ts_api_client_create_story_async (TsApiClient         *self,
                                  gint64               project_id,
                                  TsStoryPatch        *values,
                                  const TsMoveRequest *placement,
                                  const char          *idempotency_key,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);
  g_return_if_fail (values != NULL && TS_IS_STORY (values->values) && !values->has_base_version);
  g_return_if_fail (placement == NULL || (placement->before_id > 0) != (placement->after_id > 0));

  msg = new_message (self, SOUP_METHOD_POST, story_create_body (values, placement),
                     PROJECT_PATH "/stories", project_id);
  set_idempotency_key (msg, idempotency_key);
  task = new_task (self, cancellable, callback, user_data, ts_api_client_create_story_async);
  send_message (task, msg, parse_story);
}

/**
 * ts_api_client_create_story_finish:
 *
 * Returns: (transfer full): the new story, with its id, position and
 *   version
 */
TsStory *
ts_api_client_create_story_finish (TsApiClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_value (self, result, ts_api_client_create_story_async, error);
}

/**
 * ts_api_client_update_story_async:
 * @patch: the fields to change and, normally, the base version
 *
 * `PATCH /projects/:id/stories/:sid` (doc/api.md, *Concurrent edits*).
 */
void
ts_api_client_update_story_async (TsApiClient         *self,
                                  gint64               project_id,
                                  gint64               story_id,
                                  TsStoryPatch        *patch,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && story_id > 0);
  g_return_if_fail (patch != NULL && TS_IS_STORY (patch->values));

  task = new_task (self, cancellable, callback, user_data, ts_api_client_update_story_async);
  call = g_task_get_task_data (task);
  call->parse_conflict = parse_conflict;
  send_message (task, new_message (self, METHOD_PATCH, ts_story_patch_to_json (patch),
                                   STORY_PATH, project_id, story_id),
                parse_story);
}

/**
 * ts_api_client_update_story_finish:
 * @out_conflict_story: (out) (optional) (nullable) (transfer full): on
 *   %TS_SYNC_ERROR_CONFLICT, the story as it is now; else %NULL
 * @out_conflicts: (out) (optional): on %TS_SYNC_ERROR_CONFLICT, the
 *   fields someone else changed to other values; else none
 *
 * A conflict applies nothing: the caller merges with the current story
 * and sends again with its version as the base.
 *
 * Returns: (transfer full) (nullable): the changed story, or %NULL with
 *   @error set
 */
TsStory *
ts_api_client_update_story_finish (TsApiClient    *self,
                                   GAsyncResult   *result,
                                   TsStory       **out_conflict_story,
                                   TsStoryFields  *out_conflicts,
                                   GError        **error)
{
  g_autoptr(Reply) reply = finish_reply (self, result, ts_api_client_update_story_async, error);

  if (out_conflict_story != NULL)
    *out_conflict_story = NULL;
  if (out_conflicts != NULL)
    *out_conflicts = TS_STORY_FIELD_NONE;
  if (reply == NULL)
    return NULL;

  if (reply->error != NULL)
    {
      if (out_conflict_story != NULL)
        *out_conflict_story = g_steal_pointer (&reply->value);
      if (out_conflicts != NULL)
        *out_conflicts = reply->conflicts;
      g_propagate_error (error, g_steal_pointer (&reply->error));
      return NULL;
    }
  return g_steal_pointer (&reply->value);
}

/**
 * ts_api_client_move_story_async:
 * @move: exactly one neighbour, and maybe a state in or out of the Icebox
 * @idempotency_key: (nullable): the same for every retry of this move, so
 *   that one whose answer was lost is not made twice
 */
void
ts_api_client_move_story_async (TsApiClient         *self,
                                gint64               project_id,
                                gint64               story_id,
                                const TsMoveRequest *move,
                                const char          *idempotency_key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && story_id > 0);
  g_return_if_fail (move != NULL && (move->before_id > 0) != (move->after_id > 0));

  msg = new_message (self, SOUP_METHOD_POST, ts_move_request_to_json (move), STORY_PATH "/move",
                     project_id, story_id);
  set_idempotency_key (msg, idempotency_key);
  start (self, msg, parse_story, cancellable, callback, user_data, ts_api_client_move_story_async);
}

/**
 * ts_api_client_move_story_finish:
 *
 * Returns: (transfer full): the story with its new position
 */
TsStory *
ts_api_client_move_story_finish (TsApiClient   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_value (self, result, ts_api_client_move_story_async, error);
}

/**
 * ts_api_client_change_task_async:
 * @op: what to do with the task
 * @task_id: the task (not for an add)
 * @request: (nullable): the body of an add, edit or move
 * @idempotency_key: (nullable): for an add or a move, the same for every
 *   retry, so that one whose answer was lost is not made twice
 *
 * Any change of one of a story's tasks (doc/api.md, Tasks). The answer is
 * the story with every task, at the version the change made.
 */
void
ts_api_client_change_task_async (TsApiClient         *self,
                                 gint64               project_id,
                                 gint64               story_id,
                                 TsTaskOp             op,
                                 gint64               task_id,
                                 const TsTaskRequest *request,
                                 const char          *idempotency_key,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonNode *body = request != NULL && op != TS_TASK_OP_DELETE
                   ? ts_task_request_to_json (request) : NULL;
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && story_id > 0);
  g_return_if_fail (op == TS_TASK_OP_ADD || task_id > 0);

  switch (op)
    {
    case TS_TASK_OP_ADD:
      msg = new_message (self, SOUP_METHOD_POST, body, STORY_PATH "/tasks", project_id, story_id);
      break;
    case TS_TASK_OP_EDIT:
      msg = new_message (self, "PATCH", body, STORY_PATH "/tasks/%" G_GINT64_FORMAT,
                         project_id, story_id, task_id);
      break;
    case TS_TASK_OP_MOVE:
      msg = new_message (self, SOUP_METHOD_POST, body, STORY_PATH "/tasks/%" G_GINT64_FORMAT "/move",
                         project_id, story_id, task_id);
      break;
    case TS_TASK_OP_DELETE:
    default:
      msg = new_message (self, SOUP_METHOD_DELETE, body, STORY_PATH "/tasks/%" G_GINT64_FORMAT,
                         project_id, story_id, task_id);
      break;
    }
  if (op == TS_TASK_OP_ADD || op == TS_TASK_OP_MOVE)
    set_idempotency_key (msg, idempotency_key);
  start (self, msg, parse_story, cancellable, callback, user_data, ts_api_client_change_task_async);
}

/**
 * ts_api_client_change_task_finish:
 *
 * Returns: (transfer full): the story with its tasks after the change
 */
TsStory *
ts_api_client_change_task_finish (TsApiClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_value (self, result, ts_api_client_change_task_async, error);
}

/* `DELETE …/stories/:sid`, with its comments. */
void
ts_api_client_delete_story_async (TsApiClient         *self,
                                  gint64               project_id,
                                  gint64               story_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && story_id > 0);

  start (self, new_message (self, SOUP_METHOD_DELETE, NULL, STORY_PATH, project_id, story_id),
         parse_deleted, cancellable, callback, user_data, ts_api_client_delete_story_async);
}

/**
 * ts_api_client_delete_story_finish:
 * @out_version: (out) (optional): the version of the deletion
 */
gboolean
ts_api_client_delete_story_finish (TsApiClient   *self,
                                   GAsyncResult  *result,
                                   gint64        *out_version,
                                   GError       **error)
{
  return finish_version (self, result, ts_api_client_delete_story_async, out_version, error);
}

/**
 * ts_api_client_list_comments_async:
 * @story_id: the story whose comments to list, or 0 for every comment of
 *   the project (for search)
 */
void
ts_api_client_list_comments_async (TsApiClient         *self,
                                   gint64               project_id,
                                   gint64               story_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && story_id >= 0);

  if (story_id > 0)
    msg = new_message (self, SOUP_METHOD_GET, NULL, STORY_PATH "/comments", project_id, story_id);
  else
    msg = new_message (self, SOUP_METHOD_GET, NULL, PROJECT_PATH "/comments", project_id);
  start (self, msg, parse_comments, cancellable, callback, user_data,
         ts_api_client_list_comments_async);
}

/**
 * ts_api_client_list_comments_finish:
 *
 * Returns: (transfer full) (element-type TsComment): the comments
 */
GPtrArray *
ts_api_client_list_comments_finish (TsApiClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_value (self, result, ts_api_client_list_comments_async, error);
}

/**
 * ts_api_client_add_comment_async:
 * @idempotency_key: (nullable): makes a retry after a lost answer safe
 */
void
ts_api_client_add_comment_async (TsApiClient         *self,
                                 gint64               project_id,
                                 gint64               story_id,
                                 const char          *text,
                                 const char          *idempotency_key,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JsonObject *body;
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && story_id > 0);
  g_return_if_fail (text != NULL);

  body = json_object_new ();
  json_object_set_string_member (body, "text", text);
  msg = new_message (self, SOUP_METHOD_POST, take_object (body), STORY_PATH "/comments",
                     project_id, story_id);
  set_idempotency_key (msg, idempotency_key);
  task = new_task (self, cancellable, callback, user_data, ts_api_client_add_comment_async);
  send_message (task, msg, parse_comment);
}

/**
 * ts_api_client_add_comment_finish:
 *
 * Returns: (transfer full): the new comment
 */
TsComment *
ts_api_client_add_comment_finish (TsApiClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_value (self, result, ts_api_client_add_comment_async, error);
}

/* Only the author may delete a comment; anyone else is FORBIDDEN. */
void
ts_api_client_delete_comment_async (TsApiClient         *self,
                                    gint64               project_id,
                                    gint64               story_id,
                                    gint64               comment_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && story_id > 0 && comment_id > 0);

  start (self, new_message (self, SOUP_METHOD_DELETE, NULL,
                            STORY_PATH "/comments/%" G_GINT64_FORMAT,
                            project_id, story_id, comment_id),
         parse_deleted, cancellable, callback, user_data, ts_api_client_delete_comment_async);
}

/**
 * ts_api_client_delete_comment_finish:
 * @out_version: (out) (optional): the version of the deletion
 */
gboolean
ts_api_client_delete_comment_finish (TsApiClient   *self,
                                     GAsyncResult  *result,
                                     gint64        *out_version,
                                     GError       **error)
{
  return finish_version (self, result, ts_api_client_delete_comment_async, out_version, error);
}

/**
 * ts_api_client_list_changes_async:
 * @since: the last version the client applied
 * @limit: the most changes to return (1 to 1000), or 0 for the server's
 *   page of 1000
 *
 * `GET …/changes?since=`. Asking from before the history the server keeps
 * is %TS_SYNC_ERROR_GONE: the client reloads the project.
 */
void
ts_api_client_list_changes_async (TsApiClient         *self,
                                  gint64               project_id,
                                  gint64               since,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && since >= 0);

  if (limit > 0)
    msg = new_message (self, SOUP_METHOD_GET, NULL,
                       PROJECT_PATH "/changes?since=%" G_GINT64_FORMAT "&limit=%u",
                       project_id, since, limit);
  else
    msg = new_message (self, SOUP_METHOD_GET, NULL, PROJECT_PATH "/changes?since=%" G_GINT64_FORMAT,
                       project_id, since);
  start (self, msg, parse_changes, cancellable, callback, user_data,
         ts_api_client_list_changes_async);
}

/**
 * ts_api_client_list_changes_finish:
 * @out_version: (out) (optional): the project's current version
 * @out_more: (out) (optional): whether further changes follow the last
 *   one returned
 *
 * Returns: (transfer full) (element-type TsChange): the changes, oldest
 *   first
 */
GPtrArray *
ts_api_client_list_changes_finish (TsApiClient   *self,
                                   GAsyncResult  *result,
                                   gint64        *out_version,
                                   gboolean      *out_more,
                                   GError       **error)
{
  g_autoptr(Reply) reply = finish_reply (self, result, ts_api_client_list_changes_async, error);

  if (reply == NULL)
    return NULL;
  if (out_version != NULL)
    *out_version = reply->version;
  if (out_more != NULL)
    *out_more = reply->more;
  return g_steal_pointer (&reply->value);
}

/**
 * ts_api_client_get_plan_async:
 * @today: the day to plan for, or %TS_DAY_NONE for today in the project's
 *   time zone
 * @velocity: a velocity to plan with, or %TS_VELOCITY_NOT_OVERRIDDEN (0)
 */
void
ts_api_client_get_plan_async (TsApiClient         *self,
                              gint64               project_id,
                              TsDay                today,
                              double               velocity,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GString) query = g_string_new (NULL);
  char day[TS_DAY_ISO_LENGTH];
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0 && velocity >= 0.0);

  if (today != TS_DAY_NONE)
    {
      ts_day_format (today, day);
      g_string_append_printf (query, "?today=%s", day);
    }
  if (velocity > 0.0)
    g_string_append_printf (query, "%cvelocity=%s", query->len > 0 ? '&' : '?',
                            g_ascii_dtostr (number, sizeof number, velocity));

  start (self, new_message (self, SOUP_METHOD_GET, NULL, PROJECT_PATH "/plan%s",
                            project_id, query->str),
         parse_plan, cancellable, callback, user_data, ts_api_client_get_plan_async);
}

/**
 * ts_api_client_get_plan_finish:
 *
 * Returns: (transfer full): the plan as doc/api.md writes it
 */
JsonObject *
ts_api_client_get_plan_finish (TsApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_value (self, result, ts_api_client_get_plan_async, error);
}

/* Pivotal Tracker's CSV */

static gboolean
parse_import_summary (TsApiClient  *self,
                      Reply        *reply,
                      GBytes       *body,
                      GError      **error)
{
  g_autoptr(JsonObject) object = read_object (body, error);

  return object != NULL &&
         take_value (reply, ts_import_summary_from_json (object, error),
                     (GDestroyNotify) ts_import_summary_free);
}

/* The export is the file itself, kept as it came. */
static gboolean
parse_csv (TsApiClient  *self,
           Reply        *reply,
           GBytes       *body,
           GError      **error)
{
  return take_value (reply, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
}

/* Who follows an upload's bytes: libsoup says each written chunk
 * (`wrote-body-data`, 8 KiB at a time from a body of bytes). */
typedef struct {
  GFileProgressCallback progress;
  gpointer progress_data;
  goffset sent;
  goffset total;
} Upload;

static void
upload_free (gpointer data,
             GClosure *closure)
{
  g_free (data);
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    Upload      *upload)
{
  upload->sent = MIN (upload->sent + chunk_size, upload->total);
  upload->progress (upload->sent, upload->total, upload->progress_data);
}

/**
 * ts_api_client_import_tracker_async:
 * @csv: the file, as read
 * @dry_run: only the preview: the server reads and maps everything and
 *   changes nothing
 * @progress: (nullable) (scope notified): called in this thread as the body
 *   goes out; it may be called after the call was cancelled, until the
 *   callback
 *
 * `POST /projects/:id/import` with a `text/csv` body. The import is one
 * change of the project (the `stories-import` event, which this client's
 * socket does not get: the caller catches up).
 */
void
ts_api_client_import_tracker_async (TsApiClient           *self,
                                    gint64                 project_id,
                                    GBytes                *csv,
                                    gboolean               dry_run,
                                    GFileProgressCallback  progress,
                                    gpointer               progress_data,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);
  g_return_if_fail (csv != NULL);

  msg = new_message (self, SOUP_METHOD_POST, NULL, PROJECT_PATH "/import%s", project_id,
                     dry_run ? "?dry_run=true" : "");
  soup_message_set_request_body_from_bytes (msg, "text/csv", csv);
  if (progress != NULL)
    {
      Upload *upload = g_new0 (Upload, 1);

      upload->progress = progress;
      upload->progress_data = progress_data;
      upload->total = g_bytes_get_size (csv);
      g_signal_connect_data (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), upload,
                             upload_free, 0);
    }
  start (self, msg, parse_import_summary, cancellable, callback, user_data,
         ts_api_client_import_tracker_async);
}

/**
 * ts_api_client_import_tracker_finish:
 *
 * Returns: (transfer full): what the file holds and how it maps; a file
 *   the server cannot read is TS_SYNC_ERROR_INVALID with the line
 *   (ts_sync_error_get_line())
 */
TsImportSummary *
ts_api_client_import_tracker_finish (TsApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_value (self, result, ts_api_client_import_tracker_async, error);
}

/* `GET /projects/:id/export`: the project as Tracker's CSV. */
void
ts_api_client_export_tracker_async (TsApiClient         *self,
                                    gint64               project_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  SoupMessage *msg;

  g_return_if_fail (TS_IS_API_CLIENT (self));
  g_return_if_fail (project_id > 0);

  msg = new_message (self, SOUP_METHOD_GET, NULL, PROJECT_PATH "/export", project_id);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "text/csv");
  start (self, msg, parse_csv, cancellable, callback, user_data,
         ts_api_client_export_tracker_async);
}

/**
 * ts_api_client_export_tracker_finish:
 *
 * Returns: (transfer full): the CSV file, UTF-8
 */
GBytes *
ts_api_client_export_tracker_finish (TsApiClient   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_value (self, result, ts_api_client_export_tracker_async, error);
}
