/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* `POST /api/v1/realtime/auth` read by the front door (TsFrontDoorCall):
 * a reconnect storm sends one per subscriber, and through SoupServer each
 * cost the main thread some 120 µs, most of it libsoup's per-request
 * machinery. The door reads the plain form of the request on its own
 * thread and keeps the connection alive itself; here it is checked as the
 * route checks it (the token, then the route's own handler, with its
 * answer kept in a TsAnswer), on the main thread, or on the store thread
 * on PostgreSQL, never on the door's; and the door writes the answer. */

#include "ts-server-private.h"

#include <string.h>

#define CALL_METHOD "POST"
#define CALL_PATH "/api/v1/realtime/auth"

typedef struct {
  TsRequest request;
  TsAnswer answer;
  TsFrontDoorCall *call;
  TsRouteHandler handler;
  TsUser *user;
} DoorJob;

/* As api_handler() and the store thread do for the same request. */
static void
door_job_run (TsServer *server,
              gpointer  data)
{
  DoorJob *job = data;
  TsRequest *request = &job->request;
  const char *token = ts_front_door_call_get_token (job->call);
  g_autoptr(GError) error = NULL;

  /* On SQLite the request reads committed data: the open batch first. */
  if (server->store_thread == NULL && ts_store_in_batch (server->store))
    ts_server_flush (server);

  job->user = ts_store_lookup_token (server->store, token);
  if (job->user == NULL)
    {
      ts_request_set_header (request, "WWW-Authenticate", "Bearer");
      ts_request_fail (request, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                       token == NULL ? "sign in first: the request has no bearer token"
                                     : "the token is not valid; sign in again");
    }
  else
    {
      request->user = job->user;
      request->user_id = ts_user_get_id (job->user);
      job->handler (request);
    }

  /* A token's use may have been recorded: committed at once on the store
   * thread, or with the next batch on SQLite, as for every request. */
  if (server->store_thread == NULL)
    {
      if (ts_store_in_batch (server->store))
        ts_server_schedule_commit (server);
    }
  else if (ts_store_in_batch (server->store) && !ts_store_commit (server->store, &error))
    g_warning ("Committing a token's use failed: %s", error->message);
}

/* On the main thread: the access log line, and the answer to the door. */
static void
door_job_done (TsServer *server,
               gpointer  data)
{
  DoorJob *job = data;
  TsAnswer *answer = &job->answer;

  g_info ("%s %s %u", CALL_METHOD, CALL_PATH, answer->status);
  ts_front_door_call_answer (job->call, answer->status, g_steal_pointer (&answer->headers),
                             answer->content_type != NULL ? answer->content_type
                                                          : "application/json",
                             g_steal_pointer (&answer->body), answer->length);
  g_free (answer->content_type);
  g_clear_pointer (&job->request.body, g_bytes_unref);
  g_clear_object (&job->user);
  g_free (job);
}

/* A TsFrontDoorCallFunc, on the main thread. */
static void
answer_call (TsFrontDoorCall *call,
             gpointer         user_data)
{
  TsServer *server = user_data;
  DoorJob *job = g_new0 (DoorJob, 1);
  g_auto(GStrv) segments = g_strsplit (CALL_PATH + strlen ("/api/v1/"), "/", -1);
  gboolean needs_auth, batched;

  job->call = call;
  job->request.server = server;
  job->request.method = CALL_METHOD;
  job->request.body = g_bytes_ref (ts_front_door_call_get_body (call));
  job->request.answer = &job->answer;
  job->answer.status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  if (ts_server_find_route (CALL_METHOD, segments, job->request.ids, &job->handler, &needs_auth,
                            &batched) != TS_ROUTE_FOUND)
    g_error ("%s %s has no route", CALL_METHOD, CALL_PATH);
  ts_server_run_store_job (server, door_job_run, door_job_done, job);
}

/**
 * ts_server_set_door_calls:
 * @policy: the front door's policy, to which the calls are added
 *
 * Has the front door read `POST /api/v1/realtime/auth` itself and the
 * server answer it as its route would (ts-front-door.h, TsFrontDoorCall).
 */
void
ts_server_set_door_calls (TsServer          *self,
                          TsFrontDoorPolicy *policy)
{
  policy->call_method = CALL_METHOD;
  policy->call_path = CALL_PATH;
  policy->call_func = answer_call;
  policy->call_data = self;
}
