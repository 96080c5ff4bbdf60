/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-pusher"

#include "ts-pusher.h"

#include <sodium.h>
#include <string.h>

#include "ts-json.h"

G_DEFINE_QUARK (ts-pusher-error-quark, ts_pusher_error)

/**
 * ts_pusher_channel_name_is_valid:
 * @name: (nullable): a channel name
 *
 * The characters of doc/pusher-protocol.md §4 (`A-Z a-z 0-9 _ - = @ , . ;`),
 * 1 to %TS_PUSHER_CHANNEL_NAME_MAX of them. The limit is the service's 164,
 * not the libraries' 200: a deployment may move to Pusher itself, and a
 * name that works here must work there too. `#` channels are Pusher's own.
 */
gboolean
ts_pusher_channel_name_is_valid (const char *name)
{
  gsize i;

  if (name == NULL || name[0] == '\0')
    return FALSE;

  for (i = 0; name[i] != '\0'; i++)
    {
      char c = name[i];

      if (i >= TS_PUSHER_CHANNEL_NAME_MAX)
        return FALSE;
      if (!g_ascii_isalnum (c) && strchr ("_-=@,.;", c) == NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * ts_pusher_channel_get_type:
 * @name: (nullable): a channel name
 *
 * The kind of channel a name makes, by prefix as pusher-js decides it.
 * Encrypted channels are private ones to the server (it never decrypts);
 * cache channels are their base kind (the hub keeps no last event).
 */
TsPusherChannelType
ts_pusher_channel_get_type (const char *name)
{
  if (!ts_pusher_channel_name_is_valid (name))
    return TS_PUSHER_CHANNEL_INVALID;
  if (g_str_has_prefix (name, "private-"))
    return TS_PUSHER_CHANNEL_PRIVATE;
  if (g_str_has_prefix (name, "presence-"))
    return TS_PUSHER_CHANNEL_PRESENCE;
  return TS_PUSHER_CHANNEL_PUBLIC;
}

/**
 * ts_pusher_secure_equal:
 * @a: (nullable): a string
 * @b: (nullable): a string
 *
 * Compares in time that depends only on the lengths, so an attacker timing
 * the answers learns nothing about how much of a signature was right. The
 * length of a signature is public.
 */
gboolean
ts_pusher_secure_equal (const char *a,
                        const char *b)
{
  gsize len_a, len_b;
  guint8 diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;

  len_a = strlen (a);
  len_b = strlen (b);
  if (len_a != len_b)
    return FALSE;

  for (gsize i = 0; i < len_a; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];

  return diff == 0;
}

/* The keyed HMAC state of the last secret a thread signed with: both
 * pads' compressions done once. */
typedef struct {
  char *secret;
  crypto_auth_hmacsha256_state keyed;
} HmacKey;

static void
hmac_key_free (gpointer data)
{
  HmacKey *key = data;

  sodium_memzero (key->secret, strlen (key->secret));
  g_free (key->secret);
  sodium_memzero (&key->keyed, sizeof key->keyed);
  g_free (key);
}

static GPrivate hmac_key = G_PRIVATE_INIT (hmac_key_free);

/* Lower-case hex HMAC-SHA256 of @data with @secret as the key. Thread-safe. */
char *
ts_pusher_hmac_hex (const char *secret,
                    const char *data,
                    gssize      length)
{
  static const char hex_digits[] = "0123456789abcdef";
  HmacKey *key = g_private_get (&hmac_key);
  crypto_auth_hmacsha256_state state;
  guchar digest[crypto_auth_hmacsha256_BYTES];
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);

  /* libsodium's HMAC from a kept keyed state, on the stack: GLib's (GHmac
   * and its GChecksums, allocated, keyed anew each time, hex made through
   * a GString) took 17,700 instructions a signature, a quarter of a
   * channel authorization's on the main thread; this takes about 9,000.
   * The same RFC 2104 HMAC, long keys hashed first, so the same hex. */
  if (key == NULL || strcmp (key->secret, secret) != 0)
    {
      key = g_new0 (HmacKey, 1);
      key->secret = g_strdup (secret);
      crypto_auth_hmacsha256_init (&key->keyed, (const guchar *) secret, strlen (secret));
      g_private_replace (&hmac_key, key);
    }
  state = key->keyed;
  crypto_auth_hmacsha256_update (&state, (const guchar *) data, length);
  crypto_auth_hmacsha256_final (&state, digest);
  sodium_memzero (&state, sizeof state);
  for (gsize i = 0; i < sizeof digest; i++)
    {
      hex[2 * i] = hex_digits[digest[i] >> 4];
      hex[2 * i + 1] = hex_digits[digest[i] & 0xf];
    }
  hex[2 * sizeof digest] = '\0';
  return g_strdup (hex);
}

char *
ts_pusher_md5_hex (const char *data,
                   gsize       length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_MD5,
                                      (const guchar *) (data != NULL ? data : ""),
                                      length);
}

/**
 * ts_pusher_channel_auth:
 * @key: the app key
 * @secret: the app secret
 * @socket_id: the subscribing socket
 * @channel: a private or presence channel
 * @channel_data: (nullable): for a presence channel, the exact JSON text
 *   the client will send as `channel_data`
 *
 * Returns: (transfer full): the `auth` value, `key:hex` (§5)
 */
char *
ts_pusher_channel_auth (const char *key,
                        const char *secret,
                        const char *socket_id,
                        const char *channel,
                        const char *channel_data)
{
  g_autofree char *to_sign = NULL;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (socket_id != NULL, NULL);
  g_return_val_if_fail (channel != NULL, NULL);

  if (channel_data != NULL)
    to_sign = g_strconcat (socket_id, ":", channel, ":", channel_data, NULL);
  else
    to_sign = g_strconcat (socket_id, ":", channel, NULL);
  hex = ts_pusher_hmac_hex (secret, to_sign, -1);

  return g_strconcat (key, ":", hex, NULL);
}

/**
 * ts_pusher_channel_auth_verify:
 * @auth: (nullable): the `auth` a client sent
 *
 * Checks @auth against the signature of exactly the bytes received: the
 * whole `key:hex` string is compared, in constant time, so a wrong key
 * prefix fails like a wrong signature.
 */
gboolean
ts_pusher_channel_auth_verify (const char *key,
                               const char *secret,
                               const char *socket_id,
                               const char *channel,
                               const char *channel_data,
                               const char *auth)
{
  g_autofree char *expected = NULL;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);

  if (auth == NULL || socket_id == NULL || channel == NULL)
    return FALSE;

  expected = ts_pusher_channel_auth (key, secret, socket_id, channel, channel_data);
  return ts_pusher_secure_equal (expected, auth);
}

