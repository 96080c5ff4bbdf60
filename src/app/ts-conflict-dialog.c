/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-conflict-dialog"

#include "ts-conflict-dialog.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ts-story-editor.h"
#include "ts-story-names.h"

/*
 * The question a refused edit (409) asks: someone else changed the same
 * fields of the story since this client last saw it. The dialog names the
 * story and shows, field by field, their value beside mine; "Keep Mine"
 * sends my edit again on top of theirs, "Take Theirs" (also Escape and
 * closing) keeps what the store already shows, which is theirs.
 *
 * It is transient for the story's open editor when there is one, since
 * that is where the edit was made; otherwise for @parent's window.
 */

static const char *
field_name (TsStoryFields field)
{
  switch (field)
    {
    case TS_STORY_FIELD_TITLE: return _("Title");
    case TS_STORY_FIELD_DESCRIPTION: return _("Description");
    case TS_STORY_FIELD_TYPE: return _("Type");
    case TS_STORY_FIELD_ESTIMATE: return _("Estimate");
    case TS_STORY_FIELD_STATE: return _("State");
    case TS_STORY_FIELD_LABELS: return _("Labels");
    case TS_STORY_FIELD_OWNER_IDS: return _("Owners");
    case TS_STORY_FIELD_REQUESTER_ID: return _("Requester");
    case TS_STORY_FIELD_DEADLINE: return _("Deadline");
    default: g_assert_not_reached ();
    }
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

static char *
person_name (TsStoryEditor *editor,
             gint64         user_id)
{
  const char *name = editor != NULL ? ts_story_editor_get_person_name (editor, user_id) : NULL;

  g_autofree char *number = NULL;

  if (name != NULL)
    return g_strdup (name);
  /* Without the members list (no editor open), a person is at least
   * told apart from another. The number is formatted apart, so that the
   * translated text holds a plain %s. */
  number = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  /* Translators: a project member whose name is not known, by number. */
  return g_strdup_printf (_("Member %s"), number);
}

static char *
field_value (TsStory       *story,
             TsStoryFields  field,
             TsStoryEditor *editor)
{
  switch (field)
    {
    case TS_STORY_FIELD_TITLE:
      return g_strdup (ts_story_get_title (story));
    case TS_STORY_FIELD_DESCRIPTION:
      {
        const char *text = ts_story_get_description (story);

        return g_strdup (text != NULL && text[0] != '\0' ? text : _("None"));
      }
    case TS_STORY_FIELD_TYPE:
      return g_strdup (ts_story_type_display_name (ts_story_get_story_type (story)));
    case TS_STORY_FIELD_ESTIMATE:
      {
        int estimate = ts_story_get_estimate (story);

        if (estimate == TS_ESTIMATE_NONE)
          return g_strdup (_("Unestimated"));
        return g_strdup_printf (ngettext ("%d Point", "%d Points", estimate), estimate);
      }
    case TS_STORY_FIELD_STATE:
      return g_strdup (ts_story_state_display_name (ts_story_get_state (story)));
    case TS_STORY_FIELD_LABELS:
      {
        const char * const *labels = ts_story_get_labels (story);

        if (labels == NULL || labels[0] == NULL)
          return g_strdup (_("None"));
        return g_strjoinv (", ", (GStrv) labels);
      }
    case TS_STORY_FIELD_OWNER_IDS:
      {
        g_autoptr(GString) text = g_string_new (NULL);
        const gint64 *ids;
        guint n_ids;

        ids = ts_story_get_owner_ids (story, &n_ids);
        if (n_ids == 0)
          return g_strdup (_("None"));
        for (guint i = 0; i < n_ids; i++)
          {
            g_autofree char *name = person_name (editor, ids[i]);

            if (i > 0)
              g_string_append (text, ", ");
            g_string_append (text, name);
          }
        return g_string_free (g_steal_pointer (&text), FALSE);
      }
    case TS_STORY_FIELD_REQUESTER_ID:
      if (ts_story_get_requester_id (story) <= 0)
        return g_strdup (_("None"));
      return person_name (editor, ts_story_get_requester_id (story));
    case TS_STORY_FIELD_DEADLINE:
      {
        TsDay deadline = ts_story_get_deadline (story);

        if (deadline == TS_DAY_NONE)
          return g_strdup (_("None"));
        return format_day (deadline);
      }
    default:
      g_assert_not_reached ();
    }
}

static GtkWidget *
value_label (const char *text,
             gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_label_set_width_chars (GTK_LABEL (label), heading ? 0 : 12);
  /* A long description is shown in part; the editor shows the rest. */
  gtk_label_set_lines (GTK_LABEL (label), 4);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, !heading);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  return label;
}

