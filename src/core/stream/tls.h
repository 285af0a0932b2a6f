/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppTls: a GnuTLS client session running over memory buffers (no sockets): ciphertext comes in
 * through xmpp_tls_feed() and goes out through a callback; plaintext likewise. Verifies the peer
 * for the JID's domain. Trusted: a certificate whose SHA-256 fingerprint is pinned (the account's
 * pin, or the one the user chose to always accept), or one that chains to the host's extra
 * anchors (libpurple's CA pool), the system store or the account's CA file. The outcome does not
 * depend on the order; they are consulted cheapest first: CA file, system, extra anchors. */
#pragma once

#include <glib.h>
#include "stream/channel-binding.h"

G_BEGIN_DECLS

#define XMPP_TLS_ERROR (xmpp_tls_error_quark())
GQuark xmpp_tls_error_quark(void);

typedef enum {
  XMPP_TLS_ERROR_INIT,        /* GnuTLS setup failed (bad CA file, ...) */
  XMPP_TLS_ERROR_HANDSHAKE,   /* handshake failed (protocol version, alert, ...) */
  XMPP_TLS_ERROR_IO,          /* record layer error after the handshake */
  XMPP_TLS_ERROR_CERTIFICATE, /* the certificate was rejected (by policy or by the user) */
  XMPP_TLS_ERROR_CLOSED,      /* the peer closed the TLS session */
} XmppTlsError;

/* Why a certificate is not trusted (bits). */
typedef enum {
  XMPP_CERT_OK = 0,
  XMPP_CERT_UNTRUSTED = 1 << 0, /* unknown issuer, self-signed, bad chain, CA:FALSE signer */
  XMPP_CERT_EXPIRED = 1 << 1,
  XMPP_CERT_NOT_ACTIVATED = 1 << 2,
  XMPP_CERT_HOSTNAME_MISMATCH = 1 << 3,
  XMPP_CERT_REVOKED = 1 << 4,
  XMPP_CERT_INSECURE_ALGORITHM = 1 << 5,
  XMPP_CERT_INVALID = 1 << 6,      /* no certificate, or it cannot be parsed */
  XMPP_CERT_PIN_MISMATCH = 1 << 7, /* a pin exists for this account and differs */
} XmppCertProblem;

typedef struct _XmppCertInfo {
  char *subject; /* RFC 4514 DN */
  char *issuer;
  gint64 not_before; /* unix time */
  gint64 not_after;
  char *sha256;   /* "AB:CD:..." upper-case hex of the leaf DER */
  GBytes *der;    /* leaf certificate */
  guint problems; /* XmppCertProblem bits */
} XmppCertInfo;

void xmpp_cert_info_free(XmppCertInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppCertInfo, xmpp_cert_info_free)
/* Parses a DER certificate into an XmppCertInfo (problems = 0). NULL with
 * XMPP_TLS_ERROR_CERTIFICATE if it is empty or cannot be parsed (T20). */
XmppCertInfo *xmpp_cert_info_new_from_der(const guint8 *der, gsize len, GError **error);
XmppCertInfo *xmpp_cert_info_copy(const XmppCertInfo *info);
/* XmppCertProblem bits for a GnuTLS verification status (gnutls_certificate_status_t bits).
 * Never 0 when status is not 0. */
guint xmpp_cert_problems_from_gnutls(guint gnutls_status);
/* "AB:CD:..." for a digest. */
char *xmpp_cert_format_fingerprint(const guint8 *digest, gsize len);

typedef struct _XmppTlsConfig {
  const char *server_name;   /* SNI and reference identity: always the JID's domain */
  const char *ca_file;       /* optional extra trust anchors (PEM) */
  gboolean no_system_trust;  /* tests: only ca_file */
  const char *pinned_sha256; /* "AB:CD:..." (case and separators ignored), or NULL */
  /* A second pin in the same form: the certificate the user chose to always accept, as the
   * host keeps it (libpurple's tls_peers store). NULL: none. */
  const char *accepted_sha256;
  /* Optional: more trust anchors (PEM certificates, concatenated), asked for only when the CA
   * file and the system store do not vouch for the peer, in rounds (0, 1, ...: cheapest first)
   * until they vouch or a round returns NULL. Empty: none this round. Called from inside
   * xmpp_tls_feed(); must not call back into this XmppTls. */
  GBytes *(*more_anchors)(gpointer data, guint round);
  gpointer more_anchors_data;
  /* GnuTLS priority string; NULL = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" */
  const char *priority;
} XmppTlsConfig;

typedef enum {
  XMPP_TLS_VERIFY_ACCEPT, /* trusted (by the chain or by the pin) */
  XMPP_TLS_VERIFY_ASK,    /* not trusted: ask the user (xmpp_tls_get_peer_cert_info) */
} XmppTlsVerifyResult;

typedef struct _XmppTlsCallbacks {
  /* Ciphertext to put on the wire. */
  void (*send)(gpointer user_data, const guint8 *data, gsize len);
  /* Decrypted application data. */
  void (*receive)(gpointer user_data, const guint8 *data, gsize len);
  /* Handshake finished; `verify` says whether the peer is trusted. When ASK, the owner must call
   * xmpp_tls_set_trusted() or drop the session; nothing is delivered until then. */
  void (*handshake_done)(gpointer user_data, XmppTlsVerifyResult verify);
} XmppTlsCallbacks;

typedef struct _XmppTls XmppTls;

/* Most decrypted bytes kept while the user decides about an untrusted certificate. */
#define XMPP_TLS_MAX_PENDING_BYTES (256 * 1024)

XmppTls *xmpp_tls_new(const XmppTlsConfig *config, const XmppTlsCallbacks *callbacks,
                      gpointer user_data, GError **error);
void xmpp_tls_free(XmppTls *tls);
/* Sends the ClientHello. */
gboolean xmpp_tls_start(XmppTls *tls, GError **error);
/* Ciphertext from the network. FALSE with error on a fatal TLS problem. Callbacks run from here.
 * Any callback may free the XmppTls only if it returns immediately after (the function notices).
 * Implementation: xmpp_tls_free() from inside a callback only marks the session; no callback
 * runs after that, nothing more is sent, and the outermost xmpp_tls_* call (feed, write, start,
 * set_trusted, close) frees it before returning (feed then returns TRUE). */
gboolean xmpp_tls_feed(XmppTls *tls, const guint8 *data, gsize len, GError **error);
/* Plaintext to encrypt and send. Only after handshake_done and trust. */
gboolean xmpp_tls_write(XmppTls *tls, const guint8 *data, gsize len, GError **error);
/* Called by the owner after the user accepted an untrusted certificate. Delivers whatever
 * application data arrived meanwhile. */
void xmpp_tls_set_trusted(XmppTls *tls);
/* Sends close_notify. */
void xmpp_tls_close(XmppTls *tls);

gboolean xmpp_tls_is_established(const XmppTls *tls);
/* Whether the system trust store was parsed: always without a CA file, with one only when the
 * CA file did not vouch for the server (tests and diagnostics). */
gboolean xmpp_tls_system_trust_loaded(const XmppTls *tls);
/* 12 for TLS 1.2, 13 for TLS 1.3, 0 before the handshake. */
int xmpp_tls_get_version(const XmppTls *tls);
/* Leaf certificate of the peer with the verification result (transfer full), or NULL. */
XmppCertInfo *xmpp_tls_get_peer_cert_info(const XmppTls *tls);
/* Channel bindings usable on this connection (bits): tls-exporter on 1.3, tls-unique on 1.2,
 * tls-server-end-point when the certificate allows it. */
guint xmpp_tls_get_channel_bindings(const XmppTls *tls);
/* Channel binding data (transfer full), or NULL. */
GBytes *xmpp_tls_get_channel_binding(const XmppTls *tls, XmppChannelBinding type);

/* Canonical form of a fingerprint ("ab cd"/"AB:CD"/"abcd" -> "AB:CD:..."), NULL if not hex. */
char *xmpp_tls_normalize_fingerprint(const char *text);

G_END_DECLS
