/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Importing Pivotal Tracker's CSV from the app, end to end against a real
 * team server: Ada opens an empty project, gives the import a Tracker
 * export (what the file chooser hands over once a file is chosen), reads
 * the preview (stories by type, epics, tasks, comments, who matched a
 * member, the schedule taken), imports it with the progress bar, sees the
 * toast and the stories in the backlog, with the file's schedule. The same
 * file again has nothing new, and the project, not empty any more, keeps
 * its schedule; a file with a broken row shows its line; the export saves
 * the stories back as CSV. The first import and the export go through the
 * project menu and the file chooser (GTK's own here), the others give the
 * file as the chooser does. Screenshots: app-import-preview (-end) and
 * app-import-result, light and dark, 360 px and wide; app-import-menu,
 * -chooser, -again, -error. */

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-import-window.h"
#include "ts-project-view-private.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *ada_token;
  gint64 project_id;
} Test;

/* A Tracker export as Tracker wrote it: columns by name, repeated Owned
 * By, a multi-line cell, a comment with its author and date, a task, an
 * epic row, and people who are members (Ada) and who are not. */
static const char tracker_csv[] =
  "Id,Title,Labels,Iteration,Iteration Start,Iteration End,Type,Estimate,Current State,"
  "Created at,Accepted at,Deadline,Requested By,Description,URL,Owned By,Owned By,Comment,"
  "Task,Task Status\r\n"
  "1001,Landing gear,\"ground, wheels\",1,\"Jan 5, 2026\",\"Jan 18, 2026\",feature,3,accepted,"
  "\"Jan 2, 2026\",\"Jan 9, 2026\",,Ada Lovelace,\"Gear that folds,\r\nand unfolds\","
  "https://www.pivotaltracker.com/story/show/1001,Ada Lovelace,Grace Hopper,"
  "\"Looks good (Ada Lovelace - Jan 9, 2026)\",Fold it,completed\r\n"
  "1002,Cabin pressure,,2,\"Jan 19, 2026\",\"Feb 1, 2026\",bug,,started,\"Jan 3, 2026\",,,"
  "Grace Hopper,,https://www.pivotaltracker.com/story/show/1002,Ada Lovelace\r\n"
  "1003,Paint the hangar,,,,,chore,,unscheduled,\"Jan 4, 2026\",,,Ada Lovelace,,"
  "https://www.pivotaltracker.com/story/show/1003\r\n"
  "1004,First flight,,,,,release,,unstarted,\"Jan 4, 2026\",,\"Mar 2, 2026\",Ada Lovelace,,"
  "https://www.pivotaltracker.com/story/show/1004\r\n"
  "1005,Wings,wings,,,,feature,2,unstarted,\"Jan 5, 2026\",,,Charles Babbage,,"
  "https://www.pivotaltracker.com/story/show/1005\r\n"
  "1100,Wings,,,,,epic,,,\"Jan 1, 2026\",,,,,https://www.pivotaltracker.com/epic/show/1100\r\n";

/* The same rows and one more, in a later iteration. */
static const char *
tracker_csv_grown (void)
{
  static char *text;

  if (text == NULL)
    text = g_strconcat (tracker_csv,
                        "1006,Tail fin,,3,\"Feb 2, 2026\",\"Feb 15, 2026\",feature,1,unstarted,"
                        "\"Jan 6, 2026\",,,Ada Lovelace,,"
                        "https://www.pivotaltracker.com/story/show/1006\r\n", NULL);
  return text;
}

/* Line 3 has a state Tracker never wrote. */
static const char broken_csv[] =
  "Id,Title,Type,Estimate,Current State\n"
  "2001,Good row,feature,1,unstarted\n"
  "2002,Bad row,feature,1,flying\n";

static gint64
server_version (Test *test)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, test->project_id);

  return test_server_version (test->server, test->ada_token, path);
}

static TsBacklogStore *
store (void)
{
  return ts_project_view_get_store (app_test_project_view ());
}

