/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-model"

#include "ts-backlog-model.h"

#include <string.h>

/*
 * TsBacklogModel: the planned backlog as one flat list, for a GtkListView
 * on GTK 4.8 (which has no section headers): TsBacklogSection headers and
 * a TsBacklogItem per story, in the order people read them: Done (folded
 * unless opened), Current, the future iterations, the Icebox. It uses no
 * GTK, and it is the one list the window watches: it follows its store by
 * itself (plans, held deletes, members, marks of others' changes), and each
 * item announces everything its row shows (see TsBacklogItem).
 *
 * Panels are a mask: a narrow window lists one part of the plan, a wide
 * one lists Current and the Backlog in one model and the Icebox and Done in
 * a second model of the same store.
 *
 * It is remade from each plan, and the difference from the list shown is
 * announced as precise items-changed ranges: a story that moved is one
 * removal and one insertion, a header whose figures changed is replaced in
 * place, everything else stays, so that the list view keeps its scroll
 * position, its selection and the rows it has bound.
 *
 * While a search filter is set, only the stories it lets through are
 * listed, under the headers of their iterations (Done ones included,
 * opened); a section with no such story is left out, headers and all.
 */

/* Past this many separate changes, the rest of the list is announced as
 * one replacement (a reload, a new sort): cheaper than thousands of
 * signals, and nothing can be kept anyway. */
#define MAX_PRECISE_CHANGES 256

struct _TsBacklogModel
{
  GObject parent_instance;

  TsBacklogStore *store;
  gulong store_handlers[4];
  TsPlan *plan;
  GPtrArray *items;               /* TsBacklogItem and TsBacklogSection, owned */
  GHashTable *by_id;              /* story id → its TsBacklogItem, while listed */
  GHashTable *releases;           /* story id → const TsReleaseProjection * */
  TsBacklogItemPlace facts;       /* the project's facts for this build */
  TsBacklogModelFilterFunc filter;
  gpointer filter_data;
  gboolean hide_empty;
  TsBacklogPanels panels;         /* which parts of the plan are listed */
  gboolean done_expanded;
  guint n_changes;                /* items-changed emitted by the last rebuild */
};

static void ts_backlog_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TsBacklogModel, ts_backlog_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ts_backlog_model_list_model_init))

static GType
ts_backlog_model_get_item_type (GListModel *model)
{
  return G_TYPE_OBJECT;
}

static guint
ts_backlog_model_get_n_items (GListModel *model)
{
  return TS_BACKLOG_MODEL (model)->items->len;
}

static gpointer
ts_backlog_model_get_item (GListModel *model,
                           guint       position)
{
  TsBacklogModel *self = TS_BACKLOG_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ts_backlog_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ts_backlog_model_get_item_type;
  iface->get_n_items = ts_backlog_model_get_n_items;
  iface->get_item = ts_backlog_model_get_item;
}

static void disconnect_store (TsBacklogModel *self);
static void forget_items (TsBacklogModel *self);

static void
ts_backlog_model_dispose (GObject *object)
{
  TsBacklogModel *self = TS_BACKLOG_MODEL (object);

  disconnect_store (self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->plan, ts_plan_unref);
  g_clear_pointer (&self->releases, g_hash_table_unref);
  if (self->items != NULL)
    g_ptr_array_set_size (self->items, 0);
  if (self->by_id != NULL)
    forget_items (self);

  G_OBJECT_CLASS (ts_backlog_model_parent_class)->dispose (object);
}

static void
ts_backlog_model_finalize (GObject *object)
{
  TsBacklogModel *self = TS_BACKLOG_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);

  G_OBJECT_CLASS (ts_backlog_model_parent_class)->finalize (object);
}

static void
ts_backlog_model_class_init (TsBacklogModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_backlog_model_dispose;
  object_class->finalize = ts_backlog_model_finalize;
}

static void
ts_backlog_model_init (TsBacklogModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->releases = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->hide_empty = FALSE;
  self->panels = TS_BACKLOG_PANELS_ALL;
}

TsBacklogModel *
ts_backlog_model_new (void)
{
  return g_object_new (TS_TYPE_BACKLOG_MODEL, NULL);
}

/* Items */

