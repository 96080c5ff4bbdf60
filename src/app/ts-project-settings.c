/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-settings"

#include "ts-project-settings.h"

#include <glib/gi18n.h>

#include "ts-accels.h"
#include "ts-project-delete.h"
#include "ts-scale-change.h"
#include "ts-toast.h"

/*
 * TsProjectSettings: a project's planning settings, its next iterations'
 * overrides and its members.
 *
 * Settings apply at once, as GNOME's preferences do: each committed value
 * (Enter or focus leaving an entry, a choice, a switch, a spin button once
 * it has rested for a moment) is one `PATCH` of that field alone, or one
 * `PUT`/`DELETE` of an iteration, followed by ts_backlog_store_catch_up()
 * so that the backlog re-plans from the server's change. The window shows
 * the store's project and follows it while open (someone else may change
 * the settings too), leaving alone an entry the person is typing in.
 *
 * Membership is no project change (it has no event and no version), so
 * the members list is read again after each add and remove instead.
 */

/* How many iterations, from the current one, offer overrides. */
#define N_OVERRIDE_ROWS 4
/* A spin button is sent once it has rested this long. */
#define SPIN_REST_MS 600

typedef struct {
  guint number;
  AdwExpanderRow *row;
  GtkSpinButton *strength;
  AdwComboRow *length;
  GtkButton *reset;
  guint rest_source;
} OverrideRow;

struct _TsProjectSettings
{
  AdwPreferencesWindow parent_instance;

  AdwEntryRow *name_row;
  AdwActionRow *start_date_row;
  GtkMenuButton *start_date_button;
  GtkCalendar *start_date_calendar;
  AdwComboRow *iteration_length_row;
  AdwEntryRow *time_zone_row;
  AdwComboRow *velocity_strategy_row;
  GtkSpinButton *initial_velocity_spin;
  AdwComboRow *point_scale_row;
  GtkSwitch *pointed_switch;
  AdwPreferencesGroup *overrides_group;
  AdwEntryRow *email_row;
  AdwPreferencesGroup *members_group;

  TsBacklogStore *store;
  TsApiClient *api;
  gint64 project_id;
  GCancellable *cancellable;

  char *shown_name;
  char *shown_time_zone;
  guint velocity_rest_source;

  OverrideRow overrides[N_OVERRIDE_ROWS];
  guint first_override;

  gint64 my_id;
  GPtrArray *member_rows;
  gboolean adding_member;

  gboolean updating;
};

G_DEFINE_FINAL_TYPE (TsProjectSettings, ts_project_settings, ADW_TYPE_PREFERENCES_WINDOW)

static void refresh (TsProjectSettings *self);
static void reload_members (TsProjectSettings *self);

static void
toast (TsProjectSettings *self,
       const char        *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), ts_toast_new (GTK_WIDGET (self), message));
}

static TsProject *
project (TsProjectSettings *self)
{
  return ts_backlog_store_get_project (self->store);
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

/* Saving */

/* A change on its way. It holds the store, not the window: what closing
 * the window sends must still arrive and be caught up on, and its answer
 * only reaches the window (for an error's toast) if that is still open. */
typedef struct {
  GWeakRef window;
  TsBacklogStore *store;
} SaveRequest;

static SaveRequest *
save_request_new (TsProjectSettings *self)
{
  SaveRequest *request = g_new0 (SaveRequest, 1);

  g_weak_ref_init (&request->window, self);
  request->store = g_object_ref (self->store);
  return request;
}

static void
save_request_free (SaveRequest *request)
{
  g_weak_ref_clear (&request->window);
  g_object_unref (request->store);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveRequest, save_request_free)

static void
save_done (SaveRequest  *request,
           gboolean      ok,
           const GError *error,
           gboolean      iteration)
{
  g_autoptr(TsProjectSettings) self = g_weak_ref_get (&request->window);
  g_autofree char *message = NULL;

  if (ok)
    {
      ts_backlog_store_catch_up (request->store);
      return;
    }
  g_warning ("Could not change the project: %s", error->message);
  if (self == NULL)
    return;
  if (iteration)
    message = g_strdup_printf (_("The iteration was not changed: %s"), error->message);
  else
    message = g_strdup_printf (_("The setting was not saved: %s"), error->message);
  toast (self, message);
  refresh (self);
}

static void
project_updated_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SaveRequest) request = user_data;
  g_autoptr(TsProject) changed = NULL;
  g_autoptr(GError) error = NULL;

  changed = ts_api_client_update_project_finish (TS_API_CLIENT (object), result, &error);
  save_done (request, changed != NULL, error, FALSE);
}

