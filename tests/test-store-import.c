/* SPDX-License-Identifier: GPL-3.0-or-later */

/* TsBacklogStore and a Pivotal Tracker import, against a real
 * truestory-server on 127.0.0.1. An import is one change without its
 * stories (`stories-import`, doc/api.md): a live store reloads the project
 * on its event, a store without a socket on the entry of `changes?since=`,
 * and the importing client, whose socket does not get its own event, on
 * its catch-up. Each keeps its guarantees meanwhile: an edit pending
 * across the import is kept and made, the version only goes forward, and
 * the store never claims the import's version without its stories. */

#include <string.h>

#include "store-harness.h"
#include "ts-backlog-store.h"
#include "ts-json.h"
#include "ts-realtime-client.h"

#define PASSWORD "a long password"
#define WAIT_MS 30000

static const char * const emails[] = { "alice@example.org", "bob@example.org" };

static const char tracker_csv[] =
  "Id,Title,Type,Estimate,Current State,Requested By\n"
  "501,Radar,feature,2,unstarted,Nobody Known\n"
  "502,Antenna,bug,,started,Nobody Known\n"
  "503,Hangar,chore,,unscheduled,Nobody Known\n";
#define N_IMPORTED 3

static TestServer *server;
static SoupSession *session;

typedef struct {
  TsApiClient *api;
  TsRealtimeClient *realtime;
  TsBacklogStore *store;
  gint64 import_version;      /* once known: the version the import made */
  gint64 last_version;
  guint n_versions;
} Client;

static gboolean
holds_title (TsBacklogStore *store,
             const char     *title)
{
  GListModel *stories = ts_backlog_store_get_stories (store);

  for (guint i = 0; i < g_list_model_get_n_items (stories); i++)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, i);

      if (g_str_equal (ts_story_get_title (story), title))
        return TRUE;
    }
  return FALSE;
}

/* Every version the store announces: never backwards, and never the
 * import's or later without its stories. */
static void
version_cb (TsBacklogStore *store,
            GParamSpec     *pspec,
            Client         *client)
{
  gint64 version = ts_backlog_store_get_version (store);

  g_assert_cmpint (version, >=, client->last_version);
  if (client->import_version > 0 && version >= client->import_version)
    {
      g_assert_true (holds_title (store, "Radar"));
      g_assert_true (holds_title (store, "Hangar"));
    }
  client->last_version = version;
  client->n_versions++;
}

