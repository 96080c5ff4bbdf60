/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-store"

/*
 * TsBacklogStore: one open project, kept current.
 *
 * What the window shows is the server's state at the store's `version`
 * with this client's own unanswered edits laid over it:
 *
 * - **Versions.** Every change the store learns of (an event, an entry of
 *   `changes?since=`, the answer to its own request) is queued by the
 *   project version it produced, and the queue is drained in order: version
 *   N is applied only right after N-1, so each is applied once whatever
 *   path it came by. A queue left with a hole (an event went missing, or
 *   this client's answer overtook someone else's event) asks the server
 *   for the changes since the store's version. A thin event is not queued
 *   at all; it only asks. A 410 reloads the project.
 * - **Local edits.** An edit is shown at once: the story's server state is
 *   kept aside (`server_copies`) and the shown story is that state with
 *   every pending edit applied. When the server takes an edit, its answer
 *   is queued like any change, and the edit is dropped only once the
 *   store's version reaches the answer's, so nothing flickers back in
 *   between. When the server refuses one, the edit is dropped, the story
 *   shows the server's state again and `edit-failed` (or `conflict`) says
 *   why.
 * - **Coalescing.** Remote changes are applied in batches: the queue is
 *   drained once changes stop arriving for COALESCE_QUIET_MS, or at the
 *   latest COALESCE_MAX_MS after the first one, and the plan is made once
 *   per batch. Every insert, removal and move is announced precisely by
 *   the story list; a changed field is a property notification of the
 *   story itself.
 */

#include "ts-backlog-store.h"

#include "ts-backlog-store-private.h"

#include <string.h>

#include "ts-story-list.h"

/* A burst of events (someone's bulk move, a catch-up after a reconnect)
 * costs one plan: the batch closes after this much silence ... */
#define COALESCE_QUIET_MS 25
/* ... or this long after its first change, so a steady stream still shows
 * within a tenth of a second. */
#define COALESCE_MAX_MS 100
/* How many changes one catch-up request asks for. */
#define CATCH_UP_LIMIT 1000


/* A change waiting for its turn, by version. */
typedef struct {
  TsChange *change;
  gboolean own;             /* this client's: no highlight */
} Pending;


G_DEFINE_FINAL_TYPE (TsBacklogStore, ts_backlog_store, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TsBacklogStoreStatus, ts_backlog_store_status,
  G_DEFINE_ENUM_VALUE (TS_BACKLOG_STORE_LOADING, "loading"),
  G_DEFINE_ENUM_VALUE (TS_BACKLOG_STORE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (TS_BACKLOG_STORE_CLOSED, "closed"))

G_DEFINE_BOXED_TYPE (TsStoryConflict, ts_story_conflict, ts_story_conflict_copy,
                     ts_story_conflict_free)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_PROJECT,
  PROP_VERSION,
  PROP_PLAN,
  PROP_N_PENDING_EDITS,
  PROP_SHOWING_COPY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PLAN_CHANGED,
  SIGNAL_STORY_CHANGED_REMOTELY,
  SIGNAL_COMMENTS_CHANGED,
  SIGNAL_REMOTE_CHANGE,
  SIGNAL_CHANGE_APPLIED,
  SIGNAL_EDIT_FAILED,
  SIGNAL_CONFLICT,
  SIGNAL_CLOSED,
  SIGNAL_MEMBERS_CHANGED,
  SIGNAL_HELD_CHANGED,
  SIGNAL_MARK_CHANGED,
  SIGNAL_EDITS_DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void catch_up (TsBacklogStore *self);
static void reload (TsBacklogStore *self, GTask *task);
static void send_unsent (TsBacklogStore *self);
static void set_showing_copy (TsBacklogStore *self, gboolean showing);
static void schedule_midnight (TsBacklogStore *self);

/* TsStoryConflict */

TsStoryConflict *
ts_story_conflict_copy (const TsStoryConflict *self)
{
  TsStoryConflict *copy = g_new0 (TsStoryConflict, 1);

  *copy = *self;
  copy->mine = g_object_ref (self->mine);
  copy->theirs = g_object_ref (self->theirs);
  return copy;
}

void
ts_story_conflict_free (TsStoryConflict *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->mine);
  g_clear_object (&self->theirs);
  g_free (self);
}

/* Shown stories */

/* Makes @shown (already in the list) equal @source in every field,
 * moving it if its position changed, and reads its planning row again.
 * Setters notify only real changes. */
static void
assign_story (TsBacklogStore *self,
              TsStory        *shown,
              TsStory        *source)
{
  g_object_freeze_notify (G_OBJECT (shown));
  ts_story_apply (shown, source, TS_STORY_FIELDS_ALL);
  ts_story_set_project_id (shown, ts_story_get_project_id (source));
  ts_story_set_version (shown, ts_story_get_version (source));
  ts_story_set_accepted_at (shown, ts_story_get_accepted_at (source));
  ts_story_set_created_at (shown, ts_story_get_created_at (source));
  ts_story_set_updated_at (shown, ts_story_get_updated_at (source));
  ts_story_set_tasks (shown, ts_story_get_tasks (source));
  ts_story_list_reposition (self->stories, shown, ts_story_get_position (source));
  ts_story_list_refresh (self->stories, shown);
  g_object_thaw_notify (G_OBJECT (shown));
}

static void
show_story (TsBacklogStore *self,
            TsStory        *story)
{
  gint64 *key = g_new (gint64, 1);

  *key = ts_story_get_id (story);
  g_hash_table_replace (self->by_id, key, g_object_ref (story));
  ts_story_list_insert (self->stories, story);
}

static void
hide_story (TsBacklogStore *self,
            gint64          id)
{
  g_autoptr(TsStory) shown = NULL;

  if (ts_id_table_lookup (self->by_id, id) == NULL)
    return;
  /* Forgotten before the list announces the removal, so that a handler of
   * items-changed already finds the story gone. */
  shown = g_object_ref (ts_id_table_lookup (self->by_id, id));
  g_hash_table_remove (self->by_id, &id);
  ts_story_list_remove (self->stories, shown);
}

static void
keep_server_copy (TsBacklogStore *self,
                  TsStory        *story)
{
  gint64 *key = g_new (gint64, 1);

  *key = ts_story_get_id (story);
  g_hash_table_replace (self->server_copies, key, story);
}

/* The server's state of a story: kept aside while edits are pending,
 * otherwise what is shown. NULL for a story the server does not have. */
static TsStory *
server_story (TsBacklogStore *self,
              gint64          id)
{
  TsStory *copy = ts_id_table_lookup (self->server_copies, id);

  if (copy != NULL)
    return copy;
  return id > 0 ? ts_id_table_lookup (self->by_id, id) : NULL;
}

/* Before an edit is laid over a story, its server state is set aside. */
static void
set_server_state_aside (TsBacklogStore *self,
                        gint64          id)
{
  TsStory *shown = ts_id_table_lookup (self->by_id, id);

  if (shown != NULL && id > 0 && ts_id_table_lookup (self->server_copies, id) == NULL)
    keep_server_copy (self, ts_story_copy (shown));
}

static void
apply_edit (TsLocalEdit  *edit,
            TsStory   **wanted,
            gboolean   *hidden)
{
  switch (edit->kind)
    {
    case TS_EDIT_CREATE:
      if (*wanted == NULL)
        *wanted = ts_story_copy (edit->values);
      break;
    case TS_EDIT_UPDATE:
      if (*wanted != NULL)
        ts_story_apply (*wanted, edit->values, edit->fields);
      break;
    case TS_EDIT_MOVE:
      if (*wanted != NULL)
        {
          ts_story_set_position (*wanted, edit->position);
          if (edit->move.has_state)
            ts_story_set_state (*wanted, edit->move.state);
        }
      break;
    case TS_EDIT_DELETE:
      *hidden = TRUE;
      break;
    case TS_EDIT_TASK:
      if (*wanted != NULL)
        ts_backlog_store_apply_task_edit (edit, *wanted);
      break;
    }
}

/* Shows story @id as the server has it with every pending edit of this
 * client laid over it. */
