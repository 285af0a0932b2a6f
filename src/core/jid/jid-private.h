/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the JID layer (jid.c, jid-ascii.c) and its tests: the XmppJid layout, the ASCII
 * fast path, and the general parser as a reference. */
#pragma once

#include "jid/jid.h"

G_BEGIN_DECLS

#define DOMAIN_MAX_ASCII 253 /* RFC 1035 §2.3.4, in A-label form without the final dot */
#define LABEL_MAX        63  /* RFC 1035 §2.3.4 */

/* Immutable once built: a copy is one more reference (refs), never new strings. */
struct _XmppJid {
  gint refs;
  const char *local; /* NULL when absent */
  const char *domain;
  const char *resource; /* NULL when absent */
  const char *bare;
  const char *full;
  char data[]; /* full, bare, local, domain, resource; each NUL-terminated */
};

/* One allocation for all the strings of a JID of these part lengths; the caller writes the
 * full JID at *full_out, then xmpp_jid_finish fills in the others (jid.c). */
XmppJid *xmpp_jid_alloc(gsize ll, gboolean has_local, gsize dl, gsize rl, gboolean has_resource,
                        char **full_out);
XmppJid *xmpp_jid_finish(XmppJid *jid, gsize ll, gsize dl);

/* ---- the ASCII fast path (jid-ascii.c) ---- */

/* A JID string split into parts (not NUL-terminated; dl without a final dot). */
typedef struct {
  const char *local, *domain, *resource;
  gsize ll, dl, rl;
} JidSpan;

/* Each writes a part's prepared form to dst (len bytes, no NUL) and returns its end, or NULL
 * when the general path must decide. */
char *xmpp_jid_ascii_local_write(char *dst, const char *s, gsize len);
char *xmpp_jid_ascii_domain_write(char *dst, const char *s, gsize len);
char *xmpp_jid_ascii_resource_write(char *dst, const char *s, gsize len);
/* 1..XMPP_JID_MAX_PART_BYTES */
gboolean xmpp_jid_ascii_len_ok(gsize len);
/* The domain's length without one final dot, 0 when the fast path cannot take it. */
gsize xmpp_jid_ascii_domain_len(const char *s, gsize len);
/* Splits str; FALSE when a part is empty or too long for the fast path. */
gboolean xmpp_jid_ascii_split(const char *str, JidSpan *sp);
gsize xmpp_jid_ascii_span_full_len(const JidSpan *sp);
/* The normalised full JID, NUL-terminated, into p; FALSE when the general path must decide. */
gboolean xmpp_jid_ascii_span_write_full(const JidSpan *sp, char *p);
/* The XmppJid for a span, or NULL when the general path must handle it. */
XmppJid *xmpp_jid_ascii_span_build(const JidSpan *sp);
/* One part through its writer as a new string; NULL when the general path must decide. */
char *xmpp_jid_ascii_part_dup(char *(*write)(char *, const char *, gsize), const char *s,
                              gsize len);

/* ---- the general path as a reference (jid.c) ---- */

/* xmpp_jid_parse and xmpp_jid_new without the ASCII fast path: every localpart and
 * resourcepart goes through full PRECIS (precis.c) and every domainpart through
 * domain_normalise. Same results and error codes as the public functions by contract;
 * only tests/unit/test-jid.c uses these, to check that contract. */
XmppJid *xmpp_jid_parse_slow(const char *str, GError **error);
XmppJid *xmpp_jid_new_slow(const char *local, const char *domain, const char *resource,
                           GError **error);

G_END_DECLS
