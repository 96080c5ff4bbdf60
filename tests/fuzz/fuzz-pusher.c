/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Pusher helpers (ts-pusher.c) on what clients send them: channel
 * names, socket ids, presence channel data and channel signatures from
 * `pusher:subscribe` and the auth form, and the query and body of a
 * signed HTTP API request.
 *
 * Input: up to six fields separated by newlines, in this order:
 * channel name, socket id, channel data, auth, query, body (the body is
 * the rest, newlines and all). Checks: the channel's kind agrees with its
 * validity; presence data either fails or gives a user id of 1 to 128
 * characters; only the exact signature verifies; a signed query (the
 * fuzzed parameters signed as a Pusher library signs them) parses back to
 * the same parameters and verifies, and the fuzzed query never verifies
 * unless it carries that very signature. */

#include "fuzz-common.h"
#include "ts-pusher.h"

#include <string.h>

#define KEY "278d425bdf160c739803"
#define SECRET "7ad3773142a6692b25b8"
#define METHOD "POST"
#define PATH "/apps/3/events"
#define NOW G_GINT64_CONSTANT (1700000000)

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static void
check_channel (const char *channel,
               const char *socket_id,
               const char *channel_data,
               const char *auth)
{
  TsPusherChannelType type = ts_pusher_channel_get_type (channel);
  g_autofree char *expected = NULL;
  g_autofree char *user_id = NULL;
  g_autoptr(JsonNode) user_info = NULL;
  g_autoptr(GError) error = NULL;

  FUZZ_CHECK ((type != TS_PUSHER_CHANNEL_INVALID) == ts_pusher_channel_name_is_valid (channel));
  FUZZ_CHECK (type == TS_PUSHER_CHANNEL_INVALID || strlen (channel) <= TS_PUSHER_CHANNEL_NAME_MAX);

  if (ts_pusher_parse_channel_data (channel_data, &user_id, &user_info, &error))
    {
      FUZZ_CHECK (user_id != NULL && user_id[0] != '\0');
      FUZZ_CHECK (g_utf8_validate (user_id, -1, NULL));
      FUZZ_CHECK (g_utf8_strlen (user_id, -1) <= TS_PUSHER_USER_ID_MAX);
    }
  else
    FUZZ_CHECK (error != NULL && user_id == NULL);

  if (ts_pusher_socket_id_is_valid (socket_id))
    FUZZ_CHECK (strlen (socket_id) < TS_PUSHER_SOCKET_ID_SIZE);

  /* Only the signature itself verifies. */
  expected = ts_pusher_channel_auth (KEY, SECRET, socket_id, channel, channel_data);
  FUZZ_CHECK (ts_pusher_channel_auth_verify (KEY, SECRET, socket_id, channel, channel_data,
                                             expected));
  FUZZ_CHECK (ts_pusher_channel_auth_verify (KEY, SECRET, socket_id, channel, channel_data, auth) ==
              g_str_equal (auth, expected));
}

static gboolean
params_equal_but_auth (GHashTable *params,
                       GHashTable *signed_params)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_str_has_prefix (key, "auth_") || g_str_equal (key, "body_md5"))
        continue;
      if (g_strcmp0 (g_hash_table_lookup (signed_params, key), value) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
check_http (const char *query,
            const char *body,
            gsize       body_size)
{
  g_autoptr(GHashTable) params = ts_pusher_query_parse (query, NULL);
  g_autoptr(GHashTable) signed_params = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *signed_query = NULL;
  g_autofree char *to_sign = NULL;

  if (params == NULL)
    return;

  to_sign = ts_pusher_http_string_to_sign (METHOD, PATH, params);
  FUZZ_CHECK (to_sign != NULL);

  signed_query = ts_pusher_http_sign_query (KEY, SECRET, METHOD, PATH, params, body, body_size,
                                            NOW);
  signed_params = ts_pusher_query_parse (signed_query, &error);
  if (signed_params == NULL)
    g_printerr ("a signed query does not parse: %s\n%s\n", error->message, signed_query);
  FUZZ_CHECK (signed_params != NULL);
  FUZZ_CHECK (params_equal_but_auth (params, signed_params));
  if (!ts_pusher_http_verify (KEY, SECRET, METHOD, PATH, signed_params, body, body_size, NOW,
                              &error))
    g_printerr ("a signed query does not verify: %s\n%s\n", error->message, signed_query);
  FUZZ_CHECK (error == NULL);

  /* The fuzzed query as it came: refused or not, it is checked whole. */
  g_clear_error (&error);
  if (!ts_pusher_http_verify (KEY, SECRET, METHOD, PATH, params, body, body_size, NOW, &error))
    FUZZ_CHECK (error != NULL && error->domain == TS_PUSHER_ERROR);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* Strings, as a C API takes them: cut at the first NUL. */
  g_autofree char *text = g_strndup ((const char *) data, size);
  const char *fields[6] = { "", "", NULL, "", "", "" };
  char *at = text;

  for (guint i = 0; i < G_N_ELEMENTS (fields) && at != NULL; i++)
    {
      char *newline = i + 1 < G_N_ELEMENTS (fields) ? strchr (at, '\n') : NULL;

      fields[i] = at;
      at = NULL;
      if (newline != NULL)
        {
          *newline = '\0';
          at = newline + 1;
        }
    }

  check_channel (fields[0], fields[1], fields[2], fields[3]);
  check_http (fields[4], fields[5], strlen (fields[5]));
  return 0;
}
