/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of our vCard, contacts' vCards and avatars (XEP-0054/0084/0153). (Being written.) */
#include "purple-glue.h"

void
xmpp_purple_profile_register(PurplePluginProtocolInfo *info)
{
}

void
xmpp_purple_profile_start(XmppPurpleConn *conn)
{
}

void
xmpp_purple_profile_stop(XmppPurpleConn *conn)
{
}

GList *
xmpp_purple_profile_actions(GList *actions)
{
  return actions;
}

GList *
xmpp_purple_profile_buddy_menu(PurpleBlistNode *node, GList *menu)
{
  return menu;
}
