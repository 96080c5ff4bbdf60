/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* A story's tasks: the `tasks` table is the truth (ids, order, and the
 * version of each field for the merge), and the story's stored JSON
 * carries a copy, rewritten with every task change, so listing stories
 * stays a concatenation. Every task change is a change of its story: the
 * project's next version, recorded and published as stories-update with
 * the whole story (src/DESIGN.md, Tasks). */

#include "ts-store-private.h"

#include "ts-core-error.h"

static gboolean
check_task_count (guint    n_tasks,
                  GError **error)
{
  if (n_tasks <= TS_STORY_MAX_TASKS)
    return TRUE;
  g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
               "a story holds at most %u tasks", TS_STORY_MAX_TASKS);
  return FALSE;
}

static gint64
insert_task_row (TsStore     *self,
                 TsStory     *story,
                 const char  *text,
                 gboolean     done,
                 const char  *position,
                 gint64       version,
                 GError     **error)
{
  TsDbStatement *statement;
  gint64 id = 0;

  statement = ts_store_prepare (self, "INSERT INTO tasks (project_id, story_id, position, text, "
                                      "done, version, text_v, done_v, position_v) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6, ?6) RETURNING id",
                                error);
  if (statement == NULL)
    return 0;
  ts_db_bind_int64 (statement, 1, ts_story_get_project_id (story));
  ts_db_bind_int64 (statement, 2, ts_story_get_id (story));
  ts_db_bind_text (statement, 3, position);
  ts_db_bind_text (statement, 4, text);
  ts_db_bind_int64 (statement, 5, done ? 1 : 0);
  ts_db_bind_int64 (statement, 6, version);
  if (ts_db_step (statement) == TS_DB_ROW)
    id = ts_db_column_int64 (statement, 0);
  else
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  return id;
}

/**
 * ts_store_insert_tasks:
 * @story: a story whose row exists (its id, project id and version set),
 *   carrying the tasks to store: their text and done flag; ids are given
 *   here, and positions too where a task has none (after the one before)
 *
 * Stores the tasks of a new story, inside the caller's transaction (a
 * create, an import), and sets their ids and positions on @story: write
 * the story's JSON after this. Each task's text is checked as a request's
 * would be and the count held to %TS_STORY_MAX_TASKS (TS_CORE_ERROR_INVALID:
 * the caller rolls back). Works alike on SQLite and PostgreSQL.
 */
gboolean
ts_store_insert_tasks (TsStore  *self,
                       TsStory  *story,
                       GError  **error)
{
  GPtrArray *given = ts_story_get_tasks (story);
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *last = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);
  g_return_val_if_fail (ts_story_get_id (story) > 0, FALSE);

  if (given->len == 0)
    return TRUE;
  if (!check_task_count (given->len, error))
    return FALSE;

  stored = g_ptr_array_new_full (given->len, (GDestroyNotify) ts_task_free);
  for (guint i = 0; i < given->len; i++)
    {
      const TsTask *task = given->pdata[i];
      g_autofree char *position = *task->position != '\0' ? g_strdup (task->position)
                                                          : ts_position_between (last, NULL);
      gint64 id;

      if (!ts_check_task_text (task->text, error))
        {
          g_prefix_error (error, "“tasks”[%u]: ", i);
          return FALSE;
        }
      id = insert_task_row (self, story, task->text, task->done, position,
                            ts_story_get_version (story), error);
      if (id == 0)
        return FALSE;
      g_ptr_array_add (stored, ts_task_new (id, task->text, task->done, position));
      g_free (last);
      last = g_steal_pointer (&position);
    }
  ts_task_list_sort (stored);
  ts_story_set_tasks (story, stored);
  return TRUE;
}

/* The tasks of @story_id as stored, in order. */
static GPtrArray *
read_tasks (TsStore  *self,
            gint64    story_id,
            GError  **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_task_free);
  TsDbStatement *statement;
  int status;

  statement = ts_store_prepare (self, "SELECT id, text, done, position FROM tasks "
                                      "WHERE story_id = ? ORDER BY position", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, story_id);
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    g_ptr_array_add (tasks, ts_task_new (ts_db_column_int64 (statement, 0),
                                         ts_store_column_text (statement, 1),
                                         ts_db_column_int64 (statement, 2) != 0,
                                         ts_store_column_text (statement, 3)));
  ts_db_reset (statement);
  if (status != TS_DB_DONE)
    {
      ts_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&tasks);
}

