/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of avatar.c: image sniffing, hashes, XEP-0084 metadata and data (T51), receiving through
 * PEP and XEP-0153 presence (fetch only on a changed hash, verify), and publishing ours. */
#include <string.h>

#include "fake-host.h"
#include "parse-helper.h"
#include "router/stanza-error.h"
#include "services/avatar.h"
#include "xml/writer.h"

#define ROMEO "romeo@montague.test"
/* A tiny "PNG" (the signature is what is checked) and its SHA-1. */
static const guint8 png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                             'I',  'H', 'D', 'R', 0,    0,    0,    32,   0, 0, 0, 32};
static char *png_hash;
static char *png_b64;

/* ---- pure parts
 * ---------------------------------------------------------------------------------- */

static void
test_sniff(void)
{
  g_assert_cmpstr(xmpp_avatar_sniff_type(png, sizeof png), ==, "image/png");
  g_assert_cmpstr(xmpp_avatar_sniff_type((const guint8 *)"\xff\xd8\xff\xe0", 4), ==, "image/jpeg");
  g_assert_cmpstr(xmpp_avatar_sniff_type((const guint8 *)"GIF87a..", 8), ==, "image/gif");
  g_assert_cmpstr(xmpp_avatar_sniff_type((const guint8 *)"RIFF\0\0\0\0WEBPVP8 ", 16), ==,
                  "image/webp");
}

static void
test_sniff_T51_not_an_image(void)
{
  const char *bad[] = {"<svg xmlns='http://www.w3.org/2000/svg'/>", "hello world", "\x89PN",
                       "RIFF\0\0\0\0WAVE", "GIF90a"};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
    g_assert_null(xmpp_avatar_sniff_type((const guint8 *)bad[i], strlen(bad[i])));
  g_assert_null(xmpp_avatar_sniff_type(png, 7)); /* cut short */
  g_assert_null(xmpp_avatar_sniff_type(NULL, 0));
}

static void
test_hash(void)
{
  g_autofree char *abc = xmpp_avatar_hash((const guint8 *)"abc", 3);
  g_assert_cmpstr(abc, ==, "a9993e364706816aba3e25717850c26c9cd0d89d"); /* FIPS 180 example */
  g_assert_true(xmpp_avatar_hash_is_valid(abc));
  g_assert_true(xmpp_avatar_hash_is_valid("A9993E364706816ABA3E25717850C26C9CD0D89D"));
  g_assert_false(xmpp_avatar_hash_is_valid("a9993e"));
  g_assert_false(xmpp_avatar_hash_is_valid("g9993e364706816aba3e25717850c26c9cd0d89d"));
  g_assert_false(xmpp_avatar_hash_is_valid(NULL));
}

static XmppAvatarInfo *
info_of(const char *metadata_inner, gboolean *disabled)
{
  g_autofree char *xml =
      g_strdup_printf("<items node='urn:xmpp:avatar:metadata'><item id='x'><metadata "
                      "xmlns='urn:xmpp:avatar:metadata'>%s</metadata></item></items>",
                      metadata_inner);
  g_autoptr(XmppNode) items = test_parse_element(xml);
  return xmpp_avatar_info_parse(items, disabled);
}

static void
test_info_parse(void)
{
  gboolean disabled = TRUE;
  /* XEP-0084 §4.1 example 3 shape: PNG preferred over the others. */
  XmppAvatarInfo *i = info_of("<info bytes='23456' height='64' width='64' type='image/gif' "
                              "id='357a8123a30844a3aa99861b6349264ba67a5694'/>"
                              "<info bytes='12345' height='64' width='48' type='image/png' "
                              "id='111F4B3C50D7B0DF729D299BC6F8E9EF9066971F'/>",
                              &disabled);
  g_assert_nonnull(i);
  g_assert_false(disabled);
  g_assert_cmpstr(i->id, ==, "111f4b3c50d7b0df729d299bc6f8e9ef9066971f"); /* lower-cased */
  g_assert_cmpstr(i->type, ==, "image/png");
  g_assert_cmpuint(i->bytes, ==, 12345);
  g_assert_cmpuint(i->width, ==, 48);
  g_assert_cmpuint(i->height, ==, 64);
  xmpp_avatar_info_free(i);
  /* §4.2: empty metadata disables. */
  g_assert_null(info_of("", &disabled));
  g_assert_true(disabled);
}

