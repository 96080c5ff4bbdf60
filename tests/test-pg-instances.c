/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Several truestory-servers on one PostgreSQL database (issue 16): started
 * together on an empty database, they migrate it once and share its users,
 * tokens and projects; changes to one project through both are serialised,
 * with exact versions and a contiguous history; the same Idempotency-Key
 * sent to both at once makes one story and one answer. `user add` and
 * `user list` work with --database alone. */

#include <libpq-fe.h>
#include <string.h>

#include "pg-harness.h"
#include "server-harness.h"
#include "ws-client.h"

#define PASSWORD "correct horse"
/* The realtime service's app: a third server's embedded hub. */
#define APP_ID "4242"
#define KEY "0123456789abcdef0123"
#define SECRET "fedcba9876543210fedcba9876543210"
#define ROUNDS 20
#define WRITES 40

/* Two servers spawned at the same moment on @database. */
static void
start_two (const char  *database,
           TestServer **out_a,
           TestServer **out_b)
{
  TestServer *servers[2];

  test_servers_start_on (database, 2, NULL, servers);
  *out_a = servers[0];
  *out_b = servers[1];
}

/* truestory-server with @args (no --data-dir): its exit status, and its
 * standard output in @out. */
static int
run_command (const char * const *args,
             const char         *input,
             char              **out)
{
  g_autoptr(TestRun) run = test_run_program (args, input);

  if (out != NULL)
    *out = g_steal_pointer (&run->out);
  return run->status;
}

static void
add_user (const char *database,
          const char *email,
          const char *name)
{
  const char *args[] = { "--database", database, "user", "add", "--email", email,
                         "--name", name, NULL };

  g_assert_cmpint (run_command (args, PASSWORD "\n", NULL), ==, 0);
}

/* Started together on an empty database: one schema, one set of app
 * credentials; a token from one works on the other, and a project made
 * through one is read through the other at once. */
static void
test_start_together (void)
{
  g_autofree char *database = test_pg_new_database ();
  TestServer *a, *b;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *config_a = NULL;
  g_autofree char *config_b = NULL;
  gint64 project_id;

  start_two (database, &a, &b);
  add_user (database, "ada@example.org", "Ada");

  token = test_server_sign_in (a, "ada@example.org", PASSWORD);
  g_assert_nonnull (token);
  {
    g_autoptr(TestResponse) me = test_request (b, "GET", "/api/v1/me", token, NULL);

    assert_status (me, 200);
  }

  project_id = test_server_create_project (a, token, "{\"name\": \"Apollo\"}");
  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, project_id);
  {
    g_autoptr(TestResponse) read = test_request (b, "GET", path, token, NULL);

    assert_status (read, 200);
    g_assert_cmpstr (json_object_get_string_member (test_response_object (read), "name"), ==,
                     "Apollo");
  }

  /* Both serve the embedded hub with the one key kept in the database. */
  {
    g_autoptr(TestResponse) from_a = test_request (a, "GET", "/api/v1/realtime", token, NULL);
    g_autoptr(TestResponse) from_b = test_request (b, "GET", "/api/v1/realtime", token, NULL);

    assert_status (from_a, 200);
    assert_status (from_b, 200);
    config_a = g_strdup (json_object_get_string_member (test_response_object (from_a), "key"));
    config_b = g_strdup (json_object_get_string_member (test_response_object (from_b), "key"));
    g_assert_cmpstr (config_a, ==, config_b);
  }

  test_server_stop (a);
  test_server_stop (b);
}

typedef struct {
  TestServer *server;
  const char *token;
  const char *path;
  const char *key;
  const char *body;
  guint n_requests;
  guint status;
  char *answer;
  int done;
} Sender;

