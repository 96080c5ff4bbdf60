/* SPDX-License-Identifier: GPL-3.0-or-later */

/* TsApiClient against a real truestory-server: every endpoint the app
 * uses, the error each refusal maps to, and the headers it sends. */

#include <string.h>

#include "server-harness.h"
#include "ts-api-client.h"
#include "ws-client.h"

#define KEY "0123456789abcdef0123"

static const char * const app_args[] = {
  "--app-id", "4242", "--app-key", KEY, "--app-secret", "fedcba9876543210fedcba9876543210", NULL
};

/* A history of three changes, so that older ones are gone. */
static const char * const short_history_args[] = { "--history", "3", NULL };

typedef struct {
  TestServer *server;
  SoupSession *session;
  TsApiClient *client;
  GMainLoop *loop;
  GAsyncResult *result;
  gint64 project_id;
} Fixture;

/* Waiting: every wait is bounded, so a request that never completes fails
 * the test instead of hanging it. */

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->result);
  f->result = g_object_ref (result);
  g_main_loop_quit (f->loop);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("a request did not complete within %u ms", (guint) TIMEOUT_MS);
  return G_SOURCE_REMOVE;
}

/* The result of the request just started with result_cb and @f. */
static GAsyncResult *
await (Fixture *f)
{
  guint timeout = g_timeout_add (TIMEOUT_MS, timeout_cb, f);

  if (f->result == NULL)
    g_main_loop_run (f->loop);
  g_source_remove (timeout);
  return g_steal_pointer (&f->result);
}

/* Short ways to the state a test starts from. */

static TsUser *
sign_in (Fixture     *f,
         TsApiClient *client,
         const char  *email,
         const char  *password,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_api_client_sign_in_async (client, email, password, NULL, result_cb, f);
  result = await (f);
  return ts_api_client_sign_in_finish (client, result, error);
}

static TsApiClient *
new_client (Fixture    *f,
            const char *email,
            const char *password)
{
  g_autoptr(TsApiClient) client = ts_api_client_new (f->server->base_url, f->session);
  g_autoptr(GError) error = NULL;
  g_autoptr(TsUser) user = sign_in (f, client, email, password, &error);

  g_assert_no_error (error);
  g_assert_nonnull (user);
  return g_steal_pointer (&client);
}

static TsProjectPatch *
project_settings (const char *name)
{
  TsProjectPatch *settings = g_new0 (TsProjectPatch, 1);

  settings->fields = TS_PROJECT_FIELD_NAME;
  settings->values = ts_project_new ();
  ts_project_set_name (settings->values, name);
  return settings;
}

static gint64
create_project (Fixture    *f,
                const char *name)
{
  g_autoptr(TsProjectPatch) settings = project_settings (name);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsProject) project = NULL;

  ts_api_client_create_project_async (f->client, settings, NULL, NULL, result_cb, f);
  result = await (f);
  project = ts_api_client_create_project_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ts_project_get_name (project), ==, name);
  return ts_project_get_id (project);
}

static TsStoryPatch *
story_values (const char *title)
{
  TsStoryPatch *values = ts_story_patch_new ();

  values->fields = TS_STORY_FIELD_TITLE;
  ts_story_set_title (values->values, title);
  return values;
}

static TsStory *
create_story_full (Fixture             *f,
                   TsStoryPatch        *values,
                   const TsMoveRequest *placement,
                   const char          *idempotency_key,
                   GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_api_client_create_story_async (f->client, f->project_id, values, placement, idempotency_key,
                                    NULL, result_cb, f);
  result = await (f);
  return ts_api_client_create_story_finish (f->client, result, error);
}

static TsStory *
create_story (Fixture    *f,
              const char *title)
{
  g_autoptr(TsStoryPatch) values = story_values (title);
  g_autoptr(GError) error = NULL;
  TsStory *story = create_story_full (f, values, NULL, NULL, &error);

  g_assert_no_error (error);
  return story;
}

static GPtrArray *
list_stories (Fixture *f,
              gint64  *out_version)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *stories;

  ts_api_client_list_stories_async (f->client, f->project_id, NULL, result_cb, f);
  result = await (f);
  stories = ts_api_client_list_stories_finish (f->client, result, out_version, &error);
  g_assert_no_error (error);
  return stories;
}

