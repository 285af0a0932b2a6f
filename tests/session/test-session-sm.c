/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of XEP-0198 stream management: enabled after bind, <r/> answered, acks
 * requested after messages, a lost link resumed on a new transport with exactly the missing
 * stanzas sent again, a forgotten session signed in anew with its messages sent again, and a
 * server's impossible h refused without a resend storm. */
#include <string.h>

#include "im/message.h"
#include "muc/muc.h"
#include "router/namespaces.h"
#include "script-server.h"

#define SM_NS "urn:xmpp:sm:3"

static XmppSessionConfig
config(void)
{
  return (XmppSessionConfig){
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
}

/* One transport's sign-in up to the features after authentication (which offer bind, and
 * stream management when sm). */
static void
authenticate(ScriptServer *s, gboolean sm)
{
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
              "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_expect_header(s);
  script_send(s, sm ? SCRIPT_STREAM_HEADER
                     "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                     "<sm xmlns='urn:xmpp:sm:3'/></stream:features>"
                    : SCRIPT_STREAM_HEADER "<stream:features><bind "
                                           "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                                           "</stream:features>");
}

static void
answer_bind(ScriptServer *s)
{
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_nonnull(xmpp_node_get_child(bind, "urn:ietf:params:xml:ns:xmpp-bind", "bind"));
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/balcony</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, reply);
}

/* Signed in with stream management enabled (resumable as sm-1, max 300 s). */
static ScriptServer *
signed_in(void)
{
  XmppSessionConfig c = config();
  ScriptServer *s = script_new(&c);
  authenticate(s, TRUE);
  answer_bind(s);
  /* <enable/> comes right after bind, before any stanza, so everything after is counted. */
  g_autoptr(XmppNode) enable = script_expect(s, SM_NS, "enable");
  g_assert_cmpstr(xmpp_node_get_attr(enable, "resume"), ==, "true");
  script_answer_discovery(s, NULL);
  script_send(s, "<enabled xmlns='urn:xmpp:sm:3' id='sm-1' resume='true' max='300'/>");
  g_assert_true(xmpp_session_has_stream_management(s->session));
  /* The two disco#info requests went out after <enable/>: counted, and settled here. */
  script_send(s, "<a xmlns='urn:xmpp:sm:3' h='4'/>");
  script_expect_nothing(s);
  return s;
}

static char *
send_chat(ScriptServer *s, const char *body)
{
  XmppMessages *messages = xmpp_session_get_messages(s->session);
  return xmpp_messages_send_chat(messages, "romeo@example.net", body, NULL);
}

static void
expect_chat(ScriptServer *s, const char *body)
{
  g_autoptr(XmppNode) m = script_expect(s, XMPP_NS_JABBER_CLIENT, "message");
  g_autofree char *text = xmpp_node_dup_child_text(m, XMPP_NS_JABBER_CLIENT, "body");
  g_assert_cmpstr(text, ==, body);
}

static void
expect_h(ScriptServer *s, const char *name, const char *h)
{
  g_autoptr(XmppNode) a = script_expect(s, SM_NS, name);
  g_assert_cmpstr(xmpp_node_get_attr(a, "h"), ==, h);
}

static void
test_enabled_after_bind(void)
{
  ScriptServer *s = signed_in();
  g_assert_nonnull(strstr(s->events->str, "ready:juliet@example.test/balcony"));
  script_free(s);
}

static void
test_not_offered(void)
{
  XmppSessionConfig c = config();
  ScriptServer *s = script_new(&c);
  authenticate(s, FALSE);
  answer_bind(s);
  script_answer_discovery(s, NULL); /* and no <enable/> */
  script_expect_nothing(s);
  g_assert_false(xmpp_session_has_stream_management(s->session));
  /* A lost link then ends the session as before. */
  xmpp_session_transport_closed(s->session, "reset by peer");
  g_assert_true(s->closed);
  g_assert_null(strstr(s->events->str, "interrupted"));
  script_free(s);
}

/* §4: <r/> is answered at once with the count of stanzas handled since <enabled/>. */
static void
test_r_answered(void)
{
  ScriptServer *s = signed_in();
  script_send(s, "<r xmlns='urn:xmpp:sm:3'/>");
  expect_h(s, "a", "0");
  script_send(s, "<presence from='romeo@example.net/o'/><message from='romeo@example.net/o'>"
                 "<body>hi</body></message><iq type='get' id='v1' from='romeo@example.net/o'>"
                 "<query xmlns='jabber:iq:version'/></iq><r xmlns='urn:xmpp:sm:3'/>");
  g_autoptr(XmppNode) version = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  expect_h(s, "a", "3");
  script_free(s);
}

/* An acknowledgement is requested after each message; the server's <a/> settles them. */
static void
test_ack_requested_after_message(void)
{
  ScriptServer *s = signed_in();
  g_free(send_chat(s, "one"));
  expect_chat(s, "one");
  g_autoptr(XmppNode) r = script_expect(s, SM_NS, "r");
  g_free(send_chat(s, "two")); /* an <r/> is out: no second one for a single message */
  expect_chat(s, "two");
  script_expect_nothing(s);
  script_send(s, "<a xmlns='urn:xmpp:sm:3' h='6'/>");
  g_free(send_chat(s, "three"));
  expect_chat(s, "three");
  g_autoptr(XmppNode) r2 = script_expect(s, SM_NS, "r");
  script_free(s);
}

/* §4 handled-count-too-high: a stream error and the end, never a resend. */
static void
test_handled_count_too_high(void)
{
  ScriptServer *s = signed_in();
  g_free(send_chat(s, "one"));
  expect_chat(s, "one");
  g_autoptr(XmppNode) r = script_expect(s, SM_NS, "r");
  script_send(s, "<a xmlns='urn:xmpp:sm:3' h='7'/>");
  g_autoptr(XmppNode) error = script_expect(s, XMPP_NS_STREAM, "error");
  XmppNode *detail = xmpp_node_get_child(error, SM_NS, "handled-count-too-high");
  g_assert_nonnull(detail);
  g_assert_cmpstr(xmpp_node_get_attr(detail, "h"), ==, "7");
  g_assert_cmpstr(xmpp_node_get_attr(detail, "send-count"), ==, "5");
  g_assert_true(s->closed);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PROTOCOL);
  script_free(s);
}

