/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-hub.h"

G_BEGIN_DECLS

/* Evictions across servers (PostgreSQL): a member removed through any
 * server is announced with NOTIFY on TS_EVICTIONS_CHANNEL, and every
 * server's embedded hub evicts their sockets. */

#define TS_EVICTIONS_CHANNEL "truestory_evictions"

typedef struct _TsEvictions TsEvictions;

TsEvictions *ts_evictions_start (const char *url,
                                 TsHub      *hub);
void         ts_evictions_stop  (TsEvictions *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsEvictions, ts_evictions_stop)

G_END_DECLS
