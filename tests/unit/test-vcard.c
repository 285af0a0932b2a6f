/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of vcard.c: the XEP-0054 model (parse, build, round trip, limits), strict capped base64
 * (T51), and fetching/publishing through the router. */
#include <string.h>

#include "fake-host.h"
#include "parse-helper.h"
#include "router/stanza-error.h"
#include "services/vcard.h"
#include "xml/writer.h"

#define FULL_VCARD                                                                                 \
  "<vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN><N><FAMILY>Capulet</FAMILY>"                   \
  "<GIVEN>Juliet</GIVEN><MIDDLE>J</MIDDLE></N><NICKNAME>Jule</NICKNAME>"                           \
  "<PHOTO><TYPE>image/png</TYPE><BINVAL>iVBORw0K\n  GgoAAAAN</BINVAL></PHOTO>"                     \
  "<BDAY>1582-07-31</BDAY><ADR><HOME/><STREET>1 Via Cappello</STREET><LOCALITY>Verona"             \
  "</LOCALITY><REGION>VR</REGION><PCODE>37121</PCODE><CTRY>Italy</CTRY></ADR>"                     \
  "<TEL><VOICE/><NUMBER>+39 045 1</NUMBER></TEL><TEL><NUMBER>+39 045 2</NUMBER></TEL>"             \
  "<EMAIL><INTERNET/><USERID>juliet@example.test</USERID></EMAIL><EMAIL>old@example.test</EMAIL>"  \
  "<TITLE>Heiress</TITLE><ORG><ORGNAME>House Capulet</ORGNAME><ORGUNIT>Balcony</ORGUNIT></ORG>"    \
  "<URL>https://example.test/~juliet</URL><DESC>  Wherefore art thou?  </DESC></vCard>"

static XmppVcard *
parse(const char *xml)
{
  g_autoptr(XmppNode) node = test_parse_element(xml);
  return xmpp_vcard_parse(node, NULL);
}

