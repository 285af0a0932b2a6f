/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDelivery: what happens to a chat message after it is sent. XEP-0184 receipts (requested
 * from peers that support them, answered to contacts who see our presence) and XEP-0333 chat
 * markers (asked for, and <displayed/> answered when the user has seen the conversation); both
 * tell the glue how far our newest message to a peer got. */
#pragma once

#include "im/message.h"
#include "im/presence.h"
#include "services/caps.h"
#include "services/disco.h"

G_BEGIN_DECLS

#define XMPP_DELIVERY_MAX_PEERS 512 /* conversations whose newest ids we follow */

typedef struct _XmppDeliveryEvents {
  /* Our newest message to peer (a bare JID) got further: state is RECEIVED (a receipt or a
   * received marker), DISPLAYED or ACKNOWLEDGED; previous is what we knew before (NONE the
   * first time). Only for the newest message we sent there, and only forwards. */
  void (*updated)(gpointer data, const char *peer, const char *id, XmppMarker state,
                  XmppMarker previous);
} XmppDeliveryEvents;

typedef struct _XmppDelivery XmppDelivery;

/* Decorates the chat messages `messages` sends (one decorator: this module's) and advertises
 * receipts, markers and, for the messages module below disco, corrections (XEP-0308). */
XmppDelivery *xmpp_delivery_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                                XmppCaps *caps, XmppPresence *presence, XmppMessages *messages);
void xmpp_delivery_free(XmppDelivery *delivery);
void xmpp_delivery_set_events(XmppDelivery *delivery, const XmppDeliveryEvents *events,
                              gpointer data);

/* Does the peer (a full JID: its caps; a bare JID: any of its online resources) advertise
 * feature? */
gboolean xmpp_delivery_peer_supports(const XmppDelivery *delivery, const XmppJid *peer,
                                     const char *feature);
/* The user has seen the conversation with peer (any JID form): a <displayed/> for the newest
 * markable message from it, once, when the contact sees our presence (subscription from or
 * both). TRUE when one was sent. */
gboolean xmpp_delivery_mark_displayed(XmppDelivery *delivery, const char *peer);
/* What we know of our newest message to peer (NONE: nothing yet, or no such message). */
XmppMarker xmpp_delivery_get_state(const XmppDelivery *delivery, const char *peer);
guint xmpp_delivery_n_peers(const XmppDelivery *delivery);

G_END_DECLS
