/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of group chat: purple's chat ids and conversations for the core's rooms. */
#include "purple-chat.h"
#include "purple-i18n.h"

#include <errno.h>
#include <string.h>

#include "jid/jid.h"
#include "purple-xdata.h"
#include "services/caps.h"
#include "xml/lang.h"

struct _XmppPurpleChatState {
  XmppPurpleConn *conn;
  GHashTable *ids;     /* room bare JID -> GINT_TO_POINTER(purple chat id) */
  GHashTable *rooms;   /* GINT_TO_POINTER(id) -> room bare JID (the key of ids) */
  GHashTable *joining; /* room bare JID -> Attempt*: what we asked the room with */
  GPtrArray *asking;   /* Attempt*: refused for the nick, another one asked of the user */
  GQueue forms;        /* open room forms (/config, /register): purple-xdata.c */
  int next_id;
};

/* A join asked for: the nick and password, to ask again with another nick on a conflict. */
typedef struct {
  XmppPurpleChatState *state;
  char *room;
  char *nick;
  char *password;
} Attempt;

static void
attempt_free(gpointer data)
{
  Attempt *a = data;
  g_free(a->room);
  g_free(a->nick);
  g_free(a->password);
  g_free(a);
}

/* Asks the room, remembering how. FALSE with error when the core refused at once. */
static gboolean
try_join(XmppPurpleChatState *state, const char *room, const char *nick, const char *password,
         GError **error)
{
  /* The history from after the last message we have from the room (none: a first join). */
  gint64 mark_s = 0;
  g_autofree char *mark_id = NULL;
  g_autofree char *jid = xmpp_muc_room_jid(room);
  if (jid != NULL)
    xmpp_purple_room_mark_get(state->conn->account, jid, &mark_s, &mark_id);
  if (!xmpp_muc_join_after(xmpp_session_get_muc(state->conn->session), room, nick, password, mark_s,
                           mark_id, error))
    return FALSE;
  Attempt *a = g_new0(Attempt, 1);
  a->state = state;
  a->room = g_strdup(room);
  a->nick = g_strdup(nick);
  a->password = g_strdup(password);
  g_hash_table_replace(state->joining, a->room, a);
  return TRUE;
}

static void
other_nick_chosen(gpointer data, const char *nick)
{
  Attempt *a = data;
  g_autoptr(GError) error = NULL;
  if (nick != NULL && *nick != '\0' && !try_join(a->state, a->room, nick, a->password, &error))
    purple_notify_error(a->state->conn->gc, _("Join a Chat"), a->room, error->message);
  g_ptr_array_remove(a->state->asking, a);
}

static void
other_nick_cancelled(gpointer data, const char *nick)
{
  Attempt *a = data;
  g_ptr_array_remove(a->state->asking, a);
}

static XmppPurpleChatState *
state_of_gc(PurpleConnection *gc)
{
  XmppPurpleConn *conn = gc != NULL ? xmpp_purple_connection_get(gc) : NULL;
  return conn != NULL ? conn->chat_state : NULL;
}

static XmppMuc *
muc_of(XmppPurpleChatState *state)
{
  return state != NULL && state->conn->session != NULL ? xmpp_session_get_muc(state->conn->session)
                                                       : NULL;
}

static const char *
room_of_id(XmppPurpleChatState *state, int id)
{
  return state != NULL ? g_hash_table_lookup(state->rooms, GINT_TO_POINTER(id)) : NULL;
}

static PurpleConvChat *
chat_of(XmppPurpleChatState *state, const char *room)
{
  gpointer id;
  if (!g_hash_table_lookup_extended(state->ids, room, NULL, &id))
    return NULL;
  PurpleConversation *conv = purple_find_chat(state->conn->gc, GPOINTER_TO_INT(id));
  return conv != NULL ? PURPLE_CONV_CHAT(conv) : NULL;
}

