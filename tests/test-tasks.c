/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A story's tasks over REST (doc/api.md, Tasks) against a real
 * truestory-server: the checklist's add, edit, tick, move and delete, each
 * a change of the story; the merge of two people ticking at once; and every
 * refusal, with a check that nothing changed. Runs on both stores. */

#include <string.h>

#include "server-harness.h"

typedef struct {
  TestServer *server;
  char *ada;     /* a member of the project */
  char *bob;     /* another member */
  char *eve;     /* not a member */
  gint64 project_id;
  gint64 story_id;
  char *project; /* "/api/v1/projects/<id>" */
  char *story;   /* "<project>/stories/<sid>" */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = test_server_start (NULL);
  f->ada = test_server_add_and_sign_in (f->server, "ada@example.org", "Ada Lovelace", "analytical");
  f->bob = test_server_add_and_sign_in (f->server, "bob@example.org", "Bob Noyce", "integrated");
  f->eve = test_server_add_and_sign_in (f->server, "eve@example.org", "Eve Lurker", "listening");
  f->project_id = test_server_create_project (f->server, f->ada, "{\"name\": \"Apollo\"}");
  test_server_add_member (f->server, f->ada, f->project_id, "bob@example.org");
  f->project = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, f->project_id);
  f->story_id = test_server_create_story (f->server, f->ada, f->project_id,
                                          "{\"title\": \"Launch checklist\"}");
  f->story = g_strdup_printf ("%s/stories/%" G_GINT64_FORMAT, f->project, f->story_id);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_server_stop (f->server);
  g_free (f->ada);
  g_free (f->bob);
  g_free (f->eve);
  g_free (f->project);
  g_free (f->story);
}

static gint64
project_version (Fixture *f)
{
  return test_server_version (f->server, f->ada, f->project);
}

static JsonArray *
story_tasks (JsonObject *story)
{
  g_assert_true (json_object_has_member (story, "tasks"));
  return json_object_get_array_member (story, "tasks");
}

static JsonObject *
task_at (JsonObject *story,
         guint       index)
{
  return json_array_get_object_element (story_tasks (story), index);
}

/* The story's tasks as "text:done" joined with commas, in order. */
static char *
describe_tasks (JsonArray *tasks)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);

      g_string_append_printf (text, "%s%s:%s", i > 0 ? "," : "",
                              json_object_get_string_member (task, "text"),
                              json_object_get_boolean_member (task, "done") ? "done" : "open");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_story_tasks (Fixture *f)
{
  JsonObject *story = test_get_object (f->server, f->story, f->ada);
  char *text = describe_tasks (story_tasks (story));

  json_object_unref (story);
  return text;
}

/* Adds a task and checks the answer: 201, the story a version on. */
static gint64
add_task (Fixture    *f,
          const char *body)
{
  g_autofree char *target = g_strconcat (f->story, "/tasks", NULL);
  gint64 before = project_version (f);
  g_autoptr(TestResponse) response = test_request (f->server, "POST", target, f->ada, body);
  JsonObject *story;
  JsonArray *tasks;
  gint64 newest = 0;

  assert_status (response, 201);
  story = test_response_object (response);
  g_assert_cmpint (json_object_get_int_member (story, "version"), ==, before + 1);
  g_assert_cmpint (project_version (f), ==, before + 1);
  tasks = story_tasks (story);
  for (guint i = 0; i < json_array_get_length (tasks); i++)
    newest = MAX (newest, json_object_get_int_member (json_array_get_object_element (tasks, i),
                                                      "id"));
  return newest;
}

static TestResponse *
task_request (Fixture    *f,
              const char *token,
              const char *method,
              gint64      task_id,
              const char *suffix,
              const char *body)
{
  g_autofree char *target = g_strdup_printf ("%s/tasks/%" G_GINT64_FORMAT "%s", f->story, task_id,
                                             suffix);

  return test_request (f->server, method, target, token, body);
}

static void
assert_refused (Fixture    *f,
                const char *method,
                const char *target,
                const char *token,
                const char *body,
                guint       status,
                const char *code)
{
  gint64 before = project_version (f);
  g_autofree char *tasks_before = describe_story_tasks (f);
  g_autoptr(TestResponse) response = test_request (f->server, method, target, token, body);
  g_autofree char *tasks_after = NULL;

  g_test_message ("%s %s %s", method, target, body != NULL ? body : "");
  assert_status (response, status);
  g_assert_cmpstr (test_response_error_code (response), ==, code);
  g_assert_cmpint (project_version (f), ==, before);
  tasks_after = describe_story_tasks (f);
  g_assert_cmpstr (tasks_after, ==, tasks_before);
}

