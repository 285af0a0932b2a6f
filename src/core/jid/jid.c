/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppJid: JID parsing, domainpart normalisation (IDNA2008, IP literals), comparison (RFC 7622). */
#include "jid/jid.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "jid/jid-private.h"
#include "jid/precis.h"

/*
 * Localpart and resourcepart preparation (PRECIS) is in precis.c.
 * Domainpart (RFC 7622 §3.2): one trailing dot removed; "[...]" must be an IPv6 address
 *  (inet_pton), kept in inet_ntop's canonical form (RFC 5952); a dotted quad is IPv4; any
 *  other all-digit name is rejected. Names go through libidn2 (IDNA2008 with UTS #46
 *  non-transitional mapping, which maps upper case), must come back LDH with labels of
 *  1..63 octets and at most 253 in total in A-label form, and are stored as lowercase
 *  U-labels (so an A-label and its U-label spelling compare equal).
 */

GQuark
xmpp_jid_error_quark(void)
{
  return g_quark_from_static_string("xmpp-jid-error-quark");
}

/* One allocation holding the strings; parts that are a prefix or suffix of another string
 * share it: resource is the tail of full, bare is full when there is no resource, and domain
 * is bare when there is no localpart. full_out receives where the caller writes the full JID
 * ("local@domain/resource", NUL-terminated); xmpp_jid_finish then fills in the rest. */
XmppJid *
xmpp_jid_alloc(gsize ll, gboolean has_local, gsize dl, gsize rl, gboolean has_resource,
               char **full_out)
{
  gsize bare_len = (has_local ? ll + 1 : 0) + dl;
  gsize full_len = bare_len + (has_resource ? rl + 1 : 0);
  gsize size = full_len + 1 + (has_resource ? bare_len + 1 : 0) + (has_local ? ll + dl + 2 : 0);
  XmppJid *jid = g_malloc(sizeof *jid + size);
  char *p = jid->data;

  jid->refs = 1;
  jid->full = *full_out = p;
  p += full_len + 1;
  jid->bare = jid->full;
  jid->resource = has_resource ? jid->full + bare_len + 1 : NULL;
  if (has_resource) {
    jid->bare = p;
    p += bare_len + 1;
  }
  jid->local = NULL;
  jid->domain = jid->bare;
  if (has_local) {
    jid->local = p;
    jid->domain = p + ll + 1;
  }
  return jid;
}

/* Copies bare, local and domain out of the full JID written after xmpp_jid_alloc. */
XmppJid *
xmpp_jid_finish(XmppJid *jid, gsize ll, gsize dl)
{
  gsize bare_len = (jid->local ? ll + 1 : 0) + dl;

  if (jid->bare != jid->full) {
    memcpy((char *)jid->bare, jid->full, bare_len);
    ((char *)jid->bare)[bare_len] = '\0';
  }
  if (jid->local) {
    memcpy((char *)jid->local, jid->full, ll);
    ((char *)jid->local)[ll] = '\0';
    memcpy((char *)jid->domain, jid->full + ll + 1, dl);
    ((char *)jid->domain)[dl] = '\0';
  }
  return jid;
}

static XmppJid *
jid_build(const char *local, const char *domain, const char *resource)
{
  gsize ll = local ? strlen(local) : 0, dl = strlen(domain), rl = resource ? strlen(resource) : 0;
  char *p;
  XmppJid *jid = xmpp_jid_alloc(ll, local != NULL, dl, rl, resource != NULL, &p);

  if (local) {
    memcpy(p, local, ll);
    p += ll;
    *p++ = '@';
  }
  memcpy(p, domain, dl);
  p += dl;
  if (resource) {
    *p++ = '/';
    memcpy(p, resource, rl);
    p += rl;
  }
  *p = '\0';
  return xmpp_jid_finish(jid, ll, dl);
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
  if (len > XMPP_PRECIS_RAW_PART_MAX) {
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

/* ---- general path ---- */

/* With fast, ASCII parts that fast_*_ok accept skip PRECIS (the result is the same); without
 * it every local and resource part goes through precis.c, which the tests use as the
 * reference. Domains always go through domain_normalise, whose LDH check is the reference
 * for xmpp_jid_ascii_domain_len. */
static XmppJid *
jid_from_parts(const char *local, gsize llen, const char *domain, gsize dlen, const char *resource,
               gsize rlen, gboolean fast, GError **error)
{
  g_autofree char *l = NULL, *d = NULL, *r = NULL;

  if (local && !(fast && (l = xmpp_jid_ascii_part_dup(xmpp_jid_ascii_local_write, local, llen))) &&
      !(l = xmpp_precis_prepare_localpart(local, llen, error)))
    return NULL;
  if (!(d = domain_normalise(domain, dlen, error)))
    return NULL;
  if (resource &&
      !(fast && (r = xmpp_jid_ascii_part_dup(xmpp_jid_ascii_resource_write, resource, rlen))) &&
      !(r = xmpp_precis_prepare_resourcepart(resource, rlen, error)))
    return NULL;
  return jid_build(l, d, r);
}

static XmppJid *
jid_parse_general(const char *str, gboolean fast, GError **error)
{
  const char *slash, *at, *resource = NULL;
  gsize head_len, len;

  if (!str || !*str) {
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_EMPTY, "empty JID");
    return NULL;
  }
  len = strlen(str);
  if (!g_utf8_validate(str, len, NULL)) {
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8, "JID is not UTF-8");
    return NULL;
  }
  /* RFC 7622 §3.1, as in xmpp_jid_ascii_split */
  slash = strchr(str, '/');
  head_len = slash ? (gsize)(slash - str) : len;
  if (slash)
    resource = slash + 1;
  at = memchr(str, '@', head_len);
  if (at)
    return jid_from_parts(str, at - str, at + 1, head_len - (at - str) - 1, resource,
                          resource ? len - head_len - 1 : 0, fast, error);
  return jid_from_parts(NULL, 0, str, head_len, resource, resource ? len - head_len - 1 : 0, fast,
                        error);
}

