/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for services/delivery.c: XEP-0184 receipts and XEP-0333 markers. Requested only from
 * peers whose caps say so; answered only to contacts who see our presence (subscription from or
 * both), never for groupchat, errors or messages without an id; a receipt or marker moves our
 * newest message forward only, and only when it comes from that peer. */
#include <string.h>

#include "router-fixture.h"
#include "services/caps.h"
#include "services/delivery.h"
#include "xml/writer.h"

#define OWN "juliet@example.test/balcony"

typedef struct {
  TestRouter *t;
  XmppRoster *roster;
  XmppPresence *presence;
  XmppMessages *messages;
  XmppDisco *disco;
  XmppCaps *caps;
  XmppDelivery *delivery;
  GString *events;
} Fixture;

static void
on_updated(gpointer data, const char *peer, const char *id, XmppMarker state, XmppMarker previous)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "%s:%s:%s<-%s ", peer, id, xmpp_marker_name(state),
                         previous == XMPP_MARKER_NONE ? "none" : xmpp_marker_name(previous));
}

static const XmppDeliveryEvents events = {.updated = on_updated};

/* The roster: romeo both, benvolio from, tybalt to (he does not see us), nobody else. */
static void
load_roster(Fixture *f)
{
  static const struct {
    const char *jid;
    XmppRosterSubscription sub;
  } items[] = {{"romeo@example.net", XMPP_ROSTER_SUBSCRIPTION_BOTH},
               {"benvolio@example.net", XMPP_ROSTER_SUBSCRIPTION_FROM},
               {"tybalt@example.net", XMPP_ROSTER_SUBSCRIPTION_TO}};
  GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  for (guint i = 0; i < G_N_ELEMENTS(items); i++) {
    g_autoptr(XmppJid) jid = xmpp_jid_parse(items[i].jid, NULL);
    XmppRosterItem *item = xmpp_roster_item_new(jid, NULL, NULL);
    item->subscription = items[i].sub;
    g_ptr_array_add(list, item);
  }
  xmpp_roster_set_cache(f->roster, "v1", list);
}

