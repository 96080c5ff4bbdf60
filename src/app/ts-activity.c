/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-activity"

#include "ts-activity.h"

#include <glib/gi18n.h>

#include "ts-accels.h"
#include "ts-config.h"

/*
 * TsActivityWindow: who changed what in a project, and when, newest first.
 *
 * It opens on the last changes of the project's history
 * (`changes?since=`) and then follows the store: every change the store
 * applies ("change-applied", in version order) comes in on top, so the
 * feed is as live as the backlog. Versions already shown are skipped, so a
 * change that arrives both ways appears once. Ages ("5 minutes ago") are
 * written when a row is made and again whenever the window is activated:
 * no timer runs for them, the app stays idle in the background.
 */

#define HISTORY_LENGTH 50
#define MAX_ENTRIES 200

struct _TsActivityWindow
{
  AdwWindow parent_instance;

  TsApiClient *api;
  TsBacklogStore *store;
  GHashTable *members;  /* gint64 user id → TsUser */
  gint64 user_id;
  GCancellable *cancellable;

  GtkListBox *list;
  GtkLabel *placeholder;
  gboolean loaded;
  gint64 newest_version;
  guint n_entries;
};

G_DEFINE_FINAL_TYPE (TsActivityWindow, ts_activity_window, ADW_TYPE_WINDOW)

/* Words. */

char *
ts_activity_describe (const TsChange *change,
                      const char     *title)
{
  if (change->story != NULL)
    title = ts_story_get_title (change->story);
  else if (change->title != NULL)
    title = change->title;
  if (title == NULL)
    title = _("a story");

  switch (change->kind)
    {
    case TS_EVENT_STORIES_CREATE:
      return g_strdup_printf (_("Added “%s”"), title);
    case TS_EVENT_STORIES_UPDATE:
      return g_strdup_printf (_("Changed “%s”"), title);
    case TS_EVENT_STORIES_MOVE:
      return g_strdup_printf (_("Moved “%s”"), title);
    case TS_EVENT_STORIES_DESTROY:
      return g_strdup_printf (_("Deleted “%s”"), title);
    case TS_EVENT_COMMENTS_CREATE:
      return g_strdup_printf (_("Commented on “%s”"), title);
    case TS_EVENT_COMMENTS_DESTROY:
      return g_strdup_printf (_("Deleted a comment on “%s”"), title);
    case TS_EVENT_ITERATIONS_UPDATE:
      return g_strdup_printf (_("Changed iteration %d"), (int) change->id);
    case TS_EVENT_PROJECTS_DESTROY:
      return g_strdup (_("Deleted the project"));
    case TS_EVENT_STORIES_IMPORT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u story from Pivotal Tracker",
                                           "Imported %u stories from Pivotal Tracker",
                                           change->count),
                              change->count);
    case TS_EVENT_PROJECTS_UPDATE:
    default:
      return g_strdup (_("Changed the project’s settings"));
    }
}

char *
ts_activity_format_age (GDateTime *at,
                        GDateTime *now)
{
  GTimeSpan age = g_date_time_difference (now, at);
  g_autoptr(GDateTime) local = g_date_time_to_local (at);
  g_autoptr(GDateTime) local_now = g_date_time_to_local (now);
  int minutes = (int) (age / G_TIME_SPAN_MINUTE);
  int hours = (int) (age / G_TIME_SPAN_HOUR);

  if (age < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Just now"));
  if (age < G_TIME_SPAN_HOUR)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", minutes),
                            minutes);
  if (hours < 24 && g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (local_now))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours), hours);
  if (age < 2 * G_TIME_SPAN_DAY)
    {
      g_autoptr(GDateTime) yesterday = g_date_time_add_days (local_now, -1);

      if (g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (yesterday))
        return g_strdup (_("Yesterday"));
    }
  /* TRANSLATORS: a date in the activity feed, as g_date_time_format()
   * writes it; "%b %-d" is "Nov 27". */
  /* xgettext:no-c-format */
  return g_date_time_format (local, _("%b %-d"));
}

/* Rows. */

static TsUser *
member (TsActivityWindow *self,
        gint64            user_id)
{
  return self->members != NULL ? g_hash_table_lookup (self->members, &user_id) : NULL;
}

/* "You" for the user's own changes, but the avatar keeps their initials. */
static const char *
actor_name (TsActivityWindow *self,
            const TsChange   *change,
            gboolean          own,
            const char      **avatar_name)
{
  gint64 actor_id = own ? self->user_id : change->actor_id;
  TsUser *user = member (self, actor_id);

  *avatar_name = user != NULL ? ts_user_get_name (user) : NULL;
  if (actor_id == self->user_id)
    return _("You");
  return user != NULL ? ts_user_get_name (user) : _("Someone");
}

static const char *
story_title (TsActivityWindow *self,
             const TsChange   *change)
{
  gint64 story_id = change->story_id != 0 ? change->story_id
                    : change->comment != NULL ? ts_comment_get_story_id (change->comment)
                    : change->id;
  TsStory *story = ts_backlog_store_lookup (self->store, story_id);

  return story != NULL ? ts_story_get_title (story) : NULL;
}

static void
update_age (GtkWidget *age_label,
            GDateTime *now)
{
  GDateTime *at = g_object_get_data (G_OBJECT (age_label), "ts-at");
  g_autofree char *text = ts_activity_format_age (at, now);

  gtk_label_set_label (GTK_LABEL (age_label), text);
}

