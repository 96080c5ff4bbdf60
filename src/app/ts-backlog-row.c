/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-backlog-row"

#include "ts-backlog-row.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ts-capacity-note.h"
#include "ts-config.h"
#include "ts-display.h"
#include "ts-story-line.h"
#include "ts-story-names.h"
#include "ts-workflow.h"

/*
 * TsBacklogRow: one row of the planned backlog, recycled by the list view
 * for any item: a section header or a story (a TsBacklogItem). Its widgets
 * are made once, in code, and only their texts and visibility change when
 * it is bound, so that scrolling through thousands of stories costs no
 * widget creation. A story row reads only its item, and follows it: every
 * notification of the item (the story, its place in the plan, the
 * project's facts, the owners' names, a mark of someone's change) shows.
 *
 * Buttons name actions of the project view ("backlog.*") with the story id
 * as their target; the row itself changes nothing.
 */

#define MAX_AVATARS 2

enum {
  SLOT_LINE,
  SLOT_TASKS,
  SLOT_RELEASE_DATE,
  SLOT_LATE,
  SLOT_AVATAR_0,
  SLOT_AVATAR_1,
  SLOT_MORE_OWNERS,
  SLOT_STATE_BADGE,
  SLOT_ESTIMATE_BUTTON,
  SLOT_STATE_0,
  SLOT_STATE_1,
  SLOT_STATE_LABEL,
  N_SLOTS
};

struct _TsBacklogRow
{
  GtkWidget parent_instance;

  GtkListItem *list_item;   /* not owned: it owns us */
  gpointer item;            /* TsBacklogItem or TsBacklogSection, owned while bound */
  gulong notify_handler;

  /* The header. */
  GtkWidget *header;
  GtkWidget *header_expander;
  GtkWidget *header_heading; /* the title and the dates: stacked when compact */
  GtkWidget *header_title;
  GtkWidget *header_dates;
  GtkWidget *header_strength;
  GtkWidget *header_points;
  GtkWidget *header_note;   /* (nullable): made for the first over-full iteration */

  /* The story. */
  GtkWidget *story;
  GtkWidget *line;          /* TsStoryLine: type, title, labels, estimate */
  GtkWidget *tasks_box;     /* a ticked box and "2/5": tasks done of all */
  GtkWidget *tasks;
  GtkWidget *release_date;
  GtkWidget *late;          /* the badge: the word, or its icon when compact */
  GtkWidget *late_icon;
  GtkWidget *late_word;
  GtkWidget *avatars[MAX_AVATARS];
  GtkWidget *more_owners;
  GtkWidget *state_badge;   /* the state's icon and word, in its colour */
  GtkWidget *state_icon;
  GtkWidget *state_word;    /* not in a compact row */
  GtkWidget *estimate_button;
  GtkWidget *state_buttons[2];
  GtkWidget *state_label;

  /* The story box's children in their order, each held here: only those a
   * story shows are in the box (see slot_show()). */
  GtkWidget *slots[N_SLOTS];

  /* The type and state classes last set: a class change restyles the whole
   * row, so rows recycled for a story like the last one skip it. */
  int shown_type;
  int shown_state;
  int shown_next[2];

  gboolean compact;

  /* The tooltips' texts (see query_tooltip_cb()). */
  char *points_tooltip;
  char *state_tooltip;
  char *late_tooltip;
  char *release_tooltip;
  char *tasks_tooltip;
  char *avatar_tooltips[MAX_AVATARS];
};

G_DEFINE_FINAL_TYPE (TsBacklogRow, ts_backlog_row, GTK_TYPE_WIDGET)

static GtkWidget *
label_new (const char *css_class,
           gboolean    expand)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, expand);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* Tooltips are answered when asked (query-tooltip) from a text kept in
 * the row, never set with gtk_widget_set_tooltip_text() on bind: setting one
 * on a shown widget makes GTK ask the display server at once where the
 * pointer is (several X round trips), and with a few tooltips per row that
 * was about a third of each scroll frame. */
static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  char      **text)
{
  if (*text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, *text);
  return TRUE;
}

static void
tooltip_init (GtkWidget  *widget,
              char      **text)
{
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), text);
}

/* Keeps @text for @widget's tooltip, and gives it to assistive
 * technologies as the widget's description, as a set tooltip would. */
