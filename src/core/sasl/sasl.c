/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSasl: mechanism choice and policy, PLAIN (RFC 4616), failure conditions, XEP-0078 digest. */
#include "sasl/sasl.h"

#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "sasl/sasl-cache.h"
#include "sasl/sasl-scram.h"

/* Not G_DEFINE_QUARK: clang-format spaces its unquoted name ("xmpp - ... - quark"). */
GQuark
xmpp_sasl_error_quark(void)
{
  return g_quark_from_static_string("xmpp-sasl-error-quark");
}

typedef enum {
  MECH_SCRAM_SHA_512_PLUS,
  MECH_SCRAM_SHA_256_PLUS,
  MECH_SCRAM_SHA_1_PLUS,
  MECH_SCRAM_SHA_512,
  MECH_SCRAM_SHA_256,
  MECH_SCRAM_SHA_1,
  MECH_PLAIN,
  MECH_COUNT,
} Mech;

/* Preference order (strongest first). Nothing else (DIGEST-MD5, CRAM-MD5, ANONYMOUS, ...) is ever
 * chosen: those are either broken (RFC 6331) or not what the user asked for. */
static const struct {
  const char *name;
  gboolean plus;
  gnutls_digest_algorithm_t digest;
  gnutls_mac_algorithm_t mac;
  gsize hash_len;
} mechs[MECH_COUNT] = {
    {"SCRAM-SHA-512-PLUS", TRUE, GNUTLS_DIG_SHA512, GNUTLS_MAC_SHA512, 64},
    {"SCRAM-SHA-256-PLUS", TRUE, GNUTLS_DIG_SHA256, GNUTLS_MAC_SHA256, 32},
    {"SCRAM-SHA-1-PLUS", TRUE, GNUTLS_DIG_SHA1, GNUTLS_MAC_SHA1, 20},
    {"SCRAM-SHA-512", FALSE, GNUTLS_DIG_SHA512, GNUTLS_MAC_SHA512, 64},
    {"SCRAM-SHA-256", FALSE, GNUTLS_DIG_SHA256, GNUTLS_MAC_SHA256, 32},
    {"SCRAM-SHA-1", FALSE, GNUTLS_DIG_SHA1, GNUTLS_MAC_SHA1, 20},
    {"PLAIN", FALSE, GNUTLS_DIG_UNKNOWN, GNUTLS_MAC_UNKNOWN, 0},
};

typedef enum {
  SASL_INIT,
  SASL_STARTED, /* initial response sent; SCRAM state lives in `scram` */
  SASL_DONE,
  SASL_FAILED,
} SaslState;

struct _XmppSasl {
  XmppSaslConfig config; /* string members point at the copies below */
  char *authcid;
  char *password; /* NFC-normalised, wiped on free */
  char *authzid;
  Mech mech;
  SaslState state;
  char cb_flag; /* 'n', 'y', 'p' */
  XmppChannelBinding cb_type;
  GBytes *cb_data;
  XmppSaslScram *scram;
  XmppSaslCache *cache; /* parsed config->scram_cache, or NULL */
  gboolean succeeded;   /* xmpp_sasl_finish returned TRUE */
};

static void
warn(const XmppSasl *sasl, const char *message)
{
  if (sasl->config.log_warning != NULL)
    sasl->config.log_warning(sasl->config.log_user_data, message);
}

