/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story-line"

#include "ts-story-line.h"

#include <glib/gi18n.h>

#include "ts-config.h"
#include "ts-story-names.h"

/*
 * TsStoryLine: a story row's type icon, title, labels and estimate, drawn
 * by one widget. They were four widgets (an image, three labels, the
 * estimate a pill), and in a fast scroll every row bound costs each of its
 * widgets a style, a measure, an allocation and a snapshot: with about
 * fourteen rows bound per frame, they made frames miss their 16.7 ms.
 * Here they are an icon and three PangoLayouts, measured once per story:
 * the icon in its type's colour, the estimate's pill, the title taking
 * what room is left and ellipsized, and the labels (smaller, in the accent
 * colour) after it.
 *
 * The estimate sits right after the icon, as Tracker has it, in a slot of
 * the same width in every row (empty for a story with no estimate and for
 * a release), so a planner reads the points down a panel as a column and
 * the titles start at one place too. At the line's end, the row's
 * variable-width neighbours (tasks "3/4", owners, the state's badge and
 * buttons) put each row's pill somewhere else.
 *
 * It reads as its title to assistive technologies, with the type, the
 * state, the labels and the points as the description; the icon and the
 * pill have tooltips (the type, the points). The state's look (a stripe
 * and a badge) is the row's, in CSS: the line only says it.
 */

#define GAP 10
#define ICON_SIZE 16
#define PILL_PADDING_X 6
#define PILL_PADDING_Y 1
#define PILL_MIN_WIDTH 22
/* The labels take at most this share of the line, and the title at least
 * this many pixels before the labels shrink. */
#define LABELS_MAX_SHARE 0.35
#define TITLE_MIN_WIDTH 48

struct _TsStoryLine
{
  GtkWidget parent_instance;

  TsStoryType type;
  int state;     /* a TsStoryState, or -1: not said */
  char *title;
  char *labels;  /* (nullable) */
  int estimate;  /* -1: none shown */

  GdkPaintable *icon;  /* (nullable): looked up when the type changes */

  PangoLayout *title_layout;
  PangoLayout *labels_layout;    /* (nullable) */
  PangoLayout *estimate_layout;  /* (nullable) */

  /* Natural sizes, measured once per story (a layout measures again
   * after every change of its width). */
  int title_width;
  int labels_natural;
  int line_height;
  int pill_width;
  int pill_height;
  /* The estimate's slot: as wide as a pill of one digit, so the same in
   * every row. Measured once per widget (rows are recycled) and again when
   * the text size changes, never per story. */
  int slot_width;
  /* The text size changed (large text, another font): layouts and sizes
   * are made again at the next measure, once GTK has the new font. */
  gboolean fonts_stale;
  GtkSettings *settings;  /* (nullable): followed while realized */

  /* From the last allocation, mirrored in right-to-left text. */
  int icon_x;
  int title_x;
  int labels_x;
  int labels_width;
  int slot_x;
};

G_DEFINE_FINAL_TYPE (TsStoryLine, ts_story_line, GTK_TYPE_WIDGET)

static const char *
type_icon_name (TsStoryType type)
{
  switch (type)
    {
    case TS_STORY_TYPE_BUG:
      return "dialog-warning-symbolic";
    case TS_STORY_TYPE_CHORE:
      return "emblem-system-symbolic";
    case TS_STORY_TYPE_RELEASE:
      return "emoji-flags-symbolic";
    case TS_STORY_TYPE_FEATURE:
    default:
      return "starred-symbolic";
    }
}

/* The theme's colour for the type's icon, as the rows' CSS had it. */
static const char *
type_color_name (TsStoryType type)
{
  switch (type)
    {
    case TS_STORY_TYPE_FEATURE:
      return "warning_color";
    case TS_STORY_TYPE_BUG:
      return "error_color";
    case TS_STORY_TYPE_RELEASE:
      return "accent_color";
    case TS_STORY_TYPE_CHORE:
    default:
      return NULL;
    }
}

static void
update_icon (TsStoryLine *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));

  g_clear_object (&self->icon);
  self->icon = GDK_PAINTABLE (gtk_icon_theme_lookup_icon (theme, type_icon_name (self->type), NULL,
                                                          ICON_SIZE, gtk_widget_get_scale_factor (widget),
                                                          gtk_widget_get_direction (widget), 0));
}

static PangoLayout *
small_layout_new (TsStoryLine *self,
                  const char  *text,
                  gboolean     bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();

  /* As CSS's `font-size: smaller`. */
  pango_attr_list_insert (attributes, pango_attr_scale_new (PANGO_SCALE_SMALL));
  if (bold)
    pango_attr_list_insert (attributes, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attributes);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  return layout;
}

