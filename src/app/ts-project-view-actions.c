/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include <glib/gi18n.h>

#include "ts-activity.h"
#include "ts-config.h"
#include "ts-error-text.h"
#include "ts-toast.h"
#include "ts-project-settings.h"
#include "ts-reports-window.h"
#include "ts-story-editor.h"
#include "ts-workflow.h"

/* The backlog's actions ("backlog.*"), inserted on the view and on each of
 * its header's widgets; their keys are in ts-accels.c. What they change
 * goes through the store, which keeps the undo stack, held deletes and
 * retries. */

static void delete_and_focus_next (TsProjectView *self,
                                   gint64         story_id);

static void
retry_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  TsProjectView *self = user_data;

  if (self->store != NULL)
    ts_backlog_store_retry (self->store, g_variant_get_int64 (parameter));
}

static void
delete_toast_dismissed_cb (AdwToast      *undo_toast,
                           TsProjectView *self)
{
  GHashTableIter iter;
  gpointer key, toast;
  gint64 story_id = 0;

  g_hash_table_remove (self->toast_times, undo_toast);
  g_hash_table_iter_init (&iter, self->delete_toasts);
  while (g_hash_table_iter_next (&iter, &key, &toast))
    if (toast == undo_toast)
      {
        story_id = *(gint64 *) key;
        g_hash_table_iter_remove (&iter);
        break;
      }
  /* Undone, or already sent, it is no longer held. */
  if (story_id != 0 && self->store != NULL)
    ts_backlog_store_send_delete (self->store, story_id);
}

static void
add_toast (TsProjectView *self,
           AdwToast      *toast)
{
  g_hash_table_insert (self->toast_times, toast,
                       GSIZE_TO_POINTER ((gsize) (g_get_monotonic_time () / 1000)));
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
hold_delete (TsProjectView *self,
             gint64         story_id)
{
  TsStory *story = ts_backlog_store_lookup (self->store, story_id);
  g_autofree char *title = NULL;
  AdwToast *undo;

  if (story == NULL)
    return;
  title = g_strdup_printf (_("“%s” deleted"), ts_story_get_title (story));
  if (!ts_backlog_store_hold_delete (self->store, story_id))
    return;
  undo = adw_toast_new (title);
  adw_toast_set_button_label (undo, _("_Undo"));
  adw_toast_set_action_name (undo, "backlog.undo-delete");
  adw_toast_set_action_target_value (undo, g_variant_new_int64 (story_id));
  adw_toast_set_priority (undo, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (undo, UNDO_TOAST_TIMEOUT_S);
  g_signal_connect_object (undo, "dismissed", G_CALLBACK (delete_toast_dismissed_cb), self, 0);
  g_hash_table_insert (self->delete_toasts, g_memdup2 (&story_id, sizeof story_id), undo);
  add_toast (self, undo);
}

static void
undo_delete_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TsProjectView *self = user_data;
  gint64 story_id = g_variant_get_int64 (parameter);

  /* The toast goes by itself once its button is pressed. */
  g_hash_table_remove (self->delete_toasts, &story_id);
  if (self->store != NULL)
    ts_backlog_store_keep_story (self->store, story_id);
}

TsStory *
ts_project_view_story_for_action (TsProjectView *self,
                                  gint64         story_id)
{
  if (self->store == NULL || story_id <= 0)
    return NULL;
  return ts_backlog_store_lookup (self->store, story_id);
}

static gboolean
dismiss_toast_cb (gpointer user_data)
{
  adw_toast_dismiss (user_data);
  return G_SOURCE_REMOVE;
}

/* libadwaita 1.2's overlay frees a toast dismissed while it is still
 * sliding in (up to 500 ms) before its show animation ends, and that
 * animation's end then touches freed memory: dismiss once it is in. */
void
ts_project_view_dismiss_toast (TsProjectView *self,
                               AdwToast      *toast)
{
  gint64 added = GPOINTER_TO_SIZE (g_hash_table_lookup (self->toast_times, toast));
  gint64 elapsed = g_get_monotonic_time () / 1000 - added;

  if (elapsed >= TOAST_SHOW_MS)
    adw_toast_dismiss (toast);
  else
    g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (TOAST_SHOW_MS - elapsed), dismiss_toast_cb,
                        g_object_ref (toast), g_object_unref);
}

