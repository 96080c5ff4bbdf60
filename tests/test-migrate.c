/* SPDX-License-Identifier: GPL-3.0-or-later */

/* `truestory-server migrate`: a team moves from an SQLite data directory
 * to PostgreSQL. A server with a few thousand stories, their history,
 * comments, iterations, kept Idempotency-Key answers and a removed user is
 * stopped and migrated (tasks too); every table's count is equal on both sides, and a
 * server on the new database answers every read as the old one did, to
 * the old tokens: the stories as JSON, the history after an old version,
 * 410 before the kept history (a reload), the realtime credentials. Apps
 * reconnecting get only new events, ids go on past the old ones, and a
 * second migrate, or one from a served or damaged data directory, is
 * refused and writes nothing. */

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "pg-harness.h"
#include "seed-stories.h"
#include "server-harness.h"
#include "store-harness.h"
#include "ws-client.h"

#define N_STORIES 2500

static const char * const tables[] = {
  "settings", "users", "tokens", "projects", "memberships", "iterations", "stories", "comments",
  "tasks", "changes", "idempotency",
};

/* The old server keeps 1,000 changes a project: the project seeded here
 * has more, so an app from before them reloads (410), on both. */
static const char * const history_args[] = { "--history", "1000", NULL };

static TestRun *
migrate (const char *data_dir,
         const char *database)
{
  const char *args[] = { "migrate", "--from", data_dir, "--to", database, NULL };

  return test_run_program (args, NULL);
}

static void
assert_run (TestRun    *run,
            int         status,
            const char *words)
{
  if (run->status != status || (words != NULL && strstr (run->err, words) == NULL &&
                                strstr (run->out, words) == NULL))
    g_error ("expected exit %d saying “%s”, got %d: %s%s", status, words != NULL ? words : "",
             run->status, run->out, run->err);
}

static gint64
sqlite_count (const char *data_dir,
              const char *table)
{
  g_autofree char *path = g_build_filename (data_dir, "truestory.db", NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return count;
}

static void
sqlite_exec (const char *data_dir,
             const char *sql)
{
  g_autofree char *path = g_build_filename (data_dir, "truestory.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* -1 when the table does not exist. */
static gint64
pg_count (const char *database,
          const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  PGconn *connection = PQconnectdb (database);
  PGresult *result;
  gint64 count = -1;

  g_assert_cmpint (PQstatus (connection), ==, CONNECTION_OK);
  result = PQexec (connection, sql);
  if (PQresultStatus (result) == PGRES_TUPLES_OK)
    count = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (connection);
  return count;
}

/* Nothing of the team is in @database (its tables may exist, empty). */
static void
assert_pg_empty (const char *database)
{
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (!g_str_equal (tables[i], "settings"))
      g_assert_cmpint (pg_count (database, tables[i]), <=, 0);
}

static char *
get_text (TestServer *server,
          const char *path,
          const char *token,
          guint       status)
{
  g_autoptr(TestResponse) response = test_request (server, "GET", path, token, NULL);

  assert_status (response, status);
  return g_strdup (response->text);
}

static TestResponse *
post_with_key (TestServer *server,
               const char *path,
               const char *token,
               const char *body,
               const char *key)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  const char * const headers[] = { "Idempotency-Key", key, NULL };

  return test_request_full (server, "POST", path, token, "application/json", bytes, headers);
}

typedef struct {
  TestServer *server;
  char *ada;
  char *bob;
  gint64 apollo;
  gint64 gemini;
  /* The embedded hub's app key, kept in the database. */
  char *key;
  /* The highest ids the old server gave (their rows deleted since). */
  gint64 deleted_story;
  gint64 removed_user;
  /* A PATCH from an old base version and the 409 it is answered: the
   * per-field versions decide it. */
  char *probe_path;
  char *probe_body;
  char *probe_answer;
  /* The idempotent create and its answer. */
  char *keyed_path;
  char *keyed_answer;
  gint64 apollo_version;
  /* GET paths and the old server's answers, with the token to ask with. */
  GPtrArray *paths;
  GPtrArray *tokens;
  GPtrArray *statuses;
  GPtrArray *answers;
} Team;

static void
team_read (Team       *team,
           const char *path,
           const char *token,
           guint       status)
{
  g_ptr_array_add (team->paths, g_strdup (path));
  g_ptr_array_add (team->tokens, (gpointer) token);
  g_ptr_array_add (team->statuses, GUINT_TO_POINTER (status));
  g_ptr_array_add (team->answers, get_text (team->server, path, token, status));
}

/* Some history beside the seeded creates: edits, comments, moves and
 * deletes, by both members. */
static void
make_history (Team    *team,
              gint64   first_story)
{
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%"
                                               G_GINT64_FORMAT, team->apollo,
                                               first_story + i * 7);
      g_autofree char *body = g_strdup_printf ("{\"title\": \"Edited %u\"}", i);
      g_autoptr(TestResponse) patched = test_request (team->server, "PATCH", path,
                                                      i % 2 ? team->bob : team->ada, body);
      g_autofree char *comments = g_strconcat (path, "/comments", NULL);

      assert_status (patched, 200);
      if (i % 3 == 0)
        {
          g_autoptr(TestResponse) commented = test_request (team->server, "POST", comments,
                                                            team->bob, "{\"text\": \"Seen\"}");

          assert_status (commented, 201);
        }
      if (i % 5 == 0)
        {
          g_autofree char *tasks = g_strconcat (path, "/tasks", NULL);
          g_autoptr(TestResponse) added = test_request (team->server, "POST", tasks, team->ada,
                                                        "{\"text\": \"Check it\", \"done\": true}");

          assert_status (added, 201);
        }
      if (i % 10 == 0)
        {
          g_autofree char *move = g_strconcat (path, "/move", NULL);
          g_autofree char *after = g_strdup_printf ("{\"after_id\": %" G_GINT64_FORMAT "}",
                                                    first_story + N_STORIES - 1 - i);
          g_autoptr(TestResponse) moved = test_request (team->server, "POST", move, team->ada,
                                                        after);

          assert_status (moved, 200);
        }
    }
}

