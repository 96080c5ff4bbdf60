/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-tooltips"

#include "ts-tooltips.h"

/*
 * GTK 4.8 shows a button's tooltip again while the popover the button
 * opened is up: the pointer still rests on the button, so after the hover
 * delay the tooltip comes back, drawn over the popover's first item or
 * heading (the main menu, New Story, velocity, a date). Every popover in
 * the app is quieted the same way, wherever it is built: while it is
 * mapped, the nearest widget above it that has a tooltip has none, and it
 * gets it back when the popover goes.
 */

#define QUIETED_KEY "ts-tooltips-quieted"

static void
restore_tooltip (GtkWidget *popover)
{
  GWeakRef *quieted = g_object_get_data (G_OBJECT (popover), QUIETED_KEY);
  g_autoptr(GtkWidget) widget = NULL;

  if (quieted == NULL)
    return;
  widget = g_weak_ref_get (quieted);
  if (widget != NULL)
    gtk_widget_set_has_tooltip (widget, TRUE);
  g_object_set_data (G_OBJECT (popover), QUIETED_KEY, NULL);
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
quiet_tooltip (GtkWidget *popover)
{
  GWeakRef *quieted;

  for (GtkWidget *widget = gtk_widget_get_parent (popover);
       widget != NULL && !GTK_IS_ROOT (widget); widget = gtk_widget_get_parent (widget))
    {
      if (!gtk_widget_get_has_tooltip (widget))
        continue;
      gtk_widget_set_has_tooltip (widget, FALSE);
      quieted = g_new0 (GWeakRef, 1);
      g_weak_ref_init (quieted, widget);
      g_object_set_data_full (G_OBJECT (popover), QUIETED_KEY, quieted,
                              (GDestroyNotify) weak_ref_free);
      return;
    }
}

static gboolean
map_hook (GSignalInvocationHint *hint,
          guint                  n_values,
          const GValue          *values,
          gpointer               user_data)
{
  GObject *object = g_value_get_object (&values[0]);

  if (GTK_IS_POPOVER (object) && g_object_get_data (object, QUIETED_KEY) == NULL)
    quiet_tooltip (GTK_WIDGET (object));
  return TRUE;
}

static gboolean
unmap_hook (GSignalInvocationHint *hint,
            guint                  n_values,
            const GValue          *values,
            gpointer               user_data)
{
  GObject *object = g_value_get_object (&values[0]);

  if (GTK_IS_POPOVER (object))
    restore_tooltip (GTK_WIDGET (object));
  return TRUE;
}

/**
 * ts_tooltips_quiet_under_popovers:
 *
 * From now on, no tooltip of the widget that opened a popover shows while
 * the popover is up. Called once, at the application's start.
 */
void
ts_tooltips_quiet_under_popovers (void)
{
  static gsize installed = 0;
  gpointer klass;

  if (!g_once_init_enter (&installed))
    return;
  /* The signals exist once the class does. */
  klass = g_type_class_ref (GTK_TYPE_WIDGET);
  g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0, map_hook, NULL, NULL);
  g_signal_add_emission_hook (g_signal_lookup ("unmap", GTK_TYPE_WIDGET), 0, unmap_hook, NULL,
                              NULL);
  g_type_class_unref (klass);
  g_once_init_leave (&installed, 1);
}
