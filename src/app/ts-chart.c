/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-chart"

#include "ts-chart.h"

#include <adwaita.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "ts-config.h"

/*
 * TsChart: one chart of the Reports view as one focusable widget. GTK 4.8
 * cannot expose drawn parts as accessible objects, so the keyboard moves
 * a highlighted bar or day (Left, Right, Home, End) and the widget's
 * accessible description says that point's exact values; its label says
 * what the chart is. ts_chart_draw() paints it, as it paints an export.
 *
 * Colours come from the style (light or dark, the accent colour through
 * `@accent_color`, as libadwaita 1.2 has no accent API) each time it is
 * drawn, so a change of style shows at the next frame.
 */

/* Wide, a chart is half as high as it is wide, up to MAX_HEIGHT; narrow,
 * never lower than MIN_HEIGHT, where the axes' labels still fit. */
#define MIN_WIDTH 240
#define MIN_HEIGHT 300
#define MAX_HEIGHT 440
#define NATURAL_WIDTH 640

struct _TsChart
{
  GtkWidget parent_instance;

  TsVelocitySeries *velocity;
  TsBurnupSeries *burnup;
  TsChartData data;
  char *export_title;
  /* The plot's slots as last drawn, for a click. */
  double plot_left;
  double plot_right;
};

G_DEFINE_FINAL_TYPE (TsChart, ts_chart, GTK_TYPE_WIDGET)

/* The look */

static void
lookup_colour (GtkWidget  *widget,
               const char *name,
               GdkRGBA    *colour)
{
  /* Deprecated in GTK 4.10 with no replacement for named colours; 4.8
   * is what this is written for (libadwaita 1.2 has no accent API). */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  if (!gtk_style_context_lookup_color (context, name, colour))
    gtk_style_context_get_color (context, colour);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
get_look (TsChart     *self,
          TsChartLook *look)
{
  GtkWidget *widget = GTK_WIDGET (self);

  lookup_colour (widget, "window_fg_color", &look->foreground);
  lookup_colour (widget, "window_bg_color", &look->background);
  lookup_colour (widget, "accent_color", &look->accent);
  look->fill_background = FALSE;
  look->font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
}

/* Drawing */

static void
ts_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  TsChart *self = TS_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  TsChartLook look;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  get_look (self, &look);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  ts_chart_draw (cr, &look, &self->data, width, height, &self->plot_left, &self->plot_right);
  cairo_destroy (cr);
}

static void
ts_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
      return;
    }
  *minimum = MIN_HEIGHT;
  *natural = CLAMP ((for_size >= 0 ? for_size : NATURAL_WIDTH) / 2, MIN_HEIGHT, MAX_HEIGHT);
}

static GtkSizeRequestMode
ts_chart_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* Words for assistive technologies */

/* With no point highlighted: what the chart shows as a whole. */
static char *
summary (TsChart *self)
{
  if (self->data.kind == TS_CHART_VELOCITY && self->velocity != NULL)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Velocity %d; %u done iteration shown. "
                                         "Use the arrow keys to read each one.",
                                         "Velocity %d; %u done iterations shown. "
                                         "Use the arrow keys to read each one.",
                                         self->velocity->n_bars),
                            self->velocity->velocity_shown, self->velocity->n_bars);
  if (self->data.kind == TS_CHART_BURNUP && self->burnup != NULL)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Iteration %u, %u point planned. "
                                         "Use the arrow keys to read each day.",
                                         "Iteration %u, %u points planned. "
                                         "Use the arrow keys to read each day.",
                                         self->burnup->planned),
                            self->burnup->iteration, self->burnup->planned);
  return g_strdup ("");
}

/**
 * ts_chart_dup_description:
 *
 * Returns: what the accessible description says now: the highlighted
 *   point's values, or the chart's summary
 */
