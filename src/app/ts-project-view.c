/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ts-config.h"

/* The content area: one project. For now it shows the project's name and
 * how many stories it holds, read from the server; the planned backlog
 * (iterations, the Icebox, Done) takes its place once the backlog store
 * exists. */

struct _TsProjectView
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *status_page;

  TsProject *project;
  GCancellable *cancellable;
  int story_count;
};

G_DEFINE_FINAL_TYPE (TsProjectView, ts_project_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_STORY_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_story_count (TsProjectView *self,
                 int            count)
{
  if (self->story_count == count)
    return;

  self->story_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORY_COUNT]);
}

static void
stories_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TsProjectView *self = user_data;
  g_autoptr(GPtrArray) stories = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  stories = ts_api_client_list_stories_finish (TS_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (stories == NULL)
    {
      g_warning ("Cannot load the stories of project %" G_GINT64_FORMAT ": %s",
                 ts_project_get_id (self->project), error->message);
      adw_status_page_set_description (self->status_page, error->message);
      set_story_count (self, -1);
    }
  else
    {
      if (stories->len == 0)
        description = g_strdup (_("No stories yet"));
      else
        description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u story", "%u stories",
                                                    stories->len),
                                       stories->len);
      adw_status_page_set_description (self->status_page, description);
      set_story_count (self, stories->len);
    }
  gtk_stack_set_visible_child_name (self->stack, "summary");
}

static void
ts_project_view_dispose (GObject *object)
{
  TsProjectView *self = TS_PROJECT_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_PROJECT_VIEW);

  G_OBJECT_CLASS (ts_project_view_parent_class)->dispose (object);
}

static void
ts_project_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TsProjectView *self = TS_PROJECT_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_STORY_COUNT:
      g_value_set_int (value, self->story_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_project_view_class_init (TsProjectViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_project_view_dispose;
  object_class->get_property = ts_project_view_get_property;

  /**
   * TsProjectView:project:
   *
   * The project shown, or %NULL.
   */
  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TS_TYPE_PROJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * TsProjectView:story-count:
   *
   * How many stories the project holds, or -1 while they load or when they
   * could not be read.
   */
  properties[PROP_STORY_COUNT] =
    g_param_spec_int ("story-count", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-project-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, stack);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, spinner);
  gtk_widget_class_bind_template_child (widget_class, TsProjectView, status_page);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ts_project_view_init (TsProjectView *self)
{
  self->story_count = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
ts_project_view_new (void)
{
  return g_object_new (TS_TYPE_PROJECT_VIEW, NULL);
}

/**
 * ts_project_view_get_project:
 *
 * Returns: (transfer none) (nullable): the project shown
 */
TsProject *
ts_project_view_get_project (TsProjectView *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), NULL);

  return self->project;
}

/**
 * ts_project_view_set_project:
 * @client: (nullable): the client to read the project with
 * @project: (nullable): the project to show
 */
void
ts_project_view_set_project (TsProjectView *self,
                             TsApiClient   *client,
                             TsProject     *project)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));
  g_return_if_fail (client == NULL || TS_IS_API_CLIENT (client));
  g_return_if_fail (project == NULL || TS_IS_PROJECT (project));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (g_set_object (&self->project, project))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
  set_story_count (self, -1);

  if (project == NULL || client == NULL)
    {
      adw_status_page_set_title (self->status_page, "");
      adw_status_page_set_description (self->status_page, NULL);
      gtk_stack_set_visible_child_name (self->stack, "summary");
      return;
    }

  adw_status_page_set_title (self->status_page, ts_project_get_name (project));
  adw_status_page_set_description (self->status_page, NULL);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  self->cancellable = g_cancellable_new ();
  ts_api_client_list_stories_async (client, ts_project_get_id (project), self->cancellable,
                                    stories_cb, self);
}

/**
 * ts_project_view_get_story_count:
 *
 * Returns: the project's stories, or -1 while they load
 */
int
ts_project_view_get_story_count (TsProjectView *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_VIEW (self), -1);

  return self->story_count;
}
