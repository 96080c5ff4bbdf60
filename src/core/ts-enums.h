/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The enums of the model. Each nick is the API's spelling of the value, so
 * the JSON codec and the server map them with the functions below. */

typedef enum {
  TS_STORY_TYPE_FEATURE,
  TS_STORY_TYPE_BUG,
  TS_STORY_TYPE_CHORE,
  TS_STORY_TYPE_RELEASE,
} TsStoryType;

typedef enum {
  TS_STORY_STATE_UNSCHEDULED,
  TS_STORY_STATE_UNSTARTED,
  TS_STORY_STATE_STARTED,
  TS_STORY_STATE_FINISHED,
  TS_STORY_STATE_DELIVERED,
  TS_STORY_STATE_REJECTED,
  TS_STORY_STATE_ACCEPTED,
} TsStoryState;

typedef enum {
  TS_POINT_SCALE_FIBONACCI,
  TS_POINT_SCALE_LINEAR,
  TS_POINT_SCALE_POWERS_OF_TWO,
} TsPointScale;

#define TS_TYPE_STORY_TYPE (ts_story_type_get_type ())
#define TS_TYPE_STORY_STATE (ts_story_state_get_type ())
#define TS_TYPE_POINT_SCALE (ts_point_scale_get_type ())

GType        ts_story_type_get_type     (void) G_GNUC_CONST;
GType        ts_story_state_get_type    (void) G_GNUC_CONST;
GType        ts_point_scale_get_type    (void) G_GNUC_CONST;

const char  *ts_story_type_to_string    (TsStoryType   type);
gboolean     ts_story_type_from_string  (const char   *string,
                                         TsStoryType  *out_type);
const char  *ts_story_state_to_string   (TsStoryState  state);
gboolean     ts_story_state_from_string (const char   *string,
                                         TsStoryState *out_state);
const char  *ts_point_scale_to_string   (TsPointScale  scale);
gboolean     ts_point_scale_from_string (const char   *string,
                                         TsPointScale *out_scale);

/* Estimates. A story without an estimate has %TS_ESTIMATE_NONE. */
#define TS_ESTIMATE_NONE (-1)

const int   *ts_point_scale_get_values  (TsPointScale  scale,
                                         guint        *n_values);
gboolean     ts_point_scale_contains    (TsPointScale  scale,
                                         int           estimate);
int          ts_point_scale_nearest     (TsPointScale  scale,
                                         int           estimate);

G_END_DECLS
