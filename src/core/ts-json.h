/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "ts-change.h"
#include "ts-comment.h"
#include "ts-plan.h"
#include "ts-project.h"
#include "ts-story.h"
#include "ts-user.h"

G_BEGIN_DECLS

/*
 * The JSON codec of doc/api.md. Two kinds of reader:
 *
 * - Resources as the server writes them (`*_from_json`), read by the
 *   client: every field the API lists must be there with its type; members
 *   the API does not list are ignored, because doc/api.md welcomes more fields
 *   and a newer server must not break an older app.
 * - Requests as clients send them (`*_from_request_json`,
 *   `*_patch_from_json`), read by the server: strict. An unknown member is
 *   an error, fields the server owns are ignored, values are checked
 *   against their limits and the project's point scale.
 *
 * Every reader either returns a complete object or sets a TS_CORE_ERROR
 * whose message names the member at fault; it never returns half an
 * object. Writers produce exactly what the readers read.
 */

/* Bytes to a JSON object: TS_CORE_ERROR_MALFORMED unless it is one (RFC
 * 8259, strictly), TS_CORE_ERROR_INVALID for a string holding `\u0000`. */
JsonObject *ts_json_parse_object           (const char   *data,
                                            gssize        length,
                                            GError      **error);
char       *ts_json_to_string              (JsonNode     *node);
void        ts_json_append_node            (GString      *out,
                                            JsonNode     *node);
void        ts_json_append_string          (GString      *out,
                                            const char   *text);

/* Resources. */
JsonNode   *ts_story_to_json               (TsStory      *story);
char       *ts_story_to_string             (TsStory      *story);
TsStory    *ts_story_from_json             (JsonObject   *object,
                                            GError      **error);
JsonNode   *ts_project_to_json             (TsProject    *project);
TsProject  *ts_project_from_json           (JsonObject   *object,
                                            GError      **error);
JsonNode   *ts_comment_to_json             (TsComment    *comment);
TsComment  *ts_comment_from_json           (JsonObject   *object,
                                            GError      **error);
JsonNode   *ts_user_to_json                (TsUser       *user);
TsUser     *ts_user_from_json              (JsonObject   *object,
                                            GError      **error);
JsonNode   *ts_iteration_override_to_json  (const TsIterationOverride *override);
gboolean    ts_iteration_override_from_json (JsonObject  *object,
                                            TsIterationOverride *out_override,
                                            GError      **error);

/* Lists, wrapped as doc/api.md wraps them. */
JsonNode   *ts_stories_to_json             (gint64       version,
                                            TsStory * const *stories,
                                            guint        n_stories);
GPtrArray  *ts_stories_from_json           (JsonObject   *object,
                                            gint64       *out_version,
                                            GError      **error);
GPtrArray  *ts_stories_from_json_data      (const char   *data,
                                            gssize        length,
                                            gint64       *out_version,
                                            GError      **error);
JsonNode   *ts_projects_to_json            (TsProject * const *projects,
                                            guint        n_projects);
GPtrArray  *ts_projects_from_json          (JsonObject   *object,
                                            GError      **error);
JsonNode   *ts_members_to_json             (TsUser * const *users,
                                            guint        n_users);
GPtrArray  *ts_members_from_json           (JsonObject   *object,
                                            GError      **error);
JsonNode   *ts_comments_to_json            (TsComment * const *comments,
                                            guint        n_comments);
GPtrArray  *ts_comments_from_json          (JsonObject   *object,
                                            GError      **error);

/* Requests. */
TsStory    *ts_story_from_request_json     (JsonObject   *object,
                                            TsPointScale  scale,
                                            GError      **error);

/**
 * TsStoryPatch:
 * @fields: the fields the patch changes
 * @values: a story holding the new values of @fields (others are defaults)
 * @has_base_version: whether the client said which version it edited
 * @base_version: the story version the client last saw
 *
 * The body of `PATCH …/stories/:sid` (doc/api.md, *Concurrent edits*).
 */
typedef struct {
  TsStoryFields fields;
  TsStory *values;
  gboolean has_base_version;
  gint64 base_version;
} TsStoryPatch;

TsStoryPatch *ts_story_patch_new           (void);
void          ts_story_patch_free          (TsStoryPatch *patch);
TsStoryPatch *ts_story_patch_from_json     (JsonObject   *object,
                                            TsPointScale  scale,
                                            GError      **error);
JsonNode     *ts_story_patch_to_json       (TsStoryPatch *patch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsStoryPatch, ts_story_patch_free)

/**
 * TsProjectFields:
 *
 * The settings of a project that people change.
 */
