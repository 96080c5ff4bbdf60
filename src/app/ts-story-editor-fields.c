/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story-editor"

#include "ts-story-editor-private.h"

#include <glib/gi18n.h>

#include "ts-story-names.h"
#include "ts-workflow.h"

/*
 * The story editor's fields: showing the story in them, and sending what
 * the person changes.
 *
 * Each change is sent with the version of the story the person changed it
 * from (see "Base versions" below), so the server finds a change of the
 * same field by someone else in between, however quickly this store heard
 * of it, and the conflict dialog asks instead of it being overwritten.
 */

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


/* Base versions
 *
 * A change is based on the story as the person saw it when they began it:
 * the first keystroke in a text field that showed the story, opening a
 * list or the calendar, unfolding the owners. A text field that still
 * shows the story (nothing typed) follows it and has no base yet; a
 * choice made without opening anything (clearing the deadline) is based
 * on the story as it is then. */

static gint64 *
base_slot (TsStoryEditor *self,
           TsStoryFields  field)
{
  int bit = g_bit_nth_lsf (field, -1);

  g_assert (bit >= 0 && bit < TS_STORY_EDITOR_N_FIELDS);
  return &self->base_versions[bit];
}

/* The person began changing @field. A list opened again (@again) starts
 * afresh: the person sees what it shows now. */
static void
begin_change (TsStoryEditor *self,
              TsStoryFields  field,
              gboolean       again)
{
  gint64 *slot = base_slot (self, field);

  if (self->updating || self->story == NULL || self->deleted)
    return;
  if (*slot == 0 || again)
    *slot = ts_story_get_version (self->story);
}

static void
end_change (TsStoryEditor *self,
            TsStoryFields  fields)
{
  for (guint i = 0; i < TS_STORY_EDITOR_N_FIELDS; i++)
    if (fields & (1u << i))
      self->base_versions[i] = 0;
}

/* The version @fields are changed from: the oldest of their bases, or the
 * story's version for those not begun. */
static gint64
base_version (TsStoryEditor *self,
              TsStoryFields  fields)
{
  gint64 base = ts_story_get_version (self->story);

  for (guint i = 0; i < TS_STORY_EDITOR_N_FIELDS; i++)
    if ((fields & (1u << i)) && self->base_versions[i] != 0)
      base = MIN (base, self->base_versions[i]);
  return base;
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
  TsStoryFields asked = fields;
  gint64 base;

  if (self->deleted || self->story == NULL)
    return FALSE;

  base = base_version (self, fields);
  fields = ts_story_diff (self->story, values, fields);
  if (fields == TS_STORY_FIELD_NONE)
    {
      end_change (self, asked);
      return TRUE;
    }

  after = ts_story_copy (self->story);
  ts_story_apply (after, values, fields);
  if (!ts_story_check_change (self->story, after, point_scale (self), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Can’t change the story: %s"), error->message);

      g_debug ("refused locally: %s", error->message);
      _ts_story_editor_toast (self, message);
      return FALSE;
    }

  ts_backlog_store_update_story_since (self->store, self->story_id, fields, after, base);
  end_change (self, asked);
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
    {
      end_change (self, TS_STORY_FIELD_TITLE);
      return;
    }
  if (title[0] == '\0')
    {
      _ts_story_editor_toast (self, _("A story needs a title"));
      return;
    }
  if (!ts_check_story_title (title, NULL))
    {
      /* Said in words and short, rather than the core's message about
       * the field, which is longer than a narrow editor is wide. */
      g_autofree char *message =
        g_strdup_printf (ngettext ("A title can have at most %d character",
                                   "A title can have at most %d characters",
                                   TS_STORY_TITLE_MAX_CHARS),
                         TS_STORY_TITLE_MAX_CHARS);

      _ts_story_editor_toast (self, message);
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

  if (self->story == NULL)
    return;
  if (g_strcmp0 (description, ts_story_get_description (self->story)) == 0)
    {
      end_change (self, TS_STORY_FIELD_DESCRIPTION);
      return;
    }

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
    _ts_story_editor_refresh (self);
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
    _ts_story_editor_refresh (self);
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
    _ts_story_editor_refresh (self);
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
    _ts_story_editor_refresh (self);
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
    _ts_story_editor_refresh (self);
}

static void
set_deadline (TsStoryEditor *self,
              TsDay          deadline)
{
  g_autoptr(TsStory) values = ts_story_new ();

  ts_story_set_deadline (values, deadline);
  if (!commit (self, TS_STORY_FIELD_DEADLINE, values))
    _ts_story_editor_refresh (self);
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
      TsUser *user = _ts_story_editor_find_member (self, ids[i]);

      if (owners->len > 0)
        g_string_append (owners, ", ");
      g_string_append (owners, user != NULL ? ts_user_get_name (user) : _("Someone Who Left"));
    }
  adw_expander_row_set_subtitle (self->owners_row, n_ids > 0 ? owners->str : _("None"));
}

/* Puts @value in a text field unless the person has typed there since the
 * editor last did (@shown). A field that follows the story again has no
 * change begun. */
static void
refresh_text (TsStoryEditor  *self,
              GtkEditable    *editable,
              char          **shown,
              const char     *value,
              TsStoryFields   field)
{
  if (g_strcmp0 (gtk_editable_get_text (editable), *shown) != 0 &&
      g_strcmp0 (gtk_editable_get_text (editable), value) != 0)
    return;
  if (g_strcmp0 (gtk_editable_get_text (editable), value) != 0)
    gtk_editable_set_text (editable, value);
  g_free (*shown);
  *shown = g_strdup (value);
  end_change (self, field);
}

void
_ts_story_editor_refresh (TsStoryEditor *self)
{
  g_autofree char *description = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *subtitle = NULL;

  if (self->story == NULL)
    return;

  self->updating = TRUE;

  refresh_text (self, GTK_EDITABLE (self->title_row), &self->shown_title,
                ts_story_get_title (self->story), TS_STORY_FIELD_TITLE);
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
      end_change (self, TS_STORY_FIELD_DESCRIPTION);
    }

  _ts_story_editor_show_tasks (self);

  labels = join_labels (self->story);
  {
    /* The same labels written differently ("a,b") are not a change. */
    g_auto(GStrv) typed = parse_labels (gtk_editable_get_text (GTK_EDITABLE (self->labels_row)));
    g_autofree char *typed_joined = g_strjoinv (", ", typed);

    if (g_strcmp0 (typed_joined, labels) == 0 && self->shown_labels != NULL)
      {
        g_free (self->shown_labels);
        self->shown_labels = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->labels_row)));
        end_change (self, TS_STORY_FIELD_LABELS);
      }
    else
      refresh_text (self, GTK_EDITABLE (self->labels_row), &self->shown_labels, labels,
                    TS_STORY_FIELD_LABELS);
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

