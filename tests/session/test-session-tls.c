/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of STARTTLS and Direct TLS logins against an in-process GnuTLS server. */
#include "router/namespaces.h"
#include "sasl/sasl.h"
#include "script-server.h"
#include "test-certs.h"

#define FEATURES_STARTTLS                                                                          \
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"      \
  "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"              \
  "</mechanisms></stream:features>"
#define FEATURES_SASL                                                                              \
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"                         \
  "<mechanism>PLAIN</mechanism></mechanisms></stream:features>"
#define FEATURES_BIND                                                                              \
  "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"

typedef struct {
  TestPki *pki;
  char *cert, *key;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->pki = test_pki_new(&error);
  g_assert_no_error(error);
  TestCertKind kind = GPOINTER_TO_INT(data);
  test_pki_issue(f->pki, kind, SCRIPT_DOMAIN, &f->cert, &f->key, &error);
  g_assert_no_error(error);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  g_free(f->cert);
  g_free(f->key);
  test_pki_free(f->pki);
}

static XmppSessionConfig
tls_config(Fixture *f)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_REQUIRE,
      .ca_file = test_pki_get_ca_file(f->pki),
      .no_system_trust = TRUE,
  };
  return config;
}

/* From the first features to READY over TLS, with PLAIN inside TLS. */
static void
finish_login_after_tls(ScriptServer *s)
{
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_SASL);
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_BIND);
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/r</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, reply);
}

static void
starttls_until_handshake(ScriptServer *s, Fixture *f, const char *priority)
{
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_STARTTLS);
  g_autoptr(XmppNode) starttls = script_expect(s, XMPP_NS_TLS, "starttls");
  script_start_tls(s, f->cert, f->key, priority);
  script_send(s, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
}

static void
test_starttls_login(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  starttls_until_handshake(s, f, NULL);
  g_assert_true(test_tls_peer_is_established(s->tls));
  finish_login_after_tls(s);
  g_assert_true(xmpp_session_is_ready(s->session));
  g_assert_cmpstr(xmpp_session_get_tls_description(s->session), ==, "TLS 1.3");
  /* T23: SNI is the JID's domain. */
  g_autofree char *sni = test_tls_peer_dup_sni(s->tls);
  g_assert_cmpstr(sni, ==, SCRIPT_DOMAIN);
  /* RFC 6120 §4.7.1: 'from' only on the encrypted stream. */
  const char *second = strstr(s->seen->str + 1, "<?xml");
  g_assert_nonnull(second);
  g_assert_nonnull(strstr(second, "from='juliet@example.test'"));
  g_assert_null(g_strstr_len(s->seen->str, second - s->seen->str, "from="));
  g_assert_cmpstr(
      s->events->str, ==,
      "progress:0 progress:1 progress:2 progress:3 progress:4 ready:juliet@example.test/r ");
  script_free(s);
}

static void
test_starttls_login_tls12(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  starttls_until_handshake(s, f, "NORMAL:-VERS-ALL:+VERS-TLS1.2");
  finish_login_after_tls(s);
  g_assert_true(xmpp_session_is_ready(s->session));
  g_assert_cmpstr(xmpp_session_get_tls_description(s->session), ==, "TLS 1.2");
  script_free(s);
}

static void
test_direct_tls_login(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  config.tls_policy = XMPP_TLS_POLICY_DIRECT;
  ScriptServer *s = script_new(&config);
  g_autoptr(GError) error = NULL;
  s->tls = test_tls_peer_new(f->cert, f->key, NULL, &error);
  g_assert_no_error(error);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_DIRECT_TLS);
  script_pump(s);
  g_assert_true(test_tls_peer_is_established(s->tls));
  finish_login_after_tls(s);
  g_assert_true(xmpp_session_is_ready(s->session));
  /* No plaintext byte ever went out: the first thing the server saw is our header, over TLS. */
  g_assert_true(g_str_has_prefix(s->seen->str, "<?xml"));
  script_free(s);
}

