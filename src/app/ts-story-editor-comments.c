/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story-editor"

#include "ts-story-editor-private.h"

#include <glib/gi18n.h>

#include "ts-workflow.h"

/*
 * The story editor's comments. They are not in the store: they are read
 * from the server when the editor opens and again on each
 * "comments-changed" of this story, and added and removed through
 * TsApiClient, followed by ts_backlog_store_catch_up() so the store takes
 * in its own change.
 */

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: the time of a comment made today. */
    return g_date_time_format (local, _("Today %H:%M"));
  /* Translators: the date and time of a comment. */
  return g_date_time_format (local, _("%-d %b %Y %H:%M"));
}

static void
comment_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TsStoryEditor *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ts_api_client_delete_comment_finish (TS_API_CLIENT (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not delete a comment: %s", error->message);
      _ts_story_editor_toast (self, _("Could not delete the comment"));
      _ts_story_editor_reload_comments (self);
      return;
    }
  ts_backlog_store_catch_up (self->store);
  _ts_story_editor_reload_comments (self);
}

static void
delete_comment_cb (GtkButton     *button,
                   TsStoryEditor *self)
{
  TsComment *comment = g_object_get_data (G_OBJECT (button), "comment");

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  ts_api_client_delete_comment_async (self->api, self->project_id, self->story_id,
                                      ts_comment_get_id (comment), self->cancellable,
                                      comment_deleted_cb, self);
}

static GtkWidget *
comment_row_new (TsStoryEditor *self,
                 TsComment     *comment)
{
  TsUser *author = _ts_story_editor_find_member (self, ts_comment_get_author_id (comment));
  g_autofree char *time = format_time (ts_comment_get_created_at (comment));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (author != NULL ? ts_user_get_name (author)
                                                  : self->members != NULL ? _("Someone Who Left")
                                                                          : "");
  GtkWidget *when = gtk_label_new (time);
  GtkWidget *text = gtk_label_new (ts_comment_get_text (comment));

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (when), 0);
  gtk_widget_set_hexpand (when, TRUE);
  gtk_widget_set_valign (when, GTK_ALIGN_BASELINE);
  gtk_widget_set_valign (name, GTK_ALIGN_BASELINE);
  gtk_widget_add_css_class (when, "dim-label");
  gtk_widget_add_css_class (when, "caption");
  gtk_box_append (GTK_BOX (header), name);
  gtk_box_append (GTK_BOX (header), when);

  if (self->my_id != 0 && ts_comment_get_author_id (comment) == self->my_id)
    {
      GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");

      gtk_widget_set_tooltip_text (delete, _("Delete Comment"));
      gtk_widget_add_css_class (delete, "flat");
      gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (delete), "comment", g_object_ref (comment), g_object_unref);
      g_signal_connect (delete, "clicked", G_CALLBACK (delete_comment_cb), self);
      gtk_box_append (GTK_BOX (header), delete);
    }
  else
    gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

void
_ts_story_editor_show_comments (TsStoryEditor *self)
{
  GtkWidget *child;
  guint n = self->comments != NULL ? self->comments->len : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->comment_list))) != NULL)
    gtk_list_box_remove (self->comment_list, child);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->comment_list,
                         comment_row_new (self, g_ptr_array_index (self->comments, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->comment_list), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_comments_label),
                          n == 0 && self->comments != NULL);
}

typedef struct {
  TsStoryEditor *self;
  guint serial;
} CommentsRequest;

static void
comments_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree CommentsRequest *request = user_data;
  TsStoryEditor *self = request->self;
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(GError) error = NULL;

  comments = ts_api_client_list_comments_finish (TS_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Only the latest request counts: an older answer may miss a change. */
  if (request->serial != self->comments_serial)
    return;
  if (comments == NULL)
    {
      if (!self->deleted)
        {
          g_warning ("Could not list the comments: %s", error->message);
          _ts_story_editor_toast (self, _("Could not load the comments"));
        }
      return;
    }
  g_clear_pointer (&self->comments, g_ptr_array_unref);
  self->comments = g_steal_pointer (&comments);
  _ts_story_editor_show_comments (self);
}

void
_ts_story_editor_reload_comments (TsStoryEditor *self)
{
  CommentsRequest *request = g_new0 (CommentsRequest, 1);

  request->self = self;
  request->serial = ++self->comments_serial;
  ts_api_client_list_comments_async (self->api, self->project_id, self->story_id,
                                     self->cancellable, comments_cb, request);
}

void
_ts_story_editor_update_comment_action (TsStoryEditor *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-comment",
                                 text[0] != '\0' && !self->adding_comment && !self->deleted);
}

static void
comment_added_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TsStoryEditor *self = user_data;
  g_autoptr(TsComment) comment = NULL;
  g_autoptr(GError) error = NULL;

  comment = ts_api_client_add_comment_finish (TS_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->adding_comment = FALSE;
  gtk_editable_set_editable (GTK_EDITABLE (self->comment_entry), TRUE);
  if (comment == NULL)
    {
      g_warning ("Could not add a comment: %s", error->message);
      _ts_story_editor_toast (self, _("Could not add the comment"));
      _ts_story_editor_update_comment_action (self);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  _ts_story_editor_update_comment_action (self);
  ts_backlog_store_catch_up (self->store);
  _ts_story_editor_reload_comments (self);
}

static void
add_comment_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TsStoryEditor *self = TS_STORY_EDITOR (widget);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->comment_entry))));
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  if (text[0] == '\0' || self->adding_comment || self->deleted)
    return;
  if (!ts_check_comment_text (text, &error))
    {
      _ts_story_editor_toast (self, _("The comment is too long"));
      return;
    }

  /* A retried post after a lost answer adds one comment, not two. */
  key = g_uuid_string_random ();
  self->adding_comment = TRUE;
  gtk_editable_set_editable (GTK_EDITABLE (self->comment_entry), FALSE);
  _ts_story_editor_update_comment_action (self);
  ts_api_client_add_comment_async (self->api, self->project_id, self->story_id, text, key,
                                   self->cancellable, comment_added_cb, self);
}


/* "activate" of the comment entry posts the comment. */
static void
comment_activate_cb (GtkEntry      *entry,
                     TsStoryEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.add-comment", NULL);
}

void
_ts_story_editor_class_init_comments (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "editor.add-comment", NULL, add_comment_action);
}

void
_ts_story_editor_init_comments (TsStoryEditor *self)
{
  g_signal_connect_swapped (self->comment_entry, "changed",
                            G_CALLBACK (_ts_story_editor_update_comment_action), self);
  g_signal_connect (self->comment_entry, "activate", G_CALLBACK (comment_activate_cb), self);
  _ts_story_editor_update_comment_action (self);
}
