/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBlocking. (Being written.) */
#include "services/blocking.h"

struct _XmppBlocking {
  XmppRouter *router;
};

XmppBlocking *
xmpp_blocking_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppBlocking *self = g_new0(XmppBlocking, 1);
  self->router = router;
  return self;
}

void
xmpp_blocking_free(XmppBlocking *self)
{
  g_free(self);
}
