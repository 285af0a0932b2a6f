/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages between purple conversations and the session: send_im (plain body plus XHTML-IM),
 * incoming chat/normal/headline messages, delayed messages, errors, typing notifications, what
 * our other clients sent and received (XEP-0280 carbons), corrections (XEP-0308, /correct),
 * and how far our messages got (XEP-0184 receipts, XEP-0333 markers).
 *
 * How delivery is shown. libpurple 2 cannot mark a line already written, and Pidgin titles a
 * tab with the buddy's alias whatever the conversation's title says, so the one thing both
 * Pidgin and Finch show is a line. To keep it quiet: only our newest message in a conversation
 * is followed (a receipt for an older one says nothing new), and it gets at most one line, not
 * logged, when the first confirmation comes: "Delivered" (a receipt or a received marker) or
 * "Seen" (a displayed marker). Whatever follows for the same message is not shown. A burst of
 * messages thus gets one line, after the last. */
#include "purple-glue.h"
#include "purple-download.h"
#include "purple-errors.h"
#include "purple-i18n.h"

#include <errno.h>
#include <string.h>

#include "muc/muc.h"
#include "im/message.h"
#include "im/xhtml.h"
#include "services/delivery.h"
#include "xml/lang.h"

static XmppMessages *
messages_of(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session))
    return NULL;
  return xmpp_session_get_messages(conn->session);
}

/* ---- outgoing --------------------------------------------------------------------------- */

void
xmpp_purple_im_prepare(const char *message, char **plain, XmppNode **html)
{
  char *xhtml = NULL, *purple_plain = NULL;
  /* purple's own conversion first (b, u, font... become XHTML spans, entities stay), then the
   * core's: the XEP-0071 profile, and the plain body made from the same sanitised content
   * (XEP-0071 §7), so it says what the XHTML says and holds no markup or entity. */
  purple_markup_html_to_xhtml(message != NULL ? message : "", &xhtml, &purple_plain);
  if (!xmpp_xhtml_build(xhtml, html, plain)) {
    /* Not well-formed XML (an HTML entity such as &nbsp;, a comment): no XHTML, purple's
     * plain text. */
    *plain = purple_plain;
    purple_plain = NULL;
  }
  g_free(xhtml);
  g_free(purple_plain);
}

int
xmpp_purple_im_send(PurpleConnection *gc, const char *who, const char *message,
                    PurpleMessageFlags flags)
{
  if (xmpp_purple_console_owns(who)) /* the XML console (purple-console.c): raw XML */
    return xmpp_purple_console_send(gc, message);
  XmppMessages *messages = messages_of(gc);
  if (messages == NULL)
    return -ENOTCONN;
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  /* Answering in a conversation means having read it (Finch tells us nothing else). */
  xmpp_delivery_mark_displayed(xmpp_session_get_delivery(conn->session), who);
  char *plain = NULL;
  XmppNode *html = NULL;
  xmpp_purple_im_prepare(message, &plain, &html);
  char *id = xmpp_messages_send_chat(messages, who, plain, html);
  g_free(plain);
  xmpp_node_free(html);
  if (id == NULL)
    return -EINVAL;
  g_free(id);
  return 1;
}

unsigned int
xmpp_purple_im_send_typing(PurpleConnection *gc, const char *who, PurpleTypingState state)
{
  XmppMessages *messages = messages_of(gc);
  if (messages == NULL)
    return 0;
  XmppChatState cs = state == PURPLE_TYPING  ? XMPP_CHAT_STATE_COMPOSING
                     : state == PURPLE_TYPED ? XMPP_CHAT_STATE_PAUSED
                                             : XMPP_CHAT_STATE_ACTIVE;
  xmpp_messages_send_typing(messages, who, cs);
  return 0;
}

void
xmpp_purple_im_convo_closed(PurpleConnection *gc, const char *who)
{
  XmppMessages *messages = messages_of(gc);
  if (messages == NULL || who == NULL)
    return;
  /* XEP-0085 §2: closing the conversation is <gone/>. */
  xmpp_messages_send_typing(messages, who, XMPP_CHAT_STATE_GONE);
  xmpp_messages_forget(messages, who);
}

