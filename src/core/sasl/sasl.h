/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSasl: client side of SASL (RFC 6120 §6): mechanism choice, SCRAM (RFC 5802/7677, -PLUS with
 * RFC 5929/9266 channel binding) and PLAIN (RFC 4616). Pure: no I/O, no XML, no base64 on the wire
 * (the stream layer does the <auth/>/<challenge/> framing and calls xmpp_sasl_base64_decode). */
#pragma once

#include <glib.h>

#include "stream/channel-binding.h"

G_BEGIN_DECLS

#define XMPP_SASL_ERROR (xmpp_sasl_error_quark())
GQuark xmpp_sasl_error_quark(void);

/* Codes follow RFC 6120 §6.5 for server failures, plus the client-side failures. */
typedef enum {
  XMPP_SASL_ERROR_ABORTED,
  XMPP_SASL_ERROR_ACCOUNT_DISABLED,
  XMPP_SASL_ERROR_CREDENTIALS_EXPIRED,
  XMPP_SASL_ERROR_ENCRYPTION_REQUIRED,
  XMPP_SASL_ERROR_INCORRECT_ENCODING,
  XMPP_SASL_ERROR_INVALID_AUTHZID,
  XMPP_SASL_ERROR_INVALID_MECHANISM,
  XMPP_SASL_ERROR_MALFORMED_REQUEST,
  XMPP_SASL_ERROR_MECHANISM_TOO_WEAK,
  XMPP_SASL_ERROR_NOT_AUTHORIZED,
  XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE,
  /* client side */
  XMPP_SASL_ERROR_NO_MECHANISM,       /* nothing offered that policy allows */
  XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, /* malformed challenge, bad nonce, bad base64, m=, NUL */
  XMPP_SASL_ERROR_SERVER_SIGNATURE,   /* server signature missing or wrong (mutual auth failed) */
  XMPP_SASL_ERROR_ITERATIONS,         /* iteration count outside the allowed range */
  XMPP_SASL_ERROR_CHANNEL_BINDING,    /* channel binding data unavailable */
  /* The server refused our channel binding ('p') or saw a stripped -PLUS offer ('y'): either
   * the connection is intercepted or the server computes the binding another way. */
  XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED,
  /* config.require_channel_binding is set and this connection cannot bind (no -PLUS on offer,
   * or no type the server is known to compute): a possible downgrade by someone on the path. */
  XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED,
} XmppSaslError;

/* Iteration count bounds (T28). Below MIN_WARN we log a warning but go on. */
#define XMPP_SCRAM_MAX_ITERATIONS      1000000
#define XMPP_SCRAM_MIN_WARN_ITERATIONS 4096

typedef struct _XmppSaslConfig {
  const char *authcid;  /* username (JID localpart), UTF-8 */
  const char *password; /* UTF-8 */
  const char *authzid;  /* usually NULL */
  gboolean tls_active;
  gboolean allow_plain_in_clear; /* PLAIN without TLS: only by explicit account option */
  /* Channel bindings the TLS layer can give for this connection (XmppChannelBinding bits),
   * and the function that gives their data. */
  guint cb_available;
  GBytes *(*get_channel_binding)(gpointer user_data, XmppChannelBinding type);
  gpointer cb_user_data;
  /* Channel binding types the server advertised (XEP-0440), 0 if it said nothing. */
  guint cb_server_advertised;
  /* Random bytes for nonces (FALSE: none to be had); NULL means gnutls_rnd. Deterministic in
   * tests. */
  gboolean (*random)(gpointer user_data, guint8 *buf, gsize len);
  gpointer random_user_data;
  /* Log hook for warnings (e.g. low iteration count); may be NULL. */
  void (*log_warning)(gpointer user_data, const char *message);
  /* Added after the first contract: */
  gpointer log_user_data; /* passed to log_warning */
  /* Upper bound for the SCRAM iteration count; 0 means XMPP_SCRAM_MAX_ITERATIONS (T28). */
  guint scram_max_iterations;
  /* Length of the SCRAM client nonce in characters; 0 means the default (24), values are
   * clamped to 16..128. The nonce is made of the random bytes that are printable ASCII other
   * than ',' (rejection sampling), so a test's `random` hook that returns the RFC 5802 §5 /
   * RFC 7677 §3 example nonce, with this set to its length, reproduces those exchanges. */
  guint scram_nonce_len;
  /* SCRAM key cache (RFC 5802 §5.1): a record string from xmpp_sasl_dup_scram_cache() after an
   * earlier successful sign-in, or NULL. It is used only when the server sends the same hash,
   * salt and iteration count and the record's check matches the password; otherwise PBKDF2
   * runs as usual. A malformed record is ignored (with a warning). Parsed by xmpp_sasl_new;
   * the string is not kept. */
  const char *scram_cache;
  /* Refuse to authenticate without channel binding (XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED).
   * The glue sets it for an account once a sign-in used channel binding (trust on first use,
   * the way a pinned certificate works), so that a later connection on which binding is
   * impossible is treated as the downgrade it may be. */
  gboolean require_channel_binding;
} XmppSaslConfig;

