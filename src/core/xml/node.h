/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppNode: an XML element tree keyed by (namespace, local name), with mixed text content. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The XML namespace (for xml:lang). */
#include "xml/namespaces.h"

typedef struct _XmppAttr {
  char *ns;    /* namespace URI, or NULL for an unprefixed attribute */
  char *name;  /* local name */
  char *value; /* UTF-8 value, already unescaped */
} XmppAttr;

typedef struct _XmppNode XmppNode;

/* Elements have a name; text nodes have name == NULL and their content in `text`.
 * ns, name, text and parent are readable by everyone; change them only through the functions
 * below (the strings share the node's allocation: never g_free() or reassign them). The other
 * fields are private to src/core/xml: read attributes and children through the functions. */
struct _XmppNode {
  char *ns;         /* element namespace URI ("" for none); NULL on text nodes */
  char *name;       /* element local name; NULL on text nodes */
  char *text;       /* text node content; NULL on elements */
  XmppNode *parent; /* borrowed */

  /* Private, on every node: siblings (children form a doubly linked list, so that building and
   * freeing need no arrays). */
  XmppNode *prev, *next;

  /* Private, on elements only: text nodes are allocated without these fields (node.c). */
  XmppNode *first, *last;
  /* Attributes: n_attrs entries; attrs_cap == 0 means the array and its strings live in the
   * node's own allocation (parsed and copied elements), else each entry's strings are one
   * allocation starting at its name and the array is allocated with room for attrs_cap. */
  XmppAttr *attrs;
  guint n_attrs, attrs_cap;
  guint n_children;
  /* xmpp_node_nth_child()'s last answer, so that index loops stay linear. */
  guint cursor_index;
  XmppNode *cursor;
};

XmppNode *xmpp_node_new(const char *ns, const char *name);
XmppNode *xmpp_node_new_text(const char *text, gssize len);
/* Frees the node and its whole subtree (iteratively: no recursion depth limit). NULL is fine. */
void xmpp_node_free(XmppNode *node);
/* Deep copy (iterative). */
XmppNode *xmpp_node_copy(const XmppNode *node);

gboolean xmpp_node_is(const XmppNode *node, const char *ns, const char *name);
gboolean xmpp_node_is_text(const XmppNode *node);

/* Attributes without namespace. get borrows; NULL when absent. */
const char *xmpp_node_get_attr(const XmppNode *node, const char *name);
const char *xmpp_node_get_attr_ns(const XmppNode *node, const char *ns, const char *name);
/* Appends an attribute without looking for one with the same key: for callers that know there
 * is none (the parser: libxml2 rejects duplicate attributes). value_len -1: NUL-terminated. */
void xmpp_node_append_attr(XmppNode *node, const char *ns, const char *name, const char *value,
                           gssize value_len);
/* value NULL removes the attribute. */
void xmpp_node_set_attr(XmppNode *node, const char *name, const char *value);
void xmpp_node_set_attr_ns(XmppNode *node, const char *ns, const char *name, const char *value);
guint xmpp_node_n_attrs(const XmppNode *node);

/* Takes ownership of child; returns it. */
XmppNode *xmpp_node_add_child(XmppNode *parent, XmppNode *child);
/* New child element; ns NULL means the parent's namespace. Returns the borrowed child. */
XmppNode *xmpp_node_new_child(XmppNode *parent, const char *ns, const char *name);
/* New child element holding one text node. Returns the borrowed child. */
XmppNode *xmpp_node_new_text_child(XmppNode *parent, const char *ns, const char *name,
                                   const char *text);
void xmpp_node_add_text(XmppNode *parent, const char *text, gssize len);
/* Detaches child from its parent; the caller owns it afterwards. */
XmppNode *xmpp_node_steal_child(XmppNode *parent, XmppNode *child);

guint xmpp_node_n_children(const XmppNode *node);
XmppNode *xmpp_node_nth_child(const XmppNode *node, guint i);
/* First child element with this namespace (NULL = any) and name (NULL = any). */
XmppNode *xmpp_node_get_child(const XmppNode *node, const char *ns, const char *name);
/* Next element sibling after `after` with the same matching rules. */
XmppNode *xmpp_node_next_child(const XmppNode *node, const XmppNode *after, const char *ns,
                               const char *name);
/* First child element of any name and namespace, or NULL. */
XmppNode *xmpp_node_first_element(const XmppNode *node);

/* Concatenation of the direct text children (never NULL, may be ""). */
char *xmpp_node_dup_text(const XmppNode *node);
/* Text of the first matching child, or NULL when there is no such child. */
char *xmpp_node_dup_child_text(const XmppNode *node, const char *ns, const char *name);

/* Structural equality (names, namespaces, attributes as sets, children in order). */
gboolean xmpp_node_equal(const XmppNode *a, const XmppNode *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppNode, xmpp_node_free)

G_END_DECLS
