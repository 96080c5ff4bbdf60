/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-comment-index"

#include "ts-comment-index.h"

/*
 * TsCommentIndex: the text of a project's comments, by story, folded as
 * the search compares it, for the search's free text. Nothing is read
 * until the first search that needs it (ts_comment_index_load()); from
 * then on a story's comments are read again whenever one is added or
 * removed (the store calls ts_comment_index_story_changed() on the
 * comment events). "changed" is emitted after each read.
 */

struct _TsCommentIndex
{
  GObject parent_instance;

  TsApiClient *api;
  gint64 project_id;
  GCancellable *cancellable;
  GHashTable *texts;      /* gint64 story id → folded text; NULL until loaded */
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (TsCommentIndex, ts_comment_index, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
ts_comment_index_dispose (GObject *object)
{
  TsCommentIndex *self = TS_COMMENT_INDEX (object);

  ts_comment_index_cancel (self);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (ts_comment_index_parent_class)->dispose (object);
}

static void
ts_comment_index_finalize (GObject *object)
{
  TsCommentIndex *self = TS_COMMENT_INDEX (object);

  g_clear_pointer (&self->texts, g_hash_table_unref);

  G_OBJECT_CLASS (ts_comment_index_parent_class)->finalize (object);
}

static void
ts_comment_index_class_init (TsCommentIndexClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_comment_index_dispose;
  object_class->finalize = ts_comment_index_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ts_comment_index_init (TsCommentIndex *self)
{
}

TsCommentIndex *
ts_comment_index_new (TsApiClient *api,
                      gint64       project_id)
{
  TsCommentIndex *self = g_object_new (TS_TYPE_COMMENT_INDEX, NULL);

  self->api = api != NULL ? g_object_ref (api) : NULL;
  self->project_id = project_id;
  self->cancellable = g_cancellable_new ();
  return self;
}

/**
 * ts_comment_index_fold:
 *
 * Returns: (transfer full): @text as the search compares it (Unicode
 *   composed, case folded)
 */
char *
ts_comment_index_fold (const char *text)
{
  g_autofree char *normalized = NULL;

  if (text == NULL)
    return g_strdup ("");
  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);
  if (normalized == NULL)
    return g_strdup ("");
  return g_utf8_casefold (normalized, -1);
}

/* @story_id's comments among @comments, joined and folded. */
static void
set_story (GHashTable *texts,
           gint64      story_id,
           GPtrArray  *comments)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < comments->len; i++)
    {
      TsComment *comment = g_ptr_array_index (comments, i);
      g_autofree char *folded = NULL;

      if (ts_comment_get_story_id (comment) != story_id)
        continue;
      folded = ts_comment_index_fold (ts_comment_get_text (comment));
      g_string_append (text, folded);
      g_string_append_c (text, '\n');
    }
  if (text->len > 0)
    g_hash_table_insert (texts, g_memdup2 (&story_id, sizeof story_id),
                         g_string_free (g_steal_pointer (&text), FALSE));
  else
    g_hash_table_remove (texts, &story_id);
}

static void
all_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TsCommentIndex) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) comments = ts_api_client_list_comments_finish (TS_API_CLIENT (source),
                                                                       result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (comments == NULL)
    {
      /* The search still covers everything else; the next search asks
       * again. */
      g_debug ("Could not load the comments to search: %s", error->message);
      return;
    }
  self->texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < comments->len; i++)
    {
      gint64 story_id = ts_comment_get_story_id (g_ptr_array_index (comments, i));

      if (!g_hash_table_contains (self->texts, &story_id))
        set_story (self->texts, story_id, comments);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * ts_comment_index_load:
 *
 * Reads every comment of the project, once.
 */
void
ts_comment_index_load (TsCommentIndex *self)
{
  g_return_if_fail (TS_IS_COMMENT_INDEX (self));

  if (self->texts != NULL || self->loading || self->cancellable == NULL || self->api == NULL)
    return;
  self->loading = TRUE;
  ts_api_client_list_comments_async (self->api, self->project_id, 0, self->cancellable,
                                     all_loaded_cb, g_object_ref (self));
}

gboolean
ts_comment_index_is_loaded (TsCommentIndex *self)
{
  g_return_val_if_fail (TS_IS_COMMENT_INDEX (self), FALSE);

  return self->texts != NULL;
}

/**
 * ts_comment_index_lookup:
 *
 * Returns: (nullable): the story's comments, folded, or %NULL
 */
const char *
ts_comment_index_lookup (TsCommentIndex *self,
                         gint64          story_id)
{
  g_return_val_if_fail (TS_IS_COMMENT_INDEX (self), NULL);

  return self->texts != NULL ? g_hash_table_lookup (self->texts, &story_id) : NULL;
}

typedef struct {
  TsCommentIndex *self;
  gint64 story_id;
} StoryRead;

static void
story_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  StoryRead *read = user_data;
  g_autoptr(TsCommentIndex) self = read->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) comments = ts_api_client_list_comments_finish (TS_API_CLIENT (source),
                                                                       result, &error);

  if (comments != NULL && self->texts != NULL)
    {
      set_story (self->texts, read->story_id, comments);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not reload a story's comments: %s", error->message);
  g_free (read);
}

/* Someone commented on @story_id, or removed a comment. */
void
ts_comment_index_story_changed (TsCommentIndex *self,
                                gint64          story_id)
{
  StoryRead *read;

  g_return_if_fail (TS_IS_COMMENT_INDEX (self));

  if (self->texts == NULL || self->cancellable == NULL)
    return;
  read = g_new (StoryRead, 1);
  read->self = g_object_ref (self);
  read->story_id = story_id;
  ts_api_client_list_comments_async (self->api, self->project_id, story_id, self->cancellable,
                                     story_loaded_cb, read);
}

void
ts_comment_index_cancel (TsCommentIndex *self)
{
  g_return_if_fail (TS_IS_COMMENT_INDEX (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->loading = FALSE;
}