static void
select_story (TsProjectView *self,
              gint64         story_id)
{
  guint position;

  if (!ts_backlog_model_find_story (self->model, story_id, &position))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

static void
undo_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  TsProjectView *self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 story_id = 0;
  AdwToast *toast;

  if (self->store == NULL || !ts_backlog_store_undo (self->store, &story_id, &error))
    {
      g_autofree char *text = NULL;

      if (error == NULL || g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOTHING_TO_UNDO))
        {
          gtk_widget_error_bell (GTK_WIDGET (self));
          return;
        }
      text = ts_error_text_dup (error);
      add_toast (self, ts_toast_new (GTK_WIDGET (self), text));
      return;
    }
  /* A held delete taken back: its toast goes. */
  toast = g_hash_table_lookup (self->delete_toasts, &story_id);
  if (toast != NULL)
    {
      g_hash_table_remove (self->delete_toasts, &story_id);
      ts_project_view_dismiss_toast (self, toast);
    }
  select_story (self, story_id);
}

static int
selected_position (TsProjectView *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  return selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected;
}

/* Moves the selection to the next story (@step 1) or the previous one
 * (@step -1), past headers, and the keyboard focus with it. */
static void
select_step (TsProjectView *self,
             int            step)
{
  int n = (int) g_list_model_get_n_items (G_LIST_MODEL (self->model));
  int from = selected_position (self);
  int start = from < 0 ? (step > 0 ? 0 : n - 1) : from + step;

  for (int i = start; i >= 0 && i < n; i += step)
    if (ts_project_view_story_id_at (self->model, (guint) i) != 0)
      {
        gtk_single_selection_set_selected (self->selection, (guint) i);
        gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
        gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
        return;
      }
  gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
select_next_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  select_step (user_data, 1);
}

static void
select_previous_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  select_step (user_data, -1);
}

static TsStory *
selected_story (TsProjectView *self)
{
  gpointer item = ts_project_view_get_selected_item (self);

  return TS_IS_BACKLOG_ITEM (item) && ts_backlog_item_get_id (item) > 0
           ? ts_backlog_item_get_story (item) : NULL;
}

static void
open_selected_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  TsProjectView *self = user_data;
  TsStory *story = selected_story (self);

  if (story != NULL)
    ts_story_editor_present (GTK_WIDGET (self), self->store, self->api, ts_story_get_id (story));
}

/* `s`: the first of the row's next states (Start, Finish, Deliver,
 * Accept…), as its first button does. */
static void
advance_selected_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TsProjectView *self = user_data;
  TsStory *story = selected_story (self);
  TsStoryState next[2];

  if (story == NULL ||
      ts_story_next_states (ts_story_get_story_type (story), ts_story_get_state (story),
                            ts_story_has_estimate (story), next) == 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  ts_backlog_store_change_state (self->store, ts_story_get_id (story), next[0]);
}

static void
set_state_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TsProjectView *self = user_data;
  gint64 story_id;
  int state;
  TsStory *story;
  g_autoptr(TsStory) values = NULL;

  g_variant_get (parameter, "(xi)", &story_id, &state);
  story = ts_project_view_story_for_action (self, story_id);
  if (story == NULL)
    return;
  ts_project_view_select_acted_on (self, story_id);
  ts_backlog_store_change_state (self->store, story_id, (TsStoryState) state);
}

static void
estimate_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TsProjectView *self = user_data;
  gint64 story_id;
  int estimate;
  TsStory *story;
  g_autoptr(TsStory) values = NULL;

  g_variant_get (parameter, "(xi)", &story_id, &estimate);
  story = ts_project_view_story_for_action (self, story_id);
  if (story == NULL)
    return;
  ts_project_view_select_acted_on (self, story_id);
  values = ts_story_copy (story);
  ts_story_set_estimate (values, estimate);
  ts_backlog_store_update_story (self->store, story_id, TS_STORY_FIELD_ESTIMATE, values);
}

