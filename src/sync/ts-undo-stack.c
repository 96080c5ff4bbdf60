/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-undo-stack"

#include "ts-undo-stack.h"

/*
 * TsUndoStack: the person's last TS_UNDO_STACK_SIZE moves, state changes
 * and deletes in one project, the last on top; the oldest falls off. The
 * story editor's changes are not on it (its fields have their own undo).
 *
 * A delete can be taken back only while it is held: once it is sent, its
 * entry is forgotten (ts_undo_stack_forget_delete()), so that Ctrl+Z then
 * takes back the change before it instead of failing on a story that is
 * gone.
 */

struct _TsUndoStack
{
  GArray *entries;   /* of TsUndoEntry, the last on top */
};

TsUndoStack *
ts_undo_stack_new (void)
{
  TsUndoStack *self = g_new0 (TsUndoStack, 1);

  self->entries = g_array_new (FALSE, FALSE, sizeof (TsUndoEntry));
  return self;
}

void
ts_undo_stack_free (TsUndoStack *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_free (self);
}

void
ts_undo_stack_push (TsUndoStack       *self,
                    const TsUndoEntry *entry)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL);

  if (self->entries->len == TS_UNDO_STACK_SIZE)
    g_array_remove_index (self->entries, 0);
  g_array_append_val (self->entries, *entry);
}

/**
 * ts_undo_stack_pop:
 *
 * Returns: whether there was an entry to take (into @out_entry)
 */
gboolean
ts_undo_stack_pop (TsUndoStack *self,
                   TsUndoEntry *out_entry)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_entry != NULL, FALSE);

  if (self->entries->len == 0)
    return FALSE;
  *out_entry = g_array_index (self->entries, TsUndoEntry, self->entries->len - 1);
  g_array_remove_index (self->entries, self->entries->len - 1);
  return TRUE;
}

/* The delete of @story_id was sent: it can no longer be taken back. */
void
ts_undo_stack_forget_delete (TsUndoStack *self,
                             gint64       story_id)
{
  g_return_if_fail (self != NULL);

  for (guint i = self->entries->len; i > 0; i--)
    {
      TsUndoEntry *entry = &g_array_index (self->entries, TsUndoEntry, i - 1);

      if (entry->kind == TS_UNDO_DELETE && entry->story_id == story_id)
        g_array_remove_index (self->entries, i - 1);
    }
}

guint
ts_undo_stack_get_length (TsUndoStack *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->entries->len;
}

void
ts_undo_stack_clear (TsUndoStack *self)
{
  g_return_if_fail (self != NULL);

  g_array_set_size (self->entries, 0);
}
