/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-credentials"

#include "ts-credentials.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

/* A team server's token is kept in the Secret Service under this schema,
 * one item per server and email. Where no Secret Service answers (a
 * session without a keyring, plain Xvfb) it goes in a file only the user
 * can read instead, and the preferences say so. The app keeps one account
 * at a time, so the file holds one token. */

#define TOKEN_GROUP "token"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.truestory.TrueStory.Token", SECRET_SCHEMA_NONE,
    {
      { "server-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

typedef struct {
  char *server_url;
  char *email;
  char *token;
} Request;

static void
request_free (Request *request)
{
  g_free (request->server_url);
  g_free (request->email);
  if (request->token != NULL)
    memset (request->token, 0, strlen (request->token));
  g_free (request->token);
  g_free (request);
}

static GTask *
new_task (const char          *server_url,
          const char          *email,
          const char          *token,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, source_tag);
  request->server_url = g_strdup (server_url);
  request->email = g_strdup (email);
  request->token = g_strdup (token);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  return task;
}

/**
 * ts_credentials_dup_token_file:
 *
 * Returns: where the token is kept when there is no Secret Service
 */
char *
ts_credentials_dup_token_file (void)
{
  return g_build_filename (g_get_user_config_dir (), "truestory", "token", NULL);
}

/**
 * ts_credentials_write_private_file:
 *
 * Writes @key_file to @path, readable by the user only (0600, in a folder
 * of 0700 made when missing), replacing the file in one step.
 */
gboolean
ts_credentials_write_private_file (const char  *path,
                                   GKeyFile    *key_file,
                                   GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  gsize length;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "cannot make %s: %s", folder, g_strerror (saved_errno));
      return FALSE;
    }

  data = g_key_file_to_data (key_file, &length, NULL);
  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static gboolean
write_token_file (Request  *request,
                  GError  **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *path = ts_credentials_dup_token_file ();

  g_key_file_set_string (key_file, TOKEN_GROUP, "server-url", request->server_url);
  g_key_file_set_string (key_file, TOKEN_GROUP, "email", request->email);
  g_key_file_set_string (key_file, TOKEN_GROUP, "token", request->token);
  return ts_credentials_write_private_file (path, key_file, error);
}

/* The file's token, when it is for this server and email. */
static char *
read_token_file (Request *request)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *path = ts_credentials_dup_token_file ();
  g_autofree char *server_url = NULL;
  g_autofree char *email = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  server_url = g_key_file_get_string (key_file, TOKEN_GROUP, "server-url", NULL);
  email = g_key_file_get_string (key_file, TOKEN_GROUP, "email", NULL);
  if (g_strcmp0 (server_url, request->server_url) != 0 || g_strcmp0 (email, request->email) != 0)
    return NULL;
  return g_key_file_get_string (key_file, TOKEN_GROUP, "token", NULL);
}

static void
remove_token_file (void)
{
  g_autofree char *path = ts_credentials_dup_token_file ();

  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) file_error = NULL;

  if (secret_password_store_finish (result, &error))
    {
      /* A token left in the file from a session without a keyring is
       * no longer needed there. */
      remove_token_file ();
      g_task_return_int (task, TS_TOKEN_STORAGE_KEYRING);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_message ("No keyring to keep the token in (%s); keeping it in a private file instead",
             error->message);
  if (!write_token_file (request, &file_error))
    {
      g_task_return_error (task, g_steal_pointer (&file_error));
      return;
    }
  g_task_return_int (task, TS_TOKEN_STORAGE_FILE);
}

void
ts_credentials_store_token_async (const char          *server_url,
                                  const char          *email,
                                  const char          *token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  g_autofree char *label = NULL;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (token != NULL);

  task = new_task (server_url, email, token, cancellable, callback, user_data,
                   ts_credentials_store_token_async);
  /* Translators: the label of the keyring item; %s is the server's address. */
  label = g_strdup_printf (_("TrueStory sign-in for %s"), server_url);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, store_cb, task,
                         "server-url", server_url, "email", email, NULL);
}

TsTokenStorage
ts_credentials_store_token_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize storage;

  g_return_val_if_fail (g_task_is_valid (result, NULL), TS_TOKEN_STORAGE_NONE);

  storage = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TS_TOKEN_STORAGE_NONE;
    }
  return (TsTokenStorage) storage;
}

typedef struct {
  char *token;
  TsTokenStorage storage;
} LookupResult;

static void
lookup_result_free (LookupResult *lookup)
{
  g_free (lookup->token);
  g_free (lookup);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  LookupResult *lookup = g_new0 (LookupResult, 1);

  lookup->token = secret_password_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      lookup_result_free (lookup);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL)
    g_debug ("No keyring to look the token up in: %s", error->message);

  if (lookup->token != NULL)
    lookup->storage = TS_TOKEN_STORAGE_KEYRING;
  else if ((lookup->token = read_token_file (request)) != NULL)
    lookup->storage = TS_TOKEN_STORAGE_FILE;
  g_task_return_pointer (task, lookup, (GDestroyNotify) lookup_result_free);
}

void
ts_credentials_lookup_token_async (const char          *server_url,
                                   const char          *email,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (email != NULL);

  task = new_task (server_url, email, NULL, cancellable, callback, user_data,
                   ts_credentials_lookup_token_async);
  secret_password_lookup (token_schema (), cancellable, lookup_cb, task,
                          "server-url", server_url, "email", email, NULL);
}

/**
 * ts_credentials_lookup_token_finish:
 * @out_storage: (out) (optional): where the token was found
 *
 * Returns: (transfer full) (nullable): the token, or %NULL when none is
 *   kept for this server and email (which is not an error)
 */
char *
ts_credentials_lookup_token_finish (GAsyncResult    *result,
                                    TsTokenStorage  *out_storage,
                                    GError         **error)
{
  LookupResult *lookup;
  char *token;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  lookup = g_task_propagate_pointer (G_TASK (result), error);
  if (out_storage != NULL)
    *out_storage = lookup != NULL ? lookup->storage : TS_TOKEN_STORAGE_NONE;
  if (lookup == NULL)
    return NULL;
  token = g_steal_pointer (&lookup->token);
  lookup_result_free (lookup);
  return token;
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_debug ("No keyring to clear the token from: %s", error->message);

  /* The file is cleared only when it holds this account's token. */
  token = read_token_file (request);
  if (token != NULL)
    remove_token_file ();
  g_task_return_boolean (task, TRUE);
}

void
ts_credentials_clear_token_async (const char          *server_url,
                                  const char          *email,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (email != NULL);

  task = new_task (server_url, email, NULL, cancellable, callback, user_data,
                   ts_credentials_clear_token_async);
  secret_password_clear (token_schema (), cancellable, clear_cb, task,
                         "server-url", server_url, "email", email, NULL);
}

gboolean
ts_credentials_clear_token_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
