/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Reports window (issue 19), on a project with five iterations of
 * real history on a real team server:
 *
 * - the velocity chart has a bar per done iteration with the points
 *   accepted in it, the overridden iteration marked, the planner's
 *   velocity beside them; the burn-up counts the current iteration's
 *   accepted points day by day against the points planned into it;
 * - arrow keys (real ones, through XTest) move the chart's highlight and
 *   its accessible description says the highlighted values;
 * - Show Table reveals the values as a table;
 * - PNG and SVG exports are written: a 960 × 540 PNG, an SVG that parses;
 *   Export Chart… saves through its dialog, the format by the name;
 * - another member's accept through REST reaches the open chart, a
 *   what-if velocity the velocity line;
 * - screenshots at 360 and 1,400 px, light and dark;
 * - Escape closes the window.
 *
 * The server stamps accepted_at with the moment of the acceptance, so the
 * history is made in two steps: the stories are accepted through REST,
 * then, with the server stopped, their accepted_at is moved back into
 * past iterations in its database, and the server is started again.
 *
 * Every day is counted from one "today", the UTC day the run starts on:
 * the history is laid out from it and the app plans as of it
 * (ts_backlog_store_set_today()). A run that crosses midnight UTC, once
 * seeded from the clock and planned from the clock again, saw the current
 * iteration begin four days ago instead of three and failed; now the only
 * day that follows the clock is the remote accept's, stamped by the
 * server, which the burn-up counts as today's. */

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <X11/extensions/XTest.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-chart.h"
#include "ts-project-view-private.h"
#include "ts-reports-window.h"
#include "ts-window.h"

/* The project starts 38 days ago in one-week iterations: five are done
 * and the current one began three days ago. */
#define DAYS_SINCE_START 38

typedef struct {
  TestServer *server;
  char *ada_token;
  char *bob_token;
  gint64 project_id;
  gint64 delivered_id;
  gint64 schooner_id;
  gint64 schooner_story_id;
  char *folder;
  GDateTime *today;  /* midnight UTC of the day the run started on */
} Test;

typedef struct {
  const char *title;
  int points;
  int iteration;   /* accepted in it; 0: not accepted */
  int day;         /* the day of that iteration it was accepted on */
} Seeded;

static const Seeded seeded[] = {
  { "Lay the keel", 3, 1, 1 },
  { "Raise the frames", 2, 1, 4 },
  { "Plank the hull", 5, 2, 0 },
  { "Caulk the seams", 3, 2, 6 },
  { "Step the mast", 2, 3, 2 },
  { "Rig the shrouds", 8, 4, 1 },
  { "Bend the sails", 1, 4, 5 },
  { "Fit the rudder", 5, 5, 3 },
  { "Paint the name", 2, 5, 4 },
  { "Load the water", 3, 6, 0 },
  { "Load the biscuits", 2, 6, 2 },
};

/* Points accepted in iterations 1 to 5, and by the end of each day of
 * the current one so far (it started three days ago). */
static const guint done_points[] = { 5, 8, 2, 9, 7 };
static const int burnup_before[] = { 3, 3, 5, 5, -1, -1, -1 };

static Display *
x_display (void)
{
  return gdk_x11_display_get_xdisplay (gdk_display_get_default ());
}

static TsReportsWindow *
reports (void)
{
  return TS_REPORTS_WINDOW (app_test_find_window (TS_TYPE_REPORTS_WINDOW));
}

static gboolean
reports_closed (gpointer unused)
{
  return app_test_find_window (TS_TYPE_REPORTS_WINDOW) == NULL;
}

static guint
count_reports (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();
  guint count = 0;

  for (GList *l = windows; l != NULL; l = l->next)
    count += TS_IS_REPORTS_WINDOW (l->data);
  return count;
}

static TsChart *
chart (TsChartKind kind)
{
  return ts_reports_window_get_chart (reports (), kind);
}

