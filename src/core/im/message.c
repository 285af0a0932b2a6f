/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMessages: RFC 6121 §5. Every <message/> is parsed into an XmppMessageInfo (pure,
 * message-info.c), then applied: typing states, threads, errors, corrections (XEP-0308)
 * checked against the sender of the original, trusted stanza-ids (XEP-0359), and what to show,
 * already made safe for purple. */
#include "im/message.h"

#include <string.h>

#include "im/dedup.h"
#include "im/xhtml.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "im/namespaces.h"
#include "im/oob.h"

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
  gboolean stanza_ids_trusted;
  GHashTable *recent;    /* bare JID -> GQueue of RecentId*, newest last (XEP-0308 targets) */
  GHashTable *last_sent; /* bare JID -> id of the last message we sent there (to correct) */
  XmppMessageDecorator decorator;
  gpointer decorator_data;
  XmppDedup *dedup;      /* messages seen lately, on any path: shown once */
  char *last_archive_id; /* the newest archive id seen */
};

/* An incoming message that a correction may name, and who sent it. */
typedef struct {
  char *id;
  char *full; /* the sender's full JID */
} RecentId;

static void
recent_id_free(gpointer data)
{
  RecentId *r = data;
  g_free(r->id);
  g_free(r->full);
  g_free(r);
}

static void
recent_queue_free(gpointer data)
{
  g_queue_free_full(data, recent_id_free);
}

/* Makes room for bare in a table bounded to max keys: forgets some other conversation's entry
 * (what it costs is small: a new thread, a correction shown as a new message). */
static void
make_room(GHashTable *table, const char *bare, guint max)
{
  if (g_hash_table_contains(table, bare) || g_hash_table_size(table) < max)
    return;
  GHashTableIter iter;
  g_hash_table_iter_init(&iter, table);
  if (g_hash_table_iter_next(&iter, NULL, NULL))
    g_hash_table_iter_remove(&iter);
}

static void
remember_thread(XmppMessages *m, const char *bare, const char *thread)
{
  make_room(m->threads, bare, XMPP_MESSAGE_MAX_THREADS);
  g_hash_table_insert(m->threads, g_strdup(bare), g_strdup(thread));
}

/* An incoming message with a body and an id: a later correction may name it. */
static void
remember_incoming(XmppMessages *m, const XmppJid *from, const char *id)
{
  const char *bare = xmpp_jid_get_bare(from);
  GQueue *ids = g_hash_table_lookup(m->recent, bare);
  if (ids == NULL) {
    make_room(m->recent, bare, XMPP_MESSAGE_MAX_PEERS);
    ids = g_queue_new();
    g_hash_table_insert(m->recent, g_strdup(bare), ids);
  }
  if (g_queue_get_length(ids) >= XMPP_MESSAGE_MAX_RECENT)
    recent_id_free(g_queue_pop_head(ids));
  RecentId *r = g_new0(RecentId, 1);
  r->id = g_strdup(id);
  r->full = g_strdup(xmpp_jid_get_full(from));
  g_queue_push_tail(ids, r);
}

/* XEP-0308 §5 (and stricter: the same full JID, not only the same bare one): is `id` a message
 * that `from` itself sent us lately? The newest entry wins when an id came twice. */
