/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story"

#include "ts-story-private.h"

#include <string.h>

/**
 * TsStory:
 *
 * A user story as the API describes it. Setters notify only on change, so
 * a row bound to a story repaints only when an event really changed it.
 * Text fields are never %NULL (empty instead), labels are an empty strv
 * when there are none, and timestamps are UTC GDateTimes or %NULL.
 */

G_DEFINE_FINAL_TYPE (TsStory, ts_story, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PROJECT_ID,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_STORY_TYPE,
  PROP_ESTIMATE,
  PROP_STATE,
  PROP_POSITION,
  PROP_LABELS,
  PROP_OWNER_IDS,
  PROP_REQUESTER_ID,
  PROP_DEADLINE,
  PROP_ACCEPTED_AT,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_VERSION,
  PROP_TASKS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  TsStoryFields field;
  const char *name;
} field_names[] = {
  { TS_STORY_FIELD_TITLE, "title" },
  { TS_STORY_FIELD_DESCRIPTION, "description" },
  { TS_STORY_FIELD_TYPE, "type" },
  { TS_STORY_FIELD_ESTIMATE, "estimate" },
  { TS_STORY_FIELD_STATE, "state" },
  { TS_STORY_FIELD_LABELS, "labels" },
  { TS_STORY_FIELD_OWNER_IDS, "owner_ids" },
  { TS_STORY_FIELD_REQUESTER_ID, "requester_id" },
  { TS_STORY_FIELD_DEADLINE, "deadline" },
};

/**
 * ts_story_field_to_string:
 * @field: exactly one field
 *
 * Returns: the field's name in the API (`owner_ids`), or %NULL
 */
const char *
ts_story_field_to_string (TsStoryFields field)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    if (field_names[i].field == field)
      return field_names[i].name;
  return NULL;
}

gboolean
ts_story_field_from_string (const char    *name,
                            TsStoryFields *out_field)
{
  g_return_val_if_fail (out_field != NULL, FALSE);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (field_names); i++)
    {
      if (strcmp (field_names[i].name, name) == 0)
        {
          *out_field = field_names[i].field;
          return TRUE;
        }
    }
  return FALSE;
}

static void
ts_story_finalize (GObject *object)
{
  TsStory *self = (TsStory *)object;

  g_free (self->title);
  g_free (self->description);
  g_free (self->position);
  g_strfreev (self->labels);
  g_array_unref (self->owner_ids);
  g_ptr_array_unref (self->tasks);
  g_clear_pointer (&self->accepted_at, g_date_time_unref);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (ts_story_parent_class)->finalize (object);
}

