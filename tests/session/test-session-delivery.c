/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of what happens to a message after it is sent, through a whole session:
 * XEP-0359 ids (T41: a stanza-id is trusted only when our server offers urn:xmpp:sid:0 and by
 * is our bare JID), XEP-0184 receipts both ways, a XEP-0333 marker, XEP-0308 corrections (T72)
 * and XEP-0352 client state indication, with what our disco#info says about them. */
#include <string.h>

#include "im/message.h"
#include "im/roster.h"
#include "router/namespaces.h"
#include "script-server.h"
#include "services/caps.h"
#include "services/csi.h"
#include "services/delivery.h"
#include "services/disco.h"
#include "xml/writer.h"

#define SID_FEATURE "<feature var='urn:xmpp:sid:0'/>"

typedef struct {
  ScriptServer *s;
  GString *log;
} Fixture;

static void
on_received(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  Fixture *f = data;
  g_string_append_printf(
      f->log, "msg[%s|%s|sid=%s|origin=%s|replace=%s]", xmpp_jid_get_full(info->from),
      text ? text : "-", info->stanza_id ? info->stanza_id : "-",
      info->origin_id ? info->origin_id : "-", info->replace_id ? info->replace_id : "-");
}

static const XmppMessagesEvents events = {.received = on_received};

static void
on_updated(gpointer data, const char *peer, const char *id, XmppMarker state, XmppMarker previous)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "delivery[%s|%s]", peer, xmpp_marker_name(state));
}

static const XmppDeliveryEvents delivery_events = {.updated = on_updated};

/* A plaintext sign-in whose second stream features may offer client state indication. */
static void
login(ScriptServer *s, gboolean csi, const char *server_features)
{
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER "<stream:features><mechanisms "
                                      "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN"
                                      "</mechanism></mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_expect_header(s);
  g_autofree char *features = g_strdup_printf(
      SCRIPT_STREAM_HEADER "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>%s"
                           "</stream:features>",
      csi ? "<csi xmlns='urn:xmpp:csi:0'/>" : "");
  script_send(s, features);
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/balcony</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, reply);
  g_assert_true(xmpp_session_is_ready(s->session));
  script_answer_discovery(s, server_features);
}

static void
start(Fixture *f, gboolean csi, const char *server_features)
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
  xmpp_delivery_set_events(xmpp_session_get_delivery(f->s->session), &delivery_events, f);
  login(f->s, csi, server_features);
  /* romeo sees our presence (both); tybalt does not (to). */
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  const char *jids[] = {"romeo@example.net", "tybalt@example.net"};
  for (guint i = 0; i < G_N_ELEMENTS(jids); i++) {
    g_autoptr(XmppJid) jid = xmpp_jid_parse(jids[i], NULL);
    XmppRosterItem *item = xmpp_roster_item_new(jid, NULL, NULL);
    item->subscription = i == 0 ? XMPP_ROSTER_SUBSCRIPTION_BOTH : XMPP_ROSTER_SUBSCRIPTION_TO;
    g_ptr_array_add(items, item);
  }
  xmpp_roster_set_cache(xmpp_session_get_roster(f->s->session), "v1", items);
}

static void
setup(Fixture *f, gconstpointer unused)
{
  start(f, FALSE, SID_FEATURE);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  script_free(f->s);
  g_string_free(f->log, TRUE);
}

#define STANZA_ID_BY_US                                                                            \
  "<message from='romeo@example.net/orchard' to='juliet@example.test/balcony' type='chat' "        \
  "id='m1'><body>hi</body><origin-id xmlns='urn:xmpp:sid:0' id='o1'/>"                             \
  "<stanza-id xmlns='urn:xmpp:sid:0' id='arch-1' by='juliet@example.test'/></message>"

/* T41: our server does not offer XEP-0359, so it would not strip a forged stanza-id: none is
 * trusted, even one by our bare JID. */
static void
test_T41_stanza_id_without_sid(void)
{
  Fixture f;
  start(&f, FALSE, "<feature var='urn:xmpp:ping'/>");
  script_send(f.s, STANZA_ID_BY_US);
  g_assert_cmpstr(f.log->str, ==, "msg[romeo@example.net/orchard|hi|sid=-|origin=o1|replace=-]");
  teardown(&f, NULL);
}

