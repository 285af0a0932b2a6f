/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages between purple conversations and the session. (Being written.) */
#include "purple-glue.h"

void
xmpp_purple_im_register(PurplePluginProtocolInfo *info)
{
}

void
xmpp_purple_im_start(XmppPurpleConn *conn)
{
}

void
xmpp_purple_im_stop(XmppPurpleConn *conn)
{
}
