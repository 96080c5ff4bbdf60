/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The moves a planner makes every day (issue 14), against a real team
 * server, with real keys and clicks through XTest:
 *
 * - Alt+Up/Down moves the selected story one place in its panel and
 *   Alt+Home/End to its top or bottom, each one move request (the
 *   server's `changes?since=` holds one change per key), the focus and
 *   the selection staying on the moved row, keys faster than the server
 *   each counted; Current and the Backlog are one list, the Icebox its
 *   own; at an end, and in Done, nothing is sent;
 *   Ctrl+Z takes a move back as it takes back a drag; in a wide window the
 *   Icebox's own column moves too;
 * - the row's menu opens with Menu, Shift+F10, a right click and a long
 *   press, and offers what the story allows: Move to Top, Move to Icebox
 *   or Move to Backlog, Estimate (not for an unpointed bug), Type (not
 *   Release for a started story), Duplicate; each item is one request;
 * - the New Story popover creates a story of the chosen type, and is back
 *   to Feature for the next one;
 * - an unestimated feature in the Icebox has the Estimate button.
 *
 * Screenshots (build/tests/screenshots/app-moves-*) show the menu, the
 * popover and the Icebox row at 1,000 and 1,400 px, light and dark, and at
 * 360 px. */

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <string.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-item.h"
#include "ts-backlog-row.h"
#include "ts-project-view.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *token;
  gint64 project_id;
  gint64 version;             /* the project's version before the step */
} Test;

static Test test;

/* Real input */

static Display *
x_display (void)
{
  return gdk_x11_display_get_xdisplay (gdk_display_get_default ());
}

static void
widget_centre (GtkWidget *widget,
               int       *root_x,
               int       *root_y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t point;
  double surface_x, surface_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XTranslateCoordinates (x_display (), gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                         DefaultRootWindow (x_display ()), (int) (point.x + surface_x),
                         (int) (point.y + surface_y), root_x, root_y, &child);
}

static void
click_button (GtkWidget *widget,
              guint      button)
{
  int x, y;

  widget_centre (widget, &x, &y);
  /* Moved there, even when the pointer already is: after a popover closes
   * under it, GTK needs motion to know where it is. */
  XTestFakeMotionEvent (x_display (), -1, x + 8, y, CurrentTime);
  XFlush (x_display ());
  app_test_settle (100);
  XTestFakeMotionEvent (x_display (), -1, x, y, CurrentTime);
  XFlush (x_display ());
  app_test_settle (100);
  XTestFakeButtonEvent (x_display (), button, True, CurrentTime);
  XTestFakeButtonEvent (x_display (), button, False, CurrentTime);
  XFlush (x_display ());
  app_test_settle (400);
}

/* Presses @keysym with @modifier (a modifier's keysym, or 0) in the main
 * window, as a person does. */
static void
press_key (KeySym keysym,
           KeySym modifier)
{
  Display *display = x_display ();
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  KeyCode code = XKeysymToKeycode (display, keysym);
  KeyCode mod = modifier != 0 ? XKeysymToKeycode (display, modifier) : 0;

  g_assert_cmpint (code, !=, 0);
  XSetInputFocus (display, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))),
                  RevertToParent, CurrentTime);
  XFlush (display);
  app_test_settle (200);
  if (mod != 0)
    XTestFakeKeyEvent (display, mod, True, CurrentTime);
  XTestFakeKeyEvent (display, code, True, CurrentTime);
  XTestFakeKeyEvent (display, code, False, CurrentTime);
  if (mod != 0)
    XTestFakeKeyEvent (display, mod, False, CurrentTime);
  XFlush (display);
  app_test_settle (300);
}

/* Presses Alt+@keysym @n times in a row, without waiting between. */
static void
press_alt_quickly (KeySym keysym,
                   guint  n)
{
  Display *display = x_display ();
  KeyCode code = XKeysymToKeycode (display, keysym);
  KeyCode alt = XKeysymToKeycode (display, XK_Alt_L);

  XTestFakeKeyEvent (display, alt, True, CurrentTime);
  for (guint i = 0; i < n; i++)
    {
      XTestFakeKeyEvent (display, code, True, CurrentTime);
      XTestFakeKeyEvent (display, code, False, CurrentTime);
    }
  XTestFakeKeyEvent (display, alt, False, CurrentTime);
  XFlush (display);
  app_test_settle (500);
}

