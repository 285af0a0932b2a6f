/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppExtras: XEP-0224 attention, XEP-0107 mood, XEP-0172 nickname, XEP-0118 tune. */
#pragma once

#include "services/pep.h"

G_BEGIN_DECLS

typedef struct _XmppExtras XmppExtras;

XmppExtras *xmpp_extras_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPep *pep);
void xmpp_extras_free(XmppExtras *extras);

G_END_DECLS
