/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Fills a project with realistic stories over REST, for the benchmarks:
 * many requests in flight, each with an Idempotency-Key. */

#include "ts-api-client.h"

/* How many creates are in flight; the session needs as many connections
 * per host ("max-conns-per-host"). */
#define SEED_IN_FLIGHT 16

void seed_stories (TsApiClient *api,
                   gint64       project_id,
                   guint        n_stories,
                   gboolean     with_bugs);
