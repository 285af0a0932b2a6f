/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Serialisation of XmppNode trees and stream headers, with correct escaping. */
#pragma once

#include "xml/node.h"

G_BEGIN_DECLS

/* Text given to the writer comes from our own code and should be valid UTF-8 made of XML 1.0
 * characters. Both escape functions sanitise: invalid UTF-8 and characters XML 1.0 forbids
 * (C0 controls except TAB/LF/CR, U+FFFE, U+FFFF) become U+FFFD, so that we never send a stream
 * the server must reject. Elements in the streams namespace are written with the prefix
 * "stream:", which our stream header binds. */

/* Appends text escaped for character data (& < > and CR; nothing else changed). */
void xmpp_xml_escape_text(GString *out, const char *text, gssize len);
/* Appends text escaped for a single- or double-quoted attribute value (& < > ' " and
 * \t \n \r as character references so they survive attribute normalisation). */
void xmpp_xml_escape_attr(GString *out, const char *text, gssize len);

/* Appends the serialisation of node. parent_ns is the default namespace in force where the node
 * is written (for stanzas inside a client stream: "jabber:client"); an xmlns attribute is
 * emitted only when the node's namespace differs. Iterative: any depth. */
void xmpp_xml_write_node(GString *out, const XmppNode *node, const char *parent_ns);
/* Convenience: serialise with parent_ns "jabber:client". */
char *xmpp_xml_node_to_string(const XmppNode *node);

/* "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream=... to=... version='1.0'
 * xml:lang=...>" from is optional (NULL). */
char *xmpp_xml_stream_header(const char *to, const char *from, const char *lang);

G_END_DECLS
