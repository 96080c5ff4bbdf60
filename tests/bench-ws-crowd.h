/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Thousands of Pusher clients for bench-server, as light as they can be:
 * plain non-blocking sockets behind one epoll descriptor, which is the
 * only source the crowd adds to the thread-default main context, with a
 * hand-written HTTP/1.1 upgrade, RFC 6455 framing and, for channel
 * authorization, a pool of keep-alive HTTP/1.1 connections that carry one
 * request at a time. libsoup clients cost the benchmark more CPU than the
 * server they measure (a GLib source per socket, each walked on every
 * main-loop iteration); these cost a system call or two per step.
 *
 * A crowd also times a fan-out: while it is armed with a mark, each client
 * notes when a message holding the mark arrives, and keeps the message to
 * be checked after the round.
 *
 * Linux only (epoll). Everything runs in GLib's global default main
 * context, on the thread that iterates it: the waits below do, each until
 * a deadline, and say whether the crowd got there.
 */

#include <glib.h>

G_BEGIN_DECLS

/* A client whose connection fails before the upgrade tries again, as
 * pusher-js does, this many times in all. */
#define MAX_CONNECT_ATTEMPTS 3

typedef enum {
  WS_CROWD_IDLE,        /* connect only, and stay idle */
  WS_CROWD_REST_AUTH,   /* subscribe, authorized with POST /api/v1/realtime/auth */
  WS_CROWD_LOCAL_AUTH,  /* subscribe, signed here with the app secret */
} WsCrowdMode;

/* Where the clients go, on 127.0.0.1. The strings are copied. */
typedef struct {
  guint16 port;
  const char *ws_target;      /* the upgrade's request target, "/app/<key>?protocol=7…" */
  const char *channel;
  const char *authorization;  /* "Bearer …", for the auth requests */
  const char *app_key;        /* for WS_CROWD_LOCAL_AUTH */
  const char *app_secret;
} WsCrowdTarget;

/* Live counts, for waiting conditions and progress lines. */
typedef struct {
  guint connecting;      /* TCP connect or upgrade in flight */
  guint open;            /* upgraded, and the socket not closed yet */
  guint established;
  guint subscribed;
  guint done;            /* established (idle crowds) or subscribed, or failed */
  guint failed;
  guint retries;         /* connection attempts that failed and were made again */
  guint unexpected;      /* messages no client asked for */
  guint round_events;    /* clients that have the armed round's event */
  guint duplicates;      /* a round's event arriving again at a client */
  guint closed_4200;     /* closes by the server with 4200, once they are expected */
  guint closed_other;    /* other closes by the server or the network, then */
  guint auth_open;       /* auth connections */
  guint auth_ready;      /* auth connections that answered their first request */
  guint auth_reopened;   /* auth connections the server closed, opened again */
  guint auth_in_flight;
} WsCrowdCounts;

typedef enum {
  WS_CROWD_ESTABLISHED,
  WS_CROWD_SUBSCRIBED,
} WsCrowdStage;

typedef struct _WsCrowd WsCrowd;

WsCrowd             *ws_crowd_new       (const char          *name,
                                         const WsCrowdTarget *target,
                                         WsCrowdMode          mode,
                                         guint                n,
                                         guint                window,
                                         guint                auth_window);
void                 ws_crowd_free      (WsCrowd             *crowd);

const char          *ws_crowd_get_name  (WsCrowd             *crowd);
guint                ws_crowd_get_size  (WsCrowd             *crowd);
const WsCrowdCounts *ws_crowd_get_counts (WsCrowd            *crowd);
const char          *ws_crowd_get_errors (WsCrowd            *crowd);
guint                ws_crowd_get_n_errors (WsCrowd          *crowd);

gboolean             ws_crowd_open_auth (WsCrowd             *crowd,
                                         gint64               deadline);
void                 ws_crowd_begin     (WsCrowd             *crowd);
gint64               ws_crowd_get_started_at (WsCrowd        *crowd);
gboolean             ws_crowd_wait      (WsCrowd             *crowd,
                                         gint64               deadline);
void                 ws_crowd_expect_close (WsCrowd          *crowd);
gboolean             ws_crowd_close     (WsCrowd             *crowd,
                                         gboolean             from_here,
                                         gint64               deadline);

void                 ws_crowd_arm       (WsCrowd             *crowd,
                                         const char          *mark);
void                 ws_crowd_disarm    (WsCrowd             *crowd);
const char          *ws_crowd_get_event (WsCrowd             *crowd,
                                         guint                index,
                                         gsize               *size,
                                         gint64              *arrived_at);

GArray              *ws_crowd_stage_ms  (WsCrowd             *crowd,
                                         WsCrowdStage         stage);
GArray              *ws_crowd_auth_ms   (WsCrowd             *crowd);

G_END_DECLS
