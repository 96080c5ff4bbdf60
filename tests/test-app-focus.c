/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Where the keyboard focus goes and what keys act on (issue 14): the
 * backlog's keys on an empty project after the shortcuts window closed,
 * `s` on the row whose button was clicked. Keys and clicks are real X
 * events (XTest) on the Xvfb display. */

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <string.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-item.h"
#include "ts-backlog-row.h"
#include "ts-conflict-dialog.h"
#include "ts-connect-window.h"
#include "ts-project-view-private.h"
#include "ts-session.h"
#include "ts-story-editor.h"
#include "ts-window.h"

typedef void (*Step) (gpointer user_data);

typedef struct {
  Step step;
  gpointer user_data;
} Run;

static TestServer *server;
static char *ada_token;

/* Real input. */

static Display *
x_display (void)
{
  return gdk_x11_display_get_xdisplay (gdk_display_get_default ());
}

/* The root-window point at the centre of @widget. */
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
click (GtkWidget *widget)
{
  int x, y;

  widget_centre (widget, &x, &y);
  XTestFakeMotionEvent (x_display (), -1, x, y, CurrentTime);
  XTestFakeButtonEvent (x_display (), 1, True, CurrentTime);
  XTestFakeButtonEvent (x_display (), 1, False, CurrentTime);
  XFlush (x_display ());
  app_test_settle (400);
}

/* Presses @keysym with the modifiers @modifiers names (XK_Control_L,
 * XK_Shift_L, 0-terminated) in @window, as a person does: the X focus on
 * the window, real key events. */
static void
press_keys (GtkWidget    *window,
            KeySym        keysym,
            const KeySym *modifiers)
{
  Display *display = x_display ();
  KeyCode code = XKeysymToKeycode (display, keysym);
  guint n = 0;

  g_assert_cmpint (code, !=, 0);
  XSetInputFocus (display, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))),
                  RevertToParent, CurrentTime);
  XFlush (display);
  app_test_settle (300);
  for (; modifiers != NULL && modifiers[n] != 0; n++)
    XTestFakeKeyEvent (display, XKeysymToKeycode (display, modifiers[n]), True, CurrentTime);
  XTestFakeKeyEvent (display, code, True, CurrentTime);
  XTestFakeKeyEvent (display, code, False, CurrentTime);
  while (n-- > 0)
    XTestFakeKeyEvent (display, XKeysymToKeycode (display, modifiers[n]), False, CurrentTime);
  XFlush (display);
  app_test_settle (300);
}

static void
press_key (GtkWidget *window,
           KeySym     keysym)
{
  press_keys (window, keysym, NULL);
}

/* @window at 360 and 1,400 px, light and dark, as NAME-360-light.png and
 * so on; a dialog (@resize FALSE) light and dark at its own size. */
