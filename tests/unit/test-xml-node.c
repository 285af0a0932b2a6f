/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for XmppNode: building, attributes by (namespace, name), iterative free/copy/equal. */
#include "xml/node.h"
#include "xml/parser.h"

#include <string.h>

static void
test_build_and_query(void)
{
  g_autoptr(XmppNode) msg = xmpp_node_new("jabber:client", "message");
  g_assert_true(xmpp_node_is(msg, "jabber:client", "message"));
  g_assert_true(xmpp_node_is(msg, NULL, "message"));
  g_assert_true(xmpp_node_is(msg, NULL, NULL));
  g_assert_false(xmpp_node_is(msg, "jabber:server", "message"));
  g_assert_false(xmpp_node_is_text(msg));

  XmppNode *body = xmpp_node_new_text_child(msg, NULL, "body", "hello");
  g_assert_true(xmpp_node_is(body, "jabber:client", "body")); /* inherits the parent's ns */
  g_assert_true(body->parent == msg);
  XmppNode *x = xmpp_node_new_child(msg, "jabber:x:oob", "x");
  xmpp_node_new_text_child(x, NULL, "url", "https://example.test/");
  XmppNode *body2 = xmpp_node_new_text_child(msg, NULL, "body", "second");

  g_assert_cmpuint(xmpp_node_n_children(msg), ==, 3);
  g_assert_true(xmpp_node_get_child(msg, NULL, "body") == body);
  g_assert_true(xmpp_node_next_child(msg, body, NULL, "body") == body2);
  g_assert_null(xmpp_node_next_child(msg, body2, NULL, "body"));
  g_assert_true(xmpp_node_get_child(msg, "jabber:x:oob", NULL) == x);
  g_assert_null(xmpp_node_get_child(msg, "jabber:x:oob", "body"));
  g_assert_true(xmpp_node_first_element(msg) == body);
  g_assert_true(xmpp_node_nth_child(msg, 1) == x);
  g_assert_null(xmpp_node_nth_child(msg, 3));

  g_autofree char *t = xmpp_node_dup_child_text(msg, NULL, "body");
  g_assert_cmpstr(t, ==, "hello");
  g_autofree char *u = xmpp_node_dup_child_text(x, NULL, "url");
  g_assert_cmpstr(u, ==, "https://example.test/");
  g_assert_null(xmpp_node_dup_child_text(msg, NULL, "subject"));
  g_autofree char *none = xmpp_node_dup_text(msg);
  g_assert_cmpstr(none, ==, "");

  XmppNode *stolen = xmpp_node_steal_child(msg, x);
  g_assert_true(stolen == x);
  g_assert_null(x->parent);
  g_assert_cmpuint(xmpp_node_n_children(msg), ==, 2);
  xmpp_node_free(stolen);
  xmpp_node_free(NULL);
}

static void
test_mixed_text(void)
{
  g_autoptr(XmppNode) p = xmpp_node_new("http://www.w3.org/1999/xhtml", "p");
  xmpp_node_add_text(p, "Hello ", -1);
  xmpp_node_add_text(p, "big", 3);
  xmpp_node_add_text(p, "", 0);
  g_assert_cmpuint(xmpp_node_n_children(p), ==, 1); /* adjacent text merges */
  xmpp_node_new_text_child(p, NULL, "em", "world");
  xmpp_node_add_text(p, "!xyz", 1);
  g_assert_cmpuint(xmpp_node_n_children(p), ==, 3);
  g_assert_true(xmpp_node_is_text(xmpp_node_nth_child(p, 2)));
  g_autofree char *t = xmpp_node_dup_text(p);
  g_assert_cmpstr(t, ==, "Hello big!");
  g_autoptr(XmppNode) tn = xmpp_node_new_text("abc\0def", 7);
  g_assert_true(xmpp_node_is_text(tn));
  g_assert_null(tn->name);
  g_assert_cmpstr(tn->text, ==, "abc");
}

