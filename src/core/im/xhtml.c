/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XHTML-IM (XEP-0071) sanitiser: a whitelist, never a blacklist. Pidgin ran file: links
 * (CVE-2011-3185, CVE-2013-6486) and rendered what peers sent; here only known-harmless
 * elements and attributes survive, and all text is escaped (T50). */
#include "im/xhtml.h"

#include <string.h>

#include "xml/parser.h"
#include "im/namespaces.h"

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

static gboolean
in_list(const char *name, const char *const *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp(name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Length of text's leading run of printable ASCII that needs no escaping (most chat text is
 * that from end to end). */
static gsize
plain_prefix(const char *text)
{
  const char *p = text;
  while ((guchar)*p >= ' ' && (guchar)*p < 0x7f && *p != '&' && *p != '<' && *p != '>' &&
         *p != '"' && *p != '\'')
    p++;
  return (gsize)(p - text);
}

/* GLib's escaping (& < > " ' and the control characters): what purple markup needs. It wants
 * valid UTF-8, which the parser's text always is; anything else is made valid first. A run of
 * printable ASCII is copied as it is, which is what GLib would make of it. */
static void
append_escaped(GString *out, const char *text)
{
  gsize plain = plain_prefix(text);
  g_string_append_len(out, text, (gssize)plain);
  text += plain;
  if (*text == '\0')
    return;
  char *valid = g_utf8_validate(text, -1, NULL) ? NULL : g_utf8_make_valid(text, -1);
  char *escaped = g_markup_escape_text(valid != NULL ? valid : text, -1);
  g_string_append(out, escaped);
  g_free(escaped);
  g_free(valid);
}

char *
xmpp_xhtml_escape(const char *text)
{
  if (text == NULL)
    return g_strdup("");
  gsize plain = plain_prefix(text);
  if (text[plain] == '\0')
    return g_strndup(text, plain);
  GString *out = g_string_sized_new(plain + 16);
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

/* ---- styles ------------------------------------------------------------------------------- */

/* Each check returns the value as it is passed on (lower case, except font names), or NULL. None
 * lets through anything that can load or run something: no url(), expression(), backslash,
 * comment or quote survives. */

static gboolean
all_chars(const char *value, const char *extra)
{
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum(*p) && strchr(extra, *p) == NULL)
      return FALSE;
  return TRUE;
}

/* #rgb, #rrggbb, rgb(r, g, b) with numbers or percentages, or a colour name. */
static char *
colour_value(const char *value)
{
  gsize len = strlen(value);
  gboolean ok = FALSE;
  if (value[0] == '#')
    ok = (len == 4 || len == 7) && strspn(value + 1, "0123456789abcdefABCDEF") == len - 1;
  else if (g_ascii_strncasecmp(value, "rgb(", 4) == 0)
    ok = len > 5 && value[len - 1] == ')' && strspn(value + 4, "0123456789.,% ") == len - 5;
  else /* a name: at least one letter (an empty value is no colour; found by fuzz-message) */
    ok = len > 0 && len <= 32 &&
         strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == len;
  return ok ? g_ascii_strdown(value, -1) : NULL;
}

/* Font names separated by commas: letters, digits, spaces, hyphens and underscores. Quotes
 * around a name are dropped (a name with spaces needs none in CSS). */
static char *
family_value(const char *value)
{
  GString *out = g_string_new(NULL);
  for (const char *p = value; *p != '\0'; p++)
    if (*p != '\'' && *p != '"')
      g_string_append_c(out, *p);
  g_strstrip(out->str);
  gboolean ok = out->str[0] != '\0' && strlen(out->str) <= 128 && all_chars(out->str, " ,-_");
  if (!ok) {
    g_string_free(out, TRUE);
    return NULL;
  }
  char *family = g_strdup(out->str);
  g_string_free(out, TRUE);
  return family;
}

static char *
keyword_value(const char *value, const char *const *keywords, gsize n)
{
  return in_list(value, keywords, n) ? g_ascii_strdown(value, -1) : NULL;
}

/* The absolute and relative size keywords: what purple's <font size> becomes and the only sizes
 * Pidgin shows. Lengths (200px) are left out: a peer could fill the screen with one letter. */
static char *
size_value(const char *value)
{
  static const char *const sizes[] = {"xx-small", "x-small",  "small",   "medium", "large",
                                      "x-large",  "xx-large", "smaller", "larger"};
  return keyword_value(value, sizes, G_N_ELEMENTS(sizes));
}

static char *
style_value(const char *value)
{
  static const char *const styles[] = {"normal", "italic", "oblique"};
  return keyword_value(value, styles, G_N_ELEMENTS(styles));
}

static char *
weight_value(const char *value)
{
  static const char *const weights[] = {"normal", "bold", "bolder", "lighter", "100", "200", "300",
                                        "400",    "500",  "600",    "700",     "800", "900"};
  return keyword_value(value, weights, G_N_ELEMENTS(weights));
}

static char *
align_value(const char *value)
{
  static const char *const aligns[] = {"left", "right", "center", "justify"};
  return keyword_value(value, aligns, G_N_ELEMENTS(aligns));
}

/* One or more of the decoration keywords, separated by spaces (never blink). */
static char *
decoration_value(const char *value)
{
  static const char *const decorations[] = {"none", "underline", "overline", "line-through"};
  char **words = g_strsplit(value, " ", 0);
  GString *out = g_string_new(NULL);
  gboolean ok = TRUE;
  for (char **w = words; ok && *w != NULL; w++) {
    if (**w == '\0')
      continue;
    ok = in_list(*w, decorations, G_N_ELEMENTS(decorations));
    g_string_append_printf(out, "%s%s", out->len > 0 ? " " : "", *w);
  }
  g_strfreev(words);
  if (!ok || out->len == 0) {
    g_string_free(out, TRUE);
    return NULL;
  }
  char *lower = g_ascii_strdown(out->str, -1);
  g_string_free(out, TRUE);
  return lower;
}

/* The properties kept: XEP-0071 §6's recommended ones that purple can show, and `background`,
 * the name purple uses. Pidgin's IMHTML reads `background` and not `background-color`; XEP-0071
 * lists `background-color` and not the shorthand: each side gets its own name. */
static const struct {
  const char *name;   /* as found in a style attribute */
  const char *purple; /* the name in purple markup (incoming) */
  const char *wire;   /* the name in XHTML-IM (outgoing) */
  char *(*value)(const char *value);
} style_properties[] = {
    {"color", "color", "color", colour_value},
    {"background-color", "background", "background-color", colour_value},
    {"background", "background", "background-color", colour_value},
    {"font-family", "font-family", "font-family", family_value},
    {"font-size", "font-size", "font-size", size_value},
    {"font-style", "font-style", "font-style", style_value},
    {"font-weight", "font-weight", "font-weight", weight_value},
    {"text-decoration", "text-decoration", "text-decoration", decoration_value},
    {"text-align", "text-align", "text-align", align_value},
};

char *
xmpp_xhtml_filter_style(const char *style, XmppXhtmlDialect dialect)
{
  if (style == NULL)
    return NULL;
  GString *out = g_string_new(NULL);
  GPtrArray *seen = g_ptr_array_new(); /* output names already written: the first one wins */
  char **decls = g_strsplit(style, ";", 0);
  for (char **d = decls; *d != NULL; d++) {
    char *colon = strchr(*d, ':');
    if (colon == NULL)
      continue;
    *colon = '\0';
    const char *prop = g_strstrip(*d);
    const char *value = g_strstrip(colon + 1);
    for (gsize i = 0; i < G_N_ELEMENTS(style_properties); i++) {
      if (g_ascii_strcasecmp(prop, style_properties[i].name) != 0)
        continue;
      const char *name =
          dialect == XMPP_XHTML_WIRE ? style_properties[i].wire : style_properties[i].purple;
      char *kept = style_properties[i].value(value);
      gboolean again = FALSE;
      for (guint j = 0; j < seen->len; j++)
        again = again || strcmp(seen->pdata[j], name) == 0;
      if (kept != NULL && !again) {
        g_string_append_printf(out, "%s%s: %s", out->len > 0 ? "; " : "", name, kept);
        g_ptr_array_add(seen, (gpointer)name);
      }
      g_free(kept);
      break;
    }
  }
  g_strfreev(decls);
  g_ptr_array_free(seen, TRUE);
  if (out->len == 0) {
    g_string_free(out, TRUE);
    return NULL;
  }
  return g_string_free(out, FALSE);
}

/* ---- incoming --------------------------------------------------------------------------- */

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
  char *style = xmpp_xhtml_filter_style(xmpp_node_get_attr(el, "style"), XMPP_XHTML_PURPLE);
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

/* Elements sent as they are: XEP-0071 §6's recommended profile (images aside) and the other
 * text elements incoming bodies keep. */
static const char *const sent_elements[] = {
    "a", "blockquote", "br", "cite", "code", "em", "li", "ol", "p", "pre", "span", "strong", "ul",
};
/* Elements that end a line in the plain body. */
static const char *const block_elements[] = {"p", "blockquote", "pre", "ul", "ol", "li"};

typedef struct {
  gboolean markup;  /* an element other than <br/> was kept */
  gboolean visible; /* some non-blank text was kept */
} Builder;

static void build_children(Builder *b, XmppNode *out, const XmppNode *in, guint depth);

static void
build_text(Builder *b, XmppNode *out, const char *text)
{
  for (const char *p = text; *p != '\0' && !b->visible; p++)
    if (!g_ascii_isspace(*p))
      b->visible = TRUE;
  xmpp_node_add_text(out, text, -1);
}

/* As for incoming bodies: an image is never sent for the peer to load, but as a link. */
static void
build_img(Builder *b, XmppNode *out, const XmppNode *img)
{
  const char *src = xmpp_node_get_attr(img, "src");
  const char *alt = xmpp_node_get_attr(img, "alt");
  if (src != NULL && xmpp_xhtml_href_allowed(src)) {
    char *trimmed = g_strstrip(g_strdup(src));
    XmppNode *a = xmpp_node_new_child(out, NULL, "a");
    xmpp_node_set_attr(a, "href", trimmed);
    b->markup = TRUE;
    build_text(b, a, alt != NULL && *alt != '\0' ? alt : trimmed);
    g_free(trimmed);
  } else if (alt != NULL) {
    build_text(b, out, alt);
  }
}

static void
build_element(Builder *b, XmppNode *out, const XmppNode *el, guint depth)
{
  if (g_strcmp0(el->ns, XMPP_NS_XHTML) != 0 ||
      in_list(el->name, dropped_elements, G_N_ELEMENTS(dropped_elements)))
    return;
  if (g_ascii_strcasecmp(el->name, "img") == 0) {
    build_img(b, out, el);
    return;
  }
  /* XHTML-IM has no presentation elements (XEP-0071 §6): b, i and u are said with its own. */
  const char *name = el->name, *extra_style = NULL;
  if (g_ascii_strcasecmp(name, "b") == 0)
    name = "strong";
  else if (g_ascii_strcasecmp(name, "i") == 0)
    name = "em";
  else if (g_ascii_strcasecmp(name, "u") == 0)
    name = "span", extra_style = "text-decoration: underline";
  if (depth >= XMPP_XHTML_MAX_DEPTH || !in_list(name, sent_elements, G_N_ELEMENTS(sent_elements))) {
    build_children(b, out, el, depth + 1); /* unknown structure: its text only */
    return;
  }
  char *lname = g_ascii_strdown(name, -1);
  const char *href = NULL;
  char *style = xmpp_xhtml_filter_style(xmpp_node_get_attr(el, "style"), XMPP_XHTML_WIRE);
  if (extra_style != NULL) {
    char *both =
        style != NULL ? g_strconcat(extra_style, "; ", style, NULL) : g_strdup(extra_style);
    g_free(style);
    style = both;
  }
  if (strcmp(lname, "a") == 0) {
    href = xmpp_node_get_attr(el, "href");
    if (!xmpp_xhtml_href_allowed(href))
      href = NULL;
  }
  /* A link without an address, a span without style: nothing but their text to send. */
  if ((strcmp(lname, "a") == 0 && href == NULL) || (strcmp(lname, "span") == 0 && style == NULL)) {
    build_children(b, out, el, depth + 1);
  } else {
    XmppNode *kept = xmpp_node_new_child(out, NULL, lname);
    /* Line breaks alone are no formatting: the plain body has them as newlines. */
    b->markup = b->markup || strcmp(lname, "br") != 0;
    if (href != NULL) {
      char *trimmed = g_strstrip(g_strdup(href));
      xmpp_node_set_attr(kept, "href", trimmed);
      g_free(trimmed);
    }
    if (style != NULL)
      xmpp_node_set_attr(kept, "style", style);
    if (strcmp(lname, "br") != 0)
      build_children(b, kept, el, depth + 1);
  }
  g_free(style);
  g_free(lname);
}

static void
build_children(Builder *b, XmppNode *out, const XmppNode *in, guint depth)
{
  for (guint i = 0; i < xmpp_node_n_children(in); i++) {
    const XmppNode *child = xmpp_node_nth_child(in, i);
    if (xmpp_node_is_text(child))
      build_text(b, out, child->text);
    else
      build_element(b, out, child, depth);
  }
}

typedef struct {
  GString *out;
  gboolean line_pending; /* a block ended: the next text starts on a new line */
} Plain;

static void
plain_append(Plain *p, const char *text)
{
  if (*text == '\0')
    return;
  if (p->line_pending && p->out->len > 0 && p->out->str[p->out->len - 1] != '\n')
    g_string_append_c(p->out, '\n');
  p->line_pending = FALSE;
  g_string_append(p->out, text);
}

/* The text of a built (sanitised) tree: its depth is bounded by XMPP_XHTML_MAX_DEPTH. */
static void
plain_children(Plain *p, const XmppNode *node)
{
  for (guint i = 0; i < xmpp_node_n_children(node); i++) {
    const XmppNode *child = xmpp_node_nth_child(node, i);
    if (xmpp_node_is_text(child)) {
      plain_append(p, child->text);
      continue;
    }
    if (strcmp(child->name, "br") == 0) {
      p->line_pending = FALSE;
      g_string_append_c(p->out, '\n');
      continue;
    }
    if (strcmp(child->name, "a") == 0) {
      /* The address after the words, as purple writes links in plain text, unless the words
       * are the address. */
      const char *href = xmpp_node_get_attr(child, "href");
      Plain words = {.out = g_string_new(NULL)};
      plain_children(&words, child);
      gboolean shown = g_strcmp0(words.out->str, href) == 0 ||
                       (href != NULL && g_ascii_strncasecmp(href, "mailto:", 7) == 0 &&
                        strcmp(words.out->str, href + 7) == 0);
      if (href != NULL && !shown)
        g_string_append_printf(words.out, " <%s>", href);
      plain_append(p, words.out->str);
      g_string_free(words.out, TRUE);
      continue;
    }
    gboolean block = in_list(child->name, block_elements, G_N_ELEMENTS(block_elements));
    p->line_pending = p->line_pending || block;
    plain_children(p, child);
    p->line_pending = p->line_pending || block;
  }
}

typedef struct {
  XmppNode *html;
  guint n; /* elements parsed: more than one means the fragment closed our <body/> */
} Parsed;

static void
take_first(gpointer data, XmppNode *node)
{
  Parsed *parsed = data;
  if (parsed->n++ == 0)
    parsed->html = node;
  else
    xmpp_node_free(node);
}

/* The fragment inside <html><body/></html>, parsed by our own XML parser with the same
 * restrictions as the stream; NULL when it is not well-formed or closes the body early. */
static XmppNode *
parse_fragment(const char *fragment)
{
  Parsed parsed = {0};
  XmppParserCallbacks callbacks = {.stanza = take_first};
  XmppParser *parser = xmpp_parser_new(&callbacks, &parsed, NULL);
  GString *doc = g_string_new(
      "<stream:stream xmlns='" XMPP_NS_JABBER_CLIENT "' xmlns:stream='" XMPP_NS_STREAM
      "' version='1.0'><html xmlns='" XMPP_NS_XHTML_IM "'><body xmlns='" XMPP_NS_XHTML "'>");
  g_string_append(doc, fragment);
  g_string_append(doc, "</body></html>");
  gboolean ok = xmpp_parser_feed(parser, doc->str, doc->len, NULL);
  xmpp_parser_free(parser);
  g_string_free(doc, TRUE);
  XmppNode *html = parsed.html;
  if (!ok || parsed.n != 1 || html == NULL || !xmpp_node_is(html, XMPP_NS_XHTML_IM, "html") ||
      xmpp_node_n_children(html) != 1 || xmpp_node_get_child(html, XMPP_NS_XHTML, "body") == NULL) {
    xmpp_node_free(html);
    return NULL;
  }
  return html;
}

gboolean
xmpp_xhtml_build(const char *fragment, XmppNode **html, char **plain)
{
  if (html != NULL)
    *html = NULL;
  if (plain != NULL)
    *plain = NULL;
  if (fragment == NULL)
    return FALSE;
  if (strpbrk(fragment, "<&") == NULL) {
    /* Plain text: nothing to parse, no markup to send. */
    if (plain != NULL)
      *plain = g_strdup(fragment);
    return TRUE;
  }
  XmppNode *parsed = parse_fragment(fragment);
  if (parsed == NULL)
    return FALSE;
  XmppNode *out = xmpp_node_new(XMPP_NS_XHTML_IM, "html");
  XmppNode *body = xmpp_node_new_child(out, XMPP_NS_XHTML, "body");
  Builder b = {0};
  build_children(&b, body, xmpp_node_get_child(parsed, XMPP_NS_XHTML, "body"), 0);
  xmpp_node_free(parsed);
  if (plain != NULL) {
    Plain p = {.out = g_string_new(NULL)};
    plain_children(&p, body);
    *plain = g_string_free(p.out, FALSE);
  }
  /* XEP-0071 §7: without markup (or without text to show) the plain body says it all. */
  if (html != NULL && b.markup && b.visible)
    *html = out;
  else
    xmpp_node_free(out);
  return TRUE;
}
