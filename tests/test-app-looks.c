/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What a planner sees (issue 14), against a real team server:
 *
 * - each state has a look: started, finished, delivered, rejected and
 *   accepted rows carry their own class, say their state in a badge (not
 *   colour alone) whose text keeps 4.5:1 in light and dark style, and
 *   read it to assistive technologies, and its stripe runs straight to
 *   the row's corners; unstarted and Icebox rows are plain;
 * - "7 of 5 points" is explained where the number is, in the current
 *   iteration and in a later one that capacity carried over to: the
 *   points' tooltip and description, and an info button's popover, the
 *   button no taller than the header's text;
 * - the undo toast of a delete stays 10 s;
 * - the what-if velocity is reachable at 360 px and changes the plan;
 * - a narrow window's Done panel says what comes there while it holds
 *   nothing, still after a story is accepted in the current iteration,
 *   and shows the story once that iteration ends;
 * - at 360 px an iteration's header keeps its title and dates whole
 *   (stacked), beside its points and the capacity note;
 * - a narrow window's Backlog panel, when every planned story fits in
 *   Current, says so rather than show a blank page;
 * - each panel's estimates make a column (a slot after the type icon, the
 *   same x in every row, whatever follows the title), wide, at 360 px and
 *   in right-to-left text, mirrored;
 * - screenshots at 360 and 1,400 px, light and dark (the 360 px Icebox
 *   too), and right-to-left. */

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-capacity-note.h"
#include "ts-project-view-private.h"
#include "ts-story-line.h"
#include "ts-story-names.h"
#include "ts-window.h"

typedef struct {
  TestServer *server;
  char *ada_token;
  gint64 project_id;
  gint64 started_id;
  gint64 delivered_id;
  gint64 galley_id;
} Test;

typedef struct {
  const char *title;
  TsStoryState state;
  int points;
} Shown;

/* One story in each state; Current takes the work under way (6 points
 * against a capacity of 5), then the galley (3) lands in iteration 2, the
 * crew (3) in 3 and the course (8) in 5: 8 of 5 points, capacity carried
 * over from an empty iteration 4. */
static const Shown rows[] = {
  { "Wire the pumps", TS_STORY_STATE_STARTED, 2 },
  { "Paint the hull", TS_STORY_STATE_FINISHED, 1 },
  { "Fit the sails", TS_STORY_STATE_DELIVERED, 2 },
  { "Tar the deck", TS_STORY_STATE_REJECTED, 1 },
  { "Stock the galley", TS_STORY_STATE_UNSTARTED, 3 },
  { "Build a lighthouse", TS_STORY_STATE_UNSCHEDULED, 1 },
};

/* Whether the window is narrow: rows are compact. */
static gboolean compact;

static const char * const state_classes[] = {
  "state-unscheduled", "state-unstarted", "state-started", "state-finished",
  "state-delivered", "state-rejected", "state-accepted",
};

static GtkWidget *
window (void)
{
  return GTK_WIDGET (app_test_main_window ());
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

/* A screenshot of a frame that was laid out and painted. */
static void
screenshot (const char *name)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window ());
  gboolean painted = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);

  gtk_widget_queue_draw (window ());
  app_test_wait_until (flag_set, &painted, 10, "a painted frame");
  g_signal_handler_disconnect (clock, handler);
  app_test_screenshot (window (), name);
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  app_test_settle (300);
}

