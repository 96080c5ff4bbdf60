/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The floor of a fan-out (issue 20): what a plain loop of send() of one
 * WebSocket frame to N loopback sockets costs the sending threads on this
 * machine, while the sockets' other ends are read as bench-server's
 * clients read theirs. bench-server runs it after each fan-out phase with
 * the frame its subscribers got, so that the hub's CPU per delivered
 * message is always printed beside what the kernel alone charges for a
 * send: a comparison, not a target.
 *
 * Two processes, as the hub and the benchmark are: the child accepts the
 * connections (TCP_NODELAY, as the front door sets it) and sends from as
 * many threads as the hub has shards, each to its share of the sockets
 * (dealt in turn, as the front door deals them) in the order they were
 * made; the parent connects and reads on one epoll descriptor, in batches
 * of 256 events, one recv() of up to 16 KiB per readable socket, parsing
 * each frame's header and scanning it for the round's mark, as
 * bench-ws-crowd.c does. A round starts when the parent wakes the
 * senders (a byte on each one's pipe, as the hub's main thread wakes its
 * shards) and ends when every socket has read the frame.
 *
 * --method compares ways of sending the same frames: send() of the whole
 * frame (the floor), sendmsg() of a header and the payload (what ts-ws.c
 * does), and io_uring: IORING_OP_SEND on registered descriptors, one
 * submission for a thread's whole fan-out.
 *
 * --method takes a list too (send,sendmsg), one method a round in turn, so
 * that the machine's load falls on each alike.
 *
 * Prints one line of key=value figures: for each method, the sending
 * threads' CPU per send (send_us, ...); the reader's CPU per message
 * (reader_us); from the wakeup until the last socket has read its frame
 * (last_p50_ms, last_p99_ms); and a sending thread's loop from its
 * wakeup to its last send, wall time (send_loop_ms). Exits 1 on any
 * failure.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <glib/gprintf.h>
#include <stdio.h>
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif

#define MAX_SENDERS 16
#define READ_BUFFER 16384
#define EVENTS_PER_WAIT 256
#define ROUND_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define PAUSE_US 20000
#define URING_ENTRIES 4096
#define MAX_METHODS 4

typedef enum {
  METHOD_SEND,
  METHOD_SENDMSG,
  METHOD_URING,
  METHOD_URING_DEFER,  /* completions posted when the thread asks */
} Method;

static const char *method_names[] = { "send", "sendmsg", "uring", "uring-defer" };

typedef struct {
  guint sockets;
  guint senders;
  guint rounds;
  guint warmup;
  Method methods[MAX_METHODS];  /* taken in turn, a round each */
  guint n_methods;
  gboolean uring;               /* one of them is */
  const char *text;
  const char *mark;
  gboolean edge;
} Options;

static Options options = { .rounds = 20, .warmup = 3 };

/* The frame as the hub sends it: an unmasked text frame, FIN set. */
typedef struct {
  guint8 header[10];
  gsize header_size;
  const char *payload;
  gsize payload_size;
  guint8 *whole;
  gsize size;
} Frame;

static void
frame_init (Frame      *frame,
            const char *text)
{
  gsize size = strlen (text);

  frame->header[0] = 0x81;
  if (size < 126)
    {
      frame->header[1] = size;
      frame->header_size = 2;
    }
  else
    {
      g_assert (size <= G_MAXUINT16);
      frame->header[1] = 126;
      frame->header[2] = size >> 8;
      frame->header[3] = size & 0xff;
      frame->header_size = 4;
    }
  frame->payload = text;
  frame->payload_size = size;
  frame->size = frame->header_size + size;
  frame->whole = g_malloc (frame->size);
  memcpy (frame->whole, frame->header, frame->header_size);
  memcpy (frame->whole + frame->header_size, text, size);
}

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
die (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  g_printerr ("bench-send-floor: ");
  g_vfprintf (stderr, format, args);
  g_printerr ("\n");
  va_end (args);
  exit (1);
}

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

