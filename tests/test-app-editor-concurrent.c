/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The story editor under concurrent edits, as a new user met them: Ada
 * clicks into a story's title in the editor of the real window (its store
 * live over realtime), types " - local", Bob changes the title over REST
 * and Ada's window hears of it, then Ada presses Enter. Bob's title must
 * not be overwritten in silence: the conflict dialog asks, and each answer
 * ends with the server, the editor, the backlog row and a second live
 * store (Bob's own, as another app would have it) showing the same title.
 * A change of another field by Bob meanwhile merges without a question;
 * a choice (the estimate) is based on what its list showed when opened;
 * the description, labels, owners and a release's date likewise.
 * A title over the limit is refused with a message read whole.
 *
 * Screenshots: app-editor-{light,dark}-{360,1400} and
 * app-conflict-{light,dark}-{360,1400}. */

#include <adwaita.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-connect-window.h"
#include "ts-project-view.h"
#include "ts-story-editor.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *ada_token;
  char *bob_token;
  gint64 project_id;

  /* Bob's app, as a second live store on the project. */
  SoupSession *session;
  TsApiClient *bob_api;
  TsRealtimeClient *bob_realtime;
  TsBacklogStore *bob_store;
  gboolean bob_loaded;
} Test;

static Test test;

/* Waiting */

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static TsBacklogStore *
store (void)
{
  return ts_project_view_get_store (app_test_project_view ());
}

static TsApiClient *
api (void)
{
  return ts_session_get_client (ts_window_get_session (app_test_main_window ()));
}

static gboolean
backlog_ready (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();

  return view != NULL && ts_project_view_get_store (view) != NULL &&
         ts_backlog_store_get_status (ts_project_view_get_store (view)) == TS_BACKLOG_STORE_READY;
}

static gboolean
realtime_connected (gpointer user_data)
{
  TsSession *session = ts_window_get_session (app_test_main_window ());

  return ts_realtime_client_get_state (ts_session_get_realtime (session)) ==
         TS_REALTIME_STATE_CONNECTED;
}

/* The server, as another client sees it */

static char *
story_path (gint64 story_id)
{
  return g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT,
                          test.project_id, story_id);
}

static JsonObject *
server_story (gint64 story_id)
{
  g_autofree char *path = story_path (story_id);
  g_autoptr(TestResponse) response = test_request (test.server, "GET", path, test.ada_token, NULL);

  assert_status (response, 200);
  return json_object_ref (test_response_object (response));
}

static char *
server_string (gint64      story_id,
               const char *member)
{
  g_autoptr(JsonObject) story = server_story (story_id);

  return g_strdup (json_object_get_string_member (story, member));
}

static gint64
server_project_version (void)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, test.project_id);
  g_autoptr(TestResponse) response = test_request (test.server, "GET", path, test.ada_token, NULL);

  assert_status (response, 200);
  return test_response_int (response, "version");
}

/* Bob, over REST, with no base version: his change simply lands. */
static void
bob_patches (gint64      story_id,
             const char *body)
{
  g_autofree char *path = story_path (story_id);
  g_autoptr(TestResponse) response = test_request (test.server, "PATCH", path, test.bob_token, body);

  assert_status (response, 200);
}

/* Bob's store */

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_arrived (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

static void
bob_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ts_backlog_store_load_finish (TS_BACKLOG_STORE (source), result, &error));
  g_assert_no_error (error);
  test.bob_loaded = TRUE;
}

