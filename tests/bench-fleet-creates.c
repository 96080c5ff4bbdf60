/* SPDX-License-Identifier: GPL-3.0-or-later */

/* bench-fleet's durable creates: story creates, each with an
 * Idempotency-Key as clients send them, a few in flight over keep-alive
 * connections, spread round robin over the fleet's servers. Every answer
 * is checked, and so is the project's version afterwards: each 201 must
 * have changed it exactly once. */

#include "bench-fleet.h"

#include <string.h>

#include "ts-json.h"

typedef struct {
  Fleet *fleet;
  SoupSession *http;
  guint total;
  guint in_flight;
  guint sent;
  guint done;
  gint64 first_sent;
  gint64 last_done;
  GArray *latencies_ms;
} CreateRun;

typedef struct {
  CreateRun *run;
  SoupMessage *msg;
  char *title;
  gint64 sent_at;
} CreateRequest;

static void create_send (CreateRun *run);

static void
check_created (CreateRequest *request,
               GBytes        *body,
               GError        *error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonObject) story = NULL;
  const char *data;
  gsize size;

  if (body == NULL)
    fleet_fail ("POST .../stories: %s", error->message);
  data = g_bytes_get_data (body, &size);
  if (soup_message_get_status (request->msg) != SOUP_STATUS_CREATED)
    fleet_fail ("POST .../stories: expected 201, got %u: %.*s",
                soup_message_get_status (request->msg), (int) size, data);
  story = ts_json_parse_object (data, size, &parse_error);
  if (story == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (story, "title", NULL),
                 request->title) != 0 ||
      json_object_get_int_member_with_default (story, "version", 0) <= 0)
    fleet_fail ("POST .../stories answered with another story than \"%s\"", request->title);
}

static void
create_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  CreateRequest *request = data;
  CreateRun *run = request->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  gint64 now = g_get_monotonic_time ();
  double ms = (now - request->sent_at) / 1000.0;

  check_created (request, body, error);
  g_array_append_val (run->latencies_ms, ms);
  run->done++;
  run->last_done = now;
  g_object_unref (request->msg);
  g_free (request->title);
  g_free (request);
  create_send (run);
}

/* libsoup sends a POST on a new connection unless the message is flagged
 * idempotent; with an Idempotency-Key it truly is (doc/api.md). */
static SoupMessage *
create_message (Fleet      *fleet,
                const char *title)
{
  TestServer *server = fleet_next_server (fleet);
  g_autofree char *url = g_strconcat (server->base_url, fleet->stories_path, NULL);
  g_autofree char *json = g_strdup_printf ("{\"title\":\"%s\",\"type\":\"feature\"}", title);
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  SoupMessage *msg = soup_message_new ("POST", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "Authorization", fleet->authorization);
  soup_message_headers_replace (headers, "Idempotency-Key", key);
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  return msg;
}

static void
create_send (CreateRun *run)
{
  while (run->sent < run->total && run->sent - run->done < run->in_flight)
    {
      CreateRequest *request = g_new0 (CreateRequest, 1);

      request->run = run;
      request->title = g_strdup_printf ("%s story %u", run->fleet->name, run->sent + 1);
      request->msg = create_message (run->fleet, request->title);
      request->sent_at = g_get_monotonic_time ();
      if (run->sent == 0)
        run->first_sent = request->sent_at;
      run->sent++;
      soup_session_send_and_read_async (run->http, request->msg, G_PRIORITY_DEFAULT, NULL,
                                        create_done_cb, request);
    }
}

static gboolean
run_done (gpointer data)
{
  CreateRun *run = data;

  return run->done == run->total;
}

/**
 * fleet_run_creates:
 * @count: creates to make
 * @in_flight: how many wait for their answer at once, at most
 *
 * Returns: the creates per second from the first sent to the last
 *   answered, and the answers' latency
 */
CreatesFigure
fleet_run_creates (Fleet       *fleet,
                   SoupSession *http,
                   guint        count,
                   guint        in_flight)
{
  CreateRun run = { fleet, http, count, in_flight };
  gint64 before = test_server_version (fleet->servers[0], fleet->token, fleet->project_path);
  gint64 after;
  CreatesFigure figure;

  run.latencies_ms = g_array_sized_new (FALSE, FALSE, sizeof (double), count);
  create_send (&run);
  if (!fleet_wait_until (run_done, &run, 300))
    fleet_fail ("%s: %u of %u creates answered after 300 s", fleet->name, run.done, count);

  after = test_server_version (fleet->servers[0], fleet->token, fleet->project_path);
  if (after - before != count)
    fleet_fail ("%s: the project's version went from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                " over %u creates", fleet->name, before, after, count);

  figure.per_s = count / ((run.last_done - run.first_sent) / 1e6);
  figure.p50_ms = fleet_percentile (run.latencies_ms, 0.50);
  figure.p99_ms = fleet_percentile (run.latencies_ms, 0.99);
  g_array_unref (run.latencies_ms);
  return figure;
}
