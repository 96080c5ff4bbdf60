/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The story editor, the conflict dialog and the project settings, driven
 * in the real window signed in to a real team server: a title and an
 * estimate edited in the editor reach the server; a comment is added and
 * listed; a rename by someone else that this client has not heard of yet
 * meets an edit of the same title, the conflict dialog asks, and "Keep
 * Mine" wins on the server; the iteration length changes in the project
 * settings; members are added by email (an unknown one is refused); a
 * story deleted by someone else closes its editor with a message.
 *
 * The editor works on a TsBacklogStore of the test's own, without
 * realtime, so that the test decides when the store learns of other
 * people's changes (ts_backlog_store_catch_up()), as a late event would. */

#include <adwaita.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-conflict-dialog.h"
#include "ts-connect-window.h"
#include "ts-project-settings.h"
#include "ts-story-editor.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *ada_token;
  char *bob_token;
  gint64 project_id;
  gint64 story_id;
  TsBacklogStore *store;
  gboolean loaded;
} Test;

static gboolean
no_window_of_type (gpointer user_data)
{
  return app_test_find_window (GPOINTER_TO_SIZE (user_data)) == NULL;
}

static guint
count_windows (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        n++;
    }
  return n;
}

static gboolean
label_shown_in (GtkWidget  *root,
                const char *text)
{
  return root != NULL && app_test_find_label (root, text) != NULL;
}

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_of_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

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

static void
painted_cb (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

/* A screenshot of a frame that was laid out and painted: one taken while
 * a resize is pending (a live update just arrived) renders nothing. */
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

/* Scrolls the window's content to its end, for a screenshot of it. */
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

/* REST, as another client sees the server */

static char *
story_path (Test *test)
{
  return g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT,
                          test->project_id, test->story_id);
}

typedef struct {
  Test *test;
  const char *member;
  const char *text;
  gint64 number;
} ServerHas;

static gboolean
story_has_string (gpointer user_data)
{
  ServerHas *has = user_data;
  g_autofree char *path = story_path (has->test);
  g_autoptr(JsonObject) story = test_get_object (has->test->server, path, has->test->ada_token);

  return g_strcmp0 (json_object_get_string_member (story, has->member), has->text) == 0;
}

static gboolean
story_has_number (gpointer user_data)
{
  ServerHas *has = user_data;
  g_autofree char *path = story_path (has->test);
  g_autoptr(JsonObject) story = test_get_object (has->test->server, path, has->test->ada_token);

  return !json_object_get_null_member (story, has->member) &&
         json_object_get_int_member (story, has->member) == has->number;
}

static gboolean
project_has_number (gpointer user_data)
{
  ServerHas *has = user_data;
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT,
                                           has->test->project_id);
  g_autoptr(JsonObject) project = test_get_object (has->test->server, path, has->test->ada_token);

  return json_object_get_int_member (project, has->member) == has->number;
}

static gboolean
is_member (Test       *test,
           const char *email)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members",
                                           test->project_id);
  g_autoptr(JsonObject) object = test_get_object (test->server, path, test->ada_token);
  JsonArray *members = json_object_get_array_member (object, "members");

  for (guint i = 0; i < json_array_get_length (members); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (members, i),
                                                    "email"), email))
      return TRUE;
  return FALSE;
}

/* Signing in through the UI */

static gboolean
sidebar_shows_gemini (gpointer user_data)
{
  GtkWidget *label = app_test_find_label (GTK_WIDGET (app_test_main_window ()), "Gemini");

  return label != NULL && gtk_widget_get_ancestor (label, GTK_TYPE_LIST_VIEW) != NULL;
}

static void
sign_in (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *dialog;
  GType connect_type = TS_TYPE_CONNECT_WINDOW;

  gtk_widget_activate (app_test_find_button (window, "Connect to a Server"));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (connect_type), 10,
                       "the Connect to a Server dialog");
  dialog = GTK_WIDGET (app_test_find_window (connect_type));
  app_test_set_row (dialog, "Server Address", test->server->base_url);
  app_test_set_row (dialog, "Email", "ada@example.org");
  app_test_set_row (dialog, "Password", "analytical");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (sidebar_shows_gemini, NULL, 30, "“Gemini” in the sidebar");
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Test *test = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ts_backlog_store_load_finish (TS_BACKLOG_STORE (object), result, &error));
  g_assert_no_error (error);
  test->loaded = TRUE;
}

