/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* Tracker imports and exports (doc/api.md, *Tracker import and export*):
 * a whole file is one change of the project, stories-import, however
 * many stories it makes; each story's Tracker id is remembered so that a
 * second import makes none twice. The mapping itself is core's
 * (ts-tracker-import.c); this file reads what it needs and writes what it
 * made. */

#include "ts-store-bulk.h"
#include "ts-task.h"
#include "ts-tracker.h"

static gboolean
project_is_empty (TsStore  *self,
                  gint64    project_id)
{
  TsDbStatement *statement = ts_store_prepare (self, "SELECT 1 FROM stories WHERE project_id = ? "
                                                     "LIMIT 1", NULL);
  gboolean empty;

  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  empty = ts_db_step (statement) == TS_DB_DONE;
  ts_db_reset (statement);
  return empty;
}

/* Tracker id → story id, of the project's stories. */
static GHashTable *
load_tracker_ids (TsStore  *self,
                  gint64    project_id,
                  GError  **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  TsDbStatement *statement;
  int status;

  statement = ts_store_prepare (self, "SELECT tracker_id, story_id FROM tracker_ids "
                                      "WHERE project_id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    {
      gint64 tracker_id = ts_db_column_int64 (statement, 0);
      gint64 story_id = ts_db_column_int64 (statement, 1);

      g_hash_table_insert (ids, g_memdup2 (&tracker_id, sizeof tracker_id),
                           g_memdup2 (&story_id, sizeof story_id));
    }
  ts_db_reset (statement);
  if (status != TS_DB_DONE)
    {
      ts_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static gboolean
tracker_id_known (gint64   tracker_id,
                  gpointer data)
{
  return g_hash_table_contains (data, &tracker_id);
}

static char *
last_position (TsStore  *self,
               gint64    project_id)
{
  TsDbStatement *statement = ts_store_prepare (self, "SELECT max(position) FROM stories "
                                                     "WHERE project_id = ?", NULL);
  char *last = NULL;

  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  if (ts_db_step (statement) == TS_DB_ROW && !ts_db_column_is_null (statement, 0))
    last = g_strdup (ts_store_column_text (statement, 0));
  ts_db_reset (statement);
  return last;
}

static gboolean
apply_schedule (TsStore          *self,
                gint64            project_id,
                TsTrackerImport  *import,
                GError          **error)
{
  TsDbStatement *statement;

  statement = ts_store_prepare (self, "UPDATE projects SET start_date = ?, iteration_length = ? "
                                      "WHERE id = ?", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_text_take (statement, 1, ts_day_to_string (import->start_date));
  ts_db_bind_int64 (statement, 2, import->iteration_length);
  ts_db_bind_int64 (statement, 3, project_id);
  return ts_store_step_done (self, statement, error);
}

/* Gives @story's tasks their ids (from @task_ids at *@next) and
 * positions, in order, as a new story's tasks get them. */
static void
number_tasks (TsStory  *story,
              GArray   *task_ids,
              guint    *next)
{
  GPtrArray *given = ts_story_get_tasks (story);
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_task_free);
  g_autofree char *position = NULL;

  for (guint i = 0; i < given->len; i++)
    {
      TsTask *task = given->pdata[i];
      char *next_position = ts_position_between (position, NULL);

      g_free (position);
      position = next_position;
      g_ptr_array_add (tasks, ts_task_new (g_array_index (task_ids, gint64, (*next)++), task->text,
                                           task->done, position));
    }
  ts_story_set_tasks (story, tasks);
}

static void
add_story_row (TsBulkRows *rows,
               TsStory    *story)
{
  g_autoptr(JsonNode) node = ts_story_to_json (story);

  ts_bulk_rows_add_int (rows, ts_story_get_id (story));
  ts_bulk_rows_add_int (rows, ts_story_get_project_id (story));
  ts_bulk_rows_add_text_take (rows, g_strdup (ts_story_get_position (story)));
  ts_bulk_rows_add_text_take (rows, g_strdup (ts_story_state_to_string (ts_story_get_state (story))));
  if (ts_story_has_estimate (story))
    ts_bulk_rows_add_int (rows, ts_story_get_estimate (story));
  else
    ts_bulk_rows_add_null (rows);
  /* The version, then each field's (all made by this change). */
  for (guint i = 0; i < 10; i++)
    {
      ts_bulk_rows_add_int (rows, ts_story_get_version (story));
      if (i == 0)
        ts_bulk_rows_add_text_take (rows, ts_json_to_string (node));
    }
}

static void
add_task_rows (TsBulkRows *rows,
               TsStory    *story)
{
  GPtrArray *tasks = ts_story_get_tasks (story);

  for (guint i = 0; i < tasks->len; i++)
    {
      TsTask *task = tasks->pdata[i];

      ts_bulk_rows_add_int (rows, task->id);
      ts_bulk_rows_add_int (rows, ts_story_get_project_id (story));
      ts_bulk_rows_add_int (rows, ts_story_get_id (story));
      ts_bulk_rows_add_text_take (rows, g_strdup (task->position));
      ts_bulk_rows_add_text_take (rows, g_strdup (task->text));
      ts_bulk_rows_add_int (rows, task->done ? 1 : 0);
      for (guint j = 0; j < 4; j++)
        ts_bulk_rows_add_int (rows, ts_story_get_version (story));
    }
}

static void
add_comment_rows (TsBulkRows     *rows,
                  TsTrackerStory *item)
{
  for (guint i = 0; i < item->comments->len; i++)
    {
      TsComment *comment = item->comments->pdata[i];

      ts_bulk_rows_add_int (rows, ts_story_get_project_id (item->story));
      ts_bulk_rows_add_int (rows, ts_story_get_id (item->story));
      ts_bulk_rows_add_int (rows, ts_comment_get_author_id (comment));
      ts_bulk_rows_add_text_take (rows, g_strdup (ts_comment_get_text (comment)));
      ts_bulk_rows_add_text_take (rows, ts_timestamp_to_string (ts_comment_get_created_at (comment)));
      ts_bulk_rows_add_int (rows, ts_story_get_version (item->story));
    }
}

static guint
count_tasks (TsTrackerImport *import)
{
  guint n = 0;

  for (guint i = 0; i < import->stories->len; i++)
    n += ts_story_get_tasks (((TsTrackerStory *) import->stories->pdata[i])->story)->len;
  return n;
}

/* Writes the stories of @import, after every story of the project, in
 * their order (so each panel keeps the file's order), with version
 * @version: their ids reserved first, so that each row is written once,
 * whole, and hundreds to a statement (ts-store-bulk.c). */
static gboolean
write_stories (TsStore          *self,
               gint64            project_id,
               TsTrackerImport  *import,
               gint64            version,
               GDateTime        *now,
               GError          **error)
{
  g_autofree char *position = last_position (self, project_id);
  g_autoptr(GArray) story_ids = NULL;
  g_autoptr(GArray) task_ids = NULL;
  g_autoptr(TsBulkRows) stories = NULL;
  g_autoptr(TsBulkRows) tasks = NULL;
  g_autoptr(TsBulkRows) comments = NULL;
  g_autoptr(TsBulkRows) tracker_ids = NULL;
  guint next_task = 0;

  if ((story_ids = ts_store_reserve_ids (self, "stories", import->stories->len, error)) == NULL ||
      (task_ids = ts_store_reserve_ids (self, "tasks", count_tasks (import), error)) == NULL)
    return FALSE;
  stories = ts_bulk_rows_new ("INSERT INTO stories (id, project_id, position, state, estimate, "
                              "version, json, title_v, description_v, type_v, estimate_v, "
                              "state_v, labels_v, owner_ids_v, requester_id_v, deadline_v)", 16);
  tasks = ts_bulk_rows_new ("INSERT INTO tasks (id, project_id, story_id, position, text, done, "
                            "version, text_v, done_v, position_v)", 10);
  comments = ts_bulk_rows_new ("INSERT INTO comments (project_id, story_id, author_id, text, "
                               "created_at, version)", 6);
  tracker_ids = ts_bulk_rows_new ("INSERT INTO tracker_ids (project_id, tracker_id, story_id)", 3);

  for (guint i = 0; i < import->stories->len; i++)
    {
      TsTrackerStory *item = import->stories->pdata[i];
      TsStory *story = item->story;
      char *next = ts_position_between (position, NULL);

      g_free (position);
      position = next;
      ts_story_set_id (story, g_array_index (story_ids, gint64, i));
      ts_story_set_project_id (story, project_id);
      ts_story_set_position (story, position);
      ts_story_set_version (story, version);
      ts_story_set_updated_at (story, now);
      number_tasks (story, task_ids, &next_task);
      add_story_row (stories, story);
      add_task_rows (tasks, story);
      add_comment_rows (comments, item);
      if (item->tracker_id > 0)
        {
          ts_bulk_rows_add_int (tracker_ids, project_id);
          ts_bulk_rows_add_int (tracker_ids, item->tracker_id);
          ts_bulk_rows_add_int (tracker_ids, ts_story_get_id (story));
        }
    }
  return ts_bulk_rows_insert (self, stories, error) &&
         ts_bulk_rows_insert (self, tasks, error) &&
         ts_bulk_rows_insert (self, comments, error) &&
         ts_bulk_rows_insert (self, tracker_ids, error);
}

/**
 * ts_store_import_tracker:
 * @rows: (element-type TsTrackerRow): the file, read by ts_tracker_read()
 * @dry_run: map everything and change nothing
 * @out_import: (out) (transfer full): the preview
 * @out_applied: (out): whether the export's schedule is (or would be)
 *   the project's: only an empty project takes it
 * @out_version: (out): the project's version after
 * @out_change: (out) (transfer full) (nullable): the stories-import
 *   change; none for a dry run or when the file makes no story
 * @out_line: (out): the line at fault of a row that cannot be imported
 *
 * Inside the caller's change (ts_store_begin()).
 */
gboolean
ts_store_import_tracker (TsStore           *self,
                         gint64             user_id,
                         gint64             project_id,
                         GPtrArray         *rows,
                         gboolean           dry_run,
                         TsTrackerImport  **out_import,
                         gboolean          *out_applied,
                         gint64            *out_version,
                         TsChange         **out_change,
                         guint             *out_line,
                         GError           **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(TsProject) project = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GHashTable) known = NULL;
  g_autoptr(TsTrackerImport) import = NULL;
  g_autoptr(TsChange) change = NULL;
  gboolean applied;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);
  g_assert (self->in_transaction);

  *out_line = 0;
  *out_change = NULL;
  if ((members = ts_store_list_members (self, user_id, project_id, error)) == NULL ||
      (project = ts_store_load_project (self, project_id, error)) == NULL ||
      (known = load_tracker_ids (self, project_id, error)) == NULL)
    return FALSE;
  import = ts_tracker_import_map (rows, project, members, user_id, tracker_id_known, known,
                                  now, out_line, error);
  if (import == NULL)
    return FALSE;

  applied = import->start_date != TS_DAY_NONE && project_is_empty (self, project_id);
  version = ts_project_get_version (project);
  if (!dry_run && import->stories->len > 0)
    {
      if ((version = ts_store_next_version (self, project_id, error)) == 0 ||
          (applied && !apply_schedule (self, project_id, import, error)) ||
          !write_stories (self, project_id, import, version, now, error))
        return FALSE;
      change = ts_change_new (TS_EVENT_STORIES_IMPORT, version, user_id, now);
      change->count = import->stories->len;
      if (!ts_store_record_change (self, project_id, 0, change, error))
        return FALSE;
    }

  *out_import = g_steal_pointer (&import);
  *out_applied = applied;
  *out_version = version;
  *out_change = g_steal_pointer (&change);
  return TRUE;
}

