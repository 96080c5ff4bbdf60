/* SPDX-License-Identifier: GPL-3.0-or-later */

/* TsRealtimeClient against a real truestory-server: connecting, channels,
 * presence, refusals, and staying connected through stops, crashes,
 * frozen servers, lost networks and revoked tokens. Some tests point the
 * server at an in-process TsHub as its external realtime service, so that
 * the test can close sockets with any code and shorten the hub's ping. */

#include <signal.h>
#include <string.h>

#include "server-harness.h"
#include "ts-hub.h"
#include "ts-json.h"
#include "ts-realtime-client.h"
#include "ws-client.h"

#define APP_ID "4242"
#define KEY "0123456789abcdef0123"
#define SECRET "fedcba9876543210fedcba9876543210"

/* Short enough that a test never waits long, long enough to be seen. */
#define MIN_BACKOFF_MS 50
#define MAX_BACKOFF_MS 400

/* A network monitor the test switches. */

#define FAKE_TYPE_MONITOR (fake_monitor_get_type ())
G_DECLARE_FINAL_TYPE (FakeMonitor, fake_monitor, FAKE, MONITOR, GObject)

struct _FakeMonitor
{
  GObject parent_instance;
  gboolean available;
};

static gboolean
fake_monitor_init_initable (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return TRUE;
}

static void
fake_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = fake_monitor_init_initable;
}

static void
fake_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeMonitor, fake_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, fake_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, fake_monitor_iface_init))

enum {
  FAKE_PROP_0,
  FAKE_PROP_AVAILABLE,
  FAKE_PROP_METERED,
  FAKE_PROP_CONNECTIVITY,
};

static void
fake_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FakeMonitor *self = FAKE_MONITOR (object);

  switch (prop_id)
    {
    case FAKE_PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case FAKE_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case FAKE_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                               : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fake_monitor_class_init (FakeMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fake_monitor_get_property;
  g_object_class_override_property (object_class, FAKE_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, FAKE_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, FAKE_PROP_CONNECTIVITY, "connectivity");
}

static void
fake_monitor_init (FakeMonitor *self)
{
  self->available = TRUE;
}

static void
fake_monitor_set_available (FakeMonitor *self,
                            gboolean     available)
{
  self->available = available;
  g_signal_emit_by_name (self, "network-changed", available);
}

/* The fixture: a server with Ada and Bob in one project, and Carol in
 * none. With data "hub", the server publishes to an in-process hub. */

typedef struct {
  TestServer *server;
  SoupSession *session;
  char *ada;
  char *bob;
  char *carol;
  gint64 project_id;
  char *channel;
  char *presence;
  TsHub *hub;
  SoupServer *hub_server;
  guint hub_port;
} Fixture;

static SoupServer *
hub_listen (TsHub *hub,
            guint *out_port)
{
  g_autoptr(GError) error = NULL;
  SoupServer *server = soup_server_new (NULL, NULL);
  GSList *uris;

  ts_hub_attach (hub, server);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  *out_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

static char *
realtime_url_arg (guint port)
{
  return g_strdup_printf ("--realtime-url=http://%s:%s@127.0.0.1:%u/apps/%s",
                          KEY, SECRET, port, APP_ID);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *members = NULL;
  g_autofree char *url = NULL;
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) added = NULL;

  if (g_strcmp0 (data, "hub") == 0)
    {
      f->hub = ts_hub_new (APP_ID, KEY, SECRET);
      f->hub_server = hub_listen (f->hub, &f->hub_port);
      url = realtime_url_arg (f->hub_port);
    }
  {
    const char * const args[] = { url, NULL };

    f->server = test_server_start (args);
  }
  f->session = soup_session_new ();
  g_assert_true (test_server_add_user (f->server, "ada@example.org", "Ada Lovelace", "analytical"));
  g_assert_true (test_server_add_user (f->server, "bob@example.org", "Bob Noyce", "integrated"));
  g_assert_true (test_server_add_user (f->server, "carol@example.org", "Carol Shaw", "river raid"));
  f->ada = test_server_sign_in (f->server, "ada@example.org", "analytical");
  f->bob = test_server_sign_in (f->server, "bob@example.org", "integrated");
  f->carol = test_server_sign_in (f->server, "carol@example.org", "river raid");

  created = test_request (f->server, "POST", "/api/v1/projects", f->ada, "{\"name\": \"Gemini\"}");
  assert_status (created, 201);
  f->project_id = test_response_int (created, "id");
  f->channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, f->project_id);
  f->presence = g_strdup_printf ("presence-project-%" G_GINT64_FORMAT, f->project_id);

  members = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members", f->project_id);
  added = test_request (f->server, "POST", members, f->ada, "{\"email\": \"bob@example.org\"}");
  assert_status (added, 201);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  if (f->server->pid != 0)
    kill (f->server->pid, SIGCONT);
  test_server_stop (f->server);
  if (f->hub_server != NULL)
    {
      soup_server_disconnect (f->hub_server);
      g_clear_object (&f->hub_server);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->hub);
  g_free (f->ada);
  g_free (f->bob);
  g_free (f->carol);
  g_free (f->channel);
  g_free (f->presence);
}

