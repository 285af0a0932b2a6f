/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The room list (Pidgin's Room List, purple's roomlist API): the rooms of the account's room
 * service (muc/muc.h's directory: paged, with each room's name, occupants and description),
 * each joinable with prpl-jabber's components. */
#include "purple-chat.h"
#include "purple-i18n.h"

#include "jid/jid.h"

typedef struct {
  PurpleRoomlist *list; /* a reference, until the end */
  char *handle;
} Listing;

static void
listing_free(Listing *l)
{
  purple_roomlist_unref(l->list);
  g_free(l->handle);
  g_free(l);
}

static void
room_found(gpointer data, const XmppMucListedRoom *found)
{
  Listing *l = data;
  g_autoptr(XmppJid) jid = xmpp_jid_parse(found->jid, NULL);
  if (jid == NULL)
    return;
  const char *local = xmpp_jid_get_local(jid);
  PurpleRoomlistRoom *room = purple_roomlist_room_new(
      PURPLE_ROOMLIST_ROOMTYPE_ROOM, found->name != NULL ? found->name : local, NULL);
  purple_roomlist_room_add_field(l->list, room, local);
  purple_roomlist_room_add_field(l->list, room, xmpp_jid_get_domain(jid));
  purple_roomlist_room_add_field(l->list, room, l->handle);
  purple_roomlist_room_add_field(l->list, room,
                                 found->description != NULL ? found->description
                                 : found->name != NULL      ? found->name
                                                            : "");
  purple_roomlist_room_add_field(l->list, room, GINT_TO_POINTER(MAX(found->occupants, 0)));
  purple_roomlist_room_add(l->list, room);
}

static void
list_done(gpointer data, guint count, const GError *error)
{
  Listing *l = data;
  if (error != NULL && !xmpp_iq_error_is_ended(error))
    purple_notify_error(purple_account_get_connection(l->list->account), _("Room List"),
                        _("The room service did not give its rooms."), error->message);
  purple_roomlist_set_in_progress(l->list, FALSE);
  listing_free(l);
}

static XmppMuc *
muc_of(PurpleConnection *gc)
{
  XmppPurpleConn *conn = gc != NULL ? xmpp_purple_connection_get(gc) : NULL;
  return conn != NULL && conn->session != NULL ? xmpp_session_get_muc(conn->session) : NULL;
}

PurpleRoomlist *
xmpp_purple_roomlist_get_list(PurpleConnection *gc)
{
  XmppMuc *muc = muc_of(gc);
  if (muc == NULL)
    return NULL;
  Listing *previous = xmpp_muc_list_cancel(muc); /* one listing at a time: the newest */
  if (previous != NULL) {
    purple_roomlist_set_in_progress(previous->list, FALSE);
    listing_free(previous);
  }
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
  fields = g_list_append(
      fields, purple_roomlist_field_new(PURPLE_ROOMLIST_FIELD_INT, _("Users"), "users", FALSE));
  purple_roomlist_set_fields(list, fields);
  purple_roomlist_set_in_progress(list, TRUE);
  Listing *l = g_new0(Listing, 1);
  l->list = list;
  purple_roomlist_ref(list);
  l->handle = g_strdup(handle != NULL ? handle : "");
  if (!xmpp_muc_list_rooms(muc, service, room_found, list_done, l)) {
    purple_roomlist_set_in_progress(list, FALSE);
    listing_free(l);
  }
  g_hash_table_destroy(defaults);
  return list;
}

void
xmpp_purple_roomlist_cancel(PurpleRoomlist *list)
{
  XmppMuc *muc = muc_of(purple_account_get_connection(list->account));
  purple_roomlist_set_in_progress(list, FALSE);
  /* Only if the listing in progress is this list's (list_done does not run after a cancel). */
  Listing *l = muc != NULL ? xmpp_muc_list_get_data(muc) : NULL;
  if (l != NULL && l->list == list) {
    xmpp_muc_list_cancel(muc);
    listing_free(l);
  }
}