static TsUser *
get_me (Fixture  *f,
        GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_api_client_get_me_async (f->client, NULL, result_cb, f);
  result = await (f);
  return ts_api_client_get_me_finish (f->client, result, error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = test_server_start (data != NULL ? data : app_args);
  f->session = soup_session_new_with_options ("timeout", 10, NULL);
  f->loop = g_main_loop_new (NULL, FALSE);
  g_assert_true (test_server_add_user (f->server, "ada@example.org", "Ada Lovelace", "analytical"));
  g_assert_true (test_server_add_user (f->server, "bob@example.org", "Bob Noyce", "integrated"));
  f->client = new_client (f, "ada@example.org", "analytical");
  f->project_id = create_project (f, "Gemini");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->client);
  g_clear_object (&f->session);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (f->loop);
  test_server_stop (f->server);
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

/* Signing in keeps the token; a wrong password is UNAUTHORIZED with the
 * server's message; signing out revokes the token and forgets it. Only a
 * refused token (not a refused password) is TsApiClient::unauthorized. */
static void
test_session (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TsApiClient) other = ts_api_client_new (f->server->base_url, f->session);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsUser) user = NULL;
  g_autoptr(TsUser) me = NULL;
  g_autofree char *token = NULL;
  guint refused = 0;

  g_signal_connect (other, "unauthorized", G_CALLBACK (count_cb), &refused);
  user = sign_in (f, other, "bob@example.org", "wrong password", &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED);
  g_assert_null (user);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_null (strstr (error->message, "401"));
  g_assert_null (ts_api_client_get_token (other));
  g_assert_cmpuint (refused, ==, 0);
  g_clear_error (&error);

  user = sign_in (f, other, "bob@example.org", "integrated", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ts_user_get_name (user), ==, "Bob Noyce");
  g_assert_nonnull (ts_api_client_get_token (other));
  token = g_strdup (ts_api_client_get_token (other));

  me = get_me (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ts_user_get_email (me), ==, "ada@example.org");

  ts_api_client_sign_out_async (other, NULL, result_cb, f);
  result = await (f);
  g_assert_true (ts_api_client_sign_out_finish (other, result, &error));
  g_assert_no_error (error);
  g_assert_null (ts_api_client_get_token (other));
  g_clear_object (&result);

  /* The revoked token is refused. */
  ts_api_client_set_token (other, token);
  ts_api_client_get_me_async (other, NULL, result_cb, f);
  result = await (f);
  g_clear_object (&user);
  user = ts_api_client_get_me_finish (other, result, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED);
  g_assert_null (user);
  g_assert_cmpuint (refused, ==, 1);
}

static void
test_bad_token (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsUser) me = NULL;

  ts_api_client_set_token (f->client, "not-a-token");
  me = get_me (f, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED);
  g_assert_null (me);
}

