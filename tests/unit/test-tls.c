/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for XmppTls against an in-process GnuTLS server (tests/common/tls-peer.c). */
#include <gnutls/gnutls.h>
#include <string.h>

#include "stream/tls.h"
#include "test-certs.h"
#include "tls-peer.h"

#define NAME  "example.test"
#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define TLS11 "NORMAL:-VERS-ALL:+VERS-TLS1.1"
#define TLS10 "NORMAL:-VERS-ALL:+VERS-TLS1.0"

static TestPki *pki; /* one root CA for the whole program: key generation is the slow part */

typedef struct {
  TestPki *pki; /* NULL = the program's PKI */
  TestCertKind kind;
  const char *cert_name;   /* NULL = NAME */
  const char *server_name; /* NULL = NAME */
  const char *pin;
  const char *peer_priority;
  const char *client_priority;
  const char *cert_file; /* use this certificate instead of issuing one */
  const char *key_file;
  gboolean system_trust; /* also the system store (the product's default), not only the CA */
} PairSpec;

static TestTlsPair *
pair_new(const PairSpec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL;
  XmppTlsConfig config = {0};
  TestTlsPair *p;

  if (spec->cert_file == NULL) {
    g_assert_true(test_pki_issue(spec->pki != NULL ? spec->pki : pki, spec->kind,
                                 spec->cert_name != NULL ? spec->cert_name : NAME, &cert, &key,
                                 &error));
    g_assert_no_error(error);
  }
  config.server_name = spec->server_name != NULL ? spec->server_name : NAME;
  config.ca_file = test_pki_get_ca_file(pki);
  config.no_system_trust = !spec->system_trust;
  config.pinned_sha256 = spec->pin;
  config.priority = spec->client_priority;
  p = test_tls_pair_new(spec->cert_file != NULL ? spec->cert_file : cert,
                        spec->key_file != NULL ? spec->key_file : key, spec->peer_priority, &config,
                        &error);
  g_assert_no_error(error);
  g_assert_nonnull(p);
  g_assert_cmpuint(p->out->len, >, 0); /* the ClientHello */
  return p;
}

static void
test_handshake_tls13(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(XmppCertInfo) info = NULL;

  g_assert_cmpint(xmpp_tls_get_version(p->tls), ==, 0);
  g_assert_cmpuint(test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
  g_assert_cmpint(xmpp_tls_get_version(p->tls), ==, 13);
  g_assert_cmpint(test_tls_peer_get_version(p->peer), ==, 13);
  info = xmpp_tls_get_peer_cert_info(p->tls);
  g_assert_nonnull(strstr(info->subject, "CN=" NAME));
  g_assert_nonnull(strstr(info->issuer, "Lyre Test Root CA"));
  g_assert_cmpuint(strlen(info->sha256), ==, 32 * 3 - 1);
  test_tls_pair_assert_exchange(p);
  test_tls_pair_free(p);
}

static void
test_handshake_tls12(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD, .peer_priority = TLS12};
  TestTlsPair *p = pair_new(&spec);

  g_assert_cmpuint(test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
  g_assert_cmpint(xmpp_tls_get_version(p->tls), ==, 12);
  test_tls_pair_assert_exchange(p);
  test_tls_pair_free(p);
}

/* Records split across feeds at every byte boundary. */
static void
test_handshake_byte_by_byte(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;

  for (int round = 0; round < 100 && p->done_calls == 0; round++) {
    g_autoptr(GBytes) out = NULL;
    gsize len;
    const guint8 *data;

    g_assert_true(test_tls_peer_feed(p->peer, p->out->data, p->out->len, &error));
    g_assert_no_error(error);
    g_byte_array_set_size(p->out, 0);
    out = test_tls_peer_take_output(p->peer);
    data = g_bytes_get_data(out, &len);
    for (gsize i = 0; i < len; i++) {
      g_assert_true(xmpp_tls_feed(p->tls, data + i, 1, &error));
      g_assert_no_error(error);
    }
  }
  g_assert_cmpuint(p->done_calls, ==, 1);
  g_assert_cmpint(p->verify, ==, XMPP_TLS_VERIFY_ACCEPT);
  test_tls_pair_assert_exchange(p);
  test_tls_pair_free(p);
}

/* TLS 1.3: the server's NewSessionTicket and its first data in one chunk; GnuTLS returns AGAIN
 * after the ticket, and the data behind it must still be delivered by this feed. */
static void
test_tickets_and_data_in_one_chunk(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) flight = NULL;
  g_autoptr(GBytes) tail = NULL;

  g_assert_true(test_tls_peer_feed(p->peer, p->out->data, p->out->len, &error));
  g_byte_array_set_size(p->out, 0);
  flight = test_tls_peer_take_output(p->peer);
  g_assert_true(
      xmpp_tls_feed(p->tls, g_bytes_get_data(flight, NULL), g_bytes_get_size(flight), &error));
  g_assert_cmpuint(p->done_calls, ==, 1);
  g_assert_true(test_tls_peer_feed(p->peer, p->out->data, p->out->len, &error)); /* Finished */
  g_assert_no_error(error);
  g_assert_true(test_tls_peer_is_established(p->peer));
  g_assert_true(test_tls_peer_write(p->peer, (const guint8 *)"hello", 5, &error));
  tail = test_tls_peer_take_output(p->peer);
  g_assert_true(
      xmpp_tls_feed(p->tls, g_bytes_get_data(tail, NULL), g_bytes_get_size(tail), &error));
  g_assert_no_error(error);
  g_assert_cmpmem(p->received->data, p->received->len, "hello", 5);
  test_tls_pair_free(p);
}

