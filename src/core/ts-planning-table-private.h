/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-day.h"
#include "ts-planning-table.h"

G_BEGIN_DECLS

/* accepted_at of a story without an acceptance moment. */
#define TS_PLANNING_NO_MOMENT G_MININT64

/* What the planner's first pass reads of a story: 8 bytes, so a pass over
 * 100,000 stories reads 800 KB in order. */
typedef struct {
  gint32 estimate;
  guint8 story_type;
  guint8 state;
  guint16 unused;
} TsPlanningRow;

/* The planning fields of a backlog's stories, in priority order, one
 * array per field: each pass of the planner reads only the arrays it
 * needs (the first pass the rows, the layout the ids), and the moments
 * and deadlines, which only accepted stories and releases need, stay out
 * of the rows. */
struct _TsPlanningTable
{
  guint n_rows;
  guint capacity;
  gint64 *ids;
  TsPlanningRow *rows;
  gint64 *accepted_at;   /* Unix seconds, or TS_PLANNING_NO_MOMENT */
  TsDay *deadlines;
};

G_END_DECLS