static void
forget(XmppPurpleChatState *state, const char *room)
{
  gpointer key, id;
  if (g_hash_table_lookup_extended(state->ids, room, &key, &id)) {
    g_hash_table_remove(state->rooms, id);
    g_hash_table_remove(state->ids, room);
  }
}

PurpleConvChatBuddyFlags
xmpp_purple_chat_flags(XmppMucRole role, XmppMucAffiliation affiliation)
{
  PurpleConvChatBuddyFlags flags = PURPLE_CBFLAGS_NONE;
  if (affiliation == XMPP_MUC_AFFILIATION_OWNER)
    flags |= PURPLE_CBFLAGS_FOUNDER;
  else if (affiliation == XMPP_MUC_AFFILIATION_ADMIN)
    flags |= PURPLE_CBFLAGS_OP;
  if (role == XMPP_MUC_ROLE_MODERATOR)
    flags |= PURPLE_CBFLAGS_HALFOP;
  else if (role == XMPP_MUC_ROLE_PARTICIPANT)
    flags |= PURPLE_CBFLAGS_VOICE;
  return flags;
}

static void
write_system(PurpleConvChat *chat, const char *text)
{
  purple_conv_chat_write(chat, "", text, PURPLE_MESSAGE_SYSTEM, time(NULL));
}

/* ---- events from the core ----------------------------------------------------------------- */

static void
add_occupant(const XmppMucOccupant *o, gpointer data)
{
  PurpleConvChat *chat = data;
  if (g_strcmp0(o->nick, purple_conv_chat_get_nick(chat)) != 0)
    purple_conv_chat_add_user(chat, o->nick, NULL, xmpp_purple_chat_flags(o->role, o->affiliation),
                              FALSE);
}

static void
ev_joined(gpointer data, const char *room, const char *nick, guint status)
{
  XmppPurpleChatState *state = data;
  g_hash_table_remove(state->joining, room);
  PurpleConvChat *chat = chat_of(state, room);
  if (chat != NULL) {
    /* In again after a new server session: the same window, its list learnt anew. */
    purple_conv_chat_clear_users(chat);
  } else {
    forget(state, room);
    int id = ++state->next_id;
    char *key = g_strdup(room);
    g_hash_table_replace(state->ids, key, GINT_TO_POINTER(id));
    g_hash_table_replace(state->rooms, GINT_TO_POINTER(id), key);
    PurpleConversation *conv = serv_got_joined_chat(state->conn->gc, id, room);
    if (conv == NULL)
      return;
    chat = PURPLE_CONV_CHAT(conv);
  }
  purple_conv_chat_set_nick(chat, nick);
  XmppMucOccupant self;
  if (xmpp_muc_get_occupant(muc_of(state), room, nick, &self))
    purple_conv_chat_add_user(chat, nick, NULL, xmpp_purple_chat_flags(self.role, self.affiliation),
                              FALSE);
  xmpp_muc_foreach_occupant(muc_of(state), room, add_occupant, chat);
  if (status & XMPP_MUC_STATUS_NICK_ASSIGNED) {
    char *text = g_strdup_printf(_("The room calls you %s."), nick);
    write_system(chat, text);
    g_free(text);
  }
}

/* The components purple's "chat-join-failed" carries: the room split as prpl-jabber's. */
static GHashTable *
components_for(const char *room)
{
  GHashTable *c = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  const char *at = strchr(room, '@');
  g_hash_table_insert(c, g_strdup("room"),
                      at != NULL ? g_strndup(room, at - room) : g_strdup(room));
  g_hash_table_insert(c, g_strdup("server"), g_strdup(at != NULL ? at + 1 : ""));
  return c;
}