static void
set_tooltip (GtkWidget  *widget,
             char      **slot,
             const char *text)
{
  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (*slot, text) == 0)
    return;
  g_free (*slot);
  *slot = g_strdup (text);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
build_header (TsBacklogRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_widget_add_css_class (box, "backlog-header");
  self->header_expander = gtk_image_new_from_icon_name ("pan-end-symbolic");
  self->header_heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_hexpand (self->header_heading, TRUE);
  self->header_title = label_new ("heading", FALSE);
  /* Narrow windows: the title gives way before the points do. */
  gtk_label_set_ellipsize (GTK_LABEL (self->header_title), PANGO_ELLIPSIZE_END);
  self->header_dates = label_new ("dim-label", TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (self->header_dates), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (self->header_heading), self->header_title);
  gtk_box_append (GTK_BOX (self->header_heading), self->header_dates);
  self->header_strength = label_new ("dim-label", FALSE);
  self->header_points = label_new ("numeric", FALSE);
  gtk_widget_add_css_class (self->header_points, "dim-label");
  tooltip_init (self->header_points, &self->points_tooltip);
  gtk_box_append (GTK_BOX (box), self->header_expander);
  gtk_box_append (GTK_BOX (box), self->header_heading);
  gtk_box_append (GTK_BOX (box), self->header_strength);
  gtk_box_append (GTK_BOX (box), self->header_points);
  self->header = box;
  gtk_widget_set_parent (box, GTK_WIDGET (self));
}

static GtkWidget *
pill_button_new (void)
{
  GtkWidget *button = gtk_button_new ();

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "state-button");
  return button;
}

