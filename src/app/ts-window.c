/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-window"

#include "ts-window.h"

#include "ts-application.h"

#include <glib/gi18n.h>

#include "ts-config.h"
#include "ts-connect-window.h"
#include "ts-new-project-window.h"
#include "ts-project-view.h"

/* The main window. Without an account it shows the welcome page; while a
 * session opens, a spinner; then the projects in a sidebar beside the
 * selected one (an AdwLeaflet, which folds into one column on a narrow
 * window), or, for an account without projects, a page that offers to
 * create the first. */

struct _TsWindow
{
  AdwApplicationWindow parent_instance;

  GtkStack *stack;
  AdwStatusPage *opening_page;
  GtkSpinner *opening_spinner;
  AdwStatusPage *error_page;
  AdwWindowTitle *empty_title;
  GtkButton *empty_button;
  AdwLeaflet *leaflet;
  AdwHeaderBar *sidebar_header;
  AdwHeaderBar *content_header;
  GtkButton *back_button;
  GtkListView *project_list;
  GtkLabel *project_title;
  TsProjectView *project_view;

  GSettings *settings;
  GCancellable *cancellable;
  TsSession *session;
  GListStore *projects;
  GtkSingleSelection *selection;
  /* Set while the code, not the person, changes the selection. */
  gboolean selecting;
  /* Set while a closed project leaves the sidebar: the view goes on
   * saying why. */
  gboolean keeping_view;
  /* Set once the server refused the session's token: one prompt. */
  gboolean token_refused;
  /* The sidebar lists the local copy's projects, not yet the server's:
   * they are read again once the realtime client connects. */
  gboolean sidebar_from_copy;
  gboolean listing_copy;
  gboolean listing_server;
  gboolean server_unreachable;
  TsRealtimeClient *watched_realtime;
  gulong realtime_handler;
};

