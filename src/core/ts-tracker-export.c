/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-tracker"

/* Writing a project as Tracker's stories CSV, the format the import
 * reads: importing an export into an empty project gives an equal
 * backlog. */

#include "ts-tracker.h"

#include "ts-csv.h"
#include "ts-enums.h"
#include "ts-task.h"

static const char * const single_headers[] = {
  "Id", "Title", "Labels", "Iteration", "Iteration Start", "Iteration End", "Type", "Estimate",
  "Current State", "Created at", "Accepted at", "Deadline", "Requested By", "Description", "URL",
};

static void
append_date_cell (GString   *out,
                  TsDay      day)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (day != TS_DAY_NONE)
    ts_tracker_format_date (day, text);
  ts_csv_append_cell (out, text->str, FALSE);
}

static TsDay
day_of (GDateTime *time,
        GTimeZone *zone)
{
  return time != NULL ? ts_day_from_date_time (time, zone) : TS_DAY_NONE;
}

static const char *
name_of (GHashTable *names,
         gint64      user_id)
{
  const char *name = g_hash_table_lookup (names, &user_id);

  return name != NULL ? name : "";
}

/* An accepted story's iteration, numbered from the project's start as the
 * planner does (doc/planning.md, rule 4), at the project's length. */
static void
append_iteration (GString   *out,
                  TsProject *project,
                  TsStory   *story,
                  GTimeZone *zone)
{
  TsDay start = ts_project_get_start_date (project);
  gint64 days = (gint64) ts_project_get_iteration_length (project) * 7;
  TsDay accepted = day_of (ts_story_get_accepted_at (story), zone);
  g_autofree char *number = NULL;
  gint64 n;

  if (ts_story_get_state (story) != TS_STORY_STATE_ACCEPTED || accepted == TS_DAY_NONE)
    {
      g_string_append (out, ",,,");
      return;
    }
  n = accepted < start ? 1 : ((gint64) accepted - start) / days + 1;
  number = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  ts_csv_append_cell (out, number, FALSE);
  append_date_cell (out, (TsDay) (start + (n - 1) * days));
  append_date_cell (out, (TsDay) (start + n * days));
}

static void
append_row (GString              *out,
            TsProject            *project,
            GHashTable           *names,
            GTimeZone            *zone,
            TsTrackerExportStory *item,
            guint                 n_owners,
            guint                 n_comments,
            guint                 n_tasks)
{
  TsStory *story = item->story;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                         item->tracker_id > 0 ? item->tracker_id : ts_story_get_id (story));
  g_autofree char *labels = g_strjoinv (", ", (char **) ts_story_get_labels (story));
  g_autofree char *estimate = NULL;
  const gint64 *owner_ids;
  GPtrArray *tasks;
  guint n_owner_ids, i;

  ts_csv_append_cell (out, id, TRUE);
  ts_csv_append_cell (out, ts_story_get_title (story), FALSE);
  ts_csv_append_cell (out, labels, FALSE);
  append_iteration (out, project, story, zone);
  ts_csv_append_cell (out, ts_story_type_to_string (ts_story_get_story_type (story)), FALSE);
  if (ts_story_has_estimate (story))
    estimate = g_strdup_printf ("%d", ts_story_get_estimate (story));
  ts_csv_append_cell (out, estimate, FALSE);
  ts_csv_append_cell (out, ts_story_state_to_string (ts_story_get_state (story)), FALSE);
  append_date_cell (out, day_of (ts_story_get_created_at (story), zone));
  append_date_cell (out, day_of (ts_story_get_accepted_at (story), zone));
  append_date_cell (out, ts_story_get_deadline (story));
  ts_csv_append_cell (out, name_of (names, ts_story_get_requester_id (story)), FALSE);
  ts_csv_append_cell (out, ts_story_get_description (story), FALSE);
  ts_csv_append_cell (out, NULL, FALSE);

  owner_ids = ts_story_get_owner_ids (story, &n_owner_ids);
  for (i = 0; i < n_owners; i++)
    ts_csv_append_cell (out, i < n_owner_ids ? name_of (names, owner_ids[i]) : NULL, FALSE);
  for (i = 0; i < n_comments; i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      if (i < item->comments->len)
        {
          TsComment *comment = item->comments->pdata[i];

          g_string_append_printf (text, "%s (%s - ", ts_comment_get_text (comment),
                                  name_of (names, ts_comment_get_author_id (comment)));
          ts_tracker_format_date (day_of (ts_comment_get_created_at (comment), zone), text);
          g_string_append_c (text, ')');
        }
      ts_csv_append_cell (out, text->str, FALSE);
    }
  tasks = ts_story_get_tasks (story);
  for (i = 0; i < n_tasks; i++)
    {
      TsTask *task = tasks != NULL && i < tasks->len ? tasks->pdata[i] : NULL;

      ts_csv_append_cell (out, task != NULL ? task->text : NULL, FALSE);
      ts_csv_append_cell (out, task != NULL ? (task->done ? "completed" : "not completed") : NULL,
                          FALSE);
    }
  g_string_append (out, "\r\n");
}

/**
 * ts_tracker_export:
 * @members: (element-type TsUser): people, for the names of requesters,
 *   owners and authors
 * @stories: (element-type TsTrackerExportStory): in priority order
 *
 * Returns: (transfer full): the CSV text, its header first, CRLF line ends
 */
GString *
ts_tracker_export (TsProject *project,
                   GPtrArray *members,
                   GPtrArray *stories)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GTimeZone *zone = ts_project_get_zone (project);
  GString *out = g_string_sized_new (256 + stories->len * 256);
  guint n_owners = 0, n_comments = 0, n_tasks = 0;

  for (guint i = 0; i < members->len; i++)
    {
      TsUser *user = members->pdata[i];

      g_hash_table_insert (names, g_memdup2 (&(gint64) { ts_user_get_id (user) }, sizeof (gint64)),
                           (gpointer) ts_user_get_name (user));
    }
  for (guint i = 0; i < stories->len; i++)
    {
      TsTrackerExportStory *item = stories->pdata[i];
      guint n_owner_ids;

      ts_story_get_owner_ids (item->story, &n_owner_ids);
      n_owners = MAX (n_owners, n_owner_ids);
      n_comments = MAX (n_comments, item->comments->len);
      n_tasks = MAX (n_tasks, ts_story_get_tasks (item->story) != NULL
                              ? ts_story_get_tasks (item->story)->len : 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (single_headers); i++)
    ts_csv_append_cell (out, single_headers[i], i == 0);
  for (guint i = 0; i < n_owners; i++)
    ts_csv_append_cell (out, "Owned By", FALSE);
  for (guint i = 0; i < n_comments; i++)
    ts_csv_append_cell (out, "Comment", FALSE);
  for (guint i = 0; i < n_tasks; i++)
    {
      ts_csv_append_cell (out, "Task", FALSE);
      ts_csv_append_cell (out, "Task Status", FALSE);
    }
  g_string_append (out, "\r\n");

  for (guint i = 0; i < stories->len; i++)
    append_row (out, project, names, zone, stories->pdata[i], n_owners, n_comments, n_tasks);
  return out;
}