/* Which channel binding type -PLUS uses, or XMPP_CB_NONE (then no -PLUS). SCRAM does not tell
 * the client which type the server computes, and a mismatch fails like a wrong password, so we
 * bind only with a type the server is known to compute:
 *
 * - The server advertises its types (XEP-0440): the best one we can compute. tls-exporter
 *   first (RFC 9266), then tls-server-end-point (RFC 5929 §4), then tls-unique, which is weak
 *   on TLS 1.2 without extended master secret (RFC 9266 §1).
 * - No XEP-0440, TLS 1.2: tls-unique, the default of RFC 5802 §6 and RFC 5929, computed alike by
 *   every server that offers -PLUS without saying more (Prosody 0.12, ejabberd 23.01).
 * - No XEP-0440, TLS 1.3: none. tls-unique is undefined there (GnuTLS refuses it), RFC 9266 makes
 *   tls-exporter the default, but deployed servers differ: ejabberd before 24.02 offers -PLUS
 *   on TLS 1.3 and checks a tls-unique of its own, and says nothing. A guess would lock users
 *   out of those servers; retrying without -PLUS after a refused guess would be the silent
 *   downgrade an attacker on the path wants (their refusal looks the same). So these servers
 *   get SCRAM without -PLUS and the GS2 flag 'n'.
 *
 * What stops an attacker who terminates TLS from simply removing -PLUS or the XEP-0440 element:
 * the 'y' flag whenever we could bind and -PLUS is not offered (RFC 5802 §6: a server that does
 * support binding then fails us), and config->require_channel_binding, which the glue sets once
 * an account has signed in with channel binding (trust on first use; see tests/catalogue.md,
 * T31). The TLS layer reports tls-exporter on 1.3 and tls-unique on 1.2 only. */
static XmppChannelBinding
choose_cb_type(const XmppSaslConfig *config)
{
  static const XmppChannelBinding advertised_order[] = {
      XMPP_CB_TLS_EXPORTER, XMPP_CB_TLS_SERVER_END_POINT, XMPP_CB_TLS_UNIQUE};
  guint usable = config->cb_available;
  if (config->cb_server_advertised == 0)
    return (usable & XMPP_CB_TLS_UNIQUE) ? XMPP_CB_TLS_UNIQUE : XMPP_CB_NONE;
  usable &= config->cb_server_advertised;
  for (guint k = 0; k < G_N_ELEMENTS(advertised_order); k++) {
    if (usable & advertised_order[k])
      return advertised_order[k];
  }
  return XMPP_CB_NONE;
}

