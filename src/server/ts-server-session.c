/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* POST /session, the sign-in: its limits (TsSignIn), the password check on
 * the password pool, and the store's two steps (finding the user, making
 * the token), on the store thread when there is one. It runs on the main
 * thread, where its limits and the pool's answers live. */

#include "ts-server-private.h"

#include <string.h>

#include "ts-password-pool.h"
#include "ts-sign-in.h"

/* libsoup 3.2 names no 429. */
#define STATUS_TOO_MANY_REQUESTS 429

/* How long a sign-in refused for its failures, or for its client's
 * sign-ins already waiting, waits for its 429: a client that ignores
 * Retry-After and asks again at once (a guessing script) then costs the
 * REST thread a request a second per connection, not as many as it can
 * send. A full password pool is refused at once. */
#define REFUSAL_DELAY_MS 1000

/* A sign-in whose password is being checked on the password pool, or
 * whose refusal waits. */
typedef struct {
  TsServer *server;
  SoupServerMessage *msg;
  TsUser *user;
  char *email;
  char *address;
  /* Between the store's steps and the password check: the password, the
   * user's hash, then the token made. */
  char *password;
  char *hash;
  char *token;
  GError *error;
  /* A refusal: its Retry-After when asked, and its message. */
  guint retry_after;
  const char *message;
  gulong finished_id;
  gboolean finished;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_signal_handler (&sign_in->finished_id, sign_in->msg);
  g_object_unref (sign_in->msg);
  g_object_unref (sign_in->server);
  g_clear_object (&sign_in->user);
  g_free (sign_in->email);
  g_free (sign_in->address);
  if (sign_in->password != NULL)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in->hash);
  g_free (sign_in->token);
  g_clear_error (&sign_in->error);
  g_free (sign_in);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignIn, sign_in_free)

static void
respond_rate_limited (TsRequest  *request,
                      guint       retry_after,
                      const char *message)
{
  g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

  ts_request_set_header (request, "Retry-After", seconds);
  ts_request_fail (request, STATUS_TOO_MANY_REQUESTS, "rate_limited", message);
}

/* On the store thread: the session's token, written on its own after the
 * open batch (which the store thread commits before this job) and
 * committed before it is given. */
static void
make_token (TsServer *server,
            gpointer  data)
{
  SignIn *sign_in = data;

  sign_in->token = ts_store_create_token (server->store, ts_user_get_id (sign_in->user),
                                          &sign_in->error);
  if (ts_store_in_batch (server->store))
    ts_store_commit (server->store, sign_in->error == NULL ? &sign_in->error : NULL);
}

/* Back on the main thread: the session, or the store's error. */
static void
token_made (TsServer *server,
            gpointer  data)
{
  g_autoptr(SignIn) sign_in = data;
  TsRequest request = { .server = sign_in->server, .msg = sign_in->msg, .method = "POST" };
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;

  if (sign_in->finished)
    return;
  if (sign_in->token == NULL || sign_in->error != NULL)
    ts_request_respond_error (&request, sign_in->error);
  else
    {
      object = json_object_new ();
      json_object_set_string_member (object, "token", sign_in->token);
      json_object_set_member (object, "user", ts_user_to_json (sign_in->user));
      answer = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (answer, object);
      ts_request_respond_json (&request, SOUP_STATUS_CREATED, answer);
    }
  soup_server_message_unpause (sign_in->msg);
}

static void
sign_in_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  SignIn *sign_in = user_data;

  /* The client went away: nothing may touch the message's I/O now. */
  sign_in->finished = TRUE;
}

/* Keeps the message paused until the sign-in is answered. */
static void
hold (SignIn *sign_in)
{
  sign_in->finished_id = g_signal_connect (sign_in->msg, "finished",
                                           G_CALLBACK (sign_in_finished_cb), sign_in);
  soup_server_message_pause (sign_in->msg);
}

static gboolean
refuse_cb (gpointer user_data)
{
  g_autoptr(SignIn) sign_in = user_data;
  TsRequest request = { .server = sign_in->server, .msg = sign_in->msg, .method = "POST" };
  guint waited = REFUSAL_DELAY_MS / 1000;

  if (sign_in->finished)
    return G_SOURCE_REMOVE;
  respond_rate_limited (&request, sign_in->retry_after > waited ? sign_in->retry_after - waited : 1,
                        sign_in->message);
  soup_server_message_unpause (sign_in->msg);
  return G_SOURCE_REMOVE;
}

