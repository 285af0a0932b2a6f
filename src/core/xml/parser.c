/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppParser: libxml2 SAX2 push parser turned into stream-open / stanza / stream-close events,
 * enforcing hard limits on partial input (RFC 6120 §11 refusals are in parser-restrict.c). */
#include "xml/parser-private.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <string.h>

/* Input is handed to libxml2 in slices of at most this size, and the stanza byte limit is
 * checked after each slice: libxml2 never buffers more than limit + SLICE bytes for us. */
#define FEED_SLICE (16 * 1024)

/* Not G_DEFINE_QUARK: clang-format spaces its unquoted name ("xmpp - ... - quark"). */
GQuark
xmpp_xml_error_quark(void)
{
  return g_quark_from_static_string("xmpp-xml-error-quark");
}

static void
halt(XmppParser *p)
{
  if (p->ctxt != NULL && !p->halted) {
    /* Also frees libxml2's input buffer: nothing buffered survives. */
    xmlStopParser(p->ctxt);
    p->halted = TRUE;
  }
}

void
xmpp_parser_fail(XmppParser *p, XmppXmlError code, const char *fmt, ...)
{
  if (p->error == NULL) {
    va_list ap;
    va_start(ap, fmt);
    p->error = g_error_new_valist(XMPP_XML_ERROR, code, fmt, ap);
    va_end(ap);
  }
  halt(p);
}

/* ---- errors from libxml2 ---- */

static void
sax_structured_error(void *ud, xmlErrorPtr e)
{
  XmppParser *p = ud;
  if (e == NULL || e->level == XML_ERR_NONE || e->level == XML_ERR_WARNING)
    return; /* e.g. "xmlns: URI jabber:client is not absolute" */
  switch (e->code) {
    case XML_ERR_UNSUPPORTED_ENCODING:
    case XML_ERR_UNKNOWN_ENCODING:
      xmpp_parser_fail(p, XMPP_XML_ERROR_UNSUPPORTED_ENCODING,
                       "unsupported encoding (RFC 6120 §11.6)");
      break;
    case XML_ERR_NAME_TOO_LONG:
      xmpp_parser_fail(p, XMPP_XML_ERROR_POLICY_VIOLATION, "name too long");
      break;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
    case XML_ERR_ENTITY_LOOP:
    case XML_ERR_ENTITY_PE_INTERNAL:
      xmpp_parser_restrict_refuse(p, "entity reference");
      break;
    default:
      /* Includes XML_NS_ERR_UNDEFINED_NAMESPACE: an unbound prefix breaks the namespace
       * well-formedness that RFC 6120 §4.9.3.13 requires, so it is not-well-formed. */
      xmpp_parser_fail(p, XMPP_XML_ERROR_NOT_WELL_FORMED,
                       "not well-formed (libxml2 error %d, line %d)", e->code, e->line);
      break;
  }
}

/* ---- document and elements ---- */

/* Bytes libxml2 holds after the construct whose callback is running. */
static gsize
buffered_after_current(XmppParser *p)
{
  xmlParserInputPtr in = p->ctxt->input;
  const xmlChar *cur = in->cur;
  if (p->in_start_tag) {
    /* startElementNs runs before the tag's "/>" or ">" is consumed. */
    if (cur < in->end && *cur == '/')
      cur++;
    if (cur < in->end && *cur == '>')
      cur++;
  }
  return cur <= in->end ? (gsize)(in->end - cur) : 0;
}

/* SAX2 passes attribute values (and namespace names, which are attribute values too) decoded,
 * except that with entity substitution off (we never turn it on) an '&' coming from "&amp;" or
 * "&#38;" is handed over as the five bytes "&#38;", and no other '&' can reach us. Undo exactly
 * that while copying len bytes to dst (which has room for len + 1); returns the end, NUL
 * written. Decoding only shrinks, so sizes computed from the raw lengths are enough. */
static char *
copy_decoded(char *dst, const char *src, gsize len)
{
  const char *end = src + len;
  const char *amp;
  while ((amp = memchr(src, '&', (gsize)(end - src))) != NULL) {
    memcpy(dst, src, (gsize)(amp - src));
    dst += amp - src;
    *dst++ = '&';
    src = (end - amp >= 5 && memcmp(amp, "&#38;", 5) == 0) ? amp + 5 : amp + 1;
  }
  memcpy(dst, src, (gsize)(end - src));
  dst += end - src;
  *dst = '\0';
  return dst;
}

/* The byte limit of what is being parsed now. */
static gsize
current_limit(const XmppParser *p)
{
  return p->large ? p->limits.max_large_stanza_bytes : p->limits.max_stanza_bytes;
}

