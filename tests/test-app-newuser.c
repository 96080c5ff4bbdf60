/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What a new user hit (issue 13, item 5), each as they met it: settings
 * that outlive the app without a session bus, the page of an account
 * without projects, typing a project's name into New Project, a click on
 * the selected project in the narrow layout, the project and window size
 * remembered, and a local backlog whose server already runs. Clicks and
 * keys are real X events (XTest) on the Xvfb display. */

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-connect-window.h"
#include "ts-new-project-window.h"
#include "ts-project-view.h"
#include "ts-session.h"
#include "ts-story-editor.h"
#include "ts-backlog-item.h"
#include "ts-window.h"

typedef void (*Step) (gpointer user_data);

typedef struct {
  Step step;
  gpointer user_data;
} Run;

static TestServer *server;

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

/* Types ASCII @text into the window under the pointer, key by key. */
static void
type_into (GtkWidget  *window,
           const char *text)
{
  Display *display = x_display ();
  KeyCode shift = XKeysymToKeycode (display, XK_Shift_L);
  int x, y;

  widget_centre (window, &x, &y);
  XTestFakeMotionEvent (display, -1, x, y, CurrentTime);
  XSetInputFocus (display, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))),
                  RevertToParent, CurrentTime);
  XFlush (display);
  app_test_settle (300);
  for (const char *p = text; *p != '\0'; p++)
    {
      KeyCode code = XKeysymToKeycode (display, *p == ' ' ? XK_space : (KeySym) *p);

      g_assert_cmpint (code, !=, 0);
      if (g_ascii_isupper (*p))
        XTestFakeKeyEvent (display, shift, True, CurrentTime);
      XTestFakeKeyEvent (display, code, True, CurrentTime);
      XTestFakeKeyEvent (display, code, False, CurrentTime);
      if (g_ascii_isupper (*p))
        XTestFakeKeyEvent (display, shift, False, CurrentTime);
      XFlush (display);
      app_test_settle (50);
    }
  app_test_settle (300);
}

/* Presses @keysym (with Control when @control) in @window, as a person
 * does: the X focus on the window, a real key event. */
static void
press_key (GtkWidget *window,
           KeySym     keysym,
           gboolean   control)
{
  Display *display = x_display ();
  KeyCode code = XKeysymToKeycode (display, keysym);
  KeyCode ctrl = XKeysymToKeycode (display, XK_Control_L);

  g_assert_cmpint (code, !=, 0);
  XSetInputFocus (display, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))),
                  RevertToParent, CurrentTime);
  XFlush (display);
  app_test_settle (300);
  if (control)
    XTestFakeKeyEvent (display, ctrl, True, CurrentTime);
  XTestFakeKeyEvent (display, code, True, CurrentTime);
  XTestFakeKeyEvent (display, code, False, CurrentTime);
  if (control)
    XTestFakeKeyEvent (display, ctrl, False, CurrentTime);
  XFlush (display);
  app_test_settle (300);
}

/* Running the app. */

static void
activate_cb (GApplication *app,
             Run          *run)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  run->step (run->user_data);
  /* Quit as Ctrl+Q does, then close what is left. */
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
label_shown (gpointer user_data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (window) && app_test_find_label (window, user_data) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
label_gone (gpointer user_data)
{
  return !label_shown (user_data);
}

static gboolean
label_containing_shown (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());

  return window != NULL && app_test_find_label_containing (window, user_data) != NULL;
}

/* The sidebar's row showing @name, when the sidebar is shown. */
static GtkWidget *
sidebar_row (const char *name)
{
  GtkWidget *list = app_test_sidebar_list (GTK_WIDGET (app_test_main_window ()));

  if (list == NULL || !gtk_widget_get_mapped (list))
    return NULL;
  return app_test_find_label (list, name);
}

static gboolean
sidebar_has (gpointer name)
{
  return sidebar_row (name) != NULL;
}

static const char *
shown_project (void)
{
  TsProjectView *view = app_test_project_view ();
  TsProject *project = view != NULL ? ts_project_view_get_project (view) : NULL;

  return project != NULL ? ts_project_get_name (project) : NULL;
}

static gboolean
project_shown (gpointer name)
{
  return g_strcmp0 (shown_project (), name) == 0;
}

