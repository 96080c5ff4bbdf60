/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include <glib/gi18n.h>

#include "ts-workflow.h"

/* Moving stories by drag and drop, between rows of one list or across the
 * columns of a wide window (the rows' menu is in -menu.c). A drop is one move
 * request placed by a neighbour (ts_backlog_store_drop_story(), which
 * Undo takes back); into or out of the Icebox it also changes the
 * state. */

static gboolean drop_story_in (TsProjectView  *self,
                               TsBacklogModel *model,
                               gint64          story_id,
                               guint           position,
                               gboolean        above);

/* The row under (@x, @y) of @list. */
static TsBacklogRow *
row_at_in (GtkWidget *list,
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

/* The list an event controller of the view's lists is on. */
static GtkWidget *
controller_list (gpointer controller)
{
  return gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
}

gint64
ts_project_view_story_id_at (TsBacklogModel *model,
                             guint           position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  return TS_IS_BACKLOG_ITEM (item) ? ts_backlog_item_get_id (TS_BACKLOG_ITEM (item)) : 0;
}

/* The nearest story below @position (@step 1) or above it (@step -1),
 * skipping @skip_id. */
static gint64
nearest_story (TsBacklogModel *model,
               int             position,
               int             step,
               gint64          skip_id)
{
  int n = (int) g_list_model_get_n_items (G_LIST_MODEL (model));

  for (int i = position; i >= 0 && i < n; i += step)
    {
      gint64 id = ts_project_view_story_id_at (model, i);

      if (id != 0 && id != skip_id)
        return id;
    }
  return 0;
}

/* The last story of the project in priority order but @story_id. */
static gint64
last_other_story (TsProjectView *self,
                  gint64         story_id)
{
  GListModel *stories = ts_backlog_store_get_stories (self->store);

  for (guint i = g_list_model_get_n_items (stories); i > 0; i--)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, i - 1);
      gint64 id = ts_story_get_id (story);

      if (id > 0 && id != story_id && !ts_backlog_store_is_held (self->store, id))
        return id;
    }
  return 0;
}

/**
 * ts_project_view_drop_story:
 * @position: the row it is dropped on
 * @above: whether on the upper half of that row
 *
 * Moves a story as a drop on a row does: one move request, placed by its
 * new neighbour, which also changes the state when the story goes into or
 * out of the Icebox.
 *
 * Returns: whether the drop is allowed (and was made)
 */
gboolean
ts_project_view_drop_story (TsProjectView *self,
                            gint64         story_id,
                            guint          position,
                            gboolean       above)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), FALSE);

  return drop_story_in (self, self->model, story_id, position, above);
}