/* Fails the parser when `size` bytes exceed the current limit. */
static gboolean
within_limit(XmppParser *p, gsize size)
{
  gsize limit = current_limit(p);
  if (size <= limit)
    return TRUE;
  xmpp_parser_fail(p, XMPP_XML_ERROR_POLICY_VIOLATION,
                   "stanza larger than %" G_GSIZE_FORMAT " bytes", limit);
  return FALSE;
}

/* At the end of a stanza (or the header): its exact size is known here, whatever the chunking,
 * so a stanza over the limit is refused even when it completed inside one slice. */
static gboolean
check_boundary(XmppParser *p)
{
  gsize after = buffered_after_current(p);
  gsize size = p->since_boundary > after ? p->since_boundary - after : 0;
  if (!within_limit(p, size))
    return FALSE;
  p->since_boundary = after;
  p->large = FALSE;
  return TRUE;
}

/* One allocation per element (node.c's layout): libxml2's strings are copied, since the tree
 * outlives its dictionary and input buffer. */
static XmppNode *
build_element(XmppParser *p, const xmlChar *localname, const xmlChar *uri, int nb_attributes,
              const xmlChar **attributes)
{
  const char *ns = uri != NULL ? (const char *)uri : "";
  gsize ns_len = strlen(ns), name_len = strlen((const char *)localname);
  gsize bytes = ns_len + name_len + 2;
  for (int i = 0; i < nb_attributes; i++) {
    const xmlChar **a = attributes + 5 * i; /* localname, prefix, URI, value, end */
    bytes += strlen((const char *)a[0]) + (gsize)(a[4] - a[3]) + 2;
    if (a[2] != NULL)
      bytes += strlen((const char *)a[2]) + 1;
  }
  char *t;
  XmppNode *node = xmpp_node_alloc_block((guint)nb_attributes, bytes, &t);
  node->ns = t;
  t = copy_decoded(t, ns, ns_len) + 1;
  node->name = t;
  memcpy(t, localname, name_len + 1);
  t += name_len + 1;
  for (int i = 0; i < nb_attributes; i++) {
    const xmlChar **a = attributes + 5 * i;
    XmppAttr *attr = &node->attrs[i];
    gsize len = strlen((const char *)a[0]); /* names cannot hold '&' */
    attr->name = t;
    memcpy(t, a[0], len + 1);
    t += len + 1;
    attr->value = t;
    t = copy_decoded(t, (const char *)a[3], (gsize)(a[4] - a[3])) + 1;
    attr->ns = NULL;
    if (a[2] != NULL && a[2][0] != '\0') {
      attr->ns = t;
      t = copy_decoded(t, (const char *)a[2], strlen((const char *)a[2])) + 1;
    }
  }
  return node;
}

/* Character data is gathered in p->text and attached when the element's next child or end
 * comes: libxml2 hands text over in pieces of at most a few hundred bytes, and appending each
 * to the tree would copy the text again on every piece. */
static void
flush_text(XmppParser *p)
{
  if (p->text->len > 0 && p->current != NULL) {
    xmpp_node_add_text(p->current, p->text->str, (gssize)p->text->len);
    g_string_truncate(p->text, 0);
  }
}

/* RFC 6120 §4.8: the stream element, its namespace and the content namespace. */
static gboolean
check_stream_header(XmppParser *p, const xmlChar *localname, const xmlChar *prefix,
                    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces)
{
  if (uri == NULL || strcmp((const char *)uri, XMPP_NS_STREAM) != 0 ||
      strcmp((const char *)localname, "stream") != 0) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_INVALID_NAMESPACE,
                     "stream root is not {%s}stream (RFC 6120 §4.8.1)", XMPP_NS_STREAM);
    return FALSE;
  }
  /* §4.8.5: an implementation MAY accept only the 'stream:' prefix; the example in §4.9.3.2
   * (bad-namespace-prefix) is a stream element with another prefix. */
  if (prefix == NULL || strcmp((const char *)prefix, "stream") != 0) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_BAD_NAMESPACE_PREFIX,
                     "stream element must use the prefix 'stream'");
    return FALSE;
  }
  const char *content_ns = NULL;
  for (int i = 0; i < nb_namespaces; i++) {
    if (namespaces[2 * i] == NULL)
      content_ns = (const char *)namespaces[2 * i + 1];
  }
  /* §4.8.2: we are a client; jabber:server or jabber:component streams are not ours. */
  if (content_ns == NULL || strcmp(content_ns, XMPP_NS_JABBER_CLIENT) != 0) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_INVALID_NAMESPACE,
                     "content namespace is not %s (RFC 6120 §4.8.2)", XMPP_NS_JABBER_CLIENT);
    return FALSE;
  }
  return TRUE;
}

