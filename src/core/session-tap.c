/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session's tap for an XML console: redacted copies of every element in and out, their
 * indented text, and the check of what the user types (session-tap.h). */
#include <string.h>

#include "im/namespaces.h"
#include "router/namespaces.h"
#include "services/namespaces.h"
#include "session-private.h"
#include "session-tap.h"
#include "stream/namespaces.h"
#include "xml/parser.h"
#include "xml/writer.h"

/* Secrets this file knows of that have no namespace constant elsewhere in the core. */
#define NS_SASL2   "urn:xmpp:sasl:2"                /* XEP-0388 */
#define NS_FAST    "urn:xmpp:fast:0"                /* XEP-0484 */
#define NS_MUC     "http://jabber.org/protocol/muc" /* XEP-0045 */
#define NS_UPLOAD  "urn:xmpp:http:upload:0"         /* XEP-0363 */
#define MAX_INDENT 32                               /* deeper levels are written on one line */

/* ---- the tap ------------------------------------------------------------------------------ */

void
xmpp_session_set_tap(XmppSession *session, XmppSessionTap tap, gpointer data)
{
  g_return_if_fail(session != NULL);
  session->tap = tap;
  session->tap_data = tap != NULL ? data : NULL;
}

void
xmpp_session_tap_element(XmppSession *session, XmppTapDirection direction, const XmppNode *element)
{
  if (session->tap == NULL || element == NULL || element->name == NULL)
    return;
  g_autoptr(XmppNode) shown = xmpp_tap_redact(element);
  session->tap(session->tap_data, direction, shown);
}

/* ---- redaction ---------------------------------------------------------------------------- */

