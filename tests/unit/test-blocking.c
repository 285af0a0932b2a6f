/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of XmppBlocking (XEP-0191): list and push parsing with limits, builders, discovery and
 * fetch, pushes from our own server only (T34), unblock-all and requests. */
#include <string.h>

#include "parse-helper.h"
#include "router-fixture.h"
#include "router/stanza-error.h"
#include "services/blocking.h"

typedef struct {
  TestRouter *t;
  XmppBlocking *blocking;
  GString *events;
} Fixture;

static void
ev_supported(gpointer data, gboolean supported)
{
  g_string_append_printf(((Fixture *)data)->events, "supported:%d ", supported);
}

static void
ev_list(gpointer data, const GPtrArray *jids)
{
  Fixture *f = data;
  g_string_append(f->events, "list:");
  for (guint i = 0; i < jids->len; i++)
    g_string_append_printf(f->events, "%s%s", i > 0 ? "," : "", (char *)jids->pdata[i]);
  g_string_append_c(f->events, ' ');
}

static void
ev_blocked(gpointer data, const char *jid)
{
  g_string_append_printf(((Fixture *)data)->events, "blocked:%s ", jid);
}

static void
ev_unblocked(gpointer data, const char *jid)
{
  g_string_append_printf(((Fixture *)data)->events, "unblocked:%s ", jid);
}

static void
ev_unblocked_all(gpointer data)
{
  g_string_append(((Fixture *)data)->events, "unblocked-all ");
}

static void
ev_refused(gpointer data, gboolean block, const char *jid, const GError *error)
{
  const XmppStanzaErrorInfo *info = xmpp_stanza_error_info_from_gerror(error);
  g_string_append_printf(((Fixture *)data)->events, "refused:%s:%s:%s ",
                         block ? "block" : "unblock", jid != NULL ? jid : "(all)",
                         info != NULL ? xmpp_stanza_error_condition_name(info->condition)
                                      : g_quark_to_string(error->domain));
}

static const XmppBlockingEvents events = {
    .supported = ev_supported,
    .list = ev_list,
    .blocked = ev_blocked,
    .unblocked = ev_unblocked,
    .unblocked_all = ev_unblocked_all,
    .refused = ev_refused,
};

static void
setup(Fixture *f, gconstpointer data)
{
  f->t = test_router_new("juliet@example.test/balcony");
  f->events = g_string_new(NULL);
  f->blocking = xmpp_blocking_new(f->t->router, &f->t->fake->host, NULL);
  xmpp_blocking_set_events(f->blocking, &events, f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_blocking_free(f->blocking);
  test_router_free(f->t);
  g_string_free(f->events, TRUE);
}

/* Discovery says yes and the list comes back with the given items. */
static void
start_supported(Fixture *f, const char *items)
{
  xmpp_blocking_start(f->blocking);
  XmppNode *disco = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(disco, "to"), ==, "example.test");
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' from='example.test' id='%s'><query "
      "xmlns='http://jabber.org/protocol/disco#info'><feature var='urn:xmpp:blocking'/>"
      "</query></iq>",
      xmpp_node_get_attr(disco, "id"));
  test_router_dispatch(f->t, reply);
  XmppNode *get = test_router_last_sent(f->t);
  g_assert_nonnull(xmpp_node_get_child(get, XMPP_NS_BLOCKING, "blocklist"));
  g_assert_cmpstr(xmpp_node_get_attr(get, "type"), ==, "get");
  g_autofree char *list = g_strdup_printf(
      "<iq type='result' id='%s'><blocklist xmlns='urn:xmpp:blocking'>%s</blocklist></iq>",
      xmpp_node_get_attr(get, "id"), items);
  test_router_dispatch(f->t, list);
}

