/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-members"

#include "ts-project-members.h"

/*
 * TsProjectMembers: who belongs to one project, by user id, kept current
 * without any event for membership (doc/api.md has none): the list is read
 * again after every (re)subscription, and whenever a user id the list does
 * not know shows up (an owner, a requester, the actor of a change, someone
 * present). An id still unknown after a reload (a removed member) does not
 * ask again until the next reload for another reason, so that a story
 * owned by a former member cannot make the store poll.
 *
 * "changed" is emitted after each read that changed the list, "loaded"
 * after each answered read once no other is wanted (whoever waits on the
 * members, the notifier, goes on then).
 */

struct _TsProjectMembers
{
  GObject parent_instance;

  TsApiClient *api;
  gint64 project_id;
  GCancellable *cancellable;
  GHashTable *users;        /* gint64 id → TsUser */
  GHashTable *unknown;      /* ids asked about, not found by the last read */
  gboolean loading;
  gboolean again;           /* another read is wanted once this one ends */
  guint n_loads;            /* reads finished, for tests */
};

G_DEFINE_FINAL_TYPE (TsProjectMembers, ts_project_members, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
ts_project_members_dispose (GObject *object)
{
  TsProjectMembers *self = TS_PROJECT_MEMBERS (object);

  ts_project_members_cancel (self);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (ts_project_members_parent_class)->dispose (object);
}

static void
ts_project_members_finalize (GObject *object)
{
  TsProjectMembers *self = TS_PROJECT_MEMBERS (object);

  g_hash_table_unref (self->users);
  g_hash_table_unref (self->unknown);

  G_OBJECT_CLASS (ts_project_members_parent_class)->finalize (object);
}

static void
ts_project_members_class_init (TsProjectMembersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_project_members_dispose;
  object_class->finalize = ts_project_members_finalize;

  /**
   * TsProjectMembers::changed:
   *
   * The members were read again and are not what they were.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * TsProjectMembers::loaded:
   *
   * A read was answered (or failed) and no other is on its way.
   */
  signals[SIGNAL_LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ts_project_members_init (TsProjectMembers *self)
{
  self->users = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->unknown = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

TsProjectMembers *
ts_project_members_new (TsApiClient *api,
                        gint64       project_id)
{
  TsProjectMembers *self;

  g_return_val_if_fail (api == NULL || TS_IS_API_CLIENT (api), NULL);

  self = g_object_new (TS_TYPE_PROJECT_MEMBERS, NULL);
  self->api = api != NULL ? g_object_ref (api) : NULL;
  self->project_id = project_id;
  self->cancellable = g_cancellable_new ();
  return self;
}

static gboolean
same_users (GHashTable *users,
            GPtrArray  *list)
{
  if (g_hash_table_size (users) != list->len)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      TsUser *user = g_ptr_array_index (list, i);
      gint64 id = ts_user_get_id (user);
      TsUser *old = g_hash_table_lookup (users, &id);

      if (old == NULL || g_strcmp0 (ts_user_get_name (old), ts_user_get_name (user)) != 0 ||
          g_strcmp0 (ts_user_get_email (old), ts_user_get_email (user)) != 0)
        return FALSE;
    }
  return TRUE;
}

/**
 * ts_project_members_set:
 * @list: (element-type TsUser): the members, as last known (the local copy)
 *
 * Replaces the members without reading them; `changed` if they differ.
 */
void
ts_project_members_set (TsProjectMembers *self,
                        GPtrArray        *list)
{
  g_return_if_fail (TS_IS_PROJECT_MEMBERS (self));
  g_return_if_fail (list != NULL);

  if (same_users (self->users, list))
    return;
  g_hash_table_remove_all (self->users);
  for (guint i = 0; i < list->len; i++)
    {
      TsUser *user = g_ptr_array_index (list, i);
      gint64 id = ts_user_get_id (user);

      g_hash_table_replace (self->users, g_memdup2 (&id, sizeof id), g_object_ref (user));
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
members_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TsProjectMembers *self = user_data;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = ts_api_client_list_members_finish (TS_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  self->loading = FALSE;
  self->n_loads++;
  if (list == NULL)
    g_message ("Cannot read the members: %s", error->message);
  else
    ts_project_members_set (self, list);
  if (self->again)
    {
      self->again = FALSE;
      ts_project_members_reload (self);
    }
  if (!self->loading)
    g_signal_emit (self, signals[SIGNAL_LOADED], 0);
  g_object_unref (self);
}

/**
 * ts_project_members_reload:
 *
 * Reads the members again (after the one on its way, if any).
 */
void
ts_project_members_reload (TsProjectMembers *self)
{
  g_return_if_fail (TS_IS_PROJECT_MEMBERS (self));

  if (self->api == NULL || self->cancellable == NULL)
    return;
  if (self->loading)
    {
      self->again = TRUE;
      return;
    }
  self->loading = TRUE;
  g_hash_table_remove_all (self->unknown);
  ts_api_client_list_members_async (self->api, self->project_id, self->cancellable, members_cb,
                                    g_object_ref (self));
}

/**
 * ts_project_members_note:
 * @user_id: a user id seen in the project (0 or less: none)
 *
 * Reads the members again when @user_id is not one of them and was not
 * asked about since the last read.
 */
void
ts_project_members_note (TsProjectMembers *self,
                         gint64            user_id)
{
  g_return_if_fail (TS_IS_PROJECT_MEMBERS (self));

  if (user_id <= 0 || g_hash_table_contains (self->users, &user_id) ||
      g_hash_table_contains (self->unknown, &user_id))
    return;
  ts_project_members_reload (self);
  /* After reload(), which forgets the ids asked about before. */
  g_hash_table_add (self->unknown, g_memdup2 (&user_id, sizeof user_id));
}

/**
 * ts_project_members_lookup:
 *
 * Returns: (transfer none) (nullable): the member, if known
 */
TsUser *
ts_project_members_lookup (TsProjectMembers *self,
                           gint64            user_id)
{
  g_return_val_if_fail (TS_IS_PROJECT_MEMBERS (self), NULL);

  return g_hash_table_lookup (self->users, &user_id);
}

/**
 * ts_project_members_get_table:
 *
 * Returns: (transfer none): gint64 user id → TsUser, kept current
 */
GHashTable *
ts_project_members_get_table (TsProjectMembers *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_MEMBERS (self), NULL);

  return self->users;
}

/**
 * ts_project_members_is_loading:
 *
 * Returns: whether a read is on its way
 */
gboolean
ts_project_members_is_loading (TsProjectMembers *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_MEMBERS (self), FALSE);

  return self->loading;
}

/* How many reads have been answered (for tests). */
guint
ts_project_members_get_n_loads (TsProjectMembers *self)
{
  g_return_val_if_fail (TS_IS_PROJECT_MEMBERS (self), 0);

  return self->n_loads;
}

/**
 * ts_project_members_cancel:
 *
 * Stops reading (the store closed); what is known stays.
 */
void
ts_project_members_cancel (TsProjectMembers *self)
{
  g_return_if_fail (TS_IS_PROJECT_MEMBERS (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->loading = FALSE;
  self->again = FALSE;
}
