/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The codec's story readers, as the app reads the server's answers:
 * one story (ts_story_from_json) and the list, both from a tree
 * (ts_stories_from_json) and from the text straight
 * (ts_stories_from_json_data), which say they read the same. Whatever
 * they take must write back to text that reads back to the same. */

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static void
check_story_round_trip (TsStory *story)
{
  g_autofree char *text = fuzz_take_string (ts_story_to_json (story));
  g_autoptr(JsonObject) object = fuzz_parse_own (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(TsStory) again = ts_story_from_json (object, &error);
  g_autofree char *text_again = NULL;

  if (again == NULL)
    g_printerr ("the story reader refuses its writer's %s: %s\n", text, error->message);
  FUZZ_CHECK (again != NULL);
  /* Everything people edit survives; timestamps are written to the
   * second (a reader takes fractions, which the server never writes). */
  FUZZ_CHECK (ts_story_diff (story, again, TS_STORY_FIELDS_ALL) == TS_STORY_FIELD_NONE);
  FUZZ_CHECK (ts_story_get_id (story) == ts_story_get_id (again));
  FUZZ_CHECK (g_str_equal (ts_story_get_position (story), ts_story_get_position (again)));
  text_again = fuzz_take_string (ts_story_to_json (again));
  FUZZ_CHECK (g_str_equal (text, text_again));
}

static char *
write_stories (gint64     version,
               GPtrArray *stories)
{
  return fuzz_take_string (ts_stories_to_json (version, (TsStory * const *) stories->pdata,
                                               stories->len));
}

static void
check_list (const char *data,
            size_t      size,
            JsonObject *object)
{
  g_autoptr(GPtrArray) from_tree = NULL;
  g_autoptr(GPtrArray) from_text = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  gint64 tree_version = -1, text_version = -1, version_again = -1;

  from_text = ts_stories_from_json_data (data, size, &text_version, NULL);
  if (object != NULL)
    from_tree = ts_stories_from_json (object, &tree_version, NULL);
  /* The two readers of a list agree. */
  FUZZ_CHECK ((from_tree != NULL) == (from_text != NULL));
  if (from_text == NULL)
    return;

  text = write_stories (text_version, from_text);
  FUZZ_CHECK (tree_version == text_version);
  FUZZ_CHECK (from_tree->len == from_text->len);
  for (guint i = 0; i < from_text->len; i++)
    FUZZ_CHECK (ts_story_equal (from_tree->pdata[i], from_text->pdata[i]));

  again = ts_stories_from_json_data (text, -1, &version_again, NULL);
  FUZZ_CHECK (again != NULL);
  FUZZ_CHECK (version_again == text_version);
  text_again = write_stories (version_again, again);
  FUZZ_CHECK (g_str_equal (text, text_again));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(JsonObject) object = ts_json_parse_object (text, size, NULL);

  if (object != NULL)
    {
      g_autoptr(TsStory) story = ts_story_from_json (object, NULL);

      if (story != NULL)
        check_story_round_trip (story);
    }
  check_list (text, size, object);
  return 0;
}
