/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Every accelerator of ts-accels.c is in the keyboard shortcuts window
 * (gtk/help-overlay.ui): by its keys, or by its action where the window
 * reads the keys from the application. A key added to the table and not
 * to the window fails here. */

#include <gtk/gtk.h>

#include "ts-accels.h"
#include "ts-resources.h"

typedef struct {
  GHashTable *keys;           /* "keyval:mods" the window lists */
  GHashTable *actions;        /* action names the window lists */
} Listed;

static char *
key_id (guint           keyval,
        GdkModifierType mods)
{
  return g_strdup_printf ("%u:%u", gdk_keyval_to_lower (keyval), mods);
}

/* One token of GtkShortcutsShortcut:accelerator: "a", "<Control>z", or a
 * range "<Control>1...<Control>4". */
static void
add_token (Listed     *listed,
           const char *token)
{
  g_auto(GStrv) range = g_strsplit (token, "...", 2);
  guint first, last;
  GdkModifierType first_mods, last_mods;

  g_assert_true (gtk_accelerator_parse (range[0], &first, &first_mods));
  last = first;
  last_mods = first_mods;
  if (range[1] != NULL)
    g_assert_true (gtk_accelerator_parse (range[1], &last, &last_mods));
  g_assert_cmpuint (first_mods, ==, last_mods);
  g_assert_cmpuint (first, <=, last);
  for (guint keyval = first; keyval <= last; keyval++)
    g_hash_table_add (listed->keys, key_id (keyval, first_mods));
}

static void
collect (GtkWidget *widget,
         Listed    *listed)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *action = NULL;

      g_object_get (widget, "accelerator", &accelerator, "action-name", &action, NULL);
      if (action != NULL)
        g_hash_table_add (listed->actions, g_steal_pointer (&action));
      if (accelerator != NULL)
        {
          g_auto(GStrv) tokens = g_strsplit (accelerator, " ", -1);

          for (guint i = 0; tokens[i] != NULL; i++)
            if (*tokens[i] != '\0')
              add_token (listed, tokens[i]);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, listed);
}

static void
test_overlay_lists_every_accel (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/truestory/TrueStory/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  Listed listed = {
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
  };
  TsAccelScope scope;
  const char *trigger;
  const char *action;
  guint n = 0;

  g_assert_nonnull (overlay);
  collect (overlay, &listed);
  g_assert_cmpuint (g_hash_table_size (listed.keys), >, 0);

  for (guint i = 0; ts_accels_get (i, &scope, &trigger, &action); i++, n++)
    {
      /* "Return|KP_Enter": the window shows the first, the keypad's Enter
       * is the same key. */
      g_auto(GStrv) alternatives = g_strsplit (trigger, "|", 2);
      g_autofree char *id = NULL;
      guint keyval;
      GdkModifierType mods;

      g_assert_true (gtk_accelerator_parse (alternatives[0], &keyval, &mods));
      id = key_id (keyval, mods);
      if (!g_hash_table_contains (listed.keys, id) && !g_hash_table_contains (listed.actions, action))
        g_error ("the shortcuts window does not list %s (%s)", trigger, action);
    }
  g_assert_cmpuint (n, ==, ts_accels_count (TS_ACCEL_APPLICATION) + ts_accels_count (TS_ACCEL_BACKLOG) +
                           ts_accels_count (TS_ACCEL_BACKLOG_WINDOW) + ts_accels_count (TS_ACCEL_DIALOG));

  g_hash_table_unref (listed.keys);
  g_hash_table_unref (listed.actions);
  gtk_window_destroy (GTK_WINDOW (overlay));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }
  ts_register_resource ();
  g_test_add_func ("/app/accels/shortcuts-window", test_overlay_lists_every_accel);
  return g_test_run ();
}