static int
layout_width (PangoLayout *layout)
{
  int width = 0;

  if (layout != NULL)
    pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static int
layout_height (PangoLayout *layout)
{
  int height = 0;

  if (layout != NULL)
    pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

/* The widest digit's pill: the slot of every row. */
static void
measure_slot (TsStoryLine *self)
{
  int widest = 0;

  for (char digit = '0'; digit <= '9'; digit++)
    {
      char text[2] = { digit, '\0' };
      g_autoptr(PangoLayout) layout = small_layout_new (self, text, TRUE);

      widest = MAX (widest, layout_width (layout));
    }
  self->slot_width = MAX (PILL_MIN_WIDTH, widest + 2 * PILL_PADDING_X);
}

/* The slot, wider in a row whose pill is. */
static int
slot_width (TsStoryLine *self)
{
  return MAX (self->slot_width, self->pill_width);
}

static void
measure_layouts (TsStoryLine *self)
{
  self->title_width = layout_width (self->title_layout);
  self->labels_natural = layout_width (self->labels_layout);
  self->pill_width = 0;
  self->pill_height = 0;
  if (self->estimate_layout != NULL)
    {
      /* Every pill fills the slot; one wider than a digit widens it, in
       * its row only (no point scale has one). */
      self->pill_width = MAX (self->slot_width, layout_width (self->estimate_layout) + 2 * PILL_PADDING_X);
      self->pill_height = layout_height (self->estimate_layout) + 2 * PILL_PADDING_Y;
    }
  self->line_height = MAX (layout_height (self->title_layout),
                           MAX (layout_height (self->labels_layout), self->pill_height));
}

/* The layouts are made again for each story, and when the text size
 * changes while they are shown (fonts_changed_cb()). */
static void
rebuild_layouts (TsStoryLine *self)
{
  g_autofree char *estimate = NULL;

  g_clear_object (&self->title_layout);
  g_clear_object (&self->labels_layout);
  g_clear_object (&self->estimate_layout);

  if (self->slot_width == 0)
    measure_slot (self);
  self->title_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->title);
  pango_layout_set_ellipsize (self->title_layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (self->title_layout, TRUE);
  if (self->labels != NULL)
    {
      self->labels_layout = small_layout_new (self, self->labels, FALSE);
      pango_layout_set_ellipsize (self->labels_layout, PANGO_ELLIPSIZE_END);
    }
  if (self->estimate >= 0)
    {
      estimate = g_strdup_printf ("%d", self->estimate);
      self->estimate_layout = small_layout_new (self, estimate, TRUE);
    }
  measure_layouts (self);
}

static void
update_accessible (TsStoryLine *self)
{
  g_autoptr(GString) description = g_string_new (ts_story_type_display_name (self->type));

  if (self->state >= 0)
    g_string_append_printf (description, ", %s", ts_story_state_display_name (self->state));
  if (self->labels != NULL)
    g_string_append_printf (description, ", %s", self->labels);
  if (self->estimate >= 0)
    {
      g_string_append (description, ", ");
      g_string_append_printf (description,
                              g_dngettext (GETTEXT_PACKAGE, "%d point", "%d points", self->estimate),
                              self->estimate);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
}

static void
ts_story_line_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  TsStoryLine *self = TS_STORY_LINE (widget);
  int before_title;

  if (self->fonts_stale)
    {
      self->fonts_stale = FALSE;
      self->slot_width = 0;
      rebuild_layouts (self);
    }
  before_title = ICON_SIZE + GAP + slot_width (self) + GAP;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = before_title + TITLE_MIN_WIDTH;
      *natural = before_title + self->title_width +
                 (self->labels_natural > 0 ? GAP + self->labels_natural : 0);
      /* A title shorter than the room kept for one is no reason for GTK
       * to warn that the minimum exceeds the natural width. */
      *natural = MAX (*natural, *minimum);
    }
  else
    *minimum = *natural = MAX (ICON_SIZE, self->line_height);
}

/* Sets a layout's width only when it changes: each change lays it out
 * again. */
static void
layout_set_width (PangoLayout *layout,
                  int          width)
{
  if (pango_layout_get_width (layout) != width * PANGO_SCALE)
    pango_layout_set_width (layout, width * PANGO_SCALE);
}

static void
ts_story_line_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  TsStoryLine *self = TS_STORY_LINE (widget);
  int slot = slot_width (self);
  int room = width - ICON_SIZE - GAP - slot - GAP;
  int title_width;

  /* The labels get their natural width up to a share of the line, and
   * never squeeze the title below its minimum. */
  self->labels_width = 0;
  if (self->labels_layout != NULL)
    self->labels_width = MIN (MIN (self->labels_natural, (int) (width * LABELS_MAX_SHARE)),
                              MAX (0, room - GAP - TITLE_MIN_WIDTH));
  title_width = room - (self->labels_width > 0 ? self->labels_width + GAP : 0);
  title_width = MAX (0, MIN (title_width, self->title_width));
  layout_set_width (self->title_layout, title_width);
  if (self->labels_layout != NULL)
    layout_set_width (self->labels_layout, self->labels_width);

  /* The icon, the estimate's slot, the title, the labels. */
  self->icon_x = 0;
  self->slot_x = ICON_SIZE + GAP;
  self->title_x = self->slot_x + slot + GAP;
  self->labels_x = self->title_x + title_width + GAP;
  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    {
      self->icon_x = width - ICON_SIZE;
      self->slot_x = width - self->slot_x - slot;
      self->title_x = width - self->title_x - title_width;
      self->labels_x = width - self->labels_x - self->labels_width;
    }
}

