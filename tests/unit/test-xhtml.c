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
  /* Invalid UTF-8 never reaches g_markup_escape_text (which would read past the end). */
  g_autofree char *bad = xmpp_xhtml_escape("a<\xf0");
  g_assert_cmpstr(bad, ==, "a&lt;\xef\xbf\xbd");
  g_autofree char *plain = xmpp_xhtml_escape("plain text\nline 2");
  g_assert_cmpstr(plain, ==, "plain text\nline 2");
  g_autofree char *empty = xmpp_xhtml_escape(NULL);
  g_assert_cmpstr(empty, ==, "");
}

/* The printable-ASCII shortcut gives exactly GLib's escaping: every byte value, alone, after a
 * plain run and before one, and random strings of bytes. */
static void
check_like_glib(const char *text)
{
  g_autofree char *valid = g_utf8_make_valid(text, -1);
  g_autofree char *expected = g_markup_escape_text(valid, -1);
  g_autofree char *got = xmpp_xhtml_escape(text);
  g_assert_cmpstr(got, ==, expected);
}

static void
test_escape_like_glib(void)
{
  for (int b = 1; b < 256; b++) {
    char one[2] = {(char)b, '\0'};
    g_autofree char *after = g_strdup_printf("plain words %c", b);
    g_autofree char *before = g_strdup_printf("%cplain words", b);
    check_like_glib(one);
    check_like_glib(after);
    check_like_glib(before);
  }
  GRand *rand = g_rand_new_with_seed(20261206);
  for (int i = 0; i < 2000; i++) {
    char buf[24];
    gsize len = (gsize)g_rand_int_range(rand, 0, sizeof buf);
    for (gsize j = 0; j < len; j++) /* mostly printable, sometimes anything but NUL */
      buf[j] = (char)(g_rand_int_range(rand, 0, 4) != 0 ? g_rand_int_range(rand, 0x20, 0x7f)
                                                        : g_rand_int_range(rand, 1, 256));
    buf[len] = '\0';
    check_like_glib(buf);
  }
  g_rand_free(rand);
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
  g_autofree char *a = xmpp_xhtml_filter_style("color: red; font-weight:bold", XMPP_XHTML_PURPLE);
  g_assert_cmpstr(a, ==, "color: red; font-weight: bold");
  g_autofree char *b = xmpp_xhtml_filter_style(
      "COLOR:#ff0000;background:url(http://x/y.png);font-size:99px", XMPP_XHTML_PURPLE);
  g_assert_cmpstr(b, ==, "color: #ff0000");
  static const char *const refused[] = {
      "background-image: url(http://evil/)",
      "color: expression(alert(1))",
      "color: u\\72l(x)",
      "color: \"red\"",
      "position: fixed",
      "",
      "color: #12345",
      "color: rgb(1,2,3) url(x)",
      "background: red url(http://evil/)",
      "font-size: 900px",
      "font-family: x\\y",
      "font-family: url(x)",
      "font-family: ''",
      "font-weight: 750",
      "font-style: slanted",
      "text-decoration: underline blink",
      "text-align: -moz-center",
      "direction: rtl",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
    g_assert_null(xmpp_xhtml_filter_style(refused[i], XMPP_XHTML_PURPLE));
    g_assert_null(xmpp_xhtml_filter_style(refused[i], XMPP_XHTML_WIRE));
  }
  g_assert_null(xmpp_xhtml_filter_style(NULL, XMPP_XHTML_PURPLE));
  g_autofree char *c =
      xmpp_xhtml_filter_style("text-decoration: underline; font-style: italic", XMPP_XHTML_PURPLE);
  g_assert_cmpstr(c, ==, "text-decoration: underline; font-style: italic");
}

/* Found by fuzz-message: an empty colour was kept ("background: "), and as the first of its
 * name it hid a real one that came later. */
static void
test_style_empty_value(void)
{
  g_assert_null(xmpp_xhtml_filter_style("color:", XMPP_XHTML_PURPLE));
  g_assert_null(xmpp_xhtml_filter_style("background-color: ;color :", XMPP_XHTML_WIRE));
  g_autofree char *later = xmpp_xhtml_filter_style(
      "background-color:; background: red; font-weight: bold", XMPP_XHTML_PURPLE);
  g_assert_cmpstr(later, ==, "background: red; font-weight: bold");
}

/* What Pidgin's toolbar makes (purple_markup_html_to_xhtml turns <font> into these) is kept,
 * in each side's names: Pidgin reads `background`, XEP-0071 lists `background-color`. */
