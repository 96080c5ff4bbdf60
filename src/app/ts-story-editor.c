/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story-editor"

#include "ts-story-editor-private.h"

#include <glib/gi18n.h>

#include "ts-accels.h"
#include "ts-error-text.h"
#include "ts-notifier.h"
#include "ts-toast.h"

/*
 * TsStoryEditor: one story, edited in a window of its own beside the
 * backlog.
 *
 * - **Instant apply.** There is no Save button, as in GNOME's editors: a
 *   field is sent when it is committed (Enter or focus leaving an entry,
 *   focus leaving the description, a choice in a list, a tick), and the
 *   window sends what is still uncommitted when it closes. Each commit is
 *   one ts_backlog_store_update_story_since() with only the fields that
 *   changed, so the backlog shows it at once and the server merges it with
 *   other people's edits field by field.
 * - **Based on what the person saw.** A change is sent with the story's
 *   version when the person began it (the first keystroke in a text
 *   field, opening a list or the calendar, unfolding the owners), not the
 *   version the store has when it is committed: if someone else changed
 *   the same field in between, the server refuses it with a 409 and the
 *   conflict dialog asks, instead of their change being overwritten.
 * - **Live.** The editor shows the store's own TsStory, which the store
 *   updates in place: on each notification the fields are shown afresh,
 *   except a text field the person has typed in and not committed yet
 *   (its text differs from what the editor last put there), which is left
 *   alone. A story that disappears from the store (deleted here or by
 *   someone else) makes the editor read-only and say so; closing that
 *   message closes the editor.
 * - **Not modal.** People keep an editor open while they look at the
 *   backlog, and may open several stories side by side; a second request
 *   for the same story presents the open editor instead.
 * - Comments are not in the store (ts-story-editor-comments.c).
 *
 * The fields, shown and sent, are in ts-story-editor-fields.c.
 */

G_DEFINE_FINAL_TYPE (TsStoryEditor, ts_story_editor, ADW_TYPE_WINDOW)

void
_ts_story_editor_toast (TsStoryEditor *self,
                        const char    *message)
{
  /* Wrapped: in a narrow editor the end of a message, often what matters
   * (a limit, a reason), was cut. */
  adw_toast_overlay_add_toast (self->toast_overlay, ts_toast_new (GTK_WIDGET (self), message));
}

TsUser *
_ts_story_editor_find_member (TsStoryEditor *self,
                              gint64         user_id)
{
  if (self->members == NULL)
    return NULL;
  for (guint i = 0; i < self->members->len; i++)
    if (ts_user_get_id (g_ptr_array_index (self->members, i)) == user_id)
      return g_ptr_array_index (self->members, i);
  return NULL;
}

/* Members */

/* As the server lists them: by name, then id. */
static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  TsUser *user_a = *(TsUser **) a;
  TsUser *user_b = *(TsUser **) b;
  g_autofree char *name_a = g_utf8_casefold (ts_user_get_name (user_a), -1);
  g_autofree char *name_b = g_utf8_casefold (ts_user_get_name (user_b), -1);
  int by_name = g_strcmp0 (name_a, name_b);

  if (by_name != 0)
    return by_name;
  return ts_user_get_id (user_a) < ts_user_get_id (user_b) ? -1 : ts_user_get_id (user_a) > ts_user_get_id (user_b);
}

/* The store's members, which it reads again when someone it does not know
 * appears: a member added while the editor is open gets an owner row
 * without reopening it. Until the store has read them, the people rows
 * wait (insensitive). */
static void
members_changed_cb (TsStoryEditor *self)
{
  TsProjectMembers *members = ts_backlog_store_get_members (self->store);
  GHashTableIter iter;
  gpointer user;

  /* A project has at least one member, the person signed in: none after
   * a read means that the read failed. */
  if (g_hash_table_size (ts_project_members_get_table (members)) == 0)
    {
      if (ts_project_members_get_n_loads (members) > 0)
        _ts_story_editor_toast (self, _("Could not load the project’s members"));
      return;
    }
  g_clear_pointer (&self->members, g_ptr_array_unref);
  self->members = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, ts_project_members_get_table (members));
  while (g_hash_table_iter_next (&iter, NULL, &user))
    g_ptr_array_add (self->members, g_object_ref (user));
  g_ptr_array_sort (self->members, compare_members);

  self->updating = TRUE;
  _ts_story_editor_build_owner_rows (self);
  self->updating = FALSE;
  _ts_story_editor_refresh (self);
  /* Authors are named by the members list. */
  _ts_story_editor_show_comments (self);
}

