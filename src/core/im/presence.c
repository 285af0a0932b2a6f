/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPresence: RFC 6121 §3-§4. (Being written.) */
#include "im/presence.h"

struct _XmppPresence {
  XmppRouter *router;
  const XmppHost *host;
};

XmppPresence *
xmpp_presence_new(XmppRouter *router, const XmppHost *host, XmppRoster *roster_)
{
  XmppPresence *roster = g_new0(XmppPresence, 1);
  roster->router = router;
  roster->host = host;
  return roster;
}

void
xmpp_presence_free(XmppPresence *roster)
{
  g_free(roster);
}