static GMenuModel *
estimate_menu (TsBacklogRow *self)
{
  GMenu *menu = g_menu_new ();
  const int *values;
  guint n_values;
  gint64 id = ts_backlog_item_get_id (self->item);

  values = ts_point_scale_get_values (ts_backlog_item_get_point_scale (self->item), &n_values);
  for (guint i = 0; i < n_values; i++)
    {
      g_autofree char *label = ts_display_estimate (values[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "backlog.estimate",
                                               g_variant_new ("(xi)", id, values[i]));
      g_menu_append_item (menu, item);
    }
  return G_MENU_MODEL (menu);
}

static void
estimate_popup_cb (GtkMenuButton *button,
                   gpointer       user_data)
{
  TsBacklogRow *self = user_data;
  g_autoptr(GMenuModel) menu = NULL;

  if (!TS_IS_BACKLOG_ITEM (self->item))
    return;
  menu = estimate_menu (self);
  gtk_menu_button_set_menu_model (button, menu);
}

/* A story row's widgets are all made once, but only those the story shows
 * are in the box: hidden widgets are not free. Every restyle of a row (a
 * new item's state or type) revisits all its widgets, shown or not, and
 * in the scroll benchmark the hidden avatars, release date, badge and
 * state label took a frame's median from about 10.5 to 14.8 ms. */
static void
slot_show (TsBacklogRow *self,
           guint         slot,
           gboolean      shown)
{
  GtkWidget *widget = self->slots[slot];
  GtkWidget *after = NULL;

  if (shown == (gtk_widget_get_parent (widget) != NULL))
    return;
  if (!shown)
    {
      gtk_box_remove (GTK_BOX (self->story), widget);
      return;
    }
  /* After the nearest earlier slot in the box, to keep the order. */
  for (guint i = slot; i-- > 0 && after == NULL;)
    if (gtk_widget_get_parent (self->slots[i]) != NULL)
      after = self->slots[i];
  gtk_box_insert_child_after (GTK_BOX (self->story), widget, after);
}

static void
slot_init (TsBacklogRow *self,
           guint         slot,
           GtkWidget    *widget)
{
  self->slots[slot] = g_object_ref_sink (widget);
}

static void
build_story (TsBacklogRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);

  gtk_widget_add_css_class (box, "backlog-story");
  self->line = ts_story_line_new ();
  gtk_widget_set_hexpand (self->line, TRUE);
  slot_init (self, SLOT_LINE, self->line);

  /* A ticked box beside the count, so that "2/5" reads as tasks, not as
   * another number of the story's. */
  self->tasks_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_add_css_class (self->tasks_box, "dim-label");
  gtk_widget_add_css_class (self->tasks_box, "task-progress");
  gtk_box_append (GTK_BOX (self->tasks_box),
                  g_object_new (GTK_TYPE_IMAGE, "icon-name", "checkbox-checked-symbolic",
                                "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL));
  self->tasks = label_new ("numeric", FALSE);
  gtk_box_append (GTK_BOX (self->tasks_box), self->tasks);
  tooltip_init (self->tasks_box, &self->tasks_tooltip);
  slot_init (self, SLOT_TASKS, self->tasks_box);

  /* German's "Voraussichtlich 27. Dez." beside a late badge and an action
   * made a release's row 462 px wide at least: the date gives way, the
   * whole text in its tooltip and in the row's description. A compact row
   * shows the date alone, whole; a wide one ellipsizes the text when its
   * column is narrow (see ts_backlog_row_set_compact()). */
  self->release_date = label_new ("dim-label", FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (self->release_date), PANGO_ELLIPSIZE_END);
  tooltip_init (self->release_date, &self->release_tooltip);
  slot_init (self, SLOT_RELEASE_DATE, self->release_date);
  self->late = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (self->late, "late-badge");
  gtk_widget_set_valign (self->late, GTK_ALIGN_CENTER);
  /* Its name is the word, which a compact row does not show. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->late),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Late"), -1);
  self->late_icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", "alarm-symbolic", "visible", FALSE,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  self->late_word = gtk_label_new (_("Late"));
  gtk_box_append (GTK_BOX (self->late), self->late_icon);
  gtk_box_append (GTK_BOX (self->late), self->late_word);
  tooltip_init (self->late, &self->late_tooltip);
  slot_init (self, SLOT_LATE, self->late);

  for (guint i = 0; i < MAX_AVATARS; i++)
    {
      self->avatars[i] = adw_avatar_new (24, NULL, TRUE);
      tooltip_init (self->avatars[i], &self->avatar_tooltips[i]);
      slot_init (self, SLOT_AVATAR_0 + i, self->avatars[i]);
    }
  self->more_owners = label_new ("dim-label", FALSE);
  slot_init (self, SLOT_MORE_OWNERS, self->more_owners);

  self->state_badge = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_add_css_class (self->state_badge, "state-badge");
  gtk_widget_set_valign (self->state_badge, GTK_ALIGN_CENTER);
  /* The word, or the badge's description when compact, says it. */
  self->state_icon = g_object_new (GTK_TYPE_IMAGE,
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                   NULL);
  self->state_word = label_new (NULL, FALSE);
  gtk_box_append (GTK_BOX (self->state_badge), self->state_icon);
  gtk_box_append (GTK_BOX (self->state_badge), self->state_word);
  tooltip_init (self->state_badge, &self->state_tooltip);
  slot_init (self, SLOT_STATE_BADGE, self->state_badge);

  self->estimate_button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->estimate_button), C_("action", "Estimate"));
  gtk_widget_set_valign (self->estimate_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->estimate_button, "state-button");
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->estimate_button),
                                         estimate_popup_cb, self, NULL);
  slot_init (self, SLOT_ESTIMATE_BUTTON, self->estimate_button);

  for (guint i = 0; i < 2; i++)
    {
      self->state_buttons[i] = pill_button_new ();
      slot_init (self, SLOT_STATE_0 + i, self->state_buttons[i]);
    }
  self->state_label = label_new ("dim-label", FALSE);
  gtk_widget_add_css_class (self->state_label, "caption");
  slot_init (self, SLOT_STATE_LABEL, self->state_label);

  self->story = box;
  gtk_widget_set_parent (box, GTK_WIDGET (self));
  slot_show (self, SLOT_LINE, TRUE);
}

static void
ts_backlog_row_dispose (GObject *object)
{
  TsBacklogRow *self = TS_BACKLOG_ROW (object);

  ts_backlog_row_unbind (self);
  g_clear_pointer (&self->header, gtk_widget_unparent);
  g_clear_pointer (&self->story, gtk_widget_unparent);
  for (guint i = 0; i < N_SLOTS; i++)
    g_clear_object (&self->slots[i]);

  G_OBJECT_CLASS (ts_backlog_row_parent_class)->dispose (object);
}

static void
ts_backlog_row_finalize (GObject *object)
{
  TsBacklogRow *self = TS_BACKLOG_ROW (object);

  g_free (self->points_tooltip);
  g_free (self->state_tooltip);
  g_free (self->late_tooltip);
  g_free (self->release_tooltip);
  g_free (self->tasks_tooltip);
  for (guint i = 0; i < MAX_AVATARS; i++)
    g_free (self->avatar_tooltips[i]);

  G_OBJECT_CLASS (ts_backlog_row_parent_class)->finalize (object);
}

