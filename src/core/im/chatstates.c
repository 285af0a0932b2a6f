/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typing notifications: XEP-0085 chat states and legacy XEP-0022 composing events. We only send
 * states to peers that use them (XEP-0085 §5.1), and the table of peers is bounded. */
#include "im/chatstates.h"

#include <string.h>
#include "im/namespaces.h"

static const char *const state_names[] = {NULL,     "active",   "composing",
                                          "paused", "inactive", "gone"};

const char *
xmpp_chatstates_name(XmppChatState state)
{
  if ((guint)state >= G_N_ELEMENTS(state_names))
    return NULL;
  return state_names[state];
}

XmppChatState
xmpp_chatstates_parse(const XmppNode *message)
{
  if (message == NULL)
    return XMPP_CHAT_STATE_NONE;
  for (guint i = 0; i < xmpp_node_n_children(message); i++) {
    const XmppNode *child = xmpp_node_nth_child(message, i);
    if (xmpp_node_is_text(child) || g_strcmp0(child->ns, XMPP_NS_CHATSTATES) != 0)
      continue;
    for (guint s = XMPP_CHAT_STATE_ACTIVE; s < G_N_ELEMENTS(state_names); s++)
      if (strcmp(child->name, state_names[s]) == 0)
        return (XmppChatState)s;
  }
  return XMPP_CHAT_STATE_NONE;
}

void
xmpp_chatstates_event_clear(XmppMessageEvent *event)
{
  if (event == NULL)
    return;
  g_free(event->id);
  memset(event, 0, sizeof *event);
}

void
xmpp_chatstates_parse_event(const XmppNode *message, XmppMessageEvent *event)
{
  xmpp_chatstates_event_clear(event);
  XmppNode *x = message != NULL ? xmpp_node_get_child(message, XMPP_NS_EVENT, "x") : NULL;
  if (x == NULL)
    return;
  event->present = TRUE;
  event->composing = xmpp_node_get_child(x, XMPP_NS_EVENT, "composing") != NULL;
  char *id = xmpp_node_dup_child_text(x, XMPP_NS_EVENT, "id");
  if (id != NULL && strlen(id) > XMPP_CHATSTATES_MAX_ID) {
    g_free(id);
    id = g_strdup(""); /* still a notification, but we do not keep a huge id */
  }
  event->id = id;
}

typedef struct {
  XmppChatStatesSupport support;
  char *request_id; /* XEP-0022: id of their last message that asked for composing events */
  XmppChatState last_sent;
  guint64 seen; /* for forgetting the least recently used peer */
} Peer;

struct _XmppChatStates {
  GHashTable *peers; /* bare JID -> Peer */
  guint64 clock;
};

static void
peer_free(gpointer data)
{
  Peer *p = data;
  g_free(p->request_id);
  g_free(p);
}

XmppChatStates *
xmpp_chatstates_new(void)
{
  XmppChatStates *cs = g_new0(XmppChatStates, 1);
  cs->peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, peer_free);
  return cs;
}

void
xmpp_chatstates_free(XmppChatStates *cs)
{
  if (cs == NULL)
    return;
  g_hash_table_destroy(cs->peers);
  g_free(cs);
}

static Peer *
peer_lookup(XmppChatStates *cs, const char *peer, gboolean create)
{
  Peer *p = g_hash_table_lookup(cs->peers, peer);
  if (p == NULL && create) {
    if (g_hash_table_size(cs->peers) >= XMPP_CHATSTATES_MAX_PEERS) {
      GHashTableIter iter;
      gpointer key, value, oldest = NULL;
      guint64 min = G_MAXUINT64;
      g_hash_table_iter_init(&iter, cs->peers);
      while (g_hash_table_iter_next(&iter, &key, &value))
        if (((Peer *)value)->seen < min) {
          min = ((Peer *)value)->seen;
          oldest = key;
        }
      g_hash_table_remove(cs->peers, oldest);
    }
    p = g_new0(Peer, 1);
    g_hash_table_insert(cs->peers, g_strdup(peer), p);
  }
  if (p != NULL)
    p->seen = ++cs->clock;
  return p;
}

