/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Pivotal Tracker's stories CSV in core: the reader (RFC 4180 cells,
 * headers by name old and new, ragged rows, a byte-order mark), the
 * mapping onto a project (doc/api.md, *Tracker import and export*) and
 * the writer, whose output the reader reads back as the same stories.
 * The fixtures are the CSV files of tests/tracker. */

#include <string.h>

#include "ts-core.h"
#include "ts-csv.h"
#include "ts-task.h"
#include "ts-tracker.h"

#define ADA 1
#define GRACE 2

static TsDay
utc_day (GDateTime *time)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return ts_day_from_date_time (time, utc);
}

static char *
fixture_text (const char *name,
              gsize      *out_length)
{
  g_autofree char *path = g_build_filename (TRACKER_DIR, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, out_length, &error);
  g_assert_no_error (error);
  return text;
}

static GPtrArray *
read_text (const char *text,
           guint      *out_line,
           GError    **error)
{
  return ts_tracker_read (text, strlen (text), out_line, error);
}

static GPtrArray *
read_fixture (const char *name)
{
  gsize length;
  g_autofree char *text = fixture_text (name, &length);
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;
  guint line;

  rows = ts_tracker_read (text, length, &line, &error);
  g_assert_no_error (error);
  return rows;
}

static TsProject *
new_project (void)
{
  TsProject *project = ts_project_new ();

  ts_project_set_id (project, 7);
  ts_project_set_name (project, "Imported");
  ts_project_set_point_scale (project, TS_POINT_SCALE_FIBONACCI);
  return project;
}

/* Ada, Grace, and two members both named Alan Turing (ambiguous). */
static GPtrArray *
new_members (void)
{
  GPtrArray *members = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (members, ts_user_new (ADA, "Ada Lovelace", "ada@example.org"));
  /* Decomposed é and other case: the file's composed, capitalised name
   * matches. */
  g_ptr_array_add (members, ts_user_new (GRACE, "grace  HOPPER", "grace@example.org"));
  g_ptr_array_add (members, ts_user_new (3, "Alan Turing", "alan@example.org"));
  g_ptr_array_add (members, ts_user_new (4, "alan turing", "alan2@example.org"));
  g_ptr_array_add (members, ts_user_new (5, "Rene\xcc\x81 Descartes", "rene@example.org"));
  return members;
}

static TsTrackerImport *
map_rows (GPtrArray          *rows,
          TsTrackerKnownFunc  known,
          gpointer            known_data,
          guint              *out_line,
          GError            **error)
{
  g_autoptr(TsProject) project = new_project ();
  g_autoptr(GPtrArray) members = new_members ();
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 12, 7, 10, 0, 0);

  return ts_tracker_import_map (rows, project, members, ADA, known, known_data, now, out_line,
                                error);
}

static TsTrackerImport *
map_fixture (const char *name)
{
  g_autoptr(GPtrArray) rows = read_fixture (name);
  g_autoptr(GError) error = NULL;
  TsTrackerImport *import;
  guint line;

  import = map_rows (rows, NULL, NULL, &line, &error);
  g_assert_no_error (error);
  return import;
}

static TsStory *
story_at (TsTrackerImport *import,
          guint            index)
{
  return ((TsTrackerStory *) import->stories->pdata[index])->story;
}

