/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TS_SYNC_ERROR (ts_sync_error_quark ())

/**
 * TsSyncError:
 * @TS_SYNC_ERROR_NETWORK: no answer came: the connection was refused or
 *   reset, timed out, or the name did not resolve. The message is the
 *   underlying one.
 * @TS_SYNC_ERROR_UNAUTHORIZED: 401; the token is missing, wrong or revoked,
 *   or the password is wrong
 * @TS_SYNC_ERROR_FORBIDDEN: 403
 * @TS_SYNC_ERROR_NOT_FOUND: 404, which is also the answer for a project the
 *   user is not a member of
 * @TS_SYNC_ERROR_CONFLICT: 409; ts_api_client_update_story_finish() hands
 *   out the story as it is and the fields at odds
 * @TS_SYNC_ERROR_GONE: 410; the changes asked for are no longer kept, and
 *   the client reloads the project
 * @TS_SYNC_ERROR_INVALID: 400 or 422, a request the server refused as it
 *   was sent; the message is the server's and names the field
 * @TS_SYNC_ERROR_TOO_LARGE: 413
 * @TS_SYNC_ERROR_RATE_LIMITED: 429
 * @TS_SYNC_ERROR_SERVER: 5xx
 * @TS_SYNC_ERROR_PROTOCOL: an answer that is not what api.md says: a status
 *   it does not list, a body that is not JSON or not of the right shape
 *
 * The errors of libtruestory-sync. An answer with an error status has the
 * server's `error.message` as its message.
 */
typedef enum {
  TS_SYNC_ERROR_NETWORK,
  TS_SYNC_ERROR_UNAUTHORIZED,
  TS_SYNC_ERROR_FORBIDDEN,
  TS_SYNC_ERROR_NOT_FOUND,
  TS_SYNC_ERROR_CONFLICT,
  TS_SYNC_ERROR_GONE,
  TS_SYNC_ERROR_INVALID,
  TS_SYNC_ERROR_TOO_LARGE,
  TS_SYNC_ERROR_RATE_LIMITED,
  TS_SYNC_ERROR_SERVER,
  TS_SYNC_ERROR_PROTOCOL,
} TsSyncError;

GQuark   ts_sync_error_quark              (void);

GError  *ts_sync_error_new_for_status     (guint         status,
                                           GBytes       *body);
GError  *ts_sync_error_new_for_transport  (const GError *error);
GError  *ts_sync_error_new_for_answer     (const GError *error,
                                           const char   *method,
                                           const char   *path);

G_END_DECLS