static void
ev_join_failed(gpointer data, const char *room, const GError *error)
{
  XmppPurpleChatState *state = data;
  Attempt *a = NULL;
  g_hash_table_steal_extended(state->joining, room, NULL, (gpointer *)&a);
  if (a != NULL && error->domain == XMPP_STANZA_ERROR &&
      error->code == XMPP_STANZA_ERROR_CONFLICT) {
    /* Someone has the nick: another one, as prpl-jabber and IRC clients ask. */
    char *primary =
        g_strdup_printf(_("Someone in %s already uses the nickname %s."), room, a->nick);
    char *suggestion = g_strdup_printf("%s_", a->nick);
    g_ptr_array_add(state->asking, a);
    purple_request_input(state, _("Join a Chat"), primary, _("Choose another nickname:"),
                         suggestion, FALSE, FALSE, NULL, _("_Join"), G_CALLBACK(other_nick_chosen),
                         _("_Cancel"), G_CALLBACK(other_nick_cancelled), state->conn->account, NULL,
                         NULL, a);
    g_free(primary);
    g_free(suggestion);
  } else {
    const char *text = xmpp_purple_chat_join_error_text(error);
    purple_notify_error(state->conn->gc, _("Join a Chat"), room,
                        text != NULL ? text : error->message);
    if (a != NULL)
      attempt_free(a);
  }
  GHashTable *components = components_for(room);
  purple_serv_got_join_chat_failed(state->conn->gc, components);
  g_hash_table_destroy(components);
}

static void
ev_occupant(gpointer data, const char *room, const XmppMucOccupant *o, gboolean is_new)
{
  PurpleConvChat *chat = chat_of(data, room);
  if (chat == NULL)
    return;
  PurpleConvChatBuddyFlags flags = xmpp_purple_chat_flags(o->role, o->affiliation);
  if (is_new || !purple_conv_chat_find_user(chat, o->nick))
    purple_conv_chat_add_user(chat, o->nick, NULL, flags, TRUE);
  else
    purple_conv_chat_user_set_flags(chat, o->nick, flags);
}

/* What the room says changed about it (§10.2.1), a line each. */
static void
ev_room_changed(gpointer data, const char *room, guint status)
{
  PurpleConvChat *chat = chat_of(data, room);
  g_auto(GStrv) lines = chat != NULL ? xmpp_purple_chat_room_change_lines(status) : NULL;
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    write_system(chat, lines[i]);
}

/* Pidgin shows a typing occupant as such (purple's TYPING flag on the chat buddy). */
static void
ev_typing(gpointer data, const char *room, const char *nick, gboolean typing)
{
  PurpleConvChat *chat = chat_of(data, room);
  if (chat == NULL || !purple_conv_chat_find_user(chat, nick))
    return;
  PurpleConvChatBuddyFlags flags = purple_conv_chat_user_get_flags(chat, nick);
  PurpleConvChatBuddyFlags wanted =
      typing ? flags | PURPLE_CBFLAGS_TYPING : flags & ~PURPLE_CBFLAGS_TYPING;
  if (wanted != flags)
    purple_conv_chat_user_set_flags(chat, nick, wanted);
}

static void
ev_occupant_left(gpointer data, const char *room, const char *nick, const XmppMucUser *why)
{
  PurpleConvChat *chat = chat_of(data, room);
  if (chat == NULL)
    return;
  char *text = xmpp_purple_chat_removal_text(nick, why);
  purple_conv_chat_remove_user(chat, nick, text);
  g_free(text);
}

static void
ev_nick_changed(gpointer data, const char *room, const char *old_nick, const char *new_nick,
                gboolean ours)
{
  PurpleConvChat *chat = chat_of(data, room);
  if (chat == NULL)
    return;
  purple_conv_chat_rename_user(chat, old_nick, new_nick);
  if (ours)
    purple_conv_chat_set_nick(chat, new_nick);
}

