/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "ts-import-summary.h"
#include "ts-json.h"
#include "ts-sync-error.h"

G_BEGIN_DECLS

/**
 * TsRealtimeInfo:
 * @driver: "pusher"
 * @key: the Pusher app key
 * @ws_host: the WebSocket host
 * @ws_port: its port
 * @ws_path: a prefix of the socket's path, empty for the embedded hub
 * @tls: whether to connect with `wss://`
 * @auth_endpoint: a path on the API's host, or an absolute URL
 *
 * The answer of `GET /api/v1/realtime`: where and how to connect.
 */
typedef struct {
  char *driver;
  char *key;
  char *ws_host;
  guint ws_port;
  char *ws_path;
  gboolean tls;
  char *auth_endpoint;
} TsRealtimeInfo;

#define TS_TYPE_REALTIME_INFO (ts_realtime_info_get_type ())

GType           ts_realtime_info_get_type (void) G_GNUC_CONST;
TsRealtimeInfo *ts_realtime_info_copy     (const TsRealtimeInfo *self);
void            ts_realtime_info_free     (TsRealtimeInfo       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsRealtimeInfo, ts_realtime_info_free)

#define TS_TYPE_API_CLIENT (ts_api_client_get_type ())

G_DECLARE_FINAL_TYPE (TsApiClient, ts_api_client, TS, API_CLIENT, GObject)

TsApiClient *ts_api_client_new              (const char   *base_url,
                                             SoupSession  *session);

const char  *ts_api_client_get_base_url     (TsApiClient  *self);
SoupSession *ts_api_client_get_session      (TsApiClient  *self);
const char  *ts_api_client_get_token        (TsApiClient  *self);
void         ts_api_client_set_token        (TsApiClient  *self,
                                             const char   *token);
const char  *ts_api_client_get_socket_id    (TsApiClient  *self);
void         ts_api_client_set_socket_id    (TsApiClient  *self,
                                             const char   *socket_id);