static void
ts_backlog_row_class_init (TsBacklogRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_backlog_row_dispose;
  object_class->finalize = ts_backlog_row_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "backlogrow");
}

static void
ts_backlog_row_init (TsBacklogRow *self)
{
  self->shown_type = -1;
  self->shown_state = -1;
  self->shown_next[0] = self->shown_next[1] = -1;
  build_header (self);
  build_story (self);
}

GtkWidget *
ts_backlog_row_new (GtkListItem *list_item)
{
  TsBacklogRow *self = g_object_new (TS_TYPE_BACKLOG_ROW, NULL);

  self->list_item = list_item;
  return GTK_WIDGET (self);
}

/* Showing a section. */

/* "12 of 8 points" explained where the number is (ts-capacity-note.c). */
static void
show_capacity_note (TsBacklogRow     *self,
                    TsBacklogSection *section)
{
  g_autofree char *note = ts_capacity_note_dup (section);

  set_tooltip (self->header_points, &self->points_tooltip, note);
  if (note != NULL && self->header_note == NULL)
    {
      self->header_note = ts_capacity_note_button_new ();
      gtk_box_append (GTK_BOX (self->header), self->header_note);
    }
  if (self->header_note != NULL)
    ts_capacity_note_button_set (self->header_note, note);
}

/* What a screen reader says of a header row: GTK 4.8 gives list items no
 * name of their own, so the row widget inside carries it. */
static void
name_header (TsBacklogRow *self,
             const char   *title,
             const char   *dates,
             const char   *points,
             const char   *strength)
{
  const char *parts[] = { dates, points, strength };
  g_autoptr(GString) name = g_string_new (title);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL && parts[i][0] != '\0')
      g_string_append_printf (name, ", %s", parts[i]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "", -1);
}

/* A story row reads as its story: the title as name, then its type,
 * state, estimate, tasks and owners ("Feature, Started, 3 points, 1 of 2
 * tasks done, owned by Pat Planner"), the facts the row shows as colours,
 * badges, counts and avatars. */
static void
name_story (TsBacklogRow  *self,
            TsBacklogItem *item)
{
  TsStory *story = ts_backlog_item_get_story (item);
  const char * const *owners = ts_backlog_item_get_owner_names (item);
  int estimate = ts_backlog_item_get_estimate (item);
  g_autoptr(GString) description = NULL;

  description = g_string_new (ts_story_type_display_name (ts_story_get_story_type (story)));
  g_string_append_printf (description, ", %s",
                          ts_story_state_display_name (ts_story_get_state (story)));
  if (estimate >= 0)
    {
      g_string_append (description, ", ");
      g_string_append_printf (description,
                              g_dngettext (GETTEXT_PACKAGE, "%d point", "%d points", estimate),
                              estimate);
    }
  else if (ts_story_get_story_type (story) == TS_STORY_TYPE_FEATURE)
    g_string_append_printf (description, ", %s", _("not estimated"));
  if (ts_story_get_tasks (story) != NULL && ts_story_get_tasks (story)->len > 0)
    {
      guint n_tasks = ts_story_get_tasks (story)->len;

      g_string_append (description, ", ");
      /* TRANSLATORS: read by screen readers: the story's checklist. */
      g_string_append_printf (description,
                              g_dngettext (GETTEXT_PACKAGE, "%u of %u task done",
                                           "%u of %u tasks done", n_tasks),
                              ts_story_count_done_tasks (story), n_tasks);
    }
  if (owners != NULL && owners[0] != NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) owners);

      g_string_append (description, ", ");
      /* TRANSLATORS: read by screen readers after a story's facts; %s
       * is the owners' names, separated by commas. */
      g_string_append_printf (description, _("owned by %s"), names);
    }
  /* A compact row shows the date alone: its whole text is read here. */
  if (ts_backlog_item_get_release_date (item) != TS_DAY_NONE)
    {
      g_autofree char *date = ts_display_day (ts_backlog_item_get_release_date (item));

      g_string_append (description, ", ");
      g_string_append_printf (description, _("Projected %s"), date);
      if (ts_backlog_item_get_late (item))
        g_string_append_printf (description, ", %s", _("Late"));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, ts_story_get_title (story),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str, -1);
}

