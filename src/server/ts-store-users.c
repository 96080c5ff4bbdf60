/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* Users, their tokens, and the answers kept for idempotent retries. */

#include "ts-store-private.h"

#include <sodium.h>
#include <string.h>

#include "ts-password-pool.h"

/* Random bytes in a token: 256 bits, well past the 128 asked for. */
#define TOKEN_BYTES 32
/* How long an Idempotency-Key is remembered (doc/api.md). */
#define IDEMPOTENCY_SECONDS (24 * 60 * 60)
/* A token's use is recorded at most this often. */
#define TOUCH_SECONDS (24 * 60 * 60)
/* Expired tokens are deleted at most this often (monotonic µs). */
#define PRUNE_TOKENS_USEC (G_GINT64_CONSTANT (60 * 60) * G_USEC_PER_SEC)

static gboolean
ensure_sodium (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                           "libsodium could not start");
      return FALSE;
    }
  return TRUE;
}

static TsUser *
user_from_row (TsDbStatement *statement)
{
  return ts_user_new (ts_db_column_int64 (statement, 0),
                      ts_store_column_text (statement, 1),
                      ts_store_column_text (statement, 2));
}

/**
 * ts_store_check_password:
 *
 * A password is 8 characters to %TS_PASSWORD_MAX_BYTES bytes.
 */
gboolean
ts_store_check_password (const char  *password,
                         GError     **error)
{
  if (password == NULL || strlen (password) < 8)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "a password must be at least 8 characters");
      return FALSE;
    }
  if (strlen (password) > TS_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "a password must be at most %d bytes", TS_PASSWORD_MAX_BYTES);
      return FALSE;
    }
  return TRUE;
}

/**
 * ts_store_add_user:
 *
 * Stores a user with their password hashed by ts_password_hash()
 * (Argon2id, salted, slow on purpose). A password is 8 characters to
 * %TS_PASSWORD_MAX_BYTES bytes.
 *
 * Returns: (transfer full) (nullable): the user; TS_STORE_ERROR_EXISTS
 *   when the email is taken, TS_CORE_ERROR_INVALID for bad values
 */
TsUser *
ts_store_add_user (TsStore     *self,
                   const char  *email,
                   const char  *name,
                   const char  *password,
                   GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stripped_name = NULL;
  g_autofree char *hash = NULL;
  TsDbStatement *statement;
  gint64 id;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!ts_email_is_plausible (email))
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” is not an email address", email != NULL ? email : "");
      return NULL;
    }
  stripped_name = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (*stripped_name == '\0' || !g_utf8_validate (stripped_name, -1, NULL) ||
      g_utf8_strlen (stripped_name, -1) > TS_USER_NAME_MAX_CHARS)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "a user's name must be 1 to %d characters", TS_USER_NAME_MAX_CHARS);
      return NULL;
    }
  if (!ts_check_text_characters ("name", stripped_name, FALSE, error))
    return NULL;
  if (!ts_store_check_password (password, error))
    return NULL;
  if ((hash = ts_password_hash (password)) == NULL)
    {
      g_set_error_literal (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                           "out of memory while hashing the password");
      return NULL;
    }

  statement = ts_store_prepare (self, "INSERT INTO users (email, name, password_hash, created_at) "
                                      "VALUES (?, ?, ?, ?) RETURNING id", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_text (statement, 1, email);
  ts_db_bind_text (statement, 2, stripped_name);
  ts_db_bind_text (statement, 3, hash);
  ts_store_bind_time (statement, 4, now);
  if (ts_db_step (statement) != TS_DB_ROW)
    {
      gboolean exists = ts_db_failed_on_unique (self->db);

      ts_db_reset (statement);
      if (exists)
        g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_EXISTS,
                     "a user with the email %s exists already", email);
      else
        ts_store_set_db_error (self, error);
      return NULL;
    }
  id = ts_db_column_int64 (statement, 0);
  ts_db_reset (statement);

  return ts_user_new (id, stripped_name, email);
}

/**
 * ts_store_list_users:
 *
 * Returns: (transfer full) (element-type TsUser): every user, by id
 */
