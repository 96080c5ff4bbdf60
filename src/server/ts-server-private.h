/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-server.h"
#include "ts-sign-in.h"

G_BEGIN_DECLS

struct _TsServer
{
  GObject parent_instance;

  SoupServer *soup_server;
  TsStore *store;
  TsHub *hub;
  TsPublisher *publisher;
  TsRealtimeEndpoint realtime;
  char *realtime_secret;
  guint16 port;
  TsServerTimeouts timeouts;
  /* Sign-in limits and the trusted proxies. */
  TsSignIn *sign_in;

  /* (nullable once stopped): the store thread, where every use of the
   * store runs, one job after the other; the main context, where the
   * jobs' answers are written; the jobs not yet answered. */
  GThreadPool *store_thread;
  GMainContext *context;
  guint n_jobs;
  /* Group commit (SQLite): the jobs whose changes are in the open batch,
   * waiting for its commit; touched by the store thread only. */
  gboolean group_commit;
  GPtrArray *held;

  /* Publishing from the database (ts-server-feed.c): the versions sent
   * and not yet marked, and the highest queued, by project; (nullable)
   * without a feed. */
  GHashTable *feed_sent;
  GHashTable *feed_queued;
  gboolean feed_busy;
  gboolean feed_again;
  guint feed_timer;

  /* SQLite: what admin commands beside this server did
   * (ts-server-admin-feed.c): the data version last seen and the rows
   * last read, written on the store thread; whether a look is queued. */
  guint watch_timer;
  gboolean watch_busy;
  gint64 watch_data_version;
  gint64 admin_cursor;
  gint64 eviction_cursor;
};

/**
 * TsAnswer:
 *
 * The answer of a request handled on the store thread, written to the
 * message by the main thread. A change's answer is sent only once its
 * transaction is committed, and then its event is published.
 */
typedef struct {
  guint status;
  char *body;
  gsize length;
  /* Response headers: name, value, name, value… */
  GPtrArray *headers;
  gboolean after_commit;
  gint64 project_id;
  TsChange *change;
  /* The change's event data, made on the store thread. */
  char *event_data;
  char *socket_id;
  /* (nullable): the body's type when it is not JSON (an export) */
  char *content_type;
} TsAnswer;

/**
 * TsRequest:
 *
 * One REST request while it is handled: who made it, the ids in its path,
 * and its body.
 */
typedef struct {
  TsServer *server;
  SoupServerMessage *msg;
  const char *method;
  TsUser *user;
  gint64 user_id;
  /* Ids from the path, in order (:id, :sid, :cid or :number). */
  gint64 ids[3];
  GBytes *body;
  const char *socket_id;
  const char *idempotency_key;
  /* (nullable): on the store thread, where the answer is kept */
  TsAnswer *answer;
} TsRequest;

typedef void (*TsRouteHandler) (TsRequest *request);

/* The front door's calls (ts-server-door.c). */
void        ts_server_set_door_calls  (TsServer          *self,
                                       TsFrontDoorPolicy *policy);

/* The store thread (ts-server-jobs.c). @func runs with the store, on the
 * store thread, then @done on the main thread. */
typedef void (*TsStoreJobFunc) (TsServer *server,
                                gpointer  data);

void        ts_server_start_store_thread (TsServer  *self);
void        ts_server_stop_store_thread  (TsServer  *self);
void        ts_server_run_store_job   (TsServer       *self,
                                       TsStoreJobFunc  func,
                                       TsStoreJobFunc  done,
                                       gpointer        data);
void        ts_server_start_feed      (TsServer       *self);
void        ts_server_stop_feed       (TsServer       *self);
void        ts_server_kick_feed       (TsServer       *self);
void        ts_server_start_watch     (TsServer       *self);
void        ts_server_stop_watch      (TsServer       *self);
void        ts_server_dispatch_request (TsServer      *self,
                                       TsRequest      *request,
                                       TsRouteHandler  handler,
                                       gboolean        needs_auth,
                                       gboolean        batched,
                                       char           *token);
gboolean    ts_server_handler_runs_on_main (TsRouteHandler handler);
void        ts_server_handle_session_create (TsRequest *request);
/* The Tracker CSV endpoints (ts-server-tracker.c). */
void        ts_server_handle_import   (TsRequest    *request);
void        ts_server_handle_export   (TsRequest    *request);
const char *ts_server_string_member   (JsonObject   *object,
                                       const char   *name);
void        ts_request_set_header     (TsRequest    *request,
                                       const char   *name,
                                       const char   *value);
void        ts_request_respond_take   (TsRequest    *request,
                                       guint         status,
                                       char         *json,
                                       gsize         length);

/* Answers. */
void        ts_request_respond_typed  (TsRequest    *request,
                                       guint         status,
                                       const char   *content_type,
                                       char         *body,
                                       gsize         length);
void        ts_request_respond_json   (TsRequest    *request,
                                       guint         status,
                                       JsonNode     *node);
void        ts_request_respond_text   (TsRequest    *request,
                                       guint         status,
                                       const char   *json);
void        ts_request_respond_error  (TsRequest    *request,
                                       const GError *error);
void        ts_request_fail           (TsRequest    *request,
                                       guint         status,
                                       const char   *code,
                                       const char   *message);

JsonObject *ts_request_body_object    (TsRequest    *request);

/* The mutation pattern: one transaction, an idempotent answer, then the
 * event. @change may be NULL for answers that publish nothing. */
gboolean    ts_request_begin          (TsRequest    *request);
void        ts_request_finish_change  (TsRequest    *request,
                                       guint         status,
                                       JsonNode     *answer,
                                       gint64        project_id,
                                       TsChange     *change);
void        ts_request_finish_change_text (TsRequest *request,
                                       guint         status,
                                       char         *answer,
                                       gint64        project_id,
                                       TsChange     *change);
void        ts_request_fail_change    (TsRequest    *request,
                                       GError       *error);
void        ts_request_answer_after_commit (TsRequest *request,
                                       guint         status,
                                       char         *body,
                                       gint64        project_id,
                                       TsChange     *change);

/* A retry of a POST with a known Idempotency-Key: answered again. */
gboolean    ts_request_replay_idempotent (TsRequest *request);

/* The routes of a story's tasks (ts-server-tasks.c). */
void        ts_server_handle_tasks_list  (TsRequest *request);
void        ts_server_handle_tasks_add   (TsRequest *request);
void        ts_server_handle_task_edit   (TsRequest *request);
void        ts_server_handle_task_move   (TsRequest *request);
void        ts_server_handle_task_delete (TsRequest *request);

/**
 * TsRouteMatch:
 * @TS_ROUTE_NONE: no route has this path
 * @TS_ROUTE_WRONG_METHOD: the path exists, not with this method
 * @TS_ROUTE_FOUND: found
 */
typedef enum {
  TS_ROUTE_NONE,
  TS_ROUTE_WRONG_METHOD,
  TS_ROUTE_FOUND,
} TsRouteMatch;

/* The routes, in ts-server-routes.c. */
TsRouteMatch ts_server_find_route     (const char     *method,
                                       char          **segments,
                                       gint64          ids[3],
                                       TsRouteHandler *out_handler,
                                       gboolean       *out_needs_auth,
                                       gboolean       *out_batched);

G_END_DECLS
