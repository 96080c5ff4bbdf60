/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-workflow"

#include "ts-workflow.h"

#include "ts-comment.h"
#include "ts-core-error.h"

/* One allowed step; every step listed here is allowed in both directions
 * unless it is marked one-way (doc/api.md: each reverse step is what an undo
 * sends). */
typedef struct {
  TsStoryState from;
  TsStoryState to;
  gboolean one_way;
} Step;

static const Step feature_steps[] = {
  { TS_STORY_STATE_UNSCHEDULED, TS_STORY_STATE_UNSTARTED, FALSE },
  { TS_STORY_STATE_UNSTARTED, TS_STORY_STATE_STARTED, FALSE },
  { TS_STORY_STATE_STARTED, TS_STORY_STATE_FINISHED, FALSE },
  { TS_STORY_STATE_FINISHED, TS_STORY_STATE_DELIVERED, FALSE },
  { TS_STORY_STATE_DELIVERED, TS_STORY_STATE_ACCEPTED, FALSE },
  { TS_STORY_STATE_DELIVERED, TS_STORY_STATE_REJECTED, FALSE },
  { TS_STORY_STATE_REJECTED, TS_STORY_STATE_STARTED, TRUE },
};

static const Step chore_steps[] = {
  { TS_STORY_STATE_UNSCHEDULED, TS_STORY_STATE_UNSTARTED, FALSE },
  { TS_STORY_STATE_UNSTARTED, TS_STORY_STATE_STARTED, FALSE },
  { TS_STORY_STATE_STARTED, TS_STORY_STATE_ACCEPTED, FALSE },
};

static const Step release_steps[] = {
  { TS_STORY_STATE_UNSCHEDULED, TS_STORY_STATE_UNSTARTED, FALSE },
  { TS_STORY_STATE_UNSTARTED, TS_STORY_STATE_ACCEPTED, FALSE },
};

static const Step *
steps_for_type (TsStoryType  type,
                guint       *n_steps)
{
  switch (type)
    {
    case TS_STORY_TYPE_CHORE:
      *n_steps = G_N_ELEMENTS (chore_steps);
      return chore_steps;
    case TS_STORY_TYPE_RELEASE:
      *n_steps = G_N_ELEMENTS (release_steps);
      return release_steps;
    case TS_STORY_TYPE_FEATURE:
    case TS_STORY_TYPE_BUG:
    default:
      *n_steps = G_N_ELEMENTS (feature_steps);
      return feature_steps;
    }
}

/**
 * ts_story_state_is_valid_for_type:
 *
 * Chores are never finished, delivered or rejected; releases are only
 * scheduled and accepted.
 */
gboolean
ts_story_state_is_valid_for_type (TsStoryType  type,
                                  TsStoryState state)
{
  guint n_steps;
  const Step *steps = steps_for_type (type, &n_steps);

  for (guint i = 0; i < n_steps; i++)
    if (steps[i].from == state || steps[i].to == state)
      return TRUE;
  return FALSE;
}

/**
 * ts_story_state_change_allowed:
 * @type: the story's type
 * @from: its state now
 * @to: the state asked for
 *
 * The state changes of doc/api.md. Staying in the same state is not a change
 * and is allowed when the state is valid for the type.
 */
gboolean
ts_story_state_change_allowed (TsStoryType  type,
                               TsStoryState from,
                               TsStoryState to)
{
  guint n_steps;
  const Step *steps = steps_for_type (type, &n_steps);

  if (from == to)
    return ts_story_state_is_valid_for_type (type, from);

  for (guint i = 0; i < n_steps; i++)
    {
      if (steps[i].from == from && steps[i].to == to)
        return TRUE;
      if (!steps[i].one_way && steps[i].from == to && steps[i].to == from)
        return TRUE;
    }
  return FALSE;
}