static void
test_parse_fields(void)
{
  g_autoptr(XmppVcard) v = parse(FULL_VCARD);
  g_assert_nonnull(v);
  g_assert_cmpstr(v->fn, ==, "Juliet Capulet");
  g_assert_cmpstr(v->given, ==, "Juliet");
  g_assert_cmpstr(v->family, ==, "Capulet");
  g_assert_cmpstr(v->middle, ==, "J");
  g_assert_cmpstr(v->nickname, ==, "Jule");
  g_assert_cmpstr(v->birthday, ==, "1582-07-31");
  g_assert_cmpstr(v->address.street, ==, "1 Via Cappello");
  g_assert_cmpstr(v->address.locality, ==, "Verona");
  g_assert_cmpstr(v->address.country, ==, "Italy");
  g_assert_null(v->address.extadd);
  g_assert_cmpuint(g_strv_length(v->phones), ==, 2);
  g_assert_cmpstr(v->phones[1], ==, "+39 045 2");
  g_assert_cmpuint(g_strv_length(v->emails), ==, 2);
  g_assert_cmpstr(v->emails[0], ==, "juliet@example.test");
  g_assert_cmpstr(v->emails[1], ==, "old@example.test"); /* old style: text in EMAIL */
  g_assert_cmpstr(v->org_name, ==, "House Capulet");
  g_assert_cmpstr(v->org_unit, ==, "Balcony");
  g_assert_cmpstr(v->title, ==, "Heiress");
  g_assert_cmpstr(v->url, ==, "https://example.test/~juliet");
  g_assert_cmpstr(v->description, ==, "Wherefore art thou?");
  g_assert_cmpstr(v->photo_type, ==, "image/png");
  g_assert_nonnull(v->photo);
  g_assert_cmpuint(g_bytes_get_size(v->photo), ==, 12);
  g_assert_cmpmem(g_bytes_get_data(v->photo, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_false(v->photo_rejected);
}

static void
test_parse_not_vcard(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppNode) node = test_parse_element("<vCard xmlns='urn:other'/>");
  g_assert_null(xmpp_vcard_parse(node, &error));
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
  /* An empty vCard is fine: all fields absent, lists empty. */
  g_autoptr(XmppVcard) empty = parse("<vCard xmlns='vcard-temp'><FN>  </FN></vCard>");
  g_assert_null(empty->fn);
  g_assert_nonnull(empty->emails);
  g_assert_null(empty->emails[0]);
  g_assert_null(empty->photo);
  /* NOTE stands in for DESC (what vCard4-backed servers give back). */
  g_autoptr(XmppVcard) note = parse("<vCard xmlns='vcard-temp'><NOTE>n</NOTE></vCard>");
  g_assert_cmpstr(note->description, ==, "n");
  g_autoptr(XmppVcard) both =
      parse("<vCard xmlns='vcard-temp'><NOTE>n</NOTE><DESC>d</DESC></vCard>");
  g_assert_cmpstr(both->description, ==, "d");
}

static void
test_parse_limits(void)
{
  GString *xml = g_string_new("<vCard xmlns='vcard-temp'><FN>");
  for (int i = 0; i < XMPP_VCARD_MAX_FIELD; i++)
    g_string_append(xml, "\xc3\xa9"); /* two bytes each: the cut must fall between them */
  g_string_append(xml, "</FN>");
  for (int i = 0; i < XMPP_VCARD_MAX_ENTRIES + 10; i++)
    g_string_append_printf(xml, "<EMAIL><USERID>u%d@x.test</USERID></EMAIL>", i);
  g_string_append(xml, "</vCard>");
  g_autoptr(XmppVcard) v = parse(xml->str);
  g_string_free(xml, TRUE);
  g_assert_cmpuint(strlen(v->fn), <=, XMPP_VCARD_MAX_FIELD);
  g_assert_cmpuint(strlen(v->fn), >=, XMPP_VCARD_MAX_FIELD - 1);
  g_assert_true(g_utf8_validate(v->fn, -1, NULL));
  g_assert_cmpuint(g_strv_length(v->emails), ==, XMPP_VCARD_MAX_ENTRIES);
}

static void
test_round_trip(void)
{
  g_autoptr(XmppVcard) v = parse(FULL_VCARD);
  g_autoptr(XmppNode) built = xmpp_vcard_build(v);
  g_autoptr(XmppVcard) again = xmpp_vcard_parse(built, NULL);
  g_autoptr(XmppNode) built2 = xmpp_vcard_build(again);
  g_assert_true(xmpp_node_equal(built, built2));
  g_assert_cmpstr(again->fn, ==, v->fn);
  g_assert_cmpstr(again->description, ==, v->description);
  g_assert_cmpstr(again->address.pcode, ==, "37121");
  g_assert_cmpuint(g_strv_length(again->emails), ==, 2);
  g_assert_true(g_bytes_equal(again->photo, v->photo));
  /* The copy is deep and equal. */
  g_autoptr(XmppVcard) copy = xmpp_vcard_copy(v);
  g_autoptr(XmppNode) built3 = xmpp_vcard_build(copy);
  g_assert_true(xmpp_node_equal(built, built3));
  /* An empty model builds an empty vCard. */
  g_autoptr(XmppVcard) none = xmpp_vcard_new();
  g_autoptr(XmppNode) empty = xmpp_vcard_build(none);
  g_assert_true(xmpp_node_is(empty, XMPP_NS_VCARD, "vCard"));
  g_assert_cmpuint(xmpp_node_n_children(empty), ==, 0);
}

/* ---- base64 (T51)
 * -------------------------------------------------------------------------------- */

static void
test_base64_positive(void)
{
  g_autoptr(GBytes) a = xmpp_vcard_decode_base64("aGVs\n bG8=\r\n", 100, NULL);
  g_assert_nonnull(a);
  g_assert_cmpmem(g_bytes_get_data(a, NULL), g_bytes_get_size(a), "hello", 5);
  g_autoptr(GBytes) b = xmpp_vcard_decode_base64("aGk=", 2, NULL); /* exactly at the cap */
  g_assert_cmpuint(g_bytes_get_size(b), ==, 2);
  g_autoptr(GBytes) c = xmpp_vcard_decode_base64("YQ==", 1, NULL);
  g_assert_cmpuint(g_bytes_get_size(c), ==, 1);
}

static void
test_base64_T51_invalid(void)
{
  const char *bad[] = {"",
                       "  \n ",
                       "abc",
                       "ab=c",
                       "a===",
                       "====",
                       "!!!!",
                       "aGVs bG8",
                       "aGVsbG8=\x01",
                       "aGVs\xc3\xa9"
                       "bG8=",
                       "YQ==YQ==",
                       "aGVsbG8=="};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_assert_null(xmpp_vcard_decode_base64(bad[i], 1000, &error));
    g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
  }
}