static void
ev_message(gpointer data, const char *room, const char *nick, const XmppMessageInfo *info,
           const char *markup, gboolean ours)
{
  XmppPurpleChatState *state = data;
  gpointer id;
  if (!g_hash_table_lookup_extended(state->ids, room, NULL, &id))
    return;
  PurpleMessageFlags flags = ours ? PURPLE_MESSAGE_SEND : PURPLE_MESSAGE_RECV;
  time_t when = time(NULL);
  if (info->delay != NULL) {
    flags |= PURPLE_MESSAGE_DELAYED;
    when = (time_t)info->delay->stamp;
  }
  if (nick == NULL) { /* the room itself speaks */
    PurpleConvChat *chat = chat_of(state, room);
    if (chat != NULL)
      purple_conv_chat_write(chat, "", markup, flags | PURPLE_MESSAGE_SYSTEM, when);
    return;
  }
  serv_got_chat_in(state->conn->gc, GPOINTER_TO_INT(id), nick, flags, markup, when);
}

static void
ev_subject(gpointer data, const char *room, const char *nick, const char *subject)
{
  PurpleConvChat *chat = chat_of(data, room);
  if (chat == NULL)
    return;
  const char *before = purple_conv_chat_get_topic(chat);
  gboolean had_topic = before != NULL && *before != '\0';
  purple_conv_chat_set_topic(chat, nick, subject);
  if (*subject == '\0' && !had_topic)
    return; /* a room without a subject says so once we are in: nothing to tell */
  char *escaped = g_markup_escape_text(subject, -1);
  char *text = *subject == '\0' ? g_strdup(_("The topic was cleared."))
               : nick != NULL   ? g_strdup_printf(_("%s has set the topic to: %s"), nick, escaped)
                                : g_strdup_printf(_("The topic is: %s"), escaped);
  write_system(chat, text);
  g_free(text);
  g_free(escaped);
}

static void
ev_left(gpointer data, const char *room, const XmppMucUser *why)
{
  XmppPurpleChatState *state = data;
  gpointer id;
  if (!g_hash_table_lookup_extended(state->ids, room, NULL, &id))
    return;
  PurpleConvChat *chat = chat_of(state, room);
  char *text =
      chat != NULL ? xmpp_purple_chat_removal_text(purple_conv_chat_get_nick(chat), why) : NULL;
  if (chat != NULL && text != NULL)
    write_system(chat, text);
  g_free(text);
  serv_got_chat_left(state->conn->gc, GPOINTER_TO_INT(id));
  forget(state, room);
}

/* T44: a question (purple's "X has invited you to join Y" with Accept and Decline), never a
 * join; accepting joins with these components. */
static void
ev_invited(gpointer data, const XmppMucInvite *invite)
{
  XmppPurpleChatState *state = data;
  GHashTable *components = components_for(invite->room);
  g_autoptr(XmppJid) me = xmpp_jid_parse(purple_account_get_username(state->conn->account), NULL);
  if (me != NULL && xmpp_jid_get_local(me) != NULL)
    g_hash_table_insert(components, g_strdup("handle"), g_strdup(xmpp_jid_get_local(me)));
  if (invite->password != NULL)
    g_hash_table_insert(components, g_strdup("password"), g_strdup(invite->password));
  serv_got_chat_invite(state->conn->gc, invite->room,
                       invite->inviter != NULL ? invite->inviter : invite->room, invite->reason,
                       components);
}

static void
ev_mark(gpointer data, const char *room, gint64 when_s, const char *archive_id)
{
  XmppPurpleChatState *state = data;
  xmpp_purple_room_mark_set(state->conn->account, room, when_s, archive_id);
}

static const XmppMucEvents muc_events = {
    .mark = ev_mark,
    .typing = ev_typing,
    .room_changed = ev_room_changed,
    .invited = ev_invited,
    .joined = ev_joined,
    .join_failed = ev_join_failed,
    .occupant = ev_occupant,
    .occupant_left = ev_occupant_left,
    .nick_changed = ev_nick_changed,
    .message = ev_message,
    .subject = ev_subject,
    .left = ev_left,
};

