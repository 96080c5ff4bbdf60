/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The deployment of doc/deploy.md, on loopback (issue 17): nginx from
 * Debian in front (tests/nginx-harness.c, with the locations of
 * data/truestory-server-locations.nginx), three truestory-servers on one
 * PostgreSQL database (tests/pg-harness.c) behind it, started with
 * --trusted-proxy and publishing through soketi (tests/soketi-harness.c,
 * checked to be on loopback only), whose WebSockets nginx also carries.
 * Every client goes through nginx: GET /api/v1/realtime names it; failed
 * sign-ins count under the client's address, which nginx forwards, on
 * the one instance its ip_hash picks; three live sync stores and a
 * pusher-js client on each of 10 seeds converge after random operations
 * while an instance hangs with requests in flight, is killed (-9) and
 * started again: every story a store created is there once (none lost,
 * none doubled), no create failed, and pusher-js saw every version in
 * order; and the backup and restore of the doc (pg_dump, pg_restore into
 * a new database, soketi restarted) leave the stores showing the
 * restored projects. */

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "nginx-harness.h"
#include "pg-harness.h"
#include "soketi-harness.h"
#include "store-harness.h"
#include "ts-backlog-store.h"
#include "ts-realtime-client.h"

#define PASSWORD "correct horse battery"
/* soketi's app, as doc/deploy.md configures it. */
#define APP_ID "truestory"
#define KEY "0123456789abcdef0123"
#define SECRET "fedcba9876543210fedcba9876543210"
#define N_INSTANCES 3
#define N_STORES 3
/* Random operations per seed, all stores together. */
#define N_OPS 90
#define WAIT_MS 60000

static const char * const emails[N_STORES] = {
  "alice@example.org", "bob@example.org", "carol@example.org"
};

/* What the tests share: the deployment, and a TestServer that stands for
 * nginx (its URL and a session), through which every client goes. */
static struct {
  char *database;
  Soketi soketi;
  NginxFront nginx;
  TestServer *instances[N_INSTANCES];
  GStrv instance_args;
  TestServer front;
  SoupSession *session;
  char *tokens[N_STORES];
} deployment;

static void
deployment_up (void)
{
  guint front_port = test_free_port (SOCK_STREAM);
  guint ports[N_INSTANCES];
  GPtrArray *args = g_ptr_array_new ();

  deployment.database = test_pg_new_database ();
  soketi_start (&deployment.soketi, APP_ID, KEY, SECRET);
  g_ptr_array_add (args, g_strdup_printf ("--realtime-url=http://" KEY ":" SECRET
                                          "@127.0.0.1:%u/apps/" APP_ID, deployment.soketi.port));
  /* Clients open their WebSockets where they reach the API: nginx. */
  g_ptr_array_add (args, g_strdup ("--realtime-ws-host=127.0.0.1"));
  g_ptr_array_add (args, g_strdup_printf ("--realtime-ws-port=%u", front_port));
  g_ptr_array_add (args, g_strdup ("--trusted-proxy=127.0.0.1"));
  g_ptr_array_add (args, NULL);
  deployment.instance_args = (GStrv) g_ptr_array_free (args, FALSE);
  test_servers_start_on (deployment.database, N_INSTANCES,
                         (const char * const *) deployment.instance_args, deployment.instances);
  for (guint i = 0; i < N_INSTANCES; i++)
    ports[i] = deployment.instances[i]->port;
  nginx_front_start (&deployment.nginx, front_port, ports, N_INSTANCES, deployment.soketi.port);

  deployment.front.port = front_port;
  deployment.front.base_url = g_strdup_printf ("http://127.0.0.1:%u", front_port);
  deployment.front.session = soup_session_new_with_options ("timeout", 30, NULL);
  deployment.session = soup_session_new ();
  for (guint i = 0; i < N_STORES; i++)
    {
      g_autoptr(TsApiClient) api = NULL;

      g_assert_true (test_server_add_user (deployment.instances[0], emails[i], emails[i],
                                           PASSWORD));
      api = store_sign_in (&deployment.front, deployment.session, emails[i], PASSWORD);
      deployment.tokens[i] = g_strdup (ts_api_client_get_token (api));
    }
}

