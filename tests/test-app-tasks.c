/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A story's checklist in the app, against a real team server: Ada opens
 * "Fuel" in the editor, types five tasks pressing Enter after each (the
 * entry empties for the next, and the server gets them in order), ticks
 * two, and the backlog row shows "2/5"; Bob ticks a third over REST and
 * the row and the editor follow live; Alt+Down moves the first below the
 * second; Ada removes one with its button;
 * the search finds the story by a task's text. Screenshots of the editor
 * and the backlog with the row's progress, light and dark, wide and at
 * 360 px: app-tasks-editor{,-dark,-narrow}, app-tasks-row{,-dark,-narrow}. */

#include <adwaita.h>
#include <string.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-project-view.h"
#include "ts-story-editor.h"
#include "ts-window.h"

static const char * const task_texts[] = {
  "Check the valves", "Weigh the tanks", "Pump the oxidiser", "Seal the hatch", "Sign the log",
};

typedef struct {
  TestServer *server;
  char *ada_token;
  char *bob_token;
  gint64 project_id;
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
         app_test_row_showing ("Fuel") != NULL;
}

static gboolean
realtime_connected (gpointer user_data)
{
  TsSession *session = ts_window_get_session (app_test_main_window ());

  return ts_realtime_client_get_state (ts_session_get_realtime (session)) ==
         TS_REALTIME_STATE_CONNECTED;
}

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static void
painted_cb (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

/* A screenshot of a frame that was laid out and painted. */
static void
screenshot (GtkWidget  *window,
            const char *name)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gboolean painted = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);

  gtk_widget_queue_draw (window);
  app_test_wait_until (flag_set, &painted, 10, "a painted frame");
  g_signal_handler_disconnect (clock, handler);
  app_test_screenshot (window, name);
}

/* The server's tasks of Fuel as "text:done" joined with commas. */
static char *
server_tasks (Test *test)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%"
                                           G_GINT64_FORMAT "/tasks", test->project_id, test->fuel_id);
  g_autoptr(JsonObject) object = test_get_object (test->server, path, test->ada_token);
  JsonArray *tasks = json_object_get_array_member (object, "tasks");
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);

      g_string_append_printf (text, "%s%s:%s", i > 0 ? "," : "",
                              json_object_get_string_member (task, "text"),
                              json_object_get_boolean_member (task, "done") ? "done" : "open");
    }
  return g_string_free (text, FALSE);
}

typedef struct {
  Test *test;
  const char *expected;
} ServerHas;

static gboolean
server_has_tasks (gpointer user_data)
{
  ServerHas *has = user_data;
  g_autofree char *tasks = server_tasks (has->test);

  return g_strcmp0 (tasks, has->expected) == 0;
}

static void
wait_for_server (Test       *test,
                 const char *expected)
{
  ServerHas has = { test, expected };
  g_autofree char *what = g_strdup_printf ("the server's tasks to be %s", expected);

  app_test_wait_until (server_has_tasks, &has, 20, what);
}

static gboolean
row_shows (gpointer user_data)
{
  GtkWidget *row = app_test_row_showing ("Fuel");

  return row != NULL && app_test_find_label (row, user_data) != NULL;
}

/* The checklist's rows, in order. */
static GtkWidget *
task_list (GtkWidget *editor)
{
  GtkWidget *entry = app_test_find_entry (editor, "Add a task…");
  GtkWidget *box = gtk_widget_get_parent (entry);

  g_assert_true (GTK_IS_LIST_BOX (gtk_widget_get_first_child (box)));
  return gtk_widget_get_first_child (box);
}

static GtkWidget *
task_widget (GtkWidget *editor,
             int        index,
             GType      type)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (task_list (editor)), index);

  g_assert_nonnull (row);
  return app_test_find_descendant (GTK_WIDGET (row), type);
}

static gboolean
widget_mapped (gpointer user_data)
{
  return gtk_widget_get_mapped (user_data);
}

static gboolean
entry_focused (gpointer user_data)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (user_data));

  return focus != NULL && gtk_widget_is_ancestor (focus, user_data);
}

static gboolean
editor_lists (gpointer user_data)
{
  GtkWidget *editor = GTK_WIDGET (ts_story_editor_find (store (), GPOINTER_TO_SIZE (user_data)));
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (task_list (editor)), 3);
  GtkWidget *check = row != NULL ? app_test_find_descendant (GTK_WIDGET (row), GTK_TYPE_CHECK_BUTTON)
                                 : NULL;

  return check != NULL && gtk_check_button_get_active (GTK_CHECK_BUTTON (check));
}