static TsBacklogStore *
store (void)
{
  TsProjectView *view = app_test_project_view ();

  return view != NULL ? ts_project_view_get_store (view) : NULL;
}

static gboolean
project_open (gpointer user_data)
{
  TsBacklogStore *backlog = store ();

  return backlog != NULL && ts_backlog_store_get_status (backlog) == TS_BACKLOG_STORE_READY &&
         app_test_row_showing (user_data) != NULL;
}

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static void
painted_cb (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

static void
screenshot (const char *name)
{
  GtkWidget *window = GTK_WIDGET (reports ());
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gboolean painted = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);

  gtk_widget_queue_draw (window);
  app_test_wait_until (flag_set, &painted, 10, "a painted frame");
  g_signal_handler_disconnect (clock, handler);
  app_test_screenshot (window, name);
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
set_width (int width)
{
  for (guint i = 0; i < 2; i++)
    {
      gtk_window_set_default_size (GTK_WINDOW (reports ()), width, 760);
      app_test_settle (500);
    }
}

/* Presses @keysym in the Reports window, as a person does. */
static void
press_key (KeySym keysym)
{
  Display *display = x_display ();
  GtkNative *native = GTK_NATIVE (reports ());
  KeyCode code = XKeysymToKeycode (display, keysym);

  g_assert_cmpint (code, !=, 0);
  XSetInputFocus (display, gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                  RevertToParent, CurrentTime);
  XFlush (display);
  app_test_settle (200);
  XTestFakeKeyEvent (display, code, True, CurrentTime);
  XTestFakeKeyEvent (display, code, False, CurrentTime);
  XFlush (display);
  app_test_settle (200);
}

/* Clicks @widget at (@x, @y) of its own, with a real pointer. */
static void
click_at (GtkWidget *widget,
          double     x,
          double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t point;
  double surface_x, surface_y;
  int root_x, root_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XTranslateCoordinates (x_display (), gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                         DefaultRootWindow (x_display ()), (int) (point.x + surface_x),
                         (int) (point.y + surface_y), &root_x, &root_y, &child);
  XTestFakeMotionEvent (x_display (), -1, root_x, root_y, CurrentTime);
  XTestFakeButtonEvent (x_display (), 1, True, CurrentTime);
  XTestFakeButtonEvent (x_display (), 1, False, CurrentTime);
  XFlush (x_display ());
  app_test_settle (300);
}

/* The series */

static void
check_velocity (void)
{
  const TsVelocitySeries *series = ts_chart_get_velocity (chart (TS_CHART_VELOCITY));
  TsPlan *plan = ts_backlog_store_get_plan (store ());

  g_assert_nonnull (series);
  g_assert_cmpuint (series->n_bars, ==, G_N_ELEMENTS (done_points));
  for (guint i = 0; i < series->n_bars; i++)
    {
      g_assert_cmpuint (series->bars[i].number, ==, i + 1);
      g_assert_cmpuint (series->bars[i].points, ==, done_points[i]);
      /* Iteration 2 had half the team. */
      g_assert_cmpint (series->bars[i].overridden, ==, i == 1);
    }
  g_assert_cmpfloat (series->bars[1].team_strength, ==, 0.5);
  g_assert_cmpfloat (series->velocity, ==, ts_plan_get_velocity (plan));
}

static gboolean
burnup_is (gpointer user_data)
{
  const int *expected = user_data;
  const TsBurnupSeries *series = ts_chart_get_burnup (chart (TS_CHART_BURNUP));

  if (series == NULL || series->n_days != 7)
    return FALSE;
  for (guint i = 0; i < series->n_days; i++)
    if (series->days[i].accepted != expected[i])
      return FALSE;
  return TRUE;
}

static void
check_burnup (void)
{
  const TsBurnupSeries *series = ts_chart_get_burnup (chart (TS_CHART_BURNUP));
  TsPlan *plan = ts_backlog_store_get_plan (store ());

  g_assert_true (burnup_is ((gpointer) burnup_before));
  g_assert_cmpuint (series->iteration, ==, 6);
  /* 3 + 2 accepted and 5 delivered; the unstarted point does not fit a
   * velocity of 6. */
  g_assert_cmpuint (series->planned, ==, 10);
  g_assert_cmpuint (series->planned, ==, ts_plan_get_iteration (plan, 0)->points);
}

/* The keyboard and the accessible description */

static void
assert_description (TsChart *target)
{
  g_autofree char *description = ts_chart_dup_description (target);
  g_autofree char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (target),
                                                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                                   description);

  g_assert_null (mismatch);
}

