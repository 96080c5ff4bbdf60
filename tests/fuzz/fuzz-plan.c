/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The plan as `GET …/plan` builds it: a project and its stories as the
 * codec reads them, a day and a velocity, planned and written. Input:
 *
 *   {"project": {…}, "version": N, "stories": […],
 *    "today": "YYYY-MM-DD", "velocity": 0}
 *
 * The planner must take anything the readers take, and its plan must be
 * JSON the codec reads. Days and velocities are kept to the ranges the
 * API accepts (1970-01-01…2199-12-31, a velocity of 0 or at least 1):
 * outside them the server answers 422 before planning. */

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static gboolean
day_in_range (TsDay day)
{
  return day >= ts_day_from_ymd (1970, 1, 1) && day <= ts_day_from_ymd (2199, 12, 31);
}

static gboolean
read_today (JsonObject *object,
            TsDay      *out_today)
{
  JsonNode *node = json_object_get_member (object, "today");

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING &&
         ts_day_parse (json_node_get_string (node), out_today) && day_in_range (*out_today);
}

static gboolean
read_velocity (JsonObject *object,
               double     *out_velocity)
{
  JsonNode *node = json_object_get_member (object, "velocity");
  double velocity;

  if (node == NULL)
    {
      *out_velocity = TS_VELOCITY_NOT_OVERRIDDEN;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;
  velocity = json_node_get_double (node);
  if (velocity != TS_VELOCITY_NOT_OVERRIDDEN && !(velocity >= 1 && velocity <= 1e6))
    return FALSE;
  *out_velocity = velocity;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) object = ts_json_parse_object ((const char *) data, size, NULL);
  g_autoptr(TsProject) project = NULL;
  g_autoptr(GPtrArray) stories = NULL;
  g_autoptr(TsPlan) plan = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autofree char *text = NULL;
  JsonNode *project_node;
  double velocity;
  TsDay today;

  if (object == NULL || !read_today (object, &today) || !read_velocity (object, &velocity))
    return 0;
  project_node = json_object_get_member (object, "project");
  if (project_node == NULL || !JSON_NODE_HOLDS_OBJECT (project_node))
    return 0;
  project = ts_project_from_json (json_node_get_object (project_node), NULL);
  if (project == NULL || !day_in_range (ts_project_get_start_date (project)))
    return 0;
  stories = ts_stories_from_json (object, NULL, NULL);
  if (stories == NULL)
    return 0;

  plan = ts_planner_plan (project, (TsStory * const *) stories->pdata, stories->len,
                          today, velocity);
  FUZZ_CHECK (plan != NULL);
  text = fuzz_take_string (ts_plan_to_json (plan));
  written = fuzz_parse_own (text);
  return 0;
}
