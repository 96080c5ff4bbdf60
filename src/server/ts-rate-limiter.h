/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * TsRateLimiter: counts failures per key (an email, a client address) in
 * fixed windows. The first failure of a key opens its window; once the
 * key has @limit failures in it, the key is refused until the window ends.
 * Times are passed in (monotonic microseconds), so tests need no clock.
 *
 * Memory is bounded: windows that ended are pruned as time passes, and
 * when @max_keys keys are held the one whose window ends first is
 * dropped for a new one.
 */
typedef struct _TsRateLimiter TsRateLimiter;

TsRateLimiter *ts_rate_limiter_new         (guint          limit,
                                            gint64         window_usec,
                                            guint          max_keys);
void           ts_rate_limiter_free        (TsRateLimiter *self);
guint          ts_rate_limiter_check       (TsRateLimiter *self,
                                            const char    *key,
                                            gint64         now);
void           ts_rate_limiter_add_failure (TsRateLimiter *self,
                                            const char    *key,
                                            gint64         now);
guint          ts_rate_limiter_get_n_keys  (TsRateLimiter *self,
                                            gint64         now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsRateLimiter, ts_rate_limiter_free)

G_END_DECLS