GPtrArray *
ts_store_list_users (TsStore  *self,
                     GError  **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  TsDbStatement *statement;
  TsDbStep step;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  statement = ts_store_prepare (self, "SELECT id, name, email FROM users ORDER BY id", error);
  if (statement == NULL)
    return NULL;
  while ((step = ts_db_step (statement)) == TS_DB_ROW)
    g_ptr_array_add (users, user_from_row (statement));
  if (step == TS_DB_FAILED)
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  return step == TS_DB_DONE ? g_steal_pointer (&users) : NULL;
}

/**
 * ts_store_find_sign_in:
 * @out_hash: (out) (transfer full) (optional): the user's password hash
 *
 * Finds who an email signs in as, for a password check on the password
 * pool (ts_password_pool_verify_async()). Nothing here takes time that
 * tells a known email from an unknown one: the check does, and it is
 * given a dummy hash for an unknown email.
 *
 * Returns: (transfer full) (nullable): the user, %NULL for an unknown email
 */
TsUser *
ts_store_find_sign_in (TsStore     *self,
                       const char  *email,
                       char       **out_hash)
{
  TsDbStatement *statement;
  TsUser *user = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);

  if (out_hash != NULL)
    *out_hash = NULL;
  statement = ts_store_prepare (self, "SELECT id, name, email, password_hash FROM users "
                                      "WHERE lower(email) = lower(?)", NULL);
  if (statement == NULL)
    return NULL;
  ts_db_bind_text (statement, 1, email);
  if (ts_db_step (statement) == TS_DB_ROW)
    {
      user = user_from_row (statement);
      if (out_hash != NULL)
        *out_hash = g_strdup (ts_store_column_text (statement, 3));
    }
  ts_db_reset (statement);
  return user;
}

/* Tokens are stored as their SHA-256: they are long random strings, so a
 * fast hash is enough, and a stolen database holds no usable token. */
static char *
hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/**
 * ts_store_create_token:
 *
 * Returns: (transfer full) (nullable): a new bearer token for the user
 */
