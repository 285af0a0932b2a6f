/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBlocking: XEP-0191 blocking command: the block list, synced at sign-in and by pushes. */
#pragma once

#include "services/disco.h"

G_BEGIN_DECLS

typedef struct _XmppBlocking XmppBlocking;

XmppBlocking *xmpp_blocking_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_blocking_free(XmppBlocking *blocking);

G_END_DECLS