static void
test_checklist (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *list = g_strconcat (f->story, "/tasks", NULL);
  g_autofree char *stories = g_strconcat (f->project, "/stories", NULL);
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  JsonObject *story = test_get_object (f->server, f->story, f->ada);
  gint64 fuel, crew, count, checks;
  g_autoptr(TestResponse) response = NULL;
  JsonObject *object;

  /* A story always carries its tasks, [] when none. */
  g_assert_cmpuint (json_array_get_length (story_tasks (story)), ==, 0);
  json_object_unref (story);

  /* Enter-style: each goes to the end. */
  fuel = add_task (f, "{\"text\": \"Fuel the rocket\"}");
  crew = add_task (f, "{\"text\": \"Board the crew\"}");
  count = add_task (f, "{\"text\": \"Count down\", \"done\": false}");
  body = g_strdup_printf ("{\"text\": \"Checks\", \"before_id\": %" G_GINT64_FORMAT "}", crew);
  checks = add_task (f, body);
  g_clear_pointer (&body, g_free);
  text = describe_story_tasks (f);
  g_assert_cmpstr (text, ==, "Fuel the rocket:open,Checks:open,Board the crew:open,Count down:open");
  g_clear_pointer (&text, g_free);

  /* Tick, reopen, edit the text. */
  response = task_request (f, f->bob, "PATCH", fuel, "", "{\"done\": true}");
  assert_status (response, 200);
  object = test_response_object (response);
  g_assert_true (json_object_get_boolean_member (task_at (object, 0), "done"));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, project_version (f));
  g_clear_pointer (&response, test_response_free);
  response = task_request (f, f->ada, "PATCH", count, "", "{\"done\": true}");
  assert_status (response, 200);
  g_clear_pointer (&response, test_response_free);
  response = task_request (f, f->ada, "PATCH", count, "", "{\"done\": false, \"text\": \"Count down from ten\"}");
  assert_status (response, 200);
  g_clear_pointer (&response, test_response_free);

  /* Move: the checks after the crew, the countdown first. */
  body = g_strdup_printf ("{\"after_id\": %" G_GINT64_FORMAT "}", crew);
  response = task_request (f, f->ada, "POST", checks, "/move", body);
  g_clear_pointer (&body, g_free);
  assert_status (response, 200);
  g_clear_pointer (&response, test_response_free);
  body = g_strdup_printf ("{\"before_id\": %" G_GINT64_FORMAT "}", fuel);
  response = task_request (f, f->ada, "POST", count, "/move", body);
  g_clear_pointer (&body, g_free);
  assert_status (response, 200);
  g_clear_pointer (&response, test_response_free);
  text = describe_story_tasks (f);
  g_assert_cmpstr (text, ==, "Count down from ten:open,Fuel the rocket:done,Board the crew:open,Checks:open");
  g_clear_pointer (&text, g_free);

  /* Delete one; the list endpoint and the project's list agree. */
  response = task_request (f, f->ada, "DELETE", crew, "", NULL);
  assert_status (response, 200);
  g_assert_cmpuint (json_array_get_length (story_tasks (test_response_object (response))), ==, 3);
  g_clear_pointer (&response, test_response_free);
  object = test_get_object (f->server, list, f->ada);
  text = describe_tasks (json_object_get_array_member (object, "tasks"));
  g_assert_cmpstr (text, ==, "Count down from ten:open,Fuel the rocket:done,Checks:open");
  json_object_unref (object);
  object = test_get_object (f->server, stories, f->ada);
  g_clear_pointer (&text, g_free);
  text = describe_tasks (story_tasks (json_array_get_object_element (
    json_object_get_array_member (object, "stories"), 0)));
  g_assert_cmpstr (text, ==, "Count down from ten:open,Fuel the rocket:done,Checks:open");
  json_object_unref (object);

  /* An edit of the story keeps its tasks, and a `tasks` sent back is
   * ignored as the server's own. */
  response = test_request (f->server, "PATCH", f->story, f->ada,
                           "{\"title\": \"Launch\", \"tasks\": []}");
  assert_status (response, 200);
  g_clear_pointer (&text, g_free);
  text = describe_tasks (story_tasks (test_response_object (response)));
  g_assert_cmpstr (text, ==, "Count down from ten:open,Fuel the rocket:done,Checks:open");
}

/* Every task change is a stories-update of the whole story in the history. */
static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  gint64 since = project_version (f);
  gint64 task = add_task (f, "{\"text\": \"Fuel the rocket\"}");
  g_autoptr(TestResponse) tick = task_request (f, f->ada, "PATCH", task, "", "{\"done\": true}");
  g_autofree char *target = g_strdup_printf ("%s/changes?since=%" G_GINT64_FORMAT, f->project, since);
  JsonObject *answer;
  JsonArray *changes;

  assert_status (tick, 200);
  answer = test_get_object (f->server, target, f->ada);
  changes = json_object_get_array_member (answer, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *story = json_object_get_object_member (change, "story");

      g_assert_cmpstr (json_object_get_string_member (change, "name"), ==, "stories-update");
      g_assert_cmpint (json_object_get_int_member (change, "version"), ==, since + 1 + i);
      g_assert_cmpint (json_object_get_int_member (story, "id"), ==, f->story_id);
      g_assert_cmpuint (json_array_get_length (story_tasks (story)), ==, 1);
      g_assert_cmpint (json_object_get_boolean_member (task_at (story, 0), "done"), ==, i == 1);
    }
  json_object_unref (answer);
}

