/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for XmppNode: building, attributes by (namespace, name), iterative free/copy/equal. */
#include "xml/node.h"

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

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/xml/node/build_and_query", test_build_and_query);
  g_test_add_func("/xml/node/mixed_text", test_mixed_text);
  g_test_add_func("/xml/node/attrs", test_attrs);
  g_test_add_func("/xml/node/copy_and_equal", test_copy_and_equal);
  g_test_add_func("/xml/node/T8_deep_tree", test_T8_deep_tree);
  return g_test_run();
}