static void
screenshots (GtkWidget  *window,
             gboolean    resize,
             const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const struct { int width; AdwColorScheme scheme; const char *suffix; } shots[] = {
    { 360, ADW_COLOR_SCHEME_FORCE_LIGHT, "360-light" },
    { 360, ADW_COLOR_SCHEME_FORCE_DARK, "360-dark" },
    { 1400, ADW_COLOR_SCHEME_FORCE_LIGHT, "1400-light" },
    { 1400, ADW_COLOR_SCHEME_FORCE_DARK, "1400-dark" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shots); i++)
    {
      g_autofree char *file = NULL;

      if (!resize && shots[i].width != 360)
        continue;
      file = g_strdup_printf ("%s-%s", name, resize ? shots[i].suffix : shots[i].suffix + 4);
      adw_style_manager_set_color_scheme (style, shots[i].scheme);
      if (resize)
        app_test_set_width (shots[i].width);
      else
        app_test_settle (300);
      app_test_screenshot (window, file);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* Running the app. */

static void
activate_cb (GApplication *app,
             Run          *run)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  run->step (run->user_data);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
}

static void
run_app (Step     step,
         gpointer user_data)
{
  g_autoptr(TsApplication) app = ts_application_new ();
  Run run = { step, user_data };

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
}

/* Each test starts as a new user: no account, no settings. */
static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.truestory.TrueStory");
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static gboolean
store_ready (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();
  TsBacklogStore *store = view != NULL ? ts_project_view_get_store (view) : NULL;

  return store != NULL && ts_backlog_store_get_status (store) == TS_BACKLOG_STORE_READY;
}

static gboolean
no_window_of_type (gpointer type)
{
  return app_test_find_window (GPOINTER_TO_SIZE (type)) == NULL;
}

/* Opens the local backlog from the welcome page, empty, as a new user's. */
static TsProjectView *
open_local_backlog (void)
{
  gtk_widget_activate (app_test_find_button (GTK_WIDGET (app_test_main_window ()),
                                             "Start a Local Backlog"));
  app_test_wait_until (store_ready, NULL, 60, "the local backlog");
  app_test_settle (500);
  return app_test_project_view ();
}

/* /app/focus/empty-after-shortcuts: on an empty project, with the
 * shortcuts window opened and closed, `a` and Ctrl+Shift+N open New
 * Story and Ctrl+F the search. */

static gboolean
new_story_open (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();

  return gtk_widget_get_mapped (view->new_entry);
}

static gboolean
searching (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();

  return gtk_search_bar_get_search_mode (view->search_bar);
}

static gboolean
not_searching (gpointer user_data)
{
  return !searching (NULL);
}

static void
shortcuts_round_trip (GtkWidget *window)
{
  GtkWidget *overlay;

  g_assert_true (gtk_widget_activate_action (window, "win.show-help-overlay", NULL));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 10,
                       "the shortcuts window");
  overlay = GTK_WIDGET (app_test_find_window (GTK_TYPE_SHORTCUTS_WINDOW));
  app_test_settle (300);
  press_key (overlay, XK_Escape);
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 10,
                       "Escape to close the shortcuts window");
}

static void
close_new_story (TsProjectView *view)
{
  gtk_menu_button_popdown (GTK_MENU_BUTTON (view->new_button));
  app_test_settle (300);
}

static gboolean
main_menu_matches (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_widget_get_tooltip_text (widget), "Main Menu") == 0;
}

/* The shown Main Menu button (the sidebar's or the content's). */
static GtkWidget *
main_menu_button (GtkWidget *root)
{
  if (main_menu_matches (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = main_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Each key once after each way the focus was lost: the shortcuts window
 * opened from the Main Menu and closed, no focus at all, the focus on the
 * list hidden behind the empty state. */
typedef void (*LoseFocus) (GtkWidget *window, TsProjectView *view);

static void
lose_to_shortcuts_window (GtkWidget     *window,
                          TsProjectView *view)
{
  GtkWidget *menu = main_menu_button (window);

  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_child_focus (menu, GTK_DIR_TAB_FORWARD));
  shortcuts_round_trip (window);
}

static void
lose_to_nowhere (GtkWidget     *window,
                 TsProjectView *view)
{
  gtk_root_set_focus (GTK_ROOT (window), NULL);
}

static void
lose_to_hidden_list (GtkWidget     *window,
                     TsProjectView *view)
{
  gtk_widget_grab_focus (GTK_WIDGET (ts_project_view_get_list_view (view)));
}

static void
empty_keys_step (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  TsProjectView *view = open_local_backlog ();
  const KeySym control_shift[] = { XK_Control_L, XK_Shift_L, 0 };
  const KeySym control[] = { XK_Control_L, 0 };
  const LoseFocus losses[] = { lose_to_shortcuts_window, lose_to_nowhere, lose_to_hidden_list };
  GtkWidget *focus;

  g_assert_cmpint (ts_project_view_get_story_count (view), ==, 0);
  /* Opened empty, the focus is on the page's New Story button. */
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_get_mapped (focus));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (view)));

  for (guint i = 0; i < G_N_ELEMENTS (losses); i++)
    {
      losses[i] (window, view);
      press_key (window, XK_a);
      app_test_wait_until (new_story_open, NULL, 5, "`a` to open New Story");
      close_new_story (view);

      losses[i] (window, view);
      press_keys (window, XK_n, control_shift);
      app_test_wait_until (new_story_open, NULL, 5, "Ctrl+Shift+N to open New Story");
      close_new_story (view);

      losses[i] (window, view);
      press_keys (window, XK_f, control);
      app_test_wait_until (searching, NULL, 5, "Ctrl+F to open the search");
      /* Escape in the search closes it; the focus goes back to the view. */
      press_key (window, XK_Escape);
      app_test_wait_until (not_searching, NULL, 5, "Escape to close the search");
      focus = gtk_root_get_focus (GTK_ROOT (window));
      g_assert_true (focus != NULL && gtk_widget_get_mapped (focus) &&
                     gtk_widget_is_ancestor (focus, GTK_WIDGET (view)));
    }
}

