/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What a planner meets in the settings and around the window (issue 14),
 * against a real team server unless said otherwise:
 *
 * - the style kept in GSettings applies at start, and Preferences' Style
 *   row changes it (follow the system, light, dark);
 * - an address that answers 501 or 404 to everything (a plain SoupServer)
 *   is "not a TrueStory server", and a closed port is named with its port;
 * - the editor's State list says Icebox, not Unscheduled;
 * - choosing a point scale that rewrites estimates says which, and Cancel
 *   keeps the old scale; Change applies it;
 * - the window is 360 px wide with a project open, minimize and maximize
 *   shown (screenshots in light and dark, 360 and 1,400 px);
 * - deleting a project from its settings, confirmed and named, takes the
 *   window to the next project; a project another member deletes leaves
 *   the sidebar while the view says why, and with none left the window
 *   offers a first one;
 * - a button's tooltip stays away while the menu it opened is up (real
 *   pointer motion through XTest), and the shortcuts window opens on one
 *   page without GTK's negative-size warnings. */

#include <errno.h>
#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <X11/extensions/XTest.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-config.h"
#include "ts-connect-window.h"
#include "ts-preferences-window.h"
#include "ts-project-settings.h"
#include "ts-scale-change.h"
#include "ts-story-editor.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *ada_token;
  char *bob_token;
  gint64 apollo_id;
  gint64 gemini_id;
  gint64 mercury_id;
  gint64 icebox_id;
  gint64 estimated_ids[4];
} Test;

/* GTK's warnings of a widget measured below zero. */
static guint negative_sizes;

static GLogWriterOutput
count_negative_sizes (GLogLevelFlags   log_level,
                      const GLogField *fields,
                      gsize            n_fields,
                      gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
        strstr (fields[i].value, "but sizes must be >= 0") != NULL)
      negative_sizes++;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
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

static gboolean
no_window_of_type (gpointer user_data)
{
  return app_test_find_window (GPOINTER_TO_SIZE (user_data)) == NULL;
}

static gboolean
label_containing_shown (gpointer user_data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      GtkWidget *label;

      if (!gtk_widget_get_visible (window))
        continue;
      label = app_test_find_label_containing (window, user_data);
      if (label != NULL && gtk_widget_get_mapped (label))
        return TRUE;
    }
  return FALSE;
}

/* REST, as another client sees the server */

static char *
project_path (gint64 project_id)
{
  return g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, project_id);
}

static char *
server_scale (Test *test)
{
  g_autofree char *path = project_path (test->apollo_id);
  g_autoptr(JsonObject) project = test_get_object (test->server, path, test->ada_token);

  return g_strdup (json_object_get_string_member (project, "point_scale"));
}

static gint64
server_estimate (Test   *test,
                 gint64  story_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT
                                           "/stories/%" G_GINT64_FORMAT,
                                           test->apollo_id, story_id);
  g_autoptr(JsonObject) story = test_get_object (test->server, path, test->ada_token);

  return json_object_get_int_member (story, "estimate");
}

/* The style */

static void
style_at_start (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  /* main() kept "dark" before the app started. */
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));
}

