/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc, a room service's directory (XEP-0045 §6.3, §6.4): its rooms from disco#items, paged
 * with RSM (XEP-0059) where the service pages, each room then asked for its name, description
 * and number of occupants (the muc#roominfo form of its disco#info). One listing at a time;
 * bounded by XMPP_MUC_LIST_MAX rooms, the first XMPP_MUC_LIST_INFO_MAX asked about. */
#include "muc/muc-private.h"

#include <string.h>

#include "services/disco-items.h"
#include "services/xdata.h"

typedef struct {
  XmppMuc *muc;
  guint listing; /* which listing: answers to a cancelled one are not applied */
  char *jid;     /* the room asked about, or NULL for a page of items */
  char *name;    /* the item's name */
} ListRequest;

static void
list_request_free(gpointer data)
{
  ListRequest *r = data;
  g_free(r->jid);
  g_free(r->name);
  g_free(r);
}

static void finish_if_done(XmppMuc *muc, const GError *error);

/* Is the answer for the listing in progress? The session's end ends that listing (done runs
 * with the error). */
static gboolean
current(const ListRequest *r, const GError *error)
{
  if (r->listing != r->muc->listing || r->muc->list_found == NULL)
    return FALSE;
  if (error != NULL && xmpp_iq_error_is_ended(error)) {
    finish_if_done(r->muc, error);
    return FALSE;
  }
  return TRUE;
}

static void
finish_if_done(XmppMuc *muc, const GError *error)
{
  if (muc->list_pending > 0 && error == NULL)
    return;
  XmppMucListDone done = muc->list_done;
  gpointer data = muc->list_data;
  guint count = muc->list_count;
  muc->list_found = NULL;
  muc->list_done = NULL;
  muc->listing++; /* whatever is still out is stale now */
  g_clear_pointer(&muc->list_service, g_free);
  if (done != NULL)
    done(data, count, error);
}

/* The room's own answer (XEP-0045 §6.4): its name, and the muc#roominfo form's occupants and
 * description. info may be NULL (nothing known). */
static void
read_room_info(const XmppNode *info, char **name, int *occupants, char **description)
{
  for (const XmppNode *x = xmpp_node_get_child(info, XMPP_NS_XDATA, "x"); x != NULL;
       x = xmpp_node_next_child(info, x, XMPP_NS_XDATA, "x")) {
    g_autoptr(XmppXdataForm) form = xmpp_xdata_form_parse(x, NULL, NULL);
    const char *type = form != NULL ? xmpp_xdata_form_get_form_type(form) : NULL;
    if (g_strcmp0(type, "http://jabber.org/protocol/muc#roominfo") != 0)
      continue;
    const char *n =
        xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(form, "muc#roominfo_occupants"));
    guint64 count = 0;
    if (n != NULL && g_ascii_string_to_unsigned(n, 10, 0, G_MAXINT, &count, NULL))
      *occupants = (int)count;
    const char *d =
        xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(form, "muc#roominfo_description"));
    if (d != NULL && *d != '\0' && *description == NULL && g_utf8_validate(d, -1, NULL))
      *description = g_strndup(d, XMPP_MUC_MAX_REASON);
  }
  const XmppNode *identity = xmpp_node_get_child(info, XMPP_NS_DISCO_INFO, "identity");
  const char *own = identity != NULL ? xmpp_node_get_attr(identity, "name") : NULL;
  if (own != NULL && *own != '\0' && strlen(own) <= XMPP_MUC_MAX_REASON &&
      g_utf8_validate(own, -1, NULL))
    *name = g_strdup(own);
}

/* One room to the caller: what the service said of it, and its own answer (or NULL). */
static void
report(XmppMuc *muc, const char *jid, const char *service_name, const XmppNode *info)
{
  XmppMucListedRoom room = {jid, NULL, -1, NULL};
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  read_room_info(info, &name, &room.occupants, &description);
  room.name = name != NULL ? name : service_name;
  room.description = description;
  muc->list_found(muc->list_data, &room);
}

static void
on_room_info(const XmppStanza *reply, const GError *error, gpointer data)
{
  ListRequest *r = data;
  if (!current(r, error))
    return;
  XmppMuc *muc = r->muc;
  muc->list_pending--;
  report(muc, r->jid, r->name, error == NULL ? xmpp_stanza_get_payload(reply) : NULL);
  if (muc->list_found != NULL) /* the caller may have cancelled */
    finish_if_done(muc, NULL);
}

static void send_page(XmppMuc *muc, const char *after);

