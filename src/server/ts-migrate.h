/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-store.h"

G_BEGIN_DECLS

/* Moving a team from an SQLite data directory to a PostgreSQL database
 * (`truestory-server migrate`). */

#define TS_MIGRATE_ERROR (ts_migrate_error_quark ())

/**
 * TsMigrateError:
 * @TS_MIGRATE_ERROR_NOT_EMPTY: the target database holds data already
 * @TS_MIGRATE_ERROR_COUNTS: a table's rows were not all copied
 */
typedef enum {
  TS_MIGRATE_ERROR_NOT_EMPTY,
  TS_MIGRATE_ERROR_COUNTS,
} TsMigrateError;

GQuark   ts_migrate_error_quark (void);
gboolean ts_migrate_copy        (TsStore  *source,
                                 TsStore  *target,
                                 GString  *report,
                                 GError  **error);

G_END_DECLS