static void
test_csv_cells (void)
{
  static const char text[] = "\xEF\xBB\xBF" "a,\"b, c\",\"say \"\"hi\"\"\"\r\n"
                             "\"two\nlines\",,last\n" "x";
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(GPtrArray) end = NULL;
  g_autoptr(GError) error = NULL;
  TsCsvReader reader;
  guint line;

  ts_csv_reader_init (&reader, text, strlen (text));
  first = ts_csv_read_record (&reader, &line, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (line, ==, 1);
  g_assert_cmpuint (first->len, ==, 3);
  g_assert_cmpstr (first->pdata[0], ==, "a");
  g_assert_cmpstr (first->pdata[1], ==, "b, c");
  g_assert_cmpstr (first->pdata[2], ==, "say \"hi\"");
  second = ts_csv_read_record (&reader, &line, &error);
  g_assert_cmpuint (line, ==, 2);
  g_assert_cmpuint (second->len, ==, 3);
  g_assert_cmpstr (second->pdata[0], ==, "two\nlines");
  g_assert_cmpstr (second->pdata[1], ==, "");
  third = ts_csv_read_record (&reader, &line, &error);
  g_assert_cmpuint (line, ==, 4);
  g_assert_cmpstr (third->pdata[0], ==, "x");
  end = ts_csv_read_record (&reader, &line, &error);
  g_assert_null (end);
  g_assert_no_error (error);
}

static void
test_csv_write (void)
{
  static const char * const cells[] = { "plain", "a, b", "say \"hi\"", "two\r\nlines", "", " pad" };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) record = NULL;
  g_autoptr(GError) error = NULL;
  TsCsvReader reader;
  guint line;

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    ts_csv_append_cell (out, cells[i], i == 0);
  g_assert_cmpstr (out->str, ==, "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\r\nlines\",,\" pad\"");
  ts_csv_reader_init (&reader, out->str, out->len);
  record = ts_csv_read_record (&reader, &line, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (record->len, ==, G_N_ELEMENTS (cells));
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    g_assert_cmpstr (record->pdata[i], ==, cells[i]);
}

/* Files that cannot be read, each with the line at fault. */
static void
test_refused (void)
{
  static const struct { const char *text; guint line; const char *words; } cases[] = {
    { "", 1, "empty" },
    { "name,email\nAda,ada@example.org\n", 1, "not a Pivotal Tracker CSV" },
    { "Title,Title\nA,B\n", 1, "twice" },
    { "Id,Title\n1,A\n2,\"never\nends\n", 3, "never ends" },
    { "Id,Title\n1,A\n2,B,extra\n", 3, "2 columns" },
    { "Id,Title\n1,A\n2,B\"C\n", 3, "quote" },
    { "Id,Title\n1,A\n\n2,\xff\n", 4, "not UTF-8" },
    { "Id,Title\n1,A\0B\n", 2, "NUL" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      gsize length = strlen (cases[i].text);
      guint line = 0;

      if (strstr (cases[i].words, "NUL") != NULL)
        length = 15;
      rows = ts_tracker_read (cases[i].text, length, &line, &error);
      g_assert_null (rows);
      g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
      if (strstr (error->message, cases[i].words) == NULL || line != cases[i].line)
        g_error ("case %u: expected line %u and “%s”, got line %u: %s", i, cases[i].line,
                 cases[i].words, line, error->message);
    }
}

/* Rows that can be read but not imported: the line, and no import. */
static void
test_refused_rows (void)
{
  static const struct { const char *text; guint line; const char *words; } cases[] = {
    { "Title,Type,Current State\nA,feature,unstarted\nB,chore,finished\n", 3, "a chore cannot be finished" },
    { "Title,Type\nA,story\n", 2, "“Type” story" },
    { "Title,Current State\nA,done\n", 2, "“Current State” done" },
    { "Title,Estimate\nA,lots\n", 2, "“Estimate” lots" },
    { "Title,Created at\nA,yesterday\n", 2, "“Created at” yesterday" },
    { "Title,Accepted at\nA,\"Feb 30, 2015\"\n", 2, "not a date" },
    { "Id,Title\nabc,A\n", 2, "“Id” abc" },
    { "Id,Title\n1,A\n2,   \n", 3, "without a “Title”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(TsTrackerImport) import = NULL;
      guint line = 0;

      rows = read_text (cases[i].text, &line, &error);
      g_assert_no_error (error);
      import = map_rows (rows, NULL, NULL, &line, &error);
      g_assert_null (import);
      g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
      if (strstr (error->message, cases[i].words) == NULL || line != cases[i].line)
        g_error ("case %u: expected line %u and “%s”, got line %u: %s", i, cases[i].line,
                 cases[i].words, line, error->message);
    }
}

static void
test_dates (void)
{
  TsDay day;

  g_assert_true (ts_tracker_parse_date ("Nov 19, 2015", &day));
  g_assert_cmpuint (day, ==, ts_day_from_ymd (2015, 11, 19));
  g_assert_true (ts_tracker_parse_date ("November 9, 2015", &day));
  g_assert_cmpuint (day, ==, ts_day_from_ymd (2015, 11, 9));
  g_assert_true (ts_tracker_parse_date ("2015-11-19", &day));
  g_assert_true (ts_tracker_parse_date ("Nov 19, 2015 3:04 PM", &day));
  g_assert_false (ts_tracker_parse_date ("Foo 19, 2015", &day));
  g_assert_false (ts_tracker_parse_date ("Feb 30, 2015", &day));
  g_assert_false (ts_tracker_parse_date ("Nov 19 2015", &day));
  g_assert_false (ts_tracker_parse_date ("", &day));
}

/* The current header: every column, repeated ones in order, a BOM. */
static void
test_current (void)
{
  g_autoptr(GPtrArray) rows = read_fixture ("current.csv");
  g_autoptr(TsTrackerImport) import = map_fixture ("current.csv");
  TsTrackerRow *first = rows->pdata[0];
  TsStory *story;
  GPtrArray *tasks;
  const gint64 *owners;
  guint n_owners;
  TsComment *comment;

  g_assert_cmpuint (rows->len, ==, 8);
  g_assert_cmpstr (first->cells[TS_TRACKER_ID], ==, "1001");
  g_assert_cmpuint (first->lists[TS_TRACKER_COMMENT]->len, ==, 2);
  g_assert_cmpstr (first->lists[TS_TRACKER_TASK]->pdata[1], ==, "Validate the email");

  /* The epic is not a story; its label is on its stories. */
  g_assert_cmpuint (import->epics, ==, 1);
  g_assert_cmpuint (import->stories->len, ==, 7);
  g_assert_cmpuint (import->by_type[TS_STORY_TYPE_FEATURE], ==, 4);
  g_assert_cmpuint (import->by_type[TS_STORY_TYPE_BUG], ==, 1);
  g_assert_cmpuint (import->by_type[TS_STORY_TYPE_CHORE], ==, 1);
  g_assert_cmpuint (import->by_type[TS_STORY_TYPE_RELEASE], ==, 1);
  g_assert_cmpuint (import->n_tasks, ==, 4);
  g_assert_cmpuint (import->n_comments, ==, 4);

  story = story_at (import, 0);
  g_assert_cmpstr (ts_story_get_title (story), ==, "Sign-up form");
  g_assert_cmpint (ts_story_get_state (story), ==, TS_STORY_STATE_ACCEPTED);
  g_assert_cmpint (ts_story_get_estimate (story), ==, 2);
  g_assert_cmpstr (ts_story_get_labels (story)[0], ==, "onboarding");
  g_assert_cmpstr (ts_story_get_labels (story)[1], ==, "web");
  g_assert_cmpstr (ts_story_get_labels (story)[2], ==, "p2 - Medium");
  g_assert_cmpint (ts_story_get_requester_id (story), ==, ADA);
  owners = ts_story_get_owner_ids (story, &n_owners);
  g_assert_cmpuint (n_owners, ==, 1);
  g_assert_cmpint (owners[0], ==, GRACE);
  g_assert_cmpuint (utc_day (ts_story_get_accepted_at (story)), ==,
                    ts_day_from_ymd (2015, 11, 4));
  g_assert_cmpuint (utc_day (ts_story_get_created_at (story)), ==,
                    ts_day_from_ymd (2015, 10, 28));
  g_assert_nonnull (strstr (ts_story_get_description (story),
                            "Users can make an account.\n\nFrom Tracker:\nPriority: p2 - Medium\n"
                            "URL: https://www.pivotaltracker.com/story/show/1001\n"
                            "Pull request: https://github.com/example/app/pull/12\n"
                            "Git branch: signup-form"));
  tasks = ts_story_get_tasks (story);
  g_assert_cmpuint (tasks->len, ==, 2);
  g_assert_cmpstr (((TsTask *) tasks->pdata[0])->text, ==, "Write the form");
  g_assert_true (((TsTask *) tasks->pdata[0])->done);
  comment = ((TsTrackerStory *) import->stories->pdata[0])->comments->pdata[1];
  g_assert_cmpstr (ts_comment_get_text (comment), ==, "Shipped, thanks");
  g_assert_cmpint (ts_comment_get_author_id (comment), ==, GRACE);
  g_assert_cmpuint (utc_day (ts_comment_get_created_at (comment)), ==,
                    ts_day_from_ymd (2015, 11, 5));

  /* Multi-line description with quotes and commas, kept as written. */
  story = story_at (import, 1);
  g_assert_true (g_str_has_prefix (ts_story_get_description (story),
                                   "Steps:\n1. Ask for a reset\n2. Two emails arrive, \"both\" valid"));

  /* An unknown owner and a blocker are kept as text; the task not done. */
  story = story_at (import, 2);
  g_assert_cmpint (ts_story_get_state (story), ==, TS_STORY_STATE_STARTED);
  g_assert_nonnull (strstr (ts_story_get_description (story), "Owned by: Linus Unknown"));
  g_assert_nonnull (strstr (ts_story_get_description (story), "Blocker (unresolved): Needs the design"));
  g_assert_false (((TsTask *) ts_story_get_tasks (story)->pdata[1])->done);

  /* A release keeps its deadline. */
  story = story_at (import, 3);
  g_assert_cmpint (ts_story_get_story_type (story), ==, TS_STORY_TYPE_RELEASE);
  g_assert_cmpuint (ts_story_get_deadline (story), ==, ts_day_from_ymd (2015, 12, 1));

  /* planned is unstarted; an unknown requester is the importer, kept as
   * text; an unknown comment author signs the text. */
  story = story_at (import, 4);
  g_assert_cmpint (ts_story_get_state (story), ==, TS_STORY_STATE_UNSTARTED);
  g_assert_cmpint (ts_story_get_requester_id (story), ==, ADA);
  g_assert_nonnull (strstr (ts_story_get_description (story), "Requested by: Katherine Nobody"));
  comment = ((TsTrackerStory *) import->stories->pdata[4])->comments->pdata[0];
  g_assert_cmpstr (ts_comment_get_text (comment), ==, "Which version?\n— Katherine Nobody");
  g_assert_cmpint (ts_comment_get_author_id (comment), ==, ADA);

  /* The Icebox; 4 points go to 5 on Fibonacci (a tie goes up), said. */
  story = story_at (import, 5);
  g_assert_cmpint (ts_story_get_state (story), ==, TS_STORY_STATE_UNSCHEDULED);
  g_assert_cmpint (ts_story_get_estimate (story), ==, 5);
  g_assert_nonnull (strstr (ts_story_get_description (story), "Estimate: 4"));

  /* -1 is no estimate, in unstarted too; an empty description is "". */
  story = story_at (import, 6);
  g_assert_false (ts_story_has_estimate (story));
  g_assert_cmpint (ts_story_get_state (story), ==, TS_STORY_STATE_UNSTARTED);
  g_assert_cmpstr (ts_story_get_description (story), ==, "");

  /* The schedule: iteration 1 from Nov 2, one week. */
  g_assert_cmpuint (import->start_date, ==, ts_day_from_ymd (2015, 11, 2));
  g_assert_cmpuint (import->iteration_length, ==, 1);
  g_assert_cmpuint (import->matched->len, ==, 2);
  g_assert_cmpuint (import->unmatched->len, ==, 2);
  g_assert_cmpstr (import->unmatched->pdata[0], ==, "Linus Unknown");
}

/* Story, Story Type and Note; no Priority; LF; rows shorter than the
 * header. */
static void
test_old_headers (void)
{
  g_autoptr(TsTrackerImport) import = map_fixture ("old.csv");
  TsStory *story;

  g_assert_cmpuint (import->stories->len, ==, 3);
  story = story_at (import, 0);
  g_assert_cmpstr (ts_story_get_title (story), ==, "Import contacts");
  g_assert_cmpint (ts_story_get_estimate (story), ==, 8);
  g_assert_cmpstr (ts_story_get_description (story), !=, "");
  g_assert_true (g_str_has_prefix (ts_story_get_description (story), "From a CSV,\nwith commas"));
  g_assert_cmpuint (((TsTrackerStory *) import->stories->pdata[0])->comments->len, ==, 2);
  g_assert_cmpuint (ts_story_get_tasks (story)->len, ==, 1);
  story = story_at (import, 2);
  g_assert_cmpint (ts_story_get_story_type (story), ==, TS_STORY_TYPE_BUG);
  g_assert_cmpint (ts_story_get_state (story), ==, TS_STORY_STATE_UNSCHEDULED);
  g_assert_cmpuint (import->start_date, ==, ts_day_from_ymd (2012, 1, 5));
  g_assert_cmpuint (import->iteration_length, ==, 2);
}

/* Names: composed and case-folded match; two members of one name match
 * neither. */
static void
test_people (void)
{
  static const char text[] =
    "Title,Requested By,Owned By,Owned By,Owned By\n"
    "A,Ren\xc3\xa9 Descartes,Grace Hopper,Alan Turing,ADA LOVELACE\n";
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TsTrackerImport) import = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 *owners;
  guint n_owners, line;
  TsStory *story;

  rows = read_text (text, &line, &error);
  import = map_rows (rows, NULL, NULL, &line, &error);
  g_assert_no_error (error);
  story = story_at (import, 0);
  g_assert_cmpint (ts_story_get_requester_id (story), ==, 5);
  owners = ts_story_get_owner_ids (story, &n_owners);
  g_assert_cmpuint (n_owners, ==, 2);
  g_assert_cmpint (owners[0], ==, GRACE);
  g_assert_cmpint (owners[1], ==, ADA);
  g_assert_cmpuint (import->unmatched->len, ==, 1);
  g_assert_cmpstr (import->unmatched->pdata[0], ==, "Alan Turing");
  g_assert_nonnull (strstr (ts_story_get_description (story), "Owned by: Alan Turing"));
}

static gboolean
known_1001 (gint64   tracker_id,
            gpointer data)
{
  return tracker_id == 1001;
}

/* Ids the project has, or the file had already, make nothing again. */
static void
test_known_ids (void)
{
  static const char text[] = "Id,Title\n1001,A\n1002,B\n1002,B again\n,No id\n,No id\n";
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TsTrackerImport) import = NULL;
  g_autoptr(GError) error = NULL;
  guint line;

  rows = read_text (text, &line, &error);
  import = map_rows (rows, known_1001, NULL, &line, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->already_imported, ==, 2);
  g_assert_cmpuint (import->stories->len, ==, 3);
  g_assert_cmpint (((TsTrackerStory *) import->stories->pdata[0])->tracker_id, ==, 1002);
  g_assert_cmpint (((TsTrackerStory *) import->stories->pdata[1])->tracker_id, ==, 0);
}

/* A description over its limit keeps 20,000 characters; the rest is a
 * comment, never dropped. */
static void
test_long_description (void)
{
  g_autoptr(GString) text = g_string_new ("Title,Description,URL\nLong,");
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TsTrackerImport) import = NULL;
  g_autoptr(GError) error = NULL;
  TsTrackerStory *item;
  guint line;

  for (guint i = 0; i < 25000; i++)
    g_string_append_unichar (text, 0x00e9);
  g_string_append (text, ",https://www.pivotaltracker.com/story/show/9\n");
  rows = read_text (text->str, &line, &error);
  import = map_rows (rows, NULL, NULL, &line, &error);
  g_assert_no_error (error);
  item = import->stories->pdata[0];
  g_assert_cmpint (g_utf8_strlen (ts_story_get_description (item->story), -1), ==, 20000);
  g_assert_cmpuint (item->comments->len, ==, 1);
  g_assert_nonnull (strstr (ts_comment_get_text (item->comments->pdata[0]),
                            "From Tracker:\nURL: https://www.pivotaltracker.com/story/show/9"));
}

