/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The bodies of the REST API as the server reads them (the codec's strict
 * request readers): creating a story under each point scale, a story's
 * PATCH, a move, a project's settings (POST and PATCH), an iteration's
 * override and a comment. Where the app has a writer for a request (the
 * patches, the move), what the server accepts must write back to a body
 * it accepts again, the same. */

#include "fuzz-common.h"

#include <string.h>

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static void
check_story_create (JsonObject   *object,
                    TsPointScale  scale)
{
  g_autoptr(TsStory) story = ts_story_from_request_json (object, scale, NULL);
  g_autoptr(GError) error = NULL;

  /* What a request may say is checked on its own; whether it fits
   * together is the next step on the server, which must not trip. */
  if (story != NULL)
    (void) ts_story_validate (story, scale, &error);
}

static void
check_story_patch (JsonObject   *object,
                   TsPointScale  scale)
{
  g_autoptr(TsStoryPatch) patch = ts_story_patch_from_json (object, scale, NULL);
  g_autoptr(TsStoryPatch) again = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (patch == NULL)
    return;
  text = fuzz_take_string (ts_story_patch_to_json (patch));
  written = fuzz_parse_own (text);
  again = ts_story_patch_from_json (written, scale, &error);
  if (again == NULL)
    g_printerr ("the patch reader refuses its writer's %s: %s\n", text, error->message);
  FUZZ_CHECK (again != NULL);
  FUZZ_CHECK (again->fields == patch->fields);
  FUZZ_CHECK (again->has_base_version == patch->has_base_version);
  FUZZ_CHECK (!patch->has_base_version || again->base_version == patch->base_version);
  FUZZ_CHECK (ts_story_diff (patch->values, again->values, patch->fields) == TS_STORY_FIELD_NONE);
  text_again = fuzz_take_string (ts_story_patch_to_json (again));
  FUZZ_CHECK (g_str_equal (text, text_again));
}

static void
check_move (JsonObject *object)
{
  TsMoveRequest move, again;
  g_autoptr(JsonObject) written = NULL;
  g_autofree char *text = NULL;

  if (!ts_move_request_from_json (object, &move, NULL))
    return;
  FUZZ_CHECK ((move.before_id != 0) != (move.after_id != 0));
  text = fuzz_take_string (ts_move_request_to_json (&move));
  written = fuzz_parse_own (text);
  FUZZ_CHECK (ts_move_request_from_json (written, &again, NULL));
  FUZZ_CHECK (again.before_id == move.before_id && again.after_id == move.after_id);
  FUZZ_CHECK (again.has_state == move.has_state);
  FUZZ_CHECK (!move.has_state || again.state == move.state);
}

static void
check_project_patch (JsonObject *object,
                     gboolean    name_required)
{
  g_autoptr(TsProjectPatch) patch = ts_project_patch_from_json (object, name_required, NULL);
  g_autoptr(TsProjectPatch) again = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (patch == NULL)
    return;
  FUZZ_CHECK (!name_required || (patch->fields & TS_PROJECT_FIELD_NAME));
  text = fuzz_take_string (ts_project_patch_to_json (patch));
  written = fuzz_parse_own (text);
  again = ts_project_patch_from_json (written, name_required, &error);
  if (again == NULL)
    g_printerr ("the settings reader refuses its writer's %s: %s\n", text, error->message);
  FUZZ_CHECK (again != NULL);
  FUZZ_CHECK (again->fields == patch->fields);
  text_again = fuzz_take_string (ts_project_patch_to_json (again));
  FUZZ_CHECK (g_str_equal (text, text_again));
}

static void
check_override_update (JsonObject *object)
{
  TsIterationOverride override = { .number = 2, .team_strength = 1.0, .length = 0 };
  TsIterationOverride before = override;

  if (ts_iteration_override_update_from_json (object, &override, NULL))
    {
      FUZZ_CHECK (override.number == before.number);
      FUZZ_CHECK (override.team_strength >= 0.0 && override.team_strength <= 1.0);
    }
  else
    FUZZ_CHECK (memcmp (&override, &before, sizeof override) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) object = ts_json_parse_object ((const char *) data, size, NULL);
  g_autoptr(TsComment) comment = NULL;

  if (object == NULL)
    return 0;

  for (TsPointScale scale = 0; scale <= TS_POINT_SCALE_POWERS_OF_TWO; scale++)
    {
      check_story_create (object, scale);
      check_story_patch (object, scale);
    }
  check_move (object);
  check_project_patch (object, TRUE);
  check_project_patch (object, FALSE);
  check_override_update (object);
  comment = ts_comment_from_request_json (object, NULL);
  return 0;
}
