/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of XEP-0055 parsing and building: legacy and data-form search forms, results as
 * reported columns and rows, and the directory identity check. */
#include "fake-host.h"
#include "parse-helper.h"
#include "router/stanza-error.h"
#include "services/search.h"

static void
test_legacy_form(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><query xmlns='jabber:iq:search'><instructions>Find</instructions>"
      "<first/><last/><nick/><email/></query></iq>");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppXdataForm) form = xmpp_search_parse_form(iq, &error);
  g_assert_no_error(error);
  g_assert_true(form->legacy);
  g_assert_cmpuint(form->fields->len, ==, 4);
  g_assert_false(((XmppXdataField *)form->fields->pdata[0])->required);
  xmpp_xdata_field_set_value(xmpp_xdata_form_get_field(form, "nick"), "Ju");
  g_autoptr(XmppNode) set = xmpp_search_build_submit("search.example.test", form);
  XmppNode *q = xmpp_node_get_child(set, XMPP_NS_SEARCH, "query");
  /* Only the filled field goes out. */
  g_assert_cmpuint(xmpp_node_n_children(q), ==, 1);
  g_autofree char *nick = xmpp_node_dup_child_text(q, XMPP_NS_SEARCH, "nick");
  g_assert_cmpstr(nick, ==, "Ju");
}

static void
test_xdata_form(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><query xmlns='jabber:iq:search'><x xmlns='jabber:x:data' type='form'>"
      "<field type='text-single' var='search'/></x></query></iq>");
  g_autoptr(XmppXdataForm) form = xmpp_search_parse_form(iq, NULL);
  g_assert_false(form->legacy);
  g_autoptr(XmppNode) set = xmpp_search_build_submit("s", form);
  XmppNode *q = xmpp_node_get_child(set, XMPP_NS_SEARCH, "query");
  g_assert_nonnull(xmpp_node_get_child(q, XMPP_NS_XDATA, "x"));
}

static void
test_legacy_results(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><query xmlns='jabber:iq:search'><item jid='ju@example.test'>"
      "<first>Juliet</first><nick>Ju</nick></item><item><first>nojid</first></item>"
      "</query></iq>");
  g_autoptr(XmppXdataForm) res = xmpp_search_parse_results(iq, NULL);
  g_assert_cmpint(res->type, ==, XMPP_XDATA_RESULT);
  g_assert_cmpuint(res->reported->len, ==, 5);
  g_assert_cmpuint(res->items->len, ==, 1);
  GPtrArray *row = res->items->pdata[0];
  g_assert_cmpstr(xmpp_xdata_field_get_value(row->pdata[0]), ==, "ju@example.test");
  g_assert_cmpstr(xmpp_xdata_field_get_value(row->pdata[1]), ==, "Juliet");
  g_assert_null(xmpp_xdata_field_get_value(row->pdata[2]));
}

static void
test_xdata_results(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><query xmlns='jabber:iq:search'><x xmlns='jabber:x:data' "
      "type='result'><reported><field var='jid' type='jid-single'/></reported><item>"
      "<field var='jid'><value>a@b</value></field></item></x></query></iq>");
  g_autoptr(XmppXdataForm) res = xmpp_search_parse_results(iq, NULL);
  g_assert_cmpuint(res->reported->len, ==, 1);
  g_assert_cmpuint(res->items->len, ==, 1);
}

static void
test_reject(void)
{
  g_autoptr(XmppNode) iq = test_parse_element("<iq type='result'/>");
  g_autoptr(GError) error = NULL;
  g_assert_null(xmpp_search_parse_form(iq, &error));
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
}

static void
test_directory_identity(void)
{
  g_autoptr(XmppNode) yes =
      test_parse_element("<iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'>"
                         "<identity category='directory' type='user'/></query></iq>");
  g_autoptr(XmppNode) no =
      test_parse_element("<iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'>"
                         "<identity category='conference' type='text'/></query></iq>");
  g_assert_true(xmpp_search_info_is_directory(yes));
  g_assert_false(xmpp_search_info_is_directory(no));
}

static void
capture(gpointer data, const XmppNode *node)
{
  g_ptr_array_add(data, xmpp_node_copy(node));
}

static void
on_discovered(const char *jid, gpointer data)
{
  GPtrArray *found = data;
  g_ptr_array_add(found, g_strdup(jid != NULL ? jid : "(none)"));
}

static void
reply(XmppRouter *router, const XmppNode *request, const char *from, const char *payload)
{
  g_autofree char *xml = g_strdup_printf("<iq type='result' id='%s' from='%s'>%s</iq>",
                                         xmpp_node_get_attr(request, "id"), from, payload);
  xmpp_router_dispatch(router, test_parse_element(xml));
}

