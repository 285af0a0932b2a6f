/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for oob.c (XEP-0066 links): which links are offered, and the file name a link
 * suggests (T57: peer-chosen names never leave the download folder, never hide). */
#include "im/oob.h"
#include "parse-helper.h"

#include <string.h>

static char *
url_of(const char *inner)
{
  g_autofree char *xml = g_strdup_printf("<message xmlns='jabber:client'>%s</message>", inner);
  g_autoptr(XmppNode) m = test_parse_element(xml);
  return xmpp_oob_parse_url(m);
}

static void
test_links(void)
{
  g_autofree char *good =
      url_of("<body>x</body><x xmlns='jabber:x:oob'><url> https://up.example/a/rose.jpg "
             "</url></x>");
  g_assert_cmpstr(good, ==, "https://up.example/a/rose.jpg");
  g_autofree char *plain = url_of("<x xmlns='jabber:x:oob'><url>http://up.example/a</url></x>");
  g_assert_cmpstr(plain, ==, "http://up.example/a");
  /* The scheme is case-insensitive: taken, and given on in lowercase (the host as written). */
  g_autofree char *upper = url_of("<x xmlns='jabber:x:oob'><url>htTpS://Up.Example/A</url></x>");
  g_assert_cmpstr(upper, ==, "https://Up.Example/A");
  const char *bad[] = {
      "<x xmlns='jabber:x:oob'><url>file:///etc/passwd</url></x>",
      "<x xmlns='jabber:x:oob'><url>javascript:alert(1)</url></x>",
      "<x xmlns='jabber:x:oob'><url>https://</url></x>",
      "<x xmlns='jabber:x:oob'><url>https://up.example/a b</url></x>",
      "<x xmlns='jabber:x:oob'><url>https://up.example/a&#10;b</url></x>",
      "<x xmlns='jabber:x:oob'><url></url></x>",
      "<x xmlns='jabber:x:oob'/>",
      "<x xmlns='urn:other'><url>https://up.example/a</url></x>",
      "<body>https://up.example/a</body>",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *got = url_of(bad[i]);
    g_assert_null(got);
  }
  g_autofree char *longurl = g_strdup_printf("https://up.example/%0*d", XMPP_OOB_MAX_URL, 0);
  g_autofree char *inner = g_strdup_printf("<x xmlns='jabber:x:oob'><url>%s</url></x>", longurl);
  g_autofree char *too_long = url_of(inner);
  g_assert_null(too_long);
}

/* T57: the names of the catalogue, and their positive twins. */
static void
test_t57_file_names(void)
{
  const struct {
    const char *url, *name;
  } cases[] = {
      {"https://up.example/a/rose.jpg", "rose.jpg"},
      {"https://up.example/a/r%C3%B6se%20garden.jpg", "r\xc3\xb6se garden.jpg"},
      {"https://up.example/a/rose.jpg?x=1#frag", "rose.jpg"},
      {"https://up.example/a/../../.bashrc", "bashrc"},
      {"https://up.example/a/%2e%2e%2f%2e%2e%2fx", "x"},
      {"https://up.example/a/..%5c..%5cx", "x"},
      {"https://up.example/a/%2Fetc%2Fpasswd", "etcpasswd"},
      {"https://up.example/a/.hidden", "hidden"},
      {"https://up.example/a/%0a%0dname%00.txt", "name.txt"},
      {"https://up.example/a/evil%E2%80%AEgpj.exe", "evilgpj.exe"}, /* right-to-left override */
      {"https://up.example/", "download"},
      {"https://up.example/a/..", "download"},
      {"https://up.example/a/%20%20", "download"},
      {"not a url", "download"},
      {NULL, "download"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = xmpp_oob_file_name(cases[i].url);
    g_assert_cmpstr(got, ==, cases[i].name);
  }
  /* A 500-character name with a separator in its middle: no separator, within the limit. */
  g_autofree char *half = g_strnfill(250, 'a');
  g_autofree char *url = g_strdup_printf("https://up.example/x/%s%%2f%s", half, half);
  g_autofree char *name = xmpp_oob_file_name(url);
  g_assert_null(strchr(name, '/'));
  g_assert_cmpuint(strlen(name), ==, XMPP_OOB_MAX_NAME);
  g_assert_true(g_utf8_validate(name, -1, NULL));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/oob/links", test_links);
  g_test_add_func("/oob/t57-file-names", test_t57_file_names);
  return g_test_run();
}