/* The signature of `pusher:signin` (§5): `socket_id::user::user_data`. */
char *
ts_pusher_user_auth (const char *key,
                     const char *secret,
                     const char *socket_id,
                     const char *user_data)
{
  g_autofree char *to_sign = NULL;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (socket_id != NULL, NULL);
  g_return_val_if_fail (user_data != NULL, NULL);

  to_sign = g_strconcat (socket_id, "::user::", user_data, NULL);
  hex = ts_pusher_hmac_hex (secret, to_sign, -1);

  return g_strconcat (key, ":", hex, NULL);
}

/**
 * ts_pusher_parse_channel_data:
 * @channel_data: a presence member's `channel_data` text
 * @out_user_id: (out) (transfer full): the member's id as a string
 * @out_user_info: (out) (transfer full) (optional): its `user_info`, or
 *   %NULL when it has none
 *
 * `user_id` may be a JSON string or integer (the doc's own example uses
 * `10`); either way it becomes the decimal string pusher-js keys members
 * by, at most %TS_PUSHER_USER_ID_MAX characters.
 */
gboolean
ts_pusher_parse_channel_data (const char  *channel_data,
                              char       **out_user_id,
                              JsonNode   **out_user_info,
                              GError     **error)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *user_id;
  JsonNode *user_info;
  g_autofree char *id = NULL;

  g_return_val_if_fail (out_user_id != NULL, FALSE);

  if (channel_data == NULL)
    {
      g_set_error_literal (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED,
                           "a presence channel needs channel_data");
      return FALSE;
    }

  object = ts_json_parse_object (channel_data, -1, NULL);
  if (object == NULL)
    {
      g_set_error_literal (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED,
                           "channel_data must be a JSON object");
      return FALSE;
    }

  user_id = json_object_get_member (object, "user_id");
  if (user_id != NULL && JSON_NODE_HOLDS_VALUE (user_id) &&
      json_node_get_value_type (user_id) == G_TYPE_STRING)
    id = g_strdup (json_node_get_string (user_id));
  else if (user_id != NULL && JSON_NODE_HOLDS_VALUE (user_id) &&
           json_node_get_value_type (user_id) == G_TYPE_INT64)
    id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (user_id));

  if (id == NULL || id[0] == '\0' || g_utf8_strlen (id, -1) > TS_PUSHER_USER_ID_MAX)
    {
      g_set_error_literal (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED,
                           "channel_data needs a user_id: a string of 1 to 128 characters or an integer");
      return FALSE;
    }

  user_info = json_object_get_member (object, "user_info");
  if (out_user_info != NULL)
    *out_user_info = user_info != NULL && !JSON_NODE_HOLDS_NULL (user_info)
                     ? json_node_copy (user_info) : NULL;
  *out_user_id = g_steal_pointer (&id);

  return TRUE;
}

