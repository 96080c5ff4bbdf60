/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-enums"

#include "ts-enums.h"

G_DEFINE_ENUM_TYPE (TsStoryType, ts_story_type,
  G_DEFINE_ENUM_VALUE (TS_STORY_TYPE_FEATURE, "feature"),
  G_DEFINE_ENUM_VALUE (TS_STORY_TYPE_BUG, "bug"),
  G_DEFINE_ENUM_VALUE (TS_STORY_TYPE_CHORE, "chore"),
  G_DEFINE_ENUM_VALUE (TS_STORY_TYPE_RELEASE, "release"))

G_DEFINE_ENUM_TYPE (TsStoryState, ts_story_state,
  G_DEFINE_ENUM_VALUE (TS_STORY_STATE_UNSCHEDULED, "unscheduled"),
  G_DEFINE_ENUM_VALUE (TS_STORY_STATE_UNSTARTED, "unstarted"),
  G_DEFINE_ENUM_VALUE (TS_STORY_STATE_STARTED, "started"),
  G_DEFINE_ENUM_VALUE (TS_STORY_STATE_FINISHED, "finished"),
  G_DEFINE_ENUM_VALUE (TS_STORY_STATE_DELIVERED, "delivered"),
  G_DEFINE_ENUM_VALUE (TS_STORY_STATE_REJECTED, "rejected"),
  G_DEFINE_ENUM_VALUE (TS_STORY_STATE_ACCEPTED, "accepted"))

G_DEFINE_ENUM_TYPE (TsPointScale, ts_point_scale,
  G_DEFINE_ENUM_VALUE (TS_POINT_SCALE_FIBONACCI, "fibonacci"),
  G_DEFINE_ENUM_VALUE (TS_POINT_SCALE_LINEAR, "linear"),
  G_DEFINE_ENUM_VALUE (TS_POINT_SCALE_POWERS_OF_TWO, "powers_of_two"))

static const char *
enum_to_nick (GType type,
              int   value)
{
  /* Enum classes are never finalized once made, so the nick outlives the
   * reference taken here. */
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  g_type_class_unref (klass);
  return enum_value != NULL ? enum_value->value_nick : NULL;
}

static gboolean
enum_from_nick (GType       type,
                const char *nick,
                int        *out_value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *enum_value;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (type);
  enum_value = g_enum_get_value_by_nick (klass, nick);
  if (enum_value == NULL)
    return FALSE;

  *out_value = enum_value->value;
  return TRUE;
}

const char *
ts_story_type_to_string (TsStoryType type)
{
  return enum_to_nick (TS_TYPE_STORY_TYPE, type);
}

gboolean
ts_story_type_from_string (const char  *string,
                           TsStoryType *out_type)
{
  int value;

  g_return_val_if_fail (out_type != NULL, FALSE);

  if (!enum_from_nick (TS_TYPE_STORY_TYPE, string, &value))
    return FALSE;
  *out_type = value;
  return TRUE;
}

const char *
ts_story_state_to_string (TsStoryState state)
{
  return enum_to_nick (TS_TYPE_STORY_STATE, state);
}

gboolean
ts_story_state_from_string (const char   *string,
                            TsStoryState *out_state)
{
  int value;

  g_return_val_if_fail (out_state != NULL, FALSE);

  if (!enum_from_nick (TS_TYPE_STORY_STATE, string, &value))
    return FALSE;
  *out_state = value;
  return TRUE;
}

const char *
ts_point_scale_to_string (TsPointScale scale)
{
  return enum_to_nick (TS_TYPE_POINT_SCALE, scale);
}

gboolean
ts_point_scale_from_string (const char   *string,
                            TsPointScale *out_scale)
{
  int value;

  g_return_val_if_fail (out_scale != NULL, FALSE);

  if (!enum_from_nick (TS_TYPE_POINT_SCALE, string, &value))
    return FALSE;
  *out_scale = value;
  return TRUE;
}

static const int fibonacci_values[] = { 0, 1, 2, 3, 5, 8 };
static const int linear_values[] = { 0, 1, 2, 3 };
static const int powers_of_two_values[] = { 0, 1, 2, 4, 8 };

/**
 * ts_point_scale_get_values:
 * @scale: a point scale
 * @n_values: (out): the number of values
 *
 * Returns: (array length=n_values): the allowed estimates, ascending
 */
const int *
ts_point_scale_get_values (TsPointScale  scale,
                           guint        *n_values)
{
  g_return_val_if_fail (n_values != NULL, NULL);

  switch (scale)
    {
    case TS_POINT_SCALE_LINEAR:
      *n_values = G_N_ELEMENTS (linear_values);
      return linear_values;
    case TS_POINT_SCALE_POWERS_OF_TWO:
      *n_values = G_N_ELEMENTS (powers_of_two_values);
      return powers_of_two_values;
    case TS_POINT_SCALE_FIBONACCI:
    default:
      *n_values = G_N_ELEMENTS (fibonacci_values);
      return fibonacci_values;
    }
}

gboolean
ts_point_scale_contains (TsPointScale scale,
                         int          estimate)
{
  guint n_values;
  const int *values = ts_point_scale_get_values (scale, &n_values);

  for (guint i = 0; i < n_values; i++)
    if (values[i] == estimate)
      return TRUE;
  return FALSE;
}

/**
 * ts_point_scale_nearest:
 * @scale: the new point scale
 * @estimate: an estimate, or %TS_ESTIMATE_NONE
 *
 * Maps an estimate onto @scale when a project changes its point scale: the
 * nearest allowed value, a tie going to the larger one (doc/planning.md).
 *
 * Returns: the mapped estimate; %TS_ESTIMATE_NONE stays none
 */
int
ts_point_scale_nearest (TsPointScale scale,
                        int          estimate)
{
  guint n_values;
  const int *values = ts_point_scale_get_values (scale, &n_values);
  int best;

  if (estimate == TS_ESTIMATE_NONE)
    return TS_ESTIMATE_NONE;

  /* Values ascend, so on a tie the later (larger) value wins with <=. */
  best = values[0];
  for (guint i = 1; i < n_values; i++)
    if (ABS (values[i] - estimate) <= ABS (best - estimate))
      best = values[i];
  return best;
}
