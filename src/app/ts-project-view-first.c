/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

/* The first screen first (src/DESIGN.md, *Where the launch from the copy
 * goes*). GTK 4.8's list view makes a row for up to 200 items around its
 * anchor as soon as its model has them, before it lays anything out: with
 * 10,000 stories that is 200 rows set up and bound (0.5–1.3 ms each here)
 * before the first frame, of which a screen shows 20 to 40. So while the
 * list is empty and the view on screen, the lists are given only the items
 * their first screen can show; the rest follows right after the first
 * frame is painted, as one insertion at the end of each list. Positions
 * are the model's own throughout (the slice starts at 0). */

/* Lower than any row (a header with one line of text): over-counting costs
 * a few rows, under-counting a first screen with a gap. */
#define SMALLEST_ROW_HEIGHT 24
/* A view in no window yet: a tall screen's worth. */
#define FALLBACK_SCREEN_HEIGHT 1200

/**
 * ts_project_view_new_selection:
 * @slice: (out) (transfer full): where the list's items are limited
 *
 * A list's selection over @model, through a slice of it that is all of it
 * except while the first screen is shown. Nothing is selected at first and
 * the selection can be cleared.
 *
 * Returns: (transfer full): the selection
 */
GtkSingleSelection *
ts_project_view_new_selection (TsBacklogModel     *model,
                               GtkSliceListModel **slice)
{
  GtkSingleSelection *selection;

  *slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (model)), 0, G_MAXUINT);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (*slice)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  return selection;
}

/* The models may fill a frame or two after the limit is set (the
 * spinner's last frames are painted meanwhile): only a frame painted
 * with items in the lists has shown the first screen. */
static void
after_paint_cb (GdkFrameClock *clock,
                TsProjectView *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0 &&
      g_list_model_get_n_items (G_LIST_MODEL (self->side_model)) == 0)
    return;
  ts_project_view_show_all_rows (self);
}

static void
unmap_cb (TsProjectView *self)
{
  ts_project_view_show_all_rows (self);
}

static void
watch_first_paint (TsProjectView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  self->first_paint_clock = g_object_ref (clock);
  self->first_paint_handler = g_signal_connect (clock, "after-paint",
                                                G_CALLBACK (after_paint_cb), self);
  /* Off screen, no frame of this clock may come (the window closed). */
  self->first_unmap_handler = g_signal_connect (self, "unmap", G_CALLBACK (unmap_cb), NULL);
}

static void
map_cb (TsProjectView *self)
{
  g_clear_signal_handler (&self->first_map_handler, self);
  watch_first_paint (self);
}

/* How many items the lists' first screen can show. Their page is not
 * allocated before the first frame; the stack holding it is once the
 * view is on screen, else the window's height is what it will have (a
 * load may end before the view is even in its window). */
static guint
first_screen_items (TsProjectView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self->stack));
  int width;

  if (height <= 0 && GTK_IS_WINDOW (root))
    {
      height = gtk_widget_get_height (GTK_WIDGET (root));
      /* GTK 4.8 writes both sizes: no NULL for the one not wanted. */
      if (height <= 0)
        gtk_window_get_default_size (GTK_WINDOW (root), &width, &height);
    }
  if (height <= 0)
    height = FALLBACK_SCREEN_HEIGHT;
  return height / SMALLEST_ROW_HEIGHT + 2;
}

/**
 * ts_project_view_show_first_screen:
 *
 * Called before the store is shown in the lists: when they are empty,
 * limits them to what their first screen shows until a frame with items
 * is painted on screen. A story to open (a notification's) may be
 * anywhere, so then the lists are given everything at once.
 */
void
ts_project_view_show_first_screen (TsProjectView *self)
{
  guint rows;

  if (self->first_paint_handler != 0 || self->first_map_handler != 0 ||
      self->wanted_story_id != 0 ||
      g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0 ||
      g_list_model_get_n_items (G_LIST_MODEL (self->side_model)) > 0)
    return;
  rows = first_screen_items (self);
  gtk_slice_list_model_set_size (self->slice, rows);
  gtk_slice_list_model_set_size (self->side_slice, rows);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    watch_first_paint (self);
  else
    self->first_map_handler = g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
}

/**
 * ts_project_view_show_all_rows:
 *
 * Ends the first screen's limit, if any: the lists show all their items.
 */
void
ts_project_view_show_all_rows (TsProjectView *self)
{
  /* A clock disposed with its surface has dropped its handlers already. */
  if (self->first_paint_handler != 0 &&
      g_signal_handler_is_connected (self->first_paint_clock, self->first_paint_handler))
    g_signal_handler_disconnect (self->first_paint_clock, self->first_paint_handler);
  self->first_paint_handler = 0;
  g_clear_object (&self->first_paint_clock);
  g_clear_signal_handler (&self->first_unmap_handler, self);
  g_clear_signal_handler (&self->first_map_handler, self);
  if (self->slice != NULL)
    gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
  if (self->side_slice != NULL)
    gtk_slice_list_model_set_size (self->side_slice, G_MAXUINT);
}