G_DEFINE_FINAL_TYPE (TsWindow, ts_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void open_account (TsWindow *self);

/* A window restored (or set) narrower than the view's breakpoint starts
 * with the narrow view, whose header lets it be that narrow. */
static void
default_width_cb (TsWindow *self)
{
  int width, height;

  /* GTK 4.8 takes no NULL here. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  ts_project_view_expect_width (self->project_view, width);
}

static void token_refused_cb (TsWindow *self);

static void
set_session (TsWindow  *self,
             TsSession *session)
{
  if (self->session == session)
    return;

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (ts_session_get_client (self->session), self);
      ts_session_close (self->session);
    }
  if (self->watched_realtime != NULL)
    g_clear_signal_handler (&self->realtime_handler, self->watched_realtime);
  g_clear_object (&self->watched_realtime);
  g_set_object (&self->session, session);
  self->token_refused = FALSE;
  /* REST's refusals and the realtime client's (it asks the same client
   * where to connect and for its channels) alike. */
  if (session != NULL)
    g_signal_connect_object (ts_session_get_client (session), "unauthorized",
                             G_CALLBACK (token_refused_cb), self, G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
reset_cancellable (TsWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
update_actions (TsWindow *self)
{
  gboolean open = self->session != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-project", open);
}

static void
show_page (TsWindow   *self,
           const char *name)
{
  gtk_spinner_set_spinning (self->opening_spinner, g_str_equal (name, "opening"));
  gtk_stack_set_visible_child_name (self->stack, name);
  update_actions (self);
}

static void
show_opening (TsWindow   *self,
              const char *title)
{
  adw_status_page_set_title (self->opening_page, title);
  show_page (self, "opening");
}

static void
show_error (TsWindow     *self,
            const GError *error)
{
  g_warning ("Cannot open the backlog: %s", error->message);
  adw_status_page_set_description (self->error_page, error->message);
  show_page (self, "error");
}

/* The projects. */

static void
show_project (TsWindow  *self,
              TsProject *project)
{
  gtk_label_set_label (self->project_title,
                              project != NULL ? ts_project_get_name (project) : "");
  if (self->session != NULL && ts_session_get_user (self->session) != NULL)
    ts_project_view_set_user_id (self->project_view,
                                 ts_user_get_id (ts_session_get_user (self->session)));
  ts_project_view_set_offline (self->project_view,
                               self->session != NULL ? ts_session_get_local_copy (self->session) : NULL,
                               self->session != NULL ? ts_session_get_outbox (self->session) : NULL);
  ts_project_view_set_project (self->project_view,
                               self->session != NULL ? ts_session_get_client (self->session)
                                                     : NULL,
                               self->session != NULL && project != NULL
                                 ? ts_session_get_realtime (self->session) : NULL,
                               project);
  /* Only a project the person chose is remembered: the code selects while
   * it fills the list, before it selects the remembered one. */
  if (project != NULL && !self->selecting)
    g_settings_set_int64 (self->settings, "last-project-id", ts_project_get_id (project));
}

static void
selection_changed_cb (TsWindow *self)
{
  TsProject *project = gtk_single_selection_get_selected_item (self->selection);

  if (self->keeping_view)
    return;
  show_project (self, project);
  if (!self->selecting && project != NULL)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
project_activated_cb (TsWindow *self,
                      guint     position)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* Takes a project that is no more out of the sidebar, showing the empty
 * page when it was the last one (projects_changed_cb). With @keep_view
 * the view goes on saying why (someone else deleted it, or took this user
 * out of it) and nothing is selected; without, the next project opens, as
 * for the person who deleted it. */
static void
forget_project (TsWindow *self,
                gint64    project_id,
                gboolean  keep_view)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->projects));
  gboolean selecting = self->selecting;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TsProject) project = g_list_model_get_item (G_LIST_MODEL (self->projects), i);

      if (ts_project_get_id (project) != project_id)
        continue;
      self->selecting = TRUE;
      self->keeping_view = keep_view;
      /* projects_cb turns autoselect on again with the next list. */
      if (keep_view)
        gtk_single_selection_set_autoselect (self->selection, FALSE);
      g_list_store_remove (self->projects, i);
      self->keeping_view = FALSE;
      self->selecting = selecting;
      break;
    }
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* The project was deleted or this user left it: out of the sidebar, and
 * back to the list. The view keeps saying why until another project is
 * chosen. */
static void
project_closed_cb (TsWindow  *self,
                   TsProject *project)
{
  if (project != NULL)
    forget_project (self, ts_project_get_id (project), TRUE);
  else
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* The projects, or the page that offers a first one. */
static void
show_projects_or_empty (TsWindow *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->projects)) == 0;

  show_page (self, empty ? "empty" : "projects");
  if (empty && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->empty_button));
}

/* A project created or removed while the list or the empty page shows. */
static void
projects_changed_cb (TsWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "projects") == 0 || g_strcmp0 (page, "empty") == 0)
    show_projects_or_empty (self);
}

static void
select_project (TsWindow *self,
                gint64    project_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->projects));
  gboolean selecting = self->selecting;

  self->selecting = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TsProject) project = g_list_model_get_item (G_LIST_MODEL (self->projects), i);

      if (ts_project_get_id (project) == project_id)
        {
          gtk_single_selection_set_selected (self->selection, i);
          break;
        }
    }
  self->selecting = selecting;
}

static int
compare_projects (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  TsProject *project_a = (TsProject *) a;
  TsProject *project_b = (TsProject *) b;

  return g_utf8_collate (ts_project_get_name (project_a), ts_project_get_name (project_b));
}

/* g_ptr_array_sort_with_data() hands out pointers to the elements. */
static int
compare_project_pointers (gconstpointer a,
                          gconstpointer b,
                          gpointer      user_data)
{
  return compare_projects (*(TsProject **) a, *(TsProject **) b, user_data);
}

