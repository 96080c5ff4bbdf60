/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-store"

/* Projects, their iteration overrides and their members. */

#include "ts-store-private.h"

#define PROJECT_COLUMNS \
  "id, name, version, start_date, iteration_length, velocity_strategy, " \
  "initial_velocity, point_scale, bugs_and_chores_are_pointed, time_zone, created_at"

static gboolean
load_overrides (TsStore    *self,
                TsProject  *project,
                GError    **error)
{
  g_autoptr(GArray) overrides = g_array_new (FALSE, FALSE, sizeof (TsIterationOverride));
  TsDbStatement *statement;
  int status;

  statement = ts_store_prepare (self, "SELECT number, team_strength, length FROM iterations "
                                      "WHERE project_id = ? ORDER BY number", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, ts_project_get_id (project));
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    {
      TsIterationOverride override = {
        .number = ts_db_column_int (statement, 0),
        .team_strength = ts_db_column_double (statement, 1),
        .length = ts_db_column_int (statement, 2),
      };

      g_array_append_val (overrides, override);
    }
  ts_db_reset (statement);
  if (status != TS_DB_DONE)
    {
      ts_store_set_db_error (self, error);
      return FALSE;
    }

  ts_project_set_overrides (project, (const TsIterationOverride *) (gpointer) overrides->data,
                            overrides->len);
  return TRUE;
}

static TsProject *
project_from_row (TsDbStatement *statement)
{
  TsProject *project = ts_project_new ();
  g_autoptr(GDateTime) created_at = ts_store_column_time (statement, 10);
  TsPointScale scale = TS_POINT_SCALE_FIBONACCI;
  TsDay start_date = TS_DAY_NONE;

  ts_day_parse (ts_store_column_text (statement, 3), &start_date);
  ts_point_scale_from_string (ts_store_column_text (statement, 7), &scale);

  ts_project_set_id (project, ts_db_column_int64 (statement, 0));
  ts_project_set_name (project, ts_store_column_text (statement, 1));
  ts_project_set_version (project, ts_db_column_int64 (statement, 2));
  ts_project_set_start_date (project, start_date);
  ts_project_set_iteration_length (project, ts_db_column_int (statement, 4));
  ts_project_set_velocity_strategy (project, ts_db_column_int (statement, 5));
  ts_project_set_initial_velocity (project, ts_db_column_int (statement, 6));
  ts_project_set_point_scale (project, scale);
  ts_project_set_bugs_and_chores_are_pointed (project, ts_db_column_int (statement, 8));
  ts_project_set_time_zone (project, ts_store_column_text (statement, 9));
  ts_project_set_created_at (project, created_at);

  return project;
}

/**
 * ts_store_load_project:
 *
 * Loads a project without any membership check: for the store's own use.
 */
TsProject *
ts_store_load_project (TsStore  *self,
                       gint64    project_id,
                       GError  **error)
{
  TsDbStatement *statement;
  g_autoptr(TsProject) project = NULL;
  TsDbStep step;

  statement = ts_store_prepare (self, "SELECT " PROJECT_COLUMNS " FROM projects WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  step = ts_store_step_lookup (self, statement, error);
  if (step == TS_DB_ROW)
    project = project_from_row (statement);
  ts_db_reset (statement);

  if (step == TS_DB_FAILED)
    return NULL;
  if (project == NULL)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                   "there is no project %" G_GINT64_FORMAT, project_id);
      return NULL;
    }
  if (!load_overrides (self, project, error))
    return NULL;
  return g_steal_pointer (&project);
}

/**
 * ts_store_get_project:
 *
 * Returns: (transfer full) (nullable): the project, if the user is a
 *   member; TS_STORE_ERROR_NOT_FOUND otherwise
 */
TsProject *
ts_store_get_project (TsStore  *self,
                      gint64    user_id,
                      gint64    project_id,
                      GError  **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!ts_store_check_member (self, user_id, project_id, error))
    return NULL;
  return ts_store_load_project (self, project_id, error);
}

/**
 * ts_store_get_point_scale:
 * @out_scale: (out): the project's point scale
 *
 * All that a story's create needs of its project, read without loading
 * the project: the membership check (which locks the project's row in a
 * change on PostgreSQL, as ts_store_get_project() does) and the scale.
 *
 * Returns: %TRUE if the user is a member; TS_STORE_ERROR_NOT_FOUND
 *   otherwise
 */
