/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for XmppParser: RFC 6120 §11 restrictions, limits, split feeding, reset and stop. */
#include "xml/parser.h"
#include "xml/writer.h"

#include <libxml/parserInternals.h>
#include <string.h>
#include <sys/resource.h>

#define HDR                                                                                        \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "                                     \
  "xmlns:stream='http://etherx.jabber.org/streams' from='example.test' id='s1' version='1.0' "     \
  "xml:lang='en'>"

/* ---- an event recorder ---- */

typedef struct {
  XmppParser *parser;
  GPtrArray *headers; /* XmppNode* copies */
  GPtrArray *stanzas; /* XmppNode* */
  guint n_end;
  GString *log;         /* every event, serialised, in order */
  const char *reset_on; /* stanza name that triggers xmpp_parser_reset() */
  const char *stop_on;  /* stanza name that triggers xmpp_parser_stop() */
  gboolean free_on_stanza;
  const char *large_for; /* stanza name that allow_large vouches for */
  guint n_allow_asked;
} Rec;

static void
on_start(gpointer ud, const XmppNode *header)
{
  Rec *r = ud;
  g_ptr_array_add(r->headers, xmpp_node_copy(header));
  g_string_append(r->log, "START:");
  xmpp_xml_write_node(r->log, header, "");
  g_string_append_c(r->log, '\n');
}

static void
on_stanza(gpointer ud, XmppNode *stanza)
{
  Rec *r = ud;
  g_string_append(r->log, "STANZA:");
  xmpp_xml_write_node(r->log, stanza, XMPP_NS_JABBER_CLIENT);
  g_string_append_c(r->log, '\n');
  g_ptr_array_add(r->stanzas, stanza);
  if (r->reset_on != NULL && strcmp(stanza->name, r->reset_on) == 0)
    xmpp_parser_reset(r->parser);
  if (r->stop_on != NULL && strcmp(stanza->name, r->stop_on) == 0)
    xmpp_parser_stop(r->parser);
  if (r->free_on_stanza) {
    xmpp_parser_free(r->parser);
    r->parser = NULL;
  }
}

static void
on_end(gpointer ud)
{
  Rec *r = ud;
  r->n_end++;
  g_string_append(r->log, "END\n");
}

static gboolean
on_allow_large(gpointer ud, const XmppNode *start)
{
  Rec *r = ud;
  r->n_allow_asked++;
  g_assert_cmpuint(xmpp_node_n_children(start), ==, 0); /* only the start tag is known */
  return r->large_for != NULL && strcmp(start->name, r->large_for) == 0;
}

static const XmppParserCallbacks rec_cb = {on_start, on_stanza, on_end, on_allow_large};

static Rec *
rec_new(const XmppParserLimits *limits)
{
  Rec *r = g_new0(Rec, 1);
  r->parser = xmpp_parser_new(&rec_cb, r, limits);
  r->headers = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  r->stanzas = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  r->log = g_string_new(NULL);
  return r;
}

static void
rec_free(Rec *r)
{
  xmpp_parser_free(r->parser);
  g_ptr_array_free(r->headers, TRUE);
  if (r->stanzas != NULL)
    g_ptr_array_free(r->stanzas, TRUE);
  g_string_free(r->log, TRUE);
  g_free(r);
}

/* Feeds everything in one call; returns the error code or -1 on success. */
static int
feed(Rec *r, const char *data, gssize len)
{
  GError *error = NULL;
  if (len < 0)
    len = (gssize)strlen(data);
  if (xmpp_parser_feed(r->parser, data, (gsize)len, &error))
    return -1;
  g_assert_nonnull(error);
  g_assert_true(error->domain == XMPP_XML_ERROR);
  int code = error->code;
  g_error_free(error);
  return code;
}

/* Feeds a stream header, then `doc`; returns the result of the second feed. */
static int
feed_after_header(Rec *r, const char *doc)
{
  g_assert_cmpint(feed(r, HDR, -1), ==, -1);
  g_assert_cmpuint(r->headers->len, ==, 1);
  return feed(r, doc, -1);
}

static int
parse_one(const char *doc)
{
  Rec *r = rec_new(NULL);
  int code = feed(r, doc, -1);
  rec_free(r);
  return code;
}

static int
parse_in_stream(const char *doc, guint *n_stanzas)
{
  Rec *r = rec_new(NULL);
  int code = feed_after_header(r, doc);
  if (n_stanzas != NULL)
    *n_stanzas = r->stanzas->len;
  rec_free(r);
  return code;
}

/* Peak resident memory in KiB. reset_peak_rss() makes the kernel forget the peak so far
 * (writing 5 to /proc/self/clear_refs sets VmHWM to the current RSS), so that a growth measured
 * afterwards is the growth of what runs in between, not hidden under an earlier peak. */
static gboolean
reset_peak_rss(void)
{
  return g_file_set_contents("/proc/self/clear_refs", "5", 1, NULL);
}

