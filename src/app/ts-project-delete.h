/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-api-client.h"
#include "ts-backlog-store.h"

G_BEGIN_DECLS

void ts_project_delete_ask (AdwPreferencesWindow *settings,
                            TsBacklogStore       *store,
                            TsApiClient          *api);

G_END_DECLS
