/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Which notification a change is (TsNotifier's decisions), without a
 * display or an application: the four kinds, changes the user made
 * themselves, what is turned off, mentions by name and by email in any
 * case and only as whole words, the ids, the settings keys (against the
 * built schema) and the words. */

#include <locale.h>
#include <string.h>

#include "ts-config.h"
#include "ts-notifier.h"

enum {
  ADA = 1,
  BOB = 2,
  LOVELACE = 3,
  ZOE = 4,
  STRANGER = 99,
};

static GPtrArray *members;

static TsStory *
make_story (TsStoryState state,
            gint64       owner_id,
            gint64       requester_id)
{
  TsStory *story = ts_story_new ();

  ts_story_set_id (story, 7);
  ts_story_set_project_id (story, 3);
  ts_story_set_title (story, "Heat shield");
  ts_story_set_estimate (story, 3);
  ts_story_set_state (story, state);
  if (owner_id != 0)
    ts_story_set_owner_ids (story, &owner_id, 1);
  ts_story_set_requester_id (story, requester_id);
  return story;
}

static TsChange *
story_change (TsEventKind  kind,
              gint64       actor_id,
              TsStory     *story)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsChange *change = ts_change_new (kind, 12, actor_id, now);

  change->id = ts_story_get_id (story);
  change->story = g_object_ref (story);
  return change;
}

/* @story moved from @from to its state by @actor_id: what Ada hears. */
static TsNotificationKind
decide_state_change (TsStoryState        from,
                     TsStory            *story,
                     gint64              actor_id,
                     TsNotificationKind  enabled)
{
  g_autoptr(TsStory) previous = ts_story_copy (story);
  g_autoptr(TsChange) change = story_change (TS_EVENT_STORIES_UPDATE, actor_id, story);

  ts_story_set_state (previous, from);
  return ts_notifier_decide (change, previous, ADA, members, enabled);
}

static TsChange *
comment_change (gint64      actor_id,
                const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsChange *change = ts_change_new (TS_EVENT_COMMENTS_CREATE, 13, actor_id, now);

  change->comment = ts_comment_new ();
  ts_comment_set_id (change->comment, 40);
  ts_comment_set_story_id (change->comment, 7);
  ts_comment_set_author_id (change->comment, actor_id);
  ts_comment_set_text (change->comment, text);
  change->id = 40;
  change->story_id = 7;
  return change;
}

static void
test_delivered (void)
{
  g_autoptr(TsStory) requested = make_story (TS_STORY_STATE_DELIVERED, BOB, ADA);
  g_autoptr(TsStory) requested_and_owned = make_story (TS_STORY_STATE_DELIVERED, ADA, ADA);
  g_autoptr(TsStory) someone_elses = make_story (TS_STORY_STATE_DELIVERED, BOB, BOB);

  g_assert_cmpint (decide_state_change (TS_STORY_STATE_FINISHED, requested, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_DELIVERED);
  /* Ada delivered it herself (from another window, or another computer). */
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_FINISHED, requested, ADA, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* Turned off, and Ada does not own it: nothing. */
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_FINISHED, requested, BOB,
                                        TS_NOTIFICATION_ALL & ~TS_NOTIFICATION_DELIVERED),
                   ==, TS_NOTIFICATION_NONE);
  /* Requested and owned: a delivery first, else still a change of state. */
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_FINISHED, requested_and_owned, BOB,
                                        TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_DELIVERED);
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_FINISHED, requested_and_owned, BOB,
                                        TS_NOTIFICATION_ALL & ~TS_NOTIFICATION_DELIVERED),
                   ==, TS_NOTIFICATION_STATE_CHANGED);
  /* Nothing of Ada's. */
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_FINISHED, someone_elses, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* Already delivered: another field changed. */
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_DELIVERED, requested, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* Un-accepting goes back to delivered: that is a delivery again. */
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_ACCEPTED, requested, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_DELIVERED);
}

static void
test_rejected (void)
{
  g_autoptr(TsStory) owned = make_story (TS_STORY_STATE_REJECTED, ADA, BOB);
  g_autoptr(TsStory) requested = make_story (TS_STORY_STATE_REJECTED, BOB, ADA);

  g_assert_cmpint (decide_state_change (TS_STORY_STATE_DELIVERED, owned, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_REJECTED);
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_DELIVERED, owned, ADA, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* Rejections off, changes of state on: the owner still hears of it. */
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_DELIVERED, owned, BOB,
                                        TS_NOTIFICATION_ALL & ~TS_NOTIFICATION_REJECTED),
                   ==, TS_NOTIFICATION_STATE_CHANGED);
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_DELIVERED, owned, BOB,
                                        TS_NOTIFICATION_MENTIONED | TS_NOTIFICATION_DELIVERED),
                   ==, TS_NOTIFICATION_NONE);
  /* A requester is not told of a rejection (usually their own). */
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_DELIVERED, requested, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
}

