/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-notifier"

#include "ts-notifier.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-config.h"
#include "ts-story-names.h"

/*
 * TsNotifier: desktop notifications about what others do to the user's
 * stories in the projects the app watches.
 *
 * The application owns one; each project view hands it its backlog store
 * while the project is open (ts_notifier_watch()). The store's
 * `remote-change` signal says what changed and what the story was before;
 * ts_notifier_decide() (pure, like the rest of the first half of this file)
 * says which notification that is, if any, and the notifier sends it with a
 * stable id per story and kind, so a newer one replaces the older. Opening
 * the story withdraws them (ts_notifier_withdraw_story(), called by the
 * story editor). Activating one runs `app.open-story` with the project and
 * the story.
 *
 * A person's name, and whether a comment mentions the user, need the
 * project's members: the store's (TsProjectMembers), which it reads when
 * the project opens, after every re-subscription and when someone unknown
 * acts (a member added since); changes wait, in order, while it reads.
 */

/* The longest piece of a comment a notification quotes, in characters. */
#define EXCERPT_MAX_CHARS 160

/* Decisions */

static TsUser *
find_member (GPtrArray *members,
             gint64     user_id)
{
  for (guint i = 0; members != NULL && i < members->len; i++)
    if (ts_user_get_id (g_ptr_array_index (members, i)) == user_id)
      return g_ptr_array_index (members, i);
  return NULL;
}

/* Comparable text: composed, then case-folded ("ADA" and "Ada" are the
 * same name, and so are the two spellings of "Zoë"). */
static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return normal != NULL ? g_utf8_casefold (normal, -1) : g_strdup ("");
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c) || c == '_';
}

/* Characters that join words into one address or handle: "ada.org",
 * "ada-marie", "ada@example.org", "ada+backlog". */
static gboolean
is_joiner (gunichar c)
{
  return c == '.' || c == '-' || c == '@' || c == '+';
}

/* An "@" starts a mention at the start of the text or after a space or
 * punctuation, not inside a word or an address ("email@ada.org"). */
static gboolean
starts_mention (const char *text,
                const char *at)
{
  gunichar before;

  if (at == text)
    return TRUE;
  before = g_utf8_get_char (g_utf8_prev_char (at));
  return !is_word_char (before) && !is_joiner (before);
}

/* A name ends a mention where the word ends: "@ada," and "@ada." are Ada,
 * "@adam", "@ada_b", "@ada.org" and "@ada-marie" are not. */
static gboolean
ends_mention (const char *end)
{
  gunichar c = g_utf8_get_char (end);

  if (c == 0)
    return TRUE;
  if (is_word_char (c))
    return FALSE;
  if (is_joiner (c))
    return !is_word_char (g_utf8_get_char (g_utf8_next_char (end)));
  return TRUE;
}

typedef struct {
  char *text;
  gsize length;
  gint64 user_id;
} Candidate;

static void
candidate_clear (gpointer data)
{
  Candidate *candidate = data;

  g_free (candidate->text);
}

static void
add_candidate (GArray     *candidates,
               const char *text,
               gint64      user_id)
{
  Candidate candidate;

  if (text == NULL || *text == '\0')
    return;
  candidate.text = fold (text);
  candidate.length = strlen (candidate.text);
  candidate.user_id = user_id;
  g_array_append_val (candidates, candidate);
}

/**
 * ts_notifier_text_mentions:
 * @text: a comment
 * @user_id: the user
 * @members: (element-type TsUser) (nullable): the project's members
 *
 * Whether @text mentions the user: an "@" that starts a word, followed by a
 * member's name or email (in any case) that ends there. Where several
 * members' names fit, the longest is meant: "@Ada Lovelace" is Ada
 * Lovelace, not a member called Ada. Two members of the same name are both
 * mentioned.
 *
 * Returns: %TRUE when @text mentions the user
 */
