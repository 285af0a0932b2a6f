/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for im/xhtml.c: the XHTML-IM whitelist (T50), escaping, links, styles, outgoing XHTML. */
#include "im/xhtml.h"
#include "parse-helper.h"
#include "xml/writer.h"

#include <string.h>

/* Sanitises <html><body>inner</body></html>. */
static char *
sanitise(const char *inner)
{
  char *xml = g_strdup_printf("<message><html xmlns='" XMPP_NS_XHTML_IM
                              "'><body xmlns='" XMPP_NS_XHTML "'>%s</body></html></message>",
                              inner);
  XmppNode *msg = test_parse_element(xml);
  char *out = xmpp_xhtml_to_markup(xmpp_node_get_child(msg, XMPP_NS_XHTML_IM, "html"));
  xmpp_node_free(msg);
  g_free(xml);
  return out;
}

static void
check(const char *inner, const char *expected)
{
  g_autofree char *out = sanitise(inner);
  g_assert_cmpstr(out, ==, expected);
}

static void
test_escape(void)
{
  g_autofree char *e = xmpp_xhtml_escape("<b>x</b> & \"q\" 'a'");
  g_assert_cmpstr(e, ==, "&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; &apos;a&apos;");
  g_autofree char *plain = xmpp_xhtml_escape("plain text\nline 2");
  g_assert_cmpstr(plain, ==, "plain text\nline 2");
  g_autofree char *empty = xmpp_xhtml_escape(NULL);
  g_assert_cmpstr(empty, ==, "");
}

static void
test_href(void)
{
  static const char *const good[] = {
      "http://example.com/", "https://example.com/a?b=c", "xmpp:juliet@example.com?message",
      "mailto:a@b.c",        "  HTTPS://example.com  ",   "HtTp://x"};
  static const char *const bad[] = {
      "file:///etc/passwd", "javascript:alert(1)",   " JavaScript:alert(1)",
      "data:text/html,x",   "java\tscript:alert(1)", "vbscript:x",
      "/relative",          "example.com",           "",
      ":nothing",           "http://exa\nmple.com",  "ftp://example.com",
      "smb://host/share",   "\x01javascript:x"};
  for (gsize i = 0; i < G_N_ELEMENTS(good); i++)
    g_assert_true(xmpp_xhtml_href_allowed(good[i]));
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
    g_assert_false(xmpp_xhtml_href_allowed(bad[i]));
  g_assert_false(xmpp_xhtml_href_allowed(NULL));
}

static void
test_style(void)
{
  g_autofree char *a = xmpp_xhtml_filter_style("color: red; font-weight:bold");
  g_assert_cmpstr(a, ==, "color: red; font-weight: bold");
  g_autofree char *b =
      xmpp_xhtml_filter_style("COLOR:#ff0000;background:url(http://x/y.png);font-size:99px");
  g_assert_cmpstr(b, ==, "color: #ff0000");
  g_assert_null(xmpp_xhtml_filter_style("background-image: url(http://evil/)"));
  g_assert_null(xmpp_xhtml_filter_style("color: expression(alert(1))"));
  g_assert_null(xmpp_xhtml_filter_style("color: u\\72l(x)"));
  g_assert_null(xmpp_xhtml_filter_style("color: \"red\""));
  g_assert_null(xmpp_xhtml_filter_style("position: fixed"));
  g_assert_null(xmpp_xhtml_filter_style(""));
  g_assert_null(xmpp_xhtml_filter_style(NULL));
  g_autofree char *c = xmpp_xhtml_filter_style("text-decoration: underline; font-style: italic");
  g_assert_cmpstr(c, ==, "text-decoration: underline; font-style: italic");
}

/* T50: scripts, event handlers, file:/javascript: links and remote images never survive; text
 * is escaped. Positive twins: a safe link and bold text do. */
