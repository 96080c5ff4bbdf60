/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-error-text"

#include "ts-error-text.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "ts-sync-error.h"

/*
 * The one place that turns the sync layer's errors into what people
 * read: a TS_SYNC_ERROR's code, the field it is about, the operation that
 * failed and its subject, worded and translated here. The errors'
 * messages are English details for the log, never shown.
 */

/* A field of doc/api.md's resources as people call it. */
char *
ts_error_text_dup_field (const char *field)
{
  static const struct {
    const char *name;
    const char *label;
  } fields[] = {
    { "title", N_("the title") },
    { "description", N_("the description") },
    { "estimate", N_("the estimate") },
    { "state", N_("the state") },
    { "story_type", N_("the type") },
    { "labels", N_("the labels") },
    { "owner_ids", N_("the owners") },
    { "requester_id", N_("the requester") },
    { "deadline", N_("the deadline") },
    { "text", N_("the comment") },
    { "name", N_("the name") },
  };

  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fields[i].name, field) == 0)
      return g_strdup (_(fields[i].label));
  return field != NULL ? g_strdup_printf ("“%s”", field) : NULL;
}

/* Why, in a few words. */
static char *
dup_cause (const GError *error)
{
  g_autofree char *field = ts_error_text_dup_field (ts_sync_error_get_field (error));

  if (error->domain != TS_SYNC_ERROR)
    return g_strdup (_("something went wrong"));
  switch ((TsSyncError) error->code)
    {
    case TS_SYNC_ERROR_NETWORK:
      return g_strdup (_("the server cannot be reached"));
    case TS_SYNC_ERROR_UNAUTHORIZED:
      return g_strdup (_("you are signed out"));
    case TS_SYNC_ERROR_FORBIDDEN:
      return g_strdup (_("you are not allowed to"));
    case TS_SYNC_ERROR_NOT_FOUND:
    case TS_SYNC_ERROR_GONE:
      return g_strdup (_("it no longer exists"));
    case TS_SYNC_ERROR_CONFLICT:
      return g_strdup (_("someone else changed it"));
    case TS_SYNC_ERROR_INVALID:
    case TS_SYNC_ERROR_REFUSED:
      if (field != NULL)
        /* TRANSLATORS: %s is a field, e.g. "the estimate" */
        return g_strdup_printf (_("the server does not accept %s"), field);
      return g_strdup (_("the server does not accept the change"));
    case TS_SYNC_ERROR_TOO_LARGE:
      return g_strdup (_("it is too large"));
    case TS_SYNC_ERROR_RATE_LIMITED:
      return g_strdup (_("the server is busy"));
    case TS_SYNC_ERROR_SERVER:
      return g_strdup (_("the server had a problem"));
    case TS_SYNC_ERROR_PROTOCOL:
    default:
      return g_strdup (_("the server’s answer was not understood"));
    }
}

/**
 * ts_error_text_dup:
 * @error: an error of the sync layer
 *
 * Returns: what to tell people, translated
 */
char *
ts_error_text_dup (const GError *error)
{
  g_autofree char *cause = NULL;
  g_autofree char *subject = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  subject = ts_sync_error_dup_subject (error);
  if (error->domain == TS_SYNC_ERROR)
    switch ((TsSyncError) error->code)
      {
      case TS_SYNC_ERROR_PROJECT_DELETED:
        return g_strdup_printf (_("“%s” was deleted."), subject != NULL ? subject : "");
      case TS_SYNC_ERROR_PROJECT_UNAVAILABLE:
        if (subject != NULL)
          return g_strdup_printf (_("“%s” is no longer available to you: it was deleted, "
                                    "or you were removed from its members."), subject);
        return g_strdup (_("This project is not available to you: it was deleted, "
                           "or you are not one of its members."));
      case TS_SYNC_ERROR_NOTHING_TO_UNDO:
        return g_strdup (_("Nothing to undo"));
      case TS_SYNC_ERROR_UNDO_STALE:
        return g_strdup (_("Could not undo: the story has changed since"));
      default:
        break;
      }

  cause = dup_cause (error);
  if (subject == NULL)
    subject = g_strdup ("");
  switch (ts_sync_error_get_operation (error))
    {
    case TS_SYNC_OPERATION_CREATE:
      /* TRANSLATORS: a story's title, then why */
      return g_strdup_printf (_("Could not create “%s”: %s"), subject, cause);
    case TS_SYNC_OPERATION_UPDATE:
      return g_strdup_printf (_("Could not save “%s”: %s"), subject, cause);
    case TS_SYNC_OPERATION_MOVE:
      return g_strdup_printf (_("Could not move “%s”: %s"), subject, cause);
    case TS_SYNC_OPERATION_DELETE:
      return g_strdup_printf (_("Could not delete “%s”: %s"), subject, cause);
    case TS_SYNC_OPERATION_NONE:
    default:
      {
        /* A sentence of its own: capitalised. */
        g_autofree char *upper = g_utf8_strup (cause, g_utf8_next_char (cause) - cause);

        return g_strconcat (upper, g_utf8_next_char (cause), NULL);
      }
    }
}

/**
 * ts_error_text_dup_import:
 * @error: why a Tracker CSV was not imported (or previewed): the sync
 *   layer's error, or GIO's when the file could not be read
 *
 * Returns: what to tell people, translated: the line the server could not
 *   read when it names one
 */
char *
ts_error_text_dup_import (const GError *error)
{
  gint64 line;

  g_return_val_if_fail (error != NULL, NULL);

  line = ts_sync_error_get_line (error);
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_INVALID) && line > 0)
    /* TRANSLATORS: %d is a line number of the chosen file */
    return g_strdup_printf (_("Line %d of the file cannot be read. Nothing was imported."),
                            (int) MIN (line, G_MAXINT));
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_INVALID))
    return g_strdup (_("It is not a Pivotal Tracker CSV export. Nothing was imported."));
  if (g_error_matches (error, TS_SYNC_ERROR, TS_SYNC_ERROR_TOO_LARGE))
    return g_strdup (_("The file is larger than the 32 MB the server takes."));
  if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    return g_strdup (_("The file cannot be read."));
  return ts_error_text_dup (error);
}
