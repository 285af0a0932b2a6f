/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The archive catch-up (XEP-0313, run by the core once signed in) as purple sees it: the
 * messages land in their conversations and logs through purple-im.c; here the newest archive
 * id is kept in the account (lyre_mam_last_id), so that the next sign-in fetches only what
 * came after it, and the catch-up's progress goes to the debug log. */
#include "purple-glue.h"

#include "im/message.h"
#include "services/mam.h"

/* Keeps the newest archive id the session saw, when it changed. */
static void
keep_last_id(XmppPurpleConn *conn)
{
  if (conn->session == NULL)
    return;
  const char *id = xmpp_messages_get_last_archive_id(xmpp_session_get_messages(conn->session));
  if (id != NULL &&
      g_strcmp0(purple_account_get_string(conn->account, XMPP_PURPLE_OPT_MAM_LAST_ID, NULL), id) !=
          0)
    purple_account_set_string(conn->account, XMPP_PURPLE_OPT_MAM_LAST_ID, id);
}

static void
ev_progress(gpointer data, guint fetched)
{
  purple_debug_info(XMPP_PURPLE_DEBUG, "archive catch-up: %u message(s) so far\n", fetched);
}

static void
ev_done(gpointer data, guint fetched, gboolean complete, const char *last_id, const GError *error)
{
  XmppPurpleConn *conn = data;
  purple_debug_info(XMPP_PURPLE_DEBUG, "archive catch-up %s: %u message(s)%s%s\n",
                    complete ? "complete" : "stopped", fetched, error != NULL ? ": " : "",
                    error != NULL ? error->message : "");
  keep_last_id(conn);
}

static const XmppMamEvents archive_events = {
    .progress = ev_progress,
    .done = ev_done,
};

void
xmpp_purple_archive_start(XmppPurpleConn *conn)
{
  xmpp_mam_set_events(xmpp_session_get_mam(conn->session), &archive_events, conn);
}

void
xmpp_purple_archive_stop(XmppPurpleConn *conn)
{
  if (conn->session == NULL)
    return;
  keep_last_id(conn);
  xmpp_mam_set_events(xmpp_session_get_mam(conn->session), NULL, NULL);
}
