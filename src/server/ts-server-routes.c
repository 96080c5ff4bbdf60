/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* The endpoints of doc/api.md, one handler each. */

#include "ts-server-private.h"

#include <errno.h>
#include <string.h>

#include "ts-pusher.h"

#define PROJECT_ID(request) ((request)->ids[0])
#define SECOND_ID(request) ((request)->ids[1])
#define THIRD_ID(request) ((request)->ids[2])

/* The default and largest page of `GET …/changes` (doc/api.md). */
#define CHANGES_PAGE 1000

static JsonNode *
deleted_answer (gint64 id,
                gint64 version)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (object, "id", id);
  json_object_set_int_member (object, "version", version);
  json_node_take_object (node, object);
  return node;
}

typedef JsonNode *(*AnswerFunc) (TsChange *change,
                                 TsRequest *request);

/* Ends a handler's change: on failure rolls back and answers the error,
 * else answers what @make_answer makes of the change and publishes it. */
static void
finish (TsRequest  *request,
        TsChange   *change,
        GError     *error,
        guint       status,
        AnswerFunc  make_answer)
{
  g_autoptr(JsonNode) answer = NULL;

  if (change == NULL)
    {
      ts_request_fail_change (request, error);
      return;
    }
  answer = make_answer (change, request);
  ts_request_finish_change (request, status, answer, request->ids[0], change);
}

static JsonNode *
story_answer (TsChange  *change,
              TsRequest *request)
{
  return ts_story_to_json (change->story);
}

/* `{"id", "version"}` of whatever a -destroy change deleted. */
static JsonNode *
deleted_object_answer (TsChange  *change,
                       TsRequest *request)
{
  return deleted_answer (change->id, change->version);
}

static JsonNode *
project_answer (TsChange  *change,
                TsRequest *request)
{
  return ts_project_to_json (change->project);
}

static JsonNode *
comment_answer (TsChange  *change,
                TsRequest *request)
{
  return ts_comment_to_json (change->comment);
}

/* The iteration of an iterations-update, with the version it carries. */
static JsonNode *
iteration_answer (TsChange  *change,
                  TsRequest *request)
{
  g_autoptr(JsonNode) data = ts_change_to_json (change, FALSE);

  return json_node_copy (json_object_get_member (json_node_get_object (data), "iteration"));
}

static void
respond_list (TsRequest *request,
              JsonNode  *node)
{
  ts_request_respond_json (request, SOUP_STATUS_OK, node);
  json_node_unref (node);
}

/* GET /health */
static void
handle_health (TsRequest *request)
{
  ts_request_respond_text (request, SOUP_STATUS_OK, "{\"status\":\"ok\"}");
}

