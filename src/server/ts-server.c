/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

#include "ts-server-private.h"

#include <string.h>

/**
 * TsServer:
 *
 * The REST API of doc/api.md on a SoupServer, over a TsStore, with the
 * realtime hub attached to the same server. Handlers run on the store
 * thread (ts-server-jobs.c) and answer before anything is published.
 */

G_DEFINE_FINAL_TYPE (TsServer, ts_server, G_TYPE_OBJECT)

/* Enough for the bursts of a reconnect storm: GSocket's default is 10. */
#define LISTEN_BACKLOG 4096

/* The request body read so far, kept on the message by the early handler,
 * and the body's limit. */
#define BODY_KEY "ts-server-body"
#define LIMIT_KEY "ts-server-limit"
#define TOO_LARGE_KEY "ts-server-too-large"

/* The body limits, by endpoint; the first row that matches a request wins.
 * A pattern is a path whose `*` segments match any one segment; a prefix
 * row matches its path and every path under it. An endpoint that takes
 * more than its prefix allows (an import, say) names its limit in a row of
 * its own, above the prefixes:
 *
 *   { "POST", "/api/v1/projects/STAR/import", FALSE, 32 * 1024 * 1024 },
 *
 * (STAR standing for `*`). A path no row matches is served by nobody, and
 * takes no body (404). */
typedef struct {
  const char *method;  /* (nullable): any */
  const char *pattern;
  gboolean prefix;
  gint64 limit;
} BodyLimit;

static const BodyLimit body_limits[] = {
  { "POST", "/api/v1/projects/*/import", FALSE, TS_SERVER_MAX_IMPORT_BODY },
  { NULL, "/api/v1", TRUE, TS_SERVER_MAX_BODY },
  { NULL, "/apps", TRUE, TS_HUB_MAX_HTTP_BODY },
  /* WebSocket handshakes, which have no body. */
  { NULL, "/app", TRUE, 0 },
};

static void
ts_server_dispose (GObject *object)
{
  TsServer *self = (TsServer *)object;

  ts_server_stop_store_thread (self);
  if (self->soup_server != NULL)
    soup_server_disconnect (self->soup_server);
  g_clear_object (&self->soup_server);
  g_clear_object (&self->publisher);
  g_clear_object (&self->hub);
  g_clear_object (&self->store);
  g_clear_object (&self->sign_in);

  G_OBJECT_CLASS (ts_server_parent_class)->dispose (object);
}

static void
ts_server_finalize (GObject *object)
{
  TsServer *self = (TsServer *)object;

  g_free (self->realtime.key);
  g_free (self->realtime.ws_host);
  g_free (self->realtime.ws_path);
  g_free (self->realtime_secret);

  G_OBJECT_CLASS (ts_server_parent_class)->finalize (object);
}

static void
ts_server_class_init (TsServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_server_dispose;
  object_class->finalize = ts_server_finalize;
}

static void
ts_server_init (TsServer *self)
{
  self->timeouts.head_s = TS_SERVER_HEAD_TIMEOUT_S;
  self->timeouts.idle_s = TS_SERVER_IDLE_TIMEOUT_S;
  self->timeouts.body_s = TS_SERVER_BODY_TIMEOUT_S;
  self->sign_in = ts_sign_in_new ();
}

/* Segment by segment, `*` matching any non-empty one, without splitting
 * (which allocated): the door asks for every connection's first request,
 * the guard and the early handler for every request. */
static gboolean
path_matches (const char *pattern,
              gboolean    prefix,
              const char *path)
{
  for (;;)
    {
      gsize pattern_length = strcspn (pattern, "/");
      gsize path_length = strcspn (path, "/");

      if (pattern_length == 1 && *pattern == '*' ? path_length == 0 :
          pattern_length != path_length || memcmp (pattern, path, path_length) != 0)
        return FALSE;
      pattern += pattern_length;
      path += path_length;
      if (*pattern == '\0')
        return prefix || *path == '\0';
      if (*path == '\0')
        return FALSE;
      pattern++;
      path++;
    }
}