/* A realtime client and what it told. */

typedef struct {
  char *channel;
  char *name;
  char *data;
} Event;

typedef struct {
  TsApiClient *api;
  TsRealtimeClient *client;
  GArray *states;        /* TsRealtimeState, every change */
  GPtrArray *events;     /* Event* */
  guint n_subscribed;
  guint n_members_changed;
  guint n_unauthorized;
  char *error_channel;
  int error_status;
  guint n_errors;
} Watch;

static void
event_free (Event *event)
{
  g_free (event->channel);
  g_free (event->name);
  g_free (event->data);
  g_free (event);
}

static void
state_cb (TsRealtimeClient *client,
          GParamSpec       *pspec,
          Watch            *watch)
{
  TsRealtimeState state = ts_realtime_client_get_state (client);

  g_array_append_val (watch->states, state);
}

static void
event_cb (TsRealtimeClient *client,
          const char       *channel,
          const char       *name,
          const char       *data,
          Watch            *watch)
{
  Event *event = g_new0 (Event, 1);

  event->channel = g_strdup (channel);
  event->name = g_strdup (name);
  event->data = g_strdup (data);
  g_ptr_array_add (watch->events, event);
}

static void
subscribed_cb (TsRealtimeClient *client,
               const char       *channel,
               Watch            *watch)
{
  g_assert_true (ts_realtime_client_is_subscribed (client, channel));
  watch->n_subscribed++;
}

static void
members_changed_cb (TsRealtimeClient *client,
                    const char       *channel,
                    Watch            *watch)
{
  watch->n_members_changed++;
}

static void
subscription_error_cb (TsRealtimeClient *client,
                       const char       *channel,
                       int               status,
                       const char       *message,
                       Watch            *watch)
{
  g_free (watch->error_channel);
  watch->error_channel = g_strdup (channel);
  watch->error_status = status;
  watch->n_errors++;
}

static void
unauthorized_cb (TsRealtimeClient *client,
                 Watch            *watch)
{
  watch->n_unauthorized++;
}

static Watch *
watch_new_full (Fixture         *f,
                const char      *token,
                GNetworkMonitor *monitor)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->api = ts_api_client_new (f->server->base_url, f->session);
  ts_api_client_set_token (watch->api, token);
  watch->client = g_object_new (TS_TYPE_REALTIME_CLIENT, "api", watch->api,
                                "network-monitor", monitor, NULL);
  ts_realtime_client_set_backoff_limits (watch->client, MIN_BACKOFF_MS, MAX_BACKOFF_MS);
  watch->states = g_array_new (FALSE, FALSE, sizeof (TsRealtimeState));
  watch->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);

  g_signal_connect (watch->client, "notify::state", G_CALLBACK (state_cb), watch);
  g_signal_connect (watch->client, "event", G_CALLBACK (event_cb), watch);
  g_signal_connect (watch->client, "subscribed", G_CALLBACK (subscribed_cb), watch);
  g_signal_connect (watch->client, "members-changed", G_CALLBACK (members_changed_cb), watch);
  g_signal_connect (watch->client, "subscription-error", G_CALLBACK (subscription_error_cb), watch);
  g_signal_connect (watch->client, "unauthorized", G_CALLBACK (unauthorized_cb), watch);
  return watch;
}

