/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The backlog store behind a proxy that loses answers: an in-process
 * SoupServer forwards every request to a real truestory-server and passes
 * its answer on, but answers the first creates 502 after the server made
 * them, as nginx does when the server dies before its answer reaches it
 * (doc/deploy.md). The store sends them again with the same
 * Idempotency-Key: each story is made once, and none is reported
 * failed. */

#include <string.h>

#include "store-harness.h"
#include "ts-backlog-store.h"
#include "ts-realtime-client.h"

#define PASSWORD "a long password"
#define WAIT_MS 30000
#define N_CREATES 4
/* The creates whose answers the proxy loses. */
#define N_LOST 2

static const char * const emails[] = { "alice@example.org" };

typedef struct {
  TestServer *server;
  SoupServer *soup;
  SoupSession *session;
  char *base_url;
  guint n_lost;
} Proxy;

typedef struct {
  Proxy *proxy;
  SoupServerMessage *msg;
} Forward;

static gboolean
is_story_create (SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  return g_str_equal (soup_server_message_get_method (msg), "POST") &&
         g_str_has_suffix (path, "/stories");
}

static void
forwarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Forward *forward = user_data;
  SoupMessage *upstream = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  const char *type;

  g_assert_no_error (error);
  if (is_story_create (forward->msg) && forward->proxy->n_lost < N_LOST)
    {
      /* Made on the server, the answer lost on the way. */
      g_assert_cmpuint (soup_message_get_status (upstream), ==, 201);
      forward->proxy->n_lost++;
      soup_server_message_set_status (forward->msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      soup_server_message_set_response (forward->msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<h1>502 Bad Gateway</h1>", 24);
    }
  else
    {
      type = soup_message_headers_get_content_type (soup_message_get_response_headers (upstream),
                                                    NULL);
      soup_server_message_set_status (forward->msg, soup_message_get_status (upstream), NULL);
      soup_server_message_set_response (forward->msg, type != NULL ? type : "application/json",
                                        SOUP_MEMORY_COPY, g_bytes_get_data (body, NULL),
                                        g_bytes_get_size (body));
    }
  soup_server_message_unpause (forward->msg);
  g_object_unref (forward->msg);
  g_free (forward);
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  if (g_ascii_strcasecmp (name, "Host") != 0 && g_ascii_strcasecmp (name, "Content-Length") != 0 &&
      g_ascii_strcasecmp (name, "Connection") != 0)
    soup_message_headers_append (user_data, name, value);
}

static void
proxy_handler (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Proxy *proxy = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *url = g_strconcat (proxy->server->base_url, path,
                                      g_uri_get_query (uri) != NULL ? "?" : "",
                                      g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "",
                                      NULL);
  g_autoptr(SoupMessage) upstream = soup_message_new (soup_server_message_get_method (msg), url);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  Forward *forward = g_new0 (Forward, 1);

  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), copy_header,
                                soup_message_get_request_headers (upstream));
  if (body->length > 0)
    {
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

      soup_message_set_request_body_from_bytes (upstream, NULL, bytes);
    }
  forward->proxy = proxy;
  forward->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (proxy->session, upstream, G_PRIORITY_DEFAULT, NULL,
                                    forwarded_cb, forward);
}

static void
proxy_start (Proxy      *proxy,
             TestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  proxy->server = server;
  proxy->session = soup_session_new ();
  proxy->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (proxy->soup, "/api", proxy_handler, proxy, NULL);
  g_assert_true (soup_server_listen_local (proxy->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (proxy->soup);
  proxy->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
proxy_stop (Proxy *proxy)
{
  soup_server_disconnect (proxy->soup);
  g_object_unref (proxy->soup);
  g_object_unref (proxy->session);
  g_free (proxy->base_url);
}

static void
count_failure_cb (TsBacklogStore *store,
                  gint64          story_id,
                  const GError   *error,
                  guint          *n_failures)
{
  g_test_message ("an edit failed: %s", error->message);
  (*n_failures)++;
}

static gboolean
nothing_pending (gpointer data)
{
  return ts_backlog_store_get_n_pending_edits (data) == 0;
}

static void
test_lost_answers (void)
{
  TestServer *server = store_server_start (emails, G_N_ELEMENTS (emails), PASSWORD);
  g_autoptr(SoupSession) session = soup_session_new ();
  Proxy proxy = { 0 };
  g_autoptr(TsApiClient) api = NULL;
  g_autoptr(TsBacklogStore) store = NULL;
  g_autoptr(TsProjectPatch) settings = g_new0 (TsProjectPatch, 1);
  g_autoptr(TsProject) project = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) stories = NULL;
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  guint n_failures = 0;

  proxy_start (&proxy, server);
  api = store_sign_in (&(TestServer) { .base_url = proxy.base_url }, session, emails[0], PASSWORD);
  settings->fields = TS_PROJECT_FIELD_NAME;
  settings->values = ts_project_new ();
  ts_project_set_name (settings->values, "Behind a proxy");
  project = store_create_project (api, settings);
  store = ts_backlog_store_new (api, NULL, ts_project_get_id (project));
  g_signal_connect (store, "edit-failed", G_CALLBACK (count_failure_cb), &n_failures);
  ts_backlog_store_load_async (store, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  g_assert_true (ts_backlog_store_load_finish (store, result, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < N_CREATES; i++)
    {
      g_autoptr(TsStoryPatch) values = ts_story_patch_new ();
      g_autofree char *title = g_strdup_printf ("Story %u", i);

      values->fields = TS_STORY_FIELD_TITLE;
      ts_story_set_title (values->values, title);
      ts_backlog_store_create_story (store, values, NULL);
    }
  store_wait_for (nothing_pending, store, WAIT_MS, "every create to be answered");
  g_assert_cmpuint (proxy.n_lost, ==, N_LOST);
  g_assert_cmpuint (n_failures, ==, 0);

  /* Each once on the server. */
  ts_api_client_list_stories_async (api, ts_project_get_id (project), NULL, store_result_cb,
                                    &slot);
  g_clear_object (&result);
  result = store_await (&slot);
  stories = ts_api_client_list_stories_finish (api, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stories->len, ==, N_CREATES);
  for (guint i = 0; i < stories->len; i++)
    g_assert_true (g_hash_table_add (titles,
                                     (gpointer) ts_story_get_title (stories->pdata[i])));

  ts_backlog_store_close (store);
  proxy_stop (&proxy);
  test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/backlog-store/gateway/lost-answers", test_lost_answers);
  return g_test_run ();
}
