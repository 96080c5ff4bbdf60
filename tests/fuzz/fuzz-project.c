/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The codec's project readers, as the app reads the server's answers: a
 * project with its iteration overrides (ts_project_from_json), the list
 * (ts_projects_from_json) and one override on its own
 * (ts_iteration_override_from_json). Whatever they take must write back
 * to text that reads back to the same. */

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static void
check_project (JsonObject *object)
{
  g_autoptr(TsProject) project = ts_project_from_json (object, NULL);
  g_autoptr(TsProject) again = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (project == NULL)
    return;
  text = fuzz_take_string (ts_project_to_json (project));
  written = fuzz_parse_own (text);
  again = ts_project_from_json (written, &error);
  if (again == NULL)
    g_printerr ("the project reader refuses its writer's %s: %s\n", text, error->message);
  FUZZ_CHECK (again != NULL);
  text_again = fuzz_take_string (ts_project_to_json (again));
  FUZZ_CHECK (g_str_equal (text, text_again));
}

static void
check_projects (JsonObject *object)
{
  g_autoptr(GPtrArray) projects = ts_projects_from_json (object, NULL);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (projects == NULL)
    return;
  text = fuzz_take_string (ts_projects_to_json ((TsProject * const *) projects->pdata,
                                                projects->len));
  written = fuzz_parse_own (text);
  again = ts_projects_from_json (written, NULL);
  FUZZ_CHECK (again != NULL);
  text_again = fuzz_take_string (ts_projects_to_json ((TsProject * const *) again->pdata,
                                                      again->len));
  FUZZ_CHECK (g_str_equal (text, text_again));
}

static void
check_override (JsonObject *object)
{
  TsIterationOverride override, again;
  g_autoptr(JsonObject) written = NULL;
  g_autofree char *text = NULL;

  if (!ts_iteration_override_from_json (object, &override, NULL))
    return;
  text = fuzz_take_string (ts_iteration_override_to_json (&override));
  written = fuzz_parse_own (text);
  FUZZ_CHECK (ts_iteration_override_from_json (written, &again, NULL));
  FUZZ_CHECK (again.number == override.number);
  FUZZ_CHECK (again.length == override.length);
  FUZZ_CHECK (again.team_strength == override.team_strength);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) object = ts_json_parse_object ((const char *) data, size, NULL);

  if (object == NULL)
    return 0;
  check_project (object);
  check_projects (object);
  check_override (object);
  return 0;
}
