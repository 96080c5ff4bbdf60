/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The first screen first (issue 15): a backlog of 150 stories is opened;
 * when the project view's model fills, the list view has been given only
 * what its first screen shows (and has made rows for no more), the first
 * rows are the model's first items, and after the first frame the list
 * holds every item of the model, at the model's positions, and its last
 * one can be selected. */

#include <adwaita.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-project-view.h"
#include "ts-window.h"

#define N_STORIES 150

typedef struct {
  TestServer *server;
  TsProjectView *view;
  /* When the model filled: what the list had then. */
  guint model_items;
  guint list_items;
  guint rows;
  gboolean first_item_same;
} Test;

static void
seed (Test *test)
{
  g_autofree char *token = app_test_add_signed_in (test->server, &app_test_ada);
  gint64 project_id;

  project_id = test_server_create_project (test->server, token,
                                           "{\"name\": \"Gemini\", \"iteration_length\": 1, "
                                           "\"initial_velocity\": 5}");
  for (guint i = 0; i < N_STORIES; i++)
    {
      g_autofree char *body =
        g_strdup_printf ("{\"title\": \"Story %u\", \"type\": \"feature\", \"estimate\": 1, "
                         "\"state\": \"unstarted\"}", i);

      test_server_create_story (test->server, token, project_id, body);
    }
}

static GListModel *
list_model (Test *test)
{
  return G_LIST_MODEL (gtk_list_view_get_model (ts_project_view_get_list_view (test->view)));
}

static guint
count_rows (Test *test)
{
  GtkWidget *list = GTK_WIDGET (ts_project_view_get_list_view (test->view));
  guint rows = 0;

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    if (TS_IS_BACKLOG_ROW (gtk_widget_get_first_child (item)))
      rows++;
  return rows;
}

/* Connected after the view's own list, so the list has had the change. */
static void
model_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Test       *test)
{
  g_autoptr(GObject) first = NULL;
  g_autoptr(GObject) listed = NULL;

  if (test->model_items > 0 || g_list_model_get_n_items (model) == 0)
    return;
  test->model_items = g_list_model_get_n_items (model);
  test->list_items = g_list_model_get_n_items (list_model (test));
  test->rows = count_rows (test);
  first = g_list_model_get_item (model, 0);
  listed = g_list_model_get_item (list_model (test), 0);
  test->first_item_same = first == listed;
}

static gboolean
view_shown (gpointer user_data)
{
  return app_test_project_view () != NULL;
}

static gboolean
all_listed (gpointer user_data)
{
  Test *test = user_data;

  return test->model_items > 0 && app_test_row_showing ("Story 0") != NULL &&
         g_list_model_get_n_items (list_model (test)) ==
         g_list_model_get_n_items (G_LIST_MODEL (ts_project_view_get_model (test->view)));
}

static void
first_screen_first (Test *test)
{
  GListModel *model;
  guint last;
  g_autoptr(GObject) item = NULL;
  g_autoptr(GObject) listed = NULL;

  app_test_wait_until (view_shown, NULL, 60, "the project view");
  test->view = app_test_project_view ();
  model = G_LIST_MODEL (ts_project_view_get_model (test->view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_signal_connect (model, "items-changed", G_CALLBACK (model_changed_cb), test);
  app_test_wait_until (all_listed, test, 60, "every story listed");
  g_signal_handlers_disconnect_by_func (model, model_changed_cb, test);

  /* 150 stories and their iterations' headers; the window is 720 px
   * high, so its first screen is at most 32 items (24 px each). */
  g_assert_cmpuint (test->model_items, >, N_STORIES);
  g_assert_cmpuint (test->list_items, >, 0);
  g_assert_cmpuint (test->list_items, <=, 32);
  g_assert_cmpuint (test->rows, <=, test->list_items);
  g_assert_true (test->first_item_same);

  /* Then everything, at the model's positions. */
  last = g_list_model_get_n_items (model) - 1;
  item = g_list_model_get_item (model, last);
  listed = g_list_model_get_item (list_model (test), last);
  g_assert_true (item == listed);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (list_model (test)), last);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (list_model (test))),
                    ==, last);
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), 1100, 720);
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
  first_screen_first (test);
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

int
main (int   argc,
      char *argv[])
{
  Test test = { 0, };
  g_autoptr(TsApplication) app = NULL;

  if (app_test_no_display ())
    return 77;

  app_test_isolate ();
  test.server = test_server_start (NULL);
  seed (&test);

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_print ("ok - the first screen first, then every story at the model's positions\n");
  return 0;
}
