/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The app follows the desktop's high-contrast and large-text settings
 * (issue 19), on a real team server:
 *
 * - high contrast (org.gnome.desktop.a11y.interface high-contrast, which
 *   libadwaita 1.2 reads through GSettings where no settings portal
 *   answers, as under Xvfb): AdwStyleManager turns it on, each state
 *   badge's text keeps 7:1 over its pill and each state's stripe 3:1
 *   against the row, in light and dark style;
 * - large text (GtkSettings:gtk-xft-dpi at 1.5 times 96 dpi, what GNOME's
 *   text-scaling-factor sets; no XSETTINGS daemon runs here): the rows'
 *   text grows with it and rows, badges and headers grow around it,
 *   nothing held to a size in pixels;
 * - screenshots of both at 1,400 px (Reports too, in high contrast), and
 *   of large text at 360 px, in
 *   build/tests/screenshots. */

#include <adwaita.h>
#include <math.h>

#include "server-harness.h"
#include "test-app-harness.h"
#include "ts-application.h"
#include "ts-backlog-row.h"
#include "ts-reports-window.h"
#include "ts-story-line.h"

typedef struct {
  TestServer *server;
  char *token;
  gint64 project_id;
} Test;

static const struct {
  const char *title;
  const char *state;
  const char *css_class;
} stories[] = {
  { "Wire the pumps", "started", "state-started" },
  { "Paint the hull", "finished", "state-finished" },
  { "Fit the sails", "delivered", "state-delivered" },
  { "Tar the deck", "rejected", "state-rejected" },
};

static GtkWidget *
window (void)
{
  return GTK_WIDGET (app_test_main_window ());
}

static GtkWidget *
row_of (const char *title)
{
  return app_test_row_showing (title);
}

static GtkWidget *
expect_row (const char *title)
{
  app_test_wait_until (app_test_row_shown, (gpointer) title, 30, title);
  return app_test_row_showing (title);
}

