/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "ts-core.h"
#include "ts-change.h"
#include "ts-json.h"
#include "ts-tracker.h"

G_BEGIN_DECLS

#define TS_STORE_ERROR (ts_store_error_quark ())

/**
 * TsStoreError:
 * @TS_STORE_ERROR_FAILED: the database failed (500)
 * @TS_STORE_ERROR_NOT_FOUND: no such thing, or not one the user may see (404)
 * @TS_STORE_ERROR_FORBIDDEN: the user may see it but not do this (403)
 * @TS_STORE_ERROR_CONFLICT: a concurrent edit of the same field (409)
 * @TS_STORE_ERROR_GONE: history asked for is no longer kept (410)
 * @TS_STORE_ERROR_EXISTS: a user with this email exists
 * @TS_STORE_ERROR_UNAUTHORIZED: wrong email or password (401)
 */
typedef enum {
  TS_STORE_ERROR_FAILED,
  TS_STORE_ERROR_NOT_FOUND,
  TS_STORE_ERROR_FORBIDDEN,
  TS_STORE_ERROR_CONFLICT,
  TS_STORE_ERROR_GONE,
  TS_STORE_ERROR_EXISTS,
  TS_STORE_ERROR_UNAUTHORIZED,
} TsStoreError;

GQuark ts_store_error_quark (void);

/* The default number of changes kept per project (doc/api.md: at least 10,000). */
#define TS_STORE_DEFAULT_HISTORY 10000
/* The default lifetime of an unused session token, in days. */
#define TS_STORE_DEFAULT_SESSION_DAYS 90

#define TS_TYPE_STORE (ts_store_get_type ())

G_DECLARE_FINAL_TYPE (TsStore, ts_store, TS, STORE, GObject)

TsStore    *ts_store_open              (const char     *path,
                                        guint           history_limit,
                                        GError        **error);
TsStore    *ts_store_open_url          (const char     *url,
                                        guint           history_limit,
                                        GError        **error);
void        ts_store_checkpoint        (TsStore        *self);
void        ts_store_set_session_days  (TsStore        *self,
                                        guint           days);

/* Every change runs inside one transaction, with its change record and the
 * project's new version (doc/api.md), and the caller brackets it. Changes are
 * committed in batches (group commit): ts_store_begin() opens the batch
 * when none is open and starts the change in a savepoint of it;
 * ts_store_end() keeps the change in the batch, ts_store_rollback() undoes
 * it alone; ts_store_commit() makes the whole batch durable with one
 * sync of the disk. Nothing in a batch may be acknowledged before. */
gboolean    ts_store_begin             (TsStore        *self,
                                        GError        **error);
gboolean    ts_store_end               (TsStore        *self,
                                        GError        **error);
void        ts_store_rollback          (TsStore        *self);
gboolean    ts_store_commit            (TsStore        *self,
                                        GError        **error);
gboolean    ts_store_in_batch          (TsStore        *self);
gboolean    ts_store_is_postgresql     (TsStore        *self);
guint       ts_store_get_batch_limit   (TsStore        *self,
                                        guint           limit);

char       *ts_store_dup_setting       (TsStore        *self,
                                        const char     *key);
gboolean    ts_store_set_setting       (TsStore        *self,
                                        const char     *key,
                                        const char     *value,
                                        GError        **error);
gboolean    ts_store_add_setting       (TsStore        *self,
                                        const char     *key,
                                        const char     *value,
                                        GError        **error);

/* Publishing from the database (PostgreSQL, ts-store-publish.c). */
typedef struct {
  gint64 project_id;
  TsChange *change;
  char *socket_id;
} TsUnpublished;

void        ts_unpublished_free        (TsUnpublished  *unpublished);
void        ts_store_set_change_socket (TsStore        *self,
                                        const char     *socket_id);
gboolean    ts_store_hold_publisher_lock (TsStore      *self,
                                        GError        **error);
GPtrArray  *ts_store_list_unpublished  (TsStore        *self,
                                        guint           limit,
                                        GError        **error);
