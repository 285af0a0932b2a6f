/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppTls: GnuTLS client session over memory buffers, with our own post-handshake verification. */
#include "stream/tls.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

GQuark
xmpp_tls_error_quark(void)
{
  return g_quark_from_static_string("xmpp-tls-error-quark");
}

/* RFC 7590 §3.1 sends us to BCP 195 (RFC 7525 §3.1.1): TLS 1.2 at least (T22). */
#define DEFAULT_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define RECV_CHUNK       16384

typedef enum {
  TLS_STATE_NEW,
  TLS_STATE_HANDSHAKE,
  TLS_STATE_ASK,         /* handshake done, certificate not trusted: hold data */
  TLS_STATE_ESTABLISHED, /* trusted */
  TLS_STATE_CLOSED,
  TLS_STATE_FAILED,
} TlsState;

struct _XmppTls {
  gnutls_session_t session;
  gnutls_certificate_credentials_t cred;
  char *server_name;
  char *pin;      /* normalised, or NULL */
  char *accepted; /* normalised second pin (the user's "always accept"), or NULL */
  GBytes *(*more_anchors)(gpointer data, guint round);
  gpointer more_anchors_data;
  guint more_anchors_round; /* the next round to ask for */
  /* With a CA file the system store (~140 certificates, a fifth of a warm sign-in's CPU) is
   * parsed only if the CA file does not already vouch for the server. */
  gboolean system_trust_pending, system_trust_loaded;
  XmppTlsCallbacks cb;
  gpointer user_data;
  TlsState state;
  GByteArray *in; /* ciphertext not yet read by GnuTLS, from in_pos on */
  gsize in_pos;
  guint64 in_consumed;     /* total bytes GnuTLS has read: detects loops without progress */
  GByteArray *pending;     /* plaintext held while in TLS_STATE_ASK */
  XmppCertInfo *peer_info; /* leaf + problems, after the handshake */
  /* Callbacks may free us: xmpp_tls_free() only marks while depth > 0, and the outermost
   * public function that entered finishes the job (DESIGN.md, "Any callback may close"). */
  guint depth;
  gboolean free_pending;
};

static void
tls_destroy(XmppTls *tls)
{
  if (tls->session != NULL)
    gnutls_deinit(tls->session);
  if (tls->cred != NULL)
    gnutls_certificate_free_credentials(tls->cred);
  g_free(tls->server_name);
  g_free(tls->pin);
  g_free(tls->accepted);
  g_byte_array_unref(tls->in);
  g_byte_array_unref(tls->pending);
  xmpp_cert_info_free(tls->peer_info);
  g_free(tls);
}

/* Every public function that can run a callback does depth++ first and tls_leave() last.
 * TRUE when the owner freed the session meanwhile: the caller must not touch it any more. */
static gboolean
tls_leave(XmppTls *tls)
{
  if (--tls->depth == 0 && tls->free_pending) {
    tls_destroy(tls);
    return TRUE;
  }
  return FALSE;
}

static ssize_t
push_func(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
  XmppTls *tls = ptr;

  /* Memory transport: always accepts everything. Nothing goes out once the owner let go. */
  if (!tls->free_pending && tls->cb.send != NULL)
    tls->cb.send(tls->user_data, data, len);
  return (ssize_t)len;
}

static ssize_t
pull_func(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
  XmppTls *tls = ptr;
  gsize avail = tls->in->len - tls->in_pos;

  if (avail == 0) {
    gnutls_transport_set_errno(tls->session, EAGAIN);
    return -1;
  }
  len = MIN(len, avail);
  memcpy(data, tls->in->data + tls->in_pos, len);
  tls->in_pos += len;
  tls->in_consumed += len;
  if (tls->in_pos == tls->in->len) {
    g_byte_array_set_size(tls->in, 0);
    tls->in_pos = 0;
  }
  return (ssize_t)len;
}

static gboolean
init_failed(GError **error, const char *what, int ret)
{
  g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_INIT, "%s: %s", what, gnutls_strerror(ret));
  return FALSE;
}

static gboolean
load_system_trust(XmppTls *tls, GError **error)
{
  int ret = gnutls_certificate_set_x509_system_trust(tls->cred);
  tls->system_trust_pending = FALSE;
  tls->system_trust_loaded = ret >= 0;
  if (ret < 0)
    return init_failed(error, "Cannot load the system trust store", ret);
  return TRUE;
}