/* Sends Sender.n_requests POSTs on a session of the thread's own. */
static gpointer
send_thread (gpointer data)
{
  Sender *sender = data;
  TestServer own = *sender->server;

  own.session = soup_session_new_with_options ("timeout", 30, NULL);
  for (guint i = 0; i < sender->n_requests; i++)
    {
      g_autofree char *body = sender->body != NULL
        ? g_strdup (sender->body)
        : g_strdup_printf ("{\"title\": \"%s %u\"}", sender->key, i);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      const char *headers[] = { "Idempotency-Key", sender->key, NULL };
      g_autoptr(TestResponse) response = NULL;

      response = test_request_full (&own, "POST", sender->path, sender->token, "application/json",
                                    bytes, sender->body != NULL ? headers : NULL);
      sender->status = response->status;
      g_free (sender->answer);
      sender->answer = g_strdup (response->text);
      if (response->status != 201)
        break;
    }
  g_object_unref (own.session);
  g_atomic_int_set (&sender->done, 1);
  return NULL;
}

static void
run_senders (Sender *a,
             Sender *b)
{
  GThread *thread_a = g_thread_new ("send-a", send_thread, a);
  GThread *thread_b = g_thread_new ("send-b", send_thread, b);

  g_thread_join (thread_a);
  g_thread_join (thread_b);
}

static guint
count_stories (TestServer *server,
               const char *token,
               const char *path)
{
  g_autoptr(TestResponse) list = test_request (server, "GET", path, token, NULL);

  assert_status (list, 200);
  return json_array_get_length (json_object_get_array_member (test_response_object (list),
                                                              "stories"));
}

/* The same Idempotency-Key sent to both servers at the same moment: one
 * story, and both answer with it. */
static void
test_same_key (void)
{
  g_autofree char *database = test_pg_new_database ();
  TestServer *a, *b;
  g_autofree char *token = NULL;
  g_autofree char *stories = NULL;
  gint64 project_id;

  start_two (database, &a, &b);
  add_user (database, "ada@example.org", "Ada");
  token = test_server_sign_in (a, "ada@example.org", PASSWORD);
  project_id = test_server_create_project (a, token, "{\"name\": \"Apollo\"}");
  stories = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", project_id);

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autofree char *key = g_strdup_printf ("key-%u", round);
      g_autofree char *body = g_strdup_printf ("{\"title\": \"Story %u\"}", round);
      Sender send_a = { a, token, stories, key, body, 1, 0, NULL, 0 };
      Sender send_b = { b, token, stories, key, body, 1, 0, NULL, 0 };

      run_senders (&send_a, &send_b);
      g_assert_cmpuint (send_a.status, ==, 201);
      g_assert_cmpuint (send_b.status, ==, 201);
      g_assert_cmpstr (send_a.answer, ==, send_b.answer);
      g_free (send_a.answer);
      g_free (send_b.answer);
    }
  g_assert_cmpuint (count_stories (a, token, stories), ==, ROUNDS);
  g_assert_cmpuint (count_stories (b, token, stories), ==, ROUNDS);

  test_server_stop (a);
  test_server_stop (b);
}

/* Creates through both servers at once into one project: every version is
 * given once, the history is contiguous and holds every story. */
static void
test_concurrent_writes (void)
{
  g_autofree char *database = test_pg_new_database ();
  TestServer *a, *b;
  g_autofree char *token = NULL;
  g_autofree char *stories = NULL;
  g_autofree char *changes = NULL;
  g_autoptr(TestResponse) history = NULL;
  JsonArray *list;
  gint64 project_id;
  Sender send_a, send_b;

  start_two (database, &a, &b);
  add_user (database, "ada@example.org", "Ada");
  token = test_server_sign_in (a, "ada@example.org", PASSWORD);
  project_id = test_server_create_project (b, token, "{\"name\": \"Apollo\"}");
  stories = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", project_id);
  changes = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/changes?since=0", project_id);

  send_a = (Sender) { a, token, stories, "a", NULL, WRITES, 0, NULL, 0 };
  send_b = (Sender) { b, token, stories, "b", NULL, WRITES, 0, NULL, 0 };
  run_senders (&send_a, &send_b);
  g_assert_cmpuint (send_a.status, ==, 201);
  g_assert_cmpuint (send_b.status, ==, 201);
  g_free (send_a.answer);
  g_free (send_b.answer);

  g_assert_cmpint (test_server_version (a, token, stories), ==, 2 * WRITES);
  history = test_request (b, "GET", changes, token, NULL);
  assert_status (history, 200);
  list = json_object_get_array_member (test_response_object (history), "changes");
  g_assert_cmpuint (json_array_get_length (list), ==, 2 * WRITES);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *change = json_array_get_object_element (list, i);

      g_assert_cmpint (json_object_get_int_member (change, "version"), ==, i + 1);
    }
  g_assert_cmpuint (count_stories (b, token, stories), ==, 2 * WRITES);

  test_server_stop (a);
  test_server_stop (b);
}

