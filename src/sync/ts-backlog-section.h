/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ts-day.h"

G_BEGIN_DECLS

/**
 * TsBacklogSectionKind:
 * @TS_BACKLOG_SECTION_DONE: the "Done" summary, which folds the done iterations
 * @TS_BACKLOG_SECTION_DONE_ITERATION: one done iteration (shown when Done is open)
 * @TS_BACKLOG_SECTION_ITERATION: the current iteration or a future one
 * @TS_BACKLOG_SECTION_ICEBOX: the Icebox
 */
typedef enum {
  TS_BACKLOG_SECTION_DONE,
  TS_BACKLOG_SECTION_DONE_ITERATION,
  TS_BACKLOG_SECTION_ITERATION,
  TS_BACKLOG_SECTION_ICEBOX,
} TsBacklogSectionKind;

#define TS_TYPE_BACKLOG_SECTION (ts_backlog_section_get_type ())

G_DECLARE_FINAL_TYPE (TsBacklogSection, ts_backlog_section, TS, BACKLOG_SECTION, GObject)

/* A header row of the planned backlog. The fields are read by the model and
 * the rows directly: a section is a value the model makes once per plan and
 * reuses while it does not change, so that its row is not rebound. */
struct _TsBacklogSection
{
  GObject parent_instance;

  TsBacklogSectionKind kind;
  guint number;           /* the iteration's number; for DONE, how many done iterations */
  gboolean current;
  TsDay start;
  TsDay finish;
  double capacity;
  guint points;
  double team_strength;
  guint n_stories;
  gboolean expanded;      /* DONE only */
};

TsBacklogSection *ts_backlog_section_new   (TsBacklogSectionKind kind,
                                            guint                number);
gboolean          ts_backlog_section_equal (TsBacklogSection    *a,
                                            TsBacklogSection    *b);

G_END_DECLS