void
ts_backlog_store_refresh_story (TsBacklogStore *self,
               gint64          id)
{
  TsStory *server = server_story (self, id);
  TsStory *shown = ts_id_table_lookup (self->by_id, id);
  g_autoptr(TsStory) wanted = server != NULL ? ts_story_copy (server) : NULL;
  gboolean hidden = FALSE;
  gboolean edited = FALSE;

  for (guint i = 0; i < self->edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      if (edit->story_id != id || edit->done)
        continue;
      edited = TRUE;
      apply_edit (edit, &wanted, &hidden);
    }

  if (!edited && ts_id_table_lookup (self->server_copies, id) != NULL)
    {
      /* Nothing is pending any more: the server's state is shown as is. */
      g_autoptr(TsStory) copy = g_object_ref (ts_id_table_lookup (self->server_copies, id));

      g_hash_table_remove (self->server_copies, &id);
      if (shown != NULL)
        assign_story (self, shown, copy);
      else
        show_story (self, copy);
      self->plan_is_stale = TRUE;
      return;
    }

  if (wanted == NULL || hidden)
    hide_story (self, id);
  else if (shown == NULL)
    show_story (self, wanted);
  else
    assign_story (self, shown, wanted);
  self->plan_is_stale = TRUE;
}

/* Server changes */

static void
apply_server_story (TsBacklogStore *self,
                    TsStory        *story)
{
  gint64 id = ts_story_get_id (story);
  TsStory *shown;

  self->plan_is_stale = TRUE;
  if (ts_id_table_lookup (self->server_copies, id) != NULL)
    {
      keep_server_copy (self, ts_story_copy (story));
      ts_backlog_store_refresh_story (self, id);
      return;
    }

  shown = ts_id_table_lookup (self->by_id, id);
  if (shown != NULL)
    assign_story (self, shown, story);
  else
    {
      g_autoptr(TsStory) copy = ts_story_copy (story);

      show_story (self, copy);
    }
}

static void
apply_server_destroy (TsBacklogStore *self,
                      gint64          id)
{
  /* Edits to a story that is gone can only fail; they are dropped
   * quietly, since the story's removal says it all. */
  for (guint i = 0; i < self->edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      if (edit->story_id == id)
        {
          edit->done = TRUE;
          ts_store_offline_forget (self->offline, edit);
        }
    }
  g_hash_table_remove (self->server_copies, &id);
  hide_story (self, id);
  self->plan_is_stale = TRUE;
}

/* A new point scale maps estimates on the server in the same change, and
 * the event carries only the project (DESIGN.md): the same mapping here. */
static void
map_estimates (TsBacklogStore *self,
               TsPointScale    scale)
{
  GHashTableIter iter;
  gpointer value;
  GHashTable *tables[] = { self->by_id, self->server_copies };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_hash_table_iter_init (&iter, tables[t]);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          TsStory *story = value;

          if (ts_story_has_estimate (story))
            ts_story_set_estimate (story, ts_point_scale_nearest (scale, ts_story_get_estimate (story)));
        }
    }
  ts_story_list_refresh_all (self->stories);
}

static void
apply_project (TsBacklogStore *self,
               TsProject      *project)
{
  TsPointScale old_scale = ts_project_get_point_scale (self->project);

  g_clear_object (&self->project);
  self->project = ts_project_copy (project);
  if (ts_project_get_point_scale (project) != old_scale)
    map_estimates (self, ts_project_get_point_scale (project));
  self->plan_is_stale = TRUE;
  /* The zone may have changed, and with it the hour of midnight. */
  schedule_midnight (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

static void
apply_iteration (TsBacklogStore            *self,
                 const TsIterationOverride *iteration)
{
  /* A cleared override comes back as the project's own settings. */
  if (iteration->team_strength == 1.0 && iteration->length == 0)
    ts_project_clear_override (self->project, iteration->number);
  else
    ts_project_set_override (self->project, iteration);
  self->plan_is_stale = TRUE;
}

static void close_store (TsBacklogStore *self, GError *reason);

/* Why the store closed, as a code naming the project; the message is for
 * the log. */
static GError *
close_error_new (TsBacklogStore *self,
                 TsSyncError     code)
{
  const char *name = self->project != NULL ? ts_project_get_name (self->project) : NULL;
  GError *error = g_error_new (TS_SYNC_ERROR, code, "Project %" G_GINT64_FORMAT " “%s” %s",
                               self->project_id, name != NULL ? name : "",
                               code == TS_SYNC_ERROR_PROJECT_DELETED
                                 ? "was deleted"
                                 : "is not available: deleted, or membership lost");

  ts_sync_error_set_subject (error, name);
  return error;
}

/* A project the user can no longer see leaves nothing behind: not its
 * copy, nor the edits that can never be sent (`edits-dropped` says how
 * many, for the notice). */
static void
forget_project (TsBacklogStore *self)
{
  guint dropped = ts_store_offline_drop_project (self->offline, self->project_id);

  if (dropped > 0)
    {
      g_message ("Project %" G_GINT64_FORMAT " is gone: %u unsent edits dropped",
                 self->project_id, dropped);
      g_signal_emit (self, signals[SIGNAL_EDITS_DROPPED], 0, dropped);
    }
}

static void
close_as_deleted (TsBacklogStore *self)
{
  forget_project (self);
  close_store (self, close_error_new (self, TS_SYNC_ERROR_PROJECT_DELETED));
}

static void
close_as_unavailable (TsBacklogStore *self)
{
  forget_project (self);
  close_store (self, close_error_new (self, TS_SYNC_ERROR_PROJECT_UNAVAILABLE));
}

/* Whoever a change names may be a member the store does not know yet. */
static void
note_people (TsBacklogStore *self,
             TsChange       *change)
{
  ts_project_members_note (self->members, change->actor_id);
  if (change->story != NULL)
    {
      guint n_owners;
      const gint64 *owners = ts_story_get_owner_ids (change->story, &n_owners);

      for (guint i = 0; i < n_owners; i++)
        ts_project_members_note (self->members, owners[i]);
      ts_project_members_note (self->members, ts_story_get_requester_id (change->story));
    }
}

static void
touch (TsBacklogStore *self,
       gint64          story_id)
{
  gint64 *key = g_new (gint64, 1);

  *key = story_id;
  g_hash_table_add (self->touched, key);
}

static void
apply_change (TsBacklogStore *self,
              TsChange       *change,
              gboolean        own)
{
  g_autoptr(TsStory) previous = NULL;

  /* The story as the server had it before, for whoever follows the changes
   * of others (the app's notifications compare states): a copy, since the
   * shown object is updated in place, and only when someone listens. */
  if (!own && change->story != NULL &&
      g_signal_has_handler_pending (self, signals[SIGNAL_REMOTE_CHANGE], 0, TRUE))
    {
      gint64 id = ts_story_get_id (change->story);
      TsStory *before = ts_id_table_lookup (self->server_copies, id);

      if (before == NULL)
        before = ts_id_table_lookup (self->by_id, id);
      if (before != NULL)
        previous = ts_story_copy (before);
    }

  note_people (self, change);
  switch (change->kind)
    {
    case TS_EVENT_STORIES_CREATE:
    case TS_EVENT_STORIES_UPDATE:
    case TS_EVENT_STORIES_MOVE:
      apply_server_story (self, change->story);
      if (!own)
        touch (self, ts_story_get_id (change->story));
      break;
    case TS_EVENT_STORIES_DESTROY:
      apply_server_destroy (self, change->id);
      break;
    case TS_EVENT_PROJECTS_UPDATE:
      apply_project (self, change->project);
      break;
    case TS_EVENT_PROJECTS_DESTROY:
      close_as_deleted (self);
      return;
    case TS_EVENT_ITERATIONS_UPDATE:
      apply_iteration (self, change->iteration);
      break;
    case TS_EVENT_COMMENTS_CREATE:
      ts_comment_index_story_changed (self->comments, ts_comment_get_story_id (change->comment));
      g_signal_emit (self, signals[SIGNAL_COMMENTS_CHANGED], 0,
                     ts_comment_get_story_id (change->comment));
      break;
    case TS_EVENT_COMMENTS_DESTROY:
      ts_comment_index_story_changed (self->comments, change->story_id);
      g_signal_emit (self, signals[SIGNAL_COMMENTS_CHANGED], 0, change->story_id);
      break;
    case TS_EVENT_STORIES_IMPORT:
      /* Never applied: a whole import carries no stories, and drain()
       * reloads the project instead. */
      g_assert_not_reached ();
    }

  if (!own)
    g_signal_emit (self, signals[SIGNAL_REMOTE_CHANGE], 0, change, previous);
  g_signal_emit (self, signals[SIGNAL_CHANGE_APPLIED], 0, change, own);
}

/* Edits whose answer is now part of the store's version are done. */
static void
settle_edits (TsBacklogStore *self)
{
  for (guint i = 0; i < self->edits->len;)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      if (edit->done || (edit->settled_version > 0 && edit->settled_version <= self->version))
        {
          gint64 story_id = edit->story_id;

          edit->done = TRUE;
          ts_store_offline_forget (self->offline, edit);
          g_ptr_array_remove_index (self->edits, i);
          ts_backlog_store_refresh_story (self, story_id);
          continue;
        }
      i++;
    }
}

void
ts_backlog_store_notify_pending (TsBacklogStore *self)
{
  guint n = ts_backlog_store_get_n_pending_edits (self);

  if (n == self->n_pending_notified)
    return;
  self->n_pending_notified = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING_EDITS]);
}

