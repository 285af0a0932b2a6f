/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMessageInfo: a <message/> parsed (RFC 6121 §5, pure): its texts by language, thread,
 * delay, chat state, XHTML-IM, ids (XEP-0359), receipts and markers, corrections; the text to
 * show in the user's language, made safe for purple. The module that applies it: message.c. */
#include "im/message.h"

#include <string.h>

#include "im/xhtml.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "im/namespaces.h"
#include "im/oob.h"

static const char *const type_names[] = {"normal", "chat", "headline", "groupchat", "error"};

XmppMessageType
xmpp_message_type_from_string(const char *type)
{
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS(type_names); i++)
    if (strcmp(type, type_names[i]) == 0)
      return (XmppMessageType)i;
  return XMPP_MESSAGE_NORMAL; /* RFC 6121 §5.2.2: absent or unknown means normal */
}

const char *
xmpp_message_type_to_string(XmppMessageType type)
{
  return (guint)type < G_N_ELEMENTS(type_names) ? type_names[type] : "normal";
}

static void
text_free(gpointer data)
{
  XmppMessageText *t = data;
  g_free(t->lang);
  g_free(t->text);
  g_free(t);
}

static const char *
node_lang(const XmppNode *node, const char *inherited)
{
  const char *lang = xmpp_node_get_attr_ns(node, XMPP_NS_XML, "lang");
  return lang != NULL && *lang != '\0' ? lang : inherited;
}

/* The empty list of texts, shared (a message without a subject is the rule): never added to. */
static GPtrArray *
no_texts(void)
{
  static GPtrArray *empty;
  if (g_once_init_enter(&empty))
    g_once_init_leave(&empty, g_ptr_array_new());
  return g_ptr_array_ref(empty);
}

/* The <body/> or <subject/> children of a message, capped. */
static GPtrArray *
collect_texts(const XmppNode *message, const char *name, const char *lang)
{
  XmppNode *el = xmpp_node_get_child(message, XMPP_NS_JABBER_CLIENT, name);
  if (el == NULL)
    return no_texts();
  GPtrArray *texts = g_ptr_array_new_with_free_func(text_free);
  for (; el != NULL && texts->len < XMPP_MESSAGE_MAX_TEXTS;
       el = xmpp_node_next_child(message, el, XMPP_NS_JABBER_CLIENT, name)) {
    XmppMessageText *t = g_new0(XmppMessageText, 1);
    t->lang = g_strdup(node_lang(el, lang));
    t->text = xmpp_node_dup_text(el);
    g_ptr_array_add(texts, t);
  }
  return texts;
}

static char *
dup_capped(const char *s, gsize max)
{
  return s != NULL && *s != '\0' && strlen(s) <= max ? g_strdup(s) : NULL;
}

static const char *const marker_names[] = {NULL, "received", "displayed", "acknowledged"};

const char *
xmpp_marker_name(XmppMarker marker)
{
  return (guint)marker < G_N_ELEMENTS(marker_names) ? marker_names[marker] : NULL;
}

/* The id attribute of message's child ns/name, if it has one within the limit. */
static char *
dup_child_id(const XmppNode *message, const char *ns, const char *name)
{
  XmppNode *child = xmpp_node_get_child(message, ns, name);
  return child != NULL ? dup_capped(xmpp_node_get_attr(child, "id"), XMPP_MESSAGE_MAX_ID) : NULL;
}

/* XEP-0333: the first marker child (a message carries one), with its id; none without an id. */
static void
parse_marker(const XmppNode *node, XmppMessageInfo *info)
{
  for (guint i = XMPP_MARKER_RECEIVED; i < G_N_ELEMENTS(marker_names); i++) {
    char *id = dup_child_id(node, XMPP_NS_CHAT_MARKERS, marker_names[i]);
    if (id != NULL) {
      info->marker = (XmppMarker)i;
      info->marker_id = id;
      return;
    }
  }
}

char *
xmpp_message_dup_stanza_id(const XmppNode *message, const XmppJid *by)
{
  g_return_val_if_fail(message != NULL && by != NULL, NULL);
  for (XmppNode *el = xmpp_node_get_child(message, XMPP_NS_SID, "stanza-id"); el != NULL;
       el = xmpp_node_next_child(message, el, XMPP_NS_SID, "stanza-id")) {
    const char *attr = xmpp_node_get_attr(el, "by");
    g_autoptr(XmppJid) jid = attr != NULL ? xmpp_jid_parse(attr, NULL) : NULL;
    if (jid != NULL && xmpp_jid_get_resource(jid) == NULL &&
        xmpp_jid_equal(jid, by, XMPP_JID_MATCH_BARE)) {
      char *id = dup_capped(xmpp_node_get_attr(el, "id"), XMPP_MESSAGE_MAX_ID);
      if (id != NULL)
        return id;
    }
  }
  return NULL;
}

/* The namespaces among a message's element children: each part below is looked for only when
 * its namespace is there (most messages carry a body and little else). */