/* `user add` and `user list` with --database and no data directory. */
static void
test_user_list (void)
{
  g_autofree char *database = test_pg_new_database ();
  const char *list[] = { "--database", database, "user", "list", NULL };
  g_autofree char *out = NULL;

  add_user (database, "ada@example.org", "Ada Lovelace");
  add_user (database, "bob@example.org", "Bob");
  g_assert_cmpint (run_command (list, "", &out), ==, 0);
  g_assert_cmpstr (out, ==, "1\tada@example.org\tAda Lovelace\n2\tbob@example.org\tBob\n");
}

static PGconn *
connect_db (const char *url)
{
  PGconn *connection = PQconnectdb (url);

  g_assert_cmpint (PQstatus (connection), ==, CONNECTION_OK);
  return connection;
}

static void
exec_db (PGconn     *connection,
         const char *sql)
{
  PGresult *result = PQexec (connection, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
}

/* libpq never holds the main thread: while a change waits for a project
 * another connection holds locked, the server still answers /health at
 * once; the change is made once the lock goes. */
static void
test_store_thread (void)
{
  g_autofree char *database = test_pg_new_database ();
  TestServer *server;
  g_autofree char *token = NULL;
  g_autofree char *stories = NULL;
  g_autofree char *lock = NULL;
  PGconn *holder;
  Sender send = { 0 };
  GThread *thread;
  gint64 project_id, started;

  test_servers_start_on (database, 1, NULL, &server);
  add_user (database, "ada@example.org", "Ada");
  token = test_server_sign_in (server, "ada@example.org", PASSWORD);
  project_id = test_server_create_project (server, token, "{\"name\": \"Apollo\"}");
  stories = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", project_id);

  holder = connect_db (database);
  lock = g_strdup_printf ("SELECT id FROM projects WHERE id = %" G_GINT64_FORMAT " FOR UPDATE",
                          project_id);
  exec_db (holder, "BEGIN");
  exec_db (holder, lock);

  send = (Sender) { server, token, stories, "waiting", NULL, 1, 0, NULL, 0 };
  thread = g_thread_new ("send", send_thread, &send);
  g_usleep (300 * 1000);

  started = g_get_monotonic_time ();
  {
    g_autoptr(TestResponse) health = test_request (server, "GET", "/api/v1/health", NULL, NULL);

    assert_status (health, 200);
  }
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);
  /* The change is still waiting for the lock. */
  g_assert_cmpuint (g_atomic_int_get (&send.done), ==, 0);

  exec_db (holder, "COMMIT");
  g_thread_join (thread);
  g_assert_cmpuint (send.status, ==, 201);
  g_free (send.answer);
  PQfinish (holder);
  test_server_stop (server);
}

static gint64
count_unpublished (const char *database)
{
  PGconn *connection = connect_db (database);
  PGresult *result = PQexec (connection, "SELECT count(*) FROM changes WHERE NOT published");
  gint64 count;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  count = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (connection);
  return count;
}

static void
create_story (TestServer *server,
              const char *token,
              const char *stories,
              guint       n)
{
  g_autofree char *body = g_strdup_printf ("{\"title\": \"Story %u\"}", n);
  g_autoptr(TestResponse) created = test_request (server, "POST", stories, token, body);

  assert_status (created, 201);
}

/* Reads the watcher's events until @version: each version arrives in
 * order, at least once (one sent by a publisher that died before marking
 * it may come again). */