static gboolean
store_not_syncing (gpointer data)
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
            gint64      project_id,
            gboolean    live)
{
  Client *client = g_new0 (Client, 1);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  client->api = store_sign_in (server, session, email, PASSWORD);
  if (live)
    {
      client->realtime = ts_realtime_client_new (client->api);
      ts_realtime_client_set_backoff_limits (client->realtime, 50, 500);
      ts_realtime_client_start (client->realtime);
    }
  client->store = ts_backlog_store_new (client->api, client->realtime, project_id);
  ts_backlog_store_load_async (client->store, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  ts_backlog_store_load_finish (client->store, result, &error);
  g_assert_no_error (error);
  store_wait_for (store_not_syncing, client->store, WAIT_MS, "the first catch-up");
  if (live)
    store_wait_for (client_subscribed, client, WAIT_MS, "the subscription");
  client->last_version = ts_backlog_store_get_version (client->store);
  g_signal_connect (client->store, "notify::version", G_CALLBACK (version_cb), client);
  return client;
}

static void
client_free (Client *client)
{
  ts_backlog_store_close (client->store);
  g_object_unref (client->store);
  if (client->realtime != NULL)
    {
      ts_realtime_client_stop (client->realtime);
      g_object_unref (client->realtime);
    }
  g_object_unref (client->api);
  g_free (client);
}

static gint64
create_project (TsApiClient *alice,
                const char  *name)
{
  g_autoptr(TsProjectPatch) settings = g_new0 (TsProjectPatch, 1);
  g_autoptr(TsProject) project = NULL;

  settings->fields = TS_PROJECT_FIELD_NAME;
  settings->values = ts_project_new ();
  ts_project_set_name (settings->values, name);
  project = store_create_project (alice, settings);
  store_add_member (alice, ts_project_get_id (project), emails[1]);
  return ts_project_get_id (project);
}

static TsStory *
create_story (TsApiClient *api,
              gint64       project_id,
              const char  *title)
{
  g_autoptr(TsStoryPatch) values = ts_story_patch_new ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  TsStory *story;

  values->fields = TS_STORY_FIELD_TITLE;
  ts_story_set_title (values->values, title);
  ts_api_client_create_story_async (api, project_id, values, NULL, NULL, NULL, store_result_cb,
                                    &slot);
  result = store_await (&slot);
  story = ts_api_client_create_story_finish (api, result, &error);
  g_assert_no_error (error);
  return story;
}

static void
import_progress_cb (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  goffset *last = user_data;

  g_assert_cmpint (sent, >=, *last);
  g_assert_cmpint (sent, <=, total);
  *last = sent;
}

/* The import over REST, as the app sends it. */
static gint64
import (TsApiClient *api,
        gint64       project_id)
{
  g_autoptr(GBytes) csv = g_bytes_new_static (tracker_csv, strlen (tracker_csv));
  g_autoptr(TsImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  goffset sent = 0;

  ts_api_client_import_tracker_async (api, project_id, csv, FALSE, import_progress_cb, &sent,
                                      NULL, store_result_cb, &slot);
  result = store_await (&slot);
  summary = ts_api_client_import_tracker_finish (api, result, &error);
  g_assert_no_error (error);
  g_assert_false (summary->dry_run);
  g_assert_cmpint (summary->total, ==, N_IMPORTED);
  g_assert_cmpint (sent, ==, (goffset) strlen (tracker_csv));
  return summary->version;
}

static gint64
server_version (TsApiClient *api,
                gint64       project_id,
                guint       *out_n_stories)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) stories = NULL;
  gint64 version = 0;

  ts_api_client_list_stories_async (api, project_id, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  stories = ts_api_client_list_stories_finish (api, result, &version, &error);
  g_assert_no_error (error);
  if (out_n_stories != NULL)
    *out_n_stories = stories->len;
  return version;
}

typedef struct {
  Client *client;
  gint64 version;
  guint n_stories;
} Target;

static gboolean
converged (gpointer data)
{
  Target *target = data;
  TsBacklogStore *store = target->client->store;

  return ts_backlog_store_get_n_pending_edits (store) == 0 &&
         ts_backlog_store_get_version (store) == target->version &&
         g_list_model_get_n_items (ts_backlog_store_get_stories (store)) == target->n_stories;
}

static gboolean
edits_answered (gpointer data)
{
  return ts_backlog_store_get_n_pending_edits (data) == 0;
}

/* Once the store's edits are answered, the server's version is final:
 * the store reaches it. */
static void
wait_converged (Client *client,
                gint64  project_id)
{
  Target target = { client, 0, 0 };

  store_wait_for (edits_answered, client->store, WAIT_MS, "the store's edits to be answered");
  target.version = server_version (client->api, project_id, &target.n_stories);
  store_wait_for (converged, &target, WAIT_MS, "the store to reach the server");
}

static void
rename_in_store (TsBacklogStore *store,
                 gint64          story_id,
                 const char     *title)
{
  g_autoptr(TsStory) values = ts_story_new ();

  ts_story_set_title (values, title);
  ts_backlog_store_update_story (store, story_id, TS_STORY_FIELD_TITLE, values);
}

/* Bob's live store reloads on the event; his edit, pending while Alice
 * imports, is kept and made; a change after the import follows it. */
static void
test_event (void)
{
  g_autoptr(TsApiClient) alice = store_sign_in (server, session, emails[0], PASSWORD);
  gint64 project_id = create_project (alice, "Live import");
  g_autoptr(TsStory) existing = create_story (alice, project_id, "Existing");
  Client *bob = client_new (emails[1], project_id, TRUE);
  g_autoptr(TsStory) later = NULL;
  guint n_versions;

  rename_in_store (bob->store, ts_story_get_id (existing), "Existing, renamed by Bob");
  /* Known once answered: a store that reached it earlier still had to
   * hold the stories, which the next notification checks. */
  bob->import_version = import (alice, project_id);
  g_assert_true (ts_backlog_store_get_version (bob->store) < bob->import_version ||
                 holds_title (bob->store, "Radar"));
  later = create_story (alice, project_id, "After the import");
  wait_converged (bob, project_id);

  g_assert_true (holds_title (bob->store, "Existing, renamed by Bob"));
  g_assert_true (holds_title (bob->store, "Radar"));
  g_assert_true (holds_title (bob->store, "Antenna"));
  g_assert_true (holds_title (bob->store, "After the import"));
  g_assert_cmpuint (g_list_model_get_n_items (ts_backlog_store_get_stories (bob->store)), ==,
                    N_IMPORTED + 2);

  /* Nothing moves once converged: the import is not reloaded again. */
  n_versions = bob->n_versions;
  store_spin (300);
  g_assert_cmpuint (bob->n_versions, ==, n_versions);
  client_free (bob);
}

/* The import's change from the history, as its event would carry it. */
static TsChange *
import_change (TsApiClient *api,
               gint64       project_id,
               gint64       version)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  ts_api_client_list_changes_async (api, project_id, version - 1, 10, NULL, store_result_cb,
                                    &slot);
  result = store_await (&slot);
  changes = ts_api_client_list_changes_finish (api, result, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, >=, 1);
  g_assert_cmpint (((TsChange *) changes->pdata[0])->kind, ==, TS_EVENT_STORIES_IMPORT);
  g_assert_cmpint (((TsChange *) changes->pdata[0])->version, ==, version);
  g_assert_cmpuint (((TsChange *) changes->pdata[0])->count, ==, N_IMPORTED);
  return ts_change_ref (changes->pdata[0]);
}