static long
max_rss_kib(void)
{
  g_autofree char *status = NULL;
  if (g_file_get_contents("/proc/self/status", &status, NULL, NULL)) {
    const char *hwm = strstr(status, "VmHWM:");
    if (hwm != NULL)
      return strtol(hwm + 6, NULL, 10);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* ---- positive: a realistic server transcript ---- */

static const char *transcript_server = HDR
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
    "</starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms>"
    "</stream:features>\n"
    "<iq type='result' id='r1' to='juliet@example.test/balcony'>"
    "<query xmlns='jabber:iq:roster' ver='v1'><item jid='romeo@example.test' name='R&amp;J' "
    "subscription='both'><group>Friends</group></item></query></iq>\n "
    "<message from='romeo@example.test/orchard' type='chat' xml:lang='de' id='m1'>"
    "<body>Hallo &lt;Julia&gt; &#x2665; caf\xc3\xa9</body>"
    "<body xml:lang='en'>Hi<![CDATA[ <b>raw</b> & ]]>there</body>"
    "<html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>"
    "<p>Mixed <em>content</em> here.</p></body></html>"
    "<x:data xmlns:x='jabber:x:data' x:type='form'/></message>"
    "<presence/>"
    "</stream:stream>";

static void
test_transcript(void)
{
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed(r, transcript_server, -1), ==, -1);
  g_assert_cmpuint(r->headers->len, ==, 1);
  const XmppNode *h = g_ptr_array_index(r->headers, 0);
  g_assert_true(xmpp_node_is(h, XMPP_NS_STREAM, "stream"));
  g_assert_cmpstr(xmpp_node_get_attr(h, "version"), ==, "1.0");
  g_assert_cmpstr(xmpp_node_get_attr(h, "id"), ==, "s1");
  g_assert_cmpstr(xmpp_node_get_attr_ns(h, XMPP_NS_XML, "lang"), ==, "en");
  g_assert_null(xmpp_node_get_attr(h, "lang"));
  g_assert_cmpuint(xmpp_node_n_children(h), ==, 0);

  g_assert_cmpuint(r->stanzas->len, ==, 4);
  XmppNode *f = g_ptr_array_index(r->stanzas, 0);
  g_assert_true(xmpp_node_is(f, XMPP_NS_STREAM, "features"));
  XmppNode *mechs = xmpp_node_get_child(f, "urn:ietf:params:xml:ns:xmpp-sasl", "mechanisms");
  g_assert_nonnull(mechs);
  g_autofree char *m = xmpp_node_dup_child_text(mechs, NULL, "mechanism");
  g_assert_cmpstr(m, ==, "SCRAM-SHA-256");

  XmppNode *iq = g_ptr_array_index(r->stanzas, 1);
  g_assert_true(xmpp_node_is(iq, XMPP_NS_JABBER_CLIENT, "iq"));
  XmppNode *item = xmpp_node_get_child(xmpp_node_get_child(iq, "jabber:iq:roster", "query"),
                                       "jabber:iq:roster", "item");
  g_assert_cmpstr(xmpp_node_get_attr(item, "name"), ==, "R&J");

  XmppNode *msg = g_ptr_array_index(r->stanzas, 2);
  g_assert_cmpstr(xmpp_node_get_attr_ns(msg, XMPP_NS_XML, "lang"), ==, "de");
  XmppNode *b1 = xmpp_node_get_child(msg, XMPP_NS_JABBER_CLIENT, "body");
  g_autofree char *t1 = xmpp_node_dup_text(b1);
  g_assert_cmpstr(t1, ==, "Hallo <Julia> \xe2\x99\xa5 caf\xc3\xa9");
  XmppNode *b2 = xmpp_node_next_child(msg, b1, XMPP_NS_JABBER_CLIENT, "body");
  g_assert_cmpstr(xmpp_node_get_attr_ns(b2, XMPP_NS_XML, "lang"), ==, "en");
  g_autofree char *t2 = xmpp_node_dup_text(b2);
  g_assert_cmpstr(t2, ==, "Hi <b>raw</b> & there"); /* CDATA is text; one text node */
  g_assert_cmpuint(xmpp_node_n_children(b2), ==, 1);
  XmppNode *p = xmpp_node_get_child(
      xmpp_node_get_child(xmpp_node_get_child(msg, "http://jabber.org/protocol/xhtml-im", "html"),
                          "http://www.w3.org/1999/xhtml", "body"),
      "http://www.w3.org/1999/xhtml", "p");
  g_assert_cmpuint(xmpp_node_n_children(p), ==, 3); /* text, <em>, text */
  g_assert_true(xmpp_node_is_text(xmpp_node_nth_child(p, 0)));
  g_assert_cmpstr(xmpp_node_nth_child(p, 0)->text, ==, "Mixed ");
  g_assert_true(xmpp_node_is(xmpp_node_nth_child(p, 1), "http://www.w3.org/1999/xhtml", "em"));
  g_assert_cmpstr(xmpp_node_nth_child(p, 2)->text, ==, " here.");
  XmppNode *x = xmpp_node_get_child(msg, "jabber:x:data", "data");
  g_assert_cmpstr(xmpp_node_get_attr_ns(x, "jabber:x:data", "type"), ==, "form");
  g_assert_null(xmpp_node_get_attr(x, "type"));

  g_assert_cmpuint(r->n_end, ==, 1);
  rec_free(r);
}

static void
test_attr_entities(void)
{
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed_after_header(r, "<message a='x&amp;y&#38;z&amp;#38;&lt;&#x41;&quot;' "
                                       "b='tab&#9;nl&#10;cr&#13;'/>"),
                  ==, -1);
  XmppNode *m = g_ptr_array_index(r->stanzas, 0);
  g_assert_cmpstr(xmpp_node_get_attr(m, "a"), ==, "x&y&z&#38;<A\"");
  g_assert_cmpstr(xmpp_node_get_attr(m, "b"), ==, "tab\tnl\ncr\r");
  /* Namespace names are attribute values too (found by fuzz-xml-parser). */
  g_assert_cmpint(feed(r, "<x xmlns='urn:a&amp;b' xmlns:p='urn:c&#38;d' p:q='1'/>", -1), ==, -1);
  XmppNode *x = g_ptr_array_index(r->stanzas, 1);
  g_assert_true(xmpp_node_is(x, "urn:a&b", "x"));
  g_assert_cmpstr(xmpp_node_get_attr_ns(x, "urn:c&d", "q"), ==, "1");
  rec_free(r);
}

/* ---- A. restricted XML ---- */

