/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include "ts-comment-index.h"

/* The search: a TsStoryFilter over the backlog models, which re-read it on
 * every plan, so results stay live; comments come from the store's
 * comment index, loaded by the first search with free text. */

static TsUser *
lookup_member (gint64   user_id,
               gpointer user_data)
{
  TsProjectView *self = user_data;

  return self->store != NULL ? ts_backlog_store_lookup_member (self->store, user_id) : NULL;
}

static const char *
lookup_comments (gint64   story_id,
                 gpointer user_data)
{
  TsProjectView *self = user_data;

  return ts_comment_index_lookup (ts_backlog_store_get_comment_index (self->store), story_id);
}

static gboolean
filter_story (TsStory  *story,
              gpointer  user_data)
{
  TsProjectView *self = user_data;
  TsCommentIndex *comments = ts_backlog_store_get_comment_index (self->store);

  return ts_story_filter_match_full (self->filter, story, lookup_member,
                                     ts_comment_index_is_loaded (comments) ? lookup_comments : NULL,
                                     self);
}

/* The comments were read (again): the search sees them. */
void
ts_project_view_refilter (TsProjectView *self)
{
  if (self->filter != NULL)
    ts_project_view_rebuild (self);
}

/* Filters the backlog by the search entry's query: the model re-reads the
 * filter on every plan, so results stay live. */
void
ts_project_view_search_changed_cb (TsProjectView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(TsStoryFilter) filter = ts_story_filter_new (text);

  g_clear_pointer (&self->filter, ts_story_filter_free);
  if (gtk_search_bar_get_search_mode (self->search_bar) && !ts_story_filter_is_empty (filter))
    self->filter = g_steal_pointer (&filter);
  if (self->filter != NULL && ts_story_filter_has_text (self->filter) && self->store != NULL)
    ts_comment_index_load (ts_backlog_store_get_comment_index (self->store));
  ts_backlog_model_set_filter (self->model, self->filter != NULL ? filter_story : NULL, self);
  ts_backlog_model_set_filter (self->side_model, self->filter != NULL ? filter_story : NULL, self);
  ts_project_view_rebuild (self);
}

void
ts_project_view_search_mode_cb (TsProjectView *self)
{
  if (gtk_search_bar_get_search_mode (self->search_bar))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
      return;
    }
  /* Closed: the whole backlog again, and the focus back in it. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  ts_project_view_search_changed_cb (self);
  ts_project_view_focus_content (self);
}

void
ts_project_view_stop_search_cb (TsProjectView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

/* Enter in the search: to the first result, where the backlog's keys
 * work. */
void
ts_project_view_search_activate_cb (TsProjectView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

  for (guint i = 0; i < n; i++)
    if (ts_project_view_story_id_at (self->model, i) != 0)
      {
        gtk_single_selection_set_selected (self->selection, i);
        gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
        break;
      }
  ts_project_view_focus_content (self);
}

void
ts_project_view_search_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  TsProjectView *self = user_data;

  if (self->store == NULL)
    return;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
