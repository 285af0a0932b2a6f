/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for cert.c and the certificate verification matrix (T16-T21, T24) via XmppTls. */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "stream/tls.h"
#include "test-certs.h"
#include "tls-peer.h"

#define NAME "example.test"

static TestPki *pki; /* one root CA for the verification matrix */

typedef struct {
  TestPki *pki; /* NULL = the program's PKI */
  TestCertKind kind;
  const char *cert_name;   /* NULL = NAME */
  const char *server_name; /* NULL = NAME */
  const char *pin;
  const char *accepted; /* XmppTlsConfig.accepted_sha256 */
  GBytes *(*more_anchors)(gpointer data, guint round);
  gpointer more_anchors_data;
  const char *peer_priority;
  const char *client_priority;
  const char *cert_file; /* use this certificate instead of issuing one */
  const char *key_file;
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
  config.no_system_trust = TRUE;
  config.pinned_sha256 = spec->pin;
  config.accepted_sha256 = spec->accepted;
  config.more_anchors = spec->more_anchors;
  config.more_anchors_data = spec->more_anchors_data;
  config.priority = spec->client_priority;
  p = test_tls_pair_new(spec->cert_file != NULL ? spec->cert_file : cert,
                        spec->key_file != NULL ? spec->key_file : key, spec->peer_priority, &config,
                        &error);
  g_assert_no_error(error);
  g_assert_nonnull(p);
  g_assert_cmpuint(p->out->len, >, 0); /* the ClientHello */
  return p;
}

static guint
run_verify(const PairSpec *spec, XmppTlsVerifyResult expected)
{
  TestTlsPair *p = pair_new(spec);
  guint problems = test_tls_pair_assert_handshake(p, expected);

  test_tls_pair_free(p);
  return problems;
}

static void
test_T16_ca_false_intermediate(void)
{
  PairSpec spec = {.kind = TEST_CERT_CA_FALSE_INTERMEDIATE};
  guint problems = run_verify(&spec, XMPP_TLS_VERIFY_ASK);

  g_assert_true(problems & XMPP_CERT_UNTRUSTED);
}

static void
test_T16_good_via_intermediate(void)
{
  PairSpec spec = {.kind = TEST_CERT_GOOD_VIA_INTERMEDIATE};

  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
}

static void
test_T17_wrong_name(void)
{
  PairSpec spec = {.kind = TEST_CERT_WRONG_NAME};

  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_HOSTNAME_MISMATCH);
}

static void
test_T17_right_name(void)
{
  /* The same kind of certificate is fine for the name it was made for. */
  PairSpec spec = {.kind = TEST_CERT_WRONG_NAME, .server_name = "evil-" NAME};

  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
}

static void
test_T18_connect_host_cert(void)
{
  /* A valid certificate for the host we connect to (SRV target) is not one for the domain. */
  PairSpec spec = {.kind = TEST_CERT_GOOD, .cert_name = "xmpp.evil.test"};

  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_HOSTNAME_MISMATCH);
}

static void
test_T19_expired(void)
{
  PairSpec spec = {.kind = TEST_CERT_EXPIRED};

  g_assert_true(run_verify(&spec, XMPP_TLS_VERIFY_ASK) & XMPP_CERT_EXPIRED);
}

static void
test_T19_not_yet_valid(void)
{
  PairSpec spec = {.kind = TEST_CERT_NOT_YET_VALID};

  g_assert_true(run_verify(&spec, XMPP_TLS_VERIFY_ASK) & XMPP_CERT_NOT_ACTIVATED);
}

static void
test_T19_self_signed(void)
{
  PairSpec spec = {.kind = TEST_CERT_SELF_SIGNED};

  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_UNTRUSTED);
}

static void
test_T19_unknown_ca(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPki) other = test_pki_new(&error);
  PairSpec spec = {.pki = other, .kind = TEST_CERT_GOOD};

  g_assert_no_error(error);
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_UNTRUSTED);
}

