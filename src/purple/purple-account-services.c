/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of registration, password change, data forms, ad-hoc commands, user search (XEP-0077/0004/0050/0055). (Being written.) */
#include "purple-glue.h"

void
xmpp_purple_accountsvc_register(PurplePluginProtocolInfo *info)
{
}

void
xmpp_purple_accountsvc_start(XmppPurpleConn *conn)
{
}

void
xmpp_purple_accountsvc_stop(XmppPurpleConn *conn)
{
}

GList *
xmpp_purple_accountsvc_actions(GList *actions)
{
  return actions;
}

GList *
xmpp_purple_accountsvc_buddy_menu(PurpleBlistNode *node, GList *menu)
{
  return menu;
}