void
ts_project_view_open_editor (TsProjectView *self,
                             gint64         story_id)
{
  if (ts_project_view_story_for_action (self, story_id) == NULL)
    return;
  ts_story_editor_present (GTK_WIDGET (self), self->store, self->api, story_id);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ts_project_view_open_editor (user_data, g_variant_get_int64 (parameter));
}

/* The story a notification asked for, once its project is shown and
 * loaded: selected in the list and opened. */
void
ts_project_view_open_wanted_story (TsProjectView *self)
{
  gint64 story_id = self->wanted_story_id;

  if (story_id == 0 || self->project == NULL ||
      ts_project_get_id (self->project) != self->wanted_project_id || self->store == NULL ||
      ts_backlog_store_get_status (self->store) != TS_BACKLOG_STORE_READY)
    return;

  self->wanted_project_id = 0;
  self->wanted_story_id = 0;
  if (ts_project_view_story_for_action (self, story_id) == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("The story was deleted")));
      return;
    }
  select_story (self, story_id);
  ts_project_view_open_editor (self, story_id);
}

static void
delete_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  TsProjectView *self = user_data;

  if (self->store != NULL)
    delete_and_focus_next (self, g_variant_get_int64 (parameter));
}

/* The story now at @position (or the nearest one above) is selected and
 * its row has the keyboard focus, as after a delete: left to GTK, the
 * focus went to a button of the row below, where Space would press it. */
static void
focus_story_near (TsProjectView *self,
                  guint          position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  int found = -1;
  g_autoptr(GObject) item = NULL;
  TsBacklogRow *row;

  for (guint i = position; i < n && found < 0; i++)
    if (ts_project_view_story_id_at (self->model, i) != 0)
      found = (int) i;
  for (guint i = MIN (position, n); i > 0 && found < 0; i--)
    if (ts_project_view_story_id_at (self->model, i - 1) != 0)
      found = (int) i - 1;
  if (found < 0)
    {
      ts_project_view_focus_content (self);
      return;
    }
  gtk_single_selection_set_selected (self->selection, (guint) found);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", found);
  item = g_list_model_get_item (G_LIST_MODEL (self->model), (guint) found);
  row = g_hash_table_lookup (self->bound_rows, item);
  /* The row's parent is the list's own item widget, which takes focus as
   * the arrow keys give it. */
  if (row != NULL && gtk_widget_get_parent (GTK_WIDGET (row)) != NULL)
    gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (row)));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
delete_and_focus_next (TsProjectView *self,
                       gint64         story_id)
{
  guint position;
  gboolean listed = ts_backlog_model_find_story (self->model, story_id, &position);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean focus_in_list = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view));

  hold_delete (self, story_id);
  if (listed && (focus_in_list || focus == NULL))
    focus_story_near (self, position);
}

static void
delete_selected_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TsProjectView *self = user_data;
  gpointer item = ts_project_view_get_selected_item (self);

  if (self->store != NULL && TS_IS_BACKLOG_ITEM (item))
    delete_and_focus_next (self, ts_backlog_item_get_id (item));
}

static void
new_story_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TsProjectView *self = user_data;
  guint selected = gtk_single_selection_get_selected (self->selection);
  TsBacklogSection *section = NULL;

  if (self->store == NULL)
    return;
  /* New stories go where the selection is: the Icebox or the backlog. */
  if (selected != GTK_INVALID_LIST_POSITION)
    section = ts_backlog_model_get_section_at (self->model, selected);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->new_icebox),
                                section != NULL && section->kind == TS_BACKLOG_SECTION_ICEBOX);
  gtk_menu_button_popup (GTK_MENU_BUTTON (self->new_button));
}

static void
reconnect_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TsProjectView *self = user_data;

  if (self->realtime != NULL)
    ts_realtime_client_reconnect_now (self->realtime);
}

static void
velocity_reset_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TsProjectView *self = user_data;

  if (self->store != NULL)
    ts_backlog_store_set_velocity_override (self->store, 0);
}

