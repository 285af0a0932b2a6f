/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XHTML-IM (XEP-0071): incoming bodies sanitised to a whitelist of purple markup, outgoing
 * bodies checked, and plain text escaped for purple (T50). Pure functions. */
#pragma once

#include "xml/node.h"

G_BEGIN_DECLS

#define XMPP_NS_XHTML_IM "http://jabber.org/protocol/xhtml-im"
#define XMPP_NS_XHTML    "http://www.w3.org/1999/xhtml"

/* Element nesting kept from an incoming body; deeper content is kept as text only. */
#define XMPP_XHTML_MAX_DEPTH 32

/* Text escaped for purple markup: & < > " ' become entities (purple_markup_escape_text). */
char *xmpp_xhtml_escape(const char *text);
/* May a link point there? http, https, xmpp and mailto only (XEP-0071 §8), case-insensitive,
 * surrounding whitespace ignored; never file:, javascript:, data: or relative links. */
gboolean xmpp_xhtml_href_allowed(const char *href);
/* The declarations of a style attribute we keep (color, font-weight, font-style,
 * text-decoration with plain values), or NULL when none is left. */
char *xmpp_xhtml_filter_style(const char *style);
/* An XHTML <body/> element (or its <html/> parent: the first body is used) to purple markup
 * with only the whitelisted elements and attributes; everything else becomes escaped text or is
 * dropped (script, style, object...). NULL when no visible text is left. */
char *xmpp_xhtml_to_markup(const XmppNode *body);

/* The <html xmlns=XEP-0071/> element to send for an XHTML fragment (the inside of a body, as
 * purple_markup_html_to_xhtml makes it), or NULL when it is not well-formed XML or carries no
 * markup at all (then the plain body alone is enough, XEP-0071 §7). */
XmppNode *xmpp_xhtml_build(const char *fragment);

G_END_DECLS
