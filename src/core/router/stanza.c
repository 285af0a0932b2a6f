/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppStanza: addressing of a received stanza parsed once, and builders for IQs. */
#include "router/stanza.h"

#include "router/namespaces.h"

static XmppJid *
parse_address(const XmppNode *node, const char *attr, gboolean *invalid)
{
  const char *value = xmpp_node_get_attr(node, attr);
  *invalid = FALSE;
  if (value == NULL)
    return NULL;
  XmppJid *jid = xmpp_jid_parse(value, NULL);
  *invalid = (jid == NULL);
  return jid;
}

XmppStanza *
xmpp_stanza_new(XmppNode *node)
{
  g_return_val_if_fail(node != NULL, NULL);
  XmppStanza *stanza = g_new0(XmppStanza, 1);
  stanza->node = node;
  stanza->kind = XMPP_STANZA_OTHER;
  if (node->name != NULL && g_strcmp0(node->ns, XMPP_NS_JABBER_CLIENT) == 0) {
    if (strcmp(node->name, "message") == 0)
      stanza->kind = XMPP_STANZA_MESSAGE;
    else if (strcmp(node->name, "presence") == 0)
      stanza->kind = XMPP_STANZA_PRESENCE;
    else if (strcmp(node->name, "iq") == 0)
      stanza->kind = XMPP_STANZA_IQ;
  }
  if (stanza->kind != XMPP_STANZA_OTHER) {
    stanza->from = parse_address(node, "from", &stanza->from_invalid);
    stanza->to = parse_address(node, "to", &stanza->to_invalid);
  }
  stanza->id = xmpp_node_get_attr(node, "id");
  stanza->type = xmpp_node_get_attr(node, "type");
  return stanza;
}

void
xmpp_stanza_free(XmppStanza *stanza)
{
  if (stanza == NULL)
    return;
  xmpp_jid_free(stanza->from);
  xmpp_jid_free(stanza->to);
  xmpp_node_free(stanza->node);
  g_free(stanza);
}

XmppNode *
xmpp_stanza_get_payload(const XmppStanza *stanza)
{
  g_return_val_if_fail(stanza != NULL, NULL);
  return xmpp_node_first_element(stanza->node);
}

XmppNode *
xmpp_stanza_new_iq(const char *type, const char *to, const char *id)
{
  XmppNode *iq = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "iq");
  xmpp_node_set_attr(iq, "type", type);
  if (to != NULL)
    xmpp_node_set_attr(iq, "to", to);
  if (id != NULL)
    xmpp_node_set_attr(iq, "id", id);
  return iq;
}

XmppNode *
xmpp_stanza_new_iq_result(const XmppStanza *request)
{
  g_return_val_if_fail(request != NULL, NULL);
  /* Reply to the address as the server gave it to us: it is what the sender expects. */
  return xmpp_stanza_new_iq("result", xmpp_node_get_attr(request->node, "from"), request->id);
}
