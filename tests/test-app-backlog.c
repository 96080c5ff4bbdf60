/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The live backlog, against a real team server: Ada signs in and sees a
 * planned backlog (iterations, a late release, the Icebox); she creates a
 * story through the New Story popover and finds it planned; Bob renames a
 * story over REST and Ada's window shows it, highlighted; a drag to the top
 * re-plans; the offline banner comes when the server stops and goes when it
 * is back. Screenshots: app-backlog, app-backlog-offline. */

#include <adwaita.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-connect-window.h"
#include "ts-project-settings.h"
#include "ts-project-view.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *ada_token;
  char *bob_token;
  gint64 project_id;
  gint64 telemetry_id;
  gint64 fuel_id;
} Test;

static TsBacklogStore *
store (void)
{
  return ts_project_view_get_store (app_test_project_view ());
}

static gboolean
backlog_ready (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();

  return view != NULL && ts_project_view_get_store (view) != NULL &&
         ts_backlog_store_get_status (ts_project_view_get_store (view)) == TS_BACKLOG_STORE_READY &&
         ts_project_view_get_story_count (view) == 6 && app_test_row_showing ("Launch pad") != NULL;
}

static gboolean
edits_answered (gpointer user_data)
{
  return ts_backlog_store_get_n_pending_edits (store ()) == 0;
}

static gboolean
banner_is (gpointer user_data)
{
  return ts_project_view_get_banner_shown (app_test_project_view ()) == GPOINTER_TO_INT (user_data);
}

static gboolean
realtime_connected (gpointer user_data)
{
  TsSession *session = ts_window_get_session (app_test_main_window ());

  return ts_realtime_client_get_state (ts_session_get_realtime (session)) ==
         TS_REALTIME_STATE_CONNECTED;
}

static void
seed (Test *test)
{
  AppTestGeminiBacklog stories;

  test->project_id = app_test_seed_gemini (test->server, &test->ada_token, &test->bob_token,
                                           &stories);
  test->fuel_id = stories.fuel;
  test->telemetry_id = stories.telemetry;
}

static guint
iteration_of (gint64 story_id)
{
  return ts_plan_find_story (ts_backlog_store_get_plan (store ()), story_id);
}

/* The created story: its real id once the server has it. */
static gint64
story_titled (const char *title)
{
  GListModel *stories = ts_backlog_store_get_stories (store ());

  for (guint i = 0; i < g_list_model_get_n_items (stories); i++)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, i);

      if (g_str_equal (ts_story_get_title (story), title) && ts_story_get_id (story) > 0)
        return ts_story_get_id (story);
    }
  return 0;
}

static gboolean
story_saved (gpointer user_data)
{
  return story_titled (user_data) != 0 && edits_answered (NULL);
}

static gboolean
entry_mapped (gpointer user_data)
{
  GtkWidget *entry = app_test_find_entry (GTK_WIDGET (app_test_main_window ()), "Story title");

  return entry != NULL && gtk_widget_get_mapped (entry);
}

static void
sign_in (Test *test)
{
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
}

static void
planned_backlog (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  TsPlan *plan;
  guint current;

  app_test_wait_until (backlog_ready, NULL, 60, "the planned backlog of Gemini");
  app_test_wait_until (realtime_connected, NULL, 30, "the realtime connection");

  plan = ts_backlog_store_get_plan (store ());
  current = ts_plan_get_current_iteration (plan);
  g_assert_cmpuint (iteration_of (test->fuel_id), ==, current);
  g_assert_cmpuint (iteration_of (test->telemetry_id), ==, current + 2);

  /* What a person reads. */
  g_assert_nonnull (app_test_find_label_containing (window, "Current · Iteration"));
  g_assert_nonnull (app_test_find_label (window, "5 of 5 points"));
  g_assert_nonnull (app_test_find_label (window, "Icebox"));
  g_assert_nonnull (app_test_row_showing ("Moon base"));
  g_assert_nonnull (app_test_find_label (window, "Late"));
  g_assert_nonnull (app_test_find_label (window, "flight, crew"));
  g_assert_nonnull (app_test_find_button (window, "Finish"));
  g_assert_nonnull (app_test_find_label (window, "Live"));

  app_test_settle (500);
  app_test_screenshot (window, "app-backlog");
}

static void
create_through_the_ui (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *entry;
  gint64 id;
  TsPlan *plan;

  /* `a` in the backlog, or the + button: the New Story popover. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ())),
                                             "backlog.new-story", NULL));
  app_test_wait_until (entry_mapped, NULL, 10, "the New Story popover");
  entry = app_test_find_entry (window, "Story title");
  app_test_settle (300);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Splashdown");
  g_signal_emit_by_name (entry, "activate");

  app_test_wait_until (story_saved, (gpointer) "Splashdown", 30, "“Splashdown” saved");
  id = story_titled ("Splashdown");
  plan = ts_backlog_store_get_plan (store ());
  /* Unestimated features count 0 points: it follows Telemetry. */
  g_assert_cmpuint (iteration_of (id), ==, iteration_of (test->telemetry_id));
  g_assert_cmpuint (iteration_of (id), ==, ts_plan_get_current_iteration (plan) + 2);
  app_test_wait_until (app_test_row_shown, (gpointer) "Splashdown", 10, "the new story's row");
  /* Unestimated: estimates come first. */
  g_assert_nonnull (gtk_widget_get_ancestor (app_test_find_label (window, "Estimate"),
                                             TS_TYPE_BACKLOG_ROW));
}

