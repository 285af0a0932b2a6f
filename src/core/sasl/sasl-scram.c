/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCRAM client (RFC 5802, RFC 7677) with channel binding (RFC 5929, RFC 9266): messages and keys.
 */
#include "sasl/sasl-scram.h"

#include <string.h>

typedef enum {
  SCRAM_INIT,
  SCRAM_WAIT_SERVER_FIRST,
  SCRAM_WAIT_SERVER_FINAL,
  SCRAM_VERIFIED,
  SCRAM_FAILED,
} ScramState;

struct _XmppSaslScram {
  ScramState state;
  gnutls_digest_algorithm_t digest;
  gnutls_mac_algorithm_t mac;
  gsize hash_len;
  char *gs2_header;
  GBytes *cb_data; /* NULL unless cb_flag == 'p' */
  char *authcid;
  char *password; /* wiped on free */
  char *client_nonce;
  char *client_first_bare;
  guint max_iterations;
  void (*log_warning)(gpointer user_data, const char *message);
  gpointer log_user_data;
  guint8 server_signature[64]; /* wiped on free; hash_len bytes used */
  const XmppSaslCache *cache;  /* borrowed, may be NULL */
  gboolean used_cache;
  XmppSaslCache *fresh; /* the keys of this exchange, offered once verified */
};

void
xmpp_sasl_scram_wipe(void *buf, gsize len)
{
  volatile guint8 *p = buf;
  while (len--)
    *p++ = 0;
}

static void
free_secret_string(char *s)
{
  if (s == NULL)
    return;
  xmpp_sasl_scram_wipe(s, strlen(s));
  g_free(s);
}

char *
xmpp_sasl_scram_escape_name(const char *name)
{
  GString *out = g_string_new(NULL);
  for (const char *p = name; *p; p++) {
    if (*p == '=')
      g_string_append(out, "=3D");
    else if (*p == ',')
      g_string_append(out, "=2C");
    else
      g_string_append_c(out, *p);
  }
  return g_string_free(out, FALSE);
}

XmppSaslScram *
xmpp_sasl_scram_new(const XmppSaslScramParams *params)
{
  g_return_val_if_fail(params != NULL && params->authcid != NULL && params->password != NULL, NULL);
  g_return_val_if_fail(params->client_nonce != NULL, NULL);
  g_return_val_if_fail(params->hash_len <= 64, NULL);
  g_return_val_if_fail(params->cb_flag != 'p' || params->cb_data != NULL, NULL);

  XmppSaslScram *scram = g_new0(XmppSaslScram, 1);
  scram->digest = params->digest;
  scram->mac = params->mac;
  scram->hash_len = params->hash_len;
  scram->authcid = g_strdup(params->authcid);
  scram->password = g_strdup(params->password);
  scram->client_nonce = g_strdup(params->client_nonce);
  scram->max_iterations = params->max_iterations;
  scram->log_warning = params->log_warning;
  scram->log_user_data = params->log_user_data;
  scram->cache = params->cache;

  /* RFC 5802 §7: gs2-header = gs2-cbind-flag "," [ authzid ] "," */
  GString *gs2 = g_string_new(NULL);
  if (params->cb_flag == 'p') {
    g_string_append_printf(gs2, "p=%s,", xmpp_channel_binding_name(params->cb_type));
    scram->cb_data = g_bytes_ref(params->cb_data);
  } else {
    g_string_append_printf(gs2, "%c,", params->cb_flag == 'y' ? 'y' : 'n');
  }
  if (params->authzid != NULL && *params->authzid != '\0') {
    g_autofree char *escaped = xmpp_sasl_scram_escape_name(params->authzid);
    g_string_append_printf(gs2, "a=%s", escaped);
  }
  g_string_append_c(gs2, ',');
  scram->gs2_header = g_string_free(gs2, FALSE);
  return scram;
}

void
xmpp_sasl_scram_free(XmppSaslScram *scram)
{
  if (scram == NULL)
    return;
  free_secret_string(scram->password);
  xmpp_sasl_scram_wipe(scram->server_signature, sizeof scram->server_signature);
  g_free(scram->gs2_header);
  g_clear_pointer(&scram->cb_data, g_bytes_unref);
  g_free(scram->authcid);
  g_free(scram->client_nonce);
  g_free(scram->client_first_bare);
  xmpp_sasl_cache_free(scram->fresh);
  g_free(scram);
}

