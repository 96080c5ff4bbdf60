/* SPDX-License-Identifier: GPL-3.0-or-later */

/* bench-fleet's end to end: a crowd of Pusher clients subscribed to a
 * project's channel (bench-ws-crowd.h, one epoll loop), and live sync
 * stores on it as the app makes them (TsBacklogStore with its own
 * TsApiClient and TsRealtimeClient, each configured by its server's
 * GET /api/v1/realtime, the stores spread round robin over the fleet's
 * servers). Each round one story is created over REST, with an
 * Idempotency-Key, through the next server; the round ends when the
 * answer came, every subscriber has the event and every store shows the
 * new version. Two moments are taken at each store: when its realtime
 * client handed it the event (a handler connected before the store's
 * own), and when it showed the version (notify::version), which the
 * store does after its batching window (COALESCE_QUIET_MS in
 * ts-backlog-store.c) closes; the difference is the window's share. */

#include "bench-fleet.h"

#include <string.h>

#include "bench-ws-crowd.h"
#include "store-harness.h"
#include "ts-backlog-store.h"
#include "ts-json.h"
#include "ts-realtime-client.h"

#define WARMUP_ROUNDS 3
/* Handshakes in flight while the crowd connects. */
#define CROWD_WINDOW 100
/* Between rounds, so that each change starts a batch of its own; and a
 * random part up to the PostgreSQL servers' feed poll (200 ms), so that
 * the rounds do not lock onto its phase. */
#define PAUSE_MS 60
#define PAUSE_JITTER_MS 200
#define ROUND_DEADLINE_S 20
/* The hub and soketi both write the frame without spaces; while a round
 * is armed, a crowd frame with this text is only timed and kept. */
#define CREATE_MARK "\"event\":\"stories-create\""

typedef struct {
  SoupSession *session;
  TsApiClient *api;
  TsRealtimeClient *realtime;
  TsBacklogStore *store;
  char *channel;
  /* This round's moments, 0 until they come, and the event's data. */
  gint64 arrived_at;
  gint64 applied_at;
  char *event_data;
} LiveStore;

static void
event_cb (TsRealtimeClient *realtime,
          const char       *channel,
          const char       *event,
          const char       *data,
          gpointer          user_data)
{
  LiveStore *live = user_data;

  if (live->arrived_at != 0 || g_strcmp0 (event, "stories-create") != 0)
    return;
  live->arrived_at = g_get_monotonic_time ();
  live->event_data = g_strdup (data);
}

static void
version_cb (GObject    *object,
            GParamSpec *pspec,
            gpointer    user_data)
{
  LiveStore *live = user_data;

  if (live->arrived_at != 0 && live->applied_at == 0)
    live->applied_at = g_get_monotonic_time ();
}

static gboolean
live_store_ready (gpointer data)
{
  LiveStore *live = data;

  return !ts_backlog_store_is_syncing (live->store) &&
         ts_realtime_client_is_subscribed (live->realtime, live->channel);
}

