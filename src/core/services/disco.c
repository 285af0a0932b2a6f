/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDisco: XEP-0030 service discovery: the feature registry, our answers, and queries. */
#include "services/disco.h"

#include "router/closure.h"

#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "services/namespaces.h"

struct _XmppDisco {
  XmppRouter *router;
  const XmppHost *host;
  GHashTable *features; /* char* -> NULL: a set */
  guint generation;
  char *caps_node; /* node#ver answered like no node (XEP-0115 §6.2) */
  guint info_handler;
  guint items_handler;
  XmppDiscoInfo *server;  /* NULL until known */
  XmppDiscoInfo *account; /* NULL until known */
  guint discovering;      /* answers still awaited */
  void (*discovered)(gpointer);
  gpointer discovered_data;
};

/* ---- the model ---- */

static void
identity_free(gpointer data)
{
  XmppDiscoIdentity *id = data;
  g_free(id->category);
  g_free(id->type);
  g_free(id->lang);
  g_free(id->name);
  g_free(id);
}

XmppDiscoInfo *
xmpp_disco_info_new(void)
{
  XmppDiscoInfo *info = g_new0(XmppDiscoInfo, 1);
  info->identities = g_ptr_array_new_with_free_func(identity_free);
  info->features = g_ptr_array_new_with_free_func(g_free);
  info->forms = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  return info;
}

void
xmpp_disco_info_free(XmppDiscoInfo *info)
{
  if (info == NULL)
    return;
  g_free(info->node);
  g_ptr_array_unref(info->identities);
  g_ptr_array_unref(info->features);
  g_ptr_array_unref(info->forms);
  g_free(info);
}

void
xmpp_disco_info_add_identity(XmppDiscoInfo *info, const char *category, const char *type,
                             const char *lang, const char *name)
{
  XmppDiscoIdentity *id = g_new0(XmppDiscoIdentity, 1);
  id->category = g_strdup(category);
  id->type = g_strdup(type);
  id->lang = g_strdup(lang);
  id->name = g_strdup(name);
  g_ptr_array_add(info->identities, id);
}

XmppDiscoInfo *
xmpp_disco_info_copy(const XmppDiscoInfo *info)
{
  XmppDiscoInfo *copy = xmpp_disco_info_new();
  copy->node = g_strdup(info->node);
  for (guint i = 0; i < info->identities->len; i++) {
    const XmppDiscoIdentity *id = info->identities->pdata[i];
    xmpp_disco_info_add_identity(copy, id->category, id->type, id->lang, id->name);
  }
  for (guint i = 0; i < info->features->len; i++)
    g_ptr_array_add(copy->features, g_strdup(info->features->pdata[i]));
  for (guint i = 0; i < info->forms->len; i++)
    g_ptr_array_add(copy->forms, xmpp_node_copy(info->forms->pdata[i]));
  return copy;
}

static gboolean
string_ok(const char *s)
{
  return s != NULL && *s != '\0' && strlen(s) <= XMPP_DISCO_MAX_STRING;
}

static gboolean
optional_ok(const char *s)
{
  return s == NULL || strlen(s) <= XMPP_DISCO_MAX_STRING;
}

static XmppDiscoInfo *
parse_fail(XmppDiscoInfo *info, GError **error, const char *why)
{
  xmpp_disco_info_free(info);
  g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "disco#info: %s", why);
  return NULL;
}