/* ---- incoming --------------------------------------------------------------------------- */

/* Whose conversation a message belongs in: the sender's bare JID (the buddy), an occupant's
 * room JID (room@service/nick: a private message in a room we are in; the room's bare JID is
 * everyone's), or our server when there is no from. */
static const char *
conversation_name(XmppPurpleConn *conn, const XmppJid *from)
{
  if (from == NULL)
    return xmpp_session_get_domain(conn->session);
  if (xmpp_jid_get_resource(from) != NULL &&
      xmpp_muc_is_room(xmpp_session_get_muc(conn->session), xmpp_jid_get_bare(from)))
    return xmpp_jid_get_full(from);
  return xmpp_jid_get_bare(from);
}

PurpleConversation *
xmpp_purple_im_conversation(XmppPurpleConn *conn, const char *who)
{
  PurpleConversation *conv =
      purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, who, conn->account);
  if (conv == NULL)
    conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, conn->account, who);
  return conv;
}

/* The inner bodies of a bare XEP-0297 forward, marked as forwarded by the outer sender (T45):
 * the inner from is never trusted, so it is not shown as the author. */
static char *
forwarded_markup(const XmppMessageInfo *info, const char *who)
{
  if (info->forwarded_bodies == NULL || info->forwarded_bodies->len == 0)
    return NULL;
  const XmppMessageText *inner = xmpp_message_choose_text(info->forwarded_bodies, NULL, NULL);
  char *who_escaped = g_markup_escape_text(who, -1);
  char *label = g_strdup_printf(_("Forwarded by %s:"), who_escaped);
  char *body = g_markup_escape_text(inner->text, -1);
  char *out = g_strdup_printf("<i>%s</i> %s", label, body);
  g_free(who_escaped);
  g_free(label);
  g_free(body);
  return out;
}

/* A correction (XEP-0308, checked by the core: same full JID as the original) cannot replace
 * the line it corrects in libpurple 2: it is a new line that says it is a correction. */
static char *
corrected_markup(const char *text)
{
  return g_strdup_printf("<i>%s</i> %s", _("Corrected:"), text);
}

/* XEP-0333: the user has the conversation in front of them. */
static void
mark_seen_if_focused(XmppPurpleConn *conn, const char *who)
{
  PurpleConversation *conv =
      purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, who, conn->account);
  if (conv != NULL && purple_conversation_has_focus(conv))
    xmpp_delivery_mark_displayed(xmpp_session_get_delivery(conn->session), who);
}

static void
ev_received(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  XmppPurpleConn *conn = data;
  const char *who = conversation_name(conn, info->from);
  PurpleMessageFlags flags = PURPLE_MESSAGE_RECV;
  time_t when = time(NULL);
  if (info->delay != NULL) {
    /* XEP-0203: an offline or otherwise delayed message, shown with its original time. */
    flags |= PURPLE_MESSAGE_DELAYED;
    when = (time_t)info->delay->stamp;
  }
  if (subject != NULL) {
    PurpleConversation *conv = xmpp_purple_im_conversation(conn, who);
    char *line = g_strdup_printf(_("Subject: %s"), subject);
    purple_conversation_write(conv, who, line,
                              PURPLE_MESSAGE_SYSTEM | (flags & PURPLE_MESSAGE_DELAYED), when);
    g_free(line);
  }
  if (info->route == XMPP_MESSAGE_ARCHIVE)
    xmpp_purple_archive_note_message(conn, who);
  char *forwarded = text == NULL ? forwarded_markup(info, who) : NULL;
  char *corrected = text != NULL && info->replace_id != NULL ? corrected_markup(text) : NULL;
  const char *shown = corrected != NULL ? corrected : text != NULL ? text : forwarded;
  if (shown != NULL)
    serv_got_im(conn->gc, who, shown, flags, when);
  /* A file sent as a link (XEP-0066): offered as a download, not when the archive replays it. */
  if (shown != NULL && info->oob_url != NULL && info->route == XMPP_MESSAGE_DIRECT)
    xmpp_purple_download_offer(conn, who, info->oob_url);
  g_free(forwarded);
  g_free(corrected);
  /* Only a markable message is answered with <displayed/> (the lookup costs a conversation
   * search per message otherwise). */
  if (shown != NULL && info->route == XMPP_MESSAGE_DIRECT && info->markable)
    mark_seen_if_focused(conn, who);
}