static void
style_in_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWidget *preferences;
  AdwComboRow *style_row;
  g_autofree char *kept = NULL;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (g_application_get_default ()),
                                            "preferences"));
  g_action_group_activate_action (G_ACTION_GROUP (g_application_get_default ()), "preferences",
                                  NULL);
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_PREFERENCES_WINDOW), 10,
                       "the preferences");
  preferences = GTK_WIDGET (app_test_find_window (TS_TYPE_PREFERENCES_WINDOW));
  style_row = ADW_COMBO_ROW (app_test_expect_row (preferences, "Style"));
  /* The row shows the kept choice. */
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 2);
  app_test_settle (300);
  screenshot (preferences, "app-preferences-style-dark");

  adw_combo_row_set_selected (style_row, 1);
  kept = g_settings_get_string (settings, "style");
  g_assert_cmpstr (kept, ==, "light");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (adw_style_manager_get_dark (style));
  app_test_settle (300);
  screenshot (preferences, "app-preferences-style-light");

  adw_combo_row_set_selected (style_row, 0);
  g_free (kept);
  kept = g_settings_get_string (settings, "style");
  g_assert_cmpstr (kept, ==, "system");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);

  /* gsettings(1) changes it as well, and the row follows. */
  g_settings_set_string (settings, "style", "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 2);
  g_settings_set_string (settings, "style", "system");

  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* Signing in, and addresses that are not TrueStory servers */

/* A web server that is not TrueStory: every request gets @status. */
static void
foreign_handler_cb (SoupServer        *server,
                    SoupServerMessage *message,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  static const char page[] = "<html><body>Nothing here</body></html>";

  soup_server_message_set_status (message, GPOINTER_TO_UINT (user_data), NULL);
  soup_server_message_set_response (message, "text/html", SOUP_MEMORY_STATIC, page,
                                    sizeof page - 1);
}

static SoupServer *
foreign_server_new (guint   status,
                    char  **out_url)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_add_handler (server, NULL, foreign_handler_cb, GUINT_TO_POINTER (status), NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  *out_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

/* A port nothing listens on: one the kernel just gave out, closed again. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

static void
try_sign_in (GtkWidget  *dialog,
             const char *url,
             const char *expected)
{
  app_test_set_row (dialog, "Server Address", url);
  app_test_set_row (dialog, "Email", "ada@example.org");
  app_test_set_row (dialog, "Password", "analytical");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (label_containing_shown, (gpointer) expected, 30, expected);
}

static void
not_truestory (void)
{
  GtkWidget *dialog = app_test_open_connect_dialog ("Connect to a Server");
  guint statuses[] = { SOUP_STATUS_NOT_IMPLEMENTED, SOUP_STATUS_NOT_FOUND };
  g_autofree char *refused_url = NULL;
  g_autofree char *refused = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *url = NULL;
      g_autoptr(SoupServer) foreign = foreign_server_new (statuses[i], &url);
      g_autofree char *expected = g_strdup_printf ("%s is not a TrueStory server", url);

      try_sign_in (dialog, url, expected);
      g_assert_null (app_test_find_label_containing (dialog, "The server answered"));
      if (i == 0)
        screenshot (dialog, "app-connect-not-truestory");
      soup_server_disconnect (foreign);
    }

  /* The address it names keeps its port. */
  refused_url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  /* The address with its port, then the reason alone: GIO's own text
   * repeated the host without the port. */
  refused = g_strdup_printf ("Cannot reach %s: %s", refused_url, g_strerror (ECONNREFUSED));
  try_sign_in (dialog, refused_url, refused);
  screenshot (dialog, "app-connect-refused");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
sidebar_shows (gpointer user_data)
{
  GtkWidget *label = app_test_find_label (GTK_WIDGET (app_test_main_window ()), user_data);

  return label != NULL && gtk_widget_get_ancestor (label, GTK_TYPE_LIST_VIEW) != NULL;
}

static gboolean
sidebar_lacks (gpointer user_data)
{
  return !sidebar_shows (user_data);
}

static void
sign_in (Test *test)
{
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
  app_test_wait_until (sidebar_shows, (gpointer) "Gemini", 30, "“Gemini” in the sidebar");
  app_test_wait_until (sidebar_shows, (gpointer) "Apollo", 30, "“Apollo” in the sidebar");
}

/* The open project */

static TsBacklogStore *
view_store (void)
{
  TsProjectView *view = app_test_project_view ();

  return view != NULL ? ts_project_view_get_store (view) : NULL;
}

static TsApiClient *
api (void)
{
  return ts_session_get_client (ts_window_get_session (app_test_main_window ()));
}

static gboolean
project_open (gpointer user_data)
{
  gint64 project_id = *(gint64 *) user_data;
  TsBacklogStore *store = view_store ();

  return store != NULL && ts_backlog_store_get_project_id (store) == project_id &&
         ts_backlog_store_get_status (store) == TS_BACKLOG_STORE_READY;
}

/* The editor's State list */

static gboolean
editor_shown (gpointer user_data)
{
  TsStoryEditor *editor = ts_story_editor_find (view_store (), *(gint64 *) user_data);

  return editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor));
}

