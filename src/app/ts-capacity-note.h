/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ts-backlog-section.h"

G_BEGIN_DECLS

char      *ts_capacity_note_dup        (TsBacklogSection *section);
GtkWidget *ts_capacity_note_button_new (void);
void       ts_capacity_note_button_set (GtkWidget        *button,
                                        const char       *note);
const char *ts_capacity_note_button_get (GtkWidget       *button);

G_END_DECLS
