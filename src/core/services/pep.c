/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPep: XEP-0163 publishing to our nodes and dispatching notifications to node handlers, with
 * the XEP-0223 §3 / T42 origin rule for our own account's nodes. */
#include "services/pep.h"

#include "router/namespaces.h"
#include "services/namespaces.h"

typedef struct {
  XmppPepHandler handler;
  gpointer user_data;
} PepHandler;

struct _XmppPep {
  XmppRouter *router;
  const XmppHost *host;
  XmppDisco *disco;
  GHashTable *handlers; /* node -> GArray of PepHandler */
  guint message_handler;
};

/* ---- pure parts --------------------------------------------------------------------------------
 */

const XmppNode *
xmpp_pep_event_get_items(const XmppNode *message, const char **node)
{
  g_return_val_if_fail(message != NULL, NULL);
  const XmppNode *event = xmpp_node_get_child(message, XMPP_NS_PUBSUB_EVENT, "event");
  const XmppNode *items = event ? xmpp_node_get_child(event, XMPP_NS_PUBSUB_EVENT, "items") : NULL;
  const char *name = items ? xmpp_node_get_attr(items, "node") : NULL;
  if (name == NULL || *name == '\0' || strlen(name) > XMPP_PEP_MAX_NODE)
    return NULL;
  if (node != NULL)
    *node = name;
  return items;
}

const XmppNode *
xmpp_pep_items_find(const XmppNode *items, const char *id)
{
  if (items == NULL)
    return NULL;
  for (const XmppNode *item = xmpp_node_get_child(items, NULL, "item"); item != NULL;
       item = xmpp_node_next_child(items, item, NULL, "item")) {
    if (id == NULL || g_strcmp0(xmpp_node_get_attr(item, "id"), id) == 0)
      return item;
  }
  return NULL;
}

static void
add_field(XmppNode *form, const char *var, const char *type, const char *value)
{
  XmppNode *field = xmpp_node_new_child(form, NULL, "field");
  xmpp_node_set_attr(field, "var", var);
  if (type != NULL)
    xmpp_node_set_attr(field, "type", type);
  xmpp_node_new_text_child(field, NULL, "value", value);
}

XmppNode *
xmpp_pep_build_publish_with(const char *node, XmppNode *item, const char *const *options)
{
  g_return_val_if_fail(node != NULL && item != NULL, NULL);
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  XmppNode *pubsub = xmpp_node_new_child(iq, XMPP_NS_PUBSUB, "pubsub");
  XmppNode *publish = xmpp_node_new_child(pubsub, NULL, "publish");
  xmpp_node_set_attr(publish, "node", node);
  xmpp_node_add_child(publish, item);
  if (options != NULL && options[0] != NULL) {
    /* XEP-0060 §7.1.5 and XEP-0223 §4: the server applies (or creates the node with) these. */
    XmppNode *publish_options = xmpp_node_new_child(pubsub, NULL, "publish-options");
    XmppNode *form = xmpp_node_new_child(publish_options, XMPP_NS_XDATA, "x");
    xmpp_node_set_attr(form, "type", "submit");
    add_field(form, "FORM_TYPE", "hidden", XMPP_NS_PUBSUB_PUBLISH_OPTIONS);
    for (guint i = 0; options[i] != NULL && options[i + 1] != NULL; i += 2)
      add_field(form, options[i], NULL, options[i + 1]);
  }
  return iq;
}

XmppNode *
xmpp_pep_build_publish(const char *node, XmppNode *item, const char *access_model)
{
  const char *options[] = {"pubsub#access_model", access_model, NULL};
  return xmpp_pep_build_publish_with(node, item, access_model != NULL ? options : NULL);
}

/* ---- notifications -----------------------------------------------------------------------------
 */

/* Who the notification is about, or NULL to drop it. T42 (XEP-0223 §3, XEP-0163 §4.3.1): our
 * own account's PEP service is our bare JID, so a notification claims to be about our nodes only
 * when it has no from or exactly our bare JID; a full JID of ours (another resource) is not our
 * PEP service. Anyone else's notifications are about that contact (their bare JID). */
static XmppJid *
notification_origin(XmppPep *pep, const XmppStanza *stanza)
{
  const XmppJid *own = xmpp_router_get_own_jid(pep->router);
  if (stanza->from_invalid || own == NULL)
    return NULL;
  if (stanza->from == NULL)
    return xmpp_jid_dup_bare(own);
  if (xmpp_jid_equal(stanza->from, own, XMPP_JID_MATCH_BARE))
    return xmpp_jid_is_bare(stanza->from) ? xmpp_jid_dup_bare(own) : NULL;
  return xmpp_jid_dup_bare(stanza->from);
}

