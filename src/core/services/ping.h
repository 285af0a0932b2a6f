/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0199 ping: answering pings, and a keepalive that notices a dead connection in time. */
#pragma once

#include "router/router.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

#define XMPP_PING_CHECK_S 5 /* how often silence is checked */

typedef struct _XmppPing XmppPing;

/* Sends a ping to our server after interval_s seconds without received data, and calls dead()
 * when it is not answered within timeout_s. last_activity gives the monotonic time (µs) of the
 * last received byte. */
XmppPing *xmpp_ping_new(XmppRouter *router, const XmppHost *host, guint interval_s, guint timeout_s,
                        gint64 (*last_activity)(gpointer data), void (*dead)(gpointer data),
                        gpointer data);
/* An outstanding ping is cancelled (xmpp_router_cancel_owner). NULL is fine. */
void xmpp_ping_free(XmppPing *ping);

/* Registers the handler that answers <iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>. */
guint xmpp_ping_add_responder(XmppRouter *router);

G_END_DECLS