static void
open_bob_store (void)
{
  GAsyncResult *slot = NULL;
  g_autoptr(TsUser) user = NULL;
  g_autoptr(GError) error = NULL;

  test.session = soup_session_new ();
  test.bob_api = ts_api_client_new (test.server->base_url, test.session);
  ts_api_client_sign_in_async (test.bob_api, app_test_bob.email, app_test_bob.password, NULL,
                               result_cb, &slot);
  app_test_wait_until (result_arrived, &slot, 20, "Bob’s sign-in");
  user = ts_api_client_sign_in_finish (test.bob_api, slot, &error);
  g_clear_object (&slot);
  g_assert_no_error (error);

  test.bob_realtime = ts_realtime_client_new (test.bob_api);
  ts_realtime_client_start (test.bob_realtime);
  test.bob_store = ts_backlog_store_new (test.bob_api, test.bob_realtime, test.project_id);
  ts_backlog_store_load_async (test.bob_store, NULL, bob_loaded_cb, NULL);
  app_test_wait_until (flag_set, &test.bob_loaded, 30, "Bob’s store");
}

static void
close_bob_store (void)
{
  ts_backlog_store_close (test.bob_store);
  g_clear_object (&test.bob_store);
  ts_realtime_client_stop (test.bob_realtime);
  g_clear_object (&test.bob_realtime);
  g_clear_object (&test.bob_api);
  g_clear_object (&test.session);
}

/* A story and its editor */

typedef struct {
  gint64 id;
  const char *member;       /* "title" or "description" */
  const char *text;
} Expect;

static gboolean
store_shows (gpointer user_data)
{
  Expect *expect = user_data;
  TsStory *story = ts_backlog_store_lookup (store (), expect->id);

  if (story == NULL)
    return FALSE;
  if (g_str_equal (expect->member, "title"))
    return g_strcmp0 (ts_story_get_title (story), expect->text) == 0;
  return g_strcmp0 (ts_story_get_description (story), expect->text) == 0;
}

static TsStoryEditor *
editor (gint64 story_id)
{
  return ts_story_editor_find (store (), story_id);
}

static GtkWidget *
title_row (gint64 story_id)
{
  GtkWidget *row = app_test_find_row (GTK_WIDGET (editor (story_id)), "Title");

  g_assert_nonnull (row);
  return row;
}

static gboolean
editor_ready (gpointer user_data)
{
  TsStoryEditor *window = editor (*(gint64 *) user_data);
  GtkWidget *owners;

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    return FALSE;
  owners = app_test_find_row (GTK_WIDGET (window), "Owners");
  return owners != NULL && gtk_widget_get_sensitive (owners);
}

/* A new story of @type, in Ada's window, its editor open. */
static gint64
open_new_story_of_type (const char *title,
                        const char *type)
{
  g_autofree char *body = g_strdup_printf ("{\"title\": \"%s\", \"type\": \"%s\", "
                                           "\"state\": \"unstarted\"}", title, type);
  gint64 id = test_server_create_story (test.server, test.ada_token, test.project_id, body);
  Expect expect = { id, "title", title };

  app_test_wait_until (store_shows, &expect, 20, "the new story in Ada’s window");
  ts_story_editor_present (GTK_WIDGET (app_test_project_view ()), store (), api (), id);
  app_test_wait_until (editor_ready, &id, 30, "the story editor");
  return id;
}

static gint64
open_new_story (const char *title)
{
  return open_new_story_of_type (title, "feature");
}

/* Clicking into the title and typing at its end. */
static void
type_in_title (gint64      story_id,
               const char *text)
{
  GtkWidget *row = title_row (story_id);
  int position = g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (row)), -1);

  gtk_widget_grab_focus (row);
  gtk_editable_insert_text (GTK_EDITABLE (row), text, -1, &position);
}

static void
press_enter (gint64 story_id)
{
  g_signal_emit_by_name (title_row (story_id), "entry-activated");
}

static gboolean
edits_answered (gpointer user_data)
{
  return ts_backlog_store_get_n_pending_edits (store ()) == 0;
}

static GtkWidget *
conflict_dialog (void)
{
  GtkWindow *dialog = app_test_find_window (ADW_TYPE_MESSAGE_DIALOG);

  if (dialog == NULL || !gtk_widget_get_mapped (GTK_WIDGET (dialog)) ||
      app_test_find_label (GTK_WIDGET (dialog), "Edit Conflict") == NULL)
    return NULL;
  return GTK_WIDGET (dialog);
}