static XmppHandlerResult
on_message(XmppStanza *stanza, gpointer data)
{
  XmppPep *pep = data;
  if (g_strcmp0(stanza->type, "error") == 0)
    return XMPP_HANDLER_PASS;
  const char *node = NULL;
  const XmppNode *items = xmpp_pep_event_get_items(stanza->node, &node);
  if (items == NULL)
    return XMPP_HANDLER_PASS;
  g_autoptr(XmppJid) from = notification_origin(pep, stanza);
  if (from == NULL) {
    xmpp_host_log(pep->host, XMPP_LOG_WARNING, "dropping a PEP notification with a bad origin");
    return XMPP_HANDLER_CONSUMED;
  }
  GArray *list = g_hash_table_lookup(pep->handlers, node);
  if (list == NULL)
    return XMPP_HANDLER_CONSUMED; /* we did not ask for it (no +notify): nothing to do */
  g_autofree char *node_copy = g_strdup(node);
  /* Index-based: a handler may add handlers (the array may move). */
  for (guint i = 0; i < list->len; i++) {
    PepHandler h = g_array_index(list, PepHandler, i);
    h.handler(from, node_copy, items, h.user_data);
  }
  return XMPP_HANDLER_CONSUMED;
}

/* ---- the object --------------------------------------------------------------------------------
 */

XmppPep *
xmpp_pep_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  g_return_val_if_fail(router != NULL && host != NULL, NULL);
  XmppPep *pep = g_new0(XmppPep, 1);
  pep->router = router;
  pep->host = host;
  pep->disco = disco;
  pep->handlers =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  pep->message_handler = xmpp_router_add_owner(router, XMPP_STANZA_MESSAGE, XMPP_NS_PUBSUB_EVENT,
                                               "event", on_message, pep, NULL);
  return pep;
}

void
xmpp_pep_free(XmppPep *pep)
{
  if (pep == NULL)
    return;
  xmpp_router_cancel_owner(pep->router, pep); /* our requests end while we are whole */
  xmpp_router_remove_handler(pep->router, pep->message_handler);
  g_hash_table_unref(pep->handlers);
  g_free(pep);
}

void
xmpp_pep_add_handler(XmppPep *pep, const char *node, XmppPepHandler handler, gpointer user_data)
{
  g_return_if_fail(pep != NULL && node != NULL && handler != NULL);
  GArray *list = g_hash_table_lookup(pep->handlers, node);
  if (list == NULL) {
    list = g_array_new(FALSE, FALSE, sizeof(PepHandler));
    g_hash_table_insert(pep->handlers, g_strdup(node), list);
  }
  PepHandler h = {handler, user_data};
  g_array_append_val(list, h);
  /* XEP-0163 §4.3.1: "+notify" in our caps is how we subscribe to contacts' nodes. */
  if (pep->disco != NULL) {
    g_autofree char *feature = g_strconcat(node, "+notify", NULL);
    xmpp_disco_add_feature(pep->disco, feature);
  }
}

static void
publish_done(const XmppStanza *reply, const GError *error, gpointer data)
{
  if (error != NULL)
    xmpp_host_log(data, XMPP_LOG_WARNING, "PEP publish failed: %s", error->message);
}

void
xmpp_pep_publish(XmppPep *pep, const char *node, XmppNode *item, const char *access_model,
                 XmppIqCallback cb, gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(pep != NULL && node != NULL && item != NULL);
  XmppNode *iq = xmpp_pep_build_publish(node, item, access_model);
  if (cb != NULL) {
    xmpp_router_send_iq(pep->router, pep, iq, 0, cb, user_data, destroy);
    return;
  }
  /* Nobody waits for the answer: send it anyway, keeping the exactly-once bookkeeping. */
  xmpp_router_send_iq(pep->router, pep, iq, 0, publish_done, (gpointer)pep->host, NULL);
  if (destroy != NULL)
    destroy(user_data);
}

void
xmpp_pep_request_item(XmppPep *pep, const char *jid, const char *node, const char *item_id,
                      XmppIqCallback cb, gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(pep != NULL && jid != NULL && node != NULL && cb != NULL);
  XmppNode *iq = xmpp_stanza_new_iq("get", jid, NULL);
  XmppNode *pubsub = xmpp_node_new_child(iq, XMPP_NS_PUBSUB, "pubsub");
  XmppNode *items = xmpp_node_new_child(pubsub, NULL, "items");
  xmpp_node_set_attr(items, "node", node);
  if (item_id != NULL)
    xmpp_node_set_attr(xmpp_node_new_child(items, NULL, "item"), "id", item_id);
  else
    xmpp_node_set_attr(items, "max_items", "1");
  xmpp_router_send_iq(pep->router, pep, iq, 0, cb, user_data, destroy);
}
