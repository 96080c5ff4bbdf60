/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ts-story.h"

G_BEGIN_DECLS

typedef struct _TsPlanningTable TsPlanningTable;

TsPlanningTable *ts_planning_table_new              (void);
TsPlanningTable *ts_planning_table_new_from_stories (TsStory * const       *stories,
                                                     guint                  n_stories);
void             ts_planning_table_free             (TsPlanningTable       *self);

guint            ts_planning_table_get_n_rows       (const TsPlanningTable *self);
void             ts_planning_table_insert           (TsPlanningTable       *self,
                                                     guint                  index,
                                                     TsStory               *story);
void             ts_planning_table_remove           (TsPlanningTable       *self,
                                                     guint                  index);
void             ts_planning_table_update           (TsPlanningTable       *self,
                                                     guint                  index,
                                                     TsStory               *story);
void             ts_planning_table_replace          (TsPlanningTable       *self,
                                                     TsStory * const       *stories,
                                                     guint                  n_stories);
gboolean         ts_planning_table_equal            (const TsPlanningTable *a,
                                                     const TsPlanningTable *b,
                                                     guint                 *out_first_difference);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsPlanningTable, ts_planning_table_free)

G_END_DECLS