GBytes *
xmpp_sasl_scram_client_first(XmppSaslScram *scram)
{
  g_return_val_if_fail(scram != NULL && scram->state == SCRAM_INIT, NULL);

  g_autofree char *user = xmpp_sasl_scram_escape_name(scram->authcid);
  /* RFC 5802 §7: client-first-message-bare = [reserved-mext ","] username "," nonce */
  scram->client_first_bare = g_strdup_printf("n=%s,r=%s", user, scram->client_nonce);
  scram->state = SCRAM_WAIT_SERVER_FIRST;
  char *msg = g_strconcat(scram->gs2_header, scram->client_first_bare, NULL);
  return g_bytes_new_take(msg, strlen(msg));
}

static gboolean fail(XmppSaslScram *scram, GError **error, XmppSaslError code, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static gboolean
fail(XmppSaslScram *scram, GError **error, XmppSaslError code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, XMPP_SASL_ERROR, code, "SCRAM: %s", msg);
  scram->state = SCRAM_FAILED;
  return FALSE;
}

/* Splits a server message into attributes after the checks every server message needs: a size
 * cap, no NUL (T29: Pidgin's "Danger afoot"), valid UTF-8 (RFC 5802 §7 value-char), and every
 * part of the form ALPHA "=" 1*value-char. */
static char **
split_message(XmppSaslScram *scram, const guint8 *data, gsize len, GError **error)
{
  if (len == 0 || len > XMPP_SCRAM_MAX_SERVER_MESSAGE) {
    fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "server message is empty or too long");
    return NULL;
  }
  if (memchr(data, '\0', len) != NULL) {
    fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "NUL byte in server message");
    return NULL;
  }
  if (!g_utf8_validate((const char *)data, len, NULL)) {
    fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "server message is not UTF-8");
    return NULL;
  }
  g_autofree char *text = g_strndup((const char *)data, len);
  char **attrs = g_strsplit(text, ",", -1);
  for (char **a = attrs; *a; a++) {
    if (!g_ascii_isalpha((*a)[0]) || (*a)[1] != '=' || (*a)[2] == '\0') {
      g_strfreev(attrs);
      fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "malformed attribute");
      return NULL;
    }
    /* RFC 5802 §5.1: "m" is reserved; its presence MUST cause authentication failure. */
    if ((*a)[0] == 'm') {
      g_strfreev(attrs);
      fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "reserved attribute m= present");
      return NULL;
    }
  }
  return attrs;
}

static gboolean
is_printable_nonce(const char *s)
{
  /* RFC 5802 §7: printable = %x21-2B / %x2D-7E */
  for (; *s; s++) {
    if (*s < 0x21 || *s > 0x7e || *s == ',')
      return FALSE;
  }
  return TRUE;
}

/* RFC 5802 §7: iteration-count = posit-number = %x31-39 *DIGIT. Non-numbers are malformed; numbers
 * outside 1..max are an iteration error (T28: the upper cap stops a CPU DoS by the server). */
static gboolean
parse_iterations(XmppSaslScram *scram, const char *text, guint *out, GError **error)
{
  gsize n = strlen(text);
  for (gsize k = 0; k < n; k++) {
    if (!g_ascii_isdigit(text[k]))
      return fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "iteration count not a number");
  }
  guint max = scram->max_iterations ? scram->max_iterations : XMPP_SCRAM_MAX_ITERATIONS;
  guint64 value = 0;
  if (n > 10 || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &value, NULL) || value == 0 ||
      value > max)
    return fail(scram, error, XMPP_SASL_ERROR_ITERATIONS, "iteration count %.12s outside 1..%u",
                text, max);
  if (text[0] == '0') /* leading zeros are not a posit-number */
    return fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "iteration count not a number");
  if (value < XMPP_SCRAM_MIN_WARN_ITERATIONS && scram->log_warning != NULL) {
    g_autofree char *msg = g_strdup_printf(
        "SCRAM: server uses only %u PBKDF2 iterations (RFC 7677 §4 recommends at least %d)",
        (guint)value, XMPP_SCRAM_MIN_WARN_ITERATIONS);
    scram->log_warning(scram->log_user_data, msg);
  }
  *out = (guint)value;
  return TRUE;
}