static gboolean
renamed_and_highlighted (gpointer user_data)
{
  GtkWidget *row = app_test_row_showing ("Capsule with heat shield");

  return row != NULL && gtk_widget_has_css_class (row, "remote-change");
}

static void
change_by_another_user (Test *test)
{
  g_autofree char *path = NULL;
  g_autoptr(TestResponse) response = NULL;
  gint64 capsule = story_titled ("Capsule");

  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT,
                          test->project_id, capsule);
  response = test_request (test->server, "PATCH", path, test->bob_token,
                           "{\"title\": \"Capsule with heat shield\"}");
  assert_status (response, 200);
  app_test_wait_until (renamed_and_highlighted, NULL, 10, "Bob's rename, highlighted");
  g_assert_null (app_test_row_showing ("Capsule"));
}

static gboolean
fuel_replanned (gpointer user_data)
{
  Test *test = user_data;

  return iteration_of (test->fuel_id) ==
         ts_plan_get_current_iteration (ts_backlog_store_get_plan (store ())) + 2;
}

static void
move_replans (Test *test)
{
  TsBacklogModel *model = ts_project_view_get_model (app_test_project_view ());
  g_autofree char *path = NULL;
  g_autoptr(TestResponse) response = NULL;
  guint telemetry;
  JsonArray *stories;

  /* Fuel dropped on the lower half of Telemetry's row: one move, after
   * Telemetry, which takes it from Current to two iterations later. */
  g_assert_true (ts_backlog_model_find_story (model, test->telemetry_id, &telemetry));
  g_assert_true (ts_project_view_drop_story (app_test_project_view (), test->fuel_id, telemetry, FALSE));
  app_test_wait_until (fuel_replanned, test, 10, "Fuel planned after Telemetry");
  app_test_wait_until (edits_answered, NULL, 30, "the move answered");

  /* The server has the new order. */
  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", test->project_id);
  response = test_request (test->server, "GET", path, test->ada_token, NULL);
  assert_status (response, 200);
  stories = json_object_get_array_member (test_response_object (response), "stories");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (stories, 3), "id"),
                   ==, test->telemetry_id);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (stories, 4), "id"),
                   ==, test->fuel_id);

  /* Into the Icebox: a drop on its header makes it unscheduled. */
  {
    guint icebox;

    g_assert_true (ts_backlog_model_find_section (model, TS_BACKLOG_SECTION_ICEBOX, 0, &icebox));
    g_assert_true (ts_project_view_drop_story (app_test_project_view (), test->fuel_id, icebox, FALSE));
    app_test_wait_until (edits_answered, NULL, 30, "the move into the Icebox answered");
    g_assert_cmpuint (iteration_of (test->fuel_id), ==, 0);
    g_assert_cmpint (ts_story_get_state (ts_backlog_store_lookup (store (), test->fuel_id)), ==,
                     TS_STORY_STATE_UNSCHEDULED);
  }
}

static void
offline_banner (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());

  g_assert_false (ts_project_view_get_banner_shown (app_test_project_view ()));
  test_server_terminate (test->server);
  app_test_wait_until (banner_is, GINT_TO_POINTER (TRUE), 30, "the offline banner");
  app_test_settle (600);
  g_assert_nonnull (app_test_find_label_containing (window, "changes will sync"));
  app_test_screenshot (window, "app-backlog-offline");

  test_server_restart_with (test->server, NULL);
  app_test_wait_until (banner_is, GINT_TO_POINTER (FALSE), 90, "the banner to go");
  g_assert_nonnull (app_test_find_label (window, "Live"));
}

static gboolean
settings_window_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, TS_TYPE_PROJECT_SETTINGS) &&
          gtk_widget_get_mapped (GTK_WIDGET (window)))
        {
          *(GtkWindow **) data = window;
          return TRUE;
        }
    }
  return FALSE;
}

/* The project's settings are reached from the view's menu. */
static void
project_settings_from_menu (Test *test)
{
  GtkWindow *settings = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()),
                                             "backlog.project-settings", NULL));
  app_test_wait_until (settings_window_shown, &settings, 30, "the project settings");
  g_assert_cmpstr (gtk_window_get_title (settings), !=, NULL);
  gtk_window_destroy (settings);
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), 1100, 720);
  sign_in (test);
  planned_backlog (test);
  create_through_the_ui (test);
  change_by_another_user (test);
  move_replans (test);
  project_settings_from_menu (test);
  offline_banner (test);
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

int
main (int   argc,
      char *argv[])
{
  Test test = { 0, };
  g_autoptr(TsApplication) app = NULL;

  if (app_test_no_display ())
    return 77;

  app_test_isolate ();
  test.server = test_server_start (NULL);
  seed (&test);

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.ada_token);
  g_free (test.bob_token);
  g_print ("ok - planned backlog, create, remote rename, move, offline banner\n");
  return 0;
}