/* The fingerprint the client sees for a certificate file, from an ASK handshake. */
static char *
fingerprint_of(const char *cert_file, const char *key_file)
{
  PairSpec spec = {.cert_file = cert_file, .key_file = key_file};
  TestTlsPair *p = pair_new(&spec);
  g_autoptr(XmppCertInfo) info = NULL;
  char *fp;

  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ASK);
  info = xmpp_tls_get_peer_cert_info(p->tls);
  fp = g_strdup(info->sha256);
  test_tls_pair_free(p);
  return fp;
}

static void
test_T19_pin_accepts(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL, *fp = NULL, *pin = NULL;
  PairSpec spec = {0};
  TestTlsPair *p;

  g_assert_true(test_pki_issue(pki, TEST_CERT_SELF_SIGNED, NAME, &cert, &key, &error));
  fp = fingerprint_of(cert, key);
  /* The user typed it in lower case with spaces: still the same pin. */
  pin = g_ascii_strdown(fp, -1);
  g_strdelimit(pin, ":", ' ');
  spec.cert_file = cert;
  spec.key_file = key;
  spec.pin = pin;
  p = pair_new(&spec);
  test_tls_pair_assert_handshake(p, XMPP_TLS_VERIFY_ACCEPT);
  test_tls_pair_assert_exchange(p);
  test_tls_pair_free(p);
}

static void
test_T24_pin_changed(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert1 = NULL, *key1 = NULL, *cert2 = NULL, *key2 = NULL, *fp1 = NULL;
  PairSpec spec = {0};

  g_assert_true(test_pki_issue(pki, TEST_CERT_SELF_SIGNED, NAME, &cert1, &key1, &error));
  g_assert_true(test_pki_issue(pki, TEST_CERT_SELF_SIGNED, NAME, &cert2, &key2, &error));
  fp1 = fingerprint_of(cert1, key1);
  spec.cert_file = cert2;
  spec.key_file = key2;
  spec.pin = fp1;
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==,
                   XMPP_CERT_UNTRUSTED | XMPP_CERT_PIN_MISMATCH);
}

/* The certificate the user chose to always accept (libpurple's tls_peers store) is a pin like
 * the account's own; a different one asks again, saying the certificate changed. */
static void
test_T24_accepted_store_pin(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert1 = NULL, *key1 = NULL, *cert2 = NULL, *key2 = NULL, *fp1 = NULL;
  g_assert_true(test_pki_issue(pki, TEST_CERT_SELF_SIGNED, NAME, &cert1, &key1, &error));
  g_assert_true(test_pki_issue(pki, TEST_CERT_SELF_SIGNED, NAME, &cert2, &key2, &error));
  fp1 = fingerprint_of(cert1, key1);
  PairSpec same = {.cert_file = cert1, .key_file = key1, .accepted = fp1};
  g_assert_cmpuint(run_verify(&same, XMPP_TLS_VERIFY_ACCEPT), ==, XMPP_CERT_UNTRUSTED);
  PairSpec other = {.cert_file = cert2, .key_file = key2, .accepted = fp1};
  g_assert_cmpuint(run_verify(&other, XMPP_TLS_VERIFY_ASK), ==,
                   XMPP_CERT_UNTRUSTED | XMPP_CERT_PIN_MISMATCH);
  /* A store entry that is not a fingerprint is no pin (and no error). */
  PairSpec junk = {.cert_file = cert1, .key_file = key1, .accepted = "zz"};
  g_assert_cmpuint(run_verify(&junk, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_UNTRUSTED);
}

typedef struct {
  const char *pem_file; /* what to hand out in the last round, or NULL: junk */
  guint rounds;         /* rounds before it: empty */
  guint calls;
} Anchors;

static GBytes *
give_anchors(gpointer data, guint round)
{
  Anchors *a = data;
  a->calls++;
  g_assert_cmpuint(round, ==, a->calls - 1);
  if (round < a->rounds)
    return g_bytes_new_static("", 0);
  if (round > a->rounds)
    return NULL; /* no more */
  if (a->pem_file == NULL)
    return g_bytes_new_static("not a certificate", 17);
  gchar *text = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents(a->pem_file, &text, &len, NULL));
  return g_bytes_new_take(text, len);
}