static void
shows_edit_cb (TsBacklogStore *store,
               GParamSpec     *pspec,
               gpointer        story_id)
{
  TsStory *story = ts_backlog_store_lookup (store, GPOINTER_TO_SIZE (story_id));

  /* Whatever the store installs, the pending rename stays shown. */
  g_assert_nonnull (story);
  g_assert_cmpstr (ts_story_get_title (story), ==, "Renamed while importing");
}

/* An edit sent just as the store learns of an import (the event fed by
 * hand, so the edit is surely unanswered when the reload starts) stays
 * shown through the reload and is made. */
static void
test_pending_edit (void)
{
  g_autoptr(TsApiClient) alice = store_sign_in (server, session, emails[0], PASSWORD);
  gint64 project_id = create_project (alice, "Import under an edit");
  g_autoptr(TsStory) existing = create_story (alice, project_id, "Before the import");
  Client *bob = client_new (emails[1], project_id, FALSE);
  g_autoptr(TsChange) change = NULL;
  g_autofree char *data = NULL;
  gint64 story_id = ts_story_get_id (existing);
  guint n_stories = 0;

  bob->import_version = import (alice, project_id);
  change = import_change (alice, project_id, bob->import_version);
  data = ts_change_to_event_data (change);

  rename_in_store (bob->store, story_id, "Renamed while importing");
  g_assert_cmpuint (ts_backlog_store_get_n_pending_edits (bob->store), ==, 1);
  g_signal_connect (bob->store, "notify::version", G_CALLBACK (shows_edit_cb),
                    GSIZE_TO_POINTER (story_id));
  ts_backlog_store_receive_event (bob->store, "stories-import", data);
  ts_backlog_store_flush (bob->store);
  g_assert_cmpuint (ts_backlog_store_get_n_pending_edits (bob->store), ==, 1);

  wait_converged (bob, project_id);
  g_assert_true (holds_title (bob->store, "Radar"));
  g_assert_cmpstr (ts_story_get_title (ts_backlog_store_lookup (bob->store, story_id)), ==,
                   "Renamed while importing");
  g_assert_cmpint (server_version (alice, project_id, &n_stories), ==,
                   ts_backlog_store_get_version (bob->store));
  g_assert_cmpuint (n_stories, ==, N_IMPORTED + 1);
  client_free (bob);
}

/* A store without a socket learns of the import from `changes`. */
static void
test_changes (void)
{
  g_autoptr(TsApiClient) alice = store_sign_in (server, session, emails[0], PASSWORD);
  gint64 project_id = create_project (alice, "Import from the history");
  Client *bob = client_new (emails[1], project_id, FALSE);

  bob->import_version = import (alice, project_id);
  g_assert_false (holds_title (bob->store, "Radar"));
  ts_backlog_store_catch_up (bob->store);
  wait_converged (bob, project_id);
  g_assert_true (holds_title (bob->store, "Hangar"));
  client_free (bob);
}

