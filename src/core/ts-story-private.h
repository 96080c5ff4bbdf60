/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-story.h"

G_BEGIN_DECLS

/* The fields of a story, for the planner alone: it reads every story of a
 * backlog on every plan, and going through checked getters would cost it a
 * function call and a type check per field. Everything else uses the
 * getters. */
struct _TsStory
{
  GObject parent_instance;

  gint64 id;
  gint64 project_id;
  char *title;
  char *description;
  TsStoryType story_type;
  int estimate;
  TsStoryState state;
  char *position;
  char **labels;
  GArray *owner_ids;
  gint64 requester_id;
  TsDay deadline;
  GDateTime *accepted_at;
  GDateTime *created_at;
  GDateTime *updated_at;
  gint64 version;
  /* (element-type TsTask): in order, never NULL; replaced, never changed
   * in place. */
  GPtrArray *tasks;
};

G_END_DECLS