/* GTK 4.8 has no other way to the theme's colours; the deprecated calls
 * stay in later versions, which the Flatpak builds with. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
get_colors (TsStoryLine *self,
            GdkRGBA     *foreground,
            GdkRGBA     *accent,
            GdkRGBA     *icon)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  const char *icon_color = type_color_name (self->type);

  gtk_style_context_get_color (context, foreground);
  if (!gtk_style_context_lookup_color (context, "accent_color", accent))
    *accent = *foreground;
  if (icon_color == NULL || !gtk_style_context_lookup_color (context, icon_color, icon))
    *icon = *foreground;
  icon->alpha *= 0.8;
}
G_GNUC_END_IGNORE_DEPRECATIONS

static void
snapshot_icon (TsStoryLine   *self,
               GtkSnapshot   *snapshot,
               int            height,
               const GdkRGBA *color)
{
  if (self->icon == NULL)
    return;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->icon_x, (height - ICON_SIZE) / 2));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (self->icon), snapshot,
                                            ICON_SIZE, ICON_SIZE, color, 1);
  gtk_snapshot_restore (snapshot);
}

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               int            x,
               int            height,
               const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (x, (height - layout_height (layout)) / 2));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
snapshot_pill (TsStoryLine   *self,
               GtkSnapshot   *snapshot,
               int            height,
               const GdkRGBA *foreground)
{
  int width = self->pill_width;
  int pill_height = self->pill_height;
  int y = (height - pill_height) / 2;
  GdkRGBA tint = *foreground;
  GskRoundedRect outline;

  /* As CSS's `background-color: alpha(currentColor, 0.1)`, fully round. */
  tint.alpha *= 0.1;
  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (self->slot_x, y, width, pill_height),
                                   pill_height / 2.0);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &tint, &outline.bounds);
  gtk_snapshot_pop (snapshot);
  append_layout (snapshot, self->estimate_layout,
                 self->slot_x + (width - layout_width (self->estimate_layout)) / 2, height,
                 foreground);
}

static void
ts_story_line_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  TsStoryLine *self = TS_STORY_LINE (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA foreground, accent, icon;

  get_colors (self, &foreground, &accent, &icon);
  snapshot_icon (self, snapshot, height, &icon);
  append_layout (snapshot, self->title_layout, self->title_x, height, &foreground);
  if (self->labels_layout != NULL && self->labels_width > 0)
    append_layout (snapshot, self->labels_layout, self->labels_x, height, &accent);
  if (self->estimate_layout != NULL)
    snapshot_pill (self, snapshot, height, &foreground);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  TsStoryLine *self = TS_STORY_LINE (widget);
  g_autofree char *text = NULL;

  if (x >= self->icon_x && x < self->icon_x + ICON_SIZE)
    {
      gtk_tooltip_set_text (tooltip, ts_story_type_display_name (self->type));
      return TRUE;
    }
  if (self->estimate < 0 || x < self->slot_x || x >= self->slot_x + self->pill_width)
    return FALSE;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d point", "%d points", self->estimate),
                          self->estimate);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
ts_story_line_dispose (GObject *object)
{
  TsStoryLine *self = TS_STORY_LINE (object);

  g_clear_object (&self->icon);
  g_clear_object (&self->title_layout);
  g_clear_object (&self->labels_layout);
  g_clear_object (&self->estimate_layout);

  G_OBJECT_CLASS (ts_story_line_parent_class)->dispose (object);
}

/* Large text toggled while the app runs (gtk-xft-dpi, which GNOME's
 * text-scaling-factor sets) or another font: GTK lays labels out again by
 * itself, but these layouts were measured once per story, so a shown row
 * kept its old size until it was bound again. */
