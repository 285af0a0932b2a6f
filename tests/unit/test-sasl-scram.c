/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the SCRAM client: RFC 5802/7677 vectors, SHA-512 cross-check, T26-T29, and the
 * RFC 5802 §5.1 key cache (same proof without PBKDF2, mismatches recompute, failures offer none).
 */
#include <string.h>
#include <gnutls/crypto.h>

#include "sasl/sasl.h"
#include "sasl/sasl-cache.h"
#include "sasl/sasl-scram.h"

/* Random hook that returns a fixed string over and over (the RFC example nonces). */
typedef struct {
  const char *text;
  gsize pos;
} FixedRandom;

static gboolean
fixed_random(gpointer user_data, guint8 *buf, gsize len)
{
  FixedRandom *r = user_data;
  gsize n = strlen(r->text);
  for (gsize k = 0; k < len; k++)
    buf[k] = (guint8)r->text[r->pos++ % n];
  return TRUE;
}

typedef struct {
  FixedRandom random;
  XmppSaslConfig config;
  GPtrArray *warnings;
} Fixture;

static void
record_warning(gpointer user_data, const char *message)
{
  g_ptr_array_add(user_data, g_strdup(message));
}

static void
fixture_init(Fixture *f, const char *nonce)
{
  memset(f, 0, sizeof *f);
  f->random.text = nonce;
  f->warnings = g_ptr_array_new_with_free_func(g_free);
  f->config.authcid = "user";
  f->config.password = "pencil";
  f->config.random = fixed_random;
  f->config.random_user_data = &f->random;
  f->config.scram_nonce_len = strlen(nonce);
  f->config.log_warning = record_warning;
  f->config.log_user_data = f->warnings;
}

static void
fixture_clear(Fixture *f)
{
  g_ptr_array_unref(f->warnings);
}

static void
assert_bytes_str(GBytes *bytes, const char *expected)
{
  g_assert_nonnull(bytes);
  gsize len = 0;
  const char *data = g_bytes_get_data(bytes, &len);
  g_assert_cmpmem(data, len, expected, strlen(expected));
}

static GBytes *
step_str(XmppSasl *sasl, const char *challenge, GError **error)
{
  return xmpp_sasl_step(sasl, (const guint8 *)challenge, strlen(challenge), error);
}

static gboolean
finish_str(XmppSasl *sasl, const char *data, GError **error)
{
  return xmpp_sasl_finish(sasl, (const guint8 *)data, strlen(data), error);
}

/* Runs the exchange up to the client-final message. */
static XmppSasl *
start_exchange(Fixture *f, const char *mech, const char *server_first, GError **error)
{
  const char *offered[] = {mech, NULL};
  XmppSasl *sasl = xmpp_sasl_new(&f->config, offered, NULL);
  g_assert_nonnull(sasl);
  g_assert_cmpstr(xmpp_sasl_get_mechanism(sasl), ==, mech);
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  g_assert_nonnull(first);
  GBytes *final = step_str(sasl, server_first, error);
  if (final != NULL)
    g_bytes_unref(final);
  return sasl;
}

#define RFC5802_SERVER_FIRST                                                                       \
  "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"

