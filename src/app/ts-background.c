/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-background"

#include "ts-background.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libportal-gtk4/portal-gtk4.h>
#include <string.h>

#include "ts-config.h"

/*
 * TsBackground: the app living on after its window is closed.
 *
 * With the setting `run-in-background` on, closing the main window hides it
 * and holds the application, so the session, its realtime subscription and
 * the open project's store stay live; activating the app shows the same
 * window and lets go. The first close asks once (`run-in-background-asked`).
 *
 * Starting hidden at login (`start-at-login`, only while running in the
 * background) is asked of the Background portal inside a sandbox, where the
 * portal knows the app by its sandbox. Outside one the portal cannot tell
 * which app asks, so the app writes the XDG autostart entry itself. The
 * portal is looked for on the session bus before libportal is used at all:
 * libportal 0.6 aborts without a session bus, and a desktop without the
 * portal only makes starting at login unavailable, with a note saying why.
 */

#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define BACKGROUND_INTERFACE "org.freedesktop.portal.Background"

typedef enum {
  PORTAL_UNUSED,
  PORTAL_CHECKING,
  PORTAL_READY,
  PORTAL_ABSENT,
} PortalState;

struct _TsBackground
{
  GObject parent_instance;

  GApplication *application;  /* not owned: it owns this object */
  GSettings *settings;
  GCancellable *cancellable;

  PortalState portal_state;
  XdpPortal *portal;
  gboolean requesting;
  gboolean request_again;
  /* The last request asked the portal to start the app at login. */
  gboolean autostart_requested;
  gboolean disposed;

  gboolean can_start_at_login;
  char *note;

  GtkWindow *hidden_window;   /* weak */
  gulong visible_handler;
  gulong destroy_handler;
  gboolean held;
  AdwMessageDialog *question; /* weak */
};

G_DEFINE_FINAL_TYPE (TsBackground, ts_background, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HIDDEN,
  PROP_CAN_START_AT_LOGIN,
  PROP_START_AT_LOGIN_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_hidden (TsBackground *self,
            gboolean      held)
{
  if (self->held == held)
    return;

  self->held = held;
  if (held)
    g_application_hold (self->application);
  else
    g_application_release (self->application);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN]);
}

static void
set_can_start_at_login (TsBackground *self,
                        gboolean      can)
{
  if (self->can_start_at_login == can)
    return;

  self->can_start_at_login = can;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_START_AT_LOGIN]);
}

static void
set_note (TsBackground *self,
          const char   *note)
{
  if (g_strcmp0 (self->note, note) == 0)
    return;

  g_free (self->note);
  self->note = g_strdup (note);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_AT_LOGIN_NOTE]);
}

/* The autostart entry, outside a sandbox. */

/* An argument of a desktop entry's Exec, quoted by the spec's rules when it
 * needs quoting. */
static char *
quote_exec_argument (const char *argument)
{
  GString *quoted;

  if (strpbrk (argument, " \t\n\"'\\><~|&;$*?#()`=%") == NULL)
    return g_strdup (argument);

  quoted = g_string_new ("\"");
  for (const char *p = argument; *p != '\0'; p++)
    {
      if (strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

static void
write_autostart_file (TsBackground *self,
                      gboolean      wanted)
{
  g_autofree char *path = ts_background_dup_autostart_file ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *program = g_build_filename (TS_BINDIR, "truestory", NULL);
  g_autofree char *quoted = quote_exec_argument (program);
  g_autofree char *exec = g_strdup_printf ("%s --background", quoted);
  g_autoptr(GKeyFile) entry = NULL;
  g_autoptr(GError) error = NULL;

  if (!wanted)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_warning ("Cannot remove %s: %s", path, g_strerror (saved_errno));
          set_note (self, _("The autostart entry in your config folder could not be removed."));
          return;
        }
      set_note (self, NULL);
      return;
    }

  entry = g_key_file_new ();
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "TrueStory");
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON,
                         APPLICATION_ID);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_warning ("Cannot make %s: %s", folder, g_strerror (saved_errno));
      set_note (self, _("The autostart entry could not be written to your config folder."));
      return;
    }
  if (!g_key_file_save_to_file (entry, path, &error))
    {
      g_warning ("Cannot write %s: %s", path, error->message);
      set_note (self, _("The autostart entry could not be written to your config folder."));
      return;
    }
  set_note (self, NULL);
}