/* The queue */

static int
compare_versions (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  gint64 version_a = *(const gint64 *) a;
  gint64 version_b = *(const gint64 *) b;

  return (version_a > version_b) - (version_a < version_b);
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  ts_change_unref (pending->change);
  g_free (pending);
}

void
ts_backlog_store_enqueue (TsBacklogStore *self,
         TsChange       *change,
         gboolean        own)
{
  Pending *pending;

  if (change->version <= self->version ||
      g_tree_lookup (self->pending, &change->version) != NULL)
    return;

  pending = g_new (Pending, 1);
  pending->change = ts_change_ref (change);
  pending->own = own;
  g_tree_insert (self->pending, &pending->change->version, pending);
}

/* Applies every queued change that follows the store's version, in order;
 * a hole left in the queue is filled from the server. */
static void
drain (TsBacklogStore *self)
{
  gboolean advanced = FALSE;

  while (self->status == TS_BACKLOG_STORE_READY)
    {
      GTreeNode *node = g_tree_node_first (self->pending);
      Pending *first = node != NULL ? g_tree_node_value (node) : NULL;

      if (first == NULL || first->change->version > self->version + 1)
        break;

      /* An import carries no stories: the store reads the project again,
       * and stays at the version before it until the reload is in, so
       * that neither a later change nor the local copy gets ahead of
       * stories it does not have. A failed reload is tried again by the
       * catch-up, which brings the import once more; so does the catch-up
       * after a reload already in flight, if it read the stories before
       * the import. */
      if (first->change->version == self->version + 1 &&
          first->change->kind == TS_EVENT_STORIES_IMPORT)
        {
          g_debug ("Project %" G_GINT64_FORMAT ": %u stories imported at version %" G_GINT64_FORMAT
                   ", reloading", self->project_id, first->change->count, first->change->version);
          g_tree_remove (self->pending, &first->change->version);
          if (!self->reloading)
            reload (self, NULL);
          break;
        }
      if (first->change->version == self->version + 1)
        {
          ts_store_offline_note (self->offline, first->change);
          apply_change (self, first->change, first->own);
          self->version = first->change->version;
          advanced = TRUE;
        }
      g_tree_remove (self->pending, &first->change->version);
    }

  if (self->status != TS_BACKLOG_STORE_READY)
    return;
  /* Even without a step: an answer can come after its version was already
   * applied (a catch-up for someone else's later change brought it), and
   * its edit is done then, not when the next change comes. */
  settle_edits (self);
  ts_backlog_store_notify_pending (self);
  if (advanced)
    {
      ts_project_set_version (self->project, self->version);
      ts_store_offline_commit (self->offline, self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
    }
  if (g_tree_nnodes (self->pending) > 0)
    catch_up (self);
}

/* The plan and the batch */

/* From the planning table the story list keeps through every change, so
 * that a plan reads it in order instead of every story object. */
static void
replan (TsBacklogStore *self)
{
  const TsPlanningTable *table = ts_story_list_peek_planning_table (self->stories);
  TsDay today;

  today = self->today_is_set ? self->today : ts_day_today (ts_project_get_zone (self->project));
  g_clear_pointer (&self->plan, ts_plan_unref);
  self->plan = ts_planner_plan_table (self->project, table, today, self->velocity_override);
  self->plan_is_stale = FALSE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN]);
  g_signal_emit (self, signals[SIGNAL_PLAN_CHANGED], 0);
}

/* The plan depends on the day (the current iteration, Done, lateness):
 * when the day has changed in the project's time zone, plan again. */
static void
check_day (TsBacklogStore *self)
{
  if (self->status != TS_BACKLOG_STORE_READY || self->today_is_set || self->plan == NULL)
    return;
  if (ts_day_today (ts_project_get_zone (self->project)) != ts_plan_get_today (self->plan))
    replan (self);
}

static gboolean
midnight_cb (gpointer user_data)
{
  TsBacklogStore *self = user_data;

  self->midnight_source = 0;
  check_day (self);
  schedule_midnight (self);
  return G_SOURCE_REMOVE;
}

/* One wakeup a day, a second after midnight in the project's zone. A
 * suspended machine's timers stand still, so waking also checks the day
 * (on the realtime client's re-subscription). */
static void
schedule_midnight (TsBacklogStore *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) tomorrow = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  GTimeSpan wait;

  g_clear_handle_id (&self->midnight_source, g_source_remove);
  if (self->status != TS_BACKLOG_STORE_READY || self->today_is_set)
    return;

  now = g_date_time_new_now (ts_project_get_zone (self->project));
  tomorrow = g_date_time_add_days (now, 1);
  midnight = g_date_time_new (ts_project_get_zone (self->project),
                              g_date_time_get_year (tomorrow), g_date_time_get_month (tomorrow),
                              g_date_time_get_day_of_month (tomorrow), 0, 0, 0);
  wait = g_date_time_difference (midnight, now);
  self->midnight_source = g_timeout_add_seconds ((guint) (wait / G_TIME_SPAN_SECOND) + 1,
                                                 midnight_cb, self);
}

static void
announce_touched (TsBacklogStore *self)
{
  GHashTableIter iter;
  gpointer key;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_hash_table_iter_init (&iter, self->touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (ids, *(gint64 *) key);
  g_hash_table_remove_all (self->touched);

  for (guint i = 0; i < ids->len; i++)
    if (ts_id_table_lookup (self->by_id, g_array_index (ids, gint64, i)) != NULL)
      {
        ts_backlog_store_mark (self, g_array_index (ids, gint64, i));
        g_signal_emit (self, signals[SIGNAL_STORY_CHANGED_REMOTELY], 0,
                       g_array_index (ids, gint64, i));
      }
}

/**
 * ts_backlog_store_flush:
 *
 * Applies what is queued now, without waiting for the batch to close, and
 * makes the plan if anything changed. The store does this by itself;
 * tests and benchmarks call it to measure or to stop waiting.
 */
void
ts_backlog_store_flush (TsBacklogStore *self)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->status != TS_BACKLOG_STORE_READY)
    return;

  g_object_ref (self);
  drain (self);
  if (self->status == TS_BACKLOG_STORE_READY && self->plan_is_stale)
    replan (self);
  if (self->status == TS_BACKLOG_STORE_READY)
    announce_touched (self);
  g_object_unref (self);
}

static gboolean
flush_cb (gpointer user_data)
{
  TsBacklogStore *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 quiet_left = self->last_arrival + COALESCE_QUIET_MS * 1000 - now;
  gint64 batch_left = self->batch_started + COALESCE_MAX_MS * 1000 - now;
  gint64 wait = MIN (quiet_left, batch_left);

  self->flush_source = 0;
  if (wait > 1000)
    {
      /* More arrived since the timer was set: wait for the rest of the
       * silence, rather than re-arming a timer per event. */
      self->flush_source = g_timeout_add ((guint) (wait / 1000), flush_cb, self);
      return G_SOURCE_REMOVE;
    }
  ts_backlog_store_flush (self);
  return G_SOURCE_REMOVE;
}

/* Remote changes wait for the batch to close; this client's own show at
 * once (@now), since the person who made them is looking. */
void
ts_backlog_store_schedule_flush (TsBacklogStore *self,
                gboolean        now)
{
  gint64 time = g_get_monotonic_time ();

  if (self->status != TS_BACKLOG_STORE_READY)
    return;
  self->last_arrival = time;
  if (now)
    {
      g_clear_handle_id (&self->flush_source, g_source_remove);
      self->flush_source = g_idle_add_full (G_PRIORITY_DEFAULT, flush_cb, self, NULL);
      self->batch_started = time - COALESCE_MAX_MS * 1000;
      return;
    }
  if (self->flush_source != 0)
    return;
  self->batch_started = time;
  self->flush_source = g_timeout_add (COALESCE_QUIET_MS, flush_cb, self);
}

/* Events */

/**
 * ts_backlog_store_receive_event:
 * @name: the event's name (`stories-update`, …)
 * @data: its data, the JSON text of the Pusher frame
 *
 * Takes one event of the project's channel. Unknown events are ignored,
 * so a newer server can add some; a broken one asks the server for the
 * changes instead, so nothing is lost either way.
 */
