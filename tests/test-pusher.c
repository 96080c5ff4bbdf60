/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <string.h>

#include "ts-pusher.h"

/* The credentials of every vector in doc/pusher-protocol.md §5 and §10.3. */
#define KEY "278d425bdf160c739803"
#define SECRET "7ad3773142a6692b25b8"
#define TIMESTAMP 1353088179

static void
test_channel_auth_vectors (void)
{
  const char *presence_data = "{\"user_id\":10,\"user_info\":{\"name\":\"Mr. Channels\"}}";
  g_autofree char *private_auth = NULL;
  g_autofree char *presence_auth = NULL;
  g_autofree char *user_auth = NULL;

  private_auth = ts_pusher_channel_auth (KEY, SECRET, "1234.1234", "private-foobar", NULL);
  g_assert_cmpstr (private_auth, ==,
                   KEY ":58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");

  presence_auth = ts_pusher_channel_auth (KEY, SECRET, "1234.1234", "presence-foobar", presence_data);
  g_assert_cmpstr (presence_auth, ==,
                   KEY ":31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80");

  user_auth = ts_pusher_user_auth (KEY, SECRET, "1234.1234", "{\"id\":\"12345\"}");
  g_assert_cmpstr (user_auth, ==,
                   KEY ":4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba");
}

/* ts_pusher_hmac_hex() is RFC 2104's HMAC-SHA256, as GLib's: keys shorter
 * and longer than SHA-256's 64-byte block (hashed first), empty data, and
 * data given by length, NUL bytes and all. */
static void
test_hmac_as_glib (void)
{
  const gsize key_sizes[] = { 0, 1, 32, 63, 64, 65, 200 };
  const gsize data_sizes[] = { 0, 1, 55, 56, 64, 1000 };
  g_autofree char *bytes = g_malloc (1001);

  for (gsize i = 0; i < 1001; i++)
    bytes[i] = (char) ('a' + i % 26);
  bytes[1000] = '\0';
  for (guint k = 0; k < G_N_ELEMENTS (key_sizes); k++)
    for (guint d = 0; d < G_N_ELEMENTS (data_sizes); d++)
      {
        g_autofree char *key = g_strndup (bytes + 7, key_sizes[k]);
        g_autofree char *data = g_memdup2 (bytes, data_sizes[d] + 1);
        g_autofree char *ours = NULL;
        g_autofree char *glib = NULL;

        if (data_sizes[d] > 2)
          data[1] = '\0';
        ours = ts_pusher_hmac_hex (key, data, data_sizes[d]);
        glib = g_compute_hmac_for_data (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key),
                                        (const guchar *) data, data_sizes[d]);
        g_assert_cmpstr (ours, ==, glib);
      }
}

