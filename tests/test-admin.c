/* SPDX-License-Identifier: GPL-3.0-or-later */

/* truestory-server's admin commands (user remove, user password, member
 * add, member remove) run beside a running server on the same data, as an
 * operator runs them: their effects show over REST at once, a member who
 * leaves is evicted from the project's channels at once, subscribers go on
 * receiving events, and a bad input exits 1 (or 2) and changes nothing.
 * On SQLite, or on PostgreSQL with TRUESTORY_TEST_STORE=postgresql. */

#include <string.h>

#include "server-harness.h"
#include "ts-json.h"
#include "ws-client.h"

#define KEY "0123456789abcdef0123"

static const char * const app_args[] = {
  "--app-id", "4242", "--app-key", KEY, "--app-secret", "fedcba9876543210fedcba9876543210", NULL
};

typedef struct {
  TestServer *server;
  SoupSession *session;
  char *ada;
  char *bob;
  gint64 project_id;
  char *project;
  char *channel;
} Fixture;

#define RUN(server, input, ...) \
  test_server_run_admin ((server), (input), (const char * const[]) { __VA_ARGS__, NULL })

/* The command exited @status and said @words on standard error. */
static void
assert_run (TestRun    *run,
            int         status,
            const char *words)
{
  if (run->status != status || (words != NULL && strstr (run->err, words) == NULL))
    g_error ("expected exit %d saying “%s”, got %d: %s%s", status, words != NULL ? words : "",
             run->status, run->out, run->err);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = test_server_start (app_args);
  f->session = soup_session_new ();
  f->ada = test_server_add_and_sign_in (f->server, "ada@example.org", "Ada Lovelace", "analytical");
  f->bob = test_server_add_and_sign_in (f->server, "bob@example.org", "Bob Noyce", "integrated");
  f->project_id = test_server_create_project (f->server, f->ada, "{\"name\": \"Gemini\"}");
  f->project = g_strdup_printf ("%" G_GINT64_FORMAT, f->project_id);
  f->channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, f->project_id);
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
  g_free (f->bob);
  g_free (f->project);
  g_free (f->channel);
}

/* GET @path's answer as text, which must be 200. */
static char *
get_text (Fixture    *f,
          const char *path,
          const char *token)
{
  g_autoptr(TestResponse) response = test_request (f->server, "GET", path, token, NULL);

  assert_status (response, 200);
  return g_strdup (response->text);
}

static char *
members_path (Fixture *f)
{
  return g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members", f->project_id);
}

static char *
project_path (Fixture *f)
{
  return g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, f->project_id);
}

/* What an admin command may change, as REST shows it to Ada, and every
 * user: a refused command must leave all of it as it was. */
static char *
snapshot (Fixture *f)
{
  g_autofree char *members = members_path (f);
  g_autofree char *project = project_path (f);
  g_autofree char *members_text = get_text (f, members, f->ada);
  g_autofree char *project_text = get_text (f, project, f->ada);
  g_autoptr(TestRun) users = RUN (f->server, NULL, "user", "list");

  assert_run (users, 0, NULL);
  return g_strconcat (members_text, "\n", project_text, "\n", users->out, NULL);
}

static guint
status_of (Fixture    *f,
           const char *method,
           const char *path,
           const char *token)
{
  g_autoptr(TestResponse) response = test_request (f->server, method, path, token, NULL);

  return response->status;
}

static guint
authorize_status (Fixture    *f,
                  Client     *client,
                  const char *token,
                  const char *channel)
{
  g_autofree char *form = g_strdup_printf ("socket_id=%s&channel_name=%s", client->socket_id,
                                           channel);
  g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));
  g_autoptr(TestResponse) auth = test_request_full (f->server, "POST", "/api/v1/realtime/auth",
                                                    token, "application/x-www-form-urlencoded",
                                                    body, NULL);

  return auth->status;
}

/* @client was evicted from @channel: its subscription was ended with an
 * error naming the channel. Returns how long that took, in ms. */
static double
expect_evicted (Client     *client,
                const char *channel,
                gint64      since)
{
  g_autoptr(JsonObject) evicted = client_expect (client, "pusher:subscription_error");

  g_assert_cmpstr (json_object_get_string_member (evicted, "channel"), ==, channel);
  return (g_get_monotonic_time () - since) / 1000.0;
}

