/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ts-api-client.h"

G_BEGIN_DECLS

#define TS_TYPE_COMMENT_INDEX (ts_comment_index_get_type ())

G_DECLARE_FINAL_TYPE (TsCommentIndex, ts_comment_index, TS, COMMENT_INDEX, GObject)

TsCommentIndex *ts_comment_index_new           (TsApiClient    *api,
                                                gint64          project_id);
void            ts_comment_index_load          (TsCommentIndex *self);
gboolean        ts_comment_index_is_loaded     (TsCommentIndex *self);
const char     *ts_comment_index_lookup        (TsCommentIndex *self,
                                                gint64          story_id);
void            ts_comment_index_story_changed (TsCommentIndex *self,
                                                gint64          story_id);
void            ts_comment_index_cancel        (TsCommentIndex *self);
char           *ts_comment_index_fold          (const char     *text);

G_END_DECLS