static Watch *
watch_new (Fixture    *f,
           const char *token)
{
  return watch_new_full (f, token, NULL);
}

static void
watch_free (Watch *watch)
{
  ts_realtime_client_stop (watch->client);
  g_assert_finalize_object (watch->client);
  /* Let the closing handshake finish, and the answers still coming. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (watch->api);
  g_array_unref (watch->states);
  g_ptr_array_unref (watch->events);
  g_free (watch->error_channel);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_free)

static gboolean
is_connected (Watch *watch)
{
  return ts_realtime_client_get_state (watch->client) == TS_REALTIME_STATE_CONNECTED;
}

static TsRealtimeState
last_state (Watch *watch)
{
  g_assert_cmpuint (watch->states->len, >, 0);
  return g_array_index (watch->states, TsRealtimeState, watch->states->len - 1);
}

static void
start_connected (Watch *watch)
{
  ts_realtime_client_start (watch->client);
  WAIT_UNTIL (is_connected (watch), TIMEOUT_MS);
}

/* Runs the main loop for @ms, for tests that check nothing happens. */
static void
spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, ws_deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static void
clear_states (Watch *watch)
{
  g_array_set_size (watch->states, 0);
}

/* Whether @state comes in the recorded changes. */
static gboolean
went_through (Watch           *watch,
              TsRealtimeState  state)
{
  for (guint i = 0; i < watch->states->len; i++)
    if (g_array_index (watch->states, TsRealtimeState, i) == state)
      return TRUE;
  return FALSE;
}

static char *
event_title (Event *event)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = ts_json_parse_object (event->data, -1, &error);
  JsonObject *story;

  g_assert_no_error (error);
  story = json_object_get_object_member (data, "story");
  g_assert_nonnull (story);
  return g_strdup (json_object_get_string_member (story, "title"));
}

static void
assert_event (Event      *event,
              const char *channel,
              const char *name,
              const char *title)
{
  g_autofree char *found = NULL;

  g_assert_cmpstr (event->channel, ==, channel);
  g_assert_cmpstr (event->name, ==, name);
  found = event_title (event);
  g_assert_cmpstr (found, ==, title);
}

/* A story made over REST, by someone without a realtime socket. */
static void
create_story (Fixture    *f,
              const char *token,
              const char *title)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories",
                                           f->project_id);
  g_autofree char *body = g_strdup_printf ("{\"title\": \"%s\"}", title);
  g_autoptr(TestResponse) created = test_request (f->server, "POST", path, token, body);

  assert_status (created, 201);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A story made through @watch's API client, which sends its socket id. */
static void
create_story_through (Fixture    *f,
                      Watch      *watch,
                      const char *title)
{
  g_autoptr(TsStoryPatch) values = ts_story_patch_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) story = NULL;

  values->fields = TS_STORY_FIELD_TITLE;
  ts_story_set_title (values->values, title);
  ts_api_client_create_story_async (watch->api, f->project_id, values, NULL, NULL, NULL,
                                    result_cb, &result);
  WAIT_UNTIL (result != NULL, TIMEOUT_MS);
  story = ts_api_client_create_story_finish (watch->api, result, &error);
  g_assert_no_error (error);
}

static void
subscribe (Watch      *watch,
           const char *channel)
{
  guint before = watch->n_subscribed;

  ts_realtime_client_subscribe (watch->client, channel);
  WAIT_UNTIL (watch->n_subscribed > before, TIMEOUT_MS);
}

/* The tests. */

static gboolean
is_socket_id (const char *text)
{
  return text != NULL && g_regex_match_simple ("^[0-9]+\\.[0-9]+$", text, 0, 0);
}

/* Connecting goes CONNECTING → CONNECTED and hands the socket id to the
 * API client; stopping goes OFFLINE and takes it back. */
