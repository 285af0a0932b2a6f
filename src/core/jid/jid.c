/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppJid: parsing, PRECIS/IDNA2008 normalisation and comparison of JIDs (RFC 7622). */
#include "jid/jid.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

/*
 * What is implemented (RFC 7622 with PRECIS RFC 8264/8265 on top of GLib's Unicode tables):
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
 * Domainpart (RFC 7622 §3.2): one trailing dot removed; "[...]" must be an IPv6 address
 *  (inet_pton), kept in inet_ntop's canonical form (RFC 5952); a dotted quad is IPv4; any
 *  other all-digit name is rejected. Names go through libidn2 (IDNA2008 with UTS #46
 *  non-transitional mapping, which maps upper case), must come back LDH with labels of
 *  1..63 octets and at most 253 in total in A-label form, and are stored as lowercase
 *  U-labels (so an A-label and its U-label spelling compare equal).
 * Resourcepart, OpaqueString (RFC 8265 §4.2): non-ASCII spaces (Zs) -> U+0020, NFC, case
 *  kept. Rejected: controls (Cc), unassigned code points and noncharacters (Cn). Deliberately
 *  lenient: format characters (ZWJ in emoji), private use and old Hangul jamo are kept,
 *  because servers assign resources and refusing one would break the login.
 * GLib's Unicode version (15.0 for GLib 2.74) decides what is "unassigned".
 */

#define DOMAIN_MAX_ASCII 253 /* RFC 1035 §2.3.4, in A-label form without the final dot */
#define LABEL_MAX        63  /* RFC 1035 §2.3.4 */
/* Raw parts longer than this are refused before any Unicode work: mappings shrink text by
 * at most about 3:1, so a part that could normalise to XMPP_JID_MAX_PART_BYTES fits. */
#define RAW_PART_MAX (4 * XMPP_JID_MAX_PART_BYTES)

struct _XmppJid {
  const char *local; /* NULL when absent */
  const char *domain;
  const char *resource; /* NULL when absent */
  const char *bare;
  const char *full;
  char data[]; /* full, bare, local, domain, resource; each NUL-terminated */
};

GQuark
xmpp_jid_error_quark(void)
{
  return g_quark_from_static_string("xmpp-jid-error-quark");
}

static XmppJid *
jid_build(const char *local, const char *domain, const char *resource)
{
  gsize ll = local ? strlen(local) : 0, dl = strlen(domain), rl = resource ? strlen(resource) : 0;
  gsize bare_len = (local ? ll + 1 : 0) + dl;
  gsize full_len = bare_len + (resource ? rl + 1 : 0);
  XmppJid *jid = g_malloc(sizeof *jid + full_len + 1 + bare_len + 1 + ll + 1 + dl + 1 + rl + 1);
  char *p = jid->data;

  jid->full = p;
  if (local)
    p = g_stpcpy(g_stpcpy(p, local), "@");
  p = g_stpcpy(p, domain);
  if (resource)
    p = g_stpcpy(g_stpcpy(p, "/"), resource);
  p++;
  jid->bare = p;
  memcpy(p, jid->full, bare_len);
  p[bare_len] = '\0';
  p += bare_len + 1;
  jid->local = NULL;
  if (local) {
    jid->local = p;
    p = g_stpcpy(p, local) + 1;
  }
  jid->domain = p;
  p = g_stpcpy(p, domain) + 1;
  jid->resource = NULL;
  if (resource) {
    jid->resource = p;
    strcpy(p, resource);
  }
  return jid;
}

/* ---- PRECIS helpers ---- */

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

/* Full UsernameCaseMapped on a non-ASCII (or otherwise unusual) localpart; NULL if invalid. */
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