/* Sends @values' @fields as one change, when they differ from the
 * project's. */
static void
save (TsProjectSettings *self,
      TsProjectFields    fields,
      TsProject         *values)
{
  g_autoptr(TsProjectPatch) patch = g_new0 (TsProjectPatch, 1);

  patch->fields = fields;
  patch->values = g_object_ref (values);
  ts_api_client_update_project_async (self->api, self->project_id, patch, NULL,
                                      project_updated_cb, save_request_new (self));
}

static void
commit_name (TsProjectSettings *self)
{
  g_autoptr(TsProject) values = NULL;
  g_autofree char *name = NULL;

  if (self->updating || project (self) == NULL)
    return;
  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  if (g_strcmp0 (name, ts_project_get_name (project (self))) == 0)
    return;
  if (name[0] == '\0' || g_utf8_strlen (name, -1) > TS_PROJECT_NAME_MAX_CHARS)
    {
      toast (self, _("A project needs a name of at most 200 characters"));
      return;
    }

  values = ts_project_new ();
  ts_project_set_name (values, name);
  g_free (self->shown_name);
  self->shown_name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  save (self, TS_PROJECT_FIELD_NAME, values);
}

static void
commit_time_zone (TsProjectSettings *self)
{
  g_autoptr(TsProject) values = NULL;
  g_autofree char *zone = NULL;

  if (self->updating || project (self) == NULL)
    return;
  zone = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->time_zone_row))));
  if (g_strcmp0 (zone, ts_project_get_time_zone (project (self))) == 0)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->time_zone_row), "error");
      return;
    }
  values = ts_project_new ();
  if (!ts_time_zone_is_known (zone) || !ts_project_set_time_zone (values, zone))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->time_zone_row), "error");
      toast (self, _("Unknown time zone; use a name like Europe/Paris"));
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->time_zone_row), "error");
  g_free (self->shown_time_zone);
  self->shown_time_zone = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->time_zone_row)));
  save (self, TS_PROJECT_FIELD_TIME_ZONE, values);
}

static void
start_date_selected_cb (TsProjectSettings *self)
{
  g_autoptr(TsProject) values = NULL;
  g_autoptr(GDateTime) date = NULL;
  TsDay day;

  if (self->updating || project (self) == NULL)
    return;
  date = gtk_calendar_get_date (self->start_date_calendar);
  day = ts_day_from_ymd (g_date_time_get_year (date), g_date_time_get_month (date),
                         g_date_time_get_day_of_month (date));
  gtk_menu_button_popdown (self->start_date_button);
  if (day == ts_project_get_start_date (project (self)))
    return;
  /* The server's bounds, checked by the same core function. */
  if (!ts_planner_check_day ("start_date", day, NULL))
    {
      toast (self, _("The start date must be between 1970 and 2199"));
      return;
    }

  values = ts_project_new ();
  ts_project_set_start_date (values, day);
  save (self, TS_PROJECT_FIELD_START_DATE, values);
}

static void
iteration_length_selected_cb (TsProjectSettings *self)
{
  guint weeks = adw_combo_row_get_selected (self->iteration_length_row) + TS_ITERATION_LENGTH_MIN;
  g_autoptr(TsProject) values = NULL;

  if (self->updating || project (self) == NULL ||
      weeks == ts_project_get_iteration_length (project (self)))
    return;
  values = ts_project_new ();
  ts_project_set_iteration_length (values, weeks);
  save (self, TS_PROJECT_FIELD_ITERATION_LENGTH, values);
}

static void
velocity_strategy_selected_cb (TsProjectSettings *self)
{
  guint n = adw_combo_row_get_selected (self->velocity_strategy_row) + TS_VELOCITY_STRATEGY_MIN;
  g_autoptr(TsProject) values = NULL;

  if (self->updating || project (self) == NULL ||
      n == ts_project_get_velocity_strategy (project (self)))
    return;
  values = ts_project_new ();
  ts_project_set_velocity_strategy (values, n);
  save (self, TS_PROJECT_FIELD_VELOCITY_STRATEGY, values);
}

