/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Notifications, against a real team server and a session bus of the
 * test's own with a stand-in notification server on it (the desktop's
 * org.freedesktop.Notifications, which GLib's GNotification uses where no
 * GNOME Shell or portal answers), so what the app sends is observed where
 * it leaves the app: Ada has Apollo open. Bob delivers a story she
 * requested (a notification); Ada delivers one herself over REST, as from
 * another window (none); Bob moves a story she owns twice (one
 * notification, replaced); Bob mentions her in a comment; with deliveries
 * turned off in the settings, Bob's delivery says nothing; with another
 * project shown, Apollo is not watched. The window is hidden, the
 * delivery's notification is clicked: the window comes back with Apollo
 * and the story's editor, and the story's other notification is
 * withdrawn. Preferences turn a kind off. Screenshots:
 * app-preferences-notifications, app-preferences-notifications-dark. */

#include <adwaita.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-config.h"
#include "ts-connect-window.h"
#include "ts-preferences-window.h"
#include "ts-project-view.h"
#include "ts-story-editor.h"
#include "ts-window.h"

/* What the stand-in notification server was asked to show. */
typedef struct {
  guint32 id;
  guint32 replaces_id;
  char *summary;
  char *body;
  char **actions;
} Shown;

static void
shown_free (gpointer data)
{
  Shown *shown = data;

  g_free (shown->summary);
  g_free (shown->body);
  g_strfreev (shown->actions);
  g_free (shown);
}

typedef struct {
  TestServer *server;
  GPid bus_pid;
  GDBusConnection *daemon;      /* the notification server's own connection */
  guint registration;
  guint32 next_id;
  GPtrArray *shown;             /* Shown, in order */
  GArray *closed;               /* guint32, CloseNotification's ids */

  char *ada_token;
  char *bob_token;
  char *grace_token;          /* a member from the middle of the session */
  gint64 ada_id;
  gint64 bob_id;
  gint64 apollo_id;
  gint64 gemini_id;
  gint64 heat_shield_id;
  gint64 parachute_id;
  gint64 docking_id;
  gint64 fuel_cells_id;
} Test;

/* The session bus: a private dbus-daemon that starts no services. */

static const char bus_config[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:dir=%s</listen>\n"
  "  <auth>EXTERNAL</auth>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_bus (Test *test)
{
  g_autofree char *config = g_strdup_printf (bus_config, app_test_home ());
  g_autofree char *config_path = g_build_filename (app_test_home (), "bus.conf", NULL);
  g_autofree char *config_arg = g_strconcat ("--config-file=", config_path, NULL);
  g_autofree char *program = g_find_program_in_path ("dbus-daemon");
  g_autoptr(GIOChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  const char *argv[] = { NULL, NULL, "--nofork", "--print-address=1", NULL };
  int out = -1;

  g_assert_nonnull (program);
  argv[0] = program;
  argv[1] = config_arg;
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           die_with_parent, NULL, &test->bus_pid, NULL, &out, NULL,
                                           &error));
  g_assert_no_error (error);
  channel = g_io_channel_unix_new (out);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_read_line (channel, &address, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_strchomp (address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
}

static void
stop_bus (Test *test)
{
  kill (test->bus_pid, SIGTERM);
  g_spawn_close_pid (test->bus_pid);
}

/* The stand-in notification server. */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' name='app_name' direction='in'/>"
  "      <arg type='u' name='replaces_id' direction='in'/>"
  "      <arg type='s' name='app_icon' direction='in'/>"
  "      <arg type='s' name='summary' direction='in'/>"
  "      <arg type='s' name='body' direction='in'/>"
  "      <arg type='as' name='actions' direction='in'/>"
  "      <arg type='a{sv}' name='hints' direction='in'/>"
  "      <arg type='i' name='expire_timeout' direction='in'/>"
  "      <arg type='u' name='id' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'>"
  "      <arg type='u' name='id' direction='in'/>"
  "    </method>"
  "    <method name='GetCapabilities'>"
  "      <arg type='as' name='capabilities' direction='out'/>"
  "    </method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' name='name' direction='out'/>"
  "      <arg type='s' name='vendor' direction='out'/>"
  "      <arg type='s' name='version' direction='out'/>"
  "      <arg type='s' name='spec_version' direction='out'/>"
  "    </method>"
  "    <signal name='NotificationClosed'>"
  "      <arg type='u' name='id'/>"
  "      <arg type='u' name='reason'/>"
  "    </signal>"
  "    <signal name='ActionInvoked'>"
  "      <arg type='u' name='id'/>"
  "      <arg type='s' name='action_key'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  Test *test = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      Shown *shown = g_new0 (Shown, 1);

      g_variant_get (parameters, "(&su&sss^as@a{sv}i)", NULL, &shown->replaces_id, NULL,
                     &shown->summary, &shown->body, &shown->actions, NULL, NULL);
      shown->id = shown->replaces_id != 0 ? shown->replaces_id : ++test->next_id;
      g_ptr_array_add (test->shown, shown);
      g_print ("# notification %u: %s — %s\n", shown->id, shown->summary, shown->body);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", shown->id));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      guint32 id;

      g_variant_get (parameters, "(u)", &id);
      g_array_append_val (test->closed, id);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *capabilities[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^as)", capabilities));
    }
  else
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "TrueStory", "1", "1.2"));
}

