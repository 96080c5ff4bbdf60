/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ts-api-client.h"
#include "ts-credentials.h"
#include "ts-local-copy.h"
#include "ts-outbox.h"
#include "ts-realtime-client.h"
#include "ts-user.h"

G_BEGIN_DECLS

/**
 * TsSessionKind:
 * @TS_SESSION_KIND_LOCAL: a local backlog, on the bundled server this app
 *   started
 * @TS_SESSION_KIND_SERVER: a team server
 */
typedef enum {
  TS_SESSION_KIND_LOCAL,
  TS_SESSION_KIND_SERVER,
} TsSessionKind;

#define TS_TYPE_SESSION (ts_session_get_type ())

G_DECLARE_FINAL_TYPE (TsSession, ts_session, TS, SESSION, GObject)

char           *ts_session_dup_local_data_dir  (void);
char           *ts_session_normalize_url       (const char          *text,
                                                GError             **error);

void            ts_session_open_local_async    (GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
void            ts_session_connect_async       (const char          *server_url,
                                                const char          *email,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
void            ts_session_restore_async       (const char          *server_url,
                                                const char          *email,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
TsSession      *ts_session_open_finish         (GAsyncResult        *result,
                                                GError             **error);

TsSessionKind   ts_session_get_kind            (TsSession           *self);
TsApiClient    *ts_session_get_client          (TsSession           *self);
TsRealtimeClient *ts_session_get_realtime     (TsSession           *self);
TsLocalCopy    *ts_session_get_local_copy      (TsSession           *self);
TsOutbox       *ts_session_get_outbox          (TsSession           *self);
guint           ts_session_get_n_unsent        (TsSession           *self);
TsUser         *ts_session_get_user            (TsSession           *self);
const char     *ts_session_get_server_url      (TsSession           *self);
const char     *ts_session_get_email           (TsSession           *self);
gboolean        ts_session_opened_as_kept      (TsSession           *self);
TsTokenStorage  ts_session_get_token_storage   (TsSession           *self);

void            ts_session_sign_out_async      (TsSession           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        ts_session_sign_out_finish     (TsSession           *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void            ts_session_close               (TsSession           *self);

G_END_DECLS
