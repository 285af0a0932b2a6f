/* SPDX-License-Identifier: GPL-2.0-or-later */
/* make-test-pki DIR DOMAIN: writes ca.pem, server.pem (chain) and server.key for a test server. */
#include <glib.h>
#include <glib/gstdio.h>

#include "test-certs.h"

static gboolean
copy_file(const char *from, const char *dir, const char *name, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *to = g_build_filename(dir, name, NULL);
  gsize len = 0;

  return g_file_get_contents(from, &contents, &len, error) &&
         g_file_set_contents(to, contents, (gssize)len, error);
}

int
main(int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPki) pki = NULL;
  g_autofree char *cert = NULL, *key = NULL;

  if (argc != 3) {
    g_printerr("usage: %s DIR DOMAIN\n", argv[0]);
    return 2;
  }
  if (g_mkdir_with_parents(argv[1], 0700) != 0) {
    g_printerr("cannot create %s\n", argv[1]);
    return 1;
  }
  pki = test_pki_new(&error);
  if (pki == NULL || !test_pki_issue(pki, TEST_CERT_GOOD, argv[2], &cert, &key, &error) ||
      !copy_file(test_pki_get_ca_file(pki), argv[1], "ca.pem", &error) ||
      !copy_file(cert, argv[1], "server.pem", &error) ||
      !copy_file(key, argv[1], "server.key", &error)) {
    g_printerr("make-test-pki: %s\n", error != NULL ? error->message : "failed");
    return 1;
  }
  return 0;
}