/* The system store is parsed only when the CA file does not vouch for the server. */
static void
test_system_trust_lazy_when_ca_file_trusts(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD, .system_trust = TRUE};
  TestTlsPair *p = pair_new(&spec);
  g_assert_false(xmpp_tls_system_trust_loaded(p->tls)); /* not before the handshake */
  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  g_assert_false(xmpp_tls_system_trust_loaded(p->tls)); /* the CA file was enough */
  test_tls_pair_free(p);
}

/* Twin: a certificate the CA file does not vouch for makes it load the system store, and
 * the result is what both together say (here: still not trusted, so ask). */
static void
test_system_trust_loaded_when_ca_file_does_not(void)
{
  PairSpec spec = {.kind = TEST_CERT_SELF_SIGNED, .system_trust = TRUE};
  TestTlsPair *p = pair_new(&spec);
  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ASK);
  g_assert_true(xmpp_tls_system_trust_loaded(p->tls));
  test_tls_pair_free(p);
}

static void
test_ask_then_trusted_delivers(void)
{
  PairSpec spec = {.kind = TEST_CERT_SELF_SIGNED};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ASK);
  g_assert_true(test_tls_peer_write(p->peer, (const guint8 *)"early", 5, &error));
  g_assert_true(test_tls_pair_pump(p, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(p->received->len, ==, 0); /* held back */
  g_assert_false(xmpp_tls_write(p->tls, (const guint8 *)"x", 1, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE);
  g_clear_error(&error);
  g_assert_cmpuint(p->out->len, ==, 0);
  xmpp_tls_set_trusted(p->tls);
  g_assert_true(xmpp_tls_is_established(p->tls));
  g_assert_cmpmem(p->received->data, p->received->len, "early", 5);
  g_byte_array_set_size(p->received, 0);
  test_tls_pair_assert_exchange(p);
  test_tls_pair_free(p);
}

static void
ask_flood(gsize n, gboolean expect_ok)
{
  PairSpec spec = {.kind = TEST_CERT_SELF_SIGNED};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *data = g_malloc0(n);

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ASK);
  g_assert_true(test_tls_peer_write(p->peer, data, n, &error));
  g_assert_cmpint(test_tls_pair_pump(p, &error), ==, expect_ok);
  if (expect_ok) {
    g_assert_no_error(error);
    xmpp_tls_set_trusted(p->tls);
    g_assert_cmpuint(p->received->len, ==, n);
  } else {
    g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_IO);
    g_assert_cmpuint(p->received->len, ==, 0);
  }
  test_tls_pair_free(p);
}

static void
test_ask_pending_limit(void)
{
  ask_flood(XMPP_TLS_MAX_PENDING_BYTES, TRUE);
  ask_flood(XMPP_TLS_MAX_PENDING_BYTES + 1, FALSE);
}