static void
test_channel_auth_verify (void)
{
  const char *data = "{\"user_id\":10,\"user_info\":{\"name\":\"Mr. Channels\"}}";
  const char *auth = KEY ":31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80";

  g_assert_true (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1234", "presence-foobar", data, auth));
  /* The very bytes signed: the same object written differently fails. */
  g_assert_false (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1234", "presence-foobar",
                                                 "{\"user_id\": 10,\"user_info\":{\"name\":\"Mr. Channels\"}}",
                                                 auth));
  g_assert_false (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1235", "presence-foobar", data, auth));
  g_assert_false (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1234", "presence-foobaz", data, auth));
  g_assert_false (ts_pusher_channel_auth_verify ("otherkey", SECRET, "1234.1234", "presence-foobar", data, auth));
  g_assert_false (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1234", "presence-foobar", data, NULL));
  g_assert_false (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1234", "presence-foobar", data, ""));
  /* The docs' stale "Mr. Pusher" hash signs other data. */
  g_assert_false (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1234", "presence-foobar", data,
                                                 KEY ":afaed3695da2ffd16931f457e338e6c9f2921fa133ce7dac49f529792be6304c"));
  g_assert_true (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1234", "private-foobar", NULL,
                                                KEY ":58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"));
  g_assert_false (ts_pusher_channel_auth_verify (KEY, SECRET, "1234.1234", "private-foobar", NULL,
                                                 KEY ":58DF8B0C36D6982B82C3ECF6B4662E34FE8C25BBA48F5369F135BF843651C3A4"));
}

static void
test_secure_equal (void)
{
  g_assert_true (ts_pusher_secure_equal ("abc", "abc"));
  g_assert_true (ts_pusher_secure_equal ("", ""));
  g_assert_false (ts_pusher_secure_equal ("abc", "abd"));
  g_assert_false (ts_pusher_secure_equal ("abc", "abcd"));
  g_assert_false (ts_pusher_secure_equal ("abc", NULL));
  g_assert_false (ts_pusher_secure_equal (NULL, NULL));
}

static void
test_channel_names (void)
{
  const char *good[] = {
    "a", "public", "private-project-1", "presence-project-42", "A-Za-z0-9_-=@,.;",
    "private-encrypted-x", "cache-x",
  };
  const char *bad[] = {
    "", "has space", "#server-to-user-1", "slash/x", "colon:x", "star*", "üñí", "tab\tx",
    "quote\"", "plus+",
  };
  char name[TS_PUSHER_CHANNEL_NAME_MAX + 2];

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_test_message ("accepting “%s”", good[i]);
      g_assert_true (ts_pusher_channel_name_is_valid (good[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("refusing “%s”", bad[i]);
      g_assert_false (ts_pusher_channel_name_is_valid (bad[i]));
      g_assert_cmpint (ts_pusher_channel_get_type (bad[i]), ==, TS_PUSHER_CHANNEL_INVALID);
    }
  g_assert_false (ts_pusher_channel_name_is_valid (NULL));

  /* 164 characters, the prefix included, and not one more. */
  memset (name, 'x', sizeof name);
  name[TS_PUSHER_CHANNEL_NAME_MAX] = '\0';
  g_assert_true (ts_pusher_channel_name_is_valid (name));
  name[TS_PUSHER_CHANNEL_NAME_MAX] = 'x';
  name[TS_PUSHER_CHANNEL_NAME_MAX + 1] = '\0';
  g_assert_false (ts_pusher_channel_name_is_valid (name));

  g_assert_cmpint (ts_pusher_channel_get_type ("project-1"), ==, TS_PUSHER_CHANNEL_PUBLIC);
  g_assert_cmpint (ts_pusher_channel_get_type ("private-project-1"), ==, TS_PUSHER_CHANNEL_PRIVATE);
  g_assert_cmpint (ts_pusher_channel_get_type ("private-encrypted-x"), ==, TS_PUSHER_CHANNEL_PRIVATE);
  g_assert_cmpint (ts_pusher_channel_get_type ("presence-project-1"), ==, TS_PUSHER_CHANNEL_PRESENCE);
  g_assert_cmpint (ts_pusher_channel_get_type ("privateX"), ==, TS_PUSHER_CHANNEL_PUBLIC);
}

static void
test_channel_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autofree char *user_id = NULL;
  const char *bad[] = {
    "", "[]", "{}", "{\"user_id\":\"\"}", "{\"user_id\":1.5}", "{\"user_id\":true}",
    "{\"user_id\":null}", "not json",
  };

  g_assert_true (ts_pusher_parse_channel_data ("{\"user_id\":10,\"user_info\":{\"name\":\"Mr. Channels\"}}",
                                               &user_id, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (user_id, ==, "10");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (info));
  g_clear_pointer (&user_id, g_free);
  g_clear_pointer (&info, json_node_unref);

  g_assert_true (ts_pusher_parse_channel_data ("{\"user_id\":\"7\"}", &user_id, &info, &error));
  g_assert_cmpstr (user_id, ==, "7");
  g_assert_null (info);
  g_clear_pointer (&user_id, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("refusing %s", bad[i]);
      g_assert_false (ts_pusher_parse_channel_data (bad[i], &user_id, NULL, &error));
      g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED);
      g_assert_null (user_id);
      g_clear_error (&error);
    }
}

static void
test_socket_ids (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *bad[] = { "", "1", "1.", ".1", "1.2.3", "a.b", "1.2 ", "-1.2", "12345678901.1" };

  for (guint i = 0; i < 1000; i++)
    {
      char id[TS_PUSHER_SOCKET_ID_SIZE];

      ts_pusher_socket_id_generate (id);
      g_assert_true (g_regex_match_simple ("^\\d+\\.\\d+$", id, 0, 0));
      g_assert_true (ts_pusher_socket_id_is_valid (id));
      g_assert_true (g_hash_table_add (seen, g_strdup (id)));
    }
  g_assert_true (ts_pusher_socket_id_is_valid ("1234.1234"));
  g_assert_true (ts_pusher_socket_id_is_valid ("4294967295.4294967295"));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (ts_pusher_socket_id_is_valid (bad[i]));
  g_assert_false (ts_pusher_socket_id_is_valid (NULL));
}

static GHashTable *
params_new (const char *first_key,
            ...)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *key = first_key;
  va_list args;

  va_start (args, first_key);
  while (key != NULL)
    {
      g_hash_table_insert (params, g_strdup (key), g_strdup (va_arg (args, const char *)));
      key = va_arg (args, const char *);
    }
  va_end (args);

  return params;
}

#define EVENTS_BODY "{\"name\":\"foo\",\"channels\":[\"project-3\"],\"data\":\"{\\\"some\\\":\\\"data\\\"}\"}"
#define BATCH_BODY "{\"batch\":[{\"channel\":\"project-3\",\"name\":\"foo\",\"data\":\"{\\\"n\\\":1}\"}," \
                   "{\"channel\":\"private-x\",\"name\":\"bar\",\"data\":\"plain string\",\"socket_id\":\"1234.1234\"}]}"

static void
test_http_vectors (void)
{
  g_autoptr(GHashTable) events = NULL;
  g_autoptr(GHashTable) channels = NULL;
  g_autoptr(GHashTable) batch = NULL;
  g_autofree char *md5 = NULL;
  g_autofree char *batch_md5 = NULL;
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *channels_sign = NULL;
  g_autofree char *channels_signature = NULL;
  g_autofree char *batch_sign = NULL;
  g_autofree char *batch_signature = NULL;

  /* The official worked example. */
  md5 = ts_pusher_md5_hex (EVENTS_BODY, strlen (EVENTS_BODY));
  g_assert_cmpstr (md5, ==, "ec365a775a4cd0599faeb73354201b6f");
  events = params_new ("auth_key", KEY, "auth_timestamp", "1353088179", "auth_version", "1.0",
                       "body_md5", md5, NULL);
  to_sign = ts_pusher_http_string_to_sign ("POST", "/apps/3/events", events);
  g_assert_cmpstr (to_sign, ==,
                   "POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179"
                   "&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f");
  signature = ts_pusher_hmac_hex (SECRET, to_sign, -1);
  g_assert_cmpstr (signature, ==, "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c");

  channels = params_new ("auth_key", KEY, "auth_timestamp", "1353088179", "auth_version", "1.0",
                         "info", "user_count", "filter_by_prefix", "presence-",
                         "auth_signature", "ignored", NULL);
  channels_sign = ts_pusher_http_string_to_sign ("get", "/apps/3/channels", channels);
  g_assert_cmpstr (channels_sign, ==,
                   "GET\n/apps/3/channels\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179"
                   "&auth_version=1.0&filter_by_prefix=presence-&info=user_count");
  channels_signature = ts_pusher_hmac_hex (SECRET, channels_sign, -1);
  g_assert_cmpstr (channels_signature, ==, "16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291");

  batch_md5 = ts_pusher_md5_hex (BATCH_BODY, strlen (BATCH_BODY));
  g_assert_cmpstr (batch_md5, ==, "eaa487e5a802fdf46c619c22a8339317");
  batch = params_new ("auth_key", KEY, "auth_timestamp", "1353088179", "auth_version", "1.0",
                      "body_md5", batch_md5, NULL);
  batch_sign = ts_pusher_http_string_to_sign ("POST", "/apps/3/batch_events", batch);
  batch_signature = ts_pusher_hmac_hex (SECRET, batch_sign, -1);
  g_assert_cmpstr (batch_signature, ==, "159865f777388558163fb11405583bb1d1200fb6303c02210014299363087651");
}

/* The doc's example of lower-cased keys and unescaped values. */
static void
test_http_query_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) twice = NULL;
  g_autoptr(GHashTable) empty = NULL;
  g_autofree char *to_sign = NULL;

  params = ts_pusher_query_parse ("auth_key=foo&Name=Something%20else&x=a+b&flag", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "name"), ==, "Something else");
  g_assert_cmpstr (g_hash_table_lookup (params, "x"), ==, "a b");
  g_assert_cmpstr (g_hash_table_lookup (params, "flag"), ==, "");
  g_hash_table_remove (params, "x");
  g_hash_table_remove (params, "flag");
  to_sign = ts_pusher_http_string_to_sign ("POST", "/apps/3/events", params);
  g_assert_cmpstr (to_sign, ==, "POST\n/apps/3/events\nauth_key=foo&name=Something else");

  twice = ts_pusher_query_parse ("a=1&A=2", &error);
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED);
  g_assert_null (twice);
  g_clear_error (&error);
  g_assert_null (ts_pusher_query_parse ("a=%zz", &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_MALFORMED);
  g_clear_error (&error);

  empty = ts_pusher_query_parse (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (empty), ==, 0);
}