static gboolean
initial_velocity_rested_cb (gpointer user_data)
{
  TsProjectSettings *self = user_data;
  guint velocity = gtk_spin_button_get_value_as_int (self->initial_velocity_spin);
  g_autoptr(TsProject) values = NULL;

  self->velocity_rest_source = 0;
  if (project (self) == NULL || velocity == ts_project_get_initial_velocity (project (self)))
    return G_SOURCE_REMOVE;
  values = ts_project_new ();
  ts_project_set_initial_velocity (values, velocity);
  save (self, TS_PROJECT_FIELD_INITIAL_VELOCITY, values);
  return G_SOURCE_REMOVE;
}

static void
initial_velocity_changed_cb (TsProjectSettings *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->velocity_rest_source, g_source_remove);
  self->velocity_rest_source = g_timeout_add (SPIN_REST_MS, initial_velocity_rested_cb, self);
}

/* The scale's values under its name, so the choice is clear ("0, 1, 2, 3,
 * 5, 8"): the chosen scale's while its question is asked, where they
 * were the old scale's under the new name. */
static void
show_scale_values (TsProjectSettings *self,
                   TsPointScale       scale)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_values;
  const int *values = ts_point_scale_get_values (scale, &n_values);

  for (guint i = 0; i < n_values; i++)
    g_string_append_printf (text, i > 0 ? ", %d" : "%d", values[i]);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->point_scale_row), text->str);
}

static void
save_point_scale (TsProjectSettings *self,
                  TsPointScale       scale)
{
  g_autoptr(TsProject) values = ts_project_new ();

  ts_project_set_point_scale (values, scale);
  save (self, TS_PROJECT_FIELD_POINT_SCALE, values);
}

static void
point_scale_answered_cb (AdwMessageDialog  *dialog,
                         const char        *response,
                         TsProjectSettings *self)
{
  TsPointScale scale = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "scale"));

  if (g_str_equal (response, "change"))
    {
      save_point_scale (self, scale);
      return;
    }
  /* Cancel keeps the scale the project has. */
  if (project (self) != NULL)
    {
      self->updating = TRUE;
      adw_combo_row_set_selected (self->point_scale_row,
                                  ts_project_get_point_scale (project (self)));
      self->updating = FALSE;
      show_scale_values (self, ts_project_get_point_scale (project (self)));
    }
}

/* A scale that rewrites estimates says how before it is applied. */
static void
point_scale_selected_cb (TsProjectSettings *self)
{
  TsPointScale scale = adw_combo_row_get_selected (self->point_scale_row);
  AdwMessageDialog *dialog;

  if (self->updating || project (self) == NULL ||
      scale == ts_project_get_point_scale (project (self)))
    return;
  show_scale_values (self, scale);
  dialog = ts_scale_change_dialog_new (GTK_WINDOW (self), ts_backlog_store_get_stories (self->store),
                                       scale);
  if (dialog == NULL)
    {
      save_point_scale (self, scale);
      return;
    }
  g_object_set_data (G_OBJECT (dialog), "scale", GUINT_TO_POINTER (scale));
  g_signal_connect_object (dialog, "response", G_CALLBACK (point_scale_answered_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
pointed_changed_cb (TsProjectSettings *self)
{
  gboolean pointed = gtk_switch_get_active (self->pointed_switch);
  g_autoptr(TsProject) values = NULL;

  if (self->updating || project (self) == NULL ||
      pointed == ts_project_get_bugs_and_chores_are_pointed (project (self)))
    return;
  values = ts_project_new ();
  ts_project_set_bugs_and_chores_are_pointed (values, pointed);
  save (self, TS_PROJECT_FIELD_BUGS_AND_CHORES_ARE_POINTED, values);
}

/* Iteration overrides */

static void
iteration_set_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SaveRequest) request = user_data;
  g_autoptr(TsIterationOverride) override = NULL;
  g_autoptr(GError) error = NULL;

  override = ts_api_client_set_iteration_finish (TS_API_CLIENT (object), result, NULL, &error);
  save_done (request, override != NULL, error, TRUE);
}

static void
iteration_cleared_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SaveRequest) request = user_data;
  g_autoptr(TsIterationOverride) override = NULL;
  g_autoptr(GError) error = NULL;

  override = ts_api_client_clear_iteration_finish (TS_API_CLIENT (object), result, NULL, &error);
  save_done (request, override != NULL, error, TRUE);
}

