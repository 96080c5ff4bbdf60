/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-preferences-window"

#include "ts-preferences-window.h"

#include <glib/gi18n.h>

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

static void
ts_preferences_window_dispose (GObject *object)
{
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
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, backlog_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, TsPreferencesWindow, secret_row);
}

static void
ts_preferences_window_init (TsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TsPreferencesWindow *
ts_preferences_window_new (GtkWindow *parent,
                           TsSession *session)
{
  TsPreferencesWindow *self;

  g_return_val_if_fail (session == NULL || TS_IS_SESSION (session), NULL);

  self = g_object_new (TS_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  show_session (self, session);
  return self;
}
