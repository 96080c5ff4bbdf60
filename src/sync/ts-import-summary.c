/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-import-summary"

#include "ts-import-summary.h"

#include <string.h>

#include "ts-sync-error.h"

/* The reader of the import's answer lives with the client that asks for
 * it: the server writes it from its own import code, and nothing else in
 * core reads it. */

static void
person_free (gpointer data)
{
  TsImportPerson *person = data;

  g_free (person->name);
  g_free (person);
}

static TsImportPerson *
person_new (const char *name,
            gint64      user_id)
{
  TsImportPerson *person = g_new0 (TsImportPerson, 1);

  person->name = g_strdup (name);
  person->user_id = user_id;
  return person;
}

TsImportSummary *
ts_import_summary_copy (const TsImportSummary *self)
{
  TsImportSummary *copy = g_memdup2 (self, sizeof *self);

  copy->people = g_ptr_array_new_with_free_func (person_free);
  for (guint i = 0; i < self->people->len; i++)
    {
      const TsImportPerson *person = g_ptr_array_index (self->people, i);

      g_ptr_array_add (copy->people, person_new (person->name, person->user_id));
    }
  copy->start_date = g_strdup (self->start_date);
  return copy;
}

void
ts_import_summary_free (TsImportSummary *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_free (self->start_date);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (TsImportSummary, ts_import_summary, ts_import_summary_copy,
                     ts_import_summary_free)

static gboolean
fail (GError    **error,
      const char *name,
      const char *what)
{
  g_set_error (error, TS_SYNC_ERROR, TS_SYNC_ERROR_PROTOCOL, "“%s” must be %s", name, what);
  return FALSE;
}

static JsonNode *
value_member (JsonObject *object,
              const char *name,
              GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

static gboolean
read_count (JsonObject  *object,
            const char  *name,
            gint64      *out_value,
            GError     **error)
{
  JsonNode *node = value_member (object, name, G_TYPE_INT64);

  if (node == NULL || json_node_get_int (node) < 0)
    return fail (error, name, "a count");
  *out_value = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_flag (JsonObject  *object,
           const char  *name,
           gboolean    *out_value,
           GError     **error)
{
  JsonNode *node = value_member (object, name, G_TYPE_BOOLEAN);

  if (node == NULL)
    return fail (error, name, "true or false");
  *out_value = json_node_get_boolean (node);
  return TRUE;
}

static JsonObject *
object_member (JsonObject  *object,
               const char  *name,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, name, "an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
array_member (JsonObject  *object,
              const char  *name,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (error, name, "an array");
      return NULL;
    }
  return json_node_get_array (node);
}

/* `{"feature", "bug", "chore", "release"}` */
static gboolean
read_stories (TsImportSummary  *summary,
              JsonObject       *object,
              GError          **error)
{
  JsonObject *stories = object_member (object, "stories", error);

  return stories != NULL &&
         read_count (stories, "feature", &summary->features, error) &&
         read_count (stories, "bug", &summary->bugs, error) &&
         read_count (stories, "chore", &summary->chores, error) &&
         read_count (stories, "release", &summary->releases, error);
}

/* `{"matched": [{"name", "user_id"}], "unmatched": ["name"]}` */
static gboolean
read_people (TsImportSummary  *summary,
             JsonObject       *object,
             GError          **error)
{
  JsonObject *people = object_member (object, "people", error);
  JsonArray *matched = people != NULL ? array_member (people, "matched", error) : NULL;
  JsonArray *unmatched = matched != NULL ? array_member (people, "unmatched", error) : NULL;

  if (unmatched == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (matched); i++)
    {
      JsonNode *node = json_array_get_element (matched, i);
      JsonObject *person = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *name = person != NULL ? value_member (person, "name", G_TYPE_STRING) : NULL;
      JsonNode *user_id = person != NULL ? value_member (person, "user_id", G_TYPE_INT64) : NULL;

      if (name == NULL || user_id == NULL || json_node_get_int (user_id) <= 0)
        return fail (error, "matched", "a list of names with their user_id");
      g_ptr_array_add (summary->people,
                       person_new (json_node_get_string (name), json_node_get_int (user_id)));
    }
  for (guint i = 0; i < json_array_get_length (unmatched); i++)
    {
      JsonNode *node = json_array_get_element (unmatched, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return fail (error, "unmatched", "a list of names");
      g_ptr_array_add (summary->people, person_new (json_node_get_string (node), 0));
    }
  return TRUE;
}

/* `{"start_date": "YYYY-MM-DD"|null, "iteration_length": n|null, "applied"}` */
static gboolean
read_schedule (TsImportSummary  *summary,
               JsonObject       *object,
               GError          **error)
{
  JsonObject *schedule = object_member (object, "schedule", error);
  JsonNode *start;
  JsonNode *length;

  if (schedule == NULL || !read_flag (schedule, "applied", &summary->schedule_applied, error))
    return FALSE;
  start = json_object_get_member (schedule, "start_date");
  if (start != NULL && !JSON_NODE_HOLDS_NULL (start))
    {
      GDate date;

      if (value_member (schedule, "start_date", G_TYPE_STRING) == NULL)
        return fail (error, "start_date", "a date or null");
      g_date_clear (&date, 1);
      g_date_set_parse (&date, json_node_get_string (start));
      if (strlen (json_node_get_string (start)) != 10 || !g_date_valid (&date))
        return fail (error, "start_date", "a date YYYY-MM-DD or null");
      summary->start_date = g_strdup (json_node_get_string (start));
    }
  length = json_object_get_member (schedule, "iteration_length");
  if (length != NULL && !JSON_NODE_HOLDS_NULL (length) &&
      (!read_count (schedule, "iteration_length", &summary->iteration_length, error) ||
       summary->iteration_length == 0))
    return fail (error, "iteration_length", "a number of weeks or null");
  return TRUE;
}

/**
 * ts_import_summary_from_json:
 *
 * Reads the import's answer; members it does not know are ignored, so a
 * newer server can add some.
 *
 * Returns: (transfer full) (nullable): the summary, or %NULL with a
 *   TS_SYNC_ERROR_PROTOCOL naming the member that is wrong
 */
TsImportSummary *
ts_import_summary_from_json (JsonObject  *object,
                             GError     **error)
{
  g_autoptr(TsImportSummary) summary = g_new0 (TsImportSummary, 1);

  summary->people = g_ptr_array_new_with_free_func (person_free);
  if (!read_flag (object, "dry_run", &summary->dry_run, error) ||
      !read_count (object, "version", &summary->version, error) ||
      !read_stories (summary, object, error) ||
      !read_count (object, "total", &summary->total, error) ||
      !read_count (object, "already_imported", &summary->already_imported, error) ||
      !read_count (object, "epics", &summary->epics, error) ||
      !read_count (object, "tasks", &summary->tasks, error) ||
      !read_count (object, "comments", &summary->comments, error) ||
      !read_people (summary, object, error) ||
      !read_schedule (summary, object, error))
    return NULL;
  return g_steal_pointer (&summary);
}

/* How many people of the file are members. */
guint
ts_import_summary_count_matched (const TsImportSummary *self)
{
  guint n = 0;

  for (guint i = 0; i < self->people->len; i++)
    if (((const TsImportPerson *) g_ptr_array_index (self->people, i))->user_id > 0)
      n++;
  return n;
}