/* The session and the realtime side. */
void         ts_api_client_sign_in_async    (TsApiClient         *self,
                                             const char          *email,
                                             const char          *password,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
TsUser      *ts_api_client_sign_in_finish   (TsApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void         ts_api_client_sign_out_async   (TsApiClient         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     ts_api_client_sign_out_finish  (TsApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void         ts_api_client_get_me_async     (TsApiClient         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
TsUser      *ts_api_client_get_me_finish    (TsApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void         ts_api_client_get_realtime_async  (TsApiClient         *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
TsRealtimeInfo *ts_api_client_get_realtime_finish (TsApiClient         *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void         ts_api_client_authorize_channel_async  (TsApiClient         *self,
                                                     const char          *socket_id,
                                                     const char          *channel_name,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
void         ts_api_client_set_auth_endpoint        (TsApiClient         *self,
                                                     const char          *endpoint);
char        *ts_api_client_authorize_channel_finish (TsApiClient         *self,
                                                     GAsyncResult        *result,
                                                     char               **out_channel_data,
                                                     GError             **error);

/* Projects, their iterations and members. */
void         ts_api_client_list_projects_async  (TsApiClient         *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray   *ts_api_client_list_projects_finish (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_get_project_async    (TsApiClient         *self,
                                                 gint64               project_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsProject   *ts_api_client_get_project_finish   (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_create_project_async (TsApiClient         *self,
                                                 TsProjectPatch      *settings,
                                                 const char          *idempotency_key,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsProject   *ts_api_client_create_project_finish (TsApiClient        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_update_project_async (TsApiClient         *self,
                                                 gint64               project_id,
                                                 TsProjectPatch      *patch,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsProject   *ts_api_client_update_project_finish (TsApiClient        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_delete_project_async (TsApiClient         *self,
                                                 gint64               project_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean     ts_api_client_delete_project_finish (TsApiClient        *self,
                                                 GAsyncResult        *result,
                                                 gint64              *out_version,
                                                 GError             **error);
void         ts_api_client_set_iteration_async  (TsApiClient         *self,
                                                 gint64               project_id,
                                                 const TsIterationOverride *override,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsIterationOverride *ts_api_client_set_iteration_finish (TsApiClient  *self,
                                                 GAsyncResult        *result,
                                                 gint64              *out_version,
                                                 GError             **error);
void         ts_api_client_clear_iteration_async (TsApiClient        *self,
                                                 gint64               project_id,
                                                 guint                number,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsIterationOverride *ts_api_client_clear_iteration_finish (TsApiClient *self,
                                                 GAsyncResult        *result,
                                                 gint64              *out_version,
                                                 GError             **error);
void         ts_api_client_list_members_async   (TsApiClient         *self,
                                                 gint64               project_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray   *ts_api_client_list_members_finish  (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_add_member_async     (TsApiClient         *self,
                                                 gint64               project_id,
                                                 const char          *email,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsUser      *ts_api_client_add_member_finish    (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_remove_member_async  (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               user_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean     ts_api_client_remove_member_finish (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Stories. */
void         ts_api_client_list_stories_async   (TsApiClient         *self,
                                                 gint64               project_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray   *ts_api_client_list_stories_finish  (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 gint64              *out_version,
                                                 GError             **error);
void         ts_api_client_get_story_async      (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               story_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsStory     *ts_api_client_get_story_finish     (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_create_story_async   (TsApiClient         *self,
                                                 gint64               project_id,
                                                 TsStoryPatch        *values,
                                                 const TsMoveRequest *placement,
                                                 const char          *idempotency_key,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsStory     *ts_api_client_create_story_finish  (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_update_story_async   (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               story_id,
                                                 TsStoryPatch        *patch,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsStory     *ts_api_client_update_story_finish  (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 TsStory            **out_conflict_story,
                                                 TsStoryFields       *out_conflicts,
                                                 GError             **error);
void         ts_api_client_move_story_async     (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               story_id,
                                                 const TsMoveRequest *move,
                                                 const char          *idempotency_key,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsStory     *ts_api_client_move_story_finish    (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* What a task change does (doc/api.md, Tasks). */
typedef enum {
  TS_TASK_OP_ADD,
  TS_TASK_OP_EDIT,
  TS_TASK_OP_MOVE,
  TS_TASK_OP_DELETE,
} TsTaskOp;

void         ts_api_client_change_task_async    (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               story_id,
                                                 TsTaskOp             op,
                                                 gint64               task_id,
                                                 const TsTaskRequest *request,
                                                 const char          *idempotency_key,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsStory     *ts_api_client_change_task_finish   (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_delete_story_async   (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               story_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean     ts_api_client_delete_story_finish  (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 gint64              *out_version,
                                                 GError             **error);

/* Comments. */
void         ts_api_client_list_comments_async  (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               story_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray   *ts_api_client_list_comments_finish (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_add_comment_async    (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               story_id,
                                                 const char          *text,
                                                 const char          *idempotency_key,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TsComment   *ts_api_client_add_comment_finish   (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         ts_api_client_delete_comment_async (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               story_id,
                                                 gint64               comment_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean     ts_api_client_delete_comment_finish (TsApiClient        *self,
                                                 GAsyncResult        *result,
                                                 gint64              *out_version,
                                                 GError             **error);

/* The history and the plan. */
void         ts_api_client_list_changes_async   (TsApiClient         *self,
                                                 gint64               project_id,
                                                 gint64               since,
                                                 guint                limit,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray   *ts_api_client_list_changes_finish  (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 gint64              *out_version,
                                                 gboolean            *out_more,
                                                 GError             **error);
void         ts_api_client_get_plan_async       (TsApiClient         *self,
                                                 gint64               project_id,
                                                 TsDay                today,
                                                 double               velocity,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
JsonObject  *ts_api_client_get_plan_finish      (TsApiClient         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Pivotal Tracker's CSV: the import (or its preview) and the export. */
void         ts_api_client_import_tracker_async  (TsApiClient           *self,
                                                  gint64                 project_id,
                                                  GBytes                *csv,
                                                  gboolean               dry_run,
                                                  GFileProgressCallback  progress,
                                                  gpointer               progress_data,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
TsImportSummary *ts_api_client_import_tracker_finish (TsApiClient       *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);
void         ts_api_client_export_tracker_async  (TsApiClient           *self,
                                                  gint64                 project_id,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
GBytes      *ts_api_client_export_tracker_finish (TsApiClient           *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);

G_END_DECLS