/* The Background portal. */

static void apply (TsBackground *self);

static void
portal_absent (TsBackground *self)
{
  self->portal_state = PORTAL_ABSENT;
  set_can_start_at_login (self, FALSE);
  set_note (self, _("Not available: this desktop has no Background portal to start apps at login."));
}

static void
requested_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TsBackground) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean granted;

  granted = xdp_portal_request_background_finish (XDP_PORTAL (object), result, &error);
  self->requesting = FALSE;
  if (self->disposed)
    return;

  if (error != NULL)
    g_debug ("The Background portal answered: %s", error->message);
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    {
      portal_absent (self);
      return;
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_note (self, _("The Background portal could not be asked. Try again later."));
  else if (!granted)
    set_note (self, _("Not allowed. You can allow TrueStory to run in the background in Settings, under Apps."));
  else
    set_note (self, NULL);

  if (self->request_again)
    {
      self->request_again = FALSE;
      apply (self);
    }
}

static GtkWindow *
shown_window (TsBackground *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->application)); l != NULL;
       l = l->next)
    if (gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static void
request_background (TsBackground *self,
                    gboolean      autostart)
{
  g_autoptr(XdpParent) parent = NULL;
  g_autofree char *reason = NULL;
  GtkWindow *window = shown_window (self);
  GPtrArray *commandline;

  if (self->requesting)
    {
      self->request_again = TRUE;
      return;
    }

  /* What the portal starts at login: the program inside the sandbox,
   * hidden. */
  commandline = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (commandline, g_strdup ("truestory"));
  g_ptr_array_add (commandline, g_strdup ("--background"));
  if (window != NULL)
    parent = xdp_parent_new_gtk (window);
  reason = g_strdup (_("TrueStory keeps your backlog up to date and tells you about changes while its window is closed."));

  self->requesting = TRUE;
  self->autostart_requested = autostart;
  /* No cancellable: libportal 0.6 drops a cancelled request without
   * calling back. The callback holds a reference instead. */
  xdp_portal_request_background (self->portal, parent, reason, commandline,
                                 autostart ? XDP_BACKGROUND_FLAG_AUTOSTART
                                           : XDP_BACKGROUND_FLAG_NONE,
                                 NULL, requested_cb, g_object_ref (self));
}

static void
version_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TsBackground) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (self->disposed)
    return;
  if (reply == NULL)
    {
      g_debug ("No Background portal: %s", error->message);
      portal_absent (self);
      return;
    }

  /* The session bus is there, so libportal can be used. */
  self->portal = xdp_portal_new ();
  self->portal_state = PORTAL_READY;
  set_can_start_at_login (self, TRUE);
  apply (self);
}

static void
bus_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(TsBackground) self = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (self->disposed)
    return;
  if (bus == NULL)
    {
      g_debug ("No session bus, so no Background portal: %s", error->message);
      portal_absent (self);
      return;
    }
  g_dbus_connection_call (bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", BACKGROUND_INTERFACE, "version"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          self->cancellable, version_cb, g_object_ref (self));
}

/* Makes the autostart entry (or the portal's permission) follow the
 * settings. */
static void
apply (TsBackground *self)
{
  gboolean run = g_settings_get_boolean (self->settings, "run-in-background");
  gboolean autostart = run && g_settings_get_boolean (self->settings, "start-at-login");

  switch (self->portal_state)
    {
    case PORTAL_UNUSED:
      write_autostart_file (self, autostart);
      break;
    case PORTAL_READY:
      /* Only while running in the background, or to take back a start at
       * login asked for before: on some desktops each request shows a
       * dialog. */
      if (run || self->autostart_requested)
        request_background (self, autostart);
      break;
    case PORTAL_CHECKING:
    case PORTAL_ABSENT:
    default:
      break;
    }
}

static void
settings_changed_cb (TsBackground *self,
                     const char   *key)
{
  /* Whoever chose in Preferences was not asked, but has answered. */
  if (g_str_equal (key, "run-in-background"))
    g_settings_set_boolean (self->settings, "run-in-background-asked", TRUE);
  apply (self);
}

/* The hidden window. */

static void
forget_hidden_window (TsBackground *self)
{
  if (self->hidden_window != NULL)
    {
      g_clear_signal_handler (&self->visible_handler, self->hidden_window);
      g_clear_signal_handler (&self->destroy_handler, self->hidden_window);
      g_clear_weak_pointer (&self->hidden_window);
    }
}

