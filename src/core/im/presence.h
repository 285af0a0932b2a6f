/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPresence: RFC 6121 §3-§4: contacts' presence per resource, subscriptions, our presence. */
#pragma once

#include "im/roster.h"

G_BEGIN_DECLS

typedef struct _XmppPresence XmppPresence;

XmppPresence *xmpp_presence_new(XmppRouter *router, const XmppHost *host, XmppRoster *roster);
void xmpp_presence_free(XmppPresence *presence);

G_END_DECLS
