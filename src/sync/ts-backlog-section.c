/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-section"

#include "ts-backlog-section.h"

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
