/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the parts of TsStoryEditor share: ts-story-editor.c (the window,
 * the store and the members), ts-story-editor-fields.c (showing the story
 * and sending what the person changes) and ts-story-editor-comments.c. */

#include "ts-story-editor.h"

G_BEGIN_DECLS

/* One slot per TsStoryFields bit. */
#define TS_STORY_EDITOR_N_FIELDS 9

struct _TsStoryEditor
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  AdwToastOverlay *toast_overlay;
  GtkWidget *content_box;
  AdwEntryRow *title_row;
  GtkTextView *description_view;
  AdwComboRow *type_row;
  AdwComboRow *estimate_row;
  AdwComboRow *state_row;
  AdwActionRow *deadline_row;
  GtkButton *clear_deadline_button;
  GtkMenuButton *deadline_button;
  GtkCalendar *deadline_calendar;
  AdwEntryRow *labels_row;
  AdwComboRow *requester_row;
  AdwExpanderRow *owners_row;
  AdwPreferencesGroup *tasks_group;
  GtkListBox *task_list;
  GtkEntry *new_task_entry;
  GtkLabel *no_comments_label;
  GtkListBox *comment_list;
  GtkEntry *comment_entry;
  GtkButton *comment_button;

  TsBacklogStore *store;
  TsApiClient *api;
  gint64 project_id;
  gint64 story_id;
  TsStory *story;
  GCancellable *cancellable;

  gint64 my_id;
  GPtrArray *members;           /* TsUser, in the server's order */
  GPtrArray *owner_rows;        /* AdwActionRow per member, in that order */
  GHashTable *task_rows;        /* task id → its GtkListBoxRow */
  GPtrArray *comments;          /* TsComment */
  guint comments_serial;
  gboolean adding_comment;

  /* What the editor last put in each text field, to tell a person's
   * uncommitted typing from a field that may follow the story. */
  char *shown_title;
  char *shown_description;
  char *shown_labels;

  /* Per field, the story's version when the person began changing it
   * (0: they have not), sent as the change's base version so that
   * someone else's change of the field meanwhile is a conflict. */
  gint64 base_versions[TS_STORY_EDITOR_N_FIELDS];

  int estimate_values[32];
  guint n_estimate_values;
  TsStoryState state_values[8];
  guint n_state_values;

  /* Set while the code, not the person, changes a widget. */
  gboolean updating;
  gboolean deleted;
  guint check_source;
};

/* ts-story-editor.c */
void    _ts_story_editor_toast            (TsStoryEditor *self,
                                           const char    *message);
TsUser *_ts_story_editor_find_member      (TsStoryEditor *self,
                                           gint64         user_id);

/* ts-story-editor-fields.c */
void    _ts_story_editor_init_fields      (TsStoryEditor *self);
void    _ts_story_editor_refresh          (TsStoryEditor *self);
void    _ts_story_editor_build_owner_rows (TsStoryEditor *self);
void    _ts_story_editor_commit_texts     (TsStoryEditor *self);

/* ts-story-editor-tasks.c */
void    _ts_story_editor_init_tasks       (TsStoryEditor *self);
void    _ts_story_editor_show_tasks       (TsStoryEditor *self);

/* ts-story-editor-comments.c */
void    _ts_story_editor_class_init_comments (GtkWidgetClass *widget_class);
void    _ts_story_editor_init_comments    (TsStoryEditor *self);
void    _ts_story_editor_reload_comments  (TsStoryEditor *self);
void    _ts_story_editor_show_comments    (TsStoryEditor *self);
void    _ts_story_editor_update_comment_action (TsStoryEditor *self);

G_END_DECLS
