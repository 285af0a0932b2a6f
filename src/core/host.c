/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers through which every core file reaches its host (log, randomness, clock). */
#include "host.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

void
xmpp_host_log(const XmppHost *host, XmppLogLevel level, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  char *message = g_strdup_vprintf(format, args);
  va_end(args);
  if (host != NULL && host->log != NULL) {
    host->log(host->data, level, message);
  } else {
    static const GLogLevelFlags map[] = {G_LOG_LEVEL_DEBUG, G_LOG_LEVEL_INFO, G_LOG_LEVEL_MESSAGE,
                                         G_LOG_LEVEL_MESSAGE};
    g_log("lyre", map[level], "%s", message);
  }
  g_free(message);
}

gboolean
xmpp_host_random(const XmppHost *host, guint8 *buf, gsize len)
{
  gboolean ok = host != NULL && host->random != NULL ? host->random(host->data, buf, len)
                                                     : gnutls_rnd(GNUTLS_RND_NONCE, buf, len) >= 0;
  if (!ok) {
    /* A broken installation (or a failed FIPS self-test): ids and nonces would be guessable. */
    memset(buf, 0, len);
    xmpp_host_log(host, XMPP_LOG_ERROR, "no random data: refusing to go on");
  }
  return ok;
}

gint64
xmpp_host_now(const XmppHost *host)
{
  if (host != NULL && host->now != NULL)
    return host->now(host->data);
  return g_get_monotonic_time();
}

char *
xmpp_host_random_id(const XmppHost *host)
{
  static const char hex[] = "0123456789abcdef";
  guint8 bytes[16];
  if (!xmpp_host_random(host, bytes, sizeof bytes))
    return NULL;
  /* Every sent stanza takes one: a table, not printf (which cost ~19,000 instructions). */
  char *id = g_malloc(2 * sizeof bytes + 1);
  for (gsize i = 0; i < sizeof bytes; i++) {
    id[2 * i] = hex[bytes[i] >> 4];
    id[2 * i + 1] = hex[bytes[i] & 0x0f];
  }
  id[2 * sizeof bytes] = '\0';
  return id;
}
