/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The archive catch-up (XEP-0313, run by the core once signed in) as purple sees it: the
 * messages land in their conversations and logs through purple-im.c; here the newest archive
 * id is kept in the account (lyre_mam_last_id), so that the next sign-in fetches only what
 * came after it, and a long catch-up is shown as such.
 *
 * A short catch-up (one page) needs no words: its messages appear with their original times,
 * marked delayed. A long one (another page asked for) writes a line into each conversation it
 * fills, "fetching more from the server archive", and, when it ends, how many messages came
 * (or why it stopped). Those lines are system lines, not logged, in Pidgin and Finch alike;
 * the catch-up never blocks the UI: each page is one answer on the main loop. */
#include "purple-glue.h"

#include "purple-i18n.h"

#include "im/message.h"
#include "services/mam.h"

struct _XmppPurpleArchive {
  GHashTable *counts;    /* conversation name -> GUINT_TO_POINTER(messages this catch-up) */
  GHashTable *announced; /* conversation names that got the "fetching" line (a set) */
  gboolean long_run;     /* a second page was asked for: the catch-up is a long one */
};

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
write_line(XmppPurpleConn *conn, const char *who, const char *text)
{
  PurpleConversation *conv = xmpp_purple_im_conversation(conn, who);
  purple_conversation_write(conv, NULL, text, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG,
                            time(NULL));
}

static void
announce(XmppPurpleConn *conn, const char *who)
{
  XmppPurpleArchive *a = conn->archive_state;
  if (g_hash_table_contains(a->announced, who))
    return;
  g_hash_table_add(a->announced, g_strdup(who));
  write_line(conn, who, _("Fetching more of this conversation from the server archive…"));
}

void
xmpp_purple_archive_note_message(XmppPurpleConn *conn, const char *who)
{
  XmppPurpleArchive *a = conn->archive_state;
  if (a == NULL || who == NULL)
    return;
  if (a->long_run)
    announce(conn, who);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(a->counts, who));
  g_hash_table_insert(a->counts, g_strdup(who), GUINT_TO_POINTER(n + 1));
}

static void
ev_progress(gpointer data, guint fetched)
{
  XmppPurpleConn *conn = data;
  XmppPurpleArchive *a = conn->archive_state;
  purple_debug_info(XMPP_PURPLE_DEBUG, "archive catch-up: %u message(s) so far\n", fetched);
  keep_last_id(conn); /* a long catch-up cut short still starts from here next time */
  a->long_run = TRUE;
  GHashTableIter iter;
  gpointer who;
  g_hash_table_iter_init(&iter, a->counts);
  while (g_hash_table_iter_next(&iter, &who, NULL))
    announce(conn, who);
}

static void
ev_done(gpointer data, guint fetched, gboolean complete, const char *last_id, const GError *error)
{
  XmppPurpleConn *conn = data;
  XmppPurpleArchive *a = conn->archive_state;
  purple_debug_info(XMPP_PURPLE_DEBUG, "archive catch-up %s: %u message(s)%s%s\n",
                    complete ? "complete" : "stopped", fetched, error != NULL ? ": " : "",
                    error != NULL ? error->message : "");
  keep_last_id(conn);
  GHashTableIter iter;
  gpointer who, count;
  g_hash_table_iter_init(&iter, a->announced);
  while (g_hash_table_iter_next(&iter, &who, NULL)) {
    count = g_hash_table_lookup(a->counts, who);
    guint n = GPOINTER_TO_UINT(count);
    g_autofree char *line = NULL;
    if (error != NULL)
      line = g_strdup_printf(
          g_dngettext(GETTEXT_PACKAGE,
                      "%u message came from the server archive; the rest could not be fetched: %s",
                      "%u messages came from the server archive; the rest could not be fetched: %s",
                      n),
          n, error->message);
    else if (!complete)
      line = g_strdup_printf(
          g_dngettext(
              GETTEXT_PACKAGE,
              "%u message came from the server archive; the rest comes at the next sign-in.",
              "%u messages came from the server archive; the rest comes at the next sign-in.", n),
          n);
    else
      line = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE,
                                         "Caught up: %u message came from the server archive.",
                                         "Caught up: %u messages came from the server archive.", n),
                             n);
    write_line(conn, who, line);
  }
  g_hash_table_remove_all(a->counts);
  g_hash_table_remove_all(a->announced);
  a->long_run = FALSE;
}

static const XmppMamEvents archive_events = {
    .progress = ev_progress,
    .done = ev_done,
};

void
xmpp_purple_archive_start(XmppPurpleConn *conn)
{
  XmppPurpleArchive *a = g_new0(XmppPurpleArchive, 1);
  a->counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  a->announced = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  conn->archive_state = a;
  xmpp_mam_set_events(xmpp_session_get_mam(conn->session), &archive_events, conn);
}

void
xmpp_purple_archive_stop(XmppPurpleConn *conn)
{
  XmppPurpleArchive *a = conn->archive_state;
  if (conn->session != NULL) {
    keep_last_id(conn);
    xmpp_mam_set_events(xmpp_session_get_mam(conn->session), NULL, NULL);
  }
  if (a == NULL)
    return;
  g_hash_table_destroy(a->counts);
  g_hash_table_destroy(a->announced);
  g_free(a);
  conn->archive_state = NULL;
}
