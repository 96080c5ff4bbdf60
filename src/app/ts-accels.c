/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-accels"

#include "ts-accels.h"

/*
 * Every accelerator of the app, in one table: the application's (set on
 * the GtkApplication), the backlog's (a shortcut controller on the project
 * view, local or window-wide) and the secondary windows' (class bindings).
 * The keyboard shortcuts window (gtk/help-overlay.ui) lists the same keys.
 */

typedef struct {
  TsAccelScope scope;
  const char *trigger;      /* gtk_shortcut_trigger_parse_string() */
  const char *action;
  const char *target;       /* a GVariant text, or NULL */
} Accel;

static const Accel accels[] = {
  { TS_ACCEL_APPLICATION, "<Control>q", "app.quit", NULL },
  { TS_ACCEL_APPLICATION, "<Control>comma", "app.preferences", NULL },
  { TS_ACCEL_APPLICATION, "<Control>n", "win.new-project", NULL },
  { TS_ACCEL_APPLICATION, "<Control>w", "window.close", NULL },

  /* `a` as in Tracker; j/k as in mail readers; `s` rather than Space,
   * which presses the focused button or row. Local: in a text field these
   * keys type, and Ctrl+Z is the field's own undo. */
  { TS_ACCEL_BACKLOG, "a", "backlog.new-story", NULL },
  { TS_ACCEL_BACKLOG, "Delete", "backlog.delete-selected", NULL },
  { TS_ACCEL_BACKLOG, "slash", "backlog.search", NULL },
  { TS_ACCEL_BACKLOG, "j", "backlog.select-next", NULL },
  { TS_ACCEL_BACKLOG, "k", "backlog.select-previous", NULL },
  { TS_ACCEL_BACKLOG, "s", "backlog.advance-selected", NULL },
  { TS_ACCEL_BACKLOG, "Return|KP_Enter", "backlog.open-selected", NULL },
  { TS_ACCEL_BACKLOG, "<Control>z", "backlog.undo", NULL },
  /* Alt with the arrows, Home and End moves the selected story in its
   * panel; without Alt they move the selection. Menu and Shift+F10 open
   * its row's menu, as they open a text field's. */
  { TS_ACCEL_BACKLOG, "<Alt>Up", "backlog.move-selected", "'up'" },
  { TS_ACCEL_BACKLOG, "<Alt>Down", "backlog.move-selected", "'down'" },
  { TS_ACCEL_BACKLOG, "<Alt>Home", "backlog.move-selected", "'top'" },
  { TS_ACCEL_BACKLOG, "<Alt>End", "backlog.move-selected", "'bottom'" },
  { TS_ACCEL_BACKLOG, "Menu|<Shift>F10", "backlog.row-menu", NULL },

  /* Anywhere in the window: Ctrl+N is New Project. */
  { TS_ACCEL_BACKLOG_WINDOW, "<Control><Shift>n", "backlog.new-story", NULL },
  { TS_ACCEL_BACKLOG_WINDOW, "<Control>f", "backlog.search", NULL },
  { TS_ACCEL_BACKLOG_WINDOW, "<Control>1", "backlog.panel", "1" },
  { TS_ACCEL_BACKLOG_WINDOW, "<Control>2", "backlog.panel", "2" },
  { TS_ACCEL_BACKLOG_WINDOW, "<Control>3", "backlog.panel", "3" },
  { TS_ACCEL_BACKLOG_WINDOW, "<Control>4", "backlog.panel", "4" },

  { TS_ACCEL_DIALOG, "Escape", "window.close", NULL },
  { TS_ACCEL_DIALOG, "<Control>w", "window.close", NULL },
};

/**
 * ts_accels_install_application:
 *
 * Sets the application's accelerators.
 */
void
ts_accels_install_application (GtkApplication *application)
{
  g_return_if_fail (GTK_IS_APPLICATION (application));

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    {
      const char *keys[] = { accels[i].trigger, NULL };

      if (accels[i].scope == TS_ACCEL_APPLICATION)
        gtk_application_set_accels_for_action (application, accels[i].action, keys);
    }
}

static GtkShortcut *
shortcut_new (const Accel *accel)
{
  GtkShortcutTrigger *trigger = gtk_shortcut_trigger_parse_string (accel->trigger);
  GtkShortcut *shortcut;

  g_assert (trigger != NULL);
  shortcut = gtk_shortcut_new (trigger, gtk_named_action_new (accel->action));
  if (accel->target != NULL)
    gtk_shortcut_set_arguments (shortcut, g_variant_parse (NULL, accel->target, NULL, NULL, NULL));
  return shortcut;
}

/**
 * ts_accels_add_shortcuts:
 * @scope: %TS_ACCEL_BACKLOG or %TS_ACCEL_BACKLOG_WINDOW
 *
 * Adds a shortcut controller with the scope's accelerators to @widget.
 */
void
ts_accels_add_shortcuts (GtkWidget    *widget,
                         TsAccelScope  scope)
{
  GtkEventController *controller;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  controller = gtk_shortcut_controller_new ();
  if (scope == TS_ACCEL_BACKLOG_WINDOW)
    gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                       GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    if (accels[i].scope == scope)
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                            shortcut_new (&accels[i]));
  gtk_widget_add_controller (widget, controller);
}

/**
 * ts_accels_add_bindings:
 * @scope: %TS_ACCEL_DIALOG
 *
 * Adds the scope's accelerators to a window class.
 */
void
ts_accels_add_bindings (GtkWidgetClass *widget_class,
                        TsAccelScope    scope)
{
  g_return_if_fail (GTK_IS_WIDGET_CLASS (widget_class));

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    if (accels[i].scope == scope)
      gtk_widget_class_add_shortcut (widget_class, shortcut_new (&accels[i]));
}

/**
 * ts_accels_get:
 * @index: from 0
 * @trigger: (out) (optional): the keys, as gtk_shortcut_trigger_parse_string() reads them
 * @action: (out) (optional): the action
 *
 * Reads the table (the shortcuts window's test walks it).
 *
 * Returns: %FALSE past the end
 */
gboolean
ts_accels_get (guint          index,
               TsAccelScope  *scope,
               const char   **trigger,
               const char   **action)
{
  if (index >= G_N_ELEMENTS (accels))
    return FALSE;
  if (scope != NULL)
    *scope = accels[index].scope;
  if (trigger != NULL)
    *trigger = accels[index].trigger;
  if (action != NULL)
    *action = accels[index].action;
  return TRUE;
}

/* How many accelerators a scope has (for tests). */
guint
ts_accels_count (TsAccelScope scope)
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    if (accels[i].scope == scope)
      n++;
  return n;
}
