/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCaps: XEP-0115 entity capabilities: our hash, learning and verifying peers' (bounded cache, T47). */
#pragma once

#include "services/disco.h"
#include "im/presence.h"

G_BEGIN_DECLS

typedef struct _XmppCaps XmppCaps;

XmppCaps *xmpp_caps_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPresence *presence);
void xmpp_caps_free(XmppCaps *caps);

G_END_DECLS