static void
show_section (TsBacklogRow     *self,
              TsBacklogSection *section)
{
  g_autofree char *title = ts_display_section_title (section);
  g_autofree char *dates = NULL;
  g_autofree char *points = NULL;
  g_autofree char *strength = NULL;
  gboolean empty = section->n_stories == 0;

  gtk_widget_set_visible (self->header_expander, section->kind == TS_BACKLOG_SECTION_DONE);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->header_expander),
                                section->expanded ? "pan-down-symbolic" : "pan-end-symbolic");
  gtk_label_set_label (GTK_LABEL (self->header_title), title);

  switch (section->kind)
    {
    case TS_BACKLOG_SECTION_DONE:
      dates = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u iteration", "%u iterations",
                                            section->n_stories),
                               section->n_stories);
      points = ts_display_points (section->points);
      break;
    case TS_BACKLOG_SECTION_ICEBOX:
      dates = empty ? g_strdup (_("Ideas not yet planned go here"))
                    : ts_display_story_count (section->n_stories);
      break;
    case TS_BACKLOG_SECTION_DONE_ITERATION:
      dates = ts_display_section_dates (section);
      points = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u point accepted",
                                             "%u points accepted", section->points),
                                section->points);
      break;
    case TS_BACKLOG_SECTION_ITERATION:
    default:
      dates = ts_display_section_dates (section);
      if (empty && !section->current)
        points = g_strdup (_("No stories"));
      else
        {
          int capacity = (int) (section->capacity + 1e-9);

          /* TRANSLATORS: planned points against the iteration's capacity;
           * the plural follows the capacity ("3 of 1 point"). */
          points = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %d point", "%u of %d points",
                                                 capacity),
                                    section->points, capacity);
        }
      if (section->team_strength < 0.999 || section->team_strength > 1.001)
        strength = g_strdup_printf (_("Team %d%%"), (int) (section->team_strength * 100 + 0.5));
      break;
    }

  gtk_label_set_label (GTK_LABEL (self->header_dates), dates);
  gtk_widget_set_visible (self->header_points, points != NULL);
  gtk_label_set_label (GTK_LABEL (self->header_points), points != NULL ? points : "");
  gtk_widget_set_visible (self->header_strength, strength != NULL);
  gtk_label_set_label (GTK_LABEL (self->header_strength), strength != NULL ? strength : "");

  /* An empty future iteration takes one compact line. */
  if (section->kind == TS_BACKLOG_SECTION_ITERATION && empty && !section->current)
    gtk_widget_add_css_class (self->header, "compact");
  else
    gtk_widget_remove_css_class (self->header, "compact");
  if (section->current)
    gtk_widget_add_css_class (self->header, "current");
  else
    gtk_widget_remove_css_class (self->header, "current");
  if (section->kind == TS_BACKLOG_SECTION_ITERATION && !section->current &&
      section->capacity > 0 && section->points > section->capacity + 1e-9)
    gtk_widget_add_css_class (self->header_points, "warning");
  else
    gtk_widget_remove_css_class (self->header_points, "warning");
  show_capacity_note (self, section);
  name_header (self, title, dates, points, strength);
}

/* Showing a story. */

static const char *
action_label (TsStoryState from,
              TsStoryState to)
{
  switch (to)
    {
    case TS_STORY_STATE_STARTED:
      return from == TS_STORY_STATE_REJECTED ? _("Restart") : _("Start");
    case TS_STORY_STATE_FINISHED:
      return _("Finish");
    case TS_STORY_STATE_DELIVERED:
      return _("Deliver");
    case TS_STORY_STATE_ACCEPTED:
      return _("Accept");
    case TS_STORY_STATE_REJECTED:
      return _("Reject");
    case TS_STORY_STATE_UNSTARTED:
      return _("Unstart");
    case TS_STORY_STATE_UNSCHEDULED:
    default:
      /* TRANSLATORS: the button that moves a story into the Icebox */
      return C_("action", "Icebox");
    }
}

static const char * const state_classes[] = {
  "state-unscheduled", "state-unstarted", "state-started", "state-finished",
  "state-delivered", "state-rejected", "state-accepted",
};

static const char * const type_classes[] = {
  "type-feature", "type-bug", "type-chore", "type-release",
};

