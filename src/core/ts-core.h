/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The whole of libtruestory-core, for its users. */

#include "ts-change.h"
#include "ts-chart-series.h"
#include "ts-comment.h"
#include "ts-core-error.h"
#include "ts-day.h"
#include "ts-enums.h"
#include "ts-json.h"
#include "ts-plan.h"
#include "ts-planner.h"
#include "ts-planning-table.h"
#include "ts-position.h"
#include "ts-project.h"
#include "ts-story.h"
#include "ts-task.h"
#include "ts-user.h"
#include "ts-workflow.h"
