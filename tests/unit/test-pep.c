/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of pep.c: notification parsing and dispatch (XEP-0163 §4.3), the own-node origin rule
 * (XEP-0223 §3, T42), +notify features and publishing with publish-options (XEP-0060 §7.1.5). */
#include "fake-host.h"
#include "parse-helper.h"
#include "router/stanza-error.h"
#include "services/pep.h"
#include "xml/writer.h"

#define NODE "urn:example:node"

typedef struct {
  FakeHost *fake;
  XmppRouter *router;
  XmppDisco *disco;
  XmppPep *pep;
  GPtrArray *sent; /* XmppNode* copies */
  guint calls;
  char *last_from;
  char *last_node;
  guint last_n_items;
  guint replies;
  gboolean reply_error;
} Fixture;

static void
capture_send(gpointer data, const XmppNode *node)
{
  Fixture *f = data;
  g_ptr_array_add(f->sent, xmpp_node_copy(node));
}

static void
on_event(const XmppJid *from, const char *node, const XmppNode *items, gpointer data)
{
  Fixture *f = data;
  f->calls++;
  g_free(f->last_from);
  g_free(f->last_node);
  f->last_from = g_strdup(xmpp_jid_get_full(from));
  f->last_node = g_strdup(node);
  f->last_n_items = 0;
  for (const XmppNode *i = xmpp_node_get_child(items, NULL, "item"); i != NULL;
       i = xmpp_node_next_child(items, i, NULL, "item"))
    f->last_n_items++;
}