static void
test_empty_after_shortcuts (void)
{
  reset_settings ();
  run_app (empty_keys_step, NULL);
}

/* /app/focus/state-button-then-s: a click on a row's Start button makes
 * that row the one `s` advances, not the row selected before. */

static gboolean
no_connect_window (gpointer user_data)
{
  return app_test_find_window (TS_TYPE_CONNECT_WINDOW) == NULL;
}

/* Signs in as Ada and shows @project, its rows @titles on screen. */
static TsProjectView *
open_project (const char  *project,
              const char **titles)
{
  app_test_sign_in (server->base_url, "ada@example.org", "analytical");
  app_test_wait_until (no_connect_window, NULL, 30, "the sign-in");
  app_test_wait_until (store_ready, NULL, 30, "the project to load");
  g_assert_cmpstr (ts_project_get_name (ts_project_view_get_project (app_test_project_view ())),
                   ==, project);
  for (guint i = 0; titles != NULL && titles[i] != NULL; i++)
    app_test_wait_until (app_test_row_shown, (gpointer) titles[i], 20, titles[i]);
  app_test_settle (300);
  return app_test_project_view ();
}

static TsStoryState
state_of (gint64 story_id)
{
  TsStory *story = ts_backlog_store_lookup (ts_project_view_get_store (app_test_project_view ()),
                                            story_id);

  g_assert_nonnull (story);
  return ts_story_get_state (story);
}

typedef struct {
  gint64 story_id;
  TsStoryState state;
} StateWait;

static gboolean
in_state (gpointer user_data)
{
  StateWait *wait = user_data;

  return state_of (wait->story_id) == wait->state;
}

/* An AppCondition: the keys' row is the story @user_data points to. */
static gboolean
selected_is (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();
  gpointer item = ts_project_view_get_selected_item (view);

  return TS_IS_BACKLOG_ITEM (item) && ts_backlog_item_get_id (item) == *(gint64 *) user_data;
}

static gboolean
side_row_shown (gpointer title)
{
  TsProjectView *view = app_test_project_view ();

  return gtk_widget_get_mapped (GTK_WIDGET (view->side_list)) &&
         app_test_find_label (GTK_WIDGET (view->side_list), title) != NULL;
}

static gboolean
editor_shown (gpointer user_data)
{
  TsStoryEditor *editor = ts_story_editor_find (ts_project_view_get_store (app_test_project_view ()),
                                                *(gint64 *) user_data);

  return editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor));
}

