/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCaps: XEP-0115 entity capabilities: our hash, learning and verifying peers' (bounded cache,
 * T47). */
#pragma once

#include "services/disco.h"
#include "im/presence.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

#define XMPP_CAPS_NODE "https://lyre.im" /* our caps node (XEP-0115 §4) */
#define XMPP_CAPS_HASH "sha-1"           /* the only hash we compute and verify (§5) */

/* Hard limits (T47): a flood of distinct ver values costs at most this much. */
#define XMPP_CAPS_MAX_CACHE       2000        /* verified ver -> features; oldest out */
#define XMPP_CAPS_MAX_INFLIGHT    10          /* disco#info queries for unknown vers at once */
#define XMPP_CAPS_MAX_JIDS        5000        /* full JIDs whose caps we remember */
#define XMPP_CAPS_MAX_UNVERIFIED  64          /* of those, holding answers of their own */
#define XMPP_CAPS_MAX_ENTRY_BYTES (64 * 1024) /* a bigger answer is never kept */
#define XMPP_CAPS_MAX_CACHE_BYTES (8 * 1024 * 1024) /* all cached answers together */

/* The XEP-0115 §5.1 verification string S of a disco#info answer (pure). NULL when §5.4 says
 * the answer is not usable for caps (duplicate identities, features or FORM_TYPEs). */
char *xmpp_caps_verification_string(const XmppDiscoInfo *info);
/* Base64 of SHA-1 over that string (§5.1 step 9, §5.4 step 3.3); NULL as above. */
char *xmpp_caps_compute_ver(const XmppDiscoInfo *info);

typedef struct _XmppCaps XmppCaps;

XmppCaps *xmpp_caps_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                        XmppPresence *presence);
void xmpp_caps_free(XmppCaps *caps);

/* Our ver (recomputed when the disco feature list changed); borrowed. */
const char *xmpp_caps_get_own_ver(XmppCaps *caps);
/* <c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node=... ver=.../>, transfer full. */
XmppNode *xmpp_caps_build_element(XmppCaps *caps);

/* What a peer (full JID) supports, when known: verified by hash, or answered by that JID only.
 * Borrowed; NULL when unknown. */
const XmppDiscoInfo *xmpp_caps_get_jid_info(const XmppCaps *caps, const char *full_jid);
/* The cached (verified) answer for a ver, or NULL. */
const XmppDiscoInfo *xmpp_caps_lookup(const XmppCaps *caps, const char *ver);
guint xmpp_caps_n_cached(const XmppCaps *caps);
guint xmpp_caps_n_inflight(const XmppCaps *caps);
guint xmpp_caps_n_jids(const XmppCaps *caps);
gsize xmpp_caps_get_cache_bytes(const XmppCaps *caps);
/* Handles a peer's presence (what the stanza handler does); exposed for tests. */
void xmpp_caps_handle_presence(XmppCaps *caps, const XmppNode *presence);

/* A peer's features became known (verified: TRUE when from the global cache). */
void xmpp_caps_set_learnt(XmppCaps *caps,
                          void (*learnt)(gpointer data, const char *full_jid,
                                         const XmppDiscoInfo *info, gboolean verified),
                          gpointer data);

/* The cache as a document the glue stores (transfer full). Loading re-verifies every entry and
 * keeps at most XMPP_CAPS_MAX_CACHE; returns the number of entries loaded, -1 on bad XML. */
char *xmpp_caps_cache_serialize(const XmppCaps *caps);
int xmpp_caps_cache_load(XmppCaps *caps, const char *data, gsize len);

G_END_DECLS
