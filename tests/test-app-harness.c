/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "test-app-harness.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ts-backlog-row.h"
#include "ts-connect-window.h"
#include "ts-story-line.h"

static char *home;

/**
 * app_test_isolate:
 *
 * Gives the app a fresh home: data, config and cache folders of its own,
 * settings in memory, and no session bus, so that no Secret Service
 * answers (the path of a session without a keyring).
 */
void
app_test_isolate (void)
{
  g_autoptr(GError) error = NULL;
  const char *folders[][2] = {
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
  };

  home = g_dir_make_tmp ("truestory-app-test-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (home, folders[i][1], NULL);

      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (folders[i][0], path, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* An address no bus listens on, rather than none: with none, GLib would
   * start a bus of its own where dbus-launch is installed. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/truestory-test-bus", TRUE);
}

const char *
app_test_home (void)
{
  return home;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void screenshot_toplevels (void);

void
app_test_wait_until (AppCondition  condition,
                     gpointer      user_data,
                     guint         timeout_seconds,
                     const char   *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (timeout_seconds, timeout_cb, &timed_out);

  while (!condition (user_data))
    {
      if (timed_out)
        {
          screenshot_toplevels ();
          g_error ("waited %u s for %s", timeout_seconds, what);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (id);
}

static gboolean
flag_cb (gpointer user_data)
{
  return *(gboolean *) user_data;
}

/* Lets animations and redraws finish. */
void
app_test_settle (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, timeout_cb, &done);
  app_test_wait_until (flag_cb, &done, milliseconds / 1000 + 5, "the window to settle");
}

static char *
without_underline (const char *text)
{
  GString *string = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '_')
      g_string_append_c (string, *p);
  return g_string_free (string, FALSE);
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget, const char *text);

static GtkWidget *
find (GtkWidget   *root,
      WidgetMatch  match,
      const char  *text)
{
  if (match (root, text))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, match, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_visible (GtkWidget *widget)
{
  return gtk_widget_is_drawable (widget) || gtk_widget_get_mapped (widget);
}

static gboolean
button_matches (GtkWidget  *widget,
                const char *text)
{
  g_autofree char *label = NULL;

  if (!GTK_IS_BUTTON (widget) || !is_visible (widget) ||
      gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    return FALSE;
  label = without_underline (gtk_button_get_label (GTK_BUTTON (widget)));
  return g_str_equal (label, text);
}

/* A story line draws its title and labels itself: it counts as a label
 * showing either. */
static gboolean
label_matches (GtkWidget  *widget,
               const char *text)
{
  if (TS_IS_STORY_LINE (widget))
    return is_visible (widget) &&
           (g_str_equal (ts_story_line_get_title (TS_STORY_LINE (widget)), text) ||
            g_strcmp0 (ts_story_line_get_labels (TS_STORY_LINE (widget)), text) == 0);
  return GTK_IS_LABEL (widget) && is_visible (widget) &&
         g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text);
}

static gboolean
label_contains (GtkWidget  *widget,
                const char *text)
{
  if (TS_IS_STORY_LINE (widget))
    return is_visible (widget) &&
           (strstr (ts_story_line_get_title (TS_STORY_LINE (widget)), text) != NULL ||
            strstr (ts_story_line_get_labels (TS_STORY_LINE (widget)) != NULL
                    ? ts_story_line_get_labels (TS_STORY_LINE (widget)) : "", text) != NULL);
  return GTK_IS_LABEL (widget) && is_visible (widget) &&
         strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
row_matches (GtkWidget  *widget,
             const char *text)
{
  return ADW_IS_PREFERENCES_ROW (widget) && is_visible (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), text) == 0;
}

/* Types @text into the entry row titled @title; fails the test when there
 * is none. */
void
app_test_set_row (GtkWidget  *root,
                  const char *title,
                  const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (app_test_expect_row (root, title)), text);
}

/* The row of the story titled @title, which the test cannot go on
 * without. */
GtkWidget *
app_test_expect_row (GtkWidget  *root,
                     const char *title)
{
  GtkWidget *row = app_test_find_row (root, title);

  if (row == NULL)
    g_error ("no row “%s”", title);
  return row;
}

/* A shown button with this label (mnemonic underlines ignored). */
GtkWidget *
app_test_find_button (GtkWidget  *root,
                      const char *label)
{
  return find (root, button_matches, label);
}

GtkWidget *
app_test_find_label (GtkWidget  *root,
                     const char *text)
{
  return find (root, label_matches, text);
}

GtkWidget *
app_test_find_label_containing (GtkWidget  *root,
                                const char *text)
{
  return find (root, label_contains, text);
}

/* A shown AdwPreferencesRow (an entry row, an action row) by its title. */
GtkWidget *
app_test_find_row (GtkWidget  *root,
                   const char *title)
{
  return find (root, row_matches, title);
}

static gboolean
entry_matches (GtkWidget  *widget,
               const char *placeholder)
{
  return GTK_IS_ENTRY (widget) &&
         g_strcmp0 (gtk_entry_get_placeholder_text (GTK_ENTRY (widget)), placeholder) == 0;
}

/* An entry with this placeholder, shown or not. */
GtkWidget *
app_test_find_entry (GtkWidget  *root,
                     const char *placeholder)
{
  return find (root, entry_matches, placeholder);
}

/* The sidebar's list: the first list view outside the project view (the
 * backlog shown beside the sidebar is a list view too). */
GtkWidget *
app_test_sidebar_list (GtkWidget *root)
{
  /* Nor the list of a popover's drop-down (New Story's types). */
  if (TS_IS_PROJECT_VIEW (root) || GTK_IS_POPOVER (root))
    return NULL;
  if (GTK_IS_LIST_VIEW (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = app_test_sidebar_list (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first shown toplevel of this type. */
GtkWindow *
app_test_find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

/* An AppCondition: a toplevel of the type GSIZE_TO_POINTER() names is
 * shown and mapped. */
gboolean
app_test_window_shown (gpointer type)
{
  GtkWindow *window = app_test_find_window (GPOINTER_TO_SIZE (type));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

/* @root itself or its first descendant of @type, depth first; NULL for a
 * NULL @root. */
GtkWidget *
app_test_find_descendant (GtkWidget *root,
                          GType      type)
{
  if (root == NULL)
    return NULL;
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = app_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

TsWindow *
app_test_main_window (void)
{
  return TS_WINDOW (app_test_find_window (TS_TYPE_WINDOW));
}

/* An AppCondition: the main window is shown and mapped. */
gboolean
app_test_main_window_shown (gpointer unused)
{
  return app_test_window_shown (GSIZE_TO_POINTER (TS_TYPE_WINDOW));
}

/* The project view of the main window, or NULL. */
TsProjectView *
app_test_project_view (void)
{
  GtkWidget *view = app_test_find_descendant (GTK_WIDGET (app_test_main_window ()),
                                              TS_TYPE_PROJECT_VIEW);

  return view != NULL ? TS_PROJECT_VIEW (view) : NULL;
}

/**
 * app_test_screenshot:
 *
 * Renders @widget (a window, without its shadow) to NAME.png in
 * `$TRUESTORY_SCREENSHOTS`, the build folder's screenshots folder.
 */
void
app_test_screenshot (GtkWidget  *widget,
                     const char *name)
{
  const char *folder = g_getenv ("TRUESTORY_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = g_strconcat (name, ".png", NULL);
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (folder == NULL)
    folder = ".";
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  path = g_build_filename (folder, file_name, NULL);

  /* A widget caught between a layout and its next paint has nothing to
   * show yet: let the frame clock run until it has. */
  for (guint attempt = 0; node == NULL && attempt < 200; attempt++)
    {
      g_autoptr(GtkSnapshot) attempt_snapshot = gtk_snapshot_new ();

      while (g_main_context_iteration (NULL, FALSE))
        ;
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, attempt_snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&attempt_snapshot));
      if (node == NULL)
        g_usleep (10000);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_print ("# screenshot: %s\n", path);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Removes the home app_test_isolate() made. */
void
app_test_cleanup (void)
{
  if (home != NULL)
    remove_tree (home);
  g_clear_pointer (&home, g_free);
}

/* What the windows showed when a wait timed out. */
static void
screenshot_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      g_autofree char *name = g_strdup_printf ("timeout-%u-%s", i, G_OBJECT_TYPE_NAME (window));

      if (gtk_widget_get_mapped (window))
        app_test_screenshot (window, name);
    }
}

/* Presses @button_label on the main window (the label as the session's
 * language says it) and waits for the Connect to a Server dialog. */
GtkWidget *
app_test_open_connect_dialog (const char *button_label)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());

  gtk_widget_activate (app_test_find_button (window, button_label));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_CONNECT_WINDOW), 10,
                       "the Connect to a Server dialog");
  return GTK_WIDGET (app_test_find_window (TS_TYPE_CONNECT_WINDOW));
}

/* Signs in from the welcome page as a person does, in English: the
 * dialog, whose answer the caller waits for. */
GtkWidget *
app_test_sign_in (const char *server_url,
                  const char *email,
                  const char *password)
{
  GtkWidget *dialog = app_test_open_connect_dialog ("Connect to a Server");

  app_test_set_row (dialog, "Server Address", server_url);
  app_test_set_row (dialog, "Email", email);
  app_test_set_row (dialog, "Password", password);
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  return dialog;
}

/* TRUE, having told the TAP reader the test is skipped, when there is no
 * display to open windows on. */
gboolean
app_test_no_display (void)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return FALSE;
  g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
  return TRUE;
}

/* The story row on screen that shows this title, in the open project. */
GtkWidget *
app_test_row_showing (const char *title)
{
  GtkWidget *list = GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ()));
  GtkWidget *label = app_test_find_label (list, title);

  return label != NULL ? gtk_widget_get_ancestor (label, TS_TYPE_BACKLOG_ROW) : NULL;
}

/* An AppCondition: a row shows the title @title points to. */
gboolean
app_test_row_shown (gpointer title)
{
  return app_test_row_showing (title) != NULL;
}

/* Twice: a window shrinks as far as its minimum allows, and going narrow
 * lowers the minimum. */
void
app_test_set_width (int width)
{
  GtkWindow *window = GTK_WINDOW (app_test_main_window ());

  for (guint i = 0; i < 2; i++)
    {
      gtk_window_set_default_size (window, width, 720);
      app_test_settle (500);
    }
}

static void
collect_story_lines (GtkWidget *widget,
                     GPtrArray *lines)
{
  if (TS_IS_STORY_LINE (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (lines, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_story_lines (child, lines);
}

/* The estimates of the rows shown under @root make a column in each list
 * (a panel): every row's estimate slot, a pill or empty, starts at the same
 * x in its list, and every pill is as wide. Returns how many pills were
 * compared with another's, for the caller to say how many it expects. */
guint
app_test_assert_estimates_in_column (GtkWidget *root)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GHashTable) first_of_list = g_hash_table_new (NULL, NULL);
  guint compared = 0;
  double pill_width = -1;

  collect_story_lines (root, lines);
  for (guint i = 0; i < lines->len; i++)
    {
      TsStoryLine *line = lines->pdata[i];
      GtkWidget *list = gtk_widget_get_ancestor (GTK_WIDGET (line), GTK_TYPE_LIST_VIEW);
      TsStoryLine *first;
      graphene_rect_t area, first_area;
      graphene_point_t at, first_at;
      gboolean pill = ts_story_line_get_estimate_area (line, &area);

      g_assert_nonnull (list);
      if (pill)
        {
          if (pill_width >= 0)
            g_assert_cmpfloat (area.size.width, ==, pill_width);
          pill_width = area.size.width;
        }
      first = g_hash_table_lookup (first_of_list, list);
      if (first == NULL)
        {
          g_hash_table_insert (first_of_list, list, line);
          continue;
        }
      ts_story_line_get_estimate_area (first, &first_area);
      g_assert_true (gtk_widget_compute_point (GTK_WIDGET (line), list,
                                               &GRAPHENE_POINT_INIT (area.origin.x, 0), &at));
      g_assert_true (gtk_widget_compute_point (GTK_WIDGET (first), list,
                                               &GRAPHENE_POINT_INIT (first_area.origin.x, 0),
                                               &first_at));
      if (fabs (at.x - first_at.x) >= 0.5)
        g_error ("“%s”'s estimate is at x = %g in its list, “%s”'s at %g: not a column",
                 ts_story_line_get_title (line), at.x, ts_story_line_get_title (first), first_at.x);
      if (pill)
        compared++;
    }
  return compared;
}

/* Seeding over REST */

const AppTestPerson app_test_ada = { "ada@example.org", "Ada Lovelace", "analytical" };
const AppTestPerson app_test_bob = { "bob@example.org", "Bob Babbage", "difference" };
const AppTestPerson app_test_grace = { "grace@example.org", "Grace Hopper", "compiler" };

/* Adds @person to the server's users; the test fails if it refuses. */
void
app_test_add_person (TestServer          *server,
                     const AppTestPerson *person)
{
  g_assert_true (test_server_add_user (server, person->email, person->name, person->password));
}

/* Adds @person and signs them in: their token. */
char *
app_test_add_signed_in (TestServer          *server,
                        const AppTestPerson *person)
{
  app_test_add_person (server, person);
  return test_server_sign_in (server, person->email, person->password);
}

/**
 * app_test_seed_users:
 * @bob_token: (nullable): where Bob's token goes, or NULL to add Bob
 *   without signing him in
 *
 * Adds Ada, then Bob (Ada first, so that she is the admin), and signs
 * them in: the team most app tests start from.
 */
void
app_test_seed_users (TestServer  *server,
                     char       **ada_token,
                     char       **bob_token)
{
  app_test_add_person (server, &app_test_ada);
  app_test_add_person (server, &app_test_bob);
  *ada_token = test_server_sign_in (server, app_test_ada.email, app_test_ada.password);
  if (bob_token != NULL)
    *bob_token = test_server_sign_in (server, app_test_bob.email, app_test_bob.password);
}

/* The JSON of a project named @name of one-week iterations from today at
 * velocity 5: what is planned as of today, which the app plans as of. */
char *
app_test_weekly_project_body (const char *name)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  return g_strdup_printf ("{\"name\": \"%s\", \"iteration_length\": 1, "
                          "\"initial_velocity\": 5, \"start_date\": \"%s\"}", name, today);
}

/* A project of the server's defaults named @name: its id. */
gint64
app_test_seed_project_named (TestServer *server,
                             const char *token,
                             const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\"}", name);

  return test_server_create_project (server, token, body);
}

