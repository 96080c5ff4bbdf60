/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-delete"

#include "ts-project-delete.h"

#include <glib/gi18n.h>

#include "ts-toast.h"
#include "ts-window.h"

/*
 * Deleting a project from its settings: a question that names it, then
 * `DELETE /projects/:id`. On success the main window takes the project
 * out of its sidebar and opens the next one (or the page that offers a
 * first project), and the settings close. The server publishes
 * `projects-destroy` on the project's channel, so the other members who
 * have it open see that it was deleted and lose it from their sidebars
 * (TsBacklogStore closes, TsWindow forgets it); the backlog store here is
 * caught up as well, in case this client's realtime connection is down.
 */

typedef struct {
  GWeakRef settings;
  TsBacklogStore *store;
  TsApiClient *api;
  gint64 project_id;
} DeleteRequest;

static void
delete_request_free (DeleteRequest *request)
{
  g_weak_ref_clear (&request->settings);
  g_object_unref (request->store);
  g_object_unref (request->api);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeleteRequest, delete_request_free)

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DeleteRequest) request = user_data;
  g_autoptr(AdwPreferencesWindow) settings = g_weak_ref_get (&request->settings);
  g_autoptr(GError) error = NULL;
  GtkWindow *main_window;

  if (!ts_api_client_delete_project_finish (TS_API_CLIENT (object), result, NULL, &error))
    {
      g_warning ("Cannot delete project %" G_GINT64_FORMAT ": %s", request->project_id,
                 error->message);
      if (settings != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Could not delete the project: %s"),
                                                      error->message);

          adw_preferences_window_add_toast (settings, ts_toast_new (GTK_WIDGET (settings), message));
        }
      return;
    }

  main_window = settings != NULL ? gtk_window_get_transient_for (GTK_WINDOW (settings)) : NULL;
  if (TS_IS_WINDOW (main_window))
    ts_window_forget_project (TS_WINDOW (main_window), request->project_id);
  if (settings != NULL)
    gtk_window_destroy (GTK_WINDOW (settings));
  ts_backlog_store_catch_up (request->store);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             DeleteRequest    *request)
{
  if (!g_str_equal (response, "delete"))
    {
      delete_request_free (request);
      return;
    }
  ts_api_client_delete_project_async (request->api, request->project_id, NULL, deleted_cb,
                                      request);
}

/**
 * ts_project_delete_ask:
 * @settings: the project's settings window
 * @store: the open project
 * @api: the client to delete with
 *
 * Asks whether to delete the project, naming it, and deletes it when the
 * person says so.
 */
void
ts_project_delete_ask (AdwPreferencesWindow *settings,
                       TsBacklogStore       *store,
                       TsApiClient          *api)
{
  TsProject *project = ts_backlog_store_get_project (store);
  DeleteRequest *request;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  g_return_if_fail (ADW_IS_PREFERENCES_WINDOW (settings));
  g_return_if_fail (project != NULL);

  /* Translators: the project's name. */
  heading = g_strdup_printf (_("Delete “%s”?"), ts_project_get_name (project));
  dialog = adw_message_dialog_new (GTK_WINDOW (settings), heading,
                                   _("Its stories, comments and iterations are deleted for "
                                     "every member. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete Project"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  request = g_new0 (DeleteRequest, 1);
  g_weak_ref_init (&request->settings, settings);
  request->store = g_object_ref (store);
  request->api = g_object_ref (api);
  request->project_id = ts_project_get_id (project);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), request);
  gtk_window_present (GTK_WINDOW (dialog));
}
