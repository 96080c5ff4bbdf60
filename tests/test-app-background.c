/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Running in the background, against a real team server, in three runs of
 * the app on the same settings and data:
 *
 * 1. Ada signs in, deletes a story and closes the window. The first close
 *    asks; she answers Run in Background: the held delete is sent, the window
 *    is hidden and the app stays, and a story Bob adds over REST reaches the
 *    hidden window's store (she is not shown as viewing it meanwhile).
 *    Activating the app shows the same window; in Preferences she turns
 *    Start at Login on (an autostart entry) and off. A second close hides
 *    without asking.
 * 2. A start at login (`--background`): the window stays hidden while the
 *    backlog opens and follows Bob's changes; activating shows it.
 * 3. Where the Background portal is absent: Preferences say why Start at
 *    Login is not available, nothing is logged as a warning, and with the
 *    question asked again and answered Quit, closing quits the app.
 *
 * Screenshots: app-background-question, app-background-preferences,
 * app-background-no-portal. */

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-background.h"
#include "ts-connect-window.h"
#include "ts-preferences-window.h"
#include "ts-project-view.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *ada_token;
  char *bob_token;
  gint64 project_id;
  int run;
  guint activations;
  TsWindow *window;       /* weak */
  GSettings *settings;
} Test;

static guint warnings;

/* Counts warnings, for the run that must log none about the portal. GTK's
 * own layout warnings are left out: they are not this test's subject. */
static GLogWriterOutput
count_warnings (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  const char *domain = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
  if ((log_level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "Gtk") != 0)
    warnings++;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static TsBackground *
background (void)
{
  return ts_application_get_background (TS_APPLICATION (g_application_get_default ()));
}

/* The window's project view, shown or not. */
static TsProjectView *
view_of (TsWindow *window)
{
  GtkWidget *view = app_test_find_descendant (GTK_WIDGET (window), TS_TYPE_PROJECT_VIEW);

  return view != NULL ? TS_PROJECT_VIEW (view) : NULL;
}

static TsBacklogStore *
store_of (TsWindow *window)
{
  TsProjectView *view = view_of (window);

  return view != NULL ? ts_project_view_get_store (view) : NULL;
}

static gint64
story_titled (TsWindow   *window,
              const char *title)
{
  GListModel *stories;

  if (store_of (window) == NULL)
    return 0;
  stories = ts_backlog_store_get_stories (store_of (window));
  for (guint i = 0; i < g_list_model_get_n_items (stories); i++)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, i);

      if (g_str_equal (ts_story_get_title (story), title) && ts_story_get_id (story) > 0)
        return ts_story_get_id (story);
    }
  return 0;
}

/* The only TsWindow of the app, shown or hidden. */
static TsWindow *
any_main_window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (g_application_get_default ()));
  TsWindow *found = NULL;

  for (GList *l = windows; l != NULL; l = l->next)
    if (TS_IS_WINDOW (l->data))
      {
        g_assert_null (found);
        found = l->data;
      }
  return found;
}

typedef struct {
  TsWindow *window;
  const char *title;
} StoryWait;

static gboolean
story_arrived (gpointer user_data)
{
  StoryWait *wait = user_data;

  return story_titled (wait->window, wait->title) != 0;
}

static gboolean
backlog_ready (gpointer user_data)
{
  TsWindow *window = user_data;
  TsSession *session = ts_window_get_session (window);

  return store_of (window) != NULL &&
         ts_backlog_store_get_status (store_of (window)) == TS_BACKLOG_STORE_READY &&
         story_titled (window, "Launch pad") != 0 && session != NULL &&
         ts_realtime_client_get_state (ts_session_get_realtime (session)) ==
           TS_REALTIME_STATE_CONNECTED;
}

static gboolean
row_shown (gpointer user_data)
{
  TsProjectView *view = view_of (app_test_main_window ());

  return app_test_find_label (GTK_WIDGET (ts_project_view_get_list_view (view)), user_data) != NULL;
}

