/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-change"

#include "ts-change.h"

#include <string.h>

G_DEFINE_ENUM_TYPE (TsEventKind, ts_event_kind,
  G_DEFINE_ENUM_VALUE (TS_EVENT_STORIES_CREATE, "stories-create"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_STORIES_UPDATE, "stories-update"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_STORIES_DESTROY, "stories-destroy"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_STORIES_MOVE, "stories-move"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_PROJECTS_UPDATE, "projects-update"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_PROJECTS_DESTROY, "projects-destroy"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_ITERATIONS_UPDATE, "iterations-update"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_COMMENTS_CREATE, "comments-create"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_COMMENTS_DESTROY, "comments-destroy"),
  G_DEFINE_ENUM_VALUE (TS_EVENT_STORIES_IMPORT, "stories-import"))

G_DEFINE_BOXED_TYPE (TsChange, ts_change, ts_change_ref, ts_change_unref)

/* The same spellings as the enum's nicks, in enum order. A plain table,
 * because every event the hub publishes and every change the client
 * applies is named through these, and a GEnumClass look-up would take a
 * class reference each time. */
static const char * const event_names[] = {
  "stories-create",
  "stories-update",
  "stories-destroy",
  "stories-move",
  "projects-update",
  "projects-destroy",
  "iterations-update",
  "comments-create",
  "comments-destroy",
  "stories-import",
};

G_STATIC_ASSERT (G_N_ELEMENTS (event_names) == TS_EVENT_STORIES_IMPORT + 1);

/**
 * ts_event_kind_to_string:
 * @kind: an event kind
 *
 * Returns: the event's name on the wire (`stories-update`), or %NULL
 */
const char *
ts_event_kind_to_string (TsEventKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (event_names))
    return NULL;
  return event_names[kind];
}

/**
 * ts_event_kind_from_string:
 * @name: an event's name on the wire
 * @out_kind: (out): the kind
 *
 * Returns: %TRUE if @name is one of the project events
 */
gboolean
ts_event_kind_from_string (const char  *name,
                           TsEventKind *out_kind)
{
  g_return_val_if_fail (out_kind != NULL, FALSE);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (event_names); i++)
    {
      if (strcmp (event_names[i], name) == 0)
        {
          *out_kind = (TsEventKind) i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ts_change_new:
 * @kind: which event
 * @version: the project version the change produced
 * @actor_id: the user who made it
 * @at: when it was made
 *
 * A change with nothing but its header; the caller fills in the fields of
 * its kind before sharing it.
 *
 * Returns: (transfer full): a new change
 */
TsChange *
ts_change_new (TsEventKind  kind,
               gint64       version,
               gint64       actor_id,
               GDateTime   *at)
{
  TsChange *self;

  g_return_val_if_fail (ts_event_kind_to_string (kind) != NULL, NULL);
  g_return_val_if_fail (at != NULL, NULL);

  self = g_atomic_rc_box_new0 (TsChange);
  self->kind = kind;
  self->version = version;
  self->actor_id = actor_id;
  self->at = g_date_time_to_utc (at);

  return self;
}

TsChange *
ts_change_ref (TsChange *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
ts_change_clear (TsChange *self)
{
  g_clear_pointer (&self->at, g_date_time_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->story);
  g_clear_object (&self->project);
  g_clear_pointer (&self->iteration, ts_iteration_override_free);
  g_clear_object (&self->comment);
}

void
ts_change_unref (TsChange *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) ts_change_clear);
}

/**
 * ts_change_new_thin:
 * @self: a change
 *
 * The form of @self that is sent when its event would be too large for
 * the realtime service: the header and the id, from which a client fetches
 * the rest.
 *
 * Returns: (transfer full): a new thin change
 */
TsChange *
ts_change_new_thin (TsChange *self)
{
  TsChange *thin;

  g_return_val_if_fail (self != NULL, NULL);

  thin = ts_change_new (self->kind, self->version, self->actor_id, self->at);
  /* stories-import carries no object, only its count: it is never too
   * large, and has no thin form. */
  if (self->kind == TS_EVENT_STORIES_IMPORT)
    {
      thin->count = self->count;
      return thin;
    }
  thin->thin = TRUE;
  thin->id = self->id;

  return thin;
}
