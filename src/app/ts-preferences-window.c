/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-preferences-window"

#include "ts-preferences-window.h"

#include <glib/gi18n.h>

#include "ts-application.h"
#include "ts-config.h"
#include "ts-notifier.h"

/* The account: which backlog, who is signed in, and where the secret that
 * signs in is kept — in particular when it is in a file because no keyring
 * answered. */

struct _TsPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwPreferencesGroup *account_group;
  AdwActionRow *backlog_row;
  AdwActionRow *user_row;
  AdwActionRow *secret_row;

  /* Follow the system, light or dark (the "style" key). */
  AdwComboRow *style_row;

  /* Running in the background and starting at login. */
  AdwActionRow *run_in_background_row;
  GtkSwitch *run_in_background_switch;
  AdwActionRow *start_at_login_row;
  GtkSwitch *start_at_login_switch;
  GSettings *background_settings;
  TsBackground *background;

  /* One switch per kind of notification (TsNotifier). */
  GtkSwitch *notify_delivered_switch;
  GtkSwitch *notify_rejected_switch;
  GtkSwitch *notify_mentions_switch;
  GtkSwitch *notify_state_changes_switch;
};

G_DEFINE_FINAL_TYPE (TsPreferencesWindow, ts_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Row subtitles are Pango markup on libadwaita 1.2. */
static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  adw_action_row_set_subtitle (row, escaped);
}

static void
show_session (TsPreferencesWindow *self,
              TsSession           *session)
{
  g_autofree char *user = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *path = NULL;

  if (session == NULL)
    {
      adw_preferences_group_set_description (self->account_group, _("Not signed in."));
      gtk_widget_set_visible (GTK_WIDGET (self->backlog_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->user_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->secret_row), FALSE);
      return;
    }

  if (ts_session_get_user (session) != NULL)
    user = g_strdup_printf ("%s <%s>", ts_user_get_name (ts_session_get_user (session)),
                            ts_user_get_email (ts_session_get_user (session)));
  set_subtitle (self->user_row, user != NULL ? user : "");

  if (ts_session_get_kind (session) == TS_SESSION_KIND_LOCAL)
    {
      g_autofree char *data_dir = ts_session_dup_local_data_dir ();

      set_subtitle (self->backlog_row, _("A local backlog on this computer"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row), _("Data Folder"));
      /* Translators: %s is a folder. */
      secret = g_strdup_printf (_("%s, readable only by you. The local user’s password is kept there too."),
                                data_dir);
      set_subtitle (self->secret_row, secret);
      return;
    }

  set_subtitle (self->backlog_row, ts_session_get_server_url (session));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row), _("Sign-In Token"));
  switch (ts_session_get_token_storage (session))
    {
    case TS_TOKEN_STORAGE_KEYRING:
      secret = g_strdup (_("Kept in your keyring"));
      break;
    case TS_TOKEN_STORAGE_FILE:
      path = ts_credentials_dup_token_file ();
      /* Translators: %s is a file. */
      secret = g_strdup_printf (_("No keyring answered, so it is kept in %s, a file only you can read"),
                                path);
      break;
    case TS_TOKEN_STORAGE_NONE:
    default:
      secret = g_strdup (_("Not kept"));
      break;
    }
  set_subtitle (self->secret_row, secret);
}

/* Starting at login is offered while running in the background, where it
 * can take effect; otherwise the row says why not. */
static void
update_start_at_login (TsPreferencesWindow *self)
{
  gboolean running = g_settings_get_boolean (self->background_settings, "run-in-background");
  gboolean can = self->background != NULL && ts_background_get_can_start_at_login (self->background);
  const char *note = self->background != NULL
                     ? ts_background_get_start_at_login_note (self->background) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->start_at_login_row), running && can);
  if (note != NULL)
    set_subtitle (self->start_at_login_row, note);
  else if (!running)
    set_subtitle (self->start_at_login_row, _("Available while running in the background"));
  else
    set_subtitle (self->start_at_login_row, _("Start in the background when you log in"));
}

static void
show_background (TsPreferencesWindow *self,
                 GtkApplication      *application)
{
  self->background_settings = g_settings_new (APPLICATION_ID);
  g_settings_bind (self->background_settings, "run-in-background",
                   self->run_in_background_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->background_settings, "start-at-login",
                   self->start_at_login_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->background_settings, "changed::run-in-background",
                           G_CALLBACK (update_start_at_login), self, G_CONNECT_SWAPPED);

  if (TS_IS_APPLICATION (application) &&
      ts_application_get_background (TS_APPLICATION (application)) != NULL)
    {
      self->background = g_object_ref (ts_application_get_background (TS_APPLICATION (application)));
      g_signal_connect_object (self->background, "notify::can-start-at-login",
                               G_CALLBACK (update_start_at_login), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->background, "notify::start-at-login-note",
                               G_CALLBACK (update_start_at_login), self, G_CONNECT_SWAPPED);
    }
  update_start_at_login (self);
}

/* The "style" key's choices, in the order of the Style row's. */
static const char *const styles[] = { "system", "light", "dark" };

static gboolean
style_to_selected (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_str_equal (style, styles[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
selected_to_style (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (styles))
    return NULL;
  return g_variant_new_string (styles[selected]);
}

/* The bindings keep the settings object as long as the rows live; the
 * application applies the key (ts-application.c). */
static void
bind_style (TsPreferencesWindow *self)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  g_settings_bind_with_mapping (settings, "style", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, style_to_selected, selected_to_style,
                                NULL, NULL);
}

/* The bindings keep the settings object as long as the switches live. */
static void
bind_notifications (TsPreferencesWindow *self)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  const struct {
    TsNotificationKind kind;
    GtkSwitch *toggle;
  } switches[] = {
    { TS_NOTIFICATION_DELIVERED, self->notify_delivered_switch },
    { TS_NOTIFICATION_REJECTED, self->notify_rejected_switch },
    { TS_NOTIFICATION_MENTIONED, self->notify_mentions_switch },
    { TS_NOTIFICATION_STATE_CHANGED, self->notify_state_changes_switch },
  };

  for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
    g_settings_bind (settings, ts_notifier_kind_get_settings_key (switches[i].kind),
                     switches[i].toggle, "active", G_SETTINGS_BIND_DEFAULT);
}

static void
ts_preferences_window_dispose (GObject *object)
{
  TsPreferencesWindow *self = TS_PREFERENCES_WINDOW (object);

  if (self->background != NULL)
    g_signal_handlers_disconnect_by_data (self->background, self);
  g_clear_object (&self->background);
  g_clear_object (&self->background_settings);
  gtk_widget_dispose_template (GTK_WIDGET (object), TS_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (ts_preferences_window_parent_class)->dispose (object);
}

static void
ts_preferences_window_class_init (TsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, account_group);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, backlog_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, secret_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, run_in_background_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, run_in_background_switch);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, start_at_login_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, start_at_login_switch);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, notify_delivered_switch);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, notify_rejected_switch);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, notify_mentions_switch);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, notify_state_changes_switch);
}

static void
ts_preferences_window_init (TsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  bind_style (self);
  bind_notifications (self);
}

TsPreferencesWindow *
ts_preferences_window_new (GtkWindow *parent,
                           TsSession *session)
{
  TsPreferencesWindow *self;

  g_return_val_if_fail (session == NULL || TS_IS_SESSION (session), NULL);

  self = g_object_new (TS_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  show_session (self, session);
  show_background (self, parent != NULL && gtk_window_get_application (parent) != NULL
                         ? gtk_window_get_application (parent)
                         : GTK_APPLICATION (g_application_get_default ()));
  return self;
}
