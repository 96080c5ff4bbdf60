/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story-editor"

#include "ts-story-editor.h"

#include <glib/gi18n.h>

#include "ts-error-text.h"
#include "ts-notifier.h"
#include "ts-story-names.h"
#include "ts-workflow.h"

/*
 * TsStoryEditor: one story, edited in a window of its own beside the
 * backlog.
 *
 * - **Instant apply.** There is no Save button, as in GNOME's editors: a
 *   field is sent when it is committed (Enter or focus leaving an entry,
 *   focus leaving the description, a choice in a list, a tick), and the
 *   window sends what is still uncommitted when it closes. Each commit is
 *   one ts_backlog_store_update_story() with only the fields that changed,
 *   so the backlog shows it at once and the server merges it with other
 *   people's edits field by field.
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
 * - Comments are not in the store: they are read from the server when the
 *   editor opens and again on each "comments-changed" of this story, and
 *   added and removed through TsApiClient, followed by
 *   ts_backlog_store_catch_up() so the store takes in its own change.
 */

struct _TsStoryEditor
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  AdwToastOverlay *toast_overlay;
  GtkWidget *content_box;
  AdwEntryRow *title_row;
  GtkTextView *description_view;
  AdwComboRow *type_row;
  AdwComboRow *estimate_row;
  AdwComboRow *state_row;
  AdwActionRow *deadline_row;
  GtkButton *clear_deadline_button;
  GtkMenuButton *deadline_button;
  GtkCalendar *deadline_calendar;
  AdwEntryRow *labels_row;
  AdwComboRow *requester_row;
  AdwExpanderRow *owners_row;
  GtkLabel *no_comments_label;
  GtkListBox *comment_list;
  GtkEntry *comment_entry;
  GtkButton *comment_button;

  TsBacklogStore *store;
  TsApiClient *api;
  gint64 project_id;
  gint64 story_id;
  TsStory *story;
  GCancellable *cancellable;

  gint64 my_id;
  GPtrArray *members;           /* TsUser, in the server's order */
  GPtrArray *owner_rows;        /* AdwActionRow per member, in that order */
  GPtrArray *comments;          /* TsComment */
  guint comments_serial;
  gboolean adding_comment;

  /* What the editor last put in each text field, to tell a person's
   * uncommitted typing from a field that may follow the story. */
  char *shown_title;
  char *shown_description;
  char *shown_labels;

  int estimate_values[32];
  guint n_estimate_values;
  TsStoryState state_values[8];
  guint n_state_values;

  /* Set while the code, not the person, changes a widget. */
  gboolean updating;
  gboolean deleted;
  guint check_source;
};

G_DEFINE_FINAL_TYPE (TsStoryEditor, ts_story_editor, ADW_TYPE_WINDOW)

static void refresh (TsStoryEditor *self);

static char *
estimate_name (int estimate)
{
  if (estimate == TS_ESTIMATE_NONE)
    return g_strdup (_("Unestimated"));
  return g_strdup_printf (ngettext ("%d Point", "%d Points", estimate), estimate);
}

static char *
format_day (TsDay day)
{
  g_autoptr(GDateTime) date_time = NULL;
  GDate date;

  g_date_set_julian (&date, day);
  date_time = g_date_time_new_utc (g_date_get_year (&date), g_date_get_month (&date),
                                   g_date_get_day (&date), 0, 0, 0);
  /* Translators: a date, in the format of g_date_time_format(). */
  return g_date_time_format (date_time, _("%-d %B %Y"));
}

static void
add_estimate_name (GStrvBuilder *names,
                   int           estimate)
{
  g_autofree char *name = estimate_name (estimate);

  g_strv_builder_add (names, name);
}

