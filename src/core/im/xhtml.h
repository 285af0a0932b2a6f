/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XHTML-IM (XEP-0071): incoming bodies sanitised to a whitelist of purple markup, outgoing
 * bodies reduced to the same whitelist with their plain text, and plain text escaped for purple
 * (T50). Pure functions. */
#pragma once

#include "xml/node.h"
#include "im/namespaces.h"

G_BEGIN_DECLS

/* Element nesting kept from an incoming body; deeper content is kept as text only. */
#define XMPP_XHTML_MAX_DEPTH 32

/* Text escaped for purple markup with g_markup_escape_text: & < > " ' become entities (and
 * control characters character references); invalid UTF-8 is repaired first. */
char *xmpp_xhtml_escape(const char *text);
/* May a link point there? http, https, xmpp and mailto only (XEP-0071 §8), case-insensitive,
 * surrounding whitespace ignored; never file:, javascript:, data: or relative links. */
gboolean xmpp_xhtml_href_allowed(const char *href);
/* Which names a filtered style uses: purple markup (what Pidgin shows: `background`) or
 * XHTML-IM (what XEP-0071 lists: `background-color`). */
typedef enum {
  XMPP_XHTML_PURPLE,
  XMPP_XHTML_WIRE,
} XmppXhtmlDialect;

/* The declarations of a style attribute we keep, in the dialect's names: color,
 * background(-color), font-family, font-size (keywords only), font-style, font-weight,
 * text-decoration and text-align, each with a value of its own kind (colours, font names,
 * keywords: never url(), expression(), quotes or escapes); the first of a name wins. NULL when
 * none is left. */
char *xmpp_xhtml_filter_style(const char *style, XmppXhtmlDialect dialect);
/* An XHTML <body/> element (or its <html/> parent: the first body is used) to purple markup
 * with only the whitelisted elements and attributes; everything else becomes escaped text or is
 * dropped (script, style, object...). NULL when no visible text is left. */
char *xmpp_xhtml_to_markup(const XmppNode *body);

/* What to send for an XHTML fragment (the inside of a body, as purple_markup_html_to_xhtml makes
 * it). FALSE, with nothing set, when it is not well-formed XML (or closes the body). Otherwise the
 * fragment goes through the incoming whitelist, reduced to XEP-0071's recommended profile: b, i
 * and u become strong, em and a styled span; only href (as incoming) and filtered styles
 * (XMPP_XHTML_WIRE) survive; unknown elements leave their text, script and the like go with
 * theirs, images become links. *html (may be NULL) receives the <html xmlns=XEP-0071/> element,
 * or NULL when nothing but text and line breaks is left, or no visible text (then the plain body
 * alone is enough, XEP-0071 §7); *plain (may be NULL) the same content as plain text for <body/>:
 * entities resolved, line breaks and block ends as newlines, a link's address after its words as
 * " <url>" unless the words are the address. */
gboolean xmpp_xhtml_build(const char *fragment, XmppNode **html, char **plain);

G_END_DECLS
