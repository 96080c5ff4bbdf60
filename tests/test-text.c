/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Text through a real truestory-server: control characters refused in
 * every text field (422 naming it; a description or comment keeps tab,
 * line feed and carriage return), every answer escaped so that any JSON
 * or JavaScript reader takes it, lone surrogates refused, and the repair
 * of rows stored before all that. */

#include <sqlite3.h>
#include <string.h>

#include "server-harness.h"
#include "ts-json.h"

typedef struct {
  TestServer *server;
  char *ada;
  gint64 project_id;
  char *project; /* "/api/v1/projects/<id>" */
  gint64 story_id;
  char *story;   /* "…/stories/<id>" */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = test_server_start (NULL);
  f->ada = test_server_add_and_sign_in (f->server, "ada@example.org", "Ada Lovelace", "analytical");
  f->project_id = test_server_create_project (f->server, f->ada,
                                              "{\"name\": \"Apollo\", \"start_date\": \"2026-01-05\"}");
  f->project = g_strdup_printf ("/api/v1/projects/%" G_GINT64_FORMAT, f->project_id);
  f->story_id = test_server_create_story (f->server, f->ada, f->project_id, "{\"title\": \"Base\"}");
  f->story = g_strdup_printf ("%s/stories/%" G_GINT64_FORMAT, f->project, f->story_id);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_server_stop (f->server);
  g_free (f->ada);
  g_free (f->project);
  g_free (f->story);
}

/* No raw control character, DEL, U+2028 or U+2029 anywhere in @text, and
 * @text is one JSON object to the strict reader. */
static void
assert_clean_json (const char *text)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p == 0x7f)
        g_error ("a raw U+%04X in %s", *p, text);
      if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
        g_error ("a raw U+2028 or U+2029 in %s", text);
    }
  object = ts_json_parse_object (text, -1, &error);
  g_assert_no_error (error);
}

static TestResponse *
get_clean (Fixture    *f,
           const char *target)
{
  TestResponse *response = test_request (f->server, "GET", target, f->ada, NULL);

  assert_status (response, 200);
  assert_clean_json (response->text);
  return response;
}

static gint64
project_version (Fixture *f)
{
  return test_server_version (f->server, f->ada, f->project);
}

/* The requests that carry a text field, "@" standing for the text. */
typedef struct {
  const char *field;
  const char *method;
  const char *target; /* "project", "projects", "stories", "story", "comments" */
  const char *body;
  gboolean multiline;
} TextField;

static const TextField text_fields[] = {
  { "title", "POST", "stories", "{\"title\": \"@\"}", FALSE },
  { "title", "PATCH", "story", "{\"title\": \"@\"}", FALSE },
  { "description", "POST", "stories", "{\"title\": \"t\", \"description\": \"@\"}", TRUE },
  { "description", "PATCH", "story", "{\"description\": \"@\"}", TRUE },
  { "labels", "POST", "stories", "{\"title\": \"t\", \"labels\": [\"ok\", \"@\"]}", FALSE },
  { "labels", "PATCH", "story", "{\"labels\": [\"@\"]}", FALSE },
  { "text", "POST", "comments", "{\"text\": \"@\"}", TRUE },
  { "name", "POST", "projects", "{\"name\": \"@\"}", FALSE },
  { "name", "PATCH", "project", "{\"name\": \"@\"}", FALSE },
};

static char *
field_target (Fixture        *f,
              const TextField *field)
{
  if (strcmp (field->target, "project") == 0)
    return g_strdup (f->project);
  if (strcmp (field->target, "projects") == 0)
    return g_strdup ("/api/v1/projects");
  if (strcmp (field->target, "stories") == 0)
    return g_strconcat (f->project, "/stories", NULL);
  if (strcmp (field->target, "story") == 0)
    return g_strdup (f->story);
  return g_strconcat (f->story, "/comments", NULL);
}