static XmppJid *
jid_new_general(const char *local, const char *domain, const char *resource, gboolean fast,
                GError **error)
{
  if ((local && !g_utf8_validate(local, -1, NULL)) || !g_utf8_validate(domain, -1, NULL) ||
      (resource && !g_utf8_validate(resource, -1, NULL))) {
    g_set_error_literal(error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8, "JID is not UTF-8");
    return NULL;
  }
  return jid_from_parts(local, local ? strlen(local) : 0, domain, strlen(domain), resource,
                        resource ? strlen(resource) : 0, fast, error);
}

XmppJid *
xmpp_jid_parse_slow(const char *str, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  return jid_parse_general(str, FALSE, error);
}

XmppJid *
xmpp_jid_new_slow(const char *local, const char *domain, const char *resource, GError **error)
{
  g_return_val_if_fail(domain != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  return jid_new_general(local, domain, resource, FALSE, error);
}

/* ---- public API ---- */

XmppJid *
xmpp_jid_parse(const char *str, GError **error)
{
  JidSpan sp;
  XmppJid *jid;

  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (str && xmpp_jid_ascii_split(str, &sp) && (jid = xmpp_jid_ascii_span_build(&sp)))
    return jid;
  return jid_parse_general(str, TRUE, error);
}

XmppJid *
xmpp_jid_new(const char *local, const char *domain, const char *resource, GError **error)
{
  JidSpan sp = {local, domain, resource, 0, 0, 0};
  XmppJid *jid;

  g_return_val_if_fail(domain != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  sp.ll = local ? strlen(local) : 0;
  sp.dl = xmpp_jid_ascii_domain_len(domain, strlen(domain));
  sp.rl = resource ? strlen(resource) : 0;
  if ((!local || xmpp_jid_ascii_len_ok(sp.ll)) && sp.dl > 0 &&
      (!resource || xmpp_jid_ascii_len_ok(sp.rl)) && (jid = xmpp_jid_ascii_span_build(&sp)))
    return jid;
  return jid_new_general(local, domain, resource, TRUE, error);
}

XmppJid *
xmpp_jid_copy(const XmppJid *jid)
{
  g_return_val_if_fail(jid != NULL, NULL);
  XmppJid *shared = (XmppJid *)jid; /* only refs changes: the strings are never written again */
  g_atomic_int_inc(&shared->refs);
  return shared;
}

void
xmpp_jid_free(XmppJid *jid)
{
  if (jid != NULL && g_atomic_int_dec_and_test(&jid->refs))
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
  return jid->resource == NULL ? xmpp_jid_copy(jid) : jid_build(jid->local, jid->domain, NULL);
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
  if (!(r = xmpp_jid_ascii_part_dup(xmpp_jid_ascii_resource_write, resource, strlen(resource))) &&
      !(r = xmpp_precis_prepare_resourcepart(resource, strlen(resource), error)))
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
  JidSpan sp;
  g_autoptr(XmppJid) jid = NULL;

  if (!str)
    return NULL;
  if (xmpp_jid_ascii_split(str, &sp)) { /* write the full form directly, no XmppJid in between */
    char *out = g_malloc(xmpp_jid_ascii_span_full_len(&sp) + 1);
    if (xmpp_jid_ascii_span_write_full(&sp, out))
      return out;
    g_free(out);
  }
  jid = jid_parse_general(str, TRUE, NULL);
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
