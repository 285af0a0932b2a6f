/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of XEP-0280 message carbons: enabled when the server offers them, copies
 * shown in the right conversation as sent or received, forgeries dropped (catalogue T36) and
 * their positive twins shown (T37), OTR messages kept out of carbons. */
#include <string.h>

#include "im/carbons.h"
#include "im/message.h"
#include "router/namespaces.h"
#include "script-server.h"

#define CARBONS_FEATURE "<feature var='urn:xmpp:carbons:2'/>"

typedef struct {
  ScriptServer *s;
  GString *log;
} Fixture;

static void
on_received(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "recv[%d|%s|%s]", info->route,
                         info->from ? xmpp_jid_get_full(info->from) : "-", text ? text : "-");
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
  g_string_append(f->log, "error");
}

static void
on_sent(gpointer data, const XmppMessageInfo *info, const char *text)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "sent[%s|%s]", xmpp_jid_get_full(info->to), text);
}

static const XmppMessagesEvents events = {
    .received = on_received,
    .typing = on_typing,
    .error = on_error,
    .sent = on_sent,
};

static void
start(Fixture *f, const char *server_features)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  f->s = script_new(&config);
  f->log = g_string_new(NULL);
  xmpp_messages_set_events(xmpp_session_get_messages(f->s->session), &events, f);
  script_login_plain_offering(f->s, server_features);
}

/* Signed in with carbons offered and enabled. */
static void
setup(Fixture *f, gconstpointer unused)
{
  start(f, CARBONS_FEATURE);
  g_autoptr(XmppNode) enable = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'/>", xmpp_node_get_attr(enable, "id"));
  script_send(f->s, reply);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  script_free(f->s);
  g_string_free(f->log, TRUE);
}

/* A carbon wrapper from `from` (NULL: none) around one forwarded message. */
static void
send_carbon(Fixture *f, const char *from, const char *kind, const char *inner)
{
  g_autofree char *from_attr = from != NULL ? g_strdup_printf(" from='%s'", from) : g_strdup("");
  g_autofree char *xml =
      g_strdup_printf("<message%s to='juliet@example.test/balcony'><%s xmlns='urn:xmpp:carbons:2'>"
                      "<forwarded xmlns='urn:xmpp:forward:0'>%s</forwarded></%s></message>",
                      from_attr, kind, inner, kind);
  script_send(f->s, xml);
}

#define FROM_ROMEO                                                                                 \
  "<message xmlns='jabber:client' from='romeo@example.net/orchard' "                               \
  "to='juliet@example.test/phone' type='chat'><body>come alone</body></message>"
#define TO_ROMEO                                                                                   \
  "<message xmlns='jabber:client' from='juliet@example.test/phone' to='romeo@example.net' "        \
  "type='chat'><body>on my way</body></message>"

static void
test_enabled_when_offered(Fixture *f, gconstpointer unused)
{
  XmppCarbons *carbons = xmpp_session_get_carbons(f->s->session);
  g_assert_true(xmpp_carbons_is_enabled(carbons));
  script_expect_nothing(f->s);
}

static void
test_not_enabled_when_not_offered(void)
{
  Fixture f;
  start(&f, "<feature var='urn:xmpp:ping'/>");
  script_expect_nothing(f.s); /* no <enable/> */
  g_assert_false(xmpp_carbons_is_enabled(xmpp_session_get_carbons(f.s->session)));
  teardown(&f, NULL);
}

