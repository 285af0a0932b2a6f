/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0198 stream management, as the session uses it: enabled with resumption after bind,
 * <r/> answered at once, acknowledgements requested after each message (and by the keepalive),
 * and on a new transport <resume/>: what the server did not count is sent again; when it has
 * forgotten the session, a new bind, and the messages it never counted are sent again as they
 * were (same id), the rest dropped. XmppSm (sm.c) keeps the books. */
#include <string.h>

#include "router/namespaces.h"
#include "session-private.h"
#include "stream/stream-error.h"

/* An <r/> goes out after a message, or once this many other stanzas wait unacknowledged, when
 * none is outstanding; while one is, another only after SM_REQUEST_BURST more stanzas (a burst
 * keeps acknowledgements coming for the window without an <r/> per message). */
#define SM_REQUEST_EVERY 5
#define SM_REQUEST_BURST (XMPP_SM_WINDOW / 5)

static gboolean
is_stanza(const XmppNode *node)
{
  return xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "message") ||
         xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "presence") ||
         xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "iq");
}

static void
send_nonza(XmppSession *session, const char *name, const char *h_attr, guint32 h)
{
  g_autoptr(XmppNode) node = xmpp_node_new(XMPP_NS_SM, name);
  if (h_attr != NULL) {
    char value[16];
    g_snprintf(value, sizeof value, "%" G_GUINT32_FORMAT, h);
    xmpp_node_set_attr(node, h_attr, value);
  }
  xmpp_session_send_element(session, node);
}

/* An <r/> unanswered for XMPP_PING_TIMEOUT_S: what we send is not getting through (a path
 * that drops one way, where the keepalive still hears the server), so the link is lost. */
static gboolean
ack_timed_out(gpointer data)
{
  XmppSession *session = data;
  session->ack_timer = 0;
  xmpp_session_enter(session);
  g_autoptr(GError) error = g_error_new(XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PING_TIMEOUT,
                                        "the server did not acknowledge what we sent in %u s",
                                        session->config.ping_timeout_s);
  xmpp_session_lose_link(session, error);
  xmpp_session_leave(session);
  return G_SOURCE_REMOVE;
}

void
xmpp_session_sm_ack_settled(XmppSession *session)
{
  session->ack_requested = FALSE;
  if (session->ack_timer != 0) {
    session->host.timeout_remove(session->host.data, session->ack_timer);
    session->ack_timer = 0;
  }
}

static void
request_ack(XmppSession *session)
{
  session->ack_requested = TRUE;
  session->sent_at_request = xmpp_sm_get_sent(session->sm);
  send_nonza(session, "r", NULL, 0);
  if (session->ack_timer == 0)
    session->ack_timer = session->host.timeout_add(
        session->host.data, session->config.ping_timeout_s * 1000, ack_timed_out, session);
}

void
xmpp_session_sm_enable(XmppSession *session)
{
  if (session->features == NULL || !session->features->sm || session->config.register_only)
    return;
  g_autoptr(XmppNode) enable = xmpp_node_new(XMPP_NS_SM, "enable");
  xmpp_node_set_attr(enable, "resume", "true");
  xmpp_session_send_element(session, enable);
  /* §4: our count starts with <enable/>; everything from here is kept until acknowledged. */
  xmpp_sm_enable_sent(session->sm);
  xmpp_session_sm_ack_settled(session);
}

/* The server's h is impossible: a stream error (§4, handled-count-too-high) and the end. */
static void
refuse_count(XmppSession *session, guint32 h, const GError *error)
{
  xmpp_host_log(&session->host, XMPP_LOG_WARNING, "stream management: %s", error->message);
  if (session->stream != NULL && !xmpp_stream_is_closed(session->stream)) {
    g_autoptr(XmppNode) stream_error = xmpp_stream_error_new(XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
    XmppNode *detail = xmpp_node_new_child(stream_error, XMPP_NS_SM, "handled-count-too-high");
    char value[16];
    g_snprintf(value, sizeof value, "%" G_GUINT32_FORMAT, h);
    xmpp_node_set_attr(detail, "h", value);
    g_snprintf(value, sizeof value, "%" G_GUINT32_FORMAT, xmpp_sm_get_sent(session->sm));
    xmpp_node_set_attr(detail, "send-count", value);
    xmpp_stream_send_error(session->stream, stream_error);
  }
  xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PROTOCOL,
                         "the server acknowledged stanzas we never sent");
}