char *
ts_chart_dup_description (TsChart *self)
{
  g_return_val_if_fail (TS_IS_CHART (self), NULL);

  if (self->data.highlight >= 0)
    return ts_chart_describe_point (&self->data, self->data.highlight);
  return summary (self);
}

static void
update_description (TsChart *self)
{
  g_autofree char *description = ts_chart_dup_description (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/* The highlight */

void
ts_chart_set_highlight (TsChart *self,
                        int      highlight)
{
  guint n_points;

  g_return_if_fail (TS_IS_CHART (self));

  n_points = ts_chart_n_points (&self->data);
  highlight = n_points == 0 ? -1 : CLAMP (highlight, -1, (int) n_points - 1);
  if (highlight == self->data.highlight)
    return;
  self->data.highlight = highlight;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
ts_chart_get_highlight (TsChart *self)
{
  g_return_val_if_fail (TS_IS_CHART (self), -1);

  return self->data.highlight;
}

/* The point a first arrow key lands on: the latest with data. */
static int
latest_point (TsChart *self)
{
  int last = (int) ts_chart_n_points (&self->data) - 1;

  if (self->data.kind == TS_CHART_BURNUP)
    while (last > 0 && self->burnup->days[last].accepted < 0)
      last--;
  return last;
}

static gboolean
key_pressed_cb (TsChart         *self,
                guint            keyval,
                guint            keycode,
                GdkModifierType  state,
                GtkEventControllerKey *controller)
{
  int highlight = self->data.highlight;
  int last = (int) ts_chart_n_points (&self->data) - 1;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0 || last < 0)
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      highlight = highlight < 0 ? latest_point (self) : MAX (highlight - 1, 0);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      highlight = highlight < 0 ? latest_point (self) : MIN (highlight + 1, last);
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      highlight = 0;
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      highlight = last;
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }
  ts_chart_set_highlight (self, highlight);
  return GDK_EVENT_STOP;
}

/* A click highlights the bar or day under it. */
static void
pressed_cb (TsChart         *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  guint n_points = ts_chart_n_points (&self->data);
  double plot_width = self->plot_right - self->plot_left;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_points == 0 || plot_width <= 0 || x < self->plot_left || x > self->plot_right)
    return;
  ts_chart_set_highlight (self, MIN ((int) ((x - self->plot_left) * n_points / plot_width),
                                     (int) n_points - 1));
}

/* The series */

