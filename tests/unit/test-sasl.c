/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for XmppSasl: mechanism choice (T13, T25), channel binding / GS2 flag (T31), PLAIN,
 * failure conditions (T33), state errors and the XEP-0078 digest. */
#include <string.h>

#include "sasl/sasl.h"

typedef struct {
  XmppSaslConfig config;
  GPtrArray *warnings;
  guint cb_requests; /* bit set of the types asked for */
  gboolean cb_return_null;
} Fixture;

static void
record_warning(gpointer user_data, const char *message)
{
  Fixture *f = user_data;
  g_ptr_array_add(f->warnings, g_strdup(message));
}

/* Channel binding data: a recognisable byte string per type (binary, with a NUL in it). */
static GBytes *
fake_cb(gpointer user_data, XmppChannelBinding type)
{
  Fixture *f = user_data;
  f->cb_requests |= type;
  if (f->cb_return_null)
    return NULL;
  g_autofree char *text = g_strdup_printf("CB:%s", xmpp_channel_binding_name(type));
  GByteArray *data = g_byte_array_new();
  g_byte_array_append(data, (const guint8 *)text, strlen(text));
  g_byte_array_append(data, (const guint8 *)"\0\xff", 2);
  return g_byte_array_free_to_bytes(data);
}

static void
fixture_init(Fixture *f, gboolean tls)
{
  memset(f, 0, sizeof *f);
  f->warnings = g_ptr_array_new_with_free_func(g_free);
  f->config.authcid = "romeo";
  f->config.password = "wherefore";
  f->config.tls_active = tls;
  f->config.log_warning = record_warning;
  f->config.log_user_data = f;
  if (tls) {
    f->config.get_channel_binding = fake_cb;
    f->config.cb_user_data = f;
  }
}

static void
fixture_clear(Fixture *f)
{
  g_ptr_array_unref(f->warnings);
}

static char *
choose(Fixture *f, const char *const *offered, GError **error)
{
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f->config, offered, error);
  return sasl ? g_strdup(xmpp_sasl_get_mechanism(sasl)) : NULL;
}

static const char *const all_mechs[] = {"PLAIN",
                                        "DIGEST-MD5",
                                        "SCRAM-SHA-1",
                                        "SCRAM-SHA-1-PLUS",
                                        "SCRAM-SHA-256",
                                        "SCRAM-SHA-256-PLUS",
                                        "SCRAM-SHA-512-PLUS",
                                        "SCRAM-SHA-512",
                                        "X-OAUTH2",
                                        NULL};

static void
test_preference_order(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_EXPORTER;
  g_autofree char *m1 = choose(&f, all_mechs, NULL);
  g_assert_cmpstr(m1, ==, "SCRAM-SHA-512-PLUS");
  const char *no_plus[] = {"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", NULL};
  g_autofree char *m2 = choose(&f, no_plus, NULL);
  g_assert_cmpstr(m2, ==, "SCRAM-SHA-256");
  const char *sha1_plus[] = {"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", NULL};
  g_autofree char *m3 = choose(&f, sha1_plus, NULL);
  g_assert_cmpstr(m3, ==, "SCRAM-SHA-1-PLUS"); /* channel binding beats the stronger hash */
  /* Without channel binding data, -PLUS is skipped. */
  f.config.cb_available = 0;
  g_autofree char *m4 = choose(&f, all_mechs, NULL);
  g_assert_cmpstr(m4, ==, "SCRAM-SHA-512");
  fixture_clear(&f);
}

