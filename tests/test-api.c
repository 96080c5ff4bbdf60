/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The REST API of doc/api.md against a real truestory-server: every endpoint,
 * and every error path with a check that nothing changed. */

#include <sqlite3.h>
#include <string.h>

#include "server-harness.h"

typedef struct {
  TestServer *server;
  char *ada;     /* a member of the project */
  char *bob;     /* not a member */
  gint64 project_id;
  char *project; /* "/api/v1/projects/<id>" */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = test_server_start (data);
  f->ada = test_server_add_and_sign_in (f->server, "ada@example.org", "Ada Lovelace", "analytical");
  f->bob = test_server_add_and_sign_in (f->server, "bob@example.org", "Bob Noyce", "integrated");
  f->project_id = test_server_create_project (f->server, f->ada,
                                              "{\"name\": \"Apollo\", \"iteration_length\": 1, "
                                              "\"start_date\": \"2026-01-05\"}");
  f->project = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, f->project_id);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_server_stop (f->server);
  g_free (f->ada);
  g_free (f->bob);
  g_free (f->project);
}

static char *
path (Fixture    *f,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static char *
path (Fixture    *f,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *rest = NULL;

  va_start (args, format);
  rest = g_strdup_vprintf (format, args);
  va_end (args);
  return g_strconcat (f->project, rest, NULL);
}

static gint64
project_version (Fixture *f)
{
  return test_server_version (f->server, f->ada, f->project);
}

static gint64
create_story (Fixture    *f,
              const char *body)
{
  g_autofree char *stories = path (f, "/stories");
  g_autoptr(TestResponse) response = test_request (f->server, "POST", stories, f->ada, body);

  assert_status (response, 201);
  return test_response_int (response, "id");
}

/* Sends a request that must fail with @status and @code, and checks that
 * the project did not change. */
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
  g_autoptr(TestResponse) response = test_request (f->server, method, target, token, body);

  g_test_message ("%s %s %s", method, target, body != NULL ? body : "");
  assert_status (response, status);
  g_assert_cmpstr (test_response_error_code (response), ==, code);
  g_assert_cmpint (project_version (f), ==, before);
}

static void
test_health_and_session (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TestResponse) health = test_request (f->server, "GET", "/api/v1/health", NULL, NULL);
  g_autoptr(TestResponse) me = test_request (f->server, "GET", "/api/v1/me", f->ada, NULL);
  g_autoptr(TestResponse) wrong = NULL;
  g_autoptr(TestResponse) unknown = NULL;
  g_autoptr(TestResponse) revoked = NULL;
  g_autoptr(TestResponse) after = NULL;
  g_autoptr(TestResponse) no_token = NULL;
  g_autoptr(TestResponse) bad_types = NULL;

  assert_status (health, 200);
  g_assert_cmpstr (json_object_get_string_member (test_response_object (health), "status"), ==, "ok");
  assert_status (me, 200);
  g_assert_cmpstr (json_object_get_string_member (test_response_object (me), "email"), ==,
                   "ada@example.org");

  wrong = test_request (f->server, "POST", "/api/v1/session", NULL,
                        "{\"email\": \"ada@example.org\", \"password\": \"babbage\"}");
  assert_status (wrong, 401);
  unknown = test_request (f->server, "POST", "/api/v1/session", NULL,
                          "{\"email\": \"eve@example.org\", \"password\": \"analytical\"}");
  assert_status (unknown, 401);
  bad_types = test_request (f->server, "POST", "/api/v1/session", NULL,
                            "{\"email\": \"ada@example.org\", \"password\": 5}");
  assert_status (bad_types, 422);
  no_token = test_request (f->server, "GET", "/api/v1/me", NULL, NULL);
  assert_status (no_token, 401);
  g_assert_cmpstr (test_response_error_code (no_token), ==, "unauthorized");

  revoked = test_request (f->server, "DELETE", "/api/v1/session", f->bob, NULL);
  assert_status (revoked, 200);
  after = test_request (f->server, "GET", "/api/v1/me", f->bob, NULL);
  assert_status (after, 401);
}

static void
test_bad_bodies (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *stories = path (f, "/stories");
  g_autofree char *huge = NULL;
  g_autoptr(GBytes) huge_bytes = NULL;
  g_autoptr(TestResponse) too_large = NULL;
  gint64 before = project_version (f);

  assert_refused (f, "POST", stories, f->ada, "{\"title\": ", 400, "malformed");
  assert_refused (f, "POST", stories, f->ada, "[]", 400, "malformed");
  assert_refused (f, "POST", stories, f->ada, "", 400, "malformed");
  assert_refused (f, "POST", stories, f->ada, "{\"title\": 5}", 422, "invalid");
  assert_refused (f, "POST", stories, f->ada, "{\"title\": \"x\", \"colour\": \"red\"}", 422, "invalid");
  assert_refused (f, "POST", stories, f->ada, "{\"title\": \"x\", \"estimate\": 4}", 422, "invalid");
  assert_refused (f, "POST", stories, f->ada, "{\"title\": \"x\", \"type\": \"epic\"}", 422, "invalid");
  assert_refused (f, "POST", stories, f->ada, "{\"title\": \"   \"}", 422, "invalid");
  assert_refused (f, "POST", stories, f->ada, "{\"description\": \"no title\"}", 422, "invalid");

  /* Over 1 MiB: 413, whatever the body holds. */
  huge = g_strnfill (1024 * 1024 + 10, 'x');
  huge_bytes = g_bytes_new_take (g_steal_pointer (&huge), 1024 * 1024 + 10);
  too_large = test_request_full (f->server, "POST", stories, f->ada, "application/json",
                                 huge_bytes, NULL);
  assert_status (too_large, 413);
  g_assert_cmpstr (test_response_error_code (too_large), ==, "too_large");
  g_assert_cmpint (project_version (f), ==, before);
}

