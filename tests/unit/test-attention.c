/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of XmppExtras: XEP-0224 attention (build, accept, stale and error ones ignored) and the
 * PEP notifications of XEP-0107 mood, XEP-0172 nickname and XEP-0118 tune. */
#include <string.h>

#include "parse-helper.h"
#include "router-fixture.h"
#include "services/attention.h"

typedef struct {
  TestRouter *t;
  XmppExtras *extras;
  GString *events;
} Fixture;

static void
ev_attention(gpointer data, const XmppJid *from)
{
  g_string_append_printf(((Fixture *)data)->events, "attention:%s ", xmpp_jid_get_full(from));
}

static void
ev_mood(gpointer data, const char *bare, const XmppMood *mood)
{
  g_string_append_printf(((Fixture *)data)->events, "mood:%s:%s:%s ", bare,
                         mood->name ? mood->name : "-", mood->text ? mood->text : "-");
}

static void
ev_nick(gpointer data, const char *bare, const char *nick)
{
  g_string_append_printf(((Fixture *)data)->events, "nick:%s:%s ", bare, nick ? nick : "-");
}

static void
ev_tune(gpointer data, const char *bare, const XmppTune *tune)
{
  g_string_append_printf(((Fixture *)data)->events, "tune:%s:%s ", bare, tune ? tune->title : "-");
}

static const XmppExtrasEvents events = {
    .attention = ev_attention,
    .mood = ev_mood,
    .nick = ev_nick,
    .tune = ev_tune,
};