static void
me_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  TsStoryEditor *self = user_data;
  g_autoptr(TsUser) me = NULL;
  g_autoptr(GError) error = NULL;

  me = ts_api_client_get_me_finish (TS_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (me == NULL)
    {
      g_warning ("Could not read the signed-in user: %s", error->message);
      return;
    }
  self->my_id = ts_user_get_id (me);
  _ts_story_editor_show_comments (self);
}


/* The store */

static void
story_notify_cb (TsStoryEditor *self)
{
  _ts_story_editor_refresh (self);
}

static gboolean
destroy_cb (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

/* The editor goes once the message has gone: destroying the dialog's
 * parent while the dialog is still answering would leave it pointing at a
 * freed window. */
static void
deleted_response_cb (TsStoryEditor *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, destroy_cb, g_object_ref (self), g_object_unref);
}

static void
story_gone (TsStoryEditor *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (self->deleted)
    return;
  self->deleted = TRUE;
  if (self->story != NULL)
    g_signal_handlers_disconnect_by_data (self->story, self);
  gtk_widget_set_sensitive (self->content_box, FALSE);
  _ts_story_editor_update_comment_action (self);

  body = g_strdup_printf (_("“%s” was deleted, so there is nothing left to edit."),
                          self->story != NULL ? ts_story_get_title (self->story) : "");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Story Deleted"), body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (deleted_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
check_story_cb (gpointer user_data)
{
  TsStoryEditor *self = user_data;

  self->check_source = 0;
  if (ts_backlog_store_lookup (self->store, self->story_id) == NULL)
    story_gone (self);
  return G_SOURCE_REMOVE;
}

/* The store removes a story from its list before it forgets its id, so
 * whether this story is gone is asked once the removal is complete. */
static void
stories_changed_cb (TsStoryEditor *self)
{
  if (self->check_source == 0 && !self->deleted)
    self->check_source = g_idle_add (check_story_cb, self);
}

static void
store_closed_cb (TsStoryEditor *self)
{
  /* The backlog says why the project went away; the editor just goes. */
  self->deleted = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
comments_changed_cb (TsStoryEditor *self,
                     gint64         story_id)
{
  if (story_id == self->story_id && !self->deleted)
    _ts_story_editor_reload_comments (self);
}

static void
edit_failed_cb (TsStoryEditor *self,
                gint64         story_id,
                const GError  *error)
{
  g_autofree char *text = NULL;

  if (story_id != self->story_id)
    return;
  text = ts_error_text_dup (error);
  _ts_story_editor_toast (self, text);
}

/* Closing */

static gboolean
ts_story_editor_close_request (GtkWindow *window)
{
  TsStoryEditor *self = TS_STORY_EDITOR (window);

  /* Instant apply: what is typed and not yet committed is kept too. */
  if (!self->deleted && self->story != NULL)
    _ts_story_editor_commit_texts (self);
  return GTK_WINDOW_CLASS (ts_story_editor_parent_class)->close_request (window);
}

static void
ts_story_editor_dispose (GObject *object)
{
  TsStoryEditor *self = TS_STORY_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->story != NULL)
    g_signal_handlers_disconnect_by_data (self->story, self);
  g_clear_object (&self->story);
  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->store, self);
      g_signal_handlers_disconnect_by_data (ts_backlog_store_get_stories (self->store), self);
      g_signal_handlers_disconnect_by_data (ts_backlog_store_get_members (self->store), self);
    }
  g_clear_object (&self->store);
  g_clear_object (&self->api);
  g_clear_pointer (&self->members, g_ptr_array_unref);
  g_clear_pointer (&self->owner_rows, g_ptr_array_unref);
  g_clear_pointer (&self->comments, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_STORY_EDITOR);

  G_OBJECT_CLASS (ts_story_editor_parent_class)->dispose (object);
}

static void
ts_story_editor_finalize (GObject *object)
{
  TsStoryEditor *self = TS_STORY_EDITOR (object);

  g_free (self->shown_title);
  g_free (self->shown_description);
  g_free (self->shown_labels);
  g_clear_pointer (&self->task_rows, g_hash_table_unref);

  G_OBJECT_CLASS (ts_story_editor_parent_class)->finalize (object);
}