gboolean
ts_notifier_text_mentions (const char *text,
                           gint64      user_id,
                           GPtrArray  *members)
{
  g_autoptr(GArray) candidates = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (text != NULL, FALSE);

  if (members == NULL || find_member (members, user_id) == NULL || strchr (text, '@') == NULL)
    return FALSE;

  candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_array_set_clear_func (candidates, candidate_clear);
  for (guint i = 0; i < members->len; i++)
    {
      TsUser *member = g_ptr_array_index (members, i);

      add_candidate (candidates, ts_user_get_name (member), ts_user_get_id (member));
      add_candidate (candidates, ts_user_get_email (member), ts_user_get_id (member));
    }

  folded = fold (text);
  for (const char *at = strchr (folded, '@'); at != NULL; at = strchr (at + 1, '@'))
    {
      gsize longest = 0;
      gboolean mine = FALSE;

      if (!starts_mention (folded, at))
        continue;
      for (guint i = 0; i < candidates->len; i++)
        {
          const Candidate *candidate = &g_array_index (candidates, Candidate, i);

          if (candidate->length < longest ||
              strncmp (at + 1, candidate->text, candidate->length) != 0 ||
              !ends_mention (at + 1 + candidate->length))
            continue;
          if (candidate->length > longest)
            {
              longest = candidate->length;
              mine = FALSE;
            }
          if (candidate->user_id == user_id)
            mine = TRUE;
        }
      if (mine)
        return TRUE;
    }
  return FALSE;
}

/**
 * ts_notifier_decide:
 * @change: a change to the project
 * @previous: (nullable): the story before @change, for a story change
 * @user_id: the signed-in user
 * @members: (element-type TsUser) (nullable): the project's members
 * @enabled: the kinds turned on
 *
 * Which notification @change is for the user. Nobody is told about what
 * they did themselves, from this window, another or another computer: the
 * change's actor decides, not where it came from. A change that is several
 * kinds at once is the first of these that is turned on: a rejection of
 * the user's story, a delivery of a story the user requested, a change of
 * state of the user's story. So an owner who turned off rejections but
 * not changes of state still hears of the rejection, as a change of state.
 *
 * Returns: one kind, or %TS_NOTIFICATION_NONE
 */
TsNotificationKind
ts_notifier_decide (TsChange           *change,
                    TsStory            *previous,
                    gint64              user_id,
                    GPtrArray          *members,
                    TsNotificationKind  enabled)
{
  TsStory *story;
  TsStoryState state;
  gboolean owner;

  g_return_val_if_fail (change != NULL, TS_NOTIFICATION_NONE);
  g_return_val_if_fail (previous == NULL || TS_IS_STORY (previous), TS_NOTIFICATION_NONE);

  if (user_id <= 0 || change->actor_id == user_id || change->thin)
    return TS_NOTIFICATION_NONE;

  switch (change->kind)
    {
    case TS_EVENT_COMMENTS_CREATE:
      if ((enabled & TS_NOTIFICATION_MENTIONED) != 0 && change->comment != NULL &&
          ts_comment_get_author_id (change->comment) != user_id &&
          ts_notifier_text_mentions (ts_comment_get_text (change->comment), user_id, members))
        return TS_NOTIFICATION_MENTIONED;
      return TS_NOTIFICATION_NONE;
    case TS_EVENT_STORIES_UPDATE:
    case TS_EVENT_STORIES_MOVE:
      break;
    case TS_EVENT_STORIES_CREATE:
    case TS_EVENT_STORIES_DESTROY:
    case TS_EVENT_PROJECTS_UPDATE:
    case TS_EVENT_PROJECTS_DESTROY:
    case TS_EVENT_ITERATIONS_UPDATE:
    case TS_EVENT_COMMENTS_DESTROY:
    default:
      return TS_NOTIFICATION_NONE;
    }

  story = change->story;
  if (story == NULL || previous == NULL ||
      ts_story_get_state (previous) == ts_story_get_state (story))
    return TS_NOTIFICATION_NONE;

  state = ts_story_get_state (story);
  owner = ts_story_has_owner (story, user_id);
  if (state == TS_STORY_STATE_REJECTED && owner && (enabled & TS_NOTIFICATION_REJECTED) != 0)
    return TS_NOTIFICATION_REJECTED;
  if (state == TS_STORY_STATE_DELIVERED && ts_story_get_requester_id (story) == user_id &&
      (enabled & TS_NOTIFICATION_DELIVERED) != 0)
    return TS_NOTIFICATION_DELIVERED;
  if (owner && (enabled & TS_NOTIFICATION_STATE_CHANGED) != 0)
    return TS_NOTIFICATION_STATE_CHANGED;
  return TS_NOTIFICATION_NONE;
}

