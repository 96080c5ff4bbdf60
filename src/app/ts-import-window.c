/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-import-window"

#include "ts-import-window.h"

#include <glib/gi18n.h>

#include "ts-display.h"
#include "ts-error-text.h"

/*
 * Importing a Pivotal Tracker CSV export into the open project: the file
 * is read, sent to the server as a dry run for the preview (what it holds,
 * who matched a member, whether the schedule applies), and on Import sent
 * again, for real, with the upload's progress. The server does the whole
 * import as one change (doc/api.md): the app never creates stories one by
 * one, and the backlog reloads through the store's `stories-import`.
 */

/* The server's limit on an import's body (doc/api.md): a larger file is
 * refused here, before sending it. */
#define MAX_FILE_BYTES (32 * 1024 * 1024)
/* While the server works after the last byte went out. */
#define PULSE_MS 150

struct _TsImportWindow
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkWidget *import_button;
  GtkStack *stack;
  GtkSpinner *spinner;
  GtkLabel *reading_label;
  AdwStatusPage *error_page;
  GtkLabel *error_detail;
  AdwPreferencesGroup *stories_group;
  AdwActionRow *features_row;
  AdwActionRow *bugs_row;
  AdwActionRow *chores_row;
  AdwActionRow *releases_row;
  AdwActionRow *already_row;
  AdwActionRow *epics_row;
  AdwActionRow *tasks_row;
  AdwActionRow *comments_row;
  AdwPreferencesGroup *people_group;
  AdwPreferencesGroup *schedule_group;
  AdwActionRow *start_date_row;
  AdwActionRow *iteration_length_row;
  GtkLabel *upload_label;
  GtkProgressBar *progress_bar;

  TsBacklogStore *store;
  TsApiClient *api;
  GFile *file;
  GBytes *csv;
  GCancellable *cancellable;
  TsImportSummary *preview;
  gint64 project_id;
  gint64 started;           /* when the file was given, for the preview's time */
  gint64 preview_ms;        /* how long until the preview showed, -1 before */
  gint64 read_at;           /* when the file was read, for the debug log */
  guint pulse_source;
  gboolean sent;            /* an import went out: the store catches up on close */
};

G_DEFINE_FINAL_TYPE (TsImportWindow, ts_import_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_IMPORTED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

/* Pages */

static void
stop_pulse (TsImportWindow *self)
{
  g_clear_handle_id (&self->pulse_source, g_source_remove);
}

static void
show_page (TsImportWindow *self,
           const char      *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "reading"));
  if (!g_str_equal (name, "uploading"))
    stop_pulse (self);
  gtk_stack_set_visible_child_name (self->stack, name);
}

static gboolean
can_import (TsImportWindow *self)
{
  return self->preview != NULL && self->preview->total > 0 &&
         g_str_equal (gtk_stack_get_visible_child_name (self->stack), "preview");
}

static void
update_import_action (TsImportWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.start", can_import (self));
}

/* Why the file was refused, in words, and the server's own line (English,
 * for the person who fixes the file) beneath. */
static void
show_error (TsImportWindow *self,
            const GError    *error,
            gboolean         imported)
{
  g_autofree char *text = ts_error_text_dup_import (error);
  const char *detail = NULL;

  /* The server's own words on the file (English, naming the line and the
   * column), or GIO's (translated, naming the file), for whoever fixes it. */
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_INVALID) ||
      error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    detail = error->message;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.close", TRUE);
  adw_status_page_set_title (self->error_page, imported ? _("The Stories Were Not Imported")
                                                        : _("This File Cannot Be Imported"));
  adw_status_page_set_description (self->error_page, text);
  gtk_label_set_text (self->error_detail, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_detail), detail != NULL);
  show_page (self, "error");
  update_import_action (self);
}

/* The preview */

/* A row's count, at its end. */
static void
set_count (AdwActionRow *row,
           gint64        count)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "ts-count");
  g_autofree char *text = g_strdup_printf ("%'" G_GINT64_FORMAT, count);

  if (label == NULL)
    {
      label = gtk_label_new (NULL);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (row, label);
      g_object_set_data (G_OBJECT (row), "ts-count", label);
    }
  gtk_label_set_text (GTK_LABEL (label), text);
}