static void
test_base64_T51_oversized(void)
{
  /* 100 MB of base64: refused by counting, without decoding or copying it. */
  gsize n = 100 * 1024 * 1024;
  char *huge = g_malloc(n + 1);
  memset(huge, 'A', n);
  huge[n] = '\0';
  g_autoptr(GError) error = NULL;
  g_assert_null(xmpp_vcard_decode_base64(huge, XMPP_VCARD_MAX_PHOTO_BYTES, &error));
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
  g_free(huge);
  /* One byte over the cap, even with the padding that rounds up. */
  g_clear_error(&error);
  g_assert_null(xmpp_vcard_decode_base64("aGk=", 1, &error));
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
}

static void
test_parse_T51_photo(void)
{
  /* Over the cap (built directly: the XML parser's stanza limit would stop it even earlier):
   * the photo is dropped, the rest of the vCard is kept. */
  gsize chars = (XMPP_VCARD_MAX_PHOTO_BYTES / 3 + 2) * 4;
  GString *b64 = g_string_new(NULL);
  for (gsize i = 0; i < chars; i++)
    g_string_append_c(b64, i % 77 == 76 ? '\n' : 'A');
  g_autoptr(XmppNode) node = xmpp_node_new(XMPP_NS_VCARD, "vCard");
  xmpp_node_new_text_child(node, NULL, "FN", "Big");
  XmppNode *photo = xmpp_node_new_child(node, NULL, "PHOTO");
  xmpp_node_new_text_child(photo, NULL, "BINVAL", b64->str);
  g_string_free(b64, TRUE);
  g_autoptr(XmppVcard) big = xmpp_vcard_parse(node, NULL);
  g_assert_cmpstr(big->fn, ==, "Big");
  g_assert_null(big->photo);
  g_assert_true(big->photo_rejected);
  /* Not base64. */
  g_autoptr(XmppVcard) junk =
      parse("<vCard xmlns='vcard-temp'><PHOTO><BINVAL>*not base64*</BINVAL></PHOTO></vCard>");
  g_assert_null(junk->photo);
  g_assert_true(junk->photo_rejected);
  /* Positive twin: a photo under the cap, wrapped in whitespace. */
  g_autoptr(XmppVcard) ok =
      parse("<vCard xmlns='vcard-temp'><PHOTO><BINVAL>\n R0lG\n ODlh\n</BINVAL></PHOTO></vCard>");
  g_assert_nonnull(ok->photo);
  g_assert_cmpmem(g_bytes_get_data(ok->photo, NULL), g_bytes_get_size(ok->photo), "GIF89a", 6);
  g_assert_false(ok->photo_rejected);
}

/* ---- requests
 * ------------------------------------------------------------------------------------ */

typedef struct {
  FakeHost *fake;
  XmppRouter *router;
  XmppVcards *vcards;
  GPtrArray *sent;
  guint calls;
  char *fn;
  gboolean got_vcard;
  GError *error;
} Fixture;

static void
capture_send(gpointer data, const XmppNode *node)
{
  Fixture *f = data;
  g_ptr_array_add(f->sent, xmpp_node_copy(node));
}

static void
setup(Fixture *f, gconstpointer data)
{
  f->fake = fake_host_new();
  f->sent = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  f->router = xmpp_router_new(&f->fake->host, capture_send, f);
  g_autoptr(XmppJid) me = xmpp_jid_parse("juliet@example.test/balcony", NULL);
  xmpp_router_set_own_jid(f->router, me);
  f->vcards = xmpp_vcards_new(f->router, &f->fake->host, NULL);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_router_fail_pending(f->router);
  xmpp_vcards_free(f->vcards);
  xmpp_router_free(f->router);
  g_ptr_array_free(f->sent, TRUE);
  fake_host_free(f->fake);
  g_free(f->fn);
  g_clear_error(&f->error);
}

static void
on_vcard(const XmppVcard *vcard, const GError *error, gpointer data)
{
  Fixture *f = data;
  f->calls++;
  f->got_vcard = vcard != NULL;
  g_free(f->fn);
  f->fn = vcard != NULL ? g_strdup(vcard->fn) : NULL;
  g_clear_error(&f->error);
  f->error = error != NULL ? g_error_copy(error) : NULL;
}

