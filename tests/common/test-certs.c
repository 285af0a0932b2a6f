/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TestPki: a throw-away certificate authority and server certificates made at test time. */
#include "test-certs.h"

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#define DAY           (24 * 60 * 60)
#define CA_LIFETIME   (3650 * (gint64)DAY)
#define LEAF_LIFETIME (365 * (gint64)DAY)

GQuark
test_pki_error_quark(void)
{
  return g_quark_from_static_string("test-pki-error-quark");
}

struct _TestPki {
  char *dir;
  char *ca_file;
  gnutls_x509_crt_t ca_crt;
  gnutls_x509_privkey_t ca_key;
  guint counter;
};

static gboolean
check(int ret, const char *what, GError **error)
{
  if (ret >= 0)
    return TRUE;
  g_set_error(error, TEST_PKI_ERROR, 0, "%s: %s", what, gnutls_strerror(ret));
  return FALSE;
}

static gboolean
new_key(gnutls_x509_privkey_t *key, GError **error)
{
  if (!check(gnutls_x509_privkey_init(key), "privkey_init", error))
    return FALSE;
  /* ECDSA P-256: fast to generate, so every test run can have fresh keys. */
  return check(gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
                                            GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
               "privkey_generate", error);
}

typedef struct {
  const char *cn;
  const char *san; /* DNS SAN, or NULL */
  gboolean ca;
  gboolean key_cert_sign; /* a non-CA signer for TEST_CERT_CA_FALSE_INTERMEDIATE has none */
  gint64 not_before;
  gint64 not_after;
} CertSpec;

/* Signed by issuer/issuer_key, or self-signed when issuer is NULL. */
static gboolean
make_cert(gnutls_x509_crt_t *out, gnutls_x509_privkey_t key, const CertSpec *spec,
          gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key, GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  guint8 serial[16];
  guint8 id[64];
  size_t id_len = sizeof id;
  unsigned int usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
  gboolean ok;

  if (!check(gnutls_x509_crt_init(&crt), "crt_init", error))
    return FALSE;
  if (spec->key_cert_sign)
    usage |= GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN;
  ok = check(gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial), "rnd", error);
  serial[0] &= 0x7f; /* a positive INTEGER */
  ok =
      ok && check(gnutls_x509_crt_set_version(crt, 3), "set_version", error) &&
      check(gnutls_x509_crt_set_serial(crt, serial, sizeof serial), "set_serial", error) &&
      check(gnutls_x509_crt_set_activation_time(crt, (time_t)spec->not_before), "activation",
            error) &&
      check(gnutls_x509_crt_set_expiration_time(crt, (time_t)spec->not_after), "expiration",
            error) &&
      check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, spec->cn,
                                          strlen(spec->cn)),
            "set_dn", error) &&
      check(gnutls_x509_crt_set_key(crt, key), "set_key", error) &&
      check(gnutls_x509_crt_set_basic_constraints(crt, spec->ca, -1), "basic_constraints", error) &&
      check(gnutls_x509_crt_set_key_usage(crt, usage), "key_usage", error);
  if (ok && !spec->ca)
    ok = check(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "purpose",
               error);
  if (ok && spec->san != NULL)
    ok = check(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, spec->san,
                                                    strlen(spec->san), GNUTLS_FSAN_SET),
               "san", error);
  ok = ok && check(gnutls_x509_crt_get_key_id(crt, 0, id, &id_len), "key_id", error) &&
       check(gnutls_x509_crt_set_subject_key_id(crt, id, id_len), "subject_key_id", error);
  if (ok && issuer != NULL) {
    id_len = sizeof id;
    ok = check(gnutls_x509_crt_get_subject_key_id(issuer, id, &id_len, NULL), "issuer_key_id",
               error) &&
         check(gnutls_x509_crt_set_authority_key_id(crt, id, id_len), "authority_key_id", error);
  }
  ok = ok &&
       check(gnutls_x509_crt_sign2(crt, issuer != NULL ? issuer : crt,
                                   issuer_key != NULL ? issuer_key : key, GNUTLS_DIG_SHA256, 0),
             "sign", error);
  if (!ok) {
    gnutls_x509_crt_deinit(crt);
    return FALSE;
  }
  *out = crt;
  return TRUE;
}

static gboolean
append_crt_pem(GString *out, gnutls_x509_crt_t crt, GError **error)
{
  gnutls_datum_t pem = {NULL, 0};

  if (!check(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &pem), "crt_export", error))
    return FALSE;
  g_string_append_len(out, (const char *)pem.data, pem.size);
  gnutls_free(pem.data);
  return TRUE;
}

static gboolean
write_key(gnutls_x509_privkey_t key, const char *path, GError **error)
{
  gnutls_datum_t pem = {NULL, 0};
  gboolean ok;

  if (!check(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &pem), "key_export", error))
    return FALSE;
  ok = g_file_set_contents(path, (const char *)pem.data, pem.size, error);
  gnutls_free(pem.data);
  return ok;
}