static void
fill_projects (TsWindow  *self,
               GPtrArray *projects)
{
  g_ptr_array_sort_with_data (projects, compare_project_pointers, NULL);
  /* Without autoselect while filling, the first project is not opened on
   * the way to the remembered one. */
  self->selecting = TRUE;
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_list_store_splice (self->projects, 0, g_list_model_get_n_items (G_LIST_MODEL (self->projects)),
                       projects->pdata, projects->len);
  select_project (self, g_settings_get_int64 (self->settings, "last-project-id"));
  /* The remembered one is gone: the first, as autoselect would have. */
  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION &&
      projects->len > 0)
    gtk_single_selection_set_selected (self->selection, 0);
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  self->selecting = FALSE;
  show_projects_or_empty (self);
}

/* The project to show of @projects (sorted): the one open when it is
 * listed, else as fill_projects() chooses, the one last chosen or the
 * first. */
static gint64
project_to_open (TsWindow  *self,
                 GPtrArray *projects,
                 gint64     open_id)
{
  gint64 last = g_settings_get_int64 (self->settings, "last-project-id");
  gboolean last_listed = FALSE;

  for (guint i = 0; i < projects->len; i++)
    {
      gint64 id = ts_project_get_id (g_ptr_array_index (projects, i));

      if (id == open_id)
        return open_id;
      last_listed = last_listed || id == last;
    }
  if (last_listed)
    return last;
  return projects->len > 0 ? ts_project_get_id (g_ptr_array_index (projects, 0)) : 0;
}

/* The server's list after the copy's: the project open stays open (its
 * store is already catching up) unless the server no longer lists it,
 * and the others are as the server says. */
static void
refresh_projects (TsWindow  *self,
                  GPtrArray *projects)
{
  TsProject *open = gtk_single_selection_get_selected_item (self->selection);
  gint64 open_id = open != NULL ? ts_project_get_id (open) : 0;
  gint64 wanted_id;
  TsProject *kept;

  g_ptr_array_sort_with_data (projects, compare_project_pointers, NULL);
  wanted_id = project_to_open (self, projects, open_id);
  self->selecting = TRUE;
  self->keeping_view = TRUE;
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_list_store_splice (self->projects, 0, g_list_model_get_n_items (G_LIST_MODEL (self->projects)),
                       projects->pdata, projects->len);
  if (wanted_id == open_id)
    select_project (self, open_id);
  self->keeping_view = FALSE;
  kept = gtk_single_selection_get_selected_item (self->selection);
  if (kept != NULL)
    gtk_label_set_label (self->project_title, ts_project_get_name (kept));
  else if (wanted_id != 0)
    select_project (self, wanted_id);
  else
    show_project (self, NULL);
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  self->selecting = FALSE;
  show_projects_or_empty (self);
}

static void
show_unreachable (TsWindow *self)
{
  g_autoptr(GError) unreachable =
    g_error_new_literal (TS_SYNC_ERROR, TS_SYNC_ERROR_NETWORK,
                         _("The server cannot be reached, and no project was opened here before"));

  show_error (self, unreachable);
}

static void list_server_projects (TsWindow *self);

/* The server answers again: the sidebar shown from the copy is read from
 * it, so that projects made or left meanwhile show. */
static void
realtime_state_cb (TsWindow *self)
{
  if (self->sidebar_from_copy &&
      ts_realtime_client_get_state (self->watched_realtime) == TS_REALTIME_STATE_CONNECTED)
    list_server_projects (self);
}

static void
watch_realtime (TsWindow *self)
{
  if (self->watched_realtime != NULL)
    return;
  self->watched_realtime = g_object_ref (ts_session_get_realtime (self->session));
  self->realtime_handler = g_signal_connect_swapped (self->watched_realtime, "notify::state",
                                                     G_CALLBACK (realtime_state_cb), self);
}