/* Projects: list, get, change, iteration overrides, delete. */
static void
test_projects (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TsProjectPatch) patch = project_settings ("Apollo");
  TsIterationOverride override = { 3, 0.5, 2 };
  g_autoptr(TsIterationOverride) kept = NULL;
  g_autoptr(TsIterationOverride) cleared = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(TsProject) project = NULL;
  gint64 version = 0;

  ts_api_client_list_projects_async (f->client, NULL, result_cb, f);
  result = await (f);
  projects = ts_api_client_list_projects_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (projects->len, ==, 1);
  g_assert_cmpint (ts_project_get_id (g_ptr_array_index (projects, 0)), ==, f->project_id);
  g_clear_object (&result);

  ts_api_client_update_project_async (f->client, f->project_id, patch, NULL, result_cb, f);
  result = await (f);
  project = ts_api_client_update_project_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ts_project_get_name (project), ==, "Apollo");
  g_assert_cmpint (ts_project_get_version (project), ==, 1);
  g_clear_object (&result);
  g_clear_object (&project);

  ts_api_client_set_iteration_async (f->client, f->project_id, &override, NULL, result_cb, f);
  result = await (f);
  kept = ts_api_client_set_iteration_finish (f->client, result, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->number, ==, 3);
  g_assert_cmpfloat (kept->team_strength, ==, 0.5);
  g_assert_cmpuint (kept->length, ==, 2);
  g_assert_cmpint (version, ==, 2);
  g_clear_object (&result);

  ts_api_client_get_project_async (f->client, f->project_id, NULL, result_cb, f);
  result = await (f);
  project = ts_api_client_get_project_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ts_project_get_team_strength (project, 3), ==, 0.5);
  g_clear_object (&result);

  ts_api_client_clear_iteration_async (f->client, f->project_id, 3, NULL, result_cb, f);
  result = await (f);
  cleared = ts_api_client_clear_iteration_finish (f->client, result, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (cleared->team_strength, ==, 1.0);
  g_assert_cmpuint (cleared->length, ==, 0);
  g_assert_cmpint (version, ==, 3);
  g_clear_object (&result);

  ts_api_client_delete_project_async (f->client, f->project_id, NULL, result_cb, f);
  result = await (f);
  g_assert_true (ts_api_client_delete_project_finish (f->client, result, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 4);
  g_clear_object (&result);
  g_clear_object (&project);

  ts_api_client_get_project_async (f->client, f->project_id, NULL, result_cb, f);
  result = await (f);
  project = ts_api_client_get_project_finish (f->client, result, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND);
  g_assert_null (project);
}

/* Somebody else's project is answered as one that does not exist, and
 * its channel is refused. */
static void
test_non_member (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TsApiClient) bob = new_client (f, "bob@example.org", "integrated");
  g_autoptr(Client) socket = client_open_pusher (f->session, f->server->port, KEY);
  g_autofree char *channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, f->project_id);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stories = NULL;
  g_autofree char *auth = NULL;

  ts_api_client_list_stories_async (bob, f->project_id, NULL, result_cb, f);
  result = await (f);
  stories = ts_api_client_list_stories_finish (bob, result, NULL, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND);
  g_assert_null (stories);
  g_clear_error (&error);
  g_clear_object (&result);

  ts_api_client_authorize_channel_async (bob, socket->socket_id, channel, NULL, result_cb, f);
  result = await (f);
  auth = ts_api_client_authorize_channel_finish (bob, result, NULL, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_FORBIDDEN);
  g_assert_null (auth);
}

/* A create retried with the same Idempotency-Key makes one story. */
static void
test_create_idempotent (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(TsStoryPatch) values = story_values ("Rendezvous");
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) first = NULL;
  g_autoptr(TsStory) again = NULL;
  g_autoptr(GPtrArray) stories = NULL;
  gint64 version = 0;

  values->fields |= TS_STORY_FIELD_ESTIMATE | TS_STORY_FIELD_LABELS;
  ts_story_set_estimate (values->values, 2);
  ts_story_set_labels (values->values, (const char * const[]) { "orbit", NULL });
  first = create_story_full (f, values, NULL, key, &error);
  g_assert_no_error (error);
  again = create_story_full (f, values, NULL, key, &error);
  g_assert_no_error (error);

  g_assert_cmpint (ts_story_get_id (again), ==, ts_story_get_id (first));
  g_assert_true (ts_story_equal (first, again));
  g_assert_cmpint (ts_story_get_estimate (first), ==, 2);
  g_assert_cmpstr (ts_story_get_labels (first)[0], ==, "orbit");

  stories = list_stories (f, &version);
  g_assert_cmpuint (stories->len, ==, 1);
  g_assert_cmpint (version, ==, 1);
  g_assert_true (ts_story_equal (g_ptr_array_index (stories, 0), first));
}

/* A patch from an old base version that changes a field someone else
 * changed is a CONFLICT carrying the current story and the field. */
