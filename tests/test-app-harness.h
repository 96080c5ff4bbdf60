/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Drives the real TsApplication window for the app suite: an isolated
 * home (data, config, in-memory settings, no session bus and so no
 * keyring), widgets found as a person finds them (by their labels), waits
 * on the main loop, and screenshots of windows in the build folder. */

#include <gtk/gtk.h>

#include "server-harness.h"
#include "ts-project-view.h"
#include "ts-window.h"

typedef gboolean (*AppCondition) (gpointer user_data);

gboolean    app_test_no_display       (void);
void        app_test_isolate          (void);
void        app_test_cleanup          (void);
const char *app_test_home             (void);
void        app_test_wait_until       (AppCondition  condition,
                                       gpointer      user_data,
                                       guint         timeout_seconds,
                                       const char   *what);
void        app_test_settle           (guint         milliseconds);
GtkWidget  *app_test_find_button      (GtkWidget    *root,
                                       const char   *label);
GtkWidget  *app_test_find_label       (GtkWidget    *root,
                                       const char   *text);
GtkWidget  *app_test_find_label_containing (GtkWidget *root,
                                       const char   *text);
GtkWidget  *app_test_find_row         (GtkWidget    *root,
                                       const char   *title);
GtkWidget  *app_test_expect_row       (GtkWidget    *root,
                                       const char   *title);
void        app_test_set_row          (GtkWidget    *root,
                                       const char   *title,
                                       const char   *text);
GtkWidget  *app_test_find_entry       (GtkWidget    *root,
                                       const char   *placeholder);
GtkWidget  *app_test_sidebar_list     (GtkWidget    *root);
GtkWindow  *app_test_find_window      (GType         type);
GtkWidget  *app_test_open_connect_dialog (const char *button_label);
GtkWidget  *app_test_sign_in          (const char   *server_url,
                                       const char   *email,
                                       const char   *password);
gboolean    app_test_window_shown     (gpointer      type);
GtkWidget  *app_test_find_descendant  (GtkWidget    *root,
                                       GType         type);
TsWindow   *app_test_main_window      (void);
gboolean    app_test_main_window_shown (gpointer     unused);
TsProjectView *app_test_project_view  (void);
GtkWidget  *app_test_row_showing      (const char   *title);
gboolean    app_test_row_shown        (gpointer      title);
void        app_test_set_width        (int           width);
guint       app_test_assert_estimates_in_column (GtkWidget *root);
void        app_test_screenshot       (GtkWidget    *widget,
                                       const char   *name);

/* Seeding over REST, before the window starts: the people the app tests
 * sign in as, the team project Ada shares with Bob, and Gemini's planned
 * backlog. */

typedef struct {
  const char *email;
  const char *name;
  const char *password;
} AppTestPerson;

/* Ada Lovelace, the first user and so the server's admin; Bob Babbage, her
 * team mate; Grace Hopper, who joins later. */
extern const AppTestPerson app_test_ada;
extern const AppTestPerson app_test_bob;
extern const AppTestPerson app_test_grace;

/* Gemini's planned backlog, by id: Current holds Launch pad (started, 3)
 * and Fuel (2); next come Capsule (3) and First orbit (a release due
 * today, so late); then Telemetry (5); Moon base waits in the Icebox. */
typedef struct {
  gint64 launch_pad;
  gint64 fuel;
  gint64 capsule;
  gint64 first_orbit;
  gint64 telemetry;
  gint64 moon_base;
} AppTestGeminiBacklog;

void        app_test_add_person       (TestServer   *server,
                                       const AppTestPerson *person);
char       *app_test_add_signed_in    (TestServer   *server,
                                       const AppTestPerson *person);
void        app_test_seed_users       (TestServer   *server,
                                       char        **ada_token,
                                       char        **bob_token);
char       *app_test_weekly_project_body (const char *name);
gint64      app_test_seed_project_named (TestServer *server,
                                       const char   *token,
                                       const char   *name);
gint64      app_test_seed_team_project (TestServer  *server,
                                       const char   *ada_token,
                                       const char   *body);
gint64      app_test_seed_gemini      (TestServer   *server,
                                       char        **ada_token,
                                       char        **bob_token,
                                       AppTestGeminiBacklog *stories);