static void
set_class_from (GtkWidget          *widget,
                const char * const *classes,
                guint               n_classes,
                guint               which)
{
  for (guint i = 0; i < n_classes; i++)
    if (i == which)
      gtk_widget_add_css_class (widget, classes[i]);
    else
      gtk_widget_remove_css_class (widget, classes[i]);
}

static void
show_owners (TsBacklogRow  *self,
             TsBacklogItem *item)
{
  const char * const *names = ts_backlog_item_get_owner_names (item);
  guint n_owners = g_strv_length ((char **) names);
  /* A compact row has the room of one: "+1" says there is another. */
  guint n_avatars = MIN (n_owners, self->compact ? 1 : MAX_AVATARS);

  for (guint i = 0; i < MAX_AVATARS; i++)
    {
      const char *name;

      slot_show (self, SLOT_AVATAR_0 + i, i < n_avatars);
      if (i >= n_avatars)
        continue;
      /* One not known yet shows "?" until the members are read again. */
      name = *names[i] != '\0' ? names[i] : NULL;
      adw_avatar_set_text (ADW_AVATAR (self->avatars[i]), name != NULL ? name : "?");
      set_tooltip (self->avatars[i], &self->avatar_tooltips[i], name);
    }
  if (n_owners > n_avatars)
    {
      g_autofree char *more = g_strdup_printf ("+%u", n_owners - n_avatars);

      gtk_label_set_label (GTK_LABEL (self->more_owners), more);
      slot_show (self, SLOT_MORE_OWNERS, TRUE);
    }
  else
    slot_show (self, SLOT_MORE_OWNERS, FALSE);
}

static const char *
state_icon_name (TsStoryState state)
{
  switch (state)
    {
    case TS_STORY_STATE_STARTED:
      return "media-playback-start-symbolic";
    case TS_STORY_STATE_FINISHED:
      return "media-playback-stop-symbolic";
    case TS_STORY_STATE_DELIVERED:
      return "mail-send-symbolic";
    case TS_STORY_STATE_REJECTED:
      return "window-close-symbolic";
    case TS_STORY_STATE_ACCEPTED:
      return "emblem-ok-symbolic";
    case TS_STORY_STATE_UNSCHEDULED:
    case TS_STORY_STATE_UNSTARTED:
    default:
      return NULL;
    }
}

/* Work under way and accepted work show their state beside the stripe of
 * its colour (style.css), so that colour is never the only sign: an icon
 * of its own shape and the state's name, or in a compact row the icon
 * alone, the name its tooltip. An unstarted or Icebox story is the plain
 * row. */
static void
show_state_badge (TsBacklogRow *self,
                  TsStoryState  state,
                  gint64        id)
{
  const char *icon = id > 0 ? state_icon_name (state) : NULL;
  const char *name;

  slot_show (self, SLOT_STATE_BADGE, icon != NULL);
  if (icon == NULL)
    return;
  name = ts_story_state_display_name (state);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->state_icon), icon);
  gtk_label_set_label (GTK_LABEL (self->state_word), name);
  set_tooltip (self->state_badge, &self->state_tooltip, self->compact ? name : NULL);
}

/* A story with tasks shows how many are done ("2/5"); its tooltip, and
 * what assistive technologies read, says it in words. */
static void
show_task_progress (TsBacklogRow *self,
                    TsStory      *story)
{
  guint n_tasks = ts_story_get_tasks (story)->len;
  guint n_done;
  g_autofree char *text = NULL;
  g_autofree char *words = NULL;

  slot_show (self, SLOT_TASKS, n_tasks > 0);
  if (n_tasks == 0)
    return;
  n_done = ts_story_count_done_tasks (story);
  /* Translators: tasks done of all the story's tasks, as in "2/5". */
  text = g_strdup_printf (C_("tasks", "%u/%u"), n_done, n_tasks);
  words = g_strdup_printf (g_dngettext (NULL, "%u of %u task done", "%u of %u tasks done",
                                        n_tasks), n_done, n_tasks);
  gtk_label_set_label (GTK_LABEL (self->tasks), text);
  set_tooltip (self->tasks_box, &self->tasks_tooltip, words);
}

