/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-admin"

/* `import-tracker --project ID [--as EMAIL] FILE`: a Tracker CSV export
 * imported from the shell, beside a running server, as `POST …/import`
 * does it: one transaction, one change. On SQLite the command announces
 * the change (ts-store-admin-changes.c) and the serving server publishes
 * it; on PostgreSQL the publishing server reads it from the database. */

#include "ts-admin.h"

#include "ts-tracker.h"

static int
fail (const char *file,
      const char *message)
{
  if (file != NULL)
    g_printerr ("truestory-server: %s: %s\n", file, message);
  else
    g_printerr ("truestory-server: %s\n", message);
  return TS_ADMIN_EXIT_FAILED;
}

/* The member the import acts as: --as, else the project's first member. */
static gint64
find_actor (TsStore               *store,
            const TsAdminOptions  *options,
            GError               **error)
{
  g_autoptr(TsUser) user = NULL;
  g_autoptr(GError) failure = NULL;

  if (options->as_email == NULL)
    return ts_store_first_member (store, options->project_id, error);
  if ((user = ts_store_find_user (store, options->as_email, error)) == NULL)
    return 0;
  if (!ts_store_is_member (store, ts_user_get_id (user), options->project_id, &failure))
    {
      if (failure != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&failure));
          return 0;
        }
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                   "%s is not a member of project %" G_GINT64_FORMAT, options->as_email,
                   options->project_id);
      return 0;
    }
  return ts_user_get_id (user);
}

static void
print_summary (TsTrackerImport *import,
               gint64           version,
               gboolean         applied)
{
  /* By type as "name count", so that one bug is never "1 bugs". */
  g_print ("imported %u stories (feature %u, bug %u, chore %u, release %u) at version %"
           G_GINT64_FORMAT "\n", import->stories->len, import->by_type[TS_STORY_TYPE_FEATURE],
           import->by_type[TS_STORY_TYPE_BUG], import->by_type[TS_STORY_TYPE_CHORE],
           import->by_type[TS_STORY_TYPE_RELEASE], version);
  g_print ("already imported: %u; epics (labels of their stories): %u; tasks: %u; comments: %u\n",
           import->already_imported, import->epics, import->n_tasks, import->n_comments);
  for (guint i = 0; i < import->matched->len; i++)
    {
      TsTrackerPerson *person = import->matched->pdata[i];

      g_print ("matched: %s (user %" G_GINT64_FORMAT ")\n", person->name, person->user_id);
    }
  for (guint i = 0; i < import->unmatched->len; i++)
    g_print ("unmatched: %s\n", (char *) import->unmatched->pdata[i]);
  if (import->start_date != TS_DAY_NONE)
    {
      g_autofree char *start = ts_day_to_string (import->start_date);

      g_print ("schedule: start %s, %u-week iterations, %s\n", start, import->iteration_length,
               applied ? "applied" : "not applied (the project has stories)");
    }
}

/* The import inside the open change. */
static gboolean
import_rows (TsStore               *store,
             const TsAdminOptions  *options,
             GPtrArray             *rows,
             TsTrackerImport      **out_import,
             gint64                *out_version,
             gboolean              *out_applied,
             guint                 *out_line,
             GError               **error)
{
  g_autoptr(TsChange) change = NULL;
  gint64 actor_id;

  *out_line = 0;
  if ((actor_id = find_actor (store, options, error)) == 0 ||
      !ts_store_import_tracker (store, actor_id, options->project_id, rows, FALSE, out_import,
                                out_applied, out_version, &change, out_line, error))
    return FALSE;
  return change == NULL ||
         ts_store_announce_admin_change (store, options->project_id, change->version, error);
}

/**
 * ts_admin_import_tracker:
 *
 * Returns: the exit status: 1 with the line at fault, having changed
 *   nothing, for a file that cannot be imported
 */
int
ts_admin_import_tracker (TsStore              *store,
                         const TsAdminOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TsTrackerImport) import = NULL;
  g_autofree char *data = NULL;
  gboolean applied = FALSE;
  gint64 version = 0;
  gsize length = 0;
  guint line = 0;

  if (!g_file_get_contents (options->file, &data, &length, &error))
    return fail (NULL, error->message);
  if ((rows = ts_tracker_read (data, length, &line, &error)) == NULL)
    return fail (options->file, error->message);

  if (!ts_store_begin (store, &error))
    return fail (NULL, error->message);
  if (!import_rows (store, options, rows, &import, &version, &applied, &line, &error))
    {
      ts_store_rollback (store);
      ts_store_commit (store, NULL);
      return fail (line > 0 ? options->file : NULL, error->message);
    }
  if (!ts_store_end (store, &error) || !ts_store_commit (store, &error))
    return fail (NULL, error->message);
  print_summary (import, version, applied);
  return TS_ADMIN_EXIT_OK;
}