static const char *
kind_nick (TsNotificationKind kind)
{
  switch (kind)
    {
    case TS_NOTIFICATION_DELIVERED: return "delivered";
    case TS_NOTIFICATION_REJECTED: return "rejected";
    case TS_NOTIFICATION_MENTIONED: return "mentioned";
    case TS_NOTIFICATION_STATE_CHANGED: return "state-changed";
    case TS_NOTIFICATION_NONE:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * ts_notifier_dup_id:
 *
 * Returns: the notification id of @kind about a story: the same for each
 *   notification of that kind about it, so that a newer one replaces the
 *   older
 */
char *
ts_notifier_dup_id (TsNotificationKind kind,
                    gint64             project_id,
                    gint64             story_id)
{
  g_return_val_if_fail (kind_nick (kind) != NULL, NULL);

  return g_strdup_printf ("story-%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "-%s",
                          project_id, story_id, kind_nick (kind));
}

/**
 * ts_notifier_kind_get_settings_key:
 *
 * Returns: the GSettings key that turns @kind on or off
 */
const char *
ts_notifier_kind_get_settings_key (TsNotificationKind kind)
{
  switch (kind)
    {
    case TS_NOTIFICATION_DELIVERED: return "notify-delivered";
    case TS_NOTIFICATION_REJECTED: return "notify-rejected";
    case TS_NOTIFICATION_MENTIONED: return "notify-mentions";
    case TS_NOTIFICATION_STATE_CHANGED: return "notify-state-changes";
    case TS_NOTIFICATION_NONE:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* A comment on one line (its white space runs made single spaces), cut
 * with an ellipsis after EXCERPT_MAX_CHARS. */
static char *
excerpt (const char *text)
{
  GString *line = g_string_new (NULL);
  gboolean space = FALSE;
  guint length = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = line->len > 0;
          continue;
        }
      if (length + (space ? 1 : 0) >= EXCERPT_MAX_CHARS)
        {
          g_string_append (line, "…");
          break;
        }
      if (space)
        {
          g_string_append_c (line, ' ');
          length++;
          space = FALSE;
        }
      g_string_append_unichar (line, c);
      length++;
    }
  return g_string_free (line, FALSE);
}

/**
 * ts_notifier_describe:
 * @kind: what happened
 * @change: the change
 * @story_title: the story's title
 * @actor_name: (nullable): who made the change, if known
 * @title: (out): the notification's title
 * @body: (out): its body
 *
 * The words of a notification: a title in header capitals that says what
 * happened, and a sentence that says who did it to which story.
 */
void
ts_notifier_describe (TsNotificationKind   kind,
                      TsChange            *change,
                      const char          *story_title,
                      const char          *actor_name,
                      char               **title,
                      char               **body)
{
  const char *who = actor_name != NULL && *actor_name != '\0' ? actor_name : _("Someone");

  g_return_if_fail (change != NULL);
  g_return_if_fail (story_title != NULL);
  g_return_if_fail (title != NULL && body != NULL);

  switch (kind)
    {
    case TS_NOTIFICATION_DELIVERED:
      *title = g_strdup (_("Story Delivered"));
      /* Translators: a notification; the first %s is a person, the second a
       * story's title. */
      *body = g_strdup_printf (_("%s delivered “%s”"), who, story_title);
      break;
    case TS_NOTIFICATION_REJECTED:
      *title = g_strdup (_("Story Rejected"));
      /* Translators: a notification; the first %s is a person, the second a
       * story's title. */
      *body = g_strdup_printf (_("%s rejected “%s”"), who, story_title);
      break;
    case TS_NOTIFICATION_MENTIONED:
      {
        g_autofree char *quote = excerpt (change->comment != NULL
                                          ? ts_comment_get_text (change->comment) : "");

        *title = g_strdup (_("You Were Mentioned"));
        /* Translators: a notification of a comment that mentions you: the
         * person who wrote it, the story's title, then the comment. */
        *body = g_strdup_printf (_("%s on “%s”: %s"), who, story_title, quote);
      }
      break;
    case TS_NOTIFICATION_STATE_CHANGED:
      *title = g_strdup (_("Story State Changed"));
      /* Translators: a notification; a person, a story's title, then the
       * story's new state (“Started”, “Finished”…). */
      *body = g_strdup_printf (_("%s marked “%s” as %s"), who, story_title,
                               change->story != NULL
                               ? ts_story_state_display_name (ts_story_get_state (change->story)) : "");
      break;
    case TS_NOTIFICATION_NONE:
    default:
      *title = NULL;
      *body = NULL;
      g_return_if_reached ();
    }
}

/* The notifier */

typedef struct {
  TsChange *change;
  TsStory *previous;
} Arrival;

static void
arrival_free (Arrival *arrival)
{
  ts_change_unref (arrival->change);
  g_clear_object (&arrival->previous);
  g_free (arrival);
}

/* One store watched. The members are the store's (it reads them again
 * when someone it does not know appears); changes wait, in order, while it
 * reads them. */
typedef struct {
  TsNotifier *notifier;       /* not owned: it owns the watch */
  TsBacklogStore *store;
  gint64 user_id;
  gulong handler;
  gulong loaded_handler;
  GQueue arrivals;            /* Arrival, in order, while the members are read */
} Watch;

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_clear_signal_handler (&watch->handler, watch->store);
  g_clear_signal_handler (&watch->loaded_handler, ts_backlog_store_get_members (watch->store));
  g_clear_object (&watch->store);
  g_queue_clear_full (&watch->arrivals, (GDestroyNotify) arrival_free);
  g_free (watch);
}

struct _TsNotifier
{
  GObject parent_instance;

  GApplication *application;  /* not owned: it owns the notifier */
  GSettings *settings;
  GPtrArray *watches;         /* Watch */
};

G_DEFINE_FINAL_TYPE (TsNotifier, ts_notifier, G_TYPE_OBJECT)

/* Without a session bus nothing can show a notification, and GLib's
 * fallback backend would call D-Bus on no connection at all. */
static gboolean
can_notify (GApplication *application)
{
  return application != NULL && g_application_get_is_registered (application) &&
         !g_application_get_is_remote (application) &&
         g_application_get_dbus_connection (application) != NULL;
}

static TsNotificationKind
enabled_kinds (TsNotifier *self)
{
  static const TsNotificationKind kinds[] = {
    TS_NOTIFICATION_DELIVERED, TS_NOTIFICATION_REJECTED,
    TS_NOTIFICATION_MENTIONED, TS_NOTIFICATION_STATE_CHANGED,
  };
  TsNotificationKind enabled = TS_NOTIFICATION_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_settings_get_boolean (self->settings, ts_notifier_kind_get_settings_key (kinds[i])))
      enabled |= kinds[i];
  return enabled;
}