static LiveStore *
live_store_new (Fleet      *fleet,
                TestServer *server)
{
  LiveStore *live = g_new0 (LiveStore, 1);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  live->session = soup_session_new ();
  live->api = store_sign_in (server, live->session, FLEET_EMAIL, FLEET_PASSWORD);
  live->realtime = ts_realtime_client_new (live->api);
  /* Before the store's handler, so that the time is the arrival's. */
  g_signal_connect (live->realtime, "event", G_CALLBACK (event_cb), live);
  ts_realtime_client_start (live->realtime);
  live->store = ts_backlog_store_new (live->api, live->realtime, fleet->project_id);
  g_signal_connect (live->store, "notify::version", G_CALLBACK (version_cb), live);
  live->channel = g_strdup (fleet->channel);
  ts_backlog_store_load_async (live->store, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  if (!ts_backlog_store_load_finish (live->store, result, &error))
    fleet_fail ("%s: a store did not load: %s", fleet->name, error->message);
  if (!fleet_wait_until (live_store_ready, live, 60))
    fleet_fail ("%s: a store did not subscribe within 60 s", fleet->name);
  if (g_strcmp0 (ts_realtime_client_get_key (live->realtime), fleet->app_key) != 0)
    fleet_fail ("%s: a store went to another realtime service (key %s)", fleet->name,
                ts_realtime_client_get_key (live->realtime));
  return live;
}

static void
live_store_free (LiveStore *live)
{
  ts_backlog_store_close (live->store);
  g_object_unref (live->store);
  ts_realtime_client_stop (live->realtime);
  g_object_unref (live->realtime);
  g_object_unref (live->api);
  g_object_unref (live->session);
  g_free (live->channel);
  g_free (live->event_data);
  g_free (live);
}

/* The crowd */

static gboolean
crowd_done (gpointer data)
{
  return ws_crowd_get_counts (data)->done == ws_crowd_get_size (data);
}

static WsCrowd *
crowd_connect (Fleet *fleet,
               guint  n)
{
  WsCrowdTarget target = {
    .port = fleet->ws_port,
    .ws_target = fleet->ws_target,
    .channel = fleet->channel,
    .authorization = fleet->authorization,
    .app_key = fleet->app_key,
    .app_secret = fleet->app_secret,
  };
  WsCrowd *crowd = ws_crowd_new ("subscribers", &target, WS_CROWD_LOCAL_AUTH, n, CROWD_WINDOW, 1);
  const WsCrowdCounts *counts = ws_crowd_get_counts (crowd);

  ws_crowd_begin (crowd);
  if (!fleet_wait_until (crowd_done, crowd, 120) || counts->subscribed != n)
    fleet_fail ("%s: %u of %u subscribers subscribed, %u failed:%s", fleet->name,
                counts->subscribed, n, counts->failed, ws_crowd_get_errors (crowd));
  return crowd;
}

/* The version an event's data (or a crowd frame's) names. */
static gint64
event_version (const char *data,
               gsize       size,
               gboolean    framed)
{
  g_autoptr(JsonObject) object = ts_json_parse_object (data, size, NULL);
  g_autoptr(JsonObject) inner = NULL;

  if (object == NULL)
    return 0;
  if (!framed)
    return json_object_get_int_member_with_default (object, "version", 0);
  inner = ts_json_parse_object (json_object_get_string_member_with_default (object, "data", ""),
                                -1, NULL);
  return inner != NULL ? json_object_get_int_member_with_default (inner, "version", 0) : 0;
}

/* A round */

typedef struct {
  Fleet *fleet;
  WsCrowd *crowd;
  GPtrArray *stores;
  SoupMessage *msg;
  GBytes *body;
  gboolean answered;
  guint server;        /* the index of the server the create went to */
  gint64 sent_at;
  gint64 answered_at;
  gint64 version;
} Round;

static void
answer_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Round *round = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) story = NULL;
  const char *text;
  gsize size;

  round->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  round->answered_at = g_get_monotonic_time ();
  if (round->body == NULL)
    fleet_fail ("POST .../stories: %s", error->message);
  text = g_bytes_get_data (round->body, &size);
  if (soup_message_get_status (round->msg) != SOUP_STATUS_CREATED ||
      (story = ts_json_parse_object (text, size, NULL)) == NULL)
    fleet_fail ("POST .../stories: status %u: %.*s", soup_message_get_status (round->msg),
                (int) size, text);
  round->version = json_object_get_int_member_with_default (story, "version", 0);
  round->answered = TRUE;
}

static gboolean
round_done (gpointer data)
{
  Round *round = data;

  if (!round->answered || (round->crowd != NULL &&
                           ws_crowd_get_counts (round->crowd)->round_events !=
                           ws_crowd_get_size (round->crowd)))
    return FALSE;
  for (guint i = 0; i < round->stores->len; i++)
    {
      LiveStore *live = g_ptr_array_index (round->stores, i);

      if (live->applied_at == 0 || ts_backlog_store_get_version (live->store) < round->version)
        return FALSE;
    }
  return TRUE;
}

