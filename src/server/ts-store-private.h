/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once


#include "ts-db.h"
#include "ts-store.h"

G_BEGIN_DECLS

struct _TsStore
{
  GObject parent_instance;

  TsDb *db;
  guint history_limit;
  /* A batch transaction is open; a change (savepoint) is open in it. */
  gboolean in_batch;
  gboolean in_transaction;
  /* When expired Idempotency-Keys were last forgotten (monotonic µs). */
  gint64 idempotency_pruned_at;
  /* A token unused this long stops working. */
  gint64 session_seconds;
  /* When expired tokens were last deleted (monotonic µs, 0 never). */
  gint64 tokens_pruned_at;
  /* (nullable): the socket of the open change's request (PostgreSQL) */
  char *socket_id;
  /* (nullable): the data of the open change's record, and its project
   * and version, which its event reuses (ts_store_take_change_data()) */
  char *change_data;
  gint64 change_data_project;
  gint64 change_data_version;
  /* (nullable): the JSON the open change wrote in a story's row, and
   * the story's id and version, which a create's answer reuses
   * (ts_store_take_story_json()) */
  char *story_json;
  gint64 story_json_id;
  gint64 story_json_version;
  /* This connection holds the publisher lock, since its connection of
   * that generation. */
  gboolean publisher_lock;
  guint publisher_generation;
};

TsDbStatement *ts_store_prepare       (TsStore     *self,
                                      const char  *sql,
                                      GError     **error);
gboolean      ts_store_step_done     (TsStore     *self,
                                      TsDbStatement *statement,
                                      GError     **error);
gboolean      ts_store_exec_begin    (TsStore     *self,
                                      GError     **error);
gboolean      ts_store_exec          (TsStore     *self,
                                      const char  *sql,
                                      GError     **error);
void          ts_store_set_db_error  (TsStore     *self,
                                      GError     **error);

/* ts-store-repair.c: one-shot repairs of stored values, after migrate(). */
gboolean      ts_store_repair        (TsStore     *self,
                                      GError     **error);

TsDbStep      ts_store_step_lookup   (TsStore       *self,
                                      TsDbStatement *statement,
                                      GError       **error);
gboolean      ts_store_check_member  (TsStore     *self,
                                      gint64       user_id,
                                      gint64       project_id,
                                      GError     **error);
gint64        ts_store_next_version  (TsStore     *self,
                                      gint64       project_id,
                                      GError     **error);
gboolean      ts_store_record_change (TsStore     *self,
                                      gint64       project_id,
                                      gint64       story_id,
                                      TsChange    *change,
                                      GError     **error);
gboolean      ts_store_map_estimates (TsStore      *self,
                                      gint64        project_id,
                                      TsPointScale  scale,
                                      gint64        version,
                                      GDateTime    *now,
                                      GError      **error);
TsProject    *ts_store_load_project  (TsStore     *self,
                                      gint64       project_id,
                                      GError     **error);

/* Membership, shared by REST (after ts_store_check_member()) and the admin
 * commands (after their own check of the project), in the open change. */
TsUser       *ts_store_add_member_to (TsStore     *self,
                                      gint64       project_id,
                                      const char  *email,
                                      gboolean    *out_added,
                                      GError     **error);
gboolean      ts_store_remove_member_from (TsStore *self,
                                      gint64       project_id,
                                      gint64       member_id,
                                      GError     **error);

/* Text columns: NULL for SQL NULL. */
const char   *ts_store_column_text   (TsDbStatement *statement,
                                      int           column);
GDateTime    *ts_store_column_time   (TsDbStatement *statement,
                                      int           column);
void          ts_store_bind_time     (TsDbStatement *statement,
                                      int           column,
                                      GDateTime    *time);

G_END_DECLS
