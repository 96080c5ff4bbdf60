/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The model objects: notification only on change, copies, diffs, the
 * point scales and their mapping, and project overrides. */

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ts-core.h"

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_story_notifies_only_on_change (void)
{
  g_autoptr(TsStory) story = ts_story_new ();
  const gint64 owners[] = { 3, 5 };
  const char *labels[] = { "api", NULL };
  guint count = 0;

  g_signal_connect (story, "notify", G_CALLBACK (count_notify), &count);
  ts_story_set_title (story, "Sync");
  ts_story_set_title (story, "Sync");
  g_assert_cmpuint (count, ==, 1);
  ts_story_set_estimate (story, 3);
  ts_story_set_estimate (story, 3);
  g_assert_cmpuint (count, ==, 2);
  ts_story_set_owner_ids (story, owners, 2);
  ts_story_set_owner_ids (story, owners, 2);
  g_assert_cmpuint (count, ==, 3);
  ts_story_set_labels (story, labels);
  ts_story_set_labels (story, labels);
  g_assert_cmpuint (count, ==, 4);
  g_assert_true (ts_story_has_owner (story, 5));
  g_assert_false (ts_story_has_owner (story, 4));

  g_assert_finalize_object (g_steal_pointer (&story));
}

static void
test_story_copy_diff_apply (void)
{
  g_autoptr(TsStory) story = ts_story_new ();
  g_autoptr(TsStory) copy = NULL;
  g_autoptr(TsStory) other = NULL;
  g_autoptr(GDateTime) accepted_at = g_date_time_new_utc (2026, 1, 12, 5, 0, 0);
  const gint64 owners[] = { 7 };
  const char *labels[] = { "ux", "api", NULL };

  ts_story_set_id (story, 12);
  ts_story_set_title (story, "Offline banner");
  ts_story_set_story_type (story, TS_STORY_TYPE_BUG);
  ts_story_set_estimate (story, 2);
  ts_story_set_state (story, TS_STORY_STATE_ACCEPTED);
  ts_story_set_labels (story, labels);
  ts_story_set_owner_ids (story, owners, 1);
  ts_story_set_accepted_at (story, accepted_at);
  ts_story_set_position (story, "V");
  ts_story_set_version (story, 9);

  copy = ts_story_copy (story);
  g_assert_true (ts_story_equal (story, copy));
  g_assert_cmpuint (ts_story_diff (story, copy, TS_STORY_FIELDS_ALL), ==, TS_STORY_FIELD_NONE);

  other = ts_story_new ();
  ts_story_set_title (other, "Offline banner, styled");
  ts_story_set_estimate (other, 2);
  g_assert_cmpuint (ts_story_diff (story, other, TS_STORY_FIELD_TITLE | TS_STORY_FIELD_ESTIMATE),
                    ==, TS_STORY_FIELD_TITLE);

  ts_story_apply (copy, other, TS_STORY_FIELD_TITLE);
  g_assert_cmpstr (ts_story_get_title (copy), ==, "Offline banner, styled");
  g_assert_cmpint (ts_story_get_story_type (copy), ==, TS_STORY_TYPE_BUG);
  g_assert_false (ts_story_equal (story, copy));
  g_assert_cmpuint (ts_story_diff (story, copy, TS_STORY_FIELDS_ALL), ==, TS_STORY_FIELD_TITLE);
}

static void
test_story_fields_by_name (void)
{
  TsStoryFields field;

  for (guint bit = 0; (1u << bit) & TS_STORY_FIELDS_ALL; bit++)
    {
      const char *name = ts_story_field_to_string (1u << bit);

      g_assert_nonnull (name);
      g_assert_true (ts_story_field_from_string (name, &field));
      g_assert_cmpuint (field, ==, 1u << bit);
    }
  g_assert_false (ts_story_field_from_string ("position", &field));
  g_assert_null (ts_story_field_to_string (TS_STORY_FIELD_TITLE | TS_STORY_FIELD_STATE));
}