static gboolean
offered_has(const char *const *offered, const char *name)
{
  for (const char *const *o = offered; o != NULL && *o != NULL; o++) {
    /* RFC 4422 §3.1: mechanism names are upper case; compare exactly. */
    if (strcmp(*o, name) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Asks the TLS layer for the channel binding data; NULL or empty means "not usable". */
static GBytes *
fetch_cb_data(const XmppSaslConfig *config, XmppChannelBinding type)
{
  if (!config->tls_active || type == XMPP_CB_NONE || config->get_channel_binding == NULL)
    return NULL;
  GBytes *data = config->get_channel_binding(config->cb_user_data, type);
  if (data != NULL && g_bytes_get_size(data) == 0)
    g_clear_pointer(&data, g_bytes_unref);
  return data;
}

/* Whether this connection could bind at all (any type the TLS layer gives data for): the
 * condition for the GS2 flag 'y' when the server offers no -PLUS. */
static gboolean
could_bind(const XmppSaslConfig *config)
{
  static const XmppChannelBinding types[] = {XMPP_CB_TLS_EXPORTER, XMPP_CB_TLS_UNIQUE,
                                             XMPP_CB_TLS_SERVER_END_POINT};
  for (guint k = 0; k < G_N_ELEMENTS(types); k++) {
    if ((config->cb_available & types[k]) == 0)
      continue;
    g_autoptr(GBytes) data = fetch_cb_data(config, types[k]);
    if (data != NULL)
      return TRUE;
  }
  return FALSE;
}

static void
choose(XmppSasl *sasl, const char *const *offered)
{
  const XmppSaslConfig *config = &sasl->config;
  gboolean plus_offered = FALSE;
  for (Mech m = 0; m < MECH_COUNT; m++) {
    if (mechs[m].plus && offered_has(offered, mechs[m].name))
      plus_offered = TRUE;
  }
  sasl->cb_type = choose_cb_type(config);
  sasl->cb_data = fetch_cb_data(config, sasl->cb_type);
  if (sasl->cb_data == NULL)
    sasl->cb_type = XMPP_CB_NONE;

  for (Mech m = 0; m < MECH_COUNT; m++) {
    if (!offered_has(offered, mechs[m].name))
      continue;
    if (mechs[m].plus && sasl->cb_data == NULL)
      continue; /* -PLUS without a binding we can compute: fall back below */
    if (m == MECH_PLAIN && !config->tls_active && !config->allow_plain_in_clear)
      continue; /* T13: never send the password in the clear unless the account says so */
    sasl->mech = m;
    /* RFC 5802 §6: 'p' when we bind; 'y' when we could bind but the server offered no -PLUS
     * (lets the server detect a downgrade, T31); 'n' otherwise: no TLS, no data, or -PLUS
     * offered with a type we cannot know (then 'y' would make an honest server fail us). */
    if (mechs[m].plus)
      sasl->cb_flag = 'p';
    else if (!plus_offered && (sasl->cb_data != NULL || could_bind(config)))
      sasl->cb_flag = 'y';
    else
      sasl->cb_flag = 'n';
    if (sasl->cb_flag != 'p') {
      g_clear_pointer(&sasl->cb_data, g_bytes_unref);
      sasl->cb_type = XMPP_CB_NONE;
    }
    return;
  }
  sasl->mech = MECH_COUNT;
}

XmppSasl *
xmpp_sasl_new(const XmppSaslConfig *config, const char *const *offered, GError **error)
{
  g_return_val_if_fail(config != NULL, NULL);
  g_return_val_if_fail(config->authcid != NULL && config->password != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate(config->authcid, -1, NULL) ||
      (config->authzid != NULL && !g_utf8_validate(config->authzid, -1, NULL))) {
    g_set_error_literal(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_MALFORMED_REQUEST,
                        "User name is not valid UTF-8");
    return NULL;
  }
  /* RFC 7677 §4 / RFC 8265: passwords are prepared with the OpaqueString profile. We approximate
   * it by Unicode NFC (which is what OpaqueString does for the common case; it also maps non-ASCII
   * spaces to U+0020, which we skip). g_utf8_normalize() returns NULL for invalid UTF-8. */
  char *password = g_utf8_normalize(config->password, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  if (password == NULL) {
    g_set_error_literal(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_MALFORMED_REQUEST,
                        "Password is not valid UTF-8");
    return NULL;
  }

  XmppSasl *sasl = g_new0(XmppSasl, 1);
  sasl->config = *config;
  sasl->password = password;
  sasl->authcid = g_strdup(config->authcid);
  sasl->authzid = g_strdup(config->authzid);
  sasl->config.password = sasl->password;
  sasl->config.authcid = sasl->authcid;
  sasl->config.authzid = sasl->authzid;
  sasl->config.scram_cache = NULL; /* not ours to keep; parsed below */

  choose(sasl, offered);
  if (sasl->mech == MECH_COUNT) {
    g_set_error_literal(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
                        config->tls_active
                            ? "The server offers no authentication mechanism we accept"
                            : "The server offers no authentication mechanism that is safe "
                              "without encryption");
    xmpp_sasl_free(sasl);
    return NULL;
  }
  if (config->require_channel_binding && sasl->cb_flag != 'p') {
    g_set_error(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_CHANNEL_BINDING_REQUIRED,
                "This account signed in with channel binding before, and this connection cannot "
                "bind (%s offered)",
                mechs[sasl->mech].name);
    xmpp_sasl_free(sasl);
    return NULL;
  }
  if (config->scram_cache != NULL && sasl->mech != MECH_PLAIN) {
    sasl->cache = xmpp_sasl_cache_parse(config->scram_cache);
    if (sasl->cache == NULL)
      warn(sasl, "SASL: ignoring a malformed SCRAM key cache record");
  }
  if (sasl->mech == MECH_PLAIN) {
    /* T25: PLAIN after TLS may be a downgrade from SCRAM; say so in the log. */
    warn(sasl, config->tls_active
                   ? "SASL: the server offers no SCRAM mechanism; using PLAIN over TLS"
                   : "SASL: using PLAIN without TLS (allowed by the account); the password is "
                     "sent in the clear");
  }
  return sasl;
}

void
xmpp_sasl_free(XmppSasl *sasl)
{
  if (sasl == NULL)
    return;
  if (sasl->password != NULL) {
    xmpp_sasl_scram_wipe(sasl->password, strlen(sasl->password));
    g_free(sasl->password);
  }
  g_free(sasl->authcid);
  g_free(sasl->authzid);
  g_clear_pointer(&sasl->cb_data, g_bytes_unref);
  xmpp_sasl_scram_free(sasl->scram);
  xmpp_sasl_cache_free(sasl->cache);
  g_free(sasl);
}

const char *
xmpp_sasl_get_mechanism(const XmppSasl *sasl)
{
  g_return_val_if_fail(sasl != NULL, NULL);
  return mechs[sasl->mech].name;
}

static gboolean
fail(XmppSasl *sasl, GError **error, XmppSaslError code, const char *message)
{
  g_set_error_literal(error, XMPP_SASL_ERROR, code, message);
  sasl->state = SASL_FAILED;
  return FALSE;
}

/* The SCRAM client nonce: printable ASCII without ',' (RFC 5802 §7 "printable"). Each random
 * byte is accepted only when it already is such a character (rejection sampling, so every
 * character is uniform over 93 values). A test's random hook can therefore return the RFC
 * example nonces verbatim; config->scram_nonce_len sets their length. */
static char *
make_nonce(XmppSasl *sasl, GError **error)
{
  const XmppSaslConfig *config = &sasl->config;
  gsize want = config->scram_nonce_len ? config->scram_nonce_len : XMPP_SCRAM_NONCE_LEN;
  want = CLAMP(want, XMPP_SCRAM_MIN_NONCE_LEN, XMPP_SCRAM_MAX_NONCE_LEN);
  char *nonce = g_malloc0(want + 1);
  guint8 buf[64];
  gsize have = 0;
  /* A uniform source accepts 93/256 of its bytes; 64 rounds of 64 bytes failing is a broken
   * source, not bad luck. */
  for (guint round = 0; round < 64 && have < want; round++) {
    gsize ask = MIN(sizeof buf, want - have);
    if (config->random != NULL ? !config->random(config->random_user_data, buf, ask)
                               : gnutls_rnd(GNUTLS_RND_NONCE, buf, ask) < 0)
      break;
    for (gsize k = 0; k < ask && have < want; k++) {
      if (buf[k] >= 0x21 && buf[k] <= 0x7e && buf[k] != ',')
        nonce[have++] = (char)buf[k];
    }
  }
  if (have < want) {
    g_free(nonce);
    fail(sasl, error, XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE, "No random data for the nonce");
    return NULL;
  }
  return nonce;
}

GBytes *
xmpp_sasl_start(XmppSasl *sasl, GError **error)
{
  g_return_val_if_fail(sasl != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (sasl->state != SASL_INIT) {
    fail(sasl, error, XMPP_SASL_ERROR_ABORTED, "SASL exchange already started");
    return NULL;
  }
  sasl->state = SASL_STARTED;
  if (sasl->mech == MECH_PLAIN) {
    /* RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd */
    GByteArray *msg = g_byte_array_new();
    const char *authzid = sasl->authzid ? sasl->authzid : "";
    g_byte_array_append(msg, (const guint8 *)authzid, strlen(authzid) + 1);
    g_byte_array_append(msg, (const guint8 *)sasl->authcid, strlen(sasl->authcid) + 1);
    g_byte_array_append(msg, (const guint8 *)sasl->password, strlen(sasl->password));
    /* The array is handed over as is; GBytes frees it normally (not wiped: the stream layer
     * copies it into its output buffer anyway). */
    return g_byte_array_free_to_bytes(msg);
  }

  g_autofree char *nonce = make_nonce(sasl, error);
  if (nonce == NULL)
    return NULL;
  XmppSaslScramParams params = {
      .digest = mechs[sasl->mech].digest,
      .mac = mechs[sasl->mech].mac,
      .hash_len = mechs[sasl->mech].hash_len,
      .cb_flag = sasl->cb_flag,
      .cb_type = sasl->cb_type,
      .cb_data = sasl->cb_data,
      .authcid = sasl->authcid,
      .password = sasl->password,
      .authzid = sasl->authzid,
      .client_nonce = nonce,
      .max_iterations = sasl->config.scram_max_iterations,
      .log_warning = sasl->config.log_warning,
      .log_user_data = sasl->config.log_user_data,
      .cache = sasl->cache,
  };
  sasl->scram = xmpp_sasl_scram_new(&params);
  return xmpp_sasl_scram_client_first(sasl->scram);
}

GBytes *
xmpp_sasl_step(XmppSasl *sasl, const guint8 *challenge, gsize len, GError **error)
{
  g_return_val_if_fail(sasl != NULL, NULL);
  g_return_val_if_fail(challenge != NULL || len == 0, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  if (sasl->state != SASL_STARTED) {
    fail(sasl, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "Unexpected SASL challenge");
    return NULL;
  }
  if (sasl->mech == MECH_PLAIN) {
    /* RFC 4616: PLAIN has no challenges. */
    fail(sasl, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "Unexpected challenge for PLAIN");
    return NULL;
  }
  /* First challenge: server-first. Second: server-final sent as a challenge (RFC 6120 §6.3.10
   * allows the final data in <challenge/> followed by an empty <success/>); answer empty. */
  GBytes *reply = NULL;
  if (sasl->scram != NULL && xmpp_sasl_scram_is_waiting_server_first(sasl->scram)) {
    reply = xmpp_sasl_scram_client_final(sasl->scram, challenge, len, error);
  } else if (xmpp_sasl_scram_verify_server_final(sasl->scram, challenge, len, error)) {
    sasl->state = SASL_DONE;
    reply = g_bytes_new(NULL, 0);
  }
  if (reply == NULL)
    sasl->state = SASL_FAILED;
  return reply;
}

gboolean
xmpp_sasl_finish(XmppSasl *sasl, const guint8 *data, gsize len, GError **error)
{
  g_return_val_if_fail(sasl != NULL, FALSE);
  g_return_val_if_fail(data != NULL || len == 0, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  if (sasl->state == SASL_FAILED || sasl->state == SASL_INIT)
    return fail(sasl, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE, "Unexpected SASL success");
  if (sasl->mech == MECH_PLAIN) {
    if (len != 0)
      return fail(sasl, error, XMPP_SASL_ERROR_BAD_SERVER_MESSAGE,
                  "Unexpected additional data in PLAIN success");
    sasl->state = SASL_DONE;
    return TRUE;
  }
  if (len == 0) {
    /* T27: a bare <success/> proves nothing unless the server signature was already checked. */
    if (sasl->state == SASL_DONE)
      return sasl->succeeded = TRUE;
    return fail(sasl, error, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                "Server claimed success without proving it knows the password");
  }
  if (!xmpp_sasl_scram_verify_server_final(sasl->scram, data, len, error)) {
    sasl->state = SASL_FAILED;
    return FALSE;
  }
  sasl->state = SASL_DONE;
  return sasl->succeeded = TRUE;
}

char *
xmpp_sasl_dup_scram_cache(const XmppSasl *sasl)
{
  g_return_val_if_fail(sasl != NULL, NULL);
  /* Only keys the server proved it shares (RFC 5802 §3 ServerSignature) and accepted. */
  if (!sasl->succeeded || sasl->state != SASL_DONE || sasl->scram == NULL)
    return NULL;
  return xmpp_sasl_scram_dup_cache(sasl->scram);
}

gboolean
xmpp_sasl_used_scram_cache(const XmppSasl *sasl)
{
  g_return_val_if_fail(sasl != NULL, FALSE);
  return sasl->scram != NULL && xmpp_sasl_scram_used_cache(sasl->scram);
}

XmppSaslError
xmpp_sasl_error_from_condition(const char *condition)
{
  /* RFC 6120 §6.5 */
  static const struct {
    const char *name;
    XmppSaslError code;
  } map[] = {
      {"aborted", XMPP_SASL_ERROR_ABORTED},
      {"account-disabled", XMPP_SASL_ERROR_ACCOUNT_DISABLED},
      {"credentials-expired", XMPP_SASL_ERROR_CREDENTIALS_EXPIRED},
      {"encryption-required", XMPP_SASL_ERROR_ENCRYPTION_REQUIRED},
      {"incorrect-encoding", XMPP_SASL_ERROR_INCORRECT_ENCODING},
      {"invalid-authzid", XMPP_SASL_ERROR_INVALID_AUTHZID},
      {"invalid-mechanism", XMPP_SASL_ERROR_INVALID_MECHANISM},
      {"malformed-request", XMPP_SASL_ERROR_MALFORMED_REQUEST},
      {"mechanism-too-weak", XMPP_SASL_ERROR_MECHANISM_TOO_WEAK},
      {"not-authorized", XMPP_SASL_ERROR_NOT_AUTHORIZED},
      {"temporary-auth-failure", XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE},
  };
  if (condition == NULL)
    return XMPP_SASL_ERROR_NOT_AUTHORIZED;
  for (gsize k = 0; k < G_N_ELEMENTS(map); k++) {
    if (strcmp(condition, map[k].name) == 0)
      return map[k].code;
  }
  /* T33: unknown conditions fail closed (RFC 6120 §6.5 lists them all; a new one is a failure). */
  return XMPP_SASL_ERROR_NOT_AUTHORIZED;
}

XmppSaslError
xmpp_sasl_failure_code(const XmppSasl *sasl, const char *condition, const char *text)
{
  XmppSaslError code = xmpp_sasl_error_from_condition(condition);
  if (sasl == NULL || (sasl->cb_flag != 'p' && sasl->cb_flag != 'y'))
    return code;
  /* Only these conditions can mean a binding problem; account-disabled and the like keep
   * their own meaning whatever the text says. */
  if (code != XMPP_SASL_ERROR_NOT_AUTHORIZED && code != XMPP_SASL_ERROR_MALFORMED_REQUEST)
    return code;
  /* ejabberd: "Invalid channel binding"; Prosody: "Invalid channel binding value." */
  if (text != NULL) {
    g_autofree char *lower = g_ascii_strdown(text, -1);
    if (strstr(lower, "channel binding") != NULL || strstr(lower, "channel-binding") != NULL ||
        strstr(lower, "cbind") != NULL)
      return XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED;
  }
  if (sasl->cb_flag == 'y' && code == XMPP_SASL_ERROR_MALFORMED_REQUEST &&
      (text == NULL || *text == '\0'))
    return XMPP_SASL_ERROR_CHANNEL_BINDING_REFUSED;
  return code;
}

XmppChannelBinding
xmpp_sasl_get_channel_binding(const XmppSasl *sasl)
{
  g_return_val_if_fail(sasl != NULL, XMPP_CB_NONE);
  return sasl->cb_flag == 'p' ? sasl->cb_type : XMPP_CB_NONE;
}

char *
xmpp_sasl_legacy_digest(const char *stream_id, const char *password)
{
  g_return_val_if_fail(stream_id != NULL && password != NULL, NULL);
  /* XEP-0078 §3.2 (historical): SHA1(concat(sid, password)) in lower-case hex. */
  g_autofree char *input = g_strconcat(stream_id, password, NULL);
  gsize input_len = strlen(input);
  guint8 digest[20];
  int rc = gnutls_hash_fast(GNUTLS_DIG_SHA1, input, input_len, digest);
  xmpp_sasl_scram_wipe(input, input_len);
  if (rc < 0)
    return NULL;
  char *hex = g_malloc(41);
  for (guint k = 0; k < 20; k++)
    g_snprintf(hex + 2 * k, 3, "%02x", digest[k]);
  return hex;
}
