/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Our own presence: the status types offered to the user and the <presence/> we send for
 * them (RFC 6121 §4.2 initial presence, §4.7 show/status/priority). */
#include "purple-glue.h"
#include "purple-i18n.h"

#include "xml/parser.h" /* XMPP_NS_CLIENT */

/* Status ids are prpl-jabber's, so saved statuses of a migrated account still apply. */
#define STATUS_AVAILABLE "available"
#define STATUS_CHAT      "freeforchat"
#define STATUS_AWAY      "away"
#define STATUS_XA        "extended_away"
#define STATUS_DND       "dnd"
#define STATUS_INVISIBLE "invisible"
#define STATUS_OFFLINE   "offline"

#define PRIORITY_MIN (-128) /* RFC 6121 §4.7.2.3: a signed byte */
#define PRIORITY_MAX 127

static PurpleStatusType *
status_type_new(PurpleStatusPrimitive primitive, const char *id, const char *name,
                int default_priority)
{
  PurpleValue *priority = purple_value_new(PURPLE_TYPE_INT);
  purple_value_set_int(priority, default_priority);
  return purple_status_type_new_with_attrs(primitive, id, name, TRUE, TRUE, FALSE, "priority",
                                           _("Priority"), priority, "message", _("Message"),
                                           purple_value_new(PURPLE_TYPE_STRING), NULL);
}

GList *
xmpp_purple_presence_status_types(PurpleAccount *account)
{
  GList *types = NULL;
  /* Same default priorities as prpl-jabber: 1 when available, 0 when away. */
  types = g_list_append(types, status_type_new(PURPLE_STATUS_AVAILABLE, STATUS_AVAILABLE, NULL, 1));
  types =
      g_list_append(types, status_type_new(PURPLE_STATUS_AVAILABLE, STATUS_CHAT, _("Chatty"), 1));
  types = g_list_append(types, status_type_new(PURPLE_STATUS_AWAY, STATUS_AWAY, NULL, 0));
  types = g_list_append(types, status_type_new(PURPLE_STATUS_EXTENDED_AWAY, STATUS_XA, NULL, 0));
  types = g_list_append(
      types, status_type_new(PURPLE_STATUS_UNAVAILABLE, STATUS_DND, _("Do Not Disturb"), 0));
  types = g_list_append(types, status_type_new(PURPLE_STATUS_INVISIBLE, STATUS_INVISIBLE, NULL, 0));
  types = g_list_append(
      types, purple_status_type_new_with_attrs(PURPLE_STATUS_OFFLINE, STATUS_OFFLINE, NULL, TRUE,
                                               TRUE, FALSE, "message", _("Message"),
                                               purple_value_new(PURPLE_TYPE_STRING), NULL));
  return types;
}

XmppNode *
xmpp_purple_presence_build(const char *status_id, const char *message, int priority)
{
  XmppNode *presence = xmpp_node_new(XMPP_NS_CLIENT, "presence");

  /* Invisibility proper (XEP-0186) comes with the presence work. Until then the conservative
   * choice: tell the server we are unavailable, so nobody sees us online, and keep the
   * connection (RFC 6121 §4.5.1). */
  if (g_strcmp0(status_id, STATUS_INVISIBLE) == 0) {
    xmpp_node_set_attr(presence, "type", "unavailable");
    return presence;
  }

  const char *show = NULL; /* RFC 6121 §4.7.2.1; no <show/> means available */
  if (g_strcmp0(status_id, STATUS_CHAT) == 0)
    show = "chat";
  else if (g_strcmp0(status_id, STATUS_AWAY) == 0)
    show = "away";
  else if (g_strcmp0(status_id, STATUS_XA) == 0)
    show = "xa";
  else if (g_strcmp0(status_id, STATUS_DND) == 0)
    show = "dnd";
  if (show != NULL)
    xmpp_node_new_text_child(presence, NULL, "show", show);

  if (message != NULL && *message != '\0') {
    /* Purple status messages are HTML-ish markup; <status/> is plain text (§4.7.2.2). */
    char *plain = purple_markup_strip_html(message);
    if (plain != NULL && *g_strstrip(plain) != '\0')
      xmpp_node_new_text_child(presence, NULL, "status", plain);
    g_free(plain);
  }

  char prio[8];
  g_snprintf(prio, sizeof prio, "%d", CLAMP(priority, PRIORITY_MIN, PRIORITY_MAX));
  xmpp_node_new_text_child(presence, NULL, "priority", prio);
  return presence;
}

static void
send_status(XmppPurpleConn *conn, PurpleStatus *status)
{
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session))
    return;
  PurpleStatusType *type = purple_status_get_type(status);
  if (purple_status_type_get_primitive(type) == PURPLE_STATUS_OFFLINE)
    return; /* libpurple disconnects the account itself */
  XmppNode *presence = xmpp_purple_presence_build(purple_status_get_id(status),
                                                  purple_status_get_attr_string(status, "message"),
                                                  purple_status_get_attr_int(status, "priority"));
  xmpp_session_send(conn->session, presence);
  xmpp_node_free(presence);
}

void
xmpp_purple_presence_send_current(XmppPurpleConn *conn)
{
  send_status(conn, purple_account_get_active_status(conn->account));
}

void
xmpp_purple_presence_set_status(PurpleAccount *account, PurpleStatus *status)
{
  if (!purple_status_is_active(status))
    return;
  PurpleConnection *gc = purple_account_get_connection(account);
  if (gc == NULL)
    return;
  send_status(xmpp_purple_connection_get(gc), status);
}

void
xmpp_purple_presence_register(PurplePluginProtocolInfo *info)
{
}

void
xmpp_purple_presence_start(XmppPurpleConn *conn)
{
}

void
xmpp_purple_presence_stop(XmppPurpleConn *conn)
{
}
