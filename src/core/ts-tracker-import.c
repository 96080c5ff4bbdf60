/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-tracker"

/* Mapping Tracker's rows onto a project (doc/api.md, *Tracker import and
 * export*): stories with their comments and tasks, the people matched to
 * members, the export's schedule, and a "From Tracker:" block in the
 * description for what a story cannot hold, so nothing is dropped. */

#include "ts-tracker.h"

#include <stdlib.h>
#include <string.h>

#include "ts-core-error.h"
#include "ts-enums.h"
#include "ts-task.h"
#include "ts-workflow.h"

#define DESCRIPTION_MAX 20000
#define COMMENT_MAX 10000
#define TITLE_MAX 1000
#define LABEL_MAX 100
#define LABELS_MAX 100
#define OWNERS_MAX 100

typedef struct {
  TsTrackerImport *import;
  TsProject *project;
  gint64 actor_id;
  GDateTime *now;
  /* Folded full name → user id, or -1 when two members share it. */
  GHashTable *names;
  /* Names already counted as matched or unmatched. */
  GHashTable *seen_names;
  /* Tracker ids met in this file. */
  GHashTable *file_ids;
  TsTrackerKnownFunc known;
  gpointer known_data;
  /* The schedule: the lowest iteration seen with its dates. */
  gint64 schedule_iteration;
  TsDay schedule_start;
  TsDay schedule_end;
} Mapper;

static void
tracker_story_free (TsTrackerStory *story)
{
  g_clear_object (&story->story);
  g_clear_pointer (&story->comments, g_ptr_array_unref);
  g_free (story);
}

static void
tracker_person_free (TsTrackerPerson *person)
{
  g_free (person->name);
  g_free (person);
}

void
ts_tracker_import_free (TsTrackerImport *import)
{
  if (import == NULL)
    return;
  g_clear_pointer (&import->stories, g_ptr_array_unref);
  g_clear_pointer (&import->matched, g_ptr_array_unref);
  g_clear_pointer (&import->unmatched, g_ptr_array_unref);
  g_free (import);
}

/* A name as compared: composed, case-folded, without surrounding space. */
static char *
fold_name (const char *name)
{
  g_auto(GStrv) words = g_strsplit_set (name, " \t", -1);
  g_autoptr(GString) spaced = g_string_new (NULL);
  g_autofree char *composed = NULL;

  /* Runs of space are one, as people type names. */
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (spaced, "%s%s", spaced->len > 0 ? " " : "", words[i]);
  composed = g_utf8_normalize (spaced->str, -1, G_NORMALIZE_NFC);
  return g_utf8_casefold (composed != NULL ? composed : spaced->str, -1);
}

static GHashTable *
index_members (GPtrArray *members)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < members->len; i++)
    {
      TsUser *user = members->pdata[i];
      char *key = fold_name (ts_user_get_name (user));
      gint64 id = ts_user_get_id (user);

      if (g_hash_table_contains (names, key))
        id = -1;
      g_hash_table_replace (names, key, GINT_TO_POINTER ((int) id));
    }
  return names;
}

/* The member named @name, or 0 (unmatched, or ambiguous); counted for the
 * preview the first time it is met. */
static gint64
match_person (Mapper     *mapper,
              const char *name)
{
  g_autofree char *key = fold_name (name);
  gpointer value;
  gint64 id = 0;

  if (g_hash_table_lookup_extended (mapper->names, key, NULL, &value) && GPOINTER_TO_INT (value) > 0)
    id = GPOINTER_TO_INT (value);
  if (!g_hash_table_contains (mapper->seen_names, key))
    {
      g_autofree char *stripped = g_strstrip (g_strdup (name));

      if (id > 0)
        {
          TsTrackerPerson *person = g_new0 (TsTrackerPerson, 1);

          person->name = g_steal_pointer (&stripped);
          person->user_id = id;
          g_ptr_array_add (mapper->import->matched, person);
        }
      else
        g_ptr_array_add (mapper->import->unmatched, g_steal_pointer (&stripped));
      g_hash_table_add (mapper->seen_names, g_steal_pointer (&key));
    }
  return id;
}

/* @text with the control characters a field may not hold made spaces
 * (doc/api.md, *Limits*): a description or comment keeps tab, LF and CR. */
static char *
clean_text (const char *text,
            gboolean    multiline)
{
  char *copy = g_strdup (text);

  for (char *p = copy; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if ((c < 0x20 || c == 0x7f) && !(multiline && (c == '\t' || c == '\n' || c == '\r')))
        *p = ' ';
    }
  return copy;
}

