/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of failures: stream errors, redirects, bad XML, closing, re-entrancy. */
#include "router/namespaces.h"
#include "script-server.h"
#include "stream/stream-error.h"
#include "xml/parser.h"

static XmppSessionConfig
plain_config(void)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  return config;
}

static void
test_stream_error_conflict(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  script_send(s, "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                 "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced by new "
                 "connection</text></stream:error></stream:stream>");
  g_assert_error(s->closed_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONFLICT);
  g_assert_nonnull(strstr(s->closed_error->message, "Replaced by new connection"));
  script_free(s);
}

/* T12: a huge <text/> and an unknown condition: capped, undefined-condition. */
static void
test_T12_stream_error_huge_text(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  GString *error = g_string_new("<stream:error><made-up xmlns='urn:ietf:params:xml:ns:xmpp-"
                                "streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>");
  for (int i = 0; i < 100000; i++)
    g_string_append(error, "é");
  g_string_append(error, "</text></stream:error>");
  script_send(s, error->str);
  g_string_free(error, TRUE);
  g_assert_error(s->closed_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpuint(strlen(s->closed_error->message), <=, XMPP_STREAM_ERROR_MAX_TEXT + 64);
  g_assert_true(g_utf8_validate(s->closed_error->message, -1, NULL));
  script_free(s);
}

/* T12: nothing after </stream:stream> is processed. */
static void
test_T12_data_after_close(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  script_send(s, "</stream:stream><iq type='get' id='late'><ping xmlns='urn:xmpp:ping'/></iq>");
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NETWORK);
  g_assert_null(strstr(s->seen->str, "'late'"));
  /* Our side of the stream was closed too. */
  g_assert_true(g_str_has_suffix(s->seen->str, "</stream:stream>"));
  script_free(s);
}

/* T1/T4 through the session: restricted XML from the server is a stream error. */
static void
test_restricted_xml(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  script_send(s, "<message><!-- hidden --><body>hi</body></message>");
  g_assert_error(s->closed_error, XMPP_XML_ERROR, XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_nonnull(strstr(s->seen->str, "restricted-xml"));
  script_free(s);
}

static void
test_T1_billion_laughs_in_prolog(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, "<?xml version='1.0'?><!DOCTYPE s [<!ENTITY a 'aaaaaaaaaa'>"
                 "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
                 "<stream:stream xmlns='jabber:client' "
                 "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>&b;");
  g_assert_error(s->closed_error, XMPP_XML_ERROR, XMPP_XML_ERROR_RESTRICTED_XML);
  script_free(s);
}

static void
test_see_other_host_limit(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  for (int i = 0; i < XMPP_SESSION_MAX_REDIRECTS; i++) {
    xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
    g_autofree char *redirect = g_strdup_printf(
        SCRIPT_STREAM_HEADER "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:"
                             "xmpp-streams'>[2001:db8::%d]:5%d22</see-other-host></stream:error>",
        i, i);
    script_send(s, redirect);
    g_assert_false(s->closed);
    g_assert_nonnull(s->redirect_host);
  }
  g_assert_cmpstr(s->redirect_host, ==, "2001:db8::2");
  g_assert_nonnull(strstr(s->events->str, "redirect:2001:db8::2:5222"));
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:error><see-other-host xmlns='urn:ietf:params:xml:"
              "ns:xmpp-streams'>again.example.test</see-other-host></stream:error>");
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_REDIRECT_LIMIT);
  script_free(s);
}

static void
test_see_other_host_junk(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER "<stream:error><see-other-host xmlns='urn:ietf:params:xml:"
                                      "ns:xmpp-streams'>a b:99999</see-other-host></stream:error>");
  g_assert_error(s->closed_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_SEE_OTHER_HOST);
  g_assert_null(s->redirect_host);
  script_free(s);
}

static void
test_split_host(void)
{
  char *host = NULL;
  guint port = 0;
  g_assert_true(xmpp_stream_error_split_host("example.net", &host, &port));
  g_assert_cmpstr(host, ==, "example.net");
  g_assert_cmpuint(port, ==, 0);
  g_free(host);
  g_assert_true(xmpp_stream_error_split_host("example.net:5223", &host, &port));
  g_assert_cmpuint(port, ==, 5223);
  g_free(host);
  g_assert_true(xmpp_stream_error_split_host("[::1]:5222", &host, &port));
  g_assert_cmpstr(host, ==, "::1");
  g_free(host);
  const char *bad[] = {"",        ":5222", "::1", "[::1", "[]:1",  "a:0",
                       "a:65536", "a:x",   "a/b", "a b",  "[::1]x"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_assert_false(xmpp_stream_error_split_host(bad[i], &host, &port));
    g_assert_null(host);
  }
}

static void
test_transport_closed(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  xmpp_session_transport_closed(s->session, "connection reset by peer");
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NETWORK);
  /* A second report changes nothing (closed fires exactly once: asserted by the script). */
  xmpp_session_transport_closed(s->session, "again");
  script_free(s);
}

static void
test_clean_close(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  xmpp_session_close(s->session);
  g_assert_true(s->closed);
  g_assert_null(s->closed_error);
  script_pump(s);
  g_assert_true(g_str_has_suffix(s->seen->str, "</stream:stream>"));
  script_free(s);
}

/* A host that frees the session from inside the closed event must be safe (ASan checks). */
static void
free_on_close(gpointer data, const GError *error)
{
  XmppSession **session = data;
  xmpp_session_free(*session);
  *session = NULL;
}

static void
test_free_from_callback(void)
{
  FakeHost *fake = fake_host_new();
  XmppSessionConfig config = plain_config();
  XmppSessionEvents events = {.closed = free_on_close};
  XmppSession *session = NULL;
  session = xmpp_session_new(&config, &fake->host, &events, &session, NULL);
  xmpp_session_connect_transport(session, XMPP_TRANSPORT_TCP);
  const char *bytes =
      SCRIPT_STREAM_HEADER "<stream:error><reset "
                           "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                           "<more-data-after-the-error/>";
  XmppSession *alias = session;
  xmpp_session_feed(alias, (const guint8 *)bytes, strlen(bytes));
  g_assert_null(session);
  fake_host_free(fake);
}

/* An unexpected element before features is refused with a stream error. */
static void
test_unexpected_before_features(void)
{
  XmppSessionConfig config = plain_config();
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s, SCRIPT_STREAM_HEADER "<message><body>early</body></message>");
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(s->seen->str, "unsupported-stanza-type"));
  script_free(s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/errors/stream-error-conflict", test_stream_error_conflict);
  g_test_add_func("/session/errors/T12_stream_error_huge_text", test_T12_stream_error_huge_text);
  g_test_add_func("/session/errors/T12_data_after_close", test_T12_data_after_close);
  g_test_add_func("/session/errors/T4_restricted_xml", test_restricted_xml);
  g_test_add_func("/session/errors/T1_billion_laughs_in_prolog", test_T1_billion_laughs_in_prolog);
  g_test_add_func("/session/errors/see-other-host-limit", test_see_other_host_limit);
  g_test_add_func("/session/errors/see-other-host-junk", test_see_other_host_junk);
  g_test_add_func("/session/errors/split-host", test_split_host);
  g_test_add_func("/session/errors/transport-closed", test_transport_closed);
  g_test_add_func("/session/errors/clean-close", test_clean_close);
  g_test_add_func("/session/errors/free-from-callback", test_free_from_callback);
  g_test_add_func("/session/errors/unexpected-before-features", test_unexpected_before_features);
  return g_test_run();
}
