/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The backlog's search queries (TsStoryFilter), without a display: parsing
 * (quotes, keys, negation, terms still being typed) and matching over
 * title, description, labels, type, state and owners. */

#include "ts-story-filter.h"

static TsUser *ada;
static TsUser *bob;

static TsUser *
lookup_user (gint64   user_id,
             gpointer user_data)
{
  if (user_id == 1)
    return ada;
  if (user_id == 2)
    return bob;
  return NULL;
}

static TsStory *
make_story (const char   *title,
            const char   *description,
            TsStoryType   type,
            TsStoryState  state,
            const char   *labels,
            gint64        owner)
{
  TsStory *story = ts_story_new ();
  g_auto(GStrv) split = labels != NULL ? g_strsplit (labels, ",", -1) : NULL;

  ts_story_set_id (story, 1);
  ts_story_set_title (story, title);
  ts_story_set_description (story, description);
  ts_story_set_story_type (story, type);
  ts_story_set_state (story, state);
  if (split != NULL)
    ts_story_set_labels (story, (const char * const *) split);
  if (owner != 0)
    ts_story_set_owner_ids (story, &owner, 1);
  return story;
}

static gboolean
matches (const char *query,
         TsStory    *story)
{
  g_autoptr(TsStoryFilter) filter = ts_story_filter_new (query);

  return ts_story_filter_match (filter, story, lookup_user, NULL);
}

static void
test_parse (void)
{
  struct {
    const char *query;
    guint n_terms;
  } cases[] = {
    { NULL, 0 },
    { "", 0 },
    { "   ", 0 },
    { "moon", 1 },
    { "moon base", 2 },
    { "\"moon base\"", 1 },
    { "label:\"ground crew\" -state:accepted", 2 },
    /* Still being typed: ignored, not "matches nothing". */
    { "state:", 0 },
    { "-", 0 },
    { "-label:", 0 },
    { "type:feature owner:ada", 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TsStoryFilter) filter = ts_story_filter_new (cases[i].query);

      g_assert_cmpuint (ts_story_filter_get_n_terms (filter), ==, cases[i].n_terms);
      g_assert_cmpint (ts_story_filter_is_empty (filter), ==, cases[i].n_terms == 0);
    }
}

static void
test_text (void)
{
  g_autoptr(TsStory) capsule = make_story ("Capsule", "With a HEAT shield", TS_STORY_TYPE_FEATURE,
                                           TS_STORY_STATE_UNSTARTED, "flight,crew", 0);
  g_autoptr(TsStory) cafe = make_story ("Café on the Moon", NULL, TS_STORY_TYPE_CHORE,
                                        TS_STORY_STATE_UNSCHEDULED, NULL, 0);

  g_assert_true (matches ("", capsule));
  g_assert_true (matches ("caps", capsule));
  g_assert_true (matches ("CAPSULE", capsule));
  g_assert_true (matches ("heat shield", capsule));      /* two words, both in */
  g_assert_true (matches ("\"heat shield\"", capsule));
  g_assert_false (matches ("\"shield heat\"", capsule));
  g_assert_true (matches ("rew", capsule));              /* in a label */
  g_assert_false (matches ("capsule moon", capsule));    /* every term holds */
  g_assert_true (matches ("-moon", capsule));
  g_assert_false (matches ("-caps", capsule));
  g_assert_true (matches ("café", cafe));
  g_assert_true (matches ("CAFÉ", cafe));
  /* Composed and decomposed forms are the same text. */
  g_assert_true (matches ("cafe\xcc\x81", cafe));
  g_assert_false (matches ("cafe", cafe));
  /* An unknown key is text. */
  g_assert_false (matches ("due:today", capsule));
}

/* Story 42's comments, folded as the project view keeps them. */
static const char *
comments_of_42 (gint64   story_id,
                gpointer user_data)
{
  return story_id == 42 ? user_data : NULL;
}

