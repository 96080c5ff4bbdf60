/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-section"

#include "ts-backlog-section.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (TsBacklogSection, ts_backlog_section, G_TYPE_OBJECT)

static void
ts_backlog_section_class_init (TsBacklogSectionClass *klass)
{
}

static void
ts_backlog_section_init (TsBacklogSection *self)
{
  self->team_strength = 1.0;
}

TsBacklogSection *
ts_backlog_section_new (TsBacklogSectionKind kind,
                        guint                number)
{
  TsBacklogSection *self = g_object_new (TS_TYPE_BACKLOG_SECTION, NULL);

  self->kind = kind;
  self->number = number;
  return self;
}

/* Whether two sections show the same thing. */
gboolean
ts_backlog_section_equal (TsBacklogSection *a,
                          TsBacklogSection *b)
{
  return a->kind == b->kind && a->number == b->number && a->current == b->current &&
         a->start == b->start && a->finish == b->finish && a->capacity == b->capacity &&
         a->points == b->points && a->team_strength == b->team_strength &&
         a->n_stories == b->n_stories && a->expanded == b->expanded;
}

/* "Mar 2", or "Mar 2, 2027" outside the current year. */
char *
ts_day_dup_display (TsDay day)
{
  GDate date;
  GDate today;
  char buffer[64];

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
  {
    g_auto(GStrv) parts = g_strsplit (g_strstrip (buffer), "  ", -1);

    return g_strjoinv (" ", parts);
  }
}

char *
ts_backlog_section_dup_title (TsBacklogSection *self)
{
  switch (self->kind)
    {
    case TS_BACKLOG_SECTION_DONE:
      return g_strdup (_("Done"));
    case TS_BACKLOG_SECTION_ICEBOX:
      return g_strdup (_("Icebox"));
    case TS_BACKLOG_SECTION_DONE_ITERATION:
    case TS_BACKLOG_SECTION_ITERATION:
    default:
      if (self->current)
        return g_strdup_printf (_("Current · Iteration %u"), self->number);
      return g_strdup_printf (_("Iteration %u"), self->number);
    }
}

/* "Mar 2 – Mar 15". */
char *
ts_backlog_section_dup_dates (TsBacklogSection *self)
{
  g_autofree char *start = ts_day_dup_display (self->start);
  g_autofree char *finish = ts_day_dup_display (self->finish);

  if (self->start == TS_DAY_NONE)
    return g_strdup ("");
  return g_strdup_printf ("%s – %s", start, finish);
}
