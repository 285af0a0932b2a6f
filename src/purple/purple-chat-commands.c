/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The room window's commands, as prpl-jabber's: /nick /topic /part /invite /kick /ban /role
 * /affiliate /msg /join. */
#include "purple-chat.h"
#include "purple-i18n.h"

#include <string.h>

#include "jid/jid.h"

/* A moderation request's end: a refusal is said in the room's window (data: the connection). */
static void
on_moderated(gpointer data, const char *room, const GError *error)
{
  if (error == NULL || xmpp_iq_error_is_ended(error))
    return;
  PurpleConvChat *chat = xmpp_purple_chat_window(data, room);
  if (chat != NULL) {
    char *text = g_strdup_printf(_("The room refused: %s"), error->message);
    xmpp_purple_chat_write_system(chat, text);
    g_free(text);
  }
}

static PurpleCmdRet
cmd_nick(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *room = xmpp_purple_chat_room_for(conv, &muc);
  g_autoptr(GError) err = NULL;
  if (room == NULL || !xmpp_muc_change_nick(muc, room, args[0], &err)) {
    *error = g_strdup(err != NULL ? err->message : _("Not in this room."));
    return PURPLE_CMD_RET_FAILED;
  }
  return PURPLE_CMD_RET_OK;
}

static PurpleCmdRet
cmd_topic(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *room = xmpp_purple_chat_room_for(conv, &muc);
  if (room == NULL)
    return PURPLE_CMD_RET_FAILED;
  if (args[0] == NULL) { /* no text: show the topic */
    const char *topic = purple_conv_chat_get_topic(PURPLE_CONV_CHAT(conv));
    char *escaped = g_markup_escape_text(topic != NULL ? topic : "", -1);
    char *text = topic != NULL && *topic != '\0' ? g_strdup_printf(_("The topic is: %s"), escaped)
                                                 : g_strdup(_("This room has no topic."));
    xmpp_purple_chat_write_system(PURPLE_CONV_CHAT(conv), text);
    g_free(text);
    g_free(escaped);
    return PURPLE_CMD_RET_OK;
  }
  return xmpp_muc_set_subject(muc, room, args[0]) ? PURPLE_CMD_RET_OK : PURPLE_CMD_RET_FAILED;
}

static PurpleCmdRet
cmd_part(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *room = xmpp_purple_chat_room_for(conv, &muc);
  if (room == NULL)
    return PURPLE_CMD_RET_FAILED;
  xmpp_muc_leave(muc, room);
  return PURPLE_CMD_RET_OK;
}

static PurpleCmdRet
cmd_invite(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *room = xmpp_purple_chat_room_for(conv, &muc);
  if (room == NULL || !xmpp_muc_invite(muc, room, args[0], args[1])) {
    *error = g_strdup(_("Give the address of the person to invite."));
    return PURPLE_CMD_RET_FAILED;
  }
  return PURPLE_CMD_RET_OK;
}

/* /kick nick [reason], /ban nick-or-address [reason] (a nick is looked up for its address). */
static PurpleCmdRet
cmd_moderate(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *room = xmpp_purple_chat_room_for(conv, &muc);
  if (room == NULL)
    return PURPLE_CMD_RET_FAILED;
  gboolean ok;
  if (strcmp(cmd, "kick") == 0) {
    ok = xmpp_muc_set_role(muc, room, args[0], XMPP_MUC_ROLE_NONE, args[1], on_moderated,
                           purple_conversation_get_gc(conv));
  } else {
    XmppMucOccupant o;
    const char *jid = args[0];
    if (xmpp_muc_get_occupant(muc, room, args[0], &o)) {
      if (o.real_jid == NULL) {
        *error = g_strdup(_("The room does not tell this occupant's address: ban by address."));
        return PURPLE_CMD_RET_FAILED;
      }
      jid = xmpp_jid_get_bare(o.real_jid);
    }
    ok = xmpp_muc_set_affiliation(muc, room, jid, XMPP_MUC_AFFILIATION_OUTCAST, args[1],
                                  on_moderated, purple_conversation_get_gc(conv));
  }
  if (!ok)
    *error = g_strdup(_("Not an occupant's nick or an address."));
  return ok ? PURPLE_CMD_RET_OK : PURPLE_CMD_RET_FAILED;
}

