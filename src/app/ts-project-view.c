/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include <glib/gi18n.h>

#include "ts-accels.h"
#include "ts-application.h"
#include "ts-config.h"
#include "ts-conflict-dialog.h"
#include "ts-error-text.h"
#include "ts-toast.h"

/*
 * TsProjectView: one open project, the live planned backlog.
 *
 * It owns the project's TsBacklogStore (made when the project is shown,
 * closed when another one is) and shows its plan through TsBacklogModels
 * (one per list; each follows the store by itself) in GtkListViews, which
 * recycle their rows. Every change a person makes goes through the store,
 * which shows it at once and keeps everything about the project: members,
 * held deletes, undo, retries, marks of others' changes. The view keeps
 * only widgets: the toasts of held deletes, the search, the layout.
 *
 * Its header widgets (New Story, velocity, the connection status, the view
 * menu) are packed into the window's header bar by the window. Its actions
 * ("backlog.*") are inserted on the view and on each of those widgets: on
 * GTK 4.8, a group inserted on an ancestor once the view's buttons exist
 * leaves them insensitive.
 */

G_DEFINE_FINAL_TYPE (TsProjectView, ts_project_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_STORY_COUNT,
  PROP_BANNER_SHOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROJECT_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


/* Presence: the other people viewing the project, as avatars. */
#define MAX_AVATARS 5

static void load (TsProjectView *self);

static void ts_project_view_close_store (TsProjectView *self);

/* Which model a list of the view shows. */
TsBacklogModel *
ts_project_view_model_of (TsProjectView *self,
                          GtkWidget     *list)
{
  return list == GTK_WIDGET (self->side_list) ? self->side_model : self->model;
}

static void
set_story_count (TsProjectView *self,
                 int            count)
{
  if (self->story_count == count)
    return;

  self->story_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORY_COUNT]);
}

void
ts_project_view_update_story_count (TsProjectView *self)
{
  GListModel *stories;
  guint n;

  if (self->store == NULL || ts_backlog_store_get_status (self->store) != TS_BACKLOG_STORE_READY)
    return;
  stories = ts_backlog_store_get_stories (self->store);
  n = g_list_model_get_n_items (stories);
  set_story_count (self, (int) n);
  gtk_stack_set_visible_child_name (self->content_stack, ts_project_view_content_page (self, n));
}

static void
update_velocity (TsProjectView *self)
{
  TsPlan *plan = self->store != NULL ? ts_backlog_store_get_plan (self->store) : NULL;
  g_autofree char *value = NULL;
  g_autofree char *said = NULL;
  g_autofree char *reset = NULL;
  gboolean overridden;

  /* No project open (it was deleted, or this user left it): no figures. */
  gtk_widget_set_visible (self->velocity_button, self->store != NULL);
  gtk_widget_set_sensitive (self->velocity_button, plan != NULL);
  if (plan == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->velocity_value), "–");
      return;
    }

  overridden = ts_plan_has_velocity_override (plan);
  value = g_strdup_printf ("%d", ts_plan_get_velocity_shown (plan));
  gtk_label_set_label (GTK_LABEL (self->velocity_value), value);
  /* The figure is what a screen reader should say, not only "Velocity". */
  said = g_strdup_printf (overridden ? _("What-if velocity %d") : _("Velocity %d"),
                          ts_plan_get_velocity_shown (plan));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->velocity_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, said, -1);
  if (overridden)
    {
      gtk_widget_add_css_class (self->velocity_button, "overridden");
      gtk_widget_set_tooltip_text (self->velocity_button,
                                   _("Velocity (a what-if only you see)"));
    }
  else
    {
      gtk_widget_remove_css_class (self->velocity_button, "overridden");
      gtk_widget_set_tooltip_text (self->velocity_button, _("Velocity"));
    }

  reset = g_strdup_printf (_("Use Calculated Velocity (%d)"),
                           MAX (1, (int) ts_plan_get_calculated_velocity (plan)));
  gtk_button_set_label (GTK_BUTTON (self->velocity_reset), reset);
  gtk_widget_set_sensitive (self->velocity_reset, overridden);
  gtk_widget_set_visible (self->velocity_note, overridden);

  self->updating_velocity = TRUE;
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->velocity_spin),
                             (int) ts_plan_get_velocity (plan));
  self->updating_velocity = FALSE;
}

