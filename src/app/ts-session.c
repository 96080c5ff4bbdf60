/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-session"

#include "ts-session.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>

#include "ts-config.h"
#include "ts-json.h"
#include "ts-local-server.h"

/* A signed-in account: the REST client with its token, the user, and for a
 * local backlog the server this app runs. The three ways in (a local
 * backlog, a new sign-in to a team server, a team server's kept token) all
 * end in a TsSession, which the window shows.
 *
 * A local backlog's user, password and token are kept in a file of the
 * server's own data folder (0600 in a 0700 folder): whoever can read that
 * folder can read and change the whole database anyway, so a keyring would
 * protect nothing more, and could only stop the backlog from opening when
 * it is locked. A team server's token goes to the keyring (ts-credentials). */

#define LOCAL_GROUP "local-account"
#define LOCAL_CREDENTIALS "truestory-app.ini"
#define FIRST_PROJECT_NAME N_("My Backlog")

struct _TsSession
{
  GObject parent_instance;

  TsSessionKind kind;
  TsApiClient *client;
  TsUser *user;
  char *server_url;
  char *email;
  TsTokenStorage token_storage;
  TsLocalServer *local_server;
  TsRealtimeClient *realtime;
  TsLocalCopy *local_copy;    /* made on first use, once the user is known */
  TsOutbox *outbox;
  GCancellable *verifying;    /* the background GET /me of an account opened as kept */
  gboolean opened_as_kept;    /* before any answer of the server, as the kept user */
};

G_DEFINE_FINAL_TYPE (TsSession, ts_session, G_TYPE_OBJECT)

static void
ts_session_dispose (GObject *object)
{
  TsSession *self = TS_SESSION (object);

  ts_session_close (self);
  g_clear_object (&self->verifying);
  g_clear_object (&self->local_copy);
  g_clear_object (&self->outbox);
  g_clear_object (&self->realtime);
  g_clear_object (&self->client);
  g_clear_object (&self->user);

  G_OBJECT_CLASS (ts_session_parent_class)->dispose (object);
}

static void
ts_session_finalize (GObject *object)
{
  TsSession *self = TS_SESSION (object);

  g_free (self->server_url);
  g_free (self->email);

  G_OBJECT_CLASS (ts_session_parent_class)->finalize (object);
}

static void
ts_session_class_init (TsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_session_dispose;
  object_class->finalize = ts_session_finalize;
}

static void
ts_session_init (TsSession *self)
{
}

/**
 * ts_session_dup_local_data_dir:
 *
 * Returns: the data folder of the local backlog's server
 */
char *
ts_session_dup_local_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "truestory", "local", NULL);
}

/**
 * ts_session_normalize_url:
 * @text: what the person typed
 *
 * A server's address as the API client takes it: `https://` is added when
 * no scheme is given (`http://` for this machine), and a trailing slash is
 * dropped.
 *
 * Returns: (transfer full) (nullable): the URL, or %NULL with @error set
 */
char *
ts_session_normalize_url (const char  *text,
                          GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  gsize length;

  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the server’s address"));
      return NULL;
    }

  if (strstr (trimmed, "://") != NULL)
    with_scheme = g_strdup (trimmed);
  else if (g_str_has_prefix (trimmed, "localhost") || g_str_has_prefix (trimmed, "127."))
    with_scheme = g_strconcat ("http://", trimmed, NULL);
  else
    with_scheme = g_strconcat ("https://", trimmed, NULL);

  length = strlen (with_scheme);
  while (length > 0 && with_scheme[length - 1] == '/')
    with_scheme[--length] = '\0';

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address"), trimmed);
      return NULL;
    }

  return g_steal_pointer (&with_scheme);
}

static SoupSession *
new_soup_session (void)
{
  return soup_session_new_with_options ("timeout", 30,
                                        "user-agent", "TrueStory/" PACKAGE_VERSION,
                                        NULL);
}

