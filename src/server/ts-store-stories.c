/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* Stories and their comments: create, the field-by-field merge of
 * concurrent edits, moves that write one row, deletes. */

#include "ts-store-private.h"

/* The per-field version columns, in the order of the TsStoryFields bits. */
static const char * const field_version_columns[] = {
  "title_v", "description_v", "type_v", "estimate_v", "state_v",
  "labels_v", "owner_ids_v", "requester_id_v", "deadline_v",
};

G_STATIC_ASSERT (G_N_ELEMENTS (field_version_columns) == 9);

/* A story is stored as its resource JSON, plus the few columns that
 * queries need (its order, its state and estimate, the versions of its
 * fields). Listing a project's stories is then a concatenation, with no
 * object made, and a story read back is exactly what was sent. */
static TsStory *
story_from_json_text (TsStore     *self,
                      const char  *text,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) object = ts_json_parse_object (text, -1, &local_error);
  TsStory *story = NULL;

  if (object != NULL)
    story = ts_story_from_json (object, &local_error);
  if (story == NULL)
    g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_FAILED,
                 "a stored story is damaged: %s", local_error->message);
  return story;
}

/* `{"version": N, "stories": […]}` of a project, straight from the stored
 * JSON of its stories, in priority order. */
static GString *
stories_text (TsStore  *self,
              gint64    project_id,
              gint64    version,
              GError  **error)
{
  GString *text = g_string_sized_new (4096);
  TsDbStatement *statement;
  int status;
  guint n = 0;

  statement = ts_store_prepare (self, "SELECT json FROM stories WHERE project_id = ? "
                                      "ORDER BY position", error);
  if (statement == NULL)
    return NULL;
  g_string_append_printf (text, "{\"version\":%" G_GINT64_FORMAT ",\"stories\":[", version);
  ts_db_bind_int64 (statement, 1, project_id);
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    {
      if (n++ > 0)
        g_string_append_c (text, ',');
      g_string_append (text, ts_store_column_text (statement, 0));
    }
  ts_db_reset (statement);
  if (status != TS_DB_DONE)
    {
      ts_store_set_db_error (self, error);
      g_string_free (text, TRUE);
      return NULL;
    }
  g_string_append (text, "]}");
  return text;
}

/**
 * ts_store_dup_stories_json:
 *
 * The answer of `GET …/stories`, made without making a story: opening a
 * project of 10,000 stories must be quick.
 *
 * Returns: (transfer full) (nullable): `{"version": N, "stories": […]}`
 */
GString *
ts_store_dup_stories_json (TsStore  *self,
                           gint64    user_id,
                           gint64    project_id,
                           GError  **error)
{
  g_autoptr(TsProject) project = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if ((project = ts_store_get_project (self, user_id, project_id, error)) == NULL)
    return NULL;
  return stories_text (self, project_id, ts_project_get_version (project), error);
}

/**
 * ts_store_list_stories:
 * @out_version: (out): the project's version the list is at
 *
 * Returns: (transfer full) (element-type TsStory): the stories in priority
 *   order
 */
GPtrArray *
ts_store_list_stories (TsStore  *self,
                       gint64    user_id,
                       gint64    project_id,
                       gint64   *out_version,
                       GError  **error)
{
  g_autoptr(GString) text = NULL;
  GPtrArray *stories;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if ((text = ts_store_dup_stories_json (self, user_id, project_id, error)) == NULL)
    return NULL;
  stories = ts_stories_from_json_data (text->str, text->len, out_version, error);
  if (stories == NULL)
    g_prefix_error (error, "the stored stories are damaged: ");
  return stories;
}

/* A story of the project, without the membership check. */
static TsStory *
load_story (TsStore  *self,
            gint64    project_id,
            gint64    story_id,
            GError  **error)
{
  TsDbStatement *statement;
  TsStory *story = NULL;
  TsDbStep step;

  statement = ts_store_prepare (self, "SELECT json FROM stories WHERE id = ? AND project_id = ?",
                                error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, story_id);
  ts_db_bind_int64 (statement, 2, project_id);
  step = ts_store_step_lookup (self, statement, error);
  if (step == TS_DB_ROW)
    {
      story = story_from_json_text (self, ts_store_column_text (statement, 0), error);
      ts_db_reset (statement);
      return story;
    }
  ts_db_reset (statement);

  if (step == TS_DB_DONE)
    g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                 "there is no story %" G_GINT64_FORMAT " in this project", story_id);
  return story;
}