static gboolean
conflict_dialog_shown (gpointer user_data)
{
  return conflict_dialog () != NULL;
}

static gboolean
no_message_dialog (gpointer user_data)
{
  return app_test_find_window (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

/* The scenario of the issue, up to the conflict dialog, on story @id
 * called @title whose editor is open. */
static void
concurrent_title_on (gint64      id,
                     const char *title,
                     const char *bobs_title)
{
  g_autofree char *body = g_strdup_printf ("{\"title\": \"%s\"}", bobs_title);
  g_autofree char *typed = g_strdup_printf ("%s - local", title);
  g_autofree char *on_server = NULL;
  Expect bobs = { id, "title", bobs_title };
  GtkWidget *dialog;

  type_in_title (id, " - local");
  bob_patches (id, body);
  /* Ada's window hears of it (realtime) while she is still typing; the
   * field keeps what she typed. */
  app_test_wait_until (store_shows, &bobs, 20, "Bob’s title in Ada’s store");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row (id))), ==, typed);

  press_enter (id);
  app_test_wait_until (conflict_dialog_shown, NULL, 20, "the conflict dialog");
  dialog = conflict_dialog ();

  /* Bob's title was not overwritten, and the dialog shows both. */
  on_server = server_string (id, "title");
  g_assert_cmpstr (on_server, ==, bobs_title);
  g_assert_nonnull (app_test_find_label (dialog, bobs_title));
  g_assert_nonnull (app_test_find_label (dialog, typed));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (editor (id)));
}

static gint64
concurrent_title (const char *title,
                  const char *bobs_title)
{
  gint64 id = open_new_story (title);

  concurrent_title_on (id, title, bobs_title);
  return id;
}

/* Every window equal */

typedef struct {
  gint64 id;
  const char *title;
  gint64 version;
} Converged;

static gboolean
row_shows (const char *title)
{
  GtkWidget *list = GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ()));
  GtkWidget *label = app_test_find_label (list, title);

  return label != NULL && gtk_widget_get_ancestor (label, TS_TYPE_BACKLOG_ROW) != NULL;
}

static gboolean
everyone_shows (gpointer user_data)
{
  Converged *converged = user_data;
  TsStory *mine = ts_backlog_store_lookup (store (), converged->id);
  TsStory *bobs = ts_backlog_store_lookup (test.bob_store, converged->id);
  TsStoryEditor *window = editor (converged->id);

  return mine != NULL && bobs != NULL && window != NULL &&
         ts_backlog_store_get_n_pending_edits (store ()) == 0 &&
         ts_backlog_store_get_version (store ()) == converged->version &&
         ts_backlog_store_get_version (test.bob_store) == converged->version &&
         g_strcmp0 (ts_story_get_title (mine), converged->title) == 0 &&
         g_strcmp0 (ts_story_get_title (bobs), converged->title) == 0 &&
         g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (title_row (converged->id))),
                    converged->title) == 0 &&
         row_shows (converged->title);
}

/* The server has @title, and so do Ada's store, her editor and backlog
 * row, and Bob's store, all at the server's version. */
static void
assert_converged (gint64      id,
                  const char *title)
{
  Converged converged = { id, title, 0 };
  g_autofree char *on_server = NULL;

  app_test_wait_until (edits_answered, NULL, 20, "Ada’s edits to be answered");
  app_test_settle (200);
  on_server = server_string (id, "title");
  g_assert_cmpstr (on_server, ==, title);
  converged.version = server_project_version ();
  app_test_wait_until (everyone_shows, &converged, 20, "every window to show the server’s title");
}

static void
close_editor (gint64 id)
{
  gtk_window_close (GTK_WINDOW (editor (id)));
  app_test_settle (100);
  g_assert_null (editor (id));
}

/* The tests */

static void
test_concurrent_title (void)
{
  gint64 id = concurrent_title ("Write the launch checklist", "Bob’s checklist");

  /* Escape, as closing it, takes theirs. */
  gtk_window_close (GTK_WINDOW (conflict_dialog ()));
  app_test_wait_until (no_message_dialog, NULL, 10, "the conflict dialog to close");
  assert_converged (id, "Bob’s checklist");
  close_editor (id);
}