static void
show_story (TsBacklogRow  *self,
            TsBacklogItem *item)
{
  TsStory *story = ts_backlog_item_get_story (item);
  TsStoryType type = ts_story_get_story_type (story);
  TsStoryState state = ts_story_get_state (story);
  const char * const *labels = ts_story_get_labels (story);
  TsDay release_date = ts_backlog_item_get_release_date (item);
  gboolean late = ts_backlog_item_get_late (item);
  TsStoryState next[2];
  guint n_next;
  gboolean needs_estimate;
  gint64 id = ts_story_get_id (story);
  g_autofree char *labels_text = NULL;

  if (self->shown_type != (int) type)
    set_class_from (self->story, type_classes, G_N_ELEMENTS (type_classes), type);
  if (self->shown_state != (int) state)
    set_class_from (self->story, state_classes, G_N_ELEMENTS (state_classes), state);
  self->shown_type = type;
  self->shown_state = state;
  labels_text = labels != NULL ? g_strjoinv (", ", (char **) labels) : NULL;
  ts_story_line_set_state (TS_STORY_LINE (self->line), state);
  ts_story_line_set (TS_STORY_LINE (self->line), type, ts_story_get_title (story), labels_text,
                     ts_backlog_item_get_estimate (item));

  show_task_progress (self, story);

  if (release_date != TS_DAY_NONE)
    {
      g_autofree char *date = ts_display_day (release_date);
      g_autofree char *text = g_strdup_printf (_("Projected %s"), date);

      gtk_label_set_label (GTK_LABEL (self->release_date), self->compact ? date : text);
      set_tooltip (self->release_date, &self->release_tooltip, text);
      slot_show (self, SLOT_RELEASE_DATE, TRUE);
      slot_show (self, SLOT_LATE, late);
      if (late && ts_story_get_deadline (story) != TS_DAY_NONE)
        {
          g_autofree char *deadline = ts_display_day (ts_story_get_deadline (story));
          g_autofree char *tooltip = g_strdup_printf (_("The deadline is %s"), deadline);

          set_tooltip (self->late, &self->late_tooltip, tooltip);
        }
      else
        set_tooltip (self->late, &self->late_tooltip, NULL);
    }
  else
    {
      slot_show (self, SLOT_RELEASE_DATE, FALSE);
      set_tooltip (self->release_date, &self->release_tooltip, NULL);
      slot_show (self, SLOT_LATE, FALSE);
    }

  show_owners (self, item);

  /* In the Icebox too: estimating an idea is how a planner weighs it
   * before moving it into the backlog. */
  needs_estimate = type == TS_STORY_TYPE_FEATURE && !ts_story_has_estimate (story) &&
                   state != TS_STORY_STATE_ACCEPTED;
  /* A story being created has no id on the server yet: no actions. */
  n_next = id > 0 ? ts_story_next_states (type, state, ts_story_has_estimate (story), next) : 0;
  slot_show (self, SLOT_ESTIMATE_BUTTON, id > 0 && needs_estimate);
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *button = self->state_buttons[i];

      slot_show (self, SLOT_STATE_0 + i, i < n_next);
      if (i >= n_next)
        continue;
      gtk_button_set_label (GTK_BUTTON (button), action_label (state, next[i]));
      /* The target first: a name without one would not match the action. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new ("(xi)", id, (int) next[i]));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "backlog.set-state");
      if (self->shown_next[i] != (int) next[i])
        set_class_from (button, state_classes, G_N_ELEMENTS (state_classes), next[i]);
      self->shown_next[i] = next[i];
    }

  show_state_badge (self, state, id);
  /* A compact delivered row has no room for the icon beside German's
   * "Akzeptieren" and "Ablehnen": those two actions, which only a delivered
   * story has, are the sign beside the stripe, and the description reads
   * the state. */
  if (self->compact && n_next == 2)
    slot_show (self, SLOT_STATE_BADGE, FALSE);
  /* A story being created has no state of its own yet. */
  if (id <= 0)
    gtk_label_set_label (GTK_LABEL (self->state_label), _("Saving…"));
  slot_show (self, SLOT_STATE_LABEL, id <= 0);
  name_story (self, item);
}

void
ts_backlog_row_refresh (TsBacklogRow *self)
{
  g_return_if_fail (TS_IS_BACKLOG_ROW (self));

  gtk_widget_set_visible (self->header, TS_IS_BACKLOG_SECTION (self->item));
  gtk_widget_set_visible (self->story, TS_IS_BACKLOG_ITEM (self->item));
  if (TS_IS_BACKLOG_SECTION (self->item))
    show_section (self, self->item);
  else if (TS_IS_BACKLOG_ITEM (self->item))
    {
      show_story (self, self->item);
      ts_backlog_row_set_highlight (self, ts_backlog_item_get_highlighted (self->item));
    }
}