char *
ts_store_create_token (TsStore     *self,
                       gint64       user_id,
                       GError     **error)
{
  guchar bytes[TOKEN_BYTES];
  char encoded[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsDbStatement *statement;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!ensure_sodium (error))
    return NULL;
  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (encoded, sizeof encoded, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);

  statement = ts_store_prepare (self, "INSERT INTO tokens (hash, user_id, created_at, last_used_at) "
                                      "VALUES (?, ?, ?, ?)", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_text_take (statement, 1, hash_token (encoded));
  ts_db_bind_int64 (statement, 2, user_id);
  ts_store_bind_time (statement, 3, now);
  ts_db_bind_int64 (statement, 4, g_date_time_to_unix (now));
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  return g_strdup (encoded);
}

/**
 * ts_store_set_session_days:
 *
 * Sets how long a token may go unused before it stops working.
 */
void
ts_store_set_session_days (TsStore *self,
                           guint    days)
{
  g_return_if_fail (TS_IS_STORE (self));
  g_return_if_fail (days > 0);

  self->session_seconds = (gint64) days * 24 * 60 * 60;
}

/* Deletes the tokens that have expired, at most once an hour: the lookup
 * refuses them anyway, this only keeps the table small. */
static gboolean
prune_tokens (TsStore  *self,
              gint64    now,
              GError  **error)
{
  TsDbStatement *statement;

  if (self->tokens_pruned_at != 0 &&
      g_get_monotonic_time () - self->tokens_pruned_at < PRUNE_TOKENS_USEC)
    return TRUE;
  statement = ts_store_prepare (self, "DELETE FROM tokens WHERE last_used_at <= ?", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, now - self->session_seconds);
  if (!ts_store_step_done (self, statement, error))
    return FALSE;
  self->tokens_pruned_at = g_get_monotonic_time ();
  return TRUE;
}

/* Records that a token was used now. The write joins the open batch of
 * changes (opening one when none is), so it costs no sync of its own
 * beside the changes; a day's requests with one token make one write. A
 * failure is logged and retried on the token's next use. */
static void
touch_token (TsStore    *self,
             const char *hash,
             gint64      now)
{
  g_autoptr(GError) error = NULL;
  TsDbStatement *statement;

  if (self->in_transaction)
    return;
  if (!self->in_batch)
    {
      if (!ts_store_exec_begin (self, &error))
        {
          g_warning ("Cannot record a token's use: %s", error->message);
          return;
        }
      self->in_batch = TRUE;
    }
  statement = ts_store_prepare (self, "UPDATE tokens SET last_used_at = ? WHERE hash = ?", &error);
  if (statement != NULL)
    {
      ts_db_bind_int64 (statement, 1, now);
      ts_db_bind_text (statement, 2, hash);
    }
  if (statement == NULL || !ts_store_step_done (self, statement, &error) ||
      !prune_tokens (self, now, &error))
    g_warning ("Cannot record a token's use: %s", error->message);
}

/**
 * ts_store_lookup_token:
 *
 * Finds the user of a token used within the session lifetime (see
 * ts_store_set_session_days()), and records the use, at most once a day,
 * in the open batch of changes: the caller commits it with the batch.
 *
 * Returns: (transfer full) (nullable): the user of a valid token; %NULL
 *   with @error set when the database failed (then the token may well be
 *   valid: 500, never 401, which signs the app out)
 */
TsUser *
ts_store_lookup_token (TsStore     *self,
                       const char  *token,
                       GError     **error)
{
  TsDbStatement *statement;
  g_autofree char *hash = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 last_used = 0;
  TsUser *user = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (token == NULL || *token == '\0')
    return NULL;
  hash = hash_token (token);
  statement = ts_store_prepare (self, "SELECT users.id, users.name, users.email, "
                                      "tokens.last_used_at FROM tokens "
                                      "JOIN users ON users.id = tokens.user_id "
                                      "WHERE tokens.hash = ? AND tokens.last_used_at > ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_text (statement, 1, hash);
  ts_db_bind_int64 (statement, 2, now - self->session_seconds);
  if (ts_store_step_lookup (self, statement, error) == TS_DB_ROW)
    {
      user = user_from_row (statement);
      last_used = ts_db_column_int64 (statement, 3);
    }
  ts_db_reset (statement);

  if (user != NULL && now - last_used >= TOUCH_SECONDS)
    touch_token (self, hash, now);
  return user;
}

gboolean
ts_store_revoke_token (TsStore     *self,
                       const char  *token,
                       GError     **error)
{
  TsDbStatement *statement;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  statement = ts_store_prepare (self, "DELETE FROM tokens WHERE hash = ?", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_text_take (statement, 1, hash_token (token));
  return ts_store_step_done (self, statement, error);
}

/**
 * ts_store_get_user:
 *
 * Returns: (transfer full) (nullable): the user
 */
TsUser *
ts_store_get_user (TsStore *self,
                   gint64   user_id)
{
  TsDbStatement *statement;
  TsUser *user = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  statement = ts_store_prepare (self, "SELECT id, name, email FROM users WHERE id = ?", NULL);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, user_id);
  if (ts_db_step (statement) == TS_DB_ROW)
    user = user_from_row (statement);
  ts_db_reset (statement);
  return user;
}

/**
 * ts_store_lookup_idempotent:
 * @out_status: (out): the status of the first answer
 * @out_body: (out) (transfer full): its body
 *
 * Returns: %TRUE if this user sent this key within the last 24 hours;
 *   %FALSE with @error set when the database failed (the change must not
 *   then be made again)
 */
gboolean
ts_store_lookup_idempotent (TsStore     *self,
                            gint64       user_id,
                            const char  *key,
                            guint       *out_status,
                            char       **out_body,
                            GError     **error)
{
  TsDbStatement *statement;
  gboolean found = FALSE;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  statement = ts_store_prepare (self, "SELECT status, body FROM idempotency "
                                      "WHERE user_id = ? AND key = ? AND created_at > ?", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, user_id);
  ts_db_bind_text (statement, 2, key);
  ts_db_bind_int64 (statement, 3, g_get_real_time () / G_USEC_PER_SEC - IDEMPOTENCY_SECONDS);
  if (ts_store_step_lookup (self, statement, error) == TS_DB_ROW)
    {
      *out_status = ts_db_column_int (statement, 0);
      *out_body = g_strdup (ts_store_column_text (statement, 1));
      found = TRUE;
    }
  ts_db_reset (statement);
  return found;
}

/* Forgets the day-old Idempotency-Keys. SQLite keeps them in creation
 * order (a rowid table, no index on their age): those before the first
 * one still fresh go, found from the table's start, so a prune reads only
 * what it deletes. A key kept out of order (the clock went back) waits
 * for a later prune; the lookup ignores it once old anyway. */
static gboolean
prune_idempotent (TsStore  *self,
                  gint64    expired,
                  GError  **error)
{
  TsDbStatement *statement =
    ts_store_prepare (self, ts_store_is_postgresql (self)
                      ? "DELETE FROM idempotency WHERE created_at <= ?1"
                      : "DELETE FROM idempotency WHERE created_at <= ?1 AND id < "
                        "ifnull((SELECT id FROM idempotency WHERE created_at > ?1 "
                        "        ORDER BY id LIMIT 1), 9223372036854775807)", error);

  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, expired);
  return ts_store_step_done (self, statement, error);
}

/* Keeps an answer unless its key is kept already; a kept answer whose
 * day is over gives way. */
static gboolean
insert_idempotent (TsStore     *self,
                   gint64       user_id,
                   const char  *key,
                   guint        status,
                   const char  *body,
                   gint64       now,
                   gboolean    *out_inserted,
                   GError     **error)
{
  TsDbStatement *statement =
    ts_store_prepare (self, "INSERT INTO idempotency (user_id, key, status, body, created_at) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING",
                      error);

  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, user_id);
  ts_db_bind_text (statement, 2, key);
  ts_db_bind_int64 (statement, 3, status);
  ts_db_bind_text (statement, 4, body);
  ts_db_bind_int64 (statement, 5, now);
  if (!ts_store_step_done (self, statement, error))
    return FALSE;
  *out_inserted = ts_db_changes (statement) > 0;
  return TRUE;
}