static void
set_banner_shown (TsProjectView *self,
                  gboolean       shown)
{
  if (self->banner_shown == shown)
    return;
  self->banner_shown = shown;
  gtk_revealer_set_reveal_child (self->banner, shown);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BANNER_SHOWN]);
}

void
ts_project_view_update_connection (TsProjectView *self)
{
  TsRealtimeState state = self->realtime != NULL ? ts_realtime_client_get_state (self->realtime)
                                                 : TS_REALTIME_STATE_OFFLINE;
  const char *icon;
  const char *label;
  const char *tooltip;

  switch (state)
    {
    case TS_REALTIME_STATE_CONNECTED:
      icon = "emblem-ok-symbolic";
      label = _("Live");
      tooltip = _("Connected: changes by others appear as they happen");
      break;
    case TS_REALTIME_STATE_CONNECTING:
    case TS_REALTIME_STATE_UNAVAILABLE:
      icon = "emblem-synchronizing-symbolic";
      label = _("Reconnecting…");
      tooltip = _("The connection to the server was lost; trying again");
      break;
    case TS_REALTIME_STATE_OFFLINE:
    default:
      icon = "network-offline-symbolic";
      label = _("Offline");
      tooltip = _("No connection to the server");
      break;
    }
  /* The banner comes once the connection is lost (not while the first one
   * is made) and goes only when it is back, so that retries, which pass
   * through "connecting", do not make it flicker. The label needs it. */
  ts_project_view_set_banner_label (self, state);
  if (state == TS_REALTIME_STATE_CONNECTED)
    ts_project_view_unpark_retiring (self);
  if (self->realtime == NULL || self->store == NULL || state == TS_REALTIME_STATE_CONNECTED)
    set_banner_shown (self, FALSE);
  else if (state == TS_REALTIME_STATE_OFFLINE || state == TS_REALTIME_STATE_UNAVAILABLE)
    set_banner_shown (self, TRUE);
  gtk_widget_set_visible (self->status_box, self->store != NULL);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->status_icon), icon);
  ts_project_view_set_status_label (self, label);
  gtk_widget_set_tooltip_text (self->status_box, tooltip);
  if (state == TS_REALTIME_STATE_CONNECTED)
    gtk_widget_remove_css_class (self->status_box, "offline");
  else
    gtk_widget_add_css_class (self->status_box, "offline");
}

void
ts_project_view_update_actions (TsProjectView *self)
{
  gboolean ready = self->store != NULL &&
                   ts_backlog_store_get_status (self->store) == TS_BACKLOG_STORE_READY;
  const char *names[] = { "new-story", "delete-selected", "hide-empty", "show-done",
                          "project-settings", "import-tracker", "export-tracker", "activity",
                          "reports", "panel", "search", "undo", "select-next", "select-previous",
                          "open-selected", "advance-selected" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), names[i]);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), ready);
    }
  gtk_widget_set_sensitive (self->new_button, ready);
  gtk_widget_set_sensitive (self->view_menu_button, ready);
  gtk_widget_set_sensitive (self->search_button, ready);
}

/* After the models rebuilt themselves (connected after them, or called
 * once they did). */
static void
plan_changed_cb (TsProjectView *self)
{
  gpointer selected = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GObject) keep = selected != NULL ? g_object_ref (selected) : NULL;
  guint position;

  /* A story that moved is removed and inserted again: select it where it
   * went. */
  if (keep != NULL && gtk_single_selection_get_selected_item (self->selection) != (gpointer) keep &&
      ts_backlog_model_find (self->model, keep, &position))
    gtk_single_selection_set_selected (self->selection, position);

  update_velocity (self);
  ts_project_view_update_story_count (self);
}

/* Rebuilds both lists now (the filter changed), then what follows the
 * plan. */
void
ts_project_view_rebuild (TsProjectView *self)
{
  gpointer selected = gtk_single_selection_get_selected_item (self->selection);
  g_autoptr(GObject) keep = selected != NULL ? g_object_ref (selected) : NULL;
  guint position;

  ts_backlog_model_rebuild (self->model);
  ts_backlog_model_rebuild (self->side_model);
  if (keep != NULL && gtk_single_selection_get_selected_item (self->selection) != (gpointer) keep &&
      ts_backlog_model_find (self->model, keep, &position))
    gtk_single_selection_set_selected (self->selection, position);
  ts_project_view_update_story_count (self);
}