/* A row only when there is something to count: a file of features has
 * no line saying it holds zero releases. */
static void
show_count (AdwActionRow *row,
            gint64        count)
{
  set_count (row, count);
  gtk_widget_set_visible (GTK_WIDGET (row), count > 0);
}

static void
show_stories (TsImportWindow       *self,
              const TsImportSummary *summary)
{
  gint64 fresh = summary->total;
  g_autofree char *description = NULL;

  show_count (self->features_row, summary->features);
  show_count (self->bugs_row, summary->bugs);
  show_count (self->chores_row, summary->chores);
  show_count (self->releases_row, summary->releases);
  show_count (self->already_row, summary->already_imported);
  if (fresh == 0 && summary->already_imported == 0)
    description = g_strdup (_("The file holds no stories."));
  else if (fresh == 0)
    description = g_strdup (_("Every story of this file is in the project already: "
                              "there is nothing new to import."));
  else
    description = g_strdup_printf (g_dngettext (NULL, "%d new story will be added to the backlog.",
                                                "%d new stories will be added to the backlog.",
                                                (gulong) fresh),
                                   (int) fresh);
  adw_preferences_group_set_description (self->stories_group, description);

  show_count (self->epics_row, summary->epics);
  show_count (self->tasks_row, summary->tasks);
  show_count (self->comments_row, summary->comments);
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->epics_row),
                                                   ADW_TYPE_PREFERENCES_GROUP),
                          summary->epics + summary->tasks + summary->comments > 0);
}

static GtkWidget *
person_row_new (const TsImportPerson *person)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), person->name);
  /* Names come from the file: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (person->user_id > 0)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Member of the project"));
      icon = gtk_image_new_from_icon_name ("object-select-symbolic");
      gtk_widget_set_tooltip_text (icon, _("Matched"));
      gtk_widget_add_css_class (icon, "success");
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Not a member: named in the stories’ descriptions"));
      icon = gtk_image_new_from_icon_name ("dialog-question-symbolic");
      gtk_widget_set_tooltip_text (icon, _("Not matched"));
      gtk_widget_add_css_class (icon, "warning");
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  /* Whole, wrapped at 360 px. */
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

static void
show_people (TsImportWindow       *self,
             const TsImportSummary *summary)
{
  guint matched = ts_import_summary_count_matched (summary);
  guint unmatched = summary->people->len - matched;
  g_autofree char *description = NULL;

  if (summary->people->len == 0)
    description = g_strdup (_("The file names nobody."));
  else if (unmatched == 0)
    description = g_strdup (_("Everyone the file names is a member of this project, "
                              "matched by full name."));
  else
    /* TRANSLATORS: matched by full name; the others are kept as text */
    description = g_strdup_printf (g_dngettext (NULL,
                                                "%u of %u people matched a member by full name. "
                                                "The others are kept as text in the stories.",
                                                "%u of %u people matched members by full name. "
                                                "The others are kept as text in the stories.",
                                                matched),
                                   matched, summary->people->len);
  adw_preferences_group_set_description (self->people_group, description);
  for (guint i = 0; i < summary->people->len; i++)
    adw_preferences_group_add (self->people_group,
                               person_row_new (g_ptr_array_index (summary->people, i)));
}

static void
show_schedule (TsImportWindow       *self,
               const TsImportSummary *summary)
{
  TsDay day = TS_DAY_NONE;
  g_autofree char *start = NULL;
  g_autofree char *length = NULL;
  gboolean any = summary->start_date != NULL || summary->iteration_length > 0;

  if (summary->start_date != NULL && ts_day_parse (summary->start_date, &day))
    start = ts_display_day (day);
  if (summary->iteration_length > 0)
    length = g_strdup_printf (g_dngettext (NULL, "%d week", "%d weeks",
                                           (gulong) summary->iteration_length),
                              (int) summary->iteration_length);
  adw_action_row_set_subtitle (self->start_date_row, start != NULL ? start : _("Not in the file"));
  adw_action_row_set_subtitle (self->iteration_length_row,
                               length != NULL ? length : _("Not in the file"));
  /* Nothing new to import, nothing to schedule. */
  gtk_widget_set_visible (GTK_WIDGET (self->schedule_group), summary->total > 0);
  if (!any)
    adw_preferences_group_set_description (self->schedule_group,
                                           _("The file gives no iteration dates: the project "
                                             "keeps its start date and iteration length."));
  else if (summary->schedule_applied)
    adw_preferences_group_set_description (self->schedule_group,
                                           _("The project takes the start date and iteration "
                                             "length of the file."));
  else
    adw_preferences_group_set_description (self->schedule_group,
                                           _("This project already has stories: it keeps its "
                                             "own start date and iteration length."));
}

