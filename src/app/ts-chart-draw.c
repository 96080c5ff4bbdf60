/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-chart-draw"

#include "ts-chart-draw.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "ts-config.h"
#include "ts-display.h"

/*
 * The Reports view's two charts drawn with cairo, on any surface: the
 * widget's snapshot, and the image and SVG surfaces of an export, so what
 * is exported is what is shown. Everything is measured from the font and
 * the size given: at 360 px the labels thin out rather than overlap.
 *
 * Data is never told by colour alone: overridden iterations are hatched
 * and the legend says so; the planned scope is a dashed line, the
 * accepted points a solid one with a dot per day.
 */

#define PADDING 8.0
#define GAP 6.0
#define SWATCH 12.0
#define LEGEND_SPACING 16.0
#define MAX_BAR_WIDTH 48.0
#define HATCH_SPACING 5.0

typedef struct {
  cairo_t *cr;
  PangoLayout *layout;
  const TsChartLook *look;
  double line_height;
  /* The plot's rectangle, in the chart's coordinates. */
  double left;
  double top;
  double right;
  double bottom;
  double y_max;
  double y_step;
  double first_line;          /* where the legend starts, below a title */
} Canvas;

static void
set_colour (cairo_t       *cr,
            const GdkRGBA *colour,
            double         alpha)
{
  cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, colour->alpha * alpha);
}

static void
measure (Canvas     *canvas,
         const char *text,
         double     *width,
         double     *height)
{
  PangoRectangle logical;

  pango_layout_set_text (canvas->layout, text, -1);
  pango_layout_get_pixel_extents (canvas->layout, NULL, &logical);
  *width = logical.width;
  if (height != NULL)
    *height = logical.height;
}

/* @text with its point (@xalign, @yalign) of its box at (@x, @y). */
static void
text_at (Canvas     *canvas,
         const char *text,
         double      x,
         double      y,
         double      xalign,
         double      yalign)
{
  double width, height;

  measure (canvas, text, &width, &height);
  cairo_move_to (canvas->cr, round (x - width * xalign), round (y - height * yalign));
  pango_cairo_show_layout (canvas->cr, canvas->layout);
  /* No current point left for the next path to start from. */
  cairo_new_path (canvas->cr);
}

/* A round step for ticks: at most five intervals up to @most. */
static double
nice_step (double most)
{
  static const double factors[] = { 1, 2, 5 };

  for (double scale = 1; ; scale *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (factors); i++)
      if (most / (factors[i] * scale) <= 5)
        return factors[i] * scale;
}

static double
y_of (Canvas *canvas,
      double  points)
{
  return canvas->bottom - (canvas->bottom - canvas->top) * points / canvas->y_max;
}

/* Legend */

typedef enum {
  SWATCH_BAR,
  SWATCH_HATCHED_BAR,
  SWATCH_LINE,
  SWATCH_DASHED_LINE,
} SwatchKind;

typedef struct {
  SwatchKind kind;
  const char *text;
} LegendItem;

