/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What a new user hit in the live backlog (issue 13), each a test named
 * after it, against a real team server: drops into an empty Icebox (its
 * header, its column) and below a list's last row; Ctrl+Z once a delete's
 * toast has gone; a member added during the session, named and found by
 * `owner:`; the New Story popover saying why a long title is refused;
 * the focus after Delete; and, run again under LANGUAGE=de, an error
 * toast in German. */

#include <adwaita.h>
#include <string.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-connect-window.h"
#include "ts-display.h"
#include "ts-i18n.h"
#include "ts-project-view.h"
#include "ts-story-names.h"
#include "ts-window.h"

static TestServer *server;
static char *ada_token;
static gint64 project_id;
static gint64 lonely_id;

static TsBacklogStore *
store (void)
{
  return ts_project_view_get_store (app_test_project_view ());
}

static GtkWidget *
window (void)
{
  return GTK_WIDGET (app_test_main_window ());
}

/* REST, as Ada */

static gint64
create_story (const char *body)
{
  return test_server_create_story (server, ada_token, project_id, body);
}

static void
patch_story (gint64      story_id,
             const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%"
                                           G_GINT64_FORMAT, project_id, story_id);
  g_autoptr(TestResponse) response = test_request (server, "PATCH", path, ada_token, body);

  assert_status (response, 200);
}

static void
seed (void)
{
  /* Dave, who the tests make a member. */
  static const AppTestPerson dave = { "dave@example.org", "Dave Newman", "newcomer!" };
  g_autofree char *body = app_test_weekly_project_body ("Apollo");

  ada_token = app_test_add_signed_in (server, &app_test_ada);
  app_test_add_person (server, &dave);
  project_id = test_server_create_project (server, ada_token, body);
  /* One story and an empty Icebox: the project a new user starts with. */
  lonely_id = create_story ("{\"title\": \"Lonely\", \"type\": \"feature\", \"estimate\": 1, "
                            "\"state\": \"unstarted\"}");
}

/* Waiting */

static gboolean
edits_answered (gpointer user_data)
{
  return ts_backlog_store_get_n_pending_edits (store ()) == 0;
}

static gboolean
story_count_is (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();

  return view != NULL && ts_project_view_get_store (view) != NULL &&
         ts_backlog_store_get_status (store ()) == TS_BACKLOG_STORE_READY &&
         ts_project_view_get_story_count (view) == GPOINTER_TO_INT (user_data);
}

static gboolean
state_is (gpointer user_data)
{
  gint64 *args = user_data;
  TsStory *story = ts_backlog_store_lookup (store (), args[0]);

  return story != NULL && ts_story_get_state (story) == (TsStoryState) args[1] &&
         edits_answered (NULL);
}

static void
wait_for_state (gint64       story_id,
                TsStoryState state,
                const char  *what)
{
  gint64 args[2] = { story_id, state };

  app_test_wait_until (state_is, args, 30, what);
}

static const char *
tr (const char *text)
{
  return g_dgettext ("truestory", text);
}

static void
sign_in (void)
{
  /* The labels as the session's language says them. */
  GtkWidget *dialog = app_test_open_connect_dialog (tr ("Connect to a Server"));

  app_test_set_row (dialog, tr ("Server Address"), server->base_url);
  app_test_set_row (dialog, tr ("Email"), "ada@example.org");
  app_test_set_row (dialog, tr ("Password"), "analytical");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (story_count_is, GINT_TO_POINTER (1), 60, "the backlog of Apollo");
}

/* The window's layout */

