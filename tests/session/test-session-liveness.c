/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of liveness: XEP-0199 keepalive, answering the server's pings, and the
 * deadline of every sign-in step (a server that accepts and then says nothing). */
#include "services/ping.h"
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
  fake_host_advance(s->fake, XMPP_PING_INTERVAL_S * 1000);
  g_autoptr(XmppNode) ping = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_nonnull(xmpp_node_get_child(ping, XMPP_NS_PING, "ping"));
  g_autofree char *pong = g_strdup_printf("<iq type='result' id='%s' from='example.test'/>",
                                          xmpp_node_get_attr(ping, "id"));
  script_send(s, pong);
  fake_host_advance(s->fake, XMPP_PING_TIMEOUT_S * 1000);
  g_assert_false(s->closed);
  script_free(s);
}

/* A dead link (no byte back) is noticed within 45 seconds of the last byte received (issue:
 * prpl-jabber takes 150-180 s). */
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
  g_assert_cmpuint(elapsed_s, <=, 45);
  g_test_message("dead link noticed after %u s of silence", elapsed_s);
  /* Closing the session cancelled every timer it had. */
  g_assert_cmpuint(fake_host_n_timers(s->fake), ==, 0);
  script_free(s);
}

static ScriptServer *
plain_session(void)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  return script_new(&config);
}

static void
check_timed_out(ScriptServer *s, const char *step)
{
  g_assert_true(s->closed);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NEGOTIATION_TIMEOUT);
  g_assert_nonnull(strstr(s->closed_error->message, step));
}

/* The server accepts the connection and says nothing: noticed after 30 s, not before. */
static void
test_silent_server(void)
{
  ScriptServer *s = plain_session();
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  fake_host_advance(s->fake, (XMPP_NEGOTIATION_STEP_TIMEOUT_S - 1) * 1000);
  g_assert_false(s->closed);
  fake_host_advance(s->fake, 1000);
  check_timed_out(s, "stream header");
  script_free(s);
}

/* A server that stops in the middle of authentication. */
static void
test_stalls_while_authenticating(void)
{
  ScriptServer *s = plain_session();
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  fake_host_advance(s->fake, XMPP_NEGOTIATION_STEP_TIMEOUT_S * 1000);
  check_timed_out(s, "authenticating");
  script_free(s);
}

/* Twin: each answer starts the next step's deadline. A slow server that answers every step
 * within it signs in, however long the whole takes; once signed in there is no deadline. */
static void
test_slow_but_answering_server(void)
{
  ScriptServer *s = plain_session();
  const guint slow = (XMPP_NEGOTIATION_STEP_TIMEOUT_S - 5) * 1000;
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  fake_host_advance(s->fake, slow);
  script_send(s, SCRIPT_STREAM_HEADER);
  fake_host_advance(s->fake, slow);
  script_send(s, "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                 "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  fake_host_advance(s->fake, slow);
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_expect_header(s);
  fake_host_advance(s->fake, slow);
  script_send(s,
              SCRIPT_STREAM_HEADER "<stream:features><bind "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  fake_host_advance(s->fake, slow);
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/balcony</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, reply);
  g_assert_true(xmpp_session_is_ready(s->session));
  fake_host_advance(s->fake, 2 * XMPP_NEGOTIATION_STEP_TIMEOUT_S * 1000 / 3);
  g_assert_false(s->closed);
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
  g_test_add_func("/session/liveness/silent-server", test_silent_server);
  g_test_add_func("/session/liveness/stalls-while-authenticating",
                  test_stalls_while_authenticating);
  g_test_add_func("/session/liveness/slow-but-answering-server", test_slow_but_answering_server);
  return g_test_run();
}