static void
edit_failed_cb (TsProjectView *self,
                gint64         story_id,
                const GError  *error)
{
  g_autofree char *message = ts_error_text_dup (error);
  AdwToast *failed = ts_toast_new (GTK_WIDGET (self), message);

  adw_toast_set_priority (failed, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (failed, 10);
  if (ts_backlog_store_can_retry (self->store, story_id))
    {
      adw_toast_set_button_label (failed, _("_Retry"));
      adw_toast_set_action_name (failed, "backlog.retry");
      adw_toast_set_action_target_value (failed, g_variant_new_int64 (story_id));
    }
  adw_toast_overlay_add_toast (self->toasts, failed);
}

static void
conflict_cb (TsProjectView         *self,
             const TsStoryConflict *conflict)
{
  ts_conflict_dialog_present (GTK_WIDGET (self), self->store, conflict);
}

static void
back_to_projects_cb (TsProjectView *self)
{
  g_signal_emit (self, signals[SIGNAL_PROJECT_CLOSED], 0, self->project);
}

static void
show_message (TsProjectView *self,
              const char    *title,
              const char    *description,
              const char    *button)
{
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_button_set_label (self->status_button, button);
  gtk_widget_set_visible (GTK_WIDGET (self->status_button), button != NULL);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "message");
}

static void
closed_cb (TsProjectView *self,
           const GError  *error)
{
  g_autoptr(TsProject) project = self->project != NULL ? g_object_ref (self->project) : NULL;
  g_autofree char *message = ts_error_text_dup (error);

  show_message (self, _("Project Unavailable"), message, _("_Back to Projects"));
  ts_project_view_close_store (self);
  ts_project_view_update_actions (self);
  ts_project_view_update_connection (self);
  update_velocity (self);
  /* The window takes the project out of the sidebar and shows it. */
  g_signal_emit (self, signals[SIGNAL_PROJECT_CLOSED], 0, project);
}

static void
update_presence (TsProjectView *self)
{
  g_autoptr(GPtrArray) members = NULL;
  g_autofree char *me = g_strdup_printf ("%" G_GINT64_FORMAT, self->user_id);
  GtkWidget *child;
  guint shown = 0, others = 0;

  while ((child = gtk_widget_get_first_child (self->presence_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->presence_box), child);

  if (self->realtime != NULL && self->presence_channel != NULL)
    members = ts_realtime_client_get_members (self->realtime, self->presence_channel);
  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      TsRealtimeMember *member = g_ptr_array_index (members, i);
      const char *name = member->name != NULL && *member->name != '\0' ? member->name
                                                                         : member->user_id;
      GtkWidget *avatar;

      if (g_strcmp0 (member->user_id, me) == 0)
        continue;
      others++;
      if (shown == MAX_AVATARS)
        continue;
      avatar = adw_avatar_new (24, name, TRUE);
      gtk_widget_set_tooltip_text (avatar, name);
      gtk_box_append (GTK_BOX (self->presence_box), avatar);
      shown++;
    }
  if (others > shown)
    {
      g_autofree char *more = g_strdup_printf ("+%u", others - shown);
      GtkWidget *label = gtk_label_new (more);

      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (self->presence_box), label);
    }
  gtk_widget_set_visible (self->presence_box, others > 0);
  if (others > 0)
    {
      g_autofree char *tooltip = g_strdup_printf (ngettext ("%u other person is viewing this project",
                                                      "%u other people are viewing this project",
                                                      others), others);

      gtk_widget_set_tooltip_text (self->presence_box, tooltip);
    }
}

static void
members_changed_cb (TsProjectView *self,
                    const char    *channel)
{
  if (g_strcmp0 (channel, self->presence_channel) == 0)
    update_presence (self);
}

/* Presence says who is viewing the project: only while the view is on
 * screen, so not while the window is hidden in the background. */
