/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ts-backlog-store.h"

G_BEGIN_DECLS

void ts_conflict_dialog_present (GtkWidget             *parent,
                                 TsBacklogStore        *store,
                                 const TsStoryConflict *conflict);

G_END_DECLS
