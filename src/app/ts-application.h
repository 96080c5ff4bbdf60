/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-background.h"
#include "ts-notifier.h"

G_BEGIN_DECLS

#define TS_TYPE_APPLICATION (ts_application_get_type ())

G_DECLARE_FINAL_TYPE (TsApplication, ts_application, TS, APPLICATION, AdwApplication)

TsApplication *ts_application_new (void);
gboolean       ts_application_take_local_backlog_asked (TsApplication *self);
TsBackground  *ts_application_get_background (TsApplication *self);
TsNotifier    *ts_application_get_notifier (TsApplication *self);

G_END_DECLS
