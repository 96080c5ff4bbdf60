/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The local copy and the outbox on their own, in a temporary folder: what
 * is written is read back, the files are private, and a copy that is
 * damaged, of another schema or of another account is discarded (with a
 * debug message) rather than shown. */

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "ts-json.h"
#include "ts-local-copy.h"
#include "ts-local-edit.h"
#include "ts-outbox.h"

#define URL "http://127.0.0.1:8080"

static char *dir;

/* Debug messages of the copy, caught so that a test can see "discarded". */
static GString *debug_log;

static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if ((level & G_LOG_LEVEL_DEBUG) && g_strcmp0 (domain, "ts-local-copy") == 0 && message != NULL)
    {
      g_string_append (debug_log, message);
      g_string_append_c (debug_log, '\n');
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static TsProject *
make_project (gint64 id)
{
  TsProject *project = ts_project_new ();

  ts_project_set_id (project, id);
  ts_project_set_name (project, "Copied");
  ts_project_set_start_date (project, ts_day_from_ymd (2026, 1, 5));
  return project;
}

static TsStory *
make_story (gint64      project_id,
            gint64      id,
            const char *title,
            const char *position)
{
  TsStory *story = ts_story_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  ts_story_set_created_at (story, now);
  ts_story_set_updated_at (story, now);
  ts_story_set_id (story, id);
  ts_story_set_project_id (story, project_id);
  ts_story_set_title (story, title);
  ts_story_set_position (story, position);
  ts_story_set_version (story, id);
  return story;
}

static GPtrArray *
make_stories (gint64 project_id,
              guint  n)
{
  GPtrArray *stories = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Story %u", i);
      g_autofree char *position = g_strdup_printf ("a%05u", i);

      g_ptr_array_add (stories, make_story (project_id, i + 1, title, position));
    }
  return stories;
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static TsLocalProject *
load (TsLocalCopy *copy,
      gint64       project_id)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  TsLocalProject *local;

  ts_local_copy_load_async (copy, project_id, NULL, load_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  local = ts_local_copy_load_finish (copy, result, &error);
  g_assert_no_error (error);
  g_object_unref (result);
  return local;
}

/* A copy of project 7 with @n stories at version 40, committed. */
static TsLocalCopy *
copy_with_project (gint64 user_id,
                   guint  n)
{
  TsLocalCopy *copy = ts_local_copy_new (dir, URL, user_id);
  g_autoptr(TsProject) project = make_project (7);
  g_autoptr(GPtrArray) stories = make_stories (7, n);

  ts_local_copy_replace_project (copy, project, (TsStory * const *) stories->pdata, stories->len, 40);
  ts_local_copy_sync (copy);
  return copy;
}

static guint
mode_of (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_mode & 0777;
}

static void
test_round_trip (void)
{
  g_autoptr(TsLocalCopy) copy = copy_with_project (1, 3);
  g_autoptr(TsLocalProject) before = load (copy, 7);
  g_autoptr(TsLocalProject) after = NULL;
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) deleted = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 gone = 2;

  g_assert_nonnull (before);
  g_assert_cmpint (before->version, ==, 40);
  g_assert_cmpuint (before->stories->len, ==, 3);
  g_assert_null (before->members);
  g_assert_cmpstr (ts_project_get_name (before->project), ==, "Copied");
  g_assert_cmpint (ts_project_get_version (before->project), ==, 40);

  /* One story renamed and moved first, one gone, one new. */
  g_ptr_array_add (changed, make_story (7, 3, "Renamed", "0"));
  g_ptr_array_add (changed, make_story (7, 9, "New", "b"));
  g_array_append_val (deleted, gone);
  ts_local_copy_apply (copy, 7, NULL, changed, deleted, 43);
  after = load (copy, 7);
  g_assert_cmpint (after->version, ==, 43);
  g_assert_cmpuint (after->stories->len, ==, 3);
  g_assert_cmpstr (ts_story_get_title (g_ptr_array_index (after->stories, 0)), ==, "Renamed");
  g_assert_cmpint (ts_story_get_id (g_ptr_array_index (after->stories, 1)), ==, 1);
  g_assert_cmpstr (ts_story_get_title (g_ptr_array_index (after->stories, 2)), ==, "New");
  g_assert_null (load (copy, 8));

  ts_local_copy_drop_project (copy, 7);
  g_assert_null (load (copy, 7));
}