static void
clear_override (TsProjectSettings *self,
                guint              number)
{
  ts_api_client_clear_iteration_async (self->api, self->project_id, number, NULL,
                                       iteration_cleared_cb, save_request_new (self));
}

static void
save_override (TsProjectSettings *self,
               OverrideRow       *row)
{
  TsIterationOverride override = { 0, };
  guint length = adw_combo_row_get_selected (row->length);

  override.number = row->number;
  override.team_strength = gtk_spin_button_get_value (row->strength) / 100.0;
  /* The first choice is the project's length. */
  override.length = length == GTK_INVALID_LIST_POSITION ? 0 : length;

  if (override.team_strength == 1.0 && override.length == 0)
    clear_override (self, row->number);
  else
    ts_api_client_set_iteration_async (self->api, self->project_id, &override, NULL,
                                       iteration_set_cb, save_request_new (self));
}

static OverrideRow *
override_row_for (TsProjectSettings *self,
                  GObject           *widget)
{
  return &self->overrides[GPOINTER_TO_UINT (g_object_get_data (widget, "override-index"))];
}

static gboolean
strength_rested_cb (gpointer user_data)
{
  GObject *spin = user_data;
  TsProjectSettings *self = g_object_get_data (spin, "settings");
  OverrideRow *row = override_row_for (self, spin);

  row->rest_source = 0;
  save_override (self, row);
  return G_SOURCE_REMOVE;
}

static void
strength_changed_cb (GtkSpinButton     *spin,
                     TsProjectSettings *self)
{
  OverrideRow *row = override_row_for (self, G_OBJECT (spin));

  if (self->updating)
    return;
  g_clear_handle_id (&row->rest_source, g_source_remove);
  row->rest_source = g_timeout_add (SPIN_REST_MS, strength_rested_cb, spin);
}

static void
override_length_selected_cb (AdwComboRow       *combo,
                             GParamSpec        *pspec,
                             TsProjectSettings *self)
{
  if (!self->updating)
    save_override (self, override_row_for (self, G_OBJECT (combo)));
}

static void
override_reset_cb (GtkButton         *button,
                   TsProjectSettings *self)
{
  OverrideRow *row = override_row_for (self, G_OBJECT (button));

  g_clear_handle_id (&row->rest_source, g_source_remove);
  clear_override (self, row->number);
}

static void
build_override_rows (TsProjectSettings *self)
{
  for (guint i = 0; i < N_OVERRIDE_ROWS; i++)
    {
      OverrideRow *row = &self->overrides[i];
      GtkWidget *strength_row = adw_action_row_new ();
      GtkWidget *length_row = adw_combo_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (0, 100, 5);
      GtkWidget *reset = gtk_button_new_from_icon_name ("edit-undo-symbolic");
      GtkWidget *percent = gtk_label_new ("%");

      row->row = ADW_EXPANDER_ROW (adw_expander_row_new ());

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (strength_row), _("Team Strength"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (strength_row), _("The share of the team at work"));
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Team strength in percent"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (strength_row), spin);
      gtk_widget_add_css_class (percent, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (strength_row), percent);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (strength_row), spin);
      row->strength = GTK_SPIN_BUTTON (spin);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (length_row), _("Length"));
      row->length = ADW_COMBO_ROW (length_row);

      gtk_widget_set_tooltip_text (reset, _("Use the Project’s Settings"));
      gtk_widget_set_valign (reset, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (reset, "flat");
      adw_expander_row_add_action (row->row, reset);
      row->reset = GTK_BUTTON (reset);

      adw_expander_row_add_row (row->row, strength_row);
      adw_expander_row_add_row (row->row, length_row);
      adw_preferences_group_add (self->overrides_group, GTK_WIDGET (row->row));

      g_object_set_data (G_OBJECT (spin), "override-index", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (spin), "settings", self);
      g_object_set_data (G_OBJECT (length_row), "override-index", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (reset), "override-index", GUINT_TO_POINTER (i));
      g_signal_connect (spin, "value-changed", G_CALLBACK (strength_changed_cb), self);
      g_signal_connect (length_row, "notify::selected", G_CALLBACK (override_length_selected_cb), self);
      g_signal_connect (reset, "clicked", G_CALLBACK (override_reset_cb), self);
    }
}

static GtkStringList *
weeks_model (const char *first)
{
  GtkStringList *model = gtk_string_list_new (NULL);

  if (first != NULL)
    gtk_string_list_append (model, first);
  for (guint weeks = TS_ITERATION_LENGTH_MIN; weeks <= TS_ITERATION_LENGTH_MAX; weeks++)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u Week", "%u Weeks", weeks), weeks);

      gtk_string_list_append (model, text);
    }
  return model;
}

