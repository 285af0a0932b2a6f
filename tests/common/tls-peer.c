/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TestTlsPeer: an in-process GnuTLS server over memory buffers, for XmppTls tests. */
#include "tls-peer.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <string.h>

#define TEST_TLS_PEER_ERROR (test_tls_peer_error_quark())
static GQuark
test_tls_peer_error_quark(void)
{
  return g_quark_from_static_string("test-tls-peer-error-quark");
}

#define PUMP_MAX_ROUNDS 1000

struct _TestTlsPeer {
  gnutls_session_t session;
  gnutls_certificate_credentials_t cred;
  GByteArray *in;
  gsize in_pos;
  GByteArray *out;
  GByteArray *plain;
  gnutls_datum_t ticket_key;
  gboolean established;
  gboolean closed;
  gboolean failed;
};

static ssize_t
peer_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
  TestTlsPeer *peer = ptr;

  g_byte_array_append(peer->out, data, (guint)len);
  return (ssize_t)len;
}

static ssize_t
peer_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
  TestTlsPeer *peer = ptr;
  gsize avail = peer->in->len - peer->in_pos;

  if (avail == 0) {
    gnutls_transport_set_errno(peer->session, EAGAIN);
    return -1;
  }
  len = MIN(len, avail);
  memcpy(data, peer->in->data + peer->in_pos, len);
  peer->in_pos += len;
  if (peer->in_pos == peer->in->len) {
    g_byte_array_set_size(peer->in, 0);
    peer->in_pos = 0;
  }
  return (ssize_t)len;
}

static gboolean
check(int ret, const char *what, GError **error)
{
  if (ret >= 0)
    return TRUE;
  g_set_error(error, TEST_TLS_PEER_ERROR, 0, "%s: %s", what, gnutls_strerror(ret));
  return FALSE;
}

TestTlsPeer *
test_tls_peer_new(const char *cert_pem_file, const char *key_pem_file, const char *priority,
                  GError **error)
{
  TestTlsPeer *peer = g_new0(TestTlsPeer, 1);
  gboolean ok;

  peer->in = g_byte_array_new();
  peer->out = g_byte_array_new();
  peer->plain = g_byte_array_new();
  ok = check(gnutls_certificate_allocate_credentials(&peer->cred), "credentials", error) &&
       check(gnutls_certificate_set_x509_key_file(peer->cred, cert_pem_file, key_pem_file,
                                                  GNUTLS_X509_FMT_PEM),
             "key file", error) &&
       check(gnutls_init(&peer->session, GNUTLS_SERVER), "init", error);
  if (ok && priority != NULL)
    ok = check(gnutls_priority_set_direct(peer->session, priority, NULL), "priority", error);
  else if (ok)
    ok = check(gnutls_set_default_priority(peer->session), "priority", error);
  ok = ok && check(gnutls_credentials_set(peer->session, GNUTLS_CRD_CERTIFICATE, peer->cred),
                   "credentials_set", error);
  /* Like real servers, send session tickets (TLS 1.3 NewSessionTicket after the handshake). */
  ok = ok && check(gnutls_session_ticket_key_generate(&peer->ticket_key), "ticket key", error) &&
       check(gnutls_session_ticket_enable_server(peer->session, &peer->ticket_key), "tickets",
             error);
  if (!ok) {
    test_tls_peer_free(peer);
    return NULL;
  }
  gnutls_transport_set_ptr(peer->session, peer);
  gnutls_transport_set_push_function(peer->session, peer_push);
  gnutls_transport_set_pull_function(peer->session, peer_pull);
  return peer;
}

void
test_tls_peer_free(TestTlsPeer *peer)
{
  if (peer == NULL)
    return;
  if (peer->session != NULL)
    gnutls_deinit(peer->session);
  if (peer->cred != NULL)
    gnutls_certificate_free_credentials(peer->cred);
  gnutls_free(peer->ticket_key.data);
  g_byte_array_unref(peer->in);
  g_byte_array_unref(peer->out);
  g_byte_array_unref(peer->plain);
  g_free(peer);
}

static gboolean
peer_fail(TestTlsPeer *peer, int ret, GError **error)
{
  peer->failed = TRUE;
  return check(ret, peer->established ? "peer receive" : "peer handshake", error);
}

