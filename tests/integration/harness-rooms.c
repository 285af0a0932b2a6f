/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-harness: group chat through purple's chat API, as Pidgin's Join a Chat and chat window
 * use it.
 *   join-chat <room@server> <nick> [password]   the protocol's chat components, then
 *                                               serv_join_chat ("chat-joined" or a "notify")
 *   chat-send <room@server> <text>              purple_conv_chat_send in the room's window
 *   chat-topic <room@server> <text>             the protocol's set_chat_topic
 *   chat-leave <room@server>                    closes the window (the protocol leaves)
 *   chat-whisper <room@server> <nick> <text>    the protocol's chat_whisper (a private
 *                                               message to an occupant)
 *   chat-real-name <room@server> <nick>         one "real-name" event: get_cb_real_name
 *   chat-command <room@server> <command line>   a /command typed in the room's window (without
 *                                               the slash); "command-error" when it fails
 *   answer-requests accept|reject               how action requests (an invitation) and
 *                                               input requests (another nick: its default)
 *                                               are answered from now on
 *   roomlist                                    the protocol's room list: one "roomlist-room"
 *                                               event a room (its fields), then
 *                                               "roomlist-done"
 *   dump-room <room@server> [tag]               one "room" event (with the tag): our nick,
 *                                               the topic, the occupants as nick:flags
 *   add-room-chat <room@server> <0|1> [alias]   the buddy list gets the room's chat (as the
 *                                               Add Chat dialog does), "join automatically"
 *                                               set as given
 *   remove-room-chat <room@server>              the room's chat taken off the buddy list
 *   set-room-autojoin <room@server> <0|1>       "join automatically" of the room's chat
 *   room-chats [tag]                            one "room-chats" event: the account's chats on
 *                                               the list as room|alias|autojoin, space-separated
 *   fill-field <label word> <value>             the next form with a text field whose label
 *                                               holds the word (any case) gets value there and
 *                                               is answered OK ("fields-filled")
 * Events: "chat-joined", "chat-left", "chat-join-failed", and "chat-line" for every line the
 * window shows (who, text, flags: send, recv, system, delayed). */
#include "harness.h"

#include <string.h>

static PurpleConversation *
room_conv(PurpleAccount *account, const char *room)
{
  return purple_find_conversation_with_account(PURPLE_CONV_TYPE_CHAT, room, account);
}

static void
join_chat(PurpleAccount *account, const char *room, const char *nick, const char *password)
{
  PurpleConnection *gc = purple_account_get_connection(account);
  PurplePluginProtocolInfo *info =
      gc != NULL ? PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc)) : NULL;
  if (info == NULL || info->chat_info_defaults == NULL) {
    emit("command-error", "line", S, "join-chat: not connected", (char *)NULL);
    return;
  }
  /* As prpl-jabber's, the defaults' keys are the protocol's static strings. */
  GHashTable *components = info->chat_info_defaults(gc, room);
  g_hash_table_replace(components, "handle", g_strdup(nick));
  if (password != NULL)
    g_hash_table_replace(components, "password", g_strdup(password));
  serv_join_chat(gc, components);
  g_hash_table_destroy(components);
}

static void
dump_room(PurpleAccount *account, const char *room, const char *tag)
{
  PurpleConversation *conv = room_conv(account, room);
  PurpleConvChat *chat = conv != NULL ? PURPLE_CONV_CHAT(conv) : NULL;
  GString *users = g_string_new(NULL);
  for (GList *l = chat != NULL ? purple_conv_chat_get_users(chat) : NULL; l != NULL; l = l->next) {
    PurpleConvChatBuddy *cb = l->data;
    g_string_append_printf(users, "%s%s:%d", users->len > 0 ? " " : "",
                           purple_conv_chat_cb_get_name(cb), (int)cb->flags);
  }
  const char *topic = chat != NULL ? purple_conv_chat_get_topic(chat) : NULL;
  emit("room", "room", S, room, "tag", S, tag != NULL ? tag : "", "found", I, chat != NULL, "left",
       I, chat != NULL && purple_conv_chat_has_left(chat), "nick", S,
       chat != NULL ? purple_conv_chat_get_nick(chat) : "", "topic", S, topic != NULL ? topic : "",
       "users", S, users->str, (char *)NULL);
  g_string_free(users, TRUE);
}

