/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* TsProjectHeader's widgets, for the project view that fills them (its
 * files only): the header shows, the view decides what. */

#include "ts-project-header.h"

G_BEGIN_DECLS

struct _TsProjectHeader
{
  GtkWidget parent_instance;

  GtkWidget *extras;          /* presence, connection, velocity: not when narrow */
  GtkWidget *presence_box;
  GtkWidget *status_box;
  GtkWidget *status_icon;
  GtkWidget *status_label;
  GtkWidget *velocity_button;
  GtkWidget *velocity_value;
  GtkWidget *velocity_spin;
  GtkWidget *velocity_note;
  GtkWidget *velocity_reset;
  GtkWidget *search_button;
  GtkWidget *view_menu_button;
  GtkWidget *new_button;      /* at the header bar's start, not a child */
  GtkWidget *new_entry;
  GtkWidget *new_error;       /* why a title was refused */
  GtkWidget *new_icebox;
  GtkWidget *new_type;        /* a GtkDropDown of the types, in TsStoryType order */
};

G_END_DECLS