static GtkWidget *
label_new (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
row_new (TsActivityWindow *self,
         const TsChange   *change,
         gboolean          own)
{
  const char *avatar_name = NULL;
  const char *name = actor_name (self, change, own, &avatar_name);
  g_autofree char *what = ts_activity_describe (change, story_title (self, change));
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *age = label_new (NULL, "dim-label");

  gtk_widget_add_css_class (row, "activity-entry");
  gtk_widget_set_margin_top (row, 8);
  gtk_widget_set_margin_bottom (row, 8);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_box_append (GTK_BOX (row), adw_avatar_new (32, avatar_name != NULL ? avatar_name : name, TRUE));
  gtk_box_append (GTK_BOX (text), label_new (name, "heading"));
  gtk_box_append (GTK_BOX (text), label_new (what, NULL));
  gtk_widget_add_css_class (age, "caption");
  g_object_set_data_full (G_OBJECT (age), "ts-at",
                          g_date_time_ref (change->at != NULL ? change->at : now),
                          (GDestroyNotify) g_date_time_unref);
  g_object_set_data (G_OBJECT (row), "ts-age", age);
  update_age (age, now);
  gtk_box_append (GTK_BOX (text), age);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);
  /* A list box row has no name of its own in GTK 4.8: this box's is read. */
  {
    /* TRANSLATORS: what a screen reader says of an entry of the Activity
     * window: who, then what they did ("You: Added “Fuel”"). */
    g_autofree char *said = g_strdup_printf (_("%s: %s"), name, what);

    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, said, -1);
  }
  return row;
}

/* Adds @change on top, unless it is shown already. */
static void
add_change (TsActivityWindow *self,
            const TsChange   *change,
            gboolean          own)
{
  GtkListBoxRow *last;

  if (change->version <= self->newest_version)
    return;
  self->newest_version = change->version;
  gtk_list_box_prepend (self->list, row_new (self, change, own));
  if (++self->n_entries > MAX_ENTRIES &&
      (last = gtk_list_box_get_row_at_index (self->list, MAX_ENTRIES)) != NULL)
    {
      gtk_list_box_remove (self->list, GTK_WIDGET (last));
      self->n_entries--;
    }
}

static void
change_applied_cb (TsActivityWindow *self,
                   TsChange         *change,
                   gboolean          own)
{
  if (self->loaded)
    add_change (self, change, own);
}

static void
history_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TsActivityWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  gint64 version = 0;
  gboolean more = FALSE;

  changes = ts_api_client_list_changes_finish (TS_API_CLIENT (object), result, &version, &more,
                                               &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = TS_ACTIVITY_WINDOW (user_data);
  self->loaded = TRUE;
  gtk_label_set_label (self->placeholder, _("No changes yet"));
  if (changes == NULL)
    {
      /* What comes from now on still shows. */
      g_debug ("Could not read the project's history: %s", error->message);
      return;
    }
  /* Oldest first: each goes on top of the one before. */
  for (guint i = 0; i < changes->len; i++)
    add_change (self, g_ptr_array_index (changes, i), FALSE);
}

static void
active_cb (TsActivityWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (!gtk_window_is_active (GTK_WINDOW (self)))
    return;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *child = GTK_IS_LIST_BOX_ROW (row) ? gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))
                                                   : NULL;
      GtkWidget *age = child != NULL ? g_object_get_data (G_OBJECT (child), "ts-age") : NULL;

      if (age != NULL)
        update_age (age, now);
    }
}

/* The object. */

static void
ts_activity_window_dispose (GObject *object)
{
  TsActivityWindow *self = TS_ACTIVITY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->api);
  g_clear_pointer (&self->members, g_hash_table_unref);

  G_OBJECT_CLASS (ts_activity_window_parent_class)->dispose (object);
}

static void
ts_activity_window_class_init (TsActivityWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_activity_window_dispose;
  ts_accels_add_bindings (widget_class, TS_ACCEL_DIALOG);
}

static void
ts_activity_window_init (TsActivityWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Activity"));
  gtk_window_set_default_size (GTK_WINDOW (self), 420, 560);
  gtk_box_append (GTK_BOX (box), header);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Recent Changes"), -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_valign (GTK_WIDGET (self->list), GTK_ALIGN_START);
  gtk_widget_set_margin_top (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->list), 12);
  self->placeholder = GTK_LABEL (gtk_label_new (_("Loading…")));
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "dim-label");
  gtk_widget_set_margin_top (GTK_WIDGET (self->placeholder), 24);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->placeholder), 24);
  gtk_list_box_set_placeholder (self->list, GTK_WIDGET (self->placeholder));

  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (self), box);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_cb), NULL);
}

/**
 * ts_activity_window_new:
 * @members: (nullable): user id → TsUser, for the names
 * @user_id: who is signed in: shown as "You"
 */
GtkWidget *
ts_activity_window_new (GtkWindow      *parent,
                        TsApiClient    *api,
                        TsBacklogStore *store,
                        GHashTable     *members,
                        gint64          user_id)
{
  TsActivityWindow *self = g_object_new (TS_TYPE_ACTIVITY_WINDOW,
                                         "transient-for", parent,
                                         NULL);
  gint64 version = ts_backlog_store_get_version (store);

  self->api = g_object_ref (api);
  self->store = g_object_ref (store);
  self->members = members != NULL ? g_hash_table_ref (members) : NULL;
  self->user_id = user_id;
  g_signal_connect_swapped (store, "change-applied", G_CALLBACK (change_applied_cb), self);
  ts_api_client_list_changes_async (api, ts_project_get_id (ts_backlog_store_get_project (store)),
                                    MAX (0, version - HISTORY_LENGTH), HISTORY_LENGTH,
                                    self->cancellable, history_cb, self);
  return GTK_WIDGET (self);
}

guint
ts_activity_window_get_n_entries (TsActivityWindow *self)
{
  g_return_val_if_fail (TS_IS_ACTIVITY_WINDOW (self), 0);

  return self->n_entries;
}