static gboolean
no_window_of_type (gpointer type)
{
  return app_test_find_window (GPOINTER_TO_SIZE (type)) == NULL;
}

/* Signs in to the test server from the welcome page, as a person does. */
static void
connect_as (const char *email,
            const char *password)
{
  app_test_sign_in (server->base_url, email, password);
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (TS_TYPE_CONNECT_WINDOW), 30,
                       "the sign-in");
}

/* Ada with two projects; Eve, in none. */
static void
seed (void)
{
  static const AppTestPerson eve = { "eve@example.org", "Eve", "serpentine" };
  g_autofree char *ada_token = app_test_add_signed_in (server, &app_test_ada);

  app_test_add_person (server, &eve);
  app_test_seed_project_named (server, ada_token, "Gemini");
  app_test_seed_project_named (server, ada_token, "Apollo");
}

/* @height -1: the window's natural height (a dialog). */
static void
screenshots (GtkWidget  *window,
             int         height_wanted,
             const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const struct { int width; AdwColorScheme scheme; const char *suffix; } shots[] = {
    { 360, ADW_COLOR_SCHEME_FORCE_LIGHT, "360-light" },
    { 360, ADW_COLOR_SCHEME_FORCE_DARK, "360-dark" },
    { 1400, ADW_COLOR_SCHEME_FORCE_LIGHT, "1400-light" },
    { 1400, ADW_COLOR_SCHEME_FORCE_DARK, "1400-dark" },
  };
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  for (guint i = 0; i < G_N_ELEMENTS (shots); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s-%s", name, shots[i].suffix);

      adw_style_manager_set_color_scheme (style, shots[i].scheme);
      /* Twice: a window shrinks as far as its minimum allows, and going
       * narrow lowers the minimum. */
      for (guint j = 0; j < 2; j++)
        {
          gtk_window_set_default_size (GTK_WINDOW (window), shots[i].width, height_wanted);
          app_test_settle (500);
        }
      g_assert_cmpint (gtk_widget_get_width (window), <=, shots[i].width);
      app_test_screenshot (window, file);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  app_test_settle (300);
}

/* /app/newuser/settings-without-bus: two launches, two processes, no
 * session bus and no backend chosen by the environment, as `meson devenv
 * -C build truestory` runs on a bare X server. */

static void
sign_in_step (gpointer user_data)
{
  connect_as ("ada@example.org", "analytical");
  app_test_wait_until (sidebar_has, (gpointer) "Gemini", 30, "“Gemini” in the sidebar");
}

static void
restored_step (gpointer user_data)
{
  /* The server connection is remembered: no welcome page. */
  app_test_wait_until (sidebar_has, (gpointer) "Gemini", 30, "“Gemini” in the sidebar again");
  g_assert_null (app_test_find_label (GTK_WIDGET (app_test_main_window ()),
                                      "Welcome to TrueStory"));
}

static void
test_settings_without_bus (void)
{
  g_autofree char *keyfile = NULL;
  g_autofree char *text = NULL;

  if (g_test_subprocess ())
    {
      const char *launch = g_getenv ("NEWUSER_LAUNCH");

      /* As in a shell: the server's address from the parent. */
      server = g_new0 (TestServer, 1);
      server->base_url = g_strdup (g_getenv ("NEWUSER_SERVER"));
      run_app (g_str_equal (launch, "first") ? sign_in_step : restored_step, NULL);
      g_free (server->base_url);
      g_clear_pointer (&server, g_free);
      return;
    }

  g_setenv ("NEWUSER_SERVER", server->base_url, TRUE);
  g_unsetenv ("GSETTINGS_BACKEND");
  g_setenv ("NEWUSER_LAUNCH", "first", TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_setenv ("NEWUSER_LAUNCH", "second", TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  /* Where they went: a key file in the user's config folder. */
  keyfile = g_build_filename (g_get_user_config_dir (), "glib-2.0", "settings", "keyfile", NULL);
  g_assert_true (g_file_get_contents (keyfile, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "account='server'"));
}

/* /app/newuser/empty-state: an account without projects gets a page that
 * offers the first one, and says nothing false about the connection. */

static void
empty_state_step (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *button;
  GtkWidget *dialog;

  connect_as ("eve@example.org", "serpentine");
  app_test_wait_until (label_shown, (gpointer) "No Projects Yet", 30, "the empty state");
  g_assert_null (app_test_find_label_containing (window, "Offline"));
  g_assert_nonnull (app_test_find_label (window, "eve@example.org"));
  button = app_test_find_button (window, "Create a Project");
  g_assert_nonnull (button);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == button);
  screenshots (window, 700, "app-newuser-empty");

  /* The offer works. */
  click (button);
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_NEW_PROJECT_WINDOW), 10,
                       "the New Project dialog");
  dialog = GTK_WIDGET (app_test_find_window (TS_TYPE_NEW_PROJECT_WINDOW));
  app_test_set_row (dialog, "Name", "Eden");
  g_assert_true (gtk_widget_activate_action (dialog, "project.create", NULL));
  app_test_wait_until (project_shown, (gpointer) "Eden", 30, "“Eden” shown");
  app_test_wait_until (label_gone, (gpointer) "No Projects Yet", 10, "the empty state to go");
  g_assert_nonnull (sidebar_row ("Eden"));
  g_assert_null (app_test_find_label_containing (window, "Offline"));
}

