/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of messages (RFC 6121 §5): what a signed-in session shows and sends for
 * chat, delayed, XHTML-IM, typing and error messages. */
#include <string.h>

#include "im/message.h"
#include "im/xhtml.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "script-server.h"
#include "im/chatstates.h"
#include "services/attention.h"
#include "services/mood.h"

typedef struct {
  ScriptServer *s;
  GString *log;
} Fixture;

static void
on_received(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "msg[%s|%s|%s|%s|%" G_GINT64_FORMAT "]",
                         info->from ? xmpp_jid_get_full(info->from) : "-",
                         xmpp_message_type_to_string(info->type), text ? text : "-",
                         subject ? subject : "-", info->delay ? info->delay->stamp : (gint64)-1);
}

static void
on_typing(gpointer data, const XmppJid *from, XmppChatState state)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "typing[%s|%s]", xmpp_jid_get_full(from),
                         xmpp_chatstates_name(state));
}

static void
on_error(gpointer data, const XmppMessageInfo *info)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "error[%s|%s]", xmpp_jid_get_full(info->from),
                         xmpp_stanza_error_condition_name(info->error->code));
}

static const XmppMessagesEvents events = {on_received, on_typing, on_error};

static void
on_buzz(gpointer data, const XmppJid *from)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "buzz[%s]", xmpp_jid_get_full(from));
}

static void
on_mood(gpointer data, const char *bare, const XmppMood *mood)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "mood[%s|%s]", bare, mood->name ? mood->name : "-");
}

static const XmppExtrasEvents extras_events = {.attention = on_buzz, .mood = on_mood};

static void
setup(Fixture *f, gconstpointer unused)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  f->s = script_new(&config);
  script_login_plain(f->s);
  f->log = g_string_new(NULL);
  xmpp_messages_set_events(xmpp_session_get_messages(f->s->session), &events, f);
  xmpp_extras_set_events(xmpp_session_get_extras(f->s->session), &extras_events, f);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  script_free(f->s);
  g_string_free(f->log, TRUE);
}

static void
test_chat_sanitised(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='romeo@example.test/orchard' type='chat' id='a1'>"
                    "<body>&lt;script&gt;x</body><html xmlns='http://jabber.org/protocol/xhtml-im'>"
                    "<body xmlns='http://www.w3.org/1999/xhtml'><b onclick='evil()'>hi</b>"
                    "<script>evil()</script><a href='javascript:evil()'>l</a></body></html>"
                    "</message>");
  g_assert_cmpstr(f->log->str, ==, "msg[romeo@example.test/orchard|chat|<b>hi</b><a>l</a>|-|-1]");
  g_string_truncate(f->log, 0);
  script_send(f->s, "<message from='romeo@example.test/orchard' type='chat'>"
                    "<body>&lt;b&gt;not bold&lt;/b&gt;</body></message>");
  g_assert_cmpstr(f->log->str, ==,
                  "msg[romeo@example.test/orchard|chat|&lt;b&gt;not bold&lt;/b&gt;|-|-1]");
}

static void
test_offline_delayed(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='romeo@example.test/orchard' to='juliet@example.test' "
                    "type='chat'><body>while you were away</body>"
                    "<delay xmlns='urn:xmpp:delay' from='example.test' "
                    "stamp='2024-05-06T07:08:09Z'>Offline Storage</delay></message>");
  g_assert_cmpstr(f->log->str, ==,
                  "msg[romeo@example.test/orchard|chat|while you were away|-|1714979289]");
}

