/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-reports-window"

#include "ts-reports-window.h"

#include <glib/gi18n.h>

#include "ts-accels.h"
#include "ts-config.h"

/*
 * TsReportsWindow: the project's Reports, velocity and the current
 * iteration's burn-up, each a chart with a table of its values and an
 * export. A window of its own beside the backlog, as Activity is: both
 * are read while planning in the main window.
 *
 * It keeps no stories of its own: on each "plan-changed" of the store (the
 * one source of truth, once per batch of changes, a remote one included)
 * it computes the series again from the store's plan and stories, and a
 * chart whose series did not change is left alone, its highlight kept.
 */

typedef struct {
  TsChart *chart;
  GtkGrid *table;
  GtkToggleButton *table_button;
} Page;

struct _TsReportsWindow
{
  AdwWindow parent_instance;

  TsBacklogStore *store;
  AdwViewStack *stack;
  AdwToastOverlay *toasts;
  Page pages[2];              /* by TsChartKind */
  GtkFileChooserNative *chooser;
  TsChartKind exporting;
};

G_DEFINE_FINAL_TYPE (TsReportsWindow, ts_reports_window, ADW_TYPE_WINDOW)

/* The tables */

static void
table_cell (GtkGrid    *table,
            const char *text,
            int         column,
            int         row,
            gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0 : 1.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, column == 0);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (table, label, column, row, 1, 1);
}

/* A cell with nothing to say shows a dash, which a screen reader would
 * read as "em dash": it reads @meaning instead. */
static void
empty_cell (GtkGrid    *table,
            const char *meaning,
            int         column,
            int         row)
{
  table_cell (table, "—", column, row, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_grid_get_child_at (table, column, row)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, meaning,
                                  -1);
}

static void
clear_table (GtkGrid *table)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (table))) != NULL)
    gtk_grid_remove (table, child);
}

/* An iteration's team strength and length when they were changed. */
static char *
changed_text (const TsVelocityBar *bar)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Team strength %d %%, %u week",
                                       "Team strength %d %%, %u weeks", bar->weeks),
                          (int) (bar->team_strength * 100 + 0.5), bar->weeks);
}

static void
fill_velocity_table (GtkGrid                *table,
                     const TsChartData      *data)
{
  const TsVelocitySeries *series = data->velocity;
  g_autofree char *velocity = g_strdup_printf ("%d", series->velocity_shown);
  guint row = 0;

  table_cell (table, _("Iteration"), 0, row, TRUE);
  table_cell (table, _("Accepted"), 1, row, TRUE);
  table_cell (table, _("Changed"), 2, row, TRUE);
  for (guint i = 0; i < series->n_bars; i++)
    {
      g_autofree char *label = ts_chart_describe_label (data, i);
      g_autofree char *points = g_strdup_printf ("%u", series->bars[i].points);
      g_autofree char *note = series->bars[i].overridden ? changed_text (&series->bars[i]) : NULL;

      row++;
      table_cell (table, label, 0, row, FALSE);
      table_cell (table, points, 1, row, FALSE);
      if (note != NULL)
        table_cell (table, note, 2, row, FALSE);
      else
        empty_cell (table, _("Not changed"), 2, row);
    }
  row++;
  table_cell (table, series->what_if ? _("What-if velocity") : _("Velocity"), 0, row, TRUE);
  table_cell (table, velocity, 1, row, TRUE);
}

static void
fill_burnup_table (GtkGrid           *table,
                   const TsChartData *data)
{
  const TsBurnupSeries *series = data->burnup;
  g_autofree char *planned = g_strdup_printf ("%u", series->planned);

  table_cell (table, _("Day"), 0, 0, TRUE);
  table_cell (table, _("Accepted"), 1, 0, TRUE);
  table_cell (table, _("Planned"), 2, 0, TRUE);
  for (guint i = 0; i < series->n_days; i++)
    {
      g_autofree char *label = ts_chart_describe_label (data, i);
      g_autofree char *points = g_strdup_printf ("%d", series->days[i].accepted);

      table_cell (table, label, 0, i + 1, FALSE);
      if (series->days[i].accepted >= 0)
        table_cell (table, points, 1, i + 1, FALSE);
      else
        empty_cell (table, _("To come"), 1, i + 1);
      table_cell (table, planned, 2, i + 1, FALSE);
    }
}

static void
fill_table (Page *page)
{
  const TsChartData *data = ts_chart_get_data (page->chart);

  clear_table (page->table);
  if (data->kind == TS_CHART_VELOCITY && data->velocity != NULL)
    fill_velocity_table (page->table, data);
  else if (data->kind == TS_CHART_BURNUP && data->burnup != NULL)
    fill_burnup_table (page->table, data);
}

