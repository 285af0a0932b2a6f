/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: XEP-0054 vCards (services/vcard.c) and XEP-0084/0153 avatars
 * (services/avatar.c), driven through the router as the session drives them: our own vCard
 * (for our XEP-0153 hash, and again when we publish an avatar, keeping the rest of it), a
 * contact's vCard, contacts' presence with <photo/> hashes (a vCard fetch follows), PEP avatar
 * metadata notifications (services/pep.c; a data fetch follows), all answered by the input.
 * Oracles: a vCard builds into an element that parses back to the same vCard, and so does its
 * copy; strict base64 (T51) decodes only canonical-length text and what it decodes encodes and
 * decodes again to the same bytes; an avatar the glue hears about is a known image type that
 * hashes to the announced hash; metadata we accept names a valid hash and a size within the cap.
 *
 * The first input byte is the mode: bit 0 learn our own hash at start, bit 1 publish an
 * avatar, bit 2 fetch a contact's vCard, bit 3 we already have every announced avatar, bit 4
 * requests end by timeout, else bit 5 by the modules' own frees, else by the session closing. */
#include <string.h>

#include "fuzz-harness.h"
#include "services/avatar.h"
#include "xml/writer.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

/* A 1x1 PNG. */
static const guint8 tiny_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0x7a, 0x5e, 0xab, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static void
check_strv(char **v, const char *what)
{
  fuzz_check(v != NULL && g_strv_length(v) <= XMPP_VCARD_MAX_ENTRIES, what);
  for (char **p = v; *p != NULL; p++) {
    fuzz_check(**p != '\0' && strlen(*p) <= XMPP_VCARD_MAX_FIELD, what);
    fuzz_check_utf8(*p, what);
  }
}

static void
check_text(const char *s)
{
  fuzz_check(s == NULL || (*s != '\0' && strlen(s) <= XMPP_VCARD_MAX_FIELD),
             "a vCard field is absent or within its limit");
  fuzz_check_utf8(s, "a vCard field");
}

static void
check_vcard(const XmppVcard *v)
{
  const char *fields[] = {v->fn,
                          v->nickname,
                          v->given,
                          v->family,
                          v->middle,
                          v->address.street,
                          v->address.extadd,
                          v->address.locality,
                          v->address.region,
                          v->address.pcode,
                          v->address.country,
                          v->org_name,
                          v->org_unit,
                          v->title,
                          v->url,
                          v->birthday,
                          v->description,
                          v->photo_type};
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
    check_text(fields[i]);
  check_strv(v->emails, "e-mail addresses");
  check_strv(v->phones, "phone numbers");
  fuzz_check(v->photo == NULL || g_bytes_get_size(v->photo) <= XMPP_VCARD_MAX_PHOTO_BYTES,
             "a photo within the limit (T51)");
  fuzz_check(!(v->photo != NULL && v->photo_rejected), "a photo is kept or rejected");
  /* What we publish from it (XEP-0153 keeps the rest of our vCard) reads back the same. */
  XmppNode *built = xmpp_vcard_build(v);
  fuzz_check_round_trip(built);
  XmppVcard *again = xmpp_vcard_parse(built, NULL);
  fuzz_check(again != NULL, "the vCard we build parses");
  XmppNode *rebuilt = xmpp_vcard_build(again);
  fuzz_check(xmpp_node_equal(built, rebuilt), "a vCard reads back the same");
  XmppVcard *copy = xmpp_vcard_copy(v);
  XmppNode *copied = xmpp_vcard_build(copy);
  fuzz_check(xmpp_node_equal(built, copied), "a copy of a vCard builds the same");
  xmpp_node_free(copied);
  xmpp_vcard_free(copy);
  xmpp_node_free(rebuilt);
  xmpp_vcard_free(again);
  xmpp_node_free(built);
}

/* Strict base64 (T51): the decoded bytes encode to text that decodes to them again, and their
 * length is what the text's length and padding say. */