static double
process_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

/* The sending side (the child). */

typedef struct {
  const Frame *frame;
  int command_fd;
  GArray *fds;
#ifdef HAVE_LIBURING
  struct io_uring ring;
#endif
  guint round;
  double cpu[MAX_METHODS];     /* over the measured rounds, by method */
  guint sends[MAX_METHODS];
  double wall;                 /* the send loops', over the measured rounds */
  guint failures;
} Sender;

static guint
send_all_plain (Sender *sender,
                Method  method)
{
  guint failures = 0;

  for (guint i = 0; i < sender->fds->len; i++)
    {
      int fd = g_array_index (sender->fds, int, i);
      ssize_t sent;

      if (method == METHOD_SEND)
        sent = send (fd, sender->frame->whole, sender->frame->size, MSG_NOSIGNAL | MSG_DONTWAIT);
      else
        {
          struct iovec iov[2] = {
            { (void *) sender->frame->header, sender->frame->header_size },
            { (void *) sender->frame->payload, sender->frame->payload_size },
          };
          struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

          sent = sendmsg (fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        }
      failures += sent != (ssize_t) sender->frame->size;
    }
  return failures;
}

#ifdef HAVE_LIBURING
static guint
uring_reap (Sender *sender,
            guint   wanted)
{
  guint failures = 0;

  for (guint got = 0; got < wanted; got++)
    {
      struct io_uring_cqe *cqe;
      int error = io_uring_wait_cqe (&sender->ring, &cqe);

      if (error < 0)
        die ("io_uring_wait_cqe: %s", g_strerror (-error));
      failures += cqe->res != (int) sender->frame->size;
      io_uring_cqe_seen (&sender->ring, cqe);
    }
  return failures;
}

/* One submission for the whole share, or one per ring-full. */
static guint
send_all_uring (Sender *sender)
{
  guint failures = 0, queued = 0;

  for (guint i = 0; i < sender->fds->len; i++)
    {
      struct io_uring_sqe *sqe = io_uring_get_sqe (&sender->ring);

      if (sqe == NULL)
        {
          io_uring_submit (&sender->ring);
          failures += uring_reap (sender, queued);
          queued = 0;
          sqe = io_uring_get_sqe (&sender->ring);
        }
      io_uring_prep_send (sqe, i, sender->frame->whole, sender->frame->size, MSG_NOSIGNAL);
      sqe->flags |= IOSQE_FIXED_FILE;
      queued++;
    }
  io_uring_submit (&sender->ring);
  return failures + uring_reap (sender, queued);
}

#endif

#ifdef HAVE_LIBURING
static void
sender_setup_uring (Sender *sender)
{
  gboolean defer = FALSE;
  unsigned flags;
  int error;

  for (guint i = 0; i < options.n_methods; i++)
    defer |= options.methods[i] == METHOD_URING_DEFER;
  flags = defer
                ? IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN : 0;
  error = io_uring_queue_init (URING_ENTRIES, &sender->ring, flags);

  if (error < 0)
    die ("io_uring_queue_init: %s", g_strerror (-error));
  error = io_uring_register_files (&sender->ring, (int *) sender->fds->data, sender->fds->len);
  if (error < 0)
    die ("io_uring_register_files: %s", g_strerror (-error));
}

#endif

static gpointer
sender_thread (gpointer data)
{
  Sender *sender = data;
  char command;

#ifdef HAVE_LIBURING
  /* On this thread: a ring set up for a single issuer is its creator's. */
  if (options.uring)
    sender_setup_uring (sender);
#endif
  while (read (sender->command_fd, &command, 1) == 1)
    {
      guint turn = sender->round++ % options.n_methods;
      Method method = options.methods[turn];
      double before = thread_cpu_seconds ();
      gint64 started = g_get_monotonic_time ();
      guint failures;

#ifdef HAVE_LIBURING
      if (method == METHOD_URING || method == METHOD_URING_DEFER)
        failures = send_all_uring (sender);
      else
#endif
        failures = send_all_plain (sender, method);

      sender->failures += failures;
      if (command == 'm')
        {
          sender->cpu[turn] += thread_cpu_seconds () - before;
          sender->sends[turn] += sender->fds->len;
          sender->wall += (g_get_monotonic_time () - started) / 1e6;
        }
    }
  return NULL;
}

static int
listen_loopback (guint16 *port)
{
  struct sockaddr_in address = {
    .sin_family = AF_INET,
    .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
  };
  socklen_t size = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || bind (fd, (struct sockaddr *) &address, sizeof address) != 0 ||
      listen (fd, 4096) != 0 || getsockname (fd, (struct sockaddr *) &address, &size) != 0)
    die ("listen: %s", g_strerror (errno));
  *port = ntohs (address.sin_port);
  return fd;
}

