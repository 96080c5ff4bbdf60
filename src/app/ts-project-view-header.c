/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

/* The view's header (TsProjectHeader, a template widget): New Story, the
 * velocity, the connection, who is here, search and the view menu. The
 * window packs it in its header bar; the view fills it and answers its
 * signals. The backlog's actions are inserted on each button (on GTK 4.8,
 * a group inserted on an ancestor once the buttons exist leaves them
 * insensitive, and New Story is not the header's child). */

static void
velocity_changed_cb (TsProjectView *self,
                     int            value)
{
  TsPlan *plan;

  if (self->updating_velocity || self->store == NULL ||
      (plan = ts_backlog_store_get_plan (self->store)) == NULL)
    return;
  /* Rule 6: the calculated value is no override. */
  if (value == (int) ts_plan_get_calculated_velocity (plan) ||
      (value == 1 && ts_plan_get_calculated_velocity (plan) < 1))
    ts_backlog_store_set_velocity_override (self->store, 0);
  else
    ts_backlog_store_set_velocity_override (self->store, value);
}

/* The header, and short names for its widgets. */
void
ts_project_view_init_header (TsProjectView *self)
{
  TsProjectHeader *header = g_object_ref_sink (ts_project_header_new ());

  self->header = header;
  self->new_button = header->new_button;
  self->new_entry = header->new_entry;
  self->new_error = header->new_error;
  self->new_icebox = header->new_icebox;
  self->velocity_button = header->velocity_button;
  self->velocity_value = header->velocity_value;
  self->velocity_spin = header->velocity_spin;
  self->velocity_reset = header->velocity_reset;
  self->velocity_note = header->velocity_note;
  self->status_box = header->status_box;
  self->status_icon = header->status_icon;
  self->status_label = header->status_label;
  self->view_menu_button = header->view_menu_button;
  self->presence_box = header->presence_box;
  self->search_button = header->search_button;
  self->header_extras = header->extras;

  g_signal_connect_object (header, "new-story", G_CALLBACK (ts_project_view_new_entry_activate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (header, "velocity-changed", G_CALLBACK (velocity_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_object_bind_property (self->search_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_widget_insert_action_group (self->new_button, "backlog", G_ACTION_GROUP (self->actions));
  gtk_widget_insert_action_group (self->velocity_button, "backlog", G_ACTION_GROUP (self->actions));
  gtk_widget_insert_action_group (self->view_menu_button, "backlog", G_ACTION_GROUP (self->actions));
}

/**
 * ts_project_view_pack_header:
 * @header: the header bar above the view
 *
 * Puts the view's buttons in the window's header bar.
 */
void
ts_project_view_pack_header (TsProjectView *self,
                             AdwHeaderBar  *header)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));
  g_return_if_fail (ADW_IS_HEADER_BAR (header));

  ts_project_header_pack (self->header, header);
  ts_project_view_update_actions (self);
}