static void
state_says_icebox (Test *test)
{
  GtkWidget *editor;
  GListModel *states;
  g_autofree char *first = NULL;

  ts_story_editor_present (GTK_WIDGET (app_test_main_window ()), view_store (), api (),
                           test->icebox_id);
  app_test_wait_until (editor_shown, &test->icebox_id, 10, "the editor");
  editor = GTK_WIDGET (ts_story_editor_find (view_store (), test->icebox_id));
  states = adw_combo_row_get_model (ADW_COMBO_ROW (app_test_expect_row (editor, "State")));
  /* The story's own state comes first. */
  first = g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (states), 0));
  g_assert_cmpstr (first, ==, "Icebox");
  for (guint i = 0; i < g_list_model_get_n_items (states); i++)
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (states), i), !=, "Unscheduled");
  gtk_window_destroy (GTK_WINDOW (editor));
}

/* The point scale */

static GtkWidget *
settings_window (void)
{
  return GTK_WIDGET (app_test_find_window (TS_TYPE_PROJECT_SETTINGS));
}

static GtkWidget *
open_settings (void)
{
  ts_project_settings_present (GTK_WIDGET (app_test_main_window ()), view_store (), api ());
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_PROJECT_SETTINGS), 10,
                       "the project settings");
  return settings_window ();
}