static void
toast (TsStoryEditor *self,
       const char    *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static TsUser *
find_member (TsStoryEditor *self,
             gint64         user_id)
{
  if (self->members == NULL)
    return NULL;
  for (guint i = 0; i < self->members->len; i++)
    if (ts_user_get_id (g_ptr_array_index (self->members, i)) == user_id)
      return g_ptr_array_index (self->members, i);
  return NULL;
}

static TsPointScale
point_scale (TsStoryEditor *self)
{
  TsProject *project = ts_backlog_store_get_project (self->store);

  return project != NULL ? ts_project_get_point_scale (project) : TS_POINT_SCALE_FIBONACCI;
}

static gboolean
bugs_and_chores_are_pointed (TsStoryEditor *self)
{
  TsProject *project = ts_backlog_store_get_project (self->store);

  return project != NULL && ts_project_get_bugs_and_chores_are_pointed (project);
}

/* Editing */

/* Sends @values' @fields when they differ from the story, after the checks
 * the server would make, so that a change it would refuse is explained at
 * once instead of flashing and rolling back. */
static gboolean
commit (TsStoryEditor *self,
        TsStoryFields  fields,
        TsStory       *values)
{
  g_autoptr(TsStory) after = NULL;
  g_autoptr(GError) error = NULL;

  if (self->deleted || self->story == NULL)
    return FALSE;

  fields = ts_story_diff (self->story, values, fields);
  if (fields == TS_STORY_FIELD_NONE)
    return TRUE;

  after = ts_story_copy (self->story);
  ts_story_apply (after, values, fields);
  if (!ts_story_check_change (self->story, after, point_scale (self), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Can’t change the story: %s"), error->message);

      g_debug ("refused locally: %s", error->message);
      toast (self, message);
      return FALSE;
    }

  ts_backlog_store_update_story (self->store, self->story_id, fields, after);
  return TRUE;
}

static void
commit_title (TsStoryEditor *self)
{
  g_autoptr(TsStory) values = NULL;
  g_autofree char *title = NULL;

  if (self->story == NULL)
    return;
  title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  if (g_strcmp0 (title, ts_story_get_title (self->story)) == 0)
    return;
  if (title[0] == '\0')
    {
      toast (self, _("A story needs a title"));
      return;
    }

  values = ts_story_new ();
  ts_story_set_title (values, title);
  if (commit (self, TS_STORY_FIELD_TITLE, values))
    {
      /* What was sent is what the field now follows. */
      g_free (self->shown_title);
      self->shown_title = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
    }
}

static char *
dup_description (TsStoryEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
commit_description (TsStoryEditor *self)
{
  g_autoptr(TsStory) values = NULL;
  g_autofree char *description = dup_description (self);

  if (self->story == NULL || g_strcmp0 (description, ts_story_get_description (self->story)) == 0)
    return;

  values = ts_story_new ();
  ts_story_set_description (values, description);
  if (commit (self, TS_STORY_FIELD_DESCRIPTION, values))
    {
      g_free (self->shown_description);
      self->shown_description = g_steal_pointer (&description);
    }
}

/* "a, b ,, c" → { "a", "b", "c" }: trimmed, without empty ones or
 * repeats. */
static GStrv
parse_labels (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *label = g_strstrip (parts[i]);

      if (label[0] == '\0' || !g_hash_table_add (seen, label))
        continue;
      g_strv_builder_add (builder, label);
    }
  return g_strv_builder_end (builder);
}

static char *
join_labels (TsStory *story)
{
  const char * const *labels = ts_story_get_labels (story);

  return labels != NULL ? g_strjoinv (", ", (GStrv) labels) : g_strdup ("");
}

static void
commit_labels (TsStoryEditor *self)
{
  g_autoptr(TsStory) values = NULL;
  g_auto(GStrv) labels = NULL;

  if (self->story == NULL)
    return;
  labels = parse_labels (gtk_editable_get_text (GTK_EDITABLE (self->labels_row)));
  values = ts_story_new ();
  ts_story_set_labels (values, (const char * const *) labels);
  if (commit (self, TS_STORY_FIELD_LABELS, values))
    {
      /* Shown tidied: "a, b". */
      g_free (self->shown_labels);
      self->shown_labels = g_strjoinv (", ", labels);
      self->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->labels_row), self->shown_labels);
      self->updating = FALSE;
    }
}

