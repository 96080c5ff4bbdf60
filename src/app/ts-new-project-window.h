/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-api-client.h"

G_BEGIN_DECLS

#define TS_TYPE_NEW_PROJECT_WINDOW (ts_new_project_window_get_type ())

G_DECLARE_FINAL_TYPE (TsNewProjectWindow, ts_new_project_window, TS, NEW_PROJECT_WINDOW, AdwWindow)

TsNewProjectWindow *ts_new_project_window_new (GtkWindow   *parent,
                                               TsApiClient *client);

G_END_DECLS