static void
test_connect (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);
  const char *socket_id;

  g_assert_cmpint (ts_realtime_client_get_state (ada->client), ==, TS_REALTIME_STATE_OFFLINE);
  g_assert_null (ts_realtime_client_get_socket_id (ada->client));

  start_connected (ada);
  g_assert_cmpuint (ada->states->len, ==, 2);
  g_assert_cmpint (g_array_index (ada->states, TsRealtimeState, 0), ==, TS_REALTIME_STATE_CONNECTING);
  g_assert_cmpint (g_array_index (ada->states, TsRealtimeState, 1), ==, TS_REALTIME_STATE_CONNECTED);
  socket_id = ts_realtime_client_get_socket_id (ada->client);
  g_assert_true (is_socket_id (socket_id));
  g_assert_cmpstr (ts_api_client_get_socket_id (ada->api), ==, socket_id);

  ts_realtime_client_stop (ada->client);
  g_assert_cmpint (last_state (ada), ==, TS_REALTIME_STATE_OFFLINE);
  g_assert_null (ts_realtime_client_get_socket_id (ada->client));
  g_assert_null (ts_api_client_get_socket_id (ada->api));

  /* Stopped means stopped: nothing is tried again. */
  clear_states (ada);
  spin (3 * MAX_BACKOFF_MS);
  g_assert_cmpuint (ada->states->len, ==, 0);
}

/* Events of a subscribed channel arrive with their data; the client's own
 * changes (made with its socket id) do not come back; an unsubscribed
 * channel brings nothing more. */
static void
test_events (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);
  g_autoptr(Watch) bob = watch_new (f, f->bob);

  start_connected (ada);
  start_connected (bob);
  subscribe (ada, f->channel);
  subscribe (bob, f->channel);
  g_assert_true (ts_realtime_client_is_subscribed (ada->client, f->channel));

  /* Ada's own change comes first in version order, so had it come back,
   * it would be the first event. */
  create_story_through (f, ada, "From Ada");
  create_story (f, f->bob, "From Bob");
  WAIT_UNTIL (ada->events->len >= 1, TIMEOUT_MS);
  WAIT_UNTIL (bob->events->len >= 2, TIMEOUT_MS);
  assert_event (g_ptr_array_index (ada->events, 0), f->channel, "stories-create", "From Bob");
  assert_event (g_ptr_array_index (bob->events, 0), f->channel, "stories-create", "From Ada");
  assert_event (g_ptr_array_index (bob->events, 1), f->channel, "stories-create", "From Bob");

  /* Bob gets the next event; by then Ada would have hers. */
  ts_realtime_client_unsubscribe (ada->client, f->channel);
  g_assert_false (ts_realtime_client_is_subscribed (ada->client, f->channel));
  create_story (f, f->bob, "Unheard");
  WAIT_UNTIL (bob->events->len >= 3, TIMEOUT_MS);
  spin (100);
  g_assert_cmpuint (ada->events->len, ==, 1);
}

