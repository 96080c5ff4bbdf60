/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Failed sign-ins allowed per email and per client address in a window. */
#define TS_SIGN_IN_EMAIL_FAILURES 10
#define TS_SIGN_IN_ADDRESS_FAILURES 100
#define TS_SIGN_IN_WINDOW_SECONDS (15 * 60)
/* Sign-ins of one client address waiting for or in a password check. */
#define TS_SIGN_IN_MAX_CHECKS_PER_ADDRESS 4

#define TS_TYPE_SIGN_IN (ts_sign_in_get_type ())

G_DECLARE_FINAL_TYPE (TsSignIn, ts_sign_in, TS, SIGN_IN, GObject)

TsSignIn *ts_sign_in_new                    (void);
gboolean  ts_sign_in_set_trusted_proxies    (TsSignIn           *self,
                                             const char * const *proxies,
                                             GError            **error);
char     *ts_sign_in_dup_client_address     (TsSignIn           *self,
                                             SoupServerMessage  *msg);
guint     ts_sign_in_check                  (TsSignIn           *self,
                                             const char         *email,
                                             const char         *address);
void      ts_sign_in_add_failure            (TsSignIn           *self,
                                             const char         *email,
                                             const char         *address);
gboolean  ts_sign_in_begin_check            (TsSignIn           *self,
                                             const char         *address);
void      ts_sign_in_end_check              (TsSignIn           *self,
                                             const char         *address);

G_END_DECLS
