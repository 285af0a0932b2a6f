/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRoster: the RFC 6121 §2 roster: fetch (with versioning), pushes, sets and removals. */
#pragma once

#include "router/router.h"

G_BEGIN_DECLS

typedef struct _XmppRoster XmppRoster;

XmppRoster *xmpp_roster_new(XmppRouter *router, const XmppHost *host);
void xmpp_roster_free(XmppRoster *roster);

G_END_DECLS
