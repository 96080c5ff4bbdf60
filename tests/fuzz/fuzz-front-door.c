/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The front door's peek (ts-front-door.c): what a new connection's first
 * bytes make of it. Whatever it takes as a WebSocket handshake must be
 * one libsoup's own request parser reads the same way: a GET of the same
 * target, with the headers of a version 13 upgrade and the key whose
 * answer the door computed. Anything the door gets wrong there it would
 * answer with a 101 that libsoup, which serves everything else, would
 * have refused. The input is also read cut short at every size a slow
 * client could send, which must never upgrade on less than a head.
 *
 * The same bytes are read as the door's calls (ts_front_door_peek_call()):
 * a request the door takes and answers itself must be one libsoup reads
 * as the same request, with the same token and body, that SoupServer
 * would serve on a kept-alive connection: a `POST /api/v1/realtime/auth`
 * or `GET /api/v1/health` of HTTP/1.1 with a Host it makes a URI of, no
 * framing but Content-Length, no Expect, no Connection but keep-alive. */

#include "fuzz-common.h"
#include "ts-front-door-private.h"

#include <libsoup/soup.h>
#include <string.h>

#define PATH_PREFIX "/app/"
#define PREFIX "GET " PATH_PREFIX
#define CAPACITY 8192
#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define CALL_MAX_BODY 8192

static const char * const call_lines[] = {
  "POST /api/v1/realtime/auth HTTP/1.1",
  "GET /api/v1/health HTTP/1.1",
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static char *
expected_accept (const char *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_size = sizeof digest;

  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) WEBSOCKET_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_size);
  return g_base64_encode (digest, digest_size);
}

static void
check_upgrade (const char *data,
               gsize       head_size,
               const char *target,
               const char *accept)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *accept_again = NULL;
  SoupHTTPVersion version;
  const char *key;
  guint status;

  FUZZ_CHECK (g_str_has_prefix (data, PREFIX));
  FUZZ_CHECK (g_str_has_prefix (target, PATH_PREFIX));
  FUZZ_CHECK (memcmp (data + head_size - 4, "\r\n\r\n", 4) == 0);

  status = soup_headers_parse_request (data, head_size, headers, &method, &path, &version);
  if (status != SOUP_STATUS_OK)
    g_printerr ("the door upgrades what libsoup answers %u\n", status);
  FUZZ_CHECK (status == SOUP_STATUS_OK);
  FUZZ_CHECK (g_str_equal (method, "GET"));
  FUZZ_CHECK (g_str_equal (path, target));
  FUZZ_CHECK (version == SOUP_HTTP_1_1);
  FUZZ_CHECK (soup_message_headers_header_contains (headers, "Upgrade", "websocket"));
  FUZZ_CHECK (soup_message_headers_header_contains (headers, "Connection", "upgrade"));
  FUZZ_CHECK (g_strcmp0 (soup_message_headers_get_one (headers, "Sec-WebSocket-Version"), "13") == 0);
  FUZZ_CHECK (soup_message_headers_get_one (headers, "Host") != NULL);
  /* No body: the door does not read one. */
  FUZZ_CHECK (soup_message_headers_get_one (headers, "Content-Length") == NULL);
  FUZZ_CHECK (soup_message_headers_get_one (headers, "Transfer-Encoding") == NULL);
  key = soup_message_headers_get_one (headers, "Sec-WebSocket-Key");
  FUZZ_CHECK (key != NULL);
  accept_again = expected_accept (key);
  FUZZ_CHECK (g_str_equal (accept, accept_again));
}

static TsFrontDoorPeek
peek (const char *data,
      gsize       size,
      gsize      *out_head_size,
      gboolean    check)
{
  g_autofree char *target = NULL;
  g_autofree char *accept = NULL;
  TsFrontDoorPeek verdict;

  verdict = ts_front_door_peek (PREFIX, data, size, CAPACITY, out_head_size, &target, &accept);
  if (verdict == TS_FRONT_DOOR_PEEK_UPGRADE)
    {
      FUZZ_CHECK (*out_head_size <= size);
      FUZZ_CHECK (target != NULL && accept != NULL);
      if (check)
        check_upgrade (data, *out_head_size, target, accept);
    }
  return verdict;
}

typedef struct {
  guint n_host, n_length, n_authorization;
} Counts;

static void
count_header (const char *name,
              const char *value,
              gpointer    data)
{
  Counts *counts = data;

  counts->n_host += g_ascii_strcasecmp (name, "Host") == 0;
  counts->n_length += g_ascii_strcasecmp (name, "Content-Length") == 0;
  counts->n_authorization += g_ascii_strcasecmp (name, "Authorization") == 0;
}

