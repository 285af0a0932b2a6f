/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of subscription.c: requests, answers, pre-approval and incoming subscription stanzas
 * (RFC 6121 §3). */
#include "fake-host.h"
#include "im/subscription.h"
#include "parse-helper.h"
#include "xml/writer.h"

typedef struct {
  FakeHost *fake;
  XmppRouter *router;
  XmppRoster *roster;
  XmppPresence *presence;
  GPtrArray *sent;
  GPtrArray *requests; /* "bare|message" */
  GPtrArray *changes;  /* "type:bare" */
} Fixture;

static void
capture_send(gpointer data, const XmppNode *node)
{
  Fixture *f = data;
  g_ptr_array_add(f->sent, xmpp_xml_node_to_string(node));
}

static void
on_request(gpointer data, const char *bare, const char *message)
{
  Fixture *f = data;
  g_ptr_array_add(f->requests, g_strdup_printf("%s|%s", bare, message ? message : "(null)"));
}

static void
on_changed(gpointer data, const char *bare, XmppPresenceType type)
{
  Fixture *f = data;
  g_ptr_array_add(f->changes, g_strdup_printf("%s:%s", xmpp_presence_type_name(type), bare));
}

static void
setup(Fixture *f, gconstpointer data)
{
  f->fake = fake_host_new();
  f->sent = g_ptr_array_new_with_free_func(g_free);
  f->requests = g_ptr_array_new_with_free_func(g_free);
  f->changes = g_ptr_array_new_with_free_func(g_free);
  f->router = xmpp_router_new(&f->fake->host, capture_send, f);
  g_autoptr(XmppJid) me = xmpp_jid_parse("juliet@example.test/balcony", NULL);
  xmpp_router_set_own_jid(f->router, me);
  f->roster = xmpp_roster_new(f->router, &f->fake->host);
  f->presence = xmpp_presence_new(f->router, &f->fake->host, f->roster);
  XmppPresenceEvents ev = {.subscription_request = on_request, .subscription_changed = on_changed};
  xmpp_presence_set_events(f->presence, &ev, f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_presence_free(f->presence);
  xmpp_roster_free(f->roster);
  xmpp_router_free(f->router);
  g_ptr_array_free(f->sent, TRUE);
  g_ptr_array_free(f->requests, TRUE);
  g_ptr_array_free(f->changes, TRUE);
  fake_host_free(f->fake);
}

/* Puts one item in the roster. */
static void
roster_item(Fixture *f, const char *jid, XmppRosterSubscription sub, gboolean ask)
{
  g_autoptr(XmppJid) j = xmpp_jid_parse(jid, NULL);
  XmppRosterItem *item = xmpp_roster_item_new(j, NULL, NULL);
  item->subscription = sub;
  item->ask = ask;
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  g_ptr_array_add(items, item);
  xmpp_roster_set_cache(f->roster, "v1", items);
}

static void
feed(Fixture *f, const char *xml)
{
  xmpp_router_dispatch(f->router, test_parse_element(xml));
}

static const char *
sent(Fixture *f, guint i)
{
  g_assert_cmpuint(i, <, f->sent->len);
  return f->sent->pdata[i];
}

static void
test_request(Fixture *f, gconstpointer data)
{
  g_assert_true(xmpp_subscription_request(f->presence, "Romeo@Example.test/orchard", "hi"));
  /* §3.1.1: to the bare JID, normalised. */
  g_assert_cmpstr(sent(f, 0), ==,
                  "<presence to='romeo@example.test' type='subscribe'><status>hi</status>"
                  "</presence>");
  g_assert_true(xmpp_subscription_unsubscribe(f->presence, "romeo@example.test"));
  g_assert_cmpstr(sent(f, 1), ==, "<presence to='romeo@example.test' type='unsubscribe'/>");
  g_assert_true(xmpp_subscription_cancel(f->presence, "romeo@example.test"));
  g_assert_cmpstr(sent(f, 2), ==, "<presence to='romeo@example.test' type='unsubscribed'/>");
  /* Invalid JIDs send nothing. */
  g_assert_false(xmpp_subscription_request(f->presence, "@bad", NULL));
  g_assert_false(xmpp_subscription_cancel(f->presence, NULL));
  g_assert_false(xmpp_subscription_unsubscribe(f->presence, "a@b@c"));
  g_assert_cmpuint(f->sent->len, ==, 3);
}

static void
test_incoming_request(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test/orchard' type='subscribe'>"
          "<status>It is Romeo</status></presence>");
  g_assert_cmpuint(f->requests->len, ==, 1);
  g_assert_cmpstr(f->requests->pdata[0], ==, "romeo@example.test|It is Romeo");
  g_assert_true(xmpp_subscription_get_state(f->presence, "romeo@example.test").pending_in);
  g_assert_cmpuint(f->sent->len, ==, 0); /* nothing sent before the user answers */
  /* A repeated request does not ask the user twice. */
  feed(f, "<presence from='romeo@example.test' type='subscribe'/>");
  g_assert_cmpuint(f->requests->len, ==, 1);
  /* Withdrawn (§3.3.3): no longer pending; a new request asks again. */
  feed(f, "<presence from='romeo@example.test' type='unsubscribe'/>");
  g_assert_false(xmpp_subscription_get_state(f->presence, "romeo@example.test").pending_in);
  g_assert_cmpstr(f->changes->pdata[0], ==, "unsubscribe:romeo@example.test");
  feed(f, "<presence from='romeo@example.test' type='subscribe'/>");
  g_assert_cmpuint(f->requests->len, ==, 2);
  g_assert_cmpstr(f->requests->pdata[1], ==, "romeo@example.test|(null)");
}