static void
ts_story_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TsStory *self = TS_STORY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_PROJECT_ID:
      g_value_set_int64 (value, self->project_id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_STORY_TYPE:
      g_value_set_enum (value, self->story_type);
      break;
    case PROP_ESTIMATE:
      g_value_set_int (value, self->estimate);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_POSITION:
      g_value_set_string (value, self->position);
      break;
    case PROP_LABELS:
      g_value_set_boxed (value, self->labels);
      break;
    case PROP_OWNER_IDS:
      /* GArray's boxed copy is a reference, so reading this copies nothing. */
      g_value_set_boxed (value, self->owner_ids);
      break;
    case PROP_REQUESTER_ID:
      g_value_set_int64 (value, self->requester_id);
      break;
    case PROP_DEADLINE:
      g_value_set_uint (value, self->deadline);
      break;
    case PROP_ACCEPTED_AT:
      g_value_set_boxed (value, self->accepted_at);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_TASKS:
      g_value_set_boxed (value, self->tasks);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_story_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  TsStory *self = TS_STORY (object);

  switch (prop_id)
    {
    case PROP_ID:
      ts_story_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_PROJECT_ID:
      ts_story_set_project_id (self, g_value_get_int64 (value));
      break;
    case PROP_TITLE:
      ts_story_set_title (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      ts_story_set_description (self, g_value_get_string (value));
      break;
    case PROP_STORY_TYPE:
      ts_story_set_story_type (self, g_value_get_enum (value));
      break;
    case PROP_ESTIMATE:
      ts_story_set_estimate (self, g_value_get_int (value));
      break;
    case PROP_STATE:
      ts_story_set_state (self, g_value_get_enum (value));
      break;
    case PROP_POSITION:
      ts_story_set_position (self, g_value_get_string (value));
      break;
    case PROP_LABELS:
      ts_story_set_labels (self, g_value_get_boxed (value));
      break;
    case PROP_OWNER_IDS:
      {
        GArray *owner_ids = g_value_get_boxed (value);

        if (owner_ids != NULL)
          ts_story_set_owner_ids (self, (const gint64 *) (gpointer) owner_ids->data, owner_ids->len);
        else
          ts_story_set_owner_ids (self, NULL, 0);
      }
      break;
    case PROP_REQUESTER_ID:
      ts_story_set_requester_id (self, g_value_get_int64 (value));
      break;
    case PROP_DEADLINE:
      ts_story_set_deadline (self, g_value_get_uint (value));
      break;
    case PROP_ACCEPTED_AT:
      ts_story_set_accepted_at (self, g_value_get_boxed (value));
      break;
    case PROP_CREATED_AT:
      ts_story_set_created_at (self, g_value_get_boxed (value));
      break;
    case PROP_UPDATED_AT:
      ts_story_set_updated_at (self, g_value_get_boxed (value));
      break;
    case PROP_VERSION:
      ts_story_set_version (self, g_value_get_int64 (value));
      break;
    case PROP_TASKS:
      ts_story_set_tasks (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_story_class_init (TsStoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = ts_story_finalize;
  object_class->get_property = ts_story_get_property;
  object_class->set_property = ts_story_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PROJECT_ID] =
    g_param_spec_int64 ("project-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "", flags);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, "", flags);
  properties[PROP_STORY_TYPE] =
    g_param_spec_enum ("story-type", NULL, NULL,
                       TS_TYPE_STORY_TYPE, TS_STORY_TYPE_FEATURE, flags);
  properties[PROP_ESTIMATE] =
    g_param_spec_int ("estimate", NULL, NULL,
                      TS_ESTIMATE_NONE, G_MAXINT, TS_ESTIMATE_NONE, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TS_TYPE_STORY_STATE, TS_STORY_STATE_UNSCHEDULED, flags);
  properties[PROP_POSITION] =
    g_param_spec_string ("position", NULL, NULL, "", flags);
  properties[PROP_LABELS] =
    g_param_spec_boxed ("labels", NULL, NULL, G_TYPE_STRV, flags);
  /* A GArray of gint64 user ids. */
  properties[PROP_OWNER_IDS] =
    g_param_spec_boxed ("owner-ids", NULL, NULL, G_TYPE_ARRAY, flags);
  properties[PROP_REQUESTER_ID] =
    g_param_spec_int64 ("requester-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DEADLINE] =
    g_param_spec_uint ("deadline", NULL, NULL, 0, G_MAXUINT32, TS_DAY_NONE, flags);
  properties[PROP_ACCEPTED_AT] =
    g_param_spec_boxed ("accepted-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* A GPtrArray of TsTask, in order. */
  properties[PROP_TASKS] =
    g_param_spec_boxed ("tasks", NULL, NULL, G_TYPE_PTR_ARRAY, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_story_init (TsStory *self)
{
  self->title = g_strdup ("");
  self->description = g_strdup ("");
  self->story_type = TS_STORY_TYPE_FEATURE;
  self->estimate = TS_ESTIMATE_NONE;
  self->state = TS_STORY_STATE_UNSCHEDULED;
  self->position = g_strdup ("");
  self->labels = g_new0 (char *, 1);
  self->owner_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_task_free);
}

TsStory *
ts_story_new (void)
{
  return g_object_new (TS_TYPE_STORY, NULL);
}

/**
 * ts_story_copy:
 * @self: a story
 *
 * A deep copy, for the optimistic edits of the sync engine (keep the
 * original to roll back) and for the server's merge.
 *
 * Returns: (transfer full): a new story with the same values
 */
TsStory *
ts_story_copy (TsStory *self)
{
  TsStory *copy;

  g_return_val_if_fail (TS_IS_STORY (self), NULL);

  copy = ts_story_new ();
  copy->id = self->id;
  copy->project_id = self->project_id;
  copy->version = self->version;
  ts_story_set_position (copy, self->position);
  copy->accepted_at = self->accepted_at ? g_date_time_ref (self->accepted_at) : NULL;
  copy->created_at = self->created_at ? g_date_time_ref (self->created_at) : NULL;
  copy->updated_at = self->updated_at ? g_date_time_ref (self->updated_at) : NULL;
  ts_story_apply (copy, self, TS_STORY_FIELDS_ALL);
  ts_story_set_tasks (copy, self->tasks);

  return copy;
}

/* Replaces *@field with a copy of @value; returns FALSE if they were equal. */
static gboolean
replace_text (char       **field,
              const char  *value)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* Timestamps are kept in UTC; one that already is is shared, not copied. */
static GDateTime *
date_time_ref_utc (GDateTime *value)
{
  if (g_date_time_get_utc_offset (value) == 0)
    return g_date_time_ref (value);
  return g_date_time_to_utc (value);
}

static gboolean
replace_date_time (GDateTime **field,
                   GDateTime  *value)
{
  if (*field == value ||
      (*field != NULL && value != NULL && g_date_time_equal (*field, value)))
    return FALSE;
  g_clear_pointer (field, g_date_time_unref);
  *field = value != NULL ? date_time_ref_utc (value) : NULL;
  return TRUE;
}

#define DEFINE_SCALAR_ACCESSORS(ctype, name, PROP)                      \
ctype                                                                   \
ts_story_get_##name (TsStory *self)                                     \
{                                                                       \
  g_return_val_if_fail (TS_IS_STORY (self), (ctype) 0);                 \
  return self->name;                                                    \
}                                                                       \
                                                                        \
void                                                                    \
ts_story_set_##name (TsStory *self,                                     \
                     ctype    name)                                     \
{                                                                       \
  g_return_if_fail (TS_IS_STORY (self));                                \
  if (self->name == name)                                               \
    return;                                                             \
  self->name = name;                                                    \
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);         \
}

#define DEFINE_TEXT_ACCESSORS(name, PROP)                               \
const char *                                                            \
ts_story_get_##name (TsStory *self)                                     \
{                                                                       \
  g_return_val_if_fail (TS_IS_STORY (self), NULL);                      \
  return self->name;                                                    \
}                                                                       \
                                                                        \
void                                                                    \
ts_story_set_##name (TsStory    *self,                                  \
                     const char *name)                                  \
{                                                                       \
  g_return_if_fail (TS_IS_STORY (self));                                \
  if (replace_text (&self->name, name))                                 \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);       \
}

#define DEFINE_DATE_TIME_ACCESSORS(name, PROP)                          \
GDateTime *                                                             \
ts_story_get_##name (TsStory *self)                                     \
{                                                                       \
  g_return_val_if_fail (TS_IS_STORY (self), NULL);                      \
  return self->name;                                                    \
}                                                                       \
                                                                        \
void                                                                    \
ts_story_set_##name (TsStory   *self,                                   \
                     GDateTime *name)                                   \
{                                                                       \
  g_return_if_fail (TS_IS_STORY (self));                                \
  if (replace_date_time (&self->name, name))                            \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);       \
}

DEFINE_SCALAR_ACCESSORS (gint64, id, PROP_ID)
DEFINE_SCALAR_ACCESSORS (gint64, project_id, PROP_PROJECT_ID)
DEFINE_SCALAR_ACCESSORS (TsStoryType, story_type, PROP_STORY_TYPE)
DEFINE_SCALAR_ACCESSORS (int, estimate, PROP_ESTIMATE)
DEFINE_SCALAR_ACCESSORS (TsStoryState, state, PROP_STATE)
DEFINE_SCALAR_ACCESSORS (gint64, requester_id, PROP_REQUESTER_ID)
DEFINE_SCALAR_ACCESSORS (TsDay, deadline, PROP_DEADLINE)
DEFINE_SCALAR_ACCESSORS (gint64, version, PROP_VERSION)
DEFINE_TEXT_ACCESSORS (title, PROP_TITLE)
DEFINE_TEXT_ACCESSORS (description, PROP_DESCRIPTION)
DEFINE_TEXT_ACCESSORS (position, PROP_POSITION)
DEFINE_DATE_TIME_ACCESSORS (accepted_at, PROP_ACCEPTED_AT)
DEFINE_DATE_TIME_ACCESSORS (created_at, PROP_CREATED_AT)
DEFINE_DATE_TIME_ACCESSORS (updated_at, PROP_UPDATED_AT)

/**
 * ts_story_get_labels:
 *
 * Returns: (transfer none): the labels, in the order people gave them
 */
const char * const *
ts_story_get_labels (TsStory *self)
{
  g_return_val_if_fail (TS_IS_STORY (self), NULL);

  return (const char * const *) self->labels;
}

void
ts_story_set_labels (TsStory            *self,
                     const char * const *labels)
{
  static const char * const no_labels[] = { NULL };

  g_return_if_fail (TS_IS_STORY (self));

  if (labels == NULL)
    labels = no_labels;
  if (g_strv_equal ((const char * const *) self->labels, labels))
    return;

  g_strfreev (self->labels);
  self->labels = g_strdupv ((char **) labels);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABELS]);
}