/* Ada still hears the project: a story she creates reaches her socket,
 * none reaches @evicted. */
static void
expect_events_go_on (Fixture *f,
                     Client  *ada,
                     Client  *evicted)
{
  g_autoptr(JsonObject) event = NULL;

  test_server_create_story (f->server, f->ada, f->project_id, "{\"title\": \"After\"}");
  event = client_expect (ada, "stories-create");
  g_assert_cmpstr (json_object_get_string_member (event, "channel"), ==, f->channel);
  if (evicted != NULL)
    client_sync (evicted);
}

/* member add: Bob sees the project at once; the project's version does
 * not move (membership is no project change, as over REST); a second add
 * says so and exits 0; bad inputs exit 1 or 2 and change nothing. */
static void
test_member_add (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *project = project_path (f);
  g_autofree char *members = members_path (f);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonObject) listed = NULL;
  gint64 version = test_server_version (f->server, f->ada, project);
  g_autoptr(TestRun) added = NULL;
  g_autoptr(TestRun) again = NULL;

  g_assert_cmpuint (status_of (f, "GET", project, f->bob), ==, 404);
  before = snapshot (f);
  {
    g_autoptr(TestRun) unknown_project = RUN (f->server, NULL, "member", "add", "--project", "999",
                                          "--email", "bob@example.org");
    g_autoptr(TestRun) unknown_email = RUN (f->server, NULL, "member", "add", "--project", f->project,
                                        "--email", "nobody@example.org");
    g_autoptr(TestRun) no_project = RUN (f->server, NULL, "member", "add", "--email",
                                     "bob@example.org");

    assert_run (unknown_project, 1, "there is no project 999");
    assert_run (unknown_email, 1, "nobody here has the email nobody@example.org");
    assert_run (no_project, 2, "member add needs --project ID and --email");
  }
  after = snapshot (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (status_of (f, "GET", project, f->bob), ==, 404);

  added = RUN (f->server, NULL, "member", "add", "--project", f->project, "--email",
               "BOB@example.org");
  assert_run (added, 0, NULL);
  g_assert_nonnull (strstr (added->out, "\"email\":\"bob@example.org\""));
  g_assert_cmpuint (status_of (f, "GET", project, f->bob), ==, 200);
  listed = test_get_object (f->server, members, f->ada);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (listed, "members")), ==,
                    2);
  g_assert_cmpint (test_server_version (f->server, f->ada, project), ==, version);

  again = RUN (f->server, NULL, "member", "add", "--project", f->project, "--email",
               "bob@example.org");
  assert_run (again, 0, "was a member of project");
}

/* member remove: Bob's socket leaves the project's channels at once (the
 * running server notices another process's change), his REST access ends,
 * Ada's socket goes on receiving events; bad inputs change nothing. */
