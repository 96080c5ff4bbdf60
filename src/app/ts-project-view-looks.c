/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

/* How the project looks as its layout and plan change.
 *
 * Which page the project's content shows: the list, or a status page in
 * its place when the list would be blank. A project without stories
 * says how to begin; a search that matches nothing says so; and the
 * Done panel of a narrow window, alone and holding no story (a first
 * iteration, or done iterations where nothing was accepted), says what
 * comes there; so does the Backlog panel when it lists nothing at all
 * (every planned story fits in Current), which was a blank page. Current
 * and the Icebox always show at least their header (the current
 * iteration is always planned, the Icebox always listed). */

static gboolean
done_alone_and_empty (TsProjectView *self)
{
  return self->filter == NULL && ts_backlog_model_get_panels (self->model) == TS_BACKLOG_PANEL_DONE &&
         ts_backlog_model_get_n_stories (self->model) == 0;
}

static gboolean
backlog_alone_and_empty (TsProjectView *self)
{
  return self->filter == NULL && ts_backlog_model_get_panels (self->model) == TS_BACKLOG_PANEL_BACKLOG &&
         g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0;
}

const char *
ts_project_view_content_page (TsProjectView *self,
                              guint          n_stories)
{
  if (n_stories == 0)
    return "empty";
  if (self->filter != NULL && ts_backlog_model_get_n_stories (self->model) == 0 &&
      (!self->wide || ts_backlog_model_get_n_stories (self->side_model) == 0))
    return "no-results";
  if (done_alone_and_empty (self))
    return "done-empty";
  if (backlog_alone_and_empty (self))
    return "backlog-empty";
  return "list";
}

/* The what-if velocity of a narrow window. The header drops the velocity
 * button there (ts_project_view_apply_layout()), so the view menu offers
 * "What-If Velocity…", which opens the same popover, lent to the view
 * menu's button while it is up: one set of controls, wherever it shows. */

static void
velocity_popover_closed_cb (GtkPopover    *popover,
                            TsProjectView *self)
{
  g_signal_handlers_disconnect_by_func (popover, velocity_popover_closed_cb, self);
  gtk_widget_unparent (GTK_WIDGET (popover));
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->velocity_button), GTK_WIDGET (popover));
  g_object_unref (popover);
}

/* After the view menu, which pressed it, has gone. */
static gboolean
lend_velocity_popover_cb (gpointer user_data)
{
  TsProjectView *self = user_data;
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (self->velocity_button));

  if (popover == NULL || !gtk_widget_get_mapped (self->view_menu_button))
    return G_SOURCE_REMOVE;
  g_object_ref (popover);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->velocity_button), NULL);
  gtk_widget_set_parent (GTK_WIDGET (popover), self->view_menu_button);
  g_signal_connect_object (popover, "closed", G_CALLBACK (velocity_popover_closed_cb), self, 0);
  gtk_popover_popup (popover);
  return G_SOURCE_REMOVE;
}

static void
what_if_velocity_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TsProjectView *self = user_data;

  if (!gtk_widget_get_sensitive (self->velocity_button))
    return;
  if (gtk_widget_get_mapped (self->velocity_button))
    gtk_menu_button_popup (GTK_MENU_BUTTON (self->velocity_button));
  else
    g_idle_add_full (G_PRIORITY_DEFAULT, lend_velocity_popover_cb, g_object_ref (self),
                     g_object_unref);
}

static const GActionEntry looks_actions[] = {
  { "what-if-velocity", what_if_velocity_action, NULL, NULL, NULL, { 0 } },
};

void
ts_project_view_add_looks_actions (TsProjectView *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), looks_actions,
                                   G_N_ELEMENTS (looks_actions), self);
  /* Until the view is narrow. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                            "what-if-velocity")),
                               FALSE);
}

/* What changes with the window's width, besides the panels: a narrow
 * window's rows are compact (ts_backlog_row_set_compact(); the rows bound
 * now change here, those bound later when they are), and its view menu
 * offers the what-if velocity (hidden while disabled). */
void
ts_project_view_apply_narrow (TsProjectView *self)
{
  GAction *what_if = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "what-if-velocity");
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    ts_backlog_row_set_compact (row, self->narrow);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (what_if), self->narrow);
}
