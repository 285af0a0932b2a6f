/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What purple-presence.c and purple-subscription.c share: the presence glue state of one
 * connection (conn->presence_state) and the subscription glue entry points. */
#pragma once

#include "purple-glue.h"

#include "im/subscription.h"

typedef struct _XmppPurplePresence {
  XmppPurpleConn *conn;
  XmppPresence *presence;           /* borrowed from the session */
  XmppInvisibleMechanism mechanism; /* for the log and our own tooltip */
  gint64 idle_since;                /* Unix seconds, 0: not idle (set_idle) */
  GPtrArray *auth_requests;         /* XmppPurpleAuth*: questions open in the UI */
} XmppPurplePresence;

/* The presence glue state of gc (NULL when not ready). */
XmppPurplePresence *xmpp_purple_presence_get(PurpleConnection *gc);

/* purple-subscription.c */
void xmpp_purple_subscription_start(XmppPurplePresence *state);
void xmpp_purple_subscription_stop(XmppPurplePresence *state);
/* The subscription_request event: asks the user (PurpleAccountUiOps request_authorize). */
void xmpp_purple_subscription_ask(gpointer data, const char *bare, const char *message);
void xmpp_purple_subscription_changed(gpointer data, const char *bare, XmppPresenceType type);
/* prpl_info->blist_node_menu. */
GList *xmpp_purple_subscription_menu(PurpleBlistNode *node);
/* Translated description of a subscription state for the tooltip, e.g. "Both",
 * "None (awaiting authorization)". */
char *xmpp_purple_subscription_describe(const XmppSubscriptionState *state);

/* purple-presence.c: prpl-jabber's status id for a <show/> value. */
const char *xmpp_purple_presence_status_id(XmppPresenceShow show);