/* A garbled h is logged and ignored; the session goes on. */
static void
test_bad_h_ignored(void)
{
  ScriptServer *s = signed_in();
  script_send(s, "<a xmlns='urn:xmpp:sm:3' h='lots'/><a xmlns='urn:xmpp:sm:3'/>"
                 "<enabled xmlns='urn:xmpp:sm:3' id='other'/><bogus xmlns='urn:xmpp:sm:3'/>");
  g_assert_false(s->closed);
  g_assert_true(xmpp_session_is_ready(s->session));
  script_free(s);
}

/* The link drops with two messages unacknowledged (one of them counted by the server); one
 * more is sent while no transport is attached. The new transport resumes: exactly the two the
 * server did not count go out again, in order; the buddy list never hears of it (no ready, no
 * closed). */
static void
test_resume(void)
{
  ScriptServer *s = signed_in();
  script_send(s, "<message from='romeo@example.net/o'><body>in 1</body></message>");
  g_free(send_chat(s, "one"));
  expect_chat(s, "one");
  g_autoptr(XmppNode) r = script_expect(s, SM_NS, "r");
  g_free(send_chat(s, "two"));
  expect_chat(s, "two");
  xmpp_session_transport_closed(s->session, "reset by peer");
  g_assert_false(s->closed);
  g_assert_nonnull(strstr(s->events->str, "interrupted:xmpp-session-error-quark:0"));
  g_assert_true(xmpp_session_is_ready(s->session)); /* still signed in for the user */
  g_free(send_chat(s, "three"));                    /* waits */
  script_expect_nothing(s);

  g_string_truncate(s->events, 0);
  authenticate(s, TRUE);
  g_autoptr(XmppNode) resume = script_expect(s, SM_NS, "resume");
  g_assert_cmpstr(xmpp_node_get_attr(resume, "previd"), ==, "sm-1");
  g_assert_cmpstr(xmpp_node_get_attr(resume, "h"), ==, "1"); /* "in 1" was handled */
  script_send(s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='5'/>");
  expect_chat(s, "two");
  expect_chat(s, "three");
  g_autoptr(XmppNode) r2 = script_expect(s, SM_NS, "r");
  script_expect_nothing(s);
  g_assert_cmpstr(s->events->str, ==, "progress:0 progress:2 resumed ");
  /* And counting goes on from there. */
  script_send(s, "<a xmlns='urn:xmpp:sm:3' h='7'/><r xmlns='urn:xmpp:sm:3'/>");
  expect_h(s, "a", "1");
  script_free(s);
}

/* The server forgot the session (restarted): <failed/> with the h it had. What it counted is
 * delivered; the messages it did not are sent again after a new bind, with their ids; other
 * stanzas and the old requests are over. The user sees a new sign-in (ready again). */
static void
test_resume_failed(void)
{
  ScriptServer *s = signed_in();
  g_autofree char *id_one = send_chat(s, "one");
  expect_chat(s, "one");
  g_autoptr(XmppNode) r = script_expect(s, SM_NS, "r");
  g_autofree char *id_two = send_chat(s, "two");
  expect_chat(s, "two");
  g_autoptr(XmppNode) presence = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
  xmpp_session_send(s->session, presence);
  g_autoptr(XmppNode) p = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  xmpp_session_transport_closed(s->session, "reset by peer");

  g_string_truncate(s->events, 0);
  authenticate(s, TRUE);
  g_autoptr(XmppNode) resume = script_expect(s, SM_NS, "resume");
  script_send(s, "<failed xmlns='urn:xmpp:sm:3' h='5'><item-not-found "
                 "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
  answer_bind(s);
  g_autoptr(XmppNode) enable = script_expect(s, SM_NS, "enable");
  script_answer_discovery(s, NULL);
  g_autoptr(XmppNode) again = script_expect(s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_cmpstr(xmpp_node_get_attr(again, "id"), ==, id_two);
  script_expect_nothing(s); /* not "one" (counted), not the presence (the old session's) */
  g_assert_nonnull(strstr(s->events->str, "ready:juliet@example.test/balcony"));
  g_assert_false(s->closed);
  script_free(s);
}

#define COVEN "coven@chat.example"

/* In the room COVEN as thirdwitch (the join sent, our own presence answered). */
static XmppMuc *
join_coven(ScriptServer *s)
{
  XmppMuc *muc = xmpp_session_get_muc(s->session);
  g_assert_true(xmpp_muc_join(muc, COVEN, "thirdwitch", NULL, NULL));
  /* What the room offers first (an archive or not): none. */
  g_autoptr(XmppNode) disco = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *info = g_strdup_printf("<iq type='result' from='" COVEN "' id='%s'><query "
                                          "xmlns='http://jabber.org/protocol/disco#info'/></iq>",
                                          xmpp_node_get_attr(disco, "id"));
  script_send(s, info);
  g_autoptr(XmppNode) join = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  script_send(s, "<presence from='" COVEN "/thirdwitch'><x "
                 "xmlns='http://jabber.org/protocol/muc#user'><item role='participant'/>"
                 "<status code='110'/></x></presence>");
  return muc;
}

/* After a resume the rooms are as they were: nothing is sent to them. After a failed one the
 * server's session is new, and every room is joined again (its occupants learnt anew). */
static void
test_rooms_after_resume(void)
{
  ScriptServer *s = signed_in();
  XmppMuc *muc = join_coven(s);
  g_assert_true(xmpp_muc_is_joined(muc, COVEN));

  xmpp_session_transport_closed(s->session, "reset by peer");
  authenticate(s, TRUE);
  g_autoptr(XmppNode) resume = script_expect(s, SM_NS, "resume");
  script_send(s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='6'/>");
  /* XEP-0410: the room may have dropped us while the link was down: a self-ping, answered. */
  g_autoptr(XmppNode) ping = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(ping, "to"), ==, COVEN "/thirdwitch");
  g_assert_nonnull(xmpp_node_get_child(ping, "urn:xmpp:ping", "ping"));
  g_autofree char *pong = g_strdup_printf("<iq type='result' from='" COVEN "/thirdwitch' id='%s'/>",
                                          xmpp_node_get_attr(ping, "id"));
  script_send(s, pong);
  script_expect_nothing(s);
  g_assert_true(xmpp_muc_is_joined(muc, COVEN));

  xmpp_session_transport_closed(s->session, "reset by peer");
  authenticate(s, TRUE);
  g_autoptr(XmppNode) resume2 = script_expect(s, SM_NS, "resume");
  script_send(s, "<failed xmlns='urn:xmpp:sm:3' h='6'><item-not-found "
                 "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
  answer_bind(s);
  g_autoptr(XmppNode) enable = script_expect(s, SM_NS, "enable");
  g_autoptr(XmppNode) again = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  g_assert_cmpstr(xmpp_node_get_attr(again, "to"), ==, COVEN "/thirdwitch");
  g_assert_nonnull(xmpp_node_get_child(again, "http://jabber.org/protocol/muc", "x"));
  g_assert_false(xmpp_muc_is_joined(muc, COVEN)); /* until the room says so */
  script_answer_discovery(s, NULL);
  script_send(s, "<presence from='" COVEN "/thirdwitch'><x "
                 "xmlns='http://jabber.org/protocol/muc#user'><item role='participant'/>"
                 "<status code='110'/></x></presence>");
  g_assert_true(xmpp_muc_is_joined(muc, COVEN));
  script_free(s);
}

/* Resumed, but the room dropped us meanwhile (it restarted, or kicked the ghost): its answer
 * to the self-ping says so (not-acceptable), and the room is joined again. */
static void
test_room_dropped_us_meanwhile(void)
{
  ScriptServer *s = signed_in();
  XmppMuc *muc = join_coven(s);
  xmpp_session_transport_closed(s->session, "reset by peer");
  authenticate(s, TRUE);
  g_autoptr(XmppNode) resume = script_expect(s, SM_NS, "resume");
  script_send(s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='6'/>");
  g_autoptr(XmppNode) ping = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *refused =
      g_strdup_printf("<iq type='error' from='" COVEN "/thirdwitch' id='%s'><error type='modify'>"
                      "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(ping, "id"));
  script_send(s, refused);
  g_autoptr(XmppNode) again = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  g_assert_cmpstr(xmpp_node_get_attr(again, "to"), ==, COVEN "/thirdwitch");
  g_assert_nonnull(xmpp_node_get_child(again, "http://jabber.org/protocol/muc", "x"));
  g_assert_false(xmpp_muc_is_joined(muc, COVEN));
  script_free(s);
}

/* A new transport whose server no longer offers stream management: a new sign-in too. */
static void
test_resume_not_offered(void)
{
  ScriptServer *s = signed_in();
  g_free(send_chat(s, "one"));
  expect_chat(s, "one");
  g_autoptr(XmppNode) r = script_expect(s, SM_NS, "r");
  xmpp_session_transport_closed(s->session, "gone");
  authenticate(s, FALSE);
  answer_bind(s);
  script_answer_discovery(s, NULL);
  expect_chat(s, "one");
  script_expect_nothing(s);
  script_free(s);
}

/* A <resumed/> for another session, or without h, is refused. */
static void
test_resumed_bogus(void)
{
  ScriptServer *s = signed_in();
  xmpp_session_transport_closed(s->session, "gone");
  authenticate(s, TRUE);
  g_autoptr(XmppNode) resume = script_expect(s, SM_NS, "resume");
  script_send(s, "<resumed xmlns='urn:xmpp:sm:3' previd='someone-else' h='0'/>");
  g_assert_true(s->closed);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PROTOCOL);
  script_free(s);
}

/* A resumed stream whose h acknowledges more than we sent: the same refusal as <a/>. */
static void
test_resumed_count_too_high(void)
{
  ScriptServer *s = signed_in();
  xmpp_session_transport_closed(s->session, "gone");
  authenticate(s, TRUE);
  g_autoptr(XmppNode) resume = script_expect(s, SM_NS, "resume");
  script_send(s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='7'/>");
  g_autoptr(XmppNode) error = script_expect(s, XMPP_NS_STREAM, "error");
  g_assert_true(s->closed);
  script_free(s);
}

/* Dead link with stream management on: the keepalive probe is an <r/>, and silence after it
 * is noticed within 45 s of the last byte; the session is interrupted, not closed. */
static void
test_silent_link_interrupted(void)
{
  ScriptServer *s = signed_in();
  guint elapsed_s = 0;
  gboolean probed = FALSE;
  while (strstr(s->events->str, "interrupted") == NULL && elapsed_s < 300) {
    fake_host_advance(s->fake, 1000);
    elapsed_s++;
    script_pump(s);
    if (!probed && !g_queue_is_empty(&s->elements)) {
      g_autoptr(XmppNode) probe = script_expect(s, SM_NS, "r");
      probed = TRUE;
    }
  }
  g_assert_true(probed);
  g_assert_nonnull(strstr(s->events->str, "interrupted:xmpp-session-error-quark:7"));
  g_assert_cmpuint(elapsed_s, <=, 45);
  g_assert_false(s->closed);
  g_test_message("silent link noticed after %u s", elapsed_s);
  script_free(s);
}

/* A path that only carries data one way: the server's stanzas keep coming (the keepalive hears
 * them) but our <r/> is never answered: the link is lost 12 s after it, not never. The twin:
 * an answer in time changes nothing. */
static void
test_T63_one_way_link(void)
{
  ScriptServer *s = signed_in();
  g_free(send_chat(s, "one"));
  expect_chat(s, "one");
  g_autoptr(XmppNode) r = script_expect(s, SM_NS, "r");
  fake_host_advance(s->fake, 6 * 1000);
  script_send(s, "<a xmlns='urn:xmpp:sm:3' h='5'/>");
  fake_host_advance(s->fake, 10 * 1000);
  g_assert_null(strstr(s->events->str, "interrupted"));
  g_free(send_chat(s, "two"));
  expect_chat(s, "two");
  g_autoptr(XmppNode) r2 = script_expect(s, SM_NS, "r");
  for (int i = 0; i < 11; i++) {
    fake_host_advance(s->fake, 1000);
    script_send(s, "<presence from='romeo@example.net/o'/>");
  }
  g_assert_null(strstr(s->events->str, "interrupted"));
  fake_host_advance(s->fake, 1000);
  g_assert_nonnull(strstr(s->events->str, "interrupted:xmpp-session-error-quark:7"));
  g_assert_false(s->closed);
  script_free(s);
}

/* Closing a detached session: the message that never left is reported undelivered. */
static void
test_undelivered_on_close(void)
{
  ScriptServer *s = signed_in();
  g_free(send_chat(s, "one"));
  expect_chat(s, "one");
  g_autoptr(XmppNode) r = script_expect(s, SM_NS, "r");
  script_send(s, "<a xmlns='urn:xmpp:sm:3' h='5'/>");
  xmpp_session_transport_closed(s->session, "gone");
  g_free(send_chat(s, "never left"));
  xmpp_session_close(s->session);
  g_assert_true(s->closed);
  g_autoptr(GPtrArray) undelivered = xmpp_session_take_undelivered(s->session);
  g_assert_cmpuint(undelivered->len, ==, 1);
  g_autofree char *body =
      xmpp_node_dup_child_text(undelivered->pdata[0], XMPP_NS_JABBER_CLIENT, "body");
  g_assert_cmpstr(body, ==, "never left");
  script_free(s);
}

/* Plays a server that answers every <r/> with all it has counted (before: stanzas counted since
 * <enable/> before these), until the client sends nothing more; returns the bodies of the
 * messages it sent, in order. */
static GPtrArray *
receive_acking(ScriptServer *s, guint32 before)
{
  GPtrArray *bodies = g_ptr_array_new_with_free_func(g_free);
  guint32 h = before;
  for (guint round = 0; round < 1000000; round++) {
    script_pump(s);
    g_autoptr(XmppNode) node = g_queue_pop_head(&s->elements);
    if (node == NULL)
      break;
    if (xmpp_node_is(node, SM_NS, "r")) {
      char a[64];
      g_snprintf(a, sizeof a, "<a xmlns='urn:xmpp:sm:3' h='%" G_GUINT32_FORMAT "'/>", h);
      script_send(s, a);
    } else if (xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "message")) {
      h++;
      g_ptr_array_add(bodies, xmpp_node_dup_child_text(node, XMPP_NS_JABBER_CLIENT, "body"));
    } else if (g_strcmp0(node->ns, XMPP_NS_JABBER_CLIENT) == 0) {
      h++;
    }
  }
  return bodies;
}

/* Flow control: a burst of 2,000 messages puts XMPP_SM_WINDOW on the wire; the rest wait and
 * follow as the server acknowledges, all in order, and the session lives on. */
static void
test_window_flow_control(void)
{
  ScriptServer *s = signed_in();
  for (guint i = 0; i < 2000; i++) {
    char body[32];
    g_snprintf(body, sizeof body, "burst %u", i);
    g_free(send_chat(s, body));
  }
  script_pump(s);
  guint on_wire = 0;
  for (GList *l = s->elements.head; l != NULL; l = l->next)
    if (xmpp_node_is(l->data, XMPP_NS_JABBER_CLIENT, "message"))
      on_wire++;
  g_assert_cmpuint(on_wire, ==, XMPP_SM_WINDOW);
  /* Before the burst: discovery (2), the bookmarks and the server's items. */
  g_autoptr(GPtrArray) bodies = receive_acking(s, 4);
  g_assert_cmpuint(bodies->len, ==, 2000);
  for (guint i = 0; i < bodies->len; i++) {
    char want[32];
    g_snprintf(want, sizeof want, "burst %u", i);
    g_assert_cmpstr(bodies->pdata[i], ==, want);
  }
  g_assert_false(s->closed);
  script_free(s);
}

/* T71: while a forgotten session is bound anew, what the user sends waits, up to
 * XMPP_SESSION_MAX_HELD stanzas; a message beyond that is reported as not sent at once, never
 * dropped silently, and every one that waited is sent after the bind, without overflowing
 * what stream management keeps unacknowledged. */
static void
test_T71_held_overflow_reported(void)
{
  ScriptServer *s = signed_in();
  xmpp_session_transport_closed(s->session, "reset by peer");
  authenticate(s, TRUE);
  g_autoptr(XmppNode) resume = script_expect(s, SM_NS, "resume");
  script_send(s, "<failed xmlns='urn:xmpp:sm:3' h='4'><item-not-found "
                 "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
  g_string_truncate(s->events, 0);
  for (guint i = 0; i < XMPP_SESSION_MAX_HELD; i++) {
    char body[32];
    g_snprintf(body, sizeof body, "held %u", i);
    g_free(send_chat(s, body));
  }
  g_assert_null(strstr(s->events->str, "not-sent")); /* the twin: up to the limit, all wait */
  g_free(send_chat(s, "one too many"));
  g_assert_cmpstr(s->events->str, ==, "not-sent:one too many ");
  answer_bind(s);
  g_autoptr(XmppNode) enable = script_expect(s, SM_NS, "enable");
  /* The held messages go first; the reading of the bookmarks waits behind them. */
  script_answer_discovery_only(s, NULL, NULL);
  script_send(s, "<enabled xmlns='urn:xmpp:sm:3' id='sm-2' resume='true'/>");
  g_autoptr(GPtrArray) bodies = receive_acking(s, 2);
  g_assert_cmpuint(bodies->len, ==, XMPP_SESSION_MAX_HELD);
  for (guint i = 0; i < bodies->len; i++) {
    char want[32];
    g_snprintf(want, sizeof want, "held %u", i);
    g_assert_cmpstr(bodies->pdata[i], ==, want);
  }
  g_assert_false(s->closed);
  script_free(s);
}

/* The network changed: a resumable session drops its transport at once and resumes. */
static void
test_network_changed(void)
{
  ScriptServer *s = signed_in();
  xmpp_session_network_changed(s->session);
  g_assert_nonnull(strstr(s->events->str, "interrupted"));
  g_assert_false(s->closed);
  script_free(s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/sm/enabled_after_bind", test_enabled_after_bind);
  g_test_add_func("/session/sm/not_offered", test_not_offered);
  g_test_add_func("/session/sm/T67_r_answered", test_r_answered);
  g_test_add_func("/session/sm/ack_requested_after_message", test_ack_requested_after_message);
  g_test_add_func("/session/sm/T66_handled_count_too_high", test_handled_count_too_high);
  g_test_add_func("/session/sm/bad_h_ignored", test_bad_h_ignored);
  g_test_add_func("/session/sm/T64_resume", test_resume);
  g_test_add_func("/session/sm/T65_resume_failed", test_resume_failed);
  g_test_add_func("/session/sm/resume_not_offered", test_resume_not_offered);
  g_test_add_func("/session/sm/resumed_bogus", test_resumed_bogus);
  g_test_add_func("/session/sm/T66_resumed_count_too_high", test_resumed_count_too_high);
  g_test_add_func("/session/sm/T63_silent_link_interrupted", test_silent_link_interrupted);
  g_test_add_func("/session/sm/T65_undelivered_on_close", test_undelivered_on_close);
  g_test_add_func("/session/sm/network_changed", test_network_changed);
  g_test_add_func("/session/sm/T71_held_overflow_reported", test_T71_held_overflow_reported);
  g_test_add_func("/session/sm/window_flow_control", test_window_flow_control);
  g_test_add_func("/session/sm/T63_one_way_link", test_T63_one_way_link);
  g_test_add_func("/session/sm/rooms_after_resume", test_rooms_after_resume);
  g_test_add_func("/session/sm/room_dropped_us_meanwhile", test_room_dropped_us_meanwhile);
  return g_test_run();
}
