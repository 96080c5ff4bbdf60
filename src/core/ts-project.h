/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ts-day.h"
#include "ts-enums.h"

G_BEGIN_DECLS

/* Ranges of the planning settings, from doc/planning.md. */
#define TS_ITERATION_LENGTH_MIN 1
#define TS_ITERATION_LENGTH_MAX 4
#define TS_VELOCITY_STRATEGY_MIN 1
#define TS_VELOCITY_STRATEGY_MAX 4
#define TS_INITIAL_VELOCITY_MIN 1
#define TS_INITIAL_VELOCITY_MAX 1000
/* A limit the API leaves open, decided in src/DESIGN.md. */
#define TS_PROJECT_NAME_MAX_CHARS 200

/**
 * TsIterationOverride:
 * @number: the iteration (1 is the first)
 * @team_strength: the fraction of the team at work, 0 to 1
 * @length: the iteration's length in weeks, or 0 for the project's
 *
 * What a project says about one iteration that differs from its settings.
 */
typedef struct {
  guint number;
  double team_strength;
  guint length;
} TsIterationOverride;

#define TS_TYPE_ITERATION_OVERRIDE (ts_iteration_override_get_type ())

GType                ts_iteration_override_get_type (void) G_GNUC_CONST;
TsIterationOverride *ts_iteration_override_copy     (const TsIterationOverride *self);
void                 ts_iteration_override_free     (TsIterationOverride       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsIterationOverride, ts_iteration_override_free)

#define TS_TYPE_PROJECT (ts_project_get_type ())

G_DECLARE_FINAL_TYPE (TsProject, ts_project, TS, PROJECT, GObject)

TsProject    *ts_project_new                           (void);
TsProject    *ts_project_copy                          (TsProject    *self);

gint64        ts_project_get_id                        (TsProject    *self);
void          ts_project_set_id                        (TsProject    *self,
                                                        gint64        id);
const char   *ts_project_get_name                      (TsProject    *self);
void          ts_project_set_name                      (TsProject    *self,
                                                        const char   *name);
gint64        ts_project_get_version                   (TsProject    *self);
void          ts_project_set_version                   (TsProject    *self,
                                                        gint64        version);
TsDay         ts_project_get_start_date                (TsProject    *self);
void          ts_project_set_start_date                (TsProject    *self,
                                                        TsDay         start_date);
guint         ts_project_get_iteration_length          (TsProject    *self);
void          ts_project_set_iteration_length          (TsProject    *self,
                                                        guint         weeks);
guint         ts_project_get_velocity_strategy         (TsProject    *self);
void          ts_project_set_velocity_strategy         (TsProject    *self,
                                                        guint         iterations);
guint         ts_project_get_initial_velocity          (TsProject    *self);
void          ts_project_set_initial_velocity          (TsProject    *self,
                                                        guint         velocity);
TsPointScale  ts_project_get_point_scale               (TsProject    *self);
void          ts_project_set_point_scale               (TsProject    *self,
                                                        TsPointScale  scale);
gboolean      ts_project_get_bugs_and_chores_are_pointed (TsProject  *self);
void          ts_project_set_bugs_and_chores_are_pointed (TsProject  *self,
                                                        gboolean      pointed);
const char   *ts_project_get_time_zone                 (TsProject    *self);
gboolean      ts_project_set_time_zone                 (TsProject    *self,
                                                        const char   *identifier);
GTimeZone    *ts_project_get_zone                      (TsProject    *self);
GDateTime    *ts_project_get_created_at                (TsProject    *self);
void          ts_project_set_created_at                (TsProject    *self,
                                                        GDateTime    *created_at);

char         *ts_project_dup_channel                   (TsProject    *self);
char         *ts_project_dup_presence_channel          (TsProject    *self);

const TsIterationOverride *ts_project_get_overrides    (TsProject    *self,
                                                        guint        *n_overrides);
const TsIterationOverride *ts_project_get_override     (TsProject    *self,
                                                        guint         number);
void          ts_project_set_override                  (TsProject    *self,
                                                        const TsIterationOverride *override);
gboolean      ts_project_clear_override                (TsProject    *self,
                                                        guint         number);
void          ts_project_set_overrides                 (TsProject    *self,
                                                        const TsIterationOverride *overrides,
                                                        guint         n_overrides);
double        ts_project_get_team_strength             (TsProject    *self,
                                                        guint         number);
guint         ts_project_get_iteration_weeks           (TsProject    *self,
                                                        guint         number);

gboolean      ts_time_zone_is_known                    (const char   *identifier);

G_END_DECLS
