/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PRECIS preparation of JID localparts and resourceparts (RFC 7622 §3.3-3.4, RFC 8264/8265). */
#include "jid/precis.h"

#include <string.h>

/*
 * What is implemented (PRECIS RFC 8264/8265 on top of GLib's Unicode tables):
 *
 * Localpart, UsernameCaseMapped (RFC 8265 §3.3), applied in the RFC 8264 §7 order:
 *  1. width mapping: a code point in the Halfwidth and Fullwidth Forms block (U+FF01..U+FFEE)
 *     or U+3000 is replaced by its compatibility decomposition when that is one code point
 *     (GLib does not expose the <wide>/<narrow> tag, so the block stands in for it);
 *  2. case mapping: Unicode default toLowerCase, done per code point with g_unichar_tolower
 *     plus the two language-independent SpecialCasing rules GLib's simple mapping lacks
 *     (U+0130 -> "i" U+0307, and Final_Sigma -> U+03C2, approximated as "a capital sigma
 *     preceded by a cased letter and not followed by one, marks skipped"). g_utf8_strdown
 *     is NOT used: it follows the process locale (Turkish/Azeri map "I" to U+0131), which
 *     would make the same JID compare differently on two machines;
 *  3. NFC (g_utf8_normalize);
 *  4. Bidi Rule (RFC 5893) for strings with right-to-left code points, with bidi classes
 *     approximated from the script (see bidi_class());
 *  5. IdentifierClass (RFC 8264 §4.2) per code point of the result (see identifier_ok()),
 *     then RFC 7622 §3.3.1's extra exclusions " & ' / : < > @.
 *  The result must be a fixed point (normalising it again gives itself); otherwise it is
 *  rejected, which keeps parse -> serialise -> parse stable even where the approximations
 *  above differ from the real tables.
 * Resourcepart, OpaqueString (RFC 8265 §4.2): non-ASCII spaces (Zs) -> U+0020, NFC, case
 *  kept. Rejected: controls (Cc), unassigned code points and noncharacters (Cn). Deliberately
 *  lenient: format characters (ZWJ in emoji), private use and old Hangul jamo are kept,
 *  because servers assign resources and refusing one would break the login.
 * GLib's Unicode version (15.0 for GLib 2.74) decides what is "unassigned".
 */

static gboolean
in_list(gunichar c, const gunichar *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (list[i] == c)
      return TRUE;
  return FALSE;
}

static gboolean
is_rtl_script(gunichar c)
{
  static const gunichar rtl[] = {
      G_UNICODE_SCRIPT_HEBREW,  G_UNICODE_SCRIPT_ARABIC,       G_UNICODE_SCRIPT_SYRIAC,
      G_UNICODE_SCRIPT_THAANA,  G_UNICODE_SCRIPT_NKO,          G_UNICODE_SCRIPT_SAMARITAN,
      G_UNICODE_SCRIPT_MANDAIC, G_UNICODE_SCRIPT_ADLAM,        G_UNICODE_SCRIPT_HANIFI_ROHINGYA,
      G_UNICODE_SCRIPT_YEZIDI,  G_UNICODE_SCRIPT_MENDE_KIKAKUI};

  return in_list((gunichar)g_unichar_get_script(c), rtl, G_N_ELEMENTS(rtl));
}

typedef enum { BIDI_L, BIDI_R, BIDI_AN, BIDI_EN, BIDI_NSM, BIDI_ON } BidiClass;

/* Approximation of the Bidi_Class property (GLib has no table for it): marks are NSM,
 * Arabic-Indic digits AN, ASCII and Extended Arabic-Indic digits EN, letters and digits of
 * right-to-left scripts R (R and AL behave alike in RFC 5893), other letters and digits L,
 * everything else (punctuation, symbols) ON. */
static BidiClass
bidi_class(gunichar c)
{
  GUnicodeType t = g_unichar_type(c);

  if (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK)
    return BIDI_NSM;
  if ((c >= 0x0660 && c <= 0x0669) || c == 0x066B || c == 0x066C)
    return BIDI_AN;
  if ((c >= '0' && c <= '9') || (c >= 0x06F0 && c <= 0x06F9))
    return BIDI_EN;
  if (g_unichar_isalnum(c) || t == G_UNICODE_SPACING_MARK)
    return is_rtl_script(c) ? BIDI_R : BIDI_L;
  return BIDI_ON;
}

/* RFC 5893 §2 rules 1-4 for strings that contain R, AL or AN (RFC 8265 §3.3.2 step 5). */
static gboolean
bidi_rule_ok(const gunichar *s, glong n)
{
  gboolean rtl = FALSE, en = FALSE, an = FALSE;
  BidiClass last = BIDI_ON;

  for (glong i = 0; i < n; i++) {
    BidiClass b = bidi_class(s[i]);
    rtl |= b == BIDI_R || b == BIDI_AN;
  }
  if (!rtl)
    return TRUE;
  if (bidi_class(s[0]) != BIDI_R)
    return FALSE;
  for (glong i = 0; i < n; i++) {
    BidiClass b = bidi_class(s[i]);
    if (b == BIDI_L)
      return FALSE;
    en |= b == BIDI_EN;
    an |= b == BIDI_AN;
    if (b != BIDI_NSM)
      last = b;
  }
  return !(en && an) && (last == BIDI_R || last == BIDI_EN || last == BIDI_AN);
}