void
ts_backlog_store_receive_event (TsBacklogStore *self,
                                const char     *name,
                                const char     *data)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(TsChange) change = NULL;
  g_autoptr(GError) error = NULL;
  TsEventKind kind;

  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  if (self->status == TS_BACKLOG_STORE_CLOSED || !ts_event_kind_from_string (name, &kind))
    return;

  object = ts_json_parse_object (data, -1, &error);
  if (object != NULL)
    change = ts_change_from_json (object, name, &error);
  if (change == NULL)
    {
      g_warning ("Event “%s” of project %" G_GINT64_FORMAT " is not readable, catching up: %s",
                 name, self->project_id, error->message);
      catch_up (self);
      return;
    }

  if (change->thin)
    {
      if (change->version > self->version)
        catch_up (self);
      return;
    }
  ts_backlog_store_enqueue (self, change, FALSE);
  ts_backlog_store_schedule_flush (self, FALSE);
}

/* Catching up */

static void
catch_up_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TsBacklogStore) self = user_data;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;
  gint64 server_version = 0;

  changes = ts_api_client_list_changes_finish (self->api, result, &server_version, &more, &error);
  self->catching_up = FALSE;
  if (changes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_GONE))
        reload (self, NULL);
      else if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND))
        close_as_unavailable (self);
      else
        /* The next event or reconnection asks again. */
        g_debug ("Catching up on project %" G_GINT64_FORMAT " failed: %s",
                 self->project_id, error->message);
      return;
    }
  /* A server behind what the store has seen had its database restored
   * from an older copy: what came after the copy is gone there, and its
   * next changes take those versions again, which the store would take
   * for repeats. Only a reload shows what the server has. */
  if (server_version < self->catch_up_since)
    {
      g_message ("Project %" G_GINT64_FORMAT " is at version %" G_GINT64_FORMAT
                 " on the server, behind the %" G_GINT64_FORMAT " seen here: reloading",
                 self->project_id, server_version, self->catch_up_since);
      reload (self, NULL);
      return;
    }

  for (guint i = 0; i < changes->len; i++)
    ts_backlog_store_enqueue (self, g_ptr_array_index (changes, i), FALSE);
  ts_backlog_store_flush (self);
  if (self->status == TS_BACKLOG_STORE_READY)
    send_unsent (self);
  if (!more)
    set_showing_copy (self, FALSE);

  if (more || self->catch_up_again)
    {
      self->catch_up_again = FALSE;
      catch_up (self);
    }
}

static void
catch_up (TsBacklogStore *self)
{
  if (self->status == TS_BACKLOG_STORE_CLOSED)
    return;
  if (self->status == TS_BACKLOG_STORE_LOADING || self->catching_up)
    {
      self->catch_up_again = TRUE;
      return;
    }

  self->catching_up = TRUE;
  self->catch_up_since = self->version;
  ts_api_client_list_changes_async (self->api, self->project_id, self->version, CATCH_UP_LIMIT,
                                    self->cancellable, catch_up_cb, g_object_ref (self));
}

/**
 * ts_backlog_store_catch_up:
 *
 * Asks the server for every change since the store's version. The store
 * does so itself after each (re)subscription and on a gap; the app calls
 * it when it has reason to think it missed something.
 */
void
ts_backlog_store_catch_up (TsBacklogStore *self)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  catch_up (self);
}

/* Loading */

/* One reading of the project: the first load (with the caller's task) or
 * a reload after a 410 (without one). */
typedef struct {
  TsBacklogStore *store;
  GTask *task;
  GPtrArray *stories;
  gint64 version;
  gint64 started;           /* for the debug log's timings */
  gint64 stories_read;
} Load;

static void
load_free (Load *load)
{
  g_object_unref (load->store);
  g_clear_object (&load->task);
  g_clear_pointer (&load->stories, g_ptr_array_unref);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

/* Replaces everything with the server's state at the load's version.
 * Edits still waiting for an answer stay laid over it. */
static void
install (TsBacklogStore *self,
         TsProject      *project,
         Load           *load)
{
  g_set_object (&self->project, project);
  self->version = load->version;
  ts_project_members_reload (self->members);
  ts_project_set_version (self->project, self->version);

  g_hash_table_remove_all (self->by_id);
  g_hash_table_remove_all (self->server_copies);
  for (guint i = 0; i < load->stories->len; i++)
    {
      TsStory *story = g_ptr_array_index (load->stories, i);
      gint64 *key = g_new (gint64, 1);

      *key = ts_story_get_id (story);
      g_hash_table_replace (self->by_id, key, g_object_ref (story));
    }
  ts_story_list_replace_all (self->stories, load->stories);

  for (guint i = 0; i < self->edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (self->edits, i);

      if (edit->kind != TS_EDIT_CREATE)
        set_server_state_aside (self, edit->story_id);
      ts_backlog_store_refresh_story (self, edit->story_id);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

static void
set_status (TsBacklogStore       *self,
            TsBacklogStoreStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/* From the copy until the server has answered a catch-up to its end (or
 * a load): what is shown may be out of date. */
static void
set_showing_copy (TsBacklogStore *self,
                  gboolean        showing)
{
  if (self->showing_copy == showing)
    return;
  self->showing_copy = showing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWING_COPY]);
}

/* The server answered a read of the project: the outbox's edits can go,
 * in the order they were made. */
static void
send_unsent (TsBacklogStore *self)
{
  g_autoptr(GPtrArray) edits = g_steal_pointer (&self->unsent);

  self->unsent = g_ptr_array_new_with_free_func (ts_local_edit_unref);
  for (guint i = 0; i < edits->len; i++)
    {
      TsLocalEdit *edit = g_ptr_array_index (edits, i);

      if (!edit->done)
        ts_backlog_store_send_edit (self, edit);
    }
}

/* The outbox's edits, once, after the first state is installed: shown
 * pending at once, sent once the server has answered. */
static void
restore_edits (TsBacklogStore *self)
{
  g_autoptr(GPtrArray) edits = NULL;

  if (self->restored)
    return;
  self->restored = TRUE;
  edits = ts_store_offline_restore (self->offline, self->project_id,
                                    ts_project_get_point_scale (self->project));
  for (guint i = 0; i < edits->len; i++)
    {
      TsLocalEdit *edit = ts_local_edit_ref (g_ptr_array_index (edits, i));

      edit->restored = TRUE;
      if (edit->kind == TS_EDIT_CREATE)
        {
          /* Temporary ids are this run's; the Idempotency-Key is the
           * create's for good. */
          edit->story_id = --self->next_temporary_id;
          ts_story_set_id (edit->values, edit->story_id);
          ts_story_set_project_id (edit->values, self->project_id);
          ts_story_set_position (edit->values, edit->position);
        }
      else
        set_server_state_aside (self, edit->story_id);
      /* A task added before keeps its temporary id: new ones go below it. */
      if (edit->kind == TS_EDIT_TASK && edit->local_task_id < 0)
        self->next_temporary_id = MIN (self->next_temporary_id, edit->local_task_id);
      g_ptr_array_add (self->edits, edit);
      ts_backlog_store_refresh_story (self, edit->story_id);
    }
  /* Shown from the copy, the project may be gone for this user: the edits
   * go once a read proves it is not (see send_unsent()). */
  if (edits->len > 0)
    g_debug ("Project %" G_GINT64_FORMAT ": %u edits back from the outbox",
             self->project_id, edits->len);
  g_ptr_array_extend_and_steal (self->unsent, g_steal_pointer (&edits));
  ts_backlog_store_notify_pending (self);
}

/* Ready: the plan is made and the day followed. */
static void
become_ready (TsBacklogStore *self)
{
  set_status (self, TS_BACKLOG_STORE_READY);
  restore_edits (self);
  replan (self);
  schedule_midnight (self);
}

static void
load_failed (Load   *load,
             GError *error)
{
  TsBacklogStore *self = load->store;

  self->catching_up = FALSE;
  if (load->task == NULL)
    self->reloading = FALSE;
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_NOT_FOUND))
    close_as_unavailable (self);
  if (load->task != NULL)
    {
      g_task_return_error (load->task, error);
      return;
    }
  /* A reload that failed is tried again by the next catch-up. */
  g_debug ("Reloading project %" G_GINT64_FORMAT " failed: %s", self->project_id, error->message);
  g_error_free (error);
}

