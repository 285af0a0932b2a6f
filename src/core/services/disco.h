/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDisco: XEP-0030 service discovery: our identity and feature registry (every module adds
 * the namespaces it really handles), answering disco#info/items, and querying others. */
#pragma once

#include "router/router.h"

G_BEGIN_DECLS

typedef struct _XmppDisco XmppDisco;

XmppDisco *xmpp_disco_new(XmppRouter *router, const XmppHost *host);
void xmpp_disco_free(XmppDisco *disco);
/* Registers a feature we support (copied; duplicates ignored). Modules call this at creation. */
void xmpp_disco_add_feature(XmppDisco *disco, const char *feature);

G_END_DECLS
