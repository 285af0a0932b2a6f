/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of blocking, attention, mood, nickname, tune (XEP-0191/0224/0107/0172/0118). (Being written.) */
#include "purple-glue.h"

void
xmpp_purple_privacy_register(PurplePluginProtocolInfo *info)
{
}

void
xmpp_purple_privacy_start(XmppPurpleConn *conn)
{
}

void
xmpp_purple_privacy_stop(XmppPurpleConn *conn)
{
}

GList *
xmpp_purple_privacy_actions(GList *actions)
{
  return actions;
}

GList *
xmpp_purple_privacy_buddy_menu(PurpleBlistNode *node, GList *menu)
{
  return menu;
}
