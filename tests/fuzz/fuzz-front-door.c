/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The front door's peek (ts-front-door.c): what a new connection's first
 * bytes make of it. Whatever it takes as a WebSocket handshake must be
 * one libsoup's own request parser reads the same way: a GET of the same
 * target, with the headers of a version 13 upgrade and the key whose
 * answer the door computed. Anything the door gets wrong there it would
 * answer with a 101 that libsoup, which serves everything else, would
 * have refused. The input is also read cut short at every size a slow
 * client could send, which must never upgrade on less than a head. */

#include "fuzz-common.h"
#include "ts-front-door-private.h"

#include <libsoup/soup.h>
#include <string.h>

#define PATH_PREFIX "/app/"
#define PREFIX "GET " PATH_PREFIX
#define CAPACITY 8192
#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

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
  return 0;
}
