/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Large uploads against the body limits (`meson test -C build --benchmark
 * --suite server bench-uploads`, or build/tests/bench-uploads with
 * TRUESTORY_SERVER set). It starts the real truestory-server and sends
 * four unauthenticated 200 MB bodies at once, each on its own thread:
 * with a Content-Length to the REST API, to the HTTP API and to a path
 * nothing serves, and chunked to the REST API. It prints what each client
 * read back and after how many bytes, and the server's peak RSS growth
 * against its target (< 20 MB). Exits 1 when the target is missed.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server-harness.h"

#define APP_ID "8008"
#define UPLOAD_BYTES (200 * 1000 * 1000)
#define WRITE_SIZE (64 * 1024)
#define TARGET_GROWTH_KB (20 * 1024)
/* A client that has its answer stops sending; one that is never answered
 * fails the run rather than hanging it. */
#define RECEIVE_TIMEOUT_S 60

typedef struct {
  const char *label;
  const char *path;
  gboolean chunked;
  guint16 port;
  /* Results: */
  guint64 sent;
  char *answer;  /* the status line, or what went wrong */
  double seconds;
} Upload;

static guint64
status_kb (int         pid,
           const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, field)) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (field), NULL, 10);
}

/* Resets the peak RSS (VmHWM) to the current RSS; needs Linux 4.0. */
static gboolean
reset_peak (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/clear_refs", pid);
  FILE *file = fopen (path, "w");
  gboolean done;

  if (file == NULL)
    return FALSE;
  done = fputs ("5", file) >= 0;
  return fclose (file) == 0 && done;
}

static int
connect_to (guint16 port)
{
  struct timeval timeout = { .tv_sec = RECEIVE_TIMEOUT_S };
  struct sockaddr_in address = {
    .sin_family = AF_INET,
    .sin_port = g_htons (port),
    .sin_addr.s_addr = g_htonl (INADDR_LOOPBACK),
  };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || connect (fd, (struct sockaddr *) &address, sizeof address) < 0)
    g_error ("cannot connect to port %u: %s", port, g_strerror (errno));
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  return fd;
}

static gboolean
send_all (int         fd,
          const void *data,
          gsize       size)
{
  gsize done = 0;

  while (done < size)
    {
      ssize_t n = send (fd, (const char *) data + done, size - done, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

/* Sends the head and as much of the body as the server takes. */
static void
upload_send (Upload *upload,
             int     fd)
{
  g_autofree char *head = NULL;
  g_autofree guint8 *block = g_malloc0 (WRITE_SIZE);
  char chunk_head[32];

  if (upload->chunked)
    head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Content-Type: application/json\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n", upload->path);
  else
    head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Content-Type: application/json\r\n"
                            "Content-Length: %d\r\n\r\n", upload->path, UPLOAD_BYTES);
  if (!send_all (fd, head, strlen (head)))
    return;
  g_snprintf (chunk_head, sizeof chunk_head, "%x\r\n", WRITE_SIZE);
  while (upload->sent < UPLOAD_BYTES)
    {
      gsize size = MIN (WRITE_SIZE, UPLOAD_BYTES - upload->sent);

      if (upload->chunked && !send_all (fd, chunk_head, strlen (chunk_head)))
        return;
      if (!send_all (fd, block, size))
        return;
      if (upload->chunked && !send_all (fd, "\r\n", 2))
        return;
      upload->sent += size;
    }
  if (upload->chunked)
    send_all (fd, "0\r\n\r\n", 5);
}

static gpointer
upload_run (gpointer data)
{
  Upload *upload = data;
  gint64 start = g_get_monotonic_time ();
  int fd = connect_to (upload->port);
  char answer[512];
  char *result;
  ssize_t n;

  upload_send (upload, fd);
  do
    n = recv (fd, answer, sizeof answer - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    {
      answer[n] = '\0';
      result = g_strndup (answer, strcspn (answer, "\r\n"));
    }
  else
    result = g_strdup_printf ("no answer (%s)", n == 0 ? "closed" : g_strerror (errno));
  upload->seconds = (g_get_monotonic_time () - start) / 1e6;
  close (fd);
  /* Last: the main thread waits for it. */
  g_atomic_pointer_set (&upload->answer, result);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  const char * const args[] = { "--app-id", APP_ID, NULL };
  TestServer *server;
  Upload uploads[] = {
    { "Content-Length to the REST API", "/api/v1/projects", FALSE },
    { "Content-Length to the HTTP API", "/apps/" APP_ID "/events", FALSE },
    { "Content-Length to an unknown path", "/nowhere", FALSE },
    { "chunked to the REST API", "/api/v1/projects", TRUE },
  };
  GThread *threads[G_N_ELEMENTS (uploads)];
  guint64 before, peak, sampled = 0;
  gboolean peak_reset;
  gboolean met;
  guint running;

  server = test_server_start (args);
  before = status_kb (server->pid, "VmRSS:");
  peak_reset = reset_peak (server->pid);
  g_print ("truestory-server %s, pid %d: VmRSS %" G_GUINT64_FORMAT " kB before the uploads\n",
           test_server_program (), (int) server->pid, before);

  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      uploads[i].port = server->port;
      threads[i] = g_thread_new ("upload", upload_run, &uploads[i]);
    }
  /* Sampled too, for a kernel without clear_refs. */
  do
    {
      running = 0;
      for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
        running += g_atomic_pointer_get (&uploads[i].answer) == NULL;
      sampled = MAX (sampled, status_kb (server->pid, "VmRSS:"));
      g_usleep (5000);
    }
  while (running > 0);
  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    g_thread_join (threads[i]);

  peak = peak_reset ? status_kb (server->pid, "VmHWM:") : sampled;
  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    g_print ("  %-36s %-40s after %7.1f MB sent, %.2f s\n", uploads[i].label, uploads[i].answer,
             uploads[i].sent / 1e6, uploads[i].seconds);
  met = peak - MIN (peak, before) < TARGET_GROWTH_KB;
  g_print ("%s peak server RSS growth under four parallel 200 MB uploads: %.1f MB "
           "(%" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " kB, %s)  target < 20 MB\n",
           met ? "ok  " : "MISS", (peak - MIN (peak, before)) / 1024.0, before, peak,
           peak_reset ? "VmHWM" : "sampled VmRSS");

  test_server_stop (server);
  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    g_free (uploads[i].answer);
  return met ? 0 : 1;
}