/* The editor */

static TsStoryEditor *
editor (Test *test)
{
  return ts_story_editor_find (test->store, test->story_id);
}

static gboolean
editor_ready (gpointer user_data)
{
  Test *test = user_data;
  TsStoryEditor *window = editor (test);

  /* Shown, with the members (the requester's name) and the comments. */
  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         gtk_widget_get_sensitive (app_test_expect_row (GTK_WIDGET (window), "Owners")) &&
         label_shown_in (GTK_WIDGET (window), "No comments yet");
}

static gboolean
comment_listed (gpointer user_data)
{
  Test *test = user_data;

  return label_shown_in (GTK_WIDGET (editor (test)), "Ready for review after lunch");
}

static gboolean
no_pending_edits (gpointer user_data)
{
  Test *test = user_data;

  return ts_backlog_store_get_n_pending_edits (test->store) == 0;
}

static void
edit_story (Test *test)
{
  GtkWidget *window;
  GtkWidget *title_row;
  AdwComboRow *estimate_row;
  GtkWidget *entry;
  const int *values;
  guint n_values;
  guint two = 0;
  ServerHas has = { test, NULL, NULL, 0 };

  ts_story_editor_present (GTK_WIDGET (app_test_main_window ()), test->store,
                           ts_session_get_client (ts_window_get_session (app_test_main_window ())),
                           test->story_id);
  app_test_wait_until (editor_ready, test, 30, "the story editor with members and comments");
  window = GTK_WIDGET (editor (test));

  /* One editor per story: opening it again presents the same window. */
  ts_story_editor_present (GTK_WIDGET (app_test_main_window ()), test->store,
                           ts_session_get_client (ts_window_get_session (app_test_main_window ())),
                           test->story_id);
  app_test_settle (100);
  g_assert_cmpuint (count_windows (TS_TYPE_STORY_EDITOR), ==, 1);

  /* The requester is the creator, by name. */
  g_assert_nonnull (app_test_find_label (window, "Ada Lovelace"));

  /* A new title, committed with Enter. */
  title_row = app_test_expect_row (window, "Title");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, "Write the launch checklist");
  gtk_editable_set_text (GTK_EDITABLE (title_row), "Write the launch checklist for Gemini");
  g_signal_emit_by_name (title_row, "entry-activated");
  has.member = "title";
  has.text = "Write the launch checklist for Gemini";
  app_test_wait_until (story_has_string, &has, 20, "the new title on the server");

  /* An estimate from the project's scale (Fibonacci: the first choice is
   * "Unestimated"). */
  values = ts_point_scale_get_values (TS_POINT_SCALE_FIBONACCI, &n_values);
  for (guint i = 0; i < n_values; i++)
    if (values[i] == 2)
      two = i + 1;
  g_assert_cmpuint (two, >, 0);
  estimate_row = ADW_COMBO_ROW (app_test_expect_row (window, "Estimate"));
  adw_combo_row_set_selected (estimate_row, two);
  has.member = "estimate";
  has.number = 2;
  app_test_wait_until (story_has_number, &has, 20, "the estimate on the server");
  g_assert_cmpint (ts_story_get_estimate (ts_backlog_store_lookup (test->store, test->story_id)),
                   ==, 2);

  /* A comment, listed with its author once the server has it. */
  entry = app_test_find_entry (window, "Write a comment…");
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Ready for review after lunch");
  g_assert_true (gtk_widget_activate_action (window, "editor.add-comment", NULL));
  app_test_wait_until (comment_listed, test, 20, "the comment in the editor");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_null (app_test_find_label (window, "No comments yet"));

  app_test_wait_until (no_pending_edits, test, 20, "the store to settle");
  app_test_settle (500);
  screenshot (window, "app-story-editor");
  scroll_to_end (window);
  screenshot (window, "app-story-editor-comments");
}