static void
fonts_changed_cb (TsStoryLine *self)
{
  self->fonts_stale = TRUE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
ts_story_line_realize (GtkWidget *widget)
{
  TsStoryLine *self = TS_STORY_LINE (widget);

  GTK_WIDGET_CLASS (ts_story_line_parent_class)->realize (widget);
  self->settings = g_object_ref (gtk_widget_get_settings (widget));
  g_signal_connect_swapped (self->settings, "notify::gtk-xft-dpi", G_CALLBACK (fonts_changed_cb), self);
  g_signal_connect_swapped (self->settings, "notify::gtk-font-name", G_CALLBACK (fonts_changed_cb), self);
  /* A change while it was not realized. */
  fonts_changed_cb (self);
}

static void
ts_story_line_unrealize (GtkWidget *widget)
{
  TsStoryLine *self = TS_STORY_LINE (widget);

  g_signal_handlers_disconnect_by_func (self->settings, fonts_changed_cb, self);
  g_clear_object (&self->settings);
  GTK_WIDGET_CLASS (ts_story_line_parent_class)->unrealize (widget);
}

static void
ts_story_line_finalize (GObject *object)
{
  TsStoryLine *self = TS_STORY_LINE (object);

  g_free (self->title);
  g_free (self->labels);

  G_OBJECT_CLASS (ts_story_line_parent_class)->finalize (object);
}

static void
ts_story_line_class_init (TsStoryLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_story_line_dispose;
  object_class->finalize = ts_story_line_finalize;
  widget_class->measure = ts_story_line_measure;
  widget_class->realize = ts_story_line_realize;
  widget_class->unrealize = ts_story_line_unrealize;
  widget_class->size_allocate = ts_story_line_size_allocate;
  widget_class->snapshot = ts_story_line_snapshot;
  gtk_widget_class_set_css_name (widget_class, "storyline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
ts_story_line_init (TsStoryLine *self)
{
  self->title = g_strdup ("");
  self->type = -1;
  self->state = -1;
  self->estimate = -1;
  rebuild_layouts (self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
ts_story_line_new (void)
{
  return g_object_new (TS_TYPE_STORY_LINE, NULL);
}

/**
 * ts_story_line_set:
 * @labels: (nullable): the labels as one text, or %NULL for none
 * @estimate: the points to show in the pill, or -1 for no pill
 */
void
ts_story_line_set (TsStoryLine *self,
                   TsStoryType  type,
                   const char  *title,
                   const char  *labels,
                   int          estimate)
{
  g_return_if_fail (TS_IS_STORY_LINE (self));

  if (labels != NULL && *labels == '\0')
    labels = NULL;
  if (self->type == type && g_strcmp0 (self->title, title) == 0 &&
      g_strcmp0 (self->labels, labels) == 0 && self->estimate == estimate)
    return;

  if (self->type != type)
    {
      self->type = type;
      update_icon (self);
    }
  g_free (self->title);
  self->title = g_strdup (title != NULL ? title : "");
  g_free (self->labels);
  self->labels = g_strdup (labels);
  self->estimate = estimate;
  rebuild_layouts (self);
  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * ts_story_line_set_state:
 *
 * Says the story's state to assistive technologies, with the type.
 */
void
ts_story_line_set_state (TsStoryLine  *self,
                         TsStoryState  state)
{
  g_return_if_fail (TS_IS_STORY_LINE (self));

  if (self->state == (int) state)
    return;
  self->state = state;
  update_accessible (self);
}

const char *
ts_story_line_get_title (TsStoryLine *self)
{
  g_return_val_if_fail (TS_IS_STORY_LINE (self), NULL);

  return self->title;
}

const char *
ts_story_line_get_labels (TsStoryLine *self)
{
  g_return_val_if_fail (TS_IS_STORY_LINE (self), NULL);

  return self->labels;
}

int
ts_story_line_get_estimate (TsStoryLine *self)
{
  g_return_val_if_fail (TS_IS_STORY_LINE (self), -1);

  return self->estimate;
}

/**
 * ts_story_line_get_estimate_area:
 * @area: (out): the estimate's slot, in the line's coordinates, from the
 *   last allocation
 *
 * Where the estimate's pill is drawn, or would be: the slot is there in a
 * row with no estimate too. For tests that the estimates of a panel make
 * a column.
 *
 * Returns: whether a pill is drawn there
 */
gboolean
ts_story_line_get_estimate_area (TsStoryLine     *self,
                                 graphene_rect_t *area)
{
  int height;

  g_return_val_if_fail (TS_IS_STORY_LINE (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (self->estimate_layout == NULL)
    {
      graphene_rect_init (area, self->slot_x, 0, slot_width (self), height);
      return FALSE;
    }
  /* As snapshot_pill() draws it. */
  graphene_rect_init (area, self->slot_x, (height - self->pill_height) / 2, self->pill_width,
                      self->pill_height);
  return TRUE;
}