static TsSession *
session_new (TsSessionKind  kind,
             const char    *server_url,
             const char    *email)
{
  TsSession *self = g_object_new (TS_TYPE_SESSION, NULL);
  g_autoptr(SoupSession) soup_session = NULL;

  self->kind = kind;
  self->email = g_strdup (email);
  if (server_url != NULL)
    {
      soup_session = new_soup_session ();
      self->server_url = g_strdup (server_url);
      self->client = ts_api_client_new (server_url, soup_session);
    }
  return self;
}

/* The flows share one task, its data the session being made. */
typedef struct {
  TsSession *session;
  char *password;
  char *credentials_path;
  GError *answer_error;       /* a server error, while the health probe runs */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->session);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data->credentials_path);
  g_clear_error (&data->answer_error);
  g_free (data);
}

static GTask *
open_task_new (TsSession           *session,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  g_task_set_source_tag (task, source_tag);
  data->session = session;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  return task;
}

/* The user of a team server account, kept in the cache so that the
 * account opens without the network (its projects then come from the
 * local copy): a file named by a hash of the server and the email, 0600
 * in the copies' 0700 folder. */
static char *
dup_account_path (TsSession *self)
{
  g_autofree char *identity = g_strdup_printf ("%s\n%s", self->server_url, self->email);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, identity, -1);
  g_autofree char *dir = ts_local_copy_dup_default_dir ();
  g_autofree char *name = g_strdup_printf ("account-%.32s.json", hash);

  return g_build_filename (dir, name, NULL);
}

static void
remember_user (TsSession *self)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  if (self->kind != TS_SESSION_KIND_SERVER || self->user == NULL)
    return;
  path = dup_account_path (self);
  dir = g_path_get_dirname (path);
  node = ts_user_to_json (self->user);
  json = ts_json_to_string (node);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("The account is not kept for opening offline: %s",
             error != NULL ? error->message : g_strerror (errno));
}

static TsUser *
recall_user (TsSession *self)
{
  g_autofree char *path = dup_account_path (self);
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  TsUser *user = NULL;

  if (g_file_get_contents (path, &json, NULL, &error) &&
      (object = ts_json_parse_object (json, -1, &error)) != NULL)
    user = ts_user_from_json (object, &error);
  if (user == NULL)
    g_debug ("No account kept for opening offline: %s", error->message);
  return user;
}

static void
return_session (GTask *task)
{
  OpenData *data = g_task_get_task_data (task);

  remember_user (data->session);
  g_task_return_pointer (task, g_steal_pointer (&data->session), g_object_unref);
}

/* The local backlog. */

static char *
random_password (void)
{
  guint8 bytes[24];
  char *text;

  /* getrandom(2) blocks only until the kernel's pool is first ready. */
  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("getrandom: %s", g_strerror (errno));
  text = g_base64_encode (bytes, sizeof bytes);
  memset (bytes, 0, sizeof bytes);
  return text;
}

static char *
local_email (void)
{
  g_autofree char *email = g_strdup_printf ("%s@localhost.localdomain", g_get_user_name ());

  if (!ts_email_is_plausible (email))
    return g_strdup ("me@localhost.localdomain");
  return g_steal_pointer (&email);
}

static char *
local_name (void)
{
  const char *name = g_get_real_name ();

  if (name == NULL || name[0] == '\0' || g_str_equal (name, "Unknown"))
    name = g_get_user_name ();
  return g_utf8_substring (name, 0, MIN (g_utf8_strlen (name, -1), 200));
}

static gboolean
save_local_credentials (OpenData  *data,
                        GError   **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  const char *token = ts_api_client_get_token (data->session->client);

  g_key_file_set_string (key_file, LOCAL_GROUP, "email", data->session->email);
  g_key_file_set_string (key_file, LOCAL_GROUP, "password", data->password);
  if (token != NULL)
    g_key_file_set_string (key_file, LOCAL_GROUP, "token", token);
  return ts_credentials_write_private_file (data->credentials_path, key_file, error);
}