static void
on_page(const XmppStanza *reply, const GError *error, gpointer data)
{
  ListRequest *r = data;
  if (!current(r, error))
    return;
  XmppMuc *muc = r->muc;
  muc->list_pending--;
  g_autoptr(XmppDiscoItems) items =
      error == NULL ? xmpp_disco_items_parse(reply->node, NULL) : NULL;
  if (items == NULL) {
    g_autoptr(GError) bad =
        error != NULL ? g_error_copy(error)
                      : g_error_new_literal(XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                                            "the service listed no rooms");
    finish_if_done(muc, bad);
    return;
  }
  for (guint i = 0; i < items->items->len && muc->list_count < XMPP_MUC_LIST_MAX; i++) {
    const XmppDiscoItem *item = items->items->pdata[i];
    g_autofree char *room = xmpp_muc_room_jid(item->jid);
    if (room == NULL)
      continue; /* not a room */
    muc->list_count++;
    ListRequest *ask = g_new0(ListRequest, 1);
    *ask = (ListRequest){muc, muc->listing, g_strdup(room), g_strdup(item->name)};
    if (muc->list_count > XMPP_MUC_LIST_INFO_MAX) { /* listed as the service names it */
      report(muc, room, item->name, NULL);
      list_request_free(ask);
      if (muc->list_found == NULL)
        return; /* cancelled by the caller */
      continue;
    }
    XmppNode *iq = xmpp_stanza_new_iq("get", room, NULL);
    xmpp_node_new_child(iq, XMPP_NS_DISCO_INFO, "query");
    muc->list_pending++;
    xmpp_router_send_iq(muc->router, muc, iq, 0, on_room_info, ask, list_request_free);
  }
  /* XEP-0059 §2.2: a next page after the last item, while there are more. */
  XmppNode *query = xmpp_node_get_child(reply->node, XMPP_NS_DISCO_ITEMS, "query");
  XmppNode *set = xmpp_node_get_child(query, XMPP_NS_RSM, "set");
  g_autofree char *last = set != NULL ? xmpp_node_dup_child_text(set, XMPP_NS_RSM, "last") : NULL;
  if (last != NULL && *last != '\0' && items->items->len > 0 &&
      muc->list_count < XMPP_MUC_LIST_MAX && g_strcmp0(last, muc->list_after) != 0) {
    g_free(muc->list_after);
    muc->list_after = g_strdup(last);
    send_page(muc, last);
  }
  finish_if_done(muc, NULL);
}

static void
send_page(XmppMuc *muc, const char *after)
{
  XmppNode *iq = xmpp_disco_items_build_get(muc->list_service, NULL);
  XmppNode *query = xmpp_node_get_child(iq, XMPP_NS_DISCO_ITEMS, "query");
  XmppNode *set = xmpp_node_new_child(query, XMPP_NS_RSM, "set");
  char max[16];
  g_snprintf(max, sizeof max, "%u", XMPP_MUC_LIST_PAGE);
  xmpp_node_new_text_child(set, XMPP_NS_RSM, "max", max);
  if (after != NULL)
    xmpp_node_new_text_child(set, XMPP_NS_RSM, "after", after);
  ListRequest *r = g_new0(ListRequest, 1);
  *r = (ListRequest){muc, muc->listing, NULL, NULL};
  muc->list_pending++;
  xmpp_router_send_iq(muc->router, muc, iq, 0, on_page, r, list_request_free);
}

gboolean
xmpp_muc_list_rooms(XmppMuc *muc, const char *service, XmppMucRoomFound found, XmppMucListDone done,
                    gpointer data)
{
  g_return_val_if_fail(muc != NULL && found != NULL && done != NULL, FALSE);
  if (muc->list_found != NULL || service == NULL)
    return FALSE;
  muc->listing++;
  muc->list_found = found;
  muc->list_done = done;
  muc->list_data = data;
  muc->list_count = 0;
  muc->list_pending = 0;
  g_clear_pointer(&muc->list_after, g_free);
  muc->list_service = g_strdup(service);
  send_page(muc, NULL);
  return TRUE;
}

gpointer
xmpp_muc_list_cancel(XmppMuc *muc)
{
  g_return_val_if_fail(muc != NULL, NULL);
  gpointer data = muc->list_found != NULL ? muc->list_data : NULL;
  muc->list_found = NULL;
  muc->list_done = NULL;
  muc->listing++;
  g_clear_pointer(&muc->list_service, g_free);
  return data;
}

gpointer
xmpp_muc_list_get_data(const XmppMuc *muc)
{
  return muc->list_found != NULL ? muc->list_data : NULL;
}