static void
test_unknown_ids_and_members (Fixture       *f,
                              gconstpointer  data)
{
  gint64 story = create_story (f, "{\"title\": \"Launch\"}");
  g_autofree char *story_path = path (f, "/stories/%" G_GINT64_FORMAT, story);
  g_autofree char *missing = path (f, "/stories/999");
  g_autoptr(TestResponse) as_bob = NULL;
  g_autoptr(TestResponse) nowhere = NULL;
  g_autoptr(TestResponse) bad_id = NULL;
  g_autoptr(TestResponse) method = NULL;

  /* A non-member sees no project at all, exactly as if it did not exist. */
  as_bob = test_request (f->server, "GET", f->project, f->bob, NULL);
  assert_status (as_bob, 404);
  nowhere = test_request (f->server, "GET", "/api/v1/projects/4242", f->bob, NULL);
  assert_status (nowhere, 404);
  g_assert_cmpstr (test_response_error_code (as_bob), ==, test_response_error_code (nowhere));
  assert_refused (f, "PATCH", story_path, f->bob, "{\"title\": \"Mine\"}", 404, "not_found");
  assert_refused (f, "DELETE", story_path, f->bob, NULL, 404, "not_found");
  assert_refused (f, "GET", missing, f->ada, NULL, 404, "not_found");
  assert_refused (f, "DELETE", missing, f->ada, NULL, 404, "not_found");

  bad_id = test_request (f->server, "GET", "/api/v1/projects/01", f->ada, NULL);
  assert_status (bad_id, 404);
  method = test_request (f->server, "PUT", f->project, f->ada, "{}");
  assert_status (method, 405);
}

static void
test_projects (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TestResponse) list = test_request (f->server, "GET", "/api/v1/projects", f->ada, NULL);
  g_autoptr(TestResponse) patched = NULL;
  g_autoptr(TestResponse) story = NULL;
  g_autoptr(TestResponse) deleted = NULL;
  g_autoptr(TestResponse) gone = NULL;
  g_autofree char *story_path = NULL;
  JsonArray *projects;
  gint64 id;

  assert_status (list, 200);
  projects = json_object_get_array_member (test_response_object (list), "projects");
  g_assert_cmpuint (json_array_get_length (projects), ==, 1);

  assert_refused (f, "POST", "/api/v1/projects", f->ada, "{\"iteration_length\": 2}", 422, "invalid");
  assert_refused (f, "PATCH", f->project, f->ada, "{\"iteration_length\": 5}", 422, "invalid");
  assert_refused (f, "PATCH", f->project, f->ada, "{\"time_zone\": \"Mars/Olympus\"}", 422, "invalid");

  /* A new point scale maps every estimate to its nearest value. */
  id = create_story (f, "{\"title\": \"Big\", \"estimate\": 5}");
  patched = test_request (f->server, "PATCH", f->project, f->ada,
                          "{\"point_scale\": \"linear\", \"name\": \"Apollo 11\"}");
  assert_status (patched, 200);
  g_assert_cmpstr (json_object_get_string_member (test_response_object (patched), "name"), ==,
                   "Apollo 11");
  story_path = path (f, "/stories/%" G_GINT64_FORMAT, id);
  story = test_request (f->server, "GET", story_path, f->ada, NULL);
  assert_status (story, 200);
  g_assert_cmpint (test_response_int (story, "estimate"), ==, 3);
  g_assert_cmpint (test_response_int (story, "version"), ==, test_response_int (patched, "version"));

  deleted = test_request (f->server, "DELETE", f->project, f->ada, NULL);
  assert_status (deleted, 200);
  g_assert_cmpint (test_response_int (deleted, "id"), ==, f->project_id);
  gone = test_request (f->server, "GET", f->project, f->ada, NULL);
  assert_status (gone, 404);
}

static JsonArray *
story_ids_in_order (Fixture *f,
                    TestResponse **out_response)
{
  g_autofree char *stories = path (f, "/stories");
  TestResponse *response = test_request (f->server, "GET", stories, f->ada, NULL);
  JsonArray *list;
  JsonArray *ids = json_array_new ();

  assert_status (response, 200);
  list = json_object_get_array_member (test_response_object (response), "stories");
  for (guint i = 0; i < json_array_get_length (list); i++)
    json_array_add_int_element (ids, json_object_get_int_member (json_array_get_object_element (list, i), "id"));
  *out_response = response;
  return ids;
}

