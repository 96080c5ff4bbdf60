/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ts-api-client.h"

G_BEGIN_DECLS

void     ts_export_file_async  (TsApiClient          *api,
                                   gint64                project_id,
                                   GFile                *file,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean ts_export_file_finish (GAsyncResult         *result,
                                   GError              **error);

G_END_DECLS
