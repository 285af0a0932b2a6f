/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of blocking (XEP-0191) and attention (XEP-0224) in a signed-in session:
 * discovery, list fetch, pushes from our server and a spoofed one (T34), block/unblock requests,
 * and a buzz going through the message pipeline. */
#include <string.h>

#include "router/namespaces.h"
#include "script-server.h"
#include "services/attention.h"
#include "services/blocking.h"

typedef struct {
  ScriptServer *s;
  GString *log;
} Fixture;

static void
ev_supported(gpointer data, gboolean supported)
{
  g_string_append_printf(((Fixture *)data)->log, "supported:%d ", supported);
}

static void
ev_list(gpointer data, const GPtrArray *jids)
{
  g_string_append_printf(((Fixture *)data)->log, "list:%u ", jids->len);
}

static void
ev_blocked(gpointer data, const char *jid)
{
  g_string_append_printf(((Fixture *)data)->log, "blocked:%s ", jid);
}

static void
ev_unblocked(gpointer data, const char *jid)
{
  g_string_append_printf(((Fixture *)data)->log, "unblocked:%s ", jid);
}

static const XmppBlockingEvents blocking_events = {
    .supported = ev_supported,
    .list = ev_list,
    .blocked = ev_blocked,
    .unblocked = ev_unblocked,
};

static void
ev_attention(gpointer data, const XmppJid *from)
{
  g_string_append_printf(((Fixture *)data)->log, "attention:%s ", xmpp_jid_get_full(from));
}

static const XmppExtrasEvents extras_events = {.attention = ev_attention};

static void
setup(Fixture *f, gconstpointer unused)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  f->s = script_new(&config);
  script_login_plain(f->s);
  f->log = g_string_new(NULL);
  xmpp_blocking_set_events(xmpp_session_get_blocking(f->s->session), &blocking_events, f);
  xmpp_extras_set_events(xmpp_session_get_extras(f->s->session), &extras_events, f);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  script_free(f->s);
  g_string_free(f->log, TRUE);
}

/* Discovery of our server (offering XEP-0191 or not), then the list when it does. */
static void
start(Fixture *f, gboolean offered, const char *items)
{
  xmpp_blocking_start(xmpp_session_get_blocking(f->s->session));
  g_autoptr(XmppNode) disco = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(disco, "to"), ==, "example.test");
  g_assert_nonnull(xmpp_node_get_child(disco, "http://jabber.org/protocol/disco#info", "query"));
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' from='example.test' id='%s'><query "
      "xmlns='http://jabber.org/protocol/disco#info'><identity category='server' type='im'/>"
      "%s</query></iq>",
      xmpp_node_get_attr(disco, "id"), offered ? "<feature var='urn:xmpp:blocking'/>" : "");
  script_send(f->s, reply);
  if (!offered) {
    script_expect_nothing(f->s);
    return;
  }
  g_autoptr(XmppNode) get = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_nonnull(xmpp_node_get_child(get, XMPP_NS_BLOCKING, "blocklist"));
  g_autofree char *list = g_strdup_printf(
      "<iq type='result' id='%s'><blocklist xmlns='urn:xmpp:blocking'>%s</blocklist></iq>",
      xmpp_node_get_attr(get, "id"), items);
  script_send(f->s, list);
}

static void
test_fetch(Fixture *f, gconstpointer unused)
{
  start(f, TRUE, "<item jid='romeo@example.net'/><item jid='iago@example.net'/>");
  g_assert_cmpstr(f->log->str, ==, "supported:1 list:2 ");
  XmppBlocking *blocking = xmpp_session_get_blocking(f->s->session);
  g_assert_true(xmpp_blocking_is_blocked(blocking, "iago@example.net"));
}

static void
test_not_offered(Fixture *f, gconstpointer unused)
{
  start(f, FALSE, NULL);
  g_assert_cmpstr(f->log->str, ==, "supported:0 ");
  g_assert_false(xmpp_blocking_block(xmpp_session_get_blocking(f->s->session), "a@b.test"));
  script_expect_nothing(f->s);
}

