/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Serialisation of XmppNode trees and stream headers: escaping, namespace declarations. */
#include "xml/writer.h"
#include "xml/parser.h"

#include <string.h>

/* Our own code produces the text we write, and it is meant to be valid UTF-8 made of XML 1.0
 * characters. Whatever is not (invalid UTF-8, C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF)
 * becomes U+FFFD: one bad byte must never make us send a stream the server has to reject as
 * not-well-formed (RFC 6120 §4.9.3.13, §11.6; XML 1.0 §2.2 "Char"). */
#define REPLACEMENT "\xEF\xBF\xBD"

/* The bytes escape() must look at, in text (LOOK_IN_TEXT) and in attribute values. */
#define LOOK_IN_TEXT 1
#define LOOK_IN_ATTR 2
static const guint8 special[256] = {
    [0x00 ... 0x08] = LOOK_IN_TEXT | LOOK_IN_ATTR,
    ['\t'] = LOOK_IN_ATTR, /* TAB and LF are written as they are in text */
    ['\n'] = LOOK_IN_ATTR,
    [0x0B ... 0x1F] = LOOK_IN_TEXT | LOOK_IN_ATTR, /* CR included: escaped in text too */
    ['&'] = LOOK_IN_TEXT | LOOK_IN_ATTR,
    ['<'] = LOOK_IN_TEXT | LOOK_IN_ATTR,
    ['>'] = LOOK_IN_TEXT | LOOK_IN_ATTR,
    ['\''] = LOOK_IN_ATTR,
    ['"'] = LOOK_IN_ATTR,
    [0x80 ... 0xFF] = LOOK_IN_TEXT | LOOK_IN_ATTR,
};

static void
escape(GString *out, const char *text, gssize len, gboolean attr)
{
  if (text == NULL)
    return;
  const guchar *p = (const guchar *)text;
  const guchar *end = p + (len < 0 ? strlen(text) : (gsize)len);
  const guchar *run = p; /* start of bytes copied unchanged */
  const guint8 look = attr ? LOOK_IN_ATTR : LOOK_IN_TEXT;
  while (p < end) {
    /* Most text needs nothing: skip it a byte at a time through the table. */
    while (p < end && !(special[*p] & look))
      p++;
    if (p == end)
      break;
    guchar c = *p;
    const char *rep = NULL;
    gsize adv = 1;
    if (c >= 0x80) {
      gunichar uc = g_utf8_get_char_validated((const char *)p, end - p);
      if (uc == (gunichar)-1 || uc == (gunichar)-2) {
        rep = REPLACEMENT;
      } else {
        adv = (gsize)(g_utf8_next_char(p) - (const char *)p);
        if (uc == 0xFFFE || uc == 0xFFFF)
          rep = REPLACEMENT;
      }
    } else if (c == '&') {
      rep = "&amp;";
    } else if (c == '<') {
      rep = "&lt;";
    } else if (c == '>') {
      rep = "&gt;"; /* so that "]]>" can never appear */
    } else if (attr && c == '\'') {
      rep = "&apos;";
    } else if (attr && c == '"') {
      rep = "&quot;";
    } else if (c == '\t' || c == '\n' || c == '\r') {
      /* Attribute-value normalisation (XML 1.0 §3.3.3) would turn these into spaces; a
       * literal CR in text would be turned into LF by end-of-line handling (§2.11). */
      if (attr || c == '\r')
        rep = c == '\t' ? "&#9;" : c == '\n' ? "&#10;" : "&#13;";
    } else if (c < 0x20) {
      rep = REPLACEMENT;
    }
    if (rep != NULL) {
      g_string_append_len(out, (const char *)run, p - run);
      g_string_append(out, rep);
      p += adv;
      run = p;
    } else {
      p += adv;
    }
  }
  g_string_append_len(out, (const char *)run, p - run);
}

void
xmpp_xml_escape_text(GString *out, const char *text, gssize len)
{
  g_return_if_fail(out != NULL);
  escape(out, text, len, FALSE);
}

void
xmpp_xml_escape_attr(GString *out, const char *text, gssize len)
{
  g_return_if_fail(out != NULL);
  escape(out, text, len, TRUE);
}

/* Elements in the streams namespace are written with the prefix "stream", which the stream
 * header binds (RFC 6120 §4.8.5: generate only the 'stream:' prefix for these elements). */
static gboolean
uses_stream_prefix(const XmppNode *node)
{
  return strcmp(node->ns, XMPP_NS_STREAM) == 0;
}

static void
append_qname(GString *out, const XmppNode *node)
{
  if (uses_stream_prefix(node))
    g_string_append(out, "stream:");
  g_string_append(out, node->name);
}