static void
print_as_comment (const char *text)
{
  fprintf (stdout, "# %s", text);
}

/* The old server: two members, two projects, N_STORIES stories seeded
 * with Idempotency-Keys, history, a deleted last story and a removed
 * user, so that SQLite's counters are past its highest ids. */
static void
team_build (Team *team)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host",
                                                                  SEED_IN_FLIGHT, NULL);
  g_autoptr(TsApiClient) api = NULL;
  g_autofree char *apollo_stories = NULL;
  g_autofree char *last = NULL;
  g_autoptr(TestResponse) keyed = NULL;
  g_autoptr(TestResponse) removed = NULL;
  g_autoptr(TestResponse) iteration = NULL;
  g_autoptr(TestRun) removed_user = NULL;
  GPrintFunc previous;
  gint64 first_story;

  team->server = test_server_start (history_args);
  team->ada = test_server_add_and_sign_in (team->server, "ada@example.org", "Ada", "analytical");
  team->bob = test_server_add_and_sign_in (team->server, "bob@example.org", "Bob", "integrated");
  g_assert_true (test_server_add_user (team->server, "carol@example.org", "Carol", "cellular"));
  team->removed_user = 3;
  team->apollo = test_server_create_project (team->server, team->ada, "{\"name\": \"Apollo\"}");
  test_server_add_member (team->server, team->ada, team->apollo, "bob@example.org");
  team->gemini = test_server_create_project (team->server, team->bob, "{\"name\": \"Gemini\"}");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT
                                             "/iterations/2", team->gemini);

    iteration = test_request (team->server, "PUT", path, team->bob, "{\"team_strength\": 0.5}");
    assert_status (iteration, 200);
  }

  first_story = test_server_create_story (team->server, team->ada, team->apollo,
                                          "{\"title\": \"First\"}");
  api = store_sign_in (team->server, session, "ada@example.org", "analytical");
  /* seed_stories() says how long it took: as a TAP comment here. */
  previous = g_set_print_handler (print_as_comment);
  seed_stories (api, team->apollo, N_STORIES - 1, TRUE);
  g_set_print_handler (previous);
  make_history (team, first_story);
  /* Bob retitled the second story edited (nothing else changed it since),
   * at its version: Ada, from the version before, conflicts on the title. */
  team->probe_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%"
                                      G_GINT64_FORMAT, team->apollo, first_story + 7);
  team->probe_body = g_strdup_printf ("{\"title\": \"Clash\", \"description\": \"Also\", "
                                      "\"base_version\": %" G_GINT64_FORMAT "}",
                                      test_server_version (team->server, team->ada,
                                                           team->probe_path) - 1);

  apollo_stories = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", team->apollo);
  team->keyed_path = g_strdup (apollo_stories);
  keyed = post_with_key (team->server, apollo_stories, team->ada, "{\"title\": \"Keyed\"}",
                         "migrate-key-1");
  assert_status (keyed, 201);
  team->keyed_answer = g_strdup (keyed->text);

  team->deleted_story = test_server_create_story (team->server, team->ada, team->apollo,
                                                  "{\"title\": \"Gone\"}");
  last = g_strdup_printf ("%s/%" G_GINT64_FORMAT, apollo_stories, team->deleted_story);
  removed = test_request (team->server, "DELETE", last, team->ada, NULL);
  assert_status (removed, 200);
  {
    const char *args[] = { "--data-dir", team->server->data_dir, "user", "remove", "--email",
                           "carol@example.org", NULL };

    removed_user = test_run_program (args, NULL);
    assert_run (removed_user, 0, NULL);
  }
}

