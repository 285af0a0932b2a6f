/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of purple-im.c's outgoing conversion: what Pidgin's entry gives (its toolbar's markup,
 * after purple's linkify) becomes an XHTML-IM element (XEP-0071 §6 recommended profile) and a
 * plain body with the same content and no markup (§7), through libpurple's own
 * purple_markup_html_to_xhtml and the core's whitelist. */
#include "purple-glue.h"

#include "xml/writer.h"

#include <string.h>

#define HTML_OPEN                                                                                  \
  "<html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>"
#define HTML_CLOSE "</body></html>"

/* message (purple markup) gives the plain body `plain` and the XHTML body `html` (NULL: none). */
static void
check(const char *message, const char *plain, const char *html)
{
  char *got_plain = NULL;
  XmppNode *got_html = NULL;
  xmpp_purple_im_prepare(message, &got_plain, &got_html);
  g_assert_cmpstr(got_plain, ==, plain);
  if (html == NULL) {
    g_assert_null(got_html);
  } else {
    g_assert_nonnull(got_html);
    char *s = xmpp_xml_node_to_string(got_html);
    char *want = g_strconcat(HTML_OPEN, html, HTML_CLOSE, NULL);
    g_assert_cmpstr(s, ==, want);
    g_free(want);
    g_free(s);
  }
  g_free(got_plain);
  xmpp_node_free(got_html);
}

/* Each of the toolbar's tags (gtkimhtml.c's tag_to_html_start). */
static void
test_toolbar(void)
{
  check("<b>bold</b> and <i>it</i>", "bold and it",
        "<span style='font-weight: bold'>bold</span> and <em>it</em>");
  check("<u>under</u> <s>struck</s>", "under struck",
        "<span style='text-decoration: underline'>under</span> <span style='text-decoration: "
        "line-through'>struck</span>");
  check("<font color=\"#ff0000\">red</font>", "red", "<span style='color: #ff0000'>red</span>");
  check("<font back=\"#00ff00\">green</font>", "green",
        "<span style='background-color: #00ff00'>green</span>");
  check("<font size=\"5\">big</font><font size=\"1\">tiny</font>", "bigtiny",
        "<span style='font-size: x-large'>big</span><span style='font-size: xx-small'>tiny</span>");
  check("<font face=\"DejaVu Sans\">face</font>", "face",
        "<span style='font-family: DejaVu Sans'>face</span>");
  check("<body bgcolor=\"#ffffcc\">whole</body>", "whole",
        "<span style='background-color: #ffffcc'>whole</span>");
  /* Tags IMHTML writes for formatting it did not make itself (pasted text). */
  check("<span style='font-weight: bold;color: #0000ff;background: #ffffff;'>x</span>", "x",
        "<span style='font-weight: bold; color: #0000ff; background-color: #ffffff'>x</span>");
  check("<SPAN style=\"direction:rtl;text-align:right;\">\327\251</SPAN>", "\327\251",
        "<span style='text-align: right'>\327\251</span>");
  /* Nested, as the toolbar nests them. */
  check("<b><i><font color=\"#0000ff\">all</font></i></b>", "all",
        "<span style='font-weight: bold'><em><span style='color: #0000ff'>all</span></em></span>");
}

/* Links: "Insert Link" with words, and purple_markup_linkify's for a typed address. */
static void
test_links(void)
{
  check("<a href=\"https://example.com/?a=1&amp;b=2\">here</a>",
        "here <https://example.com/?a=1&b=2>",
        "<a href='https://example.com/?a=1&amp;b=2'>here</a>");
  check("see <A HREF=\"https://example.com/?a=1&amp;b=2\">https://example.com/?a=1&amp;b=2</A>",
        "see https://example.com/?a=1&b=2",
        "see <a href='https://example.com/?a=1&amp;b=2'>https://example.com/?a=1&amp;b=2</a>");
  check("<A HREF=\"mailto:juliet@example.com\">juliet@example.com</A>", "juliet@example.com",
        "<a href='mailto:juliet@example.com'>juliet@example.com</a>");
  /* A link the peer must not follow is sent as its words only. */
  check("<a href=\"javascript:alert(1)\">click</a>", "click", NULL);
}

/* Plain text: no XHTML; entities resolved, line breaks as newlines. */
static void
test_plain(void)
{
  check("hello", "hello", NULL);
  check("a &lt;b&gt; &amp; &quot;c&quot;", "a <b> & \"c\"", NULL);
  check("one<br>two", "one\ntwo", NULL);
  check("", "", NULL);
  check(NULL, "", NULL);
}

/* Not XML (an HTML entity, a comment): purple's own plain text, no XHTML. */
static void
test_not_xml(void)
{
  check("a&nbsp;<b>b</b>", "a b", NULL);
  /* purple's plain text keeps the comment's words (" c -->"), but no tag. */
  char *plain = NULL;
  XmppNode *html = (XmppNode *)&html;
  xmpp_purple_im_prepare("<!-- c --><b>b</b>", &plain, &html);
  g_assert_null(html);
  g_assert_true(g_str_has_suffix(plain, "b"));
  g_assert_null(strchr(plain, '<'));
  g_free(plain);
}

/* What the peer could misuse never leaves: only the whitelist (T50's rules, outgoing). */
static void
test_whitelist(void)
{
  check("<span onclick='alert(1)' class='x' style='color: red; position: fixed'>s</span>", "s",
        "<span style='color: red'>s</span>");
  check("<h1>title</h1><div>text</div>", "titletext", NULL);
  check("<img src=\"http://e.example/p.png\" alt=\"pic\">", "pic <http://e.example/p.png>",
        "<a href='http://e.example/p.png'>pic</a>");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/purple/im/toolbar", test_toolbar);
  g_test_add_func("/purple/im/links", test_links);
  g_test_add_func("/purple/im/plain", test_plain);
  g_test_add_func("/purple/im/not-xml", test_not_xml);
  g_test_add_func("/purple/im/whitelist", test_whitelist);
  return g_test_run();
}