static void
test_T50_html_injection(void)
{
  check("<script>alert(1)</script>hi", "hi");
  check("<style>body{}</style><object data='x'>o</object><iframe src='x'>i</iframe>ok", "ok");
  check("<p onclick='alert(1)' onmouseover='x'>p</p>", "<p>p</p>");
  check("<a href='file:///etc/passwd'>f</a>", "<a>f</a>");
  check("<a href='javascript:alert(1)'>j</a>", "<a>j</a>");
  check("<a href=' JAVASCRIPT:alert(1)'>j</a>", "<a>j</a>");
  check("<img src='http://evil.example/track.png' alt='pic'/>",
        "<a href=\"http://evil.example/track.png\">pic</a>");
  check("<img src='file:///c:/x.exe' alt='pic'/>", "pic");
  check("<img src='data:image/png;base64,AAAA'/>x", "x");
  check("&lt;b&gt;not bold&lt;/b&gt;", "&lt;b&gt;not bold&lt;/b&gt;");
  check("<span style='color: red; background: url(http://e/)' class='c' id='i'>s</span>",
        "<span style=\"color: red\">s</span>");
  check("<div><h1>title</h1><table><tr><td>cell</td></tr></table></div>", "titlecell");
  check("<a href='http://x/\"onclick=\"alert(1)'>q</a>",
        "<a href=\"http://x/&quot;onclick=&quot;alert(1)\">q</a>");
  /* Positive twins. */
  check("<a href='https://example.com/?a=1&amp;b=2'>safe</a>",
        "<a href=\"https://example.com/?a=1&amp;b=2\">safe</a>");
  check("<strong>bold</strong> <em>it</em><br/><b>b</b>",
        "<strong>bold</strong> <em>it</em><br><b>b</b>");
  check("<p>one</p><ul><li>a</li></ul><blockquote>q</blockquote><code>c</code>",
        "<p>one</p><ul><li>a</li></ul><blockquote>q</blockquote><code>c</code>");
  check("<a href='xmpp:romeo@montague.net'>xmpp</a>",
        "<a href=\"xmpp:romeo@montague.net\">xmpp</a>");
}

static void
test_foreign_and_empty(void)
{
  /* Elements outside the XHTML namespace are not content. */
  check("<x xmlns='urn:evil'><script>no</script>nope</x>yes", "yes");
  /* Nothing visible: NULL, so the plain body is shown instead. */
  g_autofree char *empty = sanitise("<br/> <script>x</script>");
  g_assert_null(empty);
  g_assert_null(xmpp_xhtml_to_markup(NULL));
  g_autoptr(XmppNode) notbody = test_parse_element("<message/>");
  g_assert_null(xmpp_xhtml_to_markup(notbody));
}

static void
test_depth(void)
{
  GString *in = g_string_new(NULL);
  for (int i = 0; i < XMPP_XHTML_MAX_DEPTH + 10; i++)
    g_string_append(in, "<b>");
  g_string_append(in, "deep");
  for (int i = 0; i < XMPP_XHTML_MAX_DEPTH + 10; i++)
    g_string_append(in, "</b>");
  g_autofree char *out = sanitise(in->str);
  g_assert_nonnull(strstr(out, "deep"));
  /* Tags stop at the depth limit. */
  guint tags = 0;
  for (const char *p = out; (p = strstr(p, "<b>")) != NULL; p++)
    tags++;
  g_assert_cmpuint(tags, ==, XMPP_XHTML_MAX_DEPTH);
  g_string_free(in, TRUE);
}

static void
test_build(void)
{
  g_autoptr(XmppNode) html = xmpp_xhtml_build("<strong>hi</strong> there");
  g_assert_nonnull(html);
  g_autofree char *s = xmpp_xml_node_to_string(html);
  g_assert_cmpstr(s, ==,
                  "<html xmlns='http://jabber.org/protocol/xhtml-im'><body "
                  "xmlns='http://www.w3.org/1999/xhtml'><strong>hi</strong> there</body></html>");
  /* Plain text: nothing to add. */
  g_assert_null(xmpp_xhtml_build("just text &amp; more"));
  g_assert_null(xmpp_xhtml_build(NULL));
  /* Not well-formed: refused, the plain body goes alone. */
  g_assert_null(xmpp_xhtml_build("<b>unclosed"));
  g_assert_null(xmpp_xhtml_build("<b>x</i>"));
  g_assert_null(xmpp_xhtml_build("a &nbsp; <b>b</b>"));
  g_assert_null(xmpp_xhtml_build("<!-- c --><b>b</b>"));
  /* Cannot escape the body. */
  g_assert_null(xmpp_xhtml_build("x</body><b>y</b><body>"));
  g_assert_null(xmpp_xhtml_build("x</body></html><html><body>"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/xhtml/escape", test_escape);
  g_test_add_func("/xhtml/href", test_href);
  g_test_add_func("/xhtml/style", test_style);
  g_test_add_func("/xhtml/sanitise/T50_html_injection", test_T50_html_injection);
  g_test_add_func("/xhtml/sanitise/foreign-and-empty", test_foreign_and_empty);
  g_test_add_func("/xhtml/sanitise/depth", test_depth);
  g_test_add_func("/xhtml/build", test_build);
  return g_test_run();
}