static void
state_button_step (gpointer user_data)
{
  const gint64 *ids = user_data;
  const char *titles[] = { "Alpha", "Beta", NULL };
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  TsProjectView *view = open_project ("Rocket", titles);
  StateWait beta_started = { ids[1], TS_STORY_STATE_STARTED };
  StateWait beta_finished = { ids[1], TS_STORY_STATE_FINISHED };
  GtkWidget *start;

  /* Alpha selected with a click on its title. */
  click (app_test_find_label (app_test_row_showing ("Alpha"), "Alpha"));
  app_test_wait_until (selected_is, (gpointer) &ids[0], 5, "Alpha selected by a click");

  start = app_test_find_button (app_test_row_showing ("Beta"), "Start");
  g_assert_nonnull (start);
  click (start);
  app_test_wait_until (in_state, &beta_started, 10, "Beta started by its button");

  press_key (window, XK_s);
  app_test_wait_until (in_state, &beta_finished, 10, "`s` to finish Beta, whose button was clicked");
  g_assert_cmpint (state_of (ids[0]), ==, TS_STORY_STATE_UNSTARTED);

  /* Wide, the Icebox is a list of its own: a row clicked there is the
   * one Enter opens, not the plan's row selected before. */
  app_test_set_width (1400);
  app_test_wait_until (side_row_shown, (gpointer) "Gamma", 10, "“Gamma” in the Icebox column");
  click (app_test_find_label (app_test_row_showing ("Alpha"), "Alpha"));
  app_test_wait_until (selected_is, (gpointer) &ids[0], 5, "Alpha selected by a click");
  click (app_test_find_label (GTK_WIDGET (view->side_list), "Gamma"));
  app_test_wait_until (selected_is, (gpointer) &ids[2], 5, "Gamma selected by a click");
  g_assert_null (gtk_single_selection_get_selected_item (view->selection));
  press_key (window, XK_Return);
  app_test_wait_until (editor_shown, (gpointer) &ids[2], 10, "Enter to open Gamma, clicked last");
  g_assert_null (ts_story_editor_find (ts_project_view_get_store (view), ids[0]));
  gtk_window_destroy (GTK_WINDOW (ts_story_editor_find (ts_project_view_get_store (view), ids[2])));
}

static void
test_state_button_then_s (void)
{
  g_autofree char *body = NULL;
  gint64 project_id, ids[3];

  reset_settings ();
  project_id = test_server_create_project (server, ada_token, "{\"name\": \"Rocket\"}");
  ids[0] = test_server_create_story (server, ada_token, project_id,
                                     "{\"title\": \"Alpha\", \"type\": \"feature\", "
                                     "\"estimate\": 1, \"state\": \"unstarted\"}");
  ids[1] = test_server_create_story (server, ada_token, project_id,
                                     "{\"title\": \"Beta\", \"type\": \"feature\", "
                                     "\"estimate\": 1, \"state\": \"unstarted\"}");
  ids[2] = test_server_create_story (server, ada_token, project_id,
                                     "{\"title\": \"Gamma\", \"type\": \"chore\", "
                                     "\"state\": \"unscheduled\"}");
  run_app (state_button_step, ids);
}

/* /app/focus/local-port-kept: the local backlog's server listens where it
 * did last time, unless that port is taken. */

static void
local_url_step (gpointer user_data)
{
  char **url = user_data;
  GtkWidget *start = app_test_find_button (GTK_WIDGET (app_test_main_window ()),
                                           "Start a Local Backlog");

  /* The first launch asks; the next ones open it as the last one left. */
  if (start != NULL)
    gtk_widget_activate (start);
  app_test_wait_until (store_ready, NULL, 60, "the local backlog");
  *url = g_strdup (ts_session_get_server_url (ts_window_get_session (app_test_main_window ())));
}

static char *
launch_local (void)
{
  char *url = NULL;

  run_app (local_url_step, &url);
  g_assert_nonnull (url);
  return url;
}

static guint16
port_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return (guint16) g_uri_get_port (uri);
}

/* Someone else listening on 127.0.0.1:@port. */
static GSocket *
occupy (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (socket, &error));
  return socket;
}

static void
test_local_port_kept (void)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *fourth = NULL;
  g_autofree char *data_dir = ts_session_dup_local_data_dir ();
  g_autofree char *ini = g_build_filename (data_dir, "local-server.ini", NULL);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GSocket) taken = NULL;

  reset_settings ();
  first = launch_local ();
  second = launch_local ();
  g_assert_cmpstr (second, ==, first);

  /* Taken by someone else: another port, which is kept from then on. */
  taken = occupy (port_of (first));
  third = launch_local ();
  g_assert_cmpuint (port_of (third), !=, port_of (first));
  g_clear_object (&taken);
  fourth = launch_local ();
  g_assert_cmpstr (fourth, ==, third);

  g_assert_true (g_file_get_contents (ini, &text, NULL, NULL));
  expected = g_strdup_printf ("port=%u", port_of (third));
  g_assert_nonnull (strstr (text, expected));
}