/* A list view under @widget other than @except. */
static GtkListView *
other_list (GtkWidget   *widget,
            GtkListView *except)
{
  if (GTK_IS_LIST_VIEW (widget) && widget != GTK_WIDGET (except))
    return GTK_LIST_VIEW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListView *found = other_list (child, except);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The column beside the plan in a wide window. */
static GtkListView *
side_list (void)
{
  TsProjectView *view = app_test_project_view ();

  return other_list (GTK_WIDGET (view), ts_project_view_get_list_view (view));
}

static gboolean
side_list_shown (gpointer wanted)
{
  GtkListView *list = side_list ();
  gboolean shown = list != NULL && gtk_widget_get_mapped (GTK_WIDGET (list));

  return shown == GPOINTER_TO_INT (wanted);
}

static void
set_width (int width)
{
  gtk_window_set_default_size (GTK_WINDOW (window ()), width, 760);
  app_test_wait_until (side_list_shown, GINT_TO_POINTER (width >= 1100), 10, "the layout");
  app_test_settle (300);
}

/* What a drop target of @list does with a story dropped at (@x, @y). */
static gboolean
drop_on (GtkWidget *list,
         gint64     story_id,
         double     x,
         double     y)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (list);
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean taken = FALSE;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, story_id);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_signal_emit_by_name (controller, "drop", &value, x, y, &taken);
          return taken;
        }
    }
  g_error ("no drop target on the list");
}

/* Below every row of @list: its last pixels. */
static gboolean
drop_below_rows (GtkWidget *list,
                 gint64     story_id)
{
  return drop_on (list, story_id, 40, gtk_widget_get_height (list) - 4);
}

/* Tests */

static void
test_drop_into_empty_icebox_column (void)
{
  set_width (1400);
  g_assert_nonnull (side_list ());
  /* The column holds the Icebox's header and nothing else; a drop in its
   * empty body is a drop into the Icebox. */
  g_assert_true (drop_below_rows (GTK_WIDGET (side_list ()), lonely_id));
  wait_for_state (lonely_id, TS_STORY_STATE_UNSCHEDULED, "Lonely in the Icebox");
  app_test_screenshot (window (), "app-newuser-icebox-column");

  patch_story (lonely_id, "{\"state\": \"unstarted\"}");
  wait_for_state (lonely_id, TS_STORY_STATE_UNSTARTED, "Lonely back in the backlog");
}

static void
test_drop_into_empty_icebox_header (void)
{
  TsBacklogModel *model = ts_project_view_get_model (app_test_project_view ());
  guint icebox;

  set_width (900);
  g_assert_true (ts_backlog_model_find_section (model, TS_BACKLOG_SECTION_ICEBOX, 0, &icebox));
  /* The project's only story, onto the empty Icebox's header. */
  g_assert_true (ts_project_view_drop_story (app_test_project_view (), lonely_id, icebox, FALSE));
  wait_for_state (lonely_id, TS_STORY_STATE_UNSCHEDULED, "Lonely in the Icebox");
}

static void
test_drop_below_last_row (void)
{
  GtkWidget *list = GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ()));
  gint64 second = create_story ("{\"title\": \"Second\", \"type\": \"feature\", \"estimate\": 1, "
                                "\"state\": \"unstarted\"}");
  TsBacklogModel *model = ts_project_view_get_model (app_test_project_view ());
  guint position, lonely;

  app_test_wait_until (story_count_is, GINT_TO_POINTER (2), 30, "the second story");
  app_test_settle (300);
  /* The list ends with the Icebox, Lonely in it: Second dropped below the
   * last row goes after Lonely. */
  g_assert_true (drop_below_rows (list, second));
  wait_for_state (second, TS_STORY_STATE_UNSCHEDULED, "Second in the Icebox");
  g_assert_true (ts_backlog_model_find_story (model, second, &position));
  g_assert_true (ts_backlog_model_find_story (model, lonely_id, &lonely));
  g_assert_cmpuint (position, ==, lonely + 1);
  g_assert_cmpuint (position, ==, g_list_model_get_n_items (G_LIST_MODEL (model)) - 1);
}

static gboolean
story_gone (gpointer user_data)
{
  return ts_backlog_store_lookup (store (), *(gint64 *) user_data) == NULL &&
         edits_answered (NULL);
}

