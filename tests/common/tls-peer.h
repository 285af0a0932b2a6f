/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TestTlsPeer: an in-process GnuTLS server over memory buffers, for XmppTls tests. */
#pragma once

#include <glib.h>
#include "stream/tls.h"

G_BEGIN_DECLS

typedef struct _TestTlsPeer TestTlsPeer;

/* priority NULL = GnuTLS defaults; e.g. "NORMAL:-VERS-ALL:+VERS-TLS1.2" forces TLS 1.2. */
TestTlsPeer *test_tls_peer_new(const char *cert_pem_file, const char *key_pem_file,
                               const char *priority, GError **error);
void test_tls_peer_free(TestTlsPeer *peer);
/* Ciphertext from the client; drives the handshake, then decrypts application data. */
gboolean test_tls_peer_feed(TestTlsPeer *peer, const guint8 *ciphertext, gsize len, GError **error);
/* Ciphertext for the client (may be empty); transfer full. */
GBytes *test_tls_peer_take_output(TestTlsPeer *peer);
/* Application data received from the client so far; transfer full. */
GBytes *test_tls_peer_take_plaintext(TestTlsPeer *peer);
gboolean test_tls_peer_write(TestTlsPeer *peer, const guint8 *plaintext, gsize len, GError **error);
/* Raw bytes to send to the client as if they came from the server (garbage tests). */
void test_tls_peer_inject(TestTlsPeer *peer, const guint8 *bytes, gsize len);
gboolean test_tls_peer_is_established(TestTlsPeer *peer);
/* TRUE once the client's close_notify arrived. */
gboolean test_tls_peer_is_closed(TestTlsPeer *peer);
/* 12 or 13 once established, else 0. */
int test_tls_peer_get_version(TestTlsPeer *peer);
/* The SNI the client sent, or NULL. */
char *test_tls_peer_dup_sni(TestTlsPeer *peer);
/* Server side view of a channel binding (gnutls_channel_binding_t), or NULL. */
GBytes *test_tls_peer_get_channel_binding(TestTlsPeer *peer, int gnutls_cb_type);
/* Sends close_notify. */
void test_tls_peer_close(TestTlsPeer *peer);

/* Shuttles ciphertext both ways until nothing moves. client_out is where the test's XmppTls send
 * callback appends its output. On failure returns the client's error if it has one, else the
 * peer's (after delivering the peer's alert to the client). */
gboolean test_tls_pump(XmppTls *client, GByteArray *client_out, TestTlsPeer *server,
                       GError **error);

/* A client XmppTls wired to a TestTlsPeer. What the client sends (out) and receives is recorded;
 * the callbacks free the client when asked to (tests of freeing from a callback). */
typedef struct {
  XmppTls *tls;
  TestTlsPeer *peer;
  GByteArray *out;      /* ciphertext from the client, not yet given to the peer */
  GByteArray *received; /* plaintext delivered to the client */
  guint done_calls;
  guint receive_calls;
  XmppTlsVerifyResult verify;
  gboolean free_on_done;
  gboolean free_on_receive;
} TestTlsPair;

/* Creates the peer and the client and sends the ClientHello (into out). */
TestTlsPair *test_tls_pair_new(const char *cert_file, const char *key_file,
                               const char *peer_priority, const XmppTlsConfig *client_config,
                               GError **error);
void test_tls_pair_free(TestTlsPair *pair);
gboolean test_tls_pair_pump(TestTlsPair *pair, GError **error);
/* GTest assertions: pumps, checks the handshake finished with `expected`, returns the problems
 * of the peer certificate. */
guint test_tls_pair_assert_handshake(TestTlsPair *pair, XmppTlsVerifyResult expected);
/* GTest assertions: application data goes through both ways. */
void test_tls_pair_assert_exchange(TestTlsPair *pair);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestTlsPeer, test_tls_peer_free)

G_END_DECLS