/* Applies an h from the server; FALSE when the session failed over it. */
static gboolean
apply_h(XmppSession *session, const XmppNode *element)
{
  guint32 h = 0;
  if (!xmpp_sm_parse_h(element, &h)) {
    xmpp_host_log(&session->host, XMPP_LOG_WARNING, "stream management: <%s/> without a valid h",
                  element->name);
    return TRUE; /* nothing to apply; the next <a/> will do */
  }
  g_autoptr(GError) error = NULL;
  if (!xmpp_sm_ack(session->sm, h, &error)) {
    refuse_count(session, h, error);
    return FALSE;
  }
  return TRUE;
}

void
xmpp_session_sm_handle(XmppSession *session, const XmppNode *element)
{
  const char *name = element->name;
  if (g_strcmp0(name, "r") == 0) {
    /* §4: answered at once, whatever else is going on: when what arrived with it is handled
     * (xmpp_session_sm_answer), so several requests in one read get one answer, with the
     * count of everything before it. */
    if (xmpp_sm_is_enabled(session->sm))
      session->ack_answer_due = TRUE;
  } else if (g_strcmp0(name, "a") == 0) {
    if (!xmpp_sm_is_counting(session->sm))
      return;
    xmpp_session_sm_ack_settled(session);
    if (apply_h(session, element))
      xmpp_session_drain_waiting(session);
  } else if (g_strcmp0(name, "enabled") == 0) {
    if (!xmpp_sm_is_counting(session->sm) || xmpp_sm_is_enabled(session->sm))
      return;
    gboolean resume = g_strcmp0(xmpp_node_get_attr(element, "resume"), "true") == 0 ||
                      g_strcmp0(xmpp_node_get_attr(element, "resume"), "1") == 0;
    guint64 max = 0;
    const char *max_attr = xmpp_node_get_attr(element, "max");
    if (max_attr == NULL || !g_ascii_string_to_unsigned(max_attr, 10, 0, G_MAXUINT32, &max, NULL))
      max = 0;
    const char *id = xmpp_node_get_attr(element, "id");
    /* The id is echoed in <resume previd=/>: keep only a sane one. */
    if (id != NULL && (strlen(id) > 1024 || !g_utf8_validate(id, -1, NULL)))
      id = NULL;
    xmpp_sm_enabled(session->sm, resume ? id : NULL, (guint)max);
    xmpp_host_log(&session->host, XMPP_LOG_INFO, "stream management enabled%s",
                  xmpp_sm_get_resume_id(session->sm) != NULL ? " (resumable)" : "");
  } else if (g_strcmp0(name, "failed") == 0) {
    if (!xmpp_sm_is_counting(session->sm) || xmpp_sm_is_enabled(session->sm))
      return;
    /* Our <enable/> was refused: nothing is counted; what we sent went out as usual. */
    xmpp_host_log(&session->host, XMPP_LOG_INFO, "stream management refused by the server");
    xmpp_sm_reset(session->sm);
  } else {
    xmpp_host_log(&session->host, XMPP_LOG_DEBUG, "stream management: ignoring <%s/>",
                  name != NULL ? name : "?");
  }
}

void
xmpp_session_sm_answer(XmppSession *session)
{
  if (!session->ack_answer_due)
    return;
  session->ack_answer_due = FALSE;
  if (xmpp_sm_is_enabled(session->sm) && session->stream != NULL &&
      !xmpp_stream_is_closed(session->stream))
    send_nonza(session, "a", "h", xmpp_sm_get_handled(session->sm));
}