static gboolean
sent_by(XmppMessages *m, const XmppJid *from, const char *id)
{
  GQueue *ids = g_hash_table_lookup(m->recent, xmpp_jid_get_bare(from));
  for (GList *l = ids != NULL ? ids->tail : NULL; l != NULL; l = l->prev) {
    const RecentId *r = l->data;
    if (strcmp(r->id, id) == 0)
      return strcmp(r->full, xmpp_jid_get_full(from)) == 0;
  }
  return FALSE;
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

/* Has this message (with a body) reached us already on another path? Remembers it if not. */
static gboolean
is_duplicate(XmppMessages *m, const XmppMessageInfo *info, const XmppJid *counterpart)
{
  const XmppMessageText *body = xmpp_message_choose_text(info->bodies, NULL, info->lang);
  if (body == NULL)
    return FALSE; /* typing, receipts, markers: state, not lines */
  XmppDedupMessage key = {
      .stanza_id = info->stanza_id,
      .origin_id = info->origin_id != NULL && strlen(info->origin_id) <= XMPP_MESSAGE_MAX_ID
                       ? info->origin_id
                       : NULL,
      .id = info->id != NULL && strlen(info->id) <= XMPP_MESSAGE_MAX_ID ? info->id : NULL,
      .counterpart = counterpart != NULL ? xmpp_jid_get_bare(counterpart) : NULL,
      .body = body->text,
  };
  if (info->stanza_id != NULL) {
    g_free(m->last_archive_id);
    m->last_archive_id = g_strdup(info->stanza_id);
  }
  if (!xmpp_dedup_check(m->dedup, &key))
    return FALSE;
  xmpp_host_log(m->host, XMPP_LOG_DEBUG, "message %s from %s seen already: not shown again",
                key.origin_id ? key.origin_id
                : key.id      ? key.id
                              : key.stanza_id,
                key.counterpart ? key.counterpart : "our server");
  return TRUE;
}

/* A <sent/> carbon, or our own message from the archive: shown in the conversation with its
 * recipient. Its typing state is our other client's, nothing to show; its thread is the
 * conversation's. */
static gboolean
apply_sent(XmppMessages *m, XmppMessageInfo *info)
{
  if (info->to == NULL || info->type == XMPP_MESSAGE_ERROR)
    return FALSE;
  if (is_duplicate(m, info, info->to))
    return TRUE;
  /* What our other client corrected is shown as a new line of ours: we do not know which of its
   * messages it replaces. */
  g_clear_pointer(&info->replace_id, g_free);
  if (info->thread != NULL && info->type == XMPP_MESSAGE_CHAT)
    remember_thread(m, xmpp_jid_get_bare(info->to), info->thread);
  char *text = xmpp_message_info_dup_markup(info, m->lang);
  gboolean shown = text != NULL && m->events.sent != NULL;
  if (shown)
    m->events.sent(m->events_data, info, text);
  g_free(text);
  return shown;
}

static gboolean
apply(XmppMessages *m, const XmppStanza *stanza, XmppMessageRoute route, const char *archive_id)
{
  if (stanza->from_invalid)
    return FALSE;
  gint64 now_s = g_get_real_time() / G_USEC_PER_SEC; /* wall clock: delays are UTC */
  g_autoptr(XmppMessageInfo) info = xmpp_message_info_parse(stanza, now_s);
  info->route = route;
  /* T41: a stanza-id is our archive's word only when our server vouches for the protocol (it
   * then strips any that claim to be by us), and by is exactly our bare JID. An archive
   * result's id is the archive's own word (services/mam.c checked it came from there). */
  const XmppJid *own = xmpp_router_get_own_jid(m->router);
  if (archive_id != NULL)
    info->stanza_id = g_strdup(archive_id);
  else if (m->stanza_ids_trusted && own != NULL)
    info->stanza_id = xmpp_message_dup_stanza_id(stanza->node, own);
  /* What we sent ourselves, from the archive: a line of ours to its recipient. */
  gboolean ours_archived =
      route == XMPP_MESSAGE_ARCHIVE &&
      (info->from == NULL || (own != NULL && xmpp_jid_equal(info->from, own, XMPP_JID_MATCH_BARE)));

  if (info->type == XMPP_MESSAGE_GROUPCHAT) {
    /* T46: no room is joined (there is no MUC support yet), so none of these is ours. */
    xmpp_host_log(m->host, XMPP_LOG_INFO, "dropping groupchat message from %s",
                  info->from != NULL ? xmpp_jid_get_full(info->from) : "(none)");
    return FALSE;
  }
  if (route == XMPP_MESSAGE_CARBON_SENT || ours_archived)
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
  if (has_body && is_duplicate(m, info, info->from))
    return TRUE; /* consumed: nobody else shows it either */
  if (route == XMPP_MESSAGE_ARCHIVE && !has_body)
    return FALSE; /* an old typing state or marker: nothing to show now */
  if (info->replace_id != NULL &&
      (info->from == NULL || !has_body || !sent_by(m, info->from, info->replace_id))) {
    /* Not a correction we can tell from a forgery: shown as what it is, a new message. */
    xmpp_host_log(m->host, XMPP_LOG_INFO, "%s names a message it did not send: not a correction",
                  info->from != NULL ? xmpp_jid_get_full(info->from) : "(none)");
    g_clear_pointer(&info->replace_id, g_free);
  }
  if (info->from != NULL && has_body && info->id != NULL && strlen(info->id) <= XMPP_MESSAGE_MAX_ID)
    remember_incoming(m, info->from, info->id);
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

gboolean
xmpp_messages_apply(XmppMessages *m, const XmppStanza *stanza, XmppMessageRoute route)
{
  g_return_val_if_fail(m != NULL && stanza != NULL, FALSE);
  return apply(m, stanza, route, NULL);
}

gboolean
xmpp_messages_apply_archived(XmppMessages *m, const XmppStanza *stanza, const char *archive_id)
{
  g_return_val_if_fail(m != NULL && stanza != NULL && archive_id != NULL, FALSE);
  return apply(m, stanza, XMPP_MESSAGE_ARCHIVE, archive_id);
}

const char *
xmpp_messages_get_last_archive_id(XmppMessages *m)
{
  g_return_val_if_fail(m != NULL, NULL);
  return m->last_archive_id;
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
  m->recent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, recent_queue_free);
  m->dedup = xmpp_dedup_new(XMPP_DEDUP_MAX_KEYS);
  m->last_sent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
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
  g_hash_table_destroy(m->recent);
  xmpp_dedup_free(m->dedup);
  g_free(m->last_archive_id);
  g_hash_table_destroy(m->last_sent);
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

void
xmpp_messages_set_stanza_ids_trusted(XmppMessages *m, gboolean trusted)
{
  g_return_if_fail(m != NULL);
  m->stanza_ids_trusted = trusted;
}

void
xmpp_messages_set_decorator(XmppMessages *m, XmppMessageDecorator decorator, gpointer data)
{
  g_return_if_fail(m != NULL);
  m->decorator = decorator;
  m->decorator_data = data;
}

/* A chat message to jid; extra: an element sent with the body (XHTML-IM, an OOB link), copied;
 * replaces: the id of the message it corrects (XEP-0308), or NULL. */
static char *
send_chat(XmppMessages *m, const XmppJid *jid, const char *body, const XmppNode *extra,
          const char *replaces)
{
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
  if (extra != NULL)
    xmpp_node_add_child(message, xmpp_node_copy(extra));
  xmpp_chatstates_decorate_message(m->chatstates, bare, message);
  /* XEP-0359 §3.1: the same id, kept by every server on the way and in archives. */
  xmpp_node_set_attr(xmpp_node_new_child(message, XMPP_NS_SID, "origin-id"), "id", id);
  if (replaces != NULL)
    xmpp_node_set_attr(xmpp_node_new_child(message, XMPP_NS_CORRECT, "replace"), "id", replaces);
  if (g_str_has_prefix(body, "?OTR")) {
    xmpp_node_new_child(message, XMPP_NS_CARBONS, "private");
    xmpp_node_new_child(message, XMPP_NS_HINTS, "no-copy");
  }
  if (m->decorator != NULL)
    m->decorator(m->decorator_data, message, jid);
  /* Known to dedup from now on: the copy the archive (or a carbon) may show us later is this
   * line, already in the conversation. */
  XmppDedupMessage key = {.origin_id = id, .counterpart = bare, .body = body};
  xmpp_dedup_check(m->dedup, &key);
  xmpp_router_send(m->router, message);
  xmpp_node_free(message);
  /* A correction keeps naming the original (XEP-0308 §5): only a new message is the target. */
  if (replaces == NULL) {
    make_room(m->last_sent, bare, XMPP_MESSAGE_MAX_PEERS);
    g_hash_table_insert(m->last_sent, g_strdup(bare), g_strdup(id));
  }
  return id;
}

char *
xmpp_messages_send_chat(XmppMessages *m, const char *to, const char *body, const XmppNode *html)
{
  g_return_val_if_fail(m != NULL && to != NULL && body != NULL, NULL);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(to, NULL);
  return jid != NULL ? send_chat(m, jid, body, html, NULL) : NULL;
}

char *
xmpp_messages_send_link(XmppMessages *m, const char *to, const char *url)
{
  g_return_val_if_fail(m != NULL && to != NULL && url != NULL, NULL);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(to, NULL);
  if (jid == NULL)
    return NULL;
  g_autoptr(XmppNode) oob = xmpp_oob_build(url);
  return send_chat(m, jid, url, oob, NULL);
}

char *
xmpp_messages_send_correction(XmppMessages *m, const char *to, const char *body,
                              const XmppNode *html)
{
  g_return_val_if_fail(m != NULL && to != NULL && body != NULL, NULL);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(to, NULL);
  if (jid == NULL)
    return NULL;
  g_autofree char *original = g_strdup(g_hash_table_lookup(m->last_sent, xmpp_jid_get_bare(jid)));
  return original != NULL ? send_chat(m, jid, body, html, original) : NULL;
}

const char *
xmpp_messages_get_last_sent_id(XmppMessages *m, const char *peer)
{
  g_return_val_if_fail(m != NULL && peer != NULL, NULL);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(peer, NULL);
  return jid != NULL ? g_hash_table_lookup(m->last_sent, xmpp_jid_get_bare(jid)) : NULL;
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
  g_hash_table_remove(m->recent, xmpp_jid_get_bare(jid));
  g_hash_table_remove(m->last_sent, xmpp_jid_get_bare(jid));
  xmpp_chatstates_forget(m->chatstates, xmpp_jid_get_bare(jid));
}

XmppChatStates *
xmpp_messages_get_chatstates(XmppMessages *m)
{
  return m->chatstates;
}

void
xmpp_messages_get_tables(const XmppMessages *m, XmppMessagesTables *out)
{
  g_return_if_fail(m != NULL && out != NULL);
  memset(out, 0, sizeof *out);
  out->dedup_keys = xmpp_dedup_n_keys(m->dedup);
  out->recent_peers = g_hash_table_size(m->recent);
  GHashTableIter iter;
  gpointer ids;
  g_hash_table_iter_init(&iter, m->recent);
  while (g_hash_table_iter_next(&iter, NULL, &ids))
    out->recent_ids += g_queue_get_length(ids);
  out->threads = g_hash_table_size(m->threads);
  out->last_sent = g_hash_table_size(m->last_sent);
}
