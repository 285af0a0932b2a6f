/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The XML console (account action "XML Console"). Pidgin's own console is a GTK plugin for
 * prpl-jabber only; this one is an ordinary IM conversation, so Pidgin and Finch both show it:
 * its name, XMPP_PURPLE_CONSOLE_NAME, can never be a JID (a domain has no space), and send_im
 * hands what the user types there to xmpp_purple_console_send() instead of sending a message.
 *
 * Every element in and out of the session is written into it through the core's tap
 * (session-tap.h): redacted there (passwords, SASL payloads), indented, escaped here for
 * purple's markup, never logged. What the user types is sent as raw XML once the core's parser
 * accepted it as one or more stanzas; otherwise an error line says why. Closing the
 * conversation stops the tap; if the account signs in again while it is open, it starts again. */
#include "purple-glue.h"
#include "purple-i18n.h"

#include <errno.h>
#include <string.h>

#include "session-tap.h"

/* What one element may fill in the conversation: a roster of thousands of contacts would make
 * the window unusable; the rest is counted, not shown. */
#define CONSOLE_MAX_SHOWN (64 * 1024)

static PurpleConversation *
find_console(PurpleAccount *account)
{
  return purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, XMPP_PURPLE_CONSOLE_NAME,
                                               account);
}

gboolean
xmpp_purple_console_owns(const char *who)
{
  return g_strcmp0(who, XMPP_PURPLE_CONSOLE_NAME) == 0;
}

/* Text to purple markup: & < > escaped (quotes stay as typed: both UIs show them as they are),
 * line breaks as <br>. */
static char *
to_markup(const char *text)
{
  GString *out = g_string_sized_new(strlen(text) + 64);
  for (const char *p = text; *p != '\0'; p++) {
    switch (*p) {
      case '&':
        g_string_append(out, "&amp;");
        break;
      case '<':
        g_string_append(out, "&lt;");
        break;
      case '>':
        g_string_append(out, "&gt;");
        break;
      case '\n':
        g_string_append(out, "<br>");
        break;
      default:
        g_string_append_c(out, *p);
    }
  }
  return g_string_free(out, FALSE);
}

static void
write_line(PurpleConversation *conv, const char *text, PurpleMessageFlags flags)
{
  char *markup = to_markup(text);
  purple_conversation_write(conv, NULL, markup, flags | PURPLE_MESSAGE_NO_LOG, time(NULL));
  g_free(markup);
}

static void
tap(gpointer data, XmppTapDirection direction, const XmppNode *element)
{
  XmppPurpleConn *conn = data;
  PurpleConversation *conv = find_console(conn->account);
  if (conv == NULL) { /* closed, and deleting-conversation did not reach us */
    xmpp_session_set_tap(conn->session, NULL, NULL);
    return;
  }
  char *text = xmpp_tap_format(element);
  gsize len = strlen(text);
  if (len > CONSOLE_MAX_SHOWN) {
    const char *cut = g_utf8_find_prev_char(text, text + CONSOLE_MAX_SHOWN);
    gsize kept = cut != NULL ? (gsize)(cut - text) : 0;
    char *more = g_strdup_printf(_("… (%lu more bytes not shown)"), (unsigned long)(len - kept));
    text[kept] = '\0';
    char *whole = g_strconcat(text, "\n", more, NULL);
    g_free(text);
    g_free(more);
    text = whole;
  }
  char *markup = to_markup(text);
  /* Outgoing lines carry the account's name (purple's, for what we send), incoming ones say
   * where they come from. Neither is logged: a console is for looking, not keeping. */
  if (direction == XMPP_TAP_OUT)
    purple_conversation_write(
        conv, NULL, markup, PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_NO_LOG | PURPLE_MESSAGE_NO_LINKIFY,
        time(NULL));
  else
    purple_conversation_write(
        conv, _("server"), markup,
        PURPLE_MESSAGE_RECV | PURPLE_MESSAGE_NO_LOG | PURPLE_MESSAGE_NO_LINKIFY, time(NULL));
  g_free(markup);
  g_free(text);
}

static void
tap_on(XmppPurpleConn *conn)
{
  if (conn->session != NULL)
    xmpp_session_set_tap(conn->session, tap, conn);
}

/* ---- the conversation's life -------------------------------------------------------------- */

static XmppPurpleConn *
conn_of_conversation(PurpleConversation *conv)
{
  if (purple_conversation_get_type(conv) != PURPLE_CONV_TYPE_IM ||
      !xmpp_purple_console_owns(purple_conversation_get_name(conv)))
    return NULL;
  PurpleConnection *gc = purple_conversation_get_gc(conv);
  if (gc == NULL || g_strcmp0(purple_account_get_protocol_id(purple_connection_get_account(gc)),
                              XMPP_PURPLE_PLUGIN_ID) != 0)
    return NULL;
  return xmpp_purple_connection_get(gc);
}