static void
keyboard_highlight (void)
{
  TsChart *velocity = chart (TS_CHART_VELOCITY);
  g_autofree char *summary = NULL;
  g_autofree char *latest = NULL;
  g_autofree char *second = NULL;

  gtk_widget_grab_focus (GTK_WIDGET (velocity));
  app_test_settle (200);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (velocity)));
  g_assert_cmpint (ts_chart_get_highlight (velocity), ==, -1);
  summary = ts_chart_dup_description (velocity);
  assert_description (velocity);

  /* The first arrow lands on the latest iteration. */
  press_key (XK_Left);
  g_assert_cmpint (ts_chart_get_highlight (velocity), ==, 4);
  latest = ts_chart_dup_description (velocity);
  g_assert_cmpstr (latest, !=, summary);
  g_assert_nonnull (strstr (latest, "Iteration 5"));
  g_assert_nonnull (strstr (latest, "7 points accepted"));
  assert_description (velocity);

  press_key (XK_Home);
  g_assert_cmpint (ts_chart_get_highlight (velocity), ==, 0);
  press_key (XK_Right);
  g_assert_cmpint (ts_chart_get_highlight (velocity), ==, 1);
  second = ts_chart_dup_description (velocity);
  g_assert_nonnull (strstr (second, "Iteration 2"));
  g_assert_nonnull (strstr (second, "8 points accepted"));
  g_assert_nonnull (strstr (second, "team strength 50 %"));
  assert_description (velocity);
  press_key (XK_End);
  g_assert_cmpint (ts_chart_get_highlight (velocity), ==, 4);
  press_key (XK_Right);
  g_assert_cmpint (ts_chart_get_highlight (velocity), ==, 4);

  /* A click highlights the bar under it: the last near the right edge,
   * the first just right of the ticks. */
  press_key (XK_Home);
  click_at (GTK_WIDGET (velocity), gtk_widget_get_width (GTK_WIDGET (velocity)) - 12,
            gtk_widget_get_height (GTK_WIDGET (velocity)) / 2.0);
  g_assert_cmpint (ts_chart_get_highlight (velocity), ==, 4);
  click_at (GTK_WIDGET (velocity), 50, gtk_widget_get_height (GTK_WIDGET (velocity)) / 2.0);
  g_assert_cmpint (ts_chart_get_highlight (velocity), ==, 0);
  assert_description (velocity);
}

static void
burnup_keyboard (void)
{
  TsChart *burnup = chart (TS_CHART_BURNUP);
  g_autofree char *today = NULL;

  ts_reports_window_show_page (reports (), TS_CHART_BURNUP);
  app_test_settle (300);
  gtk_widget_grab_focus (GTK_WIDGET (burnup));
  app_test_settle (200);
  /* The first arrow lands on today, the latest day with data. */
  press_key (XK_Right);
  g_assert_cmpint (ts_chart_get_highlight (burnup), ==, 3);
  today = ts_chart_dup_description (burnup);
  g_assert_nonnull (strstr (today, "(today)"));
  g_assert_nonnull (strstr (today, "5 points accepted"));
  g_assert_nonnull (strstr (today, "of 10 points planned"));
  assert_description (burnup);
}

/* The table */

