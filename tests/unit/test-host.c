/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for host.c: stanza ids from the host's randomness (RFC 6120 §8.1.3, T39). */
#include "host.h"

#include <string.h>

static gboolean
counting_random(gpointer data, guint8 *buf, gsize len)
{
  guint8 *next = data;
  for (gsize i = 0; i < len; i++)
    buf[i] = (*next)++;
  return TRUE;
}

/* Every bit of the 16 random bytes shows in the id, as lower-case hex, in order. */
static void
test_random_id_is_the_bytes_in_hex(void)
{
  guint8 next = 0xf0;
  XmppHost host = {.random = counting_random, .data = &next};
  g_autofree char *id = xmpp_host_random_id(&host);
  g_assert_cmpstr(id, ==, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  g_autofree char *second = xmpp_host_random_id(&host);
  g_assert_cmpstr(second, ==, "000102030405060708090a0b0c0d0e0f");
}

/* With the default source (GnuTLS): 32 hex digits, and two ids never repeat. */
static void
test_random_id_default_source(void)
{
  XmppHost host = {0};
  g_autofree char *a = xmpp_host_random_id(&host);
  g_autofree char *b = xmpp_host_random_id(&host);
  g_assert_cmpuint(strlen(a), ==, 32);
  g_assert_cmpuint(strspn(a, "0123456789abcdef"), ==, 32);
  g_assert_cmpstr(a, !=, b);
}

static gboolean
no_random(gpointer data, guint8 *buf, gsize len)
{
  memset(buf, 0xab, len); /* whatever a broken source leaves behind must not be used */
  return FALSE;
}

/* No random data is an error, never a weaker source: no bytes, no id. */
static void
test_no_random_data(void)
{
  XmppHost host = {.random = no_random};
  guint8 buf[8];
  g_assert_false(xmpp_host_random(&host, buf, sizeof buf));
  for (gsize i = 0; i < sizeof buf; i++)
    g_assert_cmpuint(buf[i], ==, 0);
  g_assert_null(xmpp_host_random_id(&host));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/host/random_id/bytes_in_hex", test_random_id_is_the_bytes_in_hex);
  g_test_add_func("/host/random_id/T39_default_source", test_random_id_default_source);
  g_test_add_func("/host/no_random_data", test_no_random_data);
  return g_test_run();
}
