/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-export-file"

#include "ts-export-file.h"

/*
 * Saving a project as Pivotal Tracker's CSV: the server writes the file
 * (`GET …/export`, doc/api.md), the app saves it where the person chose,
 * replacing the file there only once the whole export is in.
 */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) csv = NULL;
  GError *error = NULL;

  csv = ts_api_client_export_tracker_finish (TS_API_CLIENT (source), result, &error);
  if (csv == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_file_replace_contents_bytes_async (g_task_get_task_data (task), csv, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task), saved_cb,
                                       g_object_ref (task));
}

/**
 * ts_export_file_async:
 * @file: where to save it (replaced)
 *
 * Saves the project as Tracker's CSV.
 */
void
ts_export_file_async (TsApiClient         *api,
                         gint64               project_id,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TS_IS_API_CLIENT (api));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_export_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  ts_api_client_export_tracker_async (api, project_id, cancellable, exported_cb,
                                      g_object_ref (task));
}

/**
 * ts_export_file_finish:
 *
 * Returns: whether the file is saved; a TS_SYNC_ERROR from the server or
 *   GIO's error from the file otherwise
 */
gboolean
ts_export_file_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