static void
test_attrs(void)
{
  g_autoptr(XmppNode) n = xmpp_node_new("jabber:client", "message");
  xmpp_node_set_attr(n, "to", "a@example.test");
  xmpp_node_set_attr_ns(n, XMPP_NS_XML, "lang", "de");
  xmpp_node_set_attr_ns(n, "urn:other", "lang", "fr");
  g_assert_cmpuint(xmpp_node_n_attrs(n), ==, 3);
  g_assert_cmpstr(xmpp_node_get_attr(n, "to"), ==, "a@example.test");
  g_assert_null(xmpp_node_get_attr(n, "lang")); /* xml:lang is not an unqualified "lang" */
  g_assert_cmpstr(xmpp_node_get_attr_ns(n, XMPP_NS_XML, "lang"), ==, "de");
  g_assert_cmpstr(xmpp_node_get_attr_ns(n, "urn:other", "lang"), ==, "fr");
  g_assert_cmpstr(xmpp_node_get_attr_ns(n, "", "to"), ==, "a@example.test");
  xmpp_node_set_attr(n, "to", "b@example.test"); /* replace, not add */
  g_assert_cmpuint(xmpp_node_n_attrs(n), ==, 3);
  g_assert_cmpstr(xmpp_node_get_attr(n, "to"), ==, "b@example.test");
  xmpp_node_set_attr(n, "to", NULL);
  g_assert_cmpuint(xmpp_node_n_attrs(n), ==, 2);
  g_assert_null(xmpp_node_get_attr(n, "to"));
  xmpp_node_set_attr(n, "absent", NULL);
  g_assert_cmpuint(xmpp_node_n_attrs(n), ==, 2);
  xmpp_node_append_attr(n, "urn:z", "k", "v=1", 1);
  g_assert_cmpstr(xmpp_node_get_attr_ns(n, "urn:z", "k"), ==, "v");
  xmpp_node_append_attr(n, "", "plain", "p", -1);
  g_assert_cmpstr(xmpp_node_get_attr(n, "plain"), ==, "p");
  g_assert_cmpuint(xmpp_node_n_attrs(n), ==, 4);
  g_autoptr(XmppNode) nons = xmpp_node_new(NULL, "x");
  g_assert_cmpstr(nons->ns, ==, "");
}

static XmppNode *
sample(void)
{
  XmppNode *m = xmpp_node_new("jabber:client", "message");
  xmpp_node_set_attr(m, "type", "chat");
  xmpp_node_set_attr(m, "id", "1");
  xmpp_node_set_attr_ns(m, XMPP_NS_XML, "lang", "en");
  xmpp_node_new_text_child(m, NULL, "body", "hi");
  XmppNode *h = xmpp_node_new_child(m, "http://jabber.org/protocol/xhtml-im", "html");
  XmppNode *p = xmpp_node_new_child(h, "http://www.w3.org/1999/xhtml", "p");
  xmpp_node_add_text(p, "a", -1);
  xmpp_node_new_text_child(p, NULL, "b", "bold");
  xmpp_node_add_text(p, "c", -1);
  return m;
}

static void
test_copy_and_equal(void)
{
  g_autoptr(XmppNode) a = sample();
  g_autoptr(XmppNode) b = xmpp_node_copy(a);
  g_assert_true(xmpp_node_equal(a, b));
  g_assert_true(xmpp_node_nth_child(b, 0)->parent == b);
  g_assert_true(xmpp_node_equal(NULL, NULL));
  g_assert_false(xmpp_node_equal(a, NULL));

  /* Attribute order does not matter. */
  g_autoptr(XmppNode) c = xmpp_node_new("jabber:client", "message");
  xmpp_node_set_attr_ns(c, XMPP_NS_XML, "lang", "en");
  xmpp_node_set_attr(c, "id", "1");
  xmpp_node_set_attr(c, "type", "chat");
  XmppNode *cs = xmpp_node_steal_child(b, xmpp_node_nth_child(b, 0));
  xmpp_node_add_child(c, cs);
  XmppNode *hs = xmpp_node_steal_child(b, xmpp_node_nth_child(b, 0));
  xmpp_node_add_child(c, hs);
  g_assert_true(xmpp_node_equal(a, c));

  /* Each difference is seen. */
  g_autoptr(XmppNode) d = xmpp_node_copy(a);
  xmpp_node_set_attr(d, "id", "2");
  g_assert_false(xmpp_node_equal(a, d));
  xmpp_node_set_attr(d, "id", "1");
  g_assert_true(xmpp_node_equal(a, d));
  xmpp_node_set_attr_ns(d, XMPP_NS_XML, "lang", NULL);
  xmpp_node_set_attr(d, "lang", "en");
  g_assert_false(xmpp_node_equal(a, d));
  g_autoptr(XmppNode) e = xmpp_node_copy(a);
  XmppNode *p = xmpp_node_get_child(xmpp_node_nth_child(e, 1), NULL, "p");
  xmpp_node_add_text(p, "d", -1);
  g_assert_false(xmpp_node_equal(a, e));
  g_autoptr(XmppNode) f = xmpp_node_copy(a);
  xmpp_node_free(xmpp_node_steal_child(f, xmpp_node_nth_child(f, 0)));
  g_assert_false(xmpp_node_equal(a, f));
  g_autoptr(XmppNode) g1 = xmpp_node_new("urn:a", "x");
  g_autoptr(XmppNode) g2 = xmpp_node_new("urn:b", "x");
  g_autoptr(XmppNode) g3 = xmpp_node_new("urn:a", "y");
  g_assert_false(xmpp_node_equal(g1, g2));
  g_assert_false(xmpp_node_equal(g1, g3));
  g_autoptr(XmppNode) t1 = xmpp_node_new_text("x", -1);
  g_autoptr(XmppNode) t2 = xmpp_node_new_text("y", -1);
  g_assert_false(xmpp_node_equal(t1, t2));
  g_assert_false(xmpp_node_equal(t1, g1));
}