/* Direct TLS only: a plain TCP transport is refused before anything is sent. */
static void
test_direct_policy_refuses_tcp(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  config.tls_policy = XMPP_TLS_POLICY_DIRECT;
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_ENCRYPTION);
  script_free(s);
}

/* T13: STARTTLS stripped: no auth byte leaves; the twin with opportunistic policy goes on. */
static void
test_T13_starttls_stripped(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_SASL);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_ENCRYPTION);
  g_assert_false(script_output_contains(s, "<auth"));
  g_assert_false(script_output_contains(s, "r0m30"));
  script_free(s);

  /* Twin: opportunistic, but PLAIN in the clear not allowed: still no credentials... */
  config.tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC;
  s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_SASL);
  g_assert_error(s->closed_error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
  g_assert_false(script_output_contains(s, "<auth"));
  script_free(s);

  /* ...and with the explicit opt-in, the login goes on. */
  config.allow_plain_in_clear = TRUE;
  s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_SASL);
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  g_assert_false(s->closed);
  script_free(s);
}

/* T14: <failure/> to STARTTLS: abort, never fall back to plaintext. */
static void
test_T14_starttls_failure(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  config.tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC;
  config.allow_plain_in_clear = TRUE;
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_STARTTLS);
  g_autoptr(XmppNode) starttls = script_expect(s, XMPP_NS_TLS, "starttls");
  script_send(s, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_ENCRYPTION);
  g_assert_false(script_output_contains(s, "<auth"));
  script_free(s);
}

/* T15: features injected after <proceed/> in the same segment are discarded. */
static void
test_T15_plaintext_injection(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_STARTTLS);
  g_autoptr(XmppNode) starttls = script_expect(s, XMPP_NS_TLS, "starttls");
  /* The injected features would make a naive client authenticate with PLAIN at once. */
  g_autoptr(GError) error = NULL;
  s->tls = test_tls_peer_new(f->cert, f->key, NULL, &error);
  g_assert_no_error(error);
  const char *injected = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" FEATURES_SASL;
  xmpp_session_feed(s->session, (const guint8 *)injected, strlen(injected));
  script_pump(s);
  g_assert_true(test_tls_peer_is_established(s->tls));
  /* After the handshake the client opened a fresh stream and waits for fresh features. */
  script_expect_header(s);
  script_expect_nothing(s);
  g_assert_false(script_output_contains(s, "<auth"));
  g_assert_false(s->closed);
  /* Positive twin: the real features over TLS lead to authentication. */
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_SASL);
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_free(s);
}

/* T17/T19: an untrusted certificate is shown to the user; rejecting closes with a certificate
 * error and no credentials; accepting goes on. */
static void
test_untrusted_certificate_rejected(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  s->cert_answer = 0;
  starttls_until_handshake(s, f, NULL);
  g_assert_true(s->closed);
  g_assert_error(s->closed_error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE);
  g_assert_nonnull(strstr(s->events->str, "cert:"));
  g_assert_true(xmpp_session_get_cert_problems(s->session) != 0);
  g_assert_false(script_output_contains(s, "<auth"));
  script_free(s);
}

static void
test_untrusted_certificate_accepted(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  s->cert_answer = 1;
  starttls_until_handshake(s, f, NULL);
  finish_login_after_tls(s);
  g_assert_true(xmpp_session_is_ready(s->session));
  script_free(s);
}

/* The decision may come later (a dialog): nothing is sent meanwhile. */
static void
test_certificate_decision_later(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  starttls_until_handshake(s, f, NULL);
  g_assert_false(s->closed);
  g_assert_cmpuint(s->headers, ==, 1);
  xmpp_session_certificate_decision(s->session, TRUE);
  finish_login_after_tls(s);
  g_assert_true(xmpp_session_is_ready(s->session));
  script_free(s);
}

/* The user may take longer than a sign-in step's deadline to decide; the deadline starts
 * again with the decision. */
