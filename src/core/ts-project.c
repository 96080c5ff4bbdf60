/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project"

#include "ts-project.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/**
 * TsProject:
 *
 * A project: its name, its planning settings (doc/planning.md) and its
 * per-iteration overrides, kept sorted by iteration number.
 */
struct _TsProject
{
  GObject parent_instance;

  gint64 id;
  char *name;
  gint64 version;
  TsDay start_date;
  guint iteration_length;
  guint velocity_strategy;
  guint initial_velocity;
  TsPointScale point_scale;
  gboolean bugs_and_chores_are_pointed;
  char *time_zone;
  GTimeZone *zone;
  GDateTime *created_at;
  GArray *overrides;
};

G_DEFINE_FINAL_TYPE (TsProject, ts_project, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (TsIterationOverride, ts_iteration_override,
                     ts_iteration_override_copy, ts_iteration_override_free)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_VERSION,
  PROP_START_DATE,
  PROP_ITERATION_LENGTH,
  PROP_VELOCITY_STRATEGY,
  PROP_INITIAL_VELOCITY,
  PROP_POINT_SCALE,
  PROP_BUGS_AND_CHORES_ARE_POINTED,
  PROP_TIME_ZONE,
  PROP_CREATED_AT,
  PROP_ITERATIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

TsIterationOverride *
ts_iteration_override_copy (const TsIterationOverride *self)
{
  return g_memdup2 (self, sizeof *self);
}

void
ts_iteration_override_free (TsIterationOverride *self)
{
  g_free (self);
}

static void
ts_project_finalize (GObject *object)
{
  TsProject *self = (TsProject *)object;

  g_free (self->name);
  g_free (self->time_zone);
  g_time_zone_unref (self->zone);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_array_unref (self->overrides);

  G_OBJECT_CLASS (ts_project_parent_class)->finalize (object);
}

static void
ts_project_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TsProject *self = TS_PROJECT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_START_DATE:
      g_value_set_uint (value, self->start_date);
      break;
    case PROP_ITERATION_LENGTH:
      g_value_set_uint (value, self->iteration_length);
      break;
    case PROP_VELOCITY_STRATEGY:
      g_value_set_uint (value, self->velocity_strategy);
      break;
    case PROP_INITIAL_VELOCITY:
      g_value_set_uint (value, self->initial_velocity);
      break;
    case PROP_POINT_SCALE:
      g_value_set_enum (value, self->point_scale);
      break;
    case PROP_BUGS_AND_CHORES_ARE_POINTED:
      g_value_set_boolean (value, self->bugs_and_chores_are_pointed);
      break;
    case PROP_TIME_ZONE:
      g_value_set_string (value, self->time_zone);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_ITERATIONS:
      g_value_set_boxed (value, self->overrides);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_project_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TsProject *self = TS_PROJECT (object);

  switch (prop_id)
    {
    case PROP_ID:
      ts_project_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_NAME:
      ts_project_set_name (self, g_value_get_string (value));
      break;
    case PROP_VERSION:
      ts_project_set_version (self, g_value_get_int64 (value));
      break;
    case PROP_START_DATE:
      ts_project_set_start_date (self, g_value_get_uint (value));
      break;
    case PROP_ITERATION_LENGTH:
      ts_project_set_iteration_length (self, g_value_get_uint (value));
      break;
    case PROP_VELOCITY_STRATEGY:
      ts_project_set_velocity_strategy (self, g_value_get_uint (value));
      break;
    case PROP_INITIAL_VELOCITY:
      ts_project_set_initial_velocity (self, g_value_get_uint (value));
      break;
    case PROP_POINT_SCALE:
      ts_project_set_point_scale (self, g_value_get_enum (value));
      break;
    case PROP_BUGS_AND_CHORES_ARE_POINTED:
      ts_project_set_bugs_and_chores_are_pointed (self, g_value_get_boolean (value));
      break;
    case PROP_TIME_ZONE:
      ts_project_set_time_zone (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      ts_project_set_created_at (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_project_class_init (TsProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = ts_project_finalize;
  object_class->get_property = ts_project_get_property;
  object_class->set_property = ts_project_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_START_DATE] =
    g_param_spec_uint ("start-date", NULL, NULL, 0, G_MAXUINT32, TS_DAY_NONE, flags);
  properties[PROP_ITERATION_LENGTH] =
    g_param_spec_uint ("iteration-length", NULL, NULL,
                       TS_ITERATION_LENGTH_MIN, TS_ITERATION_LENGTH_MAX, 2, flags);
  properties[PROP_VELOCITY_STRATEGY] =
    g_param_spec_uint ("velocity-strategy", NULL, NULL,
                       TS_VELOCITY_STRATEGY_MIN, TS_VELOCITY_STRATEGY_MAX, 3, flags);
  properties[PROP_INITIAL_VELOCITY] =
    g_param_spec_uint ("initial-velocity", NULL, NULL,
                       TS_INITIAL_VELOCITY_MIN, TS_INITIAL_VELOCITY_MAX, 10, flags);
  properties[PROP_POINT_SCALE] =
    g_param_spec_enum ("point-scale", NULL, NULL,
                       TS_TYPE_POINT_SCALE, TS_POINT_SCALE_FIBONACCI, flags);
  properties[PROP_BUGS_AND_CHORES_ARE_POINTED] =
    g_param_spec_boolean ("bugs-and-chores-are-pointed", NULL, NULL, FALSE, flags);
  properties[PROP_TIME_ZONE] =
    g_param_spec_string ("time-zone", NULL, NULL, "UTC", flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /* A GArray of TsIterationOverride, sorted by number; change it with
   * ts_project_set_override() and friends. */
  properties[PROP_ITERATIONS] =
    g_param_spec_boxed ("iterations", NULL, NULL, G_TYPE_ARRAY,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_project_init (TsProject *self)
{
  self->name = g_strdup ("");
  self->iteration_length = 2;
  self->velocity_strategy = 3;
  self->initial_velocity = 10;
  self->point_scale = TS_POINT_SCALE_FIBONACCI;
  self->time_zone = g_strdup ("UTC");
  self->zone = g_time_zone_new_utc ();
  self->overrides = g_array_new (FALSE, FALSE, sizeof (TsIterationOverride));
}

TsProject *
ts_project_new (void)
{
  return g_object_new (TS_TYPE_PROJECT, NULL);
}

/**
 * ts_project_copy:
 *
 * Returns: (transfer full): a deep copy of @self
 */
TsProject *
ts_project_copy (TsProject *self)
{
  TsProject *copy;

  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);

  copy = ts_project_new ();
  copy->id = self->id;
  ts_project_set_name (copy, self->name);
  copy->version = self->version;
  copy->start_date = self->start_date;
  copy->iteration_length = self->iteration_length;
  copy->velocity_strategy = self->velocity_strategy;
  copy->initial_velocity = self->initial_velocity;
  copy->point_scale = self->point_scale;
  copy->bugs_and_chores_are_pointed = self->bugs_and_chores_are_pointed;
  ts_project_set_time_zone (copy, self->time_zone);
  ts_project_set_created_at (copy, self->created_at);
  g_array_append_vals (copy->overrides, self->overrides->data, self->overrides->len);

  return copy;
}

#define DEFINE_SCALAR_ACCESSORS(ctype, name, PROP)                      \
ctype                                                                   \
ts_project_get_##name (TsProject *self)                                 \
{                                                                       \
  g_return_val_if_fail (TS_IS_PROJECT (self), (ctype) 0);               \
  return self->name;                                                    \
}                                                                       \
                                                                        \
void                                                                    \
ts_project_set_##name (TsProject *self,                                 \
                       ctype      name)                                 \
{                                                                       \
  g_return_if_fail (TS_IS_PROJECT (self));                              \
  if (self->name == name)                                               \
    return;                                                             \
  self->name = name;                                                    \
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);         \
}

DEFINE_SCALAR_ACCESSORS (gint64, id, PROP_ID)
DEFINE_SCALAR_ACCESSORS (gint64, version, PROP_VERSION)
DEFINE_SCALAR_ACCESSORS (TsDay, start_date, PROP_START_DATE)
DEFINE_SCALAR_ACCESSORS (TsPointScale, point_scale, PROP_POINT_SCALE)

/* The ranged settings clamp in their setters, so a project never holds a
 * value the planner cannot use; the JSON codec refuses such values with a
 * message before they get here. */
#define DEFINE_RANGED_ACCESSORS(name, MIN, MAX, PROP)                   \
guint                                                                   \
ts_project_get_##name (TsProject *self)                                 \
{                                                                       \
  g_return_val_if_fail (TS_IS_PROJECT (self), MIN);                     \
  return self->name;                                                    \
}                                                                       \
                                                                        \
void                                                                    \
ts_project_set_##name (TsProject *self,                                 \
                       guint      value)                                \
{                                                                       \
  g_return_if_fail (TS_IS_PROJECT (self));                              \
  g_return_if_fail (value >= MIN && value <= MAX);                      \
  if (self->name == value)                                              \
    return;                                                             \
  self->name = value;                                                   \
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);         \
}

DEFINE_RANGED_ACCESSORS (iteration_length, TS_ITERATION_LENGTH_MIN,
                         TS_ITERATION_LENGTH_MAX, PROP_ITERATION_LENGTH)
DEFINE_RANGED_ACCESSORS (velocity_strategy, TS_VELOCITY_STRATEGY_MIN,
                         TS_VELOCITY_STRATEGY_MAX, PROP_VELOCITY_STRATEGY)
DEFINE_RANGED_ACCESSORS (initial_velocity, TS_INITIAL_VELOCITY_MIN,
                         TS_INITIAL_VELOCITY_MAX, PROP_INITIAL_VELOCITY)

const char *
ts_project_get_name (TsProject *self)
{
  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);

  return self->name;
}

