/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-password-pool"

#include "ts-password-pool.h"

#include <sodium.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif


/* An Argon2id check takes ~70 ms and 64 MiB: a few threads keep sign-ins
 * flowing without taking every core from the REST thread. */
#define MAX_WORKERS 4
/* Checks waiting for a thread, beyond those running: past it a sign-in is
 * refused at once (429) rather than left to wait seconds. */
#define MAX_WAITING 16
/* Workers run below the REST thread's priority: under a flood of sign-ins
 * the API keeps answering and the sign-ins wait. */
#define WORKER_NICE 10

typedef struct {
  char *hash;
  char *password;
} Check;

static GThreadPool *pool;
/* The job that makes the dummy hash as the pool starts, before anyone
 * waits on it. */
static int warm_up;
static guint n_workers;
/* Checks queued or running; changed under the atomic ops only. */
static gint n_queued;

static void
check_free (Check *check)
{
  g_free (check->hash);
  sodium_memzero (check->password, strlen (check->password));
  g_free (check->password);
  g_free (check);
}

static void
lower_priority (void)
{
#ifdef __linux__
  static __thread gboolean lowered;

  /* On Linux, PRIO_PROCESS with a thread id sets that thread's nice. */
  if (!lowered && setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), WORKER_NICE) != 0)
    g_debug ("Cannot lower a password worker's priority");
  lowered = TRUE;
#endif
}

/* A hash with the same cost as every stored one: an unknown email is
 * checked against it, so that it takes as long as a known one. */
static const char *
dummy_hash (void)
{
  static gsize hash;

  if (g_once_init_enter (&hash))
    {
      char *made = ts_password_hash ("not anyone's password");

      if (made == NULL)
        g_error ("Cannot make the password workers' dummy hash");
      g_once_init_leave (&hash, (gsize) made);
    }
  return (const char *) hash;
}

static void
work (gpointer data,
      gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *check;
  const char *hash;
  gboolean matches;

  lower_priority ();
  if (data == &warm_up)
    {
      dummy_hash ();
      return;
    }
  task = data;
  check = g_task_get_task_data (task);
  hash = check->hash != NULL ? check->hash : dummy_hash ();
  matches = crypto_pwhash_str_verify (hash, check->password, strlen (check->password)) == 0;
  /* Counted out before the answer, so that the pool has room again by
   * the time the caller hears of it. */
  g_atomic_int_dec_and_test (&n_queued);
  /* An unknown email never matches, even the dummy's own password. */
  g_task_return_boolean (task, matches && check->hash != NULL);
}

static gpointer
start_pool (gpointer data)
{
  g_autoptr(GError) error = NULL;
  GThreadPool *made;

  if (sodium_init () < 0)
    g_error ("libsodium could not start");
  n_workers = CLAMP (g_get_num_processors () / 2, 1, MAX_WORKERS);
  /* Exclusive: the threads are the pool's own, so lowering their
   * priority touches no other work of the process. */
  made = g_thread_pool_new (work, NULL, (int) n_workers, TRUE, &error);
  if (made == NULL)
    g_error ("Cannot start the password workers: %s", error->message);
  g_thread_pool_push (made, &warm_up, NULL);
  return made;
}

/**
 * ts_password_pool_verify_async:
 * @hash: (nullable): the stored hash, or %NULL for an unknown user
 * @password: the password given
 *
 * Checks @password against @hash on a worker; @callback runs on the
 * calling thread's main context. With no @hash the check takes as long
 * and fails.
 *
 * Returns: %FALSE, without calling @callback, when the queue is full
 */
gboolean
ts_password_pool_verify_async (const char          *hash,
                               const char          *password,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  static GOnce once = G_ONCE_INIT;
  GTask *task;
  Check *check;

  g_return_val_if_fail (password != NULL, FALSE);

  pool = g_once (&once, start_pool, NULL);
  if ((guint) g_atomic_int_get (&n_queued) >= n_workers + MAX_WAITING)
    return FALSE;
  g_atomic_int_inc (&n_queued);

  /* No source object: the task may be freed on a worker, and what it
   * holds must not care which thread that is. */
  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, ts_password_pool_verify_async);
  check = g_new0 (Check, 1);
  check->hash = g_strdup (hash);
  check->password = g_strdup (password);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  g_thread_pool_push (pool, task, NULL);
  return TRUE;
}

/**
 * ts_password_pool_verify_finish:
 *
 * Returns: whether the password matches the hash
 */
gboolean
ts_password_pool_verify_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ts_password_pool_get_n_queued:
 *
 * Returns: the checks queued or running now
 */
guint
ts_password_pool_get_n_queued (void)
{
  return (guint) g_atomic_int_get (&n_queued);
}

/**
 * ts_password_hash:
 *
 * Hashes a password for keeping, with libsodium's `crypto_pwhash_str`
 * (Argon2id, salted, slow on purpose). Blocks for as long as a check.
 *
 * Returns: (transfer full) (nullable): the hash text, %NULL when libsodium
 *   cannot start or the memory it needs is not there
 */
char *
ts_password_hash (const char *password)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (sodium_init () < 0 ||
      crypto_pwhash_str (hash, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return NULL;
  return g_strdup (hash);
}
