/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

/* Where the keyboard focus goes in the view, and which row the keys act
 * on. The backlog's keys (ts-accels.c) are a shortcut controller on the
 * view, which sees a key only when the focus is inside it and shown: a
 * focus left on the list behind the empty state (a hidden stack page keeps
 * a focus grabbed before it was hidden), outside the view or on no widget
 * at all took `a`, Ctrl+F and the rest away, and closing the shortcuts
 * window gave that focus back. */

/* The first control of @page that takes the focus. By the widget tree,
 * not by gtk_widget_child_focus(), which goes by where the widgets are and
 * so finds none on a page shown but not yet laid out. */
static gboolean
focus_first_control (GtkWidget *page)
{
  if (!gtk_widget_get_visible (page) || !gtk_widget_is_sensitive (page))
    return FALSE;
  if (GTK_IS_BUTTON (page) && gtk_widget_get_focusable (page))
    return gtk_widget_grab_focus (page);
  for (GtkWidget *child = gtk_widget_get_first_child (page); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (focus_first_control (child))
      return TRUE;
  return FALSE;
}

/**
 * ts_project_view_focus_content:
 *
 * Gives the keyboard focus to what the view shows: the list, else the
 * search while searching, else the shown page's first button (New Story
 * on an empty project, Try Again under a message). A page without any
 * leaves the focus where it is; the window's keys still reach the view
 * (ts_project_view_add_window_keys()).
 */
void
ts_project_view_focus_content (TsProjectView *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->content_stack);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "backlog") != 0)
    {
      focus_first_control (gtk_stack_get_visible_child (self->stack));
      return;
    }
  if (g_strcmp0 (page, "list") == 0)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
      return;
    }
  if (gtk_search_bar_get_search_mode (self->search_bar) &&
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry)))
    return;
  focus_first_control (gtk_stack_get_visible_child (self->content_stack));
}

typedef struct {
  TsProjectView *view;        /* both owned by the window */
  GtkWidget *except;
} WindowKeys;

static gboolean
focus_shown (GtkWidget *focus)
{
  return focus != NULL && gtk_widget_get_mapped (focus);
}

static gboolean
view_shown (WindowKeys *keys)
{
  return gtk_widget_get_mapped (GTK_WIDGET (keys->view)) && keys->view->store != NULL;
}

/* Before anyone: a focus on no shown widget (nowhere, or a widget hidden
 * since it took the focus) goes to the view, with the key. GTK would
 * otherwise hand the key to a widget that cannot show what it does. */
static gboolean
unshown_focus_key_cb (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      WindowKeys            *keys)
{
  GtkWidget *view = GTK_WIDGET (keys->view);

  if (!view_shown (keys) || focus_shown (gtk_root_get_focus (gtk_widget_get_root (view))))
    return FALSE;
  ts_project_view_focus_content (keys->view);
  return gtk_event_controller_key_forward (controller, view);
}

/* After everyone: a key nothing on the focus's way took, with the focus
 * outside the view (the Main Menu once the shortcuts window closed, a
 * header button) is the view's. Text fields typed it before it came here;
 * @except's keys stay its own. */
static gboolean
outside_key_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                WindowKeys            *keys)
{
  GtkWidget *view = GTK_WIDGET (keys->view);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (view));

  if (!view_shown (keys) || !focus_shown (focus) || gtk_widget_is_ancestor (focus, view) ||
      GTK_IS_EDITABLE (focus) || focus == keys->except || gtk_widget_is_ancestor (focus, keys->except))
    return FALSE;
  return gtk_event_controller_key_forward (controller, view);
}

/**
 * ts_project_view_add_window_keys:
 * @window: the view's window
 * @except: where in @window the keys stay its own (the sidebar's list)
 *
 * Lets the backlog's keys work anywhere in @window but in text fields and
 * @except, whether or not a shown widget has the focus.
 */
void
ts_project_view_add_window_keys (TsProjectView *self,
                                 GtkWidget     *window,
                                 GtkWidget     *except)
{
  GtkEventController *capture = gtk_event_controller_key_new ();
  GtkEventController *bubble = gtk_event_controller_key_new ();
  WindowKeys *keys = g_new0 (WindowKeys, 1);

  g_return_if_fail (TS_IS_PROJECT_VIEW (self));
  g_return_if_fail (gtk_widget_is_ancestor (GTK_WIDGET (self), window));

  keys->view = self;
  keys->except = except;
  g_object_set_data_full (G_OBJECT (bubble), "ts-window-keys", keys, g_free);
  gtk_event_controller_set_propagation_phase (capture, GTK_PHASE_CAPTURE);
  g_signal_connect (capture, "key-pressed", G_CALLBACK (unshown_focus_key_cb), keys);
  g_signal_connect (bubble, "key-pressed", G_CALLBACK (outside_key_cb), keys);
  gtk_widget_add_controller (window, capture);
  gtk_widget_add_controller (window, bubble);
}

/* Which row the keys act on */

/* One selection at a time across the two lists (the plan, and the Icebox
 * and Done beside it in a wide window): the keys act on the row selected
 * last, wherever it is. */
static void
selected_cb (GtkSingleSelection *selection,
             GParamSpec         *pspec,
             TsProjectView      *self)
{
  GtkSingleSelection *other = selection == self->selection ? self->side_selection : self->selection;

  if (gtk_single_selection_get_selected (selection) != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (other, GTK_INVALID_LIST_POSITION);
}

void
ts_project_view_init_focus (TsProjectView *self)
{
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (selected_cb), self, 0);
  g_signal_connect_object (self->side_selection, "notify::selected", G_CALLBACK (selected_cb),
                           self, 0);
}

/**
 * ts_project_view_get_selected_item:
 *
 * Returns: (transfer none) (nullable): the item selected in either list
 */
gpointer
ts_project_view_get_selected_item (TsProjectView *self)
{
  gpointer item = gtk_single_selection_get_selected_item (self->selection);

  return item != NULL ? item : gtk_single_selection_get_selected_item (self->side_selection);
}

/**
 * ts_project_view_select_acted_on:
 *
 * Selects the story a row's button acts on, as a click on the row itself
 * would: the button takes the click, so the row stayed unselected and
 * `s`, Delete and Enter went on acting on the row selected before.
 */
void
ts_project_view_select_acted_on (TsProjectView *self,
                                 gint64         story_id)
{
  guint position;

  if (ts_backlog_model_find_story (self->model, story_id, &position))
    gtk_single_selection_set_selected (self->selection, position);
  else if (self->wide && ts_backlog_model_find_story (self->side_model, story_id, &position))
    gtk_single_selection_set_selected (self->side_selection, position);
}