/* The server, as another client reads it */

static char *
project_path (const char *tail)
{
  return g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "%s", test.project_id, tail);
}

static gint64
server_version (void)
{
  g_autofree char *path = project_path ("");

  return test_server_version (test.server, test.token, path);
}

static JsonArray *
server_stories (JsonObject **out_holder)
{
  g_autofree char *path = project_path ("/stories");

  *out_holder = test_get_object (test.server, path, test.token);
  return json_object_get_array_member (*out_holder, "stories");
}

/* The server's story titled @title; NULL when there is none. */
static JsonObject *
server_story (const char *title)
{
  static JsonObject *holder;
  JsonArray *stories;

  g_clear_pointer (&holder, json_object_unref);
  stories = server_stories (&holder);
  for (guint i = 0; i < json_array_get_length (stories); i++)
    {
      JsonObject *story = json_array_get_object_element (stories, i);

      if (g_str_equal (json_object_get_string_member (story, "title"), title))
        return story;
    }
  return NULL;
}

static gint64
story_id (const char *title)
{
  JsonObject *story = server_story (title);

  g_assert_nonnull (story);
  return json_object_get_int_member (story, "id");
}

/* The titles of one panel in the server's priority order: the Icebox
 * (@icebox) or the rest but accepted stories, comma-separated. */
static char *
server_order (gboolean icebox)
{
  g_autoptr(JsonObject) holder = NULL;
  JsonArray *stories = server_stories (&holder);
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (stories); i++)
    {
      JsonObject *story = json_array_get_object_element (stories, i);
      const char *state = json_object_get_string_member (story, "state");

      if (g_str_equal (state, "accepted"))
        continue;
      if (g_str_equal (state, "unscheduled") == icebox)
        g_ptr_array_add (titles, (gpointer) json_object_get_string_member (story, "title"));
    }
  g_ptr_array_add (titles, NULL);
  return g_strjoinv (",", (char **) titles->pdata);
}

#define assert_order(icebox, expected)                  \
  G_STMT_START {                                        \
    g_autofree char *order_ = server_order (icebox);    \
    g_assert_cmpstr (order_, ==, expected);             \
  } G_STMT_END

static gboolean
edits_answered (gpointer unused)
{
  TsBacklogStore *store = ts_project_view_get_store (app_test_project_view ());

  return ts_backlog_store_get_n_pending_edits (store) == 0;
}

/* The changes made since the step began, once the store's edits are
 * answered; each named @name. */
static guint
changes_since_step (const char *name)
{
  g_autofree char *tail = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *changes;

  app_test_wait_until (edits_answered, NULL, 20, "the edits answered");
  app_test_settle (200);
  tail = g_strdup_printf ("/changes?since=%" G_GINT64_FORMAT, test.version);
  path = project_path (tail);
  answer = test_get_object (test.server, path, test.token);
  changes = json_object_get_array_member (answer, "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, i),
                                                    "name"), ==, name);
  return json_array_get_length (changes);
}

static void
begin_step (void)
{
  app_test_wait_until (edits_answered, NULL, 20, "the edits answered");
  test.version = server_version ();
}

#define assert_one_change(name) g_assert_cmpuint (changes_since_step (name), ==, 1)
#define assert_no_change() g_assert_cmpuint (changes_since_step (""), ==, 0)

/* The app */

static TsProjectView *
view (void)
{
  return app_test_project_view ();
}

static gboolean
project_open (gpointer unused)
{
  TsBacklogStore *store = view () != NULL ? ts_project_view_get_store (view ()) : NULL;

  return store != NULL && ts_backlog_store_get_project_id (store) == test.project_id &&
         ts_backlog_store_get_status (store) == TS_BACKLOG_STORE_READY;
}

/* The row showing @title in either list. */
static GtkWidget *
row_of (const char *title)
{
  GtkWidget *line = app_test_find_label (GTK_WIDGET (view ()), title);

  return line != NULL ? gtk_widget_get_ancestor (line, TS_TYPE_BACKLOG_ROW) : NULL;
}

