/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCRAM logins end to end over TLS against an in-process server that checks the proof and the
 * channel binding (T31, T32): tls-exporter on TLS 1.3 when XEP-0440 says so, no -PLUS on TLS 1.3
 * when it does not (ejabberd 23.01), tls-unique on TLS 1.2, 'y' when no -PLUS is offered, and
 * an account that requires channel binding. The server side is computed here with GnuTLS
 * primitives. */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "router/namespaces.h"
#include "sasl/sasl.h"
#include "script-server.h"
#include "test-certs.h"

#define PASSWORD   "pencil-\xc3\xa9"
#define SALT       "QSXCR+Q6sek8bf92"
#define ITERATIONS 4096

typedef struct {
  TestPki *pki;
  char *cert, *key;
  gboolean random_fails; /* the host loses its randomness before the SASL mechanisms arrive */
} Fixture;

static void
setup(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->pki = test_pki_new(&error);
  g_assert_no_error(error);
  test_pki_issue(f->pki, TEST_CERT_GOOD, SCRIPT_DOMAIN, &f->cert, &f->key, &error);
  g_assert_no_error(error);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  g_free(f->cert);
  g_free(f->key);
  test_pki_free(f->pki);
}

static char *
b64_of_text(XmppNode *node)
{
  g_autofree char *text = xmpp_node_dup_text(node);
  gsize len;
  guchar *raw = g_base64_decode(text, &len);
  char *s = g_strndup((char *)raw, len);
  g_free(raw);
  return s;
}

static void
hmac(gnutls_mac_algorithm_t mac, const guint8 *key, gsize klen, const char *msg, guint8 *out)
{
  g_assert_cmpint(gnutls_hmac_fast(mac, key, klen, msg, strlen(msg), out), ==, 0);
}

/* Runs the server side of SCRAM-SHA-256(-PLUS). Returns TRUE when the client's proof and
 * channel binding were right (and sends success), FALSE after sending failure. */