static void
test_info_parse_T51_rejected(void)
{
  const char *bad[] = {
      /* announced size over the cap */
      "<info bytes='104857600' type='image/png' id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f'/>",
      /* id not a SHA-1 */
      "<info bytes='100' type='image/png' id='../../etc/passwd'/>",
      /* no bytes, zero bytes, junk bytes */
      "<info type='image/png' id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f'/>",
      "<info bytes='0' type='image/png' id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f'/>",
      "<info bytes='-5' type='image/png' id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f'/>",
      /* only hosted elsewhere: never fetched */
      "<info bytes='100' type='image/png' url='http://evil.test/a.png' "
      "id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f'/>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    gboolean disabled = TRUE;
    g_assert_null(info_of(bad[i], &disabled));
    g_assert_false(disabled);
  }
  /* Positive twin: at the cap exactly. */
  g_autofree char *at_cap = g_strdup_printf(
      "<info bytes='%d' type='image/png' id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f'/>",
      XMPP_AVATAR_MAX_BYTES);
  XmppAvatarInfo *ok = info_of(at_cap, NULL);
  g_assert_nonnull(ok);
  xmpp_avatar_info_free(ok);
}

static XmppNode *
data_reply(const char *id, const char *b64)
{
  g_autofree char *xml = g_strdup_printf(
      "<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items "
      "node='urn:xmpp:avatar:data'><item id='%s'><data xmlns='urn:xmpp:avatar:data'>%s</data>"
      "</item></items></pubsub></iq>",
      id, b64);
  return test_parse_element(xml);
}

static void
test_data_parse_and_verify(void)
{
  g_autoptr(XmppNode) iq = data_reply(png_hash, png_b64);
  g_autoptr(GBytes) bytes = xmpp_avatar_data_parse(iq, png_hash, NULL);
  g_assert_nonnull(bytes);
  g_assert_true(xmpp_avatar_verify(bytes, png_hash, NULL));
  /* Another item id: not found. */
  g_autoptr(GError) error = NULL;
  g_assert_null(xmpp_avatar_data_parse(iq, "0000000000000000000000000000000000000000", &error));
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
}

