/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "pg-harness.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

/* Debian's PostgreSQL 15; PG_BINDIR overrides it. */
#define DEFAULT_BINDIR "/usr/lib/postgresql/15/bin"
/* The socket's name is .s.PGSQL.<port> in the cluster's own directory:
 * no TCP port is opened, so any number will do. */
#define SOCKET_PORT "5432"

static char *cluster_dir;
static guint n_databases;
static guint n_dumps;

/**
 * test_pg_enabled:
 *
 * Returns: whether the server tests run against PostgreSQL
 */
gboolean
test_pg_enabled (void)
{
  return g_strcmp0 (g_getenv ("TRUESTORY_TEST_STORE"), "postgresql") == 0;
}

static const char *
bindir (void)
{
  const char *dir = g_getenv ("PG_BINDIR");

  return dir != NULL ? dir : DEFAULT_BINDIR;
}

/* PostgreSQL refuses to run as root, and CI runs as root: then it runs
 * as nobody, in a directory nobody owns. */
static void
run (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (geteuid () == 0)
    {
      g_ptr_array_add (argv, g_strdup ("runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup ("nobody"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_build_filename (bindir (), args[0], NULL));
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (cluster_dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH |
                     G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &output, &status, &error))
    g_error ("cannot run %s: %s", args[0], error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", args[0], error->message, output);
}

/* The guard: a child that waits for the test program to end (its end of
 * a pipe closes however the program ends, an abort included), then stops
 * the cluster at once and removes its directory. It keeps none of the
 * test's output open, so meson does not wait for it. */
static void
start_guard (const char *data_dir)
{
  g_autofree char *quoted_bin = g_shell_quote (bindir ());
  g_autofree char *quoted_data = g_shell_quote (data_dir);
  g_autofree char *quoted_dir = g_shell_quote (cluster_dir);
  g_autofree char *script = NULL;
  int fds[2];
  pid_t pid;

  /* Made before the fork: the child only waits and execs. */
  script = g_strdup_printf ("%s %s/pg_ctl stop -D %s -m immediate -s; rm -rf %s",
                            geteuid () == 0 ? "runuser -u nobody --" : "",
                            quoted_bin, quoted_data, quoted_dir);
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, NULL))
    g_error ("cannot make a pipe: %s", g_strerror (errno));
  pid = fork ();
  if (pid < 0)
    g_error ("cannot fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      char byte;
      int null = open ("/dev/null", O_RDWR);

      dup2 (null, STDIN_FILENO);
      dup2 (null, STDOUT_FILENO);
      dup2 (null, STDERR_FILENO);
      close (fds[1]);
      signal (SIGINT, SIG_IGN);
      signal (SIGTERM, SIG_IGN);
      while (read (fds[0], &byte, 1) < 0 && errno == EINTR)
        ;
      execl ("/bin/sh", "sh", "-c", script, (char *) NULL);
      _exit (1);
    }
  close (fds[0]);
  /* fds[1] stays open, close-on-exec, for as long as this program runs. */
}

/* The tests need no durability across a machine's crash, so fsync is
 * off; in the config file rather than on the command line, where
 * test_pg_set_fsync() could not turn it back on. */
static void
keep_fsync_off (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "postgresql.conf", NULL);
  FILE *file = fopen (path, "a");

  if (file == NULL || fputs ("fsync = off\n", file) < 0 || fclose (file) != 0)
    g_error ("cannot write %s: %s", path, g_strerror (errno));
}

static void
ensure_cluster (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *log = NULL;
  g_autofree char *options = NULL;

  if (cluster_dir != NULL)
    return;
  cluster_dir = g_dir_make_tmp ("truestory-pg-XXXXXX", &error);
  g_assert_no_error (error);
  if (geteuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_nonnull (nobody);
      g_assert_cmpint (chown (cluster_dir, nobody->pw_uid, nobody->pw_gid), ==, 0);
    }
  data_dir = g_build_filename (cluster_dir, "data", NULL);
  log = g_build_filename (cluster_dir, "log", NULL);
  options = g_strdup_printf ("-c listen_addresses='' -k %s -p " SOCKET_PORT
                             " -c max_connections=200", cluster_dir);

  {
    const char *initdb[] = { "initdb", "-D", data_dir, "-A", "trust", "-U", "postgres",
                             "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions", NULL };
    const char *start[] = { "pg_ctl", "start", "-D", data_dir, "-l", log, "-o", options,
                            "-w", "-s", NULL };

    run (initdb);
    keep_fsync_off (data_dir);
    start_guard (data_dir);
    run (start);
  }
}

