/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-toast"

#include "ts-toast.h"

/* A toast's title, its Retry and its close button share the window's
 * width: about 200 px go to the buttons and the toast's padding, the rest
 * to the title at about 9 px a character, between 20 characters (a 360 px
 * window) and 60 (two lines for most messages in a wide one). */
#define BUTTONS_WIDTH 200
#define CHAR_WIDTH 9
#define MIN_LINE_CHARS 20
#define MAX_LINE_CHARS 60

static int
line_chars_for_width (int window_width)
{
  return CLAMP ((window_width - BUTTONS_WIDTH) / CHAR_WIDTH, MIN_LINE_CHARS, MAX_LINE_CHARS);
}

static void
fit_to_window (GtkLabel  *label,
               GtkWindow *window)
{
  int width = 0, height = 0;

  /* Both pointers: GTK 4.8 writes the height without checking for NULL. */
  gtk_window_get_default_size (window, &width, &height);
  if (width <= 0)
    width = gtk_widget_get_width (GTK_WIDGET (window));
  gtk_label_set_max_width_chars (label, width > 0 ? line_chars_for_width (width)
                                                  : MIN_LINE_CHARS);
}

static void
window_width_cb (GtkWindow  *window,
                 GParamSpec *pspec,
                 GtkLabel   *label)
{
  fit_to_window (label, window);
}

/**
 * ts_toast_new:
 * @where: a widget of the window the toast shows in
 * @message: what to tell, a sentence
 *
 * A toast for an error or a notice, whose message is read whole. A toast's
 * own title is one line, ellipsized: "Could not save “Fuel”: the server
 * does not accept the estimate" lost its reason, the part that matters, in
 * any window narrower than the sentence. The message wraps instead, as
 * wide as the window leaves beside the toast's buttons (libadwaita 1.2
 * gives the title its natural width and pushes the buttons out past the
 * toast's edge otherwise), and follows the window as it is resized: 20
 * characters a line at 360 px, 60 in a wide window.
 *
 * Returns: (transfer floating): the toast
 */
AdwToast *
ts_toast_new (GtkWidget  *where,
              const char *message)
{
  AdwToast *toast;
  GtkWidget *label;
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (where), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  toast = adw_toast_new (message);
  label = gtk_label_new (message);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), MIN_LINE_CHARS);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  root = gtk_widget_get_root (where);
  if (GTK_IS_WINDOW (root))
    {
      fit_to_window (GTK_LABEL (label), GTK_WINDOW (root));
      g_signal_connect_object (root, "notify::default-width", G_CALLBACK (window_width_cb),
                               label, 0);
    }
  adw_toast_set_custom_title (toast, label);
  return toast;
}