static gboolean
first_task_is (gpointer user_data)
{
  TsStoryEditor *editor = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkListBoxRow *row;
  GtkWidget *entry;

  for (guint i = 0; editor == NULL && i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (TS_IS_STORY_EDITOR (window))
        editor = TS_STORY_EDITOR (window);
    }
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (task_list (GTK_WIDGET (editor))), 0);
  entry = row != NULL ? app_test_find_descendant (GTK_WIDGET (row), GTK_TYPE_ENTRY) : NULL;
  return entry != NULL && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), user_data) == 0;
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  app_test_settle (300);
}

static void
checklist (Test *test)
{
  GtkWidget *editor;
  GtkWidget *entry;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *ticked = NULL;
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(JsonObject) tasks = NULL;
  gint64 fourth;

  ts_story_editor_present (GTK_WIDGET (app_test_main_window ()), store (),
                           ts_session_get_client (ts_window_get_session (app_test_main_window ())),
                           test->fuel_id);
  editor = GTK_WIDGET (ts_story_editor_find (store (), test->fuel_id));
  g_assert_nonnull (editor);
  gtk_window_set_default_size (GTK_WINDOW (editor), 600, 900);
  app_test_wait_until (widget_mapped, editor, 10, "the editor on screen");
  entry = app_test_find_entry (editor, "Add a task…");
  g_assert_false (gtk_widget_get_visible (task_list (editor)));

  /* Enter after each: the task shows at once, the entry is empty again. */
  gtk_widget_grab_focus (entry);
  for (guint i = 0; i < G_N_ELEMENTS (task_texts); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (entry), task_texts[i]);
      g_signal_emit_by_name (entry, "activate");
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
      g_string_append_printf (expected, "%s%s:open", i > 0 ? "," : "", task_texts[i]);
    }
  g_assert_true (gtk_widget_get_visible (task_list (editor)));
  g_assert_true (entry_focused (entry));
  wait_for_server (test, expected->str);

  /* Two ticked in the editor: the row says 2/5. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (task_widget (editor, 0, GTK_TYPE_CHECK_BUTTON)), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (task_widget (editor, 2, GTK_TYPE_CHECK_BUTTON)), TRUE);
  wait_for_server (test, "Check the valves:done,Weigh the tanks:open,Pump the oxidiser:done,"
                         "Seal the hatch:open,Sign the log:open");
  app_test_wait_until (row_shows, (gpointer) "2/5", 20, "the row's 2/5");

  /* Bob ticks the fourth over REST: the row and the editor follow. */
  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT "/tasks",
                          test->project_id, test->fuel_id);
  tasks = test_get_object (test->server, path, test->bob_token);
  fourth = json_object_get_int_member (json_array_get_object_element (
    json_object_get_array_member (tasks, "tasks"), 3), "id");
  ticked = g_strdup_printf ("%s/%" G_GINT64_FORMAT, path, fourth);
  response = test_request (test->server, "PATCH", ticked, test->bob_token, "{\"done\": true}");
  assert_status (response, 200);
  app_test_wait_until (row_shows, (gpointer) "3/5", 20, "the row's 3/5 after Bob's tick");
  app_test_wait_until (editor_lists, GSIZE_TO_POINTER (test->fuel_id), 20,
                       "Bob's tick in the editor");
  g_assert_nonnull (app_test_find_label (editor, "3 of 5 done"));

  app_test_settle (300);
  screenshot (editor, "app-tasks-editor");
  set_dark (TRUE);
  screenshot (editor, "app-tasks-editor-dark");
  set_dark (FALSE);
  gtk_window_set_default_size (GTK_WINDOW (editor), 360, 900);
  app_test_settle (600);
  screenshot (editor, "app-tasks-editor-narrow");

  /* Alt+Down on the first (its row's task.move): it goes below the second. */
  g_assert_true (gtk_widget_activate_action (
    GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (task_list (editor)), 0)),
    "task.move", "i", 1));
  wait_for_server (test, "Weigh the tanks:open,Check the valves:done,Pump the oxidiser:done,"
                         "Seal the hatch:done,Sign the log:open");
  app_test_wait_until (first_task_is, (gpointer) "Weigh the tanks", 10, "the move in the editor");

  /* The last one's remove button: four left. */
  gtk_widget_activate (task_widget (editor, 4, GTK_TYPE_BUTTON));
  wait_for_server (test, "Weigh the tanks:open,Check the valves:done,Pump the oxidiser:done,"
                         "Seal the hatch:done");
  app_test_wait_until (row_shows, (gpointer) "3/4", 20, "the row's 3/4");
  gtk_window_destroy (GTK_WINDOW (editor));
}