static void
test_undo_after_delete_toast (void)
{
  gint64 doomed = create_story ("{\"title\": \"Doomed\", \"type\": \"chore\", "
                                "\"state\": \"unstarted\"}");
  gint64 chore = create_story ("{\"title\": \"Sweep\", \"type\": \"chore\", "
                               "\"state\": \"unstarted\"}");
  TsBacklogModel *model = ts_project_view_get_model (app_test_project_view ());
  GtkWidget *view = GTK_WIDGET (app_test_project_view ());
  guint position;

  app_test_wait_until (story_count_is, GINT_TO_POINTER (4), 30, "the chores");
  /* A change to take back, then a delete whose toast times out. */
  g_assert_true (gtk_widget_activate_action (view, "backlog.set-state", "(xi)", chore,
                                             (int) TS_STORY_STATE_STARTED));
  wait_for_state (chore, TS_STORY_STATE_STARTED, "Sweep started");
  g_assert_true (ts_backlog_model_find_story (model, doomed, &position));
  g_assert_true (gtk_widget_activate_action (view, "backlog.delete", "x", doomed));
  app_test_wait_until (story_gone, &doomed, 30, "the delete sent once its toast went");
  app_test_settle (700);

  /* Ctrl+Z now takes back the state change, blaming nobody. */
  g_assert_true (gtk_widget_activate_action (view, "backlog.undo", NULL));
  app_test_settle (700);
  g_assert_null (app_test_find_label_containing (window (), "Could not undo"));
  wait_for_state (chore, TS_STORY_STATE_UNSTARTED, "Sweep unstarted again");
}

static gboolean
owner_named (gpointer user_data)
{
  GtkWidget *row = app_test_row_showing ("Welcome Dave");
  GtkWidget *avatar = row != NULL ? app_test_find_descendant (row, ADW_TYPE_AVATAR) : NULL;

  return avatar != NULL && gtk_widget_get_mapped (avatar) &&
         g_strcmp0 (adw_avatar_get_text (ADW_AVATAR (avatar)), user_data) == 0;
}

static void
test_new_member_named (void)
{
  g_autofree char *members = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members",
                                              project_id);
  g_autoptr(TestResponse) added = NULL;
  g_autofree char *body = NULL;
  GtkWidget *view = GTK_WIDGET (app_test_project_view ());
  TsBacklogModel *model = ts_project_view_get_model (app_test_project_view ());
  GtkWidget *entry;
  gint64 dave, welcome;

  /* Dave joins while Ada's window is open, and is given a story. */
  added = test_request (server, "POST", members, ada_token, "{\"email\": \"dave@example.org\"}");
  g_assert_true (added->status == 200 || added->status == 201);
  dave = test_response_int (added, "id");
  body = g_strdup_printf ("{\"title\": \"Welcome Dave\", \"type\": \"chore\", "
                          "\"state\": \"unstarted\", \"owner_ids\": [%" G_GINT64_FORMAT "]}",
                          dave);
  welcome = create_story (body);
  app_test_wait_until (owner_named, (gpointer) "Dave Newman", 30, "Dave's name on his story");

  /* `owner:` finds him. */
  g_assert_true (gtk_widget_activate_action (view, "backlog.search", NULL));
  entry = app_test_find_descendant (view, GTK_TYPE_SEARCH_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "owner:dave");
  app_test_settle (400);
  g_assert_cmpuint (ts_backlog_model_get_n_stories (model), ==, 1);
  g_assert_true (ts_backlog_model_find_story (model, welcome, NULL));
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (app_test_find_descendant (view, GTK_TYPE_SEARCH_BAR)),
                                  FALSE);
  app_test_settle (300);
}

static gboolean
entry_mapped (gpointer user_data)
{
  GtkWidget *entry = app_test_find_entry (window (), "Story title");

  return entry != NULL && gtk_widget_get_mapped (entry);
}

