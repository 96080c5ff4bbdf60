/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* The answer of a Tracker import, dry run or real (doc/api.md, *Tracker
 * import and export*). */

#include "ts-json-private.h"

#include "ts-tracker.h"

/**
 * ts_tracker_import_to_json:
 * @version: the project's version after (unchanged by a dry run)
 * @applied: whether the export's schedule is the project's now (or would
 *   be)
 *
 * Returns: (transfer full): `{"dry_run", "version", "stories", "total",
 *   "already_imported", "epics", "tasks", "comments", "people",
 *   "schedule"}`
 */
JsonNode *
ts_tracker_import_to_json (TsTrackerImport *import,
                           gboolean         dry_run,
                           gint64           version,
                           gboolean         applied)
{
  JsonObject *object = json_object_new ();
  JsonObject *stories = json_object_new ();
  JsonObject *people = json_object_new ();
  JsonObject *schedule = json_object_new ();
  JsonArray *matched = json_array_new ();
  JsonArray *unmatched = json_array_new ();

  json_object_set_boolean_member (object, "dry_run", dry_run);
  json_object_set_int_member (object, "version", version);
  for (int type = TS_STORY_TYPE_FEATURE; type <= TS_STORY_TYPE_RELEASE; type++)
    json_object_set_int_member (stories, ts_story_type_to_string (type), import->by_type[type]);
  json_object_set_object_member (object, "stories", stories);
  json_object_set_int_member (object, "total", import->stories->len);
  json_object_set_int_member (object, "already_imported", import->already_imported);
  json_object_set_int_member (object, "epics", import->epics);
  json_object_set_int_member (object, "tasks", import->n_tasks);
  json_object_set_int_member (object, "comments", import->n_comments);

  for (guint i = 0; i < import->matched->len; i++)
    {
      TsTrackerPerson *person = import->matched->pdata[i];
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "name", person->name);
      json_object_set_int_member (entry, "user_id", person->user_id);
      json_array_add_object_element (matched, entry);
    }
  for (guint i = 0; i < import->unmatched->len; i++)
    json_array_add_string_element (unmatched, import->unmatched->pdata[i]);
  json_object_set_array_member (people, "matched", matched);
  json_object_set_array_member (people, "unmatched", unmatched);
  json_object_set_object_member (object, "people", people);

  if (import->start_date != TS_DAY_NONE)
    {
      ts_json_set_day (schedule, "start_date", import->start_date);
      json_object_set_int_member (schedule, "iteration_length", import->iteration_length);
    }
  else
    {
      json_object_set_null_member (schedule, "start_date");
      json_object_set_null_member (schedule, "iteration_length");
    }
  json_object_set_boolean_member (schedule, "applied", applied);
  json_object_set_object_member (object, "schedule", schedule);
  return ts_json_node_take_object (object);
}
