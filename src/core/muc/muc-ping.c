/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc, staying joined (XEP-0410 self-ping): a room silent for a while, or every room after
 * a resumed stream, is asked whether our own occupant JID is still in it; a room that answers
 * that it is not is joined again, and so is a room that put us out for a while (AWAY). */
#include "muc/muc-private.h"

#include "router/namespaces.h"

/* XEP-0410 §3: what each answer says about us. */
static gboolean
still_joined(const GError *error)
{
  if (error == NULL || error->domain != XMPP_STANZA_ERROR)
    return TRUE; /* a result, or no answer at all (timed out, ended): nothing to conclude */
  switch (error->code) {
    case XMPP_STANZA_ERROR_NOT_ACCEPTABLE: /* the room does not know us as that occupant */
    case XMPP_STANZA_ERROR_ITEM_NOT_FOUND: /* the room or the occupant is gone */
      return FALSE;
    default: /* service-unavailable, feature-not-implemented: the occupant (us) is there;
              * remote-server-*: the ping never arrived, try again later */
      return TRUE;
  }
}

static void
on_pong(const XmppStanza *reply, const GError *error, gpointer data)
{
  RoomRequest *p = data;
  if (error != NULL && xmpp_iq_error_is_ended(error))
    return;
  Room *room = xmpp_muc_find_room(p->muc, p->room);
  if (room == NULL || room->state != ROOM_JOINED)
    return;
  room->pinging = FALSE;
  room->heard_us = xmpp_host_now(p->muc->host);
  if (still_joined(error))
    return;
  xmpp_host_log(p->muc->host, XMPP_LOG_INFO, "%s no longer has us (%s): joining again", room->jid,
                error->message);
  xmpp_muc_rejoin_room(p->muc, room);
}

static void
self_ping(XmppMuc *muc, Room *room)
{
  g_autofree char *to = g_strdup_printf("%s/%s", room->jid, room->nick);
  XmppNode *iq = xmpp_stanza_new_iq("get", to, NULL);
  xmpp_node_new_child(iq, XMPP_NS_PING, "ping");
  room->pinging = TRUE;
  xmpp_router_send_iq(muc->router, muc, iq, 0, on_pong, xmpp_muc_room_request_new(muc, room->jid),
                      xmpp_muc_room_request_free);
}

void
xmpp_muc_check_all(XmppMuc *muc)
{
  g_return_if_fail(muc != NULL);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, muc->rooms);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Room *room = value;
    if (room->state == ROOM_JOINED && !room->pinging)
      self_ping(muc, room);
  }
}

static gboolean
look_for_silent_rooms(gpointer data)
{
  XmppMuc *muc = data;
  gint64 now = xmpp_host_now(muc->host);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, muc->rooms);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Room *room = value;
    if (room->state == ROOM_AWAY)
      xmpp_muc_rejoin_room(muc, room); /* put out for a while: try again */
    else if (room->state == ROOM_JOINED && !room->pinging &&
             now - room->heard_us >= (gint64)XMPP_MUC_SILENCE_S * G_USEC_PER_SEC)
      self_ping(muc, room);
  }
  if (g_hash_table_size(muc->rooms) > 0)
    return G_SOURCE_CONTINUE;
  muc->ping_timer = 0;
  return G_SOURCE_REMOVE;
}

void
xmpp_muc_watch_silence(XmppMuc *muc)
{
  if (muc->ping_timer == 0)
    muc->ping_timer = muc->host->timeout_add(muc->host->data, XMPP_MUC_PING_CHECK_S * 1000,
                                             look_for_silent_rooms, muc);
}

void
xmpp_muc_stop_watching(XmppMuc *muc)
{
  if (muc->ping_timer != 0) {
    muc->host->timeout_remove(muc->host->data, muc->ping_timer);
    muc->ping_timer = 0;
  }
}