/* A project Ada creates from @body (the JSON of POST /projects) with Bob
 * a member of it: its id. */
gint64
app_test_seed_team_project (TestServer *server,
                            const char *ada_token,
                            const char *body)
{
  gint64 project_id = test_server_create_project (server, ada_token, body);

  test_server_add_member (server, ada_token, project_id, app_test_bob.email);
  return project_id;
}

static void
seed_gemini_backlog (TestServer           *server,
                     const char           *ada_token,
                     gint64                project_id,
                     AppTestGeminiBacklog *stories)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *release = g_strdup_printf ("{\"title\": \"First orbit\", \"type\": \"release\", "
                                              "\"state\": \"unstarted\", \"deadline\": \"%s\"}",
                                              today);

  stories->launch_pad = test_server_create_story (server, ada_token, project_id,
                                                  "{\"title\": \"Launch pad\", \"type\": \"feature\", "
                                                  "\"estimate\": 3, \"state\": \"started\", "
                                                  "\"labels\": [\"ground\"]}");
  stories->fuel = test_server_create_story (server, ada_token, project_id,
                                            "{\"title\": \"Fuel\", \"type\": \"feature\", "
                                            "\"estimate\": 2, \"state\": \"unstarted\"}");
  stories->capsule = test_server_create_story (server, ada_token, project_id,
                                               "{\"title\": \"Capsule\", \"type\": \"feature\", "
                                               "\"estimate\": 3, \"state\": \"unstarted\", "
                                               "\"labels\": [\"flight\", \"crew\"]}");
  stories->first_orbit = test_server_create_story (server, ada_token, project_id, release);
  stories->telemetry = test_server_create_story (server, ada_token, project_id,
                                                 "{\"title\": \"Telemetry\", \"type\": \"feature\", "
                                                 "\"estimate\": 5, \"state\": \"unstarted\"}");
  stories->moon_base = test_server_create_story (server, ada_token, project_id,
                                                 "{\"title\": \"Moon base\", \"type\": \"chore\", "
                                                 "\"state\": \"unscheduled\"}");
}

/**
 * app_test_seed_gemini:
 *
 * Ada and Bob, signed in (their tokens), and Gemini, Ada's project of
 * one-week iterations from today at velocity 5 with Bob a member, holding
 * the planned backlog @stories lists: a live backlog two people share.
 * Returns: Gemini's id
 */
gint64
app_test_seed_gemini (TestServer           *server,
                      char                **ada_token,
                      char                **bob_token,
                      AppTestGeminiBacklog *stories)
{
  g_autofree char *body = app_test_weekly_project_body ("Gemini");
  gint64 project_id;

  app_test_seed_users (server, ada_token, bob_token);
  project_id = app_test_seed_team_project (server, *ada_token, body);
  seed_gemini_backlog (server, *ada_token, project_id, stories);
  return project_id;
}
