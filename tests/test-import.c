/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Tracker CSV import and export against a real server (doc/api.md,
 * *Tracker import and export*): the dry run changes nothing, an import is
 * one change and one stories-import event, the same file twice makes
 * nothing twice, a bad file is refused with its line and changes nothing,
 * an export imported into an empty project gives an equal backlog, and
 * `import-tracker` beside the running server shows at once over REST and
 * reaches a realtime subscriber. On SQLite, or on PostgreSQL with
 * TRUESTORY_TEST_STORE=postgresql. */

#include <string.h>

#include "server-harness.h"
#include "ws-client.h"

#define KEY "0123456789abcdef0123"

static const char * const app_args[] = {
  "--app-id", "4242", "--app-key", KEY, "--app-secret", "fedcba9876543210fedcba9876543210", NULL
};

typedef struct {
  TestServer *server;
  SoupSession *session;
  char *ada;
  char *grace;
  gint64 ada_id;
  gint64 grace_id;
  gint64 project_id;
} Fixture;

static char *
fixture_path (const char *name)
{
  return g_build_filename (TRACKER_DIR, name, NULL);
}

static GBytes *
fixture_bytes (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  gsize length;

  g_file_get_contents (path, &text, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (text, length);
}

static gint64
user_id_of (Fixture    *f,
            const char *token)
{
  g_autoptr(TestResponse) me = test_request (f->server, "GET", "/api/v1/me", token, NULL);

  assert_status (me, 200);
  return test_response_int (me, "id");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = test_server_start (app_args);
  f->session = soup_session_new ();
  f->ada = test_server_add_and_sign_in (f->server, "ada@example.org", "Ada Lovelace", "analytical");
  f->grace = test_server_add_and_sign_in (f->server, "grace@example.org", "Grace Hopper", "compiler");
  f->ada_id = user_id_of (f, f->ada);
  f->grace_id = user_id_of (f, f->grace);
  f->project_id = test_server_create_project (f->server, f->ada, "{\"name\": \"Imported\"}");
  test_server_add_member (f->server, f->ada, f->project_id, "grace@example.org");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  test_server_stop (f->server);
  g_free (f->ada);
  g_free (f->grace);
}

static TestResponse *
post_import (Fixture    *f,
             gint64      project_id,
             const char *token,
             GBytes     *body,
             const char *content_type,
             gboolean    dry_run)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/import%s",
                                           project_id, dry_run ? "?dry_run=true" : "");

  return test_request_full (f->server, "POST", path, token, content_type, body, NULL);
}

static TestResponse *
import_fixture (Fixture    *f,
                gint64      project_id,
                const char *name,
                gboolean    dry_run)
{
  g_autoptr(GBytes) body = fixture_bytes (name);

  return post_import (f, project_id, f->ada, body, "text/csv", dry_run);
}

/* The project and its stories as REST shows them: what a refused import
 * must leave as it was. */
static char *
snapshot (Fixture *f,
          gint64   project_id)
{
  g_autofree char *project = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, project_id);
  g_autofree char *stories = g_strdup_printf ("%s/stories", project);
  g_autofree char *comments = g_strdup_printf ("%s/comments", project);
  g_autoptr(TestResponse) a = test_request (f->server, "GET", project, f->ada, NULL);
  g_autoptr(TestResponse) b = test_request (f->server, "GET", stories, f->ada, NULL);
  g_autoptr(TestResponse) c = test_request (f->server, "GET", comments, f->ada, NULL);

  assert_status (a, 200);
  assert_status (b, 200);
  assert_status (c, 200);
  return g_strconcat (a->text, "\n", b->text, "\n", c->text, NULL);
}

/* Returns: (transfer full): the project's stories, in priority order */
static JsonArray *
stories_of (Fixture *f,
            gint64   project_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories",
                                           project_id);
  g_autoptr(JsonObject) object = test_get_object (f->server, path, f->ada);

  return json_array_ref (json_object_get_array_member (object, "stories"));
}