static void
project_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  TsBacklogStore *self = load->store;
  g_autoptr(TsProject) project = NULL;
  GError *error = NULL;

  project = ts_api_client_get_project_finish (self->api, result, &error);
  if (project == NULL)
    {
      load_failed (load, error);
      return;
    }
  if (self->status == TS_BACKLOG_STORE_CLOSED)
    return;

  {
    gint64 project_read = g_get_monotonic_time ();

    install (self, project, load);
    ts_store_offline_replace (self->offline, self);
    self->catching_up = FALSE;
    if (load->task == NULL)
      self->reloading = FALSE;
    self->catch_up_again = FALSE;
    become_ready (self);
    send_unsent (self);
    set_showing_copy (self, FALSE);
    g_debug ("Loaded %u stories of project %" G_GINT64_FORMAT " in %.1f ms: stories %.1f, "
             "project %.1f, list and plan %.1f",
             load->stories->len, self->project_id,
             (g_get_monotonic_time () - load->started) / 1000.0,
             (load->stories_read - load->started) / 1000.0,
             (project_read - load->stories_read) / 1000.0,
             (g_get_monotonic_time () - project_read) / 1000.0);
  }
  /* Whatever happened since the stories were read (the project was read
   * after them, so its settings are at least as new). */
  catch_up (self);
  if (load->task != NULL)
    g_task_return_boolean (load->task, TRUE);
}

static void
stories_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  TsBacklogStore *self = load->store;
  GError *error = NULL;

  load->stories = ts_api_client_list_stories_finish (self->api, result, &load->version, &error);
  load->stories_read = g_get_monotonic_time ();
  if (load->stories == NULL)
    {
      load_failed (load, error);
      return;
    }

  ts_api_client_get_project_async (self->api, self->project_id, self->cancellable,
                                   project_loaded_cb, g_steal_pointer (&load));
}

/* Reads the stories, then the project: read in that order, the project's
 * settings are never older than the stories' version, and the catch-up
 * from that version brings everything after. */
static void
reload (TsBacklogStore *self,
        GTask          *task)
{
  Load *load = g_new0 (Load, 1);

  load->store = g_object_ref (self);
  load->task = task;
  load->started = g_get_monotonic_time ();
  /* No catch-up runs until the reload is in. */
  self->catching_up = TRUE;
  if (task == NULL)
    self->reloading = TRUE;
  ts_api_client_list_stories_async (self->api, self->project_id, self->cancellable,
                                    stories_loaded_cb, load);
}

/* The copy is shown at once (the first screen before any answer); the
 * catch-up from its version then brings, or removes, whatever changed
 * while the app was closed. No copy: the server is read as before. */
static void
copy_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TsBacklogStore *self = g_task_get_source_object (task);
  g_autoptr(TsLocalProject) local = NULL;
  g_autoptr(Load) load = NULL;
  gint64 read;

  local = ts_local_copy_load_finish (TS_LOCAL_COPY (source), result, NULL);
  if (self->status != TS_BACKLOG_STORE_LOADING)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The store was closed");
      return;
    }
  if (local == NULL)
    {
      reload (self, g_steal_pointer (&task));
      return;
    }

  read = g_get_monotonic_time ();
  load = g_new0 (Load, 1);
  load->store = g_object_ref (self);
  load->stories = g_ptr_array_ref (local->stories);
  load->version = local->version;
  install (self, local->project, load);
  if (local->members != NULL)
    ts_project_members_set (self->members, local->members);
  set_showing_copy (self, TRUE);
  become_ready (self);
  g_debug ("Project %" G_GINT64_FORMAT " shown from the local copy at version %" G_GINT64_FORMAT
           ", %u stories, in %.1f ms: read %.1f, list and plan %.1f", self->project_id,
           self->version, local->stories->len, (g_get_monotonic_time () - self->load_started) / 1000.0,
           (read - self->load_started) / 1000.0, (g_get_monotonic_time () - read) / 1000.0);
  catch_up (self);
  g_task_return_boolean (task, TRUE);
}

/* Realtime */

static void
realtime_event_cb (TsRealtimeClient *realtime,
                   const char       *channel,
                   const char       *name,
                   const char       *data,
                   TsBacklogStore   *self)
{
  if (g_strcmp0 (channel, self->channel) == 0)
    ts_backlog_store_receive_event (self, name, data);
}

/* After every (re)subscription: whatever was published while the socket
 * was away, asleep or not yet subscribed. */
static void
realtime_subscribed_cb (TsRealtimeClient *realtime,
                        const char       *channel,
                        TsBacklogStore   *self)
{
  if (g_strcmp0 (channel, self->channel) != 0)
    return;
  catch_up (self);
  ts_backlog_store_retry_waiting_edits (self);
  check_day (self);
  /* Members have no event: whoever joined while the socket was away is
   * read now. */
  ts_project_members_reload (self->members);
}

/* A refused subscription most likely means the user is no longer a
 * member; the catch-up's 404 says so for sure and closes the store. */
static void
realtime_subscription_error_cb (TsRealtimeClient *realtime,
                                const char       *channel,
                                int               status,
                                const char       *message,
                                TsBacklogStore   *self)
{
  if (g_strcmp0 (channel, self->channel) == 0)
    catch_up (self);
}

/* Someone present on the project's presence channel may be a member the
 * store does not know yet. */
static void
realtime_members_changed_cb (TsRealtimeClient *realtime,
                             const char       *channel,
                             TsBacklogStore   *self)
{
  g_autofree char *presence = NULL;
  g_autoptr(GPtrArray) present = NULL;

  if (self->project == NULL)
    return;
  presence = ts_project_dup_presence_channel (self->project);
  if (g_strcmp0 (channel, presence) != 0)
    return;
  present = ts_realtime_client_get_members (realtime, channel);
  for (guint i = 0; present != NULL && i < present->len; i++)
    {
      TsRealtimeMember *member = g_ptr_array_index (present, i);

      ts_project_members_note (self->members, g_ascii_strtoll (member->user_id, NULL, 10));
    }
}

static void
connect_realtime (TsBacklogStore *self)
{
  if (self->realtime == NULL)
    return;

  self->realtime_handlers[0] =
    g_signal_connect (self->realtime, "event", G_CALLBACK (realtime_event_cb), self);
  self->realtime_handlers[1] =
    g_signal_connect (self->realtime, "subscribed", G_CALLBACK (realtime_subscribed_cb), self);
  self->realtime_handlers[2] =
    g_signal_connect (self->realtime, "subscription-error",
                      G_CALLBACK (realtime_subscription_error_cb), self);
  self->realtime_handlers[3] =
    g_signal_connect (self->realtime, "members-changed",
                      G_CALLBACK (realtime_members_changed_cb), self);
  ts_realtime_client_subscribe (self->realtime, self->channel);
}

static void
disconnect_realtime (TsBacklogStore *self)
{
  if (self->realtime == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->realtime_handlers); i++)
    g_clear_signal_handler (&self->realtime_handlers[i], self->realtime);
  ts_realtime_client_unsubscribe (self->realtime, self->channel);
  g_clear_object (&self->realtime);
}

static void
close_store (TsBacklogStore *self,
             GError         *reason)
{
  if (self->status == TS_BACKLOG_STORE_CLOSED)
    {
      g_clear_error (&reason);
      return;
    }

  g_clear_error (&self->close_error);
  self->close_error = reason;
  g_cancellable_cancel (self->cancellable);
  ts_project_members_cancel (self->members);
  ts_comment_index_cancel (self->comments);
  g_hash_table_remove_all (self->held);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->midnight_source, g_source_remove);
  ts_backlog_store_cancel_retries (self);
  disconnect_realtime (self);
  set_status (self, TS_BACKLOG_STORE_CLOSED);
  if (reason != NULL)
    g_signal_emit (self, signals[SIGNAL_CLOSED], 0, reason);
  ts_backlog_store_clear_marks (self);
}

/**
 * ts_backlog_store_close:
 *
 * Stops following the project (the app closed it). No signal is emitted.
 */
void
ts_backlog_store_close (TsBacklogStore *self)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  close_store (self, NULL);
}

/* Shows @edit at once and sends it. */
static void
begin_edit (TsBacklogStore *self,
            TsLocalEdit      *edit)
{
  /* On the disk before it shows as pending. */
  ts_store_offline_keep (self->offline, self->project_id, edit);
  if (edit->kind != TS_EDIT_CREATE)
    set_server_state_aside (self, edit->story_id);
  g_ptr_array_add (self->edits, edit);
  ts_backlog_store_refresh_story (self, edit->story_id);
  ts_backlog_store_schedule_flush (self, TRUE);
  ts_backlog_store_notify_pending (self);
  ts_backlog_store_send_edit (self, edit);
}

/* For the store's other files (a task's change). */
void
ts_backlog_store_begin_edit (TsBacklogStore *self,
                             TsLocalEdit    *edit)
{
  begin_edit (self, edit);
}

/* A key between two neighbours' keys. Two stories can briefly share a
 * key here (a local guess and the server's key for another story made
 * between the same neighbours), and then there is nothing between them:
 * the story shares the upper one's key, and the order of ids decides,
 * until the server's answer brings the real key. */