/**
 * ts_story_get_owner_ids:
 * @n_owner_ids: (out): how many owners
 *
 * Returns: (array length=n_owner_ids) (transfer none): the owners' user ids
 */
const gint64 *
ts_story_get_owner_ids (TsStory *self,
                        guint   *n_owner_ids)
{
  g_return_val_if_fail (TS_IS_STORY (self), NULL);
  g_return_val_if_fail (n_owner_ids != NULL, NULL);

  *n_owner_ids = self->owner_ids->len;
  return (const gint64 *) (gpointer) self->owner_ids->data;
}

void
ts_story_set_owner_ids (TsStory      *self,
                        const gint64 *owner_ids,
                        guint         n_owner_ids)
{
  g_return_if_fail (TS_IS_STORY (self));
  g_return_if_fail (owner_ids != NULL || n_owner_ids == 0);

  if (self->owner_ids->len == n_owner_ids &&
      (n_owner_ids == 0 ||
       memcmp (self->owner_ids->data, owner_ids, n_owner_ids * sizeof (gint64)) == 0))
    return;

  g_array_set_size (self->owner_ids, 0);
  g_array_append_vals (self->owner_ids, owner_ids, n_owner_ids);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWNER_IDS]);
}

/**
 * ts_story_get_tasks:
 *
 * Returns: (transfer none) (element-type TsTask): the story's checklist,
 *   in order; it is replaced, never changed, by ts_story_set_tasks()
 */