static void
table_shown (void)
{
  GtkWidget *window = GTK_WIDGET (reports ());
  GtkWidget *button;
  GtkWidget *override;
  GtkRevealer *revealer;

  ts_reports_window_show_page (reports (), TS_CHART_VELOCITY);
  app_test_settle (300);
  /* The table is hidden until asked for. */
  g_assert_null (app_test_find_label (window, "Team strength 50 %, 1 week"));

  button = app_test_find_button (window, "Show Table");
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  app_test_settle (600);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  /* Iteration 2's row says its override. */
  override = app_test_find_label (window, "Team strength 50 %, 1 week");
  g_assert_nonnull (override);
  revealer = GTK_REVEALER (gtk_widget_get_ancestor (override, GTK_TYPE_REVEALER));
  g_assert_true (gtk_revealer_get_child_revealed (revealer));
  g_assert_nonnull (app_test_find_label_containing (window, "Iteration 2, "));
}

/* Export */

static void
check_png (const char *path)
{
  int width = 0, height = 0;

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (gdk_pixbuf_get_file_info (path, &width, &height));
  g_assert_cmpint (width, ==, TS_CHART_EXPORT_WIDTH);
  g_assert_cmpint (height, ==, TS_CHART_EXPORT_HEIGHT);
}

static void
root_element_cb (GMarkupParseContext  *context,
                 const char           *element_name,
                 const char          **attribute_names,
                 const char          **attribute_values,
                 gpointer              user_data,
                 GError              **error)
{
  char **root = user_data;

  if (*root == NULL)
    *root = g_strdup (element_name);
}

static void
check_svg (const char *path)
{
  static const GMarkupParser parser = { root_element_cb, NULL, NULL, NULL, NULL };
  g_autofree char *contents = NULL;
  g_autofree char *root = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&parser, 0, &root, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error) &&
                 g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (root, ==, "svg");
  /* Drawn, not blank: the axis' title is in it as glyphs. */
  g_assert_cmpuint (length, >, 2000);
}