static AdwMessageDialog *
question (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* As a click does: the dialog answers, then closes. */
static void
answer (AdwMessageDialog *dialog,
        const char       *label)
{
  GtkWidget *button = app_test_find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  gtk_widget_activate (button);
}

static gboolean
question_shown (gpointer user_data)
{
  return question () != NULL;
}

static gboolean
no_question (gpointer user_data)
{
  return question () == NULL;
}

static gboolean
scale_is (gpointer user_data)
{
  void **args = user_data;
  g_autofree char *scale = server_scale (args[0]);

  return g_strcmp0 (scale, args[1]) == 0;
}

static gboolean
store_scale_is (gpointer user_data)
{
  return ts_project_get_point_scale (ts_backlog_store_get_project (view_store ())) ==
         GPOINTER_TO_UINT (user_data);
}

static void
point_scale (Test *test)
{
  GtkWidget *window = open_settings ();
  AdwComboRow *scale_row = ADW_COMBO_ROW (app_test_expect_row (window, "Point Scale"));
  g_autofree char *described = NULL;
  AdwMessageDialog *dialog;
  void *linear[] = { test, (gpointer) "linear" };
  g_autofree char *scale = NULL;

  /* The mapping is core's: 5 and 8 go to 3 on the linear scale, 2 stays. */
  described = ts_scale_change_describe (ts_backlog_store_get_stories (view_store ()),
                                        TS_POINT_SCALE_LINEAR);
  g_assert_cmpstr (described, ==, "3 estimates will change: 5 → 3 (2 stories), 8 → 3 (1 story).");
  g_assert_null (ts_scale_change_describe (ts_backlog_store_get_stories (view_store ()),
                                           TS_POINT_SCALE_FIBONACCI));

  g_assert_cmpuint (adw_combo_row_get_selected (scale_row), ==, TS_POINT_SCALE_FIBONACCI);
  adw_combo_row_set_selected (scale_row, TS_POINT_SCALE_LINEAR);
  app_test_wait_until (question_shown, NULL, 10, "the point scale question");
  dialog = question ();
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, described);
  /* Under the chosen name, the chosen scale's values, not the old ones. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (scale_row)), ==, "0, 1, 2, 3");
  app_test_settle (300);
  screenshot (GTK_WIDGET (dialog), "app-point-scale-question");

  /* Cancel keeps the old scale, here and on the server. */
  answer (dialog, "Cancel");
  app_test_wait_until (no_question, NULL, 10, "the question to close");
  g_assert_cmpuint (adw_combo_row_get_selected (scale_row), ==, TS_POINT_SCALE_FIBONACCI);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (scale_row)), ==,
                   "0, 1, 2, 3, 5, 8");
  app_test_settle (500);
  scale = server_scale (test);
  g_assert_cmpstr (scale, ==, "fibonacci");
  g_assert_cmpint (server_estimate (test, test->estimated_ids[0]), ==, 5);

  /* Change applies it: the server maps the estimates as said. */
  adw_combo_row_set_selected (scale_row, TS_POINT_SCALE_LINEAR);
  app_test_wait_until (question_shown, NULL, 10, "the point scale question again");
  answer (question (), "Change Estimates");
  app_test_wait_until (scale_is, linear, 20, "the linear scale on the server");
  g_assert_cmpint (server_estimate (test, test->estimated_ids[0]), ==, 3);
  g_assert_cmpint (server_estimate (test, test->estimated_ids[1]), ==, 3);
  g_assert_cmpint (server_estimate (test, test->estimated_ids[2]), ==, 3);
  g_assert_cmpint (server_estimate (test, test->estimated_ids[3]), ==, 2);

  app_test_wait_until (store_scale_is, GUINT_TO_POINTER (TS_POINT_SCALE_LINEAR), 20,
                       "the store to catch up");

  /* A scale that changes no estimate needs no question: back to
   * Fibonacci, where 3 and 2 are values already. */
  adw_combo_row_set_selected (scale_row, TS_POINT_SCALE_FIBONACCI);
  linear[1] = (gpointer) "fibonacci";
  app_test_wait_until (scale_is, linear, 20, "the Fibonacci scale on the server");
  g_assert_null (question ());
  gtk_window_destroy (GTK_WINDOW (window));
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (TS_TYPE_PROJECT_SETTINGS), 10,
                       "the settings to close");
}

/* 360 px with minimize and maximize shown */

/* The window on screen: without a compositor (Xvfb) that includes the
 * 5 px frame GTK draws inside it, which gtk_widget_get_width() leaves out. */
static int
surface_width (GtkWidget *window)
{
  return gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window)));
}

/* Nothing of @widget is laid out past the window's right edge. */
static void
assert_within (GtkWidget *window,
               GtkWidget *widget)
{
  graphene_rect_t frame, bounds;

  if (!gtk_widget_get_mapped (widget))
    return;
  g_assert_true (gtk_widget_compute_bounds (window, window, &frame));
  g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
  if (bounds.origin.x + bounds.size.width > frame.origin.x + frame.size.width + 0.5)
    g_error ("a %s ends at %.0f px in a window that ends at %.0f px", G_OBJECT_TYPE_NAME (widget),
             bounds.origin.x + bounds.size.width, frame.origin.x + frame.size.width);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!GTK_IS_SCROLLED_WINDOW (widget) && !GTK_IS_VIEWPORT (widget) &&
        !ADW_IS_LEAFLET (widget))
      assert_within (window, child);
}

