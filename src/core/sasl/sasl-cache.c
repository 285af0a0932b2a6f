/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCRAM key cache record (RFC 5802 §5.1): ClientKey/ServerKey per salt and iteration count. */
#include "sasl/sasl-cache.h"

#include <string.h>

#include "sasl/sasl-scram.h"

/* RFC 5802 §5.1: "the client can cache the ClientKey and ServerKey (or just SaltedPassword) for
 * later reauthentication to the same service, as it is likely that the server is going to
 * advertise the same salt value upon reauthentication". We keep the two keys (never the password
 * or SaltedPassword) and a check: HMAC-SHA-256 keyed with the password over everything else in
 * the record. A changed password, or a record edited by hand, then never yields keys. */
#define CHECK_LABEL "Lyre SCRAM cache"
#define MAX_KEY_LEN 64

struct _XmppSaslCache {
  gnutls_mac_algorithm_t mac;
  gsize key_len;
  GBytes *salt;
  guint iterations;
  guint8 client_key[MAX_KEY_LEN];
  guint8 server_key[MAX_KEY_LEN];
  guint8 check[XMPP_SASL_CACHE_CHECK_LEN];
};

static const struct {
  const char *name;
  gnutls_mac_algorithm_t mac;
  gsize len;
} hashes[] = {
    {"SHA-1", GNUTLS_MAC_SHA1, 20},
    {"SHA-256", GNUTLS_MAC_SHA256, 32},
    {"SHA-512", GNUTLS_MAC_SHA512, 64},
};

static gssize
hash_index_by_mac(gnutls_mac_algorithm_t mac)
{
  for (gsize k = 0; k < G_N_ELEMENTS(hashes); k++) {
    if (hashes[k].mac == mac)
      return (gssize)k;
  }
  return -1;
}

static gssize
hash_index_by_name(const char *name)
{
  for (gsize k = 0; k < G_N_ELEMENTS(hashes); k++) {
    if (strcmp(hashes[k].name, name) == 0)
      return (gssize)k;
  }
  return -1;
}

static void
put_u32(GByteArray *out, guint32 value)
{
  guint8 be[4] = {(guint8)(value >> 24), (guint8)(value >> 16), (guint8)(value >> 8),
                  (guint8)value};
  g_byte_array_append(out, be, 4);
}

/* check = HMAC-SHA-256(password, label 0x00 hash-name 0x00 u32be(iterations) u32be(salt-len)
 *                                salt ClientKey ServerKey). Lengths are explicit so that no two
 * records share an input. */
static gboolean
compute_check(const XmppSaslCache *cache, const char *password, guint8 *check)
{
  gssize h = hash_index_by_mac(cache->mac);
  if (h < 0)
    return FALSE;
  gsize salt_len = 0;
  const guint8 *salt = g_bytes_get_data(cache->salt, &salt_len);
  GByteArray *data = g_byte_array_new();
  g_byte_array_append(data, (const guint8 *)CHECK_LABEL, sizeof CHECK_LABEL); /* with NUL */
  g_byte_array_append(data, (const guint8 *)hashes[h].name, strlen(hashes[h].name) + 1);
  put_u32(data, cache->iterations);
  put_u32(data, (guint32)salt_len);
  g_byte_array_append(data, salt, (guint)salt_len);
  g_byte_array_append(data, cache->client_key, (guint)cache->key_len);
  g_byte_array_append(data, cache->server_key, (guint)cache->key_len);
  int rc =
      gnutls_hmac_fast(GNUTLS_MAC_SHA256, password, strlen(password), data->data, data->len, check);
  xmpp_sasl_scram_wipe(data->data, data->len);
  g_byte_array_unref(data);
  return rc >= 0;
}

XmppSaslCache *
xmpp_sasl_cache_new(gnutls_mac_algorithm_t mac, const guint8 *salt, gsize salt_len,
                    guint iterations, const guint8 *client_key, const guint8 *server_key,
                    const char *password)
{
  g_return_val_if_fail(client_key != NULL && server_key != NULL && password != NULL, NULL);
  gssize h = hash_index_by_mac(mac);
  if (h < 0 || salt == NULL || salt_len == 0 || salt_len > XMPP_SASL_CACHE_MAX_SALT ||
      iterations == 0 || iterations > XMPP_SCRAM_MAX_ITERATIONS)
    return NULL;
  XmppSaslCache *cache = g_new0(XmppSaslCache, 1);
  cache->mac = mac;
  cache->key_len = hashes[h].len;
  cache->salt = g_bytes_new(salt, salt_len);
  cache->iterations = iterations;
  memcpy(cache->client_key, client_key, cache->key_len);
  memcpy(cache->server_key, server_key, cache->key_len);
  if (!compute_check(cache, password, cache->check)) {
    xmpp_sasl_cache_free(cache);
    return NULL;
  }
  return cache;
}

void
xmpp_sasl_cache_free(XmppSaslCache *cache)
{
  if (cache == NULL)
    return;
  g_clear_pointer(&cache->salt, g_bytes_unref);
  xmpp_sasl_scram_wipe(cache, sizeof *cache);
  g_free(cache);
}

/* RFC 5802 §7 posit-number, within 1..XMPP_SCRAM_MAX_ITERATIONS (T28's cap: a record can never
 * claim more than the exchange itself would accept). */
