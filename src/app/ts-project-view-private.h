/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the files of TsProjectView: ts-project-view.c (the widget,
 * loading, closing, what follows the store), -actions.c (the backlog.*
 * actions), -search.c, -dnd.c (drag and drop), -moves.c (a story's moves
 * from the keyboard and its menu), -menu.c (a row's menu) and -header.c
 * (the widgets packed in the window's header bar). */

#include <adwaita.h>

#include "ts-backlog-row.h"
#include "ts-project-header-private.h"
#include "ts-project-view.h"
#include "ts-story-filter.h"

G_BEGIN_DECLS

/* How long quitting waits for held deletes and other edits to reach the
 * server. */
#define FLUSH_TIMEOUT_MS 3000

/* Narrower than this, one panel of the plan at a time (issue 6 asks for
 * 360 px; the header's buttons and a story row fit from there). */
#define NARROW_WIDTH 600
#define WIDE_WIDTH 1100
/* Longer than libadwaita's toast show animation (500 ms at most). */
#define TOAST_SHOW_MS 600
/* A held delete's undo toast stays this long (libadwaita's default is
 * 5 s): time to read the title, decide and reach Undo (src/DESIGN.md). */
#define UNDO_TOAST_TIMEOUT_S 10

struct _TsProjectView
{
  GtkWidget parent_instance;

  /* The template. */
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *status_page;
  GtkButton *status_button;
  GtkRevealer *banner;
  GtkLabel *banner_label;
  AdwToastOverlay *toasts;
  GtkStack *content_stack;
  GtkScrolledWindow *scroller;
  GtkListView *list_view;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;

  /* The header (TsProjectHeader, a template) and, as short names, its
   * widgets, which it owns. */
  TsProjectHeader *header;
  GtkWidget *search_button;
  GtkWidget *presence_box;
  GtkWidget *new_button;
  GtkWidget *new_entry;
  GtkWidget *new_error;       /* why a title was refused */
  GtkWidget *new_icebox;
  GtkWidget *velocity_button;
  GtkWidget *velocity_value;
  GtkWidget *velocity_spin;
  GtkWidget *velocity_reset;
  GtkWidget *velocity_note;
  GtkWidget *status_box;
  GtkWidget *status_icon;
  GtkWidget *status_label;
  GtkWidget *view_menu_button;
  GtkWidget *context_menu;
  gint64 menu_story_id;       /* whose row the context menu was opened on */
  GSimpleActionGroup *actions;

  TsProject *project;
  TsApiClient *api;
  TsRealtimeClient *realtime;
  TsBacklogStore *store;
  TsLocalCopy *local_copy;    /* the account's, for the next store */
  TsOutbox *outbox;
  gboolean outbox_flushed;    /* the other projects' edits in it were taken up */
  GCancellable *cancellable;
  TsBacklogModel *model;
  GtkSliceListModel *slice;   /* the model, its first screen only while loading */
  GtkSingleSelection *selection;
  TsStoryFilter *filter;      /* the search, or NULL when not searching */
  GHashTable *delete_toasts;  /* gint64 story id → AdwToast of its held delete (not owned) */
  GHashTable *toast_times;    /* AdwToast → when it was added, in ms */
  GPtrArray *retiring;        /* stores closed once their edits are answered */
  GHashTable *retire_deadlines; /* TsBacklogStore → its deadline, in µs (G_MAXINT64: parked) */
  guint retire_timer;         /* while a retiring store has a deadline */
  TsBacklogRow *drop_row;     /* the row showing where a drag would land */
  GHashTable *bound_rows;     /* item → the TsBacklogRow the factory bound it to */
  gulong realtime_handler;
  gulong members_handler;
  char *presence_channel;     /* subscribed while a project is open */
  gint64 user_id;             /* who is signed in, not shown as present */
  gint64 wanted_project_id;   /* a story to open once its project is loaded */
  gint64 wanted_story_id;
  gulong stories_handler;
  /* Below NARROW_WIDTH the view lists one panel of the plan at a time
   * (Current, Backlog, Icebox, Done), chosen in the panel bar or with
   * Ctrl+1…4; wider, it lists them all and Ctrl+1…4 scroll to them. */
  GtkRevealer *panel_bar;
  GtkWidget *header_extras;  /* presence, connection, velocity */
  gboolean narrow;
  /* From WIDE_WIDTH, the Icebox and Done have a column of their own: a
   * second list over a second model of the same store. */
  gboolean wide;
  GtkListView *side_list;
  GtkWidget *side_scroller;
  TsBacklogModel *side_model;
  GtkSliceListModel *side_slice;
  GtkSingleSelection *side_selection;
  GdkFrameClock *first_paint_clock; /* while the lists show their first screen only */
  gulong first_paint_handler;
  gulong first_unmap_handler;
  gulong first_map_handler;   /* while the limit waits for the view on screen */
  guint narrow_idle;
  int story_count;
  gboolean banner_shown;
  gboolean updating_velocity;
};

TsBacklogModel *
ts_project_view_model_of (TsProjectView *self,
                          GtkWidget     *list);

void
ts_project_view_update_story_count (TsProjectView *self);

const char *
ts_project_view_content_page (TsProjectView *self,
                              guint          n_stories);

void
ts_project_view_add_looks_actions (TsProjectView *self);

void
ts_project_view_apply_narrow (TsProjectView *self);

void
ts_project_view_update_actions (TsProjectView *self);

void
ts_project_view_update_connection (TsProjectView *self);

/* ts-project-view-offline.c */
void
ts_project_view_attach_offline (TsProjectView  *self,
                                TsBacklogStore *store);

void
ts_project_view_flush_other_projects (TsProjectView *self);

void
ts_project_view_unpark_retiring (TsProjectView *self);

void
ts_project_view_retire_store (TsProjectView  *self,
                              TsBacklogStore *store);

void
ts_project_view_set_status_label (TsProjectView *self,
                                  const char    *label);

void
ts_project_view_set_banner_label (TsProjectView   *self,
                                  TsRealtimeState  state);

gboolean
ts_project_view_edits_are_kept (TsProjectView *self);

void
ts_project_view_rebuild (TsProjectView *self);

void
ts_project_view_refilter (TsProjectView *self);

void
ts_project_view_search_changed_cb (TsProjectView *self);

void
ts_project_view_search_mode_cb (TsProjectView *self);

void
ts_project_view_stop_search_cb (TsProjectView *self);

void
ts_project_view_search_activate_cb (TsProjectView *self);

void
ts_project_view_search_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data);

TsStory *
ts_project_view_story_for_action (TsProjectView *self,
                                  gint64         story_id);

void
ts_project_view_dismiss_toast (TsProjectView *self,
                               AdwToast      *toast);

void
ts_project_view_open_editor (TsProjectView *self,
                             gint64         story_id);

void
ts_project_view_open_wanted_story (TsProjectView *self);

void
ts_project_view_apply_layout (TsProjectView *self);

gboolean
ts_project_view_narrow_idle_cb (gpointer user_data);

void
ts_project_view_new_entry_activate_cb (TsProjectView *self);

gint64
ts_project_view_story_id_at (TsBacklogModel *model,
                             guint           position);

void
ts_project_view_init_dnd (TsProjectView *self);

void
ts_project_view_init_header (TsProjectView *self);

void ts_project_view_add_actions (TsProjectView *self);

/* The lists' first screen before the rest (-first.c). */
GtkSingleSelection *
ts_project_view_new_selection (TsBacklogModel     *model,
                               GtkSliceListModel **slice);

void
ts_project_view_show_first_screen (TsProjectView *self);

void
ts_project_view_show_all_rows (TsProjectView *self);

void
ts_project_view_focus_content (TsProjectView *self);

void
ts_project_view_init_focus (TsProjectView *self);

gpointer
ts_project_view_get_selected_item (TsProjectView *self);

void
ts_project_view_select_acted_on (TsProjectView *self,
                                 gint64         story_id);

/* The moves of one story (-moves.c) and its row's menu (-menu.c). */
typedef enum {
  TS_STORY_PANEL_NONE,     /* Done, or not on the server yet */
  TS_STORY_PANEL_PLANNED,  /* Current and the Backlog: one priority list */
  TS_STORY_PANEL_ICEBOX,
} TsStoryPanel;

void ts_project_view_add_move_actions (TsProjectView *self);

void ts_project_view_add_menu_actions (TsProjectView *self);

/* ts-project-view-tracker.c */
void ts_project_view_add_tracker_actions (TsProjectView *self);

void
ts_project_view_init_row_menu (TsProjectView *self);

TsStoryPanel
ts_project_view_story_panel (TsProjectView *self,
                             gint64         story_id,
                             gboolean      *out_first);

gint64
ts_project_view_focused_story_id (TsProjectView *self);

gint64
ts_project_view_newest_story_id (TsBacklogStore *store,
                                 const char     *title);
void
ts_project_view_select_when_made (TsProjectView *self,
                                  gint64         temporary_id,
                                  const char    *title,
                                  gint64         newest_id);
void
ts_project_view_focus_story (TsProjectView *self,
                             gint64         story_id);

TsStoryFields
ts_project_view_type_change (TsProjectView *self,
                             TsStory       *story,
                             TsStoryType    type,
                             TsStory      **values);

gboolean
ts_project_view_set_type (TsProjectView *self,
                          gint64         story_id,
                          TsStoryType    type);

G_END_DECLS