static void
reply(Fixture *f, guint index, const char *from, const char *payload)
{
  XmppNode *iq = f->sent->pdata[index];
  g_autofree char *from_attr = from ? g_strdup_printf(" from='%s'", from) : g_strdup("");
  g_autofree char *xml =
      g_strdup_printf("<iq%s id='%s' %s</iq>", from_attr, xmpp_node_get_attr(iq, "id"), payload);
  xmpp_router_dispatch(f->router, test_parse_element(xml));
}

static void
test_fetch(Fixture *f, gconstpointer data)
{
  /* Our own: no 'to'. */
  xmpp_vcards_fetch(f->vcards, NULL, on_vcard, f, NULL);
  XmppNode *iq = f->sent->pdata[0];
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "get");
  g_assert_null(xmpp_node_get_attr(iq, "to"));
  g_assert_nonnull(xmpp_node_get_child(iq, XMPP_NS_VCARD, "vCard"));
  reply(f, 0, NULL, "type='result'><vCard xmlns='vcard-temp'><FN>Me</FN></vCard>");
  g_assert_cmpuint(f->calls, ==, 1);
  g_assert_cmpstr(f->fn, ==, "Me");

  /* A contact's: to the JID; an empty result means "none". */
  g_autoptr(XmppJid) romeo = xmpp_jid_parse("romeo@montague.test", NULL);
  xmpp_vcards_fetch(f->vcards, romeo, on_vcard, f, NULL);
  g_assert_cmpstr(xmpp_node_get_attr(f->sent->pdata[1], "to"), ==, "romeo@montague.test");
  reply(f, 1, "romeo@montague.test", "type='result'>");
  g_assert_cmpuint(f->calls, ==, 2);
  g_assert_false(f->got_vcard);
  g_assert_no_error(f->error);

  /* An error. */
  xmpp_vcards_fetch(f->vcards, romeo, on_vcard, f, NULL);
  reply(f, 2, "romeo@montague.test",
        "type='error'><error type='cancel'><item-not-found "
        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
  g_assert_cmpuint(f->calls, ==, 3);
  g_assert_false(f->got_vcard);
  g_assert_error(f->error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);

  /* T38 through the router: an answer from someone else is not taken. */
  xmpp_vcards_fetch(f->vcards, romeo, on_vcard, f, NULL);
  reply(f, 3, "mallory@evil.test", "type='result'><vCard xmlns='vcard-temp'><FN>X</FN></vCard>");
  g_assert_cmpuint(f->calls, ==, 3);
}

static void
on_publish(const XmppStanza *reply, const GError *error, gpointer data)
{
  Fixture *f = data;
  f->calls++;
  g_clear_error(&f->error);
  f->error = error != NULL ? g_error_copy(error) : NULL;
}

static void
test_publish(Fixture *f, gconstpointer data)
{
  g_autoptr(XmppVcard) v = xmpp_vcard_new();
  v->fn = g_strdup("Juliet <&> Capulet");
  xmpp_vcards_publish(f->vcards, v, on_publish, f, NULL);
  XmppNode *iq = f->sent->pdata[0];
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "set");
  g_assert_null(xmpp_node_get_attr(iq, "to"));
  XmppNode *vc = xmpp_node_get_child(iq, XMPP_NS_VCARD, "vCard");
  g_autofree char *fn = xmpp_node_dup_child_text(vc, XMPP_NS_VCARD, "FN");
  g_assert_cmpstr(fn, ==, "Juliet <&> Capulet");
  reply(f, 0, "juliet@example.test", "type='result'>");
  g_assert_cmpuint(f->calls, ==, 1);
  g_assert_no_error(f->error);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/vcard/parse/fields", test_parse_fields);
  g_test_add_func("/vcard/parse/not_vcard", test_parse_not_vcard);
  g_test_add_func("/vcard/parse/limits", test_parse_limits);
  g_test_add_func("/vcard/parse/T51_photo", test_parse_T51_photo);
  g_test_add_func("/vcard/build/round_trip", test_round_trip);
  g_test_add_func("/vcard/base64/positive", test_base64_positive);
  g_test_add_func("/vcard/base64/T51_invalid", test_base64_T51_invalid);
  g_test_add_func("/vcard/base64/T51_oversized", test_base64_T51_oversized);
  g_test_add("/vcard/fetch", Fixture, NULL, setup, test_fetch, teardown);
  g_test_add("/vcard/publish", Fixture, NULL, setup, test_publish, teardown);
  return g_test_run();
}
