/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>
#include <stdlib.h>

#include "ts-core.h"
#include "ts-json.h"

G_BEGIN_DECLS

/*
 * What the fuzz targets share. A target reads its input as a client or a
 * peer would send it; what it must never do is crash, trip a sanitizer,
 * log a warning or a critical (GLib's way of saying "a caller broke a
 * contract"), or fail one of the target's own checks: each of those is a
 * finding, and libFuzzer stops on it with the input in crash-…
 */

int LLVMFuzzerInitialize   (int       *argc,
                            char    ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A finding the target found by checking, rather than a crash. */
#define FUZZ_CHECK(condition)                                               \
  G_STMT_START {                                                            \
    if (G_UNLIKELY (!(condition)))                                          \
      {                                                                     \
        g_printerr ("%s:%d: check failed: %s\n", __FILE__, __LINE__,        \
                    #condition);                                            \
        abort ();                                                           \
      }                                                                     \
  } G_STMT_END

static inline void
fuzz_init_logging (void)
{
  /* The codec reports bad input through GError: a warning or critical
   * would be a bug. The informational levels stay quiet, so that the
   * fuzzer's own output is readable. */
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("TZ", "UTC", TRUE);
}

/* @node as text, taking @node. */
static inline char *
fuzz_take_string (JsonNode *node)
{
  char *text;

  FUZZ_CHECK (node != NULL);
  text = ts_json_to_string (node);
  json_node_unref (node);
  return text;
}

/* Parses what the codec itself wrote: a writer must produce text its own
 * reader takes, whatever the values (a failure here is a finding). */
static inline JsonObject *
fuzz_parse_own (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = ts_json_parse_object (text, -1, &error);

  if (object == NULL)
    g_printerr ("the codec refuses its own output: %s\n%s\n", error->message, text);
  FUZZ_CHECK (object != NULL);
  return object;
}

G_END_DECLS