/* A drop at @position of @model, the main list's or the side column's. */
static gboolean
drop_story_in (TsProjectView  *self,
               TsBacklogModel *model,
               gint64          story_id,
               guint           position,
               gboolean        above)
{
  g_autoptr(GObject) target = NULL;
  TsBacklogSection *section;
  TsStory *story;
  TsMoveRequest move = { 0, };
  TsStoryState state;

  story = ts_project_view_story_for_action (self, story_id);
  target = g_list_model_get_item (G_LIST_MODEL (model), position);
  if (story == NULL || target == NULL)
    return FALSE;

  /* Above a header is the end of the section before it. */
  if (TS_IS_BACKLOG_SECTION (target) && above && position > 0)
    return drop_story_in (self, model, story_id, position - 1, FALSE);

  section = ts_backlog_model_get_section_at (model, position);
  if (section == NULL || section->kind == TS_BACKLOG_SECTION_DONE ||
      section->kind == TS_BACKLOG_SECTION_DONE_ITERATION)
    return FALSE;

  if (TS_IS_BACKLOG_ITEM (target))
    {
      if (ts_backlog_item_get_story (TS_BACKLOG_ITEM (target)) == story)
        return FALSE;
      if (above)
        move.before_id = ts_backlog_item_get_id (TS_BACKLOG_ITEM (target));
      else
        move.after_id = ts_backlog_item_get_id (TS_BACKLOG_ITEM (target));
    }
  else
    {
      /* On a header: the top of its section, or after the story above
       * when the section is empty. */
      move.before_id = ts_project_view_story_id_at (model, position + 1);
      if (move.before_id == story_id)
        return FALSE;
      if (move.before_id == 0)
        move.after_id = nearest_story (model, (int) position - 1, -1, story_id);
      if (move.before_id == 0 && move.after_id == 0)
        move.before_id = nearest_story (model, (int) position + 1, 1, story_id);
      /* Nothing else in this list (the Icebox alone in its column, a
       * backlog of one story): any place in the priority order will do, as
       * an empty section shows only what comes into it. */
      if (move.before_id == 0 && move.after_id == 0)
        move.after_id = last_other_story (self, story_id);
    }
  if (move.before_id < 0 || move.after_id < 0)
    return FALSE;

  state = ts_story_get_state (story);
  if (section->kind == TS_BACKLOG_SECTION_ICEBOX && state != TS_STORY_STATE_UNSCHEDULED)
    {
      move.has_state = TRUE;
      move.state = TS_STORY_STATE_UNSCHEDULED;
    }
  else if (section->kind != TS_BACKLOG_SECTION_ICEBOX && state == TS_STORY_STATE_UNSCHEDULED)
    {
      move.has_state = TRUE;
      move.state = TS_STORY_STATE_UNSTARTED;
    }
  if (move.has_state &&
      !ts_story_state_change_allowed (ts_story_get_story_type (story), state, move.state))
    return FALSE;

  if (move.before_id == 0 && move.after_id == 0)
    {
      /* The project's only story: there is no neighbour to name, and only
       * its state says where it is. */
      if (!move.has_state)
        return FALSE;
      ts_backlog_store_change_state (self->store, story_id, move.state);
      return TRUE;
    }
  ts_backlog_store_drop_story (self->store, story_id, &move);
  return TRUE;
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 TsProjectView *self)
{
  GtkWidget *list = controller_list (source);
  TsBacklogRow *row = row_at_in (list, x, y);
  gpointer item = row != NULL ? ts_backlog_row_get_item (row) : NULL;
  g_autoptr(GdkPaintable) icon = NULL;
  graphene_point_t point;

  if (!TS_IS_BACKLOG_ITEM (item) || ts_backlog_item_get_id (item) <= 0)
    return NULL;
  icon = gtk_widget_paintable_new (GTK_WIDGET (row));
  if (!gtk_widget_compute_point (list, GTK_WIDGET (row),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (0, 0);
  gtk_drag_source_set_icon (source, icon, (int) point.x, (int) point.y);
  return gdk_content_provider_new_typed (G_TYPE_INT64, ts_backlog_item_get_id (item));
}

/* Only the row that shows where a drag would land has a mark. */
static void
set_drop_mark (TsProjectView *self,
               TsBacklogRow  *row,
               int            where)
{
  if (self->drop_row != NULL && self->drop_row != row)
    ts_backlog_row_set_drop_mark (self->drop_row, 0);
  g_clear_weak_pointer (&self->drop_row);
  if (row == NULL || where == 0)
    return;
  ts_backlog_row_set_drop_mark (row, where);
  g_set_weak_pointer (&self->drop_row, row);
}

static gboolean
drop_place (GtkWidget     *list,
            double         x,
            double         y,
            guint         *out_position,
            gboolean      *out_above,
            TsBacklogRow **out_row)
{
  TsBacklogRow *row = row_at_in (list, x, y);
  GListModel *items = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
  guint n_items = items != NULL ? g_list_model_get_n_items (items) : 0;
  graphene_point_t point;

  if (row == NULL && n_items > 0 && y >= 0)
    {
      /* Below the last row (the rest of a column, a short list): the end
       * of the list's last section. */
      *out_position = n_items - 1;
      *out_above = FALSE;
      *out_row = NULL;
      return TRUE;
    }
  if (row == NULL || ts_backlog_row_get_position (row) == GTK_INVALID_LIST_POSITION)
    return FALSE;
  if (!gtk_widget_compute_point (list, GTK_WIDGET (row),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    return FALSE;
  *out_position = ts_backlog_row_get_position (row);
  *out_above = point.y < gtk_widget_get_height (GTK_WIDGET (row)) / 2.0;
  *out_row = row;
  return TRUE;
}

/* Whether a drop at @position can be taken: not into Done. */
static gboolean
drop_allowed (TsProjectView  *self,
              TsBacklogModel *model,
              guint           position)
{
  TsBacklogSection *section = ts_backlog_model_get_section_at (model, position);

  return section != NULL && section->kind != TS_BACKLOG_SECTION_DONE &&
         section->kind != TS_BACKLOG_SECTION_DONE_ITERATION;
}

static GdkDragAction
drop_motion_cb (GtkDropTarget *target,
                double         x,
                double         y,
                TsProjectView *self)
{
  GtkWidget *list = controller_list (target);
  TsBacklogRow *row;
  guint position;
  gboolean above;

  if (!drop_place (list, x, y, &position, &above, &row))
    {
      set_drop_mark (self, NULL, 0);
      return 0;
    }
  set_drop_mark (self, row, above ? -1 : 1);
  return drop_allowed (self, ts_project_view_model_of (self, list), position) ? GDK_ACTION_MOVE : 0;
}

static void
drop_leave_cb (GtkDropTarget *target,
               TsProjectView *self)
{
  set_drop_mark (self, NULL, 0);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         TsProjectView *self)
{
  GtkWidget *list = controller_list (target);
  TsBacklogRow *row;
  guint position;
  gboolean above;

  set_drop_mark (self, NULL, 0);
  if (!G_VALUE_HOLDS_INT64 (value) || !drop_place (list, x, y, &position, &above, &row))
    return FALSE;
  return drop_story_in (self, ts_project_view_model_of (self, list), g_value_get_int64 (value), position, above);
}

/* Both lists drag, take drops (Backlog ↔ Icebox across the columns of a
 * wide window) and have the rows' menu. */
void
ts_project_view_init_dnd (TsProjectView *self)
{
  GtkDragSource *drag;
  GtkDropTarget *drop;

  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *list = GTK_WIDGET (i == 0 ? self->list_view : self->side_list);

      drag = gtk_drag_source_new ();
      gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
      g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
      gtk_widget_add_controller (list, GTK_EVENT_CONTROLLER (drag));

      drop = gtk_drop_target_new (G_TYPE_INT64, GDK_ACTION_MOVE);
      g_signal_connect (drop, "motion", G_CALLBACK (drop_motion_cb), self);
      g_signal_connect (drop, "leave", G_CALLBACK (drop_leave_cb), self);
      g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
      gtk_widget_add_controller (list, GTK_EVENT_CONTROLLER (drop));

    }
  ts_project_view_init_row_menu (self);
}
