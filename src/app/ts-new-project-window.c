/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-new-project-window"

#include "ts-new-project-window.h"

#include <glib/gi18n.h>

#include "ts-accels.h"
#include "ts-json.h"

/* Creates a project from its name. The project's other settings keep the
 * server's defaults until the project settings dialog exists. */

struct _TsNewProjectWindow
{
  AdwWindow parent_instance;

  AdwEntryRow *name_row;
  GtkStack *create_stack;
  GtkSpinner *spinner;
  GtkLabel *error_label;

  TsApiClient *client;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (TsNewProjectWindow, ts_new_project_window, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_name (TsNewProjectWindow *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

static void
update_action (TsNewProjectWindow *self)
{
  g_autofree char *name = dup_name (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.create",
                                 name[0] != '\0' && self->cancellable == NULL);
}

static void
set_busy (TsNewProjectWindow *self,
          gboolean            busy)
{
  if (busy)
    self->cancellable = g_cancellable_new ();
  else
    g_clear_object (&self->cancellable);

  gtk_stack_set_visible_child_name (self->create_stack, busy ? "spinner" : "label");
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->name_row), !busy);
  update_action (self);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TsNewProjectWindow *self = user_data;
  g_autoptr(TsProject) project = NULL;
  g_autoptr(GError) error = NULL;

  project = ts_api_client_create_project_finish (TS_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (project == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }

  g_signal_emit (self, signals[CREATED], 0, project);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TsNewProjectWindow *self = TS_NEW_PROJECT_WINDOW (widget);
  g_autoptr(TsProjectPatch) settings = NULL;
  g_autofree char *name = dup_name (self);
  g_autofree char *key = NULL;

  if (self->cancellable != NULL || name[0] == '\0')
    return;

  settings = g_new0 (TsProjectPatch, 1);
  settings->fields = TS_PROJECT_FIELD_NAME;
  settings->values = ts_project_new ();
  ts_project_set_name (settings->values, name);
  /* A retried create after a lost answer makes one project, not two. */
  key = g_uuid_string_random ();

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  ts_api_client_create_project_async (self->client, settings, key, self->cancellable,
                                      created_cb, self);
}

static void
ts_new_project_window_dispose (GObject *object)
{
  TsNewProjectWindow *self = TS_NEW_PROJECT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_NEW_PROJECT_WINDOW);

  G_OBJECT_CLASS (ts_new_project_window_parent_class)->dispose (object);
}

static void
ts_new_project_window_class_init (TsNewProjectWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_new_project_window_dispose;

  /**
   * TsNewProjectWindow::created:
   * @project: the new project
   *
   * The server made the project; the dialog closes.
   */
  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, TS_TYPE_PROJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-new-project-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsNewProjectWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, TsNewProjectWindow, create_stack);
  gtk_widget_class_bind_template_child (widget_class, TsNewProjectWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TsNewProjectWindow, error_label);

  gtk_widget_class_install_action (widget_class, "project.create", NULL, create_action);
  ts_accels_add_bindings (widget_class, TS_ACCEL_DIALOG);
}

static void
ts_new_project_window_init (TsNewProjectWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (update_action), self);
  update_action (self);
}

TsNewProjectWindow *
ts_new_project_window_new (GtkWindow   *parent,
                           TsApiClient *client)
{
  TsNewProjectWindow *self;

  g_return_val_if_fail (TS_IS_API_CLIENT (client), NULL);

  self = g_object_new (TS_TYPE_NEW_PROJECT_WINDOW, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  return self;
}