/* The store's members, as ts_notifier_decide() takes them. */
static GPtrArray *
store_members (TsBacklogStore *store)
{
  GHashTable *table = ts_project_members_get_table (ts_backlog_store_get_members (store));
  GPtrArray *members = g_ptr_array_new_full (g_hash_table_size (table), g_object_unref);
  GHashTableIter iter;
  gpointer user;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &user))
    g_ptr_array_add (members, g_object_ref (user));
  return members;
}

static void
notify_change (Watch    *watch,
               TsChange *change,
               TsStory  *previous)
{
  TsNotifier *self = watch->notifier;
  gint64 project_id = ts_backlog_store_get_project_id (watch->store);
  TsStory *story = change->story;
  TsUser *actor;
  TsNotificationKind kind;
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) members = store_members (watch->store);

  kind = ts_notifier_decide (change, previous, watch->user_id, members, enabled_kinds (self));
  if (kind == TS_NOTIFICATION_NONE)
    return;

  /* A comment's event names its story only by id. */
  if (change->comment != NULL)
    story = ts_backlog_store_lookup (watch->store, ts_comment_get_story_id (change->comment));
  if (story == NULL || ts_story_get_id (story) <= 0)
    return;

  actor = find_member (members, change->actor_id);
  ts_notifier_describe (kind, change, ts_story_get_title (story),
                        actor != NULL ? ts_user_get_name (actor) : NULL, &title, &body);
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.open-story", "(xx)",
                                                 project_id, ts_story_get_id (story));
  id = ts_notifier_dup_id (kind, project_id, ts_story_get_id (story));

  if (!can_notify (self->application))
    {
      g_debug ("No session bus to show “%s”: %s", title, body);
      return;
    }
  g_application_send_notification (self->application, id, notification);
}