static gboolean
name_in(const XmppNode *node, const char *ns, const char *const *names)
{
  if (g_strcmp0(node->ns, ns) != 0)
    return FALSE;
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp(node->name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A var that names a password or a secret (XEP-0077 §6 "password", XEP-0133 "password-verify",
 * XEP-0045 "muc#roomconfig_roomsecret", ...), whatever the case. */
static gboolean
names_a_secret(const char *var)
{
  if (var == NULL)
    return FALSE;
  g_autofree char *low = g_ascii_strdown(var, -1);
  return strstr(low, "password") != NULL || strstr(low, "secret") != NULL;
}

/* Is the text of this element a secret? */
static gboolean
is_secret(const XmppNode *node)
{
  static const char *const sasl[] = {"auth", "response", "challenge", "success", NULL};
  static const char *const sasl2[] = {"initial-response", "response", "challenge",
                                      "additional-data", NULL};
  static const char *const legacy[] = {"password", "digest", "hash", "token", NULL};
  static const char *const password[] = {"password", NULL};
  if (name_in(node, XMPP_NS_SASL, sasl) || name_in(node, NS_SASL2, sasl2) ||
      name_in(node, XMPP_NS_IQ_AUTH, legacy) || name_in(node, XMPP_NS_REGISTER, password) ||
      name_in(node, NS_MUC, password) || name_in(node, XMPP_NS_MUC_USER, password))
    return TRUE;
  const XmppNode *parent = node->parent;
  /* XEP-0004: a field's values, when the field is private or named as a secret. */
  if (xmpp_node_is(node, XMPP_NS_XDATA, "value") && parent != NULL &&
      xmpp_node_is(parent, XMPP_NS_XDATA, "field"))
    return g_strcmp0(xmpp_node_get_attr(parent, "type"), "text-private") == 0 ||
           names_a_secret(xmpp_node_get_attr(parent, "var"));
  /* XEP-0363 §5: headers the upload slot gives for the PUT. */
  if (xmpp_node_is(node, NS_UPLOAD, "header")) {
    const char *name = xmpp_node_get_attr(node, "name");
    return name == NULL || g_ascii_strcasecmp(name, "Authorization") == 0 ||
           g_ascii_strcasecmp(name, "Cookie") == 0;
  }
  return FALSE;
}

/* Replaces node's text children with XMPP_TAP_HIDDEN (none when there was no text). */
static void
hide_text(XmppNode *node)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new();
  guint n = xmpp_node_n_children(node);
  for (guint i = 0; i < n; i++) {
    XmppNode *child = xmpp_node_nth_child(node, i);
    if (xmpp_node_is_text(child))
      g_ptr_array_add(texts, child);
  }
  gboolean had_text = FALSE;
  for (guint i = 0; i < texts->len; i++) {
    XmppNode *child = texts->pdata[i];
    had_text |= child->text != NULL && *child->text != '\0';
    xmpp_node_free(xmpp_node_steal_child(node, child));
  }
  if (had_text)
    xmpp_node_add_text(node, XMPP_TAP_HIDDEN, -1);
}

XmppNode *
xmpp_tap_redact(const XmppNode *element)
{
  g_return_val_if_fail(element != NULL, NULL);
  XmppNode *copy = xmpp_node_copy(element);
  /* An explicit stack, as the writer does: no depth limit from the C stack. */
  g_autoptr(GPtrArray) todo = g_ptr_array_new();
  if (copy->name != NULL)
    g_ptr_array_add(todo, copy);
  while (todo->len > 0) {
    XmppNode *node = g_ptr_array_steal_index_fast(todo, todo->len - 1);
    if (is_secret(node))
      hide_text(node); /* its elements are still looked at below */
    if (xmpp_node_is(node, NS_FAST, "token") && xmpp_node_get_attr(node, "token") != NULL)
      xmpp_node_set_attr(node, "token", XMPP_TAP_HIDDEN);
    guint n = xmpp_node_n_children(node);
    for (guint i = 0; i < n; i++) {
      XmppNode *child = xmpp_node_nth_child(node, i);
      if (!xmpp_node_is_text(child))
        g_ptr_array_add(todo, child);
    }
  }
  return copy;
}

/* ---- indented text ------------------------------------------------------------------------ */

static gboolean
has_element_child(const XmppNode *node)
{
  return xmpp_node_first_element(node) != NULL;
}

static gboolean
is_blank(const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      return FALSE;
  return TRUE;
}

static void
indent(GString *out, guint depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append(out, "  ");
}

static void
format_element(GString *out, const XmppNode *node, const char *inherited, guint depth)
{
  indent(out, depth);
  if (!has_element_child(node) || depth >= MAX_INDENT) {
    xmpp_xml_write_node(out, node, inherited);
    g_string_append_c(out, '\n');
    return;
  }
  /* The start tag as the writer writes it: attribute values never hold a raw '>' (the writer
   * escapes it), so the tag ends at the first one. */
  GString *whole = g_string_new(NULL);
  xmpp_xml_write_node(whole, node, inherited);
  const char *end = strchr(whole->str, '>');
  g_string_append_len(out, whole->str, end != NULL ? end - whole->str + 1 : (gssize)whole->len);
  g_string_append_c(out, '\n');
  g_string_free(whole, TRUE);
  /* The default namespace in force inside (stream: elements declare none). */
  const char *inside = strcmp(node->ns, XMPP_NS_STREAM) == 0 ? inherited : node->ns;
  guint n = xmpp_node_n_children(node);
  for (guint i = 0; i < n; i++) {
    const XmppNode *child = xmpp_node_nth_child(node, i);
    if (xmpp_node_is_text(child)) {
      if (is_blank(child->text))
        continue;
      indent(out, depth + 1);
      xmpp_xml_escape_text(out, child->text, -1);
      g_string_append_c(out, '\n');
    } else {
      format_element(out, child, inside, depth + 1);
    }
  }
  indent(out, depth);
  g_string_append(out, "</");
  if (strcmp(node->ns, XMPP_NS_STREAM) == 0)
    g_string_append(out, "stream:");
  g_string_append(out, node->name);
  g_string_append(out, ">\n");
}

char *
xmpp_tap_format(const XmppNode *element)
{
  g_return_val_if_fail(element != NULL && element->name != NULL, NULL);
  GString *out = g_string_new(NULL);
  format_element(out, element, XMPP_NS_JABBER_CLIENT, 0);
  if (out->len > 0 && out->str[out->len - 1] == '\n')
    g_string_truncate(out, out->len - 1);
  return g_string_free(out, FALSE);
}

/* ---- what the user types ------------------------------------------------------------------ */

/* The stream the typed stanzas are parsed in: what a server's stream declares. */
#define INPUT_HEADER                                                                               \
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define INPUT_TRAILER "</stream:stream>"

typedef struct {
  GPtrArray *stanzas;
  guint seen;      /* elements delivered, kept or not */
  gboolean closed; /* </stream:stream> came */
  gboolean feeding_trailer;
  gboolean closed_early; /* the user's own text closed the stream */
} InputParse;

static void
input_stanza(gpointer data, XmppNode *stanza)
{
  InputParse *p = data;
  p->seen++;
  if (p->stanzas->len <= XMPP_TAP_MAX_INPUT_STANZAS)
    g_ptr_array_add(p->stanzas, stanza);
  else
    xmpp_node_free(stanza);
}

static void
input_end(gpointer data)
{
  InputParse *p = data;
  p->closed = TRUE;
  p->closed_early = !p->feeding_trailer;
}

static gboolean
is_stanza(const XmppNode *node)
{
  return xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "message") ||
         xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "presence") ||
         xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "iq");
}