/* The account's chat on the buddy list for room (room@server), or NULL. */
static PurpleChat *
find_list_chat(PurpleAccount *account, const char *room)
{
  for (PurpleBlistNode *n = purple_blist_get_root(); n != NULL;
       n = purple_blist_node_next(n, FALSE)) {
    if (!PURPLE_BLIST_NODE_IS_CHAT(n) || purple_chat_get_account(PURPLE_CHAT(n)) != account)
      continue;
    GHashTable *c = purple_chat_get_components(PURPLE_CHAT(n));
    char *name = g_strdup_printf("%s@%s", (char *)g_hash_table_lookup(c, "room"),
                                 (char *)g_hash_table_lookup(c, "server"));
    gboolean same = g_ascii_strcasecmp(name, room) == 0;
    g_free(name);
    if (same)
      return PURPLE_CHAT(n);
  }
  return NULL;
}

static void
add_list_chat(PurpleAccount *account, const char *room, gboolean autojoin, const char *alias)
{
  PurpleConnection *gc = purple_account_get_connection(account);
  PurplePluginProtocolInfo *info =
      gc != NULL ? PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc)) : NULL;
  if (info == NULL || info->chat_info_defaults == NULL) {
    emit("command-error", "line", S, "add-room-chat: not connected", (char *)NULL);
    return;
  }
  /* As Pidgin's Add Chat: the chat is on the list first, "join automatically" set after. */
  GHashTable *defaults = info->chat_info_defaults(gc, room);
  GHashTable *components = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init(&iter, defaults);
  while (g_hash_table_iter_next(&iter, &key, &value))
    g_hash_table_insert(components, g_strdup(key), g_strdup(value));
  g_hash_table_destroy(defaults);
  PurpleChat *chat = purple_chat_new(account, alias, components);
  purple_blist_add_chat(chat, NULL, NULL);
  purple_blist_node_set_bool(PURPLE_BLIST_NODE(chat), "gtk-autojoin", autojoin);
}

static void
dump_chats(PurpleAccount *account, const char *tag)
{
  GString *chats = g_string_new(NULL);
  for (PurpleBlistNode *n = purple_blist_get_root(); n != NULL;
       n = purple_blist_node_next(n, FALSE)) {
    if (!PURPLE_BLIST_NODE_IS_CHAT(n) || purple_chat_get_account(PURPLE_CHAT(n)) != account)
      continue;
    GHashTable *c = purple_chat_get_components(PURPLE_CHAT(n));
    g_string_append_printf(chats, "%s%s@%s|%s|%d", chats->len > 0 ? " " : "",
                           (char *)g_hash_table_lookup(c, "room"),
                           (char *)g_hash_table_lookup(c, "server"),
                           PURPLE_CHAT(n)->alias != NULL ? PURPLE_CHAT(n)->alias : "",
                           purple_blist_node_get_bool(n, "gtk-autojoin"));
  }
  emit("room-chats", "tag", S, tag != NULL ? tag : "", "chats", S, chats->str, (char *)NULL);
  g_string_free(chats, TRUE);
}

static char *fill_label, *fill_value; /* the fill-field asked for, until a form takes it */