static char *
field_body (const TextField *field,
            const char      *text)
{
  g_autoptr(GString) body = g_string_new (field->body);

  g_string_replace (body, "@", text, 1);
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static guint
count_projects (Fixture *f)
{
  g_autoptr(TestResponse) response = test_request (f->server, "GET", "/api/v1/projects", f->ada,
                                                   NULL);

  assert_status (response, 200);
  return json_array_get_length (json_object_get_array_member (test_response_object (response),
                                                              "projects"));
}

/* Every control character in every text field: 422 `invalid` naming the
 * field, nothing changed; tab, line feed and carriage return in a
 * description or comment are taken. */
static void
test_control_characters_refused (Fixture       *f,
                                 gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    for (guint c = 0; c <= 0x7f; c = c == 0x1f ? 0x7f : c + 1)
      {
        const TextField *field = &text_fields[i];
        g_autofree char *escaped = g_strdup_printf ("a\\u%04xb", c);
        g_autofree char *target = field_target (f, field);
        g_autofree char *body = field_body (field, escaped);
        gboolean allowed = field->multiline && (c == '\t' || c == '\n' || c == '\r');
        gint64 before = project_version (f);
        guint n_projects = count_projects (f);
        g_autoptr(TestResponse) response = NULL;

        g_test_message ("%s %s %s", field->method, target, body);
        response = test_request (f->server, field->method, target, f->ada, body);
        if (allowed)
          {
            g_assert_cmpuint (response->status / 100, ==, 2);
            assert_clean_json (response->text);
            continue;
          }
        assert_status (response, 422);
        g_assert_cmpstr (test_response_error_code (response), ==, "invalid");
        if (strstr (response->text, field->field) == NULL)
          g_error ("the error %s does not name “%s”", response->text, field->field);
        g_assert_cmpint (project_version (f), ==, before);
        g_assert_cmpuint (count_projects (f), ==, n_projects);
      }
}

/* A lone surrogate is not text: refused as the JSON it is not. */
static void
test_lone_surrogates_refused (Fixture       *f,
                              gconstpointer  data)
{
  const char *surrogates[] = { "\\ud800", "\\udfff", "a\\ud83dz", "\\ude80\\ud83d" };

  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    for (guint s = 0; s < G_N_ELEMENTS (surrogates); s++)
      {
        g_autofree char *target = field_target (f, &text_fields[i]);
        g_autofree char *body = field_body (&text_fields[i], surrogates[s]);
        gint64 before = project_version (f);
        g_autoptr(TestResponse) response = NULL;

        g_test_message ("%s %s %s", text_fields[i].method, target, body);
        response = test_request (f->server, text_fields[i].method, target, f->ada, body);
        assert_status (response, 400);
        g_assert_cmpstr (test_response_error_code (response), ==, "malformed");
        g_assert_cmpint (project_version (f), ==, before);
      }
}

/* What is taken comes back escaped in every answer that carries it: the
 * resource, the lists, the plan's neighbours and `changes`. */
static void
test_answers_escaped (Fixture       *f,
                      gconstpointer  data)
{
  /* Each allowed special character in each field. */
  const char *line = "L\\u2028I\\u2029N\\u007eE";
  const char *lines = "t\\tl\\nc\\rr\\u2028s\\u2029e";
  g_autofree char *stories = g_strconcat (f->project, "/stories", NULL);
  g_autofree char *comments = g_strconcat (f->story, "/comments", NULL);
  g_autofree char *all_comments = g_strconcat (f->project, "/comments", NULL);
  g_autofree char *changes = g_strconcat (f->project, "/changes?since=0", NULL);
  g_autofree char *create = g_strdup_printf ("{\"title\": \"%s\", \"description\": \"%s\", "
                                             "\"labels\": [\"%s\"]}", line, lines, line);
  g_autofree char *comment = g_strdup_printf ("{\"text\": \"%s\"}", lines);
  g_autofree char *rename = g_strdup_printf ("{\"name\": \"%s\"}", line);
  g_autoptr(TestResponse) created = NULL;
  g_autoptr(TestResponse) commented = NULL;
  g_autoptr(TestResponse) renamed = NULL;
  const char *expected_line = "L\xe2\x80\xa8I\xe2\x80\xa9N~E";
  const char *expected_lines = "t\tl\nc\rr\xe2\x80\xa8s\xe2\x80\xa9" "e";

  created = test_request (f->server, "POST", stories, f->ada, create);
  assert_status (created, 201);
  assert_clean_json (created->text);
  commented = test_request (f->server, "POST", comments, f->ada, comment);
  assert_status (commented, 201);
  assert_clean_json (commented->text);
  renamed = test_request (f->server, "PATCH", f->project, f->ada, rename);
  assert_status (renamed, 200);
  assert_clean_json (renamed->text);

  {
    g_autofree char *story = g_strdup_printf ("%s/%" G_GINT64_FORMAT, stories,
                                              test_response_int (created, "id"));
    g_autoptr(TestResponse) one = get_clean (f, story);
    JsonObject *object = test_response_object (one);

    g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, expected_line);
    g_assert_cmpstr (json_object_get_string_member (object, "description"), ==, expected_lines);
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "labels"),
                                                    0), ==, expected_line);
  }
  {
    g_autoptr(TestResponse) list = get_clean (f, stories);
    g_autoptr(GPtrArray) read = NULL;
    g_autoptr(GError) error = NULL;
    gint64 version = 0;

    /* The app's fast list reader. */
    read = ts_stories_from_json_data (list->text, -1, &version, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (read->len, ==, 2);
    g_assert_cmpstr (ts_story_get_title (read->pdata[1]), ==, expected_line);
    g_assert_cmpstr (ts_story_get_description (read->pdata[1]), ==, expected_lines);
  }
  {
    g_autoptr(TestResponse) list = get_clean (f, comments);
    g_autoptr(TestResponse) every = get_clean (f, all_comments);
    g_autoptr(GPtrArray) read = NULL;
    g_autoptr(GError) error = NULL;

    read = ts_comments_from_json (test_response_object (every), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ts_comment_get_text (read->pdata[0]), ==, expected_lines);
  }
  {
    g_autoptr(TestResponse) project = get_clean (f, f->project);
    g_autoptr(TestResponse) projects = get_clean (f, "/api/v1/projects");

    g_assert_cmpstr (json_object_get_string_member (test_response_object (project), "name"), ==,
                     expected_line);
  }
  {
    g_autoptr(TestResponse) history = get_clean (f, changes);
    g_autoptr(GPtrArray) read = NULL;
    g_autoptr(GError) error = NULL;
    gint64 version = 0;
    gboolean more = TRUE;
    gboolean saw_story = FALSE, saw_comment = FALSE, saw_project = FALSE;

    read = ts_changes_from_json (test_response_object (history), &version, &more, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < read->len; i++)
      {
        TsChange *change = read->pdata[i];

        if (change->story != NULL && g_strcmp0 (ts_story_get_title (change->story), expected_line) == 0)
          saw_story = g_strcmp0 (ts_story_get_description (change->story), expected_lines) == 0;
        if (change->comment != NULL)
          saw_comment = g_strcmp0 (ts_comment_get_text (change->comment), expected_lines) == 0;
        if (change->project != NULL)
          saw_project = g_strcmp0 (ts_project_get_name (change->project), expected_line) == 0;
      }
    g_assert_true (saw_story);
    g_assert_true (saw_comment);
    g_assert_true (saw_project);
  }
}

