/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* Projects: the resource, the list, the bodies of create and patch, and
 * the per-iteration overrides. */

#include "ts-json-private.h"

#include "ts-core-error.h"
#include "ts-planner.h"
#include "ts-workflow.h"

/* The settings people change, each in the slot of its TsProjectFields bit
 * (slot i is field 1 << i), then what the server owns of a project beyond
 * the members every resource shares. */
static const TsJsonMember project_members[] = {
  { "name", 0 },
  { "start_date", 1 },
  { "iteration_length", 2 },
  { "velocity_strategy", 3 },
  { "initial_velocity", 4 },
  { "point_scale", 5 },
  { "bugs_and_chores_are_pointed", 6 },
  { "time_zone", 7 },
  { "channel", TS_JSON_IGNORED },
  { "presence_channel", TS_JSON_IGNORED },
  { "iterations", TS_JSON_IGNORED },
};

#define N_PROJECT_FIELDS 8
#define TS_PROJECT_FIELDS_ALL ((TsProjectFields) ((1 << N_PROJECT_FIELDS) - 1))

G_STATIC_ASSERT (TS_PROJECT_FIELD_TIME_ZONE == 1 << (N_PROJECT_FIELDS - 1));

/* A name people can tell apart in a list: not blank, not a novel. */
static gboolean
check_project_name (const char  *name,
                    GError     **error)
{
  glong n_chars = g_utf8_strlen (name, -1);
  g_autofree char *stripped = NULL;

  if (n_chars > TS_PROJECT_NAME_MAX_CHARS)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“name” is %ld characters long; at most %d are allowed",
                   n_chars, TS_PROJECT_NAME_MAX_CHARS);
      return FALSE;
    }

  if (!ts_check_text_characters ("name", name, FALSE, error))
    return FALSE;

  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "“name” must not be empty");
      return FALSE;
    }

  return TRUE;
}

/* Reads a ranged setting; the setters refuse values out of range, so the
 * codec must check them first, for resources too. */
