/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of purple-errors.c: every core error maps to the right PurpleConnectionError, with
 * fatal reasons where reconnecting cannot help (a wrong password) and non-fatal ones where it
 * can (the network). */
#include "sm.h"
#include "purple-glue.h"
#include "purple-errors.h"

#include "jid/jid.h"
#include "parse-helper.h"
#include "router/router.h"
#include "router/stanza-error.h"
#include "sasl/sasl.h"
#include "stream/stream-error.h"
#include "stream/tls.h"
#include "xml/parser.h"

typedef struct {
  const char *name;
  GQuark (*domain)(void);
  int code;
  PurpleConnectionError expected;
} Case;

static const Case cases[] = {
    {"session/network", xmpp_session_error_quark, XMPP_SESSION_ERROR_NETWORK,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"session/ping-timeout", xmpp_session_error_quark, XMPP_SESSION_ERROR_PING_TIMEOUT,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"session/encryption", xmpp_session_error_quark, XMPP_SESSION_ERROR_ENCRYPTION,
     PURPLE_CONNECTION_ERROR_ENCRYPTION_ERROR},
    {"session/invalid-jid", xmpp_session_error_quark, XMPP_SESSION_ERROR_INVALID_JID,
     PURPLE_CONNECTION_ERROR_INVALID_USERNAME},
    {"session/bind", xmpp_session_error_quark, XMPP_SESSION_ERROR_BIND,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},
    {"session/conflict", xmpp_session_error_quark, XMPP_SESSION_ERROR_CONFLICT,
     PURPLE_CONNECTION_ERROR_NAME_IN_USE},
    {"session/auth", xmpp_session_error_quark, XMPP_SESSION_ERROR_AUTH,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED},
    {"session/no-auth", xmpp_session_error_quark, XMPP_SESSION_ERROR_NO_AUTH,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE},
    {"session/redirect-limit", xmpp_session_error_quark, XMPP_SESSION_ERROR_REDIRECT_LIMIT,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},
    {"session/protocol", xmpp_session_error_quark, XMPP_SESSION_ERROR_PROTOCOL,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},

    {"sasl/not-authorized", xmpp_sasl_error_quark, XMPP_SASL_ERROR_NOT_AUTHORIZED,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED},
    {"sasl/account-disabled", xmpp_sasl_error_quark, XMPP_SASL_ERROR_ACCOUNT_DISABLED,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED},
    {"sasl/credentials-expired", xmpp_sasl_error_quark, XMPP_SASL_ERROR_CREDENTIALS_EXPIRED,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED},
    {"sasl/invalid-authzid", xmpp_sasl_error_quark, XMPP_SASL_ERROR_INVALID_AUTHZID,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED},
    {"sasl/server-signature", xmpp_sasl_error_quark, XMPP_SASL_ERROR_SERVER_SIGNATURE,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED},
    {"sasl/no-mechanism", xmpp_sasl_error_quark, XMPP_SASL_ERROR_NO_MECHANISM,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE},
    {"sasl/mechanism-too-weak", xmpp_sasl_error_quark, XMPP_SASL_ERROR_MECHANISM_TOO_WEAK,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE},
    {"sasl/encryption-required", xmpp_sasl_error_quark, XMPP_SASL_ERROR_ENCRYPTION_REQUIRED,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE},
    {"sasl/iterations", xmpp_sasl_error_quark, XMPP_SASL_ERROR_ITERATIONS,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE},
    {"sasl/channel-binding", xmpp_sasl_error_quark, XMPP_SASL_ERROR_CHANNEL_BINDING,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE},
    {"sasl/channel-binding-refused", xmpp_sasl_error_quark, XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE},
    {"sasl/channel-binding-required", xmpp_sasl_error_quark,
     XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED, PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE},
    {"sasl/temporary", xmpp_sasl_error_quark, XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"sasl/aborted", xmpp_sasl_error_quark, XMPP_SASL_ERROR_ABORTED,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},
    {"sasl/incorrect-encoding", xmpp_sasl_error_quark, XMPP_SASL_ERROR_INCORRECT_ENCODING,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},
    {"sasl/invalid-mechanism", xmpp_sasl_error_quark, XMPP_SASL_ERROR_INVALID_MECHANISM,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},
    {"sasl/malformed-request", xmpp_sasl_error_quark, XMPP_SASL_ERROR_MALFORMED_REQUEST,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},
    {"sasl/bad-server-message", xmpp_sasl_error_quark, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},

    {"stream/conflict", xmpp_stream_error_quark, XMPP_STREAM_ERROR_CONFLICT,
     PURPLE_CONNECTION_ERROR_NAME_IN_USE},
    {"stream/not-authorized", xmpp_stream_error_quark, XMPP_STREAM_ERROR_NOT_AUTHORIZED,
     PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED},
    {"stream/host-unknown", xmpp_stream_error_quark, XMPP_STREAM_ERROR_HOST_UNKNOWN,
     PURPLE_CONNECTION_ERROR_INVALID_SETTINGS},
    {"stream/host-gone", xmpp_stream_error_quark, XMPP_STREAM_ERROR_HOST_GONE,
     PURPLE_CONNECTION_ERROR_INVALID_SETTINGS},
    {"stream/policy-violation", xmpp_stream_error_quark, XMPP_STREAM_ERROR_POLICY_VIOLATION,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},
    {"stream/system-shutdown", xmpp_stream_error_quark, XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"stream/connection-timeout", xmpp_stream_error_quark, XMPP_STREAM_ERROR_CONNECTION_TIMEOUT,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"stream/reset", xmpp_stream_error_quark, XMPP_STREAM_ERROR_RESET,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"stream/remote-connection-failed", xmpp_stream_error_quark,
     XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED, PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"stream/resource-constraint", xmpp_stream_error_quark, XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"stream/internal-server-error", xmpp_stream_error_quark,
     XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR, PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"stream/undefined-condition", xmpp_stream_error_quark, XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"stream/not-well-formed", xmpp_stream_error_quark, XMPP_STREAM_ERROR_NOT_WELL_FORMED,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},
    {"stream/unsupported-version", xmpp_stream_error_quark, XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
     PURPLE_CONNECTION_ERROR_OTHER_ERROR},

    {"tls/handshake", xmpp_tls_error_quark, XMPP_TLS_ERROR_HANDSHAKE,
     PURPLE_CONNECTION_ERROR_ENCRYPTION_ERROR},
    {"tls/io", xmpp_tls_error_quark, XMPP_TLS_ERROR_IO, PURPLE_CONNECTION_ERROR_ENCRYPTION_ERROR},
    {"tls/closed", xmpp_tls_error_quark, XMPP_TLS_ERROR_CLOSED,
     PURPLE_CONNECTION_ERROR_ENCRYPTION_ERROR},
    {"tls/init", xmpp_tls_error_quark, XMPP_TLS_ERROR_INIT,
     PURPLE_CONNECTION_ERROR_ENCRYPTION_ERROR},

    {"xml/not-well-formed", xmpp_xml_error_quark, XMPP_XML_ERROR_NOT_WELL_FORMED,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"xml/restricted", xmpp_xml_error_quark, XMPP_XML_ERROR_RESTRICTED_XML,
     PURPLE_CONNECTION_ERROR_NETWORK_ERROR},
    {"jid/domain", xmpp_jid_error_quark, XMPP_JID_ERROR_DOMAINPART,
     PURPLE_CONNECTION_ERROR_INVALID_USERNAME},
};

