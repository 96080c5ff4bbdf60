/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The bounds of the planner's inputs and the time zone names, through a
 * real truestory-server: what would cost the REST thread a plan of
 * hundreds of thousands of iterations, or a file it must not open, is a
 * 422 naming the field and changes nothing. */

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server-harness.h"

typedef struct {
  TestServer *server;
  char *ada;
  char *project; /* "/api/v1/projects/<id>" */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  gint64 id;

  f->server = test_server_start (NULL);
  f->ada = test_server_add_and_sign_in (f->server, "ada@example.org", "Ada Lovelace", "analytical");
  id = test_server_create_project (f->server, f->ada,
                                   "{\"name\": \"Apollo\", \"iteration_length\": 1, "
                                   "\"start_date\": \"2026-01-05\"}");
  f->project = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, id);
  test_server_create_story (f->server, f->ada, id,
                            "{\"title\": \"One\", \"estimate\": 1, \"state\": \"unstarted\"}");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_server_stop (f->server);
  g_free (f->ada);
  g_free (f->project);
}

static gint64
project_version (Fixture *f)
{
  return test_server_version (f->server, f->ada, f->project);
}

/* @method @target must fail with 422 `invalid` naming @field, changing
 * nothing. */
static void
assert_invalid (Fixture    *f,
                const char *method,
                const char *target,
                const char *body,
                const char *field)
{
  gint64 before = project_version (f);
  g_autoptr(TestResponse) response = NULL;

  g_test_message ("%s %s %s", method, target, body != NULL ? body : "");
  response = test_request (f->server, method, target, f->ada, body);
  assert_status (response, 422);
  g_assert_cmpstr (test_response_error_code (response), ==, "invalid");
  if (strstr (response->text, field) == NULL)
    g_error ("the error %s does not name “%s”", response->text, field);
  g_assert_cmpint (project_version (f), ==, before);
}

static void
assert_plan (Fixture    *f,
             const char *query,
             guint       status,
             const char *field)
{
  g_autofree char *target = g_strconcat (f->project, "/plan?", query, NULL);

  if (status == 422)
    {
      assert_invalid (f, "GET", target, NULL, field);
    }
  else
    {
      g_autoptr(TestResponse) response = test_request (f->server, "GET", target, f->ada, NULL);

      g_test_message ("GET %s", target);
      assert_status (response, status);
    }
}

/* today within 1970-01-01 … 2199-12-31 and a velocity of at least 1; a
 * value that is no date or number stays 400 as before. */
static void
test_plan_bounds (Fixture       *f,
                  gconstpointer  data)
{
  assert_plan (f, "today=1970-01-01", 200, NULL);
  assert_plan (f, "today=2199-12-31", 200, NULL);
  assert_plan (f, "today=2026-01-07&velocity=1", 200, NULL);
  assert_plan (f, "today=2026-01-07&velocity=2.5", 200, NULL);
  assert_plan (f, "today=9999-12-31", 422, "today");
  assert_plan (f, "today=2200-01-01", 422, "today");
  assert_plan (f, "today=1969-12-31", 422, "today");
  assert_plan (f, "today=0001-01-01", 422, "today");
  assert_plan (f, "velocity=0.999", 422, "velocity");
  assert_plan (f, "velocity=0.000001", 422, "velocity");
  assert_plan (f, "today=2026-01-07&velocity=0.5", 422, "velocity");
  assert_plan (f, "velocity=-1", 400, NULL);
  assert_plan (f, "velocity=fast", 400, NULL);
  assert_plan (f, "today=2026-02-30", 400, NULL);

  /* The far end of the bounds is a plan of a bounded size. */
  {
    g_autofree char *target = g_strconcat (f->project, "/plan?today=2199-12-31", NULL);
    g_autoptr(TestResponse) response = test_request (f->server, "GET", target, f->ada, NULL);

    assert_status (response, 200);
    g_assert_cmpuint (strlen (response->text), <, 2 * 1024 * 1024);
  }
}

