/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of stream negotiation without TLS: SASL, binding, session, legacy auth. */
#include "router/namespaces.h"
#include "sasl/sasl.h"
#include "script-server.h"

static XmppSessionConfig
plain_config(void)
{
  XmppSessionConfig config = {
      .jid = "Juliet@Example.TEST",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  return config;
}

static void
test_plain_login(void)
{
  XmppSessionConfig config = plain_config();
  config.resource = "balcony";
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  g_assert_true(strstr(s->seen->str, "to='example.test'") != NULL);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  g_assert_cmpstr(xmpp_node_get_attr(auth, "mechanism"), ==, "PLAIN");
  g_autofree char *b64 = xmpp_node_dup_text(auth);
  gsize len;
  g_autofree guchar *raw = g_base64_decode(b64, &len);
  g_assert_cmpmem(raw, len, "\0juliet\0r0m30", 13);
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_expect_header(s);
  script_send(s,
              SCRIPT_STREAM_HEADER "<stream:features><bind "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  g_autoptr(XmppNode) iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  XmppNode *bind = xmpp_node_get_child(iq, XMPP_NS_BIND, "bind");
  g_assert_nonnull(bind);
  g_autofree char *resource = xmpp_node_dup_child_text(bind, XMPP_NS_BIND, "resource");
  g_assert_cmpstr(resource, ==, "balcony");
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/balcony</jid></bind></iq>",
                      xmpp_node_get_attr(iq, "id"));
  script_send(s, reply);
  g_assert_true(xmpp_session_is_ready(s->session));
  g_assert_cmpstr(s->events->str, ==,
                  "progress:0 progress:2 progress:3 progress:4 ready:juliet@example.test/balcony ");
  g_assert_cmpstr(xmpp_jid_get_full(xmpp_session_get_bound_jid(s->session)), ==,
                  "juliet@example.test/balcony");
  g_assert_cmpstr(xmpp_session_get_sasl_mechanism(s->session), ==, "PLAIN");
  script_free(s);
}

static void
test_server_picks_resource(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  g_assert_true(strstr(s->seen->str, "<resource") == NULL);
  script_free(s);
}

static void
test_session_establishment(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
              "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>");
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *r1 =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/x</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, r1);
  g_assert_false(xmpp_session_is_ready(s->session));
  g_autoptr(XmppNode) sess = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_nonnull(xmpp_node_get_child(sess, XMPP_NS_SESSION, "session"));
  g_autofree char *r2 =
      g_strdup_printf("<iq type='result' id='%s'/>", xmpp_node_get_attr(sess, "id"));
  script_send(s, r2);
  g_assert_true(xmpp_session_is_ready(s->session));
  script_free(s);
}

static void
test_optional_session_skipped(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
              "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
              "</stream:features>");
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *r1 =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/x</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, r1);
  g_assert_true(xmpp_session_is_ready(s->session));
  script_answer_discovery(s, NULL); /* and no session IQ */
  script_expect_nothing(s);
  script_free(s);
}

static void
test_sasl_failure(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>"
                 "<text xml:lang='en'>Wrong password</text></failure>");
  g_assert_true(s->closed);
  g_assert_error(s->closed_error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_nonnull(strstr(s->closed_error->message, "Wrong password"));
  script_free(s);
}

/* T33: unknown condition and huge text: fail closed, text capped. */
static void
test_T33_sasl_failure_unknown(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  GString *failure = g_string_new("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                  "<bogus-condition/><text>");
  for (int i = 0; i < 20000; i++)
    g_string_append(failure, "A");
  g_string_append(failure, "</text></failure>");
  script_send(s, failure->str);
  g_string_free(failure, TRUE);
  g_assert_error(s->closed_error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpuint(strlen(s->closed_error->message), <, 1200);
  script_free(s);
}

static void
test_bind_conflict(void)
{
  XmppSessionConfig config = plain_config();
  config.resource = "taken";
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_send(s,
              SCRIPT_STREAM_HEADER "<stream:features><bind "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *reply =
      g_strdup_printf("<iq type='error' id='%s'><error type='cancel'><conflict "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, reply);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_CONFLICT);
  script_free(s);
}

/* T38 at bind time: a bind "result" from a third party is ignored. */
static void
test_bind_reply_spoof(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_send(s,
              SCRIPT_STREAM_HEADER "<stream:features><bind "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  const char *id = xmpp_node_get_attr(bind, "id");
  g_autofree char *spoof = g_strdup_printf(
      "<iq type='result' id='%s' from='mallory@evil.test/x'><bind "
      "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>mallory@evil.test/x</jid></bind></iq>",
      id);
  script_send(s, spoof);
  g_assert_false(xmpp_session_is_ready(s->session));
  g_autofree char *real =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/r</jid></bind></iq>",
                      id);
  script_send(s, real);
  g_assert_true(xmpp_session_is_ready(s->session));
  g_assert_cmpstr(xmpp_jid_get_full(xmpp_session_get_bound_jid(s->session)), ==,
                  "juliet@example.test/r");
  script_free(s);
}

static void
test_unknown_iq_gets_error(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  script_send(s, "<iq type='get' id='q1' from='romeo@example.test/orchard'>"
                 "<query xmlns='urn:example:unknown'/></iq>");
  g_autoptr(XmppNode) reply = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "error");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, "q1");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "to"), ==, "romeo@example.test/orchard");
  XmppNode *error = xmpp_node_get_child(reply, XMPP_NS_JABBER_CLIENT, "error");
  g_assert_nonnull(xmpp_node_get_child(error, XMPP_NS_STANZA_ERRORS, "service-unavailable"));
  /* T54: nothing of the request is echoed back. */
  g_assert_null(xmpp_node_get_child(reply, "urn:example:unknown", "query"));
  script_free(s);
}