static void
export_story_free (TsTrackerExportStory *item)
{
  g_object_unref (item->story);
  g_ptr_array_unref (item->comments);
  g_free (item);
}

/**
 * ts_store_export_tracker:
 * @out_name: (out) (transfer full): the project's name
 *
 * Returns: (transfer full) (nullable): the project as Tracker's CSV
 */
GString *
ts_store_export_tracker (TsStore  *self,
                         gint64    user_id,
                         gint64    project_id,
                         char    **out_name,
                         GError  **error)
{
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(TsProject) project = NULL;
  g_autoptr(GPtrArray) stories = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(GHashTable) tracker_ids = NULL;
  g_autoptr(GHashTable) by_story = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) export_story_free);
  GHashTableIter iter;
  gpointer key, value;
  gint64 version;

  if ((members = ts_store_list_members (self, user_id, project_id, error)) == NULL ||
      (project = ts_store_load_project (self, project_id, error)) == NULL ||
      (stories = ts_store_list_stories (self, user_id, project_id, &version, error)) == NULL ||
      (comments = ts_store_list_comments (self, user_id, project_id, 0, error)) == NULL ||
      (tracker_ids = load_tracker_ids (self, project_id, error)) == NULL)
    return NULL;

  for (guint i = 0; i < stories->len; i++)
    {
      TsTrackerExportStory *item = g_new0 (TsTrackerExportStory, 1);

      item->story = g_object_ref (stories->pdata[i]);
      item->comments = g_ptr_array_new ();
      g_ptr_array_add (items, item);
      g_hash_table_insert (by_story, g_memdup2 (&(gint64) { ts_story_get_id (item->story) },
                                                sizeof (gint64)), item);
    }
  for (guint i = 0; i < comments->len; i++)
    {
      gint64 story_id = ts_comment_get_story_id (comments->pdata[i]);
      TsTrackerExportStory *item = g_hash_table_lookup (by_story, &story_id);

      if (item != NULL)
        g_ptr_array_add (item->comments, comments->pdata[i]);
    }
  g_hash_table_iter_init (&iter, tracker_ids);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TsTrackerExportStory *item = g_hash_table_lookup (by_story, value);

      if (item != NULL)
        item->tracker_id = *(gint64 *) key;
    }
  /* The keys of by_story were copies. */
  g_hash_table_iter_init (&iter, by_story);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_free (key);

  *out_name = g_strdup (ts_project_get_name (project));
  return ts_tracker_export (project, members, items);
}

/**
 * ts_store_first_member:
 *
 * The member `import-tracker` acts as without `--as`: the project's
 * longest-standing account (the lowest user id; memberships keep no date).
 *
 * Returns: the user id, or 0 with TS_STORE_ERROR_NOT_FOUND
 */
gint64
ts_store_first_member (TsStore  *self,
                       gint64    project_id,
                       GError  **error)
{
  TsDbStatement *statement;
  gint64 user_id = 0;
  TsDbStep step;

  statement = ts_store_prepare (self, "SELECT min(user_id) FROM memberships WHERE project_id = ?",
                                error);
  if (statement == NULL)
    return 0;
  ts_db_bind_int64 (statement, 1, project_id);
  step = ts_store_step_lookup (self, statement, error);
  if (step == TS_DB_ROW && !ts_db_column_is_null (statement, 0))
    user_id = ts_db_column_int64 (statement, 0);
  ts_db_reset (statement);
  if (step != TS_DB_FAILED && user_id == 0)
    g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                 "there is no project %" G_GINT64_FORMAT, project_id);
  return user_id;
}