static gboolean
outbound(XmppSession *session, XmppNode *given, const XmppNode *stanza, gboolean *kept)
{
  *kept = FALSE;
  if (!xmpp_sm_is_counting(session->sm) || !is_stanza(stanza))
    return TRUE;
  g_autoptr(GError) error = NULL;
  *kept = given != NULL;
  gboolean ok = given != NULL ? xmpp_sm_sent_take(session->sm, given, &error)
                              : xmpp_sm_sent(session->sm, stanza, &error);
  if (!ok) {
    /* A server that never acknowledges: better a clear error than unbounded memory. */
    xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PROTOCOL, "%s",
                           error->message);
    return FALSE;
  }
  return TRUE;
}

gboolean
xmpp_session_sm_outbound(XmppSession *session, const XmppNode *stanza)
{
  gboolean kept;
  return outbound(session, NULL, stanza, &kept);
}

gboolean
xmpp_session_sm_outbound_give(XmppSession *session, XmppNode *stanza, gboolean *kept)
{
  return outbound(session, stanza, stanza, kept);
}

/* After a stanza was written: ask for an acknowledgement after a message, or once enough wait
 * (§4 leaves the policy to us; one <r/> outstanding at a time unless many more were sent). */
static void
maybe_request_ack(XmppSession *session, const XmppNode *stanza)
{
  if (!xmpp_sm_is_enabled(session->sm) || session->state != XMPP_SESSION_STATE_READY)
    return;
  guint32 since = xmpp_sm_get_sent(session->sm) - session->sent_at_request;
  gboolean message = xmpp_node_is(stanza, XMPP_NS_JABBER_CLIENT, "message");
  if ((!session->ack_requested &&
       (message || xmpp_sm_n_unacked(session->sm) >= SM_REQUEST_EVERY)) ||
      since >= SM_REQUEST_BURST)
    request_ack(session);
}

void
xmpp_session_sm_inbound(XmppSession *session)
{
  xmpp_sm_handled(session->sm);
}

gboolean
xmpp_session_sm_resumable(const XmppSession *session)
{
  return xmpp_sm_get_resume_id(session->sm) != NULL;
}

gboolean
xmpp_session_sm_probe(gpointer data)
{
  XmppSession *session = data;
  if (!xmpp_sm_is_enabled(session->sm))
    return FALSE;
  request_ack(session);
  return TRUE;
}

/* ---- flow control ---- */

gboolean
xmpp_session_sm_must_wait(XmppSession *session, const XmppNode *stanza)
{
  return xmpp_sm_is_counting(session->sm) && is_stanza(stanza) &&
         (!g_queue_is_empty(&session->waiting) || xmpp_sm_n_unacked(session->sm) >= XMPP_SM_WINDOW);
}

void
xmpp_session_sm_wait(XmppSession *session, const XmppNode *stanza)
{
  if (session->waiting.length >= XMPP_SM_MAX_WAITING) {
    xmpp_session_report_not_sent(session, stanza);
    return;
  }
  g_queue_push_tail(&session->waiting, xmpp_node_copy(stanza));
  /* The window opens with the server's acknowledgements: make sure one is on its way. */
  if (session->state == XMPP_SESSION_STATE_READY && !session->ack_requested)
    request_ack(session);
}

/* ---- resumption ---- */

/* Messages the server never counted, from the old session: sent again once bound (with their
 * id, so a recipient that did get one can tell). Other stanzas belonged to the old session:
 * its IQs are ended and presence is sent anew by whoever signs in. */
static void
hold_unacked_messages(XmppSession *session)
{
  g_autoptr(GPtrArray) unacked = xmpp_sm_take_unacked(session->sm);
  for (guint i = 0; i < unacked->len; i++) {
    XmppNode *node = unacked->pdata[i];
    if (!xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "message"))
      continue;
    if (session->held->len < XMPP_SESSION_MAX_HELD) {
      g_ptr_array_add(session->held, node);
      unacked->pdata[i] = NULL;
    } else {
      xmpp_session_report_not_sent(session, node); /* T71 */
    }
  }
  /* Then what waited behind the window, in order: its messages too. */
  for (XmppNode *node; (node = g_queue_pop_head(&session->waiting)) != NULL; xmpp_node_free(node)) {
    if (!xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "message"))
      continue;
    if (session->held->len < XMPP_SESSION_MAX_HELD)
      g_ptr_array_add(session->held, g_steal_pointer(&node));
    else
      xmpp_session_report_not_sent(session, node); /* T71 */
  }
}

