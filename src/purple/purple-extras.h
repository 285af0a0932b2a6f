/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of attention, mood, nickname and tune (XEP-0224/0107/0172/0118), wired by
 * purple-privacy.c. */
#pragma once

#include "purple-glue.h"

G_BEGIN_DECLS

#define XMPP_PURPLE_STATUS_MOOD "mood" /* purple's independent mood status (PURPLE_STATUS_MOOD) */
#define XMPP_PURPLE_STATUS_TUNE "tune" /* purple's independent tune status (PURPLE_STATUS_TUNE) */
#define XMPP_PURPLE_OPT_NICK    "lyre_nick" /* the nickname we published last (XEP-0172) */

/* Fills send_attention, get_attention_types, get_moods, and wraps status_types and set_status
 * (call after purple-presence.c registered them). */
void xmpp_purple_extras_register(PurplePluginProtocolInfo *info);
/* handle: the owner of this connection's open requests (closed by the caller at stop). */
void xmpp_purple_extras_start(XmppPurpleConn *conn, gpointer handle);
void xmpp_purple_extras_stop(XmppPurpleConn *conn, gpointer handle);
GList *xmpp_purple_extras_actions(GList *actions);

G_END_DECLS
