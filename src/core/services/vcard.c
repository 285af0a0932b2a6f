/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppVcards. (Being written.) */
#include "services/vcard.h"

struct _XmppVcards {
  XmppRouter *router;
};

XmppVcards *
xmpp_vcards_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppVcards *self = g_new0(XmppVcards, 1);
  self->router = router;
  return self;
}

void
xmpp_vcards_free(XmppVcards *self)
{
  g_free(self);
}

void
xmpp_vcards_fetch(XmppVcards *vcards, const XmppJid *jid, XmppVcardCallback cb,
                  gpointer user_data, GDestroyNotify destroy)
{
  if (destroy != NULL)
    destroy(user_data);
}