TsStory *
ts_store_get_story (TsStore  *self,
                    gint64    user_id,
                    gint64    project_id,
                    gint64    story_id,
                    GError  **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!ts_store_check_member (self, user_id, project_id, error))
    return NULL;
  return load_story (self, project_id, story_id, error);
}

/* Writes @story's JSON, as its row holds it, and keeps it for the change
 * record and the answer (ts_store_take_story_json()). */
static const char *
write_story_json (TsStore *self,
                  TsStory *story)
{
  g_free (self->story_json);
  self->story_json = ts_story_to_string (story);
  self->story_json_id = ts_story_get_id (story);
  self->story_json_version = ts_story_get_version (story);
  return self->story_json;
}

/* The id the next story's row gets, taken before its insert so that the
 * JSON the insert writes can carry it: SQLite's AUTOINCREMENT gives one
 * above both the highest id it ever gave and the highest in the table
 * (and keeps an id given explicitly as the highest), PostgreSQL's
 * identity takes it from its sequence. */
static gint64
next_story_id (TsStore  *self,
               GError  **error)
{
  TsDbStatement *statement =
    ts_store_prepare (self, ts_store_is_postgresql (self)
                      ? "SELECT nextval(pg_get_serial_sequence('stories', 'id'))"
                      : "SELECT max(coalesce((SELECT seq FROM sqlite_sequence "
                        "                     WHERE name = 'stories'), 0), "
                        "           coalesce((SELECT max(id) FROM stories), 0)) + 1", error);
  gint64 id = 0;

  if (statement == NULL)
    return 0;
  if (ts_db_step (statement) == TS_DB_ROW)
    id = ts_db_column_int64 (statement, 0);
  else
    ts_store_set_db_error (self, error);
  ts_db_reset (statement);
  return id;
}

/* A new story's row, written whole in one INSERT, every field marked with
 * its version. */
static gboolean
insert_story (TsStore  *self,
              TsStory  *story,
              GError  **error)
{
  TsDbStatement *statement;
  gint64 id = next_story_id (self, error);

  if (id == 0)
    return FALSE;
  statement = ts_store_prepare (self, "INSERT INTO stories (id, project_id, position, state, "
                                      "estimate, version, json, title_v, description_v, type_v, "
                                      "estimate_v, state_v, labels_v, owner_ids_v, "
                                      "requester_id_v, deadline_v) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?6, ?6, ?6, ?6, "
                                      "?6, ?6, ?6, ?6)", error);
  if (statement == NULL)
    return FALSE;
  ts_story_set_id (story, id);
  ts_db_bind_int64 (statement, 1, id);
  ts_db_bind_int64 (statement, 2, ts_story_get_project_id (story));
  ts_db_bind_text (statement, 3, ts_story_get_position (story));
  ts_db_bind_text (statement, 4, ts_story_state_to_string (ts_story_get_state (story)));
  if (ts_story_has_estimate (story))
    ts_db_bind_int64 (statement, 5, ts_story_get_estimate (story));
  else
    ts_db_bind_null (statement, 5);
  ts_db_bind_int64 (statement, 6, ts_story_get_version (story));
  ts_db_bind_text (statement, 7, write_story_json (self, story));
  return ts_store_step_done (self, statement, error);
}

/* Writes @story to its row, marking @changed fields (and the row) with
 * its version. A new story's row is written by one INSERT; its tasks get
 * their ids once it has a row, and its JSON, which holds them, is written
 * again then. */