static void
test_update_conflict (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TsStory) story = create_story (f, "Dock");
  g_autoptr(TsStoryPatch) mine = story_values ("Dock with Agena");
  g_autoptr(TsStoryPatch) theirs = story_values ("Dock twice");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) updated = NULL;
  g_autoptr(TsStory) current = NULL;
  g_autoptr(TsStory) refused = NULL;
  TsStoryFields conflicts = TS_STORY_FIELDS_ALL;

  mine->has_base_version = theirs->has_base_version = TRUE;
  mine->base_version = theirs->base_version = ts_story_get_version (story);

  ts_api_client_update_story_async (f->client, f->project_id, ts_story_get_id (story), mine,
                                    NULL, result_cb, f);
  result = await (f);
  updated = ts_api_client_update_story_finish (f->client, result, &current, &conflicts, &error);
  g_assert_no_error (error);
  g_assert_null (current);
  g_assert_cmpint (conflicts, ==, TS_STORY_FIELD_NONE);
  g_assert_cmpstr (ts_story_get_title (updated), ==, "Dock with Agena");
  g_assert_cmpint (ts_story_get_version (updated), >, ts_story_get_version (story));
  g_clear_object (&result);

  ts_api_client_update_story_async (f->client, f->project_id, ts_story_get_id (story), theirs,
                                    NULL, result_cb, f);
  result = await (f);
  refused = ts_api_client_update_story_finish (f->client, result, &current, &conflicts, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_CONFLICT);
  g_assert_null (refused);
  g_assert_nonnull (current);
  g_assert_true (ts_story_equal (current, updated));
  g_assert_cmpint (conflicts, ==, TS_STORY_FIELD_TITLE);
  g_clear_object (&result);
  g_clear_error (&error);

  /* Based on the current version, the same change applies. */
  theirs->base_version = ts_story_get_version (current);
  g_clear_object (&updated);
  ts_api_client_update_story_async (f->client, f->project_id, ts_story_get_id (story), theirs,
                                    NULL, result_cb, f);
  result = await (f);
  updated = ts_api_client_update_story_finish (f->client, result, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ts_story_get_title (updated), ==, "Dock twice");
}

/* An estimate off the point scale is INVALID with the server's message. */
static void
test_invalid (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TsStoryPatch) values = story_values ("Spacewalk");
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GPtrArray) stories = NULL;

  values->fields |= TS_STORY_FIELD_ESTIMATE;
  ts_story_set_estimate (values->values, 4);
  story = create_story_full (f, values, NULL, NULL, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_INVALID);
  g_assert_null (story);
  g_assert_nonnull (strstr (error->message, "estimate"));

  stories = list_stories (f, NULL);
  g_assert_cmpuint (stories->len, ==, 0);
}

static void
assert_titles (GPtrArray  *stories,
               const char *expected)
{
  g_autoptr(GString) titles = g_string_new (NULL);

  for (guint i = 0; i < stories->len; i++)
    g_string_append_printf (titles, "%s%s", i > 0 ? " " : "",
                            ts_story_get_title (g_ptr_array_index (stories, i)));
  g_assert_cmpstr (titles->str, ==, expected);
}

/* Placement on create, a move, and a delete. */
static void
test_move_and_delete (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(TsStory) a = create_story (f, "A");
  g_autoptr(TsStory) b = create_story (f, "B");
  g_autoptr(TsStoryPatch) values = story_values ("C");
  TsMoveRequest placement = { .before_id = ts_story_get_id (a) };
  TsMoveRequest move = { .after_id = ts_story_get_id (b) };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) c = NULL;
  g_autoptr(TsStory) moved = NULL;
  g_autoptr(TsStory) gone = NULL;
  g_autoptr(GPtrArray) stories = NULL;
  gint64 version = 0;

  c = create_story_full (f, values, &placement, NULL, &error);
  g_assert_no_error (error);
  stories = list_stories (f, NULL);
  assert_titles (stories, "C A B");
  g_clear_pointer (&stories, g_ptr_array_unref);

  ts_api_client_move_story_async (f->client, f->project_id, ts_story_get_id (a), &move,
                                  "move-once", NULL, result_cb, f);
  result = await (f);
  moved = ts_api_client_move_story_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ts_story_get_version (moved), ==, 4);
  stories = list_stories (f, NULL);
  assert_titles (stories, "C B A");
  g_clear_pointer (&stories, g_ptr_array_unref);
  g_clear_object (&result);
  g_clear_object (&moved);

  /* Sent again with its key (its answer lost): the first answer, no new
   * version (the delete below is still version 5). */
  ts_api_client_move_story_async (f->client, f->project_id, ts_story_get_id (a), &move,
                                  "move-once", NULL, result_cb, f);
  result = await (f);
  moved = ts_api_client_move_story_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ts_story_get_version (moved), ==, 4);
  g_clear_object (&result);

  ts_api_client_delete_story_async (f->client, f->project_id, ts_story_get_id (b), NULL, result_cb, f);
  result = await (f);
  g_assert_true (ts_api_client_delete_story_finish (f->client, result, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 5);
  g_clear_object (&result);

  ts_api_client_get_story_async (f->client, f->project_id, ts_story_get_id (b), NULL, result_cb, f);
  result = await (f);
  gone = ts_api_client_get_story_finish (f->client, result, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND);
  g_assert_null (gone);
  stories = list_stories (f, &version);
  assert_titles (stories, "C A");
  g_assert_cmpint (version, ==, 5);
}