/* T8: trees of any depth are freed, copied and compared without recursion. */
static void
test_T8_deep_tree(void)
{
  const guint depth = 1000000;
  XmppNode *root = xmpp_node_new("urn:x", "a");
  XmppNode *cur = root;
  for (guint i = 0; i < depth; i++) {
    cur = xmpp_node_new_child(cur, NULL, "a");
    if (i % 1000 == 0)
      xmpp_node_add_text(cur, "t", -1);
  }
  XmppNode *copy = xmpp_node_copy(root);
  g_assert_true(xmpp_node_equal(root, copy));
  /* Change the deepest node of the copy. */
  XmppNode *deep = copy;
  while (xmpp_node_first_element(deep) != NULL)
    deep = xmpp_node_first_element(deep);
  xmpp_node_set_attr(deep, "x", "y");
  g_assert_false(xmpp_node_equal(root, copy));
  xmpp_node_free(root);
  xmpp_node_free(copy);
}

/* ---- trees built by the parser: nodes carved from the parser's slabs (node.c) ---- */

#define STREAM_HDR                                                                                 \
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "          \
  "version='1.0'>"

static void
collect(gpointer ud, XmppNode *stanza)
{
  g_ptr_array_add(ud, stanza);
}

/* Parses STREAM_HDR + body and returns the stanzas (the parser is freed first). */
static GPtrArray *
parse_all(const char *body)
{
  static const XmppParserCallbacks cb = {NULL, collect, NULL};
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  XmppParser *p = xmpp_parser_new(&cb, out, NULL);
  g_autofree char *all = g_strconcat(STREAM_HDR, body, NULL);
  g_assert_true(xmpp_parser_feed(p, all, strlen(all), NULL));
  xmpp_parser_free(p);
  return out;
}

/* A subtree stolen from a parsed stanza outlives the stanza and the parser, can be re-parented
 * (forwarded messages) and keeps its attributes and text. */
static void
test_parsed_steal_outlives_stanza(void)
{
  g_autoptr(GPtrArray) st = parse_all(
      "<message from='a@example.test' id='m1'><forwarded xmlns='urn:xmpp:forward:0'>"
      "<message xmlns='jabber:client' from='b@example.test' type='chat'><body>inner &amp; "
      "text</body></message></forwarded><body>outer</body></message>");
  g_assert_cmpuint(st->len, ==, 1);
  XmppNode *outer = g_ptr_array_steal_index(st, 0);
  XmppNode *fwd = xmpp_node_get_child(outer, "urn:xmpp:forward:0", "forwarded");
  XmppNode *inner = xmpp_node_steal_child(fwd, xmpp_node_first_element(fwd));
  g_assert_null(inner->parent);
  g_assert_cmpuint(xmpp_node_n_children(fwd), ==, 0);
  g_assert_null(xmpp_node_first_element(fwd));
  xmpp_node_free(outer); /* the rest of the stanza goes; inner must stay valid */

  g_autoptr(XmppNode) holder = xmpp_node_new("jabber:client", "message");
  xmpp_node_add_child(holder, inner);
  g_assert_true(inner->parent == holder);
  g_assert_cmpstr(xmpp_node_get_attr(inner, "from"), ==, "b@example.test");
  g_autofree char *text = xmpp_node_dup_child_text(inner, NULL, "body");
  g_assert_cmpstr(text, ==, "inner & text");
  xmpp_node_set_attr(inner, "type", "normal"); /* attributes leave the block when changed */
  xmpp_node_set_attr(inner, "to", "c@example.test");
  xmpp_node_set_attr(inner, "from", NULL);
  g_assert_cmpuint(xmpp_node_n_attrs(inner), ==, 2);
  g_assert_cmpstr(xmpp_node_get_attr(inner, "type"), ==, "normal");
  g_assert_null(xmpp_node_get_attr(inner, "from"));
  xmpp_node_add_text(xmpp_node_get_child(inner, NULL, "body"), " more", -1);
  g_autofree char *text2 = xmpp_node_dup_child_text(inner, NULL, "body");
  g_assert_cmpstr(text2, ==, "inner & text more");
}