/* A member that holds a string, or %NULL. */
const char *
ts_server_string_member (JsonObject *object,
                         const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * ts_server_handler_runs_on_main:
 *
 * Returns: whether the handler runs on the main thread even when there is
 *   a store thread: /health, which needs no store (so it answers however
 *   busy the database is), and the sign-in, which sends its store steps
 *   there itself
 */
gboolean
ts_server_handler_runs_on_main (TsRouteHandler handler)
{
  return handler == handle_health || handler == ts_server_handle_session_create;
}

/* DELETE /session: revokes the token used. */
static void
handle_session_delete (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  const char *header = soup_message_headers_get_one (
    soup_server_message_get_request_headers (request->msg), "Authorization");
  g_autofree char *token = g_strstrip (g_strdup (header + strlen ("Bearer ")));
  g_autoptr(JsonNode) answer = NULL;

  if (!ts_store_revoke_token (request->server->store, token, &error))
    {
      ts_request_respond_error (request, error);
      return;
    }
  answer = ts_user_to_json (request->user);
  ts_request_respond_json (request, SOUP_STATUS_OK, answer);
}

/* GET /me */
static void
handle_me (TsRequest *request)
{
  g_autoptr(JsonNode) answer = ts_user_to_json (request->user);

  ts_request_respond_json (request, SOUP_STATUS_OK, answer);
}

/* GET /realtime: where and how to connect (doc/api.md, Connecting). */
static void
handle_realtime (TsRequest *request)
{
  TsRealtimeEndpoint *endpoint = &request->server->realtime;
  GUri *uri = soup_server_message_get_uri (request->msg);
  g_autoptr(JsonNode) answer = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  int port = endpoint->ws_port != 0 ? (int) endpoint->ws_port : g_uri_get_port (uri);

  json_object_set_string_member (object, "driver", "pusher");
  json_object_set_string_member (object, "key", endpoint->key);
  json_object_set_string_member (object, "ws_host",
                                 endpoint->ws_host != NULL ? endpoint->ws_host : g_uri_get_host (uri));
  json_object_set_int_member (object, "ws_port", port > 0 ? port : (endpoint->tls ? 443 : 80));
  json_object_set_string_member (object, "ws_path", endpoint->ws_path);
  json_object_set_boolean_member (object, "tls", endpoint->tls);
  json_object_set_string_member (object, "auth_endpoint", "/api/v1/realtime/auth");
  json_node_take_object (answer, object);
  ts_request_respond_json (request, SOUP_STATUS_OK, answer);
}

/* The project a `private-project-<id>` or `presence-project-<id>` channel
 * belongs to, or 0. */
static gint64
project_of_channel (const char *channel,
                    gboolean   *presence)
{
  const char *digits;
  char *end;
  gint64 id;

  if (g_str_has_prefix (channel, "private-project-"))
    digits = channel + strlen ("private-project-");
  else if (g_str_has_prefix (channel, "presence-project-"))
    digits = channel + strlen ("presence-project-");
  else
    return 0;

  *presence = *channel == 'p' && channel[1] == 'r' && channel[2] == 'e' && channel[3] == 's';
  if (!g_ascii_isdigit (*digits))
    return 0;
  errno = 0;
  id = g_ascii_strtoll (digits, &end, 10);
  return errno == 0 && *end == '\0' && id > 0 ? id : 0;
}

/* POST /realtime/auth: the form pusher-js sends; 403 unless a member. */
static void
handle_realtime_auth (TsRequest *request)
{
  TsServer *server = request->server;
  gsize size = 0;
  const char *data = request->body != NULL ? g_bytes_get_data (request->body, &size) : NULL;
  g_autofree char *text = g_strndup (data != NULL ? data : "", size);
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *socket_id = g_hash_table_lookup (form, "socket_id");
  const char *channel = g_hash_table_lookup (form, "channel_name");
  g_autofree char *user_id = g_strdup_printf ("%" G_GINT64_FORMAT, request->user_id);
  g_autofree char *channel_data = NULL;
  g_autofree char *auth = NULL;
  g_autoptr(GError) failure = NULL;
  g_autoptr(JsonNode) answer = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object;
  gboolean presence = FALSE;
  gint64 project_id;

  if (socket_id == NULL || channel == NULL || !ts_pusher_socket_id_is_valid (socket_id))
    {
      ts_request_fail (request, SOUP_STATUS_BAD_REQUEST, "malformed",
                       "the form needs a valid “socket_id” and a “channel_name”");
      return;
    }
  project_id = project_of_channel (channel, &presence);
  if (project_id == 0 ||
      !ts_store_is_member (server->store, request->user_id, project_id, &failure))
    {
      if (failure != NULL)
        {
          ts_request_respond_error (request, failure);
          return;
        }
      ts_request_fail (request, SOUP_STATUS_FORBIDDEN, "forbidden",
                       "you may not subscribe to this channel");
      return;
    }

  if (presence)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *channel_object = json_object_new ();
      JsonObject *info = json_object_new ();

      json_object_set_string_member (info, "name", ts_user_get_name (request->user));
      json_object_set_string_member (channel_object, "user_id", user_id);
      json_object_set_object_member (channel_object, "user_info", info);
      json_node_take_object (node, channel_object);
      channel_data = ts_json_to_string (node);
    }

  if (server->realtime_secret != NULL)
    auth = ts_pusher_channel_auth (server->realtime.key, server->realtime_secret,
                                   socket_id, channel, channel_data);
  else
    auth = ts_hub_authorize (server->hub, socket_id, channel, user_id, channel_data);

  object = json_object_new ();
  json_object_set_string_member (object, "auth", auth);
  if (channel_data != NULL)
    json_object_set_string_member (object, "channel_data", channel_data);
  json_node_take_object (answer, object);
  ts_request_respond_json (request, SOUP_STATUS_OK, answer);
}