/* A widget under @root that is a @type with the CSS class @css_class. */
static GtkWidget *
find_classed (GtkWidget  *root,
              GType       type,
              const char *css_class)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_has_css_class (root, css_class))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_classed (child, type, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A row in either list of the view (wide, the Icebox has its own). */
static GtkWidget *
row_showing (gpointer title)
{
  GtkWidget *line = app_test_find_label (GTK_WIDGET (app_test_project_view ()), title);

  return line != NULL ? gtk_widget_get_ancestor (line, TS_TYPE_BACKLOG_ROW) : NULL;
}

static gboolean
row_shown (gpointer title)
{
  return row_showing (title) != NULL;
}

static GtkWidget *
expect_row (const char *title)
{
  app_test_wait_until (row_shown, (gpointer) title, 30, title);
  return row_showing ((gpointer) title);
}

/* Colours and contrast (WCAG 2) */

static double
channel_luminance (double value)
{
  return value <= 0.03928 ? value / 12.92 : pow ((value + 0.055) / 1.055, 2.4);
}

static double
luminance (const GdkRGBA *color)
{
  return 0.2126 * channel_luminance (color->red) + 0.7152 * channel_luminance (color->green) +
         0.0722 * channel_luminance (color->blue);
}

static GdkRGBA
over (const GdkRGBA *top,
      double         alpha,
      const GdkRGBA *bottom)
{
  double a = top->alpha * alpha;

  return (GdkRGBA) { top->red * a + bottom->red * (1 - a), top->green * a + bottom->green * (1 - a),
                     top->blue * a + bottom->blue * (1 - a), 1 };
}

static double
contrast (const GdkRGBA *a,
          const GdkRGBA *b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
/* The badge's text against its background (its own colour at 12% over
 * the list's), on the window's and the view's background alike. */
static double
badge_contrast (GtkWidget *badge)
{
  GtkStyleContext *context = gtk_widget_get_style_context (badge);
  const char *backgrounds[] = { "window_bg_color", "view_bg_color" };
  double worst = G_MAXDOUBLE;
  GdkRGBA text;

  gtk_style_context_get_color (context, &text);
  for (guint i = 0; i < G_N_ELEMENTS (backgrounds); i++)
    {
      GdkRGBA base, pill, shown_text;

      g_assert_true (gtk_style_context_lookup_color (context, backgrounds[i], &base));
      pill = over (&text, 0.12, &base);
      shown_text = over (&text, 1, &pill);
      worst = MIN (worst, contrast (&shown_text, &pill));
    }
  return worst;
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* Each state's look */

static GtkWidget *
story_box (GtkWidget *row)
{
  return find_classed (row, GTK_TYPE_BOX, "backlog-story");
}

static GtkWidget *
row_badge (GtkWidget *row)
{
  GtkWidget *badge = find_classed (row, GTK_TYPE_BOX, "state-badge");

  return badge != NULL && gtk_widget_get_parent (badge) != NULL && gtk_widget_get_mapped (badge)
         ? badge : NULL;
}

static GtkWidget *
badge_word (GtkWidget *badge)
{
  return app_test_find_descendant (badge, GTK_TYPE_LABEL);
}

static const char *
badge_icon (GtkWidget *badge)
{
  return gtk_image_get_icon_name (GTK_IMAGE (app_test_find_descendant (badge, GTK_TYPE_IMAGE)));
}

/* The state's stripe runs straight down the row's start, its corners
 * included: the pixel at the top of the stripe is the one at its middle. */
static gboolean
laid_out (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_height (widget) > 8;
}

static void
assert_straight_stripe (GtkWidget *box)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (box);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  int width = gtk_widget_get_width (box);
  int height = gtk_widget_get_height (box);
  gsize stride;

  app_test_wait_until (laid_out, box, 10, "the row laid out");
  width = gtk_widget_get_width (box);
  height = gtk_widget_get_height (box);
  stride = (gsize) width * 4;
  /* As app_test_screenshot(): a row between a layout and its next paint
   * has nothing to show yet. */
  for (guint attempt = 0; node == NULL && attempt < 200; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      app_test_settle (10);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (box)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  pixels = g_malloc (stride * (gsize) height);
  gdk_texture_download (texture, pixels, stride);
  /* x = 1, inside the 4 px stripe: its top, middle and bottom. */
  g_assert_cmpmem (pixels + 4, 4, pixels + stride * (gsize) (height / 2) + 4, 4);
  g_assert_cmpmem (pixels + stride * (gsize) (height - 1) + 4, 4,
                   pixels + stride * (gsize) (height / 2) + 4, 4);
}

static void
assert_look (const char   *title,
             TsStoryState  state,
             int           points)
{
  GtkWidget *row = expect_row (title);
  GtkWidget *box = story_box (row);
  GtkWidget *badge = row_badge (row);
  GtkWidget *line = app_test_find_descendant (row, TS_TYPE_STORY_LINE);
  g_autofree char *description = NULL;
  char *failure;

  /* Its own class, and none of the others'. */
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    g_assert_cmpint (gtk_widget_has_css_class (box, state_classes[i]), ==, i == state);

  /* A word beside the colour, for work under way and accepted work. */
  if (state == TS_STORY_STATE_UNSTARTED || state == TS_STORY_STATE_UNSCHEDULED)
    g_assert_null (badge);
  else
    {
      double light, dark;

      g_assert_nonnull (badge);
      g_assert_nonnull (badge_icon (badge));
      assert_straight_stripe (box);
      if (compact)
        {
          /* Narrow, the icon alone; its name as tooltip and description. */
          failure = gtk_test_accessible_check_property (GTK_ACCESSIBLE (badge),
                                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                        ts_story_state_display_name (state));
          if (failure != NULL)
            g_error ("“%s”'s badge: %s", title, failure);
          g_assert_false (gtk_widget_get_mapped (badge_word (badge)));
          g_assert_true (gtk_widget_get_has_tooltip (badge));
        }
      else
        {
          g_assert_true (gtk_widget_get_mapped (badge_word (badge)));
          g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (badge_word (badge))), ==,
                           ts_story_state_display_name (state));
        }
      set_dark (FALSE);
      light = badge_contrast (badge);
      set_dark (TRUE);
      dark = badge_contrast (badge);
      set_dark (FALSE);
      if (light < 4.5 || dark < 4.5)
        g_error ("“%s”: its badge's text is %.2f:1 in light style, %.2f:1 in dark", title, light,
                 dark);
    }

  /* Assistive technologies hear the type, then the state. */
  description = g_strdup_printf ("Feature, %s, %d %s", ts_story_state_display_name (state), points,
                                 points == 1 ? "point" : "points");
  failure = gtk_test_accessible_check_property (GTK_ACCESSIBLE (line),
                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description);
  if (failure != NULL)
    g_error ("“%s”: %s", title, failure);
}

static void
state_looks (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    assert_look (rows[i].title, rows[i].state, rows[i].points);

  /* Each state's icon is a shape of its own. */
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    for (guint j = 0; j < i; j++)
      {
        GtkWidget *a = row_badge (expect_row (rows[i].title));
        GtkWidget *b = row_badge (expect_row (rows[j].title));

        if (a != NULL && b != NULL)
          g_assert_cmpstr (badge_icon (a), !=, badge_icon (b));
      }
}

/* The estimates make a column in each panel: the started, finished,
 * delivered and rejected rows' badges and buttons differ in width, and so
 * do the Icebox's rows (an unestimated feature's Estimate button, a bug, a
 * release). */
static void
estimates_in_column (void)
{
  guint pills;

  app_test_settle (300);
  pills = app_test_assert_estimates_in_column (window ());
  g_print ("# estimates in a column: %u pills compared (%s)\n", pills, compact ? "360 px" : "wide");
  g_assert_cmpuint (pills, >=, 3);
}

/* The slot is at the line's start, beside the type icon: the left in
 * left-to-right text, the right in right-to-left, where it is mirrored. */
static void
assert_slot_at_start (GtkWidget       *line,
                      GtkTextDirection direction)
{
  graphene_rect_t area;
  int width = gtk_widget_get_width (line);

  ts_story_line_get_estimate_area (TS_STORY_LINE (line), &area);
  if (direction == GTK_TEXT_DIR_RTL)
    g_assert_cmpfloat (area.origin.x, >, width / 2.0);
  else
    g_assert_cmpfloat (area.origin.x + area.size.width, <, width / 2.0);
}

static void
estimates_right_to_left (void)
{
  GtkWidget *line = app_test_find_descendant (expect_row ("Wire the pumps"), TS_TYPE_STORY_LINE);

  assert_slot_at_start (line, GTK_TEXT_DIR_LTR);
  gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
  app_test_settle (300);
  assert_slot_at_start (line, GTK_TEXT_DIR_RTL);
  g_assert_cmpuint (app_test_assert_estimates_in_column (window ()), >=, 3);
  screenshot ("app-looks-1400-rtl");
  gtk_widget_set_default_direction (GTK_TEXT_DIR_LTR);
  app_test_settle (300);
  assert_slot_at_start (line, GTK_TEXT_DIR_LTR);
}

/* "N of M points" explained */

static GtkWidget *
header_with_points (const char *points)
{
  GtkWidget *list = GTK_WIDGET (ts_project_view_get_list_view (app_test_project_view ()));
  GtkWidget *label = app_test_find_label (list, points);

  if (label == NULL)
    g_error ("no header says “%s”", points);
  return gtk_widget_get_parent (label);
}

static gboolean
popover_says (gpointer user_data)
{
  GtkWidget *button = user_data;
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover)) &&
         app_test_find_label (GTK_WIDGET (popover),
                              ts_capacity_note_button_get (button)) != NULL;
}