static gboolean
tls_setup(XmppTls *tls, const XmppTlsConfig *config, GError **error)
{
  const char *priority = config->priority != NULL ? config->priority : DEFAULT_PRIORITY;
  int ret;

  if ((ret = gnutls_certificate_allocate_credentials(&tls->cred)) < 0)
    return init_failed(error, "Cannot allocate TLS credentials", ret);
  if (!config->no_system_trust && config->ca_file != NULL)
    tls->system_trust_pending = TRUE;
  else if (!config->no_system_trust && !load_system_trust(tls, error))
    return FALSE;
  if (config->ca_file != NULL && (ret = gnutls_certificate_set_x509_trust_file(
                                      tls->cred, config->ca_file, GNUTLS_X509_FMT_PEM)) <= 0)
    return init_failed(error, "Cannot load the CA file",
                       ret == 0 ? GNUTLS_E_NO_CERTIFICATE_FOUND : ret);
  if ((ret = gnutls_init(&tls->session, GNUTLS_CLIENT)) < 0)
    return init_failed(error, "Cannot create the TLS session", ret);
  if ((ret = gnutls_priority_set_direct(tls->session, priority, NULL)) < 0)
    return init_failed(error, "Bad TLS priority string", ret);
  if ((ret = gnutls_credentials_set(tls->session, GNUTLS_CRD_CERTIFICATE, tls->cred)) < 0)
    return init_failed(error, "Cannot set TLS credentials", ret);
  /* RFC 7590 §3.1 / RFC 6120 §13.7.2.1: SNI and the reference identity are the JID domain,
   * never a connect-server override or an SRV target (T18, T23). */
  if ((ret = gnutls_server_name_set(tls->session, GNUTLS_NAME_DNS, config->server_name,
                                    strlen(config->server_name))) < 0)
    return init_failed(error, "Cannot set the server name", ret);
  gnutls_transport_set_ptr(tls->session, tls);
  gnutls_transport_set_push_function(tls->session, push_func);
  gnutls_transport_set_pull_function(tls->session, pull_func);
  return TRUE;
}

XmppTls *
xmpp_tls_new(const XmppTlsConfig *config, const XmppTlsCallbacks *callbacks, gpointer user_data,
             GError **error)
{
  XmppTls *tls;

  g_return_val_if_fail(config != NULL && config->server_name != NULL, NULL);
  g_return_val_if_fail(callbacks != NULL, NULL);
  tls = g_new0(XmppTls, 1);
  tls->server_name = g_strdup(config->server_name);
  tls->cb = *callbacks;
  tls->user_data = user_data;
  tls->in = g_byte_array_new();
  tls->pending = g_byte_array_new();
  if (config->pinned_sha256 != NULL) {
    tls->pin = xmpp_tls_normalize_fingerprint(config->pinned_sha256);
    if (tls->pin == NULL) {
      g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_INIT, "Bad pinned fingerprint");
      tls_destroy(tls);
      return NULL;
    }
  }
  /* The host's store gave it: one we cannot read is no pin at all (never an error). */
  tls->accepted = xmpp_tls_normalize_fingerprint(config->accepted_sha256);
  tls->more_anchors = config->more_anchors;
  tls->more_anchors_data = config->more_anchors_data;
  if (!tls_setup(tls, config, error)) {
    tls_destroy(tls);
    return NULL;
  }
  return tls;
}

void
xmpp_tls_free(XmppTls *tls)
{
  if (tls == NULL)
    return;
  if (tls->depth > 0)
    tls->free_pending = TRUE;
  else
    tls_destroy(tls);
}

static gboolean
fail(XmppTls *tls, GError **error, XmppTlsError code, const char *what, int ret)
{
  tls->state = TLS_STATE_FAILED;
  g_set_error(error, XMPP_TLS_ERROR, code, "%s: %s", what, gnutls_strerror(ret));
  return FALSE;
}

gboolean
xmpp_tls_start(XmppTls *tls, GError **error)
{
  int ret;

  g_return_val_if_fail(tls != NULL, FALSE);
  if (tls->state != TLS_STATE_NEW) {
    g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_HANDSHAKE, "TLS already started");
    return FALSE;
  }
  tls->state = TLS_STATE_HANDSHAKE;
  tls->depth++;
  ret = gnutls_handshake(tls->session);
  if (tls_leave(tls))
    return TRUE;
  if (ret < 0 && gnutls_error_is_fatal(ret))
    return fail(tls, error, XMPP_TLS_ERROR_HANDSHAKE, "TLS handshake failed", ret);
  return TRUE;
}

/* The host's next round of extra anchors (libpurple's): TRUE when one was added, FALSE when
 * the host has no more. A bundle GnuTLS cannot read adds nothing (the peer is then asked
 * about, never trusted by mistake). At most 8 rounds. */