static void
show_preview (TsImportWindow *self)
{
  show_stories (self, self->preview);
  show_people (self, self->preview);
  show_schedule (self, self->preview);
  show_page (self, "preview");
  update_import_action (self);
  if (can_import (self))
    gtk_widget_grab_focus (self->import_button);
}

static void
preview_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TsImportWindow) self = user_data;
  g_autoptr(TsImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = ts_api_client_import_tracker_finish (TS_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (summary == NULL)
    {
      g_debug ("The preview of %s failed: %s", g_file_peek_path (self->file), error->message);
      show_error (self, error, FALSE);
      return;
    }
  {
    gint64 answered = g_get_monotonic_time ();

    self->preview = g_steal_pointer (&summary);
    show_preview (self);
    self->preview_ms = (g_get_monotonic_time () - self->started) / 1000;
    g_debug ("Preview of %" G_GINT64_FORMAT " stories in %" G_GINT64_FORMAT " ms: reading the "
             "file %.1f, the server's dry run %.1f, the rows %.1f", self->preview->total,
             self->preview_ms, (self->read_at - self->started) / 1000.0,
             (answered - self->read_at) / 1000.0, (g_get_monotonic_time () - answered) / 1000.0);
  }
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *bytes = g_file_load_bytes (task_data, cancellable, NULL, &error);

  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

/* The file in one read in a worker: g_file_load_bytes_async() reads 8 KiB
 * per main loop iteration, which took 60 to 200 ms of a 3 MB preview. */
static void
read_file_async (GFile               *file,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, read_in_thread);
}

static void
file_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TsImportWindow) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL)
    {
      show_error (self, error, FALSE);
      return;
    }
  if (g_bytes_get_size (bytes) > MAX_FILE_BYTES)
    {
      g_autoptr(GError) too_large = g_error_new (TS_SYNC_ERROR, TS_SYNC_ERROR_TOO_LARGE,
                                                 "%s is over 32 MiB", g_file_peek_path (self->file));

      show_error (self, too_large, FALSE);
      return;
    }
  self->csv = g_steal_pointer (&bytes);
  self->read_at = g_get_monotonic_time ();
  ts_api_client_import_tracker_async (self->api, self->project_id, self->csv, TRUE, NULL, NULL,
                                      self->cancellable, preview_cb, g_object_ref (self));
}

/* The import */

static gboolean
pulse_cb (gpointer user_data)
{
  TsImportWindow *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
upload_progress_cb (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  TsImportWindow *self = user_data;
  g_autofree char *sent_text = g_format_size (sent);
  g_autofree char *total_text = g_format_size (total);
  g_autofree char *text = NULL;

  /* Closed (its widgets gone) or already pulsing. */
  if (g_cancellable_is_cancelled (self->cancellable) || self->pulse_source != 0)
    return;
  if (sent < total)
    {
      /* TRANSLATORS: sizes, e.g. "1.2 MB of 3.4 MB" */
      text = g_strdup_printf (_("%s of %s"), sent_text, total_text);
      gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) sent / total : 1.0);
      gtk_progress_bar_set_text (self->progress_bar, text);
      return;
    }
  /* Everything is sent: the server reads and saves it now, in one
   * transaction that closing the window would not stop, so the window
   * stays until the answer (or the session's 30 s timeout) says how it
   * went. */
  gtk_progress_bar_set_text (self->progress_bar, _("Saving the stories…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "window.close", FALSE);
  self->pulse_source = g_timeout_add (PULSE_MS, pulse_cb, self);
}

static void
import_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TsImportWindow) self = user_data;
  g_autoptr(TsImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = ts_api_client_import_tracker_finish (TS_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* The event of this client's own import goes to its other sockets
   * only: the store catches up, which reloads it (`stories-import`). */
  ts_backlog_store_catch_up (self->store);
  if (summary == NULL)
    {
      g_debug ("The import of %s failed: %s", g_file_peek_path (self->file), error->message);
      show_error (self, error, TRUE);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_IMPORTED], 0, summary->total);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TsImportWindow *self = TS_IMPORT_WINDOW (widget);
  gint64 fresh;

  if (!can_import (self))
    return;
  fresh = self->preview->total;
  {
    g_autofree char *label = g_strdup_printf (g_dngettext (NULL, "Importing %d story…",
                                                           "Importing %d stories…",
                                                           (gulong) fresh),
                                              (int) fresh);

    gtk_label_set_text (self->upload_label, label);
  }
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  show_page (self, "uploading");
  update_import_action (self);
  self->sent = TRUE;
  ts_api_client_import_tracker_async (self->api, self->project_id, self->csv, FALSE,
                                      upload_progress_cb, self, self->cancellable,
                                      import_cb, g_object_ref (self));
}