static void
test_rfc5802_sha1(void)
{
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  const char *offered[] = {"SCRAM-SHA-1", NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
  g_assert_cmpstr(xmpp_sasl_get_mechanism(sasl), ==, "SCRAM-SHA-1");
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  assert_bytes_str(first, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) final = step_str(sasl, RFC5802_SERVER_FIRST, &error);
  g_assert_no_error(error);
  assert_bytes_str(final, "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                          "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  g_assert_true(finish_str(sasl, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", &error));
  g_assert_no_error(error);
  g_assert_cmpuint(f.warnings->len, ==, 0); /* i=4096 is not low */
  fixture_clear(&f);
}

#define RFC7677_SERVER_FIRST                                                                       \
  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
#define RFC7677_SERVER_FINAL "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

static void
test_rfc7677_sha256(void)
{
  Fixture f;
  fixture_init(&f, "rOprNGfwEbeRWgbNEkqO");
  const char *offered[] = {"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", NULL};
  f.config.tls_active = FALSE; /* n,, as in the RFC */
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
  g_assert_cmpstr(xmpp_sasl_get_mechanism(sasl), ==, "SCRAM-SHA-256");
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  assert_bytes_str(first, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) final = step_str(sasl, RFC7677_SERVER_FIRST, &error);
  g_assert_no_error(error);
  assert_bytes_str(final, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                          "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  /* The server-final sent as a challenge (RFC 6120 §6.3.10), then an empty <success/>. */
  g_autoptr(GBytes) empty = step_str(sasl, RFC7677_SERVER_FINAL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(empty), ==, 0);
  g_assert_true(xmpp_sasl_finish(sasl, NULL, 0, &error));
  g_assert_no_error(error);
  /* A further challenge after completion is refused. */
  g_autoptr(GBytes) again = step_str(sasl, RFC7677_SERVER_FINAL, &error);
  g_assert_null(again);
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  fixture_clear(&f);
}

/* SCRAM-SHA-512 has no RFC vector: compute the expected messages here with GnuTLS directly. */
static void
test_sha512_cross_check(void)
{
  Fixture f;
  const char *cnonce = "Zq8k3!vN~p0[x]sQw7$Ry2Lm";
  fixture_init(&f, cnonce);
  f.config.authcid = "ju,li=et";
  f.config.password = "s3cr\xc3\xa9t"; /* "s3crét", already NFC */
  const char *offered[] = {"SCRAM-SHA-512", "SCRAM-SHA-256", NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
  g_assert_cmpstr(xmpp_sasl_get_mechanism(sasl), ==, "SCRAM-SHA-512");
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  g_autofree char *bare = g_strdup_printf("n=ju=2Cli=3Det,r=%s", cnonce);
  g_autofree char *first_expected = g_strconcat("n,,", bare, NULL);
  assert_bytes_str(first, first_expected);

  const guint8 salt[] = {0x01, 0x02, 0x03, 0xfe, 0xff, 0x00, 0x7f, 0x80, 0x10, 0x20};
  g_autofree char *salt_b64 = g_base64_encode(salt, sizeof salt);
  g_autofree char *snonce = g_strconcat(cnonce, "SERVERpart/+=", NULL);
  g_autofree char *server_first =
      g_strdup_printf("r=%s,s=%s,i=4096,x=future-extension", snonce, salt_b64);
  g_autofree char *without_proof = g_strdup_printf("c=biws,r=%s", snonce);
  g_autofree char *auth_message = g_strjoin(",", bare, server_first, without_proof, NULL);

  guint8 salted[64], ckey[64], skey[64], stored[64], csig[64], ssig[64], proof[64];
  gnutls_datum_t pw = {(unsigned char *)f.config.password, strlen(f.config.password)};
  gnutls_datum_t s = {(unsigned char *)salt, sizeof salt};
  g_assert_cmpint(gnutls_pbkdf2(GNUTLS_MAC_SHA512, &pw, &s, 4096, salted, 64), ==, 0);
  g_assert_cmpint(gnutls_hmac_fast(GNUTLS_MAC_SHA512, salted, 64, "Client Key", 10, ckey), ==, 0);
  g_assert_cmpint(gnutls_hash_fast(GNUTLS_DIG_SHA512, ckey, 64, stored), ==, 0);
  g_assert_cmpint(
      gnutls_hmac_fast(GNUTLS_MAC_SHA512, stored, 64, auth_message, strlen(auth_message), csig), ==,
      0);
  g_assert_cmpint(gnutls_hmac_fast(GNUTLS_MAC_SHA512, salted, 64, "Server Key", 10, skey), ==, 0);
  g_assert_cmpint(
      gnutls_hmac_fast(GNUTLS_MAC_SHA512, skey, 64, auth_message, strlen(auth_message), ssig), ==,
      0);
  for (int k = 0; k < 64; k++)
    proof[k] = ckey[k] ^ csig[k];
  g_autofree char *proof_b64 = g_base64_encode(proof, 64);
  g_autofree char *ssig_b64 = g_base64_encode(ssig, 64);
  g_autofree char *final_expected = g_strdup_printf("%s,p=%s", without_proof, proof_b64);

  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) final = step_str(sasl, server_first, &error);
  g_assert_no_error(error);
  assert_bytes_str(final, final_expected);
  g_autofree char *server_final = g_strdup_printf("v=%s,y=ignored-extension", ssig_b64);
  g_assert_true(finish_str(sasl, server_final, &error));
  g_assert_no_error(error);
  fixture_clear(&f);
}

static void
expect_server_first_error(const char *server_first, gsize len, gint code)
{
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  const char *offered[] = {"SCRAM-SHA-1", NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) final = xmpp_sasl_step(sasl, (const guint8 *)server_first, len, &error);
  if (final != NULL)
    g_error("accepted: %.*s", (int)len, server_first);
  g_assert_error(error, XMPP_SASL_ERROR, code);
  /* After a failure nothing further succeeds. */
  g_assert_false(finish_str(sasl, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", NULL));
  fixture_clear(&f);
}

static void
expect_server_first_ok(const char *server_first)
{
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = start_exchange(&f, "SCRAM-SHA-1", server_first, &error);
  g_assert_no_error(error);
  fixture_clear(&f);
}

static void
test_t26_nonce_prefix(void)
{
  /* Not our nonce, our nonce but nothing added, a shortened prefix, a non-printable addition. */
  const char *bad[] = {
      "r=AAAA+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
      "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",
      "r=fyko+d2lbbFgONRv9qkxdaw,s=QSXCR+Q6sek8bf92,i=4096",
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc NHYJY,s=QSXCR+Q6sek8bf92,i=4096",
  };
  for (gsize k = 0; k < G_N_ELEMENTS(bad); k++)
    expect_server_first_error(bad[k], strlen(bad[k]), XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  expect_server_first_ok(RFC5802_SERVER_FIRST);
}

static void
test_server_first_malformed(void)
{
  const char *bad[] = {
      "s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawL3rfc,i=4096",    /* order */
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92",           /* no i= */
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=,i=4096",                    /* empty value */
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s==,i=4096",                   /* empty salt */
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXC R+Q6sek8bf92,i=4096",   /* bad base64 */
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf9,i=4096",     /* bad base64 length */
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096,",   /* trailing comma */
      "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096,=x", /* bad extension */
      "",
  };
  for (gsize k = 0; k < G_N_ELEMENTS(bad); k++)
    expect_server_first_error(bad[k], strlen(bad[k]), XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  /* Positive twin: an unknown extension after i= is ignored (RFC 5802 §7 "extensions"). */
  expect_server_first_ok(RFC5802_SERVER_FIRST ",x=whatever");
}

static void
test_server_first_too_long(void)
{
  GString *msg = g_string_new(RFC5802_SERVER_FIRST ",x=");
  while (msg->len < XMPP_SCRAM_MAX_SERVER_MESSAGE)
    g_string_append_c(msg, 'a');
  expect_server_first_ok(msg->str); /* exactly at the limit */
  g_string_append_c(msg, 'a');
  expect_server_first_error(msg->str, msg->len, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  g_string_free(msg, TRUE);
}

static void
test_t28_iterations(void)
{
  const char *prefix = "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=";
  const struct {
    const char *value;
    XmppSaslError code;
  } bad[] = {
      {"0", XMPP_SASL_ERROR_ITERATIONS},
      {"-1", XMPP_SASL_ERROR_BAD_SERVER_MESSAGE},
      {"abc", XMPP_SASL_ERROR_BAD_SERVER_MESSAGE},
      {"4294967295", XMPP_SASL_ERROR_ITERATIONS},
      {"1000000000", XMPP_SASL_ERROR_ITERATIONS},
      {"1000001", XMPP_SASL_ERROR_ITERATIONS},
      {"99999999999999999999999", XMPP_SASL_ERROR_ITERATIONS},
      {"+4096", XMPP_SASL_ERROR_BAD_SERVER_MESSAGE},
      {"04096", XMPP_SASL_ERROR_BAD_SERVER_MESSAGE},
      {" 4096", XMPP_SASL_ERROR_BAD_SERVER_MESSAGE},
  };
  for (gsize k = 0; k < G_N_ELEMENTS(bad); k++) {
    g_autofree char *msg = g_strconcat(prefix, bad[k].value, NULL);
    expect_server_first_error(msg, strlen(msg), bad[k].code);
  }
  /* Positive twins: 4096 without a warning, 1 with a warning. */
  g_autofree char *ok = g_strconcat(prefix, "4096", NULL);
  expect_server_first_ok(ok);

  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  g_autofree char *low = g_strconcat(prefix, "1", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = start_exchange(&f, "SCRAM-SHA-1", low, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(f.warnings->len, ==, 1);
  g_assert_nonnull(strstr(g_ptr_array_index(f.warnings, 0), "iterations"));
  fixture_clear(&f);
}

static void
test_t28_configurable_cap(void)
{
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  f.config.scram_max_iterations = 4095;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = start_exchange(&f, "SCRAM-SHA-1", RFC5802_SERVER_FIRST, &error);
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_ITERATIONS);
  fixture_clear(&f);
  /* The default cap accepts exactly XMPP_SCRAM_MAX_ITERATIONS (checked without running it). */
  g_assert_cmpint(XMPP_SCRAM_MAX_ITERATIONS, ==, 1000000);
}

static void
test_t29_reserved_m_and_nul(void)
{
  const char *bad[] = {
      "m=ext," RFC5802_SERVER_FIRST,
      RFC5802_SERVER_FIRST ",m=ext",
  };
  for (gsize k = 0; k < G_N_ELEMENTS(bad); k++)
    expect_server_first_error(bad[k], strlen(bad[k]), XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  /* A NUL in the middle of the decoded challenge. */
  const char with_nul[] = "r=fyko+d2lbbFgONRv9qkxdawL3rfc\0evil,s=QSXCR+Q6sek8bf92,i=4096";
  expect_server_first_error(with_nul, sizeof with_nul - 1, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  /* Invalid UTF-8 is no value-char either. */
  const char *latin1 = RFC5802_SERVER_FIRST ",x=\xe9t\xe9";
  expect_server_first_error(latin1, strlen(latin1), XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  /* Positive twin: the same message without the extra attribute. */
  expect_server_first_ok(RFC5802_SERVER_FIRST);

  /* m= or NUL in the server-final fails too. */
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = start_exchange(&f, "SCRAM-SHA-1", RFC5802_SERVER_FIRST, &error);
  g_assert_no_error(error);
  g_assert_false(finish_str(sasl, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,m=x", &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  fixture_clear(&f);
}

static void
expect_final_error(const char *server_final, gsize len, gint code)
{
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = start_exchange(&f, "SCRAM-SHA-1", RFC5802_SERVER_FIRST, &error);
  g_assert_no_error(error);
  g_assert_false(xmpp_sasl_finish(sasl, (const guint8 *)server_final, len, &error));
  g_assert_error(error, XMPP_SASL_ERROR, code);
  /* A failed object stays failed even if the right data comes next. */
  g_clear_error(&error);
  g_assert_false(finish_str(sasl, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", &error));
  g_assert_nonnull(error);
  fixture_clear(&f);
}

static void
test_t27_server_signature(void)
{
  /* Wrong signature (last byte changed), truncated, missing v=, empty <success/>. */
  expect_final_error("v=rmF9pqV8S7suAoZWja4dJRkFsKA=", 30, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  expect_final_error("v=rmF9pqV8S7suAoZWja4dJRkF", 26, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  expect_final_error("x=rmF9pqV8S7suAoZWja4dJRkFsKQ=", 30, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  expect_final_error("", 0, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  expect_final_error("v=rmF9pqV8S7suAoZWja4dJRkFsKQ", 29, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  const char nul[] = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=\0";
  expect_final_error(nul, sizeof nul - 1, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);

  /* <success/> before the client-final was even sent (still at step 1). */
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  const char *offered[] = {"SCRAM-SHA-1", NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  g_autoptr(GError) error = NULL;
  g_assert_false(xmpp_sasl_finish(sasl, NULL, 0, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  fixture_clear(&f);
  /* The positive twin is test_rfc5802_sha1. */
}

static void
test_server_error_attribute(void)
{
  expect_final_error("e=invalid-proof", 15, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppSasl) sasl = start_exchange(&f, "SCRAM-SHA-1", RFC5802_SERVER_FIRST, &error);
  g_assert_false(finish_str(sasl, "e=unknown-user", &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_nonnull(strstr(error->message, "unknown-user"));
  fixture_clear(&f);
}

static void
test_escape_name(void)
{
  g_autofree char *a = xmpp_sasl_scram_escape_name("a=b,c==,");
  g_assert_cmpstr(a, ==, "a=3Db=2Cc=3D=3D=2C");
  g_autofree char *b = xmpp_sasl_scram_escape_name("plain");
  g_assert_cmpstr(b, ==, "plain");
}

static void
test_authzid_in_gs2_header(void)
{
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  f.config.authzid = "admin=x,y@example.test";
  const char *offered[] = {"SCRAM-SHA-1", NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  assert_bytes_str(first, "n,a=admin=3Dx=2Cy@example.test,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) final = step_str(sasl, RFC5802_SERVER_FIRST, &error);
  g_assert_no_error(error);
  /* c= is base64 of the whole gs2 header */
  g_autofree char *c = g_base64_encode((const guchar *)"n,a=admin=3Dx=2Cy@example.test,", 31);
  g_autofree char *prefix = g_strdup_printf("c=%s,", c);
  g_assert_true(g_str_has_prefix(g_bytes_get_data(final, NULL), prefix));
  fixture_clear(&f);
}

static void
test_password_nfc(void)
{
  /* "é" decomposed (e + U+0301) and precomposed give the same proof: NFC is applied. */
  const char *passwords[] = {"p\x65\xcc\x81", "p\xc3\xa9"};
  char *finals[2];
  for (int k = 0; k < 2; k++) {
    Fixture f;
    fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
    f.config.password = passwords[k];
    const char *offered[] = {"SCRAM-SHA-1", NULL};
    g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
    g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
    g_autoptr(GBytes) final = step_str(sasl, RFC5802_SERVER_FIRST, NULL);
    finals[k] = g_strndup(g_bytes_get_data(final, NULL), g_bytes_get_size(final));
    fixture_clear(&f);
  }
  g_assert_cmpstr(finals[0], ==, finals[1]);
  g_free(finals[0]);
  g_free(finals[1]);
}

/* ---- RFC 5802 §5.1 key cache ---- */

#define RFC5802_CLIENT_FINAL                                                                       \
  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
#define RFC5802_SERVER_FINAL "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="

/* One RFC 5802 exchange with `cache` (may be NULL); returns the client-final and sets *used and
 * *record (the record offered after a successful finish, or NULL). */
static char *
cached_exchange(const char *mech, const char *password, const char *server_first, const char *cache,
                guint max_iterations, gboolean *used, char **record)
{
  Fixture f;
  fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
  f.config.password = password;
  f.config.scram_cache = cache;
  f.config.scram_max_iterations = max_iterations;
  const char *offered[] = {mech, NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  g_autoptr(GBytes) final = step_str(sasl, server_first, NULL);
  *used = xmpp_sasl_used_scram_cache(sasl);
  char *text = final ? g_strndup(g_bytes_get_data(final, NULL), g_bytes_get_size(final)) : NULL;
  /* Nothing is offered before <success/>. */
  g_assert_null(xmpp_sasl_dup_scram_cache(sasl));
  if (record != NULL) {
    *record = NULL;
    if (finish_str(sasl, RFC5802_SERVER_FINAL, NULL))
      *record = xmpp_sasl_dup_scram_cache(sasl);
  }
  fixture_clear(&f);
  return text;
}

static void
test_cache_rfc5802_same_proof(void)
{
  gboolean used = TRUE;
  g_autofree char *record = NULL;
  g_autofree char *fresh =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, NULL, 0, &used, &record);
  g_assert_cmpstr(fresh, ==, RFC5802_CLIENT_FINAL);
  g_assert_false(used);
  g_assert_nonnull(record);
  g_assert_true(g_str_has_prefix(record, "v1:SHA-1:4096:QSXCR+Q6sek8bf92:"));

  /* The record holds RFC 5802 §3 ClientKey and ServerKey, checked here against GnuTLS directly,
   * and neither the password nor SaltedPassword. */
  guint8 salted[20], ckey[20], skey[20];
  gnutls_datum_t pw = {(unsigned char *)"pencil", 6};
  g_autoptr(GBytes) salt = xmpp_sasl_base64_decode("QSXCR+Q6sek8bf92", 64, NULL);
  gnutls_datum_t s = {(unsigned char *)g_bytes_get_data(salt, NULL), g_bytes_get_size(salt)};
  g_assert_cmpint(gnutls_pbkdf2(GNUTLS_MAC_SHA1, &pw, &s, 4096, salted, 20), ==, 0);
  g_assert_cmpint(gnutls_hmac_fast(GNUTLS_MAC_SHA1, salted, 20, "Client Key", 10, ckey), ==, 0);
  g_assert_cmpint(gnutls_hmac_fast(GNUTLS_MAC_SHA1, salted, 20, "Server Key", 10, skey), ==, 0);
  g_auto(GStrv) fields = g_strsplit(record, ":", -1);
  g_assert_cmpuint(g_strv_length(fields), ==, 7);
  g_autofree char *ckey_b64 = g_base64_encode(ckey, 20);
  g_autofree char *skey_b64 = g_base64_encode(skey, 20);
  g_autofree char *salted_b64 = g_base64_encode(salted, 20);
  g_assert_cmpstr(fields[4], ==, ckey_b64);
  g_assert_cmpstr(fields[5], ==, skey_b64);
  g_assert_null(strstr(record, "pencil"));
  g_assert_null(strstr(record, salted_b64));

  /* Second sign-in: same client-final, no PBKDF2, same record offered again. */
  g_autofree char *again = NULL;
  g_autofree char *cached =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, record, 0, &used, &again);
  g_assert_true(used);
  g_assert_cmpstr(cached, ==, RFC5802_CLIENT_FINAL);
  g_assert_cmpstr(again, ==, record);
}

static void
test_cache_rfc7677_same_proof(void)
{
  const char *offered[] = {"SCRAM-SHA-256", NULL};
  g_autofree char *record = NULL;
  for (int round = 0; round < 2; round++) {
    Fixture f;
    fixture_init(&f, "rOprNGfwEbeRWgbNEkqO");
    f.config.scram_cache = record;
    g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
    g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) final = step_str(sasl, RFC7677_SERVER_FIRST, &error);
    g_assert_no_error(error);
    g_assert_cmpint(xmpp_sasl_used_scram_cache(sasl), ==, round == 1);
    assert_bytes_str(final, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                            "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    /* Server-final as a challenge: verified, but not offered until <success/>. */
    g_autoptr(GBytes) empty = step_str(sasl, RFC7677_SERVER_FINAL, &error);
    g_assert_no_error(error);
    g_assert_null(xmpp_sasl_dup_scram_cache(sasl));
    g_assert_true(xmpp_sasl_finish(sasl, NULL, 0, &error));
    g_autofree char *offered_record = xmpp_sasl_dup_scram_cache(sasl);
    g_assert_true(g_str_has_prefix(offered_record, "v1:SHA-256:4096:W22ZaJ0SNY7soEsUEjb6gQ==:"));
    if (round == 1)
      g_assert_cmpstr(offered_record, ==, record);
    g_free(record);
    record = g_steal_pointer(&offered_record);
    fixture_clear(&f);
  }
}

/* A record with the right check but other keys: the exchange must use exactly those keys (so no
 * PBKDF2 ran), and the RFC ServerSignature no longer matches the cached ServerKey. */
static void
test_cache_keys_really_used(void)
{
  guint8 zero[20] = {0};
  g_autoptr(GBytes) salt = xmpp_sasl_base64_decode("QSXCR+Q6sek8bf92", 64, NULL);
  g_autoptr(XmppSaslCache) fake =
      xmpp_sasl_cache_new(GNUTLS_MAC_SHA1, g_bytes_get_data(salt, NULL), g_bytes_get_size(salt),
                          4096, zero, zero, "pencil");
  g_autofree char *record = xmpp_sasl_cache_to_string(fake);
  gboolean used = FALSE;
  g_autofree char *offered = NULL;
  g_autofree char *final =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, record, 0, &used, &offered);
  g_assert_true(used);
  g_assert_nonnull(final);
  g_assert_cmpstr(final, !=, RFC5802_CLIENT_FINAL);
  /* The server signature check failed (T27 still applies): nothing offered for storage. */
  g_assert_null(offered);
}

static void
test_cache_mismatch_recomputes(void)
{
  gboolean used = FALSE;
  g_autofree char *record = NULL;
  g_autofree char *a =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, NULL, 0, &used, &record);
  g_assert_nonnull(record);
  const struct {
    const char *what, *mech, *password, *server_first;
  } cases[] = {
      {"salt", "SCRAM-SHA-1", "pencil",
       "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf93,i=4096"},
      {"iterations", "SCRAM-SHA-1", "pencil",
       "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4097"},
      {"hash", "SCRAM-SHA-256", "pencil", RFC5802_SERVER_FIRST},
      {"password", "SCRAM-SHA-1", "pen", RFC5802_SERVER_FIRST},
  };
  for (gsize k = 0; k < G_N_ELEMENTS(cases); k++) {
    gboolean with = TRUE, without = TRUE;
    g_autofree char *cached = cached_exchange(cases[k].mech, cases[k].password,
                                              cases[k].server_first, record, 0, &with, NULL);
    g_autofree char *fresh = cached_exchange(cases[k].mech, cases[k].password,
                                             cases[k].server_first, NULL, 0, &without, NULL);
    if (with)
      g_error("cache used despite a different %s", cases[k].what);
    g_assert_false(without);
    g_assert_cmpstr(cached, ==, fresh); /* recomputed with PBKDF2, as without a cache */
  }
  /* Positive twin: everything the same, the cache is used. */
  g_autofree char *b =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, record, 0, &used, NULL);
  g_assert_true(used);
  g_assert_cmpstr(b, ==, a);
}

/* The cache skips PBKDF2 only: T26 (nonce) and T28 (iteration cap) checks still run first. */
static void
test_cache_checks_still_apply(void)
{
  gboolean used = FALSE;
  g_autofree char *record = NULL;
  g_autofree char *a =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, NULL, 0, &used, &record);
  g_autofree char *capped =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, record, 4095, &used, NULL);
  g_assert_null(capped);
  g_assert_false(used);
  g_autofree char *bad_nonce = cached_exchange(
      "SCRAM-SHA-1", "pencil", "r=AAAA+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,i=4096", record,
      0, &used, NULL);
  g_assert_null(bad_nonce);
  g_assert_false(used);
  /* Positive twin: the cap at exactly 4096 accepts, from the cache. */
  g_autofree char *ok =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, record, 4096, &used, NULL);
  g_assert_cmpstr(ok, ==, RFC5802_CLIENT_FINAL);
  g_assert_true(used);
}

static void
test_cache_not_offered_on_failure(void)
{
  const char *finals[] = {"v=rmF9pqV8S7suAoZWja4dJRkFsKA=", "e=invalid-proof", "x=whatever"};
  for (gsize k = 0; k < G_N_ELEMENTS(finals); k++) {
    Fixture f;
    fixture_init(&f, "fyko+d2lbbFgONRv9qkxdawL");
    g_autoptr(GError) error = NULL;
    g_autoptr(XmppSasl) sasl = start_exchange(&f, "SCRAM-SHA-1", RFC5802_SERVER_FIRST, &error);
    g_assert_false(finish_str(sasl, finals[k], &error));
    g_assert_null(xmpp_sasl_dup_scram_cache(sasl));
    /* Not even after a late correct server-final: a failed exchange stays failed. */
    g_clear_error(&error);
    g_assert_false(finish_str(sasl, RFC5802_SERVER_FINAL, &error));
    g_assert_null(xmpp_sasl_dup_scram_cache(sasl));
    fixture_clear(&f);
  }
  /* Positive twin: the right server signature offers a record. */
  gboolean used;
  g_autofree char *record = NULL;
  g_autofree char *a =
      cached_exchange("SCRAM-SHA-1", "pencil", RFC5802_SERVER_FIRST, NULL, 0, &used, &record);
  g_assert_nonnull(record);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sasl/scram/rfc5802_sha1", test_rfc5802_sha1);
  g_test_add_func("/sasl/scram/rfc7677_sha256", test_rfc7677_sha256);
  g_test_add_func("/sasl/scram/sha512_cross_check", test_sha512_cross_check);
  g_test_add_func("/sasl/scram/T26_nonce_prefix", test_t26_nonce_prefix);
  g_test_add_func("/sasl/scram/server_first_malformed", test_server_first_malformed);
  g_test_add_func("/sasl/scram/server_first_too_long", test_server_first_too_long);
  g_test_add_func("/sasl/scram/T27_server_signature", test_t27_server_signature);
  g_test_add_func("/sasl/scram/server_error_attribute", test_server_error_attribute);
  g_test_add_func("/sasl/scram/T28_iterations", test_t28_iterations);
  g_test_add_func("/sasl/scram/T28_configurable_cap", test_t28_configurable_cap);
  g_test_add_func("/sasl/scram/T29_reserved_m_and_nul", test_t29_reserved_m_and_nul);
  g_test_add_func("/sasl/scram/escape_name", test_escape_name);
  g_test_add_func("/sasl/scram/authzid_in_gs2_header", test_authzid_in_gs2_header);
  g_test_add_func("/sasl/scram/password_nfc", test_password_nfc);
  g_test_add_func("/sasl/scram/cache/rfc5802_same_proof", test_cache_rfc5802_same_proof);
  g_test_add_func("/sasl/scram/cache/rfc7677_same_proof", test_cache_rfc7677_same_proof);
  g_test_add_func("/sasl/scram/cache/keys_really_used", test_cache_keys_really_used);
  g_test_add_func("/sasl/scram/cache/mismatch_recomputes", test_cache_mismatch_recomputes);
  g_test_add_func("/sasl/scram/cache/checks_still_apply", test_cache_checks_still_apply);
  g_test_add_func("/sasl/scram/cache/not_offered_on_failure", test_cache_not_offered_on_failure);
  return g_test_run();
}
