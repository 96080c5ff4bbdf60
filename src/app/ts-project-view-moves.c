/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-project-view"

#include "ts-project-view-private.h"

#include <glib/gi18n.h>

#include "ts-workflow.h"

/* The moves a planner makes on one story, from the keyboard (Alt+↑/↓,
 * Alt+Home/End) and from its row's menu (Move to Top, Move to Icebox,
 * Move to Backlog, Type, Duplicate).
 *
 * A move is one move request placed by one neighbour, made as a drop is
 * (ts_backlog_store_drop_story()), so Undo takes it back as it takes back
 * a drag. The neighbours are the panel's stories in priority order, read
 * from the plan and the store, not from the list on screen: Current and
 * the Backlog are one list, the Icebox another, whatever a narrow window
 * or a search shows of them. Done is no
 * list to reorder (its order is when stories were accepted): a move there
 * is refused with the error bell and sends nothing. */

/* Adds the stories of @story_ids that the person sees (not a held delete,
 * not one being created). */
static void
add_stories (TsProjectView *self,
             GHashTable    *members,
             const gint64  *story_ids,
             guint          n_stories)
{
  for (guint i = 0; i < n_stories; i++)
    if (story_ids[i] > 0 && !ts_backlog_store_is_held (self->store, story_ids[i]))
      g_hash_table_add (members, (gpointer) &story_ids[i]);
}

/* The stories of @members in the project's priority order. */
static void
in_priority_order (TsProjectView *self,
                   GHashTable    *members,
                   GArray        *ids)
{
  GListModel *stories = ts_backlog_store_get_stories (self->store);
  guint n = g_list_model_get_n_items (stories);

  for (guint i = 0; i < n && ids->len < g_hash_table_size (members); i++)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, i);
      gint64 id = ts_story_get_id (story);

      if (g_hash_table_contains (members, &id))
        g_array_append_val (ids, id);
    }
}

/* Current and the Backlog, in priority order. Not in the order shown:
 * Current shows work in progress first whatever its priority, and a story
 * can never go above it there; one place up means one place in the
 * order the server keeps, so that every move changes it. */
static void
planned_stories (TsProjectView *self,
                 TsPlan        *plan,
                 GArray        *ids)
{
  g_autoptr(GHashTable) members = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint n_iterations = ts_plan_get_n_iterations (plan);

  for (guint i = 0; i < n_iterations; i++)
    {
      const TsPlanIteration *iteration = ts_plan_get_iteration (plan, i);

      add_stories (self, members, iteration->story_ids, iteration->n_stories);
    }
  in_priority_order (self, members, ids);
}

static void
icebox_stories (TsProjectView *self,
                TsPlan        *plan,
                GArray        *ids)
{
  g_autoptr(GHashTable) members = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint n_icebox;
  const gint64 *icebox = ts_plan_get_icebox (plan, &n_icebox);

  add_stories (self, members, icebox, n_icebox);
  in_priority_order (self, members, ids);
}

static gboolean
find_id (GArray *ids,
         gint64  story_id,
         guint  *out_index)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == story_id)
      {
        *out_index = i;
        return TRUE;
      }
  return FALSE;
}

/* The panel @story_id is in, its stories in @ids (in the plan's order)
 * and its place among them in @out_index. */
static TsStoryPanel
panel_of (TsProjectView *self,
          gint64         story_id,
          GArray        *ids,
          guint         *out_index)
{
  TsPlan *plan;

  g_array_set_size (ids, 0);
  if (self->store == NULL || story_id <= 0 ||
      ts_backlog_store_get_status (self->store) != TS_BACKLOG_STORE_READY)
    return TS_STORY_PANEL_NONE;
  /* The plan of every change made so far: two quick presses move twice. */
  ts_backlog_store_flush (self->store);
  plan = ts_backlog_store_get_plan (self->store);
  if (plan == NULL)
    return TS_STORY_PANEL_NONE;
  planned_stories (self, plan, ids);
  if (find_id (ids, story_id, out_index))
    return TS_STORY_PANEL_PLANNED;
  g_array_set_size (ids, 0);
  icebox_stories (self, plan, ids);
  if (find_id (ids, story_id, out_index))
    return TS_STORY_PANEL_ICEBOX;
  g_array_set_size (ids, 0);
  return TS_STORY_PANEL_NONE;
}

/**
 * ts_project_view_story_panel:
 * @out_first: (out) (optional): whether it is the first of its panel
 *
 * Returns: the panel @story_id is in, for its menu
 */