static gboolean
has_compat_decomposition(gunichar c)
{
  gunichar canon[G_UNICHAR_MAX_DECOMPOSITION_LENGTH], compat[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize nc = g_unichar_fully_decompose(c, FALSE, canon, G_N_ELEMENTS(canon));
  gsize nk = g_unichar_fully_decompose(c, TRUE, compat, G_N_ELEMENTS(compat));

  return nc != nk || memcmp(canon, compat, nc * sizeof(gunichar)) != 0;
}

static gboolean
contains_range(const gunichar *s, glong n, gunichar lo, gunichar hi)
{
  for (glong i = 0; i < n; i++)
    if (s[i] >= lo && s[i] <= hi)
      return TRUE;
  return FALSE;
}

static gboolean
string_has_script(const gunichar *s, glong n, GUnicodeScript a, GUnicodeScript b, GUnicodeScript c)
{
  for (glong i = 0; i < n; i++) {
    GUnicodeScript sc = g_unichar_get_script(s[i]);
    if (sc == a || sc == b || sc == c)
      return TRUE;
  }
  return FALSE;
}

/* RFC 8264 §4.2 IdentifierClass for code point i of s (after mapping and NFC), with the
 * RFC 5892 exceptions and the contextual rules of RFC 5892 Appendix A. */
static gboolean
identifier_ok(const gunichar *s, glong n, glong i)
{
  gunichar c = s[i];

  if (c < 0x80) /* ASCII7: printable ASCII is valid, space and controls are not */
    return c >= 0x21 && c <= 0x7E;
  static const gunichar pvalid[] = {0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007};
  static const gunichar disallowed[] = {0x0640, 0x07FA, 0x302E, 0x302F, 0x3031,
                                        0x3032, 0x3033, 0x3034, 0x3035, 0x303B};
  if (in_list(c, pvalid, G_N_ELEMENTS(pvalid))) /* RFC 5892 §2.6 exceptions */
    return TRUE;
  if (in_list(c, disallowed, G_N_ELEMENTS(disallowed)))
    return FALSE;
  switch (c) {   /* RFC 5892 Appendix A contextual rules */
    case 0x00B7: /* MIDDLE DOT: only in l·l (Catalan) */
      return i > 0 && i + 1 < n && s[i - 1] == 'l' && s[i + 1] == 'l';
    case 0x0375: /* GREEK KERAIA: followed by Greek */
      return i + 1 < n && g_unichar_get_script(s[i + 1]) == G_UNICODE_SCRIPT_GREEK;
    case 0x05F3:
    case 0x05F4: /* Hebrew punctuation: preceded by Hebrew */
      return i > 0 && g_unichar_get_script(s[i - 1]) == G_UNICODE_SCRIPT_HEBREW;
    case 0x30FB: /* KATAKANA MIDDLE DOT: with Hiragana, Katakana or Han */
      return string_has_script(s, n, G_UNICODE_SCRIPT_HIRAGANA, G_UNICODE_SCRIPT_KATAKANA,
                               G_UNICODE_SCRIPT_HAN);
    case 0x200C:
    case 0x200D: /* ZWNJ/ZWJ: after a virama (the joining-type rule is omitted) */
      return i > 0 && g_unichar_combining_class(s[i - 1]) == 9;
  }
  /* RFC 5892 A.8/A.9: Arabic-Indic and Extended Arabic-Indic digits are not mixed */
  if (c >= 0x0660 && c <= 0x0669 && contains_range(s, n, 0x06F0, 0x06F9))
    return FALSE;
  if (c >= 0x06F0 && c <= 0x06F9 && contains_range(s, n, 0x0660, 0x0669))
    return FALSE;
  /* OldHangulJamo (conjoining jamo left over after NFC) and the PrecisIgnorableProperties
   * that are marks (CGJ, Khmer inherent vowels, variation selectors); other default
   * ignorables are Cf or Cn and fall out below. */
  if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0xA960 && c <= 0xA97F) ||
      (c >= 0xD7B0 && c <= 0xD7FF) || c == 0x034F || c == 0x17B4 || c == 0x17B5 ||
      (c >= 0x180B && c <= 0x180F) || (c >= 0xFE00 && c <= 0xFE0F) ||
      (c >= 0xE0100 && c <= 0xE01EF))
    return FALSE;
  /* LetterDigits (Ll Lu Lo Nd Lm Mn Mc) are valid; Lt Nl No Me, spaces, symbols,
   * punctuation, controls, Cf, Co and Cn are not. HasCompat is disallowed. */
  const guint letter_digits = 1u << G_UNICODE_LOWERCASE_LETTER | 1u << G_UNICODE_UPPERCASE_LETTER |
                              1u << G_UNICODE_OTHER_LETTER | 1u << G_UNICODE_DECIMAL_NUMBER |
                              1u << G_UNICODE_MODIFIER_LETTER | 1u << G_UNICODE_NON_SPACING_MARK |
                              1u << G_UNICODE_SPACING_MARK;
  if (!(letter_digits & (1u << g_unichar_type(c))))
    return FALSE;
  return !has_compat_decomposition(c); /* HasCompat is DISALLOWED */
}

