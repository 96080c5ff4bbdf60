/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-story-names"

#include "ts-story-names.h"

#include <glib/gi18n.h>

const char *
ts_story_type_display_name (TsStoryType type)
{
  switch (type)
    {
    case TS_STORY_TYPE_BUG:
      return _("Bug");
    case TS_STORY_TYPE_CHORE:
      return _("Chore");
    case TS_STORY_TYPE_RELEASE:
      return _("Release");
    case TS_STORY_TYPE_FEATURE:
    default:
      return _("Feature");
    }
}

/* The symbolic icon of a type, as the rows draw it. */
const char *
ts_story_type_icon_name (TsStoryType type)
{
  switch (type)
    {
    case TS_STORY_TYPE_BUG:
      return "dialog-warning-symbolic";
    case TS_STORY_TYPE_CHORE:
      return "emblem-system-symbolic";
    case TS_STORY_TYPE_RELEASE:
      return "emoji-flags-symbolic";
    case TS_STORY_TYPE_FEATURE:
    default:
      return "starred-symbolic";
    }
}

const char *
ts_story_state_display_name (TsStoryState state)
{
  switch (state)
    {
    case TS_STORY_STATE_UNSCHEDULED:
      /* The panel an unscheduled story lives in: the app never says
       * "Unscheduled" anywhere else. */
      return _("Icebox");
    case TS_STORY_STATE_UNSTARTED:
      return _("Unstarted");
    case TS_STORY_STATE_STARTED:
      return _("Started");
    case TS_STORY_STATE_FINISHED:
      return _("Finished");
    case TS_STORY_STATE_DELIVERED:
      return _("Delivered");
    case TS_STORY_STATE_REJECTED:
      return _("Rejected");
    case TS_STORY_STATE_ACCEPTED:
      return _("Accepted");
    default:
      g_return_val_if_reached ("");
    }
}