/* The first @max characters of @text; the rest, if any, in @out_rest. */
static char *
split_characters (const char  *text,
                  glong        max,
                  const char **out_rest)
{
  const char *end = text;

  for (glong n = 0; *end != '\0' && n < max; n++)
    end = g_utf8_next_char (end);
  *out_rest = *end != '\0' ? end : NULL;
  return g_strndup (text, end - text);
}

static GDateTime *
noon_of (TsDay day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, day);
  return g_date_time_new_utc (g_date_get_year (&date), g_date_get_month (&date),
                              g_date_get_day (&date), 12, 0, 0);
}

static gboolean
fail_row (TsTrackerRow  *row,
          guint         *out_line,
          GError       **error,
          const char    *format,
          ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail_row (TsTrackerRow  *row,
          guint         *out_line,
          GError       **error,
          const char    *format,
          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  *out_line = row->line;
  g_set_error (error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "line %u: %s", row->line, message);
  return FALSE;
}

/* A date cell: TS_DAY_NONE when empty, FALSE when not a date. */
static gboolean
read_date (TsTrackerRow  *row,
           int            column,
           const char    *name,
           TsDay         *out_day,
           guint         *out_line,
           GError       **error)
{
  const char *text = row->cells[column];

  *out_day = TS_DAY_NONE;
  if (text[0] == '\0')
    return TRUE;
  if (!ts_tracker_parse_date (text, out_day))
    return fail_row (row, out_line, error, "“%s” %s is not a date (like Nov 19, 2015)", name, text);
  return TRUE;
}

static gboolean
is_epic (TsTrackerRow *row)
{
  return g_ascii_strcasecmp (row->cells[TS_TRACKER_TYPE], "epic") == 0 ||
         strstr (row->cells[TS_TRACKER_URL], "/epic/show/") != NULL;
}

static gboolean
read_type_and_state (TsTrackerRow  *row,
                     TsStory       *story,
                     guint         *out_line,
                     GError       **error)
{
  g_autofree char *type_text = g_ascii_strdown (row->cells[TS_TRACKER_TYPE], -1);
  g_autofree char *state_text = g_ascii_strdown (row->cells[TS_TRACKER_CURRENT_STATE], -1);
  TsStoryType type = TS_STORY_TYPE_FEATURE;
  TsStoryState state = TS_STORY_STATE_UNSCHEDULED;

  g_strstrip (type_text);
  g_strstrip (state_text);
  if (type_text[0] != '\0' && !ts_story_type_from_string (type_text, &type))
    return fail_row (row, out_line, error, "“Type” %s is none of feature, bug, chore, release, epic",
                     row->cells[TS_TRACKER_TYPE]);
  if (g_str_equal (state_text, "planned"))
    state = TS_STORY_STATE_UNSTARTED;
  else if (state_text[0] != '\0' && !ts_story_state_from_string (state_text, &state))
    return fail_row (row, out_line, error, "“Current State” %s is none of unscheduled, unstarted, "
                     "planned, started, finished, delivered, accepted, rejected",
                     row->cells[TS_TRACKER_CURRENT_STATE]);
  if (!ts_story_state_is_valid_for_type (type, state))
    return fail_row (row, out_line, error, "a %s cannot be %s", ts_story_type_to_string (type),
                     ts_story_state_to_string (state));
  ts_story_set_story_type (story, type);
  ts_story_set_state (story, state);
  return TRUE;
}

static gboolean
read_estimate (Mapper        *mapper,
               TsTrackerRow  *row,
               TsStory       *story,
               GString       *block,
               guint         *out_line,
               GError       **error)
{
  g_autofree char *text = g_strstrip (g_strdup (row->cells[TS_TRACKER_ESTIMATE]));
  TsStoryType type = ts_story_get_story_type (story);
  TsStoryState state = ts_story_get_state (story);
  int estimate = TS_ESTIMATE_NONE;
  char *end = NULL;
  double value;

  if (text[0] != '\0')
    {
      value = g_ascii_strtod (text, &end);
      if (*end != '\0' || value < -1 || value > 1000)
        return fail_row (row, out_line, error, "“Estimate” %s is not a number of points", text);
      estimate = value < 0 ? TS_ESTIMATE_NONE : (int) (value + 0.5);
    }
  if (type == TS_STORY_TYPE_RELEASE)
    {
      if (estimate != TS_ESTIMATE_NONE)
        g_string_append_printf (block, "Estimate: %s\n", text);
      return TRUE;
    }
  if (estimate != TS_ESTIMATE_NONE)
    {
      int mapped = ts_point_scale_nearest (ts_project_get_point_scale (mapper->project), estimate);

      if (mapped != estimate)
        g_string_append_printf (block, "Estimate: %s\n", text);
      estimate = mapped;
    }
  else if (type == TS_STORY_TYPE_FEATURE && state != TS_STORY_STATE_UNSCHEDULED &&
           state != TS_STORY_STATE_UNSTARTED)
    {
      /* A feature in progress has an estimate here; Tracker's projects
       * without estimates had none. */
      g_string_append (block, "Estimate: none\n");
      estimate = ts_point_scale_nearest (ts_project_get_point_scale (mapper->project), 0);
    }
  ts_story_set_estimate (story, estimate);
  return TRUE;
}

static void
add_label (GPtrArray  *labels,
           const char *text,
           GString    *block)
{
  g_autofree char *label = g_strstrip (clean_text (text, FALSE));

  if (label[0] == '\0')
    return;
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (labels->pdata[i], label))
      return;
  if (g_utf8_strlen (label, -1) > LABEL_MAX || labels->len >= LABELS_MAX)
    {
      g_string_append_printf (block, "Label: %s\n", label);
      return;
    }
  g_ptr_array_add (labels, g_steal_pointer (&label));
}

