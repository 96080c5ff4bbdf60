/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-enums.h"

G_BEGIN_DECLS

/* A story's type and state as people read them ("Bug", "Delivered"),
 * translated; the same words wherever the app shows them. */
const char *ts_story_type_display_name  (TsStoryType  type);
const char *ts_story_type_icon_name     (TsStoryType  type);
const char *ts_story_state_display_name (TsStoryState state);

G_END_DECLS
