/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "nginx-harness.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "soketi-harness.h"

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
append_servers (GString     *text,
                const guint *ports,
                guint        n_ports)
{
  for (guint i = 0; i < n_ports; i++)
    g_string_append_printf (text, "        server 127.0.0.1:%u fail_timeout=2s;\n", ports[i]);
}

/* The http block of doc/deploy.md, its three upstreams and a server block
 * that includes the locations, on 127.0.0.1:@port. One process
 * (master_process off): the parent-death SIGKILL then ends all of nginx
 * when the test dies, where an orphaned worker would keep the port. */
static char *
nginx_config (NginxFront  *front,
              const guint *instance_ports,
              guint        n_instances,
              guint        realtime_port)
{
  const char *locations = g_getenv ("TRUESTORY_NGINX_LOCATIONS");
  GString *text = g_string_new (NULL);

  g_assert_nonnull (locations);
  g_string_append_printf (text,
                          "master_process off;\n"
                          "error_log %s/error.log info;\n"
                          "events { worker_connections 1024; }\n"
                          "http {\n"
                          "    access_log off;\n"
                          "    client_body_temp_path %s/client-body;\n"
                          "    proxy_temp_path %s/proxy;\n"
                          "    fastcgi_temp_path %s/fastcgi;\n"
                          "    uwsgi_temp_path %s/uwsgi;\n"
                          "    scgi_temp_path %s/scgi;\n"
                          "    upstream truestory {\n",
                          front->dir, front->dir, front->dir, front->dir, front->dir, front->dir);
  append_servers (text, instance_ports, n_instances);
  g_string_append (text, "    }\n    upstream truestory_sign_in {\n        ip_hash;\n");
  append_servers (text, instance_ports, n_instances);
  g_string_append_printf (text,
                          "    }\n"
                          "    upstream truestory_realtime {\n"
                          "        server 127.0.0.1:%u;\n"
                          "    }\n"
                          "    server {\n"
                          "        listen 127.0.0.1:%u;\n"
                          "        include %s;\n"
                          "    }\n"
                          "}\n",
                          realtime_port, front->port, locations);
  return g_string_free (text, FALSE);
}

/**
 * nginx_front_start:
 * @port: where it listens, on 127.0.0.1
 * @realtime_port: soketi's port (the upstream of /app/)
 *
 * Runs `nginx -c TMP/nginx.conf -g 'daemon off; pid TMP/nginx.pid;'` and
 * returns once it accepts connections, every listening socket of it on
 * 127.0.0.1.
 */
void
nginx_front_start (NginxFront  *front,
                   guint        port,
                   const guint *instance_ports,
                   guint        n_instances,
                   guint        realtime_port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *error_log = NULL;
  g_autofree char *globals = NULL;
  gint64 deadline;

  front->port = port;
  front->dir = g_dir_make_tmp ("truestory-nginx-XXXXXX", &error);
  g_assert_no_error (error);
  config = nginx_config (front, instance_ports, n_instances, realtime_port);
  config_path = g_build_filename (front->dir, "nginx.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));
  prefix = g_strconcat (front->dir, "/", NULL);
  error_log = g_build_filename (front->dir, "error.log", NULL);
  globals = g_strdup_printf ("daemon off; pid %s/nginx.pid;", front->dir);
  {
    /* -p and -e keep even the log nginx opens before reading its config
     * in the temporary directory. */
    const char *argv[] = { "nginx", "-p", prefix, "-e", error_log, "-c", config_path,
                           "-g", globals, NULL };

    if (!g_spawn_async (front->dir, (char **) argv, NULL,
                        G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
                        G_SPAWN_STDOUT_TO_DEV_NULL,
                        die_with_parent, NULL, &front->pid, &error))
      g_error ("cannot start nginx (build-aux/install-deps installs it): %s", error->message);
  }

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!test_port_accepts (port) && g_get_monotonic_time () < deadline)
    {
      if (waitpid (front->pid, NULL, WNOHANG) == front->pid)
        {
          g_autofree char *said = nginx_front_log (front);

          g_error ("nginx ended at start: %s", said);
        }
      g_usleep (20 * 1000);
    }
  if (!test_port_accepts (port))
    {
      g_autofree char *said = nginx_front_log (front);

      g_error ("nginx did not listen on %u: %s", port, said);
    }
  g_assert_cmpuint (test_assert_sockets_on_loopback (front->pid, "-tlnp", "nginx"), ==, 1);
}

/* What nginx wrote in its error log. */
char *
nginx_front_log (NginxFront *front)
{
  g_autofree char *path = g_build_filename (front->dir, "error.log", NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("(no error log)");
  return text;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* SIGTERM, nginx's fast stop (a graceful one would wait for the open
 * WebSockets), then its directory goes. */
void
nginx_front_stop (NginxFront *front)
{
  int status = 0;

  kill (front->pid, SIGTERM);
  waitpid (front->pid, &status, 0);
  g_spawn_close_pid (front->pid);
  remove_tree (front->dir);
  g_free (front->dir);
}