static void
read_labels (TsTrackerRow *row,
             TsStory      *story,
             GString      *block)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = g_strsplit (row->cells[TS_TRACKER_LABELS], ",", -1);
  g_autofree char *priority = g_strstrip (g_strdup (row->cells[TS_TRACKER_PRIORITY]));

  for (guint i = 0; parts[i] != NULL; i++)
    add_label (labels, parts[i], block);
  if (priority[0] != '\0' && g_ascii_strcasecmp (priority, "none") != 0)
    {
      g_string_append_printf (block, "Priority: %s\n", priority);
      /* Labels are written comma-separated: a priority with a comma
       * (Tracker's never have one) would read back as two labels, so it
       * stays in the block alone. */
      if (strchr (priority, ',') == NULL)
        add_label (labels, priority, block);
    }
  g_ptr_array_add (labels, NULL);
  ts_story_set_labels (story, (const char * const *) labels->pdata);
}

static void
read_people (Mapper       *mapper,
             TsTrackerRow *row,
             TsStory      *story,
             GString      *block)
{
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *requester = row->cells[TS_TRACKER_REQUESTED_BY];
  GPtrArray *owned_by = row->lists[TS_TRACKER_OWNED_BY];
  gint64 id;

  ts_story_set_requester_id (story, mapper->actor_id);
  if (requester[0] != '\0')
    {
      if ((id = match_person (mapper, requester)) > 0)
        ts_story_set_requester_id (story, id);
      else
        g_string_append_printf (block, "Requested by: %s\n", requester);
    }
  for (guint i = 0; i < owned_by->len; i++)
    {
      const char *name = owned_by->pdata[i];
      gboolean twice = FALSE;

      if (name[0] == '\0')
        continue;
      if ((id = match_person (mapper, name)) <= 0 || owners->len >= OWNERS_MAX)
        {
          g_string_append_printf (block, "Owned by: %s\n", name);
          continue;
        }
      for (guint j = 0; j < owners->len; j++)
        twice |= g_array_index (owners, gint64, j) == id;
      if (!twice)
        g_array_append_val (owners, id);
    }
  ts_story_set_owner_ids (story, (const gint64 *) owners->data, owners->len);
}

/* Pairs of a repeated column and its status column, as "Name (status): text". */
static void
append_pairs (GString    *block,
              const char *name,
              GPtrArray  *texts,
              GPtrArray  *statuses)
{
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = texts->pdata[i];
      const char *status = statuses != NULL && i < statuses->len ? statuses->pdata[i] : "";

      if (text[0] == '\0')
        continue;
      if (status[0] != '\0')
        g_string_append_printf (block, "%s (%s): %s\n", name, status, text);
      else
        g_string_append_printf (block, "%s: %s\n", name, text);
    }
}

/* Tracker's tasks as the story's: one line each, within the limits; a
 * task over them is kept in the block. */