static gboolean
project_ready (gpointer user_data)
{
  TsProjectView *view = app_test_project_view ();

  return view != NULL && ts_project_view_get_store (view) != NULL &&
         ts_backlog_store_get_status (store ()) == TS_BACKLOG_STORE_READY &&
         !ts_backlog_store_is_syncing (store ());
}

static GFile *
write_file (const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (app_test_home (), name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static gboolean
page_is (gpointer user_data)
{
  GtkWindow *window = app_test_find_window (TS_TYPE_IMPORT_WINDOW);
  GtkWidget *stack = window != NULL ? app_test_find_descendant (GTK_WIDGET (window),
                                                                 GTK_TYPE_STACK) : NULL;

  return stack != NULL && gtk_widget_get_mapped (stack) &&
         g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), user_data) == 0;
}

static GtkWidget *
open_import (const char *name,
             const char *text,
             const char *page)
{
  g_autoptr(GFile) file = write_file (name, text);
  GtkWindow *window = ts_project_view_import_tracker_file (app_test_project_view (), file);

  g_assert_nonnull (window);
  app_test_wait_until (page_is, (gpointer) page, 30, page);
  app_test_settle (300);
  return GTK_WIDGET (window);
}

static const char *
row_subtitle (GtkWidget  *root,
              const char *title)
{
  GtkWidget *row = app_test_find_row (root, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The count at a row's end. */
static void
assert_count (GtkWidget  *root,
              const char *title,
              const char *count)
{
  GtkWidget *row = app_test_find_row (root, title);

  g_assert_nonnull (row);
  g_assert_nonnull (app_test_find_label (row, count));
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  app_test_settle (300);
}

static void
resize (GtkWidget *window,
        int        width,
        int        height)
{
  for (guint i = 0; i < 2; i++)
    {
      gtk_window_set_default_size (GTK_WINDOW (window), width, height);
      app_test_settle (400);
    }
}

/* Light and dark, 360 px and wide. */
static void
screenshots (GtkWidget  *window,
             const char *name,
             int         wide,
             int         height)
{
  const struct { int width; const char *suffix; } sizes[] = { { wide, "" }, { 360, "-narrow" } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *light = g_strconcat (name, sizes[i].suffix, NULL);
      g_autofree char *dark = g_strconcat (name, sizes[i].suffix, "-dark", NULL);

      if (window == GTK_WIDGET (app_test_main_window ()))
        {
          app_test_set_width (sizes[i].width);
          /* Folded, the window shows the project, not the sidebar. */
          adw_leaflet_navigate (ADW_LEAFLET (app_test_find_descendant (window, ADW_TYPE_LEAFLET)),
                                ADW_NAVIGATION_DIRECTION_FORWARD);
          app_test_settle (600);
        }
      else
        resize (window, sizes[i].width, height);
      app_test_screenshot (window, light);
      set_dark (TRUE);
      app_test_screenshot (window, dark);
      set_dark (FALSE);
    }
}

/* The preview's people and schedule, below the first screen. */
static void
scroll_to_end (GtkWidget *window)
{
  GtkWidget *page = app_test_find_descendant (window, ADW_TYPE_PREFERENCES_PAGE);
  GtkWidget *scroller = app_test_find_descendant (page, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  app_test_settle (300);
}

static gboolean
popover_mapped (gpointer user_data)
{
  return gtk_widget_get_mapped (user_data);
}

static gboolean
chooser_shown (gpointer user_data)
{
  return app_test_window_shown (GSIZE_TO_POINTER (GTK_TYPE_FILE_CHOOSER_DIALOG));
}

/* The project menu's item opens the system's file chooser (GTK's own
 * here: no portal without a session bus), for CSV files; the file chosen
 * there opens the import. */
static GtkWidget *
choose_from_menu (const char *item_label,
                  const char *screenshot)
{
  TsProjectView *view = app_test_project_view ();
  GtkMenuButton *menu_button = GTK_MENU_BUTTON (view->view_menu_button);
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (menu_button));
  GtkWidget *item;

  gtk_menu_button_popup (menu_button);
  app_test_wait_until (popover_mapped, popover, 10, "the project menu");
  app_test_settle (300);
  if (screenshot != NULL)
    app_test_screenshot (popover, screenshot);
  item = app_test_find_label (popover, item_label);
  g_assert_nonnull (item);
  item = gtk_widget_get_ancestor (item, g_type_from_name ("GtkModelButton"));
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_activate (item));
  app_test_wait_until (chooser_shown, NULL, 30, "the file chooser");
  app_test_settle (500);
  return GTK_WIDGET (app_test_find_window (GTK_TYPE_FILE_CHOOSER_DIALOG));
}

static void
preview (Test *test)
{
  g_autoptr(GFile) file = write_file ("Tracker export.csv", tracker_csv);
  GtkWidget *chooser = choose_from_menu ("Import from Pivotal Tracker…", "app-import-menu");
  GtkWidget *window;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (chooser)), ==, "Import from Pivotal Tracker");
  g_assert_cmpstr (gtk_file_filter_get_name (gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser))),
                   ==, "CSV Files");
  app_test_screenshot (chooser, "app-import-chooser");
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, &error));
  g_assert_no_error (error);
  app_test_settle (500);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  app_test_wait_until (page_is, (gpointer) "preview", 30, "the preview");
  app_test_settle (300);
  window = GTK_WIDGET (app_test_find_window (TS_TYPE_IMPORT_WINDOW));

  /* What the file holds. */
  assert_count (window, "Features", "2");
  assert_count (window, "Bugs", "1");
  assert_count (window, "Chores", "1");
  assert_count (window, "Releases", "1");
  g_assert_null (app_test_find_row (window, "Already Imported"));
  g_assert_nonnull (app_test_find_label (window, "5 new stories will be added to the backlog."));
  assert_count (window, "Epics", "1");
  assert_count (window, "Tasks", "1");
  assert_count (window, "Comments", "1");

  /* Who matched: Ada by her full name; Grace and Charles are no members. */
  g_assert_cmpstr (row_subtitle (window, "Ada Lovelace"), ==, "Member of the project");
  g_assert_cmpstr (row_subtitle (window, "Grace Hopper"), ==,
                   "Not a member: named in the stories’ descriptions");
  g_assert_cmpstr (row_subtitle (window, "Charles Babbage"), ==,
                   "Not a member: named in the stories’ descriptions");
  g_assert_nonnull (app_test_find_label_containing (window, "1 of 3 people matched"));

  /* An empty project takes the file's schedule. */
  g_assert_cmpstr (row_subtitle (window, "Start Date"), ==, "Jan 5");
  g_assert_cmpstr (row_subtitle (window, "Iteration Length"), ==, "2 weeks");
  g_assert_nonnull (app_test_find_label (window, "The project takes the start date and "
                                                 "iteration length of the file."));
  g_assert_true (gtk_widget_get_sensitive (app_test_find_button (window, "Import")));

  screenshots (window, "app-import-preview", 640, 760);
  scroll_to_end (window);
  app_test_screenshot (window, "app-import-preview-end-narrow");
  resize (window, 640, 760);
  scroll_to_end (window);
  app_test_screenshot (window, "app-import-preview-end");
}

