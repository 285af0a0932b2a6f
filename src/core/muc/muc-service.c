/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc, finding the server's room service (XEP-0045 §6.1): the server's items (XEP-0030
 * §4), each asked what it is; the first listed that is a conference/text entity offering
 * XEP-0045 is the service Join a Chat and the room list start from. */
#include "muc/muc-private.h"

#include "services/disco-items.h"

typedef struct {
  XmppMuc *muc;
  guint generation; /* a search of an earlier session is not applied */
  guint index;      /* the item's place in the server's list */
  char *jid;
} Probe;

static void
probe_free(gpointer data)
{
  Probe *p = data;
  g_free(p->jid);
  g_free(p);
}

static gboolean
is_room_service(const XmppDiscoInfo *info)
{
  if (info == NULL || !xmpp_disco_info_has_feature(info, XMPP_NS_MUC))
    return FALSE;
  for (guint i = 0; i < info->identities->len; i++) {
    const XmppDiscoIdentity *id = info->identities->pdata[i];
    if (g_strcmp0(id->category, "conference") == 0 && g_strcmp0(id->type, "text") == 0)
      return TRUE;
  }
  return FALSE;
}

static void
on_item_info(const XmppStanza *reply, const GError *error, gpointer data)
{
  Probe *p = data;
  XmppMuc *muc = p->muc;
  if ((error != NULL && xmpp_iq_error_is_ended(error)) || p->generation != muc->service_search ||
      error != NULL)
    return;
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_parse(xmpp_stanza_get_payload(reply), NULL);
  if (!is_room_service(info) || (muc->service != NULL && p->index >= muc->service_index))
    return;
  g_free(muc->service);
  muc->service = g_strdup(p->jid);
  muc->service_index = p->index;
  xmpp_host_log(muc->host, XMPP_LOG_INFO, "room service: %s", muc->service);
}

static void
on_items(const XmppStanza *reply, const GError *error, gpointer data)
{
  Probe *search = data;
  XmppMuc *muc = search->muc;
  if (error != NULL || search->generation != muc->service_search)
    return;
  g_autoptr(XmppDiscoItems) items = xmpp_disco_items_parse(reply->node, NULL);
  for (guint i = 0; items != NULL && i < items->items->len && i < XMPP_MUC_SERVICE_PROBES; i++) {
    const XmppDiscoItem *item = items->items->pdata[i];
    if (item->node != NULL)
      continue; /* a node of the server, not another entity */
    Probe *p = g_new0(Probe, 1);
    *p = (Probe){muc, search->generation, i, g_strdup(item->jid)};
    XmppNode *iq = xmpp_stanza_new_iq("get", item->jid, NULL);
    xmpp_node_new_child(iq, XMPP_NS_DISCO_INFO, "query");
    xmpp_router_send_iq(muc->router, muc, iq, 0, on_item_info, p, probe_free);
  }
}

void
xmpp_muc_find_service(XmppMuc *muc, const char *domain)
{
  g_return_if_fail(muc != NULL && domain != NULL);
  muc->service_search++;
  g_clear_pointer(&muc->service, g_free);
  Probe *search = g_new0(Probe, 1);
  *search = (Probe){muc, muc->service_search, 0, NULL};
  xmpp_router_send_iq(muc->router, muc, xmpp_disco_items_build_get(domain, NULL), 0, on_items,
                      search, probe_free);
}

const char *
xmpp_muc_get_service(const XmppMuc *muc)
{
  return muc->service;
}
