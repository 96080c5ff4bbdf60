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
user_from_row (sqlite3_stmt *statement)
{
  return ts_user_new (sqlite3_column_int64 (statement, 0),
                      ts_store_column_text (statement, 1),
                      ts_store_column_text (statement, 2));
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
  sqlite3_stmt *statement;
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
  if (password == NULL || strlen (password) < 8)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "a password must be at least 8 characters");
      return NULL;
    }
  if (strlen (password) > TS_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "a password must be at most %d bytes", TS_PASSWORD_MAX_BYTES);
      return NULL;
    }
  if ((hash = ts_password_hash (password)) == NULL)
    {
      g_set_error_literal (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                           "out of memory while hashing the password");
      return NULL;
    }

  statement = ts_store_prepare (self, "INSERT INTO users (email, name, password_hash, created_at) "
                                      "VALUES (?, ?, ?, ?)", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, email, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, stripped_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, hash, -1, SQLITE_STATIC);
  ts_store_bind_time (statement, 4, now);
  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      gboolean exists = sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE;

      sqlite3_reset (statement);
      if (exists)
        g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_EXISTS,
                     "a user with the email %s exists already", email);
      else
        ts_store_set_db_error (self, error);
      return NULL;
    }
  sqlite3_reset (statement);
  id = sqlite3_last_insert_rowid (self->db);

  return ts_user_new (id, stripped_name, email);
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
  sqlite3_stmt *statement;
  TsUser *user = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);

  if (out_hash != NULL)
    *out_hash = NULL;
  statement = ts_store_prepare (self, "SELECT id, name, email, password_hash FROM users "
                                      "WHERE email = ?", NULL);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, email, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) == SQLITE_ROW)
    {
      user = user_from_row (statement);
      if (out_hash != NULL)
        *out_hash = g_strdup (ts_store_column_text (statement, 3));
    }
  sqlite3_reset (statement);
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
  sqlite3_stmt *statement;

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
  sqlite3_bind_text (statement, 1, hash_token (encoded), -1, g_free);
  sqlite3_bind_int64 (statement, 2, user_id);
  ts_store_bind_time (statement, 3, now);
  sqlite3_bind_int64 (statement, 4, g_date_time_to_unix (now));
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
  sqlite3_stmt *statement;

  if (self->tokens_pruned_at != 0 &&
      g_get_monotonic_time () - self->tokens_pruned_at < PRUNE_TOKENS_USEC)
    return TRUE;
  statement = ts_store_prepare (self, "DELETE FROM tokens WHERE last_used_at <= ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, now - self->session_seconds);
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
  sqlite3_stmt *statement;

  if (self->in_transaction)
    return;
  if (!self->in_batch)
    {
      if (!ts_store_exec (self, "BEGIN IMMEDIATE", &error))
        {
          g_warning ("Cannot record a token's use: %s", error->message);
          return;
        }
      self->in_batch = TRUE;
    }
  statement = ts_store_prepare (self, "UPDATE tokens SET last_used_at = ? WHERE hash = ?", &error);
  if (statement != NULL)
    {
      sqlite3_bind_int64 (statement, 1, now);
      sqlite3_bind_text (statement, 2, hash, -1, SQLITE_STATIC);
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
 * Returns: (transfer full) (nullable): the user of a valid token
 */
TsUser *
ts_store_lookup_token (TsStore    *self,
                       const char *token)
{
  sqlite3_stmt *statement;
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
                                      "WHERE tokens.hash = ? AND tokens.last_used_at > ?", NULL);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 2, now - self->session_seconds);
  if (sqlite3_step (statement) == SQLITE_ROW)
    {
      user = user_from_row (statement);
      last_used = sqlite3_column_int64 (statement, 3);
    }
  sqlite3_reset (statement);

  if (user != NULL && now - last_used >= TOUCH_SECONDS)
    touch_token (self, hash, now);
  return user;
}

gboolean
ts_store_revoke_token (TsStore     *self,
                       const char  *token,
                       GError     **error)
{
  sqlite3_stmt *statement;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  statement = ts_store_prepare (self, "DELETE FROM tokens WHERE hash = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, hash_token (token), -1, g_free);
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
  sqlite3_stmt *statement;
  TsUser *user = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  statement = ts_store_prepare (self, "SELECT id, name, email FROM users WHERE id = ?", NULL);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, user_id);
  if (sqlite3_step (statement) == SQLITE_ROW)
    user = user_from_row (statement);
  sqlite3_reset (statement);
  return user;
}

/**
 * ts_store_lookup_idempotent:
 * @out_status: (out): the status of the first answer
 * @out_body: (out) (transfer full): its body
 *
 * Returns: %TRUE if this user sent this key within the last 24 hours
 */
gboolean
ts_store_lookup_idempotent (TsStore     *self,
                            gint64       user_id,
                            const char  *key,
                            guint       *out_status,
                            char       **out_body)
{
  sqlite3_stmt *statement;
  gboolean found = FALSE;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  statement = ts_store_prepare (self, "SELECT status, body FROM idempotency "
                                      "WHERE user_id = ? AND key = ? AND created_at > ?", NULL);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, user_id);
  sqlite3_bind_text (statement, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 3, g_get_real_time () / G_USEC_PER_SEC - IDEMPOTENCY_SECONDS);
  if (sqlite3_step (statement) == SQLITE_ROW)
    {
      *out_status = sqlite3_column_int (statement, 0);
      *out_body = g_strdup (ts_store_column_text (statement, 1));
      found = TRUE;
    }
  sqlite3_reset (statement);
  return found;
}

/**
 * ts_store_remember_idempotent:
 *
 * Keeps the answer to a keyed request, inside the transaction of the
 * change it answers, so that a retry after a crash finds either both or
 * neither. Keys older than a day are forgotten here too, at most once a
 * minute: the lookup ignores them anyway, and pruning on every create
 * would cost every create a scan.
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
  sqlite3_stmt *statement;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  if (g_get_monotonic_time () - self->idempotency_pruned_at > 60 * G_USEC_PER_SEC)
    {
      statement = ts_store_prepare (self, "DELETE FROM idempotency WHERE created_at <= ?", error);
      if (statement == NULL)
        return FALSE;
      sqlite3_bind_int64 (statement, 1, now - IDEMPOTENCY_SECONDS);
      if (!ts_store_step_done (self, statement, error))
        return FALSE;
      self->idempotency_pruned_at = g_get_monotonic_time ();
    }

  statement = ts_store_prepare (self, "INSERT OR REPLACE INTO idempotency "
                                      "(user_id, key, status, body, created_at) "
                                      "VALUES (?, ?, ?, ?, ?)", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, user_id);
  sqlite3_bind_text (statement, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_int (statement, 3, status);
  sqlite3_bind_text (statement, 4, body, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 5, now);
  return ts_store_step_done (self, statement, error);
}