static void
test_parse_list(void)
{
  g_autoptr(XmppNode) node = test_parse_element(
      "<blocklist xmlns='urn:xmpp:blocking'><item jid='Romeo@Example.NET'/>"
      "<item jid='evil.test'/><item jid='romeo@example.net'/><item/><item jid='a@@b'/>"
      "<item jid='iago@shakespeare.lit/Phone'/></blocklist>");
  g_autoptr(XmppBlockingItems) items = xmpp_blocking_items_parse(node);
  g_assert_nonnull(items);
  g_assert_cmpint(items->kind, ==, XMPP_BLOCKING_LIST);
  g_assert_cmpuint(items->jids->len, ==, 3);
  g_assert_cmpstr(items->jids->pdata[0], ==, "romeo@example.net");
  g_assert_cmpstr(items->jids->pdata[1], ==, "evil.test");
  g_assert_cmpstr(items->jids->pdata[2], ==, "iago@shakespeare.lit/Phone");
  g_assert_cmpuint(items->n_dropped, ==, 3); /* duplicate, missing jid, invalid jid */
}

static void
test_parse_kinds(void)
{
  g_autoptr(XmppNode) block =
      test_parse_element("<block xmlns='urn:xmpp:blocking'><item jid='a@b.test'/></block>");
  g_autoptr(XmppBlockingItems) b = xmpp_blocking_items_parse(block);
  g_assert_cmpint(b->kind, ==, XMPP_BLOCKING_BLOCK);
  g_autoptr(XmppNode) unblock = test_parse_element("<unblock xmlns='urn:xmpp:blocking'/>");
  g_autoptr(XmppBlockingItems) u = xmpp_blocking_items_parse(unblock);
  g_assert_cmpint(u->kind, ==, XMPP_BLOCKING_UNBLOCK);
  g_assert_cmpuint(u->jids->len, ==, 0);
  /* Rejections: another namespace, another element. */
  g_autoptr(XmppNode) other = test_parse_element("<block xmlns='urn:xmpp:other'/>");
  g_assert_null(xmpp_blocking_items_parse(other));
  g_autoptr(XmppNode) name = test_parse_element("<list xmlns='urn:xmpp:blocking'/>");
  g_assert_null(xmpp_blocking_items_parse(name));
  g_assert_null(xmpp_blocking_items_parse(NULL));
}

static void
test_parse_limit(void)
{
  GString *xml = g_string_new("<blocklist xmlns='urn:xmpp:blocking'>");
  for (guint i = 0; i < XMPP_BLOCKING_MAX_ITEMS + 5; i++)
    g_string_append_printf(xml, "<item jid='u%u@example.test'/>", i);
  g_string_append(xml, "</blocklist>");
  g_autoptr(XmppNode) node = test_parse_element(xml->str);
  g_string_free(xml, TRUE);
  g_autoptr(XmppBlockingItems) items = xmpp_blocking_items_parse(node);
  g_assert_cmpuint(items->jids->len, ==, XMPP_BLOCKING_MAX_ITEMS);
  g_assert_cmpuint(items->n_dropped, ==, 5);
}

static void
test_build(void)
{
  const char *jids[] = {"romeo@example.net", "evil.test", NULL};
  g_autoptr(XmppNode) block = xmpp_blocking_build(TRUE, jids);
  g_autoptr(XmppNode) expected = test_parse_element(
      "<block xmlns='urn:xmpp:blocking'><item jid='romeo@example.net'/><item jid='evil.test'/>"
      "</block>");
  g_assert_true(xmpp_node_equal(block, expected));
  g_autoptr(XmppNode) all = xmpp_blocking_build(FALSE, NULL);
  g_autoptr(XmppNode) expected_all = test_parse_element("<unblock xmlns='urn:xmpp:blocking'/>");
  g_assert_true(xmpp_node_equal(all, expected_all));
}

static void
test_fetch(Fixture *f, gconstpointer data)
{
  start_supported(f, "<item jid='romeo@example.net'/><item jid='iago@example.net'/>");
  g_assert_cmpstr(f->events->str, ==, "supported:1 list:romeo@example.net,iago@example.net ");
  g_assert_true(xmpp_blocking_is_supported(f->blocking));
  g_assert_true(xmpp_blocking_is_blocked(f->blocking, "Romeo@Example.NET"));
  g_assert_false(xmpp_blocking_is_blocked(f->blocking, "juliet@example.test"));
  g_assert_cmpuint(xmpp_blocking_n_blocked(f->blocking), ==, 2);
}

