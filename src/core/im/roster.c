/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRoster: the RFC 6121 §2 roster model, its parsers, the fetch with versioning (§2.6),
 * pushes (§2.1.6) and set/remove requests (§2.3-§2.5). */
#include "im/roster.h"

#include "router/closure.h"

#include <string.h>

#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "im/namespaces.h"

struct _XmppRoster {
  XmppRouter *router;
  const XmppHost *host;
  const XmppRosterEvents *events;
  gpointer events_data;
  GHashTable *items; /* normalised JID string (borrowed from the item) -> XmppRosterItem* */
  char *ver;
  gboolean loaded;
  guint push_handler;
};

/* ---- the model ---------------------------------------------------------------------------- */

static const char *const subscription_names[] = {"none", "to", "from", "both", "remove"};

const char *
xmpp_roster_subscription_to_string(XmppRosterSubscription subscription)
{
  if ((guint)subscription >= G_N_ELEMENTS(subscription_names))
    return "none";
  return subscription_names[subscription];
}

XmppRosterSubscription
xmpp_roster_subscription_from_string(const char *value)
{
  for (guint i = 0; value != NULL && i < G_N_ELEMENTS(subscription_names); i++)
    if (strcmp(value, subscription_names[i]) == 0)
      return (XmppRosterSubscription)i;
  return XMPP_ROSTER_SUBSCRIPTION_NONE; /* RFC 6121 §2.1.2.5: the default */
}

/* Groups as a clean strv: no empty or over-long names, no duplicates, at most the limit.
 * Sized once from the input (items are built by the thousand at sign-in). */
static char **
groups_clean(const char *const *groups)
{
  guint n = 0;
  while (groups != NULL && groups[n] != NULL)
    n++;
  char **out = g_new(char *, MIN(n, XMPP_ROSTER_MAX_GROUPS) + 1);
  guint len = 0;
  for (guint i = 0; i < n && len < XMPP_ROSTER_MAX_GROUPS; i++) {
    const char *g = groups[i];
    if (*g == '\0' || strlen(g) > XMPP_ROSTER_MAX_GROUP_BYTES)
      continue;
    gboolean dup = FALSE;
    for (guint j = 0; j < len && !dup; j++)
      dup = strcmp(out[j], g) == 0;
    if (!dup)
      out[len++] = g_strdup(g);
  }
  out[len] = NULL;
  return out;
}

/* A name cut to the limit on a UTF-8 character boundary; NULL for none or empty. */
static char *
name_clean(const char *name)
{
  if (name == NULL || *name == '\0')
    return NULL;
  gsize len = strlen(name);
  if (len <= XMPP_ROSTER_MAX_NAME_BYTES)
    return g_strdup(name);
  const char *end = name + XMPP_ROSTER_MAX_NAME_BYTES;
  /* Back up to the start of the character that does not fit. */
  while (end > name && ((guchar)*end & 0xC0) == 0x80)
    end--;
  return g_strndup(name, (gsize)(end - name));
}

XmppRosterItem *
xmpp_roster_item_new(const XmppJid *jid, const char *name, const char *const *groups)
{
  g_return_val_if_fail(jid != NULL, NULL);
  XmppRosterItem *item = g_new0(XmppRosterItem, 1);
  item->jid = xmpp_jid_copy(jid);
  item->name = name_clean(name);
  item->groups = groups_clean(groups);
  return item;
}

XmppRosterItem *
xmpp_roster_item_copy(const XmppRosterItem *item)
{
  g_return_val_if_fail(item != NULL, NULL);
  XmppRosterItem *copy = g_new0(XmppRosterItem, 1);
  copy->jid = xmpp_jid_copy(item->jid);
  copy->name = g_strdup(item->name);
  copy->subscription = item->subscription;
  copy->ask = item->ask;
  copy->approved = item->approved;
  copy->groups = g_strdupv(item->groups);
  return copy;
}

void
xmpp_roster_item_free(XmppRosterItem *item)
{
  if (item == NULL)
    return;
  xmpp_jid_free(item->jid);
  g_free(item->name);
  g_strfreev(item->groups);
  g_free(item);
}

gboolean
xmpp_roster_item_in_group(const XmppRosterItem *item, const char *group)
{
  for (guint i = 0; item->groups[i] != NULL; i++)
    if (strcmp(item->groups[i], group) == 0)
      return TRUE;
  return FALSE;
}

