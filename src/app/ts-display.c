/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-display"

#include "ts-display.h"

#include <glib/gi18n.h>
#include <time.h>

#include "ts-config.h"

/*
 * How the app words what the sync layer holds as values: dates, section
 * titles, estimates and counts, translated, in one place. Error texts are
 * ts-error-text.c's.
 */

/* "Mar 2", or "Mar 2, 2027" outside the current year. */
char *
ts_display_day (TsDay day)
{
  GDate date;
  GDate today;
  char buffer[64];
  g_auto(GStrv) parts = NULL;

  if (day == TS_DAY_NONE)
    return g_strdup ("");
  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  g_date_clear (&today, 1);
  g_date_set_time_t (&today, time (NULL));
  if (g_date_get_year (&date) == g_date_get_year (&today))
    /* TRANSLATORS: a short date, see strftime(3) */
    g_date_strftime (buffer, sizeof buffer, _("%b %e"), &date);
  else
    /* TRANSLATORS: a short date with its year, see strftime(3) */
    g_date_strftime (buffer, sizeof buffer, _("%b %e, %Y"), &date);
  /* %e pads single digits with a space. */
  parts = g_strsplit (g_strstrip (buffer), "  ", -1);
  return g_strjoinv (" ", parts);
}

char *
ts_display_section_title (TsBacklogSection *section)
{
  switch (section->kind)
    {
    case TS_BACKLOG_SECTION_DONE:
      return g_strdup (_("Done"));
    case TS_BACKLOG_SECTION_ICEBOX:
      return g_strdup (_("Icebox"));
    case TS_BACKLOG_SECTION_DONE_ITERATION:
    case TS_BACKLOG_SECTION_ITERATION:
    default:
      if (section->current)
        return g_strdup_printf (_("Current · Iteration %u"), section->number);
      return g_strdup_printf (_("Iteration %u"), section->number);
    }
}

/* "Mar 2 – Mar 15". */
char *
ts_display_section_dates (TsBacklogSection *section)
{
  g_autofree char *start = ts_display_day (section->start);
  g_autofree char *finish = ts_display_day (section->finish);

  if (section->start == TS_DAY_NONE)
    return g_strdup ("");
  return g_strdup_printf ("%s – %s", start, finish);
}

char *
ts_display_points (guint points)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u point", "%u points", points), points);
}

/* An estimate as the estimate menu offers it ("3 Points"). */
char *
ts_display_estimate (int estimate)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d Point", "%d Points", estimate),
                          estimate);
}

char *
ts_display_story_count (guint n_stories)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u story", "%u stories", n_stories),
                          n_stories);
}
