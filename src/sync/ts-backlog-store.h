/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "ts-api-client.h"
#include "ts-comment-index.h"
#include "ts-core.h"
#include "ts-local-copy.h"
#include "ts-outbox.h"
#include "ts-project-members.h"
#include "ts-realtime-client.h"

G_BEGIN_DECLS

/**
 * TsBacklogStoreStatus:
 * @TS_BACKLOG_STORE_LOADING: the first load has not finished
 * @TS_BACKLOG_STORE_READY: the stories and the plan are there and kept current
 * @TS_BACKLOG_STORE_CLOSED: the project is gone for this user (deleted, or
 *   membership lost); nothing changes any more
 */
typedef enum {
  TS_BACKLOG_STORE_LOADING,
  TS_BACKLOG_STORE_READY,
  TS_BACKLOG_STORE_CLOSED,
} TsBacklogStoreStatus;

GType ts_backlog_store_status_get_type (void) G_GNUC_CONST;
#define TS_TYPE_BACKLOG_STORE_STATUS (ts_backlog_store_status_get_type ())

/**
 * TsStoryConflict:
 * @story_id: the story
 * @mine: the story as this client wanted it
 * @theirs: the story as the server has it now
 * @fields: the fields both sides changed (the server's `conflicts`)
 * @my_fields: every field this client's edit changed
 *
 * A refused edit (409), handed to the app so that it can offer "keep mine"
 * or "take theirs" (ts_backlog_store_resolve_conflict()).
 */
typedef struct {
  gint64 story_id;
  TsStory *mine;
  TsStory *theirs;
  TsStoryFields fields;
  TsStoryFields my_fields;
} TsStoryConflict;

GType            ts_story_conflict_get_type (void) G_GNUC_CONST;
TsStoryConflict *ts_story_conflict_copy     (const TsStoryConflict *self);
void             ts_story_conflict_free     (TsStoryConflict       *self);
#define TS_TYPE_STORY_CONFLICT (ts_story_conflict_get_type ())

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsStoryConflict, ts_story_conflict_free)

#define TS_TYPE_BACKLOG_STORE (ts_backlog_store_get_type ())

G_DECLARE_FINAL_TYPE (TsBacklogStore, ts_backlog_store, TS, BACKLOG_STORE, GObject)

TsBacklogStore      *ts_backlog_store_new            (TsApiClient      *api,
                                                      TsRealtimeClient *realtime,
                                                      gint64            project_id);
void                 ts_backlog_store_set_offline    (TsBacklogStore      *self,
                                                      TsLocalCopy         *copy,
                                                      TsOutbox            *outbox);
