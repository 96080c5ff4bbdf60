/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The file in the data directory that a serving truestory-server locks. */
#define TS_DATA_LOCK_FILE "truestory-server.lock"

#define TS_DATA_LOCK_ERROR (ts_data_lock_error_quark ())

typedef enum {
  TS_DATA_LOCK_ERROR_FAILED,
  /* Another process serves this data directory. */
  TS_DATA_LOCK_ERROR_HELD,
} TsDataLockError;

typedef struct _TsDataLock TsDataLock;

GQuark      ts_data_lock_error_quark (void);
TsDataLock *ts_data_lock_acquire     (const char  *data_dir,
                                      GError     **error);
gboolean    ts_data_lock_publish     (TsDataLock  *self,
                                      const char  *base_url,
                                      GError     **error);
void        ts_data_lock_release     (TsDataLock  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsDataLock, ts_data_lock_release)

G_END_DECLS
