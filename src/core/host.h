/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppHost: what the core needs from its host (the purple glue, or a test): bytes out, timers,
 * a clock, randomness and logging. The core itself never does I/O. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  XMPP_LOG_DEBUG,
  XMPP_LOG_INFO,
  XMPP_LOG_WARNING,
  XMPP_LOG_ERROR,
} XmppLogLevel;

typedef struct _XmppHost {
  /* Bytes for the transport (already encrypted when TLS is up). */
  void (*send)(gpointer data, const guint8 *bytes, gsize len);
  /* One-shot or repeating timer as GSourceFunc semantics (return G_SOURCE_CONTINUE to repeat).
   * Returns a non-zero handle. */
  guint (*timeout_add)(gpointer data, guint milliseconds, GSourceFunc func, gpointer func_data);
  void (*timeout_remove)(gpointer data, guint handle);
  /* Monotonic clock in microseconds. NULL: g_get_monotonic_time. */
  gint64 (*now)(gpointer data);
  /* Random bytes; FALSE when there are none (never make some up). NULL:
   * gnutls_rnd(GNUTLS_RND_NONCE). */
  gboolean (*random)(gpointer data, guint8 *buf, gsize len);
  /* Log line (without newline). NULL: g_log. */
  void (*log)(gpointer data, XmppLogLevel level, const char *message);
  gpointer data;
} XmppHost;

/* Helpers every core file uses to reach the host. */
void xmpp_host_log(const XmppHost *host, XmppLogLevel level, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
/* FALSE (logged as an error, buf zeroed) when no random data can be had: the caller fails what
 * it was doing. There is no fallback to a weaker source. */
gboolean xmpp_host_random(const XmppHost *host, guint8 *buf, gsize len) G_GNUC_WARN_UNUSED_RESULT;
gint64 xmpp_host_now(const XmppHost *host);
/* A random identifier of 128 bits in lower-case hex (RFC 6120 §8.1.3: unpredictable ids, T39),
 * or NULL when xmpp_host_random fails. */
char *xmpp_host_random_id(const XmppHost *host) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
