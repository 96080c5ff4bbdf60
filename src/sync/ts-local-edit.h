/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-core.h"
#include "ts-api-client.h"

G_BEGIN_DECLS

/* A change the backlog store made and the server has not confirmed yet
 * (private to the store's files). */

typedef enum {
  TS_EDIT_CREATE,
  TS_EDIT_UPDATE,
  TS_EDIT_MOVE,
  TS_EDIT_DELETE,
  TS_EDIT_TASK,
} TsEditKind;

typedef struct {
  TsEditKind kind;
  gint64 story_id;          /* for a create, the temporary (negative) id */
  TsStoryFields fields;     /* an update's fields */
  TsStory *values;          /* an update's values; a create's whole story */
  char *position;           /* a create's or move's place, made locally */
  TsMoveRequest move;       /* a move as sent; a create's placement */
  gint64 base_version;      /* an update's base_version */
  char *idempotency_key;    /* a create's, the same for every retry */
  gint64 settled_version;   /* the version the server's answer produced */
  gint64 outbox_id;         /* its row in the outbox, 0 once answered */
  guint retry_source;       /* waiting to be sent again after a network failure */
  guint attempts;
  gboolean held;            /* waiting for the answer to an earlier edit of its story */
  gboolean restored;        /* read back from the outbox: it may have reached the server */
  gboolean done;
  /* A task's change (TS_EDIT_TASK): which, on which task (a temporary,
   * negative id until its add is answered; @local_task_id keeps that one
   * for what is shown meanwhile) and the request; @position is the key
   * made locally for an add or a move, @idempotency_key theirs. */
  TsTaskOp task_op;
  gint64 task_id;
  gint64 local_task_id;
  TsTaskRequest task;
} TsLocalEdit;

TsLocalEdit *ts_local_edit_new       (TsEditKind   kind,
                                      gint64       story_id);
TsLocalEdit *ts_local_edit_ref       (TsLocalEdit *edit);
void         ts_local_edit_unref     (gpointer     edit);
char        *ts_local_edit_to_json   (TsLocalEdit *edit,
                                      gboolean     undoable);
TsLocalEdit *ts_local_edit_from_json (const char  *json,
                                      TsPointScale scale,
                                      gboolean    *undoable,
                                      GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsLocalEdit, ts_local_edit_unref)

G_END_DECLS
