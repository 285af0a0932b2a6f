/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of disco.c: the disco#info model and its limits, our answers (XEP-0030 §3, §4), queries
 * and the discovery of our server and account. */
#include <string.h>

#include "parse-helper.h"
#include "router-fixture.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "services/disco.h"

typedef struct {
  TestRouter *t;
  XmppDisco *disco;
  GString *events;
} Fixture;

static void
setup(Fixture *f, gconstpointer data)
{
  f->t = test_router_new("juliet@example.test/balcony");
  f->events = g_string_new(NULL);
  f->disco = xmpp_disco_new(f->t->router, &f->t->fake->host);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_router_fail_pending(f->t->router);
  xmpp_disco_free(f->disco);
  test_router_free(f->t);
  g_string_free(f->events, TRUE);
}

static const char *
error_condition(const XmppNode *iq)
{
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "error");
  XmppNode *error = xmpp_node_get_child(iq, NULL, "error");
  g_assert_nonnull(error);
  XmppNode *cond = xmpp_node_get_child(error, XMPP_NS_STANZA_ERRORS, NULL);
  g_assert_nonnull(cond);
  return cond->name;
}

/* ---- the model ---- */

static XmppDiscoInfo *
parse(const char *xml, GError **error)
{
  g_autoptr(XmppNode) node = test_parse_element(xml);
  return xmpp_disco_info_parse(node, error);
}

static void
test_parse_valid(void)
{
  g_autoptr(XmppDiscoInfo) info =
      parse("<query xmlns='http://jabber.org/protocol/disco#info' node='n#v'>"
            "<identity category='client' type='pc' name='Psi' xml:lang='en'/>"
            "<feature var='urn:a'/><feature var='urn:b'/><unknown/>"
            "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'>"
            "<value>urn:xmpp:dataforms:softwareinfo</value></field></x></query>",
            NULL);
  g_assert_nonnull(info);
  g_assert_cmpstr(info->node, ==, "n#v");
  g_assert_cmpuint(info->identities->len, ==, 1);
  const XmppDiscoIdentity *id = info->identities->pdata[0];
  g_assert_cmpstr(id->category, ==, "client");
  g_assert_cmpstr(id->type, ==, "pc");
  g_assert_cmpstr(id->name, ==, "Psi");
  g_assert_cmpstr(id->lang, ==, "en");
  g_assert_cmpuint(info->features->len, ==, 2);
  g_assert_true(xmpp_disco_info_has_feature(info, "urn:b"));
  g_assert_false(xmpp_disco_info_has_feature(info, "urn:c"));
  g_assert_cmpuint(info->forms->len, ==, 1);
  /* The builder gives back the same answer. */
  g_autoptr(XmppNode) built = xmpp_disco_info_build(info);
  g_autoptr(XmppDiscoInfo) again = xmpp_disco_info_parse(built, NULL);
  g_assert_cmpuint(again->features->len, ==, 2);
  g_assert_cmpuint(again->forms->len, ==, 1);
  g_assert_cmpstr(((XmppDiscoIdentity *)again->identities->pdata[0])->lang, ==, "en");
}

static void
test_parse_rejects(void)
{
  const char *bad[] = {
      "<query xmlns='http://jabber.org/protocol/disco#items'/>",
      "<query xmlns='http://jabber.org/protocol/disco#info'><identity type='pc'/></query>",
      "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='c'/></query>",
      "<query xmlns='http://jabber.org/protocol/disco#info'><feature/></query>",
      "<query xmlns='http://jabber.org/protocol/disco#info'><feature var=''/></query>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(XmppDiscoInfo) info = parse(bad[i], &error);
    g_assert_null(info);
    g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
  }
}

static char *
many_features(guint n)
{
  GString *xml = g_string_new("<query xmlns='http://jabber.org/protocol/disco#info'>");
  for (guint i = 0; i < n; i++)
    g_string_append_printf(xml, "<feature var='urn:f:%u'/>", i);
  g_string_append(xml, "</query>");
  return g_string_free(xml, FALSE);
}

/* T52: a huge answer is refused whole; the limit itself is fine (positive twin). */
static void
test_parse_limits(void)
{
  g_autofree char *at = many_features(XMPP_DISCO_MAX_FEATURES);
  g_autoptr(XmppDiscoInfo) ok = parse(at, NULL);
  g_assert_nonnull(ok);
  g_assert_cmpuint(ok->features->len, ==, XMPP_DISCO_MAX_FEATURES);
  g_autofree char *over = many_features(XMPP_DISCO_MAX_FEATURES + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppDiscoInfo) bad = parse(over, &error);
  g_assert_null(bad);
  g_assert_nonnull(error);
}

