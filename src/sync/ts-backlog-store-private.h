/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-backlog-store.h"
#include "ts-local-copy.h"
#include "ts-local-edit.h"
#include "ts-outbox.h"
#include "ts-undo-stack.h"

G_BEGIN_DECLS

/* Between the store's files: ts-backlog-store.c (the project, its stories
 * and edits), ts-backlog-store-undo.c (held deletes, undo, marks) and
 * ts-backlog-store-offline.c (the local copy and the outbox). */
TsUndoStack *ts_backlog_store_get_undo_stack    (TsBacklogStore *self);
GHashTable  *ts_backlog_store_get_held_table    (TsBacklogStore *self);
GHashTable  *ts_backlog_store_get_marks_table   (TsBacklogStore *self);
void         ts_backlog_store_emit_held_changed (TsBacklogStore *self,
                                                 gint64          story_id);
void         ts_backlog_store_emit_mark_changed (TsBacklogStore *self,
                                                 gint64          story_id,
                                                 gboolean        marked);
void         ts_backlog_store_mark              (TsBacklogStore *self,
                                                 gint64          story_id);
void         ts_backlog_store_clear_marks       (TsBacklogStore *self);
TsStory     *ts_backlog_store_get_server_story  (TsBacklogStore *self,
                                                 gint64          story_id);
GPtrArray   *ts_backlog_store_dup_server_stories (TsBacklogStore *self);
void         ts_backlog_store_release_held      (TsBacklogStore *self,
                                                 gint64          story_id);
gboolean     ts_backlog_store_keep_held         (TsBacklogStore *self,
                                                 gint64          story_id);

/* The store's offline side (ts-backlog-store-offline.c): what it writes to
 * the local copy as versions are applied, and its edits in the outbox. */
typedef struct _TsStoreOffline TsStoreOffline;

TsStoreOffline *ts_store_offline_new           (TsLocalCopy    *copy,
                                                TsOutbox       *outbox);
void            ts_store_offline_free          (TsStoreOffline *self);
TsLocalCopy    *ts_store_offline_get_copy      (TsStoreOffline *self);
TsOutbox       *ts_store_offline_get_outbox    (TsStoreOffline *self);
void            ts_store_offline_note          (TsStoreOffline *self,
                                                TsChange       *change);
void            ts_store_offline_commit        (TsStoreOffline *self,
                                                TsBacklogStore *store);
void            ts_store_offline_replace       (TsStoreOffline *self,
                                                TsBacklogStore *store);
void            ts_store_offline_put_members   (TsStoreOffline *self,
                                                TsBacklogStore *store);
gboolean        ts_store_offline_keep          (TsStoreOffline *self,
                                                gint64          project_id,
                                                TsLocalEdit    *edit);
void            ts_store_offline_forget        (TsStoreOffline *self,
                                                TsLocalEdit    *edit);
gboolean        ts_store_offline_hold          (TsStoreOffline *self,
                                                gint64          project_id,
                                                gint64          story_id);
void            ts_store_offline_release       (TsStoreOffline *self,
                                                gint64          story_id);
GPtrArray      *ts_store_offline_restore       (TsStoreOffline *self,
                                                gint64          project_id,
                                                TsPointScale    scale);
guint           ts_store_offline_drop_project  (TsStoreOffline *self,
                                                gint64          project_id);

G_END_DECLS
