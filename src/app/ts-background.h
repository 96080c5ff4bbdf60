/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TS_TYPE_BACKGROUND (ts_background_get_type ())

G_DECLARE_FINAL_TYPE (TsBackground, ts_background, TS, BACKGROUND, GObject)

TsBackground *ts_background_new                       (GApplication *application);
gboolean      ts_background_close_window              (TsBackground *self,
                                                       GtkWindow    *window,
                                                       gboolean      live);
void          ts_background_keep_hidden               (TsBackground *self,
                                                       GtkWindow    *window);
gboolean      ts_background_get_hidden                (TsBackground *self);
gboolean      ts_background_get_can_start_at_login    (TsBackground *self);
const char   *ts_background_get_start_at_login_note   (TsBackground *self);
char         *ts_background_dup_autostart_file        (void);

G_END_DECLS