static gboolean
parse_iterations(const char *text, guint *out)
{
  gsize n = strlen(text);
  if (n == 0 || n > 7 || text[0] == '0')
    return FALSE;
  for (gsize k = 0; k < n; k++) {
    if (!g_ascii_isdigit(text[k]))
      return FALSE;
  }
  guint64 value = g_ascii_strtoull(text, NULL, 10);
  if (value == 0 || value > XMPP_SCRAM_MAX_ITERATIONS)
    return FALSE;
  *out = (guint)value;
  return TRUE;
}

/* Strict base64 (canonical, padded) of exactly `want` bytes, or of 1..max bytes when want is 0. */
static GBytes *
parse_b64(const char *text, gsize want, gsize max)
{
  GBytes *bytes = xmpp_sasl_base64_decode(text, XMPP_SASL_CACHE_MAX_TEXT, NULL);
  if (bytes == NULL)
    return NULL;
  gsize len = g_bytes_get_size(bytes);
  if (len == 0 || (want != 0 && len != want) || (want == 0 && len > max)) {
    g_bytes_unref(bytes);
    return NULL;
  }
  return bytes;
}

static void
copy_secret(guint8 *dest, GBytes *src)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data(src, &len);
  memcpy(dest, data, len);
}

/* Wipes decoded key bytes before they go back to the heap. */
static void
unref_secret(GBytes *bytes)
{
  if (bytes == NULL)
    return;
  gsize len = 0;
  guint8 *data = g_bytes_unref_to_data(bytes, &len);
  if (data != NULL)
    xmpp_sasl_scram_wipe(data, len);
  g_free(data);
}

XmppSaslCache *
xmpp_sasl_cache_parse(const char *text)
{
  if (text == NULL || strnlen(text, XMPP_SASL_CACHE_MAX_TEXT + 1) > XMPP_SASL_CACHE_MAX_TEXT)
    return NULL;
  g_auto(GStrv) fields = g_strsplit(text, ":", -1);
  if (g_strv_length(fields) != 7 || strcmp(fields[0], "v1") != 0)
    return NULL;
  gssize h = hash_index_by_name(fields[1]);
  guint iterations = 0;
  if (h < 0 || !parse_iterations(fields[2], &iterations))
    return NULL;
  gsize key_len = hashes[h].len;
  GBytes *salt = parse_b64(fields[3], 0, XMPP_SASL_CACHE_MAX_SALT);
  GBytes *client_key = salt ? parse_b64(fields[4], key_len, 0) : NULL;
  GBytes *server_key = client_key ? parse_b64(fields[5], key_len, 0) : NULL;
  GBytes *check = server_key ? parse_b64(fields[6], XMPP_SASL_CACHE_CHECK_LEN, 0) : NULL;
  XmppSaslCache *cache = NULL;
  if (check != NULL) {
    cache = g_new0(XmppSaslCache, 1);
    cache->mac = hashes[h].mac;
    cache->key_len = key_len;
    cache->salt = g_bytes_ref(salt);
    cache->iterations = iterations;
    copy_secret(cache->client_key, client_key);
    copy_secret(cache->server_key, server_key);
    copy_secret(cache->check, check);
  }
  g_clear_pointer(&salt, g_bytes_unref);
  unref_secret(client_key);
  unref_secret(server_key);
  unref_secret(check);
  return cache;
}

char *
xmpp_sasl_cache_to_string(const XmppSaslCache *cache)
{
  g_return_val_if_fail(cache != NULL, NULL);
  gssize h = hash_index_by_mac(cache->mac);
  g_return_val_if_fail(h >= 0, NULL);
  gsize salt_len = 0;
  const guint8 *salt = g_bytes_get_data(cache->salt, &salt_len);
  g_autofree char *salt_b64 = g_base64_encode(salt, salt_len);
  char *ck = g_base64_encode(cache->client_key, cache->key_len);
  char *sk = g_base64_encode(cache->server_key, cache->key_len);
  g_autofree char *check = g_base64_encode(cache->check, sizeof cache->check);
  char *text = g_strdup_printf("v1:%s:%u:%s:%s:%s:%s", hashes[h].name, cache->iterations, salt_b64,
                               ck, sk, check);
  xmpp_sasl_scram_wipe(ck, strlen(ck));
  xmpp_sasl_scram_wipe(sk, strlen(sk));
  g_free(ck);
  g_free(sk);
  return text;
}

gboolean
xmpp_sasl_cache_lookup(const XmppSaslCache *cache, gnutls_mac_algorithm_t mac, const guint8 *salt,
                       gsize salt_len, guint iterations, const char *password, guint8 *client_key,
                       guint8 *server_key)
{
  g_return_val_if_fail(password != NULL && client_key != NULL && server_key != NULL, FALSE);
  if (cache == NULL || cache->mac != mac || cache->iterations != iterations || salt == NULL)
    return FALSE;
  gsize cached_len = 0;
  const guint8 *cached = g_bytes_get_data(cache->salt, &cached_len);
  if (cached_len != salt_len || memcmp(cached, salt, salt_len) != 0)
    return FALSE;
  guint8 check[XMPP_SASL_CACHE_CHECK_LEN];
  gboolean ok = compute_check(cache, password, check) &&
                xmpp_sasl_scram_equal(check, cache->check, sizeof check);
  xmpp_sasl_scram_wipe(check, sizeof check);
  if (!ok)
    return FALSE;
  memcpy(client_key, cache->client_key, cache->key_len);
  memcpy(server_key, cache->server_key, cache->key_len);
  return TRUE;
}