gboolean
ts_store_get_point_scale (TsStore       *self,
                          gint64         user_id,
                          gint64         project_id,
                          TsPointScale  *out_scale,
                          GError       **error)
{
  TsDbStatement *statement;
  gboolean found = FALSE;
  TsDbStep step;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  if (!ts_store_check_member (self, user_id, project_id, error))
    return FALSE;
  statement = ts_store_prepare (self, "SELECT point_scale FROM projects WHERE id = ?", error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  *out_scale = TS_POINT_SCALE_FIBONACCI;
  step = ts_store_step_lookup (self, statement, error);
  if (step == TS_DB_ROW)
    {
      found = TRUE;
      ts_point_scale_from_string (ts_store_column_text (statement, 0), out_scale);
    }
  ts_db_reset (statement);
  if (step == TS_DB_DONE)
    g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                 "there is no project %" G_GINT64_FORMAT, project_id);
  return found;
}

/**
 * ts_store_list_projects:
 *
 * Returns: (transfer full) (element-type TsProject): the user's projects,
 *   by name
 */
GPtrArray *
ts_store_list_projects (TsStore  *self,
                        gint64    user_id,
                        GError  **error)
{
  g_autoptr(GPtrArray) projects = g_ptr_array_new_with_free_func (g_object_unref);
  TsDbStatement *statement;
  int status;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  statement = ts_store_prepare (self, "SELECT " PROJECT_COLUMNS " FROM projects "
                                      "WHERE id IN (SELECT project_id FROM memberships "
                                      "             WHERE user_id = ?) "
                                      "ORDER BY lower(name), id", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, user_id);
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    g_ptr_array_add (projects, project_from_row (statement));
  ts_db_reset (statement);
  if (status != TS_DB_DONE)
    {
      ts_store_set_db_error (self, error);
      return NULL;
    }

  for (guint i = 0; i < projects->len; i++)
    if (!load_overrides (self, projects->pdata[i], error))
      return NULL;
  return g_steal_pointer (&projects);
}

static void
bind_project_settings (TsDbStatement *statement,
                       TsProject    *project)
{
  char start_date[TS_DAY_ISO_LENGTH];

  ts_day_format (ts_project_get_start_date (project), start_date);
  ts_db_bind_text (statement, 1, ts_project_get_name (project));
  ts_db_bind_text (statement, 2, start_date);
  ts_db_bind_int64 (statement, 3, ts_project_get_iteration_length (project));
  ts_db_bind_int64 (statement, 4, ts_project_get_velocity_strategy (project));
  ts_db_bind_int64 (statement, 5, ts_project_get_initial_velocity (project));
  ts_db_bind_text (statement, 6, ts_point_scale_to_string (ts_project_get_point_scale (project)));
  ts_db_bind_int64 (statement, 7, ts_project_get_bugs_and_chores_are_pointed (project));
  ts_db_bind_text (statement, 8, ts_project_get_time_zone (project));
}

/* Copies the settings a patch names into @project. */
static void
apply_project_patch (TsProject      *project,
                     TsProjectPatch *patch)
{
  TsProject *values = patch->values;

  if (patch->fields & TS_PROJECT_FIELD_NAME)
    ts_project_set_name (project, ts_project_get_name (values));
  if (patch->fields & TS_PROJECT_FIELD_START_DATE)
    ts_project_set_start_date (project, ts_project_get_start_date (values));
  if (patch->fields & TS_PROJECT_FIELD_ITERATION_LENGTH)
    ts_project_set_iteration_length (project, ts_project_get_iteration_length (values));
  if (patch->fields & TS_PROJECT_FIELD_VELOCITY_STRATEGY)
    ts_project_set_velocity_strategy (project, ts_project_get_velocity_strategy (values));
  if (patch->fields & TS_PROJECT_FIELD_INITIAL_VELOCITY)
    ts_project_set_initial_velocity (project, ts_project_get_initial_velocity (values));
  if (patch->fields & TS_PROJECT_FIELD_POINT_SCALE)
    ts_project_set_point_scale (project, ts_project_get_point_scale (values));
  if (patch->fields & TS_PROJECT_FIELD_BUGS_AND_CHORES_ARE_POINTED)
    ts_project_set_bugs_and_chores_are_pointed (project,
                                                ts_project_get_bugs_and_chores_are_pointed (values));
  if (patch->fields & TS_PROJECT_FIELD_TIME_ZONE)
    ts_project_set_time_zone (project, ts_project_get_time_zone (values));
}