static gboolean
has_member (GPtrArray  *members,
            const char *name)
{
  for (guint i = 0; i < members->len; i++)
    {
      TsRealtimeMember *member = g_ptr_array_index (members, i);

      g_assert_true (member->user_id != NULL && *member->user_id != '\0');
      if (g_strcmp0 (member->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
n_members (Watch      *watch,
           const char *channel)
{
  g_autoptr(GPtrArray) members = ts_realtime_client_get_members (watch->client, channel);

  return members->len;
}

/* The presence channel's members: oneself on subscribing, others as they
 * come and go. */
static void
test_presence (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);
  Watch *bob = watch_new (f, f->bob);
  g_autoptr(GPtrArray) members = NULL;

  start_connected (ada);
  subscribe (ada, f->presence);
  g_assert_cmpuint (ada->n_members_changed, ==, 1);
  members = ts_realtime_client_get_members (ada->client, f->presence);
  g_assert_cmpuint (members->len, ==, 1);
  g_assert_true (has_member (members, "Ada Lovelace"));
  g_clear_pointer (&members, g_ptr_array_unref);

  start_connected (bob);
  subscribe (bob, f->presence);
  WAIT_UNTIL (n_members (ada, f->presence) == 2, TIMEOUT_MS);
  g_assert_cmpuint (ada->n_members_changed, ==, 2);
  members = ts_realtime_client_get_members (ada->client, f->presence);
  g_assert_true (has_member (members, "Ada Lovelace"));
  g_assert_true (has_member (members, "Bob Noyce"));
  g_clear_pointer (&members, g_ptr_array_unref);
  members = ts_realtime_client_get_members (bob->client, f->presence);
  g_assert_cmpuint (members->len, ==, 2);
  g_clear_pointer (&members, g_ptr_array_unref);

  /* A private channel has no members. */
  g_assert_cmpuint (n_members (ada, f->channel), ==, 0);

  watch_free (bob);
  WAIT_UNTIL (n_members (ada, f->presence) == 1, TIMEOUT_MS);
  g_assert_cmpuint (ada->n_members_changed, ==, 3);
  members = ts_realtime_client_get_members (ada->client, f->presence);
  g_assert_true (has_member (members, "Ada Lovelace"));
}

/* Someone who is not a member is refused the project's channels (403
 * from the REST side), and the connection stays up. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Watch) carol = watch_new (f, f->carol);

  start_connected (carol);
  ts_realtime_client_subscribe (carol->client, f->channel);
  WAIT_UNTIL (carol->n_errors == 1, TIMEOUT_MS);
  g_assert_cmpstr (carol->error_channel, ==, f->channel);
  g_assert_cmpint (carol->error_status, ==, 403);

  ts_realtime_client_subscribe (carol->client, f->presence);
  WAIT_UNTIL (carol->n_errors == 2, TIMEOUT_MS);
  g_assert_cmpstr (carol->error_channel, ==, f->presence);
  g_assert_cmpint (carol->error_status, ==, 403);

  g_assert_cmpuint (carol->n_subscribed, ==, 0);
  g_assert_false (ts_realtime_client_is_subscribed (carol->client, f->channel));
  g_assert_true (is_connected (carol));
  g_assert_cmpuint (carol->n_unauthorized, ==, 0);
}

/* A member removed from the project is taken off its channels by the
 * server (pusher:subscription_error 403): the client says so, and the
 * presence list it kept is emptied. */
static void
test_evicted (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Watch) bob = watch_new (f, f->bob);
  g_autoptr(TestResponse) me = test_request (f->server, "GET", "/api/v1/me", f->bob, NULL);
  g_autoptr(TestResponse) removed = NULL;
  g_autofree char *path = NULL;

  start_connected (bob);
  subscribe (bob, f->presence);
  g_assert_cmpuint (n_members (bob, f->presence), ==, 1);

  assert_status (me, 200);
  path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                          f->project_id, test_response_int (me, "id"));
  removed = test_request (f->server, "DELETE", path, f->ada, NULL);
  assert_status (removed, 200);

  WAIT_UNTIL (bob->n_errors == 1, TIMEOUT_MS);
  g_assert_cmpstr (bob->error_channel, ==, f->presence);
  g_assert_cmpint (bob->error_status, ==, 403);
  g_assert_false (ts_realtime_client_is_subscribed (bob->client, f->presence));
  g_assert_cmpuint (n_members (bob, f->presence), ==, 0);
  g_assert_true (is_connected (bob));
}

/* A graceful stop closes with 4200: the client tries again at once
 * (CONNECTING, not UNAVAILABLE, right after CONNECTED), and once the
 * server is back it is subscribed again, says so, and gets events. */
static void
test_graceful_restart (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);
  g_autofree char *first_socket = NULL;

  start_connected (ada);
  subscribe (ada, f->channel);
  first_socket = g_strdup (ts_realtime_client_get_socket_id (ada->client));
  clear_states (ada);

  test_server_terminate (f->server);
  WAIT_UNTIL (!is_connected (ada), TIMEOUT_MS);
  g_assert_cmpint (g_array_index (ada->states, TsRealtimeState, 0), ==, TS_REALTIME_STATE_CONNECTING);
  g_assert_null (ts_realtime_client_get_socket_id (ada->client));
  g_assert_null (ts_api_client_get_socket_id (ada->api));

  test_server_restart (f->server);
  WAIT_UNTIL (ada->n_subscribed == 2, TIMEOUT_MS);
  g_assert_true (is_connected (ada));
  g_assert_cmpstr (ts_realtime_client_get_socket_id (ada->client), !=, first_socket);
  g_assert_cmpstr (ts_api_client_get_socket_id (ada->api), ==,
                   ts_realtime_client_get_socket_id (ada->client));

  create_story (f, f->bob, "After the restart");
  WAIT_UNTIL (ada->events->len == 1, TIMEOUT_MS);
  assert_event (g_ptr_array_index (ada->events, 0), f->channel, "stories-create", "After the restart");
}

