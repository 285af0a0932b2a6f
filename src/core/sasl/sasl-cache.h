/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the SASL layer: the SCRAM key cache record (RFC 5802 §5.1), its string form and its
 * password check. */
#pragma once

#include <glib.h>
#include <gnutls/crypto.h>

G_BEGIN_DECLS

/* Longest record string we parse: with SHA-512 keys and a salt at the limit below it is about
 * 580 characters; anything longer is not ours. */
#define XMPP_SASL_CACHE_MAX_TEXT 1024
/* Longest salt we cache, in bytes (real servers send 12 to 32). A longer salt is still used for
 * the exchange; it just is not cached. */
#define XMPP_SASL_CACHE_MAX_SALT 256
/* The password check is HMAC-SHA-256: 32 bytes. */
#define XMPP_SASL_CACHE_CHECK_LEN 32

/* ClientKey and ServerKey for one (hash, salt, iteration count), with a check that binds them to
 * the password. Secret material is wiped on free. */
typedef struct _XmppSaslCache XmppSaslCache;

/* A record for keys just derived from `password` (already NFC-normalised, as PBKDF2 used it).
 * NULL when the hash is not a SCRAM hash, the salt is empty or longer than
 * XMPP_SASL_CACHE_MAX_SALT, the count is 0, or GnuTLS fails. */
XmppSaslCache *xmpp_sasl_cache_new(gnutls_mac_algorithm_t mac, const guint8 *salt, gsize salt_len,
                                   guint iterations, const guint8 *client_key,
                                   const guint8 *server_key, const char *password);
void xmpp_sasl_cache_free(XmppSaslCache *cache);

/* Strict parse of "v1:<hash>:<iterations>:<b64 salt>:<b64 ClientKey>:<b64 ServerKey>:<b64 check>"
 * (hash SHA-1, SHA-256 or SHA-512; canonical padded base64; keys of the hash's length). NULL for
 * anything else: a malformed record is simply no record. */
XmppSaslCache *xmpp_sasl_cache_parse(const char *text);
char *xmpp_sasl_cache_to_string(const XmppSaslCache *cache);

/* TRUE, and the keys copied out (hash length bytes each), when the record is for this hash, salt
 * and iteration count and its check matches `password`. Otherwise FALSE and nothing written. */
gboolean xmpp_sasl_cache_lookup(const XmppSaslCache *cache, gnutls_mac_algorithm_t mac,
                                const guint8 *salt, gsize salt_len, guint iterations,
                                const char *password, guint8 *client_key, guint8 *server_key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppSaslCache, xmpp_sasl_cache_free)

G_END_DECLS
