/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TsDay:
 *
 * A calendar date as a day number, counted as GDate counts Julian days:
 * 0001-01-01 is day 1. Plain integers keep the planner's date arithmetic
 * cheap (an iteration is `start + 7 * weeks - 1`) and free of allocation.
 * %TS_DAY_NONE (0) means "no date".
 */
typedef guint32 TsDay;

#define TS_DAY_NONE ((TsDay) 0)

/* 1970-01-01, the day Unix time starts. */
#define TS_DAY_UNIX_EPOCH ((TsDay) 719163)

/* "YYYY-MM-DD" plus the terminating nul. */
#define TS_DAY_ISO_LENGTH 11

gboolean ts_day_parse        (const char  *iso,
                              TsDay       *out_day);
char    *ts_day_to_string    (TsDay        day);
void     ts_day_format       (TsDay        day,
                              char         out[TS_DAY_ISO_LENGTH]);
TsDay    ts_day_from_ymd     (int          year,
                              int          month,
                              int          day);
TsDay    ts_day_from_unix    (gint64       unix_seconds,
                              GTimeZone   *zone);
TsDay    ts_day_from_date_time (GDateTime *date_time,
                              GTimeZone   *zone);
TsDay    ts_day_today        (GTimeZone   *zone);

char      *ts_timestamp_to_string (GDateTime  *date_time);
GDateTime *ts_timestamp_parse     (const char *iso);

G_END_DECLS
