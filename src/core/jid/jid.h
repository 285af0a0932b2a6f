/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppJid: an immutable, validated and normalised JID (RFC 7622). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XMPP_JID_MAX_PART_BYTES 1023 /* RFC 7622 §3.2-3.4 */

#define XMPP_JID_ERROR (xmpp_jid_error_quark())
GQuark xmpp_jid_error_quark(void);

typedef enum {
  XMPP_JID_ERROR_EMPTY,        /* empty string or empty domain */
  XMPP_JID_ERROR_LOCALPART,    /* invalid localpart (forbidden char, empty before @, too long) */
  XMPP_JID_ERROR_DOMAINPART,   /* invalid domainpart (IDNA2008, IP literal, too long) */
  XMPP_JID_ERROR_RESOURCEPART, /* invalid resourcepart (control chars, empty after /, too long) */
  XMPP_JID_ERROR_INVALID_UTF8,
} XmppJidError;

typedef struct _XmppJid XmppJid;

/* Parses, validates and normalises: localpart case-mapped (PRECIS UsernameCaseMapped),
 * domain IDNA2008 (U-labels kept as U-labels, lowercase, NFC) with a trailing dot removed,
 * resource kept exact (NFC only). NULL with error when invalid. */
XmppJid *xmpp_jid_parse(const char *str, GError **error);
/* From parts (local and resource may be NULL). */
XmppJid *xmpp_jid_new(const char *local, const char *domain, const char *resource, GError **error);
/* A JID never changes once made: a copy shares it (a reference) and costs no allocation;
 * xmpp_jid_free drops one. */
XmppJid *xmpp_jid_copy(const XmppJid *jid);
void xmpp_jid_free(XmppJid *jid);

const char *xmpp_jid_get_local(const XmppJid *jid);    /* NULL when absent */
const char *xmpp_jid_get_domain(const XmppJid *jid);   /* never NULL */
const char *xmpp_jid_get_resource(const XmppJid *jid); /* NULL when absent */
const char *xmpp_jid_get_bare(const XmppJid *jid);     /* "local@domain" or "domain" */
const char *xmpp_jid_get_full(const XmppJid *jid);     /* bare plus "/resource" if any */

gboolean xmpp_jid_is_bare(const XmppJid *jid);
gboolean xmpp_jid_is_domain(const XmppJid *jid); /* no localpart and no resource */

XmppJid *xmpp_jid_dup_bare(const XmppJid *jid);
/* The bare part of jid with a new resource (NULL resource gives the bare JID). */
XmppJid *xmpp_jid_with_resource(const XmppJid *jid, const char *resource, GError **error);

typedef enum {
  XMPP_JID_MATCH_FULL, /* all three parts equal */
  XMPP_JID_MATCH_BARE, /* localpart and domain equal, resources ignored */
} XmppJidMatch;

/* THE comparison every origin check uses. Both are normalised already, so this is exact
 * comparison of normalised parts. NULL never equals anything (not even NULL). */
gboolean xmpp_jid_equal(const XmppJid *a, const XmppJid *b, XmppJidMatch how);
/* Same on strings: both are parsed; an invalid or NULL string never matches. */
gboolean xmpp_jid_str_equal(const char *a, const char *b, XmppJidMatch how);

/* The domain in A-label (ASCII) form, for DNS, SNI and certificate checks (transfer full). */
char *xmpp_jid_dup_domain_ascii(const XmppJid *jid);

/* Normalised full form of str, or NULL when invalid (for purple's normalize). */
char *xmpp_jid_normalize(const char *str);

guint xmpp_jid_hash(gconstpointer jid);                         /* full-JID hash for GHashTable */
gboolean xmpp_jid_hash_equal(gconstpointer a, gconstpointer b); /* full-JID equality */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppJid, xmpp_jid_free)

G_END_DECLS