static void
test_keep_mine (void)
{
  gint64 id = concurrent_title ("Fuel the rocket", "Bob’s fuel");

  gtk_widget_activate (app_test_find_button (conflict_dialog (), "Keep Mine"));
  app_test_wait_until (no_message_dialog, NULL, 10, "the conflict dialog to close");
  assert_converged (id, "Fuel the rocket - local");
  close_editor (id);
}

static void
test_take_theirs (void)
{
  gint64 id = concurrent_title ("Paint the capsule", "Bob’s capsule");

  gtk_widget_activate (app_test_find_button (conflict_dialog (), "Take Theirs"));
  app_test_wait_until (no_message_dialog, NULL, 10, "the conflict dialog to close");
  assert_converged (id, "Bob’s capsule");
  close_editor (id);
}

static void
test_other_field (void)
{
  gint64 id = open_new_story ("Count down");
  Expect bobs = { id, "description", "T minus ten" };
  g_autofree char *description = NULL;

  type_in_title (id, " - local");
  bob_patches (id, "{\"description\": \"T minus ten\"}");
  app_test_wait_until (store_shows, &bobs, 20, "Bob’s description in Ada’s store");
  press_enter (id);

  /* No question: both changes are kept. */
  assert_converged (id, "Count down - local");
  g_assert_true (no_message_dialog (NULL));
  description = server_string (id, "description");
  g_assert_cmpstr (description, ==, "T minus ten");
  g_assert_cmpstr (ts_story_get_description (ts_backlog_store_lookup (test.bob_store, id)), ==,
                   "T minus ten");
  close_editor (id);
}

static gboolean
has_width (gpointer user_data)
{
  GtkWidget *window = user_data;
  int width = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (window), "test-width"));

  /* Within what client-side decorations take. */
  return ABS (gtk_widget_get_width (window) - width) <= 30;
}

/* Resizes a window once its first size has settled (a size asked for
 * while the window is still being mapped is overridden). */
static void
resize (GtkWidget *window,
        int        width,
        int        height)
{
  app_test_settle (500);
  g_object_set_data (G_OBJECT (window), "test-width", GINT_TO_POINTER (width));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  app_test_wait_until (has_width, window, 10, "the window's new width");
}

static gboolean
store_estimate_is (gpointer user_data)
{
  gint64 *id = user_data;
  TsStory *story = ts_backlog_store_lookup (store (), id[0]);

  return story != NULL && ts_story_get_estimate (story) == id[1];
}

static guint
estimate_choice (int estimate)
{
  const int *values;
  guint n_values;

  /* The first choice is "Unestimated". */
  values = ts_point_scale_get_values (TS_POINT_SCALE_FIBONACCI, &n_values);
  for (guint i = 0; i < n_values; i++)
    if (values[i] == estimate)
      return i + 1;
  g_assert_not_reached ();
}

/* A choice is based on what the list showed when it was opened. */
static void
test_concurrent_estimate (void)
{
  gint64 id = open_new_story ("Weigh the payload");
  gint64 bobs[2] = { id, 3 };
  GtkWidget *row = app_test_find_row (GTK_WIDGET (editor (id)), "Estimate");
  GtkWidget *dialog;
  g_autoptr(JsonObject) on_server = NULL;

  g_signal_emit_by_name (row, "activated");
  bob_patches (id, "{\"estimate\": 3}");
  app_test_wait_until (store_estimate_is, bobs, 20, "Bob’s estimate in Ada’s store");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), estimate_choice (2));

  app_test_wait_until (conflict_dialog_shown, NULL, 20, "the conflict dialog");
  dialog = conflict_dialog ();
  g_assert_nonnull (app_test_find_label (dialog, "Estimate"));
  g_assert_nonnull (app_test_find_label (dialog, "3 Points"));
  g_assert_nonnull (app_test_find_label (dialog, "2 Points"));
  gtk_widget_activate (app_test_find_button (dialog, "Take Theirs"));
  app_test_wait_until (no_message_dialog, NULL, 10, "the conflict dialog to close");
  assert_converged (id, "Weigh the payload");
  on_server = server_story (id);
  g_assert_cmpint (json_object_get_int_member (on_server, "estimate"), ==, 3);
  g_assert_cmpint (ts_story_get_estimate (ts_backlog_store_lookup (test.bob_store, id)), ==, 3);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, estimate_choice (3));
  close_editor (id);
}

