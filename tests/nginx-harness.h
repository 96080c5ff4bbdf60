/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* nginx from Debian as the round-robin front of doc/deploy.md, on a
 * loopback port, with the locations of data/truestory-server-locations.nginx
 * (TRUESTORY_NGINX_LOCATIONS names it) and every path of its own in a
 * temporary directory. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GPid pid;
  guint port;
  char *dir;
} NginxFront;

void   nginx_front_start  (NginxFront   *front,
                           guint         port,
                           const guint  *instance_ports,
                           guint         n_instances,
                           guint         realtime_port);
void   nginx_front_stop   (NginxFront   *front);
char  *nginx_front_log    (NginxFront   *front);

G_END_DECLS
