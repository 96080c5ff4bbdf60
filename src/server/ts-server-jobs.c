/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* The store thread. Every use of the store (a request's token, its
 * handler's reads and writes, the commit) runs on one thread of its own,
 * one job after the other, so that the main thread only reads requests and
 * writes answers: on PostgreSQL libpq's round trips, a commit, or a wait
 * for another server's lock on a project never hold it; on SQLite the
 * handlers and the sync of the disk run on another core while the main
 * thread reads the next requests. The message waits paused; the job keeps
 * its answer (TsAnswer) and the main thread writes it, then publishes the
 * change's event. Jobs are answered in the order they ran, so events are
 * published in commit order.
 *
 * Group commit (SQLite): a change leaves the batch transaction open and
 * its job is held; the batch is committed once the queue of jobs is empty
 * (the requests already received are handled) or it holds the batch
 * limit, then every held job is handed back to the main thread at once,
 * in order. A job that is not a change (a read, a sign-in's token)
 * commits the open batch first, so nothing reads what is not durable. */

#include "ts-server-private.h"

#include <string.h>

/* A batch is committed once no job is queued, or once it holds this many
 * jobs. */
#define MAX_BATCH 256

typedef struct {
  TsServer *server;
  TsStoreJobFunc func;
  TsStoreJobFunc done;
  /* (nullable): on the store thread, when the batch the job ran in failed
   * to commit */
  TsStoreJobFunc failed;
  gpointer data;
  /* Joins the open batch rather than committing it first. */
  gboolean batched;
} StoreJob;

/* A request handled on the store thread. */
typedef struct {
  TsRequest request;
  TsAnswer answer;
  TsRouteHandler handler;
  gboolean needs_auth;
  char *token;
  TsUser *user;
  /* The client went away: the message's I/O may not be touched. */
  gboolean finished;
} RequestJob;

/* A paused message's job, kept on the message, so that one handler of the
 * server's learns that its client went away: a "finished" handler
 * connected and dropped for each request cost 3 % of the main thread. */
#define JOB_KEY "ts-server-job"

static void message_ended_cb (SoupServer        *soup_server,
                              SoupServerMessage *msg,
                              gpointer           user_data);

/* On the main thread: the jobs of one commit, answered in order. */
static gboolean
jobs_done_cb (gpointer data)
{
  g_autoptr(GPtrArray) jobs = data;

  for (guint i = 0; i < jobs->len; i++)
    {
      StoreJob *job = jobs->pdata[i];
      TsServer *server = job->server;

      job->done (server, job->data);
      server->n_jobs--;
      g_free (job);
      g_object_unref (server);
    }
  return G_SOURCE_REMOVE;
}

/* Hands the held jobs back to the main thread. Their server may be
 * finalized once they are answered: nothing here touches it after. */
static void
release_held (TsServer *server)
{
  GPtrArray *jobs;

  if (server->held->len == 0)
    return;
  jobs = g_steal_pointer (&server->held);
  server->held = g_ptr_array_new ();
  g_main_context_invoke (server->context, jobs_done_cb, jobs);
}

/* Commits the open batch with one sync of the disk, then hands its jobs
 * back. When the commit fails, no change of the batch is acknowledged. */
static void
commit_batch (TsServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!ts_store_commit (server->store, &error))
    {
      g_warning ("Committing %u jobs failed: %s", server->held->len, error->message);
      for (guint i = 0; i < server->held->len; i++)
        {
          StoreJob *job = server->held->pdata[i];

          if (job->failed != NULL)
            job->failed (server, job->data);
        }
    }
  release_held (server);
}

static void
store_thread_run (gpointer data,
                  gpointer user_data)
{
  StoreJob *job = data;
  TsServer *server = job->server;
  gboolean in_batch;

  if (server->group_commit && !job->batched && ts_store_in_batch (server->store))
    commit_batch (server);
  job->func (server, job->data);
  in_batch = server->group_commit && ts_store_in_batch (server->store);
  g_ptr_array_add (server->held, job);
  if (!in_batch)
    release_held (server);
  else if (g_thread_pool_unprocessed (server->store_thread) == 0 ||
           server->held->len >= MAX_BATCH)
    commit_batch (server);
}

void
ts_server_start_store_thread (TsServer *self)
{
  g_autoptr(GError) error = NULL;

  self->context = g_main_context_ref_thread_default ();
  self->group_commit = !ts_store_is_postgresql (self->store);
  self->held = g_ptr_array_new ();
  g_signal_connect (self->soup_server, "request-finished", G_CALLBACK (message_ended_cb), NULL);
  g_signal_connect (self->soup_server, "request-aborted", G_CALLBACK (message_ended_cb), NULL);
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
  ts_server_stop_watch (self);
  while (self->n_jobs > 0)
    g_main_context_iteration (self->context, TRUE);
  g_thread_pool_free (g_steal_pointer (&self->store_thread), FALSE, TRUE);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

static void
queue_job (TsServer       *self,
           TsStoreJobFunc  func,
           TsStoreJobFunc  done,
           TsStoreJobFunc  failed,
           gboolean        batched,
           gpointer        data)
{
  StoreJob *job;

  /* Once the thread has stopped (a request read while queued events
   * leave) the job runs here, alone, and commits at once. */
  if (self->store_thread == NULL)
    {
      g_autoptr(GError) error = NULL;

      func (self, data);
      if (ts_store_in_batch (self->store) && !ts_store_commit (self->store, &error) &&
          failed != NULL)
        failed (self, data);
      done (self, data);
      return;
    }
  job = g_new0 (StoreJob, 1);
  job->server = g_object_ref (self);
  job->func = func;
  job->done = done;
  job->failed = failed;
  job->batched = batched;
  job->data = data;
  self->n_jobs++;
  g_thread_pool_push (self->store_thread, job, NULL);
}

/* A job that reads committed data only: on SQLite the open batch is
 * committed before it runs, and anything it leaves open is committed with
 * the next batch, before it is answered. */
void
ts_server_run_store_job (TsServer       *self,
                         TsStoreJobFunc  func,
                         TsStoreJobFunc  done,
                         gpointer        data)
{
  queue_job (self, func, done, NULL, FALSE, data);
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
  g_clear_pointer (&answer->event_data, g_free);
  g_clear_pointer (&answer->socket_id, g_free);
  g_clear_pointer (&answer->content_type, g_free);
}

/* On the store thread, when the commit of what the request changed
 * failed: its answer is an error, and nothing is published. */
static void
request_job_failed (TsServer *server,
                    gpointer  data)
{
  RequestJob *job = data;
  g_autoptr(JsonNode) failure = NULL;

  if (!job->answer.after_commit)
    return;
  failure = ts_error_to_json ("internal", "the server failed; the change was not made");
  answer_clear (&job->answer);
  job->answer.status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  job->answer.body = ts_json_to_string (failure);
  job->answer.length = strlen (job->answer.body);
}

/* On the store thread: the request's token, its handler, and (PostgreSQL)
 * the commit of what it changed; with group commit the batch's commit. */
static void
request_job_run (TsServer *server,
                 gpointer  data)
{
  RequestJob *job = data;
  TsRequest *request = &job->request;
  g_autoptr(GError) error = NULL;

  if (job->needs_auth)
    {
      job->user = ts_store_lookup_token (server->store, job->token, &error);
      if (error != NULL)
        {
          /* The token may well be valid: 500, which clients retry, not
           * 401, which signs the app out. */
          ts_request_respond_error (request, error);
          g_clear_error (&error);
        }
      else if (job->user == NULL)
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
   * before its answer goes out: here, or with its batch. */
  if (!server->group_commit && ts_store_in_batch (server->store) &&
      !ts_store_commit (server->store, &error))
    {
      g_warning ("Committing a change failed: %s", error->message);
      request_job_failed (server, job);
    }
}

/* The server's request-finished and request-aborted: a message whose job
 * waits was given up by libsoup (its client went away). */
static void
message_ended_cb (SoupServer        *soup_server,
                  SoupServerMessage *msg,
                  gpointer           user_data)
{
  RequestJob *job = g_object_get_data (G_OBJECT (msg), JOB_KEY);

  if (job != NULL)
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

  g_object_set_data (G_OBJECT (msg), JOB_KEY, NULL);
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
    {
      g_autofree char *channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT,
                                                  answer->project_id);

      ts_publisher_publish (server->publisher, channel,
                            ts_event_kind_to_string (answer->change->kind), answer->event_data,
                            answer->socket_id);
    }
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
 * @batched: whether the route makes a change, which joins the open batch
 * @token: (transfer full) (nullable): the bearer token
 *
 * Handles @request on the store thread while its message waits.
 */
void
ts_server_dispatch_request (TsServer       *self,
                            TsRequest      *request,
                            TsRouteHandler  handler,
                            gboolean        needs_auth,
                            gboolean        batched,
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
  g_object_set_data (G_OBJECT (job->request.msg), JOB_KEY, job);
  soup_server_message_pause (job->request.msg);
  queue_job (self, request_job_run, request_job_done, request_job_failed, batched, job);
}
