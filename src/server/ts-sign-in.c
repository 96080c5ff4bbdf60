/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-sign-in"

#include "ts-sign-in.h"

#include <string.h>

#include "ts-rate-limiter.h"

/**
 * TsSignIn:
 *
 * What `POST /session` may do before it checks a password: failed
 * sign-ins counted per email and per client address (the failures of a
 * window, then 429 until it ends), and how many checks a client address
 * has waiting. The client address is the socket's peer, or the last
 * `X-Forwarded-For` hop when the peer is a trusted proxy. Main thread only.
 */

/* Keys held per limiter at most: enough for any team, and a flood of
 * made-up emails costs at most this many entries (~200 bytes each). */
#define MAX_KEYS 50000

struct _TsSignIn
{
  GObject parent_instance;

  TsRateLimiter *by_email;
  TsRateLimiter *by_address;
  /* Client address → checks waiting or running (GUINT_TO_POINTER). */
  GHashTable *checks;
  /* GInetAddressMask, the peers whose X-Forwarded-For is believed. */
  GPtrArray *trusted_proxies;
};

G_DEFINE_FINAL_TYPE (TsSignIn, ts_sign_in, G_TYPE_OBJECT)

static void
ts_sign_in_finalize (GObject *object)
{
  TsSignIn *self = (TsSignIn *)object;

  ts_rate_limiter_free (self->by_email);
  ts_rate_limiter_free (self->by_address);
  g_hash_table_unref (self->checks);
  g_ptr_array_unref (self->trusted_proxies);

  G_OBJECT_CLASS (ts_sign_in_parent_class)->finalize (object);
}

static void
ts_sign_in_class_init (TsSignInClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_sign_in_finalize;
}

static void
ts_sign_in_init (TsSignIn *self)
{
  gint64 window = (gint64) TS_SIGN_IN_WINDOW_SECONDS * G_USEC_PER_SEC;

  self->by_email = ts_rate_limiter_new (TS_SIGN_IN_EMAIL_FAILURES, window, MAX_KEYS);
  self->by_address = ts_rate_limiter_new (TS_SIGN_IN_ADDRESS_FAILURES, window, MAX_KEYS);
  self->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->trusted_proxies = g_ptr_array_new_with_free_func (g_object_unref);
}

TsSignIn *
ts_sign_in_new (void)
{
  return g_object_new (TS_TYPE_SIGN_IN, NULL);
}

/**
 * ts_sign_in_set_trusted_proxies:
 * @proxies: (array zero-terminated=1) (nullable): addresses or networks
 *   (`127.0.0.1`, `10.0.0.0/8`, `::1`), each item possibly a comma list
 *
 * Returns: %FALSE, changing nothing, when one is not an address
 */
gboolean
ts_sign_in_set_trusted_proxies (TsSignIn           *self,
                                const char * const *proxies,
                                GError            **error)
{
  g_autoptr(GPtrArray) masks = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (TS_IS_SIGN_IN (self), FALSE);

  for (guint i = 0; proxies != NULL && proxies[i] != NULL; i++)
    {
      g_auto(GStrv) items = g_strsplit (proxies[i], ",", -1);

      for (guint j = 0; items[j] != NULL; j++)
        {
          const char *item = g_strstrip (items[j]);
          GInetAddressMask *mask;

          if (*item == '\0')
            continue;
          mask = g_inet_address_mask_new_from_string (item, NULL);
          if (mask == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "--trusted-proxy: “%s” is not an address or a network", item);
              return FALSE;
            }
          g_ptr_array_add (masks, mask);
        }
    }

  g_ptr_array_unref (self->trusted_proxies);
  self->trusted_proxies = g_steal_pointer (&masks);
  return TRUE;
}

static gboolean
is_trusted (TsSignIn     *self,
            GInetAddress *peer)
{
  for (guint i = 0; i < self->trusted_proxies->len; i++)
    if (g_inet_address_mask_matches (self->trusted_proxies->pdata[i], peer))
      return TRUE;
  return FALSE;
}

/* The last hop of X-Forwarded-For: the address the trusted proxy itself
 * saw. Hops before it are whatever the client wrote. */
