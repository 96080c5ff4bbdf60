/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A story's tasks through TsBacklogStore against a real truestory-server:
 * two live stores tick two tasks of one story at the same moment and both
 * win, each store shows its tick at once, and both end equal to the
 * server; a task added and ticked before its add is answered lands
 * ticked; moves and deletes converge too; task changes made while the
 * server is down are kept in the outbox and land once, in order, from the
 * next launch. */

#include <glib/gstdio.h>
#include <string.h>

#include "store-harness.h"
#include "ts-backlog-store.h"
#include "ts-outbox.h"
#include "ts-realtime-client.h"

#define PASSWORD "a long password"
#define WAIT_MS 30000

static const char * const emails[] = { "alice@example.org", "bob@example.org" };

static TestServer *server;
static SoupSession *session;

typedef struct {
  TsApiClient *api;
  TsRealtimeClient *realtime;
  TsBacklogStore *store;
  guint n_failures;
} Client;

static void
edit_failed_cb (TsBacklogStore *store,
                gint64          story_id,
                const GError   *error,
                Client         *client)
{
  g_test_message ("edit failed: %s", error->message);
  client->n_failures++;
}

static gboolean
store_ready (gpointer data)
{
  return !ts_backlog_store_is_syncing (data);
}

static gboolean
client_subscribed (gpointer data)
{
  Client *client = data;
  g_autofree char *channel =
    g_strdup_printf ("private-project-%" G_GINT64_FORMAT,
                     ts_backlog_store_get_project_id (client->store));

  return ts_realtime_client_is_subscribed (client->realtime, channel);
}

