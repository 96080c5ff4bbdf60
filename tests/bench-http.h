/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Hand-written HTTP/1.1 for bench-server's clients, as light as they can
 * be: the parsing of an answer's head, shared with the WebSocket crowd
 * (bench-ws-crowd.c), and a pool of keep-alive connections on plain
 * non-blocking sockets that carry one request at a time each, driven by
 * GLib's global default main context. A libsoup client costs more CPU per
 * request than the server it measures (issue 20, item 4); these cost a
 * send() and a recv() or two.
 *
 * Only what the server sends is understood: answers with a
 * Content-Length, nothing after an answer until the next request.
 */

#include <glib.h>

G_BEGIN_DECLS

/* An answer's status line and headers, and a message, longer than
 * anything the server sends. */
#define BENCH_HTTP_MAX_HEAD_SIZE 16384
#define BENCH_HTTP_MAX_BODY_SIZE (1 << 20)

/* The head of an HTTP answer: its status and the headers a client here
 * needs. */
typedef struct {
  guint status;  /* 0 when the status line is not HTTP/1.1's */
  char *status_line;
  char *upgrade;
  char *connection;
  char *accept;
  char *extensions;
  char *content_length;
  char *transfer_encoding;
} BenchHttpHead;

gssize   bench_http_head_parse  (GByteArray    *in,
                                 BenchHttpHead *head);
void     bench_http_head_clear  (BenchHttpHead *head);
gboolean bench_http_has_token   (const char    *value,
                                 const char    *token);

/* One whole answer at the start of @in. */
typedef struct {
  guint status;
  gsize body_at;
  gsize body_size;
  gboolean close_after;  /* Connection: close */
} BenchHttpAnswer;

typedef enum {
  BENCH_HTTP_INCOMPLETE,
  BENCH_HTTP_COMPLETE,
  BENCH_HTTP_BROKEN,
} BenchHttpParse;

BenchHttpParse bench_http_answer_parse (GByteArray      *in,
                                        BenchHttpAnswer *answer,
                                        char           **problem);

gboolean bench_socket_flush (int          fd,
                             gboolean    *connected,
                             GByteArray  *out,
                             const char **reason);

gboolean bench_socket_read  (int          fd,
                             GByteArray **in,
                             const char **reason);

/* A pool of keep-alive connections to 127.0.0.1:port. */
typedef struct _BenchHttpPool BenchHttpPool;

/* @status is 0 and @body the reason when the request failed. */
typedef void (*BenchHttpAnswered) (guint       status,
                                   const char *body,
                                   gsize       size,
                                   gpointer    data);

BenchHttpPool *bench_http_pool_new      (guint16            port,
                                         guint              n_connections);
void           bench_http_pool_free     (BenchHttpPool     *pool);
gboolean       bench_http_pool_has_idle (BenchHttpPool     *pool);
void           bench_http_pool_send     (BenchHttpPool     *pool,
                                         const char        *request,
                                         gsize              size,
                                         BenchHttpAnswered  answered,
                                         gpointer           data);

G_END_DECLS
