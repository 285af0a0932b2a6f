/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCaps. (Being written.) */
#include "services/caps.h"

struct _XmppCaps {
  XmppRouter *router;
};

XmppCaps *
xmpp_caps_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPresence *presence)
{
  XmppCaps *self = g_new0(XmppCaps, 1);
  self->router = router;
  return self;
}

void
xmpp_caps_free(XmppCaps *self)
{
  g_free(self);
}