static GtkWidget *
expect_row (const char *title)
{
  GtkWidget *row;

  app_test_wait_until ((AppCondition) row_of, (gpointer) title, 10, title);
  row = row_of (title);
  g_assert_nonnull (row);
  return row;
}

/* Clicks the story's title: its row is selected and has the focus. */
static void
select_row (const char *title)
{
  click_button (app_test_find_label (expect_row (title), title), 1);
}

/* The keyboard focus is on the row of @title, and it is selected. */
static void
assert_focus_on (const char *title)
{
  GtkWidget *row = expect_row (title);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (app_test_main_window ()));
  gpointer item = ts_backlog_row_get_item (TS_BACKLOG_ROW (row));
  GtkListView *list = GTK_LIST_VIEW (gtk_widget_get_ancestor (row, GTK_TYPE_LIST_VIEW));
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list));

  g_assert_nonnull (focus);
  g_assert_true (focus == gtk_widget_get_parent (row) || gtk_widget_is_ancestor (focus, row));
  g_assert_true (gtk_single_selection_get_selected_item (selection) == item);
}

static GtkWidget *
row_menu (void)
{
  return app_test_find_descendant (GTK_WIDGET (view ()), GTK_TYPE_POPOVER_MENU);
}

static gboolean
row_menu_shown (gpointer unused)
{
  return gtk_widget_get_mapped (row_menu ());
}

static gboolean
row_menu_hidden (gpointer unused)
{
  return !gtk_widget_get_mapped (row_menu ());
}

/* Closed, and its surface gone: a click while it goes would close it
 * rather than reach the list. */
static void
close_row_menu (void)
{
  gtk_popover_popdown (GTK_POPOVER (row_menu ()));
  app_test_wait_until (row_menu_hidden, NULL, 10, "the menu closed");
  app_test_settle (300);
}

/* Whether @menu (its sections and submenus too) has an item @label
 * (mnemonics ignored); its submenu in @out_submenu. */
static gboolean
menu_has (GMenuModel  *menu,
          const char  *label,
          GMenuModel **out_submenu)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SUBMENU);

      if (section != NULL && menu_has (section, label, out_submenu))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &text))
        {
          g_autoptr(GString) plain = g_string_new (text);

          g_string_replace (plain, "_", "", 0);
          if (g_str_equal (plain->str, label))
            {
              if (out_submenu != NULL)
                *out_submenu = g_steal_pointer (&submenu);
              return TRUE;
            }
        }
    }
  return FALSE;
}

static gboolean
shown_menu_has (const char *label)
{
  return menu_has (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (row_menu ())), label, NULL);
}

/* The items of the shown menu's submenu @label, comma-separated. */
static char *
submenu_items (const char *label)
{
  g_autoptr(GMenuModel) submenu = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (menu_has (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (row_menu ())), label,
                           &submenu));
  g_assert_nonnull (submenu);
  for (int i = 0; i < g_menu_model_get_n_items (submenu); i++)
    {
      char *text = NULL;

      g_assert_true (g_menu_model_get_item_attribute (submenu, i, G_MENU_ATTRIBUTE_LABEL, "s",
                                                      &text));
      g_ptr_array_add (items, text);
    }
  g_ptr_array_add (items, NULL);
  return g_strjoinv (",", (char **) items->pdata);
}

/* Opens @title's menu with a right click. */
static void
open_menu_of (const char *title)
{
  click_button (app_test_find_label (expect_row (title), title), 3);
  app_test_wait_until (row_menu_shown, NULL, 10, "the row's menu");
}

/* Clicks the shown menu's item @label. */
static void
choose (const char *label)
{
  GtkWidget *item = app_test_find_label (row_menu (), label);

  g_assert_nonnull (item);
  click_button (item, 1);
}

static void
screenshot_menu (const char *name)
{
  app_test_settle (300);
  app_test_screenshot (row_menu (), name);
}

/* Twice: a window shrinks as far as its minimum allows, and going narrow
 * lowers the minimum. */
static void
set_size (int width)
{
  for (guint i = 0; i < 2; i++)
    {
      gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), width, 960);
      app_test_settle (600);
    }
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  app_test_settle (300);
}

/* Keyboard moves */

