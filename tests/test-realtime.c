/* SPDX-License-Identifier: GPL-3.0-or-later */

/* truestory-server's events end to end: a real server, REST changes, and
 * Pusher protocol clients on its WebSocket endpoint. */

#include <signal.h>
#include <string.h>

#include "server-harness.h"
#include "ts-json.h"
#include "ws-client.h"

#define APP_ID "4242"
#define KEY "0123456789abcdef0123"
#define SECRET "fedcba9876543210fedcba9876543210"

static const char * const app_args[] = {
  "--app-id", APP_ID, "--app-key", KEY, "--app-secret", SECRET, NULL
};

typedef struct {
  TestServer *server;
  SoupSession *session;
  char *ada;
  char *bob;
  gint64 project_id;
  char *channel;
} Fixture;

static gint64
create_project (TestServer *server,
                const char *token)
{
  return test_server_create_project (server, token, "{\"name\": \"Gemini\"}");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *members = NULL;
  g_autoptr(TestResponse) added = NULL;

  f->server = test_server_start (app_args);
  f->session = soup_session_new ();
  g_assert_true (test_server_add_user (f->server, "ada@example.org", "Ada Lovelace", "analytical"));
  g_assert_true (test_server_add_user (f->server, "bob@example.org", "Bob Noyce", "integrated"));
  f->ada = test_server_sign_in (f->server, "ada@example.org", "analytical");
  f->bob = test_server_sign_in (f->server, "bob@example.org", "integrated");
  f->project_id = create_project (f->server, f->ada);
  f->channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, f->project_id);

  members = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members", f->project_id);
  added = test_request (f->server, "POST", members, f->ada, "{\"email\": \"bob@example.org\"}");
  assert_status (added, 201);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  test_server_stop (f->server);
  g_free (f->ada);
  g_free (f->bob);
  g_free (f->channel);
}

static Client *
open_client (Fixture *f)
{
  return client_open_pusher (f->session, f->server->port, KEY);
}

static TestResponse *
create_story_from (Fixture    *f,
                   const char *socket_id,
                   const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories",
                                           f->project_id);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  const char * const headers[] = { "X-Socket-ID", socket_id, NULL };

  return test_request_full (f->server, "POST", path, f->ada, "application/json", bytes,
                            socket_id != NULL ? headers : NULL);
}

/* The creator's socket does not get the event of its own change; every
 * other subscriber does, with the change's data. */
static void
test_socket_exclusion (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Client) creator = open_client (f);
  g_autoptr(Client) watcher = open_client (f);
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(JsonObject) payload = NULL;

  client_subscribe_through (creator, f->server, f->ada, f->channel);
  client_subscribe_through (watcher, f->server, f->bob, f->channel);

  created = create_story_from (f, creator->socket_id, "{\"title\": \"Rendezvous\"}");
  assert_status (created, 201);

  event = client_expect (watcher, "stories-create");
  g_assert_cmpstr (json_object_get_string_member (event, "channel"), ==, f->channel);
  payload = message_data (event);
  g_assert_cmpint (json_object_get_int_member (payload, "version"), ==,
                   test_response_int (created, "version"));
  g_assert_cmpint (json_object_get_int_member (payload, "actor_id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "story"),
                                                  "title"), ==, "Rendezvous");
  client_sync (creator);
}

/* Events arrive in version order and are exactly what the history
 * replays. */
static void
test_events_match_history (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(Client) watcher = open_client (f);
  g_autofree char *changes_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT
                                                   "/changes?since=0", f->project_id);
  g_autoptr(TestResponse) changes = NULL;
  JsonArray *history;
  const guint n = 25;

  client_subscribe_through (watcher, f->server, f->bob, f->channel);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"title\": \"Story %u\"}", i);
      g_autoptr(TestResponse) created = create_story_from (f, NULL, body);

      assert_status (created, 201);
    }

  changes = test_request (f->server, "GET", changes_path, f->ada, NULL);
  assert_status (changes, 200);
  history = json_object_get_array_member (test_response_object (changes), "changes");
  g_assert_cmpuint (json_array_get_length (history), ==, n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) event = client_expect (watcher, "stories-create");
      g_autoptr(JsonObject) payload = message_data (event);
      JsonObject *replayed = json_array_get_object_element (history, i);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), payload);
      g_autofree char *sent = ts_json_to_string (node);
      g_autofree char *kept = NULL;

      g_assert_cmpint (json_object_get_int_member (payload, "version"), ==, i + 1);
      json_object_remove_member (replayed, "name");
      json_node_set_object (node, replayed);
      kept = ts_json_to_string (node);
      g_assert_cmpstr (sent, ==, kept);
    }
}

/* An event over 10 KB goes out thin; the history keeps it whole. */
static void
test_thin_events (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Client) watcher = open_client (f);
  g_autofree char *description = g_strnfill (15000, 'd');
  g_autofree char *body = g_strdup_printf ("{\"title\": \"Long\", \"description\": \"%s\"}", description);
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(JsonObject) payload = NULL;

  client_subscribe_through (watcher, f->server, f->bob, f->channel);
  created = create_story_from (f, NULL, body);
  assert_status (created, 201);

  event = client_expect (watcher, "stories-create");
  payload = message_data (event);
  g_assert_true (json_object_get_boolean_member (payload, "thin"));
  g_assert_cmpint (json_object_get_int_member (payload, "id"), ==, test_response_int (created, "id"));
  g_assert_false (json_object_has_member (payload, "story"));
}

