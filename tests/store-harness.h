/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the sync tests and benchmark share against a real truestory-server:
 * running the main loop until something holds, awaiting one async call,
 * the REST steps that set a project up, and a story picked at random. */

#include "server-harness.h"
#include "ts-api-client.h"
#include "ts-backlog-store.h"

G_BEGIN_DECLS

typedef gboolean (*StoreCondition) (gpointer data);

/* The realtime app every sync test's server runs. */
extern const char * const store_app_args[];

TestServer   *store_server_start   (const char * const *emails,
                                    guint           n_emails,
                                    const char     *password);

void          store_wait_for       (StoreCondition  condition,
                                    gpointer        data,
                                    guint           timeout_ms,
                                    const char     *what);
void          store_spin           (guint           ms);
void          store_result_cb      (GObject        *source,
                                    GAsyncResult   *result,
                                    gpointer        user_data);
GAsyncResult *store_await          (GAsyncResult  **slot);
TsApiClient  *store_sign_in        (TestServer     *server,
                                    SoupSession    *session,
                                    const char     *email,
                                    const char     *password);
gint64        store_add_member     (TsApiClient    *api,
                                    gint64          project_id,
                                    const char     *email);
TsProject    *store_create_project (TsApiClient    *api,
                                    TsProjectPatch *settings);
TsStory      *store_pick_story     (TsBacklogStore *store,
                                    GRand          *rand,
                                    const char     *prefix);

G_END_DECLS