void
ts_project_set_name (TsProject  *self,
                     const char *name)
{
  g_return_if_fail (TS_IS_PROJECT (self));

  if (name == NULL)
    name = "";
  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

gboolean
ts_project_get_bugs_and_chores_are_pointed (TsProject *self)
{
  g_return_val_if_fail (TS_IS_PROJECT (self), FALSE);

  return self->bugs_and_chores_are_pointed;
}

void
ts_project_set_bugs_and_chores_are_pointed (TsProject *self,
                                            gboolean   pointed)
{
  g_return_if_fail (TS_IS_PROJECT (self));

  pointed = !!pointed;
  if (self->bugs_and_chores_are_pointed == pointed)
    return;

  self->bugs_and_chores_are_pointed = pointed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUGS_AND_CHORES_ARE_POINTED]);
}

/* `^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$`: names as the zone database
 * writes them. No dot, so no `..`; no leading slash, so no absolute path;
 * no `:`, `,` or `<`, so nothing GLib would read as a POSIX rule. */
static gboolean
zone_name_is_well_formed (const char *identifier)
{
  gboolean segment_empty = TRUE;

  for (const char *p = identifier; *p != '\0'; p++)
    {
      if (*p == '/')
        {
          if (segment_empty)
            return FALSE;
          segment_empty = TRUE;
        }
      else if (g_ascii_isalnum (*p) || *p == '_' || *p == '+' || *p == '-')
        {
          segment_empty = FALSE;
        }
      else
        {
          return FALSE;
        }
    }
  return !segment_empty;
}