gboolean    ts_store_mark_published    (TsStore        *self,
                                        gint64          project_id,
                                        gint64          version,
                                        GError        **error);

/* Users and tokens. */
GPtrArray  *ts_store_list_users        (TsStore        *self,
                                        GError        **error);
TsUser     *ts_store_add_user          (TsStore        *self,
                                        const char     *email,
                                        const char     *name,
                                        const char     *password,
                                        GError        **error);
TsUser     *ts_store_find_sign_in      (TsStore        *self,
                                        const char     *email,
                                        char          **out_hash);
char       *ts_store_create_token      (TsStore        *self,
                                        gint64          user_id,
                                        GError        **error);
TsUser     *ts_store_lookup_token      (TsStore        *self,
                                        const char     *token,
                                        GError        **error);
gboolean    ts_store_revoke_token      (TsStore        *self,
                                        const char     *token,
                                        GError        **error);
TsUser     *ts_store_get_user          (TsStore        *self,
                                        gint64          user_id);

/* Idempotent creates (doc/api.md, Idempotency-Key). */
gboolean    ts_store_lookup_idempotent (TsStore        *self,
                                        gint64          user_id,
                                        const char     *key,
                                        guint          *out_status,
                                        char          **out_body,
                                        GError        **error);
gboolean    ts_store_remember_idempotent (TsStore      *self,
                                        gint64          user_id,
                                        const char     *key,
                                        guint           status,
                                        const char     *body,
                                        GError        **error);

/* Projects and members. Every call names the acting user: a project they
 * are not a member of is TS_STORE_ERROR_NOT_FOUND, as if it did not exist. */
gboolean    ts_store_is_member         (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        GError        **error);
GPtrArray  *ts_store_list_projects     (TsStore        *self,
                                        gint64          user_id,
                                        GError        **error);
TsProject  *ts_store_get_project       (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        GError        **error);
gboolean    ts_store_get_point_scale   (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        TsPointScale   *out_scale,
                                        GError        **error);
TsProject  *ts_store_create_project    (TsStore        *self,
                                        gint64          user_id,
                                        TsProjectPatch *settings,
                                        GError        **error);
TsChange   *ts_store_update_project    (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        TsProjectPatch *patch,
                                        GError        **error);
TsChange   *ts_store_delete_project    (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        GError        **error);
TsChange   *ts_store_set_iteration     (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        const TsIterationOverride *override,
                                        GError        **error);
TsChange   *ts_store_clear_iteration   (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        guint           number,
                                        GError        **error);
GPtrArray  *ts_store_list_members      (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        GError        **error);
TsUser     *ts_store_add_member        (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        const char     *email,
                                        gboolean       *out_added,
                                        GError        **error);
gboolean    ts_store_remove_member     (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          member_id,
                                        gint64         *out_version,
                                        GError        **error);

gboolean    ts_store_check_password    (const char     *password,
                                        GError        **error);
TsUser     *ts_store_find_user         (TsStore        *self,
                                        const char     *email,
                                        GError        **error);

/* The admin commands (ts-store-admin.c), each inside ts_store_begin()
 * and ts_store_commit(). */
TsUser     *ts_store_remove_user       (TsStore        *self,
                                        const char     *email,
                                        GError        **error);
TsUser     *ts_store_reset_password    (TsStore        *self,
                                        const char     *email,
                                        const char     *password_hash,
                                        gint64         *out_n_sessions,
                                        GError        **error);
TsUser     *ts_store_admin_add_member  (TsStore        *self,
                                        gint64          project_id,
                                        const char     *email,
                                        gboolean       *out_added,
                                        GError        **error);
TsUser     *ts_store_admin_remove_member (TsStore      *self,
                                        gint64          project_id,
                                        const char     *email,
                                        GError        **error);

/* Evictions announced to the servers on the database: a NOTIFY on
 * PostgreSQL, a row of the evictions table on SQLite, which the serving
 * server reads when PRAGMA data_version says another connection wrote. */
typedef struct {
  gint64 project_id;
  gint64 user_id;
} TsEviction;

gboolean    ts_store_announce_eviction (TsStore        *self,
                                        gint64          project_id,
                                        gint64          user_id,
                                        GError        **error);
