/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include <glib/gi18n.h>

#include "ts-display.h"
#include "ts-story-names.h"
#include "ts-workflow.h"

/* A story row's menu: a right click or a long press (touch) on the row,
 * Menu or Shift+F10 on the selected one. Its items name the backlog.*
 * actions with the story's id (each one request); Type and Estimate are
 * the actions of a "row" group made for the story the menu is opened on,
 * whose state is the story's type and estimate, so that the menu marks
 * them. Only what the workflow allows is offered. */

typedef struct {
  TsProjectView *view;
  gint64 story_id;
} RowMenu;

/* Whether @value is already the action's state: the checked item, chosen
 * again, sends nothing. */
static gboolean
same_state (GSimpleAction *action,
            GVariant      *value)
{
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));

  return g_variant_equal (state, value);
}

static void
row_type_cb (GSimpleAction *action,
             GVariant      *value,
             gpointer       user_data)
{
  RowMenu *menu = user_data;

  if (same_state (action, value))
    return;
  if (ts_project_view_set_type (menu->view, menu->story_id, g_variant_get_int32 (value)))
    g_simple_action_set_state (action, value);
  else
    gtk_widget_error_bell (GTK_WIDGET (menu->view));
}

static void
row_estimate_cb (GSimpleAction *action,
                 GVariant      *value,
                 gpointer       user_data)
{
  RowMenu *menu = user_data;

  if (same_state (action, value))
    return;
  g_simple_action_set_state (action, value);
  g_action_group_activate_action (G_ACTION_GROUP (menu->view->actions), "estimate",
                                  g_variant_new ("(xi)", menu->story_id,
                                                 g_variant_get_int32 (value)));
}

static const GActionEntry row_actions[] = {
  { "type", NULL, "i", "0", row_type_cb, { 0 } },
  { "estimate", NULL, "i", "-1", row_estimate_cb, { 0 } },
};

static void
set_state (GSimpleActionGroup *group,
           const char         *name,
           int                 value)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (group), name);

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_int32 (value));
}

static GSimpleActionGroup *
row_group_new (TsProjectView *self,
               TsStory       *story)
{
  GSimpleActionGroup *group = g_simple_action_group_new ();
  RowMenu *menu = g_new0 (RowMenu, 1);

  menu->view = self;
  menu->story_id = ts_story_get_id (story);
  /* The menu's data lives as long as the group its actions are in. */
  g_object_set_data_full (G_OBJECT (group), "ts-row-menu", menu, g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (group), row_actions, G_N_ELEMENTS (row_actions),
                                   menu);
  set_state (group, "type", ts_story_get_story_type (story));
  set_state (group, "estimate", ts_story_get_estimate (story));
  return group;
}

static void
append_item (GMenu      *menu,
             const char *label,
             const char *action,
             GVariant   *target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, target);
  g_menu_append_item (menu, item);
}

/* Whether the story's type takes an estimate in this project, as the
 * editor's Estimate row shows it. */
static gboolean
takes_estimate (TsProject   *project,
                TsStoryType  type)
{
  return type == TS_STORY_TYPE_FEATURE ||
         ((type == TS_STORY_TYPE_BUG || type == TS_STORY_TYPE_CHORE) &&
          ts_project_get_bugs_and_chores_are_pointed (project));
}

static GMenuModel *
estimate_menu (TsProjectView *self,
               TsStory       *story)
{
  TsPointScale scale = ts_project_get_point_scale (ts_backlog_store_get_project (self->store));
  g_autoptr(TsStory) without = ts_story_copy (story);
  GMenu *menu = g_menu_new ();
  const int *values;
  guint n_values;

  values = ts_point_scale_get_values (scale, &n_values);
  for (guint i = 0; i < n_values; i++)
    {
      g_autofree char *label = ts_display_estimate (values[i]);

      append_item (menu, label, "row.estimate", g_variant_new_int32 (values[i]));
    }
  /* A started feature keeps its estimate. */
  ts_story_set_estimate (without, TS_ESTIMATE_NONE);
  if (ts_story_check_change (story, without, scale, NULL))
    append_item (menu, _("No Estimate"), "row.estimate", g_variant_new_int32 (TS_ESTIMATE_NONE));
  return G_MENU_MODEL (menu);
}

