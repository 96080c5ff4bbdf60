/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-capacity-note"

#include "ts-capacity-note.h"

#include <glib/gi18n.h>

#include "ts-config.h"

/*
 * Why an iteration's header says "12 of 8 points": the planner fills
 * iterations cumulatively (doc/planning.md, rules 8 to 10), so Current
 * keeps all work under way whatever its size, the first story goes into
 * an empty Current whatever its size, and capacity a later iteration
 * leaves unused carries over to the next. The header says so where the
 * number is: as the points' tooltip and accessible description, and in
 * a popover of a small info button beside them, which the keyboard
 * reaches (tooltips are for the pointer only).
 */

#define NOTE_KEY "ts-capacity-note"

/**
 * ts_capacity_note_dup:
 *
 * Returns: (transfer full) (nullable): why @section holds more points
 *   than its capacity, or %NULL when it does not
 */
char *
ts_capacity_note_dup (TsBacklogSection *section)
{
  int capacity;

  g_return_val_if_fail (TS_IS_BACKLOG_SECTION (section), NULL);

  if (section->kind != TS_BACKLOG_SECTION_ITERATION || section->points <= section->capacity + 1e-9)
    return NULL;
  /* As the header shows it. */
  capacity = (int) (section->capacity + 1e-9);
  if (section->current)
    /* TRANSLATORS: %d is the current iteration's capacity in points */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Work under way and stories accepted in this iteration "
                                         "stay in Current whatever their size, and the first "
                                         "story goes here even when it is bigger than the "
                                         "velocity: so Current can hold more than its capacity "
                                         "of %d point.",
                                         "Work under way and stories accepted in this iteration "
                                         "stay in Current whatever their size, and the first "
                                         "story goes here even when it is bigger than the "
                                         "velocity: so Current can hold more than its capacity "
                                         "of %d points.",
                                         capacity),
                            capacity);
  /* TRANSLATORS: %d is the iteration's own capacity in points */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Points the iterations before this one leave unused "
                                       "carry over: a story goes in the first iteration where "
                                       "the capacity so far covers it, so this one can hold "
                                       "more than its own "
                                       "%d point.",
                                       "Points the iterations before this one leave unused "
                                       "carry over: a story goes in the first iteration where "
                                       "the capacity so far covers it, so this one can hold "
                                       "more than its own "
                                       "%d points.",
                                       capacity),
                          capacity);
}

/* The popover is made when it opens: a header row is recycled for any
 * section, and most never need it. */
static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  GtkWidget *box, *heading, *text, *popover;

  if (gtk_menu_button_get_popover (button) != NULL)
    return;
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  heading = gtk_label_new (_("More Than the Capacity"));
  text = gtk_label_new (ts_capacity_note_button_get (GTK_WIDGET (button)));
  popover = gtk_popover_new ();
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 36);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), text);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (button, popover);
}

/**
 * ts_capacity_note_button_new:
 *
 * Returns: (transfer floating): a small info button whose popover shows
 *   the note set with ts_capacity_note_button_set()
 */
GtkWidget *
ts_capacity_note_button_new (void)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "dialog-information-symbolic");
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (button), FALSE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "capacity-note");
  gtk_widget_set_tooltip_text (button, _("Why More Than the Capacity"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Why More Than the Capacity"),
                                  -1);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), create_popup_cb, NULL, NULL);
  return button;
}

/* Shows @note, or hides the button for %NULL. */
void
ts_capacity_note_button_set (GtkWidget  *button,
                             const char *note)
{
  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  if (g_strcmp0 (note, ts_capacity_note_button_get (button)) == 0)
    return;
  g_object_set_data_full (G_OBJECT (button), NOTE_KEY, g_strdup (note), g_free);
  /* Made again with the new note when it next opens. */
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), NULL);
  gtk_widget_set_visible (button, note != NULL);
  if (note != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, note, -1);
}

const char *
ts_capacity_note_button_get (GtkWidget *button)
{
  g_return_val_if_fail (GTK_IS_WIDGET (button), NULL);

  return g_object_get_data (G_OBJECT (button), NOTE_KEY);
}