/* A conflict */

static void
conflict_cb (TsBacklogStore  *store,
             TsStoryConflict *conflict,
             Test            *test)
{
  /* What the backlog view does with a conflict. */
  ts_conflict_dialog_present (GTK_WIDGET (app_test_main_window ()), store, conflict);
}

static gboolean
conflict_dialog_shown (gpointer user_data)
{
  GtkWindow *dialog = app_test_find_window (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)) &&
         app_test_find_label (GTK_WIDGET (dialog), "Edit Conflict") != NULL;
}

static gboolean
editor_shows_title (gpointer user_data)
{
  Test *test = user_data;
  GtkWidget *title_row = app_test_expect_row (GTK_WIDGET (editor (test)), "Title");

  return g_str_equal (gtk_editable_get_text (GTK_EDITABLE (title_row)), "Checklist, final");
}

static void
conflict (Test *test)
{
  GtkWidget *window = GTK_WIDGET (editor (test));
  GtkWidget *title_row = app_test_expect_row (window, "Title");
  GtkWidget *dialog;
  g_autofree char *path = story_path (test);
  g_autoptr(TestResponse) response = NULL;
  ServerHas has = { test, "title", "Checklist, final", 0 };

  g_signal_connect (test->store, "conflict", G_CALLBACK (conflict_cb), test);

  /* Bob renames it; this store has no realtime and does not know. */
  response = test_request (test->server, "PATCH", path, test->bob_token,
                           "{\"title\": \"Bob’s launch checklist\"}");
  assert_status (response, 200);

  gtk_editable_set_text (GTK_EDITABLE (title_row), "Checklist, final");
  g_signal_emit_by_name (title_row, "entry-activated");
  app_test_wait_until (conflict_dialog_shown, NULL, 20, "the conflict dialog");
  dialog = GTK_WIDGET (app_test_find_window (ADW_TYPE_MESSAGE_DIALOG));

  /* It names the story and shows both titles. */
  g_assert_nonnull (app_test_find_label_containing (dialog, "Bob’s launch checklist"));
  g_assert_nonnull (app_test_find_label (dialog, "Checklist, final"));
  g_assert_nonnull (app_test_find_label (dialog, "Title"));
  /* It belongs to the editor where the edit was made. */
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  app_test_settle (500);
  screenshot (dialog, "app-conflict-dialog");

  gtk_widget_activate (app_test_find_button (dialog, "Keep Mine"));
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10,
                       "the conflict dialog to close");
  app_test_wait_until (story_has_string, &has, 20, "my title on the server");
  app_test_wait_until (no_pending_edits, test, 20, "the store to settle");
  app_test_wait_until (editor_shows_title, test, 20, "my title in the editor");
}

/* A member added during the session */

static gboolean
hedy_is_owner_choice (gpointer user_data)
{
  Test *test = user_data;
  TsStoryEditor *window = editor (test);

  return window != NULL &&
         app_test_find_row (app_test_expect_row (GTK_WIDGET (window), "Owners"),
                            "Hedy Lamarr") != NULL;
}

/* Hedy joins while the editor is open and changes the story: the store,
 * meeting someone it does not know, reads the members again, and the
 * editor offers her as an owner without being reopened. */
static void
member_joins (Test *test)
{
  g_autofree char *members_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members",
                                                   test->project_id);
  g_autofree char *path = story_path (test);
  g_autofree char *hedy_token = NULL;
  g_autoptr(TestResponse) member = NULL;
  g_autoptr(TestResponse) response = NULL;

  g_assert_nonnull (editor (test));
  /* The owners to choose, as a person opens them. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (app_test_expect_row (GTK_WIDGET (editor (test)), "Owners")), TRUE);
  app_test_settle (500);
  g_assert_nonnull (app_test_find_row (app_test_expect_row (GTK_WIDGET (editor (test)), "Owners"), "Bob Babbage"));
  g_assert_false (hedy_is_owner_choice (test));
  member = test_request (test->server, "POST", members_path, test->ada_token,
                         "{\"email\": \"hedy@example.org\"}");
  g_assert_cmpuint (member->status, <, 300);
  hedy_token = test_server_sign_in (test->server, "hedy@example.org", "frequency");
  response = test_request (test->server, "PATCH", path, hedy_token, "{\"estimate\": 3}");
  assert_status (response, 200);
  /* The event, as this store (no realtime) hears of it. */
  ts_backlog_store_catch_up (test->store);
  app_test_wait_until (hedy_is_owner_choice, test, 20, "Hedy among the owners to choose");
}