static gboolean
write_story (TsStore        *self,
             TsStory        *story,
             TsStoryFields   changed,
             gboolean        insert,
             GError        **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  TsDbStatement *statement;
  const char *text;

  if (insert)
    {
      if (!insert_story (self, story, error))
        return FALSE;
      if (ts_story_get_tasks (story)->len == 0)
        return TRUE;
      if (!ts_store_insert_tasks (self, story, error))
        return FALSE;
      changed = TS_STORY_FIELD_NONE;
    }

  g_string_append (sql, "UPDATE stories SET position = ?1, state = ?2, estimate = ?3, "
                        "version = ?4, json = ?5");
  for (guint i = 0; i < G_N_ELEMENTS (field_version_columns); i++)
    if (changed & (1 << i))
      g_string_append_printf (sql, ", %s = ?4", field_version_columns[i]);
  g_string_append (sql, " WHERE id = ?6");
  /* The text varies with @changed, so it is interned to be the key of the
   * statement cache: at most 512 variants exist. */
  text = g_intern_string (sql->str);

  statement = ts_store_prepare (self, text, error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_text (statement, 1, ts_story_get_position (story));
  ts_db_bind_text (statement, 2, ts_story_state_to_string (ts_story_get_state (story)));
  if (ts_story_has_estimate (story))
    ts_db_bind_int64 (statement, 3, ts_story_get_estimate (story));
  else
    ts_db_bind_null (statement, 3);
  ts_db_bind_int64 (statement, 4, ts_story_get_version (story));
  ts_db_bind_text (statement, 5, write_story_json (self, story));
  ts_db_bind_int64 (statement, 6, ts_story_get_id (story));
  return ts_store_step_done (self, statement, error);
}

/**
 * ts_store_take_story_json:
 *
 * A story's row holds its JSON as the API gives it: a change that wrote
 * the story last answers with the same text instead of writing it again.
 *
 * Returns: (transfer full) (nullable): the JSON the open or last change
 *   wrote for @version of story @story_id, or %NULL when it wrote none
 */
char *
ts_store_take_story_json (TsStore *self,
                          gint64   story_id,
                          gint64   version)
{
  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (self->story_json == NULL || self->story_json_id != story_id ||
      self->story_json_version != version)
    return NULL;
  return g_steal_pointer (&self->story_json);
}

/**
 * ts_store_map_estimates:
 *
 * doc/planning.md: a new point scale moves every stored estimate to its
 * nearest value, in the same change (version @version).
 */
gboolean
ts_store_map_estimates (TsStore       *self,
                        gint64         project_id,
                        TsPointScale   scale,
                        gint64         version,
                        GDateTime     *now,
                        GError       **error)
{
  g_autoptr(GPtrArray) stories = g_ptr_array_new_with_free_func (g_object_unref);
  TsDbStatement *statement;
  int status;

  statement = ts_store_prepare (self, "SELECT json FROM stories "
                                      "WHERE project_id = ? AND estimate IS NOT NULL", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    {
      TsStory *story = story_from_json_text (self, ts_store_column_text (statement, 0), error);

      if (story == NULL)
        break;
      g_ptr_array_add (stories, story);
    }
  ts_db_reset (statement);
  if (status != TS_DB_DONE)
    {
      if (error != NULL && *error == NULL)
        ts_store_set_db_error (self, error);
      return FALSE;
    }

  /* Read first, written after: the rows change under no open statement. */
  for (guint i = 0; i < stories->len; i++)
    {
      TsStory *story = stories->pdata[i];
      int mapped = ts_point_scale_nearest (scale, ts_story_get_estimate (story));

      if (mapped == ts_story_get_estimate (story))
        continue;
      ts_story_set_estimate (story, mapped);
      ts_story_set_version (story, version);
      ts_story_set_updated_at (story, now);
      if (!write_story (self, story, TS_STORY_FIELD_ESTIMATE, FALSE, error))
        return FALSE;
    }
  return TRUE;
}

/* The position of a neighbour of a key, in priority order: the story just
 * above (@above) or just below it, leaving out @moving. NULL at an end. */
static char *
neighbour_position (TsStore     *self,
                    gint64       project_id,
                    const char  *position,
                    gboolean     above,
                    gint64       moving,
                    GError     **error)
{
  TsDbStatement *statement;
  char *neighbour = NULL;

  statement = ts_store_prepare (self, above
                                ? "SELECT position FROM stories WHERE project_id = ? AND position < ? "
                                  "AND id != ? ORDER BY position DESC LIMIT 1"
                                : "SELECT position FROM stories WHERE project_id = ? AND position > ? "
                                  "AND id != ? ORDER BY position LIMIT 1", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_text (statement, 2, position);
  ts_db_bind_int64 (statement, 3, moving);
  if (ts_db_step (statement) == TS_DB_ROW)
    neighbour = g_strdup (ts_store_column_text (statement, 0));
  ts_db_reset (statement);
  return neighbour;
}

/* A key directly above or below the story @neighbour_id (doc/api.md, Ordering),
 * for the story @moving (0 for a new one). */
static char *
position_next_to (TsStore              *self,
                  gint64                project_id,
                  const TsMoveRequest  *placement,
                  gint64                moving,
                  GError              **error)
{
  gint64 neighbour_id = placement->before_id != 0 ? placement->before_id : placement->after_id;
  gboolean above = placement->before_id != 0;
  g_autoptr(TsStory) neighbour = NULL;
  g_autofree char *other = NULL;
  const char *key;

  if (neighbour_id == moving)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "a story cannot be moved next to itself");
      return NULL;
    }
  neighbour = load_story (self, project_id, neighbour_id, NULL);
  if (neighbour == NULL)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” names no story of this project", above ? "before_id" : "after_id");
      return NULL;
    }

  key = ts_story_get_position (neighbour);
  other = neighbour_position (self, project_id, key, above, moving, error);
  if (other == NULL && error != NULL && *error != NULL)
    return NULL;
  return above ? ts_position_between (other, key) : ts_position_between (key, other);
}