/* /app/focus/local-port-lost: the kept port is free when the app looks
 * but taken when the server binds (someone was quicker): the server is
 * started again on any port, which is kept. A stand-in server program
 * refuses every port but 0, as a server finding its port taken does. */

static void
test_local_port_lost (void)
{
  g_autofree char *data_dir = ts_session_dup_local_data_dir ();
  g_autofree char *ini = g_build_filename (data_dir, "local-server.ini", NULL);
  g_autofree char *stand_in = g_build_filename (app_test_home (), "quick-taker.sh", NULL);
  g_autofree char *script = NULL;
  g_autofree char *real = g_strdup (g_getenv ("TRUESTORY_SERVER"));
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GSocket) probe = occupy (0);
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (probe, NULL);
  guint16 lost = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));

  /* A port free when the app looks. */
  g_clear_object (&probe);
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  text = g_strdup_printf ("[server]\nport=%u\n", lost);
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  g_clear_pointer (&text, g_free);
  script = g_strdup_printf ("#!/bin/sh\n"
                            "case \" $* \" in\n"
                            "  *\" --listen 127.0.0.1:0 \"*) ;;\n"
                            "  *\" --listen \"*) echo \"Error binding: Address already in use\" >&2; exit 1 ;;\n"
                            "esac\n"
                            "exec '%s' \"$@\"\n", real);
  g_assert_true (g_file_set_contents (stand_in, script, -1, NULL));
  g_assert_cmpint (g_chmod (stand_in, 0700), ==, 0);

  reset_settings ();
  g_setenv ("TRUESTORY_SERVER", stand_in, TRUE);
  url = launch_local ();
  g_setenv ("TRUESTORY_SERVER", real, TRUE);

  g_assert_cmpuint (port_of (url), !=, lost);
  g_assert_true (g_file_get_contents (ini, &text, NULL, NULL));
  expected = g_strdup_printf ("port=%u", port_of (url));
  g_assert_nonnull (strstr (text, expected));
}

/* /app/focus/token-refused: the token revoked while the app is open (the
 * session signed out from elsewhere); the next request's 401 brings the
 * sign-in prompt, and signing in again goes on where the person was. */

static gboolean
connect_window_shown (gpointer user_data)
{
  return app_test_window_shown (GSIZE_TO_POINTER (TS_TYPE_CONNECT_WINDOW));
}

static const char *
session_token (void)
{
  return ts_api_client_get_token (ts_session_get_client (ts_window_get_session (app_test_main_window ())));
}

static void
token_refused_step (gpointer user_data)
{
  const char *titles[] = { "Probe", NULL };
  TsProjectView *view = open_project ("Apogee", titles);
  g_autofree char *token = g_strdup (session_token ());
  g_autoptr(TestResponse) response = NULL;
  GtkWidget *dialog;

  /* Signed out from another client with the same token. */
  response = test_request (server, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (response->status, <, 300);
  g_assert_null (app_test_find_window (TS_TYPE_CONNECT_WINDOW));

  ts_project_view_new_story (view, "After the end", FALSE);
  app_test_wait_until (connect_window_shown, NULL, 20, "the sign-in prompt");
  dialog = GTK_WIDGET (app_test_find_window (TS_TYPE_CONNECT_WINDOW));
  g_assert_nonnull (app_test_find_label_containing (dialog, "Your sign-in has ended"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (app_test_expect_row (dialog, "Email"))),
                   ==, "ada@example.org");
  app_test_screenshot (dialog, "app-focus-sign-in-again");

  app_test_set_row (dialog, "Password", "analytical");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (no_connect_window, NULL, 30, "the sign-in again");
  app_test_wait_until (store_ready, NULL, 30, "the project again");
  app_test_wait_until (app_test_row_shown, (gpointer) "Probe", 20, "“Probe” again");
  g_assert_cmpstr (session_token (), !=, token);
  /* One prompt, not one per refused request. */
  app_test_settle (500);
  g_assert_null (app_test_find_window (TS_TYPE_CONNECT_WINDOW));
}

static void
test_token_refused (void)
{
  gint64 project_id;

  reset_settings ();
  project_id = test_server_create_project (server, ada_token, "{\"name\": \"Apogee\"}");
  test_server_create_story (server, ada_token, project_id,
                            "{\"title\": \"Probe\", \"type\": \"chore\"}");
  run_app (token_refused_step, NULL);
}

/* /app/focus/project-deleted-header: the project open here deleted by
 * someone else: the header no longer says "Live" nor shows a velocity. */

static gboolean
live_shown (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();

  return gtk_widget_get_mapped (view->status_box) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (view->status_label)), "Live") == 0;
}