static void
copied_projects_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TsWindow *self = user_data;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GError) error = NULL;

  projects = ts_local_copy_list_projects_finish (TS_LOCAL_COPY (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->listing_copy = FALSE;
  /* The server answered first: its list is shown. */
  if (!self->listing_server && !self->server_unreachable)
    return;
  if (projects == NULL || projects->len == 0)
    {
      /* Nothing kept: the server is waited for, or it cannot be reached. */
      if (self->server_unreachable)
        show_unreachable (self);
      return;
    }
  fill_projects (self, projects);
  self->sidebar_from_copy = TRUE;
  watch_realtime (self);
}

static void
projects_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TsWindow *self = user_data;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GError) error = NULL;

  projects = ts_api_client_list_projects_finish (TS_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->listing_server = FALSE;
  if (projects != NULL && self->sidebar_from_copy)
    {
      self->sidebar_from_copy = FALSE;
      refresh_projects (self, projects);
      return;
    }
  if (projects != NULL)
    {
      fill_projects (self, projects);
      return;
    }
  /* Offline: the projects opened here before, from the local copy, which
   * is being read or shows already (and is read again once the realtime
   * client connects). */
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NETWORK))
    {
      self->server_unreachable = TRUE;
      if (!self->sidebar_from_copy && !self->listing_copy)
        show_unreachable (self);
      return;
    }
  /* A refusal of the token brings the sign-in prompt (token_refused_cb). */
  if (self->sidebar_from_copy)
    g_message ("The projects are not read again: %s", error->message);
  else
    show_error (self, error);
}

static void
list_server_projects (TsWindow *self)
{
  if (self->listing_server)
    return;
  self->listing_server = TRUE;
  ts_api_client_list_projects_async (ts_session_get_client (self->session), self->cancellable,
                                     projects_cb, self);
}

static gboolean
session_is_current (TsWindow  *self,
                    TsSession *session)
{
  return self->session == session;
}

static void
take_session (TsWindow  *self,
              TsSession *session)
{
  const char *account = ts_session_get_kind (session) == TS_SESSION_KIND_LOCAL ? "local"
                                                                               : "server";

  set_session (self, session);
  adw_window_title_set_subtitle (self->empty_title,
                                 ts_session_get_kind (session) == TS_SESSION_KIND_LOCAL
                                   ? _("Local Backlog") : ts_session_get_email (session));
  g_settings_set_string (self->settings, "account", account);
  if (ts_session_get_kind (session) == TS_SESSION_KIND_SERVER)
    {
      g_settings_set_string (self->settings, "server-url", ts_session_get_server_url (session));
      g_settings_set_string (self->settings, "email", ts_session_get_email (session));
    }

  show_opening (self, _("Loading Projects…"));
  g_assert (session_is_current (self, session));
  self->sidebar_from_copy = FALSE;
  self->server_unreachable = FALSE;
  self->listing_server = FALSE;
  /* Opened before any answer of the server (a team server's kept
   * account), the projects show from the copy at once, and the server's
   * list takes their place when it comes (refresh_projects()). */
  self->listing_copy = ts_session_opened_as_kept (session) &&
                       ts_session_get_local_copy (session) != NULL;
  if (self->listing_copy)
    ts_local_copy_list_projects_async (ts_session_get_local_copy (session), self->cancellable,
                                       copied_projects_cb, self);
  list_server_projects (self);
}

static void
project_created_cb (TsWindow           *self,
                    TsProject          *project,
                    TsNewProjectWindow *dialog)
{
  guint position;

  g_list_store_insert_sorted (self->projects, project, compare_projects, NULL);
  if (g_list_store_find (self->projects, project, &position))
    gtk_single_selection_set_selected (self->selection, position);
}

/* Opening an account. */

static void
session_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TsWindow *self = user_data;
  g_autoptr(TsSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = ts_session_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (session == NULL)
    {
      show_error (self, error);
      return;
    }
  take_session (self, session);
}

static void
connect_signed_in_cb (TsWindow        *self,
                      TsSession       *session,
                      TsConnectWindow *dialog)
{
  take_session (self, session);
}

