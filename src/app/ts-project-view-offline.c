/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include <glib/gi18n.h>

#include "ts-config.h"
#include "ts-toast.h"

/* The view offline (src/DESIGN.md, *Local copy* and *Outbox*): the store
 * opens from the account's copy and keeps edits in its outbox, the
 * connection in the header says how many edits wait, and a project lost
 * with edits waiting says they were dropped. */

/**
 * ts_project_view_set_offline:
 * @copy: (nullable): the account's local copy
 * @outbox: (nullable): the account's outbox
 *
 * For the next project set: where its store opens from and keeps edits.
 */
void
ts_project_view_set_offline (TsProjectView *self,
                             TsLocalCopy   *copy,
                             TsOutbox      *outbox)
{
  g_return_if_fail (TS_IS_PROJECT_VIEW (self));

  g_set_object (&self->local_copy, copy);
  if (g_set_object (&self->outbox, outbox))
    self->outbox_flushed = FALSE;
}

/* Named, since the project shown may be another by then: the server's
 * list, read after the copy's, leaves a project the user lost out and
 * opens the next one while the lost project's store is still catching up. */
static void
edits_dropped_cb (TsProjectView  *self,
                  guint           n_edits,
                  TsBacklogStore *store)
{
  TsProject *project = ts_backlog_store_get_project (store);
  g_autofree char *text =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                  "%u unsent edit to “%s” was dropped: the project is no longer available",
                                  "%u unsent edits to “%s” were dropped: the project is no longer available",
                                  n_edits),
                     n_edits, project != NULL ? ts_project_get_name (project) : "");

  adw_toast_overlay_add_toast (self->toasts, ts_toast_new (GTK_WIDGET (self), text));
}

/* Before the store loads. */
void
ts_project_view_attach_offline (TsProjectView  *self,
                                TsBacklogStore *store)
{
  ts_backlog_store_set_offline (store, self->local_copy, self->outbox);
  g_signal_connect_object (store, "notify::n-pending-edits",
                           G_CALLBACK (ts_project_view_update_connection), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "notify::showing-copy",
                           G_CALLBACK (ts_project_view_update_connection), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "edits-dropped", G_CALLBACK (edits_dropped_cb), self,
                           G_CONNECT_SWAPPED);
}

/* Whether an earlier store (the one shown, or a retiring one before
 * @index) is of the same project as the retiring store at @index: it read
 * the same edits back from the outbox. */
static gboolean
project_counted (TsProjectView *self,
                 guint          index)
{
  gint64 project_id = ts_backlog_store_get_project_id (g_ptr_array_index (self->retiring, index));

  if (self->store != NULL && ts_backlog_store_get_project_id (self->store) == project_id)
    return TRUE;
  for (guint i = 0; i < index; i++)
    if (ts_backlog_store_get_project_id (g_ptr_array_index (self->retiring, i)) == project_id)
      return TRUE;
  return FALSE;
}

/* The edits waiting, the retiring stores' too: an edit made offline in a
 * project left for another still waits, and the quit notice and the
 * sign-out question count it. A project left and shown again has two
 * stores holding the same edits: they count once. */
static guint
n_waiting (TsProjectView *self)
{
  guint n = self->store != NULL ? ts_backlog_store_get_n_pending_edits (self->store) : 0;

  for (guint i = 0; i < self->retiring->len; i++)
    if (!project_counted (self, i))
      n += ts_backlog_store_get_n_pending_edits (g_ptr_array_index (self->retiring, i));
  return n;
}

/* The connection's word, or "Updating…" while the backlog shown is the
 * local copy's and the server is being reached (not once the banner says
 * it cannot be: nothing is updating then), and how many edits wait when
 * some do (alone when the banner is up). */
void
ts_project_view_set_status_label (TsProjectView *self,
                                  const char    *label)
{
  guint n = n_waiting (self);
  g_autofree char *text = NULL;

  if (self->store != NULL && ts_backlog_store_is_showing_copy (self->store) &&
      !self->banner_shown)
    label = _("Updating…");
  if (n == 0)
    {
      gtk_label_set_label (GTK_LABEL (self->status_label), label);
      return;
    }
  /* With the banner up, which says the server cannot be reached, the
   * connection's word is said twice, and "Reconnecting… · 5 edits waiting"
   * took the project's name down to "Shop Red…" in a 960 px window. */
  if (self->banner_shown)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u edit waiting", "%u edits waiting",
                                         n), n);
  else
    /* TRANSLATORS: the connection's state, and the edits not sent yet */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u edit waiting",
                                         "%s · %u edits waiting", n), label, n);
  gtk_label_set_label (GTK_LABEL (self->status_label), text);
}

