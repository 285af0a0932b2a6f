/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for server-items.c: the server's items, each asked what it is; the first listed
 * that matches is found, whatever order the answers come in; a new discovery forgets the old. */
#include "services/server-items.h"
#include "router-fixture.h"
#include "services/namespaces.h"

#define DOMAIN "shakespeare.example"

typedef struct {
  TestRouter *t;
  XmppServerItems *items;
} Fixture;

static void
setup(Fixture *f, gconstpointer unused)
{
  f->t = test_router_new("juliet@" DOMAIN "/balcony");
  f->items = xmpp_server_items_new(f->t->router, &f->t->fake->host);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_server_items_free(f->items);
  test_router_free(f->t);
}

static gboolean
is_store(const XmppDiscoInfo *info)
{
  return xmpp_disco_info_has_feature(info, "urn:xmpp:http:upload:0");
}

static void
answer_info(Fixture *f, guint index, const char *payload)
{
  XmppNode *iq = test_router_get_sent(f->t, index);
  test_router_dispatchf(f->t,
                        "<iq type='result' id='%s' from='%s'><query "
                        "xmlns='http://jabber.org/protocol/disco#info'>%s</query></iq>",
                        xmpp_node_get_attr(iq, "id"), xmpp_node_get_attr(iq, "to"), payload);
}

static void
test_first_listed_found(Fixture *f, gconstpointer unused)
{
  xmpp_server_items_discover(f->items, DOMAIN);
  g_assert_cmpstr(xmpp_node_get_attr(test_router_last_sent(f->t), "to"), ==, DOMAIN);
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#items'>"
                                "<item jid='share." DOMAIN "'/>"
                                "<item jid='" DOMAIN "' node='announce'/>"
                                "<item jid='upload." DOMAIN "'/></query>");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 3); /* the node is not asked */
  g_assert_null(xmpp_server_items_find(f->items, is_store, NULL));
  const char *store = "<identity category='store' type='file'/>"
                      "<feature var='urn:xmpp:http:upload:0'/>";
  answer_info(f, 2, store); /* the later one answers first */
  g_assert_cmpstr(xmpp_server_items_find(f->items, is_store, NULL), ==, "upload." DOMAIN);
  answer_info(f, 1, store);
  const XmppDiscoInfo *info = NULL;
  g_assert_cmpstr(xmpp_server_items_find(f->items, is_store, &info), ==, "share." DOMAIN);
  g_assert_nonnull(info);
  g_assert_true(xmpp_disco_info_has_feature(info, "urn:xmpp:http:upload:0"));
}

/* A new session: what the old one found is gone, and its late answers change nothing. */
static void
test_new_discovery_forgets(Fixture *f, gconstpointer unused)
{
  xmpp_server_items_discover(f->items, DOMAIN);
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#items'>"
                                "<item jid='upload." DOMAIN "'/></query>");
  XmppNode *old = test_router_get_sent(f->t, 1);
  g_autofree char *old_id = g_strdup(xmpp_node_get_attr(old, "id"));
  xmpp_server_items_discover(f->items, DOMAIN);
  test_router_dispatchf(f->t,
                        "<iq type='result' id='%s' from='upload." DOMAIN "'><query "
                        "xmlns='http://jabber.org/protocol/disco#info'><feature "
                        "var='urn:xmpp:http:upload:0'/></query></iq>",
                        old_id);
  g_assert_null(xmpp_server_items_find(f->items, is_store, NULL));
}

/* A long list: only the first XMPP_SERVER_ITEMS_PROBES entities are asked. */
static void
test_probes_bounded(Fixture *f, gconstpointer unused)
{
  xmpp_server_items_discover(f->items, DOMAIN);
  GString *items = g_string_new("<query xmlns='http://jabber.org/protocol/disco#items'>");
  for (int i = 0; i < 100; i++)
    g_string_append_printf(items, "<item jid='s%d." DOMAIN "'/>", i);
  g_string_append(items, "</query>");
  test_router_answer_last(f->t, items->str);
  g_string_free(items, TRUE);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 1 + XMPP_SERVER_ITEMS_PROBES);
}

/* An entity that answers with an error is not a service; the next one is. */
static void
test_error_is_no_service(Fixture *f, gconstpointer unused)
{
  xmpp_server_items_discover(f->items, DOMAIN);
  test_router_answer_last(f->t,
                          "<query xmlns='http://jabber.org/protocol/disco#items'>"
                          "<item jid='gone." DOMAIN "'/><item jid='upload." DOMAIN "'/></query>");
  XmppNode *iq = test_router_get_sent(f->t, 1);
  test_router_dispatchf(f->t,
                        "<iq type='error' id='%s' from='gone." DOMAIN "'><error type='cancel'>"
                        "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        "</error></iq>",
                        xmpp_node_get_attr(iq, "id"));
  answer_info(f, 2, "<feature var='urn:xmpp:http:upload:0'/>");
  g_assert_cmpstr(xmpp_server_items_find(f->items, is_store, NULL), ==, "upload." DOMAIN);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/server-items/first-listed-found", test_first_listed_found);
  ADD("/server-items/new-discovery-forgets", test_new_discovery_forgets);
  ADD("/server-items/probes-bounded", test_probes_bounded);
  ADD("/server-items/error-is-no-service", test_error_is_no_service);
  return g_test_run();
}