static void
show_connect (TsWindow   *self,
              const char *server_url,
              const char *email,
              const char *message)
{
  TsConnectWindow *dialog = ts_connect_window_new (GTK_WINDOW (self));

  ts_connect_window_prefill (dialog, server_url, email, message);
  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (connect_signed_in_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The server refused the session's token while it was open (revoked,
 * expired, signed out elsewhere): the sign-in prompt, as at start, over
 * the page shown, once; a local backlog signs in again by itself. */
static void
token_refused_cb (TsWindow *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *email = NULL;

  if (self->session == NULL || self->token_refused)
    return;
  self->token_refused = TRUE;
  g_message ("The server refused the session's token: signing in again");
  if (ts_session_get_kind (self->session) == TS_SESSION_KIND_LOCAL)
    {
      reset_cancellable (self);
      show_opening (self, _("Opening Your Local Backlog…"));
      ts_session_open_local_async (self->cancellable, session_opened_cb, self);
      return;
    }
  server_url = g_strdup (ts_session_get_server_url (self->session));
  email = g_strdup (ts_session_get_email (self->session));
  show_connect (self, server_url, email,
                _("Your sign-in has ended. Enter your password to sign in again."));
}

static void
restored_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TsWindow *self = user_data;
  g_autoptr(TsSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = ts_session_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_UNAUTHORIZED))
    {
      /* The token is gone or was revoked: sign in again. */
      g_autofree char *server_url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *email = g_settings_get_string (self->settings, "email");

      show_page (self, "welcome");
      show_connect (self, server_url, email, _("Your sign-in has ended. Enter your password to sign in again."));
      return;
    }
  if (session == NULL)
    {
      show_error (self, error);
      return;
    }
  take_session (self, session);
}

static void
open_account (TsWindow *self)
{
  g_autofree char *account = g_settings_get_string (self->settings, "account");
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  reset_cancellable (self);
  if (g_str_equal (account, "local") ||
      (TS_IS_APPLICATION (application) &&
       ts_application_take_local_backlog_asked (TS_APPLICATION (application))))
    {
      show_opening (self, _("Opening Your Local Backlog…"));
      ts_session_open_local_async (self->cancellable, session_opened_cb, self);
    }
  else if (g_str_equal (account, "server"))
    {
      g_autofree char *server_url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *email = g_settings_get_string (self->settings, "email");

      show_opening (self, _("Connecting…"));
      ts_session_restore_async (server_url, email, self->cancellable, restored_cb, self);
    }
  else
    show_page (self, "welcome");
}

/* Actions. */

static void
start_local_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TsWindow *self = TS_WINDOW (widget);

  reset_cancellable (self);
  show_opening (self, _("Starting Your Local Backlog…"));
  ts_session_open_local_async (self->cancellable, session_opened_cb, self);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TsWindow *self = TS_WINDOW (widget);
  g_autofree char *server_url = g_settings_get_string (self->settings, "server-url");
  g_autofree char *email = g_settings_get_string (self->settings, "email");

  show_connect (self, server_url, email, NULL);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TsWindow *self = TS_WINDOW (widget);

  if (self->session != NULL)
    take_session (self, self->session);
  else
    open_account (self);
}

static void
new_project_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TsWindow *self = TS_WINDOW (widget);
  TsNewProjectWindow *dialog;

  if (self->session == NULL)
    return;
  dialog = ts_new_project_window_new (GTK_WINDOW (self), ts_session_get_client (self->session));
  g_signal_connect_object (dialog, "created", G_CALLBACK (project_created_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TsWindow) self = user_data;

  ts_session_sign_out_finish (TS_SESSION (object), result, NULL);
  ts_session_close (TS_SESSION (object));
}

