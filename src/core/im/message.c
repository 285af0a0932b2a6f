/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMessages: RFC 6121 §5. (Being written.) */
#include "im/message.h"

struct _XmppMessages {
  XmppRouter *router;
  const XmppHost *host;
};

XmppMessages *
xmpp_messages_new(XmppRouter *router, const XmppHost *host)
{
  XmppMessages *roster = g_new0(XmppMessages, 1);
  roster->router = router;
  roster->host = host;
  return roster;
}

void
xmpp_messages_free(XmppMessages *roster)
{
  g_free(roster);
}