/* What the old server answers, to be asked again of the new one. */
static void
team_read_all (Team *team)
{
  const gint64 projects[] = { team->apollo, team->gemini };
  g_autofree char *apollo = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, team->apollo);

  g_autoptr(JsonObject) realtime = test_get_object (team->server, "/api/v1/realtime", team->ada);

  team->key = g_strdup (json_object_get_string_member (realtime, "key"));
  team->apollo_version = test_server_version (team->server, team->ada, apollo);
  {
    g_autoptr(TestResponse) probe = test_request (team->server, "PATCH", team->probe_path,
                                                  team->ada, team->probe_body);

    assert_status (probe, 409);
    team->probe_answer = g_strdup (probe->text);
  }
  team_read (team, "/api/v1/projects", team->ada, 200);
  team_read (team, "/api/v1/projects", team->bob, 200);
  team_read (team, "/api/v1/me", team->bob, 200);
  for (guint i = 0; i < G_N_ELEMENTS (projects); i++)
    {
      static const char * const parts[] = {
        "", "/stories", "/members", "/comments", "/plan?today=2026-12-07&velocity=10",
      };

      for (guint j = 0; j < G_N_ELEMENTS (parts); j++)
        {
          g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "%s",
                                                   projects[i], parts[j]);

          team_read (team, path, team->bob, 200);
        }
    }
  {
    g_autofree char *recent = g_strdup_printf ("%s/changes?since=%" G_GINT64_FORMAT, apollo,
                                               team->apollo_version - 40);
    g_autofree char *gone = g_strdup_printf ("%s/changes?since=5", apollo);
    g_autofree char *gemini = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT
                                               "/changes?since=0", team->gemini);

    team_read (team, recent, team->ada, 200);
    team_read (team, gone, team->ada, 410);
    team_read (team, gemini, team->bob, 200);
  }
}

static void
team_free (Team *team)
{
  if (team->server != NULL)
    test_server_stop (team->server);
  g_free (team->ada);
  g_free (team->bob);
  g_free (team->key);
  g_free (team->probe_path);
  g_free (team->probe_body);
  g_free (team->probe_answer);
  g_free (team->keyed_path);
  g_free (team->keyed_answer);
  g_ptr_array_unref (team->paths);
  g_ptr_array_unref (team->tokens);
  g_ptr_array_unref (team->statuses);
  g_ptr_array_unref (team->answers);
}

static void
team_init (Team *team)
{
  memset (team, 0, sizeof *team);
  team->paths = g_ptr_array_new_with_free_func (g_free);
  team->tokens = g_ptr_array_new ();
  team->statuses = g_ptr_array_new ();
  team->answers = g_ptr_array_new_with_free_func (g_free);
}

