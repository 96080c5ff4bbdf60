/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Pivotal Tracker's CSV, as an import takes it from anyone (up to 32 MiB
 * over REST): the reader, the mapping onto a project with members, and
 * the writer of the export. Whatever the mapping takes must export to a
 * file that imports to the same stories, and whose export is that same
 * file again (the round trip of doc/api.md, one step further). */

#include "fuzz-common.h"

#include "ts-tracker.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static GPtrArray *
new_members (void)
{
  GPtrArray *members = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (members, ts_user_new (1, "Ada Lovelace", "ada@example.org"));
  g_ptr_array_add (members, ts_user_new (2, "Grace Hopper", "grace@example.org"));
  return members;
}

/* @import's stories as the export reads them (borrowed), with ids as the
 * server gives them: a story without a Tracker id is exported under its
 * own. Those are made above every Tracker id of the file: an own id equal
 * to another story's Tracker id would read back as that story again (a
 * limit written in src/DESIGN.md; Tracker's ids are far above ours). */
static GPtrArray *
export_items (TsTrackerImport *import)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  gint64 next_id = 1;

  for (guint i = 0; i < import->stories->len; i++)
    {
      TsTrackerStory *story = import->stories->pdata[i];

      next_id = MAX (next_id, story->tracker_id + 1);
    }
  for (guint i = 0; i < import->stories->len; i++)
    {
      TsTrackerStory *story = import->stories->pdata[i];
      TsTrackerExportStory *item = g_new0 (TsTrackerExportStory, 1);

      ts_story_set_id (story->story, next_id++);

      item->story = story->story;
      item->tracker_id = story->tracker_id;
      item->comments = story->comments;
      g_ptr_array_add (items, item);
    }
  return items;
}

static TsTrackerImport *
read_and_map (const char *data,
              gsize       length,
              TsProject  *project,
              GPtrArray  *members,
              GDateTime  *now,
              GError    **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  guint line = 0;

  rows = ts_tracker_read (data, length, &line, error);
  if (rows == NULL)
    return NULL;
  return ts_tracker_import_map (rows, project, members, 1, NULL, NULL, now, &line, error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TsProject) project = ts_project_new ();
  g_autoptr(GPtrArray) members = new_members ();
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 12, 7, 10, 0, 0);
  g_autoptr(TsTrackerImport) import = NULL;
  g_autoptr(TsTrackerImport) again = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) again_items = NULL;
  g_autoptr(GString) first = NULL;
  g_autoptr(GString) second = NULL;
  g_autoptr(GError) error = NULL;

  ts_project_set_id (project, 7);
  ts_project_set_name (project, "Fuzzed");
  import = read_and_map ((const char *) data, size, project, members, now, &error);
  if (import == NULL)
    {
      FUZZ_CHECK (error != NULL);
      return 0;
    }
  if (import->start_date != TS_DAY_NONE)
    {
      ts_project_set_start_date (project, import->start_date);
      ts_project_set_iteration_length (project, import->iteration_length);
    }

  items = export_items (import);
  first = ts_tracker_export (project, members, items);
  g_clear_error (&error);
  again = read_and_map (first->str, first->len, project, members, now, &error);
  if (again == NULL)
    g_printerr ("the import refuses its own export: %s\n%s\n", error->message, first->str);
  FUZZ_CHECK (again != NULL);
  FUZZ_CHECK (again->stories->len == import->stories->len);

  again_items = export_items (again);
  second = ts_tracker_export (project, members, again_items);
  if (!g_str_equal (first->str, second->str))
    g_printerr ("the export changed on its way round:\n%s\n---\n%s\n", first->str, second->str);
  FUZZ_CHECK (g_str_equal (first->str, second->str));
  return 0;
}