static void
test_answer_accept_asks_back(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test' type='subscribe'/>");
  xmpp_subscription_answer(f->presence, "romeo@example.test", TRUE);
  g_assert_cmpuint(f->sent->len, ==, 2);
  g_assert_cmpstr(sent(f, 0), ==, "<presence to='romeo@example.test' type='subscribed'/>");
  g_assert_cmpstr(sent(f, 1), ==, "<presence to='romeo@example.test' type='subscribe'/>");
  XmppSubscriptionState st = xmpp_subscription_get_state(f->presence, "romeo@example.test");
  g_assert_false(st.pending_in);
  g_assert_true(st.approved);
}

static void
test_answer_accept_no_ask_when_subscribed(Fixture *f, gconstpointer data)
{
  roster_item(f, "romeo@example.test", XMPP_ROSTER_SUBSCRIPTION_TO, FALSE);
  g_assert_true(xmpp_subscription_get_state(f->presence, "romeo@example.test").to);
  feed(f, "<presence from='romeo@example.test' type='subscribe'/>");
  xmpp_subscription_answer(f->presence, "romeo@example.test", TRUE);
  g_assert_cmpuint(f->sent->len, ==, 1);
  g_assert_cmpstr(sent(f, 0), ==, "<presence to='romeo@example.test' type='subscribed'/>");
  /* Same when our own request is still pending (ask). */
  roster_item(f, "mercutio@example.test", XMPP_ROSTER_SUBSCRIPTION_NONE, TRUE);
  feed(f, "<presence from='mercutio@example.test' type='subscribe'/>");
  xmpp_subscription_answer(f->presence, "mercutio@example.test", TRUE);
  g_assert_cmpuint(f->sent->len, ==, 2);
}

static void
test_answer_deny(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test' type='subscribe'/>");
  xmpp_subscription_answer(f->presence, "romeo@example.test", FALSE);
  g_assert_cmpuint(f->sent->len, ==, 1);
  g_assert_cmpstr(sent(f, 0), ==, "<presence to='romeo@example.test' type='unsubscribed'/>");
  g_assert_false(xmpp_subscription_get_state(f->presence, "romeo@example.test").pending_in);
}

static void
test_already_from_auto_confirms(Fixture *f, gconstpointer data)
{
  roster_item(f, "romeo@example.test", XMPP_ROSTER_SUBSCRIPTION_FROM, FALSE);
  feed(f, "<presence from='romeo@example.test/x' type='subscribe'/>");
  g_assert_cmpuint(f->requests->len, ==, 0);
  g_assert_cmpuint(f->sent->len, ==, 1);
  g_assert_cmpstr(sent(f, 0), ==, "<presence to='romeo@example.test' type='subscribed'/>");
}