static gboolean
add_more_anchors(XmppTls *tls)
{
  while (tls->more_anchors != NULL && tls->more_anchors_round < 8) {
    g_autoptr(GBytes) pem = tls->more_anchors(tls->more_anchors_data, tls->more_anchors_round++);
    if (pem == NULL)
      break;
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(pem, &len);
    if (data == NULL || len == 0 || len > G_MAXUINT)
      continue;
    gnutls_datum_t datum = {(unsigned char *)data, (unsigned int)len};
    if (gnutls_certificate_set_x509_trust_mem(tls->cred, &datum, GNUTLS_X509_FMT_PEM) > 0)
      return TRUE;
  }
  tls->more_anchors = NULL;
  return FALSE;
}

/* RFC 6125 / RFC 6120 §13.7.2: chain, validity, basicConstraints (T16) and the JID domain as DNS
 * identity (T17, T21) are all checked by GnuTLS. We verify after the handshake, not with
 * gnutls_session_set_verify_cert(), so that an untrusted certificate can be shown to the user. */
static gboolean
verify_peer(XmppTls *tls, XmppTlsVerifyResult *result, GError **error)
{
  const gnutls_datum_t *certs;
  unsigned int n_certs = 0;
  unsigned int status = 0;
  gnutls_typed_vdata_st vdata[2] = {
      {GNUTLS_DT_DNS_HOSTNAME, (unsigned char *)tls->server_name, 0},
      {GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER, 0},
  };
  int ret;

  certs = gnutls_certificate_get_peers(tls->session, &n_certs);
  if (certs == NULL || n_certs == 0) {
    g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE, "Server sent no certificate");
    return FALSE;
  }
  tls->peer_info = xmpp_cert_info_new_from_der(certs[0].data, certs[0].size, error);
  if (tls->peer_info == NULL)
    return FALSE;
  ret = gnutls_certificate_verify_peers(tls->session, vdata, G_N_ELEMENTS(vdata), &status);
  if ((ret < 0 || status != 0) && tls->system_trust_pending) {
    /* Not from the CA file: the system store as well, exactly as if both had been loaded. */
    if (!load_system_trust(tls, error))
      return FALSE;
    ret = gnutls_certificate_verify_peers(tls->session, vdata, G_N_ELEMENTS(vdata), &status);
  }
  while ((ret < 0 || status != 0) && add_more_anchors(tls))
    ret = gnutls_certificate_verify_peers(tls->session, vdata, G_N_ELEMENTS(vdata), &status);
  /* If the check cannot even run, never "trusted"; the user may still look at the cert. */
  tls->peer_info->problems = ret < 0 ? XMPP_CERT_INVALID : xmpp_cert_problems_from_gnutls(status);
  gboolean pinned =
      (tls->pin != NULL && g_strcmp0(tls->pin, tls->peer_info->sha256) == 0) ||
      (tls->accepted != NULL && g_strcmp0(tls->accepted, tls->peer_info->sha256) == 0);
  if (tls->peer_info->problems == 0) {
    *result = XMPP_TLS_VERIFY_ACCEPT;
  } else if (pinned) {
    *result = XMPP_TLS_VERIFY_ACCEPT; /* T19: only an explicit pin overrides */
  } else {
    if (tls->pin != NULL || tls->accepted != NULL)
      tls->peer_info->problems |= XMPP_CERT_PIN_MISMATCH; /* T24: re-prompt */
    *result = XMPP_TLS_VERIFY_ASK;
  }
  return TRUE;
}

/* Runs the handshake as far as the input allows. FALSE on error; sets *freed if the owner
 * freed us from handshake_done. */
static gboolean
step_handshake(XmppTls *tls, gboolean *freed, GError **error)
{
  XmppTlsVerifyResult result = XMPP_TLS_VERIFY_ASK;
  int ret;

  for (;;) {
    guint64 before = tls->in_consumed;

    ret = gnutls_handshake(tls->session);
    if (tls->free_pending)
      return TRUE;
    if (ret == GNUTLS_E_SUCCESS)
      break;
    if (ret == GNUTLS_E_AGAIN)
      return TRUE;
    /* Non-fatal (a warning alert): go on, as long as GnuTLS consumes input. */
    if (gnutls_error_is_fatal(ret) || tls->in_consumed == before)
      return fail(tls, error, XMPP_TLS_ERROR_HANDSHAKE, "TLS handshake failed", ret);
  }
  if (!verify_peer(tls, &result, error)) {
    tls->state = TLS_STATE_FAILED;
    return FALSE;
  }
  tls->state = result == XMPP_TLS_VERIFY_ACCEPT ? TLS_STATE_ESTABLISHED : TLS_STATE_ASK;
  if (tls->cb.handshake_done != NULL)
    tls->cb.handshake_done(tls->user_data, result);
  *freed = tls->free_pending;
  return TRUE;
}