static GPtrArray *
list_comments (Fixture *f,
               gint64   story_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *comments;

  ts_api_client_list_comments_async (f->client, f->project_id, story_id, NULL, result_cb, f);
  result = await (f);
  comments = ts_api_client_list_comments_finish (f->client, result, &error);
  g_assert_no_error (error);
  return comments;
}

static void
test_comments (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TsStory) story = create_story (f, "Splashdown");
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsComment) comment = NULL;
  g_autoptr(GPtrArray) on_story = NULL;
  g_autoptr(GPtrArray) in_project = NULL;
  g_autoptr(GPtrArray) after = NULL;
  gint64 version = 0;

  ts_api_client_add_comment_async (f->client, f->project_id, ts_story_get_id (story), "In the Atlantic",
                                   key, NULL, result_cb, f);
  result = await (f);
  comment = ts_api_client_add_comment_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ts_comment_get_text (comment), ==, "In the Atlantic");
  g_assert_cmpint (ts_comment_get_story_id (comment), ==, ts_story_get_id (story));
  g_clear_object (&result);

  on_story = list_comments (f, ts_story_get_id (story));
  in_project = list_comments (f, 0);
  g_assert_cmpuint (on_story->len, ==, 1);
  g_assert_cmpuint (in_project->len, ==, 1);
  g_assert_cmpint (ts_comment_get_id (g_ptr_array_index (in_project, 0)), ==,
                   ts_comment_get_id (comment));

  ts_api_client_delete_comment_async (f->client, f->project_id, ts_story_get_id (story),
                                      ts_comment_get_id (comment), NULL, result_cb, f);
  result = await (f);
  g_assert_true (ts_api_client_delete_comment_finish (f->client, result, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 3);
  after = list_comments (f, ts_story_get_id (story));
  g_assert_cmpuint (after->len, ==, 0);
}

static GPtrArray *
list_members (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *members;

  ts_api_client_list_members_async (f->client, f->project_id, NULL, result_cb, f);
  result = await (f);
  members = ts_api_client_list_members_finish (f->client, result, &error);
  g_assert_no_error (error);
  return members;
}

static void
test_members (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsUser) bob = NULL;
  g_autoptr(TsUser) nobody = NULL;
  g_autoptr(GPtrArray) before = list_members (f);
  g_autoptr(GPtrArray) with_bob = NULL;
  g_autoptr(GPtrArray) after = NULL;

  g_assert_cmpuint (before->len, ==, 1);

  ts_api_client_add_member_async (f->client, f->project_id, "bob@example.org", NULL, result_cb, f);
  result = await (f);
  bob = ts_api_client_add_member_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ts_user_get_name (bob), ==, "Bob Noyce");
  with_bob = list_members (f);
  g_assert_cmpuint (with_bob->len, ==, 2);
  g_clear_object (&result);

  ts_api_client_add_member_async (f->client, f->project_id, "nobody@example.org", NULL, result_cb, f);
  result = await (f);
  nobody = ts_api_client_add_member_finish (f->client, result, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND);
  g_assert_null (nobody);
  g_clear_error (&error);
  g_clear_object (&result);

  ts_api_client_remove_member_async (f->client, f->project_id, ts_user_get_id (bob), NULL, result_cb, f);
  result = await (f);
  g_assert_true (ts_api_client_remove_member_finish (f->client, result, &error));
  g_assert_no_error (error);
  after = list_members (f);
  g_assert_cmpuint (after->len, ==, 1);
}

static GPtrArray *
list_changes (Fixture  *f,
              gint64    since,
              guint     limit,
              gint64   *out_version,
              gboolean *out_more,
              GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_api_client_list_changes_async (f->client, f->project_id, since, limit, NULL, result_cb, f);
  result = await (f);
  return ts_api_client_list_changes_finish (f->client, result, out_version, out_more, error);
}