void
xmpp_chatstates_note_incoming(XmppChatStates *cs, const char *peer, const char *message_id,
                              gboolean has_body, XmppChatState state, const XmppMessageEvent *event)
{
  g_return_if_fail(cs != NULL && peer != NULL);
  Peer *p = peer_lookup(cs, peer, state != XMPP_CHAT_STATE_NONE || has_body);
  if (p == NULL)
    return;
  if (state != XMPP_CHAT_STATE_NONE)
    p->support = XMPP_CHAT_STATES_YES;
  else if (has_body)
    p->support = XMPP_CHAT_STATES_NO; /* XEP-0085 §5.1: a reply without a state */
  if (!has_body)
    return;
  /* XEP-0022 §4: a request rides on a message with a body and has no <id/>; it holds until
   * their next message. */
  g_clear_pointer(&p->request_id, g_free);
  if (event != NULL && event->present && event->composing && event->id == NULL &&
      message_id != NULL && strlen(message_id) <= XMPP_CHATSTATES_MAX_ID)
    p->request_id = g_strdup(message_id);
}

XmppChatStatesSupport
xmpp_chatstates_get_support(XmppChatStates *cs, const char *peer)
{
  Peer *p = g_hash_table_lookup(cs->peers, peer);
  return p != NULL ? p->support : XMPP_CHAT_STATES_UNKNOWN;
}

void
xmpp_chatstates_decorate_message(XmppChatStates *cs, const char *peer, XmppNode *message)
{
  g_return_if_fail(cs != NULL && peer != NULL && message != NULL);
  Peer *p = peer_lookup(cs, peer, TRUE);
  if (p->support != XMPP_CHAT_STATES_NO) {
    xmpp_node_new_child(message, XMPP_NS_CHATSTATES, "active");
    p->last_sent = XMPP_CHAT_STATE_ACTIVE;
  }
  if (p->support != XMPP_CHAT_STATES_YES) {
    XmppNode *x = xmpp_node_new_child(message, XMPP_NS_EVENT, "x");
    xmpp_node_new_child(x, XMPP_NS_EVENT, "composing");
  }
}

static XmppNode *
new_notification(const char *to)
{
  XmppNode *message = xmpp_node_new("jabber:client", "message");
  xmpp_node_set_attr(message, "to", to);
  xmpp_node_set_attr(message, "type", "chat");
  return message;
}

XmppNode *
xmpp_chatstates_build_notification(XmppChatStates *cs, const char *peer, const char *to,
                                   XmppChatState state)
{
  g_return_val_if_fail(cs != NULL && peer != NULL && to != NULL, NULL);
  if (state == XMPP_CHAT_STATE_NONE)
    return NULL;
  Peer *p = peer_lookup(cs, peer, FALSE);
  if (p == NULL || p->last_sent == state)
    return NULL;
  if (p->support == XMPP_CHAT_STATES_YES) {
    XmppNode *message = new_notification(to);
    xmpp_node_new_child(message, XMPP_NS_CHATSTATES, xmpp_chatstates_name(state));
    xmpp_node_new_child(message, XMPP_NS_HINTS, "no-store");
    p->last_sent = state;
    return message;
  }
  if (p->request_id == NULL)
    return NULL;
  /* XEP-0022 only knows "composing" and its cancellation (an <x/> with just the id). */
  gboolean composing = state == XMPP_CHAT_STATE_COMPOSING;
  if (!composing && p->last_sent != XMPP_CHAT_STATE_COMPOSING) {
    p->last_sent = state;
    return NULL;
  }
  XmppNode *message = new_notification(to);
  XmppNode *x = xmpp_node_new_child(message, XMPP_NS_EVENT, "x");
  if (composing)
    xmpp_node_new_child(x, XMPP_NS_EVENT, "composing");
  xmpp_node_new_text_child(x, XMPP_NS_EVENT, "id", p->request_id);
  p->last_sent = state;
  return message;
}

void
xmpp_chatstates_forget(XmppChatStates *cs, const char *peer)
{
  if (cs != NULL && peer != NULL)
    g_hash_table_remove(cs->peers, peer);
}

guint
xmpp_chatstates_n_peers(const XmppChatStates *cs)
{
  return g_hash_table_size(cs->peers);
}
