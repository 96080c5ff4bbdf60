/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* Stories: the resource, the list, and the bodies of create, patch and
 * move. */

#include "ts-json-private.h"

#include <string.h>

#include "ts-core-error.h"
#include "ts-workflow.h"

/* The members people change, each in the slot of its TsStoryFields bit
 * (slot i is field 1 << i), then what only a patch carries. */
static const TsJsonMember story_members[] = {
  { "title", 0 },
  { "description", 1 },
  { "type", 2 },
  { "estimate", 3 },
  { "state", 4 },
  { "labels", 5 },
  { "owner_ids", 6 },
  { "requester_id", 7 },
  { "deadline", 8 },
  { "base_version", 9 },
};

#define N_STORY_FIELDS 9
#define BASE_VERSION_SLOT 9
#define N_STORY_MEMBERS G_N_ELEMENTS (story_members)

G_STATIC_ASSERT (TS_STORY_FIELDS_ALL == (1 << N_STORY_FIELDS) - 1);

/* Every member of the resource: the fields first, in the same slots. */
enum {
  SLOT_ID = N_STORY_FIELDS,
  SLOT_PROJECT_ID,
  SLOT_POSITION,
  SLOT_ACCEPTED_AT,
  SLOT_CREATED_AT,
  SLOT_UPDATED_AT,
  SLOT_VERSION,
  SLOT_TASKS,
  N_RESOURCE_MEMBERS
};

static const TsJsonMember story_resource_members[] = {
  { "id", SLOT_ID },
  { "project_id", SLOT_PROJECT_ID },
  { "title", 0 },
  { "description", 1 },
  { "type", 2 },
  { "estimate", 3 },
  { "state", 4 },
  { "position", SLOT_POSITION },
  { "labels", 5 },
  { "owner_ids", 6 },
  { "requester_id", 7 },
  { "deadline", 8 },
  { "accepted_at", SLOT_ACCEPTED_AT },
  { "created_at", SLOT_CREATED_AT },
  { "updated_at", SLOT_UPDATED_AT },
  { "version", SLOT_VERSION },
  { "tasks", SLOT_TASKS },
};

G_STATIC_ASSERT (G_N_ELEMENTS (story_resource_members) == N_RESOURCE_MEMBERS);

/* Labels and owners are read into a small array on the stack when they
 * fit, so reading a story allocates nothing of its own for them. */
#define STACK_ITEMS 16

static gboolean
read_labels (TsStory   *story,
             JsonNode  *node,
             gboolean   request,
             GError   **error)
{
  const char *stack[STACK_ITEMS + 1];
  g_autofree const char **heap = NULL;
  const char **labels = stack;
  JsonArray *array;
  guint n;

  if (!ts_json_read_array (node, "labels", "an array of strings", &array, error))
    return FALSE;

  n = json_array_get_length (array);
  if (n > STACK_ITEMS)
    labels = heap = g_new (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!ts_json_holds (element, G_TYPE_STRING))
        {
          ts_json_set_type_error (error, "labels", "an array of strings", FALSE);
          return FALSE;
        }
      if (!ts_json_read_string (element, "labels", &labels[i], error))
        return FALSE;
    }
  labels[n] = NULL;

  if (request && !ts_check_story_labels (labels, error))
    return FALSE;

  ts_story_set_labels (story, labels);
  return TRUE;
}

static gboolean
check_owner_ids (const gint64  *ids,
                 guint          n,
                 GError       **error)
{
  if (n > TS_STORY_MAX_OWNERS)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“owner_ids” has %u owners; at most %u are allowed",
                   n, TS_STORY_MAX_OWNERS);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      for (guint j = 0; j < i; j++)
        {
          if (ids[i] == ids[j])
            {
              g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "“owner_ids” has %" G_GINT64_FORMAT " twice", ids[i]);
              return FALSE;
            }
        }
    }

  return TRUE;
}

