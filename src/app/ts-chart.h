/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ts-chart-draw.h"

G_BEGIN_DECLS

typedef enum {
  TS_CHART_EXPORT_PNG,
  TS_CHART_EXPORT_SVG,
} TsChartExportFormat;

/* The size of an exported chart, in pixels (PNG) or points (SVG). */
#define TS_CHART_EXPORT_WIDTH 960
#define TS_CHART_EXPORT_HEIGHT 540

#define TS_TYPE_CHART (ts_chart_get_type ())

G_DECLARE_FINAL_TYPE (TsChart, ts_chart, TS, CHART, GtkWidget)

GtkWidget              *ts_chart_new           (TsChartKind              kind);
TsChartKind             ts_chart_get_kind      (TsChart                 *self);
void                    ts_chart_set_velocity  (TsChart                 *self,
                                                TsVelocitySeries        *series);
void                    ts_chart_set_burnup    (TsChart                 *self,
                                                TsBurnupSeries          *series);
const TsVelocitySeries *ts_chart_get_velocity  (TsChart                 *self);
const TsBurnupSeries   *ts_chart_get_burnup    (TsChart                 *self);
const TsChartData      *ts_chart_get_data      (TsChart                 *self);
int                     ts_chart_get_highlight (TsChart                 *self);
void                    ts_chart_set_highlight (TsChart                 *self,
                                                int                      highlight);
char                   *ts_chart_dup_description (TsChart               *self);
void                    ts_chart_set_export_title (TsChart              *self,
                                                const char              *title);
gboolean                ts_chart_export        (TsChart                 *self,
                                                GFile                   *file,
                                                TsChartExportFormat      format,
                                                GError                 **error);

G_END_DECLS
