/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the writer: escaping, sanitising, namespaces, stream header, round trips. */
#include "xml/parser.h"
#include "xml/writer.h"

#include <string.h>

static char *
esc_text(const char *s, gssize len)
{
  GString *out = g_string_new(NULL);
  xmpp_xml_escape_text(out, s, len);
  return g_string_free(out, FALSE);
}

static char *
esc_attr(const char *s, gssize len)
{
  GString *out = g_string_new(NULL);
  xmpp_xml_escape_attr(out, s, len);
  return g_string_free(out, FALSE);
}

static void
test_escape(void)
{
  g_autofree char *a = esc_text("a<b>&c'\"d\te\nf\rg ]]>", -1);
  g_assert_cmpstr(a, ==, "a&lt;b&gt;&amp;c'\"d\te\nf&#13;g ]]&gt;");
  g_autofree char *b = esc_attr("a<b>&c'\"d\te\nf\rg", -1);
  g_assert_cmpstr(b, ==, "a&lt;b&gt;&amp;c&apos;&quot;d&#9;e&#10;f&#13;g");
  g_autofree char *c = esc_text("caf\xc3\xa9 \xf0\x9f\x8c\xb9", -1);
  g_assert_cmpstr(c, ==, "caf\xc3\xa9 \xf0\x9f\x8c\xb9");
  g_autofree char *d = esc_text("abc<def", 4);
  g_assert_cmpstr(d, ==, "abc&lt;");
  g_autofree char *e = esc_text("", -1);
  g_assert_cmpstr(e, ==, "");
}

