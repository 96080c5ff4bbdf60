/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "store-harness.h"

/* Long enough for a request on a busy machine shared by several builds;
 * a request that never ends fails the test instead of hanging it. */
#define AWAIT_MS 30000

const char * const store_app_args[] = {
  "--app-id", "4242", "--app-key", "0123456789abcdef0123",
  "--app-secret", "fedcba9876543210fedcba9876543210", NULL
};

/* A server running the realtime app, where each of @emails can sign in
 * with @password (their email is their name). */
TestServer *
store_server_start (const char * const *emails,
                    guint               n_emails,
                    const char         *password)
{
  TestServer *server = test_server_start (store_app_args);

  for (guint i = 0; i < n_emails; i++)
    g_assert_true (test_server_add_user (server, emails[i], emails[i], password));
  return server;
}

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds; fails the test after
 * @timeout_ms, naming @what. */
void
store_wait_for (StoreCondition  condition,
                gpointer        data,
                guint           timeout_ms,
                const char     *what)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add (timeout_ms, deadline_cb, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("timed out waiting for %s", what);
  g_source_remove (deadline);
}

/* Runs the main loop for @ms whatever happens. */
void
store_spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* The callback of every async call awaited: @user_data is the slot
 * store_await() watches. */
void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
store_await (GAsyncResult **slot)
{
  store_wait_for (result_arrived, slot, AWAIT_MS, "a request");
  return g_steal_pointer (slot);
}

TsApiClient *
store_sign_in (TestServer  *server,
               SoupSession *session,
               const char  *email,
               const char  *password)
{
  g_autoptr(TsApiClient) api = ts_api_client_new (server->base_url, session);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TsUser) user = NULL;
  g_autoptr(GError) error = NULL;

  ts_api_client_sign_in_async (api, email, password, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  user = ts_api_client_sign_in_finish (api, result, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&api);
}

gint64
store_add_member (TsApiClient *api,
                  gint64       project_id,
                  const char  *email)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TsUser) member = NULL;
  g_autoptr(GError) error = NULL;

  ts_api_client_add_member_async (api, project_id, email, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  member = ts_api_client_add_member_finish (api, result, &error);
  g_assert_no_error (error);
  return ts_user_get_id (member);
}

TsProject *
store_create_project (TsApiClient    *api,
                      TsProjectPatch *settings)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TsProject *project;

  ts_api_client_create_project_async (api, settings, NULL, NULL, store_result_cb, &slot);
  result = store_await (&slot);
  project = ts_api_client_create_project_finish (api, result, &error);
  g_assert_no_error (error);
  return project;
}

/**
 * store_pick_story:
 * @prefix: (nullable): what the story's title starts with
 *
 * A story of @store's with an id on the server, chosen at random (16
 * tries); with @prefix, one whose title starts with it.
 *
 * Returns: (transfer full) (nullable): the story, or %NULL
 */
TsStory *
store_pick_story (TsBacklogStore *store,
                  GRand          *rand,
                  const char     *prefix)
{
  GListModel *stories = ts_backlog_store_get_stories (store);
  guint n = g_list_model_get_n_items (stories);

  for (guint attempt = 0; n > 0 && attempt < 16; attempt++)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, g_rand_int_range (rand, 0, n));

      if (ts_story_get_id (story) > 0 &&
          (prefix == NULL || g_str_has_prefix (ts_story_get_title (story), prefix)))
        return g_steal_pointer (&story);
    }
  return NULL;
}
