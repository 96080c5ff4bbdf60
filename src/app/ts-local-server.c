/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-local-server"

#include "ts-local-server.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ts-config.h"

/* The bundled truestory-server behind a local backlog: started on 127.0.0.1
 * on a free port with its data in the user's data folder, and stopped when
 * the app quits. It also dies with the app if the app is killed (the child
 * asks the kernel for SIGTERM when its parent goes).
 *
 * It listens on the port it had last time when that port is free, so that
 * what knew the old address (a second app, a bookmark, a pusher-js client)
 * finds it again: the port is kept in local-server.ini beside the data.
 * A taken port (found taken, or lost to someone between the look and the
 * start) gives a new one, kept from then on.
 *
 * A server that serves a data folder locks it (src/server/ts-data-lock.c):
 * when one already serves the local backlog's folder (another instance of
 * the app started it, or someone by hand), this one is used, not started
 * again, and left running at the end, since two servers on one database
 * would each miss the other's changes. */

#define START_TIMEOUT_SECONDS 20
#define STOP_TIMEOUT_MS 5000
/* What ts-data-lock.c locks and writes. */
#define LOCK_FILE "truestory-server.lock"
/* Ours: [server] port= the port it listened on last. */
#define PORT_FILE "local-server.ini"

struct _TsLocalServer
{
  GObject parent_instance;

  char *program;
  char *data_dir;
  char *base_url;
  GSubprocess *process;
  GDataInputStream *output;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (TsLocalServer, ts_local_server, G_TYPE_OBJECT)

/**
 * ts_local_server_find_program:
 *
 * The server is `$TRUESTORY_SERVER` when set (the tests and `meson devenv`
 * set it), else the one beside the running program (both are installed in
 * bindir), else the one in the build tree next to an uninstalled app, else
 * the one installed in bindir.
 *
 * Returns: (transfer full): the path of truestory-server
 */
char *
ts_local_server_find_program (void)
{
  const char *program = g_getenv ("TRUESTORY_SERVER");
  g_autofree char *self_path = NULL;

  if (program != NULL && program[0] != '\0')
    return g_strdup (program);

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (self_path != NULL)
    {
      g_autofree char *folder = g_path_get_dirname (self_path);
      g_autofree char *beside = g_build_filename (folder, "truestory-server", NULL);
      g_autofree char *built = g_build_filename (folder, "..", "server", "truestory-server", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&built);
    }

  return g_build_filename (TS_BINDIR, "truestory-server", NULL);
}

/* The pid of the server that serves @data_dir, 0 when none does, and where
 * it listens when it has said so. */
static pid_t
find_running (const char  *data_dir,
              char       **url)
{
  g_autofree char *path = g_build_filename (data_dir, LOCK_FILE, NULL);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd;

  *url = NULL;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return 0;
  if (fcntl (fd, F_GETLK, &lock) != 0 || lock.l_type == F_UNLCK)
    lock.l_pid = 0;
  close (fd);

  if (lock.l_pid != 0 && g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    *url = g_key_file_get_string (key_file, "server", "url", NULL);
  return lock.l_pid;
}

/* Uses the server already serving the data folder; FALSE with @error
 * saying why when one does but cannot be used. */
static gboolean
use_running (TsLocalServer  *self,
             pid_t           pid,
             char           *url,
             GError        **error)
{
  if (url == NULL || !g_str_has_prefix (url, "http://"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("Another TrueStory server (process %ld) is using the local backlog in %s "
                     "but does not say where it listens. Wait until it has started, or stop "
                     "it, and try again."),
                   (long) pid, self->data_dir);
      g_free (url);
      return FALSE;
    }
  g_message ("The local backlog's server already runs (pid %ld) at %s: using it",
             (long) pid, url);
  g_free (self->base_url);
  self->base_url = url;
  return TRUE;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The port of the last start, 0 for none. */
static guint16
remembered_port (TsLocalServer *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, PORT_FILE, NULL);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  gint64 port;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    return 0;
  port = g_key_file_get_int64 (key_file, "server", "port", NULL);
  return port > 0 && port <= G_MAXUINT16 ? (guint16) port : 0;
}

static void
remember_port (TsLocalServer *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, PORT_FILE, NULL);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GUri) uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GError) error = NULL;
  int port = uri != NULL ? g_uri_get_port (uri) : -1;

  if (port <= 0 || port == remembered_port (self))
    return;
  g_key_file_set_integer (key_file, "server", "port", port);
  if (!g_key_file_save_to_file (key_file, path, &error))
    g_warning ("Cannot keep the local server's port in %s: %s", path, error->message);
}