static void
test_changes (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TsStory) first = create_story (f, "One");
  g_autoptr(TsStory) second = create_story (f, "Two");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) none = NULL;
  gint64 version = 0;
  gboolean more = TRUE;
  TsChange *change;

  all = list_changes (f, 0, 0, &version, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpint (version, ==, 2);
  g_assert_false (more);
  change = g_ptr_array_index (all, 1);
  g_assert_cmpint (change->kind, ==, TS_EVENT_STORIES_CREATE);
  g_assert_cmpint (change->version, ==, 2);
  g_assert_true (ts_story_equal (change->story, second));

  page = list_changes (f, 0, 1, &version, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_true (more);

  none = list_changes (f, 2, 0, &version, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_false (more);
}

/* Changes from before the kept history are GONE. */
static void
test_changes_gone (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *title = g_strdup_printf ("Story %u", i);
      g_autoptr(TsStory) story = create_story (f, title);
    }

  changes = list_changes (f, 0, 0, NULL, NULL, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_GONE);
  g_assert_null (changes);
  g_clear_error (&error);

  changes = list_changes (f, 3, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 2);
}

static void
test_plan (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(TsStoryPatch) values = story_values ("Launch");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) story = NULL;
  g_autoptr(JsonObject) plan = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  JsonArray *iterations;

  values->fields |= TS_STORY_FIELD_STATE | TS_STORY_FIELD_ESTIMATE;
  ts_story_set_state (values->values, TS_STORY_STATE_UNSTARTED);
  ts_story_set_estimate (values->values, 3);
  story = create_story_full (f, values, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Tomorrow: the project starts today, and a plan for a day after proves
   * the day is sent. */
  ts_api_client_get_plan_async (f->client, f->project_id, ts_day_today (utc) + 1, 7.5,
                                NULL, result_cb, f);
  result = await (f);
  plan = ts_api_client_get_plan_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (json_object_get_double_member (plan, "velocity"), ==, 7.5);
  iterations = json_object_get_array_member (plan, "iterations");
  g_assert_cmpuint (json_array_get_length (iterations), >=, 1);
  g_assert_cmpint (json_array_get_int_element (
                     json_object_get_array_member (json_array_get_object_element (iterations, 0),
                                                   "story_ids"), 0), ==, ts_story_get_id (story));
}

static char *
authorize (Fixture     *f,
           const char  *socket_id,
           const char  *channel,
           char       **out_channel_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *auth;

  ts_api_client_authorize_channel_async (f->client, socket_id, channel, NULL, result_cb, f);
  result = await (f);
  auth = ts_api_client_authorize_channel_finish (f->client, result, out_channel_data, &error);
  g_assert_no_error (error);
  return auth;
}

/* Where to connect, and channel authorization that the hub accepts. */
static void
test_realtime (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsRealtimeInfo) info = NULL;
  g_autoptr(TsRealtimeInfo) copy = NULL;
  g_autoptr(Client) socket = NULL;
  g_autofree char *private_channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, f->project_id);
  g_autofree char *presence_channel = g_strdup_printf ("presence-project-%" G_GINT64_FORMAT, f->project_id);
  g_autofree char *auth = NULL;
  g_autofree char *channel_data = NULL;
  g_autofree char *message = NULL;
  g_autoptr(JsonObject) answer = NULL;

  ts_api_client_get_realtime_async (f->client, NULL, result_cb, f);
  result = await (f);
  info = ts_api_client_get_realtime_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->driver, ==, "pusher");
  g_assert_cmpstr (info->key, ==, KEY);
  g_assert_cmpstr (info->ws_host, ==, "127.0.0.1");
  g_assert_cmpuint (info->ws_port, ==, f->server->port);
  g_assert_cmpstr (info->ws_path, ==, "");
  g_assert_false (info->tls);
  g_assert_cmpstr (info->auth_endpoint, ==, "/api/v1/realtime/auth");
  copy = ts_realtime_info_copy (info);
  g_assert_cmpstr (copy->key, ==, info->key);

  socket = client_open_pusher (f->session, info->ws_port, info->key);
  auth = authorize (f, socket->socket_id, private_channel, &channel_data);
  g_assert_true (g_str_has_prefix (auth, KEY ":"));
  g_assert_null (channel_data);
  message = subscribe_message (private_channel, auth, NULL);
  client_send (socket, message);
  answer = client_expect (socket, "pusher_internal:subscription_succeeded");
  g_clear_pointer (&auth, g_free);
  g_clear_pointer (&message, g_free);
  g_clear_pointer (&answer, json_object_unref);

  auth = authorize (f, socket->socket_id, presence_channel, &channel_data);
  g_assert_nonnull (channel_data);
  g_assert_nonnull (strstr (channel_data, "Ada Lovelace"));
  message = subscribe_message (presence_channel, auth, channel_data);
  client_send (socket, message);
  answer = client_expect (socket, "pusher_internal:subscription_succeeded");

  /* The auth endpoint GET /realtime names: a path on the API's host, or an
   * absolute URL; one that answers 404 is not the default in disguise. */
  {
    g_autofree char *absolute = g_strconcat (f->server->base_url, info->auth_endpoint, NULL);
    g_autofree char *by_path = NULL;
    g_autofree char *by_url = NULL;
    g_autoptr(GAsyncResult) refused = NULL;
    g_autofree char *none = NULL;

    ts_api_client_set_auth_endpoint (f->client, info->auth_endpoint);
    by_path = authorize (f, socket->socket_id, private_channel, NULL);
    g_assert_true (g_str_has_prefix (by_path, KEY ":"));
    ts_api_client_set_auth_endpoint (f->client, absolute);
    by_url = authorize (f, socket->socket_id, private_channel, NULL);
    g_assert_cmpstr (by_url, ==, by_path);

    ts_api_client_set_auth_endpoint (f->client, "/api/v1/no-such-endpoint");
    ts_api_client_authorize_channel_async (f->client, socket->socket_id, private_channel, NULL,
                                           result_cb, f);
    refused = await (f);
    none = ts_api_client_authorize_channel_finish (f->client, refused, NULL, &error);
    g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND);
    g_assert_null (none);
    ts_api_client_set_auth_endpoint (f->client, NULL);
  }
}