static gboolean
row_hidden (gpointer user_data)
{
  return !row_shown (user_data);
}

static gboolean
question_shown (gpointer user_data)
{
  return app_test_window_shown (GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG));
}

/* A button's activation clicks it after its press shows, a moment later. */
static gboolean
question_gone (gpointer user_data)
{
  return app_test_find_window (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

static gboolean
window_hidden (gpointer user_data)
{
  Test *test = user_data;

  return test->window != NULL && !gtk_widget_get_visible (GTK_WIDGET (test->window));
}

static gboolean
window_gone (gpointer user_data)
{
  Test *test = user_data;

  return test->window == NULL;
}

static gboolean
window_shown (gpointer user_data)
{
  Test *test = user_data;

  return test->window != NULL && gtk_widget_get_mapped (GTK_WIDGET (test->window));
}

/* Whether the app tells others Ada is viewing Gemini. */
static gboolean
viewing (Test *test)
{
  TsSession *session = ts_window_get_session (test->window);
  g_autofree char *channel = g_strdup_printf ("presence-project-%" G_GINT64_FORMAT, test->project_id);

  return ts_realtime_client_is_subscribed (ts_session_get_realtime (session), channel);
}

static gboolean
viewing_cb (gpointer user_data)
{
  return viewing (user_data);
}

static gboolean
note_set (gpointer user_data)
{
  return ts_background_get_start_at_login_note (background ()) != NULL;
}

/* Seeding, over REST. */

static gint64
create_story (Test       *test,
              const char *token,
              const char *body)
{
  return test_server_create_story (test->server, token, test->project_id, body);
}

static void
seed (Test *test)
{
  app_test_seed_users (test->server, &test->ada_token, &test->bob_token);
  test->project_id = app_test_seed_team_project (test->server, test->ada_token,
                                                 "{\"name\": \"Gemini\", \"iteration_length\": 1, \"initial_velocity\": 5}");

  create_story (test, test->ada_token, "{\"title\": \"Launch pad\", \"type\": \"feature\", "
                                       "\"estimate\": 3, \"state\": \"started\"}");
  create_story (test, test->ada_token, "{\"title\": \"Fuel\", \"type\": \"feature\", "
                                       "\"estimate\": 2, \"state\": \"unstarted\"}");
}

/* Whether the server still has a story of this title. */
static gboolean
server_has (Test       *test,
            const char *title)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories",
                                           test->project_id);
  g_autoptr(TestResponse) response = test_request (test->server, "GET", path, test->ada_token, NULL);
  JsonArray *stories;

  assert_status (response, 200);
  stories = json_object_get_array_member (test_response_object (response), "stories");
  for (guint i = 0; i < json_array_get_length (stories); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (stories, i),
                                                    "title"), title))
      return TRUE;
  return FALSE;
}

typedef struct {
  Test *test;
  const char *title;
} ServerWait;

static gboolean
server_lacks (gpointer user_data)
{
  ServerWait *wait = user_data;

  app_test_settle (100);
  return !server_has (wait->test, wait->title);
}

static void
sign_in (Test *test)
{
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
}

static GtkWidget *
row_switch (GtkWidget  *preferences,
            const char *title)
{
  GtkWidget *row = app_test_find_row (preferences, title);

  g_assert_nonnull (row);
  return app_test_find_descendant (row, GTK_TYPE_SWITCH);
}

typedef struct {
  GtkSwitch *toggle;
  gboolean active;
} SwitchWait;

static gboolean
switch_turned (gpointer user_data)
{
  SwitchWait *wait = user_data;

  return gtk_switch_get_active (wait->toggle) == wait->active;
}

/* Flips a switch as a click does; it changes at the end of its animation. */
static void
flip (GtkWidget *toggle)
{
  SwitchWait wait = { GTK_SWITCH (toggle), !gtk_switch_get_active (GTK_SWITCH (toggle)) };

  gtk_widget_activate (toggle);
  app_test_wait_until (switch_turned, &wait, 10, "the switch to turn");
  app_test_settle (50);
}