static void
read_tasks (TsTrackerRow *row,
            TsStory      *story,
            GString      *block)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_task_free);
  GPtrArray *texts = row->lists[TS_TRACKER_TASK];
  GPtrArray *statuses = row->lists[TS_TRACKER_TASK_STATUS];

  for (guint i = 0; i < texts->len; i++)
    {
      const char *status = i < statuses->len ? statuses->pdata[i] : "";
      g_autofree char *text = g_strstrip (clean_text (texts->pdata[i], FALSE));
      gboolean done = g_ascii_strcasecmp (status, "completed") == 0;

      if (text[0] == '\0')
        continue;
      if (g_utf8_strlen (text, -1) > TS_TASK_TEXT_MAX_CHARS || tasks->len >= TS_STORY_MAX_TASKS)
        {
          g_string_append_printf (block, "Task (%s): %s\n", done ? "completed" : "not completed",
                                  text);
          continue;
        }
      g_ptr_array_add (tasks, ts_task_new (0, text, done, NULL));
    }
  ts_story_set_tasks (story, tasks);
}

/* Adds @text as comments of at most COMMENT_MAX characters each. */
static void
add_comment_text (TsTrackerStory *item,
                  const char     *text,
                  gint64          author_id,
                  GDateTime      *created_at)
{
  const char *rest = text;

  while (rest != NULL)
    {
      g_autofree char *part = split_characters (rest, COMMENT_MAX, &rest);
      TsComment *comment;

      if (g_strstrip (part)[0] == '\0')
        continue;
      comment = ts_comment_new ();
      ts_comment_set_author_id (comment, author_id);
      ts_comment_set_text (comment, part);
      ts_comment_set_created_at (comment, created_at);
      g_ptr_array_add (item->comments, comment);
    }
}

/* A comment as Tracker wrote it: `text (Author Name - Nov 19, 2015)`. */
static void
read_comment (Mapper         *mapper,
              TsTrackerStory *item,
              const char     *cell)
{
  g_autofree char *text = g_strstrip (clean_text (cell, TRUE));
  g_autoptr(GDateTime) created_at = NULL;
  gint64 author_id = mapper->actor_id;
  gsize length = strlen (text);
  char *open, *dash;
  TsDay day;

  if (length == 0)
    return;
  open = strrchr (text, '(');
  if (text[length - 1] == ')' && open != NULL)
    {
      text[length - 1] = '\0';
      dash = g_strrstr (open, " - ");
      if (dash != NULL && ts_tracker_parse_date (dash + 3, &day))
        {
          g_autofree char *name = g_strstrip (g_strndup (open + 1, dash - open - 1));
          gint64 id = name[0] != '\0' ? match_person (mapper, name) : mapper->actor_id;

          created_at = noon_of (day);
          *open = '\0';
          g_strchomp (text);
          if (id > 0)
            author_id = id;
          else if (name[0] != '\0')
            {
              /* An author who is no member keeps their name. */
              g_autofree char *signed_text = g_strdup_printf ("%s\n— %s", text, name);

              g_free (text);
              text = g_steal_pointer (&signed_text);
            }
        }
      else
        text[length - 1] = ')';
    }
  if (created_at == NULL)
    created_at = g_date_time_ref (ts_story_get_created_at (item->story));
  add_comment_text (item, text, author_id, created_at);
}

static gboolean
read_dates (Mapper        *mapper,
            TsTrackerRow  *row,
            TsStory       *story,
            GString       *block,
            guint         *out_line,
            GError       **error)
{
  TsDay created, accepted, deadline;
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GDateTime) accepted_at = NULL;

  if (!read_date (row, TS_TRACKER_CREATED_AT, "Created at", &created, out_line, error) ||
      !read_date (row, TS_TRACKER_ACCEPTED_AT, "Accepted at", &accepted, out_line, error) ||
      !read_date (row, TS_TRACKER_DEADLINE, "Deadline", &deadline, out_line, error))
    return FALSE;

  created_at = created != TS_DAY_NONE ? noon_of (created) : g_date_time_ref (mapper->now);
  ts_story_set_created_at (story, created_at);
  ts_story_set_updated_at (story, mapper->now);
  if (ts_story_get_state (story) == TS_STORY_STATE_ACCEPTED)
    {
      accepted_at = accepted != TS_DAY_NONE ? noon_of (accepted) : g_date_time_ref (created_at);
      ts_story_set_accepted_at (story, accepted_at);
    }
  if (deadline != TS_DAY_NONE && ts_story_get_story_type (story) == TS_STORY_TYPE_RELEASE)
    ts_story_set_deadline (story, deadline);
  else if (deadline != TS_DAY_NONE)
    g_string_append_printf (block, "Deadline: %s\n", row->cells[TS_TRACKER_DEADLINE]);
  return TRUE;
}

