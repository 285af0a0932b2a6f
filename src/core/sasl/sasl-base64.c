/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict base64 for SASL payloads (RFC 6120 §6.4.2, RFC 4648 §4): validates, then uses GLib. */
#include "sasl/sasl.h"

#include <string.h>

/* g_base64_decode() skips characters outside the alphabet and tolerates missing padding, so a
 * corrupted payload would decode to something else instead of failing (Pidgin CVE-2010-3711 was
 * the unchecked variant of this). We validate the whole text first (T30). */

static gboolean
is_b64_char(char c)
{
  return g_ascii_isalnum(c) || c == '+' || c == '/';
}

static int
b64_value(char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  return c == '+' ? 62 : 63;
}

static gboolean
fail_encoding(GError **error, const char *why)
{
  g_set_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_INCORRECT_ENCODING, "Invalid base64: %s",
              why);
  return FALSE;
}

/* RFC 4648 §4 with padding, canonical (§3.5: the unused bits of the last group must be zero, so
 * that each byte string has exactly one encoding). */
static gboolean
validate(const char *text, gsize len, GError **error)
{
  if (len % 4 != 0)
    return fail_encoding(error, "length is not a multiple of 4");

  gsize pad = 0;
  if (text[len - 1] == '=')
    pad = text[len - 2] == '=' ? 2 : 1;

  for (gsize i = 0; i < len - pad; i++) {
    if (!is_b64_char(text[i]))
      return fail_encoding(error,
                           text[i] == '=' ? "misplaced padding" : "character outside the alphabet");
  }
  if (pad == 2 && (b64_value(text[len - 3]) & 0x0f) != 0)
    return fail_encoding(error, "non-zero padding bits");
  if (pad == 1 && (b64_value(text[len - 2]) & 0x03) != 0)
    return fail_encoding(error, "non-zero padding bits");
  return TRUE;
}

GBytes *
xmpp_sasl_base64_decode(const char *text, gsize max_len, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  gsize len = strnlen(text, max_len + 1);
  if (len > max_len) {
    g_set_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE,
                "SASL payload longer than %" G_GSIZE_FORMAT " characters", max_len);
    return NULL;
  }
  /* RFC 6120 §6.4.2: an empty element means "no data"; a lone "=" means "data of length 0".
   * Both give an empty GBytes. */
  if (len == 0 || (len == 1 && text[0] == '='))
    return g_bytes_new(NULL, 0);
  if (!validate(text, len, error))
    return NULL;

  gsize out_len = 0;
  guchar *out = g_base64_decode(text, &out_len);
  return g_bytes_new_take(out, out_len);
}

char *
xmpp_sasl_base64_encode(GBytes *data)
{
  g_return_val_if_fail(data != NULL, NULL);

  gsize len = 0;
  const guint8 *raw = g_bytes_get_data(data, &len);
  if (len == 0)
    return g_strdup("="); /* RFC 6120 §6.4.2: empty initial response / response */
  return g_base64_encode(raw, len);
}