/* What another of our clients sent (a XEP-0280 carbon): our line in the conversation with the
 * recipient, as purple writes what we send here (who NULL: the UI names us), flagged as sent from
 * elsewhere; logged like any line of the conversation. */
static void
ev_sent(gpointer data, const XmppMessageInfo *info, const char *text)
{
  XmppPurpleConn *conn = data;
  if (info->route == XMPP_MESSAGE_ARCHIVE)
    xmpp_purple_archive_note_message(conn, xmpp_jid_get_bare(info->to));
  PurpleConversation *conv = xmpp_purple_im_conversation(conn, xmpp_jid_get_bare(info->to));
  PurpleMessageFlags flags = PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_REMOTE_SEND;
  time_t when = time(NULL);
  if (info->delay != NULL) {
    flags |= PURPLE_MESSAGE_DELAYED;
    when = (time_t)info->delay->stamp;
  }
  char *corrected = info->replace_id != NULL ? corrected_markup(text) : NULL;
  purple_conv_im_write(PURPLE_CONV_IM(conv), NULL, corrected != NULL ? corrected : text, flags,
                       when);
  g_free(corrected);
}

static void
ev_typing(gpointer data, const XmppJid *from, XmppChatState state)
{
  XmppPurpleConn *conn = data;
  const char *who = xmpp_jid_get_bare(from);
  switch (state) {
    case XMPP_CHAT_STATE_COMPOSING:
      serv_got_typing(conn->gc, who, 0, PURPLE_TYPING);
      break;
    case XMPP_CHAT_STATE_PAUSED:
      serv_got_typing(conn->gc, who, 0, PURPLE_TYPED);
      break;
    case XMPP_CHAT_STATE_GONE: {
      serv_got_typing_stopped(conn->gc, who);
      PurpleConversation *conv =
          purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, who, conn->account);
      if (conv != NULL) {
        char *escaped = g_markup_escape_text(who, -1);
        char *line = g_strdup_printf(_("%s has left the conversation."), escaped);
        purple_conversation_write(conv, NULL, line, PURPLE_MESSAGE_SYSTEM, time(NULL));
        g_free(line);
        g_free(escaped);
      }
      break;
    }
    default:
      serv_got_typing_stopped(conn->gc, who);
      break;
  }
}

static void
ev_error(gpointer data, const XmppMessageInfo *info)
{
  XmppPurpleConn *conn = data;
  const char *who = conversation_name(conn, info->from);
  PurpleConversation *conv = xmpp_purple_im_conversation(conn, who);
  char *reason = xmpp_purple_stanza_error_text(info->error, XMPP_PURPLE_ERROR_MESSAGE);
  char *text = g_strdup_printf(_("Message could not be delivered: %s"), reason);
  char *escaped = g_markup_escape_text(text, -1);
  purple_conversation_write(conv, NULL, escaped, PURPLE_MESSAGE_ERROR, time(NULL));
  g_free(escaped);
  g_free(text);
  g_free(reason);
}

static const XmppMessagesEvents im_events = {
    .received = ev_received,
    .typing = ev_typing,
    .error = ev_error,
    .sent = ev_sent,
};

/* ---- delivery (XEP-0184, XEP-0333) ------------------------------------------------------- */