/* Following the store */

static TsStory *
lookup_story (gpointer user_data,
              gint64   story_id)
{
  return ts_backlog_store_lookup (user_data, story_id);
}

static void
refresh (TsReportsWindow *self)
{
  TsProject *project = ts_backlog_store_get_project (self->store);
  TsPlan *plan = ts_backlog_store_get_plan (self->store);
  g_autoptr(TsVelocitySeries) velocity = NULL;
  g_autoptr(TsBurnupSeries) burnup = NULL;
  Page *page;

  if (project == NULL || plan == NULL)
    return;

  velocity = ts_velocity_series_new (project, plan);
  page = &self->pages[TS_CHART_VELOCITY];
  if (!ts_velocity_series_equal (velocity, ts_chart_get_velocity (page->chart)))
    {
      ts_chart_set_velocity (page->chart, g_steal_pointer (&velocity));
      fill_table (page);
    }

  if (ts_plan_get_n_iterations (plan) == 0)
    return;
  burnup = ts_burnup_series_new (project, plan, lookup_story, self->store);
  page = &self->pages[TS_CHART_BURNUP];
  if (!ts_burnup_series_equal (burnup, ts_chart_get_burnup (page->chart)))
    {
      ts_chart_set_burnup (page->chart, g_steal_pointer (&burnup));
      fill_table (page);
    }
}

/* The project was closed (another one opened, signed out, deleted):
 * nothing left to follow. */
static void
store_status_cb (TsReportsWindow *self)
{
  if (ts_backlog_store_get_status (self->store) == TS_BACKLOG_STORE_CLOSED)
    gtk_window_destroy (GTK_WINDOW (self));
}

/* Export */

static void
export_response_cb (TsReportsWindow      *self,
                    int                   response,
                    GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  TsChartExportFormat format;

  if (response != GTK_RESPONSE_ACCEPT)
    return;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  name = g_file_get_basename (file);
  format = g_str_has_suffix (name, ".svg") || g_str_has_suffix (name, ".SVG")
    ? TS_CHART_EXPORT_SVG : TS_CHART_EXPORT_PNG;
  if (!ts_chart_export (self->pages[self->exporting].chart, file, format, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not export the chart: %s"), error->message);

      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
      return;
    }
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Chart exported")));
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *mime_type)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
export_clicked_cb (TsReportsWindow *self,
                   GtkButton       *button)
{
  TsChartKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "kind"));

  self->exporting = kind;
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export Chart"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* TRANSLATORS: file names of exported charts; keep the extension */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     kind == TS_CHART_VELOCITY ? _("velocity.png")
                                                               : _("burn-up.png"));
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("PNG Image"), "image/png");
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("SVG Image"), "image/svg+xml");
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Building */

static GtkWidget *
page_buttons (TsReportsWindow *self,
              Page            *page,
              TsChartKind      kind,
              GtkWidget       *revealer)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *table_button = gtk_toggle_button_new_with_label (_("Show Table"));
  GtkWidget *export_button = gtk_button_new_with_label (_("Export Chart…"));

  gtk_widget_set_halign (box, GTK_ALIGN_END);
  gtk_widget_set_tooltip_text (table_button, _("The chart’s values as a table"));
  gtk_widget_set_tooltip_text (export_button, _("Save the chart as a PNG or SVG image"));
  g_object_bind_property (table_button, "active", revealer, "reveal-child",
                          G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (export_button), "kind", GINT_TO_POINTER (kind));
  g_signal_connect_swapped (export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), table_button);
  gtk_box_append (GTK_BOX (box), export_button);
  page->table_button = GTK_TOGGLE_BUTTON (table_button);
  return box;
}

static GtkWidget *
build_page (TsReportsWindow *self,
            TsChartKind      kind,
            const char      *explanation)
{
  Page *page = &self->pages[kind];
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *intro = gtk_label_new (explanation);
  GtkWidget *revealer = gtk_revealer_new ();

  page->chart = TS_CHART (ts_chart_new (kind));
  page->table = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (page->table, 18);
  gtk_grid_set_row_spacing (page->table, 6);
  gtk_widget_add_css_class (GTK_WIDGET (page->table), "chart-table");
  gtk_revealer_set_child (GTK_REVEALER (revealer), GTK_WIDGET (page->table));

  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_widget_add_css_class (intro, "dim-label");

  gtk_box_append (GTK_BOX (box), intro);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (page->chart));
  gtk_box_append (GTK_BOX (box), page_buttons (self, page, kind, revealer));
  gtk_box_append (GTK_BOX (box), revealer);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  return scrolled;
}

