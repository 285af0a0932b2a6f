/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TestPki: a throw-away certificate authority and server certificates made at test time. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TEST_PKI_ERROR (test_pki_error_quark())
GQuark test_pki_error_quark(void);

typedef struct _TestPki TestPki;

typedef enum {
  TEST_CERT_GOOD,
  TEST_CERT_EXPIRED,
  TEST_CERT_NOT_YET_VALID,
  TEST_CERT_SELF_SIGNED,
  TEST_CERT_WRONG_NAME,            /* SAN = "evil-<name>" */
  TEST_CERT_CA_FALSE_INTERMEDIATE, /* leaf signed by an intermediate with CA:FALSE */
  TEST_CERT_GOOD_VIA_INTERMEDIATE,
  TEST_CERT_WILDCARD,         /* SAN = "*.<name without its first label>" */
  TEST_CERT_CN_ONLY,          /* no SAN, CN = name */
  TEST_CERT_SAN_AND_OTHER_CN, /* SAN = "other-<name>", CN = name */
} TestCertKind;

/* Creates a root CA (ECDSA P-256) in a new temporary directory. */
TestPki *test_pki_new(GError **error);
/* Removes the directory and everything in it. */
void test_pki_free(TestPki *pki);
const char *test_pki_get_ca_file(TestPki *pki);
const char *test_pki_get_dir(TestPki *pki);
/* Writes a certificate chain (PEM, leaf first) and its key; paths are transfer full. */
gboolean test_pki_issue(TestPki *pki, TestCertKind kind, const char *dns_name, char **cert_file,
                        char **key_file, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestPki, test_pki_free)

G_END_DECLS