/* A server killed outright sends no close frame: that is a network
 * failure, which backs off (UNAVAILABLE), and the client comes back when
 * the server does. */
static void
test_server_killed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);

  start_connected (ada);
  subscribe (ada, f->channel);
  clear_states (ada);

  test_server_kill (f->server);
  WAIT_UNTIL (went_through (ada, TS_REALTIME_STATE_UNAVAILABLE), TIMEOUT_MS);
  g_assert_cmpint (g_array_index (ada->states, TsRealtimeState, 0), ==, TS_REALTIME_STATE_UNAVAILABLE);
  /* Several tries fail while the server is away, and the client goes on. */
  spin (2 * MAX_BACKOFF_MS);
  g_assert_false (is_connected (ada));

  test_server_restart (f->server);
  WAIT_UNTIL (ada->n_subscribed == 2, TIMEOUT_MS);
  g_assert_true (is_connected (ada));
  create_story (f, f->bob, "After the crash");
  WAIT_UNTIL (ada->events->len == 1, TIMEOUT_MS);
  assert_event (g_ptr_array_index (ada->events, 0), f->channel, "stories-create", "After the crash");
}

/* The client pings after its activity timeout, and a pong keeps the
 * connection; a server that stops answering (SIGSTOP) is given up after
 * the pong timeout and the client reconnects at once (CONNECTING), then
 * connects again when the server runs again. */
static void
test_pong_timeout (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);
  g_autofree char *first_socket = NULL;

  ts_realtime_client_set_timeouts (ada->client, 150, 300);
  start_connected (ada);
  first_socket = g_strdup (ts_realtime_client_get_socket_id (ada->client));
  clear_states (ada);

  /* Several pings, each answered. */
  spin (1200);
  g_assert_cmpuint (ada->states->len, ==, 0);
  g_assert_cmpstr (ts_realtime_client_get_socket_id (ada->client), ==, first_socket);

  kill (f->server->pid, SIGSTOP);
  WAIT_UNTIL (!is_connected (ada), TIMEOUT_MS);
  g_assert_cmpint (g_array_index (ada->states, TsRealtimeState, 0), ==, TS_REALTIME_STATE_CONNECTING);
  /* The new tries time out in their handshake and back off. */
  WAIT_UNTIL (went_through (ada, TS_REALTIME_STATE_UNAVAILABLE), TIMEOUT_MS);

  kill (f->server->pid, SIGCONT);
  WAIT_UNTIL (is_connected (ada), TIMEOUT_MS);
  g_assert_cmpstr (ts_realtime_client_get_socket_id (ada->client), !=, first_socket);
}

/* The hub pings a silent socket every 200 ms and closes it with 4201
 * without a pong within 200 ms; the client answers, so its connection
 * lives through many such rounds. Events relayed by the hub arrive. */
static void
test_server_ping (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);
  g_autofree char *first_socket = NULL;

  ts_hub_set_timeouts (f->hub, 200, 200);
  start_connected (ada);
  g_assert_cmpuint (ts_hub_get_n_connections (f->hub), ==, 1);
  subscribe (ada, f->channel);
  first_socket = g_strdup (ts_realtime_client_get_socket_id (ada->client));
  clear_states (ada);

  spin (2000);
  g_assert_cmpuint (ada->states->len, ==, 0);
  g_assert_cmpstr (ts_realtime_client_get_socket_id (ada->client), ==, first_socket);

  create_story (f, f->bob, "Through the hub");
  WAIT_UNTIL (ada->events->len == 1, TIMEOUT_MS);
  assert_event (g_ptr_array_index (ada->events, 0), f->channel, "stories-create", "Through the hub");
}

static guint
hub_connections (TsHub *hub)
{
  return ts_hub_get_n_connections (hub);
}

/* Close codes, as doc/api.md sorts them: 4200–4299 again at once, 4100–4199
 * after a backoff with the same parameters, 4000–4099 and 4300+ after
 * reading GET /realtime again. The server is restarted to name a second
 * hub, which only a client that asks again finds. */