/* GET /projects */
static void
handle_projects_list (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) projects = ts_store_list_projects (request->server->store,
                                                          request->user_id, &error);

  if (projects == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  respond_list (request, ts_projects_to_json ((TsProject * const *) projects->pdata, projects->len));
}

/* Answers a repeated keyed POST with its first answer. */
static gboolean
replay_idempotent (TsRequest *request)
{
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  if (request->idempotency_key == NULL)
    return FALSE;
  if (!ts_store_lookup_idempotent (request->server->store, request->user_id,
                                   request->idempotency_key, &status, &body, &error))
    {
      /* Unknown whether it was made: failing is safe, making it twice
       * is not. */
      if (error == NULL)
        return FALSE;
      ts_request_respond_error (request, error);
      return TRUE;
    }

  /* The first answer may be in the open batch, not yet durable: the
   * replay then waits for the same commit. */
  if (ts_store_in_batch (request->server->store))
    ts_request_answer_after_commit (request, status, g_steal_pointer (&body), 0, NULL);
  else
    ts_request_respond_text (request, status, body);
  return TRUE;
}

gboolean
ts_request_replay_idempotent (TsRequest *request)
{
  return replay_idempotent (request);
}

/* POST /projects */
static void
handle_projects_create (TsRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TsProjectPatch) settings = NULL;
  g_autoptr(TsProject) project = NULL;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  if (replay_idempotent (request) || (body = ts_request_body_object (request)) == NULL)
    return;
  if ((settings = ts_project_patch_from_json (body, TRUE, &error)) == NULL)
    {
      ts_request_respond_error (request, error);
      g_error_free (error);
      return;
    }

  if (!ts_request_begin (request))
    return;
  project = ts_store_create_project (request->server->store, request->user_id, settings, &error);
  if (project == NULL)
    {
      ts_request_fail_change (request, error);
      return;
    }
  answer = ts_project_to_json (project);
  ts_request_finish_change (request, SOUP_STATUS_CREATED, answer, 0, NULL);
}

/* GET /projects/:id */
static void
handle_project_get (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsProject) project = ts_store_get_project (request->server->store, request->user_id,
                                                       PROJECT_ID (request), &error);
  g_autoptr(JsonNode) answer = NULL;

  if (project == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  answer = ts_project_to_json (project);
  ts_request_respond_json (request, SOUP_STATUS_OK, answer);
}

/* PATCH /projects/:id */
static void
handle_project_update (TsRequest *request)
{
  g_autoptr(JsonObject) body = ts_request_body_object (request);
  g_autoptr(TsProjectPatch) patch = NULL;
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (body == NULL)
    return;
  if ((patch = ts_project_patch_from_json (body, FALSE, &error)) == NULL)
    {
      ts_request_respond_error (request, error);
      g_error_free (error);
      return;
    }

  if (!ts_request_begin (request))
    return;
  change = ts_store_update_project (request->server->store, request->user_id,
                                    PROJECT_ID (request), patch, &error);
  finish (request, change, error, SOUP_STATUS_OK, project_answer);
}

/* DELETE /projects/:id */
static void
handle_project_delete (TsRequest *request)
{
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (!ts_request_begin (request))
    return;
  change = ts_store_delete_project (request->server->store, request->user_id,
                                    PROJECT_ID (request), &error);
  finish (request, change, error, SOUP_STATUS_OK, deleted_object_answer);
}

static gboolean
check_iteration_number (TsRequest *request)
{
  if (SECOND_ID (request) > G_MAXINT)
    {
      ts_request_fail (request, SOUP_STATUS_NOT_FOUND, "not_found", "there is no such iteration");
      return FALSE;
    }
  return TRUE;
}

/* PUT /projects/:id/iterations/:number */
static void
handle_iteration_set (TsRequest *request)
{
  TsServer *server = request->server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TsProject) project = NULL;
  g_autoptr(TsChange) change = NULL;
  TsIterationOverride override = { 0, 1.0, 0 };
  const TsIterationOverride *existing;
  GError *error = NULL;

  if (!check_iteration_number (request) || (body = ts_request_body_object (request)) == NULL)
    return;
  project = ts_store_get_project (server->store, request->user_id, PROJECT_ID (request), &error);
  if (project != NULL)
    {
      override.number = SECOND_ID (request);
      existing = ts_project_get_override (project, override.number);
      if (existing != NULL)
        override = *existing;
    }
  if (project == NULL || !ts_iteration_override_update_from_json (body, &override, &error))
    {
      ts_request_respond_error (request, error);
      g_error_free (error);
      return;
    }

  if (!ts_request_begin (request))
    return;
  change = ts_store_set_iteration (server->store, request->user_id, PROJECT_ID (request),
                                   &override, &error);
  finish (request, change, error, SOUP_STATUS_OK, iteration_answer);
}

