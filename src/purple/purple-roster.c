/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The roster on purple's buddy list. (Being written.) */
#include "purple-glue.h"

void
xmpp_purple_roster_register(PurplePluginProtocolInfo *info)
{
}

void
xmpp_purple_roster_start(XmppPurpleConn *conn)
{
  xmpp_purple_presence_send_current(conn);
}

void
xmpp_purple_roster_stop(XmppPurpleConn *conn)
{
}