/* Back on the REST thread with the password checked. */
static void
sign_in_checked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SignIn) sign_in = user_data;
  TsSignIn *gate = sign_in->server->sign_in;
  TsRequest request = { .server = sign_in->server, .msg = sign_in->msg, .method = "POST" };
  gboolean matches = ts_password_pool_verify_finish (result, NULL);
  TsServer *server = sign_in->server;
  guint retry_after;

  ts_sign_in_end_check (gate, sign_in->address);
  /* Checked again: the failures of sign-ins checked meanwhile count too,
   * and past the limit even the right password learns nothing. */
  retry_after = ts_sign_in_check (gate, sign_in->email, sign_in->address);
  if (!matches)
    ts_sign_in_add_failure (gate, sign_in->email, sign_in->address);
  if (sign_in->finished)
    return;

  if (retry_after > 0)
    respond_rate_limited (&request, retry_after, "too many failed sign-ins; try again later");
  else if (!matches)
    ts_request_fail (&request, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                     "the email or the password is wrong");
  else
    {
      ts_server_run_store_job (server, make_token, token_made, g_steal_pointer (&sign_in));
      return;
    }
  soup_server_message_unpause (sign_in->msg);
}

/* On the store thread (or at once without one): the user and their hash. */
static void
find_user (TsServer *server,
           gpointer  data)
{
  SignIn *sign_in = data;

  sign_in->user = ts_store_find_sign_in (server->store, sign_in->email, &sign_in->hash);
}

/* Back on the main thread: the password goes to the pool, checked against
 * the user's hash (or the dummy one for an unknown email). */
static void
user_found (TsServer *server,
            gpointer  data)
{
  SignIn *sign_in = data;
  TsRequest request = { .server = server, .msg = sign_in->msg, .method = "POST" };
  g_autofree char *password = g_steal_pointer (&sign_in->password);
  gboolean queued;

  if (sign_in->finished)
    {
      ts_sign_in_end_check (server->sign_in, sign_in->address);
      memset (password, 0, strlen (password));
      sign_in_free (sign_in);
      return;
    }
  queued = ts_password_pool_verify_async (sign_in->hash, password, sign_in_checked_cb, sign_in);
  memset (password, 0, strlen (password));
  if (!queued)
    {
      ts_sign_in_end_check (server->sign_in, sign_in->address);
      respond_rate_limited (&request, 1, "the server is busy checking passwords");
      soup_server_message_unpause (sign_in->msg);
      sign_in_free (sign_in);
    }
}

/* POST /session: `{"email", "password"}` → `{"token", "user"}`. The
 * password is checked on the password pool while the message waits, so
 * the REST thread never spends the ~70 ms of an Argon2id check. */
void
ts_server_handle_session_create (TsRequest *request)
{
  g_autoptr(JsonObject) body = ts_request_body_object (request);
  g_autoptr(SignIn) sign_in = NULL;
  TsSignIn *gate = request->server->sign_in;
  const char *email, *password;

  if (body == NULL)
    return;
  email = ts_server_string_member (body, "email");
  password = ts_server_string_member (body, "password");
  if (email == NULL || password == NULL || json_object_get_size (body) != 2)
    {
      ts_request_fail (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                       "a session takes exactly “email” and “password”, both strings");
      return;
    }
  if (strlen (password) > TS_PASSWORD_MAX_BYTES)
    {
      ts_request_fail (request, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                       "a password is at most 1024 bytes");
      return;
    }

  sign_in = g_new0 (SignIn, 1);
  sign_in->server = g_object_ref (request->server);
  sign_in->msg = g_object_ref (request->msg);
  sign_in->email = g_strdup (email);
  sign_in->address = ts_sign_in_dup_client_address (gate, request->msg);
  if ((sign_in->retry_after = ts_sign_in_check (gate, email, sign_in->address)) > 0)
    {
      sign_in->message = "too many failed sign-ins; try again later";
      hold (sign_in);
      g_timeout_add (REFUSAL_DELAY_MS, refuse_cb, g_steal_pointer (&sign_in));
      return;
    }
  if (!ts_sign_in_begin_check (gate, sign_in->address))
    {
      sign_in->message = "this client has sign-ins waiting already";
      hold (sign_in);
      g_timeout_add (REFUSAL_DELAY_MS, refuse_cb, g_steal_pointer (&sign_in));
      return;
    }

  /* The store is read on the store thread, if there is one; the message
   * waits meanwhile. */
  sign_in->password = g_strdup (password);
  hold (sign_in);
  ts_server_run_store_job (request->server, find_user, user_found, g_steal_pointer (&sign_in));
}
