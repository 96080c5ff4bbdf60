/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ts-api-client.h"
#include "ts-project.h"

G_BEGIN_DECLS

#define TS_TYPE_PROJECT_VIEW (ts_project_view_get_type ())

G_DECLARE_FINAL_TYPE (TsProjectView, ts_project_view, TS, PROJECT_VIEW, GtkWidget)

GtkWidget *ts_project_view_new             (void);
TsProject *ts_project_view_get_project     (TsProjectView *self);
void       ts_project_view_set_project     (TsProjectView *self,
                                            TsApiClient   *client,
                                            TsProject     *project);
int        ts_project_view_get_story_count (TsProjectView *self);

G_END_DECLS
