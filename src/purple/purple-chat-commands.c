/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The room window's commands, as prpl-jabber's: /nick /topic /part /invite /kick /ban /role
 * /affiliate /msg /join /config /register /ping. */
#include "purple-chat.h"
#include "purple-errors.h"
#include "purple-i18n.h"
#include "purple-xdata.h"

#include <string.h>

#include "jid/jid.h"
#include "services/version.h"

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
  if (room == NULL ||
      !xmpp_purple_chat_invite_to(purple_conversation_get_gc(conv), room, args[0], args[1])) {
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

/* ---- /config and /register: the room's forms ---------------------------------------------- */

typedef struct {
  PurpleConnection *gc;
  char *room;
  XmppMucForm which;
} FormRequest;

static void
form_request_free(gpointer data)
{
  FormRequest *fr = data;
  g_free(fr->room);
  g_free(fr);
}

static void
say(PurpleConnection *gc, const char *room, const char *text)
{
  PurpleConvChat *chat = xmpp_purple_chat_window(gc, room);
  if (chat != NULL)
    xmpp_purple_chat_write_system(chat, text);
}

static void
on_form_done(gpointer data, const char *room, const GError *error)
{
  FormRequest *fr = data;
  if (error == NULL || !xmpp_iq_error_is_ended(error)) {
    char *why =
        error != NULL ? xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST) : NULL;
    char *text = why != NULL ? g_strdup_printf(_("The room refused: %s"), why)
                 : fr->which == XMPP_MUC_FORM_CONFIG
                     ? g_strdup(_("The room's configuration was saved."))
                     : g_strdup(_("You are registered with the room."));
    say(fr->gc, room, text);
    g_free(text);
    g_free(why);
  }
  form_request_free(fr);
}

static void
form_answered(XmppXdataForm *filled, int action, gpointer data)
{
  FormRequest *fr = data;
  XmppPurpleConn *conn = xmpp_purple_connection_get(fr->gc);
  XmppMuc *muc = conn != NULL && conn->session != NULL ? xmpp_session_get_muc(conn->session) : NULL;
  /* A cancelled registration needs no word to the room; a cancelled configuration does (a new
   * room waits for it). */
  if (muc != NULL && (filled != NULL || fr->which == XMPP_MUC_FORM_CONFIG)) {
    FormRequest *copy = g_new0(FormRequest, 1);
    *copy = (FormRequest){fr->gc, g_strdup(fr->room), fr->which};
    if (!xmpp_muc_submit_form(muc, fr->room, fr->which, filled, on_form_done, copy))
      form_request_free(copy);
  }
  xmpp_xdata_form_free(filled);
}

static void
on_form(gpointer data, const char *room, XmppXdataForm *form, const GError *error)
{
  FormRequest *fr = data;
  if (error != NULL && xmpp_iq_error_is_ended(error)) {
    form_request_free(fr);
    return;
  }
  gpointer handle;
  GQueue *open = xmpp_purple_chat_forms(fr->gc, &handle);
  if (form == NULL || open == NULL) {
    char *why = xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST);
    char *text = g_strdup_printf(_("The room refused: %s"), why);
    say(fr->gc, room, text);
    g_free(text);
    g_free(why);
    form_request_free(fr);
    return;
  }
  char *primary = g_strdup_printf(
      fr->which == XMPP_MUC_FORM_CONFIG ? _("Configure %s") : _("Register with %s"), room);
  xmpp_purple_xdata_request(handle, open, purple_connection_get_account(fr->gc),
                            fr->which == XMPP_MUC_FORM_CONFIG ? _("Room Configuration")
                                                              : _("Room Registration"),
                            primary, form, NULL, 0, form_answered, fr, form_request_free);
  g_free(primary);
}

static PurpleCmdRet
cmd_form(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *room = xmpp_purple_chat_room_for(conv, &muc);
  if (room == NULL)
    return PURPLE_CMD_RET_FAILED;
  FormRequest *fr = g_new0(FormRequest, 1);
  fr->gc = purple_conversation_get_gc(conv);
  fr->room = g_strdup(room);
  fr->which = strcmp(cmd, "config") == 0 ? XMPP_MUC_FORM_CONFIG : XMPP_MUC_FORM_REGISTER;
  if (!xmpp_muc_request_form(muc, room, fr->which, on_form, fr)) {
    form_request_free(fr);
    *error = g_strdup(_("Not in this room."));
    return PURPLE_CMD_RET_FAILED;
  }
  return PURPLE_CMD_RET_OK;
}

/* ---- /ping [nick] ------------------------------------------------------------------------- */

typedef struct {
  PurpleConnection *gc;
  char *room;
  char *target; /* the occupant JID pinged */
} PingRequest;

static void
ping_request_free(gpointer data)
{
  PingRequest *p = data;
  g_free(p->room);
  g_free(p->target);
  g_free(p);
}

static void
on_ping(gint64 rtt_us, const GError *error, gpointer data)
{
  PingRequest *p = data;
  if (error != NULL && xmpp_iq_error_is_ended(error))
    return;
  char *text;
  if (error == NULL) {
    text = g_strdup_printf(_("Ping reply from %s in %.3f s."), p->target,
                           (double)rtt_us / G_USEC_PER_SEC);
  } else {
    char *why = xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST);
    text = g_strdup_printf(_("Ping to %s failed: %s"), p->target, why);
    g_free(why);
  }
  char *escaped = g_markup_escape_text(text, -1);
  say(p->gc, p->room, escaped);
  g_free(escaped);
  g_free(text);
}

/* /ping [nickname]: an occupant (a client answers for itself), or without one our own occupant
 * JID: the room answers whether we are still in (XEP-0410). */
static PurpleCmdRet
cmd_ping(PurpleConversation *conv, const char *cmd, char **args, char **error, void *data)
{
  XmppMuc *muc;
  const char *room = xmpp_purple_chat_room_for(conv, &muc);
  const char *nick = args[0] != NULL && *args[0] != '\0' ? args[0] : NULL;
  XmppPurpleConn *conn = xmpp_purple_connection_get(purple_conversation_get_gc(conv));
  if (room == NULL || conn == NULL || xmpp_muc_get_nick(muc, room) == NULL)
    return PURPLE_CMD_RET_FAILED;
  if (nick != NULL && !xmpp_muc_get_occupant(muc, room, nick, &(XmppMucOccupant){0})) {
    *error = g_strdup(_("No one here has that nickname."));
    return PURPLE_CMD_RET_FAILED;
  }
  PingRequest *p = g_new0(PingRequest, 1);
  p->gc = conn->gc;
  p->room = g_strdup(room);
  p->target = g_strdup_printf("%s/%s", room, nick != NULL ? nick : xmpp_muc_get_nick(muc, room));
  xmpp_entity_info_ping(xmpp_session_get_entity_info(conn->session), p->target, on_ping, p,
                        ping_request_free);
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
  purple_cmd_register("config", "", PURPLE_CMD_P_PRPL, flags, XMPP_PURPLE_PLUGIN_ID, cmd_form,
                      _("config: Configure the room (its owners)."), NULL);
  purple_cmd_register("register", "", PURPLE_CMD_P_PRPL, flags, XMPP_PURPLE_PLUGIN_ID, cmd_form,
                      _("register: Register with the room (become a member)."), NULL);
  purple_cmd_register("ping", "w", PURPLE_CMD_P_PRPL, optional, XMPP_PURPLE_PLUGIN_ID, cmd_ping,
                      _("ping [nickname]: Ping an occupant, or check that you are still in "
                        "the room."),
                      NULL);
}