XmppDiscoInfo *
xmpp_disco_info_parse(const XmppNode *query, GError **error)
{
  if (query == NULL || !xmpp_node_is(query, XMPP_NS_DISCO_INFO, "query"))
    return parse_fail(NULL, error, "not a disco#info query");
  XmppDiscoInfo *info = xmpp_disco_info_new();
  const char *node = xmpp_node_get_attr(query, "node");
  if (!optional_ok(node))
    return parse_fail(info, error, "node too long");
  info->node = g_strdup(node);
  for (guint i = 0; i < xmpp_node_n_children(query); i++) {
    const XmppNode *child = xmpp_node_nth_child(query, i);
    if (xmpp_node_is(child, XMPP_NS_DISCO_INFO, "identity")) {
      const char *category = xmpp_node_get_attr(child, "category");
      const char *type = xmpp_node_get_attr(child, "type");
      const char *name = xmpp_node_get_attr(child, "name");
      const char *lang = xmpp_node_get_attr_ns(child, XMPP_NS_XML, "lang");
      if (!string_ok(category) || !string_ok(type) || !optional_ok(name) || !optional_ok(lang))
        return parse_fail(info, error, "bad identity");
      if (info->identities->len >= XMPP_DISCO_MAX_IDENTITIES)
        return parse_fail(info, error, "too many identities");
      xmpp_disco_info_add_identity(info, category, type, lang, name);
    } else if (xmpp_node_is(child, XMPP_NS_DISCO_INFO, "feature")) {
      const char *var = xmpp_node_get_attr(child, "var");
      if (!string_ok(var))
        return parse_fail(info, error, "bad feature");
      if (info->features->len >= XMPP_DISCO_MAX_FEATURES)
        return parse_fail(info, error, "too many features");
      g_ptr_array_add(info->features, g_strdup(var));
    } else if (xmpp_node_is(child, XMPP_NS_XDATA, "x")) {
      if (info->forms->len >= XMPP_DISCO_MAX_FORMS)
        return parse_fail(info, error, "too many forms");
      g_ptr_array_add(info->forms, xmpp_node_copy(child));
    }
  }
  return info;
}

gboolean
xmpp_disco_info_has_feature(const XmppDiscoInfo *info, const char *feature)
{
  if (info == NULL || feature == NULL)
    return FALSE;
  for (guint i = 0; i < info->features->len; i++)
    if (g_strcmp0(info->features->pdata[i], feature) == 0)
      return TRUE;
  return FALSE;
}

XmppNode *
xmpp_disco_info_build(const XmppDiscoInfo *info)
{
  XmppNode *query = xmpp_node_new(XMPP_NS_DISCO_INFO, "query");
  if (info->node != NULL)
    xmpp_node_set_attr(query, "node", info->node);
  for (guint i = 0; i < info->identities->len; i++) {
    const XmppDiscoIdentity *id = info->identities->pdata[i];
    XmppNode *n = xmpp_node_new_child(query, NULL, "identity");
    xmpp_node_set_attr(n, "category", id->category);
    xmpp_node_set_attr(n, "type", id->type);
    if (id->lang != NULL)
      xmpp_node_set_attr_ns(n, XMPP_NS_XML, "lang", id->lang);
    if (id->name != NULL)
      xmpp_node_set_attr(n, "name", id->name);
  }
  for (guint i = 0; i < info->features->len; i++)
    xmpp_node_set_attr(xmpp_node_new_child(query, NULL, "feature"), "var",
                       info->features->pdata[i]);
  for (guint i = 0; i < info->forms->len; i++)
    xmpp_node_add_child(query, xmpp_node_copy(info->forms->pdata[i]));
  return query;
}

/* ---- our answers ---- */

static int
compare_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

XmppDiscoInfo *
xmpp_disco_dup_own_info(const XmppDisco *disco)
{
  XmppDiscoInfo *info = xmpp_disco_info_new();
  xmpp_disco_info_add_identity(info, XMPP_DISCO_CATEGORY, XMPP_DISCO_TYPE, NULL, XMPP_DISCO_NAME);
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init(&iter, disco->features);
  while (g_hash_table_iter_next(&iter, &key, NULL))
    g_ptr_array_add(info->features, g_strdup(key));
  g_ptr_array_sort(info->features, compare_strings);
  return info;
}