/* The owners as the members name them now. */
static void
name_owners (TsBacklogModel *self,
             TsBacklogItem  *item)
{
  TsStory *story = ts_backlog_item_get_story (item);
  guint n_owners;
  const gint64 *owners = ts_story_get_owner_ids (story, &n_owners);
  const char *names[n_owners + 1];

  if (n_owners == 0 && ts_backlog_item_get_owner_names (item)[0] == NULL)
    return;
  for (guint i = 0; i < n_owners; i++)
    {
      TsUser *user = self->store != NULL ? ts_backlog_store_lookup_member (self->store, owners[i])
                                         : NULL;

      names[i] = user != NULL && ts_user_get_name (user) != NULL ? ts_user_get_name (user) : "";
    }
  names[n_owners] = NULL;
  ts_backlog_item_set_owner_names (item, names);
}

static void
item_namer (TsBacklogItem *item,
            gpointer       user_data)
{
  name_owners (user_data, item);
}

static void
forget_items (TsBacklogModel *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    ts_backlog_item_set_namer (item, NULL, NULL);
  g_hash_table_remove_all (self->by_id);
}

/* The item of @story, made the first time it is listed. */
static TsBacklogItem *
item_for (TsBacklogModel *self,
          TsStory        *story)
{
  gint64 id = ts_story_get_id (story);
  TsBacklogItem *item = g_hash_table_lookup (self->by_id, &id);

  if (item != NULL && ts_backlog_item_get_story (item) == story)
    return item;
  if (item != NULL)
    ts_backlog_item_set_namer (item, NULL, NULL);
  item = ts_backlog_item_new (story);
  g_hash_table_replace (self->by_id, g_memdup2 (&id, sizeof id), item);
  name_owners (self, item);
  ts_backlog_item_set_highlighted (item, ts_backlog_store_is_marked (self->store, id));
  ts_backlog_item_set_namer (item, item_namer, self);
  return item;
}

/* Items of stories no longer listed are let go. */
static void
sweep_items (TsBacklogModel *self)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer item;

  for (guint i = 0; i < self->items->len; i++)
    g_hash_table_add (listed, g_ptr_array_index (self->items, i));
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    if (!g_hash_table_contains (listed, item))
      {
        ts_backlog_item_set_namer (item, NULL, NULL);
        g_hash_table_iter_remove (&iter);
      }
}

/* Making the new list. */

static guint64
section_key (TsBacklogSectionKind kind,
             guint                number)
{
  return ((guint64) kind << 32) | number;
}

typedef struct {
  TsBacklogModel *self;
  GPtrArray *items;        /* the new list, owned */
  GHashTable *old_sections; /* key → TsBacklogSection shown now */
} Builder;

/* The section shown now when it is the same, so that its row stays. */
static void
add_section (Builder          *builder,
             TsBacklogSection *section)
{
  guint64 key = section_key (section->kind, section->number);
  TsBacklogSection *old = g_hash_table_lookup (builder->old_sections, &key);

  if (old != NULL && ts_backlog_section_equal (old, section))
    {
      g_ptr_array_add (builder->items, g_object_ref (old));
      g_object_unref (section);
    }
  else
    g_ptr_array_add (builder->items, section);
}

/* The story of @id when it is to be shown. */
static TsStory *
shown_story (TsBacklogModel *self,
             gint64          id)
{
  TsStory *story;

  if (ts_backlog_store_is_held (self->store, id))
    return NULL;
  story = ts_backlog_store_lookup (self->store, id);
  if (story != NULL && self->filter != NULL && !self->filter (story, self->filter_data))
    return NULL;
  return story;
}

/* How many of @ids are deletes waiting for their undo: the Icebox counts
 * its stories without them, as it shows them. */
static guint
count_hidden (TsBacklogModel *self,
              const gint64   *ids,
              guint           n_ids)
{
  guint n = 0;

  for (guint i = 0; i < n_ids; i++)
    if (ts_backlog_store_is_held (self->store, ids[i]))
      n++;
  return n;
}

/* Whether a filtered section shows anything: without a filter, every
 * section is shown. */
