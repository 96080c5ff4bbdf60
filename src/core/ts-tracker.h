/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "ts-comment.h"
#include "ts-day.h"
#include "ts-project.h"
#include "ts-story.h"
#include "ts-user.h"

G_BEGIN_DECLS

/* Pivotal Tracker's stories CSV (doc/api.md, *Tracker import and
 * export*): reading it (ts-tracker-reader.c), mapping its rows onto a
 * project (ts-tracker-import.c) and writing a project as one
 * (ts-tracker-export.c). The server stores what the mapping made, in
 * one change. */

/* The single columns, matched by name (older names too). */
typedef enum {
  TS_TRACKER_ID,
  TS_TRACKER_TITLE,
  TS_TRACKER_LABELS,
  TS_TRACKER_ITERATION,
  TS_TRACKER_ITERATION_START,
  TS_TRACKER_ITERATION_END,
  TS_TRACKER_TYPE,
  TS_TRACKER_ESTIMATE,
  TS_TRACKER_PRIORITY,
  TS_TRACKER_CURRENT_STATE,
  TS_TRACKER_CREATED_AT,
  TS_TRACKER_ACCEPTED_AT,
  TS_TRACKER_DEADLINE,
  TS_TRACKER_REQUESTED_BY,
  TS_TRACKER_DESCRIPTION,
  TS_TRACKER_URL,
  TS_TRACKER_N_COLUMNS,
} TsTrackerColumn;

/* The repeated columns, collected in their order. */
typedef enum {
  TS_TRACKER_OWNED_BY,
  TS_TRACKER_COMMENT,
  TS_TRACKER_TASK,
  TS_TRACKER_TASK_STATUS,
  TS_TRACKER_BLOCKER,
  TS_TRACKER_BLOCKER_STATUS,
  TS_TRACKER_PULL_REQUEST,
  TS_TRACKER_GIT_BRANCH,
  TS_TRACKER_N_LISTS,
} TsTrackerList;

/**
 * TsTrackerRow:
 * @line: the line the row starts on (the header is line 1)
 * @cells: (array fixed-size=TS_TRACKER_N_COLUMNS): each single column's
 *   text, "" when absent or empty
 * @lists: (array fixed-size=TS_TRACKER_N_LISTS) (element-type utf8): each
 *   repeated column's texts in order, empty cells included (a task and
 *   its status pair by index)
 */
typedef struct {
  guint line;
  char *cells[TS_TRACKER_N_COLUMNS];
  GPtrArray *lists[TS_TRACKER_N_LISTS];
} TsTrackerRow;

void        ts_tracker_row_free     (TsTrackerRow  *row);
GPtrArray  *ts_tracker_read         (const char    *data,
                                     gsize          length,
                                     guint         *out_line,
                                     GError       **error);
gboolean    ts_tracker_parse_date   (const char    *text,
                                     TsDay         *out_day);
void        ts_tracker_format_date  (TsDay          day,
                                     GString       *out);

/**
 * TsTrackerStory:
 * @tracker_id: Tracker's id, 0 when the row had none
 * @story: the story as it will be stored, but for its id, position and
 *   version; its tasks have no id or position yet
 * @comments: (element-type TsComment): its comments, with author and
 *   date but no id, story or version
 */
typedef struct {
  gint64 tracker_id;
  TsStory *story;
  GPtrArray *comments;
} TsTrackerStory;

/* Whom a name in the file is. */
typedef struct {
  char *name;
  gint64 user_id;
} TsTrackerPerson;

/**
 * TsTrackerImport:
 * @stories: (element-type TsTrackerStory): in row order, leaving out the
 *   rows whose Tracker id the project already has
 * @by_type: stories of each TsStoryType
 * @already_imported: rows left out for that
 * @matched: (element-type TsTrackerPerson): people matched to members
 * @unmatched: (element-type utf8): names that matched no member, or more
 *   than one
 * @start_date: the export's schedule (TS_DAY_NONE when it has none)
 * @iteration_length: in weeks, 0 when it has none
 *
 * What importing a file into a project makes: the preview and the
 * stories. Made by ts_tracker_import_map(); the server adds the project
 * and ids.
 */
typedef struct {
  GPtrArray *stories;
  guint by_type[4];
  guint already_imported;
  guint epics;
  guint n_tasks;
  guint n_comments;
  GPtrArray *matched;
  GPtrArray *unmatched;
  TsDay start_date;
  guint iteration_length;
} TsTrackerImport;

/* Whether the project has a Tracker id already. */
typedef gboolean (*TsTrackerKnownFunc) (gint64   tracker_id,
                                        gpointer data);

TsTrackerImport *ts_tracker_import_map    (GPtrArray          *rows,
                                           TsProject          *project,
                                           GPtrArray          *members,
                                           gint64              actor_id,
                                           TsTrackerKnownFunc  known,
                                           gpointer            known_data,
                                           GDateTime          *now,
                                           guint              *out_line,
                                           GError            **error);
void             ts_tracker_import_free   (TsTrackerImport    *import);
guint            ts_tracker_import_total  (TsTrackerImport    *import);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsTrackerImport, ts_tracker_import_free)

/**
 * TsTrackerExportStory:
 * @story: a story of the project
 * @tracker_id: the Tracker id remembered for it, else 0
 * @comments: (element-type TsComment): its comments, oldest first
 *
 * Its tasks are the story's.
 */
typedef struct {
  TsStory *story;
  gint64 tracker_id;
  GPtrArray *comments;
} TsTrackerExportStory;

JsonNode        *ts_tracker_import_to_json (TsTrackerImport *import,
                                           gboolean         dry_run,
                                           gint64           version,
                                           gboolean         applied);

GString         *ts_tracker_export        (TsProject          *project,
                                           GPtrArray          *members,
                                           GPtrArray          *stories);

G_END_DECLS