/* A copy of an export where the screenshots are, to be looked at. */
static void
keep_beside_screenshots (GFile      *file,
                         const char *name)
{
  const char *folder = g_getenv ("TRUESTORY_SCREENSHOTS");
  g_autofree char *kept_name = g_strconcat ("app-reports-export-", name, NULL);
  g_autofree char *path = NULL;
  g_autoptr(GFile) kept = NULL;
  g_autoptr(GError) error = NULL;

  if (folder == NULL)
    return;
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  path = g_build_filename (folder, kept_name, NULL);
  kept = g_file_new_for_path (path);
  g_assert_true (g_file_copy (file, kept, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
export (Test *test)
{
  for (TsChartKind kind = TS_CHART_VELOCITY; kind <= TS_CHART_BURNUP; kind++)
    {
      const char *name = kind == TS_CHART_VELOCITY ? "velocity" : "burn-up";
      g_autofree char *png_name = g_strconcat (name, ".png", NULL);
      g_autofree char *svg_name = g_strconcat (name, ".svg", NULL);
      g_autofree char *png = g_build_filename (test->folder, png_name, NULL);
      g_autofree char *svg = g_build_filename (test->folder, svg_name, NULL);
      g_autoptr(GFile) png_file = g_file_new_for_path (png);
      g_autoptr(GFile) svg_file = g_file_new_for_path (svg);
      g_autoptr(GFile) nowhere = g_file_new_for_path ("/nonexistent/folder/chart.png");
      g_autoptr(GError) error = NULL;

      g_assert_true (ts_chart_export (chart (kind), png_file, TS_CHART_EXPORT_PNG, &error));
      g_assert_no_error (error);
      g_assert_true (ts_chart_export (chart (kind), svg_file, TS_CHART_EXPORT_SVG, &error));
      g_assert_no_error (error);
      check_png (png);
      check_svg (svg);
      keep_beside_screenshots (png_file, png_name);
      keep_beside_screenshots (svg_file, svg_name);
      /* A folder that is not there: an error, nothing written. */
      g_assert_false (ts_chart_export (chart (kind), nowhere, TS_CHART_EXPORT_PNG, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    }
}

static gboolean
chooser_shown (gpointer unused)
{
  return app_test_window_shown (GSIZE_TO_POINTER (GTK_TYPE_FILE_CHOOSER_DIALOG));
}

static gboolean
file_written (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* Export Chart… as a person uses it: the save dialog (GTK's own, with no
 * portal here), a name ending in .svg, Export. The dialog opens on the
 * working folder, the test's: moving it elsewhere while it still reads
 * the first one makes GTK 4.8 report the cancelled read in a dialog. */
static void
export_from_button (Test *test)
{
  g_autofree char *path = g_build_filename (test->folder, "chosen.svg", NULL);
  g_autofree char *working = g_get_current_dir ();
  GtkWidget *button = app_test_find_button (GTK_WIDGET (reports ()), "Export Chart…");
  GtkWindow *dialog;

  g_assert_nonnull (button);
  g_assert_cmpint (g_chdir (test->folder), ==, 0);
  gtk_widget_activate (button);
  app_test_wait_until (chooser_shown, NULL, 10, "the Export Chart dialog");
  dialog = app_test_find_window (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Export Chart");
  {
    /* Named after the project, as Export as CSV… names its file. */
    g_autofree char *offered = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (dialog));

    g_assert_true (g_str_has_prefix (offered, "Clipper – "));
    g_assert_true (g_str_has_suffix (offered, ".png"));
  }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "chosen.svg");
  app_test_settle (300);
  gtk_widget_activate (app_test_find_button (GTK_WIDGET (dialog), "Export"));
  app_test_wait_until (file_written, path, 10, "the chosen file written");
  app_test_settle (200);
  g_assert_cmpint (g_chdir (working), ==, 0);
  check_svg (path);
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (reports ()), "Chart exported"));
  g_unlink (path);
}

/* Another member's accept */

static void
remote_accept (Test *test)
{
  static const int burnup_after[] = { 3, 3, 5, 10, -1, -1, -1 };
  g_autofree char *path = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/stories/%"
                                           G_GINT64_FORMAT, test->project_id, test->delivered_id);
  g_autoptr(TestResponse) response = NULL;
  TsChart *burnup = chart (TS_CHART_BURNUP);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (ts_chart_get_highlight (burnup), ==, 3);
  before = ts_chart_dup_description (burnup);
  response = test_request (test->server, "PATCH", path, test->bob_token,
                           "{\"state\": \"accepted\"}");
  g_assert_cmpint (response->status, ==, 200);
  app_test_wait_until (burnup_is, (gpointer) burnup_after, 10, "Bob's accept in the burn-up");
  /* The highlight stays on today and says the new count. */
  g_assert_cmpint (ts_chart_get_highlight (burnup), ==, 3);
  after = ts_chart_dup_description (burnup);
  g_assert_cmpstr (before, !=, after);
  g_assert_nonnull (strstr (after, "10 points accepted"));
  assert_description (burnup);
  /* A story accepted now stays in the current iteration: velocity as it was. */
  check_velocity ();
}

static gboolean
velocity_line_is (gpointer user_data)
{
  const TsVelocitySeries *series = ts_chart_get_velocity (chart (TS_CHART_VELOCITY));

  return series != NULL && series->velocity == *(double *) user_data;
}

/* The what-if velocity is the plan's: the line follows it, named so. */
static void
what_if_velocity (void)
{
  double what_if = 12.0;
  double planned = ts_plan_get_calculated_velocity (ts_backlog_store_get_plan (store ()));

  ts_reports_window_show_page (reports (), TS_CHART_VELOCITY);
  ts_backlog_store_set_velocity_override (store (), what_if);
  app_test_wait_until (velocity_line_is, &what_if, 10, "the what-if velocity's line");
  g_assert_true (ts_chart_get_velocity (chart (TS_CHART_VELOCITY))->what_if);
  app_test_settle (300);
  /* The table, shown since table_shown(), says it too. */
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (reports ()), "What-if velocity"));
  ts_backlog_store_set_velocity_override (store (), TS_VELOCITY_NOT_OVERRIDDEN);
  app_test_wait_until (velocity_line_is, &planned, 10, "the planned velocity's line again");
  check_velocity ();
}

