/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Nothing acknowledged is ever lost: a client creates stories in a loop
 * while the server is killed with SIGKILL at random moments and started
 * again, 20 times. Every create answered 2xx must be there afterwards, and
 * the project's versions must have no gaps. */

#include <signal.h>
#include <string.h>

#include "server-harness.h"

#define CYCLES 20
#define SEED 1729

typedef struct {
  GPid pid;
  guint delay_ms;
} Killer;

static gpointer
kill_later (gpointer data)
{
  Killer *killer = data;

  g_usleep (killer->delay_ms * 1000);
  kill (killer->pid, SIGKILL);
  return NULL;
}

/* A create that may fail because the server died: returns the new id, or
 * 0 when no answer came. */
static gint64
try_create (TestServer *server,
            const char *path,
            const char *token,
            guint       n)
{
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autofree char *body = g_strdup_printf ("{\"title\": \"Story %u\"}", n);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  answer = soup_session_send_and_read (server->session, msg, NULL, &error);
  if (answer == NULL || soup_message_get_status (msg) != SOUP_STATUS_CREATED)
    return 0;

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                             g_bytes_get_size (answer), NULL));
  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "id");
}

static void
assert_nothing_lost (TestServer *server,
                     const char *token,
                     gint64      project_id,
                     GHashTable *answered)
{
  g_autofree char *stories_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories",
                                                   project_id);
  g_autoptr(TestResponse) stories = test_request (server, "GET", stories_path, token, NULL);
  g_autoptr(GHashTable) present = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer key;
  JsonArray *list;
  gint64 version, expected = 1;
  gboolean more = TRUE;

  assert_status (stories, 200);
  list = json_object_get_array_member (test_response_object (stories), "stories");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = json_object_get_int_member (json_array_get_object_element (list, i), "id");
      g_hash_table_add (present, id);
    }

  g_hash_table_iter_init (&iter, answered);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_error ("story %" G_GINT64_FORMAT " was answered 201 and is gone", *(gint64 *) key);

  /* Versions 1 to N, each a change, and each change a story that exists;
   * the history comes in pages. */
  version = test_response_int (stories, "version");
  while (more)
    {
      g_autofree char *changes_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT
                                                       "/changes?since=%" G_GINT64_FORMAT,
                                                       project_id, expected - 1);
      g_autoptr(TestResponse) changes = test_request (server, "GET", changes_path, token, NULL);
      JsonArray *history;

      assert_status (changes, 200);
      history = json_object_get_array_member (test_response_object (changes), "changes");
      for (guint i = 0; i < json_array_get_length (history); i++)
        g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (history, i),
                                                     "version"), ==, expected++);
      more = json_object_get_boolean_member (test_response_object (changes), "more");
    }
  g_assert_cmpint (expected - 1, ==, version);
  g_assert_cmpuint (json_array_get_length (list), ==, version);

  g_test_message ("%u creates answered, %u stories kept, version %" G_GINT64_FORMAT,
                  g_hash_table_size (answered), json_array_get_length (list), version);
  g_hash_table_foreach (present, (GHFunc) g_free, NULL);
}

static void
test_kill_during_creates (void)
{
  TestServer *server = test_server_start (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GHashTable) answered = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  gint64 project_id;
  guint n = 0;

  g_assert_true (test_server_add_user (server, "ada@example.org", "Ada Lovelace", "analytical"));
  token = test_server_sign_in (server, "ada@example.org", "analytical");
  project_id = test_server_create_project (server, token, "{\"name\": \"Crash\"}");
  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories", project_id);

  for (guint cycle = 0; cycle < CYCLES; cycle++)
    {
      Killer killer = { server->pid, g_rand_int_range (rand, 20, 250) };
      GThread *thread = g_thread_new ("killer", kill_later, &killer);
      gint64 id;

      while ((id = try_create (server, path, token, n++)) != 0)
        {
          gint64 *key = g_new (gint64, 1);

          *key = id;
          g_hash_table_add (answered, key);
        }
      g_thread_join (thread);
      test_server_kill (server);
      test_server_restart (server);
    }

  assert_nothing_lost (server, token, project_id, answered);
  g_assert_cmpuint (g_hash_table_size (answered), >, CYCLES);
  test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/crash/kill-during-creates", test_kill_during_creates);

  return g_test_run ();
}
