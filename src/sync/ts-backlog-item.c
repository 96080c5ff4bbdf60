/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-item"

#include "ts-backlog-item.h"

#include <string.h>

/*
 * TsBacklogItem: one story as its backlog row shows it. A row reads more
 * than the story: its place in the plan (the iteration, a release's
 * projected date and whether it is late), the project's facts that decide
 * what its estimate shows (the point scale, whether bugs and chores are
 * pointed), its owners' names and initials, and whether someone else just
 * changed it. The item holds all of it and notifies each property when
 * it changes, so that a row bound to it follows every one of them; `story`
 * is notified whenever the story itself changes in place.
 *
 * The model (TsBacklogModel) makes one item per story shown and keeps it
 * while the story is listed, so that the list view keeps the row bound.
 */

struct _TsBacklogItem
{
  GObject parent_instance;

  TsStory *story;
  gulong story_handler;
  TsBacklogItemPlace place;
  int estimate;
  GStrv owner_names;
  GStrv owner_initials;
  gboolean highlighted;
  TsBacklogItemNamer namer;   /* not owned: the model clears it when it lets go */
  gpointer namer_data;
};

G_DEFINE_FINAL_TYPE (TsBacklogItem, ts_backlog_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORY,
  PROP_ITERATION,
  PROP_RELEASE_DATE,
  PROP_LATE,
  PROP_POINT_SCALE,
  PROP_CHORES_POINTED,
  PROP_ESTIMATE,
  PROP_OWNER_NAMES,
  PROP_OWNER_INITIALS,
  PROP_HIGHLIGHTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The estimate where the plan counts it: a feature's always, a bug's or
 * chore's only when the project points them, a release's never. */
static int
counted_estimate (TsBacklogItem *self)
{
  if (!ts_story_has_estimate (self->story))
    return -1;
  switch (ts_story_get_story_type (self->story))
    {
    case TS_STORY_TYPE_FEATURE:
      return ts_story_get_estimate (self->story);
    case TS_STORY_TYPE_BUG:
    case TS_STORY_TYPE_CHORE:
      return self->place.chores_pointed ? ts_story_get_estimate (self->story) : -1;
    case TS_STORY_TYPE_RELEASE:
    default:
      return -1;
    }
}

static void
update_estimate (TsBacklogItem *self)
{
  int estimate = counted_estimate (self);

  if (estimate == self->estimate)
    return;
  self->estimate = estimate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ESTIMATE]);
}

/* The story changed in place; when its owners did, the model names them
 * again. */
static void
story_notify_cb (TsBacklogItem *self,
                 GParamSpec    *pspec)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->namer != NULL && g_strcmp0 (pspec->name, "owner-ids") == 0)
    self->namer (self, self->namer_data);
  update_estimate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORY]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
ts_backlog_item_dispose (GObject *object)
{
  TsBacklogItem *self = TS_BACKLOG_ITEM (object);

  if (self->story != NULL)
    g_clear_signal_handler (&self->story_handler, self->story);
  g_clear_object (&self->story);

  G_OBJECT_CLASS (ts_backlog_item_parent_class)->dispose (object);
}

static void
ts_backlog_item_finalize (GObject *object)
{
  TsBacklogItem *self = TS_BACKLOG_ITEM (object);

  g_strfreev (self->owner_names);
  g_strfreev (self->owner_initials);

  G_OBJECT_CLASS (ts_backlog_item_parent_class)->finalize (object);
}