static guint
story_count (Fixture *f,
             gint64   project_id)
{
  g_autoptr(JsonArray) stories = stories_of (f, project_id);

  return json_array_get_length (stories);
}

static char *
export_text (Fixture *f,
             gint64   project_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/export",
                                           project_id);
  g_autoptr(TestResponse) response = test_request (f->server, "GET", path, f->ada, NULL);

  assert_status (response, 200);
  return g_strdup (response->text);
}

static void
test_dry_run_then_import (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *before = snapshot (f, f->project_id);
  g_autofree char *after = NULL;
  g_autofree char *changes_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT
                                                   "/changes?since=0", f->project_id);
  g_autoptr(TestResponse) dry = import_fixture (f, f->project_id, "current.csv", TRUE);
  g_autoptr(TestResponse) real = NULL;
  g_autoptr(JsonObject) changes_answer = NULL;
  g_autoptr(JsonObject) project = NULL;
  g_autoptr(JsonArray) stories = NULL;
  JsonObject *answer, *people, *schedule, *change, *story;
  JsonArray *changes, *tasks;

  assert_status (dry, 200);
  answer = test_response_object (dry);
  g_assert_true (json_object_get_boolean_member (answer, "dry_run"));
  g_assert_cmpint (json_object_get_int_member (answer, "version"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (answer, "total"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (answer, "stories"),
                                               "feature"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (answer, "epics"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (answer, "tasks"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (answer, "comments"), ==, 4);
  people = json_object_get_object_member (answer, "people");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (people, "matched")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (people, "unmatched"), 0),
                   ==, "Linus Unknown");
  schedule = json_object_get_object_member (answer, "schedule");
  g_assert_cmpstr (json_object_get_string_member (schedule, "start_date"), ==, "2015-11-02");
  g_assert_true (json_object_get_boolean_member (schedule, "applied"));
  after = snapshot (f, f->project_id);
  g_assert_cmpstr (after, ==, before);

  real = import_fixture (f, f->project_id, "current.csv", FALSE);
  assert_status (real, 200);
  answer = test_response_object (real);
  g_assert_false (json_object_get_boolean_member (answer, "dry_run"));
  g_assert_cmpint (json_object_get_int_member (answer, "version"), ==, 1);

  /* One change for the whole file, without stories. */
  changes_answer = test_get_object (f->server, changes_path, f->grace);
  changes = json_object_get_array_member (changes_answer, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  change = json_array_get_object_element (changes, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "name"), ==, "stories-import");
  g_assert_cmpint (json_object_get_int_member (change, "count"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (change, "actor_id"), ==, f->ada_id);
  g_assert_false (json_object_has_member (change, "story"));

  stories = stories_of (f, f->project_id);
  g_assert_cmpuint (json_array_get_length (stories), ==, 7);
  story = json_array_get_object_element (stories, 0);
  g_assert_cmpstr (json_object_get_string_member (story, "title"), ==, "Sign-up form");
  g_assert_cmpstr (json_object_get_string_member (story, "accepted_at"), ==, "2015-11-04T12:00:00Z");
  g_assert_cmpint (json_object_get_int_member (story, "version"), ==, 1);
  tasks = json_object_get_array_member (story, "tasks");
  g_assert_cmpuint (json_array_get_length (tasks), ==, 2);
  story = json_array_get_object_element (stories, 5);
  g_assert_cmpstr (json_object_get_string_member (story, "state"), ==, "unscheduled");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, f->project_id);

    project = test_get_object (f->server, path, f->ada);
  }
  g_assert_cmpstr (json_object_get_string_member (project, "start_date"), ==, "2015-11-02");
  g_assert_cmpint (json_object_get_int_member (project, "iteration_length"), ==, 1);
}