TsStoryPanel
ts_project_view_story_panel (TsProjectView *self,
                             gint64         story_id,
                             gboolean      *out_first)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint index = 0;
  TsStoryPanel panel = panel_of (self, story_id, ids, &index);

  if (out_first != NULL)
    *out_first = panel != TS_STORY_PANEL_NONE && index == 0;
  return panel;
}

/* Keyboard focus */

typedef struct {
  TsProjectView *self;
  gint64 story_id;
  guint frames;
} FocusWait;

/* Selects @story_id in @list and, once its row is made, gives that row the
 * keyboard focus. */
static gboolean
focus_in (TsProjectView *self,
          GtkListView   *list,
          gint64         story_id,
          gboolean       scroll)
{
  TsBacklogModel *model = ts_project_view_model_of (self, GTK_WIDGET (list));
  GtkSingleSelection *selection = list == self->side_list ? self->side_selection : self->selection;
  g_autoptr(GObject) item = NULL;
  TsBacklogRow *row;
  guint position;

  if (!gtk_widget_get_mapped (GTK_WIDGET (list)) ||
      !ts_backlog_model_find_story (model, story_id, &position))
    return FALSE;
  if (gtk_single_selection_get_selected (selection) != position)
    gtk_single_selection_set_selected (selection, position);
  if (scroll)
    gtk_widget_activate_action (GTK_WIDGET (list), "list.scroll-to-item", "u", position);
  item = g_list_model_get_item (G_LIST_MODEL (model), position);
  row = g_hash_table_lookup (self->bound_rows, item);
  /* The row's parent is the list's own item widget, which takes the
   * focus as the arrow keys give it. */
  if (row == NULL || gtk_widget_get_parent (GTK_WIDGET (row)) == NULL)
    return FALSE;
  gtk_widget_grab_focus (gtk_widget_get_parent (GTK_WIDGET (row)));
  return TRUE;
}

static gboolean
focus_story_now (TsProjectView *self,
                 gint64         story_id,
                 gboolean       scroll)
{
  return focus_in (self, self->list_view, story_id, scroll) ||
         focus_in (self, self->side_list, story_id, scroll);
}

/* A scrolled-to row is made at the next layout: wait for it, a few frames
 * at most. */
static gboolean
focus_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  FocusWait *wait = user_data;

  if (wait->self->store == NULL)
    return G_SOURCE_REMOVE;
  return focus_story_now (wait->self, wait->story_id, FALSE) || ++wait->frames > 10
           ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/**
 * ts_project_view_focus_story:
 *
 * Selects @story_id where it is listed now, scrolls to it and gives its row
 * the keyboard focus, so that the next key (another move, Space, Menu)
 * acts on the same story.
 */
void
ts_project_view_focus_story (TsProjectView *self,
                             gint64         story_id)
{
  FocusWait *wait;

  if (focus_story_now (self, story_id, TRUE))
    return;
  wait = g_new0 (FocusWait, 1);
  wait->self = self;
  wait->story_id = story_id;
  gtk_widget_add_tick_callback (GTK_WIDGET (self), focus_tick_cb, wait, g_free);
}

/* Which story the keys act on: the selected one of the list the keyboard
 * is in (the Icebox's column in a wide window, else the main list). */
gint64
ts_project_view_focused_story_id (TsProjectView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean side = self->wide && focus != NULL &&
                  gtk_widget_is_ancestor (focus, GTK_WIDGET (self->side_list));
  GtkSingleSelection *selections[2] = { self->selection, self->side_selection };

  for (guint i = 0; i < 2; i++)
    {
      gpointer item = gtk_single_selection_get_selected_item (selections[side ? 1 - i : i]);

      if (TS_IS_BACKLOG_ITEM (item) && ts_backlog_item_get_id (item) > 0)
        return ts_backlog_item_get_id (item);
    }
  return 0;
}

/* Moving */

static void
send_move (TsProjectView       *self,
           gint64               story_id,
           const TsMoveRequest *move)
{
  ts_backlog_store_drop_story (self->store, story_id, move);
  ts_backlog_store_flush (self->store);
  ts_project_view_focus_story (self, story_id);
}

typedef enum {
  MOVE_UP,
  MOVE_DOWN,
  MOVE_TOP,
  MOVE_BOTTOM,
} MoveKind;

