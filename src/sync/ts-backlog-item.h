/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ts-core.h"

G_BEGIN_DECLS

#define TS_TYPE_BACKLOG_ITEM (ts_backlog_item_get_type ())

G_DECLARE_FINAL_TYPE (TsBacklogItem, ts_backlog_item, TS, BACKLOG_ITEM, GObject)

/* What the model knows of a story's place and project, handed to
 * ts_backlog_item_update() on each rebuild. */
typedef struct {
  guint iteration;           /* 0: the Icebox or Done */
  TsDay release_date;        /* a planned release's projected date, or TS_DAY_NONE */
  gboolean late;
  TsPointScale point_scale;
  gboolean chores_pointed;   /* bugs and chores are pointed */
} TsBacklogItemPlace;

/* Names a story's owners again (the model, from the store's members). */
typedef void (*TsBacklogItemNamer) (TsBacklogItem *item,
                                    gpointer       user_data);

TsBacklogItem      *ts_backlog_item_new               (TsStory                  *story);
void                ts_backlog_item_set_namer         (TsBacklogItem            *self,
                                                       TsBacklogItemNamer        namer,
                                                       gpointer                  user_data);
TsStory            *ts_backlog_item_get_story         (TsBacklogItem            *self);
gint64              ts_backlog_item_get_id            (TsBacklogItem            *self);
guint               ts_backlog_item_get_iteration     (TsBacklogItem            *self);
TsDay               ts_backlog_item_get_release_date  (TsBacklogItem            *self);
gboolean            ts_backlog_item_get_late          (TsBacklogItem            *self);
TsPointScale        ts_backlog_item_get_point_scale   (TsBacklogItem            *self);
gboolean            ts_backlog_item_get_chores_pointed (TsBacklogItem           *self);
int                 ts_backlog_item_get_estimate      (TsBacklogItem            *self);
const char * const *ts_backlog_item_get_owner_names   (TsBacklogItem            *self);
const char * const *ts_backlog_item_get_owner_initials (TsBacklogItem           *self);
gboolean            ts_backlog_item_get_highlighted   (TsBacklogItem            *self);

void                ts_backlog_item_update            (TsBacklogItem            *self,
                                                       const TsBacklogItemPlace *place);
void                ts_backlog_item_set_owner_names   (TsBacklogItem            *self,
                                                       const char * const       *names);
void                ts_backlog_item_set_highlighted   (TsBacklogItem            *self,
                                                       gboolean                  highlighted);
char               *ts_backlog_item_dup_initials      (const char               *name);

G_END_DECLS