static void
start_notification_server (Test *test)
{
  static const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result;

  /* A connection of its own, as a real server is a process of its own:
   * the app's calls and its signals then cross the bus. */
  test->daemon = g_dbus_connection_new_for_address_sync (g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
                                                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                         G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                         NULL, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  test->registration = g_dbus_connection_register_object (test->daemon, "/org/freedesktop/Notifications",
                                                          info->interfaces[0], &vtable, test, NULL,
                                                          &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (test->daemon, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1);  /* DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */
  test->shown = g_ptr_array_new_with_free_func (shown_free);
  test->closed = g_array_new (FALSE, FALSE, sizeof (guint32));
}

static void
stop_notification_server (Test *test)
{
  g_dbus_connection_unregister_object (test->daemon, test->registration);
  g_dbus_connection_close_sync (test->daemon, NULL, NULL);
  g_clear_object (&test->daemon);
  g_clear_pointer (&test->shown, g_ptr_array_unref);
  g_clear_pointer (&test->closed, g_array_unref);
}

/* A click on the notification: the server says its default action was
 * invoked. */
static void
click_notification (Test    *test,
                    guint32  id)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (test->daemon, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", id, "default"), &error);
  g_assert_no_error (error);
}

static Shown *
shown_at (Test  *test,
          guint  index)
{
  g_assert_cmpuint (index, <, test->shown->len);
  return g_ptr_array_index (test->shown, index);
}

typedef struct {
  Test *test;
  guint count;
} Count;

static gboolean
shown_count_reached (gpointer user_data)
{
  Count *count = user_data;

  return count->test->shown->len >= count->count;
}

static void
wait_for_notifications (Test       *test,
                        guint       count,
                        const char *what)
{
  Count wanted = { test, count };

  app_test_wait_until (shown_count_reached, &wanted, 30, what);
  g_assert_cmpuint (test->shown->len, ==, count);
}

typedef struct {
  Test *test;
  guint32 id;
} Closed;

static gboolean
was_closed (gpointer user_data)
{
  Closed *closed = user_data;

  for (guint i = 0; i < closed->test->closed->len; i++)
    if (g_array_index (closed->test->closed, guint32, i) == closed->id)
      return TRUE;
  return FALSE;
}

/* Seeding over REST. */

static gint64
user_id (Test       *test,
         const char *token)
{
  g_autoptr(TestResponse) response = test_request (test->server, "GET", "/api/v1/me", token, NULL);

  assert_status (response, 200);
  return test_response_int (response, "id");
}

static gint64
create_story (Test       *test,
              const char *body)
{
  return test_server_create_story (test->server, test->ada_token, test->apollo_id, body);
}

static void
seed (Test *test)
{
  g_autofree char *heat_shield = NULL;
  g_autofree char *parachute = NULL;
  g_autofree char *docking = NULL;
  g_autofree char *fuel_cells = NULL;

  app_test_seed_users (test->server, &test->ada_token, &test->bob_token);
  test->grace_token = app_test_add_signed_in (test->server, &app_test_grace);
  test->ada_id = user_id (test, test->ada_token);
  test->bob_id = user_id (test, test->bob_token);

  test->apollo_id = app_test_seed_project_named (test->server, test->ada_token, "Apollo");
  test->gemini_id = app_test_seed_project_named (test->server, test->ada_token, "Gemini");
  test_server_add_member (test->server, test->ada_token, test->apollo_id, app_test_bob.email);

  /* Ada requests all four (she creates them); Bob owns the heat shield and
   * the fuel cells, Ada the parachute and the docking, which Bob requests. */
  heat_shield = g_strdup_printf ("{\"title\": \"Heat shield\", \"estimate\": 3, \"state\": \"finished\", "
                                 "\"owner_ids\": [%" G_GINT64_FORMAT "]}", test->bob_id);
  test->heat_shield_id = create_story (test, heat_shield);
  parachute = g_strdup_printf ("{\"title\": \"Parachute\", \"estimate\": 2, \"state\": \"finished\", "
                               "\"owner_ids\": [%" G_GINT64_FORMAT "]}", test->ada_id);
  test->parachute_id = create_story (test, parachute);
  docking = g_strdup_printf ("{\"title\": \"Docking\", \"estimate\": 3, \"state\": \"started\", "
                             "\"owner_ids\": [%" G_GINT64_FORMAT "], "
                             "\"requester_id\": %" G_GINT64_FORMAT "}", test->ada_id, test->bob_id);
  test->docking_id = create_story (test, docking);
  fuel_cells = g_strdup_printf ("{\"title\": \"Fuel cells\", \"estimate\": 1, \"state\": \"finished\", "
                                "\"owner_ids\": [%" G_GINT64_FORMAT "]}", test->bob_id);
  test->fuel_cells_id = create_story (test, fuel_cells);
}

/* A change over REST as @token's user; the project version it made. */
static gint64
set_state (Test       *test,
           const char *token,
           gint64      story_id,
           const char *state)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT,
                                           test->apollo_id, story_id);
  g_autofree char *body = g_strdup_printf ("{\"state\": \"%s\"}", state);
  g_autoptr(TestResponse) response = test_request (test->server, "PATCH", path, token, body);

  assert_status (response, 200);
  return test_response_int (response, "version");
}

