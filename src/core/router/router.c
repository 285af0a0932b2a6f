/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRouter: handler tables per stanza kind, and pending IQs that end exactly once. */
#include "router/router.h"

#include "router/namespaces.h"
#include "router/stanza-error.h"

GQuark
xmpp_iq_error_quark(void)
{
  return g_quark_from_static_string("xmpp-iq-error-quark");
}

gboolean
xmpp_iq_error_is_ended(const GError *error)
{
  return g_error_matches(error, XMPP_IQ_ERROR, XMPP_IQ_ERROR_SESSION_CLOSED) ||
         g_error_matches(error, XMPP_IQ_ERROR, XMPP_IQ_ERROR_CANCELLED);
}

typedef struct {
  guint handle;
  char *ns;
  char *name;
  XmppStanzaHandler handler;   /* an owner's, or NULL */
  XmppStanzaObserver observer; /* an observer's, or NULL */
  gpointer user_data;
  GDestroyNotify destroy;
  gboolean removed;
} Handler;

typedef struct {
  XmppRouter *router;
  char *id;
  XmppJid *to;         /* NULL: the request went to our own account or server */
  gboolean to_account; /* no 'to', or our own bare JID: the server answers for our account */
  gconstpointer owner; /* the module that sent it, or NULL */
  guint64 serial;      /* send order, for cancelling oldest first */
  XmppIqCallback callback;
  gpointer user_data;
  GDestroyNotify destroy;
  guint timer;
} PendingIq;

struct _XmppRouter {
  const XmppHost *host;
  void (*send)(gpointer, const XmppNode *);
  gpointer send_data;
  XmppJid *own_jid;
  GPtrArray *handlers[XMPP_STANZA_OTHER + 1]; /* Handler* */
  guint next_handle;
  guint dispatch_depth; /* > 0 while handlers run: removal only marks */
  gboolean needs_compaction;
  guint64 next_serial;
  GHashTable *pending; /* id -> PendingIq* */
  XmppAddressCache addresses;
};

static void
handler_free(gpointer data)
{
  Handler *handler = data;
  if (handler->destroy != NULL)
    handler->destroy(handler->user_data);
  g_free(handler->ns);
  g_free(handler->name);
  g_free(handler);
}

static void
pending_free(PendingIq *pending)
{
  if (pending->timer != 0)
    pending->router->host->timeout_remove(pending->router->host->data, pending->timer);
  if (pending->destroy != NULL)
    pending->destroy(pending->user_data);
  xmpp_jid_free(pending->to);
  g_free(pending->id);
  g_free(pending);
}

XmppRouter *
xmpp_router_new(const XmppHost *host, void (*send)(gpointer, const XmppNode *), gpointer send_data)
{
  g_return_val_if_fail(host != NULL && host->timeout_add != NULL, NULL);
  XmppRouter *router = g_new0(XmppRouter, 1);
  router->host = host;
  router->send = send;
  router->send_data = send_data;
  for (guint i = 0; i < G_N_ELEMENTS(router->handlers); i++)
    router->handlers[i] = g_ptr_array_new_with_free_func(handler_free);
  router->pending = g_hash_table_new(g_str_hash, g_str_equal);
  router->next_handle = 1;
  return router;
}

/* Ends one pending IQ: removes it first, so that a callback sending new IQs or failing the
 * session cannot reach it again. */
static void
pending_finish(PendingIq *pending, const XmppStanza *reply, const GError *error)
{
  g_hash_table_remove(pending->router->pending, pending->id);
  if (pending->timer != 0) {
    pending->router->host->timeout_remove(pending->router->host->data, pending->timer);
    pending->timer = 0;
  }
  pending->callback(reply, error, pending->user_data);
  pending_free(pending);
}

void
xmpp_router_fail_pending(XmppRouter *router)
{
  g_return_if_fail(router != NULL);
  g_autoptr(GError) error =
      g_error_new_literal(XMPP_IQ_ERROR, XMPP_IQ_ERROR_SESSION_CLOSED, "session closed");
  /* Callbacks may add new requests; loop until the table stays empty (bounded by the cap). */
  for (guint rounds = 0; rounds < XMPP_ROUTER_MAX_PENDING_IQ && g_hash_table_size(router->pending);
       rounds++) {
    GList *values = g_hash_table_get_values(router->pending);
    for (GList *l = values; l != NULL; l = l->next) {
      PendingIq *pending = l->data;
      if (g_hash_table_lookup(router->pending, pending->id) == pending)
        pending_finish(pending, NULL, error);
    }
    g_list_free(values);
  }
}

