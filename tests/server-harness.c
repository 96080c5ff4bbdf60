/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "server-harness.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "pg-harness.h"
#include "ts-json.h"

/* meson passes the program's path; a test run by hand finds it in the
 * build tree, beside the tests' own folder. */
const char *
test_server_program (void)
{
  static char *built;
  const char *program = g_getenv ("TRUESTORY_SERVER");

  if (program != NULL)
    return program;
  if (built == NULL)
    built = g_test_build_filename (G_TEST_BUILT, "..", "src", "server", "truestory-server", NULL);
  return built;
}

/* A server outlives no test: if the test dies, so does its server, and
 * nothing holds the test's output open after it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts the program; spawn_finish() reads its first line. */
static int
spawn_begin (TestServer         *server,
             const char * const *extra_args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int out_fd;

  g_ptr_array_add (argv, (gpointer) test_server_program ());
  g_ptr_array_add (argv, (gpointer) "--listen");
  g_ptr_array_add (argv, server->port != 0 ? g_strdup_printf ("127.0.0.1:%u", server->port)
                                           : g_strdup ("127.0.0.1:0"));
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, server->data_dir);
  if (server->database != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--database");
      g_ptr_array_add (argv, server->database);
    }
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                 die_with_parent, NULL, &server->pid, NULL, &out_fd, NULL, &error))
    g_error ("cannot start %s: %s", test_server_program (), error->message);
  g_free (argv->pdata[2]);
  return out_fd;
}

static void
spawn_finish (TestServer *server,
              int         out_fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  g_autofree char *line = NULL;
  guint port;

  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  if (g_io_channel_read_line (channel, &line, NULL, NULL, &error) != G_IO_STATUS_NORMAL)
    g_error ("the server said nothing: %s", error != NULL ? error->message : "end of output");
  if (sscanf (line, "listening on http://127.0.0.1:%u", &port) != 1)
    g_error ("the server's first line is “%s”", line);
  server->port = port;
  g_free (server->base_url);
  server->base_url = g_strdup_printf ("http://127.0.0.1:%u", port);
}

static void
spawn (TestServer         *server,
       const char * const *extra_args)
{
  spawn_finish (server, spawn_begin (server, extra_args));
}

/**
 * test_server_start:
 * @extra_args: (nullable): more options
 *
 * Returns: a running server on a free port, with an empty data directory
 */
TestServer *
test_server_start (const char * const *extra_args)
{
  TestServer *server = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;

  server->data_dir = g_dir_make_tmp ("truestory-test-XXXXXX", &error);
  g_assert_no_error (error);
  if (test_pg_enabled ())
    server->database = test_pg_new_database ();
  spawn (server, extra_args);
  server->session = soup_session_new_with_options ("timeout", 30, NULL);
  return server;
}

/**
 * test_servers_start_on:
 * @database: a PostgreSQL URL the servers share
 * @n_servers: how many
 * @extra_args: (nullable): more options, for each
 * @servers: (out): the servers, each with an empty data directory of its
 *   own (its config and lock)
 *
 * Starts @n_servers servers at the same moment (each is spawned before
 * any is waited for).
 */
void
test_servers_start_on (const char         *database,
                       guint               n_servers,
                       const char * const *extra_args,
                       TestServer        **servers)
{
  int out_fds[8];

  g_assert_cmpuint (n_servers, <=, G_N_ELEMENTS (out_fds));
  for (guint i = 0; i < n_servers; i++)
    {
      g_autoptr(GError) error = NULL;

      servers[i] = g_new0 (TestServer, 1);
      servers[i]->data_dir = g_dir_make_tmp ("truestory-test-XXXXXX", &error);
      g_assert_no_error (error);
      servers[i]->database = g_strdup (database);
      out_fds[i] = spawn_begin (servers[i], extra_args);
    }
  for (guint i = 0; i < n_servers; i++)
    {
      spawn_finish (servers[i], out_fds[i]);
      servers[i]->session = soup_session_new_with_options ("timeout", 30, NULL);
    }
}

static void
wait_for_exit (TestServer *server)
{
  int status;

  waitpid (server->pid, &status, 0);
  g_spawn_close_pid (server->pid);
  server->pid = 0;
}

