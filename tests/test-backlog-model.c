/* SPDX-License-Identifier: GPL-3.0-or-later */

/* TsBacklogModel and the store's duties to it, against a real
 * truestory-server on 127.0.0.1, without a display: the exact
 * items-changed and item notifications a row depends on (the stale chore
 * of issue 13 among them), panels as a mask over one store, and what the
 * store keeps for the window (members read again for an unknown id, held
 * deletes, undo, retries, errors as codes with their field). */

#include <string.h>

#include "store-harness.h"
#include "ts-backlog-model.h"
#include "ts-backlog-store.h"
#include "ts-sync-error.h"

#define PASSWORD "a long password"
#define WAIT_MS 30000

static const char * const emails[] = {
  "alice@example.org", "bob@example.org", "dave@example.org"
};

static TestServer *server;
static SoupSession *session;

/* People, projects, stories over REST */

static TsApiClient *
sign_in (const char *email)
{
  return store_sign_in (server, session, email, PASSWORD);
}

/* A project alice made, with bob as a member; bugs and chores pointed. */
static gint64
create_project (TsApiClient *alice,
                const char  *name)
{
  g_autoptr(TsProjectPatch) settings = g_new0 (TsProjectPatch, 1);
  g_autoptr(TsProject) project = NULL;

  settings->fields = TS_PROJECT_FIELD_NAME | TS_PROJECT_FIELD_START_DATE |
                     TS_PROJECT_FIELD_BUGS_AND_CHORES_ARE_POINTED;
  settings->values = ts_project_new ();
  ts_project_set_name (settings->values, name);
  ts_project_set_start_date (settings->values, ts_day_from_ymd (2026, 1, 5));
  ts_project_set_bugs_and_chores_are_pointed (settings->values, TRUE);
  project = store_create_project (alice, settings);
  store_add_member (alice, ts_project_get_id (project), emails[1]);
  return ts_project_get_id (project);
}

