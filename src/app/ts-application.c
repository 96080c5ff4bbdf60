/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-application"

#include "ts-application.h"

#include <glib/gi18n.h>

#include "ts-accels.h"
#include "ts-accessible.h"
#include "ts-background.h"
#include "ts-config.h"
#include "ts-notifier.h"
#include "ts-preferences-window.h"
#include "ts-project-view.h"
#include "ts-resources.h"
#include "ts-tooltips.h"
#include "ts-window.h"

struct _TsApplication
{
  AdwApplication parent_instance;

  gboolean local_backlog_asked;
  /* Started with `--background`: the first activation keeps the window
   * hidden. */
  gboolean start_hidden;
  TsBackground *background;
  TsNotifier *notifier;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (TsApplication, ts_application, ADW_TYPE_APPLICATION)

static TsWindow *
main_window (TsApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (TS_IS_WINDOW (window))
    return TS_WINDOW (window);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TS_IS_WINDOW (l->data))
      return TS_WINDOW (l->data);
  return NULL;
}

/* The views still closing before the app quits. */
typedef struct {
  GApplication *application;
  guint pending;
} Quit;

/* Quitting with edits the server has not answered does not wait for it:
 * they are in the outbox, and the person is told they go next time. */
static void
say_unsent (GApplication *application)
{
  TsWindow *window = main_window (TS_APPLICATION (application));
  TsSession *session = window != NULL ? ts_window_get_session (window) : NULL;
  guint n = session != NULL ? ts_session_get_n_unsent (session) : 0;
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;

  if (n == 0)
    return;
  g_message ("Quitting with edits not sent yet (%u): they are sent on the next launch", n);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u edit is saved on this computer and will be sent the next time TrueStory opens.",
                                       "%u edits are saved on this computer and will be sent the next time TrueStory opens.",
                                       n), n);
  /* Without a session bus (and so no notification server) the log says it. */
  if (g_application_get_dbus_connection (application) == NULL)
    return;
  notification = g_notification_new (_("Edits Will Be Sent Next Time"));
  g_notification_set_body (notification, body);
  g_application_send_notification (application, "unsent-edits", notification);
}

static void
quit_when_closed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Quit *quit = user_data;
  GApplication *application = quit->application;

  ts_project_view_close_finish (TS_PROJECT_VIEW (source), result, NULL);
  if (--quit->pending > 0)
    return;
  say_unsent (application);
  g_free (quit);
  g_application_quit (application);
  g_application_release (application);
}

/* Held deletes go to the outbox (or, without one, edits on their way reach
 * the server first, on the main loop: ts_project_view_close_async()),
 * then the app quits. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *application = G_APPLICATION (user_data);
  Quit *quit = g_new0 (Quit, 1);
  g_autoptr(GPtrArray) views = g_ptr_array_new ();

  quit->application = application;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL; l = l->next)
    {
      GObject *view = TS_IS_WINDOW (l->data)
                      ? gtk_widget_get_template_child (l->data, TS_TYPE_WINDOW, "project_view")
                      : NULL;

      if (view != NULL)
        g_ptr_array_add (views, view);
    }
  if (views->len == 0)
    {
      g_free (quit);
      g_application_quit (application);
      return;
    }
  quit->pending = views->len;
  g_application_hold (application);
  for (guint i = 0; i < views->len; i++)
    ts_project_view_close_async (g_ptr_array_index (views, i), NULL, quit_when_closed_cb, quit);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  TsApplication *self = user_data;
  const char *developers[] = { "The TrueStory developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", main_window (self),
                        "modal", TRUE,
                        "application-name", "TrueStory",
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The TrueStory developers"),
                        "developers", developers,
                        "comments", _("Plan sprints from one prioritised backlog, live with your team."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The TrueStory developers",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TsApplication *self = user_data;
  TsWindow *window = main_window (self);
  TsPreferencesWindow *preferences;

  preferences = ts_preferences_window_new (GTK_WINDOW (window),
                                           window != NULL ? ts_window_get_session (window) : NULL);
  gtk_window_present (GTK_WINDOW (preferences));
}

/* A notification's default action: the window shows the project and
 * opens the story. */
static void
open_story_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TsApplication *self = user_data;
  TsWindow *window = main_window (self);
  gint64 project_id, story_id;

  g_variant_get (parameter, "(xx)", &project_id, &story_id);
  if (window == NULL)
    window = ts_window_new (ADW_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (window));
  ts_window_open_story (window, project_id, story_id);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
  { "open-story", open_story_action, "(xx)", NULL, NULL, { 0 } },
};

/* The "style" setting, applied at start and whenever it changes (from
 * Preferences, or gsettings(1)). */