enum {
  HAS_CLIENT = 1 << 0,
  HAS_DELAY = 1 << 1,
  HAS_CHATSTATES = 1 << 2,
  HAS_EVENT = 1 << 3,
  HAS_XHTML_IM = 1 << 4,
  HAS_FORWARD = 1 << 5,
  HAS_SID = 1 << 6,
  HAS_RECEIPTS = 1 << 7,
  HAS_MARKERS = 1 << 8,
  HAS_CORRECT = 1 << 9,
  HAS_OOB = 1 << 10,
};

static const struct {
  const char *ns;
  guint bit;
} child_namespaces[] = {
    {XMPP_NS_JABBER_CLIENT, HAS_CLIENT},
    {XMPP_NS_CHATSTATES, HAS_CHATSTATES},
    {XMPP_NS_SID, HAS_SID},
    {XMPP_NS_RECEIPTS, HAS_RECEIPTS},
    {XMPP_NS_CHAT_MARKERS, HAS_MARKERS},
    {XMPP_NS_DELAY, HAS_DELAY},
    {XMPP_NS_DELAY_LEGACY, HAS_DELAY},
    {XMPP_NS_EVENT, HAS_EVENT},
    {XMPP_NS_XHTML_IM, HAS_XHTML_IM},
    {XMPP_NS_FORWARD, HAS_FORWARD},
    {XMPP_NS_CORRECT, HAS_CORRECT},
    {XMPP_NS_OOB, HAS_OOB},
};

static guint
namespaces_of_children(const XmppNode *node)
{
  guint has = 0;
  for (XmppNode *c = xmpp_node_first_element(node); c != NULL;
       c = xmpp_node_next_child(node, c, NULL, NULL))
    for (guint i = 0; i < G_N_ELEMENTS(child_namespaces); i++)
      if (strcmp(c->ns, child_namespaces[i].ns) == 0) {
        has |= child_namespaces[i].bit;
        break;
      }
  return has;
}

XmppMessageInfo *
xmpp_message_info_parse(const XmppStanza *stanza, gint64 now_s)
{
  g_return_val_if_fail(stanza != NULL, NULL);
  const XmppNode *node = stanza->node;
  guint has = namespaces_of_children(node);
  XmppMessageInfo *info = g_new0(XmppMessageInfo, 1);
  info->from = stanza->from != NULL ? xmpp_jid_copy(stanza->from) : NULL;
  info->to = stanza->to != NULL ? xmpp_jid_copy(stanza->to) : NULL;
  info->type = xmpp_message_type_from_string(stanza->type);
  info->id = g_strdup(stanza->id);
  /* Only the stanza's own xml:lang is its default (the stream's is not ours to assume). */
  info->lang = g_strdup(node_lang(node, NULL));
  info->bodies = has & HAS_CLIENT ? collect_texts(node, "body", info->lang) : no_texts();
  info->subjects = has & HAS_CLIENT ? collect_texts(node, "subject", info->lang) : no_texts();
  XmppNode *thread =
      has & HAS_CLIENT ? xmpp_node_get_child(node, XMPP_NS_JABBER_CLIENT, "thread") : NULL;
  if (thread != NULL) {
    char *text = xmpp_node_dup_text(thread);
    info->thread = dup_capped(g_strstrip(text), XMPP_MESSAGE_MAX_THREAD_ID);
    info->thread_parent =
        dup_capped(xmpp_node_get_attr(thread, "parent"), XMPP_MESSAGE_MAX_THREAD_ID);
    g_free(text);
  }
  if (has & HAS_DELAY)
    info->delay = xmpp_delay_parse(node, now_s);
  if (has & HAS_CHATSTATES)
    info->chat_state = xmpp_chatstates_parse(node);
  if (has & HAS_EVENT)
    xmpp_chatstates_parse_event(node, &info->event);
  XmppNode *html = has & HAS_XHTML_IM ? xmpp_node_get_child(node, XMPP_NS_XHTML_IM, "html") : NULL;
  if (html != NULL)
    info->html = xmpp_node_copy(html);
  if (info->type == XMPP_MESSAGE_ERROR)
    info->error = xmpp_stanza_error_from_stanza(stanza);
  /* XEP-0297 outside carbons or MAM (T45): the inner message is only something the sender
   * shows us; its from is never trusted, so we keep just its bodies. */
  XmppNode *fwd =
      has & HAS_FORWARD ? xmpp_node_get_child(node, XMPP_NS_FORWARD, "forwarded") : NULL;
  if (fwd != NULL) {
    info->forwarded = TRUE;
    XmppNode *inner = xmpp_node_get_child(fwd, XMPP_NS_JABBER_CLIENT, "message");
    if (inner != NULL)
      info->forwarded_bodies = collect_texts(inner, "body", node_lang(inner, NULL));
  }
  if (has & HAS_SID)
    info->origin_id = dup_child_id(node, XMPP_NS_SID, "origin-id");
  if (has & HAS_RECEIPTS) {
    info->receipt_request = xmpp_node_get_child(node, XMPP_NS_RECEIPTS, "request") != NULL;
    info->receipt_id = dup_child_id(node, XMPP_NS_RECEIPTS, "received");
  }
  if (has & HAS_MARKERS) {
    info->markable = xmpp_node_get_child(node, XMPP_NS_CHAT_MARKERS, "markable") != NULL;
    parse_marker(node, info);
  }
  if (has & HAS_CORRECT)
    info->replace_id = dup_child_id(node, XMPP_NS_CORRECT, "replace");
  if (has & HAS_OOB)
    info->oob_url = xmpp_oob_parse_url(node);
  return info;
}