typedef enum {
  TS_PROJECT_FIELD_NONE                        = 0,
  TS_PROJECT_FIELD_NAME                        = 1 << 0,
  TS_PROJECT_FIELD_START_DATE                  = 1 << 1,
  TS_PROJECT_FIELD_ITERATION_LENGTH            = 1 << 2,
  TS_PROJECT_FIELD_VELOCITY_STRATEGY           = 1 << 3,
  TS_PROJECT_FIELD_INITIAL_VELOCITY            = 1 << 4,
  TS_PROJECT_FIELD_POINT_SCALE                 = 1 << 5,
  TS_PROJECT_FIELD_BUGS_AND_CHORES_ARE_POINTED = 1 << 6,
  TS_PROJECT_FIELD_TIME_ZONE                   = 1 << 7,
} TsProjectFields;

/**
 * TsProjectPatch:
 * @fields: the settings the request sets
 * @values: a project holding their values
 *
 * The body of `POST /projects` (which needs a name) and of
 * `PATCH /projects/:id`.
 */
typedef struct {
  TsProjectFields fields;
  TsProject *values;
} TsProjectPatch;

TsProjectPatch *ts_project_patch_from_json (JsonObject   *object,
                                            gboolean      name_required,
                                            GError      **error);
JsonNode       *ts_project_patch_to_json   (TsProjectPatch *patch);
void            ts_project_patch_free      (TsProjectPatch *patch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsProjectPatch, ts_project_patch_free)

gboolean    ts_iteration_override_update_from_json (JsonObject *object,
                                            TsIterationOverride *override,
                                            GError      **error);
TsComment  *ts_comment_from_request_json   (JsonObject   *object,
                                            GError      **error);

/**
 * TsMoveRequest:
 * @before_id: put the story directly above this one, or 0
 * @after_id: put it directly below this one, or 0
 * @has_state: whether the move also changes the state
 * @state: the new state (in or out of the Icebox)
 *
 * The body of `POST …/stories/:sid/move`. Exactly one neighbour is set.
 */
typedef struct {
  gint64 before_id;
  gint64 after_id;
  gboolean has_state;
  TsStoryState state;
} TsMoveRequest;

gboolean    ts_move_request_from_json      (JsonObject   *object,
                                            TsMoveRequest *out_request,
                                            GError      **error);
JsonNode   *ts_move_request_to_json        (const TsMoveRequest *request);

/* Tasks (src/DESIGN.md, Tasks). */
JsonNode   *ts_task_to_json                (const TsTask *task);
JsonNode   *ts_tasks_to_json               (GPtrArray    *tasks);
GPtrArray  *ts_tasks_from_json             (JsonObject   *object,
                                            GError      **error);

typedef enum {
  TS_TASK_REQUEST_ADD,
  TS_TASK_REQUEST_EDIT,
  TS_TASK_REQUEST_MOVE,
} TsTaskRequestKind;

/**
 * TsTaskRequest:
 * @text: (nullable): the new text, %NULL when the request has none
 * @has_done: whether @done is sent
 * @done: ticked or not
 * @before_id: put the task directly above this task of the story, or 0
 * @after_id: put it directly below this one, or 0
 * @has_base_version: whether an edit carries @base_version
 * @base_version: the story version the client last saw (Concurrent edits)
 *
 * The body of a task's add, edit or move. An add without a neighbour goes
 * to the end of the list, as Enter in a checklist does.
 */
typedef struct {
  char *text;
  gboolean has_done;
  gboolean done;
  gint64 before_id;
  gint64 after_id;
  gboolean has_base_version;
  gint64 base_version;
} TsTaskRequest;

gboolean    ts_task_request_from_json      (JsonObject   *object,
                                            TsTaskRequestKind kind,
                                            TsTaskRequest *out_request,
                                            GError      **error);
JsonNode   *ts_task_request_to_json        (const TsTaskRequest *request);
void        ts_task_request_clear          (TsTaskRequest *request);

/* Events and the change history. */
JsonNode   *ts_change_to_json              (TsChange     *change,
                                            gboolean      with_name);
TsChange   *ts_change_from_json            (JsonObject   *object,
                                            const char   *event_name,
                                            GError      **error);
char       *ts_change_to_event_data        (TsChange     *change);
char       *ts_change_to_string_with_story (TsChange     *change,
                                            const char   *story_text);
JsonNode   *ts_changes_to_json             (gint64        version,
                                            TsChange * const *changes,
                                            guint         n_changes,
                                            gboolean      more);
GPtrArray  *ts_changes_from_json           (JsonObject   *object,
                                            gint64       *out_version,
                                            gboolean     *out_more,
                                            GError      **error);

/* The plan of `GET …/plan`, and the error body of every failure. */
JsonNode   *ts_plan_to_json                (TsPlan       *plan);
JsonNode   *ts_error_to_json               (const char   *code,
                                            const char   *message);

G_END_DECLS