static void
sax_start_element(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                  int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                  int nb_defaulted, const xmlChar **attributes)
{
  XmppParser *p = ud;
  if (p->error != NULL || p->halted)
    return;
  if (prefix != NULL && uri == NULL) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_NOT_WELL_FORMED, "unbound namespace prefix %s", prefix);
    return;
  }
  for (int i = 0; i < nb_attributes; i++) {
    if (attributes[5 * i + 1] != NULL && attributes[5 * i + 2] == NULL) {
      xmpp_parser_fail(p, XMPP_XML_ERROR_NOT_WELL_FORMED, "unbound namespace prefix %s",
                       attributes[5 * i + 1]);
      return;
    }
    if (strlen((const char *)attributes[5 * i]) > XMPP_XML_MAX_NAME_BYTES) {
      xmpp_parser_fail(p, XMPP_XML_ERROR_POLICY_VIOLATION, "attribute name too long");
      return;
    }
  }
  if (strlen((const char *)localname) > XMPP_XML_MAX_NAME_BYTES) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_POLICY_VIOLATION, "element name too long");
    return;
  }
  if ((guint)nb_attributes + (guint)nb_namespaces > p->limits.max_attrs) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_POLICY_VIOLATION, "more than %u attributes",
                     p->limits.max_attrs);
    return;
  }
  if (p->level == 0) {
    if (!check_stream_header(p, localname, prefix, uri, nb_namespaces, namespaces))
      return;
    /* The version attribute is delivered as is: the stream layer decides what a missing or
     * other version means (RFC 6120 §4.7.5, unsupported-version). */
    p->in_start_tag = TRUE;
    if (!check_boundary(p)) {
      p->in_start_tag = FALSE;
      return;
    }
    XmppNode *header = build_element(p, localname, uri, nb_attributes, attributes);
    p->level = 1;
    if (p->cb.stream_start != NULL)
      p->cb.stream_start(p->user_data, header);
    p->in_start_tag = FALSE;
    xmpp_node_free(header);
    return;
  }
  if (p->level > p->limits.max_depth) { /* the stanza itself is level 1 */
    xmpp_parser_fail(p, XMPP_XML_ERROR_POLICY_VIOLATION, "elements nested deeper than %u",
                     p->limits.max_depth);
    return;
  }
  XmppNode *node = build_element(p, localname, uri, nb_attributes, attributes);
  if (p->level == 1) {
    p->stanza = node;
    /* Only the start tag is known here: the callback decides from name and attributes. */
    p->large = p->cb.allow_large != NULL &&
               p->limits.max_large_stanza_bytes > p->limits.max_stanza_bytes &&
               p->cb.allow_large(p->user_data, node);
  } else {
    flush_text(p);
    xmpp_node_add_child(p->current, node);
  }
  p->current = node;
  p->level++;
}

static void
sax_end_element(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  XmppParser *p = ud;
  if (p->error != NULL || p->halted || p->level == 0)
    return;
  if (p->level == 1) {
    /* </stream:stream>: nothing after it is delivered (T12) unless the callback resets. */
    p->level = 0;
    p->closed = TRUE;
    if (p->cb.stream_end != NULL)
      p->cb.stream_end(p->user_data);
    if (!p->reset_pending)
      halt(p);
    return;
  }
  flush_text(p);
  p->level--;
  if (p->level > 1) {
    p->current = p->current->parent;
    return;
  }
  XmppNode *stanza = p->stanza;
  p->stanza = p->current = NULL;
  if (!check_boundary(p)) {
    xmpp_node_free(stanza);
    return;
  }
  if (p->cb.stanza != NULL)
    p->cb.stanza(p->user_data, stanza);
  else
    xmpp_node_free(stanza);
}

static void
sax_characters(void *ud, const xmlChar *ch, int len)
{
  XmppParser *p = ud;
  if (p->error != NULL || p->halted || len <= 0)
    return;
  if (p->level >= 2) {
    g_string_append_len(p->text, (const char *)ch, len);
    return;
  }
  /* Between stanzas: whitespace keepalives (RFC 6120 §4.6.1) end a stanza-byte count.
   * Other text there is meaningless and ignored, but keeps counting towards the limit. */
  for (int i = 0; i < len; i++) {
    if (ch[i] != ' ' && ch[i] != '\t' && ch[i] != '\n' && ch[i] != '\r')
      return;
  }
  p->since_boundary = buffered_after_current(p);
}