static void
check_base64(const char *text, gsize max)
{
  GError *error = NULL;
  GBytes *bytes = xmpp_vcard_decode_base64(text, max, &error);
  if (bytes == NULL) {
    fuzz_check(error != NULL, "a refused text says why");
    g_error_free(error);
    return;
  }
  gsize n = 0, pad = 0;
  for (const char *p = text; *p != '\0'; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
      continue;
    n++;
    pad = *p == '=' ? pad + 1 : 0;
  }
  gsize len = 0;
  const guint8 *raw = g_bytes_get_data(bytes, &len);
  fuzz_check(n % 4 == 0 && pad <= 2 && len == n / 4 * 3 - pad, "base64 decodes whole");
  fuzz_check(len <= max, "decoded within the limit");
  char *encoded = g_base64_encode(raw, len);
  GBytes *again = xmpp_vcard_decode_base64(encoded, max, NULL);
  fuzz_check(again != NULL && g_bytes_equal(again, bytes), "base64 round trip");
  g_bytes_unref(again);
  g_free(encoded);
  g_bytes_unref(bytes);
}

static void
check_avatar_info(const XmppAvatarInfo *info)
{
  if (info == NULL)
    return;
  fuzz_check(xmpp_avatar_hash_is_valid(info->id), "an avatar id is a SHA-1");
  for (const char *p = info->id; *p != '\0'; p++)
    fuzz_check(!g_ascii_isupper(*p), "an avatar id is kept in lower case");
  fuzz_check(info->bytes >= 1 && info->bytes <= XMPP_AVATAR_MAX_BYTES,
             "an announced size within the cap (T51)");
  fuzz_check(info->width <= G_MAXUINT16 && info->height <= G_MAXUINT16, "sane dimensions");
}

static void
inspect_tree(const XmppNode *node)
{
  for (XmppNode *c = xmpp_node_first_element(node); c != NULL;
       c = xmpp_node_next_child(node, c, NULL, NULL)) {
    if (xmpp_node_is(c, XMPP_NS_VCARD, "vCard")) {
      XmppVcard *v = xmpp_vcard_parse(c, NULL);
      fuzz_check(v != NULL, "a vCard element parses");
      check_vcard(v);
      xmpp_vcard_free(v);
    } else if (xmpp_node_is(c, XMPP_NS_VCARD, "BINVAL") ||
               xmpp_node_is(c, XMPP_NS_AVATAR_DATA, "data")) {
      char *text = xmpp_node_dup_text(c);
      check_base64(text, XMPP_AVATAR_MAX_BYTES);
      check_base64(text, 16); /* and a small cap: the limit is checked before decoding */
      g_free(text);
    } else if (xmpp_node_is(c, XMPP_NS_AVATAR_METADATA, "metadata") ||
               xmpp_node_is(c, NULL, "items")) {
      gboolean disabled = FALSE;
      XmppAvatarInfo *info = xmpp_avatar_info_parse(c, &disabled);
      fuzz_check(info == NULL || !disabled, "metadata is an avatar or none");
      check_avatar_info(info);
      xmpp_avatar_info_free(info);
    }
    inspect_tree(c); /* the parser bounds the depth */
  }
}

static void
inspect(gpointer data, const XmppNode *node)
{
  inspect_tree(node);
}

typedef struct {
  guint8 mode;
  guint changes;
  guint vcards; /* contact vCard callbacks */
} Run;

static char *
dup_current_hash(gpointer data, const char *bare)
{
  Run *run = data;
  /* With bit 3 we "have" whatever is announced: only a real change fetches. */
  return (run->mode & 8) ? g_strdup("da39a3ee5e6b4b0d3255bfef95601890afd80709") : NULL;
}