static void
test_close_codes (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);
  g_autoptr(TsHub) other = ts_hub_new (APP_ID, KEY, SECRET);
  g_autoptr(SoupServer) other_server = NULL;
  g_autofree char *url = NULL;
  guint other_port;

  start_connected (ada);
  subscribe (ada, f->channel);

  /* 4200: at once. */
  clear_states (ada);
  ts_hub_close_all (f->hub, 4200, "reconnect");
  WAIT_UNTIL (ada->n_subscribed == 2, TIMEOUT_MS);
  g_assert_true (is_connected (ada));
  g_assert_false (went_through (ada, TS_REALTIME_STATE_UNAVAILABLE));

  /* The server now names another hub. */
  other_server = hub_listen (other, &other_port);
  url = realtime_url_arg (other_port);
  test_server_terminate (f->server);
  {
    const char * const args[] = { url, NULL };

    test_server_restart_with (f->server, args);
  }

  /* 4100: after a wait, to the same hub. */
  clear_states (ada);
  ts_hub_close_all (f->hub, 4100, "over capacity");
  WAIT_UNTIL (ada->n_subscribed == 3, TIMEOUT_MS);
  g_assert_true (went_through (ada, TS_REALTIME_STATE_UNAVAILABLE));
  g_assert_cmpuint (hub_connections (f->hub), ==, 1);
  g_assert_cmpuint (hub_connections (other), ==, 0);

  /* 4009: the parameters are read again, which names the other hub. */
  clear_states (ada);
  ts_hub_close_all (f->hub, 4009, "unauthorized");
  WAIT_UNTIL (ada->n_subscribed == 4, TIMEOUT_MS);
  g_assert_true (went_through (ada, TS_REALTIME_STATE_UNAVAILABLE));
  WAIT_UNTIL (hub_connections (f->hub) == 0, TIMEOUT_MS);
  g_assert_cmpuint (hub_connections (other), ==, 1);

  /* 4301 is in the same class. */
  test_server_terminate (f->server);
  {
    g_autofree char *first_url = realtime_url_arg (f->hub_port);
    const char * const args[] = { first_url, NULL };

    test_server_restart_with (f->server, args);
  }
  ts_hub_close_all (other, 4301, "rate limit");
  WAIT_UNTIL (ada->n_subscribed == 5, TIMEOUT_MS);
  g_assert_cmpuint (hub_connections (f->hub), ==, 1);

  ts_realtime_client_stop (ada->client);
  soup_server_disconnect (other_server);
}

/* reconnect_now(), what a wake from suspend and the network's return do:
 * a new connection at once, and no waiting out a long backoff. */
static void
test_reconnect_now (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Watch) ada = watch_new (f, f->ada);
  g_autofree char *first_socket = NULL;

  start_connected (ada);
  subscribe (ada, f->channel);
  first_socket = g_strdup (ts_realtime_client_get_socket_id (ada->client));

  ts_realtime_client_reconnect_now (ada->client);
  WAIT_UNTIL (ada->n_subscribed == 2, TIMEOUT_MS);
  g_assert_cmpstr (ts_realtime_client_get_socket_id (ada->client), !=, first_socket);

  /* With doc/api.md's real backoff, the next try after a crash is a second
   * away, and later ones longer. */
  ts_realtime_client_set_backoff_limits (ada->client, 60000, 60000);
  test_server_kill (f->server);
  WAIT_UNTIL (went_through (ada, TS_REALTIME_STATE_UNAVAILABLE), TIMEOUT_MS);
  test_server_restart (f->server);
  spin (200);
  g_assert_false (is_connected (ada));
  ts_realtime_client_reconnect_now (ada->client);
  WAIT_UNTIL (ada->n_subscribed == 3, TIMEOUT_MS);
}

/* Without a network the client is OFFLINE and tries nothing; when the
 * network comes back it connects at once. */
