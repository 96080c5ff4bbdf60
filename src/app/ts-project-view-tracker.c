/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include <glib/gi18n.h>

#include "ts-error-text.h"
#include "ts-toast.h"
#include "ts-export-file.h"
#include "ts-import-window.h"

/* The project menu's Import from Pivotal Tracker… and Export as CSV…:
 * the system's file chooser (GtkFileChooserNative, the portal's in a
 * Flatpak), then the import's window or the export. */

static GtkWindow *
parent_window (TsProjectView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_toast (TsProjectView *self,
            const char    *message)
{
  adw_toast_overlay_add_toast (self->toasts, ts_toast_new (GTK_WIDGET (self), message));
}

static void
imported_cb (TsImportWindow *import,
             gint64           count,
             TsProjectView   *self)
{
  g_autofree char *message = g_strdup_printf (g_dngettext (NULL, "Imported %d story",
                                                           "Imported %d stories", (gulong) count),
                                              (int) count);

  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

/**
 * ts_project_view_import_tracker_file:
 * @file: a Tracker CSV export
 *
 * Opens the import's window on @file for the open project: its preview,
 * then the import. What the file chooser does once a file is chosen.
 *
 * Returns: (transfer none) (nullable): the import's window, or %NULL when
 *   no project is ready
 */
GtkWindow *
ts_project_view_import_tracker_file (TsProjectView *self,
                                     GFile         *file)
{
  TsImportWindow *import;

  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (self->store == NULL || ts_backlog_store_get_status (self->store) != TS_BACKLOG_STORE_READY)
    return NULL;
  import = ts_import_window_new (parent_window (self), self->store, self->api, file);
  g_signal_connect_object (import, "imported", G_CALLBACK (imported_cb), self, 0);
  return GTK_WINDOW (import);
}

static GtkFileFilter *
csv_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  return filter;
}

static void
import_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  TsProjectView   *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    ts_project_view_import_tracker_file (self, file);
  g_object_unref (chooser);
}

static void
import_tracker_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TsProjectView *self = user_data;
  g_autoptr(GtkFileFilter) filter = csv_filter_new ();
  GtkFileChooserNative *chooser;

  /* Held until it answers: nothing else owns a native dialog. */
  chooser = gtk_file_chooser_native_new (_("Import from Pivotal Tracker"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The export */

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TsProjectView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!ts_export_file_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("The export failed: %s", error->message);
      if (error->domain == TS_SYNC_ERROR)
        {
          g_autofree char *cause = ts_error_text_dup (error);

          /* TRANSLATORS: why, a sentence */
          message = g_strdup_printf (_("Could not export the project. %s"), cause);
        }
      else
        /* TRANSLATORS: GIO's reason, which names the file */
        message = g_strdup_printf (_("Could not save the export: %s"), error->message);
    }
  else
    {
      g_autofree char *name = g_file_get_basename (g_task_get_task_data (G_TASK (result)));

      /* TRANSLATORS: %s is the file's name */
      message = g_strdup_printf (_("Saved “%s”"), name);
    }
  show_toast (self, message);
}

/**
 * ts_project_view_export_tracker_file:
 * @file: where to save it (replaced)
 *
 * Saves the open project as Tracker's CSV in @file, and says so in a
 * toast. What the save dialog does once a file is chosen.
 */
void
ts_project_view_export_tracker_file (TsProjectView *self,
                                     GFile         *file)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->store == NULL)
    return;
  ts_export_file_async (self->api, ts_backlog_store_get_project_id (self->store), file,
                           self->cancellable, exported_cb, g_object_ref (self));
}

static void
export_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  TsProjectView   *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    ts_project_view_export_tracker_file (self, file);
  g_object_unref (chooser);
}

static void
export_tracker_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TsProjectView *self = user_data;
  g_autoptr(GtkFileFilter) filter = csv_filter_new ();
  TsProject *project = self->store != NULL ? ts_backlog_store_get_project (self->store) : NULL;
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (project == NULL)
    return;
  /* The server's own name for it (its Content-Disposition); a slash
   * would make it a path. */
  name = g_strdup_printf ("%s.csv", ts_project_get_name (project));
  g_strdelimit (name, "/", '-');
  chooser = gtk_file_chooser_native_new (_("Export as CSV"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static const GActionEntry tracker_actions[] = {
  { "import-tracker", import_tracker_action, NULL, NULL, NULL, { 0 } },
  { "export-tracker", export_tracker_action, NULL, NULL, NULL, { 0 } },
};

void
ts_project_view_add_tracker_actions (TsProjectView *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), tracker_actions,
                                   G_N_ELEMENTS (tracker_actions), self);
}
