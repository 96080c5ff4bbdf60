/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-front-door.h"

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

/**
 * TsFrontDoorCallVerdict:
 * @TS_FRONT_DOOR_CALL_NO: not a call the door takes: libsoup's
 * @TS_FRONT_DOOR_CALL_PARTIAL: a call may be coming, its head not all here yet
 * @TS_FRONT_DOOR_CALL_BODY: a call's head the door takes, its body not all
 *   here yet
 * @TS_FRONT_DOOR_CALL_TAKE: a complete call, head and body
 */
typedef enum {
  TS_FRONT_DOOR_CALL_NO,
  TS_FRONT_DOOR_CALL_PARTIAL,
  TS_FRONT_DOOR_CALL_BODY,
  TS_FRONT_DOOR_CALL_TAKE,
} TsFrontDoorCallVerdict;

TsFrontDoorCallVerdict ts_front_door_peek_call (const char  *request_line,
                                                const char  *peeked,
                                                gsize        size,
                                                gsize        max_body,
                                                gsize       *out_size,
                                                char       **out_token,
                                                GBytes     **out_body);

char *ts_front_door_call_response_new (const char      *server_header,
                                       const char      *date,
                                       guint            status,
                                       const GPtrArray *headers,
                                       const char      *content_type,
                                       const char      *body,
                                       gsize            length,
                                       gsize           *out_size);

/* Calls between the door's thread and the server's (ts-front-door-call.c). */

typedef struct _TsFrontDoorMailbox TsFrontDoorMailbox;

struct _TsFrontDoorCall {
  TsFrontDoorMailbox *mailbox;
  gpointer visitor;  /* the door thread's, never touched elsewhere */
  guint index;       /* in the policy's calls */
  char *token;
  GBytes *body;
  /* The answer. */
  guint status;
  GPtrArray *headers;
  char *content_type;
  char *answer_body;
  gsize answer_length;
  GList link;
};

TsFrontDoorMailbox *ts_front_door_mailbox_new   (GMainContext        *context,
                                                 TsFrontDoorCallFunc  func,
                                                 gpointer             user_data,
                                                 int                  wake_fd);
void                ts_front_door_mailbox_post  (TsFrontDoorMailbox  *mailbox,
                                                 gpointer             visitor,
                                                 guint                index,
                                                 char                *token,
                                                 GBytes              *body);
void                ts_front_door_mailbox_take_answers (TsFrontDoorMailbox *mailbox,
                                                        GQueue             *answers);
void                ts_front_door_mailbox_close (TsFrontDoorMailbox  *mailbox);
void                ts_front_door_call_free     (TsFrontDoorCall     *call);

G_END_DECLS