static void
hide_empty_action (GSimpleAction *action,
                   GVariant      *state,
                   gpointer       user_data)
{
  TsProjectView *self = user_data;

  g_simple_action_set_state (action, state);
  ts_backlog_model_set_hide_empty (self->model, g_variant_get_boolean (state));
  ts_backlog_model_set_hide_empty (self->side_model, g_variant_get_boolean (state));
}

static void
show_done_action (GSimpleAction *action,
                  GVariant      *state,
                  gpointer       user_data)
{
  TsProjectView *self = user_data;

  g_simple_action_set_state (action, state);
  ts_backlog_model_set_done_expanded (self->model, g_variant_get_boolean (state));
  ts_backlog_model_set_done_expanded (self->side_model, g_variant_get_boolean (state));
}

static void
project_settings_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TsProjectView *self = user_data;

  ts_project_settings_present (GTK_WIDGET (self), self->store, self->api);
}

static TsBacklogPanels
panel_flag (int panel)
{
  switch (panel)
    {
    case 2:
      return TS_BACKLOG_PANEL_BACKLOG;
    case 3:
      return TS_BACKLOG_PANEL_ICEBOX;
    case 4:
      return TS_BACKLOG_PANEL_DONE;
    case 1:
    default:
      return TS_BACKLOG_PANEL_CURRENT;
    }
}

static int
shown_panel (TsProjectView *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "panel");
  g_autoptr(GVariant) state = g_action_get_state (action);

  return g_variant_get_int32 (state);
}

/* Whether the section at the head of a panel. */
static gboolean
section_starts_panel (TsBacklogSection *section,
                      int               panel)
{
  switch (panel_flag (panel))
    {
    case TS_BACKLOG_PANEL_BACKLOG:
      return section->kind == TS_BACKLOG_SECTION_ITERATION && !section->current;
    case TS_BACKLOG_PANEL_ICEBOX:
      return section->kind == TS_BACKLOG_SECTION_ICEBOX;
    case TS_BACKLOG_PANEL_DONE:
      return section->kind == TS_BACKLOG_SECTION_DONE;
    case TS_BACKLOG_PANEL_CURRENT:
    default:
      return section->kind == TS_BACKLOG_SECTION_ITERATION && section->current;
    }
}

/* With every panel listed, going to one is scrolling to its header. */
static void
scroll_to_panel (TsProjectView *self,
                 int            panel)
{
  gboolean beside = self->wide && (panel_flag (panel) & (TS_BACKLOG_PANEL_ICEBOX | TS_BACKLOG_PANEL_DONE));
  GtkWidget *list = GTK_WIDGET (beside ? self->side_list : self->list_view);
  GListModel *items = G_LIST_MODEL (ts_project_view_model_of (self, list));
  guint n = g_list_model_get_n_items (items);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (items, i);

      if (TS_IS_BACKLOG_SECTION (item) && section_starts_panel (TS_BACKLOG_SECTION (item), panel))
        {
          gtk_widget_activate_action (list, "list.scroll-to-item", "u", i);
          return;
        }
    }
}

/* Narrow, the header drops who is here, the connection and the velocity
 * (the offline banner still says when the connection is lost): with them
 * the window could not shrink below about 550 px, which is narrow enough
 * to get here, and without them it goes down to 360 px. */
void
ts_project_view_apply_layout (TsProjectView *self)
{
  TsBacklogPanels panels = TS_BACKLOG_PANELS_ALL;

  if (self->narrow)
    panels = panel_flag (shown_panel (self));
  else if (self->wide)
    panels = TS_BACKLOG_PANEL_CURRENT | TS_BACKLOG_PANEL_BACKLOG;
  gtk_revealer_set_reveal_child (self->panel_bar, self->narrow);
  gtk_widget_set_visible (self->header_extras, !self->narrow);
  gtk_widget_set_visible (self->side_scroller, self->wide);
  /* The second column's model follows the store only while it is shown:
   * in a big backlog a model that nobody sees costs memory and a ts_project_view_rebuild
   * on every plan. */
  ts_backlog_model_set_store (self->side_model, self->wide ? self->store : NULL);
  ts_backlog_model_set_panels (self->model, panels);
  ts_project_view_apply_narrow (self);
  ts_project_view_update_story_count (self);
}

