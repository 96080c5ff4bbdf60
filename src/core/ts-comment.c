/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-comment"

#include "ts-comment.h"

/**
 * TsComment:
 *
 * A comment on a story. Comments are written once and deleted, never
 * edited, so the setters exist for the codec and the store.
 */
struct _TsComment
{
  GObject parent_instance;

  gint64 id;
  gint64 story_id;
  gint64 author_id;
  char *text;
  GDateTime *created_at;
  gint64 version;
};

G_DEFINE_FINAL_TYPE (TsComment, ts_comment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_STORY_ID,
  PROP_AUTHOR_ID,
  PROP_TEXT,
  PROP_CREATED_AT,
  PROP_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ts_comment_finalize (GObject *object)
{
  TsComment *self = (TsComment *)object;

  g_free (self->text);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (ts_comment_parent_class)->finalize (object);
}

static void
ts_comment_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TsComment *self = TS_COMMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_STORY_ID:
      g_value_set_int64 (value, self->story_id);
      break;
    case PROP_AUTHOR_ID:
      g_value_set_int64 (value, self->author_id);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_comment_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TsComment *self = TS_COMMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      ts_comment_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_STORY_ID:
      ts_comment_set_story_id (self, g_value_get_int64 (value));
      break;
    case PROP_AUTHOR_ID:
      ts_comment_set_author_id (self, g_value_get_int64 (value));
      break;
    case PROP_TEXT:
      ts_comment_set_text (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      ts_comment_set_created_at (self, g_value_get_boxed (value));
      break;
    case PROP_VERSION:
      ts_comment_set_version (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_comment_class_init (TsCommentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = ts_comment_finalize;
  object_class->get_property = ts_comment_get_property;
  object_class->set_property = ts_comment_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_STORY_ID] =
    g_param_spec_int64 ("story-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_AUTHOR_ID] =
    g_param_spec_int64 ("author-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "", flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_comment_init (TsComment *self)
{
  self->text = g_strdup ("");
}

TsComment *
ts_comment_new (void)
{
  return g_object_new (TS_TYPE_COMMENT, NULL);
}

#define DEFINE_ID_ACCESSORS(name, PROP)                                 \
gint64                                                                  \
ts_comment_get_##name (TsComment *self)                                 \
{                                                                       \
  g_return_val_if_fail (TS_IS_COMMENT (self), 0);                       \
  return self->name;                                                    \
}                                                                       \
                                                                        \
void                                                                    \
ts_comment_set_##name (TsComment *self,                                 \
                       gint64     name)                                 \
{                                                                       \
  g_return_if_fail (TS_IS_COMMENT (self));                              \
  if (self->name == name)                                               \
    return;                                                             \
  self->name = name;                                                    \
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);         \
}

DEFINE_ID_ACCESSORS (id, PROP_ID)
DEFINE_ID_ACCESSORS (story_id, PROP_STORY_ID)
DEFINE_ID_ACCESSORS (author_id, PROP_AUTHOR_ID)
DEFINE_ID_ACCESSORS (version, PROP_VERSION)

const char *
ts_comment_get_text (TsComment *self)
{
  g_return_val_if_fail (TS_IS_COMMENT (self), NULL);

  return self->text;
}

void
ts_comment_set_text (TsComment  *self,
                     const char *text)
{
  g_return_if_fail (TS_IS_COMMENT (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

GDateTime *
ts_comment_get_created_at (TsComment *self)
{
  g_return_val_if_fail (TS_IS_COMMENT (self), NULL);

  return self->created_at;
}

void
ts_comment_set_created_at (TsComment *self,
                           GDateTime *created_at)
{
  g_return_if_fail (TS_IS_COMMENT (self));

  if (self->created_at == created_at ||
      (self->created_at != NULL && created_at != NULL &&
       g_date_time_equal (self->created_at, created_at)))
    return;

  g_clear_pointer (&self->created_at, g_date_time_unref);
  self->created_at = created_at != NULL ? g_date_time_to_utc (created_at) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}