static void
test_story_points (void)
{
  g_autoptr(TsStory) story = ts_story_new ();

  g_assert_cmpint (ts_story_get_points (story, TRUE), ==, 0);
  ts_story_set_estimate (story, 5);
  g_assert_cmpint (ts_story_get_points (story, FALSE), ==, 5);
  ts_story_set_story_type (story, TS_STORY_TYPE_CHORE);
  g_assert_cmpint (ts_story_get_points (story, FALSE), ==, 0);
  g_assert_cmpint (ts_story_get_points (story, TRUE), ==, 5);
  ts_story_set_story_type (story, TS_STORY_TYPE_RELEASE);
  g_assert_cmpint (ts_story_get_points (story, TRUE), ==, 0);
}

static void
test_enum_strings (void)
{
  TsStoryState state;
  TsStoryType type;
  TsPointScale scale;

  g_assert_cmpstr (ts_story_state_to_string (TS_STORY_STATE_UNSCHEDULED), ==, "unscheduled");
  g_assert_true (ts_story_state_from_string ("delivered", &state));
  g_assert_cmpint (state, ==, TS_STORY_STATE_DELIVERED);
  g_assert_false (ts_story_state_from_string ("Delivered", &state));
  g_assert_false (ts_story_state_from_string (NULL, &state));
  g_assert_true (ts_story_type_from_string ("release", &type));
  g_assert_cmpint (type, ==, TS_STORY_TYPE_RELEASE);
  g_assert_false (ts_story_type_from_string ("epic", &type));
  g_assert_true (ts_point_scale_from_string ("powers_of_two", &scale));
  g_assert_cmpstr (ts_point_scale_to_string (scale), ==, "powers_of_two");
}

typedef struct {
  TsPointScale scale;
  int estimate;
  int expected;
} Mapping;

