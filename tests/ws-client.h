/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "server-harness.h"

G_BEGIN_DECLS

/* Every wait in a test has a deadline, so a server that never answers
 * fails the test instead of hanging it. */
#define TIMEOUT_MS 5000

typedef struct {
  SoupWebsocketConnection *connection;
  GQueue messages;  /* JsonObject* */
  gboolean closed;
  char *socket_id;
} Client;

gboolean    ws_deadline_cb     (gpointer     user_data);

#define WAIT_UNTIL(cond, ms)                                            \
  G_STMT_START {                                                        \
    gboolean expired_ = FALSE;                                          \
    guint deadline_ = g_timeout_add ((ms), ws_deadline_cb, &expired_);  \
    while (!(cond) && !expired_)                                        \
      g_main_context_iteration (NULL, TRUE);                            \
    if (!expired_)                                                      \
      g_source_remove (deadline_);                                      \
    if (!(cond))                                                        \
      g_error ("timed out after %u ms waiting for %s", (guint) (ms), #cond); \
  } G_STMT_END

Client     *client_connect_url (SoupSession *session,
                                const char  *url);
Client     *client_open_pusher (SoupSession *session,
                                guint        port,
                                const char  *key);
JsonObject *client_next        (Client      *client);
JsonObject *client_expect      (Client      *client,
                                const char  *event);
void        client_send        (Client      *client,
                                const char  *text);
void        client_sync        (Client      *client);
void        client_free        (Client      *client);
void        client_close       (Client      *client);
const char *message_event      (JsonObject  *message);
JsonObject *message_data       (JsonObject  *message);
char       *subscribe_message  (const char  *channel,
                                const char  *auth,
                                const char  *channel_data);
void        client_subscribe_through (Client      *client,
                                      TestServer  *server,
                                      const char  *token,
                                      const char  *channel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_close)

G_END_DECLS
