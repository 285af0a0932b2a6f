/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDisco. (Being written.) */
#include "services/disco.h"

struct _XmppDisco {
  XmppRouter *router;
};

XmppDisco *
xmpp_disco_new(XmppRouter *router, const XmppHost *host)
{
  XmppDisco *self = g_new0(XmppDisco, 1);
  self->router = router;
  return self;
}

void
xmpp_disco_free(XmppDisco *self)
{
  g_free(self);
}

void
xmpp_disco_add_feature(XmppDisco *disco, const char *feature)
{
}