static gboolean
type_selected_cb (gpointer user_data)
{
  TsStoryEditor *self = user_data;
  guint selected = adw_combo_row_get_selected (self->type_row);
  g_autoptr(TsStory) values = NULL;
  TsStoryFields fields = TS_STORY_FIELD_TYPE;

  if (self->updating || self->story == NULL || selected == GTK_INVALID_LIST_POSITION)
    return G_SOURCE_REMOVE;

  values = ts_story_copy (self->story);
  ts_story_set_story_type (values, (TsStoryType) selected);
  /* A release has no estimate and only a release has a deadline: a change
   * of type takes them along, as one change. */
  if (selected == TS_STORY_TYPE_RELEASE && ts_story_has_estimate (values))
    {
      ts_story_set_estimate (values, TS_ESTIMATE_NONE);
      fields |= TS_STORY_FIELD_ESTIMATE;
    }
  if (selected != TS_STORY_TYPE_RELEASE && ts_story_get_deadline (values) != TS_DAY_NONE)
    {
      ts_story_set_deadline (values, TS_DAY_NONE);
      fields |= TS_STORY_FIELD_DEADLINE;
    }
  if (!commit (self, fields, values))
    refresh (self);
  return G_SOURCE_REMOVE;
}

static gboolean
estimate_selected_cb (gpointer user_data)
{
  TsStoryEditor *self = user_data;
  guint selected = adw_combo_row_get_selected (self->estimate_row);
  g_autoptr(TsStory) values = NULL;

  if (self->updating || self->story == NULL || selected >= self->n_estimate_values)
    return G_SOURCE_REMOVE;

  values = ts_story_new ();
  ts_story_set_estimate (values, self->estimate_values[selected]);
  if (!commit (self, TS_STORY_FIELD_ESTIMATE, values))
    refresh (self);
  return G_SOURCE_REMOVE;
}

static gboolean
state_selected_cb (gpointer user_data)
{
  TsStoryEditor *self = user_data;
  guint selected = adw_combo_row_get_selected (self->state_row);
  g_autoptr(TsStory) values = NULL;

  if (self->updating || self->story == NULL || selected >= self->n_state_values)
    return G_SOURCE_REMOVE;

  values = ts_story_new ();
  ts_story_set_state (values, self->state_values[selected]);
  if (!commit (self, TS_STORY_FIELD_STATE, values))
    refresh (self);
  return G_SOURCE_REMOVE;
}

static gboolean
requester_selected_cb (gpointer user_data)
{
  TsStoryEditor *self = user_data;
  guint selected = adw_combo_row_get_selected (self->requester_row);
  g_autoptr(TsStory) values = NULL;

  if (self->updating || self->story == NULL || self->members == NULL ||
      selected >= self->members->len)
    return G_SOURCE_REMOVE;

  values = ts_story_new ();
  ts_story_set_requester_id (values, ts_user_get_id (g_ptr_array_index (self->members, selected)));
  if (!commit (self, TS_STORY_FIELD_REQUESTER_ID, values))
    refresh (self);
  return G_SOURCE_REMOVE;
}

/* A choice is acted on from an idle: the change shows at once, and showing
 * it may replace the list model of the very combo row that is still
 * announcing its selection. */
static void
selected_cb (GObject       *combo,
             GParamSpec    *pspec,
             TsStoryEditor *self)
{
  GSourceFunc callback = g_object_get_data (combo, "commit");

  if (self->updating)
    return;
  g_idle_add_full (G_PRIORITY_DEFAULT, callback, g_object_ref (self), g_object_unref);
}

static void
owner_toggled_cb (GtkCheckButton *check,
                  TsStoryEditor  *self)
{
  gint64 user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (check), "user-id"));
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TsStory) values = NULL;
  const gint64 *ids;
  guint n_ids;

  if (self->updating || self->story == NULL)
    return;

  ids = ts_story_get_owner_ids (self->story, &n_ids);
  for (guint i = 0; i < n_ids; i++)
    if (ids[i] != user_id)
      g_array_append_val (owners, ids[i]);
  if (gtk_check_button_get_active (check))
    g_array_append_val (owners, user_id);

  values = ts_story_new ();
  ts_story_set_owner_ids (values, (const gint64 *) (gpointer) owners->data, owners->len);
  if (!commit (self, TS_STORY_FIELD_OWNER_IDS, values))
    refresh (self);
}

