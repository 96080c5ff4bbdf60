/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The app on the desktop, against a real team server: Ada searches the
 * backlog (free text and terms, negation, live results as Bob adds a story
 * over REST, No Results), moves through it with the keyboard (next and
 * previous, Enter opens the editor), advances a story's state with a key
 * and undoes it, and sees Bob's avatar when he opens the same project.
 * Screenshots: app-search, app-presence. */

#include <adwaita.h>
#include <string.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-activity.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-connect-window.h"
#include "ts-project-view.h"
#include "ts-story-editor.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *ada_token;
  char *bob_token;
  gint64 project_id;
  gint64 telemetry_id;
  gint64 fuel_id;
  gint64 capsule_id;
  gint64 launch_id;
  TsApiClient *bob_api;
  TsRealtimeClient *bob_realtime;
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
  test->launch_id = stories.launch_pad;
  test->fuel_id = stories.fuel;
  test->capsule_id = stories.capsule;
  test->telemetry_id = stories.telemetry;
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

static void
sign_in (Test *test)
{
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
}


static void
planned_backlog (Test *test)
{
  app_test_wait_until (backlog_ready, NULL, 60, "the planned backlog of Gemini");
  app_test_wait_until (realtime_connected, NULL, 30, "the realtime connection");
}

/* Search. */

static GtkWidget *
search_entry (void)
{
  return app_test_find_descendant (GTK_WIDGET (app_test_project_view ()), GTK_TYPE_SEARCH_ENTRY);
}

/* The stories the list shows, by title, in order, joined by ", ". */
static char *
shown_titles (void)
{
  GListModel *model = G_LIST_MODEL (ts_project_view_get_model (app_test_project_view ()));
  GString *titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (!TS_IS_BACKLOG_ITEM (item))
        continue;
      if (titles->len > 0)
        g_string_append (titles, ", ");
      g_string_append (titles, ts_story_get_title (ts_backlog_item_get_story (TS_BACKLOG_ITEM (item))));
    }
  return g_string_free (titles, FALSE);
}

static gboolean
shows_titles (gpointer user_data)
{
  g_autofree char *titles = shown_titles ();

  return g_strcmp0 (titles, user_data) == 0;
}

static void
search_for (const char *query,
            const char *expected)
{
  g_autofree char *what = g_strdup_printf ("“%s” to show %s", query, expected);

  gtk_editable_set_text (GTK_EDITABLE (search_entry ()), query);
  app_test_wait_until (shows_titles, (gpointer) expected, 10, what);
}

static gboolean
content_is (gpointer user_data)
{
  GtkWidget *page = app_test_find_label (GTK_WIDGET (app_test_project_view ()), user_data);

  return page != NULL && gtk_widget_is_drawable (page);
}

static gboolean
search_open (gpointer user_data)
{
  GtkWidget *entry = search_entry ();

  return gtk_widget_get_mapped (entry) &&
         (gtk_widget_has_focus (entry) || gtk_widget_get_focus_child (entry) != NULL);
}

static gboolean
search_closed (gpointer user_data)
{
  return !gtk_widget_get_child_visible (gtk_widget_get_parent (gtk_widget_get_parent (search_entry ()))) ||
         !gtk_widget_get_mapped (search_entry ());
}

