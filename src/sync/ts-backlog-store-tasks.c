/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-store"

/*
 * A story's tasks in the backlog store (src/DESIGN.md, Tasks): each change
 * is an edit like the others, kept in the outbox, shown at once laid over
 * the server's state of the story, and sent; the answer (the whole story)
 * is applied in version order. Laying each pending change over the
 * server's latest story is what lets two people tick two tasks at once and
 * both see both ticks.
 */

#include "ts-backlog-store-private.h"

#include <string.h>

/* Lays a pending task change over @wanted, the story as the server has it
 * with the edits before this one. A task the change names that is gone
 * (someone deleted it) is left alone: the server will say so. */
void
ts_backlog_store_apply_task_edit (TsLocalEdit *edit,
                                  TsStory     *wanted)
{
  g_autoptr(GPtrArray) tasks = ts_task_list_copy (ts_story_get_tasks (wanted));
  TsTask *task = NULL;
  int index = ts_task_list_find (tasks, edit->task_id);

  if (index < 0 && edit->local_task_id != edit->task_id)
    index = ts_task_list_find (tasks, edit->local_task_id);
  if (index >= 0)
    task = tasks->pdata[index];

  switch (edit->task_op)
    {
    case TS_TASK_OP_ADD:
      if (index < 0)
        g_ptr_array_add (tasks, ts_task_new (edit->local_task_id, edit->task.text,
                                             edit->task.has_done && edit->task.done,
                                             edit->position));
      break;
    case TS_TASK_OP_EDIT:
      if (task != NULL && edit->task.text != NULL)
        {
          g_free (task->text);
          task->text = g_strdup (edit->task.text);
        }
      if (task != NULL && edit->task.has_done)
        task->done = edit->task.done;
      break;
    case TS_TASK_OP_MOVE:
      if (task != NULL && edit->position != NULL)
        {
          g_free (task->position);
          task->position = g_strdup (edit->position);
        }
      break;
    case TS_TASK_OP_DELETE:
    default:
      if (index >= 0)
        g_ptr_array_remove_index (tasks, index);
      break;
    }
  ts_task_list_sort (tasks);
  ts_story_set_tasks (wanted, tasks);
}

/* The key a task would get from the server, made locally so that it shows
 * in its place at once: between @above and @below of the shown list. */
static char *
local_key_between (const TsTask *above,
                   const TsTask *below)
{
  const char *low = above != NULL ? above->position : NULL;
  const char *high = below != NULL ? below->position : NULL;

  if (low != NULL && high != NULL && strcmp (low, high) >= 0)
    return g_strdup (low);
  return ts_position_between (low, high);
}

/* The shown task at @index of @tasks, skipping @skip; NULL past an end. */
static const TsTask *
task_at (GPtrArray *tasks,
         int        index,
         gint64     skip,
         int        step)
{
  for (; index >= 0 && (guint) index < tasks->len; index += step)
    if (((TsTask *) tasks->pdata[index])->id != skip)
      return tasks->pdata[index];
  return NULL;
}

/* The local key for a task placed above @before_id or below @after_id (or
 * last when neither), as the server would place it. */
static char *
local_task_key (GPtrArray *tasks,
                gint64     moving,
                gint64     before_id,
                gint64     after_id)
{
  int index;

  if (before_id != 0 && (index = ts_task_list_find (tasks, before_id)) >= 0)
    return local_key_between (task_at (tasks, index - 1, moving, -1), tasks->pdata[index]);
  if (after_id != 0 && (index = ts_task_list_find (tasks, after_id)) >= 0)
    return local_key_between (tasks->pdata[index], task_at (tasks, index + 1, moving, 1));
  return local_key_between (task_at (tasks, (int) tasks->len - 1, moving, -1), NULL);
}

