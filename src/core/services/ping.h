/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0199 ping: answering pings, and a keepalive that notices a dead connection in time. */
#pragma once

#include "router/router.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

typedef struct _XmppPing XmppPing;

/* After interval_s seconds without a received byte, probes the link (a XEP-0199 ping to our
 * server, or the probe hook's own request) and calls dead() when nothing at all is received
 * within timeout_s after the probe: a silent link is noticed interval_s + timeout_s after the
 * last byte. last_activity gives the monotonic time (µs) of the last received byte. dead() may
 * free the keepalive. */
XmppPing *xmpp_ping_new(XmppRouter *router, const XmppHost *host, guint interval_s, guint timeout_s,
                        gint64 (*last_activity)(gpointer data), void (*dead)(gpointer data),
                        gpointer data);
/* probe(data) sends a request of its own (e.g. a XEP-0198 <r/>) and returns TRUE, or returns
 * FALSE to have the ping sent. */
void xmpp_ping_set_probe(XmppPing *ping, gboolean (*probe)(gpointer data));
/* Probes at once (the network changed): dead() follows timeout_s later unless a byte comes. */
void xmpp_ping_probe_now(XmppPing *ping);
/* An outstanding ping is cancelled (xmpp_router_cancel_owner). NULL is fine. */
void xmpp_ping_free(XmppPing *ping);

/* Registers the handler that answers <iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>. */
guint xmpp_ping_add_responder(XmppRouter *router);

G_END_DECLS