static void
test_members (void)
{
  g_autoptr(TsLocalCopy) copy = copy_with_project (1, 1);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TsLocalProject) local = NULL;

  g_ptr_array_add (users, ts_user_new (5, "Bob", "bob@example.org"));
  ts_local_copy_put_members (copy, 7, users);
  local = load (copy, 7);
  g_assert_nonnull (local->members);
  g_assert_cmpuint (local->members->len, ==, 1);
  g_assert_cmpstr (ts_user_get_name (g_ptr_array_index (local->members, 0)), ==, "Bob");
}

/* A version applied is on the disk within a second, with nobody asking:
 * another connection sees it. */
static void
test_committed_within_a_second (void)
{
  g_autoptr(TsLocalCopy) copy = copy_with_project (1, 1);
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 started;
  gint64 seen = 0;
  sqlite3 *db;

  g_ptr_array_add (changed, make_story (7, 1, "Later", "a"));
  ts_local_copy_apply (copy, 7, NULL, changed, NULL, 41);
  started = g_get_monotonic_time ();
  g_assert_cmpint (sqlite3_open_v2 (ts_local_copy_get_path (copy), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  while (seen != 41 && g_get_monotonic_time () - started < 2 * G_USEC_PER_SEC)
    {
      sqlite3_stmt *statement = NULL;

      g_usleep (20000);
      if (sqlite3_prepare_v2 (db, "SELECT version FROM projects WHERE id = 7", -1, &statement,
                              NULL) == SQLITE_OK && sqlite3_step (statement) == SQLITE_ROW)
        seen = sqlite3_column_int64 (statement, 0);
      sqlite3_finalize (statement);
    }
  sqlite3_close (db);
  g_assert_cmpint (seen, ==, 41);
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);
}

static void
test_modes (void)
{
  g_autofree char *private_dir = g_build_filename (dir, "modes", NULL);
  g_autoptr(TsLocalCopy) copy = NULL;
  g_autoptr(TsOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  g_autofree char *outbox_path = ts_outbox_dup_path (private_dir, URL, 1);
  g_autoptr(TsProject) project = make_project (7);
  mode_t old = umask (0);

  /* Whatever the umask, nothing is readable by anyone else. */
  copy = ts_local_copy_new (private_dir, URL, 1);
  ts_local_copy_replace_project (copy, project, NULL, 0, 1);
  ts_local_copy_sync (copy);
  outbox = ts_outbox_new (outbox_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ts_outbox_add (outbox, 7, "{}", &error), >, 0);
  umask (old);

  g_assert_cmpuint (mode_of (private_dir), ==, 0700);
  wal = g_strconcat (ts_local_copy_get_path (copy), "-wal", NULL);
  shm = g_strconcat (ts_local_copy_get_path (copy), "-shm", NULL);
  g_assert_cmpuint (mode_of (ts_local_copy_get_path (copy)), ==, 0600);
  g_assert_cmpuint (mode_of (wal), ==, 0600);
  g_assert_cmpuint (mode_of (shm), ==, 0600);
  g_clear_pointer (&wal, g_free);
  g_clear_pointer (&shm, g_free);
  wal = g_strconcat (outbox_path, "-wal", NULL);
  shm = g_strconcat (outbox_path, "-shm", NULL);
  g_assert_cmpuint (mode_of (outbox_path), ==, 0600);
  g_assert_cmpuint (mode_of (wal), ==, 0600);
  g_assert_cmpuint (mode_of (shm), ==, 0600);

  /* Signing out deletes the account's files. */
  ts_local_copy_delete (copy);
  ts_outbox_delete (outbox);
  g_assert_false (g_file_test (ts_local_copy_get_path (copy), G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (outbox_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (private_dir), ==, 0);
}

/* Opens the copy of user 1 after @damage, and checks it was discarded
 * with a debug message saying @why, and works again. */
static void
assert_discarded (void        (*damage) (const char *path),
                  const char   *why)
{
  g_autoptr(TsLocalCopy) first = copy_with_project (1, 200);
  g_autofree char *path = g_strdup (ts_local_copy_get_path (first));
  g_autoptr(TsLocalCopy) again = NULL;
  g_autoptr(TsLocalProject) local = NULL;
  g_autoptr(TsProject) project = make_project (7);

  g_clear_object (&first);
  damage (path);
  g_string_truncate (debug_log, 0);
  again = ts_local_copy_new (dir, URL, 1);
  g_assert_null (load (again, 7));
  g_assert_nonnull (strstr (debug_log->str, why));
  g_assert_nonnull (strstr (debug_log->str, "discarded"));

  ts_local_copy_replace_project (again, project, NULL, 0, 3);
  local = load (again, 7);
  g_assert_nonnull (local);
  g_assert_cmpint (local->version, ==, 3);
  ts_local_copy_delete (again);
}

static void
write_garbage (const char *path)
{
  g_autoptr(GError) error = NULL;
  char garbage[8192];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 7919 % 251);
  ts_local_copy_delete_file (path);
  g_file_set_contents (path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);
}

static void
truncate_half (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  /* The last commit is folded into the file first (the WAL goes with the
   * last connection), then the file loses its second half. */
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 8192);
  g_file_set_contents (path, contents, length / 2, &error);
  g_assert_no_error (error);
}

static void
other_schema (const char *path)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Pages past the header overwritten: the file opens, and the damage shows
 * when the project is read; it is dropped, never shown in part. */
static void
damage_inside (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 8 * 4096);
  /* The second half: the stories, past the tables the opening reads. */
  for (gsize i = length / 2; i < length; i++)
    contents[i] = (char) (i * 31 % 253);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static void
test_damaged_inside (void)
{
  assert_discarded (damage_inside, "not readable");
}

static void
test_garbage (void)
{
  assert_discarded (write_garbage, "not a database");
}

static void
test_truncated (void)
{
  assert_discarded (truncate_half, "");
}

static void
test_other_schema (void)
{
  assert_discarded (other_schema, "of another schema version");
}

/* Another account's copy is never shown: not under its own name, and not
 * when its file is put in this account's place. */
static void
test_other_account (void)
{
  g_autoptr(TsLocalCopy) alice = copy_with_project (1, 5);
  g_autoptr(TsLocalCopy) bob = ts_local_copy_new (dir, URL, 2);
  g_autoptr(TsLocalCopy) elsewhere = ts_local_copy_new (dir, "http://other.example:8080", 1);
  g_autofree char *alice_path = g_strdup (ts_local_copy_get_path (alice));
  g_autofree char *bob_path = g_strdup (ts_local_copy_get_path (bob));
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (alice_path, !=, bob_path);
  g_assert_null (load (bob, 7));
  g_assert_null (load (elsewhere, 7));

  g_clear_object (&alice);
  g_clear_object (&bob);
  g_file_get_contents (alice_path, &contents, &length, &error);
  g_assert_no_error (error);
  ts_local_copy_delete_file (bob_path);
  g_file_set_contents (bob_path, contents, length, &error);
  g_assert_no_error (error);
  g_string_truncate (debug_log, 0);
  bob = ts_local_copy_new (dir, URL, 2);
  g_assert_null (load (bob, 7));
  g_assert_nonnull (strstr (debug_log->str, "of another account"));
  ts_local_copy_delete (bob);
  alice = ts_local_copy_new (dir, URL, 1);
  ts_local_copy_delete (alice);
}

/* A server reinstalled at the same address has a new Pusher key: what was
 * copied from the old one goes. */
static void
test_realtime_key (void)
{
  g_autoptr(TsLocalCopy) copy = ts_local_copy_new (dir, URL, 1);
  g_autoptr(TsProject) project = make_project (7);
  g_autoptr(TsLocalProject) kept = NULL;

  ts_local_copy_set_realtime_key (copy, "first-key");
  ts_local_copy_replace_project (copy, project, NULL, 0, 3);
  ts_local_copy_set_realtime_key (copy, "first-key");
  kept = load (copy, 7);
  g_assert_nonnull (kept);
  ts_local_copy_set_realtime_key (copy, "second-key");
  g_assert_null (load (copy, 7));
  ts_local_copy_delete (copy);
}

/* The outbox */

static void
test_outbox_order_and_durability (void)
{
  g_autofree char *path = ts_outbox_dup_path (dir, URL, 1);
  g_autoptr(TsOutbox) outbox = ts_outbox_new (path, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first, second, third;

  g_assert_nonnull (outbox);
  g_assert_cmpstr (g_strrstr (path, "/outbox-"), !=, NULL);
  first = ts_outbox_add (outbox, 7, "{\"n\":1}", &error);
  second = ts_outbox_add (outbox, 8, "{\"n\":2}", &error);
  third = ts_outbox_add (outbox, 7, "{\"n\":3}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, <, third);
  ts_outbox_remove (outbox, first);
  g_assert_true (ts_outbox_replace (outbox, third, "{\"n\":4}", &error));
  g_clear_object (&outbox);

  outbox = ts_outbox_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ts_outbox_count (outbox, 0), ==, 2);
  g_assert_cmpuint (ts_outbox_count (outbox, 7), ==, 1);
  entries = ts_outbox_list (outbox, 7);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((TsOutboxEntry *) g_ptr_array_index (entries, 0))->json, ==, "{\"n\":4}");
  g_assert_cmpuint (ts_outbox_drop_project (outbox, 8), ==, 1);
  g_assert_cmpuint (ts_outbox_count (outbox, 0), ==, 1);
  g_assert_cmpint (second, >, 0);
  ts_outbox_delete (outbox);
}

/* Unsent edits are never thrown away for being unreadable to this
 * version: an outbox of a newer schema is an error, and stays. */
static void
test_outbox_newer_schema (void)
{
  g_autofree char *path = ts_outbox_dup_path (dir, URL, 3);
  g_autoptr(TsOutbox) outbox = ts_outbox_new (path, NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  g_clear_object (&outbox);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA user_version = 9", NULL, NULL, NULL);
  sqlite3_close (db);
  outbox = ts_outbox_new (path, &error);
  g_assert_null (outbox);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  ts_local_copy_delete_file (path);
}

/* Every kind of edit comes back from its JSON as it was written; rows that
 * are not edits are refused with a reason. */
static void
test_edit_json (void)
{
  g_autoptr(TsLocalEdit) create = ts_local_edit_new (TS_EDIT_CREATE, -3);
  g_autoptr(TsLocalEdit) update = ts_local_edit_new (TS_EDIT_UPDATE, 12);
  g_autoptr(TsLocalEdit) move = ts_local_edit_new (TS_EDIT_MOVE, 13);
  g_autoptr(TsLocalEdit) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *bad[] = { "", "[]", "{\"kind\":\"shred\"}", "{\"kind\":\"update\",\"story_id\":4}",
                        "{\"kind\":\"move\",\"story_id\":4}", "{\"kind\":\"delete\"}",
                        "{\"kind\":\"update\",\"story_id\":4,\"values\":{\"colour\":1}}",
                        "{\"kind\":\"create\",\"values\":{\"title\":\"x\"}}",
                        "{\"kind\":\"update\",\"story_id\":4,\"values\":{\"estimate\":4}}" };
  gboolean undoable = TRUE;

  /* A story made here: no id, no timestamps. */
  create->values = ts_story_new ();
  ts_story_set_id (create->values, -3);
  ts_story_set_title (create->values, "Offline story");
  create->fields = TS_STORY_FIELD_TITLE | TS_STORY_FIELD_STATE;
  create->idempotency_key = g_strdup ("key-1");
  create->position = g_strdup ("a");
  create->move.after_id = 4;
  json = ts_local_edit_to_json (create, FALSE);
  back = ts_local_edit_from_json (json, TS_POINT_SCALE_FIBONACCI, &undoable, &error);
  g_assert_no_error (error);
  g_assert_false (undoable);
  g_assert_cmpint (back->kind, ==, TS_EDIT_CREATE);
  g_assert_cmpstr (ts_story_get_title (back->values), ==, "Offline story");
  g_assert_cmpuint (back->fields, ==, TS_STORY_FIELD_TITLE | TS_STORY_FIELD_STATE);
  g_assert_cmpstr (back->idempotency_key, ==, "key-1");
  g_assert_cmpstr (back->position, ==, "a");
  g_assert_cmpint (back->move.after_id, ==, 4);
  g_clear_pointer (&back, ts_local_edit_unref);
  g_clear_pointer (&json, g_free);

  update->values = make_story (7, 12, "Renamed", "b");
  update->fields = TS_STORY_FIELD_TITLE;
  update->base_version = 31;
  json = ts_local_edit_to_json (update, FALSE);
  back = ts_local_edit_from_json (json, TS_POINT_SCALE_FIBONACCI, &undoable, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->story_id, ==, 12);
  g_assert_cmpint (back->base_version, ==, 31);
  g_assert_cmpuint (back->fields, ==, TS_STORY_FIELD_TITLE);
  g_clear_pointer (&back, ts_local_edit_unref);
  g_clear_pointer (&json, g_free);

  move->move.before_id = 2;
  move->move.has_state = TRUE;
  move->move.state = TS_STORY_STATE_UNSTARTED;
  move->position = g_strdup ("0V");
  json = ts_local_edit_to_json (move, TRUE);
  back = ts_local_edit_from_json (json, TS_POINT_SCALE_FIBONACCI, &undoable, &error);
  g_assert_no_error (error);
  g_assert_true (undoable);
  g_assert_cmpint (back->move.before_id, ==, 2);
  g_assert_true (back->move.has_state);
  g_assert_cmpint (back->move.state, ==, TS_STORY_STATE_UNSTARTED);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) refused = NULL;

      g_assert_null (ts_local_edit_from_json (bad[i], TS_POINT_SCALE_FIBONACCI, &undoable, &refused));
      g_assert_nonnull (refused);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  debug_log = g_string_new (NULL);
  g_log_set_writer_func (writer, NULL, NULL);
  dir = g_dir_make_tmp ("test-local-copy-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/local-copy/round-trip", test_round_trip);
  g_test_add_func ("/local-copy/members", test_members);
  g_test_add_func ("/local-copy/committed-within-a-second", test_committed_within_a_second);
  g_test_add_func ("/local-copy/modes", test_modes);
  g_test_add_func ("/local-copy/garbage", test_garbage);
  g_test_add_func ("/local-copy/truncated", test_truncated);
  g_test_add_func ("/local-copy/damaged-inside", test_damaged_inside);
  g_test_add_func ("/local-copy/other-schema", test_other_schema);
  g_test_add_func ("/local-copy/other-account", test_other_account);
  g_test_add_func ("/local-copy/realtime-key", test_realtime_key);
  g_test_add_func ("/outbox/order-and-durability", test_outbox_order_and_durability);
  g_test_add_func ("/outbox/newer-schema", test_outbox_newer_schema);
  g_test_add_func ("/outbox/edit-json", test_edit_json);

  status = g_test_run ();

  {
    g_autoptr(GFile) tmp = g_file_new_for_path (dir);
    g_autoptr(GFileEnumerator) children = g_file_enumerate_children (tmp, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                    G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, g_file_info_get_name (info), NULL);

        g_remove (path);
        g_object_unref (info);
      }
    g_rmdir (dir);
  }
  g_string_free (debug_log, TRUE);
  g_free (dir);
  return status;
}