static void
setup(Fixture *f, gconstpointer data)
{
  f->fake = fake_host_new();
  f->sent = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  f->router = xmpp_router_new(&f->fake->host, capture_send, f);
  g_autoptr(XmppJid) me = xmpp_jid_parse("juliet@example.test/balcony", NULL);
  xmpp_router_set_own_jid(f->router, me);
  f->disco = xmpp_disco_new(f->router, &f->fake->host);
  f->pep = xmpp_pep_new(f->router, &f->fake->host, f->disco);
  xmpp_pep_add_handler(f->pep, NODE, on_event, f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_router_fail_pending(f->router);
  xmpp_pep_free(f->pep);
  xmpp_disco_free(f->disco);
  xmpp_router_free(f->router);
  g_ptr_array_free(f->sent, TRUE);
  fake_host_free(f->fake);
  g_free(f->last_from);
  g_free(f->last_node);
}

static void
feed(Fixture *f, const char *xml)
{
  xmpp_router_dispatch(f->router, test_parse_element(xml));
}

/* A notification for node from `from` (NULL: no from attribute). */
static void
feed_event(Fixture *f, const char *from, const char *node)
{
  g_autofree char *from_attr = from ? g_strdup_printf(" from='%s'", from) : g_strdup("");
  g_autofree char *xml = g_strdup_printf(
      "<message%s to='juliet@example.test/balcony'>"
      "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='%s'>"
      "<item id='1'><x xmlns='urn:example'/></item><item id='2'/></items></event></message>",
      from_attr, node);
  feed(f, xml);
}

/* ---- pure parts
 * ---------------------------------------------------------------------------------- */

static void
test_event_parse(void)
{
  g_autoptr(XmppNode) ok =
      test_parse_element("<message><event xmlns='http://jabber.org/protocol/pubsub#event'>"
                         "<items node='n1'><item id='a'/></items></event></message>");
  const char *node = NULL;
  const XmppNode *items = xmpp_pep_event_get_items(ok, &node);
  g_assert_nonnull(items);
  g_assert_cmpstr(node, ==, "n1");
  g_assert_nonnull(xmpp_pep_items_find(items, "a"));
  g_assert_nonnull(xmpp_pep_items_find(items, NULL));
  g_assert_null(xmpp_pep_items_find(items, "b"));

  const char *bad[] = {
      "<message><event xmlns='http://jabber.org/protocol/pubsub#event'><items/></event></message>",
      "<message><event xmlns='http://jabber.org/protocol/pubsub#event'><items node=''/></event>"
      "</message>",
      "<message><event xmlns='http://jabber.org/protocol/pubsub#event'><purge node='n'/></event>"
      "</message>",
      "<message><event xmlns='urn:other'><items node='n'/></event></message>",
      "<message><body>hi</body></message>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(XmppNode) n = test_parse_element(bad[i]);
    g_assert_null(xmpp_pep_event_get_items(n, NULL));
  }
  /* A node name over the limit is refused. */
  g_autofree char *long_node = g_strnfill(XMPP_PEP_MAX_NODE + 1, 'n');
  g_autofree char *xml = g_strdup_printf("<message><event xmlns='http://jabber.org/protocol/"
                                         "pubsub#event'><items node='%s'/></event></message>",
                                         long_node);
  g_autoptr(XmppNode) too_long = test_parse_element(xml);
  g_assert_null(xmpp_pep_event_get_items(too_long, NULL));
}

static void
test_build_publish(void)
{
  XmppNode *item = xmpp_node_new(XMPP_NS_PUBSUB, "item");
  xmpp_node_set_attr(item, "id", "current");
  g_autoptr(XmppNode) plain = xmpp_pep_build_publish("n1", item, NULL);
  g_autofree char *s1 = xmpp_xml_node_to_string(plain);
  g_assert_cmpstr(xmpp_node_get_attr(plain, "type"), ==, "set");
  g_assert_null(xmpp_node_get_attr(plain, "to"));
  g_assert_nonnull(strstr(s1, "<publish node='n1'><item id='current'/></publish>"));
  g_assert_null(strstr(s1, "publish-options"));

  g_autoptr(XmppNode) opts =
      xmpp_pep_build_publish("n1", xmpp_node_new(XMPP_NS_PUBSUB, "item"), "presence");
  XmppNode *pubsub = xmpp_node_get_child(opts, XMPP_NS_PUBSUB, "pubsub");
  XmppNode *po = xmpp_node_get_child(pubsub, XMPP_NS_PUBSUB, "publish-options");
  g_assert_nonnull(po);
  XmppNode *form = xmpp_node_get_child(po, "jabber:x:data", "x");
  g_assert_cmpstr(xmpp_node_get_attr(form, "type"), ==, "submit");
  XmppNode *ft = xmpp_node_get_child(form, "jabber:x:data", "field");
  g_assert_cmpstr(xmpp_node_get_attr(ft, "var"), ==, "FORM_TYPE");
  g_assert_cmpstr(xmpp_node_get_attr(ft, "type"), ==, "hidden");
  g_autofree char *ftv = xmpp_node_dup_child_text(ft, "jabber:x:data", "value");
  g_assert_cmpstr(ftv, ==, XMPP_NS_PUBSUB_PUBLISH_OPTIONS);
  XmppNode *am = xmpp_node_next_child(form, ft, "jabber:x:data", "field");
  g_assert_cmpstr(xmpp_node_get_attr(am, "var"), ==, "pubsub#access_model");
  g_autofree char *amv = xmpp_node_dup_child_text(am, "jabber:x:data", "value");
  g_assert_cmpstr(amv, ==, "presence");
}

/* ---- dispatch
 * ------------------------------------------------------------------------------------ */

static void
test_notify_feature(Fixture *f, gconstpointer data)
{
  g_assert_true(xmpp_disco_has_feature(f->disco, NODE "+notify"));
  g_assert_false(xmpp_disco_has_feature(f->disco, "urn:example:other+notify"));
}

static void
test_dispatch_contact(Fixture *f, gconstpointer data)
{
  feed_event(f, "romeo@montague.test", NODE);
  g_assert_cmpuint(f->calls, ==, 1);
  g_assert_cmpstr(f->last_from, ==, "romeo@montague.test");
  g_assert_cmpstr(f->last_node, ==, NODE);
  g_assert_cmpuint(f->last_n_items, ==, 2);
  /* A contact's full JID is still that contact: handlers get the bare JID. */
  feed_event(f, "romeo@montague.test/orchard", NODE);
  g_assert_cmpuint(f->calls, ==, 2);
  g_assert_cmpstr(f->last_from, ==, "romeo@montague.test");
  /* Other nodes and error messages do not reach the handler. */
  feed_event(f, "romeo@montague.test", "urn:example:other");
  feed(f, "<message from='romeo@montague.test' type='error'><event "
          "xmlns='http://jabber.org/protocol/pubsub#event'><items node='" NODE "'/></event>"
          "</message>");
  feed(f, "<message from='not a jid@@'><event xmlns='http://jabber.org/protocol/pubsub#event'>"
          "<items node='" NODE "'/></event></message>");
  g_assert_cmpuint(f->calls, ==, 2);
}

/* T42: a notification about our own account's nodes must come from our PEP service (no from,
 * or our bare JID). A full JID of ours is refused; a stranger's notification is about the
 * stranger, never about us. */
static void
test_T42_pep_own_node_spoof(Fixture *f, gconstpointer data)
{
  feed_event(f, "juliet@example.test/evil", NODE);
  feed_event(f, "JULIET@example.test/balcony", NODE);
  g_assert_cmpuint(f->calls, ==, 0);
  feed_event(f, "mallory@evil.test", NODE);
  g_assert_cmpuint(f->calls, ==, 1);
  g_assert_cmpstr(f->last_from, ==, "mallory@evil.test"); /* not attributed to us */
  g_assert_false(xmpp_jid_str_equal(f->last_from, "juliet@example.test", XMPP_JID_MATCH_BARE));
}

static void
test_T42_pep_own_node_positive(Fixture *f, gconstpointer data)
{
  feed_event(f, NULL, NODE);
  g_assert_cmpuint(f->calls, ==, 1);
  g_assert_cmpstr(f->last_from, ==, "juliet@example.test");
  feed_event(f, "Juliet@Example.test", NODE);
  g_assert_cmpuint(f->calls, ==, 2);
  g_assert_cmpstr(f->last_from, ==, "juliet@example.test");
}

/* ---- publishing
 * ---------------------------------------------------------------------------------- */

static void
on_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  Fixture *f = data;
  f->replies++;
  f->reply_error = error != NULL;
}

