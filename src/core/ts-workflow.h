/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ts-enums.h"
#include "ts-story.h"

G_BEGIN_DECLS

/* The rules a story obeys, shared by the server (which enforces them) and
 * the app (which offers only what they allow). Errors are TS_CORE_ERROR_INVALID
 * with a message that names the field. */

gboolean ts_story_state_is_valid_for_type (TsStoryType   type,
                                           TsStoryState  state);
gboolean ts_story_state_change_allowed    (TsStoryType   type,
                                           TsStoryState  from,
                                           TsStoryState  to);
guint    ts_story_next_states             (TsStoryType   type,
                                           TsStoryState  state,
                                           gboolean      estimated,
                                           TsStoryState  out_states[2]);

gboolean ts_check_text_characters         (const char   *field,
                                           const char   *text,
                                           gboolean      multiline,
                                           GError      **error);
gboolean ts_check_story_title             (const char   *title,
                                           GError      **error);
gboolean ts_check_story_description       (const char   *description,
                                           GError      **error);
gboolean ts_check_story_labels            (const char * const *labels,
                                           GError      **error);
gboolean ts_check_story_estimate          (int           estimate,
                                           TsPointScale  scale,
                                           GError      **error);
gboolean ts_check_task_text               (const char   *text,
                                           GError      **error);
gboolean ts_check_comment_text            (const char   *text,
                                           GError      **error);

gboolean ts_story_validate                (TsStory      *story,
                                           TsPointScale  scale,
                                           GError      **error);
gboolean ts_story_check_change            (TsStory      *before,
                                           TsStory      *after,
                                           TsPointScale  scale,
                                           GError      **error);

G_END_DECLS
