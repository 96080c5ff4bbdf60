/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story-filter"

#include "ts-story-filter.h"

#include <string.h>

#include "ts-comment-index.h"

/*
 * The query language of the backlog's search bar.
 *
 * A query is words separated by white space; double quotes keep spaces in
 * one word (`"moon base"`, `label:"ground crew"`). A word is a term:
 *
 * - `type:V` and `state:V`: the story's type or state (its API name)
 *   starts with V, so that results narrow while the word is typed;
 * - `label:V`: one of the labels starts with V;
 * - `owner:V`: the name or email of one of the owners contains V;
 * - anything else, including an unknown `key:value`, is free text found
 *   in the title, the description, a label, a task or, when the caller
 *   knows them, the story's comments.
 *
 * A leading `-` negates a term. Every term must hold (AND). Case and
 * Unicode forms are folded on both sides. A term without a value (`state:`
 * or a lone `-`, as while typing) is ignored rather than matching nothing.
 */

typedef enum {
  TERM_TEXT,
  TERM_TYPE,
  TERM_STATE,
  TERM_LABEL,
  TERM_OWNER,
} TermKind;

typedef struct {
  TermKind kind;
  gboolean negated;
  char *value; /* folded */
} Term;

struct _TsStoryFilter
{
  GArray *terms; /* of Term */
};

/**
 * ts_story_filter_fold:
 *
 * Returns: (transfer full): @text as the filter compares it (Unicode
 *   composed, case folded), for callers that keep text folded ahead
 */
char *
ts_story_filter_fold (const char *text)
{
  /* The comment index keeps its text folded the same way. */
  return ts_comment_index_fold (text);
}

static void
term_clear (gpointer data)
{
  Term *term = data;

  g_free (term->value);
}

/* The next word of @p, quotes removed; NULL at the end. */
static char *
next_word (const char **p)
{
  GString *word;
  gboolean quoted = FALSE;
  const char *s = *p;

  while (*s != '\0' && g_ascii_isspace (*s))
    s++;
  if (*s == '\0')
    {
      *p = s;
      return NULL;
    }
  word = g_string_new (NULL);
  for (; *s != '\0'; s++)
    {
      if (*s == '"')
        quoted = !quoted;
      else if (!quoted && g_ascii_isspace (*s))
        break;
      else
        g_string_append_c (word, *s);
    }
  *p = s;
  return g_string_free (word, FALSE);
}

static void
add_term (TsStoryFilter *self,
          const char    *word)
{
  static const struct {
    const char *key;
    TermKind kind;
  } keys[] = {
    { "type:", TERM_TYPE },
    { "state:", TERM_STATE },
    { "label:", TERM_LABEL },
    { "owner:", TERM_OWNER },
  };
  Term term = { TERM_TEXT, FALSE, NULL };
  const char *value = word;

  if (value[0] == '-')
    {
      term.negated = TRUE;
      value++;
    }
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_ascii_strncasecmp (value, keys[i].key, strlen (keys[i].key)) == 0)
      {
        term.kind = keys[i].kind;
        value += strlen (keys[i].key);
        break;
      }
  if (*value == '\0')
    return;
  term.value = ts_story_filter_fold (value);
  if (*term.value == '\0')
    {
      g_free (term.value);
      return;
    }
  g_array_append_val (self->terms, term);
}

/**
 * ts_story_filter_new:
 * @query: (nullable): what the person typed
 *
 * Returns: (transfer full): the parsed query
 */
TsStoryFilter *
ts_story_filter_new (const char *query)
{
  TsStoryFilter *self = g_new0 (TsStoryFilter, 1);
  const char *p = query != NULL ? query : "";
  char *word;

  self->terms = g_array_new (FALSE, FALSE, sizeof (Term));
  g_array_set_clear_func (self->terms, term_clear);
  while ((word = next_word (&p)) != NULL)
    {
      add_term (self, word);
      g_free (word);
    }
  return self;
}

void
ts_story_filter_free (TsStoryFilter *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->terms);
  g_free (self);
}

/**
 * ts_story_filter_is_empty:
 *
 * Returns: whether the query has no term, so that every story matches
 */
gboolean
ts_story_filter_is_empty (const TsStoryFilter *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->terms->len == 0;
}

guint
ts_story_filter_get_n_terms (const TsStoryFilter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->terms->len;
}