void                 ts_backlog_store_load_async     (TsBacklogStore      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean             ts_backlog_store_load_finish    (TsBacklogStore      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void                 ts_backlog_store_close          (TsBacklogStore      *self);

gint64               ts_backlog_store_get_project_id (TsBacklogStore *self);
TsBacklogStoreStatus ts_backlog_store_get_status     (TsBacklogStore *self);
const GError        *ts_backlog_store_get_close_error (TsBacklogStore *self);
TsProject           *ts_backlog_store_get_project    (TsBacklogStore *self);
GListModel          *ts_backlog_store_get_stories    (TsBacklogStore *self);
TsStory             *ts_backlog_store_lookup         (TsBacklogStore *self,
                                                      gint64          story_id);
TsPlan              *ts_backlog_store_get_plan       (TsBacklogStore *self);
gint64               ts_backlog_store_get_version    (TsBacklogStore *self);
guint                ts_backlog_store_get_n_pending_edits (TsBacklogStore *self);
gboolean             ts_backlog_store_is_syncing     (TsBacklogStore *self);
gboolean             ts_backlog_store_is_unreachable (TsBacklogStore *self);
gboolean             ts_backlog_store_is_showing_copy (TsBacklogStore *self);

void                 ts_backlog_store_set_today      (TsBacklogStore *self,
                                                      TsDay           today);
void                 ts_backlog_store_set_velocity_override (TsBacklogStore *self,
                                                      double          velocity);

/* Events, as the realtime client hands them over; public so that tests and
 * benchmarks can feed a store directly. */
void                 ts_backlog_store_receive_event  (TsBacklogStore *self,
                                                      const char     *name,
                                                      const char     *data);
void                 ts_backlog_store_catch_up       (TsBacklogStore *self);
void                 ts_backlog_store_flush          (TsBacklogStore *self);

/* Changes, shown at once and rolled back if the server refuses them. */
gint64               ts_backlog_store_create_story   (TsBacklogStore      *self,
                                                      TsStoryPatch        *values,
                                                      const TsMoveRequest *placement);
void                 ts_backlog_store_update_story   (TsBacklogStore *self,
                                                      gint64          story_id,
                                                      TsStoryFields   fields,
                                                      TsStory        *values);
void                 ts_backlog_store_update_story_since (TsBacklogStore *self,
                                                      gint64          story_id,
                                                      TsStoryFields   fields,
                                                      TsStory        *values,
                                                      gint64          base_version);
void                 ts_backlog_store_move_story     (TsBacklogStore      *self,
                                                      gint64               story_id,
                                                      const TsMoveRequest *move);
void                 ts_backlog_store_delete_story   (TsBacklogStore *self,
                                                      gint64          story_id);
gint64               ts_backlog_store_add_task       (TsBacklogStore *self,
                                                      gint64          story_id,
                                                      const char     *text,
                                                      gint64          after_task_id);
void                 ts_backlog_store_edit_task      (TsBacklogStore *self,
                                                      gint64          story_id,
                                                      gint64          task_id,
                                                      const char     *text,
                                                      int             done);
void                 ts_backlog_store_move_task      (TsBacklogStore *self,
                                                      gint64          story_id,
                                                      gint64          task_id,
                                                      gint64          before_id,
                                                      gint64          after_id);
void                 ts_backlog_store_delete_task    (TsBacklogStore *self,
                                                      gint64          story_id,
                                                      gint64          task_id);
void                 ts_backlog_store_resolve_conflict (TsBacklogStore        *self,
                                                      const TsStoryConflict *conflict,
                                                      gboolean               keep_mine);
gboolean             ts_backlog_store_can_retry      (TsBacklogStore *self,
                                                      gint64          story_id);
gboolean             ts_backlog_store_retry          (TsBacklogStore *self,
                                                      gint64          story_id);

/* The members, read again when someone unknown appears. */
TsProjectMembers    *ts_backlog_store_get_members    (TsBacklogStore *self);
TsUser              *ts_backlog_store_lookup_member  (TsBacklogStore *self,
                                                      gint64          user_id);
TsCommentIndex      *ts_backlog_store_get_comment_index (TsBacklogStore *self);

/* The person's own changes from the backlog, which Undo takes back
 * (ts-backlog-store-undo.c). */
void                 ts_backlog_store_change_state   (TsBacklogStore      *self,
                                                      gint64               story_id,
                                                      TsStoryState         state);
void                 ts_backlog_store_drop_story     (TsBacklogStore      *self,
                                                      gint64               story_id,
                                                      const TsMoveRequest *move);
gboolean             ts_backlog_store_hold_delete    (TsBacklogStore *self,
                                                      gint64          story_id);
gboolean             ts_backlog_store_is_held        (TsBacklogStore *self,
                                                      gint64          story_id);
guint                ts_backlog_store_get_n_held     (TsBacklogStore *self);
gboolean             ts_backlog_store_send_delete    (TsBacklogStore *self,
                                                      gint64          story_id);
gboolean             ts_backlog_store_keep_story     (TsBacklogStore *self,
                                                      gint64          story_id);
GArray              *ts_backlog_store_send_held_deletes (TsBacklogStore *self);
gboolean             ts_backlog_store_undo           (TsBacklogStore  *self,
                                                      gint64          *out_story_id,
                                                      GError         **error);
guint                ts_backlog_store_get_n_undo     (TsBacklogStore *self);
gboolean             ts_backlog_store_is_marked      (TsBacklogStore *self,
                                                      gint64          story_id);

G_END_DECLS