void
xmpp_router_free(XmppRouter *router)
{
  if (router == NULL)
    return;
  xmpp_router_fail_pending(router);
  g_hash_table_destroy(router->pending);
  for (guint i = 0; i < G_N_ELEMENTS(router->handlers); i++)
    g_ptr_array_free(router->handlers[i], TRUE);
  xmpp_jid_free(router->own_jid);
  xmpp_address_cache_clear(&router->addresses);
  g_free(router);
}

void
xmpp_router_set_own_jid(XmppRouter *router, const XmppJid *jid)
{
  g_return_if_fail(router != NULL);
  xmpp_jid_free(router->own_jid);
  router->own_jid = jid != NULL ? xmpp_jid_copy(jid) : NULL;
}

const XmppJid *
xmpp_router_get_own_jid(const XmppRouter *router)
{
  g_return_val_if_fail(router != NULL, NULL);
  return router->own_jid;
}

static guint
add(XmppRouter *router, XmppStanzaKind kind, const char *ns, const char *name,
    XmppStanzaHandler handler, XmppStanzaObserver observer, gpointer user_data,
    GDestroyNotify destroy)
{
  Handler *h = g_new0(Handler, 1);
  h->handle = router->next_handle++;
  h->ns = g_strdup(ns);
  h->name = g_strdup(name);
  h->handler = handler;
  h->observer = observer;
  h->user_data = user_data;
  h->destroy = destroy;
  g_ptr_array_add(router->handlers[kind], h);
  return h->handle;
}

guint
xmpp_router_add_owner(XmppRouter *router, XmppStanzaKind kind, const char *ns, const char *name,
                      XmppStanzaHandler handler, gpointer user_data, GDestroyNotify destroy)
{
  g_return_val_if_fail(router != NULL && handler != NULL, 0);
  g_return_val_if_fail((guint)kind < G_N_ELEMENTS(router->handlers), 0);
  return add(router, kind, ns, name, handler, NULL, user_data, destroy);
}

guint
xmpp_router_add_observer(XmppRouter *router, XmppStanzaKind kind, const char *ns, const char *name,
                         XmppStanzaObserver observer, gpointer user_data, GDestroyNotify destroy)
{
  g_return_val_if_fail(router != NULL && observer != NULL, 0);
  g_return_val_if_fail((guint)kind < G_N_ELEMENTS(router->handlers), 0);
  return add(router, kind, ns, name, NULL, observer, user_data, destroy);
}

static void
compact_handlers(XmppRouter *router)
{
  for (guint k = 0; k < G_N_ELEMENTS(router->handlers); k++) {
    GPtrArray *list = router->handlers[k];
    for (guint i = list->len; i-- > 0;) {
      if (((Handler *)list->pdata[i])->removed)
        g_ptr_array_remove_index(list, i);
    }
  }
  router->needs_compaction = FALSE;
}

void
xmpp_router_remove_handler(XmppRouter *router, guint handle)
{
  g_return_if_fail(router != NULL);
  for (guint k = 0; k < G_N_ELEMENTS(router->handlers); k++) {
    GPtrArray *list = router->handlers[k];
    for (guint i = 0; i < list->len; i++) {
      Handler *h = list->pdata[i];
      if (h->handle != handle || h->removed)
        continue;
      h->removed = TRUE;
      if (router->dispatch_depth > 0)
        router->needs_compaction = TRUE;
      else
        g_ptr_array_remove_index(list, i);
      return;
    }
  }
}

void
xmpp_router_send(XmppRouter *router, const XmppNode *node)
{
  g_return_if_fail(router != NULL && node != NULL);
  router->send(router->send_data, node);
}