static void
test_comments (void)
{
  g_autoptr(TsStory) capsule = make_story ("Capsule", NULL, TS_STORY_TYPE_FEATURE,
                                           TS_STORY_STATE_UNSTARTED, NULL, 0);
  g_autoptr(TsStory) fuel = make_story ("Fuel", NULL, TS_STORY_TYPE_FEATURE,
                                        TS_STORY_STATE_UNSTARTED, NULL, 0);
  g_autofree char *folded = ts_story_filter_fold ("Check the HATCH seals\nAnd the Café\n");
  g_autoptr(TsStoryFilter) hatch = ts_story_filter_new ("hatch");
  g_autoptr(TsStoryFilter) cafe = ts_story_filter_new ("CAFÉ caps");
  g_autoptr(TsStoryFilter) not_hatch = ts_story_filter_new ("-hatch");
  g_autoptr(TsStoryFilter) label = ts_story_filter_new ("label:hatch");

  ts_story_set_id (capsule, 42);
  ts_story_set_id (fuel, 7);
  g_assert_true (ts_story_filter_has_text (hatch));
  g_assert_false (ts_story_filter_has_text (label));
  /* Free text finds a story by its comments, folded like the rest. */
  g_assert_true (ts_story_filter_match_full (hatch, capsule, NULL, comments_of_42, folded));
  g_assert_true (ts_story_filter_match_full (cafe, capsule, NULL, comments_of_42, folded));
  g_assert_false (ts_story_filter_match_full (not_hatch, capsule, NULL, comments_of_42, folded));
  g_assert_false (ts_story_filter_match_full (hatch, fuel, NULL, comments_of_42, folded));
  /* Only free text looks in comments; without them, nothing is found there. */
  g_assert_false (ts_story_filter_match_full (label, capsule, NULL, comments_of_42, folded));
  g_assert_false (ts_story_filter_match (hatch, capsule, NULL, NULL));
}

static void
test_terms (void)
{
  g_autoptr(TsStory) capsule = make_story ("Capsule", NULL, TS_STORY_TYPE_FEATURE,
                                           TS_STORY_STATE_STARTED, "flight,Crew", 1);
  g_autoptr(TsStory) release = make_story ("First orbit", NULL, TS_STORY_TYPE_RELEASE,
                                           TS_STORY_STATE_ACCEPTED, NULL, 0);

  g_assert_true (matches ("type:feature", capsule));
  g_assert_true (matches ("type:feat", capsule));          /* while typing */
  g_assert_true (matches ("TYPE:Feature", capsule));
  g_assert_false (matches ("type:release", capsule));
  g_assert_true (matches ("type:release", release));
  g_assert_true (matches ("state:started", capsule));
  g_assert_false (matches ("state:accepted", capsule));
  g_assert_true (matches ("-state:accepted", capsule));
  g_assert_false (matches ("-state:accepted", release));
  g_assert_true (matches ("label:crew", capsule));
  g_assert_true (matches ("label:cr", capsule));
  g_assert_false (matches ("label:rew", capsule));          /* labels from the start */
  g_assert_false (matches ("label:crew", release));
  g_assert_true (matches ("-label:crew", release));
  g_assert_true (matches ("label:\"crew\" caps", capsule));

  /* Owners by name or email, through the members. */
  g_assert_true (matches ("owner:ada", capsule));
  g_assert_true (matches ("owner:Lovelace", capsule));
  g_assert_true (matches ("owner:ada@example", capsule));
  g_assert_false (matches ("owner:bob", capsule));
  g_assert_true (matches ("-owner:bob", capsule));
  g_assert_false (matches ("owner:ada", release));
  {
    g_autoptr(TsStoryFilter) filter = ts_story_filter_new ("owner:ada");

    /* Without the members nobody is known. */
    g_assert_false (ts_story_filter_match (filter, capsule, NULL, NULL));
  }

  /* Combined. */
  g_assert_true (matches ("type:feature -state:unstarted label:flight owner:ada caps", capsule));
  g_assert_false (matches ("type:feature -state:started", capsule));
}

/* Free text finds a task's text, folded like the rest; a term on a
 * key does not look there. */
static void
test_tasks (void)
{
  g_autoptr(TsStory) story = make_story ("Fuel", "", TS_STORY_TYPE_FEATURE,
                                         TS_STORY_STATE_UNSTARTED, NULL, 0);
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_task_free);

  g_assert_false (matches ("oxidiser", story));
  g_ptr_array_add (tasks, ts_task_new (1, "Check the valves", FALSE, "V"));
  g_ptr_array_add (tasks, ts_task_new (2, "Pump the OXIDISER", TRUE, "W"));
  ts_story_set_tasks (story, tasks);
  g_assert_true (matches ("oxidiser", story));
  g_assert_true (matches ("valves fuel", story));
  g_assert_false (matches ("-valves", story));
  g_assert_false (matches ("label:valves", story));
  g_assert_false (matches ("hatch", story));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);
  ada = ts_user_new (1, "Ada Lovelace", "ada@example.org");
  bob = ts_user_new (2, "Bob Babbage", "bob@example.org");
  g_test_add_func ("/story-filter/parse", test_parse);
  g_test_add_func ("/story-filter/text", test_text);
  g_test_add_func ("/story-filter/terms", test_terms);
  g_test_add_func ("/story-filter/comments", test_comments);
  g_test_add_func ("/story-filter/tasks", test_tasks);
  result = g_test_run ();
  g_object_unref (ada);
  g_object_unref (bob);
  return result;
}
