/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-files.c: "Send File..." for a contact, the protocol's entry points: through the
 * server's upload service where there is one (purple-upload.c), else straight to the
 * contact's client (purple-direct.c, SI over IBB). */
#pragma once

#include <purple.h>

G_BEGIN_DECLS

gboolean xmpp_purple_files_can_send(PurpleConnection *gc, const char *who);
PurpleXfer *xmpp_purple_files_new_xfer(PurpleConnection *gc, const char *who);
void xmpp_purple_files_send_file(PurpleConnection *gc, const char *who, const char *filename);
/* The file given (Send File with a file already chosen), else purple asks for one. */
void xmpp_purple_files_ask_or_send(PurpleXfer *xfer, const char *filename);

G_END_DECLS
