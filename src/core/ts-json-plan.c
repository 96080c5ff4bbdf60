/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* The plan of `GET …/plan` (doc/api.md, *The plan*). Written only: the client
 * runs the same planner itself, and the endpoint is for other clients. */

#include "ts-json-private.h"

static JsonArray *
story_ids_to_json (const gint64 *story_ids,
                   guint         n_stories)
{
  JsonArray *array = json_array_sized_new (n_stories);

  for (guint i = 0; i < n_stories; i++)
    json_array_add_int_element (array, story_ids[i]);
  return array;
}

/* A done iteration has no capacity or team strength to show: it is
 * written with what it achieved only. */
static JsonNode *
iteration_to_json (const TsPlanIteration *iteration,
                   gboolean               done)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "number", iteration->number);
  ts_json_set_day (object, "start", iteration->start);
  ts_json_set_day (object, "finish", iteration->finish);
  if (!done)
    json_object_set_double_member (object, "capacity", iteration->capacity);
  json_object_set_int_member (object, "points", iteration->points);
  if (!done)
    json_object_set_double_member (object, "team_strength", iteration->team_strength);
  json_object_set_array_member (object, "story_ids",
                                story_ids_to_json (iteration->story_ids, iteration->n_stories));

  return ts_json_node_take_object (object);
}

static JsonNode *
release_to_json (const TsReleaseProjection *release)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "story_id", release->story_id);
  ts_json_set_day (object, "projected_date", release->projected_date);
  json_object_set_boolean_member (object, "late", release->late);

  return ts_json_node_take_object (object);
}

/**
 * ts_plan_to_json:
 * @plan: a plan
 *
 * Returns: (transfer full): the plan as doc/api.md writes it
 */
JsonNode *
ts_plan_to_json (TsPlan *plan)
{
  const gint64 *icebox;
  guint n_icebox, n;
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (plan != NULL, NULL);

  object = json_object_new ();
  json_object_set_double_member (object, "velocity", ts_plan_get_velocity (plan));
  json_object_set_int_member (object, "velocity_shown", ts_plan_get_velocity_shown (plan));
  json_object_set_int_member (object, "current_iteration", ts_plan_get_current_iteration (plan));

  n = ts_plan_get_n_iterations (plan);
  array = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (array, iteration_to_json (ts_plan_get_iteration (plan, i), FALSE));
  json_object_set_array_member (object, "iterations", array);

  icebox = ts_plan_get_icebox (plan, &n_icebox);
  json_object_set_array_member (object, "icebox", story_ids_to_json (icebox, n_icebox));

  n = ts_plan_get_n_done (plan);
  array = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (array, iteration_to_json (ts_plan_get_done (plan, i), TRUE));
  json_object_set_array_member (object, "done", array);

  n = ts_plan_get_n_releases (plan);
  array = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (array, release_to_json (ts_plan_get_release (plan, i)));
  json_object_set_array_member (object, "releases", array);

  return ts_json_node_take_object (object);
}
