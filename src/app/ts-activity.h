/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-api-client.h"
#include "ts-backlog-store.h"
#include "ts-change.h"

G_BEGIN_DECLS

#define TS_TYPE_ACTIVITY_WINDOW (ts_activity_window_get_type ())

G_DECLARE_FINAL_TYPE (TsActivityWindow, ts_activity_window, TS, ACTIVITY_WINDOW, AdwWindow)

/* What a change did, without who: "Added “Fuel”". @title is the story's
 * title when the change does not carry it (thin events, comments). */
char      *ts_activity_describe        (const TsChange   *change,
                                        const char       *title);
/* How long ago, for people: "Just now", "5 minutes ago", "Yesterday". */
char      *ts_activity_format_age      (GDateTime        *at,
                                        GDateTime        *now);

GtkWidget *ts_activity_window_new      (GtkWindow        *parent,
                                        TsApiClient      *api,
                                        TsBacklogStore   *store,
                                        GHashTable       *members,
                                        gint64            user_id);
guint      ts_activity_window_get_n_entries (TsActivityWindow *self);

G_END_DECLS