static void
test_send_and_typing(Fixture *f, gconstpointer unused)
{
  XmppMessages *m = xmpp_session_get_messages(f->s->session);
  g_autoptr(XmppNode) html = NULL;
  g_autofree char *plain = NULL;
  g_assert_true(xmpp_xhtml_build("<em>hello</em>", &html, &plain));
  g_autofree char *id = xmpp_messages_send_chat(m, "romeo@example.test", plain, html);
  g_autoptr(XmppNode) sent = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_cmpstr(xmpp_node_get_attr(sent, "id"), ==, id);
  g_assert_cmpstr(xmpp_node_get_attr(sent, "type"), ==, "chat");
  g_autofree char *body = xmpp_node_dup_child_text(sent, XMPP_NS_JABBER_CLIENT, "body");
  g_assert_cmpstr(body, ==, "hello");
  g_assert_nonnull(xmpp_node_get_child(sent, "http://jabber.org/protocol/xhtml-im", "html"));
  g_assert_nonnull(xmpp_node_get_child(sent, XMPP_NS_CHATSTATES, "active"));

  /* Not known to use chat states yet: typing stays quiet. */
  xmpp_messages_send_typing(m, "romeo@example.test", XMPP_CHAT_STATE_COMPOSING);
  script_expect_nothing(f->s);

  /* Romeo answers with a state and a thread: typing goes out, the thread is echoed. */
  script_send(f->s, "<message from='romeo@example.test/orchard' type='chat'><body>hi</body>"
                    "<thread>th-1</thread><active xmlns='http://jabber.org/protocol/chatstates'/>"
                    "</message>");
  script_send(f->s, "<message from='romeo@example.test/orchard' type='chat'>"
                    "<composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
  g_assert_cmpstr(f->log->str, ==,
                  "msg[romeo@example.test/orchard|chat|hi|-|-1]"
                  "typing[romeo@example.test/orchard|composing]");
  xmpp_messages_send_typing(m, "romeo@example.test", XMPP_CHAT_STATE_COMPOSING);
  g_autoptr(XmppNode) typing = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_nonnull(xmpp_node_get_child(typing, XMPP_NS_CHATSTATES, "composing"));
  g_assert_null(xmpp_node_get_child(typing, XMPP_NS_JABBER_CLIENT, "body"));
  g_autofree char *id2 = xmpp_messages_send_chat(m, "romeo@example.test", "again", NULL);
  g_assert_nonnull(id2);
  g_autoptr(XmppNode) again = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_autofree char *thread = xmpp_node_dup_child_text(again, XMPP_NS_JABBER_CLIENT, "thread");
  g_assert_cmpstr(thread, ==, "th-1");
}

/* A legacy XEP-0022 client asks for composing events: we answer while typing. */
static void
test_legacy_events(Fixture *f, gconstpointer unused)
{
  XmppMessages *m = xmpp_session_get_messages(f->s->session);
  script_send(f->s, "<message from='old@example.test/psi' id='L1'><body>hey</body>"
                    "<x xmlns='jabber:x:event'><composing/></x></message>");
  xmpp_messages_send_typing(m, "old@example.test/psi", XMPP_CHAT_STATE_COMPOSING);
  g_autoptr(XmppNode) n = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  XmppNode *x = xmpp_node_get_child(n, XMPP_NS_EVENT, "x");
  g_assert_nonnull(x);
  g_assert_nonnull(xmpp_node_get_child(x, XMPP_NS_EVENT, "composing"));
  g_autofree char *id = xmpp_node_dup_child_text(x, XMPP_NS_EVENT, "id");
  g_assert_cmpstr(id, ==, "L1");
  /* And their composing notifications show as typing. */
  script_send(f->s, "<message from='old@example.test/psi'><x xmlns='jabber:x:event'>"
                    "<composing/><id>ours</id></x></message>");
  g_assert_true(strstr(f->log->str, "typing[old@example.test/psi|composing]") != NULL);
}

static void
test_error_and_drops(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='nobody@example.test' type='error' id='x'>"
                    "<error type='cancel'><service-unavailable "
                    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
  /* T46: groupchat outside a joined room; T45: a bare forward is not unwrapped. */
  script_send(f->s, "<message from='room@muc.example.test/x' type='groupchat'><body>g</body>"
                    "</message>");
  script_send(f->s, "<message from='eve@example.test/x' type='chat'><forwarded "
                    "xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
                    "from='romeo@example.test/o'><body>fake</body></message></forwarded>"
                    "</message>");
  g_assert_cmpstr(f->log->str, ==,
                  "error[nobody@example.test|service-unavailable]"
                  "msg[eve@example.test/x|chat|-|-|-1]");
  g_assert_false(f->s->closed);
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)

/* A buzz (XEP-0224) that also carries text: the text is shown and the window buzzes. Before
 * the dispatch model, the chat owner consumed it and the buzz never happened. */
static void
test_buzz_with_body(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='romeo@example.test/orchard' type='chat'><body>Wake up</body>"
                    "<attention xmlns='urn:xmpp:attention:0'/></message>");
  g_assert_cmpstr(
      f->log->str, ==,
      "buzz[romeo@example.test/orchard]msg[romeo@example.test/orchard|chat|Wake up|-|-1]");
  /* Twins: a buzz alone buzzes; a message alone is only shown. */
  g_string_truncate(f->log, 0);
  script_send(f->s, "<message from='romeo@example.test/orchard' type='headline'>"
                    "<attention xmlns='urn:xmpp:attention:0'/></message>");
  g_assert_cmpstr(f->log->str, ==, "buzz[romeo@example.test/orchard]");
  g_string_truncate(f->log, 0);
  script_send(f->s, "<message from='romeo@example.test/orchard' type='chat'><body>hi</body>"
                    "</message>");
  g_assert_cmpstr(f->log->str, ==, "msg[romeo@example.test/orchard|chat|hi|-|-1]");
}

/* A PEP notification with a body (servers may add one for clients without PEP) is a PEP event
 * only: the mood changes, no chat line appears. */
static void
test_pep_event_with_body(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='romeo@example.test' type='headline'>"
                    "<body>Romeo is happy</body>"
                    "<event xmlns='http://jabber.org/protocol/pubsub#event'>"
                    "<items node='http://jabber.org/protocol/mood'><item id='current'>"
                    "<mood xmlns='http://jabber.org/protocol/mood'><happy/></mood></item></items>"
                    "</event></message>");
  g_assert_cmpstr(f->log->str, ==, "mood[romeo@example.test|happy]");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  ADD("/session/message/chat-sanitised", test_chat_sanitised);
  ADD("/session/message/offline-delayed", test_offline_delayed);
  ADD("/session/message/send-and-typing", test_send_and_typing);
  ADD("/session/message/legacy-events", test_legacy_events);
  ADD("/session/message/error-and-drops", test_error_and_drops);
  ADD("/session/message/buzz-with-body", test_buzz_with_body);
  ADD("/session/message/pep-event-with-body", test_pep_event_with_body);
  return g_test_run();
}
