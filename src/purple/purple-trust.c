/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libpurple's certificate stores as Lyre's trust: the x509 CA pool and its folder in the user's
 * purple home (~/.purple/certificates/x509/ca, where Pidgin's documentation tells users to add
 * their organisation's CA; libpurple 2.14 itself reads only the system folders into the pool)
 * give extra trust anchors, and the tls_peers pool (Tools -> Certificates) keeps the
 * certificates the user chose to always accept, under the server's name, as prpl-jabber keeps
 * them. */
#include "purple-glue.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "stream/tls.h"

#define POOL_SCHEME    "x509"
#define POOL_CA        "ca"
#define POOL_TLS_PEERS "tls_peers"

/* The x509 scheme and its pools exist once an SSL plugin is loaded (prpl-jabber loads one the
 * same way before it connects). */
static PurpleCertificatePool *
find_pool(const char *name)
{
  if (!purple_ssl_is_supported())
    return NULL;
  return purple_certificate_find_pool(POOL_SCHEME, name);
}

static char *
fingerprint_of(PurpleCertificate *crt)
{
  GByteArray *digest = purple_certificate_get_fingerprint_sha256(crt, FALSE);
  if (digest == NULL)
    return NULL;
  char *text = digest->len == 32 ? xmpp_cert_format_fingerprint(digest->data, digest->len) : NULL;
  g_byte_array_free(digest, TRUE);
  return text;
}

char *
xmpp_purple_trust_accepted_fingerprint(const char *name)
{
  PurpleCertificatePool *pool = find_pool(POOL_TLS_PEERS);
  if (pool == NULL || name == NULL || *name == '\0' ||
      !purple_certificate_pool_contains(pool, name))
    return NULL;
  PurpleCertificate *crt = purple_certificate_pool_retrieve(pool, name);
  if (crt == NULL)
    return NULL;
  char *fingerprint = fingerprint_of(crt);
  purple_certificate_destroy(crt);
  return fingerprint;
}

/* A scratch file for libpurple's file-only import and export (mode 0600, in a private
 * directory); the caller removes it. */
static char *
scratch_file(void)
{
  char *path = NULL;
  int fd = g_file_open_tmp("lyre-cert-XXXXXX.pem", &path, NULL);
  if (fd < 0)
    return NULL;
  close(fd);
  return path;
}

static char *
der_to_pem(GBytes *der)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data(der, &len);
  g_autofree char *b64 = g_base64_encode(data, len);
  GString *pem = g_string_new("-----BEGIN CERTIFICATE-----\n");
  for (gsize off = 0, n = strlen(b64); off < n; off += 64) {
    g_string_append_len(pem, b64 + off, (gssize)MIN(64, n - off));
    g_string_append_c(pem, '\n');
  }
  g_string_append(pem, "-----END CERTIFICATE-----\n");
  return g_string_free(pem, FALSE);
}

gboolean
xmpp_purple_trust_accept_always(const char *name, GBytes *der)
{
  PurpleCertificatePool *pool = find_pool(POOL_TLS_PEERS);
  PurpleCertificateScheme *scheme = purple_certificate_find_scheme(POOL_SCHEME);
  if (pool == NULL || scheme == NULL || name == NULL || der == NULL)
    return FALSE;
  g_autofree char *path = scratch_file();
  g_autofree char *pem = der_to_pem(der);
  if (path == NULL || !g_file_set_contents(path, pem, -1, NULL)) {
    if (path != NULL)
      g_unlink(path);
    return FALSE;
  }
  PurpleCertificate *crt = purple_certificate_import(scheme, path);
  g_unlink(path);
  if (crt == NULL)
    return FALSE;
  gboolean stored = purple_certificate_pool_store(pool, name, crt);
  purple_certificate_destroy(crt);
  return stored;
}

/* Appends crt to bundle as PEM (through libpurple's file-only export); TRUE if it did. */
static gboolean
append_pem(GString *bundle, PurpleCertificate *crt, const char *scratch)
{
  gchar *pem = NULL;
  gsize len = 0;
  gboolean ok =
      purple_certificate_export(scratch, crt) && g_file_get_contents(scratch, &pem, &len, NULL);
  if (ok) {
    g_string_append_len(bundle, pem, (gssize)len);
    g_string_append_c(bundle, '\n');
  }
  g_free(pem);
  return ok;
}

/* The *.pem and *.crt files of the pool's own folder in the purple home, as libpurple reads
 * its system folders (each file may hold several certificates). */
static guint
append_user_folder(GString *bundle, PurpleCertificatePool *pool, const char *scratch)
{
  PurpleCertificateScheme *scheme = purple_certificate_find_scheme(POOL_SCHEME);
  g_autofree char *folder = purple_certificate_pool_mkpath(pool, NULL);
  GDir *dir = folder != NULL && scheme != NULL ? g_dir_open(folder, 0, NULL) : NULL;
  guint n = 0;
  if (dir == NULL)
    return 0;
  for (const char *entry; (entry = g_dir_read_name(dir)) != NULL;) {
    if (!g_str_has_suffix(entry, ".pem") && !g_str_has_suffix(entry, ".crt"))
      continue;
    g_autofree char *path = g_build_filename(folder, entry, NULL);
    GSList *crts = purple_certificates_import(scheme, path);
    for (GSList *l = crts; l != NULL; l = l->next) {
      n += append_pem(bundle, l->data, scratch);
      purple_certificate_destroy(l->data);
    }
    g_slist_free(crts);
  }
  g_dir_close(dir);
  return n;
}

static guint
append_pool(GString *bundle, PurpleCertificatePool *pool, const char *scratch)
{
  guint n = 0;
  GList *ids = purple_certificate_pool_get_idlist(pool);
  for (GList *l = ids; l != NULL; l = l->next) {
    PurpleCertificate *crt = purple_certificate_pool_retrieve(pool, l->data);
    if (crt == NULL)
      continue;
    n += append_pem(bundle, crt, scratch);
    purple_certificate_destroy(crt);
  }
  purple_certificate_pool_destroy_idlist(ids);
  return n;
}

GBytes *
xmpp_purple_trust_ca_pem(guint round)
{
  PurpleCertificatePool *pool = round <= 1 ? find_pool(POOL_CA) : NULL;
  if (pool == NULL)
    return NULL;
  g_autofree char *scratch = scratch_file();
  if (scratch == NULL)
    return NULL;
  GString *bundle = g_string_new(NULL);
  guint n =
      round == 0 ? append_user_folder(bundle, pool, scratch) : append_pool(bundle, pool, scratch);
  g_unlink(scratch);
  purple_debug_info(XMPP_PURPLE_DEBUG, "%u trust anchors from libpurple's %s\n", n,
                    round == 0 ? "CA folder in the purple home" : "CA pool");
  return g_string_free_to_bytes(bundle);
}