/* Retiring stores: the project shown is another, and the store of the
 * one left is kept until its edits are answered (10 s at most), so that
 * they reach the server and a refusal or a drop is still said. */

static void
parked_pending_cb (TsBacklogStore *store,
                   GParamSpec     *pspec,
                   TsProjectView  *self)
{
  if (ts_backlog_store_get_n_pending_edits (store) > 0 ||
      !g_ptr_array_find (self->retiring, store, NULL))
    return;
  g_signal_handlers_disconnect_by_func (store, parked_pending_cb, self);
  ts_backlog_store_close (store);
  g_hash_table_remove (self->retire_deadlines, store);
  g_ptr_array_remove (self->retiring, store);
  ts_project_view_update_connection (self);
}

/* Past its deadline with edits still waiting for a server that cannot be
 * reached, a store is kept until they land (or the app quits, leaving
 * them in the outbox): closed, it left them in the outbox, unsent until
 * that project was opened again, while the header of the project shown
 * said all was live. Parked, it waits on its count, not on the timer. */
static gboolean
park (TsProjectView  *self,
      TsBacklogStore *store)
{
  /* With the server answering, waiting would not help: a store's reads
   * are cancelled with the project it was left for, and an edit it read
   * back is sent only after one is answered. It is closed; the outbox
   * keeps the edit for the next launch (ts_project_view_flush_other_projects()). */
  if (!ts_backlog_store_is_unreachable (store) ||
      (self->realtime != NULL &&
       ts_realtime_client_get_state (self->realtime) == TS_REALTIME_STATE_CONNECTED))
    return FALSE;
  *(gint64 *) g_hash_table_lookup (self->retire_deadlines, store) = G_MAXINT64;
  g_signal_connect_object (store, "notify::n-pending-edits", G_CALLBACK (parked_pending_cb), self,
                           0);
  return TRUE;
}

static gboolean
retire_cb (gpointer user_data)
{
  TsProjectView *self = user_data;
  guint timed = 0;

  for (guint i = self->retiring->len; i > 0; i--)
    {
      TsBacklogStore *store = g_ptr_array_index (self->retiring, i - 1);
      gint64 deadline = *(gint64 *) g_hash_table_lookup (self->retire_deadlines, store);
      guint n_pending = ts_backlog_store_get_n_pending_edits (store);

      if (n_pending == 0 || g_get_monotonic_time () > deadline)
        {
          if (n_pending > 0 && park (self, store))
            continue;
          ts_backlog_store_close (store);
          g_hash_table_remove (self->retire_deadlines, store);
          g_ptr_array_remove_index (self->retiring, i - 1);
          ts_project_view_update_connection (self);
        }
      else if (deadline != G_MAXINT64)
        timed++;
    }
  if (timed > 0)
    return G_SOURCE_CONTINUE;
  self->retire_timer = 0;
  return G_SOURCE_REMOVE;
}

static void
start_retire_timer (TsProjectView *self)
{
  if (self->retire_timer == 0)
    self->retire_timer = g_timeout_add_full (G_PRIORITY_DEFAULT, 100, retire_cb,
                                             g_object_ref (self), g_object_unref);
}

/* @store, whose project is no longer shown, has edits on their way. Its
 * notice of edits dropped stays connected: relaunched with a project the
 * user lost last shown, the server's list opens the next one while the
 * lost one's store is still catching up. */
void
ts_project_view_retire_store (TsProjectView  *self,
                              TsBacklogStore *store)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_hash_table_insert (self->retire_deadlines, store, g_memdup2 (&deadline, sizeof deadline));
  g_ptr_array_add (self->retiring, g_object_ref (store));
  g_signal_connect_object (store, "edits-dropped", G_CALLBACK (edits_dropped_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "notify::n-pending-edits",
                           G_CALLBACK (ts_project_view_update_connection), self, G_CONNECT_SWAPPED);
  start_retire_timer (self);
}

/* The server answers again. A parked store sends its edits at once (a
 * store does when the realtime socket is back), but its reads were
 * cancelled with the project it was left for, so the version of an
 * answered edit may never reach it, and it would stay, counted, for ever:
 * it gets a deadline again, closed past it once nothing waits for the
 * server (the outbox lost the edits with their answers). */