static void
expect_versions (Client *watcher,
                 gint64 *last,
                 gint64  version)
{
  while (*last < version)
    {
      g_autoptr(JsonObject) message = client_next (watcher);
      g_autoptr(JsonObject) data = NULL;
      gint64 got;

      g_assert_cmpstr (message_event (message), ==, "stories-create");
      data = message_data (message);
      got = json_object_get_int_member (data, "version");
      g_assert_cmpint (got, <=, *last + 1);
      *last = MAX (*last, got);
    }
}

/* Two servers publish through one realtime service (a third server's hub):
 * only the holder of the publisher lock publishes, in version order,
 * whichever server made each change; when it is killed the other takes
 * over and nothing is lost. Every change ends marked published. */
static void
test_publish_takeover (void)
{
  g_autofree char *database = test_pg_new_database ();
  const char * const hub_args[] = { "--app-id", APP_ID, "--app-key", KEY, "--app-secret", SECRET,
                                    NULL };
  TestServer *hub = test_server_start (hub_args);
  g_autofree char *url = g_strdup_printf ("--realtime-url=http://%s:%s@127.0.0.1:%u/apps/%s",
                                          KEY, SECRET, hub->port, APP_ID);
  const char * const args[] = { url, NULL };
  g_autoptr(SoupSession) session = soup_session_new ();
  TestServer *first, *second;
  g_autofree char *token = NULL;
  g_autofree char *stories = NULL;
  g_autofree char *channel = NULL;
  g_autofree char *form = NULL;
  g_autofree char *subscribe = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TestResponse) auth = NULL;
  Client *watcher;
  gint64 project_id, last = 0, deadline;
  guint n = 0;

  /* The first takes the publisher lock; the second starts once it has. */
  test_servers_start_on (database, 1, args, &first);
  g_usleep (500 * 1000);
  test_servers_start_on (database, 1, args, &second);

  add_user (database, "ada@example.org", "Ada");
  token = test_server_sign_in (second, "ada@example.org", PASSWORD);
  project_id = test_server_create_project (second, token, "{\"name\": \"Apollo\"}");
  stories = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", project_id);
  channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);

  watcher = client_open_pusher (session, hub->port, KEY);
  form = g_strdup_printf ("socket_id=%s&channel_name=%s", watcher->socket_id, channel);
  body = g_bytes_new (form, strlen (form));
  auth = test_request_full (second, "POST", "/api/v1/realtime/auth", token,
                            "application/x-www-form-urlencoded", body, NULL);
  assert_status (auth, 200);
  subscribe = subscribe_message (channel, json_object_get_string_member (test_response_object (auth),
                                                                         "auth"), NULL);
  client_send (watcher, subscribe);
  json_object_unref (client_expect (watcher, "pusher_internal:subscription_succeeded"));

  /* Through both, in turn: the events come in version order. */
  for (; n < 20; n++)
    create_story (n % 2 == 0 ? first : second, token, stories, n);
  expect_versions (watcher, &last, 20);

  /* The publisher dies; what the other server writes is published by it
   * once it has taken the lock over. */
  test_server_kill (first);
  for (; n < 40; n++)
    create_story (second, token, stories, n);
  expect_versions (watcher, &last, 40);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (count_unpublished (database) > 0 && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  g_assert_cmpint (count_unpublished (database), ==, 0);

  client_free (watcher);
  test_server_stop (first);
  test_server_stop (second);
  test_server_stop (hub);
}

/* A member removed through one server is evicted at once from the
 * project's channel on another server's hub (LISTEN/NOTIFY). */
