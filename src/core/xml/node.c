/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppNode: element tree with (namespace, local name) keys; free, copy and compare are iterative
 * so that hostile nesting depth can never overflow the C stack (reliability anchor T8). */
#include "xml/node.h"

#include <string.h>

/* Attributes without a namespace are stored with ns == NULL; "" means the same. */
static const char *
attr_ns_norm(const char *ns)
{
  return (ns != NULL && ns[0] != '\0') ? ns : NULL;
}

/* Allocation layout. Tree building is the parser's hot path, so a node and its strings share
 * one block: an element is followed by "ns\0name\0", a text node by "text\0", an attribute by
 * "name\0value\0ns\0". The fields stay plain char pointers, which is why node.h says they must
 * not be reassigned; only a text that grew (xmpp_node_add_text) lives outside its block. */
static char *
node_tail(const XmppNode *node)
{
  return (char *)(node + 1);
}

static char *
attr_tail(const XmppAttr *attr)
{
  return (char *)(attr + 1);
}

static XmppAttr *
attr_new(const char *ns, const char *name, const char *value, gsize value_len)
{
  gsize name_len = strlen(name);
  gsize ns_len = ns != NULL ? strlen(ns) : 0;
  XmppAttr *a = g_malloc(sizeof(XmppAttr) + name_len + value_len + ns_len + 3);
  char *t = attr_tail(a);
  a->name = t;
  memcpy(t, name, name_len + 1);
  t += name_len + 1;
  a->value = t;
  memcpy(t, value, value_len);
  t[value_len] = '\0';
  t += value_len + 1;
  if (ns != NULL) {
    a->ns = t;
    memcpy(t, ns, ns_len + 1);
  } else {
    a->ns = NULL;
  }
  return a;
}

/* Attribute strings are never replaced in place (set_attr swaps whole blocks), so they always
 * live in their block. */
static void
attr_free(XmppAttr *attr)
{
  g_free(attr);
}

static XmppNode *
element_alloc(const char *ns, gsize ns_len, const char *name, gsize name_len)
{
  XmppNode *node = g_malloc(sizeof(XmppNode) + ns_len + name_len + 2);
  memset(node, 0, sizeof(XmppNode));
  node->ns = node_tail(node);
  memcpy(node->ns, ns, ns_len);
  node->ns[ns_len] = '\0';
  node->name = node->ns + ns_len + 1;
  memcpy(node->name, name, name_len);
  node->name[name_len] = '\0';
  return node;
}

static XmppNode *
text_alloc(const char *text, gsize len)
{
  XmppNode *node = g_malloc(sizeof(XmppNode) + len + 1);
  memset(node, 0, sizeof(XmppNode));
  node->text = node_tail(node);
  memcpy(node->text, text, len);
  node->text[len] = '\0';
  return node;
}

XmppNode *
xmpp_node_new(const char *ns, const char *name)
{
  g_return_val_if_fail(name != NULL, NULL);
  if (ns == NULL)
    ns = "";
  return element_alloc(ns, strlen(ns), name, strlen(name));
}

XmppNode *
xmpp_node_new_text(const char *text, gssize len)
{
  g_return_val_if_fail(text != NULL || len == 0, NULL);
  if (len < 0)
    len = (gssize)strlen(text);
  return text_alloc(text != NULL ? text : "", (gsize)len);
}

void
xmpp_node_append_attr(XmppNode *node, const char *ns, const char *name, const char *value,
                      gssize value_len)
{
  g_return_if_fail(node != NULL && node->name != NULL && name != NULL && value != NULL);
  if (value_len < 0)
    value_len = (gssize)strlen(value);
  if (node->attrs == NULL)
    node->attrs = g_ptr_array_new();
  g_ptr_array_add(node->attrs, attr_new(attr_ns_norm(ns), name, value, (gsize)value_len));
}