static gboolean
move_kind_from_string (const char *name,
                       MoveKind   *out_kind)
{
  static const char * const names[] = { "up", "down", "top", "bottom" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      {
        *out_kind = (MoveKind) i;
        return TRUE;
      }
  return FALSE;
}

/* One place up or down its panel, or to its top or bottom: one move
 * request. FALSE (and nothing sent) in Done, or where it already is. */
static gboolean
move_in_panel (TsProjectView *self,
               gint64         story_id,
               MoveKind       kind)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  TsMoveRequest move = { 0, };
  guint index;

  if (panel_of (self, story_id, ids, &index) == TS_STORY_PANEL_NONE)
    return FALSE;
  if ((kind == MOVE_UP || kind == MOVE_TOP) && index == 0)
    return FALSE;
  if ((kind == MOVE_DOWN || kind == MOVE_BOTTOM) && index + 1 >= ids->len)
    return FALSE;

  switch (kind)
    {
    case MOVE_UP:
      move.before_id = g_array_index (ids, gint64, index - 1);
      break;
    case MOVE_DOWN:
      move.after_id = g_array_index (ids, gint64, index + 1);
      break;
    case MOVE_TOP:
      move.before_id = g_array_index (ids, gint64, 0);
      break;
    case MOVE_BOTTOM:
    default:
      move.after_id = g_array_index (ids, gint64, ids->len - 1);
      break;
    }
  send_move (self, story_id, &move);
  return TRUE;
}

static void
move_selected_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  TsProjectView *self = user_data;
  MoveKind kind;

  if (!move_kind_from_string (g_variant_get_string (parameter, NULL), &kind) ||
      !move_in_panel (self, ts_project_view_focused_story_id (self), kind))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
move_to_top_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TsProjectView *self = user_data;

  if (!move_in_panel (self, g_variant_get_int64 (parameter), MOVE_TOP))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

/* The last story of the project in priority order but @story_id: any
 * place will do for the only story of a panel. */
static gint64
last_other_story (TsProjectView *self,
                  gint64         story_id)
{
  GListModel *stories = ts_backlog_store_get_stories (self->store);

  for (guint i = g_list_model_get_n_items (stories); i > 0; i--)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, i - 1);
      gint64 id = ts_story_get_id (story);

      if (id > 0 && id != story_id && !ts_backlog_store_is_held (self->store, id))
        return id;
    }
  return 0;
}

/* Into the other panel, in the same request: @state, placed by @move
 * (or anywhere when the panel is empty). */
static gboolean
move_across (TsProjectView *self,
             gint64         story_id,
             TsStoryState   state,
             TsMoveRequest *move)
{
  TsStory *story = ts_project_view_story_for_action (self, story_id);

  if (story == NULL ||
      !ts_story_state_change_allowed (ts_story_get_story_type (story), ts_story_get_state (story),
                                      state))
    return FALSE;
  move->has_state = TRUE;
  move->state = state;
  if (move->before_id == 0 && move->after_id == 0)
    move->after_id = last_other_story (self, story_id);
  if (move->before_id == 0 && move->after_id == 0)
    {
      /* The project's only story: its state alone says where it is. */
      ts_backlog_store_change_state (self->store, story_id, state);
      ts_backlog_store_flush (self->store);
      ts_project_view_focus_story (self, story_id);
      return TRUE;
    }
  send_move (self, story_id, move);
  return TRUE;
}

/* To the top of the Icebox, where the next look at it starts. */
static void
move_to_icebox_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  TsProjectView *self = user_data;
  gint64 story_id = g_variant_get_int64 (parameter);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  TsMoveRequest move = { 0, };
  guint index;

  if (panel_of (self, story_id, ids, &index) != TS_STORY_PANEL_PLANNED)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  g_array_set_size (ids, 0);
  icebox_stories (self, ts_backlog_store_get_plan (self->store), ids);
  if (ids->len > 0)
    move.before_id = g_array_index (ids, gint64, 0);
  if (!move_across (self, story_id, TS_STORY_STATE_UNSCHEDULED, &move))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

/* To the end of the Backlog, as a new story goes: planned work already
 * there keeps its iteration. Move to Top or Alt+Home from there. */
static void
move_to_backlog_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TsProjectView *self = user_data;
  gint64 story_id = g_variant_get_int64 (parameter);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  TsMoveRequest move = { 0, };
  guint index;

  if (panel_of (self, story_id, ids, &index) != TS_STORY_PANEL_ICEBOX)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  g_array_set_size (ids, 0);
  planned_stories (self, ts_backlog_store_get_plan (self->store), ids);
  if (ids->len > 0)
    move.after_id = g_array_index (ids, gint64, ids->len - 1);
  if (!move_across (self, story_id, TS_STORY_STATE_UNSTARTED, &move))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

/* Type */

/**
 * ts_project_view_type_change:
 * @values: (out caller-allocates): the story as it would be
 *
 * What changing @story's type to @type changes besides: a release has no
 * estimate and only a release has a deadline, as in the editor. A chore
 * or a bug keeps its estimate (the server keeps it; it counts when the
 * project points bugs and chores).
 *
 * Returns: the fields to send, or 0 when the workflow refuses the type
 *   (a finished feature cannot be a chore, a started one not a release)
 */