static void
conversation_deleting(PurpleConversation *conv, gpointer data)
{
  XmppPurpleConn *conn = conn_of_conversation(conv);
  if (conn != NULL && conn->session != NULL)
    xmpp_session_set_tap(conn->session, NULL, NULL);
}

/* Signed in again with the console open (purple keeps conversations across sign-ins). */
static void
signed_on(PurpleConnection *gc, gpointer data)
{
  PurpleAccount *account = purple_connection_get_account(gc);
  if (g_strcmp0(purple_account_get_protocol_id(account), XMPP_PURPLE_PLUGIN_ID) != 0 ||
      find_console(account) == NULL)
    return;
  tap_on(xmpp_purple_connection_get(gc));
}

/* Connected once, the first time a console opens, for the life of the process: libpurple
 * unloads protocol plugins only after conversations and connections are gone. */
static void
connect_signals(void)
{
  static int handle;
  static gboolean connected;
  if (connected)
    return;
  connected = TRUE;
  purple_signal_connect(purple_conversations_get_handle(), "deleting-conversation", &handle,
                        PURPLE_CALLBACK(conversation_deleting), NULL);
  purple_signal_connect(purple_connections_get_handle(), "signed-on", &handle,
                        PURPLE_CALLBACK(signed_on), NULL);
}

void
xmpp_purple_console_action(PurplePluginAction *action)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(action->context);
  if (conn == NULL || conn->session == NULL)
    return;
  connect_signals();
  gboolean was_open = find_console(conn->account) != NULL;
  PurpleConversation *conv = xmpp_purple_im_conversation(conn, XMPP_PURPLE_CONSOLE_NAME);
  purple_conversation_set_title(conv, _("XML Console"));
  if (!was_open)
    write_line(conv,
               _("Every element this account sends and receives is shown here, passwords and "
                 "authentication data hidden. Type a stanza (<message/>, <presence/> or <iq/>) "
                 "to send it as it is."),
               PURPLE_MESSAGE_SYSTEM);
  tap_on(conn);
  purple_conversation_present(conv);
}

/* ---- what the user types ------------------------------------------------------------------ */

static void
refuse(PurpleConversation *conv, const char *why)
{
  write_line(conv, why, PURPLE_MESSAGE_ERROR);
}

int
xmpp_purple_console_send(PurpleConnection *gc, const char *message)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  PurpleConversation *conv = conn != NULL ? find_console(conn->account) : NULL;
  if (conv == NULL)
    return -ENOTCONN;
  if (conn->session == NULL || !xmpp_session_is_ready(conn->session)) {
    refuse(conv, _("Not sent: the account is not signed in."));
    return 0;
  }
  /* Both UIs give what was typed as markup: entities for < > &, <br> for line breaks. */
  char *text = purple_markup_strip_html(message != NULL ? message : "");
  GPtrArray *stanzas = NULL;
  char *detail = NULL;
  XmppTapInput result = xmpp_tap_parse_input(text, &stanzas, &detail);
  g_free(text);
  char *why = NULL;
  switch (result) {
    case XMPP_TAP_INPUT_OK:
      break;
    case XMPP_TAP_INPUT_EMPTY:
      why = g_strdup(_("Not sent: there is no XML element to send."));
      break;
    case XMPP_TAP_INPUT_NOT_WELL_FORMED:
      why = g_strdup_printf(_("Not sent: this is not well-formed XML (%s)."),
                            detail != NULL ? detail : "?");
      break;
    case XMPP_TAP_INPUT_NOT_A_STANZA:
      why = g_strdup_printf(_("Not sent: %s is not a stanza. Only <message/>, <presence/> and "
                              "<iq/> can be sent here."),
                            detail != NULL ? detail : "?");
      break;
    case XMPP_TAP_INPUT_TOO_MANY:
      why = g_strdup_printf(_("Not sent: at most %d stanzas can be sent at once."),
                            XMPP_TAP_MAX_INPUT_STANZAS);
      break;
  }
  g_free(detail);
  if (why != NULL) {
    refuse(conv, why);
    g_free(why);
    return 0;
  }
  tap_on(conn); /* what is sent shows as it goes out */
  for (guint i = 0; i < stanzas->len; i++)
    xmpp_session_send(conn->session, stanzas->pdata[i]);
  g_ptr_array_unref(stanzas);
  /* 0: purple writes nothing more (the tap shows what went out). */
  return 0;
}
