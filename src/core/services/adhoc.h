/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppAdhoc: XEP-0050 ad-hoc commands: listing and executing commands of the server and of contacts. */
#pragma once

#include "services/disco.h"

G_BEGIN_DECLS

typedef struct _XmppAdhoc XmppAdhoc;

XmppAdhoc *xmpp_adhoc_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_adhoc_free(XmppAdhoc *adhoc);

G_END_DECLS