static void
keyboard_moves (void)
{
  assert_order (FALSE, "Engine,Alpha,Bravo,Charlie,Delta,Echo");

  /* Up twice: the second press moves the same story, still focused. */
  select_row ("Charlie");
  begin_step ();
  press_key (XK_Up, XK_Alt_L);
  assert_one_change ("stories-move");
  assert_order (FALSE, "Engine,Alpha,Charlie,Bravo,Delta,Echo");
  assert_focus_on ("Charlie");
  begin_step ();
  press_key (XK_Up, XK_Alt_L);
  assert_one_change ("stories-move");
  assert_order (FALSE, "Engine,Charlie,Alpha,Bravo,Delta,Echo");
  assert_focus_on ("Charlie");

  begin_step ();
  press_key (XK_Down, XK_Alt_L);
  assert_one_change ("stories-move");
  assert_order (FALSE, "Engine,Alpha,Charlie,Bravo,Delta,Echo");
  assert_focus_on ("Charlie");

  /* To the bottom of Current and the Backlog, one list. */
  begin_step ();
  press_key (XK_End, XK_Alt_L);
  assert_one_change ("stories-move");
  assert_order (FALSE, "Engine,Alpha,Bravo,Delta,Echo,Charlie");
  assert_focus_on ("Charlie");

  /* At the bottom: nothing more to send. */
  begin_step ();
  press_key (XK_Down, XK_Alt_L);
  assert_no_change ();

  begin_step ();
  press_key (XK_Home, XK_Alt_L);
  assert_one_change ("stories-move");
  assert_order (FALSE, "Charlie,Engine,Alpha,Bravo,Delta,Echo");
  assert_focus_on ("Charlie");
  app_test_screenshot (GTK_WIDGET (app_test_main_window ()), "app-moves-keyboard");

  begin_step ();
  press_key (XK_Home, XK_Alt_L);
  press_key (XK_Up, XK_Alt_L);
  assert_no_change ();

  /* Undone as a drag is: back at the bottom, in one move. */
  begin_step ();
  press_key (XK_z, XK_Control_L);
  assert_one_change ("stories-move");
  assert_order (FALSE, "Engine,Alpha,Bravo,Delta,Echo,Charlie");

  /* Keys faster than the server answers: each moves from where the last
   * one left the story. */
  assert_focus_on ("Charlie");
  begin_step ();
  press_alt_quickly (XK_Up, 3);
  g_assert_cmpuint (changes_since_step ("stories-move"), ==, 3);
  assert_order (FALSE, "Engine,Alpha,Charlie,Bravo,Delta,Echo");
  begin_step ();
  press_alt_quickly (XK_Down, 3);
  g_assert_cmpuint (changes_since_step ("stories-move"), ==, 3);
  assert_order (FALSE, "Engine,Alpha,Bravo,Delta,Echo,Charlie");
}

static void
icebox_moves (void)
{
  assert_order (TRUE, "Idea One,Idea Two,Idea Three");
  select_row ("Idea Two");
  begin_step ();
  press_key (XK_Up, XK_Alt_L);
  assert_one_change ("stories-move");
  assert_order (TRUE, "Idea Two,Idea One,Idea Three");
  assert_focus_on ("Idea Two");

  /* The top of the Icebox is the top of its own list: it does not go
   * into the Backlog. */
  begin_step ();
  press_key (XK_Up, XK_Alt_L);
  press_key (XK_Home, XK_Alt_L);
  assert_no_change ();
  assert_order (TRUE, "Idea Two,Idea One,Idea Three");

  begin_step ();
  press_key (XK_End, XK_Alt_L);
  assert_one_change ("stories-move");
  assert_order (TRUE, "Idea One,Idea Three,Idea Two");
  assert_focus_on ("Idea Two");
}