static void
set_chores_pointed (TsApiClient *api,
                    gint64       project_id,
                    gboolean     pointed)
{
  g_autoptr(TsProjectPatch) patch = g_new0 (TsProjectPatch, 1);
  g_autoptr(TsProject) project = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  patch->fields = TS_PROJECT_FIELD_BUGS_AND_CHORES_ARE_POINTED;
  patch->values = ts_project_new ();
  ts_project_set_bugs_and_chores_are_pointed (patch->values, pointed);
  ts_api_client_update_project_async (api, project_id, patch, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  project = ts_api_client_update_project_finish (api, result, &error);
  g_assert_no_error (error);
}

static TsStory *
create_story (TsApiClient  *api,
              gint64        project_id,
              const char   *title,
              TsStoryType   type,
              TsStoryState  state,
              int           estimate)
{
  g_autoptr(TsStoryPatch) values = ts_story_patch_new ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  TsStory *story;

  values->fields = TS_STORY_FIELD_TITLE | TS_STORY_FIELD_STATE | TS_STORY_FIELD_TYPE;
  ts_story_set_title (values->values, title);
  ts_story_set_story_type (values->values, type);
  ts_story_set_state (values->values, state);
  if (estimate >= 0)
    {
      values->fields |= TS_STORY_FIELD_ESTIMATE;
      ts_story_set_estimate (values->values, estimate);
    }
  ts_api_client_create_story_async (api, project_id, values, NULL, NULL, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  story = ts_api_client_create_story_finish (api, result, &error);
  g_assert_no_error (error);
  return story;
}

static void
update_story (TsApiClient   *api,
              gint64         project_id,
              gint64         story_id,
              TsStoryPatch  *patch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) story = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ts_api_client_update_story_async (api, project_id, story_id, patch, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  story = ts_api_client_update_story_finish (api, result, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Bob's store, live */

typedef struct {
  TsApiClient *api;
  TsRealtimeClient *realtime;
  TsBacklogStore *store;
  guint n_replans;
  GError *failure;
  gint64 failed_id;
} Client;

static void
count_replans_cb (TsBacklogStore *store,
                  Client         *client)
{
  client->n_replans++;
}

static void
edit_failed_cb (TsBacklogStore *store,
                gint64          story_id,
                const GError   *error,
                Client         *client)
{
  g_clear_error (&client->failure);
  client->failure = g_error_copy (error);
  client->failed_id = story_id;
}

static gboolean
store_settled (gpointer data)
{
  Client *client = data;
  g_autofree char *channel =
    g_strdup_printf ("private-project-%" G_GINT64_FORMAT,
                     ts_backlog_store_get_project_id (client->store));

  return !ts_backlog_store_is_syncing (client->store) &&
         ts_realtime_client_is_subscribed (client->realtime, channel);
}

static Client *
client_new (const char *email,
            gint64      project_id)
{
  Client *client = g_new0 (Client, 1);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  client->api = sign_in (email);
  client->realtime = ts_realtime_client_new (client->api);
  ts_realtime_client_set_backoff_limits (client->realtime, 50, 500);
  ts_realtime_client_start (client->realtime);
  client->store = ts_backlog_store_new (client->api, client->realtime, project_id);
  ts_backlog_store_set_today (client->store, ts_day_from_ymd (2026, 2, 2));
  g_signal_connect (client->store, "plan-changed", G_CALLBACK (count_replans_cb), client);
  g_signal_connect (client->store, "edit-failed", G_CALLBACK (edit_failed_cb), client);
  ts_backlog_store_load_async (client->store, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  ts_backlog_store_load_finish (client->store, result, &error);
  g_assert_no_error (error);
  store_wait_for (store_settled, client, WAIT_MS, "the first catch-up and the subscription");
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
  g_clear_error (&client->failure);
  g_free (client);
}

static gboolean
replanned_since (gpointer data)
{
  gpointer *args = data;
  Client *client = args[0];

  return client->n_replans > GPOINTER_TO_UINT (args[1]);
}

/* Runs until the store made a plan after the change on its way. */
static void
wait_for_replan (Client *client,
                 guint   n_replans)
{
  gpointer args[2] = { client, GUINT_TO_POINTER (n_replans) };

  store_wait_for (replanned_since, args, WAIT_MS, "a new plan");
}

/* Recording a model */

typedef struct {
  GString *changes;        /* "position,removed,added;" per items-changed */
  GString *notified;       /* "property;" per notification of one item */
} Record;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Record     *record)
{
  g_string_append_printf (record->changes, "%u,%u,%u;", position, removed, added);
}

static void
item_notify_cb (GObject    *item,
                GParamSpec *pspec,
                Record     *record)
{
  g_string_append_printf (record->notified, "%s;", g_param_spec_get_name (pspec));
}

static void
record_init (Record *record)
{
  record->changes = g_string_new (NULL);
  record->notified = g_string_new (NULL);
}

static void
record_clear (Record *record)
{
  g_string_free (record->changes, TRUE);
  g_string_free (record->notified, TRUE);
}

static gboolean
contains (GString    *text,
          const char *what)
{
  return strstr (text->str, what) != NULL;
}

/* Tests */

/* Issue 13: another member turns off pointed chores; the Icebox chore's
 * item announces it (its row stops showing "2") with no items-changed,
 * and turning them on again brings the 2 back. */
static void
test_stale_chore (void)
{
  g_autoptr(TsApiClient) alice = sign_in (emails[0]);
  gint64 project_id = create_project (alice, "Chores");
  g_autoptr(TsStory) chore = create_story (alice, project_id, "Oil the hinges", TS_STORY_TYPE_CHORE,
                                           TS_STORY_STATE_UNSCHEDULED, 2);
  Client *bob = client_new (emails[1], project_id);
  g_autoptr(TsBacklogModel) model = ts_backlog_model_new ();
  TsBacklogItem *item;
  Record record;
  guint position, n_replans;

  ts_backlog_model_set_store (model, bob->store);
  g_assert_true (ts_backlog_model_find_story (model, ts_story_get_id (chore), &position));
  item = ts_backlog_model_lookup (model, ts_story_get_id (chore));
  g_assert_nonnull (item);
  g_assert_cmpint (ts_backlog_item_get_estimate (item), ==, 2);
  g_assert_true (ts_backlog_item_get_chores_pointed (item));

  record_init (&record);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &record);
  g_signal_connect (item, "notify", G_CALLBACK (item_notify_cb), &record);
  n_replans = bob->n_replans;
  set_chores_pointed (alice, project_id, FALSE);
  wait_for_replan (bob, n_replans);

  g_assert_cmpstr (record.changes->str, ==, "");
  g_assert_true (contains (record.notified, "chores-pointed;"));
  g_assert_true (contains (record.notified, "estimate;"));
  g_assert_cmpint (ts_backlog_item_get_estimate (item), ==, -1);
  g_assert_true (ts_backlog_model_lookup (model, ts_story_get_id (chore)) == item);

  g_string_truncate (record.notified, 0);
  n_replans = bob->n_replans;
  set_chores_pointed (alice, project_id, TRUE);
  wait_for_replan (bob, n_replans);
  g_assert_cmpstr (record.changes->str, ==, "");
  g_assert_cmpint (ts_backlog_item_get_estimate (item), ==, 2);

  g_signal_handlers_disconnect_by_data (model, &record);
  g_signal_handlers_disconnect_by_data (item, &record);
  record_clear (&record);
  client_free (bob);
}

/* A story moved from the backlog into the Icebox by someone else: one
 * removal and one insertion, the headers whose counts changed replaced in
 * place, and the item keeps its identity (so its row stays bound) while
 * announcing its new iteration. */
static void
test_exact_changes (void)
{
  g_autoptr(TsApiClient) alice = sign_in (emails[0]);
  gint64 project_id = create_project (alice, "Exact");
  g_autoptr(TsStory) first = create_story (alice, project_id, "First", TS_STORY_TYPE_FEATURE,
                                           TS_STORY_STATE_UNSTARTED, 1);
  g_autoptr(TsStory) second = create_story (alice, project_id, "Second", TS_STORY_TYPE_FEATURE,
                                            TS_STORY_STATE_UNSTARTED, 1);
  g_autoptr(TsStory) idea = create_story (alice, project_id, "Idea", TS_STORY_TYPE_FEATURE,
                                          TS_STORY_STATE_UNSCHEDULED, -1);
  Client *bob = client_new (emails[1], project_id);
  g_autoptr(TsBacklogModel) model = ts_backlog_model_new ();
  g_autoptr(TsStoryPatch) patch = ts_story_patch_new ();
  TsBacklogItem *item;
  Record record;
  guint before, after, icebox, n_replans;
  g_autofree char *expected = NULL;

  ts_backlog_model_set_store (model, bob->store);
  item = ts_backlog_model_lookup (model, ts_story_get_id (second));
  g_assert_cmpuint (ts_backlog_item_get_iteration (item), ==,
                    ts_plan_get_current_iteration (ts_backlog_store_get_plan (bob->store)));
  g_assert_true (ts_backlog_model_find_story (model, ts_story_get_id (second), &before));
  g_assert_true (ts_backlog_model_find_section (model, TS_BACKLOG_SECTION_ICEBOX, 0, &icebox));

  record_init (&record);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &record);
  g_signal_connect (item, "notify", G_CALLBACK (item_notify_cb), &record);
  n_replans = bob->n_replans;
  patch->fields = TS_STORY_FIELD_STATE;
  ts_story_set_state (patch->values, TS_STORY_STATE_UNSCHEDULED);
  update_story (alice, project_id, ts_story_get_id (second), patch);
  wait_for_replan (bob, n_replans);

  g_assert_true (ts_backlog_model_lookup (model, ts_story_get_id (second)) == item);
  g_assert_true (ts_backlog_model_find_story (model, ts_story_get_id (second), &after));
  g_assert_cmpuint (after, >, icebox - 1);
  g_assert_cmpuint (ts_backlog_item_get_iteration (item), ==, 0);
  g_assert_true (contains (record.notified, "iteration;"));
  g_assert_true (contains (record.notified, "story;"));
  /* The story moved to the head of the Icebox, right after the story
   * that was below it: the current iteration's header is replaced (its
   * points), the new Icebox header (its count) goes in above the story and
   * the old one goes; the story's own item never leaves the list, so its
   * row stays bound. */
  g_assert_cmpuint (icebox, ==, before + 1);
  g_assert_cmpuint (after, ==, before + 1);
  expected = g_strdup_printf ("%u,1,1;%u,0,1;%u,1,0;", before - 2, before, icebox + 1);
  g_assert_cmpstr (record.changes->str, ==, expected);
  g_assert_cmpuint (ts_backlog_model_get_n_stories (model), ==, 3);
  (void) first;
  (void) idea;

  g_signal_handlers_disconnect_by_data (model, &record);
  g_signal_handlers_disconnect_by_data (item, &record);
  record_clear (&record);
  client_free (bob);
}

/* Panels are a mask: a wide window's second column is a second model of
 * the same store, which follows it by itself. */
static void
test_panels_mask (void)
{
  g_autoptr(TsApiClient) alice = sign_in (emails[0]);
  gint64 project_id = create_project (alice, "Columns");
  g_autoptr(TsStory) planned = create_story (alice, project_id, "Planned", TS_STORY_TYPE_FEATURE,
                                             TS_STORY_STATE_UNSTARTED, 1);
  Client *bob = client_new (emails[1], project_id);
  g_autoptr(TsBacklogModel) plan = ts_backlog_model_new ();
  g_autoptr(TsBacklogModel) side = ts_backlog_model_new ();
  g_autoptr(TsStory) idea = NULL;
  guint n_replans;

  ts_backlog_model_set_panels (plan, TS_BACKLOG_PANEL_CURRENT | TS_BACKLOG_PANEL_BACKLOG);
  ts_backlog_model_set_panels (side, TS_BACKLOG_PANEL_ICEBOX | TS_BACKLOG_PANEL_DONE);
  ts_backlog_model_set_store (plan, bob->store);
  ts_backlog_model_set_store (side, bob->store);
  g_assert_true (ts_backlog_model_find_story (plan, ts_story_get_id (planned), NULL));
  g_assert_false (ts_backlog_model_find_story (side, ts_story_get_id (planned), NULL));
  g_assert_true (ts_backlog_model_find_section (side, TS_BACKLOG_SECTION_ICEBOX, 0, NULL));
  g_assert_false (ts_backlog_model_find_section (plan, TS_BACKLOG_SECTION_ICEBOX, 0, NULL));

  n_replans = bob->n_replans;
  idea = create_story (alice, project_id, "Idea", TS_STORY_TYPE_FEATURE,
                       TS_STORY_STATE_UNSCHEDULED, -1);
  wait_for_replan (bob, n_replans);
  g_assert_true (ts_backlog_model_find_story (side, ts_story_get_id (idea), NULL));
  g_assert_false (ts_backlog_model_find_story (plan, ts_story_get_id (idea), NULL));
  client_free (bob);
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

/* Issue 13: a member added during the session owns a story; the store
 * reads the members again for the unknown id, and the item names them.
 * The read ends with "loaded" (what the notifier waits on). */
static void
test_new_member_named (void)
{
  g_autoptr(TsApiClient) alice = sign_in (emails[0]);
  gint64 project_id = create_project (alice, "Newcomers");
  g_autoptr(TsStory) story = create_story (alice, project_id, "Welcome", TS_STORY_TYPE_FEATURE,
                                           TS_STORY_STATE_UNSTARTED, 1);
  Client *bob = client_new (emails[1], project_id);
  g_autoptr(TsBacklogModel) model = ts_backlog_model_new ();
  g_autoptr(TsStoryPatch) patch = ts_story_patch_new ();
  TsBacklogItem *item;
  Record record;
  gint64 dave;
  guint n_loads;
  guint n_loaded = 0;

  ts_backlog_model_set_store (model, bob->store);
  item = ts_backlog_model_lookup (model, ts_story_get_id (story));
  store_spin (200);
  n_loads = ts_project_members_get_n_loads (ts_backlog_store_get_members (bob->store));
  g_assert_cmpuint (n_loads, >=, 1);

  dave = store_add_member (alice, project_id, emails[2]);
  g_assert_null (ts_backlog_store_lookup_member (bob->store, dave));

  record_init (&record);
  g_signal_connect (item, "notify", G_CALLBACK (item_notify_cb), &record);
  g_signal_connect (ts_backlog_store_get_members (bob->store), "loaded", G_CALLBACK (count_cb),
                    &n_loaded);
  patch->fields = TS_STORY_FIELD_OWNER_IDS;
  ts_story_set_owner_ids (patch->values, &dave, 1);
  update_story (alice, project_id, ts_story_get_id (story), patch);
  while (ts_backlog_store_lookup_member (bob->store, dave) == NULL ||
         g_strv_length ((char **) ts_backlog_item_get_owner_names (item)) != 1 ||
         *ts_backlog_item_get_owner_names (item)[0] == '\0')
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (ts_backlog_item_get_owner_names (item)[0], ==, emails[2]);
  g_assert_cmpstr (ts_backlog_item_get_owner_initials (item)[0], ==, "D");
  g_assert_true (contains (record.notified, "owner-names;"));
  g_assert_true (contains (record.notified, "owner-initials;"));
  g_assert_cmpuint (ts_project_members_get_n_loads (ts_backlog_store_get_members (bob->store)),
                    >, n_loads);
  while (n_loaded == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ts_project_members_is_loading (ts_backlog_store_get_members (bob->store)));

  g_signal_handlers_disconnect_by_data (ts_backlog_store_get_members (bob->store), &n_loaded);
  g_signal_handlers_disconnect_by_data (item, &record);
  record_clear (&record);
  client_free (bob);
}

/* A held delete leaves the model at once and comes back with Undo; once
 * sent, Undo no longer blames the story: it takes back the change before,
 * and then there is nothing to undo. */
static void
test_held_delete_and_undo (void)
{
  g_autoptr(TsApiClient) alice = sign_in (emails[0]);
  gint64 project_id = create_project (alice, "Undo");
  g_autoptr(TsStory) kept = create_story (alice, project_id, "Kept", TS_STORY_TYPE_FEATURE,
                                          TS_STORY_STATE_UNSTARTED, 1);
  g_autoptr(TsStory) doomed = create_story (alice, project_id, "Doomed", TS_STORY_TYPE_FEATURE,
                                            TS_STORY_STATE_UNSTARTED, 1);
  Client *bob = client_new (emails[1], project_id);
  g_autoptr(TsBacklogModel) model = ts_backlog_model_new ();
  g_autoptr(GError) error = NULL;
  gint64 kept_id = ts_story_get_id (kept);
  gint64 doomed_id = ts_story_get_id (doomed);
  gint64 undone_id = 0;
  Record record;
  guint position;
  g_autofree char *expected = NULL;

  ts_backlog_model_set_store (model, bob->store);
  g_assert_true (ts_backlog_model_find_story (model, doomed_id, &position));

  record_init (&record);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &record);
  g_assert_true (ts_backlog_store_hold_delete (bob->store, doomed_id));
  expected = g_strdup_printf ("%u,1,0;", position);
  g_assert_cmpstr (record.changes->str, ==, expected);
  g_assert_true (ts_backlog_store_is_held (bob->store, doomed_id));
  g_assert_nonnull (ts_backlog_store_lookup (bob->store, doomed_id));
  g_assert_cmpuint (ts_backlog_store_get_n_pending_edits (bob->store), ==, 0);

  /* Undo while held: back where it was. */
  g_assert_true (ts_backlog_store_undo (bob->store, &undone_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (undone_id, ==, doomed_id);
  g_assert_true (ts_backlog_model_find_story (model, doomed_id, &position));

  /* A state change, then a delete that is sent (its toast went). */
  ts_backlog_store_change_state (bob->store, kept_id, TS_STORY_STATE_STARTED);
  g_assert_true (ts_backlog_store_hold_delete (bob->store, doomed_id));
  g_assert_true (ts_backlog_store_send_delete (bob->store, doomed_id));
  while (ts_backlog_store_lookup (bob->store, doomed_id) != NULL ||
         ts_backlog_store_get_n_pending_edits (bob->store) > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (ts_backlog_store_undo (bob->store, &undone_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (undone_id, ==, kept_id);
  g_assert_cmpint (ts_story_get_state (ts_backlog_store_lookup (bob->store, kept_id)), ==,
                   TS_STORY_STATE_UNSTARTED);
  g_assert_false (ts_backlog_store_undo (bob->store, NULL, &error));
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOTHING_TO_UNDO);

  g_signal_handlers_disconnect_by_data (model, &record);
  record_clear (&record);
  client_free (bob);
}

/* The undo stack keeps the last 32 changes. */
static void
test_undo_depth (void)
{
  g_autoptr(TsApiClient) alice = sign_in (emails[0]);
  gint64 project_id = create_project (alice, "Deep");
  g_autoptr(TsStory) story = create_story (alice, project_id, "Busy", TS_STORY_TYPE_CHORE,
                                           TS_STORY_STATE_UNSTARTED, -1);
  Client *bob = client_new (emails[1], project_id);
  gint64 id = ts_story_get_id (story);

  for (guint i = 0; i < 40; i++)
    ts_backlog_store_change_state (bob->store, id, i % 2 == 0 ? TS_STORY_STATE_STARTED
                                                               : TS_STORY_STATE_UNSTARTED);
  g_assert_cmpuint (ts_backlog_store_get_n_undo (bob->store), ==, 32);
  while (ts_backlog_store_get_n_pending_edits (bob->store) > 0)
    g_main_context_iteration (NULL, TRUE);
  client_free (bob);
}

/* A refused edit reaches the app as a code, the field the server named,
 * the operation and the story's title; Retry sends it again. */
static void
test_refusal_is_a_code (void)
{
  g_autoptr(TsApiClient) alice = sign_in (emails[0]);
  gint64 project_id = create_project (alice, "Refusals");
  g_autoptr(TsStory) story = create_story (alice, project_id, "Estimated", TS_STORY_TYPE_FEATURE,
                                           TS_STORY_STATE_UNSTARTED, 1);
  Client *bob = client_new (emails[1], project_id);
  g_autoptr(TsStory) values = ts_story_copy (ts_backlog_store_lookup (bob->store,
                                                                        ts_story_get_id (story)));

  /* 4 is off the Fibonacci scale. */
  ts_story_set_estimate (values, 4);
  ts_backlog_store_update_story (bob->store, ts_story_get_id (story), TS_STORY_FIELD_ESTIMATE,
                                 values);
  while (bob->failure == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (bob->failure, TS_SYNC_ERROR, TS_SYNC_ERROR_INVALID);
  g_assert_cmpstr (ts_sync_error_get_field (bob->failure), ==, "estimate");
  g_assert_cmpint (ts_sync_error_get_operation (bob->failure), ==, TS_SYNC_OPERATION_UPDATE);
  {
    g_autofree char *subject = ts_sync_error_dup_subject (bob->failure);

    g_assert_cmpstr (subject, ==, "Estimated");
  }
  g_assert_cmpint (bob->failed_id, ==, ts_story_get_id (story));
  g_assert_cmpint (ts_story_get_estimate (ts_backlog_store_lookup (bob->store,
                                                                    ts_story_get_id (story))), ==, 1);

  g_assert_true (ts_backlog_store_can_retry (bob->store, ts_story_get_id (story)));
  g_clear_error (&bob->failure);
  g_assert_true (ts_backlog_store_retry (bob->store, ts_story_get_id (story)));
  g_assert_false (ts_backlog_store_can_retry (bob->store, ts_story_get_id (story)));
  while (bob->failure == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (bob->failure, TS_SYNC_ERROR, TS_SYNC_ERROR_INVALID);
  client_free (bob);
}

/* Someone else's change marks the story's item for a moment. */
static void
test_remote_mark (void)
{
  g_autoptr(TsApiClient) alice = sign_in (emails[0]);
  gint64 project_id = create_project (alice, "Marks");
  g_autoptr(TsStory) story = create_story (alice, project_id, "Watched", TS_STORY_TYPE_FEATURE,
                                           TS_STORY_STATE_UNSTARTED, 1);
  Client *bob = client_new (emails[1], project_id);
  g_autoptr(TsBacklogModel) model = ts_backlog_model_new ();
  g_autoptr(TsStoryPatch) patch = ts_story_patch_new ();
  TsBacklogItem *item;

  ts_backlog_model_set_store (model, bob->store);
  item = ts_backlog_model_lookup (model, ts_story_get_id (story));
  g_assert_false (ts_backlog_item_get_highlighted (item));
  patch->fields = TS_STORY_FIELD_TITLE;
  ts_story_set_title (patch->values, "Watched closely");
  update_story (alice, project_id, ts_story_get_id (story), patch);
  while (!ts_backlog_item_get_highlighted (item))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (ts_backlog_store_is_marked (bob->store, ts_story_get_id (story)));
  while (ts_backlog_item_get_highlighted (item))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ts_backlog_store_is_marked (bob->store, ts_story_get_id (story)));
  client_free (bob);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = store_server_start (emails, G_N_ELEMENTS (emails), PASSWORD);
  session = soup_session_new ();

  g_test_add_func ("/backlog-model/stale-chore", test_stale_chore);
  g_test_add_func ("/backlog-model/exact-changes", test_exact_changes);
  g_test_add_func ("/backlog-model/panels-mask", test_panels_mask);
  g_test_add_func ("/backlog-model/new-member-named", test_new_member_named);
  g_test_add_func ("/store/held-delete-and-undo", test_held_delete_and_undo);
  g_test_add_func ("/store/undo-depth", test_undo_depth);
  g_test_add_func ("/store/refusal-is-a-code", test_refusal_is_a_code);
  g_test_add_func ("/store/remote-mark", test_remote_mark);

  status = g_test_run ();

  g_object_unref (session);
  test_server_stop (server);
  return status;
}