/* DELETE /projects/:id/iterations/:number */
static void
handle_iteration_clear (TsRequest *request)
{
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (!check_iteration_number (request) || !ts_request_begin (request))
    return;
  change = ts_store_clear_iteration (request->server->store, request->user_id,
                                     PROJECT_ID (request), SECOND_ID (request), &error);
  finish (request, change, error, SOUP_STATUS_OK, iteration_answer);
}

/* GET /projects/:id/members */
static void
handle_members_list (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) members = ts_store_list_members (request->server->store, request->user_id,
                                                        PROJECT_ID (request), &error);

  if (members == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  respond_list (request, ts_members_to_json ((TsUser * const *) members->pdata, members->len));
}

/* POST /projects/:id/members `{"email"}` */
static void
handle_members_add (TsRequest *request)
{
  g_autoptr(JsonObject) body = ts_request_body_object (request);
  g_autoptr(TsUser) member = NULL;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;
  gboolean added = FALSE;
  const char *email;

  if (body == NULL)
    return;
  email = ts_server_string_member (body, "email");
  if (email == NULL || json_object_get_size (body) != 1)
    {
      ts_request_fail (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                       "adding a member takes exactly “email”, a string");
      return;
    }

  if (!ts_request_begin (request))
    return;
  member = ts_store_add_member (request->server->store, request->user_id, PROJECT_ID (request),
                                email, &added, &error);
  if (member == NULL)
    {
      ts_request_fail_change (request, error);
      return;
    }
  answer = ts_user_to_json (member);
  ts_request_finish_change (request, added ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, answer, 0, NULL);
}

/* DELETE /projects/:id/members/:user_id: the member's sockets leave the
 * project's channels at once. */
static void
handle_members_remove (TsRequest *request)
{
  TsServer *server = request->server;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *channel = NULL;
  g_autofree char *presence = NULL;
  g_autofree char *member = NULL;
  GError *error = NULL;
  gint64 version = 0;

  if (!ts_request_begin (request))
    return;
  if (!ts_store_remove_member (server->store, request->user_id, PROJECT_ID (request),
                               SECOND_ID (request), &version, &error))
    {
      ts_request_fail_change (request, error);
      return;
    }
  answer = deleted_answer (SECOND_ID (request), version);
  ts_request_finish_change (request, SOUP_STATUS_OK, answer, 0, NULL);

  channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, PROJECT_ID (request));
  presence = g_strdup_printf ("presence-project-%" G_GINT64_FORMAT, PROJECT_ID (request));
  member = g_strdup_printf ("%" G_GINT64_FORMAT, SECOND_ID (request));
  ts_hub_evict_user (server->hub, channel, member);
  ts_hub_evict_user (server->hub, presence, member);
}