static void
refresh_overrides (TsProjectSettings *self)
{
  TsProject *p = project (self);
  TsPlan *plan = ts_backlog_store_get_plan (self->store);
  guint current = plan != NULL ? ts_plan_get_current_iteration (plan) : 1;
  g_autofree char *default_length = NULL;
  TsDay start = TS_DAY_NONE;
  TsDay finish;

  /* Later iterations follow the current one, each as long as its
   * override or the project says. */
  for (guint k = 0; plan != NULL && k < ts_plan_get_n_iterations (plan); k++)
    if (ts_plan_get_iteration (plan, k)->number == current)
      start = ts_plan_get_iteration (plan, k)->start;

  default_length = g_strdup_printf (ngettext ("%u Week (Default)",
                                              "%u Weeks (Default)",
                                              ts_project_get_iteration_length (p)),
                                    ts_project_get_iteration_length (p));

  for (guint i = 0; i < N_OVERRIDE_ROWS; i++)
    {
      OverrideRow *row = &self->overrides[i];
      const TsIterationOverride *override;
      g_autoptr(GtkStringList) lengths = weeks_model (default_length);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      g_autofree char *title = NULL;
      double strength;
      guint length;

      row->number = current + i;
      override = ts_project_get_override (p, row->number);
      strength = override != NULL ? override->team_strength : 1.0;
      length = override != NULL ? override->length : 0;

      if (i == 0)
        title = g_strdup_printf (_("Iteration %u (Current)"), row->number);
      else
        title = g_strdup_printf (_("Iteration %u"), row->number);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), title);

      if (start != TS_DAY_NONE)
        {
          g_autofree char *first = format_day (start);
          g_autofree char *last = NULL;

          finish = start + 7 * ts_project_get_iteration_weeks (p, row->number) - 1;
          last = format_day (finish);
          /* Translators: an iteration's first and last days. */
          g_string_append_printf (subtitle, _("%s to %s"), first, last);
          start = finish + 1;
        }
      if (override != NULL)
        {
          if (subtitle->len > 0)
            g_string_append (subtitle, " · ");
          g_string_append_printf (subtitle, _("%d%% strength"), (int) (strength * 100 + 0.5));
          if (length != 0)
            g_string_append_printf (subtitle, ngettext (", %u week", ", %u weeks", length), length);
        }
      adw_expander_row_set_subtitle (row->row, subtitle->str);
      gtk_widget_set_visible (GTK_WIDGET (row->reset), override != NULL);

      /* A value the person is still adjusting stays as it is. */
      if (row->rest_source == 0)
        gtk_spin_button_set_value (row->strength, strength * 100.0);
      adw_combo_row_set_model (row->length, G_LIST_MODEL (lengths));
      adw_combo_row_set_selected (row->length, length);
    }
}

/* Showing the project */

static void
refresh_text (GtkEditable  *editable,
              char        **shown,
              const char   *value)
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
refresh (TsProjectSettings *self)
{
  TsProject *p = project (self);
  TsDay start;

  if (p == NULL)
    return;

  self->updating = TRUE;

  refresh_text (GTK_EDITABLE (self->name_row), &self->shown_name, ts_project_get_name (p));
  refresh_text (GTK_EDITABLE (self->time_zone_row), &self->shown_time_zone,
                ts_project_get_time_zone (p));

  start = ts_project_get_start_date (p);
  if (start == TS_DAY_NONE)
    adw_action_row_set_subtitle (self->start_date_row, _("Not set; the project starts today"));
  else
    {
      g_autofree char *text = format_day (start);
      g_autoptr(GDateTime) date_time = NULL;
      GDate date;

      adw_action_row_set_subtitle (self->start_date_row, text);
      g_date_set_julian (&date, start);
      date_time = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
                                         g_date_get_day (&date), 0, 0, 0);
      gtk_calendar_select_day (self->start_date_calendar, date_time);
    }

  adw_combo_row_set_selected (self->iteration_length_row,
                              ts_project_get_iteration_length (p) - TS_ITERATION_LENGTH_MIN);
  adw_combo_row_set_selected (self->velocity_strategy_row,
                              ts_project_get_velocity_strategy (p) - TS_VELOCITY_STRATEGY_MIN);
  if (self->velocity_rest_source == 0)
    gtk_spin_button_set_value (self->initial_velocity_spin, ts_project_get_initial_velocity (p));
  adw_combo_row_set_selected (self->point_scale_row, ts_project_get_point_scale (p));
  show_scale_values (self, ts_project_get_point_scale (p));
  gtk_switch_set_active (self->pointed_switch, ts_project_get_bugs_and_chores_are_pointed (p));

  refresh_overrides (self);

  self->updating = FALSE;
}

