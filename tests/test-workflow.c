/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The story rules of doc/api.md: allowed state changes per type, the next
 * actions a row offers, and what a stored story must satisfy. */

#include "ts-core.h"

#define S(x) TS_STORY_STATE_##x

typedef struct {
  TsStoryType type;
  TsStoryState from;
  TsStoryState to;
  gboolean allowed;
} Transition;

static const Transition transitions[] = {
  /* Features and bugs: the whole chain, both ways. */
  { TS_STORY_TYPE_FEATURE, S (UNSCHEDULED), S (UNSTARTED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (UNSTARTED), S (UNSCHEDULED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (UNSTARTED), S (STARTED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (STARTED), S (UNSTARTED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (STARTED), S (FINISHED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (FINISHED), S (STARTED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (FINISHED), S (DELIVERED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (DELIVERED), S (FINISHED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (DELIVERED), S (ACCEPTED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (ACCEPTED), S (DELIVERED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (DELIVERED), S (REJECTED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (REJECTED), S (DELIVERED), TRUE },
  { TS_STORY_TYPE_FEATURE, S (REJECTED), S (STARTED), TRUE },
  { TS_STORY_TYPE_BUG, S (REJECTED), S (STARTED), TRUE },
  { TS_STORY_TYPE_BUG, S (DELIVERED), S (ACCEPTED), TRUE },
  /* Restart is one way; skipping steps is refused. */
  { TS_STORY_TYPE_FEATURE, S (STARTED), S (REJECTED), FALSE },
  { TS_STORY_TYPE_FEATURE, S (UNSCHEDULED), S (STARTED), FALSE },
  { TS_STORY_TYPE_FEATURE, S (UNSTARTED), S (ACCEPTED), FALSE },
  { TS_STORY_TYPE_FEATURE, S (STARTED), S (DELIVERED), FALSE },
  { TS_STORY_TYPE_FEATURE, S (ACCEPTED), S (REJECTED), FALSE },
  { TS_STORY_TYPE_FEATURE, S (ACCEPTED), S (UNSTARTED), FALSE },
  { TS_STORY_TYPE_BUG, S (FINISHED), S (ACCEPTED), FALSE },
  /* Chores: no finish, deliver or reject. */
  { TS_STORY_TYPE_CHORE, S (UNSCHEDULED), S (UNSTARTED), TRUE },
  { TS_STORY_TYPE_CHORE, S (UNSTARTED), S (STARTED), TRUE },
  { TS_STORY_TYPE_CHORE, S (STARTED), S (ACCEPTED), TRUE },
  { TS_STORY_TYPE_CHORE, S (ACCEPTED), S (STARTED), TRUE },
  { TS_STORY_TYPE_CHORE, S (STARTED), S (UNSTARTED), TRUE },
  { TS_STORY_TYPE_CHORE, S (STARTED), S (FINISHED), FALSE },
  { TS_STORY_TYPE_CHORE, S (UNSTARTED), S (ACCEPTED), FALSE },
  /* Releases: scheduled, then accepted. */
  { TS_STORY_TYPE_RELEASE, S (UNSCHEDULED), S (UNSTARTED), TRUE },
  { TS_STORY_TYPE_RELEASE, S (UNSTARTED), S (ACCEPTED), TRUE },
  { TS_STORY_TYPE_RELEASE, S (ACCEPTED), S (UNSTARTED), TRUE },
  { TS_STORY_TYPE_RELEASE, S (UNSTARTED), S (STARTED), FALSE },
  { TS_STORY_TYPE_RELEASE, S (UNSCHEDULED), S (ACCEPTED), FALSE },
};

static void
test_transitions (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    {
      const Transition *t = &transitions[i];

      g_test_message ("%s: %s → %s", ts_story_type_to_string (t->type),
                      ts_story_state_to_string (t->from), ts_story_state_to_string (t->to));
      g_assert_cmpint (ts_story_state_change_allowed (t->type, t->from, t->to), ==, t->allowed);
    }
}

/* Every allowed step has its reverse, except the one-way Restart. */
static void
test_every_step_can_be_undone (void)
{
  for (TsStoryType type = TS_STORY_TYPE_FEATURE; type <= TS_STORY_TYPE_RELEASE; type++)
    for (TsStoryState from = S (UNSCHEDULED); from <= S (ACCEPTED); from++)
      for (TsStoryState to = S (UNSCHEDULED); to <= S (ACCEPTED); to++)
        {
          gboolean restart = from == S (REJECTED) && to == S (STARTED);

          if (from == to || restart || !ts_story_state_change_allowed (type, from, to))
            continue;
          g_assert_true (ts_story_state_change_allowed (type, to, from));
        }
}

static void
test_states_per_type (void)
{
  g_assert_true (ts_story_state_is_valid_for_type (TS_STORY_TYPE_BUG, S (REJECTED)));
  g_assert_false (ts_story_state_is_valid_for_type (TS_STORY_TYPE_CHORE, S (FINISHED)));
  g_assert_false (ts_story_state_is_valid_for_type (TS_STORY_TYPE_CHORE, S (DELIVERED)));
  g_assert_false (ts_story_state_is_valid_for_type (TS_STORY_TYPE_RELEASE, S (STARTED)));
  g_assert_true (ts_story_state_is_valid_for_type (TS_STORY_TYPE_RELEASE, S (ACCEPTED)));
  g_assert_false (ts_story_state_change_allowed (TS_STORY_TYPE_CHORE, S (FINISHED), S (FINISHED)));
}

static void
assert_next (TsStoryType  type,
             TsStoryState state,
             gboolean     estimated,
             const char  *expected)
{
  TsStoryState next[2];
  guint n = ts_story_next_states (type, state, estimated, next);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (names, i == 0 ? "%s" : ",%s", ts_story_state_to_string (next[i]));
  g_assert_cmpstr (names->str, ==, expected);
}

static void
test_next_states (void)
{
  assert_next (TS_STORY_TYPE_FEATURE, S (UNSTARTED), TRUE, "started");
  assert_next (TS_STORY_TYPE_FEATURE, S (UNSTARTED), FALSE, "");
  assert_next (TS_STORY_TYPE_FEATURE, S (STARTED), TRUE, "finished");
  assert_next (TS_STORY_TYPE_FEATURE, S (FINISHED), TRUE, "delivered");
  assert_next (TS_STORY_TYPE_FEATURE, S (DELIVERED), TRUE, "accepted,rejected");
  assert_next (TS_STORY_TYPE_FEATURE, S (REJECTED), TRUE, "started");
  assert_next (TS_STORY_TYPE_FEATURE, S (ACCEPTED), TRUE, "");
  assert_next (TS_STORY_TYPE_FEATURE, S (UNSCHEDULED), TRUE, "");
  assert_next (TS_STORY_TYPE_BUG, S (UNSTARTED), FALSE, "started");
  assert_next (TS_STORY_TYPE_CHORE, S (STARTED), FALSE, "accepted");
  assert_next (TS_STORY_TYPE_RELEASE, S (UNSTARTED), FALSE, "accepted");
}

static TsStory *
make_story (TsStoryType  type,
            int          estimate,
            TsStoryState state)
{
  TsStory *story = ts_story_new ();

  ts_story_set_title (story, "Export the backlog");
  ts_story_set_story_type (story, type);
  ts_story_set_estimate (story, estimate);
  ts_story_set_state (story, state);
  return story;
}

static void
assert_invalid (TsStory    *story,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ts_story_validate (story, TS_POINT_SCALE_FIBONACCI, &error));
  g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_validate (void)
{
  g_autoptr(TsStory) good = make_story (TS_STORY_TYPE_FEATURE, 3, S (STARTED));
  g_autoptr(TsStory) unestimated = make_story (TS_STORY_TYPE_FEATURE, TS_ESTIMATE_NONE, S (STARTED));
  g_autoptr(TsStory) off_scale = make_story (TS_STORY_TYPE_FEATURE, 4, S (UNSTARTED));
  g_autoptr(TsStory) chore = make_story (TS_STORY_TYPE_CHORE, TS_ESTIMATE_NONE, S (FINISHED));
  g_autoptr(TsStory) release = make_story (TS_STORY_TYPE_RELEASE, 2, S (UNSTARTED));
  g_autoptr(TsStory) deadline = make_story (TS_STORY_TYPE_FEATURE, 1, S (UNSTARTED));
  g_autoptr(TsStory) blank = make_story (TS_STORY_TYPE_FEATURE, 1, S (UNSTARTED));
  g_autoptr(TsStory) long_title = make_story (TS_STORY_TYPE_FEATURE, 1, S (UNSTARTED));
  g_autoptr(TsStory) twice = make_story (TS_STORY_TYPE_BUG, 1, S (UNSTARTED));
  g_autofree char *title = g_strnfill (TS_STORY_TITLE_MAX_CHARS + 1, 'x');
  g_autofree char *max_title = g_strnfill (TS_STORY_TITLE_MAX_CHARS, 'x');
  const char *labels[] = { "api", "api", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (ts_story_validate (good, TS_POINT_SCALE_FIBONACCI, &error));
  g_assert_no_error (error);
  assert_invalid (unestimated, "estimate it first");
  assert_invalid (off_scale, "estimate");
  assert_invalid (chore, "chore cannot be finished");
  assert_invalid (release, "release has no");
  ts_story_set_deadline (deadline, ts_day_from_ymd (2026, 3, 1));
  assert_invalid (deadline, "deadline");
  ts_story_set_title (blank, "  \t ");
  assert_invalid (blank, "title");
  ts_story_set_title (long_title, title);
  assert_invalid (long_title, "1001 characters");
  ts_story_set_title (long_title, max_title);
  g_assert_true (ts_story_validate (long_title, TS_POINT_SCALE_FIBONACCI, NULL));
  ts_story_set_labels (twice, labels);
  assert_invalid (twice, "twice");
}

static void
test_check_change (void)
{
  g_autoptr(TsStory) before = make_story (TS_STORY_TYPE_FEATURE, 3, S (STARTED));
  g_autoptr(TsStory) after = ts_story_copy (before);
  g_autoptr(GError) error = NULL;

  ts_story_set_state (after, S (FINISHED));
  g_assert_true (ts_story_check_change (before, after, TS_POINT_SCALE_FIBONACCI, &error));
  g_assert_no_error (error);

  ts_story_set_state (after, S (ACCEPTED));
  g_assert_false (ts_story_check_change (before, after, TS_POINT_SCALE_FIBONACCI, &error));
  g_assert_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "from started to accepted"));
  g_clear_error (&error);

  /* A change of type is read under the new type: a started feature may
   * become a started chore, but not a finished one. */
  ts_story_set_state (after, S (STARTED));
  ts_story_set_story_type (after, TS_STORY_TYPE_CHORE);
  g_assert_true (ts_story_check_change (before, after, TS_POINT_SCALE_FIBONACCI, NULL));
  ts_story_set_state (before, S (FINISHED));
  ts_story_set_state (after, S (FINISHED));
  g_assert_false (ts_story_check_change (before, after, TS_POINT_SCALE_FIBONACCI, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/workflow/transitions", test_transitions);
  g_test_add_func ("/core/workflow/every-step-can-be-undone", test_every_step_can_be_undone);
  g_test_add_func ("/core/workflow/states-per-type", test_states_per_type);
  g_test_add_func ("/core/workflow/next-states", test_next_states);
  g_test_add_func ("/core/workflow/validate", test_validate);
  g_test_add_func ("/core/workflow/check-change", test_check_change);

  return g_test_run ();
}