static void
ts_backlog_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TsBacklogItem *self = TS_BACKLOG_ITEM (object);

  switch (prop_id)
    {
    case PROP_STORY:
      g_value_set_object (value, self->story);
      break;
    case PROP_ITERATION:
      g_value_set_uint (value, self->place.iteration);
      break;
    case PROP_RELEASE_DATE:
      g_value_set_uint (value, self->place.release_date);
      break;
    case PROP_LATE:
      g_value_set_boolean (value, self->place.late);
      break;
    case PROP_POINT_SCALE:
      g_value_set_enum (value, self->place.point_scale);
      break;
    case PROP_CHORES_POINTED:
      g_value_set_boolean (value, self->place.chores_pointed);
      break;
    case PROP_ESTIMATE:
      g_value_set_int (value, self->estimate);
      break;
    case PROP_OWNER_NAMES:
      g_value_set_boxed (value, self->owner_names);
      break;
    case PROP_OWNER_INITIALS:
      g_value_set_boxed (value, self->owner_initials);
      break;
    case PROP_HIGHLIGHTED:
      g_value_set_boolean (value, self->highlighted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_backlog_item_class_init (TsBacklogItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ts_backlog_item_dispose;
  object_class->finalize = ts_backlog_item_finalize;
  object_class->get_property = ts_backlog_item_get_property;

  /* Notified whenever the story changes in place. */
  properties[PROP_STORY] =
    g_param_spec_object ("story", NULL, NULL, TS_TYPE_STORY, flags);
  /* The iteration it is planned in; 0 in the Icebox or Done. */
  properties[PROP_ITERATION] =
    g_param_spec_uint ("iteration", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /* A planned release's projected date (a TsDay), or 0. */
  properties[PROP_RELEASE_DATE] =
    g_param_spec_uint ("release-date", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_LATE] =
    g_param_spec_boolean ("late", NULL, NULL, FALSE, flags);
  properties[PROP_POINT_SCALE] =
    g_param_spec_enum ("point-scale", NULL, NULL, TS_TYPE_POINT_SCALE, TS_POINT_SCALE_FIBONACCI,
                       flags);
  properties[PROP_CHORES_POINTED] =
    g_param_spec_boolean ("chores-pointed", NULL, NULL, FALSE, flags);
  /* The estimate as the plan counts it, or -1 (none, or not counted). */
  properties[PROP_ESTIMATE] =
    g_param_spec_int ("estimate", NULL, NULL, -1, G_MAXINT, -1, flags);
  /* The owners' names, "" for one not (yet) known. */
  properties[PROP_OWNER_NAMES] =
    g_param_spec_boxed ("owner-names", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_OWNER_INITIALS] =
    g_param_spec_boxed ("owner-initials", NULL, NULL, G_TYPE_STRV, flags);
  /* Someone else changed it a moment ago. */
  properties[PROP_HIGHLIGHTED] =
    g_param_spec_boolean ("highlighted", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_backlog_item_init (TsBacklogItem *self)
{
  self->estimate = -1;
  self->place.point_scale = TS_POINT_SCALE_FIBONACCI;
  self->owner_names = g_new0 (char *, 1);
  self->owner_initials = g_new0 (char *, 1);
}

TsBacklogItem *
ts_backlog_item_new (TsStory *story)
{
  TsBacklogItem *self;

  g_return_val_if_fail (TS_IS_STORY (story), NULL);

  self = g_object_new (TS_TYPE_BACKLOG_ITEM, NULL);
  self->story = g_object_ref (story);
  self->story_handler = g_signal_connect_swapped (story, "notify", G_CALLBACK (story_notify_cb),
                                                  self);
  self->estimate = counted_estimate (self);
  return self;
}

/**
 * ts_backlog_item_set_namer:
 * @namer: (nullable): what names the owners when they change, or %NULL
 *
 * The model names the owners (it knows the members); it sets this while it
 * lists the item and clears it when it lets the item go, as a row may keep
 * the item a moment longer.
 */
void
ts_backlog_item_set_namer (TsBacklogItem      *self,
                           TsBacklogItemNamer  namer,
                           gpointer            user_data)
{
  g_return_if_fail (TS_IS_BACKLOG_ITEM (self));

  self->namer = namer;
  self->namer_data = user_data;
}

/**
 * ts_backlog_item_get_story:
 *
 * Returns: (transfer none): the store's story
 */
TsStory *
ts_backlog_item_get_story (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), NULL);

  return self->story;
}

gint64
ts_backlog_item_get_id (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), 0);

  return ts_story_get_id (self->story);
}

guint
ts_backlog_item_get_iteration (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), 0);

  return self->place.iteration;
}

TsDay
ts_backlog_item_get_release_date (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), TS_DAY_NONE);

  return self->place.release_date;
}

gboolean
ts_backlog_item_get_late (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), FALSE);

  return self->place.late;
}