gboolean
harness_rooms_fill_fields(PurpleRequestFields *fields)
{
  if (fill_label == NULL)
    return FALSE;
  for (GList *g = purple_request_fields_get_groups(fields); g != NULL; g = g->next) {
    for (GList *l = purple_request_field_group_get_fields(g->data); l != NULL; l = l->next) {
      PurpleRequestField *f = l->data;
      const char *label = purple_request_field_get_label(f);
      char *lower = label != NULL ? g_ascii_strdown(label, -1) : NULL;
      gboolean match = purple_request_field_get_type(f) == PURPLE_REQUEST_FIELD_STRING &&
                       lower != NULL && strstr(lower, fill_label) != NULL;
      g_free(lower);
      if (!match)
        continue;
      purple_request_field_string_set_value(f, fill_value);
      emit("fields-filled", "label", S, label, "value", S, fill_value, (char *)NULL);
      g_clear_pointer(&fill_label, g_free);
      g_clear_pointer(&fill_value, g_free);
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
roomlist_poll(gpointer data)
{
  PurpleRoomlist *list = data;
  if (purple_roomlist_get_in_progress(list))
    return G_SOURCE_CONTINUE;
  int n = 0;
  for (GList *l = list->rooms; l != NULL; l = l->next, n++) {
    PurpleRoomlistRoom *room = l->data;
    GList *f = purple_roomlist_room_get_fields(room);
    emit("roomlist-room", "name", S, purple_roomlist_room_get_name(room), "room", S,
         f != NULL ? (const char *)f->data : "", "server", S,
         f != NULL && f->next != NULL ? (const char *)f->next->data : "", "description", S,
         g_list_length(f) >= 4 ? (const char *)g_list_nth_data(f, 3) : "", "users", I,
         g_list_length(f) >= 5 ? GPOINTER_TO_INT(g_list_nth_data(f, 4)) : -1, (char *)NULL);
  }
  emit("roomlist-done", "count", I, n, (char *)NULL);
  purple_roomlist_unref(list);
  return G_SOURCE_REMOVE;
}

gboolean
harness_rooms_command(PurpleAccount *account, const char *line)
{
  if (g_str_has_prefix(line, "chat-command ")) {
    char **cw = g_strsplit(line, " ", 3);
    PurpleConversation *c = cw[1] != NULL ? room_conv(account, cw[1]) : NULL;
    char *error = NULL;
    PurpleCmdStatus st = c != NULL && cw[2] != NULL ? purple_cmd_do_command(c, cw[2], cw[2], &error)
                                                    : PURPLE_CMD_STATUS_NOT_FOUND;
    if (st != PURPLE_CMD_STATUS_OK)
      emit("command-error", "line", S, line, "why", S, error != NULL ? error : "failed",
           (char *)NULL);
    emit("command-done", "line", S, line, (char *)NULL);
    g_free(error);
    g_strfreev(cw);
    return TRUE;
  }
  char **w = g_strsplit(line, " ", 4);
  gboolean handled = TRUE;
  PurpleConversation *conv = w[0] != NULL && w[1] != NULL ? room_conv(account, w[1]) : NULL;
  if (g_strcmp0(w[0], "join-chat") == 0 && w[1] && w[2]) {
    join_chat(account, w[1], w[2], w[3]);
  } else if (g_strcmp0(w[0], "chat-send") == 0 && w[1] && w[2]) {
    char *text = w[3] != NULL ? g_strjoin(" ", w[2], w[3], NULL) : g_strdup(w[2]);
    if (conv != NULL)
      purple_conv_chat_send(PURPLE_CONV_CHAT(conv), text);
    else
      emit("command-error", "line", S, line, "why", S, "no such room window", (char *)NULL);
    g_free(text);
  } else if (g_strcmp0(w[0], "chat-topic") == 0 && w[1] && w[2]) {
    char *text = w[3] != NULL ? g_strjoin(" ", w[2], w[3], NULL) : g_strdup(w[2]);
    PurpleConnection *gc = purple_account_get_connection(account);
    PurplePluginProtocolInfo *info = PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
    if (conv != NULL && info->set_chat_topic != NULL)
      info->set_chat_topic(gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)), text);
    g_free(text);
  } else if ((g_strcmp0(w[0], "chat-whisper") == 0 && w[1] && w[2] && w[3]) ||
             (g_strcmp0(w[0], "chat-real-name") == 0 && w[1] && w[2])) {
    PurpleConnection *gc = purple_account_get_connection(account);
    PurplePluginProtocolInfo *info = PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
    int id = conv != NULL ? purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)) : -1;
    if (w[0][5] == 'w' && info->chat_whisper != NULL) {
      info->chat_whisper(gc, id, w[2], w[3]);
    } else if (info->get_cb_real_name != NULL) {
      char *real = info->get_cb_real_name(gc, id, w[2]);
      emit("real-name", "room", S, w[1], "nick", S, w[2], "name", S, real ? real : "",
           (char *)NULL);
      g_free(real);
    }
  } else if (g_strcmp0(w[0], "chat-leave") == 0 && w[1]) {
    if (conv != NULL)
      purple_conversation_destroy(conv);
  } else if (g_strcmp0(w[0], "roomlist") == 0) {
    PurpleRoomlist *list = purple_roomlist_get_list(purple_account_get_connection(account));
    if (list != NULL)
      g_timeout_add(100, roomlist_poll, list); /* holds the reference get_list gave */
    else
      emit("command-error", "line", S, line, "why", S, "no room list", (char *)NULL);
  } else if (g_strcmp0(w[0], "answer-requests") == 0 && w[1]) {
    gboolean accept = g_strcmp0(w[1], "accept") == 0;
    harness_set_cert_answer(accept ? "accept-once" : "reject");
    harness_set_input_answer(accept);
  } else if (g_strcmp0(w[0], "add-room-chat") == 0 && w[1] && w[2]) {
    add_list_chat(account, w[1], g_strcmp0(w[2], "1") == 0, w[3]);
  } else if (g_strcmp0(w[0], "remove-room-chat") == 0 && w[1]) {
    PurpleChat *chat = find_list_chat(account, w[1]);
    if (chat != NULL)
      purple_blist_remove_chat(chat);
  } else if (g_strcmp0(w[0], "set-room-autojoin") == 0 && w[1] && w[2]) {
    PurpleChat *chat = find_list_chat(account, w[1]);
    if (chat != NULL)
      purple_blist_node_set_bool(PURPLE_BLIST_NODE(chat), "gtk-autojoin",
                                 g_strcmp0(w[2], "1") == 0);
  } else if (g_strcmp0(w[0], "fill-field") == 0 && w[1] && w[2]) {
    g_free(fill_label);
    g_free(fill_value);
    fill_label = g_ascii_strdown(w[1], -1);
    fill_value = w[3] != NULL ? g_strjoin(" ", w[2], w[3], NULL) : g_strdup(w[2]);
  } else if (g_strcmp0(w[0], "room-chats") == 0) {
    dump_chats(account, w[1]);
  } else if (g_strcmp0(w[0], "dump-room") == 0 && w[1]) {
    dump_room(account, w[1], w[2]);
  } else {
    handled = FALSE;
  }
  if (handled)
    emit("command-done", "line", S, line, (char *)NULL);
  g_strfreev(w);
  return handled;
}