/**
 * ts_store_create_project:
 * @settings: the name and any settings; the rest are doc/planning.md's
 *   defaults, and the start date is today in the project's zone
 *
 * The creator becomes the first member. A new project is at version 0:
 * nobody else can be watching it yet, so its creation is no change.
 *
 * Returns: (transfer full) (nullable): the project
 */
TsProject *
ts_store_create_project (TsStore         *self,
                         gint64           user_id,
                         TsProjectPatch  *settings,
                         GError         **error)
{
  g_autoptr(TsProject) project = ts_project_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  TsDbStatement *statement;
  gint64 id;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  apply_project_patch (project, settings);
  if (!(settings->fields & TS_PROJECT_FIELD_START_DATE))
    ts_project_set_start_date (project, ts_day_today (ts_project_get_zone (project)));
  ts_project_set_created_at (project, now);

  statement = ts_store_prepare (self, "INSERT INTO projects (name, start_date, iteration_length, "
                                      "velocity_strategy, initial_velocity, point_scale, "
                                      "bugs_and_chores_are_pointed, time_zone, created_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", error);
  if (statement == NULL)
    return NULL;
  bind_project_settings (statement, project);
  ts_store_bind_time (statement, 9, now);
  if (ts_db_step (statement) != TS_DB_ROW)
    {
      ts_store_set_db_error (self, error);
      ts_db_reset (statement);
      return NULL;
    }
  id = ts_db_column_int64 (statement, 0);
  ts_db_reset (statement);
  ts_project_set_id (project, id);

  statement = ts_store_prepare (self, "INSERT INTO memberships (project_id, user_id) VALUES (?, ?)",
                                error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, id);
  ts_db_bind_int64 (statement, 2, user_id);
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  return g_steal_pointer (&project);
}

static TsChange *
new_change (TsEventKind kind,
            gint64      version,
            gint64      actor_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return ts_change_new (kind, version, actor_id, now);
}

/**
 * ts_store_update_project:
 *
 * Returns: (transfer full) (nullable): the projects-update change
 */