static void
test_empty_state (void)
{
  reset_settings ();
  run_app (empty_state_step, NULL);
}

/* /app/newuser/new-project-focus: the name field has the focus, so that
 * typing "Sprint 42" names the project rather than pressing Cancel on the
 * space. */

static void
new_project_step (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *dialog;
  GtkWidget *row;
  GtkWidget *focus;

  connect_as ("ada@example.org", "analytical");
  app_test_wait_until (sidebar_has, (gpointer) "Gemini", 30, "“Gemini” in the sidebar");
  g_assert_true (gtk_widget_activate_action (window, "win.new-project", NULL));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_NEW_PROJECT_WINDOW), 10,
                       "the New Project dialog");
  dialog = GTK_WIDGET (app_test_find_window (TS_TYPE_NEW_PROJECT_WINDOW));
  app_test_settle (300);
  row = app_test_find_row (dialog, "Name");
  focus = gtk_root_get_focus (GTK_ROOT (dialog));
  g_assert_nonnull (focus);
  g_assert_true (focus == row || gtk_widget_is_ancestor (focus, row));

  type_into (dialog, "Sprint 42");
  g_assert_true (app_test_find_window (TS_TYPE_NEW_PROJECT_WINDOW) == GTK_WINDOW (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "Sprint 42");
  screenshots (dialog, -1, "app-newuser-new-project");
  /* Escape (from ts-accels.c's dialog bindings) closes it. */
  press_key (dialog, XK_Escape, FALSE);
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (TS_TYPE_NEW_PROJECT_WINDOW), 10,
                       "Escape to close the New Project dialog");
}

static void
test_new_project_focus (void)
{
  reset_settings ();
  run_app (new_project_step, NULL);
}

/* /app/newuser/editor-keys: Escape and Ctrl+W close the story editor, with
 * the keys of ts-accels.c's dialog scope. */

static void
open_editor (TsProjectView *view,
             gint64         story_id)
{
  ts_project_view_open_story (view, ts_project_get_id (ts_project_view_get_project (view)), story_id);
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_STORY_EDITOR), 10,
                       "the story editor");
}

static gint64
first_story_id (TsProjectView *view)
{
  TsBacklogModel *model = ts_project_view_get_model (view);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      /* Not the local stand-in while the server has not answered. */
      if (TS_IS_BACKLOG_ITEM (item) && ts_backlog_item_get_story (TS_BACKLOG_ITEM (item)) != NULL &&
          ts_story_get_id (ts_backlog_item_get_story (TS_BACKLOG_ITEM (item))) > 0)
        return ts_story_get_id (ts_backlog_item_get_story (TS_BACKLOG_ITEM (item)));
    }
  return 0;
}

static gboolean
has_story (gpointer view)
{
  return first_story_id (view) != 0;
}

static gboolean
store_ready (gpointer view)
{
  TsBacklogStore *store = ts_project_view_get_store (view);

  return store != NULL && ts_backlog_store_get_status (store) == TS_BACKLOG_STORE_READY;
}