static void
reply_error(XmppDisco *disco, const XmppStanza *stanza, XmppStanzaErrorCondition condition)
{
  XmppNode *reply = xmpp_stanza_error_new_reply(stanza, condition);
  xmpp_router_send(disco->router, reply);
  xmpp_node_free(reply);
}

/* XEP-0030 §3.1: our identity and features; a node we do not know gets item-not-found (§3.1,
 * example 9), our caps node the same answer as no node (XEP-0115 §6.2). */
static XmppHandlerResult
on_info_request(XmppStanza *stanza, gpointer data)
{
  XmppDisco *disco = data;
  if (g_strcmp0(stanza->type, "get") != 0) {
    reply_error(disco, stanza, XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED);
    return XMPP_HANDLER_CONSUMED;
  }
  const char *node = xmpp_node_get_attr(xmpp_stanza_get_payload(stanza), "node");
  if (node != NULL && g_strcmp0(node, disco->caps_node) != 0) {
    reply_error(disco, stanza, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
    return XMPP_HANDLER_CONSUMED;
  }
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_dup_own_info(disco);
  info->node = g_strdup(node);
  XmppNode *reply = xmpp_stanza_new_iq_result(stanza);
  xmpp_node_add_child(reply, xmpp_disco_info_build(info));
  xmpp_router_send(disco->router, reply);
  xmpp_node_free(reply);
  return XMPP_HANDLER_CONSUMED;
}

/* XEP-0030 §4: a client has no items; nodes are unknown. */
static XmppHandlerResult
on_items_request(XmppStanza *stanza, gpointer data)
{
  XmppDisco *disco = data;
  if (g_strcmp0(stanza->type, "get") != 0) {
    reply_error(disco, stanza, XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED);
    return XMPP_HANDLER_CONSUMED;
  }
  const char *node = xmpp_node_get_attr(xmpp_stanza_get_payload(stanza), "node");
  if (node != NULL) {
    reply_error(disco, stanza, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
    return XMPP_HANDLER_CONSUMED;
  }
  XmppNode *reply = xmpp_stanza_new_iq_result(stanza);
  xmpp_node_new_child(reply, XMPP_NS_DISCO_ITEMS, "query");
  xmpp_router_send(disco->router, reply);
  xmpp_node_free(reply);
  return XMPP_HANDLER_CONSUMED;
}

/* ---- the object ---- */

XmppDisco *
xmpp_disco_new(XmppRouter *router, const XmppHost *host)
{
  XmppDisco *disco = g_new0(XmppDisco, 1);
  disco->router = router;
  disco->host = host;
  disco->features = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  xmpp_disco_add_feature(disco, XMPP_NS_DISCO_INFO);
  xmpp_disco_add_feature(disco, XMPP_NS_DISCO_ITEMS);
  /* Answered by ping.c's responder, which the session always registers. */
  xmpp_disco_add_feature(disco, XMPP_NS_PING);
  disco->info_handler = xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_DISCO_INFO, "query",
                                              on_info_request, disco, NULL);
  disco->items_handler = xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_DISCO_ITEMS, "query",
                                               on_items_request, disco, NULL);
  return disco;
}

void
xmpp_disco_free(XmppDisco *disco)
{
  if (disco == NULL)
    return;
  xmpp_router_cancel_owner(disco->router, disco); /* our requests end while we are whole */
  xmpp_router_remove_handler(disco->router, disco->info_handler);
  xmpp_router_remove_handler(disco->router, disco->items_handler);
  g_hash_table_unref(disco->features);
  g_free(disco->caps_node);
  xmpp_disco_info_free(disco->server);
  xmpp_disco_info_free(disco->account);
  g_free(disco);
}

void
xmpp_disco_add_feature(XmppDisco *disco, const char *feature)
{
  g_return_if_fail(disco != NULL && feature != NULL);
  if (g_hash_table_add(disco->features, g_strdup(feature)))
    disco->generation++;
}

