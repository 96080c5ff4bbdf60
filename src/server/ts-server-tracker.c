/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-server"

/* The Tracker CSV endpoints (doc/api.md, *Tracker import and export*):
 * `POST /api/v1/projects/:id/import` (`?dry_run=true` for the preview)
 * and `GET /api/v1/projects/:id/export`. */

#include "ts-server-private.h"

#include <string.h>

#include "ts-tracker.h"

/* 422 naming the line at fault, which clients show beside the message. */
static void
fail_at_line (TsRequest    *request,
              const GError *error,
              guint         line)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *body, *inner;

  if (error->domain != TS_CORE_ERROR || line == 0)
    {
      ts_request_respond_error (request, error);
      return;
    }
  body = json_object_new ();
  inner = json_object_new ();
  json_object_set_string_member (inner, "code", "invalid");
  json_object_set_string_member (inner, "message", error->message);
  json_object_set_int_member (inner, "line", line);
  json_object_set_object_member (body, "error", inner);
  node = json_node_init_object (json_node_alloc (), body);
  json_object_unref (body);
  ts_request_respond_json (request, 422, node);
}

/* `?dry_run=true|false`; FALSE having answered 400 for anything else. */
static gboolean
read_dry_run (TsRequest *request,
              gboolean  *out_dry_run)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autoptr(GHashTable) params = NULL;
  const char *value;

  *out_dry_run = FALSE;
  if (query == NULL)
    return TRUE;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  value = params != NULL ? g_hash_table_lookup (params, "dry_run") : NULL;
  if (params != NULL && (value == NULL || g_str_equal (value, "false")))
    return TRUE;
  if (value != NULL && g_str_equal (value, "true"))
    {
      *out_dry_run = TRUE;
      return TRUE;
    }
  ts_request_fail (request, SOUP_STATUS_BAD_REQUEST, "malformed",
                   "“dry_run” must be true or false");
  return FALSE;
}

static gboolean
is_csv (TsRequest *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  if (type != NULL && g_ascii_strcasecmp (type, "text/csv") == 0)
    return TRUE;
  ts_request_fail (request, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "invalid",
                   "an import takes “Content-Type: text/csv”: Pivotal Tracker's CSV export");
  return FALSE;
}

/* POST /projects/:id/import */
void
ts_server_handle_import (TsRequest *request)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TsTrackerImport) import = NULL;
  g_autoptr(TsChange) change = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  const char *data = request->body != NULL ? g_bytes_get_data (request->body, &length) : NULL;
  gboolean dry_run, applied = FALSE;
  gint64 version = 0;
  guint line = 0;

  if (!read_dry_run (request, &dry_run) || !is_csv (request))
    return;
  if ((rows = ts_tracker_read (data != NULL ? data : "", length, &line, &error)) == NULL)
    {
      fail_at_line (request, error, line);
      return;
    }

  if (!ts_request_begin (request))
    return;
  if (!ts_store_import_tracker (request->server->store, request->user_id, request->ids[0], rows,
                                dry_run, &import, &applied, &version, &change, &line, &error))
    {
      ts_store_rollback (request->server->store);
      fail_at_line (request, error, line);
      return;
    }
  answer = ts_tracker_import_to_json (import, dry_run, version, applied);
  if (dry_run)
    {
      ts_store_rollback (request->server->store);
      ts_request_respond_json (request, SOUP_STATUS_OK, answer);
      return;
    }
  ts_request_finish_change (request, SOUP_STATUS_OK, answer, request->ids[0], change);
}

/* The file name of an export: the project's name, without what a
 * Content-Disposition quoted string or a file system would trip on. */
static char *
export_file_name (const char *project_name)
{
  GString *name = g_string_new (NULL);

  for (const char *p = project_name; *p != '\0'; p++)
    g_string_append_c (name, strchr ("\"\\/:*?<>|", *p) != NULL || (guchar) *p < 0x20 ? '_' : *p);
  g_string_append (name, ".csv");
  return g_string_free (name, FALSE);
}

/* GET /projects/:id/export */
void
ts_server_handle_export (TsRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *disposition = NULL;
  GString *csv;
  gsize length;

  csv = ts_store_export_tracker (request->server->store, request->user_id, request->ids[0], &name,
                                 &error);
  if (csv == NULL)
    {
      ts_request_respond_error (request, error);
      return;
    }
  file_name = export_file_name (name);
  disposition = g_strdup_printf ("attachment; filename=\"%s\"", file_name);
  ts_request_set_header (request, "Content-Disposition", disposition);
  length = csv->len;
  ts_request_respond_typed (request, SOUP_STATUS_OK, "text/csv; charset=utf-8",
                            g_string_free (csv, FALSE), length);
}
