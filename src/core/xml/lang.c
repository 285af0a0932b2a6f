/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Language tags from locale names (see lang.h). */
#include "xml/lang.h"

#include <string.h>

/* glibc modifiers that say which script a locale is written in, and the one registered variant
 * among them (RFC 5646 §2.2.5: "valencia" is in the IANA registry). */
static const struct {
  const char *modifier;
  const char *script;
  const char *variant;
} modifiers[] = {
    {"latin", "Latn", NULL},
    {"cyrillic", "Cyrl", NULL},
    {"devanagari", "Deva", NULL},
    {"valencia", NULL, "valencia"},
};

static gboolean
all_alpha(const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalpha(s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
all_digits(const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit(s[i]))
      return FALSE;
  return TRUE;
}

static void
append_cased(GString *out, const char *s, gsize n, gboolean upper_first, gboolean upper_rest)
{
  for (gsize i = 0; i < n; i++) {
    gboolean upper = i == 0 ? upper_first : upper_rest;
    g_string_append_c(out, upper ? g_ascii_toupper(s[i]) : g_ascii_tolower(s[i]));
  }
}

char *
xmpp_lang_from_locale(const char *locale)
{
  if (locale == NULL)
    return NULL;
  gsize name_len = strcspn(locale, ".@");
  if (name_len == 0 || (name_len == 1 && locale[0] == 'C') ||
      (name_len == 5 && strncmp(locale, "POSIX", 5) == 0))
    return NULL;
  /* The modifier: after '@', up to the end (or a codeset written after it). */
  const char *at = strchr(locale, '@');
  const char *modifier = at != NULL ? at + 1 : NULL;
  gsize modifier_len = modifier != NULL ? strcspn(modifier, ".") : 0;
  const char *script = NULL, *variant = NULL;
  for (gsize i = 0; modifier != NULL && i < G_N_ELEMENTS(modifiers); i++) {
    if (strlen(modifiers[i].modifier) == modifier_len &&
        g_ascii_strncasecmp(modifier, modifiers[i].modifier, modifier_len) == 0) {
      script = modifiers[i].script;
      variant = modifiers[i].variant;
    }
  }

  /* language: 2 or 3 letters (ISO 639), then _Script (4 letters), then _REGION (2 letters or
   * 3 digits); what follows is not a language tag's and is dropped. */
  const char *p = locale, *end = locale + name_len;
  gsize n = strcspn(p, "_.@");
  if (n < 2 || n > 3 || !all_alpha(p, n))
    return NULL;
  GString *tag = g_string_sized_new(16);
  append_cased(tag, p, n, FALSE, FALSE);
  p += n;
  gboolean have_region = FALSE;
  while (p < end && *p == '_' && !have_region) {
    p++;
    n = strcspn(p, "_.@");
    if (n == 4 && all_alpha(p, n) && tag->len <= 3) {
      g_string_append_c(tag, '-');
      append_cased(tag, p, n, TRUE, FALSE);
      script = NULL; /* the name's own script wins over a modifier's */
    } else if ((n == 2 && all_alpha(p, n)) || (n == 3 && all_digits(p, n))) {
      if (script != NULL) {
        g_string_append_printf(tag, "-%s", script);
        script = NULL;
      }
      g_string_append_c(tag, '-');
      append_cased(tag, p, n, TRUE, TRUE);
      have_region = TRUE;
    } else {
      break;
    }
    p += n;
  }
  if (script != NULL && tag->len <= 3)
    g_string_append_printf(tag, "-%s", script);
  if (variant != NULL)
    g_string_append_printf(tag, "-%s", variant);
  return g_string_free(tag, FALSE);
}