gboolean
xmpp_roster_item_equal(const XmppRosterItem *a, const XmppRosterItem *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (!xmpp_jid_equal(a->jid, b->jid, XMPP_JID_MATCH_FULL) || g_strcmp0(a->name, b->name) != 0 ||
      a->subscription != b->subscription || a->ask != b->ask || a->approved != b->approved ||
      g_strv_length(a->groups) != g_strv_length(b->groups))
    return FALSE;
  /* Groups have no duplicates, so same length plus inclusion means the same set. */
  for (guint i = 0; a->groups[i] != NULL; i++)
    if (!xmpp_roster_item_in_group(b, a->groups[i]))
      return FALSE;
  return TRUE;
}

/* ---- parsing and building (pure) ---------------------------------------------------------- */

XmppRosterItem *
xmpp_roster_item_parse(const XmppNode *node, GError **error)
{
  const char *jid_str = xmpp_node_get_attr(node, "jid");
  g_autoptr(XmppJid) jid = jid_str != NULL ? xmpp_jid_parse(jid_str, NULL) : NULL;
  if (jid == NULL) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                "roster item without a valid jid");
    return NULL;
  }
  GPtrArray *groups = g_ptr_array_new_with_free_func(g_free);
  for (XmppNode *g = xmpp_node_get_child(node, XMPP_NS_ROSTER, "group"); g != NULL;
       g = xmpp_node_next_child(node, g, XMPP_NS_ROSTER, "group")) {
    /* Bounded by the stanza size; groups_clean keeps at most the limit. */
    g_ptr_array_add(groups, xmpp_node_dup_text(g));
  }
  g_ptr_array_add(groups, NULL);
  XmppRosterItem *item = xmpp_roster_item_new(jid, xmpp_node_get_attr(node, "name"),
                                              (const char *const *)groups->pdata);
  g_ptr_array_unref(groups);
  item->subscription =
      xmpp_roster_subscription_from_string(xmpp_node_get_attr(node, "subscription"));
  /* §2.1.2.2: 'subscribe' is the only defined value of ask. */
  item->ask = g_strcmp0(xmpp_node_get_attr(node, "ask"), "subscribe") == 0;
  const char *approved = xmpp_node_get_attr(node, "approved");
  item->approved = g_strcmp0(approved, "true") == 0 || g_strcmp0(approved, "1") == 0;
  return item;
}

XmppNode *
xmpp_roster_item_to_node(const XmppRosterItem *item, gboolean with_state)
{
  XmppNode *node = xmpp_node_new(XMPP_NS_ROSTER, "item");
  xmpp_node_set_attr(node, "jid", xmpp_jid_get_full(item->jid));
  if (item->subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE) {
    /* §2.5.2: a removal carries only the jid and subscription='remove'. */
    xmpp_node_set_attr(node, "subscription", "remove");
    return node;
  }
  if (item->name != NULL)
    xmpp_node_set_attr(node, "name", item->name);
  if (with_state) {
    xmpp_node_set_attr(node, "subscription",
                       xmpp_roster_subscription_to_string(item->subscription));
    if (item->ask)
      xmpp_node_set_attr(node, "ask", "subscribe");
    if (item->approved)
      xmpp_node_set_attr(node, "approved", "true");
  }
  for (guint i = 0; item->groups[i] != NULL; i++)
    xmpp_node_new_text_child(node, XMPP_NS_ROSTER, "group", item->groups[i]);
  return node;
}

XmppRosterQuery *
xmpp_roster_query_parse(const XmppNode *query)
{
  XmppRosterQuery *q = g_new0(XmppRosterQuery, 1);
  q->items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  const char *ver = xmpp_node_get_attr(query, "ver");
  if (ver != NULL && strlen(ver) <= XMPP_ROSTER_MAX_VER_BYTES)
    q->ver = g_strdup(ver);
  for (XmppNode *n = xmpp_node_get_child(query, XMPP_NS_ROSTER, "item"); n != NULL;
       n = xmpp_node_next_child(query, n, XMPP_NS_ROSTER, "item")) {
    if (q->items->len >= XMPP_ROSTER_MAX_ITEMS) {
      q->n_dropped++;
      continue;
    }
    XmppRosterItem *item = xmpp_roster_item_parse(n, NULL);
    if (item == NULL)
      q->n_dropped++;
    else
      g_ptr_array_add(q->items, item);
  }
  return q;
}

void
xmpp_roster_query_free(XmppRosterQuery *query)
{
  if (query == NULL)
    return;
  g_free(query->ver);
  g_ptr_array_unref(query->items);
  g_free(query);
}

/* ---- the roster --------------------------------------------------------------------------- */

static const char *
item_key(const XmppRosterItem *item)
{
  return xmpp_jid_get_full(item->jid);
}