static void
test_legacy_auth_digest(void)
{
  XmppSessionConfig config = plain_config();
  config.allow_plain_in_clear = FALSE;
  config.resource = "home";
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  /* A pre-XMPP-1.0 server: no version, no features. */
  script_send(s, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                 "xmlns:stream='http://etherx.jabber.org/streams' id='3EE948B0' "
                 "from='example.test'>");
  g_autoptr(XmppNode) get = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(get, "type"), ==, "get");
  g_autofree char *fields =
      g_strdup_printf("<iq type='result' id='%s' from='example.test'><query xmlns='jabber:iq:auth'>"
                      "<username/><password/><digest/><resource/></query></iq>",
                      xmpp_node_get_attr(get, "id"));
  script_send(s, fields);
  g_autoptr(XmppNode) set = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  XmppNode *query = xmpp_node_get_child(set, XMPP_NS_IQ_AUTH, "query");
  g_autofree char *digest = xmpp_node_dup_child_text(query, XMPP_NS_IQ_AUTH, "digest");
  g_autofree char *expected = g_compute_checksum_for_string(G_CHECKSUM_SHA1, "3EE948B0r0m30", -1);
  g_assert_cmpstr(digest, ==, expected);
  g_assert_null(xmpp_node_get_child(query, XMPP_NS_IQ_AUTH, "password"));
  g_autofree char *ok =
      g_strdup_printf("<iq type='result' id='%s'/>", xmpp_node_get_attr(set, "id"));
  script_send(s, ok);
  g_assert_true(xmpp_session_is_ready(s->session));
  g_assert_cmpstr(xmpp_jid_get_full(xmpp_session_get_bound_jid(s->session)), ==,
                  "juliet@example.test/home");
  script_free(s);
}

/* Legacy auth offering only a plaintext password without TLS: refused unless allowed. */
static void
test_legacy_auth_plaintext_refused(void)
{
  XmppSessionConfig config = plain_config();
  config.allow_plain_in_clear = FALSE;
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                 "xmlns:stream='http://etherx.jabber.org/streams' id='x' from='example.test'>");
  g_autoptr(XmppNode) get = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *fields = g_strdup_printf(
      "<iq type='result' id='%s'><query xmlns='jabber:iq:auth'><username/><password/>"
      "<resource/></query></iq>",
      xmpp_node_get_attr(get, "id"));
  script_send(s, fields);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NO_AUTH);
  g_assert_null(strstr(s->seen->str, "r0m30"));
  script_free(s);
}

static void
test_invalid_account_jid(void)
{
  XmppSessionConfig config = plain_config();
  FakeHost *fake = fake_host_new();
  XmppSessionEvents events = {0};
  g_autoptr(GError) error = NULL;
  config.jid = "no@one@x";
  g_assert_null(xmpp_session_new(&config, &fake->host, &events, NULL, &error));
  g_assert_error(error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_INVALID_JID);
  g_clear_error(&error);
  config.jid = "example.test"; /* no localpart */
  g_assert_null(xmpp_session_new(&config, &fake->host, &events, NULL, &error));
  g_assert_error(error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_INVALID_JID);
  g_clear_error(&error);
  config.jid = "juliet@example.test";
  config.resource = "bad\x01resource";
  g_assert_null(xmpp_session_new(&config, &fake->host, &events, NULL, &error));
  g_assert_error(error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_INVALID_JID);
  fake_host_free(fake);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/login/plain", test_plain_login);
  g_test_add_func("/session/login/server-picks-resource", test_server_picks_resource);
  g_test_add_func("/session/login/session-establishment", test_session_establishment);
  g_test_add_func("/session/login/optional-session-skipped", test_optional_session_skipped);
  g_test_add_func("/session/login/sasl-failure", test_sasl_failure);
  g_test_add_func("/session/login/T33_sasl_failure_unknown", test_T33_sasl_failure_unknown);
  g_test_add_func("/session/login/bind-conflict", test_bind_conflict);
  g_test_add_func("/session/login/T38_bind_reply_spoof", test_bind_reply_spoof);
  g_test_add_func("/session/router/unknown-iq-error", test_unknown_iq_gets_error);
  g_test_add_func("/session/legacy/digest", test_legacy_auth_digest);
  g_test_add_func("/session/legacy/plaintext-refused", test_legacy_auth_plaintext_refused);
  g_test_add_func("/session/config/invalid-jid", test_invalid_account_jid);
  return g_test_run();
}
