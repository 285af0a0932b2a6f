/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of Get Info, /ping, caps cache (XEP-0030/0115/0092/0202/0012). (Being written.) */
#include "purple-glue.h"

void
xmpp_purple_info_register(PurplePluginProtocolInfo *info)
{
}

void
xmpp_purple_info_start(XmppPurpleConn *conn)
{
}

void
xmpp_purple_info_stop(XmppPurpleConn *conn)
{
}

GList *
xmpp_purple_info_actions(GList *actions)
{
  return actions;
}

GList *
xmpp_purple_info_buddy_menu(PurpleBlistNode *node, GList *menu)
{
  return menu;
}