static gboolean
unavailable_shown (gpointer user_data)
{
  return app_test_find_label (GTK_WIDGET (app_test_main_window ()), "Project Unavailable") != NULL;
}

static void
project_deleted_step (gpointer user_data)
{
  const char *titles[] = { "Wind", NULL };
  TsProjectView *view = open_project ("Aeolus", titles);
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT,
                                           *(gint64 *) user_data);
  g_autoptr(TestResponse) response = NULL;

  app_test_wait_until (live_shown, NULL, 20, "“Live” in the header");
  g_assert_true (gtk_widget_get_mapped (view->velocity_button));

  /* Deleted by another client of the same person (another window). */
  response = test_request (server, "DELETE", path, ada_token, NULL);
  g_assert_cmpuint (response->status, <, 300);
  app_test_wait_until (unavailable_shown, NULL, 20, "the project shown as gone");
  app_test_settle (300);
  g_assert_false (gtk_widget_get_mapped (view->status_box));
  g_assert_null (app_test_find_label (window, "Live"));
  g_assert_false (gtk_widget_get_mapped (view->velocity_button));
  screenshots (window, TRUE, "app-focus-project-deleted");
}

static void
test_project_deleted_header (void)
{
  gint64 project_id;

  reset_settings ();
  project_id = test_server_create_project (server, ada_token, "{\"name\": \"Aeolus\"}");
  test_server_create_story (server, ada_token, project_id,
                            "{\"title\": \"Wind\", \"type\": \"feature\", \"estimate\": 2}");
  run_app (project_deleted_step, &project_id);
}

/* /app/focus/error-toast-whole: a refused change's toast, in a 360 px
 * window, reads whole: the story and the reason, no ellipsis. */

#define LONG_TITLE "Calibrate the long-range telemetry antenna"

static gboolean
error_toast_shown (gpointer user_data)
{
  GtkWidget *label = app_test_find_label_containing (GTK_WIDGET (app_test_main_window ()),
                                                     "Could not save");

  return label != NULL && gtk_widget_get_mapped (label) && gtk_widget_get_width (label) > 0;
}

static void
error_toast_step (gpointer user_data)
{
  const char *titles[] = { LONG_TITLE, NULL };
  TsProjectView *view = open_project ("Aether", titles);
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *label;
  GtkWidget *toast;
  graphene_rect_t bounds;

  app_test_set_width (360);
  /* Narrow, the sidebar shows first: to the project, as a click on it. */
  adw_leaflet_navigate (ADW_LEAFLET (app_test_find_descendant (window, ADW_TYPE_LEAFLET)),
                        ADW_NAVIGATION_DIRECTION_FORWARD);
  app_test_settle (500);
  /* 4 points is off the project's Fibonacci scale: the server refuses. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "backlog.estimate", "(xi)",
                                             *(gint64 *) user_data, 4));
  app_test_wait_until (error_toast_shown, NULL, 20, "the error toast");
  app_test_settle (700);
  label = app_test_find_label_containing (window, "Could not save");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                   "Could not save “" LONG_TITLE "”: the server does not accept the estimate");
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  /* The toast, its Retry and its close button inside the window. */
  for (toast = label; toast != NULL && g_strcmp0 (gtk_widget_get_css_name (toast), "toast") != 0;
       toast = gtk_widget_get_parent (toast))
    ;
  g_assert_nonnull (toast);
  g_assert_true (gtk_widget_compute_bounds (toast, window, &bounds));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (window));
  g_assert_nonnull (app_test_find_button (toast, "Retry"));
  /* Its parts side by side inside it: a title too wide for the window
   * pushed the button out over its edge and the close button out of it. */
  {
    double right = bounds.origin.x;

    for (GtkWidget *part = gtk_widget_get_first_child (toast); part != NULL;
         part = gtk_widget_get_next_sibling (part))
      {
        graphene_rect_t part_bounds;

        g_assert_true (gtk_widget_compute_bounds (part, window, &part_bounds));
        g_assert_cmpfloat (part_bounds.origin.x, >=, right);
        right = part_bounds.origin.x + part_bounds.size.width;
      }
    g_assert_cmpfloat (right, <=, bounds.origin.x + bounds.size.width);
  }
  /* Wide, the same toast reads in two lines, not a column of six: its
   * lines follow the window's width. */
  app_test_set_width (1400);
  label = app_test_find_label_containing (window, "Could not save");
  g_assert_nonnull (label);
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label))), <=, 2);
  screenshots (window, TRUE, "app-focus-error-toast");
}

