/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-backlog-store.h"
#include "ts-local-copy.h"
#include "ts-local-edit.h"
#include "ts-outbox.h"
#include "ts-story-list.h"
#include "ts-undo-stack.h"

G_BEGIN_DECLS

typedef struct _TsStoreOffline TsStoreOffline;

/* Between the store's files: ts-backlog-store.c (the project, its stories,
 * the versions and loading), ts-backlog-store-send.c (edits on their way
 * and their answers), ts-backlog-store-undo.c (held deletes, undo, marks)
 * and ts-backlog-store-offline.c (the local copy and the outbox). */
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

/* The store itself, shared by its files. */

/* An update of this client's that the server took, remembered so that a
 * later edit of the same fields begun before its answer is not refused as
 * a conflict with it: the server counts every later change of a field as
 * someone else's, this client's own too. */
typedef struct {
  gint64 story_id;
  TsStoryFields fields;
  gint64 base_version;
  gint64 version;
} OwnUpdate;

/* Enough for the edits a person makes while one is in flight. */
#define OWN_UPDATES_KEPT 64

struct _TsBacklogStore
{
  GObject parent_instance;

  TsApiClient *api;
  TsRealtimeClient *realtime;
  gint64 project_id;
  char *channel;
  GCancellable *cancellable;

  TsBacklogStoreStatus status;
  GError *close_error;
  TsProject *project;
  TsStoryList *stories;
  GHashTable *by_id;          /* id → the shown TsStory (temporary ids too) */
  GHashTable *server_copies;  /* id → the server's TsStory, while edits are pending */
  GPtrArray *edits;           /* TsLocalEdit, in the order they were made */
  GArray *own_updates;        /* OwnUpdate, oldest first */
  gint64 next_temporary_id;
  gint64 version;
  GTree *pending;             /* &version → Pending */

  TsPlan *plan;
  gboolean today_is_set;
  TsDay today;
  guint midnight_source;      /* re-plans when the project's day changes */
  double velocity_override;

  /* The batch being gathered. */
  guint flush_source;
  gint64 batch_started;
  gint64 last_arrival;
  gboolean plan_is_stale;
  GHashTable *touched;        /* story ids others changed in this batch */

  gboolean catching_up;
  gboolean catch_up_again;
  gint64 catch_up_since;      /* the version the catch-up in flight asked from */
  gboolean reloading;         /* a reload without a caller (a 410, an import) is in flight */
  gulong realtime_handlers[4];

  /* What the person did in this project, kept here rather than in a
   * window (see ts-backlog-store-undo.c). */
  TsProjectMembers *members;
  TsCommentIndex *comments;   /* for the search's free text */
  TsUndoStack *undo;
  GHashTable *held;           /* story ids whose delete waits for its undo */
  GHashTable *failed;         /* story id → the TsLocalEdit refused, for Retry */
  GHashTable *marks;          /* story id → the timeout ending its mark */

  /* The local copy and the outbox (ts-backlog-store-offline.c). */
  TsStoreOffline *offline;
  gboolean restored;          /* the outbox's edits are back */
  GPtrArray *unsent;          /* restored edits waiting for the server to answer a read */
  guint n_pending_notified;
  gint64 load_started;        /* for the debug log's timings */
  gboolean showing_copy;      /* not brought up to date by the server yet */
};

static inline TsStory *
ts_id_table_lookup (GHashTable *table,
                    gint64      id)
{
  return g_hash_table_lookup (table, &id);
}

/* ts-backlog-store.c, for the others */
void         ts_backlog_store_refresh_story     (TsBacklogStore *self,
                                                 gint64          id);
void         ts_backlog_store_schedule_flush    (TsBacklogStore *self,
                                                 gboolean        now);
void         ts_backlog_store_enqueue           (TsBacklogStore *self,
                                                 TsChange       *change,
                                                 gboolean        own);
void         ts_backlog_store_notify_pending    (TsBacklogStore *self);
void         ts_backlog_store_emit_edit_failed  (TsBacklogStore *self,
                                                 gint64          story_id,
                                                 const GError   *error);
void         ts_backlog_store_emit_conflict     (TsBacklogStore        *self,
                                                 const TsStoryConflict *conflict);

void         ts_backlog_store_begin_edit        (TsBacklogStore *self,
                                                 TsLocalEdit    *edit);

/* ts-backlog-store-tasks.c: a story's tasks. */
void         ts_backlog_store_apply_task_edit   (TsLocalEdit    *edit,
                                                 TsStory        *wanted);
void         ts_backlog_store_retry_task_edit   (TsBacklogStore *self,
                                                 TsLocalEdit    *edit);
void         ts_backlog_store_name_added_task   (TsBacklogStore *self,
                                                 TsLocalEdit    *add,
                                                 TsStory        *story);

/* ts-backlog-store-send.c: edits sent, sent again, and their answers. */
void         ts_backlog_store_send_edit         (TsBacklogStore *self,
                                                 TsLocalEdit    *edit);
void         ts_backlog_store_retry_waiting_edits (TsBacklogStore *self);
void         ts_backlog_store_cancel_retries    (TsBacklogStore *self);

G_END_DECLS