/* The socket named in X-Socket-ID does not get the event of the change;
 * another subscriber does. */
static void
test_socket_id (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Client) mine = client_open_pusher (f->session, f->server->port, KEY);
  g_autoptr(Client) other = client_open_pusher (f->session, f->server->port, KEY);
  g_autofree char *channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, f->project_id);
  g_autoptr(TsStory) story = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(JsonObject) payload = NULL;
  Client *sockets[] = { mine, other };

  for (guint i = 0; i < G_N_ELEMENTS (sockets); i++)
    {
      g_autofree char *auth = authorize (f, sockets[i]->socket_id, channel, NULL);
      g_autofree char *message = subscribe_message (channel, auth, NULL);
      g_autoptr(JsonObject) answer = NULL;

      client_send (sockets[i], message);
      answer = client_expect (sockets[i], "pusher_internal:subscription_succeeded");
    }

  ts_api_client_set_socket_id (f->client, mine->socket_id);
  g_assert_cmpstr (ts_api_client_get_socket_id (f->client), ==, mine->socket_id);
  story = create_story (f, "Quiet");

  event = client_expect (other, "stories-create");
  payload = message_data (event);
  g_assert_cmpint (json_object_get_int_member (payload, "version"), ==, ts_story_get_version (story));
  client_sync (mine);
}

/* With the server gone there is no answer: NETWORK, with the cause. */
static void
test_network (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsUser) me = NULL;

  test_server_kill (f->server);
  me = get_me (f, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NETWORK);
  g_assert_null (me);
  g_assert_cmpstr (error->message, !=, "");
}

/* A cancelled request says so, in G_IO_ERROR, as GIO callers expect. */
static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stories = NULL;

  ts_api_client_list_stories_async (f->client, f->project_id, cancellable, result_cb, f);
  g_cancellable_cancel (cancellable);
  result = await (f);
  stories = ts_api_client_list_stories_finish (f->client, result, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (stories);
}

/* Answers that are not what doc/api.md says, from a stand-in server: a body
 * that is no JSON, a story of the wrong shape, a proxy's 502 page, and a
 * status doc/api.md does not list. */