static void
assert_explained (const char *points,
                  const char *why)
{
  GtkWidget *header = header_with_points (points);
  GtkWidget *label = app_test_find_label (header, points);
  GtkWidget *button = find_classed (header, GTK_TYPE_MENU_BUTTON, "capacity-note");
  const char *note;
  char *failure;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  note = ts_capacity_note_button_get (button);
  g_assert_nonnull (strstr (note, why));
  /* The number's own description says it, as its tooltip does. */
  failure = gtk_test_accessible_check_property (GTK_ACCESSIBLE (label),
                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, note);
  if (failure != NULL)
    g_error ("“%s”: %s", points, failure);
  failure = gtk_test_accessible_check_property (GTK_ACCESSIBLE (button),
                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, note);
  if (failure != NULL)
    g_error ("“%s”'s button: %s", points, failure);
  g_assert_true (gtk_widget_get_has_tooltip (label));

  /* The keyboard's way: the button opens a popover that says it. */
  g_assert_true (gtk_widget_get_focusable (gtk_widget_get_first_child (button)));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  app_test_wait_until (popover_says, button, 10, "the note's popover");
  app_test_settle (200);
}

static void
capacity_explained (void)
{
  GtkWidget *fitting = header_with_points ("3 of 5 points");
  GtkWidget *button = find_classed (fitting, GTK_TYPE_MENU_BUTTON, "capacity-note");
  GtkPopover *popover;

  /* An iteration within its capacity has nothing to explain. */
  g_assert_true (button == NULL || !gtk_widget_get_visible (button));

  assert_explained ("6 of 5 points", "Work under way");
  button = find_classed (header_with_points ("6 of 5 points"), GTK_TYPE_MENU_BUTTON,
                         "capacity-note");
  /* Its button does not make the header taller than one with nothing to
   * explain: titles stay in line (the Icebox's, in the column beside). */
  g_assert_cmpint (gtk_widget_get_height (header_with_points ("6 of 5 points")), ==,
                   gtk_widget_get_height (fitting));
  screenshot ("app-looks-capacity-note-current");
  app_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                       "app-looks-capacity-note-current-popover");
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  gtk_popover_popdown (popover);
  app_test_settle (300);

  assert_explained ("8 of 5 points", "carry over");
  button = find_classed (header_with_points ("8 of 5 points"), GTK_TYPE_MENU_BUTTON,
                         "capacity-note");
  screenshot ("app-looks-capacity-note-carried");
  app_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                       "app-looks-capacity-note-carried-popover");
  gtk_popover_popdown (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  app_test_settle (300);
}

