/* SPDX-License-Identifier: GPL-3.0-or-later */

/* "Connect to a Server" against a real team server, in a session where no
 * Secret Service answers: a wrong password is shown in the dialog, the
 * right one opens the server's projects, the token goes to a file only the
 * user can read and the preferences say so; signing out revokes it and
 * removes the file. */

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-connect-window.h"
#include "ts-credentials.h"
#include "ts-preferences-window.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
} Test;

static gboolean
no_connect_window (gpointer user_data)
{
  return app_test_find_window (TS_TYPE_CONNECT_WINDOW) == NULL;
}

static gboolean
label_shown (gpointer user_data)
{
  const char *text = user_data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (window) && app_test_find_label (window, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
sidebar_shows_gemini (gpointer user_data)
{
  GtkWidget *label = app_test_find_label (GTK_WIDGET (app_test_main_window ()), "Gemini");

  /* The sidebar comes first in the window, before the header's title. */
  return label != NULL && gtk_widget_get_ancestor (label, GTK_TYPE_LIST_VIEW) != NULL;
}

static char *
read_token_file (void)
{
  g_autofree char *path = ts_credentials_dup_token_file ();
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error))
    return NULL;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  return g_key_file_get_string (key_file, "token", "token", NULL);
}

static void
run (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *dialog;
  GtkWidget *preferences;
  g_autofree char *token = NULL;
  g_autofree char *message = NULL;
  g_autoptr(TestResponse) me = NULL;

  dialog = app_test_open_connect_dialog ("Connect to a Server");

  /* A wrong password: the dialog stays and says so. */
  app_test_set_row (dialog, "Server Address", test->server->base_url);
  app_test_set_row (dialog, "Email", "ada@example.org");
  app_test_set_row (dialog, "Password", "difference engine");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (label_shown, (gpointer) "The email or password is not right.", 30,
                       "the wrong password's message");
  app_test_settle (300);
  app_test_screenshot (dialog, "app-connect-error");

  /* The right one. */
  app_test_set_row (dialog, "Password", "analytical");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (no_connect_window, NULL, 30, "the dialog to close");
  app_test_wait_until (sidebar_shows_gemini, NULL, 30, "“Gemini” in the sidebar");

  /* No keyring answers here: the token is in a private file, and works. */
  token = read_token_file ();
  g_assert_nonnull (token);
  me = test_request (test->server, "GET", "/api/v1/me", token, NULL);
  assert_status (me, 200);
  g_clear_pointer (&me, test_response_free);

  g_action_group_activate_action (G_ACTION_GROUP (g_application_get_default ()), "preferences",
                                  NULL);
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_PREFERENCES_WINDOW), 10,
                       "the preferences");
  preferences = GTK_WIDGET (app_test_find_window (TS_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (app_test_find_label_containing (preferences, "No keyring answered"));
  g_assert_nonnull (app_test_find_label (preferences, test->server->base_url));
  app_test_settle (300);
  app_test_screenshot (preferences, "app-preferences-token-file");
  gtk_window_destroy (GTK_WINDOW (preferences));

  app_test_settle (300);
  app_test_screenshot (window, "app-main-window-server");

  /* Signing out revokes the token and forgets it. */
  g_assert_true (gtk_widget_activate_action (window, "win.sign-out", NULL));
  app_test_wait_until (label_shown, (gpointer) "Welcome to TrueStory", 10, "the welcome page");
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *left = read_token_file ();

      if (left == NULL)
        break;
      app_test_settle (50);
    }
  g_assert_null (read_token_file ());
  me = test_request (test->server, "GET", "/api/v1/me", token, NULL);
  assert_status (me, 401);
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  run (test);
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

int
main (int   argc,
      char *argv[])
{
  Test test = { NULL };
  g_autoptr(TsApplication) app = NULL;
  g_autofree char *ada_token = NULL;

  if (app_test_no_display ())
    return 77;

  app_test_isolate ();
  test.server = test_server_start (NULL);
  ada_token = app_test_add_signed_in (test.server, &app_test_ada);
  app_test_seed_project_named (test.server, ada_token, "Gemini");

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_print ("ok - connect, token in a private file, preferences, sign out\n");
  return 0;
}