gboolean
xmpp_disco_has_feature(const XmppDisco *disco, const char *feature)
{
  return disco != NULL && feature != NULL && g_hash_table_contains(disco->features, feature);
}

guint
xmpp_disco_get_generation(const XmppDisco *disco)
{
  return disco->generation;
}

void
xmpp_disco_set_caps_node(XmppDisco *disco, const char *node)
{
  g_free(disco->caps_node);
  disco->caps_node = g_strdup(node);
}

/* ---- queries ---- */

static void
on_info_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppClosure *q = data;
  XmppDiscoInfoCallback cb = (XmppDiscoInfoCallback)q->callback;
  if (error != NULL) {
    cb(NULL, error, q->user_data);
    return;
  }
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(XmppDiscoInfo) info =
      xmpp_disco_info_parse(xmpp_stanza_get_payload(reply), &parse_error);
  cb(info, parse_error, q->user_data);
}

void
xmpp_disco_query_info(XmppDisco *disco, const char *jid, const char *node, XmppDiscoInfoCallback cb,
                      gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(disco != NULL && jid != NULL && cb != NULL);
  XmppNode *iq = xmpp_stanza_new_iq("get", jid, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_DISCO_INFO, "query");
  if (node != NULL)
    xmpp_node_set_attr(query, "node", node);
  xmpp_router_send_iq(disco->router, disco, iq, 0, on_info_reply,
                      xmpp_closure_new(cb, user_data, destroy), xmpp_closure_free);
}

static void
discovered_one(XmppDisco *disco, XmppDiscoInfo **slot, const XmppDiscoInfo *info,
               const GError *error, const char *what)
{
  if (error != NULL)
    xmpp_host_log(disco->host, XMPP_LOG_INFO, "disco: %s: %s", what, error->message);
  else {
    xmpp_disco_info_free(*slot);
    *slot = xmpp_disco_info_copy(info);
    xmpp_host_log(disco->host, XMPP_LOG_DEBUG, "disco: %s offers %u features", what,
                  info->features->len);
  }
  if (disco->discovering > 0 && --disco->discovering == 0 && disco->discovered != NULL)
    disco->discovered(disco->discovered_data);
}

static void
on_server_info(const XmppDiscoInfo *info, const GError *error, gpointer data)
{
  XmppDisco *disco = data;
  discovered_one(disco, &disco->server, info, error, "server");
}

static void
on_account_info(const XmppDiscoInfo *info, const GError *error, gpointer data)
{
  XmppDisco *disco = data;
  discovered_one(disco, &disco->account, info, error, "account");
}

void
xmpp_disco_discover(XmppDisco *disco)
{
  g_return_if_fail(disco != NULL);
  const XmppJid *me = xmpp_router_get_own_jid(disco->router);
  if (me == NULL || disco->discovering > 0)
    return;
  disco->discovering = 2;
  /* The session fails pending IQs before freeing its features: disco outlives both. */
  xmpp_disco_query_info(disco, xmpp_jid_get_domain(me), NULL, on_server_info, disco, NULL);
  xmpp_disco_query_info(disco, xmpp_jid_get_bare(me), NULL, on_account_info, disco, NULL);
}

void
xmpp_disco_set_watch(XmppDisco *disco, void (*discovered)(gpointer data), gpointer data)
{
  disco->discovered = discovered;
  disco->discovered_data = data;
}

gboolean
xmpp_disco_server_has(const XmppDisco *disco, const char *feature)
{
  return disco != NULL && xmpp_disco_info_has_feature(disco->server, feature);
}

gboolean
xmpp_disco_account_has(const XmppDisco *disco, const char *feature)
{
  return disco != NULL && xmpp_disco_info_has_feature(disco->account, feature);
}

const XmppDiscoInfo *
xmpp_disco_get_server_info(const XmppDisco *disco)
{
  return disco->server;
}

const XmppDiscoInfo *
xmpp_disco_get_account_info(const XmppDisco *disco)
{
  return disco->account;
}