/* The undo toast */

static void
undo_toast (Test *test)
{
  TsProjectView *view = app_test_project_view ();
  AdwToast *toast;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "backlog.delete", "x",
                                             test->galley_id));
  toast = g_hash_table_lookup (view->delete_toasts, &test->galley_id);
  g_assert_nonnull (toast);
  g_object_ref (toast);
  /* Long enough to read and reach: twice libadwaita's 5 s. */
  g_assert_cmpuint (adw_toast_get_timeout (toast), ==, 10);
  g_assert_cmpuint (adw_toast_get_timeout (toast), ==, UNDO_TOAST_TIMEOUT_S);
  app_test_settle (700);
  screenshot ("app-looks-undo-toast");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "backlog.undo-delete", "x",
                                             test->galley_id));
  /* Its button would have closed it. */
  adw_toast_dismiss (toast);
  g_object_unref (toast);
  app_test_settle (700);
  expect_row ("Stock the galley");
}

/* The what-if velocity of a narrow window */

static gboolean
popover_mapped (gpointer user_data)
{
  GtkPopover *popover = user_data;

  return gtk_widget_get_mapped (GTK_WIDGET (popover));
}

static gboolean
current_holds (gpointer user_data)
{
  TsPlan *plan = ts_backlog_store_get_plan (store ());

  return plan != NULL && ts_plan_find_story (plan, *(gint64 *) user_data) ==
                         ts_plan_get_current_iteration (plan);
}

