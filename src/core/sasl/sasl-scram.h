/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the SASL layer: the SCRAM client state machine (RFC 5802 §3/§5, RFC 7677). */
#pragma once

#include <glib.h>
#include <gnutls/crypto.h>

#include "sasl/sasl.h"
#include "sasl/sasl-cache.h"

G_BEGIN_DECLS

/* Default length of our client nonce in characters (printable ASCII without ',', RFC 5802 §7);
 * 24 characters drawn uniformly from 93 values give about 157 bits. */
#define XMPP_SCRAM_NONCE_LEN     24
#define XMPP_SCRAM_MIN_NONCE_LEN 16
#define XMPP_SCRAM_MAX_NONCE_LEN 128
/* Largest server-first / server-final message we parse (after base64 decoding). Real ones are
 * about 100 bytes; anything larger is a hostile or broken server. */
#define XMPP_SCRAM_MAX_SERVER_MESSAGE 4096

typedef struct _XmppSaslScram XmppSaslScram;

typedef struct {
  gnutls_digest_algorithm_t digest;
  gnutls_mac_algorithm_t mac;
  gsize hash_len;
  /* 'n', 'y' or 'p' (RFC 5802 §7 gs2-cbind-flag); cb_type/cb_data only with 'p'. */
  char cb_flag;
  XmppChannelBinding cb_type;
  GBytes *cb_data;
  const char *authcid;  /* UTF-8 */
  const char *password; /* already normalised (NFC) */
  const char *authzid;  /* may be NULL */
  const char *client_nonce;
  guint max_iterations;
  void (*log_warning)(gpointer user_data, const char *message);
  gpointer log_user_data;
  /* Keys from an earlier sign-in (RFC 5802 §5.1), or NULL. Borrowed: it must outlive the
   * XmppSaslScram (the XmppSasl owns both). */
  const XmppSaslCache *cache;
} XmppSaslScramParams;

/* Copies everything it needs from params. */
XmppSaslScram *xmpp_sasl_scram_new(const XmppSaslScramParams *params);
void xmpp_sasl_scram_free(XmppSaslScram *scram);
/* gs2-header + client-first-message-bare. */
GBytes *xmpp_sasl_scram_client_first(XmppSaslScram *scram);
/* server-first-message in, client-final-message out. */
GBytes *xmpp_sasl_scram_client_final(XmppSaslScram *scram, const guint8 *server_first, gsize len,
                                     GError **error);
/* Checks a server-final-message (v= against our ServerSignature, or e=). */
gboolean xmpp_sasl_scram_verify_server_final(XmppSaslScram *scram, const guint8 *server_final,
                                             gsize len, GError **error);
/* TRUE when the server-first message matched the cache and PBKDF2 was skipped. */
gboolean xmpp_sasl_scram_used_cache(const XmppSaslScram *scram);
/* The cache record string for the keys of this exchange, once the server signature is verified;
 * NULL before, after a failure, or when the salt is too long to cache. */
char *xmpp_sasl_scram_dup_cache(const XmppSaslScram *scram);
/* TRUE after client_first until the server-first message arrives. */
gboolean xmpp_sasl_scram_is_waiting_server_first(const XmppSaslScram *scram);
/* Username / authzid escaping (RFC 5802 §5.1 saslname): '=' -> "=3D", ',' -> "=2C". */
char *xmpp_sasl_scram_escape_name(const char *name);
/* Wipes then frees secret memory; the volatile pointer keeps the compiler from eliding it. */
void xmpp_sasl_scram_wipe(void *buf, gsize len);
/* Compares secrets in time that does not depend on where they differ. */
gboolean xmpp_sasl_scram_equal(const guint8 *a, const guint8 *b, gsize len);

G_END_DECLS