/* Where GLib looks for zones: $TZDIR, else /usr/share/zoneinfo. */
static const char *
zone_database (void)
{
  const char *tzdir = g_getenv ("TZDIR");

  return tzdir != NULL ? tzdir : "/usr/share/zoneinfo";
}

/* Whether @path, under the zone database @database, is a regular file, or
 * a link (the database's aliases: UTC → Etc/UTC) that leads to one inside
 * the database. Only lstat() and readlink() (inside realpath()) look at
 * it: nothing is opened, so a FIFO or a device cannot block. */
static gboolean
zone_file_is_regular (const char *database,
                      const char *path)
{
  struct stat info;
  g_autofree char *real_database = NULL;
  g_autofree char *real_path = NULL;

  if (lstat (path, &info) != 0)
    return FALSE;
  if (S_ISREG (info.st_mode))
    return TRUE;
  if (!S_ISLNK (info.st_mode))
    return FALSE;

  real_database = realpath (database, NULL);
  real_path = realpath (path, NULL);
  return real_database != NULL && real_path != NULL &&
         g_str_has_prefix (real_path, real_database) &&
         real_path[strlen (real_database)] == '/' &&
         lstat (real_path, &info) == 0 && S_ISREG (info.st_mode);
}

/* Loads the zone @identifier names once it passes the checks of
 * ts_time_zone_is_known(), or returns %NULL. */