static void
deployment_down (void)
{
  for (guint i = 0; i < N_STORES; i++)
    g_free (deployment.tokens[i]);
  g_object_unref (deployment.session);
  g_object_unref (deployment.front.session);
  g_free (deployment.front.base_url);
  nginx_front_stop (&deployment.nginx);
  for (guint i = 0; i < N_INSTANCES; i++)
    test_server_stop (deployment.instances[i]);
  soketi_stop (&deployment.soketi);
  g_strfreev (deployment.instance_args);
  g_free (deployment.database);
}

/* The front */

/* nginx serves the API and names itself for the WebSockets; the Pusher
 * HTTP API and anything else stay behind it. */
static void
test_front (void)
{
  TestServer *front = &deployment.front;
  g_autoptr(TestResponse) health = test_request (front, "GET", "/api/v1/health", NULL, NULL);
  g_autoptr(TestResponse) realtime = test_request (front, "GET", "/api/v1/realtime",
                                                   deployment.tokens[0], NULL);
  g_autofree char *apps_path = g_strdup_printf ("/apps/%s/channels", APP_ID);
  g_autoptr(TestResponse) apps = test_request (front, "GET", apps_path, NULL, NULL);
  g_autoptr(TestResponse) root = test_request (front, "GET", "/", NULL, NULL);
  JsonObject *object;

  assert_status (health, 200);
  assert_status (realtime, 200);
  object = test_response_object (realtime);
  g_assert_cmpstr (json_object_get_string_member (object, "key"), ==, KEY);
  g_assert_cmpstr (json_object_get_string_member (object, "ws_host"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (object, "ws_port"), ==, front->port);
  g_assert_cmpstr (json_object_get_string_member (object, "ws_path"), ==, "");
  g_assert_false (json_object_get_boolean_member (object, "tls"));
  assert_status (apps, 404);
  assert_status (root, 404);
}

/* Sign-in limits */

/* POST /api/v1/session through nginx from the local address @peer (any of
 * 127.0.0.0/8, which nginx sees as the client's address). */
static guint
sign_in_status_from (const char *peer,
                     const char *email,
                     const char *password)
{
  g_autoptr(GInetAddress) local = g_inet_address_new_from_string (peer);
  g_autoptr(GSocketAddress) local_address = g_inet_socket_address_new (local, 0);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, "local-address",
                                                                   local_address, NULL);
  g_autofree char *body = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}", email,
                                           password);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  TestServer from = deployment.front;
  g_autoptr(TestResponse) response = NULL;

  from.session = session;
  response = test_request_full (&from, "POST", "/api/v1/session", NULL, "application/json",
                                bytes, NULL);
  return response->status;
}

/* A hundred failed sign-ins from 127.0.0.2 (ten for each of ten unknown
 * emails) lock that address, and only it: nginx sends them all to one
 * instance (ip_hash), which counts them under the X-Forwarded-For hop
 * nginx adds. 127.0.0.3 is in the same /24, which ip_hash hashes, so it
 * reaches that same instance, and signs in: without --trusted-proxy both
 * would count as nginx's 127.0.0.1 and be refused; round-robin would
 * spread the failures over the three instances and lock nothing. */