/* Whether nothing listens on 127.0.0.1:@port. With SO_REUSEADDR, as the
 * server binds, so that the last server's connections still closing do not
 * count. */
static gboolean
port_free (guint16 port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  return socket != NULL && g_socket_bind (socket, address, TRUE, NULL);
}

static void
ts_local_server_dispose (GObject *object)
{
  TsLocalServer *self = TS_LOCAL_SERVER (object);

  ts_local_server_stop (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ts_local_server_parent_class)->dispose (object);
}

static void
ts_local_server_finalize (GObject *object)
{
  TsLocalServer *self = TS_LOCAL_SERVER (object);

  g_free (self->program);
  g_free (self->data_dir);
  g_free (self->base_url);

  G_OBJECT_CLASS (ts_local_server_parent_class)->finalize (object);
}

static void
ts_local_server_class_init (TsLocalServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_local_server_dispose;
  object_class->finalize = ts_local_server_finalize;
}

static void
ts_local_server_init (TsLocalServer *self)
{
  self->cancellable = g_cancellable_new ();
}

TsLocalServer *
ts_local_server_new (const char *program,
                     const char *data_dir)
{
  TsLocalServer *self;

  g_return_val_if_fail (program != NULL, NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (TS_TYPE_LOCAL_SERVER, NULL);
  self->program = g_strdup (program);
  self->data_dir = g_strdup (data_dir);
  return self;
}

const char *
ts_local_server_get_data_dir (TsLocalServer *self)
{
  g_return_val_if_fail (TS_IS_LOCAL_SERVER (self), NULL);

  return self->data_dir;
}

/**
 * ts_local_server_get_base_url:
 *
 * Returns: (nullable): `http://127.0.0.1:PORT` once started
 */
const char *
ts_local_server_get_base_url (TsLocalServer *self)
{
  g_return_val_if_fail (TS_IS_LOCAL_SERVER (self), NULL);

  return self->base_url;
}

/* What the server writes after its first line is read and dropped, so
 * that a full pipe never blocks it. */
static void
drain_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  TsLocalServer *self = user_data;
  g_autoptr(GBytes) bytes = NULL;

  /* Cancelled in dispose, so self is alive whenever the read succeeded. */
  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0 || self->output == NULL)
    return;
  g_input_stream_read_bytes_async (G_INPUT_STREAM (object), 4096, G_PRIORITY_LOW,
                                   self->cancellable, drain_cb, self);
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TsLocalServer *self = user_data;
  GSubprocess *process = G_SUBPROCESS (object);

  /* Cancelled in dispose, so self is alive whenever the wait succeeded. */
  if (!g_subprocess_wait_finish (process, result, NULL))
    return;
  /* While it starts (no address read yet), read_line_cb() meets the end
   * of its output and says why, or starts it again on another port: the
   * exit may be seen here first. */
  if (self->process == process && self->base_url != NULL)
    g_warning ("The local truestory-server stopped (%s %d)",
               g_subprocess_get_if_signaled (process) ? "signal" : "status",
               g_subprocess_get_if_signaled (process) ? g_subprocess_get_term_sig (process)
                                                      : g_subprocess_get_exit_status (process));
}