/**
 * ts_server_body_limit:
 * @method: the request's method
 * @path: the request's path, without its query
 *
 * The body limits (a TsBodyLimitFunc): how many bytes a request's body may
 * have. Thread-safe.
 *
 * Returns: the limit, or -1 when nothing serves @path
 */
gint64
ts_server_body_limit (const char *method,
                      const char *path)
{
  g_return_val_if_fail (method != NULL && path != NULL, -1);

  for (guint i = 0; i < G_N_ELEMENTS (body_limits); i++)
    {
      const BodyLimit *row = &body_limits[i];

      if ((row->method == NULL || g_str_equal (row->method, method)) &&
          path_matches (row->pattern, row->prefix, path))
        return row->limit;
    }
  return -1;
}

/* Collects a request body as it comes, never more than the limit: a larger
 * body is refused with 413 without being kept. The connection's guard
 * (ts-http-guard.c) refuses such bodies before they are read, and cuts
 * a chunked one off; this is for the connections it does not watch. */
static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  GByteArray *body = g_object_get_data (G_OBJECT (msg), BODY_KEY);
  gint64 *limit = g_object_get_data (G_OBJECT (msg), LIMIT_KEY);
  gsize size;
  gconstpointer data = g_bytes_get_data (chunk, &size);

  if (g_object_get_data (G_OBJECT (msg), TOO_LARGE_KEY) != NULL)
    return;
  if (body->len + size > (guint64) *limit)
    {
      g_object_set_data (G_OBJECT (msg), TOO_LARGE_KEY, GINT_TO_POINTER (TRUE));
      g_byte_array_set_size (body, 0);
      return;
    }
  g_byte_array_append (body, data, size);
}

static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gint64 limit = MAX (ts_server_body_limit (soup_server_message_get_method (msg), path), 0);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > limit)
    {
      g_autofree char *answer = ts_front_door_refusal_new (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, limit);
      const char *text = strstr (answer, "\r\n\r\n") + 4;

      soup_message_headers_append (soup_server_message_get_response_headers (msg),
                                   "Connection", "close");
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        text, strlen (text));
      return;
    }

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), BODY_KEY, g_byte_array_new (),
                          (GDestroyNotify) g_byte_array_unref);
  g_object_set_data_full (G_OBJECT (msg), LIMIT_KEY, g_memdup2 (&limit, sizeof limit), g_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
}

/**
 * ts_request_respond_take:
 * @json: (transfer full): the answer's body, @length bytes
 */
void
ts_request_respond_take (TsRequest *request,
                         guint      status,
                         char      *json,
                         gsize      length)
{
  if (request->answer != NULL)
    {
      g_free (request->answer->body);
      request->answer->status = status;
      request->answer->body = json;
      request->answer->length = length;
      return;
    }
  soup_server_message_set_status (request->msg, status, NULL);
  soup_server_message_set_response (request->msg, "application/json", SOUP_MEMORY_TAKE,
                                    json, length);
}

/**
 * ts_request_respond_typed:
 * @body: (transfer full): the answer's body, of @content_type
 *
 * An answer that is not JSON (`GET …/export`).
 */
void
ts_request_respond_typed (TsRequest  *request,
                          guint       status,
                          const char *content_type,
                          char       *body,
                          gsize       length)
{
  if (request->answer != NULL)
    {
      ts_request_respond_take (request, status, body, length);
      g_free (request->answer->content_type);
      request->answer->content_type = g_strdup (content_type);
      return;
    }
  soup_server_message_set_status (request->msg, status, NULL);
  soup_server_message_set_response (request->msg, content_type, SOUP_MEMORY_TAKE, body, length);
}

