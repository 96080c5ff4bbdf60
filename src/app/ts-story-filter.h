/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-story.h"
#include "ts-user.h"

G_BEGIN_DECLS

/* A parsed search query of the backlog: free words and `type:`, `state:`,
 * `label:`, `owner:` terms, each negated by a leading `-`. Pure: no GTK,
 * no store, so that it is tested on its own. */
typedef struct _TsStoryFilter TsStoryFilter;

/* The member with this id, or NULL when unknown. */
typedef TsUser *(*TsStoryFilterUserFunc) (gint64   user_id,
                                          gpointer user_data);

/* The folded text of the story's comments, or NULL when unknown. */
typedef const char *(*TsStoryFilterCommentsFunc) (gint64   story_id,
                                                  gpointer user_data);

TsStoryFilter *ts_story_filter_new         (const char            *query);
void           ts_story_filter_free        (TsStoryFilter         *self);
gboolean       ts_story_filter_is_empty    (const TsStoryFilter   *self);
guint          ts_story_filter_get_n_terms (const TsStoryFilter   *self);
gboolean       ts_story_filter_match       (const TsStoryFilter   *self,
                                            TsStory               *story,
                                            TsStoryFilterUserFunc  lookup_user,
                                            gpointer               user_data);
gboolean       ts_story_filter_match_full  (const TsStoryFilter       *self,
                                            TsStory                   *story,
                                            TsStoryFilterUserFunc      lookup_user,
                                            TsStoryFilterCommentsFunc  lookup_comments,
                                            gpointer                   user_data);
gboolean       ts_story_filter_has_text    (const TsStoryFilter   *self);
char          *ts_story_filter_fold        (const char            *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsStoryFilter, ts_story_filter_free)

G_END_DECLS
