/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story-editor"

/*
 * The editor's checklist: a row per task (a check box, its text, a
 * handle to drag it by and a button to remove it) and an entry below to
 * add the next. Enter in the entry adds a task and leaves the entry empty
 * for the next one; Enter in a task's text saves it and goes to the next.
 * Alt+Up and Alt+Down move the focused task, as dragging it by its handle
 * does. Every change goes through the backlog store, which shows it at
 * once; rows follow the story as the store changes it, keeping the text a
 * person is typing.
 */

#include "ts-story-editor-private.h"

#include <glib/gi18n.h>

typedef struct {
  gint64 id;
  char *position;
  char *shown_text;    /* what the row last showed of the task's text */
  GtkWidget *check;
  GtkWidget *entry;
  GtkWidget *remove;
} TaskRow;

static void
task_row_free (gpointer data)
{
  TaskRow *task_row = data;

  g_free (task_row->position);
  g_free (task_row->shown_text);
  g_free (task_row);
}

static TaskRow *
task_row_of (GtkListBoxRow *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), "ts-task") : NULL;
}

static TaskRow *
task_row_at (TsStoryEditor *self,
             int            index)
{
  return index >= 0 ? task_row_of (gtk_list_box_get_row_at_index (self->task_list, index)) : NULL;
}

/* The row a widget of the checklist is in. */
static GtkListBoxRow *
row_of_widget (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);

  return row != NULL ? GTK_LIST_BOX_ROW (row) : NULL;
}

static gboolean
can_change_tasks (TsStoryEditor *self)
{
  return self->store != NULL && self->story_id > 0 && !self->deleted;
}

/* A task's text as the person left it: trimmed; NULL when it is not one. */
static char *
typed_task_text (GtkEditable *editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  if (*text == '\0' || !ts_check_task_text (text, NULL))
    return NULL;
  return g_steal_pointer (&text);
}

static void
check_toggled_cb (GtkCheckButton *check,
                  TsStoryEditor  *self)
{
  TaskRow *task_row = task_row_of (row_of_widget (GTK_WIDGET (check)));

  if (self->updating || task_row == NULL || !can_change_tasks (self))
    return;
  ts_backlog_store_edit_task (self->store, self->story_id, task_row->id, NULL,
                              gtk_check_button_get_active (check) ? 1 : 0);
}

/* Saves what the person typed in a task's text, if it changed; an empty
 * text is put back as it was (removing is the button's job). */
static void
commit_task_text (TsStoryEditor *self,
                  TaskRow       *task_row)
{
  g_autofree char *text = typed_task_text (GTK_EDITABLE (task_row->entry));

  if (!can_change_tasks (self))
    return;
  if (text == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (task_row->entry), task_row->shown_text);
      return;
    }
  if (g_strcmp0 (text, task_row->shown_text) == 0)
    return;
  ts_backlog_store_edit_task (self->store, self->story_id, task_row->id, text, -1);
}

/* Enter in a task: saved, and on to the next task, or to the new one. */
static void
task_activate_cb (GtkEntry      *entry,
                  TsStoryEditor *self)
{
  GtkListBoxRow *row = row_of_widget (GTK_WIDGET (entry));
  TaskRow *task_row = task_row_of (row);
  TaskRow *next;

  if (task_row == NULL)
    return;
  commit_task_text (self, task_row);
  next = task_row_at (self, gtk_list_box_row_get_index (row) + 1);
  gtk_widget_grab_focus (next != NULL ? next->entry : GTK_WIDGET (self->new_task_entry));
}

static void
task_focus_leave_cb (GtkEventControllerFocus *controller,
                     TsStoryEditor           *self)
{
  GtkWidget *entry = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  TaskRow *task_row = task_row_of (row_of_widget (entry));

  if (task_row != NULL)
    commit_task_text (self, task_row);
}

static void
remove_clicked_cb (GtkButton     *button,
                   TsStoryEditor *self)
{
  GtkListBoxRow *row = row_of_widget (GTK_WIDGET (button));
  TaskRow *task_row = task_row_of (row);
  TaskRow *next;

  if (task_row == NULL || !can_change_tasks (self))
    return;
  /* The focus goes on to the next task rather than out of the list. */
  next = task_row_at (self, gtk_list_box_row_get_index (row) + 1);
  if (next == NULL)
    next = task_row_at (self, gtk_list_box_row_get_index (row) - 1);
  gtk_widget_grab_focus (next != NULL ? next->entry : GTK_WIDGET (self->new_task_entry));
  ts_backlog_store_delete_task (self->store, self->story_id, task_row->id);
}

