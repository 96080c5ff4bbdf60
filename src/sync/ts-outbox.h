/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One edit waiting in the outbox: its row, its project and the edit as
 * the backlog store wrote it. */
typedef struct {
  gint64 id;
  gint64 project_id;
  char *json;
} TsOutboxEntry;

void ts_outbox_entry_free (TsOutboxEntry *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsOutboxEntry, ts_outbox_entry_free)

#define TS_TYPE_OUTBOX (ts_outbox_get_type ())

G_DECLARE_FINAL_TYPE (TsOutbox, ts_outbox, TS, OUTBOX, GObject)

char      *ts_outbox_dup_default_dir  (void);
char      *ts_outbox_dup_path         (const char  *dir,
                                       const char  *server_url,
                                       gint64       user_id);
TsOutbox  *ts_outbox_new              (const char  *path,
                                       GError     **error);
const char *ts_outbox_get_path        (TsOutbox    *self);
gint64     ts_outbox_add              (TsOutbox    *self,
                                       gint64       project_id,
                                       const char  *json,
                                       GError     **error);
gboolean   ts_outbox_replace          (TsOutbox    *self,
                                       gint64       id,
                                       const char  *json,
                                       GError     **error);
void       ts_outbox_remove           (TsOutbox    *self,
                                       gint64       id);
GPtrArray *ts_outbox_list             (TsOutbox    *self,
                                       gint64       project_id);
guint      ts_outbox_count            (TsOutbox    *self,
                                       gint64       project_id);
guint      ts_outbox_drop_project     (TsOutbox    *self,
                                       gint64       project_id);
void       ts_outbox_delete           (TsOutbox    *self);

G_END_DECLS
