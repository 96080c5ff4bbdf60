/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The codec's change readers, as the app reads them: a Pusher event's
 * data under each event name (ts_change_from_json with the name), an
 * entry of the history (the name inside) and the `changes` answer. What
 * they take must write back, as an entry and as event data (whole or
 * thin), to text that reads back to the same. */

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static void
check_change_round_trip (TsChange   *change,
                         const char *event_name)
{
  gboolean with_name = event_name == NULL;
  const char *name = ts_event_kind_to_string (change->kind);
  g_autofree char *text = fuzz_take_string (ts_change_to_json (change, with_name));
  g_autofree char *event_data = ts_change_to_event_data (change);
  g_autoptr(JsonObject) written = fuzz_parse_own (text);
  g_autoptr(JsonObject) written_event = fuzz_parse_own (event_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(TsChange) again = NULL;
  g_autoptr(TsChange) from_event = NULL;
  g_autofree char *text_again = NULL;

  FUZZ_CHECK (event_name == NULL || g_str_equal (event_name, name));
  again = ts_change_from_json (written, with_name ? NULL : name, &error);
  if (again == NULL)
    g_printerr ("the change reader refuses its writer's %s: %s\n", text, error->message);
  FUZZ_CHECK (again != NULL);
  text_again = fuzz_take_string (ts_change_to_json (again, with_name));
  FUZZ_CHECK (g_str_equal (text, text_again));

  /* The event as the hub sends it, thin when it is too big. */
  from_event = ts_change_from_json (written_event, name, NULL);
  FUZZ_CHECK (from_event != NULL);
  FUZZ_CHECK (from_event->kind == change->kind);
  FUZZ_CHECK (from_event->version == change->version);
}

static void
check_changes (JsonObject *object)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  gint64 version = 0, version_again = 0;
  gboolean more = FALSE, more_again = FALSE;

  changes = ts_changes_from_json (object, &version, &more, NULL);
  if (changes == NULL)
    return;
  text = fuzz_take_string (ts_changes_to_json (version, (TsChange * const *) changes->pdata,
                                               changes->len, more));
  written = fuzz_parse_own (text);
  again = ts_changes_from_json (written, &version_again, &more_again, NULL);
  FUZZ_CHECK (again != NULL);
  FUZZ_CHECK (version_again == version && more_again == more);
  text_again = fuzz_take_string (ts_changes_to_json (version_again,
                                                     (TsChange * const *) again->pdata,
                                                     again->len, more_again));
  FUZZ_CHECK (g_str_equal (text, text_again));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) object = ts_json_parse_object ((const char *) data, size, NULL);

  if (object == NULL)
    return 0;

  /* An entry of the history, then the data of each event. */
  for (int kind = -1; kind <= TS_EVENT_STORIES_IMPORT; kind++)
    {
      const char *event_name = kind < 0 ? NULL : ts_event_kind_to_string (kind);
      g_autoptr(TsChange) change = ts_change_from_json (object, event_name, NULL);

      if (change != NULL)
        check_change_round_trip (change, event_name);
    }
  check_changes (object);
  return 0;
}
