/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppEntityInfo: XEP-0092 software version, XEP-0202 entity time, XEP-0012 last activity: answers and queries. */
#pragma once

#include "services/disco.h"

G_BEGIN_DECLS

typedef struct _XmppEntityInfo XmppEntityInfo;

XmppEntityInfo *xmpp_entity_info_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_entity_info_free(XmppEntityInfo *entity_info);

G_END_DECLS
