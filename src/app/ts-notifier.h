/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ts-api-client.h"
#include "ts-backlog-store.h"
#include "ts-core.h"

G_BEGIN_DECLS

/**
 * TsNotificationKind:
 * @TS_NOTIFICATION_NONE: no notification
 * @TS_NOTIFICATION_DELIVERED: a story the user requested was delivered
 * @TS_NOTIFICATION_REJECTED: a story the user owns was rejected
 * @TS_NOTIFICATION_MENTIONED: a comment mentions the user
 * @TS_NOTIFICATION_STATE_CHANGED: a story the user owns changed state
 *
 * What a change by someone else means for the user. The values are bits,
 * so that a set of kinds (those turned on in Preferences) is their OR.
 */
typedef enum {
  TS_NOTIFICATION_NONE          = 0,
  TS_NOTIFICATION_DELIVERED     = 1 << 0,
  TS_NOTIFICATION_REJECTED      = 1 << 1,
  TS_NOTIFICATION_MENTIONED     = 1 << 2,
  TS_NOTIFICATION_STATE_CHANGED = 1 << 3,
} TsNotificationKind;

#define TS_NOTIFICATION_ALL (TS_NOTIFICATION_DELIVERED | TS_NOTIFICATION_REJECTED | \
                             TS_NOTIFICATION_MENTIONED | TS_NOTIFICATION_STATE_CHANGED)

/* The decisions, pure: no application, settings or display. */
TsNotificationKind ts_notifier_decide          (TsChange           *change,
                                                TsStory            *previous,
                                                gint64              user_id,
                                                GPtrArray          *members,
                                                TsNotificationKind  enabled);
gboolean           ts_notifier_text_mentions   (const char         *text,
                                                gint64              user_id,
                                                GPtrArray          *members);
char              *ts_notifier_dup_id          (TsNotificationKind  kind,
                                                gint64              project_id,
                                                gint64              story_id);
void               ts_notifier_describe        (TsNotificationKind  kind,
                                                TsChange           *change,
                                                const char         *story_title,
                                                const char         *actor_name,
                                                char              **title,
                                                char              **body);
const char        *ts_notifier_kind_get_settings_key (TsNotificationKind kind);

#define TS_TYPE_NOTIFIER (ts_notifier_get_type ())

G_DECLARE_FINAL_TYPE (TsNotifier, ts_notifier, TS, NOTIFIER, GObject)

TsNotifier        *ts_notifier_new             (GApplication       *application);
void               ts_notifier_watch           (TsNotifier         *self,
                                                TsBacklogStore     *store,
                                                gint64              user_id);
void               ts_notifier_unwatch         (TsNotifier         *self,
                                                TsBacklogStore     *store);
void               ts_notifier_withdraw_story  (GApplication       *application,
                                                gint64              project_id,
                                                gint64              story_id);

G_END_DECLS