static gboolean
read_owner_ids (TsStory   *story,
                JsonNode  *node,
                gboolean   request,
                GError   **error)
{
  gint64 stack[STACK_ITEMS];
  g_autofree gint64 *heap = NULL;
  gint64 *ids = stack;
  JsonArray *array;
  guint n;

  if (!ts_json_read_array (node, "owner_ids", "an array of positive integers", &array, error))
    return FALSE;

  n = json_array_get_length (array);
  if (n > STACK_ITEMS)
    ids = heap = g_new (gint64, n);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!ts_json_holds (element, G_TYPE_INT64) || (ids[i] = json_node_get_int (element)) <= 0)
        {
          ts_json_set_type_error (error, "owner_ids", "an array of positive integers", FALSE);
          return FALSE;
        }
    }

  if (request && !check_owner_ids (ids, n, error))
    return FALSE;

  ts_story_set_owner_ids (story, ids, n);
  return TRUE;
}

/* Reads the member in slot @index into @story. A request's values are
 * also held to their limits and to the project's point scale; a
 * resource's are not, because the server already did that and a reader
 * of a list does not know the project. */
static gboolean
read_story_field (TsStory       *story,
                  guint          index,
                  JsonNode      *node,
                  gboolean       request,
                  TsPointScale   scale,
                  GError       **error)
{
  const char *name = story_members[index].name;
  const char *text;
  gint64 number;
  int value;
  TsDay day;

  switch (1 << index)
    {
    case TS_STORY_FIELD_TITLE:
      if (!ts_json_read_string (node, name, &text, error) ||
          (request && !ts_check_story_title (text, error)))
        return FALSE;
      ts_story_set_title (story, text);
      return TRUE;

    case TS_STORY_FIELD_DESCRIPTION:
      if (!ts_json_read_string (node, name, &text, error) ||
          (request && !ts_check_story_description (text, error)))
        return FALSE;
      ts_story_set_description (story, text);
      return TRUE;

    case TS_STORY_FIELD_TYPE:
      if (!ts_json_read_enum (node, name, TS_TYPE_STORY_TYPE, &value, error))
        return FALSE;
      ts_story_set_story_type (story, value);
      return TRUE;

    case TS_STORY_FIELD_ESTIMATE:
      number = TS_ESTIMATE_NONE;
      if (!ts_json_read_int (node, name, 0, G_MAXINT, TRUE, &number, error) ||
          (request && !ts_check_story_estimate ((int) number, scale, error)))
        return FALSE;
      ts_story_set_estimate (story, (int) number);
      return TRUE;

    case TS_STORY_FIELD_STATE:
      if (!ts_json_read_enum (node, name, TS_TYPE_STORY_STATE, &value, error))
        return FALSE;
      ts_story_set_state (story, value);
      return TRUE;

    case TS_STORY_FIELD_LABELS:
      return read_labels (story, node, request, error);

    case TS_STORY_FIELD_OWNER_IDS:
      return read_owner_ids (story, node, request, error);

    case TS_STORY_FIELD_REQUESTER_ID:
      /* A resource's requester may be gone (null); a request names one. */
      number = 0;
      if (!ts_json_read_id (node, name, !request, &number, error))
        return FALSE;
      ts_story_set_requester_id (story, number);
      return TRUE;

    case TS_STORY_FIELD_DEADLINE:
      day = TS_DAY_NONE;
      if (!ts_json_read_day (node, name, TRUE, &day, error))
        return FALSE;
      ts_story_set_deadline (story, day);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* Writes @fields of @story, in the order of their bits. */
static void
write_story_fields (JsonObject    *object,
                    TsStory       *story,
                    TsStoryFields  fields)
{
  if (fields & TS_STORY_FIELD_TITLE)
    json_object_set_string_member (object, "title", ts_story_get_title (story));
  if (fields & TS_STORY_FIELD_DESCRIPTION)
    json_object_set_string_member (object, "description", ts_story_get_description (story));
  if (fields & TS_STORY_FIELD_TYPE)
    json_object_set_string_member (object, "type",
                                   ts_story_type_to_string (ts_story_get_story_type (story)));
  if (fields & TS_STORY_FIELD_ESTIMATE)
    {
      if (ts_story_has_estimate (story))
        json_object_set_int_member (object, "estimate", ts_story_get_estimate (story));
      else
        json_object_set_null_member (object, "estimate");
    }
  if (fields & TS_STORY_FIELD_STATE)
    json_object_set_string_member (object, "state",
                                   ts_story_state_to_string (ts_story_get_state (story)));
  if (fields & TS_STORY_FIELD_LABELS)
    {
      const char * const *labels = ts_story_get_labels (story);
      JsonArray *array = json_array_new ();

      for (guint i = 0; labels[i] != NULL; i++)
        json_array_add_string_element (array, labels[i]);
      json_object_set_array_member (object, "labels", array);
    }
  if (fields & TS_STORY_FIELD_OWNER_IDS)
    {
      guint n_owner_ids;
      const gint64 *owner_ids = ts_story_get_owner_ids (story, &n_owner_ids);
      JsonArray *array = json_array_sized_new (n_owner_ids);

      for (guint i = 0; i < n_owner_ids; i++)
        json_array_add_int_element (array, owner_ids[i]);
      json_object_set_array_member (object, "owner_ids", array);
    }
  if (fields & TS_STORY_FIELD_REQUESTER_ID)
    ts_json_set_id_or_null (object, "requester_id", ts_story_get_requester_id (story));
  if (fields & TS_STORY_FIELD_DEADLINE)
    ts_json_set_day (object, "deadline", ts_story_get_deadline (story));
}

/**
 * ts_story_to_json:
 * @story: a story
 *
 * Returns: (transfer full): the story as doc/api.md's resource
 */
JsonNode *
ts_story_to_json (TsStory *story)
{
  JsonObject *object;

  g_return_val_if_fail (TS_IS_STORY (story), NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "id", ts_story_get_id (story));
  json_object_set_int_member (object, "project_id", ts_story_get_project_id (story));
  write_story_fields (object, story, TS_STORY_FIELDS_ALL);
  json_object_set_string_member (object, "position", ts_story_get_position (story));
  ts_json_set_timestamp (object, "accepted_at", ts_story_get_accepted_at (story));
  ts_json_set_timestamp (object, "created_at", ts_story_get_created_at (story));
  ts_json_set_timestamp (object, "updated_at", ts_story_get_updated_at (story));
  json_object_set_int_member (object, "version", ts_story_get_version (story));
  ts_json_set_tasks (object, ts_story_get_tasks (story));

  return ts_json_node_take_object (object);
}

/* Reads the resource's field in slot @index: a span of the list's text
 * (the common values) as the node's reader would read it, anything else,
 * errors included, by read_story_field() from the node. */
static gboolean
read_resource_field (TsStory      *story,
                     guint         index,
                     TsJsonSlots  *slots,
                     GError      **error)
{
  const char *name = story_members[index].name;
  const char *text;
  gint64 number;
  int value;
  TsDay day;

  switch (1 << index)
    {
    case TS_STORY_FIELD_TITLE:
    case TS_STORY_FIELD_DESCRIPTION:
      if (!ts_json_slots_read_string (slots, index, name, &text, error))
        return FALSE;
      if (index == 0)
        ts_story_set_title (story, text);
      else
        ts_story_set_description (story, text);
      return TRUE;

    case TS_STORY_FIELD_TYPE:
      if (!ts_json_slots_read_enum (slots, index, name, TS_TYPE_STORY_TYPE, &value, error))
        return FALSE;
      ts_story_set_story_type (story, value);
      return TRUE;

    case TS_STORY_FIELD_ESTIMATE:
      number = TS_ESTIMATE_NONE;
      if (!ts_json_slots_read_int (slots, index, name, 0, G_MAXINT, TRUE, &number, error))
        return FALSE;
      ts_story_set_estimate (story, (int) number);
      return TRUE;

    case TS_STORY_FIELD_STATE:
      if (!ts_json_slots_read_enum (slots, index, name, TS_TYPE_STORY_STATE, &value, error))
        return FALSE;
      ts_story_set_state (story, value);
      return TRUE;

    case TS_STORY_FIELD_LABELS:
      {
        const char *labels[STACK_ITEMS + 1];
        guint n;

        if (!ts_json_slots_get_strings (slots, index, labels, STACK_ITEMS, &n))
          break;
        labels[n] = NULL;
        ts_story_set_labels (story, labels);
        return TRUE;
      }

    case TS_STORY_FIELD_OWNER_IDS:
      {
        gint64 ids[STACK_ITEMS];
        guint n;
        gboolean positive = TRUE;

        if (!ts_json_slots_get_integers (slots, index, ids, STACK_ITEMS, &n))
          break;
        for (guint i = 0; i < n; i++)
          positive &= ids[i] > 0;
        if (!positive)
          break;
        ts_story_set_owner_ids (story, ids, n);
        return TRUE;
      }

    case TS_STORY_FIELD_REQUESTER_ID:
      /* A resource's requester may be gone (null). */
      number = 0;
      if (!ts_json_slots_read_id (slots, index, name, TRUE, &number, error))
        return FALSE;
      ts_story_set_requester_id (story, number);
      return TRUE;

    case TS_STORY_FIELD_DEADLINE:
      day = TS_DAY_NONE;
      if (!ts_json_slots_read_day (slots, index, name, TRUE, &day, error))
        return FALSE;
      ts_story_set_deadline (story, day);
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  return read_story_field (story, index, ts_json_slots_get_node (slots, index), FALSE,
                           TS_POINT_SCALE_FIBONACCI, error);
}

/* The text writer of a story: what ts_json_to_string() writes of
 * ts_story_to_json()'s tree, member by member, without the tree. */

static void
append_member (GString    *out,
               const char *name)
{
  g_string_append_printf (out, ",\"%s\":", name);
}

static void
append_string_or_null (GString    *out,
                       const char *text)
{
  if (text != NULL)
    ts_json_append_string (out, text);
  else
    g_string_append (out, "null");
}

static void
append_int (GString *out,
            gint64   value)
{
  g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

static void
append_timestamp (GString   *out,
                  GDateTime *date_time)
{
  g_autofree char *text = date_time != NULL ? ts_timestamp_to_string (date_time) : NULL;

  append_string_or_null (out, text);
}

static void
append_story_lists (GString *out,
                    TsStory *story)
{
  const char * const *labels = ts_story_get_labels (story);
  guint n_owner_ids;
  const gint64 *owner_ids = ts_story_get_owner_ids (story, &n_owner_ids);

  append_member (out, "labels");
  g_string_append_c (out, '[');
  for (guint i = 0; labels[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      ts_json_append_string (out, labels[i]);
    }
  g_string_append_c (out, ']');
  append_member (out, "owner_ids");
  g_string_append_c (out, '[');
  for (guint i = 0; i < n_owner_ids; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_int (out, owner_ids[i]);
    }
  g_string_append_c (out, ']');
}

static void
append_story_tasks (GString *out,
                    TsStory *story)
{
  GPtrArray *tasks = ts_story_get_tasks (story);

  append_member (out, "tasks");
  g_string_append_c (out, '[');
  for (guint i = 0; i < tasks->len; i++)
    {
      const TsTask *task = tasks->pdata[i];

      g_string_append (out, i > 0 ? ",{\"id\":" : "{\"id\":");
      append_int (out, task->id);
      append_member (out, "text");
      append_string_or_null (out, task->text);
      g_string_append (out, task->done ? ",\"done\":true" : ",\"done\":false");
      append_member (out, "position");
      append_string_or_null (out, task->position);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

/**
 * ts_story_to_string:
 * @story: a story
 *
 * The text of ts_json_to_string (ts_story_to_json (@story)), written
 * without the tree: a server writes one for every story it changes.
 *
 * Returns: (transfer full): compact JSON text
 */
char *
ts_story_to_string (TsStory *story)
{
  GString *out;
  char day[TS_DAY_ISO_LENGTH];
  TsDay deadline;

  g_return_val_if_fail (TS_IS_STORY (story), NULL);

  out = g_string_sized_new (512);
  g_string_append (out, "{\"id\":");
  append_int (out, ts_story_get_id (story));
  append_member (out, "project_id");
  append_int (out, ts_story_get_project_id (story));
  append_member (out, "title");
  append_string_or_null (out, ts_story_get_title (story));
  append_member (out, "description");
  append_string_or_null (out, ts_story_get_description (story));
  append_member (out, "type");
  append_string_or_null (out, ts_story_type_to_string (ts_story_get_story_type (story)));
  append_member (out, "estimate");
  if (ts_story_has_estimate (story))
    append_int (out, ts_story_get_estimate (story));
  else
    g_string_append (out, "null");
  append_member (out, "state");
  append_string_or_null (out, ts_story_state_to_string (ts_story_get_state (story)));
  append_story_lists (out, story);
  append_member (out, "requester_id");
  if (ts_story_get_requester_id (story) > 0)
    append_int (out, ts_story_get_requester_id (story));
  else
    g_string_append (out, "null");
  append_member (out, "deadline");
  deadline = ts_story_get_deadline (story);
  if (deadline != TS_DAY_NONE)
    ts_day_format (deadline, day);
  append_string_or_null (out, deadline != TS_DAY_NONE ? day : NULL);
  append_member (out, "position");
  append_string_or_null (out, ts_story_get_position (story));
  append_member (out, "accepted_at");
  append_timestamp (out, ts_story_get_accepted_at (story));
  append_member (out, "created_at");
  append_timestamp (out, ts_story_get_created_at (story));
  append_member (out, "updated_at");
  append_timestamp (out, ts_story_get_updated_at (story));
  append_member (out, "version");
  append_int (out, ts_story_get_version (story));
  append_story_tasks (out, story);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* Makes a story from the members of its resource, each in its slot. */
static gpointer
story_from_slots (TsJsonSlots  *slots,
                  GError      **error)
{
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GDateTime) accepted_at = NULL;
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GDateTime) updated_at = NULL;
  gint64 id = 0, project_id = 0, version = 0;
  const char *position;

  if (!ts_json_slots_read_id (slots, SLOT_ID, "id", FALSE, &id, error) ||
      !ts_json_slots_read_id (slots, SLOT_PROJECT_ID, "project_id", FALSE, &project_id, error) ||
      !ts_json_slots_read_string (slots, SLOT_POSITION, "position", &position, error) ||
      !ts_json_slots_read_timestamp (slots, SLOT_ACCEPTED_AT, "accepted_at", TRUE, &accepted_at, error) ||
      !ts_json_slots_read_timestamp (slots, SLOT_CREATED_AT, "created_at", FALSE, &created_at, error) ||
      !ts_json_slots_read_timestamp (slots, SLOT_UPDATED_AT, "updated_at", FALSE, &updated_at, error) ||
      !ts_json_slots_read_int (slots, SLOT_VERSION, "version", 0, G_MAXINT64, FALSE, &version, error))
    return NULL;

  story = ts_story_new ();
  for (guint i = 0; i < N_STORY_FIELDS; i++)
    if (!read_resource_field (story, i, slots, error))
      return NULL;
  /* Most stories have no tasks: `[]` needs no node. */
  if (!ts_json_slots_is_empty_array (slots, SLOT_TASKS) &&
      !ts_json_read_story_tasks (ts_json_slots_get_node (slots, SLOT_TASKS), story, error))
    return NULL;

  ts_story_set_id (story, id);
  ts_story_set_project_id (story, project_id);
  ts_story_set_position (story, position);
  ts_story_set_accepted_at (story, accepted_at);
  ts_story_set_created_at (story, created_at);
  ts_story_set_updated_at (story, updated_at);
  ts_story_set_version (story, version);

  return g_steal_pointer (&story);
}

/**
 * ts_story_from_json:
 * @object: a story as the server writes it
 *
 * Returns: (transfer full) (nullable): the story
 */
TsStory *
ts_story_from_json (JsonObject  *object,
                    GError     **error)
{
  JsonNode *nodes[N_RESOURCE_MEMBERS] = { NULL };
  TsJsonSlots slots;
  TsStory *story;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ts_json_collect_known (object, story_resource_members, N_RESOURCE_MEMBERS, nodes);
  ts_json_slots_init_nodes (&slots, nodes, N_RESOURCE_MEMBERS);
  story = story_from_slots (&slots, error);
  ts_json_slots_clear (&slots);
  return story;
}

/**
 * ts_stories_to_json:
 * @version: the project's version
 * @stories: (array length=n_stories): the stories, in priority order
 *
 * Returns: (transfer full): `{"version": N, "stories": […]}`
 */
JsonNode *
ts_stories_to_json (gint64           version,
                    TsStory * const *stories,
                    guint            n_stories)
{
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (stories != NULL || n_stories == 0, NULL);

  array = json_array_sized_new (n_stories);
  for (guint i = 0; i < n_stories; i++)
    json_array_add_element (array, ts_story_to_json (stories[i]));

  object = json_object_new ();
  json_object_set_int_member (object, "version", version);
  json_object_set_array_member (object, "stories", array);

  return ts_json_node_take_object (object);
}

/**
 * ts_stories_from_json:
 * @object: `{"version": N, "stories": […]}`
 * @out_version: (out) (optional): the project's version
 *
 * Returns: (transfer full) (element-type TsStory) (nullable): the stories
 */
GPtrArray *
ts_stories_from_json (JsonObject  *object,
                      gint64      *out_version,
                      GError     **error)
{
  GPtrArray *stories;
  gint64 version = 0;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ts_json_read_int (json_object_get_member (object, "version"), "version",
                         0, G_MAXINT64, FALSE, &version, error))
    return NULL;

  stories = ts_json_read_list (object, "stories", (TsJsonItemReader) ts_story_from_json,
                               g_object_unref, error);
  if (stories != NULL && out_version != NULL)
    *out_version = version;
  return stories;
}

static const TsJsonList story_list = {
  .name = "stories",
  .members = story_resource_members,
  .n_members = N_RESOURCE_MEMBERS,
  .n_slots = N_RESOURCE_MEMBERS,
  .read_item = story_from_slots,
  .free_item = g_object_unref,
};

/**
 * ts_stories_from_json_data:
 * @data: `{"version": N, "stories": […]}` as text
 * @length: its length in bytes, or -1 when it is NUL-terminated
 * @out_version: (out) (optional): the project's version
 *
 * The same as ts_json_parse_object() and ts_stories_from_json(), but read
 * straight from the text without a tree: the way to open a project of
 * thousands of stories.
 *
 * Returns: (transfer full) (element-type TsStory) (nullable): the stories
 */
GPtrArray *
ts_stories_from_json_data (const char  *data,
                           gssize       length,
                           gint64      *out_version,
                           GError     **error)
{
  GPtrArray *stories;
  gint64 version = 0;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stories = ts_json_parse_list (data, length < 0 ? strlen (data) : (gsize) length,
                                &story_list, &version, error);
  if (stories != NULL && out_version != NULL)
    *out_version = version;
  return stories;
}

/* Reads the members of a request that are there into @story. */
static gboolean
read_story_request_fields (TsStory        *story,
                           JsonNode      **slots,
                           TsPointScale    scale,
                           TsStoryFields  *out_fields,
                           GError        **error)
{
  TsStoryFields fields = TS_STORY_FIELD_NONE;

  for (guint i = 0; i < N_STORY_FIELDS; i++)
    {
      if (slots[i] == NULL)
        continue;
      if (!read_story_field (story, i, slots[i], TRUE, scale, error))
        return FALSE;
      fields |= 1 << i;
    }

  *out_fields = fields;
  return TRUE;
}

/**
 * ts_story_from_request_json:
 * @object: the body of `POST …/stories`
 * @scale: the project's point scale
 *
 * Only `title` is required; what is left out keeps the defaults of
 * ts_story_new(). Each value is checked on its own; whether the values fit
 * together (a deadline only on a release…) is ts_story_validate()'s job.
 *
 * Returns: (transfer full) (nullable): the story to create
 */
TsStory *
ts_story_from_request_json (JsonObject    *object,
                            TsPointScale   scale,
                            GError       **error)
{
  JsonNode *slots[N_STORY_MEMBERS] = { NULL };
  g_autoptr(TsStory) story = NULL;
  TsStoryFields fields;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A create has no base version to carry, so that member is unknown. */
  if (!ts_json_collect_members (object, story_members, N_STORY_FIELDS, slots, error))
    return NULL;
  if (slots[0] == NULL)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "“title” is required");
      return NULL;
    }

  story = ts_story_new ();
  if (!read_story_request_fields (story, slots, scale, &fields, error))
    return NULL;

  return g_steal_pointer (&story);
}

/**
 * ts_story_patch_new:
 *
 * Returns: (transfer full): a patch that changes nothing yet
 */
TsStoryPatch *
ts_story_patch_new (void)
{
  TsStoryPatch *patch = g_new0 (TsStoryPatch, 1);

  patch->values = ts_story_new ();
  return patch;
}

void
ts_story_patch_free (TsStoryPatch *patch)
{
  if (patch == NULL)
    return;

  g_clear_object (&patch->values);
  g_free (patch);
}

/**
 * ts_story_patch_from_json:
 * @object: the body of `PATCH …/stories/:sid`
 * @scale: the project's point scale
 *
 * Returns: (transfer full) (nullable): the patch; one that changes nothing
 *   is an error
 */
TsStoryPatch *
ts_story_patch_from_json (JsonObject    *object,
                          TsPointScale   scale,
                          GError       **error)
{
  JsonNode *slots[N_STORY_MEMBERS] = { NULL };
  g_autoptr(TsStoryPatch) patch = NULL;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ts_json_collect_members (object, story_members, N_STORY_MEMBERS, slots, error))
    return NULL;

  patch = ts_story_patch_new ();
  if (slots[BASE_VERSION_SLOT] != NULL)
    {
      if (!ts_json_read_int (slots[BASE_VERSION_SLOT], "base_version", 0, G_MAXINT64,
                             FALSE, &patch->base_version, error))
        return NULL;
      patch->has_base_version = TRUE;
    }

  if (!read_story_request_fields (patch->values, slots, scale, &patch->fields, error))
    return NULL;
  if (patch->fields == TS_STORY_FIELD_NONE)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "nothing to change: the patch names no field of the story");
      return NULL;
    }

  return g_steal_pointer (&patch);
}

