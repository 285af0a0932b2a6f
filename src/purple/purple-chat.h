/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of group chat (XEP-0045): purple's chat slots (Join a Chat, the chat window, the
 * topic) on the core's rooms (muc/muc.h). The components are prpl-jabber's (room, server,
 * handle, password), so chats on the buddy list move over unchanged. */
#pragma once

#include "muc/muc.h"
#include "purple-glue.h"

G_BEGIN_DECLS

typedef struct _XmppPurpleChatState XmppPurpleChatState;

/* Registers the room window's commands (once, at plugin init): /nick /topic /part /invite
 * /kick /ban /role /affiliate /msg /join. */
void xmpp_purple_chat_commands(void);
void xmpp_purple_chat_start(XmppPurpleConn *conn);
void xmpp_purple_chat_stop(XmppPurpleConn *conn);

/* prpl_info slots. */
GList *xmpp_purple_chat_info(PurpleConnection *gc);
GHashTable *xmpp_purple_chat_info_defaults(PurpleConnection *gc, const char *chat_name);
void xmpp_purple_chat_join(PurpleConnection *gc, GHashTable *components);
char *xmpp_purple_chat_get_name(GHashTable *components);
void xmpp_purple_chat_leave(PurpleConnection *gc, int id);
int xmpp_purple_chat_send(PurpleConnection *gc, int id, const char *message,
                          PurpleMessageFlags flags);
void xmpp_purple_chat_set_topic(PurpleConnection *gc, int id, const char *topic);
/* Invites who to the room, with message as the reason: directly (XEP-0249) when who's client
 * says it takes such invitations, else through the room. */
void xmpp_purple_chat_invite(PurpleConnection *gc, int id, const char *message, const char *who);
/* The same for a room by address (the /invite command); FALSE when not in it or who is bad. */
gboolean xmpp_purple_chat_invite_to(PurpleConnection *gc, const char *room, const char *who,
                                    const char *reason);
/* An occupant's room JID (room@service/nick), for a private conversation with them. */
char *xmpp_purple_chat_get_cb_real_name(PurpleConnection *gc, int id, const char *who);
/* A private message to an occupant (purple's whisper). */
void xmpp_purple_chat_whisper(PurpleConnection *gc, int id, const char *who, const char *message);

/* Joins room as nick (with password, or NULL) unless we are in it or joining it already
 * (a bookmark's autojoin after the UI's own); TRUE when asked. */
gboolean xmpp_purple_chat_join_room(XmppPurpleConn *conn, const char *room, const char *nick,
                                    const char *password);

/* purple-chat-texts.c, pure: why a join failed (NULL: no better words than the error's), why
 * someone (who) left or was put out (NULL: an ordinary departure), and the lines saying what
 * changed about a room (XmppMucStatus bits; NULL-ended, g_strfreev). */
const char *xmpp_purple_chat_join_error_text(const GError *error);
char *xmpp_purple_chat_removal_text(const char *who, const XmppMucUser *why);
GStrv xmpp_purple_chat_room_change_lines(guint status);

/* purple-room-marks.c: each room's mark (the last message shown from it) in the account's
 * settings. get: FALSE (0, NULL) when none is kept. */
gboolean xmpp_purple_room_mark_get(PurpleAccount *account, const char *room, gint64 *when_s,
                                   char **archive_id);
void xmpp_purple_room_mark_set(PurpleAccount *account, const char *room, gint64 when_s,
                               const char *archive_id);

/* purple-bookmarks.c: the account's bookmarks (XEP-0402/XEP-0048) as the buddy list's chats. */
void xmpp_purple_bookmarks_start(XmppPurpleConn *conn);
void xmpp_purple_bookmarks_stop(XmppPurpleConn *conn);

/* The room's address from the components: room@server (or a room that is an address already),
 * normalised; NULL when they name no room. Pure. */
char *xmpp_purple_chat_room_of(GHashTable *components);
/* The purple chat flags of an occupant: owner FOUNDER, admin OP, moderator HALFOP, voice
 * VOICE. Pure. */
PurpleConvChatBuddyFlags xmpp_purple_chat_flags(XmppMucRole role, XmppMucAffiliation affiliation);

/* purple-roomlist.c: the rooms of the account's room service (Room List). */
PurpleRoomlist *xmpp_purple_roomlist_get_list(PurpleConnection *gc);
void xmpp_purple_roomlist_cancel(PurpleRoomlist *list);

/* For the commands (purple-chat-commands.c): the room of a chat window and the room module
 * (NULL when the window is not one of our rooms), a room's window, a line from the room. */
const char *xmpp_purple_chat_room_for(PurpleConversation *conv, XmppMuc **muc);
PurpleConvChat *xmpp_purple_chat_window(PurpleConnection *gc, const char *room);
void xmpp_purple_chat_write_system(PurpleConvChat *chat, const char *text);
/* The open room forms of the connection (closed at sign-off) and their dialogs' handle; NULL
 * when the connection has no rooms' state. */
GQueue *xmpp_purple_chat_forms(PurpleConnection *gc, gpointer *handle);

G_END_DECLS