GPtrArray *
ts_story_get_tasks (TsStory *self)
{
  g_return_val_if_fail (TS_IS_STORY (self), NULL);

  return self->tasks;
}

/**
 * ts_story_set_tasks:
 * @tasks: (element-type TsTask) (nullable): the tasks in order, copied
 *
 * Notifies `tasks` only when the list differs.
 */
void
ts_story_set_tasks (TsStory   *self,
                    GPtrArray *tasks)
{
  g_return_if_fail (TS_IS_STORY (self));

  if (ts_task_list_equal (self->tasks, tasks))
    return;
  g_ptr_array_unref (self->tasks);
  self->tasks = ts_task_list_copy (tasks);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASKS]);
}

/* How many of the story's tasks are ticked, for a row's "2/5". */
guint
ts_story_count_done_tasks (TsStory *self)
{
  guint done = 0;

  g_return_val_if_fail (TS_IS_STORY (self), 0);

  for (guint i = 0; i < self->tasks->len; i++)
    done += ((TsTask *) self->tasks->pdata[i])->done ? 1 : 0;
  return done;
}

gboolean
ts_story_has_owner (TsStory *self,
                    gint64   user_id)
{
  g_return_val_if_fail (TS_IS_STORY (self), FALSE);

  for (guint i = 0; i < self->owner_ids->len; i++)
    if (g_array_index (self->owner_ids, gint64, i) == user_id)
      return TRUE;
  return FALSE;
}

gboolean
ts_story_has_estimate (TsStory *self)
{
  g_return_val_if_fail (TS_IS_STORY (self), FALSE);

  return self->estimate != TS_ESTIMATE_NONE;
}

/**
 * ts_story_get_points:
 * @self: a story
 * @bugs_and_chores_are_pointed: the project's setting
 *
 * The points a story counts for in planning (doc/planning.md, rule 2):
 * features always count their estimate, bugs and chores only when the
 * project says so, releases never; no estimate counts 0.
 */
int
ts_story_get_points (TsStory  *self,
                     gboolean  bugs_and_chores_are_pointed)
{
  g_return_val_if_fail (TS_IS_STORY (self), 0);

  if (self->estimate == TS_ESTIMATE_NONE)
    return 0;

  switch (self->story_type)
    {
    case TS_STORY_TYPE_FEATURE:
      return self->estimate;
    case TS_STORY_TYPE_BUG:
    case TS_STORY_TYPE_CHORE:
      return bugs_and_chores_are_pointed ? self->estimate : 0;
    case TS_STORY_TYPE_RELEASE:
    default:
      return 0;
    }
}

static gboolean
date_times_equal (GDateTime *a,
                  GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_date_time_equal (a, b);
}

static gboolean
owner_ids_equal (TsStory *a,
                 TsStory *b)
{
  return a->owner_ids->len == b->owner_ids->len &&
         (a->owner_ids->len == 0 ||
          memcmp (a->owner_ids->data, b->owner_ids->data,
                  a->owner_ids->len * sizeof (gint64)) == 0);
}

/**
 * ts_story_diff:
 * @a: a story
 * @b: another story
 * @fields: the fields to compare
 *
 * Returns: those of @fields whose values differ between @a and @b
 */
