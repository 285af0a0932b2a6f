/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of liveness: XEP-0199 keepalive and answering the server's pings. */
#include "ping.h"
#include "router/namespaces.h"
#include "script-server.h"

static ScriptServer *
ready_session(void)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  return s;
}

static void
test_answers_server_ping(void)
{
  ScriptServer *s = ready_session();
  script_send(s, "<iq type='get' id='p1' from='example.test'><ping xmlns='urn:xmpp:ping'/></iq>");
  g_autoptr(XmppNode) reply = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, "p1");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "to"), ==, "example.test");
  script_free(s);
}

/* No keepalive while data flows. */
static void
test_no_ping_while_busy(void)
{
  ScriptServer *s = ready_session();
  for (int i = 0; i < 20; i++) {
    fake_host_advance(s->fake, 10 * 1000);
    script_send(s, "<presence from='romeo@example.test/o'/>");
  }
  script_expect_nothing(s);
  g_assert_false(s->closed);
  script_free(s);
}

/* A silent but alive server: the ping is answered and nothing fails. */
static void
test_ping_answered(void)
{
  ScriptServer *s = ready_session();
  fake_host_advance(s->fake, (XMPP_PING_INTERVAL_S + XMPP_PING_CHECK_S) * 1000);
  g_autoptr(XmppNode) ping = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_nonnull(xmpp_node_get_child(ping, XMPP_NS_PING, "ping"));
  g_autofree char *pong = g_strdup_printf("<iq type='result' id='%s' from='example.test'/>",
                                          xmpp_node_get_attr(ping, "id"));
  script_send(s, pong);
  fake_host_advance(s->fake, XMPP_PING_TIMEOUT_S * 1000);
  g_assert_false(s->closed);
  script_free(s);
}

/* A dead link (no byte back) is noticed within 90 seconds of the last byte received. */
static void
test_dead_link_noticed(void)
{
  ScriptServer *s = ready_session();
  guint elapsed_s = 0;
  while (!s->closed && elapsed_s < 300) {
    fake_host_advance(s->fake, 1000);
    elapsed_s++;
    script_pump(s); /* the client's ping goes nowhere: the server never answers */
  }
  g_assert_true(s->closed);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PING_TIMEOUT);
  g_assert_cmpuint(elapsed_s, <=, 90);
  g_test_message("dead link noticed after %u s of silence", elapsed_s);
  /* Closing the session cancelled every timer it had. */
  g_assert_cmpuint(fake_host_n_timers(s->fake), ==, 0);
  script_free(s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/liveness/answers-server-ping", test_answers_server_ping);
  g_test_add_func("/session/liveness/no-ping-while-busy", test_no_ping_while_busy);
  g_test_add_func("/session/liveness/ping-answered", test_ping_answered);
  g_test_add_func("/session/liveness/dead-link-noticed", test_dead_link_noticed);
  return g_test_run();
}
