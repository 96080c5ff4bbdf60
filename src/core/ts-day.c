/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-day"

#include "ts-day.h"

#include <string.h>

/* GDate's Julian day number of 1970-01-01, the Unix epoch. */
#define UNIX_EPOCH_DAY ((gint64) TS_DAY_UNIX_EPOCH)
#define SECONDS_PER_DAY ((gint64) 86400)

static gboolean
parse_digits (const char *s,
              guint       n,
              int        *out)
{
  int value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      value = value * 10 + (s[i] - '0');
    }
  *out = value;
  return TRUE;
}

/**
 * ts_day_parse:
 * @iso: a date written exactly as `YYYY-MM-DD`
 * @out_day: (out): the day
 *
 * Strict on purpose: the API only ever writes this form, so anything else
 * (times, week dates, missing zeros) is a client bug worth reporting.
 *
 * Returns: %TRUE if @iso is a valid date
 */
gboolean
ts_day_parse (const char *iso,
              TsDay      *out_day)
{
  int year, month, day;

  g_return_val_if_fail (out_day != NULL, FALSE);

  if (iso == NULL || strlen (iso) != 10 || iso[4] != '-' || iso[7] != '-')
    return FALSE;
  if (!parse_digits (iso, 4, &year) ||
      !parse_digits (iso + 5, 2, &month) ||
      !parse_digits (iso + 8, 2, &day))
    return FALSE;
  if (year < 1 || !g_date_valid_dmy (day, month, year))
    return FALSE;

  *out_day = ts_day_from_ymd (year, month, day);
  return TRUE;
}

TsDay
ts_day_from_ymd (int year,
                 int month,
                 int day)
{
  GDate date;

  g_return_val_if_fail (g_date_valid_dmy (day, month, year), TS_DAY_NONE);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return g_date_get_julian (&date);
}

void
ts_day_format (TsDay day,
               char  out[TS_DAY_ISO_LENGTH])
{
  GDate date;

  g_return_if_fail (g_date_valid_julian (day));

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  g_snprintf (out, TS_DAY_ISO_LENGTH, "%04u-%02u-%02u",
              (guint) g_date_get_year (&date),
              (guint) g_date_get_month (&date),
              (guint) g_date_get_day (&date));
}

char *
ts_day_to_string (TsDay day)
{
  char buf[TS_DAY_ISO_LENGTH];

  g_return_val_if_fail (g_date_valid_julian (day), NULL);

  ts_day_format (day, buf);
  return g_strdup (buf);
}

/**
 * ts_day_from_unix:
 * @unix_seconds: a moment
 * @zone: the project's time zone
 *
 * The calendar date of a moment as people in @zone see it. Done with the
 * zone's offset and integer arithmetic rather than a GDateTime, because the
 * planner does this for every accepted story on every plan.
 */
TsDay
ts_day_from_unix (gint64     unix_seconds,
                  GTimeZone *zone)
{
  int interval;
  gint64 local;

  g_return_val_if_fail (zone != NULL, TS_DAY_NONE);

  interval = g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, unix_seconds);
  local = unix_seconds + g_time_zone_get_offset (zone, interval);

  /* Floor division: moments before 1970 belong to the day they fall in. */
  if (local < 0)
    return (TsDay) (UNIX_EPOCH_DAY + (local - SECONDS_PER_DAY + 1) / SECONDS_PER_DAY);
  return (TsDay) (UNIX_EPOCH_DAY + local / SECONDS_PER_DAY);
}

TsDay
ts_day_from_date_time (GDateTime *date_time,
                       GTimeZone *zone)
{
  g_return_val_if_fail (date_time != NULL, TS_DAY_NONE);

  return ts_day_from_unix (g_date_time_to_unix (date_time), zone);
}

TsDay
ts_day_today (GTimeZone *zone)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return ts_day_from_date_time (now, zone);
}

/**
 * ts_timestamp_to_string:
 * @date_time: a moment
 *
 * The year always has four digits: GLib's `%Y` writes 466 for the year
 * 466, which no ISO 8601 reader (ours included) takes back. GDateTime
 * holds the years 1 to 9999, so four digits are always enough.
 *
 * Returns: the moment in UTC as the API writes timestamps,
 *   `2026-01-12T05:00:00Z` (whole seconds)
 */
char *
ts_timestamp_to_string (GDateTime *date_time)
{
  g_autoptr(GDateTime) utc = NULL;
  int year, month, day;

  g_return_val_if_fail (date_time != NULL, NULL);

  utc = g_date_time_to_utc (date_time);
  g_date_time_get_ymd (utc, &year, &month, &day);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day,
                          g_date_time_get_hour (utc), g_date_time_get_minute (utc),
                          g_date_time_get_second (utc));
}

/**
 * ts_timestamp_parse:
 * @iso: an ISO 8601 timestamp
 *
 * Accepts any ISO 8601 date and time that names its offset (`Z` or
 * `+hh:mm`): a time without one would be read in some unknown zone.
 *
 * Returns: (transfer full) (nullable): the moment in UTC, or %NULL
 */
GDateTime *
ts_timestamp_parse (const char *iso)
{
  g_autoptr(GDateTime) parsed = NULL;
  int year, month, day, hour, minute, second;

  if (iso == NULL)
    return NULL;

  /* The form the API writes, `2026-01-12T05:00:00Z`, read directly: a
   * project's stories carry two or three timestamps each, and GLib's
   * general ISO 8601 parser is several times slower. */
  if (strlen (iso) == 20 && iso[4] == '-' && iso[7] == '-' && iso[10] == 'T' &&
      iso[13] == ':' && iso[16] == ':' && iso[19] == 'Z' &&
      parse_digits (iso, 4, &year) && parse_digits (iso + 5, 2, &month) &&
      parse_digits (iso + 8, 2, &day) && parse_digits (iso + 11, 2, &hour) &&
      parse_digits (iso + 14, 2, &minute) && parse_digits (iso + 17, 2, &second))
    {
      if (year < 1 || !g_date_valid_dmy (day, month, year) ||
          hour > 23 || minute > 59 || second > 59)
        return NULL;
      return g_date_time_new_utc (year, month, day, hour, minute, second);
    }

  /* With a NULL default zone, GLib refuses timestamps without an offset. */
  parsed = g_date_time_new_from_iso8601 (iso, NULL);
  if (parsed == NULL)
    return NULL;
  return g_date_time_to_utc (parsed);
}
