/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ts-backlog-model.h"

G_BEGIN_DECLS

#define TS_TYPE_BACKLOG_ROW (ts_backlog_row_get_type ())

G_DECLARE_FINAL_TYPE (TsBacklogRow, ts_backlog_row, TS, BACKLOG_ROW, GtkWidget)

GtkWidget *ts_backlog_row_new           (GtkListItem    *list_item);
void       ts_backlog_row_bind          (TsBacklogRow   *self,
                                         gpointer        item);
void       ts_backlog_row_unbind        (TsBacklogRow   *self);
void       ts_backlog_row_refresh       (TsBacklogRow   *self);
gpointer   ts_backlog_row_get_item      (TsBacklogRow   *self);
guint      ts_backlog_row_get_position  (TsBacklogRow   *self);
void       ts_backlog_row_set_highlight (TsBacklogRow   *self,
                                         gboolean        highlight);
void       ts_backlog_row_set_drop_mark (TsBacklogRow   *self,
                                         int             where);
void       ts_backlog_row_set_compact   (TsBacklogRow   *self,
                                         gboolean        compact);

G_END_DECLS