/* Rows stored before the fix: written here as the old server wrote them
 * (U+001F raw in the JSON, a DEL, labels that differ only in control
 * characters, a time zone that is a path), with the repair's mark taken
 * away; the next start repairs them once. */
static void
write_bad_rows (Fixture    *f,
                gint64      comment_id)
{
  g_autofree char *path = g_build_filename (f->server->data_dir, "truestory.db", NULL);
  g_autofree char *story_json = NULL;
  sqlite3 *db = NULL;
  const char *statements[] = {
    /* A story as json-glib wrote it: U+001F raw, U+0001 and DEL escaped. */
    "UPDATE stories SET json = replace(replace(replace(json, '\"title\":\"Base\"', "
    "'\"title\":\"x' || char(31) || 'y\"'), '\"labels\":[]', "
    "'\"labels\":[\"a\\u0001\",\"a\\u007f\",\"b\"]'), '\"description\":\"\"', "
    "'\"description\":\"keep\\ttab\\u000bno\"') WHERE id = ?1",
    /* Its change record, equally unreadable. */
    "UPDATE changes SET data = replace(data, '\"title\":\"Base\"', "
    "'\"title\":\"x' || char(31) || 'y\"') WHERE project_id = ?2",
    "UPDATE comments SET text = 'c' || char(9) || 'd' || char(27) || 'e' WHERE id = ?3",
    "UPDATE projects SET name = 'Apollo' || char(1), time_zone = '/etc/localtime' WHERE id = ?2",
    "UPDATE users SET name = 'Ada' || char(127) || 'L' WHERE email = 'ada@example.org'",
    "DELETE FROM settings WHERE key = 'repair.control-characters'",
  };

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      sqlite3_stmt *statement = NULL;

      if (sqlite3_prepare_v2 (db, statements[i], -1, &statement, NULL) != SQLITE_OK)
        g_error ("%s: %s", statements[i], sqlite3_errmsg (db));
      for (int p = 1; p <= sqlite3_bind_parameter_count (statement); p++)
        {
          const char *name = sqlite3_bind_parameter_name (statement, p);

          if (name == NULL)
            continue;
          sqlite3_bind_int64 (statement, p,
                              g_str_equal (name, "?1") ? f->story_id :
                              g_str_equal (name, "?2") ? f->project_id : comment_id);
        }
      g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
      /* Each bad row is written (the mark is there only since the fix). */
      if (!g_str_has_prefix (statements[i], "DELETE"))
        g_assert_cmpint (sqlite3_changes (db), >, 0);
      sqlite3_finalize (statement);
    }
  sqlite3_close (db);
}

