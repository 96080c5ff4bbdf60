/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A story's tasks in the core: the model (copies, equality, notification
 * only on change), the story resource's `tasks` through both readers (the
 * tree and the long list's), a resource without `tasks` (an older server),
 * and the bodies of a task's add, edit and move with each invalid input
 * and its error. */

#include <string.h>

#include "ts-core.h"

static GPtrArray *
make_tasks (void)
{
  GPtrArray *tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_task_free);

  g_ptr_array_add (tasks, ts_task_new (11, "Check the valves", TRUE, "V"));
  g_ptr_array_add (tasks, ts_task_new (12, "Weigh the “tanks”\u2028", FALSE, "Vh"));
  g_ptr_array_add (tasks, ts_task_new (10, "Sign the log", FALSE, "W"));
  return tasks;
}

static TsStory *
make_story (void)
{
  g_autoptr(GDateTime) at = g_date_time_new_utc (2026, 1, 7, 10, 30, 0);
  g_autoptr(GPtrArray) tasks = make_tasks ();
  TsStory *story = ts_story_new ();

  ts_story_set_id (story, 8);
  ts_story_set_project_id (story, 3);
  ts_story_set_title (story, "Fuel");
  ts_story_set_position (story, "b");
  ts_story_set_created_at (story, at);
  ts_story_set_updated_at (story, at);
  ts_story_set_version (story, 4);
  ts_story_set_tasks (story, tasks);
  return story;
}

static char *
take_string (JsonNode *node)
{
  char *text = ts_json_to_string (node);

  json_node_unref (node);
  return text;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_model (void)
{
  g_autoptr(TsStory) story = make_story ();
  g_autoptr(TsStory) copy = ts_story_copy (story);
  g_autoptr(GPtrArray) same = make_tasks ();
  g_autoptr(GPtrArray) ticked = make_tasks ();
  guint notified = 0;

  g_assert_true (ts_story_equal (story, copy));
  g_assert_cmpuint (ts_story_get_tasks (copy)->len, ==, 3);
  /* A copy, not a share. */
  g_assert_true (ts_story_get_tasks (copy) != ts_story_get_tasks (story));
  g_assert_cmpuint (ts_story_count_done_tasks (story), ==, 1);

  g_signal_connect (story, "notify::tasks", G_CALLBACK (count_notify_cb), &notified);
  ts_story_set_tasks (story, same);
  g_assert_cmpuint (notified, ==, 0);
  ((TsTask *) ticked->pdata[2])->done = TRUE;
  ts_story_set_tasks (story, ticked);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (ts_story_count_done_tasks (story), ==, 2);
  g_assert_false (ts_story_equal (story, copy));
  ts_story_set_tasks (story, NULL);
  g_assert_cmpuint (ts_story_get_tasks (story)->len, ==, 0);
  g_assert_cmpuint (notified, ==, 2);
}

static void
test_round_trip (void)
{
  g_autoptr(TsStory) story = make_story ();
  g_autofree char *text = take_string (ts_story_to_json (story));
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(TsStory) read = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *list_text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version = 0;

  /* Written in order, after the version, every member of each. */
  g_assert_nonnull (strstr (text, ",\"version\":4,\"tasks\":[{\"id\":11,\"text\":\"Check the valves\","
                                  "\"done\":true,\"position\":\"V\"},{\"id\":12,"));
  object = ts_json_parse_object (text, -1, &error);
  g_assert_no_error (error);
  read = ts_story_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_true (ts_story_equal (story, read));

  /* The long list's reader, from the text. */
  list_text = g_strdup_printf ("{\"version\":4,\"stories\":[%s,%s]}", text, text);
  list = ts_stories_from_json_data (list_text, -1, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (ts_story_equal (story, list->pdata[1]));
}

/* Out of order in the text, the reader puts the tasks in the order of their
 * positions; members it does not know are ignored; a story without
 * `tasks` (a server older than tasks) has none. */
static void
test_reader (void)
{
  g_autoptr(TsStory) plain = ts_story_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(TsStory) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) list = json_from_string (
    "{\"tasks\": [{\"id\": 5, \"text\": \"x\", \"done\": false, \"position\": \"a\"}]}", NULL);
  GPtrArray *read_tasks;

  ts_story_set_id (plain, 1);
  ts_story_set_project_id (plain, 1);
  ts_story_set_title (plain, "Old");
  ts_story_set_created_at (plain, now);
  ts_story_set_updated_at (plain, ts_story_get_created_at (plain));
  node = ts_story_to_json (plain);
  object = json_object_ref (json_node_get_object (node));
  json_object_remove_member (object, "tasks");
  read = ts_story_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ts_story_get_tasks (read)->len, ==, 0);
  g_clear_object (&read);

  json_object_set_member (object, "tasks", json_from_string (
    "[{\"id\": 2, \"text\": \"b\", \"done\": false, \"position\": \"X\", \"due\": \"soon\"},"
    " {\"id\": 1, \"text\": \"a\", \"done\": true, \"position\": \"A\"}]", NULL));
  read = ts_story_from_json (object, &error);
  g_assert_no_error (error);
  read_tasks = ts_story_get_tasks (read);
  g_assert_cmpuint (read_tasks->len, ==, 2);
  g_assert_cmpstr (((TsTask *) read_tasks->pdata[0])->text, ==, "a");
  g_assert_true (((TsTask *) read_tasks->pdata[0])->done);

  /* The list answer of GET …/tasks. */
  tasks = ts_tasks_from_json (json_node_get_object (list), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpint (((TsTask *) tasks->pdata[0])->id, ==, 5);
}

static void
test_reader_errors (void)
{
  static const struct {
    const char *tasks;
    const char *message;
  } cases[] = {
    { "{}", "“tasks” must be an array of objects" },
    { "[1]", "“tasks” must be an array of objects" },
    { "[{\"id\": 1, \"done\": false, \"position\": \"a\"}]", "“tasks”[0]: “text” is required" },
    { "[{\"id\": 1, \"text\": \"a\", \"done\": false, \"position\": \"a\"},"
      " {\"id\": 2, \"text\": \"b\", \"done\": 1, \"position\": \"b\"}]",
      "“tasks”[1]: “done” must be true or false" },
    { "[{\"id\": 0, \"text\": \"a\", \"done\": false, \"position\": \"a\"}]", "“tasks”[0]: “id”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TsStory) story = make_story ();
      g_autoptr(JsonNode) node = ts_story_to_json (story);
      JsonObject *object = json_node_get_object (node);
      g_autoptr(TsStory) read = NULL;
      g_autoptr(GError) error = NULL;

      json_object_set_member (object, "tasks", json_from_string (cases[i].tasks, NULL));
      read = ts_story_from_json (object, &error);
      g_test_message ("%s → %s", cases[i].tasks, error != NULL ? error->message : "(read)");
      g_assert_null (read);
      g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message));
    }
}

