/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for im/chatstates.c: XEP-0085 / XEP-0022 parsing and the policy of what we send. */
#include "im/chatstates.h"
#include "parse-helper.h"
#include "xml/writer.h"

#define PEER "romeo@example.net"
#define TO   "romeo@example.net/orchard"

static void
test_parse(void)
{
  static const struct {
    const char *xml;
    XmppChatState state;
  } cases[] = {
      {"<message><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
       XMPP_CHAT_STATE_ACTIVE},
      {"<message><body>x</body><composing xmlns='http://jabber.org/protocol/chatstates'/>"
       "</message>",
       XMPP_CHAT_STATE_COMPOSING},
      {"<message><paused xmlns='http://jabber.org/protocol/chatstates'/></message>",
       XMPP_CHAT_STATE_PAUSED},
      {"<message><inactive xmlns='http://jabber.org/protocol/chatstates'/></message>",
       XMPP_CHAT_STATE_INACTIVE},
      {"<message><gone xmlns='http://jabber.org/protocol/chatstates'/></message>",
       XMPP_CHAT_STATE_GONE},
      /* Wrong namespace or unknown name: none. */
      {"<message><composing/></message>", XMPP_CHAT_STATE_NONE},
      {"<message><typing xmlns='http://jabber.org/protocol/chatstates'/></message>",
       XMPP_CHAT_STATE_NONE},
      {"<message/>", XMPP_CHAT_STATE_NONE},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(XmppNode) msg = test_parse_element(cases[i].xml);
    g_assert_cmpint(xmpp_chatstates_parse(msg), ==, cases[i].state);
  }
  g_assert_cmpint(xmpp_chatstates_parse(NULL), ==, XMPP_CHAT_STATE_NONE);
  g_assert_cmpstr(xmpp_chatstates_name(XMPP_CHAT_STATE_PAUSED), ==, "paused");
  g_assert_null(xmpp_chatstates_name(XMPP_CHAT_STATE_NONE));
}

static void
test_parse_event(void)
{
  XmppMessageEvent ev = {0};
  g_autoptr(XmppNode) req = test_parse_element(
      "<message id='m1'><body>hi</body><x xmlns='jabber:x:event'><composing/></x></message>");
  xmpp_chatstates_parse_event(req, &ev);
  g_assert_true(ev.present && ev.composing);
  g_assert_null(ev.id);
  g_autoptr(XmppNode) note = test_parse_element(
      "<message><x xmlns='jabber:x:event'><composing/><id>m7</id></x></message>");
  xmpp_chatstates_parse_event(note, &ev);
  g_assert_true(ev.present && ev.composing);
  g_assert_cmpstr(ev.id, ==, "m7");
  g_autoptr(XmppNode) cancel =
      test_parse_element("<message><x xmlns='jabber:x:event'><id>m7</id></x></message>");
  xmpp_chatstates_parse_event(cancel, &ev);
  g_assert_true(ev.present);
  g_assert_false(ev.composing);
  g_assert_cmpstr(ev.id, ==, "m7");
  g_autoptr(XmppNode) none = test_parse_element("<message><body/></message>");
  xmpp_chatstates_parse_event(none, &ev);
  g_assert_false(ev.present);
  xmpp_chatstates_event_clear(&ev);
}

static char *
notification(XmppChatStates *cs, XmppChatState state)
{
  XmppNode *n = xmpp_chatstates_build_notification(cs, PEER, TO, state);
  char *s = n != NULL ? xmpp_xml_node_to_string(n) : NULL;
  xmpp_node_free(n);
  return s;
}

/* XEP-0085 §5.1: unknown peers get <active/> with the first message and no standalone states;
 * peers that answer with a state get them; peers that answer without one get nothing more. */
