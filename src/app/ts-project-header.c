/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-header"

#include "ts-project-header-private.h"

#include "ts-story-names.h"

/*
 * TsProjectHeader: the project view's part of the window's header bar,
 * a template (ts-project-header.ui). The widget itself is the end of the
 * bar: who is here, the connection, the velocity and its what-if popover,
 * search and the view menu. New Story and its popover, at the bar's start,
 * belong to the same template (an object beside it) and are packed by
 * ts_project_header_pack().
 *
 * It only shows: what a title or a velocity means is the view's, told by
 * two signals, ::new-story and ::velocity-changed.
 *
 * The New Story popover offers the type as a drop-down of icons and names
 * (the icons the rows show), Feature first and chosen again after each
 * story: most stories are features, and a choice that stays would make the
 * next story a bug by surprise.
 */

G_DEFINE_FINAL_TYPE (TsProjectHeader, ts_project_header, GTK_TYPE_WIDGET)

enum {
  SIGNAL_NEW_STORY,
  SIGNAL_VELOCITY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
new_story_cb (TsProjectHeader *self)
{
  g_signal_emit (self, signals[SIGNAL_NEW_STORY], 0);
}

/* A refused title's reason goes as soon as the title changes. */
static void
new_entry_changed_cb (TsProjectHeader *self)
{
  gtk_widget_set_visible (self->new_error, FALSE);
  gtk_widget_remove_css_class (self->new_entry, "error");
}

static void
velocity_value_changed_cb (TsProjectHeader *self)
{
  g_signal_emit (self, signals[SIGNAL_VELOCITY_CHANGED], 0,
                 gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->velocity_spin)));
}

static void
type_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_list_item_set_child (list_item, box);
}

static void
type_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  TsStoryType type = (TsStoryType) gtk_list_item_get_position (list_item);

  gtk_image_set_from_icon_name (GTK_IMAGE (gtk_widget_get_first_child (box)),
                                ts_story_type_icon_name (type));
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_last_child (box)),
                       ts_story_type_display_name (type));
}

/* The types, in TsStoryType order: a row's position is its type. */
static void
init_types (TsProjectHeader *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  for (TsStoryType type = TS_STORY_TYPE_FEATURE; type <= TS_STORY_TYPE_RELEASE; type++)
    gtk_string_list_append (names, ts_story_type_display_name (type));
  g_signal_connect (factory, "setup", G_CALLBACK (type_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (type_bind_cb), NULL);
  gtk_drop_down_set_factory (GTK_DROP_DOWN (self->new_type), factory);
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->new_type), G_LIST_MODEL (names));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->new_type),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_widget_get_tooltip_text (self->new_type), -1);
  /* The drop-down's own button is what takes the focus, and GTK 4.8
   * names it "GtkToggleButton". */
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (self->new_type)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_widget_get_tooltip_text (self->new_type), -1);
}

static void
ts_project_header_dispose (GObject *object)
{
  TsProjectHeader *self = TS_PROJECT_HEADER (object);

  /* New Story is the header bar's child once packed; the template's
   * reference goes with the others. */
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_PROJECT_HEADER);
  self->new_button = NULL;

  G_OBJECT_CLASS (ts_project_header_parent_class)->dispose (object);
}

static void
ts_project_header_class_init (TsProjectHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_project_header_dispose;

  /**
   * TsProjectHeader::new-story:
   *
   * Add (or Enter in the title) in the New Story popover.
   */
  signals[SIGNAL_NEW_STORY] =
    g_signal_new ("new-story", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * TsProjectHeader::velocity-changed:
   * @value: the what-if velocity
   *
   * The what-if velocity's spin button changed (by the person or by the
   * view: the view tells them apart).
   */
  signals[SIGNAL_VELOCITY_CHANGED] =
    g_signal_new ("velocity-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-project-header.ui");
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, extras);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, presence_box);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, status_box);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, status_label);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, velocity_button);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, velocity_value);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, velocity_spin);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, velocity_note);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, velocity_reset);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, search_button);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, view_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, new_button);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, new_entry);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, new_error);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, new_icebox);
  gtk_widget_class_bind_template_child (widget_class, TsProjectHeader, new_type);
  gtk_widget_class_bind_template_callback (widget_class, new_story_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, velocity_value_changed_cb);
}

static void
ts_project_header_init (TsProjectHeader *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  init_types (self);
  /* As the header bar spaces its own buttons. */
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
}

TsProjectHeader *
ts_project_header_new (void)
{
  return g_object_new (TS_TYPE_PROJECT_HEADER, NULL);
}

/**
 * ts_project_header_pack:
 * @header: the header bar above the project view
 *
 * Puts New Story at the bar's start and the rest at its end.
 */
void
ts_project_header_pack (TsProjectHeader *self,
                        AdwHeaderBar    *header)
{
  g_return_if_fail (TS_IS_PROJECT_HEADER (self));
  g_return_if_fail (ADW_IS_HEADER_BAR (header));

  adw_header_bar_pack_start (header, self->new_button);
  adw_header_bar_pack_end (header, GTK_WIDGET (self));
}

/* The type chosen in the New Story popover. */
TsStoryType
ts_project_header_get_new_type (TsProjectHeader *self)
{
  guint selected;

  g_return_val_if_fail (TS_IS_PROJECT_HEADER (self), TS_STORY_TYPE_FEATURE);

  selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->new_type));
  return selected <= TS_STORY_TYPE_RELEASE ? (TsStoryType) selected : TS_STORY_TYPE_FEATURE;
}

/* Back to Feature, for the next story. */
void
ts_project_header_reset_new_type (TsProjectHeader *self)
{
  g_return_if_fail (TS_IS_PROJECT_HEADER (self));

  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->new_type), TS_STORY_TYPE_FEATURE);
}
