/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The password pool: checks passwords against their Argon2id hashes on a
 * few worker threads, never on the REST thread, with a bounded queue. One
 * pool serves the whole process: its threads live as long as it does.
 */

/* The longest password, in bytes: anything longer is refused before any
 * hashing (and libsodium hashes any length, so the limit is ours). */
#define TS_PASSWORD_MAX_BYTES 1024

gboolean ts_password_pool_verify_async  (const char          *hash,
                                         const char          *password,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean ts_password_pool_verify_finish (GAsyncResult        *result,
                                         GError             **error);
guint    ts_password_pool_get_n_queued  (void);
char    *ts_password_hash               (const char          *password);

G_END_DECLS