static void
set_deadline (TsStoryEditor *self,
              TsDay          deadline)
{
  g_autoptr(TsStory) values = ts_story_new ();

  ts_story_set_deadline (values, deadline);
  if (!commit (self, TS_STORY_FIELD_DEADLINE, values))
    refresh (self);
}

static void
deadline_selected_cb (TsStoryEditor *self)
{
  g_autoptr(GDateTime) date = NULL;

  if (self->updating || self->story == NULL)
    return;
  date = gtk_calendar_get_date (self->deadline_calendar);
  gtk_menu_button_popdown (self->deadline_button);
  set_deadline (self, ts_day_from_ymd (g_date_time_get_year (date),
                                       g_date_time_get_month (date),
                                       g_date_time_get_day_of_month (date)));
}

static void
clear_deadline_cb (TsStoryEditor *self)
{
  set_deadline (self, TS_DAY_NONE);
}

/* Showing the story */

static void
set_string_model (AdwComboRow  *row,
                  GStrvBuilder *builder,
                  guint         selected)
{
  g_auto(GStrv) strings = g_strv_builder_end (builder);
  GListModel *old = adw_combo_row_get_model (row);
  gboolean same = old != NULL && g_list_model_get_n_items (old) == g_strv_length (strings);

  for (guint i = 0; same && strings[i] != NULL; i++)
    same = g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (old), i), strings[i]);
  /* The same choices keep their model, so an open popover stays put. */
  if (!same)
    {
      g_autoptr(GtkStringList) model = gtk_string_list_new ((const char * const *) strings);

      adw_combo_row_set_model (row, G_LIST_MODEL (model));
    }
  adw_combo_row_set_selected (row, selected);
}

static void
refresh_estimate (TsStoryEditor *self)
{
  TsStoryType type = ts_story_get_story_type (self->story);
  int estimate = ts_story_get_estimate (self->story);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  const int *values;
  guint n_values;
  guint selected = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->estimate_row),
                          type == TS_STORY_TYPE_FEATURE ||
                          ((type == TS_STORY_TYPE_BUG || type == TS_STORY_TYPE_CHORE) &&
                           bugs_and_chores_are_pointed (self)));

  values = ts_point_scale_get_values (point_scale (self), &n_values);
  self->n_estimate_values = 0;
  self->estimate_values[self->n_estimate_values++] = TS_ESTIMATE_NONE;
  add_estimate_name (names, TS_ESTIMATE_NONE);
  for (guint i = 0; i < n_values && self->n_estimate_values < G_N_ELEMENTS (self->estimate_values); i++)
    {
      if (values[i] == estimate)
        selected = self->n_estimate_values;
      self->estimate_values[self->n_estimate_values++] = values[i];
      add_estimate_name (names, values[i]);
    }
  /* An estimate off the scale (a scale changed under an old story) is
   * shown as it is rather than as another. */
  if (estimate != TS_ESTIMATE_NONE && selected == 0 &&
      self->n_estimate_values < G_N_ELEMENTS (self->estimate_values))
    {
      selected = self->n_estimate_values;
      self->estimate_values[self->n_estimate_values++] = estimate;
      add_estimate_name (names, estimate);
    }
  set_string_model (self->estimate_row, names, selected);
}

/* The current state and the states it may change to, as the workflow
 * allows them for this story (an unestimated feature is not offered
 * Started, for instance). */
static void
refresh_state (TsStoryEditor *self)
{
  TsStoryType type = ts_story_get_story_type (self->story);
  TsStoryState state = ts_story_get_state (self->story);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(TsStory) after = ts_story_copy (self->story);

  self->n_state_values = 0;
  self->state_values[self->n_state_values++] = state;
  g_strv_builder_add (names, ts_story_state_display_name (state));
  for (TsStoryState to = TS_STORY_STATE_UNSCHEDULED; to <= TS_STORY_STATE_ACCEPTED; to++)
    {
      if (to == state || !ts_story_state_change_allowed (type, state, to))
        continue;
      ts_story_set_state (after, to);
      if (!ts_story_check_change (self->story, after, point_scale (self), NULL))
        continue;
      self->state_values[self->n_state_values++] = to;
      g_strv_builder_add (names, ts_story_state_display_name (to));
    }
  set_string_model (self->state_row, names, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->state_row), self->n_state_values > 1);
}

