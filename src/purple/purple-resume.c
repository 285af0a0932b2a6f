/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Staying signed in when the link drops (XEP-0198 resumption, done by the core): the account
 * stays online in purple while new connections are tried with backoff and jitter; the network
 * changing is a reason to resume at once; what could not be delivered when the session ends is
 * shown in its conversation, never silently lost. */
#include "purple-glue.h"
#include "purple-i18n.h"

#include <string.h>

#include "router/namespaces.h"

/* The first try comes within a few seconds (1-3 s); then the wait doubles up to the cap, each
 * wait with jitter so that many clients of a restarted server do not come back at once. */
#define RESUME_FIRST_MIN_MS 1000
#define RESUME_FIRST_MAX_MS 3000
#define RESUME_MAX_WAIT_S   60
/* Tries go on this long after the link was lost; then the account is reported disconnected
 * (purple's own reconnection takes over) and what waited is shown as not delivered. */
#define RESUME_GIVE_UP_S 300

typedef struct _XmppPurpleResume {
  guint timer;
  guint attempts;
  gint64 lost_at;       /* monotonic µs; 0: not interrupted */
  GPtrArray *not_sent;  /* XmppNode*: messages refused while waiting, to show (T71) */
  guint not_sent_timer; /* shows them outside the send call that refused them */
} XmppPurpleResume;

static XmppPurpleResume *
state_of(XmppPurpleConn *conn)
{
  if (conn->resume_state == NULL)
    conn->resume_state = g_new0(XmppPurpleResume, 1);
  return conn->resume_state;
}

static guint
next_wait_ms(guint attempt)
{
  if (attempt == 0)
    return (guint)g_random_int_range(RESUME_FIRST_MIN_MS, RESUME_FIRST_MAX_MS + 1);
  guint cap_ms = RESUME_MAX_WAIT_S * 1000;
  guint base = attempt >= 6 ? cap_ms : MIN(cap_ms, (guint)RESUME_FIRST_MAX_MS << attempt);
  /* Half to all of the base: "full jitter" keeps the spread without waiting much longer. */
  return base / 2 + (guint)g_random_int_range(0, (gint32)(base / 2) + 1);
}

static gboolean
try_again(gpointer data)
{
  XmppPurpleConn *conn = data;
  XmppPurpleResume *state = state_of(conn);
  state->timer = 0;
  state->attempts++;
  purple_debug_info(XMPP_PURPLE_DEBUG, "reconnecting to resume the session (try %u)\n",
                    state->attempts);
  xmpp_purple_connection_reconnect(conn);
  return G_SOURCE_REMOVE;
}

/* Schedules the next try; FALSE when it is time to give up. */
static gboolean
schedule(XmppPurpleConn *conn)
{
  XmppPurpleResume *state = state_of(conn);
  if (state->lost_at == 0)
    state->lost_at = g_get_monotonic_time();
  if (g_get_monotonic_time() - state->lost_at > (gint64)RESUME_GIVE_UP_S * G_USEC_PER_SEC)
    return FALSE;
  if (state->timer != 0)
    purple_timeout_remove(state->timer);
  guint wait = next_wait_ms(state->attempts);
  purple_debug_info(XMPP_PURPLE_DEBUG, "next connection try in %u ms\n", wait);
  state->timer = purple_timeout_add(wait, try_again, conn);
  return TRUE;
}

static void
give_up(XmppPurpleConn *conn, const char *why)
{
  char *text = g_strdup_printf(_("Connection lost: %s"), why);
  purple_connection_error_reason(conn->gc, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, text);
  g_free(text);
}

void
xmpp_purple_resume_interrupted(XmppPurpleConn *conn, const GError *error)
{
  purple_debug_info(XMPP_PURPLE_DEBUG, "link lost (%s): staying signed in, resuming\n",
                    error->message);
  if (!schedule(conn))
    give_up(conn, error->message);
}

