/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ts-core.h"

G_BEGIN_DECLS

/**
 * TsUndoKind:
 * @TS_UNDO_MOVE: a story moved (dropped elsewhere)
 * @TS_UNDO_STATE: a story's state changed from a row or a key
 * @TS_UNDO_DELETE: a story deleted, held back while it can be undone
 */
typedef enum {
  TS_UNDO_MOVE,
  TS_UNDO_STATE,
  TS_UNDO_DELETE,
} TsUndoKind;

/* What takes a change back: for a move, the story's old neighbours (and
 * its old state when the move changed it); for a state change, the old
 * state; for a delete, nothing (the delete is held). */
typedef struct {
  TsUndoKind kind;
  gint64 story_id;
  gint64 after_id;    /* the story above it before the move, or 0 */
  gint64 before_id;   /* the story below it, or 0 */
  gboolean state_changed;
  TsStoryState state;
} TsUndoEntry;

/* How many of the person's last moves, state changes and deletes can be
 * taken back. */
#define TS_UNDO_STACK_SIZE 32

typedef struct _TsUndoStack TsUndoStack;

TsUndoStack *ts_undo_stack_new           (void);
void         ts_undo_stack_free          (TsUndoStack       *self);
void         ts_undo_stack_push          (TsUndoStack       *self,
                                          const TsUndoEntry *entry);
gboolean     ts_undo_stack_pop           (TsUndoStack       *self,
                                          TsUndoEntry       *out_entry);
void         ts_undo_stack_forget_delete (TsUndoStack       *self,
                                          gint64             story_id);
guint        ts_undo_stack_get_length    (TsUndoStack       *self);
void         ts_undo_stack_clear         (TsUndoStack       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsUndoStack, ts_undo_stack_free)

G_END_DECLS
