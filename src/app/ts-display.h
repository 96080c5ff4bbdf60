/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ts-backlog-section.h"
#include "ts-core.h"

G_BEGIN_DECLS

char *ts_display_day            (TsDay             day);
char *ts_display_section_title  (TsBacklogSection *section);
char *ts_display_section_dates  (TsBacklogSection *section);
char *ts_display_points         (guint             points);
char *ts_display_estimate       (int               estimate);
char *ts_display_story_count    (guint             n_stories);

G_END_DECLS