/**
 * ts_story_next_states:
 * @type: the story's type
 * @state: its state
 * @estimated: whether it has an estimate
 * @out_states: (out caller-allocates) (array fixed-size=2): the states
 *
 * The forward steps a row offers as buttons: Start, Finish, Deliver,
 * Accept and Reject, Restart. Nothing for the Icebox (a story is scheduled
 * by moving it) and nothing for an unestimated feature, which must be
 * estimated first.
 *
 * Returns: how many states were written (0, 1 or 2)
 */
guint
ts_story_next_states (TsStoryType  type,
                      TsStoryState state,
                      gboolean     estimated,
                      TsStoryState out_states[2])
{
  guint n_steps, n = 0;
  const Step *steps = steps_for_type (type, &n_steps);

  if (state == TS_STORY_STATE_UNSCHEDULED)
    return 0;
  if (type == TS_STORY_TYPE_FEATURE && !estimated && state == TS_STORY_STATE_UNSTARTED)
    return 0;

  for (guint i = 0; i < n_steps && n < 2; i++)
    if (steps[i].from == state)
      out_states[n++] = steps[i].to;
  return n;
}

/**
 * ts_check_text_characters:
 * @field: the member named in the message
 * @text: UTF-8 text
 * @multiline: whether @text may hold tab, line feed and carriage return
 *
 * Refuses the control characters U+0000–U+001F and U+007F (but for the
 * three of a multi-line text): they mean nothing in a title, a label or a
 * name, and some of them break the terminals and JSON readers that show
 * them. A byte scan is enough: in UTF-8 these bytes are only ever these
 * characters.
 */
gboolean
ts_check_text_characters (const char  *field,
                          const char  *text,
                          gboolean     multiline,
                          GError     **error)
{
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p >= 0x20 && *p != 0x7f)
        continue;
      if (multiline && (*p == '\t' || *p == '\n' || *p == '\r'))
        continue;
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   multiline
                   ? "“%s” holds the control character U+%04X; only tab, line feed "
                     "and carriage return are allowed"
                   : "“%s” holds the control character U+%04X; none is allowed",
                   field, (guint) *p);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_text_length (const char  *field,
                   const char  *text,
                   glong        max_chars,
                   gboolean     required,
                   gboolean     multiline,
                   GError     **error)
{
  glong n_chars;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” must be UTF-8 text", field);
      return FALSE;
    }
  if (!ts_check_text_characters (field, text, multiline, error))
    return FALSE;

  n_chars = g_utf8_strlen (text, -1);
  if (n_chars > max_chars)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“%s” is %ld characters long; at most %ld are allowed",
                   field, n_chars, max_chars);
      return FALSE;
    }

  if (required)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      if (*stripped == '\0')
        {
          g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                       "“%s” must not be empty", field);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
ts_check_story_title (const char  *title,
                      GError     **error)
{
  return check_text_length ("title", title, TS_STORY_TITLE_MAX_CHARS, TRUE, FALSE, error);
}

/* A task is one line, like a title (src/DESIGN.md, Tasks). */
gboolean
ts_check_task_text (const char  *text,
                    GError     **error)
{
  return check_text_length ("text", text, TS_TASK_TEXT_MAX_CHARS, TRUE, FALSE, error);
}

gboolean
ts_check_story_description (const char  *description,
                            GError     **error)
{
  return check_text_length ("description", description,
                            TS_STORY_DESCRIPTION_MAX_CHARS, FALSE, TRUE, error);
}

gboolean
ts_check_comment_text (const char  *text,
                       GError     **error)
{
  return check_text_length ("text", text, TS_COMMENT_TEXT_MAX_CHARS, TRUE, TRUE, error);
}

/**
 * ts_check_story_labels:
 *
 * Labels are short non-empty texts, each at most once on a story, so that
 * `label:` searches and the label chips mean one thing each.
 */
gboolean
ts_check_story_labels (const char * const  *labels,
                       GError             **error)
{
  guint n_labels = labels != NULL ? g_strv_length ((char **) labels) : 0;

  if (n_labels > TS_STORY_MAX_LABELS)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "“labels” has %u labels; at most %u are allowed",
                   n_labels, TS_STORY_MAX_LABELS);
      return FALSE;
    }

  for (guint i = 0; i < n_labels; i++)
    {
      if (!check_text_length ("labels", labels[i], TS_STORY_LABEL_MAX_CHARS, TRUE, FALSE, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        {
          if (g_strcmp0 (labels[i], labels[j]) == 0)
            {
              g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "“labels” has “%s” twice", labels[i]);
              return FALSE;
            }
        }
    }

  return TRUE;
}