static gboolean
scram_server_text(ScriptServer *s, const char *expected_gs2, int gnutls_cb, gboolean corrupt_cb,
                  const char *failure_text)
{
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  g_autofree char *first = b64_of_text(auth);
  g_assert_true(g_str_has_prefix(first, expected_gs2));
  const char *bare = first + strlen(expected_gs2);
  g_assert_true(g_str_has_prefix(bare, "n=juliet,r="));
  const char *cnonce = bare + strlen("n=juliet,r=");
  g_autofree char *server_first =
      g_strdup_printf("r=%sSERVERNONCE,s=%s,i=%d", cnonce, SALT, ITERATIONS);
  g_autofree char *sf64 = g_base64_encode((guchar *)server_first, strlen(server_first));
  g_autofree char *challenge =
      g_strdup_printf("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%s</challenge>", sf64);
  script_send(s, challenge);
  g_autoptr(XmppNode) response = script_expect(s, XMPP_NS_SASL, "response");
  g_autofree char *final = b64_of_text(response);
  const char *proof_at = strstr(final, ",p=");
  g_assert_nonnull(proof_at);
  g_autofree char *without_proof = g_strndup(final, proof_at - final);

  /* The channel binding must be the server's own view of this TLS session. */
  GByteArray *cbind = g_byte_array_new();
  g_byte_array_append(cbind, (const guint8 *)expected_gs2, strlen(expected_gs2));
  if (gnutls_cb >= 0) {
    g_autoptr(GBytes) data = test_tls_peer_get_channel_binding(s->tls, gnutls_cb);
    g_assert_nonnull(data);
    gsize len;
    const guint8 *bytes = g_bytes_get_data(data, &len);
    g_byte_array_append(cbind, bytes, len);
    if (corrupt_cb) /* what a relaying MitM's server would see: another session (T32) */
      cbind->data[cbind->len - 1] ^= 0x55;
  }
  g_autofree char *c64 = g_base64_encode(cbind->data, cbind->len);
  g_byte_array_free(cbind, TRUE);
  g_autofree char *expected_c = g_strdup_printf("c=%s,", c64);
  gboolean cb_ok = g_str_has_prefix(final, expected_c);

  guint8 salted[32], client_key[32], stored[32], sig[32], server_key[32], server_sig[32];
  gsize salt_len;
  g_autofree guchar *salt = g_base64_decode(SALT, &salt_len);
  gnutls_datum_t pw = {(unsigned char *)PASSWORD, strlen(PASSWORD)};
  gnutls_datum_t sd = {salt, salt_len};
  g_assert_cmpint(gnutls_pbkdf2(GNUTLS_MAC_SHA256, &pw, &sd, ITERATIONS, salted, 32), ==, 0);
  hmac(GNUTLS_MAC_SHA256, salted, 32, "Client Key", client_key);
  g_assert_cmpint(gnutls_hash_fast(GNUTLS_DIG_SHA256, client_key, 32, stored), ==, 0);
  g_autofree char *auth_message = g_strdup_printf("%s,%s,%s", bare, server_first, without_proof);
  hmac(GNUTLS_MAC_SHA256, stored, 32, auth_message, sig);
  guint8 proof[32];
  for (int i = 0; i < 32; i++)
    proof[i] = client_key[i] ^ sig[i];
  g_autofree char *proof64 = g_base64_encode(proof, 32);
  gboolean proof_ok = strcmp(proof_at + 3, proof64) == 0;
  if (!cb_ok || !proof_ok) {
    g_autofree char *failure = g_strdup_printf(
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>%s%s%s</failure>",
        failure_text ? "<text>" : "", failure_text ? failure_text : "",
        failure_text ? "</text>" : "");
    script_send(s, failure);
    return FALSE;
  }
  hmac(GNUTLS_MAC_SHA256, salted, 32, "Server Key", server_key);
  hmac(GNUTLS_MAC_SHA256, server_key, 32, auth_message, server_sig);
  g_autofree char *v64 = g_base64_encode(server_sig, 32);
  g_autofree char *v = g_strdup_printf("v=%s", v64);
  g_autofree char *v_b64 = g_base64_encode((guchar *)v, strlen(v));
  g_autofree char *success =
      g_strdup_printf("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%s</success>", v_b64);
  script_send(s, success);
  return TRUE;
}

static gboolean
scram_server(ScriptServer *s, const char *expected_gs2, int gnutls_cb, gboolean corrupt_cb)
{
  return scram_server_text(s, expected_gs2, gnutls_cb, corrupt_cb, NULL);
}

/* XEP-0440: the server names the binding types it computes. */
#define CB_EXPORTER                                                                                \
  "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='tls-exporter'/>"        \
  "</sasl-channel-binding>"

/* TLS up with `mechanisms` (plus `extra` features, may be ""); require_cb: the account bound
 * before (XmppSessionConfig.require_channel_binding). */