static GHashTable *
items_table_new(void)
{
  return g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                               (GDestroyNotify)xmpp_roster_item_free);
}

/* Takes item; replaces any item with the same JID. */
static void
items_insert(GHashTable *table, XmppRosterItem *item)
{
  /* The key is borrowed from the item: remove the old pair first so it never dangles. */
  g_hash_table_remove(table, item_key(item));
  g_hash_table_insert(table, (gpointer)item_key(item), item);
}

static void
set_version(XmppRoster *roster, const char *ver)
{
  if (ver == NULL)
    return; /* §2.6.3: a push or result without ver leaves the version alone */
  g_free(roster->ver);
  roster->ver = g_strdup(ver);
}

static XmppHandlerResult handle_push(XmppStanza *stanza, gpointer user_data);

XmppRoster *
xmpp_roster_new(XmppRouter *router, const XmppHost *host)
{
  XmppRoster *roster = g_new0(XmppRoster, 1);
  roster->router = router;
  roster->host = host;
  roster->items = items_table_new();
  roster->push_handler = xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_ROSTER, "query",
                                               handle_push, roster, NULL);
  return roster;
}

typedef struct {
  XmppRoster *roster; /* whole while the request is pending: xmpp_roster_free cancels them */
  gboolean is_fetch;
  gboolean sent_ver;
  XmppClosure closure; /* the caller's XmppRosterRequestCallback, if any */
} RosterRequest;

void
xmpp_roster_free(XmppRoster *roster)
{
  if (roster == NULL)
    return;
  xmpp_router_cancel_owner(roster->router, roster);
  xmpp_router_remove_handler(roster->router, roster->push_handler);
  g_hash_table_unref(roster->items);
  g_free(roster->ver);
  g_free(roster);
}

void
xmpp_roster_set_events(XmppRoster *roster, const XmppRosterEvents *events, gpointer data)
{
  g_return_if_fail(roster != NULL);
  roster->events = events;
  roster->events_data = data;
}

void
xmpp_roster_set_cache(XmppRoster *roster, const char *ver, GPtrArray *items)
{
  g_return_if_fail(roster != NULL);
  xmpp_roster_clear(roster);
  set_version(roster, ver);
  if (items == NULL)
    return;
  g_ptr_array_set_free_func(items, NULL); /* the table owns them now */
  for (guint i = 0; i < items->len; i++) {
    if (g_hash_table_size(roster->items) < XMPP_ROSTER_MAX_ITEMS)
      items_insert(roster->items, items->pdata[i]);
    else
      xmpp_roster_item_free(items->pdata[i]);
  }
  g_ptr_array_unref(items);
}

void
xmpp_roster_clear(XmppRoster *roster)
{
  g_return_if_fail(roster != NULL);
  g_hash_table_remove_all(roster->items);
  g_clear_pointer(&roster->ver, g_free);
  roster->loaded = FALSE;
}

gboolean
xmpp_roster_is_loaded(const XmppRoster *roster)
{
  return roster->loaded;
}

const char *
xmpp_roster_get_version(const XmppRoster *roster)
{
  return roster->ver;
}

guint
xmpp_roster_n_items(const XmppRoster *roster)
{
  return g_hash_table_size(roster->items);
}

GList *
xmpp_roster_get_items(const XmppRoster *roster)
{
  return g_hash_table_get_values(roster->items);
}

const XmppRosterItem *
xmpp_roster_lookup(const XmppRoster *roster, const XmppJid *jid)
{
  if (roster == NULL || jid == NULL)
    return NULL;
  const XmppRosterItem *item = g_hash_table_lookup(roster->items, xmpp_jid_get_bare(jid));
  return item != NULL ? item : g_hash_table_lookup(roster->items, xmpp_jid_get_full(jid));
}

const XmppRosterItem *
xmpp_roster_lookup_str(const XmppRoster *roster, const char *jid)
{
  g_autoptr(XmppJid) parsed = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  return xmpp_roster_lookup(roster, parsed);
}

/* ---- requests ----------------------------------------------------------------------------- */

static RosterRequest *
request_new(XmppRoster *roster, XmppRosterRequestCallback cb, gpointer user_data,
            GDestroyNotify destroy)
{
  RosterRequest *req = g_new0(RosterRequest, 1);
  req->roster = roster;
  xmpp_closure_init(&req->closure, cb, user_data, destroy);
  return req;
}

static void
request_free(gpointer data)
{
  RosterRequest *req = data;
  xmpp_closure_clear(&req->closure);
  g_free(req);
}

