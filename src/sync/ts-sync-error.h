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
 * @TS_SYNC_ERROR_PROTOCOL: an answer that is not what doc/api.md says: a status
 *   it does not list, a body that is not JSON or not of the right shape
 * @TS_SYNC_ERROR_PROJECT_DELETED: the project open in a store was deleted
 * @TS_SYNC_ERROR_PROJECT_UNAVAILABLE: the project open in a store is no
 *   longer the user's (deleted, or membership lost)
 * @TS_SYNC_ERROR_NOTHING_TO_UNDO: Undo with nothing left to take back
 * @TS_SYNC_ERROR_UNDO_STALE: the change to take back cannot be: its story
 *   was changed since (moved or deleted, or a state it cannot return from)
 * @TS_SYNC_ERROR_REFUSED: a change the store refused before sending it (the
 *   field names what, e.g. a title over 1,000 characters)
 *
 * The errors of libtruestory-sync. An answer with an error status has the
 * server's `error.message` as its message. Messages are details for the
 * log, in English: the app words what it shows from the code, the field
 * (ts_sync_error_get_field()) and the operation, translated, in one place.
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
  TS_SYNC_ERROR_PROJECT_DELETED,
  TS_SYNC_ERROR_PROJECT_UNAVAILABLE,
  TS_SYNC_ERROR_NOTHING_TO_UNDO,
  TS_SYNC_ERROR_UNDO_STALE,
  TS_SYNC_ERROR_REFUSED,
} TsSyncError;

/* What a failed change was: the app words its message by it. */
typedef enum {
  TS_SYNC_OPERATION_NONE,
  TS_SYNC_OPERATION_CREATE,
  TS_SYNC_OPERATION_UPDATE,
  TS_SYNC_OPERATION_MOVE,
  TS_SYNC_OPERATION_DELETE,
} TsSyncOperation;

GQuark   ts_sync_error_quark              (void);

GError  *ts_sync_error_new_for_status     (guint         status,
                                           GBytes       *body);
GError  *ts_sync_error_new_for_transport  (const GError *error);
GError  *ts_sync_error_new_for_answer     (const GError *error,
                                           const char   *method,
                                           const char   *path);

const char     *ts_sync_error_get_field     (const GError    *error);
void            ts_sync_error_set_field     (GError          *error,
                                             const char      *field);
TsSyncOperation ts_sync_error_get_operation (const GError    *error);
void            ts_sync_error_set_operation (GError          *error,
                                             TsSyncOperation  operation);
char           *ts_sync_error_dup_subject   (const GError    *error);
void            ts_sync_error_set_subject   (GError          *error,
                                             const char      *subject);
gint64          ts_sync_error_get_line      (const GError    *error);

G_END_DECLS