static GtkWidget *
find_classed (GtkWidget  *root,
              const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_classed (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
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

static double
contrast (const GdkRGBA *a,
          const GdkRGBA *b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
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

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
/* The badge's text over its pill (its own colour at 12 % over the view). */
static double
badge_contrast (GtkWidget *badge)
{
  GtkStyleContext *context = gtk_widget_get_style_context (badge);
  GdkRGBA text, base, pill;

  gtk_style_context_get_color (context, &text);
  g_assert_true (gtk_style_context_lookup_color (context, "view_bg_color", &base));
  pill = over (&text, 0.12, &base);
  return contrast (&text, &pill);
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* The row as drawn: the stripe's pixel (x = 1, halfway down) against the
 * row's own background (the middle of its top padding). */
static double
stripe_contrast (GtkWidget *box)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (box);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  int width = 0, height = 0;
  gsize stride;
  guchar *stripe, *background;
  GdkRGBA stripe_color, background_color;

  for (guint attempt = 0; node == NULL && attempt < 200; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      app_test_settle (10);
      width = gtk_widget_get_width (box);
      height = gtk_widget_get_height (box);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  /* Over the view's background, as the list shows it. */
  {
    g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
    GdkRGBA base;

    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (box),
                                                   "view_bg_color", &base));
    G_GNUC_END_IGNORE_DEPRECATIONS
    gtk_snapshot_append_color (snapshot, &base, &GRAPHENE_RECT_INIT (0, 0, width, height));
    gtk_snapshot_append_node (snapshot, node);
    gsk_render_node_unref (node);
    node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (box)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  stride = (gsize) width * 4;
  pixels = g_malloc (stride * (gsize) height);
  gdk_texture_download (texture, pixels, stride);
  /* GDK_MEMORY_DEFAULT: B, G, R, A. */
  stripe = pixels + stride * (gsize) (height / 2) + 4;
  background = pixels + stride * 2 + (gsize) (width / 2) * 4;
  stripe_color = (GdkRGBA) { stripe[2] / 255.0, stripe[1] / 255.0, stripe[0] / 255.0, 1 };
  background_color = (GdkRGBA) { background[2] / 255.0, background[1] / 255.0,
                                 background[0] / 255.0, 1 };
  return contrast (&stripe_color, &background_color);
}

static void
assert_state_contrast (const char *style)
{
  for (guint i = 0; i < G_N_ELEMENTS (stories); i++)
    {
      GtkWidget *row = expect_row (stories[i].title);
      GtkWidget *box = find_classed (row, stories[i].css_class);
      GtkWidget *badge = find_classed (row, "state-badge");
      double text, stripe;

      g_assert_nonnull (box);
      g_assert_nonnull (badge);
      text = badge_contrast (badge);
      stripe = stripe_contrast (box);
      g_print ("# high contrast, %s: %s badge %.1f:1, stripe %.1f:1\n", style,
               stories[i].state, text, stripe);
      if (text < 7.0 || stripe < 3.0)
        g_error ("high contrast, %s: the %s badge's text is %.2f:1 (at least 7:1) and its "
                 "stripe %.2f:1 (at least 3:1)", style, stories[i].state, text, stripe);
    }
}

static gboolean
high_contrast_is (gpointer wanted)
{
  return adw_style_manager_get_high_contrast (adw_style_manager_get_default ()) ==
         GPOINTER_TO_INT (wanted);
}

static void
set_high_contrast (gboolean on)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.gnome.desktop.a11y.interface");

  g_settings_set_boolean (settings, "high-contrast", on);
  app_test_wait_until (high_contrast_is, GINT_TO_POINTER (on), 10,
                       "AdwStyleManager to follow the high-contrast setting");
  app_test_settle (300);
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  app_test_settle (300);
}

/* Reports in high contrast, its burn-up with its table: looked at. */
static void
screenshot_reports (const char *name)
{
  GtkWindow *reports;
  GtkWidget *table_button;

  gtk_widget_activate_action (GTK_WIDGET (app_test_project_view ()), "backlog.reports", NULL);
  app_test_wait_until (app_test_window_shown, (gpointer) TS_TYPE_REPORTS_WINDOW, 10, "Reports");
  reports = app_test_find_window (TS_TYPE_REPORTS_WINDOW);
  table_button = app_test_find_button (GTK_WIDGET (reports), "Show Table");
  g_assert_nonnull (table_button);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (table_button), TRUE);
  app_test_settle (500);
  app_test_screenshot (GTK_WIDGET (reports), name);
  gtk_window_destroy (reports);
}

static void
check_high_contrast (void)
{
  set_high_contrast (TRUE);
  set_dark (FALSE);
  assert_state_contrast ("light");
  app_test_screenshot (window (), "a11y-high-contrast-1400");
  screenshot_reports ("a11y-high-contrast-reports");
  set_dark (TRUE);
  assert_state_contrast ("dark");
  app_test_screenshot (window (), "a11y-high-contrast-dark-1400");
  set_dark (FALSE);
  set_high_contrast (FALSE);
}

/* Large text */

/* A text's height: the minimum it asks for, and what it was given. */
typedef struct {
  int minimum;
  int given;
} Height;

typedef struct {
  Height line;    /* a row's story line: type icon, title, estimate */
  Height badge;   /* its state badge's word */
  Height header;  /* the current iteration header's title */
  Height icon;    /* its state badge's icon */
  Height row;
} Heights;

static Height
height_of (GtkWidget *widget)
{
  Height height = { 0, gtk_widget_get_height (widget) };

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (widget),
                      &height.minimum, NULL, NULL, NULL);
  return height;
}

static Heights
heights (void)
{
  GtkWidget *row = row_of (stories[0].title);
  GtkWidget *badge = find_classed (row, "state-badge");

  return (Heights) {
    .line = height_of (app_test_find_descendant (row, TS_TYPE_STORY_LINE)),
    .badge = height_of (app_test_find_descendant (badge, GTK_TYPE_LABEL)),
    .header = height_of (app_test_find_label_containing (window (), "Current")),
    .icon = height_of (app_test_find_descendant (badge, GTK_TYPE_IMAGE)),
    .row = height_of (row),
  };
}

static gboolean
text_grew (gpointer before)
{
  return row_of (stories[0].title) != NULL &&
         heights ().line.minimum > ((Heights *) before)->line.minimum;
}

static gboolean
laid_out_again (gpointer unused)
{
  Heights now = heights ();

  return now.line.given >= now.line.minimum && now.badge.given >= now.badge.minimum &&
         now.header.given >= now.header.minimum && now.row.given >= now.row.minimum;
}

static gboolean
leaflet_still (gpointer unused)
{
  return !adw_leaflet_get_child_transition_running (
           ADW_LEAFLET (app_test_find_descendant (window (), ADW_TYPE_LEAFLET)));
}