/* doc/planning.md: the nearest value of the new scale, a tie to the larger. */
static void
test_point_scale_mapping (void)
{
  static const Mapping mappings[] = {
    { TS_POINT_SCALE_LINEAR, 5, 3 },
    { TS_POINT_SCALE_LINEAR, 8, 3 },
    { TS_POINT_SCALE_LINEAR, 2, 2 },
    { TS_POINT_SCALE_POWERS_OF_TWO, 3, 4 },      /* tie between 2 and 4 */
    { TS_POINT_SCALE_POWERS_OF_TWO, 5, 4 },
    { TS_POINT_SCALE_FIBONACCI, 4, 5 },          /* tie between 3 and 5 */
    { TS_POINT_SCALE_FIBONACCI, 6, 5 },
    { TS_POINT_SCALE_FIBONACCI, 7, 8 },
    { TS_POINT_SCALE_FIBONACCI, 0, 0 },
    { TS_POINT_SCALE_FIBONACCI, TS_ESTIMATE_NONE, TS_ESTIMATE_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (mappings); i++)
    g_assert_cmpint (ts_point_scale_nearest (mappings[i].scale, mappings[i].estimate), ==,
                     mappings[i].expected);

  /* Every value of every scale lands on the target scale. */
  for (TsPointScale from = TS_POINT_SCALE_FIBONACCI; from <= TS_POINT_SCALE_POWERS_OF_TWO; from++)
    for (TsPointScale to = TS_POINT_SCALE_FIBONACCI; to <= TS_POINT_SCALE_POWERS_OF_TWO; to++)
      {
        guint n_values;
        const int *values = ts_point_scale_get_values (from, &n_values);

        for (guint i = 0; i < n_values; i++)
          g_assert_true (ts_point_scale_contains (to, ts_point_scale_nearest (to, values[i])));
      }
}

static void
test_project_overrides (void)
{
  g_autoptr(TsProject) project = ts_project_new ();
  g_autoptr(TsProject) copy = NULL;
  TsIterationOverride late = { 9, 0.5, 0 };
  TsIterationOverride early = { 2, 1.0, 3 };
  TsIterationOverride early_again = { 2, 0.8, 3 };
  const TsIterationOverride *overrides;
  guint n, count = 0;

  g_signal_connect (project, "notify::iterations", G_CALLBACK (count_notify), &count);
  ts_project_set_override (project, &late);
  ts_project_set_override (project, &early);
  ts_project_set_override (project, &early);
  g_assert_cmpuint (count, ==, 2);
  ts_project_set_override (project, &early_again);

  overrides = ts_project_get_overrides (project, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (overrides[0].number, ==, 2);
  g_assert_cmpuint (overrides[1].number, ==, 9);
  g_assert_cmpfloat (ts_project_get_team_strength (project, 2), ==, 0.8);
  g_assert_cmpfloat (ts_project_get_team_strength (project, 3), ==, 1.0);
  g_assert_cmpuint (ts_project_get_iteration_weeks (project, 2), ==, 3);
  g_assert_cmpuint (ts_project_get_iteration_weeks (project, 9), ==, 2);

  copy = ts_project_copy (project);
  g_assert_true (ts_project_clear_override (project, 2));
  g_assert_false (ts_project_clear_override (project, 2));
  g_assert_null (ts_project_get_override (project, 2));
  g_assert_nonnull (ts_project_get_override (copy, 2));
}

static void
test_project_settings (void)
{
  g_autoptr(TsProject) project = ts_project_new ();
  g_autofree char *channel = NULL;
  g_autofree char *presence = NULL;

  g_assert_cmpuint (ts_project_get_iteration_length (project), ==, 2);
  g_assert_cmpuint (ts_project_get_velocity_strategy (project), ==, 3);
  g_assert_cmpuint (ts_project_get_initial_velocity (project), ==, 10);
  g_assert_cmpstr (ts_project_get_time_zone (project), ==, "UTC");

  g_assert_true (ts_project_set_time_zone (project, "Europe/Berlin"));
  g_assert_false (ts_project_set_time_zone (project, "Mars/Olympus_Mons"));
  g_assert_cmpstr (ts_project_get_time_zone (project), ==, "Europe/Berlin");
  g_assert_true (ts_time_zone_is_known ("America/Los_Angeles"));
  g_assert_false (ts_time_zone_is_known (""));
  g_assert_false (ts_time_zone_is_known ("+05:00"));
  g_assert_false (ts_time_zone_is_known ("EST5EDT,M3.2.0,M11.1.0"));
  g_assert_false (ts_project_set_time_zone (project, "-03:00"));

  ts_project_set_id (project, 42);
  channel = ts_project_dup_channel (project);
  presence = ts_project_dup_presence_channel (project);
  g_assert_cmpstr (channel, ==, "private-project-42");
  g_assert_cmpstr (presence, ==, "presence-project-42");
}

/* A time zone is a name in the zone database, never a path: checked by
 * its form and by lstat() before GLib opens anything. */
static void
test_time_zone_names (void)
{
  const char *refused[] = {
    "/etc/localtime", "../../..", "../../../../usr/share/zoneinfo/UTC", "Europe/../UTC",
    "Europe/Berlin.", ".Berlin", "Europe/./Berlin", "Europe//Berlin", "Europe/Berlin/",
    "/Europe/Berlin", "Europe", "posixrules.", "Europe/Berlin ", "Europe\\Berlin",
    "Test/Fifo", "Test/Directory", "Test/Escape", "Test/Missing", "Test", "",
  };
  g_autofree char *database = g_dir_make_tmp ("truestory-zones-XXXXXX", NULL);
  g_autofree char *test_dir = g_build_filename (database, "Test", NULL);
  g_autofree char *zone = g_build_filename (test_dir, "Zone", NULL);
  g_autofree char *fifo = g_build_filename (test_dir, "Fifo", NULL);
  g_autofree char *directory = g_build_filename (test_dir, "Directory", NULL);
  g_autofree char *alias = g_build_filename (test_dir, "Alias", NULL);
  g_autofree char *escape = g_build_filename (test_dir, "Escape", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(TsProject) project = ts_project_new ();

  /* The system's database. */
  g_assert_true (ts_time_zone_is_known ("Europe/Berlin"));
  g_assert_true (ts_time_zone_is_known ("UTC"));
  g_assert_true (ts_time_zone_is_known ("Etc/GMT+5"));
  g_assert_true (ts_time_zone_is_known ("America/Argentina/Buenos_Aires"));

  /* A database of our own, through TZDIR: a zone, an alias inside, a link
   * out of it, a FIFO (which would block whoever opened it) and a
   * directory. */
  g_assert_nonnull (database);
  g_assert_cmpint (g_mkdir (test_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (directory, 0700), ==, 0);
  g_assert_true (g_file_get_contents ("/usr/share/zoneinfo/Europe/Berlin", &contents, &length,
                                      NULL));
  g_assert_true (g_file_set_contents (zone, contents, length, NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("Zone", alias), ==, 0);
  g_assert_cmpint (symlink ("/usr/share/zoneinfo/Europe/Berlin", escape), ==, 0);
  g_setenv ("TZDIR", database, TRUE);

  g_assert_true (ts_time_zone_is_known ("Test/Zone"));
  g_assert_true (ts_time_zone_is_known ("Test/Alias"));
  g_assert_true (ts_project_set_time_zone (project, "Test/Zone"));
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("refusing “%s”", refused[i]);
      g_assert_false (ts_time_zone_is_known (refused[i]));
      g_assert_false (ts_project_set_time_zone (project, refused[i]));
    }
  g_assert_cmpstr (ts_project_get_time_zone (project), ==, "Test/Zone");
  /* Europe/Berlin is not in this database. */
  g_assert_false (ts_time_zone_is_known ("Europe/Berlin"));
  g_assert_true (ts_time_zone_is_known ("UTC"));
  g_setenv ("TZDIR", "relative/zoneinfo", TRUE);
  g_assert_false (ts_time_zone_is_known ("Test/Zone"));
  g_unsetenv ("TZDIR");

  g_unlink (escape);
  g_unlink (alias);
  g_unlink (fifo);
  g_unlink (zone);
  g_rmdir (directory);
  g_rmdir (test_dir);
  g_rmdir (database);
}

static void
test_user (void)
{
  g_autoptr(TsUser) ada = ts_user_new (1, "Ada King Lovelace", "ada@example.org");
  g_autoptr(TsUser) nameless = ts_user_new (2, "", "grace@example.org");
  g_autoptr(TsUser) accented = ts_user_new (3, " émile  zola ", "ez@example.org");
  g_autofree char *a = ts_user_dup_initials (ada);
  g_autofree char *b = ts_user_dup_initials (nameless);
  g_autofree char *c = ts_user_dup_initials (accented);

  g_assert_cmpstr (a, ==, "AL");
  g_assert_cmpstr (b, ==, "G");
  g_assert_cmpstr (c, ==, "ÉZ");
  g_assert_true (ts_email_is_plausible ("ada@example.org"));
  g_assert_false (ts_email_is_plausible ("ada@example"));
  g_assert_false (ts_email_is_plausible ("ada example@x.org"));
  g_assert_false (ts_email_is_plausible ("@example.org"));
  g_assert_false (ts_email_is_plausible ("a@b@example.org"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/model/story-notifies-only-on-change", test_story_notifies_only_on_change);
  g_test_add_func ("/core/model/story-copy-diff-apply", test_story_copy_diff_apply);
  g_test_add_func ("/core/model/story-fields-by-name", test_story_fields_by_name);
  g_test_add_func ("/core/model/story-points", test_story_points);
  g_test_add_func ("/core/model/enum-strings", test_enum_strings);
  g_test_add_func ("/core/model/point-scale-mapping", test_point_scale_mapping);
  g_test_add_func ("/core/model/project-overrides", test_project_overrides);
  g_test_add_func ("/core/model/project-settings", test_project_settings);
  g_test_add_func ("/core/model/time-zone-names", test_time_zone_names);
  g_test_add_func ("/core/model/user", test_user);

  return g_test_run ();
}
