/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TS_TYPE_CONNECT_WINDOW (ts_connect_window_get_type ())

G_DECLARE_FINAL_TYPE (TsConnectWindow, ts_connect_window, TS, CONNECT_WINDOW, AdwWindow)

TsConnectWindow *ts_connect_window_new     (GtkWindow       *parent);
void             ts_connect_window_prefill (TsConnectWindow *self,
                                            const char      *server_url,
                                            const char      *email,
                                            const char      *message);

G_END_DECLS