/* Writes the start tag. Returns the default namespace in force for the children. */
static const char *
write_start_tag(GString *out, const XmppNode *node, const char *inherited)
{
  const char *dflt = inherited;
  g_string_append_c(out, '<');
  append_qname(out, node);
  if (!uses_stream_prefix(node) && strcmp(node->ns, inherited) != 0) {
    g_string_append(out, " xmlns='");
    xmpp_xml_escape_attr(out, node->ns, -1);
    g_string_append_c(out, '\'');
    dflt = node->ns;
  }
  GPtrArray *declared = NULL; /* namespaces given a prefix on this element */
  for (guint i = 0; i < xmpp_node_n_attrs(node); i++) {
    const XmppAttr *a = &node->attrs[i];
    g_string_append_c(out, ' ');
    if (a->ns == NULL) {
      g_string_append(out, a->name);
    } else if (strcmp(a->ns, XMPP_NS_XML) == 0) {
      /* The xml prefix is bound by definition and must not be declared (XML-NAMES §3). */
      g_string_append(out, "xml:");
      g_string_append(out, a->name);
    } else {
      /* A prefix local to this element, ns<N>, one per distinct namespace. */
      if (declared == NULL)
        declared = g_ptr_array_new();
      guint prefix = 0;
      while (prefix < declared->len && strcmp(g_ptr_array_index(declared, prefix), a->ns) != 0)
        prefix++;
      if (prefix == declared->len) {
        g_ptr_array_add(declared, a->ns);
        g_string_append_printf(out, "xmlns:ns%u='", prefix);
        xmpp_xml_escape_attr(out, a->ns, -1);
        g_string_append(out, "' ");
      }
      g_string_append_printf(out, "ns%u:%s", prefix, a->name);
    }
    g_string_append(out, "='");
    xmpp_xml_escape_attr(out, a->value, -1);
    g_string_append_c(out, '\'');
  }
  if (declared != NULL)
    g_ptr_array_free(declared, TRUE);
  return dflt;
}

typedef struct {
  const XmppNode *node;
  const XmppNode *next; /* the next child to write, NULL when done */
  const char *dflt;     /* default namespace in force for the children */
} Frame;

void
xmpp_xml_write_node(GString *out, const XmppNode *node, const char *parent_ns)
{
  g_return_if_fail(out != NULL && node != NULL);
  if (node->name == NULL) {
    xmpp_xml_escape_text(out, node->text, -1);
    return;
  }
  /* An explicit stack: trees handed to us may be deep, the C stack is not. */
  GArray *stack = g_array_new(FALSE, FALSE, sizeof(Frame));
  Frame root = {node, node->first, write_start_tag(out, node, parent_ns != NULL ? parent_ns : "")};
  if (xmpp_node_n_children(node) == 0) {
    g_string_append(out, "/>");
  } else {
    g_string_append_c(out, '>');
    g_array_append_val(stack, root);
  }
  while (stack->len > 0) {
    Frame *top = &g_array_index(stack, Frame, stack->len - 1);
    if (top->next == NULL) {
      g_string_append(out, "</");
      append_qname(out, top->node);
      g_string_append_c(out, '>');
      g_array_set_size(stack, stack->len - 1);
      continue;
    }
    const XmppNode *child = top->next;
    top->next = child->next;
    if (child->name == NULL) {
      xmpp_xml_escape_text(out, child->text, -1);
      continue;
    }
    Frame f = {child, child->first, write_start_tag(out, child, top->dflt)};
    if (xmpp_node_n_children(child) == 0) {
      g_string_append(out, "/>");
    } else {
      g_string_append_c(out, '>');
      g_array_append_val(stack, f); /* may move the array: top is not used after this */
    }
  }
  g_array_free(stack, TRUE);
}

char *
xmpp_xml_node_to_string(const XmppNode *node)
{
  g_return_val_if_fail(node != NULL, NULL);
  GString *out = g_string_new(NULL);
  xmpp_xml_write_node(out, node, XMPP_NS_JABBER_CLIENT);
  return g_string_free(out, FALSE);
}

char *
xmpp_xml_stream_header(const char *to, const char *from, const char *lang)
{
  GString *out = g_string_new("<?xml version='1.0'?><stream:stream xmlns='" XMPP_NS_JABBER_CLIENT
                              "' xmlns:stream='" XMPP_NS_STREAM "'");
  if (to != NULL) {
    g_string_append(out, " to='");
    xmpp_xml_escape_attr(out, to, -1);
    g_string_append_c(out, '\'');
  }
  if (from != NULL) {
    g_string_append(out, " from='");
    xmpp_xml_escape_attr(out, from, -1);
    g_string_append_c(out, '\'');
  }
  g_string_append(out, " version='1.0'");
  if (lang != NULL) {
    g_string_append(out, " xml:lang='");
    xmpp_xml_escape_attr(out, lang, -1);
    g_string_append_c(out, '\'');
  }
  g_string_append_c(out, '>');
  return g_string_free(out, FALSE);
}