/* See the top of the file: one quiet line, for the newest message, the first time only. */
static void
ev_delivery(gpointer data, const char *peer, const char *id, XmppMarker state, XmppMarker previous)
{
  XmppPurpleConn *conn = data;
  if (previous != XMPP_MARKER_NONE)
    return;
  PurpleConversation *conv =
      purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, peer, conn->account);
  if (conv == NULL)
    return;
  const char *text = state == XMPP_MARKER_RECEIVED ? _("Delivered") : _("Seen");
  purple_conversation_write(conv, NULL, text, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG,
                            time(NULL));
}

static const XmppDeliveryEvents delivery_events = {
    .updated = ev_delivery,
};

/* Pidgin marks a conversation seen (unseen count 0) when its window gets the focus. */
static void
conversation_updated(PurpleConversation *conv, PurpleConvUpdateType type, gpointer data)
{
  XmppPurpleConn *conn = data;
  if (type != PURPLE_CONV_UPDATE_UNSEEN || purple_conversation_get_account(conv) != conn->account ||
      purple_conversation_get_type(conv) != PURPLE_CONV_TYPE_IM || conn->session == NULL)
    return;
  if (GPOINTER_TO_INT(purple_conversation_get_data(conv, "unseen-count")) == 0)
    xmpp_delivery_mark_displayed(xmpp_session_get_delivery(conn->session),
                                 purple_conversation_get_name(conv));
}

/* /correct <text>: replaces our last message to this contact (XEP-0308). */
static PurpleCmdRet
cmd_correct(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  PurpleConnection *gc = purple_conversation_get_gc(conv);
  XmppMessages *messages = gc != NULL ? messages_of(gc) : NULL;
  if (messages == NULL || args[0] == NULL || *args[0] == '\0')
    return PURPLE_CMD_RET_FAILED;
  const char *who = purple_conversation_get_name(conv);
  char *plain = NULL;
  XmppNode *html = NULL;
  xmpp_purple_im_prepare(args[0], &plain, &html);
  char *id = xmpp_messages_send_correction(messages, who, plain, html);
  g_free(plain);
  xmpp_node_free(html);
  if (id == NULL) {
    *error = g_strdup(_("There is no message of yours to correct in this conversation."));
    return PURPLE_CMD_RET_FAILED;
  }
  g_free(id);
  char *line = corrected_markup(args[0]);
  purple_conv_im_write(PURPLE_CONV_IM(conv), NULL, line, PURPLE_MESSAGE_SEND, time(NULL));
  g_free(line);
  return PURPLE_CMD_RET_OK;
}

void
xmpp_purple_im_commands(void)
{
  purple_cmd_register("correct", "s", PURPLE_CMD_P_PRPL,
                      PURPLE_CMD_FLAG_IM | PURPLE_CMD_FLAG_PRPL_ONLY, XMPP_PURPLE_PLUGIN_ID,
                      cmd_correct, _("correct &lt;message&gt;: Correct the last message you sent."),
                      NULL);
}

/* ---- wiring ----------------------------------------------------------------------------- */

void
xmpp_purple_im_start(XmppPurpleConn *conn)
{
  XmppMessages *messages = xmpp_session_get_messages(conn->session);
  /* The language to pick among a message's bodies: the UI locale as a language tag. */
  char *lang = xmpp_lang_from_locale(g_get_language_names()[0]);
  xmpp_messages_set_language(messages, lang);
  g_free(lang);
  xmpp_messages_set_events(messages, &im_events, conn);
  xmpp_delivery_set_events(xmpp_session_get_delivery(conn->session), &delivery_events, conn);
  purple_signal_connect(purple_conversations_get_handle(), "conversation-updated", conn,
                        PURPLE_CALLBACK(conversation_updated), conn);
}

void
xmpp_purple_im_stop(XmppPurpleConn *conn)
{
  purple_signal_disconnect(purple_conversations_get_handle(), "conversation-updated", conn,
                           PURPLE_CALLBACK(conversation_updated));
  if (conn->session != NULL) {
    xmpp_messages_set_events(xmpp_session_get_messages(conn->session), NULL, NULL);
    xmpp_delivery_set_events(xmpp_session_get_delivery(conn->session), NULL, NULL);
  }
}
