/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Who spent the CPU during one of bench-fleet's phases: the processes
 * under test, this benchmark's clients, and the rest of the machine
 * (PostgreSQL, and whatever else shares it), from /proc. On two shared
 * cores this is what limits the figures, so each phase says it. */

#include "bench-fleet.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* utime + stime of @pid, in seconds; 0 once it is gone. */
static double
process_cpu_s (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return 0;
  /* The state is field 3, the first after "pid (comm) "; utime and stime
   * are fields 14 and 15, in clock ticks. */
  fields = g_strsplit (after + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

static double
self_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* The whole machine's busy time, in seconds of one core (/proc/stat:
 * user nice system idle iowait irq softirq steal). */
static double
machine_busy_s (void)
{
  g_autofree char *text = NULL;
  guint64 user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;

  if (!g_file_get_contents ("/proc/stat", &text, NULL, NULL) ||
      sscanf (text, "cpu %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
              " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &user, &nice, &system, &idle,
              &iowait, &irq, &softirq, &steal) != 8)
    return 0;
  return (double) (user + nice + system + irq + softirq + steal) / sysconf (_SC_CLK_TCK);
}

static double
pids_cpu_s (const GPid *pids,
            guint       n_pids)
{
  double sum = 0;

  for (guint i = 0; i < n_pids; i++)
    sum += process_cpu_s (pids[i]);
  return sum;
}

/**
 * fleet_cpu_mark:
 * @pids: the processes under test
 *
 * Returns: where the CPU times stand now
 */
CpuMark
fleet_cpu_mark (const GPid *pids,
                guint       n_pids)
{
  CpuMark mark = { g_get_monotonic_time (), machine_busy_s (), pids_cpu_s (pids, n_pids),
                   self_cpu_s () };

  return mark;
}

/**
 * fleet_cpu_print:
 * @since: a mark made with the same @pids
 * @what: what the @pids are, for the line
 *
 * Prints the CPU each part spent since @since, in seconds and in percent
 * of one core.
 */
void
fleet_cpu_print (const CpuMark *since,
                 const GPid    *pids,
                 guint          n_pids,
                 const char    *what)
{
  CpuMark now = fleet_cpu_mark (pids, n_pids);
  double wall = (now.wall - since->wall) / 1e6;
  double busy = now.machine_s - since->machine_s;
  double tested = now.tested_s - since->tested_s;
  double self = now.self_s - since->self_s;
  double rest = MAX (busy - tested - self, 0);

  g_print ("    CPU over %.1f s, %% of one core: the machine %.0f%% of %ld00%%; %s %.0f%%, this "
           "benchmark's clients %.0f%%, the rest (PostgreSQL, other work) %.0f%%\n", wall,
           100 * busy / wall, sysconf (_SC_NPROCESSORS_ONLN), what, 100 * tested / wall,
           100 * self / wall, 100 * rest / wall);
}