static void
test_error_toast_whole (void)
{
  gint64 project_id, story_id;

  reset_settings ();
  project_id = test_server_create_project (server, ada_token, "{\"name\": \"Aether\"}");
  story_id = test_server_create_story (server, ada_token, project_id,
                                       "{\"title\": \"" LONG_TITLE "\", \"type\": \"feature\", "
                                       "\"estimate\": 2}");
  run_app (error_toast_step, &story_id);
}

/* /app/focus/conflict-names-my-title: the conflict dialog names the story
 * by the title this person knew, and tells the other person's rename as
 * their change. The conflict is made up (an estimate both changed, the
 * other person also renaming the story), as the store hands it over. */

static GtkWidget *
message_dialog (void)
{
  GtkWindow *dialog = app_test_find_window (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)) ? GTK_WIDGET (dialog) : NULL;
}

static gboolean
message_dialog_shown (gpointer user_data)
{
  return message_dialog () != NULL;
}

static void
conflict_step (gpointer user_data)
{
  const char *titles[] = { "Probe", NULL };
  TsProjectView *view = open_project ("Aaron", titles);
  TsBacklogStore *store = ts_project_view_get_store (view);
  TsStory *story = ts_backlog_store_lookup (store, *(gint64 *) user_data);
  g_autoptr(TsStory) mine = ts_story_copy (story);
  g_autoptr(TsStory) theirs = ts_story_copy (story);
  TsStoryConflict conflict = { *(gint64 *) user_data, mine, theirs,
                               TS_STORY_FIELD_ESTIMATE, TS_STORY_FIELD_ESTIMATE };
  GtkWidget *dialog;

  ts_story_set_estimate (mine, 3);
  ts_story_set_estimate (theirs, 5);
  ts_story_set_title (theirs, "Deep-space probe");
  ts_conflict_dialog_present (GTK_WIDGET (view), store, &conflict);
  app_test_wait_until (message_dialog_shown, NULL, 10, "the conflict dialog");
  dialog = message_dialog ();
  g_assert_nonnull (app_test_find_label_containing (
    dialog, "Someone else changed “Probe” while you were editing it, and renamed it "
            "“Deep-space probe”."));
  screenshots (dialog, FALSE, "app-focus-conflict-renamed");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Both renamed it: the comparison shows both titles, the question
   * names the story as this person has it. */
  ts_story_set_title (mine, "Mars probe");
  conflict.fields |= TS_STORY_FIELD_TITLE;
  conflict.my_fields |= TS_STORY_FIELD_TITLE;
  ts_conflict_dialog_present (GTK_WIDGET (view), store, &conflict);
  app_test_wait_until (message_dialog_shown, NULL, 10, "the conflict dialog again");
  dialog = message_dialog ();
  g_assert_nonnull (app_test_find_label_containing (
    dialog, "Someone else changed “Mars probe” while you were editing it. Keep"));
  g_assert_nonnull (app_test_find_label (dialog, "Deep-space probe"));
  g_assert_null (app_test_find_label_containing (dialog, "renamed"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_conflict_names_my_title (void)
{
  gint64 project_id, story_id;

  reset_settings ();
  /* First by name, so the one shown. */
  project_id = test_server_create_project (server, ada_token, "{\"name\": \"Aaron\"}");
  story_id = test_server_create_story (server, ada_token, project_id,
                                       "{\"title\": \"Probe\", \"type\": \"feature\", "
                                       "\"estimate\": 1}");
  run_app (conflict_step, &story_id);
}

/* /app/focus/narrow-width-kept: a window made 360 px wide opens as wide
 * at the next launch, with its project shown narrow. */

static int narrow_width;

static void
narrow_step (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  char *url = NULL;

  local_url_step (&url);
  g_free (url);
  app_test_set_width (360);
  narrow_width = gtk_widget_get_width (window);
  g_assert_cmpint (narrow_width, <=, 360);
}

static gboolean
width_is (gpointer user_data)
{
  return gtk_widget_get_width (GTK_WIDGET (app_test_main_window ())) == GPOINTER_TO_INT (user_data);
}

static void
narrow_again_step (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  int width, height;

  app_test_wait_until (store_ready, NULL, 60, "the local backlog again");
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 360);
  app_test_settle (500);
  app_test_wait_until (width_is, GINT_TO_POINTER (narrow_width), 10, "the window as narrow again");
  g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (app_test_find_descendant (window,
                                                                                ADW_TYPE_LEAFLET))));
  g_assert_true (app_test_project_view ()->narrow);
  app_test_screenshot (window, "app-focus-narrow-again");
}