gint64      ts_store_get_data_version  (TsStore        *self);
gboolean    ts_store_read_evictions    (TsStore        *self,
                                        gint64         *cursor,
                                        GArray        **out_evictions,
                                        GError        **error);

/* Stories. */
GString    *ts_store_dup_stories_json  (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        GError        **error);
GPtrArray  *ts_store_list_stories      (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64         *out_version,
                                        GError        **error);
TsStory    *ts_store_get_story         (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        GError        **error);
TsChange   *ts_store_create_story      (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        TsPointScale    scale,
                                        TsStory        *values,
                                        const TsMoveRequest *placement,
                                        GError        **error);
TsChange   *ts_store_update_story      (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        TsStoryPatch   *patch,
                                        TsStory       **out_current,
                                        TsStoryFields  *out_conflicts,
                                        GError        **error);
TsChange   *ts_store_move_story        (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        const TsMoveRequest *move,
                                        GError        **error);
TsChange   *ts_store_delete_story      (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        GError        **error);

/* Tasks (ts-store-tasks.c): every change is a stories-update of the story. */
gboolean    ts_store_insert_tasks      (TsStore        *self,
                                        TsStory        *story,
                                        GError        **error);
GPtrArray  *ts_store_list_tasks        (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        GError        **error);
TsChange   *ts_store_add_task          (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        const TsTaskRequest *request,
                                        GError        **error);
TsChange   *ts_store_edit_task         (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        gint64          task_id,
                                        const TsTaskRequest *request,
                                        TsStory       **out_current,
                                        GStrv          *out_conflicts,
                                        GError        **error);
TsChange   *ts_store_move_task         (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        gint64          task_id,
                                        const TsTaskRequest *request,
                                        GError        **error);
TsChange   *ts_store_delete_task       (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        gint64          task_id,
                                        GError        **error);

/* Comments. @story_id 0 lists every comment of the project. */
GPtrArray  *ts_store_list_comments     (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        GError        **error);
TsChange   *ts_store_create_comment    (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        const char     *text,
                                        GError        **error);
TsChange   *ts_store_delete_comment    (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          story_id,
                                        gint64          comment_id,
                                        GError        **error);

/* Tracker imports and exports (ts-store-import.c). */
gboolean    ts_store_import_tracker    (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        GPtrArray      *rows,
                                        gboolean        dry_run,
                                        TsTrackerImport **out_import,
                                        gboolean       *out_applied,
                                        gint64         *out_version,
                                        TsChange      **out_change,
                                        guint          *out_line,
                                        GError        **error);
GString    *ts_store_export_tracker    (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        char          **out_name,
                                        GError        **error);
gint64      ts_store_first_member      (TsStore        *self,
                                        gint64          project_id,
                                        GError        **error);

/* Changes an admin command made beside the serving server (SQLite; on
 * PostgreSQL every change is published from the database): announced in
 * the change's transaction, read and published by the server. */
typedef struct {
  gint64 project_id;
  gint64 version;
} TsAdminChange;

gboolean    ts_store_announce_admin_change (TsStore    *self,
                                        gint64          project_id,
                                        gint64          version,
                                        GError        **error);
gboolean    ts_store_read_admin_changes (TsStore       *self,
                                        gint64         *cursor,
                                        GArray        **out_changes,
                                        GError        **error);
TsChange   *ts_store_load_change       (TsStore        *self,
                                        gint64          project_id,
                                        gint64          version,
                                        GError        **error);

/* The change history. */
char       *ts_store_take_story_json   (TsStore        *self,
                                        gint64          story_id,
                                        gint64          version);
char       *ts_store_take_change_data  (TsStore        *self,
                                        gint64          project_id,
                                        gint64          version);
GPtrArray  *ts_store_list_changes      (TsStore        *self,
                                        gint64          user_id,
                                        gint64          project_id,
                                        gint64          since,
                                        guint           limit,
                                        gint64         *out_version,
                                        gboolean       *out_more,
                                        GError        **error);

G_END_DECLS