static void
chat_joined(PurpleConversation *conv, gpointer data)
{
  emit("chat-joined", "room", S, purple_conversation_get_name(conv), "nick", S,
       purple_conv_chat_get_nick(PURPLE_CONV_CHAT(conv)), (char *)NULL);
}

static void
chat_left(PurpleConversation *conv, gpointer data)
{
  emit("chat-left", "room", S, purple_conversation_get_name(conv), (char *)NULL);
}

static void
chat_join_failed(PurpleConnection *gc, GHashTable *components, gpointer data)
{
  const char *room = components != NULL ? g_hash_table_lookup(components, "room") : NULL;
  emit("chat-join-failed", "room", S, room != NULL ? room : "", (char *)NULL);
}

static void
chat_line(PurpleAccount *account, const char *who, char *message, PurpleConversation *conv,
          PurpleMessageFlags flags, gpointer data)
{
  if (purple_conversation_get_type(conv) != PURPLE_CONV_TYPE_CHAT)
    return;
  GString *kinds = g_string_new(NULL);
  static const struct {
    PurpleMessageFlags flag;
    const char *name;
  } names[] = {{PURPLE_MESSAGE_SEND, "send"},
               {PURPLE_MESSAGE_RECV, "recv"},
               {PURPLE_MESSAGE_SYSTEM, "system"},
               {PURPLE_MESSAGE_DELAYED, "delayed"}};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (flags & names[i].flag)
      g_string_append_printf(kinds, "%s%s", kinds->len > 0 ? "," : "", names[i].name);
  emit("chat-line", "room", S, purple_conversation_get_name(conv), "who", S, who ? who : "", "text",
       S, message ? message : "", "flags", S, kinds->str, (char *)NULL);
  g_string_free(kinds, TRUE);
}

void
harness_rooms_init(void)
{
  static int handle;
  void *convs = purple_conversations_get_handle();
  purple_signal_connect(convs, "chat-joined", &handle, PURPLE_CALLBACK(chat_joined), NULL);
  purple_signal_connect(convs, "chat-left", &handle, PURPLE_CALLBACK(chat_left), NULL);
  purple_signal_connect(convs, "chat-join-failed", &handle, PURPLE_CALLBACK(chat_join_failed),
                        NULL);
  purple_signal_connect(convs, "wrote-chat-msg", &handle, PURPLE_CALLBACK(chat_line), NULL);
}