static Client *
client_new (const char *email,
            gint64      project_id)
{
  Client *client = g_new0 (Client, 1);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  client->api = store_sign_in (server, session, email, PASSWORD);
  client->realtime = ts_realtime_client_new (client->api);
  ts_realtime_client_start (client->realtime);
  client->store = ts_backlog_store_new (client->api, client->realtime, project_id);
  g_signal_connect (client->store, "edit-failed", G_CALLBACK (edit_failed_cb), client);
  ts_backlog_store_load_async (client->store, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  ts_backlog_store_load_finish (client->store, result, &error);
  g_assert_no_error (error);
  store_wait_for (store_ready, client->store, WAIT_MS, "the first catch-up");
  store_wait_for (client_subscribed, client, WAIT_MS, "the subscription");
  return client;
}

static void
client_free (Client *client)
{
  ts_backlog_store_close (client->store);
  g_object_unref (client->store);
  ts_realtime_client_stop (client->realtime);
  g_object_unref (client->realtime);
  g_object_unref (client->api);
  g_free (client);
}

/* A project of alice's with bob as a member, and a story with five tasks
 * made over REST. */
static gint64
create_story_with_tasks (TsApiClient *alice,
                         gint64      *out_project_id)
{
  g_autoptr(TsProjectPatch) settings = g_new0 (TsProjectPatch, 1);
  g_autoptr(TsProject) project = NULL;
  g_autoptr(TsStoryPatch) values = ts_story_patch_new ();
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  settings->fields = TS_PROJECT_FIELD_NAME;
  settings->values = ts_project_new ();
  ts_project_set_name (settings->values, "Checklists");
  project = store_create_project (alice, settings);
  store_add_member (alice, ts_project_get_id (project), emails[1]);

  values->fields = TS_STORY_FIELD_TITLE;
  ts_story_set_title (values->values, "Launch");
  ts_api_client_create_story_async (alice, ts_project_get_id (project), values, NULL, NULL, NULL,
                                    store_result_cb, &slot);
  result = store_await (&slot);
  story = ts_api_client_create_story_finish (alice, result, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 5; i++)
    {
      TsTaskRequest add = { .text = g_strdup_printf ("Step %u", i + 1) };
      g_autoptr(GAsyncResult) added = NULL;
      g_autoptr(TsStory) answer = NULL;

      ts_api_client_change_task_async (alice, ts_project_get_id (project), ts_story_get_id (story),
                                       TS_TASK_OP_ADD, 0, &add, NULL, NULL, store_result_cb, &slot);
      added = store_await (&slot);
      answer = ts_api_client_change_task_finish (alice, added, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ts_story_get_tasks (answer)->len, ==, i + 1);
      ts_task_request_clear (&add);
    }
  *out_project_id = ts_project_get_id (project);
  return ts_story_get_id (story);
}

static TsStory *
server_story (TsApiClient *api,
              gint64       project_id,
              gint64       story_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  TsStory *story;

  ts_api_client_get_story_async (api, project_id, story_id, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  story = ts_api_client_get_story_finish (api, result, &error);
  g_assert_no_error (error);
  return story;
}

static const TsTask *
shown_task (TsBacklogStore *store,
            gint64          story_id,
            guint           index)
{
  GPtrArray *tasks = ts_story_get_tasks (ts_backlog_store_lookup (store, story_id));

  g_assert_cmpuint (index, <, tasks->len);
  return tasks->pdata[index];
}

typedef struct {
  Client **clients;
  guint n_clients;
  gint64 version;
} Settled;

static gboolean
all_settled (gpointer data)
{
  Settled *settled = data;

  for (guint i = 0; i < settled->n_clients; i++)
    if (ts_backlog_store_get_n_pending_edits (settled->clients[i]->store) > 0 ||
        (settled->version > 0 &&
         ts_backlog_store_get_version (settled->clients[i]->store) != settled->version))
      return FALSE;
  return TRUE;
}

/* Every edit answered, every store at the server's version, and each
 * store's story equal to the server's. */
static void
assert_converged (Client **clients,
                  guint    n_clients,
                  gint64   project_id,
                  gint64   story_id)
{
  Settled settled = { clients, n_clients, 0 };
  g_autoptr(TsStory) truth = NULL;

  store_wait_for (all_settled, &settled, WAIT_MS, "every task change to be answered");
  truth = server_story (clients[0]->api, project_id, story_id);
  settled.version = ts_story_get_version (truth);
  store_wait_for (all_settled, &settled, WAIT_MS, "every store to reach the server's version");
  for (guint i = 0; i < n_clients; i++)
    {
      TsStory *shown = ts_backlog_store_lookup (clients[i]->store, story_id);

      g_assert_true (ts_task_list_equal (ts_story_get_tasks (shown), ts_story_get_tasks (truth)));
      g_assert_true (ts_story_equal (shown, truth));
      g_assert_cmpuint (clients[i]->n_failures, ==, 0);
    }
}

static void
test_two_ticks_both_win (void)
{
  g_autoptr(TsApiClient) rest = store_sign_in (server, session, emails[0], PASSWORD);
  gint64 project_id = 0;
  gint64 story_id = create_story_with_tasks (rest, &project_id);
  Client *alice = client_new (emails[0], project_id);
  Client *bob = client_new (emails[1], project_id);
  Client *both[] = { alice, bob };
  gint64 first = shown_task (alice->store, story_id, 0)->id;
  gint64 third = shown_task (bob->store, story_id, 2)->id;
  g_autoptr(TsStory) truth = NULL;

  /* At the same moment, from the same version: each shows its own at once. */
  ts_backlog_store_edit_task (alice->store, story_id, first, NULL, 1);
  ts_backlog_store_edit_task (bob->store, story_id, third, NULL, 1);
  g_assert_true (shown_task (alice->store, story_id, 0)->done);
  g_assert_false (shown_task (alice->store, story_id, 2)->done);
  g_assert_true (shown_task (bob->store, story_id, 2)->done);
  g_assert_false (shown_task (bob->store, story_id, 0)->done);

  assert_converged (both, 2, project_id, story_id);
  truth = server_story (rest, project_id, story_id);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (((TsTask *) ts_story_get_tasks (truth)->pdata[i])->done, ==, i == 0 || i == 2);
  g_assert_cmpuint (ts_story_count_done_tasks (ts_backlog_store_lookup (bob->store, story_id)), ==, 2);

  client_free (alice);
  client_free (bob);
}

static void
test_add_tick_move_delete (void)
{
  g_autoptr(TsApiClient) rest = store_sign_in (server, session, emails[0], PASSWORD);
  gint64 project_id = 0;
  gint64 story_id = create_story_with_tasks (rest, &project_id);
  Client *alice = client_new (emails[0], project_id);
  Client *bob = client_new (emails[1], project_id);
  Client *both[] = { alice, bob };
  gint64 second = shown_task (bob->store, story_id, 1)->id;
  gint64 fifth = shown_task (bob->store, story_id, 4)->id;
  gint64 added;
  g_autoptr(TsStory) truth = NULL;
  GPtrArray *tasks;

  /* Alice adds a task and ticks it before the add is answered; Bob
   * deletes one and moves another meanwhile. */
  added = ts_backlog_store_add_task (alice->store, story_id, "Step 6", 0);
  g_assert_cmpint (added, <, 0);
  ts_backlog_store_edit_task (alice->store, story_id, added, "Step six", 1);
  g_assert_cmpstr (shown_task (alice->store, story_id, 5)->text, ==, "Step six");
  g_assert_true (shown_task (alice->store, story_id, 5)->done);
  ts_backlog_store_delete_task (bob->store, story_id, second);
  ts_backlog_store_move_task (bob->store, story_id, fifth, shown_task (bob->store, story_id, 0)->id, 0);
  g_assert_cmpstr (shown_task (bob->store, story_id, 0)->text, ==, "Step 5");

  assert_converged (both, 2, project_id, story_id);
  truth = server_story (rest, project_id, story_id);
  tasks = ts_story_get_tasks (truth);
  g_assert_cmpuint (tasks->len, ==, 5);
  g_assert_cmpstr (((TsTask *) tasks->pdata[0])->text, ==, "Step 5");
  g_assert_cmpstr (((TsTask *) tasks->pdata[1])->text, ==, "Step 1");
  g_assert_cmpstr (((TsTask *) tasks->pdata[2])->text, ==, "Step 3");
  g_assert_cmpstr (((TsTask *) tasks->pdata[4])->text, ==, "Step six");
  g_assert_true (((TsTask *) tasks->pdata[4])->done);
  g_assert_cmpint (((TsTask *) tasks->pdata[4])->id, >, 0);

  client_free (alice);
  client_free (bob);
}

static gboolean
pending_is (gpointer data)
{
  Client *client = data;

  return ts_backlog_store_get_n_pending_edits (client->store) == 0;
}

/* A store of alice's without realtime, keeping its edits in @outbox. */
static Client *
client_open_offline (gint64    project_id,
                     TsOutbox *outbox,
                     gboolean  wait_for_load)
{
  Client *client = g_new0 (Client, 1);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  client->api = store_sign_in (server, session, emails[0], PASSWORD);
  client->store = ts_backlog_store_new (client->api, NULL, project_id);
  ts_backlog_store_set_offline (client->store, NULL, outbox);
  g_signal_connect (client->store, "edit-failed", G_CALLBACK (edit_failed_cb), client);
  ts_backlog_store_load_async (client->store, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  ts_backlog_store_load_finish (client->store, result, &error);
  g_assert_no_error (error);
  if (wait_for_load)
    store_wait_for (store_ready, client->store, WAIT_MS, "the first catch-up");
  return client;
}

static void
client_close_offline (Client *client)
{
  ts_backlog_store_close (client->store);
  g_object_unref (client->store);
  g_object_unref (client->api);
  g_free (client);
}

static void
test_offline_outbox (void)
{
  g_autoptr(TsApiClient) rest = store_sign_in (server, session, emails[0], PASSWORD);
  g_autofree char *dir = g_dir_make_tmp ("truestory-tasks-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "outbox.db", NULL);
  g_autoptr(TsOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) truth = NULL;
  gint64 project_id = 0;
  gint64 story_id = create_story_with_tasks (rest, &project_id);
  Client *client;
  gint64 first, added, version;
  GPtrArray *tasks;

  outbox = ts_outbox_new (path, &error);
  g_assert_no_error (error);
  client = client_open_offline (project_id, outbox, TRUE);
  first = shown_task (client->store, story_id, 0)->id;
  version = ts_backlog_store_get_version (client->store);

  /* The server goes away: a new task, ticked, and a tick of the first. */
  test_server_kill (server);
  added = ts_backlog_store_add_task (client->store, story_id, "Step 6", 0);
  ts_backlog_store_edit_task (client->store, story_id, added, NULL, 1);
  ts_backlog_store_edit_task (client->store, story_id, first, NULL, 1);
  g_assert_true (shown_task (client->store, story_id, 5)->done);
  store_spin (300);
  g_assert_cmpuint (ts_backlog_store_get_n_pending_edits (client->store), ==, 3);
  client_close_offline (client);

  /* The next launch, with the server back: each lands once. */
  test_server_restart_with (server, store_app_args);
  client = client_open_offline (project_id, outbox, FALSE);
  store_wait_for (pending_is, client, WAIT_MS, "the outbox's task changes to be answered");
  truth = server_story (rest, project_id, story_id);
  tasks = ts_story_get_tasks (truth);
  g_assert_cmpuint (tasks->len, ==, 6);
  g_assert_true (((TsTask *) tasks->pdata[0])->done);
  g_assert_cmpstr (((TsTask *) tasks->pdata[5])->text, ==, "Step 6");
  g_assert_true (((TsTask *) tasks->pdata[5])->done);
  g_assert_cmpuint (ts_story_count_done_tasks (truth), ==, 2);
  /* Made once each: three changes, three versions. */
  g_assert_cmpint (ts_story_get_version (truth), ==, version + 3);
  g_assert_cmpuint (client->n_failures, ==, 0);
  client_close_offline (client);
  g_clear_object (&outbox);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = store_server_start (emails, G_N_ELEMENTS (emails), PASSWORD);
  session = soup_session_new ();

  g_test_add_func ("/store-tasks/two-ticks-both-win", test_two_ticks_both_win);
  g_test_add_func ("/store-tasks/add-tick-move-delete", test_add_tick_move_delete);
  g_test_add_func ("/store-tasks/offline-outbox", test_offline_outbox);

  status = g_test_run ();

  g_object_unref (session);
  test_server_stop (server);
  return status;
}