/* How a refused element is named to the user: its name as it would be written. */
static char *
element_label(const XmppNode *node)
{
  if (g_strcmp0(node->ns, XMPP_NS_STREAM) == 0)
    return g_strdup_printf("<stream:%s>", node->name);
  if (g_strcmp0(node->ns, XMPP_NS_JABBER_CLIENT) == 0)
    return g_strdup_printf("<%s>", node->name);
  return g_strdup_printf("<%s xmlns='%s'>", node->name, node->ns);
}

XmppTapInput
xmpp_tap_parse_input(const char *text, GPtrArray **stanzas, char **detail)
{
  g_return_val_if_fail(stanzas != NULL, XMPP_TAP_INPUT_EMPTY);
  *stanzas = NULL;
  if (detail != NULL)
    *detail = NULL;
  if (text == NULL || is_blank(text))
    return XMPP_TAP_INPUT_EMPTY;
  g_autofree char *trimmed = g_strstrip(g_strdup(text));
  gsize len = strlen(trimmed);
  /* Text around the stanzas would be dropped by the parser without a word: refuse it. */
  if (trimmed[0] != '<' || trimmed[len - 1] != '>') {
    if (detail != NULL)
      *detail = g_strdup("text outside an element");
    return XMPP_TAP_INPUT_NOT_WELL_FORMED;
  }
  InputParse p = {.stanzas = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free)};
  static const XmppParserCallbacks callbacks = {.stanza = input_stanza, .stream_end = input_end};
  XmppParser *parser = xmpp_parser_new(&callbacks, &p, NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok = xmpp_parser_feed(parser, INPUT_HEADER, strlen(INPUT_HEADER), &error) &&
                xmpp_parser_feed(parser, trimmed, len, &error);
  if (ok && !p.closed) {
    p.feeding_trailer = TRUE;
    ok = xmpp_parser_feed(parser, INPUT_TRAILER, strlen(INPUT_TRAILER), &error);
  }
  xmpp_parser_free(parser);
  XmppTapInput result = XMPP_TAP_INPUT_OK;
  const XmppNode *refused = NULL;
  for (guint i = 0; i < p.stanzas->len && refused == NULL; i++)
    if (!is_stanza(p.stanzas->pdata[i]))
      refused = p.stanzas->pdata[i];
  if (!ok) {
    result = XMPP_TAP_INPUT_NOT_WELL_FORMED;
    if (detail != NULL)
      *detail = g_strdup(error != NULL ? error->message : "not well-formed");
  } else if (p.closed_early || refused != NULL) {
    /* A stream-level element: the user's </stream:stream>, or an element the closing tag
     * above completed (<stream:stream>) or that is not a stanza. */
    result = XMPP_TAP_INPUT_NOT_A_STANZA;
    if (detail != NULL)
      *detail = refused != NULL ? element_label(refused) : g_strdup("</stream:stream>");
  } else if (!p.closed) {
    result = XMPP_TAP_INPUT_NOT_WELL_FORMED;
    if (detail != NULL)
      *detail = g_strdup("an element is not closed");
  } else if (p.seen == 0) {
    result = XMPP_TAP_INPUT_EMPTY;
  } else if (p.seen > XMPP_TAP_MAX_INPUT_STANZAS) {
    result = XMPP_TAP_INPUT_TOO_MANY;
  }
  if (result != XMPP_TAP_INPUT_OK) {
    g_ptr_array_unref(p.stanzas);
    return result;
  }
  *stanzas = p.stanzas;
  return XMPP_TAP_INPUT_OK;
}