static void
test_style_dialects(void)
{
  const char *in = "background-color: #00FF00; font-size: LARGE; font-family: 'DejaVu Sans', "
                   "serif; text-decoration: underline line-through; font-weight: 700; "
                   "text-align: right; color: rgb(10%, 20%, 30%)";
  g_autofree char *purple = xmpp_xhtml_filter_style(in, XMPP_XHTML_PURPLE);
  g_assert_cmpstr(purple, ==,
                  "background: #00ff00; font-size: large; font-family: DejaVu Sans, serif; "
                  "text-decoration: underline line-through; font-weight: 700; text-align: "
                  "right; color: rgb(10%, 20%, 30%)");
  g_autofree char *wire = xmpp_xhtml_filter_style(
      "background: #00ff00; font-size: x-large; font-family: Sans; color: Red", XMPP_XHTML_WIRE);
  g_assert_cmpstr(wire, ==,
                  "background-color: #00ff00; font-size: x-large; font-family: Sans; color: red");
  /* Both names are one property: the first wins, in either dialect. */
  g_autofree char *twice =
      xmpp_xhtml_filter_style("background: red; background-color: blue", XMPP_XHTML_PURPLE);
  g_assert_cmpstr(twice, ==, "background: red");
  g_autofree char *twice_wire =
      xmpp_xhtml_filter_style("background-color: blue; background: red", XMPP_XHTML_WIRE);
  g_assert_cmpstr(twice_wire, ==, "background-color: blue");
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

#define HTML_OPEN                                                                                  \
  "<html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>"
#define HTML_CLOSE "</body></html>"

/* fragment gives the body inside `html` (NULL: no <html/> at all) and the plain body `plain`. */
static void
check_build(const char *fragment, const char *html, const char *plain)
{
  XmppNode *node = NULL;
  char *text = NULL;
  g_assert_true(xmpp_xhtml_build(fragment, &node, &text));
  g_assert_cmpstr(text, ==, plain);
  if (html == NULL) {
    g_assert_null(node);
  } else {
    g_assert_nonnull(node);
    g_autofree char *s = xmpp_xml_node_to_string(node);
    g_autofree char *want = g_strconcat(HTML_OPEN, html, HTML_CLOSE, NULL);
    g_assert_cmpstr(s, ==, want);
  }
  xmpp_node_free(node);
  g_free(text);
}

static void
test_build(void)
{
  check_build("<strong>hi</strong> there", "<strong>hi</strong> there", "hi there");
  /* Plain text: nothing to add; entities resolved in the plain body. */
  check_build("just text", NULL, "just text");
  check_build("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;", NULL, "a & b <c> \"d\" 'e'");
  /* Not well-formed: refused, nothing set (the caller keeps its own plain text). */
  static const char *const refused[] = {
      "<b>unclosed", "<b>x</i>", "a &nbsp; <b>b</b>", "<!-- c --><b>b</b>",
      /* Cannot escape the body. */
      "x</body><b>y</b><body>", "x</body></html><html><body>", NULL};
  for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
    XmppNode *node = (XmppNode *)&node;
    char *text = (char *)&text;
    g_assert_false(xmpp_xhtml_build(refused[i], &node, &text));
    g_assert_null(node);
    g_assert_null(text);
  }
  /* Either output may be left out. */
  g_assert_true(xmpp_xhtml_build("<em>x</em>", NULL, NULL));
}

/* What purple_markup_html_to_xhtml makes of Pidgin's toolbar (<b>, <i>, <u>, <s>, <font color,
 * back, face, size>, <a href>, the RTL span) becomes XEP-0071's recommended profile. */
static void
test_build_from_pidgin(void)
{
  check_build("<span style='font-weight: bold;'>bold</span> and <em>it</em>",
              "<span style='font-weight: bold'>bold</span> and <em>it</em>", "bold and it");
  check_build("<span style='text-decoration: underline;'>u</span>"
              "<span style='text-decoration: line-through;'>s</span>",
              "<span style='text-decoration: underline'>u</span>"
              "<span style='text-decoration: line-through'>s</span>",
              "us");
  check_build("<span style='color: #ff0000; background: #00ff00; font-family: DejaVu Sans; "
              "font-size: x-large;'>all</span>",
              "<span style='color: #ff0000; background-color: #00ff00; font-family: DejaVu "
              "Sans; font-size: x-large'>all</span>",
              "all");
  check_build("<span style='direction:rtl;text-align:right;'>x</span>",
              "<span style='text-align: right'>x</span>", "x");
  /* Pidgin's background colour of the whole entry (<body bgcolor>). */
  check_build("<span style='background: #ffffcc;'>x</span>",
              "<span style='background-color: #ffffcc'>x</span>", "x");
  /* Lines. */
  check_build("one<br/>two<br/>", NULL, "one\ntwo\n");
  check_build("<span style='color: red;'>a</span><br/><br/>b",
              "<span style='color: red'>a</span><br/><br/>b", "a\n\nb");
}

/* Links: the address goes into the plain body after the words, resolved (purple's own plain
 * text keeps "&amp;" there), and only once when the words are the address. */
