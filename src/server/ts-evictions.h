/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-hub.h"
#include "ts-store.h"

G_BEGIN_DECLS

/* Evictions across servers and processes: a member removed through any
 * server, or by an admin command, is announced with NOTIFY on
 * TS_EVICTIONS_CHANNEL (PostgreSQL) or a row of the evictions table
 * (SQLite, read by the server's watch), and the server's embedded hub evicts their sockets. */

#define TS_EVICTIONS_CHANNEL "truestory_evictions"

typedef struct _TsEvictions TsEvictions;

TsEvictions *ts_evictions_start (const char *url,
                                 TsHub      *hub);
void         ts_evictions_stop  (TsEvictions *self);
void         ts_evictions_evict_member (TsHub *hub,
                                        gint64 project_id,
                                        gint64 user_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsEvictions, ts_evictions_stop)

G_END_DECLS