void
_ts_story_editor_build_owner_rows (TsStoryEditor *self)
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

void
_ts_story_editor_commit_texts (TsStoryEditor *self)
{
  commit_title (self);
  commit_description (self);
  commit_labels (self);
}

/* Beginning a change */

/* The first keystroke in a text field that showed the story begins a
 * change of it. */
static void
title_changed_cb (TsStoryEditor *self)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->title_row)), self->shown_title) != 0)
    begin_change (self, TS_STORY_FIELD_TITLE, FALSE);
}

static void
labels_changed_cb (TsStoryEditor *self)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->labels_row)), self->shown_labels) != 0)
    begin_change (self, TS_STORY_FIELD_LABELS, FALSE);
}

static void
description_changed_cb (TsStoryEditor *self)
{
  g_autofree char *description = NULL;

  /* Only the first keystroke is compared: a description may be long. */
  if (self->updating || *base_slot (self, TS_STORY_FIELD_DESCRIPTION) != 0)
    return;
  description = dup_description (self);
  if (g_strcmp0 (description, self->shown_description) != 0)
    begin_change (self, TS_STORY_FIELD_DESCRIPTION, FALSE);
}

/* A list opened ("activated" is a combo row's popup) begins a change of
 * its field, afresh each time. */
static void
list_opened_cb (AdwComboRow   *row,
                TsStoryEditor *self)
{
  TsStoryFields field = row == self->type_row ? TS_STORY_FIELD_TYPE
                        : row == self->estimate_row ? TS_STORY_FIELD_ESTIMATE
                        : row == self->state_row ? TS_STORY_FIELD_STATE
                        : TS_STORY_FIELD_REQUESTER_ID;

  begin_change (self, field, TRUE);
}

static void
calendar_opened_cb (TsStoryEditor *self)
{
  begin_change (self, TS_STORY_FIELD_DEADLINE, TRUE);
}

static void
owners_unfolded_cb (TsStoryEditor *self)
{
  if (adw_expander_row_get_expanded (self->owners_row))
    begin_change (self, TS_STORY_FIELD_OWNER_IDS, TRUE);
}

void
_ts_story_editor_init_fields (TsStoryEditor *self)
{
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

  g_signal_connect_swapped (self->title_row, "changed", G_CALLBACK (title_changed_cb), self);
  g_signal_connect_swapped (self->labels_row, "changed", G_CALLBACK (labels_changed_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->description_view), "changed",
                            G_CALLBACK (description_changed_cb), self);
  g_signal_connect (self->type_row, "activated", G_CALLBACK (list_opened_cb), self);
  g_signal_connect (self->estimate_row, "activated", G_CALLBACK (list_opened_cb), self);
  g_signal_connect (self->state_row, "activated", G_CALLBACK (list_opened_cb), self);
  g_signal_connect (self->requester_row, "activated", G_CALLBACK (list_opened_cb), self);
  g_signal_connect_swapped (gtk_menu_button_get_popover (self->deadline_button), "show",
                            G_CALLBACK (calendar_opened_cb), self);
  g_signal_connect_swapped (self->owners_row, "notify::expanded",
                            G_CALLBACK (owners_unfolded_cb), self);
}