static char *
billion_laughs(void)
{
  GString *s = g_string_new("<?xml version='1.0'?><!DOCTYPE s [<!ENTITY a \"aaaaaaaaaa\">");
  for (char e = 'b'; e <= 'j'; e++) {
    g_string_append_printf(s, "<!ENTITY %c \"", e);
    for (int i = 0; i < 10; i++)
      g_string_append_printf(s, "&%c;", e - 1);
    g_string_append(s, "\">");
  }
  g_string_append(s, "]><stream:stream xmlns='jabber:client' "
                     "xmlns:stream='http://etherx.jabber.org/streams'>&j;");
  return g_string_free(s, FALSE);
}

static void
assert_fast_and_small(const char *doc, gsize len, int expected)
{
  if (!reset_peak_rss())
    g_test_message("cannot reset the peak RSS: the memory bound is checked against the peak");
  long rss0 = max_rss_kib();
  gint64 t0 = g_get_monotonic_time();
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed(r, doc, (gssize)len), ==, expected);
  g_assert_cmpuint(r->headers->len, ==, 0);
  g_assert_cmpuint(r->stanzas->len, ==, 0);
  rec_free(r);
  gint64 us = g_get_monotonic_time() - t0;
  long grown = max_rss_kib() - rss0;
  g_test_message("rejected in %" G_GINT64_FORMAT " us, peak RSS grew by %ld KiB", us, grown);
  g_assert_cmpint(us, <, 50000);
  g_assert_cmpint(grown, <, 1024);
}

static void
test_T1_billion_laughs(void)
{
  g_autofree char *doc = billion_laughs();
  assert_fast_and_small(doc, strlen(doc), XMPP_XML_ERROR_RESTRICTED_XML);
}

static void
test_T2_quadratic_blowup(void)
{
  GString *s = g_string_new("<?xml version='1.0'?><!DOCTYPE s [<!ENTITY x \"");
  for (int i = 0; i < 50000; i++)
    g_string_append_c(s, 'x');
  g_string_append(s, "\">]><stream:stream xmlns='jabber:client' "
                     "xmlns:stream='http://etherx.jabber.org/streams'><message><body>");
  for (int i = 0; i < 50000; i++)
    g_string_append(s, "&x;");
  /* The whole thing is ~200 KB: fed at once, it is still refused at the DOCTYPE. */
  assert_fast_and_small(s->str, s->len, XMPP_XML_ERROR_RESTRICTED_XML);
  g_string_free(s, TRUE);
}

static guint loader_calls;

static xmlParserInputPtr
failing_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
  loader_calls++; /* test-only global hook: proves nothing was ever loaded */
  return NULL;
}

