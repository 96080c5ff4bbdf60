/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The front door's reading of a new connection's first bytes, without
 * the socket: for the door itself, and for tests/fuzz/fuzz-front-door.c.
 */

/**
 * TsFrontDoorPeek:
 * @TS_FRONT_DOOR_PEEK_WAIT: a handshake may still come: peek again later
 * @TS_FRONT_DOOR_PEEK_SOUP: not a handshake the door takes: libsoup's
 * @TS_FRONT_DOOR_PEEK_UPGRADE: a complete, well-formed handshake
 */
typedef enum {
  TS_FRONT_DOOR_PEEK_WAIT,
  TS_FRONT_DOOR_PEEK_SOUP,
  TS_FRONT_DOOR_PEEK_UPGRADE,
} TsFrontDoorPeek;

TsFrontDoorPeek ts_front_door_peek (const char  *request_prefix,
                                    const char  *peeked,
                                    gsize        size,
                                    gsize        capacity,
                                    gsize       *out_head_size,
                                    char       **out_target,
                                    char       **out_accept);

G_END_DECLS