static char *
local_normalise(const char *in, gsize len, GError **error)
{
  gboolean ascii = TRUE;
  char *out;

  if (len == 0 || len > RAW_PART_MAX) {
    g_set_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART,
                len ? "localpart too long" : "empty localpart");
    return NULL;
  }
  for (gsize i = 0; i < len && ascii; i++)
    ascii = (guchar)in[i] >= 0x21 && (guchar)in[i] <= 0x7E && !strchr("\"&'/:<>@", in[i]);
  if (ascii) { /* fast path: ASCII lower-casing is the whole of PRECIS here */
    out = g_ascii_strdown(in, len);
  } else {
    g_autofree char *again = NULL;
    out = local_prepare(in, len);
    if (out)
      again = local_prepare(out, -1);
    if (!out || g_strcmp0(out, again) != 0) {
      g_free(out);
      g_set_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART,
                  "localpart not allowed by PRECIS UsernameCaseMapped (RFC 8265 §3.3)");
      return NULL;
    }
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
static char *
resource_normalise(const char *in, gsize len, GError **error)
{
  const char *why = NULL;
  char *out = NULL;
  gboolean ascii = len > 0 && len <= RAW_PART_MAX;

  for (gsize i = 0; i < len && ascii; i++)
    ascii = (guchar)in[i] >= 0x20 && (guchar)in[i] < 0x7F;
  if (len == 0) {
    why = "empty resourcepart";
  } else if (len > RAW_PART_MAX) {
    why = "resourcepart too long";
  } else if (ascii) {
    out = g_strndup(in, len);
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

/* Checks an ASCII domain name in A-label form and lowercases it; NULL when not LDH. */
static char *
domain_ascii(const char *in, gsize len)
{
  gsize label = 0;
  gboolean digits_only = TRUE;

  if (len == 0 || len > DOMAIN_MAX_ASCII)
    return NULL;
  for (gsize i = 0; i <= len; i++) {
    char c = i < len ? in[i] : '.';
    if (c == '.') {
      const char *l = in + i - label;
      /* labels of 1..63 LDH octets, no hyphen at either end, no "--" in positions 3-4
       * unless an A-label (IDNA2008, RFC 5891 §4.2.3.1) */
      if (label == 0 || label > LABEL_MAX || l[0] == '-' || l[label - 1] == '-' ||
          (label >= 4 && l[2] == '-' && l[3] == '-' && g_ascii_strncasecmp(l, "xn", 2) != 0))
        return NULL;
      label = 0;
      continue;
    }
    if (!g_ascii_isalnum(c) && c != '-')
      return NULL;
    digits_only &= g_ascii_isdigit(c);
    label++;
  }
  if (digits_only) { /* all-numeric: only a dotted-quad IPv4 address (RFC 7622 §3.2) */
    struct in_addr a4;
    g_autofree char *s = g_strndup(in, len);
    return inet_pton(AF_INET, s, &a4) == 1 ? g_steal_pointer(&s) : NULL;
  }
  return g_ascii_strdown(in, len);
}

static char *
domain_idna(const char *in, gsize len)
{
  g_autofree char *s = g_strndup(in, len), *checked = NULL;
  char *a1 = NULL, *a2 = NULL, *u = NULL, *out = NULL;
  const int flags = IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL;

  /* IDNA2008 lookup (RFC 5891 §5) with the UTS #46 mapping standing in for RFC 5895; then
   * back to U-labels, and the U-labels must give the same A-labels again. */
  if (idn2_lookup_u8((const uint8_t *)s, (uint8_t **)&a1, flags) == IDN2_OK) {
    gsize alen = strlen(a1);
    if (alen > 0 && a1[alen - 1] == '.') /* e.g. a trailing U+3002 mapped to '.' */
      a1[--alen] = '\0';
    checked = domain_ascii(a1, alen);
  }
  if (checked && idn2_to_unicode_8z8z(checked, &u, 0) == IDN2_OK &&
      idn2_lookup_u8((const uint8_t *)u, (uint8_t **)&a2, flags) == IDN2_OK &&
      strcmp(a2, checked) == 0 && strlen(u) <= XMPP_JID_MAX_PART_BYTES)
    out = g_strdup(u);
  free(a1);
  free(a2);
  free(u);
  return out;
}

/* Whether some label starts with the ACE prefix "xn--" (any case). */
static gboolean
has_a_label(const char *in, gsize len)
{
  for (gsize i = 0; i + 4 <= len; i++)
    if ((i == 0 || in[i - 1] == '.') && g_ascii_strncasecmp(in + i, "xn--", 4) == 0)
      return TRUE;
  return FALSE;
}

static char *
domain_normalise(const char *in, gsize len, GError **error)
{
  char *out = NULL;
  gboolean ascii = TRUE;

  if (len > 0 && in[len - 1] == '.') /* RFC 7622 §3.2: strip one final label separator */
    len--;
  if (len == 0) {
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_EMPTY, "empty domainpart");
    return NULL;
  }
  for (gsize i = 0; i < len && ascii; i++)
    ascii = !((guchar)in[i] & 0x80);
  if (len > RAW_PART_MAX) {
    out = NULL;
  } else if (in[0] == '[') { /* IP-literal, RFC 7622 §3.2 / RFC 3986 §3.2.2 */
    struct in6_addr a6;
    char buf[INET6_ADDRSTRLEN];
    g_autofree char *inner = len >= 2 ? g_strndup(in + 1, len - 2) : NULL;
    if (inner && in[len - 1] == ']' && inet_pton(AF_INET6, inner, &a6) == 1 &&
        inet_ntop(AF_INET6, &a6, buf, sizeof buf))
      out = g_strdup_printf("[%s]", buf);
  } else if (ascii && !has_a_label(in, len)) {
    out = domain_ascii(in, len); /* fast path: plain LDH needs no IDNA work */
  } else {
    out = domain_idna(in, len);
    if (out && g_str_is_ascii(out)) { /* ASCII results must pass the fast path too */
      g_autofree char *again = domain_ascii(out, strlen(out));
      if (g_strcmp0(again, out) != 0)
        g_clear_pointer(&out, g_free);
    }
  }
  if (!out)
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                        "domainpart is not a valid IDNA2008 name or IP literal");
  return out;
}