static void
assert_order (Fixture      *f,
              const gint64 *expected,
              guint         n)
{
  g_autoptr(TestResponse) response = NULL;
  g_autoptr(JsonArray) ids = story_ids_in_order (f, &response);

  g_assert_cmpuint (json_array_get_length (ids), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (json_array_get_int_element (ids, i), ==, expected[i]);
}

static void
test_stories_placement_and_moves (Fixture       *f,
                                  gconstpointer  data)
{
  gint64 a = create_story (f, "{\"title\": \"A\", \"state\": \"unstarted\", \"estimate\": 1}");
  gint64 iced = create_story (f, "{\"title\": \"Iced\"}");
  gint64 b = create_story (f, "{\"title\": \"B\", \"state\": \"unstarted\", \"estimate\": 2}");
  g_autofree char *before_a = g_strdup_printf ("{\"title\": \"Top\", \"before_id\": %" G_GINT64_FORMAT "}", a);
  gint64 top = create_story (f, before_a);
  g_autofree char *move_b = path (f, "/stories/%" G_GINT64_FORMAT "/move", b);
  g_autofree char *move_iced = path (f, "/stories/%" G_GINT64_FORMAT "/move", iced);
  g_autofree char *body = NULL;
  g_autoptr(TestResponse) moved = NULL;
  g_autoptr(TestResponse) thawed = NULL;

  /* Unscheduled goes to the end of the Icebox; unstarted right after the
   * last scheduled story, so above the Icebox. */
  {
    const gint64 expected[] = { top, a, b, iced };

    assert_order (f, expected, G_N_ELEMENTS (expected));
  }

  body = g_strdup_printf ("{\"before_id\": %" G_GINT64_FORMAT "}", top);
  moved = test_request (f->server, "POST", move_b, f->ada, body);
  assert_status (moved, 200);
  {
    const gint64 expected[] = { b, top, a, iced };

    assert_order (f, expected, G_N_ELEMENTS (expected));
  }

  g_free (body);
  body = g_strdup_printf ("{\"after_id\": %" G_GINT64_FORMAT ", \"state\": \"unstarted\"}", b);
  thawed = test_request (f->server, "POST", move_iced, f->ada, body);
  assert_status (thawed, 200);
  g_assert_cmpstr (json_object_get_string_member (test_response_object (thawed), "state"), ==,
                   "unstarted");
  {
    const gint64 expected[] = { b, iced, top, a };

    assert_order (f, expected, G_N_ELEMENTS (expected));
  }

  g_free (body);
  body = g_strdup_printf ("{\"before_id\": %" G_GINT64_FORMAT "}", b);
  assert_refused (f, "POST", move_b, f->ada, body, 422, "invalid");
  assert_refused (f, "POST", move_b, f->ada, "{}", 422, "invalid");
  assert_refused (f, "POST", move_b, f->ada, "{\"before_id\": 1, \"after_id\": 2}", 422, "invalid");
  assert_refused (f, "POST", move_b, f->ada, "{\"before_id\": 999}", 422, "invalid");
  g_free (body);
  body = g_strdup_printf ("{\"before_id\": %" G_GINT64_FORMAT ", \"state\": \"started\"}", a);
  assert_refused (f, "POST", move_b, f->ada, body, 422, "invalid");
}

static void
test_state_changes (Fixture       *f,
                    gconstpointer  data)
{
  gint64 id = create_story (f, "{\"title\": \"Ship\", \"state\": \"unstarted\"}");
  g_autofree char *story = path (f, "/stories/%" G_GINT64_FORMAT, id);
  const char *steps[] = { "started", "finished", "delivered", "accepted" };

  /* An unestimated feature cannot start; skipping a step is refused. */
  assert_refused (f, "PATCH", story, f->ada, "{\"state\": \"started\"}", 422, "invalid");
  assert_refused (f, "PATCH", story, f->ada, "{\"state\": \"finished\", \"estimate\": 2}", 422, "invalid");

  {
    g_autoptr(TestResponse) estimated = test_request (f->server, "PATCH", story, f->ada,
                                                      "{\"estimate\": 2}");
    assert_status (estimated, 200);
  }
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"state\": \"%s\"}", steps[i]);
      g_autoptr(TestResponse) response = test_request (f->server, "PATCH", story, f->ada, body);
      JsonObject *object;

      assert_status (response, 200);
      object = test_response_object (response);
      g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, steps[i]);
      /* The server sets accepted_at on entering accepted, clears it on leaving. */
      g_assert_cmpint (json_object_get_null_member (object, "accepted_at"), ==,
                       i != G_N_ELEMENTS (steps) - 1);
    }
  {
    g_autoptr(TestResponse) undone = test_request (f->server, "PATCH", story, f->ada,
                                                   "{\"state\": \"delivered\"}");
    assert_status (undone, 200);
    g_assert_true (json_object_get_null_member (test_response_object (undone), "accepted_at"));
  }
}

static void
test_concurrent_edits (Fixture       *f,
                       gconstpointer  data)
{
  gint64 id = create_story (f, "{\"title\": \"Dock\", \"estimate\": 1}");
  g_autofree char *story = path (f, "/stories/%" G_GINT64_FORMAT, id);
  gint64 base = project_version (f);
  g_autofree char *title_mine = g_strdup_printf ("{\"title\": \"Dock at the ISS\", \"base_version\": %" G_GINT64_FORMAT "}", base);
  g_autofree char *estimate_theirs = g_strdup_printf ("{\"estimate\": 3, \"base_version\": %" G_GINT64_FORMAT "}", base);
  g_autofree char *title_theirs = g_strdup_printf ("{\"title\": \"Dock at Mir\", \"base_version\": %" G_GINT64_FORMAT "}", base);
  g_autofree char *same_title = g_strdup_printf ("{\"title\": \"Dock at the ISS\", \"base_version\": %" G_GINT64_FORMAT "}", base);
  g_autoptr(TestResponse) first = test_request (f->server, "PATCH", story, f->ada, title_mine);
  g_autoptr(TestResponse) second = NULL;
  g_autoptr(TestResponse) conflict = NULL;
  g_autoptr(TestResponse) same = NULL;
  g_autoptr(TestResponse) take_theirs = NULL;
  g_autoptr(TestResponse) keep_mine = NULL;
  g_autofree char *keep_body = NULL;
  JsonObject *object;
  JsonArray *conflicts;

  assert_status (first, 200);
  /* Different fields from the same base both win. */
  second = test_request (f->server, "PATCH", story, f->ada, estimate_theirs);
  assert_status (second, 200);
  object = test_response_object (second);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Dock at the ISS");
  g_assert_cmpint (json_object_get_int_member (object, "estimate"), ==, 3);

  /* The same field changed since the base is a 409 with the current story. */
  {
    gint64 before = project_version (f);

    conflict = test_request (f->server, "PATCH", story, f->ada, title_theirs);
    assert_status (conflict, 409);
    g_assert_cmpint (project_version (f), ==, before);
  }
  object = test_response_object (conflict);
  g_assert_cmpstr (test_response_error_code (conflict), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "story"), "title"),
                   ==, "Dock at the ISS");
  conflicts = json_object_get_array_member (object, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (conflicts, 0), ==, "title");

  /* Sending the value that is already there is no conflict. */
  same = test_request (f->server, "PATCH", story, f->ada, same_title);
  assert_status (same, 200);

  /* "Take theirs": nothing to send. "Keep mine": resend on the new base. */
  take_theirs = test_request (f->server, "GET", story, f->ada, NULL);
  assert_status (take_theirs, 200);
  keep_body = g_strdup_printf ("{\"title\": \"Dock at Mir\", \"base_version\": %" G_GINT64_FORMAT "}",
                               test_response_int (take_theirs, "version"));
  keep_mine = test_request (f->server, "PATCH", story, f->ada, keep_body);
  assert_status (keep_mine, 200);
  g_assert_cmpstr (json_object_get_string_member (test_response_object (keep_mine), "title"), ==,
                   "Dock at Mir");

  /* Without a base the last writer wins. */
  {
    g_autoptr(TestResponse) blind = test_request (f->server, "PATCH", story, f->ada,
                                                  "{\"title\": \"Splashdown\"}");
    assert_status (blind, 200);
  }
}

