/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* From doc/api.md's conventions, in characters. */
#define TS_COMMENT_TEXT_MAX_CHARS 10000

#define TS_TYPE_COMMENT (ts_comment_get_type ())

G_DECLARE_FINAL_TYPE (TsComment, ts_comment, TS, COMMENT, GObject)

TsComment  *ts_comment_new            (void);

gint64      ts_comment_get_id         (TsComment  *self);
void        ts_comment_set_id         (TsComment  *self,
                                       gint64      id);
gint64      ts_comment_get_story_id   (TsComment  *self);
void        ts_comment_set_story_id   (TsComment  *self,
                                       gint64      story_id);
gint64      ts_comment_get_author_id  (TsComment  *self);
void        ts_comment_set_author_id  (TsComment  *self,
                                       gint64      author_id);
const char *ts_comment_get_text       (TsComment  *self);
void        ts_comment_set_text       (TsComment  *self,
                                       const char *text);
GDateTime  *ts_comment_get_created_at (TsComment  *self);
void        ts_comment_set_created_at (TsComment  *self,
                                       GDateTime  *created_at);
gint64      ts_comment_get_version    (TsComment  *self);
void        ts_comment_set_version    (TsComment  *self,
                                       gint64      version);

G_END_DECLS
