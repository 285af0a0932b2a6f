/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-upload.c: "Send File..." through the server's HTTP upload service (XEP-0363): the
 * file is PUT over HTTPS (libsoup, with the account's proxy and the stream's trust anchors),
 * then its address goes to the contact as a link (XEP-0066). Progress, cancel and errors
 * through PurpleXfer, so Pidgin's and Finch's transfer windows show them. */
#pragma once

#include <purple.h>

G_BEGIN_DECLS

/* Has the server an upload service (found among its items)? */
gboolean xmpp_purple_upload_available(PurpleConnection *gc);
PurpleXfer *xmpp_purple_upload_new_xfer(PurpleConnection *gc, const char *who);
/* A room's "Send File...": the link goes to the room (we must be in it). */
gboolean xmpp_purple_upload_chat_can_send(PurpleConnection *gc, int id);
void xmpp_purple_upload_chat_send_file(PurpleConnection *gc, int id, const char *filename);

G_END_DECLS