gboolean
xmpp_router_is_from_self(const XmppRouter *router, const XmppStanza *stanza)
{
  g_return_val_if_fail(router != NULL && stanza != NULL, FALSE);
  if (stanza->from_invalid)
    return FALSE;
  if (stanza->from == NULL)
    return TRUE; /* RFC 6120 §8.1.2.1: no from means our own account */
  return xmpp_jid_equal(stanza->from, router->own_jid, XMPP_JID_MATCH_BARE);
}

/* T38: a reply counts only if it comes from where the request went. For requests to our own
 * account or server: no from, our bare JID (any case), or our domain. */
static gboolean
reply_origin_ok(const XmppRouter *router, const PendingIq *pending, const XmppStanza *reply)
{
  if (reply->from_invalid)
    return FALSE;
  if (pending->to == NULL) {
    if (reply->from == NULL)
      return TRUE;
    if (router->own_jid == NULL)
      return FALSE;
    if (xmpp_jid_equal(reply->from, router->own_jid, XMPP_JID_MATCH_BARE))
      return xmpp_jid_is_bare(reply->from) ||
             xmpp_jid_equal(reply->from, router->own_jid, XMPP_JID_MATCH_FULL);
    return xmpp_jid_is_domain(reply->from) &&
           g_strcmp0(xmpp_jid_get_domain(reply->from), xmpp_jid_get_domain(router->own_jid)) == 0;
  }
  if (reply->from == NULL)
    return FALSE;
  return xmpp_jid_equal(reply->from, pending->to, XMPP_JID_MATCH_FULL);
}

static gboolean
pending_timeout(gpointer data)
{
  PendingIq *pending = data;
  pending->timer = 0; /* the source ends with this return */
  g_autoptr(GError) error =
      g_error_new_literal(XMPP_IQ_ERROR, XMPP_IQ_ERROR_TIMEOUT, "no reply in time");
  pending_finish(pending, NULL, error);
  return G_SOURCE_REMOVE;
}

void
xmpp_router_send_iq(XmppRouter *router, gconstpointer owner, XmppNode *iq, guint timeout_ms,
                    XmppIqCallback cb, gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(router != NULL && iq != NULL && cb != NULL);
  if (g_hash_table_size(router->pending) >= XMPP_ROUTER_MAX_PENDING_IQ) {
    /* Nothing went on the wire, so no stanza error: an IQ error like a timeout. */
    g_autoptr(GError) error =
        g_error_new_literal(XMPP_IQ_ERROR, XMPP_IQ_ERROR_TOO_MANY, "too many requests pending");
    xmpp_node_free(iq);
    cb(NULL, error, user_data);
    if (destroy != NULL)
      destroy(user_data);
    return;
  }
  char *id = xmpp_host_random_id(router->host);
  /* 128 random bits never repeat a pending id; if they do, the random source is broken (and
   * the reply could not be told apart): the request is not sent. */
  if (id == NULL || g_hash_table_contains(router->pending, id)) {
    g_free(id);
    g_autoptr(GError) error = g_error_new_literal(XMPP_IQ_ERROR, XMPP_IQ_ERROR_RANDOM,
                                                  "no random data for the request's id");
    xmpp_node_free(iq);
    cb(NULL, error, user_data);
    if (destroy != NULL)
      destroy(user_data);
    return;
  }
  PendingIq *pending = g_new0(PendingIq, 1);
  pending->router = router;
  pending->id = id;
  pending->owner = owner;
  pending->serial = router->next_serial++;
  const char *to = xmpp_node_get_attr(iq, "to");
  pending->to_account = to == NULL;
  if (to != NULL) {
    pending->to = xmpp_jid_parse(to, NULL);
    pending->to_account = pending->to != NULL && router->own_jid != NULL &&
                          xmpp_jid_is_bare(pending->to) &&
                          xmpp_jid_equal(pending->to, router->own_jid, XMPP_JID_MATCH_BARE);
    /* Requests to our own bare JID or domain are answered by our server: treat as "no to". */
    if (pending->to != NULL && router->own_jid != NULL &&
        ((xmpp_jid_is_bare(pending->to) &&
          xmpp_jid_equal(pending->to, router->own_jid, XMPP_JID_MATCH_BARE)) ||
         (xmpp_jid_is_domain(pending->to) &&
          g_strcmp0(xmpp_jid_get_domain(pending->to), xmpp_jid_get_domain(router->own_jid)) ==
              0))) {
      g_clear_pointer(&pending->to, xmpp_jid_free);
    }
  }
  pending->callback = cb;
  pending->user_data = user_data;
  pending->destroy = destroy;
  xmpp_node_set_attr(iq, "id", pending->id);
  g_hash_table_insert(router->pending, pending->id, pending);
  pending->timer = router->host->timeout_add(router->host->data,
                                             timeout_ms ? timeout_ms : XMPP_ROUTER_IQ_TIMEOUT_MS,
                                             pending_timeout, pending);
  router->send(router->send_data, iq);
  xmpp_node_free(iq);
}

