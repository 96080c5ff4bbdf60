/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* Requests read by the front door (TsFrontDoorCall): `POST
 * /api/v1/realtime/auth`, of which a reconnect storm sends one per
 * subscriber, and `GET /api/v1/health`, which clients and load balancers
 * send on the same connections. Through SoupServer each auth cost the main
 * thread some 120 µs, most of it libsoup's per-request machinery. The door
 * reads the plain form of these requests on its own thread and keeps their
 * connections alive itself; here each is handled as its route is (the
 * token, then the route's own handler, its answer kept in a TsAnswer), on
 * the main thread, or on the store thread on PostgreSQL, never on the
 * door's; and the door writes the answer. */

#include "ts-server-private.h"

#include <string.h>

/* The door's calls: method and path, as doc/api.md names them. */
static const char * const calls[] = {
  "POST /api/v1/realtime/auth",
  "GET /api/v1/health",
  NULL
};

/* The calls' routes, found once: walking the route table took a tenth of
 * an auth's instructions. */
typedef struct {
  const char *method;  /* interned */
  TsRouteHandler handler;
  gboolean needs_auth;
} CallRoute;

static CallRoute call_routes[G_N_ELEMENTS (calls) - 1];

typedef struct {
  TsRequest request;
  TsAnswer answer;
  TsFrontDoorCall *call;
  TsRouteHandler handler;
  gboolean needs_auth;
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

  if (!job->needs_auth)
    job->handler (request);
  else if ((job->user = ts_store_lookup_token (server->store, token, &error)) == NULL &&
           error != NULL)
    {
      ts_request_respond_error (request, error);
      g_clear_error (&error);
    }
  else if (job->user == NULL)
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

  /* A token's use may have been recorded: committed here on PostgreSQL,
   * with the next batch (before this answer goes out) on SQLite, as for
   * every request (ts-server-jobs.c). */
  if (!server->group_commit && ts_store_in_batch (server->store) &&
      !ts_store_commit (server->store, &error))
    g_warning ("Committing a token's use failed: %s", error->message);
}

/* On the main thread: the access log line, and the answer to the door. */
static void
door_job_done (TsServer *server,
               gpointer  data)
{
  DoorJob *job = data;
  TsAnswer *answer = &job->answer;

  /* GLib formats a message before its writer drops it: 2,500
   * instructions a call, for a line nobody reads unless G_MESSAGES_DEBUG
   * asks for it. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_INFO, G_LOG_DOMAIN))
    g_info ("%s %u", calls[ts_front_door_call_get_index (job->call)], answer->status);
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
  const CallRoute *route = &call_routes[ts_front_door_call_get_index (call)];

  job->call = call;
  job->request.server = server;
  job->request.method = route->method;
  job->request.body = g_bytes_ref (ts_front_door_call_get_body (call));
  job->request.answer = &job->answer;
  job->answer.status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  job->handler = route->handler;
  job->needs_auth = route->needs_auth;
  /* /health needs no store, and answers however busy the database is. */
  if (ts_server_handler_runs_on_main (job->handler))
    {
      job->handler (&job->request);
      door_job_done (server, job);
      return;
    }
  ts_server_run_store_job (server, door_job_run, door_job_done, job);
}

/**
 * ts_server_set_door_calls:
 * @policy: the front door's policy, to which the calls are added
 *
 * Has the front door read `POST /api/v1/realtime/auth` and `GET
 * /api/v1/health` itself and the server answer them as their routes would
 * (ts-front-door.h, TsFrontDoorCall).
 */
void
ts_server_set_door_calls (TsServer          *self,
                          TsFrontDoorPolicy *policy)
{
  for (guint i = 0; calls[i] != NULL; i++)
    {
      const char *path = strchr (calls[i], ' ') + 1;
      g_autofree char *method = g_strndup (calls[i], path - 1 - calls[i]);
      g_auto(GStrv) segments = g_strsplit (path + strlen ("/api/v1/"), "/", -1);
      CallRoute *route = &call_routes[i];
      gint64 ids[3];
      gboolean batched;

      route->method = g_intern_string (method);
      /* Neither has ids in its path, nor joins a batch. */
      if (ts_server_find_route (method, segments, ids, &route->handler, &route->needs_auth,
                                &batched) != TS_ROUTE_FOUND || batched)
        g_error ("%s has no route the door can answer", calls[i]);
    }
  policy->calls = calls;
  policy->call_func = answer_call;
  policy->call_data = self;
}