static void
test_case(gconstpointer data)
{
  const Case *c = data;
  GError *error = g_error_new_literal(c->domain(), c->code, "server words");
  char *text = NULL;
  PurpleConnectionError got = xmpp_purple_error_from_gerror(error, 0, &text);
  g_assert_cmpint(got, ==, c->expected);
  g_assert_nonnull(text);
  g_assert_nonnull(strstr(text, "server words")); /* the core's message is kept */
  g_free(text);
  /* text is optional */
  g_assert_cmpint(xmpp_purple_error_from_gerror(error, 0, NULL), ==, c->expected);
  g_error_free(error);
}

static PurpleConnectionError
map(GQuark domain, int code, guint cert_problems, char **text)
{
  GError *error = g_error_new_literal(domain, code, "x");
  PurpleConnectionError r = xmpp_purple_error_from_gerror(error, cert_problems, text);
  g_error_free(error);
  return r;
}

/* The most important property: a wrong password is fatal (no reconnect loop that could lock the
 * account), a lost connection is not (Pidgin reconnects). */
static void
test_wrong_password_is_fatal(void)
{
  g_assert_true(purple_connection_error_is_fatal(
      map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED, 0, NULL)));
  g_assert_true(purple_connection_error_is_fatal(
      map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE, 0, NULL)));
  g_assert_true(purple_connection_error_is_fatal(
      map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM, 0, NULL)));
  g_assert_true(purple_connection_error_is_fatal(
      map(XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE, XMPP_CERT_UNTRUSTED, NULL)));
}