static void
sax_cdata(void *ud, const xmlChar *ch, int len)
{
  /* libxml2 2.9.14's push parser checks CDATA sections with a looser UTF-8 test that lets
   * overlong forms such as C0 AF through (found by fuzz-xml-parser). GLib's check is strict. */
  if (len > 0 && !g_utf8_validate((const char *)ch, len, NULL)) {
    xmpp_parser_fail(ud, XMPP_XML_ERROR_NOT_WELL_FORMED, "invalid UTF-8 in a CDATA section");
    return;
  }
  sax_characters(ud, ch, len);
}

/* ---- lifecycle ---- */

XmppParser *
xmpp_parser_new(const XmppParserCallbacks *callbacks, gpointer user_data,
                const XmppParserLimits *limits)
{
  g_return_val_if_fail(callbacks != NULL, NULL);
  xmlInitParser();
  XmppParser *p = g_new0(XmppParser, 1);
  p->cb = *callbacks;
  p->user_data = user_data;
  p->limits.max_stanza_bytes = XMPP_XML_MAX_STANZA_BYTES;
  p->limits.max_depth = XMPP_XML_MAX_DEPTH;
  p->limits.max_attrs = XMPP_XML_MAX_ATTRS;
  if (limits != NULL) { /* 0 keeps the default */
    if (limits->max_stanza_bytes > 0)
      p->limits.max_stanza_bytes = limits->max_stanza_bytes;
    if (limits->max_depth > 0)
      p->limits.max_depth = limits->max_depth;
    if (limits->max_attrs > 0)
      p->limits.max_attrs = limits->max_attrs;
    p->limits.max_large_stanza_bytes = limits->max_large_stanza_bytes;
  }
  p->text = g_string_sized_new(256);

  xmlSAXVersion(&p->sax, 2);
  xmlSAXHandler *h = &p->sax;
  xmpp_parser_restrict_install(h); /* RFC 6120 §11: DTDs, comments, PIs, entities, encoding */
  h->endDocument = NULL;
  h->startElementNs = sax_start_element;
  h->endElementNs = sax_end_element;
  h->startElement = NULL;
  h->endElement = NULL;
  h->characters = sax_characters;
  h->ignorableWhitespace = sax_characters;
  h->cdataBlock = sax_cdata; /* CDATA is not restricted by RFC 6120 §11.1: plain text */
  h->serror = sax_structured_error;
  h->warning = NULL;
  h->error = NULL;
  h->fatalError = NULL;
  return p;
}

static gboolean
ensure_ctxt(XmppParser *p)
{
  if (p->ctxt != NULL)
    return TRUE;
  /* No initial chunk, so libxml2 installs no input decoder and its buffer holds exactly the
   * bytes we fed: that is what lets a reset from a callback find the unconsumed rest.
   * (2.9.14's xmlCreatePushParserCtxt takes no encoding; forcing "UTF-8" through
   * xmlCtxtResetPush only adds a UTF-8 to UTF-8 converter and does not stop a declared
   * encoding from switching, so UTF-8 is enforced in sax_start_document instead.) */
  p->ctxt = xmlCreatePushParserCtxt(&p->sax, p, NULL, 0, NULL);
  if (p->ctxt == NULL)
    return FALSE;
  /* Never XML_PARSE_NOENT, XML_PARSE_DTDLOAD or XML_PARSE_HUGE: libxml2's own depth and
   * name limits stay on, and nothing is substituted or loaded. */
  xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET);
  p->halted = FALSE;
  return TRUE;
}

static void
reset_state(XmppParser *p)
{
  if (p->ctxt != NULL) {
    xmlFreeParserCtxt(p->ctxt);
    p->ctxt = NULL;
  }
  xmpp_node_free(p->stanza);
  p->stanza = p->current = NULL;
  g_string_truncate(p->text, 0);
  p->level = 0;
  p->since_boundary = 0;
  p->large = FALSE;
  g_clear_error(&p->error);
  p->halted = p->stopped = p->closed = FALSE;
  p->reset_pending = FALSE;
}

static void
parser_destroy(XmppParser *p)
{
  reset_state(p);
  g_free(p->remainder);
  g_string_free(p->text, TRUE);
  g_free(p);
}

void
xmpp_parser_free(XmppParser *parser)
{
  if (parser == NULL)
    return;
  if (parser->in_feed) {
    /* Called from one of our callbacks: libxml2 is still running; free on the way out. */
    parser->free_pending = TRUE;
    halt(parser);
    return;
  }
  parser_destroy(parser);
}

