/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gdk/gdk.h>
#include <pango/pango.h>

#include "ts-core.h"

G_BEGIN_DECLS

typedef enum {
  TS_CHART_VELOCITY,
  TS_CHART_BURNUP,
} TsChartKind;

/**
 * TsChartLook:
 * @foreground: text, axes and the reference lines
 * @background: what the chart is drawn on
 * @accent: the data (the accent colour)
 * @fill_background: whether to paint @background first: an export has no
 *   window behind it
 * @font: the text's font
 *
 * The colours and font a chart is drawn with, taken from the style on
 * screen and for an export alike.
 */
typedef struct {
  GdkRGBA foreground;
  GdkRGBA background;
  GdkRGBA accent;
  gboolean fill_background;
  const PangoFontDescription *font;
} TsChartLook;

/**
 * TsChartData:
 * @kind: which chart
 * @velocity: its series when @kind is %TS_CHART_VELOCITY
 * @burnup: its series when @kind is %TS_CHART_BURNUP
 * @highlight: the highlighted bar or day, or -1
 * @title: (nullable): a title above it: an export is seen without the
 *   window that says what it is
 */
typedef struct {
  TsChartKind kind;
  const char *title;
  const TsVelocitySeries *velocity;
  const TsBurnupSeries *burnup;
  int highlight;
} TsChartData;

void   ts_chart_draw           (cairo_t           *cr,
                                const TsChartLook *look,
                                const TsChartData *data,
                                double             width,
                                double             height,
                                double            *plot_left,
                                double            *plot_right);
guint  ts_chart_n_points       (const TsChartData *data);
char  *ts_chart_describe_point (const TsChartData *data,
                                guint              index);
char  *ts_chart_describe_label (const TsChartData *data,
                                guint              index);
char  *ts_chart_describe_value (const TsChartData *data,
                                guint              index);
char  *ts_chart_describe_note  (const TsChartData *data,
                                guint              index);

G_END_DECLS