static void
setup(Fixture *f, gconstpointer data)
{
  f->t = test_router_new(OWN);
  f->events = g_string_new(NULL);
  f->roster = xmpp_roster_new(f->t->router, &f->t->fake->host);
  f->presence = xmpp_presence_new(f->t->router, &f->t->fake->host, f->roster);
  f->messages = xmpp_messages_new(f->t->router, &f->t->fake->host);
  f->disco = xmpp_disco_new(f->t->router, &f->t->fake->host);
  f->caps = xmpp_caps_new(f->t->router, &f->t->fake->host, f->disco, f->presence);
  f->delivery = xmpp_delivery_new(f->t->router, &f->t->fake->host, f->disco, f->caps, f->presence,
                                  f->messages);
  xmpp_delivery_set_events(f->delivery, &events, f);
  load_roster(f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_router_fail_pending(f->t->router);
  xmpp_delivery_free(f->delivery);
  xmpp_caps_free(f->caps);
  xmpp_disco_free(f->disco);
  xmpp_messages_free(f->messages);
  xmpp_presence_free(f->presence);
  xmpp_roster_free(f->roster);
  test_router_free(f->t);
  g_string_free(f->events, TRUE);
}

/* jid comes online with caps that list features (a verified answer to the caps query). */
static void
online_with(Fixture *f, const char *jid, const char *const *features)
{
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_new();
  xmpp_disco_info_add_identity(info, "client", "pc", NULL, "peer");
  for (guint i = 0; features[i] != NULL; i++)
    g_ptr_array_add(info->features, g_strdup(features[i]));
  g_autofree char *ver = xmpp_caps_compute_ver(info);
  g_autofree char *presence =
      g_strdup_printf("<presence from='%s'><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
                      "node='urn:test' ver='%s'/></presence>",
                      jid, ver);
  guint before = test_router_n_sent(f->t);
  test_router_dispatch(f->t, presence);
  if (test_router_n_sent(f->t) > before) {
    g_autoptr(XmppNode) query = xmpp_disco_info_build(info);
    g_autofree char *node = g_strdup_printf("urn:test#%s", ver);
    xmpp_node_set_attr(query, "node", node);
    g_autofree char *payload = xmpp_xml_node_to_string(query);
    test_router_answer_last(f->t, payload);
  }
  g_assert_nonnull(xmpp_caps_get_jid_info(f->caps, jid));
}

static const char *const both_features[] = {"urn:xmpp:receipts", "urn:xmpp:chat-markers:0", NULL};
static const char *const no_features[] = {"jabber:iq:version", NULL};
static const char *const receipts_only[] = {"jabber:iq:version", "urn:xmpp:receipts", NULL};
static const char *const markers_only[] = {"urn:xmpp:chat-markers:0", NULL};

static XmppNode *
last_sent(Fixture *f)
{
  return test_router_last_sent(f->t);
}

static void
test_advertised(Fixture *f, gconstpointer data)
{
  g_assert_true(xmpp_disco_has_feature(f->disco, "urn:xmpp:receipts"));
  g_assert_true(xmpp_disco_has_feature(f->disco, "urn:xmpp:chat-markers:0"));
  g_assert_true(xmpp_disco_has_feature(f->disco, "urn:xmpp:message-correct:0"));
}

/* XEP-0184 §5.1: a request (and markable) only to a peer that says it supports them: to its
 * full JID, or to the bare JID when one of its resources does. */
static void
test_request_where_supported(Fixture *f, gconstpointer data)
{
  g_free(xmpp_messages_send_chat(f->messages, "romeo@example.net", "hi", NULL));
  XmppNode *m = last_sent(f);
  g_assert_null(xmpp_node_get_child(m, "urn:xmpp:receipts", "request"));
  g_assert_null(xmpp_node_get_child(m, "urn:xmpp:chat-markers:0", "markable"));

  online_with(f, "romeo@example.net/old", no_features);
  online_with(f, "romeo@example.net/phone", both_features);
  g_free(xmpp_messages_send_chat(f->messages, "romeo@example.net", "hi", NULL));
  m = last_sent(f);
  g_assert_nonnull(xmpp_node_get_child(m, "urn:xmpp:receipts", "request"));
  g_assert_nonnull(xmpp_node_get_child(m, "urn:xmpp:chat-markers:0", "markable"));
  g_free(xmpp_messages_send_chat(f->messages, "romeo@example.net/old", "hi", NULL));
  g_assert_null(xmpp_node_get_child(last_sent(f), "urn:xmpp:receipts", "request"));
  g_free(xmpp_messages_send_chat(f->messages, "romeo@example.net/phone", "hi", NULL));
  g_assert_nonnull(xmpp_node_get_child(last_sent(f), "urn:xmpp:receipts", "request"));

  /* Each feature on its own: one resource with receipts, another with markers. */
  online_with(f, "juliet@example.net/a", receipts_only);
  g_free(xmpp_messages_send_chat(f->messages, "juliet@example.net", "hi", NULL));
  g_assert_nonnull(xmpp_node_get_child(last_sent(f), "urn:xmpp:receipts", "request"));
  g_assert_null(xmpp_node_get_child(last_sent(f), "urn:xmpp:chat-markers:0", "markable"));
  online_with(f, "juliet@example.net/b", markers_only);
  g_free(xmpp_messages_send_chat(f->messages, "juliet@example.net", "hi", NULL));
  g_assert_nonnull(xmpp_node_get_child(last_sent(f), "urn:xmpp:receipts", "request"));
  g_assert_nonnull(xmpp_node_get_child(last_sent(f), "urn:xmpp:chat-markers:0", "markable"));
  g_free(xmpp_messages_send_chat(f->messages, "juliet@example.net/b", "hi", NULL));
  g_assert_null(xmpp_node_get_child(last_sent(f), "urn:xmpp:receipts", "request"));
  g_assert_nonnull(xmpp_node_get_child(last_sent(f), "urn:xmpp:chat-markers:0", "markable"));
}

/* A receipt, then a displayed marker, for our newest message: forwards only, once each; a
 * receipt for an older message, from another contact or a repeated one changes nothing. */
static void
test_incoming_receipts_and_markers(Fixture *f, gconstpointer data)
{
  online_with(f, "romeo@example.net/phone", both_features);
  g_autofree char *old = xmpp_messages_send_chat(f->messages, "romeo@example.net", "one", NULL);
  g_autofree char *id = xmpp_messages_send_chat(f->messages, "romeo@example.net", "two", NULL);
  g_autofree char *late = g_strdup_printf(
      "<message from='romeo@example.net/phone'><received xmlns='urn:xmpp:receipts' id='%s'/>"
      "</message>",
      old);
  test_router_dispatch(f->t, late);
  g_autofree char *spoof = g_strdup_printf(
      "<message from='tybalt@example.net/x'><received xmlns='urn:xmpp:receipts' id='%s'/>"
      "</message>",
      id);
  test_router_dispatch(f->t, spoof);
  g_assert_cmpstr(f->events->str, ==, "");
  g_autofree char *receipt = g_strdup_printf(
      "<message from='romeo@example.net/phone'><received xmlns='urn:xmpp:receipts' id='%s'/>"
      "</message>",
      id);
  test_router_dispatch(f->t, receipt);
  test_router_dispatch(f->t, receipt);
  g_autofree char *displayed =
      g_strdup_printf("<message from='romeo@example.net/phone' type='chat'><displayed "
                      "xmlns='urn:xmpp:chat-markers:0' id='%s'/></message>",
                      id);
  test_router_dispatch(f->t, displayed);
  g_autofree char *received_marker =
      g_strdup_printf("<message from='romeo@example.net/phone' type='chat'><received "
                      "xmlns='urn:xmpp:chat-markers:0' id='%s'/></message>",
                      id);
  test_router_dispatch(f->t, received_marker); /* backwards: nothing */
  g_autofree char *expect = g_strdup_printf(
      "romeo@example.net:%s:received<-none romeo@example.net:%s:displayed<-received ", id, id);
  g_assert_cmpstr(f->events->str, ==, expect);
  g_assert_cmpint(xmpp_delivery_get_state(f->delivery, "romeo@example.net"), ==,
                  XMPP_MARKER_DISPLAYED);
}

#define REQUEST_FROM(jid, type, id)                                                                \
  "<message from='" jid "' type='" type "'" id "><body>b</body>"                                   \
  "<request xmlns='urn:xmpp:receipts'/></message>"

/* XEP-0184 §5.2 and privacy: a contact who sees our presence gets a receipt for a content
 * message with an id, at the full JID it came from. */
static void
test_receipt_answered(Fixture *f, gconstpointer data)
{
  test_router_dispatch(f->t, REQUEST_FROM("romeo@example.net/phone", "chat", " id='r1'"));
  XmppNode *m = last_sent(f);
  g_assert_cmpstr(xmpp_node_get_attr(m, "to"), ==, "romeo@example.net/phone");
  g_assert_cmpstr(xmpp_node_get_attr(m, "type"), ==, "chat");
  g_assert_nonnull(xmpp_node_get_attr(m, "id"));
  XmppNode *received = xmpp_node_get_child(m, "urn:xmpp:receipts", "received");
  g_assert_cmpstr(xmpp_node_get_attr(received, "id"), ==, "r1");
  g_assert_null(xmpp_node_get_child(m, "urn:xmpp:receipts", "request"));
  test_router_dispatch(f->t, REQUEST_FROM("benvolio@example.net/x", "normal", " id='r2'"));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 2);
}

