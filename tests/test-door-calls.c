/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The front door's calls (src/server/ts-front-door-call.c,
 * ts-server-door.c): `POST /api/v1/realtime/auth` and `GET /api/v1/health`
 * read and answered by the door must be answered exactly as SoupServer
 * answers them. Each request here goes to a real truestory-server twice:
 * first on a fresh connection, where the door takes it when its form is
 * plain, and then on a connection whose first request was one the door
 * leaves to libsoup (a query on /health), so that libsoup serves it. The
 * two byte streams, up to the end of the connection or a quiet moment,
 * must be the same but for the Date headers. Each case also says whether
 * the door takes it (ts_front_door_peek_call()), so that a door that took
 * nothing could not pass: good requests and every bad one (token,
 * channel, membership, socket id, forms, content types), and the forms the
 * door leaves to libsoup (chunked bodies, Expect, HTTP/1.0, Connection:
 * close, repeated headers, large bodies), pipelined requests and a call
 * followed by a request of libsoup's on the same connection. */

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server-harness.h"
#include "ts-front-door-private.h"

#define RECEIVE_TIMEOUT_S 3
/* Both streams are read until the server closes or is quiet this long. */
#define QUIET_MS 400
/* In a request: the client stops sending here for PAUSE_MS. */
#define PAUSE "<PAUSE>"
#define PAUSE_MS 300
#define TO_SOUP "GET /api/v1/health?to-libsoup HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
#define HEALTH_ANSWER "{\"status\":\"ok\"}"
#define AUTH_LINE "POST /api/v1/realtime/auth HTTP/1.1"
/* The door's own limit on a call's body (ts-front-door.c). */
#define CALL_MAX_BODY (8 * 1024)

static const char * const args[] = {
  "--app-id", "4242", "--app-key", "0123456789abcdef0123",
  "--app-secret", "fedcba9876543210fedcba9876543210", NULL
};

static struct {
  TestServer *server;
  char *ada;  /* a member of the project */
  char *bob;  /* not a member */
  gint64 project_id;
} world;

typedef enum {
  DOOR,       /* the door takes the (first) request */
  SOUP,       /* the door leaves it to libsoup */
  WAITING,    /* the door has its head and waits for its body */
} Taker;

typedef struct {
  const char *name;
  Taker taker;
  /* The request: a template where TOKEN is Ada's token, BOB Bob's, and
   * PROJECT the project's id; LENGTH is the length of what follows the
   * blank line after it. */
  const char *request;
} Case;

