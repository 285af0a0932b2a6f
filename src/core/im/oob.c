/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0066 links (oob.h). */
#include "im/oob.h"

#include <string.h>

#include "im/namespaces.h"

gboolean
xmpp_oob_url_usable(const char *url, gboolean https_only)
{
  if (url == NULL)
    return FALSE;
  gsize n = strlen(url);
  if (n == 0 || n > XMPP_OOB_MAX_URL || !g_utf8_validate(url, -1, NULL))
    return FALSE;
  for (const unsigned char *p = (const unsigned char *)url; *p != '\0'; p++)
    if (*p <= 0x20 || *p == 0x7f)
      return FALSE;
  g_autofree char *scheme = g_uri_parse_scheme(url);
  if (scheme == NULL || (g_ascii_strcasecmp(scheme, "https") != 0 &&
                         (https_only || g_ascii_strcasecmp(scheme, "http") != 0)))
    return FALSE;
  g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
  return uri != NULL && g_uri_get_host(uri) != NULL && *g_uri_get_host(uri) != '\0';
}

char *
xmpp_oob_parse_url(const XmppNode *message)
{
  const XmppNode *x = xmpp_node_get_child(message, XMPP_NS_OOB, "x");
  g_autofree char *url = x != NULL ? xmpp_node_dup_child_text(x, XMPP_NS_OOB, "url") : NULL;
  if (url == NULL)
    return NULL;
  g_strstrip(url);
  if (!xmpp_oob_url_usable(url, FALSE))
    return NULL;
  /* The scheme in lowercase (RFC 3986 §3.1: it is case-insensitive), as what uses the link
   * compares it: "HTTPS://host/x" is "https://host/x". */
  for (char *p = url; *p != ':'; p++)
    *p = g_ascii_tolower(*p);
  return g_steal_pointer(&url);
}

XmppNode *
xmpp_oob_build(const char *url)
{
  XmppNode *x = xmpp_node_new(XMPP_NS_OOB, "x");
  xmpp_node_new_text_child(x, NULL, "url", url);
  return x;
}

char *
xmpp_oob_clean_name(const char *name)
{
  g_autofree char *valid = g_utf8_make_valid(name != NULL ? name : "", -1);
  GString *out = g_string_new(NULL);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_iscntrl(c) || c == '/' || c == '\\' || c == 0xfeff ||
        g_unichar_type(c) == G_UNICODE_FORMAT)
      continue; /* separators, controls, and invisible characters that hide a name's end */
    if (out->len == 0 && (c == '.' || g_unichar_isspace(c)))
      continue; /* no hidden file, no name that starts blank */
    char buf[6];
    gint n = g_unichar_to_utf8(c, buf);
    if (out->len + n > XMPP_OOB_MAX_NAME)
      break;
    g_string_append_len(out, buf, n);
  }
  while (out->len > 0 && g_ascii_isspace(out->str[out->len - 1]))
    g_string_truncate(out, out->len - 1);
  if (out->len == 0) {
    g_string_free(out, TRUE);
    return g_strdup("download");
  }
  return g_string_free(out, FALSE);
}

char *
xmpp_oob_file_name(const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_ENCODED, NULL) : NULL;
  const char *path = uri != NULL ? g_uri_get_path(uri) : "";
  const char *slash = strrchr(path, '/');
  const char *last = slash != NULL ? slash + 1 : path;
  /* Decoded once: %2f and %5c become separators here, removed with the rest (clean_name). */
  g_autoptr(GBytes) bytes = g_uri_unescape_bytes(last, -1, NULL, NULL);
  gsize raw_len = 0;
  const char *raw = bytes != NULL ? g_bytes_get_data(bytes, &raw_len) : NULL;
  GString *decoded = g_string_new(NULL);
  for (gsize i = 0; raw != NULL && i < raw_len && i < 4 * XMPP_OOB_MAX_URL; i++)
    if (raw[i] != '\0')
      g_string_append_c(decoded, raw[i]); /* an encoded NUL ends nothing here */
  char *name = xmpp_oob_clean_name(decoded->str);
  g_string_free(decoded, TRUE);
  return name;
}
