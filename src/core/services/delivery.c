/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDelivery: XEP-0184 receipts and XEP-0333 chat markers. Requests ride on the chat
 * messages the messages module sends (its decorator); receipts and markers are observed on
 * incoming messages, which the messages module still owns and shows. */
#include "services/delivery.h"

#include <string.h>

#include "services/namespaces.h"

/* One conversation: our newest message there and how far it got; the newest markable message
 * from the peer that we have not marked yet. */
typedef struct {
  char *sent_id;
  XmppMarker state;
  char *markable_id;
  char *markable_from; /* the full JID that sent it: the marker goes back there */
  XmppMessageType markable_type;
} Peer;

struct _XmppDelivery {
  XmppRouter *router;
  const XmppHost *host;
  XmppCaps *caps;
  XmppPresence *presence;
  XmppMessages *messages;
  XmppDeliveryEvents events;
  gpointer events_data;
  GHashTable *peers; /* bare JID -> Peer* */
  guint handlers[3];
};

static void
peer_free(gpointer data)
{
  Peer *p = data;
  g_free(p->sent_id);
  g_free(p->markable_id);
  g_free(p->markable_from);
  g_free(p);
}

static Peer *
peer_get(XmppDelivery *d, const char *bare)
{
  Peer *p = g_hash_table_lookup(d->peers, bare);
  if (p != NULL)
    return p;
  if (g_hash_table_size(d->peers) >= XMPP_DELIVERY_MAX_PEERS) {
    /* Bounded: forget some conversation; its next receipt is then simply not shown. */
    GHashTableIter iter;
    g_hash_table_iter_init(&iter, d->peers);
    if (g_hash_table_iter_next(&iter, NULL, NULL))
      g_hash_table_iter_remove(&iter);
  }
  p = g_new0(Peer, 1);
  g_hash_table_insert(d->peers, g_strdup(bare), p);
  return p;
}

/* Receipts and markers leak that we are online and reading: only to contacts who may see our
 * presence anyway (RFC 6121 subscription from or both), never to strangers. */
static gboolean
shares_presence(XmppDelivery *d, const XmppJid *jid)
{
  const XmppRosterItem *item = xmpp_roster_lookup(xmpp_presence_get_roster(d->presence), jid);
  return item != NULL && (item->subscription == XMPP_ROSTER_SUBSCRIPTION_FROM ||
                          item->subscription == XMPP_ROSTER_SUBSCRIPTION_BOTH);
}

gboolean
xmpp_delivery_peer_supports(const XmppDelivery *d, const XmppJid *peer, const char *feature)
{
  g_return_val_if_fail(d != NULL && peer != NULL && feature != NULL, FALSE);
  if (xmpp_jid_get_resource(peer) != NULL)
    return xmpp_disco_info_has_feature(xmpp_caps_get_jid_info(d->caps, xmpp_jid_get_full(peer)),
                                       feature);
  const XmppPresenceContact *contact =
      xmpp_presence_get_contact(d->presence, xmpp_jid_get_bare(peer));
  for (guint i = 0; contact != NULL && i < contact->resources->len; i++) {
    const XmppPresenceResource *r = contact->resources->pdata[i];
    g_autofree char *full = *r->resource != '\0'
                                ? g_strdup_printf("%s/%s", contact->bare, r->resource)
                                : g_strdup(contact->bare);
    if (xmpp_disco_info_has_feature(xmpp_caps_get_jid_info(d->caps, full), feature))
      return TRUE;
  }
  return FALSE;
}

/* Adds what info offers of receipts and markers to *found (bit 0: receipts, bit 1: markers),
 * in one pass over its features. */
static void
note_features(const XmppDiscoInfo *info, guint *found)
{
  for (guint i = 0; info != NULL && i < info->features->len && *found != 3; i++) {
    const char *f = info->features->pdata[i];
    if (strcmp(f, XMPP_NS_RECEIPTS) == 0)
      *found |= 1;
    else if (strcmp(f, XMPP_NS_CHAT_MARKERS) == 0)
      *found |= 2;
  }
}

/* xmpp_delivery_peer_supports for both features at once (a message is decorated with both):
 * one walk over the peer's resources, their full JIDs written in one buffer. */