TsStoryFields
ts_story_diff (TsStory       *a,
               TsStory       *b,
               TsStoryFields  fields)
{
  TsStoryFields differ = TS_STORY_FIELD_NONE;

  g_return_val_if_fail (TS_IS_STORY (a), TS_STORY_FIELD_NONE);
  g_return_val_if_fail (TS_IS_STORY (b), TS_STORY_FIELD_NONE);

  if ((fields & TS_STORY_FIELD_TITLE) && strcmp (a->title, b->title) != 0)
    differ |= TS_STORY_FIELD_TITLE;
  if ((fields & TS_STORY_FIELD_DESCRIPTION) && strcmp (a->description, b->description) != 0)
    differ |= TS_STORY_FIELD_DESCRIPTION;
  if ((fields & TS_STORY_FIELD_TYPE) && a->story_type != b->story_type)
    differ |= TS_STORY_FIELD_TYPE;
  if ((fields & TS_STORY_FIELD_ESTIMATE) && a->estimate != b->estimate)
    differ |= TS_STORY_FIELD_ESTIMATE;
  if ((fields & TS_STORY_FIELD_STATE) && a->state != b->state)
    differ |= TS_STORY_FIELD_STATE;
  if ((fields & TS_STORY_FIELD_LABELS) &&
      !g_strv_equal ((const char * const *) a->labels, (const char * const *) b->labels))
    differ |= TS_STORY_FIELD_LABELS;
  if ((fields & TS_STORY_FIELD_OWNER_IDS) && !owner_ids_equal (a, b))
    differ |= TS_STORY_FIELD_OWNER_IDS;
  if ((fields & TS_STORY_FIELD_REQUESTER_ID) && a->requester_id != b->requester_id)
    differ |= TS_STORY_FIELD_REQUESTER_ID;
  if ((fields & TS_STORY_FIELD_DEADLINE) && a->deadline != b->deadline)
    differ |= TS_STORY_FIELD_DEADLINE;

  return differ;
}

/**
 * ts_story_apply:
 * @self: the story to change
 * @source: the story holding the new values
 * @fields: the fields to copy
 *
 * Copies @fields from @source into @self, notifying what changed. This is
 * how a patch lands, on the server and in the client's optimistic edit.
 */
void
ts_story_apply (TsStory       *self,
                TsStory       *source,
                TsStoryFields  fields)
{
  g_return_if_fail (TS_IS_STORY (self));
  g_return_if_fail (TS_IS_STORY (source));

  g_object_freeze_notify (G_OBJECT (self));
  if (fields & TS_STORY_FIELD_TITLE)
    ts_story_set_title (self, source->title);
  if (fields & TS_STORY_FIELD_DESCRIPTION)
    ts_story_set_description (self, source->description);
  if (fields & TS_STORY_FIELD_TYPE)
    ts_story_set_story_type (self, source->story_type);
  if (fields & TS_STORY_FIELD_ESTIMATE)
    ts_story_set_estimate (self, source->estimate);
  if (fields & TS_STORY_FIELD_STATE)
    ts_story_set_state (self, source->state);
  if (fields & TS_STORY_FIELD_LABELS)
    ts_story_set_labels (self, (const char * const *) source->labels);
  if (fields & TS_STORY_FIELD_OWNER_IDS)
    ts_story_set_owner_ids (self, (const gint64 *) (gpointer) source->owner_ids->data,
                            source->owner_ids->len);
  if (fields & TS_STORY_FIELD_REQUESTER_ID)
    ts_story_set_requester_id (self, source->requester_id);
  if (fields & TS_STORY_FIELD_DEADLINE)
    ts_story_set_deadline (self, source->deadline);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * ts_story_equal:
 *
 * Returns: %TRUE if every field, server-owned ones included, is the same
 */
gboolean
ts_story_equal (TsStory *a,
                TsStory *b)
{
  g_return_val_if_fail (TS_IS_STORY (a), FALSE);
  g_return_val_if_fail (TS_IS_STORY (b), FALSE);

  return a->id == b->id &&
         a->project_id == b->project_id &&
         a->version == b->version &&
         strcmp (a->position, b->position) == 0 &&
         date_times_equal (a->accepted_at, b->accepted_at) &&
         date_times_equal (a->created_at, b->created_at) &&
         date_times_equal (a->updated_at, b->updated_at) &&
         ts_task_list_equal (a->tasks, b->tasks) &&
         ts_story_diff (a, b, TS_STORY_FIELDS_ALL) == TS_STORY_FIELD_NONE;
}
