/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The codec's comment and member readers, as the app reads the server's
 * answers: a comment, the comments of a story, a user and the members of
 * a project. Whatever they take must write back to text that reads back
 * to the same. */

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

typedef gpointer   (*ReadOne)   (JsonObject *object, GError **error);
typedef JsonNode  *(*WriteOne)  (gpointer item);
typedef GPtrArray *(*ReadList)  (JsonObject *object, GError **error);
typedef JsonNode  *(*WriteList) (gpointer const *items, guint n_items);

static void
check_one (JsonObject *object,
           ReadOne     read,
           WriteOne    write)
{
  gpointer item = read (object, NULL);
  gpointer again;
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (item == NULL)
    return;
  text = fuzz_take_string (write (item));
  g_object_unref (item);
  written = fuzz_parse_own (text);
  again = read (written, &error);
  if (again == NULL)
    g_printerr ("the reader refuses its writer's %s: %s\n", text, error->message);
  FUZZ_CHECK (again != NULL);
  text_again = fuzz_take_string (write (again));
  g_object_unref (again);
  FUZZ_CHECK (g_str_equal (text, text_again));
}

static void
check_list (JsonObject *object,
            ReadList    read,
            WriteList   write)
{
  g_autoptr(GPtrArray) items = read (object, NULL);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (items == NULL)
    return;
  text = fuzz_take_string (write (items->pdata, items->len));
  written = fuzz_parse_own (text);
  again = read (written, NULL);
  FUZZ_CHECK (again != NULL);
  text_again = fuzz_take_string (write (again->pdata, again->len));
  FUZZ_CHECK (g_str_equal (text, text_again));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) object = ts_json_parse_object ((const char *) data, size, NULL);

  if (object == NULL)
    return 0;
  check_one (object, (ReadOne) ts_comment_from_json, (WriteOne) ts_comment_to_json);
  check_one (object, (ReadOne) ts_user_from_json, (WriteOne) ts_user_to_json);
  check_list (object, ts_comments_from_json, (WriteList) ts_comments_to_json);
  check_list (object, ts_members_from_json, (WriteList) ts_members_to_json);
  return 0;
}