static void
local_project_created_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TsProject) project = NULL;
  GError *error = NULL;

  project = ts_api_client_create_project_finish (TS_API_CLIENT (object), result, &error);
  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  return_session (task);
}

static void
local_projects_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(TsProjectPatch) settings = NULL;
  GError *error = NULL;

  projects = ts_api_client_list_projects_finish (TS_API_CLIENT (object), result, &error);
  if (projects == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (projects->len > 0)
    {
      return_session (task);
      return;
    }

  /* A local backlog always has a project to plan in. */
  settings = g_new0 (TsProjectPatch, 1);
  settings->fields = TS_PROJECT_FIELD_NAME;
  settings->values = ts_project_new ();
  ts_project_set_name (settings->values, _(FIRST_PROJECT_NAME));
  ts_api_client_create_project_async (TS_API_CLIENT (object), settings, NULL,
                                      cancellable, local_project_created_cb,
                                      g_steal_pointer (&task));
}

static void
local_signed_in (GTask *task)
{
  OpenData *data = g_task_get_task_data (task);

  ts_api_client_list_projects_async (data->session->client, g_task_get_cancellable (task),
                                     local_projects_cb, task);
}

static void
local_sign_in_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->session->user = ts_api_client_sign_in_finish (TS_API_CLIENT (object), result, &error);
  if (data->session->user == NULL || !save_local_credentials (data, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  local_signed_in (g_steal_pointer (&task));
}

static void
local_sign_in (GTask *task)
{
  OpenData *data = g_task_get_task_data (task);

  ts_api_client_sign_in_async (data->session->client, data->session->email, data->password,
                               g_task_get_cancellable (task), local_sign_in_cb, task);
}

static void
local_me_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->session->user = ts_api_client_get_me_finish (TS_API_CLIENT (object), result, &error);
  if (data->session->user != NULL)
    {
      local_signed_in (g_steal_pointer (&task));
      return;
    }
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED))
    {
      /* The kept token was revoked: sign in again with the password. */
      g_clear_error (&error);
      local_sign_in (g_steal_pointer (&task));
      return;
    }
  g_task_return_error (task, error);
}

static void
local_user_added_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!ts_local_server_add_user_finish (TS_LOCAL_SERVER (object), result, &error))
    {
      /* Without the user the kept password is of no use; the next try
       * makes both again. */
      g_unlink (data->credentials_path);
      g_task_return_error (task, error);
      return;
    }
  local_sign_in (g_steal_pointer (&task));
}