static void
test_T20_garbage_from_server(void)
{
  static const struct {
    const char *data;
    gsize len;
  } garbage[] = {
      {"HTTP/1.1 400 Bad Request\r\n\r\n", 28},
      {"<stream:stream xmlns='jabber:client'>", 37},
      {"\x16\x03\x03\xff\xff", 5},         /* a handshake record claiming 64 KiB */
      {"\x15\x03\x03\x00\x02\x02\x28", 7}, /* a fatal handshake_failure alert */
      {"\x16\x03\x03\x00\x00", 5},         /* an empty handshake record */
  };

  for (gsize i = 0; i < G_N_ELEMENTS(garbage); i++) {
    PairSpec spec = {.kind = TEST_CERT_GOOD};
    TestTlsPair *p = pair_new(&spec);
    g_autoptr(GError) error = NULL;
    g_autofree guint8 *junk = g_malloc(70000);

    memset(junk, 0x41, 70000);
    test_tls_peer_inject(p->peer, (const guint8 *)garbage[i].data, garbage[i].len);
    test_tls_peer_inject(p->peer, junk, 70000);
    g_assert_false(test_tls_pair_pump(p, &error));
    g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_HANDSHAKE);
    g_assert_cmpuint(p->done_calls, ==, 0);
    g_assert_false(xmpp_tls_is_established(p->tls));
    /* Once failed, the session stays failed. */
    g_clear_error(&error);
    g_assert_false(xmpp_tls_feed(p->tls, (const guint8 *)"x", 1, &error));
    g_assert_nonnull(error);
    test_tls_pair_free(p);
  }
}

static void
test_T20_garbage_after_handshake(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;
  static const guint8 record[] = {0x17, 0x03, 0x03, 0x00, 0x20, 'j', 'u', 'n', 'k', 0, 0, 0, 0,
                                  0,    0,    0,    0,    0,    0,   0,   0,   0,   0, 0, 0, 0,
                                  0,    0,    0,    0,    0,    0,   0,   0,   0,   0, 0};

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  g_assert_false(xmpp_tls_feed(p->tls, record, sizeof record, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_IO);
  g_assert_cmpuint(p->received->len, ==, 0);
  test_tls_pair_free(p);
}

static void
old_protocol(const char *peer_priority, int version)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD, .peer_priority = peer_priority};
  PairSpec twin = spec;
  g_autofree char *client_priority = g_strdup_printf("NORMAL:-VERS-ALL:+VERS-TLS1.%d", version);
  g_autoptr(GError) error = NULL;
  TestTlsPair *p = pair_new(&spec);

  g_assert_false(test_tls_pair_pump(p, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_HANDSHAKE);
  g_assert_cmpuint(p->done_calls, ==, 0);
  g_assert_false(xmpp_tls_is_established(p->tls));
  test_tls_pair_free(p);
  g_clear_error(&error);
  /* Twin: the same server is reachable by a client that allows the old version, so the failure
   * above comes from our default priority string. */
  twin.client_priority = client_priority;
  p = pair_new(&twin);
  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  g_assert_cmpint(xmpp_tls_get_version(p->tls), ==, 10 + version);
  test_tls_pair_free(p);
}

static void
test_T22_3des_refused(void)
{
  /* A TLS 1.2 server whose only cipher is 3DES (RFC 7525 §4.1: MUST NOT). */
  static const char *peer_priority =
      "NONE:+VERS-TLS1.2:+3DES-CBC:+SHA1:+ECDHE-ECDSA:+COMP-NULL:+SIGN-ALL:+GROUP-ALL";
  PairSpec spec = {.kind = TEST_CERT_GOOD, .peer_priority = peer_priority};
  PairSpec twin = {.kind = TEST_CERT_GOOD,
                   .peer_priority = peer_priority,
                   .client_priority = "NORMAL:+3DES-CBC"};
  g_autoptr(GError) error = NULL;
  TestTlsPair *p = pair_new(&spec);

  g_assert_false(test_tls_pair_pump(p, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_HANDSHAKE);
  g_assert_cmpuint(p->done_calls, ==, 0);
  test_tls_pair_free(p);
  /* Twin: the server works for a client that allows 3DES. */
  p = pair_new(&twin);
  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  test_tls_pair_free(p);
}

static void
test_T22_tls11_refused(void)
{
  old_protocol(TLS11, 1);
}

static void
test_T22_tls10_refused(void)
{
  old_protocol(TLS10, 0);
}

static void
test_T23_sni(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autofree char *sni = NULL;

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  sni = test_tls_peer_dup_sni(p->peer);
  g_assert_cmpstr(sni, ==, NAME);
  test_tls_pair_free(p);
}

static void
check_binding(TestTlsPair *p, XmppChannelBinding type, int gnutls_type)
{
  g_autoptr(GBytes) client = xmpp_tls_get_channel_binding(p->tls, type);
  g_autoptr(GBytes) server = test_tls_peer_get_channel_binding(p->peer, gnutls_type);

  g_assert_nonnull(client);
  g_assert_nonnull(server);
  g_assert_cmpuint(g_bytes_get_size(client), >=, 12);
  g_assert_true(g_bytes_equal(client, server));
}

static void
test_cb_tls13_exporter(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);

  g_assert_cmpuint(xmpp_tls_get_channel_bindings(p->tls), ==, 0);
  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  g_assert_cmpuint(xmpp_tls_get_channel_bindings(p->tls), ==,
                   XMPP_CB_TLS_EXPORTER | XMPP_CB_TLS_SERVER_END_POINT);
  check_binding(p, XMPP_CB_TLS_EXPORTER, GNUTLS_CB_TLS_EXPORTER);
  check_binding(p, XMPP_CB_TLS_SERVER_END_POINT, GNUTLS_CB_TLS_SERVER_END_POINT);
  g_assert_null(xmpp_tls_get_channel_binding(p->tls, XMPP_CB_TLS_UNIQUE));
  test_tls_pair_free(p);
}

