/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The room window's commands: /nick /topic /part /invite /kick /ban (as prpl-jabber's). */
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
}