static void
subscribe_presence (TsProjectView *self)
{
  if (self->realtime == NULL || self->project == NULL || self->presence_channel != NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->presence_channel = ts_project_dup_presence_channel (self->project);
  ts_realtime_client_subscribe (self->realtime, self->presence_channel);
  update_presence (self);
}

static void
unsubscribe_presence (TsProjectView *self)
{
  if (self->presence_channel == NULL)
    return;
  if (self->realtime != NULL)
    ts_realtime_client_unsubscribe (self->realtime, self->presence_channel);
  g_clear_pointer (&self->presence_channel, g_free);
  update_presence (self);
}

/* Someone's name is known now: `owner:` terms find them. */
static void
store_members_changed_cb (TsProjectView *self)
{
  if (self->filter != NULL)
    ts_project_view_rebuild (self);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TsProjectView *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ts_backlog_store_load_finish (TS_BACKLOG_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Cannot load project %" G_GINT64_FORMAT ": %s",
                 ts_project_get_id (self->project), error->message);
      if (ts_backlog_store_get_status (self->store) != TS_BACKLOG_STORE_CLOSED)
        {
          g_autofree char *text = ts_error_text_dup (error);

          show_message (self, _("Could Not Load the Backlog"), text, _("_Try Again"));
        }
      return;
    }

  /* Before the models fill: GTK makes rows for what the lists hold. */
  ts_project_view_show_first_screen (self);
  ts_backlog_model_set_store (self->model, self->store);
  ts_backlog_model_set_store (self->side_model, self->wide ? self->store : NULL);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "backlog");
  update_velocity (self);
  ts_project_view_update_story_count (self);
  ts_project_view_update_actions (self);
  ts_project_view_update_connection (self);
  ts_project_view_focus_content (self);
  ts_project_view_open_wanted_story (self);
  ts_project_view_flush_other_projects (self);
}

/* The application's, which tells the user what others do in the project
 * shown; none where the view lives without a TsApplication. */
static TsNotifier *
notifier (void)
{
  GApplication *application = g_application_get_default ();

  return TS_IS_APPLICATION (application) ? ts_application_get_notifier (TS_APPLICATION (application))
                                         : NULL;
}