/* ---- the area ----------------------------------------------------------------------------- */

void
xmpp_purple_chat_start(XmppPurpleConn *conn)
{
  XmppPurpleChatState *state = g_new0(XmppPurpleChatState, 1);
  state->conn = conn;
  state->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  state->rooms = g_hash_table_new(g_direct_hash, g_direct_equal);
  state->joining = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, attempt_free);
  state->asking = g_ptr_array_new_with_free_func(attempt_free);
  conn->chat_state = state;
  XmppMuc *muc = xmpp_session_get_muc(conn->session);
  xmpp_muc_set_events(muc, &muc_events, state);
  /* The language to pick among a message's bodies: the UI locale, as for chat messages. */
  char *lang = xmpp_lang_from_locale(g_get_language_names()[0]);
  xmpp_muc_set_language(muc, lang);
  g_free(lang);
}

void
xmpp_purple_chat_stop(XmppPurpleConn *conn)
{
  XmppPurpleChatState *state = conn->chat_state;
  if (state == NULL)
    return;
  if (conn->session != NULL)
    xmpp_muc_set_events(xmpp_session_get_muc(conn->session), NULL, NULL);
  purple_request_close_with_handle(state); /* an open "another nickname" question */
  xmpp_purple_xdata_close_all(&state->forms);
  g_ptr_array_unref(state->asking);
  g_hash_table_destroy(state->joining);
  g_hash_table_destroy(state->rooms);
  g_hash_table_destroy(state->ids);
  conn->chat_state = NULL;
  g_free(state);
}

/* ---- purple's slots ----------------------------------------------------------------------- */

static struct proto_chat_entry *
entry(const char *label, const char *identifier, gboolean required, gboolean secret)
{
  struct proto_chat_entry *e = g_new0(struct proto_chat_entry, 1);
  e->label = label;
  e->identifier = identifier;
  e->required = required;
  e->secret = secret;
  return e;
}

GList *
xmpp_purple_chat_info(PurpleConnection *gc)
{
  GList *entries = NULL;
  entries = g_list_append(entries, entry(_("_Room:"), "room", TRUE, FALSE));
  entries = g_list_append(entries, entry(_("_Server:"), "server", TRUE, FALSE));
  entries = g_list_append(entries, entry(_("_Handle:"), "handle", TRUE, FALSE));
  return g_list_append(entries, entry(_("_Password:"), "password", FALSE, TRUE));
}

GHashTable *
xmpp_purple_chat_info_defaults(PurpleConnection *gc, const char *chat_name)
{
  GHashTable *d = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  PurpleAccount *account = purple_connection_get_account(gc);
  g_autoptr(XmppJid) me = xmpp_jid_parse(purple_account_get_username(account), NULL);
  /* "room@service" typed into the room field (or given by a link) fills both. */
  g_autoptr(XmppJid) named = chat_name != NULL ? xmpp_jid_parse(chat_name, NULL) : NULL;
  if (named != NULL && xmpp_jid_get_local(named) != NULL) {
    g_hash_table_insert(d, "room", g_strdup(xmpp_jid_get_local(named)));
    g_hash_table_insert(d, "server", g_strdup(xmpp_jid_get_domain(named)));
  } else {
    if (chat_name != NULL)
      g_hash_table_insert(d, "room", g_strdup(chat_name));
    /* The server's room service as found (XEP-0045 §6.1), else Prosody's and ejabberd's usual
     * name for it. */
    XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
    const char *service = conn != NULL && conn->session != NULL
                              ? xmpp_muc_get_service(xmpp_session_get_muc(conn->session))
                              : NULL;
    if (service != NULL)
      g_hash_table_insert(d, "server", g_strdup(service));
    else if (me != NULL)
      g_hash_table_insert(d, "server", g_strdup_printf("conference.%s", xmpp_jid_get_domain(me)));
  }
  if (me != NULL && xmpp_jid_get_local(me) != NULL)
    g_hash_table_insert(d, "handle", g_strdup(xmpp_jid_get_local(me)));
  return d;
}