static void
test_twice (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TestResponse) first = import_fixture (f, f->project_id, "current.csv", FALSE);
  g_autoptr(TestResponse) second = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonObject *answer;

  assert_status (first, 200);
  before = snapshot (f, f->project_id);
  second = import_fixture (f, f->project_id, "current.csv", FALSE);
  assert_status (second, 200);
  answer = test_response_object (second);
  g_assert_cmpint (json_object_get_int_member (answer, "total"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (answer, "already_imported"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (answer, "version"), ==, 1);
  after = snapshot (f, f->project_id);
  g_assert_cmpstr (after, ==, before);

  /* Another file into the project, which has stories: its schedule is
   * not taken. */
  {
    g_autoptr(TestResponse) old = import_fixture (f, f->project_id, "old.csv", FALSE);

    assert_status (old, 200);
    answer = test_response_object (old);
    g_assert_cmpint (json_object_get_int_member (answer, "total"), ==, 3);
    g_assert_false (json_object_get_boolean_member (json_object_get_object_member (answer, "schedule"),
                                                    "applied"));
    g_assert_cmpuint (story_count (f, f->project_id), ==, 10);
  }
}

static void
expect_refused (Fixture    *f,
                const char *name,
                guint       line,
                const char *words)
{
  g_autoptr(TestResponse) response = import_fixture (f, f->project_id, name, FALSE);
  JsonObject *error;

  assert_status (response, 422);
  error = json_object_get_object_member (test_response_object (response), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "invalid");
  g_assert_cmpint (json_object_get_int_member (error, "line"), ==, line);
  if (strstr (json_object_get_string_member (error, "message"), words) == NULL)
    g_error ("%s: expected “%s” in %s", name, words, response->text);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *before = snapshot (f, f->project_id);
  g_autofree char *after = NULL;
  g_autoptr(GBytes) body = fixture_bytes ("current.csv");

  expect_refused (f, "garbage.csv", 1, "not a Pivotal Tracker CSV");
  expect_refused (f, "broken.csv", 4, "never ends");
  expect_refused (f, "bad-state.csv", 3, "a chore cannot be finished");
  {
    g_autoptr(TestResponse) json = post_import (f, f->project_id, f->ada, body,
                                                "application/json", FALSE);
    g_autoptr(TestResponse) bad_query = NULL;
    g_autoptr(TestResponse) stranger = NULL;
    g_autofree char *eve = test_server_add_and_sign_in (f->server, "eve@example.org", "Eve",
                                                        "eavesdrop");
    g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT
                                             "/import?dry_run=maybe", f->project_id);

    assert_status (json, 415);
    g_assert_cmpstr (test_response_error_code (json), ==, "invalid");
    bad_query = test_request_full (f->server, "POST", path, f->ada, "text/csv", body, NULL);
    assert_status (bad_query, 400);
    stranger = post_import (f, f->project_id, eve, body, "text/csv", FALSE);
    assert_status (stranger, 404);
  }
  after = snapshot (f, f->project_id);
  g_assert_cmpstr (after, ==, before);
}

/* A retried upload with the same Idempotency-Key gets the first answer
 * and makes nothing more, rows without a Tracker id included. */
static void
test_idempotent (Fixture       *f,
                 gconstpointer  data)
{
  static const char csv[] = "Title,Type,Current State\nNo id one,feature,unstarted\nNo id two,bug,unscheduled\n";
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/import",
                                           f->project_id);
  const char * const headers[] = { "Idempotency-Key", "upload-1", NULL };
  g_autoptr(GBytes) body = g_bytes_new_static (csv, strlen (csv));
  g_autoptr(TestResponse) first = test_request_full (f->server, "POST", path, f->ada, "text/csv",
                                                     body, headers);
  g_autoptr(TestResponse) again = test_request_full (f->server, "POST", path, f->ada, "text/csv",
                                                     body, headers);
  g_autoptr(TestResponse) other = NULL;

  assert_status (first, 200);
  assert_status (again, 200);
  g_assert_cmpstr (again->text, ==, first->text);
  g_assert_cmpuint (story_count (f, f->project_id), ==, 2);
  /* Without the key the same rows are made again: they have no id. */
  other = post_import (f, f->project_id, f->ada, body, "text/csv", FALSE);
  assert_status (other, 200);
  g_assert_cmpuint (story_count (f, f->project_id), ==, 4);
}