static void
refresh_deadline (TsStoryEditor *self)
{
  TsDay deadline = ts_story_get_deadline (self->story);

  gtk_widget_set_visible (GTK_WIDGET (self->deadline_row),
                          ts_story_get_story_type (self->story) == TS_STORY_TYPE_RELEASE);
  gtk_widget_set_visible (GTK_WIDGET (self->clear_deadline_button), deadline != TS_DAY_NONE);
  if (deadline == TS_DAY_NONE)
    {
      adw_action_row_set_subtitle (self->deadline_row, _("None"));
    }
  else
    {
      g_autofree char *text = format_day (deadline);
      g_autoptr(GDateTime) date_time = NULL;
      GDate date;

      g_date_set_julian (&date, deadline);
      adw_action_row_set_subtitle (self->deadline_row, text);
      date_time = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
                                         g_date_get_day (&date), 0, 0, 0);
      gtk_calendar_select_day (self->deadline_calendar, date_time);
    }
}

static void
refresh_people (TsStoryEditor *self)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GString) owners = g_string_new (NULL);
  gint64 requester_id = ts_story_get_requester_id (self->story);
  guint selected = GTK_INVALID_LIST_POSITION;
  const gint64 *ids;
  guint n_ids;

  gtk_widget_set_sensitive (GTK_WIDGET (self->requester_row), self->members != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->owners_row), self->members != NULL);

  if (self->members != NULL)
    {
      for (guint i = 0; i < self->members->len; i++)
        {
          TsUser *user = g_ptr_array_index (self->members, i);

          if (ts_user_get_id (user) == requester_id)
            selected = i;
          g_strv_builder_add (names, ts_user_get_name (user));
        }
      set_string_model (self->requester_row, names, selected);

      for (guint i = 0; i < self->owner_rows->len; i++)
        {
          GtkWidget *row = g_ptr_array_index (self->owner_rows, i);
          GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "check");
          TsUser *user = g_ptr_array_index (self->members, i);

          gtk_check_button_set_active (check, ts_story_has_owner (self->story, ts_user_get_id (user)));
        }
    }

  ids = ts_story_get_owner_ids (self->story, &n_ids);
  for (guint i = 0; i < n_ids; i++)
    {
      TsUser *user = find_member (self, ids[i]);

      if (owners->len > 0)
        g_string_append (owners, ", ");
      g_string_append (owners, user != NULL ? ts_user_get_name (user) : _("Someone Who Left"));
    }
  adw_expander_row_set_subtitle (self->owners_row, n_ids > 0 ? owners->str : _("None"));
}

/* Puts @value in a text field unless the person has typed there since the
 * editor last did (@shown). */
static void
refresh_text (TsStoryEditor  *self,
              GtkEditable    *editable,
              char          **shown,
              const char     *value)
{
  if (g_strcmp0 (gtk_editable_get_text (editable), *shown) != 0 &&
      g_strcmp0 (gtk_editable_get_text (editable), value) != 0)
    return;
  if (g_strcmp0 (gtk_editable_get_text (editable), value) != 0)
    gtk_editable_set_text (editable, value);
  g_free (*shown);
  *shown = g_strdup (value);
}