static void
window_visible_cb (TsBackground *self,
                   GParamSpec   *pspec,
                   GtkWindow    *window)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (window)))
    return;

  forget_hidden_window (self);
  set_hidden (self, FALSE);
}

static void
window_destroy_cb (TsBackground *self,
                   GtkWindow    *window)
{
  forget_hidden_window (self);
  set_hidden (self, FALSE);
}

static void
hide_window (TsBackground *self,
             GtkWindow    *window)
{
  if (self->hidden_window != window)
    {
      forget_hidden_window (self);
      g_set_weak_pointer (&self->hidden_window, window);
      self->visible_handler = g_signal_connect_object (window, "notify::visible",
                                                       G_CALLBACK (window_visible_cb), self,
                                                       G_CONNECT_SWAPPED);
      self->destroy_handler = g_signal_connect_object (window, "destroy",
                                                       G_CALLBACK (window_destroy_cb), self,
                                                       G_CONNECT_SWAPPED);
    }
  set_hidden (self, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
}

/* The first close's question. */

typedef struct {
  TsBackground *self;
  GtkWindow *window;
  gboolean background;
} Answer;

static void
answer_free (Answer *answer)
{
  g_object_unref (answer->self);
  g_object_unref (answer->window);
  g_free (answer);
}

/* After the dialog has finished answering: closing the window takes the
 * dialog (its transient) with it. */
static gboolean
act_on_answer_cb (gpointer user_data)
{
  Answer *answer = user_data;

  if (answer->self->disposed)
    return G_SOURCE_REMOVE;
  if (answer->background)
    hide_window (answer->self, answer->window);
  else
    gtk_window_close (answer->window);
  return G_SOURCE_REMOVE;
}

static void
question_answered_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      TsBackground     *self)
{
  Answer *answer;

  g_clear_weak_pointer (&self->question);
  /* Escape or the close button: no answer, so the next close asks again. */
  if (!g_str_equal (response, "quit") && !g_str_equal (response, "background"))
    return;

  answer = g_new0 (Answer, 1);
  answer->self = g_object_ref (self);
  answer->window = g_object_ref (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  answer->background = g_str_equal (response, "background");
  g_settings_set_boolean (self->settings, "run-in-background", answer->background);
  g_settings_set_boolean (self->settings, "run-in-background-asked", TRUE);
  g_idle_add_full (G_PRIORITY_DEFAULT, act_on_answer_cb, answer, (GDestroyNotify) answer_free);
}

static void
ask (TsBackground *self,
     GtkWindow    *window)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (window, _("Keep TrueStory Running in the Background?"),
                                   _("TrueStory can stay connected when its window is closed, "
                                     "to keep your backlog up to date and let you know about "
                                     "changes. You can change this later in Preferences."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "quit", _("_Quit"),
                                    "background", _("_Run in Background"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "background",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "background");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (question_answered_cb), self, 0);
  g_set_weak_pointer (&self->question, ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The object. */

static void
ts_background_dispose (GObject *object)
{
  TsBackground *self = TS_BACKGROUND (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  forget_hidden_window (self);
  set_hidden (self, FALSE);
  g_clear_weak_pointer (&self->question);
  g_clear_object (&self->portal);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ts_background_parent_class)->dispose (object);
}

static void
ts_background_finalize (GObject *object)
{
  TsBackground *self = TS_BACKGROUND (object);

  g_free (self->note);

  G_OBJECT_CLASS (ts_background_parent_class)->finalize (object);
}

static void
ts_background_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TsBackground *self = TS_BACKGROUND (object);

  switch (prop_id)
    {
    case PROP_HIDDEN:
      g_value_set_boolean (value, self->held);
      break;
    case PROP_CAN_START_AT_LOGIN:
      g_value_set_boolean (value, self->can_start_at_login);
      break;
    case PROP_START_AT_LOGIN_NOTE:
      g_value_set_string (value, self->note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_background_class_init (TsBackgroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_background_dispose;
  object_class->finalize = ts_background_finalize;
  object_class->get_property = ts_background_get_property;

  /**
   * TsBackground:hidden:
   *
   * Whether the main window is hidden and the application held: running in
   * the background.
   */
  properties[PROP_HIDDEN] =
    g_param_spec_boolean ("hidden", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * TsBackground:can-start-at-login:
   *
   * Whether `start-at-login` can take effect here: outside a sandbox always,
   * inside one when the Background portal answers.
   */
  properties[PROP_CAN_START_AT_LOGIN] =
    g_param_spec_boolean ("can-start-at-login", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * TsBackground:start-at-login-note:
   *
   * Why starting at login is not available or did not take effect, for
   * people; %NULL when all is well.
   */
  properties[PROP_START_AT_LOGIN_NOTE] =
    g_param_spec_string ("start-at-login-note", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_background_init (TsBackground *self)
{
}

/* Inside a sandbox the portal; `TRUESTORY_BACKGROUND_PORTAL=1` uses it
 * outside one too (to try a portal backend, and in the tests), `=0` never. */
static gboolean
use_portal (void)
{
  const char *forced = g_getenv ("TRUESTORY_BACKGROUND_PORTAL");

  if (forced != NULL && *forced != '\0')
    return g_str_equal (forced, "1");
  return xdp_portal_running_under_sandbox ();
}

/**
 * ts_background_new:
 * @application: the application, which keeps the returned object
 *
 * Returns: (transfer full): what keeps @application running in the
 *   background
 */
TsBackground *
ts_background_new (GApplication *application)
{
  TsBackground *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  self = g_object_new (TS_TYPE_BACKGROUND, NULL);
  self->application = application;
  self->settings = g_settings_new (APPLICATION_ID);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->settings, "changed::run-in-background",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::start-at-login",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);

  if (use_portal ())
    {
      self->portal_state = PORTAL_CHECKING;
      g_bus_get (G_BUS_TYPE_SESSION, self->cancellable, bus_cb, g_object_ref (self));
    }
  else
    {
      self->portal_state = PORTAL_UNUSED;
      self->can_start_at_login = TRUE;
      apply (self);
    }
  return self;
}

/**
 * ts_background_close_window:
 * @window: the main window, being closed
 * @live: whether the window has something to keep live (a session)
 *
 * Decides what closing @window does: with `run-in-background` on it hides
 * the window and holds the application; the first time, it asks.
 *
 * Returns: %TRUE when the window is not to close (hidden, or asking)
 */
gboolean
ts_background_close_window (TsBackground *self,
                            GtkWindow    *window,
                            gboolean      live)
{
  g_return_val_if_fail (TS_IS_BACKGROUND (self), FALSE);
  g_return_val_if_fail (GTK_IS_WINDOW (window), FALSE);

  if (self->question != NULL)
    return TRUE;
  /* Nothing to keep live (the welcome page, a failed sign-in): closing
   * quits, and nothing is asked yet. */
  if (!live)
    return FALSE;
  if (!g_settings_get_boolean (self->settings, "run-in-background-asked") &&
      !g_settings_get_boolean (self->settings, "run-in-background"))
    {
      ask (self, window);
      return TRUE;
    }
  if (!g_settings_get_boolean (self->settings, "run-in-background"))
    return FALSE;

  hide_window (self, window);
  return TRUE;
}

/**
 * ts_background_keep_hidden:
 * @window: the main window, not shown
 *
 * Starts in the background (`--background`): @window stays hidden and the
 * application is held until @window is shown.
 */
void
ts_background_keep_hidden (TsBackground *self,
                           GtkWindow    *window)
{
  g_return_if_fail (TS_IS_BACKGROUND (self));
  g_return_if_fail (GTK_IS_WINDOW (window));

  hide_window (self, window);
}

gboolean
ts_background_get_hidden (TsBackground *self)
{
  g_return_val_if_fail (TS_IS_BACKGROUND (self), FALSE);

  return self->held;
}

gboolean
ts_background_get_can_start_at_login (TsBackground *self)
{
  g_return_val_if_fail (TS_IS_BACKGROUND (self), FALSE);

  return self->can_start_at_login;
}

const char *
ts_background_get_start_at_login_note (TsBackground *self)
{
  g_return_val_if_fail (TS_IS_BACKGROUND (self), NULL);

  return self->note;
}

/**
 * ts_background_dup_autostart_file:
 *
 * Returns: (transfer full): the XDG autostart entry written outside a
 *   sandbox
 */
char *
ts_background_dup_autostart_file (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APPLICATION_ID ".desktop", NULL);
}