/* Members */

static void
member_removed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TsProjectSettings *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ts_api_client_remove_member_finish (TS_API_CLIENT (object), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not remove a member: %s", error->message);
      /* The server says why (a project keeps at least one member). */
      message = g_strdup_printf (_("Could not remove the member: %s"), error->message);
      toast (self, message);
    }
  reload_members (self);
}

static void
remove_response_cb (AdwMessageDialog  *dialog,
                    const char        *response,
                    TsProjectSettings *self)
{
  gint64 user_id;

  if (g_strcmp0 (response, "remove") != 0)
    return;
  user_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "user-id"));
  ts_api_client_remove_member_async (self->api, self->project_id, user_id, self->cancellable,
                                     member_removed_cb, self);
}

static void
remove_member_cb (GtkButton         *button,
                  TsProjectSettings *self)
{
  TsUser *user = g_object_get_data (G_OBJECT (button), "user");
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  heading = g_strdup_printf (_("Remove %s?"), ts_user_get_name (user));
  if (ts_user_get_id (user) == self->my_id)
    body = g_strdup_printf (_("You will no longer see “%s” or its stories."),
                            ts_project_get_name (project (self)));
  else
    body = g_strdup_printf (_("%s will no longer see “%s” or its stories."),
                            ts_user_get_name (user), ts_project_get_name (project (self)));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "user-id", GSIZE_TO_POINTER (ts_user_get_id (user)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  TsUser *x = *(TsUser **) a;
  TsUser *y = *(TsUser **) b;

  return g_utf8_collate (ts_user_get_name (x), ts_user_get_name (y));
}

/* The store's members, by name. */
static void
show_members (TsProjectSettings *self)
{
  GHashTable *table = ts_project_members_get_table (ts_backlog_store_get_members (self->store));
  g_autoptr(GPtrArray) members = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer member;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &member))
    g_ptr_array_add (members, member);
  g_ptr_array_sort (members, compare_names);
  for (guint i = 0; i < self->member_rows->len; i++)
    adw_preferences_group_remove (self->members_group, g_ptr_array_index (self->member_rows, i));
  g_ptr_array_set_size (self->member_rows, 0);

  for (guint i = 0; i < members->len; i++)
    {
      TsUser *user = g_ptr_array_index (members, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *remove_name = NULL;
      g_autofree char *title = NULL;

      if (ts_user_get_id (user) == self->my_id)
        /* Translators: the signed-in person in the members list. */
        title = g_strdup_printf (_("%s (You)"), ts_user_get_name (user));
      else
        title = g_strdup (ts_user_get_name (user));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ts_user_get_email (user));

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (remove, _("Remove From Project"));
      /* TRANSLATORS: what a screen reader calls the button that removes
       * the member %s from the project. */
      remove_name = g_strdup_printf (_("Remove %s From Project"), ts_user_get_name (user));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      remove_name, -1);
      gtk_widget_add_css_class (remove, "flat");
      g_object_set_data_full (G_OBJECT (remove), "user", g_object_ref (user), g_object_unref);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_member_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

      adw_preferences_group_add (self->members_group, row);
      g_ptr_array_add (self->member_rows, row);
    }
}

/* The store reads the members (the window shows them when they change,
 * `members-changed`). */
static void
reload_members (TsProjectSettings *self)
{
  ts_project_members_reload (ts_backlog_store_get_members (self->store));
}

static void
me_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  TsProjectSettings *self = user_data;
  g_autoptr(TsUser) me = NULL;
  g_autoptr(GError) error = NULL;

  me = ts_api_client_get_me_finish (TS_API_CLIENT (object), result, &error);
  if (me == NULL)
    return;
  self->my_id = ts_user_get_id (me);
  show_members (self);
}

static void
update_add_action (TsProjectSettings *self)
{
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.add-member",
                                 email[0] != '\0' && !self->adding_member);
}