static GAction *
what_if_action (TsProjectView *view)
{
  return g_action_map_lookup_action (G_ACTION_MAP (view->actions), "what-if-velocity");
}

static void
narrow_velocity (Test *test)
{
  TsProjectView *view = app_test_project_view ();
  GtkMenuButton *menu_button = GTK_MENU_BUTTON (view->view_menu_button);
  GtkPopover *velocity = gtk_menu_button_get_popover (GTK_MENU_BUTTON (view->velocity_button));
  GtkWidget *item;

  /* The header has no room for the velocity. */
  g_assert_false (gtk_widget_get_mapped (view->velocity_button));
  g_assert_false (current_holds (&test->galley_id));

  /* The view menu has it. */
  gtk_menu_button_popup (menu_button);
  app_test_wait_until (popover_mapped, gtk_menu_button_get_popover (menu_button), 10,
                       "the view menu");
  app_test_settle (300);
  app_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (menu_button)),
                       "app-looks-360-view-menu");
  item = app_test_find_label (GTK_WIDGET (gtk_menu_button_get_popover (menu_button)),
                              "What-If Velocity…");
  g_assert_nonnull (item);
  item = gtk_widget_get_ancestor (item, g_type_from_name ("GtkModelButton"));
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_activate (item));

  /* Its popover opens from the menu's button, and changes the plan. */
  app_test_wait_until (popover_mapped, velocity, 10, "the what-if velocity");
  g_assert_true (gtk_widget_get_parent (GTK_WIDGET (velocity)) == view->view_menu_button);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (view->velocity_spin), 10);
  app_test_wait_until (current_holds, &test->galley_id, 10, "the galley in Current");
  app_test_settle (300);
  screenshot ("app-looks-360-what-if-velocity");
  app_test_screenshot (GTK_WIDGET (velocity), "app-looks-360-what-if-velocity-popover");

  /* Closed, it is the velocity button's again. */
  gtk_popover_popdown (velocity);
  app_test_settle (300);
  g_assert_true (gtk_menu_button_get_popover (GTK_MENU_BUTTON (view->velocity_button)) == velocity);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "backlog.velocity-reset", NULL));
  app_test_settle (300);
  g_assert_false (current_holds (&test->galley_id));
}

/* A narrow window's headers */

static gboolean
label_whole (GtkWidget *label)
{
  return gtk_widget_get_mapped (label) &&
         !pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label)));
}

static void
narrow_header_readable (void)
{
  GtkWidget *title = app_test_find_label (window (), "Current · Iteration 1");
  GtkWidget *dates;

  g_assert_nonnull (title);
  dates = gtk_widget_get_next_sibling (title);
  g_assert_true (GTK_IS_LABEL (dates));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (dates)), !=, "");
  /* The iteration is over its capacity: the note's button is there too. */
  g_assert_true (gtk_widget_get_mapped (app_test_find_descendant (
    gtk_widget_get_ancestor (title, TS_TYPE_BACKLOG_ROW), GTK_TYPE_MENU_BUTTON)));
  g_assert_true (label_whole (title));
  g_assert_true (label_whole (dates));
}