/* Applies a full result (§2.1.4): items no longer there are reported removed, then loaded. */
static void
apply_full_result(XmppRoster *roster, XmppRosterQuery *query)
{
  GHashTable *fresh = items_table_new();
  for (guint i = 0; i < query->items->len; i++) {
    XmppRosterItem *item = query->items->pdata[i];
    if (item->subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE)
      continue; /* not meaningful in a result */
    items_insert(fresh, xmpp_roster_item_copy(item));
  }
  GHashTable *old = roster->items;
  roster->items = fresh;
  set_version(roster, query->ver);
  roster->loaded = TRUE;
  const XmppRosterEvents *ev = roster->events;
  if (ev != NULL && ev->item_removed != NULL) {
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, old);
    while (g_hash_table_iter_next(&iter, &key, &value))
      if (!g_hash_table_contains(fresh, key))
        ev->item_removed(roster->events_data, value);
  }
  g_hash_table_unref(old);
}

static void
fetch_done(const XmppStanza *reply, const GError *error, gpointer user_data)
{
  RosterRequest *req = user_data;
  XmppRoster *roster = req->roster;
  if (xmpp_iq_error_is_ended(error))
    return; /* the session or the roster is going away: no fetch to report */
  if (error != NULL) {
    xmpp_host_log(roster->host, XMPP_LOG_WARNING, "roster: fetch failed: %s", error->message);
    if (roster->events != NULL && roster->events->fetch_failed != NULL)
      roster->events->fetch_failed(roster->events_data, error);
    return;
  }
  XmppNode *query = xmpp_node_get_child(reply->node, XMPP_NS_ROSTER, "query");
  if (query == NULL) {
    /* §2.6.3: an empty result means our stored copy is current; pushes follow on top. */
    xmpp_host_log(roster->host, XMPP_LOG_INFO,
                  "roster: 0 items received (version %s unchanged, %u stored)",
                  roster->ver != NULL ? roster->ver : "none", g_hash_table_size(roster->items));
    roster->loaded = TRUE;
    if (roster->events != NULL && roster->events->loaded != NULL)
      roster->events->loaded(roster->events_data, TRUE);
    return;
  }
  g_autoptr(XmppRosterQuery) parsed = xmpp_roster_query_parse(query);
  xmpp_host_log(roster->host, XMPP_LOG_INFO, "roster: %u items received (version %s)",
                parsed->items->len, parsed->ver != NULL ? parsed->ver : "none");
  if (parsed->n_dropped > 0)
    xmpp_host_log(roster->host, XMPP_LOG_WARNING, "roster: %u items dropped (invalid or over %d)",
                  parsed->n_dropped, XMPP_ROSTER_MAX_ITEMS);
  if (!req->sent_ver)
    g_clear_pointer(&roster->ver, g_free); /* a version from an older session means nothing */
  apply_full_result(roster, parsed);
  if (roster->events != NULL && roster->events->loaded != NULL)
    roster->events->loaded(roster->events_data, FALSE);
}

void
xmpp_roster_fetch(XmppRoster *roster, gboolean versioning)
{
  g_return_if_fail(roster != NULL);
  XmppNode *iq = xmpp_stanza_new_iq("get", NULL, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_ROSTER, "query");
  RosterRequest *req = request_new(roster, NULL, NULL, NULL);
  req->is_fetch = TRUE;
  /* §2.6.1/§2.6.2: 'ver' only when the server advertised versioning; "" bootstraps it. */
  if (versioning) {
    xmpp_node_set_attr(query, "ver", roster->ver != NULL ? roster->ver : "");
    req->sent_ver = TRUE;
  }
  xmpp_router_send_iq(roster->router, roster, iq, 0, fetch_done, req, request_free);
}

static void
request_done(const XmppStanza *reply, const GError *error, gpointer user_data)
{
  RosterRequest *req = user_data;
  if (error != NULL && !xmpp_iq_error_is_ended(error))
    xmpp_host_log(req->roster->host, XMPP_LOG_WARNING, "roster: request failed: %s",
                  error->message);
  if (req->closure.callback != NULL)
    ((XmppRosterRequestCallback)req->closure.callback)(error, req->closure.user_data);
}

static void
send_set(XmppRoster *roster, const XmppRosterItem *item, XmppRosterRequestCallback cb,
         gpointer user_data, GDestroyNotify destroy)
{
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_ROSTER, "query");
  xmpp_node_add_child(query, xmpp_roster_item_to_node(item, FALSE));
  RosterRequest *req = request_new(roster, cb, user_data, destroy);
  xmpp_router_send_iq(roster->router, roster, iq, 0, request_done, req, request_free);
}