/* Every other kind of field: what Bob changed meanwhile brings the
 * question, and taking theirs leaves Bob's value everywhere. */

static gboolean
bob_store_has (gpointer user_data)
{
  gint64 *id_version = user_data;

  return ts_backlog_store_get_version (test.bob_store) >= id_version[1] &&
         ts_backlog_store_get_version (store ()) >= id_version[1];
}

/* Bob's change, heard by both stores. */
static void
bob_changes (gint64      id,
             const char *body)
{
  gint64 id_version[2];

  bob_patches (id, body);
  id_version[0] = id;
  id_version[1] = server_project_version ();
  app_test_wait_until (bob_store_has, id_version, 20, "Bob’s change in both stores");
}

static void
take_theirs (gint64      id,
             const char *field,
             const char *title)
{
  GtkWidget *dialog;

  app_test_wait_until (conflict_dialog_shown, NULL, 20, "the conflict dialog");
  dialog = conflict_dialog ();
  g_assert_nonnull (app_test_find_label (dialog, field));
  gtk_widget_activate (app_test_find_button (dialog, "Take Theirs"));
  app_test_wait_until (no_message_dialog, NULL, 10, "the conflict dialog to close");
  assert_converged (id, title);
}

static gint64
bob_id (void)
{
  g_autoptr(TestResponse) response = test_request (test.server, "GET", "/api/v1/me",
                                                   test.bob_token, NULL);

  assert_status (response, 200);
  return test_response_int (response, "id");
}