/* The store has read the members: what waited is told, in order. */
static void
members_loaded_cb (TsProjectMembers *members,
                   Watch            *watch)
{
  Arrival *arrival;

  while ((arrival = g_queue_pop_head (&watch->arrivals)) != NULL)
    {
      notify_change (watch, arrival->change, arrival->previous);
      arrival_free (arrival);
    }
}

/* Most changes are nobody's business: what can be refused without the
 * members or the settings is refused at once. */
static gboolean
may_concern (TsChange *change,
             TsStory  *previous,
             gint64    user_id)
{
  if (user_id <= 0 || change->actor_id == user_id || change->thin)
    return FALSE;
  switch (change->kind)
    {
    case TS_EVENT_COMMENTS_CREATE:
      return change->comment != NULL && strchr (ts_comment_get_text (change->comment), '@') != NULL;
    case TS_EVENT_STORIES_UPDATE:
    case TS_EVENT_STORIES_MOVE:
      return change->story != NULL && previous != NULL &&
             ts_story_get_state (previous) != ts_story_get_state (change->story) &&
             (ts_story_has_owner (change->story, user_id) ||
              ts_story_get_requester_id (change->story) == user_id);
    case TS_EVENT_STORIES_CREATE:
    case TS_EVENT_STORIES_DESTROY:
    case TS_EVENT_PROJECTS_UPDATE:
    case TS_EVENT_PROJECTS_DESTROY:
    case TS_EVENT_ITERATIONS_UPDATE:
    case TS_EVENT_COMMENTS_DESTROY:
    default:
      return FALSE;
    }
}

static void
remote_change_cb (TsBacklogStore *store,
                  TsChange       *change,
                  TsStory        *previous,
                  gpointer        user_data)
{
  Watch *watch = user_data;
  Arrival *arrival;

  if (!may_concern (change, previous, watch->user_id))
    return;

  /* The store has seen the change's people by now and is reading the
   * members again if someone was new (a member added since). */
  if (g_queue_is_empty (&watch->arrivals) &&
      !ts_project_members_is_loading (ts_backlog_store_get_members (store)))
    {
      notify_change (watch, change, previous);
      return;
    }

  arrival = g_new0 (Arrival, 1);
  arrival->change = ts_change_ref (change);
  arrival->previous = previous != NULL ? g_object_ref (previous) : NULL;
  g_queue_push_tail (&watch->arrivals, arrival);
}