/* Never to strangers or contacts who do not see us, never for groupchat or errors, never
 * without an id or without a body. */
static void
test_receipt_refused(Fixture *f, gconstpointer data)
{
  test_router_dispatch(f->t, REQUEST_FROM("stranger@example.net/x", "chat", " id='r1'"));
  test_router_dispatch(f->t, REQUEST_FROM("tybalt@example.net/x", "chat", " id='r2'"));
  test_router_dispatch(f->t, REQUEST_FROM("romeo@example.net/x", "groupchat", " id='r3'"));
  test_router_dispatch(f->t, REQUEST_FROM("romeo@example.net/x", "error", " id='r4'"));
  test_router_dispatch(f->t, REQUEST_FROM("romeo@example.net/x", "chat", ""));
  test_router_dispatch(f->t, "<message from='romeo@example.net/x' type='chat' id='r5'>"
                             "<request xmlns='urn:xmpp:receipts'/></message>");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0);
}

#define MARKABLE_FROM(jid, id)                                                                     \
  "<message from='" jid "' type='chat' id='" id "'><body>b</body>"                                 \
  "<markable xmlns='urn:xmpp:chat-markers:0'/></message>"

/* XEP-0333: once seen, one <displayed/> for the newest markable message, to its sender. */
static void
test_displayed_when_seen(Fixture *f, gconstpointer data)
{
  g_assert_false(xmpp_delivery_mark_displayed(f->delivery, "romeo@example.net"));
  test_router_dispatch(f->t, MARKABLE_FROM("romeo@example.net/phone", "k1"));
  test_router_dispatch(f->t, MARKABLE_FROM("romeo@example.net/phone", "k2"));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0); /* not before the user saw it */
  g_assert_true(xmpp_delivery_mark_displayed(f->delivery, "romeo@example.net"));
  XmppNode *m = last_sent(f);
  g_assert_cmpstr(xmpp_node_get_attr(m, "to"), ==, "romeo@example.net/phone");
  XmppNode *marker = xmpp_node_get_child(m, "urn:xmpp:chat-markers:0", "displayed");
  g_assert_cmpstr(xmpp_node_get_attr(marker, "id"), ==, "k2");
  g_assert_nonnull(xmpp_node_get_child(m, "urn:xmpp:hints", "store"));
  g_assert_false(xmpp_delivery_mark_displayed(f->delivery, "romeo@example.net"));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 1);
}

