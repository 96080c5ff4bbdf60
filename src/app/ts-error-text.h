/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ts_error_text_dup        (const GError *error);
char *ts_error_text_dup_field  (const char   *field);
char *ts_error_text_dup_import (const GError *error);

G_END_DECLS
