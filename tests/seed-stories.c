/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "seed-stories.h"

typedef struct {
  TsApiClient *api;
  gint64 project_id;
  gboolean with_bugs;
  guint to_send;
  guint in_flight;
  guint sent;
} Seeding;

static void seed_next (Seeding *seeding);

static void
seeded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Seeding *seeding = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) story = ts_api_client_create_story_finish (seeding->api, result, &error);

  if (story == NULL)
    g_error ("seeding failed: %s", error->message);
  seeding->in_flight--;
  seed_next (seeding);
}

/* Story i: a titled, described, labelled feature (a bug every seventh
 * with @with_bugs), estimated on the Fibonacci scale, every tenth in the
 * Icebox. */
static void
seed_next (Seeding *seeding)
{
  static const int estimates[] = { 0, 1, 2, 3, 5, 8 };

  while (seeding->sent < seeding->to_send && seeding->in_flight < SEED_IN_FLIGHT)
    {
      guint i = seeding->sent;
      gboolean bug = seeding->with_bugs && i % 7 == 3;
      g_autoptr(TsStoryPatch) values = ts_story_patch_new ();
      g_autofree char *title = g_strdup_printf ("As a planner I can plan thing number %u", i);
      const char *labels[] = { "planning", i % 3 ? "ui" : "api", NULL };
      g_autofree char *key = g_uuid_string_random ();

      values->fields = TS_STORY_FIELD_TITLE | TS_STORY_FIELD_STATE | TS_STORY_FIELD_ESTIMATE |
                       TS_STORY_FIELD_LABELS | TS_STORY_FIELD_DESCRIPTION |
                       (bug ? TS_STORY_FIELD_TYPE : 0);
      ts_story_set_title (values->values, title);
      ts_story_set_description (values->values, "So that the team knows what comes next, "
                                                "with enough words to look like a real story.");
      ts_story_set_labels (values->values, labels);
      ts_story_set_state (values->values, i % 10 == 9 ? TS_STORY_STATE_UNSCHEDULED
                                                      : TS_STORY_STATE_UNSTARTED);
      if (bug)
        ts_story_set_story_type (values->values, TS_STORY_TYPE_BUG);
      ts_story_set_estimate (values->values, estimates[i % G_N_ELEMENTS (estimates)]);
      ts_api_client_create_story_async (seeding->api, seeding->project_id, values, NULL, key, NULL,
                                        seeded_cb, seeding);
      seeding->sent++;
      seeding->in_flight++;
    }
}

/* Creates @n_stories in @project_id and returns once all are answered. */
void
seed_stories (TsApiClient *api,
              gint64       project_id,
              guint        n_stories,
              gboolean     with_bugs)
{
  Seeding seeding = { api, project_id, with_bugs, n_stories, 0, 0 };
  gint64 started = g_get_monotonic_time ();

  seed_next (&seeding);
  while (seeding.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  g_print ("seeded %u stories in %.1f s\n", n_stories, (g_get_monotonic_time () - started) / 1e6);
}
