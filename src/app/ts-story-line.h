/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ts-enums.h"

G_BEGIN_DECLS

#define TS_TYPE_STORY_LINE (ts_story_line_get_type ())

G_DECLARE_FINAL_TYPE (TsStoryLine, ts_story_line, TS, STORY_LINE, GtkWidget)

GtkWidget  *ts_story_line_new          (void);
void        ts_story_line_set          (TsStoryLine *self,
                                        TsStoryType  type,
                                        const char  *title,
                                        const char  *labels,
                                        int          estimate);
void        ts_story_line_set_state    (TsStoryLine *self,
                                        TsStoryState state);
const char *ts_story_line_get_title    (TsStoryLine *self);
const char *ts_story_line_get_labels   (TsStoryLine *self);
int         ts_story_line_get_estimate (TsStoryLine *self);
gboolean    ts_story_line_get_estimate_area (TsStoryLine     *self,
                                             graphene_rect_t *area);

G_END_DECLS