/* Expands a case's template. */
static char *
request_new (const char *template)
{
  g_autofree char *project = g_strdup_printf ("%" G_GINT64_FORMAT, world.project_id);
  g_autoptr(GString) text = g_string_new (template);
  g_autoptr(GString) counted = NULL;
  const char *body;
  g_autofree char *length = NULL;

  g_string_replace (text, "TOKEN", world.ada, 0);
  g_string_replace (text, "BOB", world.bob, 0);
  g_string_replace (text, "PROJECT", project, 0);
  /* Only the first request's length is counted (pauses aside): later ones
   * say theirs. */
  counted = g_string_new (text->str);
  g_string_replace (counted, PAUSE, "", 0);
  body = strstr (counted->str, "\r\n\r\n");
  if (body != NULL && strstr (text->str, "LENGTH") != NULL)
    {
      const char *next = strstr (body + 4, "POST ");
      gsize size = (next != NULL ? (gsize) (next - body) : strlen (body)) - 4;

      length = g_strdup_printf ("%zu", size);
      g_string_replace (text, "LENGTH", length, 1);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Sends @request and reads everything until the server closes ("<EOF>"
 * is appended then) or is quiet for QUIET_MS. */
static char *
exchange (const char *request)
{
  int fd = test_server_connect_raw (world.server, RECEIVE_TIMEOUT_S);
  GString *received = g_string_new (NULL);
  char buffer[16 * 1024];

  g_auto(GStrv) parts = g_strsplit (request, PAUSE, -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (i > 0)
        g_usleep (PAUSE_MS * 1000);
      g_assert_true (test_socket_try_send (fd, parts[i], strlen (parts[i])));
    }
  for (;;)
    {
      struct pollfd pollfd = { .fd = fd, .events = POLLIN };
      ssize_t n;

      if (poll (&pollfd, 1, QUIET_MS) == 0)
        break;
      n = recv (fd, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_string_append (received, "<EOF>");
          break;
        }
      g_string_append_len (received, buffer, n);
    }
  close (fd);
  return g_string_free (received, FALSE);
}

/* Every Date header's value made "DATE". */
static char *
without_dates (const char *stream)
{
  g_autoptr(GRegex) date = g_regex_new ("\r\nDate: [^\r]*\r\n", 0, 0, NULL);

  return g_regex_replace_literal (date, stream, -1, 0, "\r\nDate: DATE\r\n", 0, NULL);
}

static Taker
taker_of (const char *with_pauses)
{
  /* The door reads what came so far: all of it, once the pauses are over. */
  g_autoptr(GString) whole = g_string_new (with_pauses);
  const char * const lines[] = { AUTH_LINE, "GET /api/v1/health HTTP/1.1", NULL };

  g_string_replace (whole, PAUSE, "", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *token = NULL;
      g_autoptr(GBytes) body = NULL;
      gsize size;

      switch (ts_front_door_peek_call (lines[i], whole->str, whole->len, CALL_MAX_BODY, &size,
                                       &token, &body))
        {
        case TS_FRONT_DOOR_CALL_TAKE:
          return DOOR;
        case TS_FRONT_DOOR_CALL_BODY:
          return WAITING;
        case TS_FRONT_DOOR_CALL_NO:
        case TS_FRONT_DOOR_CALL_PARTIAL:
        default:
          break;
        }
    }
  return SOUP;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *request = request_new (c->request);
  g_autofree char *via_soup = g_strconcat (TO_SOUP, request, NULL);
  g_autofree char *door_stream = exchange (request);
  g_autofree char *soup_stream = exchange (via_soup);
  const char *after_warmup = strstr (soup_stream, HEALTH_ANSWER);
  g_autofree char *door_text = NULL;
  g_autofree char *soup_text = NULL;

  g_assert_cmpint (taker_of (request), ==, c->taker);
  g_assert_cmpint (taker_of (via_soup), ==, SOUP);
  g_assert_nonnull (after_warmup);
  door_text = without_dates (door_stream);
  soup_text = without_dates (after_warmup + strlen (HEALTH_ANSWER));
  /* Everything the door takes is answered (a body still to come is not). */
  if (c->taker == DOOR)
    g_assert_true (g_str_has_prefix (door_text, "HTTP/1.1 "));
  g_assert_cmpstr (door_text, ==, soup_text);
}

#define AUTH_HEAD(extra) \
  AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\n" extra \
  "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: LENGTH\r\n\r\n"
#define AUTH(form) AUTH_HEAD ("") form
#define GOOD_FORM "socket_id=1234.5678&channel_name=private-project-PROJECT"

static const Case cases[] = {
  { "private", DOOR, AUTH (GOOD_FORM) },
  { "presence", DOOR, AUTH ("socket_id=1234.5678&channel_name=presence-project-PROJECT") },
  { "unknown-channel", DOOR, AUTH ("socket_id=1234.5678&channel_name=private-project-999999") },
  { "other-channel", DOOR, AUTH ("socket_id=1234.5678&channel_name=private-encrypted-x") },
  { "not-a-member", DOOR,
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer BOB\r\nContent-Length: LENGTH\r\n\r\n"
    GOOD_FORM },
  { "bad-socket-id", DOOR, AUTH ("socket_id=12345678&channel_name=private-project-PROJECT") },
  { "socket-id-missing", DOOR, AUTH ("channel_name=private-project-PROJECT") },
  { "malformed-form", DOOR, AUTH ("%zz=&&=%&socket_id") },
  { "empty-form", DOOR, AUTH ("") },
  { "no-content-length", DOOR, AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\n\r\n" },
  { "token-missing", DOOR,
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nContent-Length: LENGTH\r\n\r\n" GOOD_FORM },
  { "token-bad", DOOR,
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer nope\r\nContent-Length: LENGTH\r\n\r\n"
    GOOD_FORM },
  { "not-bearer", DOOR,
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Basic TOKEN\r\nContent-Length: LENGTH\r\n\r\n"
    GOOD_FORM },
  { "bearer-spaced", DOOR,
    AUTH_LINE "\r\nhost: 127.0.0.1:80\r\nauthorization:   bEARER   TOKEN  \r\n"
    "content-length: LENGTH\r\n\r\n" GOOD_FORM },
  { "json-content-type", DOOR,
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\nContent-Type: application/json\r\n"
    "Content-Length: LENGTH\r\n\r\n" GOOD_FORM },
  { "keep-alive", DOOR, AUTH_HEAD ("Connection: keep-alive\r\n") GOOD_FORM },
  { "pipelined", DOOR,
    AUTH (GOOD_FORM) AUTH_LINE "\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc"
    "GET /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\n"
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\nContent-Length: 1\r\n\r\nx" },
  { "then-libsoup", DOOR,
    AUTH (GOOD_FORM) "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\n\r\n"
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n" },
  { "health", DOOR, "GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n" },
  { "body-later", DOOR, AUTH_HEAD ("") PAUSE "socket_id=1234.5678&" PAUSE "channel_name=private-project-PROJECT" },
  { "head-in-pieces", DOOR, AUTH_LINE "\r\nHost: 127.0.0." PAUSE "1\r\nAuthorization: Bearer TOKEN\r\n"
    "Content-Length: LENGTH\r\n\r" PAUSE "\n" GOOD_FORM },
  { "wrong-method", SOUP, "GET /api/v1/realtime/auth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" },
  { "chunked", SOUP,
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\nTransfer-Encoding: chunked\r\n\r\n"
    "a\r\nsocket_id=\r\n9\r\n1234.5678\r\n0\r\n\r\n" },
  { "expect-continue", SOUP, AUTH_HEAD ("Expect: 100-continue\r\n") GOOD_FORM },
  { "http-1.0", SOUP,
    "POST /api/v1/realtime/auth HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\n"
    "Content-Length: LENGTH\r\n\r\n" GOOD_FORM },
  { "connection-close", SOUP, AUTH_HEAD ("Connection: close\r\n") GOOD_FORM },
  { "two-tokens", SOUP, AUTH_HEAD ("Authorization: Bearer BOB\r\n") GOOD_FORM },
  { "no-host", SOUP,
    AUTH_LINE "\r\nAuthorization: Bearer TOKEN\r\nContent-Length: LENGTH\r\n\r\n" GOOD_FORM },
  { "query", SOUP,
    "POST /api/v1/realtime/auth?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\n"
    "Content-Length: LENGTH\r\n\r\n" GOOD_FORM },
  { "bare-lf", SOUP,
    AUTH_LINE "\r\nHost: 127.0.0.1\nAuthorization: Bearer TOKEN\r\nContent-Length: LENGTH\r\n\r\n"
    GOOD_FORM },
  { "too-large", SOUP,
    AUTH_LINE "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer TOKEN\r\nContent-Length: 2000000\r\n\r\n" },
  { "body-missing", WAITING, AUTH_LINE "\r\nHost: 127.0.0.1\r\nContent-Length: 20\r\n\r\nsocket_id" },
};

/* A form over the door's own limit: libsoup reads it, as before. */
static void
test_large_form (void)
{
  g_autoptr(GString) form = g_string_new (GOOD_FORM "&pad=");
  Case c = { "large-form", SOUP, NULL };
  g_autofree char *request = NULL;

  while (form->len <= CALL_MAX_BODY)
    g_string_append (form, "xxxxxxxxxxxxxxxx");
  request = g_strconcat (AUTH_HEAD (""), form->str, NULL);
  c.request = request;
  test_case (&c);
}

/* The head of the 101 in @stream, Dates masked. */
static char *
upgrade_head (const char *stream)
{
  const char *start = strstr (stream, "HTTP/1.1 101 ");
  g_autofree char *head = NULL;

  g_assert_nonnull (start);
  g_assert_nonnull (strstr (start, "\r\n\r\n"));
  head = g_strndup (start, strstr (start, "\r\n\r\n") + 4 - start);
  return without_dates (head);
}

/* A WebSocket handshake after a call, on the same connection, is answered
 * by libsoup as it was before the door took calls (not with the door's
 * own 101, which it gives a connection's first request). */
static void
test_handshake_after_call (void)
{
  const char *handshake = "GET /app/0123456789abcdef0123?protocol=7 HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
  g_autofree char *call = request_new (AUTH (GOOD_FORM));
  g_autofree char *after_call = g_strconcat (call, handshake, NULL);
  g_autofree char *after_soup = g_strconcat (TO_SOUP, handshake, NULL);
  g_autofree char *door_stream = exchange (after_call);
  g_autofree char *soup_stream = exchange (after_soup);
  g_autofree char *first_stream = exchange (handshake);
  g_autofree char *door_head = upgrade_head (door_stream);
  g_autofree char *soup_head = upgrade_head (soup_stream);
  g_autofree char *first_head = upgrade_head (first_stream);

  g_assert_cmpint (taker_of (after_call), ==, DOOR);
  g_assert_true (g_str_has_prefix (door_stream, "HTTP/1.1 200 OK\r\n"));
  g_assert_cmpstr (door_head, ==, soup_head);
  /* Not the door's own: libsoup's names the server. */
  g_assert_nonnull (strstr (soup_head, "\r\nServer: "));
  g_assert_null (strstr (first_head, "\r\nServer: "));
}

/* Reads until the server closes: how long that took, in ms. */
static gint64
ms_until_closed (int      fd,
                 gboolean unread_input)
{
  gint64 start = g_get_monotonic_time ();
  char buffer[4096];
  ssize_t n;

  do
    n = recv (fd, buffer, sizeof buffer, 0);
  while (n > 0 || (n < 0 && errno == EINTR));
  /* Closing a socket with unread input resets it, on libsoup's side too. */
  if (n < 0 && !(unread_input && errno == ECONNRESET))
    g_error ("the connection was not closed: %s", g_strerror (errno));
  return (g_get_monotonic_time () - start) / 1000;
}

/* The guard's idle timeout holds on the connections the door keeps: one
 * idle after a call's answer is closed as libsoup's are, and so is one
 * with half a head; and its body timeout holds on a call whose body
 * stalls, whether the door or libsoup reads it. */
static void
test_idle_timeout (void)
{
  const char * const idle_args[] = { "--idle-timeout", "1", "--body-timeout", "1", NULL };
  const char *stalled = AUTH_LINE "\r\nHost: a\r\nContent-Length: 30\r\n\r\nsocket_id=1";
  TestServer *server = test_server_start (idle_args);
  const char *health = "GET /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\n";
  const char *half = "POST /api/v1/realtime/auth HTTP/1.1\r\nHost: a\r\n";

  for (guint i = 0; i < 2; i++)
    {
      int fd = test_server_connect_raw (server, RECEIVE_TIMEOUT_S);
      char buffer[4096];
      gint64 ms;

      g_assert_true (test_socket_try_send (fd, health, strlen (health)));
      g_assert_cmpint (recv (fd, buffer, sizeof buffer, 0), >, 0);
      if (i == 1)
        g_assert_true (test_socket_try_send (fd, half, strlen (half)));
      ms = ms_until_closed (fd, i == 1);
      /* At 1 s, and well before the receive timeout. */
      g_assert_cmpint (ms, >=, 900);
      g_assert_cmpint (ms, <, RECEIVE_TIMEOUT_S * 1000 - 500);
      close (fd);
    }
  for (guint i = 0; i < 2; i++)
    {
      int fd = test_server_connect_raw (server, RECEIVE_TIMEOUT_S);
      g_autofree char *request = g_strconcat (i == 0 ? "" : TO_SOUP, stalled, NULL);
      char buffer[4096];
      gint64 ms;

      g_assert_cmpint (taker_of (request), ==, i == 0 ? WAITING : SOUP);
      g_assert_true (test_socket_try_send (fd, request, strlen (request)));
      if (i == 1)
        g_assert_cmpint (recv (fd, buffer, sizeof buffer, 0), >, 0);
      ms = ms_until_closed (fd, TRUE);
      g_assert_cmpint (ms, >=, 900);
      g_assert_cmpint (ms, <, RECEIVE_TIMEOUT_S * 1000 - 500);
      close (fd);
    }
  test_server_stop (server);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  world.server = test_server_start (args);
  world.ada = test_server_add_and_sign_in (world.server, "ada@example.org", "Ada", "a password 1");
  world.bob = test_server_add_and_sign_in (world.server, "bob@example.org", "Bob", "a password 2");
  world.project_id = test_server_create_project (world.server, world.ada, "{\"name\": \"Door\"}");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/door-calls/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/door-calls/large-form", test_large_form);
  g_test_add_func ("/door-calls/idle-timeout", test_idle_timeout);
  g_test_add_func ("/door-calls/handshake-after-call", test_handshake_after_call);
  status = g_test_run ();

  test_server_stop (world.server);
  g_free (world.ada);
  g_free (world.bob);
  return status;
}