/* The Backlog panel of a narrow window */

static gboolean
backlog_empty_shown (gpointer user_data)
{
  GtkWidget *label = app_test_find_label (window (), "Everything Fits in Current");
  gboolean shown = label != NULL && gtk_widget_get_mapped (label);

  return shown == GPOINTER_TO_INT (user_data);
}

static void
backlog_panel (Test *test)
{
  TsProjectView *view = app_test_project_view ();

  /* The galley and two more are planned past Current: the panel lists them. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "backlog.panel", "i", 2));
  app_test_settle (300);
  g_assert_true (backlog_empty_shown (GINT_TO_POINTER (FALSE)));
  expect_row ("Stock the galley");

  /* At a velocity that fits the whole plan in Current, it lists nothing,
   * and says why instead of showing a blank page. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (view->velocity_spin), 40);
  app_test_wait_until (current_holds, &test->galley_id, 10, "the galley in Current");
  app_test_wait_until (backlog_empty_shown, GINT_TO_POINTER (TRUE), 10, "the Backlog's empty state");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (view->model)), ==, 0);
  screenshot ("app-looks-360-backlog-empty-light");
  set_dark (TRUE);
  screenshot ("app-looks-360-backlog-empty-dark");
  set_dark (FALSE);

  /* Back at the team's velocity, the stories are listed again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "backlog.velocity-reset", NULL));
  app_test_wait_until (backlog_empty_shown, GINT_TO_POINTER (FALSE), 10, "the Backlog listed");
  app_test_settle (300);
  expect_row ("Stock the galley");
}

/* The Done panel of a narrow window */

static gboolean
done_empty_shown (gpointer user_data)
{
  GtkWidget *label = app_test_find_label (window (), "Nothing Done Yet");
  gboolean shown = label != NULL && gtk_widget_get_mapped (label);

  return shown == GPOINTER_TO_INT (user_data);
}

static gboolean
state_is (gpointer user_data)
{
  gint64 *args = user_data;
  TsStory *story = ts_backlog_store_lookup (store (), args[0]);

  return story != NULL && ts_story_get_state (story) == args[1] &&
         ts_backlog_store_get_n_pending_edits (store ()) == 0;
}

/* A narrow window's Icebox panel: an estimated feature's pill, and the
 * empty slots of an unestimated feature (with its Estimate button), a bug
 * and a release, all in one column. */
static void
icebox_panel (void)
{
  GtkWidget *estimate;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()), "backlog.panel",
                                             "i", 3));
  expect_row ("Maiden voyage");
  app_test_settle (300);
  estimate = app_test_find_descendant (expect_row ("Survey the reef"), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (estimate);
  g_assert_true (gtk_widget_get_mapped (estimate));
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (estimate)), ==, "Estimate");
  app_test_assert_estimates_in_column (window ());
  screenshot ("app-looks-360-icebox-light");
  set_dark (TRUE);
  screenshot ("app-looks-360-icebox-dark");
  set_dark (FALSE);
}

static void
done_panel (Test *test)
{
  GtkWidget *view = GTK_WIDGET (app_test_project_view ());
  gint64 accepted[2] = { test->delivered_id, TS_STORY_STATE_ACCEPTED };
  TsDay today;

  g_assert_true (gtk_widget_activate_action (view, "backlog.panel", "i", 4));
  app_test_wait_until (done_empty_shown, GINT_TO_POINTER (TRUE), 10, "Done's empty state");
  screenshot ("app-looks-360-done-empty-light");
  set_dark (TRUE);
  screenshot ("app-looks-360-done-empty-dark");
  set_dark (FALSE);

  /* Accepted in the current iteration, it stays there until it ends. */
  g_assert_true (gtk_widget_activate_action (view, "backlog.set-state", "(xi)", test->delivered_id,
                                             (int) TS_STORY_STATE_ACCEPTED));
  app_test_wait_until (state_is, accepted, 30, "the sails accepted");
  app_test_settle (300);
  g_assert_true (done_empty_shown (GINT_TO_POINTER (TRUE)));

  /* A week on, its iteration is done: Done shows it, with its look. */
  today = ts_plan_get_today (ts_backlog_store_get_plan (store ()));
  ts_backlog_store_set_today (store (), today + 7);
  app_test_wait_until (done_empty_shown, GINT_TO_POINTER (FALSE), 10, "Done's empty state gone");
  assert_look ("Fit the sails", TS_STORY_STATE_ACCEPTED, 2);
  screenshot ("app-looks-360-done-light");
  set_dark (TRUE);
  screenshot ("app-looks-360-done-dark");
  set_dark (FALSE);
}

