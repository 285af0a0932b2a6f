/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppServerItems (server-items.h): the server's items and what each says it is. */
#include "services/server-items.h"

#include "router/stanza.h"
#include "services/disco-items.h"

typedef struct {
  char *jid;
  XmppDiscoInfo *info; /* NULL until it answers (or when it did not) */
} Entry;

struct _XmppServerItems {
  XmppRouter *router;
  const XmppHost *host;
  GPtrArray *entries; /* Entry*, in the server's order */
  guint generation;   /* counts the discoveries: answers to an earlier one are stale */
};

typedef struct {
  XmppServerItems *items;
  guint generation;
  guint index; /* the entry's place (an answer about one entry) */
} Probe;

static void
entry_free(gpointer data)
{
  Entry *e = data;
  g_free(e->jid);
  xmpp_disco_info_free(e->info);
  g_free(e);
}

XmppServerItems *
xmpp_server_items_new(XmppRouter *router, const XmppHost *host)
{
  XmppServerItems *items = g_new0(XmppServerItems, 1);
  items->router = router;
  items->host = host;
  items->entries = g_ptr_array_new_with_free_func(entry_free);
  return items;
}

void
xmpp_server_items_free(XmppServerItems *items)
{
  if (items == NULL)
    return;
  xmpp_router_cancel_owner(items->router, items);
  g_ptr_array_unref(items->entries);
  g_free(items);
}

static Probe *
probe_new(XmppServerItems *items, guint index)
{
  Probe *p = g_new0(Probe, 1);
  *p = (Probe){items, items->generation, index};
  return p;
}

static void
on_item_info(const XmppStanza *reply, const GError *error, gpointer data)
{
  Probe *p = data;
  if (error != NULL || p->generation != p->items->generation)
    return; /* the session ended, or the entity does not say: not a service we can use */
  Entry *e = g_ptr_array_index(p->items->entries, p->index);
  xmpp_disco_info_free(e->info);
  e->info = xmpp_disco_info_parse(xmpp_stanza_get_payload(reply), NULL);
}

static void
on_items(const XmppStanza *reply, const GError *error, gpointer data)
{
  Probe *search = data;
  XmppServerItems *items = search->items;
  if (error != NULL || search->generation != items->generation)
    return;
  g_autoptr(XmppDiscoItems) list = xmpp_disco_items_parse(reply->node, NULL);
  for (guint i = 0; list != NULL && i < list->items->len; i++) {
    const XmppDiscoItem *item = list->items->pdata[i];
    if (item->node != NULL)
      continue; /* a node of the server, not another entity */
    if (items->entries->len >= XMPP_SERVER_ITEMS_PROBES)
      break;
    Entry *e = g_new0(Entry, 1);
    e->jid = g_strdup(item->jid);
    g_ptr_array_add(items->entries, e);
    XmppNode *iq = xmpp_stanza_new_iq("get", item->jid, NULL);
    xmpp_node_new_child(iq, XMPP_NS_DISCO_INFO, "query");
    xmpp_router_send_iq(items->router, items, iq, 0, on_item_info,
                        probe_new(items, items->entries->len - 1), g_free);
  }
}

void
xmpp_server_items_discover(XmppServerItems *items, const char *domain)
{
  g_return_if_fail(items != NULL && domain != NULL);
  items->generation++;
  g_ptr_array_set_size(items->entries, 0);
  xmpp_router_send_iq(items->router, items, xmpp_disco_items_build_get(domain, NULL), 0, on_items,
                      probe_new(items, 0), g_free);
}

const char *
xmpp_server_items_find(const XmppServerItems *items, XmppServerItemMatch match,
                       const XmppDiscoInfo **info)
{
  g_return_val_if_fail(items != NULL && match != NULL, NULL);
  for (guint i = 0; i < items->entries->len; i++) {
    const Entry *e = g_ptr_array_index(items->entries, i);
    if (e->info != NULL && match(e->info)) {
      if (info != NULL)
        *info = e->info;
      return e->jid;
    }
  }
  return NULL;
}
