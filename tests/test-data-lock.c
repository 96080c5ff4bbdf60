/* SPDX-License-Identifier: GPL-3.0-or-later */

/* One serving truestory-server per data directory: a second server on it
 * exits 1 naming the first one's pid, while `user add` keeps working
 * beside it; the lock file is private, says where the holder listens, and
 * blocks nobody once the holder has gone, however it went. And
 * `--version`, which needs neither a data directory nor a display. */

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "server-harness.h"
#include "ts-data-lock.h"

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Runs truestory-server with @args and @input on standard input, with a
 * deadline: a second server that serves instead of exiting fails the test
 * rather than hanging it. */
static void
run_server (Run                *run,
            const char * const *args,
            const char         *input)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint timeout_id;

  g_ptr_array_add (argv, (gpointer) test_server_program ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  timeout_id = g_timeout_add_seconds (20, cancel_cb, cancellable);
  g_subprocess_communicate_utf8 (process, input, cancellable, &run->out, &run->err, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_subprocess_force_exit (process);
      g_error ("truestory-server %s did not exit within 20 s", args[0]);
    }
  g_assert_no_error (error);
  g_source_remove (timeout_id);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

static char *
lock_path (TestServer *server)
{
  return g_build_filename (server->data_dir, TS_DATA_LOCK_FILE, NULL);
}

static void
test_second_server_refused (void)
{
  TestServer *server = test_server_start (NULL);
  g_autofree char *path = lock_path (server);
  g_autofree char *pid = g_strdup_printf ("(pid %d)", server->pid);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *url = NULL;
  g_auto(Run) second = { 0 };
  GStatBuf st;
  const char *args[] = { "--listen", "127.0.0.1:0", "--data-dir", server->data_dir, NULL };

  /* The lock file is the user's alone, and says who serves and where. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL));
  g_assert_cmpint (g_key_file_get_int64 (key_file, "server", "pid", NULL), ==, server->pid);
  url = g_key_file_get_string (key_file, "server", "url", NULL);
  g_assert_cmpstr (url, ==, server->base_url);

  run_server (&second, args, NULL);
  g_assert_cmpint (second.status, ==, 1);
  g_assert_nonnull (strstr (second.err, "in use by another truestory-server"));
  g_assert_nonnull (strstr (second.err, pid));
  g_assert_cmpstr (second.out, ==, "");

  /* The first one still serves. */
  {
    g_autoptr(TestResponse) health = test_request (server, "GET", "/api/v1/health", NULL, NULL);

    assert_status (health, 200);
  }
  test_server_stop (server);
}

static void
test_user_add_beside_server (void)
{
  TestServer *server = test_server_start (NULL);
  g_autofree char *token = NULL;
  g_auto(Run) add = { 0 };
  const char *args[] = {
    "--data-dir", server->data_dir, "user", "add", "--email", "ada@example.org",
    "--name", "Ada", server->database != NULL ? "--database" : NULL, server->database, NULL
  };

  run_server (&add, args, "analytical\n");
  g_assert_cmpint (add.status, ==, 0);
  /* The running server sees the user at once. */
  token = test_server_sign_in (server, "ada@example.org", "analytical");
  g_assert_nonnull (token);
  test_server_stop (server);
}

/* A clean stop empties the file; a killed server leaves its text behind,
 * and neither keeps the next server out. */
static void
test_lock_released (void)
{
  TestServer *server = test_server_start (NULL);
  g_autofree char *path = lock_path (server);
  g_autofree char *text = NULL;

  test_server_terminate (server);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "");

  test_server_restart (server);
  test_server_kill (server);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "pid="));

  test_server_restart (server);
  {
    g_autoptr(TestResponse) health = test_request (server, "GET", "/api/v1/health", NULL, NULL);

    assert_status (health, 200);
  }
  test_server_stop (server);
}

/* A lock file someone made world-readable is made private again. */
static void
test_lock_file_made_private (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("truestory-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (data_dir, TS_DATA_LOCK_FILE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TsDataLock) lock = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (path, "left by hand", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  lock = ts_data_lock_acquire (data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&lock, ts_data_lock_release);
  g_unlink (path);
  g_rmdir (data_dir);
}

static void
test_version (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *expected = g_strdup_printf ("truestory-server %s\n", PACKAGE_VERSION);
  const char *args[] = { "--version", NULL };

  /* Headless and without a data directory: nothing is made. */
  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  run_server (&run, args, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/data-lock/second-server-refused", test_second_server_refused);
  g_test_add_func ("/server/data-lock/user-add-beside-server", test_user_add_beside_server);
  g_test_add_func ("/server/data-lock/released", test_lock_released);
  g_test_add_func ("/server/data-lock/made-private", test_lock_file_made_private);
  g_test_add_func ("/server/version", test_version);

  return g_test_run ();
}
