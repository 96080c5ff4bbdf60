/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Importing a 10,000-row Tracker CSV export end to end (issue 18's target:
 * under 5 s): the POST of the file until its answer, on a real server,
 * into an empty project and then a second file into the same project;
 * and `import-tracker` from the shell beside the server, until it exits.
 * On SQLite, or on PostgreSQL with TRUESTORY_TEST_STORE=postgresql.
 * Prints each round's figures beside the target and exits 1 when the
 * median of a measure misses it. */

#include <string.h>

#include "server-harness.h"

#define ROWS 10000
#define ROUNDS 3
#define TARGET_S 5.0

static const char * const people[] = {
  "Ada Lovelace", "Grace Hopper", "Linus Unknown", "Katherine Johnson",
};

/* A file like a busy project's export: every column, owners, comments,
 * tasks, multi-line descriptions, a tenth in the Icebox. */
static GString *
make_csv (guint first_id)
{
  GString *csv = g_string_new ("Id,Title,Labels,Iteration,Iteration Start,Iteration End,Type,"
                               "Estimate,Priority,Current State,Created at,Accepted at,Deadline,"
                               "Requested By,Description,URL,Owned By,Owned By,Comment,Comment,"
                               "Task,Task Status,Task,Task Status,Blocker,Blocker Status\r\n");

  for (guint i = 0; i < ROWS; i++)
    {
      guint id = first_id + i;
      const char *type = i % 10 == 3 ? "bug" : i % 10 == 7 ? "chore" : "feature";
      const char *state = i < 2000 ? "accepted" : i < 2200 ? "started" : i < 9000 ? "unstarted"
                                                                                  : "unscheduled";
      gboolean chore = g_str_equal (type, "chore");

      g_string_append_printf (csv, "%u,Story number %u: make the thing work,\"area-%u, web\",",
                              id, id, i % 17);
      if (i < 2000)
        g_string_append_printf (csv, "%u,\"Jan %u, 2024\",\"Jan %u, 2024\",", 1 + i / 100,
                                1 + (i / 100) % 20, 8 + (i / 100) % 20);
      else
        g_string_append (csv, ",,,");
      g_string_append_printf (csv, "%s,%s,p2 - Medium,%s,\"Jan 2, 2024\",%s,,%s,",
                              type, chore ? "" : (const char *[]) { "1", "2", "3", "5" }[i % 4],
                              state, i < 2000 ? "\"Jan 9, 2024\"" : "", people[i % 4]);
      g_string_append_printf (csv, "\"As a user, I want story %u\nso that \"\"it\"\" works.\","
                              "https://www.pivotaltracker.com/story/show/%u,%s,%s,",
                              id, id, people[(i + 1) % 4], i % 3 == 0 ? people[(i + 2) % 4] : "");
      g_string_append_printf (csv, "\"Looks right (%s - Jan 3, 2024)\",%s,Write it,completed,"
                              "Test it,not completed,%s\r\n", people[i % 2],
                              i % 5 == 0 ? "\"And one more, with a comma (Grace Hopper - Jan 4, 2024)\"" : "",
                              i % 50 == 0 ? "Waiting on design,unresolved" : ",");
    }
  return csv;
}

static double
post_import (TestServer *server,
             const char *token,
             gint64      project_id,
             GString    *csv,
             gint64     *out_total)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/import",
                                           project_id);
  g_autoptr(GBytes) body = g_bytes_new (csv->str, csv->len);
  g_autoptr(TestResponse) response = NULL;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  response = test_request_full (server, "POST", path, token, "text/csv", body, NULL);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  assert_status (response, 200);
  *out_total = test_response_int (response, "total");
  return seconds;
}

static double
shell_import (TestServer *server,
              gint64      project_id,
              GString    *csv)
{
  g_autofree char *file = g_build_filename (server->data_dir, "bench.csv", NULL);
  g_autofree char *project = g_strdup_printf ("%" G_GINT64_FORMAT, project_id);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_file_set_contents (file, csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_ptr_array_add (argv, (gpointer) test_server_program ());
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, server->data_dir);
  if (server->database != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--database");
      g_ptr_array_add (argv, server->database);
    }
  g_ptr_array_add (argv, (gpointer) "import-tracker");
  g_ptr_array_add (argv, (gpointer) "--project");
  g_ptr_array_add (argv, project);
  g_ptr_array_add (argv, file);
  g_ptr_array_add (argv, NULL);
  start = g_get_monotonic_time ();
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  return (g_get_monotonic_time () - start) / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static gboolean
report (const char *what,
        double      seconds[ROUNDS])
{
  double median;

  qsort (seconds, ROUNDS, sizeof (double), compare_doubles);
  median = seconds[ROUNDS / 2];
  g_print ("%-44s median %.2f s (min %.2f, max %.2f)  target < %.0f s  %s\n", what, median,
           seconds[0], seconds[ROUNDS - 1], TARGET_S, median < TARGET_S ? "ok" : "MISSED");
  return median < TARGET_S;
}

int
main (int   argc,
      char *argv[])
{
  TestServer *server = test_server_start (NULL);
  g_autofree char *ada = test_server_add_and_sign_in (server, "ada@example.org", "Ada Lovelace",
                                                      "analytical");
  double empty[ROUNDS], second[ROUNDS], shell[ROUNDS];
  gboolean ok = TRUE;

  test_server_add_user (server, "grace@example.org", "Grace Hopper", "compiler");
  g_print ("Tracker import of %u rows (%s store)\n", ROWS,
           server->database != NULL ? "PostgreSQL" : "SQLite");
  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GString) first = make_csv (1000000 + round * 3 * ROWS);
      g_autoptr(GString) more = make_csv (1000000 + (round * 3 + 1) * ROWS);
      g_autoptr(GString) shell_csv = make_csv (1000000 + (round * 3 + 2) * ROWS);
      gint64 project_id = test_server_create_project (server, ada, "{\"name\": \"Bench\"}");
      gint64 total = 0;

      test_server_add_member (server, ada, project_id, "grace@example.org");
      if (round == 0)
        g_print ("file: %.1f MiB\n", first->len / (1024.0 * 1024.0));
      empty[round] = post_import (server, ada, project_id, first, &total);
      g_assert_cmpint (total, ==, ROWS);
      second[round] = post_import (server, ada, project_id, more, &total);
      g_assert_cmpint (total, ==, ROWS);
      shell[round] = shell_import (server, project_id, shell_csv);
      g_print ("round %u: REST into empty %.2f s, REST into 10,000 %.2f s, shell into 20,000 %.2f s\n",
               round + 1, empty[round], second[round], shell[round]);
    }
  ok &= report ("POST import, 10,000 rows, empty project", empty);
  ok &= report ("POST import, 10,000 rows, 10,000 there", second);
  ok &= report ("import-tracker, 10,000 rows, 20,000 there", shell);
  test_server_stop (server);
  return ok ? 0 : 1;
}