static GTimeZone *
load_zone (const char *identifier)
{
  const char *database = zone_database ();
  g_autofree char *path = NULL;

  if (g_strcmp0 (identifier, "UTC") == 0)
    return g_time_zone_new_utc ();
  if (identifier == NULL || !zone_name_is_well_formed (identifier) ||
      *identifier == '+' || *identifier == '-' || !g_path_is_absolute (database))
    return NULL;

  path = g_build_filename (database, identifier, NULL);
  if (!zone_file_is_regular (database, path))
    return NULL;
  return g_time_zone_new_identifier (identifier);
}

/**
 * ts_time_zone_is_known:
 * @identifier: an IANA time zone name such as `Europe/Berlin`
 *
 * A time zone is a file GLib opens, on the thread that asks: a name that
 * is a path (`/etc/localtime`, `../../..`) or leads to a FIFO would read
 * anything or block for ever. So a name must match
 * `^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$` and be a regular file under the
 * zone database ($TZDIR when set, else /usr/share/zoneinfo), checked
 * without opening it, before GLib loads it. `UTC` needs no file. Every
 * GTimeZone made from a project's zone is made after this check.
 *
 * GLib also takes offsets (`+05:00`) and POSIX rules (`EST5EDT,M3.2.0,…`)
 * as identifiers; doc/planning.md asks for IANA names, which are neither.
 *
 * Returns: %TRUE if this machine's time zone database knows @identifier
 */
gboolean
ts_time_zone_is_known (const char *identifier)
{
  g_autoptr(GTimeZone) zone = load_zone (identifier);

  return zone != NULL;
}

const char *
ts_project_get_time_zone (TsProject *self)
{
  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);

  return self->time_zone;
}

/**
 * ts_project_set_time_zone:
 * @identifier: an IANA time zone name
 *
 * Returns: %FALSE, changing nothing, if the zone is unknown here
 */
gboolean
ts_project_set_time_zone (TsProject  *self,
                          const char *identifier)
{
  GTimeZone *zone;

  g_return_val_if_fail (TS_IS_PROJECT (self), FALSE);

  if (g_strcmp0 (self->time_zone, identifier) == 0)
    return TRUE;
  if ((zone = load_zone (identifier)) == NULL)
    return FALSE;

  g_free (self->time_zone);
  self->time_zone = g_strdup (identifier);
  g_time_zone_unref (self->zone);
  self->zone = zone;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_ZONE]);
  return TRUE;
}

/**
 * ts_project_get_zone:
 *
 * Returns: (transfer none): the project's time zone, loaded once
 */
GTimeZone *
ts_project_get_zone (TsProject *self)
{
  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);

  return self->zone;
}

GDateTime *
ts_project_get_created_at (TsProject *self)
{
  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);

  return self->created_at;
}

void
ts_project_set_created_at (TsProject *self,
                           GDateTime *created_at)
{
  g_return_if_fail (TS_IS_PROJECT (self));

  if (self->created_at == created_at ||
      (self->created_at != NULL && created_at != NULL &&
       g_date_time_equal (self->created_at, created_at)))
    return;

  g_clear_pointer (&self->created_at, g_date_time_unref);
  self->created_at = created_at != NULL ? g_date_time_to_utc (created_at) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

char *
ts_project_dup_channel (TsProject *self)
{
  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);

  return g_strdup_printf ("private-project-%" G_GINT64_FORMAT, self->id);
}

char *
ts_project_dup_presence_channel (TsProject *self)
{
  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);

  return g_strdup_printf ("presence-project-%" G_GINT64_FORMAT, self->id);
}