static void
series_changed (TsChart *self)
{
  self->data.velocity = self->velocity;
  self->data.burnup = self->burnup;
  /* The same bar or day stays highlighted while it exists. */
  if (self->data.highlight >= (int) ts_chart_n_points (&self->data))
    self->data.highlight = (int) ts_chart_n_points (&self->data) - 1;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * ts_chart_set_velocity:
 * @series: (transfer full): the velocity series
 */
void
ts_chart_set_velocity (TsChart          *self,
                       TsVelocitySeries *series)
{
  g_return_if_fail (TS_IS_CHART (self));

  g_clear_pointer (&self->velocity, ts_velocity_series_free);
  self->velocity = series;
  series_changed (self);
}

/**
 * ts_chart_set_burnup:
 * @series: (transfer full): the burn-up series
 */
void
ts_chart_set_burnup (TsChart        *self,
                     TsBurnupSeries *series)
{
  g_return_if_fail (TS_IS_CHART (self));

  g_clear_pointer (&self->burnup, ts_burnup_series_free);
  self->burnup = series;
  series_changed (self);
}

const TsVelocitySeries *
ts_chart_get_velocity (TsChart *self)
{
  g_return_val_if_fail (TS_IS_CHART (self), NULL);

  return self->velocity;
}

const TsBurnupSeries *
ts_chart_get_burnup (TsChart *self)
{
  g_return_val_if_fail (TS_IS_CHART (self), NULL);

  return self->burnup;
}

const TsChartData *
ts_chart_get_data (TsChart *self)
{
  g_return_val_if_fail (TS_IS_CHART (self), NULL);

  return &self->data;
}

TsChartKind
ts_chart_get_kind (TsChart *self)
{
  g_return_val_if_fail (TS_IS_CHART (self), TS_CHART_VELOCITY);

  return self->data.kind;
}

/* Export */

/**
 * ts_chart_set_export_title:
 * @title: (nullable): the title above an exported chart
 */
void
ts_chart_set_export_title (TsChart    *self,
                           const char *title)
{
  g_return_if_fail (TS_IS_CHART (self));

  g_free (self->export_title);
  self->export_title = g_strdup (title);
}

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t
draw_to (TsChart         *self,
         cairo_surface_t *surface)
{
  TsChartLook look;
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  get_look (self, &look);
  look.fill_background = TRUE;
  ts_chart_draw (cr, &look, &self->data, TS_CHART_EXPORT_WIDTH, TS_CHART_EXPORT_HEIGHT,
                 NULL, NULL);
  status = cairo_status (cr);
  cairo_destroy (cr);
  return status;
}

/**
 * ts_chart_export:
 * @format: PNG (pixels) or SVG (points), %TS_CHART_EXPORT_WIDTH by
 *   %TS_CHART_EXPORT_HEIGHT
 *
 * Writes the chart as it is drawn now, its highlight left out, in the
 * current style's colours on its background.
 */
gboolean
ts_chart_export (TsChart              *self,
                 GFile                *file,
                 TsChartExportFormat   format,
                 GError              **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  int highlight;

  g_return_val_if_fail (TS_IS_CHART (self), FALSE);

  highlight = self->data.highlight;
  self->data.highlight = -1;
  self->data.title = self->export_title;
  if (format == TS_CHART_EXPORT_SVG)
    surface = cairo_svg_surface_create_for_stream (append_cb, bytes, TS_CHART_EXPORT_WIDTH,
                                                   TS_CHART_EXPORT_HEIGHT);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TS_CHART_EXPORT_WIDTH,
                                          TS_CHART_EXPORT_HEIGHT);
  status = draw_to (self, surface);
  self->data.highlight = highlight;
  self->data.title = NULL;
  if (status == CAIRO_STATUS_SUCCESS && format == TS_CHART_EXPORT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_cb, bytes);
  /* An SVG surface writes out as it finishes. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not draw the chart: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return g_file_replace_contents (file, (const char *) bytes->data, bytes->len, NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/* The widget */

static void
ts_chart_finalize (GObject *object)
{
  TsChart *self = TS_CHART (object);

  g_clear_pointer (&self->velocity, ts_velocity_series_free);
  g_clear_pointer (&self->burnup, ts_burnup_series_free);
  g_free (self->export_title);
  G_OBJECT_CLASS (ts_chart_parent_class)->finalize (object);
}

static void
ts_chart_css_changed (GtkWidget         *widget,
                      GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (ts_chart_parent_class)->css_changed (widget, change);
  /* Light or dark, or another accent: the colours are read as it draws. */
  gtk_widget_queue_draw (widget);
}

static void
ts_chart_class_init (TsChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ts_chart_finalize;
  widget_class->snapshot = ts_chart_snapshot;
  widget_class->measure = ts_chart_measure;
  widget_class->get_request_mode = ts_chart_get_request_mode;
  widget_class->css_changed = ts_chart_css_changed;
  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ts_chart_init (TsChart *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->data.highlight = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
ts_chart_new (TsChartKind kind)
{
  TsChart *self = g_object_new (TS_TYPE_CHART, NULL);

  self->data.kind = kind;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  kind == TS_CHART_VELOCITY
                                    ? _("Velocity chart: points accepted in each done iteration, "
                                        "and the velocity the plan uses")
                                    : _("Burn-up chart: points accepted day by day in the current "
                                        "iteration, against the points planned"),
                                  -1);
  return GTK_WIDGET (self);
}
