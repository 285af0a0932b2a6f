/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppNode: element tree with (namespace, local name) keys; free, copy and compare are iterative
 * so that hostile nesting depth can never overflow the C stack (reliability anchor T8). */
#include "xml/node.h"
#include "xml/parser-private.h"

#include <stddef.h>
#include <string.h>

/* Attributes without a namespace are stored with ns == NULL; "" means the same. */
static const char *
attr_ns_norm(const char *ns)
{
  return (ns != NULL && ns[0] != '\0') ? ns : NULL;
}

/* Allocation layout. Tree building is the parser's hot path (bench/xml), so an element is one
 * block: the node, its attribute array, then "ns\0name\0" and each attribute's
 * "name\0value\0[ns\0]". A text node is only the fields up to `first` (TEXT_HEAD bytes: the
 * rest of the struct is for elements and is never touched on a text node), then "text\0".
 * Children form a linked list, so a parsed <message> with a <body> and a chat state is four
 * blocks. Attributes move out of the block the first time they are changed (attrs_cap > 0 from
 * then on); a text that grew (xmpp_node_add_text) lives outside its block. That is why node.h
 * says the string fields must never be reassigned. */
#define TEXT_HEAD offsetof(XmppNode, first)

static char *
node_tail(const XmppNode *node)
{
  return (char *)(node + 1);
}

static char *
text_tail(const XmppNode *node)
{
  return (char *)node + TEXT_HEAD;
}

static gsize
attr_bytes(const char *ns, gsize name_len, gsize value_len)
{
  return name_len + value_len + 2 + (ns != NULL ? strlen(ns) + 1 : 0);
}

/* Copies an attribute's strings to `t` (attr_bytes() long); returns the end. */
static char *
attr_fill(XmppAttr *a, char *t, const char *ns, const char *name, gsize name_len, const char *value,
          gsize value_len)
{
  a->name = t;
  memcpy(t, name, name_len);
  t[name_len] = '\0';
  t += name_len + 1;
  a->value = t;
  memcpy(t, value, value_len);
  t[value_len] = '\0';
  t += value_len + 1;
  a->ns = NULL;
  if (ns != NULL) {
    gsize ns_len = strlen(ns);
    a->ns = t;
    memcpy(t, ns, ns_len + 1);
    t += ns_len + 1;
  }
  return t;
}

/* A heap attribute: its strings are one allocation, freed through a->name. */
static void
attr_set_heap(XmppAttr *a, const char *ns, const char *name, const char *value, gsize value_len)
{
  gsize name_len = strlen(name);
  attr_fill(a, g_malloc(attr_bytes(ns, name_len, value_len)), ns, name, name_len, value, value_len);
}

/* A zeroed header of `head` bytes (sizeof(XmppNode), or TEXT_HEAD for a text node) followed by
 * `extra` bytes. One malloc per node was measured (bench/xml) against carving a stanza's nodes
 * from shared 8 KiB slabs, which freed as large regions that glibc gave back to the kernel and
 * page-faulted in again, and against one 1 KiB arena per stanza, slower for the pointer to it
 * that every node then needs. */
static XmppNode *
block_alloc(gsize head, gsize extra)
{
  XmppNode *node = g_malloc(head + extra);
  memset(node, 0, head);
  return node;
}

XmppNode *
xmpp_node_alloc_block(guint n_attrs, gsize string_bytes, char **strings)
{
  gsize attrs = (gsize)n_attrs * sizeof(XmppAttr);
  XmppNode *node = block_alloc(sizeof(XmppNode), attrs + string_bytes);
  if (n_attrs > 0) {
    node->attrs = (XmppAttr *)node_tail(node);
    node->n_attrs = n_attrs;
  }
  *strings = node_tail(node) + attrs;
  return node;
}

static XmppNode *
element_alloc(const char *ns, gsize ns_len, const char *name, gsize name_len)
{
  char *t;
  XmppNode *node = xmpp_node_alloc_block(0, ns_len + name_len + 2, &t);
  node->ns = t;
  memcpy(t, ns, ns_len);
  t[ns_len] = '\0';
  node->name = t + ns_len + 1;
  memcpy(node->name, name, name_len);
  node->name[name_len] = '\0';
  return node;
}