static void
hatch (Canvas *canvas,
       double  x,
       double  y,
       double  width,
       double  height)
{
  cairo_t *cr = canvas->cr;

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);
  set_colour (cr, &canvas->look->background, 0.75);
  cairo_set_line_width (cr, 1.5);
  for (double offset = -height; offset < width; offset += HATCH_SPACING)
    {
      cairo_move_to (cr, x + offset, y + height);
      cairo_line_to (cr, x + offset + height, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_swatch (Canvas     *canvas,
             SwatchKind  kind,
             double      x,
             double      y)
{
  cairo_t *cr = canvas->cr;
  double middle = y + canvas->line_height / 2;

  cairo_save (cr);
  switch (kind)
    {
    case SWATCH_BAR:
    case SWATCH_HATCHED_BAR:
      set_colour (cr, &canvas->look->accent, 1.0);
      cairo_rectangle (cr, x, middle - SWATCH / 2, SWATCH, SWATCH);
      cairo_fill (cr);
      if (kind == SWATCH_HATCHED_BAR)
        hatch (canvas, x, middle - SWATCH / 2, SWATCH, SWATCH);
      break;
    case SWATCH_LINE:
      set_colour (cr, &canvas->look->accent, 1.0);
      cairo_set_line_width (cr, 2.5);
      cairo_move_to (cr, x, middle);
      cairo_line_to (cr, x + SWATCH, middle);
      cairo_stroke (cr);
      cairo_arc (cr, x + SWATCH / 2, middle, 3, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case SWATCH_DASHED_LINE:
    default:
      {
        static const double dashes[] = { 4.0, 2.0 };

        set_colour (cr, &canvas->look->foreground, 0.8);
        cairo_set_line_width (cr, 2);
        cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
        cairo_move_to (cr, x, middle);
        cairo_line_to (cr, x + SWATCH + 2, middle);
        cairo_stroke (cr);
      }
      break;
    }
  cairo_restore (cr);
}

/* Lays the legend out in rows across @width from @y and returns where it
 * ends; draws it when @draw. */
static double
legend (Canvas           *canvas,
        const LegendItem *items,
        guint             n_items,
        double            width,
        double            y,
        gboolean          draw)
{
  double x = PADDING;

  for (guint i = 0; i < n_items; i++)
    {
      double text_width;
      double item_width;

      measure (canvas, items[i].text, &text_width, NULL);
      item_width = SWATCH + GAP + text_width;
      if (x > PADDING && x + item_width > width - PADDING)
        {
          x = PADDING;
          y += canvas->line_height + 2;
        }
      if (draw)
        {
          draw_swatch (canvas, items[i].kind, x, y);
          set_colour (canvas->cr, &canvas->look->foreground, 1.0);
          text_at (canvas, items[i].text, x + SWATCH + GAP, y, 0, 0);
        }
      x += item_width + LEGEND_SPACING;
    }
  return y + canvas->line_height;
}

/* Axes */

static char *
tick_text (double value)
{
  return g_strdup_printf ("%.0f", value);
}

/* Places the plot below the legend and left of the widest tick, and
 * draws the axes' titles: the horizontal one @x_title, or @x_short_title
 * where that would not fit under the plot. */
static void
axes (Canvas     *canvas,
      double      width,
      double      height,
      double      top,
      double      most,
      const char *x_title,
      const char *x_short_title)
{
  cairo_t *cr = canvas->cr;
  g_autofree char *top_tick = NULL;
  double tick_width;
  double title_width;

  canvas->y_step = nice_step (MAX (most, 5));
  canvas->y_max = ceil (MAX (most, 5) / canvas->y_step) * canvas->y_step;
  top_tick = tick_text (canvas->y_max);
  measure (canvas, top_tick, &tick_width, NULL);

  canvas->left = PADDING + tick_width + GAP;
  canvas->right = width - PADDING;
  canvas->top = top + canvas->line_height + GAP;
  canvas->bottom = height - PADDING - 2 * canvas->line_height - GAP;

  measure (canvas, x_title, &title_width, NULL);
  if (x_short_title != NULL && title_width > canvas->right - canvas->left)
    x_title = x_short_title;
  set_colour (cr, &canvas->look->foreground, 1.0);
  text_at (canvas, _("Points"), PADDING, top, 0, 0);
  text_at (canvas, x_title, (canvas->left + canvas->right) / 2, height - PADDING, 0.5, 1);
}

/* The horizontal lines of the ticks, with their values. */
static void
grid (Canvas *canvas)
{
  cairo_t *cr = canvas->cr;

  cairo_set_line_width (cr, 1);
  for (double value = 0; value <= canvas->y_max + 0.5; value += canvas->y_step)
    {
      g_autofree char *text = tick_text (value);
      double y = round (y_of (canvas, value)) + 0.5;

      set_colour (cr, &canvas->look->foreground, value == 0 ? 0.7 : 0.15);
      cairo_move_to (cr, canvas->left, y);
      cairo_line_to (cr, canvas->right, y);
      cairo_stroke (cr);
      set_colour (cr, &canvas->look->foreground, 0.8);
      text_at (canvas, text, canvas->left - GAP, y, 1, 0.5);
    }
}

/* Labels under each slot, every @every-th so that they never touch. */
static void
x_labels (Canvas  *canvas,
          char   **labels,
          guint    n_labels,
          int      highlight)
{
  double slot = (canvas->right - canvas->left) / MAX (n_labels, 1);
  double widest = 0;
  guint every;

  for (guint i = 0; i < n_labels; i++)
    {
      double width;

      measure (canvas, labels[i], &width, NULL);
      widest = MAX (widest, width);
    }
  every = (guint) ceil ((widest + GAP) / slot);
  every = MAX (every, 1);
  for (guint i = 0; i < n_labels; i++)
    {
      /* The last and the highlighted one always show, the highlighted
       * one in place of its neighbours. */
      gboolean near_highlight = highlight >= 0 && (int) i != highlight &&
                                (guint) ABS ((int) i - highlight) < every;

      if (((n_labels - 1 - i) % every != 0 || near_highlight) && (int) i != highlight)
        continue;
      set_colour (canvas->cr, &canvas->look->foreground, (int) i == highlight ? 1.0 : 0.8);
      text_at (canvas, labels[i], canvas->left + slot * (i + 0.5), canvas->bottom + 2, 0.5, 0);
    }
}

static void
highlight_slot (Canvas *canvas,
                guint   n_slots,
                int     highlight)
{
  double slot = (canvas->right - canvas->left) / MAX (n_slots, 1);

  if (highlight < 0 || (guint) highlight >= n_slots)
    return;
  set_colour (canvas->cr, &canvas->look->foreground, 0.08);
  cairo_rectangle (canvas->cr, canvas->left + slot * highlight, canvas->top,
                   slot, canvas->bottom - canvas->top);
  cairo_fill (canvas->cr);
}

static void
horizontal_dashed_line (Canvas *canvas,
                        double  points)
{
  static const double dashes[] = { 6.0, 4.0 };
  cairo_t *cr = canvas->cr;
  double y = y_of (canvas, points);

  cairo_save (cr);
  set_colour (cr, &canvas->look->foreground, 0.8);
  cairo_set_line_width (cr, 2);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_move_to (cr, canvas->left, y);
  cairo_line_to (cr, canvas->right, y);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
empty_note (Canvas     *canvas,
            const char *text)
{
  set_colour (canvas->cr, &canvas->look->foreground, 0.7);
  text_at (canvas, text, (canvas->left + canvas->right) / 2,
           (canvas->top + canvas->bottom) / 2, 0.5, 0.5);
}

/* Velocity */

static double
velocity_legend (Canvas                 *canvas,
                 const TsVelocitySeries *series,
                 double                  width,
                 double                  y,
                 gboolean                draw)
{
  g_autofree char *velocity = series->what_if
    ? g_strdup_printf (_("What-if velocity %d"), series->velocity_shown)
    : g_strdup_printf (_("Velocity %d"), series->velocity_shown);
  LegendItem items[] = {
    { SWATCH_BAR, _("Points accepted") },
    { SWATCH_DASHED_LINE, velocity },
    { SWATCH_HATCHED_BAR, _("Team strength or length changed") },
  };
  guint n_items = G_N_ELEMENTS (items);
  gboolean any_overridden = FALSE;

  for (guint i = 0; i < series->n_bars; i++)
    any_overridden |= series->bars[i].overridden;
  if (!any_overridden)
    n_items--;
  return legend (canvas, items, n_items, width, y, draw);
}

static void
velocity_bar (Canvas              *canvas,
              const TsVelocityBar *bar,
              double               centre,
              double               bar_width,
              gboolean             highlighted,
              gboolean             show_value)
{
  cairo_t *cr = canvas->cr;
  double x = round (centre - bar_width / 2);
  double y = round (y_of (canvas, bar->points));
  double height = canvas->bottom - y;
  g_autofree char *value = g_strdup_printf ("%u", bar->points);

  set_colour (cr, &canvas->look->accent, 1.0);
  cairo_rectangle (cr, x, y, round (bar_width), height);
  cairo_fill (cr);
  if (bar->overridden)
    hatch (canvas, x, y, round (bar_width), height);
  if (highlighted)
    {
      set_colour (cr, &canvas->look->foreground, 1.0);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, x - 1, y - 1, round (bar_width) + 2, height + 1);
      cairo_stroke (cr);
    }
  if (show_value || highlighted)
    {
      set_colour (cr, &canvas->look->foreground, 1.0);
      text_at (canvas, value, centre, y - 2, 0.5, 1);
    }
}

static void
draw_velocity (Canvas                 *canvas,
               const TsVelocitySeries *series,
               int                     highlight,
               double                  width,
               double                  height)
{
  double legend_end = velocity_legend (canvas, series, width, canvas->first_line, TRUE);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  double slot, bar_width, widest_value;
  g_autofree char *widest = NULL;

  axes (canvas, width, height, legend_end + GAP, series->most_points, _("Done iterations"), NULL);
  grid (canvas);
  if (series->n_bars == 0)
    {
      horizontal_dashed_line (canvas, series->velocity);
      empty_note (canvas, _("No iteration is done yet"));
      return;
    }

  slot = (canvas->right - canvas->left) / series->n_bars;
  bar_width = MIN (slot * 0.6, MAX_BAR_WIDTH);
  widest = g_strdup_printf ("%u", series->most_points);
  measure (canvas, widest, &widest_value, NULL);
  highlight_slot (canvas, series->n_bars, highlight);
  for (guint i = 0; i < series->n_bars; i++)
    {
      velocity_bar (canvas, &series->bars[i], canvas->left + slot * (i + 0.5), bar_width,
                    (int) i == highlight, slot >= widest_value + 2);
      g_ptr_array_add (labels, g_strdup_printf ("%u", series->bars[i].number));
    }
  horizontal_dashed_line (canvas, series->velocity);
  x_labels (canvas, (char **) labels->pdata, labels->len, highlight);
}

/* Burn-up */

static double
burnup_legend (Canvas               *canvas,
               const TsBurnupSeries *series,
               double                width,
               double                y,
               gboolean              draw)
{
  g_autofree char *planned = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Planned, %u point",
                                                           "Planned, %u points", series->planned),
                                              series->planned);
  LegendItem items[] = {
    { SWATCH_LINE, _("Points accepted") },
    { SWATCH_DASHED_LINE, planned },
  };

  return legend (canvas, items, G_N_ELEMENTS (items), width, y, draw);
}

static void
accepted_line (Canvas               *canvas,
               const TsBurnupSeries *series,
               double                slot)
{
  cairo_t *cr = canvas->cr;
  guint n_shown = 0;

  while (n_shown < series->n_days && series->days[n_shown].accepted >= 0)
    n_shown++;
  if (n_shown == 0)
    return;

  /* The area under the line, then the line. */
  for (guint i = 0; i < n_shown; i++)
    cairo_line_to (cr, canvas->left + slot * (i + 0.5), y_of (canvas, series->days[i].accepted));
  cairo_line_to (cr, canvas->left + slot * (n_shown - 0.5), canvas->bottom);
  cairo_line_to (cr, canvas->left + slot * 0.5, canvas->bottom);
  cairo_close_path (cr);
  set_colour (cr, &canvas->look->accent, 0.2);
  cairo_fill (cr);

  for (guint i = 0; i < n_shown; i++)
    cairo_line_to (cr, canvas->left + slot * (i + 0.5), y_of (canvas, series->days[i].accepted));
  set_colour (cr, &canvas->look->accent, 1.0);
  cairo_set_line_width (cr, 2.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  for (guint i = 0; i < n_shown; i++)
    {
      cairo_arc (cr, canvas->left + slot * (i + 0.5), y_of (canvas, series->days[i].accepted),
                 3.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

static void
burnup_highlight (Canvas               *canvas,
                  const TsBurnupSeries *series,
                  double                slot,
                  int                   highlight)
{
  cairo_t *cr = canvas->cr;
  const TsBurnupDay *day;
  g_autofree char *value = NULL;
  double x, y;

  if (highlight < 0 || (guint) highlight >= series->n_days)
    return;
  day = &series->days[highlight];
  x = canvas->left + slot * (highlight + 0.5);
  /* A guide down the highlighted day, a day to come included. */
  set_colour (cr, &canvas->look->foreground, 0.5);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, round (x) + 0.5, canvas->top);
  cairo_line_to (cr, round (x) + 0.5, canvas->bottom);
  cairo_stroke (cr);
  if (day->accepted < 0)
    return;
  y = y_of (canvas, day->accepted);
  set_colour (cr, &canvas->look->foreground, 1.0);
  cairo_set_line_width (cr, 2);
  cairo_arc (cr, x, y, 6, 0, 2 * G_PI);
  cairo_stroke (cr);
  value = g_strdup_printf ("%d", day->accepted);
  text_at (canvas, value, x, y - 8, 0.5, 1);
}

/* Today's day: a dotted line down it, and "Today" over it where that
 * does not run into the axis' title, nor into the highlighted day's
 * value. */
static void
today_mark (Canvas               *canvas,
            const TsBurnupSeries *series,
            double                slot,
            int                   highlight)
{
  static const double dots[] = { 2.0, 3.0 };
  cairo_t *cr = canvas->cr;
  double x, text_width, title_width;

  if (series->today < series->start || series->today > series->finish)
    return;
  x = round (canvas->left + slot * (series->today - series->start + 0.5)) + 0.5;
  cairo_save (cr);
  set_colour (cr, &canvas->look->foreground, 0.45);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, dots, G_N_ELEMENTS (dots), 0);
  cairo_move_to (cr, x, canvas->top);
  cairo_line_to (cr, x, canvas->bottom);
  cairo_stroke (cr);
  cairo_restore (cr);

  measure (canvas, _("Today"), &text_width, NULL);
  measure (canvas, _("Points"), &title_width, NULL);
  if ((highlight >= 0 && series->start + (guint) highlight == series->today) ||
      x - text_width / 2 < PADDING + title_width + GAP || x + text_width / 2 > canvas->right)
    return;
  set_colour (cr, &canvas->look->foreground, 0.7);
  text_at (canvas, _("Today"), x, canvas->top - 2, 0.5, 1);
}

static void
draw_burnup (Canvas               *canvas,
             const TsBurnupSeries *series,
             int                   highlight,
             double                width,
             double                height)
{
  double legend_end = burnup_legend (canvas, series, width, canvas->first_line, TRUE);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *start = ts_display_day (series->start);
  g_autofree char *finish = ts_display_day (series->finish);
  /* TRANSLATORS: the burn-up's horizontal axis: the current iteration's
   * number and dates */
  g_autofree char *title = g_strdup_printf (_("Iteration %u, %s – %s"), series->iteration,
                                            start, finish);
  g_autofree char *short_title = g_strdup_printf (_("Iteration %u"), series->iteration);
  double slot;

  axes (canvas, width, height, legend_end + GAP, series->most_points, title, short_title);
  grid (canvas);
  if (series->n_days == 0)
    return;
  slot = (canvas->right - canvas->left) / series->n_days;
  horizontal_dashed_line (canvas, series->planned);
  today_mark (canvas, series, slot, highlight);
  accepted_line (canvas, series, slot);
  burnup_highlight (canvas, series, slot, highlight);
  for (guint i = 0; i < series->n_days; i++)
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_julian (&date, series->days[i].day);
      g_ptr_array_add (labels, g_strdup_printf ("%u", g_date_get_day (&date)));
    }
  x_labels (canvas, (char **) labels->pdata, labels->len, highlight);
}

/**
 * ts_chart_draw:
 * @width: the chart's width, in the surface's units
 * @height: its height
 * @plot_left: (out) (optional): where the plot's slots start
 * @plot_right: (out) (optional): where they end
 *
 * Draws a chart: the one function behind the screen and the exports.
 */
void
ts_chart_draw (cairo_t           *cr,
               const TsChartLook *look,
               const TsChartData *data,
               double             width,
               double             height,
               double            *plot_left,
               double            *plot_right)
{
  Canvas canvas = { .cr = cr, .look = look };
  double ignored;

  cairo_save (cr);
  if (look->fill_background)
    {
      set_colour (cr, &look->background, 1.0);
      cairo_paint (cr);
    }
  canvas.layout = pango_cairo_create_layout (cr);
  pango_layout_set_font_description (canvas.layout, look->font);
  measure (&canvas, "0", &ignored, &canvas.line_height);
  canvas.first_line = PADDING;
  if (data->title != NULL)
    {
      g_autoptr(PangoFontDescription) bold = pango_font_description_copy (look->font);

      pango_font_description_set_weight (bold, PANGO_WEIGHT_BOLD);
      pango_layout_set_font_description (canvas.layout, bold);
      set_colour (cr, &look->foreground, 1.0);
      text_at (&canvas, data->title, PADDING, PADDING, 0, 0);
      pango_layout_set_font_description (canvas.layout, look->font);
      canvas.first_line += canvas.line_height + GAP;
    }

  if (data->kind == TS_CHART_VELOCITY && data->velocity != NULL)
    draw_velocity (&canvas, data->velocity, data->highlight, width, height);
  else if (data->kind == TS_CHART_BURNUP && data->burnup != NULL)
    draw_burnup (&canvas, data->burnup, data->highlight, width, height);
  if (plot_left != NULL)
    *plot_left = canvas.left;
  if (plot_right != NULL)
    *plot_right = canvas.right;

  g_object_unref (canvas.layout);
  cairo_restore (cr);
}

/* Words: the accessible description of a highlighted point and the
 * table, from the same numbers. */

guint
ts_chart_n_points (const TsChartData *data)
{
  if (data->kind == TS_CHART_VELOCITY)
    return data->velocity != NULL ? data->velocity->n_bars : 0;
  return data->burnup != NULL ? data->burnup->n_days : 0;
}

/* "Iteration 5, Jan 12 – Jan 18" or "Jan 27". */
char *
ts_chart_describe_label (const TsChartData *data,
                         guint              index)
{
  if (data->kind == TS_CHART_VELOCITY)
    {
      const TsVelocityBar *bar = &data->velocity->bars[index];
      g_autofree char *start = ts_display_day (bar->start);
      g_autofree char *finish = ts_display_day (bar->finish);

      return g_strdup_printf (_("Iteration %u, %s – %s"), bar->number, start, finish);
    }
  if (data->burnup->days[index].day == data->burnup->today)
    {
      g_autofree char *day = ts_display_day (data->burnup->today);

      /* TRANSLATORS: a day of the burn-up that is today */
      return g_strdup_printf (_("%s (today)"), day);
    }
  return ts_display_day (data->burnup->days[index].day);
}

/* "8 points accepted", or for a day to come "To come". */
char *
ts_chart_describe_value (const TsChartData *data,
                         guint              index)
{
  guint points;

  if (data->kind == TS_CHART_BURNUP && data->burnup->days[index].accepted < 0)
    return g_strdup (_("To come"));
  points = data->kind == TS_CHART_VELOCITY ? data->velocity->bars[index].points
                                           : (guint) data->burnup->days[index].accepted;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u point accepted",
                                       "%u points accepted", points), points);
}