/* Reads every complete record. */
static gboolean
step_records(XmppTls *tls, GError **error)
{
  guint8 buf[RECV_CHUNK];

  while (!tls->free_pending &&
         (tls->state == TLS_STATE_ESTABLISHED || tls->state == TLS_STATE_ASK)) {
    guint64 before = tls->in_consumed;
    ssize_t n = gnutls_record_recv(tls->session, buf, sizeof buf);

    if (n > 0) {
      if (tls->state == TLS_STATE_ASK) {
        if (tls->pending->len + (gsize)n > XMPP_TLS_MAX_PENDING_BYTES)
          return fail(tls, error, XMPP_TLS_ERROR_IO, "Too much data before trust",
                      GNUTLS_E_MEMORY_ERROR);
        g_byte_array_append(tls->pending, buf, (guint)n);
      } else if (tls->cb.receive != NULL) {
        tls->cb.receive(tls->user_data, buf, (gsize)n);
      }
    } else if (n == 0) {
      tls->state = TLS_STATE_CLOSED;
      g_set_error(error, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CLOSED,
                  "The server closed the TLS session");
      return FALSE;
    } else if (n == GNUTLS_E_AGAIN) {
      /* GnuTLS also says AGAIN after a post-handshake message (TLS 1.3 NewSessionTicket), with
       * more records possibly waiting behind it. */
      if (tls->in_consumed == before || tls->in_pos == tls->in->len)
        return TRUE;
    } else if (n == GNUTLS_E_REHANDSHAKE) {
      /* TLS 1.2 renegotiation could swap the certificate under us: refuse (RFC 5246 §7.2.2). */
      int ret = gnutls_alert_send(tls->session, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);

      if (ret < 0 && ret != GNUTLS_E_AGAIN)
        return fail(tls, error, XMPP_TLS_ERROR_IO, "TLS alert failed", ret);
    } else if (gnutls_error_is_fatal((int)n) || tls->in_consumed == before) {
      return fail(tls, error, XMPP_TLS_ERROR_IO, "TLS receive failed", (int)n);
    }
  }
  return TRUE;
}

gboolean
xmpp_tls_feed(XmppTls *tls, const guint8 *data, gsize len, GError **error)
{
  gboolean ok = TRUE;
  gboolean freed = FALSE;

  g_return_val_if_fail(tls != NULL, FALSE);
  g_return_val_if_fail(data != NULL || len == 0, FALSE);
  if (tls->state == TLS_STATE_NEW || tls->state == TLS_STATE_CLOSED ||
      tls->state == TLS_STATE_FAILED) {
    g_set_error(error, XMPP_TLS_ERROR,
                tls->state == TLS_STATE_CLOSED ? XMPP_TLS_ERROR_CLOSED : XMPP_TLS_ERROR_IO,
                "TLS session not active");
    return FALSE;
  }
  g_byte_array_append(tls->in, data, (guint)len);
  tls->depth++;
  if (tls->state == TLS_STATE_HANDSHAKE)
    ok = step_handshake(tls, &freed, error);
  if (ok && !freed)
    ok = step_records(tls, error);
  if (tls_leave(tls))
    return TRUE;
  return ok;
}

gboolean
xmpp_tls_write(XmppTls *tls, const guint8 *data, gsize len, GError **error)
{
  gsize done = 0;

  g_return_val_if_fail(tls != NULL, FALSE);
  g_return_val_if_fail(data != NULL || len == 0, FALSE);
  if (tls->state != TLS_STATE_ESTABLISHED) {
    g_set_error(error, XMPP_TLS_ERROR,
                tls->state == TLS_STATE_ASK ? XMPP_TLS_ERROR_CERTIFICATE : XMPP_TLS_ERROR_IO,
                tls->state == TLS_STATE_ASK ? "Certificate not trusted yet"
                                            : "TLS session not established");
    return FALSE;
  }
  tls->depth++;
  while (done < len && !tls->free_pending) {
    ssize_t n = gnutls_record_send(tls->session, data + done, len - done);

    if (n <= 0) {
      /* Our push never blocks, so even AGAIN means the session is broken: give up. */
      fail(tls, error, XMPP_TLS_ERROR_IO, "TLS send failed", (int)n);
      tls_leave(tls);
      return FALSE;
    }
    done += (gsize)n;
  }
  tls_leave(tls);
  return TRUE;
}

gboolean
xmpp_tls_system_trust_loaded(const XmppTls *tls)
{
  g_return_val_if_fail(tls != NULL, FALSE);
  return tls->system_trust_loaded;
}

