/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-api-client.h"
#include "ts-backlog-model.h"
#include "ts-backlog-store.h"
#include "ts-project.h"
#include "ts-realtime-client.h"

G_BEGIN_DECLS

#define TS_TYPE_PROJECT_VIEW (ts_project_view_get_type ())

G_DECLARE_FINAL_TYPE (TsProjectView, ts_project_view, TS, PROJECT_VIEW, GtkWidget)

GtkWidget      *ts_project_view_new             (void);
TsProject      *ts_project_view_get_project     (TsProjectView    *self);
void            ts_project_view_set_project     (TsProjectView    *self,
                                                 TsApiClient      *client,
                                                 TsRealtimeClient *realtime,
                                                 TsProject        *project);
void            ts_project_view_set_offline     (TsProjectView    *self,
                                                 TsLocalCopy      *copy,
                                                 TsOutbox         *outbox);
void            ts_project_view_set_user_id     (TsProjectView    *self,
                                                 gint64            user_id);
void            ts_project_view_open_story      (TsProjectView    *self,
                                                 gint64            project_id,
                                                 gint64            story_id);
int             ts_project_view_get_story_count (TsProjectView    *self);
void            ts_project_view_pack_header     (TsProjectView    *self,
                                                 AdwHeaderBar     *header);
void            ts_project_view_expect_width    (TsProjectView    *self,
                                                 int               width);
void            ts_project_view_add_window_keys (TsProjectView    *self,
                                                 GtkWidget        *window,
                                                 GtkWidget        *except);
void            ts_project_view_flush           (TsProjectView    *self);
void            ts_project_view_close_async     (TsProjectView       *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        ts_project_view_close_finish    (TsProjectView    *self,
                                                 GAsyncResult     *result,
                                                 GError          **error);
void            ts_project_view_send_held_deletes (TsProjectView  *self);

TsBacklogStore *ts_project_view_get_store       (TsProjectView    *self);
TsBacklogModel *ts_project_view_get_model       (TsProjectView    *self);
GtkListView    *ts_project_view_get_list_view   (TsProjectView    *self);
void            ts_project_view_new_story       (TsProjectView    *self,
                                                 const char       *title,
                                                 gboolean          icebox);
void            ts_project_view_new_story_of_type (TsProjectView  *self,
                                                 const char       *title,
                                                 TsStoryType       type,
                                                 gboolean          icebox);
gint64          ts_project_view_duplicate       (TsProjectView    *self,
                                                 gint64            story_id);
gboolean        ts_project_view_drop_story      (TsProjectView    *self,
                                                 gint64            story_id,
                                                 guint             position,
                                                 gboolean          above);
gboolean        ts_project_view_get_banner_shown (TsProjectView   *self);
GtkWindow      *ts_project_view_import_tracker_file (TsProjectView *self,
                                                 GFile            *file);
void            ts_project_view_export_tracker_file (TsProjectView *self,
                                                 GFile            *file);

G_END_DECLS