void
ts_request_respond_text (TsRequest  *request,
                         guint       status,
                         const char *json)
{
  if (request->answer != NULL)
    {
      ts_request_respond_take (request, status, g_strdup (json), strlen (json));
      return;
    }
  soup_server_message_set_status (request->msg, status, NULL);
  soup_server_message_set_response (request->msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

void
ts_request_respond_json (TsRequest *request,
                         guint      status,
                         JsonNode  *node)
{
  g_autofree char *text = ts_json_to_string (node);

  ts_request_respond_text (request, status, text);
}

void
ts_request_fail (TsRequest  *request,
                 guint       status,
                 const char *code,
                 const char *message)
{
  g_autoptr(JsonNode) node = ts_error_to_json (code, message);

  ts_request_respond_json (request, status, node);
}

/* The one place where errors become HTTP statuses and doc/api.md's codes. */
static guint
status_for_error (const GError  *error,
                  const char   **code)
{
  if (error->domain == TS_CORE_ERROR)
    {
      switch (error->code)
        {
        case TS_CORE_ERROR_MALFORMED:
          *code = "malformed";
          return SOUP_STATUS_BAD_REQUEST;
        case TS_CORE_ERROR_INVALID:
        default:
          *code = "invalid";
          return SOUP_STATUS_UNPROCESSABLE_ENTITY;
        }
    }

  if (error->domain == TS_STORE_ERROR)
    {
      switch (error->code)
        {
        case TS_STORE_ERROR_NOT_FOUND:
          *code = "not_found";
          return SOUP_STATUS_NOT_FOUND;
        case TS_STORE_ERROR_FORBIDDEN:
          *code = "forbidden";
          return SOUP_STATUS_FORBIDDEN;
        case TS_STORE_ERROR_CONFLICT:
        case TS_STORE_ERROR_EXISTS:
          *code = "conflict";
          return SOUP_STATUS_CONFLICT;
        case TS_STORE_ERROR_GONE:
          *code = "gone";
          return SOUP_STATUS_GONE;
        case TS_STORE_ERROR_UNAUTHORIZED:
          *code = "unauthorized";
          return SOUP_STATUS_UNAUTHORIZED;
        case TS_STORE_ERROR_FAILED:
        default:
          break;
        }
    }

  *code = "internal";
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

void
ts_request_respond_error (TsRequest    *request,
                          const GError *error)
{
  const char *code;
  guint status = status_for_error (error, &code);

  if (status == SOUP_STATUS_INTERNAL_SERVER_ERROR)
    {
      /* Details go to the log; people get a message that leaks nothing. */
      /* A front door's call (ts-server-door.c) has no message. */
      g_warning ("%s %s failed: %s", request->method,
                 request->msg != NULL ? g_uri_get_path (soup_server_message_get_uri (request->msg))
                                      : "(a front door's call)", error->message);
      ts_request_fail (request, status, code, "the server failed; the change was not made");
      return;
    }
  ts_request_fail (request, status, code, error->message);
}

/**
 * ts_request_body_object:
 *
 * Returns: (transfer full) (nullable): the body as a JSON object, or %NULL
 *   having answered 400
 */
JsonObject *
ts_request_body_object (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = request->body != NULL ? g_bytes_get_data (request->body, &size) : NULL;
  JsonObject *object;

  object = ts_json_parse_object (data != NULL ? data : "", size, &error);
  if (object == NULL)
    ts_request_respond_error (request, error);
  return object;
}

gboolean
ts_request_begin (TsRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!ts_store_begin (request->server->store, &error))
    {
      ts_request_respond_error (request, error);
      return FALSE;
    }
  ts_store_set_change_socket (request->server->store, request->socket_id);
  return TRUE;
}

void
ts_request_fail_change (TsRequest *request,
                        GError    *error)
{
  ts_store_rollback (request->server->store);
  ts_request_respond_error (request, error);
  g_error_free (error);
}

/**
 * ts_request_finish_change:
 * @answer: (transfer none): the answer's body
 * @change: (nullable): the change to publish once committed
 *
 * Keeps the change in the open batch with the answer under the request's
 * Idempotency-Key. The answer waits for the batch's commit, which runs
 * once the requests already received have been handled (or the batch is
 * full): with many people editing at once, one sync of the disk makes
 * many changes durable. Events are published only after the answers.
 */
void
ts_request_finish_change (TsRequest *request,
                          guint      status,
                          JsonNode  *answer,
                          gint64     project_id,
                          TsChange  *change)
{
  ts_request_finish_change_text (request, status, ts_json_to_string (answer), project_id, change);
}

/**
 * ts_request_finish_change_text:
 * @text: (transfer full): the answer's body, JSON
 *
 * As ts_request_finish_change(), with the answer already written.
 */
void
ts_request_finish_change_text (TsRequest *request,
                               guint      status,
                               char      *answer,
                               gint64     project_id,
                               TsChange  *change)
{
  TsServer *self = request->server;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = answer;
  g_autofree char *first = NULL;
  guint first_status;

  if ((request->idempotency_key != NULL &&
       !ts_store_remember_idempotent (self->store, request->user_id, request->idempotency_key,
                                      status, text, &error)) ||
      !ts_store_end (self->store, &error))
    {
      ts_store_rollback (self->store);
      /* Another server answered the same key meanwhile (PostgreSQL): this
       * change is undone and its answer is the one given. */
      if (g_error_matches (error, TS_STORE_ERROR, TS_STORE_ERROR_EXISTS) &&
          ts_store_lookup_idempotent (self->store, request->user_id, request->idempotency_key,
                                      &first_status, &first, NULL))
        ts_request_answer_after_commit (request, first_status, g_steal_pointer (&first), 0, NULL);
      else
        ts_request_respond_error (request, error);
      return;
    }

  ts_request_answer_after_commit (request, status, g_steal_pointer (&text), project_id, change);
}

/* The event's data: the change's record as written, unless it passes
 * the realtime service's limit (then thin). Made here, on the store
 * thread, so that the main thread only sends it. */
static char *
event_data (TsStore  *store,
            gint64    project_id,
            TsChange *change)
{
  char *data = ts_store_take_change_data (store, project_id, change->version);

  if (data != NULL && strlen (data) <= TS_EVENT_DATA_MAX_BYTES)
    return data;
  g_free (data);
  return ts_change_to_event_data (change);
}

/**
 * ts_request_answer_after_commit:
 * @body: (transfer full): the answer's body
 * @change: (nullable): the change to publish once committed
 *
 * Holds the answer until the open batch is committed (see
 * ts-server-jobs.c).
 */
void
ts_request_answer_after_commit (TsRequest *request,
                                guint      status,
                                char      *body,
                                gint64     project_id,
                                TsChange  *change)
{
  TsAnswer *answer = request->answer;

  /* The job is answered once the batch holding the change is committed,
   * then its event is published. */
  ts_request_respond_take (request, status, body, strlen (body));
  answer->after_commit = TRUE;
  answer->project_id = project_id;
  g_clear_pointer (&answer->change, ts_change_unref);
  g_clear_pointer (&answer->event_data, g_free);
  if (change != NULL)
    {
      answer->change = ts_change_ref (change);
      answer->event_data = event_data (request->server->store, project_id, change);
    }
  g_free (answer->socket_id);
  answer->socket_id = g_strdup (request->socket_id);
}

static char *
bearer_token (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  return g_strstrip (g_strdup (header + 7));
}

static void
take_body (TsRequest *request)
{
  GByteArray *body = g_object_get_data (G_OBJECT (request->msg), BODY_KEY);

  if (body != NULL)
    request->body = g_bytes_new (body->data, body->len);
}

static void
api_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  TsServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  TsRequest request = { 0 };
  g_autoptr(GBytes) body = NULL;
  g_auto(GStrv) segments = NULL;
  TsRouteHandler handler = NULL;
  gboolean needs_auth = TRUE;
  gboolean batched = FALSE;
  TsRouteMatch match;

  request.server = self;
  request.msg = msg;
  request.method = soup_server_message_get_method (msg);
  request.socket_id = soup_message_headers_get_one (headers, "X-Socket-ID");
  request.idempotency_key = soup_message_headers_get_one (headers, "Idempotency-Key");

  if (g_object_get_data (G_OBJECT (msg), TOO_LARGE_KEY) != NULL)
    {
      gint64 *limit = g_object_get_data (G_OBJECT (msg), LIMIT_KEY);
      g_autofree char *answer = ts_front_door_refusal_new (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                                           *limit);

      soup_message_headers_append (soup_server_message_get_response_headers (msg),
                                   "Connection", "close");
      ts_request_respond_text (&request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                               strstr (answer, "\r\n\r\n") + 4);
      return;
    }
  take_body (&request);
  body = request.body;

  /* "/api/v1/projects/3/stories" → "projects", "3", "stories". */
  segments = g_strsplit (path + strlen ("/api/v1"), "/", -1);
  if (segments[0] == NULL || *segments[0] != '\0')
    {
      ts_request_fail (&request, SOUP_STATUS_NOT_FOUND, "not_found", "there is no such resource");
      return;
    }

  match = ts_server_find_route (request.method, segments + 1, request.ids, &handler, &needs_auth,
                                &batched);
  if (match == TS_ROUTE_NONE)
    {
      ts_request_fail (&request, SOUP_STATUS_NOT_FOUND, "not_found", "there is no such resource");
      return;
    }
  if (match == TS_ROUTE_WRONG_METHOD)
    {
      g_autofree char *message = g_strdup_printf ("%s is not a method of this resource",
                                                  request.method);

      ts_request_fail (&request, SOUP_STATUS_METHOD_NOT_ALLOWED, "malformed", message);
      return;
    }

  /* A sign-in runs on the main thread with its password pool and limits,
   * its store steps sent to the store thread; /health needs no store. */
  if (!ts_server_handler_runs_on_main (handler))
    {
      ts_server_dispatch_request (self, &request, handler, needs_auth, batched,
                                  needs_auth ? bearer_token (msg) : NULL);
      g_steal_pointer (&body);
      return;
    }
  /* The main thread never touches the store: these handlers need no user
   * and send their store steps to the store thread themselves. */
  g_assert (!needs_auth);
  handler (&request);
}

/* An access log line per request, at info level (G_MESSAGES_DEBUG shows
 * it): what happened, without bodies or tokens. */
static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);

  /* A request libsoup could not make a URI of (no Host) has none. */
  g_info ("%s %s %u", soup_server_message_get_method (msg),
          uri != NULL ? g_uri_get_path (uri) : "(no URI)",
          soup_server_message_get_status (msg));
}