/* doc/api.md: without a neighbour, an unscheduled story goes to the end of the
 * Icebox (the end of the list); any other right after the last story that
 * is not unscheduled. */
static char *
default_position (TsStore       *self,
                  gint64         project_id,
                  TsStoryState   state,
                  GError       **error)
{
  TsDbStatement *statement;
  g_autofree char *last = NULL;
  g_autofree char *next = NULL;

  statement = ts_store_prepare (self, state == TS_STORY_STATE_UNSCHEDULED
                                ? "SELECT max(position) FROM stories WHERE project_id = ?"
                                : "SELECT max(position) FROM stories WHERE project_id = ? "
                                  "AND state != 'unscheduled'", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  if (ts_db_step (statement) == TS_DB_ROW && !ts_db_column_is_null (statement, 0))
    last = g_strdup (ts_store_column_text (statement, 0));
  ts_db_reset (statement);

  if (state != TS_STORY_STATE_UNSCHEDULED)
    {
      if (last != NULL)
        next = neighbour_position (self, project_id, last, FALSE, 0, error);
      else
        {
          /* Nothing is scheduled: the new story goes above the Icebox. */
          g_clear_pointer (&last, g_free);
          statement = ts_store_prepare (self, "SELECT min(position) FROM stories WHERE project_id = ?",
                                        error);
          if (statement == NULL)
            return NULL;
          ts_db_bind_int64 (statement, 1, project_id);
          if (ts_db_step (statement) == TS_DB_ROW &&
              !ts_db_column_is_null (statement, 0))
            next = g_strdup (ts_store_column_text (statement, 0));
          ts_db_reset (statement);
        }
    }
  return ts_position_between (last, next);
}

/* The server sets accepted_at when a story enters accepted and clears it
 * when it leaves (doc/api.md). */
static void
update_accepted_at (TsStory      *story,
                    TsStoryState  old_state,
                    GDateTime    *now)
{
  TsStoryState state = ts_story_get_state (story);

  if (state == TS_STORY_STATE_ACCEPTED && old_state != TS_STORY_STATE_ACCEPTED)
    ts_story_set_accepted_at (story, now);
  else if (state != TS_STORY_STATE_ACCEPTED)
    ts_story_set_accepted_at (story, NULL);
}

static gboolean
check_owners_are_members (TsStore  *self,
                          TsStory  *story,
                          gint64    project_id,
                          GError  **error)
{
  guint n_owner_ids;
  const gint64 *owner_ids = ts_story_get_owner_ids (story, &n_owner_ids);
  gint64 requester_id = ts_story_get_requester_id (story);
  g_autoptr(GError) failure = NULL;

  for (guint i = 0; i < n_owner_ids; i++)
    {
      if (!ts_store_is_member (self, owner_ids[i], project_id, &failure))
        {
          if (failure != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&failure));
              return FALSE;
            }
          g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                       "“owner_ids”: user %" G_GINT64_FORMAT " is not a member of this project",
                       owner_ids[i]);
          return FALSE;
        }
    }
  if (requester_id != 0 && !ts_store_is_member (self, requester_id, project_id, &failure))
    {
      if (failure != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&failure));
          return FALSE;
        }
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“requester_id”: user %" G_GINT64_FORMAT " is not a member of this project",
                   requester_id);
      return FALSE;
    }
  return TRUE;
}