/* Computes ClientProof and ServerSignature (RFC 5802 §3). Every intermediate key is wiped. */
static gboolean
compute_proof(XmppSaslScram *scram, GBytes *salt, guint iterations, const char *auth_message,
              guint8 *proof, GError **error)
{
  gsize hl = scram->hash_len;
  guint8 salted[64], client_key[64], stored_key[64], client_sig[64], server_key[64];
  gsize salt_len = 0;
  const guint8 *salt_data = g_bytes_get_data(salt, &salt_len);
  gnutls_datum_t key = {(unsigned char *)scram->password, (unsigned int)strlen(scram->password)};
  gnutls_datum_t salt_datum = {(unsigned char *)salt_data, (unsigned int)salt_len};
  gsize am_len = strlen(auth_message);
  int rc = 0;
  /* RFC 5802 §5.1: with the same salt and iteration count (and password, which the record's
   * check proves) ClientKey and ServerKey are what PBKDF2 would give again; skip it. */
  scram->used_cache = xmpp_sasl_cache_lookup(scram->cache, scram->mac, salt_data, salt_len,
                                             iterations, scram->password, client_key, server_key);
  if (!scram->used_cache) {
    rc = gnutls_pbkdf2(scram->mac, &key, &salt_datum, iterations, salted, hl);
    if (rc >= 0)
      rc = gnutls_hmac_fast(scram->mac, salted, hl, "Client Key", 10, client_key);
    if (rc >= 0)
      rc = gnutls_hmac_fast(scram->mac, salted, hl, "Server Key", 10, server_key);
  }
  if (rc >= 0)
    rc = gnutls_hash_fast(scram->digest, client_key, hl, stored_key);
  if (rc >= 0)
    rc = gnutls_hmac_fast(scram->mac, stored_key, hl, auth_message, am_len, client_sig);
  if (rc >= 0)
    rc =
        gnutls_hmac_fast(scram->mac, server_key, hl, auth_message, am_len, scram->server_signature);
  for (gsize k = 0; k < hl; k++)
    proof[k] = client_key[k] ^ client_sig[k];
  /* Kept (wiped on free) and offered only after the server signature checks out. */
  xmpp_sasl_cache_free(scram->fresh);
  scram->fresh = rc >= 0 ? xmpp_sasl_cache_new(scram->mac, salt_data, salt_len, iterations,
                                               client_key, server_key, scram->password)
                         : NULL;

  xmpp_sasl_scram_wipe(salted, sizeof salted);
  xmpp_sasl_scram_wipe(client_key, sizeof client_key);
  xmpp_sasl_scram_wipe(stored_key, sizeof stored_key);
  xmpp_sasl_scram_wipe(client_sig, sizeof client_sig);
  xmpp_sasl_scram_wipe(server_key, sizeof server_key);
  if (rc < 0)
    return fail(scram, error, XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE, "GnuTLS: %s",
                gnutls_strerror(rc));
  return TRUE;
}

static char *
channel_binding_b64(XmppSaslScram *scram)
{
  /* RFC 5802 §7: cbind-input = gs2-header [ cbind-data ] ; cbind-data only with "p=" */
  GByteArray *input = g_byte_array_new();
  g_byte_array_append(input, (const guint8 *)scram->gs2_header, strlen(scram->gs2_header));
  if (scram->cb_data != NULL) {
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(scram->cb_data, &n);
    g_byte_array_append(input, d, n);
  }
  char *b64 = g_base64_encode(input->data, input->len);
  g_byte_array_unref(input);
  return b64;
}

GBytes *
xmpp_sasl_scram_client_final(XmppSaslScram *scram, const guint8 *server_first, gsize len,
                             GError **error)
{
  g_return_val_if_fail(scram != NULL, NULL);
  if (scram->state != SCRAM_WAIT_SERVER_FIRST) {
    fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "unexpected challenge");
    return NULL;
  }
  g_auto(GStrv) attrs = split_message(scram, server_first, len, error);
  if (attrs == NULL)
    return NULL;
  /* RFC 5802 §7: server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count
   * ["," extensions]. The order is fixed. Unknown extensions after i= "MUST be ignored" (§7
   * comment on `extensions`), except m= which split_message() already refused. */
  if (g_strv_length(attrs) < 3 || attrs[0][0] != 'r' || attrs[1][0] != 's' || attrs[2][0] != 'i') {
    fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "expected r=, s=, i= in this order");
    return NULL;
  }
  const char *nonce = attrs[0] + 2;
  gsize cn_len = strlen(scram->client_nonce);
  /* T26: the combined nonce must extend ours, or the server (or a MitM) is replaying. */
  if (!is_printable_nonce(nonce) || strlen(nonce) <= cn_len ||
      strncmp(nonce, scram->client_nonce, cn_len) != 0) {
    fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE,
         "server nonce does not extend the client nonce");
    return NULL;
  }
  GError *local = NULL;
  g_autoptr(GBytes) salt =
      xmpp_sasl_base64_decode(attrs[1] + 2, XMPP_SCRAM_MAX_SERVER_MESSAGE, &local);
  if (salt == NULL || g_bytes_get_size(salt) == 0) {
    fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "bad salt%s%s", local ? ": " : "",
         local ? local->message : "");
    g_clear_error(&local);
    return NULL;
  }
  guint iterations = 0;
  if (!parse_iterations(scram, attrs[2] + 2, &iterations, error))
    return NULL;

  g_autofree char *cbind = channel_binding_b64(scram);
  g_autofree char *without_proof = g_strdup_printf("c=%s,r=%s", cbind, nonce);
  g_autofree char *server_first_str = g_strndup((const char *)server_first, len);
  /* RFC 5802 §3: AuthMessage = client-first-message-bare "," server-first-message ","
   * client-final-message-without-proof */
  g_autofree char *auth_message =
      g_strconcat(scram->client_first_bare, ",", server_first_str, ",", without_proof, NULL);
  guint8 proof[64];
  if (!compute_proof(scram, salt, iterations, auth_message, proof, error))
    return NULL;
  g_autofree char *proof_b64 = g_base64_encode(proof, scram->hash_len);
  xmpp_sasl_scram_wipe(proof, sizeof proof);
  char *msg = g_strdup_printf("%s,p=%s", without_proof, proof_b64);
  scram->state = SCRAM_WAIT_SERVER_FINAL;
  return g_bytes_new_take(msg, strlen(msg));
}

