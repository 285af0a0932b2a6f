/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBlocking: XEP-0191 block list: discovery, fetch, pushes from our own server, requests. */
#include "services/blocking.h"

#include <string.h>

#include "router/stanza-error.h"
#include "services/namespaces.h"

struct _XmppBlocking {
  XmppRouter *router;
  const XmppHost *host;
  XmppBlockingEvents events;
  gpointer events_data;
  guint push_handler;
  GHashTable *blocked; /* normalised JID -> NULL */
  gboolean supported;
};

/* --- Model (pure) --- */

void
xmpp_blocking_items_free(XmppBlockingItems *items)
{
  if (items == NULL)
    return;
  g_ptr_array_unref(items->jids);
  g_free(items);
}

XmppBlockingItems *
xmpp_blocking_items_parse(const XmppNode *payload)
{
  if (payload == NULL || g_strcmp0(payload->ns, XMPP_NS_BLOCKING) != 0)
    return NULL;
  XmppBlockingKind kind;
  if (g_strcmp0(payload->name, "blocklist") == 0)
    kind = XMPP_BLOCKING_LIST;
  else if (g_strcmp0(payload->name, "block") == 0)
    kind = XMPP_BLOCKING_BLOCK;
  else if (g_strcmp0(payload->name, "unblock") == 0)
    kind = XMPP_BLOCKING_UNBLOCK;
  else
    return NULL;
  XmppBlockingItems *items = g_new0(XmppBlockingItems, 1);
  items->kind = kind;
  items->jids = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (XmppNode *item = xmpp_node_get_child(payload, XMPP_NS_BLOCKING, "item"); item != NULL;
       item = xmpp_node_next_child(payload, item, XMPP_NS_BLOCKING, "item")) {
    /* §3.1: any JID may be blocked (domain, bare or full); it is kept normalised. */
    char *jid = xmpp_jid_normalize(xmpp_node_get_attr(item, "jid"));
    if (jid == NULL || g_hash_table_contains(seen, jid) ||
        items->jids->len >= XMPP_BLOCKING_MAX_ITEMS) {
      g_free(jid);
      items->n_dropped++;
      continue;
    }
    g_ptr_array_add(items->jids, jid);
    g_hash_table_add(seen, jid);
  }
  return items;
}

XmppNode *
xmpp_blocking_build(gboolean block, const char *const *jids)
{
  XmppNode *node = xmpp_node_new(XMPP_NS_BLOCKING, block ? "block" : "unblock");
  for (guint i = 0; jids != NULL && jids[i] != NULL; i++) {
    XmppNode *item = xmpp_node_new_child(node, NULL, "item");
    xmpp_node_set_attr(item, "jid", jids[i]);
  }
  return node;
}

/* --- State --- */

void
xmpp_blocking_apply(XmppBlocking *self, const XmppBlockingItems *items)
{
  g_return_if_fail(self != NULL && items != NULL);
  switch (items->kind) {
    case XMPP_BLOCKING_LIST:
      g_hash_table_remove_all(self->blocked);
      for (guint i = 0; i < items->jids->len; i++)
        g_hash_table_add(self->blocked, g_strdup(items->jids->pdata[i]));
      if (self->events.list != NULL)
        self->events.list(self->events_data, items->jids);
      break;
    case XMPP_BLOCKING_BLOCK:
      for (guint i = 0; i < items->jids->len; i++) {
        const char *jid = items->jids->pdata[i];
        if (g_hash_table_size(self->blocked) >= XMPP_BLOCKING_MAX_ITEMS)
          break;
        g_hash_table_add(self->blocked, g_strdup(jid));
        if (self->events.blocked != NULL)
          self->events.blocked(self->events_data, jid);
      }
      break;
    case XMPP_BLOCKING_UNBLOCK:
      if (items->jids->len == 0 && items->n_dropped == 0) {
        /* §3.5: an <unblock/> without items unblocks everyone. */
        g_hash_table_remove_all(self->blocked);
        if (self->events.unblocked_all != NULL)
          self->events.unblocked_all(self->events_data);
        break;
      }
      for (guint i = 0; i < items->jids->len; i++) {
        const char *jid = items->jids->pdata[i];
        g_hash_table_remove(self->blocked, jid);
        if (self->events.unblocked != NULL)
          self->events.unblocked(self->events_data, jid);
      }
      break;
  }
}