/* libpurple's CA pool (the host's extra anchors) vouches for a server whose CA is neither the
 * account's CA file nor the system's; it is asked for only when those do not vouch. */
static void
test_T19_host_anchors(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPki) org = test_pki_new(&error);
  g_assert_no_error(error);
  Anchors a = {.pem_file = test_pki_get_ca_file(org)};
  PairSpec spec = {
      .pki = org, .kind = TEST_CERT_GOOD, .more_anchors = give_anchors, .more_anchors_data = &a};
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
  g_assert_cmpuint(a.calls, ==, 1); /* vouched: no second round */
  Anchors later = {.pem_file = test_pki_get_ca_file(org), .rounds = 2};
  spec.more_anchors_data = &later;
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
  g_assert_cmpuint(later.calls, ==, 3);
  /* Twins: anchors from another CA, or unreadable ones, do not vouch. */
  g_autoptr(TestPki) other = test_pki_new(&error);
  Anchors wrong = {.pem_file = test_pki_get_ca_file(other)};
  spec.more_anchors_data = &wrong;
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_UNTRUSTED);
  g_assert_cmpuint(wrong.calls, ==, 2); /* until the host said it has no more */
  Anchors junk = {.pem_file = NULL};
  spec.more_anchors_data = &junk;
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_UNTRUSTED);
  /* The CA file already vouches: the host is never asked. */
  Anchors unused = {.pem_file = test_pki_get_ca_file(org)};
  PairSpec trusted = {
      .kind = TEST_CERT_GOOD, .more_anchors = give_anchors, .more_anchors_data = &unused};
  g_assert_cmpuint(run_verify(&trusted, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
  g_assert_cmpuint(unused.calls, ==, 0);
  /* The anchors never beat the name check. */
  Anchors named = {.pem_file = test_pki_get_ca_file(org)};
  PairSpec wrong_name = {.pki = org,
                         .kind = TEST_CERT_GOOD,
                         .cert_name = "other.test",
                         .more_anchors = give_anchors,
                         .more_anchors_data = &named};
  g_assert_cmpuint(run_verify(&wrong_name, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_HOSTNAME_MISMATCH);
}

static void
test_T24_pin_ignored_when_trusted(void)
{
  /* A CA-trusted certificate needs no pin; a stale pin does not turn it into a prompt. */
  PairSpec spec = {.kind = TEST_CERT_GOOD, .pin = "00:11"};

  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
}

static void
test_T21_wildcard(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL;
  PairSpec spec = {0};

  /* SAN "*.example.test" */
  g_assert_true(test_pki_issue(pki, TEST_CERT_WILDCARD, "a." NAME, &cert, &key, &error));
  spec.cert_file = cert;
  spec.key_file = key;
  spec.server_name = "a." NAME;
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
  spec.server_name = "b." NAME;
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
  spec.server_name = NAME;
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_HOSTNAME_MISMATCH);
  spec.server_name = "a.b." NAME;
  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_HOSTNAME_MISMATCH);
}