static gboolean
any_shown (TsBacklogModel *self,
           const gint64   *ids,
           guint           n_ids)
{
  if (self->filter == NULL)
    return TRUE;
  for (guint i = 0; i < n_ids; i++)
    if (shown_story (self, ids[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
add_stories (Builder      *builder,
             const gint64 *ids,
             guint         n_ids,
             guint         iteration)
{
  TsBacklogModel *self = builder->self;
  TsBacklogItemPlace place = self->facts;

  place.iteration = iteration;
  for (guint i = 0; i < n_ids; i++)
    {
      TsStory *story = shown_story (self, ids[i]);
      const TsReleaseProjection *release;
      TsBacklogItem *item;

      if (story == NULL)
        continue;
      item = item_for (self, story);
      release = g_hash_table_lookup (self->releases, &ids[i]);
      place.release_date = release != NULL ? release->projected_date : TS_DAY_NONE;
      place.late = release != NULL && release->late;
      ts_backlog_item_update (item, &place);
      g_ptr_array_add (builder->items, g_object_ref (item));
    }
}

static void
add_iteration (Builder               *builder,
               TsBacklogSectionKind   kind,
               const TsPlanIteration *iteration,
               guint                  current)
{
  TsBacklogSection *section;

  if (!any_shown (builder->self, iteration->story_ids, iteration->n_stories))
    return;
  section = ts_backlog_section_new (kind, iteration->number);
  section->current = kind == TS_BACKLOG_SECTION_ITERATION && iteration->number == current;
  section->start = iteration->start;
  section->finish = iteration->finish;
  section->capacity = iteration->capacity;
  section->points = iteration->points;
  section->team_strength = iteration->team_strength;
  section->n_stories = iteration->n_stories;
  add_section (builder, section);
  add_stories (builder, iteration->story_ids, iteration->n_stories,
               kind == TS_BACKLOG_SECTION_ITERATION ? iteration->number : 0);
}

static GPtrArray *
build (TsBacklogModel *self)
{
  Builder builder = { self, g_ptr_array_new_with_free_func (g_object_unref), NULL };
  TsPlan *plan = self->plan;
  guint n_done, n_iterations, current;
  const gint64 *icebox;
  guint n_icebox;
  gboolean done_shown;
  TsBacklogSection *section;

  builder.old_sections = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < self->items->len; i++)
    {
      TsBacklogSection *old = g_ptr_array_index (self->items, i);
      guint64 *key;

      if (!TS_IS_BACKLOG_SECTION (old))
        continue;
      key = g_new (guint64, 1);
      *key = section_key (old->kind, old->number);
      g_hash_table_insert (builder.old_sections, key, old);
    }

  if (plan == NULL)
    {
      g_hash_table_unref (builder.old_sections);
      return builder.items;
    }

  n_done = ts_plan_get_n_done (plan);
  current = ts_plan_get_current_iteration (plan);
  done_shown = n_done > 0 && self->filter == NULL && (self->panels & TS_BACKLOG_PANEL_DONE);
  for (guint i = 0; i < n_done && !done_shown && (self->panels & TS_BACKLOG_PANEL_DONE); i++)
    {
      const TsPlanIteration *iteration = ts_plan_get_done (plan, i);

      done_shown = any_shown (self, iteration->story_ids, iteration->n_stories);
    }
  if (done_shown)
    {
      /* Alone in its panel, Done shows what it holds. */
      gboolean expanded = self->done_expanded || self->filter != NULL ||
                          self->panels == TS_BACKLOG_PANEL_DONE;
      guint points = 0;

      for (guint i = 0; i < n_done; i++)
        points += ts_plan_get_done (plan, i)->points;
      /* number is 0: one Done summary, whatever the count. */
      section = ts_backlog_section_new (TS_BACKLOG_SECTION_DONE, 0);
      section->n_stories = n_done;
      section->points = points;
      section->expanded = expanded;
      add_section (&builder, section);
      if (expanded)
        for (guint i = 0; i < n_done; i++)
          add_iteration (&builder, TS_BACKLOG_SECTION_DONE_ITERATION, ts_plan_get_done (plan, i),
                         current);
    }

  n_iterations = ts_plan_get_n_iterations (plan);
  for (guint i = 0; i < n_iterations; i++)
    {
      const TsPlanIteration *iteration = ts_plan_get_iteration (plan, i);

      if (self->hide_empty && iteration->n_stories == 0 && iteration->number != current)
        continue;
      if (!(self->panels & (iteration->number == current ? TS_BACKLOG_PANEL_CURRENT
                                                          : TS_BACKLOG_PANEL_BACKLOG)))
        continue;
      add_iteration (&builder, TS_BACKLOG_SECTION_ITERATION, iteration, current);
    }

  icebox = ts_plan_get_icebox (plan, &n_icebox);
  if ((self->panels & TS_BACKLOG_PANEL_ICEBOX) && any_shown (self, icebox, n_icebox))
    {
      section = ts_backlog_section_new (TS_BACKLOG_SECTION_ICEBOX, 0);
      section->n_stories = n_icebox - count_hidden (self, icebox, n_icebox);
      add_section (&builder, section);
      add_stories (&builder, icebox, n_icebox, 0);
    }

  g_hash_table_unref (builder.old_sections);
  return builder.items;
}

/* Announcing the difference. */

typedef struct {
  TsBacklogModel *self;
  gboolean pending;
  guint position;
  guint removed;
  guint added;
} Changes;

static void
changes_flush (Changes *changes)
{
  if (!changes->pending)
    return;
  changes->pending = FALSE;
  changes->self->n_changes++;
  g_list_model_items_changed (G_LIST_MODEL (changes->self), changes->position, changes->removed,
                              changes->added);
}

/* Item @position of the list is about to be removed or inserted: announced
 * with the change before it when they touch. A change that does not touch
 * it is announced first, while the list is still in the state it leads to. */
static void
changes_add (Changes *changes,
             guint    position,
             guint    removed,
             guint    added)
{
  if (changes->pending && position == changes->position + changes->added)
    {
      changes->removed += removed;
      changes->added += added;
      return;
    }
  changes_flush (changes);
  changes->pending = TRUE;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

/* Turns self->items into @next step by step. Each announcement is made
 * while the list is exactly in the state it describes (changes_add() is
 * called before the list changes, and flushes the one before). */
static void
apply (TsBacklogModel *self,
       GPtrArray      *next)
{
  GPtrArray *cur = self->items;
  g_autoptr(GHashTable) next_index = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) in_cur = g_hash_table_new (NULL, NULL);
  Changes changes = { self, FALSE, 0, 0, 0 };
  guint n_ops = 0;
  guint i = 0;

  for (guint k = 0; k < next->len; k++)
    g_hash_table_insert (next_index, g_ptr_array_index (next, k), GUINT_TO_POINTER (k + 1));
  for (guint k = 0; k < cur->len; k++)
    g_hash_table_add (in_cur, g_ptr_array_index (cur, k));

  while (i < next->len && n_ops < MAX_PRECISE_CHANGES)
    {
      gpointer wanted = g_ptr_array_index (next, i);
      gpointer here = i < cur->len ? g_ptr_array_index (cur, i) : NULL;
      guint target;
      guint j;

      if (here == wanted)
        {
          i++;
          continue;
        }
      n_ops++;
      target = here != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (next_index, here)) : 0;
      if (here != NULL && target == 0)
        {
          /* Gone. */
          changes_add (&changes, i, 1, 0);
          g_hash_table_remove (in_cur, here);
          g_ptr_array_remove_index (cur, i);
          continue;
        }
      if (!g_hash_table_contains (in_cur, wanted))
        {
          /* New. */
          changes_add (&changes, i, 0, 1);
          g_ptr_array_insert (cur, i, g_object_ref (wanted));
          g_hash_table_add (in_cur, wanted);
          i++;
          continue;
        }
      /* Both are in both lists: one of them moved. Move the one that went
       * further, so that a story taken from the top to the bottom is one
       * move rather than every story between shifting by one. */
      target--;
      for (j = i + 1; j < cur->len && j - i <= target - i; j++)
        if (g_ptr_array_index (cur, j) == wanted)
          break;
      if (j < cur->len && g_ptr_array_index (cur, j) == wanted)
        {
          gpointer item;

          changes_add (&changes, j, 1, 0);
          item = g_ptr_array_steal_index (cur, j);
          changes_add (&changes, i, 0, 1);
          g_ptr_array_insert (cur, i, item);
          i++;
        }
      else
        {
          /* @here goes further down than @wanted came from: take it out; it
           * is inserted again where it belongs. */
          changes_add (&changes, i, 1, 0);
          g_hash_table_remove (in_cur, here);
          g_ptr_array_remove_index (cur, i);
        }
    }

  if (i < next->len || cur->len > next->len)
    {
      /* Too many changes for precision, or what is left over at the end. */
      guint removed = cur->len - MIN (i, cur->len);
      guint added = next->len - i;

      changes_add (&changes, i, removed, added);
      if (i < cur->len)
        g_ptr_array_remove_range (cur, i, cur->len - i);
      for (guint k = i; k < next->len; k++)
        g_ptr_array_add (cur, g_object_ref (g_ptr_array_index (next, k)));
    }
  changes_flush (&changes);
}

static void
update_releases (TsBacklogModel *self)
{
  g_hash_table_remove_all (self->releases);
  if (self->plan == NULL)
    return;
  for (guint i = 0; i < ts_plan_get_n_releases (self->plan); i++)
    {
      const TsReleaseProjection *release = ts_plan_get_release (self->plan, i);

      g_hash_table_insert (self->releases, (gpointer) &release->story_id, (gpointer) release);
    }
}

/* What every row of the project depends on. */
static void
update_facts (TsBacklogModel *self)
{
  TsProject *project = self->store != NULL ? ts_backlog_store_get_project (self->store) : NULL;

  memset (&self->facts, 0, sizeof self->facts);
  self->facts.point_scale = project != NULL ? ts_project_get_point_scale (project)
                                            : TS_POINT_SCALE_FIBONACCI;
  self->facts.chores_pointed = project != NULL &&
                               ts_project_get_bugs_and_chores_are_pointed (project);
}

/**
 * ts_backlog_model_rebuild:
 *
 * Shows the store's current plan. The model does so by itself on the
 * store's `plan-changed` and `held-changed`; call it after changing what
 * the filter lets through.
 */
void
ts_backlog_model_rebuild (TsBacklogModel *self)
{
  g_autoptr(GPtrArray) next = NULL;
  TsPlan *plan;

  g_return_if_fail (TS_IS_BACKLOG_MODEL (self));

  plan = self->store != NULL ? ts_backlog_store_get_plan (self->store) : NULL;
  if (plan != self->plan)
    {
      if (plan != NULL)
        ts_plan_ref (plan);
      g_clear_pointer (&self->plan, ts_plan_unref);
      self->plan = plan;
    }
  update_releases (self);
  update_facts (self);

  self->n_changes = 0;
  next = build (self);
  apply (self, next);
  sweep_items (self);
}

static void
members_changed_cb (TsBacklogModel *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    name_owners (self, item);
}

static void
mark_changed_cb (TsBacklogModel *self,
                 gint64          story_id,
                 gboolean        marked)
{
  TsBacklogItem *item = g_hash_table_lookup (self->by_id, &story_id);

  if (item != NULL)
    ts_backlog_item_set_highlighted (item, marked);
}

static void
disconnect_store (TsBacklogModel *self)
{
  if (self->store == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->store_handlers); i++)
    g_clear_signal_handler (&self->store_handlers[i], self->store);
}

/**
 * ts_backlog_model_set_store:
 * @store: (nullable): the store to list, or %NULL for nothing
 *
 * The model follows the store from then on.
 */
void
ts_backlog_model_set_store (TsBacklogModel *self,
                            TsBacklogStore *store)
{
  g_return_if_fail (TS_IS_BACKLOG_MODEL (self));
  g_return_if_fail (store == NULL || TS_IS_BACKLOG_STORE (store));

  if (self->store == store)
    return;
  disconnect_store (self);
  g_set_object (&self->store, store);
  if (store != NULL)
    {
      self->store_handlers[0] =
        g_signal_connect_swapped (store, "plan-changed", G_CALLBACK (ts_backlog_model_rebuild),
                                  self);
      self->store_handlers[1] =
        g_signal_connect_swapped (store, "held-changed", G_CALLBACK (ts_backlog_model_rebuild),
                                  self);
      self->store_handlers[2] =
        g_signal_connect_swapped (store, "members-changed", G_CALLBACK (members_changed_cb), self);
      self->store_handlers[3] =
        g_signal_connect_swapped (store, "mark-changed", G_CALLBACK (mark_changed_cb), self);
    }
  ts_backlog_model_rebuild (self);
  if (store == NULL)
    forget_items (self);
}

/**
 * ts_backlog_model_get_store:
 *
 * Returns: (transfer none) (nullable): the store shown
 */
TsBacklogStore *
ts_backlog_model_get_store (TsBacklogModel *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), NULL);

  return self->store;
}