static void
screenshots (void)
{
  static const int widths[] = { 1400, 360 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      set_width (widths[i]);
      for (TsChartKind kind = TS_CHART_VELOCITY; kind <= TS_CHART_BURNUP; kind++)
        {
          const char *name = kind == TS_CHART_VELOCITY ? "velocity" : "burnup";
          g_autofree char *light = g_strdup_printf ("app-reports-%s-%d-light", name, widths[i]);
          g_autofree char *dark = g_strdup_printf ("app-reports-%s-%d-dark", name, widths[i]);

          ts_reports_window_show_page (reports (), kind);
          app_test_settle (300);
          screenshot (light);
          set_dark (TRUE);
          screenshot (dark);
          set_dark (FALSE);
        }
    }
}

static gboolean
popover_mapped (gpointer popover)
{
  return gtk_widget_get_mapped (popover);
}

/* As a person opens it: the view menu's Reports. */
static void
open_from_view_menu (void)
{
  TsProjectView *view = app_test_project_view ();
  GtkMenuButton *menu_button = GTK_MENU_BUTTON (view->view_menu_button);
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (menu_button));
  GtkWidget *item;

  gtk_menu_button_popup (menu_button);
  app_test_wait_until (popover_mapped, popover, 10, "the view menu");
  app_test_settle (300);
  app_test_screenshot (popover, "app-reports-view-menu");
  item = app_test_find_label (popover, "Reports");
  g_assert_nonnull (item);
  item = gtk_widget_get_ancestor (item, g_type_from_name ("GtkModelButton"));
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_activate (item));
}

static void
run (Test *test)
{
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
  app_test_wait_until (project_open, (gpointer) "Load the tar", 30, "the project open");
  ts_backlog_store_set_today (store (), ts_day_from_ymd (g_date_time_get_year (test->today),
                                                         g_date_time_get_month (test->today),
                                                         g_date_time_get_day_of_month (test->today)));

  open_from_view_menu ();
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_REPORTS_WINDOW), 10,
                       "the Reports window");
  app_test_settle (300);
  /* Asked again, the open one comes forward: one per project. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()),
                                             "backlog.reports", NULL));
  app_test_settle (200);
  g_assert_cmpuint (count_reports (), ==, 1);
  check_velocity ();
  check_burnup ();
  keyboard_highlight ();
  table_shown ();
  export (test);
  export_from_button (test);
  burnup_keyboard ();
  remote_accept (test);
  what_if_velocity ();
  screenshots ();
  /* Escape closes it, as it closes the other secondary windows. */
  press_key (XK_Escape);
  app_test_wait_until (reports_closed, NULL, 10, "the Reports window closed");

  /* Another project opened: the window of the one closed goes. */
  open_from_view_menu ();
  app_test_wait_until (app_test_window_shown, GSIZE_TO_POINTER (TS_TYPE_REPORTS_WINDOW), 10,
                       "the Reports window again");
  ts_window_open_story (app_test_main_window (), test->schooner_id, test->schooner_story_id);
  app_test_wait_until (reports_closed, NULL, 10, "the Reports window closed with its project");
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (app_test_main_window ()), 1100, 720);
  run (test);
  gtk_window_destroy (GTK_WINDOW (app_test_main_window ()));
  g_application_quit (app);
}

/* Seeding */

static gint64
create_story (Test       *test,
              const char *title,
              const char *state,
              int         estimate)
{
  g_autofree char *body = g_strdup_printf ("{\"title\": \"%s\", \"type\": \"feature\", "
                                           "\"state\": \"%s\", \"estimate\": %d}",
                                           title, state, estimate);

  return test_server_create_story (test->server, test->ada_token, test->project_id, body);
}