static void
test_concurrent_fields (void)
{
  gint64 id = open_new_story ("Recover the capsule");
  GtkWidget *window = GTK_WIDGET (editor (id));
  GtkWidget *labels = app_test_find_row (window, "Labels");
  GtkWidget *owners = app_test_find_row (window, "Owners");
  GtkTextBuffer *buffer;
  GtkTextIter end;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) on_server = NULL;
  TsStory *shown = ts_backlog_store_lookup (store (), id);
  TsStory *bobs;
  GtkWidget *check;

  /* The description: typed, then focus leaves it. */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (app_test_find_descendant (window, GTK_TYPE_TEXT_VIEW)));
  gtk_widget_grab_focus (app_test_find_descendant (window, GTK_TYPE_TEXT_VIEW));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "Ada’s notes", -1);
  bob_changes (id, "{\"description\": \"Bob’s notes\"}");
  gtk_widget_grab_focus (labels);
  take_theirs (id, "Description", "Recover the capsule");
  g_assert_cmpstr (ts_story_get_description (shown), ==, "Bob’s notes");

  /* The labels: typed, Enter. */
  gtk_widget_grab_focus (labels);
  gtk_editable_set_text (GTK_EDITABLE (labels), "sea");
  bob_changes (id, "{\"labels\": [\"air\"]}");
  g_signal_emit_by_name (labels, "entry-activated");
  take_theirs (id, "Labels", "Recover the capsule");
  g_assert_cmpstr (ts_story_get_labels (shown)[0], ==, "air");

  /* The owners: unfolded, then Ada ticks herself. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (owners), TRUE);
  app_test_settle (200);
  body = g_strdup_printf ("{\"owner_ids\": [%" G_GINT64_FORMAT "]}", bob_id ());
  bob_changes (id, body);
  check = app_test_find_descendant (app_test_find_row (owners, "Ada Lovelace"), GTK_TYPE_CHECK_BUTTON);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  take_theirs (id, "Owners", "Recover the capsule");
  bobs = ts_backlog_store_lookup (test.bob_store, id);
  g_assert_true (ts_story_has_owner (shown, bob_id ()));
  g_assert_false (ts_story_has_owner (bobs, ts_story_get_requester_id (bobs)));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));

  on_server = server_story (id);
  g_assert_cmpstr (json_object_get_string_member (on_server, "description"), ==, "Bob’s notes");
  close_editor (id);
}

/* A release's date: the calendar opened, Bob sets a date, Ada picks one. */
static void
test_concurrent_release_date (void)
{
  gint64 id = open_new_story_of_type ("Splashdown", "release");
  GtkWidget *row = app_test_find_row (GTK_WIDGET (editor (id)), "Deadline");
  GtkWidget *button = app_test_find_descendant (row, GTK_TYPE_MENU_BUTTON);
  GtkWidget *calendar;
  g_autoptr(GDateTime) day = g_date_time_new_local (2031, 3, 14, 0, 0, 0);
  g_autoptr(JsonObject) on_server = NULL;

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  app_test_settle (100);
  bob_changes (id, "{\"deadline\": \"2030-01-15\"}");
  calendar = gtk_popover_get_child (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  gtk_calendar_select_day (GTK_CALENDAR (calendar), day);
  take_theirs (id, "Deadline", "Splashdown");

  on_server = server_story (id);
  g_assert_cmpstr (json_object_get_string_member (on_server, "deadline"), ==, "2030-01-15");
  g_assert_cmpint (ts_story_get_deadline (ts_backlog_store_lookup (test.bob_store, id)), ==,
                   ts_day_from_ymd (2030, 1, 15));
  g_assert_cmpint (ts_story_get_deadline (ts_backlog_store_lookup (store (), id)), ==,
                   ts_day_from_ymd (2030, 1, 15));
  close_editor (id);
}

/* The toast's label, read whole: not cut by an ellipsis. */
static gboolean
limit_toast_shown (gpointer user_data)
{
  GtkWidget *label = app_test_find_label_containing (GTK_WIDGET (editor (*(gint64 *) user_data)),
                                                     "at most 1000 characters");

  return label != NULL && gtk_widget_get_mapped (label) && gtk_widget_get_width (label) > 0;
}

static void
assert_limit_toast_whole (gint64 id)
{
  GtkWidget *label;
  PangoLayout *layout;

  app_test_wait_until (limit_toast_shown, &id, 10, "the title limit's toast");
  app_test_settle (700);
  label = app_test_find_label_containing (GTK_WIDGET (editor (id)), "at most 1000 characters");
  g_assert_nonnull (label);
  layout = gtk_label_get_layout (GTK_LABEL (label));
  g_assert_false (pango_layout_is_ellipsized (layout));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                   "A title can have at most 1000 characters");
}

static void
test_title_limit (void)
{
  gint64 id = open_new_story ("Name the mission");
  g_autofree char *long_title = g_strnfill (TS_STORY_TITLE_MAX_CHARS + 1, 'x');
  g_autofree char *on_server = NULL;
  GtkWidget *row;

  row = title_row (id);
  gtk_widget_grab_focus (row);
  gtk_editable_set_text (GTK_EDITABLE (row), long_title);
  press_enter (id);
  assert_limit_toast_whole (id);
  on_server = server_string (id, "title");
  g_assert_cmpstr (on_server, ==, "Name the mission");

  /* At a phone's width, too. */
  resize (GTK_WIDGET (editor (id)), 360, 700);
  press_enter (id);
  assert_limit_toast_whole (id);
  app_test_screenshot (GTK_WIDGET (editor (id)), "app-editor-title-limit-360");

  gtk_editable_set_text (GTK_EDITABLE (row), "Name the mission");
  close_editor (id);
}

/* Screenshots of the editor and the conflict dialog, light and dark, at
 * 360 and 1,400 px. */