static gboolean
read_ranged (JsonNode    *node,
             const char  *name,
             guint        min,
             guint        max,
             guint       *out,
             GError     **error)
{
  gint64 value = 0;

  if (!ts_json_read_int (node, name, min, max, FALSE, &value, error))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* Reads the setting in slot @index into @project. A request's name is
 * also held to its limits; a resource's was checked by the server. */
static gboolean
read_project_field (TsProject  *project,
                    guint       index,
                    JsonNode   *node,
                    gboolean    request,
                    GError    **error)
{
  const char *name = project_members[index].name;
  const char *text;
  gboolean flag;
  guint number;
  int value;
  TsDay day;

  switch (1 << index)
    {
    case TS_PROJECT_FIELD_NAME:
      if (!ts_json_read_string (node, name, &text, error) ||
          (request && !check_project_name (text, error)))
        return FALSE;
      ts_project_set_name (project, text);
      return TRUE;

    case TS_PROJECT_FIELD_START_DATE:
      if (!ts_json_read_day (node, name, FALSE, &day, error) ||
          (request && !ts_planner_check_day (name, day, error)))
        return FALSE;
      ts_project_set_start_date (project, day);
      return TRUE;

    case TS_PROJECT_FIELD_ITERATION_LENGTH:
      if (!read_ranged (node, name, TS_ITERATION_LENGTH_MIN, TS_ITERATION_LENGTH_MAX,
                        &number, error))
        return FALSE;
      ts_project_set_iteration_length (project, number);
      return TRUE;

    case TS_PROJECT_FIELD_VELOCITY_STRATEGY:
      if (!read_ranged (node, name, TS_VELOCITY_STRATEGY_MIN, TS_VELOCITY_STRATEGY_MAX,
                        &number, error))
        return FALSE;
      ts_project_set_velocity_strategy (project, number);
      return TRUE;

    case TS_PROJECT_FIELD_INITIAL_VELOCITY:
      if (!read_ranged (node, name, TS_INITIAL_VELOCITY_MIN, TS_INITIAL_VELOCITY_MAX,
                        &number, error))
        return FALSE;
      ts_project_set_initial_velocity (project, number);
      return TRUE;

    case TS_PROJECT_FIELD_POINT_SCALE:
      if (!ts_json_read_enum (node, name, TS_TYPE_POINT_SCALE, &value, error))
        return FALSE;
      ts_project_set_point_scale (project, value);
      return TRUE;

    case TS_PROJECT_FIELD_BUGS_AND_CHORES_ARE_POINTED:
      if (!ts_json_read_boolean (node, name, &flag, error))
        return FALSE;
      ts_project_set_bugs_and_chores_are_pointed (project, flag);
      return TRUE;

    case TS_PROJECT_FIELD_TIME_ZONE:
      if (!ts_json_read_string (node, name, &text, error))
        return FALSE;
      /* The setter loads the zone and says whether it knows it, which
       * is what ts_time_zone_is_known() asks, without loading it twice. */
      if (!ts_project_set_time_zone (project, text))
        {
          g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                               "“time_zone” must be a time zone this server knows, "
                               "such as Europe/Berlin");
          return FALSE;
        }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* Writes @fields of @project, in the order of their bits. */
static void
write_project_fields (JsonObject      *object,
                      TsProject       *project,
                      TsProjectFields  fields)
{
  if (fields & TS_PROJECT_FIELD_NAME)
    json_object_set_string_member (object, "name", ts_project_get_name (project));
  if (fields & TS_PROJECT_FIELD_START_DATE)
    ts_json_set_day (object, "start_date", ts_project_get_start_date (project));
  if (fields & TS_PROJECT_FIELD_ITERATION_LENGTH)
    json_object_set_int_member (object, "iteration_length",
                                ts_project_get_iteration_length (project));
  if (fields & TS_PROJECT_FIELD_VELOCITY_STRATEGY)
    json_object_set_int_member (object, "velocity_strategy",
                                ts_project_get_velocity_strategy (project));
  if (fields & TS_PROJECT_FIELD_INITIAL_VELOCITY)
    json_object_set_int_member (object, "initial_velocity",
                                ts_project_get_initial_velocity (project));
  if (fields & TS_PROJECT_FIELD_POINT_SCALE)
    json_object_set_string_member (object, "point_scale",
                                   ts_point_scale_to_string (ts_project_get_point_scale (project)));
  if (fields & TS_PROJECT_FIELD_BUGS_AND_CHORES_ARE_POINTED)
    json_object_set_boolean_member (object, "bugs_and_chores_are_pointed",
                                    ts_project_get_bugs_and_chores_are_pointed (project));
  if (fields & TS_PROJECT_FIELD_TIME_ZONE)
    json_object_set_string_member (object, "time_zone", ts_project_get_time_zone (project));
}

/**
 * ts_iteration_override_to_json:
 * @override: an override
 *
 * Returns: (transfer full): `{"number", "team_strength", "length"}`, the
 *   length null when the iteration has the project's
 */
JsonNode *
ts_iteration_override_to_json (const TsIterationOverride *override)
{
  JsonObject *object;

  g_return_val_if_fail (override != NULL, NULL);

  object = json_object_new ();
  ts_json_set_override (object, override);
  return ts_json_node_take_object (object);
}

static gboolean
read_override_length (JsonNode    *node,
                      guint       *out,
                      GError     **error)
{
  gint64 length = 0;

  if (!ts_json_read_int (node, "length", TS_ITERATION_LENGTH_MIN, TS_ITERATION_LENGTH_MAX,
                         TRUE, &length, error))
    return FALSE;
  *out = (guint) length;
  return TRUE;
}

/**
 * ts_iteration_override_from_json:
 * @object: an override as the server writes it
 * @out_override: (out caller-allocates): the override, untouched on error
 */
gboolean
ts_iteration_override_from_json (JsonObject           *object,
                                 TsIterationOverride  *out_override,
                                 GError              **error)
{
  TsIterationOverride override = { 0 };
  gint64 number = 0;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out_override != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ts_json_read_int (json_object_get_member (object, "number"), "number",
                         1, G_MAXINT, FALSE, &number, error) ||
      !ts_json_read_fraction (json_object_get_member (object, "team_strength"), "team_strength",
                              &override.team_strength, error) ||
      !read_override_length (json_object_get_member (object, "length"), &override.length, error))
    return FALSE;

  override.number = (guint) number;
  *out_override = override;
  return TRUE;
}

static const TsJsonMember override_members[] = {
  { "team_strength", 0 },
  { "length", 1 },
  { "number", TS_JSON_IGNORED },
};

/**
 * ts_iteration_override_update_from_json:
 * @object: the body of `PUT …/iterations/:number`
 * @override: (inout): the iteration's override as it is (team strength 1
 *   and length 0 when there is none); the members sent are applied to it,
 *   and nothing is on error
 *
 * The number comes from the URL, so a `number` member is ignored. A
 * `length` of null gives the iteration back the project's length.
 */
gboolean
ts_iteration_override_update_from_json (JsonObject           *object,
                                        TsIterationOverride  *override,
                                        GError              **error)
{
  JsonNode *slots[2] = { NULL };
  TsIterationOverride updated;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (override != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ts_json_collect_members (object, override_members, G_N_ELEMENTS (override_members),
                                slots, error))
    return FALSE;
  if (slots[0] == NULL && slots[1] == NULL)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "nothing to change: send “team_strength”, “length” or both");
      return FALSE;
    }

  updated = *override;
  if ((slots[0] != NULL &&
       !ts_json_read_fraction (slots[0], "team_strength", &updated.team_strength, error)) ||
      (slots[1] != NULL && !read_override_length (slots[1], &updated.length, error)))
    return FALSE;

  *override = updated;
  return TRUE;
}

