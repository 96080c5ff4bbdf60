/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-accessible"

#include "ts-accessible.h"

#include <adwaita.h>
#include <glib/gi18n.h>

/*
 * What a screen reader hears of a button with a mnemonic label. GTK 4.8
 * gives such a button its raw label as accessible label, and reads the
 * label child's text after it: "_New Story New Story". Resetting the
 * property leaves the child's text alone, "New Story". A menu button with
 * a label reads only its type name ("GtkMenuButton") on its outer widget,
 * so it gets its label without the underline.
 *
 * The lists inside libadwaita's rows and groups read only their type
 * name too ("GtkListView" in a combo row, "GtkListBox" in an expander row
 * or a group without a title): they are named after the row, or after the
 * group's first row.
 *
 * Every button and list of the app is seen the same way, wherever it is built (the
 * windows' templates, dialogs made in code, popovers, rows): the first
 * time it is mapped, and again whenever its label changes.
 */

#define SEEN_KEY "ts-accessible-seen"

/**
 * ts_accessible_strip_mnemonic:
 * @label: a label that may mark its mnemonic with an underline
 *
 * Returns: the label as it is shown, "__" read as one underline
 */
char *
ts_accessible_strip_mnemonic (const char *label)
{
  GString *text = g_string_sized_new (strlen (label));

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] != '\0')
        p++;
      g_string_append_c (text, *p);
    }
  return g_string_free (text, FALSE);
}

static void
name_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    {
      const char *label = gtk_menu_button_get_label (GTK_MENU_BUTTON (widget));
      g_autofree char *shown = NULL;

      if (label == NULL)
        return;
      shown = gtk_menu_button_get_use_underline (GTK_MENU_BUTTON (widget))
                ? ts_accessible_strip_mnemonic (label) : g_strdup (label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, shown, -1);
      return;
    }
  if (gtk_button_get_use_underline (GTK_BUTTON (widget)) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
  else if (gtk_button_get_label (GTK_BUTTON (widget)) == NULL &&
           GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (widget))))
    /* A label set as the child (libadwaita's About window's version)
     * names nothing: GTK 4.8 reads "GtkButton". */
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (widget)))),
                                    -1);
  else if (GTK_IS_TOGGLE_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL &&
           gtk_widget_get_ancestor (widget, GTK_TYPE_SHORTCUTS_WINDOW) != NULL)
    /* GTK's shortcuts window leaves its search button unnamed. */
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Search Shortcuts"), -1);
}

static void
name_list (GtkWidget *list)
{
  GtkWidget *row = gtk_widget_get_ancestor (list, ADW_TYPE_PREFERENCES_ROW);
  GtkWidget *group = gtk_widget_get_ancestor (list, ADW_TYPE_PREFERENCES_GROUP);
  const char *title = NULL;

  g_autofree char *shown = NULL;

  if (row == NULL && group != NULL && GTK_IS_LIST_BOX (list) &&
      g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), "") == 0)
    {
      /* The first row a person sees. */
      for (int i = 0; (row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), i))) != NULL; i++)
        if (gtk_widget_get_visible (row))
          break;
    }
  if (!ADW_IS_PREFERENCES_ROW (row))
    return;
  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  if (title == NULL || title[0] == '\0')
    return;
  shown = adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (row))
            ? ts_accessible_strip_mnemonic (title) : g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, shown, -1);
}

static void
label_changed_cb (GtkWidget *widget)
{
  name_button (widget);
}

static gboolean
map_hook (GSignalInvocationHint *hint,
          guint                  n_values,
          const GValue          *values,
          gpointer               user_data)
{
  GObject *object = g_value_get_object (&values[0]);

  if (GTK_IS_LIST_BOX (object) || GTK_IS_LIST_VIEW (object))
    {
      if (g_object_get_data (object, SEEN_KEY) == NULL)
        name_list (GTK_WIDGET (object));
      g_object_set_data (object, SEEN_KEY, GINT_TO_POINTER (TRUE));
      return TRUE;
    }
  if ((!GTK_IS_BUTTON (object) && !GTK_IS_MENU_BUTTON (object)) ||
      g_object_get_data (object, SEEN_KEY) != NULL)
    return TRUE;
  g_object_set_data (object, SEEN_KEY, GINT_TO_POINTER (TRUE));
  name_button (GTK_WIDGET (object));
  /* After GTK's own handler, which sets the raw label again. */
  g_signal_connect_after (object, "notify::label", G_CALLBACK (label_changed_cb), NULL);
  g_signal_connect_after (object, "notify::use-underline", G_CALLBACK (label_changed_cb), NULL);
  return TRUE;
}

/**
 * ts_accessible_name_mnemonic_buttons:
 *
 * Gives every button the app maps from now on the name a person reads on
 * it. Called once, at startup.
 */
void
ts_accessible_name_mnemonic_buttons (void)
{
  g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0,
                              map_hook, NULL, NULL);
}