static void
member_added_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TsProjectSettings *self = user_data;
  g_autoptr(TsUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = ts_api_client_add_member_finish (TS_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->adding_member = FALSE;
  gtk_editable_set_editable (GTK_EDITABLE (self->email_row), TRUE);
  update_add_action (self);
  if (user == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->email_row), "error");
      if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND))
        toast (self, _("No user with that email"));
      else
        {
          g_autofree char *message = g_strdup_printf (_("Could not add the member: %s"),
                                                      error->message);

          g_warning ("Could not add a member: %s", error->message);
          toast (self, message);
        }
      gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
      return;
    }

  {
    g_autofree char *message = g_strdup_printf (_("%s is a member now"), ts_user_get_name (user));

    toast (self, message);
  }
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), "");
  reload_members (self);
}

static void
add_member_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TsProjectSettings *self = TS_PROJECT_SETTINGS (widget);
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));

  if (email[0] == '\0' || self->adding_member)
    return;
  if (!ts_email_is_plausible (email))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->email_row), "error");
      toast (self, _("That is not an email address"));
      return;
    }

  self->adding_member = TRUE;
  gtk_editable_set_editable (GTK_EDITABLE (self->email_row), FALSE);
  update_add_action (self);
  ts_api_client_add_member_async (self->api, self->project_id, email, self->cancellable,
                                  member_added_cb, self);
}

static void
email_activated_cb (TsProjectSettings *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "settings.add-member", NULL);
}

static void
email_changed_cb (TsProjectSettings *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->email_row), "error");
  update_add_action (self);
}

/* The object */

static void
delete_project_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TsProjectSettings *self = TS_PROJECT_SETTINGS (widget);

  if (project (self) != NULL)
    ts_project_delete_ask (ADW_PREFERENCES_WINDOW (self), self->store, self->api);
}

static void
store_closed_cb (TsProjectSettings *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
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
ts_project_settings_close_request (GtkWindow *window)
{
  TsProjectSettings *self = TS_PROJECT_SETTINGS (window);

  /* Nothing typed or turned is lost by closing. */
  if (ts_backlog_store_get_status (self->store) == TS_BACKLOG_STORE_READY)
    {
      commit_name (self);
      commit_time_zone (self);
      if (self->velocity_rest_source != 0)
        {
          g_clear_handle_id (&self->velocity_rest_source, g_source_remove);
          initial_velocity_rested_cb (self);
        }
      for (guint i = 0; i < N_OVERRIDE_ROWS; i++)
        if (self->overrides[i].rest_source != 0)
          {
            g_clear_handle_id (&self->overrides[i].rest_source, g_source_remove);
            save_override (self, &self->overrides[i]);
          }
    }
  return GTK_WINDOW_CLASS (ts_project_settings_parent_class)->close_request (window);
}

static void
ts_project_settings_dispose (GObject *object)
{
  TsProjectSettings *self = TS_PROJECT_SETTINGS (object);

  g_clear_handle_id (&self->velocity_rest_source, g_source_remove);
  for (guint i = 0; i < N_OVERRIDE_ROWS; i++)
    g_clear_handle_id (&self->overrides[i].rest_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->api);
  g_clear_pointer (&self->member_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_PROJECT_SETTINGS);

  G_OBJECT_CLASS (ts_project_settings_parent_class)->dispose (object);
}

static void
ts_project_settings_finalize (GObject *object)
{
  TsProjectSettings *self = TS_PROJECT_SETTINGS (object);

  g_free (self->shown_name);
  g_free (self->shown_time_zone);

  G_OBJECT_CLASS (ts_project_settings_parent_class)->finalize (object);
}

static void
ts_project_settings_class_init (TsProjectSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ts_project_settings_dispose;
  object_class->finalize = ts_project_settings_finalize;
  window_class->close_request = ts_project_settings_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-project-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, name_row);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, start_date_row);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, start_date_button);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, start_date_calendar);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, iteration_length_row);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, time_zone_row);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, velocity_strategy_row);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, initial_velocity_spin);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, point_scale_row);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, pointed_switch);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, overrides_group);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, email_row);
  gtk_widget_class_bind_template_child (widget_class, TsProjectSettings, members_group);

  gtk_widget_class_install_action (widget_class, "settings.add-member", NULL, add_member_action);
  gtk_widget_class_install_action (widget_class, "settings.delete-project", NULL,
                                   delete_project_action);
  ts_accels_add_bindings (widget_class, TS_ACCEL_DIALOG);
}