static void
test_comments (Fixture       *f,
               gconstpointer  data)
{
  gint64 id = create_story (f, "{\"title\": \"Telemetry\"}");
  g_autofree char *comments = path (f, "/stories/%" G_GINT64_FORMAT "/comments", id);
  g_autofree char *all = path (f, "/comments");
  g_autofree char *member = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *long_text = g_strnfill (10001, 'y');
  g_autofree char *long_body = g_strdup_printf ("{\"text\": \"%s\"}", long_text);
  g_autoptr(TestResponse) created = test_request (f->server, "POST", comments, f->ada,
                                                  "{\"text\": \"Looks good @Bob\"}");
  g_autoptr(TestResponse) listed = NULL;
  g_autoptr(TestResponse) added = NULL;
  g_autoptr(TestResponse) deleted = NULL;

  assert_status (created, 201);
  g_assert_cmpint (test_response_int (created, "story_id"), ==, id);
  assert_refused (f, "POST", comments, f->ada, long_body, 422, "invalid");
  assert_refused (f, "POST", comments, f->ada, "{\"text\": \"\"}", 422, "invalid");

  listed = test_request (f->server, "GET", all, f->ada, NULL);
  assert_status (listed, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_response_object (listed),
                                                                         "comments")), ==, 1);

  /* Only its author deletes a comment. */
  member = path (f, "/members");
  added = test_request (f->server, "POST", member, f->ada, "{\"email\": \"bob@example.org\"}");
  assert_status (added, 201);
  comment = g_strdup_printf ("%s/%" G_GINT64_FORMAT, comments, test_response_int (created, "id"));
  assert_refused (f, "DELETE", comment, f->bob, NULL, 403, "forbidden");
  deleted = test_request (f->server, "DELETE", comment, f->ada, NULL);
  assert_status (deleted, 200);
}

static void
test_members (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *members = path (f, "/members");
  g_autofree char *bob = NULL;
  g_autofree char *ada = NULL;
  g_autoptr(TestResponse) added = NULL;
  g_autoptr(TestResponse) again = NULL;
  g_autoptr(TestResponse) listed = NULL;
  g_autoptr(TestResponse) as_bob = NULL;
  g_autoptr(TestResponse) removed = NULL;
  g_autoptr(TestResponse) after = NULL;
  g_autoptr(TestResponse) last = NULL;

  assert_refused (f, "POST", members, f->ada, "{\"email\": \"eve@example.org\"}", 404, "not_found");
  assert_refused (f, "POST", members, f->bob, "{\"email\": \"bob@example.org\"}", 404, "not_found");
  added = test_request (f->server, "POST", members, f->ada, "{\"email\": \"bob@example.org\"}");
  assert_status (added, 201);
  again = test_request (f->server, "POST", members, f->ada, "{\"email\": \"bob@example.org\"}");
  assert_status (again, 200);
  listed = test_request (f->server, "GET", members, f->bob, NULL);
  assert_status (listed, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_response_object (listed),
                                                                         "members")), ==, 2);
  as_bob = test_request (f->server, "GET", f->project, f->bob, NULL);
  assert_status (as_bob, 200);

  bob = g_strdup_printf ("%s/%" G_GINT64_FORMAT, members, test_response_int (added, "id"));
  removed = test_request (f->server, "DELETE", bob, f->ada, NULL);
  assert_status (removed, 200);
  after = test_request (f->server, "GET", f->project, f->bob, NULL);
  assert_status (after, 404);

  /* The last member cannot leave: the project would be lost to everyone. */
  ada = g_strdup_printf ("%s/1", members);
  last = test_request (f->server, "DELETE", ada, f->ada, NULL);
  assert_status (last, 403);
}