static void
round_send (Round       *round,
            SoupSession *http,
            guint        number)
{
  TestServer *server;
  g_autofree char *url = NULL;
  g_autofree char *json = g_strdup_printf ("{\"title\":\"Live round %u\"}", number);
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  SoupMessageHeaders *headers;

  round->server = round->fleet->next % round->fleet->n_servers;
  server = fleet_next_server (round->fleet);
  url = g_strconcat (server->base_url, round->fleet->stories_path, NULL);
  round->msg = soup_message_new ("POST", url);
  headers = soup_message_get_request_headers (round->msg);
  soup_message_headers_replace (headers, "Authorization", round->fleet->authorization);
  soup_message_headers_replace (headers, "Idempotency-Key", key);
  soup_message_add_flags (round->msg, SOUP_MESSAGE_IDEMPOTENT);
  soup_message_set_request_body_from_bytes (round->msg, "application/json", body);
  round->sent_at = g_get_monotonic_time ();
  soup_session_send_and_read_async (http, round->msg, G_PRIORITY_DEFAULT, NULL, answer_cb, round);
}

/* Every store and subscriber got this round's version, once. */
static void
round_check_crowd (Round *round)
{
  const WsCrowdCounts *counts = ws_crowd_get_counts (round->crowd);

  if (counts->duplicates > 0 || counts->unexpected > 0 || counts->failed > 0)
    fleet_fail ("%s: %u duplicate events, %u unexpected messages, %u failed subscribers:%s",
                round->fleet->name, counts->duplicates, counts->unexpected, counts->failed,
                ws_crowd_get_errors (round->crowd));
  for (guint i = 0; i < ws_crowd_get_size (round->crowd); i++)
    {
      gsize size;
      gint64 at;
      const char *text = ws_crowd_get_event (round->crowd, i, &size, &at);

      if (text == NULL || event_version (text, size, TRUE) != round->version)
        fleet_fail ("%s: subscriber %u got another change than version %" G_GINT64_FORMAT,
                    round->fleet->name, i, round->version);
    }
}

static void
round_check (Round *round)
{
  if (round->crowd != NULL)
    round_check_crowd (round);
  for (guint i = 0; i < round->stores->len; i++)
    {
      LiveStore *live = g_ptr_array_index (round->stores, i);

      if (event_version (live->event_data, strlen (live->event_data), FALSE) != round->version ||
          ts_backlog_store_get_version (live->store) != round->version)
        fleet_fail ("%s: store %u got another change than version %" G_GINT64_FORMAT,
                    round->fleet->name, i, round->version);
    }
}

static void
append_ms (GArray *samples,
           gint64  from,
           gint64  to)
{
  double ms = (to - from) / 1000.0;

  g_array_append_val (samples, ms);
}

static void
round_record (Round       *round,
              LiveFigures *figures)
{
  gint64 arrived = 0, applied = 0, crowd_last = 0;

  for (guint i = 0; i < round->stores->len; i++)
    {
      LiveStore *live = g_ptr_array_index (round->stores, i);

      arrived = MAX (arrived, live->arrived_at);
      applied = MAX (applied, live->applied_at);
      append_ms (figures->batching_ms, live->arrived_at, live->applied_at);
    }
  for (guint i = 0; round->crowd != NULL && i < ws_crowd_get_size (round->crowd); i++)
    {
      gsize size;
      gint64 at;

      ws_crowd_get_event (round->crowd, i, &size, &at);
      crowd_last = MAX (crowd_last, at);
    }
  append_ms (figures->arrived_ms, round->sent_at, arrived);
  append_ms (figures->arrived_by_server_ms[round->server], round->sent_at, arrived);
  append_ms (figures->applied_ms, round->sent_at, applied);
  if (round->crowd != NULL)
    append_ms (figures->crowd_ms, round->sent_at, crowd_last);
  append_ms (figures->answer_ms, round->sent_at, round->answered_at);
}