static GInetAddress *
forwarded_for (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *list = soup_message_headers_get_list (headers, "X-Forwarded-For");
  const char *last;
  g_autofree char *hop = NULL;

  if (list == NULL)
    return NULL;
  last = strrchr (list, ',');
  hop = g_strstrip (g_strdup (last != NULL ? last + 1 : list));
  /* Some proxies write an IPv6 hop in brackets. */
  if (hop[0] == '[' && hop[strlen (hop) - 1] == ']')
    {
      hop[strlen (hop) - 1] = '\0';
      memmove (hop, hop + 1, strlen (hop));
    }
  return g_inet_address_new_from_string (hop);
}

/* The key a client address counts under: an IPv4 address as it is, an
 * IPv6 one by its /64, which one machine commonly holds whole. */
static char *
address_key (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  g_autoptr(GInetAddress) prefix = NULL;
  g_autofree char *text = NULL;
  guint8 masked[16] = { 0 };

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return g_inet_address_to_string (address);
  if (memcmp (bytes, mapped, sizeof mapped) == 0)
    return g_strdup_printf ("%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
  memcpy (masked, bytes, 8);
  prefix = g_inet_address_new_from_bytes (masked, G_SOCKET_FAMILY_IPV6);
  text = g_inet_address_to_string (prefix);
  return g_strdup_printf ("%s/64", text);
}

/**
 * ts_sign_in_dup_client_address:
 *
 * Returns: (transfer full): the key of the client's address
 */
char *
ts_sign_in_dup_client_address (TsSignIn          *self,
                               SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  GInetAddress *peer;
  g_autoptr(GInetAddress) forwarded = NULL;

  g_return_val_if_fail (TS_IS_SIGN_IN (self), NULL);

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return g_strdup ("unknown");
  peer = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
  if (is_trusted (self, peer) && (forwarded = forwarded_for (msg)) != NULL)
    return address_key (forwarded);
  return address_key (peer);
}

/* Emails count without case, as the users table compares them, and by
 * their SHA-256: a key's size is fixed whatever a client sends, so the
 * limiter's memory is bounded by its number of keys. */
static char *
email_key (const char *email)
{
  g_autofree char *folded = g_ascii_strdown (email, -1);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, folded, -1);
}

/**
 * ts_sign_in_check:
 *
 * Returns: 0 when this email may sign in from this address now, else the
 *   seconds until it may (a `Retry-After`)
 */
guint
ts_sign_in_check (TsSignIn   *self,
                  const char *email,
                  const char *address)
{
  g_autofree char *key = email_key (email);
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (TS_IS_SIGN_IN (self), 0);

  return MAX (ts_rate_limiter_check (self->by_email, key, now),
              ts_rate_limiter_check (self->by_address, address, now));
}

void
ts_sign_in_add_failure (TsSignIn   *self,
                        const char *email,
                        const char *address)
{
  g_autofree char *key = email_key (email);
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (TS_IS_SIGN_IN (self));

  ts_rate_limiter_add_failure (self->by_email, key, now);
  ts_rate_limiter_add_failure (self->by_address, address, now);
}

/**
 * ts_sign_in_begin_check:
 *
 * Counts a password check of @address, unless it has as many waiting as
 * it may: one client's flood then cannot fill the password pool's queue.
 *
 * Returns: whether the check may start; if so, end it with
 *   ts_sign_in_end_check()
 */
gboolean
ts_sign_in_begin_check (TsSignIn   *self,
                        const char *address)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->checks, address));

  g_return_val_if_fail (TS_IS_SIGN_IN (self), FALSE);

  if (n >= TS_SIGN_IN_MAX_CHECKS_PER_ADDRESS)
    return FALSE;
  g_hash_table_replace (self->checks, g_strdup (address), GUINT_TO_POINTER (n + 1));
  return TRUE;
}

void
ts_sign_in_end_check (TsSignIn   *self,
                      const char *address)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->checks, address));

  g_return_if_fail (TS_IS_SIGN_IN (self));
  g_return_if_fail (n > 0);

  if (n == 1)
    g_hash_table_remove (self->checks, address);
  else
    g_hash_table_replace (self->checks, g_strdup (address), GUINT_TO_POINTER (n - 1));
}