static void
test_iterations (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *third = path (f, "/iterations/3");
  g_autofree char *plan_path = path (f, "/plan?today=2026-01-07");
  g_autoptr(TestResponse) set = test_request (f->server, "PUT", third, f->ada,
                                              "{\"team_strength\": 0.5}");
  g_autoptr(TestResponse) project = NULL;
  g_autoptr(TestResponse) cleared = NULL;
  g_autoptr(TestResponse) plan = NULL;
  JsonObject *object;

  assert_status (set, 200);
  object = test_response_object (set);
  g_assert_cmpint (json_object_get_int_member (object, "number"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (object, "team_strength"), ==, 0.5);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, project_version (f));

  assert_refused (f, "PUT", third, f->ada, "{\"team_strength\": 1.5}", 422, "invalid");
  assert_refused (f, "PUT", third, f->ada, "{\"length\": 5}", 422, "invalid");
  assert_refused (f, "PUT", third, f->ada, "{}", 422, "invalid");

  project = test_request (f->server, "GET", f->project, f->ada, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_response_object (project),
                                                                         "iterations")), ==, 1);

  plan = test_request (f->server, "GET", plan_path, f->ada, NULL);
  assert_status (plan, 200);
  g_assert_cmpint (test_response_int (plan, "current_iteration"), ==, 1);

  cleared = test_request (f->server, "DELETE", third, f->ada, NULL);
  assert_status (cleared, 200);
  assert_refused (f, "DELETE", third, f->ada, NULL, 404, "not_found");
}

static void
test_plan (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *plan_path = path (f, "/plan?today=2026-01-07&velocity=4");
  g_autofree char *bad_today = path (f, "/plan?today=2026-02-30");
  g_autofree char *bad_velocity = path (f, "/plan?velocity=-1");
  g_autoptr(TestResponse) plan = NULL;
  JsonArray *iterations;
  gint64 ids[5];
  const char *stories[] = { "2", "2", "c", "1", "c" };

  /* P3 of doc/planning.md, through the server: V = 4; [2, 2, c, 1, c]. */
  for (guint i = 0; i < G_N_ELEMENTS (stories); i++)
    {
      g_autofree char *body = g_str_equal (stories[i], "c")
        ? g_strdup ("{\"title\": \"c\", \"type\": \"chore\", \"state\": \"unstarted\"}")
        : g_strdup_printf ("{\"title\": \"%s\", \"estimate\": %s, \"state\": \"unstarted\"}",
                           stories[i], stories[i]);

      ids[i] = create_story (f, body);
    }
  plan = test_request (f->server, "GET", plan_path, f->ada, NULL);
  assert_status (plan, 200);
  g_assert_cmpfloat (json_object_get_double_member (test_response_object (plan), "velocity"), ==, 4.0);
  iterations = json_object_get_array_member (test_response_object (plan), "iterations");
  g_assert_cmpuint (json_array_get_length (iterations), ==, 2);
  {
    JsonArray *first = json_object_get_array_member (json_array_get_object_element (iterations, 0),
                                                     "story_ids");
    JsonArray *second = json_object_get_array_member (json_array_get_object_element (iterations, 1),
                                                      "story_ids");

    g_assert_cmpuint (json_array_get_length (first), ==, 3);
    g_assert_cmpint (json_array_get_int_element (first, 2), ==, ids[2]);
    g_assert_cmpuint (json_array_get_length (second), ==, 2);
    g_assert_cmpint (json_array_get_int_element (second, 0), ==, ids[3]);
  }

  assert_refused (f, "GET", bad_today, f->ada, NULL, 400, "malformed");
  assert_refused (f, "GET", bad_velocity, f->ada, NULL, 400, "malformed");
}

static void
test_changes (Fixture       *f,
              gconstpointer  data)
{
  gint64 a = create_story (f, "{\"title\": \"A\", \"estimate\": 1}");
  gint64 b = create_story (f, "{\"title\": \"B\"}");
  g_autofree char *a_path = path (f, "/stories/%" G_GINT64_FORMAT, a);
  g_autofree char *b_path = path (f, "/stories/%" G_GINT64_FORMAT, b);
  g_autofree char *move = path (f, "/stories/%" G_GINT64_FORMAT "/move", b);
  g_autofree char *move_body = g_strdup_printf ("{\"before_id\": %" G_GINT64_FORMAT "}", a);
  g_autofree char *comments = path (f, "/stories/%" G_GINT64_FORMAT "/comments", a);
  g_autofree char *iteration = path (f, "/iterations/2");
  g_autofree char *all = path (f, "/changes?since=0");
  g_autofree char *page = path (f, "/changes?since=2&limit=2");
  g_autofree char *none = NULL;
  const char *expected[] = {
    "stories-create", "stories-create", "stories-update", "stories-move", "comments-create",
    "iterations-update", "stories-destroy", "projects-update",
  };
  g_autoptr(TestResponse) changes = NULL;
  g_autoptr(TestResponse) paged = NULL;
  g_autoptr(TestResponse) empty = NULL;
  JsonArray *list;

  g_clear_pointer (&changes, test_response_free);
  test_response_free (test_request (f->server, "PATCH", a_path, f->ada, "{\"title\": \"A1\"}"));
  test_response_free (test_request (f->server, "POST", move, f->ada, move_body));
  test_response_free (test_request (f->server, "POST", comments, f->ada, "{\"text\": \"hi\"}"));
  test_response_free (test_request (f->server, "PUT", iteration, f->ada, "{\"length\": 2}"));
  test_response_free (test_request (f->server, "DELETE", b_path, f->ada, NULL));
  test_response_free (test_request (f->server, "PATCH", f->project, f->ada, "{\"name\": \"Gemini\"}"));

  changes = test_request (f->server, "GET", all, f->ada, NULL);
  assert_status (changes, 200);
  g_assert_cmpint (test_response_int (changes, "version"), ==, G_N_ELEMENTS (expected));
  g_assert_false (json_object_get_boolean_member (test_response_object (changes), "more"));
  list = json_object_get_array_member (test_response_object (changes), "changes");
  g_assert_cmpuint (json_array_get_length (list), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *change = json_array_get_object_element (list, i);

      g_assert_cmpstr (json_object_get_string_member (change, "name"), ==, expected[i]);
      g_assert_cmpint (json_object_get_int_member (change, "version"), ==, i + 1);
      g_assert_cmpint (json_object_get_int_member (change, "actor_id"), ==, 1);
    }
  {
    JsonObject *destroy = json_array_get_object_element (list, 6);

    g_assert_cmpint (json_object_get_int_member (destroy, "id"), ==, b);
    g_assert_cmpstr (json_object_get_string_member (destroy, "title"), ==, "B");
  }

  paged = test_request (f->server, "GET", page, f->ada, NULL);
  assert_status (paged, 200);
  g_assert_true (json_object_get_boolean_member (test_response_object (paged), "more"));
  list = json_object_get_array_member (test_response_object (paged), "changes");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "version"), ==, 3);

  none = path (f, "/changes?since=%u", (guint) G_N_ELEMENTS (expected));
  empty = test_request (f->server, "GET", none, f->ada, NULL);
  assert_status (empty, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_response_object (empty),
                                                                         "changes")), ==, 0);

  {
    g_autofree char *bad = path (f, "/changes?since=x");
    g_autofree char *missing = path (f, "/changes");
    g_autofree char *limit = path (f, "/changes?since=0&limit=1001");

    assert_refused (f, "GET", bad, f->ada, NULL, 400, "malformed");
    assert_refused (f, "GET", missing, f->ada, NULL, 400, "malformed");
    assert_refused (f, "GET", limit, f->ada, NULL, 400, "malformed");
  }
}