void
ts_project_view_unpark_retiring (TsProjectView *self)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gboolean unparked = FALSE;

  for (guint i = 0; i < self->retiring->len; i++)
    {
      TsBacklogStore *store = g_ptr_array_index (self->retiring, i);
      gint64 *store_deadline = g_hash_table_lookup (self->retire_deadlines, store);

      if (*store_deadline != G_MAXINT64)
        continue;
      g_signal_handlers_disconnect_by_func (store, parked_pending_cb, self);
      *store_deadline = deadline;
      unparked = TRUE;
    }
  if (unparked)
    start_retire_timer (self);
}

/* Why the server is away and, when edits wait, how many: a narrow
 * window's header has no room for the connection and its count, and the
 * banner is then the only place that says edits wait. */
void
ts_project_view_set_banner_label (TsProjectView   *self,
                                  TsRealtimeState  state)
{
  guint n = n_waiting (self);
  g_autofree char *text = NULL;

  if (state != TS_REALTIME_STATE_OFFLINE && state != TS_REALTIME_STATE_UNAVAILABLE)
    return;
  if (n == 0)
    text = g_strdup (state == TS_REALTIME_STATE_OFFLINE
                     ? _("Offline — changes will sync when the connection returns")
                     : _("Cannot reach the server — changes will sync when the connection returns"));
  else if (state == TS_REALTIME_STATE_OFFLINE)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Offline — %u edit will be sent when the connection returns",
                                         "Offline — %u edits will be sent when the connection returns",
                                         n), n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Cannot reach the server — %u edit will be sent when the connection returns",
                                         "Cannot reach the server — %u edits will be sent when the connection returns",
                                         n), n);
  gtk_label_set_label (self->banner_label, text);
}

/* Whether quitting may go without waiting for the server: it cannot be
 * reached, and every edit on its way is in the outbox, to be sent on the
 * next launch. (A server that answers takes milliseconds: its answers are
 * still waited for.) */
gboolean
ts_project_view_edits_are_kept (TsProjectView *self)
{
  if (self->outbox == NULL)
    return FALSE;
  if (self->store != NULL && ts_backlog_store_is_unreachable (self->store))
    return TRUE;
  for (guint i = 0; i < self->retiring->len; i++)
    if (ts_backlog_store_is_unreachable (g_ptr_array_index (self->retiring, i)))
      return TRUE;
  return FALSE;
}

static void
flush_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TsProjectView) self = user_data;
  g_autoptr(TsBacklogStore) store = TS_BACKLOG_STORE (object);
  g_autoptr(GError) error = NULL;

  if (!ts_backlog_store_load_finish (store, result, &error))
    g_debug ("Project %" G_GINT64_FORMAT "'s edits wait for the next launch: %s",
             ts_backlog_store_get_project_id (store), error->message);
  if (ts_backlog_store_get_status (store) == TS_BACKLOG_STORE_READY &&
      ts_backlog_store_get_n_pending_edits (store) > 0)
    ts_project_view_retire_store (self, store);
  else
    ts_backlog_store_close (store);
}

/* Edits in the outbox for projects other than the one shown (made
 * offline, then another project shown, then the app quit) are sent by a
 * store of their own, retired at once: a store reads its project's edits
 * back only when it loads, so they waited, unsent, for the person to open
 * that project again. Once per outbox, after the first project loads. */
void
ts_project_view_flush_other_projects (TsProjectView *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) taken = NULL;
  gint64 shown = self->project != NULL ? ts_project_get_id (self->project) : 0;

  if (self->outbox == NULL || self->outbox_flushed)
    return;
  self->outbox_flushed = TRUE;
  entries = ts_outbox_list (self->outbox, 0);
  taken = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < entries->len; i++)
    {
      TsOutboxEntry *entry = g_ptr_array_index (entries, i);
      TsBacklogStore *store;

      if (entry->project_id == shown || !g_hash_table_add (taken, &entry->project_id))
        continue;
      store = ts_backlog_store_new (self->api, self->realtime, entry->project_id);
      ts_backlog_store_set_offline (store, self->local_copy, self->outbox);
      ts_backlog_store_load_async (store, NULL, flush_loaded_cb, g_object_ref (self));
    }
}
