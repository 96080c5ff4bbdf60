/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* Comments and users: the resources, their lists and the body of a new
 * comment. */

#include "ts-json-private.h"

#include "ts-core-error.h"
#include "ts-workflow.h"

/**
 * ts_comment_to_json:
 * @comment: a comment
 *
 * Returns: (transfer full): the comment as doc/api.md's resource
 */
JsonNode *
ts_comment_to_json (TsComment *comment)
{
  JsonObject *object;

  g_return_val_if_fail (TS_IS_COMMENT (comment), NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "id", ts_comment_get_id (comment));
  json_object_set_int_member (object, "story_id", ts_comment_get_story_id (comment));
  json_object_set_int_member (object, "author_id", ts_comment_get_author_id (comment));
  json_object_set_string_member (object, "text", ts_comment_get_text (comment));
  ts_json_set_timestamp (object, "created_at", ts_comment_get_created_at (comment));
  json_object_set_int_member (object, "version", ts_comment_get_version (comment));

  return ts_json_node_take_object (object);
}

/**
 * ts_comment_from_json:
 * @object: a comment as the server writes it
 *
 * Returns: (transfer full) (nullable): the comment
 */
TsComment *
ts_comment_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(GDateTime) created_at = NULL;
  gint64 id = 0, story_id = 0, author_id = 0, version = 0;
  const char *text;
  TsComment *comment;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ts_json_read_id (json_object_get_member (object, "id"), "id", FALSE, &id, error) ||
      !ts_json_read_id (json_object_get_member (object, "story_id"), "story_id",
                        FALSE, &story_id, error) ||
      !ts_json_read_id (json_object_get_member (object, "author_id"), "author_id",
                        FALSE, &author_id, error) ||
      !ts_json_read_string (json_object_get_member (object, "text"), "text", &text, error) ||
      !ts_json_read_timestamp (json_object_get_member (object, "created_at"), "created_at",
                               FALSE, &created_at, error) ||
      !ts_json_read_int (json_object_get_member (object, "version"), "version",
                         0, G_MAXINT64, FALSE, &version, error))
    return NULL;

  comment = ts_comment_new ();
  ts_comment_set_id (comment, id);
  ts_comment_set_story_id (comment, story_id);
  ts_comment_set_author_id (comment, author_id);
  ts_comment_set_text (comment, text);
  ts_comment_set_created_at (comment, created_at);
  ts_comment_set_version (comment, version);

  return comment;
}

/* The story comes from the URL and the author from the token, so a client
 * that sends back a comment it read has its `story_id` ignored too. */
static const TsJsonMember comment_members[] = {
  { "text", 0 },
  { "story_id", TS_JSON_IGNORED },
};

/**
 * ts_comment_from_request_json:
 * @object: the body of `POST …/comments`
 *
 * Returns: (transfer full) (nullable): a comment holding only its text
 */
TsComment *
ts_comment_from_request_json (JsonObject  *object,
                              GError     **error)
{
  JsonNode *slots[1] = { NULL };
  const char *text;
  TsComment *comment;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ts_json_collect_members (object, comment_members, G_N_ELEMENTS (comment_members),
                                slots, error) ||
      !ts_json_read_string (slots[0], "text", &text, error) ||
      !ts_check_comment_text (text, error))
    return NULL;

  comment = ts_comment_new ();
  ts_comment_set_text (comment, text);
  return comment;
}

/**
 * ts_comments_to_json:
 * @comments: (array length=n_comments): comments
 *
 * Returns: (transfer full): `{"comments": […]}`
 */
JsonNode *
ts_comments_to_json (TsComment * const *comments,
                     guint              n_comments)
{
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (comments != NULL || n_comments == 0, NULL);

  array = json_array_sized_new (n_comments);
  for (guint i = 0; i < n_comments; i++)
    json_array_add_element (array, ts_comment_to_json (comments[i]));

  object = json_object_new ();
  json_object_set_array_member (object, "comments", array);
  return ts_json_node_take_object (object);
}

/**
 * ts_comments_from_json:
 * @object: `{"comments": […]}`
 *
 * Returns: (transfer full) (element-type TsComment) (nullable): the comments
 */
GPtrArray *
ts_comments_from_json (JsonObject  *object,
                       GError     **error)
{
  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return ts_json_read_list (object, "comments", (TsJsonItemReader) ts_comment_from_json,
                            g_object_unref, error);
}

/**
 * ts_user_to_json:
 * @user: a user
 *
 * Returns: (transfer full): `{"id", "name", "email"}`
 */
JsonNode *
ts_user_to_json (TsUser *user)
{
  JsonObject *object;

  g_return_val_if_fail (TS_IS_USER (user), NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "id", ts_user_get_id (user));
  json_object_set_string_member (object, "name", ts_user_get_name (user));
  json_object_set_string_member (object, "email", ts_user_get_email (user));

  return ts_json_node_take_object (object);
}

/**
 * ts_user_from_json:
 * @object: a user as the server writes it
 *
 * Returns: (transfer full) (nullable): the user
 */
TsUser *
ts_user_from_json (JsonObject  *object,
                   GError     **error)
{
  const char *name, *email;
  gint64 id = 0;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ts_json_read_id (json_object_get_member (object, "id"), "id", FALSE, &id, error) ||
      !ts_json_read_string (json_object_get_member (object, "name"), "name", &name, error) ||
      !ts_json_read_string (json_object_get_member (object, "email"), "email", &email, error))
    return NULL;

  return ts_user_new (id, name, email);
}

/**
 * ts_members_to_json:
 * @users: (array length=n_users): the members of a project
 *
 * Returns: (transfer full): `{"members": […]}`
 */
JsonNode *
ts_members_to_json (TsUser * const *users,
                    guint           n_users)
{
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (users != NULL || n_users == 0, NULL);

  array = json_array_sized_new (n_users);
  for (guint i = 0; i < n_users; i++)
    json_array_add_element (array, ts_user_to_json (users[i]));

  object = json_object_new ();
  json_object_set_array_member (object, "members", array);
  return ts_json_node_take_object (object);
}

/**
 * ts_members_from_json:
 * @object: `{"members": […]}`
 *
 * Returns: (transfer full) (element-type TsUser) (nullable): the members
 */
GPtrArray *
ts_members_from_json (JsonObject  *object,
                      GError     **error)
{
  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return ts_json_read_list (object, "members", (TsJsonItemReader) ts_user_from_json,
                            g_object_unref, error);
}
