/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A PostgreSQL cluster of the test program's own, for the server suite
 * run against the PostgreSQL store (TRUESTORY_TEST_STORE=postgresql):
 * made by initdb in a temporary directory on first use, listening only on
 * a Unix socket there, and stopped when the program ends, however it
 * ends. */

#include <glib.h>

gboolean  test_pg_enabled       (void);
char     *test_pg_new_database  (void);
char     *test_pg_cluster_url   (void);
char     *test_pg_dump          (const char *database);
void      test_pg_restore       (const char *database,
                                 const char *dump);
void      test_pg_set_fsync     (gboolean on);
