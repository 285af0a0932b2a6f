/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppEntityInfo. (Being written.) */
#include "services/version.h"

struct _XmppEntityInfo {
  XmppRouter *router;
};

XmppEntityInfo *
xmpp_entity_info_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppEntityInfo *self = g_new0(XmppEntityInfo, 1);
  self->router = router;
  return self;
}

void
xmpp_entity_info_free(XmppEntityInfo *self)
{
  g_free(self);
}