static void
test_unsupported(Fixture *f, gconstpointer data)
{
  xmpp_blocking_start(f->blocking);
  XmppNode *disco = test_router_last_sent(f->t);
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' from='example.test' id='%s'><query "
      "xmlns='http://jabber.org/protocol/disco#info'><feature var='urn:xmpp:ping'/></query></iq>",
      xmpp_node_get_attr(disco, "id"));
  guint before = f->t->sent->len;
  test_router_dispatch(f->t, reply);
  g_assert_cmpstr(f->events->str, ==, "supported:0 ");
  g_assert_cmpuint(f->t->sent->len, ==, before); /* no list fetch */
  g_assert_false(xmpp_blocking_block(f->blocking, "romeo@example.net"));
  g_assert_nonnull(strstr(f->t->fake->log->str, "does not offer XEP-0191"));
}

/* T34 (RFC 6121 §2.1.6 applied to XEP-0191 pushes): a push from a third party is ignored. */
static void
test_push_spoofed(Fixture *f, gconstpointer data)
{
  start_supported(f, "");
  g_string_truncate(f->events, 0);
  test_router_dispatch(
      f->t, "<iq type='set' from='mallory@evil.test' id='p1'><unblock xmlns='urn:xmpp:blocking'/>"
            "</iq>");
  test_router_dispatch(f->t,
                       "<iq type='set' from='example.test.evil.test' id='p2'><block "
                       "xmlns='urn:xmpp:blocking'><item jid='romeo@example.net'/></block></iq>");
  g_assert_cmpstr(f->events->str, ==, "");
  g_assert_cmpuint(xmpp_blocking_n_blocked(f->blocking), ==, 0);
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "error");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, "p2");
}

/* Positive twin: pushes with no from, or from our bare or full JID, are applied and answered. */
static void
test_push_own(Fixture *f, gconstpointer data)
{
  start_supported(f, "<item jid='iago@example.net'/>");
  g_string_truncate(f->events, 0);
  test_router_dispatch(f->t, "<iq type='set' id='p1'><block xmlns='urn:xmpp:blocking'><item "
                             "jid='romeo@example.net'/></block></iq>");
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, "p1");
  test_router_dispatch(f->t,
                       "<iq type='set' from='Juliet@example.test' id='p2'><unblock "
                       "xmlns='urn:xmpp:blocking'><item jid='iago@example.net'/></unblock></iq>");
  test_router_dispatch(f->t, "<iq type='set' from='juliet@example.test/balcony' id='p3'><block "
                             "xmlns='urn:xmpp:blocking'><item jid='evil.test'/></block></iq>");
  g_assert_cmpstr(f->events->str, ==,
                  "blocked:romeo@example.net unblocked:iago@example.net blocked:evil.test ");
  g_assert_true(xmpp_blocking_is_blocked(f->blocking, "romeo@example.net"));
  g_assert_false(xmpp_blocking_is_blocked(f->blocking, "iago@example.net"));
  /* §3.5: unblock everyone. */
  test_router_dispatch(f->t, "<iq type='set' id='p4'><unblock xmlns='urn:xmpp:blocking'/></iq>");
  g_assert_nonnull(strstr(f->events->str, "unblocked-all"));
  g_assert_cmpuint(xmpp_blocking_n_blocked(f->blocking), ==, 0);
}

static void
test_push_bad(Fixture *f, gconstpointer data)
{
  start_supported(f, "");
  g_string_truncate(f->events, 0);
  /* A block without items, and a <blocklist/> set: bad requests that change nothing. */
  test_router_dispatch(f->t, "<iq type='set' id='b1'><block xmlns='urn:xmpp:blocking'/></iq>");
  g_assert_nonnull(xmpp_node_get_child(test_router_last_sent(f->t), NULL, "error"));
  test_router_dispatch(f->t, "<iq type='set' id='b2'><blocklist xmlns='urn:xmpp:blocking'><item "
                             "jid='a@b.test'/></blocklist></iq>");
  g_assert_nonnull(xmpp_node_get_child(test_router_last_sent(f->t), NULL, "error"));
  /* An unblock whose only item is invalid is not "unblock everyone". */
  test_router_dispatch(
      f->t, "<iq type='set' id='b3'><unblock xmlns='urn:xmpp:blocking'><item jid='@@'/></unblock>"
            "</iq>");
  g_assert_cmpstr(f->events->str, ==, "");
}