static void
serve_broken (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  if (g_str_has_suffix (path, "/me"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"id\": 1,", 9);
  else if (g_str_has_suffix (path, "/stories/1"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"id\": \"one\"}", 14);
  else if (g_str_has_suffix (path, "/projects"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<h1>Bad</h1>", 12);
      return;
    }
  else
    {
      soup_server_message_set_status (msg, 418, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static void
test_protocol (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SoupServer) stand_in = soup_server_new (NULL, NULL);
  g_autoptr(TsApiClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsUser) me = NULL;
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *base_url = NULL;

  soup_server_add_handler (stand_in, NULL, serve_broken, NULL, NULL);
  g_assert_true (soup_server_listen_local (stand_in, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (stand_in);
  base_url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  client = ts_api_client_new (base_url, f->session);

  ts_api_client_get_me_async (client, NULL, result_cb, f);
  result = await (f);
  me = ts_api_client_get_me_finish (client, result, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "GET /api/v1/me"));
  g_clear_error (&error);
  g_clear_object (&result);

  ts_api_client_get_story_async (client, 1, 1, NULL, result_cb, f);
  result = await (f);
  story = ts_api_client_get_story_finish (client, result, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_clear_object (&result);

  ts_api_client_list_projects_async (client, NULL, result_cb, f);
  result = await (f);
  projects = ts_api_client_list_projects_finish (client, result, &error);
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "502"));
  g_clear_error (&error);
  g_clear_object (&result);

  ts_api_client_get_realtime_async (client, NULL, result_cb, f);
  result = await (f);
  g_assert_null (ts_api_client_get_realtime_finish (client, result, &error));
  g_assert_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL);

  /* The result holds the client, as its source object. */
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&client));
}

/* The one mapping of statuses to codes, each with the server's message. */
static void
test_status_mapping (void)
{
  static const struct {
    guint status;
    TsSyncError code;
  } cases[] = {
    { 400, TS_SYNC_ERROR_INVALID },
    { 401, TS_SYNC_ERROR_UNAUTHORIZED },
    { 403, TS_SYNC_ERROR_FORBIDDEN },
    { 404, TS_SYNC_ERROR_NOT_FOUND },
    { 409, TS_SYNC_ERROR_CONFLICT },
    { 410, TS_SYNC_ERROR_GONE },
    { 413, TS_SYNC_ERROR_TOO_LARGE },
    { 422, TS_SYNC_ERROR_INVALID },
    { 429, TS_SYNC_ERROR_RATE_LIMITED },
    { 500, TS_SYNC_ERROR_SERVER },
    { 503, TS_SYNC_ERROR_SERVER },
    { 405, TS_SYNC_ERROR_PROTOCOL },
    { 302, TS_SYNC_ERROR_PROTOCOL },
  };
  const char *text = "{\"error\": {\"code\": \"x\", \"message\": \"Said the server\"}}";
  g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = ts_sync_error_new_for_status (cases[i].status, body);
      g_autoptr(GError) bare = ts_sync_error_new_for_status (cases[i].status, NULL);

      g_assert_error (error, TS_SYNC_ERROR, (int) cases[i].code);
      g_assert_cmpstr (error->message, ==, "Said the server");
      g_assert_error (bare, TS_SYNC_ERROR, (int) cases[i].code);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, args) \
  g_test_add ("/sync/api-client/" path, Fixture, args, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/sync/api-client/status-mapping", test_status_mapping);
  ADD ("session", test_session, NULL);
  ADD ("bad-token", test_bad_token, NULL);
  ADD ("projects", test_projects, NULL);
  ADD ("non-member", test_non_member, NULL);
  ADD ("create-idempotent", test_create_idempotent, NULL);
  ADD ("update-conflict", test_update_conflict, NULL);
  ADD ("invalid", test_invalid, NULL);
  ADD ("move-and-delete", test_move_and_delete, NULL);
  ADD ("comments", test_comments, NULL);
  ADD ("members", test_members, NULL);
  ADD ("changes", test_changes, NULL);
  ADD ("changes-gone", test_changes_gone, short_history_args);
  ADD ("plan", test_plan, NULL);
  ADD ("realtime", test_realtime, NULL);
  ADD ("socket-id", test_socket_id, NULL);
  ADD ("network", test_network, NULL);
  ADD ("cancelled", test_cancelled, NULL);
  ADD ("protocol", test_protocol, NULL);

#undef ADD

  return g_test_run ();
}
