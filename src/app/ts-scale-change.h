/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ts-core.h"

G_BEGIN_DECLS

char             *ts_scale_change_describe   (GListModel   *stories,
                                              TsPointScale  scale);
AdwMessageDialog *ts_scale_change_dialog_new (GtkWindow    *parent,
                                              GListModel   *stories,
                                              TsPointScale  scale);

G_END_DECLS
