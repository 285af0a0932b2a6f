/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCarbons: XEP-0280 message carbons. Enabled on request (the session asks once our server
 * offers them); the copies our server sends are unwrapped and handed to the messages module as
 * sent or received, and only when they come from our own bare JID (T36: anyone else's
 * "carbon" is a forgery and is dropped). */
#pragma once

#include "im/message.h"

G_BEGIN_DECLS

/* Why a <received/> or <sent/> is not a carbon we accept (pure checks, for tests and logs). */
typedef enum {
  XMPP_CARBON_OK,
  XMPP_CARBON_NOT_FROM_ACCOUNT, /* the wrapper's from is not our bare JID (T36) */
  XMPP_CARBON_MALFORMED,        /* no <forwarded/> with one <message/> inside */
  XMPP_CARBON_SENT_BY_OTHER,    /* a <sent/> whose message is from someone else */
} XmppCarbonCheck;

/* The forwarded message of a carbon (borrowed from stanza) and its route, after the checks of
 * XEP-0280 §11. own: our bound (or account) JID. On anything but OK, *inner is NULL. */
XmppCarbonCheck xmpp_carbons_unwrap(const XmppStanza *stanza, const XmppJid *own,
                                    const XmppNode **inner, XmppMessageRoute *route);

typedef struct _XmppCarbons XmppCarbons;

/* Owns the carbon wrappers on the router from the start (a forged one is dropped even while
 * carbons are off); messages borrowed, must outlive the module. */
XmppCarbons *xmpp_carbons_new(XmppRouter *router, const XmppHost *host, XmppMessages *messages);
void xmpp_carbons_free(XmppCarbons *carbons);
/* Asks our server to send us carbons (§4); once per session. */
void xmpp_carbons_enable(XmppCarbons *carbons);
/* A new session on the server (after a failed resume): carbons must be asked for again. */
void xmpp_carbons_reset(XmppCarbons *carbons);
/* The server confirmed. */
gboolean xmpp_carbons_is_enabled(const XmppCarbons *carbons);

G_END_DECLS