/* Many stanzas kept while more are parsed, freed in another order: every one stays intact,
 * whichever slab it shares with the others (valgrind and ASan see any early free). */
static void
test_parsed_many_kept(void)
{
  GString *body = g_string_new(NULL);
  for (guint i = 0; i < 2000; i++)
    g_string_append_printf(body, "<message id='m%u'><body>text %u</body></message>", i, i);
  /* One element too large for a slab: a block of its own. */
  g_string_append(body, "<iq id='big'><query xmlns='urn:x' v='");
  for (guint i = 0; i < 5000; i++)
    g_string_append_c(body, 'a' + (char)(i % 26));
  g_string_append(body, "'/></iq>");
  g_autoptr(GPtrArray) st = parse_all(body->str);
  g_string_free(body, TRUE);
  g_assert_cmpuint(st->len, ==, 2001);
  /* Free every other stanza first, then check the rest. */
  for (guint i = 0; i < 2000; i += 2)
    g_clear_pointer(&st->pdata[i], xmpp_node_free);
  for (guint i = 1; i < 2000; i += 2) {
    XmppNode *m = st->pdata[i];
    g_autofree char *id = g_strdup_printf("m%u", i);
    g_autofree char *want = g_strdup_printf("text %u", i);
    g_autofree char *got = xmpp_node_dup_child_text(m, NULL, "body");
    g_assert_cmpstr(xmpp_node_get_attr(m, "id"), ==, id);
    g_assert_cmpstr(got, ==, want);
  }
  XmppNode *q = xmpp_node_first_element(st->pdata[2000]);
  g_assert_cmpuint(strlen(xmpp_node_get_attr(q, "v")), ==, 5000);
  g_autoptr(XmppNode) copy = xmpp_node_copy(st->pdata[2000]);
  g_assert_true(xmpp_node_equal(copy, st->pdata[2000]));
}

/* nth_child over a long list, forwards, backwards and after changes (the cursor that keeps
 * index loops linear must never give a stale answer). */
static void
test_nth_child_cursor(void)
{
  g_autoptr(XmppNode) q = xmpp_node_new("urn:x", "query");
  XmppNode *items[100];
  for (guint i = 0; i < 100; i++)
    items[i] = xmpp_node_new_child(q, NULL, "item");
  for (guint i = 0; i < 100; i++)
    g_assert_true(xmpp_node_nth_child(q, i) == items[i]);
  for (guint i = 100; i-- > 0;)
    g_assert_true(xmpp_node_nth_child(q, i) == items[i]);
  g_assert_null(xmpp_node_nth_child(q, 100));
  g_assert_true(xmpp_node_nth_child(q, 50) == items[50]);
  xmpp_node_free(xmpp_node_steal_child(q, items[10]));
  g_assert_cmpuint(xmpp_node_n_children(q), ==, 99);
  g_assert_true(xmpp_node_nth_child(q, 50) == items[51]);
  g_assert_true(xmpp_node_nth_child(q, 9) == items[9]);
  g_assert_true(xmpp_node_nth_child(q, 10) == items[11]);
  xmpp_node_free(items[99]); /* freeing an attached child detaches it first */
  g_assert_cmpuint(xmpp_node_n_children(q), ==, 98);
  g_assert_true(xmpp_node_nth_child(q, 97) == items[98]);
  g_assert_null(xmpp_node_nth_child(q, 98));
  g_assert_true(xmpp_node_next_child(q, items[98], NULL, NULL) == NULL);
  g_assert_true(xmpp_node_next_child(q, items[9], NULL, "item") == items[11]);
  g_autoptr(XmppNode) other = xmpp_node_new("urn:x", "query");
  g_assert_null(xmpp_node_next_child(other, items[9], NULL, NULL)); /* not its child */
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/xml/node/build_and_query", test_build_and_query);
  g_test_add_func("/xml/node/mixed_text", test_mixed_text);
  g_test_add_func("/xml/node/attrs", test_attrs);
  g_test_add_func("/xml/node/copy_and_equal", test_copy_and_equal);
  g_test_add_func("/xml/node/T8_deep_tree", test_T8_deep_tree);
  g_test_add_func("/xml/node/parsed_steal_outlives_stanza", test_parsed_steal_outlives_stanza);
  g_test_add_func("/xml/node/parsed_many_kept", test_parsed_many_kept);
  g_test_add_func("/xml/node/nth_child_cursor", test_nth_child_cursor);
  return g_test_run();
}