/* SIGKILL: the crash the crash-safety tests are about. */
void
test_server_kill (TestServer *server)
{
  kill (server->pid, SIGKILL);
  wait_for_exit (server);
}

/* Starts the server again on the same port and data directory. */
void
test_server_restart (TestServer *server)
{
  g_assert_cmpint (server->pid, ==, 0);
  spawn (server, NULL);
}

/* SIGTERM, the graceful stop (realtime clients are told 4200), keeping
 * the data directory for a restart. */
void
test_server_terminate (TestServer *server)
{
  g_assert_cmpint (server->pid, !=, 0);
  kill (server->pid, SIGTERM);
  wait_for_exit (server);
}

/* Starts the server again on the same port and data directory, with
 * other options than it had. */
void
test_server_restart_with (TestServer         *server,
                          const char * const *extra_args)
{
  g_assert_cmpint (server->pid, ==, 0);
  spawn (server, extra_args);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
test_server_stop (TestServer *server)
{
  if (server->pid != 0)
    {
      kill (server->pid, SIGTERM);
      wait_for_exit (server);
    }
  g_clear_object (&server->session);
  remove_tree (server->data_dir);
  g_free (server->data_dir);
  g_free (server->database);
  g_free (server->base_url);
  g_free (server);
}

/* `truestory-server user add`, the password on standard input. */
gboolean
test_server_add_user (TestServer *server,
                      const char *email,
                      const char *name,
                      const char *password)
{
  const char *argv[] = {
    test_server_program (), "--data-dir", server->data_dir,
    "user", "add", "--email", email, "--name", name,
    server->database != NULL ? "--database" : NULL, server->database, NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *input = g_strdup_printf ("%s\n", password);

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                     G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

char *
test_server_sign_in (TestServer *server,
                     const char *email,
                     const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\": \"%s\", \"password\": \"%s\"}",
                                           email, password);
  g_autoptr(TestResponse) response = test_request (server, "POST", "/api/v1/session", NULL, body);
  JsonObject *object;

  assert_status (response, 201);
  object = test_response_object (response);
  return g_strdup (json_object_get_string_member (object, "token"));
}

TestResponse *
test_request_full (TestServer         *server,
                   const char         *method,
                   const char         *path,
                   const char         *token,
                   const char         *content_type,
                   GBytes             *body,
                   const char * const *headers)
{
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  TestResponse *response = g_new0 (TestResponse, 1);
  SoupMessageHeaders *request_headers;
  gsize size;

  g_assert_nonnull (msg);
  request_headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (request_headers, "Authorization", value);
    }
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  answer = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->text = g_strndup (g_bytes_get_data (answer, &size), g_bytes_get_size (answer));
  if (size > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, response->text, -1, NULL))
        response->body = json_node_ref (json_parser_get_root (parser));
    }
  return response;
}

TestResponse *
test_request (TestServer *server,
              const char *method,
              const char *path,
              const char *token,
              const char *body)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return test_request_full (server, method, path, token, "application/json", bytes, NULL);
}

void
test_response_free (TestResponse *response)
{
  g_clear_pointer (&response->body, json_node_unref);
  g_free (response->text);
  g_free (response);
}

JsonObject *
test_response_object (TestResponse *response)
{
  if (response->body == NULL || !JSON_NODE_HOLDS_OBJECT (response->body))
    g_error ("the answer is not a JSON object: %s", response->text);
  return json_node_get_object (response->body);
}

/* GET @path as @token's user, which must answer 200 with an object.
 * Returns: (transfer full): that object */
JsonObject *
test_get_object (TestServer *server,
                 const char *path,
                 const char *token)
{
  g_autoptr(TestResponse) response = test_request (server, "GET", path, token, NULL);

  assert_status (response, 200);
  return json_object_ref (test_response_object (response));
}

gint64
test_response_int (TestResponse *response,
                   const char   *member)
{
  return json_object_get_int_member (test_response_object (response), member);
}

const char *
test_response_error_code (TestResponse *response)
{
  JsonObject *error = json_object_get_object_member (test_response_object (response), "error");

  return error != NULL ? json_object_get_string_member (error, "code") : NULL;
}

/* Creates a story over REST as the holder of @token; returns its id, and
 * fails the test unless the server answers 201. */
