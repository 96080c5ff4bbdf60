/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ts-comment.h"
#include "ts-project.h"
#include "ts-story.h"

G_BEGIN_DECLS

/**
 * TsEventKind:
 *
 * The realtime events of a project (doc/api.md, *Realtime events*). Each is
 * also the `name` of a change in `GET …/changes`.
 */
typedef enum {
  TS_EVENT_STORIES_CREATE,
  TS_EVENT_STORIES_UPDATE,
  TS_EVENT_STORIES_DESTROY,
  TS_EVENT_STORIES_MOVE,
  TS_EVENT_PROJECTS_UPDATE,
  TS_EVENT_PROJECTS_DESTROY,
  TS_EVENT_ITERATIONS_UPDATE,
  TS_EVENT_COMMENTS_CREATE,
  TS_EVENT_COMMENTS_DESTROY,
  TS_EVENT_STORIES_IMPORT,
} TsEventKind;

#define TS_TYPE_EVENT_KIND (ts_event_kind_get_type ())

GType        ts_event_kind_get_type    (void) G_GNUC_CONST;
const char  *ts_event_kind_to_string   (TsEventKind  kind);
gboolean     ts_event_kind_from_string (const char  *name,
                                        TsEventKind *out_kind);

/* The Pusher limit on an event's data, in bytes (doc/pusher-protocol.md). */
#define TS_EVENT_DATA_MAX_BYTES 10240

/**
 * TsChange:
 * @kind: which event
 * @version: the project version this change produced
 * @actor_id: the user who made it
 * @at: when (UTC)
 * @thin: %TRUE when the event was too large to carry its object; the
 *   client fetches the change instead (then only @id is set)
 * @id: the id of the changed or destroyed object (a story, project or
 *   comment; the iteration number for iterations-update)
 * @story_id: for comment events, and for stories-destroy (equal to @id)
 * @title: for a -destroy event of a story or comment, the story's title
 * @story: (nullable): the story, for stories-create/update/move
 * @project: (nullable): the project, for projects-update
 * @iteration: (nullable): the override, for iterations-update (team
 *   strength 1 and length 0 once cleared)
 * @comment: (nullable): the comment, for comments-create
 * @count: the stories made, for stories-import (which carries no story:
 *   clients reload the project)
 *
 * One change to a project, as an event's data and as an entry of the
 * change history. Immutable once built; reference counted.
 */
typedef struct {
  TsEventKind kind;
  gint64 version;
  gint64 actor_id;
  GDateTime *at;
  gboolean thin;
  gint64 id;
  gint64 story_id;
  char *title;
  TsStory *story;
  TsProject *project;
  TsIterationOverride *iteration;
  TsComment *comment;
  guint count;
} TsChange;

#define TS_TYPE_CHANGE (ts_change_get_type ())

GType     ts_change_get_type (void) G_GNUC_CONST;
TsChange *ts_change_new      (TsEventKind  kind,
                              gint64       version,
                              gint64       actor_id,
                              GDateTime   *at);
TsChange *ts_change_ref      (TsChange    *self);
void      ts_change_unref    (TsChange    *self);
TsChange *ts_change_new_thin (TsChange    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsChange, ts_change_unref)

G_END_DECLS