static char *
local_position_between (const char *before,
                        const char *after)
{
  if (before != NULL && after != NULL && strcmp (before, after) >= 0)
    return g_strdup (before);
  return ts_position_between (before, after);
}

/* The position a story would get from the server, made locally so that
 * it shows in its place before the answer comes (which brings the real
 * one). */
static char *
position_after_index (TsBacklogStore *self,
                      int             index)
{
  TsStory * const *stories;
  guint n_stories;

  stories = ts_story_list_peek (self->stories, &n_stories);
  return local_position_between (index >= 0 ? ts_story_get_position (stories[index]) : NULL,
                              (guint) (index + 1) < n_stories
                                ? ts_story_get_position (stories[index + 1]) : NULL);
}

static char *
position_for_move (TsBacklogStore      *self,
                   gint64               moving_id,
                   const TsMoveRequest *move)
{
  TsStory *neighbour = ts_id_table_lookup (self->by_id, move->before_id != 0 ? move->before_id : move->after_id);
  TsStory * const *stories;
  guint n_stories;
  guint index;
  int other;

  if (neighbour == NULL || !ts_story_list_find (self->stories, neighbour, &index))
    return NULL;
  stories = ts_story_list_peek (self->stories, &n_stories);

  /* The other neighbour of the new place, skipping the moving story where
   * it is that neighbour now. */
  other = move->before_id != 0 ? (int) index - 1 : (int) index + 1;
  if (other >= 0 && (guint) other < n_stories && ts_story_get_id (stories[other]) == moving_id)
    other += move->before_id != 0 ? -1 : 1;
  if (other < 0 || (guint) other >= n_stories)
    return move->before_id != 0 ? local_position_between (NULL, ts_story_get_position (neighbour))
                                : local_position_between (ts_story_get_position (neighbour), NULL);
  return move->before_id != 0
    ? local_position_between (ts_story_get_position (stories[other]), ts_story_get_position (neighbour))
    : local_position_between (ts_story_get_position (neighbour), ts_story_get_position (stories[other]));
}

/* doc/api.md: without a neighbour an unscheduled story goes to the end of the
 * Icebox, any other right after the last story that is not unscheduled. */
static char *
position_for_create (TsBacklogStore *self,
                     TsStoryState    state)
{
  TsStory * const *stories;
  guint n_stories;
  int index;

  stories = ts_story_list_peek (self->stories, &n_stories);
  index = (int) n_stories - 1;
  if (state != TS_STORY_STATE_UNSCHEDULED)
    while (index >= 0 && ts_story_get_state (stories[index]) == TS_STORY_STATE_UNSCHEDULED)
      index--;
  return position_after_index (self, index);
}

/**
 * ts_backlog_store_create_story:
 * @values: the new story's fields (@values->fields says which are set)
 * @placement: (nullable): a neighbour, as for a move
 *
 * Shows the story at once under a temporary, negative id, and creates it
 * with an Idempotency-Key. Once the server's answer is applied the story
 * has its real id (a new item of the list) and the temporary one is gone.
 * A story with a temporary id cannot be changed yet.
 *
 * Returns: the temporary id
 */
gint64
ts_backlog_store_create_story (TsBacklogStore      *self,
                               TsStoryPatch        *values,
                               const TsMoveRequest *placement)
{
  TsLocalEdit *edit;
  TsStory *story;

  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), 0);
  g_return_val_if_fail (self->status == TS_BACKLOG_STORE_READY, 0);
  g_return_val_if_fail (values != NULL, 0);

  edit = ts_local_edit_new (TS_EDIT_CREATE, --self->next_temporary_id);
  edit->fields = values->fields;
  edit->values = ts_story_copy (values->values);
  edit->idempotency_key = g_uuid_string_random ();
  story = edit->values;
  ts_story_set_id (story, edit->story_id);
  ts_story_set_project_id (story, self->project_id);
  if (placement != NULL)
    {
      edit->move = *placement;
      edit->position = position_for_move (self, edit->story_id, placement);
    }
  if (edit->position == NULL)
    edit->position = position_for_create (self, ts_story_get_state (story));
  ts_story_set_position (story, edit->position);

  begin_edit (self, edit);
  return edit->story_id;
}

static gboolean
can_edit (TsBacklogStore *self,
          gint64          story_id)
{
  if (self->status != TS_BACKLOG_STORE_READY)
    return FALSE;
  if (story_id <= 0)
    {
      g_warning ("Story %" G_GINT64_FORMAT " cannot be changed: it is not on the server yet",
                 story_id);
      return FALSE;
    }
  /* Deleted by someone a moment ago (the person clicked as it went, or a
   * conflict is resolved after the deletion): nothing left to change. */
  if (ts_id_table_lookup (self->by_id, story_id) == NULL)
    {
      g_debug ("Story %" G_GINT64_FORMAT " is gone; the change is dropped", story_id);
      return FALSE;
    }
  return TRUE;
}

static void
update_story (TsBacklogStore *self,
              gint64          story_id,
              TsStoryFields   fields,
              TsStory        *values,
              gint64          base_version)
{
  TsLocalEdit *edit = ts_local_edit_new (TS_EDIT_UPDATE, story_id);

  edit->fields = fields;
  edit->values = ts_story_copy (values);
  edit->base_version = base_version;
  begin_edit (self, edit);
}

/**
 * ts_backlog_store_update_story:
 * @fields: the fields to change
 * @values: a story holding their new values
 *
 * Changes fields of a story, sent with the version the store has of it as
 * `base_version`: a refusal is `edit-failed`, a 409 is `conflict`.
 */
void
ts_backlog_store_update_story (TsBacklogStore *self,
                               gint64          story_id,
                               TsStoryFields   fields,
                               TsStory        *values)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail (TS_IS_STORY (values));

  if (!can_edit (self, story_id))
    return;
  update_story (self, story_id, fields, values,
                ts_story_get_version (server_story (self, story_id)));
}

/**
 * ts_backlog_store_update_story_since:
 * @fields: the fields to change
 * @values: a story holding their new values
 * @base_version: the story's version when the person began changing these
 *   fields (ts_story_get_version() of the story shown then)
 *
 * Like ts_backlog_store_update_story(), for an edit that took a while (a
 * title being typed): a change of one of @fields by someone else since
 * @base_version is a 409 and `conflict`, even if the store has applied it
 * in the meantime. This client's own answered changes of the same fields
 * since then do not count.
 */
void
ts_backlog_store_update_story_since (TsBacklogStore *self,
                                     gint64          story_id,
                                     TsStoryFields   fields,
                                     TsStory        *values,
                                     gint64          base_version)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail (TS_IS_STORY (values));
  g_return_if_fail (base_version >= 0);

  if (!can_edit (self, story_id))
    return;
  update_story (self, story_id, fields, values, base_version);
}

void
ts_backlog_store_move_story (TsBacklogStore      *self,
                             gint64               story_id,
                             const TsMoveRequest *move)
{
  TsLocalEdit *edit;

  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail (move != NULL);

  if (!can_edit (self, story_id))
    return;
  edit = ts_local_edit_new (TS_EDIT_MOVE, story_id);
  edit->move = *move;
  /* A move sent again after a lost answer (or from the outbox after a
   * crash) is not made twice. */
  edit->idempotency_key = g_uuid_string_random ();
  edit->position = position_for_move (self, story_id, move);
  if (edit->position == NULL)
    edit->position = g_strdup (ts_story_get_position (ts_id_table_lookup (self->by_id, story_id)));
  begin_edit (self, edit);
}

void
ts_backlog_store_delete_story (TsBacklogStore *self,
                               gint64          story_id)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  if (!can_edit (self, story_id))
    return;
  begin_edit (self, ts_local_edit_new (TS_EDIT_DELETE, story_id));
}

/**
 * ts_backlog_store_resolve_conflict:
 * @keep_mine: %TRUE to send this client's values again over theirs,
 *   %FALSE to keep the server's (which the store already shows)
 *
 * "Keep mine" sends every field of the refused edit again, based on the
 * version the conflict showed, so it applies unless someone changes the
 * story yet again.
 */
void
ts_backlog_store_resolve_conflict (TsBacklogStore        *self,
                                   const TsStoryConflict *conflict,
                                   gboolean               keep_mine)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail (conflict != NULL);

  if (!keep_mine)
    {
      catch_up (self);
      return;
    }
  if (!can_edit (self, conflict->story_id))
    return;
  update_story (self, conflict->story_id, conflict->my_fields, conflict->mine,
                ts_story_get_version (conflict->theirs));
}

/* The object */

static void
members_changed_cb (TsBacklogStore *self)
{
  ts_store_offline_put_members (self->offline, self);
  g_signal_emit (self, signals[SIGNAL_MEMBERS_CHANGED], 0);
}

