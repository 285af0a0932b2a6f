/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ASCII fast path of JID preparation: plain canonical parts checked and lower-cased in one
 * pass, everything else left to the general path in jid.c (the reference). */
#include "jid/jid-private.h"

#include <string.h>

/*
 * Nearly every JID on the wire is plain ASCII and already canonical. For such parts the
 * PRECIS and IDNA machinery reduces to a byte scan plus ASCII lower-casing, so they are
 * checked here and anything unusual (non-ASCII, forbidden or control characters, empty or
 * over-long parts, A-labels, IP literals, all-numeric names) takes the general path, which
 * is the reference: the fast path must give byte-identical results, and
 * tests/unit/test-jid.c checks that against xmpp_jid_parse_slow (jid-private.h).
 */

/* Byte classes for the fast path. C_UPPER is 0x20 on purpose: OR-ing it in lower-cases. */
enum {
  C_LOCAL = 0x01, /* printable ASCII except RFC 7622 §3.3.1's " & ' / : < > @ */
  C_RES = 0x02,   /* 0x20..0x7E */
  C_LDH = 0x04,   /* letter or hyphen */
  C_DIGIT = 0x08,
  C_DOT = 0x10,
  C_UPPER = 0x20,
};
#define C_LR (C_LOCAL | C_RES)

/* Bytes >= 0x80 and controls are 0: they always take the general path. */
static const guint8 fast_class[256] = {
    [' '] = C_RES,          ['!'] = C_LR,
    ['"'] = C_RES,          ['#' ... '%'] = C_LR,
    ['&' ... '\''] = C_RES, ['(' ... ','] = C_LR,
    ['-'] = C_LR | C_LDH,   ['.'] = C_LR | C_DOT,
    ['/'] = C_RES,          ['0' ... '9'] = C_LR | C_DIGIT,
    [':'] = C_RES,          [';'] = C_LR,
    ['<'] = C_RES,          ['='] = C_LR,
    ['>'] = C_RES,          ['?'] = C_LR,
    ['@'] = C_RES,          ['A' ... 'Z'] = C_LR | C_LDH | C_UPPER,
    ['[' ... '`'] = C_LR,   ['a' ... 'z'] = C_LR | C_LDH,
    ['{' ... '~'] = C_LR,
};

/* Localpart: printable ASCII (RFC 8264 §9.11 ASCII7 minus space) without RFC 7622 §3.3.1's
 * exclusions. On such a string UsernameCaseMapped's width mapping, NFC and Bidi Rule change
 * nothing, so its case mapping (ASCII lower-casing) is the whole result and the length is
 * unchanged. Writes the result to dst (len bytes, no NUL) and returns the end, or NULL when
 * the general path must decide. len is 1..XMPP_JID_MAX_PART_BYTES (xmpp_jid_ascii_len_ok). */
char *
xmpp_jid_ascii_local_write(char *dst, const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    guint8 cls = fast_class[(guchar)s[i]];
    if (!(cls & C_LOCAL))
      return NULL;
    dst[i] = (char)(s[i] | (cls & C_UPPER));
  }
  return dst + len;
}

/* One label of xmpp_jid_ascii_domain_write: 1..63 octets, no hyphen at either end, no "--" in
 * positions 3-4 (which also sends "xn--" A-labels to IDNA). */
static gboolean
fast_label_ok(const char *l, gsize n)
{
  return n > 0 && n <= LABEL_MAX && l[0] != '-' && l[n - 1] != '-' &&
         !(n >= 4 && l[2] == '-' && l[3] == '-');
}

/* Domainpart: an LDH name (RFC 7622 §3.2, RFC 5891 §4.2.3.1) of 1..253 octets (len, the final
 * dot already removed) made of fast_label_ok labels with at least one non-digit (all-numeric
 * names may be IPv4 addresses). Writes it lower-cased like xmpp_jid_ascii_local_write. */
char *
xmpp_jid_ascii_domain_write(char *dst, const char *s, gsize len)
{
  gsize start = 0;
  guint8 seen = 0;

  for (gsize i = 0; i < len; i++) {
    guint8 cls = fast_class[(guchar)s[i]];
    if (cls & (C_LDH | C_DIGIT)) {
      seen |= cls;
      dst[i] = (char)(s[i] | (cls & C_UPPER));
    } else if ((cls & C_DOT) && fast_label_ok(s + start, i - start)) {
      dst[i] = '.';
      start = i + 1;
    } else {
      return NULL;
    }
  }
  return (seen & C_LDH) && fast_label_ok(s + start, len - start) ? dst + len : NULL;
}