TsStoryFields
ts_project_view_type_change (TsProjectView *self,
                             TsStory       *story,
                             TsStoryType    type,
                             TsStory      **values)
{
  TsProject *project = ts_backlog_store_get_project (self->store);
  TsStoryFields fields = TS_STORY_FIELD_TYPE;
  g_autoptr(TsStory) after = ts_story_copy (story);

  ts_story_set_story_type (after, type);
  if (type == TS_STORY_TYPE_RELEASE && ts_story_has_estimate (after))
    {
      ts_story_set_estimate (after, TS_ESTIMATE_NONE);
      fields |= TS_STORY_FIELD_ESTIMATE;
    }
  if (type != TS_STORY_TYPE_RELEASE && ts_story_get_deadline (after) != TS_DAY_NONE)
    {
      ts_story_set_deadline (after, TS_DAY_NONE);
      fields |= TS_STORY_FIELD_DEADLINE;
    }
  if (!ts_story_check_change (story, after, ts_project_get_point_scale (project), NULL))
    return 0;
  if (values != NULL)
    *values = g_steal_pointer (&after);
  return fields;
}

/**
 * ts_project_view_set_type:
 *
 * Changes a story's type in one request, with what goes with it.
 *
 * Returns: whether it was sent (not when it already has that type, or the
 *   workflow refuses it)
 */
gboolean
ts_project_view_set_type (TsProjectView *self,
                          gint64         story_id,
                          TsStoryType    type)
{
  TsStory *story = ts_project_view_story_for_action (self, story_id);
  g_autoptr(TsStory) values = NULL;
  TsStoryFields fields;

  if (story == NULL || ts_story_get_story_type (story) == type)
    return FALSE;
  fields = ts_project_view_type_change (self, story, type, &values);
  if (fields == 0)
    return FALSE;
  ts_backlog_store_update_story (self->store, story_id, fields, values);
  return TRUE;
}

/* Duplicate */

/* "Title (copy)", so that the two can be told apart in the list and in a
 * search; the same title when the longer one would be too long. */
static char *
copy_title (const char *title)
{
  /* TRANSLATORS: the title of a duplicated story; %s is the original's */
  g_autofree char *copy = g_strdup_printf (_("%s (copy)"), title);

  return ts_check_story_title (copy, NULL) ? g_steal_pointer (&copy) : g_strdup (title);
}

/* A story made here (a copy, a new story) is shown at once under a
 * temporary id, which is gone when the server answers: the story comes
 * back as a new item with its real id, and the selection, on the
 * temporary item, was lost with it (after Duplicate the keys then acted
 * on the original, which the closed menu had focused). Wait for the
 * answer and select the story under its real id: the newest story of its
 * title made since (ids only grow). */
typedef struct {
  TsProjectView *self;
  TsBacklogStore *store;
  gint64 temporary_id;
  gint64 newest_id;   /* the highest id before it was made */
  char *title;
  guint frames;
} MadeWait;

static void
made_wait_free (gpointer data)
{
  MadeWait *wait = data;

  g_object_unref (wait->store);
  g_free (wait->title);
  g_free (wait);
}

/**
 * ts_project_view_newest_story_id:
 * @title: (nullable): only stories of this title
 *
 * Returns: the highest story id (of @title), or 0
 */
gint64
ts_project_view_newest_story_id (TsBacklogStore *store,
                                 const char     *title)
{
  GListModel *stories = ts_backlog_store_get_stories (store);
  gint64 newest = 0;

  for (guint i = 0; i < g_list_model_get_n_items (stories); i++)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, i);

      if ((title == NULL || g_strcmp0 (ts_story_get_title (story), title) == 0) &&
          ts_story_get_id (story) > newest)
        newest = ts_story_get_id (story);
    }
  return newest;
}

static gboolean
typing_elsewhere (TsProjectView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL &&
         (GTK_IS_EDITABLE (focus) || gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL);
}

static gboolean
made_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  MadeWait *wait = user_data;
  gint64 made_id;

  /* Another project, or no answer within about ten seconds. */
  if (wait->self->store != wait->store || ++wait->frames > 600)
    return G_SOURCE_REMOVE;
  if (ts_backlog_store_lookup (wait->store, wait->temporary_id) != NULL)
    return G_SOURCE_CONTINUE;
  made_id = ts_project_view_newest_story_id (wait->store, wait->title);
  /* Refused, it is gone without a story: the selection stays. Nor is the
   * focus taken from a text field or a popover the person went on to
   * (the next New Story, typed before a slow server answered). */
  if (made_id > wait->newest_id && !typing_elsewhere (wait->self))
    ts_project_view_focus_story (wait->self, made_id);
  return G_SOURCE_REMOVE;
}