static GtkWidget *
open_preferences (void)
{
  GtkWindow *preferences;

  g_action_group_activate_action (G_ACTION_GROUP (g_application_get_default ()), "preferences",
                                  NULL);
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_PREFERENCES_WINDOW), 10,
                       "the preferences");
  preferences = app_test_find_window (TS_TYPE_PREFERENCES_WINDOW);
  /* Tall enough for the screenshots to show the Background group whole. */
  gtk_window_set_default_size (preferences, 560, 620);
  app_test_settle (200);
  return GTK_WIDGET (preferences);
}

/* Run 1: the first close, the hidden window kept live, activation. */

static void
first_close (Test *test)
{
  GtkWidget *question;
  TsProjectView *view;
  StoryWait heat_shield = { NULL, "Heat shield" };
  ServerWait fuel_gone = { test, "Fuel" };
  guint position;

  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  g_set_weak_pointer (&test->window, app_test_main_window ());
  sign_in (test);
  app_test_wait_until (backlog_ready, test->window, 60, "the backlog of Gemini");

  /* A delete, held back by its undo toast. */
  view = view_of (test->window);
  app_test_wait_until (row_shown, (gpointer) "Fuel", 10, "Fuel");
  g_assert_true (ts_backlog_model_find_story (ts_project_view_get_model (view),
                                              story_titled (test->window, "Fuel"), &position));
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (ts_project_view_get_list_view (view))),
                                     position);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ts_project_view_get_list_view (view)),
                                             "backlog.delete-selected", NULL));
  app_test_wait_until (row_hidden, (gpointer) "Fuel", 10, "Fuel hidden");
  g_assert_true (server_has (test, "Fuel"));

  /* The first close asks. */
  g_assert_false (g_settings_get_boolean (test->settings, "run-in-background-asked"));
  gtk_window_close (GTK_WINDOW (test->window));
  app_test_wait_until (question_shown, NULL, 10, "the question");
  question = GTK_WIDGET (app_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (question)), ==,
                   "Keep TrueStory Running in the Background?");
  g_assert_nonnull (app_test_find_button (question, "Quit"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (test->window)));
  app_test_settle (300);
  app_test_screenshot (question, "app-background-question");

  gtk_widget_activate (app_test_find_button (question, "Run in Background"));
  app_test_wait_until (question_gone, NULL, 10, "the question answered");
  app_test_wait_until (window_hidden, test, 10, "the window hidden");
  g_assert_true (g_settings_get_boolean (test->settings, "run-in-background"));
  g_assert_true (g_settings_get_boolean (test->settings, "run-in-background-asked"));
  g_assert_nonnull (test->window);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (test->window)));
  g_assert_true (ts_background_get_hidden (background ()));
  g_assert_true (any_main_window () == test->window);
  g_assert_null (app_test_find_window (ADW_TYPE_MESSAGE_DIALOG));

  /* The held delete went out, since nobody can undo it now. */
  app_test_wait_until (server_lacks, &fuel_gone, 20, "the held delete sent");

  /* Still live: Bob's story reaches the hidden window's store. */
  create_story (test, test->bob_token, "{\"title\": \"Heat shield\", \"type\": \"chore\", "
                                       "\"state\": \"unstarted\"}");
  heat_shield.window = test->window;
  app_test_wait_until (story_arrived, &heat_shield, 30, "Bob's story while hidden");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (test->window)));
  /* Live, but not viewing: nobody sees Ada's avatar meanwhile. */
  g_assert_false (viewing (test));
}