/* Two people tick two tasks of one story from the same version: both win.
 * An edit of the same task's field from a stale base is a 409. */
static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  gint64 fuel = add_task (f, "{\"text\": \"Fuel the rocket\"}");
  gint64 crew = add_task (f, "{\"text\": \"Board the crew\"}");
  gint64 base = project_version (f);
  g_autofree char *body = g_strdup_printf ("{\"done\": true, \"base_version\": %" G_GINT64_FORMAT "}",
                                           base);
  g_autoptr(TestResponse) by_ada = task_request (f, f->ada, "PATCH", fuel, "", body);
  g_autoptr(TestResponse) by_bob = task_request (f, f->bob, "PATCH", crew, "", body);
  g_autoptr(TestResponse) stale = NULL;
  g_autoptr(TestResponse) same_value = NULL;
  g_autoptr(TestResponse) last_wins = NULL;
  g_autofree char *text = NULL;
  g_autofree char *stale_body = NULL;
  JsonObject *error_body;
  JsonArray *conflicts;
  gint64 version;

  assert_status (by_ada, 200);
  assert_status (by_bob, 200);
  text = describe_story_tasks (f);
  g_assert_cmpstr (text, ==, "Fuel the rocket:done,Board the crew:done");

  /* Bob renames the fuel task; Ada, from before, renames it too. */
  stale = task_request (f, f->bob, "PATCH", fuel, "", "{\"text\": \"Fuel it\"}");
  assert_status (stale, 200);
  g_clear_pointer (&stale, test_response_free);
  version = project_version (f);
  stale_body = g_strdup_printf ("{\"text\": \"Fuel and check\", \"base_version\": %" G_GINT64_FORMAT "}",
                                base);
  stale = task_request (f, f->ada, "PATCH", fuel, "", stale_body);
  assert_status (stale, 409);
  g_assert_cmpstr (test_response_error_code (stale), ==, "conflict");
  error_body = test_response_object (stale);
  conflicts = json_object_get_array_member (error_body, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (conflicts, 0), ==, "text");
  g_assert_cmpint (json_object_get_int_member (error_body, "task_id"), ==, fuel);
  g_assert_cmpstr (json_object_get_string_member (task_at (json_object_get_object_member (error_body, "story"), 0),
                                                  "text"), ==, "Fuel it");
  g_assert_cmpint (project_version (f), ==, version);

  /* The same value sent from a stale base is no conflict; without a base
   * the last writer wins. */
  same_value = task_request (f, f->ada, "PATCH", crew, "", body);
  assert_status (same_value, 200);
  last_wins = task_request (f, f->ada, "PATCH", fuel, "", "{\"text\": \"Fuel and check\"}");
  assert_status (last_wins, 200);
  g_clear_pointer (&text, g_free);
  text = describe_story_tasks (f);
  g_assert_cmpstr (text, ==, "Fuel and check:done,Board the crew:done");
}