void
xmpp_tls_set_trusted(XmppTls *tls)
{
  g_autoptr(GByteArray) pending = NULL;

  g_return_if_fail(tls != NULL);
  if (tls->state != TLS_STATE_ASK)
    return;
  tls->state = TLS_STATE_ESTABLISHED;
  pending = g_steal_pointer(&tls->pending);
  tls->pending = g_byte_array_new();
  if (pending->len == 0 || tls->cb.receive == NULL)
    return;
  tls->depth++;
  tls->cb.receive(tls->user_data, pending->data, pending->len);
  tls_leave(tls);
}

void
xmpp_tls_close(XmppTls *tls)
{
  g_return_if_fail(tls != NULL);
  if (tls->state != TLS_STATE_ESTABLISHED && tls->state != TLS_STATE_ASK)
    return;
  tls->state = TLS_STATE_CLOSED;
  tls->depth++;
  /* SHUT_WR: we do not wait for the peer's close_notify (RFC 8446 §6.1 allows it). */
  (void)gnutls_bye(tls->session, GNUTLS_SHUT_WR);
  tls_leave(tls);
}

gboolean
xmpp_tls_is_established(const XmppTls *tls)
{
  g_return_val_if_fail(tls != NULL, FALSE);
  return tls->state == TLS_STATE_ESTABLISHED;
}

int
xmpp_tls_get_version(const XmppTls *tls)
{
  gnutls_protocol_t v;

  g_return_val_if_fail(tls != NULL, 0);
  if (tls->state != TLS_STATE_ESTABLISHED && tls->state != TLS_STATE_ASK)
    return 0;
  v = gnutls_protocol_get_version(tls->session);
  return v == GNUTLS_TLS1_3   ? 13
         : v == GNUTLS_TLS1_2 ? 12
         : v == GNUTLS_TLS1_1 ? 11
         : v == GNUTLS_TLS1_0 ? 10
                              : 0;
}

XmppCertInfo *
xmpp_tls_get_peer_cert_info(const XmppTls *tls)
{
  g_return_val_if_fail(tls != NULL, NULL);
  return xmpp_cert_info_copy(tls->peer_info);
}

static const struct {
  XmppChannelBinding type;
  gnutls_channel_binding_t gnutls_type;
  int version; /* the TLS version it is defined for; 0 = any */
} bindings[] = {
    /* RFC 5929 §3 tls-unique is undefined on TLS 1.3 (RFC 8446 §C.5). */
    {XMPP_CB_TLS_UNIQUE, GNUTLS_CB_TLS_UNIQUE, 12},
    {XMPP_CB_TLS_SERVER_END_POINT, GNUTLS_CB_TLS_SERVER_END_POINT, 0},
    /* RFC 9266 §3: for TLS 1.3 (on 1.2 only with EMS; we keep it to 1.3). */
    {XMPP_CB_TLS_EXPORTER, GNUTLS_CB_TLS_EXPORTER, 13},
};

GBytes *
xmpp_tls_get_channel_binding(const XmppTls *tls, XmppChannelBinding type)
{
  int version;

  g_return_val_if_fail(tls != NULL, NULL);
  version = xmpp_tls_get_version(tls);
  /* Without the extended master secret (RFC 7627) tls-unique is open to the triple handshake
   * attack: do not offer it. */
  if (version < 12 ||
      (type == XMPP_CB_TLS_UNIQUE && !gnutls_session_ext_master_secret_status(tls->session)))
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(bindings); i++) {
    gnutls_datum_t cb = {NULL, 0};
    GBytes *bytes;

    if (bindings[i].type != type || (bindings[i].version != 0 && bindings[i].version != version))
      continue;
    if (gnutls_session_channel_binding(tls->session, bindings[i].gnutls_type, &cb) < 0 ||
        cb.data == NULL)
      return NULL;
    bytes = g_bytes_new(cb.data, cb.size);
    gnutls_free(cb.data);
    return bytes;
  }
  return NULL;
}

guint
xmpp_tls_get_channel_bindings(const XmppTls *tls)
{
  guint bits = 0;

  g_return_val_if_fail(tls != NULL, 0);
  /* Ask GnuTLS for each: tls-server-end-point is undefined for some signature algorithms
   * (RFC 5929 §4.1), and GnuTLS says so by failing. */
  for (gsize i = 0; i < G_N_ELEMENTS(bindings); i++) {
    g_autoptr(GBytes) data = xmpp_tls_get_channel_binding(tls, bindings[i].type);

    if (data != NULL)
      bits |= bindings[i].type;
  }
  return bits;
}