static void
test_T21_cn_only(void)
{
  /* Observed with GnuTLS 3.7: without any DNS SAN it still falls back to the CN (RFC 6125
   * §6.4.4 allows it; RFC 9525 does not). The test pins the behaviour down so that a change
   * shows up here. */
  PairSpec spec = {.kind = TEST_CERT_CN_ONLY};
  PairSpec other = {.kind = TEST_CERT_CN_ONLY, .server_name = "other." NAME};

  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
  g_assert_cmpuint(run_verify(&other, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_HOSTNAME_MISMATCH);
}

static void
test_T21_san_and_other_cn(void)
{
  /* CN = example.test but SAN = other-example.test: the CN is ignored (RFC 6125 §6.4.4). */
  PairSpec spec = {.kind = TEST_CERT_SAN_AND_OTHER_CN};
  PairSpec twin = {.kind = TEST_CERT_SAN_AND_OTHER_CN, .server_name = "other-" NAME};

  g_assert_cmpuint(run_verify(&spec, XMPP_TLS_VERIFY_ASK), ==, XMPP_CERT_HOSTNAME_MISMATCH);
  g_assert_cmpuint(run_verify(&twin, XMPP_TLS_VERIFY_ACCEPT), ==, 0);
}

static void
test_normalize_accepts(void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
      {"ab cd", "AB:CD"},     {"AB:CD", "AB:CD"},  {"abcd", "AB:CD"}, {"aB-cD", "AB:CD"},
      {"  ab:cd  ", "AB:CD"}, {"ab: cd", "AB:CD"}, {"00", "00"},
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = xmpp_tls_normalize_fingerprint(cases[i].in);

    g_assert_cmpstr(got, ==, cases[i].out);
  }
}

static void
test_normalize_rejects(void)
{
  static const char *const bad[] = {"",     "   ",   "abc",       "xyz",    "A:BCD",
                                    "ab:c", "ab;cd", "sha256:ab", "ab\ncd", "ａｂ"};

  g_assert_null(xmpp_tls_normalize_fingerprint(NULL));
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
    g_assert_null(xmpp_tls_normalize_fingerprint(bad[i]));
}

static void
test_normalize_sha256_length(void)
{
  /* A real SHA-256 pin round-trips. */
  guint8 digest[32];
  g_autofree char *formatted = NULL, *lower = NULL, *again = NULL;

  for (gsize i = 0; i < sizeof digest; i++)
    digest[i] = (guint8)(i * 37 + 5);
  formatted = xmpp_cert_format_fingerprint(digest, sizeof digest);
  g_assert_cmpuint(strlen(formatted), ==, 95);
  g_assert_true(g_str_has_prefix(formatted, "05:2A:4F:"));
  lower = g_ascii_strdown(formatted, -1);
  again = xmpp_tls_normalize_fingerprint(lower);
  g_assert_cmpstr(again, ==, formatted);
}

/* DER of the leaf in a PEM chain file. */
static GBytes *
load_leaf_der(const char *pem_file)
{
  g_autofree char *pem = NULL;
  gsize len = 0;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t in, der = {NULL, 0};
  GBytes *bytes;

  g_assert_true(g_file_get_contents(pem_file, &pem, &len, NULL));
  in.data = (unsigned char *)pem;
  in.size = (unsigned int)len;
  g_assert_cmpint(gnutls_x509_crt_init(&crt), ==, 0);
  g_assert_cmpint(gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  bytes = g_bytes_new(der.data, der.size);
  gnutls_free(der.data);
  gnutls_x509_crt_deinit(crt);
  return bytes;
}

static void
test_info_from_der(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL, *expected = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(XmppCertInfo) info = NULL;
  g_autoptr(XmppCertInfo) copy = NULL;
  guint8 digest[32];
  size_t digest_len = sizeof digest;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;

  g_assert_no_error(error);
  g_assert_true(test_pki_issue(pki, TEST_CERT_GOOD, "example.test", &cert, &key, &error));
  der = load_leaf_der(cert);
  info = xmpp_cert_info_new_from_der(g_bytes_get_data(der, NULL), g_bytes_get_size(der), &error);
  g_assert_no_error(error);
  g_assert_nonnull(info);
  g_assert_cmpstr(info->subject, ==, "CN=example.test");
  g_assert_cmpstr(info->issuer, ==, "CN=Lyre Test Root CA");
  g_assert_cmpint(info->not_before, <, now);
  g_assert_cmpint(info->not_after, >, now);
  g_assert_cmpuint(info->problems, ==, 0);
  g_assert_true(g_bytes_equal(info->der, der));
  /* The fingerprint is GnuTLS's own SHA-256 of the certificate. */
  datum.data = (unsigned char *)g_bytes_get_data(der, NULL);
  datum.size = (unsigned int)g_bytes_get_size(der);
  g_assert_cmpint(gnutls_x509_crt_init(&crt), ==, 0);
  g_assert_cmpint(gnutls_x509_crt_import(crt, &datum, GNUTLS_X509_FMT_DER), ==, 0);
  g_assert_cmpint(gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, digest, &digest_len), ==,
                  0);
  gnutls_x509_crt_deinit(crt);
  expected = xmpp_cert_format_fingerprint(digest, digest_len);
  g_assert_cmpstr(info->sha256, ==, expected);

  info->problems = XMPP_CERT_EXPIRED;
  copy = xmpp_cert_info_copy(info);
  g_assert_cmpstr(copy->subject, ==, info->subject);
  g_assert_cmpstr(copy->sha256, ==, info->sha256);
  g_assert_cmpuint(copy->problems, ==, XMPP_CERT_EXPIRED);
  g_assert_true(g_bytes_equal(copy->der, info->der));
  g_assert_null(xmpp_cert_info_copy(NULL));
  xmpp_cert_info_free(NULL);
}

