/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-backlog-store.h"
#include "ts-chart.h"

G_BEGIN_DECLS

#define TS_TYPE_REPORTS_WINDOW (ts_reports_window_get_type ())

G_DECLARE_FINAL_TYPE (TsReportsWindow, ts_reports_window, TS, REPORTS_WINDOW, AdwWindow)

GtkWidget *ts_reports_window_new       (GtkWindow       *parent,
                                        TsBacklogStore  *store);
TsBacklogStore *ts_reports_window_get_store (TsReportsWindow *self);
TsChart   *ts_reports_window_get_chart (TsReportsWindow *self,
                                        TsChartKind      kind);
void       ts_reports_window_show_page (TsReportsWindow *self,
                                        TsChartKind      kind);

G_END_DECLS
