/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ts-core.h"

G_BEGIN_DECLS

/* What the copy held of one project: the server's state at `version`. */
typedef struct {
  TsProject *project;
  GPtrArray *stories;       /* TsStory, in priority order */
  GPtrArray *members;       /* TsUser; NULL when never written */
  gint64 version;
} TsLocalProject;

void ts_local_project_free (TsLocalProject *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsLocalProject, ts_local_project_free)

#define TS_TYPE_LOCAL_COPY (ts_local_copy_get_type ())

G_DECLARE_FINAL_TYPE (TsLocalCopy, ts_local_copy, TS, LOCAL_COPY, GObject)

char           *ts_local_copy_dup_default_dir (void);
char           *ts_local_copy_dup_path        (const char   *dir,
                                               const char   *server_url,
                                               gint64        user_id);
TsLocalCopy    *ts_local_copy_new             (const char   *dir,
                                               const char   *server_url,
                                               gint64        user_id);
const char     *ts_local_copy_get_path        (TsLocalCopy  *self);
void            ts_local_copy_set_realtime_key (TsLocalCopy *self,
                                               const char   *key);

/* Writes, queued for the worker and committed within a second. Every
 * object handed over is copied first: the caller goes on changing its own. */
void            ts_local_copy_replace_project (TsLocalCopy  *self,
                                               TsProject    *project,
                                               TsStory * const *stories,
                                               guint         n_stories,
                                               gint64        version);
void            ts_local_copy_apply           (TsLocalCopy  *self,
                                               gint64        project_id,
                                               TsProject    *project,
                                               GPtrArray    *stories,
                                               GArray       *deleted_ids,
                                               gint64        version);
void            ts_local_copy_put_members     (TsLocalCopy  *self,
                                               gint64        project_id,
                                               GPtrArray    *users);
void            ts_local_copy_drop_project    (TsLocalCopy  *self,
                                               gint64        project_id);

void            ts_local_copy_load_async      (TsLocalCopy         *self,
                                               gint64               project_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
TsLocalProject *ts_local_copy_load_finish     (TsLocalCopy         *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void            ts_local_copy_list_projects_async  (TsLocalCopy         *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray      *ts_local_copy_list_projects_finish (TsLocalCopy         *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void            ts_local_copy_sync            (TsLocalCopy  *self);
void            ts_local_copy_delete          (TsLocalCopy  *self);
gboolean        ts_local_copy_delete_file     (const char   *path);

G_END_DECLS