static void
test_T20_garbage_der(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL;
  g_autoptr(GBytes) der = NULL;
  const guint8 *data;
  gsize len;
  static const guint8 junk[] = {0x30, 0x82, 0xff, 0xff, 0x00, 0x01, 0x02};
  static const guint8 zero[] = {0};
  XmppCertInfo *info;

  g_assert_true(test_pki_issue(pki, TEST_CERT_GOOD, "example.test", &cert, &key, &error));
  der = load_leaf_der(cert);
  data = g_bytes_get_data(der, &len);

  info = xmpp_cert_info_new_from_der(junk, sizeof junk, &error);
  g_assert_null(info);
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE);
  g_clear_error(&error);
  info = xmpp_cert_info_new_from_der(zero, 0, &error); /* zero-length certificate */
  g_assert_null(info);
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE);
  g_clear_error(&error);
  info = xmpp_cert_info_new_from_der(NULL, 0, &error);
  g_assert_null(info);
  g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE);
  g_clear_error(&error);
  /* Truncated at every length: never a crash, never a certificate. */
  for (gsize cut = 1; cut < len; cut++) {
    info = xmpp_cert_info_new_from_der(data, cut, &error);
    g_assert_null(info);
    g_assert_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE);
    g_clear_error(&error);
  }
  /* Positive twin: the whole DER parses. */
  info = xmpp_cert_info_new_from_der(data, len, &error);
  g_assert_no_error(error);
  g_assert_nonnull(info);
  xmpp_cert_info_free(info);
}

static void
test_problems_map(void)
{
  static const struct {
    guint status;
    guint problems;
  } cases[] = {
      {0, XMPP_CERT_OK},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND, XMPP_CERT_UNTRUSTED},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_CA, XMPP_CERT_UNTRUSTED},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE, XMPP_CERT_UNTRUSTED},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_EXPIRED, XMPP_CERT_EXPIRED},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_NOT_ACTIVATED, XMPP_CERT_NOT_ACTIVATED},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER, XMPP_CERT_HOSTNAME_MISMATCH},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_REVOKED, XMPP_CERT_REVOKED},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_INSECURE_ALGORITHM, XMPP_CERT_INSECURE_ALGORITHM},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNATURE_FAILURE, XMPP_CERT_INVALID},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_PURPOSE_MISMATCH, XMPP_CERT_INVALID},
      {GNUTLS_CERT_INVALID | GNUTLS_CERT_EXPIRED | GNUTLS_CERT_UNEXPECTED_OWNER,
       XMPP_CERT_EXPIRED | XMPP_CERT_HOSTNAME_MISMATCH},
      /* Bits we do not know are never "OK". */
      {GNUTLS_CERT_INVALID, XMPP_CERT_UNTRUSTED},
      {1u << 30, XMPP_CERT_UNTRUSTED},
  };

  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
    g_assert_cmpuint(xmpp_cert_problems_from_gnutls(cases[i].status), ==, cases[i].problems);
}