/* A file over the 1 MiB of other requests goes through the import's own
 * limit: 6,000 rows, about 2 MiB. */
static void
test_large (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("Id,Title,Type,Estimate,Current State,Description\r\n");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TestResponse) response = NULL;

  for (guint i = 1; i <= 6000; i++)
    g_string_append_printf (csv, "%u,Story %u,feature,%u,%s,\"%s, line\nand more %0300u\"\r\n",
                            i, i, i % 4, i % 3 == 0 ? "unscheduled" : "unstarted", "Text", i);
  g_assert_cmpuint (csv->len, >, 1024 * 1024);
  body = g_bytes_new (csv->str, csv->len);
  response = post_import (f, f->project_id, f->ada, body, "text/csv", FALSE);
  assert_status (response, 200);
  g_assert_cmpint (test_response_int (response, "total"), ==, 6000);
  g_assert_cmpint (test_response_int (response, "version"), ==, 1);
  g_assert_cmpuint (story_count (f, f->project_id), ==, 6000);
}

/* An export imported into an empty project gives an equal backlog: the
 * same export again, byte for byte (ids are remembered). */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TestResponse) imported = import_fixture (f, f->project_id, "current.csv", FALSE);
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(TestResponse) again = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/export",
                                           f->project_id);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) one = NULL;
  g_autoptr(JsonObject) two = NULL;
  gint64 copy;

  assert_status (imported, 200);
  response = test_request (f->server, "GET", path, f->ada, NULL);
  assert_status (response, 200);
  first = export_text (f, f->project_id);
  g_assert_true (g_str_has_prefix (first, "Id,Title,Labels,"));
  g_assert_nonnull (strstr (first, "\r\n1001,Sign-up form,"));

  copy = test_server_create_project (f->server, f->ada, "{\"name\": \"Copy\"}");
  test_server_add_member (f->server, f->ada, copy, "grace@example.org");
  body = g_bytes_new (first, strlen (first));
  again = post_import (f, copy, f->ada, body, "text/csv", FALSE);
  assert_status (again, 200);
  g_assert_cmpint (test_response_int (again, "total"), ==, 7);
  second = export_text (f, copy);
  g_assert_cmpstr (second, ==, first);

  {
    g_autofree char *one_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, f->project_id);
    g_autofree char *two_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, copy);

    one = test_get_object (f->server, one_path, f->ada);
    two = test_get_object (f->server, two_path, f->ada);
  }
  g_assert_cmpstr (json_object_get_string_member (two, "start_date"), ==,
                   json_object_get_string_member (one, "start_date"));
  g_assert_cmpint (json_object_get_int_member (two, "iteration_length"), ==,
                   json_object_get_int_member (one, "iteration_length"));
}

static void
test_export_headers (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/export",
                                           f->project_id);
  g_autofree char *url = g_strconcat (f->server->base_url, path, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->ada);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", auth);
  body = soup_session_send_and_read (f->server->session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  headers = soup_message_get_response_headers (message);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Type"), ==,
                   "text/csv; charset=utf-8");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Disposition"), ==,
                   "attachment; filename=\"Imported.csv\"");
  /* A name that is not ASCII has its UTF-8 form too. */
  {
    g_autofree char *renamed = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, f->project_id);
    g_autoptr(TestResponse) patch = test_request (f->server, "PATCH", renamed, f->ada,
                                                  "{\"name\": \"Caf\u00e9 \\\"plans\\\"\"}");
    g_autoptr(SoupMessage) again = soup_message_new ("GET", url);
    g_autoptr(GBytes) again_body = NULL;

    assert_status (patch, 200);
    soup_message_headers_replace (soup_message_get_request_headers (again), "Authorization", auth);
    again_body = soup_session_send_and_read (f->server->session, again, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (again),
                                                   "Content-Disposition"), ==,
                     "attachment; filename=\"Caf__ _plans_.csv\"; "
                     "filename*=UTF-8''Caf%C3%A9%20_plans_.csv");
  }
  /* An empty project is its header alone. */
  g_assert_cmpstr (g_bytes_get_data (body, NULL), !=, NULL);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (body, NULL), "Id,Title,"));
}

