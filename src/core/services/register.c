/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRegistration. (Being written.) */
#include "services/register.h"

struct _XmppRegistration {
  XmppRouter *router;
};

XmppRegistration *
xmpp_registration_new(XmppRouter *router, const XmppHost *host)
{
  XmppRegistration *self = g_new0(XmppRegistration, 1);
  self->router = router;
  return self;
}

void
xmpp_registration_free(XmppRegistration *self)
{
  g_free(self);
}