/* Project settings */

static GtkWidget *
settings_window (void)
{
  return GTK_WIDGET (app_test_find_window (TS_TYPE_PROJECT_SETTINGS));
}

static gboolean
store_has_three_weeks (gpointer user_data)
{
  Test *test = user_data;

  return ts_project_get_iteration_length (ts_backlog_store_get_project (test->store)) == 3;
}

static gboolean
override_saved (gpointer user_data)
{
  Test *test = user_data;
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, test->project_id);
  g_autoptr(JsonObject) project = test_get_object (test->server, path, test->ada_token);
  JsonArray *iterations = json_object_get_array_member (project, "iterations");

  for (guint i = 0; i < json_array_get_length (iterations); i++)
    {
      JsonObject *iteration = json_array_get_object_element (iterations, i);

      if (json_object_get_int_member (iteration, "number") == 2 &&
          json_object_get_double_member (iteration, "team_strength") == 0.5)
        return TRUE;
    }
  return FALSE;
}

static gboolean
settings_label_shown (gpointer user_data)
{
  return label_shown_in (settings_window (), user_data);
}

static gboolean
grace_listed (gpointer user_data)
{
  GtkWidget *window = settings_window ();

  return window != NULL && app_test_find_row (window, "Grace Hopper") != NULL;
}

static gboolean
members_listed (gpointer user_data)
{
  GtkWidget *window = settings_window ();

  return window != NULL && app_test_find_row (window, "Bob Babbage") != NULL;
}

static AdwPreferencesPage *
find_page (GtkWidget  *widget,
           const char *title)
{
  if (ADW_IS_PREFERENCES_PAGE (widget) &&
      g_strcmp0 (adw_preferences_page_get_title (ADW_PREFERENCES_PAGE (widget)), title) == 0)
    return ADW_PREFERENCES_PAGE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwPreferencesPage *found = find_page (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
project_settings (Test *test)
{
  GtkWidget *window;
  GtkWidget *email_row;
  GtkWidget *expander;
  GtkWidget *spin;
  ServerHas has = { test, "iteration_length", NULL, 3 };

  ts_project_settings_present (GTK_WIDGET (app_test_main_window ()), test->store,
                               ts_session_get_client (ts_window_get_session (app_test_main_window ())));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_PROJECT_SETTINGS), 10,
                       "the project settings");
  window = settings_window ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (app_test_expect_row (window, "Project Name"))), ==, "Gemini");
  g_assert_nonnull (app_test_find_row (window, "Iteration 1 (Current)"));

  /* Three-week iterations (the choices start at one week). */
  adw_combo_row_set_selected (ADW_COMBO_ROW (app_test_expect_row (window, "Iteration Length")), 2);
  app_test_wait_until (project_has_number, &has, 20, "three-week iterations on the server");
  app_test_wait_until (store_has_three_weeks, test, 20, "the store to catch up");
  app_test_settle (500);
  screenshot (window, "app-project-settings");

  /* Half the team in iteration 2. */
  expander = app_test_expect_row (window, "Iteration 2");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  app_test_settle (300);
  spin = find_of_type (app_test_expect_row (expander, "Team Strength"), GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 50);
  app_test_wait_until (override_saved, test, 20, "iteration 2's team strength on the server");
  scroll_to_end (window);
  screenshot (window, "app-project-settings-iterations");

  /* Members: an unknown email is refused, a known one is added. */
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (window),
                                           find_page (window, "Members"));
  app_test_wait_until (members_listed, NULL, 20, "the members");
  email_row = app_test_expect_row (window, "Email Address");
  gtk_editable_set_text (GTK_EDITABLE (email_row), "nobody@example.org");
  g_assert_true (gtk_widget_activate_action (window, "settings.add-member", NULL));
  app_test_wait_until (settings_label_shown, (gpointer) "No user with that email", 20,
                       "the unknown email's message");
  g_assert_false (is_member (test, "nobody@example.org"));

  gtk_editable_set_text (GTK_EDITABLE (email_row), "grace@example.org");
  g_assert_true (gtk_widget_activate_action (window, "settings.add-member", NULL));
  app_test_wait_until (grace_listed, NULL, 20, "Grace in the members list");
  g_assert_true (is_member (test, "grace@example.org"));
  app_test_settle (500);
  screenshot (window, "app-project-members");

  /* Opening the settings again presents the same window. */
  ts_project_settings_present (GTK_WIDGET (app_test_main_window ()), test->store,
                               ts_session_get_client (ts_window_get_session (app_test_main_window ())));
  g_assert_cmpuint (count_windows (TS_TYPE_PROJECT_SETTINGS), ==, 1);
  gtk_window_close (GTK_WINDOW (window));
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (TS_TYPE_PROJECT_SETTINGS), 10,
                       "the settings to close");
}