gboolean
test_tls_peer_feed(TestTlsPeer *peer, const guint8 *ciphertext, gsize len, GError **error)
{
  guint8 buf[16384];

  if (peer->failed || peer->closed) {
    g_set_error(error, TEST_TLS_PEER_ERROR, 0, "peer not active");
    return FALSE;
  }
  g_byte_array_append(peer->in, ciphertext, (guint)len);
  while (!peer->established) {
    int ret = gnutls_handshake(peer->session);

    if (ret == GNUTLS_E_SUCCESS)
      peer->established = TRUE;
    else if (ret == GNUTLS_E_AGAIN)
      return TRUE;
    else if (gnutls_error_is_fatal(ret)) {
      /* As real servers do: tell the client why (GnuTLS leaves this to the application). */
      (void)gnutls_alert_send_appropriate(peer->session, ret);
      return peer_fail(peer, ret, error);
    }
  }
  for (;;) {
    ssize_t n = gnutls_record_recv(peer->session, buf, sizeof buf);

    if (n > 0) {
      g_byte_array_append(peer->plain, buf, (guint)n);
    } else if (n == 0) {
      peer->closed = TRUE;
      return TRUE;
    } else if (n == GNUTLS_E_AGAIN) {
      return TRUE;
    } else if (gnutls_error_is_fatal((int)n)) {
      return peer_fail(peer, (int)n, error);
    }
  }
}

static GBytes *
take_array(GByteArray **array)
{
  GBytes *bytes = g_byte_array_free_to_bytes(*array);

  *array = g_byte_array_new();
  return bytes;
}

GBytes *
test_tls_peer_take_output(TestTlsPeer *peer)
{
  return take_array(&peer->out);
}

GBytes *
test_tls_peer_take_plaintext(TestTlsPeer *peer)
{
  return take_array(&peer->plain);
}

gboolean
test_tls_peer_write(TestTlsPeer *peer, const guint8 *plaintext, gsize len, GError **error)
{
  gsize done = 0;

  if (!peer->established || peer->failed) {
    g_set_error(error, TEST_TLS_PEER_ERROR, 0, "peer not established");
    return FALSE;
  }
  while (done < len) {
    ssize_t n = gnutls_record_send(peer->session, plaintext + done, len - done);

    if (n <= 0)
      return check(n == 0 ? GNUTLS_E_INTERNAL_ERROR : (int)n, "peer send", error);
    done += (gsize)n;
  }
  return TRUE;
}

void
test_tls_peer_inject(TestTlsPeer *peer, const guint8 *bytes, gsize len)
{
  g_byte_array_append(peer->out, bytes, (guint)len);
}

gboolean
test_tls_peer_is_closed(TestTlsPeer *peer)
{
  return peer->closed;
}

gboolean
test_tls_peer_is_established(TestTlsPeer *peer)
{
  return peer->established && !peer->failed;
}

int
test_tls_peer_get_version(TestTlsPeer *peer)
{
  if (!peer->established)
    return 0;
  switch (gnutls_protocol_get_version(peer->session)) {
    case GNUTLS_TLS1_3:
      return 13;
    case GNUTLS_TLS1_2:
      return 12;
    default:
      return 0;
  }
}

char *
test_tls_peer_dup_sni(TestTlsPeer *peer)
{
  char name[256];
  size_t len = sizeof name;
  unsigned int type = 0;

  if (gnutls_server_name_get(peer->session, name, &len, &type, 0) < 0 || type != GNUTLS_NAME_DNS)
    return NULL;
  return g_strndup(name, len);
}

GBytes *
test_tls_peer_get_channel_binding(TestTlsPeer *peer, int gnutls_cb_type)
{
  gnutls_datum_t cb = {NULL, 0};
  GBytes *bytes;

  if (gnutls_session_channel_binding(peer->session, (gnutls_channel_binding_t)gnutls_cb_type, &cb) <
      0)
    return NULL;
  bytes = g_bytes_new(cb.data, cb.size);
  gnutls_free(cb.data);
  return bytes;
}

void
test_tls_peer_close(TestTlsPeer *peer)
{
  (void)gnutls_bye(peer->session, GNUTLS_SHUT_WR);
}