static guint
peer_features(const XmppDelivery *d, const XmppJid *peer)
{
  guint found = 0;
  if (xmpp_jid_get_resource(peer) != NULL) {
    note_features(xmpp_caps_get_jid_info(d->caps, xmpp_jid_get_full(peer)), &found);
    return found;
  }
  const XmppPresenceContact *contact =
      xmpp_presence_get_contact(d->presence, xmpp_jid_get_bare(peer));
  GString *full = g_string_sized_new(128);
  for (guint i = 0; contact != NULL && i < contact->resources->len && found != 3; i++) {
    const XmppPresenceResource *r = contact->resources->pdata[i];
    g_string_assign(full, contact->bare);
    if (*r->resource != '\0') {
      g_string_append_c(full, '/');
      g_string_append(full, r->resource);
    }
    note_features(xmpp_caps_get_jid_info(d->caps, full->str), &found);
  }
  g_string_free(full, TRUE);
  return found;
}

/* The messages module's decorator: every chat message we send asks for a receipt and is
 * markable where the peer supports it (XEP-0184 §5.1, XEP-0333 §4), and becomes the newest one
 * we follow in that conversation. */
static void
decorate(gpointer data, XmppNode *message, const XmppJid *to)
{
  XmppDelivery *d = data;
  guint found = peer_features(d, to);
  if (found & 1)
    xmpp_node_new_child(message, XMPP_NS_RECEIPTS, "request");
  if (found & 2)
    xmpp_node_new_child(message, XMPP_NS_CHAT_MARKERS, "markable");
  Peer *p = peer_get(d, xmpp_jid_get_bare(to));
  g_free(p->sent_id);
  p->sent_id = g_strdup(xmpp_node_get_attr(message, "id"));
  p->state = XMPP_MARKER_NONE;
}

/* A receipt or a marker from the peer about our message id. */
static void
advance(XmppDelivery *d, const XmppJid *from, const char *id, XmppMarker state)
{
  Peer *p = g_hash_table_lookup(d->peers, xmpp_jid_get_bare(from));
  if (p == NULL || p->sent_id == NULL || strcmp(p->sent_id, id) != 0 || state <= p->state)
    return; /* an older message, another peer's id, or nothing new */
  XmppMarker previous = p->state;
  p->state = state;
  if (d->events.updated != NULL)
    d->events.updated(d->events_data, xmpp_jid_get_bare(from), id, state, previous);
}

static gboolean
answerable(const XmppMessageInfo *info)
{
  return info->from != NULL && info->id != NULL && info->bodies->len > 0 &&
         (info->type == XMPP_MESSAGE_CHAT || info->type == XMPP_MESSAGE_NORMAL);
}

static XmppNode *
reply_to(XmppDelivery *d, const char *to, XmppMessageType type)
{
  char *id = xmpp_host_random_id(d->host);
  if (id == NULL)
    return NULL;
  XmppNode *message = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_set_attr(message, "to", to);
  xmpp_node_set_attr(message, "type", xmpp_message_type_to_string(type));
  xmpp_node_set_attr(message, "id", id);
  g_free(id);
  return message;
}

/* XEP-0184 §5.2: a receipt for a content message that asked, with an id, from a contact who
 * sees our presence; never for groupchat or errors, never to strangers. */
static void
on_request(const XmppStanza *stanza, gpointer data)
{
  XmppDelivery *d = data;
  if (stanza->from_invalid)
    return;
  g_autoptr(XmppMessageInfo) info = xmpp_message_info_parse(stanza, 0);
  if (!info->receipt_request || !answerable(info) || info->id == NULL ||
      strlen(info->id) > XMPP_MESSAGE_MAX_ID)
    return;
  if (!shares_presence(d, info->from)) {
    xmpp_host_log(d->host, XMPP_LOG_DEBUG, "no receipt for %s: not a contact who sees us",
                  xmpp_jid_get_full(info->from));
    return;
  }
  XmppNode *receipt = reply_to(d, xmpp_jid_get_full(info->from), info->type);
  if (receipt == NULL)
    return;
  xmpp_node_set_attr(xmpp_node_new_child(receipt, XMPP_NS_RECEIPTS, "received"), "id", info->id);
  xmpp_router_send(d->router, receipt);
  xmpp_node_free(receipt);
}

static void
on_received(const XmppStanza *stanza, gpointer data)
{
  XmppDelivery *d = data;
  if (stanza->from_invalid || stanza->from == NULL)
    return;
  g_autoptr(XmppMessageInfo) info = xmpp_message_info_parse(stanza, 0);
  if (info->receipt_id != NULL && info->type != XMPP_MESSAGE_ERROR &&
      info->type != XMPP_MESSAGE_GROUPCHAT)
    advance(d, info->from, info->receipt_id, XMPP_MARKER_RECEIVED);
}