static void
test_long_title_says_why (void)
{
  GtkWidget *entry;
  GString *title = g_string_new (NULL);
  GtkWidget *why;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()),
                                             "backlog.new-story", NULL));
  app_test_wait_until (entry_mapped, NULL, 10, "the New Story popover");
  entry = app_test_find_entry (window (), "Story title");
  for (guint i = 0; i < 1001; i++)
    g_string_append_c (title, 'x');
  gtk_editable_set_text (GTK_EDITABLE (entry), title->str);
  g_signal_emit_by_name (entry, "activate");
  app_test_settle (300);

  why = app_test_find_label_containing (window (), "at most 1,000 characters");
  g_assert_nonnull (why);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (why)), "1001"));
  g_assert_true (entry_mapped (NULL));
  app_test_screenshot (window (), "app-newuser-long-title");

  /* Shortened, the reason goes. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "Short");
  g_assert_null (app_test_find_label_containing (window (), "at most 1,000 characters"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (entry, GTK_TYPE_POPOVER)));
  app_test_settle (300);
  g_string_free (title, TRUE);
}

static gboolean
listed (gpointer user_data)
{
  return ts_backlog_model_find_story (ts_project_view_get_model (app_test_project_view ()),
                                      *(gint64 *) user_data, NULL);
}

static void
test_delete_focuses_next_row (void)
{
  gint64 first = create_story ("{\"title\": \"Focus one\", \"type\": \"feature\", "
                               "\"estimate\": 1, \"state\": \"delivered\"}");
  gint64 next = create_story ("{\"title\": \"Focus two\", \"type\": \"release\", "
                              "\"state\": \"unstarted\"}");
  TsProjectView *view = app_test_project_view ();
  GtkListView *list = ts_project_view_get_list_view (view);
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list));
  TsBacklogModel *model = ts_project_view_get_model (view);
  GtkWidget *focus;
  GtkWidget *row;
  guint position;

  (void) next;
  app_test_wait_until (listed, &next, 30, "the stories to focus");
  app_test_settle (300);
  /* First selected and focused, as a click or the arrow keys leave it. */
  g_assert_true (ts_backlog_model_find_story (model, first, &position));
  gtk_single_selection_set_selected (selection, position);
  gtk_widget_activate_action (GTK_WIDGET (list), "list.scroll-to-item", "u", position);
  app_test_settle (300);
  row = app_test_row_showing ("Focus one");
  g_assert_nonnull (row);
  gtk_widget_grab_focus (gtk_widget_get_parent (row));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "backlog.delete-selected", NULL));
  app_test_settle (600);

  /* The next row itself, not its Accept or Start button, where Space
   * would press it. */
  focus = gtk_root_get_focus (GTK_ROOT (window ()));
  g_assert_nonnull (focus);
  g_assert_false (GTK_IS_BUTTON (focus));
  g_assert_true (gtk_widget_get_first_child (focus) == app_test_row_showing ("Focus two"));
  g_assert_true (ts_backlog_model_find_story (model, next, &position));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, position);
}

static gboolean
toast_shown (gpointer user_data)
{
  return app_test_find_label_containing (window (), user_data) != NULL;
}

/* Run under LC_ALL=C.UTF-8 LANGUAGE=de, with TRUESTORY_LOCALEDIR at the
 * build tree's catalogues. */
static void
test_german_error_toast (void)
{
  GtkWidget *view = GTK_WIDGET (app_test_project_view ());

  /* 4 points is off the project's Fibonacci scale: the server refuses. */
  g_assert_true (gtk_widget_activate_action (view, "backlog.estimate", "(xi)", lonely_id, 4));
  app_test_wait_until (toast_shown, (gpointer) "konnte nicht gespeichert werden", 30,
                       "the German error toast");
  g_assert_nonnull (app_test_find_label_containing (window (), "„Lonely“"));
  g_assert_nonnull (app_test_find_label_containing (window (), "die Schätzung"));
  g_assert_null (app_test_find_label_containing (window (), "Could not"));
  app_test_screenshot (window (), "app-newuser-german-toast");
}