/* Resourcepart: ASCII 0x20..0x7E is kept as is by OpaqueString (RFC 8265 §4.2; space is
 * allowed there, and NFC and the space mapping change nothing in ASCII). */
char *
xmpp_jid_ascii_resource_write(char *dst, const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    if (!(fast_class[(guchar)s[i]] & C_RES))
      return NULL;
    dst[i] = s[i];
  }
  return dst + len;
}

gboolean
xmpp_jid_ascii_len_ok(gsize len)
{
  return len > 0 && len <= XMPP_JID_MAX_PART_BYTES;
}

/* The length of a domainpart without its final dot (RFC 7622 §3.2), or 0 when that is empty
 * or too long for an LDH name. */
gsize
xmpp_jid_ascii_domain_len(const char *s, gsize len)
{
  if (len > 0 && s[len - 1] == '.')
    len--;
  return len <= DOMAIN_MAX_ASCII ? len : 0;
}

/* The located parts of a JID (RFC 7622 §3.1); local and resource NULL when absent. */

/* Splits a NUL-terminated string; dl is the domain length without a final dot. FALSE when
 * some part is empty or too long for the fast path. Bytes >= 0x80 never match '/' or '@', so
 * the split of non-ASCII input is right too, and the part writers refuse those bytes. */
gboolean
xmpp_jid_ascii_split(const char *str, JidSpan *sp)
{
  /* RFC 7622 §3.1: the resourcepart is everything after the first '/'; the localpart is
   * what precedes the first '@' that comes before that '/'. */
  const char *slash = strchr(str, '/');
  gsize head_len = slash ? (gsize)(slash - str) : strlen(str);
  const char *at = memchr(str, '@', head_len);

  sp->local = at ? str : NULL;
  sp->ll = at ? (gsize)(at - str) : 0;
  sp->domain = at ? at + 1 : str;
  sp->dl = xmpp_jid_ascii_domain_len(sp->domain, head_len - (at ? sp->ll + 1 : 0));
  sp->resource = slash ? slash + 1 : NULL;
  sp->rl = slash ? strlen(slash + 1) : 0;
  return (!at || xmpp_jid_ascii_len_ok(sp->ll)) && sp->dl > 0 &&
         (!slash || xmpp_jid_ascii_len_ok(sp->rl));
}

gsize
xmpp_jid_ascii_span_full_len(const JidSpan *sp)
{
  return (sp->local ? sp->ll + 1 : 0) + sp->dl + (sp->resource ? sp->rl + 1 : 0);
}

/* Writes the normalised full JID, NUL-terminated, to p (xmpp_jid_ascii_span_full_len + 1 bytes).
 * FALSE when some part needs the general path (p then holds garbage). */
gboolean
xmpp_jid_ascii_span_write_full(const JidSpan *sp, char *p)
{
  if (sp->local) {
    if (!(p = xmpp_jid_ascii_local_write(p, sp->local, sp->ll)))
      return FALSE;
    *p++ = '@';
  }
  if (!(p = xmpp_jid_ascii_domain_write(p, sp->domain, sp->dl)))
    return FALSE;
  if (sp->resource) {
    *p++ = '/';
    if (!(p = xmpp_jid_ascii_resource_write(p, sp->resource, sp->rl)))
      return FALSE;
  }
  *p = '\0';
  return TRUE;
}

/* The XmppJid for a span, or NULL when the general path must handle it. */
XmppJid *
xmpp_jid_ascii_span_build(const JidSpan *sp)
{
  char *full;
  XmppJid *jid =
      xmpp_jid_alloc(sp->ll, sp->local != NULL, sp->dl, sp->rl, sp->resource != NULL, &full);

  if (!xmpp_jid_ascii_span_write_full(sp, full)) {
    g_free(jid);
    return NULL;
  }
  return xmpp_jid_finish(jid, sp->ll, sp->dl);
}

/* One part through its fast_*_write, as a new string; NULL when the general path must decide. */
char *
xmpp_jid_ascii_part_dup(char *(*write)(char *, const char *, gsize), const char *s, gsize len)
{
  char *out, *end;

  if (!xmpp_jid_ascii_len_ok(len))
    return NULL;
  out = g_malloc(len + 1);
  if (!(end = write(out, s, len))) {
    g_free(out);
    return NULL;
  }
  *end = '\0';
  return out;
}
