/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for XmppSasl: mechanism choice (T13, T25), channel binding / GS2 flag (T31), PLAIN,
 * failure conditions (T33), state errors, the XEP-0078 digest and the SCRAM key cache record
 * (strict parsing; PLAIN ignores it; -PLUS keeps its channel binding with it). */
#include <string.h>

#include <gnutls/crypto.h>

#include "sasl/sasl.h"
#include "sasl/sasl-cache.h"

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
  f.config.cb_available = XMPP_CB_TLS_UNIQUE; /* TLS 1.2: binds without XEP-0440 */
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

/* TLS 1.3 with XEP-0440 saying tls-exporter: bind with it. */
static void
test_t31_tls13_exporter(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_EXPORTER; /* what the TLS layer reports on 1.3 */
  f.config.cb_server_advertised = XMPP_CB_TLS_EXPORTER | XMPP_CB_TLS_UNIQUE;
  check_plus(&f, all_mechs, "SCRAM-SHA-512-PLUS", XMPP_CB_TLS_EXPORTER);
  g_assert_cmpuint(f.cb_requests, ==, XMPP_CB_TLS_EXPORTER); /* never asked for tls-unique */
  fixture_clear(&f);
}

/* ejabberd 23.01 on TLS 1.3: -PLUS offered, no XEP-0440, and its binding is a tls-unique of
 * its own. Lyre used to send tls-exporter and was refused ("Invalid channel binding"). Without
 * XEP-0440 the type is unknown on TLS 1.3: SCRAM without -PLUS, flag 'n' ('y' would make a
 * server that does bind fail us), and the binding data is not even computed. */
static void
test_t31_tls13_unadvertised_no_plus(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_EXPORTER;
  g_autofree char *mech = NULL;
  g_autofree char *first = first_message(&f, all_mechs, &mech);
  g_assert_cmpstr(mech, ==, "SCRAM-SHA-512");
  g_assert_true(g_str_has_prefix(first, "n,,n=romeo,r="));
  g_assert_cmpuint(f.cb_requests, ==, 0);
  /* Prosody 0.12 on TLS 1.3 offers no -PLUS at all: 'y', since we could bind (T31). */
  const char *no_plus[] = {"SCRAM-SHA-1", "SCRAM-SHA-256", NULL};
  g_autofree char *mech2 = NULL;
  g_autofree char *first2 = first_message(&f, no_plus, &mech2);
  g_assert_cmpstr(mech2, ==, "SCRAM-SHA-256");
  g_assert_true(g_str_has_prefix(first2, "y,,n=romeo,r="));
  /* Twin on TLS 1.2, same server shape: tls-unique binds without being advertised. */
  f.config.cb_available = XMPP_CB_TLS_UNIQUE | XMPP_CB_TLS_SERVER_END_POINT;
  check_plus(&f, all_mechs, "SCRAM-SHA-512-PLUS", XMPP_CB_TLS_UNIQUE);
  fixture_clear(&f);
}

/* Trust on first use: an account that bound before refuses a connection that cannot bind,
 * whichever way the binding went missing (XEP-0440 removed on TLS 1.3, -PLUS removed, only
 * PLAIN left). Each refusal has a twin that binds and passes. */