/* The object */

static void
ts_import_window_dispose (GObject *object)
{
  TsImportWindow *self = TS_IMPORT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  stop_pulse (self);
  /* Closed while the import was on its way: it may have been made. */
  if (self->sent && self->store != NULL)
    ts_backlog_store_catch_up (self->store);
  self->sent = FALSE;
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_IMPORT_WINDOW);
  G_OBJECT_CLASS (ts_import_window_parent_class)->dispose (object);
}

static void
ts_import_window_finalize (GObject *object)
{
  TsImportWindow *self = TS_IMPORT_WINDOW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->api);
  g_clear_object (&self->file);
  g_clear_pointer (&self->csv, g_bytes_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->preview, ts_import_summary_free);
  G_OBJECT_CLASS (ts_import_window_parent_class)->finalize (object);
}

static void
ts_import_window_class_init (TsImportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_import_window_dispose;
  object_class->finalize = ts_import_window_finalize;

  /**
   * TsImportWindow::imported:
   * @count: how many stories were added
   *
   * The import is made; the window closes after.
   */
  signals[SIGNAL_IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-import-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, reading_label);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, error_detail);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, stories_group);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, features_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, bugs_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, chores_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, releases_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, already_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, epics_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, tasks_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, comments_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, people_group);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, schedule_group);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, start_date_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, iteration_length_row);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, upload_label);
  gtk_widget_class_bind_template_child (widget_class, TsImportWindow, progress_bar);
  gtk_widget_class_install_action (widget_class, "import.start", NULL, start_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ts_import_window_init (TsImportWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->preview_ms = -1;
}

/**
 * ts_import_window_new:
 * @parent: the project's window
 * @store: the open project
 * @api: the client to import with
 * @file: the CSV file, chosen by the person
 *
 * Opens the import's window on @file: it reads it and asks the server for
 * the preview at once.
 *
 * Returns: (transfer none): the window, shown
 */
TsImportWindow *
ts_import_window_new (GtkWindow      *parent,
                       TsBacklogStore *store,
                       TsApiClient    *api,
                       GFile          *file)
{
  TsImportWindow *self;
  g_autofree char *name = NULL;
  g_autofree char *reading = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (store), NULL);
  g_return_val_if_fail (TS_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (TS_TYPE_IMPORT_WINDOW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->api = g_object_ref (api);
  self->file = g_object_ref (file);
  self->project_id = ts_backlog_store_get_project_id (store);
  self->started = g_get_monotonic_time ();

  name = g_file_get_basename (file);
  adw_window_title_set_subtitle (self->window_title, name);
  /* TRANSLATORS: %s is a file's name */
  reading = g_strdup_printf (_("Reading “%s”…"), name);
  gtk_label_set_text (self->reading_label, reading);
  show_page (self, "reading");
  update_import_action (self);
  gtk_window_present (GTK_WINDOW (self));

  read_file_async (file, self->cancellable, file_read_cb, g_object_ref (self));
  return self;
}

/**
 * ts_import_window_get_preview_ms:
 *
 * Returns: how long the preview took from the file to the screen, in ms,
 *   or -1 until it shows
 */
gint64
ts_import_window_get_preview_ms (TsImportWindow *self)
{
  g_return_val_if_fail (TS_IS_IMPORT_WINDOW (self), -1);

  return self->preview_ms;
}