/* Writes the port, accepts every connection, then sends on command until
 * the command pipes close, and writes what the sends cost. */
static void
run_senders (const Frame *frame,
             int          command_fds[],
             int          result_fd)
{
  Sender senders[MAX_SENDERS] = { 0 };
  GThread *threads[MAX_SENDERS];
  guint16 port;
  int listener = listen_loopback (&port);
  g_autoptr(GString) result = g_string_new (NULL);
  guint failures = 0;
  double wall = 0;
  int one = 1;

  if (write (result_fd, &port, sizeof port) != sizeof port)
    die ("write: %s", g_strerror (errno));
  for (guint s = 0; s < options.senders; s++)
    {
      senders[s].frame = frame;
      senders[s].command_fd = command_fds[s];
      senders[s].fds = g_array_new (FALSE, FALSE, sizeof (int));
    }
  for (guint i = 0; i < options.sockets; i++)
    {
      int fd = accept4 (listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (fd < 0)
        die ("accept: %s", g_strerror (errno));
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      g_array_append_val (senders[i % options.senders].fds, fd);
    }
  close (listener);
  for (guint s = 0; s < options.senders; s++)
    {
      threads[s] = g_thread_new ("floor-sender", sender_thread, &senders[s]);
    }
  if (write (result_fd, "r", 1) != 1)
    die ("write: %s", g_strerror (errno));

  for (guint s = 0; s < options.senders; s++)
    {
      g_thread_join (threads[s]);
      failures += senders[s].failures;
      wall += senders[s].wall;
    }
  /* A sending thread's loop, on average: from its wakeup to its last send. */
  g_string_append_printf (result, "%u %.9f", failures, wall / options.senders);
  for (guint m = 0; m < options.n_methods; m++)
    {
      double cpu = 0;
      guint sends = 0;

      for (guint s = 0; s < options.senders; s++)
        {
          cpu += senders[s].cpu[m];
          sends += senders[s].sends[m];
        }
      g_string_append_printf (result, " %.9f %u", cpu, sends);
    }
  g_string_append_c (result, '\n');
  if (write (result_fd, result->str, result->len) != (ssize_t) result->len)
    die ("write: %s", g_strerror (errno));
}

/* The reading side (the parent), as bench-ws-crowd.c reads. */

typedef struct {
  int fd;
  GByteArray *in;
  gint64 got_at;  /* this round's frame; 0 until then */
} Reader;

typedef struct {
  Reader *readers;
  int epoll_fd;
  guint got;
} Readers;

/* Takes whole frames off @reader's input: the round's frame is the one
 * holding the mark. */
static void
reader_parse (Readers *readers,
              Reader  *reader)
{
  GByteArray *in = reader->in;

  for (;;)
    {
      const guint8 *p = in->data;
      gsize head = 2, size;

      if (in->len < 2)
        return;
      if (p[0] != 0x81 || (p[1] & 0x80) != 0 || (p[1] & 0x7f) == 127)
        die ("a frame that the sender did not send");
      size = p[1] & 0x7f;
      if (size == 126)
        {
          head = 4;
          if (in->len < head)
            return;
          size = (gsize) p[2] << 8 | p[3];
        }
      if (in->len < head + size)
        return;
      if (g_strstr_len ((const char *) p + head, size, options.mark) == NULL)
        die ("a frame without the mark");
      if (reader->got_at != 0)
        die ("a socket got the round's frame twice");
      reader->got_at = g_get_monotonic_time ();
      readers->got++;
      g_byte_array_remove_range (in, 0, head + size);
    }
}

static void
reader_read (Readers *readers,
             Reader  *reader)
{
  guint8 buffer[READ_BUFFER];

  for (;;)
    {
      ssize_t got = recv (reader->fd, buffer, sizeof buffer, 0);

      if (got > 0)
        {
          g_byte_array_append (reader->in, buffer, got);
          if ((gsize) got < sizeof buffer)
            break;
        }
      else if (got == 0)
        die ("the sender closed a socket");
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        break;
      else if (errno != EINTR)
        die ("recv: %s", g_strerror (errno));
    }
  reader_parse (readers, reader);
}

/* Reads until every socket has the round's frame; returns when the last
 * got it. */
static gint64
readers_run_round (Readers *readers)
{
  gint64 deadline = g_get_monotonic_time () + ROUND_TIMEOUT_US, last = 0;
  struct epoll_event events[EVENTS_PER_WAIT];

  while (readers->got < options.sockets)
    {
      int n = epoll_wait (readers->epoll_fd, events, EVENTS_PER_WAIT, 100);

      if (n < 0 && errno != EINTR)
        die ("epoll_wait: %s", g_strerror (errno));
      for (int i = 0; i < n; i++)
        reader_read (readers, &readers->readers[events[i].data.u32]);
      if (g_get_monotonic_time () > deadline)
        die ("%u of %u sockets have the frame after 10 s", readers->got, options.sockets);
    }
  for (guint i = 0; i < options.sockets; i++)
    last = MAX (last, readers->readers[i].got_at);
  return last;
}

static void
readers_connect (Readers *readers,
                 guint16  port)
{
  struct sockaddr_in address = {
    .sin_family = AF_INET,
    .sin_port = htons (port),
    .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
  };
  int one = 1;

  readers->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  readers->readers = g_new0 (Reader, options.sockets);
  for (guint i = 0; i < options.sockets; i++)
    {
      Reader *reader = &readers->readers[i];
      struct epoll_event event = {
        .events = EPOLLIN | (options.edge ? EPOLLET : 0),
        .data.u32 = i,
      };
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

      /* Blocking: the child accepts meanwhile, and the backlog is deep. */
      if (fd < 0 || connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
        die ("connect: %s", g_strerror (errno));
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      g_unix_set_fd_nonblocking (fd, TRUE, NULL);
      if (epoll_ctl (readers->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0)
        die ("epoll_ctl: %s", g_strerror (errno));
      reader->fd = fd;
      reader->in = g_byte_array_sized_new (READ_BUFFER);
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  fraction)
{
  guint index;

  g_array_sort (values, compare_doubles);
  index = MIN (values->len - 1, (guint) (fraction * values->len));
  return g_array_index (values, double, index);
}

static void
read_exactly (int    fd,
              void  *data,
              gsize  size)
{
  gsize done = 0;

  while (done < size)
    {
      ssize_t got = read (fd, (char *) data + done, size - done);

      if (got <= 0)
        die ("the sending process ended early");
      done += got;
    }
}

/* The sending process's figures, once its command pipes are closed: the
 * CPU per send of each method, as key=value text, and a sending thread's
 * loop per round (s, summed over the measured rounds). */
static void
read_sender_figures (int      result_fd,
                     GString *figures,
                     double  *send_wall)
{
  char result[512] = "";
  ssize_t size = read (result_fd, result, sizeof result - 1);
  guint failures;
  char *next;

  if (size <= 0)
    die ("no result from the sending process");
  failures = strtoul (result, &next, 10);
  if (failures > 0)
    die ("%u sends did not take the whole frame at once", failures);
  *send_wall = g_ascii_strtod (next, &next);
  for (guint m = 0; m < options.n_methods; m++)
    {
      double cpu = g_ascii_strtod (next, &next);
      guint sends = strtoul (next, &next, 10);

      if (sends == 0)
        die ("no measured round of %s; more --rounds", method_names[options.methods[m]]);
      g_string_append_printf (figures, "%s_us=%.2f ", method_names[options.methods[m]],
                              cpu * 1e6 / sends);
    }
}

static void
run_readers (int   command_fds[],
             int   result_fd,
             GPid  child)
{
  Readers readers = { 0 };
  g_autoptr(GArray) last_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GString) figures = g_string_new (NULL);
  double reader_cpu = 0, send_wall;
  guint16 port;
  char ready;
  int status;

  read_exactly (result_fd, &port, sizeof port);
  readers_connect (&readers, port);
  read_exactly (result_fd, &ready, 1);

  for (guint round = 0; round < options.warmup + options.rounds; round++)
    {
      gboolean measured = round >= options.warmup;
      char command = measured ? 'm' : 'w';
      double cpu_before = process_cpu_seconds ();
      gint64 start, last;

      for (guint i = 0; i < options.sockets; i++)
        readers.readers[i].got_at = 0;
      readers.got = 0;
      start = g_get_monotonic_time ();
      for (guint s = 0; s < options.senders; s++)
        if (write (command_fds[s], &command, 1) != 1)
          die ("write: %s", g_strerror (errno));
      last = readers_run_round (&readers);
      if (measured)
        {
          double ms = (last - start) / 1000.0;

          reader_cpu += process_cpu_seconds () - cpu_before;
          g_array_append_val (last_ms, ms);
        }
      g_usleep (PAUSE_US);
    }

  for (guint s = 0; s < options.senders; s++)
    close (command_fds[s]);
  read_sender_figures (result_fd, figures, &send_wall);
  waitpid (child, &status, 0);
  g_print ("%sreader_us=%.2f last_p50_ms=%.2f last_p99_ms=%.2f send_loop_ms=%.2f sockets=%u "
           "senders=%u rounds=%u frame=%u\n", figures->str,
           reader_cpu * 1e6 / (options.rounds * options.sockets), percentile (last_ms, 0.5),
           percentile (last_ms, 0.99), send_wall * 1e3 / options.rounds, options.sockets,
           options.senders, options.rounds,
           (guint) (strlen (options.text) + (strlen (options.text) < 126 ? 2 : 4)));
}

/* A made-up event of the size of the benchmark's, when none is given. */
#define DEFAULT_TEXT \
  "{\"event\":\"stories-create\",\"channel\":\"private-project-1\",\"data\":\"{\\\"version\\\":1," \
  "\\\"story\\\":{\\\"id\\\":1,\\\"title\\\":\\\"Fan-out round 1\\\"," \
  "\\\"type\\\":\\\"feature\\\"," \
  "\\\"state\\\":\\\"unstarted\\\",\\\"estimate\\\":null,\\\"position\\\":1,\\\"labels\\\":[]," \
  "\\\"description\\\":\\\"\\\",\\\"requested_by\\\":1,\\\"owners\\\":[]," \
  "\\\"created_at\\\":\\\"2026-12-07T17:00:00Z\\\"," \
  "\\\"updated_at\\\":\\\"2026-12-07T17:00:00Z\\\"}}\"}"

/* A list of methods, taken in turn a round each: the same load falls
 * on all of them. */
static void
parse_methods (const char *list)
{
  g_auto(GStrv) names = g_strsplit (list, ",", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      guint m;

      for (m = 0; m < G_N_ELEMENTS (method_names); m++)
        if (g_str_equal (names[i], method_names[m]))
          break;
#ifndef HAVE_LIBURING
      if (m == METHOD_URING || m == METHOD_URING_DEFER)
        die ("built without liburing: no %s", names[i]);
#endif
      if (m == G_N_ELEMENTS (method_names) || options.n_methods == MAX_METHODS)
        die ("--method is a list of up to %d of send, sendmsg, uring, uring-defer; not %s",
             MAX_METHODS, list);
      options.methods[options.n_methods++] = m;
      options.uring |= m == METHOD_URING || m == METHOD_URING_DEFER;
    }
}

static void
parse_options (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- the floor of a fan-out");
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  int sockets = 0, senders = MIN (MAX (g_get_num_processors (), 2), MAX_SENDERS);
  int rounds = options.rounds, warmup = options.warmup;
  char *text = NULL, *mark = NULL;
  GOptionEntry entries[] = {
    { "sockets", 0, 0, G_OPTION_ARG_INT, &sockets, "Sockets to send to (required)", "N" },
    { "senders", 0, 0, G_OPTION_ARG_INT, &senders, "Sending threads (the hub's shards: one "
      "per core, at least two)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Measured rounds", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Rounds before them", "N" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, "send (default), sendmsg, uring or "
      "uring-defer, or a list of them (send,sendmsg) taken in turn a round each", "LIST" },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, "The frame's text (default: an event of "
      "the benchmark's size)", "TEXT" },
    { "edge", 0, 0, G_OPTION_ARG_NONE, &options.edge, "Read edge-triggered (a short read "
      "empties a stream socket) rather than level-triggered", NULL },
    { "mark", 0, 0, G_OPTION_ARG_STRING, &mark, "What every frame holds (default: "
      "\"event\":\"stories-create\")", "TEXT" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  if (sockets <= 0 || senders <= 0 || senders > MAX_SENDERS || rounds <= 0 || warmup < 0)
    die ("--sockets is required; --senders is 1 to %d, --rounds at least 1", MAX_SENDERS);
  options.sockets = sockets;
  options.senders = senders;
  options.rounds = rounds;
  options.warmup = warmup;
  parse_methods (method != NULL ? method : "send");
  options.text = text != NULL ? text : DEFAULT_TEXT;
  options.mark = mark != NULL ? mark : "\"event\":\"stories-create\"";
  if (strlen (options.text) > G_MAXUINT16 || strstr (options.text, options.mark) == NULL)
    die ("the text must hold the mark and be under 64 KiB");
}

int
main (int    argc,
      char **argv)
{
  int command_fds[MAX_SENDERS][2], result_fds[2];
  Frame frame;
  pid_t child;

  parse_options (argc, argv);
  frame_init (&frame, options.text);
  for (guint s = 0; s < options.senders; s++)
    if (pipe (command_fds[s]) != 0)
      die ("pipe: %s", g_strerror (errno));
  if (pipe (result_fds) != 0)
    die ("pipe: %s", g_strerror (errno));

  /* Before any thread exists here. */
  child = fork ();
  if (child < 0)
    die ("fork: %s", g_strerror (errno));
  if (child == 0)
    {
      int readable[MAX_SENDERS];

      close (result_fds[0]);
      for (guint s = 0; s < options.senders; s++)
        {
          close (command_fds[s][1]);
          readable[s] = command_fds[s][0];
        }
      run_senders (&frame, readable, result_fds[1]);
      _exit (0);
    }
  else
    {
      int writable[MAX_SENDERS];

      close (result_fds[1]);
      for (guint s = 0; s < options.senders; s++)
        {
          close (command_fds[s][0]);
          writable[s] = command_fds[s][1];
        }
      run_readers (writable, result_fds[0], child);
    }
  return 0;
}