static void
test_member_remove (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *project = project_path (f);
  g_autofree char *presence = g_strdup_printf ("presence-project-%s", f->project);
  g_autoptr(Client) ada = client_open_pusher (f->session, f->server->port, KEY);
  g_autoptr(Client) bob = client_open_pusher (f->session, f->server->port, KEY);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(TestRun) removed = NULL;
  gint64 started;
  double ms;

  test_server_add_member (f->server, f->ada, f->project_id, "bob@example.org");
  client_subscribe_through (ada, f->server, f->ada, f->channel);
  client_subscribe_through (bob, f->server, f->bob, f->channel);
  client_subscribe_through (bob, f->server, f->bob, presence);
  g_assert_true (test_server_add_user (f->server, "eve@example.org", "Eve", "eavesdrop"));

  before = snapshot (f);
  {
    g_autoptr(TestRun) not_member = RUN (f->server, NULL, "member", "remove", "--project", f->project,
                                     "--email", "eve@example.org");
    g_autoptr(TestRun) unknown_project = RUN (f->server, NULL, "member", "remove", "--project", "999",
                                          "--email", "bob@example.org");
    g_autoptr(TestRun) unknown_email = RUN (f->server, NULL, "member", "remove", "--project",
                                        f->project, "--email", "nobody@example.org");

    assert_run (not_member, 1, "eve@example.org is not a member of project");
    assert_run (unknown_project, 1, "there is no project 999");
    assert_run (unknown_email, 1, "nobody here has the email");
  }
  after = snapshot (f);
  g_assert_cmpstr (after, ==, before);
  client_sync (bob);

  started = g_get_monotonic_time ();
  removed = RUN (f->server, NULL, "member", "remove", "--project", f->project, "--email",
                 "bob@example.org");
  assert_run (removed, 0, NULL);
  ms = expect_evicted (bob, f->channel, started);
  expect_evicted (bob, presence, started);
  g_test_message ("evicted %.0f ms after the command started", ms);
  g_assert_cmpuint (status_of (f, "GET", project, f->bob), ==, 404);
  g_assert_cmpuint (authorize_status (f, bob, f->bob, f->channel), ==, 403);
  expect_events_go_on (f, ada, bob);

  /* Ada is the last member now: a project keeps one. */
  g_clear_pointer (&before, g_free);
  g_clear_pointer (&after, g_free);
  before = snapshot (f);
  {
    g_autoptr(TestRun) last = RUN (f->server, NULL, "member", "remove", "--project", f->project,
                               "--email", "ada@example.org");

    assert_run (last, 1, "keeps at least one member");
  }
  after = snapshot (f);
  g_assert_cmpstr (after, ==, before);
  expect_events_go_on (f, ada, NULL);
}

/* user password: a reset. Every session Bob had ends (his tokens answer
 * 401, his socket leaves the project's channels), the old password stops
 * working and the new one works; a bad password or email changes nothing. */
static void
test_user_password (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Client) ada = client_open_pusher (f->session, f->server->port, KEY);
  g_autoptr(Client) bob = client_open_pusher (f->session, f->server->port, KEY);
  g_autofree char *second = test_server_sign_in (f->server, "bob@example.org", "integrated");
  g_autofree char *fresh = NULL;
  g_autoptr(TestRun) changed = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 started;

  test_server_add_member (f->server, f->ada, f->project_id, "bob@example.org");
  client_subscribe_through (ada, f->server, f->ada, f->channel);
  client_subscribe_through (bob, f->server, f->bob, f->channel);

  before = snapshot (f);
  {
    g_autoptr(TestRun) short_one = RUN (f->server, "short\n", "user", "password", "--email",
                                    "bob@example.org");
    g_autoptr(TestRun) no_input = RUN (f->server, "", "user", "password", "--email",
                                   "bob@example.org");
    g_autoptr(TestRun) unknown = RUN (f->server, "a long password\n", "user", "password", "--email",
                                  "nobody@example.org");

    assert_run (short_one, 1, "at least 8 characters");
    assert_run (no_input, 1, "first line of standard input");
    assert_run (unknown, 1, "nobody here has the email");
  }
  after = snapshot (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (status_of (f, "GET", "/api/v1/me", f->bob), ==, 200);
  g_assert_cmpuint (status_of (f, "GET", "/api/v1/me", second), ==, 200);
  client_sync (bob);

  started = g_get_monotonic_time ();
  changed = RUN (f->server, "transistor radio\nignored\n", "user", "password", "--email",
                 "bob@example.org");
  assert_run (changed, 0, "ended 2 sessions of bob@example.org");
  g_assert_nonnull (strstr (changed->out, "\"email\":\"bob@example.org\""));
  expect_evicted (bob, f->channel, started);
  g_assert_cmpuint (status_of (f, "GET", "/api/v1/me", f->bob), ==, 401);
  g_assert_cmpuint (status_of (f, "GET", "/api/v1/me", second), ==, 401);
  g_assert_cmpuint (status_of (f, "GET", "/api/v1/me", f->ada), ==, 200);
  {
    g_autoptr(TestResponse) old = test_request (f->server, "POST", "/api/v1/session", NULL,
                                                "{\"email\": \"bob@example.org\", "
                                                "\"password\": \"integrated\"}");

    assert_status (old, 401);
  }
  fresh = test_server_sign_in (f->server, "bob@example.org", "transistor radio");
  g_assert_cmpuint (authorize_status (f, bob, fresh, f->channel), ==, 200);
  expect_events_go_on (f, ada, bob);
}