static gboolean
read_overrides (TsProject   *project,
                JsonNode    *node,
                GError     **error)
{
  g_autoptr(GArray) overrides = NULL;
  JsonArray *array;
  guint n;

  if (!ts_json_read_array (node, "iterations", "an array of objects", &array, error))
    return FALSE;

  n = json_array_get_length (array);
  overrides = g_array_sized_new (FALSE, FALSE, sizeof (TsIterationOverride), n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      TsIterationOverride override;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          ts_json_set_type_error (error, "iterations", "an array of objects", FALSE);
          return FALSE;
        }
      if (!ts_iteration_override_from_json (json_node_get_object (element), &override, error))
        {
          g_prefix_error (error, "“iterations”[%u]: ", i);
          return FALSE;
        }
      for (guint j = 0; j < overrides->len; j++)
        {
          if (g_array_index (overrides, TsIterationOverride, j).number == override.number)
            {
              g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "“iterations” has iteration %u twice", override.number);
              return FALSE;
            }
        }
      g_array_append_val (overrides, override);
    }

  ts_project_set_overrides (project, (const TsIterationOverride *) (gpointer) overrides->data,
                            overrides->len);
  return TRUE;
}

/**
 * ts_project_to_json:
 * @project: a project
 *
 * Returns: (transfer full): the project as doc/api.md's resource, with its
 *   channels and overrides, and `created_at` when it is known
 */
JsonNode *
ts_project_to_json (TsProject *project)
{
  g_autofree char *channel = NULL;
  g_autofree char *presence_channel = NULL;
  const TsIterationOverride *overrides;
  guint n_overrides;
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (TS_IS_PROJECT (project), NULL);

  channel = ts_project_dup_channel (project);
  presence_channel = ts_project_dup_presence_channel (project);
  overrides = ts_project_get_overrides (project, &n_overrides);
  array = json_array_sized_new (n_overrides);
  for (guint i = 0; i < n_overrides; i++)
    json_array_add_element (array, ts_iteration_override_to_json (&overrides[i]));

  object = json_object_new ();
  json_object_set_int_member (object, "id", ts_project_get_id (project));
  json_object_set_int_member (object, "version", ts_project_get_version (project));
  write_project_fields (object, project, TS_PROJECT_FIELDS_ALL);
  json_object_set_string_member (object, "channel", channel);
  json_object_set_string_member (object, "presence_channel", presence_channel);
  json_object_set_array_member (object, "iterations", array);
  if (ts_project_get_created_at (project) != NULL)
    ts_json_set_timestamp (object, "created_at", ts_project_get_created_at (project));

  return ts_json_node_take_object (object);
}

/**
 * ts_project_from_json:
 * @object: a project as the server writes it
 *
 * The channels must be there as strings; their names follow from the id,
 * so they are not kept. `created_at` may be missing or null.
 *
 * Returns: (transfer full) (nullable): the project
 */
