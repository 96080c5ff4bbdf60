/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-api-client.h"
#include "ts-backlog-store.h"

G_BEGIN_DECLS

#define TS_TYPE_STORY_EDITOR (ts_story_editor_get_type ())

G_DECLARE_FINAL_TYPE (TsStoryEditor, ts_story_editor, TS, STORY_EDITOR, AdwWindow)

void            ts_story_editor_present         (GtkWidget      *parent,
                                                 TsBacklogStore *store,
                                                 TsApiClient    *api,
                                                 gint64          story_id);

/* The open editor of a story, if any (one per story and store). */
TsStoryEditor  *ts_story_editor_find            (TsBacklogStore *store,
                                                 gint64          story_id);
gint64          ts_story_editor_get_story_id    (TsStoryEditor  *self);
/* A member's name as the editor knows it (it lists the project's members),
 * or NULL while they are not loaded or for someone who left. */
const char     *ts_story_editor_get_person_name (TsStoryEditor  *self,
                                                 gint64          user_id);

G_END_DECLS