/**
 * ts_backlog_model_set_filter:
 * @filter: (nullable): which stories to show, or %NULL for all
 *
 * While a filter is set, sections without a story it shows are left out
 * and Done iterations are opened. The filter is read on each rebuild; call
 * ts_backlog_model_rebuild() after changing what it lets through.
 */
void
ts_backlog_model_set_filter (TsBacklogModel           *self,
                             TsBacklogModelFilterFunc  filter,
                             gpointer                  user_data)
{
  g_return_if_fail (TS_IS_BACKLOG_MODEL (self));

  self->filter = filter;
  self->filter_data = user_data;
}

/**
 * ts_backlog_model_get_n_stories:
 *
 * Returns: how many stories the list shows
 */
guint
ts_backlog_model_get_n_stories (TsBacklogModel *self)
{
  guint n = 0;

  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    if (TS_IS_BACKLOG_ITEM (g_ptr_array_index (self->items, i)))
      n++;
  return n;
}

gboolean
ts_backlog_model_get_hide_empty (TsBacklogModel *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), FALSE);

  return self->hide_empty;
}

void
ts_backlog_model_set_hide_empty (TsBacklogModel *self,
                                 gboolean        hide_empty)
{
  g_return_if_fail (TS_IS_BACKLOG_MODEL (self));

  hide_empty = !!hide_empty;
  if (self->hide_empty == hide_empty)
    return;
  self->hide_empty = hide_empty;
  ts_backlog_model_rebuild (self);
}