/**
 * ts_store_list_tasks:
 *
 * Returns: (transfer full) (element-type TsTask) (nullable): the story's
 *   tasks in order
 */
GPtrArray *
ts_store_list_tasks (TsStore  *self,
                     gint64    user_id,
                     gint64    project_id,
                     gint64    story_id,
                     GError  **error)
{
  g_autoptr(TsStory) story = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if ((story = ts_store_get_story (self, user_id, project_id, story_id, error)) == NULL)
    return NULL;
  return read_tasks (self, story_id, error);
}

/* Makes the task change of @story the project's next version: its JSON
 * gets its tasks as stored now, and the change is recorded. */
static TsChange *
save_task_change (TsStore  *self,
                  gint64    user_id,
                  gint64    project_id,
                  TsStory  *story,
                  gint64    version,
                  GError  **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(TsChange) change = NULL;
  g_autoptr(JsonNode) node = NULL;
  TsDbStatement *statement;

  if ((tasks = read_tasks (self, ts_story_get_id (story), error)) == NULL)
    return NULL;
  ts_story_set_tasks (story, tasks);
  ts_story_set_version (story, version);
  ts_story_set_updated_at (story, now);

  statement = ts_store_prepare (self, "UPDATE stories SET version = ?1, json = ?2 WHERE id = ?3",
                                error);
  if (statement == NULL)
    return NULL;
  node = ts_story_to_json (story);
  ts_db_bind_int64 (statement, 1, version);
  ts_db_bind_text_take (statement, 2, ts_json_to_string (node));
  ts_db_bind_int64 (statement, 3, ts_story_get_id (story));
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  change = ts_change_new (TS_EVENT_STORIES_UPDATE, version, user_id, now);
  change->id = ts_story_get_id (story);
  change->story = g_object_ref (story);
  if (!ts_store_record_change (self, project_id, change->id, change, error))
    return NULL;
  return g_steal_pointer (&change);
}

static const TsTask *
find_task (TsStory  *story,
           gint64    task_id,
           GError  **error)
{
  GPtrArray *tasks = ts_story_get_tasks (story);
  int index = ts_task_list_find (tasks, task_id);

  if (index >= 0)
    return tasks->pdata[index];
  g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
               "there is no task %" G_GINT64_FORMAT " on this story", task_id);
  return NULL;
}

/* A key for a task placed as @request says (next to a task of the story,
 * or after the last), leaving out @moving (0 for a new one). The story's
 * tasks are in order. */
static char *
place_task (TsStory             *story,
            const TsTaskRequest *request,
            gint64               moving,
            GError             **error)
{
  GPtrArray *tasks = ts_story_get_tasks (story);
  gint64 neighbour_id = request->before_id != 0 ? request->before_id : request->after_id;
  const char *above = NULL, *below = NULL;
  int index;

  if (neighbour_id == 0)
    {
      for (guint i = tasks->len; i > 0 && above == NULL; i--)
        if (((TsTask *) tasks->pdata[i - 1])->id != moving)
          above = ((TsTask *) tasks->pdata[i - 1])->position;
      return ts_position_between (above, NULL);
    }
  if (neighbour_id == moving)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "a task cannot be moved next to itself");
      return NULL;
    }
  if ((index = ts_task_list_find (tasks, neighbour_id)) < 0)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” names no task of this story",
                   request->before_id != 0 ? "before_id" : "after_id");
      return NULL;
    }

  /* The neighbour and the task on its other side, skipping the one moving. */
  if (request->before_id != 0)
    {
      below = ((TsTask *) tasks->pdata[index])->position;
      for (int i = index - 1; i >= 0 && above == NULL; i--)
        if (((TsTask *) tasks->pdata[i])->id != moving)
          above = ((TsTask *) tasks->pdata[i])->position;
    }
  else
    {
      above = ((TsTask *) tasks->pdata[index])->position;
      for (guint i = index + 1; i < tasks->len && below == NULL; i++)
        if (((TsTask *) tasks->pdata[i])->id != moving)
          below = ((TsTask *) tasks->pdata[i])->position;
    }
  return ts_position_between (above, below);
}