/* What the route reads from libsoup's headers (ts-server.c). */
static char *
soup_bearer_token (SoupMessageHeaders *headers)
{
  const char *header = soup_message_headers_get_one (headers, "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  return g_strstrip (g_strdup (header + 7));
}

static void
check_call (const char *line,
            const char *data,
            gsize       size,
            gsize       call_size,
            const char *token,
            GBytes     *body)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected_method = g_strndup (line, strcspn (line, " "));
  g_autofree char *expected_path = g_strndup (line + strlen (expected_method) + 1,
                                              strcspn (line + strlen (expected_method) + 1, " "));
  g_autofree char *soup_token = NULL;
  g_autofree char *uri_text = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *end = g_strstr_len (data, size, "\r\n\r\n");
  Counts counts = { 0, };
  SoupEncoding encoding;
  SoupHTTPVersion version;
  gsize head_size;
  guint status;

  FUZZ_CHECK (end != NULL);
  head_size = end + 4 - data;
  FUZZ_CHECK (call_size <= size && call_size == head_size + g_bytes_get_size (body));
  FUZZ_CHECK (g_bytes_get_size (body) == 0 ||
              memcmp (g_bytes_get_data (body, NULL), data + head_size, g_bytes_get_size (body)) == 0);

  status = soup_headers_parse_request (data, head_size, headers, &method, &path, &version);
  if (status != SOUP_STATUS_OK)
    g_printerr ("the door takes a call libsoup answers %u\n", status);
  FUZZ_CHECK (status == SOUP_STATUS_OK);
  FUZZ_CHECK (g_str_equal (method, expected_method));
  FUZZ_CHECK (g_str_equal (path, expected_path));
  FUZZ_CHECK (version == SOUP_HTTP_1_1);

  /* SoupServer makes the request's URI of its Host, and refuses it (400)
   * when it cannot. */
  soup_message_headers_foreach (headers, count_header, &counts);
  FUZZ_CHECK (counts.n_host == 1 && counts.n_length <= 1 && counts.n_authorization <= 1);
  uri_text = g_strdup_printf ("http://%s%s", soup_message_headers_get_one (headers, "Host"), path);
  uri = g_uri_parse (uri_text, SOUP_HTTP_URI_FLAGS, NULL);
  FUZZ_CHECK (uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0');

  /* The same body, framed by Content-Length alone, on a connection kept
   * alive after the answer. */
  encoding = soup_message_headers_get_encoding (headers);
  FUZZ_CHECK (encoding == SOUP_ENCODING_CONTENT_LENGTH || encoding == SOUP_ENCODING_NONE);
  FUZZ_CHECK ((encoding == SOUP_ENCODING_NONE ? 0 :
               (gsize) soup_message_headers_get_content_length (headers)) == g_bytes_get_size (body));
  FUZZ_CHECK (soup_message_headers_get_expectations (headers) == 0);
  FUZZ_CHECK (soup_message_headers_get_one (headers, "Expect") == NULL);
  FUZZ_CHECK (soup_message_headers_get_one (headers, "Transfer-Encoding") == NULL);
  FUZZ_CHECK (!soup_message_headers_header_contains (headers, "Connection", "close"));
  FUZZ_CHECK (!soup_message_headers_header_contains (headers, "Connection", "upgrade"));

  soup_token = soup_bearer_token (headers);
  FUZZ_CHECK (g_strcmp0 (soup_token, token) == 0);
}

static TsFrontDoorCallVerdict
peek_call (const char  *line,
           const char  *data,
           gsize        size,
           gsize       *out_size,
           char       **out_token,
           GBytes     **out_body,
           gboolean     check)
{
  TsFrontDoorCallVerdict verdict;

  verdict = ts_front_door_peek_call (line, data, size, CALL_MAX_BODY, out_size, out_token, out_body);
  if (verdict == TS_FRONT_DOOR_CALL_TAKE && check)
    check_call (line, data, size, *out_size, *out_token, *out_body);
  return verdict;
}

/* A call the door takes on part of the bytes it takes on all of them, the
 * same; and whatever it leaves to libsoup on the whole, it never took on
 * a part. */
static void
test_calls (const char *data,
            gsize       size)
{
  for (guint i = 0; i < G_N_ELEMENTS (call_lines); i++)
    {
      g_autofree char *token = NULL;
      g_autoptr(GBytes) body = NULL;
      gsize call_size = 0;
      TsFrontDoorCallVerdict verdict = peek_call (call_lines[i], data, size, &call_size, &token,
                                                  &body, TRUE);

      for (gsize cut = 0; cut < size; cut += 1 + cut / 4)
        {
          g_autofree char *cut_token = NULL;
          g_autoptr(GBytes) cut_body = NULL;
          gsize cut_size = 0;

          TsFrontDoorCallVerdict first = peek_call (call_lines[i], data, cut, &cut_size,
                                                    &cut_token, &cut_body, FALSE);

          /* A head taken with its body on the way: the whole is a call. */
          if (first == TS_FRONT_DOOR_CALL_BODY)
            FUZZ_CHECK (verdict == TS_FRONT_DOOR_CALL_TAKE || verdict == TS_FRONT_DOOR_CALL_BODY);
          if (first != TS_FRONT_DOOR_CALL_TAKE)
            continue;
          FUZZ_CHECK (verdict == TS_FRONT_DOOR_CALL_TAKE && cut_size == call_size);
          FUZZ_CHECK (g_strcmp0 (cut_token, token) == 0 && g_bytes_equal (cut_body, body));
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* The door peeks into a buffer of its own, not NUL-terminated. */
  g_autofree char *copy = NULL;
  gsize head_size = 0, cut_head_size = 0;
  TsFrontDoorPeek verdict;

  size = MIN (size, CAPACITY);
  copy = g_malloc (MAX (size, 1));
  memcpy (copy, data, size);
  verdict = peek (copy, size, &head_size, TRUE);

  /* The same bytes arriving in two parts: the first peek waits or decides
   * as the whole would, never upgrades on a part of the head. */
  for (gsize cut = 0; cut < size; cut += 1 + cut / 4)
    {
      TsFrontDoorPeek first = peek (copy, cut, &cut_head_size, FALSE);

      if (first == TS_FRONT_DOOR_PEEK_UPGRADE)
        FUZZ_CHECK (verdict == TS_FRONT_DOOR_PEEK_UPGRADE && cut_head_size == head_size);
      else if (first == TS_FRONT_DOOR_PEEK_SOUP)
        FUZZ_CHECK (verdict == TS_FRONT_DOOR_PEEK_SOUP);
    }
  test_calls (copy, size);
  return 0;
}