static void
test_displayed_not_to_strangers(Fixture *f, gconstpointer data)
{
  test_router_dispatch(f->t, MARKABLE_FROM("stranger@example.net/x", "k1"));
  test_router_dispatch(f->t, MARKABLE_FROM("tybalt@example.net/x", "k2"));
  g_assert_false(xmpp_delivery_mark_displayed(f->delivery, "stranger@example.net"));
  g_assert_false(xmpp_delivery_mark_displayed(f->delivery, "tybalt@example.net"));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0);
}

static void
test_peers_bounded(Fixture *f, gconstpointer data)
{
  for (int i = 0; i < XMPP_DELIVERY_MAX_PEERS + 10; i++) {
    g_autofree char *xml =
        g_strdup_printf("<message from='u%d@example.net/x' type='chat' id='k'><body>b</body>"
                        "<markable xmlns='urn:xmpp:chat-markers:0'/></message>",
                        i);
    test_router_dispatch(f->t, xml);
  }
  g_assert_cmpuint(xmpp_delivery_n_peers(f->delivery), ==, XMPP_DELIVERY_MAX_PEERS);
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  ADD("/delivery/advertised", test_advertised);
  ADD("/delivery/request-where-supported", test_request_where_supported);
  ADD("/delivery/incoming-receipts-and-markers", test_incoming_receipts_and_markers);
  ADD("/delivery/receipt-answered", test_receipt_answered);
  ADD("/delivery/receipt-refused", test_receipt_refused);
  ADD("/delivery/displayed-when-seen", test_displayed_when_seen);
  ADD("/delivery/displayed-not-to-strangers", test_displayed_not_to_strangers);
  ADD("/delivery/peers-bounded", test_peers_bounded);
  return g_test_run();
}