static void
test_refused(void)
{
  Fixture f;
  start(&f, CARBONS_FEATURE);
  g_autoptr(XmppNode) enable = script_expect(f.s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_nonnull(xmpp_node_get_child(enable, XMPP_NS_CARBONS, "enable"));
  g_assert_cmpstr(xmpp_node_get_attr(enable, "type"), ==, "set");
  g_autofree char *reply =
      g_strdup_printf("<iq type='error' id='%s'><error type='cancel'><not-allowed "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(enable, "id"));
  script_send(f.s, reply);
  g_assert_false(xmpp_carbons_is_enabled(xmpp_session_get_carbons(f.s->session)));
  g_assert_true(xmpp_session_is_ready(f.s->session)); /* not a reason to sign off */
  teardown(&f, NULL);
}

/* T37: a carbon from our own bare JID, inner from a contact: shown once, as received. */
static void
test_T37_received_carbon_shown(Fixture *f, gconstpointer unused)
{
  send_carbon(f, "juliet@example.test", "received", FROM_ROMEO);
  g_assert_cmpstr(f->log->str, ==, "recv[1|romeo@example.net/orchard|come alone]");
}

/* T37: a <sent/> copy of what our phone sent is shown as ours, in the conversation with its
 * recipient; the thread it used is the conversation's. */
static void
test_T37_sent_carbon_shown_as_ours(Fixture *f, gconstpointer unused)
{
  send_carbon(f, "juliet@example.test", "sent",
              "<message xmlns='jabber:client' from='juliet@example.test/phone' "
              "to='romeo@example.net' type='chat'><body>on my way</body><thread>th-9</thread>"
              "</message>");
  g_assert_cmpstr(f->log->str, ==, "sent[romeo@example.net|on my way]");
  XmppMessages *messages = xmpp_session_get_messages(f->s->session);
  g_assert_cmpstr(xmpp_messages_get_thread(messages, "romeo@example.net"), ==, "th-9");
}

/* T37: a carbon of a private message from a room occupant. */
static void
test_T37_muc_pm_carbon_shown(Fixture *f, gconstpointer unused)
{
  send_carbon(f, "juliet@example.test", "received",
              "<message xmlns='jabber:client' from='room@muc.example.test/nurse' type='chat'>"
              "<body>psst</body><x xmlns='http://jabber.org/protocol/muc#user'/></message>");
  g_assert_cmpstr(f->log->str, ==, "recv[1|room@muc.example.test/nurse|psst]");
}

/* T36 (CVE-2017-5589 and kin): a "carbon" from anyone but our bare JID is dropped, whole: not
 * shown as from the inner sender, not as the outer one either. */
static void
test_T36_spoofed_carbon_dropped(Fixture *f, gconstpointer unused)
{
  send_carbon(f, "mallory@evil.test", "received", FROM_ROMEO);
  send_carbon(f, "mallory@evil.test/x", "sent", TO_ROMEO);
  /* Another of our resources is not our account's server: still not a carbon. */
  send_carbon(f, "juliet@example.test/phone", "received", FROM_ROMEO);
  send_carbon(f, "example.test", "received", FROM_ROMEO);
  send_carbon(f, NULL, "received", FROM_ROMEO);
  /* A groupchat-typed wrapper from a room occupant (converse.js #1704). */
  script_send(f->s, "<message from='room@muc.example.test/mallory' type='groupchat' "
                    "to='juliet@example.test/balcony'><body>look</body><received "
                    "xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" FROM_ROMEO
                    "</forwarded></received></message>");
  g_assert_cmpstr(f->log->str, ==, "");
  /* The positive twin right after: a real carbon still works. */
  send_carbon(f, "juliet@example.test", "received", FROM_ROMEO);
  g_assert_cmpstr(f->log->str, ==, "recv[1|romeo@example.net/orchard|come alone]");
}

/* T36, <sent/> variant: our server cannot make us say what someone else said. */
static void
test_T36_sent_by_other_dropped(Fixture *f, gconstpointer unused)
{
  send_carbon(f, "juliet@example.test", "sent",
              "<message xmlns='jabber:client' from='romeo@example.net/orchard' "
              "to='juliet@example.test' type='chat'><body>I am juliet</body></message>");
  g_assert_cmpstr(f->log->str, ==, "");
  /* An inner message with no from is our account's own (RFC 6120 §8.1.2.1). */
  send_carbon(f, "juliet@example.test", "sent",
              "<message xmlns='jabber:client' to='romeo@example.net' type='chat'>"
              "<body>hi</body></message>");
  g_assert_cmpstr(f->log->str, ==, "sent[romeo@example.net|hi]");
}

/* T36 with carbons never enabled: the check does not depend on our having asked. */
static void
test_T36_spoof_without_carbons(void)
{
  Fixture f;
  start(&f, NULL);
  send_carbon(&f, "mallory@evil.test", "received", FROM_ROMEO);
  g_assert_cmpstr(f.log->str, ==, "");
  teardown(&f, NULL);
}

/* Malformed carbons: nothing inside, two messages, both wrappers. */
static void
test_malformed_dropped(Fixture *f, gconstpointer unused)
{
  send_carbon(f, "juliet@example.test", "received", "");
  send_carbon(f, "juliet@example.test", "received", FROM_ROMEO FROM_ROMEO);
  script_send(f->s, "<message from='juliet@example.test'><sent xmlns='urn:xmpp:carbons:2'>"
                    "<forwarded xmlns='urn:xmpp:forward:0'>" TO_ROMEO "</forwarded></sent>"
                    "<received xmlns='urn:xmpp:carbons:2'><forwarded "
                    "xmlns='urn:xmpp:forward:0'>" FROM_ROMEO "</forwarded></received></message>");
  g_assert_cmpstr(f->log->str, ==, "");
  g_assert_true(xmpp_session_is_ready(f->s->session));
}

/* Chat states in carbons: a contact's typing updates typing; our other client's typing is
 * nothing to show; neither writes a line. */
static void
test_chat_state_carbons(Fixture *f, gconstpointer unused)
{
  send_carbon(f, "juliet@example.test", "received",
              "<message xmlns='jabber:client' from='romeo@example.net/orchard' type='chat'>"
              "<composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
  send_carbon(f, "juliet@example.test", "sent",
              "<message xmlns='jabber:client' to='romeo@example.net' type='chat'>"
              "<paused xmlns='http://jabber.org/protocol/chatstates'/></message>");
  g_assert_cmpstr(f->log->str, ==, "typing[romeo@example.net/orchard|composing]");
}

/* An error bounced to our other client, or a groupchat copy, is not shown here. */
static void
test_errors_and_groupchat_not_shown(Fixture *f, gconstpointer unused)
{
  send_carbon(f, "juliet@example.test", "received",
              "<message xmlns='jabber:client' from='romeo@example.net' type='error'><error "
              "type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
              "</error></message>");
  send_carbon(f, "juliet@example.test", "received",
              "<message xmlns='jabber:client' from='room@muc.example.test/nurse' "
              "type='groupchat'><body>hi all</body></message>");
  g_assert_cmpstr(f->log->str, ==, "");
}

/* XEP-0280 §6: an OTR message is marked private and no-copy; an ordinary one is not. */
static void
test_otr_kept_out_of_carbons(Fixture *f, gconstpointer unused)
{
  XmppMessages *messages = xmpp_session_get_messages(f->s->session);
  g_free(xmpp_messages_send_chat(messages, "romeo@example.net", "?OTR:AAMDJ+MVmSfjFZcAAAAA", NULL));
  g_autoptr(XmppNode) otr = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_nonnull(xmpp_node_get_child(otr, XMPP_NS_CARBONS, "private"));
  g_assert_nonnull(xmpp_node_get_child(otr, "urn:xmpp:hints", "no-copy"));
  g_free(xmpp_messages_send_chat(messages, "romeo@example.net", "plain words", NULL));
  g_autoptr(XmppNode) plain = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_null(xmpp_node_get_child(plain, XMPP_NS_CARBONS, "private"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add("/session/carbons/" path, Fixture, NULL, setup, fn, teardown)
  ADD("enabled_when_offered", test_enabled_when_offered);
  g_test_add_func("/session/carbons/not_enabled_when_not_offered",
                  test_not_enabled_when_not_offered);
  g_test_add_func("/session/carbons/refused", test_refused);
  ADD("T37_received_carbon_shown", test_T37_received_carbon_shown);
  ADD("T37_sent_carbon_shown_as_ours", test_T37_sent_carbon_shown_as_ours);
  ADD("T37_muc_pm_carbon_shown", test_T37_muc_pm_carbon_shown);
  ADD("T36_spoofed_carbon_dropped", test_T36_spoofed_carbon_dropped);
  ADD("T36_sent_by_other_dropped", test_T36_sent_by_other_dropped);
  g_test_add_func("/session/carbons/T36_spoof_without_carbons", test_T36_spoof_without_carbons);
  ADD("malformed_dropped", test_malformed_dropped);
  ADD("chat_state_carbons", test_chat_state_carbons);
  ADD("errors_and_groupchat_not_shown", test_errors_and_groupchat_not_shown);
  ADD("otr_kept_out_of_carbons", test_otr_kept_out_of_carbons);
#undef ADD
  return g_test_run();
}