/* ---- our answers ---- */

static void
test_answer_info(Fixture *f, gconstpointer data)
{
  xmpp_disco_add_feature(f->disco, "urn:test:zzz");
  xmpp_disco_add_feature(f->disco, "urn:test:aaa");
  guint generation = xmpp_disco_get_generation(f->disco);
  xmpp_disco_add_feature(f->disco, "urn:test:aaa"); /* a duplicate changes nothing */
  g_assert_cmpuint(xmpp_disco_get_generation(f->disco), ==, generation);
  test_router_dispatch(f->t, "<iq type='get' from='romeo@example.test/orchard' id='d1'>"
                             "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, "d1");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "to"), ==, "romeo@example.test/orchard");
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_parse(xmpp_node_first_element(reply), NULL);
  g_assert_nonnull(info);
  g_assert_null(info->node);
  g_assert_cmpuint(info->identities->len, ==, 1);
  const XmppDiscoIdentity *id = info->identities->pdata[0];
  g_assert_cmpstr(id->category, ==, "client");
  g_assert_cmpstr(id->type, ==, "pc");
  g_assert_cmpstr(id->name, ==, "Lyre");
  const char *want[] = {"http://jabber.org/protocol/disco#info",
                        "http://jabber.org/protocol/disco#items", "urn:test:aaa", "urn:test:zzz",
                        "urn:xmpp:ping"};
  g_assert_cmpuint(info->features->len, ==, G_N_ELEMENTS(want));
  for (gsize i = 0; i < G_N_ELEMENTS(want); i++) /* sorted */
    g_assert_cmpstr(info->features->pdata[i], ==, want[i]);
}

static void
test_answer_node(Fixture *f, gconstpointer data)
{
  xmpp_disco_set_caps_node(f->disco, "https://lyre.im#abc=");
  test_router_dispatch(
      f->t,
      "<iq type='get' from='romeo@example.test/orchard' id='d2'>"
      "<query xmlns='http://jabber.org/protocol/disco#info' node='https://lyre.im#abc='/></iq>");
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(xmpp_node_first_element(reply), "node"), ==,
                  "https://lyre.im#abc=");
  test_router_dispatch(
      f->t,
      "<iq type='get' from='romeo@example.test/orchard' id='d3'>"
      "<query xmlns='http://jabber.org/protocol/disco#info' node='https://lyre.im#old='/></iq>");
  g_assert_cmpstr(error_condition(test_router_last_sent(f->t)), ==, "item-not-found");
}