/* A removed member's sockets leave the project's channels at once. */
static void
test_removed_member_evicted (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(Client) bob = open_client (f);
  g_autoptr(Client) ada = open_client (f);
  g_autofree char *member = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members/2",
                                             f->project_id);
  g_autoptr(TestResponse) removed = NULL;
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(JsonObject) evicted = NULL;
  g_autoptr(JsonObject) event = NULL;

  client_subscribe_through (bob, f->server, f->bob, f->channel);
  client_subscribe_through (ada, f->server, f->ada, f->channel);

  removed = test_request (f->server, "DELETE", member, f->ada, NULL);
  assert_status (removed, 200);
  evicted = client_expect (bob, "pusher:subscription_error");
  g_assert_cmpstr (json_object_get_string_member (evicted, "channel"), ==, f->channel);

  created = create_story_from (f, NULL, "{\"title\": \"Private now\"}");
  assert_status (created, 201);
  event = client_expect (ada, "stories-create");
  client_sync (bob);
}

static void
closed_with (SoupWebsocketConnection *connection,
             gpointer                 user_data)
{
  *(gushort *) user_data = soup_websocket_connection_get_close_code (connection);
}

/* A stop tells every realtime client to reconnect (4200). */
static void
test_graceful_stop (Fixture       *f,
                    gconstpointer  data)
{
  Client *client = open_client (f);
  gushort code = 0;

  g_signal_connect (client->connection, "closed", G_CALLBACK (closed_with), &code);
  kill (f->server->pid, SIGTERM);
  WAIT_UNTIL (code != 0, TIMEOUT_MS);
  g_assert_cmpuint (code, ==, 4200);
  client_free (client);
}

/* One server publishes through another's HTTP API, as a deployment that
 * outgrew one machine publishes through an external service; clients are
 * pointed at that service and receive the events there. */
static void
test_external_realtime (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("--realtime-url=http://%s:%s@127.0.0.1:%u/apps/%s",
                                          KEY, SECRET, f->server->port, APP_ID);
  const char * const args[] = { url, NULL };
  TestServer *publisher = test_server_start (args);
  g_autofree char *token = NULL;
  g_autofree char *channel = NULL;
  g_autofree char *stories = NULL;
  g_autoptr(TestResponse) info = NULL;
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(JsonObject) payload = NULL;
  Client *watcher;
  JsonObject *object;
  gint64 project_id;

  g_assert_true (test_server_add_user (publisher, "ada@example.org", "Ada Lovelace", "analytical"));
  token = test_server_sign_in (publisher, "ada@example.org", "analytical");
  project_id = create_project (publisher, token);
  channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);

  info = test_request (publisher, "GET", "/api/v1/realtime", token, NULL);
  assert_status (info, 200);
  object = test_response_object (info);
  g_assert_cmpstr (json_object_get_string_member (object, "key"), ==, KEY);
  g_assert_cmpint (json_object_get_int_member (object, "ws_port"), ==, f->server->port);

  /* Connected to the service, authorized by the publishing server. */
  watcher = client_open_pusher (f->session, f->server->port, KEY);
  client_subscribe_through (watcher, publisher, token, channel);

  stories = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", project_id);
  created = test_request (publisher, "POST", stories, token, "{\"title\": \"Relayed\"}");
  assert_status (created, 201);
  event = client_expect (watcher, "stories-create");
  payload = message_data (event);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "story"),
                                                  "title"), ==, "Relayed");

  client_close (watcher);
  test_server_stop (publisher);
}

#define ADD(name, func) \
  g_test_add ("/server/realtime/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

/* A task's add and tick are each a stories-update of the whole story,
 * with its tasks, at the version the change made. */
static void
test_task_events (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Client) watcher = open_client (f);
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) added = NULL;
  g_autoptr(TestResponse) ticked = NULL;
  g_autoptr(JsonObject) create_event = NULL;
  g_autofree char *tasks = NULL;
  g_autofree char *task = NULL;
  JsonArray *answer_tasks;

  client_subscribe_through (watcher, f->server, f->bob, f->channel);
  created = create_story_from (f, NULL, "{\"title\": \"Checklist\"}");
  assert_status (created, 201);
  create_event = client_expect (watcher, "stories-create");
  tasks = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT "/tasks",
                           f->project_id, test_response_int (created, "id"));
  added = test_request (f->server, "POST", tasks, f->ada, "{\"text\": \"Dock\"}");
  assert_status (added, 201);
  answer_tasks = json_object_get_array_member (test_response_object (added), "tasks");
  task = g_strdup_printf ("%s/%" G_GINT64_FORMAT, tasks,
                          json_object_get_int_member (json_array_get_object_element (answer_tasks, 0), "id"));
  ticked = test_request (f->server, "PATCH", task, f->bob, "{\"done\": true}");
  assert_status (ticked, 200);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) event = client_expect (watcher, "stories-update");
      g_autoptr(JsonObject) payload = message_data (event);
      JsonObject *story = json_object_get_object_member (payload, "story");
      JsonArray *story_tasks = json_object_get_array_member (story, "tasks");
      JsonObject *first = json_array_get_object_element (story_tasks, 0);

      g_assert_cmpint (json_object_get_int_member (payload, "version"), ==,
                       test_response_int (i == 0 ? added : ticked, "version"));
      g_assert_cmpint (json_object_get_int_member (payload, "actor_id"), ==, i == 0 ? 1 : 2);
      g_assert_cmpuint (json_array_get_length (story_tasks), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (first, "text"), ==, "Dock");
      g_assert_cmpint (json_object_get_boolean_member (first, "done"), ==, i == 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("socket-exclusion", test_socket_exclusion);
  ADD ("events-match-history", test_events_match_history);
  ADD ("thin-events", test_thin_events);
  ADD ("removed-member-evicted", test_removed_member_evicted);
  ADD ("graceful-stop", test_graceful_stop);
  ADD ("external-realtime", test_external_realtime);
  ADD ("task-events", test_task_events);

  return g_test_run ();
}