static const char * const short_history[] = { "--history", "3", NULL };

/* With three changes kept, asking from before them is 410. */
static void
test_changes_gone (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *old = path (f, "/changes?since=1");
  g_autofree char *kept = path (f, "/changes?since=2");
  g_autoptr(TestResponse) gone = NULL;
  g_autoptr(TestResponse) fine = NULL;

  for (guint i = 0; i < 5; i++)
    create_story (f, "{\"title\": \"x\"}");

  gone = test_request (f->server, "GET", old, f->ada, NULL);
  assert_status (gone, 410);
  g_assert_cmpstr (test_response_error_code (gone), ==, "gone");
  fine = test_request (f->server, "GET", kept, f->ada, NULL);
  assert_status (fine, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (test_response_object (fine),
                                                                         "changes")), ==, 3);
}

static void
test_idempotency (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *stories = path (f, "/stories");
  const char * const headers[] = { "Idempotency-Key", "create-launch-1", NULL };
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"title\": \"Launch\"}", 19);
  g_autoptr(TestResponse) first = test_request_full (f->server, "POST", stories, f->ada,
                                                     "application/json", body, headers);
  g_autoptr(TestResponse) retry = test_request_full (f->server, "POST", stories, f->ada,
                                                     "application/json", body, headers);
  g_autoptr(TestResponse) list = NULL;
  g_autoptr(JsonArray) ids = NULL;

  assert_status (first, 201);
  assert_status (retry, 201);
  g_assert_cmpstr (first->text, ==, retry->text);
  ids = story_ids_in_order (f, &list);
  g_assert_cmpuint (json_array_get_length (ids), ==, 1);
  g_assert_cmpint (project_version (f), ==, 1);
}

static void
test_realtime_info_and_auth (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(TestResponse) info = test_request (f->server, "GET", "/api/v1/realtime", f->ada, NULL);
  g_autoptr(TestResponse) auth = NULL;
  g_autoptr(TestResponse) presence = NULL;
  g_autoptr(TestResponse) refused = NULL;
  g_autoptr(TestResponse) bad_socket = NULL;
  g_autoptr(TestResponse) other = NULL;
  g_autofree char *form = g_strdup_printf ("socket_id=123.456&channel_name=private-project-%" G_GINT64_FORMAT,
                                           f->project_id);
  g_autofree char *presence_form = g_strdup_printf ("socket_id=123.456&channel_name=presence-project-%"
                                                    G_GINT64_FORMAT, f->project_id);
  g_autoptr(GBytes) form_bytes = g_bytes_new (form, strlen (form));
  g_autoptr(GBytes) presence_bytes = g_bytes_new (presence_form, strlen (presence_form));
  g_autoptr(GBytes) bad_bytes = g_bytes_new_static ("socket_id=abc&channel_name=private-project-1", 44);
  g_autoptr(GBytes) other_bytes = g_bytes_new_static ("socket_id=1.2&channel_name=private-chat", 39);
  JsonObject *object;
  const char *key;

  assert_status (info, 200);
  object = test_response_object (info);
  g_assert_cmpstr (json_object_get_string_member (object, "driver"), ==, "pusher");
  g_assert_cmpint (json_object_get_int_member (object, "ws_port"), ==, f->server->port);
  g_assert_cmpstr (json_object_get_string_member (object, "ws_path"), ==, "");
  key = json_object_get_string_member (object, "key");

  auth = test_request_full (f->server, "POST", "/api/v1/realtime/auth", f->ada,
                            "application/x-www-form-urlencoded", form_bytes, NULL);
  assert_status (auth, 200);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (test_response_object (auth), "auth"), key));

  presence = test_request_full (f->server, "POST", "/api/v1/realtime/auth", f->ada,
                                "application/x-www-form-urlencoded", presence_bytes, NULL);
  assert_status (presence, 200);
  g_assert_cmpstr (json_object_get_string_member (test_response_object (presence), "channel_data"), ==,
                   "{\"user_id\":\"1\",\"user_info\":{\"name\":\"Ada Lovelace\"}}");

  refused = test_request_full (f->server, "POST", "/api/v1/realtime/auth", f->bob,
                               "application/x-www-form-urlencoded", form_bytes, NULL);
  assert_status (refused, 403);
  bad_socket = test_request_full (f->server, "POST", "/api/v1/realtime/auth", f->ada,
                                  "application/x-www-form-urlencoded", bad_bytes, NULL);
  assert_status (bad_socket, 400);
  other = test_request_full (f->server, "POST", "/api/v1/realtime/auth", f->ada,
                             "application/x-www-form-urlencoded", other_bytes, NULL);
  assert_status (other, 403);
}