static void
ts_notifier_dispose (GObject *object)
{
  TsNotifier *self = TS_NOTIFIER (object);

  if (self->watches != NULL)
    g_ptr_array_set_size (self->watches, 0);

  G_OBJECT_CLASS (ts_notifier_parent_class)->dispose (object);
}

static void
ts_notifier_finalize (GObject *object)
{
  TsNotifier *self = TS_NOTIFIER (object);

  g_clear_pointer (&self->watches, g_ptr_array_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ts_notifier_parent_class)->finalize (object);
}

static void
ts_notifier_class_init (TsNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_notifier_dispose;
  object_class->finalize = ts_notifier_finalize;
}

static void
ts_notifier_init (TsNotifier *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  self->watches = g_ptr_array_new_with_free_func (watch_free);
}

/**
 * ts_notifier_new:
 * @application: the application that sends the notifications and has the
 *   `app.open-story` action; it owns the notifier
 */
TsNotifier *
ts_notifier_new (GApplication *application)
{
  TsNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);

  self = g_object_new (TS_TYPE_NOTIFIER, NULL);
  self->application = application;
  return self;
}

/**
 * ts_notifier_watch:
 * @store: an open project's store
 * @user_id: the signed-in user
 *
 * Notifies the user of what others do in @store's project, until
 * ts_notifier_unwatch().
 */
void
ts_notifier_watch (TsNotifier     *self,
                   TsBacklogStore *store,
                   gint64          user_id)
{
  Watch *watch;

  g_return_if_fail (TS_IS_NOTIFIER (self));
  g_return_if_fail (TS_IS_BACKLOG_STORE (store));

  ts_notifier_unwatch (self, store);

  watch = g_new0 (Watch, 1);
  watch->notifier = self;
  watch->store = g_object_ref (store);
  watch->user_id = user_id;
  g_queue_init (&watch->arrivals);
  watch->handler = g_signal_connect (store, "remote-change", G_CALLBACK (remote_change_cb), watch);
  watch->loaded_handler = g_signal_connect (ts_backlog_store_get_members (store), "loaded",
                                            G_CALLBACK (members_loaded_cb), watch);
  g_ptr_array_add (self->watches, watch);
}

/**
 * ts_notifier_unwatch:
 *
 * Stops notifying about @store's project (it is closed, or another one is
 * shown). Notifications already sent stay.
 */
void
ts_notifier_unwatch (TsNotifier     *self,
                     TsBacklogStore *store)
{
  g_return_if_fail (TS_IS_NOTIFIER (self));
  g_return_if_fail (TS_IS_BACKLOG_STORE (store));

  for (guint i = 0; i < self->watches->len; i++)
    if (((Watch *) g_ptr_array_index (self->watches, i))->store == store)
      {
        g_ptr_array_remove_index_fast (self->watches, i);
        return;
      }
}

/**
 * ts_notifier_withdraw_story:
 * @application: (nullable): the application
 *
 * Withdraws every notification about the story: it is open now. The ids
 * are stable, so this also reaches what an earlier run of the app sent,
 * where the desktop kept it.
 */
void
ts_notifier_withdraw_story (GApplication *application,
                            gint64        project_id,
                            gint64        story_id)
{
  static const TsNotificationKind kinds[] = {
    TS_NOTIFICATION_DELIVERED, TS_NOTIFICATION_REJECTED,
    TS_NOTIFICATION_MENTIONED, TS_NOTIFICATION_STATE_CHANGED,
  };

  g_return_if_fail (application == NULL || G_IS_APPLICATION (application));

  if (!can_notify (application))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *id = ts_notifier_dup_id (kinds[i], project_id, story_id);

      g_application_withdraw_notification (application, id);
    }
}