static void
test_sign_in_limits (void)
{
  gint64 start = g_get_monotonic_time ();

  g_assert_true (test_server_add_user (deployment.instances[0], "dave@example.org", "Dave",
                                       PASSWORD));
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *email = g_strdup_printf ("nobody-%u@example.org", i / 10);

      g_assert_cmpuint (sign_in_status_from ("127.0.0.2", email, "wrong password"), ==, 401);
    }
  g_assert_cmpuint (sign_in_status_from ("127.0.0.2", "dave@example.org", PASSWORD), ==, 429);
  g_assert_cmpuint (sign_in_status_from ("127.0.0.3", "dave@example.org", PASSWORD), ==, 201);
  g_test_message ("100 failed sign-ins through nginx in %.1f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

/* Clients */

/* A project of alice's, named @name, with bob and carol as members. */
static gint64
create_team_project (TsApiClient *alice,
                     const char  *name)
{
  g_autoptr(TsProjectPatch) settings = g_new0 (TsProjectPatch, 1);
  g_autoptr(TsProject) project = NULL;
  gint64 project_id;

  settings->fields = TS_PROJECT_FIELD_NAME;
  settings->values = ts_project_new ();
  ts_project_set_name (settings->values, name);
  project = store_create_project (alice, settings);
  project_id = ts_project_get_id (project);
  for (guint i = 1; i < N_STORES; i++)
    store_add_member (alice, project_id, emails[i]);
  return project_id;
}

/* A REST client through nginx with the token of @index's user. */
static TsApiClient *
front_api (guint index)
{
  TsApiClient *api = ts_api_client_new (deployment.front.base_url, deployment.session);

  ts_api_client_set_token (api, deployment.tokens[index]);
  return api;
}

/* Live stores */

typedef struct {
  TsApiClient *api;
  TsRealtimeClient *realtime;
  TsBacklogStore *store;
  char *channel;
  /* Titles of the creates that failed. */
  GHashTable *failed_creates;
  guint n_failures;
  guint n_conflicts;
} LiveStore;

static void
edit_failed_cb (TsBacklogStore *store,
                gint64          story_id,
                const GError   *error,
                LiveStore      *live)
{
  live->n_failures++;
  if (ts_sync_error_get_operation (error) == TS_SYNC_OPERATION_CREATE)
    {
      g_autofree char *title = ts_sync_error_dup_subject (error);

      g_test_message ("a create failed: %s", error->message);
      g_hash_table_add (live->failed_creates, g_steal_pointer (&title));
    }
}

static void
conflict_cb (TsBacklogStore        *store,
             const TsStoryConflict *conflict,
             LiveStore             *live)
{
  live->n_conflicts++;
  /* Theirs: the server's state is what every store ends with. */
  ts_backlog_store_resolve_conflict (store, conflict, FALSE);
}

static gboolean
live_store_ready (gpointer data)
{
  LiveStore *live = data;

  return !ts_backlog_store_is_syncing (live->store) &&
         ts_realtime_client_is_subscribed (live->realtime, live->channel);
}

/* A store on @project_id as the app makes one, on nginx's URL with the
 * token of @index's user, live on what GET /api/v1/realtime names. */
static LiveStore *
live_store_new (guint  index,
                gint64 project_id)
{
  LiveStore *live = g_new0 (LiveStore, 1);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  live->api = front_api (index);
  live->realtime = ts_realtime_client_new (live->api);
  ts_realtime_client_set_backoff_limits (live->realtime, 50, 500);
  ts_realtime_client_start (live->realtime);
  live->store = ts_backlog_store_new (live->api, live->realtime, project_id);
  live->channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);
  live->failed_creates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (live->store, "edit-failed", G_CALLBACK (edit_failed_cb), live);
  g_signal_connect (live->store, "conflict", G_CALLBACK (conflict_cb), live);
  ts_backlog_store_load_async (live->store, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  ts_backlog_store_load_finish (live->store, result, &error);
  g_assert_no_error (error);
  store_wait_for (live_store_ready, live, WAIT_MS, "a store loaded and subscribed");
  /* soketi's key: the store reached soketi through nginx. */
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
  g_hash_table_unref (live->failed_creates);
  g_free (live->channel);
  g_free (live);
}

/* Random operations */

/* A create: a "keep-" story is only ever moved or changed in state, so
 * that each can be counted at the end; a "tmp-" one may be renamed and
 * deleted. Returns the title of a "keep-" one, else NULL. */
static char *
random_create (TsBacklogStore *store,
               GRand          *rand,
               guint           k)
{
  g_autoptr(TsStoryPatch) values = ts_story_patch_new ();
  gboolean keep = g_rand_boolean (rand);
  g_autofree char *title = g_strdup_printf ("%s%u", keep ? "keep-" : "tmp-", k);

  values->fields = TS_STORY_FIELD_TITLE | TS_STORY_FIELD_STATE;
  ts_story_set_title (values->values, title);
  ts_story_set_state (values->values, g_rand_boolean (rand) ? TS_STORY_STATE_UNSTARTED
                                                            : TS_STORY_STATE_UNSCHEDULED);
  ts_backlog_store_create_story (store, values, NULL);
  return keep ? g_steal_pointer (&title) : NULL;
}

static void
random_move (TsBacklogStore *store,
             GRand          *rand)
{
  g_autoptr(TsStory) moved = store_pick_story (store, rand, NULL);
  g_autoptr(TsStory) other = store_pick_story (store, rand, NULL);
  TsMoveRequest move = { 0 };

  if (moved == NULL || other == NULL || moved == other)
    return;
  if (g_rand_boolean (rand))
    move.before_id = ts_story_get_id (other);
  else
    move.after_id = ts_story_get_id (other);
  ts_backlog_store_drop_story (store, ts_story_get_id (moved), &move);
}

/* One random change through @store, its @k-th of the seed; returns the
 * title of a "keep-" story it created, if it did. */
static char *
random_change (TsBacklogStore *store,
               GRand          *rand,
               guint           k)
{
  int dice = g_rand_int_range (rand, 0, 100);
  g_autoptr(TsStory) story = NULL;

  if (dice < 35 || g_list_model_get_n_items (ts_backlog_store_get_stories (store)) < 4)
    return random_create (store, rand, k);
  if (dice < 50 && (story = store_pick_story (store, rand, "tmp-")) != NULL)
    {
      g_autoptr(TsStory) renamed = ts_story_copy (story);
      g_autofree char *title = g_strdup_printf ("tmp-%u-renamed", k);

      ts_story_set_title (renamed, title);
      ts_backlog_store_update_story (store, ts_story_get_id (story), TS_STORY_FIELD_TITLE,
                                     renamed);
    }
  else if (dice < 70)
    random_move (store, rand);
  else if (dice < 85 && (story = store_pick_story (store, rand, NULL)) != NULL)
    ts_backlog_store_change_state (store, ts_story_get_id (story),
                                   ts_story_get_state (story) == TS_STORY_STATE_UNSCHEDULED
                                     ? TS_STORY_STATE_UNSTARTED : TS_STORY_STATE_UNSCHEDULED);
  else if ((story = store_pick_story (store, rand, "tmp-")) != NULL)
    ts_backlog_store_delete_story (store, ts_story_get_id (story));
  return NULL;
}

static guint
total_pending (LiveStore **stores)
{
  guint total = 0;

  for (guint i = 0; i < N_STORES; i++)
    total += ts_backlog_store_get_n_pending_edits (stores[i]->store);
  return total;
}

/* Convergence */

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

typedef struct {
  LiveStore **stores;
  gint64 version;
} Settled;

static gboolean
nothing_pending (gpointer data)
{
  return total_pending (((Settled *) data)->stores) == 0;
}

static gboolean
stores_at_version (gpointer data)
{
  Settled *settled = data;

  for (guint i = 0; i < N_STORES; i++)
    if (ts_backlog_store_get_version (settled->stores[i]->store) != settled->version)
      return FALSE;
  return TRUE;
}

/* Every store shows exactly the server's stories, in its order. */
static void
assert_stores_show (LiveStore **stores,
                    GPtrArray  *expected)
{
  for (guint i = 0; i < N_STORES; i++)
    {
      GListModel *shown = ts_backlog_store_get_stories (stores[i]->store);

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

/* No title twice on the server, and every "keep-" story a store created
 * there: none doubled, none lost, and no create refused. */
static void
assert_nothing_lost_or_doubled (guint32     seed,
                                GPtrArray  *stories,
                                GHashTable *made,
                                LiveStore **stores)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer title;

  for (guint i = 0; i < stories->len; i++)
    {
      const char *story_title = ts_story_get_title (g_ptr_array_index (stories, i));

      if (!g_hash_table_add (seen, (gpointer) story_title))
        g_error ("seed %u: “%s” was made twice", seed, story_title);
    }
  g_hash_table_iter_init (&iter, made);
  while (g_hash_table_iter_next (&iter, &title, NULL))
    if (!g_hash_table_contains (seen, title))
      g_error ("seed %u: “%s” was lost", seed, (const char *) title);
  for (guint i = 0; i < N_STORES; i++)
    g_assert_cmpuint (g_hash_table_size (stores[i]->failed_creates), ==, 0);
}

/* The kill */

typedef struct {
  guint victim;
  guint stop_at;
  guint kill_at;
  guint restart_at;
  guint n_pending_at_kill;
} Outage;

/* The victim hangs (SIGSTOP) at its step, so that the requests nginx
 * hands it meanwhile wait on it, then dies (SIGKILL) with them in flight:
 * nginx answers them 502, as it does a request whose server dies before
 * it answers. It is started again, on the same port, later. */
static void
maybe_disrupt (Outage     *outage,
               guint       step,
               LiveStore **stores)
{
  TestServer *victim = deployment.instances[outage->victim];

  if (step == outage->stop_at)
    kill (victim->pid, SIGSTOP);
  else if (step == outage->kill_at)
    {
      outage->n_pending_at_kill = total_pending (stores);
      test_server_kill (victim);
    }
  else if (step == outage->restart_at)
    test_server_restart_with (victim, (const char * const *) deployment.instance_args);
}

static gboolean
victim_hangs (Outage *outage,
              guint   step)
{
  return step >= outage->stop_at && step < outage->kill_at;
}

/* N_OPS random changes through the stores, a few in flight at a time,
 * with the outage on its way; the titles of the "keep-" stories created
 * go into @made. */
static void
run_operations (LiveStore **stores,
                GRand      *rand,
                Outage     *outage,
                GHashTable *made)
{
  for (guint step = 0; step < N_OPS; step++)
    {
      LiveStore *live = stores[g_rand_int_range (rand, 0, N_STORES)];
      char *kept = random_change (live->store, rand, step);

      if (kept != NULL)
        g_hash_table_add (made, kept);
      store_spin ((guint) g_rand_int_range (rand, 0, 15));
      maybe_disrupt (outage, step, stores);
      /* Not while the hung victim holds some: they wait for the kill. */
      while (!victim_hangs (outage, step) && total_pending (stores) > 6)
        g_main_context_iteration (NULL, TRUE);
    }
}

static void
converge_with_a_kill (guint32 seed)
{
  g_autoptr(TsApiClient) alice = front_api (0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GHashTable) made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) expected = NULL;
  g_autofree char *channel = NULL;
  Outage outage = { seed % N_INSTANCES, N_OPS / 3, N_OPS / 3 + 8, 2 * N_OPS / 3, 0 };
  Settled settled = { NULL, 0 };
  LiveStore *stores[N_STORES];
  JsWatcher *watcher;
  gint64 project_id = create_team_project (alice, "Deployed");
  guint n_failures = 0, n_conflicts = 0;

  for (guint i = 0; i < N_STORES; i++)
    stores[i] = live_store_new (i, project_id);
  channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);
  watcher = js_watcher_start (deployment.front.base_url, deployment.tokens[1], channel);

  run_operations (stores, rand, &outage, made);

  settled.stores = stores;
  store_wait_for (nothing_pending, &settled, WAIT_MS, "every edit to be answered");
  expected = server_stories (alice, project_id, &settled.version);
  store_wait_for (stores_at_version, &settled, WAIT_MS, "every store at the server's version");
  assert_stores_show (stores, expected);
  assert_nothing_lost_or_doubled (seed, expected, made, stores);
  js_watcher_expect (watcher, NULL, settled.version);

  for (guint i = 0; i < N_STORES; i++)
    {
      n_failures += stores[i]->n_failures;
      n_conflicts += stores[i]->n_conflicts;
    }
  g_test_message ("seed %u: instance %u hung, then killed with %u edits pending; %u stories (%u kept), "
                  "version %" G_GINT64_FORMAT ", %u refused edits, %u conflicts, %u events at "
                  "pusher-js", seed, outage.victim, outage.n_pending_at_kill, expected->len,
                  g_hash_table_size (made), settled.version, n_failures, n_conflicts,
                  watcher->n_events);
  js_watcher_stop (watcher);
  for (guint i = 0; i < N_STORES; i++)
    live_store_free (stores[i]);
}

