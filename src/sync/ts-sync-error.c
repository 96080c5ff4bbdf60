/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-sync-error"

/* Everything that turns an HTTP exchange into a TS_SYNC_ERROR, so that
 * the rest of the sync engine reads one domain and this is the only place
 * that knows which status means what. */

#include "ts-sync-error.h"

#include <errno.h>

#include <gio/gio.h>
#include <string.h>
#include <libsoup/soup.h>

#include "ts-json.h"

/* libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

/* Beside its code, an error carries the field it is about (the server's
 * 422 names it at the head of its message: `“title” must be …`), the
 * operation that failed and its subject (a story's or project's title), so
 * that the app can word it without reading the message. */
typedef struct {
  char *field;
  char *subject;
  TsSyncOperation operation;
  /* The line of an uploaded file the server could not read (an import's
   * 422 says `"line": 7`), 0 for none. */
  gint64 line;
} TsSyncErrorPrivate;

static void
ts_sync_error_private_init (TsSyncErrorPrivate *priv)
{
}

static void
ts_sync_error_private_copy (const TsSyncErrorPrivate *src,
                            TsSyncErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
  dest->subject = g_strdup (src->subject);
  dest->operation = src->operation;
  dest->line = src->line;
}

static void
ts_sync_error_private_clear (TsSyncErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
  g_clear_pointer (&priv->subject, g_free);
}

G_DEFINE_EXTENDED_ERROR (TsSyncError, ts_sync_error)

/* The member a server message is about: what `“` and `”` quote at its
 * start (`“title” must be …`, `“story”: “title” …` names the last). */
static char *
dup_field_of_message (const char *message)
{
  const char *p = message;
  g_autofree char *field = NULL;

  while (p != NULL && g_str_has_prefix (p, "“"))
    {
      const char *start = p + strlen ("“");
      const char *end = strstr (start, "”");

      if (end == NULL)
        break;
      g_free (field);
      field = g_strndup (start, end - start);
      p = end + strlen ("”");
      if (g_str_has_prefix (p, ": "))
        p += 2;
      else
        break;
    }
  /* `“stories”[3]: …` is about one of a list: no single field. */
  return g_steal_pointer (&field);
}

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
       * doc/api.md does not list. */
      return SOUP_STATUS_IS_SERVER_ERROR (status) ? TS_SYNC_ERROR_SERVER : TS_SYNC_ERROR_PROTOCOL;
    }
}

/* `error.message` of doc/api.md's error body, or NULL when the body is not
 * one (a proxy's HTML page, say); `error.line` too when it has one. */
static char *
dup_server_message (GBytes *body,
                    gint64 *out_line)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *error;
  JsonNode *message;
  JsonNode *line;
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
  line = json_object_get_member (json_node_get_object (error), "line");
  if (line != NULL && JSON_NODE_HOLDS_VALUE (line) &&
      json_node_get_value_type (line) == G_TYPE_INT64 && json_node_get_int (line) > 0)
    *out_line = json_node_get_int (line);
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
  gint64 line = 0;
  TsSyncError code;

  g_return_val_if_fail (!SOUP_STATUS_IS_SUCCESSFUL (status), NULL);

  code = code_for_status (status);
  message = dup_server_message (body, &line);
  if (message != NULL)
    {
      GError *error = g_error_new_literal (TS_SYNC_ERROR, code, message);
      g_autofree char *field = code == TS_SYNC_ERROR_INVALID ? dup_field_of_message (message)
                                                              : NULL;

      ts_sync_error_set_field (error, field);
      ts_sync_error_get_private (error)->line = line;
      return error;
    }
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
  /* GIO's "Could not connect to 127.0.0.1: Connection refused" names the
   * host without its port, and whoever shows it names the address already:
   * the reason alone, in the C library's (translated) words. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new_literal (TS_SYNC_ERROR, TS_SYNC_ERROR_NETWORK, g_strerror (ECONNREFUSED));
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
                      "The answer to %s %s is not as doc/api.md says: %s", method, path,
                      error->message);
}

static TsSyncErrorPrivate *
private_of (const GError *error)
{
  if (error == NULL || error->domain != TS_SYNC_ERROR)
    return NULL;
  return ts_sync_error_get_private (error);
}

/**
 * ts_sync_error_get_field:
 *
 * Returns: (nullable): the field a TS_SYNC_ERROR is about (`title`,
 *   `estimate`…), or %NULL
 */
const char *
ts_sync_error_get_field (const GError *error)
{
  TsSyncErrorPrivate *priv = private_of (error);

  return priv != NULL ? priv->field : NULL;
}

void
ts_sync_error_set_field (GError     *error,
                         const char *field)
{
  TsSyncErrorPrivate *priv = private_of (error);

  g_return_if_fail (priv != NULL);

  g_free (priv->field);
  priv->field = g_strdup (field);
}

/**
 * ts_sync_error_get_operation:
 *
 * Returns: the change that failed, or %TS_SYNC_OPERATION_NONE
 */
TsSyncOperation
ts_sync_error_get_operation (const GError *error)
{
  TsSyncErrorPrivate *priv = private_of (error);

  return priv != NULL ? priv->operation : TS_SYNC_OPERATION_NONE;
}

void
ts_sync_error_set_operation (GError          *error,
                             TsSyncOperation  operation)
{
  TsSyncErrorPrivate *priv = private_of (error);

  g_return_if_fail (priv != NULL);

  priv->operation = operation;
}

/**
 * ts_sync_error_dup_subject:
 *
 * Returns: (nullable): what the error is about as people name it (a story's
 *   title, a project's name), or %NULL
 */
char *
ts_sync_error_dup_subject (const GError *error)
{
  TsSyncErrorPrivate *priv = private_of (error);

  return priv != NULL ? g_strdup (priv->subject) : NULL;
}

void
ts_sync_error_set_subject (GError     *error,
                           const char *subject)
{
  TsSyncErrorPrivate *priv = private_of (error);

  g_return_if_fail (priv != NULL);

  g_free (priv->subject);
  priv->subject = g_strdup (subject);
}

/**
 * ts_sync_error_get_line:
 *
 * Returns: the line of an uploaded file the server refused (an import's
 *   422), counted from 1, or 0
 */
gint64
ts_sync_error_get_line (const GError *error)
{
  TsSyncErrorPrivate *priv = private_of (error);

  return priv != NULL ? priv->line : 0;
}