static void
narrow (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *layout = NULL;
  int minimum;

  g_object_get (gtk_settings_get_default (), "gtk-decoration-layout", &layout, NULL);
  /* The desktop's header: the three buttons. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout",
                "icon:minimize,maximize,close", NULL);
  app_test_set_width (360);
  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
  g_assert_cmpint (surface_width (window), ==, 360);

  /* The list, then the project, each within the window. */
  app_test_settle (600);
  assert_within (window, window);
  screenshot (window, "app-planner-360-list-light");
  adw_leaflet_navigate (ADW_LEAFLET (app_test_find_descendant (window, ADW_TYPE_LEAFLET)),
                        ADW_NAVIGATION_DIRECTION_FORWARD);
  app_test_settle (600);
  g_assert_true (project_open (&test->apollo_id));
  g_assert_cmpint (surface_width (window), ==, 360);
  assert_within (window, window);
  screenshot (window, "app-planner-360-light");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  app_test_settle (300);
  screenshot (window, "app-planner-360-dark");

  app_test_set_width (1400);
  app_test_settle (300);
  screenshot (window, "app-planner-1400-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  app_test_settle (300);
  screenshot (window, "app-planner-1400-light");
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", layout, NULL);
}

/* Deleting projects */

static GtkWidget *
find_mapped_scroller (GtkWidget *root)
{
  if (GTK_IS_SCROLLED_WINDOW (root) && gtk_widget_get_mapped (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_mapped_scroller (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Scrolls the window's page to its end, for a screenshot of it. */
static void
scroll_to_end (GtkWidget *root)
{
  GtkWidget *scroller = find_mapped_scroller (root);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scroller);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  app_test_settle (300);
}

static gboolean
project_gone (gpointer user_data)
{
  void **args = user_data;
  Test *test = args[0];
  g_autofree char *path = project_path (*(gint64 *) args[1]);
  g_autoptr(TestResponse) response = test_request (test->server, "GET", path, test->ada_token, NULL);

  return response->status == 404;
}

static gboolean
empty_page_shown (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  /* The window's own stack: welcome, opening, projects, empty… */
  GtkStack *pages = GTK_STACK (app_test_find_descendant (window, GTK_TYPE_STACK));
  GtkWidget *button = app_test_find_button (window, "Create a Project");

  return g_strcmp0 (gtk_stack_get_visible_child_name (pages), "empty") == 0 &&
         button != NULL && gtk_widget_get_mapped (button);
}

static void
delete_project (Test *test)
{
  GtkWidget *window = open_settings ();
  AdwMessageDialog *dialog;
  void *apollo_gone[] = { test, &test->apollo_id };

  /* Tall enough to show the page's end. */
  gtk_window_set_default_size (GTK_WINDOW (window), 630, 980);
  app_test_settle (300);
  scroll_to_end (window);
  screenshot (window, "app-project-settings-delete");
  g_assert_true (gtk_widget_activate_action (window, "settings.delete-project", NULL));
  app_test_wait_until (question_shown, NULL, 10, "the delete question");
  dialog = question ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Apollo”?");
  app_test_settle (300);
  screenshot (GTK_WIDGET (dialog), "app-delete-project-question");

  /* Cancel deletes nothing. */
  answer (dialog, "Cancel");
  app_test_wait_until (no_question, NULL, 10, "the question to close");
  app_test_settle (300);
  g_assert_false (project_gone (apollo_gone));

  g_assert_true (gtk_widget_activate_action (window, "settings.delete-project", NULL));
  app_test_wait_until (question_shown, NULL, 10, "the delete question again");
  answer (question (), "Delete Project");
  app_test_wait_until (project_gone, apollo_gone, 20, "Apollo deleted on the server");
  /* The settings close, Apollo leaves the sidebar and Gemini opens. */
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (TS_TYPE_PROJECT_SETTINGS), 10,
                       "the settings to close");
  app_test_wait_until (sidebar_lacks, (gpointer) "Apollo", 10, "Apollo out of the sidebar");
  app_test_wait_until (project_open, &test->gemini_id, 20, "Gemini open");
  app_test_settle (600);
  screenshot (GTK_WIDGET (app_test_main_window ()), "app-project-deleted");
}

static gboolean
unavailable_shown (gpointer user_data)
{
  GtkWidget *label = app_test_find_label (GTK_WIDGET (app_test_project_view ()),
                                          "Project Unavailable");

  return label != NULL && gtk_widget_get_mapped (label);
}

/* Another member deletes the open project: its channel's projects-destroy
 * closes the view's store, and the window forgets the project but keeps
 * saying why. */
static void
deleted_by_someone_else (Test *test)
{
  g_autofree char *path = project_path (test->gemini_id);
  g_autoptr(TestResponse) response = NULL;
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *list;

  response = test_request (test->server, "DELETE", path, test->bob_token, NULL);
  assert_status (response, 200);
  app_test_wait_until (sidebar_lacks, (gpointer) "Gemini", 20, "Gemini out of the sidebar");
  app_test_wait_until (unavailable_shown, NULL, 10, "why Gemini went");
  g_assert_true (sidebar_shows ((gpointer) "Mercury"));
  g_assert_nonnull (app_test_find_label_containing (window, "“Gemini” was deleted"));
  app_test_settle (600);
  screenshot (window, "app-project-deleted-by-someone-else");

  /* Mercury, the last one, deleted here: the page that offers a first
   * project. */
  list = gtk_widget_get_ancestor (app_test_find_label (window, "Mercury"), GTK_TYPE_LIST_VIEW);
  g_assert_true (gtk_widget_activate_action (list, "list.select-item", "(ubb)", 0, FALSE, FALSE));
  app_test_wait_until (project_open, &test->mercury_id, 20, "Mercury open");
  gtk_widget_activate_action (open_settings (), "settings.delete-project", NULL);
  app_test_wait_until (question_shown, NULL, 10, "the delete question for Mercury");
  g_assert_cmpstr (adw_message_dialog_get_heading (question ()), ==, "Delete “Mercury”?");
  answer (question (), "Delete Project");
  app_test_wait_until (sidebar_lacks, (gpointer) "Mercury", 20, "Mercury out of the sidebar");
  app_test_wait_until (empty_page_shown, NULL, 10, "the page that offers a first project");
  app_test_settle (600);  /* the crossfade */
  screenshot (window, "app-last-project-deleted");
}

/* Tooltips and popovers */

static Display *
x_display (void)
{
  return gdk_x11_display_get_xdisplay (gdk_display_get_default ());
}

/* Moves the real pointer to the centre of @widget. */
static void
hover (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t point;
  double surface_x, surface_y;
  int x, y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XTranslateCoordinates (x_display (), gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                         DefaultRootWindow (x_display ()), (int) (point.x + surface_x),
                         (int) (point.y + surface_y), &x, &y, &child);
  XTestFakeMotionEvent (x_display (), -1, x, y, CurrentTime);
  XFlush (x_display ());
}

static void
click (GtkWidget *widget)
{
  hover (widget);
  XTestFakeButtonEvent (x_display (), 1, True, CurrentTime);
  XTestFakeButtonEvent (x_display (), 1, False, CurrentTime);
  XFlush (x_display ());
}

/* The X windows shown: the main window, then a popover and a tooltip each
 * add one (both are override-redirect surfaces of their own). */
static guint
viewable_windows (void)
{
  Window root, parent, *children = NULL;
  unsigned int n_children = 0;
  guint viewable = 0;

  XQueryTree (x_display (), DefaultRootWindow (x_display ()), &root, &parent, &children,
              &n_children);
  for (unsigned int i = 0; i < n_children; i++)
    {
      XWindowAttributes attributes;

      if (XGetWindowAttributes (x_display (), children[i], &attributes) &&
          attributes.map_state == IsViewable)
        viewable++;
    }
  XFree (children);
  return viewable;
}

static GtkWidget *
sidebar_menu_button (void)
{
  GtkWidget *title = app_test_find_label (GTK_WIDGET (app_test_main_window ()), "Projects");
  GtkWidget *header = gtk_widget_get_ancestor (title, ADW_TYPE_HEADER_BAR);

  return app_test_find_descendant (header, GTK_TYPE_MENU_BUTTON);
}

static void
tooltip_under_popover (void)
{
  GtkWidget *button = sidebar_menu_button ();
  guint alone, with_menu;

  /* Hovered alone, the button's tooltip shows. */
  app_test_settle (300);
  alone = viewable_windows ();
  hover (button);
  app_test_settle (1500);
  g_assert_cmpuint (viewable_windows (), ==, alone + 1);

  /* Clicked, the menu opens; the pointer stays on the button, and its
   * tooltip must not come back over the menu's first item. */
  click (button);
  app_test_settle (1500);
  with_menu = viewable_windows ();
  g_assert_cmpuint (with_menu, ==, alone + 1);
  screenshot (GTK_WIDGET (app_test_main_window ()), "app-menu-open");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  app_test_settle (300);
}

/* The shortcuts window, opened the first time: one page, and nothing in it
 * measured below zero. */
static void
shortcuts_window (void)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWindow *shortcuts;
  GtkWidget *switcher;

  negative_sizes = 0;
  g_assert_true (gtk_widget_activate_action (window, "win.show-help-overlay", NULL));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 10,
                       "the shortcuts window");
  app_test_settle (500);
  shortcuts = app_test_find_window (GTK_TYPE_SHORTCUTS_WINDOW);
  /* The section's page switcher is there, but hidden. */
  switcher = app_test_find_descendant (GTK_WIDGET (shortcuts), GTK_TYPE_STACK_SWITCHER);
  g_assert_true (switcher == NULL || !gtk_widget_get_mapped (switcher));
  g_assert_cmpuint (negative_sizes, ==, 0);
  screenshot (GTK_WIDGET (shortcuts), "app-shortcuts");
  gtk_window_close (shortcuts);
  app_test_settle (300);
}

static void
run (Test *test)
{
  style_at_start ();
  style_in_preferences ();
  not_truestory ();
  sign_in (test);
  app_test_wait_until (project_open, &test->apollo_id, 30, "Apollo open");
  tooltip_under_popover ();
  shortcuts_window ();
  state_says_icebox (test);
  point_scale (test);
  narrow (test);
  delete_project (test);
  deleted_by_someone_else (test);
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), 1100, 720);
  run (test);
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

