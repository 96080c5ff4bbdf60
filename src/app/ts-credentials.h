/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TsTokenStorage:
 * @TS_TOKEN_STORAGE_NONE: no token is kept
 * @TS_TOKEN_STORAGE_KEYRING: in the Secret Service (the login keyring)
 * @TS_TOKEN_STORAGE_FILE: in a file only the user can read, because no
 *   Secret Service answered
 *
 * Where a team server's sign-in token is kept.
 */
typedef enum {
  TS_TOKEN_STORAGE_NONE,
  TS_TOKEN_STORAGE_KEYRING,
  TS_TOKEN_STORAGE_FILE,
} TsTokenStorage;

char           *ts_credentials_dup_token_file       (void);

void            ts_credentials_store_token_async    (const char          *server_url,
                                                     const char          *email,
                                                     const char          *token,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
TsTokenStorage  ts_credentials_store_token_finish   (GAsyncResult        *result,
                                                     GError             **error);
void            ts_credentials_lookup_token_async   (const char          *server_url,
                                                     const char          *email,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
char           *ts_credentials_lookup_token_finish  (GAsyncResult        *result,
                                                     TsTokenStorage      *out_storage,
                                                     GError             **error);
void            ts_credentials_clear_token_async    (const char          *server_url,
                                                     const char          *email,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        ts_credentials_clear_token_finish   (GAsyncResult        *result,
                                                     GError             **error);

gboolean        ts_credentials_write_private_file   (const char          *path,
                                                     GKeyFile            *key_file,
                                                     GError             **error);

G_END_DECLS