static void
test_kill_and_restart (void)
{
  static const guint32 seeds[] = { 1, 2, 3, 5, 8, 13, 21, 34, 55, 89 };

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    converge_with_a_kill (seeds[i]);
}

/* Restoring */

static void
create_over_rest (gint64      project_id,
                  const char *title)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories",
                                           project_id);
  g_autofree char *body = g_strdup_printf ("{\"title\": \"%s\"}", title);
  g_autoptr(TestResponse) created = test_request (&deployment.front, "POST", path,
                                                  deployment.tokens[0], body);

  assert_status (created, 201);
}

/* Waits until every store is at the server's version and shows what it
 * has; returns that version. */
static gint64
assert_stores_converge (LiveStore  **stores,
                        TsApiClient *api,
                        gint64       project_id)
{
  Settled settled = { stores, 0 };
  g_autoptr(GPtrArray) expected = server_stories (api, project_id, &settled.version);

  store_wait_for (stores_at_version, &settled, WAIT_MS, "every store at the server's version");
  assert_stores_show (stores, expected);
  return settled.version;
}

/* The backup and restore of doc/deploy.md: pg_dump while the stores are
 * live; more changes; every instance stopped, the database dropped, made
 * again and restored, soketi restarted, the instances started. The
 * stores, which had seen later versions than the dump's, show the
 * restored project and then what is made after. */