/* Done is in the order stories were accepted: no moves there. */
static void
done_does_not_move (void)
{
  TsBacklogStore *store = ts_project_view_get_store (view ());
  TsDay today = ts_plan_get_today (ts_backlog_store_get_plan (store));
  g_autofree char *before = server_order (FALSE);

  /* An iteration on, what was accepted today is in a done iteration. */
  ts_backlog_store_set_today (store, today + 14);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "backlog.show-done", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "backlog.panel", "i", 4));
  app_test_settle (300);
  select_row ("Landed");
  begin_step ();
  press_key (XK_Up, XK_Alt_L);
  press_key (XK_Down, XK_Alt_L);
  press_key (XK_Home, XK_Alt_L);
  assert_no_change ();
  assert_order (FALSE, before);

  /* No move in its menu either. */
  open_menu_of ("Landed");
  g_assert_false (shown_menu_has ("Move to Top"));
  g_assert_false (shown_menu_has ("Move to Icebox"));
  g_assert_true (shown_menu_has ("Duplicate"));
  close_row_menu ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "backlog.show-done", NULL));
  ts_backlog_store_set_today (store, today);
  app_test_settle (300);
}

/* The row's menu */

static void
menu_keys (void)
{
  select_row ("Bravo");
  press_key (XK_Menu, 0);
  app_test_wait_until (row_menu_shown, NULL, 10, "the menu from the Menu key");
  for (guint i = 0; i < 7; i++)
    {
      static const char * const items[] = { "Open", "Move to Top", "Move to Icebox", "Estimate",
                                            "Type", "Duplicate", "Delete" };

      g_assert_true (shown_menu_has (items[i]));
    }
  g_assert_false (shown_menu_has ("Move to Backlog"));
  screenshot_menu ("app-moves-menu-light");
  press_key (XK_Escape, 0);
  app_test_wait_until (row_menu_hidden, NULL, 10, "the menu closed by Escape");
  app_test_settle (300);
  assert_focus_on ("Bravo");

  press_key (XK_F10, XK_Shift_L);
  app_test_wait_until (row_menu_shown, NULL, 10, "the menu from Shift+F10");
  begin_step ();
  choose ("Move to Icebox");
  assert_one_change ("stories-move");
  g_assert_cmpstr (json_object_get_string_member (server_story ("Bravo"), "state"), ==,
                   "unscheduled");
  /* At the top of the Icebox. */
  assert_order (TRUE, "Bravo,Idea One,Idea Three,Idea Two");
  assert_order (FALSE, "Engine,Alpha,Delta,Echo,Charlie");
}

static void
menu_moves (void)
{
  /* From the Icebox: Move to Backlog, at its end. */
  open_menu_of ("Idea One");
  g_assert_true (shown_menu_has ("Move to Backlog"));
  g_assert_false (shown_menu_has ("Move to Icebox"));
  begin_step ();
  choose ("Move to Backlog");
  assert_one_change ("stories-move");
  g_assert_cmpstr (json_object_get_string_member (server_story ("Idea One"), "state"), ==,
                   "unstarted");
  assert_order (FALSE, "Engine,Alpha,Delta,Echo,Charlie,Idea One");
  assert_order (TRUE, "Bravo,Idea Three,Idea Two");

  open_menu_of ("Echo");
  begin_step ();
  choose ("Move to Top");
  assert_one_change ("stories-move");
  assert_order (FALSE, "Echo,Engine,Alpha,Delta,Charlie,Idea One");

  /* The first story has no Move to Top. */
  open_menu_of ("Echo");
  g_assert_false (shown_menu_has ("Move to Top"));
  close_row_menu ();
  /* Not left looking pressed by the right click. */
  g_assert_false (gtk_widget_get_state_flags (gtk_widget_get_parent (expect_row ("Echo"))) &
                  GTK_STATE_FLAG_ACTIVE);

  /* Nor does a started story go to the Icebox. */
  open_menu_of ("Engine");
  g_assert_false (shown_menu_has ("Move to Icebox"));
  close_row_menu ();
}