static XmppNode *
text_alloc(const char *text, gsize len)
{
  XmppNode *node = block_alloc(TEXT_HEAD, len + 1);
  node->text = text_tail(node);
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

/* Makes the attributes changeable: an own array with room for `need`, own strings. */
static void
attrs_reserve(XmppNode *node, guint need)
{
  if (node->attrs_cap == 0) {
    guint cap = MAX(4, need);
    XmppAttr *own = g_new(XmppAttr, cap);
    for (guint i = 0; i < node->n_attrs; i++) {
      const XmppAttr *a = &node->attrs[i];
      attr_set_heap(&own[i], a->ns, a->name, a->value, strlen(a->value));
    }
    node->attrs = own; /* the block's copies stay unused until the node is freed */
    node->attrs_cap = cap;
  } else if (need > node->attrs_cap) {
    node->attrs_cap = MAX(need, node->attrs_cap * 2);
    node->attrs = g_renew(XmppAttr, node->attrs, node->attrs_cap);
  }
}

void
xmpp_node_append_attr(XmppNode *node, const char *ns, const char *name, const char *value,
                      gssize value_len)
{
  g_return_if_fail(node != NULL && node->name != NULL && name != NULL && value != NULL);
  if (value_len < 0)
    value_len = (gssize)strlen(value);
  attrs_reserve(node, node->n_attrs + 1);
  attr_set_heap(&node->attrs[node->n_attrs], attr_ns_norm(ns), name, value, (gsize)value_len);
  node->n_attrs++;
}

/* Frees the node's own data, not its children. */
static void
node_free_shallow(XmppNode *node)
{
  /* ns and name never leave the block (nothing may reassign them); a text may have grown. */
  if (node->name == NULL) {
    if (node->text != text_tail(node))
      g_free(node->text);
  } else if (node->attrs_cap > 0) {
    for (guint i = 0; i < node->n_attrs; i++)
      g_free(node->attrs[i].name);
    g_free(node->attrs);
  }
  g_free(node);
}

static void
unlink_child(XmppNode *parent, XmppNode *child)
{
  if (child->prev != NULL)
    child->prev->next = child->next;
  else
    parent->first = child->next;
  if (child->next != NULL)
    child->next->prev = child->prev;
  else
    parent->last = child->prev;
  child->prev = child->next = child->parent = NULL;
  parent->n_children--;
  parent->cursor = NULL;
}

void
xmpp_node_free(XmppNode *node)
{
  if (node == NULL)
    return;
  if (node->parent != NULL) /* never leave a dangling child behind */
    unlink_child(node->parent, node);
  /* No recursion and no stack (the depth of a tree is attacker-controlled): the nodes still to
   * free form one list through their `next` fields; a node's children are spliced in front. */
  XmppNode *todo = node;
  while (todo != NULL) {
    XmppNode *cur = todo;
    todo = cur->next;
    if (cur->name != NULL && cur->first != NULL) {
      cur->last->next = todo;
      todo = cur->first;
    }
    node_free_shallow(cur);
  }
}

static void
append_child(XmppNode *parent, XmppNode *child)
{
  child->parent = parent;
  child->prev = parent->last;
  child->next = NULL;
  if (parent->last != NULL)
    parent->last->next = child;
  else
    parent->first = child;
  parent->last = child;
  parent->n_children++;
}

/* Copies name, namespace, text and attributes (into one block), but no children. */
static XmppNode *
node_copy_shallow(const XmppNode *src)
{
  if (src->name == NULL)
    return text_alloc(src->text, strlen(src->text));
  gsize ns_len = strlen(src->ns), name_len = strlen(src->name);
  gsize bytes = ns_len + name_len + 2;
  for (guint i = 0; i < src->n_attrs; i++) {
    const XmppAttr *a = &src->attrs[i];
    bytes += attr_bytes(a->ns, strlen(a->name), strlen(a->value));
  }
  char *t;
  XmppNode *dst = xmpp_node_alloc_block(src->n_attrs, bytes, &t);
  dst->ns = t;
  memcpy(t, src->ns, ns_len + 1);
  t += ns_len + 1;
  dst->name = t;
  memcpy(t, src->name, name_len + 1);
  t += name_len + 1;
  for (guint i = 0; i < src->n_attrs; i++) {
    const XmppAttr *a = &src->attrs[i];
    t = attr_fill(&dst->attrs[i], t, a->ns, a->name, strlen(a->name), a->value, strlen(a->value));
  }
  return dst;
}

XmppNode *
xmpp_node_copy(const XmppNode *node)
{
  if (node == NULL)
    return NULL;
  /* Pre-order walk through the parent and sibling links: no recursion, no stack. */
  XmppNode *root = node_copy_shallow(node);
  const XmppNode *s = node;
  XmppNode *d = root;
  for (;;) {
    if (s->name != NULL && s->first != NULL) {
      s = s->first;
      XmppNode *c = node_copy_shallow(s);
      append_child(d, c);
      d = c;
      continue;
    }
    while (s != node && s->next == NULL) {
      s = s->parent;
      d = d->parent;
    }
    if (s == node)
      break;
    s = s->next;
    XmppNode *c = node_copy_shallow(s);
    append_child(d->parent, c);
    d = c;
  }
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
  if (node == NULL || node->name == NULL || name == NULL)
    return NULL;
  ns = attr_ns_norm(ns);
  for (guint i = 0; i < node->n_attrs; i++) {
    XmppAttr *a = &node->attrs[i];
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
  if (find_attr(node, ns, name, &index) == NULL) {
    if (value != NULL)
      xmpp_node_append_attr(node, ns, name, value, -1);
    return;
  }
  attrs_reserve(node, node->n_attrs);
  XmppAttr *a = &node->attrs[index];
  if (value == NULL) {
    g_free(a->name);
    node->n_attrs--;
    memmove(a, a + 1, (node->n_attrs - index) * sizeof(XmppAttr));
    return;
  }
  /* New strings in the same slot: the order of attributes is kept. */
  XmppAttr old = *a;
  attr_set_heap(a, old.ns, old.name, value, strlen(value));
  g_free(old.name);
}

guint
xmpp_node_n_attrs(const XmppNode *node)
{
  return (node != NULL && node->name != NULL) ? node->n_attrs : 0;
}

XmppNode *
xmpp_node_add_child(XmppNode *parent, XmppNode *child)
{
  g_return_val_if_fail(parent != NULL && parent->name != NULL, child);
  g_return_val_if_fail(child != NULL && child->parent == NULL, child);
  append_child(parent, child);
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
  XmppNode *last = parent->last;
  if (last != NULL && last->name == NULL) {
    gsize old = strlen(last->text);
    char *grown;
    if (last->text == text_tail(last)) { /* lives in the node's block: move it out */
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
  append_child(parent, text_alloc(text, (gsize)len));
}

XmppNode *
xmpp_node_steal_child(XmppNode *parent, XmppNode *child)
{
  g_return_val_if_fail(parent != NULL && child != NULL && child->parent == parent, NULL);
  unlink_child(parent, child);
  return child;
}

guint
xmpp_node_n_children(const XmppNode *node)
{
  return (node != NULL && node->name != NULL) ? node->n_children : 0;
}

/* Walks from the closest known position: the first child, the last one, or the previous
 * answer. The cursor makes `for (i = 0; i < n; i++) nth_child(node, i)` linear, not quadratic
 * (a hostile disco#items result may hold thousands of children). */
XmppNode *
xmpp_node_nth_child(const XmppNode *node, guint i)
{
  if (i >= xmpp_node_n_children(node))
    return NULL;
  XmppNode *self = (XmppNode *)node; /* the cursor is a cache, not part of the value */
  XmppNode *c;
  if (i == node->n_children - 1) {
    c = node->last;
  } else if (node->cursor != NULL && i >= node->cursor_index) {
    c = node->cursor;
    for (guint k = node->cursor_index; k < i; k++)
      c = c->next;
  } else {
    c = node->first;
    for (guint k = 0; k < i; k++)
      c = c->next;
  }
  self->cursor = c;
  self->cursor_index = i;
  return c;
}

static XmppNode *
find_child_from(XmppNode *c, const char *ns, const char *name)
{
  for (; c != NULL; c = c->next) {
    if (xmpp_node_is(c, ns, name))
      return c;
  }
  return NULL;
}

XmppNode *
xmpp_node_get_child(const XmppNode *node, const char *ns, const char *name)
{
  return (node != NULL && node->name != NULL) ? find_child_from(node->first, ns, name) : NULL;
}

XmppNode *
xmpp_node_next_child(const XmppNode *node, const XmppNode *after, const char *ns, const char *name)
{
  if (node == NULL || after == NULL || after->parent != node)
    return NULL;
  return find_child_from(after->next, ns, name);
}

XmppNode *
xmpp_node_first_element(const XmppNode *node)
{
  return xmpp_node_get_child(node, NULL, NULL);
}

char *
xmpp_node_dup_text(const XmppNode *node)
{
  if (node == NULL || node->name == NULL)
    return g_strdup("");
  /* The common case, one text child, is a plain copy. */
  if (node->first != NULL && node->first == node->last && node->first->name == NULL)
    return g_strdup(node->first->text);
  GString *s = g_string_new(NULL);
  for (const XmppNode *c = node->first; c != NULL; c = c->next) {
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
  if (a->name == NULL) /* two equal texts; nothing else exists on a text node */
    return TRUE;
  if (a->n_attrs != b->n_attrs || a->n_children != b->n_children)
    return FALSE;
  /* Attribute keys are unique per element, so equal counts plus inclusion means set equality. */
  for (guint i = 0; i < a->n_attrs; i++) {
    const XmppAttr *x = &a->attrs[i];
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
  /* Lockstep pre-order walk (as in copy): equal child counts keep the two walks aligned. */
  const XmppNode *x = a, *y = b;
  for (;;) {
    if (!node_equal_shallow(x, y))
      return FALSE;
    if (x->name != NULL && x->first != NULL) {
      x = x->first;
      y = y->first;
      continue;
    }
    while (x != a && x->next == NULL) {
      x = x->parent;
      y = y->parent;
    }
    if (x == a)
      return TRUE;
    x = x->next;
    y = y->next;
  }
}
