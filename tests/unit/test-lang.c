/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for xml/lang.c: locale names to BCP 47 language tags. */
#include "xml/lang.h"

static const struct {
  const char *locale;
  const char *tag; /* NULL: no language */
} cases[] = {
    /* The usual glibc forms: codeset and @euro go, '_' becomes '-'. */
    {"fr_FR.UTF-8@euro", "fr-FR"},
    {"fr_FR.UTF-8", "fr-FR"},
    {"fr_FR@euro", "fr-FR"},
    {"fr_FR", "fr-FR"},
    {"fr", "fr"},
    {"fr.UTF-8", "fr"},
    {"pt_BR", "pt-BR"},
    {"en_US.ISO-8859-1", "en-US"},
    {"de_AT.utf8", "de-AT"},
    {"ast_ES.UTF-8", "ast-ES"}, /* three-letter language */
    {"es_419", "es-419"},       /* UN M.49 region */
    /* Scripts: written in the name, or the glibc modifiers that mean one. */
    {"zh_Hant_TW", "zh-Hant-TW"},
    {"zh_Hans", "zh-Hans"},
    {"sr_RS@latin", "sr-Latn-RS"},
    {"sr_RS.UTF-8@latin", "sr-Latn-RS"},
    {"sr@latin", "sr-Latn"},
    {"uz_UZ@cyrillic", "uz-Cyrl-UZ"},
    {"ks_IN@devanagari", "ks-Deva-IN"},
    {"zh_Hant_TW@latin", "zh-Hant-TW"}, /* the name's own script wins */
    /* A registered variant. */
    {"ca_ES@valencia", "ca-ES-valencia"},
    {"ca_ES.UTF-8@valencia", "ca-ES-valencia"},
    /* Canonical case whatever the input's. */
    {"FR_fr", "fr-FR"},
    {"ZH_hant_tw", "zh-Hant-TW"},
    /* Unknown modifiers and trailing parts are dropped. */
    {"tt_RU@iqtelif", "tt-RU"},
    {"en_GB_oed", "en-GB"},
    {"en_GBR", "en"},
    /* No language. */
    {"C", NULL},
    {"C.UTF-8", NULL},
    {"C.utf8", NULL},
    {"POSIX", NULL},
    {"POSIX.UTF-8", NULL},
    {"", NULL},
    {".UTF-8", NULL},
    {"@euro", NULL},
    {"_FR", NULL},
    {"x", NULL},
    {"english", NULL},
    {"English_United States.1252", NULL},
    {"f1_FR", NULL},
    {"fr-FR", NULL}, /* already a tag is not a locale name: '-' is not a separator there */
    {"\xc3\xa9n_US", NULL},
};

static void
test_from_locale(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *tag = xmpp_lang_from_locale(cases[i].locale);
    g_test_message("'%s' -> '%s'", cases[i].locale, tag != NULL ? tag : "(null)");
    g_assert_cmpstr(tag, ==, cases[i].tag);
  }
  g_assert_null(xmpp_lang_from_locale(NULL));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/lang/from_locale", test_from_locale);
  return g_test_run();
}
