/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * TsAccelScope:
 * @TS_ACCEL_APPLICATION: the application's, in every window
 * @TS_ACCEL_BACKLOG: the backlog's, while the focus is in it (not in a
 *   text field, where the keys are the field's)
 * @TS_ACCEL_BACKLOG_WINDOW: the backlog's, anywhere in its window
 * @TS_ACCEL_DIALOG: every secondary window's (Escape closes it)
 */
typedef enum {
  TS_ACCEL_APPLICATION,
  TS_ACCEL_BACKLOG,
  TS_ACCEL_BACKLOG_WINDOW,
  TS_ACCEL_DIALOG,
} TsAccelScope;

void ts_accels_install_application (GtkApplication *application);
void ts_accels_add_shortcuts       (GtkWidget      *widget,
                                    TsAccelScope    scope);
void ts_accels_add_bindings        (GtkWidgetClass *widget_class,
                                    TsAccelScope    scope);
guint ts_accels_count              (TsAccelScope    scope);
gboolean ts_accels_get             (guint           index,
                                    TsAccelScope   *scope,
                                    const char    **trigger,
                                    const char    **action);

G_END_DECLS