static void
test_publish_sends(Fixture *f, gconstpointer data)
{
  XmppNode *item = xmpp_node_new(XMPP_NS_PUBSUB, "item");
  xmpp_pep_publish(f->pep, NODE, item, "open", on_reply, f, NULL);
  g_assert_cmpuint(f->sent->len, ==, 1);
  XmppNode *iq = f->sent->pdata[0];
  g_assert_null(xmpp_node_get_attr(iq, "to"));
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'/>", xmpp_node_get_attr(iq, "id"));
  feed(f, reply);
  g_assert_cmpuint(f->replies, ==, 1);
  g_assert_false(f->reply_error);

  /* Without a callback it is sent all the same, and its answer is absorbed. */
  xmpp_pep_publish(f->pep, NODE, xmpp_node_new(XMPP_NS_PUBSUB, "item"), NULL, NULL, NULL, NULL);
  g_assert_cmpuint(f->sent->len, ==, 2);
  g_assert_cmpuint(xmpp_router_n_pending(f->router), ==, 1);
  iq = f->sent->pdata[1];
  g_autofree char *err =
      g_strdup_printf("<iq type='error' id='%s'><error type='cancel'><feature-not-implemented "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(iq, "id"));
  feed(f, err);
  g_assert_cmpuint(xmpp_router_n_pending(f->router), ==, 0);
}

static void
test_request_item(Fixture *f, gconstpointer data)
{
  xmpp_pep_request_item(f->pep, "romeo@montague.test", NODE, "abc", on_reply, f, NULL);
  xmpp_pep_request_item(f->pep, "romeo@montague.test", NODE, NULL, on_reply, f, NULL);
  g_assert_cmpuint(f->sent->len, ==, 2);
  g_autofree char *one = xmpp_xml_node_to_string(f->sent->pdata[0]);
  g_autofree char *last = xmpp_xml_node_to_string(f->sent->pdata[1]);
  g_assert_nonnull(strstr(one, "to='romeo@montague.test'"));
  g_assert_nonnull(strstr(one, "<items node='" NODE "'><item id='abc'/></items>"));
  g_assert_nonnull(strstr(last, "max_items='1'"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/pep/event/parse", test_event_parse);
  g_test_add_func("/pep/publish/build", test_build_publish);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/pep/handler/notify_feature", test_notify_feature);
  ADD("/pep/dispatch/contact", test_dispatch_contact);
  ADD("/pep/dispatch/T42_pep_own_node_spoof", test_T42_pep_own_node_spoof);
  ADD("/pep/dispatch/T42_pep_own_node_positive", test_T42_pep_own_node_positive);
  ADD("/pep/publish/sends", test_publish_sends);
  ADD("/pep/request_item", test_request_item);
  return g_test_run();
}