static ScriptServer *
tls_up_full(Fixture *f, const char *priority, const char *mechanisms, const char *extra,
            gboolean require_cb)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = PASSWORD,
      .tls_policy = XMPP_TLS_POLICY_REQUIRE,
      .ca_file = test_pki_get_ca_file(f->pki),
      .no_system_trust = TRUE,
      .require_channel_binding = require_cb,
  };
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_send(s,
              SCRIPT_STREAM_HEADER "<stream:features><starttls "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>");
  g_autoptr(XmppNode) starttls = script_expect(s, XMPP_NS_TLS, "starttls");
  script_start_tls(s, f->cert, f->key, priority);
  script_send(s, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  g_autofree char *features =
      g_strdup_printf(SCRIPT_STREAM_HEADER
                      "<stream:features>%s<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                      "%s</mechanisms></stream:features>",
                      extra, mechanisms);
  s->fake->random_fails = f->random_fails;
  script_send(s, features);
  return s;
}

static ScriptServer *
tls_up(Fixture *f, const char *priority, const char *mechanisms)
{
  return tls_up_full(f, priority, mechanisms, "", FALSE);
}

static void
finish_bind(ScriptServer *s)
{
  script_send(s,
              SCRIPT_STREAM_HEADER "<stream:features><bind "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/r</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, reply);
  g_assert_true(xmpp_session_is_ready(s->session));
}

#define BOTH_MECHS "<mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-256-PLUS</mechanism>"

static void
test_T31_exporter_on_tls13(Fixture *f, gconstpointer data)
{
  ScriptServer *s = tls_up_full(f, NULL, BOTH_MECHS, CB_EXPORTER, FALSE);
  g_assert_true(scram_server(s, "p=tls-exporter,,", GNUTLS_CB_TLS_EXPORTER, FALSE));
  finish_bind(s);
  g_assert_cmpstr(xmpp_session_get_sasl_mechanism(s->session), ==, "SCRAM-SHA-256-PLUS");
  g_assert_cmpint(xmpp_session_get_channel_binding(s->session), ==, XMPP_CB_TLS_EXPORTER);
  script_free(s);
}

/* ejabberd 23.01 on TLS 1.3: -PLUS offered, no XEP-0440. Lyre sent tls-exporter and was refused
 * ("Invalid channel binding"); now it signs in with SCRAM and 'n', and reports no binding. */
static void
test_T31_tls13_without_xep0440(Fixture *f, gconstpointer data)
{
  ScriptServer *s = tls_up(f, NULL, BOTH_MECHS);
  g_assert_true(scram_server(s, "n,,", -1, FALSE));
  finish_bind(s);
  g_assert_cmpstr(xmpp_session_get_sasl_mechanism(s->session), ==, "SCRAM-SHA-256");
  g_assert_cmpint(xmpp_session_get_channel_binding(s->session), ==, XMPP_CB_NONE);
  script_free(s);
}

static void
test_T31_unique_on_tls12(Fixture *f, gconstpointer data)
{
  ScriptServer *s = tls_up(f, "NORMAL:-VERS-ALL:+VERS-TLS1.2", BOTH_MECHS);
  g_assert_true(scram_server(s, "p=tls-unique,,", GNUTLS_CB_TLS_UNIQUE, FALSE));
  finish_bind(s);
  g_assert_cmpint(xmpp_session_get_channel_binding(s->session), ==, XMPP_CB_TLS_UNIQUE);
  script_free(s);
}

/* An account that bound before meets a connection that cannot bind (XEP-0440 removed on TLS
 * 1.3): no <auth/> goes out, the session fails with CHANNEL_BINDING_REQUIRED. Twin: the same
 * account on TLS 1.2 binds with tls-unique and signs in. */
static void
test_T31_required_binding(Fixture *f, gconstpointer data)
{
  ScriptServer *s = tls_up_full(f, NULL, BOTH_MECHS, "", TRUE);
  g_assert_error(s->closed_error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED);
  g_assert_false(xmpp_session_is_ready(s->session));
  script_free(s);

  s = tls_up_full(f, "NORMAL:-VERS-ALL:+VERS-TLS1.2", BOTH_MECHS, "", TRUE);
  g_assert_true(scram_server(s, "p=tls-unique,,", GNUTLS_CB_TLS_UNIQUE, FALSE));
  finish_bind(s);
  script_free(s);
}

/* TLS is up but the server offers no -PLUS: 'y' tells it we could have (downgrade detection). */
static void
test_T31_y_flag_without_plus(Fixture *f, gconstpointer data)
{
  ScriptServer *s = tls_up(f, NULL, "<mechanism>SCRAM-SHA-256</mechanism>");
  g_assert_true(scram_server(s, "y,,", -1, FALSE));
  finish_bind(s);
  g_assert_cmpstr(xmpp_session_get_sasl_mechanism(s->session), ==, "SCRAM-SHA-256");
  script_free(s);
}

/* T32: a relaying MitM's server sees another TLS session: its binding differs and the login
 * fails with an authentication error (positive twin: T31 above). */
static void
test_T32_mitm_relay_detected(Fixture *f, gconstpointer data)
{
  ScriptServer *s = tls_up_full(f, NULL, BOTH_MECHS, CB_EXPORTER, FALSE);
  g_assert_false(scram_server(s, "p=tls-exporter,,", GNUTLS_CB_TLS_EXPORTER, TRUE));
  g_assert_error(s->closed_error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_false(xmpp_session_is_ready(s->session));
  script_free(s);
}

/* The same refusal in ejabberd's words: reported as a refused binding, not a wrong password. */
static void
test_T32_refused_binding_named(Fixture *f, gconstpointer data)
{
  ScriptServer *s = tls_up_full(f, NULL, BOTH_MECHS, CB_EXPORTER, FALSE);
  g_assert_false(scram_server_text(s, "p=tls-exporter,,", GNUTLS_CB_TLS_EXPORTER, TRUE,
                                   "Invalid channel binding"));
  g_assert_error(s->closed_error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED);
  script_free(s);
}

/* T27 end to end: a server that does not know the password cannot forge v=. */
static void
test_T27_forged_server_signature(Fixture *f, gconstpointer data)
{
  ScriptServer *s = tls_up(f, NULL, "<mechanism>SCRAM-SHA-256</mechanism>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  g_autofree char *first = b64_of_text(auth);
  const char *cnonce = strstr(first, ",r=") + 3;
  g_autofree char *server_first = g_strdup_printf("r=%sX,s=%s,i=%d", cnonce, SALT, ITERATIONS);
  g_autofree char *sf64 = g_base64_encode((guchar *)server_first, strlen(server_first));
  g_autofree char *challenge =
      g_strdup_printf("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%s</challenge>", sf64);
  script_send(s, challenge);
  g_autoptr(XmppNode) response = script_expect(s, XMPP_NS_SASL, "response");
  const char *forged = "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  g_autofree char *v64 = g_base64_encode((guchar *)forged, strlen(forged));
  g_autofree char *success =
      g_strdup_printf("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%s</success>", v64);
  script_send(s, success);
  g_assert_error(s->closed_error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  script_expect_nothing(s); /* no bind request: the stream was never restarted */
  script_free(s);
}

/* No random data for the SCRAM nonce: the sign-in fails, and no <auth/> with a guessable nonce
 * goes out. */
static void
test_no_random_nonce(Fixture *f, gconstpointer data)
{
  f->random_fails = TRUE;
  ScriptServer *s = tls_up(f, NULL, "<mechanism>SCRAM-SHA-256</mechanism>");
  g_assert_nonnull(s->closed_error);
  g_assert_false(xmpp_session_is_ready(s->session));
  g_assert_false(script_output_contains(s, "<auth"));
  script_free(s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/session/scram/T31_exporter_on_tls13", test_T31_exporter_on_tls13);
  ADD("/session/scram/T31_tls13_without_xep0440", test_T31_tls13_without_xep0440);
  ADD("/session/scram/T31_unique_on_tls12", test_T31_unique_on_tls12);
  ADD("/session/scram/T31_required_binding", test_T31_required_binding);
  ADD("/session/scram/T32_refused_binding_named", test_T32_refused_binding_named);
  ADD("/session/scram/T31_y_flag_without_plus", test_T31_y_flag_without_plus);
  ADD("/session/scram/T32_mitm_relay_detected", test_T32_mitm_relay_detected);
  ADD("/session/scram/T27_forged_server_signature", test_T27_forged_server_signature);
  ADD("/session/scram/no_random_nonce", test_no_random_nonce);
  return g_test_run();
}