static void
test_pre_approval(Fixture *f, gconstpointer data)
{
  /* No request and no server support: refused, nothing sent. */
  g_assert_false(xmpp_subscription_approve(f->presence, "romeo@example.test"));
  g_assert_cmpuint(f->sent->len, ==, 0);
  /* Twin: the server supports pre-approval (§3.4). */
  xmpp_presence_set_pre_approval(f->presence, TRUE);
  g_assert_true(xmpp_subscription_approve(f->presence, "romeo@example.test"));
  g_assert_cmpstr(sent(f, 0), ==, "<presence to='romeo@example.test' type='subscribed'/>");
  /* Their later request is confirmed without asking the user. */
  feed(f, "<presence from='romeo@example.test' type='subscribe'/>");
  g_assert_cmpuint(f->requests->len, ==, 0);
  g_assert_cmpuint(f->sent->len, ==, 2);
  /* And with a pending request, approve works without pre-approval support. */
  xmpp_presence_set_pre_approval(f->presence, FALSE);
  feed(f, "<presence from='tybalt@example.test' type='subscribe'/>");
  g_assert_true(xmpp_subscription_approve(f->presence, "tybalt@example.test"));
  g_assert_cmpstr(sent(f, 2), ==, "<presence to='tybalt@example.test' type='subscribed'/>");
}

static void
test_changes_reported(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test' type='subscribed'/>");
  feed(f, "<presence from='romeo@example.test/r' type='unsubscribed'/>");
  g_assert_cmpuint(f->changes->len, ==, 2);
  g_assert_cmpstr(f->changes->pdata[0], ==, "subscribed:romeo@example.test");
  g_assert_cmpstr(f->changes->pdata[1], ==, "unsubscribed:romeo@example.test");
  g_assert_cmpuint(f->sent->len, ==, 0);
}

static void
test_own_account_ignored(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='Juliet@example.test/other' type='subscribe'/>");
  feed(f, "<presence type='subscribe'/>");
  g_assert_cmpuint(f->requests->len, ==, 0);
  g_assert_cmpuint(f->sent->len, ==, 0);
  /* Twin: someone else is asked about. */
  feed(f, "<presence from='nurse@example.test' type='subscribe'/>");
  g_assert_cmpuint(f->requests->len, ==, 1);
}

static void
test_T52_pending_capped(Fixture *f, gconstpointer data)
{
  for (int i = 0; i < XMPP_SUBSCRIPTION_MAX_PENDING + 20; i++) {
    g_autofree char *xml = g_strdup_printf("<presence from='s%d@spam.test' type='subscribe'/>", i);
    feed(f, xml);
  }
  g_assert_cmpuint(f->requests->len, ==, XMPP_SUBSCRIPTION_MAX_PENDING);
  /* Twin: answering one frees a slot. */
  xmpp_subscription_answer(f->presence, "s0@spam.test", FALSE);
  feed(f, "<presence from='friend@example.test' type='subscribe'/>");
  g_assert_cmpuint(f->requests->len, ==, XMPP_SUBSCRIPTION_MAX_PENDING + 1);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/subscription/send/request_cancel_unsubscribe", test_request);
  ADD("/subscription/incoming/request", test_incoming_request);
  ADD("/subscription/incoming/already_from_auto_confirms", test_already_from_auto_confirms);
  ADD("/subscription/incoming/changes_reported", test_changes_reported);
  ADD("/subscription/incoming/own_account_ignored", test_own_account_ignored);
  ADD("/subscription/incoming/T52_pending_capped", test_T52_pending_capped);
  ADD("/subscription/answer/accept_asks_back", test_answer_accept_asks_back);
  ADD("/subscription/answer/accept_no_ask_when_subscribed",
      test_answer_accept_no_ask_when_subscribed);
  ADD("/subscription/answer/deny", test_answer_deny);
  ADD("/subscription/approve/pre_approval", test_pre_approval);
  return g_test_run();
}
