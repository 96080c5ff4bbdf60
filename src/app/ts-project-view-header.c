/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include <glib/gi18n.h>

/* The view's header widgets: New Story, the velocity, the connection, who
 * is here, search and the view menu. The window packs them in its header
 * bar; the backlog's actions are inserted on each (on GTK 4.8, a group
 * inserted on an ancestor once the buttons exist leaves them
 * insensitive). */

static void
velocity_changed_cb (TsProjectView *self)
{
  TsPlan *plan;
  int value;

  if (self->updating_velocity || self->store == NULL ||
      (plan = ts_backlog_store_get_plan (self->store)) == NULL)
    return;
  value = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->velocity_spin));
  /* Rule 6: the calculated value is no override. */
  if (value == (int) ts_plan_get_calculated_velocity (plan) ||
      (value == 1 && ts_plan_get_calculated_velocity (plan) < 1))
    ts_backlog_store_set_velocity_override (self->store, 0);
  else
    ts_backlog_store_set_velocity_override (self->store, value);
}

static GtkWidget *
build_velocity_button (TsProjectView *self)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *caption = gtk_label_new (_("Velocity"));
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_label_new (_("What-If Velocity"));
  GtkWidget *description = gtk_label_new (_("Plan with another velocity. Only this window sees it; nothing is saved."));

  gtk_widget_add_css_class (caption, "dim-label");
  self->velocity_value = gtk_label_new ("–");
  gtk_widget_add_css_class (self->velocity_value, "velocity-value");
  gtk_widget_add_css_class (self->velocity_value, "heading");
  gtk_box_append (GTK_BOX (child), caption);
  gtk_box_append (GTK_BOX (child), self->velocity_value);
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), child);
  gtk_widget_add_css_class (button, "velocity-button");

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (description), 30);
  gtk_widget_add_css_class (description, "dim-label");
  self->velocity_spin = gtk_spin_button_new_with_range (1, 1000, 1);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (self->velocity_spin), TRUE);
  g_signal_connect_object (self->velocity_spin, "value-changed", G_CALLBACK (velocity_changed_cb),
                           self, G_CONNECT_SWAPPED);
  self->velocity_note = gtk_label_new (_("What-if: the plan uses this velocity"));
  gtk_widget_add_css_class (self->velocity_note, "caption");
  gtk_widget_add_css_class (self->velocity_note, "accent");
  self->velocity_reset = gtk_button_new_with_label ("");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->velocity_reset), "backlog.velocity-reset");

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), description);
  gtk_box_append (GTK_BOX (box), self->velocity_spin);
  gtk_box_append (GTK_BOX (box), self->velocity_note);
  gtk_box_append (GTK_BOX (box), self->velocity_reset);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  return button;
}

/* A refused title's reason goes as soon as the title changes. */
static void
new_entry_changed_cb (TsProjectView *self)
{
  gtk_widget_set_visible (self->new_error, FALSE);
  gtk_widget_remove_css_class (self->new_entry, "error");
}

static GtkWidget *
build_new_button (TsProjectView *self)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *where = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *backlog = gtk_toggle_button_new_with_mnemonic (_("_Backlog"));
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add"));
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "list-add-symbolic");
  gtk_widget_set_tooltip_text (button, _("New Story"));

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  self->new_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->new_entry), _("Story title"));
  gtk_entry_set_activates_default (GTK_ENTRY (self->new_entry), FALSE);
  gtk_widget_set_size_request (self->new_entry, 280, -1);
  g_signal_connect_object (self->new_entry, "activate", G_CALLBACK (ts_project_view_new_entry_activate_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->new_entry, "changed", G_CALLBACK (new_entry_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->new_error = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->new_error), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->new_error), 36);
  gtk_label_set_xalign (GTK_LABEL (self->new_error), 0);
  gtk_widget_add_css_class (self->new_error, "error");
  gtk_widget_add_css_class (self->new_error, "caption");
  gtk_widget_set_visible (self->new_error, FALSE);

  self->new_icebox = gtk_toggle_button_new_with_mnemonic (_("_Icebox"));
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->new_icebox), GTK_TOGGLE_BUTTON (backlog));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (backlog), TRUE);
  gtk_widget_add_css_class (where, "linked");
  gtk_box_append (GTK_BOX (where), backlog);
  gtk_box_append (GTK_BOX (where), self->new_icebox);
  gtk_widget_set_hexpand (where, TRUE);
  gtk_widget_set_halign (where, GTK_ALIGN_START);

  gtk_widget_add_css_class (add, "suggested-action");
  g_signal_connect_object (add, "clicked", G_CALLBACK (ts_project_view_new_entry_activate_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (row), where);
  gtk_box_append (GTK_BOX (row), add);

  gtk_box_append (GTK_BOX (box), self->new_entry);
  gtk_box_append (GTK_BOX (box), self->new_error);
  gtk_box_append (GTK_BOX (box), row);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_popover_set_default_widget (GTK_POPOVER (popover), add);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  return button;
}

static GtkWidget *
build_status (TsProjectView *self)
{
  self->status_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->status_icon = gtk_image_new ();
  self->status_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->status_box, "sync-status");
  gtk_widget_add_css_class (self->status_box, "dim-label");
  gtk_box_append (GTK_BOX (self->status_box), self->status_icon);
  gtk_box_append (GTK_BOX (self->status_box), self->status_label);
  gtk_widget_set_margin_start (self->status_box, 6);
  gtk_widget_set_margin_end (self->status_box, 6);
  return self->status_box;
}

static GtkWidget *
build_view_menu (TsProjectView *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) view_section = g_menu_new ();
  g_autoptr(GMenu) project_section = g_menu_new ();
  GtkWidget *button = gtk_menu_button_new ();

  g_menu_append (view_section, _("_Hide Empty Iterations"), "backlog.hide-empty");
  g_menu_append (view_section, _("_Show Done Iterations"), "backlog.show-done");
  g_menu_append (project_section, _("_Activity"), "backlog.activity");
  g_menu_append (project_section, _("_Project Settings"), "backlog.project-settings");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (view_section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (project_section));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (button, _("View and Project"));
  return button;
}

/* The header's widgets, which the window packs in its header bar
 * (ts_project_view_pack_header()). */
void
ts_project_view_init_header (TsProjectView *self)
{
  self->new_button = g_object_ref_sink (build_new_button (self));
  self->velocity_button = g_object_ref_sink (build_velocity_button (self));
  g_object_ref_sink (build_status (self));
  self->view_menu_button = g_object_ref_sink (build_view_menu (self));
  self->header_extras = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  self->presence_box = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4));
  gtk_widget_add_css_class (self->presence_box, "presence");
  gtk_widget_set_valign (self->presence_box, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->presence_box, FALSE);
  self->search_button = g_object_ref_sink (gtk_toggle_button_new ());
  gtk_button_set_icon_name (GTK_BUTTON (self->search_button), "system-search-symbolic");
  gtk_widget_set_tooltip_text (self->search_button, _("Search"));
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

  adw_header_bar_pack_start (header, self->new_button);
  adw_header_bar_pack_end (header, self->view_menu_button);
  adw_header_bar_pack_end (header, self->search_button);
  /* Who is here, the connection and the velocity: not in a narrow window
   * (see ts_project_view_apply_layout()). */
  gtk_box_append (GTK_BOX (self->header_extras), self->presence_box);
  gtk_box_append (GTK_BOX (self->header_extras), self->status_box);
  gtk_box_append (GTK_BOX (self->header_extras), self->velocity_button);
  adw_header_bar_pack_end (header, self->header_extras);
  ts_project_view_update_actions (self);
}