/* Not secret-dependent timing: the loop always runs over the whole length. */
gboolean
xmpp_sasl_scram_equal(const guint8 *a, const guint8 *b, gsize len)
{
  guint8 diff = 0;
  for (gsize k = 0; k < len; k++)
    diff |= a[k] ^ b[k];
  return diff == 0;
}

/* Keeps a server-provided error value short and free of control characters for the UI. */
static char *
sanitize_server_text(const char *value)
{
  g_autofree char *cut = g_utf8_substring(value, 0, MIN(g_utf8_strlen(value, -1), 128));
  for (char *p = cut; *p; p++) {
    if ((guchar)*p < 0x20 || *p == 0x7f)
      *p = '?';
  }
  return g_steal_pointer(&cut);
}

gboolean
xmpp_sasl_scram_verify_server_final(XmppSaslScram *scram, const guint8 *server_final, gsize len,
                                    GError **error)
{
  g_return_val_if_fail(scram != NULL, FALSE);
  /* A repeated server-final after verification (challenge, then the same data in <success/>) is
   * checked again against the same signature; anything earlier is out of order (T27). */
  if (scram->state != SCRAM_WAIT_SERVER_FINAL && scram->state != SCRAM_VERIFIED)
    return fail(scram, error, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                "server-final message out of order");
  g_auto(GStrv) attrs = split_message(scram, server_final, len, error);
  if (attrs == NULL)
    return FALSE;
  /* RFC 5802 §7: server-final-message = (server-error / verifier) ["," extensions] */
  if (attrs[0][0] == 'e') {
    g_autofree char *text = sanitize_server_text(attrs[0] + 2);
    return fail(scram, error, XMPP_SASL_ERROR_NOT_AUTHORIZED, "server error: %s", text);
  }
  if (attrs[0][0] != 'v')
    return fail(scram, error, XMPP_SASL_ERROR_SERVER_SIGNATURE, "server signature missing");
  GError *local = NULL;
  g_autoptr(GBytes) sig =
      xmpp_sasl_base64_decode(attrs[0] + 2, XMPP_SCRAM_MAX_SERVER_MESSAGE, &local);
  if (sig == NULL) {
    fail(scram, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "bad server signature encoding: %s",
         local->message);
    g_clear_error(&local);
    return FALSE;
  }
  gsize sig_len = 0;
  const guint8 *sig_data = g_bytes_get_data(sig, &sig_len);
  if (sig_len != scram->hash_len ||
      !xmpp_sasl_scram_equal(sig_data, scram->server_signature, scram->hash_len))
    return fail(scram, error, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                "server signature does not match: the server does not know the password");
  scram->state = SCRAM_VERIFIED;
  return TRUE;
}

gboolean
xmpp_sasl_scram_is_waiting_server_first(const XmppSaslScram *scram)
{
  g_return_val_if_fail(scram != NULL, FALSE);
  return scram->state == SCRAM_WAIT_SERVER_FIRST;
}

gboolean
xmpp_sasl_scram_used_cache(const XmppSaslScram *scram)
{
  g_return_val_if_fail(scram != NULL, FALSE);
  return scram->used_cache;
}

char *
xmpp_sasl_scram_dup_cache(const XmppSaslScram *scram)
{
  g_return_val_if_fail(scram != NULL, NULL);
  if (scram->state != SCRAM_VERIFIED || scram->fresh == NULL)
    return NULL;
  return xmpp_sasl_cache_to_string(scram->fresh);
}
