/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Presence subscriptions (RFC 6121 §3): requests in both directions, approval, pre-approval,
 * cancellation and unsubscription, and what we do with incoming subscription stanzas. */
#pragma once

#include "im/presence.h"
#include "im/namespaces.h"

G_BEGIN_DECLS

/* The subscription state of a contact as far as we know it (RFC 6121 §2.1.2.5 and the
 * pending "ask" state of §3.1.2). */
typedef struct _XmppSubscriptionState {
  gboolean to;         /* we receive their presence */
  gboolean from;       /* they receive ours */
  gboolean ask;        /* our request to them is pending */
  gboolean pending_in; /* their request to us is waiting for the user's answer */
  gboolean approved;   /* we pre-approved them (§3.4) */
} XmppSubscriptionState;

/* §3.1.1: ask to see jid's presence (message: optional <status/>). FALSE when jid is invalid. */
gboolean xmpp_subscription_request(XmppPresence *presence, const char *jid, const char *message);
/* §3.1.4 approve, or §3.4 pre-approve when there is no pending request (and the server
 * supports pre-approval). FALSE when jid is invalid, or pre-approval is not possible. */
gboolean xmpp_subscription_approve(XmppPresence *presence, const char *jid);
/* §3.2.1: cancel (or deny) jid's subscription to our presence: <presence type='unsubscribed'/>. */
gboolean xmpp_subscription_cancel(XmppPresence *presence, const char *jid);
/* §3.3.1: stop receiving jid's presence: <presence type='unsubscribe'/>. */
gboolean xmpp_subscription_unsubscribe(XmppPresence *presence, const char *jid);
/* The user's answer to a subscription_request event. accept: subscribed, and when we do not
 * receive their presence yet and have not asked, a subscribe back (users expect mutual
 * subscriptions). !accept: unsubscribed. */
void xmpp_subscription_answer(XmppPresence *presence, const char *jid, gboolean accept);

/* What we know of jid's subscription (roster state plus requests seen this session). */
XmppSubscriptionState xmpp_subscription_get_state(XmppPresence *presence, const char *bare);

/* Handles a received subscription stanza (subscribe, subscribed, unsubscribe, unsubscribed).
 * Called by presence.c. */
void xmpp_subscription_handle(XmppPresence *presence, const XmppPresenceInfo *info);
/* Requests that are waiting for the user (bounded: XMPP_SUBSCRIPTION_MAX_PENDING). */
#define XMPP_SUBSCRIPTION_MAX_PENDING 256

G_END_DECLS