static const char * const behind_proxy[] = { "--public-url", "https://tracker.example.org", NULL };

/* Behind a TLS proxy, clients are sent to the proxy's wss:// address. */
static void
test_public_url (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TestResponse) info = test_request (f->server, "GET", "/api/v1/realtime", f->ada, NULL);
  JsonObject *object;

  assert_status (info, 200);
  object = test_response_object (info);
  g_assert_cmpstr (json_object_get_string_member (object, "ws_host"), ==, "tracker.example.org");
  g_assert_cmpint (json_object_get_int_member (object, "ws_port"), ==, 443);
  g_assert_true (json_object_get_boolean_member (object, "tls"));
  g_assert_cmpstr (json_object_get_string_member (object, "ws_path"), ==, "");
}

/* `user add`: duplicates and bad values exit 1, and change nothing. */
static void
test_user_add (Fixture       *f,
               gconstpointer  data)
{
  g_assert_false (test_server_add_user (f->server, "ada@example.org", "Ada Again", "analytical"));
  g_assert_false (test_server_add_user (f->server, "ADA@example.org", "Ada Shouting", "analytical"));
  g_assert_false (test_server_add_user (f->server, "not-an-email", "Nobody", "analytical"));
  g_assert_false (test_server_add_user (f->server, "short@example.org", "Short", "pw"));
  g_assert_true (test_server_add_user (f->server, "grace@example.org", "Grace Hopper", "cobol-rules"));
  g_free (test_server_sign_in (f->server, "grace@example.org", "cobol-rules"));
}

/* 500 with the failure's code and a message that leaks nothing. */
static void
assert_failed (TestResponse *response)
{
  assert_status (response, 500);
  g_assert_nonnull (test_response_error_code (response));
  g_assert_null (strstr (response->text, "TRUESTORY_TEST_FAIL_SQL"));
  test_response_free (response);
}

/* Restarts the server with every step of the statements holding @sql
 * failing (the server's test hook), as a busy or broken database would. */
static void
restart_failing (Fixture    *f,
                 const char *sql)
{
  test_server_terminate (f->server);
  g_setenv ("TRUESTORY_TEST_FAIL_SQL", sql, TRUE);
  test_server_restart (f->server);
  g_unsetenv ("TRUESTORY_TEST_FAIL_SQL");
}

/* A failed step of a lookup is the server's failure, 500, which clients
 * retry: never 404 "there is no project", on which the app closes the
 * project and drops its unsent edits, nor 401, on which it signs out, nor
 * a keyed create made a second time. And it changes nothing. */
static void
test_failed_lookups (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *stories = path (f, "/stories");
  g_autofree char *form = g_strdup_printf ("socket_id=123.456&channel_name=private-project-%"
                                           G_GINT64_FORMAT, f->project_id);
  g_autoptr(GBytes) form_bytes = g_bytes_new (form, strlen (form));
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"title\": \"Launch\"}", 19);
  const char * const headers[] = { "Idempotency-Key", "failed-lookup-1", NULL };
  g_autoptr(TestResponse) first = NULL;
  g_autoptr(TestResponse) retry = NULL;
  g_autoptr(TestResponse) list = NULL;
  g_autoptr(JsonArray) ids = NULL;

  restart_failing (f, "FROM memberships WHERE project_id = ? AND user_id = ?");
  assert_failed (test_request (f->server, "GET", f->project, f->ada, NULL));
  assert_failed (test_request (f->server, "GET", stories, f->ada, NULL));
  assert_failed (test_request_full (f->server, "POST", stories, f->ada, "application/json",
                                    body, headers));
  assert_failed (test_request_full (f->server, "POST", "/api/v1/realtime/auth", f->ada,
                                    "application/x-www-form-urlencoded", form_bytes, NULL));

  restart_failing (f, "FROM tokens JOIN users");
  assert_failed (test_request (f->server, "GET", "/api/v1/projects", f->ada, NULL));
  assert_failed (test_request (f->server, "GET", f->project, f->ada, NULL));

  restart_failing (f, "SELECT status, body FROM idempotency");
  assert_failed (test_request_full (f->server, "POST", stories, f->ada, "application/json",
                                    body, headers));

  test_server_terminate (f->server);
  test_server_restart (f->server);
  ids = story_ids_in_order (f, &list);
  g_assert_cmpuint (json_array_get_length (ids), ==, 0);
  g_assert_cmpint (project_version (f), ==, 0);
  first = test_request_full (f->server, "POST", stories, f->ada, "application/json", body, headers);
  retry = test_request_full (f->server, "POST", stories, f->ada, "application/json", body, headers);
  assert_status (first, 201);
  g_assert_cmpstr (first->text, ==, retry->text);
  g_assert_cmpint (project_version (f), ==, 1);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *statement = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  return value;
}

static TestResponse *
keyed_create (Fixture    *f,
              const char *key,
              const char *title)
{
  g_autofree char *stories = path (f, "/stories");
  g_autofree char *text = g_strdup_printf ("{\"title\": \"%s\"}", title);
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
  const char * const headers[] = { "Idempotency-Key", key, NULL };

  return test_request_full (f->server, "POST", stories, f->ada, "application/json", body, headers);
}