static void
local_started_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  OpenData *data = g_task_get_task_data (task);
  TsLocalServer *server = TS_LOCAL_SERVER (object);
  TsSession *session = data->session;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(SoupSession) soup_session = NULL;
  g_autofree char *token = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;

  if (!ts_local_server_start_finish (server, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  soup_session = new_soup_session ();
  session->server_url = g_strdup (ts_local_server_get_base_url (server));
  session->client = ts_api_client_new (session->server_url, soup_session);

  if (g_key_file_load_from_file (key_file, data->credentials_path, G_KEY_FILE_NONE, NULL))
    {
      session->email = g_key_file_get_string (key_file, LOCAL_GROUP, "email", NULL);
      data->password = g_key_file_get_string (key_file, LOCAL_GROUP, "password", NULL);
      token = g_key_file_get_string (key_file, LOCAL_GROUP, "token", NULL);
    }

  if (session->email != NULL && data->password != NULL)
    {
      if (token != NULL)
        {
          ts_api_client_set_token (session->client, token);
          ts_api_client_get_me_async (session->client, cancellable,
                                      local_me_cb, g_steal_pointer (&task));
        }
      else
        local_sign_in (g_steal_pointer (&task));
      return;
    }

  /* The first run: the local user, with a password nobody needs to know. */
  g_free (session->email);
  session->email = local_email ();
  g_free (data->password);
  data->password = random_password ();
  if (!save_local_credentials (data, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  name = local_name ();
  ts_local_server_add_user_async (server, session->email, name, data->password,
                                  cancellable, local_user_added_cb,
                                  g_steal_pointer (&task));
}

/**
 * ts_session_open_local_async:
 *
 * Starts the bundled server on the local backlog's data folder, makes its
 * user on the first run, signs in, and makes a first project when there is
 * none.
 */
void
ts_session_open_local_async (GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *program = ts_local_server_find_program ();
  g_autofree char *data_dir = ts_session_dup_local_data_dir ();
  TsSession *session = session_new (TS_SESSION_KIND_LOCAL, NULL, NULL);
  GTask *task = open_task_new (session, cancellable, callback, user_data,
                               ts_session_open_local_async);
  OpenData *data = g_task_get_task_data (task);

  data->credentials_path = g_build_filename (data_dir, LOCAL_CREDENTIALS, NULL);
  session->local_server = ts_local_server_new (program, data_dir);
  ts_local_server_start_async (session->local_server, cancellable, local_started_cb, task);
}

/* A team server. */

static void
token_stored_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->session->token_storage = ts_credentials_store_token_finish (result, &error);
  if (data->session->token_storage == TS_TOKEN_STORAGE_NONE)
    {
      g_task_return_error (task, error);
      return;
    }
  return_session (task);
}

/* Whether a server that answered with a 5xx, a 404 or something api.md
 * does not list is a TrueStory server at all.
 *
 * A web server that is not TrueStory (a plain site, another service) may
 * answer the sign-in with 501 Not Implemented or some other 5xx, which the
 * sync library rightly reads as "the server failed, try later", or with a
 * 404. Its
 * `GET /api/v1/health` tells the two apart: TrueStory answers 200
 * `{"status":"ok"}`; a gateway's 502, 503 or 504 still means "try later"
 * (TrueStory behind a proxy, down for now); anything else means that the
 * address is not a TrueStory server, which the task then says as
 * TS_SYNC_ERROR_PROTOCOL. */
static gboolean
answers_as_truestory (SoupMessage *message,
                      GBytes      *body)
{
  guint status = soup_message_get_status (message);
  g_autoptr(JsonObject) object = NULL;
  JsonNode *member;
  gsize size = 0;
  const char *data;

  if (status == SOUP_STATUS_BAD_GATEWAY || status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
      status == SOUP_STATUS_GATEWAY_TIMEOUT)
    return TRUE;
  if (status != SOUP_STATUS_OK || body == NULL)
    return FALSE;
  data = g_bytes_get_data (body, &size);
  if (size == 0 || (object = ts_json_parse_object (data, size, NULL)) == NULL)
    return FALSE;
  member = json_object_get_member (object, "status");
  return member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
         json_node_get_value_type (member) == G_TYPE_STRING &&
         g_strcmp0 (json_node_get_string (member), "ok") == 0;
}

static void
health_probed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (body != NULL && !answers_as_truestory (message, body))
    {
      g_message ("%s answered “%s”, and %u to GET /api/v1/health", data->session->server_url,
                 data->answer_error->message, soup_message_get_status (message));
      g_task_return_new_error (task, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL,
                               _("%s is not a TrueStory server"), data->session->server_url);
    }
  else
    g_task_return_error (task, g_steal_pointer (&data->answer_error));
}

/* Returns @error from the task, or, when it is a server error, first asks
 * whether the address is a TrueStory server at all. */
static void
return_answer_error (GTask  *task,
                     GError *error)
{
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(SoupSession) soup_session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;

  if (!g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_SERVER) &&
      !g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND) &&
      !g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL))
    {
      g_task_return_error (task, error);
      return;
    }
  data->answer_error = error;
  url = g_strconcat (data->session->server_url, "/api/v1/health", NULL);
  message = soup_message_new (SOUP_METHOD_GET, url);
  soup_session = new_soup_session ();
  soup_session_send_and_read_async (soup_session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), health_probed_cb,
                                    g_object_ref (task));
}

