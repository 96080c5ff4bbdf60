/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ts-backlog-item.h"
#include "ts-backlog-section.h"
#include "ts-backlog-store.h"

G_BEGIN_DECLS

#define TS_TYPE_BACKLOG_MODEL (ts_backlog_model_get_type ())

/* The parts of the plan, as a narrow window shows them one at a time. */
typedef enum {
  TS_BACKLOG_PANEL_CURRENT = 1 << 0,
  TS_BACKLOG_PANEL_BACKLOG = 1 << 1,
  TS_BACKLOG_PANEL_ICEBOX = 1 << 2,
  TS_BACKLOG_PANEL_DONE = 1 << 3,
} TsBacklogPanels;

#define TS_BACKLOG_PANELS_ALL (TS_BACKLOG_PANEL_CURRENT | TS_BACKLOG_PANEL_BACKLOG | \
                               TS_BACKLOG_PANEL_ICEBOX | TS_BACKLOG_PANEL_DONE)

G_DECLARE_FINAL_TYPE (TsBacklogModel, ts_backlog_model, TS, BACKLOG_MODEL, GObject)

typedef gboolean (*TsBacklogModelFilterFunc) (TsStory  *story,
                                              gpointer  user_data);

TsBacklogModel            *ts_backlog_model_new               (void);
void                       ts_backlog_model_set_store         (TsBacklogModel *self,
                                                               TsBacklogStore *store);
TsBacklogStore            *ts_backlog_model_get_store         (TsBacklogModel *self);
void                       ts_backlog_model_set_filter        (TsBacklogModel *self,
                                                               TsBacklogModelFilterFunc filter,
                                                               gpointer        user_data);
guint                      ts_backlog_model_get_n_stories     (TsBacklogModel *self);
void                       ts_backlog_model_rebuild           (TsBacklogModel *self);
TsBacklogPanels            ts_backlog_model_get_panels        (TsBacklogModel *self);
void                       ts_backlog_model_set_panels        (TsBacklogModel *self,
                                                               TsBacklogPanels panels);
gboolean                   ts_backlog_model_get_hide_empty    (TsBacklogModel *self);
void                       ts_backlog_model_set_hide_empty    (TsBacklogModel *self,
                                                               gboolean        hide_empty);
gboolean                   ts_backlog_model_get_done_expanded (TsBacklogModel *self);
void                       ts_backlog_model_set_done_expanded (TsBacklogModel *self,
                                                               gboolean        expanded);
TsBacklogSection          *ts_backlog_model_get_section_at    (TsBacklogModel *self,
                                                               guint           position);
gboolean                   ts_backlog_model_find              (TsBacklogModel *self,
                                                               gpointer        item,
                                                               guint          *out_position);
gboolean                   ts_backlog_model_find_story        (TsBacklogModel *self,
                                                               gint64          story_id,
                                                               guint          *out_position);
gboolean                   ts_backlog_model_find_section      (TsBacklogModel *self,
                                                               TsBacklogSectionKind kind,
                                                               guint           number,
                                                               guint          *out_position);
TsBacklogItem             *ts_backlog_model_lookup            (TsBacklogModel *self,
                                                               gint64          story_id);
guint                      ts_backlog_model_get_n_changes     (TsBacklogModel *self);

G_END_DECLS
