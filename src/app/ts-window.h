/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-session.h"

G_BEGIN_DECLS

#define TS_TYPE_WINDOW (ts_window_get_type ())

G_DECLARE_FINAL_TYPE (TsWindow, ts_window, TS, WINDOW, AdwApplicationWindow)

TsWindow   *ts_window_new          (AdwApplication *application);
TsSession  *ts_window_get_session  (TsWindow       *self);
GListModel *ts_window_get_projects (TsWindow       *self);
void        ts_window_open_story   (TsWindow       *self,
                                    gint64          project_id,
                                    gint64          story_id);
void        ts_window_forget_project (TsWindow     *self,
                                      gint64        project_id);
void        ts_window_close_session (TsWindow      *self);

G_END_DECLS
