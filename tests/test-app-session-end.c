/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A kept sign-in that has ended, against a real team server: Ada's token
 * went unused for longer than the server's --session-days, so at the next
 * start the server answers it 401. The app says her sign-in has ended and
 * asks for her password with the server and email filled in; signing in
 * again opens the server's projects. */

#include <adwaita.h>
#include <sqlite3.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-connect-window.h"
#include "ts-credentials.h"
#include "ts-window.h"

#define APPLICATION_ID "io.github.truestory.TrueStory"

typedef struct {
  TestServer *server;
} Test;

static gboolean
no_connect_window (gpointer user_data)
{
  return app_test_find_window (TS_TYPE_CONNECT_WINDOW) == NULL;
}

static gboolean
sidebar_shows_gemini (gpointer user_data)
{
  GtkWidget *label = app_test_find_label (GTK_WIDGET (app_test_main_window ()), "Gemini");

  return label != NULL && gtk_widget_get_ancestor (label, GTK_TYPE_LIST_VIEW) != NULL;
}

static gboolean
ended_message_shown (gpointer user_data)
{
  GtkWindow *dialog = app_test_find_window (TS_TYPE_CONNECT_WINDOW);

  return dialog != NULL && gtk_widget_get_visible (GTK_WIDGET (dialog)) &&
         app_test_find_label_containing (GTK_WIDGET (dialog), "sign-in has ended") != NULL;
}

static void
run (Test *test)
{
  GtkWidget *dialog;

  app_test_wait_until (ended_message_shown, NULL, 30, "the sign-in ended message");
  dialog = GTK_WIDGET (app_test_find_window (TS_TYPE_CONNECT_WINDOW));
  app_test_settle (300);
  app_test_screenshot (dialog, "app-session-ended");

  /* The server and email are filled in: the password is enough. */
  app_test_set_row (dialog, "Password", app_test_ada.password);
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (no_connect_window, NULL, 30, "the dialog to close");
  app_test_wait_until (sidebar_shows_gemini, NULL, 30, "“Gemini” in the sidebar");
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

/* Makes the token look unused for three days, in the server's database. */
static void
age_token (TestServer *server,
           const char *token)
{
  g_autofree char *path = g_build_filename (server->data_dir, "truestory.db", NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  sqlite3_stmt *statement;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE tokens SET last_used_at = last_used_at - "
                                           "3 * 86400 WHERE hash = ?", -1, &statement, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, hash, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (statement);
  sqlite3_close (db);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  ts_credentials_store_token_finish (result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* What an earlier run of the app left: the server account in the settings
 * and its token kept (in the private file, as no keyring answers here). */
static void
keep_sign_in (TestServer *server,
              const char *token)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  gboolean done = FALSE;

  ts_credentials_store_token_async (server->base_url, app_test_ada.email, token, NULL, stored_cb,
                                    &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_settings_set_string (settings, "server-url", server->base_url);
  g_settings_set_string (settings, "email", app_test_ada.email);
  g_settings_set_string (settings, "account", "server");
}

int
main (int   argc,
      char *argv[])
{
  static const char * const args[] = { "--session-days", "2", NULL };
  Test test = { NULL };
  g_autoptr(TsApplication) app = NULL;
  g_autofree char *token = NULL;
  g_autofree char *admin = NULL;
  g_autoptr(TestResponse) me = NULL;

  if (app_test_no_display ())
    return 77;

  app_test_isolate ();
  test.server = test_server_start (args);
  admin = app_test_add_signed_in (test.server, &app_test_ada);
  app_test_seed_project_named (test.server, admin, "Gemini");

  token = test_server_sign_in (test.server, app_test_ada.email, app_test_ada.password);
  age_token (test.server, token);
  me = test_request (test.server, "GET", "/api/v1/me", token, NULL);
  assert_status (me, 401);
  keep_sign_in (test.server, token);

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_print ("ok - an ended sign-in asks for the password again\n");
  return 0;
}