static gboolean
contains (const char *text,
          const char *folded_value)
{
  g_autofree char *folded = ts_story_filter_fold (text);

  return strstr (folded, folded_value) != NULL;
}

static gboolean
starts_with (const char *text,
             const char *folded_value)
{
  g_autofree char *folded = ts_story_filter_fold (text);

  return g_str_has_prefix (folded, folded_value);
}

static gboolean
label_matches (TsStory    *story,
               const char *value,
               gboolean    prefix)
{
  const char * const *labels = ts_story_get_labels (story);

  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    if (prefix ? starts_with (labels[i], value) : contains (labels[i], value))
      return TRUE;
  return FALSE;
}

static gboolean
owner_matches (TsStory               *story,
               const char            *value,
               TsStoryFilterUserFunc  lookup_user,
               gpointer               user_data)
{
  guint n_owners = 0;
  const gint64 *owners = ts_story_get_owner_ids (story, &n_owners);

  if (lookup_user == NULL)
    return FALSE;
  for (guint i = 0; i < n_owners; i++)
    {
      TsUser *user = lookup_user (owners[i], user_data);

      if (user != NULL && (contains (ts_user_get_name (user), value) ||
                           contains (ts_user_get_email (user), value)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
tasks_match (TsStory    *story,
             const char *value)
{
  GPtrArray *tasks = ts_story_get_tasks (story);

  for (guint i = 0; i < tasks->len; i++)
    if (contains (((TsTask *) tasks->pdata[i])->text, value))
      return TRUE;
  return FALSE;
}

static gboolean
comments_match (TsStory                   *story,
                const char                *value,
                TsStoryFilterCommentsFunc  lookup_comments,
                gpointer                   user_data)
{
  const char *folded = lookup_comments != NULL
                       ? lookup_comments (ts_story_get_id (story), user_data) : NULL;

  return folded != NULL && strstr (folded, value) != NULL;
}

static gboolean
term_matches (const Term                *term,
              TsStory                   *story,
              TsStoryFilterUserFunc      lookup_user,
              TsStoryFilterCommentsFunc  lookup_comments,
              gpointer                   user_data)
{
  switch (term->kind)
    {
    case TERM_TYPE:
      return g_str_has_prefix (ts_story_type_to_string (ts_story_get_story_type (story)),
                               term->value);
    case TERM_STATE:
      return g_str_has_prefix (ts_story_state_to_string (ts_story_get_state (story)), term->value);
    case TERM_LABEL:
      return label_matches (story, term->value, TRUE);
    case TERM_OWNER:
      return owner_matches (story, term->value, lookup_user, user_data);
    case TERM_TEXT:
    default:
      return contains (ts_story_get_title (story), term->value) ||
             contains (ts_story_get_description (story), term->value) ||
             label_matches (story, term->value, FALSE) ||
             tasks_match (story, term->value) ||
             comments_match (story, term->value, lookup_comments, user_data);
    }
}

/**
 * ts_story_filter_match:
 * @lookup_user: (nullable): finds the members named by `owner:` terms
 *
 * Returns: whether @story holds every term of the query
 */
gboolean
ts_story_filter_match (const TsStoryFilter   *self,
                       TsStory               *story,
                       TsStoryFilterUserFunc  lookup_user,
                       gpointer               user_data)
{
  return ts_story_filter_match_full (self, story, lookup_user, NULL, user_data);
}

/**
 * ts_story_filter_match_full:
 * @lookup_comments: (nullable): the story's comments, folded
 *   (ts_story_filter_fold()), where free text is also looked for
 */
gboolean
ts_story_filter_match_full (const TsStoryFilter       *self,
                            TsStory                   *story,
                            TsStoryFilterUserFunc      lookup_user,
                            TsStoryFilterCommentsFunc  lookup_comments,
                            gpointer                   user_data)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (TS_IS_STORY (story), FALSE);

  for (guint i = 0; i < self->terms->len; i++)
    {
      const Term *term = &g_array_index (self->terms, Term, i);

      if (term_matches (term, story, lookup_user, lookup_comments, user_data) == term->negated)
        return FALSE;
    }
  return TRUE;
}

/* Whether the query has free text (which comments can match). */
gboolean
ts_story_filter_has_text (const TsStoryFilter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->terms->len; i++)
    if (g_array_index (self->terms, Term, i).kind == TERM_TEXT)
      return TRUE;
  return FALSE;
}