static void
test_policy_xep0085(void)
{
  XmppChatStates *cs = xmpp_chatstates_new();
  g_assert_null(notification(cs, XMPP_CHAT_STATE_COMPOSING));
  XmppNode *msg = xmpp_node_new("jabber:client", "message");
  xmpp_chatstates_decorate_message(cs, PEER, msg);
  g_assert_nonnull(xmpp_node_get_child(msg, XMPP_NS_CHATSTATES, "active"));
  g_assert_nonnull(xmpp_node_get_child(msg, XMPP_NS_EVENT, "x")); /* ask legacy peers too */
  xmpp_node_free(msg);
  g_assert_null(notification(cs, XMPP_CHAT_STATE_COMPOSING)); /* still unknown */

  xmpp_chatstates_note_incoming(cs, PEER, "r1", TRUE, XMPP_CHAT_STATE_ACTIVE, NULL);
  g_assert_cmpint(xmpp_chatstates_get_support(cs, PEER), ==, XMPP_CHAT_STATES_YES);
  g_autofree char *c = notification(cs, XMPP_CHAT_STATE_COMPOSING);
  g_assert_cmpstr(c, ==,
                  "<message to='romeo@example.net/orchard' type='chat'><composing "
                  "xmlns='http://jabber.org/protocol/chatstates'/><no-store "
                  "xmlns='urn:xmpp:hints'/></message>");
  g_assert_null(notification(cs, XMPP_CHAT_STATE_COMPOSING)); /* no repeats */
  g_autofree char *p = notification(cs, XMPP_CHAT_STATE_PAUSED);
  g_assert_nonnull(p);
  msg = xmpp_node_new("jabber:client", "message");
  xmpp_chatstates_decorate_message(cs, PEER, msg);
  g_assert_nonnull(xmpp_node_get_child(msg, XMPP_NS_CHATSTATES, "active"));
  g_assert_null(xmpp_node_get_child(msg, XMPP_NS_EVENT, "x")); /* they use XEP-0085 */
  xmpp_node_free(msg);

  /* A reply without any state: stop. */
  xmpp_chatstates_note_incoming(cs, PEER, "r2", TRUE, XMPP_CHAT_STATE_NONE, NULL);
  g_assert_cmpint(xmpp_chatstates_get_support(cs, PEER), ==, XMPP_CHAT_STATES_NO);
  g_assert_null(notification(cs, XMPP_CHAT_STATE_COMPOSING));
  msg = xmpp_node_new("jabber:client", "message");
  xmpp_chatstates_decorate_message(cs, PEER, msg);
  g_assert_null(xmpp_node_get_child(msg, XMPP_NS_CHATSTATES, "active"));
  xmpp_node_free(msg);
  /* A bodiless message (a receipt, say) changes nothing. */
  xmpp_chatstates_note_incoming(cs, PEER, NULL, FALSE, XMPP_CHAT_STATE_NONE, NULL);
  g_assert_cmpint(xmpp_chatstates_get_support(cs, PEER), ==, XMPP_CHAT_STATES_NO);
  xmpp_chatstates_free(cs);
}

/* XEP-0022: answer a composing request with <composing/><id/>, cancel with just <id/>. */
static void
test_policy_xep0022(void)
{
  XmppChatStates *cs = xmpp_chatstates_new();
  XmppMessageEvent req = {.present = TRUE, .composing = TRUE, .id = NULL};
  xmpp_chatstates_note_incoming(cs, PEER, "legacy-1", TRUE, XMPP_CHAT_STATE_NONE, &req);
  g_autofree char *c = notification(cs, XMPP_CHAT_STATE_COMPOSING);
  g_assert_cmpstr(c, ==,
                  "<message to='romeo@example.net/orchard' type='chat'><x "
                  "xmlns='jabber:x:event'><composing/><id>legacy-1</id></x></message>");
  g_autofree char *stop = notification(cs, XMPP_CHAT_STATE_PAUSED);
  g_assert_cmpstr(stop, ==,
                  "<message to='romeo@example.net/orchard' type='chat'><x "
                  "xmlns='jabber:x:event'><id>legacy-1</id></x></message>");
  g_assert_null(notification(cs, XMPP_CHAT_STATE_ACTIVE)); /* nothing to cancel */
  /* Their next message does not ask: we stop answering. */
  xmpp_chatstates_note_incoming(cs, PEER, "legacy-2", TRUE, XMPP_CHAT_STATE_NONE, NULL);
  g_assert_null(notification(cs, XMPP_CHAT_STATE_COMPOSING));
  xmpp_chatstates_free(cs);
}

static void
test_bounded(void)
{
  XmppChatStates *cs = xmpp_chatstates_new();
  for (guint i = 0; i < XMPP_CHATSTATES_MAX_PEERS + 100; i++) {
    char *peer = g_strdup_printf("user%u@example.net", i);
    xmpp_chatstates_note_incoming(cs, peer, "id", TRUE, XMPP_CHAT_STATE_ACTIVE, NULL);
    g_free(peer);
    if (i == 200)
      /* Keep an early peer fresh: it must survive the eviction of older ones. */
      xmpp_chatstates_note_incoming(cs, "user0@example.net", "id", TRUE, XMPP_CHAT_STATE_ACTIVE,
                                    NULL);
  }
  g_assert_cmpuint(xmpp_chatstates_n_peers(cs), ==, XMPP_CHATSTATES_MAX_PEERS);
  g_assert_cmpint(xmpp_chatstates_get_support(cs, "user1@example.net"), ==,
                  XMPP_CHAT_STATES_UNKNOWN);
  g_assert_cmpint(xmpp_chatstates_get_support(cs, "user0@example.net"), ==, XMPP_CHAT_STATES_YES);
  xmpp_chatstates_forget(cs, "user0@example.net");
  g_assert_cmpint(xmpp_chatstates_get_support(cs, "user0@example.net"), ==,
                  XMPP_CHAT_STATES_UNKNOWN);
  xmpp_chatstates_free(cs);
  xmpp_chatstates_free(NULL);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/chatstates/parse/states", test_parse);
  g_test_add_func("/chatstates/parse/event", test_parse_event);
  g_test_add_func("/chatstates/policy/xep0085", test_policy_xep0085);
  g_test_add_func("/chatstates/policy/xep0022", test_policy_xep0022);
  g_test_add_func("/chatstates/policy/bounded", test_bounded);
  return g_test_run();
}