/**
 * ts_pusher_socket_id_generate:
 * @out: where to write the id
 *
 * Two random 32-bit integers, `\d+\.\d+` as the server libraries check.
 * They come from libsodium, not GRand: whoever can predict another
 * person's socket id can have the REST side authorize it in their own
 * name, and eviction goes by the users a socket was authorized for.
 */
void
ts_pusher_socket_id_generate (char out[TS_PUSHER_SOCKET_ID_SIZE])
{
  guint32 parts[2];

  if (sodium_init () < 0)
    g_error ("libsodium cannot initialize");

  randombytes_buf (parts, sizeof parts);
  g_snprintf (out, TS_PUSHER_SOCKET_ID_SIZE, "%u.%u", parts[0], parts[1]);
}

gboolean
ts_pusher_socket_id_is_valid (const char *socket_id)
{
  const char *p = socket_id;
  gsize n;

  if (p == NULL)
    return FALSE;

  for (n = 0; g_ascii_isdigit (*p); p++, n++)
    ;
  if (n == 0 || n > 10 || *p != '.')
    return FALSE;
  for (p++, n = 0; g_ascii_isdigit (*p); p++, n++)
    ;

  return n > 0 && n <= 10 && *p == '\0';
}

/**
 * ts_pusher_query_parse:
 * @query: (nullable): a URL's query, still percent-encoded
 *
 * Parses a query the way the signature needs it: keys lower-cased (§10.2),
 * values percent-decoded, `+` read as a space as forms write it. A key
 * given twice is refused: which one was signed would be a guess.
 *
 * Returns: (transfer full): the parameters, key → value
 */
GHashTable *
ts_pusher_query_parse (const char  *query,
                       GError     **error)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = NULL;

  if (query == NULL || query[0] == '\0')
    return g_steal_pointer (&params);

  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *raw_key = NULL;
      g_autofree char *raw_value = NULL;
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      char *eq;

      if (pairs[i][0] == '\0')
        continue;

      eq = strchr (pairs[i], '=');
      raw_key = eq != NULL ? g_strndup (pairs[i], eq - pairs[i]) : g_strdup (pairs[i]);
      raw_value = g_strdup (eq != NULL ? eq + 1 : "");
      g_strdelimit (raw_key, "+", ' ');
      g_strdelimit (raw_value, "+", ' ');

      key = g_uri_unescape_string (raw_key, NULL);
      value = g_uri_unescape_string (raw_value, NULL);
      if (key == NULL || value == NULL || key[0] == '\0' ||
          !g_utf8_validate (key, -1, NULL) || !g_utf8_validate (value, -1, NULL))
        {
          g_set_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED,
                       "bad query parameter “%s”", pairs[i]);
          return NULL;
        }

      {
        g_autofree char *lower = g_ascii_strdown (key, -1);

        if (g_hash_table_contains (params, lower))
          {
            g_set_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED,
                         "query parameter “%s” given twice", lower);
            return NULL;
          }
        g_hash_table_insert (params, g_steal_pointer (&lower), g_steal_pointer (&value));
      }
    }

  return g_steal_pointer (&params);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * ts_pusher_http_string_to_sign:
 * @method: the HTTP method
 * @path: the request path, without the query
 * @params: key → value, keys lower-case, values decoded
 *
 * `METHOD\nPATH\nQUERY` with QUERY every parameter but `auth_signature`,
 * sorted bytewise by key, `k=v` joined by `&` and not escaped (§10.2).
 */
char *
ts_pusher_http_string_to_sign (const char *method,
                               const char *path,
                               GHashTable *params)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *upper = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (strcmp (key, "auth_signature") != 0)
      g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);

  upper = g_ascii_strup (method, -1);
  g_string_append_printf (out, "%s\n%s\n", upper, path);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);

      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append_printf (out, "%s=%s", k, (const char *) g_hash_table_lookup (params, k));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * ts_pusher_http_sign_query:
 * @params: (nullable): the request's own parameters (lower-case keys)
 * @body: (nullable): the body, for a POST
 * @timestamp: Unix seconds
 *
 * Signs a request as the Pusher server libraries do.
 *
 * Returns: (transfer full): the whole query string, escaped for a URL,
 *   `auth_signature` included
 */