static void
test_cb_tls12_unique(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD, .peer_priority = TLS12};
  TestTlsPair *p = pair_new(&spec);

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  g_assert_cmpuint(xmpp_tls_get_channel_bindings(p->tls), ==,
                   XMPP_CB_TLS_UNIQUE | XMPP_CB_TLS_SERVER_END_POINT);
  check_binding(p, XMPP_CB_TLS_UNIQUE, GNUTLS_CB_TLS_UNIQUE);
  check_binding(p, XMPP_CB_TLS_SERVER_END_POINT, GNUTLS_CB_TLS_SERVER_END_POINT);
  g_assert_null(xmpp_tls_get_channel_binding(p->tls, XMPP_CB_TLS_EXPORTER));
  test_tls_pair_free(p);
}

static void
test_cb_tls12_without_ems(void)
{
  /* Without the extended master secret tls-unique is unsafe (RFC 7627): not offered. */
  PairSpec spec = {.kind = TEST_CERT_GOOD, .peer_priority = TLS12 ":%NO_SESSION_HASH"};
  TestTlsPair *p = pair_new(&spec);

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  g_assert_cmpint(xmpp_tls_get_version(p->tls), ==, 12);
  g_assert_cmpuint(xmpp_tls_get_channel_bindings(p->tls), ==, XMPP_CB_TLS_SERVER_END_POINT);
  g_assert_null(xmpp_tls_get_channel_binding(p->tls, XMPP_CB_TLS_UNIQUE));
  test_tls_pair_free(p);
}

static void
test_free_in_handshake_done(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;

  p->free_on_done = TRUE;
  g_assert_true(test_tls_peer_feed(p->peer, p->out->data, p->out->len, &error));
  g_byte_array_set_size(p->out, 0);
  {
    g_autoptr(GBytes) out = test_tls_peer_take_output(p->peer);

    /* The whole server flight (TLS 1.3: with session tickets after it): nothing may run after
     * the free. */
    g_assert_true(
        xmpp_tls_feed(p->tls, g_bytes_get_data(out, NULL), g_bytes_get_size(out), &error));
  }
  g_assert_no_error(error);
  g_assert_null(p->tls);
  g_assert_cmpuint(p->done_calls, ==, 1);
  test_tls_pair_free(p);
}

static void
test_free_in_receive(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  p->free_on_receive = TRUE;
  g_assert_true(test_tls_peer_write(p->peer, (const guint8 *)"one", 3, &error));
  g_assert_true(test_tls_peer_write(p->peer, (const guint8 *)"two", 3, &error));
  out = test_tls_peer_take_output(p->peer);
  g_assert_true(xmpp_tls_feed(p->tls, g_bytes_get_data(out, NULL), g_bytes_get_size(out), &error));
  g_assert_no_error(error);
  g_assert_null(p->tls);
  g_assert_cmpuint(p->receive_calls, ==, 1);
  g_assert_cmpmem(p->received->data, p->received->len, "one", 3);
  test_tls_pair_free(p);
}

