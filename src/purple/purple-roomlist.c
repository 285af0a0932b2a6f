/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The room list (Pidgin's Room List, purple's roomlist API): the rooms of the account's room
 * service, from its disco#items (XEP-0045 §6.3), each joinable with prpl-jabber's components. */
#include "purple-chat.h"
#include "purple-i18n.h"

#include "jid/jid.h"
#include "services/disco-items.h"

typedef struct {
  PurpleRoomlist *list; /* a reference, until the answer */
  char *handle;
} Request;

static void
request_free(gpointer data)
{
  Request *r = data;
  purple_roomlist_unref(r->list);
  g_free(r->handle);
  g_free(r);
}

static void
items_cb(const XmppStanza *reply, const GError *error, gpointer data)
{
  Request *r = data;
  if (!purple_roomlist_get_in_progress(r->list))
    return; /* cancelled, or the list window is gone */
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(XmppDiscoItems) items =
      error == NULL ? xmpp_disco_items_parse(reply->node, &parse_error) : NULL;
  if (items == NULL) {
    if (error == NULL || !xmpp_iq_error_is_ended(error))
      purple_notify_error(purple_account_get_connection(r->list->account), _("Room List"),
                          _("The room service did not give its rooms."),
                          error != NULL ? error->message : parse_error->message);
    purple_roomlist_set_in_progress(r->list, FALSE);
    return;
  }
  for (guint i = 0; i < items->items->len; i++) {
    const XmppDiscoItem *item = items->items->pdata[i];
    g_autoptr(XmppJid) jid = xmpp_jid_parse(item->jid, NULL);
    if (jid == NULL || xmpp_jid_get_local(jid) == NULL || xmpp_jid_get_resource(jid) != NULL)
      continue; /* not a room */
    PurpleRoomlistRoom *room =
        purple_roomlist_room_new(PURPLE_ROOMLIST_ROOMTYPE_ROOM, xmpp_jid_get_local(jid), NULL);
    purple_roomlist_room_add_field(r->list, room, xmpp_jid_get_local(jid));
    purple_roomlist_room_add_field(r->list, room, xmpp_jid_get_domain(jid));
    purple_roomlist_room_add_field(r->list, room, r->handle);
    purple_roomlist_room_add_field(r->list, room, item->name != NULL ? item->name : "");
    purple_roomlist_room_add(r->list, room);
  }
  purple_roomlist_set_in_progress(r->list, FALSE);
}

PurpleRoomlist *
xmpp_purple_roomlist_get_list(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL || conn->session == NULL)
    return NULL;
  PurpleAccount *account = purple_connection_get_account(gc);
  GHashTable *defaults = xmpp_purple_chat_info_defaults(gc, NULL);
  const char *service = g_hash_table_lookup(defaults, "server");
  const char *handle = g_hash_table_lookup(defaults, "handle");
  PurpleRoomlist *list = purple_roomlist_new(account);
  /* The hidden fields are the components a room is joined with (purple_roomlist_room_join). */
  GList *fields = NULL;
  fields = g_list_append(fields,
                         purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_STRING, "", "room", TRUE));
  fields = g_list_append(
      fields, purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_STRING, "", "server", TRUE));
  fields = g_list_append(
      fields, purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_STRING, "", "handle", TRUE));
  fields = g_list_append(fields, purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_STRING,
                                                           _("Description"), "description", FALSE));
  purple_roomlist_set_fields(list, fields);
  purple_roomlist_set_in_progress(list, TRUE);
  Request *r = g_new0(Request, 1);
  r->list = list;
  purple_roomlist_ref(list);
  r->handle = g_strdup(handle != NULL ? handle : "");
  xmpp_session_send_iq(conn->session, xmpp_disco_items_build_get(service, NULL), items_cb, r,
                       request_free);
  g_hash_table_destroy(defaults);
  return list;
}

void
xmpp_purple_roomlist_cancel(PurpleRoomlist *list)
{
  purple_roomlist_set_in_progress(list, FALSE); /* the answer, if it comes, is then ignored */
}