static void
menu_estimate_and_type (void)
{
  g_autofree char *estimates = NULL;
  g_autofree char *types = NULL;
  JsonObject *alpha;

  open_menu_of ("Alpha");
  /* The checked estimate, chosen again, sends nothing. */
  begin_step ();
  g_assert_true (gtk_widget_activate_action (row_menu (), "row.estimate", "i", 2));
  g_assert_true (gtk_widget_activate_action (row_menu (), "row.type", "i", 0));
  assert_no_change ();
  estimates = submenu_items ("Estimate");
  g_assert_cmpstr (estimates, ==, "0 Points,1 Point,2 Points,3 Points,5 Points,8 Points,No Estimate");
  begin_step ();
  g_assert_true (gtk_widget_activate_action (row_menu (), "row.estimate", "i", 5));
  assert_one_change ("stories-update");
  g_assert_cmpint (json_object_get_int_member (server_story ("Alpha"), "estimate"), ==, 5);
  close_row_menu ();

  /* A chore keeps its estimate, as the server does. */
  open_menu_of ("Alpha");
  types = submenu_items ("Type");
  g_assert_cmpstr (types, ==, "Feature,Bug,Chore,Release");
  begin_step ();
  g_assert_true (gtk_widget_activate_action (row_menu (), "row.type", "i", 2));
  assert_one_change ("stories-update");
  alpha = server_story ("Alpha");
  g_assert_cmpstr (json_object_get_string_member (alpha, "type"), ==, "chore");
  g_assert_cmpint (json_object_get_int_member (alpha, "estimate"), ==, 5);
  close_row_menu ();

  /* A release has none: the type and the estimate go in one change. */
  open_menu_of ("Alpha");
  /* Bugs and chores are not pointed in this project: no Estimate. */
  g_assert_false (shown_menu_has ("Estimate"));
  begin_step ();
  g_assert_true (gtk_widget_activate_action (row_menu (), "row.type", "i", 3));
  assert_one_change ("stories-update");
  alpha = server_story ("Alpha");
  g_assert_cmpstr (json_object_get_string_member (alpha, "type"), ==, "release");
  g_assert_true (json_object_get_null_member (alpha, "estimate"));
  close_row_menu ();

  /* A started feature cannot be a release, nor lose its estimate. */
  open_menu_of ("Engine");
  g_clear_pointer (&types, g_free);
  types = submenu_items ("Type");
  g_assert_cmpstr (types, ==, "Feature,Bug,Chore");
  g_clear_pointer (&estimates, g_free);
  estimates = submenu_items ("Estimate");
  g_assert_null (strstr (estimates, "No Estimate"));
  close_row_menu ();
}

static void
menu_duplicate (void)
{
  JsonObject *copy;
  JsonArray *labels;

  open_menu_of ("Delta");
  begin_step ();
  choose ("Duplicate");
  assert_one_change ("stories-create");
  copy = server_story ("Delta (copy)");
  g_assert_nonnull (copy);
  g_assert_cmpstr (json_object_get_string_member (copy, "type"), ==, "feature");
  g_assert_cmpint (json_object_get_int_member (copy, "estimate"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (copy, "description"), ==, "Fuel and oxidiser");
  g_assert_cmpstr (json_object_get_string_member (copy, "state"), ==, "unstarted");
  labels = json_object_get_array_member (copy, "labels");
  g_assert_cmpuint (json_array_get_length (labels), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (labels, 0), ==, "engines");
  assert_order (FALSE, "Echo,Engine,Alpha,Delta,Delta (copy),Charlie,Idea One");
  app_test_wait_until ((AppCondition) row_of, (gpointer) "Delta (copy)", 10, "the copy's row");
  /* The copy, under its real id once the server answered, is the one
   * selected and focused: the next key acts on it, not on Delta. */
  app_test_wait_until (row_menu_hidden, NULL, 10, "the menu closed");
  app_test_settle (500);
  assert_focus_on ("Delta (copy)");

  /* In the Icebox, the copy stays there. */
  open_menu_of ("Idea Three");
  begin_step ();
  choose ("Duplicate");
  assert_one_change ("stories-create");
  g_assert_cmpstr (json_object_get_string_member (server_story ("Idea Three (copy)"), "state"), ==,
                   "unscheduled");
  g_assert_cmpstr (json_object_get_string_member (server_story ("Idea Three (copy)"), "type"), ==,
                   "bug");
  assert_order (TRUE, "Bravo,Idea Three,Idea Three (copy),Idea Two");
}

/* A touchscreen's long press opens the menu too. */
static void
menu_long_press (void)
{
  GtkWidget *row = expect_row ("Echo");
  GtkWidget *list = gtk_widget_get_ancestor (row, GTK_TYPE_LIST_VIEW);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (list);
  GtkGesture *press = NULL;
  graphene_point_t point;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && press == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_LONG_PRESS (controller))
        press = GTK_GESTURE (controller);
    }
  g_assert_nonnull (press);
  g_assert_true (gtk_gesture_single_get_touch_only (GTK_GESTURE_SINGLE (press)));
  g_assert_true (gtk_widget_compute_point (row, list, &GRAPHENE_POINT_INIT (20, 10), &point));
  g_signal_emit_by_name (press, "pressed", (double) point.x, (double) point.y);
  app_test_wait_until (row_menu_shown, NULL, 10, "the menu from a long press");
  g_assert_true (shown_menu_has ("Move to Icebox"));
  close_row_menu ();
}