/* Forgets @key's kept answer if its day is over. */
static gboolean
forget_expired_idempotent (TsStore     *self,
                           gint64       user_id,
                           const char  *key,
                           gint64       expired,
                           gboolean    *out_forgot,
                           GError     **error)
{
  TsDbStatement *statement =
    ts_store_prepare (self, "DELETE FROM idempotency "
                            "WHERE user_id = ? AND key = ? AND created_at <= ?", error);

  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, user_id);
  ts_db_bind_text (statement, 2, key);
  ts_db_bind_int64 (statement, 3, expired);
  if (!ts_store_step_done (self, statement, error))
    return FALSE;
  *out_forgot = ts_db_changes (statement) > 0;
  return TRUE;
}

/**
 * ts_store_remember_idempotent:
 *
 * Keeps the answer to a keyed request, inside the transaction of the
 * change it answers, so that a retry after a crash finds either both or
 * neither. Keys older than a day are forgotten here too, at most once a
 * minute: the lookup ignores them anyway, and pruning on every create
 * would cost every create a search.
 */
gboolean
ts_store_remember_idempotent (TsStore     *self,
                              gint64       user_id,
                              const char  *key,
                              guint        status,
                              const char  *body,
                              GError     **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expired = now - IDEMPOTENCY_SECONDS;
  gboolean inserted = FALSE;
  gboolean forgot = FALSE;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  if (g_get_monotonic_time () - self->idempotency_pruned_at > 60 * G_USEC_PER_SEC)
    {
      if (!prune_idempotent (self, expired, error))
        return FALSE;
      self->idempotency_pruned_at = g_get_monotonic_time ();
    }

  /* A key answered within the day is never replaced: on PostgreSQL
   * another server may have answered it since this one looked (the insert
   * waits for that one's commit), and then this change is not made. An
   * expired answer not yet pruned gives way (rarely: keys are random). */
  if (!insert_idempotent (self, user_id, key, status, body, now, &inserted, error))
    return FALSE;
  if (!inserted &&
      (!forget_expired_idempotent (self, user_id, key, expired, &forgot, error) ||
       (forgot && !insert_idempotent (self, user_id, key, status, body, now, &inserted, error))))
    return FALSE;
  if (!inserted)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_EXISTS,
                   "the Idempotency-Key %s was answered meanwhile", key);
      return FALSE;
    }
  return TRUE;
}