/* The story, with its tasks as the table holds them. */
static TsStory *
load_story_with_tasks (TsStore  *self,
                       gint64    user_id,
                       gint64    project_id,
                       gint64    story_id,
                       GError  **error)
{
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GPtrArray) tasks = NULL;

  if ((story = ts_store_get_story (self, user_id, project_id, story_id, error)) == NULL ||
      (tasks = read_tasks (self, story_id, error)) == NULL)
    return NULL;
  ts_story_set_tasks (story, tasks);
  return g_steal_pointer (&story);
}

/**
 * ts_store_add_task:
 * @request: an add: `text`, maybe `done` and a neighbour
 *
 * Returns: (transfer full) (nullable): the stories-update change
 */
TsChange *
ts_store_add_task (TsStore              *self,
                   gint64                user_id,
                   gint64                project_id,
                   gint64                story_id,
                   const TsTaskRequest  *request,
                   GError              **error)
{
  g_autoptr(TsStory) story = NULL;
  g_autofree char *position = NULL;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_return_val_if_fail (request->text != NULL, NULL);
  g_assert (self->in_transaction);

  if ((story = load_story_with_tasks (self, user_id, project_id, story_id, error)) == NULL ||
      !check_task_count (ts_story_get_tasks (story)->len + 1, error) ||
      !ts_check_task_text (request->text, error) ||
      (position = place_task (story, request, 0, error)) == NULL ||
      (version = ts_store_next_version (self, project_id, error)) == 0 ||
      insert_task_row (self, story, request->text, request->has_done && request->done,
                       position, version, error) == 0)
    return NULL;
  return save_task_change (self, user_id, project_id, story, version, error);
}

/* Whether the kept history reaches back to @version (as for stories). */
static gboolean
history_reaches (TsStore  *self,
                 gint64    project_id,
                 gint64    version)
{
  TsDbStatement *statement;
  gint64 oldest = 1;

  statement = ts_store_prepare (self, "SELECT min(version) FROM changes WHERE project_id = ?", NULL);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  if (ts_db_step (statement) == TS_DB_ROW && !ts_db_column_is_null (statement, 0))
    oldest = ts_db_column_int64 (statement, 0);
  ts_db_reset (statement);
  return version >= oldest - 1;
}

/* doc/api.md, Concurrent edits, for one task: a sent field conflicts when
 * someone changed it after the base version and its value differs from
 * the one sent (every differing one when the history does not reach that
 * far back). */
static GStrv
find_task_conflicts (TsStore              *self,
                     gint64                project_id,
                     const TsTask         *current,
                     const TsTaskRequest  *request)
{
  g_autoptr(GStrvBuilder) conflicts = g_strv_builder_new ();
  gboolean text_differs = request->text != NULL && g_strcmp0 (request->text, current->text) != 0;
  gboolean done_differs = request->has_done && !request->done != !current->done;
  gboolean reaches = history_reaches (self, project_id, request->base_version);
  gint64 text_v = G_MAXINT64, done_v = G_MAXINT64;
  TsDbStatement *statement;

  statement = ts_store_prepare (self, "SELECT text_v, done_v FROM tasks WHERE id = ?", NULL);
  if (reaches && statement != NULL)
    {
      ts_db_bind_int64 (statement, 1, current->id);
      if (ts_db_step (statement) == TS_DB_ROW)
        {
          text_v = ts_db_column_int64 (statement, 0);
          done_v = ts_db_column_int64 (statement, 1);
        }
      ts_db_reset (statement);
    }
  if (text_differs && text_v > request->base_version)
    g_strv_builder_add (conflicts, "text");
  if (done_differs && done_v > request->base_version)
    g_strv_builder_add (conflicts, "done");
  return g_strv_builder_end (conflicts);
}

/**
 * ts_store_edit_task:
 * @request: an edit: `text` and/or `done`, maybe `base_version`
 * @out_current: (out) (transfer full): on a conflict, the story as stored
 * @out_conflicts: (out) (transfer full): on a conflict, the task's fields
 *   in conflict (`text`, `done`)
 *
 * Changes one task; the other tasks of the story keep what they hold, so
 * two people ticking two tasks both win. Only a field whose value changes
 * has its version moved.
 *
 * Returns: (transfer full) (nullable): the stories-update change;
 *   TS_STORE_ERROR_CONFLICT, changing nothing, when the edit conflicts
 */