gboolean
xmpp_router_expects_large_reply(const XmppRouter *router, const XmppNode *start)
{
  g_return_val_if_fail(router != NULL && start != NULL, FALSE);
  if (!xmpp_node_is(start, XMPP_NS_JABBER_CLIENT, "iq") ||
      g_strcmp0(xmpp_node_get_attr(start, "type"), "result") != 0)
    return FALSE;
  const char *id = xmpp_node_get_attr(start, "id");
  const PendingIq *pending = id != NULL ? g_hash_table_lookup(router->pending, id) : NULL;
  if (pending == NULL || !pending->to_account)
    return FALSE;
  /* The same origin check the reply itself will get (T38). */
  const char *from = xmpp_node_get_attr(start, "from");
  XmppStanza probe = {.kind = XMPP_STANZA_IQ};
  if (from != NULL) {
    probe.from = xmpp_jid_parse(from, NULL);
    probe.from_invalid = probe.from == NULL;
  }
  gboolean ok = reply_origin_ok(router, pending, &probe);
  xmpp_jid_free(probe.from);
  return ok;
}

static gint
by_serial(gconstpointer a, gconstpointer b)
{
  guint64 x = (*(PendingIq *const *)a)->serial, y = (*(PendingIq *const *)b)->serial;
  return x < y ? -1 : x > y;
}

void
xmpp_router_cancel_owner(XmppRouter *router, gconstpointer owner)
{
  g_return_if_fail(router != NULL && owner != NULL);
  g_autoptr(GError) error =
      g_error_new_literal(XMPP_IQ_ERROR, XMPP_IQ_ERROR_CANCELLED, "the request was cancelled");
  /* Callbacks may send more for the same owner: repeat, bounded by the cap on pending IQs. */
  for (guint round = 0; round < XMPP_ROUTER_MAX_PENDING_IQ; round++) {
    g_autoptr(GPtrArray) mine = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, router->pending);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
      if (((PendingIq *)value)->owner == owner)
        g_ptr_array_add(mine, value);
    }
    if (mine->len == 0)
      return;
    g_ptr_array_sort(mine, by_serial);
    /* By id, not pointer: an earlier callback may end (and free) a later request. */
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < mine->len; i++)
      g_ptr_array_add(ids, g_strdup(((PendingIq *)mine->pdata[i])->id));
    for (guint i = 0; i < ids->len; i++) {
      PendingIq *pending = g_hash_table_lookup(router->pending, ids->pdata[i]);
      if (pending != NULL && pending->owner == owner)
        pending_finish(pending, NULL, error);
    }
    g_ptr_array_free(ids, TRUE);
  }
}

guint
xmpp_router_n_pending(const XmppRouter *router)
{
  g_return_val_if_fail(router != NULL, 0);
  return g_hash_table_size(router->pending);
}

static gboolean
handler_matches(const Handler *h, const XmppStanza *stanza, const XmppNode *payload)
{
  if (h->removed)
    return FALSE;
  if (h->ns == NULL && h->name == NULL)
    return TRUE;
  if (stanza->kind == XMPP_STANZA_IQ || stanza->kind == XMPP_STANZA_OTHER) {
    const XmppNode *node = stanza->kind == XMPP_STANZA_IQ ? payload : stanza->node;
    return node != NULL && (h->ns == NULL || g_strcmp0(node->ns, h->ns) == 0) &&
           (h->name == NULL || g_strcmp0(node->name, h->name) == 0);
  }
  return xmpp_node_get_child(stanza->node, h->ns, h->name) != NULL;
}