static void
test_close_notify_from_server(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  g_assert_true(test_tls_peer_write(p->peer, (const guint8 *)"bye", 3, &error));
  test_tls_peer_close(p->peer);
  g_assert_false(test_tls_pair_pump(p, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CLOSED);
  /* Data before the close_notify still arrives. */
  g_assert_cmpmem(p->received->data, p->received->len, "bye", 3);
  g_assert_false(xmpp_tls_is_established(p->tls));
  test_tls_pair_free(p);
}

static void
test_close_from_client(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(GError) error = NULL;

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  g_assert_false(test_tls_peer_is_closed(p->peer));
  xmpp_tls_close(p->tls);
  g_assert_true(test_tls_pair_pump(p, &error));
  g_assert_no_error(error);
  g_assert_true(test_tls_peer_is_closed(p->peer));
  g_assert_false(xmpp_tls_write(p->tls, (const guint8 *)"x", 1, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_IO);
  test_tls_pair_free(p);
}

static void
test_config_errors(void)
{
  XmppTlsConfig config = {.server_name = NAME, .no_system_trust = TRUE};
  XmppTlsCallbacks callbacks = {0}; /* all optional */
  g_autoptr(GError) error = NULL;
  XmppTls *tls;

  config.ca_file = "/nonexistent/ca.pem";
  g_assert_null(xmpp_tls_new(&config, &callbacks, NULL, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_INIT);
  g_clear_error(&error);
  config.ca_file = test_pki_get_ca_file(pki);
  config.pinned_sha256 = "not a fingerprint";
  g_assert_null(xmpp_tls_new(&config, &callbacks, NULL, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_INIT);
  g_clear_error(&error);
  config.pinned_sha256 = NULL;
  config.priority = "NORMAL:+NO-SUCH-THING";
  g_assert_null(xmpp_tls_new(&config, &callbacks, NULL, &error));
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_INIT);
  g_clear_error(&error);
  /* Positive twin. */
  config.priority = NULL;
  tls = xmpp_tls_new(&config, &callbacks, NULL, &error);
  g_assert_no_error(error);
  g_assert_nonnull(tls);
  g_assert_false(xmpp_tls_feed(tls, (const guint8 *)"x", 1, &error)); /* not started */
  g_assert_nonnull(error);
  xmpp_tls_free(tls);
  xmpp_tls_free(NULL);
}

int
main(int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init(&argc, &argv, NULL);
  pki = test_pki_new(&error);
  g_assert_no_error(error);
  g_test_add_func("/tls/handshake/tls13_data_both_ways", test_handshake_tls13);
  g_test_add_func("/tls/handshake/tls12_data_both_ways", test_handshake_tls12);
  g_test_add_func("/tls/handshake/byte_by_byte", test_handshake_byte_by_byte);
  g_test_add_func("/tls/handshake/tickets_and_data_in_one_chunk",
                  test_tickets_and_data_in_one_chunk);
  g_test_add_func("/tls/handshake/T22_3des_refused", test_T22_3des_refused);
  g_test_add_func("/tls/handshake/T22_tls11_refused", test_T22_tls11_refused);
  g_test_add_func("/tls/handshake/T22_tls10_refused", test_T22_tls10_refused);
  g_test_add_func("/tls/handshake/T23_sni", test_T23_sni);
  g_test_add_func("/tls/verify/ask_then_trusted_delivers", test_ask_then_trusted_delivers);
  g_test_add_func("/tls/verify/ask_pending_limit", test_ask_pending_limit);
  g_test_add_func("/tls/robust/T20_garbage_from_server", test_T20_garbage_from_server);
  g_test_add_func("/tls/robust/T20_garbage_after_handshake", test_T20_garbage_after_handshake);
  g_test_add_func("/tls/robust/free_in_handshake_done", test_free_in_handshake_done);
  g_test_add_func("/tls/trust/system_lazy_when_ca_file_trusts",
                  test_system_trust_lazy_when_ca_file_trusts);
  g_test_add_func("/tls/trust/system_loaded_when_ca_file_does_not",
                  test_system_trust_loaded_when_ca_file_does_not);
  g_test_add_func("/tls/robust/free_in_receive", test_free_in_receive);
  g_test_add_func("/tls/robust/close_notify_from_server", test_close_notify_from_server);
  g_test_add_func("/tls/robust/close_from_client", test_close_from_client);
  g_test_add_func("/tls/config/errors", test_config_errors);
  g_test_add_func("/tls/channel_binding/tls13_exporter", test_cb_tls13_exporter);
  g_test_add_func("/tls/channel_binding/tls12_unique", test_cb_tls12_unique);
  g_test_add_func("/tls/channel_binding/tls12_without_ems", test_cb_tls12_without_ems);
  ret = g_test_run();
  test_pki_free(pki);
  return ret;
}