/* Characters XML 1.0 does not allow, and invalid UTF-8, become U+FFFD. */
static void
test_sanitise(void)
{
  g_autofree char *a = esc_text("a\x01"
                                "b\x1f"
                                "c",
                                -1);
  g_assert_cmpstr(a, ==,
                  "a\xEF\xBF\xBD"
                  "b\xEF\xBF\xBD"
                  "c");
  g_autofree char *b = esc_text("x\0y", 3);
  g_assert_cmpstr(b, ==, "x\xEF\xBF\xBDy");
  g_autofree char *c = esc_attr("\xC0\xAF|\xFF|\xC3|\xED\xA0\x80", -1);
  g_assert_cmpstr(c, ==,
                  "\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD|"
                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  g_autofree char *d = esc_text("\xEF\xBF\xBE\xEF\xBF\xBF\xEF\xBF\xBD", -1); /* FFFE FFFF FFFD */
  g_assert_cmpstr(d, ==, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void
test_namespaces(void)
{
  g_autoptr(XmppNode) iq = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "iq");
  xmpp_node_set_attr(iq, "type", "get");
  XmppNode *q = xmpp_node_new_child(iq, "jabber:iq:roster", "query");
  xmpp_node_new_child(q, NULL, "item");
  xmpp_node_new_child(iq, "", "plain");
  g_autofree char *s = xmpp_xml_node_to_string(iq);
  g_assert_cmpstr(s, ==,
                  "<iq type='get'><query xmlns='jabber:iq:roster'><item/></query>"
                  "<plain xmlns=''/></iq>");

  g_autoptr(XmppNode) m = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_set_attr_ns(m, XMPP_NS_XML, "lang", "de");
  xmpp_node_set_attr_ns(m, "urn:a", "x", "1");
  xmpp_node_set_attr_ns(m, "urn:b", "x", "2");
  xmpp_node_set_attr_ns(m, "urn:a", "y", "3");
  g_autofree char *t = xmpp_xml_node_to_string(m);
  g_assert_cmpstr(t, ==,
                  "<message xml:lang='de' xmlns:ns0='urn:a' ns0:x='1' xmlns:ns1='urn:b' "
                  "ns1:x='2' ns0:y='3'/>");

  g_autoptr(XmppNode) err = xmpp_node_new(XMPP_NS_STREAM, "error");
  xmpp_node_new_child(err, "urn:ietf:params:xml:ns:xmpp-streams", "conflict");
  g_autofree char *u = xmpp_xml_node_to_string(err);
  g_assert_cmpstr(u, ==,
                  "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                  "</stream:error>");

  GString *out = g_string_new(NULL);
  xmpp_xml_write_node(out, q, "jabber:iq:roster");
  g_assert_cmpstr(out->str, ==, "<query><item/></query>");
  g_string_free(out, TRUE);
}

static void
test_stream_header(void)
{
  g_autofree char *h = xmpp_xml_stream_header("example.test", NULL, "en");
  g_assert_cmpstr(h, ==,
                  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' to='example.test' "
                  "version='1.0' xml:lang='en'>");
  g_autofree char *h2 = xmpp_xml_stream_header("ex'<&.test", "j@ex.test", NULL);
  g_assert_cmpstr(h2, ==,
                  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' "
                  "to='ex&apos;&lt;&amp;.test' from='j@ex.test' version='1.0'>");
}

/* ---- round trips through the parser ---- */

typedef struct {
  XmppNode *header;
  GPtrArray *stanzas;
} Got;

static void
got_start(gpointer ud, const XmppNode *header)
{
  Got *g = ud;
  xmpp_node_free(g->header);
  g->header = xmpp_node_copy(header);
}

static void
got_stanza(gpointer ud, XmppNode *stanza)
{
  Got *g = ud;
  g_ptr_array_add(g->stanzas, stanza);
}

static const XmppParserCallbacks got_cb = {got_start, got_stanza, NULL};

/* Writes a stream header and the node, parses them and returns the stanza. */
static XmppNode *
round_trip(const XmppNode *node)
{
  Got g = {NULL, g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free)};
  g_autoptr(XmppParser) p = xmpp_parser_new(&got_cb, &g, NULL);
  g_autofree char *hdr = xmpp_xml_stream_header("example.test", "me@example.test", "en");
  GString *s = g_string_new(hdr);
  xmpp_xml_write_node(s, node, XMPP_NS_JABBER_CLIENT);
  GError *error = NULL;
  g_assert_true(xmpp_parser_feed(p, s->str, s->len, &error));
  g_assert_no_error(error);
  g_string_free(s, TRUE);
  g_assert_nonnull(g.header);
  g_assert_cmpstr(xmpp_node_get_attr(g.header, "to"), ==, "example.test");
  g_assert_cmpstr(xmpp_node_get_attr_ns(g.header, XMPP_NS_XML, "lang"), ==, "en");
  xmpp_node_free(g.header);
  g_assert_cmpuint(g.stanzas->len, ==, 1);
  XmppNode *out = g_ptr_array_steal_index(g.stanzas, 0);
  g_ptr_array_free(g.stanzas, TRUE);
  return out;
}

static void
test_round_trip(void)
{
  g_autoptr(XmppNode) m = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_set_attr(m, "to", "r@example.test/o'r\"chard");
  xmpp_node_set_attr(m, "ws", " a\tb\nc\rd  ");
  xmpp_node_set_attr(m, "amp", "&#38;&amp;<>");
  xmpp_node_set_attr_ns(m, XMPP_NS_XML, "lang", "de");
  xmpp_node_set_attr_ns(m, "urn:ext", "flag", "1");
  xmpp_node_new_text_child(m, NULL, "body",
                           "a < b && c > d ]]> \r\n\ttab caf\xc3\xa9 \xf0\x9f\x8c\xb9");
  XmppNode *html = xmpp_node_new_child(m, "http://jabber.org/protocol/xhtml-im", "html");
  XmppNode *p = xmpp_node_new_child(html, "http://www.w3.org/1999/xhtml", "p");
  xmpp_node_add_text(p, "x ", -1);
  xmpp_node_new_text_child(p, NULL, "em", "y");
  xmpp_node_add_text(p, " z", -1);
  xmpp_node_new_child(p, "", "nons");
  xmpp_node_new_child(m, XMPP_NS_JABBER_CLIENT, "thread");
  g_autoptr(XmppNode) back = round_trip(m);
  g_assert_true(xmpp_node_equal(m, back));

  /* Sanitised text comes back as U+FFFD, never as a parse error. */
  g_autoptr(XmppNode) bad = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_new_text_child(bad, NULL, "body",
                           "a\x01"
                           "b\xff");
  xmpp_node_set_attr(bad, "id", "\x02");
  g_autoptr(XmppNode) back2 = round_trip(bad);
  g_autofree char *t = xmpp_node_dup_child_text(back2, NULL, "body");
  g_assert_cmpstr(t, ==,
                  "a\xEF\xBF\xBD"
                  "b\xEF\xBF\xBD");
  g_assert_cmpstr(xmpp_node_get_attr(back2, "id"), ==, "\xEF\xBF\xBD");

  /* Stream-namespace stanzas. */
  g_autoptr(XmppNode) f = xmpp_node_new(XMPP_NS_STREAM, "features");
  xmpp_node_new_child(f, "urn:ietf:params:xml:ns:xmpp-bind", "bind");
  xmpp_node_new_text_child(f, "urn:ietf:params:xml:ns:xmpp-sasl", "mechanisms", "x");
  g_autoptr(XmppNode) back3 = round_trip(f);
  g_assert_true(xmpp_node_equal(f, back3));
}

static void
test_deep_write(void)
{
  const guint depth = 200000;
  g_autoptr(XmppNode) root = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "a");
  XmppNode *cur = root;
  for (guint i = 0; i < depth; i++)
    cur = xmpp_node_new_child(cur, NULL, "a");
  xmpp_node_add_text(cur, "x", -1);
  g_autofree char *s = xmpp_xml_node_to_string(root);
  g_assert_cmpuint(strlen(s), ==, (depth + 1) * 7 + 1);
  g_assert_true(g_str_has_prefix(s, "<a><a>"));
  g_assert_nonnull(strstr(s, "<a><a>x</a></a></a>"));
  g_assert_true(g_str_has_suffix(s, "</a></a>"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/xml/writer/escape", test_escape);
  g_test_add_func("/xml/writer/sanitise", test_sanitise);
  g_test_add_func("/xml/writer/namespaces", test_namespaces);
  g_test_add_func("/xml/writer/stream_header", test_stream_header);
  g_test_add_func("/xml/writer/round_trip", test_round_trip);
  g_test_add_func("/xml/writer/deep_write", test_deep_write);
  return g_test_run();
}
