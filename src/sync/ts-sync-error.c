/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-sync-error"

/* Everything that turns an HTTP exchange into a TS_SYNC_ERROR, so that
 * the rest of the sync engine reads one domain and this is the only place
 * that knows which status means what. */

#include "ts-sync-error.h"

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "ts-json.h"

/* libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

G_DEFINE_QUARK (ts-sync-error-quark, ts_sync_error)

static TsSyncError
code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      return TS_SYNC_ERROR_INVALID;
    case SOUP_STATUS_UNAUTHORIZED:
      return TS_SYNC_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return TS_SYNC_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return TS_SYNC_ERROR_NOT_FOUND;
    case SOUP_STATUS_CONFLICT:
      return TS_SYNC_ERROR_CONFLICT;
    case SOUP_STATUS_GONE:
      return TS_SYNC_ERROR_GONE;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return TS_SYNC_ERROR_TOO_LARGE;
    case STATUS_TOO_MANY_REQUESTS:
      return TS_SYNC_ERROR_RATE_LIMITED;
    default:
      /* A proxy in front of the server may answer any 5xx; every one means
       * "try later", as the server's own 500 does. Anything else is a status
       * api.md does not list. */
      return SOUP_STATUS_IS_SERVER_ERROR (status) ? TS_SYNC_ERROR_SERVER : TS_SYNC_ERROR_PROTOCOL;
    }
}

/* `error.message` of api.md's error body, or NULL when the body is not
 * one (a proxy's HTML page, say). */
static char *
dup_server_message (GBytes *body)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *error;
  JsonNode *message;
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;

  if (size == 0 || (object = ts_json_parse_object (data, size, NULL)) == NULL)
    return NULL;
  error = json_object_get_member (object, "error");
  if (error == NULL || !JSON_NODE_HOLDS_OBJECT (error))
    return NULL;
  message = json_object_get_member (json_node_get_object (error), "message");
  if (message == NULL || json_node_get_value_type (message) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (message));
}

/**
 * ts_sync_error_new_for_status:
 * @status: an HTTP status that is not a success
 * @body: (nullable): the answer's body
 *
 * The one mapping from an HTTP answer to a TS_SYNC_ERROR code.
 *
 * Returns: (transfer full): the error, with the server's message, or the
 *   status when the body carries none
 */
GError *
ts_sync_error_new_for_status (guint   status,
                              GBytes *body)
{
  g_autofree char *message = NULL;
  TsSyncError code;

  g_return_val_if_fail (!SOUP_STATUS_IS_SUCCESSFUL (status), NULL);

  code = code_for_status (status);
  message = dup_server_message (body);
  if (message != NULL)
    return g_error_new_literal (TS_SYNC_ERROR, code, message);
  return g_error_new (TS_SYNC_ERROR, code, "The server answered %u %s", status,
                      soup_status_get_phrase (status) != NULL ? soup_status_get_phrase (status)
                                                              : "");
}

/**
 * ts_sync_error_new_for_transport:
 * @error: why libsoup got no answer
 *
 * Cancellation stays %G_IO_ERROR_CANCELLED, which callers check for; every
 * other failure to get an answer is TS_SYNC_ERROR_NETWORK with the
 * underlying message, which is what a log needs.
 *
 * Returns: (transfer full): the error
 */
GError *
ts_sync_error_new_for_transport (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  return g_error_new_literal (TS_SYNC_ERROR, TS_SYNC_ERROR_NETWORK, error->message);
}

/**
 * ts_sync_error_new_for_answer:
 * @error: why a successful answer could not be read (the codec's error)
 * @method: the request's method
 * @path: the request's path
 *
 * Returns: (transfer full): TS_SYNC_ERROR_PROTOCOL naming the request,
 *   or a copy of @error when it already is a TS_SYNC_ERROR
 */
GError *
ts_sync_error_new_for_answer (const GError *error,
                              const char   *method,
                              const char   *path)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == TS_SYNC_ERROR)
    return g_error_copy (error);
  return g_error_new (TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL,
                      "The answer to %s %s is not as api.md says: %s", method, path,
                      error->message);
}
