/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* Users, their tokens, and the answers kept for idempotent retries. */

#include "ts-store-private.h"

#include <sodium.h>
#include <string.h>

/* Random bytes in a token: 256 bits, well past the 128 asked for. */
#define TOKEN_BYTES 32
/* How long an Idempotency-Key is remembered (api.md). */
#define IDEMPOTENCY_SECONDS (24 * 60 * 60)

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
 * Stores a user with their password hashed by libsodium's
 * `crypto_pwhash_str` (Argon2id, salted, slow on purpose).
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
  char hash[crypto_pwhash_STRBYTES];
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stripped_name = NULL;
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
  if (password == NULL || strlen (password) < 8)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "a password must be at least 8 characters");
      return NULL;
    }
  if (!ensure_sodium (error))
    return NULL;
  if (crypto_pwhash_str (hash, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
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
 * ts_store_authenticate:
 *
 * Returns: (transfer full) (nullable): the user whose email and password
 *   these are; TS_STORE_ERROR_UNAUTHORIZED otherwise, the same for an
 *   unknown email and a wrong password
 */
TsUser *
ts_store_authenticate (TsStore     *self,
                       const char  *email,
                       const char  *password,
                       GError     **error)
{
  sqlite3_stmt *statement;
  g_autoptr(TsUser) user = NULL;
  gboolean matches = FALSE;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!ensure_sodium (error))
    return NULL;
  statement = ts_store_prepare (self, "SELECT id, name, email, password_hash FROM users "
                                      "WHERE email = ?", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, email, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) == SQLITE_ROW)
    {
      user = user_from_row (statement);
      matches = crypto_pwhash_str_verify (ts_store_column_text (statement, 3),
                                          password, strlen (password)) == 0;
    }
  sqlite3_reset (statement);

  if (!matches)
    {
      g_set_error_literal (error, TS_STORE_ERROR, TS_STORE_ERROR_UNAUTHORIZED,
                           "the email or the password is wrong");
      return NULL;
    }
  return g_steal_pointer (&user);
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

  statement = ts_store_prepare (self, "INSERT INTO tokens (hash, user_id, created_at) "
                                      "VALUES (?, ?, ?)", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, hash_token (encoded), -1, g_free);
  sqlite3_bind_int64 (statement, 2, user_id);
  ts_store_bind_time (statement, 3, now);
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  return g_strdup (encoded);
}

/**
 * ts_store_lookup_token:
 *
 * Returns: (transfer full) (nullable): the user of a valid token
 */
TsUser *
ts_store_lookup_token (TsStore    *self,
                       const char *token)
{
  sqlite3_stmt *statement;
  TsUser *user = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (token == NULL || *token == '\0')
    return NULL;
  statement = ts_store_prepare (self, "SELECT users.id, users.name, users.email FROM tokens "
                                      "JOIN users ON users.id = tokens.user_id "
                                      "WHERE tokens.hash = ?", NULL);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, hash_token (token), -1, g_free);
  if (sqlite3_step (statement) == SQLITE_ROW)
    user = user_from_row (statement);
  sqlite3_reset (statement);
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