TsChange *
ts_store_edit_task (TsStore              *self,
                    gint64                user_id,
                    gint64                project_id,
                    gint64                story_id,
                    gint64                task_id,
                    const TsTaskRequest  *request,
                    TsStory             **out_current,
                    GStrv                *out_conflicts,
                    GError              **error)
{
  g_autoptr(TsStory) story = NULL;
  const TsTask *current;
  TsDbStatement *statement;
  gboolean text_changes, done_changes;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if ((story = load_story_with_tasks (self, user_id, project_id, story_id, error)) == NULL ||
      (current = find_task (story, task_id, error)) == NULL ||
      (request->text != NULL && !ts_check_task_text (request->text, error)))
    return NULL;

  if (request->has_base_version)
    {
      g_auto(GStrv) conflicts = find_task_conflicts (self, project_id, current, request);

      if (conflicts[0] != NULL)
        {
          *out_conflicts = g_steal_pointer (&conflicts);
          *out_current = g_steal_pointer (&story);
          g_set_error_literal (error, TS_STORE_ERROR, TS_STORE_ERROR_CONFLICT,
                               "someone else changed this task meanwhile");
          return NULL;
        }
    }

  text_changes = request->text != NULL && g_strcmp0 (request->text, current->text) != 0;
  done_changes = request->has_done && !request->done != !current->done;
  if ((version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;
  statement = ts_store_prepare (self, "UPDATE tasks SET text = ?1, done = ?2, version = ?3, "
                                      "text_v = CASE WHEN ?4 = 1 THEN ?3 ELSE text_v END, "
                                      "done_v = CASE WHEN ?5 = 1 THEN ?3 ELSE done_v END "
                                      "WHERE id = ?6", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_text (statement, 1, request->text != NULL ? request->text : current->text);
  ts_db_bind_int64 (statement, 2, (request->has_done ? request->done : current->done) ? 1 : 0);
  ts_db_bind_int64 (statement, 3, version);
  ts_db_bind_int64 (statement, 4, text_changes ? 1 : 0);
  ts_db_bind_int64 (statement, 5, done_changes ? 1 : 0);
  ts_db_bind_int64 (statement, 6, task_id);
  if (!ts_store_step_done (self, statement, error))
    return NULL;
  return save_task_change (self, user_id, project_id, story, version, error);
}

/**
 * ts_store_move_task:
 * @request: a move: exactly one neighbour, a task of the same story
 *
 * Gives the task one new key: a move writes one task row.
 *
 * Returns: (transfer full) (nullable): the stories-update change
 */
TsChange *
ts_store_move_task (TsStore              *self,
                    gint64                user_id,
                    gint64                project_id,
                    gint64                story_id,
                    gint64                task_id,
                    const TsTaskRequest  *request,
                    GError              **error)
{
  g_autoptr(TsStory) story = NULL;
  g_autofree char *position = NULL;
  TsDbStatement *statement;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if ((story = load_story_with_tasks (self, user_id, project_id, story_id, error)) == NULL ||
      find_task (story, task_id, error) == NULL ||
      (position = place_task (story, request, task_id, error)) == NULL ||
      (version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;

  statement = ts_store_prepare (self, "UPDATE tasks SET position = ?1, version = ?2, "
                                      "position_v = ?2 WHERE id = ?3", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_text (statement, 1, position);
  ts_db_bind_int64 (statement, 2, version);
  ts_db_bind_int64 (statement, 3, task_id);
  if (!ts_store_step_done (self, statement, error))
    return NULL;
  return save_task_change (self, user_id, project_id, story, version, error);
}

/**
 * ts_store_delete_task:
 *
 * Returns: (transfer full) (nullable): the stories-update change
 */
TsChange *
ts_store_delete_task (TsStore  *self,
                      gint64    user_id,
                      gint64    project_id,
                      gint64    story_id,
                      gint64    task_id,
                      GError  **error)
{
  g_autoptr(TsStory) story = NULL;
  TsDbStatement *statement;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if ((story = load_story_with_tasks (self, user_id, project_id, story_id, error)) == NULL ||
      find_task (story, task_id, error) == NULL ||
      (version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;

  statement = ts_store_prepare (self, "DELETE FROM tasks WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, task_id);
  if (!ts_store_step_done (self, statement, error))
    return NULL;
  return save_task_change (self, user_id, project_id, story, version, error);
}