static void
test_data_T51_rejected(void)
{
  /* Invalid base64. */
  g_autoptr(XmppNode) junk = data_reply(png_hash, "not*base64!");
  g_autoptr(GError) e1 = NULL;
  g_assert_null(xmpp_avatar_data_parse(junk, png_hash, &e1));
  g_assert_error(e1, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
  /* Bytes that do not hash to the id. */
  g_autoptr(GBytes) other = g_bytes_new(png, sizeof png - 1);
  g_autoptr(GError) e2 = NULL;
  g_assert_false(xmpp_avatar_verify(other, png_hash, &e2));
  g_assert_error(e2, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_ACCEPTABLE);
  /* Not an image, even with the right hash. */
  g_autoptr(GBytes) text = g_bytes_new("hello", 5);
  g_autofree char *text_hash = xmpp_avatar_hash((const guint8 *)"hello", 5);
  g_autoptr(GError) e3 = NULL;
  g_assert_false(xmpp_avatar_verify(text, text_hash, &e3));
  g_assert_error(e3, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_ACCEPTABLE);
}

/* ---- through the router
 * -------------------------------------------------------------------------- */

typedef struct {
  FakeHost *fake;
  XmppRouter *router;
  XmppDisco *disco;
  XmppPep *pep;
  XmppVcards *vcards;
  XmppAvatars *avatars;
  GPtrArray *sent;
  GHashTable *current; /* bare -> hash: what the "UI" has */
  guint changed;
  guint removed;
  guint own_changed;
} Fixture;

static void
capture_send(gpointer data, const XmppNode *node)
{
  Fixture *f = data;
  g_ptr_array_add(f->sent, xmpp_node_copy(node));
}

static char *
dup_current(gpointer data, const char *bare)
{
  Fixture *f = data;
  return g_strdup(g_hash_table_lookup(f->current, bare));
}

static void
on_changed(gpointer data, const char *bare, GBytes *bytes, const char *hash)
{
  Fixture *f = data;
  if (bytes == NULL) {
    f->removed++;
    g_hash_table_remove(f->current, bare);
    return;
  }
  f->changed++;
  g_assert_true(xmpp_avatar_verify(bytes, hash, NULL));
  g_hash_table_insert(f->current, g_strdup(bare), g_strdup(hash));
}

static void
on_own(gpointer data)
{
  ((Fixture *)data)->own_changed++;
}

static void
setup(Fixture *f, gconstpointer data)
{
  f->fake = fake_host_new();
  f->sent = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  f->current = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  f->router = xmpp_router_new(&f->fake->host, capture_send, f);
  g_autoptr(XmppJid) me = xmpp_jid_parse("juliet@example.test/balcony", NULL);
  xmpp_router_set_own_jid(f->router, me);
  f->disco = xmpp_disco_new(f->router, &f->fake->host);
  f->pep = xmpp_pep_new(f->router, &f->fake->host, f->disco);
  f->vcards = xmpp_vcards_new(f->router, &f->fake->host, f->disco);
  f->avatars = xmpp_avatars_new(f->router, &f->fake->host, f->disco, f->pep, f->vcards);
  XmppAvatarEvents ev = {
      .dup_current_hash = dup_current, .changed = on_changed, .own_hash_changed = on_own};
  xmpp_avatars_set_events(f->avatars, &ev, f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_router_fail_pending(f->router);
  xmpp_avatars_free(f->avatars);
  xmpp_vcards_free(f->vcards);
  xmpp_pep_free(f->pep);
  xmpp_disco_free(f->disco);
  xmpp_router_free(f->router);
  g_ptr_array_free(f->sent, TRUE);
  g_hash_table_unref(f->current);
  fake_host_free(f->fake);
}

static void
feed(Fixture *f, const char *xml)
{
  xmpp_router_dispatch(f->router, test_parse_element(xml));
}

static void
feed_metadata(Fixture *f, const char *hash, gsize bytes)
{
  g_autofree char *xml = g_strdup_printf(
      "<message from='" ROMEO "'><event xmlns='http://jabber.org/protocol/pubsub#event'>"
      "<items node='urn:xmpp:avatar:metadata'><item id='%s'><metadata "
      "xmlns='urn:xmpp:avatar:metadata'><info bytes='%" G_GSIZE_FORMAT "' id='%s' "
      "type='image/png'/></metadata></item></items></event></message>",
      hash, bytes, hash);
  feed(f, xml);
}

/* Answers sent[index] (an IQ) from `from` with a payload (the rest of the element). */
static void
answer(Fixture *f, guint index, const char *from, const char *rest)
{
  XmppNode *iq = f->sent->pdata[index];
  g_autofree char *from_attr = from ? g_strdup_printf(" from='%s'", from) : g_strdup("");
  g_autofree char *xml =
      g_strdup_printf("<iq%s id='%s' %s</iq>", from_attr, xmpp_node_get_attr(iq, "id"), rest);
  feed(f, xml);
}

static char *
data_answer(const char *id, const char *b64)
{
  return g_strdup_printf(
      "type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items "
      "node='urn:xmpp:avatar:data'><item id='%s'><data xmlns='urn:xmpp:avatar:data'>%s</data>"
      "</item></items></pubsub>",
      id, b64);
}

static void
test_pep_receive(Fixture *f, gconstpointer data)
{
  g_assert_true(xmpp_disco_has_feature(f->disco, XMPP_NS_AVATAR_METADATA "+notify"));
  feed_metadata(f, png_hash, sizeof png);
  g_assert_cmpuint(f->sent->len, ==, 1);
  XmppNode *iq = f->sent->pdata[0];
  g_assert_cmpstr(xmpp_node_get_attr(iq, "to"), ==, ROMEO);
  g_autofree char *text = xmpp_xml_node_to_string(iq);
  g_assert_nonnull(strstr(text, "node='urn:xmpp:avatar:data'"));
  g_autofree char *ans = data_answer(png_hash, png_b64);
  answer(f, 0, ROMEO, ans);
  g_assert_cmpuint(f->changed, ==, 1);
  g_assert_cmpstr(g_hash_table_lookup(f->current, ROMEO), ==, png_hash);
  /* The same hash again: nothing fetched (cached by hash). */
  feed_metadata(f, png_hash, sizeof png);
  g_assert_cmpuint(f->sent->len, ==, 1);
  /* Our own metadata (echoed after publishing) is not fetched. */
  feed(f, "<message><event xmlns='http://jabber.org/protocol/pubsub#event'><items "
          "node='urn:xmpp:avatar:metadata'><item id='0123456789abcdef0123456789abcdef01234567'>"
          "<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='5' type='image/png' "
          "id='0123456789abcdef0123456789abcdef01234567'/></metadata></item></items></event>"
          "</message>");
  g_assert_cmpuint(f->sent->len, ==, 1);
  /* Disabled: the icon goes. */
  feed(f, "<message from='" ROMEO "'><event xmlns='http://jabber.org/protocol/pubsub#event'>"
          "<items node='urn:xmpp:avatar:metadata'><item><metadata "
          "xmlns='urn:xmpp:avatar:metadata'/></item></items></event></message>");
  g_assert_cmpuint(f->removed, ==, 1);
}

static void
test_pep_receive_T51_mismatch(Fixture *f, gconstpointer data)
{
  /* The data does not hash to the announced id: not applied. */
  const char *wrong = "0123456789abcdef0123456789abcdef01234567";
  feed_metadata(f, wrong, sizeof png);
  g_autofree char *ans = data_answer(wrong, png_b64);
  answer(f, 0, ROMEO, ans);
  g_assert_cmpuint(f->changed, ==, 0);
  /* Oversized announcement: not even fetched. */
  feed_metadata(f, png_hash, 100 * 1024 * 1024);
  g_assert_cmpuint(f->sent->len, ==, 1);
  /* Invalid base64 in the answer: not applied; then a good one is (positive twin). */
  feed_metadata(f, png_hash, sizeof png);
  g_autofree char *junk = data_answer(png_hash, "not*base64!");
  answer(f, 1, ROMEO, junk);
  g_assert_cmpuint(f->changed, ==, 0);
  feed_metadata(f, png_hash, sizeof png);
  g_autofree char *good = data_answer(png_hash, png_b64);
  answer(f, 2, ROMEO, good);
  g_assert_cmpuint(f->changed, ==, 1);
}

static void
test_pep_newer_hash_while_fetching(Fixture *f, gconstpointer data)
{
  const char *old = "0123456789abcdef0123456789abcdef01234567";
  feed_metadata(f, old, 10);
  feed_metadata(f, png_hash, sizeof png); /* arrives while the first fetch runs */
  g_assert_cmpuint(f->sent->len, ==, 1);
  answer(f, 0, ROMEO,
         "type='error'><error type='cancel'><item-not-found "
         "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
  g_assert_cmpuint(f->sent->len, ==, 2); /* the newer one is fetched now */
  g_autofree char *good = data_answer(png_hash, png_b64);
  answer(f, 1, ROMEO, good);
  g_assert_cmpuint(f->changed, ==, 1);
}

static void
feed_update(Fixture *f, const char *from, const char *x_inner, const char *extra)
{
  g_autofree char *xml =
      g_strdup_printf("<presence from='%s'><x xmlns='vcard-temp:x:update'>%s</x>%s</presence>",
                      from, x_inner, extra);
  feed(f, xml);
}

static void
test_vcard_update_receive(Fixture *f, gconstpointer data)
{
  g_autofree char *photo = g_strdup_printf("<photo>%s</photo>", png_hash);
  feed_update(f, ROMEO "/orchard", photo, "");
  g_assert_cmpuint(f->sent->len, ==, 1);
  XmppNode *iq = f->sent->pdata[0];
  g_assert_cmpstr(xmpp_node_get_attr(iq, "to"), ==, ROMEO);
  g_assert_nonnull(xmpp_node_get_child(iq, XMPP_NS_VCARD, "vCard"));
  g_autofree char *vc = g_strdup_printf("type='result'><vCard xmlns='vcard-temp'><PHOTO><TYPE>"
                                        "image/png</TYPE><BINVAL>%s</BINVAL></PHOTO></vCard>",
                                        png_b64);
  answer(f, 0, ROMEO, vc);
  g_assert_cmpuint(f->changed, ==, 1);
  /* Same hash, empty photo, no photo, junk, room occupants, unavailable: nothing fetched. */
  feed_update(f, ROMEO "/orchard", photo, "");
  feed_update(f, ROMEO "/orchard", "<photo/>", "");
  feed_update(f, ROMEO "/orchard", "", "");
  feed_update(f, ROMEO "/orchard", "<photo>not-a-hash</photo>", "");
  feed_update(f, "room@muc.test/nick", "<photo>0123456789abcdef0123456789abcdef01234567</photo>",
              "<x xmlns='http://jabber.org/protocol/muc#user'/>");
  feed(f, "<presence from='" ROMEO "/o' type='unavailable'><x xmlns='vcard-temp:x:update'>"
          "<photo>0123456789abcdef0123456789abcdef01234567</photo></x></presence>");
  /* Our own presence, echoed by the server or from another resource of ours. */
  feed_update(f, "juliet@example.test/other",
              "<photo>0123456789abcdef0123456789abcdef01234567</photo>", "");
  g_assert_cmpuint(f->sent->len, ==, 1);
}

static void
test_vcard_update_T51_not_image(Fixture *f, gconstpointer data)
{
  g_autofree char *hello_hash = xmpp_avatar_hash((const guint8 *)"hello", 5);
  g_autofree char *photo = g_strdup_printf("<photo>%s</photo>", hello_hash);
  feed_update(f, ROMEO, photo, "");
  answer(f, 0, ROMEO,
         "type='result'><vCard xmlns='vcard-temp'><PHOTO><BINVAL>aGVsbG8=</BINVAL></PHOTO>"
         "</vCard>");
  g_assert_cmpuint(f->changed, ==, 0);
}

static void
test_own_hash(Fixture *f, gconstpointer data)
{
  g_autoptr(XmppNode) before = xmpp_avatars_build_update(f->avatars);
  g_assert_null(xmpp_node_get_child(before, XMPP_NS_VCARD_UPDATE, "photo")); /* not ready */
  xmpp_avatars_start(f->avatars);
  g_assert_null(xmpp_node_get_attr(f->sent->pdata[0], "to"));
  g_autofree char *vc = g_strdup_printf(
      "type='result'><vCard xmlns='vcard-temp'><PHOTO><BINVAL>%s</BINVAL></PHOTO></vCard>",
      png_b64);
  answer(f, 0, NULL, vc);
  g_assert_cmpuint(f->own_changed, ==, 1);
  g_assert_cmpstr(xmpp_avatars_get_own_hash(f->avatars), ==, png_hash);
  g_autoptr(XmppNode) after = xmpp_avatars_build_update(f->avatars);
  g_autofree char *photo = xmpp_node_dup_child_text(after, XMPP_NS_VCARD_UPDATE, "photo");
  g_assert_cmpstr(photo, ==, png_hash);
}

static void
test_publish(Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) image = g_bytes_new_static(png, sizeof png);
  g_assert_true(xmpp_avatars_publish(f->avatars, image, 32, 32, NULL));
  /* The data publish and the vCard fetch go out at once. */
  g_assert_cmpuint(f->sent->len, ==, 2);
  g_autofree char *pub = xmpp_xml_node_to_string(f->sent->pdata[0]);
  g_assert_nonnull(strstr(pub, "<publish node='urn:xmpp:avatar:data'>"));
  g_assert_nonnull(strstr(pub, png_b64));
  g_assert_nonnull(strstr(pub, png_hash));
  answer(f, 0, NULL, "type='result'>");
  /* Then the metadata. */
  g_assert_cmpuint(f->sent->len, ==, 3);
  g_autofree char *meta = xmpp_xml_node_to_string(f->sent->pdata[2]);
  g_assert_nonnull(strstr(meta, "<publish node='urn:xmpp:avatar:metadata'>"));
  g_autofree char *info = g_strdup_printf("bytes='%" G_GSIZE_FORMAT "'", sizeof png);
  g_assert_nonnull(strstr(meta, info));
  g_assert_nonnull(strstr(meta, "width='32'"));
  /* The vCard: ours kept, PHOTO replaced. */
  answer(f, 1, NULL, "type='result'><vCard xmlns='vcard-temp'><FN>Jul</FN></vCard>");
  g_assert_cmpuint(f->sent->len, ==, 4);
  XmppNode *set = f->sent->pdata[3];
  g_assert_cmpstr(xmpp_node_get_attr(set, "type"), ==, "set");
  g_autoptr(XmppVcard) sent_vc =
      xmpp_vcard_parse(xmpp_node_get_child(set, XMPP_NS_VCARD, "vCard"), NULL);
  g_assert_cmpstr(sent_vc->fn, ==, "Jul");
  g_assert_cmpstr(sent_vc->photo_type, ==, "image/png");
  g_assert_true(g_bytes_equal(sent_vc->photo, image));
  g_assert_cmpuint(f->own_changed, ==, 0);
  answer(f, 3, NULL, "type='result'>");
  g_assert_cmpuint(f->own_changed, ==, 1);
  g_assert_cmpstr(xmpp_avatars_get_own_hash(f->avatars), ==, png_hash);
}

static void
test_publish_T51_rejected(Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) text = g_bytes_new_static("hello", 5);
  g_autoptr(GError) e1 = NULL;
  g_assert_false(xmpp_avatars_publish(f->avatars, text, 0, 0, &e1));
  g_assert_error(e1, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
  guint8 *big = g_malloc0(XMPP_AVATAR_MAX_BYTES + 1);
  memcpy(big, png, sizeof png);
  g_autoptr(GBytes) huge = g_bytes_new_take(big, XMPP_AVATAR_MAX_BYTES + 1);
  g_autoptr(GError) e2 = NULL;
  g_assert_false(xmpp_avatars_publish(f->avatars, huge, 0, 0, &e2));
  g_assert_error(e2, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
  g_assert_cmpuint(f->sent->len, ==, 0);
  /* Removing ours: empty metadata and a vCard without PHOTO. */
  g_assert_true(xmpp_avatars_publish(f->avatars, NULL, 0, 0, NULL));
  g_autofree char *meta = xmpp_xml_node_to_string(f->sent->pdata[0]);
  g_assert_nonnull(strstr(meta, "<metadata xmlns='urn:xmpp:avatar:metadata'/>"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  png_hash = xmpp_avatar_hash(png, sizeof png);
  png_b64 = g_base64_encode(png, sizeof png);
  g_test_add_func("/avatar/sniff/positive", test_sniff);
  g_test_add_func("/avatar/sniff/T51_not_an_image", test_sniff_T51_not_an_image);
  g_test_add_func("/avatar/hash", test_hash);
  g_test_add_func("/avatar/metadata/parse", test_info_parse);
  g_test_add_func("/avatar/metadata/T51_rejected", test_info_parse_T51_rejected);
  g_test_add_func("/avatar/data/parse_verify", test_data_parse_and_verify);
  g_test_add_func("/avatar/data/T51_rejected", test_data_T51_rejected);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/avatar/pep/receive", test_pep_receive);
  ADD("/avatar/pep/T51_mismatch", test_pep_receive_T51_mismatch);
  ADD("/avatar/pep/newer_hash", test_pep_newer_hash_while_fetching);
  ADD("/avatar/vcard_update/receive", test_vcard_update_receive);
  ADD("/avatar/vcard_update/T51_not_image", test_vcard_update_T51_not_image);
  ADD("/avatar/own/hash", test_own_hash);
  ADD("/avatar/own/publish", test_publish);
  ADD("/avatar/own/T51_rejected", test_publish_T51_rejected);
  int rc = g_test_run();
  g_free(png_hash);
  g_free(png_b64);
  return rc;
}
