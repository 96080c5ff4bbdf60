/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-connect-window"

#include "ts-connect-window.h"

#include <glib/gi18n.h>

#include "ts-accels.h"
#include "ts-session.h"
#include "ts-user.h"

/* Signs in to a team server: address, email, password. The dialog stays
 * open while it signs in (a spinner in the Connect button) and shows what
 * went wrong below the fields; on success it emits TsConnectWindow::signed-in
 * with the new session and closes. */

struct _TsConnectWindow
{
  AdwWindow parent_instance;

  AdwEntryRow *url_row;
  AdwEntryRow *email_row;
  AdwPasswordEntryRow *password_row;
  GtkStack *connect_stack;
  GtkSpinner *spinner;
  GtkLabel *error_label;

  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (TsConnectWindow, ts_connect_window, ADW_TYPE_WINDOW)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (TsConnectWindow *self,
            const char      *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static gboolean
is_busy (TsConnectWindow *self)
{
  return self->cancellable != NULL;
}

static void
update_action (TsConnectWindow *self)
{
  gboolean filled = *gtk_editable_get_text (GTK_EDITABLE (self->url_row)) != '\0' &&
                    *gtk_editable_get_text (GTK_EDITABLE (self->email_row)) != '\0' &&
                    *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.sign-in", filled && !is_busy (self));
}

static void
set_busy (TsConnectWindow *self,
          gboolean         busy)
{
  if (busy)
    self->cancellable = g_cancellable_new ();
  else
    g_clear_object (&self->cancellable);

  /* Not insensitive: GTK 4.8 warns when a focused entry becomes
   * insensitive, and the focus should stay where it is. */
  gtk_stack_set_visible_child_name (self->connect_stack, busy ? "spinner" : "label");
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->url_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->email_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  update_action (self);
}

/* GIO's "Could not connect to 127.0.0.1: Connection refused" names the
 * host without its port, so the address the person typed (normalized, with
 * its port) is named before it. */
static char *
describe_error (const GError *error,
                const char   *server_url)
{
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED))
    return g_strdup (_("The email or password is not right."));
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NETWORK))
    /* Translators: the server's address (with its port), then why. */
    return g_strdup_printf (_("Cannot reach %s: %s"), server_url, error->message);
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL) ||
      g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND))
    /* Translators: the server's address. */
    return g_strdup_printf (_("%s is not a TrueStory server."), server_url);
  return g_strdup (error->message);
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TsConnectWindow *self = user_data;
  g_autoptr(TsSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *server_url = NULL;

  session = ts_session_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (session == NULL)
    {
      g_message ("Sign-in failed: %s", error->message);
      /* The address was valid when sent, and not editable since. */
      server_url = ts_session_normalize_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)),
                                             NULL);
      message = describe_error (error, server_url);
      show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  g_signal_emit (self, signals[SIGNED_IN], 0, session);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TsConnectWindow *self = TS_CONNECT_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *email = NULL;

  if (is_busy (self))
    return;

  server_url = ts_session_normalize_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)),
                                         &error);
  if (server_url == NULL)
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
      return;
    }
  email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));
  if (!ts_email_is_plausible (email))
    {
      show_error (self, _("Enter your email address, such as ada@example.org."));
      gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
      return;
    }

  show_error (self, NULL);
  set_busy (self, TRUE);
  ts_session_connect_async (server_url, email,
                            gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                            self->cancellable, signed_in_cb, self);
}

static void
ts_connect_window_dispose (GObject *object)
{
  TsConnectWindow *self = TS_CONNECT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_CONNECT_WINDOW);

  G_OBJECT_CLASS (ts_connect_window_parent_class)->dispose (object);
}

static void
ts_connect_window_class_init (TsConnectWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_connect_window_dispose;

  /**
   * TsConnectWindow::signed-in:
   * @session: the new session
   *
   * The sign-in succeeded; the dialog closes.
   */
  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, TS_TYPE_SESSION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-connect-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsConnectWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, TsConnectWindow, email_row);
  gtk_widget_class_bind_template_child (widget_class, TsConnectWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, TsConnectWindow, connect_stack);
  gtk_widget_class_bind_template_child (widget_class, TsConnectWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TsConnectWindow, error_label);

  gtk_widget_class_install_action (widget_class, "connect.sign-in", NULL, sign_in_action);
  ts_accels_add_bindings (widget_class, TS_ACCEL_DIALOG);
}

static void
ts_connect_window_init (TsConnectWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->url_row, "changed", G_CALLBACK (update_action), self);
  g_signal_connect_swapped (self->email_row, "changed", G_CALLBACK (update_action), self);
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (update_action), self);
  update_action (self);
}

TsConnectWindow *
ts_connect_window_new (GtkWindow *parent)
{
  return g_object_new (TS_TYPE_CONNECT_WINDOW, "transient-for", parent, NULL);
}

/**
 * ts_connect_window_prefill:
 * @server_url: (nullable): the address to show
 * @email: (nullable): the email to show
 * @message: (nullable): why the person is asked to sign in
 *
 * Fills in what is known, and puts the focus on the first empty field.
 */
void
ts_connect_window_prefill (TsConnectWindow *self,
                           const char      *server_url,
                           const char      *email,
                           const char      *message)
{
  g_return_if_fail (TS_IS_CONNECT_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), server_url != NULL ? server_url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), email != NULL ? email : "");
  show_error (self, message);

  if (server_url == NULL || server_url[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
  else if (email == NULL || email[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}