static void
shown_again (Test *test)
{
  GtkWidget *preferences;
  GtkWidget *run_switch;
  GtkWidget *login_switch;
  g_autofree char *autostart = ts_background_dup_autostart_file ();
  g_autofree char *entry = NULL;

  /* Activating (launching it again) shows the same window. */
  g_application_activate (g_application_get_default ());
  app_test_wait_until (window_shown, test, 10, "the window shown again");
  g_assert_true (app_test_main_window () == test->window);
  g_assert_true (any_main_window () == test->window);
  g_assert_false (ts_background_get_hidden (background ()));
  app_test_wait_until (row_shown, (gpointer) "Heat shield", 10, "Heat shield shown");
  app_test_wait_until (viewing_cb, test, 10, "Ada viewing Gemini again");

  /* Preferences: the switches, and starting at login. */
  preferences = open_preferences ();
  run_switch = row_switch (preferences, "Run in Background");
  login_switch = row_switch (preferences, "Start at Login");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (run_switch)));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (login_switch)));
  g_assert_true (gtk_widget_is_sensitive (login_switch));
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));

  flip (login_switch);
  g_assert_true (g_settings_get_boolean (test->settings, "start-at-login"));
  g_assert_true (g_file_get_contents (autostart, &entry, NULL, NULL));
  g_assert_nonnull (strstr (entry, "/truestory --background\n"));
  g_assert_nonnull (app_test_find_label (preferences, "Start in the background when you log in"));
  app_test_screenshot (preferences, "app-background-preferences");

  /* Off again; and off with running in the background, too. */
  flip (login_switch);
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));
  flip (run_switch);
  g_assert_false (g_settings_get_boolean (test->settings, "run-in-background"));
  g_assert_false (gtk_widget_is_sensitive (login_switch));
  flip (run_switch);
  g_assert_true (g_settings_get_boolean (test->settings, "run-in-background"));
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* A second close hides without asking. */
  gtk_window_close (GTK_WINDOW (test->window));
  app_test_settle (300);
  g_assert_null (app_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (test->window)));
  g_assert_true (ts_background_get_hidden (background ()));
}

/* The app's own loop runs with the window hidden; then activation. */
static gboolean
later_cb (gpointer user_data)
{
  Test *test = user_data;

  g_assert_nonnull (test->window);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (test->window)));
  shown_again (test);
  g_application_quit (g_application_get_default ());
  return G_SOURCE_REMOVE;
}

/* Run 2: started at login. */

static void
started_hidden (Test *test)
{
  StoryWait booster = { NULL, "Booster" };

  g_set_weak_pointer (&test->window, any_main_window ());
  g_assert_nonnull (test->window);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (test->window)));
  g_assert_true (ts_background_get_hidden (background ()));

  app_test_wait_until (backlog_ready, test->window, 60, "the backlog opened while hidden");
  g_assert_nonnull (ts_backlog_store_lookup (store_of (test->window),
                                             story_titled (test->window, "Heat shield")));
  create_story (test, test->bob_token, "{\"title\": \"Booster\", \"type\": \"chore\", "
                                       "\"state\": \"unstarted\"}");
  booster.window = test->window;
  app_test_wait_until (story_arrived, &booster, 30, "Bob's story while started hidden");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (test->window)));
  g_assert_false (viewing (test));

  g_application_activate (g_application_get_default ());
  app_test_wait_until (window_shown, test, 10, "the window shown");
  g_assert_true (any_main_window () == test->window);
  g_assert_false (ts_background_get_hidden (background ()));
  app_test_wait_until (row_shown, (gpointer) "Booster", 10, "Booster shown");
  app_test_wait_until (viewing_cb, test, 10, "Ada viewing Gemini");
}

/* Run 3: no portal, and closing quits. */