static void
add_page (TsReportsWindow *self,
          TsChartKind      kind,
          const char      *name,
          const char      *title,
          const char      *icon_name,
          const char      *explanation)
{
  AdwViewStackPage *page = adw_view_stack_add_titled (self->stack,
                                                      build_page (self, kind, explanation),
                                                      name, title);

  adw_view_stack_page_set_icon_name (page, icon_name);
}

static void
ts_reports_window_dispose (GObject *object)
{
  TsReportsWindow *self = TS_REPORTS_WINDOW (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  G_OBJECT_CLASS (ts_reports_window_parent_class)->dispose (object);
}

static void
ts_reports_window_class_init (TsReportsWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ts_reports_window_dispose;
  ts_accels_add_bindings (GTK_WIDGET_CLASS (klass), TS_ACCEL_DIALOG);
}

static void
ts_reports_window_init (TsReportsWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_view_switcher_title_new ();
  GtkWidget *bar = adw_view_switcher_bar_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Reports"));
  gtk_window_set_default_size (GTK_WINDOW (self), 760, 640);
  gtk_widget_set_size_request (GTK_WIDGET (self), 360, 294);

  self->stack = ADW_VIEW_STACK (adw_view_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  add_page (self, TS_CHART_VELOCITY, "velocity", _("Velocity"),
            "power-profile-performance-symbolic",
            _("Points accepted in each done iteration, and the velocity the plan uses. "
              "Hatched bars are iterations whose team strength or length was changed."));
  add_page (self, TS_CHART_BURNUP, "burn-up", _("Burn-Up"), "x-office-calendar-symbolic",
            _("Points accepted day by day in the current iteration, against the points "
              "planned into it."));

  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (title), self->stack);
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (title), _("Reports"));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  adw_view_switcher_bar_set_stack (ADW_VIEW_SWITCHER_BAR (bar), self->stack);
  /* Narrow, the switcher leaves the header for the bottom bar. */
  g_object_bind_property (title, "title-visible", bar, "reveal", G_BINDING_SYNC_CREATE);

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, GTK_WIDGET (self->stack));
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->toasts));
  gtk_box_append (GTK_BOX (box), bar);
  adw_window_set_content (ADW_WINDOW (self), box);
}

/**
 * ts_reports_window_new:
 * @store: the open project's store, followed while the window is open
 */
GtkWidget *
ts_reports_window_new (GtkWindow      *parent,
                       TsBacklogStore *store)
{
  TsReportsWindow *self = g_object_new (TS_TYPE_REPORTS_WINDOW,
                                        "transient-for", parent,
                                        NULL);
  TsProject *project = ts_backlog_store_get_project (store);
  GtkWidget *title = adw_header_bar_get_title_widget (
    ADW_HEADER_BAR (gtk_widget_get_first_child (adw_window_get_content (ADW_WINDOW (self)))));

  self->store = g_object_ref (store);
  if (project != NULL)
    {
      const char *name = ts_project_get_name (project);
      /* TRANSLATORS: the title of an exported chart: the project's name */
      g_autofree char *velocity = g_strdup_printf (_("%s: Velocity"), name);
      /* TRANSLATORS: the title of an exported chart: the project's name */
      g_autofree char *burnup = g_strdup_printf (_("%s: Current Iteration"), name);

      adw_view_switcher_title_set_subtitle (ADW_VIEW_SWITCHER_TITLE (title), name);
      ts_chart_set_export_title (self->pages[TS_CHART_VELOCITY].chart, velocity);
      ts_chart_set_export_title (self->pages[TS_CHART_BURNUP].chart, burnup);
    }
  g_signal_connect_swapped (store, "plan-changed", G_CALLBACK (refresh), self);
  g_signal_connect_swapped (store, "notify::status", G_CALLBACK (store_status_cb), self);
  refresh (self);
  return GTK_WIDGET (self);
}

TsBacklogStore *
ts_reports_window_get_store (TsReportsWindow *self)
{
  g_return_val_if_fail (TS_IS_REPORTS_WINDOW (self), NULL);

  return self->store;
}

TsChart *
ts_reports_window_get_chart (TsReportsWindow *self,
                             TsChartKind      kind)
{
  g_return_val_if_fail (TS_IS_REPORTS_WINDOW (self), NULL);

  return self->pages[kind].chart;
}

void
ts_reports_window_show_page (TsReportsWindow *self,
                             TsChartKind      kind)
{
  g_return_if_fail (TS_IS_REPORTS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->stack,
                                         kind == TS_CHART_VELOCITY ? "velocity" : "burn-up");
}