/* Every table counted on both sides, and the counts migrate printed. */
static void
assert_counts_equal (const char *data_dir,
                     const char *database,
                     TestRun    *run)
{
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      gint64 before = sqlite_count (data_dir, tables[i]);
      g_autofree char *said = g_strdup_printf ("%s %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT,
                                               tables[i], before, before);

      g_assert_cmpint (pg_count (database, tables[i]), ==, before);
      if (strstr (run->out, said) == NULL)
        g_error ("migrate did not say “%s”: %s", said, run->out);
    }
  g_assert_cmpint (sqlite_count (data_dir, "stories"), >=, N_STORIES);
  g_assert_cmpint (sqlite_count (data_dir, "changes"), >, 1000);
}

/* The new server answers every read as the old one did, to old tokens,
 * and merges an edit from an old base version as it did. */
static void
assert_same_answers (Team       *team,
                     TestServer *server)
{
  g_autoptr(TestResponse) probe = test_request (server, "PATCH", team->probe_path, team->ada,
                                                team->probe_body);

  assert_status (probe, 409);
  g_assert_cmpstr (probe->text, ==, team->probe_answer);

  for (guint i = 0; i < team->paths->len; i++)
    {
      g_autofree char *answer = get_text (server, team->paths->pdata[i], team->tokens->pdata[i],
                                          GPOINTER_TO_UINT (team->statuses->pdata[i]));

      if (!g_str_equal (answer, team->answers->pdata[i]))
        g_error ("GET %s differs after migrate:\n%.300s\n%.300s", (char *) team->paths->pdata[i],
                 (char *) team->answers->pdata[i], answer);
    }
}

/* An app reconnecting to the new server: subscribed to the project, it
 * gets the next change's event (and none of the copied history), at the
 * version after the one it knew; ids go on past the old server's. */
static void
assert_goes_on (Team       *team,
                TestServer *server)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonObject) info = test_get_object (server, "/api/v1/realtime", team->ada);
  g_autoptr(Client) client = NULL;
  g_autofree char *channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, team->apollo);
  g_autofree char *form = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TestResponse) auth = NULL;
  g_autofree char *subscribe = NULL;
  g_autoptr(JsonObject) subscribed = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(TestResponse) again = NULL;
  gint64 story;

  /* The same app credentials: the apps' kept key still works. */
  g_assert_cmpstr (json_object_get_string_member (info, "key"), ==, team->key);
  client = client_open_pusher (session, server->port, team->key);
  form = g_strdup_printf ("socket_id=%s&channel_name=%s", client->socket_id, channel);
  body = g_bytes_new (form, strlen (form));
  auth = test_request_full (server, "POST", "/api/v1/realtime/auth", team->ada,
                            "application/x-www-form-urlencoded", body, NULL);
  assert_status (auth, 200);
  subscribe = subscribe_message (channel, json_object_get_string_member (test_response_object (auth),
                                                                         "auth"), NULL);
  client_send (client, subscribe);
  subscribed = client_expect (client, "pusher_internal:subscription_succeeded");

  /* The kept Idempotency-Key answers as before, and makes nothing. */
  again = post_with_key (server, team->keyed_path, team->ada, "{\"title\": \"Keyed\"}",
                         "migrate-key-1");
  assert_status (again, 201);
  g_assert_cmpstr (again->text, ==, team->keyed_answer);

  story = test_server_create_story (server, team->bob, team->apollo, "{\"title\": \"Moved in\"}");
  g_assert_cmpint (story, >, team->deleted_story);
  event = client_expect (client, "stories-create");
  data = message_data (event);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (data, "story"), "id"),
                   ==, story);
  g_assert_cmpint (json_object_get_int_member (data, "version"), ==, team->apollo_version + 1);
  client_sync (client);
  {
    g_autoptr(TestResponse) sign_in = test_request (server, "POST", "/api/v1/session", NULL,
                                                    "{\"email\": \"bob@example.org\", "
                                                    "\"password\": \"integrated\"}");
    const char *args[] = { "--database", server->database, "user", "add", "--email",
                           "dan@example.org", "--name", "Dan", NULL };
    g_autoptr(TestRun) added = test_run_program (args, "a long password\n");
    g_autoptr(JsonParser) parser = json_parser_new ();

    assert_status (sign_in, 201);
    assert_run (added, 0, NULL);
    g_assert_true (json_parser_load_from_data (parser, added->out, -1, NULL));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                                 "id"), >, team->removed_user);
  }
}

