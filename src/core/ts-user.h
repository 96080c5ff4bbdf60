/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Limits the API leaves open, decided in src/DESIGN.md. */
#define TS_USER_NAME_MAX_CHARS 200
#define TS_USER_EMAIL_MAX_CHARS 254

#define TS_TYPE_USER (ts_user_get_type ())

G_DECLARE_FINAL_TYPE (TsUser, ts_user, TS, USER, GObject)

TsUser     *ts_user_new          (gint64      id,
                                  const char *name,
                                  const char *email);

gint64      ts_user_get_id       (TsUser     *self);
const char *ts_user_get_name     (TsUser     *self);
void        ts_user_set_name     (TsUser     *self,
                                  const char *name);
const char *ts_user_get_email    (TsUser     *self);
void        ts_user_set_email    (TsUser     *self,
                                  const char *email);
char       *ts_user_dup_initials (TsUser     *self);

gboolean    ts_email_is_plausible (const char *email);

G_END_DECLS