static GMenuModel *
type_menu (TsProjectView *self,
           TsStory       *story)
{
  GMenu *menu = g_menu_new ();

  for (TsStoryType type = TS_STORY_TYPE_FEATURE; type <= TS_STORY_TYPE_RELEASE; type++)
    if (type == ts_story_get_story_type (story) ||
        ts_project_view_type_change (self, story, type, NULL) != 0)
      append_item (menu, ts_story_type_display_name (type), "row.type",
                   g_variant_new_int32 (type));
  return G_MENU_MODEL (menu);
}

static GMenuModel *
moves_section (TsProjectView *self,
               TsStory       *story)
{
  GMenu *section = g_menu_new ();
  gint64 id = ts_story_get_id (story);
  gboolean first = FALSE;
  TsStoryPanel panel = ts_project_view_story_panel (self, id, &first);

  if (panel != TS_STORY_PANEL_NONE && !first)
    append_item (section, _("Move to _Top"), "backlog.move-to-top", g_variant_new_int64 (id));
  if (panel == TS_STORY_PANEL_PLANNED &&
      ts_story_state_change_allowed (ts_story_get_story_type (story), ts_story_get_state (story),
                                     TS_STORY_STATE_UNSCHEDULED))
    append_item (section, _("Move to _Icebox"), "backlog.move-to-icebox", g_variant_new_int64 (id));
  if (panel == TS_STORY_PANEL_ICEBOX)
    append_item (section, _("Move to _Backlog"), "backlog.move-to-backlog",
                 g_variant_new_int64 (id));
  return G_MENU_MODEL (section);
}

/* Open; the moves; Estimate and Type; Duplicate and Delete. */
static GMenuModel *
row_menu_model (TsProjectView *self,
                                TsStory       *story)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) first = g_menu_new ();
  g_autoptr(GMenu) fields = g_menu_new ();
  g_autoptr(GMenu) last = g_menu_new ();
  g_autoptr(GMenuModel) moves = moves_section (self, story);
  g_autoptr(GMenuModel) types = type_menu (self, story);
  TsProject *project = ts_backlog_store_get_project (self->store);
  gint64 id = ts_story_get_id (story);

  append_item (first, _("_Open"), "backlog.open", g_variant_new_int64 (id));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  if (g_menu_model_get_n_items (moves) > 0)
    g_menu_append_section (menu, NULL, moves);
  if (takes_estimate (project, ts_story_get_story_type (story)))
    {
      g_autoptr(GMenuModel) estimates = estimate_menu (self, story);

      g_menu_append_submenu (fields, _("_Estimate"), estimates);
    }
  g_menu_append_submenu (fields, _("T_ype"), types);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (fields));
  append_item (last, _("D_uplicate"), "backlog.duplicate", g_variant_new_int64 (id));
  append_item (last, _("_Delete"), "backlog.delete", g_variant_new_int64 (id));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (last));
  return G_MENU_MODEL (menu);
}

/* Opens the menu of @row's story, pointing at @rect (in the view's
 * coordinates). */
static gboolean
popup (TsProjectView      *self,
       TsBacklogRow       *row,
       const GdkRectangle *rect)
{
  gpointer item = row != NULL ? ts_backlog_row_get_item (row) : NULL;
  g_autoptr(GMenuModel) menu = NULL;
  g_autoptr(GSimpleActionGroup) group = NULL;
  TsStory *story;

  if (!TS_IS_BACKLOG_ITEM (item) || ts_backlog_item_get_id (item) <= 0 || self->store == NULL)
    return FALSE;
  story = ts_backlog_item_get_story (item);
  menu = row_menu_model (self, story);
  group = row_group_new (self, story);
  gtk_widget_insert_action_group (self->context_menu, "row", G_ACTION_GROUP (group));
  self->menu_story_id = ts_story_get_id (story);
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), menu);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
  return TRUE;
}

/* The row under (@x, @y) of @list. */
static TsBacklogRow *
row_at (GtkWidget *list,
        double     x,
        double     y)
{
  GtkWidget *picked = gtk_widget_pick (list, x, y, GTK_PICK_DEFAULT);

  if (picked == NULL)
    return NULL;
  if (TS_IS_BACKLOG_ROW (picked))
    return TS_BACKLOG_ROW (picked);
  return (TsBacklogRow *) gtk_widget_get_ancestor (picked, TS_TYPE_BACKLOG_ROW);
}

/* A press at (@x, @y) of @list: the row there is selected and its menu
 * opens where the pointer or finger is. */
