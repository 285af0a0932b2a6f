/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Send File..." (purple-files.h): which way a file goes. */
#include "purple-files.h"

#include "purple-direct.h"
#include "jid/jid.h"
#include "purple-upload.h"

gboolean
xmpp_purple_files_can_send(PurpleConnection *gc, const char *who)
{
  if (xmpp_purple_upload_available(gc))
    return TRUE;
  /* Straight to the contact's client: one online (a full JID names one of them). */
  g_autoptr(XmppJid) jid = who != NULL ? xmpp_jid_parse(who, NULL) : NULL;
  PurpleAccount *account = purple_connection_get_account(gc);
  PurpleBuddy *buddy = jid != NULL ? purple_find_buddy(account, xmpp_jid_get_bare(jid)) : NULL;
  return buddy != NULL && PURPLE_BUDDY_IS_ONLINE(buddy);
}

PurpleXfer *
xmpp_purple_files_new_xfer(PurpleConnection *gc, const char *who)
{
  if (xmpp_purple_upload_available(gc))
    return xmpp_purple_upload_new_xfer(gc, who);
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  return conn != NULL && conn->direct_state != NULL ? xmpp_purple_direct_new_xfer(conn, who) : NULL;
}

void
xmpp_purple_files_ask_or_send(PurpleXfer *xfer, const char *filename)
{
  if (filename != NULL && *filename != '\0')
    purple_xfer_request_accepted(xfer, filename);
  else
    purple_xfer_request(xfer);
}

void
xmpp_purple_files_send_file(PurpleConnection *gc, const char *who, const char *filename)
{
  PurpleXfer *xfer = xmpp_purple_files_new_xfer(gc, who);
  if (xfer != NULL)
    xmpp_purple_files_ask_or_send(xfer, filename);
}