static GtkWidget *
search_entry (void)
{
  return app_test_find_descendant (GTK_WIDGET (app_test_project_view ()), GTK_TYPE_SEARCH_ENTRY);
}

static gboolean
shows_only (gpointer user_data)
{
  GListModel *model = G_LIST_MODEL (ts_project_view_get_model (app_test_project_view ()));
  g_autoptr(GString) titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (TS_IS_BACKLOG_ITEM (item))
        g_string_append_printf (titles, "%s%s", titles->len > 0 ? ", " : "",
                                ts_story_get_title (ts_backlog_item_get_story (TS_BACKLOG_ITEM (item))));
    }
  return g_strcmp0 (titles->str, user_data) == 0;
}

static void
search_and_rows (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());

  app_test_settle (300);
  /* Fuel's "3/4" and Capsule's avatar leave the estimates in a column. */
  g_assert_cmpuint (app_test_assert_estimates_in_column (window), >=, 1);
  screenshot (window, "app-tasks-row");
  set_dark (TRUE);
  screenshot (window, "app-tasks-row-dark");
  set_dark (FALSE);
  app_test_set_width (360);
  adw_leaflet_navigate (ADW_LEAFLET (app_test_find_descendant (window, ADW_TYPE_LEAFLET)),
                        ADW_NAVIGATION_DIRECTION_FORWARD);
  app_test_settle (600);
  app_test_wait_until (row_shows, (gpointer) "3/4", 20, "the row's 3/4 at 360 px");
  g_assert_cmpuint (app_test_assert_estimates_in_column (window), >=, 1);
  screenshot (window, "app-tasks-row-narrow");
  app_test_set_width (1200);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ())),
                                             "backlog.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (search_entry ()), "oxidiser");
  app_test_wait_until (shows_only, (gpointer) "Fuel", 10, "the search for a task's text");
  gtk_editable_set_text (GTK_EDITABLE (search_entry ()), "-hatch");
  app_test_wait_until (shows_only, (gpointer) "Capsule", 10, "a search without a task's text");
  gtk_editable_set_text (GTK_EDITABLE (search_entry ()), "");
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
  app_test_wait_until (backlog_ready, NULL, 60, "the backlog of Gemini");
  app_test_wait_until (realtime_connected, NULL, 30, "the realtime connection");
  checklist (test);
  search_and_rows (test);
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

static void
seed (Test *test)
{
  g_autofree char *members = NULL;
  g_autofree char *capsule = NULL;
  g_autoptr(TestResponse) added = NULL;

  app_test_seed_users (test->server, &test->ada_token, &test->bob_token);
  test->project_id = app_test_seed_project_named (test->server, test->ada_token, "Gemini");
  /* Bob added by hand: his id, in the answer, owns the Capsule. */
  members = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members", test->project_id);
  added = test_request (test->server, "POST", members, test->ada_token,
                        "{\"email\": \"bob@example.org\"}");
  g_assert_true (added->status == 200 || added->status == 201);
  test->fuel_id = test_server_create_story (test->server, test->ada_token, test->project_id,
                                            "{\"title\": \"Fuel\", \"estimate\": 2, "
                                            "\"state\": \"unstarted\"}");
  /* Bob's avatar on the row: the estimate stays in the column. */
  capsule = g_strdup_printf ("{\"title\": \"Capsule\", \"estimate\": 3, \"state\": \"unstarted\", "
                             "\"owner_ids\": [%" G_GINT64_FORMAT "]}",
                             test_response_int (added, "id"));
  test_server_create_story (test->server, test->ada_token, test->project_id, capsule);
}

int
main (int   argc,
      char *argv[])
{
  Test test = { NULL };
  g_autoptr(TsApplication) app = NULL;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }

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
  g_print ("ok - the checklist: Enter adds, ticks, 2/5 on the row, live, remove, search\n");
  return 0;
}