/* The story a task change is for, when it can be changed now. */
static TsStory *
story_for_task_change (TsBacklogStore *self,
                       gint64          story_id)
{
  TsStory *story;

  if (self->status != TS_BACKLOG_STORE_READY)
    return NULL;
  if (story_id <= 0)
    {
      g_warning ("Story %" G_GINT64_FORMAT "'s tasks cannot be changed: it is not on the "
                 "server yet", story_id);
      return NULL;
    }
  if ((story = ts_id_table_lookup (self->by_id, story_id)) == NULL)
    g_debug ("Story %" G_GINT64_FORMAT " is gone; the task change is dropped", story_id);
  return story;
}

/* A change of a task named by its temporary id, whose add the server has
 * answered but the store not yet applied, names the real task. */
static gint64
real_task_id (TsBacklogStore *self,
              gint64          story_id,
              gint64          task_id)
{
  for (guint i = 0; task_id < 0 && i < self->edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      if (edit->kind == TS_EDIT_TASK && edit->task_op == TS_TASK_OP_ADD &&
          edit->story_id == story_id && edit->local_task_id == task_id)
        return edit->task_id;
    }
  return task_id;
}

static TsLocalEdit *
task_edit_new (TsBacklogStore *self,
               gint64          story_id,
               TsTaskOp        op,
               gint64          task_id)
{
  TsLocalEdit *edit = ts_local_edit_new (TS_EDIT_TASK, story_id);

  edit->task_op = op;
  edit->task_id = op == TS_TASK_OP_ADD ? task_id : real_task_id (self, story_id, task_id);
  edit->local_task_id = task_id;
  return edit;
}

/**
 * ts_backlog_store_add_task:
 * @text: the task, one line (ts_check_task_text())
 * @after_task_id: the shown task to put it below, or 0 for the end (what
 *   Enter in a checklist does)
 *
 * Shows the task at once under a temporary, negative id, and adds it with
 * an Idempotency-Key. Changes of that task made before the answer wait
 * for it and then name the real task.
 *
 * Returns: the temporary id, or 0 when the story cannot be changed
 */
gint64
ts_backlog_store_add_task (TsBacklogStore *self,
                           gint64          story_id,
                           const char     *text,
                           gint64          after_task_id)
{
  TsStory *story;
  TsLocalEdit *edit;

  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), 0);
  g_return_val_if_fail (text != NULL, 0);

  if ((story = story_for_task_change (self, story_id)) == NULL)
    return 0;
  edit = task_edit_new (self, story_id, TS_TASK_OP_ADD, --self->next_temporary_id);
  edit->task.text = g_strdup (text);
  /* A neighbour that is not on the server yet cannot be named: the task
   * then goes last, where Enter puts it anyway. */
  if (after_task_id > 0)
    edit->task.after_id = after_task_id;
  edit->position = local_task_key (ts_story_get_tasks (story), 0, 0, after_task_id);
  edit->idempotency_key = g_uuid_string_random ();
  ts_backlog_store_begin_edit (self, edit);
  return edit->local_task_id;
}

/**
 * ts_backlog_store_edit_task:
 * @text: (nullable): the new text, or %NULL to keep it
 * @done: 1 to tick, 0 to reopen, -1 to keep it
 *
 * Sent without a base version: the last to change a task's field wins,
 * and a change of another task never conflicts (src/DESIGN.md, Tasks).
 */
void
ts_backlog_store_edit_task (TsBacklogStore *self,
                            gint64          story_id,
                            gint64          task_id,
                            const char     *text,
                            int             done)
{
  TsLocalEdit *edit;

  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  if (story_for_task_change (self, story_id) == NULL || (text == NULL && done < 0))
    return;
  edit = task_edit_new (self, story_id, TS_TASK_OP_EDIT, task_id);
  edit->task.text = g_strdup (text);
  edit->task.has_done = done >= 0;
  edit->task.done = done > 0;
  ts_backlog_store_begin_edit (self, edit);
}

/**
 * ts_backlog_store_move_task:
 * @before_id: put it directly above this task, or 0
 * @after_id: put it directly below this task, or 0 (exactly one is set)
 */
