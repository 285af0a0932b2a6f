/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPep: XEP-0163 personal eventing: publishing items to our own nodes and receiving
 * notifications (+notify), with XEP-0223/T42 origin rules for our own nodes. */
#pragma once

#include "services/disco.h"

G_BEGIN_DECLS

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

G_END_DECLS
