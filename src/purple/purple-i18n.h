/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Translation macros of the glue: our own gettext domain (purple-lyre), never libpurple's. */
#pragma once

#include <glib.h>
#include <glib/gi18n-lib.h> /* dgettext, bindtextdomain */

/* gi18n-lib.h already defines _() with GETTEXT_PACKAGE; redefine explicitly so the domain is
 * visible here and a stray <glib/gi18n.h> (which uses the default domain) cannot win. */
#undef _
#undef N_
#define _(String)  ((char *)g_dgettext(GETTEXT_PACKAGE, String))
#define N_(String) (String)