/* Frees the node's own data; its children array must already be gone. */
static void
node_free_shallow(XmppNode *node)
{
  if (node->attrs != NULL) {
    for (guint i = 0; i < node->attrs->len; i++)
      attr_free(g_ptr_array_index(node->attrs, i));
    g_ptr_array_free(node->attrs, TRUE);
  }
  /* ns and name never leave the block (nothing may reassign them); a text may have grown. */
  if (node->name == NULL && node->text != node_tail(node))
    g_free(node->text);
  g_free(node);
}

void
xmpp_node_free(XmppNode *node)
{
  if (node == NULL)
    return;
  /* Explicit stack instead of recursion: the depth of a tree is attacker-controlled. */
  GPtrArray *stack = NULL;
  XmppNode *cur = node;
  while (cur != NULL) {
    if (cur->children != NULL) {
      if (stack == NULL)
        stack = g_ptr_array_new();
      for (guint i = 0; i < cur->children->len; i++)
        g_ptr_array_add(stack, g_ptr_array_index(cur->children, i));
      g_ptr_array_free(cur->children, TRUE);
      cur->children = NULL;
    }
    node_free_shallow(cur);
    cur = (stack != NULL && stack->len > 0) ? g_ptr_array_remove_index_fast(stack, stack->len - 1)
                                            : NULL;
  }
  if (stack != NULL)
    g_ptr_array_free(stack, TRUE);
}

/* Copies name, namespace, text and attributes, but no children and no parent. */
static XmppNode *
node_copy_shallow(const XmppNode *src)
{
  if (src->name == NULL)
    return text_alloc(src->text, strlen(src->text));
  XmppNode *dst = element_alloc(src->ns, strlen(src->ns), src->name, strlen(src->name));
  if (src->attrs != NULL) {
    dst->attrs = g_ptr_array_sized_new(src->attrs->len);
    for (guint i = 0; i < src->attrs->len; i++) {
      const XmppAttr *a = g_ptr_array_index(src->attrs, i);
      g_ptr_array_add(dst->attrs, attr_new(a->ns, a->name, a->value, strlen(a->value)));
    }
  }
  return dst;
}

XmppNode *
xmpp_node_copy(const XmppNode *node)
{
  if (node == NULL)
    return NULL;
  XmppNode *root = node_copy_shallow(node);
  /* Pairs (source, copy) whose children still have to be copied. */
  GPtrArray *stack = g_ptr_array_new();
  g_ptr_array_add(stack, (gpointer)node);
  g_ptr_array_add(stack, root);
  while (stack->len > 0) {
    XmppNode *dst = g_ptr_array_remove_index_fast(stack, stack->len - 1);
    const XmppNode *src = g_ptr_array_remove_index_fast(stack, stack->len - 1);
    if (src->children == NULL)
      continue;
    dst->children = g_ptr_array_sized_new(src->children->len);
    for (guint i = 0; i < src->children->len; i++) {
      const XmppNode *c = g_ptr_array_index(src->children, i);
      XmppNode *cc = node_copy_shallow(c);
      cc->parent = dst;
      g_ptr_array_add(dst->children, cc);
      if (c->children != NULL) {
        g_ptr_array_add(stack, (gpointer)c);
        g_ptr_array_add(stack, cc);
      }
    }
  }
  g_ptr_array_free(stack, TRUE);
  return root;
}

gboolean
xmpp_node_is(const XmppNode *node, const char *ns, const char *name)
{
  if (node == NULL || node->name == NULL)
    return FALSE;
  if (name != NULL && strcmp(node->name, name) != 0)
    return FALSE;
  if (ns != NULL && strcmp(node->ns, ns) != 0)
    return FALSE;
  return TRUE;
}

gboolean
xmpp_node_is_text(const XmppNode *node)
{
  return node != NULL && node->name == NULL;
}

static XmppAttr *
find_attr(const XmppNode *node, const char *ns, const char *name, guint *index)
{
  if (node == NULL || node->attrs == NULL || name == NULL)
    return NULL;
  ns = attr_ns_norm(ns);
  for (guint i = 0; i < node->attrs->len; i++) {
    XmppAttr *a = g_ptr_array_index(node->attrs, i);
    if (strcmp(a->name, name) == 0 && g_strcmp0(a->ns, ns) == 0) {
      if (index != NULL)
        *index = i;
      return a;
    }
  }
  return NULL;
}

