/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The first run as a new user meets it: the welcome page, "Start a Local
 * Backlog", and the project sidebar with "My Backlog" on the bundled
 * server. Then a second run on the same data, which opens the local
 * backlog again without the welcome page, and the server's end with the
 * app. */

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-new-project-window.h"
#include "ts-project-view.h"
#include "ts-session.h"
#include "ts-window.h"

typedef struct {
  int run;
  char *server_url;
} Test;

/* A row of the project sidebar shows this name. */
static gboolean
sidebar_shows (GtkWidget  *window,
               const char *name)
{
  GtkWidget *list = app_test_sidebar_list (window);

  return list != NULL && gtk_widget_get_mapped (list) && app_test_find_label (list, name) != NULL;
}

static gboolean
sidebar_shows_my_backlog (gpointer user_data)
{
  return sidebar_shows (GTK_WIDGET (app_test_main_window ()), "My Backlog");
}

static gboolean
stories_counted (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());

  return app_test_find_label (window, "No stories yet") != NULL;
}

static GtkWidget *
find_project_view (GtkWidget *widget)
{
  if (TS_IS_PROJECT_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_project_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
new_project_shown (gpointer user_data)
{
  GtkWindow *dialog = app_test_find_window (TS_TYPE_NEW_PROJECT_WINDOW);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* Created, in the sidebar, and shown. */
static gboolean
apollo_shown (gpointer user_data)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *view = find_project_view (window);
  TsProject *project = ts_project_view_get_project (TS_PROJECT_VIEW (view));

  return app_test_find_window (TS_TYPE_NEW_PROJECT_WINDOW) == NULL &&
         sidebar_shows (window, "Apollo") &&
         project != NULL && g_str_equal (ts_project_get_name (project), "Apollo");
}

static void
assert_private_file (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
first_run (Test *test)
{
  TsWindow *window = app_test_main_window ();
  GtkWidget *button;
  TsSession *session;
  GtkWidget *view;
  GtkWidget *dialog;
  g_autofree char *data_dir = ts_session_dup_local_data_dir ();
  g_autofree char *credentials = g_build_filename (data_dir, "truestory-app.ini", NULL);

  /* A new user sees the welcome page. */
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (window), "Welcome to TrueStory"));
  g_assert_nonnull (app_test_find_button (GTK_WIDGET (window), "Connect to a Server"));
  button = app_test_find_button (GTK_WIDGET (window), "Start a Local Backlog");
  g_assert_nonnull (button);
  app_test_settle (500);
  app_test_screenshot (GTK_WIDGET (window), "app-welcome");

  gtk_widget_activate (button);
  app_test_wait_until (sidebar_shows_my_backlog, NULL, 60, "“My Backlog” in the sidebar");
  app_test_wait_until (stories_counted, NULL, 30, "the project's story count");

  /* The project is selected, in the header bar and the content. */
  view = find_project_view (GTK_WIDGET (window));
  g_assert_nonnull (view);
  g_assert_cmpint (ts_project_view_get_story_count (TS_PROJECT_VIEW (view)), ==, 0);
  g_assert_cmpstr (ts_project_get_name (ts_project_view_get_project (TS_PROJECT_VIEW (view))), ==,
                   "My Backlog");

  session = ts_window_get_session (window);
  g_assert_nonnull (session);
  g_assert_cmpint (ts_session_get_kind (session), ==, TS_SESSION_KIND_LOCAL);
  g_assert_true (g_str_has_prefix (ts_session_get_server_url (session), "http://127.0.0.1:"));
  test->server_url = g_strdup (ts_session_get_server_url (session));
  g_assert_cmpuint (g_list_model_get_n_items (ts_window_get_projects (window)), ==, 1);

  /* The local user's password is kept with the data, readable only by the
   * user. */
  assert_private_file (credentials);

  app_test_settle (500);
  app_test_screenshot (GTK_WIDGET (window), "app-main-window");

  /* New Project: the dialog creates it, the sidebar shows and selects it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-project", NULL));
  app_test_wait_until (new_project_shown, NULL, 10, "the New Project dialog");
  dialog = GTK_WIDGET (app_test_find_window (TS_TYPE_NEW_PROJECT_WINDOW));
  gtk_editable_set_text (GTK_EDITABLE (app_test_find_row (dialog, "Name")), "Apollo");
  app_test_settle (300);
  app_test_screenshot (dialog, "app-new-project");
  g_assert_true (gtk_widget_activate_action (dialog, "project.create", NULL));
  app_test_wait_until (apollo_shown, NULL, 30, "“Apollo” selected");
  g_assert_cmpuint (g_list_model_get_n_items (ts_window_get_projects (window)), ==, 2);
}

static void
second_run (Test *test)
{
  TsWindow *window = app_test_main_window ();

  /* The account is remembered: no welcome page, the same backlog. */
  app_test_wait_until (sidebar_shows_my_backlog, NULL, 60, "“My Backlog” in the sidebar again");
  g_assert_null (app_test_find_label (GTK_WIDGET (window), "Welcome to TrueStory"));
  g_assert_cmpuint (g_list_model_get_n_items (ts_window_get_projects (window)), ==, 2);
  /* The project shown last is shown again. */
  app_test_wait_until (apollo_shown, NULL, 30, "“Apollo” selected again");
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  if (test->run == 1)
    first_run (test);
  else
    second_run (test);
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

static void
run_app (Test *test)
{
  g_autoptr(TsApplication) app = ts_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
}

/* After the app quits its server no longer answers. */
static void
assert_server_stopped (const char *server_url)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autofree char *url = g_strconcat (server_url, "/api/v1/health", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

int
main (int   argc,
      char *argv[])
{
  Test test = { 0, NULL };

  if (app_test_no_display ())
    return 77;

  app_test_isolate ();

  test.run = 1;
  run_app (&test);
  assert_server_stopped (test.server_url);

  test.run = 2;
  run_app (&test);

  app_test_cleanup ();
  g_print ("ok - welcome, local backlog, and a second run on the same data\n");
  g_free (test.server_url);
  return 0;
}
