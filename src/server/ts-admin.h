/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-store.h"

G_BEGIN_DECLS

/* truestory-server's commands other than serving: managing users and
 * members from the shell, against either store, beside a running server
 * (ts-admin.c), and moving a team to PostgreSQL (migrate). */

/* The SQLite database in a data directory. */
#define TS_ADMIN_DATABASE_FILE "truestory.db"

/* Exit statuses: done; not done (a message says why; nothing changed);
 * the command line is wrong. */
#define TS_ADMIN_EXIT_OK 0
#define TS_ADMIN_EXIT_FAILED 1
#define TS_ADMIN_EXIT_USAGE 2

typedef enum {
  TS_ADMIN_SERVE,
  TS_ADMIN_USER_ADD,
  TS_ADMIN_USER_LIST,
  TS_ADMIN_USER_REMOVE,
  TS_ADMIN_USER_PASSWORD,
  TS_ADMIN_MEMBER_ADD,
  TS_ADMIN_MEMBER_REMOVE,
  TS_ADMIN_MIGRATE,
  TS_ADMIN_IMPORT_TRACKER,
  TS_ADMIN_UNKNOWN,
} TsAdminCommand;

/* The commands' options, as parsed by main.c. */
typedef struct {
  char *email;
  char *name;
  gint64 project_id;
  char *from;
  char *to;
  char *as_email;
  char *file;
} TsAdminOptions;

TsAdminCommand ts_admin_parse_command (int                   argc,
                                       char                **argv);
int            ts_admin_check_options (TsAdminCommand        command,
                                       const TsAdminOptions *options);
int            ts_admin_run           (TsAdminCommand        command,
                                       TsStore              *store,
                                       const TsAdminOptions *options);
int            ts_admin_import_tracker (TsStore             *store,
                                       const TsAdminOptions *options);
int            ts_admin_migrate       (const TsAdminOptions *options,
                                       guint                 history_limit);

G_END_DECLS
