/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppExtras. (Being written.) */
#include "services/attention.h"

struct _XmppExtras {
  XmppRouter *router;
};

XmppExtras *
xmpp_extras_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPep *pep)
{
  XmppExtras *self = g_new0(XmppExtras, 1);
  self->router = router;
  return self;
}

void
xmpp_extras_free(XmppExtras *self)
{
  g_free(self);
}