/* The story rows shown under @widget, into @rows. */
static void
collect_story_rows (GtkWidget *widget,
                    GPtrArray *rows)
{
  if (TS_IS_BACKLOG_ROW (widget) && gtk_widget_get_mapped (widget) &&
      TS_IS_BACKLOG_ITEM (ts_backlog_row_get_item (TS_BACKLOG_ROW (widget))))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_story_rows (child, rows);
}

/* The window is at most 360 px wide, and no story row shown asks for more
 * than it has: one that did made the window wider. */
static void
assert_rows_fit (const char *panel)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  int width = gtk_widget_get_width (window ());

  collect_story_rows (window (), rows);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      TsBacklogItem *item = ts_backlog_row_get_item (rows->pdata[i]);
      int minimum;

      gtk_widget_measure (rows->pdata[i], GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      if (minimum > width)
        g_error ("%s: the row “%s” needs %d px, the window has %d", panel,
                 ts_story_get_title (ts_backlog_item_get_story (item)), minimum, width);
    }
  g_assert_cmpint (width, <=, 360);
}

static TsBacklogRow *
row_of (const char *title)
{
  GtkWidget *row = app_test_row_showing (title);

  g_assert_nonnull (row);
  return TS_BACKLOG_ROW (row);
}

/* A release's compact row shows its date alone, which its tooltip and the
 * row's description say whole ("Voraussichtlich …, Verspätet"); wide, the
 * word again. */
static void
assert_release_date_shown (const char *title,
                           gboolean    compact)
{
  TsBacklogRow *row = row_of (title);
  TsBacklogItem *item = ts_backlog_row_get_item (row);
  g_autofree char *date = ts_display_day (ts_backlog_item_get_release_date (item));
  g_autofree char *projected = g_strdup_printf (g_dgettext ("truestory", "Projected %s"), date);
  g_autofree char *description = g_strdup_printf ("%s, %s, %s, %s",
                                                  ts_story_type_display_name (TS_STORY_TYPE_RELEASE),
                                                  ts_story_state_display_name (TS_STORY_STATE_UNSTARTED),
                                                  projected, tr ("Late"));
  g_autofree char *wrong = NULL;

  g_assert_true (g_str_has_prefix (projected, "Voraussichtlich "));
  if (compact)
    {
      g_assert_nonnull (app_test_find_label (GTK_WIDGET (row), date));
      g_assert_null (app_test_find_label (GTK_WIDGET (row), projected));
    }
  else
    g_assert_nonnull (app_test_find_label (GTK_WIDGET (row), projected));
  wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                              GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description);
  if (wrong != NULL)
    g_error ("the row “%s” reads %s", title, wrong);
}

/* Run under LANGUAGE=de: German's longer words ("Voraussichtlich …",
 * "Verspätet", "Akzeptieren", "Ablehnen") made the backlog's rows 400 to
 * 460 px wide at least, and the window could not be made 360 px wide.
 * Each panel's rows at 360 px, light and dark. */
