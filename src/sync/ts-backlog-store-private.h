/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-backlog-store.h"
#include "ts-undo-stack.h"

G_BEGIN_DECLS

/* Between the store's files: ts-backlog-store.c (the project, its stories
 * and edits) and ts-backlog-store-undo.c (held deletes, undo, marks). */
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

G_END_DECLS