void
ts_backlog_store_move_task (TsBacklogStore *self,
                            gint64          story_id,
                            gint64          task_id,
                            gint64          before_id,
                            gint64          after_id)
{
  TsStory *story;
  TsLocalEdit *edit;

  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail ((before_id != 0) != (after_id != 0));

  if ((story = story_for_task_change (self, story_id)) == NULL || before_id == task_id ||
      after_id == task_id)
    return;
  before_id = before_id != 0 ? real_task_id (self, story_id, before_id) : 0;
  after_id = after_id != 0 ? real_task_id (self, story_id, after_id) : 0;
  if (before_id < 0 || after_id < 0)
    {
      g_debug ("Task %" G_GINT64_FORMAT " is not on the server yet; the move is dropped",
               before_id != 0 ? before_id : after_id);
      return;
    }
  edit = task_edit_new (self, story_id, TS_TASK_OP_MOVE, task_id);
  edit->task.before_id = before_id;
  edit->task.after_id = after_id;
  edit->position = local_task_key (ts_story_get_tasks (story), task_id,
                                   edit->task.before_id, edit->task.after_id);
  edit->idempotency_key = g_uuid_string_random ();
  ts_backlog_store_begin_edit (self, edit);
}

void
ts_backlog_store_delete_task (TsBacklogStore *self,
                              gint64          story_id,
                              gint64          task_id)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  if (story_for_task_change (self, story_id) == NULL)
    return;
  ts_backlog_store_begin_edit (self, task_edit_new (self, story_id, TS_TASK_OP_DELETE, task_id));
}

/* The outbox's row of @edit, which now names the real task, is written
 * again: the new row first, so a crash in between sends the change twice
 * (the same value twice) rather than never. */
static void
keep_again (TsBacklogStore *self,
            TsLocalEdit    *edit)
{
  gint64 old_row = edit->outbox_id;

  if (old_row == 0)
    return;
  edit->outbox_id = 0;
  if (ts_store_offline_keep (self->offline, self->project_id, edit))
    ts_outbox_remove (ts_store_offline_get_outbox (self->offline), old_row);
  else
    edit->outbox_id = old_row;
}

/* An add was answered with @story: the new task is the one with the
 * highest id (ids only grow, and the answer is the story right after the
 * add), and the changes of it still waiting now name it. */
void
ts_backlog_store_name_added_task (TsBacklogStore *self,
                                  TsLocalEdit    *add,
                                  TsStory        *story)
{
  GPtrArray *tasks = ts_story_get_tasks (story);
  gint64 id = 0;

  for (guint i = 0; i < tasks->len; i++)
    id = MAX (id, ((TsTask *) tasks->pdata[i])->id);
  if (id <= 0)
    return;
  for (guint i = 0; i < self->edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      /* The add itself too, for the changes still to come. */
      if (edit->kind == TS_EDIT_TASK && edit->story_id == add->story_id &&
          edit->local_task_id == add->local_task_id)
        {
          edit->task_id = id;
          if (edit != add)
            keep_again (self, edit);
        }
    }
}

/* Retry of a refused task change: made again on the story as it is now. */
void
ts_backlog_store_retry_task_edit (TsBacklogStore *self,
                                  TsLocalEdit    *edit)
{
  switch (edit->task_op)
    {
    case TS_TASK_OP_ADD:
      ts_backlog_store_add_task (self, edit->story_id, edit->task.text, edit->task.after_id);
      break;
    case TS_TASK_OP_EDIT:
      ts_backlog_store_edit_task (self, edit->story_id, edit->task_id, edit->task.text,
                                  edit->task.has_done ? edit->task.done : -1);
      break;
    case TS_TASK_OP_MOVE:
      ts_backlog_store_move_task (self, edit->story_id, edit->task_id, edit->task.before_id,
                                  edit->task.after_id);
      break;
    case TS_TASK_OP_DELETE:
    default:
      ts_backlog_store_delete_task (self, edit->story_id, edit->task_id);
      break;
    }
}