static void
resume_failed(XmppSession *session, const char *why)
{
  xmpp_host_log(&session->host, XMPP_LOG_INFO,
                "stream management: cannot resume (%s): signing in anew, %u message(s) to send "
                "again",
                why, xmpp_sm_n_unacked(session->sm));
  hold_unacked_messages(session);
  xmpp_sm_reset(session->sm);
  xmpp_session_sm_ack_settled(session);
  session->resuming = FALSE;
  /* The old session's requests will never be answered, and what we knew of our contacts'
   * presence is the old session's too. */
  xmpp_router_fail_pending(session->router);
  xmpp_presence_forget_all(session->presence);
  if (session->state == XMPP_SESSION_STATE_CLOSED)
    return;
  xmpp_session_start_bind(session);
}

void
xmpp_session_sm_resume(XmppSession *session)
{
  if (session->features == NULL || !session->features->sm || !xmpp_session_sm_resumable(session)) {
    resume_failed(session, "the server does not offer it");
    return;
  }
  g_autoptr(XmppNode) resume = xmpp_node_new(XMPP_NS_SM, "resume");
  char h[16];
  g_snprintf(h, sizeof h, "%" G_GUINT32_FORMAT, xmpp_sm_get_handled(session->sm));
  xmpp_node_set_attr(resume, "h", h);
  xmpp_node_set_attr(resume, "previd", xmpp_sm_get_resume_id(session->sm));
  session->state = XMPP_SESSION_STATE_RESUME;
  xmpp_session_send_element(session, resume);
}

void
xmpp_session_sm_handle_resume_reply(XmppSession *session, const XmppNode *element)
{
  if (xmpp_node_is(element, XMPP_NS_SM, "failed")) {
    /* §5: the server may tell how much of the old session it had counted. */
    if (xmpp_node_get_attr(element, "h") != NULL && !apply_h(session, element))
      return;
    resume_failed(session, "the server no longer knows the session");
    return;
  }
  if (!xmpp_node_is(element, XMPP_NS_SM, "resumed") ||
      g_strcmp0(xmpp_node_get_attr(element, "previd"), xmpp_sm_get_resume_id(session->sm)) != 0) {
    xmpp_session_refuse(session, XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE, XMPP_SESSION_ERROR,
                        XMPP_SESSION_ERROR_PROTOCOL, "unexpected answer to <resume/>");
    return;
  }
  guint32 h = 0;
  if (!xmpp_sm_parse_h(element, &h)) {
    xmpp_session_refuse(session, XMPP_STREAM_ERROR_INVALID_XML, XMPP_SESSION_ERROR,
                        XMPP_SESSION_ERROR_PROTOCOL, "<resumed/> without a valid h");
    return;
  }
  if (!apply_h(session, element))
    return;
  session->state = XMPP_SESSION_STATE_READY;
  session->resuming = FALSE;
  xmpp_session_sm_ack_settled(session);
  xmpp_session_step_begins(session); /* signed in again: no deadline */
  /* Exactly what the server did not count, in order, as it was. */
  guint n = xmpp_sm_n_unacked(session->sm);
  for (guint i = 0; i < n; i++)
    xmpp_session_send_element(session, xmpp_sm_peek_unacked(session->sm, i));
  if (n > 0)
    request_ack(session);
  xmpp_host_log(&session->host, XMPP_LOG_INFO, "stream resumed: %u stanza(s) sent again", n);
  xmpp_session_drain_waiting(session);
  xmpp_session_resumed(session);
}

void
xmpp_session_sm_written(XmppSession *session, const XmppNode *stanza)
{
  maybe_request_ack(session, stanza);
}