/* XEP-0333: a marker about our message, or a markable message to mark once it is seen. */
static void
on_marker(const XmppStanza *stanza, gpointer data)
{
  XmppDelivery *d = data;
  if (stanza->from_invalid || stanza->from == NULL)
    return;
  g_autoptr(XmppMessageInfo) info = xmpp_message_info_parse(stanza, 0);
  if (info->type == XMPP_MESSAGE_ERROR || info->type == XMPP_MESSAGE_GROUPCHAT)
    return;
  if (info->marker != XMPP_MARKER_NONE)
    advance(d, info->from, info->marker_id, info->marker);
  if (info->markable && answerable(info) && strlen(info->id) <= XMPP_MESSAGE_MAX_ID) {
    Peer *p = peer_get(d, xmpp_jid_get_bare(info->from));
    g_free(p->markable_id);
    g_free(p->markable_from);
    p->markable_id = g_strdup(info->id);
    p->markable_from = g_strdup(xmpp_jid_get_full(info->from));
    p->markable_type = info->type;
  }
}

gboolean
xmpp_delivery_mark_displayed(XmppDelivery *d, const char *peer)
{
  g_return_val_if_fail(d != NULL && peer != NULL, FALSE);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(peer, NULL);
  Peer *p = jid != NULL ? g_hash_table_lookup(d->peers, xmpp_jid_get_bare(jid)) : NULL;
  if (p == NULL || p->markable_id == NULL)
    return FALSE;
  g_autofree char *id = g_steal_pointer(&p->markable_id);
  g_autofree char *to = g_steal_pointer(&p->markable_from);
  if (!shares_presence(d, jid))
    return FALSE;
  XmppNode *marker = reply_to(d, to, p->markable_type);
  if (marker == NULL)
    return FALSE;
  xmpp_node_set_attr(xmpp_node_new_child(marker, XMPP_NS_CHAT_MARKERS, "displayed"), "id", id);
  /* XEP-0334: kept in archives, so our other clients learn it was read. */
  xmpp_node_new_child(marker, XMPP_NS_HINTS, "store");
  xmpp_router_send(d->router, marker);
  xmpp_node_free(marker);
  return TRUE;
}

XmppMarker
xmpp_delivery_get_state(const XmppDelivery *d, const char *peer)
{
  g_return_val_if_fail(d != NULL && peer != NULL, XMPP_MARKER_NONE);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(peer, NULL);
  const Peer *p = jid != NULL ? g_hash_table_lookup(d->peers, xmpp_jid_get_bare(jid)) : NULL;
  return p != NULL && p->sent_id != NULL ? p->state : XMPP_MARKER_NONE;
}

guint
xmpp_delivery_n_peers(const XmppDelivery *d)
{
  return g_hash_table_size(d->peers);
}

XmppDelivery *
xmpp_delivery_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppCaps *caps,
                  XmppPresence *presence, XmppMessages *messages)
{
  XmppDelivery *d = g_new0(XmppDelivery, 1);
  d->router = router;
  d->host = host;
  d->caps = caps;
  d->presence = presence;
  d->messages = messages;
  d->peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, peer_free);
  xmpp_disco_add_feature(disco, XMPP_NS_RECEIPTS);
  xmpp_disco_add_feature(disco, XMPP_NS_CHAT_MARKERS);
  xmpp_disco_add_feature(disco, XMPP_NS_CORRECT); /* handled by im/message.c */
  d->handlers[0] = xmpp_router_add_observer(router, XMPP_STANZA_MESSAGE, XMPP_NS_RECEIPTS,
                                            "request", on_request, d, NULL);
  d->handlers[1] = xmpp_router_add_observer(router, XMPP_STANZA_MESSAGE, XMPP_NS_RECEIPTS,
                                            "received", on_received, d, NULL);
  d->handlers[2] = xmpp_router_add_observer(router, XMPP_STANZA_MESSAGE, XMPP_NS_CHAT_MARKERS, NULL,
                                            on_marker, d, NULL);
  xmpp_messages_set_decorator(messages, decorate, d);
  return d;
}

void
xmpp_delivery_free(XmppDelivery *d)
{
  if (d == NULL)
    return;
  xmpp_messages_set_decorator(d->messages, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS(d->handlers); i++)
    xmpp_router_remove_handler(d->router, d->handlers[i]);
  g_hash_table_destroy(d->peers);
  g_free(d);
}

void
xmpp_delivery_set_events(XmppDelivery *d, const XmppDeliveryEvents *events, gpointer data)
{
  g_return_if_fail(d != NULL);
  if (events != NULL)
    d->events = *events;
  else
    memset(&d->events, 0, sizeof d->events);
  d->events_data = data;
}
