/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppAvatars. (Being written.) */
#include "services/avatar.h"

struct _XmppAvatars {
  XmppRouter *router;
};

XmppAvatars *
xmpp_avatars_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPep *pep, XmppVcards *vcards)
{
  XmppAvatars *self = g_new0(XmppAvatars, 1);
  self->router = router;
  return self;
}

void
xmpp_avatars_free(XmppAvatars *self)
{
  g_free(self);
}