/**
 * ts_story_patch_to_json:
 * @patch: a patch
 *
 * The body of a `PATCH`, and of a create when the patch holds the new
 * story's fields. A requester of 0 is written as null, which a request
 * may not carry: a patch does not take the requester away.
 *
 * Returns: (transfer full): the fields of the patch and its base version
 */
JsonNode *
ts_story_patch_to_json (TsStoryPatch *patch)
{
  JsonObject *object;

  g_return_val_if_fail (patch != NULL, NULL);
  g_return_val_if_fail (TS_IS_STORY (patch->values), NULL);

  object = json_object_new ();
  write_story_fields (object, patch->values, patch->fields);
  if (patch->has_base_version)
    json_object_set_int_member (object, "base_version", patch->base_version);

  return ts_json_node_take_object (object);
}

static const TsJsonMember move_members[] = {
  { "before_id", 0 },
  { "after_id", 1 },
  { "state", 2 },
};

/**
 * ts_move_request_from_json:
 * @object: the body of `POST …/stories/:sid/move`
 * @out_request: (out caller-allocates): the move, untouched on error
 *
 * Returns: %TRUE if the body names exactly one neighbour and at most a
 *   state in or out of the Icebox
 */
gboolean
ts_move_request_from_json (JsonObject     *object,
                           TsMoveRequest  *out_request,
                           GError        **error)
{
  JsonNode *slots[G_N_ELEMENTS (move_members)] = { NULL };
  TsMoveRequest request = { 0 };
  int state;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out_request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ts_json_collect_members (object, move_members, G_N_ELEMENTS (move_members), slots, error))
    return FALSE;

  if ((slots[0] == NULL) == (slots[1] == NULL))
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "a move names exactly one of “before_id” and “after_id”");
      return FALSE;
    }
  if ((slots[0] != NULL && !ts_json_read_id (slots[0], "before_id", FALSE, &request.before_id, error)) ||
      (slots[1] != NULL && !ts_json_read_id (slots[1], "after_id", FALSE, &request.after_id, error)))
    return FALSE;

  if (slots[2] != NULL)
    {
      if (!ts_json_read_enum (slots[2], "state", TS_TYPE_STORY_STATE, &state, error))
        return FALSE;
      if (state != TS_STORY_STATE_UNSCHEDULED && state != TS_STORY_STATE_UNSTARTED)
        {
          g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                               "“state” in a move must be unscheduled or unstarted");
          return FALSE;
        }
      request.has_state = TRUE;
      request.state = state;
    }

  *out_request = request;
  return TRUE;
}

/**
 * ts_move_request_to_json:
 * @request: a move with exactly one neighbour
 *
 * Returns: (transfer full): the body of the move
 */
JsonNode *
ts_move_request_to_json (const TsMoveRequest *request)
{
  JsonObject *object;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail ((request->before_id > 0) != (request->after_id > 0), NULL);

  object = json_object_new ();
  if (request->before_id > 0)
    json_object_set_int_member (object, "before_id", request->before_id);
  else
    json_object_set_int_member (object, "after_id", request->after_id);
  if (request->has_state)
    json_object_set_string_member (object, "state", ts_story_state_to_string (request->state));

  return ts_json_node_take_object (object);
}