static void
test_build_links(void)
{
  check_build("<a href=\"https://example.com/?a=1&amp;b=2\">here</a>",
              "<a href='https://example.com/?a=1&amp;b=2'>here</a>",
              "here <https://example.com/?a=1&b=2>");
  check_build("see <a href=\"http://example.com/\">http://example.com/</a>",
              "see <a href='http://example.com/'>http://example.com/</a>",
              "see http://example.com/");
  check_build("<a href=\"mailto:a@b.example\">a@b.example</a>",
              "<a href='mailto:a@b.example'>a@b.example</a>", "a@b.example");
  check_build("<a href=\" https://example.com/ \"><span style='font-weight: bold;'>b</span></a>",
              "<a href='https://example.com/'><span style='font-weight: bold'>b</span></a>",
              "b <https://example.com/>");
  /* A link nobody may follow is sent as its words. */
  check_build("<a href='javascript:alert(1)'>j</a> <a href='file:///etc/passwd'>f</a> "
              "<a>none</a>",
              NULL, "j f none");
}

/* The same whitelist as incoming bodies (T50): the peer gets XHTML-IM and nothing else. */
static void
test_build_whitelist(void)
{
  check_build("<b>b</b><i>i</i><u>u</u>",
              "<strong>b</strong><em>i</em><span style='text-decoration: underline'>u</span>",
              "biu");
  check_build("<u style='color: red'>u</u>",
              "<span style='text-decoration: underline; color: red'>u</span>", "u");
  check_build("<span onclick='x()' class='c' id='i' style='color: red; position: fixed'>s</span>",
              "<span style='color: red'>s</span>", "s");
  check_build("<span class='c'>plain</span>", NULL, "plain");
  check_build("<script>alert(1)</script>hi <b>x</b><style>p{}</style>", "hi <strong>x</strong>",
              "hi x");
  check_build("<div><h1>t</h1><q>q</q><font color='red'>x</font></div>", NULL, "tqx");
  check_build("<img src='http://e.example/p.png' alt='pic'/> <img src='file:///x' alt='local'/>",
              "<a href='http://e.example/p.png'>pic</a> local",
              "pic <http://e.example/p.png> local");
  check_build("<x xmlns='urn:evil'>no</x>yes <em>e</em>", "yes <em>e</em>", "yes e");
  check_build("<p>one</p><p>two</p><ul><li>a</li><li>b</li></ul>after",
              "<p>one</p><p>two</p><ul><li>a</li><li>b</li></ul>after", "one\ntwo\na\nb\nafter");
  check_build("<blockquote>q</blockquote><pre>c  d</pre><code>x</code> <cite>y</cite>",
              "<blockquote>q</blockquote><pre>c  d</pre><code>x</code> <cite>y</cite>",
              "q\nc  d\nx y");
  /* Markup without visible text adds nothing. */
  check_build("<br/>", NULL, "\n");
  check_build("<em> </em>", NULL, " ");
}

static void
test_build_depth(void)
{
  GString *in = g_string_new(NULL);
  for (int i = 0; i < XMPP_XHTML_MAX_DEPTH + 10; i++)
    g_string_append(in, "<em>");
  g_string_append(in, "deep");
  for (int i = 0; i < XMPP_XHTML_MAX_DEPTH + 10; i++)
    g_string_append(in, "</em>");
  XmppNode *html = NULL;
  char *plain = NULL;
  g_assert_true(xmpp_xhtml_build(in->str, &html, &plain));
  g_assert_cmpstr(plain, ==, "deep");
  g_autofree char *out = xmpp_xml_node_to_string(html);
  guint tags = 0;
  for (const char *p = out; (p = strstr(p, "<em>")) != NULL; p++)
    tags++;
  g_assert_cmpuint(tags, ==, XMPP_XHTML_MAX_DEPTH);
  xmpp_node_free(html);
  g_free(plain);
  g_string_free(in, TRUE);
}

/* Incoming bodies keep what Pidgin shows, in purple's names. */
static void
test_sanitise_styles(void)
{
  check("<span style='font-size: large; background-color: #ff0; font-family: \"Sans\"; "
        "font-size: 300px'>x</span>",
        "<span style=\"font-size: large; background: #ff0; font-family: Sans\">x</span>");
  check("<span style='background: url(http://evil.example/t.png)'>x</span>", "<span>x</span>");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/xhtml/escape", test_escape);
  g_test_add_func("/xhtml/escape-like-glib", test_escape_like_glib);
  g_test_add_func("/xhtml/href", test_href);
  g_test_add_func("/xhtml/style", test_style);
  g_test_add_func("/xhtml/style/dialects", test_style_dialects);
  g_test_add_func("/xhtml/style/empty_value", test_style_empty_value);
  g_test_add_func("/xhtml/sanitise/styles", test_sanitise_styles);
  g_test_add_func("/xhtml/sanitise/T50_html_injection", test_T50_html_injection);
  g_test_add_func("/xhtml/sanitise/foreign-and-empty", test_foreign_and_empty);
  g_test_add_func("/xhtml/sanitise/depth", test_depth);
  g_test_add_func("/xhtml/build", test_build);
  g_test_add_func("/xhtml/build/from-pidgin", test_build_from_pidgin);
  g_test_add_func("/xhtml/build/links", test_build_links);
  g_test_add_func("/xhtml/build/whitelist", test_build_whitelist);
  g_test_add_func("/xhtml/build/depth", test_build_depth);
  return g_test_run();
}