static void
no_portal (Test *test)
{
  GtkWidget *preferences;
  GtkWidget *question;
  GtkWidget *login_switch;
  const char *note;

  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  g_set_weak_pointer (&test->window, app_test_main_window ());
  app_test_wait_until (backlog_ready, test->window, 60, "the backlog of Gemini");

  app_test_wait_until (note_set, NULL, 10, "the portal looked for");
  g_assert_false (ts_background_get_can_start_at_login (background ()));
  note = ts_background_get_start_at_login_note (background ());
  g_assert_nonnull (strstr (note, "Background portal"));

  preferences = open_preferences ();
  login_switch = row_switch (preferences, "Start at Login");
  g_assert_false (gtk_widget_is_sensitive (login_switch));
  g_assert_nonnull (app_test_find_label (preferences, note));
  flip (row_switch (preferences, "Run in Background"));
  g_assert_true (g_settings_get_boolean (test->settings, "run-in-background"));
  /* Running in the background works without the portal; starting at
   * login still cannot. */
  g_assert_false (gtk_widget_is_sensitive (login_switch));
  app_test_screenshot (preferences, "app-background-no-portal");
  flip (row_switch (preferences, "Run in Background"));
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* Asked again (as on a new machine), Ada answers Quit. */
  g_settings_reset (test->settings, "run-in-background");
  g_settings_reset (test->settings, "run-in-background-asked");
  app_test_settle (100);
  gtk_window_close (GTK_WINDOW (test->window));
  app_test_wait_until (question_shown, NULL, 10, "the question");
  question = GTK_WIDGET (app_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  gtk_widget_activate (app_test_find_button (question, "Quit"));
  app_test_wait_until (question_gone, NULL, 10, "the question answered");
  app_test_wait_until (window_gone, test, 10, "the window closed");
  g_assert_false (g_settings_get_boolean (test->settings, "run-in-background"));
  g_assert_true (g_settings_get_boolean (test->settings, "run-in-background-asked"));
  g_assert_null (test->window);
  g_assert_null (any_main_window ());
  g_assert_cmpuint (warnings, ==, 0);
  /* Nothing is left holding the app: returning ends g_application_run(). */
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  /* Only the launch: the tests activate the app again themselves. */
  if (test->activations++ > 0)
    return;

  switch (test->run)
    {
    case 1:
      gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), 900, 640);
      first_close (test);
      /* Back to the app's own loop, with nothing shown. */
      g_timeout_add (500, later_cb, test);
      break;
    case 2:
      started_hidden (test);
      g_application_quit (app);
      break;
    case 3:
      no_portal (test);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
run_app (Test       *test,
         int         run,
         const char *option)
{
  TsApplication *app = ts_application_new ();
  const char *argv[] = { "truestory", option, NULL };

  test->run = run;
  test->activations = 0;
  g_printerr ("# run %d\n", run);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), option != NULL ? 2 : 1,
                                      (char **) argv), ==, 0);
  /* Quitting leaves a window (hidden or not) to the process's end; this
   * process goes on to the next run. */
  if (test->window != NULL)
    gtk_window_destroy (GTK_WINDOW (test->window));
  g_clear_weak_pointer (&test->window);
  g_object_add_weak_pointer (G_OBJECT (app), (gpointer *) &app);
  g_object_unref (app);
  /* Nothing kept it: no window, no hold. */
  g_assert_null (app);
}

int
main (int   argc,
      char *argv[])
{
  Test test = { 0, };

  if (app_test_no_display ())
    return 77;

  g_log_set_writer_func (count_warnings, NULL, NULL);
  app_test_isolate ();
  /* Not in a sandbox: the autostart entry is the app's own. */
  g_setenv ("TRUESTORY_BACKGROUND_PORTAL", "0", TRUE);
  test.server = test_server_start (NULL);
  seed (&test);
  test.settings = g_settings_new ("io.github.truestory.TrueStory");

  g_print ("1..3\n");
  run_app (&test, 1, NULL);
  g_print ("ok 1 - the first close asks; hidden, the app stays live; activation shows the same window\n");

  run_app (&test, 2, "--background");
  g_print ("ok 2 - started at login, hidden and live\n");

  /* The portal path with no session bus, as under Xvfb here. */
  g_setenv ("TRUESTORY_BACKGROUND_PORTAL", "1", TRUE);
  g_settings_reset (test.settings, "run-in-background");
  warnings = 0;
  run_app (&test, 3, NULL);
  g_print ("ok 3 - no Background portal: explained, no warnings; answered Quit, closing quits\n");

  g_clear_object (&test.settings);
  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.ada_token);
  g_free (test.bob_token);
  return 0;
}