static void
test_network_is_not_fatal(void)
{
  g_assert_false(purple_connection_error_is_fatal(
      map(XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NETWORK, 0, NULL)));
  g_assert_false(purple_connection_error_is_fatal(
      map(XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PING_TIMEOUT, 0, NULL)));
  g_assert_false(purple_connection_error_is_fatal(
      map(XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN, 0, NULL)));
  g_assert_false(purple_connection_error_is_fatal(
      map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE, 0, NULL)));
}

static void
test_server_signature_text(void)
{
  char *text = NULL;
  map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE, 0, &text);
  g_assert_nonnull(strstr(text, "possible attack"));
  g_free(text);
  /* Its twin: a plain wrong password does not cry wolf. */
  map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED, 0, &text);
  g_assert_null(strstr(text, "attack"));
  g_free(text);
}

/* Every error domain has the name it was meant to have (a clang-formatted G_DEFINE_QUARK gave
 * "xmpp - sasl - error - quark"): debug output and GError matching by name rely on them. */
static void
test_domain_names(void)
{
  const struct {
    GQuark domain;
    const char *name;
  } domains[] = {
      {XMPP_SESSION_ERROR, "xmpp-session-error-quark"},
      {XMPP_SASL_ERROR, "xmpp-sasl-error-quark"},
      {XMPP_STREAM_ERROR, "xmpp-stream-error-quark"},
      {XMPP_STANZA_ERROR, "xmpp-stanza-error-quark"},
      {XMPP_TLS_ERROR, "xmpp-tls-error-quark"},
      {XMPP_XML_ERROR, "xmpp-xml-error-quark"},
      {XMPP_JID_ERROR, "xmpp-jid-error-quark"},
      {XMPP_IQ_ERROR, "xmpp-iq-error-quark"},
      {XMPP_SM_ERROR, "xmpp-sm-error-quark"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(domains); i++)
    g_assert_cmpstr(g_quark_to_string(domains[i].domain), ==, domains[i].name);
}

/* A refused channel binding is not a wrong password: the user must not be sent to retype it,
 * and no reconnect loop may follow (fatal). Its twin: a plain refusal still says password. */
static void
test_channel_binding_text(void)
{
  char *text = NULL;
  PurpleConnectionError r = map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED, 0, &text);
  g_assert_true(purple_connection_error_is_fatal(r));
  g_assert_nonnull(strstr(text, "channel binding"));
  g_assert_null(strstr(text, "password"));
  g_free(text);
  r = map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED, 0, &text);
  g_assert_true(purple_connection_error_is_fatal(r));
  g_assert_nonnull(strstr(text, "Require channel binding"));
  g_assert_null(strstr(text, "password"));
  g_free(text);
  map(XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED, 0, &text);
  g_assert_nonnull(strstr(text, "password"));
  g_free(text);
}