typedef struct {
  guint timeout_id;
  guint16 port;               /* asked for; 0 for any */
  GCancellable *cancellable;
  gulong cancelled_id;
  GCancellable *caller_cancellable;
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_cancellable_disconnect (data->caller_cancellable, data->cancelled_id);
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  StartData *data = user_data;

  data->timeout_id = 0;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

/* Starts the server on 127.0.0.1:@port (0: any free one). */
static gboolean
spawn (TsLocalServer  *self,
       guint16         port,
       GError        **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(GError) spawn_error = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, &spawn_error, self->program,
                                               "--listen", listen,
                                               "--data-dir", self->data_dir, NULL);
  if (self->process == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot start the local server %s: %s"),
                   self->program, spawn_error->message);
      return FALSE;
    }
  g_subprocess_wait_async (self->process, self->cancellable, exited_cb, self);
  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  return TRUE;
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TsLocalServer *self = g_task_get_source_object (task);
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *prefix = "listening on ";

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                    NULL, &error);
  if (line == NULL)
    {
      g_autofree char *url = NULL;
      pid_t pid;

      ts_local_server_stop (self);
      /* Another server took the folder between our look and our start. */
      if (error == NULL && (pid = find_running (self->data_dir, &url)) != 0)
        {
          if (use_running (self, pid, g_steal_pointer (&url), &error))
            g_task_return_boolean (task, TRUE);
          else
            g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* The remembered port, taken since we looked: any free one. */
      if (error == NULL && data->port != 0)
        {
          g_message ("The local server could not listen on port %u: on another", data->port);
          data->port = 0;
          if (!spawn (self, 0, &error))
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, data->cancellable,
                                               read_line_cb, g_steal_pointer (&task));
          return;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && data->timeout_id == 0 &&
          !g_cancellable_is_cancelled (data->caller_cancellable))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                 _("The local server did not start within %d seconds"),
                                 START_TIMEOUT_SECONDS);
      else if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("The local server stopped while starting"));
      return;
    }

  if (!g_str_has_prefix (line, prefix))
    {
      ts_local_server_stop (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The local server said “%s” instead of where it listens"), line);
      return;
    }

  g_free (self->base_url);
  self->base_url = g_strdup (line + strlen (prefix));
  g_debug ("The local server listens on %s", self->base_url);
  remember_port (self);
  g_input_stream_read_bytes_async (G_INPUT_STREAM (self->output), 4096, G_PRIORITY_LOW,
                                   self->cancellable, drain_cb, self);
  g_task_return_boolean (task, TRUE);
}

void
ts_local_server_start_async (TsLocalServer       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  StartData *data;
  guint16 port;
  pid_t pid;

  g_return_if_fail (TS_IS_LOCAL_SERVER (self));
  g_return_if_fail (self->process == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_local_server_start_async);

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot make the folder %s: %s"), self->data_dir,
                               g_strerror (saved_errno));
      return;
    }

  if ((pid = find_running (self->data_dir, &url)) != 0)
    {
      if (use_running (self, pid, g_steal_pointer (&url), &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  port = remembered_port (self);
  if (port != 0 && !port_free (port))
    {
      g_message ("The local server's port %u is taken: listening on another", port);
      port = 0;
    }
  if (!spawn (self, port, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (StartData, 1);
  data->port = port;
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  data->cancellable, NULL);
    }
  data->timeout_id = g_timeout_add_seconds (START_TIMEOUT_SECONDS, start_timeout_cb, data);
  g_task_set_task_data (task, data, (GDestroyNotify) start_data_free);

  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, data->cancellable,
                                       read_line_cb, g_steal_pointer (&task));
}

gboolean
ts_local_server_start_finish (TsLocalServer  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
add_user_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GSubprocess *process = G_SUBPROCESS (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;

  if (!g_subprocess_communicate_utf8_finish (process, result, NULL, &err_text, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Cannot add the local user: %s"),
                               err_text != NULL ? g_strstrip (err_text) : "");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* `truestory-server user add`, with the password on standard input, on the
 * running server's data folder. */
void
ts_local_server_add_user_async (TsLocalServer       *self,
                                const char          *email,
                                const char          *name,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;

  g_return_if_fail (TS_IS_LOCAL_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_local_server_add_user_async);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              self->program, "--data-dir", self->data_dir,
                              "user", "add", "--email", email, "--name", name, NULL);
  if (process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  input = g_strdup_printf ("%s\n", password);
  g_subprocess_communicate_utf8_async (process, input, cancellable, add_user_cb,
                                       g_steal_pointer (&task));
  memset (input, 0, strlen (input));
}

gboolean
ts_local_server_add_user_finish (TsLocalServer  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
stopped_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * ts_local_server_stop:
 *
 * Stops the server with SIGTERM, so that it checkpoints its database,
 * and waits for it a few seconds before killing it.
 */
void
ts_local_server_stop (TsLocalServer *self)
{
  g_autoptr(GSubprocess) process = NULL;
  gboolean done = FALSE;
  gboolean timed_out = FALSE;
  guint timeout_id;

  g_return_if_fail (TS_IS_LOCAL_SERVER (self));

  process = g_steal_pointer (&self->process);
  g_clear_object (&self->output);
  g_clear_pointer (&self->base_url, g_free);
  if (process == NULL)
    return;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait_async (process, NULL, stopped_cb, &done);
  timeout_id = g_timeout_add (STOP_TIMEOUT_MS, stop_timeout_cb, &timed_out);
  while (!done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!done)
    {
      g_warning ("The local server did not stop within %d ms; killing it", STOP_TIMEOUT_MS);
      g_subprocess_force_exit (process);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }
  else
    g_source_remove (timeout_id);
}
