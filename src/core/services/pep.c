/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPep. (Being written.) */
#include "services/pep.h"

struct _XmppPep {
  XmppRouter *router;
};

XmppPep *
xmpp_pep_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppPep *self = g_new0(XmppPep, 1);
  self->router = router;
  return self;
}

void
xmpp_pep_free(XmppPep *self)
{
  g_free(self);
}

void
xmpp_pep_add_handler(XmppPep *pep, const char *node, XmppPepHandler handler, gpointer user_data)
{
}

void
xmpp_pep_publish(XmppPep *pep, const char *node, XmppNode *item, const char *access_model,
                 XmppIqCallback cb, gpointer user_data, GDestroyNotify destroy)
{
  xmpp_node_free(item);
  if (destroy != NULL)
    destroy(user_data);
}