/* Signs as a client does, parses as the server does, and verifies. */
static gboolean
verify_signed (const char  *body,
               gint64       signed_at,
               gint64       now,
               const char  *tamper_key,
               const char  *tamper_value,
               GError     **error)
{
  g_autoptr(GHashTable) extra = params_new ("info", "user_count,subscription_count", NULL);
  g_autofree char *query = NULL;
  g_autoptr(GHashTable) params = NULL;

  query = ts_pusher_http_sign_query (KEY, SECRET, "POST", "/apps/3/events", extra,
                                     body, body != NULL ? strlen (body) : 0, signed_at);
  params = ts_pusher_query_parse (query, NULL);
  g_assert_nonnull (params);
  if (tamper_key != NULL)
    g_hash_table_insert (params, g_strdup (tamper_key), g_strdup (tamper_value));

  return ts_pusher_http_verify (KEY, SECRET, "POST", "/apps/3/events", params,
                                body, body != NULL ? strlen (body) : 0, now, error);
}

static void
test_http_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) official = NULL;

  /* The official example, as a server receives it. */
  official = params_new ("auth_key", KEY, "auth_timestamp", "1353088179", "auth_version", "1.0",
                         "body_md5", "ec365a775a4cd0599faeb73354201b6f",
                         "auth_signature", "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
                         NULL);
  g_assert_true (ts_pusher_http_verify (KEY, SECRET, "POST", "/apps/3/events", official,
                                        EVENTS_BODY, strlen (EVENTS_BODY), TIMESTAMP, &error));
  g_assert_no_error (error);
  /* The same request against another body, path, method or secret. */
  g_assert_false (ts_pusher_http_verify (KEY, SECRET, "POST", "/apps/3/events", official,
                                         "{}", 2, TIMESTAMP, &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (ts_pusher_http_verify (KEY, SECRET, "POST", "/apps/4/events", official,
                                         EVENTS_BODY, strlen (EVENTS_BODY), TIMESTAMP, &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (ts_pusher_http_verify (KEY, "othersecret", "POST", "/apps/3/events", official,
                                         EVENTS_BODY, strlen (EVENTS_BODY), TIMESTAMP, &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (ts_pusher_http_verify ("otherkey", SECRET, "POST", "/apps/3/events", official,
                                         EVENTS_BODY, strlen (EVENTS_BODY), TIMESTAMP, &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* Round trips, and each part tampered with. */
  g_assert_true (verify_signed (EVENTS_BODY, TIMESTAMP, TIMESTAMP, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (verify_signed (NULL, TIMESTAMP, TIMESTAMP, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (verify_signed (EVENTS_BODY, TIMESTAMP, TIMESTAMP, "info", "user_count", &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (verify_signed (EVENTS_BODY, TIMESTAMP, TIMESTAMP, "body_md5",
                                 "00000000000000000000000000000000", &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (verify_signed (EVENTS_BODY, TIMESTAMP, TIMESTAMP, "auth_version", "2.0", &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (verify_signed (EVENTS_BODY, TIMESTAMP, TIMESTAMP, "auth_signature",
                                 "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c", &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
}

/* ±600 s are accepted, 601 s either way are not. */
static void
test_http_timestamp_window (void)
{
  g_autoptr(GError) error = NULL;
  const gint64 ok[] = { 0, 1, -1, 600, -600 };
  const gint64 late[] = { 601, -601, 3600, -100000 };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_test_message ("clock skew %" G_GINT64_FORMAT " s", ok[i]);
      g_assert_true (verify_signed (EVENTS_BODY, TIMESTAMP, TIMESTAMP + ok[i], NULL, NULL, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (late); i++)
    {
      g_test_message ("clock skew %" G_GINT64_FORMAT " s", late[i]);
      g_assert_false (verify_signed (EVENTS_BODY, TIMESTAMP, TIMESTAMP + late[i], NULL, NULL, &error));
      g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
      g_clear_error (&error);
    }
  g_assert_false (verify_signed (EVENTS_BODY, TIMESTAMP, TIMESTAMP, "auth_timestamp", "soon", &error));
  g_assert_error (error, TS_PUSHER_ERROR, TS_PUSHER_ERROR_UNAUTHORIZED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/pusher/channel-auth-vectors", test_channel_auth_vectors);
  g_test_add_func ("/server/pusher/channel-auth-verify", test_channel_auth_verify);
  g_test_add_func ("/server/pusher/hmac-as-glib", test_hmac_as_glib);
  g_test_add_func ("/server/pusher/secure-equal", test_secure_equal);
  g_test_add_func ("/server/pusher/channel-names", test_channel_names);
  g_test_add_func ("/server/pusher/channel-data", test_channel_data);
  g_test_add_func ("/server/pusher/socket-ids", test_socket_ids);
  g_test_add_func ("/server/pusher/http-vectors", test_http_vectors);
  g_test_add_func ("/server/pusher/http-query-parse", test_http_query_parse);
  g_test_add_func ("/server/pusher/http-verify", test_http_verify);
  g_test_add_func ("/server/pusher/http-timestamp-window", test_http_timestamp_window);

  return g_test_run ();
}