/* /role nick role [reason]; /affiliate nick-or-address affiliation [reason] (none: unban). */
static PurpleCmdRet
cmd_grant(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *room = xmpp_purple_chat_room_for(conv, &muc);
  if (room == NULL || args[0] == NULL || args[1] == NULL)
    return PURPLE_CMD_RET_FAILED;
  gboolean ok = FALSE;
  if (strcmp(cmd, "role") == 0) {
    XmppMucRole role = xmpp_muc_role_from_string(args[1]);
    if (role != XMPP_MUC_ROLE_NONE || strcmp(args[1], "none") == 0)
      ok = xmpp_muc_set_role(muc, room, args[0], role, args[2], on_moderated,
                             purple_conversation_get_gc(conv));
    if (!ok)
      *error = g_strdup(_("Roles are moderator, participant, visitor and none."));
  } else {
    XmppMucAffiliation affiliation = xmpp_muc_affiliation_from_string(args[1]);
    XmppMucOccupant o;
    const char *jid = args[0];
    if (xmpp_muc_get_occupant(muc, room, args[0], &o) && o.real_jid != NULL)
      jid = xmpp_jid_get_bare(o.real_jid);
    if (affiliation != XMPP_MUC_AFFILIATION_NONE || strcmp(args[1], "none") == 0)
      ok = xmpp_muc_set_affiliation(muc, room, jid, affiliation, args[2], on_moderated,
                                    purple_conversation_get_gc(conv));
    if (!ok)
      *error = g_strdup(_("Affiliations are owner, admin, member, outcast and none, for an "
                          "address (or an occupant whose address the room tells)."));
  }
  return ok ? PURPLE_CMD_RET_OK : PURPLE_CMD_RET_FAILED;
}

/* /msg nick message: a private message to an occupant. */
static PurpleCmdRet
cmd_msg(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  PurpleConnection *gc = purple_conversation_get_gc(conv);
  if (args[0] == NULL || args[1] == NULL)
    return PURPLE_CMD_RET_FAILED;
  xmpp_purple_chat_whisper(gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)), args[0], args[1]);
  return PURPLE_CMD_RET_OK;
}

/* /join room[@server] [password]: another room, on this room's service unless named. */
static PurpleCmdRet
cmd_join(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *here = xmpp_purple_chat_room_for(conv, &muc);
  if (here == NULL || args[0] == NULL)
    return PURPLE_CMD_RET_FAILED;
  PurpleConnection *gc = purple_conversation_get_gc(conv);
  GHashTable *components = xmpp_purple_chat_info_defaults(gc, args[0]);
  if (strchr(args[0], '@') == NULL)
    g_hash_table_replace(components, "server", g_strdup(strchr(here, '@') + 1));
  if (args[1] != NULL)
    g_hash_table_replace(components, "password", g_strdup(args[1]));
  serv_join_chat(gc, components);
  g_hash_table_destroy(components);
  return PURPLE_CMD_RET_OK;
}

void
xmpp_purple_chat_commands(void)
{
  const PurpleCmdFlag flags = PURPLE_CMD_FLAG_CHAT | PURPLE_CMD_FLAG_PRPL_ONLY;
  const PurpleCmdFlag optional = flags | PURPLE_CMD_FLAG_ALLOW_WRONG_ARGS;
  purple_cmd_register("nick", "s", PURPLE_CMD_P_PRPL, flags, XMPP_PURPLE_PLUGIN_ID, cmd_nick,
                      _("nick &lt;new nickname&gt;: Change your nickname in this room."), NULL);
  purple_cmd_register("topic", "s", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID, cmd_topic,
                      _("topic [new topic]: Show or change the room's topic."), NULL);
  purple_cmd_register("part", "s", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID, cmd_part,
                      _("part: Leave the room."), NULL);
  purple_cmd_register("invite", "ws", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID,
                      cmd_invite, _("invite &lt;address&gt; [message]: Invite someone here."),
                      NULL);
  purple_cmd_register("kick", "ws", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID,
                      cmd_moderate, _("kick &lt;nickname&gt; [reason]: Kick someone out."), NULL);
  purple_cmd_register("ban", "ws", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID, cmd_moderate,
                      _("ban &lt;nickname or address&gt; [reason]: Ban someone from the room."),
                      NULL);
  purple_cmd_register("role", "wws", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID, cmd_grant,
                      _("role &lt;nickname&gt; &lt;moderator|participant|visitor|none&gt; "
                        "[reason]: Change someone's role here."),
                      NULL);
  purple_cmd_register("affiliate", "wws", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID,
                      cmd_grant,
                      _("affiliate &lt;nickname or address&gt; "
                        "&lt;owner|admin|member|outcast|none&gt; [reason]: Change someone's "
                        "affiliation with the room."),
                      NULL);
  purple_cmd_register("msg", "ws", PURPLE_CMD_P_PRPL, flags, XMPP_PURPLE_PLUGIN_ID, cmd_msg,
                      _("msg &lt;nickname&gt; &lt;message&gt;: Send a private message."), NULL);
  purple_cmd_register("join", "ws", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID, cmd_join,
                      _("join &lt;room[@server]&gt; [password]: Join another room."), NULL);
}
