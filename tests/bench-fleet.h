/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What bench-fleet's parts share: a deployment under test (one or more
 * truestory-servers on one store, and where their clients meet for
 * realtime), waiting on the main loop with a deadline, and the figures. */

#include "server-harness.h"

G_BEGIN_DECLS

#define FLEET_MAX_SERVERS 3
#define FLEET_EMAIL "bench@example.org"
#define FLEET_PASSWORD "a benchmark password"

typedef struct {
  const char *name;
  TestServer *servers[FLEET_MAX_SERVERS];
  guint n_servers;
  char *token;
  char *authorization;
  gint64 project_id;
  char *project_path;
  char *stories_path;
  char *channel;
  /* Where the Pusher clients connect: the embedded hub or soketi. */
  guint16 ws_port;
  char *ws_target;
  const char *app_key;
  const char *app_secret;
  /* The next server a request goes to, round robin. */
  guint next;
} Fleet;

void        fleet_fail        (const char *format,
                               ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;
gboolean    fleet_wait_until  (gboolean  (*condition) (gpointer data),
                               gpointer    data,
                               guint       seconds);
void        fleet_spin        (guint       ms);
TestServer *fleet_next_server (Fleet      *fleet);

double      fleet_percentile  (GArray     *samples,
                               double      q);
double      fleet_median      (GArray     *samples);
void        fleet_summary_add (const char *format,
                               ...) G_GNUC_PRINTF (1, 2);

/* bench-fleet-cpu.c */
typedef struct {
  gint64 wall;
  double machine_s;
  double tested_s;
  double self_s;
} CpuMark;

CpuMark     fleet_cpu_mark    (const GPid    *pids,
                               guint          n_pids);
void        fleet_cpu_print   (const CpuMark *since,
                               const GPid    *pids,
                               guint          n_pids,
                               const char    *what);

/* bench-fleet-creates.c */
typedef struct {
  double per_s;
  double p50_ms;
  double p99_ms;
} CreatesFigure;

CreatesFigure fleet_run_creates (Fleet       *fleet,
                                 SoupSession *http,
                                 guint        count,
                                 guint        in_flight);

/* bench-fleet-live.c */
typedef struct {
  GArray *arrived_ms;    /* per round, until the last of the stores has the event */
  GArray *applied_ms;    /* per round, until the last store shows its version */
  GArray *batching_ms;   /* per store and round, from the event to its version shown */
  GArray *crowd_ms;      /* per round, until the last of the crowd has the event (if any) */
  GArray *answer_ms;     /* per round, the create's REST answer */
  /* arrived_ms again, by the server the create went to */
  GArray *arrived_by_server_ms[FLEET_MAX_SERVERS];
} LiveFigures;

LiveFigures *fleet_run_live    (Fleet       *fleet,
                                guint        n_subscribers,
                                guint        n_stores,
                                guint        n_rounds,
                                const GPid  *pids,
                                guint        n_pids,
                                const char  *what);
void         live_figures_free (LiveFigures *figures);

G_END_DECLS