/**
 * ts_project_get_overrides:
 * @n_overrides: (out): how many
 *
 * Returns: (array length=n_overrides) (transfer none): the overrides,
 *   sorted by iteration number
 */
const TsIterationOverride *
ts_project_get_overrides (TsProject *self,
                          guint     *n_overrides)
{
  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);
  g_return_val_if_fail (n_overrides != NULL, NULL);

  *n_overrides = self->overrides->len;
  return (const TsIterationOverride *) (gpointer) self->overrides->data;
}

/* The index of @number in the sorted overrides, or where it would go. */
static guint
find_override (TsProject *self,
               guint      number,
               gboolean  *found)
{
  guint low = 0, high = self->overrides->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      guint mid_number = g_array_index (self->overrides, TsIterationOverride, mid).number;

      if (mid_number == number)
        {
          *found = TRUE;
          return mid;
        }
      if (mid_number < number)
        low = mid + 1;
      else
        high = mid;
    }

  *found = FALSE;
  return low;
}

/**
 * ts_project_get_override:
 * @number: an iteration number
 *
 * Returns: (nullable) (transfer none): the override for that iteration
 */
const TsIterationOverride *
ts_project_get_override (TsProject *self,
                         guint      number)
{
  gboolean found;
  guint index;

  g_return_val_if_fail (TS_IS_PROJECT (self), NULL);

  index = find_override (self, number, &found);
  return found ? &g_array_index (self->overrides, TsIterationOverride, index) : NULL;
}

static gboolean
override_is_valid (const TsIterationOverride *override)
{
  return override->number >= 1 &&
         override->team_strength >= 0.0 && override->team_strength <= 1.0 &&
         (override->length == 0 ||
          (override->length >= TS_ITERATION_LENGTH_MIN &&
           override->length <= TS_ITERATION_LENGTH_MAX));
}

void
ts_project_set_override (TsProject                 *self,
                         const TsIterationOverride *override)
{
  gboolean found;
  guint index;

  g_return_if_fail (TS_IS_PROJECT (self));
  g_return_if_fail (override != NULL && override_is_valid (override));

  index = find_override (self, override->number, &found);
  if (found)
    {
      TsIterationOverride *existing = &g_array_index (self->overrides, TsIterationOverride, index);

      if (existing->team_strength == override->team_strength &&
          existing->length == override->length)
        return;
      *existing = *override;
    }
  else
    {
      g_array_insert_val (self->overrides, index, *override);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITERATIONS]);
}

/**
 * ts_project_clear_override:
 * @number: an iteration number
 *
 * Returns: %TRUE if there was an override to clear
 */
gboolean
ts_project_clear_override (TsProject *self,
                           guint      number)
{
  gboolean found;
  guint index;

  g_return_val_if_fail (TS_IS_PROJECT (self), FALSE);

  index = find_override (self, number, &found);
  if (!found)
    return FALSE;

  g_array_remove_index (self->overrides, index);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITERATIONS]);
  return TRUE;
}

/**
 * ts_project_set_overrides:
 * @overrides: (array length=n_overrides): overrides in any order, each
 *   number at most once
 *
 * Replaces every override at once, notifying once.
 */
void
ts_project_set_overrides (TsProject                 *self,
                          const TsIterationOverride *overrides,
                          guint                      n_overrides)
{
  g_return_if_fail (TS_IS_PROJECT (self));
  g_return_if_fail (overrides != NULL || n_overrides == 0);

  g_object_freeze_notify (G_OBJECT (self));
  while (self->overrides->len > 0)
    ts_project_clear_override (self, g_array_index (self->overrides, TsIterationOverride, 0).number);
  for (guint i = 0; i < n_overrides; i++)
    ts_project_set_override (self, &overrides[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

double
ts_project_get_team_strength (TsProject *self,
                              guint      number)
{
  const TsIterationOverride *override = ts_project_get_override (self, number);

  return override != NULL ? override->team_strength : 1.0;
}

guint
ts_project_get_iteration_weeks (TsProject *self,
                                guint      number)
{
  const TsIterationOverride *override = ts_project_get_override (self, number);

  if (override != NULL && override->length != 0)
    return override->length;
  return self->iteration_length;
}
