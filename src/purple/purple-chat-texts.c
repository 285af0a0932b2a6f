/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the rooms' events say to the user, as whole sentences for translators: why a join
 * failed, why someone left, what changed about a room. Pure (purple-chat.h). */
#include "purple-chat.h"
#include "purple-i18n.h"

const char *
xmpp_purple_chat_join_error_text(const GError *error)
{
  if (error->domain != XMPP_STANZA_ERROR)
    return NULL;
  switch (error->code) {
    case XMPP_STANZA_ERROR_NOT_AUTHORIZED:
      return _("This room needs a password, and the one given (if any) is wrong.");
    case XMPP_STANZA_ERROR_REGISTRATION_REQUIRED:
      return _("Only members may join this room.");
    case XMPP_STANZA_ERROR_FORBIDDEN:
      return _("You are banned from this room.");
    case XMPP_STANZA_ERROR_CONFLICT:
      return _("Someone in this room already uses that nickname: choose another.");
    case XMPP_STANZA_ERROR_ITEM_NOT_FOUND:
      return _("This room does not exist, and the service does not let you create it.");
    case XMPP_STANZA_ERROR_NOT_ALLOWED:
      return _("The service does not let you create rooms.");
    case XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE:
      return _("The room is full, or the service is not available.");
    default:
      return NULL;
  }
}

char *
xmpp_purple_chat_removal_text(const char *who, const XmppMucUser *why)
{
  if (why == NULL)
    return NULL;
  if (why->destroyed)
    return why->destroy_reason != NULL
               ? g_strdup_printf(_("The room was destroyed: %s"), why->destroy_reason)
               : g_strdup(_("The room was destroyed."));
  /* Whole sentences, with or without who did it and why, for translators. */
  const char *actor = why->actor_nick, *reason = why->reason;
  if (why->status & XMPP_MUC_STATUS_BANNED) {
    if (actor != NULL && reason != NULL)
      return g_strdup_printf(_("%s was banned by %s: %s"), who, actor, reason);
    if (actor != NULL)
      return g_strdup_printf(_("%s was banned by %s"), who, actor);
    return reason != NULL ? g_strdup_printf(_("%s was banned: %s"), who, reason)
                          : g_strdup_printf(_("%s was banned"), who);
  }
  if (why->status & XMPP_MUC_STATUS_KICKED) {
    if (actor != NULL && reason != NULL)
      return g_strdup_printf(_("%s was kicked by %s: %s"), who, actor, reason);
    if (actor != NULL)
      return g_strdup_printf(_("%s was kicked by %s"), who, actor);
    return reason != NULL ? g_strdup_printf(_("%s was kicked: %s"), who, reason)
                          : g_strdup_printf(_("%s was kicked"), who);
  }
  if (why->status & (XMPP_MUC_STATUS_REMOVED_AFFILIATION | XMPP_MUC_STATUS_REMOVED_MEMBERS_ONLY))
    return g_strdup_printf(_("%s was removed: the room is for members only"), who);
  if (why->status & XMPP_MUC_STATUS_SHUTDOWN)
    return g_strdup_printf(_("%s was removed: the service is shutting down"), who);
  if (why->status & XMPP_MUC_STATUS_REMOVED_ERROR)
    return g_strdup_printf(_("%s was removed after an error"), who);
  return NULL;
}

GStrv
xmpp_purple_chat_room_change_lines(guint status)
{
  static const struct {
    guint bit;
    const char *text;
  } lines[] = {
      {XMPP_MUC_STATUS_CREATED,
       N_("You created this room. It is open to others with the service's default settings.")},
      {XMPP_MUC_STATUS_CONFIG_CHANGED, N_("The room's configuration changed.")},
      {XMPP_MUC_STATUS_LOGGED, N_("This room is now logged.")},
      {XMPP_MUC_STATUS_NOT_LOGGED, N_("This room is no longer logged.")},
      {XMPP_MUC_STATUS_NOW_NON_ANONYMOUS,
       N_("This room now shows everyone's address to everyone.")},
      {XMPP_MUC_STATUS_NOW_SEMI_ANONYMOUS,
       N_("This room now shows everyone's address to its moderators only.")},
      {XMPP_MUC_STATUS_NOW_ANONYMOUS, N_("This room now shows nobody's address.")},
  };
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; i < G_N_ELEMENTS(lines); i++)
    if (status & lines[i].bit)
      g_ptr_array_add(out, g_strdup(_(lines[i].text)));
  g_ptr_array_add(out, NULL);
  return (GStrv)g_ptr_array_free(out, FALSE);
}