static void
run (Test *test)
{
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
  app_test_wait_until (project_open, (gpointer) "Wire the pumps", 30, "the project open");
  app_test_set_width (1400);
  app_test_settle (300);

  state_looks ();
  estimates_in_column ();
  estimates_right_to_left ();
  /* Wide, the velocity is in the header; the menu does not repeat it. */
  g_assert_false (g_action_get_enabled (what_if_action (app_test_project_view ())));
  screenshot ("app-looks-1400-light");
  set_dark (TRUE);
  screenshot ("app-looks-1400-dark");
  set_dark (FALSE);
  capacity_explained ();
  undo_toast (test);

  app_test_set_width (360);
  app_test_settle (600);
  compact = TRUE;
  adw_leaflet_navigate (ADW_LEAFLET (app_test_find_descendant (window (), ADW_TYPE_LEAFLET)),
                        ADW_NAVIGATION_DIRECTION_FORWARD);
  app_test_settle (600);
  screenshot ("app-looks-360-light");
  set_dark (TRUE);
  screenshot ("app-looks-360-dark");
  set_dark (FALSE);
  narrow_header_readable ();
  estimates_in_column ();
  g_assert_true (g_action_get_enabled (what_if_action (app_test_project_view ())));
  narrow_velocity (test);
  backlog_panel (test);
  icebox_panel ();
  done_panel (test);
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

static void
seed (Test *test)
{
  g_autofree char *body = app_test_weekly_project_body ("Clipper");

  test->ada_token = app_test_add_signed_in (test->server, &app_test_ada);
  test->project_id = test_server_create_project (test->server, test->ada_token, body);

  test->started_id = create_story (test, "Wire the pumps", "started", 2);
  create_story (test, "Paint the hull", "finished", 1);
  test->delivered_id = create_story (test, "Fit the sails", "delivered", 2);
  create_story (test, "Tar the deck", "rejected", 1);
  test->galley_id = create_story (test, "Stock the galley", "unstarted", 3);
  create_story (test, "Hire the crew", "unstarted", 3);
  create_story (test, "Chart the course", "unstarted", 8);
  create_story (test, "Build a lighthouse", "unscheduled", 1);
  /* The Icebox's rows with no estimate: a feature (its Estimate button),
   * a bug, a release. */
  test_server_create_story (test->server, test->ada_token, test->project_id,
                            "{\"title\": \"Survey the reef\", \"type\": \"feature\", "
                            "\"state\": \"unscheduled\"}");
  test_server_create_story (test->server, test->ada_token, test->project_id,
                            "{\"title\": \"Leaky bilge\", \"type\": \"bug\", "
                            "\"state\": \"unscheduled\"}");
  test_server_create_story (test->server, test->ada_token, test->project_id,
                            "{\"title\": \"Maiden voyage\", \"type\": \"release\", "
                            "\"state\": \"unscheduled\"}");
}

int
main (int   argc,
      char *argv[])
{
  Test test = { NULL };
  g_autoptr(TsApplication) app = NULL;

  if (app_test_no_display ())
    return 77;

  app_test_isolate ();
  /* The suite runs without accessibility (GTK_A11Y=none), which leaves
   * widgets no accessible properties to check: GTK's test backend keeps
   * them, and talks to no bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  test.server = test_server_start (NULL);
  seed (&test);

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.ada_token);
  g_print ("ok - state looks, capacity notes, undo toast, narrow velocity, the Backlog's and Done's empty states\n");
  return 0;
}
