/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCertInfo: what the user is shown about a server certificate, and fingerprint helpers. */
#include "stream/tls.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

void
xmpp_cert_info_free(XmppCertInfo *info)
{
  if (info == NULL)
    return;
  g_free(info->subject);
  g_free(info->issuer);
  g_free(info->sha256);
  g_clear_pointer(&info->der, g_bytes_unref);
  g_free(info);
}

XmppCertInfo *
xmpp_cert_info_copy(const XmppCertInfo *info)
{
  XmppCertInfo *copy;

  if (info == NULL)
    return NULL;
  copy = g_new0(XmppCertInfo, 1);
  copy->subject = g_strdup(info->subject);
  copy->issuer = g_strdup(info->issuer);
  copy->not_before = info->not_before;
  copy->not_after = info->not_after;
  copy->sha256 = g_strdup(info->sha256);
  copy->der = info->der != NULL ? g_bytes_ref(info->der) : NULL;
  copy->problems = info->problems;
  return copy;
}

char *
xmpp_cert_format_fingerprint(const guint8 *digest, gsize len)
{
  GString *out = g_string_sized_new(len * 3);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf(out, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free(out, FALSE);
}

/* A DN as RFC 4514 text; "" when GnuTLS cannot give one (the cert is still shown). */
static char *
dup_dn(gnutls_x509_crt_t crt, gboolean issuer)
{
  gnutls_datum_t dn = {NULL, 0};
  int ret =
      issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) : gnutls_x509_crt_get_dn3(crt, &dn, 0);
  char *text;

  if (ret < 0 || dn.data == NULL)
    return g_strdup("");
  /* A DN may contain escaped NULs; keep only valid UTF-8 so the UI never shows garbage. */
  text = g_utf8_make_valid((const char *)dn.data, dn.size);
  gnutls_free(dn.data);
  return text;
}

XmppCertInfo *
xmpp_cert_info_new_from_der(const guint8 *der, gsize len, GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = {(unsigned char *)der, (unsigned int)len};
  guint8 digest[32];
  XmppCertInfo *info;
  int ret;

  /* T20 (CVE-2016-1000030): every GnuTLS return code is checked. */
  if (der == NULL || len == 0 || len > G_MAXUINT) {
    g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE, "Empty certificate");
    return NULL;
  }
  ret = gnutls_x509_crt_init(&crt);
  if (ret < 0) {
    g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE, "Cannot parse certificate: %s",
                gnutls_strerror(ret));
    return NULL;
  }
  ret = gnutls_x509_crt_import(crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0) {
    g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE, "Cannot parse certificate: %s",
                gnutls_strerror(ret));
    gnutls_x509_crt_deinit(crt);
    return NULL;
  }
  ret = gnutls_hash_fast(GNUTLS_DIG_SHA256, der, len, digest);
  if (ret < 0) {
    g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE, "Cannot hash certificate: %s",
                gnutls_strerror(ret));
    gnutls_x509_crt_deinit(crt);
    return NULL;
  }
  info = g_new0(XmppCertInfo, 1);
  info->subject = dup_dn(crt, FALSE);
  info->issuer = dup_dn(crt, TRUE);
  /* (time_t)-1 means "unknown"; kept as -1 so the UI can say so. */
  info->not_before = (gint64)gnutls_x509_crt_get_activation_time(crt);
  info->not_after = (gint64)gnutls_x509_crt_get_expiration_time(crt);
  info->sha256 = xmpp_cert_format_fingerprint(digest, sizeof digest);
  info->der = g_bytes_new(der, len);
  gnutls_x509_crt_deinit(crt);
  return info;
}

guint
xmpp_cert_problems_from_gnutls(guint status)
{
  guint problems = 0;

  if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA |
                GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE))
    problems |= XMPP_CERT_UNTRUSTED;
  if (status & GNUTLS_CERT_EXPIRED)
    problems |= XMPP_CERT_EXPIRED;
  if (status & GNUTLS_CERT_NOT_ACTIVATED)
    problems |= XMPP_CERT_NOT_ACTIVATED;
  if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
    problems |= XMPP_CERT_HOSTNAME_MISMATCH;
  if (status & GNUTLS_CERT_REVOKED)
    problems |= XMPP_CERT_REVOKED;
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    problems |= XMPP_CERT_INSECURE_ALGORITHM;
  if (status &
      (GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_MISMATCH | GNUTLS_CERT_PURPOSE_MISMATCH |
       GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS | GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
       GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE | GNUTLS_CERT_MISSING_OCSP_STATUS |
       GNUTLS_CERT_INVALID_OCSP_STATUS))
    problems |= XMPP_CERT_INVALID;
  /* Any bit we do not know (a newer GnuTLS) still means "not trusted". */
  if (status != 0 && problems == 0)
    problems |= XMPP_CERT_UNTRUSTED;
  return problems;
}

static gboolean
is_separator(char c)
{
  return c == ':' || c == ' ' || c == '-' || c == '\t';
}

char *
xmpp_tls_normalize_fingerprint(const char *text)
{
  g_autoptr(GByteArray) bytes = NULL;
  gsize digits = 0;
  guint8 cur = 0;

  if (text == NULL)
    return NULL;
  bytes = g_byte_array_new();
  for (const char *p = text; *p != '\0'; p++) {
    int v = g_ascii_xdigit_value(*p);

    if (v < 0) {
      /* Separators ("AB:CD", "ab cd") only between whole bytes, so "A:BCD" is refused. */
      if (!is_separator(*p) || digits % 2 != 0)
        return NULL;
      continue;
    }
    cur = (guint8)((cur << 4) | v);
    if (++digits % 2 == 0) {
      g_byte_array_append(bytes, &cur, 1);
      cur = 0;
    }
  }
  if (digits == 0 || digits % 2 != 0)
    return NULL;
  return xmpp_cert_format_fingerprint(bytes->data, bytes->len);
}