static void
on_changed(gpointer data, const char *bare, GBytes *bytes, const char *hash)
{
  Run *run = data;
  run->changes++;
  XmppJid *jid = xmpp_jid_parse(bare, NULL);
  fuzz_check(jid != NULL && xmpp_jid_is_bare(jid), "an avatar belongs to a bare JID");
  xmpp_jid_free(jid);
  fuzz_check((bytes == NULL) == (hash == NULL), "an avatar has a hash, a removal none");
  if (bytes == NULL)
    return;
  /* T51: only verified images reach the glue. */
  gsize len = 0;
  const guint8 *raw = g_bytes_get_data(bytes, &len);
  fuzz_check(len > 0 && len <= XMPP_AVATAR_MAX_BYTES, "an avatar within the cap");
  fuzz_check(xmpp_avatar_sniff_type(raw, len) != NULL, "an avatar is a known image type");
  char *actual = xmpp_avatar_hash(raw, len);
  fuzz_check(g_ascii_strcasecmp(actual, hash) == 0, "an avatar hashes to its hash");
  g_free(actual);
}

static void
on_own_hash_changed(gpointer data)
{
}

static const XmppAvatarEvents events = {
    .dup_current_hash = dup_current_hash,
    .changed = on_changed,
    .own_hash_changed = on_own_hash_changed,
};

static void
on_contact_vcard(const XmppVcard *vcard, const GError *error, gpointer user_data)
{
  Run *run = user_data;
  run->vcards++;
  fuzz_check(vcard == NULL || error == NULL, "a vCard or an error");
  if (vcard != NULL)
    check_vcard(vcard);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  Run run = {data[0], 0, 0};
  FuzzHarness *h = fuzz_harness_new("juliet@example.test/balcony");
  h->inspect = inspect;
  const XmppHost *host = &h->fake->host;
  XmppDisco *disco = xmpp_disco_new(h->router, host);
  XmppPep *pep = xmpp_pep_new(h->router, host, disco);
  XmppVcards *vcards = xmpp_vcards_new(h->router, host, disco);
  XmppAvatars *avatars = xmpp_avatars_new(h->router, host, disco, pep, vcards);
  xmpp_avatars_set_events(avatars, &events, &run);
  if (run.mode & 1)
    xmpp_avatars_start(avatars);
  if (run.mode & 2) {
    GBytes *png = g_bytes_new_static(tiny_png, sizeof tiny_png);
    fuzz_check(xmpp_avatars_publish(avatars, png, 1, 1, NULL), "a PNG can be published");
    g_bytes_unref(png);
  }
  if (run.mode & 4) {
    XmppJid *romeo = xmpp_jid_parse("romeo@example.net", NULL);
    xmpp_vcards_fetch(vcards, romeo, on_contact_vcard, &run, NULL);
    xmpp_jid_free(romeo);
  }
  fuzz_harness_feed(h, data + 1, size - 1);
  const char *own = xmpp_avatars_get_own_hash(avatars);
  fuzz_check(own == NULL || *own == '\0' || xmpp_avatar_hash_is_valid(own),
             "our own hash is unknown, none or a SHA-1");
  XmppNode *update = xmpp_avatars_build_update(avatars);
  fuzz_check_round_trip(update);
  xmpp_node_free(update);
  fuzz_harness_end(h, (run.mode & 16)   ? FUZZ_END_TIMEOUT
                      : (run.mode & 32) ? FUZZ_END_FREE
                                        : FUZZ_END_CLOSE);
  /* pep and vcards before avatars: the avatar fetches go through them, and their callbacks
   * need the avatars module. */
  xmpp_pep_free(pep);
  xmpp_vcards_free(vcards);
  xmpp_avatars_free(avatars);
  xmpp_disco_free(disco);
  fuzz_check(run.vcards == ((run.mode & 4) ? 1u : 0u), "a vCard fetch ends exactly once");
  fuzz_check(xmpp_router_n_pending(h->router) == 0, "no request outlives its module");
  fuzz_harness_free(h);
  return 0;
}