static void
test_restore (void)
{
  g_autoptr(TsApiClient) alice = front_api (0);
  g_autofree char *dump = NULL;
  LiveStore *stores[N_STORES];
  gint64 project_id = create_team_project (alice, "Restored");
  gint64 dumped, restored;

  for (guint i = 0; i < N_STORES; i++)
    stores[i] = live_store_new (i, project_id);

  create_over_rest (project_id, "before the dump 1");
  create_over_rest (project_id, "before the dump 2");
  dumped = assert_stores_converge (stores, alice, project_id);
  dump = test_pg_dump (deployment.database);
  create_over_rest (project_id, "after the dump 1");
  create_over_rest (project_id, "after the dump 2");
  g_assert_cmpint (assert_stores_converge (stores, alice, project_id), ==, dumped + 2);

  for (guint i = 0; i < N_INSTANCES; i++)
    test_server_terminate (deployment.instances[i]);
  test_pg_restore (deployment.database, dump);
  soketi_restart (&deployment.soketi);
  for (guint i = 0; i < N_INSTANCES; i++)
    test_server_restart_with (deployment.instances[i],
                              (const char * const *) deployment.instance_args);

  restored = assert_stores_converge (stores, alice, project_id);
  g_assert_cmpint (restored, ==, dumped);
  create_over_rest (project_id, "after the restore");
  g_assert_cmpint (assert_stores_converge (stores, alice, project_id), ==, dumped + 1);
  for (guint i = 0; i < N_STORES; i++)
    live_store_free (stores[i]);
  g_unlink (dump);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!test_pg_enabled ())
    {
      g_test_message ("runs in the postgresql suite (TRUESTORY_TEST_STORE=postgresql)");
      return 77;
    }

  g_test_add_func ("/deploy/front", test_front);
  g_test_add_func ("/deploy/sign-in-limits", test_sign_in_limits);
  g_test_add_func ("/deploy/kill-and-restart", test_kill_and_restart);
  g_test_add_func ("/deploy/restore", test_restore);
  deployment_up ();
  status = g_test_run ();
  deployment_down ();
  return status;
}
