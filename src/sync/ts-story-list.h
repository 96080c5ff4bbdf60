/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "ts-planning-table.h"
#include "ts-story.h"

G_BEGIN_DECLS

#define TS_TYPE_STORY_LIST (ts_story_list_get_type ())

G_DECLARE_FINAL_TYPE (TsStoryList, ts_story_list, TS, STORY_LIST, GObject)

TsStoryList     *ts_story_list_new          (void);
TsStory * const *ts_story_list_peek         (TsStoryList *self,
                                             guint       *n_stories);
guint            ts_story_list_insert       (TsStoryList *self,
                                             TsStory     *story);
gboolean         ts_story_list_remove       (TsStoryList *self,
                                             TsStory     *story);
void             ts_story_list_reposition   (TsStoryList *self,
                                             TsStory     *story,
                                             const char  *position);
gboolean         ts_story_list_find         (TsStoryList *self,
                                             TsStory     *story,
                                             guint       *out_index);
void             ts_story_list_replace_all  (TsStoryList *self,
                                             GPtrArray   *stories);
void             ts_story_list_refresh      (TsStoryList *self,
                                             TsStory     *story);
void             ts_story_list_refresh_all  (TsStoryList *self);

const TsPlanningTable *ts_story_list_peek_planning_table (TsStoryList *self);

G_END_DECLS