/* T41's positive twin, and a stanza-id by someone else next to it. */
static void
test_T41_stanza_id_with_sid(Fixture *f, gconstpointer unused)
{
  script_send(f->s, STANZA_ID_BY_US);
  script_send(f->s, "<message from='romeo@example.net/orchard' type='chat' id='m2'><body>x</body>"
                    "<stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='romeo@example.net'/>"
                    "</message>");
  g_assert_cmpstr(f->log->str, ==,
                  "msg[romeo@example.net/orchard|hi|sid=arch-1|origin=o1|replace=-]"
                  "msg[romeo@example.net/orchard|x|sid=-|origin=-|replace=-]");
}

/* Our disco#info says what we do. */
static void
test_advertised(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<iq type='get' from='romeo@example.net/orchard' id='d1'><query "
                    "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  g_autoptr(XmppNode) reply = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_parse(xmpp_node_first_element(reply), NULL);
  g_assert_true(xmpp_disco_info_has_feature(info, "urn:xmpp:receipts"));
  g_assert_true(xmpp_disco_info_has_feature(info, "urn:xmpp:chat-markers:0"));
  g_assert_true(xmpp_disco_info_has_feature(info, "urn:xmpp:message-correct:0"));
}

/* romeo/phone comes online with caps listing receipts and markers (answered and verified). */
static void
romeo_online(Fixture *f)
{
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_new();
  xmpp_disco_info_add_identity(info, "client", "phone", NULL, "Peer");
  g_ptr_array_add(info->features, g_strdup("urn:xmpp:receipts"));
  g_ptr_array_add(info->features, g_strdup("urn:xmpp:chat-markers:0"));
  g_autofree char *ver = xmpp_caps_compute_ver(info);
  g_autofree char *presence = g_strdup_printf(
      "<presence from='romeo@example.net/phone'><c xmlns='http://jabber.org/protocol/caps' "
      "hash='sha-1' node='urn:peer' ver='%s'/></presence>",
      ver);
  script_send(f->s, presence);
  g_autoptr(XmppNode) ask = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autoptr(XmppNode) query = xmpp_disco_info_build(info);
  g_autofree char *node = g_strdup_printf("urn:peer#%s", ver);
  xmpp_node_set_attr(query, "node", node);
  g_autofree char *payload = xmpp_xml_node_to_string(query);
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' from='romeo@example.net/phone' id='%s'>%s</iq>",
                      xmpp_node_get_attr(ask, "id"), payload);
  script_send(f->s, reply);
}

/* Outgoing: a request and markable where the peer supports them, an origin-id equal to the id;
 * the receipt and then the displayed marker for it move the delivery forward. */
static void
test_receipts_outgoing(Fixture *f, gconstpointer unused)
{
  romeo_online(f);
  XmppMessages *messages = xmpp_session_get_messages(f->s->session);
  g_autofree char *id = xmpp_messages_send_chat(messages, "romeo@example.net", "hi", NULL);
  g_autoptr(XmppNode) m = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_nonnull(xmpp_node_get_child(m, "urn:xmpp:receipts", "request"));
  g_assert_nonnull(xmpp_node_get_child(m, "urn:xmpp:chat-markers:0", "markable"));
  XmppNode *origin = xmpp_node_get_child(m, "urn:xmpp:sid:0", "origin-id");
  g_assert_cmpstr(xmpp_node_get_attr(origin, "id"), ==, id);
  g_autofree char *receipt = g_strdup_printf(
      "<message from='romeo@example.net/phone' type='chat'><received xmlns='urn:xmpp:receipts' "
      "id='%s'/></message><message from='romeo@example.net/phone' type='chat'><displayed "
      "xmlns='urn:xmpp:chat-markers:0' id='%s'/></message>",
      id, id);
  script_send(f->s, receipt);
  g_assert_cmpstr(f->log->str, ==,
                  "delivery[romeo@example.net|received]delivery[romeo@example.net|displayed]");
}

/* Incoming: romeo (both) gets a receipt; tybalt (he does not see us) and a stranger do not. */
static void
test_receipts_incoming(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='tybalt@example.net/x' type='chat' id='t1'><body>a</body>"
                    "<request xmlns='urn:xmpp:receipts'/></message>"
                    "<message from='stranger@example.org/x' type='chat' id='s1'><body>b</body>"
                    "<request xmlns='urn:xmpp:receipts'/></message>"
                    "<message from='romeo@example.net/phone' type='chat' id='r1'><body>c</body>"
                    "<request xmlns='urn:xmpp:receipts'/></message>");
  g_autoptr(XmppNode) m = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_cmpstr(xmpp_node_get_attr(m, "to"), ==, "romeo@example.net/phone");
  g_assert_cmpstr(xmpp_node_get_attr(xmpp_node_get_child(m, "urn:xmpp:receipts", "received"), "id"),
                  ==, "r1");
  script_expect_nothing(f->s);
  g_assert_cmpuint(strlen(f->log->str), >, 0); /* all three shown */
}

