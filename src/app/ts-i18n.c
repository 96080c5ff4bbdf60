/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-i18n"

#include "ts-i18n.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ts-config.h"

/*
 * The locale and the text domain, for the program and for the app suite's
 * tests. An installed app finds its translations in the prefix; an
 * uninstalled one (a build tree, `meson devenv`, the tests) is pointed at
 * the build tree's by TRUESTORY_LOCALEDIR, where meson's i18n module puts
 * the compiled catalogues (build/po/<lang>/LC_MESSAGES/truestory.mo).
 */

/**
 * ts_i18n_get_localedir:
 *
 * Returns: where the translations are read from
 */
const char *
ts_i18n_get_localedir (void)
{
  const char *dir = g_getenv ("TRUESTORY_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

void
ts_i18n_init (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, ts_i18n_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