TsPointScale
ts_backlog_item_get_point_scale (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), TS_POINT_SCALE_FIBONACCI);

  return self->place.point_scale;
}

gboolean
ts_backlog_item_get_chores_pointed (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), FALSE);

  return self->place.chores_pointed;
}

/**
 * ts_backlog_item_get_estimate:
 *
 * Returns: the estimate as the row shows it, or -1
 */
int
ts_backlog_item_get_estimate (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), -1);

  return self->estimate;
}

/**
 * ts_backlog_item_get_owner_names:
 *
 * Returns: (transfer none): the owners' names in the story's order, ""
 *   for one the members do not (yet) name
 */
const char * const *
ts_backlog_item_get_owner_names (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), NULL);

  return (const char * const *) self->owner_names;
}

/**
 * ts_backlog_item_get_owner_initials:
 *
 * Returns: (transfer none): the owners' initials, "?" for one not known
 */
const char * const *
ts_backlog_item_get_owner_initials (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), NULL);

  return (const char * const *) self->owner_initials;
}

gboolean
ts_backlog_item_get_highlighted (TsBacklogItem *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ITEM (self), FALSE);

  return self->highlighted;
}

#define SET_FIELD(field, prop)                                          \
  if (self->place.field != place->field)                                \
    {                                                                   \
      self->place.field = place->field;                                 \
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);     \
    }

/**
 * ts_backlog_item_update:
 *
 * Takes the story's place in a new plan and the project's facts, and
 * notifies what changed.
 */
void
ts_backlog_item_update (TsBacklogItem            *self,
                        const TsBacklogItemPlace *place)
{
  g_return_if_fail (TS_IS_BACKLOG_ITEM (self));
  g_return_if_fail (place != NULL);

  if (memcmp (&self->place, place, sizeof *place) == 0)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  SET_FIELD (iteration, PROP_ITERATION);
  SET_FIELD (release_date, PROP_RELEASE_DATE);
  SET_FIELD (late, PROP_LATE);
  SET_FIELD (point_scale, PROP_POINT_SCALE);
  SET_FIELD (chores_pointed, PROP_CHORES_POINTED);
  update_estimate (self);
  g_object_thaw_notify (G_OBJECT (self));
}

#undef SET_FIELD

/**
 * ts_backlog_item_dup_initials:
 * @name: (nullable): a person's name
 *
 * Returns: the first letters of its first and last words, upper case, as
 *   an avatar shows them; "?" for no name
 */
char *
ts_backlog_item_dup_initials (const char *name)
{
  g_auto(GStrv) words = g_strsplit_set (name != NULL ? name : "", " \t", -1);
  const char *first = NULL;
  const char *last = NULL;
  GString *initials = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        if (first == NULL)
          first = words[i];
        else
          last = words[i];
      }
  if (first != NULL)
    g_string_append_unichar (initials, g_unichar_toupper (g_utf8_get_char (first)));
  if (last != NULL)
    g_string_append_unichar (initials, g_unichar_toupper (g_utf8_get_char (last)));
  if (initials->len == 0)
    g_string_append_c (initials, '?');
  return g_string_free (initials, FALSE);
}

/**
 * ts_backlog_item_set_owner_names:
 * @names: the owners' names, "" for one not known
 */
void
ts_backlog_item_set_owner_names (TsBacklogItem      *self,
                                 const char * const *names)
{
  guint n;

  g_return_if_fail (TS_IS_BACKLOG_ITEM (self));
  g_return_if_fail (names != NULL);

  if (g_strv_equal ((const char * const *) self->owner_names, names))
    return;
  g_strfreev (self->owner_names);
  g_strfreev (self->owner_initials);
  self->owner_names = g_strdupv ((char **) names);
  n = g_strv_length (self->owner_names);
  self->owner_initials = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    self->owner_initials[i] = ts_backlog_item_dup_initials (self->owner_names[i]);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWNER_NAMES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWNER_INITIALS]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
ts_backlog_item_set_highlighted (TsBacklogItem *self,
                                 gboolean       highlighted)
{
  g_return_if_fail (TS_IS_BACKLOG_ITEM (self));

  highlighted = !!highlighted;
  if (self->highlighted == highlighted)
    return;
  self->highlighted = highlighted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHTED]);
}
