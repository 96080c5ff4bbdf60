/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "ts-core.h"

static void
test_parse_and_format (void)
{
  TsDay day;
  g_autofree char *text = NULL;

  g_assert_true (ts_day_parse ("2026-01-05", &day));
  g_assert_cmpuint (day, ==, ts_day_from_ymd (2026, 1, 5));
  text = ts_day_to_string (day);
  g_assert_cmpstr (text, ==, "2026-01-05");
  g_assert_true (ts_day_parse ("2024-02-29", &day));
}

static void
test_parse_refuses (void)
{
  const char *bad[] = {
    "", "2026-1-05", "2026-01-5", "2026/01/05", "2026-13-01", "2026-02-30",
    "2025-02-29", "0000-01-01", "2026-01-05T00:00:00Z", "2026-01-05 ", "+026-01-05",
    "２026-01-05",
  };
  TsDay day = 42;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("refusing “%s”", bad[i]);
      g_assert_false (ts_day_parse (bad[i], &day));
    }
  g_assert_false (ts_day_parse (NULL, &day));
  g_assert_cmpuint (day, ==, 42);
}

static void
test_from_unix_in_zone (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) los_angeles = g_time_zone_new_identifier ("America/Los_Angeles");
  g_autoptr(GTimeZone) auckland = g_time_zone_new_identifier ("Pacific/Auckland");
  g_autoptr(GDateTime) moment = ts_timestamp_parse ("2026-01-12T05:00:00Z");

  g_assert_nonnull (los_angeles);
  g_assert_nonnull (auckland);
  g_assert_cmpuint (ts_day_from_date_time (moment, utc), ==, ts_day_from_ymd (2026, 1, 12));
  g_assert_cmpuint (ts_day_from_date_time (moment, los_angeles), ==, ts_day_from_ymd (2026, 1, 11));
  g_assert_cmpuint (ts_day_from_date_time (moment, auckland), ==, ts_day_from_ymd (2026, 1, 12));
  /* Before the epoch, a moment still belongs to the day it falls in. */
  g_assert_cmpuint (ts_day_from_unix (-1, utc), ==, ts_day_from_ymd (1969, 12, 31));
  g_assert_cmpuint (ts_day_from_unix (0, utc), ==, ts_day_from_ymd (1970, 1, 1));
}

static void
test_timestamps (void)
{
  g_autoptr(GDateTime) zulu = ts_timestamp_parse ("2026-01-12T05:00:00Z");
  g_autoptr(GDateTime) offset = ts_timestamp_parse ("2026-01-11T21:00:00-08:00");
  g_autoptr(GDateTime) no_zone = ts_timestamp_parse ("2026-01-12T05:00:00");
  g_autofree char *text = NULL;

  g_assert_nonnull (zulu);
  g_assert_nonnull (offset);
  g_assert_true (g_date_time_equal (zulu, offset));
  g_assert_null (no_zone);
  g_assert_null (ts_timestamp_parse ("yesterday"));
  /* The fast path for the API's own form refuses what GLib refuses. */
  g_assert_null (ts_timestamp_parse ("2026-13-01T00:00:00Z"));
  g_assert_null (ts_timestamp_parse ("2026-02-30T00:00:00Z"));
  g_assert_null (ts_timestamp_parse ("2026-01-12T24:00:00Z"));
  g_assert_null (ts_timestamp_parse ("2026-01-12T05:60:00Z"));
  g_assert_null (ts_timestamp_parse ("2026-01-12T05:00:0xZ"));
  {
    g_autoptr(GDateTime) fractional = ts_timestamp_parse ("2026-01-12T05:00:00.250Z");

    g_assert_nonnull (fractional);
    g_assert_cmpint (g_date_time_get_microsecond (fractional), ==, 250000);
  }
  text = ts_timestamp_to_string (offset);
  g_assert_cmpstr (text, ==, "2026-01-12T05:00:00Z");
}

/* Years 0001 to 9999 are written with four digits and read back; years
 * outside are refused (GLib's `%Y` once wrote 466 for 0466, which the
 * reader then refused: found by fuzzing the codec). */
static void
test_four_digit_years (void)
{
  const char *days[] = { "0001-01-01", "0466-03-07", "0999-12-31", "9999-12-31" };
  const char *stamps[] = {
    "0001-01-01T00:00:00Z", "0466-03-07T12:34:56Z", "0999-12-31T23:59:59Z",
    "9999-12-31T23:59:59Z",
  };
  const char *bad_stamps[] = {
    "0000-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "466-03-07T12:34:56Z",
    "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
    /* Offsets that carry the moment out of the years GDateTime holds. */
    "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00",
  };
  TsDay day;

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autofree char *text = NULL;

      g_assert_true (ts_day_parse (days[i], &day));
      text = ts_day_to_string (day);
      g_assert_cmpstr (text, ==, days[i]);
    }
  g_assert_false (ts_day_parse ("0000-12-31", &day));
  g_assert_false (ts_day_parse ("10000-01-01", &day));
  g_assert_false (ts_day_parse ("999-12-31", &day));

  for (guint i = 0; i < G_N_ELEMENTS (stamps); i++)
    {
      g_autoptr(GDateTime) parsed = ts_timestamp_parse (stamps[i]);
      g_autoptr(GDateTime) again = NULL;
      g_autofree char *text = NULL;

      g_assert_nonnull (parsed);
      text = ts_timestamp_to_string (parsed);
      g_assert_cmpstr (text, ==, stamps[i]);
      again = ts_timestamp_parse (text);
      g_assert_nonnull (again);
      g_assert_true (g_date_time_equal (parsed, again));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_stamps); i++)
    {
      g_autoptr(GDateTime) parsed = ts_timestamp_parse (bad_stamps[i]);

      g_test_message ("refusing “%s”", bad_stamps[i]);
      g_assert_null (parsed);
    }

  /* The same through GLib's general reader: an offset in an early year. */
  {
    g_autoptr(GDateTime) early = ts_timestamp_parse ("0466-03-07T13:34:56+01:00");
    g_autofree char *text = NULL;

    g_assert_nonnull (early);
    text = ts_timestamp_to_string (early);
    g_assert_cmpstr (text, ==, "0466-03-07T12:34:56Z");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/day/parse-and-format", test_parse_and_format);
  g_test_add_func ("/core/day/parse-refuses", test_parse_refuses);
  g_test_add_func ("/core/day/from-unix-in-zone", test_from_unix_in_zone);
  g_test_add_func ("/core/day/timestamps", test_timestamps);
  g_test_add_func ("/core/day/four-digit-years", test_four_digit_years);

  return g_test_run ();
}