static TsChange *
story_change (TsStore      *self,
              TsEventKind   kind,
              gint64        project_id,
              gint64        actor_id,
              TsStory      *story,
              GError      **error)
{
  g_autoptr(TsChange) change = ts_change_new (kind, ts_story_get_version (story), actor_id,
                                              ts_story_get_updated_at (story));

  change->id = ts_story_get_id (story);
  change->story = g_object_ref (story);
  if (!ts_store_record_change (self, project_id, change->id, change, error))
    return NULL;
  return g_steal_pointer (&change);
}

/**
 * ts_store_create_story:
 * @scale: the project's point scale, as ts_store_get_point_scale() gave
 *   it to @user_id in this transaction (which checked the membership):
 *   the caller has it already, to read the request, and a create reads
 *   the project once
 * @values: the story as the request gave it
 * @placement: (nullable): a neighbour to put it next to
 *
 * Returns: (transfer full) (nullable): the stories-create change
 */
TsChange *
ts_store_create_story (TsStore              *self,
                       gint64                user_id,
                       gint64                project_id,
                       TsPointScale          scale,
                       TsStory              *values,
                       const TsMoveRequest  *placement,
                       GError              **error)
{
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *position = NULL;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  story = ts_story_copy (values);
  ts_story_set_project_id (story, project_id);
  if (ts_story_get_requester_id (story) == 0)
    ts_story_set_requester_id (story, user_id);
  update_accepted_at (story, TS_STORY_STATE_UNSCHEDULED, now);
  ts_story_set_created_at (story, now);
  ts_story_set_updated_at (story, now);
  if (!ts_story_validate (story, scale, error) ||
      !check_owners_are_members (self, story, project_id, error))
    return NULL;

  position = placement != NULL && (placement->before_id != 0 || placement->after_id != 0)
    ? position_next_to (self, project_id, placement, 0, error)
    : default_position (self, project_id, ts_story_get_state (story), error);
  if (position == NULL || (version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;
  ts_story_set_position (story, position);
  ts_story_set_version (story, version);

  if (!write_story (self, story, TS_STORY_FIELDS_ALL, TRUE, error))
    return NULL;
  return story_change (self, TS_EVENT_STORIES_CREATE, project_id, user_id, story, error);
}

/* doc/api.md, Concurrent edits: a field conflicts when someone changed it
 * after @base_version and its current value differs from the one sent;
 * when the history no longer reaches @base_version, every sent field
 * whose current value differs does. */
static TsStoryFields
find_conflicts (TsStore      *self,
                gint64        story_id,
                TsStory      *current,
                TsStoryPatch *patch,
                gboolean      history_reaches,
                GError      **error)
{
  TsStoryFields differing = ts_story_diff (current, patch->values, patch->fields);
  TsStoryFields conflicts = TS_STORY_FIELD_NONE;
  g_autoptr(GString) sql = NULL;
  TsDbStatement *statement;

  if (!history_reaches || differing == TS_STORY_FIELD_NONE)
    return history_reaches ? TS_STORY_FIELD_NONE : differing;

  sql = g_string_new ("SELECT ");
  for (guint i = 0; i < G_N_ELEMENTS (field_version_columns); i++)
    g_string_append_printf (sql, i == 0 ? "%s" : ", %s", field_version_columns[i]);
  g_string_append (sql, " FROM stories WHERE id = ?");

  statement = ts_store_prepare (self, g_intern_string (sql->str), error);
  if (statement == NULL)
    return TS_STORY_FIELD_NONE;
  ts_db_bind_int64 (statement, 1, story_id);
  /* A failed step sets @error: never "no conflicts", which would let the
   * edit overwrite a newer one. */
  if (ts_store_step_lookup (self, statement, error) == TS_DB_ROW)
    {
      for (guint i = 0; i < G_N_ELEMENTS (field_version_columns); i++)
        if ((differing & (1 << i)) && ts_db_column_int64 (statement, i) > patch->base_version)
          conflicts |= 1 << i;
    }
  ts_db_reset (statement);
  return conflicts;
}

/* Whether the kept history reaches back to @version. */
static gboolean
history_reaches (TsStore  *self,
                 gint64    project_id,
                 gint64    version)
{
  TsDbStatement *statement;
  gint64 oldest = 1;

  statement = ts_store_prepare (self, "SELECT min(version) FROM changes WHERE project_id = ?", NULL);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  if (ts_db_step (statement) == TS_DB_ROW && !ts_db_column_is_null (statement, 0))
    oldest = ts_db_column_int64 (statement, 0);
  ts_db_reset (statement);
  return version >= oldest - 1;
}

/* Stores @story, a changed copy of @current, as the project's next
 * version, and records the change. */
static TsChange *
save_story_change (TsStore      *self,
                   TsEventKind   kind,
                   gint64        user_id,
                   gint64        project_id,
                   TsStory      *current,
                   TsStory      *story,
                   GDateTime    *now,
                   GError      **error)
{
  TsStoryFields changed = ts_story_diff (current, story, TS_STORY_FIELDS_ALL);
  gint64 version;

  if ((version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;
  ts_story_set_version (story, version);
  ts_story_set_updated_at (story, now);
  if (!write_story (self, story, changed, FALSE, error))
    return NULL;
  return story_change (self, kind, project_id, user_id, story, error);
}

/**
 * ts_store_update_story:
 * @out_current: (out) (transfer full): on a conflict, the story as stored
 * @out_conflicts: (out): on a conflict, the fields in conflict
 *
 * Returns: (transfer full) (nullable): the stories-update change;
 *   TS_STORE_ERROR_CONFLICT with @out_current and @out_conflicts set when
 *   the patch conflicts, in which case nothing is changed
 */
TsChange *
ts_store_update_story (TsStore        *self,
                       gint64          user_id,
                       gint64          project_id,
                       gint64          story_id,
                       TsStoryPatch   *patch,
                       TsStory       **out_current,
                       TsStoryFields  *out_conflicts,
                       GError        **error)
{
  g_autoptr(TsProject) project = NULL;
  g_autoptr(TsStory) current = NULL;
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsStoryFields changed;
  GError *local_error = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if ((project = ts_store_get_project (self, user_id, project_id, error)) == NULL ||
      (current = load_story (self, project_id, story_id, error)) == NULL)
    return NULL;

  if (patch->has_base_version)
    {
      TsStoryFields conflicts =
        find_conflicts (self, story_id, current, patch,
                        history_reaches (self, project_id, patch->base_version), &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (conflicts != TS_STORY_FIELD_NONE)
        {
          *out_conflicts = conflicts;
          *out_current = g_steal_pointer (&current);
          g_set_error_literal (error, TS_STORE_ERROR, TS_STORE_ERROR_CONFLICT,
                               "someone else changed this story meanwhile");
          return NULL;
        }
    }

  story = ts_story_copy (current);
  ts_story_apply (story, patch->values, patch->fields);
  changed = ts_story_diff (current, story, TS_STORY_FIELDS_ALL);
  update_accepted_at (story, ts_story_get_state (current), now);
  if (!ts_story_check_change (current, story, ts_project_get_point_scale (project), error) ||
      ((changed & (TS_STORY_FIELD_OWNER_IDS | TS_STORY_FIELD_REQUESTER_ID)) &&
       !check_owners_are_members (self, story, project_id, error)))
    return NULL;

  return save_story_change (self, TS_EVENT_STORIES_UPDATE, user_id, project_id, current, story,
                            now, error);
}

/**
 * ts_store_move_story:
 *
 * Gives the story one new position key next to its named neighbour: a move
 * writes one row. It may also move it in or out of the Icebox.
 *
 * Returns: (transfer full) (nullable): the stories-move change
 */
TsChange *
ts_store_move_story (TsStore              *self,
                     gint64                user_id,
                     gint64                project_id,
                     gint64                story_id,
                     const TsMoveRequest  *move,
                     GError              **error)
{
  g_autoptr(TsProject) project = NULL;
  g_autoptr(TsStory) current = NULL;
  g_autoptr(TsStory) story = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *position = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if ((project = ts_store_get_project (self, user_id, project_id, error)) == NULL ||
      (current = load_story (self, project_id, story_id, error)) == NULL ||
      (position = position_next_to (self, project_id, move, story_id, error)) == NULL)
    return NULL;

  story = ts_story_copy (current);
  ts_story_set_position (story, position);
  if (move->has_state)
    ts_story_set_state (story, move->state);
  if (!ts_story_check_change (current, story, ts_project_get_point_scale (project), error))
    return NULL;

  return save_story_change (self, TS_EVENT_STORIES_MOVE, user_id, project_id, current, story,
                            now, error);
}

/**
 * ts_store_delete_story:
 *
 * Deletes a story and its comments.
 *
 * Returns: (transfer full) (nullable): the stories-destroy change
 */
TsChange *
ts_store_delete_story (TsStore  *self,
                       gint64    user_id,
                       gint64    project_id,
                       gint64    story_id,
                       GError  **error)
{
  g_autoptr(TsStory) story = NULL;
  g_autoptr(TsChange) change = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsDbStatement *statement;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if (!ts_store_check_member (self, user_id, project_id, error) ||
      (story = load_story (self, project_id, story_id, error)) == NULL ||
      (version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;

  statement = ts_store_prepare (self, "DELETE FROM stories WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, story_id);
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  change = ts_change_new (TS_EVENT_STORIES_DESTROY, version, user_id, now);
  change->id = story_id;
  change->story_id = story_id;
  change->title = g_strdup (ts_story_get_title (story));
  if (!ts_store_record_change (self, project_id, story_id, change, error))
    return NULL;
  return g_steal_pointer (&change);
}

static TsComment *
comment_from_row (TsDbStatement *statement)
{
  TsComment *comment = ts_comment_new ();
  g_autoptr(GDateTime) created_at = ts_store_column_time (statement, 4);

  ts_comment_set_id (comment, ts_db_column_int64 (statement, 0));
  ts_comment_set_story_id (comment, ts_db_column_int64 (statement, 1));
  ts_comment_set_author_id (comment, ts_db_column_int64 (statement, 2));
  ts_comment_set_text (comment, ts_store_column_text (statement, 3));
  ts_comment_set_created_at (comment, created_at);
  ts_comment_set_version (comment, ts_db_column_int64 (statement, 5));
  return comment;
}

/**
 * ts_store_list_comments:
 * @story_id: a story, or 0 for the whole project
 *
 * Returns: (transfer full) (element-type TsComment): the comments, oldest
 *   first
 */
GPtrArray *
ts_store_list_comments (TsStore  *self,
                        gint64    user_id,
                        gint64    project_id,
                        gint64    story_id,
                        GError  **error)
{
  g_autoptr(GPtrArray) comments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TsStory) story = NULL;
  TsDbStatement *statement;
  int status;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!ts_store_check_member (self, user_id, project_id, error) ||
      (story_id != 0 && (story = load_story (self, project_id, story_id, error)) == NULL))
    return NULL;

  statement = ts_store_prepare (self, story_id != 0
                                ? "SELECT id, story_id, author_id, text, created_at, version "
                                  "FROM comments WHERE story_id = ? ORDER BY id"
                                : "SELECT id, story_id, author_id, text, created_at, version "
                                  "FROM comments WHERE project_id = ? ORDER BY id", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, story_id != 0 ? story_id : project_id);
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    g_ptr_array_add (comments, comment_from_row (statement));
  ts_db_reset (statement);
  if (status != TS_DB_DONE)
    {
      ts_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&comments);
}

/**
 * ts_store_create_comment:
 *
 * Returns: (transfer full) (nullable): the comments-create change
 */
TsChange *
ts_store_create_comment (TsStore     *self,
                         gint64       user_id,
                         gint64       project_id,
                         gint64       story_id,
                         const char  *text,
                         GError     **error)
{
  g_autoptr(TsStory) story = NULL;
  g_autoptr(TsComment) comment = ts_comment_new ();
  g_autoptr(TsChange) change = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsDbStatement *statement;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if (!ts_store_check_member (self, user_id, project_id, error) ||
      (story = load_story (self, project_id, story_id, error)) == NULL ||
      !ts_check_comment_text (text, error) ||
      (version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;

  statement = ts_store_prepare (self, "INSERT INTO comments (project_id, story_id, author_id, text, "
                                      "created_at, version) VALUES (?, ?, ?, ?, ?, ?) "
                                      "RETURNING id", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, story_id);
  ts_db_bind_int64 (statement, 3, user_id);
  ts_db_bind_text (statement, 4, text);
  ts_store_bind_time (statement, 5, now);
  ts_db_bind_int64 (statement, 6, version);
  if (ts_db_step (statement) != TS_DB_ROW)
    {
      ts_store_set_db_error (self, error);
      ts_db_reset (statement);
      return NULL;
    }
  ts_comment_set_id (comment, ts_db_column_int64 (statement, 0));
  ts_db_reset (statement);
  ts_comment_set_story_id (comment, story_id);
  ts_comment_set_author_id (comment, user_id);
  ts_comment_set_text (comment, text);
  ts_comment_set_created_at (comment, now);
  ts_comment_set_version (comment, version);

  change = ts_change_new (TS_EVENT_COMMENTS_CREATE, version, user_id, now);
  change->id = ts_comment_get_id (comment);
  change->story_id = story_id;
  change->comment = g_steal_pointer (&comment);
  if (!ts_store_record_change (self, project_id, story_id, change, error))
    return NULL;
  return g_steal_pointer (&change);
}

/**
 * ts_store_delete_comment:
 *
 * Only a comment's author may delete it.
 *
 * Returns: (transfer full) (nullable): the comments-destroy change
 */
TsChange *
ts_store_delete_comment (TsStore  *self,
                         gint64    user_id,
                         gint64    project_id,
                         gint64    story_id,
                         gint64    comment_id,
                         GError  **error)
{
  g_autoptr(TsStory) story = NULL;
  g_autoptr(TsChange) change = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsDbStatement *statement;
  gint64 author_id = -1;
  gint64 version;
  TsDbStep step;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if (!ts_store_check_member (self, user_id, project_id, error) ||
      (story = load_story (self, project_id, story_id, error)) == NULL)
    return NULL;

  statement = ts_store_prepare (self, "SELECT author_id FROM comments WHERE id = ? AND story_id = ?",
                                error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, comment_id);
  ts_db_bind_int64 (statement, 2, story_id);
  step = ts_store_step_lookup (self, statement, error);
  if (step == TS_DB_ROW)
    author_id = ts_db_column_int64 (statement, 0);
  ts_db_reset (statement);
  if (step == TS_DB_FAILED)
    return NULL;
  if (author_id < 0)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                   "there is no comment %" G_GINT64_FORMAT " on this story", comment_id);
      return NULL;
    }
  if (author_id != user_id)
    {
      g_set_error_literal (error, TS_STORE_ERROR, TS_STORE_ERROR_FORBIDDEN,
                           "only its author may delete a comment");
      return NULL;
    }

  if ((version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;
  statement = ts_store_prepare (self, "DELETE FROM comments WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, comment_id);
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  change = ts_change_new (TS_EVENT_COMMENTS_DESTROY, version, user_id, now);
  change->id = comment_id;
  change->story_id = story_id;
  change->title = g_strdup (ts_story_get_title (story));
  if (!ts_store_record_change (self, project_id, story_id, change, error))
    return NULL;
  return g_steal_pointer (&change);
}