TsBacklogPanels
ts_backlog_model_get_panels (TsBacklogModel *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), TS_BACKLOG_PANELS_ALL);

  return self->panels;
}

/**
 * ts_backlog_model_set_panels:
 * @panels: the parts of the plan to list (a narrow window lists one)
 */
void
ts_backlog_model_set_panels (TsBacklogModel  *self,
                             TsBacklogPanels  panels)
{
  g_return_if_fail (TS_IS_BACKLOG_MODEL (self));

  if (self->panels == panels)
    return;
  self->panels = panels;
  ts_backlog_model_rebuild (self);
}

gboolean
ts_backlog_model_get_done_expanded (TsBacklogModel *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), FALSE);

  return self->done_expanded;
}

void
ts_backlog_model_set_done_expanded (TsBacklogModel *self,
                                    gboolean        expanded)
{
  g_return_if_fail (TS_IS_BACKLOG_MODEL (self));

  expanded = !!expanded;
  if (self->done_expanded == expanded)
    return;
  self->done_expanded = expanded;
  ts_backlog_model_rebuild (self);
}

/**
 * ts_backlog_model_get_section_at:
 *
 * Returns: (transfer none) (nullable): the section item @position is in
 *   (or is)
 */
TsBacklogSection *
ts_backlog_model_get_section_at (TsBacklogModel *self,
                                 guint           position)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), NULL);

  if (self->items->len == 0)
    return NULL;
  position = MIN (position, self->items->len - 1);
  for (guint i = position + 1; i > 0; i--)
    {
      gpointer item = g_ptr_array_index (self->items, i - 1);

      if (TS_IS_BACKLOG_SECTION (item))
        return item;
    }
  return NULL;
}