static void
comment (Test       *test,
         const char *token,
         gint64      story_id,
         const char *text)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%" G_GINT64_FORMAT
                                           "/comments", test->apollo_id, story_id);
  g_autofree char *body = g_strdup_printf ("{\"text\": \"%s\"}", text);
  g_autoptr(TestResponse) response = test_request (test->server, "POST", path, token, body);

  assert_status (response, 201);
}

/* The app. */

static TsBacklogStore *
store (void)
{
  return ts_project_view_get_store (app_test_project_view ());
}

static gboolean
project_ready (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();
  gint64 project_id = *(gint64 *) user_data;

  return view != NULL && ts_project_view_get_project (view) != NULL &&
         ts_project_get_id (ts_project_view_get_project (view)) == project_id &&
         store () != NULL && ts_backlog_store_get_status (store ()) == TS_BACKLOG_STORE_READY;
}

static gboolean
realtime_connected (gpointer user_data)
{
  TsSession *session = ts_window_get_session (app_test_main_window ());

  return session != NULL &&
         ts_realtime_client_get_state (ts_session_get_realtime (session)) == TS_REALTIME_STATE_CONNECTED;
}

static gboolean
version_reached (gpointer user_data)
{
  return store () != NULL && ts_backlog_store_get_version (store ()) >= *(gint64 *) user_data;
}

/* The store has applied the change that made @version, and whatever it
 * would have sent has had time to arrive. */
static void
wait_for_version (gint64 version)
{
  app_test_wait_until (version_reached, &version, 30, "the change to arrive");
  app_test_settle (500);
}

static void
sign_in (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_main_window ());
  GtkWidget *dialog;

  gtk_widget_activate (app_test_find_button (window, "Connect to a Server"));
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_CONNECT_WINDOW), 10,
                       "the Connect to a Server dialog");
  dialog = GTK_WIDGET (app_test_find_window (TS_TYPE_CONNECT_WINDOW));
  app_test_set_row (dialog, "Server Address", test->server->base_url);
  app_test_set_row (dialog, "Email", "ada@example.org");
  app_test_set_row (dialog, "Password", "analytical");
  g_assert_true (gtk_widget_activate_action (dialog, "connect.sign-in", NULL));
  app_test_wait_until (project_ready, &test->apollo_id, 60, "Apollo's backlog");
  app_test_wait_until (realtime_connected, NULL, 30, "the realtime connection");
}