/* What the writer writes, the reader reads back as the same stories. */
static void
test_export_reads_back (void)
{
  g_autoptr(TsTrackerImport) import = map_fixture ("current.csv");
  g_autoptr(TsProject) project = new_project ();
  g_autoptr(GPtrArray) members = new_members ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) first = NULL;
  g_autoptr(GString) second = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TsTrackerImport) again = NULL;
  g_autoptr(GPtrArray) again_items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint line;

  ts_project_set_start_date (project, import->start_date);
  ts_project_set_iteration_length (project, import->iteration_length);
  for (guint i = 0; i < import->stories->len; i++)
    {
      TsTrackerStory *story = import->stories->pdata[i];
      TsTrackerExportStory *item = g_new0 (TsTrackerExportStory, 1);

      item->story = story->story;
      item->tracker_id = story->tracker_id;
      item->comments = story->comments;
      g_ptr_array_add (items, item);
    }
  first = ts_tracker_export (project, members, items);
  g_assert_true (g_str_has_prefix (first->str, "Id,Title,Labels,Iteration,Iteration Start,"));

  rows = ts_tracker_read (first->str, first->len, &line, &error);
  g_assert_no_error (error);
  again = map_rows (rows, NULL, NULL, &line, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->stories->len, ==, import->stories->len);
  g_assert_cmpuint (again->start_date, ==, import->start_date);
  g_assert_cmpuint (again->iteration_length, ==, import->iteration_length);
  for (guint i = 0; i < again->stories->len; i++)
    {
      TsTrackerStory *story = again->stories->pdata[i];
      TsTrackerExportStory *item = g_new0 (TsTrackerExportStory, 1);

      item->story = story->story;
      item->tracker_id = story->tracker_id;
      item->comments = story->comments;
      g_ptr_array_add (again_items, item);
    }
  second = ts_tracker_export (project, members, again_items);
  g_assert_cmpstr (second->str, ==, first->str);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/tracker/csv-cells", test_csv_cells);
  g_test_add_func ("/core/tracker/csv-write", test_csv_write);
  g_test_add_func ("/core/tracker/refused", test_refused);
  g_test_add_func ("/core/tracker/refused-rows", test_refused_rows);
  g_test_add_func ("/core/tracker/dates", test_dates);
  g_test_add_func ("/core/tracker/current", test_current);
  g_test_add_func ("/core/tracker/old-headers", test_old_headers);
  g_test_add_func ("/core/tracker/people", test_people);
  g_test_add_func ("/core/tracker/known-ids", test_known_ids);
  g_test_add_func ("/core/tracker/long-description", test_long_description);
  g_test_add_func ("/core/tracker/export-reads-back", test_export_reads_back);
  return g_test_run ();
}