static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *list = g_strconcat (f->story, "/tasks", NULL);
  gint64 fuel = add_task (f, "{\"text\": \"Fuel the rocket\"}");
  gint64 other_story = test_server_create_story (f->server, f->ada, f->project_id,
                                                 "{\"title\": \"Other\"}");
  g_autofree char *other_list = g_strdup_printf ("%s/stories/%" G_GINT64_FORMAT "/tasks",
                                                 f->project, other_story);
  g_autofree char *fuel_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, list, fuel);
  g_autofree char *fuel_move = g_strconcat (fuel_path, "/move", NULL);
  g_autofree char *missing = g_strdup_printf ("%s/%" G_GINT64_FORMAT, list, fuel + 1000);
  g_autofree char *other_fuel = g_strdup_printf ("%s/%" G_GINT64_FORMAT, other_list, fuel);
  g_autoptr(GString) too_long = g_string_new ("{\"text\": \"");
  g_autofree char *self_move = g_strdup_printf ("{\"before_id\": %" G_GINT64_FORMAT "}", fuel);
  g_autofree char *foreign_place = g_strdup_printf ("{\"text\": \"x\", \"after_id\": %" G_GINT64_FORMAT "}",
                                                    fuel);
  g_autoptr(TestResponse) other = NULL;

  for (guint i = 0; i < 1001; i++)
    g_string_append_c (too_long, 'a');
  g_string_append (too_long, "\"}");

  assert_refused (f, "POST", list, f->ada, "{}", 422, "invalid");
  assert_refused (f, "POST", list, f->ada, "{\"text\": \"   \"}", 422, "invalid");
  assert_refused (f, "POST", list, f->ada, "{\"text\": \"two\\nlines\"}", 422, "invalid");
  assert_refused (f, "POST", list, f->ada, too_long->str, 422, "invalid");
  assert_refused (f, "POST", list, f->ada, "{\"text\": 7}", 422, "invalid");
  assert_refused (f, "POST", list, f->ada, "{\"text\": \"x\", \"dun\": true}", 422, "invalid");
  assert_refused (f, "POST", list, f->ada, "{\"text\": \"x\", \"done\": \"yes\"}", 422, "invalid");
  assert_refused (f, "POST", list, f->ada, "{\"text\": \"x\", \"before_id\": 1, \"after_id\": 2}",
                  422, "invalid");
  assert_refused (f, "POST", list, f->ada, "{\"text\": \"x\", \"before_id\": 999999}", 422, "invalid");
  assert_refused (f, "POST", other_list, f->ada, foreign_place, 422, "invalid");
  assert_refused (f, "POST", list, f->ada, "not json", 400, "malformed");
  assert_refused (f, "POST", list, f->eve, "{\"text\": \"x\"}", 404, "not_found");
  assert_refused (f, "GET", list, f->eve, NULL, 404, "not_found");
  assert_refused (f, "PATCH", fuel_path, f->ada, "{}", 422, "invalid");
  assert_refused (f, "PATCH", fuel_path, f->ada, "{\"before_id\": 1}", 422, "invalid");
  assert_refused (f, "PATCH", fuel_path, f->ada, "{\"text\": \"\"}", 422, "invalid");
  assert_refused (f, "PATCH", missing, f->ada, "{\"done\": true}", 404, "not_found");
  assert_refused (f, "DELETE", missing, f->ada, NULL, 404, "not_found");
  assert_refused (f, "PATCH", fuel_path, f->eve, "{\"done\": true}", 404, "not_found");
  assert_refused (f, "POST", fuel_move, f->ada, "{}", 422, "invalid");
  assert_refused (f, "POST", fuel_move, f->ada, self_move, 422, "invalid");
  assert_refused (f, "POST", fuel_move, f->ada, "{\"after_id\": 999999}", 422, "invalid");

  /* A task is reached only through its own story. */
  other = test_request (f->server, "DELETE", other_fuel, f->ada, NULL);
  assert_status (other, 404);

  /* At most 100 tasks. */
  for (guint i = 1; i < 100; i++)
    add_task (f, "{\"text\": \"another\"}");
  assert_refused (f, "POST", list, f->ada, "{\"text\": \"one too many\"}", 422, "invalid");
}

/* Deleting the story deletes its tasks; a create with a key is made once. */
static void
test_story_delete_and_idempotency (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *list = g_strconcat (f->story, "/tasks", NULL);
  const char * const headers[] = { "Idempotency-Key", "task-add-1", NULL };
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"text\": \"Once\"}", strlen ("{\"text\": \"Once\"}"));
  g_autoptr(TestResponse) first = test_request_full (f->server, "POST", list, f->ada,
                                                     "application/json", body, headers);
  g_autoptr(TestResponse) again = test_request_full (f->server, "POST", list, f->ada,
                                                     "application/json", body, headers);
  g_autoptr(TestResponse) deleted = NULL;
  g_autoptr(TestResponse) gone = NULL;
  gint64 version = project_version (f);
  g_autofree char *text = NULL;

  assert_status (first, 201);
  assert_status (again, 201);
  g_assert_cmpstr (again->text, ==, first->text);
  text = describe_story_tasks (f);
  g_assert_cmpstr (text, ==, "Once:open");
  g_assert_cmpint (project_version (f), ==, version);

  deleted = test_request (f->server, "DELETE", f->story, f->ada, NULL);
  assert_status (deleted, 200);
  gone = test_request (f->server, "GET", list, f->ada, NULL);
  assert_status (gone, 404);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/tasks/checklist", Fixture, NULL, fixture_set_up, test_checklist,
              fixture_tear_down);
  g_test_add ("/server/tasks/history", Fixture, NULL, fixture_set_up, test_history,
              fixture_tear_down);
  g_test_add ("/server/tasks/concurrent", Fixture, NULL, fixture_set_up, test_concurrent,
              fixture_tear_down);
  g_test_add ("/server/tasks/refusals", Fixture, NULL, fixture_set_up, test_refusals,
              fixture_tear_down);
  g_test_add ("/server/tasks/story-delete-and-idempotency", Fixture, NULL, fixture_set_up,
              test_story_delete_and_idempotency, fixture_tear_down);

  return g_test_run ();
}