void
xmpp_message_info_free(XmppMessageInfo *info)
{
  if (info == NULL)
    return;
  xmpp_jid_free(info->from);
  xmpp_jid_free(info->to);
  g_free(info->id);
  g_free(info->lang);
  g_ptr_array_unref(info->bodies);
  g_ptr_array_unref(info->subjects);
  g_free(info->thread);
  g_free(info->thread_parent);
  xmpp_delay_free(info->delay);
  xmpp_chatstates_event_clear(&info->event);
  xmpp_node_free(info->html);
  g_clear_error(&info->error);
  if (info->forwarded_bodies != NULL)
    g_ptr_array_unref(info->forwarded_bodies);
  g_free(info->origin_id);
  g_free(info->stanza_id);
  g_free(info->receipt_id);
  g_free(info->marker_id);
  g_free(info->replace_id);
  g_free(info->oob_url);
  g_free(info);
}

static gboolean
lang_equal(const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_ascii_strcasecmp(a, b) == 0;
}

/* Same primary language subtag (RFC 5646 §2.2.1): "fr" matches "fr-CA". */
static gboolean
lang_primary_equal(const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  gsize la = strcspn(a, "-"), lb = strcspn(b, "-");
  return la == lb && g_ascii_strncasecmp(a, b, la) == 0;
}

/* Index of the text to show among n languages (see xmpp_message_choose_text), -1 if n is 0. */
static gint
choose_lang(const char *const *langs, guint n, const char *user_lang, const char *default_lang)
{
  if (n == 0)
    return -1;
  if (user_lang != NULL && *user_lang != '\0') {
    for (guint i = 0; i < n; i++)
      if (lang_equal(langs[i], user_lang))
        return (gint)i;
    for (guint i = 0; i < n; i++)
      if (lang_primary_equal(langs[i], user_lang))
        return (gint)i;
  }
  if (default_lang != NULL)
    for (guint i = 0; i < n; i++)
      if (lang_equal(langs[i], default_lang))
        return (gint)i;
  return 0;
}

const XmppMessageText *
xmpp_message_choose_text(const GPtrArray *texts, const char *user_lang, const char *default_lang)
{
  if (texts == NULL || texts->len == 0)
    return NULL;
  const char *langs[XMPP_MESSAGE_MAX_TEXTS];
  guint n = MIN(texts->len, XMPP_MESSAGE_MAX_TEXTS);
  for (guint i = 0; i < n; i++)
    langs[i] = ((const XmppMessageText *)texts->pdata[i])->lang;
  gint i = choose_lang(langs, n, user_lang, default_lang);
  return texts->pdata[i];
}

/* The XHTML body in the language of the plain one (XEP-0071 §7 allows one per language). */
static const XmppNode *
choose_html_body(const XmppMessageInfo *info, const XmppMessageText *plain, const char *user_lang)
{
  const XmppNode *bodies[XMPP_MESSAGE_MAX_TEXTS];
  const char *langs[XMPP_MESSAGE_MAX_TEXTS];
  guint n = 0;
  const char *html_lang = node_lang(info->html, info->lang);
  for (XmppNode *b = xmpp_node_get_child(info->html, XMPP_NS_XHTML, "body");
       b != NULL && n < XMPP_MESSAGE_MAX_TEXTS;
       b = xmpp_node_next_child(info->html, b, XMPP_NS_XHTML, "body")) {
    bodies[n] = b;
    langs[n++] = node_lang(b, html_lang);
  }
  if (n == 0)
    return NULL;
  if (plain == NULL)
    return bodies[choose_lang(langs, n, user_lang, info->lang)];
  for (guint i = 0; i < n; i++)
    if (lang_equal(langs[i], plain->lang))
      return bodies[i];
  return NULL; /* no XHTML in the language we show: the plain body it is */
}

char *
xmpp_message_info_dup_markup(const XmppMessageInfo *info, const char *user_lang)
{
  g_return_val_if_fail(info != NULL, NULL);
  const XmppMessageText *plain = xmpp_message_choose_text(info->bodies, user_lang, info->lang);
  if (info->html != NULL) {
    char *markup = xmpp_xhtml_to_markup(choose_html_body(info, plain, user_lang));
    if (markup != NULL)
      return markup;
  }
  /* T50: a plain body is text, never markup. */
  return plain != NULL ? xmpp_xhtml_escape(plain->text) : NULL;
}