gboolean
test_tls_pump(XmppTls *client, GByteArray *client_out, TestTlsPeer *server, GError **error)
{
  g_autoptr(GError) server_error = NULL;

  for (int round = 0; round < PUMP_MAX_ROUNDS; round++) {
    gboolean moved = FALSE;

    if (client_out->len > 0 && server_error == NULL) {
      g_autoptr(GByteArray) copy = g_byte_array_new();

      /* client_out is the test's array: copy it out and empty it in place, since feeding the
       * server may make the client write again. */
      g_byte_array_append(copy, client_out->data, client_out->len);
      g_byte_array_set_size(client_out, 0);
      (void)test_tls_peer_feed(server, copy->data, copy->len, &server_error);
      moved = TRUE;
    }
    {
      g_autoptr(GBytes) out = test_tls_peer_take_output(server);
      gsize len;
      const guint8 *data = g_bytes_get_data(out, &len);

      if (len > 0) {
        if (!xmpp_tls_feed(client, data, len, error))
          return FALSE;
        moved = TRUE;
      }
    }
    if (!moved)
      break;
  }
  if (server_error != NULL) {
    g_propagate_error(error, g_steal_pointer(&server_error));
    return FALSE;
  }
  return TRUE;
}

static void
pair_on_send(gpointer user_data, const guint8 *data, gsize len)
{
  TestTlsPair *p = user_data;

  g_byte_array_append(p->out, data, (guint)len);
}

static void
pair_on_receive(gpointer user_data, const guint8 *data, gsize len)
{
  TestTlsPair *p = user_data;

  p->receive_calls++;
  g_byte_array_append(p->received, data, (guint)len);
  if (p->free_on_receive)
    g_clear_pointer(&p->tls, xmpp_tls_free);
}

static void
pair_on_done(gpointer user_data, XmppTlsVerifyResult verify)
{
  TestTlsPair *p = user_data;

  p->done_calls++;
  p->verify = verify;
  if (p->free_on_done)
    g_clear_pointer(&p->tls, xmpp_tls_free);
}

TestTlsPair *
test_tls_pair_new(const char *cert_file, const char *key_file, const char *peer_priority,
                  const XmppTlsConfig *client_config, GError **error)
{
  static const XmppTlsCallbacks callbacks = {pair_on_send, pair_on_receive, pair_on_done};
  TestTlsPair *p = g_new0(TestTlsPair, 1);

  p->out = g_byte_array_new();
  p->received = g_byte_array_new();
  p->peer = test_tls_peer_new(cert_file, key_file, peer_priority, error);
  if (p->peer != NULL)
    p->tls = xmpp_tls_new(client_config, &callbacks, p, error);
  if (p->tls == NULL || !xmpp_tls_start(p->tls, error)) {
    test_tls_pair_free(p);
    return NULL;
  }
  return p;
}

void
test_tls_pair_free(TestTlsPair *p)
{
  if (p == NULL)
    return;
  xmpp_tls_free(p->tls);
  test_tls_peer_free(p->peer);
  g_byte_array_unref(p->out);
  g_byte_array_unref(p->received);
  g_free(p);
}

gboolean
test_tls_pair_pump(TestTlsPair *p, GError **error)
{
  return test_tls_pump(p->tls, p->out, p->peer, error);
}

guint
test_tls_pair_assert_handshake(TestTlsPair *p, XmppTlsVerifyResult expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppCertInfo) info = NULL;

  g_assert_true(test_tls_pair_pump(p, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(p->done_calls, ==, 1);
  g_assert_cmpint(p->verify, ==, expected);
  g_assert_true(test_tls_peer_is_established(p->peer));
  g_assert_cmpint(xmpp_tls_is_established(p->tls), ==, expected == XMPP_TLS_VERIFY_ACCEPT);
  info = xmpp_tls_get_peer_cert_info(p->tls);
  g_assert_nonnull(info);
  /* Never "ask" without a reason, never "accept" with one unless pinned. */
  if (expected == XMPP_TLS_VERIFY_ASK)
    g_assert_cmpuint(info->problems, !=, 0);
  return info->problems;
}

void
test_tls_pair_assert_exchange(TestTlsPair *p)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;

  g_byte_array_set_size(p->received, 0);
  g_assert_true(xmpp_tls_write(p->tls, (const guint8 *)"<stream>", 8, &error));
  g_assert_no_error(error);
  g_assert_true(test_tls_pair_pump(p, &error));
  g_assert_no_error(error);
  got = test_tls_peer_take_plaintext(p->peer);
  g_assert_cmpmem(g_bytes_get_data(got, NULL), g_bytes_get_size(got), "<stream>", 8);
  g_assert_true(test_tls_peer_write(p->peer, (const guint8 *)"<features/>", 11, &error));
  g_assert_no_error(error);
  g_assert_true(test_tls_pair_pump(p, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(p->received->data, p->received->len, "<features/>", 11);
}