char *
xmpp_purple_chat_room_of(GHashTable *components)
{
  const char *room = components != NULL ? g_hash_table_lookup(components, "room") : NULL;
  const char *server = components != NULL ? g_hash_table_lookup(components, "server") : NULL;
  if (room == NULL || *room == '\0')
    return NULL;
  g_autofree char *text = strchr(room, '@') != NULL || server == NULL || *server == '\0'
                              ? g_strdup(room)
                              : g_strdup_printf("%s@%s", room, server);
  g_autoptr(XmppJid) jid = xmpp_jid_parse(text, NULL);
  if (jid == NULL || xmpp_jid_get_local(jid) == NULL || xmpp_jid_get_resource(jid) != NULL)
    return NULL;
  return g_strdup(xmpp_jid_get_bare(jid));
}

char *
xmpp_purple_chat_get_name(GHashTable *components)
{
  return xmpp_purple_chat_room_of(components);
}

void
xmpp_purple_chat_join(PurpleConnection *gc, GHashTable *components)
{
  XmppPurpleChatState *state = state_of_gc(gc);
  XmppMuc *muc = muc_of(state);
  if (muc == NULL)
    return;
  g_autofree char *room = xmpp_purple_chat_room_of(components);
  const char *handle = g_hash_table_lookup(components, "handle");
  const char *password = g_hash_table_lookup(components, "password");
  g_autoptr(GError) error = NULL;
  if (room == NULL) {
    purple_notify_error(gc, _("Join a Chat"), _("Not a room's address"),
                        _("Give the room's name and its server (room@server)."));
    purple_serv_got_join_chat_failed(gc, components);
    return;
  }
  if (room != NULL && xmpp_muc_is_joined(muc, room))
    return; /* purple raises the open conversation itself */
  if (!try_join(state, room, handle, password, &error)) {
    purple_notify_error(gc, _("Join a Chat"), room, error->message);
    purple_serv_got_join_chat_failed(gc, components);
  }
}

gboolean
xmpp_purple_chat_join_room(XmppPurpleConn *conn, const char *room, const char *nick,
                           const char *password)
{
  XmppPurpleChatState *state = conn->chat_state;
  XmppMuc *muc = state != NULL ? muc_of(state) : NULL;
  if (muc == NULL || xmpp_muc_is_room(muc, room))
    return FALSE;
  g_autoptr(GError) error = NULL;
  if (!try_join(state, room, nick, password, &error)) {
    purple_debug_warning(XMPP_PURPLE_DEBUG, "not joining %s: %s\n", room, error->message);
    return FALSE;
  }
  return TRUE;
}

void
xmpp_purple_chat_leave(PurpleConnection *gc, int id)
{
  XmppPurpleChatState *state = state_of_gc(gc);
  const char *room = room_of_id(state, id);
  if (room != NULL)
    xmpp_muc_leave(muc_of(state), room);
}

int
xmpp_purple_chat_send(PurpleConnection *gc, int id, const char *message, PurpleMessageFlags flags)
{
  XmppPurpleChatState *state = state_of_gc(gc);
  const char *room = room_of_id(state, id);
  if (room == NULL)
    return -ENOTCONN;
  char *plain = NULL;
  XmppNode *html = NULL;
  xmpp_purple_im_prepare(message, &plain, &html);
  char *sent = xmpp_muc_send(muc_of(state), room, plain, html);
  g_free(plain);
  xmpp_node_free(html);
  if (sent == NULL)
    return -EINVAL;
  g_free(sent);
  return 0; /* shown when the room echoes it */
}

char *
xmpp_purple_chat_get_cb_real_name(PurpleConnection *gc, int id, const char *who)
{
  const char *room = room_of_id(state_of_gc(gc), id);
  return room != NULL && who != NULL ? g_strdup_printf("%s/%s", room, who) : NULL;
}