gboolean
ts_backlog_model_find (TsBacklogModel *self,
                       gpointer        item,
                       guint          *out_position)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), FALSE);

  return g_ptr_array_find (self->items, item, out_position);
}

gboolean
ts_backlog_model_find_story (TsBacklogModel *self,
                             gint64          story_id,
                             guint          *out_position)
{
  TsBacklogItem *item;

  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), FALSE);

  item = g_hash_table_lookup (self->by_id, &story_id);
  return item != NULL && g_ptr_array_find (self->items, item, out_position);
}

gboolean
ts_backlog_model_find_section (TsBacklogModel       *self,
                               TsBacklogSectionKind  kind,
                               guint                 number,
                               guint                *out_position)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    {
      TsBacklogSection *section = g_ptr_array_index (self->items, i);

      if (TS_IS_BACKLOG_SECTION (section) && section->kind == kind && section->number == number)
        {
          if (out_position != NULL)
            *out_position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ts_backlog_model_lookup:
 *
 * Returns: (transfer none) (nullable): the item of @story_id while listed
 */
TsBacklogItem *
ts_backlog_model_lookup (TsBacklogModel *self,
                         gint64          story_id)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), NULL);

  return g_hash_table_lookup (self->by_id, &story_id);
}

/* How many items-changed the last rebuild emitted (for tests). */
guint
ts_backlog_model_get_n_changes (TsBacklogModel *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_MODEL (self), 0);

  return self->n_changes;
}