/**
 * ts_server_new:
 * @store: the database
 * @hub: the embedded realtime hub; its handlers are attached here, and it
 *   signs channel authorizations
 * @publisher: where project events go
 *
 * Returns: (transfer full): the server, not yet listening
 */
TsServer *
ts_server_new (TsStore     *store,
               TsHub       *hub,
               TsPublisher *publisher)
{
  TsServer *self;

  g_return_val_if_fail (TS_IS_STORE (store), NULL);
  g_return_val_if_fail (TS_IS_HUB (hub), NULL);
  g_return_val_if_fail (TS_IS_PUBLISHER (publisher), NULL);

  self = g_object_new (TS_TYPE_SERVER, NULL);
  self->store = g_object_ref (store);
  self->hub = g_object_ref (hub);
  self->publisher = g_object_ref (publisher);
  self->soup_server = soup_server_new ("server-header", "truestory-server ", NULL);
  self->realtime.key = g_strdup (ts_hub_get_key (hub));
  self->realtime.ws_path = g_strdup ("");

  g_signal_connect (self->soup_server, "request-finished", G_CALLBACK (request_finished_cb), NULL);
  soup_server_add_early_handler (self->soup_server, "/api/v1", early_handler, self, NULL);
  soup_server_add_handler (self->soup_server, "/api/v1", api_handler, self, NULL);
  ts_hub_attach (hub, self->soup_server);
  /* libpq must never hold the main thread, nor SQLite's handlers and
   * syncs: the store is used from a thread of its own (ts-server-jobs.c). */
  ts_server_start_store_thread (self);
  if (ts_store_is_postgresql (store))
    ts_server_start_feed (self);
  else
    ts_server_start_watch (self);

  return self;
}