static void
ts_project_settings_init (TsProjectSettings *self)
{
  g_autoptr(GtkStringList) lengths = weeks_model (NULL);
  g_autoptr(GtkStringList) strategies = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) scales = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->member_rows = g_ptr_array_new ();
  self->shown_name = g_strdup ("");
  self->shown_time_zone = g_strdup ("");

  for (guint n = TS_VELOCITY_STRATEGY_MIN; n <= TS_VELOCITY_STRATEGY_MAX; n++)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u Iteration", "%u Iterations", n), n);

      gtk_string_list_append (strategies, text);
    }
  gtk_string_list_append (scales, _("Fibonacci"));
  gtk_string_list_append (scales, _("Linear"));
  gtk_string_list_append (scales, _("Powers of Two"));
  adw_combo_row_set_model (self->iteration_length_row, G_LIST_MODEL (lengths));
  adw_combo_row_set_model (self->velocity_strategy_row, G_LIST_MODEL (strategies));
  adw_combo_row_set_model (self->point_scale_row, G_LIST_MODEL (scales));
  build_override_rows (self);

  g_signal_connect_swapped (self->name_row, "entry-activated", G_CALLBACK (commit_name), self);
  g_signal_connect_swapped (self->time_zone_row, "entry-activated", G_CALLBACK (commit_time_zone), self);
  add_leave_controller (GTK_WIDGET (self->name_row), G_CALLBACK (commit_name), self);
  add_leave_controller (GTK_WIDGET (self->time_zone_row), G_CALLBACK (commit_time_zone), self);
  g_signal_connect_swapped (self->start_date_calendar, "day-selected",
                            G_CALLBACK (start_date_selected_cb), self);
  g_signal_connect_swapped (self->iteration_length_row, "notify::selected",
                            G_CALLBACK (iteration_length_selected_cb), self);
  g_signal_connect_swapped (self->velocity_strategy_row, "notify::selected",
                            G_CALLBACK (velocity_strategy_selected_cb), self);
  g_signal_connect_swapped (self->initial_velocity_spin, "value-changed",
                            G_CALLBACK (initial_velocity_changed_cb), self);
  g_signal_connect_swapped (self->point_scale_row, "notify::selected",
                            G_CALLBACK (point_scale_selected_cb), self);
  g_signal_connect_swapped (self->pointed_switch, "notify::active",
                            G_CALLBACK (pointed_changed_cb), self);
  g_signal_connect_swapped (self->email_row, "changed", G_CALLBACK (email_changed_cb), self);
  g_signal_connect_swapped (self->email_row, "entry-activated",
                            G_CALLBACK (email_activated_cb), self);
  update_add_action (self);
}

/**
 * ts_project_settings_present:
 * @parent: a widget of the window the settings belong to
 * @store: the open project
 * @api: the client to save with
 *
 * Opens the project's settings, or brings its open window forward.
 */
void
ts_project_settings_present (GtkWidget      *parent,
                             TsBacklogStore *store,
                             TsApiClient    *api)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  TsProjectSettings *self;
  GtkRoot *root;

  g_return_if_fail (parent == NULL || GTK_IS_WIDGET (parent));
  g_return_if_fail (TS_IS_BACKLOG_STORE (store));
  g_return_if_fail (TS_IS_API_CLIENT (api));
  g_return_if_fail (ts_backlog_store_get_project (store) != NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (TS_IS_PROJECT_SETTINGS (window) && TS_PROJECT_SETTINGS (window)->store == store)
        {
          gtk_window_present (window);
          return;
        }
    }

  root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  self = g_object_new (TS_TYPE_PROJECT_SETTINGS,
                       "transient-for", GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                       NULL);
  self->store = g_object_ref (store);
  self->api = g_object_ref (api);
  self->project_id = ts_backlog_store_get_project_id (store);

  g_signal_connect_object (store, "notify::project", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  /* Overrides and the current iteration change with the plan. */
  g_signal_connect_object (store, "plan-changed", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "closed", G_CALLBACK (store_closed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "members-changed", G_CALLBACK (show_members), self,
                           G_CONNECT_SWAPPED);

  refresh (self);
  show_members (self);
  reload_members (self);
  ts_api_client_get_me_async (api, self->cancellable, me_cb, self);

  gtk_window_present (GTK_WINDOW (self));
}