static char *
read_setting (Fixture    *f,
              const char *key)
{
  g_autofree char *path = g_build_filename (f->server->data_dir, "truestory.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM settings WHERE key = ?", -1,
                                       &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return value;
}

static void
test_repair (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *comments = g_strconcat (f->story, "/comments", NULL);
  g_autofree char *stories = g_strconcat (f->project, "/stories", NULL);
  g_autofree char *changes = g_strconcat (f->project, "/changes?since=0", NULL);
  g_autofree char *marked = NULL;
  g_autofree char *marked_again = NULL;
  g_autoptr(TestResponse) commented = NULL;
  gint64 comment_id;

  /* Only SQLite files hold rows written before the fixes. */
  if (f->server->database != NULL)
    {
      g_test_skip ("an SQLite database's one-shot repair");
      return;
    }

  commented = test_request (f->server, "POST", comments, f->ada, "{\"text\": \"fine\"}");
  assert_status (commented, 201);
  comment_id = test_response_int (commented, "id");
  test_server_terminate (f->server);
  write_bad_rows (f, comment_id);
  g_assert_null (read_setting (f, "repair.control-characters"));

  test_server_restart (f->server);
  marked = read_setting (f, "repair.control-characters");
  g_assert_nonnull (marked);
  {
    g_autoptr(TestResponse) story = get_clean (f, f->story);
    JsonObject *object = test_response_object (story);
    JsonArray *labels = json_object_get_array_member (object, "labels");

    g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "x\xef\xbf\xbdy");
    g_assert_cmpstr (json_object_get_string_member (object, "description"), ==,
                     "keep\ttab\xef\xbf\xbdno");
    /* "a\u0001" and "a\u007f" are one label now. */
    g_assert_cmpuint (json_array_get_length (labels), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (labels, 0), ==, "a\xef\xbf\xbd");
    g_assert_cmpstr (json_array_get_string_element (labels, 1), ==, "b");
  }
  {
    g_autoptr(TestResponse) list = get_clean (f, stories);
    g_autoptr(TestResponse) history = get_clean (f, changes);
    g_autoptr(TestResponse) read_comments = get_clean (f, comments);
    g_autoptr(TestResponse) project = get_clean (f, f->project);
    g_autoptr(TestResponse) me = get_clean (f, "/api/v1/me");
    JsonArray *list_comments = json_object_get_array_member (test_response_object (read_comments),
                                                             "comments");

    g_assert_nonnull (strstr (history->text, "x\xef\xbf\xbdy"));
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list_comments, 0),
                                                    "text"), ==, "c\td\xef\xbf\xbd" "e");
    g_assert_cmpstr (json_object_get_string_member (test_response_object (project), "name"), ==,
                     "Apollo\xef\xbf\xbd");
    g_assert_cmpstr (json_object_get_string_member (test_response_object (project), "time_zone"),
                     ==, "UTC");
    g_assert_cmpstr (json_object_get_string_member (test_response_object (me), "name"), ==,
                     "Ada\xef\xbf\xbdL");
  }
  /* The story can be changed again, which a stored row the server could
   * not read made impossible. */
  {
    g_autoptr(TestResponse) patched = test_request (f->server, "PATCH", f->story, f->ada,
                                                    "{\"title\": \"Fixed\"}");

    assert_status (patched, 200);
  }

  /* Once only: a later start leaves the mark as it was. */
  test_server_terminate (f->server);
  test_server_restart (f->server);
  marked_again = read_setting (f, "repair.control-characters");
  g_assert_cmpstr (marked_again, ==, marked);
}

#define ADD(name, func) \
  g_test_add ("/server/text/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("control-characters-refused", test_control_characters_refused);
  ADD ("lone-surrogates-refused", test_lone_surrogates_refused);
  ADD ("answers-escaped", test_answers_escaped);
  ADD ("repair", test_repair);

  return g_test_run ();
}
