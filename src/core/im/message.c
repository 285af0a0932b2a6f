/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMessages: RFC 6121 §5. Every <message/> is parsed into an XmppMessageInfo (pure), then
 * applied: typing states, threads, errors, and what to show, already made safe for purple. */
#include "im/message.h"

#include <string.h>

#include "im/xhtml.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "im/namespaces.h"

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

/* The <body/> or <subject/> children of a message, capped. */
static GPtrArray *
collect_texts(const XmppNode *message, const char *name, const char *lang)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func(text_free);
  for (XmppNode *el = xmpp_node_get_child(message, XMPP_NS_JABBER_CLIENT, name);
       el != NULL && texts->len < XMPP_MESSAGE_MAX_TEXTS;
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

XmppMessageInfo *
xmpp_message_info_parse(const XmppStanza *stanza, gint64 now_s)
{
  g_return_val_if_fail(stanza != NULL, NULL);
  const XmppNode *node = stanza->node;
  XmppMessageInfo *info = g_new0(XmppMessageInfo, 1);
  info->from = stanza->from != NULL ? xmpp_jid_copy(stanza->from) : NULL;
  info->to = stanza->to != NULL ? xmpp_jid_copy(stanza->to) : NULL;
  info->type = xmpp_message_type_from_string(stanza->type);
  info->id = g_strdup(stanza->id);
  /* Only the stanza's own xml:lang is its default (the stream's is not ours to assume). */
  info->lang = g_strdup(node_lang(node, NULL));
  info->bodies = collect_texts(node, "body", info->lang);
  info->subjects = collect_texts(node, "subject", info->lang);
  XmppNode *thread = xmpp_node_get_child(node, XMPP_NS_JABBER_CLIENT, "thread");
  if (thread != NULL) {
    char *text = xmpp_node_dup_text(thread);
    info->thread = dup_capped(g_strstrip(text), XMPP_MESSAGE_MAX_THREAD_ID);
    info->thread_parent =
        dup_capped(xmpp_node_get_attr(thread, "parent"), XMPP_MESSAGE_MAX_THREAD_ID);
    g_free(text);
  }
  info->delay = xmpp_delay_parse(node, now_s);
  info->chat_state = xmpp_chatstates_parse(node);
  xmpp_chatstates_parse_event(node, &info->event);
  XmppNode *html = xmpp_node_get_child(node, XMPP_NS_XHTML_IM, "html");
  if (html != NULL)
    info->html = xmpp_node_copy(html);
  if (info->type == XMPP_MESSAGE_ERROR)
    info->error = xmpp_stanza_error_from_stanza(stanza);
  /* XEP-0297 outside carbons or MAM (T45): the inner message is only something the sender
   * shows us; its from is never trusted, so we keep just its bodies. */
  XmppNode *fwd = xmpp_node_get_child(node, XMPP_NS_FORWARD, "forwarded");
  if (fwd != NULL) {
    info->forwarded = TRUE;
    XmppNode *inner = xmpp_node_get_child(fwd, XMPP_NS_JABBER_CLIENT, "message");
    if (inner != NULL)
      info->forwarded_bodies = collect_texts(inner, "body", node_lang(inner, NULL));
  }
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

/* ---- the module ------------------------------------------------------------------------- */

struct _XmppMessages {
  XmppRouter *router;
  const XmppHost *host;
  guint handler;
  XmppMessagesEvents events;
  gpointer events_data;
  char *lang;
  GHashTable *threads; /* bare JID -> thread id */
  XmppChatStates *chatstates;
};

static void
remember_thread(XmppMessages *m, const char *bare, const char *thread)
{
  if (!g_hash_table_contains(m->threads, bare) &&
      g_hash_table_size(m->threads) >= XMPP_MESSAGE_MAX_THREADS) {
    /* Bounded: forget some conversation's thread; it only costs a new thread there. */
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, m->threads);
    if (g_hash_table_iter_next(&iter, &key, NULL))
      g_hash_table_iter_remove(&iter);
  }
  g_hash_table_insert(m->threads, g_strdup(bare), g_strdup(thread));
}

/* The typing state a message tells, or NONE: XEP-0085 first, else a XEP-0022 notification
 * (an <x/> with an <id/>: <composing/> starts, its absence cancels). */
static XmppChatState
typing_of(const XmppMessageInfo *info)
{
  if (info->chat_state != XMPP_CHAT_STATE_NONE)
    return info->chat_state;
  if (info->event.present && info->event.id != NULL)
    return info->event.composing ? XMPP_CHAT_STATE_COMPOSING : XMPP_CHAT_STATE_ACTIVE;
  return XMPP_CHAT_STATE_NONE;
}

/* A <sent/> carbon: our own message, shown in the conversation with its recipient. Its typing
 * state is our other client's, nothing to show; its thread is the conversation's. */
static gboolean
apply_sent(XmppMessages *m, const XmppMessageInfo *info)
{
  if (info->to == NULL || info->type == XMPP_MESSAGE_ERROR)
    return FALSE;
  if (info->thread != NULL && info->type == XMPP_MESSAGE_CHAT)
    remember_thread(m, xmpp_jid_get_bare(info->to), info->thread);
  char *text = xmpp_message_info_dup_markup(info, m->lang);
  gboolean shown = text != NULL && m->events.sent != NULL;
  if (shown)
    m->events.sent(m->events_data, info, text);
  g_free(text);
  return shown;
}

gboolean
xmpp_messages_apply(XmppMessages *m, const XmppStanza *stanza, XmppMessageRoute route)
{
  g_return_val_if_fail(m != NULL && stanza != NULL, FALSE);
  if (stanza->from_invalid)
    return FALSE;
  gint64 now_s = g_get_real_time() / G_USEC_PER_SEC; /* wall clock: delays are UTC */
  g_autoptr(XmppMessageInfo) info = xmpp_message_info_parse(stanza, now_s);
  info->route = route;

  if (info->type == XMPP_MESSAGE_GROUPCHAT) {
    /* T46: no room is joined (there is no MUC support yet), so none of these is ours. */
    xmpp_host_log(m->host, XMPP_LOG_INFO, "dropping groupchat message from %s",
                  info->from != NULL ? xmpp_jid_get_full(info->from) : "(none)");
    return FALSE;
  }
  if (route == XMPP_MESSAGE_CARBON_SENT)
    return apply_sent(m, info);
  if (info->type == XMPP_MESSAGE_ERROR) {
    /* An error about what another of our clients sent is that client's to show. */
    if (route != XMPP_MESSAGE_DIRECT)
      return FALSE;
    if (info->from != NULL)
      xmpp_chatstates_forget(m->chatstates, xmpp_jid_get_bare(info->from));
    if (m->events.error != NULL)
      m->events.error(m->events_data, info);
    return TRUE;
  }

  gboolean has_body = info->bodies->len > 0;
  gboolean shown = FALSE;
  if (info->from != NULL) {
    const char *bare = xmpp_jid_get_bare(info->from);
    /* A delayed (offline) message says nothing about what the peer's client does now. */
    if (info->delay == NULL)
      xmpp_chatstates_note_incoming(m->chatstates, bare, info->id, has_body, info->chat_state,
                                    &info->event);
    if (info->thread != NULL && info->type == XMPP_MESSAGE_CHAT)
      remember_thread(m, bare, info->thread);
    XmppChatState typing = typing_of(info);
    if (!has_body && info->delay == NULL && typing != XMPP_CHAT_STATE_NONE &&
        m->events.typing != NULL) {
      m->events.typing(m->events_data, info->from, typing);
      shown = TRUE;
    }
  }

  char *text = xmpp_message_info_dup_markup(info, m->lang);
  const XmppMessageText *subject = xmpp_message_choose_text(info->subjects, m->lang, info->lang);
  char *subject_markup = NULL;
  if (subject != NULL && *subject->text != '\0')
    subject_markup = xmpp_xhtml_escape(subject->text);
  gboolean has_fwd = info->forwarded_bodies != NULL && info->forwarded_bodies->len > 0;
  if ((text != NULL || subject_markup != NULL || has_fwd) && m->events.received != NULL) {
    m->events.received(m->events_data, info, text, subject_markup);
    shown = TRUE;
  }
  g_free(text);
  g_free(subject_markup);
  return shown;
}

static XmppHandlerResult
on_message(XmppStanza *stanza, gpointer data)
{
  return xmpp_messages_apply(data, stanza, XMPP_MESSAGE_DIRECT) ? XMPP_HANDLER_CONSUMED
                                                                : XMPP_HANDLER_PASS;
}

XmppMessages *
xmpp_messages_new(XmppRouter *router, const XmppHost *host)
{
  XmppMessages *m = g_new0(XmppMessages, 1);
  m->router = router;
  m->host = host;
  m->threads = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  m->chatstates = xmpp_chatstates_new();
  m->handler = xmpp_router_add_owner(router, XMPP_STANZA_MESSAGE, NULL, NULL, on_message, m, NULL);
  return m;
}

void
xmpp_messages_free(XmppMessages *m)
{
  if (m == NULL)
    return;
  /* The router outlives us only if the session frees features first: remove our handler. */
  xmpp_router_remove_handler(m->router, m->handler);
  g_hash_table_destroy(m->threads);
  xmpp_chatstates_free(m->chatstates);
  g_free(m->lang);
  g_free(m);
}

void
xmpp_messages_set_events(XmppMessages *m, const XmppMessagesEvents *events, gpointer data)
{
  g_return_if_fail(m != NULL);
  if (events != NULL)
    m->events = *events;
  else
    memset(&m->events, 0, sizeof m->events);
  m->events_data = data;
}

void
xmpp_messages_set_language(XmppMessages *m, const char *lang)
{
  g_return_if_fail(m != NULL);
  g_free(m->lang);
  m->lang = lang != NULL && *lang != '\0' ? g_strdup(lang) : NULL;
}

char *
xmpp_messages_send_chat(XmppMessages *m, const char *to, const char *body, const XmppNode *html)
{
  g_return_val_if_fail(m != NULL && to != NULL && body != NULL, NULL);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(to, NULL);
  if (jid == NULL)
    return NULL;
  const char *bare = xmpp_jid_get_bare(jid);
  char *id = xmpp_host_random_id(m->host);
  if (id == NULL)
    return NULL; /* not sent: the caller reports it (a message needs an unpredictable id) */
  XmppNode *message = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_set_attr(message, "to", xmpp_jid_get_full(jid));
  xmpp_node_set_attr(message, "type", "chat");
  xmpp_node_set_attr(message, "id", id);
  xmpp_node_new_text_child(message, NULL, "body", body);
  const char *thread = g_hash_table_lookup(m->threads, bare);
  if (thread != NULL)
    xmpp_node_new_text_child(message, NULL, "thread", thread);
  if (html != NULL)
    xmpp_node_add_child(message, xmpp_node_copy(html));
  xmpp_chatstates_decorate_message(m->chatstates, bare, message);
  if (g_str_has_prefix(body, "?OTR")) {
    xmpp_node_new_child(message, XMPP_NS_CARBONS, "private");
    xmpp_node_new_child(message, XMPP_NS_HINTS, "no-copy");
  }
  xmpp_router_send(m->router, message);
  xmpp_node_free(message);
  return id;
}

void
xmpp_messages_send_typing(XmppMessages *m, const char *to, XmppChatState state)
{
  g_return_if_fail(m != NULL && to != NULL);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(to, NULL);
  if (jid == NULL)
    return;
  XmppNode *message = xmpp_chatstates_build_notification(m->chatstates, xmpp_jid_get_bare(jid),
                                                         xmpp_jid_get_full(jid), state);
  if (message == NULL)
    return;
  xmpp_router_send(m->router, message);
  xmpp_node_free(message);
}

const char *
xmpp_messages_get_thread(XmppMessages *m, const char *peer)
{
  g_return_val_if_fail(m != NULL && peer != NULL, NULL);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(peer, NULL);
  return jid != NULL ? g_hash_table_lookup(m->threads, xmpp_jid_get_bare(jid)) : NULL;
}

void
xmpp_messages_forget(XmppMessages *m, const char *peer)
{
  g_return_if_fail(m != NULL && peer != NULL);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(peer, NULL);
  if (jid == NULL)
    return;
  g_hash_table_remove(m->threads, xmpp_jid_get_bare(jid));
  xmpp_chatstates_forget(m->chatstates, xmpp_jid_get_bare(jid));
}

XmppChatStates *
xmpp_messages_get_chatstates(XmppMessages *m)
{
  return m->chatstates;
}