static void
test_requests(Fixture *f, gconstpointer data)
{
  start_supported(f, "");
  g_assert_true(xmpp_blocking_block(f->blocking, "Romeo@Example.NET"));
  XmppNode *iq = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "set");
  g_autoptr(XmppNode) expected = test_parse_element(
      "<block xmlns='urn:xmpp:blocking'><item jid='romeo@example.net'/></block>");
  g_assert_true(xmpp_node_equal(xmpp_node_first_element(iq), expected));
  g_assert_false(xmpp_blocking_block(f->blocking, "bad@@jid"));
  g_assert_true(xmpp_blocking_unblock(f->blocking, NULL));
  g_autoptr(XmppNode) all = test_parse_element("<unblock xmlns='urn:xmpp:blocking'/>");
  g_assert_true(xmpp_node_equal(xmpp_node_first_element(test_router_last_sent(f->t)), all));
  /* An error reply is logged, and the list is unchanged (only pushes change it). */
  g_autofree char *err =
      g_strdup_printf("<iq type='error' id='%s'><error type='cancel'><not-allowed "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(test_router_last_sent(f->t), "id"));
  test_router_dispatch(f->t, err);
  g_assert_nonnull(strstr(f->t->fake->log->str, "request refused"));
  /* The glue hears of it, with what was asked and the parsed error. */
  g_assert_cmpstr(f->events->str, ==, "supported:1 list: refused:unblock:(all):not-allowed ");
  g_string_truncate(f->events, 0);
  /* The block request is still waiting: it is refused by a timeout. */
  fake_host_advance(f->t->fake, XMPP_ROUTER_IQ_TIMEOUT_MS + 1);
  g_assert_cmpstr(f->events->str, ==, "refused:block:romeo@example.net:xmpp-iq-error-quark ");
  /* Its twin: a request that succeeds is no refusal. */
  g_string_truncate(f->events, 0);
  g_assert_true(xmpp_blocking_block(f->blocking, "mercutio@example.net"));
  test_router_answer_last(f->t, "");
  g_assert_cmpstr(f->events->str, ==, "");
}

/* Requests still pending when the module goes end safely (the router outlives it). */
static void
test_free_with_pending(void)
{
  TestRouter *t = test_router_new("juliet@example.test/balcony");
  XmppBlocking *blocking = xmpp_blocking_new(t->router, &t->fake->host, NULL);
  xmpp_blocking_start(blocking);
  g_assert_cmpuint(xmpp_router_n_pending(t->router), ==, 1);
  xmpp_blocking_free(blocking);
  test_router_free(t); /* ends the disco request: the callback sees the module is gone */
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/blocking/parse/list", test_parse_list);
  g_test_add_func("/blocking/parse/kinds", test_parse_kinds);
  g_test_add_func("/blocking/parse/limit", test_parse_limit);
  g_test_add_func("/blocking/build", test_build);
  g_test_add("/blocking/fetch", Fixture, NULL, setup, test_fetch, teardown);
  g_test_add("/blocking/unsupported", Fixture, NULL, setup, test_unsupported, teardown);
  g_test_add("/blocking/push/T34_spoofed_push_ignored", Fixture, NULL, setup, test_push_spoofed,
             teardown);
  g_test_add("/blocking/push/T34_own_push_applied", Fixture, NULL, setup, test_push_own, teardown);
  g_test_add("/blocking/push/bad_request", Fixture, NULL, setup, test_push_bad, teardown);
  g_test_add("/blocking/requests", Fixture, NULL, setup, test_requests, teardown);
  g_test_add_func("/blocking/free_with_pending", test_free_with_pending);
  return g_test_run();
}
