/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-api-client.h"
#include "ts-backlog-store.h"

G_BEGIN_DECLS

#define TS_TYPE_IMPORT_WINDOW (ts_import_window_get_type ())

G_DECLARE_FINAL_TYPE (TsImportWindow, ts_import_window, TS, IMPORT_WINDOW, AdwWindow)

TsImportWindow *ts_import_window_new     (GtkWindow      *parent,
                                            TsBacklogStore *store,
                                            TsApiClient    *api,
                                            GFile          *file);
gint64           ts_import_window_get_preview_ms (TsImportWindow *self);

G_END_DECLS
