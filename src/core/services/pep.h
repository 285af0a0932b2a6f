/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPep: XEP-0163 personal eventing: publishing items to our own nodes and receiving
 * notifications (+notify), with XEP-0223/T42 origin rules for our own nodes. */
#pragma once

#include "services/disco.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

#define XMPP_PEP_MAX_NODE 1024 /* bytes of a node name we accept in a notification */

typedef struct _XmppPep XmppPep;

/* A notification for `node` from `from` (the contact, or our own bare JID for our nodes):
 * items is the <items/> element (borrowed). */
typedef void (*XmppPepHandler)(const XmppJid *from, const char *node, const XmppNode *items,
                               gpointer user_data);

XmppPep *xmpp_pep_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_pep_free(XmppPep *pep);
/* Interest in a node: adds "<node>+notify" to disco (so caps advertise it) and calls handler
 * for its notifications. */
void xmpp_pep_add_handler(XmppPep *pep, const char *node, XmppPepHandler handler,
                          gpointer user_data);
/* Publishes one item (taken) to our node; access "presence" or "open". cb may be NULL. */
void xmpp_pep_publish(XmppPep *pep, const char *node, XmppNode *item, const char *access_model,
                      XmppIqCallback cb, gpointer user_data, GDestroyNotify destroy);

/* Beyond the shared contract: */
/* The <items/> of a pubsub#event message (borrowed) and its node, or NULL when the message holds
 * none (purge, delete, configuration...) or the node name is missing or too long. Pure. */
const XmppNode *xmpp_pep_event_get_items(const XmppNode *message, const char **node);
/* The <iq type='set'/> publishing item (taken) to node, with XEP-0060 §7.1.5 publish-options
 * when access_model is not NULL. Pure. */
XmppNode *xmpp_pep_build_publish(const char *node, XmppNode *item, const char *access_model);
/* The same with any publish-options: options is NULL or a NULL-ended list of field, value
 * pairs ("pubsub#max_items", "max", ...). Pure. */
XmppNode *xmpp_pep_build_publish_with(const char *node, XmppNode *item, const char *const *options);
/* Asks jid's PEP service for one item of node (XEP-0060 §6.5.8); the callback gets the reply. */
void xmpp_pep_request_item(XmppPep *pep, const char *jid, const char *node, const char *item_id,
                           XmppIqCallback cb, gpointer user_data, GDestroyNotify destroy);
/* The <item/> with this id among items (borrowed), or the first one when id is NULL. */
const XmppNode *xmpp_pep_items_find(const XmppNode *items, const char *id);

G_END_DECLS
