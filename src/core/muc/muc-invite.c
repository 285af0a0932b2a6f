/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMucInvite: room invitations, mediated (XEP-0045 §7.8.2) and direct (XEP-0249). */
#include "muc/muc-invite.h"

#include <string.h>

#include "muc/muc-user.h"

#define MAX_TEXT 1024 /* bytes of a reason or password kept */

static char *
dup_text(const char *text)
{
  if (text == NULL || *text == '\0' || strlen(text) > MAX_TEXT)
    return NULL;
  return g_utf8_validate(text, -1, NULL) ? g_strdup(text) : NULL;
}

static XmppMucInvite *
parse_mediated(const XmppStanza *message)
{
  XmppNode *x = xmpp_node_get_child(message->node, XMPP_NS_MUC_USER, "x");
  XmppNode *invite = x != NULL ? xmpp_node_get_child(x, XMPP_NS_MUC_USER, "invite") : NULL;
  if (invite == NULL || message->from == NULL || xmpp_jid_get_resource(message->from) != NULL ||
      xmpp_jid_get_local(message->from) == NULL)
    return NULL;
  XmppMucInvite *inv = g_new0(XmppMucInvite, 1);
  inv->room = g_strdup(xmpp_jid_get_bare(message->from));
  const char *from = xmpp_node_get_attr(invite, "from");
  g_autoptr(XmppJid) inviter = from != NULL ? xmpp_jid_parse(from, NULL) : NULL;
  inv->inviter = inviter != NULL ? g_strdup(xmpp_jid_get_full(inviter)) : NULL;
  g_autofree char *reason = xmpp_node_dup_child_text(invite, XMPP_NS_MUC_USER, "reason");
  inv->reason = dup_text(reason);
  g_autofree char *password = xmpp_node_dup_child_text(x, XMPP_NS_MUC_USER, "password");
  inv->password = dup_text(password);
  return inv;
}

static XmppMucInvite *
parse_direct(const XmppStanza *message)
{
  XmppNode *x = xmpp_node_get_child(message->node, XMPP_NS_CONFERENCE, "x");
  g_autofree char *room = x != NULL ? xmpp_muc_room_jid(xmpp_node_get_attr(x, "jid")) : NULL;
  if (room == NULL || message->from == NULL)
    return NULL;
  XmppMucInvite *inv = g_new0(XmppMucInvite, 1);
  inv->room = g_steal_pointer(&room);
  inv->inviter = g_strdup(xmpp_jid_get_full(message->from));
  inv->reason = dup_text(xmpp_node_get_attr(x, "reason"));
  inv->password = dup_text(xmpp_node_get_attr(x, "password"));
  inv->direct = TRUE;
  return inv;
}

XmppMucInvite *
xmpp_muc_invite_parse(const XmppStanza *message)
{
  g_return_val_if_fail(message != NULL, NULL);
  if (message->kind != XMPP_STANZA_MESSAGE || g_strcmp0(message->type, "error") == 0)
    return NULL;
  XmppMucInvite *inv = parse_mediated(message);
  return inv != NULL ? inv : parse_direct(message);
}

void
xmpp_muc_invite_free(XmppMucInvite *invite)
{
  if (invite == NULL)
    return;
  g_free(invite->room);
  g_free(invite->inviter);
  g_free(invite->reason);
  g_free(invite->password);
  g_free(invite);
}

XmppNode *
xmpp_muc_invite_build_mediated(const char *room, const char *who, const char *reason)
{
  XmppNode *m = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_set_attr(m, "to", room);
  XmppNode *x = xmpp_node_new_child(m, XMPP_NS_MUC_USER, "x");
  XmppNode *invite = xmpp_node_new_child(x, XMPP_NS_MUC_USER, "invite");
  xmpp_node_set_attr(invite, "to", who);
  if (reason != NULL && *reason != '\0')
    xmpp_node_new_text_child(invite, XMPP_NS_MUC_USER, "reason", reason);
  return m;
}

XmppNode *
xmpp_muc_invite_build_direct(const char *room, const char *who, const char *reason,
                             const char *password)
{
  XmppNode *m = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_set_attr(m, "to", who);
  XmppNode *x = xmpp_node_new_child(m, XMPP_NS_CONFERENCE, "x");
  xmpp_node_set_attr(x, "jid", room);
  if (reason != NULL && *reason != '\0')
    xmpp_node_set_attr(x, "reason", reason);
  if (password != NULL && *password != '\0')
    xmpp_node_set_attr(x, "password", password);
  return m;
}