static void
seed (Test *test)
{
  static const int estimates[] = { 5, 5, 8, 2 };

  app_test_seed_users (test->server, &test->ada_token, &test->bob_token);
  test->apollo_id = app_test_seed_project_named (test->server, test->ada_token, "Apollo");
  test->gemini_id = app_test_seed_project_named (test->server, test->ada_token, "Gemini");
  test->mercury_id = app_test_seed_project_named (test->server, test->ada_token, "Mercury");
  test_server_add_member (test->server, test->ada_token, test->gemini_id, app_test_bob.email);

  for (guint i = 0; i < G_N_ELEMENTS (estimates); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"title\": \"Stage %u\", \"state\": \"unstarted\", "
                                               "\"estimate\": %d}", i + 1, estimates[i]);

      test->estimated_ids[i] = test_server_create_story (test->server, test->ada_token,
                                                         test->apollo_id, body);
    }
  test->icebox_id = test_server_create_story (test->server, test->ada_token, test->apollo_id,
                                              "{\"title\": \"Moon base\"}");
}

int
main (int   argc,
      char *argv[])
{
  Test test = { NULL };
  g_autoptr(TsApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (app_test_no_display ())
    return 77;

  g_log_set_writer_func (count_negative_sizes, NULL, NULL);
  app_test_isolate ();
  test.server = test_server_start (NULL);
  seed (&test);

  /* Kept from an earlier run: applied at start. */
  settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (settings, "style", "dark");

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.ada_token);
  g_free (test.bob_token);
  g_print ("ok - style, foreign servers, Icebox, point scale, 360 px, deleting projects\n");
  return 0;
}
