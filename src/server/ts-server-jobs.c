/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* The store thread. On PostgreSQL every use of the store (a request's
 * token, its handler's reads and writes, the commit) runs on one thread of
 * its own, one job after the other as on the main thread before, so that
 * libpq's round trips, a commit, or a wait for another server's lock on a
 * project never hold the main thread, which keeps serving connections,
 * timeouts and publishing. The message waits paused; the job keeps its
 * answer (TsAnswer) and the main thread writes it, then publishes the
 * change's event. Jobs are answered in the order they ran, so events are
 * published in commit order. */

#include "ts-server-private.h"

#include <string.h>

typedef struct {
  TsServer *server;
  TsStoreJobFunc func;
  TsStoreJobFunc done;
  gpointer data;
} StoreJob;

/* A request handled on the store thread. */
typedef struct {
  TsRequest request;
  TsAnswer answer;
  TsRouteHandler handler;
  gboolean needs_auth;
  char *token;
  TsUser *user;
  gulong finished_id;
  /* The client went away: the message's I/O may not be touched. */
  gboolean finished;
} RequestJob;

static gboolean
store_job_done_cb (gpointer data)
{
  StoreJob *job = data;
  TsServer *server = job->server;

  job->done (server, job->data);
  server->n_jobs--;
  g_free (job);
  g_object_unref (server);
  return G_SOURCE_REMOVE;
}

static void
store_thread_run (gpointer data,
                  gpointer user_data)
{
  StoreJob *job = data;

  job->func (job->server, job->data);
  g_main_context_invoke (job->server->context, store_job_done_cb, job);
}

void
ts_server_start_store_thread (TsServer *self)
{
  g_autoptr(GError) error = NULL;

  self->context = g_main_context_ref_thread_default ();
  self->store_thread = g_thread_pool_new (store_thread_run, NULL, 1, TRUE, &error);
  if (self->store_thread == NULL)
    g_error ("cannot start the store thread: %s", error->message);
}

/* Waits for every job to be answered, then ends the thread. */
void
ts_server_stop_store_thread (TsServer *self)
{
  if (self->store_thread == NULL)
    return;
  ts_server_stop_feed (self);
  while (self->n_jobs > 0)
    g_main_context_iteration (self->context, TRUE);
  g_thread_pool_free (g_steal_pointer (&self->store_thread), FALSE, TRUE);
  g_clear_pointer (&self->context, g_main_context_unref);
}

void
ts_server_run_store_job (TsServer       *self,
                         TsStoreJobFunc  func,
                         TsStoreJobFunc  done,
                         gpointer        data)
{
  StoreJob *job;

  if (self->store_thread == NULL)
    {
      func (self, data);
      done (self, data);
      return;
    }
  job = g_new0 (StoreJob, 1);
  job->server = g_object_ref (self);
  job->func = func;
  job->done = done;
  job->data = data;
  self->n_jobs++;
  g_thread_pool_push (self->store_thread, job, NULL);
}

void
ts_request_set_header (TsRequest  *request,
                       const char *name,
                       const char *value)
{
  if (request->answer == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    name, value);
      return;
    }
  if (request->answer->headers == NULL)
    request->answer->headers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (request->answer->headers, g_strdup (name));
  g_ptr_array_add (request->answer->headers, g_strdup (value));
}

static void
answer_clear (TsAnswer *answer)
{
  g_clear_pointer (&answer->body, g_free);
  g_clear_pointer (&answer->headers, g_ptr_array_unref);
  g_clear_pointer (&answer->change, ts_change_unref);
  g_clear_pointer (&answer->socket_id, g_free);
  g_clear_pointer (&answer->content_type, g_free);
}

/* On the store thread: the request's token, its handler, and the commit
 * of what it changed. */
static void
request_job_run (TsServer *server,
                 gpointer  data)
{
  RequestJob *job = data;
  TsRequest *request = &job->request;
  g_autoptr(GError) error = NULL;

  if (job->needs_auth)
    {
      job->user = ts_store_lookup_token (server->store, job->token);
      if (job->user == NULL)
        {
          ts_request_set_header (request, "WWW-Authenticate", "Bearer");
          ts_request_fail (request, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                           job->token == NULL ? "sign in first: the request has no bearer token"
                                              : "the token is not valid; sign in again");
        }
      request->user = job->user;
      request->user_id = job->user != NULL ? ts_user_get_id (job->user) : 0;
    }
  if (!job->needs_auth || job->user != NULL)
    job->handler (request);

  /* Whatever the request wrote (a change, a token's use) is committed
   * before its answer goes out. */
  if (ts_store_in_batch (server->store) && !ts_store_commit (server->store, &error))
    {
      g_autoptr(JsonNode) failure = ts_error_to_json ("internal",
                                                      "the server failed; the change was not made");

      g_warning ("Committing a change failed: %s", error->message);
      if (job->answer.after_commit)
        {
          answer_clear (&job->answer);
          job->answer.status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
          job->answer.body = ts_json_to_string (failure);
          job->answer.length = strlen (job->answer.body);
        }
    }
}

static void
request_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  RequestJob *job = user_data;

  job->finished = TRUE;
}

/* On the main thread: the answer, then the change's event. */
static void
request_job_done (TsServer *server,
                  gpointer  data)
{
  RequestJob *job = data;
  TsAnswer *answer = &job->answer;
  SoupServerMessage *msg = job->request.msg;

  g_clear_signal_handler (&job->finished_id, msg);
  if (!job->finished)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      for (guint i = 0; answer->headers != NULL && i < answer->headers->len; i += 2)
        soup_message_headers_replace (headers, answer->headers->pdata[i],
                                      answer->headers->pdata[i + 1]);
      soup_server_message_set_status (msg, answer->status, NULL);
      if (answer->body != NULL)
        soup_server_message_set_response (msg, answer->content_type != NULL
                                               ? answer->content_type : "application/json",
                                          SOUP_MEMORY_TAKE,
                                          g_steal_pointer (&answer->body), answer->length);
      soup_server_message_unpause (msg);
    }
  /* With a feed the change's record is published from the database; a
   * deleted project's event has no record (it went with the project). */
  if (answer->change != NULL &&
      (server->feed_sent == NULL || answer->change->kind == TS_EVENT_PROJECTS_DESTROY))
    ts_publisher_publish_change (server->publisher, answer->project_id, answer->change,
                                 answer->socket_id);
  else if (answer->change != NULL)
    ts_server_kick_feed (server);

  answer_clear (answer);
  g_clear_object (&job->user);
  g_clear_pointer (&job->request.body, g_bytes_unref);
  g_free (job->token);
  g_object_unref (msg);
  g_free (job);
}

/**
 * ts_server_dispatch_request:
 * @request: the request, routed; its body is taken
 * @needs_auth: whether the route needs a signed-in user
 * @token: (transfer full) (nullable): the bearer token
 *
 * Handles @request on the store thread while its message waits.
 */
void
ts_server_dispatch_request (TsServer       *self,
                            TsRequest      *request,
                            TsRouteHandler  handler,
                            gboolean        needs_auth,
                            char           *token)
{
  RequestJob *job = g_new0 (RequestJob, 1);

  job->request = *request;
  job->request.answer = &job->answer;
  job->request.msg = g_object_ref (request->msg);
  request->body = NULL;
  job->handler = handler;
  job->needs_auth = needs_auth;
  job->token = token;
  job->answer.status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  job->finished_id = g_signal_connect (job->request.msg, "finished",
                                       G_CALLBACK (request_finished_cb), job);
  soup_server_message_pause (job->request.msg);
  ts_server_run_store_job (self, request_job_run, request_job_done, job);
}