/* T34 for XEP-0191 pushes: a third party cannot unblock or block for us. */
static void
test_spoofed_push(Fixture *f, gconstpointer unused)
{
  start(f, TRUE, "<item jid='romeo@example.net'/>");
  g_string_truncate(f->log, 0);
  script_send(f->s, "<iq type='set' from='romeo@example.net/orchard' id='s1'><unblock "
                    "xmlns='urn:xmpp:blocking'><item jid='romeo@example.net'/></unblock></iq>");
  g_autoptr(XmppNode) reply = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "error");
  g_assert_cmpstr(f->log->str, ==, "");
  g_assert_true(
      xmpp_blocking_is_blocked(xmpp_session_get_blocking(f->s->session), "romeo@example.net"));
}

/* Positive twin: the same push from our server is applied and acknowledged. */
static void
test_own_push(Fixture *f, gconstpointer unused)
{
  start(f, TRUE, "<item jid='romeo@example.net'/>");
  g_string_truncate(f->log, 0);
  script_send(f->s, "<iq type='set' id='s1'><unblock xmlns='urn:xmpp:blocking'><item "
                    "jid='romeo@example.net'/></unblock></iq>");
  g_autoptr(XmppNode) reply = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, "s1");
  g_assert_cmpstr(f->log->str, ==, "unblocked:romeo@example.net ");
}

static void
test_block_request(Fixture *f, gconstpointer unused)
{
  start(f, TRUE, "");
  XmppBlocking *blocking = xmpp_session_get_blocking(f->s->session);
  g_assert_true(xmpp_blocking_block(blocking, "iago@example.net"));
  g_autoptr(XmppNode) set = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(set, "type"), ==, "set");
  XmppNode *block = xmpp_node_get_child(set, XMPP_NS_BLOCKING, "block");
  g_assert_nonnull(block);
  g_assert_cmpstr(xmpp_node_get_attr(xmpp_node_first_element(block), "jid"), ==,
                  "iago@example.net");
  /* §3.3: the server answers, then pushes the change to every resource (us included). */
  g_autofree char *result =
      g_strdup_printf("<iq type='result' id='%s'/>", xmpp_node_get_attr(set, "id"));
  script_send(f->s, result);
  g_assert_false(xmpp_blocking_is_blocked(blocking, "iago@example.net"));
  script_send(f->s, "<iq type='set' id='push1'><block xmlns='urn:xmpp:blocking'><item "
                    "jid='iago@example.net'/></block></iq>");
  g_autoptr(XmppNode) ack = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(ack, "type"), ==, "result");
  g_assert_true(xmpp_blocking_is_blocked(blocking, "iago@example.net"));
}

/* A buzz without a body passes the message module and reaches attention. */
static void
test_attention(Fixture *f, gconstpointer unused)
{
  script_send(f->s, "<message from='romeo@example.net/orchard' type='headline'><attention "
                    "xmlns='urn:xmpp:attention:0'/></message>");
  g_assert_cmpstr(f->log->str, ==, "attention:romeo@example.net/orchard ");
  g_assert_true(
      xmpp_extras_send_attention(xmpp_session_get_extras(f->s->session), "romeo@example.net"));
  g_autoptr(XmppNode) buzz = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  g_assert_cmpstr(xmpp_node_get_attr(buzz, "type"), ==, "headline");
  g_assert_nonnull(xmpp_node_get_child(buzz, XMPP_NS_ATTENTION, "attention"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/session/privacy/fetch", Fixture, NULL, setup, test_fetch, teardown);
  g_test_add("/session/privacy/not_offered", Fixture, NULL, setup, test_not_offered, teardown);
  g_test_add("/session/privacy/T34_spoofed_push_ignored", Fixture, NULL, setup, test_spoofed_push,
             teardown);
  g_test_add("/session/privacy/T34_own_push_applied", Fixture, NULL, setup, test_own_push,
             teardown);
  g_test_add("/session/privacy/block_request", Fixture, NULL, setup, test_block_request, teardown);
  g_test_add("/session/privacy/attention", Fixture, NULL, setup, test_attention, teardown);
  return g_test_run();
}
