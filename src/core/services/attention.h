/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppExtras: XEP-0224 attention, XEP-0107 mood, XEP-0172 nickname, XEP-0118 tune. */
#pragma once

#include "services/mood.h"
#include "services/pep.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

/* XEP-0224 §2: <message type='headline' to=to><attention/></message>. */
XmppNode *xmpp_attention_build(const char *to);
/* Pure: is this received message an attention request we may show? Not an error, not delayed
 * (§4: an offline buzz is stale), and it carries <attention/>. */
gboolean xmpp_attention_is_request(const XmppNode *message);

/* What the glue hears. Everything is borrowed for the duration of the call; bare is the
 * contact's bare JID (or our own, for notifications of our own nodes). */
typedef struct _XmppExtrasEvents {
  void (*attention)(gpointer data, const XmppJid *from);
  /* mood->name NULL: the contact has no mood any more. */
  void (*mood)(gpointer data, const char *bare, const XmppMood *mood);
  /* nick NULL: the contact cleared it. */
  void (*nick)(gpointer data, const char *bare, const char *nick);
  /* tune NULL (or empty): nothing is playing. */
  void (*tune)(gpointer data, const char *bare, const XmppTune *tune);
} XmppExtrasEvents;

typedef struct _XmppExtras XmppExtras;

XmppExtras *xmpp_extras_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                            XmppPep *pep);
void xmpp_extras_free(XmppExtras *extras);
/* events copied; data borrowed until replaced or the module is freed. */
void xmpp_extras_set_events(XmppExtras *extras, const XmppExtrasEvents *events, gpointer data);

/* Sends a buzz (XEP-0224). FALSE when to is not a valid JID. */
gboolean xmpp_extras_send_attention(XmppExtras *extras, const char *to);
/* Publishes our mood (name NULL: none) or nickname (NULL: none) to PEP, to contacts with a
 * presence subscription. FALSE when name is not a XEP-0107 value. */
gboolean xmpp_extras_publish_mood(XmppExtras *extras, const char *name, const char *text);
void xmpp_extras_publish_nick(XmppExtras *extras, const char *nick);

/* The PEP notification handlers (exposed for tests): items is the <items/> element. */
void xmpp_extras_handle_pep(XmppExtras *extras, const XmppJid *from, const char *node,
                            const XmppNode *items);

G_END_DECLS
