/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0030 §4 items: model, parser, request (disco-items.h). */
#include "services/disco-items.h"

#include <string.h>

#include "router/stanza-error.h"
#include "router/stanza.h"
#include "services/namespaces.h"

static void
item_free(gpointer data)
{
  XmppDiscoItem *item = data;
  g_free(item->jid);
  g_free(item->node);
  g_free(item->name);
  g_free(item);
}

void
xmpp_disco_items_free(XmppDiscoItems *items)
{
  if (items == NULL)
    return;
  g_ptr_array_unref(items->items);
  g_free(items);
}

XmppNode *
xmpp_disco_items_build_get(const char *jid, const char *node)
{
  XmppNode *iq = xmpp_stanza_new_iq("get", jid, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_DISCO_ITEMS, "query");
  if (node != NULL && *node != '\0')
    xmpp_node_set_attr(query, "node", node);
  return iq;
}

static gboolean
fits(const char *s)
{
  return s == NULL || strlen(s) <= XMPP_DISCO_MAX_STRING;
}

XmppDiscoItems *
xmpp_disco_items_parse(const XmppNode *iq, GError **error)
{
  XmppNode *query = iq != NULL ? xmpp_node_get_child(iq, XMPP_NS_DISCO_ITEMS, "query") : NULL;
  if (query == NULL) {
    g_set_error_literal(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                        "disco#items: no query in the answer");
    return NULL;
  }
  XmppDiscoItems *items = g_new0(XmppDiscoItems, 1);
  items->items = g_ptr_array_new_with_free_func(item_free);
  for (XmppNode *item = xmpp_node_get_child(query, XMPP_NS_DISCO_ITEMS, "item"); item != NULL;
       item = xmpp_node_next_child(query, item, XMPP_NS_DISCO_ITEMS, "item")) {
    const char *jid = xmpp_node_get_attr(item, "jid");
    const char *node = xmpp_node_get_attr(item, "node");
    const char *name = xmpp_node_get_attr(item, "name");
    g_autoptr(XmppJid) valid = jid != NULL && fits(jid) ? xmpp_jid_parse(jid, NULL) : NULL;
    if (valid == NULL || !fits(node) || !fits(name) || items->items->len >= XMPP_DISCO_MAX_ITEMS) {
      items->dropped++;
      continue;
    }
    XmppDiscoItem *out = g_new0(XmppDiscoItem, 1);
    out->jid = g_strdup(jid);
    out->node = node != NULL && *node != '\0' ? g_strdup(node) : NULL;
    out->name = name != NULL && *name != '\0' ? g_strdup(name) : NULL;
    g_ptr_array_add(items->items, out);
  }
  return items;
}
