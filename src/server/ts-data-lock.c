/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-data-lock"

#include "ts-data-lock.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* One serving truestory-server per data directory. Two servers on one
 * database would each publish only their own changes, so the clients of
 * one would miss the other's while saying they are live.
 *
 * The server that serves holds a POSIX record lock (fcntl F_SETLK) on
 * DATA_DIR/truestory-server.lock for as long as it runs; the kernel drops
 * it when the process ends, however it ends, so a file left behind by a
 * crash blocks nobody. F_GETLK names the holder's pid to whoever asks,
 * and the file says where the holder listens, as a key file:
 *
 *   [server]
 *   pid=1234
 *   url=http://127.0.0.1:40123
 *
 * The file is never removed: removing it would let a second server lock
 * a new file while a third still holds the old one. The commands that do
 * not serve (`user add`) take no lock; SQLite's own locking keeps them
 * safe beside a running server. */

struct _TsDataLock
{
  int fd;
  char *path;
};

G_DEFINE_QUARK (ts-data-lock-error-quark, ts_data_lock_error)

/* The pid holding a write lock on @fd, or 0 when nobody does. */
static pid_t
holder_pid (int fd)
{
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

  if (fcntl (fd, F_GETLK, &lock) != 0 || lock.l_type == F_UNLCK)
    return 0;
  return lock.l_pid;
}

/* Replaces the file's text. Written longer-first, then cut: a reader
 * never sees the old text's tail after the new one. */
static gboolean
write_text (TsDataLock  *self,
            const char  *text,
            GError     **error)
{
  gsize length = strlen (text);

  if (pwrite (self->fd, text, length, 0) != (gssize) length ||
      ftruncate (self->fd, length) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot write %s: %s", self->path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/**
 * ts_data_lock_acquire:
 *
 * Locks @data_dir for this process, which is about to serve it. Fails with
 * %TS_DATA_LOCK_ERROR_HELD, naming the holder's pid, when another process
 * serves it.
 *
 * Returns: (transfer full) (nullable): the lock, released by
 *   ts_data_lock_release()
 */
TsDataLock *
ts_data_lock_acquire (const char  *data_dir,
                      GError     **error)
{
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  TsDataLock *self;
  int fd;

  g_return_val_if_fail (data_dir != NULL, NULL);

  path = g_build_filename (data_dir, TS_DATA_LOCK_FILE, NULL);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot open %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (fcntl (fd, F_SETLK, &lock) != 0)
    {
      pid_t pid = holder_pid (fd);

      close (fd);
      g_set_error (error, TS_DATA_LOCK_ERROR, TS_DATA_LOCK_ERROR_HELD,
                   "the data directory %s is in use by another truestory-server (pid %ld)",
                   data_dir, (long) pid);
      return NULL;
    }
  /* A file made by an older umask, or by hand, is made private again. */
  if (fchmod (fd, 0600) != 0)
    g_warning ("Cannot make %s private: %s", path, g_strerror (errno));

  self = g_new0 (TsDataLock, 1);
  self->fd = fd;
  self->path = g_steal_pointer (&path);
  text = g_strdup_printf ("[server]\npid=%ld\n", (long) getpid ());
  if (!write_text (self, text, error))
    {
      ts_data_lock_release (self);
      return NULL;
    }
  return self;
}

/**
 * ts_data_lock_publish:
 *
 * Writes where this server listens into the lock file, once it listens,
 * for a local app that finds the data directory in use.
 */
gboolean
ts_data_lock_publish (TsDataLock  *self,
                      const char  *base_url,
                      GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (base_url != NULL, FALSE);

  text = g_strdup_printf ("[server]\npid=%ld\nurl=%s\n", (long) getpid (), base_url);
  return write_text (self, text, error);
}

/**
 * ts_data_lock_release:
 *
 * Empties the file, so that it names nobody, and drops the lock.
 */
void
ts_data_lock_release (TsDataLock *self)
{
  if (self == NULL)
    return;

  if (ftruncate (self->fd, 0) != 0)
    g_warning ("Cannot empty %s: %s", self->path, g_strerror (errno));
  close (self->fd);
  g_free (self->path);
  g_free (self);
}
