/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc, what rooms say: their groupchat messages and subjects (shown once, our echo known,
 * our mark moved), occupants typing, and the room-addressed messages with muc#user:
 * invitations and what changed about the room. */
#include "muc/muc-private.h"

#include <string.h>

#include "im/namespaces.h"

static gboolean
sent_by_us(const XmppMuc *muc, const char *id)
{
  for (guint i = 0; id != NULL && i < XMPP_MUC_MAX_SENT_IDS; i++)
    if (muc->sent_ids[i] != NULL && strcmp(muc->sent_ids[i], id) == 0)
      return TRUE;
  return FALSE;
}

/* The room's XEP-0359 id for a message: only one the room itself stamped (by= the room). */
static char *
room_stanza_id(const XmppStanza *stanza, const Room *room)
{
  return xmpp_message_dup_stanza_id(stanza->node, room->parsed);
}

/* Our mark moves to a message shown: the newest one's time, and its archive id (a catch-up
 * brings older messages after newer live ones: they do not move it back). A live message tells
 * at once; an archive page, once it is in (xmpp_muc_tell_mark). */
static void
move_mark(XmppMuc *muc, Room *room, const XmppMessageInfo *info, gboolean tell)
{
  gint64 when = info->delay != NULL ? info->delay->stamp : g_get_real_time() / G_USEC_PER_SEC;
  if (when < room->mark_s)
    return;
  room->mark_s = when;
  if (info->stanza_id != NULL) {
    g_free(room->mark_id);
    room->mark_id = g_strdup(info->stanza_id);
  }
  room->mark_moved = TRUE;
  if (tell)
    xmpp_muc_tell_mark(muc, room);
}

void
xmpp_muc_tell_mark(XmppMuc *muc, Room *room)
{
  if (!room->mark_moved)
    return;
  room->mark_moved = FALSE;
  if (muc->events.mark != NULL)
    muc->events.mark(muc->events_data, room->jid, room->mark_s, room->mark_id);
}

void
xmpp_muc_show_message(XmppMuc *muc, Room *room, XmppStanza *stanza, const char *archive_id)
{
  const char *nick = xmpp_jid_get_resource(stanza->from);
  g_autoptr(XmppMessageInfo) info =
      xmpp_message_info_parse(stanza, g_get_real_time() / G_USEC_PER_SEC);
  info->stanza_id = archive_id != NULL ? g_strdup(archive_id) : room_stanza_id(stanza, room);
  const XmppMessageText *body = xmpp_message_choose_text(info->bodies, muc->lang, info->lang);
  const XmppMessageText *subject = xmpp_message_choose_text(info->subjects, muc->lang, info->lang);
  if (body == NULL && info->subjects->len > 0 && archive_id == NULL) {
    /* §8.1: a subject without a body is the room's subject (empty: cleared). */
    g_free(room->subject);
    room->subject = g_strdup(subject != NULL ? subject->text : "");
    if (muc->events.subject != NULL)
      muc->events.subject(muc->events_data, room->jid, nick, room->subject);
    return;
  }
  /* XEP-0085 §5.5: an occupant typing (or not any more: a message says active). */
  if (archive_id == NULL && info->chat_state != XMPP_CHAT_STATE_NONE && nick != NULL &&
      g_strcmp0(nick, room->nick) != 0 && muc->events.typing != NULL)
    muc->events.typing(muc->events_data, room->jid, nick,
                       body == NULL && info->chat_state == XMPP_CHAT_STATE_COMPOSING);
  if (body == NULL)
    return; /* markers and the rest of a bodiless message: nothing to show */
  XmppDedupMessage key = {.stanza_id = info->stanza_id,
                          .origin_id = info->origin_id,
                          .id = info->id,
                          .counterpart = xmpp_jid_get_full(stanza->from),
                          .body = body->text};
  if (xmpp_dedup_check(muc->seen, &key)) {
    xmpp_host_log(muc->host, XMPP_LOG_DEBUG, "%s: message seen already: not shown again",
                  room->jid);
    return;
  }
  gboolean ours = nick != NULL && g_strcmp0(nick, room->nick) == 0;
  if (ours && !sent_by_us(muc, info->origin_id) && !sent_by_us(muc, info->id))
    xmpp_host_log(muc->host, XMPP_LOG_DEBUG, "%s: our nick's message from another client",
                  room->jid);
  g_autofree char *markup = xmpp_message_info_dup_markup(info, muc->lang);
  if (markup != NULL && muc->events.message != NULL)
    muc->events.message(muc->events_data, room->jid, nick, info, markup, ours);
  /* The room may be gone (the user left from the message's event): look again. */
  Room *still = g_hash_table_lookup(muc->rooms, xmpp_jid_get_bare(stanza->from));
  if (still == room)
    move_mark(muc, room, info, archive_id == NULL);
}

XmppHandlerResult
xmpp_muc_on_groupchat(XmppStanza *stanza, gpointer data)
{
  XmppMuc *muc = data;
  if (g_strcmp0(stanza->type, "groupchat") != 0)
    return XMPP_HANDLER_PASS;
  Room *room = xmpp_muc_room_of(muc, stanza);
  if (room == NULL || room->state == ROOM_LEAVING || room->state == ROOM_AWAY)
    return XMPP_HANDLER_PASS; /* T46: the chat module drops groupchat from elsewhere */
  room->heard_us = xmpp_host_now(muc->host);
  xmpp_muc_show_message(muc, room, stanza, NULL);
  return XMPP_HANDLER_CONSUMED;
}

/* ---- invitations --------------------------------------------------------------------------- */

XmppHandlerResult
xmpp_muc_on_room_message(XmppStanza *stanza, gpointer data)
{
  XmppMuc *muc = data;
  g_autoptr(XmppMucInvite) invite = xmpp_muc_invite_parse(stanza);
  if (invite == NULL) {
    /* §10.2.1: a room we are in tells what changed about it (only the room: T46). */
    Room *room = xmpp_muc_room_of(muc, stanza);
    g_autoptr(XmppMucUser) user =
        room != NULL && room->state == ROOM_JOINED && xmpp_jid_get_resource(stanza->from) == NULL
            ? xmpp_muc_user_parse(stanza->node)
            : NULL;
    if (user == NULL || (user->status & XMPP_MUC_ROOM_CHANGES) == 0)
      return XMPP_HANDLER_PASS; /* a private message with muc#user, or nothing of ours */
    if (muc->events.room_changed != NULL)
      muc->events.room_changed(muc->events_data, room->jid, user->status & XMPP_MUC_ROOM_CHANGES);
    return XMPP_HANDLER_CONSUMED;
  }
  if (muc->events.invited != NULL)
    muc->events.invited(muc->events_data, invite);
  return XMPP_HANDLER_CONSUMED;
}