/* ---- public API ---- */

static XmppJid *
jid_from_parts(const char *local, gsize llen, const char *domain, gsize dlen, const char *resource,
               gsize rlen, GError **error)
{
  g_autofree char *l = NULL, *d = NULL, *r = NULL;

  if (local && !(l = local_normalise(local, llen, error)))
    return NULL;
  if (!(d = domain_normalise(domain, dlen, error)))
    return NULL;
  if (resource && !(r = resource_normalise(resource, rlen, error)))
    return NULL;
  return jid_build(l, d, r);
}

XmppJid *
xmpp_jid_parse(const char *str, GError **error)
{
  const char *slash, *at, *resource = NULL;
  gsize head_len, len;

  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (!str || !*str) {
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_EMPTY, "empty JID");
    return NULL;
  }
  len = strlen(str);
  if (!g_utf8_validate(str, len, NULL)) {
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8, "JID is not UTF-8");
    return NULL;
  }
  /* RFC 7622 §3.1: the resourcepart is everything after the first '/'; the localpart is
   * what precedes the first '@' that comes before that '/'. */
  slash = strchr(str, '/');
  head_len = slash ? (gsize)(slash - str) : len;
  if (slash)
    resource = slash + 1;
  at = memchr(str, '@', head_len);
  if (at)
    return jid_from_parts(str, at - str, at + 1, head_len - (at - str) - 1, resource,
                          resource ? len - head_len - 1 : 0, error);
  return jid_from_parts(NULL, 0, str, head_len, resource, resource ? len - head_len - 1 : 0, error);
}