static void
test_migrate (void)
{
  g_autofree char *database = test_pg_new_database ();
  g_autoptr(TestRun) migrated = NULL;
  g_autoptr(TestRun) twice = NULL;
  TestServer *server = NULL;
  Team team;
  gint64 started;

  team_init (&team);
  team_build (&team);
  team_read_all (&team);
  test_server_terminate (team.server);

  started = g_get_monotonic_time ();
  migrated = migrate (team.server->data_dir, database);
  assert_run (migrated, 0, NULL);
  g_test_message ("migrated %" G_GINT64_FORMAT " stories and %" G_GINT64_FORMAT
                  " changes in %.2f s", sqlite_count (team.server->data_dir, "stories"),
                  sqlite_count (team.server->data_dir, "changes"),
                  (g_get_monotonic_time () - started) / 1e6);
  assert_counts_equal (team.server->data_dir, database, migrated);

  test_servers_start_on (database, 1, history_args, &server);
  assert_same_answers (&team, server);
  assert_goes_on (&team, server);

  twice = migrate (team.server->data_dir, database);
  assert_run (twice, 1, "not empty");
  g_assert_cmpint (pg_count (database, "users"), ==, sqlite_count (team.server->data_dir, "users") + 1);

  test_server_stop (server);
  team_free (&team);
}

/* A served data directory, a missing one, a wrong command line, and a
 * copy that fails half-way (text PostgreSQL refuses): each exits non-zero
 * and leaves the target empty. */
static void
test_migrate_refused (void)
{
  g_autofree char *database = test_pg_new_database ();
  g_autofree char *missing = NULL;
  TestServer *source = test_server_start (NULL);
  g_autofree char *token = test_server_add_and_sign_in (source, "ada@example.org", "Ada",
                                                        "analytical");
  gint64 project = test_server_create_project (source, token, "{\"name\": \"Apollo\"}");
  gint64 story = test_server_create_story (source, token, project, "{\"title\": \"One\"}");
  g_autofree char *damage = NULL;

  {
    g_autoptr(TestRun) served = migrate (source->data_dir, database);

    assert_run (served, 1, "stop it before migrating");
    assert_pg_empty (database);
  }
  {
    const char *args[] = { "migrate", "--from", source->data_dir, NULL };
    g_autoptr(TestRun) no_target = test_run_program (args, NULL);

    missing = g_build_filename (source->data_dir, "nothing-here", NULL);
    assert_run (no_target, 2, "migrate needs --from DATA_DIR and --to");
  }
  {
    g_autoptr(TestRun) nothing = migrate (missing, database);

    assert_run (nothing, 1, "holds no TrueStory database");
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }

  /* A comment whose text is not UTF-8 (no server writes one): the copy
   * fails at the comments, after the users, projects and stories. */
  test_server_terminate (source);
  damage = g_strdup_printf ("INSERT INTO comments (project_id, story_id, author_id, text, "
                            "created_at, version) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                            ", 1, CAST(X'C328' AS TEXT), '2026-12-07T00:00:00Z', 1)",
                            project, story);
  sqlite_exec (source->data_dir, damage);
  {
    g_autoptr(TestRun) failed = migrate (source->data_dir, database);

    assert_run (failed, 1, "copying comments");
    assert_pg_empty (database);
  }
  test_server_stop (source);
}

int
main (int   argc,
      char *argv[])
{
  /* The old server is SQLite's whatever the suite says; the new one is
   * given its database. */
  g_unsetenv ("TRUESTORY_TEST_STORE");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/postgresql/migrate/copy", test_migrate);
  g_test_add_func ("/postgresql/migrate/refused", test_migrate_refused);

  return g_test_run ();
}
