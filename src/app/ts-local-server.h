/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TS_TYPE_LOCAL_SERVER (ts_local_server_get_type ())

G_DECLARE_FINAL_TYPE (TsLocalServer, ts_local_server, TS, LOCAL_SERVER, GObject)

char          *ts_local_server_find_program      (void);

TsLocalServer *ts_local_server_new               (const char          *program,
                                                  const char          *data_dir);
const char    *ts_local_server_get_data_dir      (TsLocalServer       *self);
const char    *ts_local_server_get_base_url      (TsLocalServer       *self);
void           ts_local_server_start_async       (TsLocalServer       *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       ts_local_server_start_finish      (TsLocalServer       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void           ts_local_server_add_user_async    (TsLocalServer       *self,
                                                  const char          *email,
                                                  const char          *name,
                                                  const char          *password,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       ts_local_server_add_user_finish   (TsLocalServer       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void           ts_local_server_stop              (TsLocalServer       *self);

G_END_DECLS