void
xmpp_parser_reset(XmppParser *parser)
{
  g_return_if_fail(parser != NULL);
  if (!parser->in_feed) {
    reset_state(parser);
    return;
  }
  /* From a callback (stream restart after SASL success, RFC 6120 §6.4.6): the bytes after the
   * construct that fired belong to the new document, e.g. the server's new stream header
   * arriving in the same read as <success/>. Keep them, then stop this document. */
  if (!parser->reset_pending && !parser->halted && parser->ctxt != NULL) {
    xmlParserInputPtr in = parser->ctxt->input;
    gsize rest = buffered_after_current(parser);
    g_free(parser->remainder);
    parser->remainder = g_malloc(rest + 1);
    memcpy(parser->remainder, in->end - rest, rest);
    parser->remainder_len = rest;
  }
  parser->reset_pending = TRUE;
  halt(parser);
}

void
xmpp_parser_stop(XmppParser *parser)
{
  g_return_if_fail(parser != NULL);
  parser->stopped = TRUE;
  /* RFC 6120 §5.4.3.3: whatever followed <proceed/> in the same read is discarded (T15). */
  halt(parser);
  g_clear_pointer(&parser->remainder, g_free);
  parser->remainder_len = 0;
  parser->reset_pending = FALSE;
  if (!parser->in_feed && parser->ctxt != NULL) {
    xmlFreeParserCtxt(parser->ctxt);
    parser->ctxt = NULL;
  }
}

/* Feeds one slice to libxml2 and enforces the byte limit. */
static void
parse_slice(XmppParser *p, const char *data, gsize len)
{
  if (p->level == 0 && p->ctxt == NULL && len > 0 &&
      !xmpp_parser_restrict_check_first_byte(p, (guchar)data[0]))
    return;
  if (!ensure_ctxt(p)) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_POLICY_VIOLATION, "out of memory");
    return;
  }
  p->since_boundary += len;
  p->in_feed = TRUE;
  int rc = xmlParseChunk(p->ctxt, data, (int)len, 0);
  p->in_feed = FALSE;
  if (p->free_pending || p->reset_pending || p->stopped || p->closed || p->error != NULL)
    return;
  /* Checked on partial data: a stanza that never ends is stopped at limit + one slice. */
  if (!within_limit(p, p->since_boundary))
    return;
  if ((p->halted || rc != 0) && p->error == NULL) /* libxml2 gave up without a report */
    xmpp_parser_fail(p, XMPP_XML_ERROR_NOT_WELL_FORMED, "not well-formed");
}

gboolean
xmpp_parser_feed(XmppParser *parser, const char *data, gsize len, GError **error)
{
  g_return_val_if_fail(parser != NULL, FALSE);
  g_return_val_if_fail(data != NULL || len == 0, FALSE);
  g_return_val_if_fail(!parser->in_feed, FALSE);
  XmppParser *p = parser;

  /* The input still to parse is `pending` (bytes kept over a reset) followed by data. */
  char *pending = NULL;
  gsize pending_len = 0, pending_off = 0;
  while (p->error == NULL && !p->stopped && !p->closed) {
    const char *chunk;
    gsize n;
    if (pending_off < pending_len) {
      chunk = pending + pending_off;
      n = MIN(pending_len - pending_off, FEED_SLICE);
      pending_off += n;
    } else if (len > 0) {
      chunk = data;
      n = MIN(len, FEED_SLICE);
      data += n;
      len -= n;
    } else {
      break;
    }
    parse_slice(p, chunk, n);
    if (p->free_pending) {
      g_free(pending);
      parser_destroy(p);
      return TRUE;
    }
    if (p->reset_pending) {
      /* New pending input: what the old document left over, then the unfed part of pending. */
      char *rest = p->remainder;
      gsize rest_len = p->remainder_len;
      p->remainder = NULL;
      p->remainder_len = 0;
      reset_state(p);
      GByteArray *b = g_byte_array_sized_new((guint)(rest_len + pending_len - pending_off));
      g_byte_array_append(b, (const guint8 *)rest, (guint)rest_len);
      if (pending_off < pending_len)
        g_byte_array_append(b, (const guint8 *)pending + pending_off,
                            (guint)(pending_len - pending_off));
      g_free(rest);
      g_free(pending);
      pending_len = b->len;
      pending_off = 0;
      pending = (char *)g_byte_array_free(b, FALSE);
    }
  }
  g_free(pending);
  if (p->stopped && p->ctxt != NULL) {
    xmlFreeParserCtxt(p->ctxt);
    p->ctxt = NULL;
  }
  if (p->error != NULL) {
    if (error != NULL)
      *error = g_error_copy(p->error);
    return FALSE;
  }
  return TRUE;
}