const char *
xmpp_node_get_attr(const XmppNode *node, const char *name)
{
  XmppAttr *a = find_attr(node, NULL, name, NULL);
  return a != NULL ? a->value : NULL;
}

const char *
xmpp_node_get_attr_ns(const XmppNode *node, const char *ns, const char *name)
{
  XmppAttr *a = find_attr(node, ns, name, NULL);
  return a != NULL ? a->value : NULL;
}

void
xmpp_node_set_attr(XmppNode *node, const char *name, const char *value)
{
  xmpp_node_set_attr_ns(node, NULL, name, value);
}

void
xmpp_node_set_attr_ns(XmppNode *node, const char *ns, const char *name, const char *value)
{
  g_return_if_fail(node != NULL && node->name != NULL && name != NULL);
  guint index = 0;
  XmppAttr *a = find_attr(node, ns, name, &index);
  if (value == NULL) {
    if (a != NULL) {
      g_ptr_array_remove_index(node->attrs, index);
      attr_free(a);
    }
    return;
  }
  if (a != NULL) {
    /* A new block in the same place: the order of attributes is kept. */
    node->attrs->pdata[index] = attr_new(a->ns, a->name, value, strlen(value));
    attr_free(a);
    return;
  }
  xmpp_node_append_attr(node, ns, name, value, -1);
}

guint
xmpp_node_n_attrs(const XmppNode *node)
{
  return (node != NULL && node->attrs != NULL) ? node->attrs->len : 0;
}

XmppNode *
xmpp_node_add_child(XmppNode *parent, XmppNode *child)
{
  g_return_val_if_fail(parent != NULL && parent->name != NULL, child);
  g_return_val_if_fail(child != NULL && child->parent == NULL, child);
  if (parent->children == NULL)
    parent->children = g_ptr_array_new();
  g_ptr_array_add(parent->children, child);
  child->parent = parent;
  return child;
}

XmppNode *
xmpp_node_new_child(XmppNode *parent, const char *ns, const char *name)
{
  g_return_val_if_fail(parent != NULL && parent->name != NULL, NULL);
  return xmpp_node_add_child(parent, xmpp_node_new(ns != NULL ? ns : parent->ns, name));
}

XmppNode *
xmpp_node_new_text_child(XmppNode *parent, const char *ns, const char *name, const char *text)
{
  XmppNode *child = xmpp_node_new_child(parent, ns, name);
  if (child != NULL && text != NULL)
    xmpp_node_add_text(child, text, -1);
  return child;
}

/* Appends to a trailing text child when there is one, so that a tree never holds two adjacent
 * text nodes created this way and trees compare equal to what the parser builds. */
void
xmpp_node_add_text(XmppNode *parent, const char *text, gssize len)
{
  g_return_if_fail(parent != NULL && parent->name != NULL);
  g_return_if_fail(text != NULL || len == 0);
  if (len < 0)
    len = (gssize)strlen(text);
  if (len == 0)
    return;
  if (parent->children != NULL && parent->children->len > 0) {
    XmppNode *last = g_ptr_array_index(parent->children, parent->children->len - 1);
    if (last->name == NULL) {
      gsize old = strlen(last->text);
      char *grown;
      if (last->text == node_tail(last)) { /* lives in the node's block: move it out */
        grown = g_malloc(old + (gsize)len + 1);
        memcpy(grown, last->text, old);
      } else {
        grown = g_realloc(last->text, old + (gsize)len + 1);
      }
      memcpy(grown + old, text, (gsize)len);
      grown[old + (gsize)len] = '\0';
      last->text = grown;
      return;
    }
  }
  xmpp_node_add_child(parent, xmpp_node_new_text(text, len));
}

XmppNode *
xmpp_node_steal_child(XmppNode *parent, XmppNode *child)
{
  g_return_val_if_fail(parent != NULL && child != NULL && child->parent == parent, NULL);
  if (!g_ptr_array_remove(parent->children, child))
    return NULL;
  child->parent = NULL;
  return child;
}

