/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppExtras: XEP-0224 attention (buzz), and the PEP personal data of XEP-0107/0172/0118. */
#include "services/attention.h"

#include <string.h>
#include "services/namespaces.h"

struct _XmppExtras {
  XmppRouter *router;
  const XmppHost *host;
  XmppPep *pep;
  XmppExtrasEvents events;
  gpointer events_data;
  guint attention_handler;
};

XmppNode *
xmpp_attention_build(const char *to)
{
  XmppNode *message = xmpp_node_new("jabber:client", "message");
  xmpp_node_set_attr(message, "to", to);
  /* §2: type 'headline' so that servers do not store it offline. */
  xmpp_node_set_attr(message, "type", "headline");
  xmpp_node_new_child(message, XMPP_NS_ATTENTION, "attention");
  return message;
}

gboolean
xmpp_attention_is_request(const XmppNode *message)
{
  if (message == NULL || !xmpp_node_is(message, "jabber:client", "message"))
    return FALSE;
  if (g_strcmp0(xmpp_node_get_attr(message, "type"), "error") == 0)
    return FALSE;
  if (xmpp_node_get_child(message, XMPP_NS_DELAY, "delay") != NULL)
    return FALSE;
  return xmpp_node_get_child(message, XMPP_NS_ATTENTION, "attention") != NULL;
}

/* An observer: a buzz with a body is also a chat message, which its owner (message.c) shows. */
static void
on_attention(const XmppStanza *stanza, gpointer user_data)
{
  XmppExtras *self = user_data;
  if (stanza->from == NULL || !xmpp_attention_is_request(stanza->node))
    return;
  if (self->events.attention != NULL)
    self->events.attention(self->events_data, stanza->from);
}

void
xmpp_extras_handle_pep(XmppExtras *self, const XmppJid *from, const char *node,
                       const XmppNode *items)
{
  g_return_if_fail(self != NULL);
  if (from == NULL || node == NULL)
    return;
  const char *bare = xmpp_jid_get_bare(from);
  gboolean retracted = FALSE;
  if (strcmp(node, XMPP_NS_MOOD) == 0) {
    const XmppNode *el = xmpp_mood_items_payload(items, XMPP_NS_MOOD, "mood", &retracted);
    g_autoptr(XmppMood) mood = xmpp_mood_parse(el);
    if (mood == NULL && !retracted)
      return;
    if (mood == NULL)
      mood = g_new0(XmppMood, 1);
    if (self->events.mood != NULL)
      self->events.mood(self->events_data, bare, mood);
  } else if (strcmp(node, XMPP_NS_NICK) == 0) {
    const XmppNode *el = xmpp_mood_items_payload(items, XMPP_NS_NICK, "nick", &retracted);
    if (el == NULL && !retracted)
      return;
    g_autofree char *nick = xmpp_nick_parse(el);
    if (self->events.nick != NULL)
      self->events.nick(self->events_data, bare, nick);
  } else if (strcmp(node, XMPP_NS_TUNE) == 0) {
    const XmppNode *el = xmpp_mood_items_payload(items, XMPP_NS_TUNE, "tune", &retracted);
    g_autoptr(XmppTune) tune = xmpp_tune_parse(el);
    if (tune == NULL && !retracted)
      return;
    if (self->events.tune != NULL)
      self->events.tune(self->events_data, bare, xmpp_tune_is_empty(tune) ? NULL : tune);
  }
}

static void
on_pep(const XmppJid *from, const char *node, const XmppNode *items, gpointer user_data)
{
  xmpp_extras_handle_pep(user_data, from, node, items);
}

XmppExtras *
xmpp_extras_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPep *pep)
{
  XmppExtras *self = g_new0(XmppExtras, 1);
  self->router = router;
  self->host = host;
  self->pep = pep;
  self->attention_handler = xmpp_router_add_observer(router, XMPP_STANZA_MESSAGE, XMPP_NS_ATTENTION,
                                                     "attention", on_attention, self, NULL);
  if (disco != NULL)
    xmpp_disco_add_feature(disco, XMPP_NS_ATTENTION);
  /* XEP-0163 §4: interest in a node (+notify in our caps) is how we receive its items. */
  if (pep != NULL) {
    xmpp_pep_add_handler(pep, XMPP_NS_MOOD, on_pep, self);
    xmpp_pep_add_handler(pep, XMPP_NS_NICK, on_pep, self);
    xmpp_pep_add_handler(pep, XMPP_NS_TUNE, on_pep, self);
  }
  return self;
}

void
xmpp_extras_free(XmppExtras *self)
{
  if (self == NULL)
    return;
  xmpp_router_remove_handler(self->router, self->attention_handler);
  g_free(self);
}

void
xmpp_extras_set_events(XmppExtras *self, const XmppExtrasEvents *events, gpointer data)
{
  g_return_if_fail(self != NULL);
  if (events != NULL)
    self->events = *events;
  else
    memset(&self->events, 0, sizeof self->events);
  self->events_data = data;
}

gboolean
xmpp_extras_send_attention(XmppExtras *self, const char *to)
{
  g_return_val_if_fail(self != NULL, FALSE);
  g_autofree char *norm = to != NULL ? xmpp_jid_normalize(to) : NULL;
  if (norm == NULL)
    return FALSE;
  g_autoptr(XmppNode) message = xmpp_attention_build(norm);
  xmpp_router_send(self->router, message);
  return TRUE;
}

gboolean
xmpp_extras_publish_mood(XmppExtras *self, const char *name, const char *text)
{
  g_return_val_if_fail(self != NULL, FALSE);
  if (name != NULL && *name != '\0' && !xmpp_mood_is_valid(name))
    return FALSE;
  if (self->pep == NULL)
    return TRUE; /* no PEP service (tests): nothing to publish to */
  XmppNode *item = xmpp_mood_item_new(xmpp_mood_build(name, text));
  xmpp_pep_publish(self->pep, XMPP_NS_MOOD, item, "presence", NULL, NULL, NULL);
  return TRUE;
}

void
xmpp_extras_publish_nick(XmppExtras *self, const char *nick)
{
  g_return_if_fail(self != NULL);
  if (self->pep == NULL)
    return;
  XmppNode *item = xmpp_mood_item_new(xmpp_nick_build(nick));
  xmpp_pep_publish(self->pep, XMPP_NS_NICK, item, "presence", NULL, NULL, NULL);
}