/* Keeps the lowest numbered iteration with both its dates: the schedule. */
static gboolean
read_iteration (Mapper        *mapper,
                TsTrackerRow  *row,
                guint         *out_line,
                GError       **error)
{
  TsDay start, end;
  gint64 number;

  if (!read_date (row, TS_TRACKER_ITERATION_START, "Iteration Start", &start, out_line, error) ||
      !read_date (row, TS_TRACKER_ITERATION_END, "Iteration End", &end, out_line, error))
    return FALSE;
  if (start == TS_DAY_NONE || end == TS_DAY_NONE || end <= start ||
      !g_ascii_string_to_signed (row->cells[TS_TRACKER_ITERATION], 10, 1, 100000, &number, NULL))
    return TRUE;
  if (mapper->schedule_iteration == 0 || number < mapper->schedule_iteration)
    {
      mapper->schedule_iteration = number;
      mapper->schedule_start = start;
      mapper->schedule_end = end;
    }
  return TRUE;
}

/* The description, with the block of what the story could not hold, and
 * what passes its limit as comments. */
static void
finish_description (Mapper         *mapper,
                    TsTrackerRow   *row,
                    TsTrackerStory *item,
                    GString        *block)
{
  g_autofree char *description = clean_text (row->cells[TS_TRACKER_DESCRIPTION], TRUE);
  g_autoptr(GString) full = g_string_new (description);
  g_autofree char *kept = NULL;
  const char *rest = NULL;

  if (block->len > 0)
    {
      g_autofree char *lines = clean_text (block->str, TRUE);

      if (full->len > 0)
        g_string_append (full, "\n\n");
      g_string_append (full, "From Tracker:\n");
      g_string_append_len (full, lines, block->len - 1);
    }
  kept = split_characters (full->str, DESCRIPTION_MAX, &rest);
  ts_story_set_description (item->story, kept);
  if (rest != NULL)
    add_comment_text (item, rest, mapper->actor_id, ts_story_get_created_at (item->story));
}

static gboolean
read_title (TsTrackerRow  *row,
            TsStory       *story,
            GString       *block,
            guint         *out_line,
            GError       **error)
{
  g_autofree char *title = g_strstrip (clean_text (row->cells[TS_TRACKER_TITLE], FALSE));
  g_autofree char *kept = NULL;
  const char *rest = NULL;

  if (title[0] == '\0')
    return fail_row (row, out_line, error, "a story without a “Title”");
  kept = split_characters (title, TITLE_MAX, &rest);
  if (rest != NULL)
    g_string_append_printf (block, "Title: %s\n", title);
  ts_story_set_title (story, kept);
  return TRUE;
}

/* Whether the row's story is in the project already (or earlier in the
 * file): then it is not made again. */
static gboolean
already_imported (Mapper        *mapper,
                  TsTrackerRow  *row,
                  gint64        *out_id,
                  guint         *out_line,
                  GError       **error)
{
  g_autofree char *text = g_strstrip (g_strdup (row->cells[TS_TRACKER_ID]));
  gint64 id = 0;

  *out_id = 0;
  if (text[0] == '\0')
    return FALSE;
  if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &id, NULL))
    {
      fail_row (row, out_line, error, "“Id” %s is not a Tracker id", text);
      return FALSE;
    }
  *out_id = id;
  if (g_hash_table_contains (mapper->file_ids, &id) ||
      (mapper->known != NULL && mapper->known (id, mapper->known_data)))
    return TRUE;
  g_hash_table_add (mapper->file_ids, g_memdup2 (&id, sizeof id));
  return FALSE;
}