/* The directory is the server item whose disco#info says directory/user; the callback runs once
 * even when later probes answer too. */
static void
test_discover(void)
{
  FakeHost *fake = fake_host_new();
  GPtrArray *sent = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  XmppRouter *router = xmpp_router_new(&fake->host, capture, sent);
  g_autoptr(XmppJid) own = xmpp_jid_parse("juliet@example.test/r", NULL);
  xmpp_router_set_own_jid(router, own);
  XmppSearch *search = xmpp_search_new(router, &fake->host, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
  xmpp_search_discover(search, on_discovered, found, NULL);
  g_assert_cmpuint(sent->len, ==, 1);
  reply(router, sent->pdata[0], "example.test",
        "<query xmlns='http://jabber.org/protocol/disco#items'><item jid='muc.example.test'/>"
        "<item jid='jud.example.test'/><item jid='example.test' node='x'/></query>");
  g_assert_cmpuint(sent->len, ==, 3); /* two probes: the node item is not a service */
  reply(router, sent->pdata[2], "jud.example.test",
        "<query xmlns='http://jabber.org/protocol/disco#info'>"
        "<identity category='directory' type='user'/></query>");
  g_assert_cmpuint(found->len, ==, 1);
  g_assert_cmpstr(found->pdata[0], ==, "jud.example.test");
  reply(router, sent->pdata[1], "muc.example.test",
        "<query xmlns='http://jabber.org/protocol/disco#info'>"
        "<identity category='conference' type='text'/></query>");
  g_assert_cmpuint(found->len, ==, 1);
  /* Positive twin of "no directory": without one the callback says so, once. */
  xmpp_search_discover(search, on_discovered, found, NULL);
  reply(router, sent->pdata[3], "example.test",
        "<query xmlns='http://jabber.org/protocol/disco#items'/>");
  g_assert_cmpuint(found->len, ==, 2);
  g_assert_cmpstr(found->pdata[1], ==, "(none)");
  xmpp_search_free(search);
  xmpp_router_free(router);
  g_ptr_array_unref(found);
  g_ptr_array_unref(sent);
  fake_host_free(fake);
}

/* Found by fuzz-disco: a server item whose jid is not a JID is not probed (a request to that
 * string would have its reply checked as if it came from our own account, T38). */
static void
test_discover_invalid_jid(void)
{
  FakeHost *fake = fake_host_new();
  GPtrArray *sent = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  XmppRouter *router = xmpp_router_new(&fake->host, capture, sent);
  g_autoptr(XmppJid) own = xmpp_jid_parse("juliet@example.test/r", NULL);
  xmpp_router_set_own_jid(router, own);
  XmppSearch *search = xmpp_search_new(router, &fake->host, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
  xmpp_search_discover(search, on_discovered, found, NULL);
  reply(router, sent->pdata[0], "example.test",
        "<query xmlns='http://jabber.org/protocol/disco#items'><item jid='bad@@jid'/>"
        "<item jid='not a jid'/><item jid='jud.example.test'/></query>");
  g_assert_cmpuint(sent->len, ==, 2); /* one probe, to the only JID */
  g_assert_cmpstr(xmpp_node_get_attr(sent->pdata[1], "to"), ==, "jud.example.test");
  /* Only invalid items: no probe at all, and no directory. */
  xmpp_search_discover(search, on_discovered, found, NULL);
  reply(router, sent->pdata[2], "example.test",
        "<query xmlns='http://jabber.org/protocol/disco#items'><item jid='bad@@jid'/></query>");
  g_assert_cmpuint(sent->len, ==, 3);
  g_assert_cmpuint(found->len, ==, 1);
  g_assert_cmpstr(found->pdata[0], ==, "(none)");
  xmpp_search_free(search);
  xmpp_router_free(router);
  g_ptr_array_unref(found);
  g_ptr_array_unref(sent);
  fake_host_free(fake);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/search/parse/legacy_form", test_legacy_form);
  g_test_add_func("/search/parse/xdata_form", test_xdata_form);
  g_test_add_func("/search/parse/legacy_results", test_legacy_results);
  g_test_add_func("/search/parse/xdata_results", test_xdata_results);
  g_test_add_func("/search/parse/reject", test_reject);
  g_test_add_func("/search/directory_identity", test_directory_identity);
  g_test_add_func("/search/discover", test_discover);
  g_test_add_func("/search/discover_invalid_jid", test_discover_invalid_jid);
  return g_test_run();
}