/* The New Story popover */

/* Whether the main list's selected story is @title, under its real id. */
static gboolean
selected_is (gpointer title)
{
  GtkSingleSelection *selection =
    GTK_SINGLE_SELECTION (gtk_list_view_get_model (ts_project_view_get_list_view (view ())));
  gpointer item = gtk_single_selection_get_selected_item (selection);

  return TS_IS_BACKLOG_ITEM (item) && ts_backlog_item_get_id (item) > 0 &&
         g_strcmp0 (ts_story_get_title (ts_backlog_item_get_story (item)), title) == 0;
}

static void
new_story_of_type (void)
{
  TsProjectView *project_view = view ();
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *entry = app_test_find_entry (window, "Story title");
  GtkWidget *popover = gtk_widget_get_ancestor (entry, GTK_TYPE_POPOVER);
  GtkWidget *types = app_test_find_descendant (popover, GTK_TYPE_DROP_DOWN);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (project_view), "backlog.new-story", NULL));
  app_test_settle (400);
  g_assert_true (gtk_widget_get_mapped (types));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (types)), ==, 0);
  g_assert_nonnull (app_test_find_label (types, "Feature"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (types), 1);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Crash on launch");
  app_test_settle (300);
  app_test_screenshot (popover, "app-moves-new-story");
  begin_step ();
  g_signal_emit_by_name (entry, "activate");
  assert_one_change ("stories-create");
  g_assert_cmpstr (json_object_get_string_member (server_story ("Crash on launch"), "type"), ==,
                   "bug");
  /* The next story is a feature again. */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (types)), ==, 0);
  /* The new story is selected, still once the server gave it its id. */
  app_test_settle (500);
  g_assert_true (selected_is ((gpointer) "Crash on launch"));
}