static TsTrackerStory *
map_row (Mapper        *mapper,
         TsTrackerRow  *row,
         guint         *out_line,
         GError       **error)
{
  g_autoptr(GString) block = g_string_new (NULL);
  TsTrackerStory *item = g_new0 (TsTrackerStory, 1);
  TsStory *story = ts_story_new ();
  GError *local_error = NULL;

  item->story = story;
  item->comments = g_ptr_array_new_with_free_func (g_object_unref);
  ts_story_set_project_id (story, ts_project_get_id (mapper->project));
  if (!read_title (row, story, block, out_line, error) ||
      !read_type_and_state (row, story, out_line, error) ||
      !read_estimate (mapper, row, story, block, out_line, error) ||
      !read_dates (mapper, row, story, block, out_line, error) ||
      !read_iteration (mapper, row, out_line, error))
    {
      tracker_story_free (item);
      return NULL;
    }
  read_labels (row, story, block);
  read_people (mapper, row, story, block);
  if (row->cells[TS_TRACKER_URL][0] != '\0')
    g_string_append_printf (block, "URL: %s\n", row->cells[TS_TRACKER_URL]);
  append_pairs (block, "Blocker", row->lists[TS_TRACKER_BLOCKER],
                row->lists[TS_TRACKER_BLOCKER_STATUS]);
  append_pairs (block, "Pull request", row->lists[TS_TRACKER_PULL_REQUEST], NULL);
  append_pairs (block, "Git branch", row->lists[TS_TRACKER_GIT_BRANCH], NULL);
  read_tasks (row, story, block);
  finish_description (mapper, row, item, block);
  for (guint i = 0; i < row->lists[TS_TRACKER_COMMENT]->len; i++)
    read_comment (mapper, item, row->lists[TS_TRACKER_COMMENT]->pdata[i]);

  if (!ts_story_validate (story, ts_project_get_point_scale (mapper->project), &local_error))
    {
      fail_row (row, out_line, error, "%s", local_error->message);
      g_error_free (local_error);
      tracker_story_free (item);
      return NULL;
    }
  return item;
}

/* The export's schedule: its first iteration's start and length. */
static void
finish_schedule (Mapper *mapper)
{
  TsTrackerImport *import = mapper->import;
  gint64 days = mapper->schedule_end - mapper->schedule_start;
  gint64 weeks, start;

  if (mapper->schedule_iteration == 0)
    return;
  /* Tracker's end is the next iteration's start; an inclusive end is a
   * day short of it. */
  weeks = (days + 1) / 7;
  if (weeks < 1 || weeks > 4)
    return;
  start = mapper->schedule_start - (mapper->schedule_iteration - 1) * weeks * 7;
  if (start < ts_day_from_ymd (1970, 1, 1) || start > ts_day_from_ymd (2199, 12, 31))
    return;
  import->start_date = (TsDay) start;
  import->iteration_length = (guint) weeks;
}

/**
 * ts_tracker_import_map:
 * @rows: (element-type TsTrackerRow): from ts_tracker_read()
 * @members: (element-type TsUser): the project's members, whom names match
 * @actor_id: the importing member: the default requester, and the author
 *   of comments whose author is no member
 * @known: (nullable): whether the project has a Tracker id already
 * @out_line: (out): on an error, the line at fault
 *
 * Returns: (transfer full) (nullable): the stories to make and the
 *   preview; an error names the first row that cannot be imported
 */
TsTrackerImport *
ts_tracker_import_map (GPtrArray           *rows,
                       TsProject           *project,
                       GPtrArray           *members,
                       gint64               actor_id,
                       TsTrackerKnownFunc   known,
                       gpointer             known_data,
                       GDateTime           *now,
                       guint               *out_line,
                       GError             **error)
{
  g_autoptr(TsTrackerImport) import = g_new0 (TsTrackerImport, 1);
  g_autoptr(GHashTable) names = index_members (members);
  g_autoptr(GHashTable) seen_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) file_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  Mapper mapper = {
    .import = import, .project = project, .actor_id = actor_id,
    .now = now, .names = names, .seen_names = seen_names, .file_ids = file_ids,
    .known = known, .known_data = known_data,
  };

  *out_line = 0;
  import->stories = g_ptr_array_new_with_free_func ((GDestroyNotify) tracker_story_free);
  import->matched = g_ptr_array_new_with_free_func ((GDestroyNotify) tracker_person_free);
  import->unmatched = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < rows->len; i++)
    {
      TsTrackerRow *row = rows->pdata[i];
      TsTrackerStory *item;
      gint64 tracker_id = 0;
      GError *local_error = NULL;

      if (is_epic (row))
        {
          import->epics++;
          continue;
        }
      if (already_imported (&mapper, row, &tracker_id, out_line, &local_error))
        {
          import->already_imported++;
          continue;
        }
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if ((item = map_row (&mapper, row, out_line, error)) == NULL)
        return NULL;
      item->tracker_id = tracker_id;
      import->by_type[ts_story_get_story_type (item->story)]++;
      import->n_tasks += ts_story_get_tasks (item->story)->len;
      import->n_comments += item->comments->len;
      g_ptr_array_add (import->stories, item);
    }
  finish_schedule (&mapper);
  return g_steal_pointer (&import);
}
