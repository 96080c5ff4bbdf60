/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-scale-change"

#include "ts-scale-change.h"

#include <glib/gi18n.h>

#include "ts-config.h"

/*
 * What changing a project's point scale does to its estimates, said
 * before it is done: the server moves every estimate that is not on the
 * new scale to the nearest value that is (ts_point_scale_nearest(), which
 * the server's store and the backlog store apply too), so the count and
 * the moves come from that same function over the project's stories.
 */

typedef struct {
  int from;
  int to;
  guint count;
} Move;

static int
compare_moves (gconstpointer a,
               gconstpointer b)
{
  const Move *move_a = a;
  const Move *move_b = b;

  return (move_a->from > move_b->from) - (move_a->from < move_b->from);
}

/* The moves, one per old value, in ascending order of it. */
static GArray *
collect_moves (GListModel   *stories,
               TsPointScale  scale,
               guint        *n_changed)
{
  g_autoptr(GArray) moves = g_array_new (FALSE, FALSE, sizeof (Move));
  guint n = g_list_model_get_n_items (stories);

  *n_changed = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TsStory) story = g_list_model_get_item (stories, i);
      int from = ts_story_get_estimate (story);
      int to = ts_point_scale_nearest (scale, from);
      guint j;

      if (to == from)
        continue;
      for (j = 0; j < moves->len; j++)
        if (g_array_index (moves, Move, j).from == from)
          break;
      if (j == moves->len)
        {
          Move move = { from, to, 0 };

          g_array_append_val (moves, move);
        }
      g_array_index (moves, Move, j).count++;
      (*n_changed)++;
    }
  g_array_sort (moves, compare_moves);
  return g_steal_pointer (&moves);
}

/**
 * ts_scale_change_describe:
 * @stories: the project's stories (#TsStory items)
 * @scale: the point scale the project would change to
 *
 * Says which estimates changing to @scale rewrites, as
 * "3 estimates will change: 5 → 3 (2 stories), 8 → 3 (1 story)."
 *
 * Returns: (transfer full) (nullable): the sentence, or %NULL when no
 *   estimate changes
 */
char *
ts_scale_change_describe (GListModel   *stories,
                          TsPointScale  scale)
{
  g_autoptr(GArray) moves = NULL;
  g_autoptr(GString) list = g_string_new (NULL);
  guint n_changed;

  g_return_val_if_fail (G_IS_LIST_MODEL (stories), NULL);

  moves = collect_moves (stories, scale, &n_changed);
  if (n_changed == 0)
    return NULL;
  for (guint i = 0; i < moves->len; i++)
    {
      const Move *move = &g_array_index (moves, Move, i);

      if (i > 0)
        /* Translators: between two moves of estimates in a list. */
        g_string_append (list, _(", "));
      /* Translators: an estimate's old and new value, then how many
       * stories have it, as "5 → 3 (2 stories)". */
      g_string_append_printf (list, g_dngettext (GETTEXT_PACKAGE, "%d → %d (%u story)",
                                                 "%d → %d (%u stories)", move->count),
                              move->from, move->to, move->count);
    }
  /* Translators: how many estimates change, then the list of moves. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u estimate will change: %s.",
                                       "%u estimates will change: %s.", n_changed),
                          n_changed, list->str);
}

/**
 * ts_scale_change_dialog_new:
 * @parent: the window to be modal to
 * @stories: the project's stories (#TsStory items)
 * @scale: the point scale the person chose
 *
 * The question asked before a scale that rewrites estimates is applied:
 * its responses are "cancel" (the default and the close response) and
 * "change".
 *
 * Returns: (transfer floating) (nullable): the dialog, not yet shown, or
 *   %NULL when no estimate changes, which needs no question
 */
AdwMessageDialog *
ts_scale_change_dialog_new (GtkWindow    *parent,
                            GListModel   *stories,
                            TsPointScale  scale)
{
  g_autofree char *body = ts_scale_change_describe (stories, scale);
  AdwMessageDialog *dialog;

  if (body == NULL)
    return NULL;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Change the Point Scale?"),
                                                       body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "change", _("C_hange Estimates"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "change", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}
