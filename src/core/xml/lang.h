/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Language tags (RFC 5646, what xml:lang holds) from POSIX locale names: the one place that
 * turns the user's locale into the stream's xml:lang and the language we pick texts in. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A locale name, language[_Script][_TERRITORY][.codeset][@modifier] ("fr_FR.UTF-8@euro",
 * "pt_BR", "zh_Hant_TW", "sr_RS@latin"), as a BCP 47 tag in its canonical case ("fr-FR",
 * "pt-BR", "zh-Hant-TW", "sr-Latn-RS"). The codeset goes; of the modifiers, those that name a
 * script (@latin, @cyrillic, @devanagari) or a registered variant (@valencia) are kept, the
 * others (@euro, ...) dropped. Subtags after the language that are not a script or a region
 * are dropped too. NULL for NULL, "", "C" and "POSIX" (with or without a codeset), and for a
 * name whose first part is not a 2- or 3-letter language code. Pure. */
char *xmpp_lang_from_locale(const char *locale);

G_END_DECLS
