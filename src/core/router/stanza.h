/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppStanza: a received stanza with its addressing parsed once (kind, from, to, id, type), and
 * builders for the stanzas the core sends. */
#pragma once

#include "jid/jid.h"
#include "xml/node.h"

G_BEGIN_DECLS

typedef enum {
  XMPP_STANZA_MESSAGE,
  XMPP_STANZA_PRESENCE,
  XMPP_STANZA_IQ,
  XMPP_STANZA_OTHER, /* a depth-1 element that is not a stanza (stream features, SM, ...) */
} XmppStanzaKind;

typedef struct _XmppStanza {
  XmppStanzaKind kind;
  XmppNode *node;        /* owned */
  XmppJid *from;         /* NULL when absent or invalid */
  XmppJid *to;           /* NULL when absent or invalid */
  gboolean from_invalid; /* a from attribute was present but is not a valid JID */
  gboolean to_invalid;
  const char *id;   /* borrowed from node; NULL when absent */
  const char *type; /* borrowed from node; NULL when absent */
} XmppStanza;

/* Takes node. Never fails: bad addresses are recorded in from_invalid/to_invalid. */
XmppStanza *xmpp_stanza_new(XmppNode *node);

/* The from and to parsed last: a connection sees the same few addresses again and again (our
 * own JID in every to), so a stanza whose address is spelled exactly as the previous one's
 * shares that parsed JID instead of parsing it again. Zero-initialise; clear when done. */
typedef struct {
  char *text[2];   /* from, to: the attribute as it was spelled */
  XmppJid *jid[2]; /* what it parsed to (always valid: invalid ones are not kept) */
} XmppAddressCache;

/* xmpp_stanza_new, with cache (may be NULL) consulted and updated. */
XmppStanza *xmpp_stanza_new_cached(XmppNode *node, XmppAddressCache *cache);
void xmpp_address_cache_clear(XmppAddressCache *cache);
void xmpp_stanza_free(XmppStanza *stanza);

/* The first element child of an IQ (its payload), or NULL. */
XmppNode *xmpp_stanza_get_payload(const XmppStanza *stanza);

/* <iq type=type to=to id=id/> (to and id may be NULL). */
XmppNode *xmpp_stanza_new_iq(const char *type, const char *to, const char *id);
/* <iq type='result' to=request.from id=request.id/> */
XmppNode *xmpp_stanza_new_iq_result(const XmppStanza *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppStanza, xmpp_stanza_free)

G_END_DECLS