static void
load (TsProjectView *self)
{
  TsBacklogStore *store;

  store = ts_backlog_store_new (self->api, self->realtime, ts_project_get_id (self->project));
  self->store = store;
  ts_project_view_attach_offline (self, store);
  /* After the models, which follow the store by themselves. */
  g_signal_connect_object (store, "plan-changed", G_CALLBACK (plan_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (store, "held-changed", G_CALLBACK (plan_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (store, "members-changed", G_CALLBACK (store_members_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "edit-failed", G_CALLBACK (edit_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "conflict", G_CALLBACK (conflict_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "closed", G_CALLBACK (closed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ts_backlog_store_get_comment_index (store), "changed",
                           G_CALLBACK (ts_project_view_refilter), self, G_CONNECT_SWAPPED);
  self->stories_handler = g_signal_connect_object (ts_backlog_store_get_stories (store),
                                                   "items-changed",
                                                   G_CALLBACK (ts_project_view_update_story_count), self,
                                                   G_CONNECT_SWAPPED);

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  self->cancellable = g_cancellable_new ();
  ts_backlog_store_load_async (store, self->cancellable, loaded_cb, self);
  subscribe_presence (self);
  if (notifier () != NULL)
    ts_notifier_watch (notifier (), store, self->user_id);
}

static void
status_button_cb (TsProjectView *self)
{
  if (self->store != NULL && self->project != NULL &&
      ts_backlog_store_get_status (self->store) != TS_BACKLOG_STORE_CLOSED)
    {
      /* Try Again. */
      ts_project_view_close_store (self);
      load (self);
      return;
    }
  back_to_projects_cb (self);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              TsProjectView            *self)
{
  gtk_list_item_set_child (list_item, ts_backlog_row_new (list_item));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             TsProjectView            *self)
{
  gpointer item = gtk_list_item_get_item (list_item);
  TsBacklogRow *row = TS_BACKLOG_ROW (gtk_list_item_get_child (list_item));
  gboolean is_story = TS_IS_BACKLOG_ITEM (item);

  gtk_list_item_set_selectable (list_item, is_story);
  gtk_list_item_set_activatable (list_item,
                                 is_story || (TS_IS_BACKLOG_SECTION (item) &&
                                              TS_BACKLOG_SECTION (item)->kind == TS_BACKLOG_SECTION_DONE));
  ts_backlog_row_set_compact (row, self->narrow);
  ts_backlog_row_bind (row, item);
  g_hash_table_insert (self->bound_rows, item, row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               TsProjectView            *self)
{
  TsBacklogRow *row = TS_BACKLOG_ROW (gtk_list_item_get_child (list_item));
  gpointer item = ts_backlog_row_get_item (row);

  if (item != NULL && g_hash_table_lookup (self->bound_rows, item) == row)
    g_hash_table_remove (self->bound_rows, item);
  ts_backlog_row_unbind (row);
}

static void
activate_in (TsProjectView  *self,
             TsBacklogModel *model,
             guint           position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  if (TS_IS_BACKLOG_ITEM (item))
    ts_project_view_open_editor (self, ts_backlog_item_get_id (TS_BACKLOG_ITEM (item)));
  else if (TS_IS_BACKLOG_SECTION (item) && TS_BACKLOG_SECTION (item)->kind == TS_BACKLOG_SECTION_DONE)
    g_action_group_activate_action (G_ACTION_GROUP (self->actions), "show-done",
                                    g_variant_new_boolean (!ts_backlog_model_get_done_expanded (self->model)));
}

static void
activate_cb (TsProjectView *self,
             guint          position)
{
  activate_in (self, self->model, position);
}

static void
side_activate_cb (TsProjectView *self,
                  guint          position)
{
  activate_in (self, self->side_model, position);
}

/* The held deletes are sent and their toasts taken away: the window is
 * hidden or the project closed, where nobody can undo. */
static void
send_held_deletes (TsProjectView *self)
{
  g_autoptr(GPtrArray) toasts = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer toast;

  g_hash_table_iter_init (&iter, self->delete_toasts);
  while (g_hash_table_iter_next (&iter, NULL, &toast))
    g_ptr_array_add (toasts, g_object_ref (toast));
  /* Forgotten first, so that the toasts' dismissal sends nothing twice. */
  g_hash_table_remove_all (self->delete_toasts);
  if (self->store != NULL)
    g_array_unref (ts_backlog_store_send_held_deletes (self->store));
  for (guint i = 0; i < toasts->len; i++)
    ts_project_view_dismiss_toast (self, g_ptr_array_index (toasts, i));
}

/* Another project is shown: the edits still on their way (held deletes
 * included) are sent and answered before the store closes. */
static void
ts_project_view_close_store (TsProjectView *self)
{
  g_autoptr(TsBacklogStore) store = NULL;

  unsubscribe_presence (self);
  if (self->store == NULL)
    return;

  if (notifier () != NULL)
    ts_notifier_unwatch (notifier (), self->store);
  send_held_deletes (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_signal_handlers_disconnect_by_data (self->store, self);
  g_signal_handlers_disconnect_by_data (ts_backlog_store_get_comment_index (self->store), self);
  if (self->stories_handler != 0)
    g_signal_handler_disconnect (ts_backlog_store_get_stories (self->store), self->stories_handler);
  self->stories_handler = 0;
  ts_backlog_model_set_store (self->model, NULL);
  ts_backlog_model_set_store (self->side_model, NULL);
  store = g_steal_pointer (&self->store);

  if (ts_backlog_store_get_status (store) == TS_BACKLOG_STORE_READY &&
      ts_backlog_store_get_n_pending_edits (store) > 0)
    ts_project_view_retire_store (self, store);
  else
    ts_backlog_store_close (store);
}

static gboolean
edits_answered (TsProjectView *self)
{
  for (guint i = 0; i < self->retiring->len; i++)
    if (ts_backlog_store_get_n_pending_edits (g_ptr_array_index (self->retiring, i)) > 0)
      return FALSE;
  return self->store == NULL || ts_backlog_store_get_n_pending_edits (self->store) == 0;
}

/**
 * ts_project_view_send_held_deletes:
 *
 * Sends the deletes held back by their undo toasts now and takes the toasts
 * away: the window is hidden, where nobody can undo.
 */
void
ts_project_view_send_held_deletes (TsProjectView *self)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));

  send_held_deletes (self);
}

/**
 * ts_project_view_flush:
 *
 * Sends the deletes held back by their undo toasts: the app is going.
 * Edits still on their way are waited for by
 * ts_project_view_close_async(), which the quit action runs first.
 */
void
ts_project_view_flush (TsProjectView *self)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));

  send_held_deletes (self);
}

static gboolean
close_poll_cb (gpointer user_data)
{
  GTask *task = user_data;
  TsProjectView *self = g_task_get_source_object (task);
  gint64 deadline = *(gint64 *) g_task_get_task_data (task);

  if (!edits_answered (self) && !ts_project_view_edits_are_kept (self) &&
      g_get_monotonic_time () < deadline && !g_task_return_error_if_cancelled (task))
    return G_SOURCE_CONTINUE;
  if (g_task_had_error (task))
    return G_SOURCE_REMOVE;
  if (!edits_answered (self))
    g_message ("Closing with edits the server has not answered");
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

/**
 * ts_project_view_close_async:
 *
 * Sends the deletes held back by their undo toasts and waits, on the main
 * loop (a few seconds at most), until every edit on its way has been
 * answered: the app is about to quit. Not when the server cannot be
 * reached: what waits is in the outbox, sent on the next launch.
 */
void
ts_project_view_close_async (TsProjectView       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gint64 deadline = g_get_monotonic_time () + FLUSH_TIMEOUT_MS * 1000;

  g_return_if_fail (TS_IS_PROJECT_VIEW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_project_view_close_async);
  send_held_deletes (self);
  if (edits_answered (self) || ts_project_view_edits_are_kept (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_set_task_data (task, g_memdup2 (&deadline, sizeof deadline), g_free);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 50, close_poll_cb, g_object_ref (task), g_object_unref);
}

gboolean
ts_project_view_close_finish (TsProjectView  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
ts_project_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  TsProjectView *self = TS_PROJECT_VIEW (widget);
  gboolean narrow = width < NARROW_WIDTH;
  gboolean wide = width >= WIDE_WIDTH;

  gtk_widget_allocate (GTK_WIDGET (self->stack), width, height, baseline, NULL);
  /* The layout changes after this allocation, not during it. */
  if (narrow != self->narrow || wide != self->wide)
    {
      self->narrow = narrow;
      self->wide = wide;
      if (self->narrow_idle == 0)
        self->narrow_idle = g_idle_add (ts_project_view_narrow_idle_cb, self);
    }
  /* Only a shown menu needs placing: presenting a hidden one still asks the
   * display server for the monitor's work area, on every scroll frame. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->context_menu)))
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
ts_project_view_map (GtkWidget *widget)
{
  TsProjectView *self = TS_PROJECT_VIEW (widget);

  GTK_WIDGET_CLASS (ts_project_view_parent_class)->map (widget);
  if (self->store != NULL)
    subscribe_presence (self);
}

static void
ts_project_view_unmap (GtkWidget *widget)
{
  unsubscribe_presence (TS_PROJECT_VIEW (widget));

  GTK_WIDGET_CLASS (ts_project_view_parent_class)->unmap (widget);
}

static void
ts_project_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  TsProjectView *self = TS_PROJECT_VIEW (widget);

  gtk_widget_measure (GTK_WIDGET (self->stack), orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
ts_project_view_dispose (GObject *object)
{
  TsProjectView *self = TS_PROJECT_VIEW (object);

  ts_project_view_close_store (self);
  for (guint i = 0; i < self->retiring->len; i++)
    {
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->retiring, i), self);
      ts_backlog_store_close (g_ptr_array_index (self->retiring, i));
    }
  g_ptr_array_set_size (self->retiring, 0);
  if (self->realtime != NULL)
    {
      g_clear_signal_handler (&self->realtime_handler, self->realtime);
      g_clear_signal_handler (&self->members_handler, self->realtime);
    }
  g_clear_object (&self->realtime);
  g_clear_object (&self->api);
  g_clear_object (&self->local_copy);
  g_clear_object (&self->outbox);
  g_clear_object (&self->project);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  if (self->side_list != NULL)
    gtk_list_view_set_model (self->side_list, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_PROJECT_VIEW);
  ts_project_view_show_all_rows (self);
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_object (&self->model);
  g_clear_object (&self->side_selection);
  g_clear_object (&self->side_slice);
  g_clear_object (&self->side_model);
  g_clear_object (&self->header);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->filter, ts_story_filter_free);
  g_clear_handle_id (&self->narrow_idle, g_source_remove);

  G_OBJECT_CLASS (ts_project_view_parent_class)->dispose (object);
}

static void
ts_project_view_finalize (GObject *object)
{
  TsProjectView *self = TS_PROJECT_VIEW (object);

  g_hash_table_unref (self->delete_toasts);
  g_hash_table_unref (self->bound_rows);
  g_hash_table_unref (self->toast_times);
  g_ptr_array_unref (self->retiring);
  g_hash_table_unref (self->retire_deadlines);

  G_OBJECT_CLASS (ts_project_view_parent_class)->finalize (object);
}

static void
ts_project_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TsProjectView *self = TS_PROJECT_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_STORY_COUNT:
      g_value_set_int (value, self->story_count);
      break;
    case PROP_BANNER_SHOWN:
      g_value_set_boolean (value, self->banner_shown);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_project_view_class_init (TsProjectViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_project_view_dispose;
  object_class->finalize = ts_project_view_finalize;
  object_class->get_property = ts_project_view_get_property;
  widget_class->size_allocate = ts_project_view_size_allocate;
  widget_class->map = ts_project_view_map;
  widget_class->unmap = ts_project_view_unmap;
  widget_class->measure = ts_project_view_measure;

  /**
   * TsProjectView:project:
   *
   * The project shown, or %NULL.
   */
  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TS_TYPE_PROJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * TsProjectView:story-count:
   *
   * How many stories the project holds, or -1 while they load or when they
   * could not be read.
   */
  properties[PROP_STORY_COUNT] =
    g_param_spec_int ("story-count", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * TsProjectView:banner-shown:
   *
   * Whether the offline banner is shown.
   */
  properties[PROP_BANNER_SHOWN] =
    g_param_spec_boolean ("banner-shown", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TsProjectView::project-closed:
   * @project: the project
   *
   * The project is gone for this user (deleted, or membership lost), or
   * the person asked to go back to the projects after that.
   */
  signals[SIGNAL_PROJECT_CLOSED] =
    g_signal_new ("project-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, TS_TYPE_PROJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-project-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, stack);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, spinner);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, status_page);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, status_button);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, banner);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, banner_label);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, toasts);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, panel_bar);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, side_list);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, side_scroller);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, scroller);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, list_view);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, search_entry);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, side_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, status_button_cb);
  gtk_widget_class_bind_template_callback (widget_class, ts_project_view_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, ts_project_view_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, ts_project_view_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, ts_project_view_search_mode_cb);
}

static void
ts_project_view_init (TsProjectView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) side_factory = NULL;

  self->story_count = -1;
  self->delete_toasts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->bound_rows = g_hash_table_new (NULL, NULL);
  self->toast_times = g_hash_table_new (NULL, NULL);
  self->retiring = g_ptr_array_new_with_free_func (g_object_unref);
  self->retire_deadlines = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  /* Also on the view itself, for the rows, the banner and the empty page;
   * before the template, whose buttons find their actions as they are made
   * (GTK 4.8 does not tell them of a group inserted later). */
  self->actions = g_simple_action_group_new ();
  ts_project_view_add_actions (self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "backlog", G_ACTION_GROUP (self->actions));

  gtk_widget_init_template (GTK_WIDGET (self));

  ts_project_view_init_header (self);
  self->context_menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  self->model = ts_backlog_model_new ();
  self->selection = ts_project_view_new_selection (self->model, &self->slice);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  self->side_model = ts_backlog_model_new ();
  ts_backlog_model_set_panels (self->side_model, TS_BACKLOG_PANEL_ICEBOX | TS_BACKLOG_PANEL_DONE);
  self->side_selection = ts_project_view_new_selection (self->side_model, &self->side_slice);
  side_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (side_factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (side_factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (side_factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->side_list, side_factory);
  gtk_list_view_set_model (self->side_list, GTK_SELECTION_MODEL (self->side_selection));

  /* Keys of the backlog (ts-accels.c): some while the focus is anywhere
   * in it but in a text field, some anywhere in the window. */
  ts_accels_add_shortcuts (GTK_WIDGET (self), TS_ACCEL_BACKLOG);
  ts_accels_add_shortcuts (GTK_WIDGET (self), TS_ACCEL_BACKLOG_WINDOW);

  ts_project_view_init_dnd (self);
  ts_project_view_init_focus (self);


  update_velocity (self);
  ts_project_view_update_connection (self);
  ts_project_view_update_actions (self);
}

GtkWidget *
ts_project_view_new (void)
{
  return g_object_new (TS_TYPE_PROJECT_VIEW, NULL);
}

/**
 * ts_project_view_get_project:
 *
 * Returns: (transfer none) (nullable): the project shown
 */
TsProject *
ts_project_view_get_project (TsProjectView *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), NULL);

  return self->project;
}

/**
 * ts_project_view_set_project:
 * @client: (nullable): the account's REST client
 * @realtime: (nullable): the account's realtime connection
 * @project: (nullable): the project to show
 *
 * Closes the backlog shown and opens @project's.
 */
void
ts_project_view_set_project (TsProjectView    *self,
                             TsApiClient      *client,
                             TsRealtimeClient *realtime,
                             TsProject        *project)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));
  g_return_if_fail (client == NULL || TS_IS_API_CLIENT (client));
  g_return_if_fail (realtime == NULL || TS_IS_REALTIME_CLIENT (realtime));
  g_return_if_fail (project == NULL || TS_IS_PROJECT (project));

  ts_project_view_close_store (self);
  if (g_set_object (&self->project, project))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
  /* Another project was chosen since a notification asked for a story. */
  if (project != NULL && ts_project_get_id (project) != self->wanted_project_id)
    self->wanted_story_id = self->wanted_project_id = 0;
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  set_story_count (self, -1);

  if (self->realtime != realtime)
    {
      if (self->realtime != NULL)
        {
          g_clear_signal_handler (&self->realtime_handler, self->realtime);
          g_clear_signal_handler (&self->members_handler, self->realtime);
        }
      g_set_object (&self->realtime, realtime);
      if (realtime != NULL)
        {
          self->realtime_handler = g_signal_connect_swapped (realtime, "notify::state",
                                                             G_CALLBACK (ts_project_view_update_connection), self);
          self->members_handler = g_signal_connect_swapped (realtime, "members-changed",
                                                            G_CALLBACK (members_changed_cb), self);
        }
    }
  g_set_object (&self->api, client);

  if (project == NULL || client == NULL || realtime == NULL)
    {
      show_message (self, "", NULL, NULL);
      adw_status_page_set_icon_name (self->status_page, NULL);
    }
  else
    {
      adw_status_page_set_icon_name (self->status_page, "dialog-warning-symbolic");
      load (self);
    }
  update_velocity (self);
  ts_project_view_update_actions (self);
  ts_project_view_update_connection (self);
}

/**
 * ts_project_view_set_user_id:
 * @user_id: the signed-in user, who is not shown among those present
 */
void
ts_project_view_set_user_id (TsProjectView *self,
                             gint64         user_id)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));

  if (self->user_id == user_id)
    return;
  self->user_id = user_id;
  update_presence (self);
}

/**
 * ts_project_view_open_story:
 *
 * Opens the story's editor once @project_id is the project shown and
 * loaded (now, if it is), selecting the story in the list. Showing
 * another project first forgets it.
 */
void
ts_project_view_open_story (TsProjectView *self,
                            gint64         project_id,
                            gint64         story_id)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));

  self->wanted_project_id = project_id;
  self->wanted_story_id = story_id;
  ts_project_view_open_wanted_story (self);
}

/**
 * ts_project_view_get_story_count:
 *
 * Returns: the project's stories, or -1 while they load
 */
int
ts_project_view_get_story_count (TsProjectView *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), -1);

  return self->story_count;
}

/**
 * ts_project_view_get_store:
 *
 * Returns: (transfer none) (nullable): the open project's store
 */
TsBacklogStore *
ts_project_view_get_store (TsProjectView *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), NULL);

  return self->store;
}

/**
 * ts_project_view_get_model:
 *
 * Returns: (transfer none): the list the view shows
 */
TsBacklogModel *
ts_project_view_get_model (TsProjectView *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), NULL);

  return self->model;
}

/**
 * ts_project_view_get_list_view:
 *
 * Returns: (transfer none): the backlog's list view
 */
GtkListView *
ts_project_view_get_list_view (TsProjectView *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), NULL);

  return self->list_view;
}

gboolean
ts_project_view_get_banner_shown (TsProjectView *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), FALSE);

  return self->banner_shown;
}
