/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A test harness for the planner: a project and its stories in priority
 * order, with the defaults of doc/planning.md's test vectors (1-week
 * iterations from 2026-01-05, UTC, today 2026-01-07, no history). */

#include "ts-core.h"

typedef struct {
  TsProject *project;
  GPtrArray *stories;
  TsDay today;
  double velocity_override;
  gint64 next_id;
} Backlog;

Backlog *backlog_new_default            (void);
Backlog *backlog_new_random             (GRand        *rand,
                                         guint         n_stories,
                                         gboolean      vary_settings);
Backlog *backlog_new_realistic          (guint32       seed,
                                         guint         n_stories);
void     backlog_free                   (Backlog      *backlog);

TsStory *backlog_add                    (Backlog      *backlog,
                                         TsStoryType   type,
                                         int           estimate,
                                         TsStoryState  state);
void     backlog_add_features           (Backlog      *backlog,
                                         const char   *spec);
void     backlog_remove                 (Backlog      *backlog,
                                         TsStory      *story);
void     backlog_accept_points          (Backlog      *backlog,
                                         guint         iteration,
                                         guint         points);
void     backlog_set_accepted_in        (Backlog      *backlog,
                                         TsStory      *story,
                                         guint         iteration);
void     backlog_set_today_in_iteration (Backlog      *backlog,
                                         guint         iteration);
void     backlog_set_team_strength      (Backlog      *backlog,
                                         guint         iteration,
                                         double        team_strength);
TsPlan  *backlog_plan                   (Backlog      *backlog);

TsStory *backlog_find                   (Backlog      *backlog,
                                         gint64        story_id);
char    *backlog_dup_iteration_titles   (Backlog      *backlog,
                                         TsPlan       *plan,
                                         guint         index);

#define assert_iteration(backlog, plan, index, expected)                 \
  G_STMT_START {                                                        \
    g_autofree char *_titles =                                          \
      backlog_dup_iteration_titles (backlog, plan, index);              \
    g_assert_cmpstr (_titles, ==, expected);                            \
  } G_STMT_END

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Backlog, backlog_free)