static void
item_notify_cb (TsBacklogRow *self)
{
  ts_backlog_row_refresh (self);
}

void
ts_backlog_row_bind (TsBacklogRow *self,
                     gpointer      item)
{
  g_return_if_fail (TS_IS_BACKLOG_ROW (self));

  ts_backlog_row_unbind (self);
  self->item = g_object_ref (item);
  if (TS_IS_BACKLOG_ITEM (item))
    {
      /* Everything the row shows is announced by its item. */
      self->notify_handler = g_signal_connect_swapped (item, "notify",
                                                       G_CALLBACK (item_notify_cb), self);
      gtk_widget_add_css_class (GTK_WIDGET (self), "story-row");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "header-row");
    }
  else
    {
      ts_backlog_row_set_highlight (self, FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (self), "header-row");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "story-row");
    }
  ts_backlog_row_refresh (self);
}

void
ts_backlog_row_unbind (TsBacklogRow *self)
{
  g_return_if_fail (TS_IS_BACKLOG_ROW (self));

  if (self->item == NULL)
    return;
  g_clear_signal_handler (&self->notify_handler, self->item);
  g_clear_object (&self->item);
  ts_backlog_row_set_drop_mark (self, 0);
}

/**
 * ts_backlog_row_get_item:
 *
 * Returns: (transfer none) (nullable): the TsBacklogItem or TsBacklogSection shown
 */
gpointer
ts_backlog_row_get_item (TsBacklogRow *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ROW (self), NULL);

  return self->item;
}

/**
 * ts_backlog_row_set_compact:
 *
 * A compact row (a narrow window) shows a story's state by its icon
 * alone, leaving the title the room of its name.
 */
void
ts_backlog_row_set_compact (TsBacklogRow *self,
                            gboolean      compact)
{
  g_return_if_fail (TS_IS_BACKLOG_ROW (self));

  compact = !!compact;
  if (self->compact == compact)
    return;
  self->compact = compact;
  gtk_widget_set_visible (self->state_word, !compact);
  /* German's words ("Voraussichtlich", "Verspätet", "Akzeptieren",
   * "Ablehnen") made a row 400 px wide at least, and the window could not
   * be 360 px: a compact row is tighter, and says "late" by its icon. */
  gtk_widget_set_visible (self->late_icon, compact);
  gtk_widget_set_visible (self->late_word, !compact);
  gtk_box_set_spacing (GTK_BOX (self->story), compact ? 5 : 10);
  if (compact)
    gtk_widget_add_css_class (self->story, "narrow");
  else
    gtk_widget_remove_css_class (self->story, "narrow");
  /* Ellipsized beside a title also ellipsized, the short date alone was
   * cut to "…" too: it keeps its few characters, the title gives way. */
  gtk_label_set_ellipsize (GTK_LABEL (self->release_date),
                           compact ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
  /* At 360 px the title, the dates and the points of a header did not fit
   * on one line: both labels ellipsized ("Current · It…", "Dec 7 – De…").
   * Stacked, the title keeps its room and the dates stay readable. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->header_heading),
                                  compact ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self->header_heading), compact ? 0 : 12);
  if (TS_IS_BACKLOG_ITEM (self->item))
    show_story (self, self->item);
}

guint
ts_backlog_row_get_position (TsBacklogRow *self)
{
  g_return_val_if_fail (TS_IS_BACKLOG_ROW (self), GTK_INVALID_LIST_POSITION);

  return self->list_item != NULL ? gtk_list_item_get_position (self->list_item)
                                 : GTK_INVALID_LIST_POSITION;
}

void
ts_backlog_row_set_highlight (TsBacklogRow *self,
                              gboolean      highlight)
{
  g_return_if_fail (TS_IS_BACKLOG_ROW (self));

  if (highlight)
    gtk_widget_add_css_class (GTK_WIDGET (self), "remote-change");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "remote-change");
}

/* Where a dragged story would land: -1 above this row, 1 below, 0 none. */
void
ts_backlog_row_set_drop_mark (TsBacklogRow *self,
                              int           where)
{
  g_return_if_fail (TS_IS_BACKLOG_ROW (self));

  if (where < 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "drop-above");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-above");
  if (where > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "drop-below");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "drop-below");
}