static void
apply_style (TsApplication *self)
{
  g_autofree char *style = g_settings_get_string (self->settings, "style");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (style, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (style, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
follow_style (TsApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::style", G_CALLBACK (apply_style), self,
                           G_CONNECT_SWAPPED);
  apply_style (self);
}

static void
ts_application_startup (GApplication *application)
{
  ts_register_resource ();

  G_APPLICATION_CLASS (ts_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  /* Every accelerator is in ts-accels.c. */
  ts_accels_install_application (GTK_APPLICATION (application));

  follow_style (TS_APPLICATION (application));
  ts_tooltips_quiet_under_popovers ();
  ts_accessible_name_mnemonic_buttons ();
  TS_APPLICATION (application)->background = ts_background_new (application);
  TS_APPLICATION (application)->notifier = ts_notifier_new (application);
}

static void
ts_application_activate (GApplication *application)
{
  TsApplication *self = TS_APPLICATION (application);
  TsWindow *window = main_window (self);
  gboolean hidden = self->start_hidden;

  /* Launching the app again, or app.activate, shows the window it already
   * has, hidden in the background or not. */
  self->start_hidden = FALSE;
  if (window == NULL)
    window = ts_window_new (ADW_APPLICATION (self));
  if (hidden && !gtk_widget_get_visible (GTK_WIDGET (window)))
    ts_background_keep_hidden (self->background, GTK_WINDOW (window));
  else
    gtk_window_present (GTK_WINDOW (window));
}

static void
ts_application_shutdown (GApplication *application)
{
  /* The local server stops with the app. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL; l = l->next)
    if (TS_IS_WINDOW (l->data))
      ts_window_close_session (l->data);
  g_clear_object (&TS_APPLICATION (application)->background);
  g_clear_object (&TS_APPLICATION (application)->notifier);
  g_clear_object (&TS_APPLICATION (application)->settings);

  G_APPLICATION_CLASS (ts_application_parent_class)->shutdown (application);
}

/* Whether dconf, GSettings' usual backend, can save: it writes through
 * its service on the session bus. */
static gboolean
dconf_reachable (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) activatable = NULL;
  g_autofree const char **names = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return FALSE;
  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "ca.desrt.dconf"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, NULL);
  if (owned != NULL)
    g_variant_get (owned, "(b)", &has_owner);
  if (has_owner)
    return TRUE;
  activatable = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "ListActivatableNames",
                                             NULL, G_VARIANT_TYPE ("(as)"),
                                             G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (activatable == NULL)
    return FALSE;
  g_variant_get (activatable, "(^a&s)", &names);
  return g_strv_contains (names, "ca.desrt.dconf");
}

/* Settings that last without a session bus (`meson devenv`, a bare X
 * server, ssh): dconf would keep them in memory only and forget them at
 * quit, so they go to GLib's key-file backend, in
 * $XDG_CONFIG_HOME/glib-2.0/settings/keyfile. This runs before anything
 * reads a setting, since GLib picks its backend once. A backend chosen by
 * GSETTINGS_BACKEND (the tests, the Flatpak) is kept. */
static void
choose_settings_backend (void)
{
  const char *chosen = g_getenv ("GSETTINGS_BACKEND");

  if ((chosen != NULL && chosen[0] != '\0') || dconf_reachable ())
    return;
  g_message ("dconf cannot be reached: keeping the settings in %s/glib-2.0/settings/keyfile",
             g_get_user_config_dir ());
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
}

/* `--local-backlog` (what build-aux/run-local passes) opens the local
 * backlog without the welcome page. It is read here, in the process that
 * was started, and kept in the settings, which reach an instance already
 * running. This instance also remembers it itself, in case the settings
 * cannot reach an instance already running.
 *
 * `--version` answers before anything needs a display or a bus. */
static int
ts_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("truestory %s\n", PACKAGE_VERSION);
      return 0;
    }
  choose_settings_backend ();

  if (g_variant_dict_contains (options, "local-backlog"))
    {
      g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

      TS_APPLICATION (application)->local_backlog_asked = TRUE;
      g_settings_set_string (settings, "account", "local");
      g_settings_sync ();
    }
  /* `--background` (what starting at login runs) starts hidden; an instance
   * already running has nothing to do, so it is not activated. */
  if (g_variant_dict_contains (options, "background"))
    {
      g_autoptr(GError) error = NULL;

      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      if (g_application_get_is_remote (application))
        return 0;
      TS_APPLICATION (application)->start_hidden = TRUE;
    }
  return -1;
}

/* Whether this process was started with `--local-backlog`; once only, so
 * that signing out later shows the welcome page. */
gboolean
ts_application_take_local_backlog_asked (TsApplication *self)
{
  gboolean asked;

  g_return_val_if_fail (TS_IS_APPLICATION (self), FALSE);

  asked = self->local_backlog_asked;
  self->local_backlog_asked = FALSE;
  return asked;
}

/**
 * ts_application_get_background:
 *
 * Returns: (transfer none) (nullable): what keeps the app running in the
 *   background, from startup to shutdown
 */
TsBackground *
ts_application_get_background (TsApplication *self)
{
  g_return_val_if_fail (TS_IS_APPLICATION (self), NULL);

  return self->background;
}

/**
 * ts_application_get_notifier:
 *
 * Returns: (transfer none) (nullable): what sends the app's notifications,
 *   from startup to shutdown
 */
TsNotifier *
ts_application_get_notifier (TsApplication *self)
{
  g_return_val_if_fail (TS_IS_APPLICATION (self), NULL);

  return self->notifier;
}

static void
ts_application_class_init (TsApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->handle_local_options = ts_application_handle_local_options;
  app_class->startup = ts_application_startup;
  app_class->activate = ts_application_activate;
  app_class->shutdown = ts_application_shutdown;
}

static void
ts_application_init (TsApplication *self)
{
}

TsApplication *
ts_application_new (void)
{
  static const GOptionEntry options[] = {
    { "local-backlog", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open the local backlog on this computer"), NULL },
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start in the background, without showing the window"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { NULL },
  };
  TsApplication *self;

  self = g_object_new (TS_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/truestory/TrueStory",
                       NULL);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  return self;
}