static void
sign_out (TsWindow *self)
{
  g_autoptr(TsSession) session = self->session != NULL ? g_object_ref (self->session) : NULL;

  reset_cancellable (self);
  g_settings_set_string (self->settings, "account", "none");
  g_settings_set_int64 (self->settings, "last-project-id", 0);
  g_list_store_remove_all (self->projects);
  show_project (self, NULL);
  g_clear_object (&self->session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  show_page (self, "welcome");

  if (session != NULL)
    ts_session_sign_out_async (session, NULL, signed_out_cb, g_object_ref (self));
}

static void
sign_out_response_cb (TsWindow   *self,
                      const char *response)
{
  if (g_str_equal (response, "sign-out"))
    sign_out (self);
}

/* Signing out deletes the edits that wait in the outbox: ask first. */
static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TsWindow *self = TS_WINDOW (widget);
  guint n = self->session != NULL ? ts_session_get_n_unsent (self->session) : 0;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (n == 0)
    {
      sign_out (self);
      return;
    }
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u edit has not reached the server yet. Signing out deletes it.",
                                       "%u edits have not reached the server yet. Signing out deletes them.",
                                       n), n);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign Out and Lose Unsent Edits?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "sign-out", _("_Sign Out"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_out_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_sidebar_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TsWindow *self = TS_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* The sidebar's rows. */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  TsProject *project = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), ts_project_get_name (project));
}

/* In the narrow layout the sidebar is all there is: a click on the project
 * already selected, which changes no selection, shows it. The gesture
 * runs in the capture phase, before the row selects what was clicked: a
 * row selected then was selected before the click. Clicks on other rows
 * go through selection_changed_cb. */
static void
project_list_released_cb (GtkGestureClick *gesture,
                          int              n_press,
                          double           x,
                          double           y,
                          TsWindow        *self)
{
  GtkWidget *list = GTK_WIDGET (self->project_list);

  if (!adw_leaflet_get_folded (self->leaflet))
    return;
  for (GtkWidget *widget = gtk_widget_pick (list, x, y, GTK_PICK_DEFAULT);
       widget != NULL && widget != list; widget = gtk_widget_get_parent (widget))
    if (gtk_widget_get_state_flags (widget) & GTK_STATE_FLAG_SELECTED)
      {
        adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
        return;
      }
}

/* The window's size is kept between runs, whether the window is closed
 * or the app quits (Ctrl+Q stops it without a close request). The size
 * kept is the unmaximized one, which GTK keeps as the default size.
 * Closing may only hide the window, with the app running in the
 * background (TsBackground). */

static void
save_window_state (TsWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
ts_window_close_request (GtkWindow *window)
{
  TsWindow *self = TS_WINDOW (window);
  GtkApplication *application = gtk_window_get_application (window);

  save_window_state (self);

  if (TS_IS_APPLICATION (application) &&
      ts_application_get_background (TS_APPLICATION (application)) != NULL &&
      ts_background_close_window (ts_application_get_background (TS_APPLICATION (application)),
                                  window, self->session != NULL))
    return TRUE;

  return GTK_WINDOW_CLASS (ts_window_parent_class)->close_request (window);
}

/* Hidden, in the background or on its way out: a delete held back by its
 * undo toast cannot be undone from a hidden window, so it is sent now. */
static void
ts_window_hide (GtkWidget *widget)
{
  TsWindow *self = TS_WINDOW (widget);

  GTK_WIDGET_CLASS (ts_window_parent_class)->hide (widget);
  if (self->project_view != NULL)
    ts_project_view_send_held_deletes (self->project_view);
}

static void
ts_window_dispose (GObject *object)
{
  TsWindow *self = TS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  ts_window_close_session (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_WINDOW);

  G_OBJECT_CLASS (ts_window_parent_class)->dispose (object);
}

static void
ts_window_finalize (GObject *object)
{
  TsWindow *self = TS_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->selection);
  g_clear_object (&self->projects);

  G_OBJECT_CLASS (ts_window_parent_class)->finalize (object);
}