static void
connect_sign_in_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  OpenData *data = g_task_get_task_data (task);
  TsSession *session = data->session;
  GError *error = NULL;

  session->user = ts_api_client_sign_in_finish (TS_API_CLIENT (object), result, &error);
  if (session->user == NULL)
    {
      return_answer_error (task, error);
      return;
    }
  ts_credentials_store_token_async (session->server_url, session->email,
                                    ts_api_client_get_token (session->client),
                                    cancellable, token_stored_cb,
                                    g_steal_pointer (&task));
}

/**
 * ts_session_connect_async:
 * @server_url: a URL as ts_session_normalize_url() makes it
 *
 * Signs in to a team server and keeps the token (ts-credentials).
 */
void
ts_session_connect_async (const char          *server_url,
                          const char          *email,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TsSession *session;
  GTask *task;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);

  session = session_new (TS_SESSION_KIND_SERVER, server_url, email);
  task = open_task_new (session, cancellable, callback, user_data, ts_session_connect_async);
  ts_api_client_sign_in_async (session->client, email, password, cancellable,
                               connect_sign_in_cb, task);
}

static void
restore_me_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->session->user = ts_api_client_get_me_finish (TS_API_CLIENT (object), result, &error);
  /* The server cannot be reached: the account opens as last known, from
   * its local copy, and its realtime connection comes back by itself. */
  if (data->session->user == NULL && g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NETWORK))
    {
      data->session->user = recall_user (data->session);
      data->session->opened_as_kept = data->session->user != NULL;
      if (data->session->user != NULL)
        {
          g_message ("%s cannot be reached (%s): opening from the local copy",
                     data->session->server_url, error->message);
          g_clear_error (&error);
        }
    }
  if (data->session->user == NULL)
    {
      return_answer_error (task, error);
      return;
    }
  return_session (task);
}

static void
verified_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TsSession) self = user_data;
  g_autoptr(TsUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = ts_api_client_get_me_finish (TS_API_CLIENT (object), result, &error);
  if (user != NULL)
    {
      /* Its name may have changed since it was kept. */
      g_set_object (&self->user, user);
      remember_user (self);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* A refusal has already made the client emit ::unauthorized, which
     * the window answers with its sign-in prompt; a server that cannot
     * be reached is waited for by the realtime client. */
    g_debug ("The kept token was not verified: %s", error->message);
}

/* The account was opened as kept: its token is checked behind. */
static void
verify_token (TsSession *self)
{
  g_clear_object (&self->verifying);
  self->verifying = g_cancellable_new ();
  ts_api_client_get_me_async (self->client, self->verifying, verified_cb, g_object_ref (self));
}

static void
restore_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  OpenData *data = g_task_get_task_data (task);
  TsSession *session = data->session;
  g_autofree char *token = NULL;
  GError *error = NULL;

  token = ts_credentials_lookup_token_finish (result, &session->token_storage, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (token == NULL)
    {
      g_task_return_new_error (task, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED,
                               _("Sign in to %s again"), session->server_url);
      return;
    }
  ts_api_client_set_token (session->client, token);
  /* An account opened here before opens at once, as kept, from its local
   * copy: a server that is slow or silent does not hold the launch. */
  session->user = recall_user (session);
  if (session->user != NULL)
    {
      session->opened_as_kept = TRUE;
      verify_token (session);
      g_task_return_pointer (task, g_steal_pointer (&data->session), g_object_unref);
      return;
    }
  ts_api_client_get_me_async (session->client, cancellable, restore_me_cb,
                              g_steal_pointer (&task));
}

/**
 * ts_session_restore_async:
 *
 * Opens a team server with the kept token. An account opened here before
 * opens at once as its kept user, and the token is checked behind: a
 * refusal then makes the client emit TsApiClient::unauthorized. Otherwise
 * the server is asked who the token is; without a token, or when the
 * server refuses it, the task fails with %TS_SYNC_ERROR_UNAUTHORIZED and
 * the person signs in again.
 */
void
ts_session_restore_async (const char          *server_url,
                          const char          *email,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TsSession *session;
  GTask *task;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (email != NULL);

  session = session_new (TS_SESSION_KIND_SERVER, server_url, email);
  task = open_task_new (session, cancellable, callback, user_data, ts_session_restore_async);
  ts_credentials_lookup_token_async (server_url, email, cancellable, restore_lookup_cb, task);
}

/**
 * ts_session_open_finish:
 *
 * Returns: (transfer full): the signed-in session
 */
TsSession *
ts_session_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

TsSessionKind
ts_session_get_kind (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), TS_SESSION_KIND_LOCAL);

  return self->kind;
}

