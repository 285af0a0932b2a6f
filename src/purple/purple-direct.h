/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-direct.c: direct file transfers between clients, SI (XEP-0096) over SOCKS5 (XEP-0065)
 * or IBB (XEP-0047) as Pidgin's built-in plugin speaks them, Jingle (XEP-0234) over IBB with
 * clients that list it: a file offered to us is purple's "X wants to send you Y" question;
 * ours goes straight to the contact's client when the server has no upload service (sending:
 * purple-direct-send.c). An area of the connection: its transfers end with the connection. */
#pragma once

#include "purple-glue.h"

G_BEGIN_DECLS

void xmpp_purple_direct_start(XmppPurpleConn *conn);
void xmpp_purple_direct_stop(XmppPurpleConn *conn);
/* A transfer to who (a full JID, or a contact whose best resource gets it); NULL when who has
 * no client online. */
PurpleXfer *xmpp_purple_direct_new_xfer(XmppPurpleConn *conn, const char *who);

G_END_DECLS