static gboolean
toast_shown (gpointer user_data)
{
  return app_test_find_label (GTK_WIDGET (app_test_main_window ()), user_data) != NULL;
}

static gboolean
imported_rows_shown (gpointer user_data)
{
  return ts_project_view_get_story_count (app_test_project_view ()) == 5 &&
         app_test_row_showing ("Wings") != NULL && app_test_row_showing ("Cabin pressure") != NULL;
}

static gboolean
window_gone (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

static void
import (Test *test)
{
  GtkWidget *window = GTK_WIDGET (app_test_find_window (TS_TYPE_IMPORT_WINDOW));
  TsProject *project;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  resize (window, 640, 760);
  gtk_widget_activate (app_test_find_button (window, "Import"));
  app_test_wait_until (window_gone, &window, 30, "the import to end");
  app_test_wait_until (toast_shown, (gpointer) "Imported 5 stories", 10, "the toast");
  app_test_wait_until (imported_rows_shown, NULL, 30, "the imported stories in the backlog");

  /* The file's schedule, and one import for the whole file. */
  project = ts_backlog_store_get_project (store ());
  g_assert_cmpint (ts_project_get_iteration_length (project), ==, 2);
  g_assert_cmpint (ts_project_get_start_date (project), ==, ts_day_from_ymd (2026, 1, 5));
  g_assert_cmpint (ts_backlog_store_get_version (store ()), ==,
                   server_version (test));

  app_test_settle (500);
  screenshots (GTK_WIDGET (app_test_main_window ()), "app-import-result", 1100, 720);
  app_test_set_width (1100);
}

/* The same file again: every row was imported before. */
static void
import_again (Test *test)
{
  GtkWidget *window = open_import ("Tracker export.csv", tracker_csv, "preview");

  assert_count (window, "Already Imported", "5");
  g_assert_null (app_test_find_row (window, "Features"));
  g_assert_nonnull (app_test_find_label_containing (window, "there is nothing new to import"));
  /* Nothing new: no people or epics to speak of (the file does name people). */
  g_assert_null (app_test_find_label (window, "People"));
  g_assert_null (app_test_find_row (window, "Epics"));
  g_assert_false (gtk_widget_get_sensitive (app_test_find_button (window, "Import")));
  gtk_window_destroy (GTK_WINDOW (window));

  /* A later export of the same project: one new story, and the project,
   * no longer empty, keeps its schedule. */
  window = open_import ("Tracker export, later.csv", tracker_csv_grown (), "preview");
  assert_count (window, "Already Imported", "5");
  assert_count (window, "Features", "1");
  g_assert_nonnull (app_test_find_label (window, "1 new story will be added to the backlog."));
  g_assert_nonnull (app_test_find_label (window, "This project already has stories: it keeps "
                                                 "its own start date and iteration length."));
  g_assert_true (gtk_widget_get_sensitive (app_test_find_button (window, "Import")));
  resize (window, 640, 760);
  app_test_screenshot (window, "app-import-again");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
broken_file (Test *test)
{
  GtkWidget *window = open_import ("broken.csv", broken_csv, "error");
  gint64 version = ts_backlog_store_get_version (store ());

  /* The row reads well; its state is what is wrong: "not valid", not
   * "cannot be read", which would blame the file's encoding. */
  g_assert_nonnull (app_test_find_label (window, "Line 3 of the file is not valid. "
                                                 "Nothing was imported."));
  g_assert_false (gtk_widget_get_sensitive (app_test_find_button (window, "Import")));
  resize (window, 640, 760);
  app_test_screenshot (window, "app-import-error");
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (server_version (test), ==,
                   version);
}

static void
export (Test *test)
{
  g_autofree char *path = g_build_filename (app_test_home (), "Apollo.csv", NULL);
  g_autoptr(GFile) home = g_file_new_for_path (app_test_home ());
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *chooser = choose_from_menu ("Export as CSV…", NULL);

  /* Named after the project, saved where the person chose. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (chooser)), ==, "Export as CSV");
  g_assert_cmpstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser)), ==, "Apollo.csv");
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), home, &error));
  g_assert_no_error (error);
  app_test_settle (300);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  app_test_wait_until (toast_shown, (gpointer) "Saved “Apollo.csv”", 30, "the export");
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "Id,") || g_str_has_prefix (text, "\xEF\xBB\xBFId,"));
  g_assert_nonnull (strstr (text, "Landing gear"));
  g_assert_nonnull (strstr (text, "Cabin pressure"));
  g_assert_nonnull (strstr (text, "1005"));
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), 1100, 720);
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
  app_test_wait_until (project_ready, NULL, 60, "the empty project");
  set_dark (FALSE);

  preview (test);
  import (test);
  import_again (test);
  broken_file (test);
  export (test);

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
  /* Bob a member who never signs in. */
  app_test_seed_users (test.server, &test.ada_token, NULL);
  test.project_id = app_test_seed_team_project (test.server, test.ada_token,
                                                "{\"name\": \"Apollo\", \"iteration_length\": 1}");

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.ada_token);
  g_print ("ok - preview, import, the same file again, a broken file, export\n");
  return 0;
}
