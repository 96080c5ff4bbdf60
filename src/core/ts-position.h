/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ts-position.h: fractional ordering keys for the story priority order
 *
 * Every story has a `position`: an opaque ASCII string, compared bytewise
 * (strcmp), ascending = higher priority. Moving a story writes exactly one
 * row: the new key is made strictly between the keys of its new neighbours,
 * so no other row ever has to be renumbered.
 *
 * A key is a base-62 fraction: the digits 0-9A-Za-z (in ASCII order, so
 * bytewise order is numeric order), read as 0.d1d2d3... A key never ends in
 * the smallest digit '0', so there is always room below any key and two
 * different keys are never numerically equal.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *ts_position_between (const char *before,
                               const char *after);

gboolean  ts_position_is_valid (const char *key);

char    **ts_position_spread   (guint       n);

G_END_DECLS