TsProject *
ts_project_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(TsProject) project = NULL;
  g_autoptr(GDateTime) created_at = NULL;
  gint64 id = 0, version = 0;
  const char *channel;
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ts_json_read_id (json_object_get_member (object, "id"), "id", FALSE, &id, error) ||
      !ts_json_read_int (json_object_get_member (object, "version"), "version",
                         0, G_MAXINT64, FALSE, &version, error) ||
      !ts_json_read_string (json_object_get_member (object, "channel"), "channel",
                            &channel, error) ||
      !ts_json_read_string (json_object_get_member (object, "presence_channel"),
                            "presence_channel", &channel, error))
    return NULL;

  node = json_object_get_member (object, "created_at");
  if (node != NULL && !ts_json_read_timestamp (node, "created_at", TRUE, &created_at, error))
    return NULL;

  project = ts_project_new ();
  for (guint i = 0; i < N_PROJECT_FIELDS; i++)
    {
      node = json_object_get_member (object, project_members[i].name);
      if (!read_project_field (project, i, node, FALSE, error))
        return NULL;
    }
  if (!read_overrides (project, json_object_get_member (object, "iterations"), error))
    return NULL;

  ts_project_set_id (project, id);
  ts_project_set_version (project, version);
  ts_project_set_created_at (project, created_at);

  return g_steal_pointer (&project);
}

/**
 * ts_projects_to_json:
 * @projects: (array length=n_projects): projects
 *
 * Returns: (transfer full): `{"projects": […]}`
 */
JsonNode *
ts_projects_to_json (TsProject * const *projects,
                     guint              n_projects)
{
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (projects != NULL || n_projects == 0, NULL);

  array = json_array_sized_new (n_projects);
  for (guint i = 0; i < n_projects; i++)
    json_array_add_element (array, ts_project_to_json (projects[i]));

  object = json_object_new ();
  json_object_set_array_member (object, "projects", array);
  return ts_json_node_take_object (object);
}

/**
 * ts_projects_from_json:
 * @object: `{"projects": […]}`
 *
 * Returns: (transfer full) (element-type TsProject) (nullable): the projects
 */
GPtrArray *
ts_projects_from_json (JsonObject  *object,
                       GError     **error)
{
  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return ts_json_read_list (object, "projects", (TsJsonItemReader) ts_project_from_json,
                            g_object_unref, error);
}

/**
 * ts_project_patch_from_json:
 * @object: the body of `POST /projects` or `PATCH /projects/:id`
 * @name_required: %TRUE for a create
 *
 * Returns: (transfer full) (nullable): the settings sent; a patch that
 *   changes nothing is an error
 */
TsProjectPatch *
ts_project_patch_from_json (JsonObject  *object,
                            gboolean     name_required,
                            GError     **error)
{
  JsonNode *slots[N_PROJECT_FIELDS] = { NULL };
  g_autoptr(TsProjectPatch) patch = NULL;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ts_json_collect_members (object, project_members, G_N_ELEMENTS (project_members),
                                slots, error))
    return NULL;
  if (name_required && slots[0] == NULL)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "“name” is required");
      return NULL;
    }

  patch = g_new0 (TsProjectPatch, 1);
  patch->values = ts_project_new ();
  for (guint i = 0; i < N_PROJECT_FIELDS; i++)
    {
      if (slots[i] == NULL)
        continue;
      if (!read_project_field (patch->values, i, slots[i], TRUE, error))
        return NULL;
      patch->fields |= 1 << i;
    }

  if (patch->fields == TS_PROJECT_FIELD_NONE)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "nothing to change: the request names no setting of the project");
      return NULL;
    }

  return g_steal_pointer (&patch);
}

/**
 * ts_project_patch_to_json:
 * @patch: settings to send
 *
 * Returns: (transfer full): the settings of @patch, and nothing else
 */
JsonNode *
ts_project_patch_to_json (TsProjectPatch *patch)
{
  JsonObject *object;

  g_return_val_if_fail (patch != NULL, NULL);
  g_return_val_if_fail (TS_IS_PROJECT (patch->values), NULL);

  object = json_object_new ();
  write_project_fields (object, patch->values, patch->fields);
  return ts_json_node_take_object (object);
}

void
ts_project_patch_free (TsProjectPatch *patch)
{
  if (patch == NULL)
    return;

  g_clear_object (&patch->values);
  g_free (patch);
}