gboolean
xmpp_purple_resume_connect_failed(XmppPurpleConn *conn)
{
  if (conn->session == NULL || !xmpp_session_is_detached(conn->session))
    return FALSE;
  return schedule(conn);
}

void
xmpp_purple_resume_back(XmppPurpleConn *conn)
{
  XmppPurpleResume *state = state_of(conn);
  if (state->lost_at != 0)
    purple_debug_info(XMPP_PURPLE_DEBUG, "back after %.1f s and %u tries\n",
                      (double)(g_get_monotonic_time() - state->lost_at) / G_USEC_PER_SEC,
                      state->attempts);
  state->attempts = 0;
  state->lost_at = 0;
}

/* ---- undelivered messages ----------------------------------------------------------------- */

/* One line in the conversation with the message's recipient: what happened, then the text. */
static void
show_undelivered(XmppPurpleConn *conn, const XmppNode *message, const char *what)
{
  g_autoptr(XmppJid) to = xmpp_jid_parse(xmpp_node_get_attr(message, "to"), NULL);
  if (to == NULL)
    return;
  PurpleConversation *conv = xmpp_purple_im_conversation(conn, xmpp_jid_get_bare(to));
  g_autofree char *body = xmpp_node_dup_child_text(message, XMPP_NS_JABBER_CLIENT, "body");
  g_autofree char *escaped = g_markup_escape_text(body != NULL ? body : "", -1);
  g_autofree char *line = g_strdup_printf("%s %s", what, escaped);
  purple_conversation_write(conv, NULL, line, PURPLE_MESSAGE_ERROR, time(NULL));
}

void
xmpp_purple_resume_report_undelivered(XmppPurpleConn *conn)
{
  if (conn->session == NULL)
    return;
  g_autoptr(GPtrArray) messages = xmpp_session_take_undelivered(conn->session);
  for (guint i = 0; i < messages->len; i++)
    show_undelivered(conn, messages->pdata[i], _("This message may not have been delivered:"));
}

static gboolean
show_not_sent(gpointer data)
{
  XmppPurpleConn *conn = data;
  XmppPurpleResume *state = state_of(conn);
  state->not_sent_timer = 0;
  g_autoptr(GPtrArray) messages = g_steal_pointer(&state->not_sent);
  for (guint i = 0; messages != NULL && i < messages->len; i++)
    show_undelivered(conn, messages->pdata[i],
                     _("Not sent (too many messages are already waiting for the connection "
                       "to come back):"));
  return G_SOURCE_REMOVE;
}

void
xmpp_purple_resume_not_sent(XmppPurpleConn *conn, const XmppNode *message)
{
  XmppPurpleResume *state = state_of(conn);
  if (state->not_sent == NULL)
    state->not_sent = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  g_ptr_array_add(state->not_sent, xmpp_node_copy(message));
  if (state->not_sent_timer == 0)
    state->not_sent_timer = purple_timeout_add(0, show_not_sent, conn);
}

/* ---- the network changed -------------------------------------------------------------------- */

static void
network_changed(gpointer data)
{
  XmppPurpleConn *conn = data;
  if (conn->session == NULL)
    return;
  purple_debug_info(XMPP_PURPLE_DEBUG, "the network changed: checking the link\n");
  xmpp_session_network_changed(conn->session);
}

void
xmpp_purple_resume_start(XmppPurpleConn *conn)
{
  purple_signal_connect(purple_network_get_handle(), "network-configuration-changed",
                        state_of(conn), PURPLE_CALLBACK(network_changed), conn);
}

void
xmpp_purple_resume_stop(XmppPurpleConn *conn)
{
  XmppPurpleResume *state = conn->resume_state;
  if (state == NULL)
    return;
  purple_signals_disconnect_by_handle(state);
  if (state->timer != 0)
    purple_timeout_remove(state->timer);
  if (state->not_sent_timer != 0) {
    purple_timeout_remove(state->not_sent_timer);
    show_not_sent(conn); /* now, while the conversations are still ours to write in */
  }
  g_free(state);
  conn->resume_state = NULL;
}