static void
run_round (Round       *round,
           SoupSession *http,
           guint        number)
{
  for (guint i = 0; i < round->stores->len; i++)
    {
      LiveStore *live = g_ptr_array_index (round->stores, i);

      live->arrived_at = live->applied_at = 0;
      g_clear_pointer (&live->event_data, g_free);
    }
  round->answered = FALSE;
  if (round->crowd != NULL)
    ws_crowd_arm (round->crowd, CREATE_MARK);
  round_send (round, http, number);
  if (!fleet_wait_until (round_done, round, ROUND_DEADLINE_S))
    fleet_fail ("%s: round %u not done after %u s (answered: %d)", round->fleet->name, number,
                ROUND_DEADLINE_S, round->answered);
  if (round->crowd != NULL)
    ws_crowd_disarm (round->crowd);
  round_check (round);
  g_clear_object (&round->msg);
  g_clear_pointer (&round->body, g_bytes_unref);
}

/**
 * fleet_run_live:
 * @n_subscribers: the crowd's size, 0 for none
 * @n_stores: live sync stores
 * @n_rounds: rounds measured, after WARMUP_ROUNDS
 * @pids: the processes under test, whose CPU the rounds' line shows
 * @what: what they are, for that line
 *
 * Returns: (transfer full): the rounds' figures
 */
LiveFigures *
fleet_run_live (Fleet      *fleet,
                guint       n_subscribers,
                guint       n_stores,
                guint       n_rounds,
                const GPid *pids,
                guint       n_pids,
                const char *what)
{
  g_autoptr(SoupSession) http = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func ((GDestroyNotify) live_store_free);
  LiveFigures *figures = g_new0 (LiveFigures, 1);
  Round round = { fleet, NULL, stores };
  CpuMark cpu = { 0 };

  figures->arrived_ms = g_array_new (FALSE, FALSE, sizeof (double));
  figures->applied_ms = g_array_new (FALSE, FALSE, sizeof (double));
  figures->batching_ms = g_array_new (FALSE, FALSE, sizeof (double));
  figures->crowd_ms = g_array_new (FALSE, FALSE, sizeof (double));
  figures->answer_ms = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < FLEET_MAX_SERVERS; i++)
    figures->arrived_by_server_ms[i] = g_array_new (FALSE, FALSE, sizeof (double));

  if (n_subscribers > 0)
    round.crowd = crowd_connect (fleet, n_subscribers);
  for (guint i = 0; i < n_stores; i++)
    g_ptr_array_add (stores, live_store_new (fleet, fleet->servers[i % fleet->n_servers]));

  for (guint number = 1; number <= WARMUP_ROUNDS + n_rounds; number++)
    {
      if (number == WARMUP_ROUNDS + 1)
        cpu = fleet_cpu_mark (pids, n_pids);
      run_round (&round, http, number);
      if (number > WARMUP_ROUNDS)
        round_record (&round, figures);
      fleet_spin (PAUSE_MS + g_random_int_range (0, PAUSE_JITTER_MS));
    }

  fleet_cpu_print (&cpu, pids, n_pids, what);
  g_ptr_array_set_size (stores, 0);
  if (round.crowd == NULL)
    return figures;
  if (!ws_crowd_close (round.crowd, TRUE, g_get_monotonic_time () + 60 * G_USEC_PER_SEC))
    fleet_fail ("%s: the subscribers are still open 60 s after closing", fleet->name);
  ws_crowd_free (round.crowd);
  return figures;
}

void
live_figures_free (LiveFigures *figures)
{
  g_array_unref (figures->arrived_ms);
  g_array_unref (figures->applied_ms);
  g_array_unref (figures->batching_ms);
  g_array_unref (figures->crowd_ms);
  g_array_unref (figures->answer_ms);
  for (guint i = 0; i < FLEET_MAX_SERVERS; i++)
    g_array_unref (figures->arrived_by_server_ms[i]);
  g_free (figures);
}