static void
test_never_other_mechanisms(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  const char *weak[] = {"DIGEST-MD5", "CRAM-MD5", "ANONYMOUS", "scram-sha-1", NULL};
  g_autoptr(GError) error = NULL;
  g_assert_null(choose(&f, weak, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
  g_clear_error(&error);
  const char *none[] = {NULL};
  g_assert_null(choose(&f, none, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
  fixture_clear(&f);
}

static void
test_t13_plain_without_tls(void)
{
  Fixture f;
  fixture_init(&f, FALSE);
  const char *plain[] = {"PLAIN", NULL};
  g_autoptr(GError) error = NULL;
  g_assert_null(choose(&f, plain, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
  /* Positive twin: the explicit account option allows it, with a warning. */
  f.config.allow_plain_in_clear = TRUE;
  g_autofree char *m = choose(&f, plain, NULL);
  g_assert_cmpstr(m, ==, "PLAIN");
  g_assert_cmpuint(f.warnings->len, ==, 1);
  fixture_clear(&f);
}

static void
test_t25_plain_only_after_tls(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  const char *plain[] = {"PLAIN", NULL};
  g_autofree char *m = choose(&f, plain, NULL);
  g_assert_cmpstr(m, ==, "PLAIN");
  g_assert_cmpuint(f.warnings->len, ==, 1);
  g_assert_nonnull(strstr(g_ptr_array_index(f.warnings, 0), "PLAIN"));
  /* Twin: with SCRAM on offer there is no PLAIN and no warning. */
  const char *both[] = {"PLAIN", "SCRAM-SHA-1", NULL};
  g_autofree char *m2 = choose(&f, both, NULL);
  g_assert_cmpstr(m2, ==, "SCRAM-SHA-1");
  g_assert_cmpuint(f.warnings->len, ==, 1);
  fixture_clear(&f);
}

static void
test_plain_message(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.authzid = "juliet@example.test";
  const char *plain[] = {"PLAIN", NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, plain, NULL);
  g_autoptr(GBytes) msg = xmpp_sasl_start(sasl, NULL);
  static const char expected[] = "juliet@example.test\0romeo\0wherefore";
  g_assert_cmpmem(g_bytes_get_data(msg, NULL), g_bytes_get_size(msg), expected,
                  sizeof expected - 1);
  /* PLAIN has no challenge; success carries no data. */
  g_autoptr(GError) error = NULL;
  g_assert_true(xmpp_sasl_finish(sasl, NULL, 0, &error));
  g_assert_no_error(error);

  g_autoptr(XmppSasl) sasl2 = xmpp_sasl_new(&f.config, plain, NULL);
  g_autoptr(GBytes) msg2 = xmpp_sasl_start(sasl2, NULL);
  g_assert_null(xmpp_sasl_step(sasl2, (const guint8 *)"x", 1, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
  fixture_clear(&f);
}

static void
test_plain_no_authzid(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  const char *plain[] = {"PLAIN", NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, plain, NULL);
  g_autoptr(GBytes) msg = xmpp_sasl_start(sasl, NULL);
  static const char expected[] = "\0romeo\0wherefore";
  g_assert_cmpmem(g_bytes_get_data(msg, NULL), g_bytes_get_size(msg), expected,
                  sizeof expected - 1);
  /* Starting twice is a programmer error that reports an error, not a second message. */
  g_autoptr(GError) error = NULL;
  g_assert_null(xmpp_sasl_start(sasl, &error));
  g_assert_nonnull(error);
  fixture_clear(&f);
}

/* Returns the client-first message as a string. */
static char *
first_message(Fixture *f, const char *const *offered, char **mech_out)
{
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f->config, offered, NULL);
  g_assert_nonnull(sasl);
  if (mech_out)
    *mech_out = g_strdup(xmpp_sasl_get_mechanism(sasl));
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  return g_strndup(g_bytes_get_data(first, NULL), g_bytes_get_size(first));
}

static void
test_t31_gs2_flag_y(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_EXPORTER;
  const char *no_plus[] = {"SCRAM-SHA-256", NULL};
  g_autofree char *first = first_message(&f, no_plus, NULL);
  g_assert_true(g_str_has_prefix(first, "y,,n=romeo,r="));
  fixture_clear(&f);
}

static void
test_t31_gs2_flag_n_without_tls(void)
{
  Fixture f;
  fixture_init(&f, FALSE);
  /* Even a (buggy) TLS layer claiming bindings must not matter without TLS. */
  f.config.cb_available = XMPP_CB_TLS_EXPORTER;
  f.config.get_channel_binding = fake_cb;
  f.config.cb_user_data = &f;
  g_autofree char *mech = NULL;
  g_autofree char *first = first_message(&f, all_mechs, &mech);
  g_assert_cmpstr(mech, ==, "SCRAM-SHA-512");
  g_assert_true(g_str_has_prefix(first, "n,,n=romeo,r="));
  g_assert_cmpuint(f.cb_requests, ==, 0);
  fixture_clear(&f);
}

/* Runs a -PLUS exchange to the client-final and checks c= = base64(gs2 header + cb data). */
static void
check_plus(Fixture *f, const char *const *offered, const char *mech, XmppChannelBinding type)
{
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f->config, offered, NULL);
  g_assert_nonnull(sasl);
  g_assert_cmpstr(xmpp_sasl_get_mechanism(sasl), ==, mech);
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  const char *name = xmpp_channel_binding_name(type);
  g_autofree char *gs2 = g_strdup_printf("p=%s,,", name);
  g_autofree char *first_str = g_strndup(g_bytes_get_data(first, NULL), g_bytes_get_size(first));
  g_assert_true(g_str_has_prefix(first_str, gs2));

  const char *nonce = strstr(first_str, ",r=") + 3;
  g_autofree char *server_first = g_strdup_printf("r=%sSRV,s=QSXCR+Q6sek8bf92,i=4096", nonce);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) final =
      xmpp_sasl_step(sasl, (const guint8 *)server_first, strlen(server_first), &error);
  g_assert_no_error(error);
  g_autoptr(GBytes) cb = fake_cb(f, type);
  GByteArray *input = g_byte_array_new();
  g_byte_array_append(input, (const guint8 *)gs2, strlen(gs2));
  g_byte_array_append(input, g_bytes_get_data(cb, NULL), g_bytes_get_size(cb));
  g_autofree char *c = g_base64_encode(input->data, input->len);
  g_byte_array_unref(input);
  g_autofree char *prefix = g_strdup_printf("c=%s,r=%sSRV,p=", c, nonce);
  g_autofree char *final_str = g_strndup(g_bytes_get_data(final, NULL), g_bytes_get_size(final));
  g_assert_true(g_str_has_prefix(final_str, prefix));
}

static void
test_t31_tls13_exporter(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_EXPORTER; /* what the TLS layer reports on 1.3 */
  check_plus(&f, all_mechs, "SCRAM-SHA-512-PLUS", XMPP_CB_TLS_EXPORTER);
  g_assert_cmpuint(f.cb_requests, ==, XMPP_CB_TLS_EXPORTER); /* never asked for tls-unique */
  fixture_clear(&f);
}

static void
test_t31_tls12_unique(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  /* TLS 1.2: tls-unique and tls-server-end-point; without XEP-0440 tls-unique is the one every
   * server implements (Prosody 0.12 offers only it). */
  f.config.cb_available = XMPP_CB_TLS_UNIQUE | XMPP_CB_TLS_SERVER_END_POINT;
  const char *offered[] = {"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", NULL};
  check_plus(&f, offered, "SCRAM-SHA-1-PLUS", XMPP_CB_TLS_UNIQUE);
  fixture_clear(&f);
}

static void
test_t31_xep0440_advertised(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_UNIQUE | XMPP_CB_TLS_SERVER_END_POINT;
  f.config.cb_server_advertised = XMPP_CB_TLS_UNIQUE | XMPP_CB_TLS_SERVER_END_POINT;
  check_plus(&f, all_mechs, "SCRAM-SHA-512-PLUS", XMPP_CB_TLS_SERVER_END_POINT);
  /* The server advertises only exporter but we can give only unique: no -PLUS, and 'n' (the
   * server does support binding, so 'y' would make it fail us). */
  f.config.cb_server_advertised = XMPP_CB_TLS_EXPORTER;
  g_autofree char *mech = NULL;
  g_autofree char *first = first_message(&f, all_mechs, &mech);
  g_assert_cmpstr(mech, ==, "SCRAM-SHA-512");
  g_assert_true(g_str_has_prefix(first, "n,,"));
  fixture_clear(&f);
}

static void
test_t31_cb_hook_null_fallback(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_EXPORTER;
  f.cb_return_null = TRUE;
  g_autofree char *mech = NULL;
  g_autofree char *first = first_message(&f, all_mechs, &mech);
  g_assert_cmpstr(mech, ==, "SCRAM-SHA-512");
  g_assert_true(g_str_has_prefix(first, "n,,n=romeo,"));
  g_assert_cmpuint(f.cb_requests, ==, XMPP_CB_TLS_EXPORTER);
  /* Positive twin: the same with data gives -PLUS. */
  f.cb_return_null = FALSE;
  g_autofree char *mech2 = NULL;
  g_autofree char *first2 = first_message(&f, all_mechs, &mech2);
  g_assert_cmpstr(mech2, ==, "SCRAM-SHA-512-PLUS");
  g_assert_true(g_str_has_prefix(first2, "p=tls-exporter,,n=romeo,"));
  fixture_clear(&f);
}

static void
test_t33_conditions(void)
{
  const struct {
    const char *name;
    XmppSaslError code;
  } known[] = {
      {"aborted", XMPP_SASL_ERROR_ABORTED},
      {"account-disabled", XMPP_SASL_ERROR_ACCOUNT_DISABLED},
      {"credentials-expired", XMPP_SASL_ERROR_CREDENTIALS_EXPIRED},
      {"encryption-required", XMPP_SASL_ERROR_ENCRYPTION_REQUIRED},
      {"incorrect-encoding", XMPP_SASL_ERROR_INCORRECT_ENCODING},
      {"invalid-authzid", XMPP_SASL_ERROR_INVALID_AUTHZID},
      {"invalid-mechanism", XMPP_SASL_ERROR_INVALID_MECHANISM},
      {"malformed-request", XMPP_SASL_ERROR_MALFORMED_REQUEST},
      {"mechanism-too-weak", XMPP_SASL_ERROR_MECHANISM_TOO_WEAK},
      {"not-authorized", XMPP_SASL_ERROR_NOT_AUTHORIZED},
      {"temporary-auth-failure", XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE},
  };
  for (gsize k = 0; k < G_N_ELEMENTS(known); k++)
    g_assert_cmpint(xmpp_sasl_error_from_condition(known[k].name), ==, known[k].code);
  g_assert_cmpint(xmpp_sasl_error_from_condition("made-up-condition"), ==,
                  XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint(xmpp_sasl_error_from_condition("Aborted"), ==, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint(xmpp_sasl_error_from_condition(""), ==, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint(xmpp_sasl_error_from_condition(NULL), ==, XMPP_SASL_ERROR_NOT_AUTHORIZED);
}

static void
test_out_of_order(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  const char *offered[] = {"SCRAM-SHA-256", NULL};
  g_autoptr(GError) error = NULL;
  /* success / challenge before start */
  g_autoptr(XmppSasl) a = xmpp_sasl_new(&f.config, offered, NULL);
  g_assert_false(xmpp_sasl_finish(a, NULL, 0, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  g_autoptr(XmppSasl) b = xmpp_sasl_new(&f.config, offered, NULL);
  g_assert_null(xmpp_sasl_step(b, (const guint8 *)"r=x", 3, &error));
  g_assert_nonnull(error);
  g_clear_error(&error);
  /* Positive twin: after start a challenge is processed (and fails only on its content). */
  g_autoptr(XmppSasl) c = xmpp_sasl_new(&f.config, offered, NULL);
  g_autoptr(GBytes) first = xmpp_sasl_start(c, &error);
  g_assert_no_error(error);
  g_assert_nonnull(first);
  fixture_clear(&f);
}

static void
test_default_nonce(void)
{
  /* Without a random hook, gnutls_rnd makes a 24-character printable nonce, different each time. */
  Fixture f;
  fixture_init(&f, FALSE);
  const char *offered[] = {"SCRAM-SHA-1", NULL};
  g_autofree char *a = first_message(&f, offered, NULL);
  g_autofree char *b = first_message(&f, offered, NULL);
  g_assert_cmpstr(a, !=, b);
  const char *nonce = strstr(a, ",r=") + 3;
  g_assert_cmpuint(strlen(nonce), ==, 24);
  for (const char *p = nonce; *p; p++)
    g_assert_true(*p >= 0x21 && *p <= 0x7e && *p != ',');
  fixture_clear(&f);
}

static void
test_invalid_utf8_credentials(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  const char *offered[] = {"SCRAM-SHA-1", NULL};
  g_autoptr(GError) error = NULL;
  f.config.password = "bad\xff";
  g_assert_null(choose(&f, offered, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_MALFORMED_REQUEST);
  g_clear_error(&error);
  f.config.password = "good";
  f.config.authcid = "\xc3";
  g_assert_null(choose(&f, offered, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_MALFORMED_REQUEST);
  g_clear_error(&error);
  f.config.authcid = "r\xc3\xb6meo";
  g_autofree char *m = choose(&f, offered, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(m, ==, "SCRAM-SHA-1");
  fixture_clear(&f);
}

static void
test_channel_binding_names(void)
{
  g_assert_cmpstr(xmpp_channel_binding_name(XMPP_CB_TLS_UNIQUE), ==, "tls-unique");
  g_assert_cmpstr(xmpp_channel_binding_name(XMPP_CB_TLS_SERVER_END_POINT), ==,
                  "tls-server-end-point");
  g_assert_cmpstr(xmpp_channel_binding_name(XMPP_CB_TLS_EXPORTER), ==, "tls-exporter");
  g_assert_null(xmpp_channel_binding_name(XMPP_CB_NONE));
}

static void
test_legacy_digest(void)
{
  /* XEP-0078 §3.2 example. */
  g_autofree char *d = xmpp_sasl_legacy_digest("3EE948B0", "Calli0pe");
  g_assert_cmpstr(d, ==, "48fc78be9ec8f86d8ce1c39c320c97c21d62334d");
  g_autofree char *e = xmpp_sasl_legacy_digest("", "");
  g_assert_cmpstr(e, ==, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sasl/choose/preference_order", test_preference_order);
  g_test_add_func("/sasl/choose/never_other_mechanisms", test_never_other_mechanisms);
  g_test_add_func("/sasl/choose/T13_plain_without_tls", test_t13_plain_without_tls);
  g_test_add_func("/sasl/choose/T25_plain_only_after_tls", test_t25_plain_only_after_tls);
  g_test_add_func("/sasl/plain/message", test_plain_message);
  g_test_add_func("/sasl/plain/no_authzid", test_plain_no_authzid);
  g_test_add_func("/sasl/gs2/T31_flag_y_tls_no_plus", test_t31_gs2_flag_y);
  g_test_add_func("/sasl/gs2/T31_flag_n_without_tls", test_t31_gs2_flag_n_without_tls);
  g_test_add_func("/sasl/gs2/T31_tls13_exporter", test_t31_tls13_exporter);
  g_test_add_func("/sasl/gs2/T31_tls12_unique", test_t31_tls12_unique);
  g_test_add_func("/sasl/gs2/T31_xep0440_advertised", test_t31_xep0440_advertised);
  g_test_add_func("/sasl/gs2/T31_cb_hook_null_fallback", test_t31_cb_hook_null_fallback);
  g_test_add_func("/sasl/condition/T33_unknown_condition", test_t33_conditions);
  g_test_add_func("/sasl/state/out_of_order", test_out_of_order);
  g_test_add_func("/sasl/nonce/default_random", test_default_nonce);
  g_test_add_func("/sasl/config/invalid_utf8", test_invalid_utf8_credentials);
  g_test_add_func("/sasl/cb/names", test_channel_binding_names);
  g_test_add_func("/sasl/legacy/digest", test_legacy_digest);
  return g_test_run();
}