static void
check_large_text (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  Heights normal, large;
  int dpi = 0;

  app_test_settle (300);
  normal = heights ();
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  /* GTK's X11 default without XSETTINGS is 96 dpi (in 1024ths). */
  g_object_set (settings, "gtk-xft-dpi", 96 * 1024 * 3 / 2, NULL);
  app_test_wait_until (text_grew, &normal, 10, "the rows' text to grow with gtk-xft-dpi");
  /* Nothing clipped: every text is given at least the height it asks. */
  app_test_wait_until (laid_out_again, NULL, 10, "the rows laid out around the larger text");
  large = heights ();
  g_print ("# large text (asked/given px): title %d/%d → %d/%d, badge %d/%d → %d/%d, "
           "header %d/%d → %d/%d, row %d/%d → %d/%d\n",
           normal.line.minimum, normal.line.given, large.line.minimum, large.line.given,
           normal.badge.minimum, normal.badge.given, large.badge.minimum, large.badge.given,
           normal.header.minimum, normal.header.given, large.header.minimum, large.header.given,
           normal.row.minimum, normal.row.given, large.row.minimum, large.row.given);
  /* The text is 1.5 times as large, the live rows' included. */
  g_assert_cmpfloat (large.line.minimum, >=, normal.line.minimum * 1.35);
  g_assert_cmpfloat (large.badge.minimum, >=, normal.badge.minimum * 1.35);
  g_assert_cmpfloat (large.header.minimum, >=, normal.header.minimum * 1.35);
  /* The badge's icon beside its word, not a fixed 12 px. */
  g_print ("# large text: badge icon %d → %d px\n", normal.icon.minimum, large.icon.minimum);
  g_assert_cmpfloat (large.icon.minimum, >=, normal.icon.minimum * 1.35);
  /* The estimates' slot grew with the text, in every row alike. */
  g_assert_cmpuint (app_test_assert_estimates_in_column (window ()), >=, 2);
  app_test_screenshot (window (), "a11y-large-text-1400");
  app_test_set_width (360);
  /* Folded, the window shows the projects: the backlog is one step on. */
  adw_leaflet_navigate (ADW_LEAFLET (app_test_find_descendant (window (), ADW_TYPE_LEAFLET)),
                        ADW_NAVIGATION_DIRECTION_FORWARD);
  app_test_wait_until (leaflet_still, NULL, 10, "the slide to the backlog");
  expect_row (stories[0].title);
  app_test_wait_until (laid_out_again, NULL, 10, "the narrow rows laid out");
  g_assert_cmpuint (app_test_assert_estimates_in_column (window ()), >=, 2);
  app_test_screenshot (window (), "a11y-large-text-360");
  g_object_set (settings, "gtk-xft-dpi", dpi > 0 ? dpi : 96 * 1024, NULL);
}

static void
activate_cb (GApplication *app,
             Test         *test)
{
  app_test_wait_until (app_test_main_window_shown, NULL, 30, "the window");
  gtk_window_set_default_size (GTK_WINDOW (window ()), 1400, 900);
  app_test_sign_in (test->server->base_url, "ada@example.org", "analytical");
  for (guint i = 0; i < G_N_ELEMENTS (stories); i++)
    expect_row (stories[i].title);
  check_high_contrast ();
  check_large_text ();
  gtk_window_destroy (GTK_WINDOW (window ()));
  g_application_quit (app);
}

static void
seed (Test *test)
{
  g_autofree char *body = NULL;

  test->token = app_test_add_signed_in (test->server, &app_test_ada);
  test->project_id = test_server_create_project (test->server, test->token,
                                                 "{\"name\": \"Clipper\", \"initial_velocity\": 10}");
  for (guint i = 0; i < G_N_ELEMENTS (stories); i++)
    {
      g_autofree char *story = g_strdup_printf ("{\"title\": \"%s\", \"type\": \"feature\", "
                                                "\"state\": \"%s\", \"estimate\": 1}",
                                                stories[i].title, stories[i].state);

      test_server_create_story (test->server, test->token, test->project_id, story);
    }
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
  test.server = test_server_start (NULL);
  seed (&test);

  app = ts_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  test_server_stop (test.server);
  app_test_cleanup ();
  g_free (test.token);
  g_print ("ok - high contrast and large text\n");
  return 0;
}