/* A story deleted by someone else */

static gboolean
deleted_message_shown (gpointer user_data)
{
  GtkWindow *dialog = app_test_find_window (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)) &&
         app_test_find_label (GTK_WIDGET (dialog), "Story Deleted") != NULL;
}

static void
story_deleted (Test *test)
{
  g_autofree char *path = story_path (test);
  g_autoptr(TestResponse) response = NULL;
  GtkWidget *dialog;

  response = test_request (test->server, "DELETE", path, test->bob_token, NULL);
  assert_status (response, 200);
  /* The event, as a late one arrives. */
  ts_backlog_store_catch_up (test->store);
  app_test_wait_until (deleted_message_shown, NULL, 20, "the story's deletion message");
  dialog = GTK_WIDGET (app_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  app_test_settle (300);
  screenshot (dialog, "app-story-deleted");
  gtk_widget_activate (app_test_find_button (dialog, "Close"));
  app_test_wait_until (no_window_of_type, GSIZE_TO_POINTER (TS_TYPE_STORY_EDITOR), 10,
                       "the editor to close");
}

static void
run (Test *test)
{
  TsApiClient *api;

  sign_in (test);
  api = ts_session_get_client (ts_window_get_session (app_test_main_window ()));
  test->store = ts_backlog_store_new (api, NULL, test->project_id);
  ts_backlog_store_load_async (test->store, NULL, loaded_cb, test);
  app_test_wait_until (flag_set, &test->loaded, 30, "the store to load");

  edit_story (test);
  conflict (test);
  member_joins (test);
  project_settings (test);
  story_deleted (test);

  ts_backlog_store_close (test->store);
  g_clear_object (&test->store);
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

static void
seed (Test *test)
{
  /* Grace and Hedy join the project later. */
  static const AppTestPerson hedy = { "hedy@example.org", "Hedy Lamarr", "frequency" };

  app_test_seed_users (test->server, &test->ada_token, &test->bob_token);
  app_test_add_person (test->server, &app_test_grace);
  app_test_add_person (test->server, &hedy);
  test->project_id = app_test_seed_team_project (test->server, test->ada_token,
                                                 "{\"name\": \"Gemini\"}");
  test->story_id = test_server_create_story (test->server, test->ada_token, test->project_id,
                                             "{\"title\": \"Write the launch checklist\", "
                                             "\"state\": \"unstarted\"}");
}

int
main (int   argc,
      char *argv[])
{
  Test test = { NULL };
  g_autoptr(TsApplication) app = NULL;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }

  app_test_isolate ();
  test.server = test_server_start (NULL);
  seed (&test);

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.ada_token);
  g_free (test.bob_token);
  g_print ("ok - story editor, conflict dialog, project settings and members\n");
  return 0;
}