/* The importing client's socket does not get its own event: the store
 * catches up after the answer, as the app's import window does. */
static void
test_own_import (void)
{
  g_autoptr(TsApiClient) setup = store_sign_in (server, session, emails[0], PASSWORD);
  gint64 project_id = create_project (setup, "Own import");
  Client *alice = client_new (emails[0], project_id, TRUE);

  alice->import_version = import (alice->api, project_id);
  store_spin (300);
  g_assert_false (holds_title (alice->store, "Radar"));
  ts_backlog_store_catch_up (alice->store);
  wait_converged (alice, project_id);
  g_assert_true (holds_title (alice->store, "Radar"));
  client_free (alice);
}

/* The client's side of the endpoints: a dry run changes nothing, a file
 * the server cannot read is INVALID with its line, the export is the
 * CSV. */
static void
test_client (void)
{
  g_autoptr(TsApiClient) alice = store_sign_in (server, session, emails[0], PASSWORD);
  gint64 project_id = create_project (alice, "Client");
  g_autoptr(GBytes) csv = g_bytes_new_static (tracker_csv, strlen (tracker_csv));
  static const char broken[] = "Id,Title,Type,Current State\n"
                               "1,Fine,feature,unstarted\n"
                               "2,Not fine,feature,flying\n";
  g_autoptr(GBytes) broken_csv = g_bytes_new_static (broken, strlen (broken));
  g_autoptr(TsImportSummary) summary = NULL;
  g_autoptr(GBytes) exported = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  GAsyncResult *result;
  gint64 version = server_version (alice, project_id, NULL);
  guint n_stories = 0;

  ts_api_client_import_tracker_async (alice, project_id, csv, TRUE, NULL, NULL, NULL,
                                      store_result_cb, &slot);
  result = store_await (&slot);
  summary = ts_api_client_import_tracker_finish (alice, result, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_true (summary->dry_run);
  g_assert_cmpint (summary->total, ==, N_IMPORTED);
  g_assert_cmpint (summary->features, ==, 1);
  g_assert_cmpint (summary->bugs, ==, 1);
  g_assert_cmpint (summary->chores, ==, 1);
  g_assert_cmpuint (summary->people->len, ==, 1);
  g_assert_cmpstr (((TsImportPerson *) summary->people->pdata[0])->name, ==, "Nobody Known");
  g_assert_cmpint (((TsImportPerson *) summary->people->pdata[0])->user_id, ==, 0);
  g_assert_cmpint (server_version (alice, project_id, &n_stories), ==, version);
  g_assert_cmpuint (n_stories, ==, 0);

  ts_api_client_import_tracker_async (alice, project_id, broken_csv, FALSE, NULL, NULL, NULL,
                                      store_result_cb, &slot);
  result = store_await (&slot);
  g_assert_null (ts_api_client_import_tracker_finish (alice, result, &error));
  g_object_unref (result);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_INVALID);
  g_assert_cmpint (ts_sync_error_get_line (error), ==, 3);
  g_assert_true (g_str_has_prefix (error->message, "line 3"));
  g_clear_error (&error);
  g_assert_cmpint (server_version (alice, project_id, NULL), ==, version);

  import (alice, project_id);
  ts_api_client_export_tracker_async (alice, project_id, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  exported = ts_api_client_export_tracker_finish (alice, result, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (exported, NULL),
                                       g_bytes_get_size (exported));

    g_assert_nonnull (strstr (text, "Radar"));
    g_assert_nonnull (strstr (text, "501"));
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = store_server_start (emails, G_N_ELEMENTS (emails), PASSWORD);
  session = soup_session_new ();

  g_test_add_func ("/backlog-store/import/event", test_event);
  g_test_add_func ("/backlog-store/import/changes", test_changes);
  g_test_add_func ("/backlog-store/import/pending-edit", test_pending_edit);
  g_test_add_func ("/backlog-store/import/own", test_own_import);
  g_test_add_func ("/backlog-store/import/client", test_client);
  status = g_test_run ();

  g_object_unref (session);
  test_server_stop (server);
  return status;
}