/* A database whose Idempotency-Keys were keyed by the key (WITHOUT ROWID,
 * before the schema that made them a rowid table) keeps its keys through
 * the migration; a key whose day is over gives way to a new answer, and
 * day-old keys are pruned from the table's start. */
static void
test_idempotency_migration (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(TestResponse) first = keyed_create (f, "kept-1", "Launch");
  g_autoptr(TestResponse) retry = NULL;
  g_autoptr(TestResponse) expired = NULL;
  g_autoptr(TestResponse) fresh = NULL;
  g_autoptr(TestResponse) fresh_retry = NULL;
  g_autofree char *downgrade = NULL;
  sqlite3 *db;
  gint64 schema;

  if (f->server->database != NULL)
    {
      g_test_skip ("an SQLite schema's migration");
      return;
    }
  assert_status (first, 201);
  g_assert_cmpint (project_version (f), ==, 1);

  test_server_terminate (f->server);
  db = test_server_open_database (f->server);
  schema = query_int (db, "PRAGMA user_version");
  downgrade = g_strdup_printf (
    "CREATE TABLE idempotency_old ("
    "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
    "  key TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, PRIMARY KEY (user_id, key)) WITHOUT ROWID;"
    "INSERT INTO idempotency_old SELECT user_id, key, status, body, created_at FROM idempotency;"
    "INSERT INTO idempotency_old SELECT user_id, 'old-' || key, status, body, created_at - 2 * 86400 "
    "  FROM idempotency;"
    "DROP TABLE idempotency;"
    "ALTER TABLE idempotency_old RENAME TO idempotency;"
    "CREATE INDEX idempotency_by_age ON idempotency (created_at);"
    "PRAGMA user_version = %" G_GINT64_FORMAT ";", schema - 1);
  test_server_exec_sql (db, downgrade);
  sqlite3_close (db);
  test_server_restart (f->server);

  retry = keyed_create (f, "kept-1", "Launch");
  assert_status (retry, 201);
  g_assert_cmpstr (retry->text, ==, first->text);
  g_assert_cmpint (project_version (f), ==, 1);
  /* The day-old copy of that key is no answer: a new story. */
  expired = keyed_create (f, "old-kept-1", "Launch again");
  assert_status (expired, 201);
  g_assert_cmpstr (expired->text, !=, first->text);
  g_assert_cmpint (project_version (f), ==, 2);
  fresh = keyed_create (f, "fresh-1", "Orbit");
  fresh_retry = keyed_create (f, "fresh-1", "Orbit");
  assert_status (fresh, 201);
  g_assert_cmpstr (fresh_retry->text, ==, fresh->text);
  g_assert_cmpint (project_version (f), ==, 3);

  test_server_terminate (f->server);
  db = test_server_open_database (f->server);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, schema);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_master WHERE name = 'idempotency' "
                                  "AND sql LIKE '%WITHOUT ROWID%'"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM idempotency"), ==, 3);
  /* Pruning reads from the start: a day-old row after a fresh one (the
   * clock went back) waits for a later prune. */
  test_server_exec_sql (db, "UPDATE idempotency SET created_at = created_at - 2 * 86400 "
                "WHERE key IN ('kept-1', 'fresh-1')");
  sqlite3_close (db);
  test_server_restart (f->server);
  {
    g_autoptr(TestResponse) again = keyed_create (f, "kept-1", "Launch once more");
    g_autoptr(TestResponse) unpruned = NULL;

    assert_status (again, 201);
    g_assert_cmpstr (again->text, !=, first->text);
    g_assert_cmpint (project_version (f), ==, 4);
    /* kept-1 (day-old, first) was pruned; old-kept-1, fresh, stopped the
     * prune before fresh-1, day-old: kept, it gives way all the same. */
    unpruned = keyed_create (f, "fresh-1", "Orbit again");
    assert_status (unpruned, 201);
    g_assert_cmpstr (unpruned->text, !=, fresh->text);
    g_assert_cmpint (project_version (f), ==, 5);
  }
  test_server_terminate (f->server);
  db = test_server_open_database (f->server);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM idempotency"), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM idempotency "
                                  "WHERE created_at > strftime('%s', 'now') - 3600"), ==, 3);
  sqlite3_close (db);
  test_server_restart (f->server);
}

#define ADD(name, func) \
  g_test_add ("/server/api/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("health-and-session", test_health_and_session);
  ADD ("bad-bodies", test_bad_bodies);
  ADD ("unknown-ids-and-members", test_unknown_ids_and_members);
  ADD ("projects", test_projects);
  ADD ("stories-placement-and-moves", test_stories_placement_and_moves);
  ADD ("state-changes", test_state_changes);
  ADD ("concurrent-edits", test_concurrent_edits);
  ADD ("comments", test_comments);
  ADD ("members", test_members);
  ADD ("iterations", test_iterations);
  ADD ("plan", test_plan);
  ADD ("changes", test_changes);
  g_test_add ("/server/api/changes-gone", Fixture, short_history, fixture_set_up,
              test_changes_gone, fixture_tear_down);
  ADD ("idempotency", test_idempotency);
  ADD ("realtime-info-and-auth", test_realtime_info_and_auth);
  ADD ("user-add", test_user_add);
  ADD ("failed-lookups", test_failed_lookups);
  ADD ("idempotency-migration", test_idempotency_migration);
  g_test_add ("/server/api/public-url", Fixture, behind_proxy, fixture_set_up,
              test_public_url, fixture_tear_down);

  return g_test_run ();
}