static void
reply_error(XmppBlocking *self, const XmppStanza *stanza, XmppStanzaErrorCondition condition)
{
  g_autoptr(XmppNode) reply = xmpp_stanza_error_new_reply(stanza, condition);
  xmpp_router_send(self->router, reply);
}

/* §3.3/§3.4: the server pushes <block/> and <unblock/> to every resource of ours. */
static XmppHandlerResult
on_push(XmppStanza *stanza, gpointer user_data)
{
  XmppBlocking *self = user_data;
  if (g_strcmp0(stanza->type, "set") != 0)
    return XMPP_HANDLER_PASS; /* a get: the router answers with an error */
  /* Like roster pushes (RFC 6121 §2.1.6, T34): only our own account may push. */
  if (!xmpp_router_is_from_self(self->router, stanza)) {
    xmpp_host_log(self->host, XMPP_LOG_WARNING, "blocking: ignoring a push from %s",
                  stanza->from != NULL ? xmpp_jid_get_full(stanza->from) : "an invalid JID");
    reply_error(self, stanza, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
    return XMPP_HANDLER_CONSUMED;
  }
  g_autoptr(XmppBlockingItems) items = xmpp_blocking_items_parse(xmpp_stanza_get_payload(stanza));
  if (items == NULL || items->kind == XMPP_BLOCKING_LIST ||
      (items->kind == XMPP_BLOCKING_BLOCK && items->jids->len == 0)) {
    reply_error(self, stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
    return XMPP_HANDLER_CONSUMED;
  }
  g_autoptr(XmppNode) result = xmpp_stanza_new_iq_result(stanza);
  xmpp_router_send(self->router, result);
  xmpp_blocking_apply(self, items);
  return XMPP_HANDLER_CONSUMED;
}

XmppBlocking *
xmpp_blocking_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppBlocking *self = g_new0(XmppBlocking, 1);
  self->router = router;
  self->host = host;
  self->blocked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  self->push_handler =
      xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_BLOCKING, NULL, on_push, self, NULL);
  return self;
}

void
xmpp_blocking_free(XmppBlocking *self)
{
  if (self == NULL)
    return;
  xmpp_router_cancel_owner(self->router, self); /* our requests end while we are whole */
  xmpp_router_remove_handler(self->router, self->push_handler);
  g_hash_table_unref(self->blocked);
  g_free(self);
}

void
xmpp_blocking_set_events(XmppBlocking *self, const XmppBlockingEvents *events, gpointer data)
{
  g_return_if_fail(self != NULL);
  if (events != NULL)
    self->events = *events;
  else
    memset(&self->events, 0, sizeof self->events);
  self->events_data = data;
}

static void
on_list(const XmppStanza *reply, const GError *error, gpointer user_data)
{
  XmppBlocking *self = user_data;
  if (xmpp_iq_error_is_ended(error))
    return;
  if (error != NULL) {
    xmpp_host_log(self->host, XMPP_LOG_WARNING, "blocking: fetching the list failed: %s",
                  error->message);
    return;
  }
  g_autoptr(XmppBlockingItems) items = xmpp_blocking_items_parse(xmpp_stanza_get_payload(reply));
  if (items == NULL || items->kind != XMPP_BLOCKING_LIST) {
    xmpp_host_log(self->host, XMPP_LOG_WARNING, "blocking: the list reply has no <blocklist/>");
    return;
  }
  if (items->n_dropped > 0)
    xmpp_host_log(self->host, XMPP_LOG_WARNING, "blocking: %u invalid items dropped",
                  items->n_dropped);
  xmpp_blocking_apply(self, items);
}

static void
fetch_list(XmppBlocking *self)
{
  XmppNode *iq = xmpp_stanza_new_iq("get", NULL, NULL);
  xmpp_node_new_child(iq, XMPP_NS_BLOCKING, "blocklist");
  xmpp_router_send_iq(self->router, self, iq, 0, on_list, self, NULL);
}

static gboolean
has_feature(const XmppNode *query, const char *feature)
{
  for (XmppNode *f = xmpp_node_get_child(query, XMPP_NS_DISCO_INFO, "feature"); f != NULL;
       f = xmpp_node_next_child(query, f, XMPP_NS_DISCO_INFO, "feature"))
    if (g_strcmp0(xmpp_node_get_attr(f, "var"), feature) == 0)
      return TRUE;
  return FALSE;
}