static void
test_network (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(FakeMonitor) monitor = g_object_new (FAKE_TYPE_MONITOR, NULL);
  g_autoptr(Watch) ada = watch_new_full (f, f->ada, G_NETWORK_MONITOR (monitor));

  ts_realtime_client_set_backoff_limits (ada->client, 60000, 60000);
  monitor->available = FALSE;
  ts_realtime_client_start (ada->client);
  spin (200);
  g_assert_cmpint (ts_realtime_client_get_state (ada->client), ==, TS_REALTIME_STATE_OFFLINE);
  g_assert_false (went_through (ada, TS_REALTIME_STATE_CONNECTING));

  fake_monitor_set_available (monitor, TRUE);
  WAIT_UNTIL (is_connected (ada), TIMEOUT_MS);
  subscribe (ada, f->channel);

  clear_states (ada);
  fake_monitor_set_available (monitor, FALSE);
  g_assert_cmpint (ts_realtime_client_get_state (ada->client), ==, TS_REALTIME_STATE_OFFLINE);
  g_assert_null (ts_realtime_client_get_socket_id (ada->client));
  spin (200);
  g_assert_cmpuint (ada->states->len, ==, 1);

  fake_monitor_set_available (monitor, TRUE);
  WAIT_UNTIL (ada->n_subscribed == 2, TIMEOUT_MS);
  g_assert_true (is_connected (ada));

  /* Another route while connected: a ping checks the socket, which
   * stays. */
  clear_states (ada);
  fake_monitor_set_available (monitor, TRUE);
  spin (200);
  g_assert_cmpuint (ada->states->len, ==, 0);
}

/* A revoked token: a channel's authorization answers 401, and so does
 * GET /realtime for a client that starts with it. The client says so
 * and waits; the app signing in again (a new token) brings it back at
 * once, although the backoff is long. */
static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *token = test_server_sign_in (f->server, "ada@example.org", "analytical");
  g_autofree char *again = NULL;
  g_autofree char *third = NULL;
  g_autoptr(Watch) ada = watch_new (f, token);
  g_autoptr(Watch) late = NULL;
  g_autoptr(TestResponse) revoked = NULL;

  start_connected (ada);
  subscribe (ada, f->channel);
  ts_realtime_client_set_backoff_limits (ada->client, 60000, 60000);

  revoked = test_request (f->server, "DELETE", "/api/v1/session", token, NULL);
  assert_status (revoked, 200);

  /* The socket needs no token; the channels do. */
  ts_realtime_client_reconnect_now (ada->client);
  WAIT_UNTIL (ada->n_unauthorized == 1, TIMEOUT_MS);
  g_assert_cmpuint (ada->n_errors, ==, 1);
  g_assert_cmpstr (ada->error_channel, ==, f->channel);
  g_assert_cmpint (ada->error_status, ==, 401);
  g_assert_true (is_connected (ada));
  g_assert_false (ts_realtime_client_is_subscribed (ada->client, f->channel));

  again = test_server_sign_in (f->server, "ada@example.org", "analytical");
  ts_api_client_set_token (ada->api, again);
  WAIT_UNTIL (ada->n_subscribed == 2, TIMEOUT_MS);

  /* Without a token the client cannot even learn where to connect. */
  late = watch_new (f, token);
  ts_realtime_client_set_backoff_limits (late->client, 60000, 60000);
  ts_realtime_client_start (late->client);
  WAIT_UNTIL (late->n_unauthorized == 1, TIMEOUT_MS);
  g_assert_cmpint (ts_realtime_client_get_state (late->client), ==, TS_REALTIME_STATE_UNAVAILABLE);
  third = test_server_sign_in (f->server, "ada@example.org", "analytical");
  ts_api_client_set_token (late->api, third);
  WAIT_UNTIL (is_connected (late), TIMEOUT_MS);
}

#define ADD(name, func, data) \
  g_test_add ("/sync/realtime/" name, Fixture, data, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("connect", test_connect, NULL);
  ADD ("events", test_events, NULL);
  ADD ("presence", test_presence, NULL);
  ADD ("refused", test_refused, NULL);
  ADD ("evicted", test_evicted, NULL);
  ADD ("server-restart", test_graceful_restart, NULL);
  ADD ("server-killed", test_server_killed, NULL);
  ADD ("pong-timeout", test_pong_timeout, NULL);
  ADD ("server-ping", test_server_ping, "hub");
  ADD ("close-codes", test_close_codes, "hub");
  ADD ("reconnect-now", test_reconnect_now, NULL);
  ADD ("network", test_network, NULL);
  ADD ("unauthorized", test_unauthorized, NULL);

  return g_test_run ();
}
