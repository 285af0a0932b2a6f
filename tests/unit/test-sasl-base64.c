/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the strict SASL base64 codec (T30, RFC 6120 §6.4.2, RFC 4648). */
#include <string.h>

#include "sasl/sasl.h"

static void
expect_bytes(const char *text, const char *expected, gsize expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = xmpp_sasl_base64_decode(text, 1024, &error);
  g_assert_no_error(error);
  g_assert_nonnull(out);
  g_assert_cmpmem(g_bytes_get_data(out, NULL), g_bytes_get_size(out), expected, expected_len);
}

static void
expect_invalid(const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = xmpp_sasl_base64_decode(text, 1024, &error);
  if (out != NULL)
    g_error("accepted \"%s\"", text);
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_INCORRECT_ENCODING);
}

static void
test_t30_valid(void)
{
  expect_bytes("Zm9v", "foo", 3);
  expect_bytes("Zm8=", "fo", 2);
  expect_bytes("Zg==", "f", 1);
  expect_bytes("AP8A", "\0\xff\0", 3);
  expect_bytes("+/+/", "\xfb\xff\xbf", 3);
  expect_bytes("biws", "n,,", 3);
}

static void
test_t30_empty_markers(void)
{
  /* RFC 6120 §6.4.2: "=" is "empty response"; an empty element is "no data". */
  expect_bytes("=", "", 0);
  expect_bytes("", "", 0);
}

static void
test_t30_invalid(void)
{
  const char *bad[] = {
      "Zm9v!",            /* bad character */
      "Zm9-",             /* base64url, not base64 */
      "Zm9_",             /* base64url */
      "Zm 9v",            /* embedded space */
      "Zm9v\n",           /* trailing line break */
      "Zm9v\r\nZm9v",     /* line break inside */
      " Zm9v",            /* leading whitespace */
      "Zm9\tv",           /* tab */
      "Zm8",              /* missing padding */
      "Zg=",              /* short padding */
      "Zg===",            /* too much padding */
      "Z===",             /* three pad characters */
      "====",             /* only padding */
      "==",               /* double empty marker */
      "Zm=v",             /* padding in the middle */
      "Zg==Zm9v",         /* data after padding */
      "Zh==",             /* non-zero pad bits (non-canonical "f") */
      "Zm9=",             /* non-zero pad bits */
      "\xc3\xa9\xc3\xa9", /* non-ASCII */
  };
  for (gsize k = 0; k < G_N_ELEMENTS(bad); k++)
    expect_invalid(bad[k]);
}

static void
test_t30_max_len(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ok = xmpp_sasl_base64_decode("Zm9vYmFy", 8, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(ok), ==, 6);
  g_autoptr(GBytes) too_long = xmpp_sasl_base64_decode("Zm9vYmFy", 7, &error);
  g_assert_null(too_long);
  g_assert_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE);
}

static void
test_encode(void)
{
  g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
  g_autofree char *e = xmpp_sasl_base64_encode(empty);
  g_assert_cmpstr(e, ==, "=");
  g_autoptr(GBytes) data = g_bytes_new("n,,\0\xff", 5);
  g_autofree char *d = xmpp_sasl_base64_encode(data);
  g_assert_cmpstr(d, ==, "biwsAP8=");
  /* Round trip through the strict decoder. */
  g_autoptr(GBytes) back = xmpp_sasl_base64_decode(d, 64, NULL);
  g_assert_true(g_bytes_equal(back, data));
}

static void
test_round_trip_all_lengths(void)
{
  guint8 buf[70];
  for (gsize k = 0; k < sizeof buf; k++)
    buf[k] = (guint8)(k * 37 + 11);
  for (gsize len = 1; len <= sizeof buf; len++) {
    g_autoptr(GBytes) in = g_bytes_new(buf, len);
    g_autofree char *text = xmpp_sasl_base64_encode(in);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) out = xmpp_sasl_base64_decode(text, 1024, &error);
    g_assert_no_error(error);
    g_assert_true(g_bytes_equal(in, out));
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sasl/base64/T30_valid", test_t30_valid);
  g_test_add_func("/sasl/base64/T30_empty_markers", test_t30_empty_markers);
  g_test_add_func("/sasl/base64/T30_invalid", test_t30_invalid);
  g_test_add_func("/sasl/base64/T30_max_len", test_t30_max_len);
  g_test_add_func("/sasl/base64/encode", test_encode);
  g_test_add_func("/sasl/base64/round_trip", test_round_trip_all_lengths);
  return g_test_run();
}
