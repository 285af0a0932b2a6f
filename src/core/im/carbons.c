/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCarbons: XEP-0280. The wrapper's from is checked before anything inside is looked at:
 * that one comparison is what the 2017 carbon CVEs got wrong (catalogue T36, T37). */
#include "im/carbons.h"

#include "router/stanza-error.h"

struct _XmppCarbons {
  XmppRouter *router;
  const XmppHost *host;
  XmppMessages *messages;
  guint handlers[2];
  gboolean requested;
  gboolean enabled;
};

/* A carbon comes from our own bare JID, written out: not our server, not another of our
 * resources, not an absent from (XEP-0280 §11). */
static gboolean
from_own_bare(const XmppStanza *stanza, const XmppJid *own)
{
  return stanza->from != NULL && own != NULL && xmpp_jid_get_resource(stanza->from) == NULL &&
         xmpp_jid_equal(stanza->from, own, XMPP_JID_MATCH_BARE);
}

XmppCarbonCheck
xmpp_carbons_unwrap(const XmppStanza *stanza, const XmppJid *own, const XmppNode **inner,
                    XmppMessageRoute *route)
{
  g_return_val_if_fail(stanza != NULL && inner != NULL && route != NULL, XMPP_CARBON_MALFORMED);
  *inner = NULL;
  if (!from_own_bare(stanza, own))
    return XMPP_CARBON_NOT_FROM_ACCOUNT;
  XmppNode *wrapper = xmpp_node_get_child(stanza->node, XMPP_NS_CARBONS, "received");
  XmppMessageRoute r = XMPP_MESSAGE_CARBON_RECEIVED;
  XmppNode *sent = xmpp_node_get_child(stanza->node, XMPP_NS_CARBONS, "sent");
  if (sent != NULL) {
    if (wrapper != NULL)
      return XMPP_CARBON_MALFORMED; /* both: which one is it? */
    wrapper = sent;
    r = XMPP_MESSAGE_CARBON_SENT;
  }
  if (wrapper == NULL)
    return XMPP_CARBON_MALFORMED;
  XmppNode *fwd = xmpp_node_get_child(wrapper, XMPP_NS_FORWARD, "forwarded");
  XmppNode *message =
      fwd != NULL ? xmpp_node_get_child(fwd, XMPP_NS_JABBER_CLIENT, "message") : NULL;
  if (message == NULL ||
      xmpp_node_next_child(fwd, message, XMPP_NS_JABBER_CLIENT, "message") != NULL)
    return XMPP_CARBON_MALFORMED;
  if (r == XMPP_MESSAGE_CARBON_SENT) {
    /* What we sent is from us: a <sent/> copy of someone else's message is not ours to show
     * as ours (an absent from is our account's, RFC 6120 §8.1.2.1). */
    const char *from = xmpp_node_get_attr(message, "from");
    g_autoptr(XmppJid) sender = from != NULL ? xmpp_jid_parse(from, NULL) : NULL;
    if (from != NULL && (sender == NULL || !xmpp_jid_equal(sender, own, XMPP_JID_MATCH_BARE)))
      return XMPP_CARBON_SENT_BY_OTHER;
  }
  *inner = message;
  *route = r;
  return XMPP_CARBON_OK;
}

static const char *const check_names[] = {"ok", "not from our account", "malformed",
                                          "sent by someone else"};

static XmppHandlerResult
on_carbon(XmppStanza *stanza, gpointer data)
{
  XmppCarbons *c = data;
  const XmppNode *inner = NULL;
  XmppMessageRoute route = XMPP_MESSAGE_DIRECT;
  XmppCarbonCheck check =
      xmpp_carbons_unwrap(stanza, xmpp_router_get_own_jid(c->router), &inner, &route);
  if (check != XMPP_CARBON_OK) {
    /* Consumed all the same: a forged carbon must not reach the chat owner either. */
    xmpp_host_log(c->host, XMPP_LOG_WARNING, "dropping a carbon from %s: %s",
                  stanza->from != NULL ? xmpp_jid_get_full(stanza->from) : "(no from)",
                  check_names[check]);
    return XMPP_HANDLER_CONSUMED;
  }
  g_autoptr(XmppStanza) message = xmpp_stanza_new(xmpp_node_copy(inner));
  xmpp_messages_apply(c->messages, message, route);
  return XMPP_HANDLER_CONSUMED;
}

XmppCarbons *
xmpp_carbons_new(XmppRouter *router, const XmppHost *host, XmppMessages *messages)
{
  XmppCarbons *c = g_new0(XmppCarbons, 1);
  c->router = router;
  c->host = host;
  c->messages = messages;
  c->handlers[0] = xmpp_router_add_owner(router, XMPP_STANZA_MESSAGE, XMPP_NS_CARBONS, "received",
                                         on_carbon, c, NULL);
  c->handlers[1] = xmpp_router_add_owner(router, XMPP_STANZA_MESSAGE, XMPP_NS_CARBONS, "sent",
                                         on_carbon, c, NULL);
  return c;
}

void
xmpp_carbons_free(XmppCarbons *c)
{
  if (c == NULL)
    return;
  xmpp_router_cancel_owner(c->router, c);
  for (guint i = 0; i < G_N_ELEMENTS(c->handlers); i++)
    xmpp_router_remove_handler(c->router, c->handlers[i]);
  g_free(c);
}

static void
on_enabled(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppCarbons *c = data;
  if (xmpp_iq_error_is_ended(error))
    return;
  c->enabled = error == NULL;
  if (error != NULL)
    xmpp_host_log(c->host, XMPP_LOG_WARNING, "carbons: the server refused to enable them: %s",
                  error->message);
  else
    xmpp_host_log(c->host, XMPP_LOG_INFO, "carbons: enabled");
}

void
xmpp_carbons_enable(XmppCarbons *c)
{
  g_return_if_fail(c != NULL);
  if (c->requested)
    return;
  c->requested = TRUE;
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  xmpp_node_new_child(iq, XMPP_NS_CARBONS, "enable");
  xmpp_router_send_iq(c->router, c, iq, 0, on_enabled, c, NULL);
}

void
xmpp_carbons_reset(XmppCarbons *c)
{
  g_return_if_fail(c != NULL);
  xmpp_router_cancel_owner(c->router, c);
  c->requested = c->enabled = FALSE;
}

gboolean
xmpp_carbons_is_enabled(const XmppCarbons *c)
{
  return c != NULL && c->enabled;
}