static void
refresh (TsStoryEditor *self)
{
  g_autofree char *description = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *subtitle = NULL;

  if (self->story == NULL)
    return;

  self->updating = TRUE;

  refresh_text (self, GTK_EDITABLE (self->title_row), &self->shown_title,
                ts_story_get_title (self->story));
  gtk_window_set_title (GTK_WINDOW (self), ts_story_get_title (self->story));

  description = dup_description (self);
  if (g_strcmp0 (description, self->shown_description) == 0 ||
      g_strcmp0 (description, ts_story_get_description (self->story)) == 0)
    {
      const char *value = ts_story_get_description (self->story);

      if (g_strcmp0 (description, value) != 0)
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                                  value != NULL ? value : "", -1);
      g_free (self->shown_description);
      self->shown_description = g_strdup (value != NULL ? value : "");
    }

  labels = join_labels (self->story);
  {
    /* The same labels written differently ("a,b") are not a change. */
    g_auto(GStrv) typed = parse_labels (gtk_editable_get_text (GTK_EDITABLE (self->labels_row)));
    g_autofree char *typed_joined = g_strjoinv (", ", typed);

    if (g_strcmp0 (typed_joined, labels) == 0 && self->shown_labels != NULL)
      {
        g_free (self->shown_labels);
        self->shown_labels = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->labels_row)));
      }
    else
      refresh_text (self, GTK_EDITABLE (self->labels_row), &self->shown_labels, labels);
  }

  adw_combo_row_set_selected (self->type_row, ts_story_get_story_type (self->story));
  refresh_estimate (self);
  refresh_state (self);
  refresh_deadline (self);
  refresh_people (self);

  subtitle = g_strdup_printf ("%s #%" G_GINT64_FORMAT,
                              ts_story_type_display_name (ts_story_get_story_type (self->story)), self->story_id);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  self->updating = FALSE;
}

/* Members */

static void
build_owner_rows (TsStoryEditor *self)
{
  for (guint i = 0; i < self->owner_rows->len; i++)
    adw_expander_row_remove (self->owners_row, g_ptr_array_index (self->owner_rows, i));
  g_ptr_array_set_size (self->owner_rows, 0);

  for (guint i = 0; i < self->members->len; i++)
    {
      TsUser *user = g_ptr_array_index (self->members, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ts_user_get_name (user));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ts_user_get_email (user));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data (G_OBJECT (check), "user-id", GSIZE_TO_POINTER (ts_user_get_id (user)));
      g_object_set_data (G_OBJECT (row), "check", check);
      g_signal_connect (check, "toggled", G_CALLBACK (owner_toggled_cb), self);
      adw_expander_row_add_row (self->owners_row, row);
      g_ptr_array_add (self->owner_rows, row);
    }
}

static void reload_comments (TsStoryEditor *self);
static void show_comments (TsStoryEditor *self);

static void
members_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TsStoryEditor *self = user_data;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GError) error = NULL;

  members = ts_api_client_list_members_finish (TS_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (members == NULL)
    {
      g_warning ("Could not list the members: %s", error->message);
      toast (self, _("Could not load the project’s members"));
      return;
    }

  g_clear_pointer (&self->members, g_ptr_array_unref);
  self->members = g_steal_pointer (&members);
  self->updating = TRUE;
  build_owner_rows (self);
  self->updating = FALSE;
  refresh (self);
  /* Authors are named by the members list. */
  show_comments (self);
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
  show_comments (self);
}

/* Comments */

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
      toast (self, _("Could not delete the comment"));
      reload_comments (self);
      return;
    }
  ts_backlog_store_catch_up (self->store);
  reload_comments (self);
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
  TsUser *author = find_member (self, ts_comment_get_author_id (comment));
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

static void
show_comments (TsStoryEditor *self)
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
          toast (self, _("Could not load the comments"));
        }
      return;
    }
  g_clear_pointer (&self->comments, g_ptr_array_unref);
  self->comments = g_steal_pointer (&comments);
  show_comments (self);
}

static void
reload_comments (TsStoryEditor *self)
{
  CommentsRequest *request = g_new0 (CommentsRequest, 1);

  request->self = self;
  request->serial = ++self->comments_serial;
  ts_api_client_list_comments_async (self->api, self->project_id, self->story_id,
                                     self->cancellable, comments_cb, request);
}

static void
update_comment_action (TsStoryEditor *self)
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
      toast (self, _("Could not add the comment"));
      update_comment_action (self);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  update_comment_action (self);
  ts_backlog_store_catch_up (self->store);
  reload_comments (self);
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
      toast (self, _("The comment is too long"));
      return;
    }

  /* A retried post after a lost answer adds one comment, not two. */
  key = g_uuid_string_random ();
  self->adding_comment = TRUE;
  gtk_editable_set_editable (GTK_EDITABLE (self->comment_entry), FALSE);
  update_comment_action (self);
  ts_api_client_add_comment_async (self->api, self->project_id, self->story_id, text, key,
                                   self->cancellable, comment_added_cb, self);
}