/* The list of projects in the sidebar. */
static GtkListView *
find_sidebar (GtkWidget *root)
{
  GtkSelectionModel *model;

  if (GTK_IS_LIST_VIEW (root))
    {
      g_autoptr(GObject) first = NULL;

      model = gtk_list_view_get_model (GTK_LIST_VIEW (root));
      if (model != NULL)
        first = g_list_model_get_item (G_LIST_MODEL (model), 0);
      if (TS_IS_PROJECT (first))
        return GTK_LIST_VIEW (root);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListView *found = find_sidebar (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The sidebar's selection, as a click on the project's row makes it. */
static void
show_project (gint64 project_id)
{
  GtkListView *sidebar = find_sidebar (GTK_WIDGET (app_test_main_window ()));
  GtkSelectionModel *selection;

  g_assert_nonnull (sidebar);
  selection = gtk_list_view_get_model (sidebar);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(TsProject) item = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (ts_project_get_id (item) == project_id)
        {
          gtk_selection_model_select_item (selection, i, TRUE);
          app_test_wait_until (project_ready, &project_id, 30, "the project shown");
          return;
        }
    }
  g_assert_not_reached ();
}

static void
notifications (Test *test)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  Shown *delivered, *moved, *moved_again, *mentioned, *joined;
  gint64 version;

  /* Bob delivers the heat shield Ada requested. */
  set_state (test, test->bob_token, test->heat_shield_id, "delivered");
  wait_for_notifications (test, 1, "the delivery's notification");
  delivered = shown_at (test, 0);
  g_assert_cmpstr (delivered->summary, ==, "Story Delivered");
  g_assert_cmpstr (delivered->body, ==, "Bob Babbage delivered “Heat shield”");
  g_assert_cmpuint (delivered->replaces_id, ==, 0);
  /* Clicking it does something: the default action. */
  g_assert_true (g_strv_contains ((const char * const *) delivered->actions, "default"));

  /* Ada delivers the parachute herself, as from another window of hers. */
  version = set_state (test, test->ada_token, test->parachute_id, "delivered");
  wait_for_version (version);
  g_assert_cmpuint (test->shown->len, ==, 1);

  /* Bob finishes, then delivers, the docking Ada owns: one notification
   * for the story and kind, the second replacing the first. */
  set_state (test, test->bob_token, test->docking_id, "finished");
  wait_for_notifications (test, 2, "the change of state's notification");
  moved = shown_at (test, 1);
  g_assert_cmpstr (moved->summary, ==, "Story State Changed");
  g_assert_cmpstr (moved->body, ==, "Bob Babbage marked “Docking” as Finished");
  g_assert_cmpuint (moved->replaces_id, ==, 0);
  g_assert_cmpuint (moved->id, !=, delivered->id);
  set_state (test, test->bob_token, test->docking_id, "delivered");
  wait_for_notifications (test, 3, "the second change of state's notification");
  moved_again = shown_at (test, 2);
  g_assert_cmpstr (moved_again->body, ==, "Bob Babbage marked “Docking” as Delivered");
  g_assert_cmpuint (moved_again->replaces_id, ==, moved->id);

  /* Bob mentions Ada on the heat shield: a notification of its own kind,
   * beside the delivery's. */
  comment (test, test->bob_token, test->heat_shield_id,
           "@Ada Lovelace, the heat shield passed its test");
  wait_for_notifications (test, 4, "the mention's notification");
  mentioned = shown_at (test, 3);
  g_assert_cmpstr (mentioned->summary, ==, "You Were Mentioned");
  g_assert_cmpstr (mentioned->body, ==,
                   "Bob Babbage on “Heat shield”: @Ada Lovelace, the heat shield passed its test");
  g_assert_cmpuint (mentioned->replaces_id, ==, 0);
  g_assert_cmpuint (mentioned->id, !=, delivered->id);

  /* Deliveries turned off: Bob's delivery of the fuel cells says nothing
   * (Ada does not own them, so it is no change of state of hers either). */
  g_settings_set_boolean (settings, "notify-delivered", FALSE);
  version = set_state (test, test->bob_token, test->fuel_cells_id, "delivered");
  wait_for_version (version);
  g_assert_cmpuint (test->shown->len, ==, 4);
  g_settings_set_boolean (settings, "notify-delivered", TRUE);

  /* Grace joins Apollo during the session and mentions Ada at once: the
   * store, meeting someone it does not know, reads the members again, and
   * the notification waits for it and names her. */
  test_server_add_member (test->server, test->ada_token, test->apollo_id, app_test_grace.email);
  comment (test, test->grace_token, test->parachute_id, "@Ada Lovelace, I packed the parachute");
  wait_for_notifications (test, 5, "the new member's mention");
  joined = shown_at (test, 4);
  g_assert_cmpstr (joined->summary, ==, "You Were Mentioned");
  g_assert_cmpstr (joined->body, ==, "Grace Hopper on “Parachute”: @Ada Lovelace, I packed the parachute");

  /* Gemini shown: Apollo is not watched any more. */
  show_project (test->gemini_id);
  set_state (test, test->bob_token, test->docking_id, "rejected");
  app_test_settle (1500);
  g_assert_cmpuint (test->shown->len, ==, 5);
}

static gboolean
editor_shown (gpointer user_data)
{
  Test *test = user_data;
  TsStoryEditor *editor;

  if (!app_test_main_window_shown (NULL) || !project_ready (&test->apollo_id))
    return FALSE;
  editor = ts_story_editor_find (store (), test->heat_shield_id);
  return editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor));
}

