/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSearch: XEP-0055 user search. */
#pragma once

#include "services/disco.h"

G_BEGIN_DECLS

typedef struct _XmppSearch XmppSearch;

XmppSearch *xmpp_search_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_search_free(XmppSearch *search);

G_END_DECLS
