/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Limits of a story's checklist (src/DESIGN.md, Tasks), in characters. */
#define TS_TASK_TEXT_MAX_CHARS 1000
#define TS_STORY_MAX_TASKS 100

/**
 * TsTask:
 * @id: the server's id (negative while a new task waits for its answer)
 * @text: one line, never %NULL
 * @done: whether it is ticked
 * @position: its ordering key among the story's tasks (doc/api.md,
 *   Ordering: compared bytewise, ascending)
 *
 * One item of a story's checklist. A story holds its tasks by value:
 * changing one is making a new list (ts_story_set_tasks()), so a list
 * read from a story never changes under its reader.
 */
typedef struct {
  gint64 id;
  char *text;
  gboolean done;
  char *position;
} TsTask;

#define TS_TYPE_TASK (ts_task_get_type ())

GType     ts_task_get_type  (void) G_GNUC_CONST;
TsTask   *ts_task_new       (gint64         id,
                             const char    *text,
                             gboolean       done,
                             const char    *position);
TsTask   *ts_task_copy      (const TsTask  *task);
void      ts_task_free      (TsTask        *task);
gboolean  ts_task_equal     (const TsTask  *a,
                             const TsTask  *b);

GPtrArray *ts_task_list_copy  (GPtrArray   *tasks);
gboolean   ts_task_list_equal (GPtrArray   *a,
                               GPtrArray   *b);
void       ts_task_list_sort  (GPtrArray   *tasks);
int        ts_task_list_find  (GPtrArray   *tasks,
                               gint64       task_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsTask, ts_task_free)

G_END_DECLS