TsBacklogStore *
ts_backlog_store_new (TsApiClient      *api,
                      TsRealtimeClient *realtime,
                      gint64            project_id)
{
  TsBacklogStore *self;

  g_return_val_if_fail (TS_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (realtime == NULL || TS_IS_REALTIME_CLIENT (realtime), NULL);
  g_return_val_if_fail (project_id > 0, NULL);

  self = g_object_new (TS_TYPE_BACKLOG_STORE, NULL);
  self->api = g_object_ref (api);
  self->realtime = realtime != NULL ? g_object_ref (realtime) : NULL;
  self->project_id = project_id;
  self->channel = g_strdup_printf ("private-project-%" G_GINT64_FORMAT, project_id);
  self->members = ts_project_members_new (api, project_id);
  self->comments = ts_comment_index_new (api, project_id);
  g_signal_connect_swapped (self->members, "changed", G_CALLBACK (members_changed_cb), self);
  return self;
}

/**
 * ts_backlog_store_set_offline:
 * @copy: (nullable): the account's local copy
 * @outbox: (nullable): the account's outbox
 *
 * Before loading: the store opens from @copy when it holds the project,
 * writes each version it applies to it, and keeps every edit in @outbox
 * until the server answered it, sending again those a previous run left.
 */
void
ts_backlog_store_set_offline (TsBacklogStore *self,
                              TsLocalCopy    *copy,
                              TsOutbox       *outbox)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail (self->status == TS_BACKLOG_STORE_LOADING);
  g_return_if_fail (copy == NULL || TS_IS_LOCAL_COPY (copy));
  g_return_if_fail (outbox == NULL || TS_IS_OUTBOX (outbox));

  ts_store_offline_free (self->offline);
  self->offline = ts_store_offline_new (copy, outbox);
}

/**
 * ts_backlog_store_load_async:
 *
 * Subscribes to the project's channel (so nothing published from now on
 * is missed), reads the stories and the project, makes the plan and
 * catches up. A project the user cannot see fails with
 * %TS_SYNC_ERROR_NOT_FOUND and closes the store.
 */
void
ts_backlog_store_load_async (TsBacklogStore      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail (self->status == TS_BACKLOG_STORE_LOADING);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_backlog_store_load_async);
  connect_realtime (self);
  self->load_started = g_get_monotonic_time ();
  if (ts_store_offline_get_copy (self->offline) != NULL)
    ts_local_copy_load_async (ts_store_offline_get_copy (self->offline), self->project_id,
                              self->cancellable, copy_loaded_cb, task);
  else
    reload (self, task);
}

gboolean
ts_backlog_store_load_finish (TsBacklogStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gint64
ts_backlog_store_get_project_id (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), 0);

  return self->project_id;
}

TsBacklogStoreStatus
ts_backlog_store_get_status (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), TS_BACKLOG_STORE_CLOSED);

  return self->status;
}

/**
 * ts_backlog_store_get_close_error:
 *
 * Returns: (nullable): why the store closed by itself
 *   (%TS_SYNC_ERROR_PROJECT_DELETED or %TS_SYNC_ERROR_PROJECT_UNAVAILABLE,
 *   naming the project as its subject); %NULL otherwise
 */
const GError *
ts_backlog_store_get_close_error (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), NULL);

  return self->close_error;
}

/**
 * ts_backlog_store_get_members:
 *
 * Returns: (transfer none): the project's members, kept current
 */
TsProjectMembers *
ts_backlog_store_get_members (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), NULL);

  return self->members;
}

/**
 * ts_backlog_store_get_comment_index:
 *
 * Returns: (transfer none): the project's comments as the search reads
 *   them (loaded on demand)
 */
TsCommentIndex *
ts_backlog_store_get_comment_index (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), NULL);

  return self->comments;
}

/**
 * ts_backlog_store_lookup_member:
 *
 * Returns: (transfer none) (nullable): the member, once known
 */
TsUser *
ts_backlog_store_lookup_member (TsBacklogStore *self,
                                gint64          user_id)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), NULL);

  return ts_project_members_lookup (self->members, user_id);
}

TsProject *
ts_backlog_store_get_project (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), NULL);

  return self->project;
}

/**
 * ts_backlog_store_get_stories:
 *
 * Returns: (transfer none): the stories (TsStory) in priority order
 */
GListModel *
ts_backlog_store_get_stories (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), NULL);

  return G_LIST_MODEL (self->stories);
}

TsStory *
ts_backlog_store_lookup (TsBacklogStore *self,
                         gint64          story_id)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), NULL);

  return ts_id_table_lookup (self->by_id, story_id);
}

TsPlan *
ts_backlog_store_get_plan (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), NULL);

  return self->plan;
}

gint64
ts_backlog_store_get_version (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), 0);

  return self->version;
}

/* Whether the store is reading the project or asking for changes: what it
 * shows may be about to move forward. */
gboolean
ts_backlog_store_is_syncing (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  return self->status == TS_BACKLOG_STORE_LOADING || self->catching_up;
}

/**
 * ts_backlog_store_is_showing_copy:
 *
 * Returns: whether what is shown came from the local copy and the server
 *   has not brought it up to date yet
 */
gboolean
ts_backlog_store_is_showing_copy (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  return self->showing_copy;
}

/**
 * ts_backlog_store_is_unreachable:
 *
 * Returns: whether an edit waits because the server could not be reached
 *   (sent again later), or waits for a first answer from it
 */
gboolean
ts_backlog_store_is_unreachable (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  if (self->unsent->len > 0)
    return TRUE;
  for (guint i = 0; i < self->edits->len; i++)
    if (((TsLocalEdit *) g_ptr_array_index (self->edits, i))->retry_source != 0)
      return TRUE;
  return FALSE;
}

/* Edits sent and not yet part of the store's version. */
guint
ts_backlog_store_get_n_pending_edits (TsBacklogStore *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), 0);

  return self->edits->len;
}

/* Plans as of @today instead of today in the project's time zone (tests,
 * and a view that looks ahead). */
void
ts_backlog_store_set_today (TsBacklogStore *self,
                            TsDay           today)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));

  self->today_is_set = TRUE;
  self->today = today;
  schedule_midnight (self);
  if (self->status == TS_BACKLOG_STORE_READY)
    replan (self);
}

/* The what-if velocity of doc/planning.md rule 6, local to this client (at
 * least 1, as the server's plan asks); TS_VELOCITY_NOT_OVERRIDDEN goes
 * back to the project's. */
void
ts_backlog_store_set_velocity_override (TsBacklogStore *self,
                                        double          velocity)
{
  g_return_if_fail (TS_IS_BACKLOG_STORE (self));
  g_return_if_fail (velocity == TS_VELOCITY_NOT_OVERRIDDEN ||
                    ts_planner_check_velocity ("velocity", velocity, NULL));

  self->velocity_override = velocity;
  if (self->status == TS_BACKLOG_STORE_READY)
    replan (self);
}

static void
ts_backlog_store_dispose (GObject *object)
{
  TsBacklogStore *self = TS_BACKLOG_STORE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_handle_id (&self->midnight_source, g_source_remove);
  ts_backlog_store_cancel_retries (self);
  disconnect_realtime (self);
  ts_backlog_store_clear_marks (self);
  if (self->members != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->members, self);
      ts_project_members_cancel (self->members);
    }
  g_clear_object (&self->members);
  if (self->comments != NULL)
    ts_comment_index_cancel (self->comments);
  g_clear_object (&self->comments);

  G_OBJECT_CLASS (ts_backlog_store_parent_class)->dispose (object);
}

static void
ts_backlog_store_finalize (GObject *object)
{
  TsBacklogStore *self = TS_BACKLOG_STORE (object);

  g_clear_object (&self->api);
  g_clear_object (&self->cancellable);
  g_free (self->channel);
  g_clear_error (&self->close_error);
  g_clear_object (&self->project);
  ts_undo_stack_free (self->undo);
  g_hash_table_unref (self->held);
  g_hash_table_unref (self->failed);
  g_hash_table_unref (self->marks);
  g_clear_object (&self->stories);
  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->server_copies);
  g_ptr_array_unref (self->edits);
  g_array_unref (self->own_updates);
  g_tree_unref (self->pending);
  g_clear_pointer (&self->plan, ts_plan_unref);
  g_hash_table_unref (self->touched);
  ts_store_offline_free (self->offline);
  g_ptr_array_unref (self->unsent);

  G_OBJECT_CLASS (ts_backlog_store_parent_class)->finalize (object);
}