/* Field | Theirs | Mine, one line per conflicting field. */
static GtkWidget *
comparison_new (const TsStoryConflict *conflict,
                TsStoryEditor         *editor)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *label;
  int line = 1;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);

  label = value_label (_("Theirs"), FALSE);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), label, 1, 0, 1, 1);
  label = value_label (_("Mine"), FALSE);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), label, 2, 0, 1, 1);

  for (TsStoryFields field = 1; field & TS_STORY_FIELDS_ALL; field <<= 1)
    {
      g_autofree char *theirs = NULL;
      g_autofree char *mine = NULL;

      if (!(conflict->fields & field))
        continue;
      theirs = field_value (conflict->theirs, field, editor);
      mine = field_value (conflict->mine, field, editor);
      gtk_grid_attach (GTK_GRID (grid), value_label (field_name (field), TRUE), 0, line, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value_label (theirs, FALSE), 1, line, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value_label (mine, FALSE), 2, line, 1, 1);
      line++;
    }
  return grid;
}

/* The question, naming the story by the title this person saw: their own
 * copy's. Named by the other person's new title, the story was one they
 * did not know; a rename they did not make is told as part of what the
 * other person changed. */
static char *
question_new (const TsStoryConflict *conflict)
{
  const char *mine = ts_story_get_title (conflict->mine);
  const char *theirs = ts_story_get_title (conflict->theirs);

  if (!(conflict->fields & TS_STORY_FIELD_TITLE) && !(conflict->my_fields & TS_STORY_FIELD_TITLE) &&
      g_strcmp0 (mine, theirs) != 0)
    /* Translators: the story's title as this person knew it, then the
     * title someone else gave it. */
    return g_strdup_printf (_("Someone else changed “%s” while you were editing it, and renamed "
                              "it “%s”. Keep your version, or take theirs?"), mine, theirs);
  return g_strdup_printf (_("Someone else changed “%s” while you were editing it. Keep your "
                            "version, or take theirs?"), mine);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             TsBacklogStore   *store)
{
  TsStoryConflict *conflict = g_object_get_data (G_OBJECT (dialog), "conflict");

  ts_backlog_store_resolve_conflict (store, conflict, g_strcmp0 (response, "keep") == 0);
}

/**
 * ts_conflict_dialog_present:
 * @parent: a widget of the window the conflict belongs to
 * @store: the store that emitted #TsBacklogStore::conflict
 * @conflict: the conflict (copied)
 *
 * Asks whether to keep my edit or take theirs, and tells @store.
 */
void
ts_conflict_dialog_present (GtkWidget             *parent,
                            TsBacklogStore        *store,
                            const TsStoryConflict *conflict)
{
  TsStoryEditor *editor;
  GtkWindow *transient_for = NULL;
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WIDGET (parent));
  g_return_if_fail (TS_IS_BACKLOG_STORE (store));
  g_return_if_fail (conflict != NULL);

  editor = ts_story_editor_find (store, conflict->story_id);
  if (editor != NULL)
    transient_for = GTK_WINDOW (editor);
  else if (parent != NULL && GTK_IS_WINDOW (gtk_widget_get_root (parent)))
    transient_for = GTK_WINDOW (gtk_widget_get_root (parent));

  body = question_new (conflict);
  dialog = adw_message_dialog_new (transient_for, _("Edit Conflict"), body);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog),
                                      comparison_new (conflict, editor));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "theirs", _("_Take Theirs"),
                                    "keep", _("_Keep Mine"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "keep",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "theirs");

  g_object_set_data_full (G_OBJECT (dialog), "conflict", ts_story_conflict_copy (conflict),
                          (GDestroyNotify) ts_story_conflict_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (response_cb), store, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
