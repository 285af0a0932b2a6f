/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: SCRAM client against fuzzed server-first/server-final, plus strict base64. */
#include <stdint.h>
#include <string.h>

#include "sasl/sasl.h"

/* Input layout: one flag byte, then server-first "\n" server-final (both raw, as after base64
 * decoding by the stream layer).
 *   bits 0-1: 0 SCRAM-SHA-512, 1 SCRAM-SHA-256, 2/3 SCRAM-SHA-1
 *   bit 2: TLS with tls-exporter available and the -PLUS variant offered ('p=' header)
 *   bit 3: TLS active (without bit 2: 'y' header; with neither: 'n')
 *   bit 4: authzid "admin"
 *   bit 5: server-final arrives as a <challenge/> (step) followed by an empty <success/>
 * The client nonce is fixed (the RFC 5802 example nonce) so that seeds can extend it, and the
 * iteration cap is FUZZ_MAX_ITERATIONS so that PBKDF2 stays cheap; larger i= values exercise
 * the rejection path only. tests/fuzz/corpus/scram/ has seeds with valid server signatures. */
#define FUZZ_NONCE          "fyko+d2lbbFgONRv9qkxdawL"
#define FUZZ_MAX_ITERATIONS 64
#define FUZZ_MAX_INPUT      8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean
fixed_random(gpointer user_data, guint8 *buf, gsize len)
{
  gsize *pos = user_data;
  for (gsize k = 0; k < len; k++)
    buf[k] = (guint8)FUZZ_NONCE[(*pos)++ % (sizeof FUZZ_NONCE - 1)];
  return TRUE;
}

static GBytes *
fixed_cb(gpointer user_data, XmppChannelBinding type)
{
  (void)user_data;
  (void)type;
  guint8 cb[32];
  for (guint k = 0; k < sizeof cb; k++)
    cb[k] = (guint8)k;
  return g_bytes_new(cb, sizeof cb);
}

/* Returns TRUE when the exchange ended authenticated. */
static gboolean
run_scram(guint8 flags, const guint8 *first, gsize first_len, const guint8 *final, gsize final_len)
{
  static const char *const names[4][2] = {
      {"SCRAM-SHA-512", "SCRAM-SHA-512-PLUS"},
      {"SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"},
      {"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"},
      {"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"},
  };
  gboolean plus = (flags & 4) != 0;
  const char *offered[] = {names[flags & 3][plus ? 1 : 0], NULL};
  gsize pos = 0;
  gboolean authenticated = FALSE;
  XmppSaslConfig config = {
      .authcid = "user",
      .password = "pencil",
      .authzid = (flags & 16) ? "admin" : NULL,
      .tls_active = plus || (flags & 8) != 0,
      .cb_available = XMPP_CB_TLS_EXPORTER,
      .cb_server_advertised = XMPP_CB_TLS_EXPORTER, /* XEP-0440: -PLUS binds with it */
      .get_channel_binding = fixed_cb,
      .random = fixed_random,
      .random_user_data = &pos,
      .scram_max_iterations = FUZZ_MAX_ITERATIONS,
      .scram_nonce_len = sizeof FUZZ_NONCE - 1,
  };
  XmppSasl *sasl = xmpp_sasl_new(&config, offered, NULL);
  if (sasl == NULL)
    abort(); /* a supported mechanism is always offered */
  GBytes *out = xmpp_sasl_start(sasl, NULL);
  g_bytes_unref(out);
  out = xmpp_sasl_step(sasl, first, first_len, NULL);
  if (out != NULL) {
    g_bytes_unref(out);
    if (flags & 32) {
      out = xmpp_sasl_step(sasl, final, final_len, NULL);
      gboolean stepped = out != NULL;
      if (out != NULL)
        g_bytes_unref(out);
      /* An empty <success/> must be accepted exactly when the challenge verified (T27). */
      authenticated = xmpp_sasl_finish(sasl, NULL, 0, NULL);
      if (authenticated != stepped)
        abort();
    } else {
      authenticated = xmpp_sasl_finish(sasl, final, final_len, NULL);
    }
  } else if (xmpp_sasl_finish(sasl, final, final_len, NULL)) {
    abort(); /* success after a rejected server-first would be an auth bypass */
  }
  xmpp_sasl_free(sasl);
  return authenticated;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > FUZZ_MAX_INPUT)
    return 0;

  /* Base64: the whole input as text (the stream layer passes NUL-terminated element text). */
  char *text = g_strndup((const char *)data, size);
  GBytes *decoded = xmpp_sasl_base64_decode(text, FUZZ_MAX_INPUT, NULL);
  if (decoded != NULL) {
    /* Anything accepted must round-trip exactly (strictness: one encoding per byte string). */
    char *again = xmpp_sasl_base64_encode(decoded);
    if (strlen(text) > 0 && strcmp(again, text) != 0)
      abort();
    g_free(again);
    g_bytes_unref(decoded);
  }
  g_free(text);

  if (size < 1)
    return 0;
  const guint8 *rest = data + 1;
  gsize rest_len = size - 1;
  const guint8 *nl = memchr(rest, '\n', rest_len);
  gsize first_len = nl ? (gsize)(nl - rest) : rest_len;
  const guint8 *final = nl ? nl + 1 : rest + rest_len;
  gsize final_len = nl ? rest_len - first_len - 1 : 0;
  (void)run_scram(data[0], rest, first_len, final, final_len);
  return 0;
}