char *
ts_pusher_http_sign_query (const char *key,
                           const char *secret,
                           const char *method,
                           const char *path,
                           GHashTable *params,
                           const char *body,
                           gsize       body_length,
                           gint64      timestamp)
{
  g_autoptr(GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  GHashTableIter iter;
  gpointer k, v;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  if (params != NULL)
    {
      g_hash_table_iter_init (&iter, params);
      while (g_hash_table_iter_next (&iter, &k, &v))
        g_hash_table_insert (all, g_ascii_strdown (k, -1), g_strdup (v));
    }
  g_hash_table_insert (all, g_strdup ("auth_key"), g_strdup (key));
  g_hash_table_insert (all, g_strdup ("auth_timestamp"),
                       g_strdup_printf ("%" G_GINT64_FORMAT, timestamp));
  g_hash_table_insert (all, g_strdup ("auth_version"), g_strdup ("1.0"));
  if (body != NULL && body_length > 0)
    g_hash_table_insert (all, g_strdup ("body_md5"), ts_pusher_md5_hex (body, body_length));
  g_hash_table_remove (all, "auth_signature");

  to_sign = ts_pusher_http_string_to_sign (method, path, all);
  signature = ts_pusher_hmac_hex (secret, to_sign, -1);

  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      g_autofree char *escaped_key = g_uri_escape_string (k, NULL, FALSE);
      g_autofree char *escaped_value = g_uri_escape_string (v, NULL, FALSE);

      g_string_append_printf (query, "%s=%s&", escaped_key, escaped_value);
    }
  g_string_append_printf (query, "auth_signature=%s", signature);

  return g_string_free (g_steal_pointer (&query), FALSE);
}

static gboolean
unauthorized (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED, message);
  return FALSE;
}

/**
 * ts_pusher_http_verify:
 * @params: the request's parameters from ts_pusher_query_parse()
 * @body: (nullable): the raw body
 * @now: the current Unix time in seconds
 *
 * Checks a signed HTTP API request as §10.2 says: the key, version 1.0, a
 * timestamp within %TS_PUSHER_TIMESTAMP_WINDOW seconds of @now (which
 * soketi and reverb skip, and we do not), the MD5 of a non-empty body, and
 * the signature, compared in constant time. A wrong `body_md5` is refused
 * by name rather than by a failed signature, which tells a client author
 * what is wrong.
 */
gboolean
ts_pusher_http_verify (const char  *key,
                       const char  *secret,
                       const char  *method,
                       const char  *path,
                       GHashTable  *params,
                       const char  *body,
                       gsize        body_length,
                       gint64       now,
                       GError     **error)
{
  const char *auth_key, *timestamp_text, *version, *body_md5, *signature;
  g_autofree char *to_sign = NULL;
  g_autofree char *expected = NULL;
  guint64 timestamp;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (params != NULL, FALSE);

  auth_key = g_hash_table_lookup (params, "auth_key");
  timestamp_text = g_hash_table_lookup (params, "auth_timestamp");
  version = g_hash_table_lookup (params, "auth_version");
  body_md5 = g_hash_table_lookup (params, "body_md5");
  signature = g_hash_table_lookup (params, "auth_signature");

  if (auth_key == NULL || timestamp_text == NULL || version == NULL || signature == NULL)
    return unauthorized (error, "auth_key, auth_timestamp, auth_version and auth_signature are required");
  if (!ts_pusher_secure_equal (auth_key, key))
    return unauthorized (error, "unknown auth_key");
  if (strcmp (version, "1.0") != 0)
    return unauthorized (error, "auth_version must be 1.0");
  if (!g_ascii_string_to_unsigned (timestamp_text, 10, 0, G_MAXINT64, &timestamp, NULL) ||
      ABS (now - (gint64) timestamp) > TS_PUSHER_TIMESTAMP_WINDOW)
    return unauthorized (error, "auth_timestamp must be within 600 s of the server's time");

  if (body != NULL && body_length > 0)
    {
      g_autofree char *md5 = ts_pusher_md5_hex (body, body_length);

      if (body_md5 == NULL || strcmp (body_md5, md5) != 0)
        return unauthorized (error, "body_md5 is missing or is not the MD5 of the body");
    }

  to_sign = ts_pusher_http_string_to_sign (method, path, params);
  expected = ts_pusher_hmac_hex (secret, to_sign, -1);
  if (!ts_pusher_secure_equal (expected, signature))
    return unauthorized (error, "invalid signature");

  return TRUE;
}
