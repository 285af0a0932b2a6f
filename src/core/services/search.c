/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSearch. (Being written.) */
#include "services/search.h"

struct _XmppSearch {
  XmppRouter *router;
};

XmppSearch *
xmpp_search_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppSearch *self = g_new0(XmppSearch, 1);
  self->router = router;
  return self;
}

void
xmpp_search_free(XmppSearch *self)
{
  g_free(self);
}