static gboolean
read_request (const char         *body,
              TsTaskRequestKind   kind,
              TsTaskRequest      *out,
              GError            **error)
{
  g_autoptr(JsonObject) object = ts_json_parse_object (body, -1, error);

  return object != NULL && ts_task_request_from_json (object, kind, out, error);
}

static void
test_requests (void)
{
  static const struct {
    TsTaskRequestKind kind;
    const char *body;
    const char *round_trip;   /* NULL: refused */
    const char *message;
  } cases[] = {
    { TS_TASK_REQUEST_ADD, "{\"text\": \"Fuel\"}", "{\"text\":\"Fuel\"}", NULL },
    { TS_TASK_REQUEST_ADD, "{\"text\": \"Fuel\", \"done\": true, \"after_id\": 4, \"id\": \"x\"}",
      "{\"text\":\"Fuel\",\"done\":true,\"after_id\":4}", NULL },
    { TS_TASK_REQUEST_ADD, "{}", NULL, "“text” is required" },
    { TS_TASK_REQUEST_ADD, "{\"text\": \"  \"}", NULL, "“text” must not be empty" },
    { TS_TASK_REQUEST_ADD, "{\"text\": \"a\\tb\"}", NULL, "“text” holds the control character U+0009" },
    { TS_TASK_REQUEST_ADD, "{\"text\": \"a\", \"base_version\": 3}", NULL, "unknown member “base_version”" },
    { TS_TASK_REQUEST_ADD, "{\"text\": \"a\", \"before_id\": 1, \"after_id\": 2}", NULL,
      "a task names at most one of" },
    { TS_TASK_REQUEST_ADD, "{\"text\": \"a\", \"before_id\": -1}", NULL, "“before_id”" },
    { TS_TASK_REQUEST_EDIT, "{\"done\": false, \"base_version\": 7}",
      "{\"done\":false,\"base_version\":7}", NULL },
    { TS_TASK_REQUEST_EDIT, "{\"text\": \"New\"}", "{\"text\":\"New\"}", NULL },
    { TS_TASK_REQUEST_EDIT, "{\"base_version\": 7}", NULL, "nothing to change" },
    { TS_TASK_REQUEST_EDIT, "{\"done\": \"yes\"}", NULL, "“done” must be true or false" },
    { TS_TASK_REQUEST_EDIT, "{\"done\": true, \"after_id\": 3}", NULL, "unknown member “after_id”" },
    { TS_TASK_REQUEST_MOVE, "{\"before_id\": 3}", "{\"before_id\":3}", NULL },
    { TS_TASK_REQUEST_MOVE, "{}", NULL, "a move names exactly one of" },
    { TS_TASK_REQUEST_MOVE, "{\"after_id\": 3, \"text\": \"x\"}", NULL, "unknown member “text”" },
  };
  g_autoptr(GString) too_long = g_string_new ("{\"text\": \"");
  TsTaskRequest request = { 0 };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TsTaskRequest read = { 0 };
      g_autoptr(GError) read_error = NULL;
      gboolean ok = read_request (cases[i].body, cases[i].kind, &read, &read_error);

      g_test_message ("%s", cases[i].body);
      if (cases[i].round_trip != NULL)
        {
          g_autofree char *text = NULL;

          g_assert_no_error (read_error);
          g_assert_true (ok);
          text = take_string (ts_task_request_to_json (&read));
          g_assert_cmpstr (text, ==, cases[i].round_trip);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (read_error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
          g_assert_nonnull (strstr (read_error->message, cases[i].message));
        }
      ts_task_request_clear (&read);
    }

  for (guint i = 0; i < TS_TASK_TEXT_MAX_CHARS; i++)
    g_string_append (too_long, "é");
  g_string_append (too_long, "\"}");
  g_assert_true (read_request (too_long->str, TS_TASK_REQUEST_ADD, &request, &error));
  ts_task_request_clear (&request);
  g_string_insert (too_long, 10, "x");
  g_assert_false (read_request (too_long->str, TS_TASK_REQUEST_ADD, &request, &error));
  g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/tasks/model", test_model);
  g_test_add_func ("/core/tasks/round-trip", test_round_trip);
  g_test_add_func ("/core/tasks/reader", test_reader);
  g_test_add_func ("/core/tasks/reader-errors", test_reader_errors);
  g_test_add_func ("/core/tasks/requests", test_requests);

  return g_test_run ();
}