/* Moves the task of @row one place up (@step -1) or down (+1). */
static void
move_task_by (TsStoryEditor *self,
              GtkListBoxRow *row,
              int            step)
{
  TaskRow *task_row = task_row_of (row);
  TaskRow *neighbour = task_row_at (self, gtk_list_box_row_get_index (row) + step);

  if (task_row == NULL || neighbour == NULL || !can_change_tasks (self))
    return;
  ts_backlog_store_move_task (self->store, self->story_id, task_row->id,
                              step < 0 ? neighbour->id : 0, step > 0 ? neighbour->id : 0);
}

/* `task.move` (an int: -1 up, 1 down), a row's action, which its
 * Alt+Up and Alt+Down shortcuts name. */
static void
move_activate_cb (GSimpleAction *action,
                  GVariant      *step,
                  gpointer       user_data)
{
  GtkListBoxRow *row = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));

  if (TS_IS_STORY_EDITOR (root))
    move_task_by (TS_STORY_EDITOR (root), row, g_variant_get_int32 (step));
}

/* Dragging a task by its handle: the task's id travels. */
static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 TsStoryEditor *self)
{
  GtkWidget *handle = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  TaskRow *task_row = task_row_of (row_of_widget (handle));

  if (task_row == NULL || task_row->id <= 0 || !can_change_tasks (self))
    return NULL;
  return gdk_content_provider_new_typed (G_TYPE_INT64, task_row->id);
}

/* Dropped on a task: above it on its upper half, below on its lower. */
static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         TsStoryEditor *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  TaskRow *onto = task_row_of (GTK_LIST_BOX_ROW (row));
  gint64 moving = g_value_get_int64 (value);
  gboolean above = y < gtk_widget_get_height (row) / 2.0;

  if (onto == NULL || onto->id == moving || onto->id <= 0 || !can_change_tasks (self))
    return FALSE;
  ts_backlog_store_move_task (self->store, self->story_id, moving, above ? onto->id : 0,
                              above ? 0 : onto->id);
  return TRUE;
}

static void
add_move_shortcut (GtkShortcutController *controller,
                   guint                  key,
                   int                    step)
{
  gtk_shortcut_controller_add_shortcut (
    controller,
    gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (key, GDK_ALT_MASK),
                                     gtk_named_action_new ("task.move"), "i", step));
}

static void
add_row_actions (GtkWidget *row)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) move = g_simple_action_new ("move", G_VARIANT_TYPE_INT32);

  /* The row is the group's, so the action needs no reference to it. */
  g_signal_connect (move, "activate", G_CALLBACK (move_activate_cb), row);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (move));
  gtk_widget_insert_action_group (row, "task", G_ACTION_GROUP (group));
}

static GtkWidget *
task_row_new (TsStoryEditor *self,
              gint64         id)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *handle = gtk_image_new_from_icon_name ("list-drag-handle-symbolic");
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkDragSource *drag = gtk_drag_source_new ();
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INT64, GDK_ACTION_MOVE);
  TaskRow *task_row = g_new0 (TaskRow, 1);

  task_row->id = id;
  task_row->check = gtk_check_button_new ();
  task_row->entry = gtk_entry_new ();
  task_row->remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_object_set_data_full (G_OBJECT (row), "ts-task", task_row, task_row_free);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (box, "task-row");
  gtk_widget_set_valign (task_row->check, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (task_row->entry, TRUE);
  gtk_entry_set_has_frame (GTK_ENTRY (task_row->entry), FALSE);
  gtk_entry_set_max_length (GTK_ENTRY (task_row->entry), TS_TASK_TEXT_MAX_CHARS);
  gtk_widget_add_css_class (handle, "dim-label");
  gtk_widget_set_tooltip_text (handle, _("Drag to Reorder (Alt+Up, Alt+Down)"));
  gtk_widget_set_cursor_from_name (handle, "grab");
  gtk_widget_set_valign (task_row->remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (task_row->remove, "flat");
  gtk_widget_set_tooltip_text (task_row->remove, _("Remove Task"));

  g_signal_connect (task_row->check, "toggled", G_CALLBACK (check_toggled_cb), self);
  g_signal_connect (task_row->entry, "activate", G_CALLBACK (task_activate_cb), self);
  g_signal_connect (focus, "leave", G_CALLBACK (task_focus_leave_cb), self);
  gtk_widget_add_controller (task_row->entry, focus);
  g_signal_connect (task_row->remove, "clicked", G_CALLBACK (remove_clicked_cb), self);

  add_row_actions (row);
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  add_move_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Up, -1);
  add_move_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Down, 1);
  gtk_widget_add_controller (row, shortcuts);
  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drop));

  gtk_box_append (GTK_BOX (box), handle);
  gtk_box_append (GTK_BOX (box), task_row->check);
  gtk_box_append (GTK_BOX (box), task_row->entry);
  gtk_box_append (GTK_BOX (box), task_row->remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static gboolean
entry_has_focus (GtkWidget *entry)
{
  GtkRoot *root = gtk_widget_get_root (entry);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == entry || gtk_widget_is_ancestor (focus, entry));
}

