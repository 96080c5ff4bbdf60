/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The fleet's benchmark (issue 17, item 5): `meson test -C build
 * --benchmark --suite postgresql --verbose bench-fleet`, or
 * build/tests/bench-fleet with TRUESTORY_SERVER and TRUESTORY_INTEROP_DIR
 * set. It starts three deployments side by side on 127.0.0.1:
 *
 *  - SQLite: one truestory-server with its embedded realtime hub;
 *  - PostgreSQL, one instance: one server on a database of its own;
 *  - PostgreSQL, three instances: three servers on one other database;
 *
 * the PostgreSQL ones on a cluster of the program's own (pg-harness.c, as
 * `nobody`) and publishing through one soketi (soketi-harness.c, loopback
 * only), each deployment as an app of its own there. Then it measures:
 *
 *  1. durable creates per second, each with an Idempotency-Key, a few in
 *     flight over keep-alive connections (round robin over the three
 *     instances, straight to them), in interleaved rounds so that the
 *     machine's load falls on every deployment alike: PostgreSQL with
 *     fsync on (commits wait for the disk, as SQLite's synchronous=FULL
 *     does), then again with fsync off, as the test suite runs it;
 *  2. end to end with 1,000 subscribers connected: a REST change until
 *     its event is in ten live sync stores, and until they show it after
 *     their own batching window (bench-fleet-live.c), on SQLite (and
 *     again with the stores alone, which shows what the subscribers cost)
 *     and on each PostgreSQL deployment.
 *
 * Every client runs in this process and shares the machine's cores with
 * the servers, PostgreSQL, soketi and whatever else runs: each phase
 * prints who spent the CPU (bench-fleet-cpu.c). Exits 1 when a target is
 * missed:
 * at least 1,000 creates/s on SQLite, three instances not slower than one
 * (the median of their per-round ratio at least 0.9, which leaves room for
 * the noise of a shared machine), and p99 under 30 ms until the event is
 * in all ten stores on SQLite.
 */

#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-fleet.h"
#include "pg-harness.h"
#include "soketi-harness.h"

#define SQLITE_APP_ID "8008"
#define SQLITE_APP_KEY "0b5e7c1d2a3f4e5d6c7b"
#define SQLITE_APP_SECRET "5f4e3d2c1b0a99887766554433221100"
/* soketi's two apps: one per PostgreSQL deployment, so that the two
 * projects (both id 1, each in its own database) have channels apart. */
#define ONE_APP_ID "fleet-one"
#define ONE_APP_KEY "fleet-one-key"
#define ONE_APP_SECRET "fleet-one-secret"
#define THREE_APP_ID "fleet-three"
#define THREE_APP_KEY "fleet-three-key"
#define THREE_APP_SECRET "fleet-three-secret"
#define WS_QUERY "?protocol=7&client=truestory-bench&version=1.0"

#define CREATE_WARMUP 200
#define CREATES_TARGET_PER_S 1000.0
#define NOT_SLOWER_RATIO 0.9
#define LIVE_TARGET_MS 30.0

static GString *summary;
/* soketi's, for the CPU lines. */
static GPid soketi_pid;
static gboolean all_met = TRUE;

/* Shared helpers (bench-fleet.h) */

void
fleet_fail (const char *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* The servers and soketi die with this process, the cluster's guard
   * stops PostgreSQL. */
  g_printerr ("bench-fleet: FAILED: %s\n", message);
  exit (1);
}

static gboolean
expire_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds or @seconds passed; says
 * whether it holds. */
gboolean
fleet_wait_until (gboolean (*condition) (gpointer data),
                  gpointer   data,
                  guint      seconds)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (seconds, expire_cb, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);
  return condition (data);
}

void
fleet_spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, expire_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

TestServer *
fleet_next_server (Fleet *fleet)
{
  return fleet->servers[fleet->next++ % fleet->n_servers];
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least @q of all at or below. */
double
fleet_percentile (GArray *samples,
                  double  q)
{
  guint rank;

  g_assert (samples->len > 0);
  g_array_sort (samples, compare_doubles);
  rank = (guint) (q * samples->len);
  if (rank < q * samples->len)
    rank++;
  rank = CLAMP (rank, 1, samples->len);
  return g_array_index (samples, double, rank - 1);
}

double
fleet_median (GArray *samples)
{
  return fleet_percentile (samples, 0.5);
}

/* A line printed now and again in the summary. */
void
fleet_summary_add (const char *format,
                   ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("%s\n", line);
  g_string_append_printf (summary, "%s\n", line);
}

static void
report (gboolean    met,
        const char *line)
{
  fleet_summary_add ("%s: %s", line, met ? "met" : "MISSED");
  all_met &= met;
}

/* Deployments */

static void
fleet_sign_in (Fleet *fleet)
{
  if (!test_server_add_user (fleet->servers[0], FLEET_EMAIL, "Bench Mark", FLEET_PASSWORD))
    fleet_fail ("%s: cannot add the user", fleet->name);
  fleet->token = test_server_sign_in (fleet->servers[0], FLEET_EMAIL, FLEET_PASSWORD);
  fleet->authorization = g_strdup_printf ("Bearer %s", fleet->token);
  fleet->project_id = test_server_create_project (fleet->servers[0], fleet->token,
                                                  "{\"name\": \"Benchmark\", "
                                                  "\"iteration_length\": 1, "
                                                  "\"start_date\": \"2026-01-05\"}");
  fleet->project_path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, fleet->project_id);
  fleet->stories_path = g_strdup_printf ("%s/stories", fleet->project_path);
  fleet->channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, fleet->project_id);
}

/* Every server tells its clients to meet at the same service. */
static void
check_realtime (Fleet *fleet)
{
  for (guint i = 0; i < fleet->n_servers; i++)
    {
      g_autoptr(TestResponse) info = test_request (fleet->servers[i], "GET", "/api/v1/realtime",
                                                   fleet->token, NULL);
      JsonObject *endpoint;
      g_autofree char *target = NULL;

      if (info->status != 200)
        fleet_fail ("%s: GET /api/v1/realtime: %u", fleet->name, info->status);
      endpoint = test_response_object (info);
      target = g_strdup_printf ("%s/app/%s" WS_QUERY,
                                json_object_get_string_member (endpoint, "ws_path"),
                                fleet->app_key);
      if (g_strcmp0 (json_object_get_string_member (endpoint, "key"), fleet->app_key) != 0 ||
          json_object_get_int_member (endpoint, "ws_port") != fleet->ws_port ||
          (fleet->ws_target != NULL && g_strcmp0 (target, fleet->ws_target) != 0))
        fleet_fail ("%s: GET /api/v1/realtime names another service: %s", fleet->name, info->text);
      if (fleet->ws_target == NULL)
        fleet->ws_target = g_steal_pointer (&target);
    }
}

static void
start_sqlite (Fleet *fleet)
{
  const char * const args[] = {
    "--app-id", SQLITE_APP_ID, "--app-key", SQLITE_APP_KEY, "--app-secret", SQLITE_APP_SECRET,
    NULL
  };

  fleet->n_servers = 1;
  fleet->servers[0] = test_server_start (args);
  fleet->ws_port = fleet->servers[0]->port;
  fleet->app_key = SQLITE_APP_KEY;
  fleet->app_secret = SQLITE_APP_SECRET;
  fleet_sign_in (fleet);
  check_realtime (fleet);
}

static void
start_postgresql (Fleet      *fleet,
                  guint       n_servers,
                  Soketi     *soketi,
                  const char *app_id,
                  const char *app_key,
                  const char *app_secret)
{
  g_autofree char *database = test_pg_new_database ();
  g_autofree char *url = g_strdup_printf ("--realtime-url=http://%s:%s@127.0.0.1:%u/apps/%s",
                                          app_key, app_secret, soketi->port, app_id);
  const char * const args[] = { url, NULL };

  fleet->n_servers = n_servers;
  test_servers_start_on (database, n_servers, args, fleet->servers);
  fleet->ws_port = soketi->port;
  fleet->app_key = app_key;
  fleet->app_secret = app_secret;
  fleet_sign_in (fleet);
  check_realtime (fleet);
}

static void
fleet_stop (Fleet *fleet)
{
  for (guint i = 0; i < fleet->n_servers; i++)
    test_server_stop (fleet->servers[i]);
  g_free (fleet->token);
  g_free (fleet->authorization);
  g_free (fleet->project_path);
  g_free (fleet->stories_path);
  g_free (fleet->channel);
  g_free (fleet->ws_target);
}

/* The processes of @fleets under test, soketi's too when they use it;
 * returns how many. */
static guint
tested_pids (Fleet * const *fleets,
             guint         n_fleets,
             GPid         *pids)
{
  guint n = 0;
  gboolean soketi = FALSE;

  for (guint i = 0; i < n_fleets; i++)
    {
      for (guint j = 0; j < fleets[i]->n_servers; j++)
        pids[n++] = fleets[i]->servers[j]->pid;
      soketi |= fleets[i]->ws_port != fleets[i]->servers[0]->port;
    }
  if (soketi)
    pids[n++] = soketi_pid;
  return n;
}

/* 1. Creates */

/* What a durable commit costs on this disk, for reading the figures. */
static void
probe_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "fsync-probe", NULL);
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  char block[4096] = { 0 };
  FILE *file = fopen (path, "w");

  if (file == NULL)
    fleet_fail ("cannot write %s", path);
  for (guint i = 0; i < 100; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      if (fseek (file, (long) (i % 8) * sizeof block, SEEK_SET) != 0 ||
          fwrite (block, sizeof block, 1, file) != 1 || fflush (file) != 0 ||
          fdatasync (fileno (file)) != 0)
        fleet_fail ("cannot write %s", path);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (ms, elapsed);
    }
  fclose (file);
  g_unlink (path);
  g_print ("    this disk: a 4 KiB write + fdatasync takes p50 %.2f ms, p99 %.2f ms\n",
           fleet_percentile (ms, 0.50), fleet_percentile (ms, 0.99));
}

typedef struct {
  Fleet *fleet;
  GArray *per_s;
  GArray *p50_ms;
  GArray *p99_ms;
} CreatesSeries;

static void
series_init (CreatesSeries *series,
             Fleet         *fleet)
{
  series->fleet = fleet;
  series->per_s = g_array_new (FALSE, FALSE, sizeof (double));
  series->p50_ms = g_array_new (FALSE, FALSE, sizeof (double));
  series->p99_ms = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
series_clear (CreatesSeries *series)
{
  g_array_unref (series->per_s);
  g_array_unref (series->p50_ms);
  g_array_unref (series->p99_ms);
}

static double
series_run (CreatesSeries *series,
            SoupSession   *http,
            guint          count,
            guint          in_flight)
{
  CreatesFigure figure = fleet_run_creates (series->fleet, http, count, in_flight);

  g_print ("    %-32s %6.0f /s  p50 %6.2f ms  p99 %7.2f ms\n", series->fleet->name,
           figure.per_s, figure.p50_ms, figure.p99_ms);
  g_array_append_val (series->per_s, figure.per_s);
  g_array_append_val (series->p50_ms, figure.p50_ms);
  g_array_append_val (series->p99_ms, figure.p99_ms);
  return figure.per_s;
}

/* "median 812 /s (756-840), p50 9.1 ms, p99 20.3 ms": medians over the
 * rounds, and the rounds' range. */
static char *
series_text (CreatesSeries *series)
{
  double median = fleet_median (series->per_s);
  double low = fleet_percentile (series->per_s, 0.0);
  double high = fleet_percentile (series->per_s, 1.0);

  return g_strdup_printf ("median %5.0f /s (%.0f-%.0f)  p50 %6.2f ms  p99 %7.2f ms", median, low,
                          high, fleet_median (series->p50_ms), fleet_median (series->p99_ms));
}

typedef struct {
  SoupSession *http;
  guint rounds;
  guint count;
  guint in_flight;
} CreatesPlan;

/* Rounds of @n_series deployments, the order reversed every other round
 * so that neither is always first after a pause; returns the per-round
 * ratio of the last series' rate to the one before it. */
static GArray *
run_interleaved (CreatesSeries *series,
                 guint          n_series,
                 CreatesPlan   *plan)
{
  GArray *ratios = g_array_new (FALSE, FALSE, sizeof (double));
  Fleet *fleets[3];
  GPid pids[3 * FLEET_MAX_SERVERS + 1];
  guint n_pids;
  CpuMark cpu;

  for (guint i = 0; i < n_series; i++)
    {
      fleets[i] = series[i].fleet;
      fleet_run_creates (series[i].fleet, plan->http, CREATE_WARMUP, plan->in_flight);
    }
  n_pids = tested_pids (fleets, n_series, pids);
  cpu = fleet_cpu_mark (pids, n_pids);
  for (guint round = 0; round < plan->rounds; round++)
    {
      double rates[3];
      double ratio;

      g_print ("  round %u of %u:\n", round + 1, plan->rounds);
      for (guint k = 0; k < n_series; k++)
        {
          guint i = round % 2 == 0 ? k : n_series - 1 - k;

          rates[i] = series_run (&series[i], plan->http, plan->count, plan->in_flight);
        }
      ratio = rates[n_series - 1] / rates[n_series - 2];
      g_array_append_val (ratios, ratio);
    }
  fleet_cpu_print (&cpu, pids, n_pids, "the servers and soketi");
  return ratios;
}

static void
report_ratio (GArray     *ratios,
              const char *fsync)
{
  g_autoptr(GString) each = g_string_new (NULL);
  g_autofree char *line = NULL;
  double median = fleet_median (ratios);

  for (guint i = 0; i < ratios->len; i++)
    g_string_append_printf (each, "%s%.2f", i > 0 ? " " : "", g_array_index (ratios, double, i));
  line = g_strdup_printf ("  PostgreSQL %s, three instances / one: median %.2f (rounds, sorted: "
                          "%s)  target >= %.1f, not slower", fsync, median, each->str,
                          NOT_SLOWER_RATIO);
  report (median >= NOT_SLOWER_RATIO, line);
}

static void
bench_creates (Fleet       *sqlite,
               Fleet       *one,
               Fleet       *three,
               CreatesPlan *plan,
               gboolean     fsync_off_too)
{
  CreatesSeries series[3];
  g_autoptr(GArray) ratios = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;

  g_print ("\n1. durable creates: %u per deployment and round, %u rounds after %u to warm up, "
           "%u in flight over keep-alive connections (round robin over the instances), each "
           "with an Idempotency-Key; SQLite in WAL with synchronous=FULL, PostgreSQL with "
           "fsync on (synchronous_commit on)\n", plan->count, plan->rounds, CREATE_WARMUP,
           plan->in_flight);
  probe_disk (sqlite->servers[0]->data_dir);
  test_pg_set_fsync (TRUE);
  series_init (&series[0], sqlite);
  series_init (&series[1], one);
  series_init (&series[2], three);
  ratios = run_interleaved (series, 3, plan);

  fleet_summary_add ("\nDurable creates per second (medians over %u rounds, the rounds' range):",
                     plan->rounds);
  text = series_text (&series[0]);
  line = g_strdup_printf ("  %-38s %s  target >= %.0f /s", "SQLite", text, CREATES_TARGET_PER_S);
  report (fleet_median (series[0].per_s) >= CREATES_TARGET_PER_S, line);
  for (guint i = 1; i < 3; i++)
    {
      g_autofree char *figures = series_text (&series[i]);

      fleet_summary_add ("  %-38s %s", i == 1 ? "PostgreSQL fsync on, one instance"
                                              : "PostgreSQL fsync on, three instances", figures);
    }
  report_ratio (ratios, "fsync on");
  for (guint i = 0; i < 3; i++)
    series_clear (&series[i]);
  if (!fsync_off_too)
    return;

  g_print ("\n   again with fsync off on PostgreSQL, as the test suite runs it\n");
  test_pg_set_fsync (FALSE);
  series_init (&series[0], one);
  series_init (&series[1], three);
  g_clear_pointer (&ratios, g_array_unref);
  ratios = run_interleaved (series, 2, plan);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *figures = series_text (&series[i]);

      fleet_summary_add ("  %-38s %s", i == 0 ? "PostgreSQL fsync off, one instance"
                                              : "PostgreSQL fsync off, three instances", figures);
      series_clear (&series[i]);
    }
  report_ratio (ratios, "fsync off");
  test_pg_set_fsync (TRUE);
}

/* 2. End to end */

static char *
live_line (const char *label,
           GArray     *samples_ms)
{
  return g_strdup_printf ("  %-52s p50 %6.2f ms  p99 %6.2f ms", label, fleet_median (samples_ms),
                          fleet_percentile (samples_ms, 0.99));
}

static void
add_live_line (const char *label,
               GArray     *samples_ms)
{
  g_autofree char *line = live_line (label, samples_ms);

  fleet_summary_add ("%s", line);
}

static void
bench_live (Fleet   *fleet,
            guint    n_subscribers,
            guint    n_stores,
            guint    n_rounds,
            gboolean targeted)
{
  LiveFigures *figures;
  GPid pids[FLEET_MAX_SERVERS + 1];
  guint n_pids = tested_pids (&fleet, 1, pids);
  g_autofree char *in_stores = g_strdup_printf ("REST create until the event is in all %u stores",
                                                n_stores);
  g_autofree char *shown = g_strdup_printf ("... until all %u stores show it", n_stores);
  g_autofree char *line = NULL;
  double p99;

  g_print ("\n2. end to end on %s: %u subscribers connected, %u live sync stores, %u rounds of "
           "one create each\n", fleet->name, n_subscribers, n_stores, n_rounds);
  figures = fleet_run_live (fleet, n_subscribers, n_stores, n_rounds, pids, n_pids,
                            n_pids > fleet->n_servers ? "the servers and soketi" : "the server");
  fleet_summary_add ("\nEnd to end, %s, %u subscribers, %u rounds:", fleet->name, n_subscribers,
                     n_rounds);
  line = live_line (in_stores, figures->arrived_ms);
  p99 = fleet_percentile (figures->arrived_ms, 0.99);
  if (targeted)
    {
      g_autofree char *with_target = g_strdup_printf ("%s  target p99 < %.0f ms", line,
                                                      LIVE_TARGET_MS);

      report (p99 < LIVE_TARGET_MS, with_target);
    }
  else
    fleet_summary_add ("%s", line);
  for (guint i = 0; fleet->n_servers > 1 && i < fleet->n_servers; i++)
    {
      g_autofree char *through = g_strdup_printf ("    the creates through instance %u", i + 1);

      add_live_line (through, figures->arrived_by_server_ms[i]);
    }
  add_live_line (shown, figures->applied_ms);
  add_live_line ("    of which the store's batching (each store)", figures->batching_ms);
  if (n_subscribers > 0)
    add_live_line ("... until the last subscriber has it", figures->crowd_ms);
  add_live_line ("the create's REST answer", figures->answer_ms);
  live_figures_free (figures);
}

/* Setting up */

/* Every WebSocket is a descriptor here and in whatever serves it, which
 * inherits this process's limits. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    fleet_fail ("getrlimit failed");
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 65536 : limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < 4096)
    fleet_fail ("cannot raise the open files limit to 4096 (the hard limit is %lu)",
                (unsigned long) limit.rlim_max);
}

/* The figures move with the machine's load, which other work shares. */
static void
print_load (void)
{
  g_autofree char *text = NULL;

  if (g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    g_print ("load average now: %s", text);
}

static gboolean
wanted (const char *only,
        const char *phase)
{
  g_auto(GStrv) phases = NULL;

  if (only == NULL)
    return TRUE;
  phases = g_strsplit (only, ",", -1);
  return g_strv_contains ((const char * const *) phases, phase);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- benchmark a fleet of servers");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) http = NULL;
  g_autofree char *only = NULL;
  int rounds = 5, creates = 600, in_flight = 8, live_rounds = 100, subscribers = 1000, stores = 10;
  gboolean no_fsync_off = FALSE;
  GOptionEntry entries[] = {
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run only these phases: creates,live", "LIST" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Interleaved rounds of creates (default 5)", "N" },
    { "creates", 0, 0, G_OPTION_ARG_INT, &creates,
      "Creates per deployment and round (default 600)", "N" },
    { "in-flight", 0, 0, G_OPTION_ARG_INT, &in_flight,
      "Creates waiting for their answer at once (default 8)", "N" },
    { "no-fsync-off", 0, 0, G_OPTION_ARG_NONE, &no_fsync_off,
      "Skip the creates on PostgreSQL with fsync off", NULL },
    { "live-rounds", 0, 0, G_OPTION_ARG_INT, &live_rounds,
      "End-to-end rounds per deployment (default 100)", "N" },
    { "subscribers", 0, 0, G_OPTION_ARG_INT, &subscribers,
      "Subscribers connected end to end (default 1,000; the target is for 1,000)", "N" },
    { "stores", 0, 0, G_OPTION_ARG_INT, &stores, "Live sync stores (default 10)", "N" },
    { NULL }
  };
  Fleet sqlite = { .name = "SQLite" };
  Fleet one = { .name = "PostgreSQL, one instance" };
  Fleet three = { .name = "PostgreSQL, three instances" };
  Soketi soketi = { 0 };
  g_autofree char *apps = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-fleet: %s\n", error->message);
      return 2;
    }
  if (rounds < 1 || creates < 1 || in_flight < 1 || live_rounds < 1 || subscribers < 1 ||
      subscribers > 5000 || stores < 1 || stores > 50)
    {
      g_printerr ("bench-fleet: the counts are 1 or more (at most 5,000 subscribers and 50 "
                  "stores)\n");
      return 2;
    }
  summary = g_string_new (NULL);
  raise_fd_limit ();

  apps = g_strdup_printf ("[{\"id\": \"%s\", \"key\": \"%s\", \"secret\": \"%s\"}, "
                          "{\"id\": \"%s\", \"key\": \"%s\", \"secret\": \"%s\"}]",
                          ONE_APP_ID, ONE_APP_KEY, ONE_APP_SECRET,
                          THREE_APP_ID, THREE_APP_KEY, THREE_APP_SECRET);
  soketi_start_apps (&soketi, apps);
  soketi_pid = soketi.pid;
  start_sqlite (&sqlite);
  start_postgresql (&one, 1, &soketi, ONE_APP_ID, ONE_APP_KEY, ONE_APP_SECRET);
  start_postgresql (&three, 3, &soketi, THREE_APP_ID, THREE_APP_KEY, THREE_APP_SECRET);
  print_load ();
  g_print ("truestory-server %s; %ld cores shared by the servers, PostgreSQL 15 (as nobody), "
           "soketi on 127.0.0.1:%u (its sockets checked with ss -uanp and -tlnp) and this "
           "benchmark's clients\n", test_server_program (), sysconf (_SC_NPROCESSORS_ONLN),
           soketi.port);

  http = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256,
                                        "timeout", 60, NULL);
  if (wanted (only, "creates"))
    {
      CreatesPlan plan = { http, rounds, creates, in_flight };

      bench_creates (&sqlite, &one, &three, &plan, !no_fsync_off);
    }
  if (wanted (only, "live"))
    {
      bench_live (&sqlite, subscribers, stores, live_rounds, TRUE);
      /* What the subscribers cost the stores' figure. */
      bench_live (&sqlite, 0, stores, live_rounds, FALSE);
      bench_live (&three, subscribers, stores, live_rounds, FALSE);
      bench_live (&one, subscribers, stores, live_rounds, FALSE);
    }

  print_load ();
  g_print ("\nSummary:\n%s", summary->str);
  fleet_stop (&sqlite);
  fleet_stop (&one);
  fleet_stop (&three);
  soketi_stop (&soketi);
  g_string_free (summary, TRUE);
  return all_met ? 0 : 1;
}