/* GET /projects/:id/stories */
static void
handle_stories_list (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = ts_store_dup_stories_json (request->server->store, request->user_id,
                                                       PROJECT_ID (request), &error);

  if (text == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  ts_request_respond_take (request, SOUP_STATUS_OK, text->str, text->len);
  g_string_free (g_steal_pointer (&text), FALSE);
}

/* A create may name a neighbour, as a move does; the rest is the story. */
static gboolean
take_placement (JsonObject     *body,
                TsMoveRequest  *placement,
                GError        **error)
{
  g_autoptr(JsonObject) neighbours = json_object_new ();

  if (!json_object_has_member (body, "before_id") && !json_object_has_member (body, "after_id"))
    return TRUE;
  if (json_object_has_member (body, "before_id"))
    json_object_set_member (neighbours, "before_id",
                            json_node_copy (json_object_get_member (body, "before_id")));
  if (json_object_has_member (body, "after_id"))
    json_object_set_member (neighbours, "after_id",
                            json_node_copy (json_object_get_member (body, "after_id")));
  json_object_remove_member (body, "before_id");
  json_object_remove_member (body, "after_id");
  return ts_move_request_from_json (neighbours, placement, error);
}

/* POST /projects/:id/stories */
static void
handle_stories_create (TsRequest *request)
{
  TsServer *server = request->server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TsStory) values = NULL;
  g_autoptr(TsChange) change = NULL;
  g_autofree char *text = NULL;
  TsMoveRequest placement = { 0 };
  TsPointScale scale;
  GError *error = NULL;

  if (replay_idempotent (request) || (body = ts_request_body_object (request)) == NULL ||
      !ts_request_begin (request))
    return;
  /* Of the project, a create needs the membership and the point scale,
   * read once, in the change's transaction. */
  if (!ts_store_get_point_scale (server->store, request->user_id, PROJECT_ID (request), &scale,
                                 &error) ||
      !take_placement (body, &placement, &error) ||
      (values = ts_story_from_request_json (body, scale, &error)) == NULL)
    {
      ts_request_fail_change (request, error);
      return;
    }
  change = ts_store_create_story (server->store, request->user_id, PROJECT_ID (request), scale,
                                  values, &placement, &error);
  /* The answer is the story's JSON as its row holds it, written once. */
  text = change != NULL ? ts_store_take_story_json (server->store, change->id, change->version)
                        : NULL;
  if (text != NULL)
    ts_request_finish_change_text (request, SOUP_STATUS_CREATED, g_steal_pointer (&text),
                                   PROJECT_ID (request), change);
  else
    finish (request, change, error, SOUP_STATUS_CREATED, story_answer);
}

/* GET /projects/:id/stories/:sid */
static void
handle_story_get (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) story = ts_store_get_story (request->server->store, request->user_id,
                                                 PROJECT_ID (request), SECOND_ID (request), &error);
  g_autoptr(JsonNode) answer = NULL;

  if (story == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  answer = ts_story_to_json (story);
  ts_request_respond_json (request, SOUP_STATUS_OK, answer);
}

/* The 409 of doc/api.md: the error, the story as it is, the fields at odds. */
static void
respond_conflict (TsRequest     *request,
                  TsStory       *current,
                  TsStoryFields  conflicts,
                  const GError  *error)
{
  g_autoptr(JsonNode) answer = ts_error_to_json ("conflict", error->message);
  JsonObject *object = json_node_get_object (answer);
  JsonArray *fields = json_array_new ();

  for (guint bit = 0; (1u << bit) & TS_STORY_FIELDS_ALL; bit++)
    if (conflicts & (1u << bit))
      json_array_add_string_element (fields, ts_story_field_to_string (1u << bit));
  json_object_set_member (object, "story", ts_story_to_json (current));
  json_object_set_array_member (object, "conflicts", fields);
  ts_request_respond_json (request, SOUP_STATUS_CONFLICT, answer);
}

/* PATCH /projects/:id/stories/:sid (doc/api.md, Concurrent edits) */
static void
handle_story_update (TsRequest *request)
{
  TsServer *server = request->server;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TsProject) project = NULL;
  g_autoptr(TsStoryPatch) patch = NULL;
  g_autoptr(TsChange) change = NULL;
  g_autoptr(TsStory) current = NULL;
  g_autoptr(JsonNode) answer = NULL;
  TsStoryFields conflicts = TS_STORY_FIELD_NONE;
  GError *error = NULL;

  if ((body = ts_request_body_object (request)) == NULL)
    return;
  if ((project = ts_store_get_project (server->store, request->user_id, PROJECT_ID (request),
                                       &error)) == NULL ||
      (patch = ts_story_patch_from_json (body, ts_project_get_point_scale (project),
                                         &error)) == NULL)
    {
      ts_request_respond_error (request, error);
      g_error_free (error);
      return;
    }

  if (!ts_request_begin (request))
    return;
  change = ts_store_update_story (server->store, request->user_id, PROJECT_ID (request),
                                  SECOND_ID (request), patch, &current, &conflicts, &error);
  if (change == NULL)
    {
      ts_store_rollback (server->store);
      if (g_error_matches (error, TS_STORE_ERROR, TS_STORE_ERROR_CONFLICT))
        respond_conflict (request, current, conflicts, error);
      else
        ts_request_respond_error (request, error);
      g_error_free (error);
      return;
    }
  answer = ts_story_to_json (change->story);
  ts_request_finish_change (request, SOUP_STATUS_OK, answer, PROJECT_ID (request), change);
}