static void
panel_action (GSimpleAction *action,
              GVariant      *state,
              gpointer       user_data)
{
  TsProjectView *self = user_data;
  int panel = g_variant_get_int32 (state);

  if (panel < 1 || panel > 4)
    return;
  g_simple_action_set_state (action, state);
  if (self->narrow)
    ts_project_view_apply_layout (self);
  else
    scroll_to_panel (self, panel);
  ts_project_view_focus_content (self);
}

gboolean
ts_project_view_narrow_idle_cb (gpointer user_data)
{
  TsProjectView *self = user_data;

  self->narrow_idle = 0;
  ts_project_view_apply_layout (self);
  return G_SOURCE_REMOVE;
}

/**
 * ts_project_view_expect_width:
 * @width: the width the window is about to get (its default width)
 *
 * Goes narrow before a window narrower than the view's breakpoint is laid
 * out. The view goes narrow when it is allocated less than NARROW_WIDTH,
 * but the wide header (presence, connection, velocity) keeps the window at
 * about 500 px at least: a window restored at 360 px got 500 and stayed
 * wide. The view is never wider than its window, so such a window is
 * narrow for certain.
 */
void
ts_project_view_expect_width (TsProjectView *self,
                              int            width)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));

  if (width <= 0 || width >= NARROW_WIDTH || self->narrow)
    return;
  self->narrow = TRUE;
  self->wide = FALSE;
  ts_project_view_apply_layout (self);
}

/* Who changed what: a window of its own, live while it is open. */
static void
activity_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TsProjectView *self = user_data;
  GtkWidget *window = ts_activity_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              self->api, self->store,
                                              ts_project_members_get_table (ts_backlog_store_get_members (self->store)),
                                              self->user_id);

  gtk_window_present (GTK_WINDOW (window));
}

/* Velocity and burn-up: a window of its own, live like Activity; one
 * per project, brought forward when it is already open. */
static void
reports_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TsProjectView *self = user_data;
  g_autoptr(GList) windows = gtk_window_list_toplevels ();
  GtkWidget *window = NULL;

  for (GList *l = windows; l != NULL && window == NULL; l = l->next)
    if (TS_IS_REPORTS_WINDOW (l->data) &&
        ts_reports_window_get_store (l->data) == self->store)
      window = l->data;
  if (window == NULL)
    window = ts_reports_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                    self->store);
  gtk_window_present (GTK_WINDOW (window));
}

/**
 * ts_project_view_new_story:
 * @icebox: %TRUE to put it at the end of the Icebox, %FALSE at the end of
 *   the backlog
 *
 * Creates a feature with this title.
 */
void
ts_project_view_new_story (TsProjectView *self,
                           const char    *title,
                           gboolean       icebox)
{
  ts_project_view_new_story_of_type (self, title, TS_STORY_TYPE_FEATURE, icebox);
}

/**
 * ts_project_view_new_story_of_type:
 * @icebox: %TRUE to put it at the end of the Icebox, %FALSE at the end of
 *   the backlog
 *
 * Creates a story with this title and type, as the New Story popover does.
 */
void
ts_project_view_new_story_of_type (TsProjectView *self,
                                   const char    *title,
                                   TsStoryType    type,
                                   gboolean       icebox)
{
  g_autoptr(TsStoryPatch) patch = NULL;
  g_autofree char *stripped = NULL;
  gint64 newest;
  gint64 id;
  guint position;

  g_return_if_fail (TS_IS_PROJECT_VIEW (self));

  stripped = g_strstrip (g_strdup (title != NULL ? title : ""));
  if (self->store == NULL || !ts_check_story_title (stripped, NULL))
    return;

  patch = ts_story_patch_new ();
  patch->fields = TS_STORY_FIELD_TITLE | TS_STORY_FIELD_TYPE | TS_STORY_FIELD_STATE;
  ts_story_set_title (patch->values, stripped);
  ts_story_set_story_type (patch->values, type);
  ts_story_set_state (patch->values, icebox ? TS_STORY_STATE_UNSCHEDULED
                                            : TS_STORY_STATE_UNSTARTED);
  newest = ts_project_view_newest_story_id (self->store, NULL);
  id = ts_backlog_store_create_story (self->store, patch, NULL);
  /* And again under its real id, which the server's answer brings. */
  ts_project_view_select_when_made (self, id, stripped, newest);

  /* The store shows it at once (from an idle): select it then. */
  ts_project_view_rebuild (self);
  if (ts_backlog_model_find_story (self->model, id, &position))
    {
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                  position);
    }
}

