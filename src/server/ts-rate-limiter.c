/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-rate-limiter"

#include "ts-rate-limiter.h"

/* One key's window. Windows sit in a queue in the order they opened,
 * which is the order they end: pruning looks at the head only. */
typedef struct {
  char *key;
  gint64 opened;
  guint failures;
  GList link;
} Window;

struct _TsRateLimiter
{
  guint limit;
  gint64 window_usec;
  guint max_keys;
  GHashTable *windows;
  GQueue order;
};

static void
window_free (Window *window)
{
  g_free (window->key);
  g_free (window);
}

/**
 * ts_rate_limiter_new:
 * @limit: failures a key may have in a window
 * @window_usec: how long a window lasts
 * @max_keys: how many keys are held at most
 *
 * Returns: (transfer full): the limiter
 */
TsRateLimiter *
ts_rate_limiter_new (guint  limit,
                     gint64 window_usec,
                     guint  max_keys)
{
  TsRateLimiter *self;

  g_return_val_if_fail (limit > 0 && window_usec > 0 && max_keys > 0, NULL);

  self = g_new0 (TsRateLimiter, 1);
  self->limit = limit;
  self->window_usec = window_usec;
  self->max_keys = max_keys;
  self->windows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) window_free);
  g_queue_init (&self->order);
  return self;
}

void
ts_rate_limiter_free (TsRateLimiter *self)
{
  if (self == NULL)
    return;
  /* The table frees the windows; the queue only links them. */
  g_hash_table_unref (self->windows);
  g_free (self);
}

static void
drop (TsRateLimiter *self,
      Window        *window)
{
  g_queue_unlink (&self->order, &window->link);
  g_hash_table_remove (self->windows, window->key);
}

static void
prune (TsRateLimiter *self,
       gint64         now)
{
  Window *oldest;

  while ((oldest = g_queue_peek_head (&self->order)) != NULL &&
         now - oldest->opened >= self->window_usec)
    drop (self, oldest);
}

/**
 * ts_rate_limiter_check:
 *
 * Returns: 0 when @key may try now, else the whole seconds until its
 *   window ends (at least 1), for a `Retry-After`
 */
guint
ts_rate_limiter_check (TsRateLimiter *self,
                       const char    *key,
                       gint64         now)
{
  Window *window;
  gint64 left;

  g_return_val_if_fail (self != NULL && key != NULL, 0);

  prune (self, now);
  window = g_hash_table_lookup (self->windows, key);
  if (window == NULL || window->failures < self->limit)
    return 0;
  left = window->opened + self->window_usec - now;
  return MAX (1, (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
}

/**
 * ts_rate_limiter_add_failure:
 *
 * Counts a failure of @key, opening its window when it has none.
 */
void
ts_rate_limiter_add_failure (TsRateLimiter *self,
                             const char    *key,
                             gint64         now)
{
  Window *window;

  g_return_if_fail (self != NULL && key != NULL);

  prune (self, now);
  window = g_hash_table_lookup (self->windows, key);
  if (window == NULL)
    {
      /* Full: the window that ends first goes. A flood of made-up keys
       * then forgets old ones early rather than growing without end. */
      if (g_hash_table_size (self->windows) >= self->max_keys)
        drop (self, g_queue_peek_head (&self->order));
      window = g_new0 (Window, 1);
      window->key = g_strdup (key);
      window->opened = now;
      window->link.data = window;
      g_hash_table_insert (self->windows, window->key, window);
      g_queue_push_tail_link (&self->order, &window->link);
    }
  if (window->failures < G_MAXUINT)
    window->failures++;
}

/**
 * ts_rate_limiter_get_n_keys:
 *
 * Returns: how many keys have an open window at @now
 */
guint
ts_rate_limiter_get_n_keys (TsRateLimiter *self,
                            gint64         now)
{
  g_return_val_if_fail (self != NULL, 0);

  prune (self, now);
  return g_hash_table_size (self->windows);
}