static gboolean
is_keyed(const Handler *h)
{
  return h->ns != NULL || h->name != NULL;
}

/* The order of the model (router.h): observers, keyed owners, catch-all owners. */
static XmppHandlerResult
run_handlers(XmppRouter *router, XmppStanza *stanza)
{
  GPtrArray *list = router->handlers[stanza->kind];
  XmppNode *payload = stanza->kind == XMPP_STANZA_IQ ? xmpp_stanza_get_payload(stanza) : NULL;
  XmppHandlerResult result = XMPP_HANDLER_PASS;
  /* Handlers added meanwhile are appended after n and do not see this stanza; removal during
   * a dispatch only marks, so the indices below n stay valid (the array may still move). */
  const guint n = list->len;
  router->dispatch_depth++;
  for (guint i = 0; i < n; i++) {
    Handler *h = list->pdata[i];
    if (h->observer != NULL && handler_matches(h, stanza, payload))
      h->observer(stanza, h->user_data);
  }
  for (int keyed = 1; keyed >= 0 && result == XMPP_HANDLER_PASS; keyed--) {
    for (guint i = 0; i < n && result == XMPP_HANDLER_PASS; i++) {
      Handler *h = list->pdata[i];
      if (h->handler != NULL && is_keyed(h) == (keyed == 1) && handler_matches(h, stanza, payload))
        result = h->handler(stanza, h->user_data);
    }
  }
  router->dispatch_depth--;
  if (router->dispatch_depth == 0 && router->needs_compaction)
    compact_handlers(router);
  return result;
}

static void
dispatch_iq_reply(XmppRouter *router, XmppStanza *stanza)
{
  PendingIq *pending = stanza->id ? g_hash_table_lookup(router->pending, stanza->id) : NULL;
  if (pending == NULL) {
    xmpp_host_log(router->host, XMPP_LOG_DEBUG, "ignoring IQ %s with unknown id", stanza->type);
    return;
  }
  if (!reply_origin_ok(router, pending, stanza)) {
    /* T38 (CVE-2013-6483): a reply from anyone else is ignored; the request stays open. */
    xmpp_host_log(router->host, XMPP_LOG_WARNING, "ignoring IQ reply from an unexpected sender %s",
                  xmpp_node_get_attr(stanza->node, "from"));
    return;
  }
  if (strcmp(stanza->type, "error") == 0) {
    g_autoptr(GError) error = xmpp_stanza_error_from_stanza(stanza);
    pending_finish(pending, stanza, error);
  } else {
    pending_finish(pending, stanza, NULL);
  }
}

void
xmpp_router_dispatch(XmppRouter *router, XmppNode *node)
{
  g_return_if_fail(router != NULL && node != NULL);
  g_autoptr(XmppStanza) stanza = xmpp_stanza_new_cached(node, &router->addresses);
  if (stanza->kind != XMPP_STANZA_IQ) {
    run_handlers(router, stanza);
    return;
  }
  const char *type = stanza->type != NULL ? stanza->type : "";
  if (strcmp(type, "result") == 0 || strcmp(type, "error") == 0) {
    dispatch_iq_reply(router, stanza);
    return;
  }
  if (strcmp(type, "get") != 0 && strcmp(type, "set") != 0) {
    XmppNode *reply = xmpp_stanza_error_new_reply(stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
    router->send(router->send_data, reply);
    xmpp_node_free(reply);
    return;
  }
  /* RFC 6120 §8.2.3: a get or set has exactly one payload; without it the request is bad. */
  if (xmpp_stanza_get_payload(stanza) == NULL || stanza->id == NULL) {
    XmppNode *reply = xmpp_stanza_error_new_reply(stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
    router->send(router->send_data, reply);
    xmpp_node_free(reply);
    return;
  }
  if (run_handlers(router, stanza) == XMPP_HANDLER_PASS) {
    /* RFC 6120 §8.4: an entity that does not understand a get/set must answer with an error. */
    XmppNode *reply = xmpp_stanza_error_new_reply(stanza, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
    router->send(router->send_data, reply);
    xmpp_node_free(reply);
  }
}

void
xmpp_router_ignore_answer(const XmppStanza *reply, const GError *error, gpointer user_data)
{
}