static void
editor_keys_step (gpointer user_data)
{
  TsProjectView *view;
  gint64 story_id;

  connect_as ("ada@example.org", "analytical");
  app_test_wait_until (project_shown, (gpointer) "Apollo", 30, "“Apollo”, the first");
  view = app_test_project_view ();
  app_test_wait_until (store_ready, view, 20, "the backlog to load");
  ts_project_view_new_story (view, "Close me with a key", FALSE);
  app_test_wait_until (has_story, view, 20, "the new story");
  story_id = first_story_id (view);

  open_editor (view, story_id);
  press_key (GTK_WIDGET (app_test_find_window (TS_TYPE_STORY_EDITOR)), XK_Escape, FALSE);
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (TS_TYPE_STORY_EDITOR), 10,
                       "Escape to close the story editor");

  open_editor (view, story_id);
  press_key (GTK_WIDGET (app_test_find_window (TS_TYPE_STORY_EDITOR)), XK_w, TRUE);
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (TS_TYPE_STORY_EDITOR), 10,
                       "Ctrl+W to close the story editor");
}

static void
test_editor_keys (void)
{
  reset_settings ();
  run_app (editor_keys_step, NULL);
}

/* /app/newuser/narrow-reselect: below the breakpoint the sidebar is the
 * whole window; one click on the project already selected shows it. */

static AdwLeaflet *
leaflet (void)
{
  return ADW_LEAFLET (app_test_find_descendant (GTK_WIDGET (app_test_main_window ()),
                                                ADW_TYPE_LEAFLET));
}

static gboolean
content_shown (gpointer user_data)
{
  GtkWidget *view = GTK_WIDGET (app_test_project_view ());

  return gtk_widget_is_ancestor (view, adw_leaflet_get_visible_child (leaflet ()));
}

static gboolean
sidebar_shown (gpointer user_data)
{
  return !content_shown (NULL) && sidebar_row ("Apollo") != NULL;
}

static void
narrow_step (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  connect_as ("ada@example.org", "analytical");
  app_test_wait_until (project_shown, (gpointer) "Apollo", 30, "“Apollo” selected");
  app_test_settle (500);
  g_assert_true (adw_leaflet_get_folded (leaflet ()));
  app_test_wait_until (sidebar_shown, NULL, 10, "the sidebar");

  click (sidebar_row ("Apollo"));
  app_test_wait_until (content_shown, NULL, 10, "“Apollo” after one click on it");

  /* Back, and once more: it is not a first-time thing. */
  g_assert_true (gtk_widget_activate_action (window, "win.show-sidebar", NULL));
  app_test_wait_until (sidebar_shown, NULL, 10, "the sidebar again");
  app_test_settle (500);
  click (sidebar_row ("Apollo"));
  app_test_wait_until (content_shown, NULL, 10, "“Apollo” after a second click on it");
  g_assert_cmpstr (shown_project (), ==, "Apollo");
}

static void
test_narrow_reselect (void)
{
  reset_settings ();
  run_app (narrow_step, NULL);
}

/* /app/newuser/remembers-project-and-size: the project shown last and the
 * window's size come back on the next launch, after Ctrl+Q. */

static void
choose_gemini_step (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  connect_as ("ada@example.org", "analytical");
  app_test_wait_until (project_shown, (gpointer) "Apollo", 30, "“Apollo”, the first");
  app_test_settle (500);
  click (sidebar_row ("Gemini"));
  app_test_wait_until (project_shown, (gpointer) "Gemini", 30, "“Gemini” chosen");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  app_test_settle (300);
}

static void
remembered_step (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 720);
  app_test_wait_until (sidebar_has, (gpointer) "Gemini", 30, "the sidebar");
  app_test_settle (300);
  g_assert_cmpstr (shown_project (), ==, "Gemini");
}

static void
test_remembers_project_and_size (void)
{
  reset_settings ();
  run_app (choose_gemini_step, NULL);
  run_app (remembered_step, NULL);
}

/* /app/newuser/local-server-in-use: a server already serves the local
 * backlog's folder (another app, or someone by hand). The app uses it and
 * leaves it running; when it cannot find where it listens, it says so. */

typedef struct {
  GSubprocess *process;
  char *base_url;
} Running;

