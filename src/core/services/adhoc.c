/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppAdhoc. (Being written.) */
#include "services/adhoc.h"

struct _XmppAdhoc {
  XmppRouter *router;
};

XmppAdhoc *
xmpp_adhoc_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppAdhoc *self = g_new0(XmppAdhoc, 1);
  self->router = router;
  return self;
}

void
xmpp_adhoc_free(XmppAdhoc *self)
{
  g_free(self);
}
