/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-download.c: a link a contact sends (XEP-0066, an HTTP upload's address) offered as a
 * download through PurpleXfer: "<contact> wants to send you <name> (<size>)", fetched only when
 * the user accepts, into the file the user chose. Links from anyone not on the buddy list stay
 * links (T58): nothing is fetched, not even the size. */
#pragma once

#include "purple-glue.h"

G_BEGIN_DECLS

/* who: the conversation's name (the sender); url: the message's link (im/oob.c checked it). */
void xmpp_purple_download_offer(XmppPurpleConn *conn, const char *who, const char *url);

G_END_DECLS