static void
test_T3_external_entity(void)
{
  xmlExternalEntityLoader old = xmlGetExternalEntityLoader();
  xmlSetExternalEntityLoader(failing_loader);
  loader_calls = 0;
  g_assert_cmpint(parse_one("<?xml version='1.0'?><!DOCTYPE s [<!ENTITY ee SYSTEM "
                            "\"file:///etc/passwd\">]><stream:stream xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>&ee;"),
                  ==, XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpint(parse_one("<!DOCTYPE stream:stream PUBLIC \"-//EVIL//DTD x//EN\" "
                            "\"http://example.invalid/x.dtd\"><stream:stream "
                            "xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>"),
                  ==, XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpint(parse_one("<!DOCTYPE s SYSTEM \"file:///etc/passwd\">"), ==,
                  XMPP_XML_ERROR_RESTRICTED_XML);
  /* A reference to an undeclared entity inside the stream, in text and in an attribute. */
  g_assert_cmpint(parse_in_stream("<message><body>&ee;</body></message>", NULL), ==,
                  XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpint(parse_in_stream("<message to='&ee;'/>", NULL), ==, XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpuint(loader_calls, ==, 0);
  /* Positive twin: the predefined entities and character references are fine. */
  guint n = 0;
  g_assert_cmpint(
      parse_in_stream("<message a='&apos;&quot;'><body>&amp;&lt;&gt;&apos;&quot;&#65;&#x42;"
                      "</body></message>",
                      &n),
      ==, -1);
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpuint(loader_calls, ==, 0);
  xmlSetExternalEntityLoader(old);
}

static void
test_T4_comment(void)
{
  g_assert_cmpint(parse_in_stream("<message><!-- x --><body>hi</body></message>", NULL), ==,
                  XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpint(parse_in_stream("<!-- between stanzas -->", NULL), ==,
                  XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpint(parse_one("<?xml version='1.0'?><!-- prolog -->"), ==,
                  XMPP_XML_ERROR_RESTRICTED_XML);
  /* Positive twin: the same characters as escaped text. */
  guint n = 0;
  g_assert_cmpint(parse_in_stream("<message><body>&lt;!-- x --&gt;</body></message>", &n), ==, -1);
  g_assert_cmpuint(n, ==, 1);
}

static void
test_T5_processing_instruction(void)
{
  g_assert_cmpint(parse_in_stream("<?xml-stylesheet type='text/xsl' href='x'?>", NULL), ==,
                  XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpint(parse_in_stream("<message><?pi data?></message>", NULL), ==,
                  XMPP_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpint(parse_one("<?xml version='1.0'?><?foo bar?>"), ==, XMPP_XML_ERROR_RESTRICTED_XML);
  int code = parse_in_stream("<?xml version='1.0'?>", NULL);
  g_assert_true(code == XMPP_XML_ERROR_RESTRICTED_XML || code == XMPP_XML_ERROR_NOT_WELL_FORMED);
  /* Positive twin: the XML declaration at the very start. */
  guint n = 0;
  g_assert_cmpint(parse_in_stream("<presence/>", &n), ==, -1);
  g_assert_cmpuint(n, ==, 1);
}

static void
test_T6_encoding(void)
{
  g_assert_cmpint(parse_one("<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream "
                            "xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>"),
                  ==, XMPP_XML_ERROR_UNSUPPORTED_ENCODING);
  /* UTF-16 with a BOM, little and big endian. */
  const char *ascii = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                      "xmlns:stream='http://etherx.jabber.org/streams'>";
  for (int be = 0; be <= 1; be++) {
    GString *s = g_string_new(NULL);
    g_string_append_c(s, be ? '\xFE' : '\xFF');
    g_string_append_c(s, be ? '\xFF' : '\xFE');
    for (const char *c = ascii; *c; c++) {
      if (be)
        g_string_append_c(s, '\0');
      g_string_append_c(s, *c);
      if (!be)
        g_string_append_c(s, '\0');
    }
    Rec *r = rec_new(NULL);
    g_assert_cmpint(feed(r, s->str, (gssize)s->len), ==, XMPP_XML_ERROR_UNSUPPORTED_ENCODING);
    g_assert_cmpuint(r->headers->len, ==, 0);
    rec_free(r);
    g_string_free(s, TRUE);
  }
  /* UTF-16 declared without BOM, and XML 1.1. */
  g_assert_cmpint(parse_one("<?xml version='1.0' encoding='UTF-16'?><a/>"), !=, -1);
  g_assert_cmpint(parse_one("<?xml version='1.1'?><stream:stream xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>"),
                  ==, XMPP_XML_ERROR_NOT_WELL_FORMED);
  /* Positive twins: UTF-8 declared in any case, and a UTF-8 BOM. */
  g_assert_cmpint(parse_one("<?xml version='1.0' encoding='utf-8'?><stream:stream "
                            "xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>"),
                  ==, -1);
  g_assert_cmpint(parse_one("\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?><stream:stream "
                            "xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>"),
                  ==, -1);
}

static void
test_T7_invalid_utf8_and_char_refs(void)
{
  static const char *const bad[] = {
      "<message><body>&#0;</body></message>",
      "<message><body>&#xD800;</body></message>",
      "<message><body>&#x110000;</body></message>",
      "<message><body>&#99999999999;</body></message>",
      "<message><body>&#x1;</body></message>",
      "<message><body>\xC0\xAF</body></message>",         /* overlong '/' */
      "<message><body>\xE0\x80\xBC</body></message>",     /* overlong '<' */
      "<message><body>\xED\xA0\x80</body></message>",     /* UTF-8 encoded surrogate */
      "<message><body>\xF4\x90\x80\x80</body></message>", /* beyond U+10FFFF */
      "<message><body>\xC3\x28</body></message>",         /* truncated sequence */
      "<message><body>\xFF</body></message>",
      "<message><body>a\x01</body></message>", /* C0 control */
      "<message to='&#0;'/>",
      "<message to='\xC0\xAF'/>",
      "<message to='a\xC3'/>",
      "<me\xC0\xAFssage/>",
      "<message><body><![CDATA[\xC0\xAF]]></body></message>", /* found by fuzzing */
      "<message><body><![CDATA[\xED\xA0\x80]]></body></message>",
      "<message><body><![CDATA[\x01]]></body></message>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    guint n = 99;
    g_test_message("case %" G_GSIZE_FORMAT, i);
    g_assert_cmpint(parse_in_stream(bad[i], &n), ==, XMPP_XML_ERROR_NOT_WELL_FORMED);
    g_assert_cmpuint(n, ==, 0);
  }
  /* A truncated "&#x" at a chunk end, then the rest. */
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed_after_header(r, "<message><body>&#x"), ==, -1);
  /* libxml2 waits for the ';' before it judges the reference: nothing is delivered... */
  g_assert_cmpint(feed(r, "</body></message>", -1), ==, -1);
  g_assert_cmpuint(r->stanzas->len, ==, 0);
  /* ...and the first ';' makes it not-well-formed. */
  g_assert_cmpint(feed(r, "<message><body>&amp;</body></message>", -1), ==,
                  XMPP_XML_ERROR_NOT_WELL_FORMED);
  g_assert_cmpuint(r->stanzas->len, ==, 0);
  rec_free(r);
  /* Positive twin: a character reference and a multi-byte character split across chunks. */
  r = rec_new(NULL);
  g_assert_cmpint(feed_after_header(r, "<message><body>&#x1F6"), ==, -1);
  g_assert_cmpint(feed(r, "00;\xF0\x9F", -1), ==, -1);
  g_assert_cmpint(feed(r, "\x98\x80</body></message>", -1), ==, -1);
  g_assert_cmpuint(r->stanzas->len, ==, 1);
  g_autofree char *t = xmpp_node_dup_child_text(g_ptr_array_index(r->stanzas, 0), NULL, "body");
  g_assert_cmpstr(t, ==, "\xF0\x9F\x98\x80\xF0\x9F\x98\x80");
  rec_free(r);
}

/* ---- limits ---- */

static char *
nested(guint depth)
{
  GString *s = g_string_new("<message>");
  for (guint i = 1; i < depth; i++)
    g_string_append(s, "<a>");
  for (guint i = 1; i < depth; i++)
    g_string_append(s, "</a>");
  g_string_append(s, "</message>");
  return g_string_free(s, FALSE);
}

static void
test_T8_deep_nesting(void)
{
  g_autofree char *deep = nested(100000);
  gint64 t0 = g_get_monotonic_time();
  g_assert_cmpint(parse_in_stream(deep, NULL), ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 500000);
  g_autofree char *over = nested(XMPP_XML_MAX_DEPTH + 1);
  g_assert_cmpint(parse_in_stream(over, NULL), ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  /* Positive twin: exactly the limit. */
  g_autofree char *ok = nested(XMPP_XML_MAX_DEPTH);
  guint n = 0;
  g_assert_cmpint(parse_in_stream(ok, &n), ==, -1);
  g_assert_cmpuint(n, ==, 1);
}

static void
test_T9_stanza_size(void)
{
  /* A 2 MiB body without a close tag, in 4 KiB reads: stopped soon after the limit. */
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed_after_header(r, "<message><body>"), ==, -1);
  char block[4096];
  memset(block, 'a', sizeof block);
  gsize fed = 0;
  int code = -1;
  long rss0 = max_rss_kib();
  while (fed < 2 * 1024 * 1024 && code == -1) {
    code = feed(r, block, sizeof block);
    fed += sizeof block;
  }
  g_assert_cmpint(code, ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint(fed, <=, XMPP_XML_MAX_STANZA_BYTES + 64 * 1024);
  g_test_message("stopped after %" G_GSIZE_FORMAT " bytes; RSS +%ld KiB", fed,
                 max_rss_kib() - rss0);
  /* The error is sticky until reset. */
  g_assert_cmpint(feed(r, "</body></message>", -1), ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint(r->stanzas->len, ==, 0);
  rec_free(r);

  /* The same in one 2 MiB call. */
  GString *big = g_string_new("<message><body>");
  for (int i = 0; i < 512; i++)
    g_string_append_len(big, block, sizeof block);
  g_assert_cmpint(parse_in_stream(big->str, NULL), ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  g_string_free(big, TRUE);

  /* 100k attributes. */
  GString *attrs = g_string_new("<message");
  for (int i = 0; i < 100000; i++)
    g_string_append_printf(attrs, " a%d=''", i);
  g_string_append(attrs, "/>");
  g_assert_cmpint(parse_in_stream(attrs->str, NULL), ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  g_string_free(attrs, TRUE);

  /* One attribute too many, and exactly the limit (positive twin). */
  for (guint n = XMPP_XML_MAX_ATTRS; n <= XMPP_XML_MAX_ATTRS + 1; n++) {
    GString *s = g_string_new("<message");
    for (guint i = 0; i < n; i++)
      g_string_append_printf(s, " a%u='%u'", i, i);
    g_string_append(s, "/>");
    guint got = 0;
    int c = parse_in_stream(s->str, &got);
    g_assert_cmpint(c, ==, n > XMPP_XML_MAX_ATTRS ? XMPP_XML_ERROR_POLICY_VIOLATION : -1);
    g_assert_cmpuint(got, ==, n > XMPP_XML_MAX_ATTRS ? 0 : 1);
    g_string_free(s, TRUE);
  }

  /* Names: 64 KiB, limit + 1, and exactly the limit. */
  gsize lens[] = {64 * 1024, XMPP_XML_MAX_NAME_BYTES + 1, XMPP_XML_MAX_NAME_BYTES};
  for (gsize i = 0; i < G_N_ELEMENTS(lens); i++) {
    char *name = g_malloc(lens[i] + 1);
    memset(name, 'n', lens[i]);
    name[lens[i]] = '\0';
    g_autofree char *el = g_strdup_printf("<%s/>", name);
    g_autofree char *at = g_strdup_printf("<message %s='x'/>", name);
    int want = lens[i] > XMPP_XML_MAX_NAME_BYTES ? XMPP_XML_ERROR_POLICY_VIOLATION : -1;
    g_assert_cmpint(parse_in_stream(el, NULL), ==, want);
    g_assert_cmpint(parse_in_stream(at, NULL), ==, want);
    g_free(name);
  }

  /* Positive twin: a 256 KiB stanza, and many of them in a row. */
  GString *s = g_string_new(NULL);
  for (int k = 0; k < 4; k++) {
    g_string_append(s, "<message><body>");
    for (int i = 0; i < 64; i++)
      g_string_append_len(s, block, sizeof block);
    g_string_append(s, "</body></message>");
  }
  guint n = 0;
  g_assert_cmpint(parse_in_stream(s->str, &n), ==, -1);
  g_assert_cmpuint(n, ==, 4);
  g_string_free(s, TRUE);

  /* Positive twin: 1 MiB of whitespace keepalives between stanzas is not one big stanza. */
  r = rec_new(NULL);
  g_assert_cmpint(feed_after_header(r, "<presence/>"), ==, -1);
  memset(block, ' ', sizeof block);
  for (int i = 0; i < 256; i++)
    g_assert_cmpint(feed(r, block, sizeof block), ==, -1);
  g_assert_cmpint(feed(r, "<presence/>", -1), ==, -1);
  g_assert_cmpuint(r->stanzas->len, ==, 2);
  rec_free(r);
}

static void
test_custom_limits(void)
{
  XmppParserLimits lim = {1000, 3, 8};
  Rec *r = rec_new(&lim);
  g_assert_cmpint(feed_after_header(r, "<a x='1' y='2' z='3' u='4' v='5' w='6' xmlns:p='urn:p' "
                                       "p:q='7'><b><c/></b></a>"),
                  ==, -1);
  g_assert_cmpint(feed(r, "<a><b><c><d/></c></b></a>", -1), ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  rec_free(r);
  r = rec_new(&lim);
  g_assert_cmpint(feed_after_header(r, "<a x='1' y='2' z='3' u='4' v='5' w='6' xmlns:p='urn:p' "
                                       "p:q='7' p:r='8'/>"),
                  ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  rec_free(r);
  r = rec_new(&lim);
  GString *s = g_string_new("<a>");
  for (int i = 0; i < 1000; i++)
    g_string_append_c(s, 'x');
  g_assert_cmpint(feed_after_header(r, s->str), ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  g_string_free(s, TRUE);
  rec_free(r);
  /* A stanza over the limit that completes inside one read is refused all the same, and the
   * same stanza one byte shorter is accepted (its exact size is checked at its end). */
  for (int extra = 0; extra <= 1; extra++) {
    XmppParserLimits small = {100, 0, 0};
    r = rec_new(&small);
    g_assert_cmpint(feed(r,
                         "<stream:stream xmlns='jabber:client' "
                         "xmlns:stream='http://etherx.jabber.org/streams'>",
                         -1),
                    ==, -1);
    GString *st = g_string_new("<message><body>");
    while (st->len < 100 - strlen("</body></message>") + extra)
      g_string_append_c(st, 'x');
    g_string_append(st, "</body></message><presence/>");
    g_assert_cmpint(feed(r, st->str, -1), ==, extra ? XMPP_XML_ERROR_POLICY_VIOLATION : -1);
    g_assert_cmpuint(r->stanzas->len, ==, extra ? 0 : 2);
    g_string_free(st, TRUE);
    rec_free(r);
  }
}

/* The larger limit applies only to a stanza allow_large vouches for at its start tag, both at
 * its end and while it is still arriving; the next stanza is back to the normal limit. */
static void
test_T9_large_stanza_callback(void)
{
  XmppParserLimits lim = {.max_stanza_bytes = 1000, .max_large_stanza_bytes = 5000};
  for (int big_ok = 0; big_ok <= 1; big_ok++) {
    Rec *r = rec_new(&lim);
    r->large_for = big_ok ? "iq" : "nothing";
    GString *st = g_string_new("<iq type='result'><q>");
    while (st->len < 3000)
      g_string_append_c(st, 'x');
    g_string_append(st, "</q></iq>");
    g_assert_cmpint(feed_after_header(r, st->str), ==,
                    big_ok ? -1 : XMPP_XML_ERROR_POLICY_VIOLATION);
    g_assert_cmpuint(r->n_allow_asked, ==, 1);
    if (big_ok) {
      /* The same size under another name: the normal limit again. */
      GString *msg = g_string_new("<message><body>");
      while (msg->len < 3000)
        g_string_append_c(msg, 'x');
      g_string_append(msg, "</body></message>");
      g_assert_cmpint(feed(r, msg->str, -1), ==, XMPP_XML_ERROR_POLICY_VIOLATION);
      g_assert_cmpuint(r->stanzas->len, ==, 1);
      g_string_free(msg, TRUE);
    }
    g_string_free(st, TRUE);
    rec_free(r);
  }
  /* Past the larger limit, even a vouched-for stanza is refused before it ends. */
  Rec *r = rec_new(&lim);
  r->large_for = "iq";
  g_assert_cmpint(feed_after_header(r, "<iq type='result'>"), ==, -1);
  int code = -1;
  for (int i = 0; i < 100 && code == -1; i++) {
    char chunk[101];
    memset(chunk, 'y', 100);
    chunk[100] = '\0';
    code = feed(r, chunk, -1);
  }
  g_assert_cmpint(code, ==, XMPP_XML_ERROR_POLICY_VIOLATION);
  rec_free(r);
  /* Without max_large_stanza_bytes the callback is never asked. */
  XmppParserLimits plain = {.max_stanza_bytes = 1000};
  r = rec_new(&plain);
  r->large_for = "iq";
  g_assert_cmpint(feed_after_header(r, "<iq type='result'/>"), ==, -1);
  g_assert_cmpuint(r->n_allow_asked, ==, 0);
  rec_free(r);
}

/* ---- T10: split feeding ---- */

static const char *transcript_client =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='example.test' version='1.0'>"
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>biwsbj1qdWxpZXQ="
    "</auth><iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
    "<resource>b\xc3\xa4lc\xe2\x82\xacny \xf0\x9f\x8c\xb9</resource></bind></iq>"
    "<message to='romeo@example.test' xml:lang='fr'><body>a&amp;b&amp;&amp;c &#x1F339;&#233;"
    "</body><thread>t1</thread></message> \n\t <presence><show>away</show><status xml:lang='de'>"
    "Bin weg &lt;3</status><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
    "node='n' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence></stream:stream>";

static const char *transcript_errors =
    HDR "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>Replaced by new "
        "connection &amp; &lt;more&gt;</text></stream:error></stream:stream>";

static char *
run_split(const char *doc, gsize len, int mode, GRand *rnd, GPtrArray **stanzas)
{
  Rec *r = rec_new(NULL);
  gsize off = 0;
  while (off < len) {
    gsize n;
    if (mode == 0)
      n = len;
    else if (mode == 1)
      n = 1;
    else
      n = (gsize)g_rand_int_range(rnd, 1, 24);
    n = MIN(n, len - off);
    g_assert_cmpint(feed(r, doc + off, (gssize)n), ==, -1);
    off += n;
  }
  char *log = g_strdup(r->log->str);
  *stanzas = r->stanzas;
  r->stanzas = NULL;
  rec_free(r);
  return log;
}

static void
test_T10_split_feeding(void)
{
  const char *docs[] = {transcript_server, transcript_client, transcript_errors};
  GRand *rnd = g_rand_new_with_seed(20240601);
  for (gsize d = 0; d < G_N_ELEMENTS(docs); d++) {
    gsize len = strlen(docs[d]);
    GPtrArray *ref = NULL;
    g_autofree char *ref_log = run_split(docs[d], len, 0, rnd, &ref);
    g_assert_true(ref->len > 0);
    g_assert_nonnull(strstr(ref_log, "END\n"));
    for (int trial = 0; trial < 40; trial++) {
      GPtrArray *got = NULL;
      g_autofree char *log = run_split(docs[d], len, trial == 0 ? 1 : 2, rnd, &got);
      g_assert_cmpstr(log, ==, ref_log);
      g_assert_cmpuint(got->len, ==, ref->len);
      for (guint i = 0; i < ref->len; i++)
        g_assert_true(xmpp_node_equal(g_ptr_array_index(ref, i), g_ptr_array_index(got, i)));
      g_ptr_array_unref(got);
    }
    g_ptr_array_unref(ref);
  }
  g_rand_free(rnd);
}

/* ---- T11, T12 ---- */

static void
test_T11_stream_namespace(void)
{
  g_assert_cmpint(parse_one("<stream:stream xmlns='jabber:client' "
                            "xmlns:stream='http://wrong.example/streams'>"),
                  ==, XMPP_XML_ERROR_INVALID_NAMESPACE);
  g_assert_cmpint(parse_one("<stream:strom xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>"),
                  ==, XMPP_XML_ERROR_INVALID_NAMESPACE);
  g_assert_cmpint(parse_one("<stream xmlns='jabber:client'>"), ==,
                  XMPP_XML_ERROR_INVALID_NAMESPACE);
  g_assert_cmpint(parse_one("<stream:stream xmlns='jabber:server' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>"),
                  ==, XMPP_XML_ERROR_INVALID_NAMESPACE);
  g_assert_cmpint(parse_one("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"), ==,
                  XMPP_XML_ERROR_INVALID_NAMESPACE);
  g_assert_cmpint(parse_one("<foobar:stream xmlns='jabber:client' "
                            "xmlns:foobar='http://etherx.jabber.org/streams'>"),
                  ==, XMPP_XML_ERROR_BAD_NAMESPACE_PREFIX);
  /* Unbound prefixes violate XML namespaces well-formedness (RFC 6120 §4.9.3.13). */
  g_assert_cmpint(parse_one("<stream:stream xmlns='jabber:client'>"), ==,
                  XMPP_XML_ERROR_NOT_WELL_FORMED);
  g_assert_cmpint(parse_in_stream("<foo:bar/>", NULL), ==, XMPP_XML_ERROR_NOT_WELL_FORMED);
  g_assert_cmpint(parse_in_stream("<message foo:to='x'/>", NULL), ==,
                  XMPP_XML_ERROR_NOT_WELL_FORMED);
  /* Positive twins: a missing or other version is delivered, the stream layer decides. */
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed(r,
                       "<stream:stream xmlns='jabber:client' "
                       "xmlns:stream='http://etherx.jabber.org/streams'><foo:bar "
                       "xmlns:foo='urn:x'/>",
                       -1),
                  ==, -1);
  g_assert_cmpuint(r->headers->len, ==, 1);
  g_assert_null(xmpp_node_get_attr(g_ptr_array_index(r->headers, 0), "version"));
  g_assert_true(xmpp_node_is(g_ptr_array_index(r->stanzas, 0), "urn:x", "bar"));
  rec_free(r);
  r = rec_new(NULL);
  g_assert_cmpint(feed(r,
                       "<stream:stream xmlns='jabber:client' version='2.0' "
                       "xmlns:stream='http://etherx.jabber.org/streams'>",
                       -1),
                  ==, -1);
  g_assert_cmpstr(xmpp_node_get_attr(g_ptr_array_index(r->headers, 0), "version"), ==, "2.0");
  rec_free(r);
}

static void
test_T12_after_close(void)
{
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed(r, HDR "<presence/></stream:stream><message><body>x</body></message>", -1),
                  ==, -1);
  g_assert_cmpuint(r->n_end, ==, 1);
  g_assert_cmpuint(r->stanzas->len, ==, 1);
  g_assert_cmpint(feed(r, "<message/><!-- junk --> \xff", -1), ==, -1);
  g_assert_cmpuint(r->stanzas->len, ==, 1);
  g_assert_cmpuint(r->n_end, ==, 1);
  /* Positive twin: after a reset, a new stream is parsed. */
  xmpp_parser_reset(r->parser);
  g_assert_cmpint(feed(r, HDR "<message/>", -1), ==, -1);
  g_assert_cmpuint(r->headers->len, ==, 2);
  g_assert_cmpuint(r->stanzas->len, ==, 2);
  rec_free(r);
}

/* ---- reset and stop from callbacks ---- */

static const char *sasl_success =
    HDR "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        "xmlns:stream='http://etherx.jabber.org/streams' id='s2' version='1.0'>"
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";

static void
test_reset_in_callback(void)
{
  gsize len = strlen(sasl_success);
  /* Every split point, plus one shot and byte by byte. */
  for (gsize cut = 0; cut <= len + 1; cut++) {
    Rec *r = rec_new(NULL);
    r->reset_on = "success";
    if (cut == len + 1) {
      for (gsize i = 0; i < len; i++)
        g_assert_cmpint(feed(r, sasl_success + i, 1), ==, -1);
    } else {
      g_assert_cmpint(feed(r, sasl_success, (gssize)cut), ==, -1);
      g_assert_cmpint(feed(r, sasl_success + cut, (gssize)(len - cut)), ==, -1);
    }
    g_assert_cmpuint(r->headers->len, ==, 2);
    g_assert_cmpstr(xmpp_node_get_attr(g_ptr_array_index(r->headers, 1), "id"), ==, "s2");
    g_assert_cmpuint(r->stanzas->len, ==, 2);
    g_assert_true(xmpp_node_is(g_ptr_array_index(r->stanzas, 1), XMPP_NS_STREAM, "features"));
    rec_free(r);
  }
  /* Negative twin: without the reset, the second XML declaration is an error. */
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed(r, sasl_success, -1), !=, -1);
  g_assert_cmpuint(r->headers->len, ==, 1);
  rec_free(r);
}

static void
test_T15_stop_in_callback(void)
{
  const char *doc = HDR "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                        "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                        "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
  Rec *r = rec_new(NULL);
  r->stop_on = "proceed";
  g_assert_cmpint(feed(r, doc, -1), ==, -1);
  g_assert_cmpuint(r->stanzas->len, ==, 1);
  g_assert_true(xmpp_node_is(g_ptr_array_index(r->stanzas, 0), NULL, "proceed"));
  /* Nothing more until reset, not even garbage. */
  g_assert_cmpint(feed(r, "<message/>\xff<!-- -->", -1), ==, -1);
  g_assert_cmpuint(r->stanzas->len, ==, 1);
  xmpp_parser_reset(r->parser);
  r->stop_on = NULL;
  g_assert_cmpint(feed(r, HDR "<stream:features/>", -1), ==, -1);
  g_assert_cmpuint(r->headers->len, ==, 2);
  g_assert_cmpuint(r->stanzas->len, ==, 2);
  rec_free(r);
  /* Positive twin: without the stop, the features are delivered. */
  r = rec_new(NULL);
  g_assert_cmpint(feed(r, doc, -1), ==, -1);
  g_assert_cmpuint(r->stanzas->len, ==, 2);
  rec_free(r);
}

static void
test_free_in_callback(void)
{
  Rec *r = rec_new(NULL);
  r->free_on_stanza = TRUE;
  GError *error = NULL;
  const char *doc = HDR "<presence/><presence/>";
  g_assert_true(xmpp_parser_feed(r->parser, doc, strlen(doc), &error));
  g_assert_no_error(error);
  g_assert_null(r->parser);
  g_assert_cmpuint(r->stanzas->len, ==, 1);
  rec_free(r);
}

static void
test_error_sticky_then_reset(void)
{
  Rec *r = rec_new(NULL);
  g_assert_cmpint(feed_after_header(r, "<a></b>"), ==, XMPP_XML_ERROR_NOT_WELL_FORMED);
  g_assert_cmpint(feed(r, "<presence/>", -1), ==, XMPP_XML_ERROR_NOT_WELL_FORMED);
  xmpp_parser_reset(r->parser);
  g_assert_cmpint(feed(r, HDR "<presence/>", -1), ==, -1);
  g_assert_cmpuint(r->stanzas->len, ==, 1);
  rec_free(r);
}

/* Feeds a file's bytes with the given chunk size; returns the event log, and whether it ended
 * without error in *ok. */
static char *
replay(const char *data, gsize len, gsize chunk, gboolean *ok)
{
  Rec *r = rec_new(NULL);
  r->reset_on = "success";
  r->stop_on = "proceed";
  *ok = TRUE;
  for (gsize off = 0; off < len && *ok; off += chunk)
    *ok = feed(r, data + off, (gssize)MIN(chunk, len - off)) == -1;
  char *log = g_strdup(r->log->str);
  rec_free(r);
  return log;
}

/* The committed fuzz seeds (tests/fuzz/corpus/xml-parser, 2 bytes of chunking prefix each):
 * whole versus byte-by-byte feeding gives the same events, or a prefix of them on error. */
static void
test_corpus_replay(void)
{
  const char *root = g_getenv("LYRE_SOURCE_ROOT");
  if (root == NULL) {
    g_test_skip("LYRE_SOURCE_ROOT is not set");
    return;
  }
  g_autofree char *dir = g_build_filename(root, "tests", "fuzz", "corpus", "xml-parser", NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  guint files = 0, accepted = 0;
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    if (len < 2)
      continue;
    files++;
    gboolean ok_whole, ok_bytes;
    g_autofree char *whole = replay(data + 2, len - 2, len, &ok_whole);
    g_autofree char *bytes = replay(data + 2, len - 2, 1, &ok_bytes);
    g_test_message("%s: %s", name, ok_whole ? "accepted" : "rejected");
    if (ok_whole && ok_bytes) {
      g_assert_cmpstr(whole, ==, bytes);
      accepted++;
    } else {
      gsize n = MIN(strlen(whole), strlen(bytes));
      g_assert_cmpint(strncmp(whole, bytes, n), ==, 0);
    }
    /* The name says what to expect: bombs and broken input are refused. */
    if (g_str_has_prefix(name, "bomb-") || g_str_has_prefix(name, "invalid-") ||
        g_str_has_prefix(name, "encoding-") || g_str_has_prefix(name, "restricted-") ||
        g_str_has_prefix(name, "wrong-") || g_str_has_prefix(name, "unbound-"))
      g_assert_false(ok_whole);
    if (g_str_has_prefix(name, "server-") || g_str_has_prefix(name, "client-"))
      g_assert_true(ok_whole);
  }
  g_dir_close(d);
  g_assert_cmpuint(files, >=, 20);
  g_assert_cmpuint(accepted, >=, 10);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/xml/parser/transcript", test_transcript);
  g_test_add_func("/xml/parser/attr_entities", test_attr_entities);
  g_test_add_func("/xml/parser/T1_billion_laughs", test_T1_billion_laughs);
  g_test_add_func("/xml/parser/T2_quadratic_blowup", test_T2_quadratic_blowup);
  g_test_add_func("/xml/parser/T3_external_entity", test_T3_external_entity);
  g_test_add_func("/xml/parser/T4_comment", test_T4_comment);
  g_test_add_func("/xml/parser/T5_processing_instruction", test_T5_processing_instruction);
  g_test_add_func("/xml/parser/T6_encoding", test_T6_encoding);
  g_test_add_func("/xml/parser/T7_invalid_utf8_and_char_refs", test_T7_invalid_utf8_and_char_refs);
  g_test_add_func("/xml/parser/T8_deep_nesting", test_T8_deep_nesting);
  g_test_add_func("/xml/parser/T9_stanza_size", test_T9_stanza_size);
  g_test_add_func("/xml/parser/custom_limits", test_custom_limits);
  g_test_add_func("/xml/parser/T9_large_stanza_callback", test_T9_large_stanza_callback);
  g_test_add_func("/xml/parser/T10_split_feeding", test_T10_split_feeding);
  g_test_add_func("/xml/parser/T11_stream_namespace", test_T11_stream_namespace);
  g_test_add_func("/xml/parser/T12_after_close", test_T12_after_close);
  g_test_add_func("/xml/parser/reset_in_callback", test_reset_in_callback);
  g_test_add_func("/xml/parser/T15_stop_in_callback", test_T15_stop_in_callback);
  g_test_add_func("/xml/parser/free_in_callback", test_free_in_callback);
  g_test_add_func("/xml/parser/error_sticky_then_reset", test_error_sticky_then_reset);
  g_test_add_func("/xml/parser/corpus_replay", test_corpus_replay);
  return g_test_run();
}