/* POST /projects/:id/stories/:sid/move. A POST, so a retry with the same
 * Idempotency-Key gets the first answer (doc/api.md): a move whose answer
 * was lost, sent again from the app's outbox, is not made twice. */
static void
handle_story_move (TsRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TsChange) change = NULL;
  TsMoveRequest move = { 0 };
  GError *error = NULL;

  if (replay_idempotent (request) || (body = ts_request_body_object (request)) == NULL)
    return;
  if (!ts_move_request_from_json (body, &move, &error))
    {
      ts_request_respond_error (request, error);
      g_error_free (error);
      return;
    }

  if (!ts_request_begin (request))
    return;
  change = ts_store_move_story (request->server->store, request->user_id, PROJECT_ID (request),
                                SECOND_ID (request), &move, &error);
  finish (request, change, error, SOUP_STATUS_OK, story_answer);
}

/* DELETE /projects/:id/stories/:sid */
static void
handle_story_delete (TsRequest *request)
{
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (!ts_request_begin (request))
    return;
  change = ts_store_delete_story (request->server->store, request->user_id, PROJECT_ID (request),
                                  SECOND_ID (request), &error);
  finish (request, change, error, SOUP_STATUS_OK, deleted_object_answer);
}

static void
respond_comments (TsRequest *request,
                  gint64     story_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) comments = ts_store_list_comments (request->server->store, request->user_id,
                                                          PROJECT_ID (request), story_id, &error);

  if (comments == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  respond_list (request, ts_comments_to_json ((TsComment * const *) comments->pdata,
                                              comments->len));
}

/* GET /projects/:id/stories/:sid/comments */
static void
handle_story_comments_list (TsRequest *request)
{
  respond_comments (request, SECOND_ID (request));
}

/* GET /projects/:id/comments */
static void
handle_project_comments_list (TsRequest *request)
{
  respond_comments (request, 0);
}

/* POST /projects/:id/stories/:sid/comments */
static void
handle_comments_create (TsRequest *request)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TsComment) values = NULL;
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (replay_idempotent (request) || (body = ts_request_body_object (request)) == NULL)
    return;
  if ((values = ts_comment_from_request_json (body, &error)) == NULL)
    {
      ts_request_respond_error (request, error);
      g_error_free (error);
      return;
    }

  if (!ts_request_begin (request))
    return;
  change = ts_store_create_comment (request->server->store, request->user_id, PROJECT_ID (request),
                                    SECOND_ID (request), ts_comment_get_text (values), &error);
  finish (request, change, error, SOUP_STATUS_CREATED, comment_answer);
}

/* DELETE /projects/:id/stories/:sid/comments/:cid */
static void
handle_comments_delete (TsRequest *request)
{
  g_autoptr(TsChange) change = NULL;
  GError *error = NULL;

  if (!ts_request_begin (request))
    return;
  change = ts_store_delete_comment (request->server->store, request->user_id, PROJECT_ID (request),
                                    SECOND_ID (request), THIRD_ID (request), &error);
  finish (request, change, error, SOUP_STATUS_OK, deleted_object_answer);
}

static GHashTable *
request_query (TsRequest *request)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));

  return soup_form_decode (query != NULL ? query : "");
}

/* A query parameter that must be a whole number in [min, max], if present. */
static gboolean
query_integer (GHashTable *query,
               const char *name,
               gint64      min,
               gint64      max,
               gint64     *inout)
{
  const char *text = g_hash_table_lookup (query, name);

  if (text == NULL)
    return TRUE;
  return g_ascii_string_to_signed (text, 10, min, max, inout, NULL);
}