gint64
test_server_create_story (TestServer *server,
                          const char *token,
                          gint64      project_id,
                          const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories",
                                           project_id);
  g_autoptr(TestResponse) response = test_request (server, "POST", path, token, body);

  assert_status (response, 201);
  return test_response_int (response, "id");
}

/* A new person, signed in: their token. */
char *
test_server_add_and_sign_in (TestServer *server,
                             const char *email,
                             const char *name,
                             const char *password)
{
  g_assert_true (test_server_add_user (server, email, name, password));
  return test_server_sign_in (server, email, password);
}

/* Creates a project from @body (which must succeed): its id. */
gint64
test_server_create_project (TestServer *server,
                            const char *token,
                            const char *body)
{
  g_autoptr(TestResponse) response = test_request (server, "POST", "/api/v1/projects", token,
                                                   body);

  assert_status (response, 201);
  return test_response_int (response, "id");
}

/* Adds @email to the project: 201 for a new member, 200 for one already
 * in it. */
void
test_server_add_member (TestServer *server,
                        const char *token,
                        gint64      project_id,
                        const char *email)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members",
                                           project_id);
  g_autofree char *body = g_strdup_printf ("{\"email\": \"%s\"}", email);
  g_autoptr(TestResponse) response = test_request (server, "POST", path, token, body);

  g_assert_true (response->status == 200 || response->status == 201);
}

/* The version @target (a project, or a story) answers with. */
gint64
test_server_version (TestServer *server,
                     const char *token,
                     const char *target)
{
  g_autoptr(TestResponse) response = test_request (server, "GET", target, token, NULL);

  assert_status (response, 200);
  return test_response_int (response, "version");
}

/* A blocking client socket to the server, for the tests that write HTTP
 * and WebSocket bytes themselves: sends and receives give up after
 * @timeout_s, and each write goes out as written, so that "two writes"
 * means two segments. */
int
test_server_connect_raw (TestServer *server,
                         guint       timeout_s)
{
  struct timeval timeout = { .tv_sec = timeout_s };
  struct sockaddr_in address = {
    .sin_family = AF_INET,
    .sin_port = g_htons (server->port),
    .sin_addr.s_addr = g_htonl (INADDR_LOOPBACK),
  };
  int nodelay = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), ==, 0);
  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout), ==, 0);
  g_assert_cmpint (setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay), ==, 0);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) < 0)
    g_error ("cannot connect to port %u: %s", server->port, g_strerror (errno));
  return fd;
}

/* Sends all of @data; FALSE (errno saying why) when the server ended the
 * connection. */
gboolean
test_socket_try_send (int         fd,
                      const void *data,
                      gsize       size)
{
  gsize sent = 0;

  while (sent < size)
    {
      ssize_t n = send (fd, (const char *) data + sent, size - sent, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
        return FALSE;
      if (n < 0)
        g_error ("send: %s", g_strerror (errno));
      sent += n;
    }
  return TRUE;
}

void
test_run_free (TestRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

static TestRun *
run_argv (GPtrArray  *argv,
          const char *input)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  TestRun *run = g_new0 (TestRun, 1);

  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &run->out, &run->err,
                                 &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  return run;
}

/* Runs `truestory-server ARGS…` with @input (or nothing) on standard
 * input, to its end. */
TestRun *
test_run_program (const char * const *args,
                  const char         *input)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) test_server_program ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  return run_argv (argv, input);
}

/* Runs `truestory-server --data-dir DIR [--database URL] ARGS…` on
 * @server's data, beside it, with @input on standard input. */
TestRun *
test_server_run_admin (TestServer         *server,
                       const char         *input,
                       const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) test_server_program ());
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, server->data_dir);
  if (server->database != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--database");
      g_ptr_array_add (argv, server->database);
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  return run_argv (argv, input);
}

/**
 * test_server_open_database:
 *
 * Returns: (transfer full): the server's SQLite database, waiting up to
 *   5 s for a lock the server holds; close it with sqlite3_close()
 */
sqlite3 *
test_server_open_database (TestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "truestory.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

/* Runs @sql, or ends the test with SQLite's message. */
void
test_server_exec_sql (sqlite3    *db,
                      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}