XmppJid *
xmpp_jid_new(const char *local, const char *domain, const char *resource, GError **error)
{
  g_return_val_if_fail(domain != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if ((local && !g_utf8_validate(local, -1, NULL)) || !g_utf8_validate(domain, -1, NULL) ||
      (resource && !g_utf8_validate(resource, -1, NULL))) {
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8, "JID is not UTF-8");
    return NULL;
  }
  return jid_from_parts(local, local ? strlen(local) : 0, domain, strlen(domain), resource,
                        resource ? strlen(resource) : 0, error);
}

XmppJid *
xmpp_jid_copy(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  return jid_build(jid->local, jid->domain, jid->resource);
}

void
xmpp_jid_free(XmppJid *jid)
{
  g_free(jid);
}

const char *
xmpp_jid_get_local(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  return jid->local;
}

const char *
xmpp_jid_get_domain(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  return jid->domain;
}

const char *
xmpp_jid_get_resource(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  return jid->resource;
}

const char *
xmpp_jid_get_bare(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  return jid->bare;
}

const char *
xmpp_jid_get_full(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  return jid->full;
}

gboolean
xmpp_jid_is_bare(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, FALSE);
  return jid->resource == NULL;
}

gboolean
xmpp_jid_is_domain(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, FALSE);
  return jid->local == NULL && jid->resource == NULL;
}

XmppJid *
xmpp_jid_dup_bare(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  return jid_build(jid->local, jid->domain, NULL);
}

XmppJid *
xmpp_jid_with_resource(const XmppJid *jid, const char *resource, GError **error)
{
  g_autofree char *r = NULL;

  g_return_val_if_fail(jid != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (!resource)
    return xmpp_jid_dup_bare(jid);
  if (!g_utf8_validate(resource, -1, NULL)) {
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8,
                        "resource is not UTF-8");
    return NULL;
  }
  if (!(r = resource_normalise(resource, strlen(resource), error)))
    return NULL;
  return jid_build(jid->local, jid->domain, r);
}

gboolean
xmpp_jid_equal(const XmppJid *a, const XmppJid *b, XmppJidMatch how)
{
  if (!a || !b)
    return FALSE;
  /* Parts are normalised and none can contain the separators, so comparing the
   * precomputed strings is the exact part-by-part comparison. */
  if (how == XMPP_JID_MATCH_BARE)
    return strcmp(a->bare, b->bare) == 0;
  return strcmp(a->full, b->full) == 0;
}

gboolean
xmpp_jid_str_equal(const char *a, const char *b, XmppJidMatch how)
{
  g_autoptr(XmppJid) ja = a ? xmpp_jid_parse(a, NULL) : NULL;
  g_autoptr(XmppJid) jb = b ? xmpp_jid_parse(b, NULL) : NULL;

  return xmpp_jid_equal(ja, jb, how);
}

char *
xmpp_jid_normalize(const char *str)
{
  g_autoptr(XmppJid) jid = str ? xmpp_jid_parse(str, NULL) : NULL;

  return jid ? g_strdup(jid->full) : NULL;
}

guint
xmpp_jid_hash(gconstpointer jid)
{
  return g_str_hash(((const XmppJid *)jid)->full);
}

gboolean
xmpp_jid_hash_equal(gconstpointer a, gconstpointer b)
{
  return xmpp_jid_equal(a, b, XMPP_JID_MATCH_FULL);
}

char *
xmpp_jid_dup_domain_ascii(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  const char *domain = xmpp_jid_get_domain(jid);
  for (const char *p = domain; *p; p++) {
    if ((guchar)*p >= 0x80)
      goto idna;
  }
  return g_strdup(domain);
idna:;
  /* The stored form is valid IDNA2008 already (checked at parse time): only convert. */
  char *ascii = NULL;
  if (idn2_lookup_u8((const uint8_t *)domain, (uint8_t **)&ascii, IDN2_NFC_INPUT) != IDN2_OK)
    return NULL;
  char *out = g_strdup(ascii);
  free(ascii);
  return out;
}
