/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ts-api-client.h"
#include "ts-core.h"

G_BEGIN_DECLS

#define TS_TYPE_PROJECT_MEMBERS (ts_project_members_get_type ())

G_DECLARE_FINAL_TYPE (TsProjectMembers, ts_project_members, TS, PROJECT_MEMBERS, GObject)

TsProjectMembers *ts_project_members_new       (TsApiClient      *api,
                                                gint64            project_id);
void              ts_project_members_reload    (TsProjectMembers *self);
void              ts_project_members_set       (TsProjectMembers *self,
                                                GPtrArray        *list);
void              ts_project_members_note      (TsProjectMembers *self,
                                                gint64            user_id);
TsUser           *ts_project_members_lookup    (TsProjectMembers *self,
                                                gint64            user_id);
GHashTable       *ts_project_members_get_table (TsProjectMembers *self);
gboolean          ts_project_members_is_loading (TsProjectMembers *self);
guint             ts_project_members_get_n_loads (TsProjectMembers *self);
void              ts_project_members_cancel    (TsProjectMembers *self);

G_END_DECLS
