/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-enums.h"

G_BEGIN_DECLS

#define TS_TYPE_PROJECT_HEADER (ts_project_header_get_type ())

G_DECLARE_FINAL_TYPE (TsProjectHeader, ts_project_header, TS, PROJECT_HEADER, GtkWidget)

TsProjectHeader *ts_project_header_new  (void);
void             ts_project_header_pack (TsProjectHeader *self,
                                         AdwHeaderBar    *header);
TsStoryType      ts_project_header_get_new_type   (TsProjectHeader *self);
void             ts_project_header_reset_new_type (TsProjectHeader *self);

G_END_DECLS