TsApiClient *
ts_session_get_client (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), NULL);

  return self->client;
}

TsUser *
ts_session_get_user (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), NULL);

  return self->user;
}

const char *
ts_session_get_server_url (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), NULL);

  return self->server_url;
}

const char *
ts_session_get_email (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), NULL);

  return self->email;
}

/**
 * ts_session_opened_as_kept:
 *
 * Whether the session opened as the user kept on this machine, before any
 * answer of the server (which may be slow, silent or away): its projects
 * are then shown from the local copy first.
 */
gboolean
ts_session_opened_as_kept (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), FALSE);

  return self->opened_as_kept;
}

TsTokenStorage
ts_session_get_token_storage (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), TS_TOKEN_STORAGE_NONE);

  return self->token_storage;
}

/* Connected: the server's Pusher key is known, and a copy made from a
 * server with another key (reinstalled at the same address) is emptied. */
static void
realtime_state_cb (TsSession *self)
{
  const char *key = ts_realtime_client_get_key (self->realtime);

  if (ts_realtime_client_get_state (self->realtime) == TS_REALTIME_STATE_CONNECTED &&
      key != NULL && ts_session_get_local_copy (self) != NULL)
    ts_local_copy_set_realtime_key (self->local_copy, key);
}

/**
 * ts_session_get_realtime:
 *
 * The one realtime connection of the signed-in account, shared by every
 * open project. It is made and started on first use (after sign-in) and
 * stopped by sign-out and ts_session_close().
 *
 * Returns: (transfer none): the realtime client
 */
TsRealtimeClient *
ts_session_get_realtime (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), NULL);

  if (self->realtime == NULL)
    {
      self->realtime = ts_realtime_client_new (self->client);
      g_signal_connect_object (self->realtime, "notify::state", G_CALLBACK (realtime_state_cb),
                               self, G_CONNECT_SWAPPED);
      ts_realtime_client_start (self->realtime);
    }
  return self->realtime;
}

/* What names the account in its copy and outbox: the server's address,
 * or for a local backlog (whose server listens on a new port each run)
 * its data folder. */
static char *
dup_identity_url (TsSession *self)
{
  g_autofree char *dir = NULL;

  if (self->kind == TS_SESSION_KIND_SERVER)
    return g_strdup (self->server_url);
  dir = ts_session_dup_local_data_dir ();
  return g_filename_to_uri (dir, NULL, NULL);
}

/**
 * ts_session_get_local_copy:
 *
 * The account's copy of the projects it opened, in the cache
 * (src/DESIGN.md, *Local copy*).
 *
 * Returns: (transfer none) (nullable): the copy; %NULL before the user is
 *   known
 */
TsLocalCopy *
ts_session_get_local_copy (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), NULL);

  if (self->local_copy == NULL && self->user != NULL)
    {
      g_autofree char *dir = ts_local_copy_dup_default_dir ();
      g_autofree char *url = dup_identity_url (self);

      self->local_copy = ts_local_copy_new (dir, url, ts_user_get_id (self->user));
    }
  return self->local_copy;
}