static void
on_disco(const XmppStanza *reply, const GError *error, gpointer user_data)
{
  XmppBlocking *self = user_data;
  if (xmpp_iq_error_is_ended(error))
    return;
  XmppNode *query = error == NULL ? xmpp_stanza_get_payload(reply) : NULL;
  self->supported = query != NULL && xmpp_node_is(query, XMPP_NS_DISCO_INFO, "query") &&
                    has_feature(query, XMPP_NS_BLOCKING);
  xmpp_host_log(self->host, XMPP_LOG_INFO, "blocking: the server %s XEP-0191%s",
                self->supported ? "offers" : "does not offer",
                self->supported ? "" : "; only the local privacy lists apply");
  if (self->events.supported != NULL)
    self->events.supported(self->events_data, self->supported);
  if (self->supported)
    fetch_list(self);
}

void
xmpp_blocking_start(XmppBlocking *self)
{
  g_return_if_fail(self != NULL);
  const XmppJid *own = xmpp_router_get_own_jid(self->router);
  if (own == NULL)
    return;
  /* §2: the server advertises the feature in its own disco#info. */
  XmppNode *iq = xmpp_stanza_new_iq("get", xmpp_jid_get_domain(own), NULL);
  xmpp_node_new_child(iq, XMPP_NS_DISCO_INFO, "query");
  xmpp_router_send_iq(self->router, self, iq, 0, on_disco, self, NULL);
}

gboolean
xmpp_blocking_is_supported(const XmppBlocking *self)
{
  return self != NULL && self->supported;
}

gboolean
xmpp_blocking_is_blocked(const XmppBlocking *self, const char *jid)
{
  g_return_val_if_fail(self != NULL, FALSE);
  g_autofree char *norm = jid != NULL ? xmpp_jid_normalize(jid) : NULL;
  return norm != NULL && g_hash_table_contains(self->blocked, norm);
}

guint
xmpp_blocking_n_blocked(const XmppBlocking *self)
{
  g_return_val_if_fail(self != NULL, 0);
  return g_hash_table_size(self->blocked);
}

GList *
xmpp_blocking_get_jids(const XmppBlocking *self)
{
  g_return_val_if_fail(self != NULL, NULL);
  return g_hash_table_get_keys(self->blocked);
}

/* One block or unblock request: what it asked, for the refused event. */
typedef struct {
  XmppBlocking *self; /* whole while the request is pending: xmpp_blocking_free cancels it */
  gboolean block;
  char *jid; /* normalised; NULL: everyone (unblock only) */
} BlockingRequest;

static void
blocking_request_free(gpointer data)
{
  BlockingRequest *req = data;
  g_free(req->jid);
  g_free(req);
}

static void
on_request(const XmppStanza *reply, const GError *error, gpointer user_data)
{
  BlockingRequest *req = user_data;
  XmppBlocking *self = req->self;
  if (error == NULL || xmpp_iq_error_is_ended(error))
    return;
  xmpp_host_log(self->host, XMPP_LOG_WARNING, "blocking: request refused: %s", error->message);
  if (self->events.refused != NULL)
    self->events.refused(self->events_data, req->block, req->jid, error);
}

static gboolean
request(XmppBlocking *self, gboolean block, const char *jid)
{
  g_return_val_if_fail(self != NULL, FALSE);
  if (!self->supported)
    return FALSE;
  g_autofree char *norm = jid != NULL ? xmpp_jid_normalize(jid) : NULL;
  if (jid != NULL && norm == NULL)
    return FALSE;
  const char *jids[] = {norm, NULL};
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  xmpp_node_add_child(iq, xmpp_blocking_build(block, jids));
  /* The result needs no action: the server pushes the change to all our resources (§3.3). */
  BlockingRequest *req = g_new0(BlockingRequest, 1);
  req->self = self;
  req->block = block;
  req->jid = g_steal_pointer(&norm);
  xmpp_router_send_iq(self->router, self, iq, 0, on_request, req, blocking_request_free);
  return TRUE;
}

gboolean
xmpp_blocking_block(XmppBlocking *self, const char *jid)
{
  g_return_val_if_fail(jid != NULL, FALSE);
  return request(self, TRUE, jid);
}

gboolean
xmpp_blocking_unblock(XmppBlocking *self, const char *jid)
{
  return request(self, FALSE, jid);
}