void
xmpp_roster_request_set(XmppRoster *roster, const XmppRosterItem *item,
                        XmppRosterRequestCallback cb, gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(roster != NULL && item != NULL);
  XmppRosterItem copy = *item;
  if (copy.subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE)
    copy.subscription = XMPP_ROSTER_SUBSCRIPTION_NONE; /* a set never removes */
  send_set(roster, &copy, cb, user_data, destroy);
}

void
xmpp_roster_request_remove(XmppRoster *roster, const XmppJid *jid, XmppRosterRequestCallback cb,
                           gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(roster != NULL && jid != NULL);
  g_autoptr(XmppRosterItem) item = xmpp_roster_item_new(jid, NULL, NULL);
  item->subscription = XMPP_ROSTER_SUBSCRIPTION_REMOVE;
  send_set(roster, item, cb, user_data, destroy);
}

/* ---- pushes (§2.1.6) ---------------------------------------------------------------------- */

static void
reply_error(XmppRoster *roster, XmppStanza *stanza, XmppStanzaErrorCondition condition)
{
  XmppNode *reply = xmpp_stanza_error_new_reply(stanza, condition);
  xmpp_router_send(roster->router, reply);
  xmpp_node_free(reply);
}

/* Applies one pushed item (taken). */
static void
apply_push_item(XmppRoster *roster, XmppRosterItem *item)
{
  const XmppRosterEvents *ev = roster->events;
  XmppRosterItem *old = g_hash_table_lookup(roster->items, item_key(item));
  if (item->subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE) {
    if (old != NULL) {
      g_hash_table_steal(roster->items, item_key(old));
      if (ev != NULL && ev->item_removed != NULL)
        ev->item_removed(roster->events_data, old);
      xmpp_roster_item_free(old);
    }
    xmpp_roster_item_free(item);
    return;
  }
  if (old != NULL && xmpp_roster_item_equal(old, item)) {
    xmpp_roster_item_free(item);
    return;
  }
  items_insert(roster->items, item);
  if (ev != NULL && ev->item_updated != NULL)
    ev->item_updated(roster->events_data, item, old == NULL);
}

static XmppHandlerResult
handle_push(XmppStanza *stanza, gpointer user_data)
{
  XmppRoster *roster = user_data;
  if (g_strcmp0(stanza->type, "set") != 0)
    return XMPP_HANDLER_PASS; /* a roster get to us: the router says service-unavailable */
  /* §2.1.6 (T34): only our own account may push; anyone else is ignored. */
  if (!xmpp_router_is_from_self(roster->router, stanza)) {
    xmpp_host_log(roster->host, XMPP_LOG_WARNING, "roster: ignoring a push from %s",
                  stanza->from != NULL ? xmpp_jid_get_full(stanza->from) : "an invalid JID");
    reply_error(roster, stanza, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
    return XMPP_HANDLER_CONSUMED;
  }
  XmppNode *query = xmpp_stanza_get_payload(stanza);
  /* §2.1.6: a push carries exactly one item. */
  XmppNode *first = xmpp_node_get_child(query, XMPP_NS_ROSTER, "item");
  if (first == NULL || xmpp_node_next_child(query, first, XMPP_NS_ROSTER, "item") != NULL) {
    reply_error(roster, stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
    return XMPP_HANDLER_CONSUMED;
  }
  XmppRosterItem *item = xmpp_roster_item_parse(first, NULL);
  if (item == NULL) {
    reply_error(roster, stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
    return XMPP_HANDLER_CONSUMED;
  }
  if (item->subscription != XMPP_ROSTER_SUBSCRIPTION_REMOVE &&
      g_hash_table_size(roster->items) >= XMPP_ROSTER_MAX_ITEMS &&
      !g_hash_table_contains(roster->items, item_key(item))) {
    xmpp_host_log(roster->host, XMPP_LOG_WARNING, "roster: full (%d items), push refused",
                  XMPP_ROSTER_MAX_ITEMS);
    xmpp_roster_item_free(item);
    reply_error(roster, stanza, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
    return XMPP_HANDLER_CONSUMED;
  }
  const char *ver = xmpp_node_get_attr(query, "ver");
  if (ver != NULL && strlen(ver) <= XMPP_ROSTER_MAX_VER_BYTES)
    set_version(roster, ver); /* §2.6.3: each push carries the version it creates */
  /* §2.1.6: acknowledge first, then tell the glue (which may close the session). */
  XmppNode *reply = xmpp_stanza_new_iq_result(stanza);
  xmpp_router_send(roster->router, reply);
  xmpp_node_free(reply);
  apply_push_item(roster, item);
  return XMPP_HANDLER_CONSUMED;
}
