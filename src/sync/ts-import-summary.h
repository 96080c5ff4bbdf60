/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * TsImportPerson:
 * @name: the name as the file writes it
 * @user_id: the member it matched, 0 when none did
 */
typedef struct {
  char *name;
  gint64 user_id;
} TsImportPerson;

/**
 * TsImportSummary:
 * @dry_run: whether nothing was changed (a preview)
 * @version: the project's version after the import (unchanged when dry)
 * @features: @bugs: @chores: @releases: the new stories of each type
 * @total: the new stories (made by the import), of every type
 * @already_imported: rows whose Tracker id the project already has: not
 *   made again, and not counted in @total
 * @epics: @tasks: @comments: what else the file holds
 * @people: (element-type TsImportPerson): matched ones first, in the
 *   server's order, then the unmatched ones
 * @start_date: (nullable): the schedule's start the file gives, "YYYY-MM-DD"
 * @iteration_length: the iteration length in weeks the file gives, 0 if none
 * @schedule_applied: whether that schedule is (or will be) the project's;
 *   %FALSE when the project is not empty and keeps its own
 *
 * The answer of `POST /api/v1/projects/:id/import` (doc/api.md), both the
 * preview (`?dry_run=true`) and the import itself.
 */
typedef struct {
  gboolean dry_run;
  gint64 version;
  gint64 features;
  gint64 bugs;
  gint64 chores;
  gint64 releases;
  gint64 total;
  gint64 already_imported;
  gint64 epics;
  gint64 tasks;
  gint64 comments;
  GPtrArray *people;
  char *start_date;
  gint64 iteration_length;
  gboolean schedule_applied;
} TsImportSummary;

#define TS_TYPE_IMPORT_SUMMARY (ts_import_summary_get_type ())

GType            ts_import_summary_get_type  (void) G_GNUC_CONST;
TsImportSummary *ts_import_summary_copy      (const TsImportSummary *self);
void             ts_import_summary_free      (TsImportSummary       *self);
TsImportSummary *ts_import_summary_from_json (JsonObject            *object,
                                              GError               **error);
guint            ts_import_summary_count_matched (const TsImportSummary *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsImportSummary, ts_import_summary_free)

G_END_DECLS