/* The store */

static void
story_notify_cb (TsStoryEditor *self)
{
  refresh (self);
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
  update_comment_action (self);

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
    reload_comments (self);
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
  toast (self, text);
}

/* Committing on focus out and on close */

static void
title_leave_cb (TsStoryEditor *self)
{
  if (!self->updating)
    commit_title (self);
}

static void
labels_leave_cb (TsStoryEditor *self)
{
  if (!self->updating)
    commit_labels (self);
}

static void
description_leave_cb (TsStoryEditor *self)
{
  if (!self->updating)
    commit_description (self);
}

static void
add_leave_controller (GtkWidget *widget,
                      GCallback  callback,
                      gpointer   user_data)
{
  GtkEventController *controller = gtk_event_controller_focus_new ();

  g_signal_connect_swapped (controller, "leave", callback, user_data);
  gtk_widget_add_controller (widget, controller);
}

static gboolean
ts_story_editor_close_request (GtkWindow *window)
{
  TsStoryEditor *self = TS_STORY_EDITOR (window);

  /* Instant apply: what is typed and not yet committed is kept too. */
  if (!self->deleted && self->story != NULL)
    {
      commit_title (self);
      commit_description (self);
      commit_labels (self);
    }
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
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, no_comments_label);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, comment_list);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, comment_entry);
  gtk_widget_class_bind_template_child (widget_class, TsStoryEditor, comment_button);

  gtk_widget_class_install_action (widget_class, "editor.add-comment", NULL, add_comment_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

/* "activate" of the comment entry posts the comment. */
static void
comment_activate_cb (GtkEntry      *entry,
                     TsStoryEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.add-comment", NULL);
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

  g_signal_connect_swapped (self->title_row, "entry-activated", G_CALLBACK (commit_title), self);
  g_signal_connect_swapped (self->labels_row, "entry-activated", G_CALLBACK (commit_labels), self);
  add_leave_controller (GTK_WIDGET (self->title_row), G_CALLBACK (title_leave_cb), self);
  add_leave_controller (GTK_WIDGET (self->labels_row), G_CALLBACK (labels_leave_cb), self);
  add_leave_controller (GTK_WIDGET (self->description_view), G_CALLBACK (description_leave_cb), self);
  g_object_set_data (G_OBJECT (self->type_row), "commit", type_selected_cb);
  g_object_set_data (G_OBJECT (self->estimate_row), "commit", estimate_selected_cb);
  g_object_set_data (G_OBJECT (self->state_row), "commit", state_selected_cb);
  g_object_set_data (G_OBJECT (self->requester_row), "commit", requester_selected_cb);
  g_signal_connect (self->type_row, "notify::selected", G_CALLBACK (selected_cb), self);
  g_signal_connect (self->estimate_row, "notify::selected", G_CALLBACK (selected_cb), self);
  g_signal_connect (self->state_row, "notify::selected", G_CALLBACK (selected_cb), self);
  g_signal_connect (self->requester_row, "notify::selected", G_CALLBACK (selected_cb), self);
  g_signal_connect_swapped (self->deadline_calendar, "day-selected", G_CALLBACK (deadline_selected_cb), self);
  g_signal_connect_swapped (self->clear_deadline_button, "clicked", G_CALLBACK (clear_deadline_cb), self);
  g_signal_connect_swapped (self->comment_entry, "changed", G_CALLBACK (update_comment_action), self);
  g_signal_connect (self->comment_entry, "activate", G_CALLBACK (comment_activate_cb), self);
  update_comment_action (self);
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

  user = find_member (self, user_id);
  return user != NULL ? ts_user_get_name (user) : NULL;
}

/**
 * ts_story_editor_present:
 * @parent: a widget of the window the editor belongs to
 * @store: the open project
 * @api: the client to read members and comments with
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

  refresh (self);
  ts_api_client_list_members_async (api, self->project_id, self->cancellable, members_cb, self);
  ts_api_client_get_me_async (api, self->cancellable, me_cb, self);
  reload_comments (self);

  gtk_window_present (GTK_WINDOW (self));
}
