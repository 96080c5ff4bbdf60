/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void  ts_accessible_name_mnemonic_buttons (void);
char *ts_accessible_strip_mnemonic        (const char *label);

G_END_DECLS