static void
test_answer_items(Fixture *f, gconstpointer data)
{
  test_router_dispatch(f->t, "<iq type='get' from='romeo@example.test/orchard' id='i1'>"
                             "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  XmppNode *query = xmpp_node_first_element(reply);
  g_assert_true(xmpp_node_is(query, XMPP_NS_DISCO_ITEMS, "query"));
  g_assert_null(xmpp_node_first_element(query));
  test_router_dispatch(f->t,
                       "<iq type='get' from='romeo@example.test/orchard' id='i2'>"
                       "<query xmlns='http://jabber.org/protocol/disco#items' node='x'/></iq>");
  g_assert_cmpstr(error_condition(test_router_last_sent(f->t)), ==, "item-not-found");
}

static void
test_answer_set_refused(Fixture *f, gconstpointer data)
{
  test_router_dispatch(f->t, "<iq type='set' from='romeo@example.test/orchard' id='s1'>"
                             "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  g_assert_cmpstr(error_condition(test_router_last_sent(f->t)), ==, "feature-not-implemented");
  test_router_dispatch(f->t, "<iq type='set' from='romeo@example.test/orchard' id='s2'>"
                             "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  g_assert_cmpstr(error_condition(test_router_last_sent(f->t)), ==, "feature-not-implemented");
}

/* ---- queries ---- */

static void
on_info(const XmppDiscoInfo *info, const GError *error, gpointer data)
{
  Fixture *f = data;
  if (error != NULL)
    g_string_append_printf(f->events, "error:%d ", error->code);
  else
    g_string_append_printf(f->events, "info:%u:%s ", info->features->len,
                           info->node ? info->node : "-");
}

static void
test_query_info(Fixture *f, gconstpointer data)
{
  xmpp_disco_query_info(f->disco, "romeo@example.test/orchard", "n#1", on_info, f, NULL);
  XmppNode *iq = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(iq, "to"), ==, "romeo@example.test/orchard");
  g_assert_cmpstr(xmpp_node_get_attr(xmpp_node_first_element(iq), "node"), ==, "n#1");
  g_autofree char *id = g_strdup(xmpp_node_get_attr(iq, "id"));
  /* T38: an answer from someone else is not the answer. */
  g_autofree char *spoof =
      g_strdup_printf("<iq type='result' from='mallory@example.test/x' id='%s'>"
                      "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
                      id);
  test_router_dispatch(f->t, spoof);
  g_assert_cmpstr(f->events->str, ==, "");
  g_autofree char *good =
      g_strdup_printf("<iq type='result' from='romeo@example.test/orchard' id='%s'>"
                      "<query xmlns='http://jabber.org/protocol/disco#info' node='n#1'>"
                      "<identity category='client' type='pc'/><feature var='urn:a'/></query></iq>",
                      id);
  test_router_dispatch(f->t, good);
  g_assert_cmpstr(f->events->str, ==, "info:1:n#1 ");
}

static void
test_query_malformed(Fixture *f, gconstpointer data)
{
  xmpp_disco_query_info(f->disco, "romeo@example.test/orchard", NULL, on_info, f, NULL);
  const char *id = xmpp_node_get_attr(test_router_last_sent(f->t), "id");
  g_autofree char *bad = g_strdup_printf("<iq type='result' from='romeo@example.test/orchard' "
                                         "id='%s'><query xmlns='urn:other'/></iq>",
                                         id);
  test_router_dispatch(f->t, bad);
  g_assert_cmpstr(f->events->str, ==, "error:0 "); /* BAD_REQUEST */
}

static void
on_discovered(gpointer data)
{
  Fixture *f = data;
  g_string_append(f->events, "discovered ");
}

static void
test_discover(Fixture *f, gconstpointer data)
{
  xmpp_disco_set_watch(f->disco, on_discovered, f);
  g_assert_false(xmpp_disco_server_has(f->disco, "urn:xmpp:blocking"));
  xmpp_disco_discover(f->disco);
  g_assert_cmpuint(f->t->sent->len, ==, 2);
  XmppNode *to_server = f->t->sent->pdata[0], *to_account = f->t->sent->pdata[1];
  g_assert_cmpstr(xmpp_node_get_attr(to_server, "to"), ==, "example.test");
  g_assert_cmpstr(xmpp_node_get_attr(to_account, "to"), ==, "juliet@example.test");
  xmpp_disco_discover(f->disco); /* once at a time */
  g_assert_cmpuint(f->t->sent->len, ==, 2);
  g_autofree char *server = g_strdup_printf(
      "<iq type='result' from='example.test' id='%s'><query xmlns='http://jabber.org/protocol/"
      "disco#info'><identity category='server' type='im'/><feature var='urn:xmpp:blocking'/>"
      "</query></iq>",
      xmpp_node_get_attr(to_server, "id"));
  test_router_dispatch(f->t, server);
  g_assert_true(xmpp_disco_server_has(f->disco, "urn:xmpp:blocking"));
  g_assert_false(xmpp_disco_account_has(f->disco, "urn:xmpp:blocking"));
  g_assert_cmpstr(f->events->str, ==, "");
  /* Our account answers without a from (RFC 6120 §8.1.2.1 allows it for our own bare JID). */
  g_autofree char *account = g_strdup_printf(
      "<iq type='result' id='%s'><query xmlns='http://jabber.org/protocol/disco#info'>"
      "<identity category='pubsub' type='pep'/></query></iq>",
      xmpp_node_get_attr(to_account, "id"));
  test_router_dispatch(f->t, account);
  g_assert_cmpstr(f->events->str, ==, "discovered ");
  g_assert_nonnull(xmpp_disco_get_account_info(f->disco));
  g_assert_cmpstr(
      ((XmppDiscoIdentity *)xmpp_disco_get_account_info(f->disco)->identities->pdata[0])->type, ==,
      "pep");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/disco/parse/valid", test_parse_valid);
  g_test_add_func("/disco/parse/rejects", test_parse_rejects);
  g_test_add_func("/disco/parse/limits", test_parse_limits);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/disco/answer/info", test_answer_info);
  ADD("/disco/answer/caps_node", test_answer_node);
  ADD("/disco/answer/items", test_answer_items);
  ADD("/disco/answer/set_refused", test_answer_set_refused);
  ADD("/disco/query/info", test_query_info);
  ADD("/disco/query/malformed", test_query_malformed);
  ADD("/disco/discover/server_and_account", test_discover);
  return g_test_run();
}
