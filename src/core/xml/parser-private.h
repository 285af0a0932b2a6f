/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to parser.c and parser-restrict.c: the XmppParser struct and what the two share. */
#pragma once

#include "xml/parser.h"

#include <libxml/parser.h>

G_BEGIN_DECLS

struct _XmppParser {
  XmppParserCallbacks cb;
  gpointer user_data;
  XmppParserLimits limits;
  xmlSAXHandler sax;
  xmlParserCtxtPtr ctxt; /* NULL until the first byte of a document */

  guint level;          /* open elements, the stream header included */
  XmppNode *stanza;     /* depth-1 element being built */
  XmppNode *current;    /* innermost open element inside stanza */
  GString *text;        /* character data not yet attached to current */
  gsize since_boundary; /* bytes fed since the last stanza boundary */
  gboolean large;       /* the stanza being built may grow to limits.max_large_stanza_bytes */

  GError *error;         /* first violation; sticky until reset */
  gboolean in_feed;      /* inside xmlParseChunk: libxml2 is on the C stack */
  gboolean in_start_tag; /* inside startElementNs: ctxt->input->cur is on the '>' or "/>" */
  gboolean halted;       /* xmlStopParser was called on ctxt */
  gboolean stopped;      /* xmpp_parser_stop(): discard everything until reset */
  gboolean closed;       /* </stream:stream> seen */
  gboolean reset_pending, free_pending;
  char *remainder; /* bytes libxml2 had not consumed when reset was called from a callback */
  gsize remainder_len;
};

/* Records the first error (sticky until reset) and stops libxml2 (parser.c). */
G_GNUC_INTERNAL void xmpp_parser_fail(XmppParser *p, XmppXmlError code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* RFC 6120 §11 restrictions (parser-restrict.c). */
/* Fails with XMPP_XML_ERROR_RESTRICTED_XML, "restricted XML: <what>". */
G_GNUC_INTERNAL void xmpp_parser_restrict_refuse(XmppParser *p, const char *what);
/* Installs the hooks that refuse DTDs, comments, PIs and entities and check the encoding and
 * XML version; the caller sets the element, text and error hooks. */
G_GNUC_INTERNAL void xmpp_parser_restrict_install(xmlSAXHandler *h);
/* Checks the first byte of a document; FALSE (and the parser failed) if it cannot be UTF-8. */
G_GNUC_INTERNAL gboolean xmpp_parser_restrict_check_first_byte(XmppParser *p, guchar c);

/* Node internals the parser builds with (node.c). One allocation for an element with n_attrs
 * attributes: returns the node with attrs pointing at n_attrs uninitialised slots, and in
 * *strings the start of string_bytes bytes after them. The caller points ns, name and every
 * attribute's name, value and ns (or NULL) into those bytes (see the layout in node.c). */
G_GNUC_INTERNAL XmppNode *xmpp_node_alloc_block(guint n_attrs, gsize string_bytes, char **strings);

G_END_DECLS