/**
 * ts_project_view_select_when_made:
 * @temporary_id: the id ts_backlog_store_create_story() returned
 * @newest_id: ts_project_view_newest_story_id() before the create
 *
 * Selects and focuses the story made as @temporary_id under its real id
 * once the server has answered.
 */
void
ts_project_view_select_when_made (TsProjectView *self,
                                  gint64         temporary_id,
                                  const char    *title,
                                  gint64         newest_id)
{
  MadeWait *wait = g_new0 (MadeWait, 1);

  wait->self = self;
  wait->store = g_object_ref (self->store);
  wait->temporary_id = temporary_id;
  wait->newest_id = newest_id;
  wait->title = g_strdup (title);
  gtk_widget_add_tick_callback (GTK_WIDGET (self), made_tick_cb, wait, made_wait_free);
}

/**
 * ts_project_view_duplicate:
 *
 * Creates a copy of a story right below it: its title with " (copy)", its
 * type, estimate, description and labels, not started (in the Icebox when
 * the original is). One create request, placed by the original.
 *
 * Returns: the copy's id (temporary until the server answers), or 0
 */
gint64
ts_project_view_duplicate (TsProjectView *self,
                           gint64         story_id)
{
  TsStory *story = ts_project_view_story_for_action (self, story_id);
  g_autoptr(TsStoryPatch) patch = NULL;
  g_autofree char *title = NULL;
  TsMoveRequest placement = { 0, };
  gboolean icebox;
  gint64 newest;
  gint64 id;

  if (story == NULL || ts_backlog_store_get_status (self->store) != TS_BACKLOG_STORE_READY)
    return 0;
  icebox = ts_story_get_state (story) == TS_STORY_STATE_UNSCHEDULED;
  title = copy_title (ts_story_get_title (story));
  patch = ts_story_patch_new ();
  patch->fields = TS_STORY_FIELD_TITLE | TS_STORY_FIELD_TYPE | TS_STORY_FIELD_STATE |
                  TS_STORY_FIELD_DESCRIPTION | TS_STORY_FIELD_LABELS;
  ts_story_set_title (patch->values, title);
  ts_story_set_story_type (patch->values, ts_story_get_story_type (story));
  ts_story_set_state (patch->values, icebox ? TS_STORY_STATE_UNSCHEDULED
                                            : TS_STORY_STATE_UNSTARTED);
  ts_story_set_description (patch->values, ts_story_get_description (story));
  ts_story_set_labels (patch->values, ts_story_get_labels (story));
  if (ts_story_has_estimate (story))
    {
      patch->fields |= TS_STORY_FIELD_ESTIMATE;
      ts_story_set_estimate (patch->values, ts_story_get_estimate (story));
    }
  placement.after_id = story_id;
  newest = ts_project_view_newest_story_id (self->store, NULL);
  id = ts_backlog_store_create_story (self->store, patch, &placement);
  ts_backlog_store_flush (self->store);
  ts_project_view_focus_story (self, id);
  ts_project_view_select_when_made (self, id, title, newest);
  return id;
}

static void
duplicate_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  if (ts_project_view_duplicate (user_data, g_variant_get_int64 (parameter)) == 0)
    gtk_widget_error_bell (GTK_WIDGET (user_data));
}

static void
set_type_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  gint64 story_id;
  int type;

  g_variant_get (parameter, "(xi)", &story_id, &type);
  if (type < TS_STORY_TYPE_FEATURE || type > TS_STORY_TYPE_RELEASE ||
      !ts_project_view_set_type (user_data, story_id, (TsStoryType) type))
    gtk_widget_error_bell (GTK_WIDGET (user_data));
}

static const GActionEntry move_actions[] = {
  { "move-selected", move_selected_action, "s", NULL, NULL, { 0 } },
  { "move-to-top", move_to_top_action, "x", NULL, NULL, { 0 } },
  { "move-to-icebox", move_to_icebox_action, "x", NULL, NULL, { 0 } },
  { "move-to-backlog", move_to_backlog_action, "x", NULL, NULL, { 0 } },
  { "set-type", set_type_action, "(xi)", NULL, NULL, { 0 } },
  { "duplicate", duplicate_action, "x", NULL, NULL, { 0 } },
};

void
ts_project_view_add_move_actions (TsProjectView *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), move_actions,
                                   G_N_ELEMENTS (move_actions), self);
}
