/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-task"

/* A story's tasks: the checklist items Tracker's teams tick off. The
 * story owns the list (ts-story.c); here are the item and the helpers its
 * users share. */

#include "ts-task.h"

#include <string.h>


G_DEFINE_BOXED_TYPE (TsTask, ts_task, ts_task_copy, ts_task_free)

TsTask *
ts_task_new (gint64      id,
             const char *text,
             gboolean    done,
             const char *position)
{
  TsTask *task = g_new0 (TsTask, 1);

  task->id = id;
  task->text = g_strdup (text != NULL ? text : "");
  task->done = !!done;
  task->position = g_strdup (position != NULL ? position : "");
  return task;
}

TsTask *
ts_task_copy (const TsTask *task)
{
  g_return_val_if_fail (task != NULL, NULL);

  return ts_task_new (task->id, task->text, task->done, task->position);
}

void
ts_task_free (TsTask *task)
{
  if (task == NULL)
    return;
  g_free (task->text);
  g_free (task->position);
  g_free (task);
}

gboolean
ts_task_equal (const TsTask *a,
               const TsTask *b)
{
  return a->id == b->id && a->done == b->done &&
         strcmp (a->text, b->text) == 0 && strcmp (a->position, b->position) == 0;
}

/**
 * ts_task_list_copy:
 * @tasks: (element-type TsTask) (nullable): tasks
 *
 * Returns: (transfer full) (element-type TsTask): a deep copy that frees
 *   its tasks
 */
GPtrArray *
ts_task_list_copy (GPtrArray *tasks)
{
  GPtrArray *copy = g_ptr_array_new_full (tasks != NULL ? tasks->len : 0,
                                          (GDestroyNotify) ts_task_free);

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    g_ptr_array_add (copy, ts_task_copy (tasks->pdata[i]));
  return copy;
}

gboolean
ts_task_list_equal (GPtrArray *a,
                    GPtrArray *b)
{
  guint n_a = a != NULL ? a->len : 0;
  guint n_b = b != NULL ? b->len : 0;

  if (n_a != n_b)
    return FALSE;
  for (guint i = 0; i < n_a; i++)
    if (!ts_task_equal (a->pdata[i], b->pdata[i]))
      return FALSE;
  return TRUE;
}

static int
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  const TsTask *task_a = *(const TsTask * const *) a;
  const TsTask *task_b = *(const TsTask * const *) b;
  int order = strcmp (task_a->position, task_b->position);

  /* Keys are unique on the server; ids settle a tie between two a client
   * made alike, so every store shows the same order. */
  if (order == 0)
    order = task_a->id < task_b->id ? -1 : task_a->id > task_b->id;
  return order;
}

/* Puts @tasks in their order: by position, bytewise. */
void
ts_task_list_sort (GPtrArray *tasks)
{
  g_ptr_array_sort (tasks, compare_positions);
}

/**
 * ts_task_list_find:
 *
 * Returns: the index of the task @task_id in @tasks, or -1
 */
int
ts_task_list_find (GPtrArray *tasks,
                   gint64     task_id)
{
  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    if (((TsTask *) tasks->pdata[i])->id == task_id)
      return (int) i;
  return -1;
}