static gboolean
is_cased(gunichar c)
{
  return g_unichar_isupper(c) || g_unichar_islower(c) || g_unichar_istitle(c);
}

/* Steps 1-2 (width and case mapping) of UsernameCaseMapped into a UTF-8 string. */
static char *
local_map(const char *in, gssize len)
{
  glong n = 0;
  gunichar *u = g_utf8_to_ucs4_fast(in, len, &n);
  GString *out = g_string_sized_new(len + 8);

  for (glong i = 0; i < n; i++) {
    gunichar c = u[i];
    if ((c >= 0xFF01 && c <= 0xFFEE) || c == 0x3000) {
      gunichar d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
      if (g_unichar_fully_decompose(c, TRUE, d, G_N_ELEMENTS(d)) == 1)
        u[i] = c = d[0];
    }
  }
  for (glong i = 0; i < n; i++) {
    gunichar c = u[i];
    if (c == 0x0130) {
      g_string_append(out, "i\xCC\x87");
      continue;
    }
    if (c == 0x03A3) {
      glong p = i - 1, q = i + 1;
      while (p >= 0 && g_unichar_ismark(u[p]))
        p--;
      while (q < n && g_unichar_ismark(u[q]))
        q++;
      if (p >= 0 && is_cased(u[p]) && !(q < n && is_cased(u[q]))) {
        g_string_append_unichar(out, 0x03C2);
        continue;
      }
    }
    g_string_append_unichar(out, g_unichar_tolower(c));
  }
  g_free(u);
  return g_string_free(out, FALSE);
}

/* Full UsernameCaseMapped on a localpart; NULL if invalid. */
static char *
local_prepare(const char *in, gssize len)
{
  g_autofree char *mapped = local_map(in, len);
  char *norm = g_utf8_normalize(mapped, -1, G_NORMALIZE_NFC);
  glong n = 0;
  g_autofree gunichar *u = NULL;

  if (!norm)
    return NULL;
  u = g_utf8_to_ucs4_fast(norm, -1, &n);
  if (n == 0 || !bidi_rule_ok(u, n))
    goto bad;
  for (glong i = 0; i < n; i++)
    if (!identifier_ok(u, n, i) || (u[i] < 0x80 && strchr("\"&'/:<>@", (int)u[i])))
      goto bad;
  return norm;
bad:
  g_free(norm);
  return NULL;
}

/* No ASCII shortcut here: jid.c's fast path handles plain ASCII parts before calling this,
 * and this full preparation is the reference its tests compare the fast path with. */
char *
xmpp_precis_prepare_localpart(const char *in, gsize len, GError **error)
{
  g_autofree char *again = NULL;
  char *out;

  if (len == 0 || len > XMPP_PRECIS_RAW_PART_MAX) {
    g_set_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART,
                len ? "localpart too long" : "empty localpart");
    return NULL;
  }
  out = local_prepare(in, len);
  if (out)
    again = local_prepare(out, -1);
  if (!out || g_strcmp0(out, again) != 0) {
    g_free(out);
    g_set_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART,
                "localpart not allowed by PRECIS UsernameCaseMapped (RFC 8265 §3.3)");
    return NULL;
  }
  if (strlen(out) > XMPP_JID_MAX_PART_BYTES) {
    g_free(out);
    g_set_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART, "localpart longer than %d octets",
                XMPP_JID_MAX_PART_BYTES);
    return NULL;
  }
  return out;
}

/* OpaqueString (RFC 8265 §4.2). */
char *
xmpp_precis_prepare_resourcepart(const char *in, gsize len, GError **error)
{
  const char *why = NULL;
  char *out = NULL;

  if (len == 0) {
    why = "empty resourcepart";
  } else if (len > XMPP_PRECIS_RAW_PART_MAX) {
    why = "resourcepart too long";
  } else {
    GString *m = g_string_sized_new(len);
    for (const char *p = in; p < in + len; p = g_utf8_next_char(p)) {
      gunichar c = g_utf8_get_char(p);
      GUnicodeType t = g_unichar_type(c);
      if (t == G_UNICODE_CONTROL || t == G_UNICODE_UNASSIGNED || t == G_UNICODE_SURROGATE) {
        why = "resourcepart contains a control or unassigned code point";
        break;
      }
      g_string_append_unichar(m, t == G_UNICODE_SPACE_SEPARATOR ? ' ' : c);
    }
    if (!why)
      out = g_utf8_normalize(m->str, m->len, G_NORMALIZE_NFC);
    g_string_free(m, TRUE);
  }
  if (out && strlen(out) > XMPP_JID_MAX_PART_BYTES) {
    g_clear_pointer(&out, g_free);
    why = "resourcepart longer than 1023 octets";
  }
  if (!out)
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART,
                        why ? why : "resourcepart is not valid");
  return out;
}