static void
start_local_step (gpointer user_data)
{
  Running *running = user_data;
  TsSession *session;

  gtk_widget_activate (app_test_find_button (GTK_WIDGET (app_test_main_window ()),
                                             "Start a Local Backlog"));
  app_test_wait_until (sidebar_has, (gpointer) "My Backlog", 60, "“My Backlog” in the sidebar");
  session = ts_window_get_session (app_test_main_window ());
  g_assert_cmpstr (ts_session_get_server_url (session), ==, running->base_url);
}

static void
held_step (gpointer user_data)
{
  g_autofree char *why = g_strdup_printf ("(process %d)", GPOINTER_TO_INT (user_data));

  gtk_widget_activate (app_test_find_button (GTK_WIDGET (app_test_main_window ()),
                                             "Start a Local Backlog"));
  app_test_wait_until (label_containing_shown, why, 30, "why the local backlog cannot open");
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (app_test_main_window ()),
                                         "Could Not Open the Backlog"));
}

static void
assert_healthy (const char *base_url)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autofree char *url = g_strconcat (base_url, "/api/v1/health", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
}

/* A process that holds the lock and never says where it listens (a
 * server still starting, or an older one). */
static pid_t
hold_lock (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "truestory-server.lock", NULL);
  int ready[2];
  pid_t pid;
  char byte;

  g_assert_cmpint (pipe (ready), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
      int fd = open (path, O_RDWR | O_CREAT, 0600);
      char text[64];

      if (fd < 0 || fcntl (fd, F_SETLK, &lock) != 0)
        _exit (1);
      snprintf (text, sizeof text, "[server]\npid=%d\n", (int) getpid ());
      if (ftruncate (fd, 0) != 0 || write (fd, text, strlen (text)) < 0 || write (ready[1], "x", 1) != 1)
        _exit (1);
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      pause ();
      _exit (0);
    }
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  close (ready[0]);
  return pid;
}

/* A server outlives no test. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
test_local_server_in_use (void)
{
  g_autofree char *data_dir = ts_session_dup_local_data_dir ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  Running running = { NULL, NULL };
  pid_t holder;

  reset_settings ();
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  running.process = g_subprocess_launcher_spawn (launcher, &error, test_server_program (),
                                                 "--listen", "127.0.0.1:0",
                                                 "--data-dir", data_dir, NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (running.process));
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  running.base_url = g_strdup (line + strlen ("listening on "));

  run_app (start_local_step, &running);
  /* The app did not start it, so it did not stop it. */
  assert_healthy (running.base_url);
  g_subprocess_send_signal (running.process, SIGTERM);
  g_subprocess_wait (running.process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&running.process);
  g_free (running.base_url);

  reset_settings ();
  holder = hold_lock (data_dir);
  g_test_expect_message ("ts-window", G_LOG_LEVEL_WARNING,
                         "Cannot open the backlog: Another TrueStory server*");
  run_app (held_step, GINT_TO_POINTER (holder));
  g_test_assert_expected_messages ();
  kill (holder, SIGTERM);
  waitpid (holder, NULL, 0);
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
  /* A launch in a subprocess keeps the home its parent made. */
  if (!g_test_subprocess ())
    app_test_isolate ();
  /* Real clicks and keys go through XTest. */
  gdk_set_allowed_backends ("x11");

  server = g_test_subprocess () ? NULL : test_server_start (NULL);
  if (server != NULL)
    seed ();

  g_test_add_func ("/app/newuser/settings-without-bus", test_settings_without_bus);
  g_test_add_func ("/app/newuser/empty-state", test_empty_state);
  g_test_add_func ("/app/newuser/new-project-focus", test_new_project_focus);
  g_test_add_func ("/app/newuser/editor-keys", test_editor_keys);
  g_test_add_func ("/app/newuser/narrow-reselect", test_narrow_reselect);
  g_test_add_func ("/app/newuser/remembers-project-and-size", test_remembers_project_and_size);
  g_test_add_func ("/app/newuser/local-server-in-use", test_local_server_in_use);

  status = g_test_run ();
  if (server != NULL)
    test_server_stop (server);
  if (!g_test_subprocess ())
    app_test_cleanup ();
  return status;
}