static void
painted_cb (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

static void
screenshot (GtkWidget  *window,
            const char *name)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  app_test_settle (400);
  clock = gtk_widget_get_frame_clock (window);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);
  gtk_widget_queue_draw (window);
  app_test_wait_until (flag_set, &painted, 10, "a painted frame");
  g_signal_handler_disconnect (clock, handler);
  app_test_screenshot (window, name);
}

static void
test_screenshots (void)
{
  const int widths[] = { 360, 1400 };
  AdwStyleManager *style = adw_style_manager_get_default ();

  for (guint dark = 0; dark < 2; dark++)
    for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
      {
        g_autofree char *title = g_strdup_printf ("Plan the splashdown %u-%u", dark, widths[i]);
        g_autofree char *bobs = g_strdup_printf ("Bob’s splashdown %u-%u", dark, widths[i]);
        g_autofree char *editor_name = g_strdup_printf ("app-editor-%s-%d",
                                                        dark ? "dark" : "light", widths[i]);
        g_autofree char *dialog_name = g_strdup_printf ("app-conflict-%s-%d",
                                                        dark ? "dark" : "light", widths[i]);
        gint64 id;

        adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                        : ADW_COLOR_SCHEME_FORCE_LIGHT);
        id = open_new_story (title);
        resize (GTK_WIDGET (editor (id)), widths[i], 800);
        screenshot (GTK_WIDGET (editor (id)), editor_name);
        concurrent_title_on (id, title, bobs);
        screenshot (conflict_dialog (), dialog_name);
        gtk_widget_activate (app_test_find_button (conflict_dialog (), "Take Theirs"));
        app_test_wait_until (no_message_dialog, NULL, 10, "the conflict dialog to close");
        assert_converged (id, bobs);
        close_editor (id);
      }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* The app */

static void
sign_in (void)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *dialog;

  gtk_widget_activate (app_test_find_button (window, "Connect to a Server"));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_CONNECT_WINDOW), 10,
                       "the Connect to a Server dialog");
  dialog = GTK_WIDGET (app_test_find_window (TS_TYPE_CONNECT_WINDOW));
  app_test_set_row (dialog, "Server Address", test.server->base_url);
  app_test_set_row (dialog, "Email", "ada@example.org");
  app_test_set_row (dialog, "Password", "analytical");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (backlog_ready, NULL, 60, "Gemini’s backlog");
  app_test_wait_until (realtime_connected, NULL, 30, "the realtime connection");
}

static int status;

static void
activate_cb (GApplication *app)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  sign_in ();
  open_bob_store ();
  status = g_test_run ();
  close_bob_store ();
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

static void
seed (void)
{
  app_test_seed_users (test.server, &test.ada_token, &test.bob_token);
  test.project_id = app_test_seed_team_project (test.server, test.ada_token,
                                                "{\"name\": \"Gemini\"}");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TsApplication) app = NULL;

  g_test_init (&argc, &argv, NULL);
  if (app_test_no_display ())
    return 77;

  g_test_add_func ("/app/newuser/editor-concurrent-title", test_concurrent_title);
  g_test_add_func ("/app/newuser/editor-conflict-keep-mine", test_keep_mine);
  g_test_add_func ("/app/newuser/editor-conflict-take-theirs", test_take_theirs);
  g_test_add_func ("/app/newuser/editor-concurrent-other-field", test_other_field);
  g_test_add_func ("/app/newuser/editor-concurrent-estimate", test_concurrent_estimate);
  g_test_add_func ("/app/newuser/editor-concurrent-fields", test_concurrent_fields);
  g_test_add_func ("/app/newuser/editor-concurrent-release-date", test_concurrent_release_date);
  g_test_add_func ("/app/newuser/editor-title-limit", test_title_limit);
  g_test_add_func ("/app/newuser/editor-screenshots", test_screenshots);

  app_test_isolate ();
  test.server = test_server_start (NULL);
  seed ();

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.ada_token);
  g_free (test.bob_token);
  return status;
}