TestPki *
test_pki_new(GError **error)
{
  TestPki *pki = g_new0(TestPki, 1);
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  CertSpec spec = {"Lyre Test Root CA", NULL, TRUE, TRUE, now - DAY, now + CA_LIFETIME};
  g_autoptr(GString) pem = g_string_new(NULL);

  pki->dir = g_dir_make_tmp("lyre-pki-XXXXXX", error);
  if (pki->dir == NULL || !new_key(&pki->ca_key, error) ||
      !make_cert(&pki->ca_crt, pki->ca_key, &spec, NULL, NULL, error) ||
      !append_crt_pem(pem, pki->ca_crt, error)) {
    test_pki_free(pki);
    return NULL;
  }
  pki->ca_file = g_build_filename(pki->dir, "ca.pem", NULL);
  if (!g_file_set_contents(pki->ca_file, pem->str, (gssize)pem->len, error)) {
    test_pki_free(pki);
    return NULL;
  }
  return pki;
}

void
test_pki_free(TestPki *pki)
{
  if (pki == NULL)
    return;
  if (pki->dir != NULL) {
    GDir *dir = g_dir_open(pki->dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *path = g_build_filename(pki->dir, name, NULL);

      (void)g_unlink(path);
    }
    if (dir != NULL)
      g_dir_close(dir);
    (void)g_rmdir(pki->dir);
  }
  if (pki->ca_crt != NULL)
    gnutls_x509_crt_deinit(pki->ca_crt);
  if (pki->ca_key != NULL)
    gnutls_x509_privkey_deinit(pki->ca_key);
  g_free(pki->ca_file);
  g_free(pki->dir);
  g_free(pki);
}

const char *
test_pki_get_ca_file(TestPki *pki)
{
  return pki->ca_file;
}

const char *
test_pki_get_dir(TestPki *pki)
{
  return pki->dir;
}

gboolean
test_pki_issue(TestPki *pki, TestCertKind kind, const char *dns_name, char **cert_file,
               char **key_file, GError **error)
{
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  CertSpec leaf = {dns_name, dns_name, FALSE, FALSE, now - DAY, now + LEAF_LIFETIME};
  CertSpec mid = {"Lyre Test Intermediate", NULL, TRUE, TRUE, now - DAY, now + LEAF_LIFETIME};
  gnutls_x509_privkey_t key = NULL, mid_key = NULL;
  gnutls_x509_crt_t crt = NULL, mid_crt = NULL;
  g_autofree char *san = NULL;
  g_autoptr(GString) pem = g_string_new(NULL);
  g_autofree char *cert_path = NULL, *key_path = NULL;
  gboolean via_mid = FALSE, ok;

  g_return_val_if_fail(pki != NULL && dns_name != NULL, FALSE);
  switch (kind) {
    case TEST_CERT_EXPIRED:
      leaf.not_before = now - 3 * DAY;
      leaf.not_after = now - DAY;
      break;
    case TEST_CERT_NOT_YET_VALID:
      leaf.not_before = now + DAY;
      leaf.not_after = now + 3 * DAY;
      break;
    case TEST_CERT_WRONG_NAME:
      leaf.san = leaf.cn = san = g_strconcat("evil-", dns_name, NULL);
      break;
    case TEST_CERT_CA_FALSE_INTERMEDIATE:
      /* T16: an ordinary end-entity certificate used as a signer (CVE-2014-3694). */
      mid.ca = FALSE;
      mid.key_cert_sign = FALSE;
      via_mid = TRUE;
      break;
    case TEST_CERT_GOOD_VIA_INTERMEDIATE:
      via_mid = TRUE;
      break;
    case TEST_CERT_WILDCARD:
      if (strchr(dns_name, '.') == NULL) {
        g_set_error(error, TEST_PKI_ERROR, 0, "No parent domain");
        return FALSE;
      }
      leaf.san = leaf.cn = san = g_strconcat("*", strchr(dns_name, '.'), NULL);
      break;
    case TEST_CERT_CN_ONLY:
      leaf.san = NULL;
      break;
    case TEST_CERT_SAN_AND_OTHER_CN:
      leaf.san = san = g_strconcat("other-", dns_name, NULL);
      break;
    case TEST_CERT_GOOD:
    case TEST_CERT_SELF_SIGNED:
      break;
  }
  ok = new_key(&key, error);
  if (ok && via_mid)
    ok = new_key(&mid_key, error) &&
         make_cert(&mid_crt, mid_key, &mid, pki->ca_crt, pki->ca_key, error) &&
         make_cert(&crt, key, &leaf, mid_crt, mid_key, error);
  else if (ok && kind == TEST_CERT_SELF_SIGNED)
    ok = make_cert(&crt, key, &leaf, NULL, NULL, error);
  else if (ok)
    ok = make_cert(&crt, key, &leaf, pki->ca_crt, pki->ca_key, error);
  ok = ok && append_crt_pem(pem, crt, error) &&
       (mid_crt == NULL || append_crt_pem(pem, mid_crt, error));
  pki->counter++;
  cert_path = g_strdup_printf("%s/cert-%u.pem", pki->dir, pki->counter);
  key_path = g_strdup_printf("%s/cert-%u.key", pki->dir, pki->counter);
  ok = ok && g_file_set_contents(cert_path, pem->str, (gssize)pem->len, error) &&
       write_key(key, key_path, error);
  if (crt != NULL)
    gnutls_x509_crt_deinit(crt);
  if (mid_crt != NULL)
    gnutls_x509_crt_deinit(mid_crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit(key);
  if (mid_key != NULL)
    gnutls_x509_privkey_deinit(mid_key);
  if (!ok)
    return FALSE;
  if (cert_file != NULL)
    *cert_file = g_steal_pointer(&cert_path);
  if (key_file != NULL)
    *key_file = g_steal_pointer(&key_path);
  return TRUE;
}