/**
 * ts_session_get_outbox:
 *
 * The account's edits not answered yet, in the data folder (src/DESIGN.md,
 * *Outbox*).
 *
 * Returns: (transfer none) (nullable): the outbox; %NULL before the user
 *   is known, or when it cannot be opened (said in the log: edits then
 *   live in memory only, as before there was an outbox)
 */
TsOutbox *
ts_session_get_outbox (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), NULL);

  if (self->outbox == NULL && self->user != NULL)
    {
      g_autofree char *dir = ts_outbox_dup_default_dir ();
      g_autofree char *url = dup_identity_url (self);
      g_autofree char *path = ts_outbox_dup_path (dir, url, ts_user_get_id (self->user));
      g_autoptr(GError) error = NULL;

      self->outbox = ts_outbox_new (path, &error);
      if (self->outbox == NULL)
        g_warning ("Edits will not be kept across launches: %s", error->message);
    }
  return self->outbox;
}

/**
 * ts_session_get_n_unsent:
 *
 * Returns: how many edits of the account wait in its outbox
 */
guint
ts_session_get_n_unsent (TsSession *self)
{
  g_return_val_if_fail (TS_IS_SESSION (self), 0);

  return ts_session_get_outbox (self) != NULL ? ts_outbox_count (self->outbox, 0) : 0;
}

/* Signing out forgets the account on this machine: its copy, and its
 * outbox (the window asked first when edits were waiting). */
static void
forget_account (TsSession *self)
{
  g_autofree char *account = self->kind == TS_SESSION_KIND_SERVER ? dup_account_path (self) : NULL;

  if (account != NULL)
    g_unlink (account);
  if (ts_session_get_local_copy (self) != NULL)
    ts_local_copy_delete (self->local_copy);
  if (ts_session_get_outbox (self) != NULL)
    ts_outbox_delete (self->outbox);
}

static void
token_cleared_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  ts_credentials_clear_token_finish (result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TsSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* The token is forgotten even when the server could not revoke it. */
  if (!ts_api_client_sign_out_finish (TS_API_CLIENT (object), result, &error))
    g_message ("The server did not revoke the token: %s", error->message);
  ts_credentials_clear_token_async (self->server_url, self->email, NULL, token_cleared_cb,
                                    g_steal_pointer (&task));
}

/**
 * ts_session_sign_out_async:
 *
 * For a team server, revokes the token and forgets it. A local backlog
 * keeps its user and data, to be opened again from the welcome page.
 * Either way the account's local copy and outbox are deleted.
 */
void
ts_session_sign_out_async (TsSession           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TS_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_session_sign_out_async);

  if (self->realtime != NULL)
    ts_realtime_client_stop (self->realtime);
  forget_account (self);

  if (self->kind == TS_SESSION_KIND_LOCAL)
    {
      ts_session_close (self);
      g_task_return_boolean (task, TRUE);
      return;
    }
  ts_api_client_sign_out_async (self->client, cancellable, signed_out_cb, g_steal_pointer (&task));
}

gboolean
ts_session_sign_out_finish (TsSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ts_session_close:
 *
 * Stops the realtime connection, commits what is queued for the local
 * copy, and stops the local server if this session runs one.
 */
void
ts_session_close (TsSession *self)
{
  g_return_if_fail (TS_IS_SESSION (self));

  if (self->verifying != NULL)
    g_cancellable_cancel (self->verifying);
  if (self->realtime != NULL)
    ts_realtime_client_stop (self->realtime);
  /* The last versions applied are on the disk before the app goes. */
  if (self->local_copy != NULL)
    ts_local_copy_sync (self->local_copy);
  if (self->local_server != NULL)
    {
      ts_local_server_stop (self->local_server);
      g_clear_object (&self->local_server);
    }
}
