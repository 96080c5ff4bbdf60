/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-toast"

#include "ts-toast.h"

/**
 * ts_toast_new:
 * @message: what to tell, a sentence
 *
 * A toast for an error or a notice, whose message is read whole. A toast's
 * own title is one line, ellipsized: "Could not save “Fuel”: the server
 * does not accept the estimate" lost its reason, the part that matters, in
 * any window narrower than the sentence. The message wraps instead, at
 * most about 20 characters a line, so that the toast, its button and its
 * close button fit a 360 px window (a toast stays a toast, not a page), and
 * the toast keeps its place and its one button.
 *
 * Returns: (transfer floating): the toast
 */
AdwToast *
ts_toast_new (const char *message)
{
  AdwToast *toast;
  GtkWidget *label;

  g_return_val_if_fail (message != NULL, NULL);

  toast = adw_toast_new (message);
  label = gtk_label_new (message);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 20);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  adw_toast_set_custom_title (toast, label);
  return toast;
}
