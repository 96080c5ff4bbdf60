/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-api-client.h"
#include "ts-backlog-store.h"

G_BEGIN_DECLS

#define TS_TYPE_PROJECT_SETTINGS (ts_project_settings_get_type ())

G_DECLARE_FINAL_TYPE (TsProjectSettings, ts_project_settings, TS, PROJECT_SETTINGS, AdwPreferencesWindow)

void ts_project_settings_present (GtkWidget      *parent,
                                  TsBacklogStore *store,
                                  TsApiClient    *api);

G_END_DECLS