/* GET /projects/:id/plan?today=YYYY-MM-DD&velocity=X */
static void
handle_plan (TsRequest *request)
{
  g_autoptr(GHashTable) query = request_query (request);
  g_autoptr(GError) error = NULL;
  g_autoptr(TsProject) project = NULL;
  g_autoptr(GPtrArray) stories = NULL;
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(JsonNode) answer = NULL;
  const char *today_text = g_hash_table_lookup (query, "today");
  const char *velocity_text = g_hash_table_lookup (query, "velocity");
  double velocity = TS_VELOCITY_NOT_OVERRIDDEN;
  TsDay today = TS_DAY_NONE;
  gint64 version;

  if ((today_text != NULL && !ts_day_parse (today_text, &today)) ||
      (velocity_text != NULL &&
       (!g_ascii_string_to_signed (velocity_text, 10, 1, 100000, NULL, NULL) &&
        ((velocity = g_ascii_strtod (velocity_text, NULL)) <= 0.0 || velocity > 100000.0 ||
         velocity != velocity))))
    {
      ts_request_fail (request, SOUP_STATUS_BAD_REQUEST, "malformed",
                       "“today” must be YYYY-MM-DD and “velocity” a number above 0");
      return;
    }
  if (velocity_text != NULL)
    velocity = g_ascii_strtod (velocity_text, NULL);
  /* Well-formed but out of the planner's bounds: the same checks as the
   * app's, so both refuse the plans that would cost the most. */
  if ((today != TS_DAY_NONE && !ts_planner_check_day ("today", today, &error)) ||
      (velocity_text != NULL && !ts_planner_check_velocity ("velocity", velocity, &error)))
    {
      ts_request_respond_error (request, error);
      return;
    }

  if ((project = ts_store_get_project (request->server->store, request->user_id,
                                       PROJECT_ID (request), &error)) == NULL ||
      (stories = ts_store_list_stories (request->server->store, request->user_id,
                                        PROJECT_ID (request), &version, &error)) == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  if (today == TS_DAY_NONE)
    today = ts_day_today (ts_project_get_zone (project));

  plan = ts_planner_plan (project, (TsStory * const *) stories->pdata, stories->len, today, velocity);
  answer = ts_plan_to_json (plan);
  ts_request_respond_json (request, SOUP_STATUS_OK, answer);
}

/* GET /projects/:id/changes?since=N&limit=L */
static void
handle_changes (TsRequest *request)
{
  g_autoptr(GHashTable) query = request_query (request);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  gint64 since = -1, limit = CHANGES_PAGE, version = 0;
  gboolean more = FALSE;

  if (!query_integer (query, "since", 0, G_MAXINT64, &since) || since < 0 ||
      !query_integer (query, "limit", 1, CHANGES_PAGE, &limit))
    {
      ts_request_fail (request, SOUP_STATUS_BAD_REQUEST, "malformed",
                       "“since” must be a version (0 or more) and “limit” 1 to 1000");
      return;
    }

  changes = ts_store_list_changes (request->server->store, request->user_id, PROJECT_ID (request),
                                   since, limit, &version, &more, &error);
  if (changes == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  respond_list (request, ts_changes_to_json (version, (TsChange * const *) changes->pdata,
                                             changes->len, more));
}

typedef struct {
  const char *method;
  /* Segments after /api/v1, with "#" for an id. */
  const char *pattern;
  gboolean needs_auth;
  /* Whether it changes a project through ts_request_begin() and so joins
   * the open batch (group commit). */
  gboolean batched;
  TsRouteHandler handler;
} Route;

static const Route routes[] = {
  { "GET", "health", FALSE, FALSE, handle_health },
  { "POST", "session", FALSE, FALSE, ts_server_handle_session_create },
  { "DELETE", "session", TRUE, FALSE, handle_session_delete },
  { "GET", "me", TRUE, FALSE, handle_me },
  { "GET", "realtime", TRUE, FALSE, handle_realtime },
  { "POST", "realtime/auth", TRUE, FALSE, handle_realtime_auth },
  { "GET", "projects", TRUE, FALSE, handle_projects_list },
  { "POST", "projects", TRUE, TRUE, handle_projects_create },
  { "GET", "projects/#", TRUE, FALSE, handle_project_get },
  { "PATCH", "projects/#", TRUE, TRUE, handle_project_update },
  { "DELETE", "projects/#", TRUE, TRUE, handle_project_delete },
  { "PUT", "projects/#/iterations/#", TRUE, TRUE, handle_iteration_set },
  { "DELETE", "projects/#/iterations/#", TRUE, TRUE, handle_iteration_clear },
  { "GET", "projects/#/members", TRUE, FALSE, handle_members_list },
  { "POST", "projects/#/members", TRUE, TRUE, handle_members_add },
  { "DELETE", "projects/#/members/#", TRUE, TRUE, handle_members_remove },
  { "GET", "projects/#/stories", TRUE, FALSE, handle_stories_list },
  { "POST", "projects/#/stories", TRUE, TRUE, handle_stories_create },
  { "GET", "projects/#/stories/#", TRUE, FALSE, handle_story_get },
  { "PATCH", "projects/#/stories/#", TRUE, TRUE, handle_story_update },
  { "DELETE", "projects/#/stories/#", TRUE, TRUE, handle_story_delete },
  { "POST", "projects/#/stories/#/move", TRUE, TRUE, handle_story_move },
  { "GET", "projects/#/stories/#/comments", TRUE, FALSE, handle_story_comments_list },
  { "POST", "projects/#/stories/#/comments", TRUE, TRUE, handle_comments_create },
  { "DELETE", "projects/#/stories/#/comments/#", TRUE, TRUE, handle_comments_delete },
  { "GET", "projects/#/stories/#/tasks", TRUE, FALSE, ts_server_handle_tasks_list },
  { "POST", "projects/#/stories/#/tasks", TRUE, TRUE, ts_server_handle_tasks_add },
  { "PATCH", "projects/#/stories/#/tasks/#", TRUE, TRUE, ts_server_handle_task_edit },
  { "DELETE", "projects/#/stories/#/tasks/#", TRUE, TRUE, ts_server_handle_task_delete },
  { "POST", "projects/#/stories/#/tasks/#/move", TRUE, TRUE, ts_server_handle_task_move },
  { "GET", "projects/#/comments", TRUE, FALSE, handle_project_comments_list },
  { "GET", "projects/#/plan", TRUE, FALSE, handle_plan },
  { "GET", "projects/#/changes", TRUE, FALSE, handle_changes },
  { "POST", "projects/#/import", TRUE, TRUE, ts_server_handle_import },
  { "GET", "projects/#/export", TRUE, FALSE, ts_server_handle_export },
};

/* An id in a path: a positive decimal number, nothing else. */
static gboolean
parse_id (const char *text,
          gint64     *out_id)
{
  guint64 value;

  if (*text == '0' || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *out_id = (gint64) value;
  return TRUE;
}

/* Walks @pattern's segments in place: every request tries the routes
 * above in turn, and splitting each pattern allocated (g_strsplit() in
 * the routing was 3 % of the main thread under creates). */
static gboolean
path_matches (const char  *pattern,
              char       **segments,
              gint64       ids[3])
{
  const char *part = pattern;
  guint n_ids = 0;
  guint i;

  for (i = 0; part != NULL; i++)
    {
      const char *slash = strchr (part, '/');
      gsize length = slash != NULL ? (gsize) (slash - part) : strlen (part);

      if (segments[i] == NULL)
        return FALSE;
      if (length == 1 && *part == '#')
        {
          if (n_ids == 3 || !parse_id (segments[i], &ids[n_ids]))
            return FALSE;
          n_ids++;
        }
      else if (strncmp (part, segments[i], length) != 0 || segments[i][length] != '\0')
        {
          return FALSE;
        }
      part = slash != NULL ? slash + 1 : NULL;
    }
  return segments[i] == NULL;
}

/**
 * ts_server_find_route:
 * @segments: the path after `/api/v1/`, split at slashes
 * @ids: (out caller-allocates): the ids in the path
 *
 * Returns: whether a route has this path, and with this method
 */
TsRouteMatch
ts_server_find_route (const char      *method,
                      char           **segments,
                      gint64           ids[3],
                      TsRouteHandler  *out_handler,
                      gboolean        *out_needs_auth,
                      gboolean        *out_batched)
{
  TsRouteMatch match = TS_ROUTE_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!path_matches (routes[i].pattern, segments, ids))
        continue;
      if (strcmp (routes[i].method, method) != 0)
        {
          match = TS_ROUTE_WRONG_METHOD;
          continue;
        }
      *out_handler = routes[i].handler;
      *out_needs_auth = routes[i].needs_auth;
      *out_batched = routes[i].batched;
      return TS_ROUTE_FOUND;
    }
  return match;
}