/* Moves a story's acceptance to noon UTC of @days_ago days before the
 * run's today, in the stopped server's database. */
static void
backdate (Test    *test,
          sqlite3 *db,
          gint64   story_id,
          int      days_ago)
{
  g_autoptr(GDateTime) day = g_date_time_add_days (test->today, -days_ago);
  g_autoptr(GDateTime) noon = g_date_time_add_hours (day, 12);
  g_autofree char *at = ts_timestamp_to_string (noon);
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE stories SET json = json_set (json, "
                                       "'$.accepted_at', ?) WHERE id = ?", -1, &statement,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (statement, 2, story_id);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (statement);
}

static void
seed (Test *test)
{
  g_autoptr(GDateTime) start = g_date_time_add_days (test->today, -DAYS_SINCE_START);
  g_autofree char *start_date = g_date_time_format (start, "%Y-%m-%d");
  g_autofree char *body = NULL;
  g_autofree char *database = NULL;
  g_autofree char *override = NULL;
  g_autoptr(TestResponse) response = NULL;
  gint64 ids[G_N_ELEMENTS (seeded)];
  sqlite3 *db = NULL;

  app_test_seed_users (test->server, &test->ada_token, &test->bob_token);
  body = g_strdup_printf ("{\"name\": \"Clipper\", \"iteration_length\": 1, "
                          "\"initial_velocity\": 5, \"time_zone\": \"UTC\", "
                          "\"start_date\": \"%s\"}", start_date);
  test->project_id = app_test_seed_team_project (test->server, test->ada_token, body);

  for (guint i = 0; i < G_N_ELEMENTS (seeded); i++)
    ids[i] = create_story (test, seeded[i].title, "accepted", seeded[i].points);
  test->delivered_id = create_story (test, "Rig the mainsail", "delivered", 5);
  create_story (test, "Load the tar", "unstarted", 1);

  /* A second project, after Clipper in the sidebar. */
  test->schooner_id = app_test_seed_project_named (test->server, test->ada_token, "Schooner");
  test->schooner_story_id = test_server_create_story (test->server, test->ada_token,
                                                      test->schooner_id,
                                                      "{\"title\": \"Scrape the hull\"}");

  override = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT "/iterations/2",
                              test->project_id);
  response = test_request (test->server, "PUT", override, test->ada_token,
                           "{\"team_strength\": 0.5}");
  g_assert_cmpint (response->status, ==, 200);

  test_server_terminate (test->server);
  database = g_build_filename (test->server->data_dir, "truestory.db", NULL);
  g_assert_cmpint (sqlite3_open (database, &db), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (seeded); i++)
    backdate (test, db, ids[i], DAYS_SINCE_START - 7 * (seeded[i].iteration - 1) - seeded[i].day);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  test_server_restart (test->server);
}

int
main (int   argc,
      char *argv[])
{
  Test test = { NULL };
  g_autoptr(TsApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  if (app_test_no_display ())
    return 77;

  app_test_isolate ();
  /* The suite runs without accessibility (GTK_A11Y=none): GTK's test
   * backend keeps the accessible properties to check, on no bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  test.folder = g_dir_make_tmp ("truestory-reports-XXXXXX", &error);
  g_assert_no_error (error);
  test.server = test_server_start (NULL);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    test.today = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                                      g_date_time_get_day_of_month (now), 0, 0, 0);
  }
  seed (&test);

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  for (guint i = 0; i < 4; i++)
    {
      const char *names[] = { "velocity.png", "velocity.svg", "burn-up.png", "burn-up.svg" };
      g_autofree char *path = g_build_filename (test.folder, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (test.folder);
  g_free (test.folder);
  g_free (test.ada_token);
  g_free (test.bob_token);
  g_date_time_unref (test.today);
  g_print ("ok - velocity and burn-up from real history, keys, table, exports, a remote accept\n");
  return 0;
}