static void
ts_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TsWindow *self = TS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_window_class_init (TsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ts_window_dispose;
  object_class->finalize = ts_window_finalize;
  object_class->get_property = ts_window_get_property;
  widget_class->hide = ts_window_hide;
  window_class->close_request = ts_window_close_request;

  /**
   * TsWindow:session:
   *
   * The signed-in account, or %NULL on the welcome page and while one opens.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, TS_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TS_TYPE_PROJECT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/truestory/TrueStory/ts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, opening_page);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, opening_spinner);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, empty_title);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, empty_button);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, sidebar_header);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, project_list);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, project_title);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, project_view);

  gtk_widget_class_install_action (widget_class, "win.start-local", NULL, start_local_action);
  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "win.new-project", NULL, new_project_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
}

static void
ts_window_init (TsWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  self->cancellable = g_cancellable_new ();

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* Folded, the leaflet shows one column: each header then needs the
   * window buttons, and the content a way back. */
  g_object_bind_property (self->leaflet, "folded", self->sidebar_header,
                          "show-end-title-buttons", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->leaflet, "folded", self->content_header,
                          "show-start-title-buttons", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->leaflet, "folded", self->back_button, "visible",
                          G_BINDING_SYNC_CREATE);

  self->projects = g_list_store_new (TS_TYPE_PROJECT);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->projects)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->project_list, factory);
  gtk_list_view_set_model (self->project_list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->project_list, "activate", G_CALLBACK (project_activated_cb), self);
  g_signal_connect_swapped (self->projects, "items-changed", G_CALLBACK (projects_changed_cb), self);
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "released", G_CALLBACK (project_list_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->project_list), GTK_EVENT_CONTROLLER (click));

  ts_project_view_pack_header (self->project_view, self->content_header);
  ts_project_view_add_window_keys (self->project_view, GTK_WIDGET (self),
                                   GTK_WIDGET (self->project_list));
  g_signal_connect_swapped (self, "notify::default-width", G_CALLBACK (default_width_cb), self);
  default_width_cb (self);
  g_signal_connect_swapped (self->project_view, "project-closed",
                            G_CALLBACK (project_closed_cb), self);
}

TsWindow *
ts_window_new (AdwApplication *application)
{
  TsWindow *self = g_object_new (TS_TYPE_WINDOW, "application", application, NULL);

  /* Once the window knows its application, which may have been asked to
   * open the local backlog. */
  open_account (self);
  return self;
}

/**
 * ts_window_get_session:
 *
 * Returns: (transfer none) (nullable): the signed-in account
 */
TsSession *
ts_window_get_session (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->session;
}

/**
 * ts_window_get_projects:
 *
 * Returns: (transfer none): the sidebar's projects
 */
GListModel *
ts_window_get_projects (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->projects);
}

/**
 * ts_window_open_story:
 *
 * Shows the project and opens the story's editor, once the project is
 * loaded (a notification was activated). A window still loading its
 * projects selects this one when they arrive.
 */
void
ts_window_open_story (TsWindow *self,
                      gint64    project_id,
                      gint64    story_id)
{
  g_return_if_fail (TS_IS_WINDOW (self));

  g_settings_set_int64 (self->settings, "last-project-id", project_id);
  select_project (self, project_id);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  ts_project_view_open_story (self->project_view, project_id, story_id);
}

/**
 * ts_window_forget_project:
 * @project_id: a project this user deleted
 *
 * Takes the project out of the sidebar and opens the next one, or shows
 * the page that offers a first project when none is left; in the narrow
 * layout the list shows.
 */
void
ts_window_forget_project (TsWindow *self,
                          gint64    project_id)
{
  g_return_if_fail (TS_IS_WINDOW (self));

  forget_project (self, project_id, FALSE);
}

/**
 * ts_window_close_session:
 *
 * Stops what the session runs (the local server), when the app quits.
 */
void
ts_window_close_session (TsWindow *self)
{
  g_return_if_fail (TS_IS_WINDOW (self));

  if (self->settings != NULL)
    save_window_state (self);
  /* What still reads from the server stops first, so that stopping the
   * server fails no request. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->project_view != NULL)
    {
      /* Deletes held back by their undo toasts are sent now. */
      ts_project_view_flush (self->project_view);
      ts_project_view_set_project (self->project_view, NULL, NULL, NULL);
    }
  if (self->session != NULL)
    ts_session_close (self->session);
}
