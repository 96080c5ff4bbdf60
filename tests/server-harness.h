/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Starts a real truestory-server on 127.0.0.1 with a temporary data
 * directory, and talks to it over HTTP, for the server suite. */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

typedef struct {
  GPid pid;
  guint16 port;
  char *data_dir;
  /* The PostgreSQL database's URL, when the suite runs on PostgreSQL. */
  char *database;
  char *base_url;
  SoupSession *session;
} TestServer;

typedef struct {
  guint status;
  JsonNode *body;
  char *text;
} TestResponse;

TestServer   *test_server_start       (const char * const *extra_args);
void          test_servers_start_on   (const char    *database,
                                       guint          n_servers,
                                       const char * const *extra_args,
                                       TestServer   **servers);
void          test_server_stop        (TestServer    *server);
void          test_server_kill        (TestServer    *server);
void          test_server_restart     (TestServer    *server);
void          test_server_terminate   (TestServer    *server);
void          test_server_restart_with (TestServer   *server,
                                       const char * const *extra_args);
gboolean      test_server_add_user    (TestServer    *server,
                                       const char    *email,
                                       const char    *name,
                                       const char    *password);
char         *test_server_sign_in     (TestServer    *server,
                                       const char    *email,
                                       const char    *password);
TestResponse *test_request            (TestServer    *server,
                                       const char    *method,
                                       const char    *path,
                                       const char    *token,
                                       const char    *body);
TestResponse *test_request_full       (TestServer    *server,
                                       const char    *method,
                                       const char    *path,
                                       const char    *token,
                                       const char    *content_type,
                                       GBytes        *body,
                                       const char * const *headers);
void          test_response_free      (TestResponse  *response);
JsonObject   *test_response_object    (TestResponse  *response);
JsonObject   *test_get_object         (TestServer    *server,
                                       const char    *path,
                                       const char    *token);
gint64        test_response_int       (TestResponse  *response,
                                       const char    *member);
const char   *test_response_error_code (TestResponse *response);
gint64        test_server_create_story (TestServer   *server,
                                       const char    *token,
                                       gint64         project_id,
                                       const char    *body);
char         *test_server_add_and_sign_in (TestServer *server,
                                       const char    *email,
                                       const char    *name,
                                       const char    *password);
gint64        test_server_create_project (TestServer *server,
                                       const char    *token,
                                       const char    *body);
void          test_server_add_member  (TestServer    *server,
                                       const char    *token,
                                       gint64         project_id,
                                       const char    *email);
gint64        test_server_version     (TestServer    *server,
                                       const char    *token,
                                       const char    *target);
int           test_server_connect_raw (TestServer    *server,
                                       guint          timeout_s);
gboolean      test_socket_try_send    (int            fd,
                                       const void    *data,
                                       gsize          size);
const char   *test_server_program     (void);

#define assert_status(response, expected)                                  \
  G_STMT_START {                                                           \
    if ((response)->status != (expected))                                  \
      g_error ("%s:%d: expected status %u, got %u: %s", __FILE__, __LINE__, \
               (guint) (expected), (response)->status, (response)->text);  \
  } G_STMT_END

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestResponse, test_response_free)

/* A finished run of truestory-server's command line. */
typedef struct {
  int status;
  char *out;
  char *err;
} TestRun;

TestRun     *test_run_program       (const char * const *args,
                                     const char         *input);
TestRun     *test_server_run_admin  (TestServer         *server,
                                     const char         *input,
                                     const char * const *args);
void         test_run_free          (TestRun            *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestRun, test_run_free)

/* The SQLite store's database, for a test that sets up what no API
 * does (a row from an older schema, a failing step); read and write. */
sqlite3      *test_server_open_database (TestServer  *server);
void          test_server_exec_sql      (sqlite3     *db,
                                         const char  *sql);