static void
search (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *entry;
  g_autoptr(TestResponse) response = NULL;
  g_autofree char *path = NULL;

  /* `/` and Ctrl+F are backlog.search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ())),
                                             "backlog.search", NULL));
  entry = search_entry ();
  g_assert_nonnull (entry);
  app_test_wait_until (search_open, NULL, 10, "the search entry, focused");

  search_for ("label:crew", "Capsule");
  search_for ("-state:unstarted", "Launch pad, Moon base");
  search_for ("type:feature -state:started", "Fuel, Capsule, Telemetry");
  search_for ("ground", "Launch pad");

  /* Free text finds comments too, live: Bob comments on Telemetry. */
  search_for ("hatch", "");
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT
                          "/comments", test->project_id, test->telemetry_id);
  response = test_request (test->server, "POST", path, test->bob_token,
                           "{\"text\": \"Check the hatch seals twice\"}");
  assert_status (response, 201);
  g_clear_pointer (&response, test_response_free);
  app_test_wait_until (shows_titles, (gpointer) "Telemetry", 10, "the story Bob commented on");

  /* Sections without a result are left out: the Icebox header goes. */
  g_assert_null (app_test_find_label (window, "Icebox"));

  /* Live: Bob adds a matching story over REST. */
  search_for ("label:crew", "Capsule");
  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", test->project_id);
  response = test_request (test->server, "POST", path, test->bob_token,
                           "{\"title\": \"Crew cabin\", \"type\": \"chore\", "
                           "\"state\": \"unscheduled\", \"labels\": [\"crew\"]}");
  assert_status (response, 201);
  app_test_wait_until (shows_titles, (gpointer) "Capsule, Crew cabin", 10,
                       "Bob's story among the results");
  app_test_wait_until (app_test_row_shown, (gpointer) "Crew cabin", 10, "the row of Bob's story");
  g_assert_nonnull (app_test_find_label (window, "Icebox"));
  app_test_settle (500);
  app_test_screenshot (window, "app-search");

  /* Owners by name. */
  search_for ("owner:bob", "");
  app_test_wait_until (content_is, (gpointer) "No Results Found", 10, "the No Results page");
  app_test_screenshot (window, "app-search-none");

  /* Escape closes the search: the whole backlog again. */
  g_signal_emit_by_name (entry, "stop-search");
  app_test_wait_until (shows_titles,
                       (gpointer) "Launch pad, Fuel, Capsule, First orbit, Telemetry, Moon base, Crew cabin",
                       10, "the whole backlog");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  app_test_wait_until (search_closed, NULL, 10, "the search bar to close");
}

/* Keyboard. */

/* The key the view binds to @action, as GTK writes it ("j",
 * "<Control>z"), from its shortcut controllers. */
static gboolean
bound (const char *trigger,
       const char *action)
{
  GtkWidget *view = GTK_WIDGET (app_test_project_view ());
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);
  g_autofree char *wanted = g_strdup_printf ("action(%s)", action);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *t = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          g_autofree char *a = gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));

          if (strstr (t, trigger) != NULL && g_str_equal (a, wanted))
            return TRUE;
        }
    }
  return FALSE;
}

static void
key (const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ())),
                                             action, NULL));
}

static const char *
selected_title (void)
{
  GtkListView *list = ts_project_view_get_list_view (app_test_project_view ());
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list));
  gpointer item = gtk_single_selection_get_selected_item (selection);

  return TS_IS_BACKLOG_ITEM (item) ? ts_story_get_title (ts_backlog_item_get_story (item)) : NULL;
}

static char *
server_story (Test       *test,
              gint64      story_id,
              const char *member)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%"
                                           G_GINT64_FORMAT, test->project_id, story_id);
  g_autoptr(TestResponse) response = test_request (test->server, "GET", path, test->ada_token, NULL);
  JsonObject *object;

  assert_status (response, 200);
  object = test_response_object (response);
  if (json_object_has_member (object, "story"))
    object = json_object_get_object_member (object, "story");
  return g_strdup (json_object_get_string_member (object, member));
}

/* The server's order of the stories, as titles. */
static char *
server_order (Test *test)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories",
                                           test->project_id);
  g_autoptr(TestResponse) response = test_request (test->server, "GET", path, test->ada_token, NULL);
  JsonArray *stories;
  GString *titles = g_string_new (NULL);

  assert_status (response, 200);
  stories = json_object_get_array_member (test_response_object (response), "stories");
  for (guint i = 0; i < json_array_get_length (stories); i++)
    {
      if (i > 0)
        g_string_append (titles, ", ");
      g_string_append (titles, json_object_get_string_member (json_array_get_object_element (stories, i),
                                                              "title"));
    }
  return g_string_free (titles, FALSE);
}