static void
activation (Test *test)
{
  Closed mention_withdrawn = { test, shown_at (test, 3)->id };
  TsStoryEditor *editor;

  /* In the background, as after closing the window. */
  gtk_widget_set_visible (GTK_WIDGET (app_test_main_window ()), FALSE);
  app_test_settle (200);

  /* Clicking the delivery's notification shows the window, with Apollo
   * (not Gemini) and the heat shield's editor. */
  click_notification (test, shown_at (test, 0)->id);
  app_test_wait_until (editor_shown, test, 30, "the heat shield's editor");
  editor = ts_story_editor_find (store (), test->heat_shield_id);
  g_assert_cmpint (ts_story_editor_get_story_id (editor), ==, test->heat_shield_id);

  /* The story is open: its mention is withdrawn too. (The desktop took the
   * clicked one away itself.) */
  app_test_wait_until (was_closed, &mention_withdrawn, 10, "the mention to be withdrawn");
  gtk_window_destroy (GTK_WINDOW (editor));
  app_test_settle (200);
}

/* The switch moves with an animation, and turns the setting at its end. */
static gboolean
mentions_off (gpointer user_data)
{
  return !g_settings_get_boolean (G_SETTINGS (user_data), "notify-mentions");
}

static gboolean
mentions_on (gpointer user_data)
{
  return g_settings_get_boolean (G_SETTINGS (user_data), "notify-mentions");
}

static void
preferences (Test *test)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  const char *titles[] = { "Delivered Stories", "Rejected Stories", "Mentions", "State Changes" };
  GtkWidget *window;
  GtkWidget *row;
  GtkWidget *toggle;
  GtkWidget *group;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (g_application_get_default ()),
                                            "preferences"));
  g_action_group_activate_action (G_ACTION_GROUP (g_application_get_default ()), "preferences", NULL);
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_PREFERENCES_WINDOW), 10,
                       "Preferences");
  window = GTK_WIDGET (app_test_find_window (TS_TYPE_PREFERENCES_WINDOW));
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 860);

  /* One switch per kind, on by default, each turning its key. */
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      row = app_test_find_row (window, titles[i]);
      g_assert_nonnull (row);
      toggle = app_test_find_descendant (row, GTK_TYPE_SWITCH);
      g_assert_nonnull (toggle);
      g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
    }
  group = gtk_widget_get_ancestor (app_test_find_row (window, "Mentions"), ADW_TYPE_PREFERENCES_GROUP);
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, "Notifications");

  /* A click on the row flips its switch and the setting. */
  row = app_test_find_row (window, "Mentions");
  adw_action_row_activate (ADW_ACTION_ROW (row));
  app_test_wait_until (mentions_off, settings, 5, "mentions turned off");
  g_assert_true (g_settings_get_boolean (settings, "notify-delivered"));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (app_test_find_descendant (row, GTK_TYPE_SWITCH))));

  app_test_settle (500);
  app_test_screenshot (window, "app-preferences-notifications");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  app_test_settle (500);
  app_test_screenshot (window, "app-preferences-notifications-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  adw_action_row_activate (ADW_ACTION_ROW (row));
  app_test_wait_until (mentions_on, settings, 5, "mentions turned on again");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), 1100, 720);
  sign_in (test);
  notifications (test);
  activation (test);
  preferences (test);
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

int
main (int   argc,
      char *argv[])
{
  Test test = { 0, };
  g_autoptr(TsApplication) app = NULL;
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }
  if (dbus_daemon == NULL)
    {
      g_print ("1..0 # SKIP no dbus-daemon for a session bus of the test's own\n");
      return 77;
    }

  app_test_isolate ();
  start_bus (&test);
  start_notification_server (&test);
  test.server = test_server_start (NULL);
  seed (&test);

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_clear_object (&app);

  test_server_stop (test.server);
  stop_notification_server (&test);
  stop_bus (&test);
  app_test_cleanup ();
  g_free (test.ada_token);
  g_free (test.bob_token);
  g_free (test.grace_token);
  g_print ("ok - notifications: sent, not for oneself, replaced, turned off, not unwatched, "
           "clicked, withdrawn, preferences\n");
  return 0;
}
