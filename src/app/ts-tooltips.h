/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void ts_tooltips_quiet_under_popovers (void);

G_END_DECLS