static void
test_certificate_decision_has_no_deadline(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  starttls_until_handshake(s, f, NULL);
  fake_host_advance(s->fake, 5 * XMPP_NEGOTIATION_STEP_TIMEOUT_S * 1000);
  g_assert_false(s->closed);
  xmpp_session_certificate_decision(s->session, TRUE);
  fake_host_advance(s->fake, XMPP_NEGOTIATION_STEP_TIMEOUT_S * 1000);
  g_assert_true(s->closed); /* the server never sent its header after the decision */
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NEGOTIATION_TIMEOUT);
  script_free(s);
}

/* T18: see-other-host keeps the JID's domain as the TLS identity. After the redirect, a server
 * with a certificate valid only for its own name is not trusted. */
static void
test_T18_redirect_keeps_identity(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = tls_config(f);
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:error><see-other-host "
              "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>xmpp.evil.test:5222</see-other-host>"
              "</stream:error>");
  g_assert_cmpstr(s->redirect_host, ==, "xmpp.evil.test");
  g_assert_false(s->closed);
  /* The glue connects the new transport; the evil host has a valid cert for its own name. */
  g_autofree char *evil_cert = NULL, *evil_key = NULL;
  g_autoptr(GError) error = NULL;
  test_pki_issue(f->pki, TEST_CERT_GOOD, "xmpp.evil.test", &evil_cert, &evil_key, &error);
  g_assert_no_error(error);
  s->cert_answer = 0;
  s->headers_checked = s->headers = 0;
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_STARTTLS);
  g_autoptr(XmppNode) starttls = script_expect(s, XMPP_NS_TLS, "starttls");
  script_start_tls(s, evil_cert, evil_key, NULL);
  script_send(s, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  g_autofree char *sni = test_tls_peer_dup_sni(s->tls);
  g_assert_cmpstr(sni, ==, SCRIPT_DOMAIN);
  g_assert_error(s->closed_error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE);
  g_assert_true(xmpp_session_get_cert_problems(s->session) & XMPP_CERT_HOSTNAME_MISMATCH);
  script_free(s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, kind, fn)                                                                        \
  g_test_add(path, Fixture, GINT_TO_POINTER(kind), fixture_setup, fn, fixture_teardown)
  ADD("/session/tls/starttls-login", TEST_CERT_GOOD, test_starttls_login);
  ADD("/session/tls/starttls-login-tls12", TEST_CERT_GOOD, test_starttls_login_tls12);
  ADD("/session/tls/direct-tls-login", TEST_CERT_GOOD, test_direct_tls_login);
  ADD("/session/tls/direct-policy-refuses-tcp", TEST_CERT_GOOD, test_direct_policy_refuses_tcp);
  ADD("/session/tls/T13_starttls_stripped", TEST_CERT_GOOD, test_T13_starttls_stripped);
  ADD("/session/tls/T14_starttls_failure", TEST_CERT_GOOD, test_T14_starttls_failure);
  ADD("/session/tls/T15_plaintext_injection", TEST_CERT_GOOD, test_T15_plaintext_injection);
  ADD("/session/tls/T17_wrong_name_rejected", TEST_CERT_WRONG_NAME,
      test_untrusted_certificate_rejected);
  ADD("/session/tls/T19_self_signed_rejected", TEST_CERT_SELF_SIGNED,
      test_untrusted_certificate_rejected);
  ADD("/session/tls/T19_self_signed_accepted_by_user", TEST_CERT_SELF_SIGNED,
      test_untrusted_certificate_accepted);
  ADD("/session/tls/certificate-decision-later", TEST_CERT_EXPIRED,
      test_certificate_decision_later);
  ADD("/session/tls/certificate-decision-has-no-deadline", TEST_CERT_EXPIRED,
      test_certificate_decision_has_no_deadline);
  ADD("/session/tls/T18_redirect_keeps_identity", TEST_CERT_GOOD, test_T18_redirect_keeps_identity);
  return g_test_run();
}
