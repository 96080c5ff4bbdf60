/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwToast *ts_toast_new (GtkWidget  *where,
                        const char *message);

G_END_DECLS