void
ts_project_view_new_entry_activate_cb (TsProjectView *self)
{
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->new_entry));
  gboolean icebox = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->new_icebox));

  glong length = g_utf8_strlen (title, -1);

  if (length > TS_STORY_TITLE_MAX_CHARS)
    {
      /* Say why and the limit: a bell alone left people guessing. */
      /* TRANSLATORS: the limit is TS_STORY_TITLE_MAX_CHARS; the number is
       * the title's length, always above it */
      g_autofree char *why = g_strdup_printf (_("A title can have at most 1,000 characters; "
                                                "this one has %ld."), length);

      gtk_label_set_label (GTK_LABEL (self->new_error), why);
      gtk_widget_set_visible (self->new_error, TRUE);
      gtk_widget_add_css_class (self->new_entry, "error");
      gtk_widget_error_bell (self->new_entry);
      return;
    }
  if (!ts_check_story_title (title, NULL))
    {
      gtk_widget_error_bell (self->new_entry);
      return;
    }
  ts_project_view_new_story_of_type (self, title, ts_project_header_get_new_type (self->header),
                                     icebox);
  gtk_editable_set_text (GTK_EDITABLE (self->new_entry), "");
  ts_project_header_reset_new_type (self->header);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->new_button));
  /* Back to the backlog, where `a` adds the next story: left on the +
   * button, the next title's first space would press it. */
  ts_project_view_focus_content (self);
}

static const GActionEntry backlog_actions[] = {
  { "new-story", new_story_action, NULL, NULL, NULL, { 0 } },
  { "set-state", set_state_action, "(xi)", NULL, NULL, { 0 } },
  { "estimate", estimate_action, "(xi)", NULL, NULL, { 0 } },
  { "open", open_action, "x", NULL, NULL, { 0 } },
  { "delete", delete_action, "x", NULL, NULL, { 0 } },
  { "delete-selected", delete_selected_action, NULL, NULL, NULL, { 0 } },
  { "undo-delete", undo_delete_action, "x", NULL, NULL, { 0 } },
  { "retry", retry_action, "x", NULL, NULL, { 0 } },
  { "reconnect", reconnect_action, NULL, NULL, NULL, { 0 } },
  { "velocity-reset", velocity_reset_action, NULL, NULL, NULL, { 0 } },
  { "hide-empty", NULL, NULL, "false", hide_empty_action, { 0 } },
  { "show-done", NULL, NULL, "false", show_done_action, { 0 } },
  { "project-settings", project_settings_action, NULL, NULL, NULL, { 0 } },
  { "activity", activity_action, NULL, NULL, NULL, { 0 } },
  { "reports", reports_action, NULL, NULL, NULL, { 0 } },
  { "panel", NULL, "i", "1", panel_action, { 0 } },
  { "search", ts_project_view_search_action, NULL, NULL, NULL, { 0 } },
  { "undo", undo_action, NULL, NULL, NULL, { 0 } },
  { "select-next", select_next_action, NULL, NULL, NULL, { 0 } },
  { "select-previous", select_previous_action, NULL, NULL, NULL, { 0 } },
  { "open-selected", open_selected_action, NULL, NULL, NULL, { 0 } },
  { "advance-selected", advance_selected_action, NULL, NULL, NULL, { 0 } },
};

void
ts_project_view_add_actions (TsProjectView *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), backlog_actions,
                                   G_N_ELEMENTS (backlog_actions), self);
  ts_project_view_add_looks_actions (self);
  ts_project_view_add_move_actions (self);
  ts_project_view_add_menu_actions (self);
  ts_project_view_add_tracker_actions (self);
}
