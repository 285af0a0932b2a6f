/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XHTML-IM (XEP-0071) sanitiser: a whitelist, never a blacklist. Pidgin ran file: links
 * (CVE-2011-3185, CVE-2013-6486) and rendered what peers sent; here only known-harmless
 * elements and attributes survive, and all text is escaped (T50). */
#include "im/xhtml.h"

#include <string.h>

#include "xml/parser.h"

/* Elements copied as they are (XEP-0071 §6 "recommended profile", minus images). */
static const char *const kept_elements[] = {
    "a", "br",         "p",    "span", "strong", "em", "b",  "i",
    "u", "blockquote", "cite", "code", "pre",    "ul", "ol", "li",
};
/* Elements dropped with everything inside them: their content is code, not text. */
static const char *const dropped_elements[] = {
    "script", "style",    "object",   "iframe",   "embed", "applet", "head",  "title",
    "frame",  "frameset", "noscript", "template", "svg",   "math",   "audio", "video",
};
static const char *const link_schemes[] = {"http", "https", "xmpp", "mailto"};
static const char *const style_properties[] = {"color", "font-weight", "font-style",
                                               "text-decoration"};

static gboolean
in_list(const char *name, const char *const *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp(name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
append_escaped(GString *out, const char *text)
{
  for (const char *p = text; *p != '\0'; p++) {
    switch (*p) {
      case '&':
        g_string_append(out, "&amp;");
        break;
      case '<':
        g_string_append(out, "&lt;");
        break;
      case '>':
        g_string_append(out, "&gt;");
        break;
      case '"':
        g_string_append(out, "&quot;");
        break;
      case '\'':
        g_string_append(out, "&apos;");
        break;
      default:
        g_string_append_c(out, *p);
    }
  }
}

char *
xmpp_xhtml_escape(const char *text)
{
  GString *out = g_string_new(NULL);
  if (text != NULL)
    append_escaped(out, text);
  return g_string_free(out, FALSE);
}

gboolean
xmpp_xhtml_href_allowed(const char *href)
{
  if (href == NULL)
    return FALSE;
  /* Browsers ignore leading/trailing whitespace and control characters in URLs. */
  char *h = g_strdup(href);
  char *s = h;
  while (*s != '\0' && (guchar)*s <= ' ')
    s++;
  gsize len = strlen(s);
  while (len > 0 && (guchar)s[len - 1] <= ' ')
    s[--len] = '\0';
  gboolean ok = FALSE;
  const char *colon = strchr(s, ':');
  if (colon != NULL && colon > s) {
    char *scheme = g_strndup(s, (gsize)(colon - s));
    ok = in_list(scheme, link_schemes, G_N_ELEMENTS(link_schemes));
    g_free(scheme);
  }
  /* No control characters or spaces anywhere inside: they hide schemes from naive checks. */
  for (const char *p = s; ok && *p != '\0'; p++)
    if ((guchar)*p < ' ' || *p == 0x7f)
      ok = FALSE;
  g_free(h);
  return ok;
}

/* A CSS value we pass on: words, numbers, #hex, commas and rgb(...), nothing that can load
 * or run anything (no url(), expression(), quotes, backslashes or comments). */
static gboolean
style_value_ok(const char *value)
{
  if (*value == '\0')
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum(*p) && strchr("#%.,() -", *p) == NULL)
      return FALSE;
  char *lower = g_ascii_strdown(value, -1);
  gboolean ok = strstr(lower, "url") == NULL && strstr(lower, "expression") == NULL;
  g_free(lower);
  return ok;
}

char *
xmpp_xhtml_filter_style(const char *style)
{
  if (style == NULL)
    return NULL;
  GString *out = g_string_new(NULL);
  char **decls = g_strsplit(style, ";", 0);
  for (char **d = decls; *d != NULL; d++) {
    char *colon = strchr(*d, ':');
    if (colon == NULL)
      continue;
    *colon = '\0';
    char *prop = g_strstrip(*d);
    char *value = g_strstrip(colon + 1);
    if (!in_list(prop, style_properties, G_N_ELEMENTS(style_properties)) || !style_value_ok(value))
      continue;
    char *lprop = g_ascii_strdown(prop, -1);
    g_string_append_printf(out, "%s%s: %s", out->len > 0 ? "; " : "", lprop, value);
    g_free(lprop);
  }
  g_strfreev(decls);
  if (out->len == 0) {
    g_string_free(out, TRUE);
    return NULL;
  }
  return g_string_free(out, FALSE);
}

typedef struct {
  GString *out;
  gboolean visible; /* some non-blank text was written */
} Sanitiser;

static void
add_text(Sanitiser *s, const char *text)
{
  for (const char *p = text; *p != '\0' && !s->visible; p++)
    if (!g_ascii_isspace(*p))
      s->visible = TRUE;
  append_escaped(s->out, text);
}

static void
add_attr(GString *out, const char *name, const char *value)
{
  g_string_append_printf(out, " %s=\"", name);
  append_escaped(out, value);
  g_string_append_c(out, '"');
}

static void sanitise_children(Sanitiser *s, const XmppNode *node, guint depth);

/* Remote images are never loaded (T50): an image becomes a link the user may follow, or its
 * alternative text. */
static void
sanitise_img(Sanitiser *s, const XmppNode *img)
{
  const char *src = xmpp_node_get_attr(img, "src");
  const char *alt = xmpp_node_get_attr(img, "alt");
  if (src != NULL && xmpp_xhtml_href_allowed(src)) {
    char *trimmed = g_strstrip(g_strdup(src));
    g_string_append(s->out, "<a");
    add_attr(s->out, "href", trimmed);
    g_string_append_c(s->out, '>');
    add_text(s, alt != NULL && *alt != '\0' ? alt : trimmed);
    g_string_append(s->out, "</a>");
    g_free(trimmed);
  } else if (alt != NULL) {
    add_text(s, alt);
  }
}

static void
sanitise_element(Sanitiser *s, const XmppNode *el, guint depth)
{
  if (g_strcmp0(el->ns, XMPP_NS_XHTML) != 0)
    return; /* foreign namespaces are not XHTML-IM content (XEP-0071 §7) */
  if (in_list(el->name, dropped_elements, G_N_ELEMENTS(dropped_elements)))
    return;
  if (g_ascii_strcasecmp(el->name, "img") == 0) {
    sanitise_img(s, el);
    return;
  }
  if (depth >= XMPP_XHTML_MAX_DEPTH ||
      !in_list(el->name, kept_elements, G_N_ELEMENTS(kept_elements))) {
    /* Unknown structure: keep the text, lose the tags (XEP-0071 §8 "ignore the element"). */
    sanitise_children(s, el, depth + 1);
    return;
  }
  char *name = g_ascii_strdown(el->name, -1);
  if (strcmp(name, "br") == 0) {
    g_string_append(s->out, "<br>");
    g_free(name);
    return;
  }
  g_string_append_printf(s->out, "<%s", name);
  /* Only href (on <a>) and a filtered style survive: no on* handlers, no src, no class. */
  if (strcmp(name, "a") == 0) {
    const char *href = xmpp_node_get_attr(el, "href");
    if (xmpp_xhtml_href_allowed(href)) {
      char *trimmed = g_strstrip(g_strdup(href));
      add_attr(s->out, "href", trimmed);
      g_free(trimmed);
    }
  }
  char *style = xmpp_xhtml_filter_style(xmpp_node_get_attr(el, "style"));
  if (style != NULL)
    add_attr(s->out, "style", style);
  g_free(style);
  g_string_append_c(s->out, '>');
  sanitise_children(s, el, depth + 1);
  g_string_append_printf(s->out, "</%s>", name);
  g_free(name);
}

static void
sanitise_children(Sanitiser *s, const XmppNode *node, guint depth)
{
  for (guint i = 0; i < xmpp_node_n_children(node); i++) {
    const XmppNode *child = xmpp_node_nth_child(node, i);
    if (xmpp_node_is_text(child))
      add_text(s, child->text);
    else
      sanitise_element(s, child, depth);
  }
}

char *
xmpp_xhtml_to_markup(const XmppNode *body)
{
  if (body == NULL)
    return NULL;
  if (xmpp_node_is(body, XMPP_NS_XHTML_IM, "html"))
    body = xmpp_node_get_child(body, XMPP_NS_XHTML, "body");
  if (body == NULL || !xmpp_node_is(body, XMPP_NS_XHTML, "body"))
    return NULL;
  Sanitiser s = {.out = g_string_new(NULL)};
  sanitise_children(&s, body, 0);
  if (!s.visible) {
    g_string_free(s.out, TRUE);
    return NULL;
  }
  return g_string_free(s.out, FALSE);
}

/* ---- outgoing --------------------------------------------------------------------------- */

typedef struct {
  XmppNode *html;
  guint n; /* elements parsed: more than one means the fragment closed our <body/> */
} Built;

static void
take_first(gpointer data, XmppNode *node)
{
  Built *b = data;
  if (b->n++ == 0)
    b->html = node;
  else
    xmpp_node_free(node);
}

XmppNode *
xmpp_xhtml_build(const char *fragment)
{
  /* No element at all: the fragment is just (escaped) text and says no more than <body/>. */
  if (fragment == NULL || strchr(fragment, '<') == NULL)
    return NULL;
  /* Our own XML parser decides well-formedness, with the same restrictions as the stream. */
  Built built = {0};
  XmppParserCallbacks callbacks = {.stanza = take_first};
  XmppParser *parser = xmpp_parser_new(&callbacks, &built, NULL);
  GString *doc = g_string_new(
      "<stream:stream xmlns='" XMPP_NS_CLIENT "' xmlns:stream='" XMPP_NS_STREAMS
      "' version='1.0'><html xmlns='" XMPP_NS_XHTML_IM "'><body xmlns='" XMPP_NS_XHTML "'>");
  g_string_append(doc, fragment);
  g_string_append(doc, "</body></html>");
  gboolean ok = xmpp_parser_feed(parser, doc->str, doc->len, NULL);
  xmpp_parser_free(parser);
  g_string_free(doc, TRUE);
  /* A fragment that closes <body/> early would leave extra elements: refuse it as well. */
  XmppNode *html = built.html;
  if (!ok || built.n != 1 || html == NULL || !xmpp_node_is(html, XMPP_NS_XHTML_IM, "html") ||
      xmpp_node_n_children(html) != 1) {
    xmpp_node_free(html);
    return NULL;
  }
  return html;
}