/**
 * test_pg_cluster_url:
 *
 * Returns: (transfer full): the URL of the cluster's `postgres` database
 */
char *
test_pg_cluster_url (void)
{
  ensure_cluster ();
  return g_strdup_printf ("postgresql:///postgres?host=%s&port=" SOCKET_PORT "&user=postgres",
                          cluster_dir);
}

/* A connection to the cluster as its superuser; the caller finishes it. */
static PGconn *
connect_admin (void)
{
  g_autofree char *admin = test_pg_cluster_url ();
  PGconn *connection = PQconnectdb (admin);

  if (PQstatus (connection) != CONNECTION_OK)
    g_error ("cannot connect to the test cluster: %s", PQerrorMessage (connection));
  return connection;
}

/* @sql's result, which must be of status @expected. */
static PGresult *
exec_admin (PGconn         *connection,
            const char     *sql,
            ExecStatusType  expected)
{
  PGresult *result = PQexec (connection, sql);

  if (PQresultStatus (result) != expected)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  return result;
}

/* One command on a connection of its own. */
static void
admin_exec (const char *sql)
{
  PGconn *connection = connect_admin ();

  PQclear (exec_admin (connection, sql, PGRES_COMMAND_OK));
  PQfinish (connection);
}

/**
 * test_pg_new_database:
 *
 * Returns: (transfer full): the URL of a new empty database in the
 *   program's cluster, one per server the tests start
 */
char *
test_pg_new_database (void)
{
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE test%u", ++n_databases);

  admin_exec (sql);
  return g_strdup_printf ("postgresql:///test%u?host=%s&port=" SOCKET_PORT "&user=postgres",
                          n_databases, cluster_dir);
}

/* The name of a database of the cluster's, from its URL. */
static char *
database_name (const char *database)
{
  const char *start = strstr (database, ":///");
  const char *end;

  g_assert_nonnull (start);
  start += strlen (":///");
  end = strchr (start, '?');
  return g_strndup (start, end != NULL ? (gsize) (end - start) : strlen (start));
}

/**
 * test_pg_dump:
 * @database: a database's URL, from test_pg_new_database()
 *
 * Backs it up as doc/deploy.md does, with `pg_dump --format=custom`.
 *
 * Returns: (transfer full): the dump's file, in the cluster's directory
 */
char *
test_pg_dump (const char *database)
{
  g_autofree char *name = database_name (database);
  g_autofree char *file = NULL;
  char *path;

  ensure_cluster ();
  file = g_strdup_printf ("%s-%u.dump", name, ++n_dumps);
  path = g_build_filename (cluster_dir, file, NULL);
  {
    const char *dump[] = { "pg_dump", "--format=custom", "--file", path, "--dbname", database,
                           NULL };

    run (dump);
  }
  return path;
}

/**
 * test_pg_restore:
 * @database: a database's URL, which nothing may be connected to
 * @dump: a file from test_pg_dump()
 *
 * Restores it as doc/deploy.md does: the database dropped, made again
 * empty, and `pg_restore` into it.
 */
void
test_pg_restore (const char *database,
                 const char *dump)
{
  g_autofree char *name = database_name (database);
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE %s", name);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);
  const char *restore[] = { "pg_restore", "--dbname", database, dump, NULL };

  admin_exec (drop);
  admin_exec (create);
  run (restore);
}

/**
 * test_pg_set_fsync:
 * @on: whether commits wait for the disk
 *
 * Turns fsync on or off in the cluster, for the benchmarks' durable
 * figures, and returns once a new connection sees it (`fsync` takes a
 * reload, which the postmaster passes on by signal). Connections open
 * already take it at their next command.
 */
void
test_pg_set_fsync (gboolean on)
{
  g_autofree char *alter = g_strdup_printf ("ALTER SYSTEM SET fsync = %s", on ? "on" : "off");
  const char *wanted = on ? "on" : "off";
  PGconn *connection = connect_admin ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  PQclear (exec_admin (connection, alter, PGRES_COMMAND_OK));
  PQclear (exec_admin (connection, "SELECT pg_reload_conf ()", PGRES_TUPLES_OK));
  PQfinish (connection);

  for (;;)
    {
      PGconn *probe = connect_admin ();
      PGresult *result;
      gboolean seen;

      result = exec_admin (probe, "SHOW fsync", PGRES_TUPLES_OK);
      seen = g_strcmp0 (PQgetvalue (result, 0, 0), wanted) == 0;
      PQclear (result);
      PQfinish (probe);
      if (seen)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("the test cluster did not take fsync = %s within 10 s", wanted);
      g_usleep (20 * 1000);
    }
}