gboolean
ts_check_story_estimate (int            estimate,
                         TsPointScale   scale,
                         GError       **error)
{
  g_autoptr(GString) allowed = NULL;
  const int *values;
  guint n_values;

  if (estimate == TS_ESTIMATE_NONE || ts_point_scale_contains (scale, estimate))
    return TRUE;

  values = ts_point_scale_get_values (scale, &n_values);
  allowed = g_string_new (NULL);
  for (guint i = 0; i < n_values; i++)
    g_string_append_printf (allowed, i == 0 ? "%d" : ", %d", values[i]);

  g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
               "“estimate” %d is not on the project's %s point scale (%s)",
               estimate, ts_point_scale_to_string (scale), allowed->str);
  return FALSE;
}

/**
 * ts_story_validate:
 * @story: a story as it would be stored
 * @scale: its project's point scale
 *
 * Everything a stored story must satisfy on its own: its texts, its
 * estimate, a state its type has, no estimate on a release, a deadline only
 * on a release, and an estimate on every feature that has been started.
 */
gboolean
ts_story_validate (TsStory       *story,
                   TsPointScale   scale,
                   GError       **error)
{
  TsStoryType type;
  TsStoryState state;

  g_return_val_if_fail (TS_IS_STORY (story), FALSE);

  type = ts_story_get_story_type (story);
  state = ts_story_get_state (story);

  if (!ts_check_story_title (ts_story_get_title (story), error) ||
      !ts_check_story_description (ts_story_get_description (story), error) ||
      !ts_check_story_labels (ts_story_get_labels (story), error) ||
      !ts_check_story_estimate (ts_story_get_estimate (story), scale, error))
    return FALSE;

  if (!ts_story_state_is_valid_for_type (type, state))
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "a %s cannot be %s", ts_story_type_to_string (type),
                   ts_story_state_to_string (state));
      return FALSE;
    }
  if (type == TS_STORY_TYPE_RELEASE && ts_story_has_estimate (story))
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "a release has no “estimate”");
      return FALSE;
    }
  if (type != TS_STORY_TYPE_RELEASE && ts_story_get_deadline (story) != TS_DAY_NONE)
    {
      g_set_error_literal (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                           "only a release has a “deadline”");
      return FALSE;
    }
  if (type == TS_STORY_TYPE_FEATURE && !ts_story_has_estimate (story) &&
      state != TS_STORY_STATE_UNSCHEDULED && state != TS_STORY_STATE_UNSTARTED)
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "an unestimated feature cannot be %s; estimate it first",
                   ts_story_state_to_string (state));
      return FALSE;
    }

  return TRUE;
}

/**
 * ts_story_check_change:
 * @before: the story as stored
 * @after: the story as it would be after the change
 * @scale: the project's point scale
 *
 * Whether a change to an existing story may be stored: the result is
 * valid, and its state change, read under the story's new type, is one of
 * the allowed steps.
 */
gboolean
ts_story_check_change (TsStory       *before,
                       TsStory       *after,
                       TsPointScale   scale,
                       GError       **error)
{
  TsStoryState from, to;
  TsStoryType type;

  g_return_val_if_fail (TS_IS_STORY (before), FALSE);
  g_return_val_if_fail (TS_IS_STORY (after), FALSE);

  from = ts_story_get_state (before);
  to = ts_story_get_state (after);
  type = ts_story_get_story_type (after);

  if (from != to && !ts_story_state_change_allowed (type, from, to))
    {
      g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                   "a %s cannot go from %s to %s",
                   ts_story_type_to_string (type),
                   ts_story_state_to_string (from),
                   ts_story_state_to_string (to));
      return FALSE;
    }

  return ts_story_validate (after, scale, error);
}