static void
test_pki_cleanup(void)
{
  g_autoptr(GError) error = NULL;
  TestPki *own = test_pki_new(&error);
  g_autofree char *dir = NULL, *cert = NULL, *key = NULL;

  g_assert_no_error(error);
  dir = g_strdup(test_pki_get_dir(own));
  g_assert_true(g_file_test(test_pki_get_ca_file(own), G_FILE_TEST_IS_REGULAR));
  g_assert_true(
      test_pki_issue(own, TEST_CERT_GOOD_VIA_INTERMEDIATE, "example.test", &cert, &key, &error));
  g_assert_true(g_file_test(cert, G_FILE_TEST_IS_REGULAR));
  g_assert_true(g_file_test(key, G_FILE_TEST_IS_REGULAR));
  g_assert_false(test_pki_issue(own, TEST_CERT_WILDCARD, "localhost", NULL, NULL, &error));
  g_assert_error(error, TEST_PKI_ERROR, 0);
  test_pki_free(own);
  g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
}

int
main(int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init(&argc, &argv, NULL);
  pki = test_pki_new(&error);
  g_assert_no_error(error);
  g_test_add_func("/cert/fingerprint/normalize_accepts", test_normalize_accepts);
  g_test_add_func("/cert/fingerprint/normalize_rejects", test_normalize_rejects);
  g_test_add_func("/cert/fingerprint/sha256_round_trip", test_normalize_sha256_length);
  g_test_add_func("/cert/info/from_der", test_info_from_der);
  g_test_add_func("/cert/info/T20_garbage_der", test_T20_garbage_der);
  g_test_add_func("/cert/problems/map", test_problems_map);
  g_test_add_func("/cert/pki/cleanup", test_pki_cleanup);
  g_test_add_func("/cert/verify/T16_ca_false_intermediate", test_T16_ca_false_intermediate);
  g_test_add_func("/cert/verify/T16_good_via_intermediate", test_T16_good_via_intermediate);
  g_test_add_func("/cert/verify/T17_wrong_name", test_T17_wrong_name);
  g_test_add_func("/cert/verify/T17_right_name", test_T17_right_name);
  g_test_add_func("/cert/verify/T18_connect_host_cert", test_T18_connect_host_cert);
  g_test_add_func("/cert/verify/T19_expired", test_T19_expired);
  g_test_add_func("/cert/verify/T19_not_yet_valid", test_T19_not_yet_valid);
  g_test_add_func("/cert/verify/T19_self_signed", test_T19_self_signed);
  g_test_add_func("/cert/verify/T19_unknown_ca", test_T19_unknown_ca);
  g_test_add_func("/cert/verify/T19_pin_accepts", test_T19_pin_accepts);
  g_test_add_func("/cert/verify/T24_pin_changed", test_T24_pin_changed);
  g_test_add_func("/cert/verify/T24_accepted_store_pin", test_T24_accepted_store_pin);
  g_test_add_func("/cert/verify/T19_host_anchors", test_T19_host_anchors);
  g_test_add_func("/cert/verify/T24_pin_ignored_when_trusted", test_T24_pin_ignored_when_trusted);
  g_test_add_func("/cert/verify/T21_wildcard", test_T21_wildcard);
  g_test_add_func("/cert/verify/T21_cn_only", test_T21_cn_only);
  g_test_add_func("/cert/verify/T21_san_and_other_cn", test_T21_san_and_other_cn);
  ret = g_test_run();
  test_pki_free(pki);
  return ret;
}