static void
test_cert(void)
{
  const struct {
    guint problems;
    PurpleConnectionError expected;
    const char *says;
  } certs[] = {
      {XMPP_CERT_HOSTNAME_MISMATCH, PURPLE_CONNECTION_ERROR_CERT_HOSTNAME_MISMATCH, "name"},
      {XMPP_CERT_EXPIRED, PURPLE_CONNECTION_ERROR_CERT_EXPIRED, "expired"},
      {XMPP_CERT_NOT_ACTIVATED, PURPLE_CONNECTION_ERROR_CERT_NOT_ACTIVATED, "not valid yet"},
      {XMPP_CERT_UNTRUSTED, PURPLE_CONNECTION_ERROR_CERT_UNTRUSTED, "trusted authority"},
      {XMPP_CERT_REVOKED, PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR, "revoked"},
      {XMPP_CERT_INSECURE_ALGORITHM, PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR, "insecure"},
      {XMPP_CERT_INVALID, PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR, "cannot be read"},
      {XMPP_CERT_PIN_MISMATCH, PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR, "always accept"},
      {XMPP_CERT_PIN_MISMATCH | XMPP_CERT_UNTRUSTED, PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR,
       "always accept"},
      {XMPP_CERT_UNTRUSTED | XMPP_CERT_HOSTNAME_MISMATCH,
       PURPLE_CONNECTION_ERROR_CERT_HOSTNAME_MISMATCH, "trusted authority"},
      {0, PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR, "could not be verified"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(certs); i++) {
    char *text = NULL;
    g_assert_cmpint(map(XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE, certs[i].problems, &text), ==,
                    certs[i].expected);
    g_assert_nonnull(strstr(text, certs[i].says));
    g_free(text);
  }
}

static void
test_unknown_domain(void)
{
  GError *error = g_error_new_literal(g_quark_from_static_string("other"), 7, "m");
  g_assert_cmpint(xmpp_purple_error_from_gerror(error, 0, NULL), ==,
                  PURPLE_CONNECTION_ERROR_OTHER_ERROR);
  g_error_free(error);
}

/* Server text is hostile input: control characters cannot fake lines, invalid UTF-8 is
 * repaired, and the length is capped. */
static void
test_sanitize(void)
{
  char *s = xmpp_purple_error_sanitize("a\nb\rc\x1b[31md");
  g_assert_null(strchr(s, '\n'));
  g_assert_null(strchr(s, '\r'));
  g_assert_null(strchr(s, '\x1b'));
  g_free(s);

  s = xmpp_purple_error_sanitize("bad \xff\xfe utf8");
  g_assert_true(g_utf8_validate(s, -1, NULL));
  g_free(s);

  char *big = g_strnfill(10 * XMPP_PURPLE_MAX_SERVER_TEXT, 'x');
  s = xmpp_purple_error_sanitize(big);
  g_assert_cmpuint(strlen(s), <=, XMPP_PURPLE_MAX_SERVER_TEXT + 3);
  g_assert_true(g_utf8_validate(s, -1, NULL));
  g_free(s);
  g_free(big);

  /* The positive twin: ordinary text is kept as is. */
  s = xmpp_purple_error_sanitize("Server is going down for maintenance — back soon");
  g_assert_cmpstr(s, ==, "Server is going down for maintenance — back soon");
  g_free(s);
}

/* ---- stanza errors and requests without an answer ---- */

#define NS_ERR "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"

/* The GError an IQ callback gets for this error reply (what the router gives). */
static GError *
received(const char *error_xml)
{
  g_autofree char *xml = g_strdup_printf("<iq type='error' id='x'>%s</iq>", error_xml);
  g_autoptr(XmppStanza) stanza = xmpp_stanza_new(test_parse_element(xml));
  return xmpp_stanza_error_from_stanza(stanza);
}

static char *
text_of(const char *error_xml, XmppPurpleErrorContext context)
{
  g_autoptr(GError) error = received(error_xml);
  return xmpp_purple_stanza_error_text(error, context);
}

/* Every condition has words of its own, never its protocol name; only undefined-condition is
 * "Unknown error". */
static void
test_stanza_conditions(void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int c = XMPP_STANZA_ERROR_BAD_REQUEST; c <= XMPP_STANZA_ERROR_UNEXPECTED_REQUEST; c++) {
    XmppStanzaErrorInfo info = {.condition = c, .type = XMPP_STANZA_ERROR_TYPE_CANCEL};
    char *text = xmpp_purple_stanza_error_info_text(&info, XMPP_PURPLE_ERROR_REQUEST);
    g_test_message("%s: %s", xmpp_stanza_error_condition_name(c), text);
    g_assert_cmpstr(text, !=, "");
    g_assert_cmpstr(text, !=, xmpp_stanza_error_condition_name(c));
    g_assert_null(strchr(text, '-')); /* no "item-not-found" */
    g_assert_cmpint(g_str_equal(text, "Unknown error"), ==,
                    c == XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
    g_assert_false(g_hash_table_contains(seen, text));
    g_hash_table_add(seen, text);
  }
  /* Out of range: unknown. */
  XmppStanzaErrorInfo junk = {.condition = 999};
  g_autofree char *text = xmpp_purple_stanza_error_info_text(&junk, XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(text, ==, "Unknown error");
  g_autofree char *none = xmpp_purple_stanza_error_info_text(NULL, XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(none, ==, "Unknown error");
}

/* The server's own words come after ours, sanitised (T12); the GError's message is never taken
 * apart. Its twin: without a <text/>, our words alone. */
static void
test_stanza_server_text(void)
{
  g_autofree char *with = text_of("<error type='cancel'><not-allowed " NS_ERR "/><text " NS_ERR
                                  ">Registrations are closed</text></error>",
                                  XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(with, ==, "Not allowed (Registrations are closed)");
  g_autofree char *without =
      text_of("<error type='cancel'><not-allowed " NS_ERR "/></error>", XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(without, ==, "Not allowed");
  /* Text that looks like the old "condition (text)" message is shown as it is. */
  g_autofree char *tricky = text_of("<error type='cancel'><item-not-found " NS_ERR "/><text " NS_ERR
                                    ">a (b) c)</text></error>",
                                    XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(tricky, ==, "Not found (a (b) c))");
  /* Hostile text: no new lines, no escape sequences, capped. */
  g_autofree char *hostile =
      text_of("<error type='cancel'><forbidden " NS_ERR "/><text " NS_ERR
              ">line&#10;Password: &#x2028;type it here&#13;&#x85;</text></error>",
              XMPP_PURPLE_ERROR_REQUEST);
  g_assert_null(strchr(hostile, '\n'));
  g_assert_null(strchr(hostile, '\r'));
  g_assert_null(strstr(hostile, "\xe2\x80\xa8"));
  g_assert_null(strstr(hostile, "\xc2\x85"));
  g_assert_true(g_str_has_prefix(hostile, "Permission denied (line Password:"));
  GString *long_xml = g_string_new("<error type='cancel'><forbidden " NS_ERR "/><text " NS_ERR ">");
  for (int i = 0; i < 2000; i++)
    g_string_append(long_xml, "\xc3\xa9");
  g_string_append(long_xml, "</text></error>");
  g_autofree char *capped = text_of(long_xml->str, XMPP_PURPLE_ERROR_REQUEST);
  g_string_free(long_xml, TRUE);
  g_assert_cmpuint(strlen(capped), <=, XMPP_PURPLE_MAX_SERVER_TEXT + 64);
  g_assert_true(g_utf8_validate(capped, -1, NULL));
}

/* type='wait' (RFC 6120 §8.3.2): the user is told to retry later; its twin, cancel, is not. */
static void
test_stanza_wait(void)
{
  g_autofree char *wait = text_of("<error type='wait'><resource-constraint " NS_ERR "/></error>",
                                  XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(wait, ==, "The server is too busy. Try again later.");
  g_autofree char *wait_text = text_of("<error type='wait'><resource-constraint " NS_ERR
                                       "/><text " NS_ERR ">Slow down</text></error>",
                                       XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(wait_text, ==, "The server is too busy (Slow down). Try again later.");
  g_autofree char *cancel = text_of(
      "<error type='cancel'><resource-constraint " NS_ERR "/></error>", XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(cancel, ==, "The server is too busy");
  /* No type attribute: the condition's default (wait for resource-constraint). */
  g_autofree char *deflt =
      text_of("<error><resource-constraint " NS_ERR "/></error>", XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(deflt, ==, "The server is too busy. Try again later.");
}

/* Where a condition means more, the context says so; elsewhere the general words. */
static void
test_stanza_contexts(void)
{
  const char *conflict = "<error type='cancel'><conflict " NS_ERR "/></error>";
  g_autofree char *reg = text_of(conflict, XMPP_PURPLE_ERROR_REGISTRATION);
  g_assert_nonnull(strstr(reg, "username is already in use"));
  /* Twins: a conflict elsewhere (an ad-hoc command, a password change) is not about a name. */
  g_autofree char *req = text_of(conflict, XMPP_PURPLE_ERROR_REQUEST);
  g_assert_null(strstr(req, "username"));
  g_autofree char *msg_conflict = text_of(conflict, XMPP_PURPLE_ERROR_MESSAGE);
  g_assert_cmpstr(msg_conflict, ==, req);

  const char *not_found = "<error type='cancel'><item-not-found " NS_ERR "/></error>";
  g_autofree char *msg = text_of(not_found, XMPP_PURPLE_ERROR_MESSAGE);
  g_assert_cmpstr(msg, ==, "No such user");
  g_autofree char *gen = text_of(not_found, XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(gen, ==, "Not found");

  const char *bad = "<error type='modify'><not-acceptable " NS_ERR "/></error>";
  g_autofree char *reg_bad = text_of(bad, XMPP_PURPLE_ERROR_REGISTRATION);
  g_assert_nonnull(strstr(reg_bad, "a field is missing or invalid"));
  g_autofree char *gen_bad = text_of(bad, XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(gen_bad, ==, "Not accepted: a value is missing or invalid");
}

/* Requests that got no answer, and errors no stanza caused. */
static void
test_stanza_no_answer(void)
{
  const struct {
    GQuark domain;
    int code;
    const char *message;
    const char *says;
  } answers[] = {
      {XMPP_IQ_ERROR, XMPP_IQ_ERROR_TIMEOUT, "no reply in time", "No answer came in time"},
      {XMPP_IQ_ERROR, XMPP_IQ_ERROR_SESSION_CLOSED, "session closed",
       "The connection was closed before an answer came"},
      {XMPP_IQ_ERROR, XMPP_IQ_ERROR_RANDOM, "no random", "No random numbers are available"},
      {XMPP_IQ_ERROR, XMPP_IQ_ERROR_TOO_MANY, "too many",
       "Too many requests are waiting for an answer"},
      {XMPP_IQ_ERROR, 99, "?", "Unknown error"},
      /* The core's own refusal of an answer: never "the server refused". */
      {XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "no command in the reply",
       "The answer could not be used (no command in the reply)"},
      {XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT, "vCard too large",
       "The answer could not be used (vCard too large)"},
      /* Another domain: as the connection errors say it. */
      {XMPP_JID_ERROR, 0, "bad", "Invalid XMPP address or resource (bad)"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(answers); i++) {
    g_autoptr(GError) error =
        g_error_new_literal(answers[i].domain, answers[i].code, answers[i].message);
    g_autofree char *text = xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST);
    g_test_message("%s", text);
    g_assert_true(g_str_has_prefix(text, answers[i].says));
  }
  g_autofree char *none = xmpp_purple_stanza_error_text(NULL, XMPP_PURPLE_ERROR_REQUEST);
  g_assert_cmpstr(none, ==, "Unknown error");
  /* Twin of the core's refusal: the same condition from the wire is the peer's. */
  g_autofree char *wire =
      text_of("<error type='modify'><bad-request " NS_ERR "/></error>", XMPP_PURPLE_ERROR_REQUEST);
  g_assert_null(strstr(wire, "could not be used"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *path = g_strdup_printf("/purple/errors/map/%s", cases[i].name);
    g_test_add_data_func(path, &cases[i], test_case);
    g_free(path);
  }
  g_test_add_func("/purple/errors/wrong_password_is_fatal", test_wrong_password_is_fatal);
  g_test_add_func("/purple/errors/network_is_not_fatal", test_network_is_not_fatal);
  g_test_add_func("/purple/errors/server_signature_text", test_server_signature_text);
  g_test_add_func("/purple/errors/channel_binding_text", test_channel_binding_text);
  g_test_add_func("/purple/errors/domain_names", test_domain_names);
  g_test_add_func("/purple/errors/cert", test_cert);
  g_test_add_func("/purple/errors/unknown_domain", test_unknown_domain);
  g_test_add_func("/purple/errors/T12_sanitize_server_text", test_sanitize);
  g_test_add_func("/purple/errors/stanza/conditions", test_stanza_conditions);
  g_test_add_func("/purple/errors/stanza/T12_server_text", test_stanza_server_text);
  g_test_add_func("/purple/errors/stanza/wait", test_stanza_wait);
  g_test_add_func("/purple/errors/stanza/contexts", test_stanza_contexts);
  g_test_add_func("/purple/errors/stanza/no_answer", test_stanza_no_answer);
  return g_test_run();
}