/* An unestimated feature in the Icebox has the Estimate button. */
static void
icebox_estimate (void)
{
  GtkWidget *row = expect_row ("Idea Two");
  GtkWidget *label = app_test_find_label (row, "Estimate");
  GtkWidget *button;

  g_assert_nonnull (label);
  button = gtk_widget_get_ancestor (label, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  app_test_screenshot (GTK_WIDGET (app_test_main_window ()), "app-moves-icebox-estimate-light");
  set_dark (TRUE);
  app_test_screenshot (GTK_WIDGET (app_test_main_window ()), "app-moves-icebox-estimate-dark");
  set_dark (FALSE);
  begin_step ();
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  app_test_settle (300);
  g_assert_true (gtk_widget_activate_action (button, "backlog.estimate", "(xi)",
                                             story_id ("Idea Two"), 3));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  assert_one_change ("stories-update");
  g_assert_cmpint (json_object_get_int_member (server_story ("Idea Two"), "estimate"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (server_story ("Idea Two"), "state"), ==,
                   "unscheduled");
}

/* Wide, the Icebox has a column of its own: its keys move there. */
static void
wide_icebox (void)
{
  set_size (1400);
  g_assert_true (gtk_widget_get_mapped (gtk_widget_get_ancestor (expect_row ("Idea Two"),
                                                                 GTK_TYPE_LIST_VIEW)));
  select_row ("Idea Three");
  begin_step ();
  press_key (XK_Down, XK_Alt_L);
  assert_one_change ("stories-move");
  assert_order (TRUE, "Bravo,Idea Three (copy),Idea Three,Idea Two");
  assert_focus_on ("Idea Three");

  open_menu_of ("Idea Two");
  screenshot_menu ("app-moves-menu-1400-light");
  app_test_screenshot (GTK_WIDGET (app_test_main_window ()), "app-moves-1400-light");
  set_dark (TRUE);
  screenshot_menu ("app-moves-menu-1400-dark");
  app_test_screenshot (GTK_WIDGET (app_test_main_window ()), "app-moves-1400-dark");
  close_row_menu ();
  set_dark (FALSE);
}

static void
narrow (void)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *popover;

  set_size (360);
  g_assert_cmpint (gtk_widget_get_width (window), <=, 360);
  /* Folded, the window shows the project list first: on to the project. */
  adw_leaflet_navigate (ADW_LEAFLET (app_test_find_descendant (window, ADW_TYPE_LEAFLET)),
                        ADW_NAVIGATION_DIRECTION_FORWARD);
  app_test_settle (600);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "backlog.panel", "i", 3));
  app_test_settle (600);
  open_menu_of ("Idea Two");
  app_test_screenshot (GTK_WIDGET (app_test_main_window ()), "app-moves-360-light");
  screenshot_menu ("app-moves-menu-360-light");
  set_dark (TRUE);
  screenshot_menu ("app-moves-menu-360-dark");
  app_test_screenshot (GTK_WIDGET (app_test_main_window ()), "app-moves-360-dark");
  close_row_menu ();

  /* New Story fits too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view ()), "backlog.new-story", NULL));
  app_test_settle (400);
  popover = gtk_widget_get_ancestor (app_test_find_entry (window, "Story title"), GTK_TYPE_POPOVER);
  g_assert_true (gtk_widget_get_mapped (popover));
  g_assert_cmpint (gtk_widget_get_width (popover), <=, 360);
  app_test_screenshot (popover, "app-moves-new-story-360-dark");
  set_dark (FALSE);
  app_test_screenshot (popover, "app-moves-new-story-360-light");
  gtk_popover_popdown (GTK_POPOVER (popover));
  app_test_settle (300);
}

static void
run (void)
{
  app_test_sign_in (test.server->base_url, "ada@example.org", "analytical");
  app_test_wait_until (project_open, NULL, 30, "Apollo open");
  set_dark (FALSE);
  app_test_settle (500);

  keyboard_moves ();
  icebox_moves ();
  done_does_not_move ();
  menu_keys ();
  menu_moves ();
  menu_estimate_and_type ();
  menu_duplicate ();
  menu_long_press ();
  new_story_of_type ();
  icebox_estimate ();
  wide_icebox ();
  narrow ();
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  set_size (1000);
  run ();
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

static void
create (const char *body)
{
  test_server_create_story (test.server, test.token, test.project_id, body);
}

static void
seed (void)
{
  test.token = app_test_add_signed_in (test.server, &app_test_ada);
  test.project_id = app_test_seed_project_named (test.server, test.token, "Apollo");

  /* Velocity 10: Engine, Landed, Alpha, Bravo and Charlie in Current,
   * Delta and Echo in the Backlog. */
  create ("{\"title\": \"Engine\", \"state\": \"started\", \"estimate\": 3}");
  create ("{\"title\": \"Landed\", \"state\": \"accepted\", \"estimate\": 1}");
  create ("{\"title\": \"Alpha\", \"state\": \"unstarted\", \"estimate\": 2}");
  create ("{\"title\": \"Bravo\", \"state\": \"unstarted\", \"estimate\": 2}");
  create ("{\"title\": \"Charlie\", \"state\": \"unstarted\", \"estimate\": 2}");
  create ("{\"title\": \"Delta\", \"state\": \"unstarted\", \"estimate\": 2, "
          "\"description\": \"Fuel and oxidiser\", \"labels\": [\"engines\"]}");
  create ("{\"title\": \"Echo\", \"state\": \"unstarted\", \"estimate\": 8}");
  create ("{\"title\": \"Idea One\"}");
  create ("{\"title\": \"Idea Two\"}");
  create ("{\"title\": \"Idea Three\", \"type\": \"bug\"}");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TsApplication) app = NULL;

  if (app_test_no_display ())
    return 77;

  app_test_isolate ();
  test.server = test_server_start (NULL);
  seed ();

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.token);
  g_print ("ok - keyboard moves, the row's menu, typed new stories, Icebox estimates\n");
  return 0;
}
