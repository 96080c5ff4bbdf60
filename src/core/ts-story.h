/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ts-day.h"
#include "ts-enums.h"
#include "ts-task.h"

G_BEGIN_DECLS

/* Limits from doc/api.md's conventions, counted in characters (code points). */
#define TS_STORY_TITLE_MAX_CHARS 1000
#define TS_STORY_DESCRIPTION_MAX_CHARS 20000
/* Limits the API leaves open, decided in src/DESIGN.md. */
#define TS_STORY_LABEL_MAX_CHARS 100
#define TS_STORY_MAX_LABELS 100
#define TS_STORY_MAX_OWNERS 100

/**
 * TsStoryFields:
 *
 * The fields of a story that people change (everything but what the server
 * owns and the position, which only a move changes). Used for patches,
 * for diffs and for the fields of a conflict.
 */
typedef enum {
  TS_STORY_FIELD_NONE         = 0,
  TS_STORY_FIELD_TITLE        = 1 << 0,
  TS_STORY_FIELD_DESCRIPTION  = 1 << 1,
  TS_STORY_FIELD_TYPE         = 1 << 2,
  TS_STORY_FIELD_ESTIMATE     = 1 << 3,
  TS_STORY_FIELD_STATE        = 1 << 4,
  TS_STORY_FIELD_LABELS       = 1 << 5,
  TS_STORY_FIELD_OWNER_IDS    = 1 << 6,
  TS_STORY_FIELD_REQUESTER_ID = 1 << 7,
  TS_STORY_FIELD_DEADLINE     = 1 << 8,
} TsStoryFields;

#define TS_STORY_FIELDS_ALL ((TsStoryFields) 0x1ff)

const char *ts_story_field_to_string   (TsStoryFields  field);
gboolean    ts_story_field_from_string (const char    *name,
                                        TsStoryFields *out_field);

#define TS_TYPE_STORY (ts_story_get_type ())

G_DECLARE_FINAL_TYPE (TsStory, ts_story, TS, STORY, GObject)

TsStory      *ts_story_new              (void);
TsStory      *ts_story_copy             (TsStory       *self);

gint64        ts_story_get_id           (TsStory       *self);
void          ts_story_set_id           (TsStory       *self,
                                         gint64         id);
gint64        ts_story_get_project_id   (TsStory       *self);
void          ts_story_set_project_id   (TsStory       *self,
                                         gint64         project_id);
const char   *ts_story_get_title        (TsStory       *self);
void          ts_story_set_title        (TsStory       *self,
                                         const char    *title);
const char   *ts_story_get_description  (TsStory       *self);
void          ts_story_set_description  (TsStory       *self,
                                         const char    *description);
TsStoryType   ts_story_get_story_type   (TsStory       *self);
void          ts_story_set_story_type   (TsStory       *self,
                                         TsStoryType    story_type);
int           ts_story_get_estimate     (TsStory       *self);
void          ts_story_set_estimate     (TsStory       *self,
                                         int            estimate);
TsStoryState  ts_story_get_state        (TsStory       *self);
void          ts_story_set_state        (TsStory       *self,
                                         TsStoryState   state);
const char   *ts_story_get_position     (TsStory       *self);
void          ts_story_set_position     (TsStory       *self,
                                         const char    *position);
const char * const *ts_story_get_labels (TsStory       *self);
void          ts_story_set_labels       (TsStory       *self,
                                         const char * const *labels);
const gint64 *ts_story_get_owner_ids    (TsStory       *self,
                                         guint         *n_owner_ids);
void          ts_story_set_owner_ids    (TsStory       *self,
                                         const gint64  *owner_ids,
                                         guint          n_owner_ids);
gint64        ts_story_get_requester_id (TsStory       *self);
void          ts_story_set_requester_id (TsStory       *self,
                                         gint64         requester_id);
TsDay         ts_story_get_deadline     (TsStory       *self);
void          ts_story_set_deadline     (TsStory       *self,
                                         TsDay          deadline);
GDateTime    *ts_story_get_accepted_at  (TsStory       *self);
void          ts_story_set_accepted_at  (TsStory       *self,
                                         GDateTime     *accepted_at);
GDateTime    *ts_story_get_created_at   (TsStory       *self);
void          ts_story_set_created_at   (TsStory       *self,
                                         GDateTime     *created_at);
GDateTime    *ts_story_get_updated_at   (TsStory       *self);
void          ts_story_set_updated_at   (TsStory       *self,
                                         GDateTime     *updated_at);
gint64        ts_story_get_version      (TsStory       *self);
void          ts_story_set_version      (TsStory       *self,
                                         gint64         version);

GPtrArray    *ts_story_get_tasks        (TsStory       *self);
void          ts_story_set_tasks        (TsStory       *self,
                                         GPtrArray     *tasks);
guint         ts_story_count_done_tasks (TsStory       *self);

gboolean      ts_story_has_estimate     (TsStory       *self);
gboolean      ts_story_has_owner        (TsStory       *self,
                                         gint64         user_id);
int           ts_story_get_points       (TsStory       *self,
                                         gboolean       bugs_and_chores_are_pointed);

TsStoryFields ts_story_diff             (TsStory       *a,
                                         TsStory       *b,
                                         TsStoryFields  fields);
void          ts_story_apply            (TsStory       *self,
                                         TsStory       *source,
                                         TsStoryFields  fields);
gboolean      ts_story_equal            (TsStory       *a,
                                         TsStory       *b);

G_END_DECLS