/* A markable message is marked displayed once the user saw the conversation. */
static void
test_marker_displayed(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='romeo@example.net/phone' type='chat' id='k1'><body>a</body>"
                    "<markable xmlns='urn:xmpp:chat-markers:0'/></message>");
  script_expect_nothing(f->s);
  g_assert_true(
      xmpp_delivery_mark_displayed(xmpp_session_get_delivery(f->s->session), "romeo@example.net"));
  g_autoptr(XmppNode) m = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_cmpstr(
      xmpp_node_get_attr(xmpp_node_get_child(m, "urn:xmpp:chat-markers:0", "displayed"), "id"), ==,
      "k1");
}

/* T72 through the session: the same full JID corrects; another resource does not. */
static void
test_T72_corrections(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='romeo@example.net/orchard' type='chat' id='m1'><body>helo"
                    "</body></message>"
                    "<message from='romeo@example.net/balcony' type='chat' id='m2'><body>bye"
                    "</body><replace xmlns='urn:xmpp:message-correct:0' id='m1'/></message>"
                    "<message from='romeo@example.net/orchard' type='chat' id='m3'><body>hello"
                    "</body><replace xmlns='urn:xmpp:message-correct:0' id='m1'/></message>");
  g_assert_cmpstr(f->log->str, ==,
                  "msg[romeo@example.net/orchard|helo|sid=-|origin=-|replace=-]"
                  "msg[romeo@example.net/balcony|bye|sid=-|origin=-|replace=-]"
                  "msg[romeo@example.net/orchard|hello|sid=-|origin=-|replace=m1]");
  XmppMessages *messages = xmpp_session_get_messages(f->s->session);
  g_autofree char *id = xmpp_messages_send_chat(messages, "romeo@example.net", "tpyo", NULL);
  g_autoptr(XmppNode) first = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_autofree char *fix = xmpp_messages_send_correction(messages, "romeo@example.net", "typo", NULL);
  g_autoptr(XmppNode) second = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_cmpstr(xmpp_node_get_attr(
                      xmpp_node_get_child(second, "urn:xmpp:message-correct:0", "replace"), "id"),
                  ==, id);
  g_assert_cmpstr(xmpp_node_get_attr(second, "id"), ==, fix);
}

/* XEP-0352: with <csi/> in the stream features, idle is <inactive/>, back is <active/>, each
 * once; without it nothing is sent. */
static void
test_csi_offered(void)
{
  Fixture f;
  start(&f, TRUE, NULL);
  XmppCsi *csi = xmpp_session_get_csi(f.s->session);
  xmpp_csi_set_inactive(csi, TRUE);
  g_autoptr(XmppNode) inactive = script_expect(f.s, "urn:xmpp:csi:0", "inactive");
  xmpp_csi_set_inactive(csi, TRUE);
  script_expect_nothing(f.s);
  xmpp_csi_set_inactive(csi, FALSE);
  g_autoptr(XmppNode) active = script_expect(f.s, "urn:xmpp:csi:0", "active");
  script_expect_nothing(f.s);
  teardown(&f, NULL);
}

static void
test_csi_not_offered(void)
{
  Fixture f;
  start(&f, FALSE, NULL);
  xmpp_csi_set_inactive(xmpp_session_get_csi(f.s->session), TRUE);
  script_expect_nothing(f.s);
  g_assert_false(script_output_contains(f.s, "urn:xmpp:csi:0"));
  teardown(&f, NULL);
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/delivery/T41_stanza_id_without_sid", test_T41_stanza_id_without_sid);
  ADD("/session/delivery/T41_stanza_id_with_sid", test_T41_stanza_id_with_sid);
  ADD("/session/delivery/advertised", test_advertised);
  ADD("/session/delivery/receipts-outgoing", test_receipts_outgoing);
  ADD("/session/delivery/receipts-incoming", test_receipts_incoming);
  ADD("/session/delivery/marker-displayed", test_marker_displayed);
  ADD("/session/delivery/T72_corrections", test_T72_corrections);
  g_test_add_func("/session/delivery/csi-offered", test_csi_offered);
  g_test_add_func("/session/delivery/csi-not-offered", test_csi_not_offered);
  return g_test_run();
}