static gboolean
row_hidden (gpointer user_data)
{
  return app_test_row_showing (user_data) == NULL;
}

static void
select_story_titled (const char *title)
{
  GtkListView *list = ts_project_view_get_list_view (app_test_project_view ());
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list));
  guint position;

  g_assert_true (ts_backlog_model_find_story (ts_project_view_get_model (app_test_project_view ()),
                                              story_titled (title), &position));
  gtk_single_selection_set_selected (selection, position);
}

static void
keyboard (Test *test)
{
  GtkWindow *editor;
  g_autofree char *state = NULL;
  g_autofree char *order = NULL;
  guint telemetry;

  /* The keys, as the help overlay lists them. */
  g_assert_true (bound ("j", "backlog.select-next"));
  g_assert_true (bound ("k", "backlog.select-previous"));
  g_assert_true (bound ("s", "backlog.advance-selected"));
  g_assert_true (bound ("Return", "backlog.open-selected"));
  g_assert_true (bound ("<Control>z", "backlog.undo"));
  g_assert_true (bound ("slash", "backlog.search"));
  g_assert_true (bound ("<Control>f", "backlog.search"));
  g_assert_true (bound ("Delete", "backlog.delete-selected"));

  /* The shortcuts window lists them. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_main_window ()), "win.show-help-overlay", NULL));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 10,
                       "the shortcuts window");
  {
    GtkWidget *help = GTK_WIDGET (app_test_find_window (GTK_TYPE_SHORTCUTS_WINDOW));

    app_test_settle (300);
    g_assert_nonnull (app_test_find_label (help, "Advance the Selected Story’s State"));
    app_test_screenshot (help, "app-shortcuts");
    gtk_window_destroy (GTK_WINDOW (help));
  }

  /* j, j, k: the second story, then the first. Headers are skipped. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (ts_project_view_get_list_view (app_test_project_view ()))),
                                     GTK_INVALID_LIST_POSITION);
  key ("backlog.select-next");
  g_assert_cmpstr (selected_title (), ==, "Launch pad");
  key ("backlog.select-next");
  g_assert_cmpstr (selected_title (), ==, "Fuel");
  key ("backlog.select-next");
  key ("backlog.select-previous");
  g_assert_cmpstr (selected_title (), ==, "Fuel");
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ()))) ||
                 gtk_widget_get_focus_child (GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ()))) != NULL);

  /* Enter opens the editor. */
  key ("backlog.open-selected");
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_STORY_EDITOR), 10,
                       "the story editor");
  editor = app_test_find_window (TS_TYPE_STORY_EDITOR);
  g_assert_cmpint (ts_story_editor_get_story_id (TS_STORY_EDITOR (editor)), ==, test->fuel_id);
  gtk_window_destroy (editor);
  app_test_settle (200);

  /* `s` starts Fuel; Ctrl+Z takes it back, on the server too. */
  key ("backlog.advance-selected");
  app_test_wait_until (edits_answered, NULL, 30, "Fuel started");
  state = server_story (test, test->fuel_id, "state");
  g_assert_cmpstr (state, ==, "started");
  key ("backlog.undo");
  app_test_wait_until (edits_answered, NULL, 30, "the undo answered");
  g_clear_pointer (&state, g_free);
  state = server_story (test, test->fuel_id, "state");
  g_assert_cmpstr (state, ==, "unstarted");
  g_assert_cmpstr (selected_title (), ==, "Fuel");

  /* A move, undone: back after its old neighbour. */
  g_assert_true (ts_backlog_model_find_story (ts_project_view_get_model (app_test_project_view ()),
                                              test->telemetry_id, &telemetry));
  g_assert_true (ts_project_view_drop_story (app_test_project_view (), test->fuel_id, telemetry, FALSE));
  app_test_wait_until (edits_answered, NULL, 30, "the move answered");
  order = server_order (test);
  g_assert_cmpstr (order, ==, "Launch pad, Capsule, First orbit, Telemetry, Fuel, Moon base, Crew cabin");
  key ("backlog.undo");
  app_test_wait_until (edits_answered, NULL, 30, "the move undone");
  g_clear_pointer (&order, g_free);
  order = server_order (test);
  g_assert_cmpstr (order, ==, "Launch pad, Fuel, Capsule, First orbit, Telemetry, Moon base, Crew cabin");

  /* Delete, then Ctrl+Z: back before it was ever sent. */
  select_story_titled ("Capsule");
  key ("backlog.delete-selected");
  app_test_wait_until (row_hidden, (gpointer) "Capsule", 10, "Capsule hidden");
  key ("backlog.undo");
  app_test_wait_until (app_test_row_shown, (gpointer) "Capsule", 10, "Capsule back");
  app_test_settle (300);
  g_clear_pointer (&order, g_free);
  order = server_order (test);
  g_assert_nonnull (strstr (order, "Capsule"));

  /* The Icebox counts what it shows: not a delete waiting for its undo. */
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (app_test_main_window ()), "2 stories"));
  select_story_titled ("Crew cabin");
  key ("backlog.delete-selected");
  app_test_wait_until (row_hidden, (gpointer) "Crew cabin", 10, "Crew cabin hidden");
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (app_test_main_window ()), "1 story"));
  key ("backlog.undo");
  app_test_wait_until (app_test_row_shown, (gpointer) "Crew cabin", 10, "Crew cabin back");
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (app_test_main_window ()), "2 stories"));

  /* Nothing more to undo: a bell, nothing else. */
  key ("backlog.undo");
  key ("backlog.undo");
  key ("backlog.undo");
  key ("backlog.undo");
}