/* Shows @task in its row. Text the person is typing there stays. */
static void
show_task (TaskRow      *task_row,
           const TsTask *task)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (task_row->entry));
  g_autofree char *done_label = g_strdup_printf (_("Done: %s"), task->text);
  g_autofree char *remove_label = g_strdup_printf (_("Remove task “%s”"), task->text);

  g_free (task_row->position);
  task_row->position = g_strdup (task->position);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (task_row->check), task->done);
  if (task_row->shown_text == NULL || g_strcmp0 (typed, task_row->shown_text) == 0 ||
      !entry_has_focus (task_row->entry))
    gtk_editable_set_text (GTK_EDITABLE (task_row->entry), task->text);
  g_free (task_row->shown_text);
  task_row->shown_text = g_strdup (task->text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (task_row->check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, done_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (task_row->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Task"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (task_row->remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_widget_add_css_class (task_row->entry, "task-text");
  if (task->done)
    gtk_widget_add_css_class (task_row->entry, "task-done");
  else
    gtk_widget_remove_css_class (task_row->entry, "task-done");
}

static int
compare_rows (GtkListBoxRow *a,
              GtkListBoxRow *b,
              gpointer       user_data)
{
  TaskRow *task_a = task_row_of (a);
  TaskRow *task_b = task_row_of (b);
  int order = g_strcmp0 (task_a->position, task_b->position);

  if (order == 0)
    order = task_a->id < task_b->id ? -1 : task_a->id > task_b->id;
  return order;
}

/**
 * _ts_story_editor_show_tasks:
 *
 * Brings the checklist up to the story's tasks: rows of tasks that went
 * are removed, new ones added, the others updated in place (so the focus
 * and a text being typed stay), in the tasks' order.
 */
void
_ts_story_editor_show_tasks (TsStoryEditor *self)
{
  GPtrArray *tasks = ts_story_get_tasks (self->story);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_int64_hash, g_int64_equal);
  GtkWidget *child;
  guint n_done = ts_story_count_done_tasks (self->story);
  g_autofree char *progress = NULL;
  gboolean updating = self->updating;

  /* The rows' widgets change here, not by the person. */
  self->updating = TRUE;

  for (guint i = 0; i < tasks->len; i++)
    {
      TsTask *task = tasks->pdata[i];
      GtkWidget *row = g_hash_table_lookup (self->task_rows, &task->id);

      if (row == NULL)
        {
          row = task_row_new (self, task->id);
          g_hash_table_insert (self->task_rows, g_memdup2 (&task->id, sizeof task->id), row);
          gtk_list_box_append (self->task_list, row);
        }
      show_task (task_row_of (GTK_LIST_BOX_ROW (row)), task);
      g_hash_table_add (wanted, &task->id);
    }

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->task_list)); child != NULL;)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);
      TaskRow *task_row = GTK_IS_LIST_BOX_ROW (child) ? task_row_of (GTK_LIST_BOX_ROW (child))
                                                      : NULL;

      if (task_row != NULL && !g_hash_table_contains (wanted, &task_row->id))
        {
          g_hash_table_remove (self->task_rows, &task_row->id);
          gtk_list_box_remove (self->task_list, child);
        }
      child = next;
    }
  gtk_list_box_invalidate_sort (self->task_list);

  gtk_widget_set_visible (GTK_WIDGET (self->task_list), tasks->len > 0);
  if (tasks->len > 0)
    progress = g_strdup_printf (g_dngettext (NULL, "%u of %u done", "%u of %u done", tasks->len),
                                n_done, tasks->len);
  adw_preferences_group_set_description (self->tasks_group, progress);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tasks_group), can_change_tasks (self));
  self->updating = updating;
}

/* Enter in the new task's entry: the task is added at the end and the
 * entry is empty again, ready for the next. */
static void
new_task_activate_cb (GtkEntry      *entry,
                      TsStoryEditor *self)
{
  g_autofree char *text = typed_task_text (GTK_EDITABLE (entry));

  if (text == NULL || !can_change_tasks (self))
    return;
  if (ts_story_get_tasks (self->story)->len >= TS_STORY_MAX_TASKS)
    {
      _ts_story_editor_toast (self, _("A story holds at most 100 tasks"));
      return;
    }
  if (ts_backlog_store_add_task (self->store, self->story_id, text, 0) != 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

void
_ts_story_editor_init_tasks (TsStoryEditor *self)
{
  self->task_rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gtk_list_box_set_sort_func (self->task_list, compare_rows, NULL, NULL);
  gtk_entry_set_max_length (self->new_task_entry, TS_TASK_TEXT_MAX_CHARS);
  g_signal_connect (self->new_task_entry, "activate", G_CALLBACK (new_task_activate_cb), self);
}