static void
ts_story_editor_class_init (TsStoryEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ts_story_editor_dispose;
  object_class->finalize = ts_story_editor_finalize;
  window_class->close_request = ts_story_editor_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-story-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, content_box);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, description_view);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, type_row);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, estimate_row);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, state_row);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, deadline_row);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, clear_deadline_button);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, deadline_button);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, deadline_calendar);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, labels_row);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, requester_row);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, owners_row);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, tasks_group);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, task_list);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, new_task_entry);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, no_comments_label);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, comment_list);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, comment_entry);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, comment_button);

  _ts_story_editor_class_init_comments (widget_class);
  ts_accels_add_bindings (widget_class, TS_ACCEL_DIALOG);
}

static void
ts_story_editor_init (TsStoryEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->owner_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  /* The fields start empty, as shown. */
  self->shown_title = g_strdup ("");
  self->shown_description = g_strdup ("");
  self->shown_labels = g_strdup ("");

  _ts_story_editor_init_fields (self);
  _ts_story_editor_init_comments (self);
  _ts_story_editor_init_tasks (self);
}

TsStoryEditor *
ts_story_editor_find (TsBacklogStore *store,
                      gint64          story_id)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_return_val_if_fail (TS_IS_BACKLOG_STORE (store), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (TS_IS_STORY_EDITOR (window) &&
          TS_STORY_EDITOR (window)->store == store &&
          TS_STORY_EDITOR (window)->story_id == story_id &&
          !TS_STORY_EDITOR (window)->deleted)
        return TS_STORY_EDITOR (window);
    }
  return NULL;
}

gint64
ts_story_editor_get_story_id (TsStoryEditor *self)
{
  g_return_val_if_fail (TS_IS_STORY_EDITOR (self), 0);

  return self->story_id;
}

const char *
ts_story_editor_get_person_name (TsStoryEditor *self,
                                 gint64         user_id)
{
  TsUser *user;

  g_return_val_if_fail (TS_IS_STORY_EDITOR (self), NULL);

  user = _ts_story_editor_find_member (self, user_id);
  return user != NULL ? ts_user_get_name (user) : NULL;
}

/**
 * ts_story_editor_present:
 * @parent: a widget of the window the editor belongs to
 * @store: the open project
 * @api: the client to read comments and the signed-in user with
 * @story_id: the story to edit
 *
 * Opens the story's editor, or brings its open one forward.
 */
void
ts_story_editor_present (GtkWidget      *parent,
                         TsBacklogStore *store,
                         TsApiClient    *api,
                         gint64          story_id)
{
  TsStoryEditor *self;
  GtkRoot *root;
  TsStory *story;

  g_return_if_fail (parent == NULL || GTK_IS_WIDGET (parent));
  g_return_if_fail (TS_IS_BACKLOG_STORE (store));
  g_return_if_fail (TS_IS_API_CLIENT (api));

  /* What notifications said about the story is seen now. */
  ts_notifier_withdraw_story (g_application_get_default (), ts_backlog_store_get_project_id (store),
                              story_id);

  self = ts_story_editor_find (store, story_id);
  if (self != NULL)
    {
      gtk_window_present (GTK_WINDOW (self));
      return;
    }

  story = ts_backlog_store_lookup (store, story_id);
  g_return_if_fail (story != NULL);

  root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  self = g_object_new (TS_TYPE_STORY_EDITOR,
                       "transient-for", GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                       NULL);
  if (GTK_IS_WINDOW (root) && gtk_window_get_application (GTK_WINDOW (root)) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (GTK_WINDOW (root)));

  self->store = g_object_ref (store);
  self->api = g_object_ref (api);
  self->project_id = ts_backlog_store_get_project_id (store);
  self->story_id = story_id;
  self->story = g_object_ref (story);

  g_signal_connect_object (story, "notify", G_CALLBACK (story_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "notify::project", G_CALLBACK (story_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "comments-changed", G_CALLBACK (comments_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "edit-failed", G_CALLBACK (edit_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "closed", G_CALLBACK (store_closed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (ts_backlog_store_get_stories (store), "items-changed",
                           G_CALLBACK (stories_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (ts_backlog_store_get_members (store), "changed",
                           G_CALLBACK (members_changed_cb), self, G_CONNECT_SWAPPED);

  _ts_story_editor_refresh (self);
  members_changed_cb (self);
  ts_api_client_get_me_async (api, self->cancellable, me_cb, self);
  _ts_story_editor_reload_comments (self);

  gtk_window_present (GTK_WINDOW (self));
}