static gboolean
popup_at (TsProjectView *self,
          GtkWidget     *list,
          double         x,
          double         y)
{
  TsBacklogRow *row = row_at (list, x, y);
  graphene_point_t point;

  if (row == NULL || !TS_IS_BACKLOG_ITEM (ts_backlog_row_get_item (row)) ||
      !gtk_widget_compute_point (list, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return FALSE;
  gtk_single_selection_set_selected (list == GTK_WIDGET (self->side_list) ? self->side_selection
                                                                          : self->selection,
                                     ts_backlog_row_get_position (row));
  return popup (self, row, &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
}

/* The menu takes the press: the list's own item does not see its release,
 * and GTK 4.8 leaves that item looking pressed (:active) after a cancelled
 * press, so the flag goes here. */
static void
press_taken (GtkGesture *gesture,
             GtkWidget  *list,
             double      x,
             double      y)
{
  TsBacklogRow *row = row_at (list, x, y);

  gtk_gesture_set_state (gesture, GTK_EVENT_SEQUENCE_CLAIMED);
  if (row != NULL && gtk_widget_get_parent (GTK_WIDGET (row)) != NULL)
    gtk_widget_unset_state_flags (gtk_widget_get_parent (GTK_WIDGET (row)), GTK_STATE_FLAG_ACTIVE);
}

static void
right_click_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                TsProjectView   *self)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  if (popup_at (self, list, x, y))
    press_taken (GTK_GESTURE (gesture), list, x, y);
}

static void
long_press_cb (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               TsProjectView       *self)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  if (popup_at (self, list, x, y))
    press_taken (GTK_GESTURE (gesture), list, x, y);
}

static gboolean
focus_after_menu_cb (gpointer user_data)
{
  TsProjectView *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* Unless an item put it on a row already (a move, a delete). */
  if (self->store != NULL && self->menu_story_id > 0 &&
      (focus == NULL || (!gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)) &&
                         !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->side_list)))))
    ts_project_view_focus_story (self, self->menu_story_id);
  return G_SOURCE_REMOVE;
}

/* Closed, the menu gives the keyboard back to its row: left to GTK, it
 * went to a button, where the next Alt+↑ or Menu did nothing. */
static void
menu_closed_cb (TsProjectView *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, focus_after_menu_cb, g_object_ref (self),
                   g_object_unref);
}

static void
init_list (TsProjectView *self,
           GtkWidget     *list)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *press = gtk_gesture_long_press_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (right_click_cb), self);
  gtk_widget_add_controller (list, GTK_EVENT_CONTROLLER (click));

  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect (press, "pressed", G_CALLBACK (long_press_cb), self);
  gtk_widget_add_controller (list, GTK_EVENT_CONTROLLER (press));
}

/**
 * ts_project_view_init_row_menu:
 *
 * Opens a row's menu on a right click or, on a touchscreen, a long press
 * in either list (a mouse's long press stays a drag's start).
 */
void
ts_project_view_init_row_menu (TsProjectView *self)
{
  init_list (self, GTK_WIDGET (self->list_view));
  init_list (self, GTK_WIDGET (self->side_list));
  g_signal_connect_swapped (self->context_menu, "closed", G_CALLBACK (menu_closed_cb), self);
}

/* Menu or Shift+F10: the selected story's menu, below its row. */
static void
row_menu_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TsProjectView *self = user_data;
  gint64 story_id = ts_project_view_focused_story_id (self);
  TsBacklogModel *models[2] = { self->model, self->side_model };
  graphene_rect_t bounds;

  for (guint i = 0; i < 2 && story_id > 0; i++)
    {
      TsBacklogItem *item = ts_backlog_model_lookup (models[i], story_id);
      TsBacklogRow *row = item != NULL ? g_hash_table_lookup (self->bound_rows, item) : NULL;

      if (row == NULL || !gtk_widget_get_mapped (GTK_WIDGET (row)) ||
          !gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (self), &bounds))
        continue;
      if (popup (self, row, &(GdkRectangle) { (int) bounds.origin.x, (int) bounds.origin.y,
                                              (int) bounds.size.width,
                                              (int) bounds.size.height }))
        return;
    }
  gtk_widget_error_bell (GTK_WIDGET (self));
}

static const GActionEntry menu_actions[] = {
  { "row-menu", row_menu_action, NULL, NULL, NULL, { 0 } },
};

void
ts_project_view_add_menu_actions (TsProjectView *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), menu_actions,
                                   G_N_ELEMENTS (menu_actions), self);
}