/**
 * ts_server_set_realtime:
 * @endpoint: where clients connect for realtime events
 * @secret: (nullable): the secret to sign channel authorizations with, for
 *   an external service; %NULL to let the embedded hub sign
 */
void
ts_server_set_realtime (TsServer                 *self,
                        const TsRealtimeEndpoint *endpoint,
                        const char               *secret)
{
  g_return_if_fail (TS_IS_SERVER (self));
  g_return_if_fail (endpoint != NULL && endpoint->key != NULL);

  g_free (self->realtime.key);
  g_free (self->realtime.ws_host);
  g_free (self->realtime.ws_path);
  self->realtime.key = g_strdup (endpoint->key);
  self->realtime.ws_host = g_strdup (endpoint->ws_host);
  self->realtime.ws_port = endpoint->ws_port;
  self->realtime.ws_path = g_strdup (endpoint->ws_path != NULL ? endpoint->ws_path : "");
  self->realtime.tls = endpoint->tls;
  g_free (self->realtime_secret);
  self->realtime_secret = g_strdup (secret);
}

/**
 * ts_server_set_timeouts:
 *
 * Sets the connection timeouts (see TsServerTimeouts), before
 * ts_server_listen(). Each is at least 1 s, and the head timeout at most
 * TS_SERVER_MAX_HEAD_TIMEOUT_S.
 */