typedef struct _XmppSasl XmppSasl;

/* Picks the best allowed mechanism from `offered` (NULL-terminated). Preference:
 * SCRAM-SHA-512-PLUS, -256-PLUS, -1-PLUS (when channel binding works), SCRAM-SHA-512, -256, -1,
 * PLAIN (only when TLS is active or allow_plain_in_clear). The config is copied.
 *
 * Channel binding (which type -PLUS uses) follows one rule, explained at choose_cb_type() in
 * sasl.c: the best type the server advertises with XEP-0440; without XEP-0440, tls-unique on
 * TLS 1.2 only; on TLS 1.3 without XEP-0440 no -PLUS at all, because servers disagree there
 * (RFC 9266 says tls-exporter, ejabberd before 24.02 computes its own tls-unique) and a wrong
 * guess cannot be told from a wrong password. */
XmppSasl *xmpp_sasl_new(const XmppSaslConfig *config, const char *const *offered, GError **error);
void xmpp_sasl_free(XmppSasl *sasl);
const char *xmpp_sasl_get_mechanism(const XmppSasl *sasl);

/* Initial response (raw bytes; the stream base64-encodes it). */
GBytes *xmpp_sasl_start(XmppSasl *sasl, GError **error);
/* A server challenge (raw bytes). Returns the response, or NULL with error (send <abort/>). */
GBytes *xmpp_sasl_step(XmppSasl *sasl, const guint8 *challenge, gsize len, GError **error);
/* <success/> with its additional data (may be empty). FALSE when the server was not
 * authenticated (SCRAM server signature) - the session must fail. */
gboolean xmpp_sasl_finish(XmppSasl *sasl, const guint8 *data, gsize len, GError **error);

/* After a successful SCRAM exchange (server signature verified and xmpp_sasl_finish TRUE): the
 * key cache record to store for the next sign-in (same string as the config's when that was
 * used). NULL for PLAIN, before success, after any failure, or for a salt too long to cache.
 * The record holds ClientKey and ServerKey, which let anyone who reads it sign in: store it only
 * where the password itself is stored. */
char *xmpp_sasl_dup_scram_cache(const XmppSasl *sasl);
/* TRUE when this exchange took its keys from config->scram_cache (no PBKDF2 ran). */
gboolean xmpp_sasl_used_scram_cache(const XmppSasl *sasl);

/* Strict base64 for SASL payloads (RFC 6120 §6.4.2): "=" alone means empty; whitespace,
 * bad characters or bad padding are XMPP_SASL_ERROR_INCORRECT_ENCODING. max_len caps the input. */
GBytes *xmpp_sasl_base64_decode(const char *text, gsize max_len, GError **error);
char *xmpp_sasl_base64_encode(GBytes *data); /* empty gives "=" */

/* Maps an RFC 6120 §6.5 condition element name to the error code (unknown: NOT_AUTHORIZED). */
XmppSaslError xmpp_sasl_error_from_condition(const char *condition);
/* The error code for a <failure/> to this exchange: the condition's, except that a failure
 * whose text names channel binding after we bound ('p') or said we could ('y'), or a bare
 * malformed-request after 'y' (RFC 5802 §6: how a server reports a stripped -PLUS offer), is
 * XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED, so that the user is not told the password is wrong.
 * sasl may be NULL (then only the condition counts); text may be NULL. */
XmppSaslError xmpp_sasl_failure_code(const XmppSasl *sasl, const char *condition, const char *text);
/* The channel binding type this exchange binds to (-PLUS), or XMPP_CB_NONE. */
XmppChannelBinding xmpp_sasl_get_channel_binding(const XmppSasl *sasl);

/* Legacy XEP-0078 digest: hex SHA-1 of stream id + password. */
char *xmpp_sasl_legacy_digest(const char *stream_id, const char *password);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppSasl, xmpp_sasl_free)

G_END_DECLS