/* Runs `truestory-server --data-dir DIR [--database URL] ARGS…`: its
 * exit status, and all it said in @out_text. */
static int
run_admin (TestServer          *server,
           const char * const  *args,
           char               **out_text)
{
  g_autoptr(TestRun) run = test_server_run_admin (server, NULL, args);

  *out_text = g_strconcat (run->out, run->err, NULL);
  return run->status;
}

/* import-tracker beside the running server: REST shows the stories at
 * once and the server publishes the one event to a subscriber. */
static void
test_shell (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *project = g_strdup_printf ("%" G_GINT64_FORMAT, f->project_id);
  g_autofree char *channel = g_strdup_printf ("private-project-%s", project);
  g_autofree char *current = fixture_path ("current.csv");
  g_autofree char *garbage = fixture_path ("garbage.csv");
  g_autofree char *broken = fixture_path ("broken.csv");
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(Client) grace = client_open_pusher (f->session, f->server->port, KEY);
  g_autoptr(JsonObject) event = NULL;
  JsonObject *event_data;
  int status;

  client_subscribe_through (grace, f->server, f->grace, channel);
  before = snapshot (f, f->project_id);
  status = run_admin (f->server, (const char * const[]) { "import-tracker", "--project", project,
                                                          garbage, NULL }, &text);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (text, "line 1:"));
  g_clear_pointer (&text, g_free);
  status = run_admin (f->server, (const char * const[]) { "import-tracker", "--project", project,
                                                          broken, NULL }, &text);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (text, "line 4: a quoted cell that never ends"));
  g_clear_pointer (&text, g_free);
  status = run_admin (f->server, (const char * const[]) { "import-tracker", "--project", project,
                                                          "--as", "nobody@example.org", current,
                                                          NULL }, &text);
  g_assert_cmpint (status, ==, 1);
  g_clear_pointer (&text, g_free);
  after = snapshot (f, f->project_id);
  g_assert_cmpstr (after, ==, before);

  status = run_admin (f->server, (const char * const[]) { "import-tracker", "--project", project,
                                                          "--as", "grace@example.org", current,
                                                          NULL }, &text);
  if (status != 0)
    g_error ("import-tracker exited %d: %s", status, text);
  g_assert_nonnull (strstr (text, "imported 7 stories"));
  g_assert_cmpuint (story_count (f, f->project_id), ==, 7);

  event = client_expect (grace, "stories-import");
  event_data = message_data (event);
  g_assert_cmpint (json_object_get_int_member (event_data, "version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (event_data, "count"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (event_data, "actor_id"), ==, f->grace_id);
  json_object_unref (event_data);

  /* The same file again makes nothing, and no event. */
  g_clear_pointer (&text, g_free);
  status = run_admin (f->server, (const char * const[]) { "import-tracker", "--project", project,
                                                          current, NULL }, &text);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (text, "imported 0 stories"));
  g_assert_nonnull (strstr (text, "already imported: 7"));
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/projects/%s", project);

    g_assert_cmpint (test_server_version (f->server, f->ada, path), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/server/import/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("dry-run-then-import", test_dry_run_then_import);
  ADD ("twice", test_twice);
  ADD ("refused", test_refused);
  ADD ("idempotent", test_idempotent);
  ADD ("large", test_large);
  ADD ("round-trip", test_round_trip);
  ADD ("export-headers", test_export_headers);
  ADD ("shell", test_shell);
#undef ADD
  return g_test_run ();
}