guint
xmpp_node_n_children(const XmppNode *node)
{
  return (node != NULL && node->children != NULL) ? node->children->len : 0;
}

XmppNode *
xmpp_node_nth_child(const XmppNode *node, guint i)
{
  if (i >= xmpp_node_n_children(node))
    return NULL;
  return g_ptr_array_index(node->children, i);
}

static XmppNode *
find_child_from(const XmppNode *node, guint start, const char *ns, const char *name)
{
  guint n = xmpp_node_n_children(node);
  for (guint i = start; i < n; i++) {
    XmppNode *c = g_ptr_array_index(node->children, i);
    if (xmpp_node_is(c, ns, name))
      return c;
  }
  return NULL;
}

XmppNode *
xmpp_node_get_child(const XmppNode *node, const char *ns, const char *name)
{
  return find_child_from(node, 0, ns, name);
}

XmppNode *
xmpp_node_next_child(const XmppNode *node, const XmppNode *after, const char *ns, const char *name)
{
  guint n = xmpp_node_n_children(node);
  for (guint i = 0; i < n; i++) {
    if (g_ptr_array_index(node->children, i) == after)
      return find_child_from(node, i + 1, ns, name);
  }
  return NULL;
}

XmppNode *
xmpp_node_first_element(const XmppNode *node)
{
  return find_child_from(node, 0, NULL, NULL);
}

char *
xmpp_node_dup_text(const XmppNode *node)
{
  GString *s = g_string_new(NULL);
  guint n = xmpp_node_n_children(node);
  for (guint i = 0; i < n; i++) {
    const XmppNode *c = g_ptr_array_index(node->children, i);
    if (c->name == NULL)
      g_string_append(s, c->text);
  }
  return g_string_free(s, FALSE);
}

char *
xmpp_node_dup_child_text(const XmppNode *node, const char *ns, const char *name)
{
  XmppNode *c = xmpp_node_get_child(node, ns, name);
  return c != NULL ? xmpp_node_dup_text(c) : NULL;
}

/* Compares everything except children. */
static gboolean
node_equal_shallow(const XmppNode *a, const XmppNode *b)
{
  if (g_strcmp0(a->name, b->name) != 0 || g_strcmp0(a->ns, b->ns) != 0 ||
      g_strcmp0(a->text, b->text) != 0)
    return FALSE;
  if (xmpp_node_n_attrs(a) != xmpp_node_n_attrs(b) ||
      xmpp_node_n_children(a) != xmpp_node_n_children(b))
    return FALSE;
  /* Attribute keys are unique per element, so equal counts plus inclusion means set equality. */
  for (guint i = 0; i < xmpp_node_n_attrs(a); i++) {
    const XmppAttr *x = g_ptr_array_index(a->attrs, i);
    const XmppAttr *y = find_attr(b, x->ns, x->name, NULL);
    if (y == NULL || strcmp(x->value, y->value) != 0)
      return FALSE;
  }
  return TRUE;
}

gboolean
xmpp_node_equal(const XmppNode *a, const XmppNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  gboolean equal = TRUE;
  GPtrArray *stack = g_ptr_array_new();
  g_ptr_array_add(stack, (gpointer)a);
  g_ptr_array_add(stack, (gpointer)b);
  while (equal && stack->len > 0) {
    const XmppNode *y = g_ptr_array_remove_index_fast(stack, stack->len - 1);
    const XmppNode *x = g_ptr_array_remove_index_fast(stack, stack->len - 1);
    if (!node_equal_shallow(x, y)) {
      equal = FALSE;
      break;
    }
    for (guint i = 0; i < xmpp_node_n_children(x); i++) {
      g_ptr_array_add(stack, g_ptr_array_index(x->children, i));
      g_ptr_array_add(stack, g_ptr_array_index(y->children, i));
    }
  }
  g_ptr_array_free(stack, TRUE);
  return equal;
}