static void
ts_backlog_store_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TsBacklogStore *self = TS_BACKLOG_STORE (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_PLAN:
      g_value_set_boxed (value, self->plan);
      break;
    case PROP_N_PENDING_EDITS:
      g_value_set_uint (value, ts_backlog_store_get_n_pending_edits (self));
      break;
    case PROP_SHOWING_COPY:
      g_value_set_boolean (value, self->showing_copy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_backlog_store_class_init (TsBacklogStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_backlog_store_dispose;
  object_class->finalize = ts_backlog_store_finalize;
  object_class->get_property = ts_backlog_store_get_property;

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, TS_TYPE_BACKLOG_STORE_STATUS,
                       TS_BACKLOG_STORE_LOADING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TS_TYPE_PROJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_boxed ("plan", NULL, NULL, TS_TYPE_PLAN,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* How many edits wait for the server, for the header. */
  properties[PROP_N_PENDING_EDITS] =
    g_param_spec_uint ("n-pending-edits", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Shown from the local copy, not yet brought up to date by the server:
   * the header says it is updating. */
  properties[PROP_SHOWING_COPY] =
    g_param_spec_boolean ("showing-copy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Once per batch of changes, after the stories changed. */
  signals[SIGNAL_PLAN_CHANGED] =
    g_signal_new ("plan-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A story someone else changed, for a brief highlight. */
  signals[SIGNAL_STORY_CHANGED_REMOTELY] =
    g_signal_new ("story-changed-remotely", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* A comment of the story was added or removed (by anyone). */
  signals[SIGNAL_COMMENTS_CHANGED] =
    g_signal_new ("comments-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* A change that did not come from this client's own requests, once
   * applied, in version order: the change as the server recorded it (its
   * actor may still be this user, from another window or computer) and,
   * for a story the store showed, that story as it was before (or NULL).
   * Handlers only read: the store is in the middle of applying a batch. */
  signals[SIGNAL_REMOTE_CHANGE] =
    g_signal_new ("remote-change", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TS_TYPE_CHANGE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  TS_TYPE_STORY);
  /* Every change once applied, in version order, and whether it is the
   * answer to this client's own request (then the change has no actor and
   * no time: it was this user, now). For the activity feed; handlers only
   * read. */
  signals[SIGNAL_CHANGE_APPLIED] =
    g_signal_new ("change-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TS_TYPE_CHANGE | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_BOOLEAN);
  /* An edit the server refused, already rolled back: the story id and a
   * TS_SYNC_ERROR with the operation, the field and the story's title (see
   * ts_sync_error_get_field()); ts_backlog_store_retry() sends it again. */
  signals[SIGNAL_EDIT_FAILED] =
    g_signal_new ("edit-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_CONFLICT] =
    g_signal_new ("conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  TS_TYPE_STORY_CONFLICT | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* The project went away for this user; the error says why
   * (ts_backlog_store_get_close_error()). */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* The members were read again and changed. */
  signals[SIGNAL_MEMBERS_CHANGED] =
    g_signal_new ("members-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A delete was held back for its undo, or is no longer held (sent or
   * undone): the story id. */
  signals[SIGNAL_HELD_CHANGED] =
    g_signal_new ("held-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* A story's mark of a recent change by someone else came or went. */
  signals[SIGNAL_MARK_CHANGED] =
    g_signal_new ("mark-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_BOOLEAN);

  /**
   * TsBacklogStore::edits-dropped:
   * @n_edits: how many
   *
   * The project is gone for this user (deleted, or the membership lost)
   * while edits to it waited in the outbox: they can never be sent.
   */
  signals[SIGNAL_EDITS_DROPPED] =
    g_signal_new ("edits-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
ts_backlog_store_init (TsBacklogStore *self)
{
  self->unsent = g_ptr_array_new_with_free_func (ts_local_edit_unref);
  self->cancellable = g_cancellable_new ();
  self->stories = ts_story_list_new ();
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->server_copies = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->edits = g_ptr_array_new_with_free_func (ts_local_edit_unref);
  self->own_updates = g_array_new (FALSE, FALSE, sizeof (OwnUpdate));
  self->pending = g_tree_new_full (compare_versions, NULL, NULL, pending_free);
  self->touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->velocity_override = TS_VELOCITY_NOT_OVERRIDDEN;
  self->undo = ts_undo_stack_new ();
  self->held = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->failed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, ts_local_edit_unref);
  self->marks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/* For ts-backlog-store-undo.c. */

TsUndoStack *
ts_backlog_store_get_undo_stack (TsBacklogStore *self)
{
  return self->undo;
}

GHashTable *
ts_backlog_store_get_held_table (TsBacklogStore *self)
{
  return self->held;
}

GHashTable *
ts_backlog_store_get_marks_table (TsBacklogStore *self)
{
  return self->marks;
}

void
ts_backlog_store_emit_held_changed (TsBacklogStore *self,
                                    gint64          story_id)
{
  g_signal_emit (self, signals[SIGNAL_HELD_CHANGED], 0, story_id);
}

void
ts_backlog_store_emit_mark_changed (TsBacklogStore *self,
                                    gint64          story_id,
                                    gboolean        marked)
{
  g_signal_emit (self, signals[SIGNAL_MARK_CHANGED], 0, story_id, marked);
}

/* Retry */

/**
 * ts_backlog_store_can_retry:
 *
 * Returns: whether the last refused change of @story_id can be sent again
 */
gboolean
ts_backlog_store_can_retry (TsBacklogStore *self,
                            gint64          story_id)
{
  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  return g_hash_table_contains (self->failed, &story_id);
}

/**
 * ts_backlog_store_retry:
 *
 * Sends the last refused change of @story_id again, as it was asked for:
 * an update on the story as it is now.
 *
 * Returns: whether there was one to send
 */
gboolean
ts_backlog_store_retry (TsBacklogStore *self,
                        gint64          story_id)
{
  TsLocalEdit *edit;
  g_autofree gint64 *key = NULL;

  g_return_val_if_fail (TS_IS_BACKLOG_STORE (self), FALSE);

  if (self->status != TS_BACKLOG_STORE_READY ||
      !g_hash_table_steal_extended (self->failed, &story_id, (gpointer *) &key, (gpointer *) &edit))
    return FALSE;
  switch (edit->kind)
    {
    case TS_EDIT_CREATE:
      {
        g_autoptr(TsStoryPatch) patch = ts_story_patch_new ();

        patch->fields = edit->fields;
        g_set_object (&patch->values, edit->values);
        ts_backlog_store_create_story (self, patch, edit->move.before_id != 0 ||
                                                    edit->move.after_id != 0 ? &edit->move : NULL);
      }
      break;
    case TS_EDIT_UPDATE:
      ts_backlog_store_update_story (self, story_id, edit->fields, edit->values);
      break;
    case TS_EDIT_MOVE:
      ts_backlog_store_move_story (self, story_id, &edit->move);
      break;
    case TS_EDIT_TASK:
      ts_backlog_store_retry_task_edit (self, edit);
      break;
    case TS_EDIT_DELETE:
    default:
      ts_backlog_store_delete_story (self, story_id);
      break;
    }
  ts_local_edit_unref (edit);
  return TRUE;
}

TsStory *
ts_backlog_store_get_server_story (TsBacklogStore *self,
                                   gint64          story_id)
{
  return server_story (self, story_id);
}

/* The server's state of every story, without this client's edits. */
GPtrArray *
ts_backlog_store_dup_server_stories (TsBacklogStore *self)
{
  GPtrArray *stories = g_ptr_array_new_full (g_hash_table_size (self->by_id), g_object_unref);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(gint64 *) key > 0 && ts_id_table_lookup (self->server_copies, *(gint64 *) key) == NULL)
      g_ptr_array_add (stories, g_object_ref (value));
  /* Those set aside while an edit is pending, shown or not. */
  g_hash_table_iter_init (&iter, self->server_copies);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (stories, g_object_ref (value));
  return stories;
}

/* A held delete is in the outbox as undoable until it is sent or kept. */
gboolean
ts_backlog_store_keep_held (TsBacklogStore *self,
                            gint64          story_id)
{
  return ts_store_offline_hold (self->offline, self->project_id, story_id);
}

void
ts_backlog_store_release_held (TsBacklogStore *self,
                               gint64          story_id)
{
  ts_store_offline_release (self->offline, story_id);
}

void
ts_backlog_store_emit_edit_failed (TsBacklogStore *self,
                                   gint64          story_id,
                                   const GError   *error)
{
  g_signal_emit (self, signals[SIGNAL_EDIT_FAILED], 0, story_id, error);
}

void
ts_backlog_store_emit_conflict (TsBacklogStore        *self,
                                const TsStoryConflict *conflict)
{
  g_signal_emit (self, signals[SIGNAL_CONFLICT], 0, conflict);
}