/* user remove: Bob's sessions end, he leaves every project (his socket
 * evicted), his comments stay, still his (an author id the app reads as
 * it reads a removed member's); the only member of a project cannot be
 * removed, nor can nobody. */
static void
test_user_remove (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *members = members_path (f);
  g_autofree char *comments = NULL;
  g_autoptr(Client) ada = client_open_pusher (f->session, f->server->port, KEY);
  g_autoptr(Client) bob = client_open_pusher (f->session, f->server->port, KEY);
  g_autoptr(JsonObject) listed = NULL;
  g_autoptr(JsonObject) comment_list = NULL;
  g_autoptr(TestResponse) commented = NULL;
  g_autoptr(TestRun) removed = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(TsComment) read_back = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *comment;
  gint64 story_id, started;

  test_server_add_member (f->server, f->ada, f->project_id, "bob@example.org");
  story_id = test_server_create_story (f->server, f->bob, f->project_id, "{\"title\": \"Bob's\"}");
  comments = g_strdup_printf ("/api/v1/projects/%s/stories/%" G_GINT64_FORMAT "/comments",
                              f->project, story_id);
  commented = test_request (f->server, "POST", comments, f->bob, "{\"text\": \"Mine\"}");
  assert_status (commented, 201);
  /* Bob alone in a project of his own: he cannot be removed yet. */
  test_server_create_project (f->server, f->bob, "{\"name\": \"Solo\"}");
  client_subscribe_through (ada, f->server, f->ada, f->channel);
  client_subscribe_through (bob, f->server, f->bob, f->channel);

  before = snapshot (f);
  {
    g_autoptr(TestRun) only = RUN (f->server, NULL, "user", "remove", "--email", "bob@example.org");
    g_autoptr(TestRun) unknown = RUN (f->server, NULL, "user", "remove", "--email",
                                  "nobody@example.org");
    g_autoptr(TestRun) no_email = RUN (f->server, NULL, "user", "remove");

    assert_run (only, 1, "bob@example.org is the only member of project");
    assert_run (unknown, 1, "nobody here has the email");
    assert_run (no_email, 2, "user remove needs --email");
  }
  after = snapshot (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (status_of (f, "GET", "/api/v1/me", f->bob), ==, 200);
  client_sync (bob);

  /* Bob's own project gets Ada, then Bob can go. */
  {
    g_autoptr(TestRun) added = RUN (f->server, NULL, "member", "add", "--project",
                                "2", "--email", "ada@example.org");

    assert_run (added, 0, NULL);
  }
  started = g_get_monotonic_time ();
  removed = RUN (f->server, NULL, "user", "remove", "--email", "bob@example.org");
  assert_run (removed, 0, NULL);
  expect_evicted (bob, f->channel, started);
  g_assert_cmpuint (status_of (f, "GET", "/api/v1/me", f->bob), ==, 401);
  listed = test_get_object (f->server, members, f->ada);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (listed, "members")), ==,
                    1);
  comment_list = test_get_object (f->server, comments, f->ada);
  comment = json_array_get_object_element (json_object_get_array_member (comment_list, "comments"),
                                           0);
  g_assert_cmpstr (json_object_get_string_member (comment, "text"), ==, "Mine");
  g_assert_cmpint (json_object_get_int_member (comment, "author_id"), ==, 2);
  /* As the app reads it. */
  read_back = ts_comment_from_json (comment, &error);
  g_assert_no_error (error);
  g_assert_nonnull (read_back);
  g_assert_cmpuint (status_of (f, "GET", "/api/v1/projects/2", f->ada), ==, 200);
  expect_events_go_on (f, ada, bob);
  {
    g_autoptr(TestRun) users = RUN (f->server, NULL, "user", "list");

    assert_run (users, 0, NULL);
    g_assert_null (strstr (users->out, "bob@example.org"));
  }
}

#define ADD(name, func) \
  g_test_add ("/server/admin/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("member-add", test_member_add);
  ADD ("member-remove", test_member_remove);
  ADD ("user-password", test_user_password);
  ADD ("user-remove", test_user_remove);

  return g_test_run ();
}