void
ts_server_set_timeouts (TsServer               *self,
                        const TsServerTimeouts *timeouts)
{
  g_return_if_fail (TS_IS_SERVER (self));
  g_return_if_fail (timeouts != NULL);
  g_return_if_fail (timeouts->head_s >= 1 && timeouts->idle_s >= 1 && timeouts->body_s >= 1);

  self->timeouts = *timeouts;
  self->timeouts.head_s = MIN (timeouts->head_s, TS_SERVER_MAX_HEAD_TIMEOUT_S);
}

/**
 * ts_server_set_trusted_proxies:
 * @proxies: (array zero-terminated=1) (nullable): addresses or networks,
 *   each item possibly a comma list
 *
 * Sign-ins from these peers count under the last `X-Forwarded-For` hop
 * rather than the peer's address (see #TsSignIn).
 *
 * Returns: %FALSE, changing nothing, when one is not an address
 */
gboolean
ts_server_set_trusted_proxies (TsServer           *self,
                               const char * const *proxies,
                               GError            **error)
{
  g_return_val_if_fail (TS_IS_SERVER (self), FALSE);

  return ts_sign_in_set_trusted_proxies (self->sign_in, proxies, error);
}

SoupServer *
ts_server_get_soup_server (TsServer *self)
{
  g_return_val_if_fail (TS_IS_SERVER (self), NULL);

  return self->soup_server;
}

/**
 * ts_server_listen:
 * @address: where to listen; port 0 picks a free one
 *
 * Listens with a deep backlog, so a burst of connections (every client
 * reconnecting after a restart) is queued rather than reset.
 */
gboolean
ts_server_listen (TsServer            *self,
                  GInetSocketAddress  *address,
                  GError             **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  TsFrontDoorPolicy policy = { .body_limit = ts_server_body_limit };

  g_return_val_if_fail (TS_IS_SERVER (self), FALSE);

  policy.head_timeout_ms = self->timeouts.head_s * 1000;
  policy.idle_timeout_ms = self->timeouts.idle_s * 1000;
  policy.body_timeout_ms = self->timeouts.body_s * 1000;
  ts_server_set_door_calls (self, &policy);

  socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (address)),
                         G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, error) ||
      !g_socket_listen (socket, error) ||
      !ts_hub_listen (self->hub, self->soup_server, socket, &policy, error))
    return FALSE;

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return TRUE;
}

guint16
ts_server_get_port (TsServer *self)
{
  g_return_val_if_fail (TS_IS_SERVER (self), 0);

  return self->port;
}

/**
 * ts_server_stop:
 *
 * Stops taking connections, tells every realtime client to reconnect
 * (4200), and folds the database's log in.
 */
void
ts_server_stop (TsServer *self)
{
  g_return_if_fail (TS_IS_SERVER (self));

  ts_server_stop_store_thread (self);
  ts_hub_stop_listening (self->hub);
  ts_hub_close_all (self->hub, 4200, "the server is restarting");
  soup_server_disconnect (self->soup_server);
  ts_store_checkpoint (self->store);
}
