/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRouter: per-session stanza dispatch. Handlers are keyed by (stanza kind, payload
 * namespace, payload name); pending IQs end exactly once (result, error, timeout or close), and
 * a reply is accepted only from the JID the request went to (RFC 6120 §8.1.2.1, T38).
 *
 * The dispatch order is a property of the model, not of the order modules were created in:
 *   1. observers: every observer whose key matches sees the stanza (caps, avatars, attention);
 *      they cannot stop it;
 *   2. keyed owners (ns and/or name given), in the order they were added; the first that
 *      returns CONSUMED owns the stanza (a PEP event, later a carbon, a MAM result, groupchat);
 *   3. catch-all owners (no key): the chat message, the presence of a contact.
 * Exactly one owner decides what a stanza is. Handlers added while a stanza is being dispatched
 * do not see that stanza; handlers removed meanwhile are not called again. */
#pragma once

#include "host.h"
#include "router/stanza.h"

G_BEGIN_DECLS

typedef enum {
  XMPP_HANDLER_PASS,     /* not mine: try the next handler */
  XMPP_HANDLER_CONSUMED, /* handled (for IQs: a reply was sent or will be) */
} XmppHandlerResult;

/* An owner: CONSUMED ends the dispatch (the stanza is this owner's), PASS lets the next try. */
typedef XmppHandlerResult (*XmppStanzaHandler)(XmppStanza *stanza, gpointer user_data);
/* An observer: sees every matching stanza before its owner, and cannot stop it. */
typedef void (*XmppStanzaObserver)(const XmppStanza *stanza, gpointer user_data);

/* An IQ that ended without any reply (not RFC 6120 conditions: nothing came on the wire). */
#define XMPP_IQ_ERROR (xmpp_iq_error_quark())
GQuark xmpp_iq_error_quark(void);
typedef enum {
  XMPP_IQ_ERROR_TIMEOUT,        /* no reply in time */
  XMPP_IQ_ERROR_SESSION_CLOSED, /* the session ended before a reply */
  XMPP_IQ_ERROR_RANDOM,         /* not sent: no random data for an unpredictable id */
  XMPP_IQ_ERROR_TOO_MANY,       /* not sent: XMPP_ROUTER_MAX_PENDING_IQ requests are waiting */
  XMPP_IQ_ERROR_CANCELLED,      /* its owner ended it (xmpp_router_cancel_owner) */
} XmppIqError;

/* The request ended because its session or its owner went away (SESSION_CLOSED, CANCELLED):
 * nobody waits for it any more, so there is nothing to show or retry. */
gboolean xmpp_iq_error_is_ended(const GError *error);

/* Exactly one call per request: reply is the result or error stanza (borrowed), or NULL on
 * timeout or close; error is set when the reply is an error (XMPP_STANZA_ERROR, carrying the
 * parsed XmppStanzaErrorInfo: xmpp_stanza_error_info_from_gerror()) or there is no reply
 * (XMPP_IQ_ERROR). */
typedef void (*XmppIqCallback)(const XmppStanza *reply, const GError *error, gpointer user_data);

#define XMPP_ROUTER_IQ_TIMEOUT_MS  60000 /* default reply timeout */
#define XMPP_ROUTER_MAX_PENDING_IQ 4096  /* beyond this, new requests fail at once */

typedef struct _XmppRouter XmppRouter;

/* send: how the router hands a stanza to the stream (borrowed node). */
XmppRouter *xmpp_router_new(const XmppHost *host, void (*send)(gpointer, const XmppNode *),
                            gpointer send_data);
/* Ends every pending IQ with SESSION_CLOSED first. */
void xmpp_router_free(XmppRouter *router);

/* Our own full JID once bound (for origin checks); NULL before. */
void xmpp_router_set_own_jid(XmppRouter *router, const XmppJid *jid);
const XmppJid *xmpp_router_get_own_jid(const XmppRouter *router);

/* ns/name NULL means any. For IQs, the key matches the payload (first child element); for
 * messages and presences, a key matches when a child element matches it; no key at all matches
 * every stanza of the kind. Both return a handle for xmpp_router_remove_handler(). */
guint xmpp_router_add_owner(XmppRouter *router, XmppStanzaKind kind, const char *ns,
                            const char *name, XmppStanzaHandler handler, gpointer user_data,
                            GDestroyNotify destroy);
guint xmpp_router_add_observer(XmppRouter *router, XmppStanzaKind kind, const char *ns,
                               const char *name, XmppStanzaObserver observer, gpointer user_data,
                               GDestroyNotify destroy);
void xmpp_router_remove_handler(XmppRouter *router, guint handle);

/* Dispatches a received stanza (takes node). Results/errors go to pending IQs after the origin
 * check; get/set IQs that no handler consumes get a service-unavailable error reply (or
 * feature-not-implemented when the namespace is known but the type is not handled). */
void xmpp_router_dispatch(XmppRouter *router, XmppNode *node);

/* Sends an IQ get/set (takes iq) for `owner`: the module that sends it, which ends its own
 * requests with xmpp_router_cancel_owner() when it is freed (NULL: a caller that lives as long
 * as the router). Gives the IQ a fresh random id and remembers where it went. The callback
 * runs exactly once; destroy runs right after it. timeout_ms 0 means
 * XMPP_ROUTER_IQ_TIMEOUT_MS. */
void xmpp_router_send_iq(XmppRouter *router, gconstpointer owner, XmppNode *iq, guint timeout_ms,
                         XmppIqCallback cb, gpointer user_data, GDestroyNotify destroy);
/* The callback of a request whose answer changes nothing (a close, a terminate): told, not asked.
 */
void xmpp_router_ignore_answer(const XmppStanza *reply, const GError *error, gpointer user_data);
/* Ends every pending request of owner now, oldest first: each callback runs once with
 * XMPP_IQ_ERROR_CANCELLED, then its destroy. A module calls it first in its _free, while it is
 * still whole, so that no reply can reach it afterwards. A late reply to such a request is
 * ignored like any unknown id. Requests the callbacks send meanwhile for the same owner are
 * cancelled too. */
void xmpp_router_cancel_owner(XmppRouter *router, gconstpointer owner);
/* Sends any stanza as is (borrowed). */
void xmpp_router_send(XmppRouter *router, const XmppNode *node);
/* Ends every pending IQ with SESSION_CLOSED (the session lost its stream for good). */
void xmpp_router_fail_pending(XmppRouter *router);
guint xmpp_router_n_pending(const XmppRouter *router);
/* Whether a stanza that starts with `start` (its start tag: name, namespace and attributes,
 * no children yet) is the result of one of our pending IQs to our own account (no 'to', or our
 * bare JID; e.g. the roster) coming from there: the only stanza a client stream lets grow past
 * the normal size limit (XMPP_XML_MAX_CLIENT_STANZA_BYTES in xml/parser.h). */
gboolean xmpp_router_expects_large_reply(const XmppRouter *router, const XmppNode *start);

/* Does this stanza come from our own account (RFC 6121 §2.1.6, XEP-0280 §11): no from at all,
 * or a from whose bare JID is ours (xmpp_jid_equal, so case variants match: T35). An invalid
 * from never does. */
gboolean xmpp_router_is_from_self(const XmppRouter *router, const XmppStanza *stanza);

G_END_DECLS
