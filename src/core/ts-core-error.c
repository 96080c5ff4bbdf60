/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ts-core-error.h"

G_DEFINE_QUARK (ts-core-error-quark, ts_core_error)