void
xmpp_purple_chat_whisper(PurpleConnection *gc, int id, const char *who, const char *message)
{
  XmppPurpleChatState *state = state_of_gc(gc);
  const char *room = room_of_id(state, id);
  if (room == NULL || who == NULL)
    return;
  /* XEP-0045 §7.5: a private message goes to the occupant's room JID, as a chat. */
  g_autofree char *to = g_strdup_printf("%s/%s", room, who);
  char *plain = NULL;
  XmppNode *html = NULL;
  xmpp_purple_im_prepare(message, &plain, &html);
  g_free(xmpp_messages_send_chat(xmpp_session_get_messages(state->conn->session), to, plain, html));
  g_free(plain);
  xmpp_node_free(html);
}

/* Does who run a client that takes direct invitations (XEP-0249)? One of its online resources
 * says so in its capabilities. */
static gboolean
takes_direct(XmppPurpleConn *conn, const char *who)
{
  g_autoptr(XmppJid) jid = who != NULL ? xmpp_jid_parse(who, NULL) : NULL;
  const XmppPresenceContact *contact =
      jid != NULL ? xmpp_presence_get_contact(xmpp_session_get_presence(conn->session),
                                              xmpp_jid_get_bare(jid))
                  : NULL;
  XmppCaps *caps = xmpp_session_get_caps(conn->session);
  for (guint i = 0; contact != NULL && i < contact->resources->len; i++) {
    const XmppPresenceResource *r = contact->resources->pdata[i];
    g_autofree char *full = g_strdup_printf("%s/%s", contact->bare, r->resource);
    const XmppDiscoInfo *info = xmpp_caps_get_jid_info(caps, full);
    if (info != NULL && xmpp_disco_info_has_feature(info, XMPP_NS_CONFERENCE))
      return TRUE;
  }
  return FALSE;
}

gboolean
xmpp_purple_chat_invite_to(PurpleConnection *gc, const char *room, const char *who,
                           const char *reason)
{
  XmppPurpleChatState *state = state_of_gc(gc);
  XmppMuc *muc = muc_of(state);
  return muc != NULL && xmpp_muc_invite(muc, room, who, reason, takes_direct(state->conn, who));
}

void
xmpp_purple_chat_invite(PurpleConnection *gc, int id, const char *message, const char *who)
{
  const char *room = room_of_id(state_of_gc(gc), id);
  if (room != NULL)
    xmpp_purple_chat_invite_to(gc, room, who, message);
}

void
xmpp_purple_chat_set_topic(PurpleConnection *gc, int id, const char *topic)
{
  XmppPurpleChatState *state = state_of_gc(gc);
  const char *room = room_of_id(state, id);
  if (room != NULL)
    xmpp_muc_set_subject(muc_of(state), room, topic);
}

/* ---- for the room window's commands (purple-chat-commands.c) ------------------------------ */

const char *
xmpp_purple_chat_room_for(PurpleConversation *conv, XmppMuc **muc)
{
  XmppPurpleChatState *state = state_of_gc(purple_conversation_get_gc(conv));
  *muc = muc_of(state);
  return room_of_id(state, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)));
}

PurpleConvChat *
xmpp_purple_chat_window(PurpleConnection *gc, const char *room)
{
  XmppPurpleChatState *state = state_of_gc(gc);
  return state != NULL ? chat_of(state, room) : NULL;
}

void
xmpp_purple_chat_write_system(PurpleConvChat *chat, const char *text)
{
  write_system(chat, text);
}

GQueue *
xmpp_purple_chat_forms(PurpleConnection *gc, gpointer *handle)
{
  XmppPurpleChatState *state = state_of_gc(gc);
  *handle = state;
  return state != NULL ? &state->forms : NULL;
}