static void
test_state_changed (void)
{
  g_autoptr(TsStory) owned = make_story (TS_STORY_STATE_FINISHED, ADA, BOB);
  g_autoptr(TsStory) shared = make_story (TS_STORY_STATE_FINISHED, BOB, BOB);
  g_autoptr(TsStory) previous = make_story (TS_STORY_STATE_STARTED, ADA, BOB);
  g_autoptr(TsChange) move = story_change (TS_EVENT_STORIES_MOVE, BOB, owned);
  g_autoptr(TsChange) create = story_change (TS_EVENT_STORIES_CREATE, BOB, owned);
  gint64 owners[] = { BOB, ADA };

  g_assert_cmpint (decide_state_change (TS_STORY_STATE_STARTED, owned, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_STATE_CHANGED);
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_STARTED, owned, ADA, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_STARTED, owned, BOB,
                                        TS_NOTIFICATION_ALL & ~TS_NOTIFICATION_STATE_CHANGED),
                   ==, TS_NOTIFICATION_NONE);
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_STARTED, shared, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* One owner among several. */
  ts_story_set_owner_ids (shared, owners, G_N_ELEMENTS (owners));
  g_assert_cmpint (decide_state_change (TS_STORY_STATE_STARTED, shared, BOB, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_STATE_CHANGED);
  /* Out of the Icebox by a move that carries the state. */
  ts_story_set_state (previous, TS_STORY_STATE_UNSCHEDULED);
  ts_story_set_state (owned, TS_STORY_STATE_UNSTARTED);
  g_assert_cmpint (ts_notifier_decide (move, previous, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_STATE_CHANGED);
  /* A move within a state is no change of state. */
  ts_story_set_state (previous, TS_STORY_STATE_UNSTARTED);
  g_assert_cmpint (ts_notifier_decide (move, previous, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* Without the story as it was, or for a new story, nothing changed state. */
  g_assert_cmpint (ts_notifier_decide (move, NULL, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  g_assert_cmpint (ts_notifier_decide (create, NULL, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
}

static void
test_other_changes (void)
{
  g_autoptr(TsStory) owned = make_story (TS_STORY_STATE_DELIVERED, ADA, ADA);
  g_autoptr(TsStory) previous = make_story (TS_STORY_STATE_FINISHED, ADA, ADA);
  g_autoptr(TsChange) update = story_change (TS_EVENT_STORIES_UPDATE, BOB, owned);
  g_autoptr(TsChange) thin = ts_change_new_thin (update);
  g_autoptr(TsChange) destroy = NULL;
  g_autoptr(TsChange) uncomment = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  /* A thin event carries nothing to judge; its full form comes later. */
  g_assert_cmpint (ts_notifier_decide (thin, previous, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  destroy = ts_change_new (TS_EVENT_STORIES_DESTROY, 14, BOB, now);
  destroy->id = destroy->story_id = 7;
  g_assert_cmpint (ts_notifier_decide (destroy, previous, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  uncomment = ts_change_new (TS_EVENT_COMMENTS_DESTROY, 15, BOB, now);
  uncomment->id = 40;
  uncomment->story_id = 7;
  g_assert_cmpint (ts_notifier_decide (uncomment, NULL, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* Nobody signed in. */
  g_assert_cmpint (ts_notifier_decide (update, previous, 0, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* An actor who is not (or no longer) a member still counts as someone else. */
  update->actor_id = STRANGER;
  g_assert_cmpint (ts_notifier_decide (update, previous, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_DELIVERED);
}

static void
test_mentions (void)
{
  const struct {
    const char *text;
    gboolean ada;
  } cases[] = {
    { "@Ada can you look?", TRUE },
    { "Thanks @ada, see this", TRUE },
    { "ping @ADA", TRUE },
    { "(@ada)", TRUE },
    { "Ask @ada.", TRUE },
    { "@ada's call", TRUE },
    { "@bob and @ada", TRUE },
    { "line one\n@ada", TRUE },
    { "@ada@example.org please", TRUE },
    { "@ADA@Example.ORG", TRUE },
    { "cc:@ada", TRUE },
    /* Not at a word's start, or not a whole name. */
    { "mail email@ada.org", FALSE },
    { "hey@ada", FALSE },
    { "@adam", FALSE },
    { "@ada_b", FALSE },
    { "@ada2", FALSE },
    { "@ada.org", FALSE },
    { "@ada-marie", FALSE },
    { "@ada@example.org.uk", FALSE },
    { "@ada@example", FALSE },
    { "@ ada", FALSE },
    { "ada", FALSE },
    { "@", FALSE },
    { "", FALSE },
    /* The longest name meant: Ada Lovelace, not Ada. */
    { "@Ada Lovelace look", FALSE },
    { "@Ada Lovelace and @Ada", TRUE },
    { "@Ada Love", TRUE },
    /* Someone else's address. */
    { "@bob@example.org", FALSE },
    { "@lovelace@example.org", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (ts_notifier_text_mentions (cases[i].text, ADA, members) != cases[i].ada)
        g_error ("“%s” should %smention Ada", cases[i].text, cases[i].ada ? "" : "not ");
    }

  g_assert_true (ts_notifier_text_mentions ("@Ada Lovelace look", LOVELACE, members));
  g_assert_true (ts_notifier_text_mentions ("@bob babbage, hi", BOB, members));
  g_assert_false (ts_notifier_text_mentions ("@bob, hi", BOB, members));
  g_assert_true (ts_notifier_text_mentions ("@BOB@EXAMPLE.ORG", BOB, members));
  /* Case-folded and composed: "Zoë" typed either way, in any case. */
  g_assert_true (ts_notifier_text_mentions ("@ZOË!", ZOE, members));
  g_assert_true (ts_notifier_text_mentions ("@zoe\xcc\x88 hi", ZOE, members));
  g_assert_false (ts_notifier_text_mentions ("@zoe hi", ZOE, members));
  /* No members, or not a member: no mention can be recognised. */
  g_assert_false (ts_notifier_text_mentions ("@ada", ADA, NULL));
  g_assert_false (ts_notifier_text_mentions ("@ada", STRANGER, members));
}

static void
test_same_name (void)
{
  g_autoptr(GPtrArray) twins = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (twins, ts_user_new (ADA, "Ada", "ada@example.org"));
  g_ptr_array_add (twins, ts_user_new (BOB, "Ada", "other.ada@example.org"));
  g_assert_true (ts_notifier_text_mentions ("@ada", ADA, twins));
  g_assert_true (ts_notifier_text_mentions ("@ada", BOB, twins));
  g_assert_false (ts_notifier_text_mentions ("@other.ada@example.org", ADA, twins));
}

static void
test_mentioned (void)
{
  g_autoptr(TsChange) by_bob = comment_change (BOB, "@ada, the shield is ready");
  g_autoptr(TsChange) by_ada = comment_change (ADA, "Note to self, @ada: check");
  g_autoptr(TsChange) not_ada = comment_change (BOB, "Write to email@ada.org");

  g_assert_cmpint (ts_notifier_decide (by_bob, NULL, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_MENTIONED);
  g_assert_cmpint (ts_notifier_decide (by_bob, NULL, ADA, members,
                                       TS_NOTIFICATION_ALL & ~TS_NOTIFICATION_MENTIONED),
                   ==, TS_NOTIFICATION_NONE);
  g_assert_cmpint (ts_notifier_decide (by_bob, NULL, BOB, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  g_assert_cmpint (ts_notifier_decide (by_ada, NULL, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  g_assert_cmpint (ts_notifier_decide (not_ada, NULL, ADA, members, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
  /* The members are not known yet. */
  g_assert_cmpint (ts_notifier_decide (by_bob, NULL, ADA, NULL, TS_NOTIFICATION_ALL),
                   ==, TS_NOTIFICATION_NONE);
}

static void
test_ids (void)
{
  const TsNotificationKind kinds[] = {
    TS_NOTIFICATION_DELIVERED, TS_NOTIFICATION_REJECTED,
    TS_NOTIFICATION_MENTIONED, TS_NOTIFICATION_STATE_CHANGED,
  };
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;
  const char *schema_dir = g_getenv ("GSETTINGS_SCHEMA_DIR");

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *id = ts_notifier_dup_id (kinds[i], 3, 7);
      g_autofree char *again = ts_notifier_dup_id (kinds[i], 3, 7);
      g_autofree char *other_story = ts_notifier_dup_id (kinds[i], 3, 8);
      g_autofree char *other_project = ts_notifier_dup_id (kinds[i], 4, 7);

      /* One per story and kind: the same each time, so a newer replaces it. */
      g_assert_cmpstr (id, ==, again);
      g_assert_cmpstr (id, !=, other_story);
      g_assert_cmpstr (id, !=, other_project);
      g_assert_true (g_hash_table_add (ids, g_steal_pointer (&id)));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, G_N_ELEMENTS (kinds));

  /* Every kind has its key in the schema, on by default. */
  g_assert_nonnull (schema_dir);
  source = g_settings_schema_source_new_from_directory (schema_dir, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, APPLICATION_ID, FALSE);
  g_assert_nonnull (schema);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const char *name = ts_notifier_kind_get_settings_key (kinds[i]);
      g_autoptr(GSettingsSchemaKey) key = NULL;
      g_autoptr(GVariant) value = NULL;

      g_assert_true (g_settings_schema_has_key (schema, name));
      key = g_settings_schema_get_key (schema, name);
      value = g_settings_schema_key_get_default_value (key);
      g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN));
      g_assert_true (g_variant_get_boolean (value));
    }
}

static void
test_describe (void)
{
  g_autoptr(TsStory) story = make_story (TS_STORY_STATE_FINISHED, ADA, ADA);
  g_autoptr(TsChange) update = story_change (TS_EVENT_STORIES_UPDATE, BOB, story);
  g_autoptr(TsChange) comment = comment_change (BOB, "  @ada,\n\n  the shield\tis ready.  ");
  g_autoptr(GString) long_text = g_string_new ("@ada ");
  g_autoptr(TsChange) long_comment = NULL;
  struct {
    TsNotificationKind kind;
    TsChange *change;
    const char *actor;
    const char *title;
    const char *body;
  } cases[] = {
    { TS_NOTIFICATION_DELIVERED, update, "Bob Babbage", "Story Delivered",
      "Bob Babbage delivered “Heat shield”" },
    { TS_NOTIFICATION_REJECTED, update, "Bob Babbage", "Story Rejected",
      "Bob Babbage rejected “Heat shield”" },
    { TS_NOTIFICATION_STATE_CHANGED, update, "Bob Babbage", "Story State Changed",
      "Bob Babbage marked “Heat shield” as Finished" },
    { TS_NOTIFICATION_MENTIONED, comment, "Bob Babbage", "You Were Mentioned",
      "Bob Babbage on “Heat shield”: @ada, the shield is ready." },
    { TS_NOTIFICATION_DELIVERED, update, NULL, "Story Delivered",
      "Someone delivered “Heat shield”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;

      ts_notifier_describe (cases[i].kind, cases[i].change, "Heat shield", cases[i].actor,
                            &title, &body);
      g_assert_cmpstr (title, ==, cases[i].title);
      g_assert_cmpstr (body, ==, cases[i].body);
    }

  /* A long comment is cut, with an ellipsis. */
  for (guint i = 0; i < 100; i++)
    g_string_append (long_text, "word ");
  long_comment = comment_change (BOB, long_text->str);
  {
    g_autofree char *title = NULL;
    g_autofree char *body = NULL;
    const char *quote;

    ts_notifier_describe (TS_NOTIFICATION_MENTIONED, long_comment, "Heat shield", "Bob Babbage",
                          &title, &body);
    quote = body + strlen ("Bob Babbage on “Heat shield”: ");
    g_assert_true (g_str_has_suffix (body, "…"));
    g_assert_false (g_str_has_suffix (body, " …"));
    g_assert_cmpint (g_utf8_strlen (quote, -1), <=, 160 + 1);
    g_assert_cmpint (g_utf8_strlen (quote, -1), >=, 150);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  members = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (members, ts_user_new (ADA, "Ada", "ada@example.org"));
  g_ptr_array_add (members, ts_user_new (BOB, "Bob Babbage", "bob@example.org"));
  g_ptr_array_add (members, ts_user_new (LOVELACE, "Ada Lovelace", "lovelace@example.org"));
  g_ptr_array_add (members, ts_user_new (ZOE, "Zoë", "zoe@example.org"));

  g_test_add_func ("/notifier/delivered", test_delivered);
  g_test_add_func ("/notifier/rejected", test_rejected);
  g_test_add_func ("/notifier/state-changed", test_state_changed);
  g_test_add_func ("/notifier/other-changes", test_other_changes);
  g_test_add_func ("/notifier/mentions", test_mentions);
  g_test_add_func ("/notifier/same-name", test_same_name);
  g_test_add_func ("/notifier/mentioned", test_mentioned);
  g_test_add_func ("/notifier/ids", test_ids);
  g_test_add_func ("/notifier/describe", test_describe);

  status = g_test_run ();
  g_ptr_array_unref (members);
  return status;
}
