/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppStanza: addressing of a received stanza parsed once, and builders for IQs. */
#include "router/stanza.h"

#include <string.h>

#include "router/namespaces.h"

enum { ADDRESS_FROM, ADDRESS_TO };
static const char *const address_attrs[] = {"from", "to"};

static XmppJid *
parse_address(const XmppNode *node, guint which, XmppAddressCache *cache, gboolean *invalid)
{
  const char *value = xmpp_node_get_attr(node, address_attrs[which]);
  *invalid = FALSE;
  if (value == NULL)
    return NULL;
  if (cache != NULL && cache->text[which] != NULL && strcmp(cache->text[which], value) == 0)
    return xmpp_jid_copy(cache->jid[which]);
  XmppJid *jid = xmpp_jid_parse(value, NULL);
  *invalid = (jid == NULL);
  if (jid != NULL && cache != NULL) {
    g_free(cache->text[which]);
    xmpp_jid_free(cache->jid[which]);
    cache->text[which] = g_strdup(value);
    cache->jid[which] = xmpp_jid_copy(jid);
  }
  return jid;
}

void
xmpp_address_cache_clear(XmppAddressCache *cache)
{
  for (guint i = 0; i < G_N_ELEMENTS(cache->text); i++) {
    g_clear_pointer(&cache->text[i], g_free);
    g_clear_pointer(&cache->jid[i], xmpp_jid_free);
  }
}

XmppStanza *
xmpp_stanza_new(XmppNode *node)
{
  return xmpp_stanza_new_cached(node, NULL);
}

XmppStanza *
xmpp_stanza_new_cached(XmppNode *node, XmppAddressCache *cache)
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
    stanza->from = parse_address(node, ADDRESS_FROM, cache, &stanza->from_invalid);
    stanza->to = parse_address(node, ADDRESS_TO, cache, &stanza->to_invalid);
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
