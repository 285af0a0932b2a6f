/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRoster: RFC 6121 §2 roster. (Being written.) */
#include "im/roster.h"

struct _XmppRoster {
  XmppRouter *router;
  const XmppHost *host;
};

XmppRoster *
xmpp_roster_new(XmppRouter *router, const XmppHost *host)
{
  XmppRoster *roster = g_new0(XmppRoster, 1);
  roster->router = router;
  roster->host = host;
  return roster;
}

void
xmpp_roster_free(XmppRoster *roster)
{
  g_free(roster);
}