static void
test_t31_require_channel_binding(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.require_channel_binding = TRUE;
  f.config.cb_available = XMPP_CB_TLS_EXPORTER;
  g_autoptr(GError) error = NULL;
  g_assert_null(choose(&f, all_mechs, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED);
  g_clear_error(&error);
  f.config.cb_server_advertised = XMPP_CB_TLS_EXPORTER;
  g_autofree char *m1 = choose(&f, all_mechs, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(m1, ==, "SCRAM-SHA-512-PLUS");

  const char *stripped[] = {"SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN", NULL};
  g_assert_null(choose(&f, stripped, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED);
  g_clear_error(&error);
  const char *plain[] = {"PLAIN", NULL};
  g_assert_null(choose(&f, plain, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED);
  g_clear_error(&error);

  /* TLS 1.2 without XEP-0440 still binds (tls-unique), so the requirement holds there. */
  f.config.cb_server_advertised = 0;
  f.config.cb_available = XMPP_CB_TLS_UNIQUE;
  const char *sha1_plus[] = {"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", NULL};
  g_autofree char *m2 = choose(&f, sha1_plus, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(m2, ==, "SCRAM-SHA-1-PLUS");
  /* The binding data failing is no excuse either. */
  f.cb_return_null = TRUE;
  g_assert_null(choose(&f, sha1_plus, &error));
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED);
  fixture_clear(&f);
}

/* Which binding an exchange reports (the glue pins the account on it). */
static void
test_t31_reported_binding(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_UNIQUE;
  const char *offered[] = {"SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NULL};
  g_autoptr(XmppSasl) bound = xmpp_sasl_new(&f.config, offered, NULL);
  g_assert_cmpint(xmpp_sasl_get_channel_binding(bound), ==, XMPP_CB_TLS_UNIQUE);
  const char *no_plus[] = {"SCRAM-SHA-256", NULL};
  g_autoptr(XmppSasl) unbound = xmpp_sasl_new(&f.config, no_plus, NULL); /* 'y' */
  g_assert_cmpint(xmpp_sasl_get_channel_binding(unbound), ==, XMPP_CB_NONE);
  fixture_clear(&f);
}

/* A refused binding is reported as such, never as a wrong password; a wrong password after
 * binding stays a wrong password. */
static void
test_t31_failure_code(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_UNIQUE;
  const char *plus[] = {"SCRAM-SHA-1-PLUS", NULL};
  const char *no_plus[] = {"SCRAM-SHA-1", NULL};
  g_autoptr(XmppSasl) p = xmpp_sasl_new(&f.config, plus, NULL);    /* 'p' */
  g_autoptr(XmppSasl) y = xmpp_sasl_new(&f.config, no_plus, NULL); /* 'y' */
  f.config.cb_available = 0;
  g_autoptr(XmppSasl) n = xmpp_sasl_new(&f.config, no_plus, NULL); /* 'n' */
  /* ejabberd and Prosody words for a binding mismatch. */
  g_assert_cmpint(xmpp_sasl_failure_code(p, "not-authorized", "Invalid channel binding"), ==,
                  XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED);
  g_assert_cmpint(xmpp_sasl_failure_code(p, "malformed-request", "Invalid channel binding value."),
                  ==, XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED);
  g_assert_cmpint(xmpp_sasl_failure_code(p, "not-authorized", "Invalid username or password"), ==,
                  XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint(xmpp_sasl_failure_code(p, "not-authorized", NULL), ==,
                  XMPP_SASL_ERROR_NOT_AUTHORIZED);
  /* Conditions that mean something else keep their meaning. */
  g_assert_cmpint(xmpp_sasl_failure_code(p, "account-disabled", "channel binding"), ==,
                  XMPP_SASL_ERROR_ACCOUNT_DISABLED);
  /* 'y' answered by a bare malformed-request: the server saw -PLUS removed on the way. */
  g_assert_cmpint(xmpp_sasl_failure_code(y, "malformed-request", NULL), ==,
                  XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED);
  g_assert_cmpint(xmpp_sasl_failure_code(y, "not-authorized", NULL), ==,
                  XMPP_SASL_ERROR_NOT_AUTHORIZED);
  /* 'n': we did not bind, so the server's words cannot be about our binding. */
  g_assert_cmpint(xmpp_sasl_failure_code(n, "not-authorized", "Invalid channel binding"), ==,
                  XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint(xmpp_sasl_failure_code(n, "malformed-request", NULL), ==,
                  XMPP_SASL_ERROR_MALFORMED_REQUEST);
  g_assert_cmpint(xmpp_sasl_failure_code(NULL, "not-authorized", "channel binding"), ==,
                  XMPP_SASL_ERROR_NOT_AUTHORIZED);
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
  f.config.cb_server_advertised = XMPP_CB_TLS_EXPORTER;
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

/* ---- SCRAM key cache record (RFC 5802 §5.1) ---- */

/* A record for "wherefore" with real keys for `mac`, salt QSXCR+Q6sek8bf92 and i=4096. */
static char *
make_record(gnutls_mac_algorithm_t mac, gsize hash_len)
{
  guint8 salted[64], ckey[64], skey[64];
  g_autoptr(GBytes) salt = xmpp_sasl_base64_decode("QSXCR+Q6sek8bf92", 64, NULL);
  gnutls_datum_t pw = {(unsigned char *)"wherefore", 9};
  gnutls_datum_t s = {(unsigned char *)g_bytes_get_data(salt, NULL), g_bytes_get_size(salt)};
  g_assert_cmpint(gnutls_pbkdf2(mac, &pw, &s, 4096, salted, hash_len), ==, 0);
  g_assert_cmpint(gnutls_hmac_fast(mac, salted, hash_len, "Client Key", 10, ckey), ==, 0);
  g_assert_cmpint(gnutls_hmac_fast(mac, salted, hash_len, "Server Key", 10, skey), ==, 0);
  g_autoptr(XmppSaslCache) cache = xmpp_sasl_cache_new(
      mac, g_bytes_get_data(salt, NULL), g_bytes_get_size(salt), 4096, ckey, skey, "wherefore");
  g_assert_nonnull(cache);
  return xmpp_sasl_cache_to_string(cache);
}

static void
expect_record_rejected(Fixture *f, const char *text)
{
  g_autoptr(XmppSaslCache) cache = xmpp_sasl_cache_parse(text);
  if (cache != NULL)
    g_error("accepted cache record: %s", text);
  /* Through the public API: a warning, and the exchange goes on without it. */
  const char *offered[] = {"SCRAM-SHA-1", NULL};
  f->config.scram_cache = text;
  g_ptr_array_set_size(f->warnings, 0);
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f->config, offered, NULL);
  g_assert_nonnull(sasl);
  g_assert_cmpuint(f->warnings->len, ==, 1);
  g_assert_nonnull(strstr(g_ptr_array_index(f->warnings, 0), "cache"));
  f->config.scram_cache = NULL;
}

static void
test_cache_record_malformed(void)
{
  Fixture f;
  fixture_init(&f, FALSE);
  g_autofree char *good = make_record(GNUTLS_MAC_SHA1, 20);
  g_auto(GStrv) fields = g_strsplit(good, ":", -1);
  g_assert_cmpuint(g_strv_length(fields), ==, 7);
  g_autofree char *sha256_key =
      g_base64_encode((const guchar *)"0123456789abcdef0123456789abcdef", 32);
  g_autofree char *long_salt_raw = g_strnfill(257, 'x');
  g_autofree char *long_salt = g_base64_encode((const guchar *)long_salt_raw, 257);
  /* Replacement value for one field. */
  const struct {
    guint field;
    const char *value;
  } bad_fields[] = {
      {0, "v2"},
      {0, "V1"},
      {0, ""},
      {1, "SHA-384"},
      {1, "sha-1"},
      {1, "MD5"},
      {1, ""},
      {2, "0"},
      {2, "04096"},
      {2, "+4096"},
      {2, "4096 "},
      {2, "-1"},
      {2, ""},
      {2, "1000001"},
      {2, "99999999999"},
      {2, "4e3"},
      {3, ""},
      {3, "="},
      {3, "QSXCR+Q6sek8bf9"},
      {3, "QSXC R+Q6sek8bf92"},
      {3, "QR=="} /* non-canonical */,
      {3, long_salt},
      {4, ""},
      {4, "AAAA"},
      {4, sha256_key},
      {4, "!!!!"},
      {5, "="},
      {5, sha256_key},
      {6, ""},
      {6, "AAAA"},
      {6, fields[4]},
  };
  for (gsize k = 0; k < G_N_ELEMENTS(bad_fields); k++) {
    g_auto(GStrv) copy = g_strdupv(fields);
    g_free(copy[bad_fields[k].field]);
    copy[bad_fields[k].field] = g_strdup(bad_fields[k].value);
    g_autofree char *text = g_strjoinv(":", copy);
    expect_record_rejected(&f, text);
  }
  g_autofree char *trailing = g_strconcat(good, ":", NULL);
  g_autofree char *leading = g_strconcat(" ", good, NULL);
  g_autofree char *newline = g_strconcat(good, "\n", NULL);
  g_autofree char *six =
      g_strjoin(":", fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], NULL);
  g_autofree char *eight = g_strconcat(good, ":", fields[6], NULL);
  g_autofree char *huge = g_strnfill(XMPP_SASL_CACHE_MAX_TEXT + 1, 'A');
  const char *whole[] = {"",
                         "v1",
                         ":::::::",
                         "v1:SHA-1:4096::::",
                         trailing,
                         leading,
                         newline,
                         six,
                         eight,
                         huge,
                         "v1:SHA-1:4096:\xff\xfe:AAAA:AAAA:AAAA"};
  for (gsize k = 0; k < G_N_ELEMENTS(whole); k++)
    expect_record_rejected(&f, whole[k]);

  /* Positive twins: the good record parses and prints back the same; a 1-byte salt parses. */
  g_autoptr(XmppSaslCache) cache = xmpp_sasl_cache_parse(good);
  g_assert_nonnull(cache);
  g_autofree char *again = xmpp_sasl_cache_to_string(cache);
  g_assert_cmpstr(again, ==, good);
  g_auto(GStrv) one = g_strdupv(fields);
  g_free(one[3]);
  one[3] = g_strdup("QQ==");
  g_autofree char *one_text = g_strjoinv(":", one);
  g_autoptr(XmppSaslCache) one_byte = xmpp_sasl_cache_parse(one_text);
  g_assert_nonnull(one_byte);
  /* It parses, but its check (made over the other salt) never yields keys. */
  guint8 ck[20], sk[20];
  g_assert_false(xmpp_sasl_cache_lookup(one_byte, GNUTLS_MAC_SHA1, (const guint8 *)"A", 1, 4096,
                                        "wherefore", ck, sk));
  const char *offered[] = {"SCRAM-SHA-1", NULL};
  f.config.scram_cache = good;
  g_ptr_array_set_size(f.warnings, 0);
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, offered, NULL);
  g_assert_cmpuint(f.warnings->len, ==, 0);
  fixture_clear(&f);
}

static void
test_cache_plain_ignores(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  g_autofree char *record = make_record(GNUTLS_MAC_SHA1, 20);
  f.config.scram_cache = record;
  const char *plain[] = {"PLAIN", NULL};
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f.config, plain, NULL);
  g_autoptr(GBytes) msg = xmpp_sasl_start(sasl, NULL);
  g_assert_true(xmpp_sasl_finish(sasl, NULL, 0, NULL));
  g_assert_false(xmpp_sasl_used_scram_cache(sasl));
  g_assert_null(xmpp_sasl_dup_scram_cache(sasl));
  g_assert_cmpuint(f.warnings->len, ==, 1); /* only the T25 PLAIN-after-TLS note */
  fixture_clear(&f);
}

static gboolean
fixed_nonce(gpointer user_data, guint8 *buf, gsize len)
{
  memset(buf, 'N', len);
  return TRUE;
}

static char *
plus_final(Fixture *f, const char *cache, gboolean *used)
{
  const char *offered[] = {"SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NULL};
  f->config.scram_cache = cache;
  g_autoptr(XmppSasl) sasl = xmpp_sasl_new(&f->config, offered, NULL);
  g_assert_cmpstr(xmpp_sasl_get_mechanism(sasl), ==, "SCRAM-SHA-256-PLUS");
  g_autoptr(GBytes) first = xmpp_sasl_start(sasl, NULL);
  const char *server_first = "r=NNNNNNNNNNNNNNNNNNNNNNNNSRV,s=QSXCR+Q6sek8bf92,i=4096";
  g_autoptr(GBytes) final =
      xmpp_sasl_step(sasl, (const guint8 *)server_first, strlen(server_first), NULL);
  g_assert_nonnull(final);
  *used = xmpp_sasl_used_scram_cache(sasl);
  return g_strndup(g_bytes_get_data(final, NULL), g_bytes_get_size(final));
}

static void
test_cache_plus_keeps_binding(void)
{
  Fixture f;
  fixture_init(&f, TRUE);
  f.config.cb_available = XMPP_CB_TLS_EXPORTER;
  f.config.cb_server_advertised = XMPP_CB_TLS_EXPORTER;
  f.config.random = fixed_nonce;
  g_autofree char *record = make_record(GNUTLS_MAC_SHA256, 32);
  gboolean used_fresh = TRUE, used_cached = FALSE;
  g_autofree char *fresh = plus_final(&f, NULL, &used_fresh);
  g_autofree char *cached = plus_final(&f, record, &used_cached);
  g_assert_false(used_fresh);
  g_assert_true(used_cached);
  /* Same channel binding (c= carries the tls-exporter data) and the same proof. */
  g_assert_true(g_str_has_prefix(cached, "c=cD10bHMtZXhwb3J0ZXIs"));
  g_assert_cmpstr(cached, ==, fresh);
  fixture_clear(&f);
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
  g_test_add_func("/sasl/gs2/T31_tls13_unadvertised_no_plus", test_t31_tls13_unadvertised_no_plus);
  g_test_add_func("/sasl/gs2/T31_require_channel_binding", test_t31_require_channel_binding);
  g_test_add_func("/sasl/gs2/T31_reported_binding", test_t31_reported_binding);
  g_test_add_func("/sasl/gs2/T31_failure_code", test_t31_failure_code);
  g_test_add_func("/sasl/gs2/T31_xep0440_advertised", test_t31_xep0440_advertised);
  g_test_add_func("/sasl/gs2/T31_cb_hook_null_fallback", test_t31_cb_hook_null_fallback);
  g_test_add_func("/sasl/condition/T33_unknown_condition", test_t33_conditions);
  g_test_add_func("/sasl/state/out_of_order", test_out_of_order);
  g_test_add_func("/sasl/nonce/default_random", test_default_nonce);
  g_test_add_func("/sasl/config/invalid_utf8", test_invalid_utf8_credentials);
  g_test_add_func("/sasl/cb/names", test_channel_binding_names);
  g_test_add_func("/sasl/legacy/digest", test_legacy_digest);
  g_test_add_func("/sasl/cache/record_malformed", test_cache_record_malformed);
  g_test_add_func("/sasl/cache/plain_ignores", test_cache_plain_ignores);
  g_test_add_func("/sasl/cache/plus_keeps_binding", test_cache_plus_keeps_binding);
  return g_test_run();
}