TsChange *
ts_store_update_project (TsStore         *self,
                         gint64           user_id,
                         gint64           project_id,
                         TsProjectPatch  *patch,
                         GError         **error)
{
  g_autoptr(TsProject) project = NULL;
  g_autoptr(TsChange) change = NULL;
  TsPointScale old_scale;
  TsDbStatement *statement;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if ((project = ts_store_get_project (self, user_id, project_id, error)) == NULL)
    return NULL;
  old_scale = ts_project_get_point_scale (project);
  apply_project_patch (project, patch);

  if ((version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;
  ts_project_set_version (project, version);
  change = new_change (TS_EVENT_PROJECTS_UPDATE, version, user_id);

  statement = ts_store_prepare (self, "UPDATE projects SET name = ?, start_date = ?, "
                                      "iteration_length = ?, velocity_strategy = ?, "
                                      "initial_velocity = ?, point_scale = ?, "
                                      "bugs_and_chores_are_pointed = ?, time_zone = ? "
                                      "WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  bind_project_settings (statement, project);
  ts_db_bind_int64 (statement, 9, project_id);
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  if (ts_project_get_point_scale (project) != old_scale &&
      !ts_store_map_estimates (self, project_id, ts_project_get_point_scale (project), version,
                               change->at, error))
    return NULL;

  change->id = project_id;
  change->project = g_steal_pointer (&project);
  if (!ts_store_record_change (self, project_id, 0, change, error))
    return NULL;
  return g_steal_pointer (&change);
}

/**
 * ts_store_delete_project:
 *
 * Deletes the project with everything in it, its history included.
 *
 * Returns: (transfer full) (nullable): the projects-destroy change
 */
TsChange *
ts_store_delete_project (TsStore  *self,
                         gint64    user_id,
                         gint64    project_id,
                         GError  **error)
{
  g_autoptr(TsChange) change = NULL;
  TsDbStatement *statement;
  gint64 version;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if (!ts_store_check_member (self, user_id, project_id, error) ||
      (version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;

  statement = ts_store_prepare (self, "DELETE FROM projects WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  change = new_change (TS_EVENT_PROJECTS_DESTROY, version, user_id);
  change->id = project_id;
  return g_steal_pointer (&change);
}

static TsChange *
iteration_change (TsStore                   *self,
                  gint64                     user_id,
                  gint64                     project_id,
                  const TsIterationOverride *override,
                  GError                   **error)
{
  g_autoptr(TsChange) change = NULL;
  gint64 version;

  if ((version = ts_store_next_version (self, project_id, error)) == 0)
    return NULL;
  change = new_change (TS_EVENT_ITERATIONS_UPDATE, version, user_id);
  change->id = override->number;
  change->iteration = ts_iteration_override_copy (override);
  if (!ts_store_record_change (self, project_id, 0, change, error))
    return NULL;
  return g_steal_pointer (&change);
}

/**
 * ts_store_set_iteration:
 *
 * Returns: (transfer full) (nullable): the iterations-update change
 */
TsChange *
ts_store_set_iteration (TsStore                    *self,
                        gint64                      user_id,
                        gint64                      project_id,
                        const TsIterationOverride  *override,
                        GError                    **error)
{
  TsDbStatement *statement;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if (!ts_store_check_member (self, user_id, project_id, error))
    return NULL;

  statement = ts_store_prepare (self, "INSERT INTO iterations (project_id, number, team_strength, length) "
                                      "VALUES (?, ?, ?, ?) ON CONFLICT (project_id, number) "
                                      "DO UPDATE SET team_strength = excluded.team_strength, "
                                      "length = excluded.length", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, override->number);
  ts_db_bind_double (statement, 3, override->team_strength);
  if (override->length != 0)
    ts_db_bind_int64 (statement, 4, override->length);
  else
    ts_db_bind_null (statement, 4);
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  return iteration_change (self, user_id, project_id, override, error);
}

/**
 * ts_store_clear_iteration:
 *
 * Returns: (transfer full) (nullable): the iterations-update change, whose
 *   iteration is back to the project's settings
 */
TsChange *
ts_store_clear_iteration (TsStore  *self,
                          gint64    user_id,
                          gint64    project_id,
                          guint     number,
                          GError  **error)
{
  TsIterationOverride cleared = { number, 1.0, 0 };
  TsDbStatement *statement;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);
  g_assert (self->in_transaction);

  if (!ts_store_check_member (self, user_id, project_id, error))
    return NULL;

  statement = ts_store_prepare (self, "DELETE FROM iterations WHERE project_id = ? AND number = ?",
                                error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, number);
  if (!ts_store_step_done (self, statement, error))
    return NULL;
  if (ts_db_changes (statement) == 0)
    {
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                   "iteration %u has no override", number);
      return NULL;
    }

  return iteration_change (self, user_id, project_id, &cleared, error);
}

/* The members of a project that exists, by name. */
static GPtrArray *
members_of (TsStore  *self,
            gint64    project_id,
            GError  **error)
{
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (g_object_unref);
  TsDbStatement *statement;
  int status;

  statement = ts_store_prepare (self, "SELECT users.id, users.name, users.email FROM memberships "
                                      "JOIN users ON users.id = memberships.user_id "
                                      "WHERE memberships.project_id = ? "
                                      "ORDER BY lower(users.name), users.id", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  while ((status = ts_db_step (statement)) == TS_DB_ROW)
    g_ptr_array_add (members, ts_user_new (ts_db_column_int64 (statement, 0),
                                           ts_store_column_text (statement, 1),
                                           ts_store_column_text (statement, 2)));
  ts_db_reset (statement);
  if (status != TS_DB_DONE)
    {
      ts_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&members);
}

/**
 * ts_store_list_members:
 *
 * Returns: (transfer full) (element-type TsUser): the members, by name
 */
GPtrArray *
ts_store_list_members (TsStore  *self,
                       gint64    user_id,
                       gint64    project_id,
                       GError  **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!ts_store_check_member (self, user_id, project_id, error))
    return NULL;
  return members_of (self, project_id, error);
}

/**
 * ts_store_find_user:
 *
 * Returns: (transfer full) (nullable): the user with @email, without
 *   regard to case; TS_STORE_ERROR_NOT_FOUND when there is none
 */
TsUser *
ts_store_find_user (TsStore     *self,
                    const char  *email,
                    GError     **error)
{
  TsDbStatement *statement;
  TsUser *user = NULL;
  TsDbStep step;

  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  statement = ts_store_prepare (self, "SELECT id, name, email FROM users "
                                      "WHERE lower(email) = lower(?)", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_text (statement, 1, email);
  step = ts_store_step_lookup (self, statement, error);
  if (step == TS_DB_ROW)
    user = ts_user_new (ts_db_column_int64 (statement, 0),
                        ts_store_column_text (statement, 1),
                        ts_store_column_text (statement, 2));
  ts_db_reset (statement);
  if (step == TS_DB_DONE)
    g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                 "nobody here has the email %s", email);
  return user;
}

/**
 * ts_store_add_member_to:
 * @out_added: (out): %FALSE when they were a member already
 *
 * Adds the user with @email to a project whose row the open change has
 * locked (ts_store_check_member() for REST, the admin's own check).
 *
 * Returns: (transfer full) (nullable): the member; an unknown email is
 *   TS_STORE_ERROR_NOT_FOUND
 */
TsUser *
ts_store_add_member_to (TsStore     *self,
                        gint64       project_id,
                        const char  *email,
                        gboolean    *out_added,
                        GError     **error)
{
  TsDbStatement *statement;
  g_autoptr(TsUser) member = NULL;

  if ((member = ts_store_find_user (self, email, error)) == NULL)
    return NULL;

  statement = ts_store_prepare (self, "INSERT INTO memberships (project_id, user_id) "
                                      "VALUES (?, ?) ON CONFLICT DO NOTHING", error);
  if (statement == NULL)
    return NULL;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, ts_user_get_id (member));
  if (!ts_store_step_done (self, statement, error))
    return NULL;

  *out_added = ts_db_changes (statement) > 0;
  return g_steal_pointer (&member);
}

/**
 * ts_store_add_member:
 * @out_added: (out): %FALSE when they were a member already
 *
 * Returns: (transfer full) (nullable): the member; an unknown email is
 *   TS_STORE_ERROR_NOT_FOUND
 */
TsUser *
ts_store_add_member (TsStore     *self,
                     gint64       user_id,
                     gint64       project_id,
                     const char  *email,
                     gboolean    *out_added,
                     GError     **error)
{
  g_return_val_if_fail (TS_IS_STORE (self), NULL);

  if (!ts_store_check_member (self, user_id, project_id, error))
    return NULL;
  return ts_store_add_member_to (self, project_id, email, out_added, error);
}

/**
 * ts_store_remove_member_from:
 *
 * Removes a member from a project whose row the open change has locked. A
 * project keeps at least one member, so nobody can orphan it. Evictions
 * are the caller's (ts_store_announce_eviction()).
 */
gboolean
ts_store_remove_member_from (TsStore  *self,
                             gint64    project_id,
                             gint64    member_id,
                             GError  **error)
{
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GError) failure = NULL;
  TsDbStatement *statement;

  if ((members = members_of (self, project_id, error)) == NULL)
    return FALSE;
  if (!ts_store_is_member (self, member_id, project_id, &failure))
    {
      if (failure != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&failure));
          return FALSE;
        }
      g_set_error (error, TS_STORE_ERROR, TS_STORE_ERROR_NOT_FOUND,
                   "user %" G_GINT64_FORMAT " is not a member", member_id);
      return FALSE;
    }
  if (members->len == 1)
    {
      g_set_error_literal (error, TS_STORE_ERROR, TS_STORE_ERROR_FORBIDDEN,
                           "a project keeps at least one member; delete it instead");
      return FALSE;
    }

  statement = ts_store_prepare (self, "DELETE FROM memberships WHERE project_id = ? AND user_id = ?",
                                error);
  if (statement == NULL)
    return FALSE;
  ts_db_bind_int64 (statement, 1, project_id);
  ts_db_bind_int64 (statement, 2, member_id);
  return ts_store_step_done (self, statement, error);
}

/**
 * ts_store_remove_member:
 *
 * A project keeps at least one member, so nobody can orphan it.
 */
gboolean
ts_store_remove_member (TsStore  *self,
                        gint64    user_id,
                        gint64    project_id,
                        gint64    member_id,
                        gint64   *out_version,
                        GError  **error)
{
  g_autoptr(TsProject) project = NULL;

  g_return_val_if_fail (TS_IS_STORE (self), FALSE);

  if (!ts_store_check_member (self, user_id, project_id, error) ||
      (project = ts_store_load_project (self, project_id, error)) == NULL ||
      !ts_store_remove_member_from (self, project_id, member_id, error))
    return FALSE;

  /* Every server's hub evicts the member's sockets once this commits
   * (ts-evictions.c). On SQLite the one server serving the data directory
   * is this one, which evicts them itself. */
  if (ts_store_is_postgresql (self) &&
      !ts_store_announce_eviction (self, project_id, member_id, error))
    return FALSE;

  *out_version = ts_project_get_version (project);
  return TRUE;
}