static void
test_german_narrow (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *layout = NULL;

  test_server_add_member (server, ada_token, project_id, "dave@example.org");
  create_story ("{\"title\": \"Handed over\", \"type\": \"feature\", \"estimate\": 1, "
                "\"state\": \"delivered\", \"owner_ids\": [1, 2]}");
  create_story ("{\"title\": \"Begun\", \"type\": \"feature\", \"estimate\": 2, "
                "\"state\": \"started\"}");
  for (guint i = 0; i < 3; i++)
    create_story ("{\"title\": \"Later\", \"type\": \"feature\", \"estimate\": 3, "
                  "\"state\": \"unstarted\"}");
  create_story ("{\"title\": \"Landing\", \"type\": \"release\", \"state\": \"unstarted\", "
                "\"deadline\": \"2020-01-01\"}");
  app_test_wait_until (story_count_is, GINT_TO_POINTER (7), 30, "the stories");

  /* A phone's header has only the close button (Phosh sets this layout). */
  g_object_get (gtk_settings_get_default (), "gtk-decoration-layout", &layout, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", ":close", NULL);
  app_test_set_width (360);
  /* Folded, the projects come first. */
  g_assert_true (gtk_widget_activate_action (gtk_widget_get_ancestor (app_test_find_label (window (), "Apollo"),
                                                                      GTK_TYPE_LIST_VIEW),
                                             "list.activate-item", "u", 0));
  app_test_settle (600);
  for (int panel = 1; panel <= 2; panel++)
    {
      g_autofree char *light = g_strdup_printf ("app-newuser-german-360-panel%d-light", panel);
      g_autofree char *dark = g_strdup_printf ("app-newuser-german-360-panel%d-dark", panel);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()),
                                                 "backlog.panel", "i", panel));
      app_test_wait_until (app_test_row_shown, (gpointer) (panel == 1 ? "Handed over" : "Landing"), 10,
                           "the panel's rows");
      app_test_settle (300);
      assert_rows_fit (panel == 1 ? "Aktuell" : "Backlog");
      app_test_screenshot (window (), light);
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
      app_test_settle (300);
      app_test_screenshot (window (), dark);
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
    }
  assert_release_date_shown ("Landing", TRUE);

  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", layout, NULL);
  app_test_set_width (900);
  /* Wide, the date has its word again. */
  app_test_wait_until (app_test_row_shown, (gpointer) "Landing", 10, "the release, wide");
  assert_release_date_shown ("Landing", FALSE);
}

static gboolean german;
static int status;
static gint64 last_words;

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (window ()), 900, 760);
  sign_in ();
  status = g_test_run ();
  if (german)
    {
      gtk_window_destroy (GTK_WINDOW (window ()));
      g_application_quit (app);
      return;
    }
  /* Quitting with a delete held by its toast: the quit action sends it
   * and waits for the answer on the main loop before the app goes. */
  last_words = create_story ("{\"title\": \"Last words\", \"type\": \"chore\", "
                             "\"state\": \"unstarted\"}");
  app_test_wait_until (listed, &last_words, 30, "the last story");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()),
                                             "backlog.delete", "x", last_words));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TsApplication) app = NULL;

  german = g_strcmp0 (g_getenv ("LANGUAGE"), "de") == 0;
  if (german)
    {
      ts_i18n_init ();
      /* GTK's test backend keeps the accessible properties to check. */
      g_setenv ("GTK_A11Y", "test", TRUE);
    }
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("no display (run under xvfb-run)");
      return 77;
    }

  if (german)
    {
      g_test_add_func ("/app/newuser/german-error-toast", test_german_error_toast);
      g_test_add_func ("/app/newuser/german-narrow", test_german_narrow);
    }
  else
    {
      g_test_add_func ("/app/newuser/drop-into-empty-icebox-column",
                       test_drop_into_empty_icebox_column);
      g_test_add_func ("/app/newuser/drop-into-empty-icebox-header",
                       test_drop_into_empty_icebox_header);
      g_test_add_func ("/app/newuser/drop-below-last-row", test_drop_below_last_row);
      g_test_add_func ("/app/newuser/undo-after-delete-toast", test_undo_after_delete_toast);
      g_test_add_func ("/app/newuser/new-member-named", test_new_member_named);
      g_test_add_func ("/app/newuser/long-title-says-why", test_long_title_says_why);
      g_test_add_func ("/app/newuser/delete-focuses-next-row", test_delete_focuses_next_row);
    }

  app_test_isolate ();
  server = test_server_start (NULL);
  seed ();

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  if (!german)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%"
                                               G_GINT64_FORMAT, project_id, last_words);
      g_autoptr(TestResponse) gone = test_request (server, "GET", path, ada_token, NULL);

      g_print ("# the delete held at quit %s\n", gone->status == 404 ? "reached the server" : "was lost");
      g_assert_cmpuint (gone->status, ==, 404);
    }
  test_server_stop (server);
  app_test_cleanup ();
  g_free (ada_token);
  return status;
}