static void
test_eviction_across (void)
{
  g_autofree char *database = test_pg_new_database ();
  g_autoptr(SoupSession) session = soup_session_new ();
  TestServer *a, *b;
  g_autofree char *ada = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *channel = NULL;
  g_autofree char *member = NULL;
  g_autofree char *key = NULL;
  g_autoptr(TestResponse) realtime = NULL;
  g_autoptr(TestResponse) removed = NULL;
  g_autoptr(JsonObject) evicted = NULL;
  Client *watcher;
  gint64 project_id;

  start_two (database, &a, &b);
  add_user (database, "ada@example.org", "Ada");
  add_user (database, "bob@example.org", "Bob");
  ada = test_server_sign_in (a, "ada@example.org", PASSWORD);
  bob = test_server_sign_in (b, "bob@example.org", PASSWORD);
  project_id = test_server_create_project (a, ada, "{\"name\": \"Apollo\"}");
  test_server_add_member (a, ada, project_id, "bob@example.org");
  channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);

  realtime = test_request (b, "GET", "/api/v1/realtime", bob, NULL);
  assert_status (realtime, 200);
  key = g_strdup (json_object_get_string_member (test_response_object (realtime), "key"));
  watcher = client_open_pusher (session, b->port, key);
  client_subscribe_through (watcher, b, bob, channel);

  member = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members/2", project_id);
  removed = test_request (a, "DELETE", member, ada, NULL);
  assert_status (removed, 200);
  evicted = client_expect (watcher, "pusher:subscription_error");
  g_assert_cmpstr (json_object_get_string_member (evicted, "channel"), ==, channel);

  client_free (watcher);
  test_server_stop (a);
  test_server_stop (b);
}

/* The server's connections dropped by the database between requests (a
 * restart, a failover): the next statement finds its connection lost
 * outside any transaction, connects again and runs there, so no request
 * fails, and what was made before is still there. */
static void
test_reconnect (void)
{
  g_autofree char *database = test_pg_new_database ();
  TestServer *server;
  g_autofree char *token = NULL;
  g_autofree char *stories = NULL;
  PGconn *admin;
  gint64 project_id;

  test_servers_start_on (database, 1, NULL, &server);
  add_user (database, "ada@example.org", "Ada");
  token = test_server_sign_in (server, "ada@example.org", PASSWORD);
  project_id = test_server_create_project (server, token, "{\"name\": \"Apollo\"}");
  stories = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", project_id);
  g_assert_cmpint (test_server_create_story (server, token, project_id,
                                             "{\"title\": \"Before\"}"), >, 0);

  admin = connect_db (database);
  exec_db (admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  PQfinish (admin);

  g_assert_cmpint (test_server_create_story (server, token, project_id,
                                             "{\"title\": \"After\"}"), >, 0);
  g_assert_cmpuint (count_stories (server, token, stories), ==, 2);
  test_server_stop (server);
}

/* --help lists --database; a database that cannot be reached is a clear
 * error and exit 1, for serving and for the commands. */
static void
test_options (void)
{
  g_autofree char *cluster = test_pg_cluster_url ();
  g_autofree char *missing = g_strconcat (cluster, "&dbname=nosuchdatabase", NULL);
  const char *help[] = { "--help", NULL };
  const char *serve[] = { "--listen", "127.0.0.1:0", "--database", missing, NULL };
  const char *list[] = { "--database", missing, "user", "list", NULL };
  g_autofree char *out = NULL;
  g_autofree char *served = NULL;
  g_autofree char *listed = NULL;

  g_assert_cmpint (run_command (help, "", &out), ==, 0);
  g_assert_nonnull (strstr (out, "--database=postgresql://"));
  g_assert_cmpint (run_command (serve, "", &served), ==, 1);
  g_assert_cmpstr (served, ==, "");
  g_assert_cmpint (run_command (list, "", &listed), ==, 1);
  g_assert_cmpstr (listed, ==, "");
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

  g_test_add_func ("/postgresql/instances/start-together", test_start_together);
  g_test_add_func ("/postgresql/instances/same-key", test_same_key);
  g_test_add_func ("/postgresql/instances/concurrent-writes", test_concurrent_writes);
  g_test_add_func ("/postgresql/user-list", test_user_list);
  g_test_add_func ("/postgresql/options", test_options);
  g_test_add_func ("/postgresql/store-thread", test_store_thread);
  g_test_add_func ("/postgresql/instances/publish-takeover", test_publish_takeover);
  g_test_add_func ("/postgresql/instances/eviction", test_eviction_across);
  g_test_add_func ("/postgresql/reconnect", test_reconnect);
  return g_test_run ();
}