/* Presence. */

static GtkWidget *
avatar_named (GtkWidget  *widget,
              const char *name)
{
  if (ADW_IS_AVATAR (widget) && g_strcmp0 (adw_avatar_get_text (ADW_AVATAR (widget)), name) == 0 &&
      gtk_widget_is_drawable (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = avatar_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
avatar_shown (gpointer user_data)
{
  return avatar_named (GTK_WIDGET (app_test_main_window ()), user_data) != NULL;
}

static gboolean
avatar_gone (gpointer user_data)
{
  return !avatar_shown (user_data);
}

static void
presence (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *channel = g_strdup_printf ("presence-project-%" G_GINT64_FORMAT, test->project_id);
  GtkWidget *avatar;

  /* Ada alone: herself is not shown. */
  app_test_settle (300);
  g_assert_null (avatar_named (window, "Ada Lovelace"));

  /* Bob opens Gemini elsewhere. */
  test->bob_api = ts_api_client_new (test->server->base_url, session);
  ts_api_client_set_token (test->bob_api, test->bob_token);
  test->bob_realtime = ts_realtime_client_new (test->bob_api);
  ts_realtime_client_subscribe (test->bob_realtime, channel);
  ts_realtime_client_start (test->bob_realtime);
  app_test_wait_until (avatar_shown, (gpointer) "Bob Babbage", 30, "Bob's avatar");
  avatar = avatar_named (window, "Bob Babbage");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (avatar), ==, "Bob Babbage");
  g_assert_true (adw_avatar_get_show_initials (ADW_AVATAR (avatar)));
  g_assert_null (avatar_named (window, "Ada Lovelace"));
  app_test_settle (500);
  app_test_screenshot (window, "app-presence");

  /* He leaves. */
  ts_realtime_client_unsubscribe (test->bob_realtime, channel);
  app_test_wait_until (avatar_gone, (gpointer) "Bob Babbage", 30, "Bob's avatar to go");
  ts_realtime_client_stop (test->bob_realtime);
  g_clear_object (&test->bob_realtime);
  g_clear_object (&test->bob_api);
}

/* Adaptive. */

static gboolean
panel_bar_shown (gpointer user_data)
{
  GtkWidget *button = app_test_find_button (GTK_WIDGET (app_test_project_view ()), "Icebox");

  return (button != NULL && gtk_widget_get_mapped (button)) == GPOINTER_TO_INT (user_data);
}

static void
panel (int number)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()), "backlog.panel",
                                             "i", number));
}