static void
setup(Fixture *f, gconstpointer data)
{
  f->t = test_router_new("juliet@example.test/balcony");
  f->events = g_string_new(NULL);
  f->extras = xmpp_extras_new(f->t->router, &f->t->fake->host, NULL, NULL);
  xmpp_extras_set_events(f->extras, &events, f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_extras_free(f->extras);
  test_router_free(f->t);
  g_string_free(f->events, TRUE);
}

static void
test_build(void)
{
  g_autoptr(XmppNode) message = xmpp_attention_build("romeo@example.net");
  g_autoptr(XmppNode) expected =
      test_parse_element("<message to='romeo@example.net' type='headline'><attention "
                         "xmlns='urn:xmpp:attention:0'/></message>");
  g_assert_true(xmpp_node_equal(message, expected));
  g_assert_true(xmpp_attention_is_request(message));
}

static void
test_is_request(void)
{
  g_autoptr(XmppNode) plain =
      test_parse_element("<message from='romeo@example.net/a'><body>hi</body></message>");
  g_assert_false(xmpp_attention_is_request(plain));
  g_autoptr(XmppNode) error =
      test_parse_element("<message type='error' from='romeo@example.net/a'><attention "
                         "xmlns='urn:xmpp:attention:0'/></message>");
  g_assert_false(xmpp_attention_is_request(error));
  g_autoptr(XmppNode) delayed = test_parse_element(
      "<message from='romeo@example.net/a'><attention xmlns='urn:xmpp:attention:0'/><delay "
      "xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>");
  g_assert_false(xmpp_attention_is_request(delayed));
  g_assert_false(xmpp_attention_is_request(NULL));
}

static void
test_receive(Fixture *f, gconstpointer data)
{
  test_router_dispatch(f->t, "<message from='romeo@example.net/orchard' type='headline'><attention "
                             "xmlns='urn:xmpp:attention:0'/></message>");
  g_assert_cmpstr(f->events->str, ==, "attention:romeo@example.net/orchard ");
  g_string_truncate(f->events, 0);
  /* Stale, errors and invalid senders do not buzz. */
  test_router_dispatch(
      f->t, "<message from='romeo@example.net/orchard'><attention xmlns='urn:xmpp:attention:0'/>"
            "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>");
  test_router_dispatch(f->t, "<message from='romeo@example.net/orchard' type='error'><attention "
                             "xmlns='urn:xmpp:attention:0'/></message>");
  test_router_dispatch(f->t,
                       "<message from='@@bad'><attention xmlns='urn:xmpp:attention:0'/></message>");
  g_assert_cmpstr(f->events->str, ==, "");
}

static void
test_send(Fixture *f, gconstpointer data)
{
  g_assert_true(xmpp_extras_send_attention(f->extras, "Romeo@Example.NET"));
  g_assert_cmpuint(f->t->sent->len, ==, 1);
  XmppNode *m = f->t->sent->pdata[0];
  g_assert_cmpstr(xmpp_node_get_attr(m, "to"), ==, "romeo@example.net");
  g_assert_nonnull(xmpp_node_get_child(m, XMPP_NS_ATTENTION, "attention"));
  g_assert_false(xmpp_extras_send_attention(f->extras, "a@@b"));
  g_assert_cmpuint(f->t->sent->len, ==, 1);
}

static void
pep(Fixture *f, const char *from, const char *node, const char *xml)
{
  g_autoptr(XmppNode) items = test_parse_element(xml);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(from, NULL);
  xmpp_extras_handle_pep(f->extras, jid, node, items);
}

#define EV_ITEMS(node, body)                                                                       \
  "<items xmlns='http://jabber.org/protocol/pubsub#event' node='" node "'>" body "</items>"

static void
test_pep(Fixture *f, gconstpointer data)
{
  pep(f, "romeo@example.net/orchard", XMPP_NS_MOOD,
      EV_ITEMS("http://jabber.org/protocol/mood",
               "<item id='current'><mood xmlns='http://jabber.org/protocol/mood'><happy/>"
               "<text>yay</text></mood></item>"));
  pep(f, "romeo@example.net", XMPP_NS_MOOD,
      EV_ITEMS("http://jabber.org/protocol/mood",
               "<item id='current'><mood xmlns='http://jabber.org/protocol/mood'/></item>"));
  pep(f, "romeo@example.net", XMPP_NS_NICK,
      EV_ITEMS("http://jabber.org/protocol/nick",
               "<item id='current'><nick xmlns='http://jabber.org/protocol/nick'>Romeo M.</nick>"
               "</item>"));
  pep(f, "romeo@example.net", XMPP_NS_TUNE,
      EV_ITEMS("http://jabber.org/protocol/tune",
               "<item id='current'><tune xmlns='http://jabber.org/protocol/tune'><title>Song"
               "</title></tune></item>"));
  pep(f, "romeo@example.net", XMPP_NS_TUNE,
      EV_ITEMS("http://jabber.org/protocol/tune",
               "<item id='current'><tune xmlns='http://jabber.org/protocol/tune'/></item>"));
  pep(f, "romeo@example.net", XMPP_NS_NICK,
      EV_ITEMS("http://jabber.org/protocol/nick", "<retract id='current'/>"));
  g_assert_cmpstr(f->events->str, ==,
                  "mood:romeo@example.net:happy:yay mood:romeo@example.net:-:- "
                  "nick:romeo@example.net:Romeo M. tune:romeo@example.net:Song "
                  "tune:romeo@example.net:- nick:romeo@example.net:- ");
  g_string_truncate(f->events, 0);
  /* Notifications without a usable item, or for other nodes, say nothing. */
  pep(f, "romeo@example.net", XMPP_NS_MOOD,
      EV_ITEMS("http://jabber.org/protocol/mood",
               "<item id='x'><tune "
               "xmlns='http://jabber.org/protocol/tune'/></item>"));
  pep(f, "romeo@example.net", "urn:xmpp:other", EV_ITEMS("urn:xmpp:other", "<item/>"));
  g_assert_cmpstr(f->events->str, ==, "");
}

static void
test_publish(Fixture *f, gconstpointer data)
{
  /* Without a PEP service (NULL) publishing is a no-op, but the value is still checked. */
  g_assert_false(xmpp_extras_publish_mood(f->extras, "gloomy", NULL));
  g_assert_true(xmpp_extras_publish_mood(f->extras, "happy", "sunny"));
  g_assert_true(xmpp_extras_publish_mood(f->extras, NULL, NULL));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/attention/build", test_build);
  g_test_add_func("/attention/is_request", test_is_request);
  g_test_add("/attention/receive", Fixture, NULL, setup, test_receive, teardown);
  g_test_add("/attention/send", Fixture, NULL, setup, test_send, teardown);
  g_test_add("/attention/pep_events", Fixture, NULL, setup, test_pep, teardown);
  g_test_add("/attention/publish", Fixture, NULL, setup, test_publish, teardown);
  return g_test_run();
}
