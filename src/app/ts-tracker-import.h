/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-api-client.h"
#include "ts-backlog-store.h"

G_BEGIN_DECLS

#define TS_TYPE_TRACKER_IMPORT (ts_tracker_import_get_type ())

G_DECLARE_FINAL_TYPE (TsTrackerImport, ts_tracker_import, TS, TRACKER_IMPORT, AdwWindow)

TsTrackerImport *ts_tracker_import_new     (GtkWindow      *parent,
                                            TsBacklogStore *store,
                                            TsApiClient    *api,
                                            GFile          *file);
gint64           ts_tracker_import_get_preview_ms (TsTrackerImport *self);

G_END_DECLS