static void
test_start_date_bounds (Fixture       *f,
                        gconstpointer  data)
{
  assert_invalid (f, "PATCH", f->project, "{\"start_date\": \"1969-12-31\"}", "start_date");
  assert_invalid (f, "PATCH", f->project, "{\"start_date\": \"2200-01-01\"}", "start_date");
  assert_invalid (f, "PATCH", f->project, "{\"start_date\": \"0466-01-01\"}", "start_date");
  assert_invalid (f, "POST", "/api/v1/projects",
                  "{\"name\": \"Old\", \"start_date\": \"1900-01-01\"}", "start_date");
  {
    g_autoptr(TestResponse) first = test_request (f->server, "PATCH", f->project, f->ada,
                                                  "{\"start_date\": \"1970-01-01\"}");
    g_autoptr(TestResponse) last = test_request (f->server, "PATCH", f->project, f->ada,
                                                 "{\"start_date\": \"2199-12-31\"}");

    assert_status (first, 200);
    assert_status (last, 200);
  }
}

static char *
zone_body (const char *zone)
{
  return g_strdup_printf ("{\"time_zone\": \"%s\"}", zone);
}

/* Names that are paths, or files that are not zones, are refused without
 * being opened: a FIFO would block the REST thread for ever. */
static void
test_time_zones (Fixture       *f,
                 gconstpointer  data)
{
  const char *refused[] = {
    "/etc/localtime", "../../..", "../../../../usr/share/zoneinfo/UTC", "Europe/Berlin.",
    "Europe/../UTC", "./UTC", "Europe//Berlin", "Europe", "Mars/Olympus_Mons", "+05:00",
    "Test/Fifo", "Test/Directory",
  };
  g_autofree char *database = g_dir_make_tmp ("truestory-zones-XXXXXX", NULL);
  g_autofree char *test_dir = g_build_filename (database, "Test", NULL);
  g_autofree char *zone = g_build_filename (test_dir, "Zone", NULL);
  g_autofree char *fifo = g_build_filename (test_dir, "Fifo", NULL);
  g_autofree char *directory = g_build_filename (test_dir, "Directory", NULL);
  g_autofree char *berlin = g_build_filename (database, "Europe", NULL);
  g_autofree char *contents = NULL;
  gsize length;

  /* The system's database first. */
  {
    g_autofree char *body = zone_body ("Europe/Berlin");
    g_autoptr(TestResponse) response = test_request (f->server, "PATCH", f->project, f->ada, body);

    assert_status (response, 200);
    g_assert_cmpstr (json_object_get_string_member (test_response_object (response), "time_zone"),
                     ==, "Europe/Berlin");
  }

  /* Then a database of the test's own, through TZDIR, with a FIFO in it. */
  g_assert_nonnull (database);
  g_assert_cmpint (g_mkdir (test_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (directory, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (berlin, 0700), ==, 0);
  g_assert_true (g_file_get_contents ("/usr/share/zoneinfo/Europe/Berlin", &contents, &length,
                                      NULL));
  g_assert_true (g_file_set_contents (zone, contents, length, NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  test_server_terminate (f->server);
  g_setenv ("TZDIR", database, TRUE);
  test_server_restart (f->server);
  g_unsetenv ("TZDIR");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *body = zone_body (refused[i]);

      assert_invalid (f, "PATCH", f->project, body, "time_zone");
    }
  {
    g_autofree char *body = g_strdup_printf ("{\"name\": \"Z\", \"time_zone\": \"%s\"}", "Test/Fifo");

    assert_invalid (f, "POST", "/api/v1/projects", body, "time_zone");
  }
  {
    g_autofree char *body = zone_body ("Test/Zone");
    g_autoptr(TestResponse) response = test_request (f->server, "PATCH", f->project, f->ada, body);
    g_autoptr(TestResponse) health = test_request (f->server, "GET", "/api/v1/health", NULL, NULL);

    assert_status (response, 200);
    assert_status (health, 200);
  }

  g_unlink (fifo);
  g_unlink (zone);
  g_rmdir (directory);
  g_rmdir (berlin);
  g_rmdir (test_dir);
  g_rmdir (database);
}

#define ADD(name, func) \
  g_test_add ("/server/inputs/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("plan-bounds", test_plan_bounds);
  ADD ("start-date-bounds", test_start_date_bounds);
  ADD ("time-zones", test_time_zones);

  return g_test_run ();
}