static void
test_narrow_width_kept (void)
{
  reset_settings ();
  run_app (narrow_step, NULL);
  run_app (narrow_again_step, NULL);
}

/* /app/focus/local-token-refused: a local backlog whose token is refused
 * signs in again by itself (its password is kept beside its data): no
 * prompt for a password nobody knows. */

static gboolean
signed_in_again (gpointer user_data)
{
  TsWindow *window = app_test_main_window ();
  TsSession *session = ts_window_get_session (window);

  return session != NULL && g_strcmp0 (session_token (), user_data) != 0 && store_ready (NULL);
}

static void
local_token_refused_step (gpointer user_data)
{
  char *url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(TestResponse) response = NULL;
  TestServer local = { 0, };

  local_url_step (&url);
  token = g_strdup (session_token ());
  /* Signed out from elsewhere. */
  local.base_url = url;
  local.session = soup_session_new ();
  response = test_request (&local, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (response->status, <, 300);
  g_object_unref (local.session);
  g_free (url);

  ts_project_view_new_story (app_test_project_view (), "After the local end", FALSE);
  app_test_wait_until (signed_in_again, token, 30, "the local backlog signed in again");
  g_assert_null (app_test_find_window (TS_TYPE_CONNECT_WINDOW));
}

static void
test_local_token_refused (void)
{
  reset_settings ();
  run_app (local_token_refused_step, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no X display (run under xvfb-run)\n");
      return 77;
    }
  app_test_isolate ();
  /* Real clicks and keys go through XTest. */
  gdk_set_allowed_backends ("x11");

  server = test_server_start (NULL);
  ada_token = app_test_add_signed_in (server, &app_test_ada);

  g_test_add_func ("/app/focus/empty-after-shortcuts", test_empty_after_shortcuts);
  g_test_add_func ("/app/focus/state-button-then-s", test_state_button_then_s);
  g_test_add_func ("/app/focus/local-port-kept", test_local_port_kept);
  g_test_add_func ("/app/focus/local-port-lost", test_local_port_lost);
  g_test_add_func ("/app/focus/token-refused", test_token_refused);
  g_test_add_func ("/app/focus/local-token-refused", test_local_token_refused);
  g_test_add_func ("/app/focus/project-deleted-header", test_project_deleted_header);
  g_test_add_func ("/app/focus/error-toast-whole", test_error_toast_whole);
  g_test_add_func ("/app/focus/conflict-names-my-title", test_conflict_names_my_title);
  g_test_add_func ("/app/focus/narrow-width-kept", test_narrow_width_kept);

  status = g_test_run ();
  g_free (ada_token);
  test_server_stop (server);
  app_test_cleanup ();
  return status;
}