/* A story shown in the second column of a wide window. */
static gboolean
row_beside (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();
  GtkWidget *label = app_test_find_label (GTK_WIDGET (view), user_data);
  GtkWidget *list = label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_LIST_VIEW) : NULL;

  return list != NULL && list != GTK_WIDGET (ts_project_view_get_list_view (view)) &&
         gtk_widget_get_mapped (label);
}

/* From 360 px the plan shows one panel at a time, Ctrl+1…4 or the bar
 * below choosing it; wide, all of it, in light and dark. */
static void
adaptive (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *layout = NULL;

  /* A phone's header has only the close button (Phosh sets this layout);
   * with minimize and maximize too the window stops at about 370 px. */
  g_object_get (gtk_settings_get_default (), "gtk-decoration-layout", &layout, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", ":close", NULL);
  app_test_set_width (360);
  g_assert_cmpint (gtk_widget_get_width (window), <=, 360);
  /* Folded, the projects come first: the project is one tap away. */
  g_assert_true (gtk_widget_activate_action (gtk_widget_get_ancestor (app_test_find_label (window, "Gemini"),
                                                                      GTK_TYPE_LIST_VIEW),
                                             "list.activate-item", "u", 0));
  app_test_wait_until (panel_bar_shown, GINT_TO_POINTER (TRUE), 10, "the panel bar");
  panel (1);
  app_test_wait_until (shows_titles, (gpointer) "Launch pad, Fuel", 10, "the Current panel");
  app_test_settle (600);  /* the leaflet's slide to the project */
  app_test_screenshot (window, "app-360-light");
  panel (3);
  app_test_wait_until (shows_titles, (gpointer) "Moon base, Crew cabin", 10, "the Icebox panel");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  app_test_settle (300);
  app_test_screenshot (window, "app-360-dark");
  panel (2);
  app_test_wait_until (shows_titles, (gpointer) "Capsule, First orbit, Telemetry", 10,
                       "the Backlog panel");

  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", layout, NULL);
  app_test_set_width (1400);
  app_test_wait_until (panel_bar_shown, GINT_TO_POINTER (FALSE), 10, "the panel bar gone");
  /* Wide: Current and Backlog, and beside them the Icebox and Done. */
  app_test_wait_until (shows_titles, (gpointer) "Launch pad, Fuel, Capsule, First orbit, Telemetry",
                       10, "the plan in the first column");
  app_test_wait_until (row_beside, (gpointer) "Crew cabin", 10, "the Icebox in the second column");
  app_test_screenshot (window, "app-1400-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  app_test_settle (300);
  app_test_screenshot (window, "app-1400-light");
  /* Wide, Ctrl+3 goes to the Icebox: nothing is hidden. */
  panel (3);
  g_assert_true (row_beside ((gpointer) "Moon base"));
  g_assert_true (bound ("<Control>4", "backlog.panel"));
  app_test_set_width (1100);
  app_test_wait_until (shows_titles,
                       (gpointer) "Launch pad, Fuel, Capsule, First orbit, Telemetry, Moon base, Crew cabin",
                       10, "one list again");
}

/* The header's what-if velocity (TsProjectHeader's popover). */

static GtkWidget *
velocity_label (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "velocity-value"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = velocity_label (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
velocity_shows (gpointer user_data)
{
  GtkWidget *label = velocity_label (GTK_WIDGET (app_test_main_window ()));

  return label != NULL && g_str_equal (gtk_label_get_label (GTK_LABEL (label)), user_data);
}

/* New Story's title field. */
static GtkWidget *
title_entry (GtkWidget *root)
{
  if (GTK_IS_ENTRY (root) && g_strcmp0 (gtk_entry_get_placeholder_text (GTK_ENTRY (root)), "Story title") == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = title_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* @widget, light and dark. */
static void
header_screenshots (GtkWidget  *widget,
                    const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strconcat (name, "-light", NULL);
  g_autofree char *dark = g_strconcat (name, "-dark", NULL);

  app_test_settle (300);
  app_test_screenshot (widget, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  app_test_settle (300);
  app_test_screenshot (widget, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  app_test_settle (300);
}

static void
what_if_velocity (Test *test)
{
  GtkWidget *button = gtk_widget_get_ancestor (app_test_find_label (GTK_WIDGET (app_test_main_window ()),
                                                                    "Velocity"),
                                               GTK_TYPE_MENU_BUTTON);
  GtkWidget *popover;
  GtkWidget *spin;

  g_assert_nonnull (button);
  app_test_wait_until (velocity_shows, (gpointer) "5", 10, "the calculated velocity");
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  app_test_settle (300);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  g_assert_nonnull (app_test_find_label (popover, "What-If Velocity"));
  spin = app_test_find_descendant (popover, GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 5);

  /* Eight: a what-if only this window sees, said on the button. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 8);
  app_test_wait_until (velocity_shows, (gpointer) "8", 10, "the what-if velocity");
  g_assert_true (ts_plan_has_velocity_override (ts_backlog_store_get_plan (store ())));
  g_assert_true (gtk_widget_has_css_class (button, "overridden"));
  g_assert_nonnull (app_test_find_label (popover, "What-if: the plan uses this velocity"));
  header_screenshots (popover, "app-header-velocity");

  /* The calculated one again, from the popover's button. */
  gtk_widget_activate (app_test_find_button (popover, "Use Calculated Velocity (5)"));
  app_test_wait_until (velocity_shows, (gpointer) "5", 10, "the calculated velocity again");
  g_assert_false (ts_plan_has_velocity_override (ts_backlog_store_get_plan (store ())));
  g_assert_false (gtk_widget_has_css_class (button, "overridden"));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  app_test_settle (200);

  /* New Story's popover, the header's other one. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()), "backlog.new-story", NULL));
  app_test_settle (300);
  popover = gtk_widget_get_ancestor (title_entry (GTK_WIDGET (app_test_main_window ())), GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  header_screenshots (popover, "app-header-new-story");
  gtk_popover_popdown (GTK_POPOVER (popover));
  app_test_settle (200);
}

/* Activity. */

static gboolean
activity_shows (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_find_window (TS_TYPE_ACTIVITY_WINDOW));

  return window != NULL && app_test_find_label (window, user_data) != NULL;
}

/* The feed opens on the history and follows it live, newest first. */
static void
activity (Test *test)
{
  GtkWidget *window;
  g_autofree char *path = NULL;
  g_autoptr(TestResponse) response = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()),
                                             "backlog.activity", NULL));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_ACTIVITY_WINDOW), 10,
                       "the activity window");
  window = GTK_WIDGET (app_test_find_window (TS_TYPE_ACTIVITY_WINDOW));
  app_test_wait_until (activity_shows, (gpointer) "Added “Telemetry”", 10, "the history");
  /* Bob's comment from the search, by name. */
  g_assert_nonnull (app_test_find_label (window, "Commented on “Telemetry”"));
  g_assert_nonnull (app_test_find_label (window, "Bob Babbage"));

  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT,
                          test->project_id, test->telemetry_id);
  response = test_request (test->server, "PATCH", path, test->bob_token,
                           "{\"description\": \"Downlink every orbit.\"}");
  assert_status (response, 200);
  app_test_wait_until (activity_shows, (gpointer) "Changed “Telemetry”", 10,
                       "Bob's change in the feed");
  app_test_settle (300);
  app_test_screenshot (window, "app-activity");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), 1100, 720);
  sign_in (test);
  planned_backlog (test);
  what_if_velocity (test);
  search (test);
  activity (test);
  keyboard (test);
  adaptive (test);
  presence (test);
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
  g_print ("ok - search, keyboard, undo, presence\n");
  return 0;
}