/* What else the point says: an override, or the points planned. */
char *
ts_chart_describe_note (const TsChartData *data,
                        guint              index)
{
  if (data->kind == TS_CHART_VELOCITY)
    {
      const TsVelocityBar *bar = &data->velocity->bars[index];

      if (!bar->overridden)
        return g_strdup ("");
      /* TRANSLATORS: an iteration whose team strength or length differs */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Changed: team strength %d %%, %u week",
                                           "Changed: team strength %d %%, %u weeks",
                                           bar->weeks),
                              (int) round (bar->team_strength * 100), bar->weeks);
    }
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "of %u point planned",
                                       "of %u points planned", data->burnup->planned),
                          data->burnup->planned);
}

/* The whole point in one sentence, for its accessible description. */
char *
ts_chart_describe_point (const TsChartData *data,
                         guint              index)
{
  g_autofree char *label = ts_chart_describe_label (data, index);
  g_autofree char *value = ts_chart_describe_value (data, index);
  g_autofree char *note = ts_chart_describe_note (data, index);

  if (data->kind == TS_CHART_VELOCITY)
    {
      g_autofree char *velocity = g_strdup_printf (_("velocity %d"), data->velocity->velocity_shown);

      return g_strjoin (", ", label, value, *note != '\0' ? note : velocity,
                        *note != '\0' ? velocity : NULL, NULL);
    }
  return g_strjoin (", ", label, value, note, NULL);
}
